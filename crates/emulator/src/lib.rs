//! A local Telegram Bot API emulator for tests and offline runs.
//!
//! **Owns:** an HTTP server (axum) that speaks the Bot API the way
//! `api.telegram.org` does — same URLs (`/bot<token>/<method>`, method names
//! case-insensitive, `/file/bot<token>/<path>` downloads), same request
//! encodings (JSON, urlencoded, query string, multipart with `attach://`),
//! same answers and error descriptions — so the real bot runs against it
//! unchanged (point teloxide at [`Emulator::api_url`] with
//! `Bot::set_api_url` or `TELOXIDE_API_URL`). Next to it, an in-process API
//! lets tests act as Telegram users ([`UserHandle`]) and read each chat as
//! the user sees it ([`ChatMessage`]).
//!
//! Every call is checked against the machine-readable Bot API spec
//! (`bot-api.json`, see [`spec`]) when it is available: a missing required
//! parameter answers 400, unknown parameters and mistyped values are
//! recorded in [`Emulator::spec_violations`], and the emulator checks its
//! own answers against the spec's return types too.
//!
//! **Must not touch:** the bot's own modules. Nothing here depends on them;
//! the emulator only knows the Bot API (and teloxide's HTTP client, for
//! webhook delivery). It never reaches the network beyond loopback.
//!
//! Where the emulator knowingly differs from Telegram:
//!
//! * `parse_mode=HTML` rejects a bare `&` (Telegram shows it as text; its
//!   docs demand `&amp;`) — see [`EmulatorOptions::strict_html_ampersand`].
//! * An inline button with several actions is rejected (Telegram silently
//!   uses the first); the docs say exactly one must be set.
//! * The Bot API server's getUpdates anti-abuse quirks (raising `timeout`
//!   to 3 s and `limit` to 1 for rapid identical calls) are not emulated.
//! * Entity auto-detection covers bot commands, @mentions and http(s) URLs
//!   only; files given by HTTP URL are stored empty (no internet).
//! * copyMessage(s) and forwardMessage(s) reproduce the text, media,
//!   location, venue, contact and dice fields of a message (polls, games,
//!   stories and the like are not copied), skip service messages, paid
//!   media, giveaways and invoices (copies) or protected messages
//!   (forwards), and keep albums as albums (a new `media_group_id` per
//!   original album of which two or more messages are reproduced). Not
//!   modelled: TDLib's regrouping of 2-10 copied audios or documents that
//!   were not one album. copyMessages/forwardMessages errors use the Bot API
//!   server's (TDLib's) wordings: `message identifiers are not specified`,
//!   `too many message identifiers specified`, `message identifiers must be
//!   in a strictly increasing order`, and `there are no messages to forward`
//!   when nothing can be reproduced (for copyMessages too, as Telegram
//!   answers).
//! * Methods in the spec that the emulator does not implement answer
//!   `400 Bad Request: method X is not implemented by the emulator` and are
//!   listed in [`Emulator::spec_violations`].
//! * Webhooks are delivered only to loopback URLs (plain HTTP and any port
//!   with [`EmulatorOptions::local_webhooks`]).
//! * Flood limits are off by default (any rate is accepted). With
//!   [`EmulatorOptions::flood_control`] they model what Telegram publishes:
//!   sliding windows of the bot's messages per private chat, per group (all
//!   its topics together) and overall, of edits per group, and the flood
//!   wait that follows a per-chat refusal (every message or group edit to
//!   that chat refused until `retry_after` has passed); see
//!   [`FloodControl`] for what counts. Not modelled: edits in private
//!   chats (no published figure), limits on other methods (callback
//!   answers, deletions, commands, chat actions), Telegram's unpublished
//!   adaptive limits (longer waits for repeat offenders, stricter limits
//!   for new bots or bulk notifications), and the paid broadcast allowance.
//!   Windows can be shortened with [`FloodControl::time_scale`];
//!   `retry_after` stays in real seconds.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use navigator_emulator::{Emulator, UserSpec};
//! let emu = Emulator::start().await?;
//! // ... start the bot with emu.api_url() and emu.token() ...
//! let alice = emu.private_user(UserSpec { id: 1001, first_name: "Alice".into(), ..Default::default() });
//! let replies = alice.say("/start").await;
//! assert!(!replies.is_empty());
//! assert!(emu.spec_violations().is_empty());
//! # Ok(()) }
//! ```

mod control;
mod error;
mod faults;
mod flood;
mod html;
mod markdown;
mod markup;
mod methods;
mod multipart;
mod params;
mod server;
pub mod spec;
mod text;
mod transcript;
mod user;
mod wait;
mod webhook;
mod world;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use serde_json::Value;
use tokio::task::JoinHandle;

pub use error::ApiError;
pub use faults::{Fault, FaultKind};
pub use flood::{FloodControl, FloodLimit, FloodRefusal};
/// Telegram's HTML parser, for tools that show messages as Telegram would
/// (the review book).
pub use html::{HtmlOptions, parse_html};
pub use text::{Entity, FormattedText};
pub use transcript::{
    Button, ChatMessage, EntityView, KeyboardButton, MessageKind, ReplyKeyboard, render,
};
pub use user::{Sent, UserHandle};
pub use world::{
    AdminRights, BotCommandEntry, BotIdentity, BotMembership, CallbackAnswer, ChatKind, ForumTopic,
    MemberStatus, RecordedCall, UserSpec, WebhookConfig,
};

use world::Shared;

/// The token the emulator accepts by default.
pub const DEFAULT_TOKEN: &str = "7000000001:AAE-emulator-test-token-0123456789abcdef";

/// How an emulator behaves.
#[derive(Clone, Debug)]
pub struct EmulatorOptions {
    /// The only token accepted (`<bot id>:<secret>`).
    pub token: String,
    /// The bot's identity (getMe, `from` of its messages).
    pub bot: BotIdentity,
    /// Reject a `&` that starts no HTML entity in `parse_mode=HTML`
    /// (Telegram keeps it as text; its docs require `&amp;`). Default true.
    pub strict_html_ampersand: bool,
    /// Callback queries older than this cannot be answered (`None`: never
    /// expire). Default 15 s.
    pub callback_query_timeout: Option<Duration>,
    /// How long `say`/`press` wait for a complete reaction. Default 10 s.
    pub reaction_timeout: Duration,
    /// How long the bot must stay quiet for a reaction to be complete.
    /// Default 150 ms.
    pub quiet_period: Duration,
    /// Enforce Telegram's flood limits (429 and flood waits over them; see
    /// [`FloodControl`]). Default `None`: unlimited.
    pub flood_control: Option<FloodControl>,
    /// Accept webhook URLs on loopback hosts over plain HTTP and any port
    /// (Telegram requires HTTPS on 443, 80, 88 or 8443), so a bot under
    /// test can receive updates by webhook. Default off.
    pub local_webhooks: bool,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self::with_token(DEFAULT_TOKEN)
    }
}

impl EmulatorOptions {
    /// Defaults with another token; the bot id is taken from it.
    pub fn with_token(token: &str) -> Self {
        let id = token
            .split(':')
            .next()
            .and_then(|id| id.parse().ok())
            .unwrap_or(7_000_000_001);
        Self {
            token: token.to_owned(),
            bot: BotIdentity {
                id,
                first_name: "Navigator".to_owned(),
                username: "navigator_test_bot".to_owned(),
            },
            strict_html_ampersand: true,
            callback_query_timeout: Some(Duration::from_secs(15)),
            reaction_timeout: Duration::from_secs(10),
            quiet_period: Duration::from_millis(150),
            flood_control: None,
            local_webhooks: false,
        }
    }
}

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    server: JoinHandle<()>,
    webhook: JoinHandle<()>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .finish()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.server.abort();
        self.webhook.abort();
    }
}

/// Runs an emulator on `addr` until Ctrl-C (for a CLI subcommand).
pub async fn serve(addr: SocketAddr) -> anyhow::Result<()> {
    let emu = Emulator::start_on(addr, EmulatorOptions::default()).await?;
    tracing::info!(
        url = %emu.api_url(),
        token = %emu.token(),
        "Telegram Bot API emulator listening"
    );
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    Ok(())
}

impl Emulator {
    /// Starts an emulator with default options on `127.0.0.1:<free port>`.
    pub async fn start() -> anyhow::Result<Self> {
        Self::start_with(EmulatorOptions::default()).await
    }

    /// Starts an emulator with options on `127.0.0.1:<free port>`.
    pub async fn start_with(options: EmulatorOptions) -> anyhow::Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), options).await
    }

    /// Starts an emulator on a given address.
    pub async fn start_on(addr: SocketAddr, options: EmulatorOptions) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding the emulator to {addr}"))?;
        let addr = listener
            .local_addr()
            .context("reading the emulator's address")?;
        let shared = Arc::new(Shared::new(options, spec::shared()));
        let app = server::router(shared.clone());
        let server = tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, app).await {
                tracing::error!("emulator server stopped: {err}");
            }
        });
        let webhook = tokio::spawn(webhook::run(shared.clone()));
        Ok(Self {
            shared,
            addr,
            server,
            webhook,
        })
    }

    /// The base URL to give teloxide (`http://127.0.0.1:<port>/`).
    pub fn api_url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}/", self.addr)).expect("socket address forms a URL")
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The token the emulator accepts.
    pub fn token(&self) -> String {
        self.shared.token.clone()
    }

    /// The bot's user id and username.
    pub fn bot_user(&self) -> (i64, String) {
        let bot = &self.shared.options.bot;
        (bot.id, bot.username.clone())
    }

    /// Whether calls are validated against the Bot API spec.
    pub fn has_spec(&self) -> bool {
        self.shared.spec.is_some()
    }

    // ----- users and chats -----------------------------------------------------

    /// Creates (or returns) a user with a private chat with the bot. The
    /// user has not started the bot yet: the bot cannot message them until
    /// they write (as in Telegram).
    pub fn private_user(&self, spec: UserSpec) -> UserHandle {
        let id = spec.id;
        self.shared.world().add_private_user(spec);
        UserHandle::new(self.shared.clone(), id)
    }

    /// A handle to a user created before.
    pub fn user(&self, id: i64) -> Option<UserHandle> {
        let known = self.shared.world().users.contains_key(&id);
        known.then(|| UserHandle::new(self.shared.clone(), id))
    }

    /// Registers a group or supergroup chat (for updates sent with
    /// [`Self::send_raw_update`] and bot messages into it). The bot is an
    /// administrator there with every right; see [`Self::set_bot_membership`].
    pub fn add_group_chat(&self, chat_id: i64, kind: ChatKind) {
        self.shared.world().add_group(chat_id, kind);
    }

    /// Makes the bot a plain member of a group, or an administrator with
    /// some rights (what `getChatMember` reports for it).
    pub fn set_bot_membership(&self, chat_id: i64, membership: BotMembership) {
        let mut w = self.shared.world();
        if let Some(chat) = w.chats.get_mut(&chat_id) {
            chat.bot_membership = membership;
        }
        w.touch_chat(chat_id);
    }

    /// Sets what a user is in a group (what `getChatMember` reports for
    /// them; users are plain members until then), and tells the bot with a
    /// `chat_member` update, as Telegram does for an administrator bot that
    /// asked for them in `allowed_updates`.
    pub fn set_member_status(&self, chat_id: i64, user_id: i64, status: MemberStatus) {
        let update = {
            let mut w = self.shared.world();
            let Some(chat) = w.chats.get_mut(&chat_id) else {
                return;
            };
            let old = chat
                .member_statuses
                .insert(user_id, status)
                .unwrap_or_default();
            w.touch_chat(chat_id);
            let user = w.user_json(user_id);
            serde_json::json!({ "chat_member": {
                "chat": w.chat_json(chat_id),
                "from": user,
                "date": world::unix_now(),
                "old_chat_member": methods::bot::user_member_json(user.clone(), old),
                "new_chat_member": methods::bot::user_member_json(user, status),
            }})
        };
        self.shared.enqueue_raw(update);
    }

    /// The bot's reaction on a message, if any (`setMessageReaction`).
    pub fn bot_reaction(&self, chat_id: i64, message_id: i64) -> Option<String> {
        self.shared
            .world()
            .chats
            .get(&chat_id)
            .and_then(|chat| chat.bot_reactions.get(&message_id).cloned())
    }

    /// Registers a forum supergroup (topics enabled), as a coordinators'
    /// group is set up.
    pub fn add_forum(&self, chat_id: i64, title: &str) {
        self.add_group_chat(
            chat_id,
            ChatKind::Supergroup {
                title: title.to_owned(),
                username: None,
                is_forum: true,
            },
        );
    }

    /// Waits until nothing has changed anywhere (sends, edits, answers,
    /// new updates) for the quiet period: for bot activity outside the
    /// chat a test talks in, e.g. notifications to a coordinators' group.
    /// Panics after the reaction timeout.
    pub async fn wait_idle(&self) {
        if let Err(e) = wait::idle(&self.shared).await {
            panic!("{e}");
        }
    }

    /// The forum topics of a supergroup, by thread id.
    pub fn forum_topics(&self, chat_id: i64) -> Vec<ForumTopic> {
        let w = self.shared.world();
        w.chats
            .get(&chat_id)
            .map(|chat| chat.topics.values().cloned().collect())
            .unwrap_or_default()
    }

    /// An administrator deletes a topic by hand in the Telegram app: the
    /// topic and its messages disappear (the bot is not told).
    pub fn delete_topic_by_hand(&self, chat_id: i64, thread_id: i64) {
        let mut w = self.shared.world();
        if let Some(chat) = w.chats.get_mut(&chat_id) {
            chat.topics.remove(&thread_id);
            chat.messages.retain(|_, m| {
                m.json.get("message_thread_id").and_then(Value::as_i64) != Some(thread_id)
            });
        }
        w.touch_chat(chat_id);
    }

    /// Every message of a chat (both sides, edits applied).
    pub fn chat_transcript(&self, chat_id: i64) -> Vec<ChatMessage> {
        wait::transcript(&self.shared.world(), chat_id)
    }

    // ----- updates ----------------------------------------------------------------

    /// Queues any update JSON (`update_id` assigned when missing). Returns
    /// the id, or `None` if allowed_updates excludes its type.
    pub fn send_raw_update(&self, update: Value) -> Option<i64> {
        self.shared.enqueue_raw(update)
    }

    /// Updates queued and not yet confirmed by the bot.
    pub fn pending_updates(&self) -> Vec<Value> {
        self.shared
            .world()
            .queue
            .iter()
            .map(|u| u.json.clone())
            .collect()
    }

    /// The current webhook, if one is set.
    pub fn webhook(&self) -> Option<WebhookConfig> {
        self.shared.world().webhook.clone()
    }

    // ----- inspection -------------------------------------------------------------------

    /// Every call the bot made, in order.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.shared.world().calls.clone()
    }

    /// Calls from the `from`-th on (for tools that follow the bot's calls
    /// as they happen, such as the load benchmark), and the next index.
    pub fn calls_since(&self, from: usize) -> (Vec<RecordedCall>, usize) {
        let w = self.shared.world();
        let new = w.calls.get(from..).map(<[_]>::to_vec).unwrap_or_default();
        (new, w.calls.len())
    }

    /// Changes whenever anything happens (calls, updates): wakes followers.
    pub fn activity(&self) -> tokio::sync::watch::Receiver<u64> {
        self.shared.activity.subscribe()
    }

    /// Calls of one method (case-insensitive).
    pub fn calls_to(&self, method: &str) -> Vec<RecordedCall> {
        self.shared
            .world()
            .calls
            .iter()
            .filter(|c| c.method.eq_ignore_ascii_case(method))
            .cloned()
            .collect()
    }

    /// Spec violations seen so far (unknown parameters, mistyped values,
    /// unimplemented methods, and emulator answers not matching the spec).
    pub fn spec_violations(&self) -> Vec<String> {
        self.shared.world().violations.clone()
    }

    /// Calls the emulated flood limits refused with 429, in order (empty
    /// without [`EmulatorOptions::flood_control`]). Injected
    /// [`FaultKind::TooManyRequests`] faults are not listed, so a test can
    /// assert that the bot itself provoked no 429.
    pub fn flood_refusals(&self) -> Vec<FloodRefusal> {
        self.shared.world().flood.refusals().to_vec()
    }

    /// Queues a fault for the next calls of a method.
    pub fn inject(&self, fault: Fault) {
        self.shared.world().faults.push(fault);
    }

    /// Commands registered for the default scope and a language
    /// (`None` = no language), as (command, description).
    pub fn commands(&self, language_code: Option<&str>) -> Vec<(String, String)> {
        self.commands_in_scope("default", language_code)
    }

    /// Commands registered for a scope key (`default`, `all_private_chats`,
    /// `all_group_chats`, `all_chat_administrators`, `chat:<id>`,
    /// `chat_administrators:<id>`, `chat_member:<chat>:<user>`).
    pub fn commands_in_scope(
        &self,
        scope: &str,
        language_code: Option<&str>,
    ) -> Vec<(String, String)> {
        let key = (scope.to_owned(), language_code.unwrap_or("").to_owned());
        self.shared
            .world()
            .commands
            .get(&key)
            .map(|list| {
                list.iter()
                    .map(|c| (c.command.clone(), c.description.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The bot's name/description/short description set for a language
    /// (`kind` is `name`, `description` or `short_description`).
    pub fn bot_text(&self, kind: &str, language_code: Option<&str>) -> Option<String> {
        let key = (kind.to_owned(), language_code.unwrap_or("").to_owned());
        self.shared.world().bot_texts.get(&key).cloned()
    }

    /// Names of every method the emulator serves.
    pub fn served_methods() -> Vec<&'static str> {
        methods::served_methods()
    }
}
