//! The storage side of escalations (see `handoff::escalation`): the open
//! cases as their waits stand, with the reminders already sent for each
//! wait; a reminder recorded exactly once, with its outbox job, in one
//! transaction.

use std::collections::BTreeMap;

use anyhow::Context;
use sqlx::Row;

use super::{Storage, sealing, unix_now_ms};
use crate::handoff::escalation::{Wait, Watched};
use crate::handoff::{CaseStatus, Coordinator};
use crate::intake::CaseRef;

/// A reminder to record, with the job that posts it.
pub struct ReminderRecord {
    pub reference: CaseRef,
    pub wait: Wait,
    pub since: i64,
    pub level: u8,
    /// The outbox job: its chat, lane and JSON.
    pub chat_id: i64,
    pub lane: String,
    pub job: String,
}

impl Storage {
    /// Every open case's wait: untaken since it was queued, or (held) since
    /// the patient's first message after the last answer, not before the
    /// holder got the case. Times are in seconds: a message in the same
    /// second as an answer counts as unanswered (a reminder too many rather
    /// than a message forgotten). `default_group` stands for cases from before
    /// teams; a case with no group at all is nobody's to remind. Cases
    /// waiting for a coordinator since after `queued_by` are not read:
    /// no reminder can be due yet, and a full queue is read every sweep.
    pub async fn escalation_watch(
        &self,
        default_group: Option<i64>,
        queued_by: i64,
    ) -> anyhow::Result<Vec<Watched>> {
        let rows = sqlx::query(
            "SELECT c.id, c.urgent, c.status, c.queued_at, c.thread_id, c.group_chat_id,
                    c.coordinator_id, c.coordinator_name,
                    COALESCE(c.held_since, c.assigned_at) AS held_since,
                    (SELECT MIN(p.created_at) FROM relayed_messages p
                      WHERE p.case_id = c.id AND p.from_patient = 1
                        AND p.created_at >= COALESCE((SELECT MAX(a.created_at) FROM relayed_messages a
                                                      WHERE a.case_id = c.id AND a.from_patient = 0), 0)
                    ) AS unanswered_since
             FROM cases c
             WHERE (c.status = 'waiting' AND c.queued_at <= $1) OR c.status = 'assigned'
             ORDER BY c.id",
        )
        .bind(queued_by)
        .fetch_all(&self.reader)
        .await
        .context("cannot read the open cases' waits")?;
        let sent = self.reminders_sent().await?;
        let mut watched = Vec::new();
        for row in rows {
            let reference = CaseRef(row.try_get("id")?);
            let Some(group) = row
                .try_get::<Option<i64>, _>("group_chat_id")?
                .or(default_group)
            else {
                continue;
            };
            let status: CaseStatus = row
                .try_get::<String, _>("status")?
                .parse()
                .with_context(|| format!("case {reference}"))?;
            let (wait, since, holder) = if status == CaseStatus::Waiting {
                (Wait::Coordinator, row.try_get::<i64, _>("queued_at")?, None)
            } else {
                let Some(unanswered) = row.try_get::<Option<i64>, _>("unanswered_since")? else {
                    continue; // nothing unanswered
                };
                let held_since: Option<i64> = row.try_get("held_since")?;
                let holder = row
                    .try_get::<Option<i64>, _>("coordinator_id")?
                    .zip(row.try_get::<Option<String>, _>("coordinator_name")?)
                    .map(|(id, name)| Coordinator { id, name });
                (
                    Wait::Answer,
                    unanswered.max(held_since.unwrap_or(0)),
                    holder,
                )
            };
            watched.push(Watched {
                reference,
                group,
                thread_id: row.try_get("thread_id")?,
                urgent: row.try_get::<i64, _>("urgent")? != 0,
                wait,
                since,
                holder,
                sent: sent.get(&(reference, wait, since)).copied().unwrap_or(0),
            });
        }
        Ok(watched)
    }

    /// The highest reminder sent for each (case, wait, since).
    async fn reminders_sent(&self) -> anyhow::Result<BTreeMap<(CaseRef, Wait, i64), u8>> {
        let rows = sqlx::query(
            "SELECT e.case_id, e.kind, e.since, MAX(e.level) AS level
             FROM escalations e JOIN cases c ON c.id = e.case_id
             WHERE c.status IN ('waiting', 'assigned')
             GROUP BY e.case_id, e.kind, e.since",
        )
        .fetch_all(&self.reader)
        .await
        .context("cannot read the reminders sent")?;
        let mut sent = BTreeMap::new();
        for row in rows {
            let wait: Wait = row
                .try_get::<String, _>("kind")?
                .parse()
                .map_err(|err: String| anyhow::anyhow!(err))?;
            let level = u8::try_from(row.try_get::<i64, _>("level")?).unwrap_or(u8::MAX);
            sent.insert(
                (
                    CaseRef(row.try_get("case_id")?),
                    wait,
                    row.try_get("since")?,
                ),
                level,
            );
        }
        Ok(sent)
    }

    /// Records a reminder and queues its job, once: `false` when it was
    /// recorded before (by this bot before a restart, or by a replica).
    pub async fn record_reminder(
        &self,
        reminder: ReminderRecord,
        now: i64,
    ) -> anyhow::Result<bool> {
        let sealer = self.sealer.clone();
        self.write(move |conn| {
            Box::pin(async move {
                use sqlx::Connection;
                let mut tx = conn.begin().await.context("cannot start a transaction")?;
                let recorded = sqlx::query(
                    "INSERT INTO escalations (case_id, kind, since, level, sent_at)
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                )
                .bind(reminder.reference.0)
                .bind(reminder.wait.as_str())
                .bind(reminder.since)
                .bind(i64::from(reminder.level))
                .bind(now)
                .execute(&mut *tx)
                .await
                .context("cannot record the reminder")?
                .rows_affected()
                    == 1;
                if recorded {
                    // Jobs of updates have ids from their update's id; the
                    // bot's own come before them, by time (the level and
                    // the case keep two reminders of one moment apart).
                    let job_id = -(unix_now_ms() * 1000
                        + (reminder.reference.0 % 500) * 2
                        + i64::from(reminder.level));
                    sqlx::query(
                        "INSERT INTO outbox (id, chat_id, lane, job, created_at) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(job_id)
                    .bind(reminder.chat_id)
                    .bind(reminder.lane)
                    .bind(sealing::seal(sealer.as_deref(), sealing::OUTBOX_JOB, job_id, &reminder.job)?)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .context("cannot queue the reminder")?;
                }
                tx.commit().await.context("cannot record the reminder")?;
                Ok(recorded)
            })
        })
        .await
    }

    /// Reminders sent in `[start, end)`, per case: when, and which
    /// (1, or 2 for the second).
    pub async fn reminders_between(
        &self,
        start: i64,
        end: i64,
    ) -> anyhow::Result<BTreeMap<CaseRef, Vec<(i64, u8)>>> {
        let rows = sqlx::query(
            "SELECT case_id, level, sent_at FROM escalations
             WHERE sent_at >= $1 AND sent_at < $2 ORDER BY sent_at",
        )
        .bind(start)
        .bind(end)
        .fetch_all(&self.reader)
        .await
        .context("cannot read the reminders")?;
        let mut sent: BTreeMap<CaseRef, Vec<(i64, u8)>> = BTreeMap::new();
        for row in rows {
            let level = u8::try_from(row.try_get::<i64, _>("level")?).unwrap_or(u8::MAX);
            sent.entry(CaseRef(row.try_get("case_id")?))
                .or_default()
                .push((row.try_get("sent_at")?, level));
        }
        Ok(sent)
    }
}
