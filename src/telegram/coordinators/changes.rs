//! Changes to a case a coordinator asks for, by a command in its topic or
//! a button on its card or under `/r`: take, release, close, urgent, note,
//! transfer to a coordinator or to another team, ready replies sent; and
//! the close the bot makes itself (a patient who blocked it). Each goes
//! through `handoff::case::consequences` and commits with its audit entry,
//! its messages and the update's processed mark.
//!
//! Must not send anything but through the outbox jobs it commits (or
//! `tell_now` for the bot's own changes), relay messages (`relays`) or
//! post in topics directly (`topics`).

use anyhow::Context;
use teloxide::prelude::*;
use teloxide::types::UserId;

use super::topics::{note_in_topic, note_job};
use super::{
    Actor, Words, Writer, begin, commit_change, coordinator_of, group_of, load, post_in_group,
};
use crate::dialogue::engine::notices;
use crate::handoff::access::{self, Change, Standing};
use crate::handoff::case::{self, Applied, CaseAction, Notice};
use crate::handoff::queue::{CardAction, CoordinatorCommand};
use crate::handoff::replies::{self, Facts, NotSent};
use crate::handoff::texts::Texts;
use crate::handoff::{CaseStatus, CaseView, Coordinator};
use crate::i18n::{Arg, Locale};
use crate::intake::{Answer, CaseRef};
use crate::reply::{Keyboard, Placement, Reply};
use crate::storage::Work;
use crate::telegram::Shell;
use crate::telegram::delivery::{self, JobError};
use crate::telegram::sender::{self, Job};

/// The messages of a change's notices (see `handoff::case`), as outbox
/// jobs with their chats: committed with the change itself, they are sent
/// once it is stored, even across a crash.
pub(super) fn notice_jobs(shell: &Shell, case: &CaseView, notices: Vec<Notice>) -> Vec<(i64, Job)> {
    let Some(group) = group_of(shell, case).map(|group| group.0) else {
        return Vec::new();
    };
    let reference = case.reference;
    let content = shell.content.get();
    notices
        .into_iter()
        .map(|notice| match notice {
            Notice::RefreshCard => (group, Job::RefreshCard { case: reference }),
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
            Notice::CloseTopic => (group, Job::CloseTopic { case: reference }),
        })
        .collect()
}

/// Carries out `action` on `case` in `work`: the database's compare-and-set,
/// then what the core says follows (`handoff::case`): the audit entry goes
/// in with the change, the notices' jobs are added to `jobs`. Commands and
/// card buttons come here alike.
pub(super) async fn apply_action(
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

/// Sends a change's messages at once, where no update's transaction can
/// carry them (a change the bot makes itself, or one inside a relay).
pub(super) async fn tell_now(bot: &Bot, shell: &Shell, jobs: Vec<(i64, Job)>) {
    for (chat_id, job) in jobs {
        // Boxed: a job may lead back here (a blocked patient closes the case).
        Box::pin(sender::execute_now(bot, shell, chat_id, &job)).await;
    }
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
    close(bot, shell, link.reference, None, false).await?;
    Ok(())
}

/// Closes a case: the patient gets a closing note and a rating question (unless
/// they blocked the bot), the topic is closed.
pub(super) async fn close(
    bot: &Bot,
    shell: &Shell,
    reference: CaseRef,
    by: Option<&Coordinator>,
    tell_patient: bool,
) -> Result<(), JobError> {
    // The close and its audit entry in one write: never one without the other.
    if !shell.storage.close_case_audited(reference, by).await? {
        return Ok(());
    }
    let case = load(shell, reference).await?;
    let words = Words::of(shell);
    let notices = case::closing_notices(&words.texts(), by, tell_patient);
    let jobs = notice_jobs(shell, &case, notices);
    tell_now(bot, shell, jobs).await;
    Ok(())
}

/// A coordinator wrote in a case's topic: the message is queued for the
/// patient, and a waiting case is theirs now. The take, its audit entry,
/// its notices and the message commit with the update's processed mark,
/// like every other change: a crash or a Telegram error leaves either all
/// of it or none.
pub(super) async fn answer_patient(
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
            update_id: crate::telegram::update_id(update),
            case: case.reference,
        },
    ));
    commit_change(work, jobs).await
}

/// The patient's language and the coordinators', as the catalog has them.
pub(super) fn languages(
    shell: &Shell,
    catalog: &crate::i18n::Catalog,
    case: &CaseView,
) -> (Locale, Locale) {
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
pub(super) async fn reply_menu(
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
pub(super) struct ReadyReplyAsked<'a> {
    pub(super) name: &'a str,
    /// What followed the name (a date, for replies that give one).
    pub(super) argument: &'a str,
    /// What stands for it in the topic (see `ready_reply`).
    pub(super) key: i64,
}

/// Queues a ready reply for the case's patient, in their language, with a
/// note in the topic showing it in both; or, when it cannot go as asked,
/// a note saying why (nothing reaches the patient). Like writing, sending
/// takes a waiting case. Returns why it was not sent.
pub(super) async fn send_ready_reply(
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
            case: case.reference,
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

/// `/note`, `/release`, `/close`, `/transfer` in a case's topic.
pub(super) async fn change_by_command(
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
        let note = access::refusal_text(
            &Words::of(shell).texts(),
            reference,
            change,
            &refusal,
            access::Shown::Note,
        );
        let jobs = group_of(shell, &case)
            .map(|group| note_job(group.0, reference, note))
            .into_iter()
            .collect();
        return commit_change(work, jobs).await;
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
    commit_change(work, jobs).await
}

/// Messages of the old topic copied into the new one when a case moves.
pub(super) const HISTORY_ON_MOVE: i64 = 10;

/// `/transfer Team name`: the case goes to another team's group, back in
/// its queue, with a new topic, its card and a short history; the old
/// topic is told and closes. The case keeps its reference.
pub(super) async fn move_to_team(
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
                    case: reference,
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
            (team.group, Job::Enqueue { case: reference }),
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
                    case: reference,
                    from_group: from.0,
                    messages: history,
                },
            ),
        ]
    } else {
        Vec::new() // closed meanwhile
    };
    commit_change(work, jobs).await
}

/// Whom `/transfer` names: `@username`, or the author of the message it replies to.
/// Who a `/transfer` names (by username, or by replying to their
/// message), if they are still a member of the group who may write.
pub(super) async fn transfer_target(
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

/// A case card's button (`decoded`), or a button none of ours (stale or
/// forged: only its spinner is stopped).
pub(super) async fn press_card(
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
    commit_change(work, jobs).await
}

/// Why whoever pressed a button in the group may not make `change` to
/// `case` (Telegram is asked: a button stays visible to someone who may no
/// longer write), or `None`.
pub(super) async fn press_refused(
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
            access::refusal_text(
                &Words::of(shell).texts(),
                case.reference,
                change,
                &refusal,
                access::Shown::Alert,
            )
        }))
}

/// How long a second press of the same ready reply for a case counts as a
/// double tap, not sent again.
pub(super) const READY_REPLY_REPEAT_MS: i64 = 60_000;

/// A ready reply's button under `/r`: sent like `/r NAME`. Whoever
/// presses must still be in the group (the menu stays visible to someone
/// who left).
pub(super) async fn press_ready_reply(
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
                key: -crate::telegram::update_id(update),
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
    commit_change(work, jobs).await
}

/// The action a card's button asks for.
pub(super) fn action_of(button: CardAction) -> CaseAction {
    match button {
        CardAction::Take => CaseAction::Take,
        CardAction::Release => CaseAction::Release,
        CardAction::Close => CaseAction::Close,
        CardAction::SetUrgent(urgent) => CaseAction::SetUrgent(urgent),
    }
}

/// The change a card's button asks for.
pub(super) fn change_of(action: CardAction) -> Change {
    match action {
        CardAction::Take => Change::Take,
        CardAction::Release => Change::Release,
        CardAction::Close => Change::Close,
        CardAction::SetUrgent(_) => Change::MarkUrgent,
    }
}
