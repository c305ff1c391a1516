//! The compact callback data carried by inline buttons (Telegram allows 64
//! bytes). One letter says what the button does, the rest says where:
//! `g:<node>` go to a node, `a:<action>` run an action, `l:<locale>` pick a
//! language, `x:erase`/`x:keep` answer the erase question, `r:<case>:<stars>` rates a
//! closed case, `p:yes`/`p:no` answer "is this an emergency?" before a case
//! opens for "talk to a person"; `i:...` belongs
//! to the intake form (see `intake::engine`). Anything else is a stale or foreign button.

use serde::Deserialize;

use crate::intake::CaseRef;
use crate::text::CALLBACK_DATA_LIMIT;

/// What a button may do besides opening a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Talk to a person (intake and the coordinator queue).
    Person,
    /// Open the language picker.
    Language,
    /// Back to the main menu.
    Home,
    /// Start or continue the case details (intake).
    Intake,
}

impl Action {
    const ALL: [Action; 4] = [
        Action::Person,
        Action::Language,
        Action::Home,
        Action::Intake,
    ];

    fn code(self) -> &'static str {
        match self {
            Action::Person => "person",
            Action::Language => "language",
            Action::Home => "home",
            Action::Intake => "intake",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackData {
    Goto(String),
    Action(Action),
    SetLocale(String),
    /// The answer to "erase my data?".
    Erase {
        confirmed: bool,
    },
    /// A patient's 1-5 rating of a closed case.
    Rate {
        case: CaseRef,
        stars: u8,
    },
    /// The answer to the emergency question asked before "talk to a
    /// person" opens a case: an emergency opens nothing.
    Person {
        emergency: bool,
    },
}

impl CallbackData {
    pub fn encode(&self) -> String {
        let data = match self {
            CallbackData::Goto(node) => format!("g:{node}"),
            CallbackData::Action(action) => format!("a:{}", action.code()),
            CallbackData::SetLocale(tag) => format!("l:{tag}"),
            CallbackData::Erase { confirmed: true } => "x:erase".to_owned(),
            CallbackData::Erase { confirmed: false } => "x:keep".to_owned(),
            CallbackData::Rate { case, stars } => format!("r:{}:{stars}", case.0),
            CallbackData::Person { emergency: true } => "p:yes".to_owned(),
            CallbackData::Person { emergency: false } => "p:no".to_owned(),
        };
        debug_assert!(
            data.len() <= CALLBACK_DATA_LIMIT,
            "callback data too long: {data}"
        );
        data
    }

    /// `None` for data this version of the bot did not produce.
    pub fn decode(data: &str) -> Option<CallbackData> {
        let (kind, value) = data.split_once(':')?;
        if value.is_empty() {
            return None;
        }
        match kind {
            "g" => Some(CallbackData::Goto(value.to_owned())),
            "a" => Action::ALL
                .into_iter()
                .find(|action| action.code() == value)
                .map(CallbackData::Action),
            "l" => Some(CallbackData::SetLocale(value.to_owned())),
            "x" if value == "erase" => Some(CallbackData::Erase { confirmed: true }),
            "x" if value == "keep" => Some(CallbackData::Erase { confirmed: false }),
            "p" if value == "yes" => Some(CallbackData::Person { emergency: true }),
            "p" if value == "no" => Some(CallbackData::Person { emergency: false }),
            "r" => {
                let (case, stars) = value.split_once(':')?;
                Some(CallbackData::Rate {
                    case: CaseRef(case.parse().ok()?),
                    stars: stars.parse().ok()?,
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_kind() {
        for data in [
            CallbackData::Goto("faq-t790m".into()),
            CallbackData::Action(Action::Person),
            CallbackData::Action(Action::Language),
            CallbackData::Action(Action::Home),
            CallbackData::SetLocale("zh-Hans".into()),
            CallbackData::Action(Action::Intake),
            CallbackData::Erase { confirmed: true },
            CallbackData::Erase { confirmed: false },
            CallbackData::Rate {
                case: CaseRef(123),
                stars: 5,
            },
            CallbackData::Person { emergency: true },
            CallbackData::Person { emergency: false },
        ] {
            assert_eq!(CallbackData::decode(&data.encode()), Some(data));
        }
    }

    #[test]
    fn rejects_foreign_data() {
        for data in ["", "g:", "x:home", "a:nuke", "no-colon", "🙂:🙂", "p:maybe"] {
            assert_eq!(CallbackData::decode(data), None, "{data}");
        }
    }
}
