//! Changes to the database made the way the bot makes them: in one update's
//! `Work` (`Storage::begin_update`), committed with its group, as the
//! patients' handlers (`telegram::mod`) and the coordinators' buttons
//! (`telegram::coordinators`) do. Tests set up and change cases through
//! these, so that they exercise the path production takes.

use std::sync::atomic::{AtomicI64, Ordering};

use patient_navigator::dialogue::Session;
use patient_navigator::handoff::Coordinator;
use patient_navigator::handoff::case::TakeOutcome;
use patient_navigator::intake::{CaseRef, Submission};
use patient_navigator::storage::{Begun, Erasure, Storage, Work};

/// Update ids for the tests' own work: far above the emulator's and the
/// tests' stored updates, and never in the inbox (so never marked processed).
static NEXT_UPDATE: AtomicI64 = AtomicI64::new(1 << 40);

/// The work of a fresh update, as a handler gets it.
pub async fn work(storage: &Storage) -> Box<Work> {
    let update_id = NEXT_UPDATE.fetch_add(1, Ordering::Relaxed);
    match storage
        .begin_update(update_id)
        .await
        .expect("begin an update")
    {
        Begun::Ready(work) => work,
        Begun::Processed | Begun::Deferred => panic!("update {update_id} was not ready"),
    }
}

/// A patient's update that leaves them in `session`.
pub async fn save_session(storage: &Storage, chat_id: i64, session: &Session) {
    let mut work = work(storage).await;
    work.save_session(chat_id, session).await.unwrap();
    work.commit().await.unwrap();
}

/// A patient's update that opens a case (`Effect::OpenCase`): the case in
/// the patient's language, in no team's group, and the session, committed
/// together.
pub async fn submit_case(
    storage: &Storage,
    chat_id: i64,
    session: &Session,
    submission: &Submission,
) -> CaseRef {
    let mut work = work(storage).await;
    let reference = work
        .create_case(chat_id, &session.locale, submission, None)
        .await
        .unwrap();
    work.save_session(chat_id, session).await.unwrap();
    work.commit().await.unwrap();
    reference
}

/// A patient's update that erases their data (`Effect::EraseData`).
pub async fn erase_patient_data(storage: &Storage, chat_id: i64) -> Erasure {
    let mut work = work(storage).await;
    let erased = work.erase_patient_data(chat_id).await.unwrap();
    work.commit().await.unwrap();
    erased
}

/// A patient's rating of their closed case (`Effect::Rate`).
pub async fn rate_case(storage: &Storage, reference: CaseRef, chat_id: i64, stars: i64) -> bool {
    let mut work = work(storage).await;
    let rated = work.rate_case(reference, chat_id, stars).await.unwrap();
    work.commit().await.unwrap();
    rated
}

/// A coordinator's Take.
pub async fn take_case(storage: &Storage, reference: CaseRef, who: &Coordinator) -> TakeOutcome {
    let mut work = work(storage).await;
    let taken = work.take_case(reference, who).await.unwrap();
    work.commit().await.unwrap();
    taken
}

/// A coordinator's Release.
pub async fn release_case(storage: &Storage, reference: CaseRef) -> bool {
    let mut work = work(storage).await;
    let released = work.release_case(reference).await.unwrap();
    work.commit().await.unwrap();
    released
}
