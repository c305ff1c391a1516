//! Working hours of the coordinator team, in their time zone: whether the
//! team is at work now, and when it next opens (for the out-of-hours note).

use std::fmt;

use jiff::civil::{Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

/// Days and opening times, e.g. `Mon-Fri 09:00-18:00, Sat 10:00-13:00`.
#[derive(Debug, Clone)]
pub struct WorkingHours {
    spans: Vec<Span>,
    zone: TimeZone,
    zone_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    day: Weekday,
    opens: Time,
    closes: Time,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("WORKING_HOURS “{input}”: {reason} (expected e.g. “Mon-Fri 09:00-18:00, Sat 10:00-13:00”)")]
pub struct HoursError {
    input: String,
    reason: String,
}

impl WorkingHours {
    pub fn parse(spec: &str, zone_name: &str) -> Result<WorkingHours, HoursError> {
        let fail = |reason: String| HoursError {
            input: spec.to_owned(),
            reason,
        };
        let zone = TimeZone::get(zone_name)
            .map_err(|_| fail(format!("unknown time zone “{zone_name}”")))?;
        let mut spans = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (days, times) = part
                .split_once(' ')
                .ok_or_else(|| fail(format!("“{part}” needs days and hours")))?;
            let (opens, closes) = times
                .trim()
                .split_once('-')
                .ok_or_else(|| fail(format!("“{times}” needs two times")))?;
            let opens: Time = opens
                .trim()
                .parse()
                .map_err(|_| fail(format!("“{opens}” is not a time")))?;
            let closes: Time = closes
                .trim()
                .parse()
                .map_err(|_| fail(format!("“{closes}” is not a time")))?;
            if opens >= closes {
                return Err(fail(format!("“{times}” closes before it opens")));
            }
            for day in parse_days(days).ok_or_else(|| fail(format!("“{days}” are not days")))? {
                spans.push(Span { day, opens, closes });
            }
        }
        if spans.is_empty() {
            return Err(fail("no opening hours".to_owned()));
        }
        Ok(WorkingHours {
            spans,
            zone,
            zone_name: zone_name.to_owned(),
        })
    }

    fn local(&self, unix: i64) -> Zoned {
        Timestamp::from_second(unix)
            .unwrap_or(Timestamp::UNIX_EPOCH)
            .to_zoned(self.zone.clone())
    }

    pub fn is_open(&self, unix: i64) -> bool {
        let now = self.local(unix);
        let time = now.time();
        self.spans
            .iter()
            .any(|span| span.day == now.weekday() && span.opens <= time && time < span.closes)
    }

    /// The next opening, as local `YYYY-MM-DD HH:MM` (`None` when open now).
    pub fn next_opening(&self, unix: i64) -> Option<jiff::Zoned> {
        if self.is_open(unix) {
            return None;
        }
        let now = self.local(unix);
        (0..=7).find_map(|days_ahead| {
            let date = now
                .date()
                .checked_add(jiff::Span::new().days(days_ahead))
                .ok()?;
            self.spans
                .iter()
                .filter(|span| span.day == date.weekday())
                .map(|span| date.to_datetime(span.opens))
                .filter(|opening| days_ahead > 0 || *opening > now.datetime())
                .min()
                .and_then(|opening| opening.to_zoned(self.zone.clone()).ok())
        })
    }
}

impl WorkingHours {
    /// Seconds of working time in `[from, to)` (unix seconds): the clock of
    /// escalations, which stops outside working hours. Only the last
    /// `LOOK_BACK_DAYS` days count (a wait longer than that is long anyway).
    pub fn open_seconds(&self, from: i64, to: i64) -> i64 {
        const LOOK_BACK_DAYS: i64 = 60;
        let from = from.max(to - LOOK_BACK_DAYS * 86_400);
        if from >= to {
            return 0;
        }
        let (first, last) = (self.local(from).date(), self.local(to).date());
        let mut total = 0;
        let mut day = first;
        while day <= last {
            for span in self.spans.iter().filter(|span| span.day == day.weekday()) {
                let bound = |time: Time| {
                    day.to_datetime(time)
                        .to_zoned(self.zone.clone())
                        .map(|at| at.timestamp().as_second())
                };
                if let (Ok(opens), Ok(closes)) = (bound(span.opens), bound(span.closes)) {
                    total += (closes.min(to) - opens.max(from)).max(0);
                }
            }
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        total
    }
}

impl fmt::Display for WorkingHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let spans: Vec<String> = self
            .spans
            .iter()
            .map(|s| {
                format!(
                    "{:?} {}-{}",
                    s.day,
                    s.opens.strftime("%H:%M"),
                    s.closes.strftime("%H:%M")
                )
            })
            .collect();
        write!(f, "{} ({})", spans.join(", "), self.zone_name)
    }
}

/// A day by its English name or its first three letters (`mon`, `Monday`).
pub fn weekday(name: &str) -> Option<Weekday> {
    Some(match name.trim().to_ascii_lowercase().get(..3)? {
        "mon" => Weekday::Monday,
        "tue" => Weekday::Tuesday,
        "wed" => Weekday::Wednesday,
        "thu" => Weekday::Thursday,
        "fri" => Weekday::Friday,
        "sat" => Weekday::Saturday,
        "sun" => Weekday::Sunday,
        _ => return None,
    })
}

fn parse_days(text: &str) -> Option<Vec<Weekday>> {
    match text.split_once('-') {
        Some((first, last)) => {
            let (first, last) = (weekday(first)?, weekday(last)?);
            let mut days = vec![first];
            let mut current = first;
            while current != last {
                current = current.next();
                days.push(current);
            }
            Some(days)
        }
        None => text.split('/').map(weekday).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-27 is a Friday.
    fn at(local: &str, zone: &str) -> i64 {
        let civil: jiff::civil::DateTime = local.parse().unwrap();
        civil
            .to_zoned(TimeZone::get(zone).unwrap())
            .unwrap()
            .timestamp()
            .as_second()
    }

    #[test]
    fn open_during_the_week_in_the_team_time_zone() {
        let hours = WorkingHours::parse("Mon-Fri 09:00-18:00", "Europe/Madrid").unwrap();
        assert!(hours.is_open(at("2026-11-27T10:00", "Europe/Madrid")));
        assert!(!hours.is_open(at("2026-11-27T18:00", "Europe/Madrid")));
        assert!(
            !hours.is_open(at("2026-11-28T10:00", "Europe/Madrid")),
            "Saturday"
        );
        // 08:30 UTC is 09:30 in Madrid in November.
        assert!(hours.is_open(at("2026-11-27T08:30", "UTC")));
    }

    #[test]
    fn working_time_between_two_moments_skips_nights_and_weekends() {
        let hours = WorkingHours::parse("Mon-Fri 09:00-18:00", "Europe/Madrid").unwrap();
        let madrid = |local: &str| at(local, "Europe/Madrid");
        // Friday 17:50 to Monday 09:10: ten minutes, then ten more.
        assert_eq!(
            hours.open_seconds(madrid("2026-11-27T17:50"), madrid("2026-11-30T09:10")),
            20 * 60
        );
        // All within one morning.
        assert_eq!(
            hours.open_seconds(madrid("2026-11-27T10:00"), madrid("2026-11-27T10:31")),
            31 * 60
        );
        // A whole night outside the hours counts nothing.
        assert_eq!(
            hours.open_seconds(madrid("2026-11-27T18:30"), madrid("2026-11-27T23:00")),
            0
        );
        // A week: five days of nine hours.
        assert_eq!(
            hours.open_seconds(madrid("2026-11-23T00:00"), madrid("2026-11-30T00:00")),
            5 * 9 * 3600
        );
        assert_eq!(
            hours.open_seconds(madrid("2026-11-27T10:00"), madrid("2026-11-27T09:00")),
            0
        );
    }

    #[test]
    fn next_opening_skips_the_weekend() {
        let hours =
            WorkingHours::parse("Mon-Fri 09:00-18:00, Sat 10:00-13:00", "Europe/Madrid").unwrap();
        assert_eq!(
            hours
                .next_opening(at("2026-11-27T19:00", "Europe/Madrid"))
                .map(|at| at.strftime("%Y-%m-%d %H:%M %Z").to_string()),
            Some("2026-11-28 10:00 CET".to_owned())
        );
        assert_eq!(
            hours
                .next_opening(at("2026-11-28T14:00", "Europe/Madrid"))
                .map(|at| at.strftime("%Y-%m-%d %H:%M %Z").to_string()),
            Some("2026-11-30 09:00 CET".to_owned())
        );
        assert_eq!(
            hours
                .next_opening(at("2026-11-30T07:00", "Europe/Madrid"))
                .map(|at| at.strftime("%Y-%m-%d %H:%M %Z").to_string()),
            Some("2026-11-30 09:00 CET".to_owned())
        );
        assert_eq!(
            hours.next_opening(at("2026-11-30T10:00", "Europe/Madrid")),
            None
        );
    }

    #[test]
    fn mistakes_are_explained() {
        for (spec, zone, expected) in [
            ("Mon-Fri 09:00-18:00", "Mars/Olympus", "unknown time zone"),
            ("Mon-Fri", "UTC", "needs days and hours"),
            ("Mon-Fri 18:00-09:00", "UTC", "closes before it opens"),
            ("Funday 09:00-10:00", "UTC", "are not days"),
            ("Mon 9am-5pm", "UTC", "is not a time"),
            ("", "UTC", "no opening hours"),
        ] {
            let err = WorkingHours::parse(spec, zone).unwrap_err().to_string();
            assert!(err.contains(expected), "{spec}: {err}");
        }
        assert!(WorkingHours::parse("Sat/Sun 10:00-12:00", "Asia/Dubai").is_ok());
    }
}
