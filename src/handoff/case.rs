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
//! Its texts are in the coordinators' language (`texts::Texts`). Must not
//! touch Telegram, storage or the clock.

use super::Coordinator;
use super::queue::CaseView;
use super::texts::Texts;
use crate::i18n::Arg;
use crate::intake::CaseRef;

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
/// did `applied`; its texts in the coordinators' language.
pub fn consequences(
    texts: &Texts,
    case: &CaseView,
    who: &Coordinator,
    action: &CaseAction,
    applied: &Applied,
) -> Consequences {
    let reference = case.reference.to_string();
    let reference = Arg::Text(&reference);
    let changed = matches!(
        applied,
        Applied::Changed | Applied::Take(TakeOutcome::Taken)
    );
    let audit =
        |action: &'static str, detail: String| changed.then_some(AuditEntry { action, detail });
    let note = |html: String| Notice::TopicNote(html);
    // An answer is plain text (a button's notice), never HTML: names go
    // in as they are.
    let quiet = |id: &str, name: Option<&str>| {
        let mut args = vec![("reference", reference)];
        args.extend(name.map(|name| ("name", Arg::Html(name))));
        Answer {
            text: texts.say(id, &args),
            alert: false,
        }
    };
    let by = Arg::Text(&who.name);
    match (action, applied) {
        (CaseAction::Take, Applied::Take(outcome)) => Consequences {
            audit: audit("take", String::new()),
            notices: if changed {
                vec![Notice::RefreshCard, Notice::PatientJoined]
            } else {
                Vec::new()
            },
            answer: take_answer(texts, case.reference, who, outcome),
        },
        (CaseAction::Take, _) => Consequences {
            audit: None,
            notices: Vec::new(),
            answer: quiet("coord-answer-unchanged", None),
        },
        (CaseAction::Release, _) => Consequences {
            audit: audit("release", String::new()),
            notices: if changed {
                vec![
                    Notice::RefreshCard,
                    note(texts.say("coord-note-released", &[("name", by)])),
                ]
            } else {
                Vec::new()
            },
            answer: quiet("coord-answer-released", None),
        },
        (CaseAction::Close, _) => Consequences {
            audit: audit("close", String::new()),
            notices: if changed {
                closing_notices(texts, Some(who), true)
            } else {
                Vec::new()
            },
            answer: quiet("coord-answer-closed", None),
        },
        (CaseAction::Transfer(to), _) => Consequences {
            audit: audit("transfer", format!("to {}", to.name)),
            notices: if changed {
                vec![
                    Notice::RefreshCard,
                    note(texts.say(
                        "coord-note-transferred",
                        &[("name", by), ("to", Arg::Text(&to.name))],
                    )),
                ]
            } else {
                Vec::new()
            },
            answer: quiet("coord-answer-transferred", Some(&to.name)),
        },
        (CaseAction::SetUrgent(urgent), _) => Consequences {
            audit: audit(if *urgent { "urgent" } else { "not-urgent" }, String::new()),
            // Redrawn even when unchanged: a replay may find it so.
            notices: vec![Notice::RefreshCard],
            answer: quiet(
                if *urgent {
                    "coord-answer-urgent"
                } else {
                    "coord-answer-not-urgent"
                },
                None,
            ),
        },
        (CaseAction::Note, _) => Consequences {
            // A note is written whatever the case's state: always audited.
            audit: Some(AuditEntry {
                action: "note",
                detail: String::new(),
            }),
            notices: Vec::new(),
            answer: quiet("coord-answer-noted", None),
        },
    }
}

/// The notices of a close: the patient told (when `tell_patient`), the
/// card, a note naming who closed it (or the bot), the topic closed.
pub fn closing_notices(texts: &Texts, by: Option<&Coordinator>, tell_patient: bool) -> Vec<Notice> {
    let mut notices = Vec::new();
    if tell_patient {
        notices.push(Notice::PatientClosed);
    }
    notices.push(Notice::RefreshCard);
    notices.push(Notice::TopicNote(match by {
        Some(by) => texts.say("coord-note-closed", &[("name", Arg::Text(&by.name))]),
        None => texts.say("coord-note-closed-by-bot", &[]),
    }));
    notices.push(Notice::CloseTopic);
    notices
}

fn take_answer(
    texts: &Texts,
    reference: CaseRef,
    who: &Coordinator,
    outcome: &TakeOutcome,
) -> Answer {
    let reference = reference.to_string();
    let say = |id: &str, name: Option<&str>| {
        let mut args = vec![("reference", Arg::Text(&reference))];
        // Plain text (a button's notice): the name as it is.
        args.extend(name.map(|name| ("name", Arg::Html(name))));
        texts.say(id, &args)
    };
    let (text, alert) = match outcome {
        TakeOutcome::Taken => (say("coord-answer-taken", None), false),
        TakeOutcome::HeldBy(holder) if holder.id == who.id => {
            (say("coord-answer-yours", None), false)
        }
        TakeOutcome::HeldBy(holder) => (say("coord-answer-held", Some(&holder.name)), true),
        TakeOutcome::Closed => (say("coord-answer-closed", None), false),
        TakeOutcome::Gone => (say("coord-answer-gone", None), false),
    };
    Answer { text, alert }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handoff::CaseStatus;
    use crate::handoff::texts::tests::shipped;
    use crate::i18n::{Catalog, Locale};

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

    fn english(catalog: &Catalog) -> Locale {
        catalog.reference().clone()
    }

    fn of(action: CaseAction, applied: Applied) -> Consequences {
        let catalog = shipped();
        let en = english(&catalog);
        consequences(
            &Texts::new(&catalog, &en),
            &case(),
            &alex(),
            &action,
            &applied,
        )
    }

    fn audited(consequences: &Consequences) -> Option<&'static str> {
        consequences.audit.as_ref().map(|entry| entry.action)
    }

    fn every_action() -> Vec<CaseAction> {
        vec![
            CaseAction::Take,
            CaseAction::Release,
            CaseAction::Close,
            CaseAction::Transfer(maria()),
            CaseAction::SetUrgent(true),
            CaseAction::SetUrgent(false),
            CaseAction::Note,
        ]
    }

    fn every_outcome() -> Vec<Applied> {
        vec![
            Applied::Take(TakeOutcome::Taken),
            Applied::Take(TakeOutcome::HeldBy(maria())),
            Applied::Take(TakeOutcome::HeldBy(alex())),
            Applied::Take(TakeOutcome::Closed),
            Applied::Take(TakeOutcome::Gone),
            Applied::Changed,
            Applied::Unchanged,
        ]
    }

    /// Every action with every outcome the database may return (some only
    /// in theory, e.g. a take's outcome for a release): the audit entry
    /// comes with a change and only then, except a note's; the notices
    /// follow the change; the answer names the case.
    #[test]
    fn every_action_with_every_outcome() {
        let catalog = shipped();
        let en = english(&catalog);
        let texts = Texts::new(&catalog, &en);
        let released = Notice::TopicNote("↩ Released by Alex &lt;A&gt; back to the queue.".into());
        let transferred = Notice::TopicNote("➡ Transferred by Alex &lt;A&gt; to Maria.".into());
        let closing = vec![
            Notice::PatientClosed,
            Notice::RefreshCard,
            Notice::TopicNote("✖ Closed by Alex &lt;A&gt;.".into()),
            Notice::CloseTopic,
        ];
        let mut seen = 0;
        for action in every_action() {
            for applied in every_outcome() {
                let made = matches!(
                    applied,
                    Applied::Changed | Applied::Take(TakeOutcome::Taken)
                );
                let got = consequences(&texts, &case(), &alex(), &action, &applied);
                let (audit, notices, answer, alert): (Option<&str>, Vec<Notice>, &str, bool) =
                    match (&action, &applied) {
                        (CaseAction::Take, Applied::Take(TakeOutcome::Taken)) => (
                            Some("take"),
                            vec![Notice::RefreshCard, Notice::PatientJoined],
                            "You have taken CF-000007.",
                            false,
                        ),
                        (CaseAction::Take, Applied::Take(TakeOutcome::HeldBy(who)))
                            if who.id == alex().id =>
                        {
                            (None, vec![], "CF-000007 is already yours.", false)
                        }
                        (CaseAction::Take, Applied::Take(TakeOutcome::HeldBy(_))) => {
                            (None, vec![], "CF-000007 is already taken by Maria.", true)
                        }
                        (CaseAction::Take, Applied::Take(TakeOutcome::Closed)) => {
                            (None, vec![], "CF-000007 is closed.", false)
                        }
                        (CaseAction::Take, Applied::Take(TakeOutcome::Gone)) => {
                            (None, vec![], "CF-000007 no longer exists.", false)
                        }
                        (CaseAction::Take, _) => (None, vec![], "CF-000007 is as it was.", false),
                        (CaseAction::Release, _) => (
                            made.then_some("release"),
                            if made {
                                vec![Notice::RefreshCard, released.clone()]
                            } else {
                                vec![]
                            },
                            "CF-000007 is back in the queue.",
                            false,
                        ),
                        (CaseAction::Close, _) => (
                            made.then_some("close"),
                            if made { closing.clone() } else { vec![] },
                            "CF-000007 is closed.",
                            false,
                        ),
                        (CaseAction::Transfer(_), _) => (
                            made.then_some("transfer"),
                            if made {
                                vec![Notice::RefreshCard, transferred.clone()]
                            } else {
                                vec![]
                            },
                            "CF-000007 is with Maria.",
                            false,
                        ),
                        (CaseAction::SetUrgent(true), _) => (
                            made.then_some("urgent"),
                            vec![Notice::RefreshCard],
                            "CF-000007 is marked urgent.",
                            false,
                        ),
                        (CaseAction::SetUrgent(false), _) => (
                            made.then_some("not-urgent"),
                            vec![Notice::RefreshCard],
                            "CF-000007 is no longer urgent.",
                            false,
                        ),
                        (CaseAction::Note, _) => {
                            (Some("note"), vec![], "Noted in CF-000007.", false)
                        }
                    };
                let case = format!("{action:?} with {applied:?}");
                assert_eq!(audited(&got), audit, "{case}");
                assert_eq!(got.notices, notices, "{case}");
                assert_eq!(got.answer.text, answer, "{case}");
                assert_eq!(got.answer.alert, alert, "{case}");
                if let (Some(entry), CaseAction::Transfer(_)) = (&got.audit, &action) {
                    assert_eq!(entry.detail, "to Maria", "{case}");
                }
                seen += 1;
            }
        }
        assert_eq!(seen, 7 * 7);
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
        let catalog = shipped();
        let en = english(&catalog);
        let notices = closing_notices(&Texts::new(&catalog, &en), None, false);
        assert_eq!(
            notices,
            [
                Notice::RefreshCard,
                Notice::TopicNote("✖ Closed by the bot.".into()),
                Notice::CloseTopic
            ]
        );
    }

    /// In another coordinators' language every text of every action and
    /// outcome is in that language: no English message left, no Fluent
    /// error (a broken message would come out as English or "…").
    #[test]
    fn every_consequence_speaks_the_coordinators_language() {
        let catalog = shipped();
        let en = english(&catalog);
        for tag in ["es", "fr", "ru", "ar", "zh-Hans"] {
            let locale = catalog.find(tag).unwrap().clone();
            let local = Texts::new(&catalog, &locale);
            let english = Texts::new(&catalog, &en);
            for action in every_action() {
                for applied in every_outcome() {
                    let theirs = consequences(&local, &case(), &alex(), &action, &applied);
                    let ours = consequences(&english, &case(), &alex(), &action, &applied);
                    assert_eq!(theirs.audit, ours.audit, "the audit log stays as it is");
                    let texts = |c: &Consequences| {
                        let mut all = vec![c.answer.text.clone()];
                        all.extend(c.notices.iter().filter_map(|notice| match notice {
                            Notice::TopicNote(html) => Some(html.clone()),
                            _ => None,
                        }));
                        all
                    };
                    for (their, our) in texts(&theirs).iter().zip(texts(&ours)) {
                        assert_ne!(their, &our, "{tag}: {action:?} {applied:?} is English");
                        assert!(!their.contains('…') && !their.contains("{"), "{their}");
                    }
                }
            }
            let closed = closing_notices(&local, None, false);
            assert_ne!(
                closed[1],
                Notice::TopicNote("✖ Closed by the bot.".into()),
                "{tag}"
            );
        }
    }
}
