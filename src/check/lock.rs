//! The staleness lock, `locales/staleness.lock`: for each translated
//! message, a fingerprint of the English message it was translated from.
//!
//! Semantics, for every locale L other than English and message id M that
//! both L and English define:
//!
//! - the lock has an entry (L, M) equal to the fingerprint of the current
//!   English M: the translation is up to date;
//! - the entry differs: English changed after the translation was made or
//!   last confirmed, and `run` reports `outdated-translation` (a warning)
//!   until someone records the new fingerprint;
//! - there is no entry: the translation is new and untracked; it is not
//!   reported, and the next `update_lock` records it.
//!
//! `confirm(L, M)` sets the one entry (L, M) to the current English
//! fingerprint: “my translation matches the English text as it is now”
//! (whether the text was updated or was still right). `update_lock` sets
//! every entry to the current English fingerprint, adds the untracked ones
//! and drops entries whose locale or message no longer exists: it declares
//! every translation up to date, so run it when all English changes have
//! been translated (and to create the lock).
//!
//! The fingerprint is FNV-1a (64 bits, as 16 hex digits) of the message's
//! value and attributes written in a fixed layout, so re-indenting a
//! message or editing its comment does not make translations outdated, and
//! any change of text, variable, variant or attribute does. FNV-1a is
//! implemented here: a fingerprint, not security, and stable forever.
//!
//! The file is a small TOML subset, sorted, one entry a line:
//!
//! ```text
//! [es]
//! welcome = "8d1f0c2b4a6e9f13"
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use fluent_syntax::ast;

use super::Finding;
use super::source::{self, Def, Model, ParsedLocale};
use crate::i18n::REFERENCE_LOCALE;

/// The lock's file name, inside the locales folder.
pub const LOCK_FILE: &str = "staleness.lock";

const HEADER: &str = "\
# Staleness lock of the translations. Do not edit by hand: it is written by
#   cargo run -- check --confirm LOCALE MESSAGE-ID   (one translation is right)
#   cargo run -- check --update-lock                 (all translations are right)
# For each locale and message id: the fingerprint of the English message the
# translation was made from. When the English message changes, its
# fingerprint no longer matches and `cargo run -- check` reports the
# translation as outdated. See TRANSLATING.md.
";

type Entries = BTreeMap<String, BTreeMap<String, String>>;

/// The lock as read, with the problems found reading it.
pub(crate) struct LockFile {
    path: PathBuf,
    entries: Entries,
    pub findings: Vec<Finding>,
}

impl LockFile {
    /// Reads `<locales_dir>/staleness.lock`; a missing file is an empty lock.
    pub fn read(locales_dir: &Path) -> LockFile {
        let path = locales_dir.join(LOCK_FILE);
        let text = fs::read_to_string(&path).unwrap_or_default();
        let (entries, findings) = parse(&path, &text);
        LockFile {
            path,
            entries,
            findings,
        }
    }

    fn entry(&self, locale: &str, id: &str) -> Option<&str> {
        self.entries.get(locale)?.get(id).map(String::as_str)
    }

    /// Translations of `model` made from an older English text.
    pub fn outdated(&self, model: &Model, english: &Model) -> Vec<Finding> {
        let mut findings = Vec::new();
        for (id, def) in &model.messages {
            let (Some(reference), Some(recorded)) =
                (english.messages.get(id), self.entry(model.tag, id))
            else {
                continue;
            };
            if recorded != fingerprint(reference) {
                findings.push(def.warning(
                    "outdated-translation",
                    format!(
                        "the English text of “{id}” changed after this translation was made (see \
                         {}): update the translation to match it, then run `cargo run -- check \
                         --confirm {} {id}`; if the translation is still right, just run that \
                         command",
                        reference.place(),
                        model.tag
                    ),
                ));
            }
        }
        findings
    }

    /// Where one message of a translation stands against English.
    pub fn staleness(&self, model: &Model, english: &Model, id: &str) -> Staleness {
        let Some(reference) = english.messages.get(id) else {
            return Staleness::Obsolete;
        };
        if model.tag == REFERENCE_LOCALE {
            return Staleness::Reference;
        }
        if !model.messages.contains_key(id) {
            return Staleness::Missing;
        }
        match self.entry(model.tag, id) {
            None => Staleness::Untracked,
            Some(recorded) if recorded == fingerprint(reference) => Staleness::UpToDate,
            Some(_) => Staleness::Outdated,
        }
    }

    fn write(&self) -> Result<(), LockError> {
        let mut text = String::from(HEADER);
        for (locale, entries) in &self.entries {
            if entries.is_empty() {
                continue;
            }
            text.push_str(&format!("\n[{locale}]\n"));
            for (id, hash) in entries {
                text.push_str(&format!("{id} = \"{hash}\"\n"));
            }
        }
        let temporary = self.path.with_extension("lock.tmp");
        let written = fs::write(&temporary, text).and_then(|()| fs::rename(&temporary, &self.path));
        written.map_err(|source| LockError::Write {
            path: self.path.clone(),
            source,
        })
    }
}

fn parse(path: &Path, text: &str) -> (Entries, Vec<Finding>) {
    let mut entries = Entries::new();
    let mut findings = Vec::new();
    let mut section: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let column = raw.len() - raw.trim_start().len() + 1;
        let problem = if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = Some(name.trim().to_owned());
            None
        } else if let Some((id, hash)) = line.split_once('=') {
            let id = id.trim();
            let hash = hash.trim().trim_matches('"');
            match &section {
                None => Some("an entry before any [locale] line"),
                Some(_) if !is_id(id) => Some("the message id is not valid"),
                Some(_) if hash.len() != 16 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    Some("the fingerprint must be 16 hexadecimal digits")
                }
                Some(locale) => {
                    entries
                        .entry(locale.clone())
                        .or_default()
                        .insert(id.to_owned(), hash.to_ascii_lowercase());
                    None
                }
            }
        } else {
            Some("expected “[locale]” or “message-id = \"fingerprint\"”")
        };
        if let Some(problem) = problem {
            findings.push(Finding::error(
                "lock-syntax",
                path,
                (index + 1, column),
                format!(
                    "this line of the staleness lock cannot be read ({problem}). The file is \
                     written by `cargo run -- check --update-lock`; if it was damaged (for \
                     example by a merge), fix the line or run that command again"
                ),
            ));
        }
    }
    (entries, findings)
}

fn is_id(id: &str) -> bool {
    id.starts_with(|ch: char| ch.is_ascii_alphabetic())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Where one translated message stands, by the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Staleness {
    /// English itself: the reference, never stale.
    Reference,
    /// Translated from the English text as it is now.
    UpToDate,
    /// English changed after the translation was made or confirmed.
    Outdated,
    /// Translated, but not recorded in the lock yet (a new translation).
    Untracked,
    /// Not translated: patients see English.
    Missing,
    /// English no longer has the message.
    Obsolete,
}

impl Staleness {
    /// Short words for people (the review book's marks).
    pub fn describe(self) -> &'static str {
        match self {
            Staleness::Reference => "English reference",
            Staleness::UpToDate => "up to date",
            Staleness::Outdated => "outdated: English changed since",
            Staleness::Untracked => "untracked: not in the staleness lock yet",
            Staleness::Missing => "missing translation: English is shown",
            Staleness::Obsolete => "obsolete: English no longer has it",
        }
    }

    /// A stable name (CSS classes, JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Staleness::Reference => "reference",
            Staleness::UpToDate => "up-to-date",
            Staleness::Outdated => "outdated",
            Staleness::Untracked => "untracked",
            Staleness::Missing => "missing",
            Staleness::Obsolete => "obsolete",
        }
    }
}

/// Why the lock could not be changed.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("there is no English (reference) locale in {0}")]
    NoEnglish(PathBuf),
    #[error("there is no locale “{locale}” in {dir}: the locales are {known}")]
    UnknownLocale {
        locale: String,
        dir: PathBuf,
        known: String,
    },
    #[error(
        "English is the reference: its messages are never outdated, so there is nothing to confirm"
    )]
    ReferenceLocale,
    #[error("English has no message “{0}”: check the id (the part before “=”)")]
    NotInEnglish(String),
    #[error("“{id}” is not translated in {locale} yet, so there is nothing to confirm")]
    NotTranslated { locale: String, id: String },
    #[error(
        "fix these first (run `cargo run -- check`), so that no translation is forgotten:\n{0}"
    )]
    Unfinished(String),
    #[error("the staleness lock cannot be read:\n{0}")]
    BadLock(String),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
}

/// What `update_lock` changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LockSummary {
    /// Entries in the lock now.
    pub recorded: usize,
    /// Translations that had no entry.
    pub added: usize,
    /// Entries that changed (the English text had changed).
    pub changed: usize,
    /// Entries of messages or locales that no longer exist.
    pub removed: usize,
}

impl fmt::Display for LockSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} translations recorded in the staleness lock ({} new, {} after an English change, \
             {} removed)",
            self.recorded, self.added, self.changed, self.removed
        )
    }
}

/// Records that the translation `message_id` of `locale` matches the
/// current English text (updated, or still right).
pub fn confirm(locales_dir: &Path, locale: &str, message_id: &str) -> Result<(), LockError> {
    let discovery = source::discover(locales_dir);
    let english = discovery
        .locales
        .iter()
        .find(|dir| dir.tag == REFERENCE_LOCALE)
        .ok_or_else(|| LockError::NoEnglish(locales_dir.to_path_buf()))?;
    let target = discovery
        .locales
        .iter()
        .find(|dir| source::same_locale(&dir.tag, locale))
        .ok_or_else(|| LockError::UnknownLocale {
            locale: locale.to_owned(),
            dir: locales_dir.to_path_buf(),
            known: discovery
                .locales
                .iter()
                .map(|dir| dir.tag.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    if target.tag == REFERENCE_LOCALE {
        return Err(LockError::ReferenceLocale);
    }
    let english = ParsedLocale::parse(english);
    let (english, _) = Model::index(&english);
    let translated = ParsedLocale::parse(target);
    let (translated, _) = Model::index(&translated);
    let reference = english
        .messages
        .get(message_id)
        .ok_or_else(|| LockError::NotInEnglish(message_id.to_owned()))?;
    if !translated.messages.contains_key(message_id) {
        return Err(LockError::NotTranslated {
            locale: target.tag.clone(),
            id: message_id.to_owned(),
        });
    }
    let mut lock = LockFile::read(locales_dir);
    if !lock.findings.is_empty() {
        return Err(LockError::BadLock(list(&lock.findings)));
    }
    lock.entries
        .entry(target.tag.clone())
        .or_default()
        .insert(message_id.to_owned(), fingerprint(reference));
    lock.write()
}

/// Records every translation as made from the current English text, adds
/// the untracked ones and drops entries of what no longer exists. Refuses
/// while a file cannot be read or has Fluent syntax errors (its messages
/// would be dropped).
pub fn update_lock(locales_dir: &Path) -> Result<LockSummary, LockError> {
    let discovery = source::discover(locales_dir);
    let unreadable: Vec<Finding> = discovery
        .findings
        .iter()
        .filter(|finding| finding.code == "unreadable-file")
        .cloned()
        .collect();
    if !unreadable.is_empty() {
        return Err(LockError::Unfinished(list(&unreadable)));
    }
    let parsed: Vec<ParsedLocale> = discovery.locales.iter().map(ParsedLocale::parse).collect();
    let syntax: Vec<Finding> = parsed
        .iter()
        .flat_map(ParsedLocale::syntax_findings)
        .filter(|finding| finding.code == "syntax-error")
        .collect();
    if !syntax.is_empty() {
        return Err(LockError::Unfinished(list(&syntax)));
    }
    let models: Vec<Model> = parsed.iter().map(|locale| Model::index(locale).0).collect();
    let english = models
        .iter()
        .find(|model| model.tag == REFERENCE_LOCALE)
        .ok_or_else(|| LockError::NoEnglish(locales_dir.to_path_buf()))?;
    let mut lock = LockFile::read(locales_dir);
    let old = std::mem::take(&mut lock.entries);
    let mut summary = LockSummary::default();
    for model in models.iter().filter(|model| model.tag != REFERENCE_LOCALE) {
        for id in model.messages.keys() {
            let Some(reference) = english.messages.get(id) else {
                continue;
            };
            let hash = fingerprint(reference);
            match old.get(model.tag).and_then(|entries| entries.get(*id)) {
                None => summary.added += 1,
                Some(recorded) if *recorded != hash => summary.changed += 1,
                Some(_) => {}
            }
            lock.entries
                .entry(model.tag.to_owned())
                .or_default()
                .insert((*id).to_owned(), hash);
            summary.recorded += 1;
        }
    }
    summary.removed = old
        .iter()
        .flat_map(|(locale, entries)| entries.keys().map(move |id| (locale, id)))
        .filter(|(locale, id)| {
            lock.entries
                .get(*locale)
                .is_none_or(|entries| !entries.contains_key(*id))
        })
        .count();
    lock.write()?;
    Ok(summary)
}

fn list(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|finding| format!("  {finding}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// FNV-1a (64 bits) of the message in a fixed layout, as 16 hex digits.
pub(crate) fn fingerprint(def: &Def) -> String {
    let mut canonical = String::new();
    if let Some(value) = def.value {
        canonical.push_str("= ");
        pattern(&mut canonical, value);
    }
    for attribute in def.attributes {
        canonical.push_str(&format!("\n.{} = ", attribute.id.name));
        pattern(&mut canonical, &attribute.value);
    }
    format!("{:016x}", fnv1a(canonical.as_bytes()))
}

pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

fn pattern(out: &mut String, pattern: &ast::Pattern<&str>) {
    for element in &pattern.elements {
        match element {
            ast::PatternElement::TextElement { value } => out.push_str(value),
            ast::PatternElement::Placeable { expression } => {
                out.push('{');
                self::expression(out, expression);
                out.push('}');
            }
        }
    }
}

fn expression(out: &mut String, expression: &ast::Expression<&str>) {
    match expression {
        ast::Expression::Inline(inline) => self::inline(out, inline),
        ast::Expression::Select { selector, variants } => {
            inline(out, selector);
            out.push_str(" ->");
            for variant in variants {
                out.push('\n');
                if variant.default {
                    out.push('*');
                }
                let key = match &variant.key {
                    ast::VariantKey::Identifier { name } => name,
                    ast::VariantKey::NumberLiteral { value } => value,
                };
                out.push_str(&format!("[{key}] "));
                pattern(out, &variant.value);
            }
            out.push('\n');
        }
    }
}

fn inline(out: &mut String, inline: &ast::InlineExpression<&str>) {
    match inline {
        ast::InlineExpression::StringLiteral { value } => out.push_str(&format!("\"{value}\"")),
        ast::InlineExpression::NumberLiteral { value } => out.push_str(value),
        ast::InlineExpression::FunctionReference { id, arguments } => {
            out.push_str(id.name);
            call(out, arguments);
        }
        ast::InlineExpression::MessageReference { id, attribute } => {
            out.push_str(id.name);
            if let Some(attribute) = attribute {
                out.push_str(&format!(".{}", attribute.name));
            }
        }
        ast::InlineExpression::TermReference {
            id,
            attribute,
            arguments,
        } => {
            out.push_str(&format!("-{}", id.name));
            if let Some(attribute) = attribute {
                out.push_str(&format!(".{}", attribute.name));
            }
            if let Some(arguments) = arguments {
                call(out, arguments);
            }
        }
        ast::InlineExpression::VariableReference { id } => out.push_str(&format!("${}", id.name)),
        ast::InlineExpression::Placeable { expression } => {
            out.push('{');
            self::expression(out, expression);
            out.push('}');
        }
    }
}

fn call(out: &mut String, arguments: &ast::CallArguments<&str>) {
    out.push('(');
    let mut first = true;
    for argument in &arguments.positional {
        if !first {
            out.push_str(", ");
        }
        first = false;
        inline(out, argument);
    }
    for named in &arguments.named {
        if !first {
            out.push_str(", ");
        }
        first = false;
        out.push_str(&format!("{}: ", named.name.name));
        inline(out, &named.value);
    }
    out.push(')');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x85944171f73967e8);
    }

    fn hash_of(source: &str) -> String {
        let resource = fluent_syntax::parser::parse(source).unwrap();
        let ast::Entry::Message(message) = &resource.body[0] else {
            panic!("not a message")
        };
        let file = source::SourceFile {
            path: PathBuf::from("a.ftl"),
            name: "a.ftl".to_owned(),
            text: source.to_owned(),
        };
        fingerprint(&Def {
            id: message.id.name,
            file: &file,
            offset: 0,
            value: message.value.as_ref(),
            attributes: &message.attributes,
            is_term: false,
        })
    }

    #[test]
    fn fingerprints_ignore_layout_and_comments_but_not_text() {
        let base = hash_of("hi = Hello, { $name }!\n    .label = Hi\n");
        assert_eq!(
            base,
            hash_of("# A comment\nhi =\n  Hello, {$name}!\n  .label = Hi\n")
        );
        assert_ne!(base, hash_of("hi = Hello, { $name }.\n    .label = Hi\n"));
        assert_ne!(base, hash_of("hi = Hello, { $nom }!\n    .label = Hi\n"));
        assert_ne!(base, hash_of("hi = Hello, { $name }!\n    .label = Hey\n"));
        assert_eq!(base.len(), 16);
    }

    #[test]
    fn the_lock_reads_what_it_writes_and_reports_bad_lines() {
        let (entries, findings) = parse(
            Path::new("staleness.lock"),
            "# c\n\n[es]\nhello = \"0123456789abcdef\"\nbroken line\n",
        );
        assert_eq!(entries["es"]["hello"], "0123456789abcdef");
        assert_eq!(findings.len(), 1);
        assert_eq!((findings[0].line, findings[0].column), (5, 1));
        assert_eq!(findings[0].code, "lock-syntax");
    }
}
