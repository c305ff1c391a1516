//! The `navigator` binary itself: configuration from the environment, the
//! real process talking to the emulator through TELOXIDE_API_URL.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

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
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("resistance.yaml:27:1: node “mechanisms”: button “resistance-btn-bypass” leads to “by-pass”, which does not exist"), "{stderr}");
    assert!(
        stderr.contains("node “bypass” cannot be reached"),
        "{stderr}"
    );
    let _ = Duration::ZERO;
}
