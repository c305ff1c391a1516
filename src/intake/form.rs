//! The intake form as data: `dialogues/intake.yaml`, loaded and validated.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::content::{Problem, Problems};
use crate::i18n::Catalog;

use super::countries;

pub const FORM_FILE: &str = "intake.yaml";
/// Field ids and choice values share callback data with a 4-byte prefix and
/// a separator, so each stays short (Telegram allows 64 bytes).
const MAX_ID_LEN: usize = 24;
/// Longest text answer the form may ask for (storage and summary limits).
const MAX_TEXT_LEN: usize = 2000;
const MAX_FILES: usize = 20;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormFile {
    form: String,
    consent_version: String,
    fields: Vec<FieldSpec>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum KindName {
    Consent,
    Choice,
    Multi,
    Text,
    Integer,
    MonthYear,
    YesNoUnsure,
    Phone,
    Country,
    Files,
    Language,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldSpec {
    id: String,
    kind: KindName,
    prompt: String,
    #[serde(default = "yes")]
    required: bool,
    #[serde(default)]
    when: Option<Condition>,
    #[serde(default)]
    stop_when: Option<StopRule>,
    #[serde(default)]
    choices: Vec<Choice>,
    #[serde(default)]
    min_length: Option<usize>,
    #[serde(default)]
    max_length: Option<usize>,
    #[serde(default)]
    min: Option<i64>,
    #[serde(default)]
    max: Option<i64>,
    #[serde(default)]
    not_future: bool,
    #[serde(default)]
    max_files: Option<usize>,
    #[serde(default)]
    suggestions: Option<Vec<String>>,
    /// Position of the answer (in English) in the coordinators' topic name.
    #[serde(default)]
    in_title: Option<u8>,
    /// The question raises expectations (it offers eligibility or trial
    /// coordination): the frame's "no guarantee" line is shown under it.
    #[serde(default)]
    no_guarantee: bool,
}

fn yes() -> bool {
    true
}

/// One option of a choice or multiple-choice question.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// Ask a field only when an earlier answer is one of `in`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub field: String,
    #[serde(rename = "in")]
    pub any_of: Vec<String>,
}

/// End the form with a message when the answer is one of `in`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StopRule {
    #[serde(rename = "in")]
    pub any_of: Vec<String>,
    pub message: String,
}

/// What a field asks for, with its validation parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Consent,
    Choice(Vec<Choice>),
    Multi(Vec<Choice>),
    Text { min: usize, max: usize },
    Integer { min: i64, max: i64 },
    MonthYear { not_future: bool },
    YesNoUnsure,
    Phone,
    Country { suggestions: Vec<String> },
    Files { max: usize },
    Language,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub id: String,
    pub kind: Kind,
    /// Message id of the question; its `.label` attribute names it on the
    /// review screen and in the coordinators' summary.
    pub prompt: String,
    pub required: bool,
    pub when: Option<Condition>,
    pub stop_when: Option<StopRule>,
    /// Where the answer goes in the case's topic name, if it does.
    pub in_title: Option<u8>,
    /// Show the frame's "no guarantee" line under the question.
    pub no_guarantee: bool,
    pub line: usize,
}

/// What a question is to the flow of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The emergency question (a choice with `stop_when:`), asked before the
    /// consent: its answer is never stored, it only lets the patient on.
    Screen,
    /// The consent: nothing is stored before it is agreed to.
    Consent,
    /// Every other question: its answer is stored in the draft.
    Question,
}

/// The values a yes / no / unsure question stores, with their labels.
pub const YES_NO_UNSURE: [(&str, &str); 3] = [
    ("yes", "intake-yes"),
    ("no", "intake-no"),
    ("unsure", "intake-unsure"),
];

impl Field {
    pub fn role(&self) -> Role {
        if matches!(self.kind, Kind::Consent) {
            Role::Consent
        } else if self.stop_when.is_some() {
            Role::Screen
        } else {
            Role::Question
        }
    }

    /// Whether `value` is an answer that stops the form (an emergency).
    pub fn stops_on(&self, value: &str) -> bool {
        self.stop_when
            .as_ref()
            .is_some_and(|stop| stop.any_of.iter().any(|v| v == value))
    }

    /// Choices offered as buttons, for the kinds that have them.
    pub fn choices(&self) -> Vec<Choice> {
        match &self.kind {
            Kind::Choice(choices) | Kind::Multi(choices) => choices.clone(),
            Kind::YesNoUnsure => YES_NO_UNSURE
                .iter()
                .map(|(value, label)| Choice {
                    value: (*value).to_owned(),
                    label: (*label).to_owned(),
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn message_keys(&self) -> Vec<String> {
        let mut keys = vec![self.prompt.clone()];
        keys.extend(self.choices().into_iter().map(|choice| choice.label));
        keys.extend(self.stop_when.iter().map(|stop| stop.message.clone()));
        keys
    }
}

#[derive(Debug, Clone)]
pub struct Form {
    pub consent_version: String,
    pub fields: Vec<Field>,
    pub file: PathBuf,
}

impl Form {
    pub fn load(dialogues_dir: &Path) -> Result<Form, Problems> {
        let file = dialogues_dir.join(FORM_FILE);
        let source = fs::read_to_string(&file).map_err(|err| {
            Problems(vec![Problem::in_file(&file, format!("cannot read: {err}"))])
        })?;
        let spec: FormFile = serde_norway::from_str(&source).map_err(|err| {
            let mut problem = Problem::in_file(&file, format!("not a valid form: {err}"));
            if let Some(location) = err.location() {
                problem = problem.at(location.line(), location.column());
            }
            Problems(vec![problem])
        })?;
        let _ = spec.form;
        let mut problems = Vec::new();
        let mut fields: Vec<Field> = Vec::new();
        for field_spec in spec.fields {
            let line = source
                .lines()
                .position(|line| {
                    line.trim_start().trim_start_matches("- ") == format!("id: {}", field_spec.id)
                })
                .map_or(1, |index| index + 1);
            match build_field(field_spec, line, &fields) {
                Ok(field) => fields.push(field),
                Err(message) => problems.push(Problem::in_file(&file, message).at(line, 1)),
            }
        }
        if problems.is_empty() {
            problems.extend(order_problems(&file, &fields));
        }
        if spec.consent_version.trim().is_empty() {
            problems.push(Problem::in_file(&file, "consent_version must not be empty"));
        }
        if problems.is_empty() {
            Ok(Form {
                consent_version: spec.consent_version,
                fields,
                file,
            })
        } else {
            Err(Problems(problems))
        }
    }

    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|field| field.id == id)
    }

    /// The consent question (`load` refuses a form without one).
    pub fn consent(&self) -> &Field {
        self.fields
            .iter()
            .find(|field| field.role() == Role::Consent)
            .expect("a loaded form has a consent question")
    }

    /// The emergency question asked before the consent, if the form has one
    /// (`safety_problems` refuses a form without it).
    pub fn emergency(&self) -> Option<&Field> {
        self.fields
            .iter()
            .take_while(|field| field.role() != Role::Consent)
            .find(|field| field.role() == Role::Screen)
    }

    /// The safety frame's rule for the form (see `crate::frame`): the
    /// emergency question comes first, before the consent and before
    /// anything a coordinator could be asked for; a form without it would
    /// let a patient reach a person without seeing what to do in an emergency.
    pub fn safety_problems(&self) -> Vec<Problem> {
        if self.emergency().is_some() {
            return Vec::new();
        }
        let consent = self.consent();
        vec![
            Problem::in_file(
                &self.file,
                format!(
                    "the form has no emergency question before the consent “{}”: add first a \
                     choice question with `stop_when:` (e.g. “is this an emergency?”, stopping \
                     on “yes” with the emergency advice), so that every patient sees what to \
                     do in an emergency before anything else",
                    consent.id
                ),
            )
            .at(consent.line, 1),
        ]
    }

    /// Every message the form uses exists in English, with the `.label`
    /// attribute on each question.
    pub fn check_against(&self, catalog: &Catalog) -> Vec<Problem> {
        let english = catalog.reference();
        let mut problems = Vec::new();
        let mut missing = |field: &Field, what: String| {
            problems.push(
                Problem::in_file(&self.file, format!("question “{}”: {what}", field.id))
                    .at(field.line, 1),
            );
        };
        for field in &self.fields {
            for key in field.message_keys() {
                if !catalog.has_message(english, &key) {
                    missing(field, format!("message “{key}” is missing in English"));
                }
            }
            if !catalog.has_attribute(english, &field.prompt, "label") {
                missing(
                    field,
                    format!(
                        "message “{}” needs a `.label` attribute (its short name)",
                        field.prompt
                    ),
                );
            }
            if let Kind::Country { suggestions } = &field.kind {
                for code in suggestions {
                    if !catalog.has_message(english, &countries::message_id(code)) {
                        missing(field, format!("country “{code}” has no name in English"));
                    }
                }
            }
        }
        problems
    }
}

fn build_field(spec: FieldSpec, line: usize, earlier: &[Field]) -> Result<Field, String> {
    let id = &spec.id;
    if !is_valid_id(id) {
        return Err(format!(
            "question id “{id}” must be 1-{MAX_ID_LEN} lowercase letters, digits or “_”"
        ));
    }
    if earlier.iter().any(|field| &field.id == id) {
        return Err(format!("question “{id}” is defined twice"));
    }
    let kind = build_kind(&spec)?;
    if let Kind::Choice(choices) | Kind::Multi(choices) = &kind {
        check_choices(id, choices)?;
    }
    if let Some(condition) = &spec.when {
        check_condition(id, condition, earlier)?;
    }
    if let Some(stop) = &spec.stop_when {
        let Kind::Choice(choices) = &kind else {
            return Err(format!(
                "question “{id}”: stop_when works on choice questions only"
            ));
        };
        if let Some(unknown) = stop
            .any_of
            .iter()
            .find(|v| !choices.iter().any(|c| &c.value == *v))
        {
            return Err(format!(
                "question “{id}”: stop_when names “{unknown}”, which is not one of its choices"
            ));
        }
    }
    if matches!(kind, Kind::Consent) && !spec.required {
        return Err(format!("question “{id}”: consent cannot be skipped"));
    }
    Ok(Field {
        id: spec.id,
        kind,
        prompt: spec.prompt,
        required: spec.required,
        when: spec.when,
        stop_when: spec.stop_when,
        in_title: spec.in_title,
        no_guarantee: spec.no_guarantee,
        line,
    })
}

/// The order the engine relies on: exactly one consent; before it, only
/// the emergency question (which stores nothing); after it, no `stop_when:`
/// (a question that stops the form is a screen, never stored, so after the
/// consent it would never be asked).
fn order_problems(file: &Path, fields: &[Field]) -> Vec<Problem> {
    let at = |field: &Field, message: String| Problem::in_file(file, message).at(field.line, 1);
    let Some(consent) = fields.iter().position(|f| f.role() == Role::Consent) else {
        return vec![Problem::in_file(
            file,
            "the form has no consent question (kind: consent): nothing may be stored before the \
             patient agrees",
        )];
    };
    let mut problems = Vec::new();
    for field in &fields[..consent] {
        if field.role() != Role::Screen {
            problems.push(at(
                field,
                format!(
                    "question “{}” comes before the consent: only the emergency question (a \
                     choice with `stop_when:`, whose answer is not stored) may; move it after \
                     the consent",
                    field.id
                ),
            ));
        }
    }
    for field in &fields[consent + 1..] {
        match field.role() {
            Role::Consent => problems.push(at(
                field,
                format!("question “{}” is a second consent: keep only one", field.id),
            )),
            Role::Screen => problems.push(at(
                field,
                format!(
                    "question “{}” has `stop_when:` after the consent: the emergency question \
                     must come first, before the consent (its answer is never stored)",
                    field.id
                ),
            )),
            Role::Question => {}
        }
    }
    problems
}

fn build_kind(spec: &FieldSpec) -> Result<Kind, String> {
    let id = &spec.id;
    let needs_choices = || {
        if spec.choices.is_empty() {
            Err(format!("question “{id}” needs `choices:`"))
        } else {
            Ok(spec.choices.clone())
        }
    };
    Ok(match spec.kind {
        KindName::Consent => Kind::Consent,
        KindName::Choice => Kind::Choice(needs_choices()?),
        KindName::Multi => Kind::Multi(needs_choices()?),
        KindName::Text => {
            let min = spec.min_length.unwrap_or(1);
            let max = spec.max_length.unwrap_or(500);
            if min > max || max > MAX_TEXT_LEN || min == 0 {
                return Err(format!(
                    "question “{id}”: text lengths need 1 <= min_length <= max_length <= {MAX_TEXT_LEN}"
                ));
            }
            Kind::Text { min, max }
        }
        KindName::Integer => match (spec.min, spec.max) {
            (Some(min), Some(max)) if min <= max => Kind::Integer { min, max },
            _ => return Err(format!("question “{id}”: integer needs `min:` <= `max:`")),
        },
        KindName::MonthYear => Kind::MonthYear {
            not_future: spec.not_future,
        },
        KindName::YesNoUnsure => Kind::YesNoUnsure,
        KindName::Phone => Kind::Phone,
        KindName::Country => {
            let suggestions = spec.suggestions.clone().unwrap_or_else(|| {
                countries::DEFAULT_SUGGESTIONS
                    .iter()
                    .map(|c| (*c).to_owned())
                    .collect()
            });
            if let Some(unknown) = suggestions.iter().find(|code| !countries::is_known(code)) {
                return Err(format!(
                    "question “{id}”: “{unknown}” is not a country code we know"
                ));
            }
            Kind::Country { suggestions }
        }
        KindName::Files => {
            let max = spec.max_files.unwrap_or(10);
            if max == 0 || max > MAX_FILES {
                return Err(format!("question “{id}”: max_files must be 1-{MAX_FILES}"));
            }
            Kind::Files { max }
        }
        KindName::Language => Kind::Language,
    })
}

fn check_choices(id: &str, choices: &[Choice]) -> Result<(), String> {
    let mut seen = HashSet::new();
    for choice in choices {
        if !is_valid_id(&choice.value) {
            return Err(format!(
                "question “{id}”: choice value “{}” must be 1-{MAX_ID_LEN} lowercase letters, digits or “_”",
                choice.value
            ));
        }
        if !seen.insert(&choice.value) {
            return Err(format!(
                "question “{id}”: choice “{}” appears twice",
                choice.value
            ));
        }
    }
    Ok(())
}

fn check_condition(id: &str, condition: &Condition, earlier: &[Field]) -> Result<(), String> {
    let Some(source) = earlier.iter().find(|field| field.id == condition.field) else {
        return Err(format!(
            "question “{id}”: `when:` refers to “{}”, which is not an earlier question",
            condition.field
        ));
    };
    let choices = source.choices();
    if choices.is_empty() {
        return Err(format!(
            "question “{id}”: `when:` needs a choice question, and “{}” is not one",
            condition.field
        ));
    }
    match condition
        .any_of
        .iter()
        .find(|v| !choices.iter().any(|c| &c.value == *v))
    {
        Some(unknown) => Err(format!(
            "question “{id}”: `when:` names “{unknown}”, which is not a choice of “{}”",
            condition.field
        )),
        None => Ok(()),
    }
}

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}
