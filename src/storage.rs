//! Storage: the database behind the bot, through sqlx's `Any` driver so that
//! one set of queries and migrations (`migrations/`) serves SQLite (the
//! embedded default) and PostgreSQL (production).
//!
//! Owns SQL and connection set-up. Must not know about Telegram or Fluent;
//! it stores the core's plain data types.

use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor, Row};

use std::collections::BTreeMap;

use crate::dialogue::Session;
use crate::intake::{Answer, CaseRef, Draft, Submission};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The default database: a file next to where the bot runs.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://navigator.db";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Storage {
    pool: AnyPool,
    backend: Backend,
}

impl Storage {
    /// Connects (creating a SQLite file on first run) and applies migrations.
    pub async fn connect(database_url: &str) -> anyhow::Result<Storage> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(database_url)?;
        let url = match backend {
            Backend::Sqlite => sqlite_url_creating_file(database_url),
            Backend::Postgres => database_url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)
            .with_context(|| format!("invalid DATABASE_URL ({})", redact(database_url)))?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                // One writer at a time in SQLite; a few readers help little here.
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            })
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .with_context(|| format!("cannot open the database {}", redact(database_url)))?;
        MIGRATOR
            .run(&pool)
            .await
            .context("cannot apply database migrations")?;
        Ok(Storage { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn load_session(&self, chat_id: i64) -> anyhow::Result<Option<Session>> {
        let row = sqlx::query(
            "SELECT s.locale, s.locale_chosen, s.node, s.filling, d.draft
             FROM sessions s LEFT JOIN intake_drafts d ON d.chat_id = s.chat_id
             WHERE s.chat_id = $1",
        )
        .bind(chat_id)
        .fetch_optional(&self.pool)
        .await
        .context("cannot load the session")?;
        let Some(row) = row else {
            return Ok(None);
        };
        let draft: Option<String> = row.try_get("draft")?;
        let intake = draft
            .map(|json| serde_json::from_str::<Draft>(&json))
            .transpose()
            // A draft this version cannot read is dropped, not a crash loop.
            .unwrap_or_else(|err| {
                tracing::error!(chat_id, error = %err, "unreadable intake draft dropped");
                None
            });
        Ok(Some(Session {
            locale: row.try_get("locale")?,
            locale_chosen: row.try_get::<i64, _>("locale_chosen")? != 0,
            node: row.try_get("node")?,
            filling: row.try_get::<i64, _>("filling")? != 0 && intake.is_some(),
            intake,
        }))
    }

    pub async fn save_session(&self, chat_id: i64, session: &Session) -> anyhow::Result<()> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("cannot start a transaction")?;
        save_session_in(&mut tx, chat_id, session).await?;
        tx.commit().await.context("cannot save the session")?;
        Ok(())
    }

    /// Creates a case from a submitted form and saves the session that
    /// ended the form, atomically: a crash leaves either both or neither.
    pub async fn submit_case(
        &self,
        chat_id: i64,
        session: &Session,
        submission: &Submission,
    ) -> anyhow::Result<CaseRef> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("cannot start a transaction")?;
        let number: i64 = sqlx::query(
            "UPDATE counters SET value = value + 1 WHERE name = 'case' RETURNING value",
        )
        .fetch_one(&mut *tx)
        .await
        .context("cannot number the case")?
        .try_get("value")?;
        let now = unix_now();
        sqlx::query(
            "INSERT INTO cases (id, chat_id, locale, status, answers, summary, consent_version, consent_at, created_at, updated_at)
             VALUES ($1, $2, $3, 'new', $4, $5, $6, $7, $8, $8)",
        )
        .bind(number)
        .bind(chat_id)
        .bind(&session.locale)
        .bind(serde_json::to_string(&submission.answers)?)
        .bind(&submission.summary)
        .bind(&submission.consent_version)
        .bind(submission.consent_at)
        .bind(now)
        .execute(&mut *tx)
        .await
        .context("cannot store the case")?;
        save_session_in(&mut tx, chat_id, session).await?;
        tx.commit().await.context("cannot store the case")?;
        Ok(CaseRef(number))
    }

    pub async fn case(&self, reference: CaseRef) -> anyhow::Result<Option<StoredCase>> {
        let row = sqlx::query(
            "SELECT id, chat_id, locale, status, answers, summary, consent_version, consent_at, created_at
             FROM cases WHERE id = $1",
        )
        .bind(reference.0)
        .fetch_optional(&self.pool)
        .await
        .context("cannot load the case")?;
        row.map(|row| {
            let answers: String = row.try_get("answers")?;
            Ok(StoredCase {
                reference: CaseRef(row.try_get("id")?),
                chat_id: row.try_get("chat_id")?,
                locale: row.try_get("locale")?,
                status: row.try_get("status")?,
                answers: serde_json::from_str(&answers).context("unreadable case answers")?,
                summary: row.try_get("summary")?,
                consent_version: row.try_get("consent_version")?,
                consent_at: row.try_get("consent_at")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .transpose()
    }

    pub async fn cases_of(&self, chat_id: i64) -> anyhow::Result<Vec<CaseRef>> {
        let rows = sqlx::query("SELECT id FROM cases WHERE chat_id = $1 ORDER BY id")
            .bind(chat_id)
            .fetch_all(&self.pool)
            .await
            .context("cannot list cases")?;
        rows.iter()
            .map(|row| Ok(CaseRef(row.try_get("id")?)))
            .collect()
    }

    /// Erases what the patient gave us: drafts and case content. The session
    /// row (language, place in the menu) stays so the bot can still answer.
    pub async fn erase_patient_data(&self, chat_id: i64) -> anyhow::Result<()> {
        let mut tx = self
            .pool
            .begin()
            .await
            .context("cannot start a transaction")?;
        for statement in [
            "DELETE FROM intake_drafts WHERE chat_id = $1",
            "DELETE FROM cases WHERE chat_id = $1",
            "UPDATE sessions SET filling = 0 WHERE chat_id = $1",
        ] {
            sqlx::query(statement)
                .bind(chat_id)
                .execute(&mut *tx)
                .await
                .context("cannot erase the patient's data")?;
        }
        tx.commit()
            .await
            .context("cannot erase the patient's data")?;
        Ok(())
    }

    /// Records that the patient blocked (or unblocked) the bot.
    pub async fn set_blocked(&self, chat_id: i64, blocked: bool) -> anyhow::Result<()> {
        sqlx::query("UPDATE sessions SET blocked = $1, updated_at = $2 WHERE chat_id = $3")
            .bind(i64::from(blocked))
            .bind(unix_now())
            .bind(chat_id)
            .execute(&self.pool)
            .await
            .context("cannot record the blocked state")?;
        Ok(())
    }

    pub async fn is_blocked(&self, chat_id: i64) -> anyhow::Result<bool> {
        let blocked = sqlx::query("SELECT blocked FROM sessions WHERE chat_id = $1")
            .bind(chat_id)
            .fetch_optional(&self.pool)
            .await
            .context("cannot read the blocked state")?
            .map(|row| row.try_get::<i64, _>("blocked"))
            .transpose()?;
        Ok(blocked.unwrap_or(0) != 0)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn backend_of(database_url: &str) -> anyhow::Result<Backend> {
    if database_url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
        Ok(Backend::Postgres)
    } else {
        anyhow::bail!(
            "DATABASE_URL must start with sqlite: or postgres: (got {})",
            redact(database_url)
        )
    }
}

/// SQLite refuses to open a missing file unless asked to create it.
fn sqlite_url_creating_file(database_url: &str) -> String {
    if database_url.contains("mode=") || database_url.contains(":memory:") {
        database_url.to_owned()
    } else if database_url.contains('?') {
        format!("{database_url}&mode=rwc")
    } else {
        format!("{database_url}?mode=rwc")
    }
}

/// A database URL without its password, for messages and logs.
pub fn redact(database_url: &str) -> String {
    match url::Url::parse(database_url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => database_url.to_owned(),
    }
}

/// A submitted case as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCase {
    pub reference: CaseRef,
    pub chat_id: i64,
    pub locale: String,
    pub status: String,
    pub answers: BTreeMap<String, Answer>,
    pub summary: String,
    pub consent_version: String,
    pub consent_at: i64,
    pub created_at: i64,
}

async fn save_session_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    chat_id: i64,
    session: &Session,
) -> anyhow::Result<()> {
    let now = unix_now();
    sqlx::query(
        "INSERT INTO sessions (chat_id, locale, locale_chosen, node, filling, blocked, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 0, $6, $6)
         ON CONFLICT (chat_id) DO UPDATE SET
             locale = excluded.locale,
             locale_chosen = excluded.locale_chosen,
             node = excluded.node,
             filling = excluded.filling,
             blocked = 0,
             updated_at = excluded.updated_at",
    )
    .bind(chat_id)
    .bind(&session.locale)
    .bind(i64::from(session.locale_chosen))
    .bind(&session.node)
    .bind(i64::from(session.filling))
    .bind(now)
    .execute(&mut **tx)
    .await
    .context("cannot save the session")?;
    match &session.intake {
        Some(draft) => {
            sqlx::query(
                "INSERT INTO intake_drafts (chat_id, draft, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (chat_id) DO UPDATE SET draft = excluded.draft, updated_at = excluded.updated_at",
            )
            .bind(chat_id)
            .bind(serde_json::to_string(draft)?)
            .bind(now)
            .execute(&mut **tx)
            .await
            .context("cannot save the intake draft")?;
        }
        None => {
            sqlx::query("DELETE FROM intake_drafts WHERE chat_id = $1")
                .bind(chat_id)
                .execute(&mut **tx)
                .await
                .context("cannot clear the intake draft")?;
        }
    }
    Ok(())
}

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://bot:s3cret@db:5432/nav"),
            "postgres://bot:***@db:5432/nav"
        );
        assert_eq!(redact("sqlite://navigator.db"), "sqlite://navigator.db");
    }

    #[test]
    fn sqlite_files_are_created_on_first_run() {
        assert_eq!(
            sqlite_url_creating_file("sqlite://a.db"),
            "sqlite://a.db?mode=rwc"
        );
        assert_eq!(
            sqlite_url_creating_file("sqlite://a.db?x=1"),
            "sqlite://a.db?x=1&mode=rwc"
        );
        assert_eq!(
            sqlite_url_creating_file("sqlite://a.db?mode=ro"),
            "sqlite://a.db?mode=ro"
        );
    }

    #[test]
    fn unknown_schemes_are_refused_clearly() {
        let err = backend_of("mysql://x").unwrap_err().to_string();
        assert!(
            err.contains("must start with sqlite: or postgres:"),
            "{err}"
        );
    }
}
