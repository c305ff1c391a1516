//! The storage side of reports: the rows of cases that matter to a period
//! (their answers opened only to read the form's fixed choices) and the
//! record of weekly summaries already posted.

use std::collections::BTreeMap;

use anyhow::Context;
use sqlx::Row;

use super::{Storage, sealing};
use crate::handoff::CaseStatus;
use crate::intake::{Answer, CaseRef};
use crate::reports::{CaseRow, Period};

impl Storage {
    /// Every case that is open now or had something happen in `period`
    /// (opened, first assigned, first answered or closed in it).
    pub async fn report_rows(&self, period: Period) -> anyhow::Result<Vec<CaseRow>> {
        let rows = sqlx::query(
            "SELECT id, locale, status, answers, created_at, assigned_at, first_reply_at, closed_at,
                    coordinator_name, rating, group_chat_id
             FROM cases
             WHERE created_at < $2
               AND (status <> 'closed' OR created_at >= $1 OR assigned_at >= $1
                    OR first_reply_at >= $1 OR closed_at >= $1
                    OR id IN (SELECT case_id FROM escalations WHERE sent_at >= $1 AND sent_at < $2))
             ORDER BY id",
        )
        .bind(period.start)
        .bind(period.end)
        .fetch_all(&self.reader)
        .await
        .context("cannot read the cases for the report")?;
        let mut reminders = self.reminders_between(period.start, period.end).await?;
        rows.iter()
            .map(|row| {
                let reference = CaseRef(row.try_get("id")?);
                let answers = sealing::open(
                    self.sealer(),
                    sealing::CASE_ANSWERS,
                    reference.0,
                    &row.try_get::<String, _>("answers")?,
                )
                .with_context(|| format!("cannot open the answers of {reference}"))?;
                // A case opened without the form has `{}`; an unreadable one
                // only loses its cancer type and driver in the figures.
                let answers: BTreeMap<String, Answer> =
                    serde_json::from_str(&answers).unwrap_or_default();
                let choice = |id: &str| match answers.get(id) {
                    Some(Answer::Choice(value)) => Some(value.clone()),
                    _ => None,
                };
                Ok(CaseRow {
                    reference,
                    locale: row.try_get("locale")?,
                    status: row
                        .try_get::<String, _>("status")?
                        .parse::<CaseStatus>()
                        .with_context(|| format!("case {reference}"))?,
                    opened_at: row.try_get("created_at")?,
                    assigned_at: row.try_get("assigned_at")?,
                    first_reply_at: row.try_get("first_reply_at")?,
                    closed_at: row.try_get("closed_at")?,
                    coordinator: row.try_get("coordinator_name")?,
                    rating: row.try_get("rating")?,
                    cancer_type: choice("cancer_type"),
                    driver: choice("driver"),
                    team_group: row.try_get("group_chat_id")?,
                    reminders: reminders.remove(&reference).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// Claims the weekly summary of `slot`: `true` exactly once per slot,
    /// across restarts and concurrent instances.
    pub async fn claim_weekly_summary(&self, slot: i64, now: i64) -> anyhow::Result<bool> {
        let claimed = self
            .execute_write(
                sqlx::query(
                    "INSERT INTO weekly_summaries (slot, posted_at) VALUES ($1, $2) ON CONFLICT (slot) DO NOTHING",
                )
                .bind(slot)
                .bind(now),
            )
            .await
            .context("cannot record the weekly summary")?
            .rows_affected();
        Ok(claimed == 1)
    }

    /// Gives a claimed slot back (its summary could not be posted).
    pub async fn unclaim_weekly_summary(&self, slot: i64) -> anyhow::Result<()> {
        self.execute_write(sqlx::query("DELETE FROM weekly_summaries WHERE slot = $1").bind(slot))
            .await
            .context("cannot release the weekly summary")?;
        Ok(())
    }
}
