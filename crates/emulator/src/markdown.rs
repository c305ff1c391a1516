//! `parse_mode=MarkdownV2` (following tdlib's parser: same reserved
//! characters, same error messages) and the legacy `Markdown` mode.

use super::html::normalize_link;
use super::text::{Entity, FormattedText, sort_entities};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Bold,
    Italic,
    Underline,
    Strikethrough,
    Spoiler,
    Code,
    Pre,
    PreCode,
    TextUrl,
    CustomEmoji,
}

impl Kind {
    /// tdlib's name, used in error messages.
    fn name(self) -> &'static str {
        match self {
            Kind::Bold => "Bold",
            Kind::Italic => "Italic",
            Kind::Underline => "Underline",
            Kind::Strikethrough => "Strikethrough",
            Kind::Spoiler => "Spoiler",
            Kind::Code => "Code",
            Kind::Pre => "Pre",
            Kind::PreCode => "PreCode",
            Kind::TextUrl => "TextUrl",
            Kind::CustomEmoji => "CustomEmoji",
        }
    }

    fn api_type(self) -> &'static str {
        match self {
            Kind::Bold => "bold",
            Kind::Italic => "italic",
            Kind::Underline => "underline",
            Kind::Strikethrough => "strikethrough",
            Kind::Spoiler => "spoiler",
            Kind::Code => "code",
            Kind::Pre | Kind::PreCode => "pre",
            Kind::TextUrl => "text_link",
            Kind::CustomEmoji => "custom_emoji",
        }
    }

    fn is_code(self) -> bool {
        matches!(self, Kind::Code | Kind::Pre | Kind::PreCode)
    }
}

struct Open {
    kind: Kind,
    argument: String,
    offset16: usize,
    byte_offset: usize,
    out_pos: usize,
}

struct Md<'a> {
    src: &'a [u8],
    i: usize,
    out: Vec<u8>,
    utf16: usize,
    open: Vec<Open>,
    entities: Vec<Entity>,
    quote_start: Option<usize>,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0 | 0x0b | 0x0c)
}

fn reserved(c: u8) -> String {
    format!(
        "Character '{}' is reserved and must be escaped with the preceding '\\'",
        char::from(c)
    )
}

/// Parses MarkdownV2. The error is the text after `can't parse entities: `.
pub fn parse_markdown_v2(src: &str) -> Result<FormattedText, String> {
    let mut md = Md {
        src: src.as_bytes(),
        i: 0,
        out: Vec::with_capacity(src.len()),
        utf16: 0,
        open: Vec::new(),
        entities: Vec::new(),
        quote_start: None,
    };
    md.run()?;
    if let Some(open) = md.open.last() {
        return Err(format!(
            "Can't find end of {} entity at byte offset {}",
            open.kind.name(),
            open.byte_offset
        ));
    }
    md.close_quote();
    let text =
        String::from_utf8(md.out).map_err(|_| "Strings must be encoded in UTF-8".to_owned())?;
    let mut entities = md.entities;
    sort_entities(&mut entities);
    Ok(FormattedText { text, entities })
}

impl Md<'_> {
    fn at(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    fn push(&mut self, c: u8) {
        if c & 0xc0 != 0x80 {
            self.utf16 += if c >= 0xf0 { 2 } else { 1 };
        }
        self.out.push(c);
    }

    fn in_code(&self) -> bool {
        self.open.last().is_some_and(|o| o.kind.is_code())
    }

    fn run(&mut self) -> Result<(), String> {
        while self.i < self.src.len() {
            let c = self.at(self.i);
            let next = self.at(self.i + 1);
            if c == b'\\' && next > 0 && next <= 126 {
                self.push(next);
                self.i += 2;
                continue;
            }
            if !self.in_code() && self.line_start() && c == b'>' {
                if self.quote_start.is_none() {
                    self.quote_start = Some(self.utf16);
                }
                self.i += 1;
                continue;
            }
            if c == b'\n' && !self.in_code() && self.at(self.i + 1) != b'>' {
                self.close_quote();
            }
            let reserved_set: &[u8] = if self.in_code() {
                b"`"
            } else {
                b"_*[]()~`>#+-=|{}.!"
            };
            if !reserved_set.contains(&c) {
                self.push(c);
                self.i += 1;
                continue;
            }
            if self.is_end_of_entity(c) {
                self.end_entity()?;
            } else {
                self.begin_entity(c)?;
            }
            self.i += 1;
        }
        Ok(())
    }

    fn line_start(&self) -> bool {
        self.i == 0 || self.at(self.i - 1) == b'\n'
    }

    fn close_quote(&mut self) {
        if let Some(start) = self.quote_start.take()
            && self.utf16 > start
        {
            self.entities
                .push(Entity::new("blockquote", start, self.utf16 - start));
        }
    }

    fn is_end_of_entity(&self, c: u8) -> bool {
        let Some(open) = self.open.last() else {
            return false;
        };
        let n1 = self.at(self.i + 1);
        let n2 = self.at(self.i + 2);
        match open.kind {
            Kind::Bold => c == b'*',
            Kind::Italic => c == b'_' && n1 != b'_',
            Kind::Code => c == b'`',
            Kind::Pre | Kind::PreCode => c == b'`' && n1 == b'`' && n2 == b'`',
            Kind::TextUrl | Kind::CustomEmoji => c == b']',
            Kind::Underline => c == b'_' && n1 == b'_',
            Kind::Strikethrough => c == b'~',
            Kind::Spoiler => c == b'|' && n1 == b'|',
        }
    }

    fn begin_entity(&mut self, c: u8) -> Result<(), String> {
        let byte_offset = self.i;
        let mut argument = String::new();
        let kind = match c {
            b'_' if self.at(self.i + 1) == b'_' => {
                self.i += 1;
                Kind::Underline
            }
            b'_' => Kind::Italic,
            b'*' => Kind::Bold,
            b'~' => Kind::Strikethrough,
            b'|' if self.at(self.i + 1) == b'|' => {
                self.i += 1;
                Kind::Spoiler
            }
            b'[' => Kind::TextUrl,
            b'`' if self.at(self.i + 1) == b'`' && self.at(self.i + 2) == b'`' => {
                self.begin_pre(&mut argument)
            }
            b'`' => Kind::Code,
            b'!' if self.at(self.i + 1) == b'[' => {
                self.i += 1;
                Kind::CustomEmoji
            }
            _ => return Err(reserved(c)),
        };
        self.open.push(Open {
            kind,
            argument,
            offset16: self.utf16,
            byte_offset,
            out_pos: self.out.len(),
        });
        Ok(())
    }

    fn begin_pre(&mut self, argument: &mut String) -> Kind {
        self.i += 3;
        let mut kind = Kind::Pre;
        let mut end = self.i;
        while !is_space(self.at(end)) && self.at(end) != b'`' {
            end += 1;
        }
        if self.i != end && end < self.src.len() && self.at(end) != b'`' {
            kind = Kind::PreCode;
            *argument = String::from_utf8_lossy(&self.src[self.i..end]).into_owned();
            self.i = end;
        }
        let (a, b) = (self.at(self.i), self.at(self.i + 1));
        if a == b'\n' || a == b'\r' {
            if (b == b'\n' || b == b'\r') && a != b {
                self.i += 2;
            } else {
                self.i += 1;
            }
        }
        // The main loop advances past the last consumed byte.
        self.i -= 1;
        kind
    }

    fn end_entity(&mut self) -> Result<(), String> {
        let open = self.open.pop().expect("checked by is_end_of_entity");
        let mut skip = self.utf16 == open.offset16;
        let mut entity = Entity::new(open.kind.api_type(), open.offset16, 0);
        match open.kind {
            Kind::Underline | Kind::Spoiler => self.i += 1,
            Kind::Pre | Kind::PreCode => self.i += 2,
            Kind::TextUrl => {
                let url = if self.at(self.i + 1) == b'(' {
                    self.i += 2;
                    self.read_url("Can't find end of a URL at byte offset")?
                } else {
                    String::from_utf8_lossy(&self.out[open.out_pos..]).into_owned()
                };
                match link_target(&url) {
                    Some(Target::User(id)) => {
                        entity.kind = "text_mention".to_owned();
                        entity.user_id = Some(id);
                    }
                    Some(Target::Url(u)) => entity.url = Some(u),
                    None => skip = true,
                }
            }
            Kind::CustomEmoji => {
                if self.at(self.i + 1) != b'(' {
                    return Err("Custom emoji entity must contain a tg://emoji URL".to_owned());
                }
                self.i += 2;
                let url = self.read_url("Can't find end of a custom emoji URL at byte offset")?;
                let id = url
                    .strip_prefix("tg://emoji?id=")
                    .and_then(|id| id.parse::<i64>().ok())
                    .filter(|id| *id != 0)
                    .ok_or_else(|| "Invalid custom emoji identifier specified".to_owned())?;
                entity.custom_emoji_id = Some(id.to_string());
            }
            _ => {}
        }
        if open.kind == Kind::PreCode {
            entity.language = Some(open.argument);
        }
        if !skip {
            entity.length = self.utf16 - open.offset16;
            self.entities.push(entity);
        }
        Ok(())
    }

    fn read_url(&mut self, error: &str) -> Result<String, String> {
        let begin = self.i;
        let mut url = Vec::new();
        while self.i < self.src.len() && self.at(self.i) != b')' {
            let next = self.at(self.i + 1);
            if self.at(self.i) == b'\\' && next > 0 && next <= 126 {
                url.push(next);
                self.i += 2;
                continue;
            }
            url.push(self.at(self.i));
            self.i += 1;
        }
        if self.at(self.i) != b')' {
            return Err(format!("{error} {begin}"));
        }
        Ok(String::from_utf8_lossy(&url).into_owned())
    }
}

enum Target {
    User(i64),
    Url(String),
}

fn link_target(url: &str) -> Option<Target> {
    let lower = url.to_ascii_lowercase();
    for prefix in ["tg://user?id=", "tg:user?id="] {
        if let Some(id) = lower
            .strip_prefix(prefix)
            .and_then(|s| s.parse::<i64>().ok())
        {
            return (id > 0).then_some(Target::User(id));
        }
    }
    normalize_link(url).map(Target::Url)
}

/// Parses the legacy `Markdown` mode: `*bold*`, `_italic_`, `` `code` ``,
/// ```` ```pre``` ```` and `[text](url)`, no nesting.
pub fn parse_markdown_legacy(src: &str) -> Result<FormattedText, String> {
    let b = src.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut utf16 = 0usize;
    let mut entities = Vec::new();
    let mut i = 0;
    let push = |out: &mut Vec<u8>, utf16: &mut usize, c: u8| {
        if c & 0xc0 != 0x80 {
            *utf16 += if c >= 0xf0 { 2 } else { 1 };
        }
        out.push(c);
    };
    while i < b.len() {
        let c = b[i];
        if c == b'\\' && matches!(b.get(i + 1), Some(b'_' | b'*' | b'`' | b'[')) {
            push(&mut out, &mut utf16, b[i + 1]);
            i += 2;
            continue;
        }
        if !matches!(c, b'_' | b'*' | b'`' | b'[') {
            push(&mut out, &mut utf16, c);
            i += 1;
            continue;
        }
        let begin = i;
        let (end_marker, kind, skip): (&[u8], &str, usize) = match c {
            b'`' if b[i..].starts_with(b"```") => (b"```", "pre", 3),
            b'`' => (b"`", "code", 1),
            b'_' => (b"_", "italic", 1),
            b'*' => (b"*", "bold", 1),
            _ => (b"]", "text_link", 1),
        };
        i += skip;
        let start16 = utf16;
        let rel = b[i..]
            .windows(end_marker.len())
            .position(|w| w == end_marker)
            .ok_or_else(|| {
                format!("Can't find end of the entity starting at byte offset {begin}")
            })?;
        for &x in &b[i..i + rel] {
            push(&mut out, &mut utf16, x);
        }
        i += rel + end_marker.len();
        let mut entity = Entity::new(kind, start16, utf16 - start16);
        if kind == "text_link" {
            if b.get(i) != Some(&b'(') {
                continue;
            }
            let close = b[i..]
                .iter()
                .position(|&x| x == b')')
                .ok_or_else(|| format!("Can't find end of a URL at byte offset {i}"))?;
            let url = String::from_utf8_lossy(&b[i + 1..i + close]).into_owned();
            i += close + 1;
            match normalize_link(&url) {
                Some(u) => entity.url = Some(u),
                None => continue,
            }
        }
        if entity.length > 0 {
            entities.push(entity);
        }
    }
    let text = String::from_utf8(out).map_err(|_| "Strings must be encoded in UTF-8".to_owned())?;
    sort_entities(&mut entities);
    Ok(FormattedText { text, entities })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(t: &FormattedText) -> Vec<(&str, usize, usize)> {
        t.entities
            .iter()
            .map(|e| (e.kind.as_str(), e.offset, e.length))
            .collect()
    }

    #[test]
    fn reserved_characters_must_be_escaped() {
        assert_eq!(
            parse_markdown_v2("1.5").expect_err("reserved"),
            "Character '.' is reserved and must be escaped with the preceding '\\'"
        );
        assert_eq!(parse_markdown_v2("1\\.5").expect("escaped").text, "1.5");
    }

    #[test]
    fn tdlib_cases() {
        assert_eq!(
            parse_markdown_v2("🏟 🏟_abacaba").expect_err("open"),
            "Can't find end of Italic entity at byte offset 9"
        );
        let t = parse_markdown_v2("🏟 🏟_🏟 __🏟___").expect("ok");
        assert_eq!(kinds(&t), vec![("italic", 5, 5), ("underline", 8, 2)]);
        let t = parse_markdown_v2("🏟 🏟```🏟 🏟```").expect("ok");
        assert_eq!(t.text, "🏟 🏟 🏟");
        assert_eq!(t.entities[0].language.as_deref(), Some("🏟"));
        let t = parse_markdown_v2("[telegram\\.org](telegram.dog)").expect("ok");
        assert_eq!(t.entities[0].url.as_deref(), Some("http://telegram.dog/"));
        assert_eq!(
            parse_markdown_v2("[telegram\\.org](asd\\)").expect_err("url"),
            "Can't find end of a URL at byte offset 16"
        );
        let t = parse_markdown_v2("||s|| ~x~ *b*").expect("ok");
        assert_eq!(
            kinds(&t),
            vec![("spoiler", 0, 1), ("strikethrough", 2, 1), ("bold", 4, 1)]
        );
    }

    #[test]
    fn blockquote_lines() {
        let t = parse_markdown_v2(">one\n>two\nthree").expect("ok");
        assert_eq!(t.text, "one\ntwo\nthree");
        assert_eq!(kinds(&t), vec![("blockquote", 0, 7)]);
    }

    #[test]
    fn legacy_markdown() {
        let t = parse_markdown_legacy("*bold* and _it_ [x](example.com)").expect("ok");
        assert_eq!(t.text, "bold and it x");
        assert_eq!(
            kinds(&t),
            vec![("bold", 0, 4), ("italic", 9, 2), ("text_link", 12, 1)]
        );
        assert!(parse_markdown_legacy("*open").is_err());
    }
}
