//! Coordinators as the bot last saw them: their name and username, to
//! find a coordinator by `@username` (a transfer).
//!
//! Owns the `coordinators` table. Must not touch cases or decide who may
//! act on one (`handoff::access` does).

use anyhow::Context;

use super::{Storage, unix_now};
use crate::handoff::Coordinator;

pub(super) type CoordinatorsSeen = std::collections::HashMap<i64, ((String, Option<String>), i64)>;

/// How often a coordinator's `seen_at` is refreshed while nothing else changed.
const COORDINATOR_SEEN_EVERY: i64 = 3600;

impl Storage {
    pub async fn remember_coordinator(
        &self,
        who: &Coordinator,
        username: Option<&str>,
    ) -> anyhow::Result<()> {
        let username = username.map(str::to_ascii_lowercase);
        let now = unix_now();
        let known = (who.name.clone(), username.clone());
        if let Ok(seen) = self.coordinators_seen.lock()
            && seen
                .get(&who.id)
                .is_some_and(|(same, at)| *same == known && now - at < COORDINATOR_SEEN_EVERY)
        {
            return Ok(()); // otherwise a write at every press and message
        }
        self.execute_write(
            sqlx::query(
                "INSERT INTO coordinators (id, name, username, seen_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, username = excluded.username, seen_at = excluded.seen_at",
            )
            .bind(who.id)
            .bind(who.name.clone())
            .bind(username.clone())
            .bind(now),
        )
        .await
        .context("cannot remember the coordinator")?;
        if let Ok(mut seen) = self.coordinators_seen.lock() {
            seen.insert(who.id, (known, now));
        }
        Ok(())
    }

    pub async fn coordinator_by_username(
        &self,
        username: &str,
    ) -> anyhow::Result<Option<Coordinator>> {
        // A username can pass from one person to another: the one who
        // used it last is meant.
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT id, name FROM coordinators WHERE username = $1 ORDER BY seen_at DESC LIMIT 1",
        )
        .bind(username.trim_start_matches('@').to_ascii_lowercase())
        .fetch_optional(&self.reader)
        .await
        .context("cannot find the coordinator")?;
        Ok(row.map(|(id, name)| Coordinator { id, name }))
    }
}
