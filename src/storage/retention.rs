//! Retention and the patient's rights over their data: the periodic
//! purge of old closed cases, abandoned drafts and processed updates; the
//! scrub that leaves no erased byte in SQLite's files; erasure on request;
//! and everything stored about a patient, for /mydata.
//!
//! Owns deleting patients' data across tables. Must not decide when a
//! patient's data goes (the dialogue and the settings do), nor talk to
//! Telegram: the topics to delete are handed back to the caller.

use std::time::Duration;

use anyhow::Context;
use sqlx::{AnyConnection, Row};

use super::audit::{self, Actor};
use super::{Backend, Sealer, Storage, delete_keys_in, load_session_in, sealing, unix_now_ms};
use crate::intake::CaseRef;

impl Storage {
    /// Retention: erases closed cases older than `days` (with their relay
    /// records), intake drafts abandoned as long, and processed updates
    /// older than a week (they hold message texts). The erased cases'
    /// topics are handed to `erase_topics`, whose outbox job (chat, lane,
    /// job) is queued in the same transaction: a crash cannot leave a topic
    /// behind. Returns how many cases were erased.
    pub async fn purge(
        &self,
        now: i64,
        days: u32,
        erase_topics: impl FnOnce(&[ErasedTopic]) -> (i64, String, String) + Send + 'static,
    ) -> anyhow::Result<u64> {
        let cutoff = now - i64::from(days) * 86_400;
        let sealer = self.sealer.clone();
        // On the writer's thread, like every other write (see ARCHITECTURE).
        let purged = self
            .write(move |conn| {
                Box::pin(async move {
                    use sqlx::Connection;
                    let mut tx = conn.begin().await.context("cannot start a transaction")?;
                    let cases = sqlx::query_scalar::<_, i64>(
                        "SELECT id FROM cases WHERE status = 'closed' AND closed_at < $1 ORDER BY id",
                    )
                    .bind(cutoff)
                    .fetch_all(&mut *tx)
                    .await
                    .context("cannot list the cases to purge")?
                    .into_iter()
                    .map(CaseRef)
                    .collect::<Vec<_>>();
                    let topics = erase_cases_in(&mut tx, &cases).await?;
                    if !topics.is_empty() {
                        let (chat_id, lane, job) = erase_topics(&topics);
                        // Jobs of updates have ids from their update's id;
                        // the retention's own come before them, by time.
                        let job_id = -unix_now_ms();
                        sqlx::query(
                            "INSERT INTO outbox (id, chat_id, lane, job, created_at) VALUES ($1, $2, $3, $4, $5)",
                        )
                        .bind(job_id)
                        .bind(chat_id)
                        .bind(lane)
                        .bind(sealing::seal(sealer.as_deref(), sealing::OUTBOX_JOB, job_id, &job)?)
                        .bind(now)
                        .execute(&mut *tx)
                        .await
                        .context("cannot queue the topics' deletion")?;
                    }
                    // A form left unfinished for as long is abandoned: its
                    // answers go too (the session then shows the menu, as
                    // after /cancel).
                    sqlx::query("DELETE FROM intake_drafts WHERE updated_at < $1")
                        .bind(cutoff)
                        .execute(&mut *tx)
                        .await
                        .context("cannot purge abandoned drafts")?;
                    sqlx::query(
                        "DELETE FROM inbox WHERE processed_at IS NOT NULL AND processed_at < $1",
                    )
                    .bind(now - 7 * 86_400)
                    .execute(&mut *tx)
                    .await
                    .context("cannot purge old updates")?;
                    tx.commit().await.context("cannot purge")?;
                    Ok(cases.len() as u64)
                })
            })
            .await?;
        if purged > 0 {
            self.scrub().await;
        }
        Ok(purged)
    }

    /// After an erasure, no byte of it stays in the SQLite files: deleted
    /// content is zeroed (`secure_delete`, set on the writing connection),
    /// and the write-ahead log, which still holds the pages as they were
    /// before, is checkpointed and truncated. (PostgreSQL keeps dead rows
    /// until a vacuum; there the data key, required in production, is
    /// what keeps them unreadable.) A checkpoint that readers hold up is
    /// tried again a few times, then left to the next one.
    pub async fn scrub(&self) {
        if self.backend != Backend::Sqlite {
            return;
        }
        for _ in 0..20 {
            let checkpoint = self
                .write(|conn| {
                    Box::pin(async move {
                        let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                            .fetch_one(conn)
                            .await?;
                        Ok(row.try_get::<i64, _>(0)? == 0)
                    })
                })
                .await;
            match checkpoint {
                Ok(true) => return,
                Ok(false) => tokio::time::sleep(Duration::from_millis(50)).await,
                Err(err) => {
                    tracing::warn!(
                        error = format!("{err:#}"),
                        "the write-ahead log could not be checkpointed after an erasure"
                    );
                    return;
                }
            }
        }
        tracing::warn!("the write-ahead log stayed in use: it is truncated at the next checkpoint");
    }
}

/// A topic the coordinators had for an erased case: its current one, or
/// one it left behind when it moved to another team. Erasure deletes it in
/// Telegram, with every message in it (the card, the re-sent documents,
/// the patient's messages, the coordinators' replies, the bot's notes).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ErasedTopic {
    pub case: crate::intake::CaseRef,
    /// `None`: the default team's group (cases from before teams).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<i64>,
    pub thread_id: i64,
}

/// What an erasure removed: the cases, and their topics to delete in
/// Telegram.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erasure {
    pub cases: Vec<CaseRef>,
    pub topics: Vec<ErasedTopic>,
}

/// Deletes cases with their relay records and former topics, and returns
/// the topics they had (to be deleted in Telegram).
async fn erase_cases_in(
    conn: &mut AnyConnection,
    cases: &[CaseRef],
) -> anyhow::Result<Vec<ErasedTopic>> {
    let mut topics = Vec::new();
    for case in cases {
        let rows: Vec<(Option<i64>, i64)> = sqlx::query_as(
            "SELECT group_chat_id, thread_id FROM cases WHERE id = $1 AND thread_id IS NOT NULL
             UNION ALL
             SELECT group_chat_id, thread_id FROM former_topics WHERE case_id = $1",
        )
        .bind(case.0)
        .fetch_all(&mut *conn)
        .await
        .context("cannot list the case's topics")?;
        topics.extend(rows.into_iter().map(|(group, thread_id)| ErasedTopic {
            case: *case,
            group,
            thread_id,
        }));
    }
    let ids: Vec<i64> = cases.iter().map(|case| case.0).collect();
    for table in ["relayed_messages", "former_topics"] {
        delete_keys_in(conn, table, "case_id", &ids)
            .await
            .with_context(|| format!("cannot erase the cases' {table}"))?;
    }
    delete_keys_in(conn, "cases", "id", &ids)
        .await
        .context("cannot erase the cases")?;
    Ok(topics)
}

/// Erases what the patient gave us — drafts, cases, relayed-message records,
/// stored updates — and keeps only an audit record that it happened.
pub(crate) async fn erase_patient_data_in(
    conn: &mut AnyConnection,
    chat_id: i64,
) -> anyhow::Result<Erasure> {
    let cases = sqlx::query_scalar::<_, i64>("SELECT id FROM cases WHERE chat_id = $1 ORDER BY id")
        .bind(chat_id)
        .fetch_all(&mut *conn)
        .await
        .context("cannot list the patient's cases")?
        .into_iter()
        .map(CaseRef)
        .collect::<Vec<_>>();
    let topics = erase_cases_in(conn, &cases).await?;
    for statement in [
        "DELETE FROM intake_drafts WHERE chat_id = $1",
        "DELETE FROM inbox WHERE chat_id = $1",
        "UPDATE sessions SET filling = 0 WHERE chat_id = $1",
    ] {
        sqlx::query(statement)
            .bind(chat_id)
            .execute(&mut *conn)
            .await
            .context("cannot erase the patient's data")?;
    }
    for case in &cases {
        audit::append(conn, Some(*case), Actor::PATIENT, "erased", "")
            .await
            .context("cannot record the erasure")?;
    }
    Ok(Erasure { cases, topics })
}

/// Everything stored about a patient, for /mydata.
pub(crate) async fn patient_data_in(
    conn: &mut AnyConnection,
    sealer: Option<&Sealer>,
    chat_id: i64,
) -> anyhow::Result<serde_json::Value> {
    let session = load_session_in(conn, sealer, chat_id).await?;
    let cases: Vec<PatientCaseRow> = sqlx::query_as(
        "SELECT id, locale, status, answers, consent_version, consent_at, created_at, closed_at, rating
         FROM cases WHERE chat_id = $1 ORDER BY id",
    )
    .bind(chat_id)
    .fetch_all(&mut *conn)
    .await
    .context("cannot read the patient's cases")?;
    let mut case_list = Vec::new();
    for case in cases {
        let reference = CaseRef(case.id);
        let answers = sealing::open(sealer, sealing::CASE_ANSWERS, case.id, &case.answers)?;
        let relayed: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM relayed_messages WHERE case_id = $1")
                .bind(case.id)
                .fetch_one(&mut *conn)
                .await
                .context("cannot count the patient's relayed messages")?;
        case_list.push(serde_json::json!({
            "reference": reference.to_string(),
            "status": case.status,
            "language": case.locale,
            "answers": serde_json::from_str::<serde_json::Value>(&answers).unwrap_or_default(),
            "consent": {"version": case.consent_version, "at": case.consent_at},
            "created_at": case.created_at,
            "closed_at": case.closed_at,
            "rating": case.rating,
            "messages_exchanged_with_coordinators": relayed,
        }));
    }
    Ok(serde_json::json!({
        "about": "Everything the CancerFax navigator bot stores about you.",
        "telegram_chat_id": chat_id,
        "language": session.as_ref().map(|s| s.locale.clone()),
        "language_chosen_by_you": session.as_ref().map(|s| s.locale_chosen),
        "case_details_in_progress": session.as_ref().and_then(|s| s.intake.draft()).map(|draft| &draft.answers),
        "cases": case_list,
    }))
}

/// A patient's case as /mydata shows it (its answers as stored, sealed).
#[derive(sqlx::FromRow)]
struct PatientCaseRow {
    id: i64,
    locale: String,
    status: String,
    answers: String,
    consent_version: String,
    consent_at: i64,
    created_at: i64,
    closed_at: Option<i64>,
    rating: Option<i64>,
}
