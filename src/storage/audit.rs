//! The audit log: who did what to which case, appended and never edited.
//!
//! Owns the `audit_log` table and its one writer (`append`), which every
//! audit entry goes through: a standalone write here, a case change in an
//! update's `Work`, an erasure. Must not change anything else.

use anyhow::Context;
use sqlx::AnyConnection;

use super::{Storage, unix_now_ms};
use crate::handoff::Coordinator;
use crate::intake::CaseRef;

impl Storage {
    /// Appends to the audit log. Nothing in the bot edits or deletes it.
    pub async fn audit(
        &self,
        reference: Option<CaseRef>,
        actor: Option<&Coordinator>,
        action: &str,
        detail: &str,
    ) -> anyhow::Result<()> {
        let (actor, action, detail) = (actor.cloned(), action.to_owned(), detail.to_owned());
        self.write(move |conn| {
            Box::pin(async move {
                append(
                    conn,
                    reference,
                    Actor::or_system(actor.as_ref()),
                    &action,
                    &detail,
                )
                .await
            })
        })
        .await
    }

    /// When `action` (with `detail`) was last done on the case, in unix
    /// milliseconds, if ever.
    pub async fn last_audited(
        &self,
        reference: CaseRef,
        action: &str,
        detail: &str,
    ) -> anyhow::Result<Option<i64>> {
        sqlx::query_scalar(
            "SELECT MAX(at_ms) FROM audit_log WHERE case_id = $1 AND action = $2 AND detail = $3",
        )
        .bind(reference.0)
        .bind(action)
        .bind(detail)
        .fetch_one(&self.reader)
        .await
        .context("cannot read the audit log")
    }

    /// The audit trail of a case: (actor, action) in order.
    pub async fn audit_trail(&self, reference: CaseRef) -> anyhow::Result<Vec<(String, String)>> {
        sqlx::query_as("SELECT actor_name, action FROM audit_log WHERE case_id = $1 ORDER BY at_ms")
            .bind(reference.0)
            .fetch_all(&self.reader)
            .await
            .context("cannot read the audit log")
    }
}

/// Who an audit entry names.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Actor<'a> {
    /// A coordinator, by id and name.
    Coordinator(&'a Coordinator),
    /// No coordinator: the bot itself, the patient, a test; by name only.
    Named(&'a str),
}

impl<'a> Actor<'a> {
    pub(crate) const SYSTEM: Actor<'static> = Actor::Named("system");
    pub(crate) const PATIENT: Actor<'static> = Actor::Named("patient");

    /// The coordinator who acted, or the bot itself when none did.
    pub(crate) fn or_system(who: Option<&'a Coordinator>) -> Actor<'a> {
        who.map_or(Actor::SYSTEM, Actor::Coordinator)
    }
}

/// Appends one entry to the audit log: the one statement that writes it.
/// Nothing in the bot edits or deletes it.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    reference: Option<CaseRef>,
    actor: Actor<'_>,
    action: &str,
    detail: &str,
) -> anyhow::Result<()> {
    let (actor_id, actor_name) = match actor {
        Actor::Coordinator(who) => (Some(who.id), who.name.as_str()),
        Actor::Named(name) => (None, name),
    };
    sqlx::query("INSERT INTO audit_log (at_ms, case_id, actor_id, actor_name, action, detail) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(unix_now_ms())
        .bind(reference.map(|r| r.0))
        .bind(actor_id)
        .bind(actor_name)
        .bind(action)
        .bind(detail)
        .execute(&mut *conn)
        .await
        .context("cannot write the audit log")?;
    Ok(())
}
