//! getUpdates (long polling) and the webhook methods, with the Bot API
//! server's semantics:
//!
//! * `offset > 0` confirms (forgets) every update with a smaller id; an
//!   offset more than 10 past the last id is ignored, as the server does.
//! * `offset < 0` forgets everything but the last `-offset` updates.
//! * Returned updates stay queued until confirmed.
//! * `limit` is clamped to 1..=100, `timeout` to 0..=50 seconds.
//! * `allowed_updates` applies to updates created after the call.
//! * A newer waiting getUpdates terminates an older waiting one (409), and
//!   getUpdates fails with 409 while a webhook is set.
//!
//! Webhook delivery itself is not implemented: setWebhook stores the
//! settings (and stops getUpdates) but updates stay queued.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::time::Instant;

use super::Success;
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::webhook::is_loopback;
use crate::world::{Shared, WebhookConfig, World};

const LONG_POLL_MAX_TIMEOUT: i64 = 50;
const WEBHOOK_CONFLICT: &str = "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";
const TERMINATED_BY_OTHER: &str =
    "terminated by other getUpdates request; make sure that only one bot instance is running";

/// Parses `allowed_updates` (array, or JSON text in forms); `None` when
/// absent or not a list of strings (then the setting is kept).
fn allowed_updates_param(p: &Params) -> ApiResult<Option<Vec<String>>> {
    let Ok(Some(value)) = p.opt_json("allowed_updates") else {
        return Ok(None);
    };
    let Some(list) = value.as_array() else {
        return Ok(None);
    };
    let names: Option<Vec<String>> = list
        .iter()
        .map(|v| v.as_str().map(str::to_ascii_lowercase))
        .collect();
    Ok(names)
}

/// Applies the offset to the queue (confirming / forgetting updates).
fn apply_offset(w: &mut World, offset: i64) {
    if offset < 0 {
        let keep = usize::try_from(offset.unsigned_abs()).unwrap_or(usize::MAX);
        let drop = w.queue.len().saturating_sub(keep);
        w.queue.drain(..drop);
    } else if offset > 0 && offset <= w.next_update_id + 10 {
        while w.queue.front().is_some_and(|u| u.id < offset) {
            w.queue.pop_front();
        }
    }
}

/// The first `limit` queued updates, marked as delivered.
fn take_batch(w: &mut World, limit: usize) -> Vec<Value> {
    let batch: Vec<Value> = w.queue.iter().take(limit).map(|u| u.json.clone()).collect();
    if let Some(last) = w.queue.iter().take(limit).next_back() {
        w.delivered_upto = w.delivered_upto.max(last.id);
    }
    batch
}

/// getUpdates.
pub(crate) async fn get_updates(shared: &Shared, p: &Params) -> ApiResult<Value> {
    let offset = p.opt_i64("offset")?.unwrap_or(0);
    let limit = usize::try_from(p.opt_i64("limit")?.unwrap_or(100).clamp(1, 100)).unwrap_or(100);
    let timeout = p
        .opt_i64("timeout")?
        .unwrap_or(0)
        .clamp(0, LONG_POLL_MAX_TIMEOUT);
    let allowed = allowed_updates_param(p)?;
    // Subscribe before looking at the queue so no update can slip between.
    let mut wake = shared.updates.subscribe();
    let generation = {
        let mut w = shared.world();
        if w.webhook.is_some() {
            return Err(ApiError::conflict(WEBHOOK_CONFLICT));
        }
        if let Some(list) = allowed {
            w.allowed_updates = Some(list);
        }
        apply_offset(&mut w, offset);
        let batch = take_batch(&mut w, limit);
        if !batch.is_empty() || timeout == 0 {
            drop(w);
            shared.touch();
            return Ok(Value::Array(batch));
        }
        w.poll_generation += 1;
        w.poll_generation
    };
    // Terminate an older waiting call (this also wakes us once: harmless).
    shared.wake_polls();
    let deadline = Instant::now() + Duration::from_secs(timeout.unsigned_abs());
    loop {
        let timed_out = tokio::time::timeout_at(deadline, wake.changed())
            .await
            .is_err();
        let mut w = shared.world();
        if w.poll_generation != generation {
            return Err(ApiError::conflict(TERMINATED_BY_OTHER));
        }
        if w.webhook.is_some() {
            return Err(ApiError::conflict("terminated by setWebhook request"));
        }
        let batch = take_batch(&mut w, limit);
        if !batch.is_empty() || timed_out {
            drop(w);
            shared.touch();
            return Ok(Value::Array(batch));
        }
    }
}

/// Checks a webhook URL like Telegram: HTTPS on port 443, 80, 88 or 8443
/// (with `local`, any HTTP(S) URL on a loopback host).
fn check_webhook_url(url: &str, local: bool) -> ApiResult<()> {
    let parsed = url::Url::parse(url)
        .or_else(|_| url::Url::parse(&format!("https://{url}")))
        .map_err(|_| ApiError::bad_request("invalid webhook URL specified"))?;
    if local && is_loopback(&parsed) && matches!(parsed.scheme(), "http" | "https") {
        return Ok(());
    }
    if parsed.scheme() != "https" {
        return Err(ApiError::bad_request(
            "bad webhook: An HTTPS URL must be provided for webhook",
        ));
    }
    if !matches!(parsed.port_or_known_default(), Some(443 | 80 | 88 | 8443)) {
        return Err(ApiError::bad_request(
            "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443",
        ));
    }
    Ok(())
}

fn check_secret(secret: &str) -> ApiResult<()> {
    if secret.len() > 256 {
        return Err(ApiError::bad_request("secret token is too long"));
    }
    if !secret
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(ApiError::bad_request(
            "secret token contains unallowed characters",
        ));
    }
    Ok(())
}

/// setWebhook (an empty url deletes the webhook).
pub(crate) fn set_webhook(shared: &Shared, p: &Params) -> ApiResult<Success> {
    let url = p.opt_str("url").unwrap_or_default();
    if url.is_empty() {
        return delete_webhook(shared, p);
    }
    check_webhook_url(&url, shared.options.local_webhooks)?;
    let secret = p.opt_str("secret_token").filter(|s| !s.is_empty());
    if let Some(secret) = &secret {
        check_secret(secret)?;
    }
    let max_connections = p.opt_i64("max_connections")?.unwrap_or(40).clamp(1, 100);
    let config = WebhookConfig {
        url,
        secret_token: secret,
        max_connections,
        ip_address: p.opt_str("ip_address"),
    };
    let allowed = allowed_updates_param(p)?;
    let description = {
        let mut w = shared.world();
        if let Some(list) = allowed {
            w.allowed_updates = Some(list);
        }
        if p.flag("drop_pending_updates") {
            w.queue.clear();
        }
        let unchanged = w.webhook.as_ref() == Some(&config);
        if !unchanged {
            w.webhook_error = None;
        }
        w.webhook = Some(config);
        if unchanged {
            "Webhook is already set"
        } else {
            "Webhook was set"
        }
    };
    shared.wake_polls();
    shared.touch();
    Ok(Success {
        result: json!(true),
        description: Some(description),
    })
}

/// deleteWebhook.
pub(crate) fn delete_webhook(shared: &Shared, p: &Params) -> ApiResult<Success> {
    let was_set = {
        let mut w = shared.world();
        if p.flag("drop_pending_updates") {
            w.queue.clear();
        }
        w.webhook_error = None;
        w.webhook.take().is_some()
    };
    shared.touch();
    Ok(Success {
        result: json!(true),
        description: Some(if was_set {
            "Webhook was deleted"
        } else {
            "Webhook is already deleted"
        }),
    })
}

/// getWebhookInfo.
pub(crate) fn get_webhook_info(shared: &Shared) -> ApiResult<Value> {
    let w = shared.world();
    let mut info = json!({
        "url": w.webhook.as_ref().map(|h| h.url.clone()).unwrap_or_default(),
        "has_custom_certificate": false,
        "pending_update_count": w.queue.len(),
    });
    if let Some((date, message)) = &w.webhook_error {
        info["last_error_date"] = json!(date);
        info["last_error_message"] = json!(message);
    }
    if let Some(hook) = &w.webhook {
        info["max_connections"] = json!(hook.max_connections);
        // Telegram reports the resolved address; nothing resolves here, so it
        // is only shown when the bot fixed one.
        if let Some(ip) = &hook.ip_address {
            info["ip_address"] = json!(ip);
        }
    }
    if let Some(list) = &w.allowed_updates
        && !list.is_empty()
    {
        info["allowed_updates"] = json!(list);
    }
    Ok(info)
}
