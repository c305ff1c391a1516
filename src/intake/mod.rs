//! Intake: the initial case details, asked as a form declared in
//! `dialogues/intake.yaml` and answered in the patient's language.
//!
//! A functional core like the dialogue engine: `engine::step` maps (draft,
//! input) to (the form's new state, replies, event). It may use `i18n`,
//! `text` and `reply`; it must not touch Telegram, storage or the network.
//! Nothing health-related enters a draft before the consent question is
//! agreed to.

pub mod button;
pub mod countries;
pub mod engine;
pub mod fhir;
pub mod form;
pub mod values;

pub use engine::{
    Answer, Contact, Document, DocumentKind, Draft, Event, FormState, IntakeContext, IntakeInput,
    IntakeOutcome, Submission, step,
};
pub use form::Form;
pub use values::CaseRef;
