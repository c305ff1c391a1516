//! Answer values that parse instead of validate: once one exists, it is
//! valid. Each parse error maps to a localized explanation.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a typed answer cannot be used; the patient is told and asked again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueError {
    TooShort { min: usize },
    TooLong { max: usize },
    NotANumber,
    OutOfRange { min: i64, max: i64 },
    NotAMonthYear,
    InTheFuture,
    NotAPhone,
}

impl ValueError {
    /// The message id explaining the problem, and its arguments.
    pub fn message(self) -> (&'static str, Vec<(&'static str, i64)>) {
        let len = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        match self {
            ValueError::TooShort { min } => ("intake-error-too-short", vec![("min", len(min))]),
            ValueError::TooLong { max } => ("intake-error-too-long", vec![("max", len(max))]),
            ValueError::NotANumber => ("intake-error-not-a-number", vec![]),
            ValueError::OutOfRange { min, max } => (
                "intake-error-out-of-range",
                vec![("min", min), ("max", max)],
            ),
            ValueError::NotAMonthYear => ("intake-error-month-year", vec![]),
            ValueError::InTheFuture => ("intake-error-future", vec![]),
            ValueError::NotAPhone => ("intake-error-phone", vec![]),
        }
    }
}

/// Free text, trimmed, control characters removed, within length bounds
/// (counted in characters, as a patient counts them).
pub fn parse_text(raw: &str, min: usize, max: usize) -> Result<String, ValueError> {
    let cleaned: String = raw
        .trim()
        .chars()
        .map(|ch| if ch == '\n' || ch == '\t' { ' ' } else { ch })
        .filter(|ch| !ch.is_control() && !is_invisible_format(*ch))
        .collect();
    let length = cleaned.chars().count();
    if length < min {
        Err(ValueError::TooShort { min })
    } else if length > max {
        Err(ValueError::TooLong { max })
    } else {
        Ok(cleaned)
    }
}

/// Direction overrides and zero-width characters: invisible, and able to
/// scramble how a coordinator's screen shows the text around them.
fn is_invisible_format(ch: char) -> bool {
    matches!(ch, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// A whole number in range. Accepts "56", " 56 ", "56 years" is refused
/// (the question asks for a number, and a guess could be wrong).
pub fn parse_integer(raw: &str, min: i64, max: i64) -> Result<i64, ValueError> {
    let digits: String = raw.trim().chars().map(to_ascii_digit).collect();
    let number: i64 = digits.parse().map_err(|_| ValueError::NotANumber)?;
    if (min..=max).contains(&number) {
        Ok(number)
    } else {
        Err(ValueError::OutOfRange { min, max })
    }
}

/// Arabic-Indic and other decimal digits typed on a phone count as digits.
fn to_ascii_digit(ch: char) -> char {
    match ch {
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (ch as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (ch as u32 - 0x06F0) as u8),
        '\u{FF10}'..='\u{FF19}' => char::from(b'0' + (ch as u32 - 0xFF10) as u8),
        other => other,
    }
}

/// A month of a year, e.g. March 2026.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MonthYear {
    pub year: i32,
    pub month: u32,
}

impl MonthYear {
    /// Accepts `03/2026`, `3/2026`, `3.2026`, `3-2026`, `2026-03`, `2026/3`, `03 2026`.
    pub fn parse(raw: &str, today: MonthYear, not_future: bool) -> Result<MonthYear, ValueError> {
        let text: String = raw.trim().chars().map(to_ascii_digit).collect();
        let parts: Vec<&str> = text
            .split(['/', '.', '-', ' ', '\\'])
            .filter(|part| !part.is_empty())
            .collect();
        let [first, second] = parts.as_slice() else {
            return Err(ValueError::NotAMonthYear);
        };
        let (month, year) = if first.len() == 4 {
            (second, first)
        } else {
            (first, second)
        };
        let (Ok(month), Ok(year)) = (month.parse::<u32>(), year.parse::<i32>()) else {
            return Err(ValueError::NotAMonthYear);
        };
        if year.to_string().len() != 4 || !(1..=12).contains(&month) || year < 1900 {
            return Err(ValueError::NotAMonthYear);
        }
        let value = MonthYear { year, month };
        if not_future && value > today {
            return Err(ValueError::InTheFuture);
        }
        Ok(value)
    }
}

impl fmt::Display for MonthYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{}", self.month, self.year)
    }
}

/// A phone number in international form: `+` and 8 to 15 digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    /// A typed number must carry its country code (`+44...` or `0044...`).
    pub fn parse_typed(raw: &str) -> Result<Phone, ValueError> {
        let text: String = raw.trim().chars().map(to_ascii_digit).collect();
        let rest = if let Some(rest) = text.strip_prefix('+') {
            rest
        } else if let Some(rest) = text.strip_prefix("00") {
            rest
        } else {
            return Err(ValueError::NotAPhone);
        };
        Phone::from_digits(rest)
    }

    /// A number shared with Telegram's contact button (sent with or without `+`).
    pub fn from_shared_contact(raw: &str) -> Result<Phone, ValueError> {
        Phone::from_digits(raw.trim().trim_start_matches('+'))
    }

    fn from_digits(text: &str) -> Result<Phone, ValueError> {
        let allowed_separator = |ch: char| matches!(ch, ' ' | '-' | '.' | '(' | ')');
        if text
            .chars()
            .any(|ch| !ch.is_ascii_digit() && !allowed_separator(ch))
        {
            return Err(ValueError::NotAPhone);
        }
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        if (8..=15).contains(&digits.len()) && !digits.starts_with('0') {
            Ok(Phone(format!("+{digits}")))
        } else {
            Err(ValueError::NotAPhone)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A case's human-friendly reference, e.g. `CF-000123`. Stored (in the
/// outbox's jobs) as its bare number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CaseRef(pub i64);

impl CaseRef {
    pub fn parse(text: &str) -> Option<CaseRef> {
        let digits = text.trim().to_ascii_uppercase();
        let digits = digits.strip_prefix("CF-").unwrap_or(&digits).to_owned();
        digits.parse().ok().filter(|n| *n > 0).map(CaseRef)
    }
}

impl fmt::Display for CaseRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CF-{:06}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOV_2026: MonthYear = MonthYear {
        year: 2026,
        month: 11,
    };

    #[test]
    fn text_is_trimmed_cleaned_and_bounded() {
        assert_eq!(
            parse_text("  Ana\u{202E}\u{200B} María \n", 1, 60),
            Ok("Ana María".into())
        );
        assert_eq!(
            parse_text("   ", 1, 60),
            Err(ValueError::TooShort { min: 1 })
        );
        assert_eq!(
            parse_text(&"x".repeat(5000), 1, 60),
            Err(ValueError::TooLong { max: 60 })
        );
        assert_eq!(parse_text("李明", 2, 60), Ok("李明".into()));
    }

    #[test]
    fn integers_are_numbers_in_range() {
        assert_eq!(parse_integer(" 56 ", 0, 120), Ok(56));
        assert_eq!(parse_integer("٥٦", 0, 120), Ok(56));
        assert_eq!(parse_integer("fifty", 0, 120), Err(ValueError::NotANumber));
        assert_eq!(
            parse_integer("56 years", 0, 120),
            Err(ValueError::NotANumber)
        );
        assert_eq!(
            parse_integer("300", 0, 120),
            Err(ValueError::OutOfRange { min: 0, max: 120 })
        );
        assert_eq!(
            parse_integer("-1", 0, 120),
            Err(ValueError::OutOfRange { min: 0, max: 120 })
        );
        assert_eq!(
            parse_integer("99999999999999999999", 0, 120),
            Err(ValueError::NotANumber)
        );
    }

    #[test]
    fn month_year_accepts_common_spellings_and_refuses_the_future() {
        let march = MonthYear {
            year: 2026,
            month: 3,
        };
        for typed in [
            "03/2026",
            "3/2026",
            "3.2026",
            "2026-03",
            "03 2026",
            "٠٣/٢٠٢٦",
        ] {
            assert_eq!(
                MonthYear::parse(typed, NOV_2026, true),
                Ok(march),
                "{typed}"
            );
        }
        assert_eq!(
            MonthYear::parse("12/2026", NOV_2026, true),
            Err(ValueError::InTheFuture)
        );
        assert_eq!(
            MonthYear::parse("12/2026", NOV_2026, false),
            Ok(MonthYear {
                year: 2026,
                month: 12
            })
        );
        assert_eq!(MonthYear::parse("11/2026", NOV_2026, true), Ok(NOV_2026));
        for typed in [
            "13/2026", "0/2026", "March", "3/26", "", "1/2/2026", "03/1850",
        ] {
            assert_eq!(
                MonthYear::parse(typed, NOV_2026, true),
                Err(ValueError::NotAMonthYear),
                "{typed}"
            );
        }
        assert_eq!(march.to_string(), "03/2026");
    }

    #[test]
    fn phones_need_a_country_code_when_typed() {
        assert_eq!(
            Phone::parse_typed("+44 20 7946 0958").unwrap().as_str(),
            "+442079460958"
        );
        assert_eq!(
            Phone::parse_typed("0044 (20) 7946-0958").unwrap().as_str(),
            "+442079460958"
        );
        assert_eq!(
            Phone::parse_typed("020 7946 0958"),
            Err(ValueError::NotAPhone)
        );
        assert_eq!(Phone::parse_typed("+12"), Err(ValueError::NotAPhone));
        assert_eq!(
            Phone::parse_typed("+44 abc 123456"),
            Err(ValueError::NotAPhone)
        );
        assert_eq!(
            Phone::from_shared_contact("79001234567").unwrap().as_str(),
            "+79001234567"
        );
    }

    #[test]
    fn case_references_are_human_friendly() {
        assert_eq!(CaseRef(123).to_string(), "CF-000123");
        assert_eq!(CaseRef::parse("cf-000123"), Some(CaseRef(123)));
        assert_eq!(CaseRef::parse("CF-1234567"), Some(CaseRef(1_234_567)));
        assert_eq!(CaseRef::parse("CF-0"), None);
        assert_eq!(CaseRef::parse("nope"), None);
    }
}
