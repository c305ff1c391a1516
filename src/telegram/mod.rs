//! Telegram: the thin shell around the core. Turns teloxide updates into
//! `dialogue::Input`, loads and saves the session, carries out the core's
//! effects, and delivers its replies through the Bot API.
//!
//! Owns every teloxide call and the dptree handler tree. Must not decide what
//! to say: that is the engine's job (`dialogue`, `intake`, `handoff`); this
//! module only routes, stores and delivers.

mod coordinators;
pub mod delivery;

use std::sync::Arc;

use anyhow::Context;
use teloxide::dispatching::{DefaultKey, UpdateFilterExt};
use teloxide::payloads::SetMyCommandsSetters;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope, ChatMemberUpdated, Recipient};

use crate::content::Content;
use crate::dialogue::engine::{CaseLink, Effect};
use crate::dialogue::{self, Input, Outcome, Patient};
use crate::handoff::WorkingHours;
use crate::i18n::Locale;
use crate::intake::{Document, DocumentKind};
use crate::reload::LiveContent;
use crate::storage::Storage;

use delivery::{DeliveryError, deliver_all};

type HandlerResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Everything a handler needs, shared by all of them.
pub struct Shell {
    /// The content served now (reloaded when its files change).
    pub content: Arc<LiveContent>,
    pub storage: Storage,
    /// The coordinators' forum supergroup, if configured.
    pub coordinator_chat: Option<ChatId>,
    /// The coordinators' working hours, if configured (else always open).
    pub hours: Option<WorkingHours>,
}

impl Shell {
    fn is_coordinator_chat(&self, chat_id: ChatId) -> bool {
        self.coordinator_chat == Some(chat_id)
    }
}

/// The bot's map: which update goes to which endpoint.
pub fn schema() -> teloxide::dispatching::UpdateHandler<Box<dyn std::error::Error + Send + Sync>> {
    dptree::entry()
        .branch(
            Update::filter_message()
                .branch(dptree::filter(|msg: Message| msg.chat.is_private()).endpoint(on_message))
                .branch(
                    dptree::filter(|msg: Message, shell: Arc<Shell>| {
                        shell.is_coordinator_chat(msg.chat.id)
                    })
                    .endpoint(coordinators::on_message),
                ),
        )
        .branch(
            Update::filter_edited_message()
                .branch(
                    dptree::filter(|msg: Message| msg.chat.is_private())
                        .endpoint(on_edited_message),
                )
                .branch(
                    dptree::filter(|msg: Message, shell: Arc<Shell>| {
                        shell.is_coordinator_chat(msg.chat.id)
                    })
                    .endpoint(coordinators::on_edit),
                ),
        )
        .branch(
            Update::filter_callback_query()
                .branch(
                    dptree::filter(|query: CallbackQuery, shell: Arc<Shell>| {
                        query
                            .message
                            .as_ref()
                            .is_some_and(|m| shell.is_coordinator_chat(m.chat().id))
                    })
                    .endpoint(coordinators::on_button),
                )
                .endpoint(on_callback),
        )
        .branch(
            Update::filter_my_chat_member()
                .branch(
                    dptree::filter(|update: ChatMemberUpdated| update.chat.is_private())
                        .endpoint(on_my_chat_member),
                )
                .branch(
                    dptree::filter(|update: ChatMemberUpdated, shell: Arc<Shell>| {
                        !shell.is_coordinator_chat(update.chat.id)
                    })
                    .endpoint(coordinators::leave_foreign_chat),
                ),
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
    converse(
        &bot,
        &shell,
        msg.chat.id,
        patient,
        input,
        Source::Message(&msg),
    )
    .await
}

async fn on_edited_message(bot: Bot, shell: Arc<Shell>, msg: Message) -> HandlerResult {
    let patient = patient_of(msg.from.as_ref());
    converse(
        &bot,
        &shell,
        msg.chat.id,
        patient,
        Input::Edited,
        Source::Message(&msg),
    )
    .await
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
        Source::Button(&query),
    )
    .await
}

async fn on_my_chat_member(
    bot: Bot,
    shell: Arc<Shell>,
    update: ChatMemberUpdated,
) -> HandlerResult {
    let blocked = update.new_chat_member.is_banned() || update.new_chat_member.is_left();
    let chat_id = update.chat.id.0;
    tracing::info!(chat_id, blocked, "patient changed the bot's membership");
    shell.storage.set_blocked(chat_id, blocked).await?;
    if blocked {
        coordinators::patient_blocked(&bot, &shell, chat_id).await?;
    }
    Ok(())
}

/// What the input came from, for effects that need the original.
#[derive(Clone, Copy)]
enum Source<'a> {
    Message(&'a Message),
    Button(&'a CallbackQuery),
}

/// Load, decide, store, deliver: one input of one patient.
async fn converse(
    bot: &Bot,
    shell: &Shell,
    chat_id: ChatId,
    patient: Patient<'_>,
    input: Input,
    source: Source<'_>,
) -> HandlerResult {
    let storage = &shell.storage;
    // One version of the content for the whole update, even if a reload lands.
    let content = shell.content.get();
    let session = storage
        .load_session(chat_id.0)
        .await
        .with_context(|| format!("chat {chat_id}"))?;
    let Outcome {
        mut session,
        mut replies,
        callback_notice,
        effects,
    } = dialogue::handle(&content, session, patient, input);
    let mut saved = false;
    let mut queued = Vec::new();
    for effect in &effects {
        match effect {
            Effect::OpenCase(submission, origin) => {
                let reference = storage
                    .submit_case(chat_id.0, &session, submission)
                    .await
                    .with_context(|| format!("chat {chat_id}"))?;
                tracing::info!(chat_id = chat_id.0, case = %reference, ?origin, "case opened");
                session.case = Some(CaseLink {
                    reference,
                    open: true,
                });
                replies.push(dialogue::engine::confirm_case(
                    &content, &session, reference, *origin,
                ));
                queued.push(reference);
                saved = true;
            }
            Effect::ReopenCase(reference) => {
                storage.reopen_case(*reference).await?;
                tracing::info!(chat_id = chat_id.0, case = %reference, "case reopened by the patient");
            }
            Effect::EraseData => {
                storage.erase_patient_data(chat_id.0).await?;
                tracing::info!(chat_id = chat_id.0, "patient data erased on request");
            }
            Effect::Rate { case, stars } => {
                storage
                    .rate_case(*case, chat_id.0, i64::from(*stars))
                    .await?;
            }
            Effect::SetChatCommands(_) | Effect::Relay | Effect::RelayEdit => {}
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
    if let Source::Button(query) = source {
        answer_callback(bot, query, callback_notice.as_deref()).await;
    }
    for reference in queued {
        coordinators::enqueue(bot, shell, reference).await?;
    }
    for effect in &effects {
        match (effect, source) {
            (Effect::SetChatCommands(locale), _) => {
                set_chat_commands(bot, &content, chat_id, locale).await
            }
            (Effect::ReopenCase(reference), _) => {
                coordinators::reopened(bot, shell, *reference).await?
            }
            (Effect::Rate { case, stars }, _) => {
                coordinators::rated(bot, shell, *case, *stars).await?
            }
            (Effect::Relay, Source::Message(msg)) => {
                coordinators::relay_from_patient(bot, shell, &session, msg).await?
            }
            (Effect::RelayEdit, Source::Message(msg)) => {
                coordinators::relay_patient_edit(bot, shell, &session, msg).await?
            }
            _ => {}
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
