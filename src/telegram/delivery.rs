//! Delivery: sending and editing messages with bounded retries. Telegram's
//! 429 `retry_after` is waited out (in `pacing`, for the calls it paces),
//! 5xx and network errors are retried with backoff, 403 (blocked,
//! deactivated) is reported as such.

use std::time::Duration;

use teloxide::payloads::{EditMessageTextSetters, SendMessageSetters};
use teloxide::prelude::*;
use teloxide::types::{
    ButtonRequest, InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, KeyboardMarkup,
    KeyboardRemove, LinkPreviewOptions, MessageId, ParseMode, ThreadId,
};
use teloxide::{ApiError, RequestError};

use super::pacing::{Destination, Pacer, Spend};
use crate::intake::CaseRef;
use crate::reply::{Keyboard, Placement, Reply};

/// How many times a call is tried before it is given up.
const ATTEMPTS: u32 = 4;
/// Longest wait we accept from a 429 before giving up on this delivery.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub enum DeliveryError {
    /// The patient blocked the bot or deleted their account.
    Blocked,
    GaveUp(RequestError),
}

impl DeliveryError {
    fn of(err: RequestError) -> DeliveryError {
        if is_permanent_refusal(&err) {
            DeliveryError::Blocked
        } else {
            DeliveryError::GaveUp(err)
        }
    }
}

/// `deliver_once` with bounded retries (for notices sent outside the outbox).
pub async fn deliver(
    bot: &Bot,
    pacer: &Pacer,
    chat_id: ChatId,
    reply: &Reply,
) -> Result<(), DeliveryError> {
    with_retries(|| deliver_once(bot, pacer, chat_id, reply))
        .await
        .map_err(DeliveryError::of)
}

/// Edits the pressed message when asked to (falling back to a new message
/// when it cannot be edited), or sends a new one, into a patient's private
/// chat, paced; tries once (429s are waited out).
pub async fn deliver_once(
    bot: &Bot,
    pacer: &Pacer,
    chat_id: ChatId,
    reply: &Reply,
) -> Result<(), RequestError> {
    let chat = Destination::Private(chat_id);
    let editable = matches!(reply.keyboard, Keyboard::None | Keyboard::Inline(_));
    if let (Placement::Replace(message_id), true) = (reply.placement, editable) {
        let edited = pacer
            .call(chat, Spend::Edit, || edit(bot, chat_id, message_id, reply))
            .await;
        match edited {
            Ok(()) | Err(RequestError::Api(ApiError::MessageNotModified)) => return Ok(()),
            Err(err)
                if is_permanent_refusal(&err)
                    || is_transient(&err)
                    || matches!(err, RequestError::RetryAfter(_)) =>
            {
                return Err(err);
            }
            Err(err) => {
                // Too old, deleted, or otherwise not editable: send it anew.
                tracing::debug!(chat_id = chat_id.0, error = %err, "edit failed; sending a new message");
            }
        }
    }
    pacer
        .call(chat, Spend::Messages(1), || send(bot, chat_id, None, reply))
        .await
        .map(drop)
}

/// Sends one message (into a forum topic when `thread` is set).
pub async fn send(
    bot: &Bot,
    chat_id: ChatId,
    thread: Option<ThreadId>,
    reply: &Reply,
) -> Result<MessageId, RequestError> {
    let mut request = bot
        .send_message(chat_id, &reply.html)
        .parse_mode(ParseMode::Html)
        .link_preview_options(no_link_preview());
    if let Some(thread) = thread {
        request = request.message_thread_id(thread);
    }
    request = match &reply.keyboard {
        Keyboard::None => request,
        Keyboard::Inline(_) => request.reply_markup(inline_markup(reply)),
        Keyboard::RequestContact { label, back_label } => {
            let mut rows = vec![vec![
                KeyboardButton::new(label).request(ButtonRequest::Contact),
            ]];
            rows.extend(
                back_label
                    .iter()
                    .map(|back| vec![KeyboardButton::new(back)]),
            );
            request.reply_markup(
                KeyboardMarkup::new(rows)
                    .resize_keyboard()
                    .one_time_keyboard(),
            )
        }
        Keyboard::Remove => request.reply_markup(KeyboardRemove::new()),
    };
    request.await.map(|message| message.id)
}

/// Edits text and inline buttons; other keyboards cannot be edited in, so
/// a reply carrying one is always sent anew (see `deliver`).
pub async fn edit(
    bot: &Bot,
    chat_id: ChatId,
    message_id: i32,
    reply: &Reply,
) -> Result<(), RequestError> {
    let mut request = bot
        .edit_message_text(chat_id, MessageId(message_id), &reply.html)
        .parse_mode(ParseMode::Html)
        .link_preview_options(no_link_preview());
    if let Keyboard::Inline(_) = reply.keyboard {
        request = request.reply_markup(inline_markup(reply));
    }
    request.await.map(drop)
}

pub(crate) fn no_link_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

fn inline_markup(reply: &Reply) -> InlineKeyboardMarkup {
    let rows: &[Vec<crate::reply::Button>] = match &reply.keyboard {
        Keyboard::Inline(rows) => rows,
        _ => &[],
    };
    InlineKeyboardMarkup::new(rows.iter().map(|row| {
        row.iter()
            .map(|button| InlineKeyboardButton::callback(&button.label, &button.data))
            .collect::<Vec<_>>()
    }))
}

/// Retries what Telegram asks us to retry (429) and transient failures.
pub async fn with_retries<T, F, Fut>(mut attempt: F) -> Result<T, RequestError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, RequestError>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        let err = match attempt().await {
            Ok(value) => return Ok(value),
            Err(err) => err,
        };
        crate::telemetry::telegram_error(&err);
        let wait = match &err {
            RequestError::RetryAfter(after) if after.duration() <= MAX_RETRY_AFTER => {
                after.duration()
            }
            err if is_transient(err) => Duration::from_millis(200 * 2u64.pow(tries)),
            _ => return Err(err),
        };
        if tries >= ATTEMPTS {
            return Err(err);
        }
        tracing::warn!(error = %err, wait_ms = wait.as_millis() as u64, "Telegram call failed; retrying");
        tokio::time::sleep(wait).await;
    }
}

pub fn is_transient(err: &RequestError) -> bool {
    match err {
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => true,
        RequestError::Api(ApiError::Unknown(description)) => [
            "Internal Server Error",
            "Bad Gateway",
            "Gateway Timeout",
            "Service Unavailable",
        ]
        .iter()
        .any(|transient| description.contains(transient)),
        _ => false,
    }
}

/// The patient blocked the bot or deleted their account: retrying is useless.
pub fn is_permanent_refusal(err: &RequestError) -> bool {
    matches!(
        err,
        RequestError::Api(ApiError::BotBlocked | ApiError::UserDeactivated | ApiError::BotKicked)
    )
}

/// The forum topic was deleted by hand (it can be recreated).
pub fn is_missing_topic(err: &RequestError) -> bool {
    matches!(err, RequestError::Api(ApiError::Unknown(description))
        if description.contains("thread not found")
            || description.contains("TOPIC_DELETED")
            || description.contains("TOPIC_ID_INVALID"))
}

/// Why a job of the outbox (see `sender`) was not done, as the sender
/// needs it to decide what happens to the job: a case erased meanwhile
/// leaves nothing to send; Telegram's answer says whether to try again or
/// give up; anything else (the database, our own bookkeeping) may pass.
#[derive(Debug)]
pub enum JobError {
    /// The job's case is gone (erased by the patient or by retention):
    /// there is nothing left to send for it, and no retry.
    CaseErased(CaseRef),
    Telegram(RequestError),
    Other(anyhow::Error),
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JobError::CaseErased(case) => write!(f, "case {case} was erased"),
            JobError::Telegram(err) => write!(f, "{err}"),
            JobError::Other(err) => write!(f, "{err:#}"),
        }
    }
}

/// Where a job's work is also an update's (a coordinator's command closing
/// a case), its error is an `anyhow::Error` like any other.
impl std::error::Error for JobError {}

impl From<RequestError> for JobError {
    fn from(err: RequestError) -> JobError {
        JobError::Telegram(err)
    }
}

impl From<anyhow::Error> for JobError {
    fn from(err: anyhow::Error) -> JobError {
        JobError::Other(err)
    }
}
