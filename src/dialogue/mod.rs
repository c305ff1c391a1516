//! Dialogue: the trees patients browse and the engine that answers them.
//!
//! A functional core: `engine::handle` maps (session, input) to (new session,
//! replies) as plain data. It may use `i18n` and `text`; it must not touch
//! Telegram, the network or storage — the shell does that with its output.

pub mod callback;
pub mod engine;
pub mod sources;
pub mod tree;

pub use callback::{Action, CallbackData};
pub use engine::{Input, Outcome, Patient, PatientCommand, Session, handle};
pub use tree::{Node, Screen, Target, Trees};
