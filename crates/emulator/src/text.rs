//! Formatted text as Telegram stores it: plain text plus entities whose
//! offsets and lengths are counted in UTF-16 code units.

use serde_json::{Value, json};

/// A MessageEntity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// Bot API entity type (`bold`, `text_link`, `bot_command`, ...).
    pub kind: String,
    /// Offset in UTF-16 code units.
    pub offset: usize,
    /// Length in UTF-16 code units.
    pub length: usize,
    /// `url` for `text_link`.
    pub url: Option<String>,
    /// `language` for `pre`.
    pub language: Option<String>,
    /// `custom_emoji_id` for `custom_emoji`.
    pub custom_emoji_id: Option<String>,
    /// The user id of a `text_mention` (the `user` object is filled in when
    /// the message is built).
    pub user_id: Option<i64>,
}

impl Entity {
    /// An entity with only a type and a range.
    pub fn new(kind: &str, offset: usize, length: usize) -> Self {
        Self {
            kind: kind.to_owned(),
            offset,
            length,
            url: None,
            language: None,
            custom_emoji_id: None,
            user_id: None,
        }
    }

    /// End offset (exclusive).
    pub fn end(&self) -> usize {
        self.offset.saturating_add(self.length)
    }

    /// The MessageEntity JSON; `user` renders a text_mention's user.
    pub fn to_json(&self, user: impl Fn(i64) -> Value) -> Value {
        let mut v = json!({ "offset": self.offset, "length": self.length, "type": self.kind });
        let obj = v.as_object_mut().expect("json object");
        if let Some(url) = &self.url {
            obj.insert("url".into(), json!(url));
        }
        if let Some(lang) = &self.language {
            obj.insert("language".into(), json!(lang));
        }
        if let Some(id) = &self.custom_emoji_id {
            obj.insert("custom_emoji_id".into(), json!(id));
        }
        if let Some(id) = self.user_id {
            obj.insert("user".into(), user(id));
        }
        v
    }

    /// Reads a MessageEntity JSON object (as a bot passes in `entities`).
    pub fn from_json(v: &Value) -> Option<Entity> {
        let kind = v.get("type")?.as_str()?;
        let offset = usize::try_from(v.get("offset")?.as_i64()?).ok()?;
        let length = usize::try_from(v.get("length")?.as_i64()?).ok()?;
        let text_field = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        Some(Entity {
            kind: kind.to_owned(),
            offset,
            length,
            url: text_field("url"),
            language: text_field("language"),
            custom_emoji_id: text_field("custom_emoji_id"),
            user_id: v
                .get("user")
                .and_then(|u| u.get("id"))
                .and_then(Value::as_i64),
        })
    }
}

/// Text with entities.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FormattedText {
    /// The visible text.
    pub text: String,
    /// Entities, sorted by offset (outer first).
    pub entities: Vec<Entity>,
}

impl FormattedText {
    /// Plain text without entities.
    pub fn plain(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            entities: Vec::new(),
        }
    }

    /// Length in UTF-16 code units (how Telegram counts message length).
    pub fn utf16_len(&self) -> usize {
        utf16_len(&self.text)
    }

    /// Strips leading and trailing whitespace as Telegram does, moving and
    /// clipping entities; entities left empty are dropped.
    pub fn trimmed(self) -> Self {
        let start_bytes = self.text.len() - self.text.trim_start().len();
        let lead16 = utf16_len(&self.text[..start_bytes]);
        let text = self.text.trim().to_owned();
        let len16 = utf16_len(&text);
        let entities = self
            .entities
            .into_iter()
            .filter_map(|mut e| {
                let start = e.offset.saturating_sub(lead16).min(len16);
                let end = e.end().saturating_sub(lead16).min(len16);
                (end > start).then(|| {
                    e.offset = start;
                    e.length = end - start;
                    e
                })
            })
            .collect();
        Self { text, entities }
    }

    /// Adds the entities Telegram detects by itself (bot commands, mentions,
    /// URLs) where no code, pre or link entity covers them.
    pub fn with_detected_entities(mut self) -> Self {
        let detected = detect_entities(&self.text);
        for e in detected {
            let covered = self.entities.iter().any(|x| {
                matches!(
                    x.kind.as_str(),
                    "code" | "pre" | "text_link" | "text_mention" | "custom_emoji"
                ) && x.offset < e.end()
                    && e.offset < x.end()
            });
            if !covered {
                self.entities.push(e);
            }
        }
        sort_entities(&mut self.entities);
        self
    }

    /// Entities as JSON.
    pub fn entities_json(&self, user: impl Fn(i64) -> Value) -> Vec<Value> {
        self.entities.iter().map(|e| e.to_json(&user)).collect()
    }
}

/// Sorts entities as Telegram returns them: by offset, longer (outer) first.
pub fn sort_entities(entities: &mut [Entity]) {
    entities.sort_by(|a, b| a.offset.cmp(&b.offset).then(b.length.cmp(&a.length)));
}

/// Length of a string in UTF-16 code units.
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// The substring covering UTF-16 range `[offset, offset+length)`.
pub fn utf16_slice(s: &str, offset: usize, length: usize) -> String {
    let mut pos = 0;
    let mut out = String::new();
    for c in s.chars() {
        if pos >= offset && pos < offset + length {
            out.push(c);
        }
        pos += c.len_utf16();
        if pos >= offset + length {
            break;
        }
    }
    out
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Finds bot commands, @mentions and http(s) URLs, like Telegram's own
/// entity detection (simplified: no e-mail, phone, hashtag or bare-domain
/// detection).
pub fn detect_entities(text: &str) -> Vec<Entity> {
    let chars: Vec<char> = text.chars().collect();
    let mut offsets = Vec::with_capacity(chars.len() + 1);
    let mut pos = 0;
    for c in &chars {
        offsets.push(pos);
        pos += c.len_utf16();
    }
    offsets.push(pos);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let found = match chars[i] {
            '/' => match_command(&chars, i, prev).map(|end| ("bot_command", end)),
            '@' => match_mention(&chars, i, prev).map(|end| ("mention", end)),
            'h' | 'H' => match_url(&chars, i, prev).map(|end| ("url", end)),
            _ => None,
        };
        match found {
            Some((kind, end)) => {
                out.push(Entity::new(kind, offsets[i], offsets[end] - offsets[i]));
                i = end;
            }
            None => i += 1,
        }
    }
    out
}

fn run_of(chars: &[char], start: usize, ok: impl Fn(char) -> bool) -> usize {
    let mut end = start;
    while end < chars.len() && ok(chars[end]) {
        end += 1;
    }
    end
}

fn match_command(chars: &[char], i: usize, prev: Option<char>) -> Option<usize> {
    if prev.is_some_and(|p| is_word_char(p) || matches!(p, '/' | '<' | '>')) {
        return None;
    }
    let name_end = run_of(chars, i + 1, |c| c.is_ascii_alphanumeric() || c == '_');
    let len = name_end - i - 1;
    if !(1..=64).contains(&len) {
        return None;
    }
    let mut end = name_end;
    if chars.get(end) == Some(&'@') {
        let bot_end = run_of(chars, end + 1, |c| c.is_ascii_alphanumeric() || c == '_');
        if !(3..=32).contains(&(bot_end - end - 1)) {
            return None;
        }
        end = bot_end;
    }
    let next = chars.get(end).copied();
    if next.is_some_and(|n| is_word_char(n) || matches!(n, '/' | '<' | '>')) {
        return None;
    }
    Some(end)
}

fn match_mention(chars: &[char], i: usize, prev: Option<char>) -> Option<usize> {
    if prev.is_some_and(is_word_char) {
        return None;
    }
    let end = run_of(chars, i + 1, |c| c.is_ascii_alphanumeric() || c == '_');
    let len = end - i - 1;
    if !(2..=32).contains(&len) || chars.get(end).is_some_and(|&c| is_word_char(c)) {
        return None;
    }
    Some(end)
}

fn match_url(chars: &[char], i: usize, prev: Option<char>) -> Option<usize> {
    if prev.is_some_and(is_word_char) {
        return None;
    }
    let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
    let lower = rest.to_ascii_lowercase();
    let scheme = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return None;
    };
    let mut end = run_of(chars, i, |c| {
        !c.is_whitespace() && !matches!(c, '<' | '>' | '"')
    });
    while end > i + scheme
        && matches!(
            chars[end - 1],
            '.' | ',' | ';' | ':' | '!' | '?' | ')' | '\''
        )
    {
        end -= 1;
    }
    let host_len = run_of(chars, i + scheme, |c| {
        c.is_alphanumeric() || c == '.' || c == '-'
    }) - i
        - scheme;
    (host_len > 0 && end > i + scheme).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_counts_surrogates() {
        assert_eq!(utf16_len("a😂b"), 4);
        assert_eq!(utf16_slice("a😂b", 1, 2), "😂");
    }

    #[test]
    fn detects_commands_mentions_urls() {
        let e = detect_entities("/start now, ask @helper_bot or see https://example.org/x.");
        let kinds: Vec<_> = e
            .iter()
            .map(|e| (e.kind.as_str(), e.offset, e.length))
            .collect();
        assert_eq!(
            kinds,
            vec![("bot_command", 0, 6), ("mention", 16, 11), ("url", 35, 21)]
        );
        assert!(detect_entities("a/b and e@mail").is_empty());
    }

    #[test]
    fn trimming_moves_entities() {
        let t = FormattedText {
            text: "  hi there \n".into(),
            entities: vec![Entity::new("bold", 0, 4), Entity::new("italic", 10, 2)],
        }
        .trimmed();
        assert_eq!(t.text, "hi there");
        assert_eq!(t.entities, vec![Entity::new("bold", 0, 2)]);
    }
}
