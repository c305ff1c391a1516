//! Upgrading keeps patients' progress: a database made by an earlier
//! version (its migrations only), with data in it, is migrated by the
//! current binary and everything is still there.

use crate::common;

use std::path::Path;

use common::db::TestDb;
use patient_navigator::storage::Storage;
use sqlx::Row;
use sqlx::migrate::Migrator;

/// A database as the version with only the intake migrations left it.
async fn earlier_version(url: &str) {
    let dir = tempfile::tempdir().unwrap();
    for name in ["0001_sessions.sql", "0002_intake.sql"] {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(name),
            dir.path().join(name),
        )
        .unwrap();
    }
    sqlx::any::install_default_drivers();
    let url = if url.starts_with("sqlite:") {
        format!("{url}?mode=rwc")
    } else {
        url.to_owned()
    };
    let pool = sqlx::AnyPool::connect(&url).await.unwrap();
    Migrator::new(dir.path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    for statement in [
        "INSERT INTO sessions (chat_id, locale, locale_chosen, node, blocked, created_at, updated_at, filling) VALUES (77, 'ar', 1, 'faq', 0, 1, 1, 1)",
        "INSERT INTO intake_drafts (chat_id, draft, updated_at) VALUES (77, '{\"answers\":{\"age\":{\"type\":\"integer\",\"value\":61}},\"position\":{\"at\":\"question\",\"question\":\"country\"}}', 1)",
        "UPDATE counters SET value = 1 WHERE name = 'case'",
        "INSERT INTO cases (id, chat_id, locale, status, answers, summary, consent_version, consent_at, created_at, updated_at) VALUES (1, 78, 'es', 'new', '{}', '<b>Age:</b> 50', 'v1', 1, 1, 1)",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    pool.close().await;
}

#[tokio::test]
async fn an_earlier_database_is_migrated_with_nothing_lost() {
    for db in TestDb::all().await {
        earlier_version(&db.url).await;
        let storage = Storage::connect(&db.url).await.unwrap();
        let session = storage
            .load_session(77)
            .await
            .unwrap()
            .expect("the session survives");
        assert_eq!(
            (
                session.locale.as_str(),
                session.node.as_str(),
                session.intake.is_filling()
            ),
            ("ar", "faq", true),
            "{}",
            db.label
        );
        let draft = session.intake.draft().expect("the draft survives");
        assert_eq!(
            draft.answers["age"],
            patient_navigator::intake::Answer::Integer(61)
        );
        let case = storage
            .case_view(patient_navigator::intake::CaseRef(1))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            case.status,
            patient_navigator::handoff::CaseStatus::Waiting,
            "old 'new' cases join the queue"
        );
        let next: i64 = sqlx::query("SELECT value FROM counters WHERE name = 'case'")
            .fetch_one(storage.pool())
            .await
            .unwrap()
            .get("value");
        assert_eq!(next, 1, "case numbering continues");
    }
}
