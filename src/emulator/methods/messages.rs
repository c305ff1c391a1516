//! Sending, editing, deleting, copying messages; chat actions; pins.

use serde_json::{Map, Value, json};

use super::{
    EmulatorOptions, check_flood, ensure_can_post, format_text, ok, reply_target, target_chat,
    target_thread,
};
use crate::emulator::error::{ApiError, ApiResult};
use crate::emulator::flood::Charge;
use crate::emulator::markup::{self, Markup};
use crate::emulator::params::{Params, as_i64};
use crate::emulator::text::FormattedText;
use crate::emulator::world::{StoredMessage, World, unix_now};

/// Longest message text, in UTF-16 code units after entity parsing.
pub(crate) const MAX_TEXT: usize = 4096;
/// Longest media caption.
pub(crate) const MAX_CAPTION: usize = 1024;

const CHAT_ACTIONS: &[&str] = &[
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
];

/// Where an outgoing message goes and what is attached to it.
pub(crate) struct Target {
    pub chat_id: i64,
    pub thread: Option<i64>,
    pub reply: Option<(i64, i64)>,
    pub markup: Option<Markup>,
}

/// The `reply_markup` parameter, validated.
pub(crate) fn markup_param(p: &Params) -> ApiResult<Option<Markup>> {
    match p.opt_json("reply_markup") {
        Ok(Some(v)) => markup::parse(&v),
        Ok(None) => Ok(None),
        Err(_) => Err(ApiError::bad_request(
            "can't parse reply keyboard markup JSON object",
        )),
    }
}

/// Checks everything a send of one message needs besides its content, in
/// Telegram's order, flood limits last.
pub(crate) fn prepare_send(w: &mut World, opts: &EmulatorOptions, p: &Params) -> ApiResult<Target> {
    let target = prepare_target(w, p)?;
    check_flood(w, opts, target.chat_id, Charge::Messages(1))?;
    Ok(target)
}

/// Checks where a message goes (chat, thread, reply, markup, the right to
/// post), without the flood limits.
pub(crate) fn prepare_target(w: &World, p: &Params) -> ApiResult<Target> {
    let markup = markup_param(p)?;
    let chat_id = target_chat(w, p, "chat_id")?;
    let thread = target_thread(w, chat_id, p)?;
    let reply = reply_target(w, chat_id, p)?;
    ensure_can_post(w, chat_id)?;
    Ok(Target {
        chat_id,
        thread,
        reply,
        markup,
    })
}

/// Starts a bot message: allocates the id and fills the common fields.
pub(crate) fn new_bot_message(w: &mut World, target: &Target) -> Map<String, Value> {
    let id = w
        .chats
        .get_mut(&target.chat_id)
        .map_or(0, |c| c.take_message_id());
    let mut m = w.message_head(target.chat_id, id, w.bot.id, target.thread);
    if let Some((reply_chat, reply_id)) = target.reply
        && reply_chat == target.chat_id
        && let Some(reply) = w.reply_json(reply_chat, reply_id)
    {
        m.insert("reply_to_message".into(), reply);
    }
    m
}

/// Stores a finished bot message and returns its JSON.
pub(crate) fn finish_bot_message(
    w: &mut World,
    target: Target,
    mut m: Map<String, Value>,
    source: Option<String>,
    parse_mode: Option<String>,
) -> Value {
    if let Some(inline) = target.markup.as_ref().and_then(Markup::inline) {
        m.insert("reply_markup".into(), inline.clone());
    }
    let stored = StoredMessage {
        json: Value::Object(m),
        from_bot: true,
        source,
        parse_mode,
        edited: false,
        version: 0,
        markup: target.markup,
    };
    w.store_message(target.chat_id, stored)
}

/// The message text parameter, parsed and checked for emptiness.
fn message_text(opts: &EmulatorOptions, p: &Params) -> ApiResult<(String, FormattedText)> {
    let raw = p.opt_str("text").unwrap_or_default();
    if raw.is_empty() {
        return Err(ApiError::bad_request("message text is empty"));
    }
    let formatted = format_text(
        opts,
        &raw,
        p.opt_str("parse_mode").as_deref(),
        p.opt_json("entities")?,
    )?;
    if formatted.text.is_empty() {
        return Err(ApiError::bad_request("message text is empty"));
    }
    Ok((raw, formatted))
}

/// An optional caption parameter, parsed.
pub(crate) fn caption_param(
    opts: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Option<(String, FormattedText)>> {
    let Some(raw) = p.opt_str("caption").filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let formatted = format_text(
        opts,
        &raw,
        p.opt_str("parse_mode").as_deref(),
        p.opt_json("caption_entities")?,
    )?;
    if formatted.utf16_len() > MAX_CAPTION {
        return Err(ApiError::bad_request("message caption is too long"));
    }
    Ok((!formatted.text.is_empty()).then_some((raw, formatted)))
}

/// sendMessage.
pub(crate) fn send_message(w: &mut World, opts: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    let (raw, formatted) = message_text(opts, p)?;
    let target = prepare_send(w, opts, p)?;
    if formatted.utf16_len() > MAX_TEXT {
        return Err(ApiError::bad_request("message is too long"));
    }
    let mut m = new_bot_message(w, &target);
    w.put_text(&mut m, "text", &formatted);
    Ok(finish_bot_message(
        w,
        target,
        m,
        Some(raw),
        p.opt_str("parse_mode"),
    ))
}

/// The message an edit targets: must exist and be the bot's.
fn edit_target(w: &World, p: &Params) -> ApiResult<(i64, i64)> {
    if p.has("inline_message_id") {
        return Err(ApiError::bad_request("MESSAGE_ID_INVALID"));
    }
    let chat_id = target_chat(w, p, "chat_id")?;
    let message_id = p.req_i64("message_id", "message identifier is not specified")?;
    let msg = w
        .message(chat_id, message_id)
        .ok_or_else(|| ApiError::bad_request("message to edit not found"))?;
    if !msg.from_bot {
        return Err(ApiError::bad_request("message can't be edited"));
    }
    Ok((chat_id, message_id))
}

/// The inline keyboard of an edit (an edit without one removes it).
fn edit_markup(p: &Params) -> ApiResult<Option<Value>> {
    match markup_param(p)? {
        None => Ok(None),
        Some(Markup::Inline(v)) => Ok(Some(v)),
        Some(_) => Err(ApiError::bad_request("inline keyboard expected")),
    }
}

fn not_modified() -> ApiError {
    ApiError::bad_request(
        "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    )
}

/// Applies an edit to a stored message and returns the new JSON.
fn apply_edit(
    w: &mut World,
    chat_id: i64,
    message_id: i64,
    edit: impl FnOnce(&World, &mut Map<String, Value>),
    source: Option<(String, Option<String>)>,
    markup: Option<Value>,
) -> ApiResult<Value> {
    let mut json = w
        .message(chat_id, message_id)
        .map(|m| m.json.clone())
        .ok_or_else(|| ApiError::bad_request("message to edit not found"))?;
    let obj = json
        .as_object_mut()
        .ok_or_else(|| ApiError::new(500, "Internal Server Error"))?;
    edit(w, obj);
    match &markup {
        Some(v) => obj.insert("reply_markup".into(), v.clone()),
        None => obj.remove("reply_markup"),
    };
    obj.insert("edit_date".into(), json!(unix_now()));
    let version = w.bump();
    let chat = w
        .chats
        .get_mut(&chat_id)
        .ok_or_else(ApiError::chat_not_found)?;
    chat.version = version;
    let msg = chat
        .messages
        .get_mut(&message_id)
        .ok_or_else(|| ApiError::bad_request("message to edit not found"))?;
    msg.json = json.clone();
    msg.edited = true;
    msg.version = version;
    msg.markup = markup.map(Markup::Inline);
    if let Some((src, mode)) = source {
        msg.source = Some(src);
        msg.parse_mode = mode;
    }
    Ok(json)
}

/// Whether text (or caption) and markup equal the message's current ones.
fn same_content(
    msg: &Value,
    key: &str,
    new: &Value,
    new_entities: &Value,
    markup: &Option<Value>,
) -> bool {
    let entities_key = if key == "text" {
        "entities"
    } else {
        "caption_entities"
    };
    let current_entities = msg.get(entities_key).cloned().unwrap_or(json!([]));
    msg.get(key) == Some(new)
        && &current_entities == new_entities
        && msg.get("reply_markup") == markup.as_ref()
}

/// editMessageText.
pub(crate) fn edit_message_text(
    w: &mut World,
    opts: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    let (raw, formatted) = message_text(opts, p)?;
    let markup = edit_markup(p)?;
    let (chat_id, message_id) = edit_target(w, p)?;
    let current = w
        .message(chat_id, message_id)
        .map(|m| m.json.clone())
        .unwrap_or_default();
    if current.get("text").is_none() {
        return Err(ApiError::bad_request(
            "there is no text in the message to edit",
        ));
    }
    if formatted.utf16_len() > MAX_TEXT {
        return Err(ApiError::bad_request("MESSAGE_TOO_LONG"));
    }
    let new_entities = Value::Array(formatted.entities_json(|id| w.user_json(id)));
    if same_content(
        &current,
        "text",
        &json!(formatted.text),
        &new_entities,
        &markup,
    ) {
        return Err(not_modified());
    }
    check_flood(w, opts, chat_id, Charge::Edit)?;
    apply_edit(
        w,
        chat_id,
        message_id,
        |w, m| w.put_text(m, "text", &formatted),
        Some((raw, p.opt_str("parse_mode"))),
        markup,
    )
}

/// editMessageCaption.
pub(crate) fn edit_message_caption(
    w: &mut World,
    opts: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    let caption = caption_param(opts, p)?;
    let markup = edit_markup(p)?;
    let (chat_id, message_id) = edit_target(w, p)?;
    let current = w
        .message(chat_id, message_id)
        .map(|m| m.json.clone())
        .unwrap_or_default();
    if current.get("text").is_some() {
        return Err(ApiError::bad_request(
            "there is no caption in the message to edit",
        ));
    }
    let formatted = caption.as_ref().map(|(_, f)| f.clone()).unwrap_or_default();
    let new_entities = Value::Array(formatted.entities_json(|id| w.user_json(id)));
    let new_caption = if formatted.text.is_empty() {
        Value::Null
    } else {
        json!(formatted.text)
    };
    let current_caption = current.get("caption").cloned().unwrap_or(Value::Null);
    let current_entities = current
        .get("caption_entities")
        .cloned()
        .unwrap_or(json!([]));
    if current_caption == new_caption
        && current_entities == new_entities
        && current.get("reply_markup") == markup.as_ref()
    {
        return Err(not_modified());
    }
    check_flood(w, opts, chat_id, Charge::Edit)?;
    let source = caption.map(|(raw, _)| (raw, p.opt_str("parse_mode")));
    apply_edit(
        w,
        chat_id,
        message_id,
        |w, m| {
            if formatted.text.is_empty() {
                m.remove("caption");
                m.remove("caption_entities");
            } else {
                w.put_text(m, "caption", &formatted);
            }
        },
        source,
        markup,
    )
}

/// editMessageReplyMarkup.
pub(crate) fn edit_message_reply_markup(
    w: &mut World,
    opts: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    let markup = edit_markup(p)?;
    let (chat_id, message_id) = edit_target(w, p)?;
    let current = w
        .message(chat_id, message_id)
        .and_then(|m| m.json.get("reply_markup").cloned());
    if current == markup {
        return Err(not_modified());
    }
    check_flood(w, opts, chat_id, Charge::Edit)?;
    apply_edit(w, chat_id, message_id, |_, _| {}, None, markup)
}

fn remove_message(w: &mut World, chat_id: i64, message_id: i64) -> bool {
    let removed = w
        .chats
        .get_mut(&chat_id)
        .and_then(|c| c.messages.remove(&message_id))
        .is_some();
    if removed {
        w.touch_chat(chat_id);
    }
    removed
}

/// deleteMessage.
pub(crate) fn delete_message(w: &mut World, _: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    let chat_id = target_chat(w, p, "chat_id")?;
    let message_id = p.req_i64("message_id", "message identifier is not specified")?;
    if !remove_message(w, chat_id, message_id) {
        return Err(ApiError::bad_request("message to delete not found"));
    }
    ok()
}

/// deleteMessages (1-100 ids; missing ones are skipped).
pub(crate) fn delete_messages(w: &mut World, _: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    let chat_id = target_chat(w, p, "chat_id")?;
    let ids = p
        .opt_json("message_ids")?
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    if ids.is_empty() || ids.len() > 100 {
        return Err(ApiError::bad_request(
            "too many message identifiers specified",
        ));
    }
    let mut any = false;
    for id in ids.iter().filter_map(as_i64) {
        any |= remove_message(w, chat_id, id);
    }
    if !any {
        return Err(ApiError::bad_request("message to delete not found"));
    }
    ok()
}

/// The content fields of a message that a copy carries over.
const CONTENT_KEYS: &[&str] = &[
    "text",
    "entities",
    "photo",
    "document",
    "voice",
    "audio",
    "video",
    "animation",
    "sticker",
    "location",
    "contact",
    "caption",
    "caption_entities",
];

fn source_message(w: &World, p: &Params, missing: &str) -> ApiResult<Value> {
    let from_chat = target_chat(w, p, "from_chat_id")?;
    let id = p.req_i64("message_id", "message identifier is not specified")?;
    w.message(from_chat, id)
        .map(|m| m.json.clone())
        .ok_or_else(|| ApiError::bad_request(missing))
}

/// copyMessage: the content is sent anew by the bot; returns a MessageId.
pub(crate) fn copy_message(w: &mut World, opts: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    let source = source_message(w, p, "message to copy not found")?;
    let caption = caption_param(opts, p)?;
    let target = prepare_send(w, opts, p)?;
    let mut m = new_bot_message(w, &target);
    for key in CONTENT_KEYS {
        if let Some(v) = source.get(*key) {
            m.insert((*key).into(), v.clone());
        }
    }
    if let Some((_, formatted)) = &caption {
        w.put_text(&mut m, "caption", formatted);
    }
    let text = m
        .get("text")
        .or(m.get("caption"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let msg = finish_bot_message(w, target, m, text, None);
    Ok(json!({ "message_id": msg["message_id"] }))
}

/// forwardMessage: the content with a `forward_origin`.
pub(crate) fn forward_message(
    w: &mut World,
    opts: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    let source = source_message(w, p, "message to forward not found")?;
    let target = prepare_send(w, opts, p)?;
    let mut m = new_bot_message(w, &target);
    m.remove("reply_to_message");
    let origin = match source.get("from") {
        Some(from) => json!({"type": "user", "date": source["date"], "sender_user": from}),
        None => {
            json!({"type": "hidden_user", "date": source["date"], "sender_user_name": "Hidden"})
        }
    };
    m.insert("forward_origin".into(), origin);
    for key in CONTENT_KEYS {
        if let Some(v) = source.get(*key) {
            m.insert((*key).into(), v.clone());
        }
    }
    Ok(finish_bot_message(w, target, m, None, None))
}

/// sendChatAction.
pub(crate) fn send_chat_action(w: &mut World, _: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    let action = p.opt_str("action").unwrap_or_default();
    if !CHAT_ACTIONS.contains(&action.as_str()) {
        return Err(ApiError::bad_request("wrong parameter action in request"));
    }
    let chat_id = target_chat(w, p, "chat_id")?;
    target_thread(w, chat_id, p)?;
    ensure_can_post(w, chat_id)?;
    if let Some(chat) = w.chats.get_mut(&chat_id) {
        chat.last_action = Some(action);
    }
    ok()
}

/// pinChatMessage.
pub(crate) fn pin_chat_message(w: &mut World, _: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    let chat_id = target_chat(w, p, "chat_id")?;
    let message_id = p.req_i64("message_id", "message identifier is not specified")?;
    if w.message(chat_id, message_id).is_none() {
        return Err(ApiError::bad_request("message to pin not found"));
    }
    ok()
}

/// unpinChatMessage.
pub(crate) fn unpin_chat_message(
    w: &mut World,
    _: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    target_chat(w, p, "chat_id")?;
    ok()
}

/// unpinAllChatMessages.
pub(crate) fn unpin_all_chat_messages(
    w: &mut World,
    _: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    target_chat(w, p, "chat_id")?;
    ok()
}
