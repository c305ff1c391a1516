//! The coordinator core: what a change to a case causes, decided over plain
//! data, as `dialogue::handle` does for patients.
//!
//! A coordinator asks for a `CaseAction`, by a command in the case's topic
//! or a button on its card (one path for both); the shell tries the change
//! in the database, whose compare-and-set says what happened (`Applied`);
//! `consequences` then says what follows: the audit entry, the notices
//! (the card redrawn, a note in the topic, the patient told, the topic
//! closed) and the answer for whoever asked.
//!
//! Must not touch Telegram, storage or the clock.

use super::Coordinator;
use super::queue::CaseView;
use crate::intake::CaseRef;
use crate::text::escape_html;

/// A change a coordinator asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseAction {
    Take,
    Release,
    Close,
    /// To another coordinator of the group.
    Transfer(Coordinator),
    /// Mark urgent (`true`) or not: a state, not a toggle, so that a press
    /// handled twice (a replay) or a stale card leaves what was asked.
    SetUrgent(bool),
    /// `/note …`: stays in the topic.
    Note,
}

/// What the database's compare-and-set returned for the action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// A take: who has the case now.
    Take(TakeOutcome),
    /// The change was made.
    Changed,
    /// Nothing to change (released already, closed meanwhile, urgent
    /// already): the case is as asked, or beyond reach.
    Unchanged,
}

/// What happened to a "take".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TakeOutcome {
    Taken,
    HeldBy(Coordinator),
    Closed,
    Gone,
}

/// Something a change makes known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The case's card shows the case as it now stands.
    RefreshCard,
    /// A note in the case's topic (Telegram HTML).
    TopicNote(String),
    /// The patient hears that a coordinator joined.
    PatientJoined,
    /// The patient hears the conversation closed (and is asked to rate).
    PatientClosed,
    /// The case's topic closes.
    CloseTopic,
}

/// The answer for whoever asked (a button's notice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub text: String,
    /// Must be dismissed (an alert) rather than glimpsed: someone else has
    /// the case.
    pub alert: bool,
}

/// The audit log's entry for a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub action: &'static str,
    pub detail: String,
}

/// What follows from an action and what the database did with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consequences {
    pub audit: Option<AuditEntry>,
    pub notices: Vec<Notice>,
    pub answer: Answer,
}

/// What follows when `who` asked for `action` on `case` and the database
/// did `applied`.
pub fn consequences(
    case: &CaseView,
    who: &Coordinator,
    action: &CaseAction,
    applied: &Applied,
) -> Consequences {
    let reference = case.reference;
    let changed = matches!(
        applied,
        Applied::Changed | Applied::Take(TakeOutcome::Taken)
    );
    let audit =
        |action: &'static str, detail: String| changed.then_some(AuditEntry { action, detail });
    let note = |html: String| Notice::TopicNote(html);
    let quiet = |text: String| Answer { text, alert: false };
    let by = escape_html(&who.name);
    match (action, applied) {
        (CaseAction::Take, Applied::Take(outcome)) => Consequences {
            audit: audit("take", String::new()),
            notices: if changed {
                vec![Notice::RefreshCard, Notice::PatientJoined]
            } else {
                Vec::new()
            },
            answer: take_answer(reference, who, outcome),
        },
        (CaseAction::Take, _) => Consequences {
            audit: None,
            notices: Vec::new(),
            answer: quiet(format!("{reference} is as it was.")),
        },
        (CaseAction::Release, _) => Consequences {
            audit: audit("release", String::new()),
            notices: if changed {
                vec![
                    Notice::RefreshCard,
                    note(format!("↩ Released by {by} back to the queue.")),
                ]
            } else {
                Vec::new()
            },
            answer: quiet(format!("{reference} is back in the queue.")),
        },
        (CaseAction::Close, _) => Consequences {
            audit: audit("close", String::new()),
            notices: if changed {
                closing_notices(Some(who), true)
            } else {
                Vec::new()
            },
            answer: quiet(format!("{reference} is closed.")),
        },
        (CaseAction::Transfer(to), _) => Consequences {
            audit: audit("transfer", format!("to {}", to.name)),
            notices: if changed {
                vec![
                    Notice::RefreshCard,
                    note(format!(
                        "➡ Transferred by {by} to {}.",
                        escape_html(&to.name)
                    )),
                ]
            } else {
                Vec::new()
            },
            answer: quiet(format!("{reference} is with {}.", to.name)),
        },
        (CaseAction::SetUrgent(urgent), _) => Consequences {
            audit: audit(if *urgent { "urgent" } else { "not-urgent" }, String::new()),
            // Redrawn even when unchanged: a replay may find it so.
            notices: vec![Notice::RefreshCard],
            answer: quiet(if *urgent {
                format!("{reference} is marked urgent.")
            } else {
                format!("{reference} is no longer urgent.")
            }),
        },
        (CaseAction::Note, _) => Consequences {
            // A note is written whatever the case's state: always audited.
            audit: Some(AuditEntry {
                action: "note",
                detail: String::new(),
            }),
            notices: Vec::new(),
            answer: quiet(format!("Noted in {reference}.")),
        },
    }
}

/// The notices of a close: the patient told (when `tell_patient`), the
/// card, a note naming who closed it (or the bot), the topic closed.
pub fn closing_notices(by: Option<&Coordinator>, tell_patient: bool) -> Vec<Notice> {
    let mut notices = Vec::new();
    if tell_patient {
        notices.push(Notice::PatientClosed);
    }
    let who = by.map_or("the bot".to_owned(), |by| by.name.clone());
    notices.push(Notice::RefreshCard);
    notices.push(Notice::TopicNote(format!(
        "✖ Closed by {}.",
        escape_html(&who)
    )));
    notices.push(Notice::CloseTopic);
    notices
}

fn take_answer(reference: CaseRef, who: &Coordinator, outcome: &TakeOutcome) -> Answer {
    let (text, alert) = match outcome {
        TakeOutcome::Taken => (format!("You have taken {reference}."), false),
        TakeOutcome::HeldBy(holder) if holder.id == who.id => {
            (format!("{reference} is already yours."), false)
        }
        TakeOutcome::HeldBy(holder) => (format!("{reference} is already taken by {holder}."), true),
        TakeOutcome::Closed => (format!("{reference} is closed."), false),
        TakeOutcome::Gone => (format!("{reference} no longer exists."), false),
    };
    Answer { text, alert }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handoff::CaseStatus;

    fn case() -> CaseView {
        CaseView {
            reference: CaseRef(7),
            chat_id: 1,
            locale: "es".into(),
            status: CaseStatus::Waiting,
            urgent: false,
            coordinator: None,
            title: String::new(),
            summary: String::new(),
            queued_at: 0,
            documents: 0,
            thread_id: Some(3),
            group_chat_id: None,
        }
    }

    fn alex() -> Coordinator {
        Coordinator {
            id: 1,
            name: "Alex <A>".into(),
        }
    }

    fn maria() -> Coordinator {
        Coordinator {
            id: 2,
            name: "Maria".into(),
        }
    }

    fn of(action: CaseAction, applied: Applied) -> Consequences {
        consequences(&case(), &alex(), &action, &applied)
    }

    fn audited(consequences: &Consequences) -> Option<&'static str> {
        consequences.audit.as_ref().map(|entry| entry.action)
    }

    #[test]
    fn a_take_by_outcome() {
        let taken = of(CaseAction::Take, Applied::Take(TakeOutcome::Taken));
        assert_eq!(audited(&taken), Some("take"));
        assert_eq!(taken.notices, [Notice::RefreshCard, Notice::PatientJoined]);
        assert_eq!(taken.answer.text, "You have taken CF-000007.");
        assert!(!taken.answer.alert);

        let raced = of(
            CaseAction::Take,
            Applied::Take(TakeOutcome::HeldBy(maria())),
        );
        assert_eq!((audited(&raced), raced.notices.len()), (None, 0));
        assert_eq!(raced.answer.text, "CF-000007 is already taken by Maria.");
        assert!(raced.answer.alert, "someone else has it: an alert");

        let mine = of(CaseAction::Take, Applied::Take(TakeOutcome::HeldBy(alex())));
        assert_eq!(mine.answer.text, "CF-000007 is already yours.");
        assert!(!mine.answer.alert);

        for (outcome, text) in [
            (TakeOutcome::Closed, "CF-000007 is closed."),
            (TakeOutcome::Gone, "CF-000007 no longer exists."),
        ] {
            let late = of(CaseAction::Take, Applied::Take(outcome));
            assert_eq!((audited(&late), late.notices.len()), (None, 0));
            assert_eq!(late.answer.text, text);
        }
    }

    #[test]
    fn release_close_and_transfer_when_made_and_when_not() {
        let released = of(CaseAction::Release, Applied::Changed);
        assert_eq!(audited(&released), Some("release"));
        assert_eq!(
            released.notices,
            [
                Notice::RefreshCard,
                Notice::TopicNote("↩ Released by Alex &lt;A&gt; back to the queue.".into())
            ]
        );
        let again = of(CaseAction::Release, Applied::Unchanged);
        assert_eq!((audited(&again), again.notices.len()), (None, 0));
        assert_eq!(again.answer.text, "CF-000007 is back in the queue.");

        let closed = of(CaseAction::Close, Applied::Changed);
        assert_eq!(audited(&closed), Some("close"));
        assert_eq!(
            closed.notices,
            [
                Notice::PatientClosed,
                Notice::RefreshCard,
                Notice::TopicNote("✖ Closed by Alex &lt;A&gt;.".into()),
                Notice::CloseTopic
            ]
        );
        assert_eq!(of(CaseAction::Close, Applied::Unchanged).notices, []);

        let moved = of(CaseAction::Transfer(maria()), Applied::Changed);
        assert_eq!(
            moved.audit,
            Some(AuditEntry {
                action: "transfer",
                detail: "to Maria".into()
            })
        );
        assert_eq!(
            moved.notices[1],
            Notice::TopicNote("➡ Transferred by Alex &lt;A&gt; to Maria.".into())
        );
        let closed_meanwhile = of(CaseAction::Transfer(maria()), Applied::Unchanged);
        assert_eq!(
            (audited(&closed_meanwhile), closed_meanwhile.notices.len()),
            (None, 0)
        );
    }

    #[test]
    fn urgency_is_a_state_and_the_card_is_always_redrawn() {
        let marked = of(CaseAction::SetUrgent(true), Applied::Changed);
        assert_eq!(audited(&marked), Some("urgent"));
        assert_eq!(marked.notices, [Notice::RefreshCard]);
        assert_eq!(marked.answer.text, "CF-000007 is marked urgent.");
        let replayed = of(CaseAction::SetUrgent(true), Applied::Unchanged);
        assert_eq!(audited(&replayed), None);
        assert_eq!(replayed.notices, [Notice::RefreshCard]);
        let cleared = of(CaseAction::SetUrgent(false), Applied::Changed);
        assert_eq!(audited(&cleared), Some("not-urgent"));
        assert_eq!(cleared.answer.text, "CF-000007 is no longer urgent.");
    }

    #[test]
    fn a_note_is_audited_and_says_nothing_else() {
        for applied in [Applied::Changed, Applied::Unchanged] {
            let noted = of(CaseAction::Note, applied);
            assert_eq!(audited(&noted), Some("note"));
            assert!(noted.notices.is_empty());
        }
    }

    #[test]
    fn a_close_by_the_bot_may_leave_the_patient_untold() {
        let notices = closing_notices(None, false);
        assert_eq!(
            notices,
            [
                Notice::RefreshCard,
                Notice::TopicNote("✖ Closed by the bot.".into()),
                Notice::CloseTopic
            ]
        );
    }
}
