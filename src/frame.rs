//! The safety frame: the three lines no path of the conversation may skip,
//! declared here once and added by the engines, never pasted into screens
//! by hand (a screen added later gets them without anyone remembering).
//!
//! - [`Line::NotAdvice`]: "information, not medical advice", the footer of
//!   every content screen of the trees (every node but the main menu);
//! - [`Line::NoGuarantee`]: "no guarantee of access, eligibility or
//!   outcome", where expectations form: the consent, the question that
//!   offers eligibility / trial coordination, the review before submitting,
//!   the submission and every message that opens or reopens a case;
//! - [`Line::Emergency`]: what to do in an emergency, first on every path
//!   to a person: the emergency question of the form and of "talk to a
//!   person", a case already open, a case reopened, the out-of-hours note.
//!
//! Pure: formats with the catalog, no I/O. `navigator check` refuses a
//! locale without these messages (`missing-safety-message`) and a form
//! without the emergency question before the consent (`missing-emergency-step`).

use crate::i18n::{Catalog, Locale};

/// One line of the safety frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Line {
    NotAdvice,
    NoGuarantee,
    Emergency,
}

impl Line {
    pub const ALL: [Line; 3] = [Line::NotAdvice, Line::NoGuarantee, Line::Emergency];

    /// The Fluent message that says it, in every locale.
    pub const fn message_id(self) -> &'static str {
        match self {
            Line::NotAdvice => "not-medical-advice",
            Line::NoGuarantee => "no-guarantee",
            Line::Emergency => "emergency-line",
        }
    }

    /// What the line is for, in words for translators (check's findings).
    pub const fn purpose(self) -> &'static str {
        match self {
            Line::NotAdvice => "the “not medical advice” footer of every information screen",
            Line::NoGuarantee => {
                "the “no guarantee of access, eligibility or outcome” line shown at the consent, \
                 the review, the submission and when a case opens"
            }
            Line::Emergency => "the emergency line shown first on every path to a person",
        }
    }

    fn render(self, catalog: &Catalog, locale: &Locale) -> String {
        catalog.format(locale, self.message_id(), &[])
    }

    /// `html` with this line first (the emergency line comes before anything).
    pub fn before(self, catalog: &Catalog, locale: &Locale, html: &str) -> String {
        format!("{}\n\n{html}", self.render(catalog, locale))
    }

    /// `html` with this line as its footer.
    pub fn after(self, catalog: &Catalog, locale: &Locale, html: &str) -> String {
        format!("{html}\n\n{}", self.render(catalog, locale))
    }
}

/// Whether `id` is a message of the frame (a tree may not add one by hand).
pub fn is_frame_message(id: &str) -> bool {
    Line::ALL.iter().any(|line| line.message_id() == id)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn every_line_exists_in_every_shipped_locale() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let catalog = Catalog::load(&root.join("locales")).unwrap();
        for locale in catalog.locales() {
            for line in Line::ALL {
                assert!(
                    catalog.has_message(locale, line.message_id()),
                    "{locale}: {line:?}"
                );
            }
        }
        let en = catalog.reference();
        let framed = Line::Emergency.before(&catalog, en, "body");
        assert!(framed.ends_with("\n\nbody") && framed.contains("emergency"));
        let footed = Line::NotAdvice.after(&catalog, en, "body");
        assert!(footed.starts_with("body\n\n") && footed.contains("not medical advice"));
    }
}
