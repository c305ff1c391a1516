//! The command line and the content tools: check, doctor, graph, review,
//! pseudo-locales, chat, backups, upgrades, configuration, the binary.
//!
//! One test binary for these areas (a module each): each binary links the
//! whole bot, so fewer binaries build faster.

#[path = "../common/mod.rs"]
mod common;

mod backup;
mod binary;
mod check;
mod config;
mod doctor;
mod graph;
mod preview;
mod pseudo;
mod upgrade;
