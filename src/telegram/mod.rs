//! Telegram: the thin shell around the core. Turns teloxide updates into
//! `dialogue::Input`, loads and saves the session, carries out the core's
//! effects, and delivers its replies through the Bot API.
//!
//! Owns every teloxide call and the dptree handler tree. Must not decide what
//! to say: that is the engine's job (`dialogue`, `intake`, `handoff`); this
//! module only routes, stores and delivers.

mod coordinators;
pub mod delivery;
pub mod flood;
pub mod members;
pub mod pacing;
pub mod polling;
pub mod reminders;
pub mod sender;
pub mod summary;
pub mod webhook;

use std::sync::Arc;

use anyhow::Context;
use teloxide::dispatching::UpdateFilterExt;
use teloxide::payloads::SetMyCommandsSetters;
use teloxide::prelude::*;
use teloxide::types::UpdateKind;
use teloxide::types::{BotCommand, BotCommandScope, ChatMemberUpdated, Recipient};

use crate::content::Content;
use crate::dialogue::engine::{CaseLink, Effect};
use crate::dialogue::{self, Input, Outcome, Patient, PatientCommand};
use crate::handoff::WorkingHours;
use crate::i18n::Locale;
use crate::intake::{Document, DocumentKind};
use crate::reload::LiveContent;
use crate::storage::{Begun, Storage};

use sender::Job;

type HandlerResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// Everything a handler needs, shared by all of them.
pub struct Shell {
    /// The content served now (reloaded when its files change).
    pub content: Arc<LiveContent>,
    pub storage: Storage,
    /// The coordinators' teams, each a forum supergroup (none configured:
    /// cases are stored, nobody sees them).
    pub teams: crate::handoff::teams::Teams,
    /// The coordinators' working hours, if configured (else always open).
    pub hours: Option<WorkingHours>,
    /// Wakes the outbox sender when new jobs are committed.
    pub wake: Arc<tokio::sync::Notify>,
    /// Telegram's rate limits: every limited call waits here for its turn.
    pub pacer: pacing::Pacer,
    /// Closed conversations are erased after this many days.
    pub retention_days: u32,
    /// Slows patients who send dozens of messages in seconds.
    pub flood: flood::FloodGuard,
    /// The team's time zone, where reports' days and weeks start.
    pub report_zone: jiff::tz::TimeZone,
    /// Coordinators' standing in their groups, asked of Telegram.
    pub members: members::Members,
    /// The language coordinators read (a locale tag; English by default):
    /// ready replies' buttons and the topic's copy of what was sent.
    pub coordinators_language: String,
}

impl Shell {
    fn is_coordinator_chat(&self, chat_id: ChatId) -> bool {
        self.teams.of_group(chat_id.0).is_some()
    }
}

/// The bot's map: which update goes to which endpoint.
pub fn schema() -> teloxide::dispatching::UpdateHandler<Box<dyn std::error::Error + Send + Sync>> {
    timed().chain(routes())
}

/// Counts every update by kind and times the handlers it goes through.
/// A handler that panics does not take its conversation's worker (and then
/// the dispatcher) down with it: the panic is caught, counted and logged,
/// and the update is set aside after a few failures (see
/// `Storage::update_failed`), while everyone else is served.
fn timed() -> teloxide::dispatching::UpdateHandler<Box<dyn std::error::Error + Send + Sync>> {
    dptree::from_fn(
        |deps: dptree::di::DependencyMap, next| async move {
            use futures::FutureExt;
            let update = deps.get::<Update>();
            let shell = deps.try_get::<Arc<Shell>>();
            let kind = crate::telemetry::update_kind(&update);
            let started = std::time::Instant::now();
            let outcome = std::panic::AssertUnwindSafe(next(deps))
                .catch_unwind()
                .await;
            crate::telemetry::update_handled(kind, started.elapsed());
            match outcome {
                Ok(outcome) => outcome,
                Err(panic) => {
                    let why = panic_message(panic.as_ref());
                    crate::telemetry::handler_panicked(kind);
                    let set_aside = match shell {
                        Some(shell) => shell
                            .storage
                            .update_failed(update_id(&update), &why)
                            .await
                            .unwrap_or_else(|err| {
                                tracing::error!(
                                    error = format!("{err:#}"),
                                    "cannot record the failure"
                                );
                                false
                            }),
                        None => false,
                    };
                    tracing::error!(update_id = update_id(&update), kind, set_aside, panic = %why, "a handler panicked; the bot goes on");
                    std::ops::ControlFlow::Break(Ok(()))
                }
            }
        },
        dptree::HandlerSignature::Entry,
    )
}

/// What a caught panic said.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

fn routes() -> teloxide::dispatching::UpdateHandler<Box<dyn std::error::Error + Send + Sync>> {
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
            Update::filter_chat_member()
                .filter(|update: ChatMemberUpdated, shell: Arc<Shell>| {
                    shell.is_coordinator_chat(update.chat.id)
                })
                .endpoint(coordinators::member_changed),
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

/// What the dispatcher keeps in order: one patient's chat, or one topic of
/// the coordinators' group (one case). Conversations run in parallel, so a
/// busy team's cases are not queued behind each other.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct Conversation {
    chat: i64,
    topic: Option<i32>,
}

fn conversation_of(update: &Update) -> Option<Conversation> {
    let chat = update.chat()?;
    let topic = if chat.is_private() {
        None
    } else {
        let message = match &update.kind {
            UpdateKind::Message(m) | UpdateKind::EditedMessage(m) => Some(m),
            UpdateKind::CallbackQuery(q) => q.message.as_ref().and_then(|m| m.regular_message()),
            _ => None,
        };
        message.and_then(|m| m.thread_id).map(|thread| thread.0.0)
    };
    Some(Conversation {
        chat: chat.id.0,
        topic,
    })
}

pub fn dispatcher(
    bot: Bot,
    shell: Arc<Shell>,
) -> Dispatcher<Bot, Box<dyn std::error::Error + Send + Sync>, Conversation> {
    let storage = shell.storage.clone();
    Dispatcher::builder(bot, schema())
        .dependencies(dptree::deps![shell])
        .distribution_function(conversation_of)
        .default_handler(move |update| {
            // Not for this bot (other groups, channels, kinds we do not
            // handle): marked processed so it is neither replayed nor kept.
            let storage = storage.clone();
            async move {
                tracing::debug!(update_id = update.id.0, "update not for this bot; ignored");
                if let Err(err) = storage.mark_processed(update_id(&update)).await {
                    tracing::warn!(error = %err, "cannot mark an ignored update");
                }
            }
        })
        .error_handler(LoggingErrorHandler::with_custom_text(
            "an update could not be handled",
        ))
        .build()
}

async fn on_message(shell: Arc<Shell>, update: Update, msg: Message) -> HandlerResult {
    let Some(input) = message_input(&msg) else {
        return skip(&shell, &update).await;
    };
    converse(
        shell,
        update_id(&update),
        msg.chat.id,
        msg.from,
        input,
        Source::Message,
    )
    .await
}

async fn on_edited_message(shell: Arc<Shell>, update: Update, msg: Message) -> HandlerResult {
    converse(
        shell,
        update_id(&update),
        msg.chat.id,
        msg.from,
        Input::Edited,
        Source::Message,
    )
    .await
}

async fn on_callback(
    bot: Bot,
    shell: Arc<Shell>,
    update: Update,
    query: CallbackQuery,
) -> HandlerResult {
    // A patient's buttons live in their own private chat: a press "from"
    // someone else on that chat's message is forged and changes nothing.
    let own_chat = |m: &&teloxide::types::MaybeInaccessibleMessage| {
        m.chat().is_private() && m.chat().id.0 == query.from.id.0 as i64
    };
    let Some(message) = query.message.as_ref().filter(own_chat) else {
        // Not a button of ours in the presser's private chat: just stop the spinner.
        answer_callback(&bot, &query, None).await;
        return skip(&shell, &update).await;
    };
    let input = Input::Callback {
        data: query.data.clone().unwrap_or_default(),
        message_id: message.id().0,
    };
    let chat_id = message.chat().id;
    converse(
        shell,
        update_id(&update),
        chat_id,
        Some(query.from),
        input,
        Source::Button {
            query_id: query.id.0,
        },
    )
    .await
}

async fn on_my_chat_member(
    bot: Bot,
    shell: Arc<Shell>,
    update: Update,
    member: ChatMemberUpdated,
) -> HandlerResult {
    let blocked = member.new_chat_member.is_banned() || member.new_chat_member.is_left();
    let chat_id = member.chat.id.0;
    at_least_once(&shell, &update, async {
        tracing::info!(chat_id, blocked, "patient changed the bot's membership");
        shell.storage.set_blocked(chat_id, blocked).await?;
        if blocked {
            coordinators::patient_blocked(&bot, &shell, chat_id).await?;
        }
        Ok(())
    })
    .await
}

/// For updates whose effects are network calls (coordinators' actions, a
/// blocked bot): they cannot share a transaction with the processed mark, so
/// they are skipped when already processed and marked after — at least once.
pub(crate) async fn at_least_once(
    shell: &Shell,
    update: &Update,
    work: impl std::future::Future<Output = anyhow::Result<()>>,
) -> HandlerResult {
    let id = update_id(update);
    if shell.storage.is_processed(id).await? {
        return Ok(());
    }
    work.await?;
    shell.storage.mark_processed(id).await?;
    Ok(())
}

/// Marks an update that needs nothing done as processed.
pub(crate) async fn skip(shell: &Shell, update: &Update) -> HandlerResult {
    if let Begun::Ready(work) = shell.storage.begin_update(update_id(update)).await? {
        work.commit().await?;
    }
    Ok(())
}

pub(crate) fn update_id(update: &Update) -> i64 {
    i64::from(update.id.0)
}

/// What the input came from.
enum Source {
    Message,
    /// A button press, answered by its query's id.
    Button {
        query_id: String,
    },
}

/// Load, decide, store: one input of one patient. Everything the update
/// changes — the session, cases, and what must be sent — is committed in
/// one transaction with the mark that the update was processed; the outbox
/// sender then delivers. A crash before the commit replays the update; after
/// it, the sender delivers what was queued. The work runs beside the group
/// commit (`Storage::work_beside`: on its thread).
async fn converse(
    shell: Arc<Shell>,
    update_id: i64,
    chat_id: ChatId,
    from: Option<teloxide::types::User>,
    input: Input,
    source: Source,
) -> HandlerResult {
    let storage = shell.storage.clone();
    storage
        .work_beside(async move {
            let patient = patient_of(from.as_ref(), &shell);
            converse_beside(&shell, update_id, chat_id, patient, input, source).await
        })
        .await?
}

/// `converse`'s work, beside the group commit: the update's `Work` from its
/// turn to its commit, and nothing else (no network calls).
async fn converse_beside(
    shell: &Shell,
    update_id: i64,
    chat_id: ChatId,
    patient: Patient<'_>,
    input: Input,
    source: Source,
) -> HandlerResult {
    let mut work = match shell.storage.begin_update(update_id).await? {
        Begun::Ready(work) => work,
        Begun::Processed => {
            tracing::debug!(update_id, "update already processed; skipped");
            return Ok(());
        }
        Begun::Deferred => {
            tracing::info!(
                update_id,
                chat_id = chat_id.0,
                "an earlier update of this chat is pending elsewhere; deferred"
            );
            return Ok(());
        }
    };
    // One version of the content for the whole update, even if a reload lands.
    let content = shell.content.get();
    let session = work
        .load_session(chat_id.0)
        .await
        .with_context(|| format!("chat {chat_id}"))?;
    let Outcome {
        mut session,
        replies,
        callback_notice,
        effects,
    } = dialogue::handle(&content, session, patient, input);
    // Flood control counts what patients send, not button presses.
    let pace = match source {
        Source::Message => shell.flood.check(chat_id.0, std::time::Instant::now()),
        Source::Button { .. } => flood::Pace::Normal,
    };
    let mut jobs: Vec<Job> = match pace {
        flood::Pace::Normal => replies
            .into_iter()
            .map(|reply| Job::Reply { reply })
            .collect(),
        // Flooding: the input is still processed and relayed, but the bot
        // holds its answers (one note) instead of sending dozens.
        flood::Pace::FirstOverLimit => {
            let locale = content
                .catalog
                .find(&session.locale)
                .unwrap_or(content.catalog.reference());
            let note = content.catalog.format(locale, "flood-note", &[]);
            vec![Job::Reply {
                reply: crate::reply::Reply::new(
                    note,
                    crate::reply::Keyboard::None,
                    crate::reply::Placement::New,
                ),
            }]
        }
        flood::Pace::OverLimit => Vec::new(),
    };
    let mut afterwards = Vec::new();
    for effect in effects {
        match effect {
            Effect::OpenCase(submission, origin) => {
                // The team whose rules the case matches takes it.
                let team = shell.teams.route(&session.locale, &submission.answers);
                let reference = work
                    .create_case(
                        chat_id.0,
                        &session.locale,
                        &submission,
                        team.map(|team| team.group),
                    )
                    .await?;
                tracing::info!(chat_id = chat_id.0, case = %reference, ?origin, "case opened");
                session.case = Some(CaseLink {
                    reference,
                    open: true,
                });
                let reply = dialogue::engine::confirm_case(&content, &session, reference, origin);
                jobs.push(Job::Reply { reply });
                afterwards.push(Job::Enqueue { case: reference });
            }
            Effect::ReopenCase(reference) => {
                work.reopen_case(reference).await?;
                tracing::info!(chat_id = chat_id.0, case = %reference, "case reopened by the patient");
                afterwards.push(Job::Reopened { case: reference });
            }
            Effect::EraseData => {
                let erased = work.erase_patient_data(chat_id.0).await?;
                tracing::info!(
                    chat_id = chat_id.0,
                    cases = erased.cases.len(),
                    "patient data erased on request"
                );
                session.case = None;
                // Always queued: even without a topic, the job scrubs the
                // erased bytes from the database's files.
                afterwards.push(Job::EraseTopics {
                    case: erased.cases.last().copied(),
                    topics: erased.topics,
                    cause: sender::ErasureCause::Patient,
                });
            }
            Effect::ExportMyData => {
                let data = work.patient_data(chat_id.0).await?;
                work.audit("patient", "data-export").await?;
                afterwards.push(Job::Document {
                    name: "my-data.json".to_owned(),
                    content: serde_json::to_string_pretty(&data)?,
                });
            }
            Effect::Rate { case, stars } => {
                work.rate_case(case, chat_id.0, i64::from(stars)).await?;
                afterwards.push(Job::Rated { case, stars });
            }
            Effect::SetChatCommands(locale) => afterwards.push(Job::ChatCommands {
                locale: locale.tag(),
            }),
            // In the lane of the case's topic, not of the patient's screens.
            Effect::Relay => afterwards.push(Job::Relay {
                update_id,
                case: session.case.map(|link| link.reference),
            }),
            Effect::RelayEdit => afterwards.push(Job::RelayEdit {
                update_id,
                case: session.case.map(|link| link.reference),
            }),
        }
    }
    work.save_session(chat_id.0, &session)
        .await
        .with_context(|| format!("chat {chat_id}"))?;
    if let Source::Button { query_id } = source {
        // After the screen changed, so the spinner stops on the new screen.
        jobs.push(Job::AnswerCallback {
            query_id,
            text: callback_notice,
            show_alert: false,
        });
    }
    jobs.extend(afterwards);
    for job in &jobs {
        sender::queue(&mut work, chat_id.0, job);
    }
    // The commit tells the sender (`Storage::watch_outbox`).
    work.commit()
        .await
        .with_context(|| format!("chat {chat_id}"))?;
    tracing::debug!(chat_id = chat_id.0, update_id, node = %session.node, jobs = jobs.len(), "update processed");
    Ok(())
}

/// `None` for service messages (a pin, a chat photo change...), which are
/// not patient input. Anything a patient sent that the bot cannot read — a
/// dice, a kind newer than teloxide, media whose fields do not parse
/// (`Empty`) — is `Unsupported`, so it still gets an answer (or is relayed).
fn message_input(msg: &Message) -> Option<Input> {
    use teloxide::types::MessageKind as Kind;
    match &msg.kind {
        Kind::Common(_) => {}
        Kind::Dice(_)
        | Kind::Empty {}
        | Kind::ChatShared(_)
        | Kind::UsersShared(_)
        | Kind::WebAppData(_)
        | Kind::Invoice(_)
        | Kind::PassportData(_)
        | Kind::Giveaway(_) => return Some(Input::Unsupported),
        _ => return None,
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

/// `/start@navigator_bot es` -> Command { Start, Some("es") }.
pub fn parse_command(text: &str) -> Option<Input> {
    let written = crate::commands::split(text)?;
    Some(Input::Command {
        command: PatientCommand::of(&written.name),
        payload: (!written.argument.is_empty()).then(|| written.argument.to_owned()),
    })
}

fn patient_of<'a>(user: Option<&'a teloxide::types::User>, shell: &Shell) -> Patient<'a> {
    Patient {
        first_name: user.map(|user| user.first_name.as_str()),
        language_code: user.and_then(|user| user.language_code.as_deref()),
        now: crate::storage::unix_now(),
        retention_days: shell.retention_days,
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
pub(crate) async fn set_chat_commands(
    bot: &Bot,
    content: &Content,
    chat_id: ChatId,
    locale: &Locale,
) {
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

    #[tokio::test]
    async fn a_panicking_handler_is_caught_and_the_dispatcher_goes_on() {
        let handler = timed().chain(dptree::endpoint(|| async {
            if true {
                panic!("a bug in a handler");
            }
            Ok(())
        }));
        let update: Update = serde_json::from_value(serde_json::json!({
            "update_id": 7,
            "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private", "first_name": "A"}, "text": "hi"}
        }))
        .unwrap();
        let outcome = handler.dispatch(dptree::deps![update]).await;
        assert!(
            matches!(outcome, std::ops::ControlFlow::Break(Ok(()))),
            "the panic does not escape"
        );
        let payload: Box<dyn std::any::Any + Send> = Box::new("boom");
        assert_eq!(panic_message(payload.as_ref()), "boom");
        let payload: Box<dyn std::any::Any + Send> = Box::new(String::from("bang"));
        assert_eq!(panic_message(payload.as_ref()), "bang");
    }

    #[test]
    fn parses_commands_like_telegram_clients_send_them() {
        let command = |name: &str, payload: Option<&str>| {
            Some(Input::Command {
                command: PatientCommand::of(name),
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
        assert_eq!(
            parse_command("/frobnicate now"),
            command("nothing of ours", Some("now"))
        );
        assert_eq!(
            parse_command("/2 tablets a day"),
            None,
            "words, not a command"
        );
    }
}
