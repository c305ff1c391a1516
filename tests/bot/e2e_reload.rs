//! Hot reload against a running bot: a good edit takes effect, a broken one
//! is refused while the last good version keeps serving, and patients on a
//! screen or question that disappeared carry on.

use crate::common;

use std::fs;
use std::path::Path;

use common::bot::spawn_bot_with;
use common::db::TestDb;

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let source = fs::read_to_string(path).unwrap();
    assert!(source.contains(from), "{from:?} not in {}", path.display());
    fs::write(path, source.replacen(from, to, 1)).unwrap();
}

#[tokio::test]
async fn edits_apply_live_and_broken_files_are_refused() {
    let work = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (locales, dialogues) = (work.path().join("locales"), work.path().join("dialogues"));
    copy_dir(&root.join("locales"), &locales);
    copy_dir(&root.join("dialogues"), &dialogues);
    let bot = spawn_bot_with(TestDb::sqlite(), |settings| {
        settings.locales_dir = locales.clone();
        settings.dialogues_dir = dialogues.clone();
    })
    .await;
    let nia = bot.patient(9501, "Nia", Some("en"));
    assert!(
        nia.say("/menu")
            .await
            .last()
            .unwrap()
            .text
            .contains("What would you like to do?")
    );

    // A translator's edit takes effect without a restart.
    edit(
        &locales.join("en/bot.ftl"),
        "What would you like to do?",
        "How can we help you today?",
    );
    let status = bot.wait_for_reloads(1).await;
    assert_eq!(status.applied, 1, "{status:?}");
    assert!(
        nia.say("/menu")
            .await
            .last()
            .unwrap()
            .text
            .contains("How can we help you today?")
    );

    // A broken file is refused; the last good version keeps serving.
    edit(
        &locales.join("en/bot.ftl"),
        "help-text =",
        "help-text = { $unclosed",
    );
    let status = bot.wait_for_reloads(2).await;
    assert_eq!(status.refused, 1, "{status:?}");
    assert!(
        status.last_problems.unwrap().contains("bot.ftl"),
        "the findings name the file"
    );
    assert!(
        nia.say("/menu")
            .await
            .last()
            .unwrap()
            .text
            .contains("How can we help you today?")
    );
    edit(
        &locales.join("en/bot.ftl"),
        "help-text = { $unclosed",
        "help-text =",
    );
    bot.wait_for_reloads(3).await;

    // A patient on a screen that disappears lands on the main menu.
    let start = nia.say("/start").await;
    nia.press_data(start.last().unwrap().message_id, "g:faq-t790m")
        .await;
    edit(
        &dialogues.join("resistance.yaml"),
        "      - { label: faq-btn-t790m, goto: faq-t790m }\n",
        "",
    );
    edit(
        &dialogues.join("resistance.yaml"),
        "  - id: faq-t790m\n    text: faq-t790m-text\n    source:\n      - \"The T790M mutation in EGFR-mutant lung cancer is the classic example\"\n",
        "",
    );
    let status = bot.wait_for_reloads(4).await;
    assert_eq!(status.applied, 3, "{status:?}");
    let after = nia.say("hello?").await;
    assert!(
        after
            .last()
            .unwrap()
            .buttons
            .iter()
            .flatten()
            .any(|b| b.text == "📖 Targeted therapy resistance"),
        "back at the menu"
    );

    // A patient on a question that disappears goes on to the next one.
    let menu = nia.say("/menu").await;
    nia.press_data(menu.last().unwrap().message_id, "a:intake")
        .await;
    nia.press("No, not right now").await;
    nia.press("✅ I agree").await;
    nia.press("I am the patient").await;
    nia.say("Nia").await;
    edit(
        &dialogues.join("intake.yaml"),
        "  - id: age\n    kind: integer\n    prompt: intake-age\n    min: 0\n    max: 120\n",
        "",
    );
    bot.wait_for_reloads(5).await;
    let next = nia.say("44").await;
    assert!(
        next.last().unwrap().text.starts_with("In which country"),
        "{}",
        next.last().unwrap().text
    );
    bot.assert_spec_clean();
}
