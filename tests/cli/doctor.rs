//! `navigator doctor` against the emulator and real databases (SQLite and
//! PostgreSQL): every check passes on a deployment set up right, and each
//! mistake an operator can make is named with its fix — through the doctor
//! function, and through the real binary for exit codes and wording.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::db::TestDb;
use patient_navigator::config::{
    ContentDirs, DataKeys, DatabaseArgs, Environment, RawSettings, WebhookArgs,
};
use patient_navigator::doctor::{self, Outcome, Report};
use patient_navigator::emulator::{AdminRights, BotMembership, ChatKind, Emulator};
use patient_navigator::storage::Begun;
use patient_navigator::storage::{Sealer, Storage};
use secrecy::ExposeSecret;
use teloxide::prelude::*;

const GROUP: i64 = -1_009_876_543_210;
const KEY_A: &str = "a:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const KEY_B: &str = "b:HxsdHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=";

fn forum(emulator: &Emulator) {
    emulator.add_forum(GROUP, "Coordinators");
}

/// An emulator with the coordinators' forum, a migrated database, and the
/// settings of a deployment that is set up right.
async fn deployment(db: &TestDb) -> (Emulator, RawSettings) {
    let emulator = Emulator::start().await.unwrap();
    forum(&emulator);
    Storage::connect(&db.url).await.unwrap().close().await;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = RawSettings {
        token: Some(emulator.token().into()),
        api_url: Some(emulator.api_url()),
        database: DatabaseArgs {
            url: db.url.clone(),
        },
        coordinator_chat_id: Some(GROUP),
        teams_file: None,
        working_hours: Some("Mon-Fri 09:00-18:00".into()),
        working_timezone: "Europe/Madrid".into(),
        weekly_summary: "mon 09:00".into(),
        webhook: WebhookArgs::default(),
        keys: DataKeys {
            data_key: Some(KEY_A.into()),
            data_keys_old: None,
            environment: Environment::Production,
        },
        dirs: ContentDirs {
            locales_dir: root.join("locales"),
            dialogues_dir: root.join("dialogues"),
        },
        ..RawSettings::default()
    };
    (emulator, config)
}

fn outcome<'a>(report: &'a Report, name: &str) -> &'a Outcome {
    &report
        .find(name)
        .unwrap_or_else(|| panic!("no check “{name}” in {report:#?}"))
        .outcome
}

/// The check failed, and its hint says `words`.
fn assert_fails(report: &Report, name: &str, words: &str) {
    match outcome(report, name) {
        Outcome::Fail(hint) => assert!(hint.contains(words), "{name}: {hint}"),
        other => panic!("{name} should fail, got {other:?}\n{}", report.to_text()),
    }
    assert!(report.failed());
}

#[tokio::test]
async fn a_deployment_set_up_right_passes_every_check() {
    for db in TestDb::all().await {
        let (emulator, config) = deployment(&db).await;
        let report = doctor::run(&config).await;
        assert!(!report.failed(), "{}: {}", db.label, report.to_text());
        for name in [
            "token",
            "coordinator group",
            "bot is administrator",
            "bot's rights",
            "webhook",
            "data key",
            "database",
            "migrations",
            "database writable",
            "stored data opens",
            "outbox",
            "updates set aside",
            "content",
            "coordinators' language",
            "time settings",
        ] {
            assert!(
                matches!(outcome(&report, name), Outcome::Ok(_)),
                "{}: {name} is not OK:\n{}",
                db.label,
                report.to_text()
            );
        }
        assert!(
            report
                .to_text()
                .contains("✓ token: Telegram accepts it: @navigator_test_bot")
        );
        assert!(report.to_text().ends_with("Ready: every check passed.\n"));
        let violations = emulator.spec_violations();
        assert!(violations.is_empty(), "{violations:#?}");
        for method in ["getMe", "getChat", "getChatMember", "getWebhookInfo"] {
            assert_eq!(emulator.calls_to(method).len(), 1, "{method}");
        }
    }
}

#[tokio::test]
async fn a_token_telegram_refuses_is_named() {
    let db = TestDb::sqlite();
    let (_emulator, mut config) = deployment(&db).await;
    config.token = Some("123:wrong".into());
    let report = doctor::run(&config).await;
    assert_fails(&report, "token", "Telegram refused the token");
    assert_fails(&report, "token", "@BotFather");
    // What needs the token is not judged on a token that does not work.
    assert!(matches!(
        outcome(&report, "coordinator group"),
        Outcome::Warn(_)
    ));
}

#[tokio::test]
async fn every_team_s_group_is_checked() {
    let db = TestDb::sqlite();
    let (emulator, mut config) = deployment(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("teams.yaml");
    let missing = -1_000_000_000_077;
    std::fs::write(
        &file,
        format!(
            "teams:\n  - name: Spanish desk\n    group: {missing}\n    languages: [es]\n  - name: General\n    group: {GROUP}\n    default: true\n"
        ),
    )
    .unwrap();
    config.teams_file = Some(file.clone());
    let report = doctor::run(&config).await;
    assert!(
        matches!(report.find("teams"), Some(check) if matches!(&check.outcome, Outcome::Ok(text) if text.contains("2 teams: Spanish desk, General (default)"))),
        "{}",
        report.to_text()
    );
    let text = report.to_text();
    assert!(
        text.contains("✗ coordinator group: team “Spanish desk”: Telegram has no chat"),
        "{text}"
    );
    assert!(
        text.contains("✓ coordinator group: team “General”:"),
        "{text}"
    );
    // The Spanish desk's group set up right: every check passes.
    emulator.add_forum(missing, "Spanish desk");
    assert!(!doctor::run(&config).await.failed());
    // A file with a mistake is named, with the file and what is wrong.
    std::fs::write(
        &file,
        "teams:\n  - name: A\n    group: 5\n    default: true\n",
    )
    .unwrap();
    assert_fails(&doctor::run(&config).await, "teams", "not a group id");
}

#[tokio::test]
async fn group_mistakes_are_named_with_their_fix() {
    let db = TestDb::sqlite();
    let (emulator, mut config) = deployment(&db).await;

    config.coordinator_chat_id = Some(-1_000_000_000_001);
    let report = doctor::run(&config).await;
    assert_fails(&report, "coordinator group", "check COORDINATOR_CHAT_ID");

    let plain = -1_000_000_000_002;
    emulator.add_group_chat(
        plain,
        ChatKind::Supergroup {
            title: "No topics".into(),
            username: None,
            is_forum: false,
        },
    );
    config.coordinator_chat_id = Some(plain);
    assert_fails(
        &doctor::run(&config).await,
        "coordinator group",
        "turn on Topics",
    );

    let public = -1_000_000_000_004;
    emulator.add_group_chat(
        public,
        ChatKind::Supergroup {
            title: "Open coordinators".into(),
            username: Some("open_coordinators".into()),
            is_forum: true,
        },
    );
    config.coordinator_chat_id = Some(public);
    assert_fails(
        &doctor::run(&config).await,
        "group is private",
        "is public (@open_coordinators): anyone can find it",
    );

    let basic = -4_000_000_003;
    emulator.add_group_chat(
        basic,
        ChatKind::Group {
            title: "Basic".into(),
        },
    );
    config.coordinator_chat_id = Some(basic);
    assert_fails(
        &doctor::run(&config).await,
        "coordinator group",
        "not a supergroup with topics",
    );

    config.coordinator_chat_id = Some(GROUP);
    emulator.set_bot_membership(GROUP, BotMembership::Member);
    let report = doctor::run(&config).await;
    assert!(matches!(
        outcome(&report, "coordinator group"),
        Outcome::Ok(_)
    ));
    assert_fails(
        &report,
        "bot is administrator",
        "make @navigator_test_bot an administrator",
    );

    emulator.set_bot_membership(
        GROUP,
        BotMembership::Administrator(AdminRights {
            can_manage_topics: false,
            can_delete_messages: true,
            can_pin_messages: false,
        }),
    );
    let report = doctor::run(&config).await;
    assert!(matches!(
        outcome(&report, "bot is administrator"),
        Outcome::Ok(_)
    ));
    assert_fails(
        &report,
        "bot's rights",
        "may not: Manage topics, Pin messages",
    );
    assert!(
        emulator.spec_violations().is_empty(),
        "{:?}",
        emulator.spec_violations()
    );
}

#[tokio::test]
async fn a_webhook_left_behind_is_found_when_polling() {
    let db = TestDb::sqlite();
    let (emulator, mut config) = deployment(&db).await;
    let bot = Bot::new(emulator.token()).set_api_url(emulator.api_url());
    bot.set_webhook("https://old.example.org/hook".parse().unwrap())
        .await
        .unwrap();
    let report = doctor::run(&config).await;
    assert_fails(
        &report,
        "webhook",
        "a webhook is set (https://old.example.org/hook)",
    );

    // In webhook mode the same URL is fine, another one is not.
    config.webhook.webhook_url = Some("https://old.example.org/hook".into());
    assert!(matches!(
        outcome(&doctor::run(&config).await, "webhook"),
        Outcome::Ok(_)
    ));
    config.webhook.webhook_url = Some("https://new.example.org/hook".into());
    assert_fails(
        &doctor::run(&config).await,
        "webhook",
        "Telegram delivers to https://old.example.org/hook",
    );
}

#[tokio::test]
async fn unmigrated_and_unreachable_databases_fail() {
    // An empty SQLite file and a brand-new PostgreSQL database.
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::File::create(&empty).unwrap();
    let mut urls = vec![format!("sqlite://{}", empty.display())];
    if let Some(pg) = TestDb::postgres().await {
        urls.push(pg.url.clone());
    }
    let db = TestDb::sqlite();
    let (_emulator, mut config) = deployment(&db).await;
    for url in urls {
        config.database.url = url.clone();
        let report = doctor::run(&config).await;
        assert!(
            matches!(outcome(&report, "database"), Outcome::Ok(_)),
            "{url}"
        );
        let shipped = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations"))
            .unwrap()
            .count();
        assert_fails(
            &report,
            "migrations",
            &format!("{shipped} not applied (0001 sessions"),
        );
        assert_fails(&report, "migrations", "run `navigator migrate`");
        assert!(matches!(
            outcome(&report, "database writable"),
            Outcome::Ok(_)
        ));
        // The doctor changed nothing: still not migrated.
        let again = doctor::run(&config).await;
        assert_fails(&again, "migrations", &format!("{shipped} not applied"));
    }

    config.database.url = "postgres://postgres@127.0.0.1:1/none".into();
    let report = doctor::run(&config).await;
    assert_fails(&report, "database", "cannot open the database");
    assert_fails(&report, "database", "is the server up");
    config.database.url = format!("sqlite://{}", dir.path().join("missing.db").display());
    let report = doctor::run(&config).await;
    assert_fails(&report, "database", "`navigator migrate` creates");
    assert!(
        !dir.path().join("missing.db").exists(),
        "the doctor creates nothing"
    );
}

#[tokio::test]
async fn messages_telegram_keeps_failing_are_shown_as_held() {
    for db in TestDb::all().await {
        let (_emulator, config) = deployment(&db).await;
        let storage = Storage::connect(&db.url).await.unwrap();
        let Begun::Ready(mut work) = storage.begin_update(1).await.unwrap() else {
            panic!("update 1 was not ready");
        };
        work.push(5, "topic:3".into(), "{}".into());
        work.commit().await.unwrap();
        let job = storage.due_jobs(i64::MAX, 10, &[], true).await.unwrap()[0].id;
        // A 5xx for a minute: failing, not held yet.
        let now_ms = patient_navigator::storage::unix_now_ms();
        storage
            .retry_job(job, now_ms + 60_000, now_ms - 60_000, "Bad Gateway")
            .await
            .unwrap();
        let report = doctor::run(&config).await;
        assert!(
            matches!(outcome(&report, "outbox"), Outcome::Ok(_)),
            "{}: {}",
            db.label,
            report.to_text()
        );
        // Failing for two hours: held, and the doctor says what to look at.
        storage
            .retry_job(job, now_ms + 60_000, 0, "Bad Gateway")
            .await
            .unwrap();
        sqlx::query("UPDATE outbox SET failing_since_ms = $1")
            .bind(now_ms - 2 * 3_600_000)
            .execute(storage.pool())
            .await
            .unwrap();
        let report = doctor::run(&config).await;
        assert_fails(&report, "outbox", "1 message(s) in 1 lane(s) held");
        assert_fails(&report, "outbox", "Bad Gateway");
        storage.close().await;
    }
}

#[tokio::test]
async fn keys_are_checked_against_the_stored_data() {
    for db in TestDb::all().await {
        let (_emulator, mut config) = deployment(&db).await;
        // A case written with key A.
        let sealer = Sealer::from_config(KEY_A, None).unwrap();
        let storage = Storage::connect(&db.url).await.unwrap();
        use patient_navigator::storage::sealing::{CASE_ANSWERS, CASE_DOCUMENTS, CASE_SUMMARY};
        sqlx::query(
            "INSERT INTO cases (id, chat_id, locale, status, answers, summary, documents, consent_version,
                                consent_at, created_at, updated_at)
             VALUES (1, 5, 'es', 'waiting', $1, $2, $3, 'v1', 1, 1, 1)",
        )
        .bind(sealer.seal(CASE_ANSWERS, 1, "{}").unwrap())
        .bind(sealer.seal(CASE_SUMMARY, 1, "Ana").unwrap())
        .bind(sealer.seal(CASE_DOCUMENTS, 1, "[]").unwrap())
        .execute(storage.pool())
        .await
        .unwrap();
        storage.close().await;

        let report = doctor::run(&config).await;
        assert!(
            matches!(outcome(&report, "stored data opens"), Outcome::Ok(_)),
            "{}",
            db.label
        );

        config.keys.data_key = Some(KEY_B.into());
        let report = doctor::run(&config).await;
        assert_fails(
            &report,
            "stored data opens",
            "3 of 3 sampled encrypted values do not open",
        );
        assert_fails(&report, "stored data opens", "key id a");

        // After a rotation the old key is still configured: fine.
        config.keys.data_keys_old = Some(KEY_A.into());
        assert!(!doctor::run(&config).await.failed(), "{}", db.label);

        config.keys.data_key = None;
        config.keys.data_keys_old = None;
        let report = doctor::run(&config).await;
        assert_fails(
            &report,
            "data key",
            "NAVIGATOR_ENV=production needs DATA_KEY",
        );
        config.keys.environment = Environment::Development;
        let report = doctor::run(&config).await;
        assert!(matches!(outcome(&report, "data key"), Outcome::Warn(_)));
        assert_fails(
            &report,
            "stored data opens",
            "holds encrypted data (key id a) but DATA_KEY is not set",
        );
    }
}

#[tokio::test]
async fn broken_content_and_time_settings_fail() {
    let db = TestDb::sqlite();
    let (_emulator, mut config) = deployment(&db).await;
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&config.dirs.locales_dir, &dir.path().join("locales"));
    let english = dir.path().join("locales/en/main.ftl");
    let english = if english.exists() {
        english
    } else {
        std::fs::read_dir(dir.path().join("locales/en"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .find(|path| path.extension().is_some_and(|ext| ext == "ftl"))
            .unwrap()
    };
    let mut text = std::fs::read_to_string(&english).unwrap();
    text.push_str("\nbroken-message = { $unclosed\n");
    std::fs::write(&english, text).unwrap();
    config.dirs.locales_dir = dir.path().join("locales");
    let report = doctor::run(&config).await;
    assert_fails(&report, "content", "Run `navigator check` for the list");

    config.dirs.locales_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    config.working_timezone = "Europe/Atlantis".into();
    assert_fails(
        &doctor::run(&config).await,
        "time settings",
        "not an IANA time zone",
    );
    config.working_timezone = "UTC".into();
    config.working_hours = Some("weekdays all day".into());
    assert_fails(
        &doctor::run(&config).await,
        "time settings",
        "WORKING_HOURS",
    );
    config.working_hours = None;
    config.weekly_summary = "someday 25:00".into();
    assert_fails(
        &doctor::run(&config).await,
        "time settings",
        "WEEKLY_SUMMARY",
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

// ----- the real binary ------------------------------------------------------------

fn navigator(config: &RawSettings) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_navigator"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    for variable in [
        "TELOXIDE_TOKEN",
        "TELOXIDE_API_URL",
        "DATABASE_URL",
        "COORDINATOR_CHAT_ID",
        "WORKING_HOURS",
        "WORKING_TIMEZONE",
        "WEEKLY_SUMMARY",
        "WEBHOOK_URL",
        "DATA_KEY",
        "DATA_KEYS_OLD",
        "NAVIGATOR_ENV",
        "LOCALES_DIR",
        "DIALOGUES_DIR",
    ] {
        command.env_remove(variable);
    }
    command
        .arg("doctor")
        .env(
            "TELOXIDE_TOKEN",
            config
                .token
                .as_ref()
                .map_or("", |token| token.expose_secret()),
        )
        .env(
            "TELOXIDE_API_URL",
            config.api_url.as_ref().unwrap().as_str(),
        )
        .env("DATABASE_URL", &config.database.url)
        .env("COORDINATOR_CHAT_ID", GROUP.to_string())
        .env("WORKING_TIMEZONE", &config.working_timezone)
        .env("NAVIGATOR_ENV", "production")
        .env(
            "DATA_KEY",
            config
                .keys
                .data_key
                .as_ref()
                .map_or("", |key| key.expose_secret()),
        );
    command
}

#[test]
fn the_binary_exits_non_zero_and_says_what_to_fix() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for db in runtime.block_on(TestDb::all()) {
        let (emulator, config) = runtime.block_on(deployment(&db));

        let output = navigator(&config).output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{}: {stdout}", db.label);
        assert!(
            stdout.contains("✓ bot's rights: Manage topics, Delete messages, Pin messages"),
            "{stdout}"
        );
        assert!(stdout.ends_with("Ready: every check passed.\n"), "{stdout}");
        assert_eq!(
            stdout.lines().count(),
            18,
            "one line per check and a verdict: {stdout}"
        );

        let output = navigator(&config)
            .env("TELOXIDE_TOKEN", "123:wrong")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains("✗ token: Telegram refused the token"),
            "{stdout}"
        );

        emulator.set_bot_membership(GROUP, BotMembership::Member);
        let output = navigator(&config)
            .env("DATA_KEY", "")
            .env("WORKING_TIMEZONE", "Mars/Olympus")
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(json["ok"], false);
        let failed: Vec<&str> = json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|check| check["status"] == "fail")
            .map(|check| check["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            failed,
            ["bot is administrator", "data key", "time settings"],
            "{json:#}"
        );
        let hint = json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|check| check["name"] == "data key")
            .unwrap()["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(hint.contains("openssl rand -base64 32"), "{hint}");
    }
    drop(runtime);
}
