//! i18n: the Fluent catalog. Loads `locales/<tag>/*.ftl`, negotiates a
//! patient's locale from Telegram's `language_code`, and formats messages as
//! Telegram HTML with message-by-message fallback to English.
//!
//! Owns locale negotiation and message formatting. Must not know about trees,
//! Telegram or storage; it never returns a raw message id or `{ $var }`.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::resolver::errors::{ReferenceKind, ResolverError};
use fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};
use fluent_langneg::{NegotiationStrategy, negotiate_languages};
use unic_langid::LanguageIdentifier;

use crate::content::{Problem, Problems};
use crate::text::{BIDI_ISOLATES, MESSAGE_LIMIT, escape_html, telegram_len};

/// The reference locale: complete by definition, the fallback for everything.
pub const REFERENCE_LOCALE: &str = "en";

/// Message ids the code itself uses (trees name theirs in `dialogues/`).
pub const CODE_MESSAGES: &[&str] = &[
    "welcome",
    "welcome-anonymous",
    "not-medical-advice",
    "no-guarantee",
    "emergency-line",
    "home-text",
    "help-text",
    "cancel-done",
    "free-text-hint",
    "unsupported-input",
    "edited-message",
    "stale-button",
    "unknown-command",
    "language-prompt",
    "language-changed",
    "language-name",
    "delete-confirm",
    "delete-yes",
    "delete-no",
    "delete-done",
    "delete-kept",
    "command-delete",
    "command-privacy",
    "command-mydata",
    "privacy-text",
    "flood-note",
    "mydata-sent",
    "intake-paused",
    "menu-intake-continue",
    "nav-back",
    "nav-home",
    "nav-person",
    "menu-language",
    "command-start",
    "command-menu",
    "command-language",
    "command-help",
    "command-cancel",
];

/// Arguments used to render every message at load time: long, hostile values,
/// so a length or markup problem shows up before a patient sees it.
const SAMPLE_ARGS: &[(&str, Arg<'static>)] = &[
    (
        "name",
        Arg::Text("Maximiliana-Alexandrina <Ŝpëçïål & Long Name> 😂😂"),
    ),
    (
        "reviewer",
        Arg::Text("CancerFax Medical Team, Oncology & Haematology Specialists"),
    ),
    ("date", Arg::Text("Wednesday, September 30, 2026")),
    ("reference", Arg::Text("CF-000123")),
    (
        "opens",
        Arg::Text("Wednesday, September 30 at 12:00 PM Argentina (Comodoro Rivadavia) Time"),
    ),
    ("count", Arg::Number(12)),
    // The coordinators' texts (`handoff::texts`).
    ("language", Arg::Text("zh")),
    ("tag", Arg::Text("zh-Hans-CN")),
    ("minutes", Arg::Text("05")),
    ("hours", Arg::Number(23)),
    (
        "error",
        Arg::Text("Bad Request: message to copy not found <&> (a long error from Telegram)"),
    ),
    ("time", Arg::Text("23:59")),
    (
        "text",
        Arg::Html("<i>A patient's long message</i> with <b>markup</b> &amp; more"),
    ),
    (
        "translation",
        Arg::Html("<i>The same text in the coordinators' language</i>"),
    ),
    ("references", Arg::Text("CF-000123, CF-000124, CF-000125")),
    ("stars", Arg::Number(5)),
    ("change", Arg::Text("transfer")),
    ("command", Arg::Text("frobnicate_everything_now")),
    ("team", Arg::Text("Spanish & Portuguese desk <Madrid>")),
    (
        "to",
        Arg::Text("Maximiliana-Alexandrina <Ŝpëçïål & Long Name> 😂😂"),
    ),
    ("waited", Arg::Text("364 d 23 h")),
    ("title", Arg::Text("Lung · EGFR · Maximiliana-Alexandrina")),
    ("waiting", Arg::Number(1234)),
    ("assigned", Arg::Number(567)),
    ("page", Arg::Number(12)),
    ("pages", Arg::Number(13)),
    (
        "holder",
        Arg::Html("<a href=\"tg://user?id=123456789\">Maximiliana-Alexandrina</a>"),
    ),
    ("urgent", Arg::Text(" (urgent)")),
    ("link", Arg::Text("https://t.me/c/1234567890/123456")),
    (
        "replies",
        Arg::Text("ask-oncologist, scan-report, consent-hospital"),
    ),
    ("reply", Arg::Text("consent-hospital")),
    ("given", Arg::Text("the day after tomorrow at teatime")),
    ("file", Arg::Text("coordinators.ftl")),
    ("seconds", Arg::Number(59)),
    // `/stats` and the weekly summary (`reports`).
    ("zone", Arg::Text("America/Argentina/ComodRivadavia")),
    ("opened", Arg::Number(12345)),
    ("closed", Arg::Number(12345)),
    ("label", Arg::Html("First reply")),
    ("median", Arg::Html("364 d 23 h")),
    ("p90", Arg::Html("364 d 23 h")),
    ("average", Arg::Text("4.5")),
    ("reminders", Arg::Number(1234)),
    ("second", Arg::Number(567)),
    (
        "counts",
        Arg::Html("not given 1234, lung 567, breast 89, colorectal 12, prostate 3, other 1"),
    ),
    ("from", Arg::Text("Wednesday, September 30, 2026")),
    ("days", Arg::Number(365)),
    ("min", Arg::Number(10)),
    ("max", Arg::Number(4000)),
];

/// A locale the catalog has, e.g. `en`, `zh-Hans`, `ar`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Locale(LanguageIdentifier);

impl Locale {
    pub fn tag(&self) -> String {
        self.0.to_string()
    }

    /// The two-letter code Telegram uses for `setMyCommands(language_code)`.
    pub fn telegram_code(&self) -> String {
        self.0.language.as_str().to_owned()
    }

    /// The language's English name ("Arabic"), for coordinators and
    /// translators' tools.
    pub fn english_name(&self) -> &'static str {
        match self.0.language.as_str() {
            "ar" => "Arabic",
            "de" => "German",
            "en" => "English",
            "es" => "Spanish",
            "fr" => "French",
            "he" => "Hebrew",
            "hi" => "Hindi",
            "it" => "Italian",
            "ja" => "Japanese",
            "pl" => "Polish",
            "pt" => "Portuguese",
            "ru" => "Russian",
            "tr" => "Turkish",
            "uk" => "Ukrainian",
            "zh" => "Chinese",
            _ => "this language",
        }
    }

    pub fn is_right_to_left(&self) -> bool {
        matches!(self.0.language.as_str(), "ar" | "he" | "fa" | "ur")
    }
}

impl From<LanguageIdentifier> for Locale {
    fn from(langid: LanguageIdentifier) -> Locale {
        Locale(langid)
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Why a message cannot be said in a locale (see `Catalog::format_exact`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsayable {
    /// The locale has no such message.
    Missing,
    /// It needs these variables, which were not given.
    Needs(Vec<String>),
    /// It cannot be formatted (Fluent's error).
    Broken(String),
}

/// A value passed into a message.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    /// Untrusted text (a name, a typed answer): escaped before formatting.
    Text(&'a str),
    /// Markup the bot produced itself (another formatted message).
    Html(&'a str),
    Number(i64),
}

type Bundle = FluentBundle<FluentResource>;

/// Where a message is defined.
#[derive(Debug, Clone)]
struct Origin {
    file: PathBuf,
    line: usize,
}

impl Origin {
    fn problem(&self, message: String) -> Problem {
        Problem::in_file(&self.file, message).at(self.line, 1)
    }
}

pub struct Catalog {
    reference: Locale,
    locales: Vec<Locale>,
    bundles: HashMap<Locale, Bundle>,
    /// Which file defines each message, to point editors at it.
    origins: HashMap<(Locale, String), Origin>,
}

impl Catalog {
    /// Loads every `<dir>/<locale>/*.ftl`. All syntax and structure problems
    /// are collected, each with file, line and column.
    pub fn load(dir: &Path) -> Result<Catalog, Problems> {
        let mut problems = Vec::new();
        let mut catalog = Catalog {
            reference: Locale(unic_langid::langid!("en")),
            locales: Vec::new(),
            bundles: HashMap::new(),
            origins: HashMap::new(),
        };
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(err) => {
                return Err(Problems(vec![Problem::in_file(
                    dir,
                    format!("cannot read the locales folder: {err}"),
                )]));
            }
        };
        let mut folders: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.is_dir())
            .collect();
        folders.sort();
        for folder in folders {
            catalog.load_locale(&folder, &mut problems);
        }
        if !catalog.bundles.contains_key(&catalog.reference) {
            problems.push(Problem::in_file(
                dir.join(REFERENCE_LOCALE),
                "the English (reference) locale is missing",
            ));
        }
        catalog
            .locales
            .sort_by_key(|locale| locale != &catalog.reference);
        if problems.is_empty() {
            Ok(catalog)
        } else {
            Err(Problems(problems))
        }
    }

    fn load_locale(&mut self, folder: &Path, problems: &mut Vec<Problem>) {
        let name = folder.file_name().unwrap_or_default().to_string_lossy();
        let Ok(langid) = LanguageIdentifier::from_str(&name) else {
            problems.push(Problem::in_file(
                folder,
                format!("“{name}” is not a language tag (expected e.g. es, fr, zh-Hans)"),
            ));
            return;
        };
        let locale = Locale(langid.clone());
        let mut bundle = Bundle::new_concurrent(vec![langid]);
        bundle.set_use_isolating(false);
        for file in ftl_files(folder) {
            self.add_file(&locale, &mut bundle, &file, problems);
        }
        self.locales.push(locale.clone());
        self.bundles.insert(locale, bundle);
    }

    fn add_file(
        &mut self,
        locale: &Locale,
        bundle: &mut Bundle,
        file: &Path,
        problems: &mut Vec<Problem>,
    ) {
        let source = match fs::read_to_string(file) {
            Ok(source) => source,
            Err(err) => {
                problems.push(Problem::in_file(file, format!("cannot read: {err}")));
                return;
            }
        };
        let resource = match FluentResource::try_new(source.clone()) {
            Ok(resource) => resource,
            Err((_, errors)) => {
                for error in errors {
                    let (line, column) = line_column(&source, error.pos.start);
                    problems.push(
                        Problem::in_file(file, format!("Fluent syntax error: {}", error.kind))
                            .at(line, column),
                    );
                }
                return;
            }
        };
        let mut search_from = 0;
        for id in message_ids(&resource) {
            let offset = definition_offset(&source, &id, search_from);
            search_from = offset + 1;
            let origin = Origin {
                file: file.to_path_buf(),
                line: line_column(&source, offset).0,
            };
            let key = (locale.clone(), id.clone());
            if let Some(first) = self.origins.get(&key) {
                problems.push(origin.problem(format!(
                    "message “{id}” is defined twice (first at {}:{})",
                    first.file.display(),
                    first.line
                )));
            } else {
                self.origins.insert(key, origin);
            }
        }
        // Duplicates were reported above; `add_resource` keeps the first.
        let _ = bundle.add_resource(resource);
    }

    pub fn reference(&self) -> &Locale {
        &self.reference
    }

    /// Every locale, English first.
    pub fn locales(&self) -> &[Locale] {
        &self.locales
    }

    pub fn find(&self, tag: &str) -> Option<&Locale> {
        let wanted = LanguageIdentifier::from_str(tag).ok()?;
        self.locales.iter().find(|locale| locale.0 == wanted)
    }

    /// The best locale for a Telegram `language_code` (which may be missing,
    /// lowercase like `pt-br`, or carry a script like `zh-hant-tw`).
    ///
    /// fluent-langneg's `Matching` decides first. When it finds nothing but we
    /// do have the same language in another script or region (a Traditional
    /// Chinese reader and our Simplified Chinese), that beats English.
    pub fn negotiate(&self, language_code: Option<&str>) -> Locale {
        let Some(requested) = language_code
            .map(str::trim)
            .filter(|code| !code.is_empty())
            .and_then(|code| LanguageIdentifier::from_str(code).ok())
        else {
            return self.reference.clone();
        };
        let available: Vec<&LanguageIdentifier> = self.locales.iter().map(|l| &l.0).collect();
        let matched = negotiate_languages(
            &[&requested],
            &available,
            None,
            NegotiationStrategy::Matching,
        );
        if let Some(best) = matched.first() {
            return Locale((**best).clone());
        }
        self.locales
            .iter()
            .find(|locale| locale.0.language == requested.language)
            .cloned()
            .unwrap_or_else(|| self.reference.clone())
    }

    pub fn has_message(&self, locale: &Locale, id: &str) -> bool {
        self.bundles
            .get(locale)
            .and_then(|bundle| bundle.get_message(id))
            .is_some_and(|message| message.value().is_some())
    }

    /// Formats a message as Telegram HTML. Falls back to English when the
    /// locale lacks the message or cannot format it cleanly.
    pub fn format(&self, locale: &Locale, id: &str, args: &[(&str, Arg)]) -> String {
        let fluent_args = to_fluent_args(args);
        if let Some(text) = self.try_format(locale, id, &fluent_args) {
            return text;
        }
        if let Some(text) = self.try_format(&self.reference, id, &fluent_args) {
            tracing::debug!(%locale, message = id, "falling back to English");
            return text;
        }
        // Unreachable with a validated catalog; never show the id itself.
        tracing::error!(%locale, message = id, "message cannot be formatted in any locale");
        "…".to_owned()
    }

    /// Formats a message attribute (`id.attribute`), with the same fallback.
    pub fn format_attribute(&self, locale: &Locale, id: &str, attribute: &str) -> String {
        let found = [locale, &self.reference].into_iter().find_map(|locale| {
            let bundle = self.bundles.get(locale)?;
            let pattern = bundle.get_message(id)?.get_attribute(attribute)?.value();
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, None, &mut errors);
            errors.is_empty().then(|| text.into_owned())
        });
        found.unwrap_or_else(|| {
            tracing::error!(%locale, message = id, attribute, "attribute cannot be formatted");
            "…".to_owned()
        })
    }

    pub fn has_attribute(&self, locale: &Locale, id: &str, attribute: &str) -> bool {
        self.bundles
            .get(locale)
            .and_then(|bundle| bundle.get_message(id))
            .is_some_and(|message| message.get_attribute(attribute).is_some())
    }

    /// Formats a message in exactly this locale, without falling back to
    /// English: for texts that must never reach a reader in a language they
    /// did not choose (coordinators' replies to a patient).
    pub fn format_exact(
        &self,
        locale: &Locale,
        id: &str,
        args: &[(&str, Arg)],
    ) -> Result<String, Unsayable> {
        let rendered = self.render(locale, id, &to_fluent_args(args));
        let errors = match rendered {
            None => return Err(Unsayable::Missing),
            Some(Ok(text)) => return Ok(text),
            Some(Err(errors)) => errors,
        };
        let mut needs = Vec::new();
        for error in &errors {
            match error {
                FluentError::ResolverError(ResolverError::Reference(ReferenceKind::Variable {
                    id,
                })) => {
                    if !needs.contains(id) {
                        needs.push(id.clone());
                    }
                }
                other => return Err(Unsayable::Broken(other.to_string())),
            }
        }
        Err(Unsayable::Needs(needs))
    }

    /// The ids of the messages a locale defines in one of its files (e.g.
    /// `replies.ftl`), in the file's order.
    pub fn ids_in_file(&self, locale: &Locale, file_name: &str) -> Vec<String> {
        let mut found: Vec<(&usize, &String)> = self
            .origins
            .iter()
            .filter(|((of, _), origin)| {
                of == locale
                    && origin
                        .file
                        .file_name()
                        .is_some_and(|name| name == file_name)
            })
            .map(|((_, id), origin)| (&origin.line, id))
            .collect();
        found.sort();
        found.into_iter().map(|(_, id)| id.clone()).collect()
    }

    fn try_format(&self, locale: &Locale, id: &str, args: &FluentArgs) -> Option<String> {
        self.render(locale, id, args)?.ok()
    }

    /// A message's value in exactly this locale: `None` when the locale has
    /// no such message (with a value), else the text or Fluent's errors.
    fn render(
        &self,
        locale: &Locale,
        id: &str,
        args: &FluentArgs,
    ) -> Option<Result<String, Vec<FluentError>>> {
        let bundle = self.bundles.get(locale)?;
        let pattern = bundle.get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, Some(args), &mut errors);
        Some(if errors.is_empty() {
            Ok(text.into_owned())
        } else {
            Err(errors)
        })
    }

    /// Checks that the code's own messages exist in English and that every
    /// message of every locale renders cleanly with long sample arguments.
    pub fn check_required_messages(&self, locales_dir: &Path) -> Vec<Problem> {
        let mut problems = Vec::new();
        let english_file = locales_dir.join(REFERENCE_LOCALE);
        for id in CODE_MESSAGES {
            if !self.has_message(&self.reference, id) {
                problems.push(Problem::in_file(
                    &english_file,
                    format!("message “{id}” is used by the bot but missing in English"),
                ));
            }
        }
        let fluent_args = to_fluent_args(SAMPLE_ARGS);
        for ((locale, id), origin) in &self.origins {
            if let Some(problem) = self.render_problem(locale, id, &fluent_args) {
                problems.push(origin.problem(format!("message “{id}”: {problem}")));
            }
        }
        problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        problems
    }

    fn render_problem(&self, locale: &Locale, id: &str, args: &FluentArgs) -> Option<String> {
        let text = match self.render(locale, id, args)? {
            Ok(text) => text,
            Err(errors) => return Some(format!("cannot be shown: {}", errors[0])),
        };
        if text.contains(BIDI_ISOLATES) {
            return Some("contains invisible direction marks (U+2068/U+2069)".to_owned());
        }
        let length = telegram_len(&text);
        (length > MESSAGE_LIMIT)
            .then(|| format!("is {length} characters long; Telegram allows {MESSAGE_LIMIT}"))
    }
}

fn to_fluent_args<'a>(args: &'a [(&'a str, Arg<'a>)]) -> FluentArgs<'a> {
    let mut fluent_args = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        let value = match value {
            Arg::Text(text) => FluentValue::from(escape_html(text)),
            Arg::Html(html) => FluentValue::from(*html),
            Arg::Number(number) => FluentValue::from(*number),
        };
        fluent_args.set(*name, value);
    }
    fluent_args
}

/// The `.ftl` files of a locale folder, in name order.
pub(crate) fn ftl_files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(folder)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "ftl"))
        .collect();
    files.sort();
    files
}

fn message_ids(resource: &FluentResource) -> Vec<String> {
    resource
        .entries()
        .filter_map(|entry| match entry {
            fluent_syntax::ast::Entry::Message(message) => Some(message.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

/// Byte offset of `id =` at the start of a line, at or after `from`.
fn definition_offset(source: &str, id: &str, from: usize) -> usize {
    let mut at = from.min(source.len());
    while let Some(found) = source.get(at..).and_then(|rest| rest.find(id)) {
        let start = at + found;
        let line_start = start == 0 || source.as_bytes()[start - 1] == b'\n';
        let after = source[start + id.len()..].trim_start_matches([' ', '\t']);
        if line_start && after.starts_with('=') {
            return start;
        }
        at = start + id.len();
    }
    from
}

/// 1-based line and column of a byte offset, columns counted in characters.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..source.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |pos| pos + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog_with(files: &[(&str, &str)]) -> (tempfile::TempDir, Result<Catalog, Problems>) {
        let dir = tempfile::tempdir().unwrap();
        for (path, source) in files {
            let path = dir.path().join(path);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, source).unwrap();
        }
        let catalog = Catalog::load(dir.path());
        (dir, catalog)
    }

    fn shipped() -> Catalog {
        Catalog::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("locales")).unwrap()
    }

    #[test]
    fn negotiates_telegram_language_codes() {
        let catalog = shipped();
        let tag = |code: Option<&str>| catalog.negotiate(code).tag();
        assert_eq!(tag(Some("es")), "es");
        assert_eq!(tag(Some("es-MX")), "es");
        assert_eq!(tag(Some("fr-ca")), "fr");
        assert_eq!(tag(Some("ru")), "ru");
        assert_eq!(tag(Some("ar-EG")), "ar");
        assert_eq!(tag(Some("zh-hans")), "zh-Hans");
        assert_eq!(tag(Some("zh-cn")), "zh-Hans");
        assert_eq!(tag(Some("zh-hant-tw")), "zh-Hans");
        assert_eq!(tag(Some("pt-br")), "en");
        assert_eq!(tag(Some("xx")), "en");
        assert_eq!(tag(Some("not a tag!")), "en");
        assert_eq!(tag(Some("")), "en");
        assert_eq!(tag(None), "en");
    }

    #[test]
    fn falls_back_to_english_message_by_message() {
        let (_dir, catalog) = catalog_with(&[
            ("en/a.ftl", "hello = Hello, { $name }!\nbye = Bye\n"),
            ("es/a.ftl", "hello = ¡Hola, { $name }!\n"),
        ]);
        let catalog = catalog.unwrap();
        let es = catalog.find("es").unwrap().clone();
        let args = [("name", Arg::Text("<Ana>"))];
        assert_eq!(catalog.format(&es, "hello", &args), "¡Hola, &lt;Ana&gt;!");
        assert_eq!(catalog.format(&es, "bye", &[]), "Bye");
        assert_eq!(catalog.format(&es, "nowhere", &[]), "…");
    }

    #[test]
    fn exact_formatting_never_falls_back_and_names_what_is_missing() {
        let (_dir, catalog) = catalog_with(&[
            (
                "en/replies.ftl",
                "reply-b = On { $date }, { $name }\nreply-a = Hi\n",
            ),
            ("en/other.ftl", "other = Other\n"),
            ("es/replies.ftl", "reply-b = El { $date }, { $name }\n"),
        ]);
        let catalog = catalog.unwrap();
        let (en, es) = (
            catalog.reference().clone(),
            catalog.find("es").unwrap().clone(),
        );
        assert_eq!(
            catalog.ids_in_file(&en, "replies.ftl"),
            ["reply-b", "reply-a"]
        );
        assert_eq!(catalog.ids_in_file(&es, "replies.ftl"), ["reply-b"]);
        assert_eq!(
            catalog.format_exact(&es, "reply-a", &[]),
            Err(Unsayable::Missing)
        );
        assert_eq!(
            catalog.format_exact(&es, "reply-b", &[("name", Arg::Text("Ana"))]),
            Err(Unsayable::Needs(vec!["date".to_owned()]))
        );
        let args = [("name", Arg::Text("<Ana>")), ("date", Arg::Text("lunes"))];
        assert_eq!(
            catalog.format_exact(&es, "reply-b", &args).as_deref(),
            Ok("El lunes, &lt;Ana&gt;")
        );
    }

    #[test]
    fn broken_translation_falls_back_instead_of_showing_placeholders() {
        let (_dir, catalog) = catalog_with(&[
            ("en/a.ftl", "hello = Hello, { $name }!\n"),
            ("fr/a.ftl", "hello = Bonjour, { $nom } !\n"),
        ]);
        let catalog = catalog.unwrap();
        let fr = catalog.find("fr").unwrap().clone();
        let text = catalog.format(&fr, "hello", &[("name", Arg::Text("Zoé"))]);
        assert_eq!(text, "Hello, Zoé!");
    }

    #[test]
    fn never_inserts_bidi_isolation_marks() {
        let catalog = shipped();
        let ar = catalog.find("ar").unwrap().clone();
        let text = catalog.format(&ar, "welcome", &[("name", Arg::Text("Ali"))]);
        assert!(text.contains("Ali"));
        assert!(!text.contains(BIDI_ISOLATES));
    }

    #[test]
    fn syntax_errors_name_file_line_and_column() {
        let (_dir, catalog) = catalog_with(&[("en/a.ftl", "ok = fine\nbroken = { $x ! }\n")]);
        let Err(Problems(problems)) = catalog else {
            panic!("a broken file must not load")
        };
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].file.ends_with("en/a.ftl"));
        assert_eq!((problems[0].line, problems[0].column), (Some(2), Some(15)));
        assert!(problems[0].message.starts_with("Fluent syntax error"));
    }

    #[test]
    fn duplicate_ids_and_missing_english_are_reported() {
        let (_dir, catalog) = catalog_with(&[
            ("es/a.ftl", "hola = Hola\n"),
            ("es/b.ftl", "hola = Otra vez\n"),
        ]);
        let Err(Problems(problems)) = catalog else {
            panic!("must fail")
        };
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|p| p.contains("“hola” is defined twice")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|p| p.contains("English (reference) locale is missing"))
        );
    }

    #[test]
    fn over_long_and_unrenderable_messages_are_problems() {
        let long = "x".repeat(MESSAGE_LIMIT + 1);
        let (dir, catalog) = catalog_with(&[(
            "en/a.ftl",
            &format!("long = {long}\nodd = Hi {{ $unknown }}\n"),
        )]);
        let problems = catalog.unwrap().check_required_messages(dir.path());
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            text.iter()
                .any(|p| p.contains("“long”: is 4097 characters long")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|p| p.contains("“odd”: cannot be shown")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|p| p.contains("“welcome” is used by the bot but missing"))
        );
    }

    #[test]
    fn line_column_counts_characters() {
        assert_eq!(line_column("ab\ncdé f", 8), (2, 5));
        assert_eq!(line_column("", 3), (1, 1));
    }
}
