//! Crash safety: the real `navigator` binary is killed with SIGKILL again
//! and again while patients write to their coordinators; afterwards every
//! patient message is in the coordinators' topic, every patient has exactly
//! one case, and every /start was answered exactly once.
//!
//! Duplicates: the Bot API has no idempotency key, so a message whose send
//! was in flight at the instant of a kill (Telegram applied it, the answer
//! never arrived) is sent again after the restart. Everything that was
//! answered is recorded and never repeated, so at most the sends in flight
//! at a kill repeat: the test bounds duplicates by the number of kills.

use crate::common;

use std::collections::HashMap;
use std::process::{Child, Command};
use std::time::Duration;

use patient_navigator::emulator::{Emulator, EmulatorOptions, Fault, FaultKind, UserSpec};

const GROUP: i64 = -1_001_000_000_001;
const PATIENTS: i64 = 6;
const MESSAGES: usize = 12;

struct Bot {
    child: Option<Child>,
    command: Command,
}

impl Bot {
    /// The real binary, polling the emulator, on a SQLite file.
    fn new(emulator: &Emulator, database: &str) -> Bot {
        let command = common::bot::navigator_command(emulator, database, GROUP);
        Bot {
            child: None,
            command,
        }
    }

    fn start(&mut self) {
        self.child = Some(self.command.spawn().expect("the bot starts"));
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
        }
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        self.kill();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_nothing_and_duplicates_nothing() {
    let options = EmulatorOptions {
        reaction_timeout: Duration::from_secs(30),
        ..EmulatorOptions::default()
    };
    let emulator = Emulator::start_with(options).await.unwrap();
    emulator.add_forum(GROUP, "Coordinators");
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("bot.db").display());
    let mut bot = Bot::new(&emulator, &database);
    bot.start();

    let patients: Vec<_> = (0..PATIENTS)
        .map(|i| {
            emulator.private_user(UserSpec {
                id: 20_000 + i,
                first_name: format!("P{i}"),
                language_code: Some("en".into()),
                ..Default::default()
            })
        })
        .collect();
    // Each patient opens a case while the bot is up.
    for patient in &patients {
        common::ask_for_a_person(patient).await;
    }

    // Messages flow while the bot is killed every ~350 ms.
    let mut kills = 0;
    for round in 0..MESSAGES {
        for (i, patient) in patients.iter().enumerate() {
            patient
                .send_text(&format!("patient {i} message {round}"))
                .await;
        }
        // Kill at varying moments: mid-poll, mid-update, mid-delivery.
        tokio::time::sleep(Duration::from_millis(40 + 37 * (round as u64 % 5))).await;
        bot.kill();
        kills += 1;
        bot.start();
    }
    // Let the last instance catch up.
    let expected = PATIENTS as usize * MESSAGES;
    common::wait_for_texts(
        &emulator,
        GROUP,
        "patient ",
        expected,
        Duration::from_secs(60),
    )
    .await;
    // Anything still arriving would be a duplicate: wait for quiet, read again.
    emulator.wait_idle().await;
    // A message sent again after a kill is one extra message in the topic,
    // whether it carries one of the patient's texts or several merged.
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut resent_messages = 0;
    let mut relayed = 0;
    for message in emulator.chat_transcript(GROUP) {
        let parts: Vec<String> = common::texts_of(vec![message])
            .into_iter()
            .filter(|text| text.starts_with("patient "))
            .collect();
        if parts.iter().any(|text| counts.contains_key(text)) {
            resent_messages += 1;
        }
        for text in parts {
            relayed += 1;
            *counts.entry(text).or_default() += 1;
        }
    }
    let lost: Vec<String> = (0..PATIENTS)
        .flat_map(|i| (0..MESSAGES).map(move |round| format!("patient {i} message {round}")))
        .filter(|text| !counts.contains_key(text))
        .collect();
    let doubled: Vec<(&String, &usize)> = counts.iter().filter(|(_, n)| **n > 1).collect();
    eprintln!(
        "crash test: {kills} kills, {expected} messages, {relayed} relayed, {} lost, {} duplicated in {resent_messages} messages",
        lost.len(),
        doubled.len()
    );
    assert!(lost.is_empty(), "lost: {lost:?}");
    assert!(
        resent_messages <= kills,
        "{resent_messages} messages sent twice for {kills} kills: {doubled:?}"
    );
    // One case (one topic) per patient, one answer per /start.
    assert_eq!(emulator.forum_topics(GROUP).len(), PATIENTS as usize);
    for patient in &patients {
        let welcomes = patient
            .transcript()
            .iter()
            .filter(|m| m.from_bot && m.text.starts_with("Hello, P"))
            .count();
        assert_eq!(welcomes, 1, "one answer to /start");
    }
    assert!(
        emulator.spec_violations().is_empty(),
        "{:?}",
        emulator.spec_violations()
    );
}

/// A coordinator's Take commits with what it must tell (the card, the
/// patient): the binary killed with SIGKILL before those messages went out
/// loses none of them after the restart, and the press changes nothing twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_take_killed_before_its_messages_went_out_loses_none() {
    let emulator = Emulator::start_with(EmulatorOptions {
        reaction_timeout: Duration::from_secs(30),
        ..EmulatorOptions::default()
    })
    .await
    .unwrap();
    emulator.add_forum(GROUP, "Coordinators");
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("bot.db").display());
    let mut bot = Bot::new(&emulator, &database);
    bot.start();
    let ida = emulator.private_user(UserSpec {
        id: 21_000,
        first_name: "Ida".into(),
        language_code: Some("en".into()),
        ..Default::default()
    });
    common::ask_for_a_person(&ida).await;
    emulator.wait_idle().await;
    let card = emulator
        .chat_transcript(GROUP)
        .into_iter()
        .find(|m| m.from_bot && m.text.starts_with("CF-000001") && !m.buttons.is_empty())
        .expect("a card");

    // Telegram is slow to redraw the card; the bot is killed meanwhile.
    emulator.inject(Fault {
        method: "editMessageText",
        times: 1,
        kind: FaultKind::Delay(Duration::from_secs(2)),
    });
    let alex = emulator
        .private_user(UserSpec {
            id: 21_001,
            first_name: "Alex".into(),
            username: Some("alex".into()),
            ..Default::default()
        })
        .in_chat(GROUP);
    alex.send_callback(card.message_id, "q:take:1").unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    bot.kill();
    bot.start();
    tokio::time::sleep(Duration::from_secs(2)).await;
    emulator.wait_idle().await;

    let joined = ida
        .transcript()
        .iter()
        .filter(|m| m.from_bot && m.text.contains("coordinator has joined"))
        .count();
    assert_eq!(joined, 1, "told once: {}", ida.transcript_text());
    let card_now = emulator
        .chat_transcript(GROUP)
        .into_iter()
        .find(|m| m.message_id == card.message_id)
        .unwrap();
    assert!(
        card_now.text.contains("assigned to Alex"),
        "{}",
        card_now.text
    );
    let store = patient_navigator::storage::Storage::connect(&database)
        .await
        .unwrap();
    let takes = store
        .audit_trail(patient_navigator::intake::CaseRef(1))
        .await
        .unwrap()
        .into_iter()
        .filter(|(_, action)| action == "take")
        .count();
    assert_eq!(takes, 1, "taken once");
    assert!(
        emulator.spec_violations().is_empty(),
        "{:?}",
        emulator.spec_violations()
    );
}
