//! `navigator report`: the coordinators' figures for whole days and one row
//! per case that had something happen in them, as CSV or JSON.
//!
//! Owns the file formats (the figures come from `reports`; the database URL,
//! data keys and time zone go through `config`, as `run` reads them). Must
//! not write
//! names or anything a patient typed: a row has the reference, language,
//! status, timestamps, coordinator, rating and the form's fixed choices.

use std::path::PathBuf;

use jiff::civil::Date;
use serde_json::json;

use crate::config::{self, ConfigErrors, DataKeys, DatabaseArgs};
use crate::reports::{self, CaseRow, Figures, Period, iso};
use crate::storage::Storage;

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ReportFormat {
    Csv,
    Json,
}

/// CSV only: which table.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ReportTable {
    Cases,
    Figures,
}

pub struct Request {
    pub from: Date,
    pub to: Date,
    /// JSON (figures and cases together), or CSV.
    pub format: ReportFormat,
    /// CSV only: the per-case rows, or the figures as `metric,value` rows.
    pub table: ReportTable,
    pub output: Option<PathBuf>,
    pub database: DatabaseArgs,
    /// Where days start (`WORKING_TIMEZONE`).
    pub time_zone: String,
    /// Needed to read the form's choices in an encrypted database.
    pub keys: DataKeys,
}

/// The per-case columns, in order.
pub const CASE_COLUMNS: &[&str] = &[
    "reference",
    "language",
    "status",
    "opened_at",
    "assigned_at",
    "first_reply_at",
    "closed_at",
    "coordinator",
    "rating",
    "cancer_type",
    "driver",
    "team_group",
    "reminders",
    "second_reminders",
];

pub fn report(request: Request) -> anyhow::Result<()> {
    let zone = config::time_zone(&request.time_zone);
    let keys = config::database_and_keys(&request.database, &request.keys);
    let (zone, (url, sealer)) = match (zone, keys) {
        (Ok(zone), Ok(keys)) => (zone, keys),
        (zone, keys) => {
            let mut errors: Vec<_> = zone.err().into_iter().collect();
            errors.extend(
                keys.err()
                    .map(|ConfigErrors(errors)| errors)
                    .unwrap_or_default(),
            );
            return Err(ConfigErrors(errors).into());
        }
    };
    let period = Period::days(request.from, request.to, &zone)?;
    let rows = super::block_on(async move {
        let storage = Storage::connect_sealed(url.expose(), sealer).await?;
        let rows = storage.report_rows(period).await?;
        storage.close().await;
        Ok(rows)
    })?;
    let cases: Vec<&CaseRow> = rows
        .iter()
        .filter(|row| reports::touches(row, period))
        .collect();
    let figures = reports::figures(&rows, period);
    let text = if matches!(request.format, ReportFormat::Json) {
        let document = json!({
            "from": request.from.to_string(),
            "to": request.to.to_string(),
            "time_zone": request.time_zone.trim(),
            "figures": figures,
            "figures_by_team": figures_by_team(&rows, period),
            "cases": cases.iter().map(|row| case_json(row)).collect::<Vec<_>>(),
        });
        serde_json::to_string_pretty(&document)? + "\n"
    } else if matches!(request.table, ReportTable::Figures) {
        figures_csv(&figures)
    } else {
        cases_csv(&cases)
    };
    crate::files::write_output(request.output.as_deref(), text.as_bytes())
}

/// The figures of each team's cases, by the team's group.
fn figures_by_team(rows: &[CaseRow], period: Period) -> serde_json::Value {
    let mut groups: Vec<Option<i64>> = rows.iter().map(|row| row.team_group).collect();
    groups.sort_unstable();
    groups.dedup();
    let teams: serde_json::Map<String, serde_json::Value> = groups
        .into_iter()
        .map(|group| {
            let own: Vec<CaseRow> = rows
                .iter()
                .filter(|row| row.team_group == group)
                .cloned()
                .collect();
            let key = group.map_or_else(|| "none".to_owned(), |group| group.to_string());
            (key, json!(reports::figures(&own, period)))
        })
        .collect();
    serde_json::Value::Object(teams)
}

fn case_fields(row: &CaseRow) -> Vec<String> {
    let time = |at: Option<i64>| at.map(iso).unwrap_or_default();
    vec![
        row.reference.to_string(),
        row.locale.clone(),
        row.status.as_str().to_owned(),
        iso(row.opened_at),
        time(row.assigned_at),
        time(row.first_reply_at),
        time(row.closed_at),
        row.coordinator.clone().unwrap_or_default(),
        row.rating.map(|r| r.to_string()).unwrap_or_default(),
        row.cancer_type.clone().unwrap_or_default(),
        row.driver.clone().unwrap_or_default(),
        row.team_group
            .map(|group| group.to_string())
            .unwrap_or_default(),
        reminder_count(row, false).to_string(),
        reminder_count(row, true).to_string(),
    ]
}

/// The case's reminders in the period, first ones or second ones.
fn reminder_count(row: &CaseRow, second: bool) -> usize {
    row.reminders
        .iter()
        .filter(|(_, level)| (*level >= 2) == second)
        .count()
}

fn case_json(row: &CaseRow) -> serde_json::Value {
    let time = |at: Option<i64>| at.map(iso);
    json!({
        "reference": row.reference.to_string(),
        "language": row.locale,
        "status": row.status.as_str(),
        "opened_at": iso(row.opened_at),
        "assigned_at": time(row.assigned_at),
        "first_reply_at": time(row.first_reply_at),
        "closed_at": time(row.closed_at),
        "coordinator": row.coordinator,
        "rating": row.rating,
        "cancer_type": row.cancer_type,
        "driver": row.driver,
        "team_group": row.team_group,
        "reminders": reminder_count(row, false),
        "second_reminders": reminder_count(row, true),
    })
}

/// CSV text (RFC 4180: quoted where needed, CRLF line ends) of `rows`.
fn csv_text<I, R>(rows: I) -> String
where
    I: IntoIterator<Item = R>,
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        // Writing to memory cannot fail.
        let _ = writer.write_record(row);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

fn cases_csv(cases: &[&CaseRow]) -> String {
    let header: Vec<String> = CASE_COLUMNS.iter().map(|c| (*c).to_owned()).collect();
    csv_text(std::iter::once(header).chain(cases.iter().map(|row| case_fields(row))))
}

fn figures_csv(figures: &Figures) -> String {
    let mut rows: Vec<(String, String)> = vec![
        ("opened".into(), figures.opened.to_string()),
        ("assigned".into(), figures.assigned.to_string()),
        ("closed".into(), figures.closed.to_string()),
    ];
    let seconds = |value: Option<i64>| value.map(|s| s.to_string()).unwrap_or_default();
    for (name, durations) in [
        ("first_reply", &figures.first_reply),
        ("to_close", &figures.to_close),
    ] {
        rows.push((format!("{name}_count"), durations.count.to_string()));
        rows.push((
            format!("{name}_median_seconds"),
            seconds(durations.median_seconds),
        ));
        rows.push((
            format!("{name}_p90_seconds"),
            seconds(durations.p90_seconds),
        ));
    }
    rows.push(("rating_count".into(), figures.rating_count.to_string()));
    rows.push(("reminders".into(), figures.reminders.to_string()));
    rows.push((
        "second_reminders".into(),
        figures.second_reminders.to_string(),
    ));
    rows.push((
        "rating_average".into(),
        figures
            .rating_average
            .map(|a| format!("{a:.2}"))
            .unwrap_or_default(),
    ));
    for (prefix, counts) in [
        ("language", &figures.by_language),
        ("cancer_type", &figures.by_cancer_type),
        ("driver", &figures.by_driver),
    ] {
        for (key, count) in counts {
            rows.push((format!("{prefix}:{key}"), count.to_string()));
        }
    }
    let header = ("metric".to_owned(), "value".to_owned());
    csv_text(
        std::iter::once(header)
            .chain(rows)
            .map(|(metric, value)| [metric, value]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_they_must_be() {
        let line = csv_text([["plain", "a,b", "say \"hi\"", "two\nlines", ""]]);
        assert_eq!(line, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\r\n");
    }

    #[test]
    fn every_column_has_a_field() {
        let row = CaseRow {
            reference: crate::intake::CaseRef(7),
            locale: "es".into(),
            status: crate::handoff::CaseStatus::Closed,
            opened_at: 0,
            assigned_at: Some(60),
            first_reply_at: None,
            closed_at: Some(3600),
            coordinator: Some("Maria, RN".into()),
            rating: Some(4),
            cancer_type: Some("lung".into()),
            driver: None,
            team_group: Some(-100),
            reminders: vec![(600, 1), (1200, 1), (1800, 2)],
        };
        assert_eq!(case_fields(&row).len(), CASE_COLUMNS.len());
        let csv = cases_csv(&[&row]);
        assert_eq!(
            csv.lines().nth(1),
            Some(
                "CF-000007,es,closed,1970-01-01T00:00:00Z,1970-01-01T00:01:00Z,,1970-01-01T01:00:00Z,\"Maria, RN\",4,lung,,-100,2,1"
            )
        );
    }
}
