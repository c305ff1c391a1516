//! Pseudo-locales made from the shipped English files: valid Fluent, same
//! ids, variables, selectors, markup; longer (en-XA) or right to left (ar-XB);
//! and they render through fluent-bundle and load as catalog locales.

use std::fs;
use std::path::{Path, PathBuf};

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use fluent_syntax::ast::{
    Entry, Expression, InlineExpression, Pattern, PatternElement, Resource, VariantKey,
};
use fluent_syntax::parser;
use patient_navigator::content::Content;
use patient_navigator::pseudo::{
    PseudoKind, pseudo_ftl, pseudo_locale_files, pseudo_tag, write_pseudo_locale,
};
use patient_navigator::text::telegram_len;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// (file name, source) of every shipped English file.
fn english_files() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = fs::read_dir(root().join("locales/en"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ftl"))
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read_to_string(&path).unwrap(),
            )
        })
        .collect();
    files.sort();
    assert!(files.len() >= 4, "the English files are there");
    files
}

fn parse_clean(source: &str, context: &str) -> Resource<String> {
    let resource = parser::parse(source.to_owned())
        .unwrap_or_else(|(_, errors)| panic!("{context}: not valid Fluent: {errors:?}"));
    let junk = resource
        .body
        .iter()
        .filter(|entry| matches!(entry, Entry::Junk { .. }))
        .count();
    assert_eq!(junk, 0, "{context}: junk in the output");
    resource
}

/// Everything that is not text: ids, attributes, variables, selectors,
/// variant keys, functions, references. The `{ "[" }` marker is left out.
fn skeleton(resource: &Resource<String>) -> Vec<String> {
    let mut out = Vec::new();
    for entry in &resource.body {
        match entry {
            Entry::Message(message) => {
                out.push(format!("message {}", message.id.name));
                if let Some(value) = &message.value {
                    pattern_skeleton(value, &mut out);
                }
                for attribute in &message.attributes {
                    out.push(format!("attribute .{}", attribute.id.name));
                    pattern_skeleton(&attribute.value, &mut out);
                }
            }
            Entry::Term(term) => {
                out.push(format!("term -{}", term.id.name));
                pattern_skeleton(&term.value, &mut out);
                for attribute in &term.attributes {
                    out.push(format!("term attribute .{}", attribute.id.name));
                    pattern_skeleton(&attribute.value, &mut out);
                }
            }
            _ => {}
        }
    }
    out
}

fn pattern_skeleton(pattern: &Pattern<String>, out: &mut Vec<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_skeleton(expression, out);
        }
    }
}

fn expression_skeleton(expression: &Expression<String>, out: &mut Vec<String>) {
    match expression {
        Expression::Select { selector, variants } => {
            out.push(format!("select {}", inline(selector)));
            for variant in variants {
                let key = match &variant.key {
                    VariantKey::Identifier { name } => name.clone(),
                    VariantKey::NumberLiteral { value } => value.clone(),
                };
                out.push(format!("variant {key} default={}", variant.default));
                pattern_skeleton(&variant.value, out);
            }
        }
        Expression::Inline(InlineExpression::StringLiteral { value }) if value == "[" => {}
        Expression::Inline(expression) => out.push(format!("placeable {}", inline(expression))),
    }
}

fn inline(expression: &InlineExpression<String>) -> String {
    match expression {
        InlineExpression::VariableReference { id } => format!("${}", id.name),
        InlineExpression::MessageReference { id, attribute } => {
            format!("{}{:?}", id.name, attribute.as_ref().map(|a| &a.name))
        }
        InlineExpression::TermReference { id, attribute, .. } => {
            format!("-{}{:?}", id.name, attribute.as_ref().map(|a| &a.name))
        }
        other => format!("{other:?}"),
    }
}

/// Message id → the message's text (text elements only, all patterns).
fn texts(resource: &Resource<String>) -> Vec<(String, String)> {
    fn collect(pattern: &Pattern<String>, into: &mut String) {
        for element in &pattern.elements {
            match element {
                PatternElement::TextElement { value } => into.push_str(value),
                PatternElement::Placeable {
                    expression: Expression::Select { variants, .. },
                } => {
                    for variant in variants {
                        collect(&variant.value, into);
                    }
                }
                PatternElement::Placeable { .. } => into.push('\u{FFFC}'),
            }
        }
    }
    let mut out = Vec::new();
    for entry in &resource.body {
        if let Entry::Message(message) = entry {
            let mut text = String::new();
            if let Some(value) = &message.value {
                collect(value, &mut text);
            }
            for attribute in &message.attributes {
                collect(&attribute.value, &mut text);
            }
            out.push((message.id.name.clone(), text));
        }
    }
    out
}

/// `<tags>` and `&entities;` of a text, in order.
fn markup(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['<', '&']) {
        let end = if rest[start..].starts_with('<') {
            rest[start..].find('>')
        } else {
            rest[start..].find(';').filter(|&end| end <= 10)
        };
        match end {
            Some(end) => {
                found.push(rest[start..start + end + 1].to_owned());
                rest = &rest[start + end + 1..];
            }
            None => rest = &rest[start + 1..],
        }
    }
    found
}

/// Words that start a command (`/menu`) or a link, which must stay as is.
fn commands(text: &str) -> Vec<String> {
    text.replace('\u{200F}', "")
        .split_whitespace()
        .filter(|word| word.starts_with('/') || word.starts_with("http"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn tags_are_the_android_ones() {
    assert_eq!(pseudo_tag(PseudoKind::Accented), "en-XA");
    assert_eq!(pseudo_tag(PseudoKind::RightToLeft), "ar-XB");
    assert_eq!(PseudoKind::from_tag("en-XA"), Some(PseudoKind::Accented));
    assert_eq!(PseudoKind::from_tag("ar-xb"), Some(PseudoKind::RightToLeft));
    assert_eq!(PseudoKind::from_tag("es"), None);
}

#[test]
fn a_small_file_becomes_exactly_this() {
    let source = "\
# A comment stays.
hello = Hello, { $name }!
bold =
    <b>Hi &amp; bye</b>
    Type /menu or see https://example.org/x
count = { $count ->
    [one] one file
   *[other] { $count } files
}
prompt = Age?
    .label = Age
-brand = Fax
    .gender = neuter
";
    let accented = pseudo_ftl(source, PseudoKind::Accented);
    assert!(
        accented.starts_with(
            "### Pseudo-locale en-XA generated from the English source; do not edit or translate.\n"
        ),
        "{accented}"
    );
    assert!(accented.contains("# A comment stays.\n"), "{accented}");
    assert!(
        accented.contains("hello = [Ĥééļļöö, { $name }!]\n"),
        "{accented}"
    );
    // A text over several lines must not start a line with "[": a placeable.
    assert!(
        accented.contains("bold =\n    { \"[\" }<b>Ĥîî &amp; ƀýéé</b>\n"),
        "{accented}"
    );
    assert!(
        accented.contains("    Ţýþéé /menu ööŕ šéééé https://example.org/x ········]\n"),
        "{accented}"
    );
    assert!(accented.contains("[one] ööñéé ƒîîļéé"), "{accented}");
    assert!(
        accented.contains("*[other] { $count } ƒîîļééš"),
        "{accented}"
    );
    assert!(accented.contains("prompt = [ÅÅĝéé?]"), "{accented}");
    assert!(accented.contains(".label = [ÅÅĝéé"), "{accented}");
    // A term's attributes are grammar for selectors: unchanged.
    assert!(accented.contains(".gender = neuter"), "{accented}");
    assert!(accented.contains("-brand = [Ƒååẋ"), "{accented}");

    let rtl = pseudo_ftl(source, PseudoKind::RightToLeft);
    assert!(
        rtl.contains("hello = \u{200F}\u{202E}Hello,\u{202C} { $name }!"),
        "{rtl}"
    );
    assert!(
        rtl.contains("bold =\n    \u{200F}<b>\u{202E}Hi\u{202C} &amp; \u{202E}bye\u{202C}</b>\n    \u{200F}\u{202E}Type\u{202C} /menu"),
        "{rtl}"
    );
    assert!(rtl.contains(" /menu "), "{rtl}");
    assert!(rtl.contains(" https://example.org/x"), "{rtl}");
    assert!(rtl.contains("[one] \u{202E}one\u{202C}"), "{rtl}");
}

#[test]
fn every_id_attribute_variable_and_selector_survives() {
    for kind in PseudoKind::ALL {
        for (name, source) in english_files() {
            let context = format!("{} {name}", pseudo_tag(kind));
            let english = parse_clean(&source, "English");
            let pseudo = parse_clean(&pseudo_ftl(&source, kind), &context);
            let (english, pseudo) = (skeleton(&english), skeleton(&pseudo));
            assert!(!english.is_empty());
            assert_eq!(english, pseudo, "{context}");
        }
    }
}

#[test]
fn html_tags_entities_and_commands_are_unchanged() {
    let mut tags_seen = 0;
    for kind in PseudoKind::ALL {
        for (name, source) in english_files() {
            let english = texts(&parse_clean(&source, "English"));
            let pseudo = texts(&parse_clean(&pseudo_ftl(&source, kind), &name));
            assert_eq!(english.len(), pseudo.len());
            for ((id, before), (same_id, after)) in english.iter().zip(&pseudo) {
                assert_eq!(id, same_id);
                assert_eq!(markup(before), markup(after), "{name} {id}");
                assert_eq!(commands(before), commands(after), "{name} {id}");
                tags_seen += markup(before).len();
            }
        }
    }
    assert!(tags_seen > 20, "the shipped texts do use markup");
}

/// A bundle of the pseudo-locale built from the English folder.
fn bundle(kind: PseudoKind) -> (FluentBundle<FluentResource>, Vec<String>) {
    let tag = pseudo_tag(kind).parse().unwrap();
    let mut bundle = FluentBundle::new(vec![tag]);
    bundle.set_use_isolating(false);
    let mut ids = Vec::new();
    for (_, text) in pseudo_locale_files(&root().join("locales/en"), kind).unwrap() {
        let resource = FluentResource::try_new(text).expect("parses at run time");
        for entry in resource.entries() {
            if let Entry::Message(message) = entry {
                ids.push(message.id.name.to_owned());
            }
        }
        bundle.add_resource(resource).expect("no duplicate ids");
    }
    (bundle, ids)
}

fn english_bundle() -> FluentBundle<FluentResource> {
    let mut bundle = FluentBundle::new(vec!["en".parse().unwrap()]);
    bundle.set_use_isolating(false);
    for (_, source) in english_files() {
        bundle
            .add_resource(FluentResource::try_new(source).unwrap())
            .unwrap();
    }
    bundle
}

/// Arguments for every variable the shipped texts use; text arguments are
/// empty so that lengths measure the message's own text.
fn args() -> FluentArgs<'static> {
    let mut args = FluentArgs::new();
    for name in ["name", "reviewer", "date", "reference", "opens", "zone"] {
        args.set(name, FluentValue::from(""));
    }
    // The coordinators' texts (coordinators.ftl).
    for name in [
        "language",
        "tag",
        "hours",
        "minutes",
        "error",
        "time",
        "text",
        "translation",
        "references",
        "change",
        "command",
        "team",
        "to",
        "waited",
        "title",
        "holder",
        "urgent",
        "link",
        "replies",
        "reply",
        "given",
        "file",
        // `/stats` and the weekly summary.
        "zone",
        "label",
        "median",
        "p90",
        "average",
        "counts",
        "from",
    ] {
        args.set(name, FluentValue::from(""));
    }
    for name in [
        "waiting",
        "assigned",
        "page",
        "pages",
        "seconds",
        "opened",
        "closed",
        "reminders",
        "second",
    ] {
        args.set(name, FluentValue::from(3));
    }
    for name in ["count", "min", "max", "stars", "days"] {
        args.set(name, FluentValue::from(3));
    }
    args
}

fn format(bundle: &FluentBundle<FluentResource>, id: &str) -> String {
    let message = bundle.get_message(id).unwrap();
    let mut errors = Vec::new();
    let mut text = String::new();
    let args = args();
    if let Some(value) = message.value() {
        text.push_str(&bundle.format_pattern(value, Some(&args), &mut errors));
    }
    for attribute in message.attributes() {
        text.push('\n');
        text.push_str(&bundle.format_pattern(attribute.value(), Some(&args), &mut errors));
    }
    assert!(errors.is_empty(), "{id}: {errors:?}");
    text
}

#[test]
fn every_message_renders_through_fluent_bundle() {
    let english = english_bundle();
    for kind in PseudoKind::ALL {
        let (bundle, ids) = bundle(kind);
        assert!(ids.len() > 100, "all messages are there");
        for id in &ids {
            assert!(english.has_message(id), "{id} is an English message");
            let text = format(&bundle, id);
            assert!(!text.contains(['{', '}']), "{id}: {text}");
            match kind {
                PseudoKind::Accented => assert!(text.contains('['), "{id}: {text}"),
                PseudoKind::RightToLeft => {
                    if format(&english, id).chars().any(char::is_alphanumeric) {
                        assert!(text.contains('\u{202E}'), "{id}: {text}");
                    }
                }
            }
        }
    }
}

#[test]
fn accented_texts_are_at_least_thirty_percent_longer() {
    let english = english_bundle();
    let (pseudo, ids) = bundle(PseudoKind::Accented);
    let (mut total_before, mut total_after) = (0, 0);
    for id in &ids {
        let before = telegram_len(&format(&english, id));
        let after = telegram_len(&format(&pseudo, id));
        assert!(
            after * 10 >= before * 13,
            "{id}: {before} → {after} characters"
        );
        total_before += before;
        total_after += after;
    }
    let growth = (total_after * 100 / total_before).saturating_sub(100);
    assert!((30..=50).contains(&growth), "grew by {growth}%");
}

#[test]
fn no_ascii_letter_is_left_outside_markup_in_en_xa() {
    let (pseudo, ids) = bundle(PseudoKind::Accented);
    for id in &ids {
        let text = format(&pseudo, id);
        let visible = patient_navigator::text::visible_text(&text);
        for word in visible.split_whitespace() {
            let code = word.starts_with('/') || word.starts_with("http");
            assert!(
                code || !word.chars().any(|c| c.is_ascii_alphabetic()),
                "{id}: untranslated “{word}” in {text}"
            );
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target: PathBuf = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn the_pseudo_locales_load_beside_the_real_ones() {
    let dir = tempfile::tempdir().unwrap();
    let locales = dir.path().join("locales");
    copy_dir(&root().join("locales"), &locales);
    for kind in PseudoKind::ALL {
        let folder = write_pseudo_locale(&locales, kind).unwrap();
        assert!(folder.ends_with(pseudo_tag(kind)));
    }
    let content = Content::load(&locales, &root().join("dialogues"))
        .unwrap_or_else(|problems| panic!("{problems}"));
    let catalog = &content.catalog;
    let xa = catalog.negotiate(Some("en-XA"));
    assert_eq!(xa.tag(), "en-XA");
    assert_eq!(catalog.negotiate(Some("ar-XB")).tag(), "ar-XB");
    assert_eq!(catalog.negotiate(Some("en")).tag(), "en");
    let home = catalog.format(&xa, "home-text", &[]);
    assert!(home.starts_with("[<b>Ṁååîîñ ɱééñûû</b>"), "{home}");
}
