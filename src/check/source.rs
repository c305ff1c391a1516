//! Finding the locales and parsing their files with positions.
//!
//! fluent-syntax 0.12 keeps no spans, but parsing a `&str` gives an AST of
//! slices of that very string: the byte offset of any identifier, text or
//! junk is its address minus the address of the source. `offset_in` does
//! exactly that, so every finding points at the character it is about.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use fluent_syntax::ast;
use fluent_syntax::parser::{ErrorKind, ParserError};
use unic_langid::LanguageIdentifier;

use super::Finding;
use crate::i18n::{REFERENCE_LOCALE, line_column};

/// One `.ftl` file as read from disk.
#[derive(Debug)]
pub(crate) struct SourceFile {
    pub path: PathBuf,
    /// The file name, e.g. `bot.ftl`.
    pub name: String,
    pub text: String,
}

impl SourceFile {
    /// 1-based (line, column) of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        line_column(&self.text, offset)
    }

    /// Byte offset of `part`, which must be a slice of `self.text`.
    pub fn offset_of(&self, part: &str) -> usize {
        offset_in(&self.text, part)
    }
}

/// Byte offset of `part` in `whole` when `part` is a slice of it; 0 otherwise.
pub(crate) fn offset_in(whole: &str, part: &str) -> usize {
    let start = whole.as_ptr() as usize;
    let at = part.as_ptr() as usize;
    if at >= start && at + part.len() <= start + whole.len() {
        at - start
    } else {
        0
    }
}

/// A locale folder and its files.
#[derive(Debug)]
pub(crate) struct LocaleDir {
    pub tag: String,
    pub langid: LanguageIdentifier,
    pub dir: PathBuf,
    pub files: Vec<SourceFile>,
}

pub(crate) struct Discovery {
    /// English first, then by folder name.
    pub locales: Vec<LocaleDir>,
    pub findings: Vec<Finding>,
}

/// Whether a folder name and a requested tag name the same locale
/// (`zh-hans` and `zh-Hans` do).
pub(crate) fn same_locale(tag: &str, wanted: &str) -> bool {
    match (
        LanguageIdentifier::from_str(tag),
        LanguageIdentifier::from_str(wanted),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => tag == wanted,
    }
}

/// Reads every `<dir>/<locale>/*.ftl`. Files directly in `dir` (such as the
/// staleness lock) and hidden folders are not locales.
pub(crate) fn discover(dir: &Path) -> Discovery {
    let mut findings = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            findings.push(Finding::error(
                "unreadable-file",
                dir,
                (0, 0),
                format!("cannot read the locales folder: {err}"),
            ));
            return Discovery {
                locales: Vec::new(),
                findings,
            };
        }
    };
    let mut folders: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .filter(|path| !file_name(path).starts_with('.'))
        .collect();
    folders.sort();
    let mut locales = Vec::new();
    for folder in folders {
        let tag = file_name(&folder);
        let Ok(langid) = LanguageIdentifier::from_str(&tag) else {
            findings.push(Finding::error(
                "bad-locale-folder",
                &folder,
                (0, 0),
                format!(
                    "the folder name “{tag}” is not a language tag, so the bot cannot use it: \
                     name the folder after the language, e.g. es, fr, pt-BR or zh-Hans"
                ),
            ));
            continue;
        };
        let mut files = Vec::new();
        for path in crate::i18n::ftl_files(&folder) {
            match fs::read_to_string(&path) {
                Ok(text) => files.push(SourceFile {
                    name: file_name(&path),
                    path,
                    text,
                }),
                Err(err) => findings.push(Finding::error(
                    "unreadable-file",
                    &path,
                    (0, 0),
                    format!("cannot read this file ({err}); save it as UTF-8 text"),
                )),
            }
        }
        locales.push(LocaleDir {
            tag,
            langid,
            dir: folder,
            files,
        });
    }
    locales.sort_by_key(|locale| locale.tag != REFERENCE_LOCALE);
    Discovery { locales, findings }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

pub(crate) struct ParsedFile<'s> {
    pub file: &'s SourceFile,
    pub resource: ast::Resource<&'s str>,
    pub errors: Vec<ParserError>,
}

pub(crate) struct ParsedLocale<'s> {
    pub dir: &'s LocaleDir,
    pub files: Vec<ParsedFile<'s>>,
}

impl<'s> ParsedLocale<'s> {
    pub fn parse(dir: &'s LocaleDir) -> ParsedLocale<'s> {
        let files = dir
            .files
            .iter()
            .map(|file| {
                let text = file.text.strip_prefix('\u{feff}').unwrap_or(&file.text);
                let (resource, errors) = match fluent_syntax::parser::parse(text) {
                    Ok(resource) => (resource, Vec::new()),
                    Err((resource, errors)) => (resource, errors),
                };
                ParsedFile {
                    file,
                    resource,
                    errors,
                }
            })
            .collect();
        ParsedLocale { dir, files }
    }

    /// Parser errors (each one also left a junk entry: the skipped text).
    pub fn syntax_findings(&self) -> Vec<Finding> {
        let mut findings = Vec::new();
        for parsed in &self.files {
            let file = parsed.file;
            let bom = usize::from(file.text.starts_with('\u{feff}')) * '\u{feff}'.len_utf8();
            if bom > 0 {
                findings.push(Finding::error(
                    "invisible-character",
                    &file.path,
                    (1, 1),
                    "the file starts with an invisible “byte order mark” (U+FEFF): save it as \
                     “UTF-8” rather than “UTF-8 with BOM”",
                ));
            }
            let junk: Vec<&str> = parsed
                .resource
                .body
                .iter()
                .filter_map(|entry| match entry {
                    ast::Entry::Junk { content } => Some(*content),
                    _ => None,
                })
                .collect();
            for error in &parsed.errors {
                let offset = bom + error.pos.start;
                let skipped = error
                    .slice
                    .as_ref()
                    .map(|slice| (bom + slice.start, bom + slice.end))
                    .or_else(|| {
                        junk.iter()
                            .map(|text| file.offset_of(text))
                            .map(|start| (start, start))
                            .rfind(|(start, _)| *start <= offset)
                    });
                let mut message = format!("Fluent syntax error: {}", explain(&error.kind));
                if let Some((start, end)) = skipped {
                    let first = file.position(start).0;
                    let last = file.position(end.saturating_sub(1).max(start)).0;
                    let lines = if first >= last {
                        format!("line {first} was")
                    } else {
                        format!("lines {first}-{last} were")
                    };
                    message.push_str(&format!(
                        ". Because of this, {lines} ignored: the messages there are missing until \
                         it is fixed"
                    ));
                }
                findings.push(Finding::error(
                    "syntax-error",
                    &file.path,
                    file.position(offset),
                    message,
                ));
            }
        }
        findings
    }
}

/// The parser's error, in words for a translator.
fn explain(kind: &ErrorKind) -> String {
    match kind {
        ErrorKind::ExpectedToken('=') => {
            "expected “=” here. Each message starts at the very beginning of a \
             line as “id = text”; if this line continues the text above, indent it with four spaces"
                .to_owned()
        }
        ErrorKind::ExpectedToken('}') => {
            "expected “}” here: every “{” must be closed, as in { $name }".to_owned()
        }
        ErrorKind::ExpectedToken('[') => {
            "expected a variant such as [one] or *[other] here, each on its own indented line"
                .to_owned()
        }
        ErrorKind::ExpectedToken(token) => format!("expected “{token}” here"),
        ErrorKind::ExpectedCharRange { range } => format!(
            "expected one of {range} here. Message ids and variable names use only letters a-z, \
             A-Z, digits, “-” and “_”, and start with a letter; a line that starts at the very \
             left is read as a new message, so indent continuation lines with four spaces"
        ),
        ErrorKind::ExpectedMessageField { entry_id } => format!(
            "the message “{entry_id}” has no text: write it after “=”, or on the next lines \
             indented with four spaces"
        ),
        ErrorKind::ExpectedTermField { entry_id } => format!(
            "the term “-{entry_id}” has no text: write it after “=”, or on the next lines \
             indented with four spaces"
        ),
        ErrorKind::ForbiddenCallee => {
            "only functions may be called with ( ): NUMBER(…) or DATETIME(…), \
             written in capitals"
                .to_owned()
        }
        ErrorKind::MissingDefaultVariant => {
            "this choice has no default variant: mark one variant with “*”, \
             usually *[other]"
                .to_owned()
        }
        ErrorKind::MissingValue => "expected a text (value) here".to_owned(),
        ErrorKind::MultipleDefaultVariants => {
            "only one variant may be marked as the default with “*”".to_owned()
        }
        ErrorKind::MessageReferenceAsSelector
        | ErrorKind::TermReferenceAsSelector
        | ErrorKind::MessageAttributeAsSelector => {
            "a choice ( -> ) must depend on a variable such as $count, not on \
             another message"
                .to_owned()
        }
        ErrorKind::TermAttributeAsPlaceable => {
            "a term's attribute (-term.attr) can only be used to choose a variant, \
             not shown directly"
                .to_owned()
        }
        ErrorKind::UnterminatedStringLiteral => {
            "a quoted text is not closed: add the closing quote \"".to_owned()
        }
        ErrorKind::PositionalArgumentFollowsNamed => {
            "in a function call, write plain values before named ones (name: value)".to_owned()
        }
        ErrorKind::DuplicatedNamedArgument(name) => {
            format!("the option “{name}” is given twice in this function call")
        }
        ErrorKind::UnknownEscapeSequence(sequence) => format!(
            "unknown escape “\\{sequence}” inside quotes: only \\\" \\\\ \\uXXXX and \\UXXXXXX exist"
        ),
        ErrorKind::InvalidUnicodeEscapeSequence(sequence) => {
            format!("“{sequence}” is not a valid \\u escape (four hexadecimal digits)")
        }
        ErrorKind::UnbalancedClosingBrace => {
            "a “}” without a matching “{”. To show a brace itself, write {\"}\"} \
             (or {\"{\"})"
                .to_owned()
        }
        ErrorKind::ExpectedInlineExpression => {
            "expected something to insert between { and }: a variable such \
             as { $name }, a message id, or a quoted text such as {\"{\"}"
                .to_owned()
        }
        ErrorKind::ExpectedSimpleExpressionAsSelector => {
            "a choice ( -> ) must depend on a variable such as $count".to_owned()
        }
        ErrorKind::ExpectedLiteral => "expected a number or a quoted text here".to_owned(),
    }
}

/// A message or term as defined (the first definition when repeated).
#[derive(Clone, Copy)]
pub(crate) struct Def<'a> {
    pub id: &'a str,
    pub file: &'a SourceFile,
    /// Byte offset of the id in the file.
    pub offset: usize,
    pub value: Option<&'a ast::Pattern<&'a str>>,
    pub attributes: &'a [ast::Attribute<&'a str>],
    pub is_term: bool,
}

impl<'a> Def<'a> {
    pub fn position(&self) -> (usize, usize) {
        self.file.position(self.offset)
    }

    /// Where this definition is, as `file:line`.
    pub fn place(&self) -> String {
        format!("{}:{}", self.file.path.display(), self.position().0)
    }

    pub fn attribute(&self, name: &str) -> Option<&'a ast::Attribute<&'a str>> {
        self.attributes
            .iter()
            .find(|attribute| attribute.id.name == name)
    }

    /// The id as written in a reference: `-brand` for terms.
    pub fn display_id(&self) -> String {
        if self.is_term {
            format!("-{}", self.id)
        } else {
            self.id.to_owned()
        }
    }

    pub fn error(&self, code: &'static str, message: impl Into<String>) -> Finding {
        Finding::error(code, &self.file.path, self.position(), message)
    }

    pub fn warning(&self, code: &'static str, message: impl Into<String>) -> Finding {
        Finding::warning(code, &self.file.path, self.position(), message)
    }

    /// A finding at a slice of this definition's file.
    pub fn error_at(&self, part: &str, code: &'static str, message: impl Into<String>) -> Finding {
        let at = self.file.position(self.file.offset_of(part));
        Finding::error(code, &self.file.path, at, message)
    }

    pub fn warning_at(
        &self,
        part: &str,
        code: &'static str,
        message: impl Into<String>,
    ) -> Finding {
        let at = self.file.position(self.file.offset_of(part));
        Finding::warning(code, &self.file.path, at, message)
    }
}

/// One locale, indexed: its messages and terms by id.
pub(crate) struct Model<'a> {
    pub tag: &'a str,
    pub langid: &'a LanguageIdentifier,
    pub dir: &'a Path,
    pub files: &'a [SourceFile],
    pub messages: BTreeMap<&'a str, Def<'a>>,
    pub terms: BTreeMap<&'a str, Def<'a>>,
    /// Message ids in file order (first definitions only).
    pub order: Vec<&'a str>,
}

impl<'a> Model<'a> {
    /// Indexes a parsed locale; a second definition of an id is a finding
    /// (the bot uses the first).
    pub fn index(parsed: &'a ParsedLocale<'a>) -> (Model<'a>, Vec<Finding>) {
        let mut findings = Vec::new();
        let mut model = Model {
            tag: &parsed.dir.tag,
            langid: &parsed.dir.langid,
            dir: &parsed.dir.dir,
            files: &parsed.dir.files,
            messages: BTreeMap::new(),
            terms: BTreeMap::new(),
            order: Vec::new(),
        };
        for file in &parsed.files {
            for entry in &file.resource.body {
                let def = match entry {
                    ast::Entry::Message(message) => Def {
                        id: message.id.name,
                        file: file.file,
                        offset: file.file.offset_of(message.id.name),
                        value: message.value.as_ref(),
                        attributes: &message.attributes,
                        is_term: false,
                    },
                    ast::Entry::Term(term) => Def {
                        id: term.id.name,
                        file: file.file,
                        offset: file.file.offset_of(term.id.name),
                        value: Some(&term.value),
                        attributes: &term.attributes,
                        is_term: true,
                    },
                    _ => continue,
                };
                let map = if def.is_term {
                    &mut model.terms
                } else {
                    &mut model.messages
                };
                if let Some(first) = map.get(def.id) {
                    let what = if def.is_term { "term" } else { "message" };
                    findings.push(def.error(
                        "duplicate-message",
                        format!(
                            "the {what} “{}” is defined twice in this language; the bot uses the \
                             first one, at {}. Delete one of the two, or give this one another id",
                            def.display_id(),
                            first.place()
                        ),
                    ));
                } else {
                    if !def.is_term {
                        model.order.push(def.id);
                    }
                    map.insert(def.id, def);
                }
            }
        }
        (model, findings)
    }

    /// The file of this locale with the given name, if any.
    pub fn file_named(&self, name: &str) -> Option<&'a SourceFile> {
        self.files.iter().find(|file| file.name == name)
    }

    /// Messages with a value (what `Catalog::has_message` counts).
    pub fn has_message(&self, id: &str) -> bool {
        self.messages.get(id).is_some_and(|def| def.value.is_some())
    }
}
