//! Webhook mode: Telegram POSTs each update to our HTTPS URL (usually behind
//! a TLS-terminating proxy) instead of the bot long-polling for it.
//!
//! Durable like [`super::polling::DurablePolling`]: an update is answered
//! 200 only once it is stored in the inbox, so a crash before that makes
//! Telegram send it again; updates stored but not processed before a crash
//! are handed out again at start, before any new one. The same update
//! posted twice is stored once and handed out once.
//!
//! The server answers:
//! * `POST <path of the webhook URL>`: 401 without the right
//!   `X-Telegram-Bot-Api-Secret-Token`, 413 over the body cap, 400 when the
//!   body is not an update, 500 when it cannot be stored (Telegram retries),
//!   503 while stopping, 200 once stored;
//! * `GET /healthz`: 200 while the process runs;
//! * `GET /readyz`: 200 when the database answers, the webhook is
//!   registered and no stored update has waited unprocessed for over two
//!   minutes (a stuck dispatcher), 503 otherwise (and while stopping).

use std::convert::Infallible;
use std::future::IntoFuture;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{get, post};
use bytes::Bytes;
use subtle::ConstantTimeEq;
use teloxide::payloads::SetWebhookSetters;
use teloxide::prelude::*;
use teloxide::stop::{StopFlag, StopToken, mk_stop_token};
use teloxide::types::{AllowedUpdate, UpdateKind};
use teloxide::update_listeners::{AsUpdateStream, UpdateListener};
use tokio::sync::{Mutex, OwnedMutexGuard, mpsc, watch};
use tokio_util::sync::CancellationToken;

use super::polling::ChannelListener;
use crate::storage::Storage;

/// The header Telegram sends the secret token in.
pub const SECRET_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";

/// The update types the bot handles (see `telegram::schema`), asked for in
/// both modes. `chat_member` (changes of the coordinators' membership) is
/// only sent when asked for.
pub const ALLOWED_UPDATES: [AllowedUpdate; 5] = [
    AllowedUpdate::Message,
    AllowedUpdate::EditedMessage,
    AllowedUpdate::CallbackQuery,
    AllowedUpdate::MyChatMember,
    AllowedUpdate::ChatMember,
];

/// How long a stopping server waits for requests in flight.
const GRACE: Duration = Duration::from_secs(10);

/// An update stored this long ago and still unprocessed means the bot is
/// stuck (or far behind): not ready. (Updates deferred behind an earlier one
/// of their chat go within 30 s; the sweep hands out the rest every 2 s.)
const STUCK_AFTER_SECONDS: i64 = 120;

/// How long `/readyz` waits for the database.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

/// Characters Telegram allows in a secret token.
const SECRET_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/// Where and how Telegram reaches the bot.
#[derive(Clone)]
pub struct WebhookOptions {
    /// The public HTTPS URL Telegram posts to; its path is the path served.
    pub url: url::Url,
    /// The address the HTTP server listens on (behind the TLS proxy).
    pub listen: SocketAddr,
    /// `None`: a random one is generated at each start. Telegram allows
    /// 1-256 characters of `A-Z a-z 0-9 _ -`.
    pub secret_token: Option<String>,
    /// Larger bodies are refused with 413.
    pub max_body_bytes: usize,
    /// A socket bound beforehand, served instead of binding `listen`:
    /// tests bind port 0 first, so that the URL they register names the
    /// port, and start the bot the way production does.
    pub socket: Option<Arc<std::net::TcpListener>>,
}

impl WebhookOptions {
    pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

    /// Options with a generated secret and the default body cap.
    pub fn new(url: url::Url, listen: SocketAddr) -> WebhookOptions {
        WebhookOptions {
            url,
            listen,
            secret_token: None,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
            socket: None,
        }
    }
}

impl std::fmt::Debug for WebhookOptions {
    /// The secret stays out of logs (the URL's path is shown: it is no secret).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookOptions")
            .field("url", &self.url.as_str())
            .field("listen", &self.listen)
            .field(
                "secret_token",
                &self.secret_token.as_ref().map(|_| "<redacted>"),
            )
            .field("max_body_bytes", &self.max_body_bytes)
            .field(
                "socket",
                &self.socket.as_ref().map(|socket| socket.local_addr().ok()),
            )
            .finish()
    }
}

/// Feeds the dispatcher from the webhook server. Stopping it (the
/// dispatcher does on shutdown) shuts the server down gracefully; the
/// stream ends once the requests in flight have been handed out.
pub struct WebhookListener {
    /// Dropping it stops the server and the replay: requests still arriving
    /// on open connections get 503, so Telegram sends them again.
    channel: ChannelListener,
    local_addr: SocketAddr,
}

impl WebhookListener {
    /// The address the server is bound to (the real port when `listen`
    /// asked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }
}

impl<'a> AsUpdateStream<'a> for WebhookListener {
    type StreamErr = Infallible;
    type Stream = <ChannelListener as AsUpdateStream<'a>>::Stream;

    fn as_stream(&'a mut self) -> Self::Stream {
        self.channel.as_stream()
    }
}

impl UpdateListener for WebhookListener {
    type Err = Infallible;

    fn stop_token(&mut self) -> StopToken {
        self.channel.stop_token()
    }
}

/// A handle on the running webhook server, kept by whoever started it.
pub struct WebhookServer {
    local_addr: SocketAddr,
    url: url::Url,
    secret_token: String,
    done: watch::Receiver<bool>,
    hook: Arc<Hook>,
}

impl WebhookServer {
    /// The address the server is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The URL registered with Telegram.
    pub fn url(&self) -> &url::Url {
        &self.url
    }

    /// The secret Telegram sends with every update (the generated one when
    /// none was given).
    pub fn secret_token(&self) -> &str {
        &self.secret_token
    }

    /// Whether the webhook is registered and the listener not stopped (the
    /// database is not asked; `/readyz` does).
    pub fn is_registered(&self) -> bool {
        self.hook.registered.load(Ordering::Acquire) && !self.hook.stopping.is_stopped()
    }

    /// Resolves once the server has shut down (after the listener was
    /// stopped and the requests in flight were answered, or it was dropped).
    pub async fn stopped(&self) {
        let mut done = self.done.clone();
        let _ = done.wait_for(|done| *done).await;
    }
}

impl std::fmt::Debug for WebhookServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookServer")
            .field("local_addr", &self.local_addr)
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

/// Binds `options.listen` (or takes `options.socket`, bound beforehand),
/// then starts as [`start_on`] does.
pub async fn start(
    bot: Bot,
    storage: Storage,
    options: WebhookOptions,
) -> anyhow::Result<(WebhookListener, WebhookServer)> {
    let socket = match &options.socket {
        Some(bound) => {
            let socket = bound
                .try_clone()
                .context("cannot use the webhook's bound socket")?;
            socket.set_nonblocking(true)?;
            tokio::net::TcpListener::from_std(socket)
                .context("cannot use the webhook's bound socket")?
        }
        None => tokio::net::TcpListener::bind(options.listen)
            .await
            .with_context(|| format!("cannot listen on {} for the webhook", options.listen))?,
    };
    start_on(socket, bot, storage, options).await
}

/// Serves the webhook on an already bound socket (`options.listen` is not
/// used): tests bind port 0 first, so the URL they register can name the
/// port. Hands out the updates left unprocessed in the inbox first, then
/// serves, then registers the webhook (`setWebhook` with the secret and
/// [`ALLOWED_UPDATES`]); fails if Telegram refuses it.
pub async fn start_on(
    socket: tokio::net::TcpListener,
    bot: Bot,
    storage: Storage,
    options: WebhookOptions,
) -> anyhow::Result<(WebhookListener, WebhookServer)> {
    let WebhookOptions {
        url,
        listen: _,
        secret_token,
        max_body_bytes,
        socket: _,
    } = options;
    let secret = match secret_token {
        Some(secret) => {
            check_secret(&secret)?;
            secret
        }
        None => generate_secret()?,
    };
    let path = match url.path() {
        "" => "/",
        path => path,
    }
    .to_owned();
    anyhow::ensure!(
        !matches!(path.as_str(), "/healthz" | "/readyz"),
        "the webhook URL's path {path} is taken by the health checks"
    );
    // The router would read these as parameters (or panic on them).
    anyhow::ensure!(
        path.split('/')
            .all(|segment| !segment.starts_with([':', '*']))
            && !path.contains(['{', '}']),
        "the webhook URL's path {path} cannot be served"
    );
    let local_addr = socket
        .local_addr()
        .context("cannot read the webhook server's address")?;
    let inbox = storage.unprocessed_updates().await?;

    let (stop, stopping) = mk_stop_token();
    let (sender, updates) = mpsc::channel(256);
    let sender = Arc::new(Mutex::new(Some(sender)));
    // Taken before the server runs: new updates wait for the replay.
    let replaying = sender.clone().lock_owned().await;
    let hook = Arc::new(Hook {
        storage: storage.clone(),
        secret: secret.clone(),
        sender,
        registered: AtomicBool::new(false),
        stopping: stopping.clone(),
    });
    let replay = tokio::spawn(replay_inbox(storage.clone(), inbox, replaying));
    let sweeping = hook.clone();
    let sweep = tokio::spawn(super::polling::sweep_orphans(
        hook.storage.clone(),
        move |update| {
            let hook = sweeping.clone();
            async move {
                match hook.sender.lock().await.as_ref() {
                    Some(sender) => sender.send(update).await.is_ok(),
                    None => false,
                }
            }
        },
    ));
    let app = router(hook.clone(), &path, max_body_bytes);
    let (done_tx, done) = watch::channel(false);
    let server = tokio::spawn(serve(socket, app, hook.clone(), stopping, done_tx));
    // Dropped on an error below: stops the server and the replay.
    let listener = WebhookListener {
        channel: ChannelListener::new(updates, stop, vec![server, replay, sweep]),
        local_addr,
    };

    bot.set_webhook(url.clone())
        .secret_token(secret.clone())
        .allowed_updates(ALLOWED_UPDATES.to_vec())
        .await
        .context("the Bot API refused the webhook (setWebhook failed)")?;
    hook.registered.store(true, Ordering::Release);
    tracing::info!(%local_addr, path = %path, "webhook registered; receiving updates");
    Ok((
        listener,
        WebhookServer {
            local_addr,
            url,
            secret_token: secret,
            done,
            hook,
        },
    ))
}

/// What the request handlers share.
struct Hook {
    storage: Storage,
    secret: String,
    /// Taken (`None`) when the server has stopped: the listener's stream ends.
    sender: Arc<Mutex<Option<mpsc::Sender<Update>>>>,
    registered: AtomicBool,
    /// Only asked `is_stopped`: `serve` is the one task awaiting it.
    stopping: StopFlag,
}

fn router(hook: Arc<Hook>, path: &str, max_body_bytes: usize) -> Router {
    Router::new()
        .route(
            path,
            post(receive).layer(DefaultBodyLimit::max(max_body_bytes)),
        )
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(hook)
}

/// Runs the server until the listener is stopped, then lets the requests in
/// flight finish (for at most `GRACE`) and ends the listener's stream.
async fn serve(
    socket: tokio::net::TcpListener,
    app: Router,
    hook: Arc<Hook>,
    stopping: StopFlag,
    done: watch::Sender<bool>,
) {
    // A `StopFlag` wakes only the last task that polled it (its clones share
    // one waker), so it is awaited here alone and relayed to the server.
    let shutdown = CancellationToken::new();
    let server = axum::serve(socket, app)
        .with_graceful_shutdown(shutdown.clone().cancelled_owned())
        .into_future();
    let deadline = async move {
        stopping.await;
        shutdown.cancel();
        tokio::time::sleep(GRACE).await;
    };
    tokio::select! {
        served = server => match served {
            Ok(()) => tracing::info!("webhook server stopped"),
            Err(err) => tracing::error!(error = %err, "webhook server failed"),
        },
        () = deadline => tracing::warn!("webhook requests still running after the grace period; closing"),
    }
    hook.sender.lock().await.take();
    let _ = done.send(true);
}

/// Hands out what was stored but not processed before the last stop.
async fn replay_inbox(
    storage: Storage,
    inbox: Vec<(i64, String)>,
    sender: OwnedMutexGuard<Option<mpsc::Sender<Update>>>,
) {
    let Some(sender) = sender.as_ref() else {
        return;
    };
    for (update_id, payload) in &inbox {
        let Some(update) = super::polling::stored_update(&storage, *update_id, payload).await
        else {
            continue;
        };
        if sender.send(update).await.is_err() {
            return;
        }
    }
}

/// Admits a request that carries the right secret (compared in constant
/// time) while the listener runs.
struct Authorized;

impl FromRequestParts<Arc<Hook>> for Authorized {
    type Rejection = StatusCode;

    async fn from_request_parts(
        parts: &mut Parts,
        hook: &Arc<Hook>,
    ) -> Result<Self, Self::Rejection> {
        let given = parts
            .headers
            .get(SECRET_HEADER)
            .map(|value| value.as_bytes())
            .unwrap_or_default();
        if !bool::from(given.ct_eq(hook.secret.as_bytes())) {
            return Err(StatusCode::UNAUTHORIZED);
        }
        if hook.stopping.is_stopped() {
            // Telegram sends it again, to the next instance.
            return Err(StatusCode::SERVICE_UNAVAILABLE);
        }
        Ok(Authorized)
    }
}

/// `POST <path>`: one update from Telegram.
async fn receive(State(hook): State<Arc<Hook>>, _: Authorized, body: Bytes) -> StatusCode {
    let update = match serde_json::from_slice::<Update>(&body) {
        Ok(update) => update,
        Err(err) => {
            tracing::warn!(error = %err, "webhook request is not an update; refused");
            return StatusCode::BAD_REQUEST;
        }
    };
    if matches!(update.kind, UpdateKind::Error(_)) {
        // Well formed but unreadable (a kind or a field teloxide does not
        // know): the dispatcher would drop it anyway, and refusing it would
        // only make Telegram send it again and again.
        tracing::warn!(update_id = update.id.0, "unreadable update dropped");
        return StatusCode::OK;
    }
    // Storing and handing out run to the end even if Telegram hangs up
    // meanwhile: a stored update must not stay behind unhandled.
    tokio::spawn(accept(hook, update))
        .await
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// Stores an update, then hands it to the dispatcher; the answer Telegram
/// gets (200 only once stored).
async fn accept(hook: Arc<Hook>, update: Update) -> StatusCode {
    let update_id = i64::from(update.id.0);
    let chat_id = update.chat().map(|chat| chat.id.0);
    let stored = match serde_json::to_string(&update) {
        Ok(payload) => {
            hook.storage
                .store_update(update_id, chat_id, &payload)
                .await
        }
        Err(err) => Err(err.into()),
    };
    match stored {
        Ok(true) => {}
        Ok(false) => {
            tracing::debug!(update_id, "duplicate update dropped");
            return StatusCode::OK;
        }
        Err(err) => {
            tracing::error!(
                update_id,
                error = format!("{err:#}"),
                "cannot store an update; Telegram will send it again"
            );
            return StatusCode::INTERNAL_SERVER_ERROR;
        }
    }
    let sender = hook.sender.lock().await;
    let handed = match sender.as_ref() {
        Some(sender) => sender.send(update).await.is_ok(),
        None => false,
    };
    if !handed {
        tracing::info!(
            update_id,
            "update stored while stopping; it is handed out at the next start"
        );
    }
    StatusCode::OK
}

/// `GET /readyz`.
async fn readyz(State(hook): State<Arc<Hook>>) -> (StatusCode, &'static str) {
    if hook.stopping.is_stopped() {
        return (StatusCode::SERVICE_UNAVAILABLE, "stopping");
    }
    if !hook.registered.load(Ordering::Acquire) {
        return (StatusCode::SERVICE_UNAVAILABLE, "webhook not registered");
    }
    // On a reading connection: a flood of probes never waits for (or
    // holds up) the writer.
    let probe = hook.storage.oldest_unprocessed_update();
    match tokio::time::timeout(READY_TIMEOUT, probe).await {
        Ok(Ok(Some(received_at)))
            if crate::storage::unix_now() - received_at > STUCK_AFTER_SECONDS =>
        {
            tracing::warn!(
                waiting_seconds = crate::storage::unix_now() - received_at,
                "readiness: stored updates are not being processed"
            );
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "updates are not being processed",
            )
        }
        Ok(Ok(_)) => (StatusCode::OK, "ok"),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable"),
    }
}

/// Telegram's rules for a secret token.
fn check_secret(secret: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        (1..=256).contains(&secret.len()),
        "the webhook secret must be 1 to 256 characters long"
    );
    anyhow::ensure!(
        secret.bytes().all(|b| SECRET_ALPHABET.contains(&b)),
        "the webhook secret may only contain A-Z, a-z, 0-9, _ and -"
    );
    Ok(())
}

/// 32 characters (192 bits) from the operating system's random source.
fn generate_secret() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)
        .map_err(|err| anyhow::anyhow!("cannot generate a webhook secret: {err}"))?;
    // 64 symbols: each byte's low six bits pick one without bias.
    Ok(bytes
        .iter()
        .map(|b| char::from(SECRET_ALPHABET[usize::from(b & 63)]))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secrets_follow_telegrams_rules_and_differ() {
        let a = generate_secret().unwrap();
        let b = generate_secret().unwrap();
        check_secret(&a).unwrap();
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }

    #[test]
    fn secrets_are_checked() {
        check_secret("abc_DEF-123").unwrap();
        check_secret(&"x".repeat(256)).unwrap();
        assert!(check_secret("").is_err());
        assert!(check_secret(&"x".repeat(257)).is_err());
        assert!(check_secret("has space").is_err());
        assert!(check_secret("ünïcode").is_err());
    }

    #[test]
    fn the_secret_stays_out_of_debug_output() {
        let mut options = WebhookOptions::new(
            "https://bot.example.org/telegram".parse().unwrap(),
            SocketAddr::from(([127, 0, 0, 1], 8080)),
        );
        options.secret_token = Some("s3cr3t-value".into());
        let shown = format!("{options:?}");
        assert!(!shown.contains("s3cr3t-value"), "{shown}");
        assert!(shown.contains("redacted"));
    }

    #[tokio::test]
    async fn paths_the_router_cannot_serve_are_refused_up_front() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("hook.db").display());
        let storage = Storage::connect(&url).await.unwrap();
        let bot = Bot::new("1:x").set_api_url("http://127.0.0.1:9/".parse().unwrap());
        for url in [
            "https://a.example/healthz",
            "https://a.example/:hook",
            "https://a.example/x/*rest",
        ] {
            let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let options = WebhookOptions::new(url.parse().unwrap(), socket.local_addr().unwrap());
            let refused = start_on(socket, bot.clone(), storage.clone(), options).await;
            assert!(refused.is_err(), "{url}");
        }
    }

    #[test]
    fn unknown_kinds_parse_as_errors_and_garbage_does_not_parse() {
        let odd: Update = serde_json::from_str(r#"{"update_id": 5, "poll": 3}"#).unwrap();
        assert!(matches!(odd.kind, UpdateKind::Error(_)));
        assert!(serde_json::from_slice::<Update>(b"not json").is_err());
        assert!(serde_json::from_slice::<Update>(br#"{"hello": 1}"#).is_err());
    }
}
