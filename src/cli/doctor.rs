//! `navigator doctor`: runs the checks (`crate::doctor`) and prints them as
//! text or JSON; fails when one failed.
//!
//! Owns the printing. Must not hold a check (they are `crate::doctor`'s).

use super::{Failed, Format};
use crate::config::RawSettings;

pub fn doctor(raw: &RawSettings, format: Format) -> anyhow::Result<()> {
    let report = super::block_on(async { Ok(crate::doctor::run(raw).await) })?;
    match format {
        Format::Text => print!("{}", report.to_text()),
        Format::Json => super::print_json(&report.to_json()),
    }
    if report.failed() {
        return Err(Failed.into());
    }
    Ok(())
}
