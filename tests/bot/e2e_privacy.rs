//! Privacy end to end: /privacy explains, /mydata sends the patient their
//! data (theirs only), /delete erases it after confirmation, tells the
//! coordinators' topic, deletes the topic's copies of their messages, and
//! keeps only an audit record; retention purges old closed cases.

use crate::common;
use common::changes;

use common::bot::{COORDINATOR_CHAT, TestBot, spawn_bot_with};
use common::db::TestDb;
use patient_navigator::emulator::UserHandle;
use patient_navigator::storage::Storage;
use sqlx::Row;

async fn spawn() -> TestBot {
    spawn_bot_with(TestDb::sqlite(), |settings| {
        settings.coordinator_chat_id = Some(COORDINATOR_CHAT)
    })
    .await
}

/// Opens a case by "talk to a person" and writes one message to it.
async fn patient_with_a_case(bot: &TestBot, id: i64, name: &str, message: &str) -> UserHandle {
    let patient = bot.patient(id, name, Some("en"));
    let start = patient.say("/start").await;
    common::talk_to_a_person(&patient, start.last().unwrap().message_id).await;
    patient.send_text(message).await;
    bot.emulator.wait_idle().await;
    patient
}

async fn download(bot: &TestBot, file_id: &str) -> String {
    let api = bot.emulator.api_url();
    let token = bot.emulator.token();
    let client = reqwest::Client::new();
    let file: serde_json::Value = client
        .post(format!("{api}bot{token}/getFile"))
        .json(&serde_json::json!({"file_id": file_id}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let path = file["result"]["file_path"].as_str().unwrap();
    client
        .get(format!("{api}file/bot{token}/{path}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

async fn count(storage: &Storage, sql: &str, chat: i64) -> i64 {
    sqlx::query(sql)
        .bind(chat)
        .fetch_one(storage.pool())
        .await
        .unwrap()
        .get("n")
}

#[tokio::test]
async fn mydata_exports_only_the_patients_own_data_and_delete_erases_it() {
    let bot = spawn().await;
    let ines = patient_with_a_case(&bot, 9701, "Ines", "my scan shows progression").await;
    let _other = patient_with_a_case(&bot, 9702, "Omar", "a message from someone else").await;

    let privacy = ines.say("/privacy").await;
    assert!(
        privacy.last().unwrap().text.contains("365 days"),
        "{}",
        privacy.last().unwrap().text
    );

    let sent = ines.send_text("/mydata").await;
    ines.settle(&sent).await;
    bot.emulator.wait_idle().await;
    let file = ines
        .transcript()
        .into_iter()
        .rev()
        .find(|m| m.file_id.is_some())
        .expect("a file");
    let export: serde_json::Value =
        serde_json::from_str(&download(&bot, file.file_id.as_deref().unwrap()).await).unwrap();
    assert_eq!(export["telegram_chat_id"], 9701);
    assert_eq!(export["cases"].as_array().unwrap().len(), 1);
    assert_eq!(
        export["cases"][0]["messages_exchanged_with_coordinators"],
        1
    );
    assert!(
        !export.to_string().contains("Omar") && !export.to_string().contains("9702"),
        "nothing about others"
    );

    let storage = Storage::connect(&bot.db.url).await.unwrap();
    let exports: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'data-export'")
            .fetch_one(storage.pool())
            .await
            .unwrap()
            .get("n");
    assert_eq!(exports, 1, "the data access is audited");
    let case = storage.cases_of(9701).await.unwrap()[0];
    let topic_copy = storage
        .topic_copy(
            case,
            COORDINATOR_CHAT,
            ines.transcript()
                .iter()
                .find(|m| m.text == "my scan shows progression")
                .unwrap()
                .message_id,
        )
        .await
        .unwrap()
        .unwrap();
    // Checkpointed first, so that the text is in the database file itself
    // (deleted rows leave their bytes in free space unless overwritten).
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(storage.pool())
        .await
        .unwrap();
    let db_file = bot.db.url.trim_start_matches("sqlite://").to_owned();
    let on_disk = [
        std::fs::read(&db_file).unwrap(),
        std::fs::read(format!("{db_file}-wal")).unwrap_or_default(),
    ]
    .concat();
    assert!(
        contains(&on_disk, b"my scan shows progression"),
        "stored before the erasure"
    );
    let confirm = ines.say("/delete").await;
    ines.press_data(confirm.last().unwrap().message_id, "x:erase")
        .await;
    bot.emulator.wait_idle().await;

    for (what, sql) in [
        (
            "cases",
            "SELECT COUNT(*) AS n FROM cases WHERE chat_id = $1",
        ),
        (
            "drafts",
            "SELECT COUNT(*) AS n FROM intake_drafts WHERE chat_id = $1",
        ),
        (
            "stored updates",
            "SELECT COUNT(*) AS n FROM inbox WHERE chat_id = $1",
        ),
    ] {
        assert_eq!(
            count(&storage, sql, 9701).await,
            0,
            "{what} left after erasure"
        );
    }
    assert_eq!(
        count(
            &storage,
            "SELECT COUNT(*) AS n FROM relayed_messages WHERE case_id = $1",
            case.0
        )
        .await,
        0
    );
    assert_eq!(
        storage.audit_trail(case).await.unwrap().last().unwrap(),
        &("patient".to_owned(), "erased".to_owned())
    );
    // In Telegram: her topic is gone with everything in it (the card, her
    // messages, the topic's name); the group's General topic is told, by
    // reference only; Omar's topic stays.
    let group = bot.emulator.chat_transcript(COORDINATOR_CHAT);
    let topics = bot.emulator.forum_topics(COORDINATOR_CHAT);
    assert_eq!(topics.len(), 1, "her topic is deleted: {topics:?}");
    let omars_thread = group
        .iter()
        .find(|m| m.text == "a message from someone else")
        .and_then(|m| m.thread_id);
    assert_eq!(
        Some(topics[0].thread_id),
        omars_thread,
        "Omar's topic stays"
    );
    assert!(
        group.iter().all(|m| m.message_id != topic_copy
            && !m.text.contains("Ines")
            && !m.text.contains("my scan shows progression")),
        "nothing of hers stays in the group: {group:#?}"
    );
    let notice = group
        .iter()
        .find(|m| m.text.contains("the patient erased their data"))
        .expect("the coordinators are told");
    assert_eq!(notice.thread_id, None, "in the General topic");
    assert!(notice.text.contains(&case.to_string()), "{}", notice.text);
    assert!(
        group
            .iter()
            .any(|m| m.text == "a message from someone else"),
        "other patients are untouched"
    );
    // On disk: not a byte of what she wrote stays in the database's files
    // (no data key here, so it was stored in plain).
    let db_file = bot.db.url.trim_start_matches("sqlite://").to_owned();
    for file in [db_file.clone(), format!("{db_file}-wal")] {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(
            !contains(&bytes, b"my scan shows progression"),
            "{file} still holds the erased text"
        );
    }
    assert_eq!(storage.cases_of(9702).await.unwrap().len(), 1);
    bot.assert_spec_clean();
}

#[tokio::test]
async fn retention_purges_old_closed_cases_only() {
    let bot = spawn().await;
    patient_with_a_case(&bot, 9801, "Ann", "hello").await;
    patient_with_a_case(&bot, 9802, "Ben", "hello").await;
    let storage = Storage::connect(&bot.db.url).await.unwrap();
    let old = storage.cases_of(9801).await.unwrap()[0];
    let recent = storage.cases_of(9802).await.unwrap()[0];
    storage.close_case(old).await.unwrap();
    storage.close_case(recent).await.unwrap();
    let now = patient_navigator::storage::unix_now();
    sqlx::query("UPDATE cases SET closed_at = $1 WHERE id = $2")
        .bind(now - 40 * 86_400)
        .bind(old.0)
        .execute(storage.pool())
        .await
        .unwrap();
    // An intake form abandoned for as long goes too; a recent one stays.
    for (chat, updated_at) in [(9803_i64, now - 40 * 86_400), (9804, now - 86_400)] {
        sqlx::query("INSERT INTO intake_drafts (chat_id, draft, updated_at) VALUES ($1, '{}', $2)")
            .bind(chat)
            .bind(updated_at)
            .execute(storage.pool())
            .await
            .unwrap();
    }
    let topics_before = bot.emulator.forum_topics(COORDINATOR_CHAT);
    assert_eq!(topics_before.len(), 2);
    assert_eq!(
        storage
            .purge(now, 30, patient_navigator::startup::retention_erasure)
            .await
            .unwrap(),
        1
    );
    assert!(storage.case(old).await.unwrap().is_none());
    assert!(storage.case(recent).await.unwrap().is_some());
    // The running bot deletes the purged case's topic in Telegram, and
    // says nothing about it (retention is routine).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while bot.emulator.forum_topics(COORDINATOR_CHAT).len() > 1
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let topics = bot.emulator.forum_topics(COORDINATOR_CHAT);
    assert_eq!(topics.len(), 1, "the old case's topic is deleted");
    let recent_thread = storage.case_view(recent).await.unwrap().unwrap().thread_id;
    assert_eq!(
        Some(topics[0].thread_id),
        recent_thread,
        "the recent case's topic stays"
    );
    bot.emulator.wait_idle().await;
    assert!(
        bot.emulator
            .chat_transcript(COORDINATOR_CHAT)
            .iter()
            .all(|m| !m.text.contains("erased")),
        "retention is silent"
    );
    let drafts: Vec<i64> = sqlx::query_scalar("SELECT chat_id FROM intake_drafts ORDER BY chat_id")
        .fetch_all(storage.pool())
        .await
        .unwrap();
    assert_eq!(drafts, [9804], "the abandoned draft is purged");
}

/// A patient who erases their data while their case's topic is being made
/// (Telegram slow to create it): the erasure cannot see the topic, so the
/// topic is deleted as soon as it exists, before any card goes into it.
#[tokio::test]
async fn erasure_while_the_topic_is_being_made_leaves_nothing_in_the_group() {
    use patient_navigator::emulator::{Fault, FaultKind};
    let bot = spawn().await;
    bot.emulator.inject(Fault::once(
        "createForumTopic",
        FaultKind::Delay(std::time::Duration::from_secs(2)),
    ));
    let ana = bot.patient(9901, "Ana", Some("en"));
    common::ask_for_a_person(&ana).await;
    let confirm = ana.say("/delete").await;
    ana.press_data(confirm.last().unwrap().message_id, "x:erase")
        .await;
    let storage = Storage::connect(&bot.db.url).await.unwrap();
    assert!(storage.cases_of(9901).await.unwrap().is_empty());
    assert!(
        bot.emulator.calls_to("deleteForumTopic").is_empty(),
        "erased before the topic existed"
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while bot.emulator.calls_to("deleteForumTopic").is_empty()
        && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    bot.emulator.wait_idle().await;
    assert_eq!(bot.emulator.calls_to("createForumTopic").len(), 1);
    assert!(
        bot.emulator.forum_topics(COORDINATOR_CHAT).is_empty(),
        "the topic made after the erasure is deleted"
    );
    let group = bot.emulator.chat_transcript(COORDINATOR_CHAT);
    assert!(
        group
            .iter()
            .all(|m| m.buttons.is_empty() && !m.text.contains("Ana")),
        "no card: {group:#?}"
    );
    bot.assert_spec_clean();
}

/// A patient with many cases (more than one update's jobs could hold, one
/// job per case) erases them all at once.
#[tokio::test]
async fn a_patient_with_seventy_cases_erases_them_all() {
    let bot = spawn().await;
    let storage = Storage::connect(&bot.db.url).await.unwrap();
    let session = common::menu_session("en");
    for _ in 0..70 {
        changes::submit_case(&storage, 9990, &session, &Default::default()).await;
    }
    let many = bot.patient(9990, "Mo", Some("en"));
    let confirm = many.say("/delete").await;
    many.press_data(confirm.last().unwrap().message_id, "x:erase")
        .await;
    bot.emulator.wait_idle().await;
    assert!(storage.cases_of(9990).await.unwrap().is_empty());
    let erased: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'erased'")
        .fetch_one(storage.pool())
        .await
        .unwrap();
    assert_eq!(erased, 70, "each erasure is audited");
}
