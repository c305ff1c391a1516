//! Webhook delivery: while a webhook is set, queued updates are POSTed to
//! it one at a time, in order, as Telegram does (JSON body, the
//! `X-Telegram-Bot-Api-Secret-Token` header when a secret was set). A 2xx
//! answer confirms the update; anything else is recorded as the webhook's
//! last error and retried with a growing delay. A JSON answer naming a
//! `method` is executed, like Telegram's "reply to the webhook" feature.
//!
//! Telegram only accepts HTTPS URLs on ports 443, 80, 88 and 8443; a bot
//! under test listens on plain HTTP on a random loopback port, so those
//! URLs are accepted only with [`super::EmulatorOptions::local_webhooks`].
//! Updates are only ever delivered to loopback addresses: a webhook set to
//! any other host is stored (and stops getUpdates) but receives nothing.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::server;
use super::world::{Shared, WebhookConfig, unix_now};

const SECRET_HEADER: &str = "X-Telegram-Bot-Api-Secret-Token";
const FIRST_RETRY: Duration = Duration::from_millis(100);
const MAX_RETRY: Duration = Duration::from_secs(5);

/// Delivers updates while a webhook is set; runs until the emulator stops.
pub(crate) async fn run(shared: Arc<Shared>) {
    let client = match reqwest::Client::builder().no_proxy().build() {
        Ok(client) => client,
        Err(err) => {
            tracing::error!("webhook delivery disabled: cannot build an HTTP client: {err}");
            return;
        }
    };
    let mut wake = shared.updates.subscribe();
    let mut retry = FIRST_RETRY;
    loop {
        while let Some((hook, id, update)) = next_delivery(&shared) {
            let request = client
                .post(hook.url.as_str())
                .header("content-type", "application/json")
                .body(update.to_string());
            let request = match &hook.secret_token {
                Some(secret) => request.header(SECRET_HEADER, secret.as_str()),
                None => request,
            };
            let outcome = match request.send().await {
                Ok(response) if response.status().is_success() => {
                    Ok(response.text().await.unwrap_or_default())
                }
                Ok(response) => Err(format!(
                    "Wrong response from the webhook: {}",
                    response.status()
                )),
                Err(err) if err.is_connect() => Err("Connection refused".to_owned()),
                Err(err) if err.is_timeout() => Err("Read timeout expired".to_owned()),
                Err(err) => Err(format!("Failed to deliver the update: {err}")),
            };
            match outcome {
                Ok(body) => {
                    retry = FIRST_RETRY;
                    confirm(&shared, id);
                    run_reply(&shared, &body).await;
                }
                Err(message) => {
                    record_error(&shared, message);
                    tokio::time::sleep(retry).await;
                    retry = (retry * 2).min(MAX_RETRY);
                }
            }
        }
        if wake.changed().await.is_err() {
            return;
        }
    }
}

/// Whether a URL points at this machine.
pub(crate) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// The webhook and the first queued update, if both exist and the webhook
/// is on this machine.
fn next_delivery(shared: &Shared) -> Option<(WebhookConfig, i64, Value)> {
    let w = shared.world();
    let hook = w.webhook.clone()?;
    if !url::Url::parse(&hook.url).is_ok_and(|u| is_loopback(&u)) {
        return None;
    }
    let first = w.queue.front()?;
    Some((hook, first.id, first.json.clone()))
}

fn confirm(shared: &Shared, id: i64) {
    {
        let mut w = shared.world();
        if w.queue.front().is_some_and(|u| u.id == id) {
            w.queue.pop_front();
        }
        w.delivered_upto = w.delivered_upto.max(id);
    }
    shared.touch();
}

fn record_error(shared: &Shared, message: String) {
    tracing::debug!("webhook delivery failed: {message}");
    shared.world().webhook_error = Some((unix_now(), message));
    shared.touch();
}

/// Executes a method the bot put in its webhook answer.
async fn run_reply(shared: &Shared, body: &str) {
    let Ok(Value::Object(mut params)) = serde_json::from_str::<Value>(body) else {
        return;
    };
    let Some(Value::String(method)) = params.remove("method") else {
        return;
    };
    server::call_from_webhook_reply(shared, &method, params).await;
}
