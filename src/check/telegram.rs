//! What Telegram accepts: HTML tags and entities, invisible characters,
//! message length with long sample arguments, and button labels.

use std::collections::BTreeSet;

use fluent_bundle::{FluentArgs, FluentBundle, FluentError, FluentResource, FluentValue};
use fluent_syntax::ast;

use super::Finding;
use super::dialogues::DialogueUse;
use super::fluent::{Usage, with_sigil};
use super::source::{Def, LocaleDir, Model};
use crate::text::{MESSAGE_LIMIT, escape_html, telegram_len};

/// A button label longer than this is cut on many phones.
pub(crate) const LABEL_WARN: usize = 32;
/// Longer than this, the label is refused (as the loaders do).
pub(crate) const LABEL_LIMIT: usize = crate::dialogue::tree::MAX_LABEL_LEN;

/// Long, hostile values for the arguments the bot passes (as `i18n`'s
/// private sample arguments), to measure lengths. Only the values matter
/// here: every variable English uses gets one (see `Renderer::new`), and
/// whether the bot passes a variable at all is the start-up render's call.
pub(crate) const SAMPLE_TEXT_ARGS: &[(&str, &str)] = &[
    ("name", "Maximiliana-Alexandrina <Ŝpëçïål & Long Name> 😂😂"),
    (
        "reviewer",
        "CancerFax Medical Team, Oncology & Haematology Specialists",
    ),
    ("date", "Wednesday, September 30, 2026"),
    ("reference", "CF-000123"),
    (
        "opens",
        "Wednesday, September 30 at 12:00 PM Argentina (Comodoro Rivadavia) Time",
    ),
];
pub(crate) const SAMPLE_NUMBER_ARGS: &[(&str, i64)] =
    &[("count", 12), ("days", 365), ("min", 10), ("max", 4000)];
/// The value of any other variable: as long as a long name.
const OTHER_SAMPLE: &str = "Sample-Value-Of-Some-Length-0123456789";

/// Renders messages as the bot does: one bundle per locale, no bidi
/// isolation, no functions registered.
pub(crate) struct Renderer {
    bundles: Vec<(String, FluentBundle<FluentResource>)>,
    args: FluentArgs<'static>,
}

impl Renderer {
    /// `variables`: every variable English uses, so that none is left
    /// without a value (whether the bot really passes it is checked by the
    /// bot's own start-up render, see `render_errors` in `check`).
    pub fn new(locales: &[LocaleDir], variables: &BTreeSet<String>) -> Renderer {
        let bundles = locales
            .iter()
            .map(|locale| {
                let mut bundle = FluentBundle::new(vec![locale.langid.clone()]);
                bundle.set_use_isolating(false);
                for file in &locale.files {
                    let text = file.text.trim_start_matches('\u{feff}').to_owned();
                    let resource = match FluentResource::try_new(text) {
                        Ok(resource) | Err((resource, _)) => resource,
                    };
                    // Duplicates are findings of their own; the first one wins.
                    let _ = bundle.add_resource(resource);
                }
                (locale.tag.clone(), bundle)
            })
            .collect();
        let mut args = FluentArgs::new();
        for (name, value) in SAMPLE_TEXT_ARGS {
            args.set(*name, FluentValue::from(escape_html(value)));
        }
        for (name, value) in SAMPLE_NUMBER_ARGS {
            args.set(*name, FluentValue::from(*value));
        }
        for name in variables {
            if args.get(name).is_none() {
                args.set(name.clone(), FluentValue::from(OTHER_SAMPLE));
            }
        }
        Renderer { bundles, args }
    }

    fn bundle(&self, tag: &str) -> Option<&FluentBundle<FluentResource>> {
        self.bundles
            .iter()
            .find(|(name, _)| name == tag)
            .map(|(_, bundle)| bundle)
    }

    /// A message's value (or attribute when `attribute` is not empty) with
    /// the sample arguments, and the errors formatting it gave.
    pub fn render(
        &self,
        tag: &str,
        id: &str,
        attribute: &str,
        args: Option<&FluentArgs>,
    ) -> Option<(String, Vec<FluentError>)> {
        let bundle = self.bundle(tag)?;
        let message = bundle.get_message(id)?;
        let pattern = if attribute.is_empty() {
            message.value()?
        } else {
            message.get_attribute(attribute)?.value()
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(args.unwrap_or(&self.args)), &mut errors);
        Some((text.into_owned(), errors))
    }

    /// As the bot shows it: the locale's text, or English when the locale
    /// lacks the message or cannot format it.
    pub fn show(&self, tag: &str, id: &str, args: Option<&FluentArgs>) -> String {
        [tag, crate::i18n::REFERENCE_LOCALE]
            .into_iter()
            .find_map(|tag| {
                self.render(tag, id, "", args)
                    .filter(|(_, errors)| errors.is_empty())
                    .map(|(text, _)| text)
            })
            .unwrap_or_else(|| "…".to_owned())
    }
}

/// HTML, invisible characters, length and labels of every message and
/// term of a locale.
pub(crate) fn check_locale(
    model: &Model,
    renderer: &Renderer,
    usage: &DialogueUse,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for def in model.messages.values().chain(model.terms.values()) {
        findings.extend(invisible_characters(def));
        if let Some(value) = def.value {
            if !def.is_term && usage.is_label(def.id) {
                findings.extend(label_findings(model, renderer, def, ""));
            } else {
                findings.extend(html_findings(def, value));
                if !def.is_term {
                    findings.extend(rendered_findings(model, renderer, def));
                }
            }
        }
        for attribute in def.attributes {
            if def.is_term {
                continue;
            }
            if attribute.id.name == "label" {
                findings.extend(label_findings(model, renderer, def, attribute.id.name));
            } else {
                findings.extend(html_findings(def, &attribute.value));
            }
        }
    }
    findings
}

/// Length once rendered. A message that cannot be rendered is reported
/// by the structural checks or by the bot's own render (`render-error`).
fn rendered_findings(model: &Model, renderer: &Renderer, def: &Def) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Some((text, errors)) = renderer.render(model.tag, def.id, "", None) else {
        return findings;
    };
    if !errors.is_empty() {
        return findings;
    }
    let length = telegram_len(&text);
    if length > MESSAGE_LIMIT {
        findings.push(def.error(
            "too-long",
            format!(
                "“{}” is {length} characters long once the bot fills in long sample values; \
                 Telegram allows {MESSAGE_LIMIT} in one message: shorten it, or split it into two \
                 messages",
                def.id
            ),
        ));
    }
    findings
}

fn label_findings(model: &Model, renderer: &Renderer, def: &Def, attribute: &str) -> Vec<Finding> {
    let mut findings = Vec::new();
    let Some((label, errors)) = renderer.render(model.tag, def.id, attribute, None) else {
        return findings;
    };
    if !errors.is_empty() {
        return findings;
    }
    let (what, at): (String, &str) = if attribute.is_empty() {
        (format!("“{}”", def.id), def.id)
    } else {
        let name = def.attribute(attribute).map_or(def.id, |attribute| {
            with_sigil(&def.file.text, attribute.id.name)
        });
        (format!("“{}.{attribute}”", def.id), name)
    };
    let length = label.chars().count();
    let problem = if label.trim().is_empty() {
        Some((
            "label-empty",
            true,
            format!("{what} is a button label, and it is empty: write the text of the button"),
        ))
    } else if label.contains(['\n', '\r']) {
        Some((
            "label-multiline",
            true,
            format!(
                "{what} is a button label and must be one line: write it all on the line of “=”"
            ),
        ))
    } else if label.contains(['<', '>', '&']) {
        Some((
            "label-markup",
            true,
            format!(
                "{what} is a button label, and buttons show their text exactly as written: remove \
                 tags such as <b>, and do not use “<”, “>” or “&” (write “and” for “&”)"
            ),
        ))
    } else if length > LABEL_LIMIT {
        Some((
            "label-too-long",
            true,
            format!(
                "{what} is a button label of {length} characters; phones cut labels, and the bot \
                 refuses labels over {LABEL_LIMIT}: shorten it (ideally to {LABEL_WARN} or fewer)"
            ),
        ))
    } else if length > LABEL_WARN {
        Some((
            "label-long",
            false,
            format!(
                "{what} is a button label of {length} characters; many phones cut labels over \
                 {LABEL_WARN}: shorten it if you can"
            ),
        ))
    } else {
        None
    };
    if let Some((code, error, message)) = problem {
        findings.push(if error {
            def.error_at(at, code, message)
        } else {
            def.warning_at(at, code, message)
        });
    }
    findings
}

/// Characters that are invisible in an editor and break Telegram's layout.
fn invisible_name(ch: char) -> Option<&'static str> {
    Some(match ch {
        '\u{061C}' => "ARABIC LETTER MARK",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2060}' => "WORD JOINER",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE",
        _ => return None,
    })
}

fn is_emoji(ch: Option<char>) -> bool {
    ch.is_some_and(|ch| matches!(ch as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0xFE0F))
}

fn invisible_characters(def: &Def) -> Vec<Finding> {
    let mut findings = Vec::new();
    let usage = Usage::of_def(def);
    for text in &usage.texts {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        for (index, &(at, ch)) in chars.iter().enumerate() {
            let Some(name) = invisible_name(ch) else {
                continue;
            };
            // A joiner inside an emoji sequence (👨‍👩‍👧) is part of the emoji.
            if ch == '\u{200D}'
                && is_emoji(index.checked_sub(1).map(|i| chars[i].1))
                && is_emoji(chars.get(index + 1).map(|(_, c)| *c))
            {
                continue;
            }
            findings.push(def.error_at(
                &text[at..at + ch.len_utf8()],
                "invisible-character",
                format!(
                    "an invisible character, U+{:04X} {name}, is hidden here in “{}”. Telegram \
                     sets the text direction itself, and this character shows as a box or \
                     scrambles the text on some phones: delete it (place the cursor after the \
                     character before it and press Delete)",
                    ch as u32,
                    def.display_id()
                ),
            ));
        }
    }
    findings
}

/// A pattern flattened into text: source slices, and holes where a
/// variable or another message goes.
enum Piece<'a> {
    Text(&'a str),
    Hole(&'a str),
}

/// Flattenings to check: all defaults, then each other variant of each
/// choice in turn (other choices on their defaults).
fn flattenings<'a>(pattern: &'a ast::Pattern<&'a str>) -> Vec<Vec<Piece<'a>>> {
    let selects: Vec<usize> = pattern
        .elements
        .iter()
        .filter_map(|element| match element {
            ast::PatternElement::Placeable {
                expression: ast::Expression::Select { variants, .. },
            } => Some(variants.len()),
            _ => None,
        })
        .collect();
    let mut choices = vec![None];
    for (index, count) in selects.iter().enumerate() {
        for variant in 0..*count {
            choices.push(Some((index, variant)));
        }
    }
    choices
        .into_iter()
        .map(|choice| {
            let mut pieces = Vec::new();
            flatten(pattern, choice, true, &mut 0, &mut pieces);
            pieces
        })
        .collect()
}

fn flatten<'a>(
    pattern: &'a ast::Pattern<&'a str>,
    choice: Option<(usize, usize)>,
    top: bool,
    counter: &mut usize,
    out: &mut Vec<Piece<'a>>,
) {
    for element in &pattern.elements {
        match element {
            ast::PatternElement::TextElement { value } => out.push(Piece::Text(value)),
            ast::PatternElement::Placeable { expression } => match expression {
                ast::Expression::Select { selector, variants } => {
                    let mut pick = variants.iter().position(|v| v.default).unwrap_or(0);
                    if top {
                        if let Some((index, variant)) = choice
                            && index == *counter
                        {
                            pick = variant;
                        }
                        *counter += 1;
                    }
                    match variants.get(pick) {
                        Some(variant) => flatten(&variant.value, None, false, counter, out),
                        None => out.push(Piece::Hole(hole_at(selector))),
                    }
                }
                ast::Expression::Inline(inline) => out.push(Piece::Hole(hole_at(inline))),
            },
        }
    }
}

fn hole_at<'a>(inline: &ast::InlineExpression<&'a str>) -> &'a str {
    match inline {
        ast::InlineExpression::StringLiteral { value }
        | ast::InlineExpression::NumberLiteral { value } => value,
        ast::InlineExpression::FunctionReference { id, .. }
        | ast::InlineExpression::MessageReference { id, .. }
        | ast::InlineExpression::TermReference { id, .. }
        | ast::InlineExpression::VariableReference { id } => id.name,
        ast::InlineExpression::Placeable { expression } => match &**expression {
            ast::Expression::Inline(inline) => hole_at(inline),
            ast::Expression::Select { selector, .. } => hole_at(selector),
        },
    }
}

/// The tags Telegram accepts, with the attributes each one allows
/// (`Some(value)`: the attribute must have this value or prefix).
const TAGS: &[&str] = &[
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
];

const TAG_LIST: &str = "<b>, <i>, <u>, <s>, <a href=\"…\">, <code>, <pre>, <blockquote>, \
                        <tg-spoiler> (or <strong>, <em>, <ins>, <strike>, <del>, \
                        <span class=\"tg-spoiler\">, <tg-emoji emoji-id=\"…\">)";

struct Flat<'a> {
    text: String,
    /// (start in `text`, source slice, is a hole)
    map: Vec<(usize, &'a str, bool)>,
}

impl<'a> Flat<'a> {
    fn new(pieces: &[Piece<'a>]) -> Flat<'a> {
        let mut text = String::new();
        let mut map = Vec::new();
        for piece in pieces {
            match piece {
                Piece::Text(slice) => {
                    map.push((text.len(), *slice, false));
                    text.push_str(slice);
                }
                Piece::Hole(slice) => {
                    map.push((text.len(), *slice, true));
                    text.push('x');
                }
            }
        }
        Flat { text, map }
    }

    /// The source slice (one character) at a position of `text`.
    fn source(&self, at: usize) -> &'a str {
        let Some(&(start, slice, hole)) = self.map.iter().rev().find(|(start, _, _)| *start <= at)
        else {
            return "";
        };
        if hole {
            return slice;
        }
        let offset = (at - start).min(slice.len());
        let end = slice[offset..]
            .chars()
            .next()
            .map_or(offset, |ch| offset + ch.len_utf8());
        &slice[offset..end]
    }
}

struct Tag<'t> {
    closing: bool,
    name: String,
    attributes: Vec<(String, Option<&'t str>)>,
    length: usize,
}

enum Parsed<'t> {
    Tag(Tag<'t>),
    /// A “<” that does not start a tag.
    Stray,
    /// A tag with no “>”.
    Unclosed,
}

fn parse_tag(at: &str) -> Parsed<'_> {
    let bytes = at.as_bytes();
    let mut i = 1;
    let closing = bytes.get(1) == Some(&b'/');
    if closing {
        i += 1;
    }
    if !bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
        return Parsed::Stray;
    }
    let start = i;
    while bytes
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-')
    {
        i += 1;
    }
    let name = at[start..i].to_ascii_lowercase();
    let mut attributes = Vec::new();
    loop {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match bytes.get(i) {
            None | Some(b'<') => return Parsed::Unclosed,
            Some(b'>') => {
                return Parsed::Tag(Tag {
                    closing,
                    name,
                    attributes,
                    length: i + 1,
                });
            }
            Some(_) => {}
        }
        let name_start = i;
        while bytes
            .get(i)
            .is_some_and(|b| !b.is_ascii_whitespace() && !matches!(b, b'=' | b'>' | b'<'))
        {
            i += 1;
        }
        if i == name_start {
            // “=” with no name: skip it.
            i += 1;
            continue;
        }
        let attribute = at[name_start..i].to_ascii_lowercase();
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        let mut value = None;
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            match bytes.get(i) {
                Some(quote @ (b'"' | b'\'')) => {
                    let open = i + 1;
                    let Some(close) = at[open..].find(*quote as char) else {
                        return Parsed::Unclosed;
                    };
                    value = Some(&at[open..open + close]);
                    i = open + close + 1;
                }
                _ => {
                    let open = i;
                    while bytes
                        .get(i)
                        .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>')
                    {
                        i += 1;
                    }
                    value = Some(&at[open..i]);
                }
            }
        }
        attributes.push((attribute, value));
    }
}

/// Length of a valid entity at the start of `at` (which starts with “&”).
fn entity_length(at: &str) -> Option<usize> {
    let end = at.find(';').filter(|end| *end <= 12)?;
    let name = &at[1..end];
    let valid = matches!(name, "lt" | "gt" | "amp" | "quot")
        || name
            .strip_prefix("#x")
            .or_else(|| name.strip_prefix("#X"))
            .is_some_and(|hex| !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        || name
            .strip_prefix('#')
            .is_some_and(|dec| !dec.is_empty() && dec.bytes().all(|b| b.is_ascii_digit()));
    valid.then_some(end + 1)
}

fn attribute_problem(tag: &Tag) -> Option<String> {
    let allowed: &[&str] = match tag.name.as_str() {
        "a" => &["href"],
        "span" => &["class"],
        "tg-emoji" => &["emoji-id"],
        "code" => &["class"],
        "blockquote" => &["expandable"],
        _ => &[],
    };
    if let Some((name, _)) = tag
        .attributes
        .iter()
        .find(|(name, _)| !allowed.contains(&name.as_str()))
    {
        return Some(format!(
            "Telegram does not accept the attribute “{name}” on <{}>: remove it",
            tag.name
        ));
    }
    let value = |wanted: &str| {
        tag.attributes
            .iter()
            .find(|(name, _)| name == wanted)
            .and_then(|(_, value)| *value)
    };
    match tag.name.as_str() {
        "a" if value("href").is_none_or(|href| href.trim().is_empty()) => {
            Some("a link needs its address: <a href=\"https://…\">text</a>".to_owned())
        }
        "span" if value("class") != Some("tg-spoiler") => Some(
            "Telegram accepts <span> only as <span class=\"tg-spoiler\"> (hidden text)".to_owned(),
        ),
        "tg-emoji" if value("emoji-id").is_none() => {
            Some("<tg-emoji> needs emoji-id=\"…\"".to_owned())
        }
        "code" if value("class").is_some_and(|class| !class.starts_with("language-")) => Some(
            "on <code>, class must be “language-…” (e.g. class=\"language-python\")".to_owned(),
        ),
        _ => None,
    }
}

/// Tags, balance and entities of one pattern, as Telegram parses them.
fn html_findings(def: &Def, pattern: &ast::Pattern<&str>) -> Vec<Finding> {
    let mut findings: Vec<Finding> = Vec::new();
    let mut seen: BTreeSet<(&'static str, usize, usize)> = BTreeSet::new();
    let id = def.display_id();
    for pieces in flattenings(pattern) {
        let flat = Flat::new(&pieces);
        let text = flat.text.as_str();
        let mut open: Vec<(String, usize)> = Vec::new();
        let mut unknown_open: BTreeSet<String> = BTreeSet::new();
        let mut found: Vec<(usize, &'static str, String)> = Vec::new();
        let mut i = 0;
        while i < text.len() {
            let rest = &text[i..];
            let Some(ch) = rest.chars().next() else {
                break;
            };
            match ch {
                '&' => {
                    if let Some(length) = entity_length(rest) {
                        i += length;
                        continue;
                    }
                    let word: String = rest[1..]
                        .chars()
                        .take_while(char::is_ascii_alphanumeric)
                        .collect();
                    let message = if !word.is_empty() && rest[1 + word.len()..].starts_with(';') {
                        format!(
                            "“{id}” uses the entity &{word};, which Telegram does not know: it \
                             knows only &amp; &lt; &gt; &quot; and numbers such as &#160;"
                        )
                    } else {
                        format!(
                            "“{id}” has a “&” on its own; in Telegram HTML it must be written \
                             “&amp;” (for example “R&amp;D”)"
                        )
                    };
                    found.push((i, "html-ampersand", message));
                }
                '<' => match parse_tag(rest) {
                    Parsed::Stray => found.push((
                        i,
                        "html-less-than",
                        format!(
                            "“{id}” has a “<” that does not start a tag; to show the character \
                             itself write “&lt;” (for example “&lt; 5 cm”)"
                        ),
                    )),
                    Parsed::Unclosed => found.push((
                        i,
                        "html-unclosed-tag",
                        format!(
                            "“{id}” has a tag that is not closed with “>”: finish it (e.g. <b>), \
                             or write “&lt;” to show the character “<”"
                        ),
                    )),
                    Parsed::Tag(tag) => {
                        let length = tag.length;
                        html_tag(&id, tag, i, &mut open, &mut unknown_open, &mut found);
                        i += length;
                        continue;
                    }
                },
                _ => {}
            }
            i += ch.len_utf8();
        }
        for (name, at) in open {
            found.push((
                at,
                "html-unbalanced",
                format!("“{id}” opens <{name}> and never closes it: add </{name}> where it ends"),
            ));
        }
        for (at, code, message) in found {
            let slice = flat.source(at);
            let (line, column) = def.file.position(def.file.offset_of(slice));
            if seen.insert((code, line, column)) {
                findings.push(def.error_at(slice, code, message));
            }
        }
    }
    findings
}

fn html_tag(
    id: &str,
    tag: Tag,
    at: usize,
    open: &mut Vec<(String, usize)>,
    unknown_open: &mut BTreeSet<String>,
    found: &mut Vec<(usize, &'static str, String)>,
) {
    if !TAGS.contains(&tag.name.as_str()) {
        if tag.closing && unknown_open.contains(&tag.name) {
            return;
        }
        unknown_open.insert(tag.name.clone());
        let hint = if tag.name == "br" {
            " For a line break, just start a new line"
        } else {
            " Remove it, or write “&lt;” to show the character “<”"
        };
        found.push((
            at,
            "html-unknown-tag",
            format!(
                "“{id}” uses the tag <{}>, which Telegram does not accept; it accepts only \
                 {TAG_LIST}.{hint}",
                tag.name
            ),
        ));
        return;
    }
    if tag.closing {
        match open.iter().rposition(|(name, _)| *name == tag.name) {
            Some(index) if index + 1 == open.len() => {
                open.pop();
            }
            Some(index) => {
                let (inner, _) = &open[open.len() - 1];
                found.push((
                    at,
                    "html-unbalanced",
                    format!(
                        "“{id}” closes </{}> before the <{inner}> opened inside it: close tags \
                         in the reverse order, as in <b><i>…</i></b>",
                        tag.name
                    ),
                ));
                open.remove(index);
            }
            None => found.push((
                at,
                "html-unbalanced",
                format!(
                    "“{id}” has </{0}> but no <{0}> before it: delete it, or add <{0}> where the \
                     text should start",
                    tag.name
                ),
            )),
        }
        return;
    }
    if let Some(problem) = attribute_problem(&tag) {
        found.push((at, "html-attribute", format!("“{id}”: {problem}")));
    }
    open.push((tag.name, at));
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::check::source::SourceFile;

    /// The codes and columns of the HTML and invisible-character findings
    /// of the first message of `source`.
    fn check(source: &str) -> Vec<(&'static str, usize)> {
        let file = SourceFile {
            path: PathBuf::from("a.ftl"),
            name: "a.ftl".to_owned(),
            text: source.to_owned(),
        };
        let resource = fluent_syntax::parser::parse(file.text.as_str()).unwrap();
        let ast::Entry::Message(message) = &resource.body[0] else {
            panic!("not a message")
        };
        let def = Def {
            id: message.id.name,
            file: &file,
            offset: file.offset_of(message.id.name),
            value: message.value.as_ref(),
            attributes: &message.attributes,
            is_term: false,
        };
        let mut findings = html_findings(&def, def.value.unwrap());
        findings.extend(invisible_characters(&def));
        findings.iter().map(|f| (f.code, f.column)).collect()
    }

    #[test]
    fn accepted_markup_passes() {
        assert_eq!(
            check(
                "m = <b>Hi</b> <i>{ $name }</i> <a href=\"https://x.org/?a=1&amp;b=2\">x</a> \
                 <span class=\"tg-spoiler\">s</span> <blockquote expandable>q</blockquote> \
                 <code class=\"language-rust\">c</code> &lt; &#160; 👨\u{200D}👩\n"
            ),
            []
        );
    }

    #[test]
    fn tags_may_hold_placeables() {
        assert_eq!(check("m = <a href=\"{ $url }\">{ $name }</a>\n"), []);
    }

    #[test]
    fn every_variant_is_checked() {
        let source = "m = { $count ->\n    [one] <b>one</b>\n   *[other] <b>{ $count }\n}\n";
        assert_eq!(check(source), [("html-unbalanced", 13)]);
        let source = "m = { $count ->\n    [one] <b>one\n   *[other] <b>{ $count }</b>\n}\n";
        assert_eq!(check(source), [("html-unbalanced", 11)]);
    }

    #[test]
    fn a_joiner_outside_an_emoji_is_invisible_garbage() {
        assert_eq!(check("m = a\u{200D}b\n"), [("invisible-character", 6)]);
        assert_eq!(
            check("m = \u{2068}x\u{2069}\n"),
            [("invisible-character", 5), ("invisible-character", 7)]
        );
    }
}
