//! The HTTP side: `/{bot<token>}/{method}` and `/file/{bot<token>}/{path}`,
//! authentication, spec validation, fault injection and the call log.

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::error::ApiError;
use super::faults::FaultKind;
use super::methods::{self, Success};
use super::multipart::percent_decode;
use super::params::{Params, RawRequest};
use super::world::{RecordedCall, Shared};

/// Telegram accepts uploads up to 50 MB.
const MAX_BODY: usize = 50 * 1024 * 1024;

/// The router serving the Bot API.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .fallback(handle)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(shared)
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let segments: Vec<String> = uri
        .path()
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    match segments.as_slice() {
        [control, rest @ ..] if control == "_emulator" => {
            super::control::handle(&shared, rest, &body).await
        }
        [file, bot, rest @ ..] if file == "file" && !rest.is_empty() => {
            serve_file(&shared, bot, &rest.join("/"))
        }
        [bot, method] => {
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            let raw = RawRequest {
                content_type,
                query: uri.query(),
                body: &body,
            };
            api_call(&shared, bot, method, &raw).await
        }
        _ => error_response(&ApiError::not_found()),
    }
}

/// Checks the `bot<token>` path segment.
fn authorize(shared: &Shared, segment: &str) -> Result<(), ApiError> {
    let token = segment
        .strip_prefix("bot")
        .ok_or_else(ApiError::not_found)?;
    if token == shared.token {
        Ok(())
    } else {
        Err(ApiError::unauthorized())
    }
}

/// Resolves the method name: served, in the spec but not emulated, or
/// unknown (404).
fn resolve_method(shared: &Shared, name: &str) -> Result<&'static str, ApiError> {
    if let Some(method) = methods::canonical(name) {
        return Ok(method);
    }
    match shared.spec.and_then(|s| s.method(name)) {
        Some(spec) => {
            let msg = format!("method {} is not implemented by the emulator", spec.name);
            shared.world().violations.push(msg.clone());
            Err(ApiError::bad_request(msg))
        }
        None => Err(ApiError::not_found()),
    }
}

async fn api_call(shared: &Arc<Shared>, bot: &str, name: &str, raw: &RawRequest<'_>) -> Response {
    let started = Instant::now();
    let at = SystemTime::now();
    let method = match authorize(shared, bot).and_then(|()| resolve_method(shared, name)) {
        Ok(m) => m,
        Err(e) => {
            record(
                shared,
                name,
                Value::Null,
                started,
                at,
                &Err(e.clone()),
                None,
            );
            return error_response(&e);
        }
    };
    let method_spec = shared.spec.and_then(|s| s.method(method));
    let params = match Params::decode(raw, shared.spec, method_spec) {
        Ok(p) => p,
        Err(e) => {
            record(
                shared,
                method,
                Value::Null,
                started,
                at,
                &Err(e.clone()),
                None,
            );
            return error_response(&e);
        }
    };
    let params_json = Value::Object(params.map.clone());
    let fault = shared.world().take_fault(method);
    if let Some(FaultKind::Delay(delay)) = &fault {
        tokio::time::sleep(*delay).await;
    }
    if let Some(FaultKind::DropConnection) = &fault {
        record_dropped(shared, method, params_json, started, at);
        return dropped_connection();
    }
    let outcome = match fault.as_ref().and_then(FaultKind::error) {
        Some(err) => Err(err),
        None => serve(shared, method, &params).await,
    };
    record(shared, method, params_json, started, at, &outcome, fault);
    shared.touch();
    match outcome {
        Ok(success) => success_response(success),
        Err(e) => error_response(&e),
    }
}

/// Executes a method a bot named in its answer to a webhook delivery
/// (recorded like any call; the result goes nowhere, as in Telegram).
pub(crate) async fn call_from_webhook_reply(
    shared: &Shared,
    name: &str,
    params: serde_json::Map<String, Value>,
) {
    let started = Instant::now();
    let at = SystemTime::now();
    let params = Params {
        map: params,
        files: Default::default(),
    };
    let params_json = Value::Object(params.map.clone());
    let outcome = match resolve_method(shared, name) {
        Ok(method) => serve(shared, method, &params).await,
        Err(e) => Err(e),
    };
    record(shared, name, params_json, started, at, &outcome, None);
    shared.touch();
}

/// Validates against the spec, then runs the method.
async fn serve(
    shared: &Shared,
    method: &'static str,
    params: &Params,
) -> Result<Success, ApiError> {
    if let (Some(spec), Some(method_spec)) =
        (shared.spec, shared.spec.and_then(|s| s.method(method)))
    {
        let violations = spec.check_params(method_spec, &params.map);
        if !violations.is_empty() {
            shared.world().violations.extend(violations);
        }
        if let Some(field) = spec.missing_required(method_spec, &params.map) {
            return Err(missing_parameter(&field.name));
        }
    }
    let success = methods::call(shared, method, params).await?;
    check_result(shared, method, &success.result);
    Ok(success)
}

/// The error Telegram gives for a missing required parameter.
fn missing_parameter(name: &str) -> ApiError {
    match name {
        "text" => ApiError::bad_request("message text is empty"),
        "message_id" => ApiError::bad_request("message identifier is not specified"),
        "callback_query_id" => ApiError::bad_request("query_id is empty"),
        other => ApiError::bad_request(format!("{other} is empty")),
    }
}

/// Emulator self-check: every result must match the spec's return type.
fn check_result(shared: &Shared, method: &str, result: &Value) {
    let Some(spec) = shared.spec else { return };
    let Some(method_spec) = spec.method(method) else {
        return;
    };
    if let Some(problem) = spec.check_result(method_spec, result) {
        shared.world().violations.push(format!(
            "emulator answer does not match the spec: {problem}"
        ));
    }
}

fn record(
    shared: &Shared,
    method: &str,
    params: Value,
    started: Instant,
    at: SystemTime,
    outcome: &Result<Success, ApiError>,
    fault: Option<FaultKind>,
) {
    let (status, response) = match outcome {
        Ok(s) => (200, success_json(s)),
        Err(e) => (e.code, e.to_json()),
    };
    shared.world().calls.push(RecordedCall {
        method: method.to_owned(),
        params,
        status,
        response,
        at,
        duration: started.elapsed(),
        fault,
    });
}

fn record_dropped(shared: &Shared, method: &str, params: Value, started: Instant, at: SystemTime) {
    shared.world().calls.push(RecordedCall {
        method: method.to_owned(),
        params,
        status: 0,
        response: Value::Null,
        at,
        duration: started.elapsed(),
        fault: Some(FaultKind::DropConnection),
    });
}

fn success_json(success: &Success) -> Value {
    let mut body = json!({ "ok": true, "result": success.result });
    if let Some(description) = success.description {
        body["description"] = json!(description);
    }
    body
}

pub(crate) fn json_response(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

fn success_response(success: Success) -> Response {
    json_response(200, &success_json(&success))
}

fn error_response(error: &ApiError) -> Response {
    json_response(error.code, &error.to_json())
}

/// A response whose body fails: hyper closes the connection mid-answer.
fn dropped_connection() -> Response {
    let stream = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "fault injected: connection dropped",
        ))
    });
    Response::new(Body::from_stream(stream))
}

/// `GET /file/bot<token>/<file_path>`.
fn serve_file(shared: &Shared, bot: &str, path: &str) -> Response {
    if let Err(e) = authorize(shared, bot) {
        return error_response(&e);
    }
    let world = shared.world();
    let Some(file) = world.files.values().find(|f| f.file_path == path) else {
        return error_response(&ApiError::not_found());
    };
    let mime = file
        .mime_type
        .clone()
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    let mut response = (StatusCode::OK, file.data.clone()).into_response();
    if let Ok(value) = HeaderValue::from_str(&mime) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}
