//! Messages both ways between a patient's chat and their case's topic:
//! the patient's messages copied into the topic (texts waiting together
//! merged, media copied in one call, each relayed once), the coordinators'
//! messages and ready replies copied to the patient (once, on the patient's
//! budget), edits passed on either way, and the quiet delivery marks on
//! the patient's messages.
//!
//! Must not change a case beyond what a failed relay calls for (a patient
//! who blocked the bot: `changes::close`), open topics (`topics`), or
//! decide what a note says (`handoff`).

use anyhow::Context;
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{MessageId, ReplyParameters, UpdateKind};

use super::changes::close;
use super::topics::{note_in_topic, post_in_topic};
use super::{Words, group_of, load};
use crate::dialogue::Session;
use crate::dialogue::engine::notices;
use crate::handoff::CaseView;
use crate::handoff::merge;
use crate::handoff::queue::OFF_HOURS_NOTE_INTERVAL;
use crate::intake::CaseRef;
use crate::reply::{Keyboard, Placement, Reply};
use crate::storage::unix_now;
use crate::telegram::Shell;
use crate::telegram::delivery::{self, JobError, is_permanent_refusal, with_retries};
use crate::telegram::pacing::{Destination, Spend};

/// The message (the patient's, or a coordinator's) of a stored update.
pub(super) async fn stored_message(
    shell: &Shell,
    update_id: i64,
) -> anyhow::Result<Option<Message>> {
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
) -> Result<(), JobError> {
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
pub(super) enum Mark {
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
pub(super) async fn mark(bot: &Bot, shell: &Shell, chat: ChatId, message: MessageId, mark: Mark) {
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
pub(super) enum Batch {
    /// Texts: merged into one message.
    Texts,
    /// Photos, documents, anything copied: one copyMessages call.
    Media,
    /// A reply (it keeps its place in the thread) or a text too long to
    /// merge: copied on its own.
    Alone,
}

pub(super) fn batch_of(msg: &Message) -> Batch {
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
pub(super) fn runs(messages: &[Message]) -> Vec<(Batch, Vec<&Message>)> {
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
pub(super) async fn relay_merged(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    group: i64,
    texts: &[&Message],
) -> Result<bool, JobError> {
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
pub(super) async fn relay_copied(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    group: i64,
    media: &[&Message],
) -> Result<bool, JobError> {
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
pub(super) fn local_time(shell: &Shell, unix: i64) -> String {
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
) -> Result<(), JobError> {
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
pub(super) async fn relay_from_patient(
    bot: &Bot,
    shell: &Shell,
    session: &Session,
    group: i64,
    msg: &Message,
) -> Result<bool, JobError> {
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
        Err(JobError::Telegram(err)) if delivery::is_transient(&err) => {
            Err(JobError::Telegram(err)) // the outbox tries again
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
pub(super) async fn tell_if_off_hours(
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
) -> Result<(), JobError> {
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
pub(super) async fn apply_edit(
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

/// The coordinator's message of a stored update, for the outbox.
pub async fn to_patient(
    bot: &Bot,
    shell: &Shell,
    update_id: i64,
    reference: CaseRef,
) -> Result<(), JobError> {
    let case = load(shell, reference).await?;
    match stored_message(shell, update_id).await? {
        Some(msg) => relay_to_patient(bot, shell, &msg, &case).await,
        None => Ok(()), // purged long since
    }
}

/// A coordinator's message reaches the patient as the bot's own message.
pub(super) async fn relay_to_patient(
    bot: &Bot,
    shell: &Shell,
    msg: &Message,
    case: &CaseView,
) -> Result<(), JobError> {
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
) -> Result<(), JobError> {
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
pub(super) async fn reach_patient<F, Fut>(
    bot: &Bot,
    shell: &Shell,
    case: &CaseView,
    group: i64,
    topic_message: i64,
    send: F,
) -> Result<(), JobError>
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

/// The coordinator's edit of a stored update, for the outbox.
pub async fn edit_to_patient(
    bot: &Bot,
    shell: &Shell,
    update_id: i64,
    reference: CaseRef,
) -> Result<(), JobError> {
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
