//! Handoff: the coordinator queue. Its rules and the texts coordinators see
//! (in their language, from `coordinators.ftl`: `texts`) are plain
//! functions over plain data (`CaseView` in, text and buttons out);
//! the shell (`telegram::coordinators`) does the Bot API calls and storage
//! keeps the state.
//!
//! Must not touch Telegram, storage or the network.

pub mod access;
pub mod case;
pub mod escalation;
pub mod hours;
pub mod merge;
pub mod queue;
pub mod replies;
pub mod teams;
pub mod texts;

pub use hours::WorkingHours;
pub use queue::{CaseStatus, CaseView, Coordinator};
