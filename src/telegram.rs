//! Telegram: the thin shell around the core. Turns teloxide updates into
//! `dialogue::Input`, loads and saves the session, and delivers the core's
//! replies through the Bot API (with bounded retries).
//!
//! Owns every teloxide call and the dptree handler tree. Must not decide what
//! to say: that is the engine's job; this module only routes and delivers.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use teloxide::dispatching::{DefaultKey, UpdateFilterExt};
use teloxide::payloads::{EditMessageTextSetters, SendMessageSetters, SetMyCommandsSetters};
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, BotCommandScope, ButtonRequest, ChatMemberUpdated, InlineKeyboardButton,
    InlineKeyboardMarkup, KeyboardButton, KeyboardMarkup, KeyboardRemove, LinkPreviewOptions,
    MessageId, ParseMode, Recipient,
};
use teloxide::{ApiError, RequestError};

use crate::content::Content;
use crate::dialogue::engine::Effect;
use crate::dialogue::{self, Input, Outcome, Patient};
use crate::i18n::Locale;
use crate::intake::{Document, DocumentKind};
use crate::reply::{Keyboard, Placement, Reply};
use crate::storage::Storage;

/// How many times a send is tried before it is given up.
const SEND_ATTEMPTS: u32 = 4;
/// Longest wait we accept from a 429 before giving up on this delivery.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

type HandlerResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Everything a handler needs, shared by all of them.
pub struct Shell {
    pub content: Arc<Content>,
    pub storage: Storage,
}

/// The bot's map: which update goes to which endpoint.
pub fn schema() -> teloxide::dispatching::UpdateHandler<Box<dyn std::error::Error + Send + Sync>> {
    dptree::entry()
        .branch(
            Update::filter_message()
                .filter(|msg: Message| msg.chat.is_private())
                .endpoint(on_message),
        )
        .branch(
            Update::filter_edited_message()
                .filter(|msg: Message| msg.chat.is_private())
                .endpoint(on_edited_message),
        )
        .branch(Update::filter_callback_query().endpoint(on_callback))
        .branch(
            Update::filter_my_chat_member()
                .filter(|update: ChatMemberUpdated| update.chat.is_private())
                .endpoint(on_my_chat_member),
        )
}

pub fn dispatcher(
    bot: Bot,
    shell: Arc<Shell>,
) -> Dispatcher<Bot, Box<dyn std::error::Error + Send + Sync>, DefaultKey> {
    Dispatcher::builder(bot, schema())
        .dependencies(dptree::deps![shell])
        .default_handler(|update| async move {
            tracing::debug!(update_id = update.id.0, "update not for this bot; ignored");
        })
        .error_handler(LoggingErrorHandler::with_custom_text(
            "an update could not be handled",
        ))
        .build()
}

async fn on_message(bot: Bot, shell: Arc<Shell>, msg: Message) -> HandlerResult {
    let Some(input) = message_input(&msg) else {
        return Ok(());
    };
    let patient = patient_of(msg.from.as_ref());
    converse(&bot, &shell, msg.chat.id, patient, input, None).await
}

async fn on_edited_message(bot: Bot, shell: Arc<Shell>, msg: Message) -> HandlerResult {
    let patient = patient_of(msg.from.as_ref());
    converse(&bot, &shell, msg.chat.id, patient, Input::Edited, None).await
}

async fn on_callback(bot: Bot, shell: Arc<Shell>, query: CallbackQuery) -> HandlerResult {
    let Some(message) = query.message.as_ref().filter(|m| m.chat().is_private()) else {
        // Not a button of ours in a private chat: just stop the spinner.
        answer_callback(&bot, &query, None).await;
        return Ok(());
    };
    let input = Input::Callback {
        data: query.data.clone().unwrap_or_default(),
        message_id: message.id().0,
    };
    let patient = patient_of(Some(&query.from));
    converse(
        &bot,
        &shell,
        message.chat().id,
        patient,
        input,
        Some(&query),
    )
    .await
}

async fn on_my_chat_member(shell: Arc<Shell>, update: ChatMemberUpdated) -> HandlerResult {
    let blocked = update.new_chat_member.is_banned() || update.new_chat_member.is_left();
    tracing::info!(
        chat_id = update.chat.id.0,
        blocked,
        "patient changed the bot's membership"
    );
    shell.storage.set_blocked(update.chat.id.0, blocked).await?;
    Ok(())
}

/// Load, decide, save, deliver: one input of one patient.
async fn converse(
    bot: &Bot,
    shell: &Shell,
    chat_id: ChatId,
    patient: Patient<'_>,
    input: Input,
    query: Option<&CallbackQuery>,
) -> HandlerResult {
    let storage = &shell.storage;
    let session = storage
        .load_session(chat_id.0)
        .await
        .with_context(|| format!("chat {chat_id}"))?;
    let Outcome {
        session,
        mut replies,
        callback_notice,
        effects,
    } = dialogue::handle(&shell.content, session, patient, input);
    let mut saved = false;
    for effect in &effects {
        match effect {
            Effect::SubmitCase(submission) => {
                let reference = storage
                    .submit_case(chat_id.0, &session, submission)
                    .await
                    .with_context(|| format!("chat {chat_id}"))?;
                tracing::info!(chat_id = chat_id.0, case = %reference, "case submitted");
                replies.push(dialogue::engine::confirm_submission(
                    &shell.content,
                    &session,
                    &reference.to_string(),
                ));
                saved = true;
            }
            Effect::EraseData => {
                storage.erase_patient_data(chat_id.0).await?;
                tracing::info!(chat_id = chat_id.0, "patient data erased on request");
            }
            Effect::SetChatCommands(_) => {}
        }
    }
    if !saved {
        storage
            .save_session(chat_id.0, &session)
            .await
            .with_context(|| format!("chat {chat_id}"))?;
    }
    tracing::debug!(chat_id = chat_id.0, node = %session.node, filling = session.filling, "answered");
    let delivered = deliver_all(bot, chat_id, &replies).await;
    if let Some(query) = query {
        answer_callback(bot, query, callback_notice.as_deref()).await;
    }
    for effect in &effects {
        if let Effect::SetChatCommands(locale) = effect {
            set_chat_commands(bot, &shell.content, chat_id, locale).await;
        }
    }
    match delivered {
        Err(DeliveryError::Blocked) => storage.set_blocked(chat_id.0, true).await?,
        Err(DeliveryError::GaveUp(err)) => {
            tracing::error!(chat_id = chat_id.0, error = %err, "a reply could not be delivered");
        }
        Ok(()) => {}
    }
    Ok(())
}

fn message_input(msg: &Message) -> Option<Input> {
    if !matches!(msg.kind, teloxide::types::MessageKind::Common(_)) {
        return None; // service messages are not patient input
    }
    if let Some(text) = msg.text() {
        return Some(parse_command(text).unwrap_or_else(|| Input::Text(text.to_owned())));
    }
    if let Some(sizes) = msg.photo() {
        // Telegram sends several sizes; the largest is the readable one.
        let largest = sizes.iter().max_by_key(|size| size.width * size.height)?;
        return Some(Input::File(Document {
            file_id: largest.file.id.to_string(),
            kind: DocumentKind::Photo,
            name: None,
            size: Some(u64::from(largest.file.size)),
        }));
    }
    if let Some(document) = msg.document() {
        let mime = document
            .mime_type
            .as_ref()
            .map(|mime| mime.essence_str().to_owned());
        let kind = match mime.as_deref() {
            Some("application/pdf") => DocumentKind::Pdf,
            Some(mime) if mime.starts_with("image/") => DocumentKind::Image,
            _ => return Some(Input::UnacceptedFile),
        };
        return Some(Input::File(Document {
            file_id: document.file.id.to_string(),
            kind,
            name: document.file_name.clone(),
            size: Some(u64::from(document.file.size)),
        }));
    }
    if let Some(contact) = msg.contact() {
        return Some(Input::Contact {
            phone: contact.phone_number.clone(),
        });
    }
    Some(Input::Unsupported)
}

/// `/start@navigator_bot es` -> Command { "start", Some("es") }.
pub fn parse_command(text: &str) -> Option<Input> {
    let rest = text.strip_prefix('/')?;
    let (head, payload) = match rest.split_once(char::is_whitespace) {
        Some((head, payload)) => (head, payload.trim()),
        None => (rest, ""),
    };
    let name = head.split('@').next().unwrap_or_default();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    Some(Input::Command {
        name: name.to_ascii_lowercase(),
        payload: (!payload.is_empty()).then(|| payload.to_owned()),
    })
}

fn patient_of(user: Option<&teloxide::types::User>) -> Patient<'_> {
    Patient {
        first_name: user.map(|user| user.first_name.as_str()),
        language_code: user.and_then(|user| user.language_code.as_deref()),
        now: crate::storage::unix_now(),
    }
}

#[derive(Debug)]
enum DeliveryError {
    /// The patient blocked the bot or deleted their account.
    Blocked,
    GaveUp(RequestError),
}

async fn deliver_all(bot: &Bot, chat_id: ChatId, replies: &[Reply]) -> Result<(), DeliveryError> {
    for reply in replies {
        deliver(bot, chat_id, reply).await?;
    }
    Ok(())
}

async fn deliver(bot: &Bot, chat_id: ChatId, reply: &Reply) -> Result<(), DeliveryError> {
    let editable = matches!(reply.keyboard, Keyboard::None | Keyboard::Inline(_));
    if let (Placement::Replace(message_id), true) = (reply.placement, editable) {
        match with_retries(|| edit(bot, chat_id, message_id, reply)).await {
            Ok(()) | Err(RequestError::Api(ApiError::MessageNotModified)) => return Ok(()),
            Err(err) if is_permanent_refusal(&err) => return Err(DeliveryError::Blocked),
            Err(err) => {
                // Too old, deleted, or otherwise not editable: send it anew.
                tracing::debug!(chat_id = chat_id.0, error = %err, "edit failed; sending a new message");
            }
        }
    }
    match with_retries(|| send(bot, chat_id, reply)).await {
        Ok(()) => Ok(()),
        Err(err) if is_permanent_refusal(&err) => Err(DeliveryError::Blocked),
        Err(err) => Err(DeliveryError::GaveUp(err)),
    }
}

async fn send(bot: &Bot, chat_id: ChatId, reply: &Reply) -> Result<(), RequestError> {
    let mut request = bot
        .send_message(chat_id, &reply.html)
        .parse_mode(ParseMode::Html)
        .link_preview_options(no_link_preview());
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
    request.await.map(drop)
}

/// Edits text and inline buttons; other keyboards cannot be edited in, so
/// a reply carrying one is always sent anew (see `deliver`).
async fn edit(
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

fn no_link_preview() -> LinkPreviewOptions {
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
async fn with_retries<F, Fut>(mut attempt: F) -> Result<(), RequestError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), RequestError>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        let err = match attempt().await {
            Ok(()) => return Ok(()),
            Err(err) => err,
        };
        let wait = match &err {
            RequestError::RetryAfter(after) if after.duration() <= MAX_RETRY_AFTER => {
                after.duration()
            }
            err if is_transient(err) => Duration::from_millis(200 * 2u64.pow(tries)),
            _ => return Err(err),
        };
        if tries >= SEND_ATTEMPTS {
            return Err(err);
        }
        tracing::warn!(error = %err, wait_ms = wait.as_millis() as u64, "Telegram call failed; retrying");
        tokio::time::sleep(wait).await;
    }
}

fn is_transient(err: &RequestError) -> bool {
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

fn is_permanent_refusal(err: &RequestError) -> bool {
    matches!(
        err,
        RequestError::Api(ApiError::BotBlocked | ApiError::UserDeactivated | ApiError::BotKicked)
    )
}

async fn answer_callback(bot: &Bot, query: &CallbackQuery, notice: Option<&str>) {
    let mut request = bot.answer_callback_query(query.id.clone());
    if let Some(notice) = notice {
        request = teloxide::payloads::AnswerCallbackQuerySetters::text(request, notice);
    }
    if let Err(err) = request.await {
        // The spinner times out by itself; nothing the patient needs is lost.
        tracing::debug!(error = %err, "callback answer failed");
    }
}

fn bot_commands(content: &Content, locale: &Locale) -> Vec<BotCommand> {
    dialogue::engine::command_menu(content, locale)
        .into_iter()
        .map(|(command, description)| BotCommand::new(command, description))
        .collect()
}

/// Registers the command menu for every locale (`setMyCommands` per
/// language), English as the default for everyone else.
pub async fn register_commands(bot: &Bot, content: &Content) -> anyhow::Result<()> {
    let catalog = &content.catalog;
    bot.set_my_commands(bot_commands(content, catalog.reference()))
        .await
        .context("setMyCommands (default)")?;
    for locale in catalog.locales() {
        bot.set_my_commands(bot_commands(content, locale))
            .language_code(locale.telegram_code())
            .await
            .with_context(|| format!("setMyCommands ({locale})"))?;
    }
    Ok(())
}

/// Shows one patient the command menu in the language they picked.
async fn set_chat_commands(bot: &Bot, content: &Content, chat_id: ChatId, locale: &Locale) {
    let scope = BotCommandScope::Chat {
        chat_id: Recipient::Id(chat_id),
    };
    if let Err(err) = bot
        .set_my_commands(bot_commands(content, locale))
        .scope(scope)
        .await
    {
        tracing::warn!(chat_id = chat_id.0, error = %err, "could not set the chat's command menu");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_commands_like_telegram_clients_send_them() {
        let command = |name: &str, payload: Option<&str>| {
            Some(Input::Command {
                name: name.into(),
                payload: payload.map(Into::into),
            })
        };
        assert_eq!(parse_command("/start"), command("start", None));
        assert_eq!(parse_command("/start es"), command("start", Some("es")));
        assert_eq!(
            parse_command("/START@nav_bot  intake "),
            command("start", Some("intake"))
        );
        assert_eq!(parse_command("/menu@nav_bot"), command("menu", None));
        assert_eq!(parse_command("hello"), None);
        assert_eq!(parse_command("/"), None);
        assert_eq!(parse_command("/ 1"), None);
        assert_eq!(parse_command("/😂"), None);
    }
}
