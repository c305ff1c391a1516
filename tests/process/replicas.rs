//! Scale-out: two real `navigator` replicas in webhook mode behind one URL
//! (a round-robin load balancer that fails over, as a real one would),
//! sharing one PostgreSQL database. Updates are spread across both; one
//! replica is killed with SIGKILL mid-load and stays dead. Afterwards every
//! patient message reached the coordinators' topic, in the order it was
//! written, none twice beyond what was in flight at the kill, each patient
//! has one case, and every /start was answered once.

use crate::common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use common::db::TestDb;
use patient_navigator::emulator::{Emulator, EmulatorOptions, UserSpec};

const GROUP: i64 = -1_001_000_000_002;
/// Odd, so that a patient's messages alternate between the replicas.
const PATIENTS: i64 = 5;
const MESSAGES: usize = 12;
const SECRET: &str = "replica-test-secret";

/// A load balancer: each request to the next backend, skipping those that
/// refuse the connection.
struct Balancer {
    backends: Vec<SocketAddr>,
    next: AtomicUsize,
    client: reqwest::Client,
    served: Vec<AtomicUsize>,
}

async fn forward(State(lb): State<Arc<Balancer>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let first = lb.next.fetch_add(1, Ordering::Relaxed);
    for attempt in 0..lb.backends.len() {
        let index = (first + attempt) % lb.backends.len();
        let mut request = lb
            .client
            .post(format!("http://{}/hook", lb.backends[index]))
            .header("content-type", "application/json")
            .body(body.clone());
        if let Some(secret) = headers.get("x-telegram-bot-api-secret-token") {
            request = request.header("x-telegram-bot-api-secret-token", secret.as_bytes());
        }
        match request.send().await {
            Ok(response) => {
                lb.served[index].fetch_add(1, Ordering::Relaxed);
                return StatusCode::from_u16(response.status().as_u16())
                    .unwrap_or(StatusCode::BAD_GATEWAY);
            }
            Err(_) => continue, // that replica is down: the next one
        }
    }
    StatusCode::BAD_GATEWAY
}

fn free_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

struct Replica {
    child: Option<Child>,
}

impl Replica {
    fn start(emulator: &Emulator, db_url: &str, hook_url: &str, listen: SocketAddr) -> Replica {
        let child = common::bot::navigator_command(emulator, db_url, GROUP)
            .env("WEBHOOK_URL", hook_url)
            .env("WEBHOOK_LISTEN", listen.to_string())
            .env("WEBHOOK_SECRET", SECRET)
            .spawn()
            .expect("a replica starts");
        Replica { child: Some(child) }
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill(); // SIGKILL
            let _ = child.wait();
        }
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn wait_ready(addr: SocketAddr) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(response) = reqwest::get(format!("http://{addr}/readyz")).await
            && response.status().is_success()
        {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "replica {addr} never became ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The patients' relayed messages in the group, in the order they arrived.
/// The patients' texts in the group, merged messages counted by part.
fn relayed(emulator: &Emulator) -> Vec<String> {
    common::texts_of(emulator.chat_transcript(GROUP))
        .into_iter()
        .filter(|text| text.starts_with("patient "))
        .collect()
}

/// Group messages that carry a text already shown (sent twice).
fn resent_messages(emulator: &Emulator) -> usize {
    let mut seen = std::collections::HashSet::new();
    let mut resent = 0;
    for message in emulator.chat_transcript(GROUP) {
        let parts = common::texts_of(vec![message]);
        if parts.iter().any(|text| seen.contains(text)) {
            resent += 1;
        }
        seen.extend(parts);
    }
    resent
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_one_killed_lose_nothing_and_keep_each_chats_order() {
    let Some(db) = TestDb::postgres().await else {
        return;
    };
    let emulator = Emulator::start_with(EmulatorOptions {
        local_webhooks: true,
        reaction_timeout: Duration::from_secs(30),
        ..EmulatorOptions::default()
    })
    .await
    .unwrap();
    emulator.add_forum(GROUP, "Coordinators");
    let backends = vec![free_port(), free_port()];
    let balancer = Arc::new(Balancer {
        backends: backends.clone(),
        next: AtomicUsize::new(0),
        client: reqwest::Client::new(),
        served: vec![AtomicUsize::new(0), AtomicUsize::new(0)],
    });
    let front = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_url = format!("http://{}/hook", front.local_addr().unwrap());
    let app = Router::new()
        .route("/hook", post(forward))
        .with_state(balancer.clone());
    tokio::spawn(async move { axum::serve(front, app).await });

    // Both start on the same database at once (migrations race, too).
    let mut first = Replica::start(&emulator, &db.url, &hook_url, backends[0]);
    let _second = Replica::start(&emulator, &db.url, &hook_url, backends[1]);
    wait_ready(backends[0]).await;
    wait_ready(backends[1]).await;

    let patients: Vec<_> = (0..PATIENTS)
        .map(|i| {
            emulator.private_user(UserSpec {
                id: 30_000 + i,
                first_name: format!("P{i}"),
                language_code: Some("en".into()),
                ..Default::default()
            })
        })
        .collect();
    for patient in &patients {
        common::ask_for_a_person(patient).await;
    }

    // Kill the first replica once it has taken a fair share of the
    // messages, while the rest are still coming.
    let before_messages = balancer.served[0].load(Ordering::Relaxed);
    let mut killed = false;
    for round in 0..MESSAGES {
        for (i, patient) in patients.iter().enumerate() {
            patient
                .send_text(&format!("patient {i} message {round}"))
                .await;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
        if !killed && balancer.served[0].load(Ordering::Relaxed) >= before_messages + 10 {
            first.kill();
            killed = true;
        }
    }
    assert!(
        killed,
        "the first replica took too few messages: {:?}",
        balancer.served
    );

    // The survivor takes over what the dead one stored or claimed: orphaned
    // updates after a few seconds, claimed messages when their lease ends.
    let expected = PATIENTS as usize * MESSAGES;
    common::wait_for_texts(
        &emulator,
        GROUP,
        "patient ",
        expected,
        Duration::from_secs(75),
    )
    .await;
    emulator.wait_idle().await;
    let relayed = relayed(&emulator);

    let served: Vec<usize> = balancer
        .served
        .iter()
        .map(|n| n.load(Ordering::Relaxed))
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for text in &relayed {
        *counts.entry(text.as_str()).or_default() += 1;
    }
    let lost: Vec<String> = (0..PATIENTS)
        .flat_map(|i| (0..MESSAGES).map(move |round| format!("patient {i} message {round}")))
        .filter(|text| !counts.contains_key(text.as_str()))
        .collect();
    let extra = resent_messages(&emulator);
    eprintln!(
        "replicas: served {served:?}, {expected} messages, {} relayed, {} lost, {extra} duplicated",
        relayed.len(),
        lost.len()
    );
    assert!(lost.is_empty(), "lost: {lost:?}");
    assert!(
        extra <= 1,
        "{extra} messages sent twice for one kill: {counts:?}"
    );
    for i in 0..PATIENTS {
        let prefix = format!("patient {i} message ");
        let mut rounds: Vec<usize> = relayed
            .iter()
            .filter_map(|t| t.strip_prefix(&prefix)?.parse().ok())
            .collect();
        rounds.dedup();
        let mut sorted = rounds.clone();
        sorted.sort();
        assert_eq!(rounds, sorted, "patient {i}'s messages out of order");
    }
    assert_eq!(emulator.forum_topics(GROUP).len(), PATIENTS as usize);
    for patient in &patients {
        let welcomes = patient
            .transcript()
            .iter()
            .filter(|m| m.from_bot && m.text.starts_with("Hello, P"))
            .count();
        assert_eq!(welcomes, 1, "one answer to /start");
    }
    assert!(
        emulator.spec_violations().is_empty(),
        "{:?}",
        emulator.spec_violations()
    );
}
