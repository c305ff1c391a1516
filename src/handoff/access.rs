//! Who may change a case: the rules, over a coordinator's standing in the
//! group (which the shell asks Telegram for) and the case as it stands.
//!
//! Refusals are said in the coordinators' language (`texts::Texts`).
//! Must not touch Telegram, storage or the network.

use super::queue::{CaseStatus, CaseView};
use super::texts::Texts;
use crate::i18n::Arg;
use crate::intake::CaseRef;

/// What someone is in the coordinators' group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The owner or an administrator (also an anonymous administrator,
    /// writing as the group).
    Administrator,
    /// A member who may write.
    Member,
    /// Not a member any more, banned, or muted: a card's buttons stay
    /// visible to them, but they may not act on cases.
    Outsider,
}

/// A change someone asks for, by a command or a card's button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Take,
    Release,
    Close,
    Transfer,
    MarkUrgent,
    Note,
    /// Send a ready reply to the patient (as writing to them does).
    Reply,
}

/// Why a change is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NotAMember,
    /// The case is held by another coordinator (named): only they or an
    /// administrator may release, close or transfer it.
    HeldByAnother(String),
}

/// Whether `who`, with `standing`, may make `change` to `case`.
pub fn check(change: Change, standing: Standing, who: i64, case: &CaseView) -> Result<(), Refusal> {
    if standing == Standing::Outsider {
        return Err(Refusal::NotAMember);
    }
    let holder = case
        .coordinator
        .as_ref()
        .filter(|holder| case.status == CaseStatus::Assigned && holder.id != who);
    match (change, holder) {
        (Change::Release | Change::Close | Change::Transfer, Some(holder))
            if standing != Standing::Administrator =>
        {
            Err(Refusal::HeldByAnother(holder.name.clone()))
        }
        _ => Ok(()),
    }
}

/// Whether deciding on `change` needs the person's standing from Telegram
/// (someone who could write a command is at least a member; only a change
/// to a case another coordinator holds needs to know more).
pub fn needs_standing(change: Change, who: i64, case: &CaseView) -> bool {
    matches!(change, Change::Release | Change::Close | Change::Transfer)
        && case.status == CaseStatus::Assigned
        && case
            .coordinator
            .as_ref()
            .is_some_and(|holder| holder.id != who)
}

/// Where a refusal is shown: it decides how the holder's name goes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// A note in the case's topic: Telegram HTML, the name escaped.
    Note,
    /// The button's alert: plain text, the name as it is.
    Alert,
}

/// What the coordinator is told (in the topic, or as the button's alert),
/// in the coordinators' language.
pub fn refusal_text(
    texts: &Texts,
    reference: CaseRef,
    change: Change,
    refusal: &Refusal,
    shown: Shown,
) -> String {
    let reference = reference.to_string();
    match refusal {
        Refusal::NotAMember => texts.say(
            "coord-refused-not-member",
            &[("reference", Arg::Text(&reference))],
        ),
        Refusal::HeldByAnother(holder) => {
            let change = match change {
                Change::Release => "release",
                Change::Close => "close",
                Change::Transfer => "transfer",
                Change::Take | Change::MarkUrgent | Change::Note | Change::Reply => "other",
            };
            let name = match shown {
                Shown::Note => Arg::Text(holder),
                Shown::Alert => Arg::Html(holder),
            };
            texts.say(
                "coord-refused-held",
                &[
                    ("reference", Arg::Text(&reference)),
                    ("name", name),
                    ("change", Arg::Text(change)),
                ],
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handoff::Coordinator;

    fn case(status: CaseStatus, holder: Option<i64>) -> CaseView {
        CaseView {
            reference: CaseRef(7),
            chat_id: 1,
            locale: "en".into(),
            status,
            urgent: false,
            coordinator: holder.map(|id| Coordinator {
                id,
                name: format!("C{id}"),
            }),
            title: String::new(),
            summary: String::new(),
            queued_at: 0,
            documents: 0,
            thread_id: None,
            group_chat_id: None,
        }
    }

    #[test]
    fn outsiders_may_do_nothing() {
        for change in [
            Change::Take,
            Change::Release,
            Change::Close,
            Change::Transfer,
            Change::MarkUrgent,
            Change::Note,
        ] {
            assert_eq!(
                check(
                    change,
                    Standing::Outsider,
                    5,
                    &case(CaseStatus::Waiting, None)
                ),
                Err(Refusal::NotAMember)
            );
        }
    }

    #[test]
    fn a_held_case_is_released_closed_or_transferred_by_its_holder_or_an_administrator() {
        let held = case(CaseStatus::Assigned, Some(1));
        for change in [Change::Release, Change::Close, Change::Transfer] {
            assert_eq!(check(change, Standing::Member, 1, &held), Ok(()));
            assert_eq!(check(change, Standing::Administrator, 2, &held), Ok(()));
            assert_eq!(
                check(change, Standing::Member, 2, &held),
                Err(Refusal::HeldByAnother("C1".into()))
            );
            assert!(needs_standing(change, 2, &held));
            assert!(!needs_standing(change, 1, &held));
        }
        // Everyone may note, mark, and close a case nobody holds.
        assert_eq!(check(Change::Note, Standing::Member, 2, &held), Ok(()));
        assert_eq!(
            check(Change::MarkUrgent, Standing::Member, 2, &held),
            Ok(())
        );
        let waiting = case(CaseStatus::Waiting, None);
        assert_eq!(check(Change::Close, Standing::Member, 2, &waiting), Ok(()));
        assert!(!needs_standing(Change::Close, 2, &waiting));
    }

    #[test]
    fn refusals_say_who_holds_the_case() {
        for shown in [Shown::Note, Shown::Alert] {
            assert_eq!(
                refusal_text(
                    &crate::handoff::texts::tests::english(),
                    CaseRef(7),
                    Change::Close,
                    &Refusal::HeldByAnother("Ana".into()),
                    shown,
                ),
                "CF-000007 is held by Ana: only they or an administrator can close it."
            );
        }
    }

    /// The note in the topic is HTML: a name with markup characters is
    /// escaped there, and left as it is in the (plain text) alert.
    #[test]
    fn a_holders_name_is_escaped_in_the_note_not_in_the_alert() {
        let refused = |shown| {
            refusal_text(
                &crate::handoff::texts::tests::english(),
                CaseRef(7),
                Change::Release,
                &Refusal::HeldByAnother("Alex <A&B>".into()),
                shown,
            )
        };
        assert_eq!(
            refused(Shown::Note),
            "CF-000007 is held by Alex &lt;A&amp;B&gt;: only they or an administrator can release it."
        );
        assert_eq!(
            refused(Shown::Alert),
            "CF-000007 is held by Alex <A&B>: only they or an administrator can release it."
        );
    }
}
