//! `reply_markup`: validation as the Bot API does it, and the normalised
//! form kept with the message.

use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult};
use super::html::normalize_link;

/// Inline button actions, in the order the Bot API server looks for them.
const INLINE_ACTIONS: &[&str] = &[
    "url",
    "callback_data",
    "callback_game",
    "pay",
    "switch_inline_query",
    "switch_inline_query_chosen_chat",
    "switch_inline_query_current_chat",
    "login_url",
    "web_app",
    "copy_text",
];

/// A validated reply markup.
#[derive(Clone, Debug, PartialEq)]
pub enum Markup {
    /// InlineKeyboardMarkup (kept on the message, returned in `reply_markup`).
    Inline(Value),
    /// ReplyKeyboardMarkup (shown under the input field).
    Keyboard(Value),
    /// ReplyKeyboardRemove.
    Remove(Value),
    /// ForceReply.
    ForceReply(Value),
}

impl Markup {
    /// The inline keyboard JSON, if this is one.
    pub fn inline(&self) -> Option<&Value> {
        match self {
            Markup::Inline(v) => Some(v),
            _ => None,
        }
    }
}

/// Parses and validates a `reply_markup` value.
pub fn parse(value: &Value) -> ApiResult<Option<Markup>> {
    let obj = value
        .as_object()
        .ok_or_else(|| ApiError::bad_request("object expected as reply markup"))?;
    if let Some(rows) = keyboard_rows(obj)? {
        return Ok(Some(Markup::Keyboard(rows)));
    }
    if let Some(rows) = inline_rows(obj)? {
        return Ok(Some(Markup::Inline(json!({ "inline_keyboard": rows }))));
    }
    let flag = |k: &str| obj.get(k).and_then(Value::as_bool).unwrap_or(false);
    if flag("remove_keyboard") || flag("hide_keyboard") {
        return Ok(Some(Markup::Remove(value.clone())));
    }
    if flag("force_reply") {
        return Ok(Some(Markup::ForceReply(value.clone())));
    }
    Ok(None)
}

fn keyboard_rows(obj: &Map<String, Value>) -> ApiResult<Option<Value>> {
    let Some(keyboard) = obj.get("keyboard") else {
        return Ok(None);
    };
    let rows = keyboard
        .as_array()
        .ok_or_else(|| ApiError::bad_request("field \"keyboard\" must be an Array of Arrays"))?;
    let mut out_rows = Vec::new();
    for row in rows {
        let buttons = row.as_array().ok_or_else(|| {
            ApiError::bad_request("field \"keyboard\" must be an Array of Arrays")
        })?;
        let parsed = buttons
            .iter()
            .map(keyboard_button)
            .collect::<ApiResult<Vec<_>>>()?;
        out_rows.push(Value::Array(parsed));
    }
    if out_rows.is_empty() {
        return Ok(None);
    }
    let mut markup = obj.clone();
    markup.insert("keyboard".into(), Value::Array(out_rows));
    Ok(Some(Value::Object(markup)))
}

fn keyboard_button(button: &Value) -> ApiResult<Value> {
    let fail = |m: &str| ApiError::bad_request(format!("can't parse keyboard button: {m}"));
    match button {
        Value::String(text) if text.is_empty() => Err(fail("Text must be non-empty")),
        Value::String(text) => Ok(json!({ "text": text })),
        Value::Object(o) => match o.get("text") {
            Some(Value::String(t)) if t.is_empty() => Err(fail("Text must be non-empty")),
            Some(Value::String(_)) => Ok(button.clone()),
            Some(_) => Err(fail("Field \"text\" must be of type String")),
            None => Err(fail("Can't find field \"text\"")),
        },
        _ => Err(fail("KeyboardButton must be a String or an Object")),
    }
}

fn inline_rows(obj: &Map<String, Value>) -> ApiResult<Option<Vec<Value>>> {
    let Some(keyboard) = obj.get("inline_keyboard") else {
        return Ok(None);
    };
    let not_rows = || {
        ApiError::bad_request(
            "field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays",
        )
    };
    let rows = keyboard.as_array().ok_or_else(not_rows)?;
    let mut out_rows = Vec::new();
    for row in rows {
        let buttons = row.as_array().ok_or_else(not_rows)?;
        let parsed = buttons
            .iter()
            .map(inline_button)
            .collect::<ApiResult<Vec<_>>>()?;
        out_rows.push(Value::Array(parsed));
    }
    Ok((!out_rows.is_empty()).then_some(out_rows))
}

fn inline_button(button: &Value) -> ApiResult<Value> {
    let fail = |m: &str| ApiError::bad_request(format!("can't parse inline keyboard button: {m}"));
    let obj = button
        .as_object()
        .ok_or_else(|| fail("InlineKeyboardButton must be an Object"))?;
    let text = match obj.get("text") {
        Some(Value::String(t)) => t,
        Some(_) => return Err(fail("Field \"text\" must be of type String")),
        None => return Err(fail("Can't find field \"text\"")),
    };
    if text.trim().is_empty() {
        return Err(ApiError::bad_request("BUTTON_TEXT_INVALID"));
    }
    let actions: Vec<&str> = INLINE_ACTIONS
        .iter()
        .copied()
        .filter(|k| match obj.get(*k) {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) => !s.is_empty() || !matches!(*k, "url" | "callback_data"),
            Some(_) => true,
        })
        .collect();
    match actions.as_slice() {
        [] => Err(fail("Text buttons are unallowed in the inline keyboard")),
        [action] => normalized_inline_button(obj, text, action),
        _ => Err(fail(&format!(
            "exactly one of the optional fields must be used, got {}",
            actions.join(", ")
        ))),
    }
}

fn normalized_inline_button(
    obj: &Map<String, Value>,
    text: &str,
    action: &str,
) -> ApiResult<Value> {
    let mut out = Map::new();
    out.insert("text".into(), json!(text));
    for extra in ["icon_custom_emoji_id", "style"] {
        if let Some(v) = obj.get(extra) {
            out.insert(extra.into(), v.clone());
        }
    }
    let value = obj.get(action).cloned().unwrap_or(Value::Null);
    match action {
        "callback_data" => {
            let data = value.as_str().unwrap_or_default();
            if data.is_empty() || data.len() > 64 {
                return Err(ApiError::bad_request("BUTTON_DATA_INVALID"));
            }
        }
        "url" => {
            let url = value.as_str().unwrap_or_default();
            let normalized =
                normalize_link(url).ok_or_else(|| ApiError::bad_request("BUTTON_URL_INVALID"))?;
            out.insert("url".into(), json!(normalized));
            return Ok(Value::Object(out));
        }
        _ => {}
    }
    out.insert(action.into(), value);
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(v: Value) -> String {
        parse(&v).expect_err("should fail").description
    }

    #[test]
    fn inline_buttons_validated() {
        assert_eq!(
            err(json!({"inline_keyboard": [[{"text": "x", "callback_data": "a".repeat(65)}]]})),
            "Bad Request: BUTTON_DATA_INVALID"
        );
        // 64 bytes of multi-byte text is over the limit in bytes.
        assert_eq!(
            err(json!({"inline_keyboard": [[{"text": "x", "callback_data": "é".repeat(33)}]]})),
            "Bad Request: BUTTON_DATA_INVALID"
        );
        assert_eq!(
            err(json!({"inline_keyboard": [[{"text": "x"}]]})),
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        );
        assert!(err(json!({"inline_keyboard": [[{"text": "x", "url": "https://a.io", "callback_data": "b"}]]})).contains("exactly one"));
        assert_eq!(
            err(json!({"inline_keyboard": [[{"text": "", "callback_data": "b"}]]})),
            "Bad Request: BUTTON_TEXT_INVALID"
        );
        assert_eq!(
            err(json!({"inline_keyboard": [[{"text": "x", "url": "nope"}]]})),
            "Bad Request: BUTTON_URL_INVALID"
        );
        let ok =
            parse(&json!({"inline_keyboard": [[{"text": "x", "callback_data": "a".repeat(64)}]]}))
                .expect("valid");
        assert!(matches!(ok, Some(Markup::Inline(_))));
    }

    #[test]
    fn reply_keyboards() {
        let m = parse(&json!({"keyboard": [["Yes", {"text": "Share", "request_contact": true}]], "one_time_keyboard": true}))
            .expect("valid")
            .expect("markup");
        let Markup::Keyboard(v) = m else {
            panic!("keyboard expected")
        };
        assert_eq!(v["keyboard"][0][0], json!({"text": "Yes"}));
        assert!(matches!(
            parse(&json!({"remove_keyboard": true})).expect("valid"),
            Some(Markup::Remove(_))
        ));
        assert_eq!(parse(&json!({"keyboard": []})).expect("valid"), None);
    }
}
