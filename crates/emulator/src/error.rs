//! Error replies in the exact shape the Bot API uses:
//! `{"ok":false,"error_code":N,"description":"...","parameters":{...}}`.

use serde_json::{Value, json};

/// An error answer of the Bot API (what a method call fails with).
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// HTTP status and `error_code`.
    pub code: u16,
    /// The full `description`, prefix included (e.g. `Bad Request: chat not found`).
    pub description: String,
    /// Optional `parameters` (ResponseParameters).
    pub parameters: Option<Value>,
}

impl ApiError {
    /// A raw error with the given code and full description.
    pub fn new(code: u16, description: impl Into<String>) -> Self {
        Self {
            code,
            description: description.into(),
            parameters: None,
        }
    }

    /// `400 Bad Request: {msg}`.
    pub fn bad_request(msg: impl AsRef<str>) -> Self {
        Self::new(400, format!("Bad Request: {}", msg.as_ref()))
    }

    /// `403 Forbidden: {msg}`.
    pub fn forbidden(msg: impl AsRef<str>) -> Self {
        Self::new(403, format!("Forbidden: {}", msg.as_ref()))
    }

    /// `409 Conflict: {msg}`.
    pub fn conflict(msg: impl AsRef<str>) -> Self {
        Self::new(409, format!("Conflict: {}", msg.as_ref()))
    }

    /// `401 Unauthorized` (wrong token).
    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized")
    }

    /// `404 Not Found` (unknown method or path).
    pub fn not_found() -> Self {
        Self::new(404, "Not Found")
    }

    /// `429 Too Many Requests: retry after N` with `parameters.retry_after`.
    pub fn too_many_requests(retry_after: u32) -> Self {
        Self {
            code: 429,
            description: format!("Too Many Requests: retry after {retry_after}"),
            parameters: Some(json!({ "retry_after": retry_after })),
        }
    }

    /// `400 Bad Request: chat not found`.
    pub fn chat_not_found() -> Self {
        Self::bad_request("chat not found")
    }

    /// The JSON body Telegram sends for this error.
    pub fn to_json(&self) -> Value {
        let mut body = json!({
            "ok": false,
            "error_code": self.code,
            "description": self.description,
        });
        if let (Some(params), Some(obj)) = (&self.parameters, body.as_object_mut()) {
            obj.insert("parameters".into(), params.clone());
        }
        body
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.description)
    }
}

impl std::error::Error for ApiError {}

/// Result of a Bot API method: the `result` value or an error reply.
pub type ApiResult<T = Value> = Result<T, ApiError>;
