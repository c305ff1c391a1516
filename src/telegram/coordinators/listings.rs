//! What a coordinator asks to see, changing no case: `/queue` in pages
//! (with the held messages' notice on top), `/stats`, and the hint for a
//! command none of ours. Sent at once, at least once.
//!
//! Must not change a case (`changes`) or compute figures (`reports`).

use teloxide::RequestError;
use teloxide::prelude::*;

use super::{Words, post_in_group};
use crate::handoff::queue::{self, CoordinatorCommand, CoordinatorText};
use crate::reply::{Keyboard, Placement, Reply};
use crate::reports;
use crate::storage::unix_now;
use crate::telegram::Shell;
use crate::telegram::delivery;
use crate::telegram::pacing::{Destination, Spend};
use crate::telegram::sender;

/// What a coordinator wrote that changes no case: listings, hints.
pub(super) async fn coordinator_message(
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
            let words = Words::of(shell);
            let texts = words.texts();
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
                    reports::team_stats_html(&texts, &team.name, &mine, &all, zone_name)
                }
                _ => reports::stats_html(&texts, &all, zone_name),
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
pub(super) async fn queue_page(shell: &Shell, page: usize) -> anyhow::Result<Reply> {
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
pub(super) async fn turn_queue_page(
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

/// Enough rows for `/stats`: everything since the start of this week (at
/// most eight days back, whatever the time zone) up to now.
pub(super) fn week_so_far(now: i64) -> reports::Period {
    reports::Period {
        start: now - 8 * 86_400,
        end: now + 1,
    }
}
