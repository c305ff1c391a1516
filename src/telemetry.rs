//! Telemetry: the Prometheus metrics the bot keeps and the `/metrics`
//! endpoint that serves them on its own address (`METRICS_LISTEN`, apart
//! from the public webhook port).
//!
//! Owns metric names and labels. Labels are update kinds, error codes,
//! case statuses and what a group commit held only: never a chat id, a
//! name or anything a patient wrote.

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use teloxide::RequestError;
use teloxide::types::{Update, UpdateKind};
use tokio::task::JoinHandle;

use crate::storage::Storage;

pub const UPDATES: &str = "navigator_updates_total";
pub const HANDLER_SECONDS: &str = "navigator_handler_seconds";
pub const TELEGRAM_ERRORS: &str = "navigator_telegram_errors_total";
pub const OUTBOX_DEPTH: &str = "navigator_outbox_depth";
pub const OUTBOX_OLDEST: &str = "navigator_outbox_oldest_seconds";
pub const QUEUE_WAITING: &str = "navigator_queue_waiting";
pub const QUEUE_LONGEST_WAIT: &str = "navigator_queue_longest_wait_seconds";
pub const CASES: &str = "navigator_cases";
pub const OUTBOX_FAILING: &str = "navigator_outbox_failing";
pub const OUTBOX_HELD: &str = "navigator_outbox_held";
pub const JOB_FAILURES: &str = "navigator_outbox_failures_total";
pub const UNDELIVERED: &str = "navigator_undelivered_total";
pub const HANDLER_PANICS: &str = "navigator_handler_panics_total";
pub const QUARANTINED: &str = "navigator_updates_set_aside";
pub const REMINDERS: &str = "navigator_reminders_total";
pub const GROUP_COMMITS: &str = "navigator_group_commits_total";
pub const GROUP_TURNS: &str = "navigator_group_commit_turns_total";

/// Handler latency buckets, seconds: most updates take a few milliseconds.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The process-wide recorder (installed once; bots started again in the
/// same process, as in tests, share it).
pub fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(HANDLER_SECONDS.into()), LATENCY_BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        let recorder = builder.build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed; /metrics stays empty");
        }
        handle
    })
}

/// The kind of an update, as a label.
pub fn update_kind(update: &Update) -> &'static str {
    match &update.kind {
        UpdateKind::Message(_) => "message",
        UpdateKind::EditedMessage(_) => "edited_message",
        UpdateKind::CallbackQuery(_) => "callback_query",
        UpdateKind::MyChatMember(_) => "my_chat_member",
        UpdateKind::ChatMember(_) => "chat_member",
        _ => "other",
    }
}

/// One update went through the handlers.
pub fn update_handled(kind: &'static str, took: Duration) {
    metrics::counter!(UPDATES, "kind" => kind).increment(1);
    metrics::histogram!(HANDLER_SECONDS, "kind" => kind).record(took.as_secs_f64());
}

/// A Bot API call failed (each attempt counts).
pub fn telegram_error(err: &RequestError) {
    metrics::counter!(TELEGRAM_ERRORS, "code" => error_code(err)).increment(1);
}

/// A handler panicked (caught; the update is retried, then set aside).
pub fn handler_panicked(kind: &'static str) {
    metrics::counter!(HANDLER_PANICS, "kind" => kind).increment(1);
}

/// A reminder about a forgotten case was queued (`level` 1 or 2).
pub fn reminder_queued(level: u8) {
    let level = if level >= 2 { "second" } else { "first" };
    metrics::counter!(REMINDERS, "level" => level).increment(1);
}

/// An outbox job failed a try (it is tried again).
pub fn job_failed() {
    metrics::counter!(JOB_FAILURES).increment(1);
}

/// Telegram refused a job for good (recorded in `undelivered`).
pub fn job_undelivered(kind: &'static str) {
    metrics::counter!(UNDELIVERED, "kind" => kind).increment(1);
}

/// Telegram's answer as a code: the HTTP status where the error implies
/// one, else what went wrong on the way.
pub fn error_code(err: &RequestError) -> &'static str {
    use crate::telegram::delivery::{is_permanent_refusal, is_transient};
    match err {
        RequestError::RetryAfter(_) => "429",
        RequestError::Network(_) | RequestError::Io(_) => "network",
        RequestError::InvalidJson { .. } => "invalid_json",
        err if is_permanent_refusal(err) => "403",
        RequestError::Api(_) if is_transient(err) => "5xx",
        RequestError::Api(_) | RequestError::MigrateToChatId(_) => "400",
    }
}

/// Sets the gauges read from the database (at each scrape: always fresh,
/// no work between scrapes), and the group commit's counts.
async fn refresh_gauges(storage: &Storage) -> anyhow::Result<()> {
    let groups = storage.group_counts();
    for (held, count) in [
        ("updates", groups.working),
        ("stores", groups.storing),
        ("deliveries", groups.clearing),
    ] {
        metrics::counter!(GROUP_COMMITS, "held" => held).absolute(count);
    }
    metrics::counter!(GROUP_TURNS).absolute(groups.turns);
    let now = crate::storage::unix_now();
    let gauges = storage.gauges().await?;
    metrics::gauge!(OUTBOX_DEPTH).set(gauges.outbox_depth as f64);
    metrics::gauge!(OUTBOX_OLDEST)
        .set(gauges.outbox_oldest.map_or(0, |at| (now - at).max(0)) as f64);
    metrics::gauge!(OUTBOX_FAILING).set(gauges.outbox_failing as f64);
    metrics::gauge!(OUTBOX_HELD).set(gauges.outbox_held as f64);
    metrics::gauge!(QUARANTINED).set(gauges.updates_set_aside as f64);
    metrics::gauge!(QUEUE_WAITING).set(gauges.waiting as f64);
    metrics::gauge!(QUEUE_LONGEST_WAIT)
        .set(gauges.waiting_since.map_or(0, |at| (now - at).max(0)) as f64);
    for status in crate::storage::CASE_STATUSES {
        let count = gauges
            .cases_by_status
            .iter()
            .find(|(s, _)| s == status)
            .map_or(0, |(_, n)| *n);
        metrics::gauge!(CASES, "status" => *status).set(count as f64);
    }
    Ok(())
}

/// `GET /metrics` in Prometheus' text format.
async fn metrics_page(State(storage): State<Storage>) -> axum::response::Response {
    if let Err(err) = refresh_gauges(&storage).await {
        tracing::warn!(
            error = format!("{err:#}"),
            "metrics: cannot read the database"
        );
    }
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        recorder().render(),
    )
        .into_response()
}

/// Serves `/metrics` on `listen` until aborted.
pub async fn serve(
    listen: SocketAddr,
    storage: Storage,
) -> anyhow::Result<(SocketAddr, JoinHandle<()>)> {
    recorder();
    let socket = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen} for /metrics"))?;
    let local = socket.local_addr()?;
    let app = Router::new()
        .route("/metrics", get(metrics_page))
        .with_state(storage);
    let server = tokio::spawn(async move {
        if let Err(err) = axum::serve(socket, app).await {
            tracing::error!(error = %err, "the metrics server stopped");
        }
    });
    tracing::info!(%local, "serving /metrics");
    Ok((local, server))
}
