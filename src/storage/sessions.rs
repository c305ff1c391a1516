//! Sessions: where each patient is in the conversation (language, node,
//! the intake draft, their latest case) and whether they blocked the bot.
//!
//! Owns the `sessions` and `intake_drafts` tables. Must not touch cases,
//! relays or the audit log (a session only reads its latest case's status).

use anyhow::Context;
use sqlx::{AnyConnection, Row};

use super::{ROWS_PER_STATEMENT, Sealer, Storage, durable, sealing, unix_now};
use crate::dialogue::Session;
use crate::dialogue::engine::CaseLink;
use crate::handoff::CaseStatus;
use crate::intake::{CaseRef, Draft};

impl Storage {
    pub async fn load_session(&self, chat_id: i64) -> anyhow::Result<Option<Session>> {
        let mut conn = self.reading().await?;
        load_session_in(&mut conn, self.sealer(), chat_id).await
    }

    /// Records that the patient blocked (or unblocked) the bot.
    pub async fn set_blocked(&self, chat_id: i64, blocked: bool) -> anyhow::Result<()> {
        self.execute_write(
            sqlx::query("UPDATE sessions SET blocked = $1, updated_at = $2 WHERE chat_id = $3")
                .bind(i64::from(blocked))
                .bind(unix_now())
                .bind(chat_id),
        )
        .await
        .context("cannot record the blocked state")?;
        Ok(())
    }

    pub async fn is_blocked(&self, chat_id: i64) -> anyhow::Result<bool> {
        let blocked: Option<i64> =
            sqlx::query_scalar("SELECT blocked FROM sessions WHERE chat_id = $1")
                .bind(chat_id)
                .fetch_optional(&self.reader)
                .await
                .context("cannot read the blocked state")?;
        Ok(blocked.unwrap_or(0) != 0)
    }
}

/// A session to store, and whether its chat had an intake draft stored
/// before (only then does a session without a draft need a DELETE).
pub(crate) struct SessionWrite<'a> {
    pub chat_id: i64,
    pub session: &'a Session,
    pub draft_row: bool,
}

/// The sessions' rows of a group's writes, as JSON arrays: one parameter
/// each, so that the statement's text never changes (`SESSION_WRITES_*`).
pub(crate) struct SessionRows {
    /// `[[chat_id, locale, locale_chosen, node, filling], …]`
    pub sessions: String,
    /// `[[chat_id, sealed draft], …]`
    pub drafts: String,
    /// `[chat_id, …]`: chats whose stored draft is gone.
    pub cleared_drafts: String,
}

/// What a stored session takes from the one written over it (both
/// databases).
const SESSION_CONFLICT: &str = "ON CONFLICT (chat_id) DO UPDATE SET
    locale = excluded.locale,
    locale_chosen = excluded.locale_chosen,
    node = excluded.node,
    filling = excluded.filling,
    blocked = 0,
    updated_at = excluded.updated_at";

/// What a stored draft takes from the one written over it.
const DRAFT_CONFLICT: &str =
    "ON CONFLICT (chat_id) DO UPDATE SET draft = excluded.draft, updated_at = excluded.updated_at";

const SESSION_COLUMNS: &str =
    "sessions (chat_id, locale, locale_chosen, node, filling, blocked, created_at, updated_at)";

/// Stores sessions with their intake drafts, on SQLite: `$1` the time,
/// `$2`, `$3`, `$4` the `SessionRows`. Part of the group's one write
/// statement (`group::write_and_commit`); at most one row per chat.
pub(crate) static SESSION_WRITES_SQLITE: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| {
        format!(
            "INSERT INTO {SESSION_COLUMNS}
                 SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, 0, $1, $1
                 FROM json_each($2) WHERE true {SESSION_CONFLICT};
             INSERT INTO intake_drafts (chat_id, draft, updated_at)
                 SELECT value ->> 0, value ->> 1, $1 FROM json_each($3) WHERE true {DRAFT_CONFLICT};
             DELETE FROM intake_drafts WHERE chat_id IN (SELECT value FROM json_each($4));"
        )
    });

/// The same for PostgreSQL, a statement each (`$1` the time where used,
/// then the rows), in this order, each left out when it has no rows.
pub(crate) static SESSION_WRITES_POSTGRES: std::sync::LazyLock<[String; 3]> =
    std::sync::LazyLock::new(|| {
        [
            format!(
                "INSERT INTO {SESSION_COLUMNS}
                 SELECT (v ->> 0)::bigint, v ->> 1, (v ->> 2)::bigint, v ->> 3, (v ->> 4)::bigint, 0, $1, $1
                 FROM jsonb_array_elements($2::jsonb) AS r(v) {SESSION_CONFLICT}"
            ),
            format!(
                "INSERT INTO intake_drafts (chat_id, draft, updated_at)
                 SELECT (v ->> 0)::bigint, v ->> 1, $1 FROM jsonb_array_elements($2::jsonb) AS r(v)
                 {DRAFT_CONFLICT}"
            ),
            "DELETE FROM intake_drafts WHERE chat_id = ANY (ARRAY
                 (SELECT value::bigint FROM jsonb_array_elements_text($1::jsonb)))"
                .to_owned(),
        ]
    });

/// The rows that store `writes` (each draft sealed).
pub(crate) fn session_rows(
    sealer: Option<&Sealer>,
    writes: &[SessionWrite<'_>],
) -> anyhow::Result<SessionRows> {
    let sessions: Vec<(i64, &str, i64, &str, i64)> = writes
        .iter()
        .map(|write| {
            let session = write.session;
            (
                write.chat_id,
                session.locale.as_str(),
                i64::from(session.locale_chosen),
                session.node.as_str(),
                i64::from(session.intake.is_filling()),
            )
        })
        .collect();
    let drafts: Vec<(i64, String)> = writes
        .iter()
        .filter_map(|write| Some((write.chat_id, write.session.intake.draft()?)))
        .map(|(chat_id, draft)| {
            Ok((
                chat_id,
                sealing::seal(
                    sealer,
                    sealing::DRAFT,
                    chat_id,
                    &serde_json::to_string(draft)?,
                )?,
            ))
        })
        .collect::<anyhow::Result<_>>()?;
    let cleared: Vec<i64> = writes
        .iter()
        .filter(|write| write.session.intake.draft().is_none() && write.draft_row)
        .map(|write| write.chat_id)
        .collect();
    Ok(SessionRows {
        sessions: serde_json::to_string(&sessions)?,
        drafts: serde_json::to_string(&drafts)?,
        cleared_drafts: serde_json::to_string(&cleared)?,
    })
}

/// A stored session, and whether an intake draft row was stored with it
/// (even one this version could not read).
pub(crate) struct LoadedSession {
    pub session: Session,
    pub draft_row: bool,
}

pub(crate) async fn load_session_in(
    conn: &mut AnyConnection,
    sealer: Option<&Sealer>,
    chat_id: i64,
) -> anyhow::Result<Option<Session>> {
    let mut loaded = load_sessions_in(conn, sealer, &[chat_id]).await?;
    Ok(loaded.remove(&chat_id).map(|loaded| loaded.session))
}

/// The stored sessions of these chats (one statement per 200 chats).
pub(crate) async fn load_sessions_in(
    conn: &mut AnyConnection,
    sealer: Option<&Sealer>,
    chat_ids: &[i64],
) -> anyhow::Result<std::collections::HashMap<i64, LoadedSession>> {
    load_sessions_each_in(conn, sealer, chat_ids)
        .await?
        .into_iter()
        .map(|(chat_id, loaded)| Ok((chat_id, loaded?)))
        .collect()
}

/// A stored session's columns (the statements add which chats).
pub(crate) const SESSIONS_SELECT: &str = "SELECT s.chat_id, s.locale, s.locale_chosen, s.node, s.filling, d.draft, c.id AS case_id, c.status AS case_status
     FROM sessions s
     LEFT JOIN intake_drafts d ON d.chat_id = s.chat_id
     LEFT JOIN cases c ON c.id = (SELECT MAX(id) FROM cases WHERE chat_id = s.chat_id)";

/// The stored sessions of these chats, each loaded or not on its own: one
/// patient's unreadable draft fails that patient's update alone, not the
/// others loaded with it.
pub(crate) async fn load_sessions_each_in(
    conn: &mut AnyConnection,
    sealer: Option<&Sealer>,
    chat_ids: &[i64],
) -> anyhow::Result<std::collections::HashMap<i64, anyhow::Result<LoadedSession>>> {
    let mut sessions = std::collections::HashMap::with_capacity(chat_ids.len());
    for chunk in chat_ids.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "{SESSIONS_SELECT} WHERE s.chat_id IN ({})",
            durable::placeholder_list(1, durable::in_list(chunk).len())
        );
        let mut select = sqlx::query(&sql);
        for chat_id in durable::in_list(chunk) {
            select = select.bind(chat_id);
        }
        let rows = select
            .fetch_all(&mut *conn)
            .await
            .context("cannot load the sessions")?;
        for row in rows {
            let (chat_id, loaded) = session_of_row(&row, sealer)?;
            sessions.insert(chat_id, loaded);
        }
    }
    Ok(sessions)
}

/// A row of `SESSIONS_SELECT`: its chat, and its session (or why it
/// cannot be loaded).
pub(crate) fn session_of_row(
    row: &sqlx::any::AnyRow,
    sealer: Option<&Sealer>,
) -> anyhow::Result<(i64, anyhow::Result<LoadedSession>)> {
    let chat_id: i64 = row.try_get("chat_id")?;
    Ok((chat_id, loaded_session(row, sealer, chat_id)))
}

fn loaded_session(
    row: &sqlx::any::AnyRow,
    sealer: Option<&Sealer>,
    chat_id: i64,
) -> anyhow::Result<LoadedSession> {
    let stored_draft: Option<String> = row.try_get("draft")?;
    let draft_row = stored_draft.is_some();
    let draft: Option<String> = stored_draft
        .map(|stored| sealing::open(sealer, sealing::DRAFT, chat_id, &stored))
        .transpose()?;
    let draft = draft
        .map(|json| serde_json::from_str::<Draft>(&json))
        .transpose()
        // A draft this version cannot read is dropped, not a crash loop.
        .unwrap_or_else(|err| {
            tracing::error!(chat_id, error = %err, "unreadable intake draft dropped");
            None
        });
    let case_id: Option<i64> = row.try_get("case_id")?;
    let case_status: Option<String> = row.try_get("case_status")?;
    let case = case_id
        .zip(case_status)
        .map(|(id, status)| -> anyhow::Result<CaseLink> {
            let reference = CaseRef(id);
            let status: CaseStatus = status
                .parse()
                .with_context(|| format!("chat {chat_id}'s latest case {reference}"))?;
            Ok(CaseLink {
                reference,
                open: status.is_open(),
            })
        })
        .transpose()?;
    let session = Session {
        case,
        locale: row.try_get("locale")?,
        locale_chosen: row.try_get::<i64, _>("locale_chosen")? != 0,
        node: row.try_get("node")?,
        // Filling without a draft (none stored, or unreadable) is no form.
        intake: crate::intake::FormState::from_parts(draft, row.try_get::<i64, _>("filling")? != 0),
    };
    Ok(LoadedSession { session, draft_row })
}
