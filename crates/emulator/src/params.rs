//! Request parameters: decoding the four ways Telegram accepts them (query
//! string, JSON body, urlencoded form, multipart form) into one JSON object,
//! plus typed accessors that fail with Telegram-like 400 errors.

use std::collections::HashMap;

use bytes::Bytes;
use serde_json::{Map, Value};

use super::error::{ApiError, ApiResult};
use super::multipart;
use super::spec::{MethodSpec, Spec, is_string_only};

/// A file uploaded in a multipart request.
#[derive(Clone, Debug)]
pub struct UploadedFile {
    /// The file name the client gave, if any.
    pub file_name: Option<String>,
    /// The part's content type, if any.
    pub content_type: Option<String>,
    /// The bytes.
    pub data: Bytes,
}

/// The parameters of one call.
#[derive(Clone, Debug, Default)]
pub struct Params {
    /// Every parameter as JSON (form values decoded as Telegram does).
    pub map: Map<String, Value>,
    /// Uploaded files by part name (referenced as `attach://<name>`).
    pub files: HashMap<String, UploadedFile>,
}

/// What the request looked like, for decoding.
pub struct RawRequest<'a> {
    /// `Content-Type` header.
    pub content_type: Option<&'a str>,
    /// The raw query string.
    pub query: Option<&'a str>,
    /// The body.
    pub body: &'a Bytes,
}

/// Names that are plain strings even when the spec is not available.
const STRING_PARAMS: &[&str] = &[
    "text",
    "caption",
    "callback_query_id",
    "data",
    "name",
    "description",
    "short_description",
    "url",
    "secret_token",
    "language_code",
    "file_id",
    "inline_message_id",
    "parse_mode",
    "action",
    "title",
    "emoji",
    "phone_number",
    "first_name",
    "last_name",
];

/// Parameters that take a file upload, for when the spec is not available.
const FILE_PARAMS: &[&str] = &[
    "photo",
    "document",
    "voice",
    "audio",
    "video",
    "animation",
    "sticker",
    "video_note",
    "thumbnail",
    "certificate",
];

impl Params {
    /// Decodes a request into parameters.
    pub fn decode(
        raw: &RawRequest<'_>,
        spec: Option<&Spec>,
        method: Option<&MethodSpec>,
    ) -> ApiResult<Params> {
        let mut params = Params::default();
        if let Some(query) = raw.query {
            for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
                params.insert_raw(&k, v.into_owned(), spec, method);
            }
        }
        let content_type = raw.content_type.unwrap_or("").to_ascii_lowercase();
        if raw.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(params);
        }
        if content_type.starts_with("multipart/form-data") {
            params.decode_multipart(raw, spec, method)?;
        } else if content_type.starts_with("application/x-www-form-urlencoded") {
            for (k, v) in url::form_urlencoded::parse(raw.body) {
                params.insert_raw(&k, v.into_owned(), spec, method);
            }
        } else {
            params.decode_json(raw.body)?;
        }
        Ok(params)
    }

    fn decode_json(&mut self, body: &Bytes) -> ApiResult<()> {
        let value: Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("can't parse JSON body: {e}")))?;
        match value {
            Value::Object(map) => {
                self.map.extend(map);
                Ok(())
            }
            _ => Err(ApiError::bad_request("JSON body must be an object")),
        }
    }

    fn decode_multipart(
        &mut self,
        raw: &RawRequest<'_>,
        spec: Option<&Spec>,
        method: Option<&MethodSpec>,
    ) -> ApiResult<()> {
        let content_type = raw.content_type.unwrap_or("");
        let boundary = multipart::boundary(content_type)
            .ok_or_else(|| ApiError::bad_request("multipart boundary is missing"))?;
        let parts = multipart::parse(raw.body, &boundary)
            .map_err(|e| ApiError::bad_request(format!("can't parse multipart body: {e}")))?;
        for part in parts {
            if part.file_name.is_some() {
                self.add_file(part, method);
            } else {
                let text = String::from_utf8_lossy(&part.data).into_owned();
                self.insert_raw(&part.name, text, spec, method);
            }
        }
        Ok(())
    }

    /// A file part: stored under its name. When the name is a parameter of
    /// the method (direct upload, e.g. `photo`), the parameter is set to
    /// `attach://<name>` so every upload is referenced the same way.
    fn add_file(&mut self, part: multipart::Part, method: Option<&MethodSpec>) {
        let name = part.name.clone();
        let is_param = match method {
            Some(m) => m.fields.iter().any(|f| f.name == name),
            None => FILE_PARAMS.contains(&name.as_str()),
        };
        self.files.insert(
            name.clone(),
            UploadedFile {
                file_name: part.file_name,
                content_type: part.content_type,
                data: part.data,
            },
        );
        if is_param && !self.map.contains_key(&name) {
            self.map
                .insert(name.clone(), Value::String(format!("attach://{name}")));
        }
    }

    fn insert_raw(
        &mut self,
        key: &str,
        raw: String,
        spec: Option<&Spec>,
        method: Option<&MethodSpec>,
    ) {
        let types = method.and_then(|m| m.fields.iter().find(|f| f.name == key));
        let value = match (spec, types) {
            (Some(spec), Some(field)) => coerce_typed(spec, &field.types, raw),
            _ => coerce_untyped(key, raw),
        };
        self.map.insert(key.to_owned(), value);
    }

    /// A parameter, if present and not null.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// Whether a parameter is present.
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// An optional string parameter (numbers are rendered as strings, as
    /// Telegram reads every parameter as text).
    pub fn opt_str(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => Some(other.to_string()),
        }
    }

    /// A string parameter that must be present; `missing` is the description
    /// (without the `Bad Request: ` prefix) used when it is absent.
    pub fn req_str(&self, key: &str, missing: &str) -> ApiResult<String> {
        self.opt_str(key)
            .ok_or_else(|| ApiError::bad_request(missing))
    }

    /// An optional integer parameter (strings holding integers accepted).
    pub fn opt_i64(&self, key: &str) -> ApiResult<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => as_i64(v)
                .map(Some)
                .ok_or_else(|| ApiError::bad_request(format!("invalid {key} specified"))),
        }
    }

    /// An integer parameter that must be present.
    pub fn req_i64(&self, key: &str, missing: &str) -> ApiResult<i64> {
        self.opt_i64(key)?
            .ok_or_else(|| ApiError::bad_request(missing))
    }

    /// An optional boolean parameter (`true`, `1`, `"true"` are true).
    pub fn flag(&self, key: &str) -> bool {
        match self.get(key) {
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) => n.as_i64().is_some_and(|n| n != 0),
            Some(Value::String(s)) => matches!(s.to_ascii_lowercase().as_str(), "true" | "1"),
            _ => false,
        }
    }

    /// An optional parameter that holds a JSON object or array; strings are
    /// JSON-decoded (form and multipart requests send them that way).
    pub fn opt_json(&self, key: &str) -> ApiResult<Option<Value>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => serde_json::from_str(s)
                .map(Some)
                .map_err(|_| ApiError::bad_request(format!("can't parse {key} JSON object"))),
            Some(v) => Ok(Some(v.clone())),
        }
    }
}

/// Telegram reads integers from numbers or from strings of digits.
pub fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A form value for a parameter with known types: JSON-decoded when that
/// gives a value of one of the accepted non-string types.
fn coerce_typed(spec: &Spec, types: &[String], raw: String) -> Value {
    if is_string_only(types) {
        return Value::String(raw);
    }
    match serde_json::from_str::<Value>(&raw) {
        Ok(v) if !v.is_string() && spec.check_value(&v, types).is_ok() => v,
        _ => Value::String(raw),
    }
}

/// A form value for an unknown parameter: JSON-decoded when it parses.
fn coerce_untyped(key: &str, raw: String) -> Value {
    if STRING_PARAMS.contains(&key) {
        return Value::String(raw);
    }
    match serde_json::from_str::<Value>(&raw) {
        Ok(v) if !v.is_string() => v,
        _ => Value::String(raw),
    }
}
