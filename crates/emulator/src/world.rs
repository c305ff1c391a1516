//! The emulated Telegram: users, chats with their messages, the bot's update
//! queue, callback queries, commands, files, faults and the call log.
//!
//! Everything lives behind one mutex in [`Shared`]; no lock is held across
//! an `.await`. Changes are announced through two `watch` channels: one for
//! new updates (wakes long polls), one for any activity (wakes tests that
//! wait for the bot's reaction).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde_json::{Map, Value, json};
use tokio::sync::watch;

use super::faults::{Fault, FaultKind};
use super::flood::FloodState;
use super::markup::Markup;
use super::spec::Spec;
use super::text::FormattedText;

/// Update types delivered when `allowed_updates` was never set or set to `[]`.
const NOT_DEFAULT_UPDATES: &[&str] = &["chat_member", "message_reaction", "message_reaction_count"];

/// The first update_id handed out (fits the i32 offset teloxide uses).
const FIRST_UPDATE_ID: i64 = 100_000_001;

/// A Telegram user the tests act as.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserSpec {
    /// User id (also the private chat id).
    pub id: i64,
    /// First name (Telegram requires one; empty becomes "User").
    pub first_name: String,
    /// Optional last name.
    pub last_name: Option<String>,
    /// Optional username without `@`.
    pub username: Option<String>,
    /// IETF language tag of the user's client, e.g. `es`.
    pub language_code: Option<String>,
    /// Telegram Premium subscriber.
    pub is_premium: bool,
}

/// The bot's own identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BotIdentity {
    /// Bot user id (the number before `:` in the token).
    pub id: i64,
    /// Display name.
    pub first_name: String,
    /// Username without `@`.
    pub username: String,
}

/// What kind of chat, as in `Chat.type`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChatKind {
    /// One-to-one chat with a user.
    Private {
        /// The user on the other side.
        user_id: i64,
    },
    /// Basic group.
    Group {
        /// Title.
        title: String,
    },
    /// Supergroup, optionally with forum topics.
    Supergroup {
        /// Title.
        title: String,
        /// Public username, if any.
        username: Option<String>,
        /// Whether topics are enabled.
        is_forum: bool,
    },
}

/// The bot's administrator rights in a group (`ChatMemberAdministrator`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdminRights {
    /// `can_manage_topics`: create, rename, close and reopen topics.
    pub can_manage_topics: bool,
    /// `can_delete_messages`: delete other members' messages.
    pub can_delete_messages: bool,
    /// `can_pin_messages`.
    pub can_pin_messages: bool,
}

impl AdminRights {
    /// Every right.
    pub fn all() -> Self {
        Self {
            can_manage_topics: true,
            can_delete_messages: true,
            can_pin_messages: true,
        }
    }
}

/// What the bot is in a group, as `getChatMember` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BotMembership {
    /// An administrator with these rights (the default for groups the
    /// tests register: the coordinators' group is set up that way).
    Administrator(AdminRights),
    /// A plain member.
    Member,
}

/// What a user is in a group, as `getChatMember` reports it (users are
/// plain members unless a test says otherwise).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MemberStatus {
    /// The group's owner.
    Creator,
    /// An administrator.
    Administrator,
    /// A plain member.
    #[default]
    Member,
    /// A member with restrictions (e.g. muted: may not send messages).
    Restricted {
        /// Whether they may still send messages.
        can_send_messages: bool,
    },
    /// Not in the group (left, or never joined).
    Left,
    /// Banned.
    Kicked,
}

/// A forum topic of a supergroup.
#[derive(Clone, Debug, PartialEq)]
pub struct ForumTopic {
    /// Thread id (the id of the topic-creation service message).
    pub thread_id: i64,
    /// Name.
    pub name: String,
    /// Icon colour.
    pub icon_color: i64,
    /// Custom emoji icon.
    pub icon_custom_emoji_id: Option<String>,
    /// Closed topics accept no messages.
    pub closed: bool,
}

/// How a bot answered a callback query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallbackAnswer {
    /// Notification text (toast or alert).
    pub text: Option<String>,
    /// Shown as an alert instead of a toast.
    pub show_alert: bool,
    /// URL to open.
    pub url: Option<String>,
}

/// A stored message.
#[derive(Clone, Debug)]
pub(crate) struct StoredMessage {
    /// The Message object as Telegram returns it.
    pub json: Value,
    /// Sent by the bot.
    pub from_bot: bool,
    /// Text or caption exactly as the bot sent it (markup included).
    pub source: Option<String>,
    /// The bot's parse_mode for `source`.
    pub parse_mode: Option<String>,
    /// Edited at least once.
    pub edited: bool,
    /// World version of the last change.
    pub version: u64,
    /// The reply markup it was sent with (any kind).
    pub markup: Option<Markup>,
}

impl StoredMessage {
    /// The message id.
    pub fn id(&self) -> i64 {
        self.json["message_id"].as_i64().unwrap_or_default()
    }
}

/// A chat.
#[derive(Clone, Debug)]
pub(crate) struct Chat {
    pub id: i64,
    pub kind: ChatKind,
    pub next_message_id: i64,
    pub messages: BTreeMap<i64, StoredMessage>,
    /// World version of the last bot-side change (send, edit, delete, answer).
    pub version: u64,
    /// Private chats: the user has blocked the bot.
    pub blocked: bool,
    /// Private chats: the user has written to the bot at least once.
    pub started: bool,
    /// Groups: the bot left (leaveChat) and can no longer post.
    pub bot_left: bool,
    /// Groups: the bot's status and rights (until it leaves).
    pub bot_membership: BotMembership,
    /// Groups: users whose status is not a plain member's.
    pub member_statuses: HashMap<i64, MemberStatus>,
    /// The bot's reaction on a message (`setMessageReaction`), by message id.
    pub bot_reactions: HashMap<i64, String>,
    /// The reply keyboard currently shown, if any.
    pub keyboard: Option<Value>,
    pub topics: BTreeMap<i64, ForumTopic>,
    pub last_answer: Option<CallbackAnswer>,
    pub last_action: Option<String>,
}

impl Chat {
    fn new(id: i64, kind: ChatKind) -> Self {
        Self {
            id,
            kind,
            next_message_id: 1,
            messages: BTreeMap::new(),
            version: 0,
            blocked: false,
            started: false,
            bot_left: false,
            bot_membership: BotMembership::Administrator(AdminRights::all()),
            member_statuses: HashMap::new(),
            bot_reactions: HashMap::new(),
            keyboard: None,
            topics: BTreeMap::new(),
            last_answer: None,
            last_action: None,
        }
    }

    /// Whether this is a forum supergroup.
    pub fn is_forum(&self) -> bool {
        matches!(self.kind, ChatKind::Supergroup { is_forum: true, .. })
    }

    /// Allocates the next message id.
    pub fn take_message_id(&mut self) -> i64 {
        let id = self.next_message_id;
        self.next_message_id += 1;
        id
    }
}

/// A queued update.
#[derive(Clone, Debug)]
pub(crate) struct QueuedUpdate {
    pub id: i64,
    pub json: Value,
}

/// State of a callback query the emulator emitted.
#[derive(Clone, Debug)]
pub(crate) struct CallbackState {
    pub chat_id: Option<i64>,
    pub created: Instant,
    pub answer: Option<CallbackAnswer>,
}

/// A stored file.
#[derive(Clone, Debug)]
pub(crate) struct StoredFile {
    pub file_id: String,
    pub file_unique_id: String,
    pub file_path: String,
    pub file_name: Option<String>,
    pub mime_type: Option<String>,
    pub data: Bytes,
}

/// Webhook settings from setWebhook.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WebhookConfig {
    /// Target URL.
    pub url: String,
    /// `X-Telegram-Bot-Api-Secret-Token` value.
    pub secret_token: Option<String>,
    /// max_connections (default 40).
    pub max_connections: i64,
    /// ip_address, if given.
    pub ip_address: Option<String>,
}

/// One registered bot command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BotCommandEntry {
    /// Command without `/`.
    pub command: String,
    /// Description.
    pub description: String,
}

/// One call the bot made.
#[derive(Clone, Debug)]
pub struct RecordedCall {
    /// Canonical method name (as in the spec when known, else as called).
    pub method: String,
    /// Parameters as JSON (uploaded files shown as `attach://` references).
    pub params: Value,
    /// HTTP status of the answer (0 when the connection was dropped).
    pub status: u16,
    /// The JSON answer (`Value::Null` when the connection was dropped).
    pub response: Value,
    /// When the call arrived.
    pub at: SystemTime,
    /// Time to answer.
    pub duration: Duration,
    /// The injected fault, if one answered this call.
    pub fault: Option<FaultKind>,
}

/// All mutable state.
pub(crate) struct World {
    pub bot: BotIdentity,
    pub users: HashMap<i64, UserSpec>,
    pub chats: HashMap<i64, Chat>,
    pub queue: VecDeque<QueuedUpdate>,
    pub next_update_id: i64,
    /// Highest update_id handed to the bot (getUpdates answer or webhook).
    pub delivered_upto: i64,
    /// Updates that were dropped because allowed_updates excluded them.
    pub dropped_updates: Vec<i64>,
    pub allowed_updates: Option<Vec<String>>,
    pub webhook: Option<WebhookConfig>,
    /// Last failed webhook delivery: (unix time, message).
    pub webhook_error: Option<(i64, String)>,
    /// Bumped by every getUpdates call; a waiting call that sees another
    /// generation was terminated by a newer call (409).
    pub poll_generation: u64,
    pub callbacks: HashMap<String, CallbackState>,
    pub next_callback_seq: u64,
    pub commands: BTreeMap<(String, String), Vec<BotCommandEntry>>,
    /// setMyName/Description/ShortDescription values by (kind, language).
    pub bot_texts: HashMap<(String, String), String>,
    pub files: HashMap<String, StoredFile>,
    pub next_file_seq: u64,
    pub faults: Vec<Fault>,
    pub calls: Vec<RecordedCall>,
    pub violations: Vec<String>,
    /// Monotonic version counter for changes.
    pub version: u64,
    /// Flood-limit bookkeeping (used only with flood control on).
    pub flood: FloodState,
}

/// Shared between the HTTP server, test handles and waiters.
pub(crate) struct Shared {
    world: Mutex<World>,
    /// Bumped when an update is queued (wakes long polls).
    pub updates: watch::Sender<u64>,
    /// Bumped after any change (wakes reaction waiters).
    pub activity: watch::Sender<u64>,
    pub token: String,
    pub spec: Option<&'static Spec>,
    pub options: super::EmulatorOptions,
}

impl Shared {
    pub fn new(options: super::EmulatorOptions, spec: Option<&'static Spec>) -> Self {
        let world = World::new(options.bot.clone());
        Self {
            world: Mutex::new(world),
            updates: watch::channel(0).0,
            activity: watch::channel(0).0,
            token: options.token.clone(),
            spec,
            options,
        }
    }

    /// Locks the world. A panic while holding the lock cannot leave it in a
    /// state worse than a half-applied change, so poisoning is ignored.
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Announces a change to reaction waiters.
    pub fn touch(&self) {
        self.activity.send_modify(|v| *v = v.wrapping_add(1));
    }

    /// Wakes long polls (a new update or a poll generation change).
    pub fn wake_polls(&self) {
        self.updates.send_modify(|v| *v = v.wrapping_add(1));
    }

    /// Queues an update (unless allowed_updates excludes it) and wakes
    /// pollers. Returns its id, or `None` when it was dropped. Updates the
    /// emulator builds are checked against the spec (self-check).
    pub fn enqueue(&self, kind: &str, payload: Value) -> Option<i64> {
        let mut update = Map::new();
        // Placeholder: the real id is assigned when queued.
        update.insert("update_id".into(), json!(0));
        update.insert(kind.to_owned(), payload);
        let update = Value::Object(update);
        let problem = self.spec.and_then(|s| s.check_update(&update));
        let mut world = self.world();
        if let Some(problem) = problem {
            world.violations.push(format!(
                "emulator update does not match the spec: {problem}"
            ));
        }
        let id = world.push_raw_update(update);
        drop(world);
        self.wake_polls();
        self.touch();
        id
    }

    /// Queues a complete update JSON (update_id assigned when missing).
    pub fn enqueue_raw(&self, update: Value) -> Option<i64> {
        let id = self.world().push_raw_update(update);
        self.wake_polls();
        self.touch();
        id
    }
}

/// Seconds since the epoch.
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl World {
    fn new(bot: BotIdentity) -> Self {
        Self {
            bot,
            users: HashMap::new(),
            chats: HashMap::new(),
            queue: VecDeque::new(),
            next_update_id: FIRST_UPDATE_ID,
            delivered_upto: 0,
            dropped_updates: Vec::new(),
            allowed_updates: None,
            webhook: None,
            webhook_error: None,
            poll_generation: 0,
            callbacks: HashMap::new(),
            next_callback_seq: 1,
            commands: BTreeMap::new(),
            bot_texts: HashMap::new(),
            files: HashMap::new(),
            next_file_seq: 1,
            faults: Vec::new(),
            calls: Vec::new(),
            violations: Vec::new(),
            version: 0,
            flood: FloodState::default(),
        }
    }

    /// A new version number for a change.
    pub fn bump(&mut self) -> u64 {
        self.version += 1;
        self.version
    }

    /// Marks a bot-side change in a chat.
    pub fn touch_chat(&mut self, chat_id: i64) {
        let v = self.bump();
        if let Some(chat) = self.chats.get_mut(&chat_id) {
            chat.version = v;
        }
    }

    // ----- users and chats -------------------------------------------------

    /// Registers a user and their private chat (idempotent).
    pub fn add_private_user(&mut self, mut spec: UserSpec) {
        if spec.first_name.is_empty() {
            spec.first_name = "User".to_owned();
        }
        let id = spec.id;
        self.users.insert(id, spec);
        self.chats
            .entry(id)
            .or_insert_with(|| Chat::new(id, ChatKind::Private { user_id: id }));
    }

    /// Registers a group or supergroup chat (idempotent).
    pub fn add_group(&mut self, id: i64, kind: ChatKind) {
        self.chats.entry(id).or_insert_with(|| {
            let mut chat = Chat::new(id, kind);
            // Message 1 was the "group created" service message: in a forum
            // it is the General topic, so real topics never get thread id 1.
            chat.next_message_id = 2;
            chat
        });
    }

    /// Resolves a `chat_id` parameter (integer or `@username`).
    pub fn resolve_chat(&self, chat_id: &Value) -> Option<i64> {
        match chat_id {
            Value::Number(n) => n.as_i64().filter(|id| self.chats.contains_key(id)),
            Value::String(s) => {
                if let Ok(id) = s.trim().parse::<i64>() {
                    return self.chats.contains_key(&id).then_some(id);
                }
                let name = s.strip_prefix('@')?.to_lowercase();
                self.chats.values().find_map(|c| match &c.kind {
                    ChatKind::Supergroup {
                        username: Some(u), ..
                    } if u.to_lowercase() == name => Some(c.id),
                    _ => None,
                })
            }
            _ => None,
        }
    }

    /// The User object of a user.
    pub fn user_json(&self, user_id: i64) -> Value {
        if user_id == self.bot.id {
            return self.bot_json();
        }
        let Some(u) = self.users.get(&user_id) else {
            return json!({ "id": user_id, "is_bot": false, "first_name": "User" });
        };
        let mut v = Map::new();
        v.insert("id".into(), json!(u.id));
        v.insert("is_bot".into(), json!(false));
        v.insert("first_name".into(), json!(u.first_name));
        insert_opt(&mut v, "last_name", u.last_name.as_deref());
        insert_opt(&mut v, "username", u.username.as_deref());
        insert_opt(&mut v, "language_code", u.language_code.as_deref());
        if u.is_premium {
            v.insert("is_premium".into(), json!(true));
        }
        Value::Object(v)
    }

    /// The bot as a User object.
    pub fn bot_json(&self) -> Value {
        json!({
            "id": self.bot.id,
            "is_bot": true,
            "first_name": self.bot.first_name,
            "username": self.bot.username,
        })
    }

    /// The Chat object of a chat.
    pub fn chat_json(&self, chat_id: i64) -> Value {
        let Some(chat) = self.chats.get(&chat_id) else {
            return json!({ "id": chat_id, "type": "private" });
        };
        let mut v = Map::new();
        v.insert("id".into(), json!(chat.id));
        match &chat.kind {
            ChatKind::Private { user_id } => {
                if let Some(u) = self.users.get(user_id) {
                    v.insert("first_name".into(), json!(u.first_name));
                    insert_opt(&mut v, "last_name", u.last_name.as_deref());
                    insert_opt(&mut v, "username", u.username.as_deref());
                }
                v.insert("type".into(), json!("private"));
            }
            ChatKind::Group { title } => {
                v.insert("title".into(), json!(title));
                v.insert("type".into(), json!("group"));
            }
            ChatKind::Supergroup {
                title,
                username,
                is_forum,
            } => {
                v.insert("title".into(), json!(title));
                insert_opt(&mut v, "username", username.as_deref());
                if *is_forum {
                    v.insert("is_forum".into(), json!(true));
                }
                v.insert("type".into(), json!("supergroup"));
            }
        }
        Value::Object(v)
    }

    // ----- messages ----------------------------------------------------------

    /// The common head of a Message object: id, thread, sender, chat, date.
    pub fn message_head(
        &self,
        chat_id: i64,
        message_id: i64,
        from_user: i64,
        thread_id: Option<i64>,
    ) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("message_id".into(), json!(message_id));
        let is_forum = self.chats.get(&chat_id).is_some_and(Chat::is_forum);
        if let (Some(thread), true) = (thread_id, is_forum) {
            m.insert("message_thread_id".into(), json!(thread));
            m.insert("is_topic_message".into(), json!(true));
        }
        m.insert("from".into(), self.user_json(from_user));
        m.insert("chat".into(), self.chat_json(chat_id));
        m.insert("date".into(), json!(unix_now()));
        m
    }

    /// Writes text (or a caption) with its entities into a Message object.
    pub fn put_text(&self, m: &mut Map<String, Value>, key: &str, text: &FormattedText) {
        m.insert(key.into(), json!(text.text));
        let entities_key = if key == "text" {
            "entities"
        } else {
            "caption_entities"
        };
        if text.entities.is_empty() {
            m.remove(entities_key);
        } else {
            let entities = text.entities_json(|id| self.user_json(id));
            m.insert(entities_key.into(), Value::Array(entities));
        }
    }

    /// The Message JSON of a stored message, without its own reply, for
    /// embedding as `reply_to_message`.
    pub fn reply_json(&self, chat_id: i64, message_id: i64) -> Option<Value> {
        let msg = self.chats.get(&chat_id)?.messages.get(&message_id)?;
        let mut json = msg.json.clone();
        if let Some(obj) = json.as_object_mut() {
            obj.remove("reply_to_message");
        }
        Some(json)
    }

    /// Stores a message in its chat; returns its JSON.
    pub fn store_message(&mut self, chat_id: i64, mut stored: StoredMessage) -> Value {
        let version = self.bump();
        stored.version = version;
        let json = stored.json.clone();
        if let Some(chat) = self.chats.get_mut(&chat_id) {
            if stored.from_bot {
                chat.version = version;
                apply_keyboard(chat, stored.markup.as_ref());
            }
            chat.messages.insert(stored.id(), stored);
        }
        json
    }

    /// A message of a chat.
    pub fn message(&self, chat_id: i64, message_id: i64) -> Option<&StoredMessage> {
        self.chats.get(&chat_id)?.messages.get(&message_id)
    }

    // ----- updates -----------------------------------------------------------

    /// Whether an update kind passes the current allowed_updates.
    pub fn update_allowed(&self, kind: &str) -> bool {
        match &self.allowed_updates {
            Some(list) if !list.is_empty() => list.iter().any(|k| k == kind),
            _ => !NOT_DEFAULT_UPDATES.contains(&kind),
        }
    }

    /// Queues a complete update, assigning `update_id` when missing or not
    /// greater than the last one; `None` if allowed_updates filters it out.
    pub fn push_raw_update(&mut self, mut update: Value) -> Option<i64> {
        let kind = update
            .as_object()
            .and_then(|o| o.keys().find(|k| *k != "update_id").cloned())
            .unwrap_or_default();
        let given = update.get("update_id").and_then(Value::as_i64);
        let id = match given {
            Some(id) if id >= self.next_update_id => id,
            _ => self.next_update_id,
        };
        self.next_update_id = id + 1;
        if !self.update_allowed(&kind) {
            self.dropped_updates.push(id);
            return None;
        }
        if let Some(obj) = update.as_object_mut() {
            obj.insert("update_id".into(), json!(id));
        }
        self.bump();
        self.queue.push_back(QueuedUpdate { id, json: update });
        Some(id)
    }

    // ----- faults and calls ------------------------------------------------

    /// Takes the next fault queued for a method, if any.
    pub fn take_fault(&mut self, method: &str) -> Option<FaultKind> {
        let pos = self.faults.iter().position(|f| f.matches(method))?;
        let fault = &mut self.faults[pos];
        let kind = fault.kind.clone();
        fault.times = fault.times.saturating_sub(1);
        if fault.times == 0 {
            self.faults.remove(pos);
        }
        Some(kind)
    }

    // ----- files -----------------------------------------------------------

    /// Stores file content and issues ids for it.
    pub fn store_file(
        &mut self,
        kind: &str,
        data: Bytes,
        file_name: Option<String>,
        mime_type: Option<String>,
    ) -> StoredFile {
        let seq = self.next_file_seq;
        self.next_file_seq += 1;
        let prefix = match kind {
            "photo" => "AgACAgIAAxk",
            "voice" => "AwACAgIAAxk",
            "sticker" => "CAACAgIAAxk",
            _ => "BQACAgIAAxk",
        };
        let ext = file_name
            .as_deref()
            .and_then(|n| n.rsplit_once('.').map(|(_, e)| e.to_owned()))
            .unwrap_or_else(|| default_extension(kind).to_owned());
        let file = StoredFile {
            file_id: format!("{prefix}EmU{seq:08}{}", self.bot.id),
            file_unique_id: format!("AgADEmU{seq:06}"),
            file_path: format!("{}/file_{seq}.{ext}", folder_of(kind)),
            file_name,
            mime_type,
            data,
        };
        self.files.insert(file.file_id.clone(), file.clone());
        file
    }
}

fn default_extension(kind: &str) -> &'static str {
    match kind {
        "photo" => "jpg",
        "voice" => "oga",
        "sticker" => "webp",
        "video" => "mp4",
        "audio" => "mp3",
        _ => "bin",
    }
}

fn folder_of(kind: &str) -> &'static str {
    match kind {
        "photo" => "photos",
        "voice" => "voice",
        "sticker" => "stickers",
        "video" => "videos",
        "audio" => "music",
        "animation" => "animations",
        _ => "documents",
    }
}

/// Applies a bot message's reply markup to the keyboard the user sees.
fn apply_keyboard(chat: &mut Chat, markup: Option<&Markup>) {
    match markup {
        Some(Markup::Keyboard(k)) => chat.keyboard = Some(k.clone()),
        Some(Markup::Remove(_)) => chat.keyboard = None,
        _ => {}
    }
}

fn insert_opt(m: &mut Map<String, Value>, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        m.insert(key.into(), json!(v));
    }
}
