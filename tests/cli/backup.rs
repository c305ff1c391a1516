//! Backup and restore: a live SQLite database copied with `navigator backup`
//! and restored with `navigator restore` into an empty SQLite database and
//! into an empty PostgreSQL database has every table, row for row.

use crate::common;

use std::process::Command;

use common::bot::{COORDINATOR_CHAT, spawn_bot_with};
use common::db::TestDb;
use patient_navigator::storage::Storage;
use patient_navigator::storage::backup::{TABLES, dump_table};

fn navigator(args: &[&str], database_url: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_navigator"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .output()
        .unwrap()
}

#[tokio::test]
async fn a_backup_restores_every_table_into_sqlite_and_postgres() {
    // Real data: sessions, a draft, cases, relays, audit, inbox, outbox.
    let bot = spawn_bot_with(TestDb::sqlite(), |s| {
        s.coordinator_chat_id = Some(COORDINATOR_CHAT)
    })
    .await;
    for (id, name) in [(9971, "Ada"), (9972, "Bea")] {
        let patient = bot.patient(id, name, Some("es"));
        let start = patient.say("/start").await;
        common::talk_to_a_person(&patient, start.last().unwrap().message_id).await;
        patient.send_text("hola").await;
    }
    let carla = bot.patient(9973, "Carla", Some("en"));
    carla.say("/start").await;
    carla.press("📝 Request a case review").await;
    carla.press("No, not right now").await;
    carla.press("✅ I agree").await;
    bot.emulator.wait_idle().await;
    let thread = bot
        .emulator
        .chat_transcript(COORDINATOR_CHAT)
        .into_iter()
        .find_map(|m| m.thread_id)
        .unwrap();
    bot.coordinator(9001, "Alex", "alex")
        .in_topic(thread)
        .send_text("hello Ada")
        .await;
    bot.emulator.wait_idle().await;
    // A weekly summary already posted: a restored deployment must know it.
    let store = Storage::connect(&bot.db.url).await.unwrap();
    assert!(
        store
            .claim_weekly_summary(1_795_600_000, 1_795_600_060)
            .await
            .unwrap()
    );
    store.close().await;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("backup.db");
    let backup = navigator(&["backup", file.to_str().unwrap()], &bot.db.url);
    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the backup is its owner's only");
    }
    let again = navigator(&["backup", file.to_str().unwrap()], &bot.db.url);
    assert!(!again.status.success(), "never overwrites a backup");

    let source = Storage::connect(&bot.db.url).await.unwrap();
    let mut targets = vec![TestDb::sqlite()];
    targets.extend(TestDb::postgres().await);
    for target in targets {
        let restored = navigator(&["restore", file.to_str().unwrap()], &target.url);
        assert!(
            restored.status.success(),
            "{}: {}",
            target.label,
            String::from_utf8_lossy(&restored.stderr)
        );
        let restored_db = Storage::connect(&target.url).await.unwrap();
        for table in TABLES {
            let expected = dump_table(&source, table).await.unwrap();
            assert!(
                !expected.is_empty() || *table == "outbox",
                "{table} has data to compare"
            );
            assert_eq!(
                dump_table(&restored_db, table).await.unwrap(),
                expected,
                "{}: table {table}",
                target.label
            );
        }
        let twice = navigator(&["restore", file.to_str().unwrap()], &target.url);
        assert!(
            !twice.status.success(),
            "{}: refuses a non-empty target",
            target.label
        );
        assert!(String::from_utf8_lossy(&twice.stderr).contains("not empty"));
    }
}
