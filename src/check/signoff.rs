//! Sign-offs: `locales/<lang>/signoff.toml`, where a medical reviewer (or
//! native medical translator) records that they read the locale, in the
//! review book (`navigator review`), and vouch for it.
//!
//! ```toml
//! reviewer = "Dr. Ana García"
//! role = "native medical translator, oncology"
//! date = 2026-12-06
//! fingerprint = "8d1f0c2b4a6e9f13"
//! ```
//!
//! The fingerprint is that of the locale's content as reviewed: FNV-1a over
//! every message and term of the locale (id and the staleness lock's
//! fingerprint of its text, in id order), so comments and layout do not
//! count and any change of a text does. A locale is "signed off" while its
//! content still has the signed fingerprint, and a "draft awaiting review"
//! otherwise (no file, or a change since). This is information for people,
//! not a finding: a draft is a normal state. Only a file that cannot be
//! read is an error (`signoff-syntax`), since someone meant to sign.
//!
//! An English change makes translations outdated (the staleness lock) but
//! does not by itself undo their sign-off: updating the translation does.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::Finding;
use super::lock::{fingerprint, fnv1a};
use super::source::Model;
use crate::i18n::line_column;

/// The sign-off's file name, inside a locale's folder.
pub const SIGNOFF_FILE: &str = "signoff.toml";

/// What a reviewer wrote in `signoff.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignOff {
    /// Who reviewed (a name, as they want it shown).
    pub reviewer: String,
    /// Their qualification, e.g. "oncologist" or "native medical translator".
    pub role: String,
    /// When, `YYYY-MM-DD` (a date alone: no time).
    pub date: toml::value::Datetime,
    /// The locale's fingerprint when they signed (the review book shows it).
    pub fingerprint: String,
}

/// Where a locale stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewState {
    /// Signed, and unchanged since.
    SignedOff(SignOff),
    /// Nobody signed yet (or the file cannot be read).
    NotSignedOff,
    /// Signed, but the content changed since: to be reviewed again.
    ChangedSince(SignOff),
}

/// One locale's review status, as `check` prints it and the review book
/// shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocaleReview {
    pub locale: String,
    /// The fingerprint of the locale's content now: what a reviewer signs.
    pub fingerprint: String,
    pub state: ReviewState,
    /// `locales/<lang>/signoff.toml` (whether or not it exists).
    pub file: PathBuf,
}

impl LocaleReview {
    pub fn is_signed_off(&self) -> bool {
        matches!(self.state, ReviewState::SignedOff(_))
    }

    /// A few words: "signed off by X (role) on DATE", "draft awaiting
    /// review" or "draft awaiting review (changed since X signed it off on
    /// DATE)".
    pub fn headline(&self) -> String {
        match &self.state {
            ReviewState::NotSignedOff => "draft awaiting review".to_owned(),
            ReviewState::ChangedSince(signoff) => format!(
                "draft awaiting review (changed since {} signed it off on {})",
                signoff.reviewer, signoff.date
            ),
            ReviewState::SignedOff(_) => self.summary(),
        }
    }

    /// One line for people: "signed off by X (role) on DATE" or
    /// "draft awaiting review (why, what to do)".
    pub fn summary(&self) -> String {
        match &self.state {
            ReviewState::SignedOff(signoff) => format!(
                "signed off by {} ({}) on {}",
                signoff.reviewer, signoff.role, signoff.date
            ),
            ReviewState::NotSignedOff => format!(
                "draft awaiting review (no sign-off in {}; see TRANSLATING.md, “Reviewing and \
                 signing”)",
                self.file.display()
            ),
            ReviewState::ChangedSince(signoff) => format!(
                "draft awaiting review (changed since {} signed it off on {}; the content's \
                 fingerprint is now {})",
                signoff.reviewer, signoff.date, self.fingerprint
            ),
        }
    }
}

/// The fingerprint of a locale's content: every message and term, in id
/// order, as 16 hex digits.
pub(crate) fn content_fingerprint(model: &Model) -> String {
    let mut canonical = String::new();
    for (kind, defs) in [("message", &model.messages), ("term", &model.terms)] {
        for (id, def) in defs {
            canonical.push_str(&format!("{kind} {id} {}\n", fingerprint(def)));
        }
    }
    format!("{:016x}", fnv1a(canonical.as_bytes()))
}

/// Reads a locale's sign-off and compares it with its content now.
pub(crate) fn review(model: &Model) -> (LocaleReview, Vec<Finding>) {
    let file = model.dir.join(SIGNOFF_FILE);
    let current = content_fingerprint(model);
    let (signoff, findings) = match fs::read_to_string(&file) {
        Ok(text) => match parse(&file, &text) {
            Ok(signoff) => (Some(signoff), Vec::new()),
            Err(finding) => (None, vec![finding]),
        },
        Err(_) => (None, Vec::new()),
    };
    let state = match signoff {
        None => ReviewState::NotSignedOff,
        Some(signoff) if signoff.fingerprint.eq_ignore_ascii_case(&current) => {
            ReviewState::SignedOff(signoff)
        }
        Some(signoff) => ReviewState::ChangedSince(signoff),
    };
    let review = LocaleReview {
        locale: model.tag.to_owned(),
        fingerprint: current,
        state,
        file,
    };
    (review, findings)
}

fn parse(file: &Path, text: &str) -> Result<SignOff, Finding> {
    let unreadable = |at: (usize, usize), why: String| {
        Finding::error(
            "signoff-syntax",
            file,
            at,
            format!(
                "this sign-off cannot be read ({why}). It needs four lines: reviewer = \"Name\", \
                 role = \"…\", date = YYYY-MM-DD and fingerprint = \"…\" (the review book's \
                 sign-off page shows what to write); see TRANSLATING.md"
            ),
        )
    };
    let signoff: SignOff = toml::from_str(text).map_err(|err| {
        let at = err
            .span()
            .map(|span| line_column(text, span.start))
            .unwrap_or((1, 1));
        unreadable(at, err.message().trim().to_owned())
    })?;
    let fingerprint = &signoff.fingerprint;
    let at_value = |key: &str| {
        text.find(key)
            .map(|offset| line_column(text, offset))
            .unwrap_or((1, 1))
    };
    if fingerprint.len() != 16 || !fingerprint.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(unreadable(
            at_value("fingerprint"),
            "the fingerprint must be 16 hexadecimal digits".to_owned(),
        ));
    }
    if signoff.date.date.is_none() || signoff.date.time.is_some() {
        return Err(unreadable(
            at_value("date"),
            "the date must be a day, written YYYY-MM-DD, without a time".to_owned(),
        ));
    }
    if signoff.reviewer.trim().is_empty() || signoff.role.trim().is_empty() {
        return Err(unreadable(
            at_value(if signoff.reviewer.trim().is_empty() {
                "reviewer"
            } else {
                "role"
            }),
            "the reviewer's name and role may not be empty".to_owned(),
        ));
    }
    Ok(signoff)
}

/// The text of a sign-off file, for the review book to show.
pub fn signoff_text(reviewer: &str, role: &str, date: &str, fingerprint: &str) -> String {
    format!(
        "reviewer = \"{reviewer}\"\nrole = \"{role}\"\ndate = {date}\nfingerprint = \
         \"{fingerprint}\"\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_complete_signoff_reads() {
        let text = signoff_text("Dr. A", "oncologist", "2026-12-06", "0123456789abcdef");
        let signoff = parse(Path::new("signoff.toml"), &text).unwrap();
        assert_eq!(signoff.reviewer, "Dr. A");
        assert_eq!(signoff.date.to_string(), "2026-12-06");
        assert_eq!(signoff.fingerprint, "0123456789abcdef");
    }

    #[test]
    fn mistakes_point_at_their_line() {
        let file = Path::new("signoff.toml");
        let bad_date = "reviewer = \"A\"\nrole = \"B\"\ndate = 2026-13-01\nfingerprint = \"0123456789abcdef\"\n";
        let finding = parse(file, bad_date).unwrap_err();
        assert_eq!((finding.code, finding.line), ("signoff-syntax", 3));
        let short = "reviewer = \"A\"\nrole = \"B\"\ndate = 2026-12-01\nfingerprint = \"0123\"\n";
        let finding = parse(file, short).unwrap_err();
        assert_eq!(finding.line, 4);
        assert!(finding.message.contains("16 hexadecimal"), "{finding}");
        let unknown = "reviewer = \"A\"\nrole = \"B\"\ndate = 2026-12-01\nfingerprint = \"0123456789abcdef\"\nsigned = true\n";
        assert_eq!(parse(file, unknown).unwrap_err().line, 5);
        let empty = "reviewer = \" \"\nrole = \"B\"\ndate = 2026-12-01\nfingerprint = \"0123456789abcdef\"\n";
        assert_eq!(parse(file, empty).unwrap_err().line, 1);
    }
}
