//! Cases: numbering and storing a submitted case, the coordinator queue's
//! reads, and every change to a case (take, release, transfer, move,
//! close, reopen, urgent, rating, topic), each written once here and
//! called by `Work` (in an update's transaction) or by a standalone write.
//!
//! Owns the `cases` table (and `former_topics` when a case moves). Must
//! not write the audit log (`audit.rs`) — but for a standalone close,
//! which appends its entry through `audit::append` in the same
//! transaction — or sessions, nor relay records
//! (but for giving old ones the default group with their cases), nor
//! decide what a change means (`handoff::case` does).

use std::collections::BTreeMap;

use anyhow::Context;
use sqlx::AnyConnection;

use super::{Sealer, Storage, TakeOutcome, sealing, unix_now};
use crate::handoff::{CaseStatus, CaseView, Coordinator};
use crate::intake::{Answer, CaseRef, Submission};

impl Storage {
    pub async fn case(&self, reference: CaseRef) -> anyhow::Result<Option<StoredCase>> {
        let row: Option<StoredCaseRow> = sqlx::query_as(
            "SELECT id, chat_id, locale, status, answers, summary, consent_version, consent_at, created_at
             FROM cases WHERE id = $1",
        )
        .bind(reference.0)
        .fetch_optional(&self.reader)
        .await
        .context("cannot load the case")?;
        row.map(|row| row.open(self.sealer())).transpose()
    }

    pub async fn cases_of(&self, chat_id: i64) -> anyhow::Result<Vec<CaseRef>> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM cases WHERE chat_id = $1 ORDER BY id")
                .bind(chat_id)
                .fetch_all(&self.reader)
                .await
                .context("cannot list cases")?;
        Ok(ids.into_iter().map(CaseRef).collect())
    }

    pub async fn case_view(&self, reference: CaseRef) -> anyhow::Result<Option<CaseView>> {
        case_view_in(&mut *self.reading().await?, self.sealer(), reference).await
    }

    /// The case whose topic this is (topic ids are unique per group only).
    pub async fn case_in_thread(
        &self,
        group: i64,
        thread_id: i64,
    ) -> anyhow::Result<Option<CaseView>> {
        let row: Option<CaseViewRow> = sqlx::query_as(&format!(
            "{CASE_VIEW_SELECT} WHERE group_chat_id = $1 AND thread_id = $2 ORDER BY id DESC LIMIT 1"
        ))
        .bind(group)
        .bind(thread_id)
        .fetch_optional(&self.reader)
        .await
        .context("cannot find the topic's case")?;
        row.map(|row| row.open(self.sealer())).transpose()
    }

    /// Waiting and assigned cases.
    pub async fn open_cases(&self) -> anyhow::Result<Vec<CaseView>> {
        let rows: Vec<CaseViewRow> = sqlx::query_as(&format!(
            "{CASE_VIEW_SELECT} WHERE status <> 'closed' ORDER BY id"
        ))
        .fetch_all(&self.reader)
        .await
        .context("cannot list open cases")?;
        rows.into_iter()
            .map(|row| row.open(self.sealer()))
            .collect()
    }

    pub async fn case_documents(
        &self,
        reference: CaseRef,
    ) -> anyhow::Result<Vec<crate::intake::Document>> {
        let json: Option<String> = sqlx::query_scalar("SELECT documents FROM cases WHERE id = $1")
            .bind(reference.0)
            .fetch_optional(&self.reader)
            .await
            .context("cannot read the case's documents")?;
        Ok(json
            .map(|json| sealing::open(self.sealer(), sealing::CASE_DOCUMENTS, reference.0, &json))
            .transpose()?
            .map(|json| serde_json::from_str(&json))
            .transpose()?
            .unwrap_or_default())
    }

    pub async fn set_topic(
        &self,
        reference: CaseRef,
        thread_id: i64,
        card_message_id: Option<i64>,
    ) -> anyhow::Result<bool> {
        let recorded = self.execute_write(
            sqlx::query(
                "UPDATE cases SET thread_id = $1, card_message_id = $2, updated_at = $3 WHERE id = $4",
            )
            .bind(thread_id)
            .bind(card_message_id)
            .bind(unix_now())
            .bind(reference.0),
        )
        .await
        .context("cannot record the case's topic")?
        .rows_affected();
        Ok(recorded == 1)
    }

    pub async fn card_message(&self, reference: CaseRef) -> anyhow::Result<Option<i64>> {
        let card: Option<Option<i64>> =
            sqlx::query_scalar("SELECT card_message_id FROM cases WHERE id = $1")
                .bind(reference.0)
                .fetch_optional(&self.reader)
                .await
                .context("cannot read the case's card")?;
        Ok(card.flatten())
    }

    /// Closes an open case; `false` if it was already closed. A standalone
    /// write (the case closes when the patient blocks the bot, outside any
    /// update's work); a coordinator's close goes through `Work::close_case`.
    pub async fn close_case(&self, reference: CaseRef) -> anyhow::Result<bool> {
        self.write(move |conn| Box::pin(close_case_in(conn, reference)))
            .await
    }

    /// Closes a case and records who closed it (`None`: the bot) in the
    /// audit log, in one transaction: both land, or neither. `false` (and
    /// no entry) when it was closed already.
    pub async fn close_case_audited(
        &self,
        reference: CaseRef,
        by: Option<&Coordinator>,
    ) -> anyhow::Result<bool> {
        let by = by.cloned();
        self.write(move |conn| {
            Box::pin(async move {
                use sqlx::Connection;
                let mut tx = conn.begin().await.context("cannot start a transaction")?;
                let closed = close_case_in(&mut tx, reference).await?;
                if closed {
                    super::audit::append(
                        &mut tx,
                        Some(reference),
                        super::audit::Actor::or_system(by.as_ref()),
                        "close",
                        "",
                    )
                    .await?;
                }
                tx.commit().await.context("cannot commit the close")?;
                Ok(closed)
            })
        })
        .await
    }

    pub async fn rating(&self, reference: CaseRef) -> anyhow::Result<Option<i64>> {
        let rating: Option<Option<i64>> =
            sqlx::query_scalar("SELECT rating FROM cases WHERE id = $1")
                .bind(reference.0)
                .fetch_optional(&self.reader)
                .await
                .context("cannot read the case's rating")?;
        Ok(rating.flatten())
    }

    /// Records the first coordinator reply (for reports); later ones keep it.
    pub async fn note_first_reply(&self, reference: CaseRef) -> anyhow::Result<()> {
        self.execute_write(
            sqlx::query(
                "UPDATE cases SET first_reply_at = $1 WHERE id = $2 AND first_reply_at IS NULL",
            )
            .bind(unix_now())
            .bind(reference.0),
        )
        .await?;
        Ok(())
    }

    /// Whether the out-of-hours note is due, marking it sent if so.
    pub async fn claim_off_hours_note(
        &self,
        reference: CaseRef,
        now: i64,
        interval: i64,
    ) -> anyhow::Result<bool> {
        let changed = self
            .execute_write(
                sqlx::query(
                    "UPDATE cases SET off_hours_noted_at = $1
             WHERE id = $2 AND (off_hours_noted_at IS NULL OR off_hours_noted_at <= $3)",
                )
                .bind(now)
                .bind(reference.0)
                .bind(now - interval),
            )
            .await?
            .rows_affected();
        Ok(changed == 1)
    }

    /// Cases (and their relay records) from before a group was set, or
    /// from before teams, belong to the default group.
    pub async fn assign_default_group(&self, group: i64) -> anyhow::Result<()> {
        self.write(move |conn| {
            Box::pin(async move {
                for table in ["cases", "relayed_messages"] {
                    sqlx::query(&format!(
                        "UPDATE {table} SET group_chat_id = $1 WHERE group_chat_id IS NULL"
                    ))
                    .bind(group)
                    .execute(&mut *conn)
                    .await?;
                }
                Ok(())
            })
        })
        .await
        .context("cannot assign cases to the default group")
    }
}

const CASE_VIEW_SELECT: &str =
    "SELECT id, chat_id, locale, status, urgent, coordinator_id, coordinator_name, title, summary,
        queued_at, documents, thread_id, group_chat_id FROM cases";

/// What coordinators see of a sealed value that cannot be opened (a data
/// key missing here): the case stays listed and workable, not an error
/// that empties `/queue` or stops its card.
const UNREADABLE: &str = "⚠️ cannot be read here (a data key is missing: see navigator doctor)";

/// A row of `CASE_VIEW_SELECT`, as stored.
#[derive(sqlx::FromRow)]
struct CaseViewRow {
    id: i64,
    chat_id: i64,
    locale: String,
    status: String,
    urgent: i64,
    coordinator_id: Option<i64>,
    coordinator_name: Option<String>,
    title: String,
    summary: String,
    queued_at: i64,
    documents: String,
    thread_id: Option<i64>,
    group_chat_id: Option<i64>,
}

impl CaseViewRow {
    /// What the queue shows: a sealed value that cannot be opened is shown
    /// as `UNREADABLE`, an unknown status is an error.
    fn open(self, sealer: Option<&Sealer>) -> anyhow::Result<CaseView> {
        let reference = CaseRef(self.id);
        let open = |column: sealing::Column, stored: &str| -> String {
            sealing::open(sealer, column, reference.0, stored).unwrap_or_else(|err| {
                tracing::error!(case = %reference, column = column.name, error = format!("{err:#}"), "a case's sealed value cannot be opened");
                UNREADABLE.to_owned()
            })
        };
        // File names (e.g. `Garcia_biopsy_EGFR.pdf`) are the patient's: sealed.
        let documents = open(sealing::CASE_DOCUMENTS, &self.documents);
        let documents: Vec<serde_json::Value> =
            serde_json::from_str(&documents).unwrap_or_default();
        Ok(CaseView {
            reference,
            chat_id: self.chat_id,
            locale: self.locale,
            status: self
                .status
                .parse()
                .with_context(|| format!("case {reference}"))?,
            urgent: self.urgent != 0,
            coordinator: self
                .coordinator_id
                .zip(self.coordinator_name)
                .map(|(id, name)| Coordinator { id, name }),
            title: open(sealing::CASE_TITLE, &self.title),
            summary: open(sealing::CASE_SUMMARY, &self.summary),
            queued_at: self.queued_at,
            documents: documents.len(),
            thread_id: self.thread_id,
            group_chat_id: self.group_chat_id,
        })
    }
}

/// A submitted case as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCase {
    pub reference: CaseRef,
    pub chat_id: i64,
    pub locale: String,
    pub status: CaseStatus,
    pub answers: BTreeMap<String, Answer>,
    pub summary: String,
    pub consent_version: String,
    pub consent_at: i64,
    pub created_at: i64,
}

/// A `StoredCase`'s row, sealed values as stored.
#[derive(sqlx::FromRow)]
struct StoredCaseRow {
    id: i64,
    chat_id: i64,
    locale: String,
    status: String,
    answers: String,
    summary: String,
    consent_version: String,
    consent_at: i64,
    created_at: i64,
}

impl StoredCaseRow {
    fn open(self, sealer: Option<&Sealer>) -> anyhow::Result<StoredCase> {
        let reference = CaseRef(self.id);
        let answers = sealing::open(sealer, sealing::CASE_ANSWERS, self.id, &self.answers)?;
        Ok(StoredCase {
            reference,
            chat_id: self.chat_id,
            locale: self.locale,
            status: self
                .status
                .parse()
                .with_context(|| format!("case {reference}"))?,
            answers: serde_json::from_str(&answers).context("unreadable case answers")?,
            summary: sealing::open(sealer, sealing::CASE_SUMMARY, self.id, &self.summary)?,
            consent_version: self.consent_version,
            consent_at: self.consent_at,
            created_at: self.created_at,
        })
    }
}

/// Numbers and stores a new case, waiting in the queue.
pub(crate) async fn create_case_in(
    conn: &mut AnyConnection,
    sealer: Option<&Sealer>,
    chat_id: i64,
    locale: &str,
    submission: &Submission,
    group: Option<i64>,
) -> anyhow::Result<CaseRef> {
    let number: i64 = sqlx::query_scalar(
        "UPDATE counters SET value = value + 1 WHERE name = 'case' RETURNING value",
    )
    .fetch_one(&mut *conn)
    .await
    .context("cannot number the case")?;
    let now = unix_now();
    sqlx::query(
        "INSERT INTO cases (id, chat_id, locale, status, answers, summary, consent_version, consent_at,
                            title, documents, queued_at, created_at, updated_at, group_chat_id)
         VALUES ($1, $2, $3, 'waiting', $4, $5, $6, $7, $8, $9, $10, $10, $10, $11)",
    )
    .bind(number)
    .bind(chat_id)
    .bind(locale)
    .bind(sealing::seal(
        sealer,
        sealing::CASE_ANSWERS,
        number,
        &serde_json::to_string(&submission.answers)?,
    )?)
    .bind(sealing::seal(sealer, sealing::CASE_SUMMARY, number, &submission.summary)?)
    .bind(&submission.consent_version)
    .bind(submission.consent_at)
    .bind(sealing::seal(sealer, sealing::CASE_TITLE, number, &submission.title)?)
    .bind(sealing::seal(
        sealer,
        sealing::CASE_DOCUMENTS,
        number,
        &serde_json::to_string(&submission.documents)?,
    )?)
    .bind(now)
    .bind(group)
    .execute(&mut *conn)
    .await
    .context("cannot store the case")?;
    Ok(CaseRef(number))
}

pub(crate) async fn case_view_in(
    conn: &mut AnyConnection,
    sealer: Option<&Sealer>,
    reference: CaseRef,
) -> anyhow::Result<Option<CaseView>> {
    let row: Option<CaseViewRow> = sqlx::query_as(&format!("{CASE_VIEW_SELECT} WHERE id = $1"))
        .bind(reference.0)
        .fetch_optional(&mut *conn)
        .await
        .context("cannot load the case")?;
    row.map(|row| row.open(sealer)).transpose()
}

/// A waiting case to a coordinator, atomically: exactly one of two
/// coordinators pressing Take at once gets it.
pub(crate) async fn take_case_in(
    conn: &mut AnyConnection,
    sealer: Option<&Sealer>,
    reference: CaseRef,
    who: &Coordinator,
) -> anyhow::Result<TakeOutcome> {
    let taken = sqlx::query(
        "UPDATE cases SET status = 'assigned', coordinator_id = $1, coordinator_name = $2, updated_at = $3,
                          assigned_at = COALESCE(assigned_at, $3), held_since = $3
         WHERE id = $4 AND status = 'waiting'",
    )
    .bind(who.id)
    .bind(&who.name)
    .bind(unix_now())
    .bind(reference.0)
    .execute(&mut *conn)
    .await
    .context("cannot take the case")?
    .rows_affected();
    if taken == 1 {
        return Ok(TakeOutcome::Taken);
    }
    Ok(match case_view_in(conn, sealer, reference).await? {
        Some(CaseView {
            status: CaseStatus::Assigned,
            coordinator: Some(holder),
            ..
        }) => TakeOutcome::HeldBy(holder),
        Some(CaseView {
            status: CaseStatus::Closed,
            ..
        }) => TakeOutcome::Closed,
        _ => TakeOutcome::Gone,
    })
}

/// Back to the queue (waiting again from now); `false` unless it was held.
pub(crate) async fn release_case_in(
    conn: &mut AnyConnection,
    reference: CaseRef,
) -> anyhow::Result<bool> {
    let now = unix_now();
    let changed = sqlx::query(
        "UPDATE cases SET status = 'waiting', coordinator_id = NULL, coordinator_name = NULL, queued_at = $1, updated_at = $1
         WHERE id = $2 AND status = 'assigned'",
    )
    .bind(now)
    .bind(reference.0)
    .execute(&mut *conn)
    .await
    .context("cannot release the case")?
    .rows_affected();
    Ok(changed == 1)
}

/// To another coordinator, whoever held it; `false` if it was closed.
pub(crate) async fn transfer_case_in(
    conn: &mut AnyConnection,
    reference: CaseRef,
    to: &Coordinator,
) -> anyhow::Result<bool> {
    let changed = sqlx::query(
        "UPDATE cases SET status = 'assigned', coordinator_id = $1, coordinator_name = $2, updated_at = $3,
                          assigned_at = COALESCE(assigned_at, $3), held_since = $3
         WHERE id = $4 AND status <> 'closed'",
    )
    .bind(to.id)
    .bind(&to.name)
    .bind(unix_now())
    .bind(reference.0)
    .execute(&mut *conn)
    .await
    .context("cannot transfer the case")?
    .rows_affected();
    Ok(changed == 1)
}

/// Moves an open case from the group `from` to another team's group `to`:
/// back in the queue there, with a new topic to be opened. The old topic is
/// left to the old team, and remembered for erasure.
pub(crate) async fn move_case_in(
    conn: &mut AnyConnection,
    reference: CaseRef,
    from: i64,
    to: i64,
) -> anyhow::Result<bool> {
    if from == to {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO former_topics (case_id, group_chat_id, thread_id)
         SELECT id, $1, thread_id FROM cases
         WHERE id = $2 AND status <> 'closed' AND thread_id IS NOT NULL
         ON CONFLICT DO NOTHING",
    )
    .bind(from)
    .bind(reference.0)
    .execute(&mut *conn)
    .await
    .context("cannot remember the case's old topic")?;
    let now = unix_now();
    let changed = sqlx::query(
        "UPDATE cases SET group_chat_id = $1, thread_id = NULL, card_message_id = NULL, status = 'waiting',
                          coordinator_id = NULL, coordinator_name = NULL, queued_at = $2, updated_at = $2
         WHERE id = $3 AND status <> 'closed'",
    )
    .bind(to)
    .bind(now)
    .bind(reference.0)
    .execute(&mut *conn)
    .await
    .context("cannot move the case to another team")?
    .rows_affected();
    Ok(changed == 1)
}

/// Closes an open case; `false` if it was already closed.
pub(crate) async fn close_case_in(
    conn: &mut AnyConnection,
    reference: CaseRef,
) -> anyhow::Result<bool> {
    let now = unix_now();
    let changed = sqlx::query(
        "UPDATE cases SET status = 'closed', closed_at = $1, updated_at = $1 WHERE id = $2 AND status <> 'closed'",
    )
    .bind(now)
    .bind(reference.0)
    .execute(&mut *conn)
    .await
    .context("cannot close the case")?
    .rows_affected();
    Ok(changed == 1)
}

/// Marks (or unmarks) a case urgent.
pub(crate) async fn set_urgent_in(
    conn: &mut AnyConnection,
    reference: CaseRef,
    urgent: bool,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE cases SET urgent = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(urgent))
        .bind(unix_now())
        .bind(reference.0)
        .execute(&mut *conn)
        .await
        .context("cannot mark the case")?;
    Ok(())
}

/// A closed case back in the queue (the patient wrote again); its rating
/// goes. `false` unless it was closed.
pub(crate) async fn reopen_case_in(
    conn: &mut AnyConnection,
    reference: CaseRef,
) -> anyhow::Result<bool> {
    let now = unix_now();
    let changed = sqlx::query(
        "UPDATE cases SET status = 'waiting', coordinator_id = NULL, coordinator_name = NULL, closed_at = NULL,
                          rating = NULL, queued_at = $1, updated_at = $1
         WHERE id = $2 AND status = 'closed'",
    )
    .bind(now)
    .bind(reference.0)
    .execute(&mut *conn)
    .await
    .context("cannot reopen the case")?
    .rows_affected();
    Ok(changed == 1)
}

/// The patient's rating of their closed case; `false` if the case is not
/// theirs or not closed.
pub(crate) async fn rate_case_in(
    conn: &mut AnyConnection,
    reference: CaseRef,
    chat_id: i64,
    stars: i64,
) -> anyhow::Result<bool> {
    let changed = sqlx::query(
        "UPDATE cases SET rating = $1 WHERE id = $2 AND chat_id = $3 AND status = 'closed'",
    )
    .bind(stars)
    .bind(reference.0)
    .bind(chat_id)
    .execute(&mut *conn)
    .await
    .context("cannot record the rating")?
    .rows_affected();
    Ok(changed == 1)
}

#[cfg(test)]
mod tests {
    use crate::handoff::CaseStatus;
    use crate::handoff::queue::UnknownCaseStatus;

    #[test]
    fn a_status_is_read_as_stored_and_an_unknown_one_is_an_error() {
        for status in [
            CaseStatus::Waiting,
            CaseStatus::Assigned,
            CaseStatus::Closed,
        ] {
            assert_eq!(status.as_str().parse::<CaseStatus>(), Ok(status));
        }
        for stored in ["new", "Waiting", ""] {
            assert_eq!(
                stored.parse::<CaseStatus>(),
                Err(UnknownCaseStatus(stored.to_owned())),
                "never taken for another status"
            );
        }
        assert_eq!(
            UnknownCaseStatus("new".into()).to_string(),
            "unknown case status “new”"
        );
    }
}
