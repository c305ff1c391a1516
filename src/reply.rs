//! What the core asks the shell to send: plain data, no Telegram types.
//! Serializable, so it can wait in the outbox.

use serde::{Deserialize, Serialize};

/// An inline button: a label and the callback data it carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub label: String,
    pub data: String,
}

impl Button {
    pub fn new(label: impl Into<String>, data: impl Into<String>) -> Button {
        Button {
            label: label.into(),
            data: data.into(),
        }
    }
}

/// The keyboard attached to a message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Keyboard {
    #[default]
    None,
    /// Buttons under the message, row by row.
    Inline(Vec<Vec<Button>>),
    /// A keyboard under the input field with a button that shares the
    /// patient's phone number, and optionally a "back" button (which
    /// Telegram sends back as plain text).
    RequestContact {
        label: String,
        back_label: Option<String>,
    },
    /// Hide a keyboard shown earlier (after the phone was shared).
    Remove,
}

/// Whether a reply is a new message or replaces the one that was pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Placement {
    New,
    Replace(i32),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    /// Telegram HTML, arguments already escaped.
    pub html: String,
    pub keyboard: Keyboard,
    pub placement: Placement,
}

impl Reply {
    pub fn new(html: String, keyboard: Keyboard, placement: Placement) -> Reply {
        Reply {
            html,
            keyboard,
            placement,
        }
    }

    /// Inline buttons, in reading order (empty for other keyboards).
    pub fn buttons(&self) -> impl Iterator<Item = &Button> {
        let rows: &[Vec<Button>] = match &self.keyboard {
            Keyboard::Inline(rows) => rows,
            _ => &[],
        };
        rows.iter().flatten()
    }
}
