//! Fault injection: make the next calls of a method fail the way Telegram
//! (or the network) sometimes does. A call answered by a fault has no side
//! effect: nothing is sent, edited or confirmed.

use std::time::Duration;

use super::error::ApiError;

/// What an injected fault does to a call.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultKind {
    /// `429 Too Many Requests: retry after N` with `parameters.retry_after`.
    TooManyRequests {
        /// Seconds to wait.
        retry_after: u32,
    },
    /// `500 Internal Server Error`.
    InternalServerError,
    /// `502 Bad Gateway`.
    BadGateway,
    /// Any other error answer (full description, e.g. `Forbidden: user is deactivated`).
    Error {
        /// HTTP status and error_code.
        code: u16,
        /// Full description.
        description: String,
    },
    /// The connection is closed without an answer.
    DropConnection,
    /// The call is served normally, after this delay.
    Delay(Duration),
}

impl FaultKind {
    /// The error answer this fault gives, if it answers with one.
    pub fn error(&self) -> Option<ApiError> {
        match self {
            FaultKind::TooManyRequests { retry_after } => {
                Some(ApiError::too_many_requests(*retry_after))
            }
            FaultKind::InternalServerError => Some(ApiError::new(500, "Internal Server Error")),
            FaultKind::BadGateway => Some(ApiError::new(502, "Bad Gateway")),
            FaultKind::Error { code, description } => {
                Some(ApiError::new(*code, description.clone()))
            }
            FaultKind::DropConnection | FaultKind::Delay(_) => None,
        }
    }
}

/// A queued fault.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    /// Method name (case-insensitive), or `*` for every method.
    pub method: &'static str,
    /// How many calls it hits.
    pub times: usize,
    /// What it does.
    pub kind: FaultKind,
}

impl Fault {
    /// A fault hitting the next call of `method` once.
    pub fn once(method: &'static str, kind: FaultKind) -> Self {
        Self {
            method,
            times: 1,
            kind,
        }
    }

    /// Whether this fault applies to a call of `method`.
    pub fn matches(&self, method: &str) -> bool {
        self.times > 0 && (self.method == "*" || self.method.eq_ignore_ascii_case(method))
    }
}
