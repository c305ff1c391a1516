//! The bot itself: getMe, commands, names and descriptions, callback query
//! answers, chat info.

use std::time::Instant;

use serde_json::{Value, json};

use super::{EmulatorOptions, ok, target_chat};
use crate::error::{ApiError, ApiResult};
use crate::params::Params;
use crate::text::utf16_len;
use crate::world::{BotCommandEntry, BotMembership, CallbackAnswer, ChatKind, MemberStatus, World};

const QUERY_INVALID: &str = "query is too old and response timeout expired or query ID is invalid";

/// getMe.
pub(crate) fn get_me(w: &mut World, _: &EmulatorOptions, _: &Params) -> ApiResult<Value> {
    let mut me = w.bot_json();
    for (key, value) in [
        ("can_join_groups", true),
        ("can_read_all_group_messages", false),
        ("supports_inline_queries", false),
        ("can_connect_to_business", false),
        ("has_main_web_app", false),
    ] {
        me[key] = json!(value);
    }
    Ok(me)
}

/// Methods that just succeed (logOut, close, setChatMenuButton).
pub(crate) fn ok_true(_: &mut World, _: &EmulatorOptions, _: &Params) -> ApiResult<Value> {
    ok()
}

/// getChat: a ChatFullInfo (`is_forum` for supergroups with topics). A
/// group the bot left is "chat not found", as in Telegram.
pub(crate) fn get_chat(w: &mut World, _: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    let chat_id = target_chat(w, p, "chat_id")?;
    if w.chats.get(&chat_id).is_some_and(|chat| chat.bot_left) {
        return Err(ApiError::chat_not_found());
    }
    let mut info = w.chat_json(chat_id);
    info["accent_color_id"] = json!(chat_id.rem_euclid(7));
    info["max_reaction_count"] = json!(11);
    info["accepted_gift_types"] = json!({
        "unlimited_gifts": false,
        "limited_gifts": false,
        "unique_gifts": false,
        "premium_subscription": false,
        "gifts_from_channels": false,
    });
    Ok(info)
}

/// getChatMember: users of private chats are members; the bot is a member
/// (or "kicked" when blocked). In groups the bot is what the test set
/// (an administrator with rights, a member) or "left"; users are members.
pub(crate) fn get_chat_member(w: &mut World, _: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    let chat_id = target_chat(w, p, "chat_id")?;
    let user_id = p.req_i64("user_id", "user_id is empty")?;
    let chat = w.chats.get(&chat_id).ok_or_else(ApiError::chat_not_found)?;
    let is_bot = user_id == w.bot.id;
    let known = is_bot || w.users.contains_key(&user_id);
    if !known {
        return Err(ApiError::bad_request("user not found"));
    }
    let user = w.user_json(user_id);
    if let (ChatKind::Private { .. }, true, true) = (&chat.kind, is_bot, chat.blocked) {
        return Ok(json!({ "user": user, "status": "kicked", "until_date": 0 }));
    }
    let in_group = !matches!(chat.kind, ChatKind::Private { .. });
    if !in_group {
        return Ok(json!({ "user": user, "status": "member" }));
    }
    if !is_bot {
        let status = chat
            .member_statuses
            .get(&user_id)
            .copied()
            .unwrap_or_default();
        return Ok(user_member_json(user, status));
    }
    if chat.bot_left {
        return Ok(json!({ "user": user, "status": "left" }));
    }
    Ok(match chat.bot_membership {
        BotMembership::Member => json!({ "user": user, "status": "member" }),
        BotMembership::Administrator(rights) => json!({
            "user": user,
            "status": "administrator",
            "can_be_edited": false,
            "is_anonymous": false,
            "can_manage_chat": true,
            "can_delete_messages": rights.can_delete_messages,
            "can_manage_video_chats": false,
            "can_restrict_members": false,
            "can_promote_members": false,
            "can_change_info": false,
            "can_invite_users": true,
            "can_post_stories": false,
            "can_edit_stories": false,
            "can_delete_stories": false,
            "can_pin_messages": rights.can_pin_messages,
            "can_manage_topics": rights.can_manage_topics,
        }),
    })
}

/// answerCallbackQuery: each query can be answered once.
pub(crate) fn answer_callback_query(
    w: &mut World,
    opts: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    let id = p.req_str("callback_query_id", "query_id is empty")?;
    let text = p.opt_str("text").filter(|t| !t.is_empty());
    if text.as_deref().is_some_and(|t| utf16_len(t) > 200) {
        return Err(ApiError::bad_request("MESSAGE_TOO_LONG"));
    }
    let answer = CallbackAnswer {
        text,
        show_alert: p.flag("show_alert"),
        url: p.opt_str("url"),
    };
    let timeout = opts.callback_query_timeout;
    let state = w
        .callbacks
        .get_mut(&id)
        .filter(|s| s.answer.is_none())
        .filter(|s| timeout.is_none_or(|t| s.created.elapsed() <= t))
        .ok_or_else(|| ApiError::bad_request(QUERY_INVALID))?;
    state.answer = Some(answer.clone());
    let chat_id = state.chat_id;
    if let Some(chat_id) = chat_id {
        if let Some(chat) = w.chats.get_mut(&chat_id) {
            chat.last_answer = Some(answer);
        }
        w.touch_chat(chat_id);
    }
    ok()
}

/// Registers a callback query the emulator is about to emit.
pub(crate) fn register_callback(w: &mut World, chat_id: Option<i64>) -> String {
    let seq = w.next_callback_seq;
    w.next_callback_seq += 1;
    let id = format!("{}{seq:06}", w.bot.id.unsigned_abs() % 1_000_000_000);
    w.callbacks.insert(
        id.clone(),
        crate::world::CallbackState {
            chat_id,
            created: Instant::now(),
            answer: None,
        },
    );
    id
}

// ----- commands ----------------------------------------------------------------

/// The storage key of a BotCommandScope (`default`, `chat:<id>`, ...).
fn scope_key(w: &World, p: &Params) -> ApiResult<String> {
    let Some(scope) = p
        .opt_json("scope")
        .map_err(|_| ApiError::bad_request("can't parse BotCommandScope JSON object"))?
    else {
        return Ok("default".to_owned());
    };
    let fail = |m: &str| ApiError::bad_request(format!("can't parse BotCommandScope: {m}"));
    let kind = scope
        .get("type")
        .and_then(Value::as_str)
        .ok_or_else(|| fail("Can't find field \"type\""))?;
    match kind {
        "default" | "all_private_chats" | "all_group_chats" | "all_chat_administrators" => {
            Ok(kind.to_owned())
        }
        "chat" | "chat_administrators" | "chat_member" => {
            let chat = scope
                .get("chat_id")
                .ok_or_else(|| fail("Can't find field \"chat_id\""))?;
            let chat_id = w.resolve_chat(chat).ok_or_else(ApiError::chat_not_found)?;
            if kind != "chat_member" {
                return Ok(format!("{kind}:{chat_id}"));
            }
            let user = scope
                .get("user_id")
                .and_then(crate::params::as_i64)
                .filter(|u| *u > 0)
                .ok_or_else(|| fail("Invalid user_id specified"))?;
            Ok(format!("{kind}:{chat_id}:{user}"))
        }
        _ => Err(fail("Unsupported type specified")),
    }
}

/// The `language_code` parameter: empty or a two-letter ISO 639-1 code.
fn language_key(p: &Params) -> ApiResult<String> {
    let lang = p.opt_str("language_code").unwrap_or_default();
    if lang.is_empty() || (lang.len() == 2 && lang.bytes().all(|b| b.is_ascii_lowercase())) {
        Ok(lang)
    } else {
        Err(ApiError::bad_request("invalid language code specified"))
    }
}

fn parse_command(value: &Value) -> ApiResult<BotCommandEntry> {
    let fail = |m: &str| ApiError::bad_request(format!("can't parse BotCommand: {m}"));
    let command = value
        .get("command")
        .and_then(Value::as_str)
        .ok_or_else(|| fail("Can't find field \"command\""))?;
    let description = value
        .get("description")
        .and_then(Value::as_str)
        .ok_or_else(|| fail("Can't find field \"description\""))?;
    let command = command.strip_prefix('/').unwrap_or(command);
    if command.is_empty() {
        return Err(ApiError::bad_request("command must be non-empty"));
    }
    if command.chars().count() > 32 {
        return Err(ApiError::bad_request("command is too long"));
    }
    if !command
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(ApiError::bad_request(format!(
            "invalid command name \"{command}\": only a-z, 0-9 and _ are allowed"
        )));
    }
    let description = description.trim();
    if description.is_empty() {
        return Err(ApiError::bad_request(
            "command description must be non-empty",
        ));
    }
    if description.chars().count() > 256 {
        return Err(ApiError::bad_request("command description is too long"));
    }
    Ok(BotCommandEntry {
        command: command.to_owned(),
        description: description.to_owned(),
    })
}

/// setMyCommands.
pub(crate) fn set_my_commands(w: &mut World, _: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    let list = p
        .opt_json("commands")
        .map_err(|_| ApiError::bad_request("can't parse commands JSON object"))?
        .unwrap_or_else(|| json!([]));
    let items = list
        .as_array()
        .ok_or_else(|| ApiError::bad_request("expected an Array of BotCommand"))?;
    if items.len() > 100 {
        return Err(ApiError::bad_request("too many bot commands specified"));
    }
    let commands = items
        .iter()
        .map(parse_command)
        .collect::<ApiResult<Vec<_>>>()?;
    let key = (scope_key(w, p)?, language_key(p)?);
    if commands.is_empty() {
        w.commands.remove(&key);
    } else {
        w.commands.insert(key, commands);
    }
    w.bump();
    ok()
}

/// getMyCommands (exact scope and language, no fallback).
pub(crate) fn get_my_commands(w: &mut World, _: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    let key = (scope_key(w, p)?, language_key(p)?);
    let list: Vec<Value> = w
        .commands
        .get(&key)
        .map(|cmds| {
            cmds.iter()
                .map(|c| json!({"command": c.command, "description": c.description}))
                .collect()
        })
        .unwrap_or_default();
    Ok(Value::Array(list))
}

/// deleteMyCommands.
pub(crate) fn delete_my_commands(
    w: &mut World,
    _: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    let key = (scope_key(w, p)?, language_key(p)?);
    w.commands.remove(&key);
    w.bump();
    ok()
}

// ----- names and descriptions ------------------------------------------------------

fn set_bot_text(
    w: &mut World,
    p: &Params,
    kind: &str,
    param: &str,
    max: usize,
) -> ApiResult<Value> {
    let lang = language_key(p)?;
    let value = p.opt_str(param).unwrap_or_default();
    if value.chars().count() > max {
        return Err(ApiError::bad_request(format!("{param} is too long")));
    }
    let key = (kind.to_owned(), lang);
    if value.is_empty() {
        w.bot_texts.remove(&key);
    } else {
        w.bot_texts.insert(key, value);
    }
    ok()
}

fn get_bot_text(w: &World, p: &Params, kind: &str, field: &str) -> ApiResult<Value> {
    let lang = language_key(p)?;
    let value = w
        .bot_texts
        .get(&(kind.to_owned(), lang))
        .or_else(|| w.bot_texts.get(&(kind.to_owned(), String::new())))
        .cloned()
        .unwrap_or_else(|| {
            if kind == "name" {
                w.bot.first_name.clone()
            } else {
                String::new()
            }
        });
    let mut out = serde_json::Map::new();
    out.insert(field.to_owned(), json!(value));
    Ok(Value::Object(out))
}

/// setMyName.
pub(crate) fn set_my_name(w: &mut World, _: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    set_bot_text(w, p, "name", "name", 64)
}

/// getMyName.
pub(crate) fn get_my_name(w: &mut World, _: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    get_bot_text(w, p, "name", "name")
}

/// setMyDescription.
pub(crate) fn set_my_description(
    w: &mut World,
    _: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    set_bot_text(w, p, "description", "description", 512)
}

/// getMyDescription.
pub(crate) fn get_my_description(
    w: &mut World,
    _: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    get_bot_text(w, p, "description", "description")
}

/// setMyShortDescription.
pub(crate) fn set_my_short_description(
    w: &mut World,
    _: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    set_bot_text(w, p, "short_description", "short_description", 120)
}

/// getMyShortDescription.
pub(crate) fn get_my_short_description(
    w: &mut World,
    _: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    get_bot_text(w, p, "short_description", "short_description")
}

/// getChatMenuButton: always the default button.
pub(crate) fn get_chat_menu_button(
    _: &mut World,
    _: &EmulatorOptions,
    _: &Params,
) -> ApiResult<Value> {
    Ok(json!({ "type": "commands" }))
}

/// A user's ChatMember object, as Telegram shapes each status.
pub(crate) fn user_member_json(user: Value, status: MemberStatus) -> Value {
    match status {
        MemberStatus::Creator => {
            json!({ "user": user, "status": "creator", "is_anonymous": false })
        }
        MemberStatus::Administrator => json!({
            "user": user,
            "status": "administrator",
            "can_be_edited": false,
            "is_anonymous": false,
            "can_manage_chat": true,
            "can_delete_messages": true,
            "can_manage_video_chats": false,
            "can_restrict_members": true,
            "can_promote_members": false,
            "can_change_info": false,
            "can_invite_users": true,
            "can_post_stories": false,
            "can_edit_stories": false,
            "can_delete_stories": false,
            "can_pin_messages": true,
            "can_manage_topics": true,
        }),
        MemberStatus::Member => json!({ "user": user, "status": "member" }),
        MemberStatus::Restricted { can_send_messages } => json!({
            "user": user,
            "status": "restricted",
            "is_member": true,
            "can_send_messages": can_send_messages,
            "can_send_audios": can_send_messages,
            "can_send_documents": can_send_messages,
            "can_send_photos": can_send_messages,
            "can_send_videos": can_send_messages,
            "can_send_video_notes": can_send_messages,
            "can_send_voice_notes": can_send_messages,
            "can_send_polls": can_send_messages,
            "can_send_other_messages": can_send_messages,
            "can_add_web_page_previews": can_send_messages,
            "can_react_to_messages": can_send_messages,
            "can_edit_tag": false,
            "can_change_info": false,
            "can_invite_users": false,
            "can_pin_messages": false,
            "can_manage_topics": false,
            "until_date": 0,
        }),
        MemberStatus::Left => json!({ "user": user, "status": "left" }),
        MemberStatus::Kicked => json!({ "user": user, "status": "kicked", "until_date": 0 }),
    }
}
