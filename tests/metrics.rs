//! `/metrics` end to end: the real dispatcher through the emulator, then a
//! scrape in Prometheus' text format. Counts by update kind, handler
//! latency, Telegram errors by code, outbox and queue gauges, cases by
//! status, the group commit's transactions, and nothing a patient wrote or
//! who they are.

mod common;

use common::bot::{COORDINATOR_CHAT, spawn_bot_with};
use common::db::TestDb;
use patient_navigator::emulator::{Fault, FaultKind};

async fn scrape(addr: std::net::SocketAddr) -> String {
    let response = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .expect("the metrics endpoint answers");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain"),
        "Prometheus' text format"
    );
    response.text().await.unwrap()
}

/// The value of the first sample whose line starts with `series`.
fn sample(page: &str, series: &str) -> f64 {
    page.lines()
        .find(|line| line.starts_with(series))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("no {series} in\n{page}"))
}

async fn metrics_story(db: TestDb) {
    let bot = spawn_bot_with(db, |settings| {
        settings.coordinator_chat_id = Some(COORDINATOR_CHAT);
        settings.metrics_listen = Some("127.0.0.1:0".parse().unwrap());
    })
    .await;
    let addr = bot.metrics_addr().expect("metrics are served");
    let patient = bot.patient(7_301_234, "Zuleika", Some("en"));
    let start = patient.say("/start").await;
    common::talk_to_a_person(&patient, start.last().unwrap().message_id).await;
    bot.emulator.wait_idle().await;
    // Telegram refuses the relay once with a 429: counted by its code.
    bot.emulator.inject(Fault::once(
        "copyMessage",
        FaultKind::TooManyRequests { retry_after: 1 },
    ));
    patient
        .send_text("Zuleika here, my scan was on Tuesday")
        .await;
    let retried = async {
        while bot.emulator.calls_to("copyMessage").len() < 2 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(10), retried)
        .await
        .expect("the relay is retried after the 429");
    bot.emulator.wait_idle().await;

    let page = scrape(addr).await;
    assert!(sample(&page, "navigator_updates_total{kind=\"message\"}") >= 2.0);
    assert!(sample(&page, "navigator_updates_total{kind=\"callback_query\"}") >= 1.0);
    assert!(
        sample(
            &page,
            "navigator_handler_seconds_bucket{kind=\"message\",le=\"+Inf\"}"
        ) >= 2.0,
        "a latency histogram with buckets"
    );
    assert!(sample(&page, "navigator_telegram_errors_total{code=\"429\"}") >= 1.0);
    // The patient asked for a person: one case waits in the queue.
    assert_eq!(sample(&page, "navigator_cases{status=\"waiting\"}"), 1.0);
    assert_eq!(sample(&page, "navigator_cases{status=\"closed\"}"), 0.0);
    assert_eq!(sample(&page, "navigator_queue_waiting "), 1.0);
    assert!(sample(&page, "navigator_queue_longest_wait_seconds ") >= 0.0);
    assert_eq!(
        sample(&page, "navigator_outbox_depth "),
        0.0,
        "all delivered"
    );
    assert_eq!(sample(&page, "navigator_outbox_oldest_seconds "), 0.0);
    assert_eq!(
        sample(&page, "navigator_outbox_failing "),
        0.0,
        "a 429 is a wait, not a failure"
    );
    assert_eq!(sample(&page, "navigator_outbox_held "), 0.0);
    // The patient's four updates (/start, two presses, a text) were each
    // given a turn by a group commit that worked it.
    let turns = sample(&page, "navigator_group_commit_turns_total ");
    let working = sample(&page, "navigator_group_commits_total{held=\"updates\"}");
    assert!(turns >= 4.0, "{turns} turns");
    assert!(
        (1.0..=turns).contains(&working),
        "{working} groups worked {turns} turns"
    );
    for private in ["Zuleika", "Tuesday", "7301234", "scan"] {
        assert!(!page.contains(private), "{private} leaked into /metrics");
    }
}

/// One test for both backends: the recorder is process-wide, and two bots
/// scraped at once would each refresh the same gauges from their database.
#[tokio::test]
async fn metrics_on_sqlite_and_postgres() {
    for db in TestDb::all().await {
        metrics_story(db).await;
    }
}
