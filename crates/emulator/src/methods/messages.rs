//! Sending, editing, deleting, copying messages; chat actions; pins.

use serde_json::{Map, Value, json};

use super::{
    EmulatorOptions, check_flood, ensure_can_post, format_text, ok, reply_target, target_chat,
    target_thread,
};
use crate::error::{ApiError, ApiResult};
use crate::flood::Charge;
use crate::markup::{self, Markup};
use crate::params::{Params, as_i64};
use crate::text::FormattedText;
use crate::world::{StoredMessage, World, unix_now};

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
    "video_note",
    "animation",
    "sticker",
    "location",
    "venue",
    "contact",
    "dice",
    "caption",
    "caption_entities",
];

/// Fields that make a message a service message (Message fields of the
/// spec that describe an event rather than content): neither copied nor
/// forwarded.
const SERVICE_KEYS: &[&str] = &[
    "new_chat_members",
    "left_chat_member",
    "new_chat_title",
    "new_chat_photo",
    "delete_chat_photo",
    "group_chat_created",
    "supergroup_chat_created",
    "channel_chat_created",
    "message_auto_delete_timer_changed",
    "migrate_to_chat_id",
    "migrate_from_chat_id",
    "pinned_message",
    "successful_payment",
    "refunded_payment",
    "users_shared",
    "chat_shared",
    "gift",
    "unique_gift",
    "connected_website",
    "write_access_allowed",
    "passport_data",
    "proximity_alert_triggered",
    "boost_added",
    "chat_background_set",
    "checklist_tasks_done",
    "checklist_tasks_added",
    "direct_message_price_changed",
    "forum_topic_created",
    "forum_topic_edited",
    "forum_topic_closed",
    "forum_topic_reopened",
    "general_forum_topic_hidden",
    "general_forum_topic_unhidden",
    "giveaway_created",
    "giveaway_completed",
    "paid_message_price_changed",
    "video_chat_scheduled",
    "video_chat_started",
    "video_chat_ended",
    "video_chat_participants_invited",
    "web_app_data",
];

/// Content that can be forwarded but not copied (Bot API: "paid media
/// messages, giveaway messages, giveaway winners messages, and invoice
/// messages can't be copied").
const NOT_COPYABLE_KEYS: &[&str] = &["paid_media", "giveaway", "giveaway_winners", "invoice"];

/// How the bot reproduces a message of another (or the same) chat.
#[derive(Clone, Copy)]
enum Reproduce<'a> {
    /// copyMessage(s): the content anew, without a link to the original.
    /// `caption`: `None` keeps the original caption, `Some(None)` removes
    /// it, `Some(Some(c))` replaces it.
    Copy {
        caption: Option<Option<&'a FormattedText>>,
    },
    /// forwardMessage(s): the content with a `forward_origin`.
    Forward,
}

impl Reproduce<'_> {
    /// Whether a message can be reproduced this way: service messages
    /// never; paid media, giveaways and invoices are not copied; messages
    /// with protected content are not forwarded (bots may copy them).
    fn allows(self, source: &Value) -> bool {
        let has = |k: &&str| source.get(*k).is_some();
        if SERVICE_KEYS.iter().any(has) {
            return false;
        }
        match self {
            Reproduce::Copy { .. } => !NOT_COPYABLE_KEYS.iter().any(has),
            Reproduce::Forward => source.get("has_protected_content") != Some(&json!(true)),
        }
    }

    /// The answer when a single message can't be reproduced.
    fn refused(self) -> ApiError {
        match self {
            Reproduce::Copy { .. } => ApiError::bad_request("message can't be copied"),
            Reproduce::Forward => ApiError::bad_request("message can't be forwarded"),
        }
    }
}

/// The forward origin of a message: the original's, when it is itself a
/// forward, else its sender.
fn forward_origin(source: &Value) -> Value {
    if let Some(origin) = source.get("forward_origin") {
        return origin.clone();
    }
    match source.get("from") {
        Some(from) => json!({"type": "user", "date": source["date"], "sender_user": from}),
        None => {
            json!({"type": "hidden_user", "date": source["date"], "sender_user_name": "Hidden"})
        }
    }
}

/// Posts one message reproducing `source` (copy or forward) at `target`,
/// optionally protected and in a media group; returns the new Message.
/// Shared by copyMessage, copyMessages, forwardMessage and
/// forwardMessages. Flood limits are the caller's.
fn reproduce(
    w: &mut World,
    target: Target,
    source: &Value,
    how: Reproduce<'_>,
    protect: bool,
    media_group: Option<&str>,
) -> Value {
    let mut m = new_bot_message(w, &target);
    if let Reproduce::Forward = how {
        m.remove("reply_to_message");
        m.insert("forward_origin".into(), forward_origin(source));
    }
    if protect {
        m.insert("has_protected_content".into(), json!(true));
    }
    if let Some(group) = media_group {
        m.insert("media_group_id".into(), json!(group));
    }
    for key in CONTENT_KEYS {
        if let Some(v) = source.get(*key) {
            m.insert((*key).into(), v.clone());
        }
    }
    let Reproduce::Copy { caption } = how else {
        return finish_bot_message(w, target, m, None, None);
    };
    match caption {
        Some(Some(formatted)) => w.put_text(&mut m, "caption", formatted),
        Some(None) => {
            m.remove("caption");
            m.remove("caption_entities");
        }
        None => {}
    }
    let text = m
        .get("text")
        .or(m.get("caption"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    finish_bot_message(w, target, m, text, None)
}

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
    // A `caption` given empty removes the original one.
    let how = Reproduce::Copy {
        caption: p.has("caption").then(|| caption.as_ref().map(|(_, f)| f)),
    };
    if !how.allows(&source) {
        return Err(how.refused());
    }
    let target = prepare_send(w, opts, p)?;
    let msg = reproduce(w, target, &source, how, p.flag("protect_content"), None);
    Ok(json!({ "message_id": msg["message_id"] }))
}

/// forwardMessage: the content with a `forward_origin`.
pub(crate) fn forward_message(
    w: &mut World,
    opts: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    let source = source_message(w, p, "message to forward not found")?;
    if !Reproduce::Forward.allows(&source) {
        return Err(Reproduce::Forward.refused());
    }
    let target = prepare_send(w, opts, p)?;
    Ok(reproduce(
        w,
        target,
        &source,
        Reproduce::Forward,
        p.flag("protect_content"),
        None,
    ))
}

/// Most messages copyMessages and forwardMessages take at once.
const MAX_BATCH: usize = 100;

/// The `message_ids` of copyMessages / forwardMessages: 1-100 valid ids
/// (their order is checked once the chats are).
fn batch_ids(p: &Params) -> ApiResult<Vec<i64>> {
    let list = match p.opt_json("message_ids")? {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list,
        Some(_) => {
            return Err(ApiError::bad_request(
                "can't parse message identifiers JSON array",
            ));
        }
    };
    if list.is_empty() {
        return Err(ApiError::bad_request(
            "message identifiers are not specified",
        ));
    }
    if list.len() > MAX_BATCH {
        return Err(ApiError::bad_request(
            "too many message identifiers specified",
        ));
    }
    let ids = list
        .iter()
        .map(|v| as_i64(v).filter(|id| *id > 0))
        .collect::<Option<Vec<i64>>>()
        .ok_or_else(|| ApiError::bad_request("invalid message identifier"))?;
    Ok(ids)
}

/// copyMessages / forwardMessages: the messages that exist and can be
/// reproduced, in order, as one call (skipping the others, all or nothing
/// under the flood limits); albums stay albums. Returns MessageIds.
fn reproduce_batch(
    w: &mut World,
    opts: &EmulatorOptions,
    p: &Params,
    how: Reproduce<'_>,
) -> ApiResult<Value> {
    let ids = batch_ids(p)?;
    let chat_id = target_chat(w, p, "chat_id")?;
    let thread = target_thread(w, chat_id, p)?;
    ensure_can_post(w, chat_id)?;
    let from_chat = target_chat(w, p, "from_chat_id")?;
    if ids.windows(2).any(|pair| pair[0] >= pair[1]) {
        return Err(ApiError::bad_request(
            "message identifiers must be in a strictly increasing order",
        ));
    }
    let sources: Vec<Value> = ids
        .iter()
        .filter_map(|id| w.message(from_chat, *id))
        .map(|m| m.json.clone())
        .filter(|json| how.allows(json))
        .collect();
    if sources.is_empty() {
        // TDLib's wording, answered for copyMessages too.
        return Err(ApiError::bad_request("there are no messages to forward"));
    }
    check_flood(w, opts, chat_id, Charge::Messages(sources.len()))?;
    // A new media group for every album of which two messages or more are
    // reproduced; a lone message of an album is reproduced alone.
    let mut albums: Vec<(String, usize, Option<String>)> = Vec::new();
    for group in sources
        .iter()
        .filter_map(|s| s.get("media_group_id").and_then(Value::as_str))
    {
        match albums.iter_mut().find(|(g, _, _)| g == group) {
            Some(album) => album.1 += 1,
            None => albums.push((group.to_owned(), 1, None)),
        }
    }
    for album in albums.iter_mut().filter(|a| a.1 >= 2) {
        album.2 = Some(format!("1{:017}", w.bump()));
    }
    let protect = p.flag("protect_content");
    let mut out = Vec::with_capacity(sources.len());
    for source in &sources {
        let media_group = source
            .get("media_group_id")
            .and_then(Value::as_str)
            .and_then(|g| albums.iter().find(|a| a.0 == g))
            .and_then(|a| a.2.as_deref());
        let target = Target {
            chat_id,
            thread,
            reply: None,
            markup: None,
        };
        let msg = reproduce(w, target, source, how, protect, media_group);
        out.push(json!({ "message_id": msg["message_id"] }));
    }
    Ok(Value::Array(out))
}

/// copyMessages: 1-100 messages copied in order (Bot API 7.0).
pub(crate) fn copy_messages(w: &mut World, opts: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    let caption = p.flag("remove_caption").then_some(None);
    reproduce_batch(w, opts, p, Reproduce::Copy { caption })
}

/// forwardMessages: 1-100 messages forwarded in order (Bot API 7.0).
pub(crate) fn forward_messages(
    w: &mut World,
    opts: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    reproduce_batch(w, opts, p, Reproduce::Forward)
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

/// The emoji a bot may react with (`ReactionTypeEmoji` in the Bot API).
const REACTION_EMOJI: &[&str] = &[
    "❤",
    "👍",
    "👎",
    "🔥",
    "🥰",
    "👏",
    "😁",
    "🤔",
    "🤯",
    "😱",
    "🤬",
    "😢",
    "🎉",
    "🤩",
    "🤮",
    "💩",
    "🙏",
    "👌",
    "🕊",
    "🤡",
    "🥱",
    "🥴",
    "😍",
    "🐳",
    "❤\u{200d}🔥",
    "🌚",
    "🌭",
    "💯",
    "🤣",
    "⚡",
    "🍌",
    "🏆",
    "💔",
    "🤨",
    "😐",
    "🍓",
    "🍾",
    "💋",
    "🖕",
    "😈",
    "😴",
    "😭",
    "🤓",
    "👻",
    "👨\u{200d}💻",
    "👀",
    "🎃",
    "🙈",
    "😇",
    "😨",
    "🤝",
    "✍",
    "🤗",
    "🫡",
    "🎅",
    "🎄",
    "☃",
    "💅",
    "🤪",
    "🗿",
    "🆒",
    "💘",
    "🙉",
    "🦄",
    "😘",
    "💊",
    "🙊",
    "😎",
    "👾",
    "🤷\u{200d}♂",
    "🤷",
    "🤷\u{200d}♀",
    "😡",
];

/// setMessageReaction: the bot's one reaction on a message (none: removed).
pub(crate) fn set_message_reaction(
    w: &mut World,
    _: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    let chat_id = target_chat(w, p, "chat_id")?;
    let message_id = p.req_i64("message_id", "message identifier is not specified")?;
    let reactions = p
        .opt_json("reaction")?
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    if reactions.len() > 1 {
        return Err(ApiError::bad_request("REACTIONS_TOO_MANY"));
    }
    let emoji = match reactions.first() {
        None => None,
        Some(reaction) => match (reaction["type"].as_str(), reaction["emoji"].as_str()) {
            (Some("emoji"), Some(emoji)) if REACTION_EMOJI.contains(&emoji) => {
                Some(emoji.to_owned())
            }
            _ => return Err(ApiError::bad_request("REACTION_INVALID")),
        },
    };
    let chat = w
        .chats
        .get_mut(&chat_id)
        .ok_or_else(ApiError::chat_not_found)?;
    if !chat.messages.contains_key(&message_id) {
        return Err(ApiError::bad_request("message to react not found"));
    }
    match emoji {
        Some(emoji) => chat.bot_reactions.insert(message_id, emoji),
        None => chat.bot_reactions.remove(&message_id),
    };
    w.touch_chat(chat_id);
    ok()
}
