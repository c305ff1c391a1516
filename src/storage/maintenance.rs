//! Maintenance of stored data outside the bot's flow: sealing in place what
//! was stored before a data key was set, in the first sealing format (not
//! bound to its row), or under an older key (`navigator seal`). Uses the
//! storage's own connections; decides nothing about patients or cases.

use anyhow::Context;
use sqlx::Row;

use super::Storage;
use super::sealing::{self, Kept, SEALED};

/// What `seal_in_place` rewrote, and what it could not open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resealed {
    pub plain: u64,
    pub unbound: u64,
    pub older_key: u64,
    /// Values no configured key opens (left as they are).
    pub unopenable: u64,
}

impl Storage {
    /// Seals every value of the sealed columns that is not yet sealed,
    /// bound to its row, under the current key. Safe while the bot runs: a
    /// row is rewritten only if it did not change meanwhile.
    pub async fn seal_in_place(&self) -> anyhow::Result<Resealed> {
        let sealer = self
            .sealer()
            .context("sealing in place needs DATA_KEY (and DATA_KEYS_OLD for older keys)")?;
        let mut done = Resealed::default();
        for column in SEALED {
            let (table, name, key) = (column.table, column.name, column.key);
            let rows = sqlx::query(&format!(
                "SELECT {key} AS k, {name} AS v FROM {table} WHERE {name} NOT LIKE $1"
            ))
            .bind(format!("enc2:{}:%", sealer.current_id()))
            .fetch_all(self.pool())
            .await
            .with_context(|| format!("cannot read {table}.{name}"))?;
            for row in rows {
                let (row_key, stored): (i64, String) = (row.try_get("k")?, row.try_get("v")?);
                if sealer.is_current(&stored) || stored.is_empty() {
                    continue; // an id the LIKE pattern matched loosely
                }
                let (kept, _) = sealing::kept(&stored);
                let plain = match kept {
                    Kept::Plain => stored.clone(),
                    Kept::Unbound | Kept::Bound => match sealer.open(column, row_key, &stored) {
                        Ok(plain) => plain,
                        Err(err) => {
                            tracing::error!(
                                table,
                                column = name,
                                row = row_key,
                                error = format!("{err:#}"),
                                "a value no configured key opens is left as it is"
                            );
                            done.unopenable += 1;
                            continue;
                        }
                    },
                };
                let sealed = sealer.seal(column, row_key, &plain)?;
                let sql =
                    format!("UPDATE {table} SET {name} = $1 WHERE {key} = $2 AND {name} = $3");
                let rewritten = self
                    .write(move |conn| {
                        Box::pin(async move {
                            Ok(sqlx::query(&sql)
                                .bind(sealed)
                                .bind(row_key)
                                .bind(stored)
                                .execute(conn)
                                .await?
                                .rows_affected())
                        })
                    })
                    .await
                    .with_context(|| format!("cannot rewrite {table}.{name}"))?;
                if rewritten == 1 {
                    match kept {
                        Kept::Plain => done.plain += 1,
                        Kept::Unbound => done.unbound += 1,
                        Kept::Bound => done.older_key += 1,
                    }
                }
            }
        }
        Ok(done)
    }
}
