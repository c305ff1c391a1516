//! The coordinators' side of the shell: the forum supergroup where each
//! case has a topic. Puts cases in the queue, relays messages both ways,
//! and carries out coordinators' buttons and commands. The queue's rules and
//! texts are in `handoff`; the atomic state changes in `storage`.

use std::sync::Arc;

use anyhow::Context;
use teloxide::RequestError;
use teloxide::payloads::{
    CopyMessageSetters, EditMessageCaptionSetters, EditMessageTextSetters, SendDocumentSetters,
    SendPhotoSetters, SetMessageReactionSetters,
};
use teloxide::prelude::*;
use teloxide::types::{
    ChatMemberUpdated, InputFile, Me, MessageId, ReplyParameters, ThreadId, UpdateKind, User,
    UserId,
};

use super::delivery::{self, is_missing_topic, is_permanent_refusal, with_retries};
use super::pacing::{Destination, Spend};
use super::sender::{self, ErasureCause, Job};
use super::{HandlerResult, Shell};
use crate::dialogue::Session;
use crate::dialogue::engine::notices;
use crate::handoff::access::{self, Change, Refusal, Standing};
use crate::handoff::case::{self, Applied, CaseAction, Notice};
use crate::handoff::merge;
use crate::handoff::queue::{
    self, CardAction, CoordinatorCommand, CoordinatorText, GroupButton, OFF_HOURS_NOTE_INTERVAL,
};
use crate::handoff::replies::{self, Facts, NotSent, ReplyRequest};
use crate::handoff::texts::Texts;
use crate::handoff::{CaseStatus, CaseView, Coordinator};
use crate::i18n::{Arg, Locale};
use crate::intake::{Answer, CaseRef, DocumentKind};
use crate::reply::{Keyboard, Placement, Reply};
use crate::reports;
use crate::storage::{Begun, ErasedTopic, Work, unix_now};

/// The coordinators' texts as the content now has them, in their language
/// (`COORDINATORS_LANGUAGE`).
pub(crate) struct Words {
    content: Arc<crate::content::Content>,
    locale: Locale,
}

impl Words {
    pub(crate) fn of(shell: &Shell) -> Words {
        let content = shell.content.get();
        let locale = Texts::locale_of(&content.catalog, &shell.coordinators_language);
        Words { content, locale }
    }

    pub(crate) fn texts(&self) -> Texts<'_> {
        Texts::new(&self.content.catalog, &self.locale)
    }

    /// A message with a case's reference.
    fn about(&self, id: &str, reference: CaseRef) -> String {
        let reference = reference.to_string();
        self.texts()
            .say(id, &[("reference", Arg::Text(&reference))])
    }
}

/// Puts a new case in the queue: its topic, its card, its documents.
/// Tried again after a failure, it goes on where it stopped: the topic and
/// the card are recorded as soon as they exist, never made twice.
pub async fn enqueue(bot: &Bot, shell: &Shell, reference: CaseRef) -> anyhow::Result<()> {
    let case = load(shell, reference).await?;
    let Some(group) = group_of(shell, &case) else {
        tracing::warn!(case = %reference, "COORDINATOR_CHAT_ID is not set: the case is stored but no coordinator sees it");
        return Ok(());
    };
    let resume = case
        .thread_id
        .map(|thread| ThreadId(MessageId(thread as i32)));
    open_topic(bot, shell, group, &case, resume).await?;
    shell
        .storage
        .audit(Some(reference), None, "queued", "")
        .await?;
    Ok(())
}

/// Records the case's topic (and card); when the case was erased while
/// they were being made, deletes the topic instead: the erasure could not
/// see it, and nothing of the case may stay in the group.
async fn record_topic(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    group: ChatId,
    thread: ThreadId,
    card: Option<MessageId>,
) -> anyhow::Result<()> {
    let recorded = shell
        .storage
        .set_topic(reference, thread.0.0.into(), card.map(|id| id.0.into()))
        .await?;
    if recorded {
        return Ok(());
    }
    tracing::info!(case = %reference, "the case was erased while its topic was made: the topic is deleted");
    delete_topic(shell, bot, group, thread).await?;
    Err(CaseErased(reference).into())
}

/// Deletes a topic with every message in it; one already gone is fine.
async fn delete_topic(
    shell: &Shell,
    bot: &Bot,
    group: ChatId,
    thread: ThreadId,
) -> Result<(), RequestError> {
    let deleted = with_retries(|| {
        shell
            .pacer
            .call(Destination::Group(group), Spend::Edit, || {
                bot.delete_forum_topic(group, thread).into_future()
            })
    })
    .await;
    match deleted {
        Err(err) if !is_missing_topic(&err) => Err(err),
        _ => Ok(()),
    }
}

/// The group of the team that has the case (cases from before teams, or
/// from before any group was set, are the default team's).
fn group_of(shell: &Shell, case: &CaseView) -> Option<ChatId> {
    case.group_chat_id
        .or_else(|| shell.teams.default_team().map(|team| team.group))
        .map(ChatId)
}

/// The group a case's topic is in, if any.
pub(crate) async fn group_of_case(shell: &Shell, reference: CaseRef) -> Option<ChatId> {
    match shell.storage.case_view(reference).await {
        Ok(Some(case)) => group_of(shell, &case),
        _ => None,
    }
}

/// Posts `messages` messages into the group in one call, paced (429s
/// waited out), with a few retries of transient failures.
async fn post_in_group<T, F, Fut>(
    shell: &Shell,
    group: ChatId,
    messages: u32,
    post: F,
) -> Result<T, RequestError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, RequestError>>,
{
    let post = &post;
    with_retries(move || {
        shell
            .pacer
            .call(Destination::Group(group), Spend::Messages(messages), post)
    })
    .await
}

/// Creates the case's topic (or goes on in `resume`, the topic an earlier
/// try created), posts the card unless it was, and re-sends the documents.
async fn open_topic(
    bot: &Bot,
    shell: &Shell,
    group: ChatId,
    case: &CaseView,
    resume: Option<ThreadId>,
) -> anyhow::Result<ThreadId> {
    let thread = match resume {
        Some(thread) => thread,
        None => {
            let topic = post_in_group(shell, group, 1, || {
                bot.create_forum_topic(group, queue::topic_name(case))
                    .into_future()
            })
            .await
            .context("cannot create the case's topic")?;
            // Recorded at once: a retry must find it rather than make another.
            record_topic(bot, shell, case.reference, group, topic.thread_id, None).await?;
            topic.thread_id
        }
    };
    if resume.is_some() && shell.storage.card_message(case.reference).await?.is_some() {
        return Ok(thread); // the card and documents went before
    }
    let card = card_reply(shell, case);
    let card_id = post_in_group(shell, group, 1, || {
        delivery::send(bot, group, Some(thread), &card)
    })
    .await
    .context("cannot post the case card")?;
    record_topic(bot, shell, case.reference, group, thread, Some(card_id)).await?;
    for document in shell.storage.case_documents(case.reference).await? {
        let file = || InputFile::file_id(document.file_id.clone().into());
        let sent = match document.kind {
            DocumentKind::Photo => post_in_group(shell, group, 1, || {
                bot.send_photo(group, file())
                    .message_thread_id(thread)
                    .into_future()
            })
            .await
            .map(drop),
            DocumentKind::Pdf | DocumentKind::Image => post_in_group(shell, group, 1, || {
                bot.send_document(group, file())
                    .message_thread_id(thread)
                    .into_future()
            })
            .await
            .map(drop),
        };
        if let Err(err) = sent {
            // Reported in the topic rather than dropped silently.
            tracing::warn!(case = %case.reference, error = %err, "a document could not be re-sent");
            let note = Reply::new(
                queue::document_not_shown(&Words::of(shell).texts(), &err.to_string()),
                Keyboard::None,
                Placement::New,
            );
            let _ = post_in_group(shell, group, 1, || {
                delivery::send(bot, group, Some(thread), &note)
            })
            .await;
        }
    }
    Ok(thread)
}

fn card_reply(shell: &Shell, case: &CaseView) -> Reply {
    let content = shell.content.get();
    let language = content
        .catalog
        .find(&case.locale)
        .map(|locale| content.catalog.format(locale, "language-name", &[]))
        .unwrap_or_else(|| case.locale.clone());
    let words = Words::of(shell);
    let (html, buttons) = queue::card(&words.texts(), case, &language, unix_now());
    let keyboard = if buttons.is_empty() {
        Keyboard::None
    } else {
        Keyboard::Inline(buttons)
    };
    Reply::new(html, keyboard, Placement::New)
}

/// Redraws the card after a change of status (a failure is logged: the
/// card is only a view of the case).
pub(crate) async fn refresh_card(bot: &Bot, shell: &Shell, reference: CaseRef) {
    let refreshed = async {
        let case = load(shell, reference).await?;
        let Some(group) = group_of(shell, &case) else {
            return Ok(());
        };
        if let Some(card_id) = shell.storage.card_message(reference).await? {
            let card = card_reply(shell, &case);
            let edited = shell
                .pacer
                .call(Destination::Group(group), Spend::Edit, || {
                    delivery::edit(bot, group, card_id as i32, &card)
                })
                .await;
            match edited {
                Ok(()) | Err(RequestError::Api(teloxide::ApiError::MessageNotModified)) => {}
                Err(err) => return Err(anyhow::Error::from(err)),
            }
        }
        anyhow::Ok(())
    };
    if let Err(err) = refreshed.await {
        tracing::warn!(case = %reference, error = format!("{err:#}"), "the case card could not be updated");
    }
}

/// Closes a case's topic (posting there later reopens it for that post).
pub(crate) async fn close_topic(bot: &Bot, shell: &Shell, reference: CaseRef) {
    let Ok(Some(case)) = shell.storage.case_view(reference).await else {
        return;
    };
    if let (Some(group), Some(thread)) = (group_of(shell, &case), case.thread_id) {
        let thread = ThreadId(MessageId(thread as i32));
        if let Err(err) = bot.close_forum_topic(group, thread).await {
            tracing::warn!(case = %reference, error = %err, "the topic could not be closed");
        }
    }
}

/// The messages of a change's notices (see `handoff::case`), as outbox
/// jobs with their chats: committed with the change itself, they are sent
/// once it is stored, even across a crash.
fn notice_jobs(shell: &Shell, case: &CaseView, notices: Vec<Notice>) -> Vec<(i64, Job)> {
    let Some(group) = group_of(shell, case).map(|group| group.0) else {
        return Vec::new();
    };
    let reference = case.reference;
    let content = shell.content.get();
    notices
        .into_iter()
        .map(|notice| match notice {
            Notice::RefreshCard => (group, Job::RefreshCard { case: reference.0 }),
            Notice::TopicNote(html) => note_job(group, reference, html),
            Notice::PatientJoined => (
                case.chat_id,
                Job::Reply {
                    reply: notices::coordinator_joined(&content, &case.locale),
                },
            ),
            Notice::PatientClosed => (
                case.chat_id,
                Job::Reply {
                    reply: notices::closed(&content, &case.locale, reference),
                },
            ),
            Notice::CloseTopic => (group, Job::CloseTopic { case: reference.0 }),
        })
        .collect()
}

/// Carries out `action` on `case` in `work`: the database's compare-and-set,
/// then what the core says follows (`handoff::case`): the audit entry goes
/// in with the change, the notices' jobs are added to `jobs`. Commands and
/// card buttons come here alike.
async fn apply_action(
    shell: &Shell,
    work: &mut Work,
    jobs: &mut Vec<(i64, Job)>,
    case: &CaseView,
    who: &Coordinator,
    action: CaseAction,
) -> anyhow::Result<case::Answer> {
    let reference = case.reference;
    let changed = |made: bool| {
        if made {
            Applied::Changed
        } else {
            Applied::Unchanged
        }
    };
    let applied = match &action {
        CaseAction::Take => Applied::Take(work.take_case(reference, who).await?),
        CaseAction::Release => changed(work.release_case(reference).await?),
        CaseAction::Close => changed(work.close_case(reference).await?),
        CaseAction::Transfer(to) => changed(work.transfer_case(reference, to).await?),
        CaseAction::SetUrgent(urgent) if case.urgent != *urgent => {
            work.set_urgent(reference, *urgent).await?;
            Applied::Changed
        }
        CaseAction::SetUrgent(_) => Applied::Unchanged,
        CaseAction::Note => Applied::Changed,
    };
    let words = Words::of(shell);
    let consequences = case::consequences(&words.texts(), case, who, &action, &applied);
    if let Some(entry) = &consequences.audit {
        work.audit_case(reference, Some(who), entry.action, &entry.detail)
            .await?;
    }
    jobs.extend(notice_jobs(shell, case, consequences.notices));
    Ok(consequences.answer)
}

fn note_job(group: i64, reference: CaseRef, html: String) -> (i64, Job) {
    (
        group,
        Job::TopicNote {
            case: reference.0,
            html,
        },
    )
}

/// Sends a change's messages at once, where no update's transaction can
/// carry them (a change the bot makes itself, or one inside a relay).
async fn tell_now(bot: &Bot, shell: &Shell, jobs: Vec<(i64, Job)>) {
    for (chat_id, job) in jobs {
        // Boxed: a job may lead back here (a blocked patient closes the case).
        Box::pin(super::sender::execute_now(bot, shell, chat_id, &job)).await;
    }
}

async fn load(shell: &Shell, reference: CaseRef) -> anyhow::Result<CaseView> {
    shell
        .storage
        .case_view(reference)
        .await?
        .ok_or_else(|| CaseErased(reference).into())
}

/// A job's case is gone (erased by the patient or by retention): there is
/// nothing left to send for it, and the job ends without a retry.
#[derive(Debug)]
pub struct CaseErased(pub CaseRef);

impl std::fmt::Display for CaseErased {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "case {} was erased", self.0)
    }
}

impl std::error::Error for CaseErased {}

/// Posts into the case's topic (`messages` messages in one call),
/// recreating the topic if someone deleted it.
async fn post_in_topic<T, F, Fut>(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    messages: u32,
    post: F,
) -> anyhow::Result<Option<T>>
where
    F: Fn(ChatId, ThreadId) -> Fut,
    Fut: std::future::Future<Output = Result<T, RequestError>>,
{
    let case = load(shell, reference).await?;
    let Some(group) = group_of(shell, &case) else {
        return Ok(None);
    };
    let thread = match case.thread_id {
        Some(thread) => ThreadId(MessageId(thread as i32)),
        None => open_topic(bot, shell, group, &case, None).await?,
    };
    let post = &post;
    match post_in_group(shell, group, messages, move || post(group, thread)).await {
        Ok(value) => Ok(Some(value)),
        Err(err) if is_closed_topic(&err) => {
            // A closed case keeps a closed topic: reopen it for this post only.
            bot.reopen_forum_topic(group, thread)
                .await
                .context("cannot reopen the topic")?;
            let posted = post_in_group(shell, group, messages, move || post(group, thread)).await;
            if !case.status.is_open() || load(shell, reference).await?.status == CaseStatus::Closed
            {
                let _ = bot.close_forum_topic(group, thread).await;
            }
            Ok(Some(posted?))
        }
        Err(err) if is_missing_topic(&err) => {
            tracing::warn!(case = %reference, "the case's topic was deleted; recreating it");
            let thread = open_topic(bot, shell, group, &case, None).await?;
            Ok(Some(
                post_in_group(shell, group, messages, move || post(group, thread)).await?,
            ))
        }
        Err(err) => Err(err.into()),
    }
}

fn is_closed_topic(err: &RequestError) -> bool {
    matches!(err, RequestError::Api(teloxide::ApiError::Unknown(description)) if description.contains("TOPIC_CLOSED"))
}

pub(crate) async fn note_in_topic(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    html: String,
) -> anyhow::Result<()> {
    let note = Reply::new(html, Keyboard::None, Placement::New);
    post_in_topic(bot, shell, reference, 1, |group, thread| {
        delivery::send(bot, group, Some(thread), &note)
    })
    .await?;
    Ok(())
}

/// The patient wrote again after a close: the same topic, reopened.
pub async fn reopened(bot: &Bot, shell: &Shell, reference: CaseRef) -> anyhow::Result<()> {
    let case = load(shell, reference).await?;
    let Some(group) = group_of(shell, &case) else {
        return Ok(());
    };
    if let Some(thread) = case.thread_id {
        let thread = ThreadId(MessageId(thread as i32));
        if let Err(err) = bot.reopen_forum_topic(group, thread).await {
            tracing::debug!(case = %reference, error = %err, "topic not reopened (recreated on the next post)");
        }
    }
    let card = card_reply(shell, &case);
    let card_id = post_in_topic(bot, shell, reference, 1, |group, thread| {
        delivery::send(bot, group, Some(thread), &card)
    })
    .await?;
    let reloaded = load(shell, reference).await?;
    if let (Some(card_id), Some(thread), Some(group)) =
        (card_id, reloaded.thread_id, group_of(shell, &reloaded))
    {
        let thread = ThreadId(MessageId(thread as i32));
        record_topic(bot, shell, reference, group, thread, Some(card_id)).await?;
    }
    shell
        .storage
        .audit(Some(reference), None, "reopened", "by the patient")
        .await?;
    Ok(())
}

pub async fn rated(bot: &Bot, shell: &Shell, reference: CaseRef, stars: u8) -> anyhow::Result<()> {
    shell
        .storage
        .audit(Some(reference), None, "rated", &stars.to_string())
        .await?;
    note_in_topic(
        bot,
        shell,
        reference,
        Words::of(shell).texts().say(
            "coord-note-rated",
            &[("stars", Arg::Number(i64::from(stars)))],
        ),
    )
    .await
}

/// The message (the patient's, or a coordinator's) of a stored update.
async fn stored_message(shell: &Shell, update_id: i64) -> anyhow::Result<Option<Message>> {
    let Some(payload) = shell.storage.update_payload(update_id).await? else {
        return Ok(None);
    };
    let update: Update = serde_json::from_str(&payload).context("unreadable stored update")?;
    Ok(match update.kind {
        UpdateKind::Message(msg) | UpdateKind::EditedMessage(msg) => Some(msg),
        _ => None,
    })
}

/// Relays the patient's messages of stored updates to their case's topic,
/// for the outbox. Several texts waiting together (a backlog behind the
/// group's budget) go as one message, each part with its time, so that
/// the topic catches up at more than 20 patient messages a minute.
pub async fn relay_updates(
    bot: &Bot,
    shell: &Shell,
    chat_id: i64,
    update_ids: &[i64],
) -> anyhow::Result<()> {
    let Some(session) = shell.storage.load_session(chat_id).await? else {
        return Ok(());
    };
    let Some(link) = session.case else {
        return Ok(());
    };
    let case = load(shell, link.reference).await?;
    let Some(group) = group_of(shell, &case).map(|group| group.0) else {
        return Ok(());
    };
    let mut messages = Vec::new();
    for update_id in update_ids {
        if let Some(msg) = stored_message(shell, *update_id).await? {
            // Relayed before a restart: never twice.
            if shell
                .storage
                .topic_copy(link.reference, group, msg.id.0.into())
                .await?
                .is_none()
            {
                messages.push(msg);
            }
        }
    }
    let mut relayed = false;
    for (batch, run) in runs(&messages) {
        relayed |= match batch {
            Batch::Texts if run.len() > 1 => {
                relay_merged(bot, shell, link.reference, group, &run).await?
            }
            Batch::Media if run.len() > 1 => {
                relay_copied(bot, shell, link.reference, group, &run).await?
            }
            // One message (or one that must go alone): copied as it is.
            _ => {
                let mut any = false;
                for msg in run {
                    any |= relay_from_patient(bot, shell, &session, group, msg).await?;
                }
                any
            }
        };
    }
    if let (true, Some(first)) = (relayed, messages.first()) {
        tell_if_off_hours(bot, shell, &session, link.reference, first.chat.id).await?;
    }
    for msg in &messages {
        let arrived = shell
            .storage
            .topic_copy(link.reference, group, msg.id.0.into())
            .await?
            .is_some();
        if arrived {
            mark(bot, shell, msg.chat.id, msg.id, Mark::Received).await;
        }
    }
    Ok(())
}

/// Quiet delivery marks on the patient's own messages: no extra message,
/// a reaction Telegram shows on theirs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// It reached the coordinators' topic.
    Received,
    /// A coordinator has answered since (on the patient's latest).
    Answered,
}

impl Mark {
    fn emoji(self) -> &'static str {
        match self {
            Mark::Received => "👌",
            Mark::Answered => "✍",
        }
    }
}

/// Sets a delivery mark. Best effort: a mark that fails is logged and
/// left, never retried, and never holds up or repeats a relay.
async fn mark(bot: &Bot, shell: &Shell, chat: ChatId, message: MessageId, mark: Mark) {
    let reaction = vec![teloxide::types::ReactionType::Emoji {
        emoji: mark.emoji().to_owned(),
    }];
    let marked = shell
        .pacer
        .call(Destination::Private(chat), Spend::Edit, || {
            bot.set_message_reaction(chat, message)
                .reaction(reaction.clone())
                .into_future()
        })
        .await;
    if let Err(err) = marked {
        tracing::debug!(chat_id = chat.0, error = %err, ?mark, "a delivery mark was not set");
    }
}

/// How waiting messages of the patient go together to the topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Batch {
    /// Texts: merged into one message.
    Texts,
    /// Photos, documents, anything copied: one copyMessages call.
    Media,
    /// A reply (it keeps its place in the thread) or a text too long to
    /// merge: copied on its own.
    Alone,
}

fn batch_of(msg: &Message) -> Batch {
    let is_reply = msg.reply_to_message().is_some();
    if merge::mergeable(msg.text(), is_reply) {
        Batch::Texts
    } else if msg.text().is_none() && !is_reply {
        Batch::Media
    } else {
        Batch::Alone
    }
}

/// Consecutive messages of one batch kind, in order (an `Alone` one is a
/// run of its own).
fn runs(messages: &[Message]) -> Vec<(Batch, Vec<&Message>)> {
    let mut runs: Vec<(Batch, Vec<&Message>)> = Vec::new();
    for msg in messages {
        let batch = batch_of(msg);
        match runs.last_mut() {
            Some((last, run)) if *last == batch && batch != Batch::Alone => run.push(msg),
            _ => runs.push((batch, vec![msg])),
        }
    }
    runs
}

/// Two or more texts of the patient waiting together: one message in the
/// topic (more if they do not fit in one).
async fn relay_merged(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    group: i64,
    texts: &[&Message],
) -> anyhow::Result<bool> {
    let parts: Vec<merge::Part> = texts
        .iter()
        .map(|msg| merge::Part {
            time: local_time(shell, msg.date.timestamp()),
            text: msg.text().unwrap_or_default().to_owned(),
        })
        .collect();
    let mut from = 0;
    for chunk in merge::merge(&parts) {
        let merged = Reply::new(chunk.html, Keyboard::None, Placement::New);
        let posted = post_in_topic(bot, shell, reference, 1, |group, thread| {
            delivery::send(bot, group, Some(thread), &merged)
        })
        .await?;
        let Some(copy) = posted else {
            return Ok(false);
        };
        let pairs: Vec<(i64, i64)> = texts[from..from + chunk.parts]
            .iter()
            .map(|msg| (msg.id.0.into(), copy.0.into()))
            .collect();
        shell
            .storage
            .record_relays(reference, group, &pairs, true)
            .await?;
        from += chunk.parts;
    }
    tracing::debug!(case = %reference, messages = texts.len(), "patient messages merged for the topic");
    Ok(true)
}

/// Two or more photos and documents of the patient waiting together: one
/// copyMessages call (each counts against the group's budget, but one
/// request, in order).
async fn relay_copied(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    group: i64,
    media: &[&Message],
) -> anyhow::Result<bool> {
    let from = media[0].chat.id;
    let ids: Vec<MessageId> = media.iter().map(|msg| msg.id).collect();
    let count = u32::try_from(ids.len()).unwrap_or(u32::MAX);
    let copies = post_in_topic(bot, shell, reference, count, |group, thread| {
        bot.copy_messages(group, from, ids.clone())
            .message_thread_id(thread)
            .into_future()
    })
    .await?;
    let Some(copies) = copies else {
        return Ok(false);
    };
    if copies.len() == media.len() {
        let pairs: Vec<(i64, i64)> = media
            .iter()
            .zip(&copies)
            .map(|(msg, copy)| (msg.id.0.into(), copy.0.into()))
            .collect();
        shell
            .storage
            .record_relays(reference, group, &pairs, true)
            .await?;
    } else {
        // Telegram skipped some it could not copy: which ones is not said.
        tracing::warn!(case = %reference, sent = media.len(), copied = copies.len(), "some of the patient's files could not be copied to the topic");
    }
    Ok(true)
}

/// `HH:MM` in the team's time zone.
fn local_time(shell: &Shell, unix: i64) -> String {
    jiff::Timestamp::from_second(unix)
        .map(|at| {
            at.to_zoned(shell.report_zone.clone())
                .strftime("%H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// Applies the patient's edit of a stored update to the topic's copy.
pub async fn relay_edit(
    bot: &Bot,
    shell: &Shell,
    chat_id: i64,
    update_id: i64,
) -> anyhow::Result<()> {
    let Some(msg) = stored_message(shell, update_id).await? else {
        return Ok(());
    };
    let Some(session) = shell.storage.load_session(chat_id).await? else {
        return Ok(());
    };
    relay_patient_edit(bot, shell, &session, &msg).await
}

/// A patient's message goes to their case's topic in `group`, without a
/// forward header; `true` when it was relayed now.
async fn relay_from_patient(
    bot: &Bot,
    shell: &Shell,
    session: &Session,
    group: i64,
    msg: &Message,
) -> anyhow::Result<bool> {
    let Some(link) = session.case else {
        return Ok(false);
    };
    let reference = link.reference;
    if shell
        .storage
        .topic_copy(reference, group, msg.id.0.into())
        .await?
        .is_some()
    {
        return Ok(false); // relayed before a restart: never twice
    }
    // A ready reply sent by a button stands for no message in the topic
    // (its key is negative): the answer to it threads nowhere.
    let reply_to = match msg.reply_to_message() {
        Some(original) => shell
            .storage
            .topic_copy(reference, group, original.id.0.into())
            .await?
            .filter(|topic_message| *topic_message > 0),
        None => None,
    };
    let copied = post_in_topic(bot, shell, reference, 1, |group, thread| {
        let mut request = bot
            .copy_message(group, msg.chat.id, msg.id)
            .message_thread_id(thread);
        if let Some(reply_to) = reply_to {
            request = request.reply_parameters(
                ReplyParameters::new(MessageId(reply_to as i32)).allow_sending_without_reply(),
            );
        }
        request.into_future()
    })
    .await;
    match copied {
        Ok(Some(copy)) => {
            shell
                .storage
                .record_relay(reference, group, msg.id.0.into(), copy.0.into(), true)
                .await?;
            Ok(true)
        }
        Ok(None) => Ok(false),
        Err(err)
            if err
                .downcast_ref::<RequestError>()
                .is_some_and(delivery::is_transient) =>
        {
            Err(err) // the outbox tries again
        }
        Err(err) => {
            tracing::error!(chat_id = msg.chat.id.0, case = %reference, error = %err, "a patient message could not reach the topic");
            let sorry = notices::not_delivered(&shell.content.get(), &session.locale);
            let _ = delivery::deliver(bot, &shell.pacer, msg.chat.id, &sorry).await;
            Ok(false)
        }
    }
}

/// Outside working hours the patient hears when to expect an answer.
async fn tell_if_off_hours(
    bot: &Bot,
    shell: &Shell,
    session: &Session,
    reference: CaseRef,
    chat: ChatId,
) -> anyhow::Result<()> {
    let Some(hours) = &shell.hours else {
        return Ok(());
    };
    let now = unix_now();
    let Some(opens) = hours.next_opening(now) else {
        return Ok(());
    };
    if shell
        .storage
        .claim_off_hours_note(reference, now, OFF_HOURS_NOTE_INTERVAL)
        .await?
    {
        let note = notices::off_hours(&shell.content.get(), &session.locale, &opens);
        let _ = delivery::deliver(bot, &shell.pacer, chat, &note).await;
    }
    Ok(())
}

/// The patient edited a message the coordinators have: edit their copy.
pub async fn relay_patient_edit(
    bot: &Bot,
    shell: &Shell,
    session: &Session,
    msg: &Message,
) -> anyhow::Result<()> {
    let Some(link) = session.case else {
        return Ok(());
    };
    let case = load(shell, link.reference).await?;
    let Some(group) = group_of(shell, &case) else {
        return Ok(());
    };
    let Some(copy) = shell
        .storage
        .topic_copy(link.reference, group.0, msg.id.0.into())
        .await?
    else {
        return Ok(());
    };
    if shell
        .storage
        .is_merged_copy(link.reference, group.0, copy)
        .await?
    {
        // One part of a merged message: the others stay as they were, the
        // edit is shown beside it.
        let edited = Reply::new(
            merge::edited_part(
                &Words::of(shell).texts(),
                &local_time(
                    shell,
                    msg.edit_date().map_or(msg.date, |at| *at).timestamp(),
                ),
                msg.text().or(msg.caption()).unwrap_or_default(),
            ),
            Keyboard::None,
            Placement::New,
        );
        post_in_topic(bot, shell, link.reference, 1, |group, thread| {
            let mut request = bot
                .send_message(group, edited.html.clone())
                .parse_mode(teloxide::types::ParseMode::Html)
                .message_thread_id(thread);
            request = request.reply_parameters(
                ReplyParameters::new(MessageId(copy as i32)).allow_sending_without_reply(),
            );
            request.into_future()
        })
        .await?;
        return Ok(());
    }
    apply_edit(
        bot,
        shell,
        Destination::Group(group),
        MessageId(copy as i32),
        msg,
    )
    .await;
    Ok(())
}

/// Makes a bot-sent copy say what the edited original says now.
async fn apply_edit(
    bot: &Bot,
    shell: &Shell,
    destination: Destination,
    copy: MessageId,
    original: &Message,
) {
    let chat = match destination {
        Destination::Private(chat) | Destination::Group(chat) => chat,
    };
    let result = if let Some(text) = original.text() {
        shell
            .pacer
            .call(destination, Spend::Edit, || {
                let mut request = bot.edit_message_text(chat, copy, text);
                if let Some(entities) = original.entities() {
                    request = request.entities(entities.to_vec());
                }
                request.into_future()
            })
            .await
            .map(drop)
    } else if let Some(caption) = original.caption() {
        shell
            .pacer
            .call(destination, Spend::Edit, || {
                let mut request = bot.edit_message_caption(chat, copy).caption(caption);
                if let Some(entities) = original.caption_entities() {
                    request = request.caption_entities(entities.to_vec());
                }
                request.into_future()
            })
            .await
            .map(drop)
    } else {
        Ok(())
    };
    if let Err(err) = result {
        tracing::warn!(error = %err, "an edit could not be passed on");
    }
}

/// Erased cases' topics are deleted with every message in them (the card,
/// the re-sent documents, both sides' messages, the notes, the topic's
/// name). When the patient asked, each group's General topic is told which
/// cases went (by reference only); retention is routine and says nothing.
/// Then no byte of the erasure may stay in the database's files. Tried
/// again after a failure, topics already deleted are skipped.
pub async fn erase_topics(
    bot: &Bot,
    shell: &Shell,
    topics: &[ErasedTopic],
    cause: ErasureCause,
) -> anyhow::Result<()> {
    let mut erased_in: std::collections::BTreeMap<i64, Vec<CaseRef>> = Default::default();
    for topic in topics {
        let group = topic
            .group
            .or_else(|| shell.teams.default_team().map(|team| team.group))
            .map(ChatId);
        let Some(group) = group else { continue };
        let thread = ThreadId(MessageId(topic.thread_id as i32));
        delete_topic(shell, bot, group, thread)
            .await
            .with_context(|| {
                format!(
                    "cannot delete the topic of erased case {}",
                    CaseRef(topic.case)
                )
            })?;
        let cases = erased_in.entry(group.0).or_default();
        if !cases.contains(&CaseRef(topic.case)) {
            cases.push(CaseRef(topic.case));
        }
    }
    if cause == ErasureCause::Patient {
        for (group, cases) in erased_in {
            let group = ChatId(group);
            let words = Words::of(shell);
            let note = Reply::new(
                queue::erasure_note(&words.texts(), &cases),
                Keyboard::None,
                Placement::New,
            );
            post_in_group(shell, group, 1, || delivery::send(bot, group, None, &note)).await?;
        }
    }
    shell.storage.scrub().await;
    Ok(())
}

/// A reminder in the group's General topic (see `handoff::escalation`):
/// the first without sound, the second, for everyone, with it.
pub async fn remind(
    bot: &Bot,
    shell: &Shell,
    group: ChatId,
    html: &str,
    loud: bool,
) -> anyhow::Result<()> {
    use teloxide::payloads::SendMessageSetters;
    post_in_group(shell, group, 1, || {
        bot.send_message(group, html)
            .parse_mode(teloxide::types::ParseMode::Html)
            .link_preview_options(delivery::no_link_preview())
            .disable_notification(!loud)
            .into_future()
    })
    .await
    .context("cannot post the reminder")?;
    Ok(())
}

/// A last note in a topic the bot is leaving (erased, moved to another
/// team), which then closes; the topic may be closed already (reopened
/// for the note) or deleted by hand (nobody to tell).
async fn last_word_in_topic(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    group: ChatId,
    thread: ThreadId,
    note: &Reply,
) -> anyhow::Result<()> {
    let _ = bot.reopen_forum_topic(group, thread).await;
    match post_in_group(shell, group, 1, || {
        delivery::send(bot, group, Some(thread), note)
    })
    .await
    {
        Ok(_) => {}
        Err(err) if is_missing_topic(&err) => {}
        Err(err) => return Err(err.into()),
    }
    if let Err(err) = bot.close_forum_topic(group, thread).await {
        tracing::debug!(case = %reference, error = %err, "the topic was not closed");
    }
    Ok(())
}

/// The case moved to another team: its old topic hears where it went, and
/// closes (the conversation goes on in the new team's topic).
pub async fn moved_out(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    group: ChatId,
    thread_id: Option<i64>,
    html: &str,
) -> anyhow::Result<()> {
    let Some(thread) = thread_id.map(|thread| ThreadId(MessageId(thread as i32))) else {
        return Ok(());
    };
    let note = Reply::new(html.to_owned(), Keyboard::None, Placement::New);
    last_word_in_topic(bot, shell, reference, group, thread, &note).await
}

/// The last messages of a moved case's old topic, copied into its new
/// topic in one call (each counts against the new group's budget).
pub async fn copy_history(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    from_group: ChatId,
    messages: &[i64],
) -> anyhow::Result<()> {
    if messages.is_empty() {
        return Ok(());
    }
    let case = load(shell, reference).await?;
    let (Some(group), Some(thread)) = (group_of(shell, &case), case.thread_id) else {
        return Ok(()); // the opening (queued before) makes the topic
    };
    let thread = ThreadId(MessageId(thread as i32));
    let ids = messages.iter().map(|id| MessageId(*id as i32));
    let count = u32::try_from(messages.len()).unwrap_or(u32::MAX);
    let copied = with_retries(|| {
        shell
            .pacer
            .call(Destination::Group(group), Spend::Messages(count), || {
                bot.copy_messages(group, from_group, ids.clone())
                    .message_thread_id(thread)
                    .into_future()
            })
    })
    .await;
    if let Err(err) = copied {
        // The old messages may be gone; the case goes on without them.
        tracing::warn!(case = %reference, error = %err, "the case's history could not be copied");
    }
    Ok(())
}

/// The patient blocked the bot: the coordinators are told and the case closes.
pub async fn patient_blocked(bot: &Bot, shell: &Shell, chat_id: i64) -> anyhow::Result<()> {
    let Some(session) = shell.storage.load_session(chat_id).await? else {
        return Ok(());
    };
    let Some(link) = session.case.filter(|case| case.open) else {
        return Ok(());
    };
    note_in_topic(
        bot,
        shell,
        link.reference,
        Words::of(shell).texts().say("coord-note-blocked", &[]),
    )
    .await?;
    close(bot, shell, link.reference, None, false).await
}

/// Closes a case: the patient gets a closing note and a rating question (unless
/// they blocked the bot), the topic is closed.
async fn close(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    by: Option<&Coordinator>,
    tell_patient: bool,
) -> anyhow::Result<()> {
    if !shell.storage.close_case(reference).await? {
        return Ok(());
    }
    shell
        .storage
        .audit(Some(reference), by, "close", "")
        .await?;
    let case = load(shell, reference).await?;
    let words = Words::of(shell);
    let notices = case::closing_notices(&words.texts(), by, tell_patient);
    let jobs = notice_jobs(shell, &case, notices);
    tell_now(bot, shell, jobs).await;
    Ok(())
}

fn coordinator_of(user: &User) -> Coordinator {
    Coordinator {
        id: user.id.0 as i64,
        name: user.full_name(),
    }
}

/// Anything a coordinator writes in the group. Commands that change a
/// case commit the change with its messages and the update's processed
/// mark; the rest (listings, relays) is done at once, at least once.
pub async fn on_message(
    bot: Bot,
    me: Me,
    shell: Arc<Shell>,
    update: Update,
    msg: Message,
) -> HandlerResult {
    // Service messages (a pin, a topic renamed or closed by hand) are
    // nobody's words: nothing to relay, no case to take.
    if !matches!(msg.kind, teloxide::types::MessageKind::Common(_)) {
        return super::skip(&shell, &update).await;
    }
    let (who, writer) = match (&msg.sender_chat, msg.from.as_ref()) {
        // An anonymous administrator, or a post as the group itself.
        (Some(chat), _) => {
            let who = Coordinator {
                id: chat.id.0,
                name: ANONYMOUS_COORDINATOR.to_owned(),
            };
            // Only administrators may write as the group; another chat
            // (a member's channel) is a member at most.
            let standing = if chat.id == msg.chat.id {
                Standing::Administrator
            } else {
                Standing::Member
            };
            (who, Writer::Known(standing))
        }
        (None, Some(user)) if !user.is_bot => {
            let who = coordinator_of(user);
            shell
                .storage
                .remember_coordinator(&who, user.username.as_deref())
                .await?;
            (who, Writer::User(user.id))
        }
        _ => return super::skip(&shell, &update).await, // bots, ours included
    };
    // A photo or document captioned `/note …` is a command like a text.
    let said = msg
        .text()
        .or(msg.caption())
        .map_or(CoordinatorText::Message, |text| {
            CoordinatorText::of(text, me.username())
        });
    let case = match msg.thread_id.filter(|_| msg.is_topic_message) {
        Some(thread) => {
            shell
                .storage
                .case_in_thread(msg.chat.id.0, thread.0.0.into())
                .await?
        }
        None => None, // the General topic is the coordinators' own
    };
    match (said, case) {
        (
            CoordinatorText::Command(
                command @ (CoordinatorCommand::Note
                | CoordinatorCommand::Release
                | CoordinatorCommand::Close
                | CoordinatorCommand::Transfer(_)),
            ),
            Some(case),
        ) => {
            let actor = Actor {
                who: &who,
                writer,
                group: msg.chat.id,
            };
            Ok(change_by_command(&bot, &shell, &update, &msg, case, actor, command).await?)
        }
        (CoordinatorText::Command(CoordinatorCommand::Reply(request)), Some(case)) => match request
        {
            ReplyRequest::Menu => {
                let work = reply_menu(&bot, &shell, &msg, &case);
                super::at_least_once(&shell, &update, work).await
            }
            ReplyRequest::Send { name, argument } => {
                let Some(mut work) = begin(&shell, &update).await? else {
                    return Ok(());
                };
                let mut jobs = Vec::new();
                let asked = ReadyReplyAsked {
                    name: &name,
                    argument: &argument,
                    key: msg.id.0.into(),
                };
                send_ready_reply(&shell, &mut work, &mut jobs, &case, &who, asked).await?;
                Ok(commit_change(&shell, work, jobs).await?)
            }
        },
        (CoordinatorText::Message, Some(case)) => {
            Ok(answer_patient(&shell, &update, case, &who).await?)
        }
        (said, _) => {
            let work = coordinator_message(&bot, &shell, &msg, said);
            super::at_least_once(&shell, &update, work).await
        }
    }
}

/// A coordinator wrote in a case's topic: the message is queued for the
/// patient, and a waiting case is theirs now. The take, its audit entry,
/// its notices and the message commit with the update's processed mark,
/// like every other change: a crash or a Telegram error leaves either all
/// of it or none.
async fn answer_patient(
    shell: &Shell,
    update: &Update,
    case: CaseView,
    who: &Coordinator,
) -> anyhow::Result<()> {
    let Some(mut work) = begin(shell, update).await? else {
        return Ok(());
    };
    let mut jobs = Vec::new();
    if case.status == CaseStatus::Waiting {
        apply_action(shell, &mut work, &mut jobs, &case, who, CaseAction::Take).await?;
    }
    jobs.push((
        case.chat_id,
        Job::ToPatient {
            update_id: super::update_id(update),
            case: case.reference.0,
        },
    ));
    commit_change(shell, work, jobs).await
}

/// The patient's language and the coordinators', as the catalog has them.
fn languages(shell: &Shell, catalog: &crate::i18n::Catalog, case: &CaseView) -> (Locale, Locale) {
    let patient = catalog
        .find(&case.locale)
        .unwrap_or_else(|| catalog.reference())
        .clone();
    let coordinators = catalog
        .find(&shell.coordinators_language)
        .unwrap_or_else(|| catalog.reference())
        .clone();
    (patient, coordinators)
}

/// `/r` in a case's topic: the ready replies, as buttons labelled in the
/// coordinators' language.
async fn reply_menu(
    bot: &Bot,
    shell: &Shell,
    msg: &Message,
    case: &CaseView,
) -> anyhow::Result<()> {
    let content = shell.content.get();
    let (patient, coordinators) = languages(shell, &content.catalog, case);
    let (html, buttons) = replies::menu(&content.catalog, &patient, &coordinators, case.reference);
    let keyboard = if buttons.is_empty() {
        Keyboard::None
    } else {
        Keyboard::Inline(buttons)
    };
    let menu = Reply::new(html, keyboard, Placement::New);
    post_in_group(shell, msg.chat.id, 1, || {
        delivery::send(bot, msg.chat.id, msg.thread_id, &menu)
    })
    .await?;
    Ok(())
}

/// A ready reply a coordinator asked for.
struct ReadyReplyAsked<'a> {
    name: &'a str,
    /// What followed the name (a date, for replies that give one).
    argument: &'a str,
    /// What stands for it in the topic (see `ready_reply`).
    key: i64,
}

/// Queues a ready reply for the case's patient, in their language, with a
/// note in the topic showing it in both; or, when it cannot go as asked,
/// a note saying why (nothing reaches the patient). Like writing, sending
/// takes a waiting case. Returns why it was not sent.
async fn send_ready_reply(
    shell: &Shell,
    work: &mut Work,
    jobs: &mut Vec<(i64, Job)>,
    case: &CaseView,
    who: &Coordinator,
    asked: ReadyReplyAsked<'_>,
) -> anyhow::Result<Option<NotSent>> {
    let Some(group) = group_of(shell, case) else {
        return Ok(None);
    };
    let content = shell.content.get();
    let (patient, coordinators) = languages(shell, &content.catalog, case);
    let stored = shell.storage.case(case.reference).await?;
    let first_name = stored
        .as_ref()
        .and_then(|stored| match stored.answers.get("first_name") {
            Some(Answer::Text(name)) => Some(name.as_str()),
            _ => None,
        });
    let composed =
        replies::when_of(asked.name, asked.argument, &shell.report_zone).and_then(|when| {
            let facts = Facts {
                reference: case.reference,
                first_name,
                when,
            };
            replies::compose(
                &content.catalog,
                asked.name,
                &patient,
                &coordinators,
                &facts,
            )
        });
    let composed = match composed {
        Ok(composed) => composed,
        Err(not_sent) => {
            let texts = Texts::new(&content.catalog, &coordinators);
            let note = replies::not_sent_text(&texts, case.reference, &not_sent);
            jobs.push(note_job(group.0, case.reference, note));
            return Ok(Some(not_sent));
        }
    };
    if case.status == CaseStatus::Waiting {
        apply_action(shell, work, jobs, case, who, CaseAction::Take).await?;
    }
    work.audit_case(case.reference, Some(who), "reply", &composed.name)
        .await?;
    jobs.push((
        case.chat_id,
        Job::ReadyReply {
            case: case.reference.0,
            html: composed.for_patient.clone(),
            key: asked.key,
        },
    ));
    jobs.push(note_job(
        group.0,
        case.reference,
        replies::sent_note(
            &Texts::new(&content.catalog, &coordinators),
            &composed,
            &who.name,
        ),
    ));
    Ok(None)
}

/// The coordinator's message of a stored update, for the outbox.
pub async fn to_patient(
    bot: &Bot,
    shell: &Shell,
    update_id: i64,
    reference: CaseRef,
) -> anyhow::Result<()> {
    let case = load(shell, reference).await?;
    match stored_message(shell, update_id).await? {
        Some(msg) => relay_to_patient(bot, shell, &msg, &case).await,
        None => Ok(()), // purged long since
    }
}

/// How the patient and the audit see a coordinator who wrote anonymously
/// (as the group).
const ANONYMOUS_COORDINATOR: &str = "Coordinator";

/// Who wrote in the group, as far as their standing goes.
#[derive(Debug, Clone, Copy)]
enum Writer {
    /// A person: their standing is asked of Telegram when it matters.
    User(UserId),
    /// A chat writing (as the group itself, or as a channel).
    Known(Standing),
}

/// Someone asking for a change to a case.
#[derive(Clone, Copy)]
struct Actor<'a> {
    who: &'a Coordinator,
    writer: Writer,
    /// The group they wrote or pressed in.
    group: ChatId,
}

impl Actor<'_> {
    /// May they make `change` to `case`? Telegram is asked for their
    /// standing only when the rules need it (or `always`: a button can be
    /// pressed by someone who may no longer write).
    async fn may(
        &self,
        bot: &Bot,
        shell: &Shell,
        change: Change,
        case: &CaseView,
        always: bool,
    ) -> anyhow::Result<Result<(), Refusal>> {
        let standing = match self.writer {
            Writer::Known(standing) => standing,
            Writer::User(user) if always || access::needs_standing(change, self.who.id, case) => {
                shell
                    .members
                    .standing(bot, self.group, user)
                    .await
                    .context("cannot ask Telegram who the coordinator is")?
            }
            // They could write the command: a member at least.
            Writer::User(_) => Standing::Member,
        };
        Ok(access::check(change, standing, self.who.id, case))
    }
}

/// What a coordinator wrote that changes no case: listings, hints.
async fn coordinator_message(
    bot: &Bot,
    shell: &Shell,
    msg: &Message,
    said: CoordinatorText,
) -> anyhow::Result<()> {
    match said {
        CoordinatorText::Command(CoordinatorCommand::Queue) => {
            let reply = queue_page(shell, 0).await?;
            post_in_group(shell, msg.chat.id, 1, || {
                delivery::send(bot, msg.chat.id, msg.thread_id, &reply)
            })
            .await?;
        }
        CoordinatorText::Command(CoordinatorCommand::Stats) => {
            let now = unix_now();
            let rows = shell.storage.report_rows(week_so_far(now)).await?;
            let zone_name = shell.report_zone.iana_name().unwrap_or("UTC");
            let all = reports::summarize(&rows, now, &shell.report_zone);
            let html = match shell.teams.of_group(msg.chat.id.0) {
                // Several teams: this team's cases, then every team's.
                Some(team) if shell.teams.all().len() > 1 => {
                    let default = team.default;
                    let own: Vec<reports::CaseRow> = rows
                        .into_iter()
                        .filter(|row| {
                            row.team_group == Some(team.group)
                                || (default && row.team_group.is_none())
                        })
                        .collect();
                    let mine = reports::summarize(&own, now, &shell.report_zone);
                    reports::team_stats_html(&team.name, &mine, &all, zone_name)
                }
                _ => reports::stats_html(&all, zone_name),
            };
            let reply = Reply::new(html, Keyboard::None, Placement::New);
            post_in_group(shell, msg.chat.id, 1, || {
                delivery::send(bot, msg.chat.id, msg.thread_id, &reply)
            })
            .await?;
        }
        CoordinatorText::Command(_) => {} // a case command outside a case's topic
        CoordinatorText::OtherBot => {}
        CoordinatorText::Unknown(name) => {
            // Never lost silently: the coordinator hears why nothing went.
            let hint = Reply::new(
                queue::unknown_command_hint(&Words::of(shell).texts(), &name),
                Keyboard::None,
                Placement::New,
            );
            post_in_group(shell, msg.chat.id, 1, || {
                delivery::send(bot, msg.chat.id, msg.thread_id, &hint)
            })
            .await?;
        }
        // Outside a case's topic: the coordinators' own talk.
        CoordinatorText::Message => {}
    }
    Ok(())
}

/// A page of `/queue`, with the held messages' notice on top if any.
async fn queue_page(shell: &Shell, page: usize) -> anyhow::Result<Reply> {
    let now_ms = crate::storage::unix_now_ms();
    let words = Words::of(shell);
    let texts = words.texts();
    let (mut html, buttons) =
        queue::listing(&texts, &shell.storage.open_cases().await?, unix_now(), page);
    let held = shell
        .storage
        .held_lanes(now_ms - sender::HOLD_AFTER_MS)
        .await?;
    if let Some(oldest) = held.first() {
        let jobs = held.iter().map(|lane| lane.jobs).sum();
        let minutes = (now_ms - oldest.failing_since_ms) / 60_000;
        html = format!(
            "{}\n\n{html}",
            queue::held_notice(&texts, jobs, minutes, &oldest.last_error)
        );
    }
    let keyboard = if buttons.is_empty() {
        Keyboard::None
    } else {
        Keyboard::Inline(buttons)
    };
    Ok(Reply::new(html, keyboard, Placement::New))
}

/// ◀ ▶ under `/queue`: the same message shows another page.
async fn turn_queue_page(
    bot: &Bot,
    shell: &Shell,
    query: &CallbackQuery,
    page: usize,
) -> anyhow::Result<()> {
    if let Some(message) = &query.message {
        let (group, id) = (message.chat().id, message.id());
        let reply = queue_page(shell, page).await?;
        let edited = shell
            .pacer
            .call(Destination::Group(group), Spend::Edit, || {
                delivery::edit(bot, group, id.0, &reply)
            })
            .await;
        match edited {
            Ok(()) | Err(RequestError::Api(teloxide::ApiError::MessageNotModified)) => {}
            Err(err) => return Err(err.into()),
        }
    }
    if let Err(err) = bot.answer_callback_query(query.id.clone()).await {
        tracing::debug!(error = %err, "a page button's answer failed");
    }
    Ok(())
}

/// The work of an update that changes a case; `None` when it was done.
async fn begin(shell: &Shell, update: &Update) -> anyhow::Result<Option<Work>> {
    Ok(
        match shell.storage.begin_update(super::update_id(update)).await? {
            Begun::Ready(work) => Some(*work),
            Begun::Processed | Begun::Deferred => None,
        },
    )
}

/// Commits a change with the messages it calls for (the sender sends them).
async fn commit_change(shell: &Shell, mut work: Work, jobs: Vec<(i64, Job)>) -> anyhow::Result<()> {
    for (chat_id, job) in jobs {
        sender::queue(&mut work, chat_id, &job);
    }
    work.commit().await?;
    shell.wake.notify_one();
    Ok(())
}

/// `/note`, `/release`, `/close`, `/transfer` in a case's topic.
async fn change_by_command(
    bot: &Bot,
    shell: &Shell,
    update: &Update,
    msg: &Message,
    case: CaseView,
    actor: Actor<'_>,
    command: CoordinatorCommand,
) -> anyhow::Result<()> {
    let reference = case.reference;
    let who = actor.who;
    let change = match command {
        CoordinatorCommand::Release => Change::Release,
        CoordinatorCommand::Close => Change::Close,
        CoordinatorCommand::Transfer(_) => Change::Transfer,
        _ => Change::Note,
    };
    if let Err(refusal) = actor.may(bot, shell, change, &case, false).await? {
        let Some(work) = begin(shell, update).await? else {
            return Ok(());
        };
        let note = access::refusal_text(&Words::of(shell).texts(), reference, change, &refusal);
        let jobs = group_of(shell, &case)
            .map(|group| note_job(group.0, reference, note))
            .into_iter()
            .collect();
        return commit_change(shell, work, jobs).await;
    }
    if let CoordinatorCommand::Transfer(Some(name)) = &command
        && let Some(team) = shell.teams.named(name)
    {
        return move_to_team(shell, update, &case, who, team).await;
    }
    let target = match &command {
        CoordinatorCommand::Transfer(username) => {
            transfer_target(bot, shell, msg, username.clone()).await?
        }
        _ => None,
    };
    let Some(mut work) = begin(shell, update).await? else {
        return Ok(());
    };
    let mut jobs = Vec::new();
    let action = match (command, target) {
        (CoordinatorCommand::Note, _) => Some(CaseAction::Note),
        (CoordinatorCommand::Release, _) => Some(CaseAction::Release),
        (CoordinatorCommand::Close, _) => Some(CaseAction::Close),
        (CoordinatorCommand::Transfer(_), Some(to)) => Some(CaseAction::Transfer(to)),
        (CoordinatorCommand::Transfer(_), None) => {
            if let Some(group) = group_of(shell, &case) {
                let help = Words::of(shell).texts().say("coord-transfer-help", &[]);
                jobs.push(note_job(group.0, reference, help));
            }
            None
        }
        _ => None,
    };
    if let Some(action) = action {
        // The topic's notes say what changed; a command needs no answer.
        apply_action(shell, &mut work, &mut jobs, &case, who, action).await?;
    }
    commit_change(shell, work, jobs).await
}

/// Messages of the old topic copied into the new one when a case moves.
const HISTORY_ON_MOVE: i64 = 10;

/// `/transfer Team name`: the case goes to another team's group, back in
/// its queue, with a new topic, its card and a short history; the old
/// topic is told and closes. The case keeps its reference.
async fn move_to_team(
    shell: &Shell,
    update: &Update,
    case: &CaseView,
    who: &Coordinator,
    team: &crate::handoff::teams::Team,
) -> anyhow::Result<()> {
    let reference = case.reference;
    let Some(from) = group_of(shell, case) else {
        return Ok(());
    };
    let history = shell
        .storage
        .recent_topic_messages(reference, from.0, HISTORY_ON_MOVE)
        .await?;
    let Some(mut work) = begin(shell, update).await? else {
        return Ok(());
    };
    let words = Words::of(shell);
    let texts = words.texts();
    let shown = reference.to_string();
    let jobs = if team.group == from.0 {
        vec![note_job(
            from.0,
            reference,
            texts.say(
                "coord-team-already",
                &[
                    ("reference", Arg::Text(&shown)),
                    ("team", Arg::Text(&team.name)),
                ],
            ),
        )]
    } else if work.move_case(reference, from.0, team.group).await? {
        work.audit_case(
            reference,
            Some(who),
            "transfer-team",
            &format!("to {}", team.name),
        )
        .await?;
        let from_team = shell.teams.of_group(from.0).map_or_else(
            || texts.say("coord-another-team", &[]),
            |team| crate::text::escape_html(&team.name),
        );
        vec![
            (
                from.0,
                Job::MovedOut {
                    case: reference.0,
                    group: from.0,
                    thread_id: case.thread_id,
                    html: texts.say(
                        "coord-moved-out",
                        &[
                            ("name", Arg::Text(&who.name)),
                            ("team", Arg::Text(&team.name)),
                        ],
                    ),
                },
            ),
            (team.group, Job::Enqueue { case: reference.0 }),
            note_job(
                team.group,
                reference,
                texts.say(
                    "coord-moved-in",
                    &[
                        ("team", Arg::Html(&from_team)),
                        ("name", Arg::Text(&who.name)),
                    ],
                ),
            ),
            (
                team.group,
                Job::History {
                    case: reference.0,
                    from_group: from.0,
                    messages: history,
                },
            ),
        ]
    } else {
        Vec::new() // closed meanwhile
    };
    commit_change(shell, work, jobs).await
}

/// Whom `/transfer` names: `@username`, or the author of the message it replies to.
/// Who a `/transfer` names (by username, or by replying to their
/// message), if they are still a member of the group who may write.
async fn transfer_target(
    bot: &Bot,
    shell: &Shell,
    msg: &Message,
    username: Option<String>,
) -> anyhow::Result<Option<Coordinator>> {
    let named = match username {
        Some(username) => shell.storage.coordinator_by_username(&username).await?,
        None => match msg
            .reply_to_message()
            .and_then(|original| original.from.as_ref())
        {
            Some(user) if !user.is_bot => Some(coordinator_of(user)),
            _ => None,
        },
    };
    let Some(target) = named else {
        return Ok(None);
    };
    let Ok(user) = u64::try_from(target.id) else {
        return Ok(None); // an anonymous administrator: nobody to hand to
    };
    let standing = shell
        .members
        .standing(bot, msg.chat.id, UserId(user))
        .await
        .context("cannot ask Telegram who the coordinator is")?;
    Ok((standing != Standing::Outsider).then_some(target))
}

/// Enough rows for `/stats`: everything since the start of this week (at
/// most eight days back, whatever the time zone) up to now.
fn week_so_far(now: i64) -> reports::Period {
    reports::Period {
        start: now - 8 * 86_400,
        end: now + 1,
    }
}

/// A coordinator's message reaches the patient as the bot's own message.
async fn relay_to_patient(
    bot: &Bot,
    shell: &Shell,
    msg: &Message,
    case: &CaseView,
) -> anyhow::Result<()> {
    let reply_to = match msg.reply_to_message() {
        Some(original) => {
            shell
                .storage
                .patient_copy(case.reference, msg.chat.id.0, original.id.0.into())
                .await?
        }
        None => None,
    };
    let patient = ChatId(case.chat_id);
    reach_patient(bot, shell, case, msg.chat.id.0, msg.id.0.into(), || {
        let mut request = bot.copy_message(patient, msg.chat.id, msg.id);
        if let Some(reply_to) = reply_to {
            request = request.reply_parameters(
                ReplyParameters::new(MessageId(reply_to as i32)).allow_sending_without_reply(),
            );
        }
        request.into_future()
    })
    .await
}

/// A ready reply (see `handoff::replies`) reaches the patient. `key` stands
/// for it in the topic: the `/r` message, or for a button (which has no
/// message of its own) its update's id negated.
pub async fn ready_reply(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    html: &str,
    key: i64,
) -> anyhow::Result<()> {
    let case = load(shell, reference).await?;
    let Some(group) = group_of(shell, &case) else {
        return Ok(()); // no team any more: nobody to answer for
    };
    let patient = ChatId(case.chat_id);
    let reply = Reply::new(html.to_owned(), Keyboard::None, Placement::New);
    reach_patient(bot, shell, &case, group.0, key, || {
        delivery::send(bot, patient, None, &reply)
    })
    .await
}

/// Sends a coordinator's words to the patient once (`topic_message` keys
/// them: sent before a restart, they are not sent again), on the patient's
/// own budget; then the patient's latest message shows it was answered.
async fn reach_patient<F, Fut>(
    bot: &Bot,
    shell: &Shell,
    case: &CaseView,
    group: i64,
    topic_message: i64,
    send: F,
) -> anyhow::Result<()>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<MessageId, RequestError>>,
{
    if shell
        .storage
        .patient_copy(case.reference, group, topic_message)
        .await?
        .is_some()
    {
        return Ok(()); // relayed before a restart: never twice
    }
    let patient = ChatId(case.chat_id);
    // The patient's own budget: never behind other cases' relays.
    let send = &send;
    let copied = with_retries(|| {
        shell
            .pacer
            .call(Destination::Private(patient), Spend::Messages(1), send)
    })
    .await;
    match copied {
        Ok(copy) => {
            shell
                .storage
                .record_relay(case.reference, group, copy.0.into(), topic_message, false)
                .await?;
            shell.storage.note_first_reply(case.reference).await?;
            if let Some(latest) = shell.storage.latest_patient_message(case.reference).await? {
                mark(
                    bot,
                    shell,
                    patient,
                    MessageId(latest as i32),
                    Mark::Answered,
                )
                .await;
            }
        }
        Err(err) if is_permanent_refusal(&err) => {
            shell.storage.set_blocked(case.chat_id, true).await?;
            let note = Words::of(shell)
                .texts()
                .say("coord-note-blocked-undelivered", &[]);
            note_in_topic(bot, shell, case.reference, note).await?;
            close(bot, shell, case.reference, None, false).await?;
        }
        Err(err) => {
            tracing::error!(case = %case.reference, error = %err, "a coordinator message could not reach the patient");
            let note = Words::of(shell).texts().say("coord-note-undelivered", &[]);
            note_in_topic(bot, shell, case.reference, note).await?;
        }
    }
    Ok(())
}

/// A coordinator edited a message: the patient's copy changes too, after
/// the copy is made (in the patient's lane, behind it).
pub async fn on_edit(_bot: Bot, shell: Arc<Shell>, update: Update, msg: Message) -> HandlerResult {
    let case = match msg.thread_id.filter(|_| msg.is_topic_message) {
        Some(thread) => {
            shell
                .storage
                .case_in_thread(msg.chat.id.0, thread.0.0.into())
                .await?
        }
        None => None,
    };
    let Some(work) = begin(&shell, &update).await? else {
        return Ok(());
    };
    let jobs = case
        .map(|case| {
            (
                case.chat_id,
                Job::EditToPatient {
                    update_id: super::update_id(&update),
                    case: case.reference.0,
                },
            )
        })
        .into_iter()
        .collect();
    Ok(commit_change(&shell, work, jobs).await?)
}

/// The coordinator's edit of a stored update, for the outbox.
pub async fn edit_to_patient(
    bot: &Bot,
    shell: &Shell,
    update_id: i64,
    reference: CaseRef,
) -> anyhow::Result<()> {
    let case = load(shell, reference).await?;
    let Some(msg) = stored_message(shell, update_id).await? else {
        return Ok(());
    };
    if let Some(copy) = shell
        .storage
        .patient_copy(case.reference, msg.chat.id.0, msg.id.0.into())
        .await?
    {
        let patient = Destination::Private(ChatId(case.chat_id));
        apply_edit(bot, shell, patient, MessageId(copy as i32), &msg).await;
    }
    Ok(())
}

/// Take, release, close and urgent on a case card.
/// A button on a case card: the change, its audit entry, the messages it
/// calls for and the answer to the press commit with the update's
/// processed mark.
pub async fn on_button(
    bot: Bot,
    shell: Arc<Shell>,
    update: Update,
    query: CallbackQuery,
) -> HandlerResult {
    match query.data.as_deref().and_then(GroupButton::decode) {
        Some(GroupButton::QueuePage(page)) => {
            let work = turn_queue_page(&bot, &shell, &query, page);
            super::at_least_once(&shell, &update, work).await
        }
        Some(GroupButton::ReadyReply { name, case }) => {
            Ok(press_ready_reply(&bot, &shell, &update, &query, &name, case).await?)
        }
        Some(GroupButton::Card(action, case)) => {
            Ok(press_card(&bot, &shell, &update, &query, Some((action, case))).await?)
        }
        None => Ok(press_card(&bot, &shell, &update, &query, None).await?),
    }
}

/// A case card's button (`decoded`), or a button none of ours (stale or
/// forged: only its spinner is stopped).
async fn press_card(
    bot: &Bot,
    shell: &Shell,
    update: &Update,
    query: &CallbackQuery,
    decoded: Option<(CardAction, CaseRef)>,
) -> anyhow::Result<()> {
    let who = coordinator_of(&query.from);
    shell
        .storage
        .remember_coordinator(&who, query.from.username.as_deref())
        .await?;
    let case = match decoded {
        Some((_, reference)) => shell.storage.case_view(reference).await?,
        None => None,
    };
    let refused = match (&decoded, &case) {
        (Some((action, _)), Some(case)) => {
            press_refused(bot, shell, query, &who, change_of(*action), case).await?
        }
        _ => None,
    };
    let Some(mut work) = begin(shell, update).await? else {
        return Ok(());
    };
    let mut jobs = Vec::new();
    // Refusals and "already taken" must be read: an alert to dismiss.
    let (notice, show_alert) = match (decoded, case, refused) {
        (None, _, _) => (None, false),
        (Some((_, reference)), None, _) => (
            Some(Words::of(shell).about("coord-answer-gone", reference)),
            false,
        ),
        (Some(_), Some(_), Some(refusal)) => (Some(refusal), true),
        (Some((action, _)), Some(case), None) => {
            let answer =
                apply_action(shell, &mut work, &mut jobs, &case, &who, action_of(action)).await?;
            (Some(answer.text), answer.alert)
        }
    };
    // Keyed by the coordinator: the answer does not wait behind the group's
    // paced messages (a press must be answered within seconds).
    jobs.push((
        who.id,
        Job::AnswerCallback {
            query_id: query.id.0.clone(),
            text: notice,
            show_alert,
        },
    ));
    commit_change(shell, work, jobs).await
}

/// Why whoever pressed a button in the group may not make `change` to
/// `case` (Telegram is asked: a button stays visible to someone who may no
/// longer write), or `None`.
async fn press_refused(
    bot: &Bot,
    shell: &Shell,
    query: &CallbackQuery,
    who: &Coordinator,
    change: Change,
    case: &CaseView,
) -> anyhow::Result<Option<String>> {
    let Some(message) = query.message.as_ref() else {
        return Ok(None);
    };
    let actor = Actor {
        who,
        writer: Writer::User(query.from.id),
        group: message.chat().id,
    };
    Ok(actor
        .may(bot, shell, change, case, true)
        .await?
        .err()
        .map(|refusal| {
            access::refusal_text(&Words::of(shell).texts(), case.reference, change, &refusal)
        }))
}

/// How long a second press of the same ready reply for a case counts as a
/// double tap, not sent again.
const READY_REPLY_REPEAT_MS: i64 = 60_000;

/// A ready reply's button under `/r`: sent like `/r NAME`. Whoever
/// presses must still be in the group (the menu stays visible to someone
/// who left).
async fn press_ready_reply(
    bot: &Bot,
    shell: &Shell,
    update: &Update,
    query: &CallbackQuery,
    name: &str,
    reference: CaseRef,
) -> anyhow::Result<()> {
    let who = coordinator_of(&query.from);
    let case = shell.storage.case_view(reference).await?;
    let refused = match &case {
        Some(case) => press_refused(bot, shell, query, &who, Change::Reply, case).await?,
        None => None,
    };
    // A second tap on the same button (a slow connection, an impatient
    // thumb) must not send a stressed patient the same text twice; the
    // topic's presses come one after another, so the first is recorded.
    let sent_ms_ago = shell
        .storage
        .last_audited(reference, "reply", name)
        .await?
        .map(|at_ms| crate::storage::unix_now_ms() - at_ms)
        .filter(|ago| *ago < READY_REPLY_REPEAT_MS);
    let Some(mut work) = begin(shell, update).await? else {
        return Ok(());
    };
    let mut jobs = Vec::new();
    let words = Words::of(shell);
    let (notice, show_alert) = match (case, refused, sent_ms_ago) {
        (None, _, _) => (words.about("coord-answer-gone", reference), false),
        (Some(_), Some(refusal), _) => (refusal, true),
        (Some(_), None, Some(ago)) => (
            words.texts().say(
                "coord-reply-answer-repeated",
                // Plain text (an alert): the name as it is.
                &[
                    ("reply", Arg::Html(name)),
                    ("seconds", Arg::Number(ago / 1000)),
                ],
            ),
            true,
        ),
        (Some(case), None, None) => {
            let asked = ReadyReplyAsked {
                name,
                argument: "",
                // A press has no message of its own in the topic.
                key: -super::update_id(update),
            };
            match send_ready_reply(shell, &mut work, &mut jobs, &case, &who, asked).await? {
                None => (words.about("coord-reply-answer-sent", reference), false),
                // The reason is in the topic: an alert holds 200 characters.
                Some(_) => (words.about("coord-reply-answer-not-sent", reference), true),
            }
        }
    };
    jobs.push((
        who.id,
        Job::AnswerCallback {
            query_id: query.id.0.clone(),
            text: Some(notice),
            show_alert,
        },
    ));
    commit_change(shell, work, jobs).await
}

/// The action a card's button asks for.
fn action_of(button: CardAction) -> CaseAction {
    match button {
        CardAction::Take => CaseAction::Take,
        CardAction::Release => CaseAction::Release,
        CardAction::Close => CaseAction::Close,
        CardAction::SetUrgent(urgent) => CaseAction::SetUrgent(urgent),
    }
}

/// The change a card's button asks for.
fn change_of(action: CardAction) -> Change {
    match action {
        CardAction::Take => Change::Take,
        CardAction::Release => Change::Release,
        CardAction::Close => Change::Close,
        CardAction::SetUrgent(_) => Change::MarkUrgent,
    }
}

/// Someone joined, left, was promoted, muted or banned in a coordinators'
/// group: their standing is asked again at their next action.
pub async fn member_changed(
    shell: Arc<Shell>,
    update: Update,
    change: ChatMemberUpdated,
) -> HandlerResult {
    shell
        .members
        .forget(change.chat.id, change.new_chat_member.user.id);
    super::skip(&shell, &update).await
}

pub async fn leave_foreign_chat(bot: Bot, update: ChatMemberUpdated) -> HandlerResult {
    if update.chat.is_private() || !update.new_chat_member.is_present() {
        return Ok(());
    }
    tracing::info!(
        chat_id = update.chat.id.0,
        "added to a chat that is not the coordinators' group; leaving"
    );
    if let Err(err) = bot.leave_chat(update.chat.id).await {
        tracing::warn!(chat_id = update.chat.id.0, error = %err, "could not leave the chat");
    }
    Ok(())
}
