//! The configuration reference cannot drift: every setting the binary reads
//! from the environment is in the README's table and in `.env.example`.

use std::fs;
use std::path::Path;

/// Where settings are read: the shared ones in `config.rs`, a command's
/// own in `main.rs`.
fn settings_in_code() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let code = ["src/config.rs", "src/main.rs"]
        .map(|file| fs::read_to_string(root.join(file)).unwrap())
        .concat();
    let mut names: Vec<String> = code
        .split("env = \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn every_setting_is_documented() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let example = fs::read_to_string(root.join(".env.example")).unwrap();
    let settings = settings_in_code();
    assert!(settings.len() >= 15, "settings found: {settings:?}");
    for name in &settings {
        if name == "NO_RATE_LIMITS" || name == "TELEGRAM_LIMITS_SCALE" {
            continue; // emulator-only, hidden on purpose (still in .env.example)
        }
        assert!(
            readme.contains(&format!("| `{name}` |")),
            "{name} is missing from the README's configuration table"
        );
    }
    for name in &settings {
        assert!(
            example
                .lines()
                .any(|line| line.starts_with(&format!("{name}="))),
            "{name} is missing from .env.example"
        );
    }
}
