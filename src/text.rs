//! Telegram HTML text rules shared by the core and the loaders: escaping
//! untrusted arguments, and measuring a message as Telegram does (length of
//! the visible text, after tags and entities, in UTF-16 code units).
//!
//! Pure functions only: no I/O, no knowledge of bots, locales or storage.

/// Telegram's limit for a message text after entity parsing.
pub const MESSAGE_LIMIT: usize = 4096;
/// Telegram's limit for callback data, in bytes.
pub const CALLBACK_DATA_LIMIT: usize = 64;

/// Escapes text for Telegram's HTML parse mode (the three characters it requires,
/// plus `"` so that values are safe inside attributes too).
pub fn escape_html(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for ch in raw.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            other => out.push(other),
        }
    }
    out
}

/// The text a user sees once Telegram has parsed the HTML: tags removed,
/// entities decoded. Malformed markup is kept verbatim (the emulator and
/// `check` report it; this function only measures).
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(pos) = rest.find(['<', '&']) {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        if rest.starts_with('<') {
            match rest.find('>') {
                Some(end) => rest = &rest[end + 1..],
                None => {
                    out.push_str(rest);
                    rest = "";
                }
            }
        } else {
            let (decoded, consumed) = decode_entity(rest);
            out.push_str(&decoded);
            rest = &rest[consumed..];
        }
    }
    out.push_str(rest);
    out
}

fn decode_entity(at_ampersand: &str) -> (String, usize) {
    let Some(end) = at_ampersand.find(';').filter(|&end| end <= 10) else {
        return ("&".to_owned(), 1);
    };
    let name = &at_ampersand[1..end];
    let decoded = match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        _ => name
            .strip_prefix("#x")
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .or_else(|| name.strip_prefix('#').and_then(|dec| dec.parse().ok()))
            .and_then(char::from_u32),
    };
    match decoded {
        Some(ch) => (ch.to_string(), end + 1),
        None => ("&".to_owned(), 1),
    }
}

/// Length of a message as Telegram counts it: UTF-16 code units of the visible text.
pub fn telegram_len(html: &str) -> usize {
    visible_text(html).encode_utf16().count()
}

/// Characters Fluent's bidi isolation would insert and Telegram shows as garbage.
pub const BIDI_ISOLATES: [char; 2] = ['\u{2068}', '\u{2069}'];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_in_arguments() {
        assert_eq!(
            escape_html("<b>Tom & \"Jerry\"</b>"),
            "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;"
        );
    }

    #[test]
    fn visible_text_strips_tags_and_decodes_entities() {
        assert_eq!(
            visible_text("<b>A &amp; B</b> &lt;3 &#65;&#x42;"),
            "A & B <3 AB"
        );
        assert_eq!(visible_text("5 & 6"), "5 & 6");
    }

    #[test]
    fn length_counts_utf16_units_like_telegram() {
        assert_eq!(telegram_len("<i>😂</i>"), 2);
        assert_eq!(telegram_len("مرحبا"), 5);
    }
}
