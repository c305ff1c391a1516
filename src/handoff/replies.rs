//! The coordinators' reply library: ready-made replies that translators
//! write and review in `locales/<lang>/replies.ftl` like every other text.
//! A coordinator picks one in the coordinators' language; the patient gets
//! it in theirs, and never in a language they did not choose.
//!
//! Owns which replies exist, what a reply needs (the patient's first name,
//! a date), composing one for a case or saying why it cannot be sent, and
//! the coordinators' texts around it. Must not touch Telegram, storage or
//! the clock.

use super::queue::GroupButton;
use super::texts::Texts;
use crate::i18n::{Arg, Catalog, Locale, Unsayable};
use crate::intake::CaseRef;
use crate::reply::Button;

/// The file of the library, in every locale's folder.
pub const FILE: &str = "replies.ftl";
/// Every reply's message id starts so; the rest is its name (`/r NAME`).
const PREFIX: &str = "reply-";
/// The attribute with a reply's button label.
const LABEL: &str = "label";

/// A date a coordinator gives with a reply (`/r call 2026-12-08 10:00`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    Day(jiff::civil::Date),
    /// A time on a day, in the team's time zone.
    Moment(jiff::Zoned),
}

impl When {
    /// Reads `YYYY-MM-DD` or `YYYY-MM-DD HH:MM` (the team's time zone).
    pub fn parse(input: &str, zone: &jiff::tz::TimeZone) -> Option<When> {
        let input = input.trim();
        // jiff reads a day out of a day and time too: the time decides.
        if !input.contains(':') {
            return input.parse::<jiff::civil::Date>().ok().map(When::Day);
        }
        let moment = input
            .replacen(' ', "T", 1)
            .parse::<jiff::civil::DateTime>()
            .ok()?;
        moment.to_zoned(zone.clone()).ok().map(When::Moment)
    }

    /// As a reader of `locale` says it ("lunes, 7 de diciembre…").
    fn in_words(&self, locale: &Locale) -> String {
        match self {
            When::Day(day) => crate::dates::day(&locale.tag(), &day.to_string()),
            When::Moment(at) => crate::dates::day_and_time(&locale.tag(), at),
        }
    }
}

/// What the bot knows to fill in a reply.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub reference: CaseRef,
    /// From the form; unknown when the patient only asked for a person.
    pub first_name: Option<&'a str>,
    pub when: Option<When>,
}

/// A reply ready to go: what the patient gets, and the same reply as the
/// coordinators read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub name: String,
    pub for_patient: String,
    pub for_coordinators: String,
    /// The patient's language, in English words (for the note in the topic).
    pub patient_language: String,
    pub same_language: bool,
}

/// Why a reply was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotSent {
    /// No reply has this name.
    Unknown { name: String },
    /// The library has it, but not in the patient's language.
    NotTranslated { name: String, language: String },
    /// It says a date, and none (or no readable one) was given.
    NeedsDate { name: String, given: Option<String> },
    /// It greets the patient by name, and the case has none.
    NeedsFirstName { name: String },
    /// The text itself is broken (`navigator check` reports it too).
    Broken { name: String, detail: String },
}

/// The names of the replies in the library (the English file's), in order.
pub fn names(catalog: &Catalog) -> Vec<String> {
    catalog
        .ids_in_file(catalog.reference(), FILE)
        .into_iter()
        .filter_map(|id| id.strip_prefix(PREFIX).map(str::to_owned))
        .collect()
}

/// A reply's message id.
pub fn message_id(name: &str) -> String {
    format!("{PREFIX}{name}")
}

/// The reply `name` for the patient in `patient`'s language, and as the
/// coordinators read it in theirs (English when theirs lacks it: only the
/// patient's copy must be in the patient's language).
pub fn compose(
    catalog: &Catalog,
    name: &str,
    patient: &Locale,
    coordinators: &Locale,
    facts: &Facts,
) -> Result<Composed, NotSent> {
    let name = name.trim().to_ascii_lowercase();
    if !names(catalog).contains(&name) {
        return Err(NotSent::Unknown { name });
    }
    let id = message_id(&name);
    let say = |locale: &Locale| {
        let reference = facts.reference.to_string();
        let when = facts.when.as_ref().map(|when| when.in_words(locale));
        let mut args = vec![("reference", Arg::Text(&reference))];
        if let Some(first_name) = facts.first_name {
            args.push(("name", Arg::Text(first_name)));
        }
        if let Some(when) = &when {
            args.push(("date", Arg::Text(when)));
        }
        catalog.format_exact(locale, &id, &args)
    };
    let for_patient = say(patient).map_err(|unsayable| match unsayable {
        Unsayable::Missing => NotSent::NotTranslated {
            name: name.clone(),
            language: Texts::new(catalog, coordinators).language(patient),
        },
        Unsayable::Needs(variables) if variables.iter().any(|v| v == "date") => {
            NotSent::NeedsDate {
                name: name.clone(),
                given: None,
            }
        }
        Unsayable::Needs(variables) if variables.iter().any(|v| v == "name") => {
            NotSent::NeedsFirstName { name: name.clone() }
        }
        Unsayable::Needs(variables) => NotSent::Broken {
            name: name.clone(),
            detail: format!("unknown variable ${}", variables.join(", $")),
        },
        Unsayable::Broken(detail) => NotSent::Broken {
            name: name.clone(),
            detail,
        },
    })?;
    // The coordinators' copy falls back to English: it is only for them.
    let for_coordinators = say(coordinators)
        .or_else(|_| say(catalog.reference()))
        .unwrap_or_else(|_| for_patient.clone());
    Ok(Composed {
        name,
        for_patient,
        for_coordinators,
        patient_language: Texts::new(catalog, coordinators).language(patient),
        same_language: patient == coordinators,
    })
}

/// `/r` in a case's topic: the library as buttons labelled in the
/// coordinators' language; a reply the patient's language lacks is marked
/// and refused if pressed.
pub fn menu(
    catalog: &Catalog,
    patient: &Locale,
    coordinators: &Locale,
    reference: CaseRef,
) -> (String, Vec<Vec<Button>>) {
    let texts = Texts::new(catalog, coordinators);
    let names = names(catalog);
    if names.is_empty() {
        let tag = coordinators.tag();
        return (
            texts.say(
                "coord-replies-none",
                &[("tag", Arg::Text(&tag)), ("file", Arg::Text(FILE))],
            ),
            Vec::new(),
        );
    }
    let mut missing = Vec::new();
    let buttons = names
        .iter()
        .map(|name| {
            let id = message_id(name);
            // English when the coordinators' language lacks the label.
            let label = catalog.format_attribute(coordinators, &id, LABEL);
            let translated = catalog.has_message(patient, &id);
            if !translated {
                missing.push(name.as_str());
            }
            let label = if translated {
                label
            } else {
                format!("🚫 {label}")
            };
            vec![Button::new(
                label,
                GroupButton::ReadyReply {
                    name: name.clone(),
                    case: reference,
                }
                .encode(),
            )]
        })
        .collect();
    let reference = reference.to_string();
    let mut html = texts.say(
        "coord-replies-menu",
        &[
            ("reference", Arg::Text(&reference)),
            ("language", Arg::Text(&texts.language(patient))),
        ],
    );
    if !missing.is_empty() {
        html.push('\n');
        html.push_str(&texts.say(
            "coord-replies-missing",
            &[
                ("language", Arg::Text(&texts.language_name(patient))),
                // Names of replies: message ids, nothing to escape.
                ("replies", Arg::Html(&missing.join(", "))),
            ],
        ));
    }
    (html, buttons)
}

/// The note in the topic once a reply is queued for the patient.
pub fn sent_note(texts: &Texts, composed: &Composed, by: &str) -> String {
    let mut args = vec![
        ("name", Arg::Text(by)),
        // A reply's name is a message id: nothing to escape.
        ("reply", Arg::Html(&composed.name)),
        ("text", Arg::Html(&composed.for_patient)),
    ];
    if composed.same_language {
        return texts.say("coord-reply-sent", &args);
    }
    args.push(("language", Arg::Text(&composed.patient_language)));
    args.push(("translation", Arg::Html(&composed.for_coordinators)));
    texts.say("coord-reply-sent-translated", &args)
}

/// What the coordinator is told when a reply was not sent.
pub fn not_sent_text(texts: &Texts, reference: CaseRef, not_sent: &NotSent) -> String {
    let reference = reference.to_string();
    let reference = ("reference", Arg::Text(&reference));
    match not_sent {
        NotSent::Unknown { name } => texts.say(
            "coord-reply-unknown",
            &[reference, ("reply", Arg::Text(name))],
        ),
        NotSent::NotTranslated { name, language } => texts.say(
            "coord-reply-not-translated",
            &[
                reference,
                ("reply", Arg::Html(name)),
                ("language", Arg::Text(language)),
                ("file", Arg::Text(FILE)),
            ],
        ),
        NotSent::NeedsDate { name, given: None } => texts.say(
            "coord-reply-needs-date",
            &[reference, ("reply", Arg::Html(name))],
        ),
        NotSent::NeedsDate {
            name,
            given: Some(given),
        } => texts.say(
            "coord-reply-bad-date",
            &[
                reference,
                ("reply", Arg::Html(name)),
                ("given", Arg::Text(given)),
            ],
        ),
        NotSent::NeedsFirstName { name } => texts.say(
            "coord-reply-needs-name",
            &[reference, ("reply", Arg::Html(name))],
        ),
        NotSent::Broken { name, detail } => texts.say(
            "coord-reply-broken",
            &[
                reference,
                ("reply", Arg::Html(name)),
                ("error", Arg::Text(detail)),
            ],
        ),
    }
}

/// `/r`, `/r NAME` or `/r NAME ARGUMENT` as a coordinator wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyRequest {
    Menu,
    Send { name: String, argument: String },
}

impl ReplyRequest {
    /// What follows `/r` (the command word removed).
    pub fn of(argument: &str) -> ReplyRequest {
        let argument = argument.trim();
        if argument.is_empty() {
            return ReplyRequest::Menu;
        }
        let (name, rest) = argument
            .split_once(char::is_whitespace)
            .unwrap_or((argument, ""));
        ReplyRequest::Send {
            name: name.to_ascii_lowercase(),
            argument: rest.trim().to_owned(),
        }
    }
}

/// Reads a coordinator's argument as the date a reply needs; an argument
/// that is there but is no date is refused rather than ignored.
pub fn when_of(
    name: &str,
    argument: &str,
    zone: &jiff::tz::TimeZone,
) -> Result<Option<When>, NotSent> {
    if argument.trim().is_empty() {
        return Ok(None);
    }
    When::parse(argument, zone)
        .map(Some)
        .ok_or_else(|| NotSent::NeedsDate {
            name: name.to_owned(),
            given: Some(argument.trim().to_owned()),
        })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn catalog() -> Catalog {
        Catalog::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("locales")).unwrap()
    }

    fn facts(first_name: Option<&str>, when: Option<When>) -> Facts<'_> {
        Facts {
            reference: CaseRef(42),
            first_name,
            when,
        }
    }

    fn madrid() -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get("Europe/Madrid").unwrap()
    }

    #[test]
    fn the_library_lists_the_english_replies_and_every_locale_has_them() {
        let catalog = catalog();
        let names = names(&catalog);
        assert!(names.len() >= 6, "{names:?}");
        assert!(names.contains(&"scan-report".to_owned()));
        for locale in catalog.locales() {
            for name in &names {
                assert!(
                    catalog.has_message(locale, &message_id(name)),
                    "{name} missing in {locale}"
                );
            }
        }
    }

    #[test]
    fn a_reply_goes_in_the_patients_language_and_shows_in_the_coordinators() {
        let catalog = catalog();
        let (ar, en) = (catalog.find("ar").unwrap(), catalog.reference());
        let composed = compose(&catalog, "Scan-Report", ar, en, &facts(None, None)).unwrap();
        assert_eq!(composed.name, "scan-report");
        assert_eq!(
            composed.for_patient,
            catalog.format_exact(ar, "reply-scan-report", &[]).unwrap()
        );
        assert!(composed.for_coordinators.contains("scan"), "{composed:?}");
        assert_eq!(composed.patient_language, "Arabic (ar)");
        let note = sent_note(&Texts::new(&catalog, en), &composed, "Ana <x>");
        assert!(note.contains(&composed.for_patient) && note.contains(&composed.for_coordinators));
        assert!(note.contains("Ana &lt;x&gt;") && note.contains("Arabic (ar)"));
    }

    #[test]
    fn the_case_reference_and_a_given_date_are_filled_in_each_language() {
        let catalog = catalog();
        let (es, en) = (catalog.find("es").unwrap(), catalog.reference());
        let when = When::parse("2026-12-08 10:30", &madrid()).unwrap();
        let composed = compose(&catalog, "call", es, en, &facts(None, Some(when))).unwrap();
        assert!(
            composed.for_patient.contains("8 de diciembre"),
            "{}",
            composed.for_patient
        );
        assert!(
            composed.for_patient.contains("10:30"),
            "{}",
            composed.for_patient
        );
        assert!(
            composed.for_coordinators.contains("December 8"),
            "{}",
            composed.for_coordinators
        );
        let day = When::parse("2026-12-08", &madrid()).unwrap();
        assert_eq!(day, When::Day(jiff::civil::date(2026, 12, 8)));
        let composed = compose(&catalog, "received", es, en, &facts(None, None)).unwrap();
        assert!(
            composed.for_patient.contains("CF-000042"),
            "{}",
            composed.for_patient
        );
    }

    #[test]
    fn a_reply_that_cannot_be_said_as_asked_is_refused_with_the_reason() {
        let catalog = catalog();
        let (es, en) = (catalog.find("es").unwrap(), catalog.reference());
        assert_eq!(
            compose(&catalog, "nonsense", es, en, &facts(None, None)),
            Err(NotSent::Unknown {
                name: "nonsense".into()
            })
        );
        assert_eq!(
            compose(&catalog, "call", es, en, &facts(None, None)),
            Err(NotSent::NeedsDate {
                name: "call".into(),
                given: None
            })
        );
        assert_eq!(
            when_of("call", "tomorrow-ish", &madrid()),
            Err(NotSent::NeedsDate {
                name: "call".into(),
                given: Some("tomorrow-ish".into())
            })
        );
        assert_eq!(when_of("call", "  ", &madrid()), Ok(None));
        assert_eq!(
            compose(&catalog, "hello", es, en, &facts(None, None)),
            Err(NotSent::NeedsFirstName {
                name: "hello".into()
            })
        );
        let greeted = compose(&catalog, "hello", es, en, &facts(Some("Ana"), None)).unwrap();
        assert!(greeted.for_patient.contains("Ana"));
        for refusal in [
            NotSent::Unknown { name: "x".into() },
            NotSent::NeedsFirstName { name: "x".into() },
            NotSent::NeedsDate {
                name: "x".into(),
                given: Some("<b>".into()),
            },
        ] {
            let text = not_sent_text(&Texts::new(&catalog, en), CaseRef(42), &refusal);
            assert!(
                text.contains("Nothing was sent") && !text.contains("<b>"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_reply_missing_in_the_patients_language_is_refused_never_sent_in_another() {
        let dir = tempfile::tempdir().unwrap();
        let coordinators = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/en/coordinators.ftl"),
        )
        .unwrap();
        for (path, source) in [
            ("en/coordinators.ftl", coordinators.as_str()),
            (
                "en/replies.ftl",
                "reply-a = A\n    .label = Label A\nreply-b = B\n    .label = Label B\n",
            ),
            (
                "es/replies.ftl",
                "reply-a = A es\n    .label = Etiqueta A\n",
            ),
        ] {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, source).unwrap();
        }
        let catalog = Catalog::load(dir.path()).unwrap();
        let (es, en) = (catalog.find("es").unwrap(), catalog.reference());
        assert_eq!(
            compose(&catalog, "b", es, en, &facts(None, None)),
            Err(NotSent::NotTranslated {
                name: "b".into(),
                language: "Spanish (es)".into()
            })
        );
        let (html, buttons) = menu(&catalog, es, en, CaseRef(7));
        let labels: Vec<&str> = buttons.iter().map(|row| row[0].label.as_str()).collect();
        assert_eq!(labels, ["Label A", "🚫 Label B"]);
        assert_eq!(buttons[1][0].data, "r:b:7");
        assert!(html.contains("Not translated into Spanish yet") && html.contains(": b."));
        // Coordinators reading Spanish see the Spanish labels.
        let (_, buttons) = menu(&catalog, en, es, CaseRef(7));
        assert_eq!(buttons[0][0].label, "Etiqueta A");
        assert_eq!(buttons[1][0].label, "Label B");
    }

    #[test]
    fn the_command_reads_a_name_and_an_argument() {
        assert_eq!(ReplyRequest::of("  "), ReplyRequest::Menu);
        assert_eq!(
            ReplyRequest::of(" Call 2026-12-08 10:00 "),
            ReplyRequest::Send {
                name: "call".into(),
                argument: "2026-12-08 10:00".into()
            }
        );
    }
}
