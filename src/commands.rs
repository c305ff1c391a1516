//! How Telegram writes a command: `/name`, `/name@bot`, then an argument.
//! The one splitter both patients' and coordinators' commands are read with
//! (`dialogue::PatientCommand`, `handoff::queue::CoordinatorCommand`).
//!
//! Pure text; must not know which commands exist.

/// A command as written, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written<'a> {
    /// Lowercased: Telegram clients send what the menu shows, people type
    /// what they like.
    pub name: String,
    /// The bot it is addressed to (`/close@OtherBot`), if any.
    pub addressee: Option<&'a str>,
    /// What follows the command, trimmed (may be empty).
    pub argument: &'a str,
}

/// `text` as a command, or `None` when it is not one: Telegram's commands
/// start with `/` and a name of Latin letters, digits and `_` that does not
/// start with a digit (`/2 tablets a day` is words).
pub fn split(text: &str) -> Option<Written<'_>> {
    let rest = text.trim_start().strip_prefix('/')?;
    let (head, argument) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let (name, addressee) = match head.split_once('@') {
        Some((name, addressee)) => (name, Some(addressee)),
        None => (head, None),
    };
    let command_like = name
        .chars()
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    command_like.then(|| Written {
        name: name.to_ascii_lowercase(),
        addressee,
        argument: argument.trim(),
    })
}

impl Written<'_> {
    /// Whether it is addressed to another bot than `bot_username`.
    pub fn for_another_bot(&self, bot_username: &str) -> bool {
        self.addressee
            .is_some_and(|to| !to.eq_ignore_ascii_case(bot_username))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_splits_into_name_addressee_and_argument() {
        assert_eq!(
            split("/Start@Nav_Bot  es "),
            Some(Written {
                name: "start".into(),
                addressee: Some("Nav_Bot"),
                argument: "es",
            })
        );
        let transfer = split("  /transfer Team West").unwrap();
        assert_eq!(
            (transfer.name.as_str(), transfer.argument),
            ("transfer", "Team West")
        );
        assert!(split("/close@OtherBot").unwrap().for_another_bot("nav_bot"));
        assert!(!split("/close@NAV_BOT").unwrap().for_another_bot("nav_bot"));
        assert!(!split("/close").unwrap().for_another_bot("nav_bot"));
        for words in ["/2 tablets a day", "hello /start", "/", "/ start", "/é"] {
            assert_eq!(split(words), None, "{words}");
        }
    }
}
