//! Figures for the metrics endpoint, read at each scrape: outbox depth and
//! age, the queue's length and longest wait, cases by status, the group
//! commit's groups. Counts and times only.

use anyhow::Context;
use sqlx::Row;

use super::Storage;

/// Every status a case can have.
pub const CASE_STATUSES: &[&str] = &["waiting", "assigned", "closed"];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gauges {
    pub outbox_depth: i64,
    /// When the oldest queued message was written (unix seconds).
    pub outbox_oldest: Option<i64>,
    pub waiting: i64,
    /// When the case waiting longest entered the queue (unix seconds).
    pub waiting_since: Option<i64>,
    pub cases_by_status: Vec<(String, i64)>,
    /// Jobs failing for over an hour (held, still retried).
    pub outbox_held: i64,
    /// Jobs failing now, for any time.
    pub outbox_failing: i64,
    /// Updates set aside after failing again and again.
    pub updates_set_aside: i64,
}

impl Storage {
    /// The group commit's groups and turns since the start (no database
    /// read: counted as they go).
    pub fn group_counts(&self) -> super::GroupCounts {
        self.group.counts()
    }

    pub async fn gauges(&self) -> anyhow::Result<Gauges> {
        let held_before = super::unix_now_ms() - crate::telegram::sender::HOLD_AFTER_MS;
        let outbox = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest,
                    COUNT(failing_since_ms) AS failing,
                    SUM(CASE WHEN failing_since_ms < $1 THEN 1 ELSE 0 END) AS held
             FROM outbox",
        )
        .bind(held_before)
        .fetch_one(&self.reader)
        .await
        .context("cannot read the outbox")?;
        let queue = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(queued_at) AS oldest FROM cases WHERE status = 'waiting'",
        )
        .fetch_one(&self.reader)
        .await
        .context("cannot read the queue")?;
        let statuses = sqlx::query("SELECT status, COUNT(*) AS n FROM cases GROUP BY status")
            .fetch_all(&self.reader)
            .await
            .context("cannot count cases")?;
        Ok(Gauges {
            outbox_depth: outbox.try_get("n")?,
            outbox_oldest: outbox.try_get("oldest")?,
            outbox_failing: outbox.try_get("failing")?,
            outbox_held: outbox.try_get::<Option<i64>, _>("held")?.unwrap_or(0),
            updates_set_aside: super::durable::quarantined_in(&self.reader).await?,
            waiting: queue.try_get("n")?,
            waiting_since: queue.try_get("oldest")?,
            cases_by_status: statuses
                .iter()
                .map(|row| Ok((row.try_get("status")?, row.try_get("n")?)))
                .collect::<anyhow::Result<_>>()?,
        })
    }
}
