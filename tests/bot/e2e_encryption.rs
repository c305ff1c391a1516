//! Encryption at rest: with a data key, nothing a patient wrote is readable
//! in the database (drafts, cases, stored updates, queued messages), the
//! bot works as before, and production refuses to start without a key.

use crate::common;
use common::changes;

use common::bot::{COORDINATOR_CHAT, spawn_bot_with};
use common::db::TestDb;
use patient_navigator::storage::{Sealer, Storage};
use sqlx::Row;

const KEY: &str = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// Every text column of every table, as stored.
async fn everything_stored(storage: &Storage) -> String {
    let mut all = String::new();
    for (table, columns) in [
        ("intake_drafts", "draft"),
        ("cases", "answers || summary || title"),
        ("inbox", "payload"),
        ("outbox", "job"),
    ] {
        for row in sqlx::query(&format!("SELECT {columns} AS text FROM {table}"))
            .fetch_all(storage.pool())
            .await
            .unwrap()
        {
            all.push_str(&row.get::<String, _>("text"));
            all.push('\n');
        }
    }
    all
}

async fn encrypted_at_rest(db: TestDb) {
    let bot = spawn_bot_with(db, |settings| {
        settings.coordinator_chat_id = Some(COORDINATOR_CHAT);
        settings.data_key = Some(KEY.into());
    })
    .await;
    let zoe = bot.patient(9951, "Zoe", Some("en"));
    zoe.say("/start").await;
    zoe.press("📝 Request a case review").await;
    zoe.press("No, not right now").await;
    zoe.press("✅ I agree").await;
    zoe.press("I am the patient").await;
    zoe.say("Zenobia").await;
    zoe.say("48").await;
    let sent = zoe.send_text("/cancel").await;
    zoe.reaction(&sent).await;
    let start = zoe.say("/start").await;
    common::talk_to_a_person(&zoe, start.last().unwrap().message_id).await;
    zoe.send_text("my oncologist is Dr Quixotic").await;
    let relayed = common::wait_for_texts(
        &bot.emulator,
        COORDINATOR_CHAT,
        "my oncologist is Dr Quixotic",
        1,
        std::time::Duration::from_secs(10),
    )
    .await;
    assert_eq!(relayed.len(), 1, "the bot works as before");

    let sealed =
        Storage::connect_sealed(&bot.db.url, Some(Sealer::from_config(KEY, None).unwrap()))
            .await
            .unwrap();
    let raw = everything_stored(&sealed).await;
    for secret in ["Zenobia", "Quixotic", "\"age\""] {
        assert!(!raw.contains(secret), "{secret} readable in the database");
    }
    assert!(raw.contains("enc2:k1:"));
    let case = sealed.cases_of(9951).await.unwrap()[0];
    let stored = sealed.case(case).await.unwrap().unwrap();
    assert!(
        stored.summary.contains("Zenobia"),
        "opens with the key: {}",
        stored.summary
    );

    let keyless = Storage::connect(&bot.db.url).await.unwrap();
    let err = keyless.case(case).await.unwrap_err().to_string();
    assert!(err.contains("set DATA_KEY"), "{err}");
}

#[tokio::test]
async fn patient_data_is_encrypted_at_rest_on_sqlite() {
    encrypted_at_rest(TestDb::sqlite()).await;
}

#[tokio::test]
async fn patient_data_is_encrypted_at_rest_on_postgres() {
    if let Some(db) = TestDb::postgres().await {
        encrypted_at_rest(db).await;
    }
}

#[test]
fn production_refuses_to_start_without_a_data_key() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_navigator"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run"])
        .env("TELOXIDE_TOKEN", "123:abc")
        .env("TELOXIDE_API_URL", "http://127.0.0.1:9/")
        .env("NAVIGATOR_ENV", "production")
        .env_remove("DATA_KEY")
        .env("DATABASE_URL", "sqlite::memory:")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("needs DATA_KEY"), "{stderr}");
}

fn submission(name: &str) -> patient_navigator::intake::Submission {
    patient_navigator::intake::Submission {
        answers: Default::default(),
        consent_version: "v1".into(),
        consent_at: 1,
        summary: format!("<b>First name:</b> {name}"),
        title: format!("Lung · EGFR · {name}"),
        documents: vec![],
    }
}

/// A database used without a key, then given one: its plain values are
/// refused (never trusted: anyone who can write the database could have put
/// them there); `navigator seal` encrypts them in place, each bound to its
/// row, so that a sealed value copied to another patient's row does not
/// open there.
#[tokio::test]
async fn navigator_seal_encrypts_a_plain_database_in_place_bound_to_each_row() {
    for db in TestDb::all().await {
        let label = db.label;
        let plain = Storage::connect(&db.url).await.unwrap();
        let session = common::menu_session("en");
        let zenobia = changes::submit_case(&plain, 7, &session, &submission("Zenobia")).await;
        let other = changes::submit_case(&plain, 8, &session, &submission("Otto")).await;
        plain.close().await;

        let keyed = || async {
            Storage::connect_sealed(&db.url, Some(Sealer::from_config(KEY, None).unwrap()))
                .await
                .unwrap()
        };
        let storage = keyed().await;
        let refused = storage.case(zenobia).await.unwrap_err().to_string();
        assert!(
            refused.contains("run `navigator seal`"),
            "{label}: {refused}"
        );
        storage.close().await;

        let output = std::process::Command::new(env!("CARGO_BIN_EXE_navigator"))
            .args(["seal", "--database-url", &db.url])
            .env("DATA_KEY", KEY)
            .env_remove("DATA_KEYS_OLD")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{label}: {stdout}");
        assert!(
            stdout.contains("ok: sealed 8 value(s) stored in plain"),
            "{label}: {stdout}"
        );

        let storage = keyed().await;
        let raw = everything_stored(&storage).await;
        assert!(!raw.contains("Zenobia"), "{label}: sealed in place");
        assert!(raw.contains("enc2:k1:"), "{label}");
        let opened = storage.case(zenobia).await.unwrap().unwrap();
        assert!(opened.summary.contains("Zenobia"), "{label}");
        // Zenobia's sealed summary copied onto Otto's row does not open.
        sqlx::query(
            "UPDATE cases SET summary = (SELECT summary FROM cases WHERE id = $1) WHERE id = $2",
        )
        .bind(zenobia.0)
        .bind(other.0)
        .execute(storage.pool())
        .await
        .unwrap();
        let moved = storage.case(other).await.unwrap_err().to_string();
        assert!(moved.contains("moved from another row"), "{label}: {moved}");
        storage.close().await;
    }
}
