//! Reports: the rows storage returns for a period (SQLite and PostgreSQL),
//! `/stats` and the weekly summary end to end through the emulator, and
//! `navigator report` through the real binary — with no patient free text.

use crate::common;
use common::changes;

use std::collections::BTreeMap;
use std::process::Command;

use common::bot::{COORDINATOR_CHAT, spawn_bot_with};
use common::db::TestDb;
use patient_navigator::dialogue::Session;
use patient_navigator::emulator::ChatMessage;
use patient_navigator::handoff::{CaseStatus, Coordinator};
use patient_navigator::intake::{Answer, CaseRef, Submission};
use patient_navigator::reports::{Period, WeeklySchedule};
use patient_navigator::storage::{Sealer, Storage, unix_now};

const KEY: &str = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
/// What the patients typed: must never appear in a report.
const FREE_TEXT: &[&str] = &["Ana", "O'Brien", "Osimertinib", "Bogotá"];

fn session(locale: &str) -> Session {
    common::menu_session(locale)
}

fn submission(cancer_type: &str, driver: &str) -> Submission {
    let answers = BTreeMap::from([
        (
            "consent".to_owned(),
            Answer::Consent {
                version: "v1".into(),
                at: 1,
            },
        ),
        ("first_name".to_owned(), Answer::Text("Ana O'Brien".into())),
        ("cancer_type".to_owned(), Answer::Choice(cancer_type.into())),
        ("driver".to_owned(), Answer::Choice(driver.into())),
        (
            "therapy".to_owned(),
            Answer::Text("Osimertinib, \"80 mg\"\nsince 2023, Bogotá".into()),
        ),
    ]);
    Submission {
        answers,
        consent_version: "v1".into(),
        consent_at: 1,
        summary: "<b>First name:</b> Ana O'Brien · Osimertinib".into(),
        title: "Lung · EGFR · Ana".into(),
        documents: vec![],
    }
}

/// Three cases: CF-000001 (es, lung/egfr) taken, answered, closed and
/// rated 4; CF-000002 (ar, breast/her2) waiting; CF-000003 closed 40 days
/// ago (outside any recent period).
async fn three_cases(storage: &Storage) -> (CaseRef, CaseRef, CaseRef) {
    let maria = Coordinator {
        id: 9002,
        name: "Maria, RN".into(),
    };
    let first = changes::submit_case(storage, 5, &session("es"), &submission("lung", "egfr")).await;
    changes::take_case(storage, first, &maria).await;
    storage.note_first_reply(first).await.unwrap();
    storage.close_case(first).await.unwrap();
    assert!(changes::rate_case(storage, first, 5, 4).await);
    let second =
        changes::submit_case(storage, 6, &session("ar"), &submission("breast", "her2")).await;
    let old = changes::submit_case(storage, 7, &session("en"), &submission("thyroid", "ret")).await;
    storage.close_case(old).await.unwrap();
    let long_ago = unix_now() - 40 * 86_400;
    sqlx::query("UPDATE cases SET created_at = $1, closed_at = $2 WHERE id = $3")
        .bind(long_ago)
        .bind(long_ago + 3600)
        .bind(old.0)
        .execute(storage.pool())
        .await
        .unwrap();
    (first, second, old)
}

async fn sealed_storage(db: &TestDb) -> Storage {
    let sealer = Sealer::from_config(KEY, None).unwrap();
    Storage::connect_sealed(&db.url, Some(sealer))
        .await
        .unwrap()
}

#[tokio::test]
async fn storage_returns_the_rows_of_a_period_with_the_forms_choices() {
    for db in TestDb::all().await {
        let storage = sealed_storage(&db).await;
        let (first, second, old) = three_cases(&storage).await;
        let now = unix_now();
        let rows = storage
            .report_rows(Period {
                start: now - 86_400,
                end: now + 1,
            })
            .await
            .unwrap();
        let references: Vec<CaseRef> = rows.iter().map(|row| row.reference).collect();
        assert_eq!(references, [first, second], "{}", db.label);
        let closed = &rows[0];
        assert_eq!(closed.status, CaseStatus::Closed);
        assert_eq!(closed.locale, "es");
        assert_eq!(closed.coordinator.as_deref(), Some("Maria, RN"));
        assert_eq!(closed.rating, Some(4));
        assert_eq!(
            (closed.cancer_type.as_deref(), closed.driver.as_deref()),
            (Some("lung"), Some("egfr"))
        );
        for at in [closed.assigned_at, closed.first_reply_at, closed.closed_at] {
            let at = at.unwrap_or_else(|| panic!("{}: {closed:?}", db.label));
            assert!((now - 60..=now).contains(&at), "{closed:?}");
        }
        let waiting = &rows[1];
        assert_eq!(waiting.status, CaseStatus::Waiting);
        assert_eq!((waiting.assigned_at, waiting.first_reply_at), (None, None));

        // A period long ago holds only the old case; an open case created
        // after a period's end is not in it.
        let rows = storage
            .report_rows(Period {
                start: now - 41 * 86_400,
                end: now - 39 * 86_400,
            })
            .await
            .unwrap();
        assert_eq!(
            rows.iter().map(|row| row.reference).collect::<Vec<_>>(),
            [old],
            "{}",
            db.label
        );

        // A take after a release keeps the first assignment time.
        let assigned = |storage: Storage| async move {
            storage
                .report_rows(Period {
                    start: 0,
                    end: i64::MAX,
                })
                .await
                .unwrap()
                .into_iter()
                .find(|row| row.reference == second)
                .unwrap()
                .assigned_at
        };
        let alex = Coordinator {
            id: 9001,
            name: "Alex".into(),
        };
        changes::take_case(&storage, second, &alex).await;
        sqlx::query("UPDATE cases SET assigned_at = 100 WHERE id = $1")
            .bind(second.0)
            .execute(storage.pool())
            .await
            .unwrap();
        changes::release_case(&storage, second).await;
        changes::take_case(&storage, second, &alex).await;
        assert_eq!(assigned(storage.clone()).await, Some(100), "{}", db.label);

        // A weekly slot is claimed once; a failed post gives it back.
        assert!(storage.claim_weekly_summary(1_000, now).await.unwrap());
        assert!(!storage.claim_weekly_summary(1_000, now).await.unwrap());
        storage.unclaim_weekly_summary(1_000).await.unwrap();
        assert!(storage.claim_weekly_summary(1_000, now).await.unwrap());
        storage.close().await;
    }
}

fn group_messages(bot: &common::bot::TestBot) -> Vec<ChatMessage> {
    bot.emulator.chat_transcript(COORDINATOR_CHAT)
}

#[tokio::test]
async fn stats_in_the_group_counts_todays_work() {
    for db in TestDb::all().await {
        let bot = spawn_bot_with(db, |settings| {
            settings.coordinator_chat_id = Some(COORDINATOR_CHAT)
        })
        .await;
        let ana = bot.patient(8001, "Ana", Some("es"));
        let start = ana.say("/start").await;
        common::talk_to_a_person(&ana, start.last().unwrap().message_id).await;
        bot.emulator.wait_idle().await;
        let thread = group_messages(&bot)
            .iter()
            .find(|m| m.from_bot && !m.buttons.is_empty())
            .and_then(|m| m.thread_id)
            .expect("a case card in a topic");
        let maria = bot.coordinator(9002, "Maria", "maria_k");
        maria.in_topic(thread).send_text("Hola Ana").await;
        bot.emulator.wait_idle().await;
        maria.in_topic(thread).send_text("/close").await;
        bot.emulator.wait_idle().await;
        common::press_when_shown(&ana, "5 ⭐").await;
        bot.emulator.wait_idle().await;

        maria.send_text("/stats").await;
        bot.emulator.wait_idle().await;
        let stats = group_messages(&bot)
            .into_iter()
            .rev()
            .find(|m| m.from_bot && m.text.starts_with("📊 Cases"))
            .unwrap_or_else(|| panic!("no /stats answer: {:#?}", group_messages(&bot)));
        assert_eq!(stats.thread_id, None, "answered where it was asked");
        let text = &stats.text;
        assert!(text.contains("Now: 0 waiting · 0 assigned"), "{text}");
        assert!(text.contains("Opened 1 · assigned 1 · closed 1"), "{text}");
        assert!(
            text.contains("First reply: median 0 min, p90 0 min (1 case)"),
            "{text}"
        );
        assert!(text.contains("Rating: 5.0/5 (1 rating)"), "{text}");
        assert!(text.contains("Languages: es 1"), "{text}");
        assert!(text.contains("Cancer types: not given 1"), "{text}");
        assert!(!text.contains("Ana"), "no patient names: {text}");
        bot.assert_spec_clean();
    }
}

/// A schedule whose latest slot is this very minute (UTC).
fn this_minute() -> String {
    let now = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC);
    now.strftime("%a %H:%M").to_string()
}

#[tokio::test]
async fn the_weekly_summary_is_posted_once_even_across_restarts() {
    for db in TestDb::all().await {
        let spec = this_minute();
        let schedule = WeeklySchedule::parse(&spec, "UTC").unwrap();
        let mut bot = spawn_bot_with(db, |settings| {
            settings.coordinator_chat_id = Some(COORDINATOR_CHAT);
            settings.weekly_summary = schedule;
        })
        .await;
        let summaries = |bot: &common::bot::TestBot| -> Vec<ChatMessage> {
            group_messages(bot)
                .into_iter()
                .filter(|m| m.from_bot && m.text.starts_with("🗓 Weekly summary"))
                .collect()
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while summaries(&bot).is_empty() && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        bot.emulator.wait_idle().await;
        let posted = summaries(&bot);
        assert_eq!(posted.len(), 1, "{spec}: {:#?}", group_messages(&bot));
        assert_eq!(posted[0].thread_id, None, "in the General topic");
        assert!(
            posted[0]
                .text
                .contains("In the queue now: 0 waiting · 0 assigned"),
            "{}",
            posted[0].text
        );

        bot.crash_and_restart().await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        bot.emulator.wait_idle().await;
        assert_eq!(summaries(&bot).len(), 1, "a restart does not post it again");
        let storage = Storage::connect(&bot.db.url).await.unwrap();
        let slots: i64 = sqlx::Row::try_get(
            &sqlx::query("SELECT COUNT(*) AS n FROM weekly_summaries")
                .fetch_one(storage.pool())
                .await
                .unwrap(),
            "n",
        )
        .unwrap();
        assert_eq!(slots, 1);
        bot.assert_spec_clean();
    }
}

// ----- navigator report (the real binary) ------------------------------------------

fn report(db: &TestDb, args: &[&str]) -> (bool, String, String) {
    report_with(db, Some(KEY), args)
}

fn report_with(db: &TestDb, key: Option<&str>, args: &[&str]) -> (bool, String, String) {
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date();
    let yesterday = today.yesterday().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_navigator"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DATA_KEY")
        .env_remove("DATA_KEYS_OLD")
        .env_remove("WORKING_TIMEZONE")
        .env("DATABASE_URL", &db.url);
    if let Some(key) = key {
        command.env("DATA_KEY", key);
    }
    let output = command
        .args([
            "report",
            "--from",
            &yesterday.to_string(),
            "--to",
            &today.to_string(),
        ])
        .args(args)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn the_report_command_writes_csv_and_json_without_patient_text() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for db in runtime.block_on(TestDb::all()) {
        runtime.block_on(async {
            let storage = sealed_storage(&db).await;
            let (_, second, _) = three_cases(&storage).await;
            // The waiting case was forgotten: a first and a second reminder.
            for level in [1, 2] {
                let record = patient_navigator::storage::ReminderRecord {
                    reference: second,
                    wait: patient_navigator::handoff::escalation::Wait::Coordinator,
                    since: unix_now() - 3600,
                    level,
                    chat_id: -100,
                    lane: format!("topic:{}", second.0),
                    job: "{}".to_owned(),
                };
                assert!(storage.record_reminder(record, unix_now()).await.unwrap());
            }
            storage.close().await;
        });

        let (ok, csv, stderr) = report(&db, &["--format", "csv"]);
        assert!(ok, "{}: {stderr}", db.label);
        let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines[0],
            "reference,language,status,opened_at,assigned_at,first_reply_at,closed_at,coordinator,rating,cancer_type,driver,team_group,reminders,second_reminders"
        );
        assert_eq!(lines.len(), 3, "two cases in the period: {csv}");
        let first: Vec<&str> = lines[1].splitn(8, ',').collect();
        assert_eq!(&first[..3], ["CF-000001", "es", "closed"], "{csv}");
        for timestamp in &first[3..7] {
            assert!(
                timestamp.len() == 20 && timestamp.ends_with('Z'),
                "RFC 3339 UTC: {csv}"
            );
        }
        assert_eq!(
            first[7], "\"Maria, RN\",4,lung,egfr,,0,0",
            "quoted where needed: {csv}"
        );
        assert!(
            lines[2].starts_with("CF-000002,ar,waiting,")
                && lines[2].ends_with(",,,,,breast,her2,,1,1"),
            "{csv}"
        );
        let (ok, json, _) = report(&db, &["--format", "json"]);
        assert!(ok);
        let (ok, figures, _) = report(&db, &["--table", "figures"]);
        assert!(ok);
        for text in [&csv, &json, &figures] {
            for free in FREE_TEXT {
                assert!(!text.contains(free), "{}: “{free}” in {text}", db.label);
            }
        }
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(json["figures"]["opened"], 2);
        assert_eq!(json["figures"]["closed"], 1);
        assert_eq!(json["figures"]["rating_average"], 4.0);
        assert_eq!(json["figures"]["by_language"]["ar"], 1);
        assert_eq!(json["figures"]["by_driver"]["egfr"], 1);
        assert_eq!(json["cases"].as_array().unwrap().len(), 2);
        assert_eq!(json["cases"][0]["coordinator"], "Maria, RN");
        assert_eq!(json["cases"][1]["closed_at"], serde_json::Value::Null);
        assert!(
            figures.starts_with("metric,value\r\nopened,2\r\nassigned,1\r\nclosed,1\r\n"),
            "{figures}"
        );
        assert!(figures.contains("cancer_type:lung,1\r\n"), "{figures}");
        assert!(
            figures.contains("reminders,1\r\nsecond_reminders,1\r\n"),
            "{figures}"
        );
        assert_eq!(json["cases"][1]["second_reminders"], 1);

        // Without the key the choices cannot be read: a plain error.
        let (ok, _, stderr) = report_with(&db, None, &[]);
        assert!(!ok);
        assert!(stderr.contains("set DATA_KEY"), "{stderr}");
    }
    drop(runtime);
}
