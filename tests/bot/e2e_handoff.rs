//! The coordinator queue end to end: patients, two coordinators in a forum
//! supergroup, the real dispatcher, the emulator, SQLite and PostgreSQL.

use crate::common;

use common::bot::{COORDINATOR_CHAT, TestBot, spawn_bot_with};
use common::db::TestDb;
use patient_navigator::emulator::{ChatMessage, MessageKind, UserHandle};
use patient_navigator::handoff::WorkingHours;
use patient_navigator::intake::CaseRef;
use patient_navigator::storage::Storage;

async fn spawn(db: TestDb) -> TestBot {
    spawn_bot_with(db, |settings| {
        settings.coordinator_chat_id = Some(COORDINATOR_CHAT)
    })
    .await
}

fn group(bot: &TestBot) -> Vec<ChatMessage> {
    bot.emulator.chat_transcript(COORDINATOR_CHAT)
}

/// The topic of a case, from its card in the group.
fn topic_of(bot: &TestBot, reference: &str) -> i64 {
    group(bot)
        .iter()
        .find(|m| m.from_bot && m.text.contains(reference) && !m.buttons.is_empty())
        .and_then(|m| m.thread_id)
        .unwrap_or_else(|| panic!("no card for {reference}: {:#?}", group(bot)))
}

fn in_topic(bot: &TestBot, thread: i64) -> Vec<ChatMessage> {
    group(bot)
        .into_iter()
        .filter(|m| m.thread_id == Some(thread))
        .collect()
}

/// A patient who asks for a person straight away; returns the reference.
async fn patient_asks_for_a_person(bot: &TestBot, patient: &UserHandle) -> String {
    let start = patient.say("/start").await;
    let opened = common::talk_to_a_person(patient, start.last().unwrap().message_id).await;
    bot.emulator.wait_idle().await;
    let text = &opened.last().unwrap().text;
    let at = text
        .find("CF-")
        .unwrap_or_else(|| panic!("no reference in {text}"));
    text[at..at + 9].to_owned()
}

/// Sends without expecting a reply in the same chat, then lets the bot finish.
async fn send(bot: &TestBot, user: &UserHandle, text: &str) {
    user.send_text(text).await;
    bot.emulator.wait_idle().await;
}

/// The bot's answerCallbackQuery parameters for one press.
fn answer_to(bot: &TestBot, press: &patient_navigator::emulator::Sent) -> serde_json::Value {
    let id = press.callback_id.as_deref().unwrap();
    bot.emulator
        .calls_to("answerCallbackQuery")
        .into_iter()
        .find(|call| call.params["callback_query_id"] == id)
        .map(|call| call.params)
        .expect("the press was answered")
}

async fn storage(bot: &TestBot) -> Storage {
    Storage::connect(&bot.db.url).await.unwrap()
}

async fn take_race_relay_and_close(bot: TestBot) {
    let ana = bot.patient(8001, "Ana", Some("es"));
    let reference = patient_asks_for_a_person(&bot, &ana).await;
    let thread = topic_of(&bot, &reference);
    let topic = bot
        .emulator
        .forum_topics(COORDINATOR_CHAT)
        .into_iter()
        .find(|t| t.thread_id == thread)
        .unwrap();
    assert!(
        topic.name.starts_with(&format!("{reference} · ES")),
        "{}",
        topic.name
    );

    // Two coordinators press Take at the same moment: exactly one wins.
    let alex = bot.coordinator(9001, "Alex", "alex");
    let maria = bot.coordinator(9002, "Maria", "maria_k");
    let card = in_topic(&bot, thread)
        .into_iter()
        .find(|m| !m.buttons.is_empty())
        .unwrap();
    let take = format!("q:take:{}", CaseRef::parse(&reference).unwrap().0);
    let first = alex.send_callback(card.message_id, &take).unwrap();
    let second = maria.send_callback(card.message_id, &take).unwrap();
    alex.reaction(&first).await;
    maria.reaction(&second).await;
    let answers = [answer_to(&bot, &first), answer_to(&bot, &second)];
    let won: Vec<bool> = answers
        .iter()
        .map(|a| a["text"].as_str().unwrap().starts_with("You have taken"))
        .collect();
    assert_eq!(won.iter().filter(|w| **w).count(), 1, "{answers:?}");
    let loser = answers
        .iter()
        .find(|a| !a["text"].as_str().unwrap().starts_with("You have taken"))
        .unwrap();
    assert!(
        loser["text"]
            .as_str()
            .unwrap()
            .contains("is already taken by"),
        "{loser:?}"
    );
    assert_eq!(loser["show_alert"], true);
    let holder = if won[0] { &alex } else { &maria };
    bot.emulator.wait_idle().await;
    assert!(
        ana.last_bot_message().unwrap().text.contains("coordinador"),
        "joined, in Spanish: {:?}",
        ana.last_bot_message()
    );

    // Relay both ways, no forward header, replies kept as replies.
    let coordinator = holder.in_topic(thread);
    send(
        &bot,
        &coordinator,
        "Hola Ana, ¿tiene el informe de la biopsia?",
    )
    .await;
    let received = ana.last_bot_message().unwrap();
    assert_eq!(received.text, "Hola Ana, ¿tiene el informe de la biopsia?");
    assert!(
        received.raw.get("forward_origin").is_none(),
        "no forward header"
    );
    let reply = ana.send_reply(received.message_id, "Sí, se lo envío").await;
    bot.emulator.wait_idle().await;
    let copy = in_topic(&bot, thread)
        .into_iter()
        .rev()
        .find(|m| m.text == "Sí, se lo envío")
        .expect("relayed to the topic");
    let original = in_topic(&bot, thread)
        .into_iter()
        .find(|m| m.text.starts_with("Hola Ana"))
        .unwrap();
    assert_eq!(
        copy.reply_to,
        Some(original.message_id),
        "the reply is kept as a reply"
    );
    let _ = reply;
    for kind in ["photo", "document", "voice", "location"] {
        match kind {
            "photo" => ana.send_photo(Some("informe")).await,
            "document" => ana.send_document("biopsia.pdf", "application/pdf").await,
            "voice" => ana.send_voice().await,
            _ => ana.send_location(40.4, -3.7).await,
        };
        bot.emulator.wait_idle().await;
        let last = in_topic(&bot, thread).pop().unwrap();
        let matches = match kind {
            "photo" => last.kind == MessageKind::Photo,
            "document" => matches!(last.kind, MessageKind::Document { .. }),
            "voice" => last.kind == MessageKind::Voice,
            _ => last.kind == MessageKind::Location,
        };
        assert!(matches, "{kind} relayed as {:?}", last.kind);
    }

    // Coordinator media, an edit, and an internal note.
    let photo = coordinator.send_photo(Some("Este es el plan")).await;
    bot.emulator.wait_idle().await;
    assert_eq!(ana.last_bot_message().unwrap().kind, MessageKind::Photo);
    let _ = photo;
    let sent = coordinator.send_text("La cita es el martes").await;
    // The copy is made before the edit (else it is a copy of the edited text).
    common::wait_for_texts(
        &bot.emulator,
        8001,
        "La cita es el martes",
        1,
        std::time::Duration::from_secs(10),
    )
    .await;
    coordinator
        .edit_text(sent.message_id, "La cita es el miércoles")
        .await;
    bot.emulator.wait_idle().await;
    let edited = ana.last_bot_message().unwrap();
    assert_eq!(edited.text, "La cita es el miércoles");
    assert!(edited.edited);
    let before = ana.transcript().len();
    send(&bot, &coordinator, "/note she prefers mornings").await;
    assert_eq!(
        ana.transcript().len(),
        before,
        "a /note never reaches the patient"
    );
    // The patient edits a message: the topic's copy follows.
    let typo = ana.send_text("Mi médico es el Dr. Garcia").await;
    // Copied before the edit (else the copy is of the edited text).
    common::wait_for_texts(
        &bot.emulator,
        COORDINATOR_CHAT,
        "Mi médico es el Dr. Garcia",
        1,
        std::time::Duration::from_secs(10),
    )
    .await;
    ana.edit_text(typo.message_id, "Mi médico es el Dr. García")
        .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !in_topic(&bot, thread)
        .iter()
        .any(|m| m.text == "Mi médico es el Dr. García" && m.edited)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the topic's copy follows the edit"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    // Close: the patient gets a closing note and rates; the topic closes.
    send(&bot, &coordinator, "/close").await;
    let closing = ana.last_bot_message().unwrap();
    assert_eq!(closing.buttons[0].len(), 5, "a 1-5 rating: {closing:?}");
    common::press_when_shown(&ana, "5 ⭐").await;
    bot.emulator.wait_idle().await;
    let store = storage(&bot).await;
    let case = CaseRef::parse(&reference).unwrap();
    assert_eq!(store.rating(case).await.unwrap(), Some(5));
    assert!(
        bot.emulator
            .forum_topics(COORDINATOR_CHAT)
            .iter()
            .any(|t| t.thread_id == thread && t.closed)
    );

    // Writing again reopens the same case in the same topic.
    ana.send_text("Una pregunta más").await;
    bot.emulator.wait_idle().await;
    let reopened = ana
        .transcript()
        .into_iter()
        .rev()
        .find(|m| m.from_bot && m.text.contains("reabierto"))
        .expect("reopened note");
    assert!(reopened.text.contains(&reference), "{}", reopened.text);
    // A path to a person: the emergency line first; a case opening: no guarantee.
    assert!(
        reopened.text.starts_with("🚑 En caso de emergencia"),
        "{}",
        reopened.text
    );
    assert!(
        reopened.text.contains("CancerFax no garantiza"),
        "{}",
        reopened.text
    );
    assert!(
        in_topic(&bot, thread)
            .iter()
            .any(|m| m.text == "Una pregunta más"),
        "same topic"
    );
    assert!(
        bot.emulator
            .forum_topics(COORDINATOR_CHAT)
            .iter()
            .any(|t| t.thread_id == thread && !t.closed)
    );
    assert_eq!(store.cases_of(8001).await.unwrap().len(), 1, "no new case");

    let trail: Vec<String> = store
        .audit_trail(case)
        .await
        .unwrap()
        .into_iter()
        .map(|(_, action)| action)
        .collect();
    for action in ["queued", "take", "note", "close", "rated", "reopened"] {
        assert!(trail.contains(&action.to_owned()), "{action} in {trail:?}");
    }
    bot.assert_spec_clean();
}

#[tokio::test]
async fn take_race_relay_and_close_on_sqlite() {
    take_race_relay_and_close(spawn(TestDb::sqlite()).await).await;
}

#[tokio::test]
async fn take_race_relay_and_close_on_postgres() {
    if let Some(db) = TestDb::postgres().await {
        take_race_relay_and_close(spawn(db).await).await;
    }
}

#[tokio::test]
async fn intake_submission_lands_in_the_queue_with_its_card_and_documents() {
    let bot = spawn(TestDb::sqlite()).await;
    let zoe = bot.patient(8101, "Zoe", Some("en"));
    zoe.say("/start").await;
    zoe.press("📝 Request a case review").await;
    zoe.press("No, not right now").await;
    zoe.press("✅ I agree").await;
    zoe.press("I am the patient").await;
    zoe.say("Zoe").await;
    zoe.say("48").await;
    zoe.say("Canada").await;
    zoe.press("Lung").await;
    zoe.press("ALK").await;
    zoe.say("lorlatinib").await;
    zoe.press("No").await;
    zoe.press("Not yet").await;
    zoe.press("☐ Medical record review").await;
    zoe.press("✅ Done").await;
    let pdf = zoe.send_document("ct-report.pdf", "application/pdf").await;
    zoe.reaction(&pdf).await;
    zoe.press("✅ Done").await;
    zoe.press("Here in Telegram").await;
    zoe.press("✓ English").await;
    zoe.press("📨 Submit").await;
    bot.emulator.wait_idle().await;
    let card = group(&bot)
        .into_iter()
        .find(|m| m.text.contains("CF-000001"))
        .expect("a card");
    assert!(
        card.text.contains("Driver / biomarker: ALK") && card.text.contains("Age: 48"),
        "{}",
        card.text
    );
    let labels: Vec<&str> = card.buttons[0].iter().map(|b| b.text.as_str()).collect();
    assert_eq!(labels, ["✋ Take", "🔴 Urgent", "✖ Close"]);
    let thread = card.thread_id.unwrap();
    let topic = &bot.emulator.forum_topics(COORDINATOR_CHAT)[0];
    assert_eq!(topic.name, "CF-000001 · EN · Lung · ALK · Zoe");
    assert!(in_topic(&bot, thread).iter().any(|m| matches!(&m.kind, MessageKind::Document { file_name: Some(name), .. } if name == "ct-report.pdf")));

    // Urgent first in /queue; then a second, older-looking case stays below.
    let sam = bot.patient(8102, "Sam", Some("en"));
    patient_asks_for_a_person(&bot, &sam).await;
    let alex = bot.coordinator(9001, "Alex", "alex");
    let second_card = group(&bot)
        .into_iter()
        .find(|m| m.text.contains("CF-000002") && !m.buttons.is_empty())
        .unwrap();
    alex.press_data(second_card.message_id, "q:urgent:2").await;
    send(&bot, &alex, "/queue").await;
    let listing = group(&bot)
        .into_iter()
        .rev()
        .find(|m| m.text.starts_with("Queue"))
        .unwrap()
        .text;
    let urgent_at = listing.find("CF-000002").unwrap();
    let other_at = listing.find("CF-000001").unwrap();
    assert!(urgent_at < other_at, "urgent first: {listing}");
    bot.assert_spec_clean();
}

#[tokio::test]
async fn release_and_transfer_and_out_of_hours() {
    // Open one day a week, not today: every message now is out of hours.
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::UTC)
        .weekday();
    let other_day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        [today.next().to_monday_zero_offset() as usize];
    let hours = WorkingHours::parse(&format!("{other_day} 09:00-17:00"), "UTC").unwrap();
    let bot = spawn_bot_with(TestDb::sqlite(), |settings| {
        settings.coordinator_chat_id = Some(COORDINATOR_CHAT);
        settings.working_hours = Some(hours);
    })
    .await;
    let li = bot.patient(8201, "Li", Some("zh-hans"));
    let reference = patient_asks_for_a_person(&bot, &li).await;
    let thread = topic_of(&bot, &reference);
    send(&bot, &li, "你好").await;
    let note = li.last_bot_message().unwrap().text;
    // When, in Chinese words (a weekday, the time, the place), never the
    // raw `2026-12-07 09:00` nor the zone's IANA name.
    assert!(
        note.contains("星期") && note.contains("09:00") && !note.contains("UTC"),
        "out-of-hours note: {note}"
    );
    // The emergency line first (nobody reads the chat now), and when the
    // coordinators are back rather than a promised reply time.
    assert!(note.starts_with("🚑 如遇紧急情况"), "{note}");
    assert!(
        note.contains("恢复工作") && !note.contains("回复您"),
        "{note}"
    );
    send(&bot, &li, "还在吗").await;
    assert_eq!(
        li.transcript()
            .iter()
            .filter(|m| m.from_bot && m.text.contains("恢复工作"))
            .count(),
        1,
        "not repeated"
    );

    let alex = bot.coordinator(9001, "Alex", "alex").in_topic(thread);
    let maria = bot.coordinator(9002, "Maria", "maria_k").in_topic(thread);
    send(&bot, &maria, "/note hello team").await; // Maria is known to the bot now
    send(&bot, &alex, "您好").await; // writing takes the case
    let store = storage(&bot).await;
    let case = CaseRef::parse(&reference).unwrap();
    assert_eq!(
        store
            .case_view(case)
            .await
            .unwrap()
            .unwrap()
            .coordinator
            .unwrap()
            .name,
        "Alex"
    );
    send(&bot, &alex, "/transfer @maria_k").await;
    assert_eq!(
        store
            .case_view(case)
            .await
            .unwrap()
            .unwrap()
            .coordinator
            .unwrap()
            .name,
        "Maria"
    );
    send(&bot, &maria, "/release").await;
    let view = store.case_view(case).await.unwrap().unwrap();
    assert_eq!(view.status, patient_navigator::handoff::CaseStatus::Waiting);
    assert!(view.coordinator.is_none());
    send(&bot, &alex, "/transfer @nobody").await;
    assert!(
        in_topic(&bot, thread)
            .last()
            .unwrap()
            .text
            .contains("To transfer, write"),
        "explains how"
    );
    let trail: Vec<(String, String)> = store.audit_trail(case).await.unwrap();
    assert!(
        trail.contains(&("Alex".into(), "transfer".into()))
            && trail.contains(&("Maria".into(), "release".into())),
        "{trail:?}"
    );
    bot.assert_spec_clean();
}

#[tokio::test]
async fn blocked_bot_deleted_topic_and_strangers() {
    let bot = spawn(TestDb::sqlite()).await;
    // A topic deleted by hand is recreated and the message still arrives.
    let omar = bot.patient(8301, "Omar", Some("ar"));
    let reference = patient_asks_for_a_person(&bot, &omar).await;
    let thread = topic_of(&bot, &reference);
    bot.emulator.delete_topic_by_hand(COORDINATOR_CHAT, thread);
    send(&bot, &omar, "مرحبا").await;
    let new_thread = topic_of(&bot, &reference);
    assert_ne!(new_thread, thread);
    assert!(
        in_topic(&bot, new_thread).iter().any(|m| m.text == "مرحبا"),
        "nothing lost"
    );

    // The patient blocks the bot: the topic says so and the case closes.
    let blocked = omar.block_bot().await;
    omar.settle(&blocked).await;
    bot.emulator.wait_idle().await;
    assert!(
        in_topic(&bot, new_thread)
            .iter()
            .any(|m| m.text.contains("blocked the bot"))
    );
    let store = storage(&bot).await;
    let case = store
        .case_view(CaseRef::parse(&reference).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(case.status, patient_navigator::handoff::CaseStatus::Closed);

    // A stranger's group: ignored, and the bot leaves when added to one.
    let stranger_group = -1_009_999;
    bot.emulator.add_group_chat(
        stranger_group,
        patient_navigator::emulator::ChatKind::Supergroup {
            title: "Other".into(),
            username: None,
            is_forum: false,
        },
    );
    let stranger = bot
        .patient(8302, "Mallory", Some("en"))
        .in_chat(stranger_group);
    let sent = stranger.send_text("/start").await;
    stranger.settle(&sent).await;
    assert!(
        bot.emulator
            .chat_transcript(stranger_group)
            .iter()
            .all(|m| !m.from_bot)
    );
    bot.emulator.send_raw_update(serde_json::json!({
        "my_chat_member": {
            "chat": {"id": stranger_group, "type": "supergroup", "title": "Other"},
            "from": {"id": 8302, "is_bot": false, "first_name": "Mallory"},
            "date": 1_795_000_000,
            "old_chat_member": {"status": "left", "user": {"id": 7_000_000_001_i64, "is_bot": true, "first_name": "Navigator", "username": "navigator_test_bot"}},
            "new_chat_member": {"status": "member", "user": {"id": 7_000_000_001_i64, "is_bot": true, "first_name": "Navigator", "username": "navigator_test_bot"}}
        }
    }));
    bot.emulator.wait_idle().await;
    assert_eq!(bot.emulator.calls_to("leaveChat").len(), 1);
    bot.assert_spec_clean();
}

/// A crash after a coordinator's message was relayed but before its update
/// was marked processed: the restarted bot replays the update, and the
/// patient still gets the message once.
#[tokio::test]
async fn a_replayed_coordinator_message_reaches_the_patient_once() {
    let mut bot = spawn(TestDb::sqlite()).await;
    let lea = bot.patient(8301, "Lea", Some("en"));
    let reference = patient_asks_for_a_person(&bot, &lea).await;
    let thread = topic_of(&bot, &reference);
    let coordinator = bot.coordinator(9301, "Alex", "alex").in_topic(thread);
    let sent = coordinator.send_text("Hello Lea, I am Alex.").await;
    bot.emulator.wait_idle().await;
    let received = |lea: &UserHandle| {
        lea.transcript()
            .iter()
            .filter(|m| m.from_bot && m.text == "Hello Lea, I am Alex.")
            .count()
    };
    assert_eq!(received(&lea), 1);

    // As if the crash came between the relay and the processed mark.
    let store = storage(&bot).await;
    sqlx::query("UPDATE inbox SET processed_at = NULL WHERE update_id = $1")
        .bind(sent.update_id.unwrap())
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    bot.crash_and_restart().await;
    bot.emulator.wait_idle().await;
    let store = storage(&bot).await;
    assert!(
        store.is_processed(sent.update_id.unwrap()).await.unwrap(),
        "the replayed update was handled"
    );
    assert_eq!(received(&lea), 1, "relayed once, not again on replay");
    bot.assert_spec_clean();
}

/// The Urgent button sets a state: pressed twice (a stale card, or a press
/// replayed after a crash) the case stays urgent; "Not urgent" undoes it.
#[tokio::test]
async fn urgent_is_a_state_not_a_toggle() {
    let bot = spawn(TestDb::sqlite()).await;
    let max = bot.patient(8401, "Max", Some("en"));
    let reference = patient_asks_for_a_person(&bot, &max).await;
    let case = CaseRef::parse(&reference).unwrap();
    let card = group(&bot)
        .into_iter()
        .find(|m| m.text.contains(&reference) && !m.buttons.is_empty())
        .unwrap();
    let alex = bot.coordinator(9401, "Alex", "alex");
    let urgent = format!("q:urgent:{}", case.0);
    alex.press_data(card.message_id, &urgent).await;
    alex.press_data(card.message_id, &urgent).await;
    let store = storage(&bot).await;
    assert!(store.case_view(case).await.unwrap().unwrap().urgent);
    let refreshed = group(&bot)
        .into_iter()
        .find(|m| m.message_id == card.message_id)
        .unwrap();
    assert!(refreshed.text.starts_with("🔴"), "{}", refreshed.text);
    assert_eq!(refreshed.buttons[0][1].text, "Not urgent");
    alex.press_data(card.message_id, &format!("q:normal:{}", case.0))
        .await;
    assert!(!store.case_view(case).await.unwrap().unwrap().urgent);
    let trail = store.audit_trail(case).await.unwrap();
    let marks: Vec<&str> = trail
        .iter()
        .map(|(_, action)| action.as_str())
        .filter(|action| action.contains("urgent"))
        .collect();
    assert_eq!(
        marks,
        ["urgent", "not-urgent"],
        "one audit entry per change"
    );
    bot.assert_spec_clean();
}

/// What coordinators write is read exactly: a captioned `/note` stays in
/// the topic, service messages are nobody's words, an anonymous
/// administrator's reply reaches the patient, `/2 tablets a day` is words
/// for the patient, `/close@OtherBot` is another bot's, and an unknown
/// command is answered with a hint instead of being lost.
#[tokio::test]
async fn coordinators_input_is_read_exactly() {
    // With Telegram's limits on: the relays both ways are paced.
    let bot = common::bot::spawn_bot_at_telegram_limits(TestDb::sqlite(), |_| {}).await;
    let rosa = bot.patient(9_801, "Rosa", Some("en"));
    let reference = patient_asks_for_a_person(&bot, &rosa).await;
    let thread = topic_of(&bot, &reference);
    let case = CaseRef::parse(&reference).unwrap();
    let status =
        |store: Storage| async move { store.case_view(case).await.unwrap().unwrap().status };
    let bot_messages = |rosa: &UserHandle| rosa.transcript().iter().filter(|m| m.from_bot).count();
    let before = bot_messages(&rosa);

    let alex = bot.coordinator(9_001, "Alex", "alex").in_topic(thread);
    // A photo captioned /note: internal, like a text /note.
    alex.send_photo(Some("/note scan looks worse than last time"))
        .await;
    bot.emulator.wait_idle().await;
    // A pin in the topic: a service message.
    alex.send_raw_message(serde_json::json!({
        "pinned_message": {"message_id": 1, "date": 0, "chat": {"id": COORDINATOR_CHAT, "type": "supergroup", "title": "CancerFax coordinators"}, "text": "x"}
    }))
    .await;
    bot.emulator.wait_idle().await;
    assert_eq!(bot_messages(&rosa), before, "nothing reached Rosa");
    assert_eq!(
        status(storage(&bot).await).await,
        patient_navigator::handoff::CaseStatus::Waiting,
        "neither took the case"
    );

    // Another bot's command is not ours: the case stays open.
    send(&bot, &alex, "/close@OtherBot").await;
    assert_ne!(
        status(storage(&bot).await).await,
        patient_navigator::handoff::CaseStatus::Closed
    );
    // An unknown command: a hint in the topic, nothing to Rosa.
    send(&bot, &alex, "/frobnicate").await;
    assert!(
        group(&bot).iter().any(|m| m.from_bot
            && m.thread_id == Some(thread)
            && m.text.contains("/frobnicate is not a command here")),
        "the coordinator is told"
    );
    assert_eq!(bot_messages(&rosa), before);
    // Words that start with a slash are words.
    let words = alex.send_text("/2 tablets a day, with food").await;
    let relayed = common::wait_for_texts(
        &bot.emulator,
        9_801,
        "/2 tablets a day, with food",
        1,
        std::time::Duration::from_secs(10),
    )
    .await;
    assert_eq!(relayed.len(), 1, "relayed to Rosa");
    // The coordinator's edit follows the copy (the outbox's patient lane).
    alex.edit_text(words.message_id, "/2 tablets a day, with breakfast")
        .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !rosa
        .transcript()
        .iter()
        .any(|m| m.from_bot && m.edited && m.text == "/2 tablets a day, with breakfast")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the edit reaches Rosa's copy"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // An anonymous administrator (posting as the group) reaches Rosa too.
    alex.send_raw_message(serde_json::json!({
            "from": {"id": 1_087_968_824_i64, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot"},
            "sender_chat": {"id": COORDINATOR_CHAT, "type": "supergroup", "title": "CancerFax coordinators"},
            "text": "We have your scan, thank you."
        }))
        .await;
    bot.emulator.wait_idle().await;
    assert!(
        rosa.transcript()
            .iter()
            .any(|m| m.from_bot && m.text == "We have your scan, thank you."),
        "an anonymous administrator's reply reaches the patient"
    );
    let refusals = bot.emulator.flood_refusals();
    assert!(refusals.is_empty(), "the bot provoked 429s: {refusals:?}");
    bot.assert_spec_clean();
}

/// Only members who may write act on cases (Telegram is asked), and a case
/// someone holds is released, closed or transferred only by its holder or
/// an administrator; a coordinator who left the group is no transfer
/// target.
#[tokio::test]
async fn only_members_act_and_only_the_holder_or_an_administrator_undoes_a_hold() {
    use patient_navigator::emulator::MemberStatus;
    use patient_navigator::handoff::CaseStatus;
    let bot = spawn(TestDb::sqlite()).await;
    let pat = bot.patient(8601, "Pat", Some("en"));
    let reference = patient_asks_for_a_person(&bot, &pat).await;
    let case = CaseRef::parse(&reference).unwrap();
    let thread = topic_of(&bot, &reference);
    let card = in_topic(&bot, thread)
        .into_iter()
        .find(|m| !m.buttons.is_empty())
        .unwrap();
    let alex = bot.coordinator(9101, "Alex", "alex");
    let maria = bot.coordinator(9102, "Maria", "maria_k");
    let carla = bot.coordinator(9103, "Carla", "carla");
    let dan = bot.coordinator(9104, "Dan", "dan");
    bot.emulator
        .set_member_status(COORDINATOR_CHAT, 9103, MemberStatus::Administrator);
    bot.emulator.set_member_status(
        COORDINATOR_CHAT,
        9104,
        MemberStatus::Restricted {
            can_send_messages: false,
        },
    );
    let store = storage(&bot).await;
    let press = |who: &UserHandle, action: &str| {
        who.send_callback(card.message_id, &format!("q:{action}:{}", case.0))
            .unwrap()
    };

    // A muted member sees the card, but their Take is refused.
    let refused = press(&dan, "take");
    dan.reaction(&refused).await;
    let answer = answer_to(&bot, &refused);
    assert!(
        answer["text"]
            .as_str()
            .unwrap()
            .contains("Only members of this group who may write"),
        "{answer}"
    );
    assert_eq!(answer["show_alert"], true);
    assert_eq!(
        store.case_view(case).await.unwrap().unwrap().status,
        CaseStatus::Waiting
    );

    // Alex takes it; Maria may neither close nor release it.
    let taken = press(&alex, "take");
    alex.reaction(&taken).await;
    for action in ["close", "release"] {
        let refused = press(&maria, action);
        maria.reaction(&refused).await;
        let answer = answer_to(&bot, &refused);
        assert!(
            answer["text"].as_str().unwrap().contains(&format!(
                "{reference} is held by Alex: only they or an administrator can {action} it."
            )),
            "{answer}"
        );
        assert_eq!(answer["show_alert"], true);
    }
    send(&bot, &maria.in_topic(thread), "/close").await;
    assert!(
        in_topic(&bot, thread)
            .last()
            .unwrap()
            .text
            .contains("is held by Alex: only they or an administrator can close it"),
        "{:#?}",
        in_topic(&bot, thread).last()
    );
    let view = store.case_view(case).await.unwrap().unwrap();
    assert_eq!(view.status, CaseStatus::Assigned);
    assert_eq!(view.coordinator.unwrap().name, "Alex");
    assert!(
        pat.transcript().iter().all(|m| !m.text.contains("closed")),
        "the patient hears of no close"
    );

    // An administrator may.
    send(&bot, &carla.in_topic(thread), "/release").await;
    assert_eq!(
        store.case_view(case).await.unwrap().unwrap().status,
        CaseStatus::Waiting
    );

    // Eve wrote here once, then left the group: a /transfer to her is
    // not made.
    let eve = bot.coordinator(9105, "Eve", "eve");
    send(&bot, &eve.in_topic(thread), "/note I am off from Monday").await;
    let taken = press(&alex, "take");
    alex.reaction(&taken).await;
    bot.emulator
        .set_member_status(COORDINATOR_CHAT, 9105, MemberStatus::Left);
    send(&bot, &alex.in_topic(thread), "/transfer @eve").await;
    let view = store.case_view(case).await.unwrap().unwrap();
    assert_eq!(view.coordinator.unwrap().name, "Alex");
    assert!(
        in_topic(&bot, thread)
            .last()
            .unwrap()
            .text
            .contains("To transfer, write"),
        "explains how"
    );
    // Maria's standing was asked a moment ago (her presses); she leaves,
    // Telegram tells the bot (chat_member), and she is no target either.
    bot.emulator
        .set_member_status(COORDINATOR_CHAT, 9102, MemberStatus::Left);
    bot.emulator.wait_idle().await;
    send(&bot, &alex.in_topic(thread), "/transfer @maria_k").await;
    let view = store.case_view(case).await.unwrap().unwrap();
    assert_eq!(
        view.coordinator.unwrap().name,
        "Alex",
        "not to one who left"
    );
    bot.assert_spec_clean();
}

/// Patients see that their message arrived and that a coordinator answered,
/// without any extra message: 👌 on a message once it is in the topic, ✍
/// on their latest once a coordinator has replied. A mark that fails never
/// holds up or repeats a relay.
#[tokio::test]
async fn quiet_delivery_marks_on_the_patients_messages() {
    use patient_navigator::emulator::{Fault, FaultKind};
    let bot = spawn(TestDb::sqlite()).await;
    let pat = bot.patient(8701, "Pat", Some("en"));
    let reference = patient_asks_for_a_person(&bot, &pat).await;
    let thread = topic_of(&bot, &reference);
    let wait_for_mark = |message: i64, emoji: &'static str| {
        let emulator = &bot.emulator;
        async move {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while emulator.bot_reaction(8701, message).as_deref() != Some(emoji) {
                assert!(
                    std::time::Instant::now() < deadline,
                    "no {emoji} on {message}: {:?}",
                    emulator.bot_reaction(8701, message)
                );
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    };
    let bot_messages = || pat.transcript().iter().filter(|m| m.from_bot).count();

    let first = pat.send_text("first question").await;
    wait_for_mark(first.message_id, "👌").await;

    // Telegram refuses the next mark: the relay goes on, once.
    bot.emulator.inject(Fault::once(
        "setMessageReaction",
        FaultKind::Error {
            code: 400,
            description: "Bad Request: REACTION_INVALID".into(),
        },
    ));
    let shown = bot_messages();
    let second = pat.send_text("second question").await;
    let copies = common::wait_for_texts(
        &bot.emulator,
        COORDINATOR_CHAT,
        "second question",
        1,
        std::time::Duration::from_secs(10),
    )
    .await;
    bot.emulator.wait_idle().await;
    assert_eq!(copies.len(), 1);
    assert_eq!(
        common::texts_of(bot.emulator.chat_transcript(COORDINATOR_CHAT))
            .iter()
            .filter(|text| *text == "second question")
            .count(),
        1,
        "relayed once"
    );
    assert_eq!(bot.emulator.bot_reaction(8701, second.message_id), None);
    assert_eq!(bot_messages(), shown, "no extra message for a mark");

    // A coordinator answers: the patient's latest message says so.
    let alex = bot.coordinator(9201, "Alex", "alex").in_topic(thread);
    alex.send_text("Hello Pat, we are looking at it").await;
    wait_for_mark(second.message_id, "✍").await;
    assert_eq!(
        bot.emulator.bot_reaction(8701, first.message_id).as_deref(),
        Some("👌")
    );
    bot.assert_spec_clean();
}

/// Copies the shipped locales into `to`, so a test can take a translation
/// away.
fn copy_locales(to: &std::path::Path) {
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    for entry in std::fs::read_dir(&from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            for file in std::fs::read_dir(entry.path()).unwrap() {
                let file = file.unwrap();
                std::fs::copy(file.path(), target.join(file.file_name())).unwrap();
            }
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test]
async fn ready_replies_reach_each_patient_in_their_language() {
    use patient_navigator::i18n::{Arg, Catalog};
    use patient_navigator::text::visible_text;
    // Spanish lacks one reply: it must be refused, never sent in English.
    let locales = tempfile::tempdir().unwrap();
    copy_locales(locales.path());
    let spanish = locales.path().join("es/replies.ftl");
    let text = std::fs::read_to_string(&spanish).unwrap();
    let cut = text.find("reply-ask-oncologist =").unwrap();
    std::fs::write(&spanish, &text[..cut]).unwrap();
    let catalog = Catalog::load(locales.path()).unwrap();
    let (ar, es, en) = (
        catalog.find("ar").unwrap().clone(),
        catalog.find("es").unwrap().clone(),
        catalog.reference().clone(),
    );
    let locales_dir = locales.path().to_path_buf();
    let bot = spawn_bot_with(TestDb::sqlite(), move |settings| {
        settings.coordinator_chat_id = Some(COORDINATOR_CHAT);
        settings.locales_dir = locales_dir;
        settings.time_zone = jiff::tz::TimeZone::get("Europe/Madrid").unwrap();
    })
    .await;
    let layla = bot.patient(8801, "Layla", Some("ar"));
    let ana = bot.patient(8802, "Ana", Some("es"));
    let layla_case = patient_asks_for_a_person(&bot, &layla).await;
    let ana_case = patient_asks_for_a_person(&bot, &ana).await;
    let alex = bot.coordinator(9301, "Alex", "alex");

    // `/r` in Layla's topic: the replies as buttons, in English.
    let layla_topic = alex.in_topic(topic_of(&bot, &layla_case));
    send(&bot, &layla_topic, "/r").await;
    let menu = layla_topic.last_bot_message().unwrap();
    assert!(menu.text.contains("Arabic (ar)"), "{}", menu.text);
    let (menu_id, data) = menu
        .buttons
        .iter()
        .flatten()
        .find(|b| b.text == "🩻 Ask for the latest scan report")
        .map(|b| (menu.message_id, b.callback_data.clone().unwrap()))
        .unwrap_or_else(|| panic!("no scan-report button: {menu:?}"));
    let shown = layla.transcript().len();
    let press = layla_topic.send_callback(menu_id, &data).unwrap();
    layla_topic.reaction(&press).await;
    bot.emulator.wait_idle().await;
    let arabic = catalog.format_exact(&ar, "reply-scan-report", &[]).unwrap();
    let english = catalog.format_exact(&en, "reply-scan-report", &[]).unwrap();
    let layla_sees: Vec<String> = layla.transcript()[shown..]
        .iter()
        .filter(|m| m.from_bot)
        .map(|m| m.text.clone())
        .collect();
    assert!(
        layla_sees.contains(&visible_text(&arabic)),
        "Layla gets the Arabic reply: {layla_sees:#?}"
    );
    assert!(
        !layla_sees.iter().any(|text| text.contains("scan report")),
        "nothing in English: {layla_sees:#?}"
    );
    assert_eq!(
        answer_to(&bot, &press)["text"],
        format!("Sent to the patient of {layla_case}.")
    );
    let note = group(&bot)
        .into_iter()
        .find(|m| m.text.starts_with("📨 Alex sent the reply “scan-report”"))
        .unwrap_or_else(|| panic!("no note: {:#?}", group(&bot)));
    assert!(
        note.text.contains(&visible_text(&arabic)) && note.text.contains(&visible_text(&english)),
        "the topic shows both languages: {}",
        note.text
    );
    assert_eq!(note.thread_id, Some(topic_of(&bot, &layla_case)));
    // A second tap on the same button sends nothing more.
    let seen = layla.transcript().len();
    let again = layla_topic.send_callback(menu_id, &data).unwrap();
    layla_topic.reaction(&again).await;
    bot.emulator.wait_idle().await;
    assert_eq!(layla.transcript().len(), seen, "sent once");
    let answer = answer_to(&bot, &again);
    assert_eq!(answer["show_alert"], true);
    assert!(
        answer["text"]
            .as_str()
            .unwrap()
            .starts_with("“scan-report” was sent to this patient"),
        "{answer}"
    );
    // Sending took the waiting case, as writing does.
    let audit = storage(&bot)
        .await
        .audit_trail(CaseRef::parse(&layla_case).unwrap())
        .await
        .unwrap();
    let actions: Vec<&str> = audit.iter().map(|(_, action)| action.as_str()).collect();
    assert!(actions.ends_with(&["take", "reply"]), "{audit:?}");

    // `/r call DATE` in Ana's topic: the date in Spanish for her, in
    // English for the coordinators.
    let ana_topic = alex.in_topic(topic_of(&bot, &ana_case));
    send(&bot, &ana_topic, "/r call 2026-12-08 10:30").await;
    let date = ana.last_bot_message().unwrap().text;
    let expected = catalog
        .format_exact(
            &es,
            "reply-call",
            &[(
                "date",
                Arg::Text("martes, 8 de diciembre, 10:30 hora de España"),
            )],
        )
        .unwrap();
    assert!(
        date.contains("8 de diciembre") && date.contains("10:30"),
        "{date}"
    );
    assert!(
        date.starts_with(&expected[..expected.find("martes").unwrap()]),
        "{date}"
    );
    let note = group(&bot)
        .into_iter()
        .find(|m| m.text.starts_with("📨 Alex sent the reply “call”"))
        .unwrap();
    assert!(note.text.contains("December 8"), "{}", note.text);

    // Refused, with nothing sent: no date, and a reply Spanish lacks.
    let before = ana.transcript().len();
    send(&bot, &ana_topic, "/r call").await;
    send(&bot, &ana_topic, "/r ask-oncologist").await;
    assert_eq!(ana.transcript().len(), before, "nothing reached Ana");
    let notes: Vec<String> = in_topic(&bot, topic_of(&bot, &ana_case))
        .into_iter()
        .filter(|m| m.from_bot)
        .map(|m| m.text)
        .collect();
    assert!(
        notes
            .iter()
            .any(|text| text.starts_with("The reply “call” gives a date")),
        "{notes:#?}"
    );
    assert!(
        notes.iter().any(|text| text
            .starts_with("🚫 The reply “ask-oncologist” is not translated into Spanish (es) yet")),
        "{notes:#?}"
    );
    // The menu marks it, and its button is refused too.
    send(&bot, &ana_topic, "/r").await;
    let menu = ana_topic.last_bot_message().unwrap();
    let button = menu
        .buttons
        .iter()
        .flatten()
        .find(|b| b.text == "🚫 🩺 Ask your oncologist")
        .unwrap_or_else(|| panic!("{menu:?}"))
        .clone();
    let press = ana_topic
        .send_callback(menu.message_id, button.callback_data.as_deref().unwrap())
        .unwrap();
    ana_topic.reaction(&press).await;
    bot.emulator.wait_idle().await;
    assert_eq!(answer_to(&bot, &press)["show_alert"], true);
    assert_eq!(ana.transcript().len(), before, "nothing reached Ana");
    bot.assert_spec_clean();
}

/// The reminders in the group's General topic, by their visible text.
fn reminders(bot: &TestBot) -> Vec<ChatMessage> {
    group(bot)
        .into_iter()
        .filter(|m| m.from_bot && m.thread_id.is_none() && m.text.starts_with('⏰'))
        .collect()
}

/// Waits until `count` reminders whose text contains `part` are there.
async fn wait_for_reminders(bot: &TestBot, part: &str, count: usize) -> Vec<ChatMessage> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let found: Vec<ChatMessage> = reminders(bot)
            .into_iter()
            .filter(|m| m.text.contains(part))
            .collect();
        if found.len() >= count {
            return found;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no {count} reminders with “{part}”: {:#?}",
            reminders(bot)
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// Whether the reminder `text` was sent without sound.
fn sent_quietly(bot: &TestBot, part: &str) -> bool {
    bot.emulator
        .calls_to("sendMessage")
        .into_iter()
        .find(|call| {
            call.params["text"]
                .as_str()
                .is_some_and(|t| t.contains(part))
        })
        .map(|call| call.params["disable_notification"] == true)
        .unwrap_or_else(|| panic!("no call with {part}"))
}

/// No case forgotten: reminders for a waiting case (once each, across a
/// crash), then for a patient's message its holder leaves unanswered; an
/// answer stops them; `/stats` counts them.
async fn no_case_forgotten(db: TestDb) {
    use patient_navigator::handoff::escalation::Policy;
    let mut bot = spawn_bot_with(db, |settings| {
        settings.coordinator_chat_id = Some(COORDINATOR_CHAT);
        settings.escalation = Some(Policy {
            after: 3,
            urgent_after: 1,
        });
    })
    .await;
    let pat = bot.patient(8901, "Pat", Some("en"));
    let reference = patient_asks_for_a_person(&bot, &pat).await;
    let first = wait_for_reminders(&bot, "for a coordinator", 1).await;
    assert_eq!(first.len(), 1);
    let thread = topic_of(&bot, &reference);
    assert!(
        first[0]
            .text
            .starts_with(&format!("⏰ {reference} has waited")),
        "{}",
        first[0].text
    );
    let link = format!("https://t.me/c/1234567890/{thread}");
    assert!(first[0].html.contains(&link), "{}", first[0].html);
    assert!(sent_quietly(&bot, "for a coordinator"));

    // A crash: what was sent is not sent again; the second comes once.
    bot.crash_and_restart().await;
    let second = wait_for_reminders(&bot, "Second reminder, for everyone", 1).await;
    assert!(second[0].text.contains(&reference), "{}", second[0].text);
    assert!(!sent_quietly(&bot, "Second reminder"), "the second rings");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(reminders(&bot).len(), 2, "{:#?}", reminders(&bot));

    // Alex answers (and so takes it); Pat writes again and waits.
    let alex = bot.coordinator(9401, "Alex", "alex").in_topic(thread);
    send(&bot, &alex, "Hello Pat, I am here").await;
    pat.send_text("Thank you, one more question").await;
    let unanswered = wait_for_reminders(&bot, "for your answer", 1).await;
    assert!(
        unanswered[0]
            .text
            .starts_with(&format!("⏰ Alex, the patient of {reference}")),
        "{}",
        unanswered[0].text
    );
    assert!(
        unanswered[0].html.contains("tg://user?id=9401"),
        "the holder is mentioned"
    );
    // Answered before twice the time: no second reminder for it.
    send(&bot, &alex, "Here is the answer").await;
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    assert_eq!(reminders(&bot).len(), 3, "{:#?}", reminders(&bot));

    let general = bot.coordinator(9401, "Alex", "alex");
    send(&bot, &general, "/stats").await;
    let stats = general.last_bot_message().unwrap().text;
    assert!(
        stats.contains("Reminders about forgotten cases: 2 (second, for everyone: 1)"),
        "{stats}"
    );
    bot.assert_spec_clean();
}

#[tokio::test]
async fn no_case_forgotten_on_sqlite() {
    no_case_forgotten(TestDb::sqlite()).await;
}

#[tokio::test]
async fn no_case_forgotten_on_postgres() {
    if let Some(db) = TestDb::postgres().await {
        no_case_forgotten(db).await;
    }
}

#[tokio::test]
async fn outside_working_hours_the_reminders_clock_stops() {
    use patient_navigator::handoff::escalation::Policy;
    // Open only on the day after tomorrow: closed now, whatever the time.
    let closed_day = jiff::Zoned::now()
        .date()
        .checked_add(jiff::Span::new().days(2))
        .unwrap()
        .weekday();
    let day = format!("{closed_day:?}");
    let closed = WorkingHours::parse(&format!("{} 09:00-18:00", &day[..3]), "UTC").unwrap();
    // The control: the same bot, open at every moment, does remind.
    let open = WorkingHours::parse("Mon-Sun 00:00-23:59:59", "UTC").unwrap();
    let mut found = Vec::new();
    for hours in [closed, open] {
        let bot = spawn_bot_with(TestDb::sqlite(), move |settings| {
            settings.coordinator_chat_id = Some(COORDINATOR_CHAT);
            settings.working_hours = Some(hours);
            settings.escalation = Some(Policy {
                after: 1,
                urgent_after: 1,
            });
        })
        .await;
        let pat = bot.patient(8902, "Pat", Some("en"));
        patient_asks_for_a_person(&bot, &pat).await;
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
        found.push(reminders(&bot).len());
    }
    assert_eq!(found[0], 0, "closed: the clock stops");
    assert!(found[1] >= 1, "open: the same wait is reminded of");
}
