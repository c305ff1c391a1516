//! The machine-readable Bot API spec (`bot-api.json`) and call validation.
//!
//! The file is found through the `BOT_API_SPEC` environment variable, else at
//! `shared/telegram/bot-api.json` found from the working directory up (see `spec_path`). It is loaded once,
//! lazily, and shared by every emulator in the process. When it is missing the
//! emulator still serves every call, it just cannot check them.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use anyhow::Context as _;
use serde::Deserialize;
use serde_json::{Map, Value};

/// The parsed spec.
#[derive(Debug, Deserialize)]
pub struct Spec {
    /// Bot API version the spec describes (e.g. "Bot API 10.1").
    #[serde(default)]
    pub version: String,
    /// Methods by their canonical (camelCase) name.
    pub methods: HashMap<String, MethodSpec>,
    /// Types by name.
    pub types: HashMap<String, TypeSpec>,
    #[serde(skip)]
    lowercase: HashMap<String, String>,
}

/// One method of the spec.
#[derive(Debug, Deserialize)]
pub struct MethodSpec {
    /// Canonical name, e.g. `sendMessage`.
    pub name: String,
    /// Parameters (absent in the file for parameterless methods).
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
    /// Return type-strings.
    #[serde(default)]
    pub returns: Vec<String>,
}

/// A parameter of a method or a field of a type.
#[derive(Debug, Deserialize)]
pub struct FieldSpec {
    /// Field name.
    pub name: String,
    /// Accepted type-strings ("any of").
    pub types: Vec<String>,
    /// Whether the field must be present.
    #[serde(default)]
    pub required: bool,
    /// Free-text description (holds value constraints).
    #[serde(default)]
    pub description: String,
}

/// A type of the spec: either an object with fields or a union of subtypes.
#[derive(Debug, Deserialize)]
pub struct TypeSpec {
    /// Type name.
    pub name: String,
    /// Fields of an object type.
    #[serde(default)]
    pub fields: Option<Vec<FieldSpec>>,
    /// Members of a union type.
    #[serde(default)]
    pub subtypes: Vec<String>,
}

/// A failed type match: how deep it failed (to pick the most telling error
/// among union candidates) and what failed.
#[derive(Debug)]
struct Mismatch {
    depth: usize,
    message: String,
}

/// Whether a parameter type-string can only be a string (so form values stay
/// strings and are never JSON-decoded).
pub fn is_string_only(types: &[String]) -> bool {
    types.iter().all(|t| t == "String")
}

/// Where the spec file is looked for.
/// `BOT_API_SPEC` when set; else `shared/telegram/bot-api.json` in the
/// working directory or the nearest folder above it that has one (the
/// project sits beside `shared/`). Found at run time: nothing of the build
/// machine is baked in.
pub fn spec_path() -> PathBuf {
    const RELATIVE: &str = "shared/telegram/bot-api.json";
    if let Some(path) = std::env::var_os("BOT_API_SPEC") {
        return PathBuf::from(path);
    }
    let here = std::env::current_dir().unwrap_or_default();
    here.ancestors()
        .map(|folder| folder.join(RELATIVE))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| here.join("..").join(RELATIVE))
}

/// The shared spec, loaded on first use; `None` when the file is missing or
/// unreadable (the reason is logged once).
pub fn shared() -> Option<&'static Spec> {
    static SPEC: OnceLock<Option<Spec>> = OnceLock::new();
    SPEC.get_or_init(|| match Spec::load(&spec_path()) {
        Ok(spec) => Some(spec),
        Err(err) => {
            tracing::warn!("Bot API spec not loaded, calls are not validated: {err:#}");
            None
        }
    })
    .as_ref()
}

impl Spec {
    /// Reads and parses a spec file.
    pub fn load(path: &std::path::Path) -> anyhow::Result<Spec> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading Bot API spec {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("parsing Bot API spec {}", path.display()))
    }

    /// Parses spec JSON text.
    pub fn parse(text: &str) -> anyhow::Result<Spec> {
        let mut spec: Spec = serde_json::from_str(text)?;
        spec.lowercase = spec
            .methods
            .keys()
            .map(|name| (name.to_lowercase(), name.clone()))
            .collect();
        Ok(spec)
    }

    /// Looks a method up case-insensitively, as Telegram does.
    pub fn method(&self, name: &str) -> Option<&MethodSpec> {
        let canonical = self.lowercase.get(&name.to_lowercase())?;
        self.methods.get(canonical)
    }

    /// The first required parameter missing from `params`, if any.
    pub fn missing_required<'a>(
        &self,
        method: &'a MethodSpec,
        params: &Map<String, Value>,
    ) -> Option<&'a FieldSpec> {
        method
            .fields
            .iter()
            .find(|f| f.required && params.get(&f.name).is_none_or(Value::is_null))
    }

    /// Parameters that are not part of the method and values whose type does
    /// not match the spec, as human-readable violations.
    pub fn check_params(&self, method: &MethodSpec, params: &Map<String, Value>) -> Vec<String> {
        let mut out = Vec::new();
        for (key, value) in params.iter().filter(|(_, v)| !v.is_null()) {
            let Some(field) = method.fields.iter().find(|f| &f.name == key) else {
                out.push(format!(
                    "{}: parameter \"{key}\" is not in the spec",
                    method.name
                ));
                continue;
            };
            if let Err(m) = self.strict().match_any(value, &field.types, 0) {
                out.push(format!("{}.{key}: {}", method.name, m.message));
            }
        }
        out
    }

    /// Checks a method's `result` against its declared return types.
    pub fn check_result(&self, method: &MethodSpec, result: &Value) -> Option<String> {
        if method.returns.is_empty() {
            return None;
        }
        self.strict()
            .match_any(result, &method.returns, 0)
            .err()
            .map(|m| format!("{} result: {}", method.name, m.message))
    }

    /// Checks one value against a list of type-strings (any may match).
    pub fn check_value(&self, value: &Value, types: &[String]) -> Result<(), String> {
        self.strict()
            .match_any(value, types, 0)
            .map_err(|m| m.message)
    }

    /// Checks an Update. Fields unknown to the spec are allowed: the real
    /// API sends fields that were dropped from the documentation.
    pub fn check_update(&self, update: &Value) -> Option<String> {
        let lenient = Matcher {
            spec: self,
            allow_unknown: true,
        };
        lenient
            .match_type(update, "Update", 0)
            .err()
            .map(|m| format!("Update: {}", m.message))
    }

    fn strict(&self) -> Matcher<'_> {
        Matcher {
            spec: self,
            allow_unknown: false,
        }
    }
}

/// Matches values against type-strings.
struct Matcher<'a> {
    spec: &'a Spec,
    allow_unknown: bool,
}

impl Matcher<'_> {
    fn match_any(&self, value: &Value, types: &[String], depth: usize) -> Result<(), Mismatch> {
        let mut best: Option<Mismatch> = None;
        for ty in types {
            match self.match_type(value, ty, depth) {
                Ok(()) => return Ok(()),
                Err(m) => {
                    if best.as_ref().is_none_or(|b| m.depth > b.depth) {
                        best = Some(m);
                    }
                }
            }
        }
        match best {
            Some(m) if types.len() > 1 && m.depth == depth => Err(Mismatch {
                depth,
                message: format!(
                    "expected one of [{}], got {}",
                    types.join(", "),
                    kind_of(value)
                ),
            }),
            Some(m) => Err(m),
            None => Ok(()),
        }
    }

    fn match_type(&self, value: &Value, ty: &str, depth: usize) -> Result<(), Mismatch> {
        let fail = |expected: &str| Mismatch {
            depth,
            message: format!("expected {expected}, got {}", kind_of(value)),
        };
        if let Some(inner) = ty.strip_prefix("Array of ") {
            let items = value.as_array().ok_or_else(|| fail(ty))?;
            for (i, item) in items.iter().enumerate() {
                self.match_type(item, inner, depth + 1)
                    .map_err(|m| Mismatch {
                        depth: m.depth,
                        message: format!("[{i}]{}", prefix_path(&m.message)),
                    })?;
            }
            return Ok(());
        }
        let ok = match ty {
            "Integer" => value.is_i64() || value.is_u64(),
            "Float" => value.is_number(),
            "String" | "InputFile" => value.is_string(),
            "Boolean" | "True" => value.is_boolean(),
            _ => return self.match_named(value, ty, depth),
        };
        if ok { Ok(()) } else { Err(fail(ty)) }
    }

    fn match_named(&self, value: &Value, ty: &str, depth: usize) -> Result<(), Mismatch> {
        let Some(spec) = self.spec.types.get(ty) else {
            // Unknown type name in the spec itself: accept anything.
            return Ok(());
        };
        if !spec.subtypes.is_empty() {
            return self.match_any(value, &spec.subtypes, depth);
        }
        let obj = value.as_object().ok_or_else(|| Mismatch {
            depth,
            message: format!("expected {ty}, got {}", kind_of(value)),
        })?;
        let Some(fields) = &spec.fields else {
            return Ok(());
        };
        check_discriminator(ty, fields, obj, depth)?;
        for field in fields {
            match obj.get(&field.name) {
                None | Some(Value::Null) if field.required => {
                    return Err(Mismatch {
                        depth: depth + 1,
                        message: format!("{ty}: required field \"{}\" is missing", field.name),
                    });
                }
                None | Some(Value::Null) => {}
                Some(v) => {
                    self.match_any(v, &field.types, depth + 1)
                        .map_err(|m| Mismatch {
                            depth: m.depth,
                            message: format!(".{}{}", field.name, prefix_path(&m.message)),
                        })?;
                }
            }
        }
        if self.allow_unknown {
            return Ok(());
        }
        if let Some(unknown) = obj.keys().find(|k| !fields.iter().any(|f| &f.name == *k)) {
            return Err(Mismatch {
                depth: depth + 1,
                message: format!("{ty}: field \"{unknown}\" is not in the spec"),
            });
        }
        Ok(())
    }
}

/// Union members such as `BotCommandScopeChat` say "type ... must be chat":
/// a value whose `type` differs is not that member.
fn check_discriminator(
    ty: &str,
    fields: &[FieldSpec],
    obj: &Map<String, Value>,
    depth: usize,
) -> Result<(), Mismatch> {
    let Some(field) = fields.iter().find(|f| f.name == "type") else {
        return Ok(());
    };
    let Some(expected) = field
        .description
        .split("must be ")
        .nth(1)
        .and_then(|rest| {
            rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
        })
        .filter(|s| !s.is_empty())
    else {
        return Ok(());
    };
    match obj.get("type").and_then(Value::as_str) {
        Some(actual) if actual == expected => Ok(()),
        Some(actual) => Err(Mismatch {
            depth,
            message: format!("{ty}: type must be \"{expected}\", got \"{actual}\""),
        }),
        None => Ok(()),
    }
}

fn prefix_path(message: &str) -> String {
    if message.starts_with('.') || message.starts_with('[') {
        message.to_owned()
    } else {
        format!(": {message}")
    }
}

/// A short name for a JSON value's kind, for messages.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "float",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Option<&'static Spec> {
        shared()
    }

    #[test]
    fn send_message_params_validate() {
        let Some(spec) = spec() else { return };
        let m = spec.method("SENDMESSAGE").expect("sendMessage");
        let params = json!({
            "chat_id": 1,
            "text": "hi",
            "reply_markup": {"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]},
            "bogus": 1
        });
        let v = spec.check_params(m, params.as_object().expect("object"));
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].contains("bogus"));
    }

    #[test]
    fn union_discriminator_and_nested_errors() {
        let Some(spec) = spec() else { return };
        let m = spec.method("setMyCommands").expect("setMyCommands");
        let params = json!({
            "commands": [{"command": "start", "description": 5}],
            "scope": {"type": "chat", "chat_id": 5}
        });
        let v = spec.check_params(m, params.as_object().expect("object"));
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].contains("description"), "{v:?}");
    }
}
