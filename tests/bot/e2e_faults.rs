//! Telegram's faults through the emulator: 429 with retry_after, 500, 502, a
//! dropped connection, a patient who blocked the bot. Replies still arrive,
//! in order, once; a blocked patient is recorded. (teloxide waits 10 s after
//! any 5xx before returning it: these cases take that long.)

use crate::common;

use std::time::Instant;

use common::bot::spawn_bot;
use patient_navigator::emulator::{Fault, FaultKind};

#[tokio::test]
async fn replies_survive_429_500_502_and_dropped_connections() {
    let bot = spawn_bot().await;
    let eli = bot.patient(9601, "Eli", Some("en"));
    eli.say("/start").await;
    for (kind, times) in [
        (FaultKind::TooManyRequests { retry_after: 1 }, 1),
        (FaultKind::InternalServerError, 1),
        (FaultKind::BadGateway, 1),
        (FaultKind::DropConnection, 1),
    ] {
        bot.emulator.inject(Fault {
            method: "sendMessage",
            times,
            kind: kind.clone(),
        });
        let started = Instant::now();
        let reply = eli.say("/help").await;
        let text = &reply
            .last()
            .unwrap_or_else(|| panic!("{kind:?}: no reply"))
            .text;
        assert!(text.starts_with("How to use this bot"), "{kind:?}: {text}");
        if let FaultKind::TooManyRequests { retry_after } = kind {
            assert!(
                started.elapsed().as_secs() >= u64::from(retry_after),
                "retry_after obeyed"
            );
        }
    }
    let helps = eli
        .transcript()
        .iter()
        .filter(|m| m.from_bot && m.text.starts_with("How to use this bot"))
        .count();
    assert_eq!(helps, 4, "each reply delivered exactly once");
    bot.assert_spec_clean();
}

#[tokio::test]
async fn a_403_marks_the_patient_as_having_blocked_the_bot() {
    let bot = spawn_bot().await;
    let kai = bot.patient(9602, "Kai", Some("en"));
    kai.say("/start").await;
    bot.emulator.inject(Fault {
        method: "sendMessage",
        times: 1,
        kind: FaultKind::Error {
            code: 403,
            description: "Forbidden: bot was blocked by the user".into(),
        },
    });
    let sent = kai.send_text("/help").await;
    kai.settle(&sent).await;
    bot.emulator.wait_idle().await;
    let storage = patient_navigator::storage::Storage::connect(&bot.db.url)
        .await
        .unwrap();
    assert!(storage.is_blocked(kai.chat_id()).await.unwrap());
    // Delivered jobs are deleted with a later write, not awaited by the
    // sender (SQLite): under load that may come a little after the
    // emulator fell idle.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut depth = storage.outbox_depth().await.unwrap();
    while depth > 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        depth = storage.outbox_depth().await.unwrap();
    }
    assert_eq!(depth, 0, "nothing stuck in the outbox");
}

/// A patient's reply that failed waits for its retry, and their next
/// replies wait behind it: on SQLite the sender takes an update's jobs
/// straight from its commit, without reading the outbox, and must still
/// not let them overtake one left there for a retry.
#[tokio::test]
async fn replies_after_one_waiting_for_its_retry_keep_their_order() {
    // With Telegram's limits off, and on: the pacer holds the private
    // chat's sends to about one a second, and the order must hold all the
    // same.
    let mut bots = Vec::new();
    for db in common::db::TestDb::all().await {
        bots.push((db.label, "no limits", common::bot::spawn_bot_on(db).await));
    }
    for db in common::db::TestDb::all().await {
        let label = db.label;
        let bot = common::bot::spawn_bot_at_telegram_limits(db, |_| {}).await;
        bots.push((label, "at Telegram's limits", bot));
    }
    for (backend, limits, bot) in bots {
        let backend = format!("{backend}, {limits}");
        let eli = bot.patient(9602, "Eli", Some("en"));
        eli.say("/start").await;
        bot.emulator.inject(Fault {
            method: "sendMessage",
            times: 1,
            kind: FaultKind::DropConnection,
        });
        eli.send_text("/help").await;
        // The help's first try fails meanwhile; this comes after it.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        eli.send_text("/privacy").await;
        let wanted = ["How to use this bot", "Your data and your privacy"];
        let deadline = Instant::now() + std::time::Duration::from_secs(20);
        let replies = loop {
            let replies: Vec<String> = eli
                .transcript()
                .iter()
                .filter(|m| m.from_bot && wanted.iter().any(|w| m.text.starts_with(w)))
                .map(|m| m.text.lines().next().unwrap_or_default().to_owned())
                .collect();
            if replies.len() >= 2 || Instant::now() > deadline {
                break replies;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        };
        assert_eq!(replies, wanted, "{backend}: in the order asked, once each");
        bot.assert_spec_clean();
    }
}
