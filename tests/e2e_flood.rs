//! Flood control: a patient sending dozens of messages in seconds gets one
//! localized note instead of dozens of answers, and the coordinators still
//! receive every message, once.

mod common;

use std::time::Duration;

use common::bot::{COORDINATOR_CHAT, spawn_bot_at_telegram_limits, spawn_bot_with};
use common::db::TestDb;
use patient_navigator::emulator::{Fault, FaultKind};
use patient_navigator::telegram::flood::FloodLimit;

#[tokio::test]
async fn a_flood_is_slowed_and_nothing_is_lost() {
    let bot = spawn_bot_with(TestDb::sqlite(), |settings| {
        settings.coordinator_chat_id = Some(COORDINATOR_CHAT);
        settings.flood_limit = FloodLimit::default();
    })
    .await;
    let pia = bot.patient(9901, "Pia", Some("fr"));
    let start = pia.say("/start").await;
    pia.press_data(start.last().unwrap().message_id, "a:person")
        .await;
    for i in 0..20 {
        pia.send_text(&format!("message {i}")).await;
    }
    bot.emulator.wait_idle().await;
    let relayed: Vec<String> = common::texts_of(bot.emulator.chat_transcript(COORDINATOR_CHAT))
        .into_iter()
        .filter(|text| text.starts_with("message "))
        .collect();
    let expected: Vec<String> = (0..20).map(|i| format!("message {i}")).collect();
    assert_eq!(
        relayed, expected,
        "coordinators see everything, once, in order"
    );
    let notes = pia
        .transcript()
        .iter()
        .filter(|m| m.from_bot && m.text.starts_with("Vous envoyez beaucoup de messages"))
        .count();
    assert_eq!(notes, 1, "one polite note, in French");

    // Without a case, the answers are held: a handful, one note, then quiet.
    let tom = bot.patient(9902, "Tom", Some("en"));
    for i in 0..20 {
        tom.send_text(&format!("hello {i}")).await;
    }
    bot.emulator.wait_idle().await;
    let answers = tom.transcript().iter().filter(|m| m.from_bot).count();
    assert_eq!(
        answers,
        FloodLimit::default().messages + 1,
        "the limit's answers plus one note"
    );
    bot.assert_spec_clean();
}

/// Twelve patients talk to coordinators at once, each writing at a human
/// pace (scaled with the limits), about 3.6 times what one group takes:
/// with Telegram's limits on, every message arrives once and in order,
/// merged where it waited, no 429 is provoked, nothing is given up, and a
/// patient's own screens answer at once while the group is backlogged.
#[tokio::test]
async fn at_telegram_s_limits_nothing_is_lost_and_patients_never_wait_for_the_group() {
    const PATIENTS: i64 = 12;
    const MESSAGES: usize = 5;
    let bot = spawn_bot_at_telegram_limits(TestDb::sqlite(), |_| {}).await;
    let patients: Vec<_> = (0..PATIENTS)
        .map(|i| bot.patient(30_000 + i, &format!("P{i}"), Some("en")))
        .collect();
    for patient in &patients {
        let start = patient.say("/start").await;
        patient
            .press_data(start.last().unwrap().message_id, "a:person")
            .await;
    }
    // One message each every ~0.5 s (a person's ~10 s, scaled by 0.05).
    let writers = patients.iter().enumerate().map(|(i, patient)| async move {
        for round in 0..MESSAGES {
            patient
                .send_text(&format!("patient {i} message {round}"))
                .await;
            tokio::time::sleep(Duration::from_millis(300 + 80 * ((i + round) as u64 % 6))).await;
        }
    });
    futures::future::join_all(writers).await;

    // The group is backlogged now; a patient's own screen is not.
    let started = std::time::Instant::now();
    let menu = patients[3].say("/menu").await;
    let menu_took = started.elapsed();
    assert!(
        menu.iter().any(|m| !m.buttons.is_empty()),
        "the menu is answered: {menu:?}"
    );
    assert!(
        menu_took < Duration::from_secs(2),
        "the menu waited {menu_took:?} behind the group"
    );

    let expected = PATIENTS as usize * MESSAGES;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let texts = loop {
        let texts: Vec<String> = common::texts_of(bot.emulator.chat_transcript(COORDINATOR_CHAT))
            .into_iter()
            .filter(|text| text.starts_with("patient "))
            .collect();
        if texts.len() >= expected || std::time::Instant::now() > deadline {
            break texts;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    bot.emulator.wait_idle().await;
    let group_messages = bot.emulator.chat_transcript(COORDINATOR_CHAT);
    let texts_now: Vec<String> = common::texts_of(group_messages.clone())
        .into_iter()
        .filter(|text| text.starts_with("patient "))
        .collect();
    assert_eq!(texts_now, texts, "nothing arrived twice after the wait");
    for i in 0..PATIENTS as usize {
        let own: Vec<&String> = texts
            .iter()
            .filter(|text| text.starts_with(&format!("patient {i} ")))
            .collect();
        let wanted: Vec<String> = (0..MESSAGES)
            .map(|round| format!("patient {i} message {round}"))
            .collect();
        assert_eq!(
            own,
            wanted.iter().collect::<Vec<_>>(),
            "patient {i}: all, once, in order"
        );
    }
    let merged = group_messages
        .iter()
        .filter(|m| {
            m.text
                .lines()
                .filter(|line| line.contains(" message "))
                .count()
                > 1
        })
        .count();
    assert!(merged > 0, "under backlog, waiting texts are merged");
    assert_eq!(
        bot.emulator.forum_topics(COORDINATOR_CHAT).len(),
        PATIENTS as usize
    );
    let refusals = bot.emulator.flood_refusals();
    assert!(refusals.is_empty(), "the bot provoked 429s: {refusals:?}");
    let storage = patient_navigator::storage::Storage::connect(&bot.db.url)
        .await
        .unwrap();
    assert_eq!(
        storage.undelivered_since(0).await.unwrap(),
        0,
        "nothing given up"
    );
    assert_eq!(
        storage.outbox_depth().await.unwrap(),
        0,
        "the outbox drained"
    );
    bot.assert_spec_clean();
}

/// A case's opening fails after its topic was made (the card cannot be
/// posted for a while): tried again, it goes on in the same topic.
#[tokio::test]
async fn a_retried_opening_makes_one_topic() {
    let bot = spawn_bot_at_telegram_limits(TestDb::sqlite(), |_| {}).await;
    let ana = bot.patient(31_001, "Ana", Some("en"));
    let start = ana.say("/start").await;
    // Every sendMessage fails for a while: more than one try's retries.
    bot.emulator.inject(Fault {
        method: "sendMessage",
        times: 8,
        kind: FaultKind::DropConnection,
    });
    ana.press_data(start.last().unwrap().message_id, "a:person")
        .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let cards = bot
            .emulator
            .chat_transcript(COORDINATOR_CHAT)
            .into_iter()
            .filter(|m| m.text.contains("CF-"))
            .count();
        if cards > 0 || std::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    bot.emulator.wait_idle().await;
    assert_eq!(
        bot.emulator.forum_topics(COORDINATOR_CHAT).len(),
        1,
        "one topic for the case, however often its opening was tried"
    );
    let cards = bot
        .emulator
        .chat_transcript(COORDINATOR_CHAT)
        .into_iter()
        .filter(|m| !m.buttons.is_empty())
        .count();
    assert_eq!(cards, 1, "one card");
    assert!(bot.emulator.flood_refusals().is_empty());
}
