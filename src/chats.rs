//! What a chat id says about its chat. Telegram gives a private chat the
//! user's own (positive) id and every group, supergroup and channel a
//! negative one; this is the one place that reads the sign, for code that
//! has only the id (the inbox, the group commit). Where the whole `Chat`
//! is at hand, its type says it.
//!
//! Pure; must not touch anything else.

/// The kind of chat an id belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatKind {
    /// A person's private chat with the bot (a patient, or a coordinator
    /// writing to the bot directly).
    Private,
    /// A group, supergroup (the coordinators' forum) or channel.
    Group,
}

impl ChatKind {
    pub fn of(chat_id: i64) -> ChatKind {
        if chat_id > 0 {
            ChatKind::Private
        } else {
            ChatKind::Group
        }
    }
}

/// `chat_id` if it is a private chat.
pub fn private(chat_id: i64) -> Option<i64> {
    (ChatKind::of(chat_id) == ChatKind::Private).then_some(chat_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_have_positive_ids_and_groups_negative_ones() {
        assert_eq!(ChatKind::of(8301), ChatKind::Private);
        assert_eq!(ChatKind::of(-1_001_234_567_890), ChatKind::Group);
        assert_eq!(ChatKind::of(-4242), ChatKind::Group);
        assert_eq!(private(8301), Some(8301));
        assert_eq!(private(-4242), None);
    }
}
