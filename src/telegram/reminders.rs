//! The escalation sweep: a background task that looks at the open cases'
//! waits a few times per reminder period and records each reminder that is
//! due, once, with its outbox job (the sender posts it, paced like every
//! message into the group). A restart finds what was recorded: nothing is
//! lost or sent twice; replicas may sweep side by side.
//!
//! Owns the timing only: the rules and texts are `handoff::escalation`, the
//! record is `storage`.

use std::sync::Arc;

use super::Shell;
use super::sender::Job;
use crate::handoff::escalation::{self, Policy};
use crate::storage::{ReminderRecord, unix_now};

/// Runs forever: every `policy.tick()`, the reminders due.
pub async fn run(shell: Arc<Shell>, policy: Policy) {
    tracing::info!(
        after_s = policy.after,
        urgent_after_s = policy.urgent_after,
        "reminders about forgotten cases on"
    );
    loop {
        if let Err(err) = sweep(&shell, &policy, unix_now()).await {
            tracing::error!(error = %format!("{err:#}"), "the reminders' sweep failed");
        }
        tokio::time::sleep(policy.tick()).await;
    }
}

/// Records the reminders due at `now`; returns how many.
pub async fn sweep(shell: &Shell, policy: &Policy, now: i64) -> anyhow::Result<usize> {
    let default_group = shell.teams.default_team().map(|team| team.group);
    let mut recorded = 0;
    let words = super::coordinators::Words::of(shell);
    let watched = shell
        .storage
        .escalation_watch(default_group, now - policy.soonest())
        .await?;
    for watched in watched {
        let Some(reminder) = escalation::due(&watched, policy, shell.hours.as_ref(), now) else {
            continue;
        };
        let job = Job::Reminder {
            case: watched.reference,
            html: escalation::text(&words.texts(), &watched, &reminder),
            loud: reminder.level >= 2,
        };
        let record = ReminderRecord {
            reference: watched.reference,
            wait: watched.wait,
            since: watched.since,
            level: reminder.level,
            chat_id: watched.group,
            lane: job.lane(watched.group).to_string(),
            job: job.to_json(),
        };
        if shell.storage.record_reminder(record, now).await? {
            tracing::info!(case = %watched.reference, wait = %watched.wait,
                level = reminder.level, waited_s = reminder.waited, "reminder queued");
            crate::telemetry::reminder_queued(reminder.level);
            recorded += 1;
        }
    }
    if recorded > 0 {
        shell.wake.notify_one();
    }
    Ok(recorded)
}
