//! Topics in the coordinators' groups: a case's topic opened (its card
//! and re-sent documents), recorded, recreated when deleted, reopened for
//! a post, closed, and deleted at erasure; the card redrawn; notes posted
//! in a topic or in the General topic (reminders, erasures); the last word
//! in a topic a case leaves and the history copied into its new one.
//!
//! Owns how posts reach a topic (`post_in_topic`). Must not relay the
//! patient's or the coordinators' messages (`relays`), change a case
//! (`changes`) or decide what a note says (`handoff`).

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{InputFile, MessageId, ThreadId};

use super::{Words, group_of, load, post_in_group};
use crate::handoff::queue;
use crate::handoff::{CaseStatus, CaseView};
use crate::i18n::Arg;
use crate::intake::{CaseRef, DocumentKind};
use crate::reply::{Keyboard, Placement, Reply};
use crate::storage::{ErasedTopic, unix_now};
use crate::telegram::Shell;
use crate::telegram::delivery::{self, JobError, is_missing_topic, with_retries};
use crate::telegram::pacing::{Destination, Spend};
use crate::telegram::sender::{ErasureCause, Job};

/// Puts a new case in the queue: its topic, its card, its documents.
/// Tried again after a failure, it goes on where it stopped: the topic and
/// the card are recorded as soon as they exist, never made twice.
pub async fn enqueue(bot: &Bot, shell: &Shell, reference: CaseRef) -> Result<(), JobError> {
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
pub(super) async fn record_topic(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    group: ChatId,
    thread: ThreadId,
    card: Option<MessageId>,
) -> Result<(), JobError> {
    let recorded = shell
        .storage
        .set_topic(reference, thread.0.0.into(), card.map(|id| id.0.into()))
        .await?;
    if recorded {
        return Ok(());
    }
    tracing::info!(case = %reference, "the case was erased while its topic was made: the topic is deleted");
    delete_topic(shell, bot, group, thread).await?;
    Err(JobError::CaseErased(reference))
}

/// Deletes a topic with every message in it; one already gone is fine.
pub(super) async fn delete_topic(
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

/// Creates the case's topic (or goes on in `resume`, the topic an earlier
/// try created), posts the card unless it was, and re-sends the documents.
pub(super) async fn open_topic(
    bot: &Bot,
    shell: &Shell,
    group: ChatId,
    case: &CaseView,
    resume: Option<ThreadId>,
) -> Result<ThreadId, JobError> {
    let thread = match resume {
        Some(thread) => thread,
        None => {
            let topic = post_in_group(shell, group, 1, || {
                bot.create_forum_topic(group, queue::topic_name(case))
                    .into_future()
            })
            .await?;
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
    .await?;
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

pub(super) fn card_reply(shell: &Shell, case: &CaseView) -> Reply {
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
                Err(err) => return Err(JobError::Telegram(err)),
            }
        }
        Ok::<(), JobError>(())
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

pub(super) fn note_job(group: i64, reference: CaseRef, html: String) -> (i64, Job) {
    (
        group,
        Job::TopicNote {
            case: reference,
            html,
        },
    )
}

/// Posts into the case's topic (`messages` messages in one call),
/// recreating the topic if someone deleted it.
pub(super) async fn post_in_topic<T, F, Fut>(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    messages: u32,
    post: F,
) -> Result<Option<T>, JobError>
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
            bot.reopen_forum_topic(group, thread).await?;
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
        Err(err) => Err(JobError::Telegram(err)),
    }
}

pub(super) fn is_closed_topic(err: &RequestError) -> bool {
    matches!(err, RequestError::Api(teloxide::ApiError::Unknown(description)) if description.contains("TOPIC_CLOSED"))
}

pub(crate) async fn note_in_topic(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    html: String,
) -> Result<(), JobError> {
    let note = Reply::new(html, Keyboard::None, Placement::New);
    post_in_topic(bot, shell, reference, 1, |group, thread| {
        delivery::send(bot, group, Some(thread), &note)
    })
    .await?;
    Ok(())
}

/// The patient wrote again after a close: the same topic, reopened.
pub async fn reopened(bot: &Bot, shell: &Shell, reference: CaseRef) -> Result<(), JobError> {
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

pub async fn rated(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    stars: u8,
) -> Result<(), JobError> {
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
) -> Result<(), JobError> {
    let mut erased_in: std::collections::BTreeMap<i64, Vec<CaseRef>> = Default::default();
    for topic in topics {
        let group = topic
            .group
            .or_else(|| shell.teams.default_team().map(|team| team.group))
            .map(ChatId);
        let Some(group) = group else { continue };
        let thread = ThreadId(MessageId(topic.thread_id as i32));
        delete_topic(shell, bot, group, thread).await?;
        let cases = erased_in.entry(group.0).or_default();
        if !cases.contains(&topic.case) {
            cases.push(topic.case);
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
) -> Result<(), JobError> {
    use teloxide::payloads::SendMessageSetters;
    post_in_group(shell, group, 1, || {
        bot.send_message(group, html)
            .parse_mode(teloxide::types::ParseMode::Html)
            .link_preview_options(delivery::no_link_preview())
            .disable_notification(!loud)
            .into_future()
    })
    .await?;
    Ok(())
}

/// A last note in a topic the bot is leaving (erased, moved to another
/// team), which then closes; the topic may be closed already (reopened
/// for the note) or deleted by hand (nobody to tell).
pub(super) async fn last_word_in_topic(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    group: ChatId,
    thread: ThreadId,
    note: &Reply,
) -> Result<(), JobError> {
    let _ = bot.reopen_forum_topic(group, thread).await;
    match post_in_group(shell, group, 1, || {
        delivery::send(bot, group, Some(thread), note)
    })
    .await
    {
        Ok(_) => {}
        Err(err) if is_missing_topic(&err) => {}
        Err(err) => return Err(JobError::Telegram(err)),
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
) -> Result<(), JobError> {
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
) -> Result<(), JobError> {
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
