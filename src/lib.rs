//! patient-navigator: a Telegram bot for cancer patient navigation.
//! See ARCHITECTURE.md for the map of modules and the path of one update.

pub mod chats;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod content;
pub mod dates;
pub mod dialogue;
pub mod doctor;
#[cfg(feature = "emulator")]
pub use navigator_emulator as emulator;
pub mod files;
pub mod frame;
pub mod graph;
pub mod handoff;
pub mod i18n;
pub mod intake;
#[cfg(feature = "emulator")]
pub mod preview;
pub mod pseudo;
pub mod reload;
pub mod reply;
pub mod reports;
#[cfg(feature = "emulator")]
pub mod review;
pub mod startup;
pub mod storage;
pub mod telegram;
pub mod telemetry;
pub mod text;
