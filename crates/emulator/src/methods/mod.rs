//! The Bot API methods the emulator serves, and helpers they share.

pub(crate) mod bot;
mod forum;
mod media;
mod messages;
mod updates;

pub(crate) use bot::register_callback;

use std::time::Instant;

use serde_json::{Value, json};

use super::EmulatorOptions;
use super::error::{ApiError, ApiResult};
use super::flood::Charge;
use super::html::{HtmlOptions, parse_html};
use super::markdown;
use super::params::Params;
use super::text::{Entity, FormattedText, sort_entities};
use super::world::{ChatKind, Shared, World};

/// A successful answer: `result` plus the optional `description` Telegram
/// adds to some answers (e.g. "Webhook was set").
pub(crate) struct Success {
    pub result: Value,
    pub description: Option<&'static str>,
}

impl From<Value> for Success {
    fn from(result: Value) -> Self {
        Self {
            result,
            description: None,
        }
    }
}

/// A method served under the world lock.
type SyncHandler = fn(&mut World, &EmulatorOptions, &Params) -> ApiResult<Value>;

/// Every method the emulator serves, by canonical name. `getUpdates`,
/// `setWebhook`, `deleteWebhook` and `getWebhookInfo` are handled apart
/// (long polling and answer descriptions).
const SYNC_METHODS: &[(&str, SyncHandler)] = &[
    ("getMe", bot::get_me),
    ("logOut", bot::ok_true),
    ("close", bot::ok_true),
    ("getChat", bot::get_chat),
    ("getChatMember", bot::get_chat_member),
    ("sendMessage", messages::send_message),
    ("editMessageText", messages::edit_message_text),
    ("editMessageCaption", messages::edit_message_caption),
    (
        "editMessageReplyMarkup",
        messages::edit_message_reply_markup,
    ),
    ("deleteMessage", messages::delete_message),
    ("deleteMessages", messages::delete_messages),
    ("setMessageReaction", messages::set_message_reaction),
    ("copyMessage", messages::copy_message),
    ("forwardMessage", messages::forward_message),
    ("copyMessages", messages::copy_messages),
    ("forwardMessages", messages::forward_messages),
    ("sendChatAction", messages::send_chat_action),
    ("leaveChat", leave_chat),
    ("pinChatMessage", messages::pin_chat_message),
    ("unpinChatMessage", messages::unpin_chat_message),
    ("unpinAllChatMessages", messages::unpin_all_chat_messages),
    ("answerCallbackQuery", bot::answer_callback_query),
    ("setMyCommands", bot::set_my_commands),
    ("getMyCommands", bot::get_my_commands),
    ("deleteMyCommands", bot::delete_my_commands),
    ("setMyName", bot::set_my_name),
    ("getMyName", bot::get_my_name),
    ("setMyDescription", bot::set_my_description),
    ("getMyDescription", bot::get_my_description),
    ("setMyShortDescription", bot::set_my_short_description),
    ("getMyShortDescription", bot::get_my_short_description),
    ("setChatMenuButton", bot::ok_true),
    ("getChatMenuButton", bot::get_chat_menu_button),
    ("sendPhoto", media::send_photo),
    ("sendDocument", media::send_document),
    ("sendVoice", media::send_voice),
    ("sendAudio", media::send_audio),
    ("sendVideo", media::send_video),
    ("sendAnimation", media::send_animation),
    ("sendSticker", media::send_sticker),
    ("sendLocation", media::send_location),
    ("sendContact", media::send_contact),
    ("sendMediaGroup", media::send_media_group),
    ("getFile", media::get_file),
    ("createForumTopic", forum::create_forum_topic),
    ("editForumTopic", forum::edit_forum_topic),
    ("closeForumTopic", forum::close_forum_topic),
    ("reopenForumTopic", forum::reopen_forum_topic),
    ("deleteForumTopic", forum::delete_forum_topic),
];

/// Methods served outside the world lock.
const ASYNC_METHODS: &[&str] = &[
    "getUpdates",
    "setWebhook",
    "deleteWebhook",
    "getWebhookInfo",
];

/// Every method name the emulator serves.
pub fn served_methods() -> Vec<&'static str> {
    ASYNC_METHODS
        .iter()
        .copied()
        .chain(SYNC_METHODS.iter().map(|(name, _)| *name))
        .collect()
}

/// The canonical name of a served method (case-insensitive lookup).
pub fn canonical(name: &str) -> Option<&'static str> {
    served_methods()
        .into_iter()
        .find(|m| m.eq_ignore_ascii_case(name))
}

/// Serves one call of a served method.
pub(crate) async fn call(
    shared: &Shared,
    method: &'static str,
    params: &Params,
) -> ApiResult<Success> {
    match method {
        "getUpdates" => updates::get_updates(shared, params)
            .await
            .map(Success::from),
        "setWebhook" => updates::set_webhook(shared, params),
        "deleteWebhook" => updates::delete_webhook(shared, params),
        "getWebhookInfo" => updates::get_webhook_info(shared).map(Success::from),
        _ => {
            let handler = SYNC_METHODS
                .iter()
                .find(|(name, _)| *name == method)
                .map(|(_, h)| *h)
                .ok_or_else(ApiError::not_found)?;
            let mut world = shared.world();
            world.flood.begin(method);
            let outcome = handler(&mut world, &shared.options, params);
            world.flood.finish(outcome.is_ok(), Instant::now());
            outcome.map(Success::from)
        }
    }
}

// ----- helpers shared by the methods ------------------------------------------

/// Resolves the `chat_id` parameter to a known chat.
pub(crate) fn target_chat(w: &World, p: &Params, key: &str) -> ApiResult<i64> {
    let value = p
        .get(key)
        .ok_or_else(|| ApiError::bad_request(format!("{key} is empty")))?;
    if value.as_str().is_some_and(|s| s.trim().is_empty()) {
        return Err(ApiError::bad_request(format!("{key} is empty")));
    }
    w.resolve_chat(value).ok_or_else(ApiError::chat_not_found)
}

/// Whether the bot may post in a chat right now (blocked users, users who
/// never started the bot).
/// leaveChat: the bot leaves a group; posting there is then refused.
fn leave_chat(w: &mut World, _: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    let chat_id = target_chat(w, p, "chat_id")?;
    match w.chats.get_mut(&chat_id) {
        Some(chat) if matches!(chat.kind, ChatKind::Private { .. }) => Err(ApiError::bad_request(
            "chat member status can't be changed in private chats",
        )),
        Some(chat) => {
            chat.bot_left = true;
            w.touch_chat(chat_id);
            Ok(Value::Bool(true))
        }
        None => Err(ApiError::chat_not_found()),
    }
}

pub(crate) fn ensure_can_post(w: &World, chat_id: i64) -> ApiResult<()> {
    let Some(chat) = w.chats.get(&chat_id) else {
        return Err(ApiError::chat_not_found());
    };
    if chat.bot_left {
        return Err(ApiError::forbidden(
            "bot is not a member of the supergroup chat",
        ));
    }
    if let ChatKind::Private { .. } = chat.kind {
        if chat.blocked {
            return Err(ApiError::forbidden("bot was blocked by the user"));
        }
        if !chat.started {
            return Err(ApiError::forbidden(
                "bot can't initiate conversation with a user",
            ));
        }
    }
    Ok(())
}

/// Telegram's flood limits, when enabled: whether the call being served may
/// do `charge` in a chat (`429 retry after N` if not). Handlers call it once
/// the call is otherwise valid and before any effect; the charge counts only
/// if the call then succeeds (see [`super::flood`]).
pub(crate) fn check_flood(
    w: &mut World,
    options: &EmulatorOptions,
    chat_id: i64,
    charge: Charge,
) -> ApiResult<()> {
    let Some(limits) = &options.flood_control else {
        return Ok(());
    };
    let is_group = match w.chats.get(&chat_id).map(|c| &c.kind) {
        Some(ChatKind::Private { .. }) => false,
        Some(ChatKind::Group { .. } | ChatKind::Supergroup { .. }) => true,
        // Handlers resolve the chat first; an unknown one posts nothing.
        None => return Ok(()),
    };
    w.flood
        .check(limits, Instant::now(), chat_id, is_group, charge)
}

/// The message thread to post into: checked against the chat's topics.
pub(crate) fn target_thread(w: &World, chat_id: i64, p: &Params) -> ApiResult<Option<i64>> {
    let Some(thread) = p.opt_i64("message_thread_id")? else {
        return Ok(None);
    };
    let Some(chat) = w.chats.get(&chat_id) else {
        return Err(ApiError::chat_not_found());
    };
    if !chat.is_forum() {
        return Ok(None);
    }
    match chat.topics.get(&thread) {
        Some(topic) if topic.closed => Err(ApiError::bad_request("TOPIC_CLOSED")),
        Some(_) => Ok(Some(thread)),
        None if thread == 1 => Ok(None),
        None => Err(ApiError::bad_request("message thread not found")),
    }
}

/// The message being replied to, from `reply_parameters` or the legacy
/// `reply_to_message_id`; `None` when absent or allowed to be missing.
pub(crate) fn reply_target(w: &World, chat_id: i64, p: &Params) -> ApiResult<Option<(i64, i64)>> {
    let (message_id, reply_chat, allow_missing) = match p.opt_json("reply_parameters")? {
        Some(rp) => {
            let id = rp
                .get("message_id")
                .and_then(super::params::as_i64)
                .ok_or_else(|| ApiError::bad_request("message identifier is not specified"))?;
            let chat = match rp.get("chat_id") {
                Some(c) => w.resolve_chat(c).ok_or_else(ApiError::chat_not_found)?,
                None => chat_id,
            };
            let allow = rp
                .get("allow_sending_without_reply")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            (id, chat, allow)
        }
        None => match p.opt_i64("reply_to_message_id")? {
            Some(id) => (id, chat_id, p.flag("allow_sending_without_reply")),
            None => return Ok(None),
        },
    };
    if w.message(reply_chat, message_id).is_some() {
        Ok(Some((reply_chat, message_id)))
    } else if allow_missing {
        Ok(None)
    } else {
        Err(ApiError::bad_request("message to be replied not found"))
    }
}

/// Parses text with `parse_mode` (or explicit `entities`) into formatted
/// text, then trims it and adds the entities Telegram detects.
pub(crate) fn format_text(
    options: &EmulatorOptions,
    raw: &str,
    parse_mode: Option<&str>,
    entities: Option<Value>,
) -> ApiResult<FormattedText> {
    let mode = parse_mode.unwrap_or("").to_ascii_lowercase();
    let parse_error = |e: String| ApiError::bad_request(format!("can't parse entities: {e}"));
    let formatted = match mode.as_str() {
        "" | "none" => explicit_entities(raw, entities)?,
        "html" => parse_html(
            raw,
            HtmlOptions {
                strict_ampersand: options.strict_html_ampersand,
            },
        )
        .map_err(parse_error)?,
        "markdownv2" => markdown::parse_markdown_v2(raw).map_err(parse_error)?,
        "markdown" => markdown::parse_markdown_legacy(raw).map_err(parse_error)?,
        _ => return Err(ApiError::bad_request("unsupported parse_mode")),
    };
    Ok(formatted.trimmed().with_detected_entities())
}

fn explicit_entities(raw: &str, entities: Option<Value>) -> ApiResult<FormattedText> {
    let mut out = FormattedText::plain(raw);
    let Some(list) = entities else {
        return Ok(out);
    };
    let list = list
        .as_array()
        .ok_or_else(|| ApiError::bad_request("can't parse entities JSON object"))?;
    for item in list {
        let entity = Entity::from_json(item)
            .ok_or_else(|| ApiError::bad_request("can't parse MessageEntity"))?;
        if entity.length > 0 && entity.end() <= out.utf16_len() {
            out.entities.push(entity);
        }
    }
    sort_entities(&mut out.entities);
    Ok(out)
}

/// `true` as a result.
pub(crate) fn ok() -> ApiResult<Value> {
    Ok(json!(true))
}
