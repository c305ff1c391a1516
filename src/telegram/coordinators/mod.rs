//! The coordinators' side of the shell: the forum supergroups where each
//! case has a topic. This file routes what arrives from a coordinators'
//! group (`on_message`, `on_button`, `on_edit`, member changes) to where it
//! is handled, and holds what the parts share: the coordinators' texts in
//! their language (`Words`), a case's group, an update's unit of work.
//!
//! - `topics`: opening and closing topics, the card, notes in topics;
//! - `relays`: messages both ways, delivery marks, merges, edits;
//! - `changes`: case changes by command or button, transfers, ready replies;
//! - `listings`: `/queue`, `/stats`, hints.
//!
//! The queue's rules and texts are in `handoff`; the atomic state changes
//! in `storage`. Must not decide what to say, nor carry out itself what it
//! routes.

use std::sync::Arc;

use anyhow::Context;
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{ChatMemberUpdated, Me, User, UserId};

use super::delivery::{JobError, with_retries};
use super::pacing::{Destination, Spend};
use super::sender::{self, Job};
use super::{HandlerResult, Shell};
use crate::handoff::access::{self, Change, Refusal, Standing};
use crate::handoff::queue::{CoordinatorCommand, CoordinatorText, GroupButton};
use crate::handoff::replies::ReplyRequest;
use crate::handoff::texts::Texts;
use crate::handoff::{CaseView, Coordinator};
use crate::i18n::{Arg, Locale};
use crate::intake::CaseRef;
use crate::storage::{Begun, Work};

mod changes;
mod listings;
mod relays;
mod topics;

use changes::{
    ReadyReplyAsked, answer_patient, change_by_command, press_card, press_ready_reply, reply_menu,
    send_ready_reply,
};
use listings::{coordinator_message, turn_queue_page};

pub use changes::patient_blocked;
pub use relays::{edit_to_patient, ready_reply, relay_edit, relay_updates, to_patient};
pub(crate) use topics::{close_topic, note_in_topic, refresh_card};
pub use topics::{copy_history, enqueue, erase_topics, moved_out, rated, remind, reopened};

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

/// The case as it stands; `JobError::CaseErased` when it is gone.
async fn load(shell: &Shell, reference: CaseRef) -> Result<CaseView, JobError> {
    shell
        .storage
        .case_view(reference)
        .await?
        .ok_or(JobError::CaseErased(reference))
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
                name: anonymous_coordinator(&shell),
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
    let case = case_of_topic(&shell, &msg).await?;
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
                Ok(commit_change(work, jobs).await?)
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

/// How the patient and the audit see a coordinator who wrote anonymously
/// (as the group): "Coordinator", in the coordinators' language (plain
/// text: the message has no markup).
fn anonymous_coordinator(shell: &Shell) -> String {
    Words::of(shell).texts().say("coord-anonymous", &[])
}

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
async fn commit_change(mut work: Work, jobs: Vec<(i64, Job)>) -> anyhow::Result<()> {
    for (chat_id, job) in jobs {
        sender::queue(&mut work, chat_id, &job);
    }
    // The commit tells the sender (`Storage::watch_outbox`).
    work.commit().await?;
    Ok(())
}

/// The case whose topic `msg` was posted in; `None` in the General topic,
/// the coordinators' own.
async fn case_of_topic(shell: &Shell, msg: &Message) -> anyhow::Result<Option<CaseView>> {
    match msg.thread_id.filter(|_| msg.is_topic_message) {
        Some(thread) => {
            shell
                .storage
                .case_in_thread(msg.chat.id.0, thread.0.0.into())
                .await
        }
        None => Ok(None),
    }
}

/// A coordinator edited a message: the patient's copy changes too, after
/// the copy is made (in the patient's lane, behind it).
pub async fn on_edit(_bot: Bot, shell: Arc<Shell>, update: Update, msg: Message) -> HandlerResult {
    let case = case_of_topic(&shell, &msg).await?;
    let Some(work) = begin(&shell, &update).await? else {
        return Ok(());
    };
    let jobs = case
        .map(|case| {
            (
                case.chat_id,
                Job::EditToPatient {
                    update_id: super::update_id(&update),
                    case: case.reference,
                },
            )
        })
        .into_iter()
        .collect();
    Ok(commit_change(work, jobs).await?)
}

/// A button on a case card (take, release, close, urgent): the change,
/// its audit entry, the messages it calls for and the answer to the press
/// commit with the update's processed mark.
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
