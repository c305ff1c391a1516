//! The review book as data: every screen of every tree, every question of
//! the form with its choices and error texts, the conversation around a
//! case, then every other message file by file, each rendered by the bot's
//! own engines in English and in one locale, with the source paragraphs a
//! screen says and the staleness of each message it shows.

use std::collections::{BTreeMap, BTreeSet};

use crate::check::{Bookkeeping, LocaleReview, Staleness};
use crate::content::Content;
use crate::dialogue::callback::{Action, CallbackData};
use crate::dialogue::engine::{self, CaseOrigin, notices};
use crate::dialogue::sources::SourceText;
use crate::dialogue::{Input, Patient, PatientCommand, Screen, Session, Target};
use crate::frame;
use crate::i18n::{Arg, Locale};
use crate::intake::engine::{Draft, IntakeContext, IntakeInput, MAX_FILE_BYTES, Position};
use crate::intake::form::{Field, Kind, Role};
use crate::intake::values::{MonthYear, ValueError};
use crate::intake::{CaseRef, FormState, step};
use crate::reply::{Keyboard, Reply};
use crate::text::visible_text;

/// The sample patient of the book: a first name, a case number, a time.
pub const SAMPLE_NAME: &str = "Maria";
pub const SAMPLE_CASE: i64 = 123;
/// When the sample out-of-hours note says the team is back.
const SAMPLE_OPENS: &str = "2026-12-07T09:00:00[Europe/Madrid]";
/// 2026-12-06 12:00 UTC: "now" for the engines (the form's month checks).
const SAMPLE_NOW: i64 = 1_796_558_400;

/// One message as the patient's phone shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bubble {
    /// Telegram HTML.
    pub html: String,
    /// Inline buttons, row by row (labels are plain text).
    pub rows: Vec<Vec<String>>,
    /// The keyboard under the input field (share the phone number).
    pub reply_keyboard: Vec<String>,
    /// When this one is shown, if the entry shows several (in English).
    pub caption: Option<String>,
}

impl Bubble {
    fn of(reply: &Reply) -> Bubble {
        let (rows, reply_keyboard) = match &reply.keyboard {
            Keyboard::Inline(rows) => (
                rows.iter()
                    .map(|row| row.iter().map(|button| button.label.clone()).collect())
                    .collect(),
                Vec::new(),
            ),
            Keyboard::RequestContact { label, back_label } => (
                Vec::new(),
                std::iter::once(label.clone())
                    .chain(back_label.clone())
                    .collect(),
            ),
            Keyboard::None | Keyboard::Remove => (Vec::new(), Vec::new()),
        };
        Bubble {
            html: reply.html.clone(),
            rows,
            reply_keyboard,
            caption: None,
        }
    }

    fn text(html: String) -> Bubble {
        Bubble {
            html,
            rows: Vec::new(),
            reply_keyboard: Vec::new(),
            caption: None,
        }
    }

    fn captioned(mut self, caption: String) -> Bubble {
        self.caption = Some(caption);
        self
    }
}

/// One thing to review: a screen, a question, an error text, a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Unique on its page (an HTML anchor): `screen-glance`.
    pub anchor: String,
    pub title: String,
    /// When the patient sees it, in a few words.
    pub note: String,
    pub english: Vec<Bubble>,
    pub translated: Vec<Bubble>,
    /// The source paragraphs the screen says (content screens).
    pub source: Vec<String>,
    /// Each message it shows and where its translation stands.
    pub marks: Vec<(String, Staleness)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub anchor: String,
    pub title: String,
    pub entries: Vec<Entry>,
}

/// One locale's pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocaleBook {
    pub tag: String,
    /// The language's name in itself ("العربية").
    pub name: String,
    pub right_to_left: bool,
    pub review: Option<LocaleReview>,
    pub sections: Vec<Section>,
    /// How many messages are in each state.
    pub counts: BTreeMap<Staleness, usize>,
}

impl LocaleBook {
    pub fn is_reference(&self) -> bool {
        self.tag == crate::i18n::REFERENCE_LOCALE
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Book {
    /// English first.
    pub locales: Vec<LocaleBook>,
}

/// What the book is made of besides the content: the translators'
/// bookkeeping (sign-offs, staleness, English files) and the source texts.
pub struct Inputs<'a> {
    pub content: &'a Content,
    pub bookkeeping: &'a Bookkeeping,
    /// Each tree's source text, by path as the tree names it.
    pub sources: &'a BTreeMap<std::path::PathBuf, SourceText>,
}

/// Builds the whole book. Pure.
pub fn build(inputs: &Inputs) -> Book {
    let catalog = &inputs.content.catalog;
    let english = catalog.reference().clone();
    let plain = sections(inputs, &english);
    let locales = catalog
        .locales()
        .iter()
        .map(|locale| {
            let tag = locale.tag();
            let translated = if *locale == english {
                plain.clone()
            } else {
                sections(inputs, locale)
            };
            let sections: Vec<Section> = plain
                .iter()
                .zip(translated)
                .map(|(english, translated)| pair(english, translated, inputs, &tag))
                .collect();
            let mut counts = BTreeMap::new();
            let ids: BTreeSet<&String> = inputs
                .bookkeeping
                .english_files
                .iter()
                .flat_map(|(_, ids)| ids)
                .collect();
            for id in ids {
                *counts
                    .entry(inputs.bookkeeping.staleness(&tag, id))
                    .or_insert(0) += 1;
            }
            LocaleBook {
                name: catalog.format(locale, "language-name", &[]),
                right_to_left: locale.is_right_to_left(),
                review: inputs.bookkeeping.review_of(&tag).cloned(),
                tag,
                sections,
                counts,
            }
        })
        .collect();
    Book { locales }
}

/// One locale's rendering of a section, before pairing with English.
#[derive(Clone)]
struct Part {
    anchor: String,
    title: String,
    entries: Vec<(Entry, Vec<String>)>,
}

fn pair(english: &Part, translated: Part, inputs: &Inputs, tag: &str) -> Section {
    let entries = english
        .entries
        .iter()
        .zip(translated.entries)
        .map(|((english, ids), (translated, _))| Entry {
            english: english.english.clone(),
            translated: translated.english,
            marks: ids
                .iter()
                .map(|id| (id.clone(), inputs.bookkeeping.staleness(tag, id)))
                .collect(),
            ..english.clone()
        })
        .collect();
    Section {
        anchor: english.anchor.clone(),
        title: english.title.clone(),
        entries,
    }
}

fn entry(anchor: String, title: String, note: &str, bubbles: Vec<Bubble>) -> Entry {
    Entry {
        anchor,
        title,
        note: note.to_owned(),
        english: bubbles,
        translated: Vec::new(),
        source: Vec::new(),
        marks: Vec::new(),
    }
}

/// Every section in one locale (bubbles in `english`, message ids beside).
fn sections(inputs: &Inputs, locale: &Locale) -> Vec<Part> {
    let mut drafts = trees(inputs, locale);
    drafts.push(form(inputs, locale));
    drafts.push(conversation(inputs, locale));
    let shown: BTreeSet<String> = drafts
        .iter()
        .flat_map(|draft| {
            draft
                .entries
                .iter()
                .flat_map(|(_, ids)| ids.iter().cloned())
        })
        .collect();
    drafts.extend(other_texts(inputs, locale, &shown));
    drafts
}

fn session(locale: &Locale, node: &str) -> Session {
    Session {
        locale: locale.tag(),
        locale_chosen: true,
        node: node.to_owned(),
        intake: FormState::NoDraft,
        case: None,
    }
}

fn patient() -> Patient<'static> {
    Patient {
        first_name: Some(SAMPLE_NAME),
        language_code: None,
        now: SAMPLE_NOW,
        retention_days: 90,
    }
}

/// The replies of one press or command, as the engine gives them.
fn answer(content: &Content, locale: &Locale, at: &str, input: Input) -> Vec<Bubble> {
    engine::handle(content, Some(session(locale, at)), patient(), input)
        .replies
        .iter()
        .map(Bubble::of)
        .collect()
}

fn press(data: CallbackData) -> Input {
    Input::Callback {
        data: data.encode(),
        message_id: 1,
    }
}

/// Every screen of every tree, a section per tree, in file order.
fn trees(inputs: &Inputs, locale: &Locale) -> Vec<Part> {
    let content = inputs.content;
    let root = content.trees.root().id.clone();
    let mut drafts: Vec<Part> = Vec::new();
    for node in content.trees.nodes() {
        let bubbles = answer(
            content,
            locale,
            &root,
            press(CallbackData::Goto(node.id.clone())),
        );
        let mut ids: Vec<String> = node.message_keys().map(str::to_owned).collect();
        if node.screen == Screen::Content {
            ids.push(frame::Line::NotAdvice.message_id().to_owned());
        }
        if node.nav {
            ids.extend(["nav-back", "nav-home", "nav-person"].map(str::to_owned));
        }
        for button in &node.buttons {
            if let Target::Action(Action::Intake) = button.target {
                ids.push("menu-intake-continue".to_owned());
            }
        }
        let title = visible_text(&content.catalog.format(
            content.catalog.reference(),
            &node.text,
            &[],
        ))
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
        let mut screen = entry(
            format!("screen-{}", node.id),
            format!("{} · {title}", node.id),
            if node.screen == Screen::Menu {
                "the main menu"
            } else {
                "a screen of the tree"
            },
            bubbles,
        );
        if let Some(source) = &node.source
            && let Some(text) = inputs.sources.get(&source.file)
        {
            screen.source = text
                .paragraphs_of(&source.quotes)
                .into_iter()
                .map(|(_, paragraph)| paragraph.to_owned())
                .collect();
        }
        let section = match drafts.last_mut() {
            Some(last) if last.anchor == format!("tree-{}", node.tree) => last,
            _ => {
                drafts.push(Part {
                    anchor: format!("tree-{}", node.tree),
                    title: format!("Tree “{}”", node.tree),
                    entries: Vec::new(),
                });
                drafts.last_mut().expect("just pushed")
            }
        };
        section.entries.push((screen, dedup(ids)));
    }
    drafts
}

/// Every question of the form as asked, its stop message, and the texts
/// shown when an answer cannot be used.
fn form(inputs: &Inputs, locale: &Locale) -> Part {
    let content = inputs.content;
    let catalog = &content.catalog;
    let ctx = IntakeContext {
        form: &content.form,
        catalog,
        locale,
        now: SAMPLE_NOW,
        today: MonthYear {
            year: 2026,
            month: 12,
        },
    };
    let mut entries = Vec::new();
    for field in &content.form.fields {
        let draft = Draft {
            answers: BTreeMap::new(),
            position: Position::Question(field.id.clone()),
            history: Vec::new(),
            selection: Vec::new(),
            files: Vec::new(),
        };
        let asked = step(&ctx, Some(draft), IntakeInput::Open);
        let mut bubbles: Vec<Bubble> = asked.replies.iter().map(Bubble::of).collect();
        let mut ids = vec![field.prompt.clone()];
        ids.extend(field.choices().into_iter().map(|choice| choice.label));
        ids.extend(field_buttons(field).into_iter().map(str::to_owned));
        match field.role() {
            Role::Screen => ids.push(frame::Line::Emergency.message_id().to_owned()),
            Role::Consent => ids.push(frame::Line::NoGuarantee.message_id().to_owned()),
            Role::Question if field.no_guarantee => {
                ids.push(frame::Line::NoGuarantee.message_id().to_owned())
            }
            Role::Question => {}
        }
        if let Some(stop) = &field.stop_when {
            let answers: Vec<String> = stop
                .any_of
                .iter()
                .map(|value| {
                    let label = field
                        .choices()
                        .into_iter()
                        .find(|choice| choice.value == *value)
                        .map_or_else(|| value.clone(), |choice| choice.label);
                    visible_text(&catalog.format(catalog.reference(), &label, &[]))
                })
                .collect();
            bubbles.push(
                Bubble::text(catalog.format(locale, &stop.message, &[])).captioned(format!(
                    "after “{}”: the form stops here",
                    answers.join("” or “")
                )),
            );
            ids.push(stop.message.clone());
        }
        if matches!(field.kind, Kind::Consent) {
            bubbles.push(
                Bubble::text(catalog.format(locale, "intake-consent-declined", &[]))
                    .captioned("after “no”: nothing is kept".to_owned()),
            );
            ids.push("intake-consent-declined".to_owned());
        }
        let label = catalog.format_attribute(catalog.reference(), &field.prompt, "label");
        entries.push((
            entry(
                format!("question-{}", field.id),
                format!("{} · {label}", field.id),
                &question_note(field),
                bubbles,
            ),
            dedup(ids),
        ));
        let errors = error_texts(field);
        if !errors.is_empty() {
            let bubbles = errors
                .iter()
                .map(|(id, args)| {
                    let args: Vec<(&str, Arg)> = args
                        .iter()
                        .map(|(name, value)| (*name, Arg::Number(*value)))
                        .collect();
                    Bubble::text(catalog.format(locale, id, &args))
                })
                .collect();
            entries.push((
                entry(
                    format!("errors-{}", field.id),
                    format!("{} · when an answer cannot be used", field.id),
                    "said before the question is asked again",
                    bubbles,
                ),
                errors.iter().map(|(id, _)| (*id).to_owned()).collect(),
            ));
        }
    }
    Part {
        anchor: "form".to_owned(),
        title: "The case form".to_owned(),
        entries,
    }
}

fn question_note(field: &Field) -> String {
    let mut note = match field.role() {
        Role::Screen => "asked first, before the consent; the answer is not stored".to_owned(),
        Role::Consent => "nothing is stored before it is agreed to".to_owned(),
        Role::Question => "a question of the form".to_owned(),
    };
    if let Some(when) = &field.when {
        note.push_str(&format!(
            "; asked only when “{}” is {}",
            when.field,
            when.any_of.join(" or ")
        ));
    }
    if !field.required {
        note.push_str("; may be skipped");
    }
    note
}

/// Buttons the form's engine adds to a question of this kind.
fn field_buttons(field: &Field) -> Vec<&'static str> {
    let mut ids = match field.kind {
        Kind::Consent => vec!["intake-consent-agree", "intake-consent-decline"],
        Kind::Multi(_) | Kind::Files { .. } => vec!["intake-done"],
        Kind::Phone => vec!["intake-phone-share"],
        Kind::Language => vec!["language-name"],
        _ => Vec::new(),
    };
    if field.role() == Role::Question {
        ids.push("intake-back");
    }
    if !field.required {
        ids.push("intake-skip");
    }
    ids
}

/// The error texts a question of this kind can show, with their values.
fn error_texts(field: &Field) -> Vec<(&'static str, Vec<(&'static str, i64)>)> {
    let value = |error: ValueError| error.message();
    let megabytes = i64::try_from(MAX_FILE_BYTES / (1024 * 1024)).unwrap_or(i64::MAX);
    match &field.kind {
        Kind::Text { min, max } => vec![
            ("intake-error-expected-text", Vec::new()),
            value(ValueError::TooShort { min: *min }),
            value(ValueError::TooLong { max: *max }),
        ],
        Kind::Integer { min, max } => vec![
            value(ValueError::NotANumber),
            value(ValueError::OutOfRange {
                min: *min,
                max: *max,
            }),
        ],
        Kind::MonthYear { not_future } => {
            let mut errors = vec![value(ValueError::NotAMonthYear)];
            if *not_future {
                errors.push(value(ValueError::InTheFuture));
            }
            errors
        }
        Kind::Phone => vec![value(ValueError::NotAPhone)],
        Kind::Country { .. } => vec![("intake-error-country", Vec::new())],
        Kind::Files { max } => vec![
            ("intake-error-expected-file", Vec::new()),
            ("intake-error-file-type", Vec::new()),
            ("intake-error-file-too-large", vec![("max", megabytes)]),
            (
                "intake-error-too-many-files",
                vec![("max", i64::try_from(*max).unwrap_or(i64::MAX))],
            ),
        ],
        Kind::Multi(_) => vec![
            ("intake-error-choose-one", Vec::new()),
            ("intake-error-expected-button", Vec::new()),
        ],
        Kind::Choice(_) | Kind::YesNoUnsure | Kind::Consent | Kind::Language => {
            vec![("intake-error-expected-button", Vec::new())]
        }
    }
}

/// The conversation around the trees and the form: the welcome, "talk to
/// a person" and what follows a case's opening, as the engine says them.
fn conversation(inputs: &Inputs, locale: &Locale) -> Part {
    let content = inputs.content;
    let root = content.trees.root().id.clone();
    let command = |command: PatientCommand| Input::Command {
        command: Some(command),
        payload: None,
    };
    let person_session = session(locale, &root);
    let opens: jiff::Zoned = SAMPLE_OPENS.parse().unwrap_or_else(|_| jiff::Zoned::now());
    let tag = locale.tag();
    let mut entries = vec![
        (
            "start",
            "/start · the welcome",
            "the first message",
            answer(content, locale, &root, command(PatientCommand::Start)),
            vec!["welcome", "not-medical-advice"],
        ),
        (
            "help",
            "/help",
            "the help command",
            answer(content, locale, &root, command(PatientCommand::Help)),
            vec!["help-text"],
        ),
        (
            "privacy",
            "/privacy",
            "the privacy command",
            answer(content, locale, &root, command(PatientCommand::Privacy)),
            vec!["privacy-text"],
        ),
        (
            "language",
            "Language",
            "the language button",
            answer(
                content,
                locale,
                &root,
                press(CallbackData::Action(Action::Language)),
            ),
            vec!["language-prompt", "language-name"],
        ),
        (
            "person",
            "Talk to a person",
            "the emergency question before a case opens",
            answer(
                content,
                locale,
                &root,
                press(CallbackData::Action(Action::Person)),
            ),
            vec!["emergency-line", "intake-emergency"],
        ),
        (
            "opened",
            "A case opens",
            "after “talk to a person”",
            vec![Bubble::of(&engine::confirm_case(
                content,
                &person_session,
                CaseRef(SAMPLE_CASE),
                CaseOrigin::Person,
            ))],
            vec!["handoff-opened", "no-guarantee"],
        ),
        (
            "off-hours",
            "Out of hours",
            "when nobody is at work",
            vec![Bubble::of(&notices::off_hours(content, &tag, &opens))],
            vec!["emergency-line", "handoff-off-hours"],
        ),
        (
            "joined",
            "A coordinator joins",
            "when a coordinator takes the case",
            vec![Bubble::of(&notices::coordinator_joined(content, &tag))],
            vec!["handoff-coordinator-joined"],
        ),
        (
            "closed",
            "The case closes",
            "with the rating question",
            vec![Bubble::of(&notices::closed(
                content,
                &tag,
                CaseRef(SAMPLE_CASE),
            ))],
            vec!["handoff-closed"],
        ),
        (
            "not-delivered",
            "A message not delivered",
            "when a coordinator's message cannot reach the patient",
            vec![Bubble::of(&notices::not_delivered(content, &tag))],
            vec!["handoff-not-delivered"],
        ),
    ];
    Part {
        anchor: "conversation".to_owned(),
        title: "Around the trees: welcome, a person, a case".to_owned(),
        entries: entries
            .drain(..)
            .map(|(anchor, title, note, bubbles, ids)| {
                (
                    entry(format!("talk-{anchor}"), title.to_owned(), note, bubbles),
                    ids.into_iter().map(str::to_owned).collect(),
                )
            })
            .collect(),
    }
}

/// Readable values for the variables of messages shown on their own.
fn sample_args(locale: &Locale) -> Vec<(&'static str, String, bool)> {
    let opens: jiff::Zoned = SAMPLE_OPENS.parse().unwrap_or_else(|_| jiff::Zoned::now());
    let tag = locale.tag();
    vec![
        ("name", SAMPLE_NAME.to_owned(), false),
        ("reference", CaseRef(SAMPLE_CASE).to_string(), false),
        ("date", crate::dates::day(&tag, "2026-04-16"), false),
        ("opens", crate::dates::day_and_time(&tag, &opens), false),
        ("count", "3".to_owned(), true),
        ("days", "30".to_owned(), true),
        ("min", "2".to_owned(), true),
        ("max", "100".to_owned(), true),
    ]
}

/// Every English message no section above shows, file by file (a new file
/// appears here by itself), as the bot formats it on its own.
fn other_texts(inputs: &Inputs, locale: &Locale, shown: &BTreeSet<String>) -> Vec<Part> {
    let catalog = &inputs.content.catalog;
    let samples = sample_args(locale);
    let reviewer = catalog.format(locale, "resistance-reviewer", &[]);
    let args: Vec<(&str, Arg)> = samples
        .iter()
        .map(|(name, value, number)| {
            let arg = if *number {
                Arg::Number(value.parse().unwrap_or_default())
            } else {
                Arg::Text(value)
            };
            (*name, arg)
        })
        .chain([("reviewer", Arg::Html(&reviewer))])
        .collect();
    inputs
        .bookkeeping
        .english_files
        .iter()
        .filter_map(|(file, ids)| {
            let entries: Vec<(Entry, Vec<String>)> = ids
                .iter()
                .filter(|id| !shown.contains(*id))
                .map(|id| {
                    (
                        entry(
                            format!("text-{id}"),
                            id.clone(),
                            &format!("{file}, shown on its own or inside another text"),
                            vec![Bubble::text(catalog.format(locale, id, &args))],
                        ),
                        vec![id.clone()],
                    )
                })
                .collect();
            (!entries.is_empty()).then(|| Part {
                anchor: format!("file-{}", file.trim_end_matches(".ftl")),
                title: format!("Other texts of {file}"),
                entries,
            })
        })
        .collect()
}

fn dedup(ids: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    ids.into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn shipped() -> (
        Content,
        Bookkeeping,
        BTreeMap<std::path::PathBuf, SourceText>,
    ) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let content = Content::load(&root.join("locales"), &root.join("dialogues")).unwrap();
        let bookkeeping = Bookkeeping::read(&root.join("locales"));
        let mut sources = BTreeMap::new();
        for node in content.trees.nodes() {
            if let Some(source) = &node.source {
                let text = SourceText::read(&source.file).unwrap();
                sources.insert(source.file.clone(), text);
            }
        }
        (content, bookkeeping, sources)
    }

    fn book() -> (Content, Book) {
        let (content, bookkeeping, sources) = shipped();
        let book = build(&Inputs {
            content: &content,
            bookkeeping: &bookkeeping,
            sources: &sources,
        });
        (content, book)
    }

    fn entries(locale: &LocaleBook) -> impl Iterator<Item = &Entry> {
        locale.sections.iter().flat_map(|section| &section.entries)
    }

    #[test]
    fn every_screen_of_every_tree_in_every_locale_as_the_engine_shows_it() {
        let (content, book) = book();
        assert_eq!(book.locales.len(), content.catalog.locales().len());
        for locale in &book.locales {
            let catalog_locale = content.catalog.find(&locale.tag).unwrap();
            let footer = content
                .catalog
                .format(catalog_locale, "not-medical-advice", &[]);
            for node in content.trees.nodes() {
                let anchor = format!("screen-{}", node.id);
                let screen = entries(locale)
                    .find(|entry| entry.anchor == anchor)
                    .unwrap_or_else(|| panic!("{}: no {anchor}", locale.tag));
                let bubble = &screen.translated[0];
                assert_eq!(
                    bubble.html,
                    node.body_html(&content.catalog, catalog_locale),
                    "{}: {anchor}",
                    locale.tag
                );
                assert_eq!(
                    node.screen == Screen::Content,
                    bubble.html.ends_with(&footer),
                    "{}: {anchor}",
                    locale.tag
                );
                // The buttons of the node, then the navigation rows.
                let labels: Vec<&String> = bubble.rows.iter().flatten().collect();
                assert!(labels.len() >= node.buttons.len(), "{anchor}");
                assert_eq!(screen.english.len(), screen.translated.len());
            }
        }
    }

    #[test]
    fn every_english_message_is_shown_somewhere_with_its_staleness() {
        let (_, book) = book();
        let (_, bookkeeping, _) = shipped();
        for locale in &book.locales {
            let marked: BTreeSet<&str> = entries(locale)
                .flat_map(|entry| entry.marks.iter().map(|(id, _)| id.as_str()))
                .collect();
            for (file, ids) in &bookkeeping.english_files {
                for id in ids {
                    assert!(
                        marked.contains(id.as_str()),
                        "{}: {file} {id} is not in the book",
                        locale.tag
                    );
                }
            }
            let reference = locale.is_reference();
            assert!(entries(locale).all(|entry| {
                entry
                    .marks
                    .iter()
                    .all(|(_, state)| (*state == Staleness::Reference) == reference)
            }));
        }
    }

    #[test]
    fn arabic_reads_right_to_left_and_screens_show_their_source() {
        let (_, book) = book();
        let arabic = book.locales.iter().find(|l| l.tag == "ar").unwrap();
        assert!(arabic.right_to_left);
        assert!(!book.locales[0].right_to_left);
        let on_target = entries(arabic)
            .find(|entry| entry.anchor == "screen-on-target")
            .unwrap();
        assert_eq!(on_target.source.len(), 2, "{:?}", on_target.source);
        assert!(on_target.source[0].ends_with("On-Target Resistance Mutations"));
        assert!(on_target.source[1].starts_with("A new mutation in the same gene"));
        assert_ne!(on_target.english, on_target.translated);
        // The form: the emergency question first, with its advice, and the
        // error texts of a number question with its bounds.
        let emergency = entries(arabic)
            .find(|entry| entry.anchor == "question-emergency")
            .unwrap();
        assert_eq!(emergency.translated.len(), 2, "the question and its advice");
        let age = entries(arabic)
            .find(|entry| entry.anchor == "errors-age")
            .unwrap();
        assert!(
            age.translated
                .iter()
                .any(|bubble| bubble.html.contains("120"))
        );
    }
}
