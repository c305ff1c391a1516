//! `navigator run`: logging, the settings validated (every problem named at
//! once), then the bot until Ctrl-C or SIGTERM.
//!
//! Owns the logging set-up. Must not wire the bot (that is `startup`'s) nor
//! judge settings (that is `config`'s).

use tracing_subscriber::EnvFilter;

use crate::config::{self, ConfigErrors, RawSettings};
use crate::startup;

pub fn run(raw: &RawSettings) -> anyhow::Result<()> {
    init_logging(raw.log_json);
    let settings = config::validate(raw).map_err(ConfigErrors)?;
    super::block_on(startup::run(settings))
}

fn init_logging(json: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,teloxide=warn,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
