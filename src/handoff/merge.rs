//! Merging a patient's waiting messages for their case's topic. When the
//! coordinators' group is backlogged (Telegram lets a bot post about 20
//! messages a minute into one group, shared by every case), the texts one
//! patient sent meanwhile go as one message: each part kept, with its
//! time, escaped, within Telegram's 4096 characters. Coordinators read a
//! burst as one block, as support inboxes show it.
//!
//! Plain functions over plain data; the shell sends what they return.

use super::texts::Texts;
use crate::i18n::Arg;
use crate::text::escape_html;

/// Telegram's limit for a message's text, in UTF-16 code units after the
/// HTML is parsed (what the reader sees).
const MESSAGE_LIMIT: usize = 4096;
/// `HH:MM ` before each part, and the line break after it.
const PART_OVERHEAD: usize = 7;

/// One waiting message of the patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// When the patient sent it, `HH:MM` in the team's time zone.
    pub time: String,
    pub text: String,
}

/// A message to post: the HTML and how many parts (in order) it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub html: String,
    pub parts: usize,
}

fn visible_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Whether a message can be merged with others: a text that is not a
/// reply (a reply keeps its own place in the thread) and fits with its time.
pub fn mergeable(text: Option<&str>, is_reply: bool) -> bool {
    text.is_some_and(|text| !is_reply && visible_len(text) + PART_OVERHEAD <= MESSAGE_LIMIT)
}

/// The parts, in order, as few messages as fit in Telegram's limit.
pub fn merge(parts: &[Part]) -> Vec<Merged> {
    let mut merged: Vec<Merged> = Vec::new();
    let mut length = 0;
    for part in parts {
        let cost = visible_len(&part.time) + 1 + visible_len(&part.text) + 1;
        let line = format!(
            "<i>{}</i> {}",
            escape_html(&part.time),
            escape_html(&part.text)
        );
        match merged.last_mut() {
            Some(last) if length + cost <= MESSAGE_LIMIT => {
                last.html.push('\n');
                last.html.push_str(&line);
                last.parts += 1;
                length += cost;
            }
            _ => {
                merged.push(Merged {
                    html: line,
                    parts: 1,
                });
                length = cost;
            }
        }
    }
    merged
}

/// The patient edited one part of a merged message: shown beside it, in
/// the coordinators' language.
pub fn edited_part(texts: &Texts, time: &str, text: &str) -> String {
    texts.say(
        "coord-note-edited",
        &[("time", Arg::Text(time)), ("text", Arg::Text(text))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(time: &str, text: &str) -> Part {
        Part {
            time: time.into(),
            text: text.into(),
        }
    }

    #[test]
    fn parts_are_kept_in_order_with_their_times_and_escaped() {
        let merged = merge(&[
            part("09:14", "my scan is <tomorrow>"),
            part("09:15", "A & B"),
        ]);
        assert_eq!(
            merged,
            [Merged {
                html: "<i>09:14</i> my scan is &lt;tomorrow&gt;\n<i>09:15</i> A &amp; B".into(),
                parts: 2
            }]
        );
    }

    #[test]
    fn nothing_goes_over_telegram_s_limit() {
        let long = "é".repeat(3000);
        let parts = [
            part("09:00", &long),
            part("09:01", "short"),
            part("09:02", &long),
        ];
        let merged = merge(&parts);
        assert_eq!(
            merged.iter().map(|m| m.parts).collect::<Vec<_>>(),
            [2, 1],
            "the third part opens a second message"
        );
        for message in &merged {
            let visible = message.html.replace("<i>", "").replace("</i>", "");
            assert!(visible.encode_utf16().count() <= MESSAGE_LIMIT);
        }
        // Emoji count twice (UTF-16), as Telegram counts them.
        let emoji = "😀".repeat(2045);
        assert!(!mergeable(Some(&emoji), false));
        assert!(mergeable(Some(&"😀".repeat(2000)), false));
    }

    #[test]
    fn replies_and_media_are_not_merged() {
        assert!(mergeable(Some("hello"), false));
        assert!(!mergeable(Some("hello"), true));
        assert!(!mergeable(None, false));
    }
}
