//! `parse_mode=HTML`, following the Bot API server's parser (tdlib
//! `parse_html`): the same accepted tags and attributes, the same error
//! messages and byte offsets, entity offsets in UTF-16 code units.
//!
//! One deliberate difference, on by default: a `&` that does not start one
//! of the entities Telegram decodes (`&lt;` `&gt;` `&amp;` `&quot;` and
//! numeric ones) is rejected. Telegram itself keeps such a `&` as text, but
//! its documentation requires escaping it, and an unescaped `&` usually means
//! unescaped user input that would break on the next `<`.

use super::text::{Entity, FormattedText, sort_entities};

/// Tags Telegram accepts (lower case).
const TAGS: &[&str] = &[
    "a",
    "b",
    "strong",
    "i",
    "em",
    "s",
    "strike",
    "del",
    "u",
    "ins",
    "tg-spoiler",
    "tg-emoji",
    "span",
    "pre",
    "code",
    "blockquote",
];

/// Parser options.
#[derive(Clone, Copy, Debug)]
pub struct HtmlOptions {
    /// Reject a `&` that does not start a known entity.
    pub strict_ampersand: bool,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        Self {
            strict_ampersand: true,
        }
    }
}

struct OpenTag {
    tag: String,
    argument: String,
    offset16: usize,
    out_pos: usize,
}

struct Parser<'a> {
    src: &'a [u8],
    i: usize,
    out: Vec<u8>,
    utf16: usize,
    open: Vec<OpenTag>,
    entities: Vec<Entity>,
    options: HtmlOptions,
}

/// Parses HTML-formatted text. The error is the text after
/// `can't parse entities: `.
pub fn parse_html(src: &str, options: HtmlOptions) -> Result<FormattedText, String> {
    let mut p = Parser {
        src: src.as_bytes(),
        i: 0,
        out: Vec::with_capacity(src.len()),
        utf16: 0,
        open: Vec::new(),
        entities: Vec::new(),
        options,
    };
    p.run()?;
    if let Some(open) = p.open.last() {
        return Err(format!(
            "Can't find end tag corresponding to start tag \"{}\"",
            open.tag
        ));
    }
    let text = String::from_utf8(p.out).map_err(|_| {
        "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units".to_owned()
    })?;
    let mut entities = p.entities;
    for e in entities.iter_mut().filter(|e| e.kind == "code") {
        // The language only survives on a `pre` block.
        e.language = None;
    }
    sort_entities(&mut entities);
    Ok(FormattedText { text, entities })
}

/// tdlib's `is_space`: end of input counts as a space.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0 | 0x0b | 0x0c)
}

impl Parser<'_> {
    fn at(&self, i: usize) -> u8 {
        self.src.get(i).copied().unwrap_or(0)
    }

    fn cur(&self) -> u8 {
        self.at(self.i)
    }

    fn run(&mut self) -> Result<(), String> {
        while self.i < self.src.len() {
            let c = self.cur();
            if c == b'&' {
                match decode_entity(self.src, self.i)? {
                    Some((ch, next)) => {
                        self.push_char(ch);
                        self.i = next;
                        continue;
                    }
                    None if self.options.strict_ampersand => {
                        return Err(format!(
                            "Unescaped \"&\" at byte offset {}: write it as \"&amp;\"",
                            self.i
                        ));
                    }
                    None => {}
                }
            }
            if c != b'<' {
                self.push_byte(c);
                self.i += 1;
                continue;
            }
            let begin = self.i;
            self.i += 1;
            if self.cur() != b'/' {
                self.start_tag(begin)?;
            } else {
                self.end_tag(begin)?;
            }
            self.i += 1;
        }
        Ok(())
    }

    fn push_byte(&mut self, c: u8) {
        // Count UTF-16 units on the first byte of each UTF-8 sequence.
        if c & 0xc0 != 0x80 {
            self.utf16 += if c >= 0xf0 { 2 } else { 1 };
        }
        self.out.push(c);
    }

    fn push_char(&mut self, ch: char) {
        self.utf16 += ch.len_utf16();
        let mut buf = [0u8; 4];
        self.out
            .extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
    }

    fn skip_spaces(&mut self) {
        while self.cur() != 0 && is_space(self.cur()) {
            self.i += 1;
        }
    }

    fn start_tag(&mut self, begin: usize) -> Result<(), String> {
        while !is_space(self.cur()) && self.cur() != b'>' {
            self.i += 1;
        }
        if self.i >= self.src.len() {
            return Err(format!("Unclosed start tag at byte offset {begin}"));
        }
        let tag = String::from_utf8_lossy(&self.src[begin + 1..self.i]).to_lowercase();
        if !TAGS.contains(&tag.as_str()) {
            return Err(format!(
                "Unsupported start tag \"{tag}\" at byte offset {begin}"
            ));
        }
        let mut argument = String::new();
        while self.cur() != b'>' {
            self.skip_spaces();
            if self.cur() == b'>' {
                break;
            }
            let (name, value) = self.attribute(&tag, begin)?;
            match (tag.as_str(), name.as_str()) {
                ("a", "href") | ("tg-emoji", "emoji-id") => argument = value,
                ("code", "class") if value.starts_with("language-") => {
                    argument = value["language-".len()..].to_owned();
                }
                ("span", "class") if value.starts_with("tg-") => {
                    argument = value["tg-".len()..].to_owned();
                }
                ("blockquote", "expandable") => argument = "1".to_owned(),
                _ => {}
            }
        }
        if tag == "span" && argument != "spoiler" {
            return Err(format!(
                "Tag \"span\" must have class \"tg-spoiler\" at byte offset {begin}"
            ));
        }
        self.open.push(OpenTag {
            tag,
            argument,
            offset16: self.utf16,
            out_pos: self.out.len(),
        });
        Ok(())
    }

    fn attribute(&mut self, tag: &str, begin: usize) -> Result<(String, String), String> {
        let name_begin = self.i;
        while !is_space(self.cur()) && self.cur() != b'=' && self.cur() != b'>' {
            self.i += 1;
        }
        let name = String::from_utf8_lossy(&self.src[name_begin..self.i]).into_owned();
        if name.is_empty() {
            return Err(format!(
                "Empty attribute name in the tag \"{tag}\" at byte offset {begin}"
            ));
        }
        self.skip_spaces();
        if self.cur() != b'=' && tag == "blockquote" && name == "expandable" {
            // The one attribute Telegram accepts without a value.
            return Ok((name, String::new()));
        }
        if self.cur() != b'=' {
            return Err(format!(
                "Expected equal sign in declaration of an attribute of the tag \"{tag}\" at byte offset {begin}"
            ));
        }
        self.i += 1;
        self.skip_spaces();
        if self.cur() == 0 {
            return Err(format!(
                "Unclosed start tag \"{tag}\" at byte offset {begin}"
            ));
        }
        let value = if self.cur() != b'\'' && self.cur() != b'"' {
            self.name_token()?
        } else {
            self.quoted_value()?
        };
        if self.cur() == 0 {
            return Err(format!("Unclosed start tag at byte offset {begin}"));
        }
        Ok((name, value))
    }

    fn name_token(&mut self) -> Result<String, String> {
        let token_begin = self.i;
        while self.cur().is_ascii_alphanumeric() || matches!(self.cur(), b'.' | b'-') {
            self.i += 1;
        }
        let value = String::from_utf8_lossy(&self.src[token_begin..self.i]).to_lowercase();
        if !is_space(self.cur()) && self.cur() != b'>' {
            return Err(format!(
                "Unexpected end of name token at byte offset {token_begin}"
            ));
        }
        Ok(value)
    }

    fn quoted_value(&mut self) -> Result<String, String> {
        let quote = self.cur();
        self.i += 1;
        let mut value = Vec::new();
        while self.cur() != quote && self.cur() != 0 {
            if self.cur() == b'&'
                && let Some((ch, next)) = decode_entity(self.src, self.i)?
            {
                let mut buf = [0u8; 4];
                value.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                self.i = next;
                continue;
            }
            value.push(self.cur());
            self.i += 1;
        }
        if self.cur() == quote {
            self.i += 1;
        }
        Ok(String::from_utf8_lossy(&value).into_owned())
    }

    fn end_tag(&mut self, begin: usize) -> Result<(), String> {
        if self.open.is_empty() {
            return Err(format!("Unexpected end tag at byte offset {begin}"));
        }
        while !is_space(self.cur()) && self.cur() != b'>' {
            self.i += 1;
        }
        let end_name = String::from_utf8_lossy(&self.src[begin + 2..self.i]).into_owned();
        while is_space(self.cur()) && self.cur() != 0 {
            self.i += 1;
        }
        if self.cur() != b'>' {
            return Err(format!("Unclosed end tag at byte offset {begin}"));
        }
        let open = self.open.pop().expect("checked non-empty");
        if !end_name.is_empty() && end_name != open.tag {
            return Err(format!(
                "Unmatched end tag at byte offset {begin}, expected \"</{}>\", found \"</{end_name}>\"",
                open.tag
            ));
        }
        if self.utf16 > open.offset16 {
            self.close_entity(open)?;
        }
        Ok(())
    }

    fn close_entity(&mut self, open: OpenTag) -> Result<(), String> {
        let offset = open.offset16;
        let length = self.utf16 - offset;
        let simple = match open.tag.as_str() {
            "i" | "em" => Some("italic"),
            "b" | "strong" => Some("bold"),
            "s" | "strike" | "del" => Some("strikethrough"),
            "u" | "ins" => Some("underline"),
            "tg-spoiler" | "span" => Some("spoiler"),
            "blockquote" if open.argument == "1" => Some("expandable_blockquote"),
            "blockquote" => Some("blockquote"),
            _ => None,
        };
        if let Some(kind) = simple {
            self.entities.push(Entity::new(kind, offset, length));
            return Ok(());
        }
        match open.tag.as_str() {
            "tg-emoji" => {
                let id = open.argument.parse::<i64>().ok().filter(|id| *id != 0);
                let Some(id) = id else {
                    return Err("Invalid custom emoji identifier specified".to_owned());
                };
                let mut e = Entity::new("custom_emoji", offset, length);
                e.custom_emoji_id = Some(id.to_string());
                self.entities.push(e);
            }
            "a" => {
                let url = if open.argument.is_empty() {
                    String::from_utf8_lossy(&self.out[open.out_pos..]).into_owned()
                } else {
                    open.argument
                };
                if let Some(e) = link_entity(&url, offset, length) {
                    self.entities.push(e);
                }
            }
            "pre" => self.close_pre(offset, length),
            "code" => self.close_code(offset, length, open.argument),
            _ => {}
        }
        Ok(())
    }

    fn close_pre(&mut self, offset: usize, length: usize) {
        if let Some(last) = self.entities.last_mut()
            && last.kind == "code"
            && last.offset == offset
            && last.length == length
            && last.language.is_some()
        {
            last.kind = "pre".to_owned();
            return;
        }
        self.entities.push(Entity::new("pre", offset, length));
    }

    fn close_code(&mut self, offset: usize, length: usize, language: String) {
        if let Some(last) = self.entities.last_mut()
            && last.kind == "pre"
            && last.offset == offset
            && last.length == length
            && !language.is_empty()
        {
            last.language = Some(language);
            return;
        }
        let mut e = Entity::new("code", offset, length);
        e.language = (!language.is_empty()).then_some(language);
        self.entities.push(e);
    }
}

/// Decodes an HTML entity at `pos` (which holds `&`): `Some((char, next))`,
/// `None` when it is not one Telegram decodes, or an error for a decoded
/// surrogate code point.
fn decode_entity(src: &[u8], pos: usize) -> Result<Option<(char, usize)>, String> {
    let at = |i: usize| src.get(i).copied().unwrap_or(0);
    let mut end = pos + 1;
    let code: u32 = if at(pos + 1) == b'#' {
        end += 1;
        let hex = at(pos + 2) == b'x';
        if hex {
            end += 1;
        }
        let radix = if hex { 16 } else { 10 };
        let mut value: u32 = 0;
        while let Some(d) = char::from(at(end)).to_digit(radix) {
            value = value * radix + d;
            end += 1;
            if value >= 0x10ffff {
                return Ok(None);
            }
        }
        if value == 0 || end - pos >= 10 {
            return Ok(None);
        }
        value
    } else {
        while at(end).is_ascii_alphabetic() {
            end += 1;
        }
        match &src[pos + 1..end] {
            b"lt" => u32::from('<'),
            b"gt" => u32::from('>'),
            b"amp" => u32::from('&'),
            b"quot" => u32::from('"'),
            _ => return Ok(None),
        }
    };
    let Some(ch) = char::from_u32(code) else {
        return Err("Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units".to_owned());
    };
    if at(end) == b';' {
        end += 1;
    }
    Ok(Some((ch, end)))
}

/// The entity for `<a href=...>`: a text_mention for `tg://user?id=N`, a
/// text_link for a valid URL (normalised like Telegram), nothing otherwise.
fn link_entity(url: &str, offset: usize, length: usize) -> Option<Entity> {
    if let Some(id) = mention_user_id(url) {
        let mut e = Entity::new("text_mention", offset, length);
        e.user_id = Some(id);
        return Some(e);
    }
    let normalized = normalize_link(url)?;
    let mut e = Entity::new("text_link", offset, length);
    e.url = Some(normalized);
    Some(e)
}

fn mention_user_id(url: &str) -> Option<i64> {
    let lower = url.to_ascii_lowercase();
    let rest = lower.strip_prefix("tg://user?")?;
    rest.split('&')
        .find_map(|kv| kv.strip_prefix("id="))
        .and_then(|id| id.parse().ok())
        .filter(|id: &i64| *id > 0)
}

/// Normalises a link as Telegram does (`telegram.org` ->
/// `http://telegram.org/`); `None` for links Telegram drops.
pub fn normalize_link(url: &str) -> Option<String> {
    let url = url.trim();
    if url.is_empty() {
        return None;
    }
    let lower = url.to_ascii_lowercase();
    if ["tg:", "ton:", "tonsite:"]
        .iter()
        .any(|s| lower.starts_with(s))
    {
        return Some(url.to_owned());
    }
    let with_scheme = if lower.contains("://") {
        url.to_owned()
    } else {
        format!("http://{url}")
    };
    let parsed = url::Url::parse(&with_scheme).ok()?;
    if !matches!(parsed.scheme(), "http" | "https" | "ftp") {
        return None;
    }
    let host = parsed.host_str()?;
    let valid_host = host == "localhost"
        || host.parse::<std::net::IpAddr>().is_ok()
        || host
            .trim_start_matches('[')
            .parse::<std::net::Ipv6Addr>()
            .is_ok()
        || host.rsplit('.').next().is_some_and(|tld| {
            host.contains('.') && tld.len() >= 2 && tld.chars().all(char::is_alphabetic)
        });
    valid_host.then(|| parsed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(src: &str) -> FormattedText {
        parse_html(src, HtmlOptions::default()).unwrap_or_else(|e| panic!("{src}: {e}"))
    }

    fn err(src: &str) -> String {
        parse_html(src, HtmlOptions::default()).expect_err(src)
    }

    fn kinds(t: &FormattedText) -> Vec<(&str, usize, usize)> {
        t.entities
            .iter()
            .map(|e| (e.kind.as_str(), e.offset, e.length))
            .collect()
    }

    #[test]
    fn tdlib_error_messages() {
        assert_eq!(
            err("🏟 🏟&lt;<abacaba"),
            "Unclosed start tag at byte offset 13"
        );
        assert_eq!(
            err("🏟 🏟&lt;<abac aba>"),
            "Unsupported start tag \"abac\" at byte offset 13"
        );
        assert_eq!(
            err("🏟 🏟&lt;<i   =aba>"),
            "Empty attribute name in the tag \"i\" at byte offset 13"
        );
        assert_eq!(
            err("🏟 🏟&lt;<i    aba>"),
            "Expected equal sign in declaration of an attribute of the tag \"i\" at byte offset 13"
        );
        assert_eq!(
            err("🏟 🏟&lt;<i    aba  =  "),
            "Unclosed start tag \"i\" at byte offset 13"
        );
        assert_eq!(
            err("🏟 🏟&lt;<i    aba  =  190azAz-.,"),
            "Unexpected end of name token at byte offset 27"
        );
        assert_eq!(err("🏟 🏟&lt;</"), "Unexpected end tag at byte offset 13");
        assert_eq!(
            err("🏟 🏟&lt;<i>a</i   "),
            "Unclosed end tag at byte offset 17"
        );
        assert_eq!(
            err("🏟 🏟&lt;<i>a</em   >"),
            "Unmatched end tag at byte offset 17, expected \"</i>\", found \"</em>\""
        );
        assert_eq!(
            err("<b>x"),
            "Can't find end tag corresponding to start tag \"b\""
        );
        assert_eq!(
            err("<span>x</span>"),
            "Tag \"span\" must have class \"tg-spoiler\" at byte offset 0"
        );
        assert_eq!(err("a < b"), "Unsupported start tag \"\" at byte offset 2");
        assert!(err("Q&A").starts_with("Unescaped \"&\" at byte offset 1"));
        assert_eq!(
            err("&#xDFDF;"),
            "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units"
        );
    }

    #[test]
    fn lenient_ampersand_matches_telegram() {
        let t = parse_html(
            "&lt;&gt;&amp;&quot;&laquo;&#12345678;",
            HtmlOptions {
                strict_ampersand: false,
            },
        )
        .expect("parse");
        assert_eq!(t.text, "<>&\"&laquo;&#12345678;");
    }

    #[test]
    fn entities_in_utf16() {
        let t = ok("➡️ ➡️<i>➡️ ➡️</i><b>➡️ ➡️</b>");
        assert_eq!(kinds(&t), vec![("italic", 5, 5), ("bold", 10, 5)]);
        let t = ok("🏟 🏟<i>🏟 &gt;<b aba   =   caba>&lt🏟</b></i>");
        assert_eq!(t.text, "🏟 🏟🏟 ><🏟");
        assert_eq!(kinds(&t), vec![("italic", 5, 7), ("bold", 9, 3)]);
    }

    #[test]
    fn links_code_and_blocks() {
        let t = ok("<a href=telegram.org> </a>");
        assert_eq!(t.entities[0].url.as_deref(), Some("http://telegram.org/"));
        assert!(ok("<a> </a>").entities.is_empty());
        let t = ok("<a>https://telegram.org/x</a>");
        assert_eq!(t.entities[0].kind, "text_link");
        let t = ok("<a href=\"tg://user?id=42\">Bob</a>");
        assert_eq!(t.entities[0].kind, "text_mention");
        assert_eq!(t.entities[0].user_id, Some(42));
        let t = ok("<pre><code class=\"language-rust\">x</code></pre>");
        assert_eq!(kinds(&t), vec![("pre", 0, 1)]);
        assert_eq!(t.entities[0].language.as_deref(), Some("rust"));
        let t = ok(
            "<blockquote expandable>q</blockquote><tg-spoiler>s</tg-spoiler><span class=\"tg-spoiler\">t</span>",
        );
        assert_eq!(
            kinds(&t),
            vec![
                ("expandable_blockquote", 0, 1),
                ("spoiler", 1, 1),
                ("spoiler", 2, 1)
            ]
        );
        let t = ok("<tg-emoji emoji-id=\"5368324170671202286\">👍</tg-emoji>");
        assert_eq!(
            t.entities[0].custom_emoji_id.as_deref(),
            Some("5368324170671202286")
        );
        assert_eq!(
            err("<tg-emoji emoji-id=\"x\">y</tg-emoji>"),
            "Invalid custom emoji identifier specified"
        );
    }
}
