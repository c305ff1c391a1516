# What the bot writes for the coordinators in their group (not for patients): answers to
# their buttons, notes in a case's topic, the case card, /queue, reminders and the ready
# replies' notes. Shown in the coordinators' language (COORDINATORS_LANGUAGE, English by
# default). Text is Telegram HTML; { $reference } is a case (CF-000123), { $name } a
# coordinator's name, { $waited } a duration such as "2 h 05 min".

## Languages, as coordinators read them: { $language } is a language code (es, zh, ...).

coord-language-name = { $language ->
        [ar] Arabic
        [de] German
        [en] English
        [es] Spanish
        [fr] French
        [he] Hebrew
        [hi] Hindi
        [it] Italian
        [ja] Japanese
        [pl] Polish
        [pt] Portuguese
        [ru] Russian
        [tr] Turkish
        [uk] Ukrainian
        [zh] Chinese
       *[other] this language
    }
# "Spanish (es)": the language's name and its tag.
coord-language = { coord-language-name } ({ $tag })

## Durations: "3 min", "2 h 05 min", "4 d 3 h" ({ $minutes } has two digits after hours).

coord-duration-minutes = { $minutes } min
coord-duration-hours = { $hours } h { $minutes } min
coord-duration-days = { $days } d { $hours } h

## Answers to a coordinator's button or change (plain text, shown briefly on their screen).

coord-answer-taken = You have taken { $reference }.
coord-answer-yours = { $reference } is already yours.
coord-answer-held = { $reference } is already taken by { $name }.
coord-answer-closed = { $reference } is closed.
coord-answer-gone = { $reference } no longer exists.
coord-answer-unchanged = { $reference } is as it was.
coord-answer-released = { $reference } is back in the queue.
coord-answer-transferred = { $reference } is with { $name }.
coord-answer-urgent = { $reference } is marked urgent.
coord-answer-not-urgent = { $reference } is no longer urgent.
coord-answer-noted = Noted in { $reference }.

## Notes in a case's topic.

coord-note-released = ↩ Released by { $name } back to the queue.
coord-note-transferred = ➡ Transferred by { $name } to { $to }.
coord-note-closed = ✖ Closed by { $name }.
coord-note-closed-by-bot = ✖ Closed by the bot.
coord-note-rated = ⭐ The patient rated this conversation { $stars }/5.
coord-note-blocked = ⛔ The patient has blocked the bot. The case is closed.
coord-note-blocked-undelivered = ⛔ The patient has blocked the bot: this message was not delivered. The case is closed.
coord-note-undelivered = ⚠️ This message could not be delivered to the patient. Please send it again.
coord-note-document-not-shown = ⚠️ A document could not be shown here ({ $error }).
# The patient edited one part of several messages shown together; { $time } is when (09:14).
coord-note-edited = ✏️ <i>edited { $time }</i> { $text }
coord-note-erased = { $count ->
        [one] 🗑 { $references }: the patient erased their data. The case's topic was deleted, with every message in it.
       *[other] 🗑 { $references }: the patient erased their data. The cases' topics were deleted, with every message in them.
    }

## Refusals (a note in the topic, or an alert on the coordinator's screen).

coord-refused-not-member = Only members of this group who may write can act on cases ({ $reference } is unchanged).
# { $change } is what was asked: release, close, transfer, or other changes.
coord-refused-held = { $change ->
        [release] { $reference } is held by { $name }: only they or an administrator can release it.
        [close] { $reference } is held by { $name }: only they or an administrator can close it.
        [transfer] { $reference } is held by { $name }: only they or an administrator can transfer it.
       *[other] { $reference } is held by { $name }: only they or an administrator can change it.
    }

## Commands.

coord-unknown-command = { $command } is not a command here (nothing was sent to the patient). In a case's topic: /r (ready replies in the patient's language), /note, /release, /transfer, /close; anywhere: /queue, /stats. To write to the patient a text that starts with “/”, put a space or a word before it.
coord-transfer-help = To transfer, write <code>/transfer @username</code> (they must have written in this group once), reply to one of their messages with <code>/transfer</code>, or move the case to another team with <code>/transfer Team name</code>.
coord-team-already = { $reference } is already with { $team }.
coord-moved-out = ➡ Moved by { $name } to { $team }. The conversation goes on there.
coord-moved-in = ⬅ Moved here from { $team } by { $name }. The last messages follow.
coord-another-team = another team

## The case card at the top of each case's topic.

coord-card-urgent = 🔴 <b>URGENT</b>
coord-card-waiting = waiting for { $waited }
coord-card-assigned = assigned to { $name }
coord-card-closed = closed
coord-card-language = Patient’s language: { $language } ({ $tag })
coord-card-no-details = <i>No case details yet: the patient asked to talk to a person.</i>
coord-card-documents = { $count ->
        [one] 📎 { $count } document: re-sent below.
       *[other] 📎 { $count } documents: re-sent below.
    }
coord-button-take = ✋ Take
coord-button-release = ↩ Release
coord-button-urgent = 🔴 Urgent
coord-button-not-urgent = Not urgent
coord-button-close = ✖ Close

## /queue

coord-queue-empty =
    <b>Queue</b>
    No open cases.
coord-queue-header = <b>Queue</b> · { $waiting } waiting · { $assigned } assigned
coord-queue-page = page { $page }/{ $pages }
coord-queue-waiting = { $reference } · { $title } · waiting { $waited }
coord-queue-held = { $count ->
        [one] ⚠️ { $count } message held: Telegram has failed it for { $waited } ({ $error }). It is retried and goes out when Telegram accepts it.
       *[other] ⚠️ { $count } messages held: Telegram has failed them for { $waited } ({ $error }). They are retried and go out when Telegram accepts them.
    }

## Reminders about forgotten cases, in the group's General topic. { $holder } is the
## coordinator who has the case (a link that notifies them).

coord-reminder-second = <b>Second reminder, for everyone</b>
coord-reminder-urgent = (urgent)
coord-reminder-waiting = <b>{ $reference }</b>{ $urgent } has waited { $waited } of working time for a coordinator: take it from its card.
coord-reminder-holder = { $holder }, the patient of <b>{ $reference }</b>{ $urgent } has waited { $waited } of working time for your answer.
coord-reminder-everyone = the patient of <b>{ $reference }</b>{ $urgent } has waited { $waited } of working time for an answer from { $holder }. Can someone answer?
coord-reminder-link = <a href="{ $link }">Open its topic</a>.

## Ready replies (/r): the menu, the note once one is sent, and why one was not.

coord-replies-none = There are no ready replies: translators add them to locales/{ $tag }/{ $file }.
coord-replies-menu =
    💬 <b>Ready replies for { $reference }</b>
    The patient reads { $language }: a reply reaches them in it, and shows here in both languages. Tap one to send it, or write <code>/r NAME</code>; for a reply that gives a date, <code>/r NAME 2026-12-08 10:00</code>.
coord-replies-missing = 🚫 Not translated into { $language } yet, so they cannot be sent: { $replies }.
coord-reply-sent =
    📨 { $name } sent the reply “{ $reply }” to the patient:
    <blockquote>{ $text }</blockquote>
coord-reply-sent-translated =
    📨 { $name } sent the reply “{ $reply }” to the patient, in { $language }:
    <blockquote>{ $text }</blockquote>
    In the coordinators' language:
    <blockquote>{ $translation }</blockquote>
coord-reply-unknown = There is no ready reply “{ $reply }”. Nothing was sent to the patient of { $reference }; /r lists the replies.
coord-reply-not-translated = 🚫 The reply “{ $reply }” is not translated into { $language } yet. Nothing was sent to the patient of { $reference }: it is never sent in a language the patient did not choose. Ask the translators to add it to { $file }, or write to the patient yourself.
coord-reply-needs-date = The reply “{ $reply }” gives a date: write <code>/r { $reply } 2026-12-08 10:00</code> (or just the day, <code>/r { $reply } 2026-12-08</code>). Nothing was sent to the patient of { $reference }.
coord-reply-bad-date = “{ $given }” is not a date this bot reads: write <code>/r { $reply } 2026-12-08 10:00</code> (or just the day). Nothing was sent to the patient of { $reference }.
coord-reply-needs-name = The reply “{ $reply }” greets the patient by their first name, and this case has none (the form was not filled in). Nothing was sent to the patient of { $reference }; choose another reply.
coord-reply-broken = The reply “{ $reply }” cannot be shown ({ $error }); `navigator check` says where. Nothing was sent to the patient of { $reference }.
coord-reply-answer-sent = Sent to the patient of { $reference }.
coord-reply-answer-not-sent = Nothing was sent to the patient of { $reference }: the reason is in the topic.
coord-reply-answer-repeated = “{ $reply }” was sent to this patient { $seconds } s ago: it was not sent again. Press once more after a minute to send it a second time.

## /stats and the weekly summary. { $waiting }, { $assigned }, { $opened }, { $closed },
## { $reminders }, { $second } and { $count } are numbers; { $median } and { $p90 } are
## durations ("2 h 05 min"); { $label } is coord-figures-first-reply or coord-figures-to-close;
## { $counts } is a list such as "es 2, ar 1"; { $zone } a time zone (Europe/Madrid);
## { $from } and { $to } are days ("Wed, Nov 18").

coord-stats-title = 📊 <b>Cases</b> ({ $zone })
coord-stats-now = Now: { $waiting } waiting · { $assigned } assigned
coord-stats-today = <b>Today</b>
coord-stats-week = <b>This week</b> (since Monday)
coord-stats-all-teams = <b>All teams</b>
coord-stats-all-teams-week = <b>This week</b>
coord-figures-cases = Opened { $opened } · assigned { $assigned } · closed { $closed }
coord-figures-first-reply = First reply
coord-figures-to-close = To close
coord-figures-durations = { $count ->
        [one] { $label }: median { $median }, p90 { $p90 } ({ $count } case)
       *[other] { $label }: median { $median }, p90 { $p90 } ({ $count } cases)
    }
coord-figures-no-durations = { $label }: –
# { $average } is the average rating with one decimal (4.5).
coord-figures-rating = { $count ->
        [one] Rating: { $average }/5 ({ $count } rating)
       *[other] Rating: { $average }/5 ({ $count } ratings)
    }
coord-figures-no-rating = Rating: no ratings
coord-figures-reminders = Reminders about forgotten cases: { $reminders } (second, for everyone: { $second })
coord-figures-languages = Languages: { $counts }
coord-figures-cancer-types = Cancer types: { $counts }
coord-figures-drivers = Drivers: { $counts }
# Counted for cases whose form did not answer (a cancer type, a driver).
coord-figures-not-given = not given
coord-weekly-title = 🗓 <b>Weekly summary</b>: { $from } – { $to }
coord-weekly-queue = In the queue now: { $waiting } waiting · { $assigned } assigned

## Who acted, when Telegram hides it (an anonymous group administrator).

coord-anonymous = Coordinator
