//! Rebuilds the crate when a migration is added or changed.
//!
//! `sqlx::migrate!` (`storage::MIGRATOR`) embeds `migrations/` when the
//! crate compiles, and Cargo reruns a macro only when a file it knows of
//! changes: a new migration is a new file, and without this the binary and
//! the tests would go on migrating to the schema of the last build. This
//! is the build script sqlx recommends.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
