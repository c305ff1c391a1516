//! Files the bot writes that may hold patient data (case exports, backups,
//! reports): created readable and writable by their owner only (0600), so
//! that another account on the server cannot read them.
//!
//! Plain file I/O; knows nothing of what is written.

use std::io::Write;
use std::path::Path;

/// A command's output: to a private file at `path` (mode 0600), or to
/// standard output.
pub fn write_output(path: Option<&Path>, contents: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::Write;
    match path {
        Some(path) => write_private(path, contents)
            .with_context(|| format!("cannot write {}", path.display())),
        None => std::io::stdout()
            .write_all(contents)
            .context("cannot write to stdout"),
    }
}

/// Writes `contents` to a new or truncated file at `path`, mode 0600.
pub fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    // An existing file keeps its mode when opened: make it private too.
    restrict(path)?;
    file.write_all(contents)
}

/// Makes an existing file readable by its owner only.
pub fn restrict(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn files_are_the_owner_s_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("case.json");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        super::write_private(&path, b"{}").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "{}");
    }
}
