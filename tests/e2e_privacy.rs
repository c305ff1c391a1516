//! Privacy end to end: /privacy explains, /mydata sends the patient their
//! data (theirs only), /delete erases it after confirmation, tells the
//! coordinators' topic, deletes the topic's copies of their messages, and
//! keeps only an audit record; retention purges old closed cases.

mod common;

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
    let group = bot.emulator.chat_transcript(COORDINATOR_CHAT);
    assert!(
        group
            .iter()
            .any(|m| m.text.contains("the patient erased their data")),
        "the topic is told"
    );
    assert!(
        group.iter().all(|m| m.message_id != topic_copy),
        "the topic's copy of their message is deleted"
    );
    assert!(
        group
            .iter()
            .any(|m| m.text == "a message from someone else"),
        "other patients are untouched"
    );
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
    assert_eq!(storage.purge(now, 30).await.unwrap(), 1);
    assert!(storage.case(old).await.unwrap().is_none());
    assert!(storage.case(recent).await.unwrap().is_some());
    let drafts: Vec<i64> = sqlx::query_scalar("SELECT chat_id FROM intake_drafts ORDER BY chat_id")
        .fetch_all(storage.pool())
        .await
        .unwrap();
    assert_eq!(drafts, [9804], "the abandoned draft is purged");
}
