//! Hot reload of the content: while the bot runs, saving a locale or
//! dialogue file (or sending SIGHUP) reloads `locales/` and `dialogues/`.
//! A version that fails the checks is refused: the bot keeps serving the
//! last good one and logs what is wrong. Sessions on a node or question that
//! disappeared are moved on by the engines (to the menu, or the next question).
//!
//! Owns the current `Content` and the file watcher. Must not touch Telegram.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use notify::{RecursiveMode, Watcher};
use tokio::sync::{mpsc, watch};

use crate::content::{Content, Problem, Problems};

/// Saves arrive in bursts (editors write temp files, then rename): wait
/// for a quiet moment before reloading.
const DEBOUNCE: Duration = Duration::from_millis(250);

/// What the last reloads did, for logs and tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReloadStatus {
    pub applied: u64,
    pub refused: u64,
    /// The problems of the last refused version, as shown to editors.
    pub last_problems: Option<String>,
}

/// The content the bot serves now.
pub struct LiveContent {
    current: ArcSwap<Content>,
    locales_dir: PathBuf,
    dialogues_dir: PathBuf,
    status: watch::Sender<ReloadStatus>,
}

impl LiveContent {
    pub fn new(content: Content, locales_dir: &Path, dialogues_dir: &Path) -> Arc<LiveContent> {
        Arc::new(LiveContent {
            current: ArcSwap::from_pointee(content),
            locales_dir: locales_dir.to_path_buf(),
            dialogues_dir: dialogues_dir.to_path_buf(),
            status: watch::channel(ReloadStatus::default()).0,
        })
    }

    pub fn get(&self) -> Arc<Content> {
        self.current.load_full()
    }

    pub fn status(&self) -> watch::Receiver<ReloadStatus> {
        self.status.subscribe()
    }

    /// Loads the files again; swaps them in only if they pass `check` (no
    /// errors; warnings are fine) and the startup checks.
    pub fn reload(&self) -> Result<(), Problems> {
        let report = crate::check::run(&self.locales_dir, &self.dialogues_dir, &Default::default());
        let loaded = if report.has_errors() {
            let problems = report
                .errors()
                .map(|finding| {
                    Problem::in_file(&finding.file, finding.message.clone())
                        .at(finding.line, finding.column)
                })
                .collect();
            Err(Problems(problems))
        } else {
            Content::load(&self.locales_dir, &self.dialogues_dir)
        };
        match loaded {
            Ok(content) => {
                self.current.store(Arc::new(content));
                tracing::info!("content reloaded");
                self.status.send_modify(|status| status.applied += 1);
                Ok(())
            }
            Err(problems) => {
                tracing::error!(
                    problems = problems.0.len(),
                    "content change refused; still serving the last good version:\n{problems}"
                );
                let shown = problems.to_string();
                self.status.send_modify(|status| {
                    status.refused += 1;
                    status.last_problems = Some(shown);
                });
                Err(problems)
            }
        }
    }
}

/// Keeps the watcher alive; dropping it stops watching.
pub struct Watching {
    _watcher: notify::RecommendedWatcher,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Watching {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reloads on file changes under the content folders and on SIGHUP.
pub fn watch(live: Arc<LiveContent>) -> anyhow::Result<Watching> {
    let (changed, mut changes) = mpsc::unbounded_channel::<()>();
    let on_change = changed.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|event| !event.kind.is_access()) {
            let _ = on_change.send(());
        }
    })?;
    watcher.watch(&live.locales_dir, RecursiveMode::Recursive)?;
    watcher.watch(&live.dialogues_dir, RecursiveMode::Recursive)?;
    #[cfg(unix)]
    {
        let on_hangup = changed;
        let mut hangups = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
        tokio::spawn(async move {
            while hangups.recv().await.is_some() {
                tracing::info!("SIGHUP: reloading the content");
                if on_hangup.send(()).is_err() {
                    break;
                }
            }
        });
    }
    let task = tokio::spawn(async move {
        while changes.recv().await.is_some() {
            // Swallow the rest of the burst, then reload once.
            while let Ok(Some(())) = tokio::time::timeout(DEBOUNCE, changes.recv()).await {}
            let live = live.clone();
            let _ = tokio::task::spawn_blocking(move || live.reload()).await;
        }
    });
    Ok(Watching {
        _watcher: watcher,
        task,
    })
}
