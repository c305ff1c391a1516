//! Forum topics of supergroups. A topic's `message_thread_id` is the id of
//! its `forum_topic_created` service message, as in Telegram.

use serde_json::{Map, Value, json};

use super::messages::{Target, finish_bot_message, new_bot_message};
use super::{EmulatorOptions, check_flood, ok, target_chat};
use crate::error::{ApiError, ApiResult};
use crate::flood::Charge;
use crate::params::Params;
use crate::world::{ForumTopic, World};

/// Telegram's default topic colour.
const DEFAULT_ICON_COLOR: i64 = 7_322_096;
const ICON_COLORS: &[i64] = &[
    7_322_096, 16_766_590, 13_338_331, 9_367_192, 16_749_490, 16_478_047,
];

fn forum_chat(w: &World, p: &Params) -> ApiResult<i64> {
    let chat_id = target_chat(w, p, "chat_id")?;
    if !w.chats.get(&chat_id).is_some_and(|c| c.is_forum()) {
        return Err(ApiError::bad_request("the chat is not a forum"));
    }
    Ok(chat_id)
}

fn topic_id(w: &World, chat_id: i64, p: &Params) -> ApiResult<i64> {
    let thread = p.req_i64(
        "message_thread_id",
        "message thread identifier is not specified",
    )?;
    let exists = w
        .chats
        .get(&chat_id)
        .is_some_and(|c| c.topics.contains_key(&thread));
    if exists {
        Ok(thread)
    } else {
        Err(ApiError::bad_request("TOPIC_ID_INVALID"))
    }
}

fn topic_name(p: &Params, required: bool) -> ApiResult<Option<String>> {
    match p.opt_str("name") {
        None if required => Err(ApiError::bad_request("TOPIC_TITLE_EMPTY")),
        None => Ok(None),
        Some(name) if name.trim().is_empty() => Err(ApiError::bad_request("TOPIC_TITLE_EMPTY")),
        Some(name) if name.chars().count() > 128 => {
            Err(ApiError::bad_request("TOPIC_TITLE_TOO_LONG"))
        }
        Some(name) => Ok(Some(name)),
    }
}

fn topic_json(topic: &ForumTopic) -> Value {
    let mut v = json!({
        "message_thread_id": topic.thread_id,
        "name": topic.name,
        "icon_color": topic.icon_color,
    });
    if let Some(emoji) = &topic.icon_custom_emoji_id {
        v["icon_custom_emoji_id"] = json!(emoji);
    }
    v
}

/// Posts a service message of the bot into a topic.
fn service_message(
    w: &mut World,
    chat_id: i64,
    thread: Option<i64>,
    key: &str,
    payload: Value,
) -> Value {
    let target = Target {
        chat_id,
        thread,
        reply: None,
        markup: None,
    };
    let mut m: Map<String, Value> = new_bot_message(w, &target);
    m.insert(key.into(), payload);
    finish_bot_message(w, target, m, None, None)
}

/// createForumTopic.
pub(crate) fn create_forum_topic(
    w: &mut World,
    opts: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    let chat_id = forum_chat(w, p)?;
    let name = topic_name(p, true)?.unwrap_or_default();
    let icon_color = p.opt_i64("icon_color")?.unwrap_or(DEFAULT_ICON_COLOR);
    if !ICON_COLORS.contains(&icon_color) {
        return Err(ApiError::bad_request("invalid icon_color specified"));
    }
    // The topic-creation service message counts as a message the bot posts.
    check_flood(w, opts, chat_id, Charge::Messages(1))?;
    let next_id = w.chats.get(&chat_id).map_or(1, |c| c.next_message_id);
    let mut created = json!({ "name": name, "icon_color": icon_color });
    let emoji = p.opt_str("icon_custom_emoji_id").filter(|e| !e.is_empty());
    if let Some(e) = &emoji {
        created["icon_custom_emoji_id"] = json!(e);
    }
    let topic = ForumTopic {
        thread_id: next_id,
        name,
        icon_color,
        icon_custom_emoji_id: emoji,
        closed: false,
    };
    if let Some(chat) = w.chats.get_mut(&chat_id) {
        chat.topics.insert(next_id, topic.clone());
    }
    service_message(w, chat_id, Some(next_id), "forum_topic_created", created);
    Ok(topic_json(&topic))
}

/// editForumTopic.
pub(crate) fn edit_forum_topic(w: &mut World, _: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    let chat_id = forum_chat(w, p)?;
    let thread = topic_id(w, chat_id, p)?;
    let name = topic_name(p, false)?;
    let emoji = p.opt_str("icon_custom_emoji_id");
    let mut edited = json!({});
    if let Some(topic) = w
        .chats
        .get_mut(&chat_id)
        .and_then(|c| c.topics.get_mut(&thread))
    {
        let unchanged = name.as_ref().is_none_or(|n| *n == topic.name)
            && emoji
                .as_ref()
                .is_none_or(|e| Some(e) == topic.icon_custom_emoji_id.as_ref());
        if unchanged {
            return Err(ApiError::bad_request("TOPIC_NOT_MODIFIED"));
        }
        if let Some(n) = name {
            edited["name"] = json!(n);
            topic.name = n;
        }
        if let Some(e) = emoji {
            edited["icon_custom_emoji_id"] = json!(e);
            topic.icon_custom_emoji_id = (!e.is_empty()).then_some(e);
        }
    }
    service_message(w, chat_id, Some(thread), "forum_topic_edited", edited);
    ok()
}

fn set_closed(w: &mut World, p: &Params, closed: bool) -> ApiResult<Value> {
    let chat_id = forum_chat(w, p)?;
    let thread = topic_id(w, chat_id, p)?;
    if let Some(topic) = w
        .chats
        .get_mut(&chat_id)
        .and_then(|c| c.topics.get_mut(&thread))
    {
        if topic.closed == closed {
            return Err(ApiError::bad_request("TOPIC_NOT_MODIFIED"));
        }
        topic.closed = closed;
    }
    let key = if closed {
        "forum_topic_closed"
    } else {
        "forum_topic_reopened"
    };
    service_message(w, chat_id, Some(thread), key, json!({}));
    ok()
}

/// closeForumTopic.
pub(crate) fn close_forum_topic(
    w: &mut World,
    _: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    set_closed(w, p, true)
}

/// reopenForumTopic.
pub(crate) fn reopen_forum_topic(
    w: &mut World,
    _: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    set_closed(w, p, false)
}

/// deleteForumTopic: the topic and all its messages go.
pub(crate) fn delete_forum_topic(
    w: &mut World,
    _: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    let chat_id = forum_chat(w, p)?;
    let thread = topic_id(w, chat_id, p)?;
    if let Some(chat) = w.chats.get_mut(&chat_id) {
        chat.topics.remove(&thread);
        chat.messages
            .retain(|_, m| m.json.get("message_thread_id").and_then(Value::as_i64) != Some(thread));
    }
    w.touch_chat(chat_id);
    ok()
}
