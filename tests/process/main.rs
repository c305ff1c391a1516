//! Processes killed and replaced: crashes, replicas.
//!
//! One test binary for these areas (a module each): each binary links the
//! whole bot, so fewer binaries build faster.

#[path = "../common/mod.rs"]
mod common;

mod crash;
mod replicas;
