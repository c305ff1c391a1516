//! Reports for coordinators: the figures behind `/stats`, the weekly summary
//! and `navigator report` — cases opened, assigned and closed in a period,
//! how long patients waited for a first reply and for a close, ratings, and
//! cases by language, cancer type and driver — plus the weekly schedule.
//!
//! Owns the arithmetic and the texts' layout; the words come from
//! `coordinators.ftl` in the coordinators' language (`handoff::texts`),
//! the days from `dates`. `navigator report`'s CSV and JSON keep their
//! English keys (they are for machines). Pure: plain rows in, figures and
//! text out. Must not touch Telegram, storage or the network, and never
//! sees free text a patient wrote: a `CaseRow` holds only timestamps,
//! statuses and the form's fixed choices.

use std::collections::BTreeMap;
use std::fmt;

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;

use crate::dates;
use crate::handoff::CaseStatus;
use crate::handoff::hours::weekday;
use crate::handoff::queue::waited;
use crate::handoff::texts::Texts;
use crate::i18n::Arg;
use crate::intake::CaseRef;
use crate::text::escape_html;

/// What a report knows about one case: no names, no free text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    pub reference: CaseRef,
    /// The patient's language (locale code, e.g. `es`).
    pub locale: String,
    pub status: CaseStatus,
    pub opened_at: i64,
    /// First taken by a coordinator (kept through releases and reopenings).
    pub assigned_at: Option<i64>,
    /// First message a coordinator relayed to the patient.
    pub first_reply_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// The coordinator holding (or who last held) the case.
    pub coordinator: Option<String>,
    /// 1-5, given by the patient after a close.
    pub rating: Option<i64>,
    /// The form's `cancer_type` choice (`lung`, …, `other`), if answered.
    pub cancer_type: Option<String>,
    /// The form's `driver` choice (`egfr`, …, `unknown`), if answered.
    pub driver: Option<String>,
    /// The group of the team that has the case.
    pub team_group: Option<i64>,
    /// Reminders about the case (see `handoff::escalation`) in the period
    /// read: when, and which (1, or 2 for the second, for everyone).
    pub reminders: Vec<(i64, u8)>,
}

/// A half-open span of time, `[start, end)` in unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub start: i64,
    pub end: i64,
}

impl Period {
    pub fn contains(&self, at: i64) -> bool {
        self.start <= at && at < self.end
    }

    fn holds(&self, at: Option<i64>) -> bool {
        at.is_some_and(|at| self.contains(at))
    }

    /// Whole days `from` to `to` (both included) in a time zone.
    pub fn days(from: Date, to: Date, zone: &TimeZone) -> anyhow::Result<Period> {
        anyhow::ensure!(from <= to, "--from {from} is after --to {to}");
        let start = from.to_zoned(zone.clone())?.timestamp().as_second();
        let end = to
            .checked_add(1.day())?
            .to_zoned(zone.clone())?
            .timestamp()
            .as_second();
        Ok(Period { start, end })
    }
}

/// Median and 90th percentile (nearest rank) of some durations, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Durations {
    pub count: usize,
    pub median_seconds: Option<i64>,
    pub p90_seconds: Option<i64>,
}

impl Durations {
    pub fn of(mut seconds: Vec<i64>) -> Durations {
        seconds.sort_unstable();
        Durations {
            count: seconds.len(),
            median_seconds: nearest_rank(&seconds, 50),
            p90_seconds: nearest_rank(&seconds, 90),
        }
    }
}

/// The smallest value with at least `percent`% of the values at or below it.
fn nearest_rank(sorted: &[i64], percent: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// The figures of one period.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Figures {
    /// Cases opened in the period.
    pub opened: usize,
    /// Cases first taken by a coordinator in the period.
    pub assigned: usize,
    /// Cases closed in the period.
    pub closed: usize,
    /// Opening to the first coordinator reply, for first replies in the period.
    pub first_reply: Durations,
    /// Opening to closing, for cases closed in the period.
    pub to_close: Durations,
    /// Ratings of cases closed in the period.
    pub rating_count: usize,
    pub rating_average: Option<f64>,
    /// Cases opened in the period, by the patient's language.
    pub by_language: BTreeMap<String, usize>,
    /// … by the form's cancer type (`not given` when the form was skipped).
    pub by_cancer_type: BTreeMap<String, usize>,
    /// … by the form's driver.
    pub by_driver: BTreeMap<String, usize>,
    /// Reminders about forgotten cases sent in the period (first ones).
    pub reminders: usize,
    /// … and second ones, for everyone.
    pub second_reminders: usize,
}

const NOT_GIVEN: &str = "not given";

/// The figures of `period`.
pub fn figures(rows: &[CaseRow], period: Period) -> Figures {
    let opened: Vec<&CaseRow> = rows
        .iter()
        .filter(|row| period.contains(row.opened_at))
        .collect();
    let closed: Vec<&CaseRow> = rows
        .iter()
        .filter(|row| row.status == CaseStatus::Closed && period.holds(row.closed_at))
        .collect();
    let ratings: Vec<i64> = closed.iter().filter_map(|row| row.rating).collect();
    let count_by = |key: fn(&CaseRow) -> Option<&str>| {
        let mut counts = BTreeMap::new();
        for row in &opened {
            *counts
                .entry(key(row).unwrap_or(NOT_GIVEN).to_owned())
                .or_insert(0) += 1;
        }
        counts
    };
    Figures {
        opened: opened.len(),
        assigned: rows
            .iter()
            .filter(|row| period.holds(row.assigned_at))
            .count(),
        closed: closed.len(),
        first_reply: Durations::of(
            rows.iter()
                .filter_map(|row| row.first_reply_at.map(|at| (row, at)))
                .filter(|(_, at)| period.contains(*at))
                .map(|(row, at)| (at - row.opened_at).max(0))
                .collect(),
        ),
        to_close: Durations::of(
            closed
                .iter()
                .filter_map(|row| row.closed_at.map(|at| (at - row.opened_at).max(0)))
                .collect(),
        ),
        rating_count: ratings.len(),
        rating_average: (!ratings.is_empty())
            .then(|| ratings.iter().sum::<i64>() as f64 / ratings.len() as f64),
        by_language: count_by(|row| Some(row.locale.as_str())),
        by_cancer_type: count_by(|row| row.cancer_type.as_deref()),
        by_driver: count_by(|row| row.driver.as_deref()),
        reminders: reminders_of(rows, period, |level| level < 2),
        second_reminders: reminders_of(rows, period, |level| level >= 2),
    }
}

/// Reminders in `period` whose level `counts`.
fn reminders_of(rows: &[CaseRow], period: Period, counts: fn(u8) -> bool) -> usize {
    rows.iter()
        .flat_map(|row| &row.reminders)
        .filter(|(at, level)| period.contains(*at) && counts(*level))
        .count()
}

/// Whether a case had anything happen in the period (for per-case exports).
pub fn touches(row: &CaseRow, period: Period) -> bool {
    row.reminders.iter().any(|(at, _)| period.contains(*at))
        || period.contains(row.opened_at)
        || period.holds(row.assigned_at)
        || period.holds(row.first_reply_at)
        || period.holds(row.closed_at)
}

/// What `/stats` shows: the queue now, today and this week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    pub waiting_now: usize,
    pub assigned_now: usize,
    pub today: Period,
    pub week: Period,
    pub today_figures: Figures,
    pub week_figures: Figures,
}

/// The queue now, today and this week (since Monday 00:00) in `zone`.
pub fn summarize(rows: &[CaseRow], now: i64, zone: &TimeZone) -> Stats {
    let today_date = Timestamp::from_second(now)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(zone.clone())
        .date();
    let monday = today_date
        .checked_sub(i64::from(today_date.weekday().to_monday_zero_offset()).days())
        .unwrap_or(today_date);
    let day_start = |date: Date| {
        date.to_zoned(zone.clone())
            .map_or(now, |zoned| zoned.timestamp().as_second())
    };
    let end = now + 1;
    let today = Period {
        start: day_start(today_date),
        end,
    };
    let week = Period {
        start: day_start(monday),
        end,
    };
    Stats {
        waiting_now: rows
            .iter()
            .filter(|row| row.status == CaseStatus::Waiting)
            .count(),
        assigned_now: rows
            .iter()
            .filter(|row| row.status == CaseStatus::Assigned)
            .count(),
        today,
        week,
        today_figures: figures(rows, today),
        week_figures: figures(rows, week),
    }
}

/// "3 min", "2 h 05 min", or "–" with no data.
fn duration_text(texts: &Texts, seconds: Option<i64>) -> String {
    seconds.map_or_else(|| "–".to_owned(), |seconds| waited(texts, seconds))
}

/// "First reply: median 30 min, p90 2 h 05 min (3 cases)", or "First reply: –".
fn durations_html(texts: &Texts, label_id: &str, durations: &Durations) -> String {
    let label = texts.say(label_id, &[]);
    if durations.count == 0 {
        return texts.say(
            "coord-figures-no-durations",
            &[("label", Arg::Html(&label))],
        );
    }
    texts.say(
        "coord-figures-durations",
        &[
            ("label", Arg::Html(&label)),
            (
                "median",
                Arg::Html(&duration_text(texts, durations.median_seconds)),
            ),
            (
                "p90",
                Arg::Html(&duration_text(texts, durations.p90_seconds)),
            ),
            ("count", Arg::Number(count_arg(durations.count))),
        ],
    )
}

fn count_arg(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// "es 2, ar 1": most frequent first; answers not given in the
/// coordinators' language, the form's choices and languages by their codes.
fn counts_html(texts: &Texts, counts: &BTreeMap<String, usize>) -> String {
    if counts.is_empty() {
        return "–".to_owned();
    }
    let mut entries: Vec<(&String, &usize)> = counts.iter().collect();
    // Most frequent first, then alphabetical.
    entries.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    entries
        .iter()
        .map(|(key, count)| {
            let key = if key.as_str() == NOT_GIVEN {
                texts.say("coord-figures-not-given", &[])
            } else {
                escape_html(key)
            };
            format!("{key} {count}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// An average with one decimal, with the language's decimal separator
/// ("4.5" in English, "4,5" in Spanish), in Latin digits like every other
/// figure here.
fn one_decimal(locale_tag: &str, value: f64) -> String {
    let formatted = (|| {
        let locale: icu::locale::Locale = format!("{locale_tag}-u-nu-latn").parse().ok()?;
        let formatter =
            icu::decimal::DecimalFormatter::try_new(locale.into(), Default::default()).ok()?;
        // Ratings are 1-5: tenths fit an i64 whatever the average.
        let tenths = (value * 10.0).round() as i64;
        let mut decimal = icu::decimal::input::Decimal::from(tenths);
        decimal.multiply_pow10(-1);
        Some(formatter.format_to_string(&decimal))
    })();
    formatted.unwrap_or_else(|| format!("{value:.1}"))
}

fn figures_html(texts: &Texts, figures: &Figures) -> String {
    let counted = |id: &str, counts: &BTreeMap<String, usize>| {
        texts.say(id, &[("counts", Arg::Html(&counts_html(texts, counts)))])
    };
    let rating = match figures.rating_average {
        Some(average) => texts.say(
            "coord-figures-rating",
            &[
                (
                    "average",
                    Arg::Text(&one_decimal(&texts.locale().tag(), average)),
                ),
                ("count", Arg::Number(count_arg(figures.rating_count))),
            ],
        ),
        None => texts.say("coord-figures-no-rating", &[]),
    };
    [
        texts.say(
            "coord-figures-cases",
            &[
                ("opened", Arg::Number(count_arg(figures.opened))),
                ("assigned", Arg::Number(count_arg(figures.assigned))),
                ("closed", Arg::Number(count_arg(figures.closed))),
            ],
        ),
        durations_html(texts, "coord-figures-first-reply", &figures.first_reply),
        durations_html(texts, "coord-figures-to-close", &figures.to_close),
        rating,
        texts.say(
            "coord-figures-reminders",
            &[
                ("reminders", Arg::Number(count_arg(figures.reminders))),
                ("second", Arg::Number(count_arg(figures.second_reminders))),
            ],
        ),
        counted("coord-figures-languages", &figures.by_language),
        counted("coord-figures-cancer-types", &figures.by_cancer_type),
        counted("coord-figures-drivers", &figures.by_driver),
    ]
    .join("\n")
}

/// "Now: 3 waiting · 1 assigned" (or "In the queue now: …" with `id`).
fn queue_now(texts: &Texts, id: &str, waiting: usize, assigned: usize) -> String {
    texts.say(
        id,
        &[
            ("waiting", Arg::Number(count_arg(waiting))),
            ("assigned", Arg::Number(count_arg(assigned))),
        ],
    )
}

/// `/stats`, Telegram HTML, in the coordinators' language.
pub fn stats_html(texts: &Texts, stats: &Stats, zone_name: &str) -> String {
    [
        texts.say("coord-stats-title", &[("zone", Arg::Text(zone_name))]),
        "\n".to_owned(),
        queue_now(
            texts,
            "coord-stats-now",
            stats.waiting_now,
            stats.assigned_now,
        ),
        "\n\n".to_owned(),
        texts.say("coord-stats-today", &[]),
        "\n".to_owned(),
        figures_html(texts, &stats.today_figures),
        "\n\n".to_owned(),
        texts.say("coord-stats-week", &[]),
        "\n".to_owned(),
        figures_html(texts, &stats.week_figures),
    ]
    .concat()
}

/// `/stats` in one of several teams' groups: the team's figures, then
/// every team's.
pub fn team_stats_html(
    texts: &Texts,
    team: &str,
    mine: &Stats,
    all: &Stats,
    zone_name: &str,
) -> String {
    format!(
        "🧭 <b>{}</b>\n{}\n\n{}\n{}\n{}\n{}",
        escape_html(team),
        stats_html(texts, mine, zone_name),
        texts.say("coord-stats-all-teams", &[]),
        queue_now(texts, "coord-stats-now", all.waiting_now, all.assigned_now),
        texts.say("coord-stats-all-teams-week", &[]),
        figures_html(texts, &all.week_figures),
    )
}

/// The weekly summary posted in the group's General topic, Telegram HTML,
/// in the coordinators' language (its days through ICU4X, `dates`).
pub fn weekly_html(texts: &Texts, rows: &[CaseRow], period: Period, zone: &TimeZone) -> String {
    let tag = texts.locale().tag();
    let date = |at: i64| {
        let day = Timestamp::from_second(at)
            .unwrap_or(Timestamp::UNIX_EPOCH)
            .to_zoned(zone.clone())
            .date();
        dates::short_day(&tag, day)
    };
    let waiting = rows
        .iter()
        .filter(|row| row.status == CaseStatus::Waiting)
        .count();
    let assigned = rows
        .iter()
        .filter(|row| row.status == CaseStatus::Assigned)
        .count();
    let title = texts.say(
        "coord-weekly-title",
        &[
            ("from", Arg::Text(&date(period.start))),
            ("to", Arg::Text(&date(period.end - 1))),
        ],
    );
    format!(
        "{title}\n{}\n\n{}",
        figures_html(texts, &figures(rows, period)),
        queue_now(texts, "coord-weekly-queue", waiting, assigned),
    )
}

/// When the weekly summary is posted: a weekday and a time in a time zone.
#[derive(Debug, Clone)]
pub struct WeeklySchedule {
    pub day: Weekday,
    pub time: Time,
    pub zone: TimeZone,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("WEEKLY_SUMMARY “{input}”: {reason} (expected e.g. “mon 09:00”, or “off”)")]
pub struct ScheduleError {
    input: String,
    reason: String,
}

impl WeeklySchedule {
    /// `mon 09:00` (any day name or its first three letters), or `off` /
    /// empty for no summary.
    pub fn parse(spec: &str, zone_name: &str) -> Result<Option<WeeklySchedule>, ScheduleError> {
        let fail = |reason: String| ScheduleError {
            input: spec.to_owned(),
            reason,
        };
        let spec_trimmed = spec.trim();
        if spec_trimmed.is_empty() || spec_trimmed.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let zone = TimeZone::get(zone_name)
            .map_err(|_| fail(format!("unknown time zone “{zone_name}”")))?;
        let (day, time) = spec_trimmed
            .split_once(char::is_whitespace)
            .ok_or_else(|| fail("needs a day and a time".to_owned()))?;
        let day = weekday(day).ok_or_else(|| fail(format!("“{day}” is not a day")))?;
        let time: Time = time
            .trim()
            .parse()
            .map_err(|_| fail(format!("“{}” is not a time", time.trim())))?;
        Ok(Some(WeeklySchedule { day, time, zone }))
    }

    /// The latest posting time at or before `now` (unix seconds).
    pub fn latest_slot(&self, now: i64) -> i64 {
        let today = Timestamp::from_second(now)
            .unwrap_or(Timestamp::UNIX_EPOCH)
            .to_zoned(self.zone.clone())
            .date();
        let back = (today.weekday().to_monday_zero_offset() - self.day.to_monday_zero_offset())
            .rem_euclid(7);
        let slot_at = |date: Date| {
            date.to_datetime(self.time)
                .to_zoned(self.zone.clone())
                .map_or(now, |zoned| zoned.timestamp().as_second())
        };
        let date = today.checked_sub(i64::from(back).days()).unwrap_or(today);
        let slot = slot_at(date);
        if slot <= now {
            slot
        } else {
            slot_at(date.checked_sub(7.days()).unwrap_or(date))
        }
    }

    /// The week a summary posted at `slot` covers: the seven days before it.
    pub fn week_before(slot: i64) -> Period {
        Period {
            start: slot - 7 * 86_400,
            end: slot,
        }
    }
}

impl fmt::Display for WeeklySchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} {}", self.day, self.time.strftime("%H:%M"))
    }
}

/// A summary missed by more than this (the bot was down) is not posted late.
pub const WEEKLY_CATCH_UP: i64 = 12 * 3600;

/// RFC 3339 in UTC (`2026-11-28T09:30:00Z`), for exports.
pub fn iso(at: i64) -> String {
    Timestamp::from_second(at)
        .map(|ts| ts.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handoff::texts::tests::{english, texts_in};

    const HOUR: i64 = 3600;
    /// Wednesday 25 November 2026, 12:00 UTC.
    const WED_NOON: i64 = 1_795_608_000;

    fn utc() -> TimeZone {
        TimeZone::UTC
    }

    fn row(id: i64, opened_at: i64) -> CaseRow {
        CaseRow {
            reference: CaseRef(id),
            locale: "en".to_owned(),
            status: CaseStatus::Waiting,
            opened_at,
            assigned_at: None,
            first_reply_at: None,
            closed_at: None,
            coordinator: None,
            rating: None,
            cancer_type: None,
            driver: None,
            team_group: None,
            reminders: Vec::new(),
        }
    }

    #[test]
    fn the_reference_instant_is_a_wednesday_noon() {
        let zoned = Timestamp::from_second(WED_NOON).unwrap().to_zoned(utc());
        assert_eq!(zoned.weekday(), Weekday::Wednesday);
        assert_eq!(zoned.hour(), 12);
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        assert_eq!(Durations::of(vec![]).median_seconds, None);
        let one = Durations::of(vec![42]);
        assert_eq!((one.median_seconds, one.p90_seconds), (Some(42), Some(42)));
        let ten = Durations::of((1..=10).rev().map(|m| m * 60).collect());
        assert_eq!(ten.count, 10);
        assert_eq!(ten.median_seconds, Some(5 * 60));
        assert_eq!(ten.p90_seconds, Some(9 * 60));
        let four = Durations::of(vec![40, 10, 30, 20]);
        assert_eq!(
            (four.median_seconds, four.p90_seconds),
            (Some(20), Some(40))
        );
    }

    #[test]
    fn today_and_this_week_count_what_happened_in_them() {
        let monday_morning = WED_NOON - 2 * 24 * HOUR - 3 * HOUR; // Mon 09:00
        let last_week = WED_NOON - 7 * 24 * HOUR;
        let rows = vec![
            // Opened last week, taken and answered on Monday, closed today.
            CaseRow {
                status: CaseStatus::Closed,
                assigned_at: Some(monday_morning),
                first_reply_at: Some(monday_morning + HOUR),
                closed_at: Some(WED_NOON - HOUR),
                coordinator: Some("Maria".to_owned()),
                rating: Some(5),
                cancer_type: Some("lung".to_owned()),
                driver: Some("egfr".to_owned()),
                team_group: None,
                locale: "es".to_owned(),
                ..row(1, last_week)
            },
            // Opened today, answered after 30 minutes, still assigned.
            CaseRow {
                status: CaseStatus::Assigned,
                assigned_at: Some(WED_NOON - 2 * HOUR),
                first_reply_at: Some(WED_NOON - 2 * HOUR),
                cancer_type: Some("lung".to_owned()),
                driver: Some("alk".to_owned()),
                team_group: None,
                ..row(2, WED_NOON - 2 * HOUR - 1800)
            },
            // Opened on Monday, waiting.
            row(3, monday_morning),
            // Opened on Tuesday, closed on Tuesday with a 3.
            CaseRow {
                status: CaseStatus::Closed,
                closed_at: Some(monday_morning + 26 * HOUR),
                rating: Some(3),
                locale: "ar".to_owned(),
                ..row(4, monday_morning + 24 * HOUR)
            },
        ];
        let stats = summarize(&rows, WED_NOON, &utc());
        assert_eq!((stats.waiting_now, stats.assigned_now), (1, 1));
        assert_eq!(stats.week.start, monday_morning - 9 * HOUR);
        assert_eq!(stats.today.start, WED_NOON - 12 * HOUR);

        let today = &stats.today_figures;
        assert_eq!((today.opened, today.assigned, today.closed), (1, 1, 1));
        assert_eq!(today.first_reply.count, 1);
        assert_eq!(today.first_reply.median_seconds, Some(1800));
        assert_eq!(today.to_close.median_seconds, Some(7 * 24 * HOUR - HOUR));
        assert_eq!((today.rating_count, today.rating_average), (1, Some(5.0)));
        assert_eq!(today.by_language, BTreeMap::from([("en".to_owned(), 1)]));

        let week = &stats.week_figures;
        assert_eq!((week.opened, week.assigned, week.closed), (3, 2, 2));
        assert_eq!(week.first_reply.count, 2);
        assert_eq!(week.first_reply.median_seconds, Some(1800));
        assert_eq!(
            week.first_reply.p90_seconds,
            Some(monday_morning + HOUR - last_week)
        );
        assert_eq!(week.to_close.median_seconds, Some(2 * HOUR));
        assert_eq!(week.rating_count, 2);
        assert_eq!(week.rating_average, Some(4.0));
        assert_eq!(
            week.by_language,
            BTreeMap::from([("ar".to_owned(), 1), ("en".to_owned(), 2)])
        );
        assert_eq!(
            week.by_cancer_type,
            BTreeMap::from([("lung".to_owned(), 1), (NOT_GIVEN.to_owned(), 2)])
        );
        assert_eq!(
            week.by_driver,
            BTreeMap::from([("alk".to_owned(), 1), (NOT_GIVEN.to_owned(), 2)])
        );

        let html = stats_html(&english(), &stats, "UTC");
        assert!(html.contains("Now: 1 waiting · 1 assigned"), "{html}");
        assert!(html.contains("Opened 3 · assigned 2 · closed 2"), "{html}");
        assert!(html.contains("First reply: median 30 min"), "{html}");
        assert!(html.contains("Rating: 4.0/5 (2 ratings)"), "{html}");
        assert!(html.contains("Languages: en 2, ar 1"), "{html}");
        assert!(html.contains("Drivers: not given 2, alk 1"), "{html}");
    }

    #[test]
    fn reminders_count_in_the_period_they_were_sent() {
        let mut forgotten = row(1, WED_NOON - 30 * 24 * HOUR);
        forgotten.reminders = vec![
            (WED_NOON - 3 * 24 * HOUR, 1), // Sunday: last week
            (WED_NOON - HOUR, 1),
            (WED_NOON - HOUR / 2, 2),
        ];
        let mut other = row(2, WED_NOON - 2 * HOUR);
        other.reminders = vec![(WED_NOON - 25 * HOUR, 1)]; // Tuesday
        let stats = summarize(&[forgotten.clone(), other], WED_NOON, &utc());
        assert_eq!(
            (
                stats.today_figures.reminders,
                stats.today_figures.second_reminders
            ),
            (1, 1)
        );
        assert_eq!(
            (
                stats.week_figures.reminders,
                stats.week_figures.second_reminders
            ),
            (2, 1)
        );
        assert!(
            stats_html(&english(), &stats, "UTC")
                .contains("Reminders about forgotten cases: 1 (second, for everyone: 1)")
        );
        let long_ago = Period {
            start: WED_NOON - 20 * 24 * HOUR,
            end: WED_NOON - 10 * 24 * HOUR,
        };
        assert!(!touches(&forgotten, long_ago));
        let sunday = Period {
            start: WED_NOON - 3 * 24 * HOUR,
            end: WED_NOON - 3 * 24 * HOUR + 1,
        };
        assert!(
            touches(&forgotten, sunday),
            "a reminder is something that happened"
        );
    }

    #[test]
    fn a_reopened_case_counts_only_what_it_has_now() {
        // Reopened: open again, closing time cleared; it is not "closed".
        let rows = vec![CaseRow {
            status: CaseStatus::Waiting,
            closed_at: None,
            ..row(1, WED_NOON - HOUR)
        }];
        let figures = figures(
            &rows,
            Period {
                start: 0,
                end: WED_NOON + 1,
            },
        );
        assert_eq!((figures.opened, figures.closed), (1, 0));
        assert_eq!(figures.rating_average, None);
        assert!(figures_html(&english(), &figures).contains("First reply: –"));
    }

    #[test]
    fn a_time_zone_moves_the_start_of_the_day() {
        let madrid = TimeZone::get("Europe/Madrid").unwrap();
        let stats = summarize(&[], WED_NOON, &madrid);
        // Madrid is UTC+1 in November: its day starts at 23:00 UTC.
        assert_eq!(stats.today.start, WED_NOON - 13 * HOUR);
    }

    #[test]
    fn periods_are_whole_days_in_the_zone() {
        let from: Date = "2026-11-23".parse().unwrap();
        let to: Date = "2026-11-29".parse().unwrap();
        let week = Period::days(from, to, &utc()).unwrap();
        assert_eq!(week.end - week.start, 7 * 24 * HOUR);
        assert!(week.contains(WED_NOON));
        assert!(Period::days(to, from, &utc()).is_err());
    }

    #[test]
    fn schedules_parse_and_find_the_latest_slot() {
        assert!(WeeklySchedule::parse("off", "UTC").unwrap().is_none());
        assert!(WeeklySchedule::parse("  ", "UTC").unwrap().is_none());
        let monday = WeeklySchedule::parse("Mon 09:00", "UTC").unwrap().unwrap();
        let monday_nine = WED_NOON - 2 * 24 * HOUR - 3 * HOUR;
        assert_eq!(monday.latest_slot(WED_NOON), monday_nine);
        assert_eq!(monday.latest_slot(monday_nine), monday_nine);
        assert_eq!(
            monday.latest_slot(monday_nine - 1),
            monday_nine - 7 * 24 * HOUR
        );
        let wednesday = WeeklySchedule::parse("wednesday 13:00", "UTC")
            .unwrap()
            .unwrap();
        assert_eq!(
            wednesday.latest_slot(WED_NOON),
            WED_NOON - 6 * 24 * HOUR - 23 * HOUR
        );
        for bad in ["monday", "funday 09:00", "mon 25:00"] {
            let err = WeeklySchedule::parse(bad, "UTC").unwrap_err().to_string();
            assert!(err.contains("expected e.g. “mon 09:00”"), "{err}");
        }
        assert!(
            WeeklySchedule::parse("mon 09:00", "Mars/Olympus")
                .unwrap_err()
                .to_string()
                .contains("unknown time zone")
        );
    }

    #[test]
    fn the_weekly_summary_names_its_week() {
        let slot = WED_NOON;
        let period = WeeklySchedule::week_before(slot);
        let rows = vec![row(1, slot - HOUR), row(2, slot - 8 * 24 * HOUR)];
        let html = weekly_html(&english(), &rows, period, &utc());
        assert!(
            html.starts_with("🗓 <b>Weekly summary</b>: Wed, Nov 18 – Wed, Nov 25"),
            "{html}"
        );
        assert!(html.contains("Opened 1 · assigned 0 · closed 0"), "{html}");
        assert!(html.contains("2 waiting · 0 assigned"), "{html}");
    }

    /// `/stats` (one team and several) and the weekly summary in Spanish:
    /// every label, count and day in Spanish, no English left (language
    /// codes and the form's choices are codes, not words).
    #[test]
    fn stats_and_the_weekly_summary_speak_spanish() {
        let spanish = texts_in("es");
        let rows = vec![
            CaseRow {
                status: CaseStatus::Closed,
                assigned_at: Some(WED_NOON - 3 * HOUR),
                first_reply_at: Some(WED_NOON - 2 * HOUR),
                closed_at: Some(WED_NOON - HOUR),
                rating: Some(4),
                locale: "es".to_owned(),
                ..row(1, WED_NOON - 4 * HOUR)
            },
            row(2, WED_NOON - 2 * HOUR),
        ];
        let mut stats = summarize(&rows, WED_NOON, &utc());
        stats.week_figures.reminders = 1;
        let html = stats_html(&spanish, &stats, "Europe/Madrid");
        assert_eq!(
            html,
            "📊 <b>Casos</b> (Europe/Madrid)\n\
             Ahora: en espera: 1 · asignados: 0\n\n\
             <b>Hoy</b>\n\
             Abiertos: 2 · asignados: 1 · cerrados: 1\n\
             Primera respuesta: mediana 2 h 00 min, p90 2 h 00 min (1 caso)\n\
             Hasta el cierre: mediana 3 h 00 min, p90 3 h 00 min (1 caso)\n\
             Valoración: 4,0/5 (1 valoración)\n\
             Recordatorios de casos olvidados: 0 (segundos, para todos: 0)\n\
             Idiomas: en 1, es 1\n\
             Tipos de cáncer: sin respuesta 2\n\
             Alteraciones: sin respuesta 2\n\n\
             <b>Esta semana</b> (desde el lunes)\n\
             Abiertos: 2 · asignados: 1 · cerrados: 1\n\
             Primera respuesta: mediana 2 h 00 min, p90 2 h 00 min (1 caso)\n\
             Hasta el cierre: mediana 3 h 00 min, p90 3 h 00 min (1 caso)\n\
             Valoración: 4,0/5 (1 valoración)\n\
             Recordatorios de casos olvidados: 1 (segundos, para todos: 0)\n\
             Idiomas: en 1, es 1\n\
             Tipos de cáncer: sin respuesta 2\n\
             Alteraciones: sin respuesta 2"
        );
        let teams = team_stats_html(&spanish, "Madrid", &stats, &stats, "UTC");
        assert!(
            teams.contains("<b>Todos los equipos</b>\nAhora: en espera: 1 · asignados: 0\n<b>Esta semana</b>\nAbiertos: 2"),
            "{teams}"
        );
        let weekly = weekly_html(
            &spanish,
            &rows,
            WeeklySchedule::week_before(WED_NOON),
            &utc(),
        );
        assert!(
            weekly.starts_with("🗓 <b>Resumen semanal</b>: mié, 18 nov – mié, 25 nov\nAbiertos: 2"),
            "{weekly}"
        );
        assert!(
            weekly.ends_with("\n\nEn la cola ahora: en espera: 1 · asignados: 0"),
            "{weekly}"
        );
        let empty = weekly_html(&spanish, &[], WeeklySchedule::week_before(WED_NOON), &utc());
        assert!(
            empty.contains("Primera respuesta: –\n")
                && empty.contains("Valoración: sin valoraciones"),
            "{empty}"
        );
        for text in [&html, &teams, &weekly, &empty] {
            for english in [
                "Cases",
                "Now",
                "waiting",
                "assigned",
                "Today",
                "week",
                "Monday",
                "Opened",
                "closed",
                "First reply",
                "median ",
                "To close",
                "Rating",
                "rating",
                "case)",
                "Reminders",
                "everyone",
                "Languages",
                "Cancer",
                "Drivers",
                "not given",
                "Weekly",
                "queue",
                "All teams",
                "Wed",
                "Nov",
            ] {
                assert!(!text.contains(english), "“{english}” in Spanish: {text}");
            }
        }
    }

    #[test]
    fn an_average_has_the_languages_decimal_separator_and_latin_digits() {
        assert_eq!(one_decimal("en", 4.0), "4.0");
        assert_eq!(one_decimal("en", 4.25), "4.3");
        assert_eq!(one_decimal("es", 4.5), "4,5");
        assert_eq!(one_decimal("fr", 4.5), "4,5");
        assert_eq!(one_decimal("ru", 4.5), "4,5");
        assert_eq!(one_decimal("zh-Hans", 4.5), "4.5");
        let arabic = one_decimal("ar", 4.5);
        assert!(arabic.starts_with('4') && arabic.ends_with('5'), "{arabic}");
        assert_eq!(one_decimal("not a tag!", 4.5), "4.5");
    }

    #[test]
    fn touches_means_something_happened_in_the_period() {
        let period = Period {
            start: WED_NOON,
            end: WED_NOON + 24 * HOUR,
        };
        assert!(!touches(&row(1, WED_NOON - HOUR), period));
        assert!(touches(
            &CaseRow {
                closed_at: Some(WED_NOON + HOUR),
                ..row(1, WED_NOON - 48 * HOUR)
            },
            period
        ));
        assert_eq!(iso(WED_NOON), "2026-11-25T12:00:00Z");
    }
}
