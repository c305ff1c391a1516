//! A chat as the user sees it: messages with their visible text, buttons
//! and keyboards.

use std::fmt;

use serde_json::Value;

use super::markup::Markup;
use super::text::utf16_slice;
use super::world::StoredMessage;

/// An inline keyboard button.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Button {
    /// Label.
    pub text: String,
    /// callback_data, for callback buttons.
    pub callback_data: Option<String>,
    /// URL, for link buttons.
    pub url: Option<String>,
}

/// A button of a reply keyboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyboardButton {
    /// Label (what is sent when tapped).
    pub text: String,
    /// Shares the user's phone number when tapped.
    pub request_contact: bool,
    /// Shares the user's location when tapped.
    pub request_location: bool,
}

/// A reply keyboard (shown instead of the system keyboard).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyKeyboard {
    /// Rows of buttons.
    pub rows: Vec<Vec<KeyboardButton>>,
    /// Hidden after one use.
    pub one_time: bool,
    /// Resized to fit.
    pub resize: bool,
    /// Always shown.
    pub persistent: bool,
    /// Placeholder of the input field.
    pub placeholder: Option<String>,
}

impl ReplyKeyboard {
    /// Parses a ReplyKeyboardMarkup JSON.
    pub fn from_json(v: &Value) -> Option<Self> {
        let rows = v.get("keyboard")?.as_array()?;
        let flag = |k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
        Some(Self {
            rows: rows
                .iter()
                .map(|row| {
                    row.as_array()
                        .map(|r| r.iter().filter_map(keyboard_button).collect())
                        .unwrap_or_default()
                })
                .collect(),
            one_time: flag("one_time_keyboard"),
            resize: flag("resize_keyboard"),
            persistent: flag("is_persistent"),
            placeholder: v
                .get("input_field_placeholder")
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
    }

    /// All button labels, row by row.
    pub fn labels(&self) -> Vec<&str> {
        self.rows
            .iter()
            .flatten()
            .map(|b| b.text.as_str())
            .collect()
    }

    /// The button with this label.
    pub fn button(&self, label: &str) -> Option<&KeyboardButton> {
        self.rows.iter().flatten().find(|b| b.text == label)
    }
}

fn keyboard_button(v: &Value) -> Option<KeyboardButton> {
    let flag = |k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
    Some(KeyboardButton {
        text: v.get("text")?.as_str()?.to_owned(),
        request_contact: flag("request_contact"),
        request_location: flag("request_location"),
    })
}

/// An entity as seen in a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityView {
    /// Entity type (`bold`, `text_link`, ...).
    pub kind: String,
    /// The text it covers.
    pub text: String,
    /// URL of a text_link.
    pub url: Option<String>,
}

/// What a message contains.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MessageKind {
    /// Text.
    Text,
    /// Photo (text holds the caption).
    Photo,
    /// Document with its name and type.
    Document {
        /// File name.
        file_name: Option<String>,
        /// MIME type.
        mime_type: Option<String>,
    },
    /// Voice note.
    Voice,
    /// Audio file.
    Audio,
    /// Video.
    Video,
    /// GIF animation.
    Animation,
    /// Sticker.
    Sticker,
    /// Location.
    Location,
    /// Contact card.
    Contact,
    /// Service message (the field name, e.g. `forum_topic_created`).
    Service(String),
    /// Anything else.
    Other,
}

const SERVICE_KEYS: &[&str] = &[
    "forum_topic_created",
    "forum_topic_edited",
    "forum_topic_closed",
    "forum_topic_reopened",
    "pinned_message",
    "new_chat_members",
    "left_chat_member",
];

impl MessageKind {
    fn of(json: &Value) -> Self {
        let has = |k: &str| json.get(k).is_some();
        if has("text") {
            return MessageKind::Text;
        }
        if let Some(doc) = json.get("document") {
            let field = |k: &str| doc.get(k).and_then(Value::as_str).map(str::to_owned);
            return MessageKind::Document {
                file_name: field("file_name"),
                mime_type: field("mime_type"),
            };
        }
        let simple = [
            ("photo", MessageKind::Photo),
            ("voice", MessageKind::Voice),
            ("audio", MessageKind::Audio),
            ("video", MessageKind::Video),
            ("animation", MessageKind::Animation),
            ("sticker", MessageKind::Sticker),
            ("location", MessageKind::Location),
            ("contact", MessageKind::Contact),
        ];
        if let Some((_, kind)) = simple.into_iter().find(|(k, _)| has(k)) {
            return kind;
        }
        SERVICE_KEYS
            .iter()
            .find(|k| has(k))
            .map_or(MessageKind::Other, |k| {
                MessageKind::Service((*k).to_owned())
            })
    }
}

/// A message as the user sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatMessage {
    /// Message id.
    pub message_id: i64,
    /// Sent by the bot (else by the user).
    pub from_bot: bool,
    /// Visible text (or caption), markup removed.
    pub text: String,
    /// The text exactly as the bot sent it (HTML/Markdown source); the plain
    /// text for user messages.
    pub html: String,
    /// The bot's parse_mode, if any.
    pub parse_mode: Option<String>,
    /// Formatting and detected entities.
    pub entities: Vec<EntityView>,
    /// Inline keyboard rows.
    pub buttons: Vec<Vec<Button>>,
    /// Reply keyboard this message brought up.
    pub reply_keyboard: Option<ReplyKeyboard>,
    /// This message removed the reply keyboard.
    pub removes_keyboard: bool,
    /// This message asked for a forced reply.
    pub force_reply: bool,
    /// Edited since it was sent.
    pub edited: bool,
    /// Content kind.
    pub kind: MessageKind,
    /// file_id of the attached file, if any.
    pub file_id: Option<String>,
    /// Id of the message it replies to.
    pub reply_to: Option<i64>,
    /// Forum topic thread.
    pub thread_id: Option<i64>,
    /// The Message object as Telegram returns it.
    pub raw: Value,
}

impl ChatMessage {
    pub(crate) fn from_stored(m: &StoredMessage) -> Self {
        let json = &m.json;
        let text = json
            .get("text")
            .or_else(|| json.get("caption"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let entities_key = if json.get("text").is_some() {
            "entities"
        } else {
            "caption_entities"
        };
        Self {
            message_id: m.id(),
            from_bot: m.from_bot,
            html: m.source.clone().unwrap_or_else(|| text.clone()),
            parse_mode: m.parse_mode.clone(),
            entities: entity_views(&text, json.get(entities_key)),
            buttons: inline_buttons(json.get("reply_markup")),
            reply_keyboard: match &m.markup {
                Some(Markup::Keyboard(k)) => ReplyKeyboard::from_json(k),
                _ => None,
            },
            removes_keyboard: matches!(m.markup, Some(Markup::Remove(_))),
            force_reply: matches!(m.markup, Some(Markup::ForceReply(_))),
            edited: m.edited,
            kind: MessageKind::of(json),
            file_id: file_id(json),
            reply_to: json
                .get("reply_to_message")
                .and_then(|r| r.get("message_id"))
                .and_then(Value::as_i64),
            thread_id: json.get("message_thread_id").and_then(Value::as_i64),
            raw: json.clone(),
            text,
        }
    }

    /// All inline button labels, row by row.
    pub fn button_labels(&self) -> Vec<&str> {
        self.buttons
            .iter()
            .flatten()
            .map(|b| b.text.as_str())
            .collect()
    }

    /// The inline button with this label.
    pub fn button(&self, label: &str) -> Option<&Button> {
        self.buttons.iter().flatten().find(|b| b.text == label)
    }

    /// A JSON summary (for the control API and logs).
    pub fn to_json(&self) -> Value {
        let buttons: Vec<Vec<Value>> = self
            .buttons
            .iter()
            .map(|row| {
                row.iter()
                    .map(|b| {
                        serde_json::json!({
                            "text": b.text,
                            "callback_data": b.callback_data,
                            "url": b.url,
                        })
                    })
                    .collect()
            })
            .collect();
        serde_json::json!({
            "message_id": self.message_id,
            "from_bot": self.from_bot,
            "text": self.text,
            "html": self.html,
            "buttons": buttons,
            "reply_keyboard": self.reply_keyboard.as_ref().map(|k| k.labels()),
            "edited": self.edited,
            "raw": self.raw,
        })
    }

    /// Texts covered by entities of a type (e.g. all `bold` parts).
    pub fn entity_texts(&self, kind: &str) -> Vec<&str> {
        self.entities
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.text.as_str())
            .collect()
    }
}

impl fmt::Display for ChatMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = if self.from_bot { "bot" } else { "user" };
        let edited = if self.edited { " (edited)" } else { "" };
        let kind = match &self.kind {
            MessageKind::Text => String::new(),
            other => format!("[{other:?}] "),
        };
        write!(f, "#{} {who}{edited}: {kind}{}", self.message_id, self.text)?;
        for row in &self.buttons {
            let labels: Vec<&str> = row.iter().map(|b| b.text.as_str()).collect();
            write!(f, "\n    [{}]", labels.join(" | "))?;
        }
        if let Some(k) = &self.reply_keyboard {
            write!(f, "\n    keyboard: {}", k.labels().join(" | "))?;
        }
        Ok(())
    }
}

/// Renders a transcript for failure messages.
pub fn render(messages: &[ChatMessage]) -> String {
    if messages.is_empty() {
        return "  (no messages)".to_owned();
    }
    messages
        .iter()
        .map(|m| format!("  {m}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn entity_views(text: &str, entities: Option<&Value>) -> Vec<EntityView> {
    entities
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|e| {
                    let offset = usize::try_from(e.get("offset")?.as_u64()?).ok()?;
                    let length = usize::try_from(e.get("length")?.as_u64()?).ok()?;
                    Some(EntityView {
                        kind: e.get("type")?.as_str()?.to_owned(),
                        text: utf16_slice(text, offset, length),
                        url: e.get("url").and_then(Value::as_str).map(str::to_owned),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn inline_buttons(markup: Option<&Value>) -> Vec<Vec<Button>> {
    let Some(rows) = markup
        .and_then(|m| m.get("inline_keyboard"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    let field = |b: &Value, k: &str| b.get(k).and_then(Value::as_str).map(str::to_owned);
    rows.iter()
        .map(|row| {
            row.as_array()
                .map(|r| {
                    r.iter()
                        .map(|b| Button {
                            text: field(b, "text").unwrap_or_default(),
                            callback_data: field(b, "callback_data"),
                            url: field(b, "url"),
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect()
}

fn file_id(json: &Value) -> Option<String> {
    if let Some(sizes) = json.get("photo").and_then(Value::as_array) {
        return sizes
            .last()
            .and_then(|p| p.get("file_id"))
            .and_then(Value::as_str)
            .map(str::to_owned);
    }
    [
        "document",
        "voice",
        "audio",
        "video",
        "animation",
        "sticker",
    ]
    .iter()
    .find_map(|k| json.get(*k))
    .and_then(|f| f.get("file_id"))
    .and_then(Value::as_str)
    .map(str::to_owned)
}
