//! The commands that look after the database itself: `migrate`, `seal`
//! (encrypt in place), `replay` (hand set-aside updates back), `backup` and
//! `restore`.
//!
//! Owns their messages. Must not touch tables (that is `storage`'s) nor
//! judge settings (the URL and keys go through `config`).

use std::path::Path;

use anyhow::Context;

use crate::config::{self, ConfigErrors, DataKeys, DatabaseArgs, DatabaseUrl};
use crate::storage::Storage;

fn url(database: &DatabaseArgs) -> Result<DatabaseUrl, ConfigErrors> {
    Ok(config::database_url(&database.url)?)
}

/// Create the database if needed and apply its migrations.
pub fn migrate(database: &DatabaseArgs) -> anyhow::Result<()> {
    let url = url(database)?;
    super::block_on(async move {
        let storage = Storage::connect(url.expose()).await?;
        storage.close().await;
        println!("ok: {url} is migrated");
        Ok(())
    })
}

/// Encrypt in place what is stored in plain, in the first format, or under
/// an older key.
pub fn seal(database: &DatabaseArgs, keys: &DataKeys) -> anyhow::Result<()> {
    let (url, sealer) = config::database_and_keys(database, keys)?;
    let sealer = sealer.context("navigator seal needs DATA_KEY (the key to seal with)")?;
    super::block_on(async move {
        let storage = Storage::connect_sealed(url.expose(), Some(sealer)).await?;
        let done = storage.seal_in_place().await?;
        storage.close().await;
        println!(
            "ok: sealed {} value(s) stored in plain, {} in the first format, {} under an older key",
            done.plain, done.unbound, done.older_key
        );
        anyhow::ensure!(
            done.unopenable == 0,
            "{} value(s) open with none of the configured keys and were left as they are: add the key they were written with to DATA_KEYS_OLD and run again",
            done.unopenable
        );
        Ok(())
    })
}

/// Hand the updates set aside back to the bot.
pub fn replay(database: &DatabaseArgs) -> anyhow::Result<()> {
    let url = url(database)?;
    super::block_on(async move {
        let storage = Storage::connect(url.expose()).await?;
        let replayed = storage.replay_set_aside().await?;
        storage.close().await;
        println!("ok: {replayed} updates set aside are handed back to the bot");
        Ok(())
    })
}

/// A consistent online backup of the SQLite database into a new file.
pub fn backup(database: &DatabaseArgs, path: &Path) -> anyhow::Result<()> {
    let url = url(database)?;
    super::block_on(async move {
        let storage = Storage::connect(url.expose()).await?;
        storage.backup_to(path).await?;
        println!("ok: backup written to {}", path.display());
        Ok(())
    })
}

/// Restore a backup file into an empty database.
pub fn restore(database: &DatabaseArgs, path: &Path) -> anyhow::Result<()> {
    let url = url(database)?;
    super::block_on(async move {
        anyhow::ensure!(path.exists(), "{} does not exist", path.display());
        // Opening migrates an older backup up to this version first.
        let backup = Storage::connect(&format!("sqlite://{}", path.display())).await?;
        let target = Storage::connect(url.expose()).await?;
        let rows = target.restore_from(&backup).await?;
        println!("ok: {rows} rows restored into {url}");
        Ok(())
    })
}
