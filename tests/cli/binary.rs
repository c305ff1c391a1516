//! The `navigator` binary itself: configuration from the environment, the
//! real process talking to the emulator through TELOXIDE_API_URL.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common;
use common::changes;

use patient_navigator::emulator::{Emulator, UserSpec};

fn navigator() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_navigator"));
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    for variable in [
        "TELOXIDE_TOKEN",
        "TELOXIDE_API_URL",
        "DATABASE_URL",
        "LOCALES_DIR",
        "DIALOGUES_DIR",
    ] {
        command.env_remove(variable);
    }
    command
}

/// Kills the child when the test ends, whatever happens.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_answers_through_the_emulator_and_keeps_state_in_sqlite() {
    let emulator = Emulator::start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("bot.db");
    let _bot = Child(
        navigator()
            .arg("run")
            .env("TELOXIDE_TOKEN", emulator.token())
            .env("TELOXIDE_API_URL", emulator.api_url().as_str())
            .env("DATABASE_URL", format!("sqlite://{}", database.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let nadia = emulator.private_user(UserSpec {
        id: 4001,
        first_name: "Nadia".into(),
        language_code: Some("ru".into()),
        ..Default::default()
    });
    let replies = nadia.say("/start").await;
    assert!(
        replies.last().unwrap().text.contains("Надия")
            || replies.last().unwrap().text.contains("Nadia")
    );
    assert!(database.exists(), "the SQLite file is created on first run");
    assert!(
        emulator.spec_violations().is_empty(),
        "{:?}",
        emulator.spec_violations()
    );
}

#[test]
fn a_missing_token_is_a_clear_error() {
    let output = navigator().arg("run").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("TELOXIDE_TOKEN is not set"), "{stderr}");
}

#[test]
fn every_wrong_setting_is_named_at_once_and_no_secret_is_shown() {
    let output = navigator()
        .arg("run")
        .env("TELOXIDE_TOKEN", "123:TOKEN-SECRET")
        .env("DATABASE_URL", "mysql://navigator:DB-SECRET@db/navigator")
        .env("WORKING_TIMEZONE", "Mars/Olympus")
        .env("ESCALATE_URGENT_AFTER", "soon")
        .env("DATA_KEY", "k1:KEY-SECRET")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for setting in [
        "DATABASE_URL",
        "WORKING_TIMEZONE",
        "ESCALATE_URGENT_AFTER",
        "DATA_KEY",
    ] {
        assert!(
            stderr
                .lines()
                .any(|line| line.starts_with(&format!("error: {setting}"))),
            "{setting} is not named: {stderr}"
        );
    }
    assert!(!stderr.contains("SECRET"), "{stderr}");
}

#[test]
fn a_wrong_token_is_refused_at_start() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let emulator = runtime.block_on(Emulator::start()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let output = navigator()
        .arg("run")
        .env("TELOXIDE_TOKEN", "123:wrong")
        .env("TELOXIDE_API_URL", emulator.api_url().as_str())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("x.db").display()),
        )
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("refused the token"), "{stderr}");
    drop(runtime);
}

#[test]
fn check_accepts_the_shipped_content_and_names_file_and_line_of_a_mistake() {
    let output = navigator().arg("check").output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dialogues = dir.path().join("dialogues");
    std::fs::create_dir_all(&dialogues).unwrap();
    for file in ["main.yaml", "services.yaml", "intake.yaml"] {
        std::fs::copy(root.join("dialogues").join(file), dialogues.join(file)).unwrap();
    }
    let broken = std::fs::read_to_string(root.join("dialogues/resistance.yaml"))
        .unwrap()
        .replace("goto: bypass", "goto: by-pass");
    std::fs::write(dialogues.join("resistance.yaml"), broken).unwrap();
    let output = navigator()
        .args(["check", "--dialogues-dir"])
        .arg(&dialogues)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stdout);
    assert!(stderr.contains("resistance.yaml:38:1: node “mechanisms”: button “resistance-btn-bypass” leads to “by-pass”, which does not exist"), "{stderr}");
    assert!(
        stderr.contains("node “bypass” cannot be reached"),
        "{stderr}"
    );
    let _ = Duration::ZERO;
}

#[tokio::test]
async fn export_writes_fhir_and_json_and_is_audited() {
    use patient_navigator::intake::{Answer, Submission};
    use patient_navigator::storage::Storage;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bot.db").display());
    let storage = Storage::connect(&url).await.unwrap();
    let mut answers = std::collections::BTreeMap::new();
    answers.insert(
        "consent".to_owned(),
        Answer::Consent {
            version: "v1".into(),
            at: 1,
        },
    );
    answers.insert("age".to_owned(), Answer::Integer(61));
    answers.insert("driver".to_owned(), Answer::Choice("egfr".into()));
    let submission = Submission {
        answers,
        consent_version: "v1".into(),
        consent_at: 1,
        ..Default::default()
    };
    let session = patient_navigator::dialogue::Session {
        locale: "es".into(),
        locale_chosen: false,
        node: "home".into(),
        intake: patient_navigator::intake::FormState::NoDraft,
        case: None,
    };
    let reference = changes::submit_case(&storage, 42, &session, &submission).await;

    let fhir = navigator()
        .args(["export", "--case", &reference.to_string()])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(
        fhir.status.success(),
        "{}",
        String::from_utf8_lossy(&fhir.stderr)
    );
    let fhir: serde_json::Value = serde_json::from_slice(&fhir.stdout).unwrap();
    assert_eq!(fhir["resourceType"], "QuestionnaireResponse");
    assert_eq!(fhir["identifier"]["value"], "CF-000001");
    let age = fhir["item"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["linkId"] == "age")
        .unwrap();
    assert_eq!(age["answer"][0]["valueInteger"], 61);

    let out = dir.path().join("case.json");
    let json = navigator()
        .args([
            "export",
            "--case",
            "cf-000001",
            "--format",
            "json",
            "--output",
        ])
        .arg(&out)
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(json.status.success());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "an export is its owner's only");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        json["answers"]["driver"],
        serde_json::json!({"type": "choice", "value": "egfr"})
    );

    let questionnaire = navigator()
        .args(["export", "--questionnaire"])
        .output()
        .unwrap();
    let questionnaire: serde_json::Value = serde_json::from_slice(&questionnaire.stdout).unwrap();
    assert_eq!(questionnaire["resourceType"], "Questionnaire");

    let missing = navigator()
        .args(["export", "--case", "CF-000099"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no case CF-000099"));

    let trail = storage.audit_trail(reference).await.unwrap();
    assert_eq!(
        trail
            .iter()
            .filter(|(_, action)| action == "export")
            .count(),
        2
    );

    // An empty DATA_KEY (as in `.env.example`) is no key, as for `run`.
    let empty_key = navigator()
        .args(["export", "--case", "CF-000001", "--format", "json"])
        .env("DATABASE_URL", &url)
        .env("DATA_KEY", "")
        .output()
        .unwrap();
    assert!(
        empty_key.status.success(),
        "{}",
        String::from_utf8_lossy(&empty_key.stderr)
    );
}

/// SIGTERM: the bot stops taking updates, finishes, drains and exits 0 —
/// with long polling and with a webhook (which it registers with its secret
/// and whose /readyz answers).
#[tokio::test]
async fn sigterm_stops_gracefully_in_polling_and_webhook_modes() {
    for webhook in [false, true] {
        let options = patient_navigator::emulator::EmulatorOptions {
            local_webhooks: true,
            ..Default::default()
        };
        let emulator = Emulator::start_with(options).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = navigator();
        if webhook {
            command
                .env("WEBHOOK_URL", format!("http://127.0.0.1:{port}/telegram"))
                .env("WEBHOOK_LISTEN", format!("127.0.0.1:{port}"))
                .env("WEBHOOK_SECRET", "probe-secret");
        }
        let child = command
            .arg("run")
            .env("TELOXIDE_TOKEN", emulator.token())
            .env("TELOXIDE_API_URL", emulator.api_url().as_str())
            .env(
                "DATABASE_URL",
                format!("sqlite://{}", dir.path().join("b.db").display()),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut child = Child(child);
        let nadia = emulator.private_user(UserSpec {
            id: 4101,
            first_name: "Nadia".into(),
            ..Default::default()
        });
        let replies = nadia.say("/start").await;
        assert!(
            replies.iter().any(|m| m.text.contains("Nadia")),
            "webhook={webhook}: {replies:?}"
        );
        if webhook {
            assert_eq!(
                emulator.webhook().unwrap().secret_token.as_deref(),
                Some("probe-secret")
            );
            let client = reqwest::Client::builder().no_proxy().build().unwrap();
            let ready = client
                .get(format!("http://127.0.0.1:{port}/readyz"))
                .send()
                .await
                .unwrap();
            assert_eq!(ready.status(), 200);
        }
        let terminated = Command::new("kill")
            .args(["-TERM", &child.0.id().to_string()])
            .status()
            .unwrap();
        assert!(terminated.success());
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.0.try_wait().unwrap() {
                break status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "webhook={webhook}: no graceful exit"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(status.success(), "webhook={webhook}: {status:?}");
    }
}

/// `navigator replay` hands the updates set aside back to the bot: they
/// are unprocessed again, for the running bot's sweep.
#[tokio::test]
async fn replay_hands_back_the_updates_set_aside() {
    let db = common::db::TestDb::sqlite();
    let storage = patient_navigator::storage::Storage::connect(&db.url)
        .await
        .unwrap();
    storage.store_update(31, Some(7), "{}").await.unwrap();
    storage.store_update(32, Some(8), "{}").await.unwrap();
    storage.set_aside(31, "cannot be opened").await.unwrap();
    assert_eq!(storage.quarantined_updates().await.unwrap(), 1);
    let output = navigator()
        .args(["replay", "--database-url", &db.url])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("ok: 1 updates set aside are handed back"),
        "{stdout}"
    );
    assert_eq!(storage.quarantined_updates().await.unwrap(), 0);
    assert!(!storage.is_processed(31).await.unwrap());
    storage.close().await;
}
