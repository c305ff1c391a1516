//! The coordinators' side of the shell: the forum supergroup where each
//! case has a topic. Puts cases in the queue, relays messages both ways,
//! and carries out coordinators' buttons and commands. The queue's rules and
//! texts are in `handoff`; the atomic state changes in `storage`.

use std::sync::Arc;

use anyhow::Context;
use teloxide::RequestError;
use teloxide::payloads::{
    CopyMessageSetters, EditMessageCaptionSetters, EditMessageTextSetters, SendDocumentSetters,
    SendPhotoSetters,
};
use teloxide::prelude::*;
use teloxide::types::{
    ChatMemberUpdated, InputFile, MessageId, ReplyParameters, ThreadId, UpdateKind, User,
};

use super::delivery::{self, is_missing_topic, is_permanent_refusal, with_retries};
use super::{HandlerResult, Shell};
use crate::dialogue::Session;
use crate::dialogue::engine::notices;
use crate::handoff::queue::{self, CardAction, CoordinatorCommand, OFF_HOURS_NOTE_INTERVAL};
use crate::handoff::{CaseStatus, CaseView, Coordinator};
use crate::intake::{CaseRef, DocumentKind};
use crate::reply::{Keyboard, Placement, Reply};
use crate::reports;
use crate::storage::{TakeOutcome, unix_now};

/// Puts a new case in the queue: its topic, its card, its documents.
pub async fn enqueue(bot: &Bot, shell: &Shell, reference: CaseRef) -> anyhow::Result<()> {
    let Some(group) = shell.coordinator_chat else {
        tracing::warn!(case = %reference, "COORDINATOR_CHAT_ID is not set: the case is stored but no coordinator sees it");
        return Ok(());
    };
    let case = load(shell, reference).await?;
    open_topic(bot, shell, group, &case).await?;
    shell
        .storage
        .audit(Some(reference), None, "queued", "")
        .await?;
    Ok(())
}

/// Creates the case's topic, posts the card and re-sends the documents.
async fn open_topic(
    bot: &Bot,
    shell: &Shell,
    group: ChatId,
    case: &CaseView,
) -> anyhow::Result<ThreadId> {
    let topic = with_retries(|| {
        bot.create_forum_topic(group, queue::topic_name(case))
            .into_future()
    })
    .await
    .context("cannot create the case's topic")?;
    let thread = topic.thread_id;
    let card = card_reply(shell, case);
    let card_id = with_retries(|| delivery::send(bot, group, Some(thread), &card))
        .await
        .context("cannot post the case card")?;
    shell
        .storage
        .set_topic(case.reference, thread.0.0.into(), Some(card_id.0.into()))
        .await?;
    for document in shell.storage.case_documents(case.reference).await? {
        let file = || InputFile::file_id(document.file_id.clone().into());
        let sent = match document.kind {
            DocumentKind::Photo => with_retries(|| {
                bot.send_photo(group, file())
                    .message_thread_id(thread)
                    .into_future()
            })
            .await
            .map(drop),
            DocumentKind::Pdf | DocumentKind::Image => with_retries(|| {
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
                format!("⚠️ A document could not be shown here ({err})."),
                Keyboard::None,
                Placement::New,
            );
            let _ = delivery::send(bot, group, Some(thread), &note).await;
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
    let (html, buttons) = queue::card(case, &language, unix_now());
    let keyboard = if buttons.is_empty() {
        Keyboard::None
    } else {
        Keyboard::Inline(buttons)
    };
    Reply::new(html, keyboard, Placement::New)
}

/// Redraws the card after a change of status.
async fn refresh_card(
    bot: &Bot,
    shell: &Shell,
    group: ChatId,
    reference: CaseRef,
) -> anyhow::Result<()> {
    let case = load(shell, reference).await?;
    if let Some(card_id) = shell.storage.card_message(reference).await? {
        let card = card_reply(shell, &case);
        match delivery::edit(bot, group, card_id as i32, &card).await {
            Ok(()) | Err(RequestError::Api(teloxide::ApiError::MessageNotModified)) => {}
            Err(err) => {
                tracing::warn!(case = %reference, error = %err, "the case card could not be updated")
            }
        }
    }
    Ok(())
}

async fn load(shell: &Shell, reference: CaseRef) -> anyhow::Result<CaseView> {
    shell
        .storage
        .case_view(reference)
        .await?
        .with_context(|| format!("case {reference} not found"))
}

/// Posts into the case's topic, recreating the topic if someone deleted it.
async fn post_in_topic<T, F, Fut>(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    mut post: F,
) -> anyhow::Result<Option<T>>
where
    F: FnMut(ChatId, ThreadId) -> Fut,
    Fut: std::future::Future<Output = Result<T, RequestError>>,
{
    let Some(group) = shell.coordinator_chat else {
        return Ok(None);
    };
    let case = load(shell, reference).await?;
    let thread = match case.thread_id {
        Some(thread) => ThreadId(MessageId(thread as i32)),
        None => open_topic(bot, shell, group, &case).await?,
    };
    match with_retries(|| post(group, thread)).await {
        Ok(value) => Ok(Some(value)),
        Err(err) if is_closed_topic(&err) => {
            // A closed case keeps a closed topic: reopen it for this post only.
            bot.reopen_forum_topic(group, thread)
                .await
                .context("cannot reopen the topic")?;
            let posted = with_retries(|| post(group, thread)).await;
            if !case.status.is_open() || load(shell, reference).await?.status == CaseStatus::Closed
            {
                let _ = bot.close_forum_topic(group, thread).await;
            }
            Ok(Some(posted?))
        }
        Err(err) if is_missing_topic(&err) => {
            tracing::warn!(case = %reference, "the case's topic was deleted; recreating it");
            let thread = open_topic(bot, shell, group, &case).await?;
            Ok(Some(with_retries(|| post(group, thread)).await?))
        }
        Err(err) => Err(err.into()),
    }
}

fn is_closed_topic(err: &RequestError) -> bool {
    matches!(err, RequestError::Api(teloxide::ApiError::Unknown(description)) if description.contains("TOPIC_CLOSED"))
}

async fn note_in_topic(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    html: String,
) -> anyhow::Result<()> {
    let note = Reply::new(html, Keyboard::None, Placement::New);
    post_in_topic(bot, shell, reference, |group, thread| {
        delivery::send(bot, group, Some(thread), &note)
    })
    .await?;
    Ok(())
}

/// The patient wrote again after a close: the same topic, reopened.
pub async fn reopened(bot: &Bot, shell: &Shell, reference: CaseRef) -> anyhow::Result<()> {
    let Some(group) = shell.coordinator_chat else {
        return Ok(());
    };
    let case = load(shell, reference).await?;
    if let Some(thread) = case.thread_id {
        let thread = ThreadId(MessageId(thread as i32));
        if let Err(err) = bot.reopen_forum_topic(group, thread).await {
            tracing::debug!(case = %reference, error = %err, "topic not reopened (recreated on the next post)");
        }
    }
    let card = card_reply(shell, &case);
    let card_id = post_in_topic(bot, shell, reference, |group, thread| {
        delivery::send(bot, group, Some(thread), &card)
    })
    .await?;
    if let (Some(card_id), Some(thread)) = (card_id, load(shell, reference).await?.thread_id) {
        shell
            .storage
            .set_topic(reference, thread, Some(card_id.0.into()))
            .await?;
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
        format!("⭐ The patient rated this conversation {stars}/5."),
    )
    .await
}

/// Relays the patient's message (or edit) of a stored update, for the outbox.
pub async fn relay_update(
    bot: &Bot,
    shell: &Shell,
    chat_id: i64,
    update_id: i64,
    edit: bool,
) -> anyhow::Result<()> {
    let Some(payload) = shell.storage.update_payload(update_id).await? else {
        return Ok(());
    };
    let update: Update = serde_json::from_str(&payload).context("unreadable stored update")?;
    let msg = match update.kind {
        UpdateKind::Message(msg) | UpdateKind::EditedMessage(msg) => msg,
        _ => return Ok(()),
    };
    let Some(session) = shell.storage.load_session(chat_id).await? else {
        return Ok(());
    };
    if edit {
        relay_patient_edit(bot, shell, &session, &msg).await
    } else {
        relay_from_patient(bot, shell, &session, &msg).await
    }
}

/// A patient's message goes to their case's topic, without a forward header.
pub async fn relay_from_patient(
    bot: &Bot,
    shell: &Shell,
    session: &Session,
    msg: &Message,
) -> anyhow::Result<()> {
    let Some(link) = session.case else {
        return Ok(());
    };
    let reference = link.reference;
    if shell
        .storage
        .topic_copy(reference, msg.id.0.into())
        .await?
        .is_some()
    {
        return Ok(()); // relayed before a restart: never twice
    }
    let reply_to = match msg.reply_to_message() {
        Some(original) => {
            shell
                .storage
                .topic_copy(reference, original.id.0.into())
                .await?
        }
        None => None,
    };
    let copied = post_in_topic(bot, shell, reference, |group, thread| {
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
                .record_relay(reference, msg.id.0.into(), copy.0.into(), true)
                .await?;
        }
        Ok(None) => return Ok(()),
        Err(err)
            if err
                .downcast_ref::<RequestError>()
                .is_some_and(delivery::is_transient) =>
        {
            return Err(err); // the outbox tries again
        }
        Err(err) => {
            tracing::error!(chat_id = msg.chat.id.0, case = %reference, error = %err, "a patient message could not reach the topic");
            let sorry = notices::not_delivered(&shell.content.get(), &session.locale);
            let _ = delivery::deliver(bot, msg.chat.id, &sorry).await;
            return Ok(());
        }
    }
    tell_if_off_hours(bot, shell, session, reference, msg.chat.id).await
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
        let note = notices::off_hours(
            &shell.content.get(),
            &session.locale,
            &opens,
            hours.zone_name(),
        );
        let _ = delivery::deliver(bot, chat, &note).await;
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
    let (Some(link), Some(group)) = (session.case, shell.coordinator_chat) else {
        return Ok(());
    };
    let Some(copy) = shell
        .storage
        .topic_copy(link.reference, msg.id.0.into())
        .await?
    else {
        return Ok(());
    };
    apply_edit(bot, group, MessageId(copy as i32), msg).await;
    Ok(())
}

/// Makes a bot-sent copy say what the edited original says now.
async fn apply_edit(bot: &Bot, chat: ChatId, copy: MessageId, original: &Message) {
    let result = if let Some(text) = original.text() {
        let mut request = bot.edit_message_text(chat, copy, text);
        if let Some(entities) = original.entities() {
            request = request.entities(entities.to_vec());
        }
        request.await.map(drop)
    } else if let Some(caption) = original.caption() {
        let mut request = bot.edit_message_caption(chat, copy).caption(caption);
        if let Some(entities) = original.caption_entities() {
            request = request.caption_entities(entities.to_vec());
        }
        request.await.map(drop)
    } else {
        Ok(())
    };
    if let Err(err) = result {
        tracing::warn!(error = %err, "an edit could not be passed on");
    }
}

/// The patient erased their data: the topic is told, the copies of their
/// messages there are deleted, the topic is closed. The case row is gone.
pub async fn erasure_notice(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    thread_id: Option<i64>,
    copies: &[i64],
) -> anyhow::Result<()> {
    let (Some(group), Some(thread)) = (shell.coordinator_chat, thread_id) else {
        return Ok(());
    };
    let thread = ThreadId(MessageId(thread as i32));
    for copy in copies {
        if let Err(err) = bot.delete_message(group, MessageId(*copy as i32)).await {
            tracing::warn!(case = %reference, error = %err, "a copy of an erased message could not be deleted");
        }
    }
    let note = Reply::new(
        format!(
            "🗑 {reference}: the patient erased their data. Their messages here were deleted and the case is closed."
        ),
        Keyboard::None,
        Placement::New,
    );
    // The case's topic may already be closed (the case was): reopen it for
    // the notice; it is closed again below.
    let _ = bot.reopen_forum_topic(group, thread).await;
    match delivery::send(bot, group, Some(thread), &note).await {
        Ok(_) => {}
        Err(err) if is_missing_topic(&err) => {} // deleted by hand: nobody to tell
        Err(err) => return Err(err.into()),
    }
    if let Err(err) = bot.close_forum_topic(group, thread).await {
        tracing::debug!(case = %reference, error = %err, "the erased case's topic was not closed");
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
        "⛔ The patient has blocked the bot. The case is closed.".to_owned(),
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
    if tell_patient {
        let closing = notices::closed(&shell.content.get(), &case.locale, reference);
        if let Err(delivery::DeliveryError::Blocked) =
            delivery::deliver(bot, ChatId(case.chat_id), &closing).await
        {
            shell.storage.set_blocked(case.chat_id, true).await?;
        }
    }
    if let (Some(group), Some(thread)) = (shell.coordinator_chat, case.thread_id) {
        refresh_card(bot, shell, group, reference).await?;
        let who = by.map_or("the bot".to_owned(), |c| c.name.clone());
        let note = Reply::new(
            format!("✖ Closed by {}.", crate::text::escape_html(&who)),
            Keyboard::None,
            Placement::New,
        );
        let thread = ThreadId(MessageId(thread as i32));
        let _ = delivery::send(bot, group, Some(thread), &note).await;
        if let Err(err) = bot.close_forum_topic(group, thread).await {
            tracing::warn!(case = %reference, error = %err, "the topic could not be closed");
        }
    }
    Ok(())
}

fn coordinator_of(user: &User) -> Coordinator {
    Coordinator {
        id: user.id.0 as i64,
        name: user.full_name(),
    }
}

/// Anything a coordinator writes in the group.
pub async fn on_message(
    bot: Bot,
    shell: Arc<Shell>,
    update: Update,
    msg: Message,
) -> HandlerResult {
    super::at_least_once(&shell, &update, coordinator_message(&bot, &shell, &msg)).await
}

async fn coordinator_message(bot: &Bot, shell: &Shell, msg: &Message) -> anyhow::Result<()> {
    let Some(user) = msg.from.as_ref().filter(|user| !user.is_bot) else {
        return Ok(());
    };
    let who = coordinator_of(user);
    shell
        .storage
        .remember_coordinator(&who, user.username.as_deref())
        .await?;
    let command = msg.text().and_then(CoordinatorCommand::parse);
    if command == Some(CoordinatorCommand::Queue) {
        let listing = queue::listing(&shell.storage.open_cases().await?, unix_now());
        let reply = Reply::new(listing, Keyboard::None, Placement::New);
        delivery::send(bot, msg.chat.id, msg.thread_id, &reply).await?;
        return Ok(());
    }
    if command == Some(CoordinatorCommand::Stats) {
        let now = unix_now();
        let stats = reports::summarize(
            &shell.storage.report_rows(week_so_far(now)).await?,
            now,
            &shell.report_zone,
        );
        let html = reports::stats_html(&stats, shell.report_zone.iana_name().unwrap_or("UTC"));
        let reply = Reply::new(html, Keyboard::None, Placement::New);
        delivery::send(bot, msg.chat.id, msg.thread_id, &reply).await?;
        return Ok(());
    }
    let Some(thread) = msg.thread_id.filter(|_| msg.is_topic_message) else {
        return Ok(()); // the General topic is the coordinators' own
    };
    let Some(case) = shell.storage.case_in_thread(thread.0.0.into()).await? else {
        return Ok(());
    };
    match command {
        Some(CoordinatorCommand::Note) => {
            shell
                .storage
                .audit(Some(case.reference), Some(&who), "note", "")
                .await?;
        }
        Some(CoordinatorCommand::Release) => release(bot, shell, case.reference, &who).await?,
        Some(CoordinatorCommand::Close) => {
            close(bot, shell, case.reference, Some(&who), true).await?
        }
        Some(CoordinatorCommand::Transfer(username)) => {
            transfer(bot, shell, msg, &case, &who, username).await?
        }
        Some(CoordinatorCommand::Queue | CoordinatorCommand::Stats) => {}
        None if msg.text().is_some_and(|text| text.starts_with('/')) => {} // other bots' commands
        None => relay_to_patient(bot, shell, msg, &case, &who).await?,
    }
    Ok(())
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
    who: &Coordinator,
) -> anyhow::Result<()> {
    if shell
        .storage
        .patient_copy(case.reference, msg.id.0.into())
        .await?
        .is_some()
    {
        return Ok(()); // relayed before a restart: never twice
    }
    if case.status == CaseStatus::Waiting
        && shell.storage.take_case(case.reference, who).await? == TakeOutcome::Taken
    {
        taken(bot, shell, case.reference, who).await?;
    }
    let patient = ChatId(case.chat_id);
    let reply_to = match msg.reply_to_message() {
        Some(original) => {
            shell
                .storage
                .patient_copy(case.reference, original.id.0.into())
                .await?
        }
        None => None,
    };
    let copied = with_retries(|| {
        let mut request = bot.copy_message(patient, msg.chat.id, msg.id);
        if let Some(reply_to) = reply_to {
            request = request.reply_parameters(
                ReplyParameters::new(MessageId(reply_to as i32)).allow_sending_without_reply(),
            );
        }
        request.into_future()
    })
    .await;
    match copied {
        Ok(copy) => {
            shell
                .storage
                .record_relay(case.reference, copy.0.into(), msg.id.0.into(), false)
                .await?;
            shell.storage.note_first_reply(case.reference).await?;
        }
        Err(err) if is_permanent_refusal(&err) => {
            shell.storage.set_blocked(case.chat_id, true).await?;
            note_in_topic(bot, shell, case.reference, "⛔ The patient has blocked the bot: this message was not delivered. The case is closed.".to_owned()).await?;
            close(bot, shell, case.reference, None, false).await?;
        }
        Err(err) => {
            tracing::error!(case = %case.reference, error = %err, "a coordinator message could not reach the patient");
            note_in_topic(
                bot,
                shell,
                case.reference,
                "⚠️ This message could not be delivered to the patient. Please send it again."
                    .to_owned(),
            )
            .await?;
        }
    }
    Ok(())
}

/// A coordinator edited a message: the patient's copy changes too.
pub async fn on_edit(bot: Bot, shell: Arc<Shell>, update: Update, msg: Message) -> HandlerResult {
    super::at_least_once(&shell, &update, coordinator_edit(&bot, &shell, &msg)).await
}

async fn coordinator_edit(bot: &Bot, shell: &Shell, msg: &Message) -> anyhow::Result<()> {
    let Some(thread) = msg.thread_id.filter(|_| msg.is_topic_message) else {
        return Ok(());
    };
    let Some(case) = shell.storage.case_in_thread(thread.0.0.into()).await? else {
        return Ok(());
    };
    if let Some(copy) = shell
        .storage
        .patient_copy(case.reference, msg.id.0.into())
        .await?
    {
        apply_edit(bot, ChatId(case.chat_id), MessageId(copy as i32), msg).await;
    }
    Ok(())
}

/// Take, release, close and urgent on a case card.
pub async fn on_button(
    bot: Bot,
    shell: Arc<Shell>,
    update: Update,
    query: CallbackQuery,
) -> HandlerResult {
    super::at_least_once(&shell, &update, coordinator_button(&bot, &shell, &query)).await
}

async fn coordinator_button(bot: &Bot, shell: &Shell, query: &CallbackQuery) -> anyhow::Result<()> {
    let who = coordinator_of(&query.from);
    shell
        .storage
        .remember_coordinator(&who, query.from.username.as_deref())
        .await?;
    let Some((action, reference)) = query.data.as_deref().and_then(CardAction::decode) else {
        bot.answer_callback_query(query.id.clone()).await?;
        return Ok(());
    };
    let notice = match action {
        CardAction::Take => match shell.storage.take_case(reference, &who).await? {
            TakeOutcome::Taken => {
                taken(bot, shell, reference, &who).await?;
                format!("You have taken {reference}.")
            }
            TakeOutcome::HeldBy(holder) if holder.id == who.id => {
                format!("{reference} is already yours.")
            }
            TakeOutcome::HeldBy(holder) => format!("{reference} is already taken by {holder}."),
            TakeOutcome::Closed => format!("{reference} is closed."),
            TakeOutcome::Gone => format!("{reference} no longer exists."),
        },
        CardAction::Release => {
            release(bot, shell, reference, &who).await?;
            format!("{reference} is back in the queue.")
        }
        CardAction::Close => {
            close(bot, shell, reference, Some(&who), true).await?;
            format!("{reference} is closed.")
        }
        CardAction::SetUrgent(urgent) => {
            let case = load(shell, reference).await?;
            if case.urgent != urgent {
                shell.storage.set_urgent(reference, urgent).await?;
                shell
                    .storage
                    .audit(
                        Some(reference),
                        Some(&who),
                        if urgent { "urgent" } else { "not-urgent" },
                        "",
                    )
                    .await?;
            }
            // Refreshed even when unchanged: a replay may find it so.
            if let Some(group) = shell.coordinator_chat {
                refresh_card(bot, shell, group, reference).await?;
            }
            if urgent {
                format!("{reference} is marked urgent.")
            } else {
                format!("{reference} is no longer urgent.")
            }
        }
    };
    let show_alert = notice.contains("already taken by");
    bot.answer_callback_query(query.id.clone())
        .text(notice)
        .show_alert(show_alert)
        .await?;
    Ok(())
}

/// After a successful take: the card, the patient, the audit log.
async fn taken(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    who: &Coordinator,
) -> anyhow::Result<()> {
    shell
        .storage
        .audit(Some(reference), Some(who), "take", "")
        .await?;
    if let Some(group) = shell.coordinator_chat {
        refresh_card(bot, shell, group, reference).await?;
    }
    let case = load(shell, reference).await?;
    let joined = notices::coordinator_joined(&shell.content.get(), &case.locale);
    if let Err(delivery::DeliveryError::Blocked) =
        delivery::deliver(bot, ChatId(case.chat_id), &joined).await
    {
        shell.storage.set_blocked(case.chat_id, true).await?;
    }
    Ok(())
}

async fn release(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    who: &Coordinator,
) -> anyhow::Result<()> {
    if shell.storage.release_case(reference).await? {
        shell
            .storage
            .audit(Some(reference), Some(who), "release", "")
            .await?;
        if let Some(group) = shell.coordinator_chat {
            refresh_card(bot, shell, group, reference).await?;
        }
        note_in_topic(
            bot,
            shell,
            reference,
            format!(
                "↩ Released by {} back to the queue.",
                crate::text::escape_html(&who.name)
            ),
        )
        .await?;
    }
    Ok(())
}

/// `/transfer @username`, or `/transfer` in reply to the new holder's message.
async fn transfer(
    bot: &Bot,
    shell: &Shell,
    msg: &Message,
    case: &CaseView,
    who: &Coordinator,
    username: Option<String>,
) -> anyhow::Result<()> {
    let target = match username {
        Some(username) => shell.storage.coordinator_by_username(&username).await?,
        None => match msg
            .reply_to_message()
            .and_then(|original| original.from.as_ref())
        {
            Some(user) if !user.is_bot => Some(coordinator_of(user)),
            _ => None,
        },
    };
    let Some(target) = target else {
        let help = "To transfer, write <code>/transfer @username</code> (they must have written in this group once), or reply to one of their messages with <code>/transfer</code>.";
        return note_in_topic(bot, shell, case.reference, help.to_owned()).await;
    };
    if shell.storage.transfer_case(case.reference, &target).await? {
        shell
            .storage
            .audit(
                Some(case.reference),
                Some(who),
                "transfer",
                &format!("to {}", target.name),
            )
            .await?;
        if let Some(group) = shell.coordinator_chat {
            refresh_card(bot, shell, group, case.reference).await?;
        }
        let note = format!(
            "➡ Transferred by {} to {}.",
            crate::text::escape_html(&who.name),
            crate::text::escape_html(&target.name)
        );
        note_in_topic(bot, shell, case.reference, note).await?;
    }
    Ok(())
}

/// The bot only works in private chats and the coordinators' group: it
/// leaves any other group or channel it is added to.
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
