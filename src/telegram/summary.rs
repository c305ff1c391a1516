//! The weekly summary: a background task that posts the past week's figures
//! in the coordinators' group (General topic) at the configured time.
//!
//! Owns the timing and the post. Each weekly slot is claimed in the
//! database before posting, so a restart (or a second instance) never
//! posts it twice; a slot whose post failed is given back and tried again.
//! A slot missed by more than `WEEKLY_CATCH_UP` (the bot was down) is
//! skipped. Written in the coordinators' language (the live catalog, read
//! at each post). Must not compute figures (that is `reports`).

use std::sync::Arc;
use std::time::Duration;

use teloxide::prelude::*;

use super::Shell;
use super::coordinators::Words;
use super::delivery::{self, with_retries};
use crate::reply::{Keyboard, Placement, Reply};
use crate::reports::{self, WEEKLY_CATCH_UP, WeeklySchedule};
use crate::storage::unix_now;

/// How often the task looks at the clock.
const TICK: Duration = Duration::from_secs(30);

/// Runs forever: posts each week's summary once, at its time.
pub async fn run(bot: Bot, shell: Arc<Shell>, group: ChatId, schedule: WeeklySchedule) {
    tracing::info!(chat_id = group.0, schedule = %schedule, "weekly summary scheduled");
    loop {
        if let Err(err) = post_if_due(&bot, &shell, group, &schedule, unix_now()).await {
            tracing::error!(chat_id = group.0, error = %format!("{err:#}"), "the weekly summary failed");
        }
        tokio::time::sleep(TICK).await;
    }
}

/// Posts the summary of the latest slot if it is due and not posted yet.
/// Returns whether it posted.
pub async fn post_if_due(
    bot: &Bot,
    shell: &Shell,
    group: ChatId,
    schedule: &WeeklySchedule,
    now: i64,
) -> anyhow::Result<bool> {
    let storage = &shell.storage;
    let slot = schedule.latest_slot(now);
    if now - slot > WEEKLY_CATCH_UP || !storage.claim_weekly_summary(slot, now).await? {
        return Ok(false);
    }
    let period = WeeklySchedule::week_before(slot);
    let posted = async {
        let rows = storage.report_rows(period).await?;
        let html = reports::weekly_html(&Words::of(shell).texts(), &rows, period, &schedule.zone);
        let reply = Reply::new(html, Keyboard::None, Placement::New);
        with_retries(|| delivery::send(bot, group, None, &reply)).await?;
        anyhow::Ok(())
    }
    .await;
    match posted {
        Ok(()) => {
            tracing::info!(chat_id = group.0, slot, "weekly summary posted");
            Ok(true)
        }
        Err(err) => {
            storage.unclaim_weekly_summary(slot).await?;
            Err(err)
        }
    }
}
