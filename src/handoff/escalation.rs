//! No case forgotten: a case waiting untaken, or a patient's message left
//! unanswered by the case's holder, for longer than `ESCALATE_AFTER`
//! (shorter when urgent) of working time gets a reminder in the group's
//! General topic, then a second one, for everyone, at twice the time.
//! Outside working hours the clock stops.
//!
//! Owns the rules (which reminder is due, by the working-time clock) and
//! the reminders' texts (in the coordinators' language). Must not touch Telegram, storage or the clock
//! (the time is an argument); the shell records each reminder once.

use std::fmt;
use std::str::FromStr;

use super::Coordinator;
use super::hours::WorkingHours;
use super::queue::waited;
use super::texts::Texts;
use crate::i18n::Arg;
use crate::intake::CaseRef;
use crate::text::escape_html;

/// When reminders are due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Seconds of working time before the first reminder.
    pub after: i64,
    /// The same for an urgent case.
    pub urgent_after: i64,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            after: 30 * 60,
            urgent_after: 10 * 60,
        }
    }
}

impl Policy {
    /// `ESCALATE_AFTER` and `ESCALATE_URGENT_AFTER`, e.g. `30m`, `1h`,
    /// `90s`; `off` (either) turns reminders off.
    pub fn parse(after: &str, urgent_after: &str) -> Result<Option<Policy>, String> {
        let read = |name: &str, text: &str| -> Result<Option<i64>, String> {
            let text = text.trim();
            if text.eq_ignore_ascii_case("off") {
                return Ok(None);
            }
            let seconds = jiff::SignedDuration::from_str(text)
                .map_err(|_| {
                    format!("{name} “{text}” is not a duration (e.g. 30m, 1h, 90s) or “off”")
                })?
                .as_secs();
            if seconds <= 0 {
                return Err(format!("{name} “{text}” must be longer than zero"));
            }
            Ok(Some(seconds))
        };
        let (after, urgent_after) = (
            read("ESCALATE_AFTER", after)?,
            read("ESCALATE_URGENT_AFTER", urgent_after)?,
        );
        Ok(after.zip(urgent_after).map(|(after, urgent_after)| Policy {
            after,
            urgent_after,
        }))
    }

    /// The shortest wait that can have a reminder due (working hours only
    /// make a wait count for less).
    pub fn soonest(&self) -> i64 {
        self.after.min(self.urgent_after)
    }

    /// Working seconds before the first reminder.
    pub fn limit(&self, urgent: bool) -> i64 {
        if urgent {
            self.urgent_after
        } else {
            self.after
        }
    }

    /// How often to look, so that a reminder is at most this late.
    pub fn tick(&self) -> std::time::Duration {
        let seconds = (self.after.min(self.urgent_after) as f64 / 4.0).clamp(0.2, 30.0);
        std::time::Duration::from_secs_f64(seconds)
    }
}

/// What a case waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Wait {
    /// Nobody has taken it.
    Coordinator,
    /// Its holder has not answered the patient's latest messages.
    Answer,
}

impl Wait {
    pub fn as_str(self) -> &'static str {
        match self {
            Wait::Coordinator => "untaken",
            Wait::Answer => "unanswered",
        }
    }
}

impl fmt::Display for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Wait {
    type Err = String;

    fn from_str(text: &str) -> Result<Wait, String> {
        match text {
            "untaken" => Ok(Wait::Coordinator),
            "unanswered" => Ok(Wait::Answer),
            other => Err(format!("not a kind of wait: {other:?}")),
        }
    }
}

/// A case that may need a reminder, as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watched {
    pub reference: CaseRef,
    /// The group of the case's team.
    pub group: i64,
    pub thread_id: Option<i64>,
    pub urgent: bool,
    pub wait: Wait,
    /// Since when (unix seconds): queued, or the first unanswered message
    /// (not before the holder had the case).
    pub since: i64,
    /// Who holds it (waiting for an answer).
    pub holder: Option<Coordinator>,
    /// The highest reminder already sent for this wait (0: none).
    pub sent: u8,
}

/// A reminder to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// 1, or 2 for the second one, to everyone.
    pub level: u8,
    /// Working time waited so far, in seconds.
    pub waited: i64,
}

/// The reminder due now for `watched`, if any. Only the highest due is
/// sent: a bot that was down past both times sends the second alone.
pub fn due(
    watched: &Watched,
    policy: &Policy,
    hours: Option<&WorkingHours>,
    now: i64,
) -> Option<Reminder> {
    let waited = match hours {
        Some(hours) => hours.open_seconds(watched.since, now),
        None => (now - watched.since).max(0),
    };
    let limit = policy.limit(watched.urgent);
    let level = match waited {
        w if w >= 2 * limit => 2,
        w if w >= limit => 1,
        _ => 0,
    };
    (level > watched.sent).then_some(Reminder { level, waited })
}

/// A link to a topic of a private supergroup (`-100…` ids).
pub fn topic_link(group: i64, thread_id: i64) -> Option<String> {
    let internal = (-group)
        .checked_sub(1_000_000_000_000)
        .filter(|id| *id > 0)?;
    Some(format!("https://t.me/c/{internal}/{thread_id}"))
}

/// The reminder's text, Telegram HTML, in the coordinators' language. The
/// first is addressed to the holder (a mention notifies them); the second
/// to everyone.
pub fn text(texts: &Texts, watched: &Watched, reminder: &Reminder) -> String {
    let reference = watched.reference.to_string();
    let urgent = if watched.urgent {
        format!(" {}", texts.say("coord-reminder-urgent", &[]))
    } else {
        String::new()
    };
    let how_long = waited(texts, reminder.waited);
    let link = watched
        .thread_id
        .and_then(|thread| topic_link(watched.group, thread))
        .map(|link| {
            format!(
                " {}",
                texts.say("coord-reminder-link", &[("link", Arg::Text(&link))])
            )
        })
        .unwrap_or_default();
    let lead = if reminder.level >= 2 {
        format!("⏰⏰ {}: ", texts.say("coord-reminder-second", &[]))
    } else {
        "⏰ ".to_owned()
    };
    let mut args = vec![
        ("reference", Arg::Text(&reference)),
        ("urgent", Arg::Html(&urgent)),
        ("waited", Arg::Text(&how_long)),
    ];
    let holder = watched.holder.as_ref().map(|holder| {
        format!(
            "<a href=\"tg://user?id={}\">{}</a>",
            holder.id,
            escape_html(&holder.name)
        )
    });
    let id = match (watched.wait, &holder) {
        (Wait::Answer, Some(holder)) => {
            args.push(("holder", Arg::Html(holder)));
            if reminder.level >= 2 {
                "coord-reminder-everyone"
            } else {
                "coord-reminder-holder"
            }
        }
        _ => "coord-reminder-waiting",
    };
    format!("{lead}{}{link}", texts.say(id, &args))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handoff::texts::tests::english;

    fn madrid(local: &str) -> i64 {
        local
            .parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::get("Europe/Madrid").unwrap())
            .unwrap()
            .timestamp()
            .as_second()
    }

    fn watched(since: i64, urgent: bool, sent: u8) -> Watched {
        Watched {
            reference: CaseRef(123),
            group: -1_001_234_567_890,
            thread_id: Some(55),
            urgent,
            wait: Wait::Coordinator,
            since,
            holder: None,
            sent,
        }
    }

    #[test]
    fn the_first_reminder_at_the_limit_and_the_second_at_twice_it() {
        let policy = Policy::default();
        let since = madrid("2026-11-27T10:00");
        let at = |local: &str, sent: u8, urgent: bool| {
            due(&watched(since, urgent, sent), &policy, None, madrid(local)).map(|r| r.level)
        };
        assert_eq!(at("2026-11-27T10:29", 0, false), None);
        assert_eq!(at("2026-11-27T10:30", 0, false), Some(1));
        assert_eq!(at("2026-11-27T10:45", 1, false), None, "sent already");
        assert_eq!(at("2026-11-27T11:00", 1, false), Some(2));
        assert_eq!(at("2026-11-27T13:00", 2, false), None, "two at most");
        // Urgent: ten minutes, then twenty.
        assert_eq!(at("2026-11-27T10:10", 0, true), Some(1));
        assert_eq!(at("2026-11-27T10:20", 1, true), Some(2));
        // Down past both: the second alone.
        assert_eq!(at("2026-11-27T11:05", 0, false), Some(2));
    }

    #[test]
    fn outside_working_hours_the_clock_stops() {
        let policy = Policy::default();
        let hours = WorkingHours::parse("Mon-Fri 09:00-18:00", "Europe/Madrid").unwrap();
        // Queued on Friday at 17:50: ten minutes that day.
        let case = watched(madrid("2026-11-27T17:50"), false, 0);
        let at = |local: &str| due(&case, &policy, Some(&hours), madrid(local));
        assert_eq!(at("2026-11-27T23:00"), None, "Friday night");
        assert_eq!(at("2026-11-29T12:00"), None, "Sunday");
        assert_eq!(at("2026-11-30T09:19"), None, "29 minutes of working time");
        assert_eq!(
            at("2026-11-30T09:20"),
            Some(Reminder {
                level: 1,
                waited: 30 * 60
            })
        );
        assert_eq!(at("2026-11-30T09:50").map(|r| r.level), Some(2));
        // Queued at night: the clock starts at the opening.
        let night = watched(madrid("2026-11-30T02:00"), false, 0);
        assert_eq!(
            due(&night, &policy, Some(&hours), madrid("2026-11-30T09:29")),
            None
        );
    }

    #[test]
    fn the_texts_name_the_case_the_wait_and_link_its_topic() {
        let reminder = Reminder {
            level: 1,
            waited: 31 * 60,
        };
        let first = text(&english(), &watched(0, true, 0), &reminder);
        assert_eq!(
            first,
            "⏰ <b>CF-000123</b> (urgent) has waited 31 min of working time for a coordinator: take it from its card. <a href=\"https://t.me/c/1234567890/55\">Open its topic</a>."
        );
        let mut unanswered = watched(0, false, 0);
        unanswered.wait = Wait::Answer;
        unanswered.holder = Some(Coordinator {
            id: 9,
            name: "Alex <A>".into(),
        });
        let first = text(&english(), &unanswered, &reminder);
        assert!(first.starts_with("⏰ <a href=\"tg://user?id=9\">Alex &lt;A&gt;</a>, the patient"));
        let second = text(
            &english(),
            &unanswered,
            &Reminder {
                level: 2,
                waited: 62 * 60,
            },
        );
        assert!(second.starts_with("⏰⏰ <b>Second reminder, for everyone</b>: the patient of <b>CF-000123</b> has waited 1 h 02 min"));
        assert_eq!(topic_link(-42, 1), None, "not a supergroup");
    }

    #[test]
    fn the_policy_reads_durations_or_off() {
        assert_eq!(Policy::parse("30m", "10m"), Ok(Some(Policy::default())));
        assert_eq!(
            Policy::parse("1h", "90s"),
            Ok(Some(Policy {
                after: 3600,
                urgent_after: 90
            }))
        );
        assert_eq!(Policy::parse("off", "10m"), Ok(None));
        assert!(
            Policy::parse("soon", "10m")
                .unwrap_err()
                .contains("ESCALATE_AFTER “soon”")
        );
        assert!(Policy::parse("30m", "0s").is_err());
        assert_eq!(Policy::default().tick(), std::time::Duration::from_secs(30));
        let quick = Policy::parse("2s", "1s").unwrap().unwrap();
        assert_eq!(quick.tick(), std::time::Duration::from_millis(250));
        assert_eq!("unanswered".parse::<Wait>(), Ok(Wait::Answer));
    }
}
