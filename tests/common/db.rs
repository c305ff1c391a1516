//! Fresh, migrated-on-connect databases for tests: a temporary SQLite file
//! always, and a brand-new PostgreSQL database when `TEST_DATABASE_URL` is set
//! (`.ci/run` sets it; under CI it is required).

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::Connection;

/// A database URL for one test, and what to clean up afterwards.
pub struct TestDb {
    pub url: String,
    pub label: &'static str,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("navigator.db").display());
        TestDb {
            url,
            label: "sqlite",
            _dir: Some(dir),
        }
    }

    /// `None` when no PostgreSQL server is configured (and not under CI).
    pub async fn postgres() -> Option<TestDb> {
        let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must set TEST_DATABASE_URL so storage is tested on PostgreSQL"
            );
            eprintln!("TEST_DATABASE_URL is not set: skipping the PostgreSQL variant");
            return None;
        };
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "nav_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|err| panic!("cannot reach PostgreSQL at TEST_DATABASE_URL: {err}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let mut url = url::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
        url.set_path(&name);
        Some(TestDb {
            url: url.to_string(),
            label: "postgres",
            _dir: None,
        })
    }

    /// SQLite, plus PostgreSQL when available.
    pub async fn all() -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite()];
        dbs.extend(TestDb::postgres().await);
        dbs
    }
}
