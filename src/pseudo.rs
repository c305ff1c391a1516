//! Pseudo-locales: machine-made "translations" of the English Fluent files
//! that show, before any translator works, which texts cannot be translated
//! (they stay plain English), which screens overflow when a language is
//! longer than English, and how the bot looks right-to-left.
//!
//! * [`PseudoKind::Accented`] (`en-XA`): every ASCII letter becomes an
//!   accented look-alike, vowels are doubled and short texts padded so each
//!   text is at least a third longer, and every message is wrapped in
//!   `[` … `]` so a cut-off text shows at once: `[Ĥééļļöö, { $name }!]`.
//! * [`PseudoKind::RightToLeft`] (`ar-XB`): every word is wrapped in
//!   U+202E … U+202C (right-to-left override, as Android's `ar-XB` does)
//!   and every line starts with U+200F (right-to-left mark), so the text
//!   reads right to left; for previews only.
//!
//! Only text is changed. Message ids, attribute names, `{ $var }`
//! placeables, selectors and variant keys, Telegram HTML tags, entities such
//! as `&amp;`, `/commands` and links stay exactly as in English. Files are
//! parsed and written with `fluent-syntax`, so the result is valid Fluent.
//!
//! Pure functions over text, plus two helpers that read `locales/en` and
//! write a pseudo-locale folder.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use fluent_syntax::ast::{
    Comment, Entry, Expression, InlineExpression, Pattern, PatternElement, Variant,
};
use fluent_syntax::parser;
use fluent_syntax::serializer::{self, Options};

use crate::i18n::REFERENCE_LOCALE;
use crate::text::telegram_len;

/// Which pseudo-locale to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PseudoKind {
    /// `en-XA`: accented, about 35% longer, wrapped in `[` `]`.
    Accented,
    /// `ar-XB`: words shown right to left (preview only).
    RightToLeft,
}

impl PseudoKind {
    pub const ALL: [PseudoKind; 2] = [PseudoKind::Accented, PseudoKind::RightToLeft];

    /// The pseudo-locale for a language tag (`en-XA`, `ar-XB`; any case).
    pub fn from_tag(tag: &str) -> Option<PseudoKind> {
        PseudoKind::ALL
            .into_iter()
            .find(|kind| pseudo_tag(*kind).eq_ignore_ascii_case(tag.trim()))
    }
}

/// The language tag of a pseudo-locale: `en-XA` or `ar-XB`.
pub fn pseudo_tag(kind: PseudoKind) -> &'static str {
    match kind {
        PseudoKind::Accented => "en-XA",
        PseudoKind::RightToLeft => "ar-XB",
    }
}

/// Minimum growth of the visible text of each accented pattern (35%).
const GROWTH_NUMERATOR: usize = 135;
const PAD: char = '·';
const RLM: char = '\u{200F}';
const RLO: char = '\u{202E}';
const PDF: char = '\u{202C}';
/// Stands for a placeable while a pattern's text is scanned as one string.
const PLACEABLE: char = '\u{FFFC}';

/// Transforms the text of one Fluent file (the English source) into a
/// pseudo-locale. Comments are kept, and a header says the file is
/// generated. A file with syntax errors keeps its broken parts verbatim, so
/// the catalog reports them as it does for English.
pub fn pseudo_ftl(english_source: &str, kind: PseudoKind) -> String {
    let mut resource = match parser::parse(english_source.to_owned()) {
        Ok(resource) => resource,
        Err((resource, _errors)) => resource,
    };
    for entry in &mut resource.body {
        match entry {
            Entry::Message(message) => {
                if let Some(value) = &mut message.value {
                    transform_pattern(value, kind, true);
                }
                for attribute in &mut message.attributes {
                    transform_pattern(&mut attribute.value, kind, true);
                }
            }
            // Term attributes are grammar (used by selectors), never shown:
            // only the term's value is text.
            Entry::Term(term) => transform_pattern(&mut term.value, kind, true),
            _ => {}
        }
    }
    let header = format!(
        "Pseudo-locale {} generated from the English source; do not edit or translate.",
        pseudo_tag(kind)
    );
    resource.body.insert(
        0,
        Entry::ResourceComment(Comment {
            content: vec![header],
        }),
    );
    serializer::serialize_with_options(&resource, Options { with_junk: true })
}

/// The pseudo-locale of every `*.ftl` file of an English folder, as
/// (file name, text), sorted by name.
pub fn pseudo_locale_files(
    english_dir: &Path,
    kind: PseudoKind,
) -> io::Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(english_dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|ext| ext == "ftl") {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let source = fs::read_to_string(&path)?;
            files.push((name, pseudo_ftl(&source, kind)));
        }
    }
    files.sort();
    Ok(files)
}

/// Writes `<locales_dir>/<tag>/*.ftl` made from `<locales_dir>/en`, replacing
/// the folder's `.ftl` files. Returns the folder.
pub fn write_pseudo_locale(locales_dir: &Path, kind: PseudoKind) -> io::Result<PathBuf> {
    let files = pseudo_locale_files(&locales_dir.join(REFERENCE_LOCALE), kind)?;
    let folder = locales_dir.join(pseudo_tag(kind));
    fs::create_dir_all(&folder)?;
    for (name, text) in files {
        fs::write(folder.join(name), text)?;
    }
    Ok(folder)
}

// ----- patterns ---------------------------------------------------------------

/// Transforms a pattern's text elements (and those of select variants).
/// `top` patterns (message values and attributes) get the `[` `]` markers.
fn transform_pattern(pattern: &mut Pattern<String>, kind: PseudoKind, top: bool) {
    for element in &mut pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            transform_expression(expression, kind);
        }
    }
    let flat = flatten(pattern);
    let keep = protected_chars(&flat);
    let before = telegram_len(&flat.replace(PLACEABLE, ""));

    let mut position = 0;
    for element in &mut pattern.elements {
        match element {
            PatternElement::TextElement { value } => {
                let count = value.chars().count();
                let mask = &keep[position..position + count];
                *value = match kind {
                    PseudoKind::Accented => accent(value, mask),
                    PseudoKind::RightToLeft => right_to_left(value, mask),
                };
                position += count;
            }
            PatternElement::Placeable { .. } => position += 1,
        }
    }

    if kind == PseudoKind::RightToLeft {
        mark_line_starts(pattern, top);
    }
    if kind == PseudoKind::Accented {
        let markers = if top { 2 } else { 0 };
        let after = telegram_len(&flatten(pattern).replace(PLACEABLE, "")) + markers;
        let wanted = (before * GROWTH_NUMERATOR).div_ceil(100);
        if before > 0 && after < wanted {
            // " ····" (a lone "·" when one is missing: no trailing space).
            let missing = wanted - after;
            let padding: String = std::iter::repeat_n(' ', usize::from(missing > 1))
                .chain(std::iter::repeat_n(PAD, missing - usize::from(missing > 1)))
                .collect();
            push_text(pattern, &padding);
        }
        if top && !pattern.elements.is_empty() {
            wrap_in_markers(pattern);
        }
    }
}

/// Puts a right-to-left mark at the start of each line, so that the
/// paragraph reads right to left (its first strong character is RTL).
fn mark_line_starts(pattern: &mut Pattern<String>, top: bool) {
    let mut index = 0;
    let mut at_line_start = top;
    while index < pattern.elements.len() {
        let element = &mut pattern.elements[index];
        let ends_line =
            matches!(element, PatternElement::TextElement { value } if value.ends_with('\n'));
        if at_line_start {
            match element {
                PatternElement::TextElement { value } if value == "\n" => {}
                PatternElement::TextElement { value } => value.insert(0, RLM),
                PatternElement::Placeable { .. } => {
                    pattern.elements.insert(
                        index,
                        PatternElement::TextElement {
                            value: RLM.to_string(),
                        },
                    );
                    index += 1;
                }
            }
        }
        at_line_start = ends_line;
        index += 1;
    }
}

fn transform_expression(expression: &mut Expression<String>, kind: PseudoKind) {
    match expression {
        Expression::Select { variants, .. } => {
            for Variant { value, .. } in variants {
                transform_pattern(value, kind, false);
            }
        }
        Expression::Inline(InlineExpression::Placeable { expression }) => {
            transform_expression(expression, kind);
        }
        Expression::Inline(_) => {}
    }
}

/// The pattern's text with one [`PLACEABLE`] per placeable.
fn flatten(pattern: &Pattern<String>) -> String {
    pattern
        .elements
        .iter()
        .map(|element| match element {
            PatternElement::TextElement { value } => value.as_str(),
            PatternElement::Placeable { .. } => "\u{FFFC}",
        })
        .collect()
}

fn push_text(pattern: &mut Pattern<String>, text: &str) {
    if let Some(PatternElement::TextElement { value }) = pattern.elements.last_mut() {
        value.push_str(text);
    } else {
        pattern.elements.push(PatternElement::TextElement {
            value: text.to_owned(),
        });
    }
}

/// Adds `[` before and `]` after the text. A pattern written over several
/// lines must not start an indented line with `[` (Fluent reads it as a
/// variant key), so there the opening marker is the placeable `{ "[" }`.
fn wrap_in_markers(pattern: &mut Pattern<String>) {
    push_text(pattern, "]");
    let multiline = pattern.elements.iter().any(|element| match element {
        PatternElement::TextElement { value } => value.contains('\n'),
        PatternElement::Placeable { expression } => !matches!(expression, Expression::Inline(_)),
    });
    match pattern.elements.first_mut() {
        Some(PatternElement::TextElement { value }) if !multiline => value.insert(0, '['),
        _ if !multiline => pattern.elements.insert(
            0,
            PatternElement::TextElement {
                value: "[".to_owned(),
            },
        ),
        _ => pattern.elements.insert(
            0,
            PatternElement::Placeable {
                expression: Expression::Inline(InlineExpression::StringLiteral {
                    value: "[".to_owned(),
                }),
            },
        ),
    }
}

// ----- what must not change ---------------------------------------------------

/// For each char of `flat`: whether it is markup or code that stays as is
/// (HTML tags, entities, placeables, `/commands`, links).
fn protected_chars(flat: &str) -> Vec<bool> {
    let chars: Vec<char> = flat.chars().collect();
    let mut keep = vec![false; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        let end = match chars[i] {
            PLACEABLE => Some(i + 1),
            '<' => chars[i + 1..]
                .iter()
                .position(|&c| c == '>')
                .map(|offset| i + 1 + offset + 1),
            '&' => entity_end(&chars, i),
            '/' if starts_word(&chars, i) => command_end(&chars, i),
            'h' if starts_word(&chars, i) => link_end(&chars, i),
            _ => None,
        };
        match end {
            Some(end) => {
                keep[i..end].fill(true);
                i = end;
            }
            None => i += 1,
        }
    }
    keep
}

fn starts_word(chars: &[char], i: usize) -> bool {
    i == 0 || chars[i - 1].is_whitespace() || matches!(chars[i - 1], '(' | '>' | '"' | '«')
}

/// `&amp;`, `&lt;`, `&#39;`, `&#x27;`: the end of a well-formed entity.
fn entity_end(chars: &[char], start: usize) -> Option<usize> {
    let semicolon = (start + 1..chars.len().min(start + 12)).find(|&j| chars[j] == ';')?;
    let name: String = chars[start + 1..semicolon].iter().collect();
    let valid = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
        !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit())
    } else if let Some(decimal) = name.strip_prefix('#') {
        !decimal.is_empty() && decimal.chars().all(|c| c.is_ascii_digit())
    } else {
        name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric())
    };
    valid.then_some(semicolon + 1)
}

/// `/menu`, `/start@bot`: Telegram links commands only as written.
fn command_end(chars: &[char], start: usize) -> Option<usize> {
    let end = (start + 1..chars.len())
        .find(|&j| !(chars[j].is_ascii_alphanumeric() || matches!(chars[j], '_' | '@')))
        .unwrap_or(chars.len());
    (end > start + 1 && chars[start + 1].is_ascii_lowercase()).then_some(end)
}

fn link_end(chars: &[char], start: usize) -> Option<usize> {
    let rest: String = chars[start..chars.len().min(start + 8)].iter().collect();
    if !(rest.starts_with("http://") || rest.starts_with("https://")) {
        return None;
    }
    let end = (start..chars.len())
        .find(|&j| chars[j].is_whitespace() || matches!(chars[j], '<' | '"' | PLACEABLE))
        .unwrap_or(chars.len());
    Some(end)
}

// ----- the two transformations ------------------------------------------------

fn accent(text: &str, keep: &[bool]) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for (ch, &kept) in text.chars().zip(keep) {
        match accented(ch) {
            Some(accented) if !kept => {
                out.push(accented);
                if matches!(ch.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u') {
                    out.push(accented);
                }
            }
            _ => out.push(ch),
        }
    }
    out
}

/// Accented look-alikes of ASCII letters (the table Android uses for en-XA).
fn accented(ch: char) -> Option<char> {
    const LOWER: [char; 26] = [
        'å', 'ƀ', 'ç', 'ð', 'é', 'ƒ', 'ĝ', 'ĥ', 'î', 'ĵ', 'ķ', 'ļ', 'ɱ', 'ñ', 'ö', 'þ', 'ǫ', 'ŕ',
        'š', 'ţ', 'û', 'ṽ', 'ŵ', 'ẋ', 'ý', 'ž',
    ];
    const UPPER: [char; 26] = [
        'Å', 'β', 'Ç', 'Ð', 'É', 'Ƒ', 'Ĝ', 'Ĥ', 'Î', 'Ĵ', 'Ķ', 'Ļ', 'Ṁ', 'Ñ', 'Ö', 'Þ', 'Ǫ', 'Ŕ',
        'Š', 'Ţ', 'Û', 'Ṽ', 'Ŵ', 'Ẋ', 'Ý', 'Ž',
    ];
    match ch {
        'a'..='z' => Some(LOWER[usize::from(ch as u8 - b'a')]),
        'A'..='Z' => Some(UPPER[usize::from(ch as u8 - b'A')]),
        _ => None,
    }
}

/// Wraps each word that has a letter or digit in RLO … PDF. (Android also
/// puts an RLM on both sides of each word; one RLM per line does the same
/// for the paragraph's direction and keeps button labels within
/// Telegram's length limit.)
fn right_to_left(text: &str, keep: &[bool]) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.chars().any(char::is_alphanumeric) {
            out.push(RLO);
            out.push_str(word);
            out.push(PDF);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for (ch, &kept) in text.chars().zip(keep) {
        if kept || ch.is_whitespace() {
            flush(&mut word, &mut out);
            out.push(ch);
        } else {
            word.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protects_markup_commands_and_links() {
        let flat = "<b>Hi</b> &amp; /menu https://x.org/a &bogus x";
        let keep = protected_chars(flat);
        let kept: String = flat
            .chars()
            .zip(&keep)
            .map(|(c, &k)| if k { c } else { '_' })
            .collect();
        assert_eq!(kept, "<b>__</b>_&amp;_/menu_https://x.org/a_________");
    }

    #[test]
    fn accents_and_doubles_vowels() {
        let text = "Tap OK";
        assert_eq!(accent(text, &[false; 6]), "Ţååþ ÖÖĶ");
    }

    #[test]
    fn tags_from_tag() {
        assert_eq!(PseudoKind::from_tag("en-xa"), Some(PseudoKind::Accented));
        assert_eq!(PseudoKind::from_tag("ar-XB"), Some(PseudoKind::RightToLeft));
        assert_eq!(PseudoKind::from_tag("en"), None);
    }
}
