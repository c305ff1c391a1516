//! The intake engine: (draft, input) -> (the form's new state, replies, event).
//!
//! The next question is always the first applicable question without an
//! answer, so going back, editing from the review screen and conditions that
//! change all follow one rule; answers to questions that stopped applying
//! are kept in the draft but left out of the review and the submission.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::frame;
use crate::i18n::{Arg, Catalog, Locale};
use crate::reply::{Button, Keyboard, Placement, Reply};
use crate::text::escape_html;

use super::button::{FormButton, QuestionButton};
use super::countries::{self, Search};
use super::form::{Field, Form, Kind, Role};
use super::values::{self, MonthYear, Phone, ValueError};

/// Largest document accepted (Telegram lets bots download up to 20 MB).
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// One stored answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Answer {
    Consent { version: String, at: i64 },
    Choice(String),
    Multi(Vec<String>),
    Text(String),
    Integer(i64),
    MonthYear(MonthYear),
    Phone(Phone),
    Country(String),
    Files(Vec<Document>),
    Language(String),
    Skipped,
}

/// A report or scan the patient sent, kept as Telegram's file id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub file_id: String,
    pub kind: DocumentKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    Photo,
    Pdf,
    Image,
}

/// Where the patient is in the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "at", content = "question", rename_all = "snake_case")]
pub enum Position {
    Question(String),
    Review,
}

/// A form in progress, saved after every answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub answers: BTreeMap<String, Answer>,
    pub position: Position,
    /// Questions shown before this one, for "previous question".
    #[serde(default)]
    pub history: Vec<String>,
    /// Options ticked so far on the current multiple-choice question.
    #[serde(default)]
    pub selection: Vec<String>,
    /// Documents received so far on the current files question.
    #[serde(default)]
    pub files: Vec<Document>,
}

/// Where a patient is with the form. Typed messages go to the form only
/// while `Filling`, and there is always a draft then: "filling without a
/// draft" cannot be built.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum FormState {
    /// No answers kept: never opened, or ended (submitted, declined,
    /// erased).
    #[default]
    NoDraft,
    /// Answers kept for later; the menu offers to continue.
    Paused(Draft),
    /// The patient is answering: typed messages are answers.
    Filling(Draft),
}

impl FormState {
    /// A kept draft and whether the patient was answering it; answering
    /// without a draft is no form at all.
    pub fn from_parts(draft: Option<Draft>, filling: bool) -> FormState {
        match draft {
            Some(draft) if filling => FormState::Filling(draft),
            Some(draft) => FormState::Paused(draft),
            None => FormState::NoDraft,
        }
    }

    /// The answers kept so far, paused or not.
    pub fn draft(&self) -> Option<&Draft> {
        match self {
            FormState::NoDraft => None,
            FormState::Paused(draft) | FormState::Filling(draft) => Some(draft),
        }
    }

    pub fn draft_mut(&mut self) -> Option<&mut Draft> {
        match self {
            FormState::NoDraft => None,
            FormState::Paused(draft) | FormState::Filling(draft) => Some(draft),
        }
    }

    /// Whether typed messages are answers right now.
    pub fn is_filling(&self) -> bool {
        matches!(self, FormState::Filling(_))
    }

    /// Leaves the form, keeping its answers for later.
    pub fn pause(&mut self) {
        *self = match std::mem::take(self) {
            FormState::Filling(draft) => FormState::Paused(draft),
            kept => kept,
        };
    }

    /// Ends the form, handing back its answers.
    pub fn take(&mut self) -> Option<Draft> {
        match std::mem::take(self) {
            FormState::NoDraft => None,
            FormState::Paused(draft) | FormState::Filling(draft) => Some(draft),
        }
    }
}

/// What the patient did while the form is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntakeInput {
    /// Open the form (first time or to continue).
    Open,
    Text(String),
    /// A press on one of the form's buttons (`i:...`) on message `message_id`.
    Press {
        data: String,
        message_id: i32,
    },
    File(Document),
    /// A file of a kind the form does not take (a video, a .docx...).
    UnacceptedFile,
    Contact {
        phone: String,
    },
    /// A sticker, voice message, location... or an edit.
    Unsupported,
}

/// What happened that the rest of the bot must act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Consent refused: nothing is kept.
    Declined,
    /// The emergency screen stopped the form; the patient may come back.
    Stopped,
    /// The patient chose the language to be contacted in.
    LanguageChosen(String),
    /// The patient submitted: the shell creates the case.
    Submitted(Submission),
}

/// How the patient asked to be contacted (what the submission promises).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contact {
    /// Here in the chat (also when the form did not ask).
    Chat,
    /// By phone: the patient gave a number.
    Phone,
}

/// A completed form (or what is known), ready to become a case.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Submission {
    pub answers: BTreeMap<String, Answer>,
    pub consent_version: String,
    pub consent_at: i64,
    /// The answers for coordinators, in English, as Telegram HTML.
    pub summary: String,
    /// Plain English words naming the case (cancer type, driver, first name).
    pub title: String,
    /// Every document sent with the form.
    pub documents: Vec<Document>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeOutcome {
    /// The form after this input: `Filling` while the patient answers,
    /// `Paused` when they left it with answers kept (the caller shows the
    /// main menu), `NoDraft` once it is over (declined or submitted).
    pub form: FormState,
    pub replies: Vec<Reply>,
    pub event: Option<Event>,
    /// Short note for the pressed button's spinner, if any.
    pub notice: Option<String>,
}

/// Facts the engine needs from outside, passed in to keep it pure.
pub struct IntakeContext<'a> {
    pub form: &'a Form,
    pub catalog: &'a Catalog,
    pub locale: &'a Locale,
    pub now: i64,
    pub today: MonthYear,
}

/// The engine's one entry point.
pub fn step(ctx: &IntakeContext, draft: Option<Draft>, input: IntakeInput) -> IntakeOutcome {
    let draft = draft.unwrap_or_else(|| Draft {
        answers: BTreeMap::new(),
        position: Position::Question(ctx.form.fields[0].id.clone()),
        history: Vec::new(),
        selection: Vec::new(),
        files: Vec::new(),
    });
    let mut turn = Turn {
        ctx,
        form: FormState::Filling(draft),
        replies: Vec::new(),
        event: None,
        notice: None,
    };
    turn.handle(input);
    IntakeOutcome {
        form: turn.form,
        replies: turn.replies,
        event: turn.event,
        notice: turn.notice,
    }
}

impl Submission {
    /// A phone number among the answers means the patient asked to be
    /// called (the phone question is asked only then).
    pub fn contact(&self) -> Contact {
        if self
            .answers
            .values()
            .any(|answer| matches!(answer, Answer::Phone(_)))
        {
            Contact::Phone
        } else {
            Contact::Chat
        }
    }
}

/// The message after a successful submission, once the case has its
/// reference: what happens next as the patient chose it, and the frame's
/// "no guarantee" line.
pub fn submitted_reply(
    catalog: &Catalog,
    locale: &Locale,
    reference: &str,
    contact: Contact,
) -> Reply {
    let thanks = catalog.format(
        locale,
        "intake-submitted",
        &[("reference", Arg::Text(reference))],
    );
    let next = catalog.format(
        locale,
        match contact {
            Contact::Chat => "intake-submitted-chat",
            Contact::Phone => "intake-submitted-phone",
        },
        &[],
    );
    let html = frame::Line::NoGuarantee.after(catalog, locale, &format!("{thanks}\n\n{next}"));
    Reply::new(html, Keyboard::None, Placement::New)
}

/// What is known so far, for a case opened before the form is finished:
/// the answers if the consent was given, nothing otherwise.
pub fn partial_submission(ctx: &IntakeContext, draft: Option<&Draft>) -> Submission {
    draft
        .and_then(|draft| build_submission(ctx.form, ctx.catalog, &draft.answers))
        .unwrap_or_default()
}

/// The case made of a draft's applicable answers; `None` without consent.
fn build_submission(
    form: &Form,
    catalog: &Catalog,
    all: &BTreeMap<String, Answer>,
) -> Option<Submission> {
    let answers: BTreeMap<String, Answer> = all
        .iter()
        .filter(|(id, _)| {
            form.field(id)
                .is_some_and(|field| applies(form, field, all))
        })
        .map(|(id, answer)| (id.clone(), answer.clone()))
        .collect();
    let Some(Answer::Consent { version, at }) = answers.get(&form.consent().id).cloned() else {
        return None;
    };
    let english = catalog.reference();
    let summary = render_answers(form, catalog, english, &answers);
    let mut title_parts: Vec<(u8, String)> = form
        .fields
        .iter()
        .filter_map(|field| {
            let position = field.in_title?;
            match answers.get(&field.id)? {
                Answer::Skipped => None,
                answer => Some((
                    position,
                    crate::text::visible_text(&display_answer(catalog, english, field, answer)),
                )),
            }
        })
        .collect();
    title_parts.sort_by_key(|(position, _)| *position);
    let title = title_parts
        .into_iter()
        .map(|(_, part)| part)
        .collect::<Vec<_>>()
        .join(" · ");
    let documents = answers
        .values()
        .filter_map(|answer| match answer {
            Answer::Files(files) => Some(files.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    Some(Submission {
        answers,
        consent_version: version,
        consent_at: at,
        summary,
        title,
        documents,
    })
}

/// Whether a question is asked, given the answers so far (conditions chain:
/// a question whose condition's question was not asked is not asked either).
pub fn applies(form: &Form, field: &Field, answers: &BTreeMap<String, Answer>) -> bool {
    let Some(condition) = &field.when else {
        return true;
    };
    let Some(source) = form.field(&condition.field) else {
        return false;
    };
    if !applies(form, source, answers) {
        return false;
    }
    match answers.get(&condition.field) {
        Some(Answer::Choice(value)) => condition.any_of.contains(value),
        Some(Answer::Multi(values)) => values.iter().any(|v| condition.any_of.contains(v)),
        _ => false,
    }
}

/// The answers as "label: value" lines in a locale (HTML, values escaped).
pub fn render_answers(
    form: &Form,
    catalog: &Catalog,
    locale: &Locale,
    answers: &BTreeMap<String, Answer>,
) -> String {
    form.fields
        .iter()
        .filter(|field| field.role() == Role::Question)
        .filter(|field| applies(form, field, answers))
        .filter_map(|field| {
            let answer = answers.get(&field.id)?;
            let label = catalog.format_attribute(locale, &field.prompt, "label");
            Some(format!(
                "<b>{label}:</b> {}",
                display_answer(catalog, locale, field, answer)
            ))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One answer as the patient (or a coordinator) reads it, HTML-escaped.
pub fn display_answer(
    catalog: &Catalog,
    locale: &Locale,
    field: &Field,
    answer: &Answer,
) -> String {
    let choice_label = |value: &str| {
        field
            .choices()
            .into_iter()
            .find(|choice| choice.value == value)
            .map_or_else(
                || escape_html(value),
                |choice| catalog.format(locale, &choice.label, &[]),
            )
    };
    match answer {
        Answer::Consent { version, .. } => escape_html(version),
        Answer::Choice(value) => choice_label(value),
        Answer::Multi(chosen) => chosen
            .iter()
            .map(|v| choice_label(v))
            .collect::<Vec<_>>()
            .join(", "),
        Answer::Text(text) => escape_html(text),
        Answer::Integer(number) => number.to_string(),
        Answer::MonthYear(month) => month.to_string(),
        Answer::Phone(phone) => escape_html(phone.as_str()),
        Answer::Country(code) => countries::name(catalog, locale, code),
        Answer::Files(files) => catalog.format(
            locale,
            "intake-review-files",
            &[("count", Arg::Number(files.len() as i64))],
        ),
        Answer::Language(tag) => catalog.find(tag).map_or_else(
            || escape_html(tag),
            |l| catalog.format(l, "language-name", &[]),
        ),
        Answer::Skipped => catalog.format(locale, "intake-review-skipped", &[]),
    }
}

pub use super::button::PREFIX as CALLBACK_PREFIX;

/// The callback data of a button under the question `field`.
fn question_data(field: &str, press: QuestionButton) -> String {
    FormButton::question(field, press).encode()
}

struct Turn<'a> {
    ctx: &'a IntakeContext<'a>,
    form: FormState,
    replies: Vec<Reply>,
    event: Option<Event>,
    notice: Option<String>,
}

impl Turn<'_> {
    fn draft(&mut self) -> &mut Draft {
        self.form
            .draft_mut()
            .expect("the draft exists until the form ends")
    }

    fn text(&self, id: &str) -> String {
        self.ctx.catalog.format(self.ctx.locale, id, &[])
    }

    fn current_field(&self) -> Option<&'_ Field> {
        match &self.form.draft()?.position {
            Position::Question(id) => self.ctx.form.field(id),
            Position::Review => None,
        }
    }

    fn handle(&mut self, input: IntakeInput) {
        // A question removed by a form update: the answer was meant for it,
        // so ask the next question instead of taking the answer for that one.
        let form = self.ctx.form;
        if let Some(Position::Question(id)) = self.form.draft().map(|d| &d.position)
            && form.field(id).is_none()
        {
            return self.advance();
        }
        match input {
            IntakeInput::Open => self.show_current(Placement::New),
            IntakeInput::Press { data, message_id } => self.press(&data, message_id),
            other => match self.current_field().cloned() {
                Some(field) => self.typed(&field, other),
                None => self.fail("intake-error-expected-button", &[]),
            },
        }
    }

    fn typed(&mut self, field: &Field, input: IntakeInput) {
        match (&field.kind, input) {
            (Kind::Text { min, max }, IntakeInput::Text(text)) => {
                match values::parse_text(&text, *min, *max) {
                    Ok(text) => self.accept(field, Answer::Text(text)),
                    Err(err) => self.invalid(err),
                }
            }
            (Kind::Integer { min, max }, IntakeInput::Text(text)) => {
                match values::parse_integer(&text, *min, *max) {
                    Ok(number) => self.accept(field, Answer::Integer(number)),
                    Err(err) => self.invalid(err),
                }
            }
            (Kind::MonthYear { not_future }, IntakeInput::Text(text)) => {
                match MonthYear::parse(&text, self.ctx.today, *not_future) {
                    Ok(month) => self.accept(field, Answer::MonthYear(month)),
                    Err(err) => self.invalid(err),
                }
            }
            (Kind::Phone, IntakeInput::Text(text)) => {
                if text.trim() == self.text("intake-back") {
                    return self.back();
                }
                match Phone::parse_typed(&text) {
                    Ok(phone) => self.accept_phone(field, phone),
                    Err(err) => self.invalid(err),
                }
            }
            (Kind::Phone, IntakeInput::Contact { phone }) => {
                match Phone::from_shared_contact(&phone) {
                    Ok(phone) => self.accept_phone(field, phone),
                    Err(err) => self.invalid(err),
                }
            }
            (Kind::Country { .. }, IntakeInput::Text(text)) => self.search_country(field, &text),
            (Kind::Files { max }, IntakeInput::File(document)) => self.receive_file(*max, document),
            (Kind::Files { .. }, IntakeInput::UnacceptedFile) => {
                self.fail("intake-error-file-type", &[])
            }
            (Kind::Files { .. }, _) => self.fail("intake-error-expected-file", &[]),
            (Kind::Text { .. } | Kind::Integer { .. } | Kind::MonthYear { .. }, _) => {
                self.fail("intake-error-expected-text", &[])
            }
            _ => self.fail("intake-error-expected-button", &[]),
        }
    }

    fn press(&mut self, data: &str, message_id: i32) {
        let Some(button) = FormButton::decode(data) else {
            return self.stale();
        };
        let at_review = self.draft().position == Position::Review;
        let (field_id, press) = match button {
            FormButton::Submit if at_review => return self.submit(message_id),
            FormButton::Edit(field_id) if at_review => {
                let Some(field) = self.ctx.form.field(&field_id).cloned() else {
                    return self.stale();
                };
                self.draft().history.clear();
                return self.goto(&field, Placement::New);
            }
            FormButton::Submit | FormButton::Edit(_) => return self.stale(),
            FormButton::Question { field, press } => (field, press),
        };
        let Some(field) = self.current_field().filter(|f| f.id == field_id).cloned() else {
            return self.stale();
        };
        match press {
            QuestionButton::Back => self.back(),
            QuestionButton::Skip if !field.required => {
                self.close_question(message_id, &self.text("intake-review-skipped"));
                self.accept(&field, Answer::Skipped);
            }
            QuestionButton::Skip => self.stale(),
            QuestionButton::Choose(value) => self.choose(&field, &value, message_id),
            QuestionButton::Toggle(value) => self.toggle(&field, &value, message_id),
            QuestionButton::Done => self.done(&field, message_id),
        }
    }

    fn choose(&mut self, field: &Field, value: &str, message_id: i32) {
        let answer = match &field.kind {
            Kind::Consent => match value {
                "agree" => Answer::Consent {
                    version: self.ctx.form.consent_version.clone(),
                    at: self.ctx.now,
                },
                "decline" => return self.decline(message_id),
                _ => return self.stale(),
            },
            Kind::Choice(_) | Kind::YesNoUnsure
                if field.choices().iter().any(|c| c.value == value) =>
            {
                Answer::Choice(value.to_owned())
            }
            Kind::Country { .. } if countries::is_known(value) => Answer::Country(value.to_owned()),
            Kind::Language if self.ctx.catalog.find(value).is_some() => {
                self.event = Some(Event::LanguageChosen(value.to_owned()));
                Answer::Language(value.to_owned())
            }
            _ => return self.stale(),
        };
        let shown = match answer {
            Answer::Consent { .. } => self.text("intake-consent-agree"),
            _ => display_answer(self.ctx.catalog, self.ctx.locale, field, &answer),
        };
        self.close_question(message_id, &shown);
        if let Some(stop) = &field.stop_when
            && let Answer::Choice(value) = &answer
            && stop.any_of.contains(value)
        {
            return self.stop(&field.id, &stop.message);
        }
        if field.role() == Role::Screen {
            // Passed, not stored: nothing is kept before the consent, and the
            // next question is the first unanswered one after the screens.
            return self.advance();
        }
        self.accept(field, answer);
    }

    fn toggle(&mut self, field: &Field, value: &str, message_id: i32) {
        if !field.choices().iter().any(|choice| choice.value == value) {
            return self.stale();
        }
        let selection = &mut self.draft().selection;
        match selection.iter().position(|v| v == value) {
            Some(index) => {
                selection.remove(index);
            }
            None => selection.push(value.to_owned()),
        }
        self.ask(field, Placement::Replace(message_id), None);
    }

    fn done(&mut self, field: &Field, message_id: i32) {
        match field.kind {
            Kind::Multi(_) => {
                let selection = std::mem::take(&mut self.draft().selection);
                if selection.is_empty() {
                    return self.fail("intake-error-choose-one", &[]);
                }
                let ordered: Vec<String> = field
                    .choices()
                    .into_iter()
                    .map(|choice| choice.value)
                    .filter(|value| selection.contains(value))
                    .collect();
                let answer = Answer::Multi(ordered);
                let shown = display_answer(self.ctx.catalog, self.ctx.locale, field, &answer);
                self.close_question(message_id, &shown);
                self.accept(field, answer);
            }
            Kind::Files { .. } => {
                let files = std::mem::take(&mut self.draft().files);
                let answer = match (files.is_empty(), field.required) {
                    (true, true) => return self.fail("intake-error-expected-file", &[]),
                    (true, false) => Answer::Skipped,
                    (false, _) => Answer::Files(files),
                };
                self.accept(field, answer);
            }
            _ => self.stale(),
        }
    }

    fn receive_file(&mut self, max: usize, document: Document) {
        if document.size.is_some_and(|size| size > MAX_FILE_BYTES) {
            let megabytes = (MAX_FILE_BYTES / (1024 * 1024)) as i64;
            return self.fail("intake-error-file-too-large", &[("max", megabytes)]);
        }
        let received = self.draft().files.len();
        if received >= max {
            return self.fail("intake-error-too-many-files", &[("max", max as i64)]);
        }
        self.draft().files.push(document);
        let count = (received + 1) as i64;
        let html = self.ctx.catalog.format(
            self.ctx.locale,
            "intake-documents-received",
            &[("count", Arg::Number(count))],
        );
        let field = self
            .current_field()
            .cloned()
            .expect("a files question is open");
        let keyboard = self.question_keyboard(&field);
        self.replies
            .push(Reply::new(html, keyboard, Placement::New));
    }

    fn search_country(&mut self, field: &Field, typed: &str) {
        match countries::search(self.ctx.catalog, self.ctx.locale, typed) {
            Search::Exact(code) => self.accept(field, Answer::Country(code)),
            Search::Candidates(codes) if codes.is_empty() => self.fail("intake-error-country", &[]),
            Search::Candidates(codes) => {
                let mut rows = self.country_rows(field, &codes);
                rows.push(self.back_row(field));
                let html = self.text("intake-country-matches");
                self.replies
                    .push(Reply::new(html, Keyboard::Inline(rows), Placement::New));
            }
        }
    }

    fn accept_phone(&mut self, field: &Field, phone: Phone) {
        // Hide the share-contact keyboard now that it has done its job.
        let html = format!("✓ {}", escape_html(phone.as_str()));
        self.replies
            .push(Reply::new(html, Keyboard::Remove, Placement::New));
        self.accept(field, Answer::Phone(phone));
    }

    /// Stores an answer and asks what comes next.
    fn accept(&mut self, field: &Field, answer: Answer) {
        let draft = self.draft();
        draft.answers.insert(field.id.clone(), answer);
        draft.selection.clear();
        draft.files.clear();
        if draft.history.last() != Some(&field.id) {
            draft.history.push(field.id.clone());
        }
        self.advance();
    }

    fn advance(&mut self) {
        self.advance_quietly();
        self.show_current(Placement::New);
    }

    fn advance_quietly(&mut self) {
        let form = self.ctx.form;
        let draft = self.draft();
        // Screens are never answered in the draft: they are asked when the
        // form opens (and again after they stopped it), not found here.
        let next = form.fields.iter().find(|field| {
            field.role() != Role::Screen
                && applies(form, field, &draft.answers)
                && !draft.answers.contains_key(&field.id)
        });
        draft.position = match next {
            Some(field) => Position::Question(field.id.clone()),
            None => Position::Review,
        };
    }

    fn goto(&mut self, field: &Field, placement: Placement) {
        let draft = self.draft();
        draft.position = Position::Question(field.id.clone());
        draft.selection = match draft.answers.get(&field.id) {
            Some(Answer::Multi(values)) => values.clone(),
            _ => Vec::new(),
        };
        draft.files = match draft.answers.get(&field.id) {
            Some(Answer::Files(files)) => files.clone(),
            _ => Vec::new(),
        };
        // The old answer stays until a new one replaces it.
        self.ask(field, placement, None);
    }

    fn back(&mut self) {
        let form = self.ctx.form;
        let draft = self.draft();
        let current = match &draft.position {
            Position::Question(id) => Some(id.clone()),
            Position::Review => None,
        };
        let previous = loop {
            match draft.history.pop() {
                Some(id) if Some(&id) == current.as_ref() => continue,
                Some(id) => match form.field(&id) {
                    // The consent and the emergency screen are not re-asked;
                    // "back" stops at the first question after them.
                    Some(field) if field.role() == Role::Question => {
                        break Some(field.clone());
                    }
                    _ => continue,
                },
                None => break None,
            }
        };
        match previous {
            Some(field) => self.goto(&field, Placement::New),
            None => self.show_current(Placement::New),
        }
    }

    fn show_current(&mut self, placement: Placement) {
        let position = self.draft().position.clone();
        match position {
            Position::Review => self.review(placement),
            Position::Question(id) => match self.ctx.form.field(&id).cloned() {
                Some(field) => self.ask(&field, placement, None),
                None => self.review(placement),
            },
        }
    }

    /// A question's text within the safety frame: the emergency line first
    /// on the emergency screen (the form is a path to a person), the "no
    /// guarantee" line under the consent and questions that raise expectations.
    fn framed_prompt(&self, field: &Field) -> String {
        let (catalog, locale) = (self.ctx.catalog, self.ctx.locale);
        let prompt = self.text(&field.prompt);
        match field.role() {
            Role::Screen => frame::Line::Emergency.before(catalog, locale, &prompt),
            Role::Consent => frame::Line::NoGuarantee.after(catalog, locale, &prompt),
            Role::Question if field.no_guarantee => {
                frame::Line::NoGuarantee.after(catalog, locale, &prompt)
            }
            Role::Question => prompt,
        }
    }

    /// Shows a question: its prompt (after an optional explanation) and buttons.
    fn ask(&mut self, field: &Field, placement: Placement, preface: Option<String>) {
        let mut html = self.framed_prompt(field);
        if let Some(preface) = preface {
            html = format!("{preface}\n\n{html}");
        }
        let current = self
            .form
            .draft()
            .and_then(|draft| draft.answers.get(&field.id));
        if let Some(answer) = current.filter(|answer| !matches!(answer, Answer::Consent { .. })) {
            let shown = display_answer(self.ctx.catalog, self.ctx.locale, field, answer);
            html = format!("{html}\n\n✓ <i>{shown}</i>");
        }
        let keyboard = self.question_keyboard(field);
        self.replies.push(Reply::new(html, keyboard, placement));
    }

    fn question_keyboard(&self, field: &Field) -> Keyboard {
        let draft = self.form.draft();
        let mut rows: Vec<Vec<Button>> = match &field.kind {
            Kind::Consent => vec![
                vec![Button::new(
                    self.text("intake-consent-agree"),
                    question_data(&field.id, QuestionButton::Choose("agree".into())),
                )],
                vec![Button::new(
                    self.text("intake-consent-decline"),
                    question_data(&field.id, QuestionButton::Choose("decline".into())),
                )],
            ],
            Kind::Choice(_) | Kind::YesNoUnsure => field
                .choices()
                .into_iter()
                .map(|choice| {
                    vec![Button::new(
                        self.text(&choice.label),
                        question_data(&field.id, QuestionButton::Choose(choice.value.clone())),
                    )]
                })
                .collect(),
            Kind::Multi(_) => {
                let selected = draft.map(|d| d.selection.clone()).unwrap_or_default();
                let mut rows: Vec<Vec<Button>> = field
                    .choices()
                    .into_iter()
                    .map(|choice| {
                        let mark = if selected.contains(&choice.value) {
                            "☑"
                        } else {
                            "☐"
                        };
                        let label = format!("{mark} {}", self.text(&choice.label));
                        vec![Button::new(
                            label,
                            question_data(&field.id, QuestionButton::Toggle(choice.value.clone())),
                        )]
                    })
                    .collect();
                rows.push(vec![Button::new(
                    self.text("intake-done"),
                    question_data(&field.id, QuestionButton::Done),
                )]);
                rows
            }
            Kind::Country { suggestions } => self.country_rows(field, suggestions),
            Kind::Files { .. } => {
                vec![vec![Button::new(
                    self.text("intake-done"),
                    question_data(&field.id, QuestionButton::Done),
                )]]
            }
            Kind::Language => {
                let current = self.ctx.locale.tag();
                self.ctx
                    .catalog
                    .locales()
                    .iter()
                    .map(|locale| {
                        let name = self.ctx.catalog.format(locale, "language-name", &[]);
                        let label = if locale.tag() == current {
                            format!("✓ {name}")
                        } else {
                            name
                        };
                        vec![Button::new(
                            label,
                            question_data(&field.id, QuestionButton::Choose(locale.tag())),
                        )]
                    })
                    .collect()
            }
            Kind::Phone => {
                return Keyboard::RequestContact {
                    label: self.text("intake-phone-share"),
                    back_label: Some(self.text("intake-back")),
                };
            }
            Kind::Text { .. } | Kind::Integer { .. } | Kind::MonthYear { .. } => Vec::new(),
        };
        if !matches!(field.kind, Kind::Consent) {
            let mut last = self.back_row(field);
            if !field.required {
                last.push(Button::new(
                    self.text("intake-skip"),
                    question_data(&field.id, QuestionButton::Skip),
                ));
            }
            rows.push(last);
        }
        Keyboard::Inline(rows)
    }

    fn country_rows(&self, field: &Field, codes: &[String]) -> Vec<Vec<Button>> {
        let buttons: Vec<Button> = codes
            .iter()
            .map(|code| {
                Button::new(
                    countries::name(self.ctx.catalog, self.ctx.locale, code),
                    question_data(&field.id, QuestionButton::Choose(code.clone())),
                )
            })
            .collect();
        buttons.chunks(2).map(<[Button]>::to_vec).collect()
    }

    fn back_row(&self, field: &Field) -> Vec<Button> {
        let fields = &self.ctx.form.fields;
        let first_question = fields.iter().find(|f| f.role() == Role::Question);
        // Nothing before the first question can be gone back to (the
        // consent and the emergency screen are not re-asked).
        if field.role() != Role::Question || first_question.map(|f| &f.id) == Some(&field.id) {
            Vec::new()
        } else {
            vec![Button::new(
                self.text("intake-back"),
                question_data(&field.id, QuestionButton::Back),
            )]
        }
    }

    /// The question answered by a button keeps its text and shows the answer,
    /// so the chat reads as a record of what was said.
    fn close_question(&mut self, message_id: i32, shown: &str) {
        let Some(field) = self.current_field().cloned() else {
            return;
        };
        // A label that starts with its own mark (✅, ✖) needs no second one.
        let mark = if shown.starts_with(char::is_alphanumeric) {
            "✓ "
        } else {
            ""
        };
        let html = format!("{}\n\n{mark}<b>{shown}</b>", self.text(&field.prompt));
        self.replies.push(Reply::new(
            html,
            Keyboard::None,
            Placement::Replace(message_id),
        ));
    }

    fn review(&mut self, placement: Placement) {
        let draft = self.form.draft().expect("draft");
        let html = self.review_html(&draft.answers);
        let editable: Vec<Button> = self
            .ctx
            .form
            .fields
            .iter()
            .filter(|field| field.role() == Role::Question)
            .filter(|field| applies(self.ctx.form, field, &draft.answers))
            .map(|field| {
                let label =
                    self.ctx
                        .catalog
                        .format_attribute(self.ctx.locale, &field.prompt, "label");
                Button::new(
                    format!("✏️ {label}"),
                    FormButton::Edit(field.id.clone()).encode(),
                )
            })
            .collect();
        let mut rows: Vec<Vec<Button>> = editable.chunks(2).map(<[Button]>::to_vec).collect();
        rows.push(vec![Button::new(
            self.text("intake-submit"),
            FormButton::Submit.encode(),
        )]);
        self.replies
            .push(Reply::new(html, Keyboard::Inline(rows), placement));
    }

    fn submit(&mut self, message_id: i32) {
        let Some(mut draft) = self.form.take() else {
            return;
        };
        let Some(submission) = build_submission(self.ctx.form, self.ctx.catalog, &draft.answers)
        else {
            // No consent under the form's consent question: the form was
            // changed (reloaded) since it was given. It is asked again;
            // the other answers are kept.
            draft.position = Position::Question(self.ctx.form.consent().id.clone());
            self.form = FormState::Filling(draft);
            return self.show_current(Placement::New);
        };
        // The review stays on screen as a record, without its buttons.
        let html = self.review_html(&submission.answers);
        self.replies.push(Reply::new(
            html,
            Keyboard::None,
            Placement::Replace(message_id),
        ));
        // The draft ends with the submission.
        self.event = Some(Event::Submitted(submission));
    }

    /// The answers under the review's title, then the frame's "no
    /// guarantee" line (the last thing read before submitting).
    fn review_html(&self, answers: &BTreeMap<String, Answer>) -> String {
        let rendered = render_answers(self.ctx.form, self.ctx.catalog, self.ctx.locale, answers);
        let html = format!("{}\n\n{rendered}", self.text("intake-review"));
        frame::Line::NoGuarantee.after(self.ctx.catalog, self.ctx.locale, &html)
    }

    fn decline(&mut self, message_id: i32) {
        self.close_question(message_id, &self.text("intake-consent-decline"));
        self.form = FormState::NoDraft;
        self.event = Some(Event::Declined);
        let html = self.text("intake-consent-declined");
        self.replies
            .push(Reply::new(html, Keyboard::None, Placement::New));
    }

    fn stop(&mut self, field_id: &str, message: &str) {
        // The stopping question is asked again when the patient comes back.
        self.draft().position = Position::Question(field_id.to_owned());
        let html = self.text(message);
        self.replies
            .push(Reply::new(html, Keyboard::None, Placement::New));
        self.event = Some(Event::Stopped);
        self.form.pause();
    }

    fn invalid(&mut self, err: ValueError) {
        let (id, args) = err.message();
        self.fail(id, &args);
    }

    /// Explains what was wrong and asks the same question again.
    fn fail(&mut self, id: &str, args: &[(&str, i64)]) {
        let args: Vec<(&str, Arg)> = args
            .iter()
            .map(|(name, n)| (*name, Arg::Number(*n)))
            .collect();
        let explanation = self.ctx.catalog.format(self.ctx.locale, id, &args);
        match self.current_field().cloned() {
            Some(field) => self.ask(&field, Placement::New, Some(explanation)),
            None => {
                self.replies
                    .push(Reply::new(explanation, Keyboard::None, Placement::New));
                self.review(Placement::New);
            }
        }
    }

    fn stale(&mut self) {
        self.notice = Some(self.text("stale-button"));
        self.show_current(Placement::New);
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::OnceLock;

    use super::*;
    use crate::content::Content;

    fn content() -> &'static Content {
        static CONTENT: OnceLock<Content> = OnceLock::new();
        CONTENT.get_or_init(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            Content::load(&root.join("locales"), &root.join("dialogues")).unwrap()
        })
    }

    /// A patient filling the shipped form, one input at a time.
    struct Filler {
        locale: Locale,
        draft: Option<Draft>,
        last: IntakeOutcome,
    }

    impl Filler {
        fn new(tag: &str) -> Filler {
            let locale = content().catalog.find(tag).unwrap().clone();
            let mut filler = Filler {
                locale,
                draft: None,
                last: IntakeOutcome {
                    form: FormState::NoDraft,
                    replies: vec![],
                    event: None,
                    notice: None,
                },
            };
            filler.send(IntakeInput::Open);
            filler
        }

        fn send(&mut self, input: IntakeInput) -> &IntakeOutcome {
            let ctx = IntakeContext {
                form: &content().form,
                catalog: &content().catalog,
                locale: &self.locale,
                now: 1_795_000_000,
                today: MonthYear {
                    year: 2026,
                    month: 11,
                },
            };
            self.last = step(&ctx, self.draft.clone(), input);
            self.draft = self.last.form.draft().cloned();
            &self.last
        }

        fn at(&self) -> Option<&str> {
            match &self.draft.as_ref()?.position {
                Position::Question(id) => Some(id),
                Position::Review => Some("review"),
            }
        }

        fn type_text(&mut self, text: &str) -> &IntakeOutcome {
            self.send(IntakeInput::Text(text.into()))
        }

        fn press(&mut self, data: &str) -> &IntakeOutcome {
            self.send(IntakeInput::Press {
                data: data.into(),
                message_id: 5,
            })
        }

        fn choose(&mut self, value: &str) -> &IntakeOutcome {
            let field = self.at().unwrap().to_owned();
            self.press(&format!("i:a:{field}:{value}"))
        }

        fn last_html(&self) -> &str {
            &self.last.replies.last().unwrap().html
        }

        fn said(&self, id: &str) -> bool {
            let text = content().catalog.format(&self.locale, id, &[]);
            self.last
                .replies
                .iter()
                .any(|reply| reply.html.contains(&text))
        }

        fn answer(&self, field: &str) -> Option<&Answer> {
            self.draft.as_ref()?.answers.get(field)
        }
    }

    fn pdf(id: &str) -> Document {
        Document {
            file_id: id.into(),
            kind: DocumentKind::Pdf,
            name: Some("report.pdf".into()),
            size: Some(1000),
        }
    }

    /// Emergency "no", consent, then up to the driver question.
    fn through_basics(filler: &mut Filler, driver: &str) {
        filler.choose("no");
        filler.choose("agree");
        filler.choose("family");
        filler.type_text("Ana");
        filler.type_text("56");
        filler.type_text("Spain");
        filler.choose("lung");
        filler.choose(driver);
    }

    #[test]
    fn opens_at_the_emergency_screen_then_the_consent_with_nothing_stored() {
        let mut filler = Filler::new("en");
        assert_eq!(filler.at(), Some("emergency"));
        assert!(filler.said("intake-emergency"));
        // The emergency line comes first, above the question.
        let emergency_line = content()
            .catalog
            .format(&filler.locale, "emergency-line", &[]);
        assert!(
            filler.last_html().starts_with(&emergency_line),
            "{}",
            filler.last_html()
        );
        assert!(
            filler.last.replies[0]
                .buttons()
                .all(|b| b.data.starts_with("i:a:emergency:")),
            "no back button before the first question"
        );
        filler.choose("no");
        assert_eq!(filler.at(), Some("consent"));
        assert!(
            filler.draft.as_ref().unwrap().answers.is_empty(),
            "the emergency answer is not stored"
        );
        assert!(filler.said("intake-consent"));
        assert!(filler.said("no-guarantee"), "{}", filler.last_html());
    }

    fn empty_draft() -> Draft {
        Draft {
            answers: BTreeMap::new(),
            position: Position::Review,
            history: vec![],
            selection: vec![],
            files: vec![],
        }
    }

    #[test]
    fn filling_without_a_draft_is_no_form() {
        let draft = empty_draft();
        assert_eq!(FormState::from_parts(None, true), FormState::NoDraft);
        assert_eq!(FormState::from_parts(None, false), FormState::NoDraft);
        assert_eq!(
            FormState::from_parts(Some(draft.clone()), true),
            FormState::Filling(draft.clone())
        );
        assert_eq!(
            FormState::from_parts(Some(draft.clone()), false),
            FormState::Paused(draft)
        );
    }

    #[test]
    fn pausing_keeps_the_draft_and_taking_ends_the_form() {
        let draft = empty_draft();
        let mut form = FormState::Filling(draft.clone());
        assert!(form.is_filling());
        form.pause();
        assert_eq!(form, FormState::Paused(draft.clone()));
        form.pause();
        assert_eq!(form, FormState::Paused(draft.clone()), "pausing twice");
        assert!(!form.is_filling());
        assert_eq!(form.draft(), Some(&draft));
        assert_eq!(form.take(), Some(draft));
        assert_eq!(form, FormState::NoDraft);
        form.pause();
        assert_eq!(form, FormState::NoDraft);
        assert_eq!(form.take(), None);
    }

    #[test]
    fn refusing_consent_keeps_nothing() {
        let mut filler = Filler::new("ar");
        filler.choose("no");
        filler.choose("decline");
        assert_eq!(filler.last.event, Some(Event::Declined));
        assert_eq!(filler.last.form, FormState::NoDraft);
        assert!(filler.said("intake-consent-declined"));
    }

    #[test]
    fn consent_records_its_version_and_time() {
        let mut filler = Filler::new("en");
        filler.choose("no");
        filler.choose("agree");
        assert_eq!(
            filler.answer("consent"),
            Some(&Answer::Consent {
                version: content().form.consent_version.clone(),
                at: 1_795_000_000
            })
        );
    }

    #[test]
    fn an_emergency_stops_the_form_before_the_consent_and_asks_again_on_return() {
        let mut filler = Filler::new("es");
        filler.choose("yes");
        assert_eq!(filler.last.event, Some(Event::Stopped));
        assert!(filler.said("intake-emergency-advice"));
        assert!(!filler.said("intake-consent"), "no consent asked");
        let FormState::Paused(kept) = &filler.last.form else {
            panic!("the form is left, its draft kept: {:?}", filler.last.form);
        };
        assert!(kept.answers.is_empty());
        filler.send(IntakeInput::Open);
        assert_eq!(filler.at(), Some("emergency"));
        assert_eq!(filler.answer("emergency"), None);
    }

    #[test]
    fn a_draft_from_before_with_the_emergency_after_the_consent_goes_on() {
        // Drafts saved by the old order (consent, then emergency) still load:
        // the screen is asked, its answer not stored, then the next question.
        let mut filler = Filler::new("en");
        let mut answers = BTreeMap::new();
        answers.insert(
            "consent".to_owned(),
            Answer::Consent {
                version: "2026-11-28".into(),
                at: 1,
            },
        );
        filler.draft = Some(Draft {
            answers,
            position: Position::Question("emergency".into()),
            history: vec!["consent".into()],
            selection: Vec::new(),
            files: Vec::new(),
        });
        filler.send(IntakeInput::Open);
        assert_eq!(filler.at(), Some("emergency"));
        filler.choose("no");
        assert_eq!(filler.at(), Some("writer"));
        assert_eq!(filler.answer("emergency"), None);
    }

    #[test]
    fn invalid_answers_are_explained_and_the_question_asked_again() {
        let mut filler = Filler::new("en");
        filler.choose("no");
        filler.choose("agree");
        filler.choose("patient");
        // first name: empty, too long, a sticker
        filler.type_text("   ");
        assert!(
            filler.last_html().contains("at least 1 characters"),
            "{}",
            filler.last_html()
        );
        filler.type_text(&"x".repeat(5000));
        assert!(filler.said("intake-first-name") && filler.last_html().contains("60"));
        filler.send(IntakeInput::Unsupported);
        assert!(filler.said("intake-error-expected-text"));
        assert_eq!(filler.at(), Some("first_name"));
        filler.type_text("Ana");
        // age: a word, out of range
        filler.type_text("fifty");
        assert!(filler.said("intake-error-not-a-number"));
        filler.type_text("300");
        assert!(filler.last_html().contains("between 0 and 120"));
        assert_eq!(filler.at(), Some("age"));
        filler.type_text("56");
        // country: unknown, then ambiguous, then a pick
        filler.type_text("Atlantis");
        assert!(filler.said("intake-error-country"));
        filler.type_text("guin");
        assert!(filler.said("intake-country-matches"));
        filler.choose("GN");
        assert_eq!(
            filler.answer("country"),
            Some(&Answer::Country("GN".into()))
        );
        // a typed answer where a button is expected
        filler.type_text("lung");
        assert!(filler.said("intake-error-expected-button"));
        assert_eq!(filler.at(), Some("cancer_type"));
    }

    #[test]
    fn conditions_take_and_skip_branches() {
        let mut egfr = Filler::new("en");
        through_basics(&mut egfr, "egfr");
        egfr.type_text("osimertinib");
        egfr.choose("yes");
        assert_eq!(
            egfr.at(),
            Some("progression_since"),
            "progressing: yes asks since when"
        );
        egfr.type_text("12/2026");
        assert!(egfr.said("intake-error-future"));
        egfr.type_text("March 2026");
        assert!(egfr.said("intake-error-month-year"));
        egfr.type_text("03/2026");
        egfr.choose("liquid");
        assert_eq!(
            egfr.at(),
            Some("egfr_finding"),
            "EGFR asks for the EGFR finding"
        );
        egfr.choose("t790m");
        assert_eq!(egfr.at(), Some("finding_text"));

        let mut alk = Filler::new("en");
        through_basics(&mut alk, "alk");
        alk.type_text("lorlatinib");
        alk.choose("no");
        assert_eq!(alk.at(), Some("testing"), "not progressing: no date asked");
        alk.choose("none");
        assert_eq!(
            alk.at(),
            Some("help_wanted"),
            "no EGFR, no testing: both finding questions skipped"
        );
    }

    #[test]
    fn multiple_choice_toggles_and_needs_one() {
        let mut filler = Filler::new("en");
        through_basics(&mut filler, "alk");
        filler.type_text("lorlatinib");
        filler.choose("no");
        filler.choose("none");
        filler.press("i:d:help_wanted");
        assert!(filler.said("intake-error-choose-one"));
        filler.press("i:t:help_wanted:travel_admission");
        filler.press("i:t:help_wanted:record_review");
        filler.press("i:t:help_wanted:travel_admission");
        let toggled = &filler.last.replies[0];
        assert_eq!(
            toggled.placement,
            Placement::Replace(5),
            "toggling redraws the same message"
        );
        let ticked: Vec<&str> = toggled
            .buttons()
            .filter(|b| b.label.starts_with('☑'))
            .map(|b| b.data.as_str())
            .collect();
        assert_eq!(ticked, ["i:t:help_wanted:record_review"]);
        filler.press("i:t:help_wanted:eligibility");
        filler.press("i:d:help_wanted");
        assert_eq!(
            filler.answer("help_wanted"),
            Some(&Answer::Multi(vec![
                "record_review".into(),
                "eligibility".into()
            ]))
        );
        assert_eq!(filler.at(), Some("documents"));
    }

    fn to_documents(filler: &mut Filler) {
        through_basics(filler, "alk");
        filler.type_text("lorlatinib");
        filler.choose("no");
        filler.choose("none");
        filler.press("i:t:help_wanted:record_review");
        filler.press("i:d:help_wanted");
    }

    #[test]
    fn documents_accept_photos_and_pdfs_up_to_the_limit() {
        let mut filler = Filler::new("ru");
        to_documents(&mut filler);
        filler.type_text("here you go");
        assert!(filler.said("intake-error-expected-file"));
        filler.send(IntakeInput::UnacceptedFile);
        assert!(filler.said("intake-error-file-type"));
        let huge = Document {
            size: Some(MAX_FILE_BYTES + 1),
            ..pdf("huge")
        };
        filler.send(IntakeInput::File(huge));
        assert!(
            filler.last_html().contains("20 MB") || filler.last_html().contains("20 МБ"),
            "{}",
            filler.last_html()
        );
        assert!(filler.draft.as_ref().unwrap().files.is_empty(), "not kept");
        for i in 0..10 {
            filler.send(IntakeInput::File(pdf(&format!("f{i}"))));
        }
        filler.send(IntakeInput::File(pdf("one-too-many")));
        assert!(filler.last_html().contains("10"));
        filler.press("i:d:documents");
        let Some(Answer::Files(files)) = filler.answer("documents") else {
            panic!()
        };
        assert_eq!(files.len(), 10);
        assert_eq!(filler.at(), Some("contact"));
    }

    #[test]
    fn phone_by_contact_button_or_typed_with_country_code() {
        let mut filler = Filler::new("en");
        to_documents(&mut filler);
        filler.press("i:d:documents");
        assert_eq!(filler.answer("documents"), Some(&Answer::Skipped));
        filler.choose("phone");
        assert_eq!(filler.at(), Some("phone"));
        assert!(matches!(
            filler.last.replies.last().unwrap().keyboard,
            Keyboard::RequestContact { .. }
        ));
        filler.type_text("020 7946 0958");
        assert!(filler.said("intake-error-phone"));
        filler.send(IntakeInput::Contact {
            phone: "447946095800".into(),
        });
        assert_eq!(
            filler.answer("phone").cloned(),
            Some(Answer::Phone(
                Phone::from_shared_contact("447946095800").unwrap()
            ))
        );
        assert!(
            filler
                .last
                .replies
                .iter()
                .any(|r| r.keyboard == Keyboard::Remove)
        );
        assert_eq!(filler.at(), Some("language"));
    }

    #[test]
    fn back_returns_to_the_previous_question_and_keeps_answers() {
        let mut filler = Filler::new("en");
        through_basics(&mut filler, "alk");
        assert_eq!(filler.at(), Some("therapy"));
        filler.press("i:b:therapy");
        assert_eq!(filler.at(), Some("driver"));
        assert!(
            filler.last_html().contains("ALK"),
            "the current answer is shown"
        );
        filler.press("i:b:driver");
        assert_eq!(filler.at(), Some("cancer_type"));
        filler.choose("breast");
        assert_eq!(
            filler.at(),
            Some("therapy"),
            "back to where the patient was"
        );
        assert_eq!(filler.answer("driver"), Some(&Answer::Choice("alk".into())));
    }

    #[test]
    fn review_edit_and_submit() {
        let mut filler = Filler::new("en");
        to_documents(&mut filler);
        filler.send(IntakeInput::File(pdf("scan")));
        filler.press("i:d:documents");
        filler.choose("telegram");
        filler.choose("es");
        assert_eq!(filler.last.event, Some(Event::LanguageChosen("es".into())));
        assert_eq!(filler.at(), Some("review"));
        let review = filler.last_html().to_owned();
        assert!(
            review.contains("<b>First name:</b> Ana") && review.contains("<b>Age:</b> 56"),
            "{review}"
        );
        assert!(
            !review.contains("Consent"),
            "the consent is not an editable answer"
        );
        // Edit the age from the review, then come straight back.
        filler.press("i:e:age");
        assert_eq!(filler.at(), Some("age"));
        filler.type_text("57");
        assert_eq!(filler.at(), Some("review"));
        // Change the driver to EGFR: its follow-up question is asked, then the review.
        filler.press("i:e:driver");
        filler.choose("egfr");
        assert_eq!(filler.at(), Some("egfr_finding"));
        filler.press("i:s:egfr_finding");
        assert_eq!(filler.at(), Some("review"));
        // A stale button from an earlier question changes nothing.
        filler.press("i:a:writer:patient");
        assert!(filler.last.notice.is_some());
        assert_eq!(
            filler.answer("writer"),
            Some(&Answer::Choice("family".into()))
        );
        filler.press("i:submit");
        let Some(Event::Submitted(submission)) = &filler.last.event else {
            panic!("submitted expected: {:?}", filler.last.event)
        };
        assert_eq!(
            filler.last.form,
            FormState::NoDraft,
            "the draft ends with the submission"
        );
        assert_eq!(submission.answers.get("age"), Some(&Answer::Integer(57)));
        assert_eq!(
            submission.answers.get("egfr_finding"),
            Some(&Answer::Skipped)
        );
        assert_eq!(submission.consent_version, content().form.consent_version);
        assert!(
            submission
                .summary
                .contains("<b>Driver / biomarker:</b> EGFR"),
            "{}",
            submission.summary
        );
        assert!(
            submission.summary.contains("<b>Country:</b> Spain"),
            "{}",
            submission.summary
        );
    }

    /// A form reloaded with its consent question renamed while a draft
    /// waits on the review: Submit asks for the consent again (once), with
    /// the other answers kept, instead of failing.
    #[test]
    fn a_consent_lost_to_a_reload_is_asked_again_at_submit() {
        let mut filler = Filler::new("en");
        to_documents(&mut filler);
        filler.press("i:d:documents");
        filler.choose("telegram");
        filler.choose("en");
        assert_eq!(filler.at(), Some("review"));
        let consent_id = content().form.consent().id.clone();
        let draft = filler.draft.as_mut().unwrap();
        let consent = draft.answers.remove(&consent_id).unwrap();
        draft.answers.insert("consent_v0".into(), consent);
        let answered = draft.answers.len();
        filler.press("i:submit");
        assert_eq!(filler.last.event, None, "nothing submitted");
        assert_eq!(filler.at(), Some(consent_id.as_str()));
        assert_eq!(filler.draft.as_ref().unwrap().answers.len(), answered);
        filler.choose("agree");
        assert_eq!(filler.at(), Some("review"), "straight back to the review");
    }

    #[test]
    fn answers_that_stop_applying_are_left_out_of_the_submission() {
        let mut filler = Filler::new("en");
        through_basics(&mut filler, "egfr");
        filler.type_text("osimertinib");
        filler.choose("no");
        filler.choose("none");
        filler.choose("t790m");
        assert_eq!(
            filler.answer("egfr_finding"),
            Some(&Answer::Choice("t790m".into()))
        );
        let draft = filler.draft.as_mut().unwrap();
        draft
            .answers
            .insert("driver".into(), Answer::Choice("alk".into()));
        assert!(!applies(
            &content().form,
            content().form.field("egfr_finding").unwrap(),
            &draft.answers
        ));
        let rendered = render_answers(
            &content().form,
            &content().catalog,
            &filler.locale,
            &draft.answers,
        );
        assert!(!rendered.contains("T790M"), "{rendered}");
    }

    #[test]
    fn an_answer_no_longer_offered_still_loads_shows_and_submits() {
        // "c797s" was offered until 2026-12 (not in the source text): drafts
        // and cases that stored it keep it, shown as written; it cannot be
        // chosen any more.
        let mut filler = Filler::new("en");
        through_basics(&mut filler, "egfr");
        filler.type_text("osimertinib");
        filler.choose("no");
        filler.choose("none");
        assert_eq!(filler.at(), Some("egfr_finding"));
        filler.choose("c797s");
        assert!(filler.last.notice.is_some(), "no longer a choice");
        assert_eq!(filler.answer("egfr_finding"), None);
        let stored = r#"{"answers":{"egfr_finding":{"type":"choice","value":"c797s"}},"position":{"at":"review"}}"#;
        let old: Draft = serde_json::from_str(stored).unwrap();
        let mut draft = filler.draft.clone().unwrap();
        draft.answers.extend(old.answers);
        draft.position = Position::Review;
        filler.draft = Some(draft);
        filler.send(IntakeInput::Open);
        assert_eq!(filler.at(), Some("review"));
        assert!(
            filler
                .last_html()
                .contains("<b>Resistance finding:</b> c797s"),
            "{}",
            filler.last_html()
        );
        filler.press("i:e:egfr_finding");
        assert!(
            filler.last_html().contains("c797s"),
            "the old answer is shown when editing"
        );
        filler.press("i:s:egfr_finding");
        for _ in 0..12 {
            if filler.at() == Some("review") {
                break;
            }
            match filler.at() {
                Some("help_wanted") => {
                    filler.press("i:t:help_wanted:record_review");
                    filler.press("i:d:help_wanted");
                }
                Some("documents") => {
                    filler.press("i:d:documents");
                }
                Some("contact") => {
                    filler.choose("telegram");
                }
                Some("language") => {
                    filler.choose("en");
                }
                other => panic!("unexpected question {other:?}"),
            }
        }
        filler.press("i:submit");
        assert!(matches!(filler.last.event, Some(Event::Submitted(_))));
    }

    #[test]
    fn the_no_guarantee_line_where_expectations_form() {
        let mut filler = Filler::new("es");
        through_basics(&mut filler, "alk");
        filler.type_text("lorlatinib");
        filler.choose("no");
        filler.choose("none");
        assert_eq!(filler.at(), Some("help_wanted"));
        let no_guarantee = content()
            .catalog
            .format(&filler.locale, "no-guarantee", &[]);
        assert!(
            filler.last_html().contains(&no_guarantee),
            "{}",
            filler.last_html()
        );
        filler.press("i:t:help_wanted:eligibility");
        assert!(
            filler.last_html().contains(&no_guarantee),
            "kept when ticking"
        );
        filler.press("i:d:help_wanted");
        assert!(
            !filler.last_html().contains(&no_guarantee),
            "not on every question"
        );
        filler.press("i:d:documents");
        filler.choose("phone");
        filler.send(IntakeInput::Contact {
            phone: "34600000000".into(),
        });
        filler.choose("es");
        assert_eq!(filler.at(), Some("review"));
        assert!(
            filler.last_html().ends_with(&no_guarantee),
            "{}",
            filler.last_html()
        );
        filler.press("i:submit");
        let Some(Event::Submitted(submission)) = &filler.last.event else {
            panic!()
        };
        assert_eq!(submission.contact(), Contact::Phone);
    }

    #[test]
    fn hostile_text_is_escaped_everywhere_it_is_shown() {
        let mut filler = Filler::new("en");
        filler.choose("no");
        filler.choose("agree");
        filler.choose("patient");
        filler.type_text("<script>alert(1)</script> & Bob");
        let answers = &filler.draft.as_ref().unwrap().answers;
        let rendered = render_answers(&content().form, &content().catalog, &filler.locale, answers);
        assert!(
            rendered.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Bob"),
            "{rendered}"
        );
    }

    #[test]
    fn callback_data_fits_telegram_for_every_question() {
        let form = &content().form;
        for field in &form.fields {
            let mut buttons = vec![
                FormButton::Edit(field.id.clone()),
                FormButton::question(&field.id, QuestionButton::Done),
                FormButton::question(&field.id, QuestionButton::Skip),
                FormButton::question(&field.id, QuestionButton::Back),
            ];
            for choice in field.choices() {
                buttons.push(FormButton::question(
                    &field.id,
                    QuestionButton::Choose(choice.value.clone()),
                ));
                buttons.push(FormButton::question(
                    &field.id,
                    QuestionButton::Toggle(choice.value),
                ));
            }
            for button in buttons {
                let data = button.encode();
                assert!(data.len() <= crate::text::CALLBACK_DATA_LIMIT, "{data}");
                assert_eq!(FormButton::decode(&data), Some(button), "{data}");
            }
        }
    }
}
