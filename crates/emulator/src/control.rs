//! A small control API for a standalone emulator (see [`super::serve`]),
//! to act as users over HTTP, e.g. with curl:
//!
//! * `POST /_emulator/users/{id}/say` `{"text": "/start", "first_name": "Ana", "language_code": "es"}`
//! * `POST /_emulator/users/{id}/press` `{"label": "Next"}` or `{"message_id": 3, "data": "g:home"}`
//! * `POST /_emulator/users/{id}/block`, `.../unblock`
//! * `GET /_emulator/chats/{id}`: the transcript
//!
//! Answers are `{"ok": true, "result": [messages]}` with the bot's reaction
//! (or the transcript), or `{"ok": false, "description": "..."}`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::response::Response;
use serde_json::{Value, json};

use super::server::json_response;
use super::transcript::ChatMessage;
use super::user::UserHandle;
use super::wait;
use super::world::{Shared, UserSpec};

/// Serves `/_emulator/...` (the segments after `_emulator`).
pub(crate) async fn handle(shared: &Arc<Shared>, path: &[String], body: &Bytes) -> Response {
    let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let segments: Vec<&str> = path.iter().map(String::as_str).collect();
    let outcome = match segments.as_slice() {
        ["chats", id] => parse_id(id).map(|id| wait::transcript(&shared.world(), id)),
        ["users", id, action] => match parse_id(id) {
            Ok(id) => user_action(shared, id, action, &body).await,
            Err(e) => Err(e),
        },
        _ => Err("unknown control path".to_owned()),
    };
    match outcome {
        Ok(messages) => {
            let list: Vec<Value> = messages.iter().map(ChatMessage::to_json).collect();
            json_response(200, &json!({ "ok": true, "result": list }))
        }
        Err(description) => json_response(400, &json!({ "ok": false, "description": description })),
    }
}

fn parse_id(id: &str) -> Result<i64, String> {
    id.parse().map_err(|_| format!("not a numeric id: {id}"))
}

/// The user, created on first use from the request's profile fields.
fn user(shared: &Arc<Shared>, id: i64, body: &Value) -> UserHandle {
    let field = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_owned);
    let mut world = shared.world();
    if !world.users.contains_key(&id) {
        world.add_private_user(UserSpec {
            id,
            first_name: field("first_name").unwrap_or_else(|| format!("User {id}")),
            last_name: field("last_name"),
            username: field("username"),
            language_code: field("language_code"),
            is_premium: false,
        });
    }
    UserHandle::new(shared.clone(), id)
}

async fn user_action(
    shared: &Arc<Shared>,
    id: i64,
    action: &str,
    body: &Value,
) -> Result<Vec<ChatMessage>, String> {
    let user = user(shared, id, body);
    let text = |k: &str| body.get(k).and_then(Value::as_str);
    let result = match action {
        "say" => {
            let message = text("text").ok_or("\"text\" is required")?;
            user.try_say(message).await
        }
        "press" => match (
            text("label"),
            body.get("message_id").and_then(Value::as_i64),
        ) {
            (Some(label), _) => user.try_press(label).await,
            (None, Some(message_id)) => {
                let data = text("data").ok_or("\"data\" is required")?;
                match user.send_callback(message_id, data) {
                    Ok(sent) => user.try_reaction(&sent).await,
                    Err(e) => Err(e),
                }
            }
            (None, None) => return Err("\"label\" or \"message_id\" is required".to_owned()),
        },
        "block" => {
            user.block_bot().await;
            Ok(Vec::new())
        }
        "unblock" => {
            user.unblock_bot().await;
            Ok(Vec::new())
        }
        _ => return Err(format!("unknown action {action}")),
    };
    result.map_err(|e| format!("{e:#}"))
}
