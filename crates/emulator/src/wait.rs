//! Waiting for the bot's reaction to something a user did, without
//! polling: waiters sleep on the activity `watch` channel and re-check.
//!
//! A reaction is complete when the bot has fetched the update (and answered
//! the callback query, for button presses), its activity in the chat has
//! started (for messages) and then stayed quiet for the quiet period.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use super::transcript::{ChatMessage, render};
use super::world::{Shared, World};

/// Versions of a chat's messages before the user acted.
#[derive(Clone, Debug, Default)]
pub(crate) struct Baseline {
    chat_version: u64,
    messages: HashMap<i64, u64>,
}

impl Baseline {
    /// Snapshot of a chat.
    pub fn of(w: &World, chat_id: i64) -> Self {
        let Some(chat) = w.chats.get(&chat_id) else {
            return Self::default();
        };
        Self {
            chat_version: chat.version,
            messages: chat
                .messages
                .iter()
                .map(|(id, m)| (*id, m.version))
                .collect(),
        }
    }
}

/// What the waiter waits for before the quiet period.
pub(crate) struct Expect {
    /// The update must have been handed to the bot.
    pub update_id: Option<i64>,
    /// This callback query must have been answered.
    pub callback_id: Option<String>,
    /// The bot must have changed the chat at least once.
    pub require_change: bool,
}

struct Progress {
    fetched: bool,
    answered: bool,
    changed: bool,
    chat_version: u64,
}

fn progress(w: &World, chat_id: i64, base: &Baseline, expect: &Expect) -> Progress {
    let chat_version = w.chats.get(&chat_id).map_or(0, |c| c.version);
    Progress {
        fetched: expect.update_id.is_none_or(|id| w.delivered_upto >= id),
        answered: expect
            .callback_id
            .as_ref()
            .is_none_or(|id| w.callbacks.get(id).is_some_and(|s| s.answer.is_some())),
        changed: chat_version > base.chat_version,
        chat_version,
    }
}

impl Progress {
    fn ready(&self, expect: &Expect) -> bool {
        self.fetched && self.answered && (self.changed || !expect.require_change)
    }

    fn missing(&self, expect: &Expect) -> String {
        let mut missing = Vec::new();
        if !self.fetched {
            missing.push("the bot never fetched the update (is it polling this emulator?)");
        }
        if !self.answered {
            missing.push("the bot did not answer the callback query (answerCallbackQuery)");
        }
        if expect.require_change && !self.changed {
            missing.push("the bot did not send or edit anything in this chat");
        }
        if missing.is_empty() {
            missing.push("the bot kept changing the chat and never went quiet");
        }
        missing.join("; ")
    }
}

/// Bot messages new or changed since the baseline, in id order.
pub(crate) fn changes_since(w: &World, chat_id: i64, base: &Baseline) -> Vec<ChatMessage> {
    let Some(chat) = w.chats.get(&chat_id) else {
        return Vec::new();
    };
    chat.messages
        .values()
        .filter(|m| m.from_bot && base.messages.get(&m.id()) != Some(&m.version))
        .map(ChatMessage::from_stored)
        .collect()
}

/// The whole chat.
pub(crate) fn transcript(w: &World, chat_id: i64) -> Vec<ChatMessage> {
    w.chats
        .get(&chat_id)
        .map(|c| c.messages.values().map(ChatMessage::from_stored).collect())
        .unwrap_or_default()
}

/// Waits for the bot's reaction; the error explains what was missing and
/// shows the transcript.
pub(crate) async fn reaction(
    shared: &Shared,
    chat_id: i64,
    base: &Baseline,
    expect: &Expect,
) -> Result<Vec<ChatMessage>, String> {
    let timeout = shared.options.reaction_timeout;
    let quiet = shared.options.quiet_period;
    let deadline = Instant::now() + timeout;
    let mut activity = shared.activity.subscribe();
    // Phase 1: fetched / answered / first change.
    loop {
        let p = progress(&shared.world(), chat_id, base, expect);
        if p.ready(expect) {
            break;
        }
        if tokio::time::timeout_at(deadline, activity.changed())
            .await
            .is_err()
        {
            return Err(failure(shared, chat_id, &p.missing(expect), timeout));
        }
    }
    // Phase 2: quiet for `quiet` since the last change in this chat.
    let mut last_version = progress(&shared.world(), chat_id, base, expect).chat_version;
    let mut quiet_until = Instant::now() + quiet;
    loop {
        if quiet_until > deadline {
            let p = progress(&shared.world(), chat_id, base, expect);
            return Err(failure(shared, chat_id, &p.missing(expect), timeout));
        }
        match tokio::time::timeout_at(quiet_until, activity.changed()).await {
            Err(_) => break,
            Ok(_) => {
                let v = progress(&shared.world(), chat_id, base, expect).chat_version;
                if v != last_version {
                    last_version = v;
                    quiet_until = Instant::now() + quiet;
                }
            }
        }
    }
    Ok(changes_since(&shared.world(), chat_id, base))
}

/// Waits until nothing changed anywhere for the quiet period.
pub(crate) async fn idle(shared: &Shared) -> Result<(), String> {
    let timeout = shared.options.reaction_timeout;
    let quiet = shared.options.quiet_period;
    let deadline = Instant::now() + timeout;
    let mut activity = shared.activity.subscribe();
    let mut last = shared.world().version;
    let mut quiet_until = Instant::now() + quiet;
    loop {
        if quiet_until > deadline {
            return Err(format!("the bot was still busy after {timeout:?}"));
        }
        match tokio::time::timeout_at(quiet_until, activity.changed()).await {
            Err(_) => return Ok(()),
            Ok(_) => {
                let v = shared.world().version;
                if v != last {
                    last = v;
                    quiet_until = Instant::now() + quiet;
                }
            }
        }
    }
}

fn failure(shared: &Shared, chat_id: i64, what: &str, timeout: Duration) -> String {
    let w = shared.world();
    let calls: Vec<String> = w
        .calls
        .iter()
        .rev()
        .take(8)
        .rev()
        .map(|c| format!("  {} -> {} {}", c.method, c.status, c.response))
        .collect();
    format!(
        "no complete bot reaction within {timeout:?}: {what}\ntranscript of chat {chat_id}:\n{}\nlast calls:\n{}",
        render(&transcript(&w, chat_id)),
        if calls.is_empty() {
            "  (none)".to_owned()
        } else {
            calls.join("\n")
        }
    )
}
