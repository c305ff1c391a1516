//! Webhook mode end to end: the emulator POSTs updates to the bot's own
//! HTTP server (as Telegram does), the real dispatcher answers; raw HTTP
//! requests check what the server refuses.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use common::db::TestDb;
use patient_navigator::emulator::{Emulator, EmulatorOptions, UserHandle, UserSpec};
use patient_navigator::startup::{self, RunningBot};
use patient_navigator::storage::Storage;
use patient_navigator::telegram::webhook::{SECRET_HEADER, WebhookOptions, WebhookServer};
use reqwest::StatusCode;
use serde_json::{Value, json};
use teloxide::prelude::*;

const SECRET: &str = "webhook-test_Secret-0123456789";

/// The bot as production starts it (`startup::start`), fed by its webhook.
struct WebhookBot {
    running: RunningBot,
}

impl WebhookBot {
    fn storage(&self) -> &Storage {
        &self.running.storage
    }

    fn server(&self) -> &WebhookServer {
        self.running.webhook.as_ref().expect("webhook mode")
    }

    /// The URL the webhook is served at.
    fn hook_url(&self) -> String {
        format!("http://{}/telegram", self.server().local_addr())
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server().local_addr())
    }

    /// Stops gracefully: the listener (and its server) first, then the
    /// outbox.
    async fn stop(self) {
        self.running.stop().await;
    }

    /// Stops at once, as a crash would.
    fn kill(self) {
        self.running.kill();
    }
}

fn emulator_options() -> EmulatorOptions {
    EmulatorOptions {
        quiet_period: Duration::from_millis(60),
        reaction_timeout: Duration::from_secs(30),
        local_webhooks: true,
        ..EmulatorOptions::default()
    }
}

fn options(url: &str) -> WebhookOptions {
    let mut options = WebhookOptions::new(
        url.parse().expect("a URL"),
        "127.0.0.1:0".parse().expect("an address"),
    );
    options.secret_token = Some(SECRET.to_owned());
    options
}

/// Starts the bot on `database_url`, receiving from `emulator` by webhook.
async fn start_bot(
    emulator: &Emulator,
    database_url: &str,
    configure: impl FnOnce(&mut WebhookOptions),
) -> WebhookBot {
    // Port 0: bind first, so the registered URL can name the real port.
    let socket = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let addr = socket.local_addr().expect("an address");
    let mut options = options(&format!("http://{addr}/telegram"));
    options.socket = Some(Arc::new(socket));
    configure(&mut options);
    let mut settings = common::bot::settings_for(emulator, database_url);
    settings.retention_days = 30;
    settings.webhook = Some(options);
    let running = startup::start(settings).await.expect("the bot starts");
    assert_eq!(
        running.webhook.as_ref().expect("webhook mode").local_addr(),
        addr
    );
    WebhookBot { running }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}

fn patient(emulator: &Emulator, id: i64, first_name: &str) -> UserHandle {
    emulator.private_user(UserSpec {
        id,
        first_name: first_name.to_owned(),
        language_code: Some("en".to_owned()),
        ..Default::default()
    })
}

/// A `/start` message update as Telegram would post it.
fn start_update(update_id: i64, user_id: i64, first_name: &str) -> Value {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let user =
        json!({"id": user_id, "is_bot": false, "first_name": first_name, "language_code": "en"});
    json!({
        "update_id": update_id,
        "message": {
            "message_id": 900,
            "date": now,
            "chat": {"id": user_id, "type": "private", "first_name": first_name},
            "from": user,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}]
        }
    })
}

async fn post(
    bot: &WebhookBot,
    secret: Option<&str>,
    body: impl Into<reqwest::Body>,
) -> StatusCode {
    let request = http()
        .post(bot.hook_url())
        .header("content-type", "application/json")
        .body(body);
    let request = match secret {
        Some(secret) => request.header(SECRET_HEADER, secret),
        None => request,
    };
    request.send().await.expect("the server answers").status()
}

/// Calls the bot made that change something a user sees.
fn visible_calls(emulator: &Emulator) -> usize {
    emulator
        .calls()
        .iter()
        .filter(|call| !call.method.starts_with("get") && !call.method.ends_with("Webhook"))
        .count()
}

fn assert_spec_clean(emulator: &Emulator) {
    let violations = emulator.spec_violations();
    assert!(
        violations.is_empty(),
        "calls outside the Bot API spec: {violations:#?}"
    );
}

#[tokio::test]
async fn a_patient_is_welcomed_through_the_webhook() {
    let emulator = Emulator::start_with(emulator_options()).await.unwrap();
    let db = TestDb::sqlite();
    let bot = start_bot(&emulator, &db.url, |_| {}).await;

    let hook = emulator.webhook().expect("the webhook is set");
    assert_eq!(hook.url, bot.hook_url());
    assert_eq!(hook.secret_token.as_deref(), Some(SECRET));
    let set = emulator.calls_to("setWebhook");
    assert_eq!(set.len(), 1);
    assert_eq!(
        set[0].params["allowed_updates"],
        json!([
            "message",
            "edited_message",
            "callback_query",
            "my_chat_member",
            "chat_member"
        ])
    );

    let alice = patient(&emulator, 7101, "Alice");
    let sent = alice.send_text("/start").await;
    let replies = alice.reaction(&sent).await;
    assert!(
        replies.iter().any(|m| m.text.contains("Hello, Alice")),
        "{replies:#?}"
    );
    assert!(
        replies.last().unwrap().text.contains("Main menu"),
        "{replies:#?}"
    );
    let update_id = sent.update_id.unwrap();
    assert!(
        bot.storage()
            .update_payload(update_id)
            .await
            .unwrap()
            .is_some(),
        "the update was stored in the inbox"
    );
    assert!(
        bot.storage()
            .unprocessed_updates()
            .await
            .unwrap()
            .is_empty()
    );
    assert!(emulator.pending_updates().is_empty(), "delivery confirmed");
    assert!(
        emulator.calls_to("getUpdates").is_empty(),
        "no polling in webhook mode"
    );
    assert_spec_clean(&emulator);
    bot.stop().await;
}

#[tokio::test]
async fn requests_without_the_right_secret_are_refused() {
    let emulator = Emulator::start_with(emulator_options()).await.unwrap();
    let db = TestDb::sqlite();
    let bot = start_bot(&emulator, &db.url, |_| {}).await;
    let _mallory = patient(&emulator, 7201, "Mallory");
    let before = visible_calls(&emulator);
    let update = start_update(880_001, 7201, "Mallory").to_string();

    assert_eq!(
        post(&bot, Some("wrong-secret"), update.clone()).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(&bot, Some(&SECRET[..SECRET.len() - 1]), update.clone()).await,
        StatusCode::UNAUTHORIZED,
        "a prefix of the secret is not the secret"
    );
    assert_eq!(
        post(&bot, Some(""), update.clone()).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        post(&bot, None, update.clone()).await,
        StatusCode::UNAUTHORIZED
    );

    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        bot.storage().last_update_id().await.unwrap(),
        None,
        "nothing stored"
    );
    assert_eq!(
        visible_calls(&emulator),
        before,
        "nothing sent: {:#?}",
        emulator.calls()
    );
    bot.stop().await;
}

#[tokio::test]
async fn oversized_and_garbage_bodies_are_refused() {
    let emulator = Emulator::start_with(emulator_options()).await.unwrap();
    let db = TestDb::sqlite();
    let bot = start_bot(&emulator, &db.url, |_| {}).await;
    let before = visible_calls(&emulator);

    // Over the default 1 MiB cap: a valid update padded with spaces.
    let mut big = start_update(880_101, 7301, "Padded").to_string();
    big.push_str(&" ".repeat(WebhookOptions::DEFAULT_MAX_BODY_BYTES));
    assert_eq!(
        post(&bot, Some(SECRET), big).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert_eq!(
        post(&bot, Some(SECRET), "this is not JSON").await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        post(&bot, Some(SECRET), r#"{"hello": "world"}"#).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        post(&bot, Some(SECRET), r#"{"update_id": -4, "message": {}}"#).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(post(&bot, Some(SECRET), "").await, StatusCode::BAD_REQUEST);
    let get = http().get(bot.hook_url()).send().await.unwrap();
    assert_eq!(get.status(), StatusCode::METHOD_NOT_ALLOWED);

    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        bot.storage().last_update_id().await.unwrap(),
        None,
        "nothing stored"
    );
    assert_eq!(
        visible_calls(&emulator),
        before,
        "nothing sent: {:#?}",
        emulator.calls()
    );
    bot.stop().await;
}

#[tokio::test]
async fn a_smaller_body_cap_is_applied() {
    let emulator = Emulator::start_with(emulator_options()).await.unwrap();
    let db = TestDb::sqlite();
    let bot = start_bot(&emulator, &db.url, |options| options.max_body_bytes = 2048).await;
    let mut body = start_update(880_201, 7401, "Small").to_string();
    body.push_str(&" ".repeat(2048));
    assert_eq!(
        post(&bot, Some(SECRET), body).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    bot.stop().await;
}

#[tokio::test]
async fn the_same_update_posted_twice_is_processed_once() {
    let emulator = Emulator::start_with(emulator_options()).await.unwrap();
    let db = TestDb::sqlite();
    let bot = start_bot(&emulator, &db.url, |_| {}).await;
    let bob = patient(&emulator, 7501, "Bob");
    let sent = bob.send_text("/start").await;
    assert!(!bob.reaction(&sent).await.is_empty());

    // Telegram sends a delivered update again (it never saw our answer).
    let delivered = bot
        .storage()
        .update_payload(sent.update_id.unwrap())
        .await
        .unwrap()
        .expect("stored");
    let before = visible_calls(&emulator);
    for _ in 0..2 {
        assert_eq!(
            post(&bot, Some(SECRET), delivered.clone()).await,
            StatusCode::OK
        );
    }
    emulator.wait_idle().await;
    assert_eq!(
        visible_calls(&emulator),
        before,
        "a redelivery changes nothing"
    );

    // A new update posted twice, the second time while the first may still
    // be in the works: answered the first time only.
    let fresh = start_update(880_301, 7501, "Bob").to_string();
    let (first, second) = tokio::join!(
        post(&bot, Some(SECRET), fresh.clone()),
        post(&bot, Some(SECRET), fresh.clone())
    );
    assert_eq!((first, second), (StatusCode::OK, StatusCode::OK));
    emulator.wait_idle().await;
    let once = visible_calls(&emulator) - before;
    assert!(once > 0, "the new update was answered");
    assert_eq!(post(&bot, Some(SECRET), fresh).await, StatusCode::OK);
    emulator.wait_idle().await;
    assert_eq!(visible_calls(&emulator) - before, once, "and only once");
    assert!(
        bot.storage()
            .unprocessed_updates()
            .await
            .unwrap()
            .is_empty()
    );
    assert_spec_clean(&emulator);
    bot.stop().await;
}

#[tokio::test]
async fn health_and_readiness_are_served() {
    let emulator = Emulator::start_with(emulator_options()).await.unwrap();
    let db = TestDb::sqlite();
    let bot = start_bot(&emulator, &db.url, |_| {}).await;
    assert!(bot.server().is_registered());

    let healthz = http().get(bot.url("/healthz")).send().await.unwrap();
    assert_eq!(healthz.status(), StatusCode::OK);
    assert_eq!(healthz.text().await.unwrap(), "ok");
    let readyz = http().get(bot.url("/readyz")).send().await.unwrap();
    assert_eq!(readyz.status(), StatusCode::OK);
    assert_eq!(readyz.text().await.unwrap(), "ok");
    let unknown = http().get(bot.url("/nothing-here")).send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    // An update stored minutes ago and still unprocessed: the bot is stuck
    // (or far behind), not ready; once it is handled (here: set aside, it
    // is not an update), ready again.
    bot.storage()
        .store_update(880_499, Some(7699), "{}")
        .await
        .unwrap();
    sqlx::query("UPDATE inbox SET received_at = received_at - 600 WHERE update_id = 880499")
        .execute(bot.storage().pool())
        .await
        .unwrap();
    let readyz = http().get(bot.url("/readyz")).send().await.unwrap();
    assert_eq!(readyz.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        readyz.text().await.unwrap(),
        "updates are not being processed"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let readyz = http().get(bot.url("/readyz")).send().await.unwrap();
        if readyz.status() == StatusCode::OK {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "never ready again");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // The database goes away: not ready, and updates are refused with 500
    // so that Telegram sends them again.
    bot.storage().close().await;
    let readyz = http().get(bot.url("/readyz")).send().await.unwrap();
    assert_eq!(readyz.status(), StatusCode::SERVICE_UNAVAILABLE);
    let healthz = http().get(bot.url("/healthz")).send().await.unwrap();
    assert_eq!(healthz.status(), StatusCode::OK, "still alive");
    assert_eq!(
        post(
            &bot,
            Some(SECRET),
            start_update(880_401, 7601, "Cy").to_string()
        )
        .await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    bot.stop().await;
}

#[tokio::test]
async fn get_updates_is_refused_while_the_webhook_is_set() {
    let emulator = Emulator::start_with(emulator_options()).await.unwrap();
    let db = TestDb::sqlite();
    let bot = start_bot(&emulator, &db.url, |_| {}).await;

    let raw = http()
        .post(format!(
            "{}bot{}/getUpdates",
            emulator.api_url(),
            emulator.token()
        ))
        .json(&json!({"timeout": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::CONFLICT);
    let answer: Value = raw.json().await.unwrap();
    assert!(
        answer["description"]
            .as_str()
            .unwrap_or_default()
            .contains("webhook is active"),
        "{answer}"
    );
    let polling = Bot::new(emulator.token())
        .set_api_url(emulator.api_url())
        .get_updates()
        .await;
    assert!(polling.is_err(), "{polling:?}");
    bot.stop().await;
}

#[tokio::test]
async fn a_generated_secret_is_registered_and_required() {
    let emulator = Emulator::start_with(emulator_options()).await.unwrap();
    let db = TestDb::sqlite();
    let bot = start_bot(&emulator, &db.url, |options| options.secret_token = None).await;
    let secret = bot.server().secret_token().to_owned();
    assert!(secret.len() >= 16, "{secret}");
    assert_ne!(secret, SECRET);
    assert_eq!(
        emulator.webhook().unwrap().secret_token.as_deref(),
        Some(secret.as_str())
    );
    let update = start_update(880_501, 7701, "Dee").to_string();
    assert_eq!(
        post(&bot, Some(SECRET), update).await,
        StatusCode::UNAUTHORIZED
    );

    let dee = patient(&emulator, 7702, "Dee");
    assert!(
        dee.say("/start")
            .await
            .iter()
            .any(|m| m.text.contains("Dee"))
    );
    bot.stop().await;
}

#[tokio::test]
async fn stored_updates_are_handed_out_after_a_crash_and_the_server_stops_gracefully() {
    let emulator = Emulator::start_with(emulator_options()).await.unwrap();
    let db = TestDb::sqlite();
    let first = start_bot(&emulator, &db.url, |_| {}).await;
    let eve = patient(&emulator, 7801, "Eve");
    assert!(!eve.say("/start").await.is_empty());
    first.kill();

    // A crash came between storing an update and processing it.
    let storage = Storage::connect(&db.url).await.unwrap();
    let update = start_update(880_601, 7801, "Eve");
    assert!(
        storage
            .store_update(880_601, Some(7801), &update.to_string())
            .await
            .unwrap()
    );
    storage.close().await;

    let before = visible_calls(&emulator);
    let second = start_bot(&emulator, &db.url, |_| {}).await;
    assert_eq!(
        emulator.webhook().unwrap().url,
        second.hook_url(),
        "the new instance registered itself"
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !second
        .storage()
        .unprocessed_updates()
        .await
        .unwrap()
        .is_empty()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the stored update was replayed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    emulator.wait_idle().await;
    assert!(
        visible_calls(&emulator) > before,
        "the replayed update was answered"
    );

    // Still answering after the replay.
    assert!(!eve.say("/start").await.is_empty());

    let addr = second.server().local_addr();
    // Well within the server's 10 s grace: nothing is left hanging.
    tokio::time::timeout(Duration::from_secs(5), second.stop())
        .await
        .expect("a graceful stop finishes");
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "the server no longer listens"
    );
    assert_spec_clean(&emulator);
}
