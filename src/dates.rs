//! Dates and times as a patient reads them: in their language, with CLDR's
//! own words for days, months and places (ICU4X, data compiled in), never
//! a raw `2026-12-07 09:00` or an IANA zone name such as `Europe/Madrid`.
//!
//! Pure formatting: no clock, no I/O.

use icu::calendar::Iso;
use icu::datetime::DateTimeFormatter;
use icu::datetime::fieldsets::{self, zone};
use icu::locale::Locale;
use icu::time::ZonedDateTime;
use icu::time::zone::IanaParser;

/// A day and time in its place's zone, e.g. "Monday, December 7 at
/// 9:00 AM Spain Time" (en), "lunes, 7 de diciembre a las 09:00 hora de
/// España" (es). A language ICU4X has no data for falls back to its root
/// patterns; a moment it cannot read (never, from `jiff`) to the ISO form.
pub fn day_and_time(locale_tag: &str, at: &jiff::Zoned) -> String {
    let formatted = (|| {
        let locale: Locale = locale_tag.parse().ok()?;
        let moment =
            ZonedDateTime::try_lenient_from_str(&at.to_string(), Iso, IanaParser::new()).ok()?;
        let formatter = DateTimeFormatter::try_new(
            locale.into(),
            fieldsets::MDE::long()
                .with_time_hm()
                .with_zone(zone::Location),
        )
        .ok()?;
        Some(formatter.format(&moment).to_string())
    })();
    formatted.unwrap_or_else(|| at.strftime("%Y-%m-%d %H:%M (UTC%:z)").to_string())
}

/// A calendar day, e.g. "April 16, 2026" (en), "16 de abril de 2026"
/// (es). `day` is `YYYY-MM-DD`; anything else is shown as it is.
pub fn day(locale_tag: &str, day: &str) -> String {
    let formatted = (|| {
        let locale: Locale = locale_tag.parse().ok()?;
        let date = icu::calendar::Date::try_from_str(day, Iso).ok()?;
        let formatter = DateTimeFormatter::try_new(locale.into(), fieldsets::YMD::long()).ok()?;
        Some(formatter.format(&date).to_string())
    })();
    formatted.unwrap_or_else(|| day.to_owned())
}

/// A day with its weekday, short, e.g. "Wed, Nov 18" (en), "mié, 18 nov"
/// (es): the weekly summary's week. A language ICU4X has no data for
/// falls back to its root patterns.
pub fn short_day(locale_tag: &str, day: jiff::civil::Date) -> String {
    let formatted = (|| {
        let locale: Locale = locale_tag.parse().ok()?;
        let (month, of_month) = (
            u8::try_from(day.month()).ok()?,
            u8::try_from(day.day()).ok()?,
        );
        let date = icu::calendar::Date::try_new_iso(day.year().into(), month, of_month).ok()?;
        let formatter = DateTimeFormatter::try_new(locale.into(), fieldsets::MDE::medium()).ok()?;
        Some(formatter.format(&date).to_string())
    })();
    formatted.unwrap_or_else(|| day.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn monday_morning_in(zone: &str) -> jiff::Zoned {
        jiff::civil::date(2026, 12, 7)
            .at(9, 0, 0, 0)
            .in_tz(zone)
            .unwrap()
    }

    #[test]
    fn each_language_has_its_words_and_the_place_is_named() {
        let madrid = monday_morning_in("Europe/Madrid");
        for (tag, expected) in [
            // CLDR puts a narrow no-break space before AM.
            ("en", "Monday, December 7 at 9:00\u{202f}AM Spain Time"),
            ("es", "lunes, 7 de diciembre a las 09:00 hora de España"),
            ("fr", "lundi 7 décembre à 09:00 heure : Espagne"),
            ("ru", "понедельник, 7 декабря в 09:00 Испания"),
            ("zh-Hans", "12月7日星期一 西班牙时间 09:00"),
        ] {
            assert_eq!(day_and_time(tag, &madrid), expected, "{tag}");
        }
        let arabic = day_and_time("ar", &madrid);
        assert!(
            arabic.contains("الاثنين") && arabic.contains("ديسمبر") && arabic.contains("إسبانيا"),
            "{arabic}"
        );
        for text in [day_and_time("en", &madrid), arabic] {
            assert!(
                !text.contains("Europe/Madrid") && !text.contains("2026-12-07"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_day_in_each_language() {
        assert_eq!(day("en", "2026-04-16"), "April 16, 2026");
        assert_eq!(day("es", "2026-04-16"), "16 de abril de 2026");
        assert_eq!(day("zh-Hans", "2026-04-16"), "2026年4月16日");
        assert_eq!(day("en", "spring 2026"), "spring 2026", "shown as written");
    }

    #[test]
    fn a_short_day_with_its_weekday_in_each_language() {
        let day = jiff::civil::date(2026, 11, 18);
        assert_eq!(short_day("en", day), "Wed, Nov 18");
        assert_eq!(short_day("es", day), "mié, 18 nov");
        assert_eq!(short_day("not a tag!", day), "2026-11-18");
    }

    #[test]
    fn an_unknown_language_still_gets_the_day_and_time() {
        let text = day_and_time("not a tag!", &monday_morning_in("Asia/Tokyo"));
        assert_eq!(text, "2026-12-07 09:00 (UTC+09:00)");
    }
}
