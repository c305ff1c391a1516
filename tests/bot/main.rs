//! The bot end to end and its storage: patients, coordinators, the emulator,
//! real SQLite and PostgreSQL.
//!
//! One test binary for these areas (a module each): each binary links the
//! whole bot, so fewer binaries build faster.

#[path = "../common/mod.rs"]
mod common;

mod e2e_dialogue;
mod e2e_encryption;
mod e2e_faults;
mod e2e_flood;
mod e2e_handoff;
mod e2e_intake;
mod e2e_privacy;
mod e2e_reload;
mod emulator;
mod hostile;
mod reports;
mod storage;
mod webhook;
