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
    assert_eq!(
        storage.outbox_depth().await.unwrap(),
        0,
        "nothing stuck in the outbox"
    );
}
