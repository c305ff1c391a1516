//! The intake form's buttons and their callback data: `i:submit` on the
//! review screen, `i:e:<question>` to edit an answer from there, and
//! `i:<op>:<question>[:<value>]` under a question. The data is read back
//! from buttons shown to patients long ago, so its format never changes;
//! Telegram allows 64 bytes (see `text::CALLBACK_DATA_LIMIT`). This module
//! only says what a button is; what pressing it does is the engine's.

/// What all of the form's callback data starts with (the dialogue hands
/// such presses to the intake).
pub const PREFIX: &str = "i:";

/// One of the form's buttons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormButton {
    /// `i:submit`: send the reviewed answers.
    Submit,
    /// `i:e:<question>`: change an answer from the review screen.
    Edit(String),
    /// A button under a question; it counts only while that question is
    /// the one being asked.
    Question {
        field: String,
        press: QuestionButton,
    },
}

/// What a button under a question does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuestionButton {
    /// `a:<value>`: the answer (a choice, the consent, a country, a language).
    Choose(String),
    /// `t:<value>`: select or unselect one choice of several.
    Toggle(String),
    /// `d`: the selection, or the files sent, are complete.
    Done,
    /// `s`: leave an optional question unanswered.
    Skip,
    /// `b`: back to the question before.
    Back,
}

impl FormButton {
    /// A button under `field`.
    pub fn question(field: &str, press: QuestionButton) -> FormButton {
        FormButton::Question {
            field: field.to_owned(),
            press,
        }
    }

    pub fn encode(&self) -> String {
        match self {
            FormButton::Submit => "i:submit".to_owned(),
            FormButton::Edit(field) => format!("i:e:{field}"),
            FormButton::Question { field, press } => match press {
                QuestionButton::Choose(value) => format!("i:a:{field}:{value}"),
                QuestionButton::Toggle(value) => format!("i:t:{field}:{value}"),
                QuestionButton::Done => format!("i:d:{field}"),
                QuestionButton::Skip => format!("i:s:{field}"),
                QuestionButton::Back => format!("i:b:{field}"),
            },
        }
    }

    /// `None` for data none of the form's buttons carry (stale or forged).
    pub fn decode(data: &str) -> Option<FormButton> {
        let rest = data.strip_prefix(PREFIX)?;
        if rest == "submit" {
            return Some(FormButton::Submit);
        }
        let mut parts = rest.splitn(3, ':');
        let op = parts.next()?;
        let field = parts.next().filter(|field| !field.is_empty())?.to_owned();
        let value = parts.next();
        let press = match (op, value) {
            ("e", None) => return Some(FormButton::Edit(field)),
            ("a", Some(value)) => QuestionButton::Choose(value.to_owned()),
            ("t", Some(value)) => QuestionButton::Toggle(value.to_owned()),
            ("d", None) => QuestionButton::Done,
            ("s", None) => QuestionButton::Skip,
            ("b", None) => QuestionButton::Back,
            _ => return None,
        };
        Some(FormButton::Question { field, press })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_button() -> Vec<FormButton> {
        vec![
            FormButton::Submit,
            FormButton::Edit("diagnosis".into()),
            FormButton::question("consent", QuestionButton::Choose("agree".into())),
            FormButton::question("driver", QuestionButton::Choose("kras_g12c".into())),
            FormButton::question("treatments", QuestionButton::Toggle("chemo".into())),
            FormButton::question("treatments", QuestionButton::Done),
            FormButton::question("documents", QuestionButton::Skip),
            FormButton::question("age", QuestionButton::Back),
        ]
    }

    #[test]
    fn round_trips_every_button() {
        for button in every_button() {
            let data = button.encode();
            assert!(data.starts_with(PREFIX), "{data}");
            assert_eq!(FormButton::decode(&data), Some(button), "{data}");
        }
    }

    /// Buttons already shown to patients keep working: the data of every
    /// kind, as this bot has always written it.
    #[test]
    fn reads_the_data_of_buttons_already_shown() {
        let shown = [
            ("i:submit", FormButton::Submit),
            ("i:e:diagnosis", FormButton::Edit("diagnosis".into())),
            (
                "i:a:consent:agree",
                FormButton::question("consent", QuestionButton::Choose("agree".into())),
            ),
            (
                "i:a:driver:kras_g12c",
                FormButton::question("driver", QuestionButton::Choose("kras_g12c".into())),
            ),
            (
                "i:a:language:zh-Hans",
                FormButton::question("language", QuestionButton::Choose("zh-Hans".into())),
            ),
            (
                "i:t:treatments:chemo",
                FormButton::question("treatments", QuestionButton::Toggle("chemo".into())),
            ),
            (
                "i:d:documents",
                FormButton::question("documents", QuestionButton::Done),
            ),
            (
                "i:s:phone",
                FormButton::question("phone", QuestionButton::Skip),
            ),
            ("i:b:age", FormButton::question("age", QuestionButton::Back)),
        ];
        for (data, button) in shown {
            assert_eq!(FormButton::decode(data), Some(button.clone()), "{data}");
            assert_eq!(button.encode(), data);
        }
    }

    #[test]
    fn rejects_data_none_of_the_buttons_carry() {
        for data in [
            "",
            "i:",
            "i:zz:x",
            "i:a:",
            "i:a:driver",
            "i:b:age:x",
            "i:d:",
            "i:submit:x",
            "g:home",
            "submit",
        ] {
            assert_eq!(FormButton::decode(data), None, "{data}");
        }
    }
}
