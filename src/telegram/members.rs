//! A coordinator's standing in a group (`handoff::access::Standing`), asked
//! of Telegram (`getChatMember`) and remembered for a minute, so that a
//! busy group does not ask again at every press; forgotten at once when
//! Telegram reports a change of membership (`chat_member` updates). What a standing allows is
//! decided in `handoff::access`, not here.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{ChatMemberKind, UserId};

use crate::handoff::access::Standing;

/// How long a standing is trusted: a coordinator removed from the group
/// loses their rights within a minute.
const REMEMBERED_FOR: Duration = Duration::from_secs(60);
/// Beyond this many entries, expired ones are dropped.
const PRUNE_ABOVE: usize = 1_000;

#[derive(Default)]
pub struct Members {
    known: Mutex<HashMap<(i64, u64), (Standing, Instant)>>,
}

impl Members {
    /// `user`'s standing in `group`.
    pub async fn standing(
        &self,
        bot: &Bot,
        group: ChatId,
        user: UserId,
    ) -> Result<Standing, RequestError> {
        let key = (group.0, user.0);
        if let Some((standing, at)) = self.lock().get(&key)
            && at.elapsed() < REMEMBERED_FOR
        {
            return Ok(*standing);
        }
        let member = bot.get_chat_member(group, user).await?;
        let standing = standing_of(&member.kind);
        let mut known = self.lock();
        if known.len() > PRUNE_ABOVE {
            known.retain(|_, (_, at)| at.elapsed() < REMEMBERED_FOR);
        }
        known.insert(key, (standing, Instant::now()));
        Ok(standing)
    }

    /// Telegram reported a change of `user`'s membership of `group`.
    pub fn forget(&self, group: ChatId, user: UserId) {
        self.lock().remove(&(group.0, user.0));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(i64, u64), (Standing, Instant)>> {
        // Entries are plain values: one left by a panicking holder is whole.
        self.known
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn standing_of(kind: &ChatMemberKind) -> Standing {
    match kind {
        ChatMemberKind::Owner(_) | ChatMemberKind::Administrator(_) => Standing::Administrator,
        ChatMemberKind::Member(_) => Standing::Member,
        ChatMemberKind::Restricted(restricted)
            if restricted.is_member && restricted.can_send_messages =>
        {
            Standing::Member
        }
        ChatMemberKind::Restricted(_) | ChatMemberKind::Left | ChatMemberKind::Banned(_) => {
            Standing::Outsider
        }
    }
}
