//! `navigator check` and `navigator locales` as a library: every problem in
//! the content files (Fluent locales, dialogue trees, the intake form),
//! phrased for the translator or editor who fixes it, each with its file,
//! line and column, and the translation coverage of every locale.
//!
//! Pure reading: `run` never writes. Only `confirm` and `update_lock` write,
//! and only the staleness lock (`locales/staleness.lock`, see `lock`).
//!
//! Finding codes are stable ids: TRANSLATING.md explains each one, and
//! tools may match on them. Errors:
//!
//! - files: `syntax-error`, `invisible-character`, `duplicate-message`,
//!   `duplicate-attribute`, `unreadable-file`, `bad-locale-folder`,
//!   `missing-english`;
//! - against English: `missing-value`, `missing-attribute`,
//!   `unknown-variable`, `unknown-function`, `unknown-reference`,
//!   `reference-cycle`, `duplicate-variant`, `missing-plural-form`,
//!   `render-error`;
//! - Telegram: `html-unknown-tag`, `html-unbalanced`, `html-unclosed-tag`,
//!   `html-attribute`, `html-ampersand`, `html-less-than`, `too-long`,
//!   `label-empty`, `label-multiline`, `label-markup`, `label-too-long`;
//! - dialogues: `unknown-message-key`, `missing-label-attribute`,
//!   `missing-code-message`, `screen-too-long`, `callback-too-long`,
//!   `dangling-node`, `unreachable-node`, `tree-error`, `form-error`,
//!   `unknown-source` (a screen's `source:` quote names no paragraph of
//!   its tree's source text);
//! - the safety frame (`crate::frame`): `missing-safety-message` (a locale
//!   lacks the footer, the "no guarantee" line, the emergency line or the
//!   emergency question), `missing-emergency-step` (a form without the
//!   emergency question before the consent);
//! - others: `lock-syntax`, `signoff-syntax`, `unknown-locale`, `startup-problem` (the bot's
//!   own start-up check refused something no other check explained).
//!
//! Warnings: `missing-message`, `missing-reply` (a ready reply coordinators
//! cannot send in that language), `missing-file`, `obsolete-message`,
//! `extra-value`, `extra-attribute`, `dropped-variable`, `label-long`,
//! `unused-message`, `outdated-translation`, `missing-source-text`,
//! `rtl-number-order` (numbers a right-to-left line shows in the wrong order).
//!
//! Not findings: each locale's review status (`signoff`), "signed off by X
//! on DATE" or "draft awaiting review", printed first.

mod dialogues;
mod fluent;
mod lock;
mod signoff;
mod source;
mod telegram;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::json;

use crate::content::{Content, Problem};
use crate::i18n::Catalog;

pub use lock::{LOCK_FILE, LockError, LockSummary, Staleness, confirm, update_lock};
pub use signoff::{LocaleReview, ReviewState, SIGNOFF_FILE, SignOff, signoff_text};

/// What `run` looks at.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Report only this locale (a folder name such as `es` or `zh-Hans`;
    /// matched like a language tag, so `zh-hans` works too). `en` also
    /// reports the dialogue files, which are written against English.
    pub locale: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The bot refuses to start, or a patient would see something broken.
    Error,
    /// Worth fixing; the bot still works (e.g. English shown instead).
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem, with where it is and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// Stable id of the kind of problem, e.g. `missing-message`.
    pub code: &'static str,
    pub file: PathBuf,
    /// 1-based; 0 when the finding is about a whole file or folder.
    pub line: usize,
    /// 1-based, in characters; 0 when `line` is 0.
    pub column: usize,
    /// Plain words: what is wrong and how to fix it.
    pub message: String,
}

impl Finding {
    pub(crate) fn new(
        severity: Severity,
        code: &'static str,
        file: impl Into<PathBuf>,
        (line, column): (usize, usize),
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            severity,
            code,
            file: file.into(),
            line,
            column,
            message: message.into(),
        }
    }

    pub(crate) fn error(
        code: &'static str,
        file: impl Into<PathBuf>,
        at: (usize, usize),
        message: impl Into<String>,
    ) -> Finding {
        Finding::new(Severity::Error, code, file, at, message)
    }

    pub(crate) fn warning(
        code: &'static str,
        file: impl Into<PathBuf>,
        at: (usize, usize),
        message: impl Into<String>,
    ) -> Finding {
        Finding::new(Severity::Warning, code, file, at, message)
    }

    /// `file:line:column`, or just `file` for whole-file findings.
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.display().to_string()
        } else {
            format!("{}:{}:{}", self.file.display(), self.line, self.column)
        }
    }

    pub(crate) fn from_problem(code: &'static str, problem: &Problem) -> Finding {
        Finding::error(
            code,
            &problem.file,
            (problem.line.unwrap_or(0), problem.column.unwrap_or(0)),
            &problem.message,
        )
    }
}

impl fmt::Display for Finding {
    /// `file:line:column: message`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

/// How complete one locale is against English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    pub locale: String,
    /// Messages English has.
    pub total: usize,
    /// Translated and up to date.
    pub translated: usize,
    /// English has them, this locale does not (English is shown instead).
    pub missing: usize,
    /// Translated, but English changed since (see `outdated-translation`).
    pub outdated: usize,
    /// This locale has them, English no longer does.
    pub obsolete: usize,
}

impl Coverage {
    /// Share of English messages translated and up to date, 0-100.
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            self.translated as f64 * 100.0 / self.total as f64
        }
    }
}

/// Everything `run` found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Errors first, then warnings; each group by file, line and column.
    pub findings: Vec<Finding>,
    /// English first, then the other locales by tag.
    pub coverage: Vec<Coverage>,
    /// Each locale's sign-off status, in the order of `coverage`.
    pub review: Vec<LocaleReview>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|finding| finding.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|finding| finding.severity == Severity::Warning)
    }

    /// Each locale's review status (“signed off by …” or “draft awaiting
    /// review”), then errors, then warnings, one per line as
    /// `file:line:column: message [code]`, and a summary line.
    pub fn to_text(&self) -> String {
        let errors: Vec<&Finding> = self.errors().collect();
        let warnings: Vec<&Finding> = self.warnings().collect();
        let mut out = String::new();
        if !self.review.is_empty() {
            out.push_str("Review:\n");
            for review in &self.review {
                out.push_str(&format!("  {}: {}\n", review.locale, review.summary()));
            }
            out.push('\n');
        }
        let review_lines = out.len();
        for (title, group) in [("error", &errors), ("warning", &warnings)] {
            if group.is_empty() {
                continue;
            }
            if out.len() > review_lines {
                out.push('\n');
            }
            out.push_str(&format!("{}:\n", plural(group.len(), title)));
            for finding in group {
                out.push_str(&format!("{finding} [{}]\n", finding.code));
            }
        }
        if out.len() > review_lines {
            out.push('\n');
        }
        if errors.is_empty() && warnings.is_empty() {
            out.push_str("No problems found.\n");
        } else {
            out.push_str(&format!(
                "{}, {}.\n",
                plural(errors.len(), "error"),
                plural(warnings.len(), "warning")
            ));
        }
        out
    }

    /// `{ "errors": n, "warnings": n, "findings": [{ severity, code, file,
    /// line, column, message }], "coverage": [{ locale, total, translated,
    /// missing, outdated, obsolete, percent }] }`
    pub fn to_json(&self) -> serde_json::Value {
        let findings: Vec<serde_json::Value> = self
            .findings
            .iter()
            .map(|finding| {
                json!({
                    "severity": finding.severity.as_str(),
                    "code": finding.code,
                    "file": finding.file.display().to_string(),
                    "line": finding.line,
                    "column": finding.column,
                    "message": finding.message,
                })
            })
            .collect();
        let coverage: Vec<serde_json::Value> = self
            .coverage
            .iter()
            .map(|coverage| {
                json!({
                    "locale": coverage.locale,
                    "total": coverage.total,
                    "translated": coverage.translated,
                    "missing": coverage.missing,
                    "outdated": coverage.outdated,
                    "obsolete": coverage.obsolete,
                    "percent": (coverage.percent() * 10.0).floor() / 10.0,
                })
            })
            .collect();
        let review: Vec<serde_json::Value> = self
            .review
            .iter()
            .map(|review| {
                let (state, signoff) = match &review.state {
                    ReviewState::SignedOff(signoff) => ("signed-off", Some(signoff)),
                    ReviewState::NotSignedOff => ("draft", None),
                    ReviewState::ChangedSince(signoff) => ("draft", Some(signoff)),
                };
                json!({
                    "locale": review.locale,
                    "state": state,
                    "fingerprint": review.fingerprint,
                    "signed": signoff.map(|signoff| json!({
                        "reviewer": signoff.reviewer,
                        "role": signoff.role,
                        "date": signoff.date.to_string(),
                        "fingerprint": signoff.fingerprint,
                    })),
                })
            })
            .collect();
        json!({
            "errors": self.errors().count(),
            "warnings": self.warnings().count(),
            "findings": findings,
            "coverage": coverage,
            "review": review,
        })
    }

    /// The table `navigator locales` prints.
    pub fn coverage_table(&self) -> String {
        let width = self
            .coverage
            .iter()
            .map(|coverage| coverage.locale.chars().count())
            .chain([6])
            .max()
            .unwrap_or(6);
        let mut out = format!(
            "{:<width$}  {:>5}  {:>10}  {:>7}  {:>8}  {:>8}  {:>8}\n",
            "locale", "total", "translated", "missing", "outdated", "obsolete", "complete"
        );
        for coverage in &self.coverage {
            out.push_str(&format!(
                "{:<width$}  {:>5}  {:>10}  {:>7}  {:>8}  {:>8}  {:>7.1}%\n",
                coverage.locale,
                coverage.total,
                coverage.translated,
                coverage.missing,
                coverage.outdated,
                coverage.obsolete,
                (coverage.percent() * 10.0).floor() / 10.0,
            ));
        }
        out
    }
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// Checks every locale in `locales_dir` and the trees and form in
/// `dialogues_dir`. Never writes anything.
pub fn run(locales_dir: &Path, dialogues_dir: &Path, options: &CheckOptions) -> Report {
    let discovery = source::discover(locales_dir);
    let mut findings = discovery.findings.clone();
    let parsed: Vec<source::ParsedLocale> = discovery
        .locales
        .iter()
        .map(source::ParsedLocale::parse)
        .collect();
    let mut models = Vec::with_capacity(parsed.len());
    for locale in &parsed {
        findings.extend(locale.syntax_findings());
        let (model, duplicates) = source::Model::index(locale);
        findings.extend(duplicates);
        models.push(model);
    }
    let english = models
        .iter()
        .position(|model| model.tag == crate::i18n::REFERENCE_LOCALE);
    if english.is_none() {
        findings.push(Finding::error(
            "missing-english",
            locales_dir.join(crate::i18n::REFERENCE_LOCALE),
            (0, 0),
            "the English (reference) locale is missing: every other language is checked against \
             locales/en/, so it must exist",
        ));
    }

    let usage = dialogues::DialogueUse::load(dialogues_dir);
    findings.extend(usage.findings.iter().cloned());
    findings.extend(usage.safety_findings());
    findings.extend(dialogues::source_findings(&usage));
    let safety = usage.safety_messages();

    let lock = lock::LockFile::read(locales_dir);
    findings.extend(lock.findings.iter().cloned());

    let variables: BTreeSet<String> = english
        .map(|index| &models[index])
        .into_iter()
        .flat_map(|english| english.messages.values())
        .flat_map(|def| fluent::Usage::of_def(def).variables)
        .map(str::to_owned)
        .collect();
    let renderer = telegram::Renderer::new(&discovery.locales, &variables);
    let mut coverage = Vec::new();
    let mut review = Vec::new();
    // Per locale: messages whose rendering fails for a reason already reported.
    let mut explained: BTreeMap<String, fluent::Structural> = BTreeMap::new();
    if let Some(english) = english.map(|index| &models[index]) {
        for model in &models {
            let structural = explained.entry(model.tag.to_owned()).or_default();
            let is_english = std::ptr::eq(model, english);
            let mut out = fluent::check_locale(model, english, structural);
            if !is_english {
                out.extend(fluent::compare_with_english(
                    model, english, structural, &safety,
                ));
            }
            findings.extend(out);
            findings.extend(telegram::check_locale(model, &renderer, &usage));
            let outdated = if is_english {
                Vec::new()
            } else {
                lock.outdated(model, english)
            };
            coverage.push(fluent::coverage(model, english, outdated.len()));
            findings.extend(outdated);
            let (status, unreadable) = signoff::review(model);
            review.push(status);
            findings.extend(unreadable);
        }
        findings.extend(usage.check_against_english(english, &renderer, &models));
        findings.extend(dialogues::callback_findings(&usage, &models));
        findings.extend(render_errors(locales_dir, &explained));
    }

    // Safety net: whatever makes the bot refuse to start is an error here.
    if !findings.iter().any(|f| f.severity == Severity::Error)
        && let Err(problems) = Content::load(locales_dir, dialogues_dir)
    {
        findings.extend(
            problems
                .0
                .iter()
                .map(|problem| Finding::from_problem("startup-problem", problem)),
        );
    }

    if let Some(wanted) = &options.locale {
        narrow(locales_dir, wanted, &models, &mut findings, &mut coverage);
        review.retain(|status| coverage.iter().any(|c| c.locale == status.locale));
    }
    findings.sort_by(|a, b| {
        (a.severity, &a.file, a.line, a.column, a.code, &a.message)
            .cmp(&(b.severity, &b.file, b.line, b.column, b.code, &b.message))
    });
    findings.dedup();
    Report {
        findings,
        coverage,
        review,
    }
}

/// The translators' bookkeeping, for the review book: each locale's
/// review status and where each English message stands in each locale.
#[derive(Debug, Clone, Default)]
pub struct Bookkeeping {
    /// English first, then the other locales by tag.
    pub review: Vec<LocaleReview>,
    /// locale → English message id → its state in that locale.
    pub staleness: BTreeMap<String, BTreeMap<String, Staleness>>,
    /// English message ids per `.ftl` file (by file name), in file order.
    pub english_files: Vec<(String, Vec<String>)>,
}

impl Bookkeeping {
    /// Reads the locales, their sign-offs and the staleness lock (what
    /// `run` reads; problems are `run`'s to report).
    pub fn read(locales_dir: &Path) -> Bookkeeping {
        let discovery = source::discover(locales_dir);
        let parsed: Vec<source::ParsedLocale> = discovery
            .locales
            .iter()
            .map(source::ParsedLocale::parse)
            .collect();
        let models: Vec<source::Model> = parsed
            .iter()
            .map(|locale| source::Model::index(locale).0)
            .collect();
        let lock = lock::LockFile::read(locales_dir);
        let mut bookkeeping = Bookkeeping::default();
        let Some(english) = models
            .iter()
            .find(|model| model.tag == crate::i18n::REFERENCE_LOCALE)
        else {
            return bookkeeping;
        };
        for id in &english.order {
            let file = &english.messages[id].file.name;
            match bookkeeping
                .english_files
                .iter_mut()
                .find(|(name, _)| name == file)
            {
                Some((_, ids)) => ids.push((*id).to_owned()),
                None => bookkeeping
                    .english_files
                    .push((file.clone(), vec![(*id).to_owned()])),
            }
        }
        for model in &models {
            bookkeeping.review.push(signoff::review(model).0);
            let states = english
                .messages
                .keys()
                .map(|id| ((*id).to_owned(), lock.staleness(model, english, id)))
                .collect();
            bookkeeping.staleness.insert(model.tag.to_owned(), states);
        }
        bookkeeping
    }

    /// The state of `id` in `locale` (`Missing` when nothing is known).
    pub fn staleness(&self, locale: &str, id: &str) -> Staleness {
        self.staleness
            .get(locale)
            .and_then(|states| states.get(id))
            .copied()
            .unwrap_or(Staleness::Missing)
    }

    pub fn review_of(&self, locale: &str) -> Option<&LocaleReview> {
        self.review.iter().find(|review| review.locale == locale)
    }
}

/// Messages the bot itself cannot render with its sample arguments (its
/// start-up check, `Catalog::check_required_messages`, which knows which
/// values the bot passes), unless another finding already explains why.
fn render_errors(
    locales_dir: &Path,
    explained: &BTreeMap<String, fluent::Structural>,
) -> Vec<Finding> {
    let Ok(catalog) = Catalog::load(locales_dir) else {
        // Syntax or duplicate errors, reported already; this comes after.
        return Vec::new();
    };
    let mut findings = Vec::new();
    for problem in catalog.check_required_messages(locales_dir) {
        // “message “{id}”: cannot be shown: {Fluent's error}”
        let Some((id, reason)) = problem
            .message
            .strip_prefix("message “")
            .and_then(|rest| rest.split_once("”: cannot be shown: "))
        else {
            continue;
        };
        let locale = problem
            .file
            .strip_prefix(locales_dir)
            .ok()
            .and_then(|path| path.iter().next())
            .map(|tag| tag.to_string_lossy().into_owned())
            .unwrap_or_default();
        if explained
            .get(&locale)
            .is_some_and(|structural| structural.contains(&(id.to_owned(), String::new())))
        {
            continue;
        }
        let reason = reason.strip_prefix("Resolver error: ").unwrap_or(reason);
        let why = if let Some(variable) = reason.strip_prefix("Unknown variable: $") {
            format!(
                "it uses {{ ${variable} }}, and the bot never passes a value by that name: check \
                 the spelling against the English text (a new value must first be added to the \
                 bot by a developer)"
            )
        } else if let Some(function) = reason.strip_prefix("Unknown function: ") {
            format!(
                "it calls {function}, and the bot does not enable Fluent functions: write the \
                 variable alone, e.g. {{ $count }}"
            )
        } else {
            format!("Fluent says: {reason}")
        };
        findings.push(Finding::error(
            "render-error",
            &problem.file,
            (problem.line.unwrap_or(0), problem.column.unwrap_or(0)),
            format!("“{id}” cannot be shown, so patients get English (or “…”): {why}"),
        ));
    }
    findings
}

/// Keeps the findings and coverage of one locale. English also keeps the
/// dialogue files (written against English) and findings without a locale.
fn narrow(
    locales_dir: &Path,
    wanted: &str,
    models: &[source::Model],
    findings: &mut Vec<Finding>,
    coverage: &mut Vec<Coverage>,
) {
    let Some(tag) = models
        .iter()
        .find(|model| source::same_locale(model.tag, wanted))
        .map(|model| model.tag.to_owned())
    else {
        let known: Vec<&str> = models.iter().map(|model| model.tag).collect();
        findings.clear();
        coverage.clear();
        findings.push(Finding::error(
            "unknown-locale",
            locales_dir.join(wanted),
            (0, 0),
            format!(
                "there is no locale “{wanted}”: the locales are {}. To add a language, create \
                 this folder (see TRANSLATING.md)",
                known.join(", ")
            ),
        ));
        return;
    };
    let folder = locales_dir.join(&tag);
    let lock_file = locales_dir.join(LOCK_FILE);
    let english = tag == crate::i18n::REFERENCE_LOCALE;
    findings.retain(|finding| {
        let in_locales = finding.file.starts_with(locales_dir);
        finding.file.starts_with(&folder)
            || finding.file == lock_file
            || (english && !in_locales)
            || (english && finding.file == locales_dir)
    });
    coverage.retain(|coverage| coverage.locale == tag);
}
