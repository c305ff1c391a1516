//! Storage on real databases: SQLite always, PostgreSQL when configured.

mod common;

use common::db::TestDb;
use patient_navigator::dialogue::Session;
use patient_navigator::storage::{Backend, Storage};

fn session(node: &str, locale: &str, chosen: bool) -> Session {
    Session {
        locale: locale.into(),
        locale_chosen: chosen,
        node: node.into(),
    }
}

#[tokio::test]
async fn sessions_round_trip_and_survive_a_reconnect() {
    for db in TestDb::all().await {
        let storage = Storage::connect(&db.url).await.unwrap();
        let chat = -1_000_000_000_123_i64; // ids may exceed 32 bits
        assert_eq!(
            storage.load_session(chat).await.unwrap(),
            None,
            "{}",
            db.label
        );

        storage
            .save_session(chat, &session("faq", "zh-Hans", true))
            .await
            .unwrap();
        storage
            .save_session(chat, &session("faq-t790m", "zh-Hans", true))
            .await
            .unwrap();
        storage
            .save_session(7, &session("home", "ar", false))
            .await
            .unwrap();
        storage.close().await;

        let reopened = Storage::connect(&db.url).await.unwrap();
        assert_eq!(
            reopened.load_session(chat).await.unwrap(),
            Some(session("faq-t790m", "zh-Hans", true)),
            "{}",
            db.label
        );
        assert_eq!(
            reopened.load_session(7).await.unwrap(),
            Some(session("home", "ar", false))
        );
        reopened.close().await;
    }
}

#[tokio::test]
async fn blocking_is_recorded_and_cleared_by_the_next_conversation() {
    for db in TestDb::all().await {
        let storage = Storage::connect(&db.url).await.unwrap();
        storage
            .save_session(42, &session("home", "en", false))
            .await
            .unwrap();
        assert!(!storage.is_blocked(42).await.unwrap());
        storage.set_blocked(42, true).await.unwrap();
        assert!(storage.is_blocked(42).await.unwrap(), "{}", db.label);
        storage
            .save_session(42, &session("faq", "en", false))
            .await
            .unwrap();
        assert!(!storage.is_blocked(42).await.unwrap(), "{}", db.label);
        storage.close().await;
    }
}

#[tokio::test]
async fn migrations_are_idempotent_and_the_backend_is_detected() {
    for db in TestDb::all().await {
        let first = Storage::connect(&db.url).await.unwrap();
        let second = Storage::connect(&db.url).await.unwrap();
        let expected = if db.label == "sqlite" {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        assert_eq!(second.backend(), expected);
        first.close().await;
        second.close().await;
    }
}

#[tokio::test]
async fn a_bad_database_url_is_a_clear_error() {
    let err = Storage::connect("mysql://root@localhost/x")
        .await
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .contains("must start with sqlite: or postgres:"),
        "{err}"
    );
    let err = Storage::connect("postgres://nobody:pw@127.0.0.1:1/none")
        .await
        .err()
        .unwrap();
    let text = format!("{err:#}");
    assert!(
        text.contains("cannot open the database") && !text.contains(":pw@"),
        "{text}"
    );
}
