//! Flood control: a patient sending dozens of messages in seconds gets one
//! localized note instead of dozens of answers, and the coordinators still
//! receive every message, once.

use crate::common;

use std::time::Duration;

use common::bot::{COORDINATOR_CHAT, spawn_bot_at_telegram_limits, spawn_bot_with};
use common::db::TestDb;
use patient_navigator::emulator::{Fault, FaultKind, MessageKind};
use patient_navigator::telegram::flood::FloodLimit;

#[tokio::test]
async fn a_flood_is_slowed_and_nothing_is_lost() {
    let bot = spawn_bot_with(TestDb::sqlite(), |settings| {
        settings.coordinator_chat_id = Some(COORDINATOR_CHAT);
        settings.flood_limit = FloodLimit::default();
    })
    .await;
    let pia = bot.patient(9901, "Pia", Some("fr"));
    common::ask_for_a_person(&pia).await;
    for i in 0..20 {
        pia.send_text(&format!("message {i}")).await;
    }
    let relayed = common::wait_for_texts(
        &bot.emulator,
        COORDINATOR_CHAT,
        "message ",
        20,
        Duration::from_secs(20),
    )
    .await;
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
    // The held answers are not sent later: the note promises none, and
    // says how to go on.
    let note = tom.last_bot_message().unwrap().text;
    assert!(
        note.contains("I pause my answers") && note.contains("send /menu to go on"),
        "{note}"
    );
    assert!(!note.contains("I will answer"), "{note}");
    bot.assert_spec_clean();
}

/// Twelve patients talk to coordinators at once, each writing at a human
/// pace (scaled with the limits), about 3.6 times what one group takes:
/// with Telegram's limits on, every message arrives once and in order,
/// merged where it waited, no 429 is provoked, nothing is given up, and a
/// patient's own screens answer at once while the group is backlogged.
#[tokio::test]
async fn at_telegram_s_limits_nothing_is_lost_and_patients_never_wait_for_the_group() {
    for db in TestDb::all().await {
        at_telegram_s_limits(db).await;
    }
}

async fn at_telegram_s_limits(db: TestDb) {
    const PATIENTS: i64 = 12;
    const MESSAGES: usize = 5;
    let bot = spawn_bot_at_telegram_limits(db, |_| {}).await;
    let patients: Vec<_> = (0..PATIENTS)
        .map(|i| bot.patient(30_000 + i, &format!("P{i}"), Some("en")))
        .collect();
    for patient in &patients {
        common::ask_for_a_person(patient).await;
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
    let texts = common::wait_for_texts(
        &bot.emulator,
        COORDINATOR_CHAT,
        "patient ",
        expected,
        Duration::from_secs(60),
    )
    .await;
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
    let asked = ana
        .press_data(start.last().unwrap().message_id, "a:person")
        .await;
    // Every sendMessage fails for a while: more than one try's retries.
    bot.emulator.inject(Fault {
        method: "sendMessage",
        times: 8,
        kind: FaultKind::DropConnection,
    });
    // "No" to the emergency question opens the case.
    let question = asked.last().unwrap().message_id;
    ana.send_callback(question, "p:no").unwrap();
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

/// A second team's group, for the teams tests.
const SPANISH_DESK: i64 = -1_009_876_543_210;

/// Two teams: Spanish-speaking patients go to the Spanish desk, everyone
/// else to the default team; each group has its own share of Telegram's
/// limits; `/transfer Team` moves a case to the other team's group (a new
/// topic with its card, the old topic told and closed); `/stats` counts
/// per team and overall.
#[tokio::test]
async fn two_teams_route_by_language_and_a_case_moves_between_them() {
    let dir = tempfile::tempdir().unwrap();
    let teams_file = dir.path().join("teams.yaml");
    std::fs::write(
        &teams_file,
        format!(
            "teams:\n  - name: Spanish desk\n    group: {SPANISH_DESK}\n    languages: [es]\n  - name: General\n    group: {COORDINATOR_CHAT}\n    default: true\n"
        ),
    )
    .unwrap();
    let bot = spawn_bot_at_telegram_limits(TestDb::sqlite(), |settings| {
        settings.teams_file = Some(teams_file.clone());
    })
    .await;
    bot.emulator.add_forum(SPANISH_DESK, "Spanish desk");
    let lucia = bot.patient(32_001, "Lucía", Some("es"));
    let tom = bot.patient(32_002, "Tom", Some("en"));
    for patient in [&lucia, &tom] {
        common::ask_for_a_person(patient).await;
    }
    for round in 0..6 {
        lucia.send_text(&format!("lucía {round}")).await;
        tom.send_text(&format!("tom {round}")).await;
    }
    let texts_in = |group: i64, who: &str| -> Vec<String> {
        common::texts_of(bot.emulator.chat_transcript(group))
            .into_iter()
            .filter(|text| text.starts_with(who))
            .collect()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while (texts_in(SPANISH_DESK, "lucía").len() < 6 || texts_in(COORDINATOR_CHAT, "tom").len() < 6)
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let wanted = |who: &str| {
        (0..6)
            .map(|round| format!("{who} {round}"))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        texts_in(SPANISH_DESK, "lucía"),
        wanted("lucía"),
        "Spanish to the Spanish desk"
    );
    assert_eq!(
        texts_in(COORDINATOR_CHAT, "tom"),
        wanted("tom"),
        "the rest to the default team"
    );
    assert!(texts_in(COORDINATOR_CHAT, "lucía").is_empty());
    assert_eq!(bot.emulator.forum_topics(SPANISH_DESK).len(), 1);
    assert_eq!(bot.emulator.forum_topics(COORDINATOR_CHAT).len(), 1);

    // /stats in the Spanish desk: its own cases, then every team's.
    let desk_coordinator = bot
        .emulator
        .private_user(patient_navigator::emulator::UserSpec {
            id: 9_301,
            first_name: "Marta".into(),
            username: Some("marta".into()),
            ..Default::default()
        })
        .in_chat(SPANISH_DESK);
    let stats = desk_coordinator.say("/stats").await;
    let stats = &stats.last().expect("/stats is answered").text;
    assert!(stats.contains("Spanish desk"), "{stats}");
    assert!(stats.contains("Now: 1 waiting · 0 assigned"), "{stats}");
    assert!(
        stats.contains("All teams\nNow: 2 waiting · 0 assigned"),
        "{stats}"
    );

    // The Spanish desk hands Lucía's case to the general team.
    let old_thread = bot.emulator.forum_topics(SPANISH_DESK)[0].thread_id;
    desk_coordinator
        .in_topic(old_thread)
        .send_text("/transfer General")
        .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while bot.emulator.forum_topics(COORDINATOR_CHAT).len() < 2
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bot.emulator.wait_idle().await;
    let general = bot.emulator.chat_transcript(COORDINATOR_CHAT);
    let topics = bot.emulator.forum_topics(COORDINATOR_CHAT);
    assert_eq!(topics.len(), 2, "a new topic in the general team's group");
    let new_thread = topics.iter().map(|topic| topic.thread_id).max().unwrap();
    let in_new: Vec<_> = general
        .iter()
        .filter(|m| m.thread_id == Some(new_thread))
        .collect();
    assert!(
        in_new
            .iter()
            .any(|m| !m.buttons.is_empty() && m.text.contains("CF-")),
        "the card in the new topic: {in_new:#?}"
    );
    assert!(
        in_new
            .iter()
            .any(|m| m.text.contains("Moved here from Spanish desk by Marta")),
        "{in_new:#?}"
    );
    let desk = bot.emulator.chat_transcript(SPANISH_DESK);
    assert!(
        desk.iter().any(
            |m| m.thread_id == Some(old_thread) && m.text.contains("Moved by Marta to General")
        ),
        "the old topic is told"
    );
    assert!(
        bot.emulator.forum_topics(SPANISH_DESK)[0].closed,
        "the old topic is closed"
    );
    // The new topic shows the last messages of the old one.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let history = common::texts_of(
            bot.emulator
                .chat_transcript(COORDINATOR_CHAT)
                .into_iter()
                .filter(|m| m.thread_id == Some(new_thread))
                .collect(),
        );
        if history.iter().any(|text| text == "lucía 5") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no history in the new topic: {history:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Lucía's next message reaches the new topic, not the old one.
    lucia.send_text("lucía after the move").await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let arrived = bot
            .emulator
            .chat_transcript(COORDINATOR_CHAT)
            .iter()
            .any(|m| m.thread_id == Some(new_thread) && m.text.contains("lucía after the move"));
        if arrived {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not relayed to the new topic"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Lucía erases her data: the topic she left in the Spanish desk goes
    // too (it holds her card and messages), and each desk is told.
    let confirm = lucia.say("/delete").await;
    lucia
        .press_data(confirm.last().unwrap().message_id, "x:erase")
        .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while (!bot.emulator.forum_topics(SPANISH_DESK).is_empty()
        || bot.emulator.forum_topics(COORDINATOR_CHAT).len() > 1)
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bot.emulator.wait_idle().await;
    assert!(
        bot.emulator.forum_topics(SPANISH_DESK).is_empty(),
        "the old topic is deleted"
    );
    let left: Vec<i64> = bot
        .emulator
        .forum_topics(COORDINATOR_CHAT)
        .iter()
        .map(|topic| topic.thread_id)
        .collect();
    assert!(!left.contains(&new_thread), "the new topic is deleted");
    assert_eq!(left.len(), 1, "Tom's topic stays");
    for group in [SPANISH_DESK, COORDINATOR_CHAT] {
        let transcript = bot.emulator.chat_transcript(group);
        assert!(
            transcript
                .iter()
                .all(|m| !m.text.to_lowercase().contains("lucía")),
            "nothing of hers stays in {group}"
        );
        assert!(
            transcript
                .iter()
                .any(|m| m.thread_id.is_none() && m.text.contains("the patient erased their data")),
            "{group} is told in its General topic"
        );
    }
    assert!(
        common::texts_of(bot.emulator.chat_transcript(COORDINATOR_CHAT))
            .contains(&"tom 5".to_owned())
    );
    let refusals = bot.emulator.flood_refusals();
    assert!(refusals.is_empty(), "the bot provoked 429s: {refusals:?}");
}

/// Under backlog a patient's texts are merged into one topic message; a
/// coordinator's reply to it still reaches the patient, as a reply to
/// their last text; photos waiting together go in one copyMessages call.
#[tokio::test]
async fn a_reply_to_a_merged_message_reaches_the_patient_and_photos_go_together() {
    let bot = spawn_bot_at_telegram_limits(TestDb::sqlite(), |_| {}).await;
    let eva = bot.patient(33_001, "Eva", Some("en"));
    common::ask_for_a_person(&eva).await;
    bot.emulator.wait_idle().await;
    // Spend the group's budget (20 messages a window) so that what follows
    // waits together: twelve cases opened at once, two messages each.
    let others: Vec<_> = (0..12)
        .map(|i| bot.patient(33_100 + i, &format!("O{i}"), Some("en")))
        .collect();
    futures::future::join_all(others.iter().map(common::ask_for_a_person)).await;
    let mut sent = Vec::new();
    for text in ["my scan is tomorrow", "it is at 9", "can you call me?"] {
        sent.push(eva.send_text(text).await.message_id);
    }
    for _ in 0..3 {
        eva.send_photo(None).await;
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let merged = loop {
        let found = bot
            .emulator
            .chat_transcript(COORDINATOR_CHAT)
            .into_iter()
            .find(|m| m.text.contains("my scan is tomorrow"));
        if let Some(found) = found {
            break found;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the texts never arrived"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        merged.text.contains("it is at 9") && merged.text.contains("can you call me?"),
        "merged into one message: {:?}",
        merged.text
    );
    let thread = merged.thread_id.expect("in the case's topic");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while bot.emulator.calls_to("copyMessages").is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the photos never went"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bot.emulator.wait_idle().await;
    let photos = bot
        .emulator
        .chat_transcript(COORDINATOR_CHAT)
        .into_iter()
        .filter(|m| m.thread_id == Some(thread) && matches!(m.kind, MessageKind::Photo))
        .count();
    assert_eq!(photos, 3, "the three photos, in one call");
    assert_eq!(bot.emulator.calls_to("copyMessages").len(), 1);

    let coordinator = bot.coordinator(9_401, "Sam", "sam").in_topic(thread);
    coordinator
        .send_reply(merged.message_id, "Yes, I will call you at 10.")
        .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let reply = loop {
        if let Some(reply) = eva
            .transcript()
            .into_iter()
            .find(|m| m.from_bot && m.text == "Yes, I will call you at 10.")
        {
            break reply;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the reply never reached Eva"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(reply.reply_to, Some(sent[2]), "a reply to her last text");
    assert!(bot.emulator.flood_refusals().is_empty());
}

/// At Telegram's limits, reminders about forgotten cases wait their turn in
/// the group's budget and are each posted once; ready replies pressed in
/// a burst reach the patient in order on the patient's own budget; no 429.
#[tokio::test]
async fn at_telegram_s_limits_reminders_and_ready_replies_wait_their_turn() {
    use patient_navigator::handoff::escalation::Policy;
    const PATIENTS: i64 = 8;
    let bot = spawn_bot_at_telegram_limits(TestDb::sqlite(), |settings| {
        settings.escalation = Some(Policy {
            after: 1,
            urgent_after: 1,
        });
    })
    .await;
    let patients: Vec<_> = (0..PATIENTS)
        .map(|i| bot.patient(9100 + i, &format!("P{i}"), Some("es")))
        .collect();
    for patient in &patients {
        common::ask_for_a_person(patient).await;
    }
    let reminders_of = |reference: &str, second: bool| {
        bot.emulator
            .chat_transcript(COORDINATOR_CHAT)
            .into_iter()
            .filter(|m| m.from_bot && m.thread_id.is_none() && m.text.starts_with('⏰'))
            .filter(|m| m.text.contains(reference))
            .filter(|m| m.text.contains("Second reminder") == second)
            .count()
    };
    let references: Vec<String> = (1..=PATIENTS).map(|i| format!("CF-{i:06}")).collect();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while references.iter().any(|r| reminders_of(r, true) == 0) {
        assert!(
            std::time::Instant::now() < deadline,
            "every forgotten case gets its second reminder, paced"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    for reference in &references {
        assert_eq!(
            (
                reminders_of(reference, false),
                reminders_of(reference, true)
            ),
            (1, 1),
            "{reference}: each reminder once"
        );
    }

    // Three replies pressed at once for the first patient.
    let thread = bot
        .emulator
        .chat_transcript(COORDINATOR_CHAT)
        .into_iter()
        .find(|m| m.from_bot && m.text.contains(&references[0]) && !m.buttons.is_empty())
        .and_then(|m| m.thread_id)
        .expect("the first case's card");
    let alex = bot.coordinator(9501, "Alex", "alex").in_topic(thread);
    let asked = alex.say("/r").await;
    let menu = asked
        .iter()
        .find(|m| m.text.contains("Ready replies"))
        .expect("the replies' menu");
    let shown = patients[0].transcript().len();
    let names = ["received", "scan-report", "waiting-hospital"];
    for name in names {
        alex.send_callback(menu.message_id, &format!("r:{name}:1"))
            .unwrap();
    }
    let catalog = patient_navigator::i18n::Catalog::load(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales"),
    )
    .unwrap();
    let es = catalog.find("es").unwrap().clone();
    let expected: Vec<String> = names
        .iter()
        .map(|name| {
            let html = catalog
                .format_exact(
                    &es,
                    &format!("reply-{name}"),
                    &[(
                        "reference",
                        patient_navigator::i18n::Arg::Text(&references[0]),
                    )],
                )
                .unwrap();
            patient_navigator::text::visible_text(&html)
        })
        .collect();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let received = loop {
        let received: Vec<String> = patients[0].transcript()[shown..]
            .iter()
            .filter(|m| m.from_bot && expected.contains(&m.text))
            .map(|m| m.text.clone())
            .collect();
        if received.len() >= names.len() || std::time::Instant::now() > deadline {
            break received;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(received, expected, "each reply once, in the order pressed");
    let refusals = bot.emulator.flood_refusals();
    assert!(refusals.is_empty(), "the bot provoked 429s: {refusals:?}");
    bot.assert_spec_clean();
}
