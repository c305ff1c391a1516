//! A Telegram user in a private chat with the bot, driven by tests.
//!
//! `send_*` methods only queue the update and return a [`Sent`]; `say`,
//! `press`, `tap` and [`UserHandle::reaction`] also wait for the bot's
//! reaction (see [`super::wait`]) and return the bot messages that appeared
//! or changed.

use std::sync::Arc;

use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::methods::register_callback;
use super::text::{FormattedText, detect_entities};
use super::transcript::{ChatMessage, ReplyKeyboard, render};
use super::wait::{self, Baseline, Expect};
use super::world::{CallbackAnswer, Shared, StoredMessage, World, unix_now};

/// Something a user did: the update it produced and, for messages, the
/// message id. Pass it to [`UserHandle::reaction`] to wait for the bot.
#[derive(Clone, Debug)]
pub struct Sent {
    /// The user's message id (0 for updates that are not messages).
    pub message_id: i64,
    /// The update id, `None` if allowed_updates made Telegram drop it.
    pub update_id: Option<i64>,
    /// The callback query id, for button presses.
    pub callback_id: Option<String>,
    baseline: Baseline,
}

/// A user acting in a chat with the bot: their private chat by default, or
/// a group / forum topic (see [`UserHandle::in_chat`], [`UserHandle::in_topic`]).
#[derive(Clone)]
pub struct UserHandle {
    shared: Arc<Shared>,
    user_id: i64,
    chat_id: i64,
    thread_id: Option<i64>,
}

impl std::fmt::Debug for UserHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserHandle")
            .field("user_id", &self.user_id)
            .field("chat_id", &self.chat_id)
            .field("thread_id", &self.thread_id)
            .finish()
    }
}

impl UserHandle {
    pub(crate) fn new(shared: Arc<Shared>, user_id: i64) -> Self {
        Self {
            shared,
            user_id,
            chat_id: user_id,
            thread_id: None,
        }
    }

    /// The same user acting in another chat (a group or supergroup added
    /// with [`super::Emulator::add_group_chat`]). Panics for unknown chats.
    pub fn in_chat(&self, chat_id: i64) -> UserHandle {
        assert!(
            self.shared.world().chats.contains_key(&chat_id),
            "unknown chat {chat_id}: add it with Emulator::add_group_chat first"
        );
        Self {
            shared: self.shared.clone(),
            user_id: self.user_id,
            chat_id,
            thread_id: None,
        }
    }

    /// The same user writing in a forum topic of this chat.
    pub fn in_topic(&self, thread_id: i64) -> UserHandle {
        Self {
            thread_id: Some(thread_id),
            ..self.clone()
        }
    }

    /// The forum topic this handle writes in, if any.
    pub fn thread_id(&self) -> Option<i64> {
        self.thread_id
    }

    fn is_private(&self) -> bool {
        self.chat_id == self.user_id
    }

    /// The user id.
    pub fn id(&self) -> i64 {
        self.user_id
    }

    /// The chat this handle acts in (for the private chat, equal to the
    /// user id, as in Telegram).
    pub fn chat_id(&self) -> i64 {
        self.chat_id
    }

    // ----- reading the chat ------------------------------------------------

    /// The whole chat as the user sees it: both sides, edits applied,
    /// deleted messages gone.
    pub fn transcript(&self) -> Vec<ChatMessage> {
        wait::transcript(&self.shared.world(), self.chat_id())
    }

    /// The transcript rendered as text (for assertion messages).
    pub fn transcript_text(&self) -> String {
        render(&self.transcript())
    }

    /// The bot's newest message in the chat.
    pub fn last_bot_message(&self) -> Option<ChatMessage> {
        self.transcript().into_iter().rev().find(|m| m.from_bot)
    }

    /// The reply keyboard currently shown, if any.
    pub fn reply_keyboard(&self) -> Option<ReplyKeyboard> {
        let w = self.shared.world();
        let chat = w.chats.get(&self.chat_id())?;
        chat.keyboard.as_ref().and_then(ReplyKeyboard::from_json)
    }

    /// How the bot answered the last button press.
    pub fn last_callback_answer(&self) -> Option<CallbackAnswer> {
        let w = self.shared.world();
        w.chats.get(&self.chat_id())?.last_answer.clone()
    }

    /// The last chat action (e.g. "typing") the bot sent here.
    pub fn last_chat_action(&self) -> Option<String> {
        let w = self.shared.world();
        w.chats.get(&self.chat_id())?.last_action.clone()
    }

    /// Whether the user currently has the bot blocked.
    pub fn has_blocked_bot(&self) -> bool {
        let w = self.shared.world();
        w.chats.get(&self.chat_id()).is_some_and(|c| c.blocked)
    }

    // ----- waiting -------------------------------------------------------------

    /// Waits for the bot's reaction to `sent` and returns the bot messages
    /// that appeared or changed. Panics with the transcript on timeout.
    pub async fn reaction(&self, sent: &Sent) -> Vec<ChatMessage> {
        self.try_reaction(sent)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Like [`Self::reaction`], returning the failure instead of panicking.
    pub async fn try_reaction(&self, sent: &Sent) -> anyhow::Result<Vec<ChatMessage>> {
        if sent.update_id.is_none() {
            anyhow::bail!("the update was dropped: allowed_updates excludes its type");
        }
        let expect = Expect {
            update_id: sent.update_id,
            callback_id: sent.callback_id.clone(),
            require_change: sent.callback_id.is_none(),
        };
        wait::reaction(&self.shared, self.chat_id(), &sent.baseline, &expect)
            .await
            .map_err(anyhow::Error::msg)
    }

    /// Waits until the bot fetched `sent` and the chat was quiet for the
    /// quiet period, without requiring any reply (for "the bot ignores
    /// this" checks). Returns what changed, possibly nothing.
    pub async fn settle(&self, sent: &Sent) -> Vec<ChatMessage> {
        let expect = Expect {
            update_id: sent.update_id,
            callback_id: None,
            require_change: false,
        };
        wait::reaction(&self.shared, self.chat_id(), &sent.baseline, &expect)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    // ----- text --------------------------------------------------------------------

    /// Sends a text message (commands get their bot_command entity).
    pub async fn send_text(&self, text: &str) -> Sent {
        let text = text.to_owned();
        self.post(move |_, m| put_user_text(m, &text))
    }

    /// Sends a text message and returns the bot's reaction.
    pub async fn say(&self, text: &str) -> Vec<ChatMessage> {
        let sent = self.send_text(text).await;
        self.reaction(&sent).await
    }

    /// Like [`Self::say`], returning the failure instead of panicking.
    pub async fn try_say(&self, text: &str) -> anyhow::Result<Vec<ChatMessage>> {
        let sent = self.send_text(text).await;
        self.try_reaction(&sent).await
    }

    /// Sends a text message replying to `reply_to` (a message id).
    pub async fn send_reply(&self, reply_to: i64, text: &str) -> Sent {
        let text = text.to_owned();
        let chat_id = self.chat_id();
        self.post(move |w, m| {
            if let Some(reply) = w.reply_json(chat_id, reply_to) {
                m.insert("reply_to_message".into(), reply);
            }
            put_user_text(m, &text);
        })
    }

    /// Edits one of the user's own messages (emits `edited_message`).
    pub async fn edit_text(&self, message_id: i64, new_text: &str) -> Sent {
        let chat_id = self.chat_id();
        let (baseline, payload) = {
            let mut w = self.shared.world();
            let baseline = Baseline::of(&w, chat_id);
            let version = w.bump();
            let msg = w
                .chats
                .get_mut(&chat_id)
                .and_then(|c| c.messages.get_mut(&message_id))
                .filter(|m| !m.from_bot);
            let Some(msg) = msg else {
                panic!("user {} has no message {message_id} to edit", self.user_id);
            };
            if let Some(obj) = msg.json.as_object_mut() {
                obj.remove("entities");
                put_user_text(obj, new_text);
                obj.insert("edit_date".into(), json!(unix_now()));
            }
            msg.edited = true;
            msg.version = version;
            msg.source = Some(new_text.to_owned());
            (baseline, msg.json.clone())
        };
        let update_id = self.shared.enqueue("edited_message", payload);
        Sent {
            message_id,
            update_id,
            callback_id: None,
            baseline,
        }
    }

    // ----- other message kinds -----------------------------------------------------

    /// Sends a sticker.
    pub async fn send_sticker(&self) -> Sent {
        self.post_file(
            "sticker",
            Bytes::from_static(b"RIFF\0\0\0\0WEBPVP8 "),
            None,
            None,
            |f| {
                json!({
                    "width": 512, "height": 512, "emoji": "👍", "set_name": "EmulatorStickers",
                    "is_animated": false, "is_video": false, "type": "regular",
                    "file_id": f.0, "file_unique_id": f.1, "file_size": f.2,
                })
            },
            None,
        )
    }

    /// Sends a photo with an optional caption.
    pub async fn send_photo(&self, caption: Option<&str>) -> Sent {
        let data = Bytes::from_static(b"\xff\xd8\xff\xe0\0\x10JFIF\0emulator photo\xff\xd9");
        self.post_file("photo", data, None, Some("image/jpeg".into()), |f| {
            json!([
                {"file_id": f.0, "file_unique_id": f.1, "file_size": f.2, "width": 90, "height": 68},
                {"file_id": f.0, "file_unique_id": f.1, "file_size": f.2, "width": 1280, "height": 960},
            ])
        }, caption)
    }

    /// Sends a document with a file name and MIME type (small fake content).
    pub async fn send_document(&self, file_name: &str, mime_type: &str) -> Sent {
        let data = Bytes::from(format!("emulator document {file_name}").into_bytes());
        self.send_document_bytes(file_name, mime_type, data).await
    }

    /// Sends a document with the given content.
    pub async fn send_document_bytes(&self, file_name: &str, mime_type: &str, data: Bytes) -> Sent {
        let (name, mime) = (file_name.to_owned(), mime_type.to_owned());
        self.post_file("document", data, Some(name.clone()), Some(mime.clone()), move |f| {
            json!({"file_name": name, "mime_type": mime, "file_id": f.0, "file_unique_id": f.1, "file_size": f.2})
        }, None)
    }

    /// Sends a voice note.
    pub async fn send_voice(&self) -> Sent {
        let data = Bytes::from_static(b"OggS\0emulator voice");
        self.post_file("voice", data, None, Some("audio/ogg".into()), |f| {
            json!({"duration": 2, "mime_type": "audio/ogg", "file_id": f.0, "file_unique_id": f.1, "file_size": f.2})
        }, None)
    }

    /// Shares a location.
    pub async fn send_location(&self, latitude: f64, longitude: f64) -> Sent {
        self.post(move |_, m| {
            m.insert(
                "location".into(),
                json!({ "latitude": latitude, "longitude": longitude }),
            );
        })
    }

    /// Shares a contact; `own` = the user's own number (as sent by a
    /// `request_contact` keyboard button, with `user_id`).
    pub async fn send_contact(&self, phone: &str, own: bool) -> Sent {
        let phone = phone.to_owned();
        let user_id = self.user_id;
        self.post(move |w, m| {
            let user = w.users.get(&user_id).cloned().unwrap_or_default();
            let mut contact = json!({
                "phone_number": phone,
                "first_name": if own { user.first_name.clone() } else { "Contact".to_owned() },
            });
            if own {
                if let Some(last) = &user.last_name {
                    contact["last_name"] = json!(last);
                }
                contact["user_id"] = json!(user_id);
            }
            m.insert("contact".into(), contact);
        })
    }

    /// Sends any message JSON: the fields given override the generated
    /// `message_id`, `from`, `chat` and `date`.
    pub async fn send_raw_message(&self, message: Value) -> Sent {
        self.post(move |_, m| {
            if let Value::Object(fields) = message {
                m.extend(fields);
            }
        })
    }

    // ----- buttons and keyboards -----------------------------------------------------

    /// Presses the inline button labelled exactly `label` on the newest bot
    /// message that has one, and returns the bot's reaction.
    pub async fn press(&self, label: &str) -> Vec<ChatMessage> {
        self.try_press(label)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Like [`Self::press`], returning the failure instead of panicking.
    pub async fn try_press(&self, label: &str) -> anyhow::Result<Vec<ChatMessage>> {
        let (message_id, data) = self.find_button(label)?;
        let sent = self.send_callback(message_id, &data)?;
        self.try_reaction(&sent).await
    }

    /// Presses a button with raw callback data on a message (e.g. stale or
    /// forged data) and returns the bot's reaction.
    pub async fn press_data(&self, message_id: i64, data: &str) -> Vec<ChatMessage> {
        let sent = self
            .send_callback(message_id, data)
            .unwrap_or_else(|e| panic!("{e}"));
        self.reaction(&sent).await
    }

    /// Emits a callback query without waiting.
    pub fn send_callback(&self, message_id: i64, data: &str) -> anyhow::Result<Sent> {
        let chat_id = self.chat_id();
        let (baseline, callback_id, payload) = {
            let mut w = self.shared.world();
            let message = w
                .message(chat_id, message_id)
                .map(|m| m.json.clone())
                .ok_or_else(|| anyhow::anyhow!("no message {message_id} in chat {chat_id}"))?;
            let baseline = Baseline::of(&w, chat_id);
            let id = register_callback(&mut w, Some(chat_id));
            let payload = json!({
                "id": id,
                "from": w.user_json(self.user_id),
                "message": message,
                "chat_instance": chat_instance(chat_id),
                "data": data,
            });
            (baseline, id, payload)
        };
        let update_id = self.shared.enqueue("callback_query", payload);
        Ok(Sent {
            message_id: 0,
            update_id,
            callback_id: Some(callback_id),
            baseline,
        })
    }

    fn find_button(&self, label: &str) -> anyhow::Result<(i64, String)> {
        let transcript = self.transcript();
        let found = transcript
            .iter()
            .rev()
            .filter(|m| m.from_bot)
            .find_map(|m| m.button(label).map(|b| (m.message_id, b.clone())));
        let Some((message_id, button)) = found else {
            anyhow::bail!(
                "no bot message has a button labelled {label:?}\ntranscript:\n{}",
                render(&transcript)
            );
        };
        let data = button.callback_data.ok_or_else(|| {
            anyhow::anyhow!(
                "button {label:?} is not a callback button (url: {:?})",
                button.url
            )
        })?;
        Ok((message_id, data))
    }

    /// Taps a reply-keyboard button: sends its text, or the user's contact
    /// or location for request buttons. Returns the bot's reaction.
    pub async fn tap(&self, label: &str) -> Vec<ChatMessage> {
        let keyboard = self.reply_keyboard().unwrap_or_else(|| {
            panic!(
                "no reply keyboard is shown\ntranscript:\n{}",
                self.transcript_text()
            )
        });
        let Some(button) = keyboard.button(label).cloned() else {
            panic!(
                "the reply keyboard has no button {label:?}: {:?}",
                keyboard.labels()
            );
        };
        let sent = if button.request_contact {
            self.send_contact(
                &format!("1555{:07}", self.user_id.rem_euclid(10_000_000)),
                true,
            )
            .await
        } else if button.request_location {
            self.send_location(52.52, 13.405).await
        } else {
            self.send_text(label).await
        };
        if keyboard.one_time
            && let Some(chat) = self.shared.world().chats.get_mut(&self.chat_id())
        {
            chat.keyboard = None;
        }
        self.reaction(&sent).await
    }

    // ----- blocking ----------------------------------------------------------------------

    /// Blocks the bot: sends then fail with 403 and the bot gets a
    /// `my_chat_member` update (status "kicked").
    pub async fn block_bot(&self) -> Sent {
        self.set_blocked(true)
    }

    /// Unblocks the bot (`my_chat_member` with status "member").
    pub async fn unblock_bot(&self) -> Sent {
        self.set_blocked(false)
    }

    fn set_blocked(&self, blocked: bool) -> Sent {
        assert!(self.is_private(), "only a private chat can block the bot");
        let chat_id = self.chat_id();
        let (baseline, payload) = {
            let mut w = self.shared.world();
            let baseline = Baseline::of(&w, chat_id);
            if let Some(chat) = w.chats.get_mut(&chat_id) {
                chat.blocked = blocked;
            }
            w.bump();
            (baseline, member_change(&w, self.user_id, blocked))
        };
        let update_id = self.shared.enqueue("my_chat_member", payload);
        Sent {
            message_id: 0,
            update_id,
            callback_id: None,
            baseline,
        }
    }

    // ----- plumbing ------------------------------------------------------------------------

    /// Creates a user message (head filled in, then `fill`), stores it and
    /// queues the `message` update. A user who had blocked the bot unblocks
    /// it by writing (Telegram's "Restart").
    fn post(&self, fill: impl FnOnce(&World, &mut Map<String, Value>)) -> Sent {
        let chat_id = self.chat_id();
        if self.is_private() && self.has_blocked_bot() {
            self.set_blocked(false);
        }
        let (baseline, message_id, payload) = {
            let mut w = self.shared.world();
            let baseline = Baseline::of(&w, chat_id);
            let Some(chat) = w.chats.get_mut(&chat_id) else {
                panic!("unknown chat {chat_id}");
            };
            chat.started = true;
            let message_id = chat.take_message_id();
            let mut m = w.message_head(chat_id, message_id, self.user_id, self.thread_id);
            fill(&w, &mut m);
            let source = m.get("text").and_then(Value::as_str).map(str::to_owned);
            let json = w.store_message(
                chat_id,
                StoredMessage {
                    json: Value::Object(m),
                    from_bot: false,
                    source,
                    parse_mode: None,
                    edited: false,
                    version: 0,
                    markup: None,
                },
            );
            (baseline, message_id, json)
        };
        let update_id = self.shared.enqueue("message", payload);
        Sent {
            message_id,
            update_id,
            callback_id: None,
            baseline,
        }
    }

    /// Stores a file the user sends (so the bot can getFile/download it) and
    /// posts the message with the media field built by `media`.
    fn post_file(
        &self,
        kind: &str,
        data: Bytes,
        file_name: Option<String>,
        mime: Option<String>,
        media: impl FnOnce((String, String, usize)) -> Value,
        caption: Option<&str>,
    ) -> Sent {
        let size = data.len();
        let file = self.shared.world().store_file(kind, data, file_name, mime);
        let value = media((file.file_id, file.file_unique_id, size));
        let kind = kind.to_owned();
        let caption = caption.map(str::to_owned);
        self.post(move |_, m| {
            m.insert(kind, value);
            if let Some(c) = caption {
                m.insert("caption".into(), json!(c));
            }
        })
    }
}

/// Puts user text and the entities Telegram detects into a message.
fn put_user_text(m: &mut Map<String, Value>, text: &str) {
    m.insert("text".into(), json!(text));
    let detected = FormattedText {
        text: text.to_owned(),
        entities: detect_entities(text),
    };
    if detected.entities.is_empty() {
        m.remove("entities");
    } else {
        m.insert(
            "entities".into(),
            Value::Array(detected.entities_json(|id| json!({ "id": id }))),
        );
    }
}

/// A stable chat_instance string for a chat.
fn chat_instance(chat_id: i64) -> String {
    let mixed = chat_id.unsigned_abs().wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 1;
    format!("-{mixed}")
}

/// The my_chat_member payload for blocking / unblocking the bot.
fn member_change(w: &World, user_id: i64, blocked: bool) -> Value {
    let bot = w.bot_json();
    let member = json!({ "user": bot, "status": "member" });
    let kicked = json!({ "user": bot, "status": "kicked", "until_date": 0 });
    let (old, new) = if blocked {
        (member, kicked)
    } else {
        (kicked, member)
    };
    json!({
        "chat": w.chat_json(user_id),
        "from": w.user_json(user_id),
        "date": unix_now(),
        "old_chat_member": old,
        "new_chat_member": new,
    })
}
