//! The trees and the intake form against the catalog: the keys they use,
//! which messages are button labels, what nothing uses, callback data and
//! screen lengths. The loaders (`Trees::load`, `Form::load`) report the
//! structure (dangling and unreachable nodes, bad declarations); their
//! problems become findings here.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use fluent_bundle::{FluentArgs, FluentValue};

use super::Finding;
use super::fluent::Usage;
use super::source::Model;
use super::telegram::Renderer;
use crate::content::Problems;
use crate::dialogue::Trees;
use crate::dialogue::sources::{QuoteError, SourceText};
use crate::frame::Line;
use crate::i18n::CODE_MESSAGES;
use crate::intake::Form;
use crate::intake::countries;
use crate::intake::form::Kind;
use crate::text::{CALLBACK_DATA_LIMIT, MESSAGE_LIMIT, escape_html, telegram_len};

/// Message ids the code formats by name, besides `i18n::CODE_MESSAGES`
/// (`tests` in this module keeps the list in step with `src/`).
pub(crate) const CODE_FORMATTED: &[&str] = &[
    "handoff-already-open",
    "handoff-closed",
    "handoff-coordinator-joined",
    "handoff-not-delivered",
    "handoff-off-hours",
    "handoff-opened",
    "handoff-rating-thanks",
    "handoff-reopened",
    "intake-back",
    "intake-consent-agree",
    "intake-consent-decline",
    "intake-consent-declined",
    "intake-country-matches",
    "intake-documents-received",
    "intake-done",
    "intake-error-choose-one",
    "intake-error-country",
    "intake-error-expected-button",
    "intake-error-expected-file",
    "intake-error-expected-text",
    "intake-error-file-type",
    "intake-error-file-too-large",
    "intake-error-future",
    "intake-error-month-year",
    "intake-error-not-a-number",
    "intake-error-out-of-range",
    "intake-error-phone",
    "intake-error-too-long",
    "intake-error-too-many-files",
    "intake-error-too-short",
    "intake-phone-share",
    "intake-review",
    "intake-review-files",
    "intake-review-skipped",
    "intake-skip",
    "intake-submit",
    "intake-submitted",
    "intake-submitted-chat",
    "intake-submitted-phone",
    // The coordinators' texts (`handoff::texts`, `coordinators.ftl`).
    "coord-language-name",
    "coord-language",
    "coord-duration-minutes",
    "coord-duration-hours",
    "coord-duration-days",
    "coord-answer-taken",
    "coord-answer-yours",
    "coord-answer-held",
    "coord-answer-closed",
    "coord-answer-gone",
    "coord-answer-unchanged",
    "coord-answer-released",
    "coord-answer-transferred",
    "coord-answer-urgent",
    "coord-answer-not-urgent",
    "coord-answer-noted",
    "coord-note-released",
    "coord-note-transferred",
    "coord-note-closed",
    "coord-note-closed-by-bot",
    "coord-note-rated",
    "coord-note-blocked",
    "coord-note-blocked-undelivered",
    "coord-note-undelivered",
    "coord-note-document-not-shown",
    "coord-note-edited",
    "coord-note-erased",
    "coord-refused-not-member",
    "coord-refused-held",
    "coord-unknown-command",
    "coord-transfer-help",
    "coord-team-already",
    "coord-moved-out",
    "coord-moved-in",
    "coord-another-team",
    "coord-card-urgent",
    "coord-card-waiting",
    "coord-card-assigned",
    "coord-card-closed",
    "coord-card-language",
    "coord-card-no-details",
    "coord-card-documents",
    "coord-queue-empty",
    "coord-queue-header",
    "coord-queue-page",
    "coord-queue-waiting",
    "coord-queue-held",
    "coord-reminder-second",
    "coord-reminder-urgent",
    "coord-reminder-waiting",
    "coord-reminder-holder",
    "coord-reminder-everyone",
    "coord-reminder-link",
    "coord-replies-none",
    "coord-replies-menu",
    "coord-replies-missing",
    "coord-reply-sent",
    "coord-reply-sent-translated",
    "coord-reply-unknown",
    "coord-reply-not-translated",
    "coord-reply-needs-date",
    "coord-reply-bad-date",
    "coord-reply-needs-name",
    "coord-reply-broken",
    "coord-reply-answer-sent",
    "coord-reply-answer-not-sent",
    "coord-reply-answer-repeated",
    "coord-stats-title",
    "coord-stats-now",
    "coord-stats-today",
    "coord-stats-week",
    "coord-stats-all-teams",
    "coord-stats-all-teams-week",
    "coord-figures-cases",
    "coord-figures-first-reply",
    "coord-figures-to-close",
    "coord-figures-durations",
    "coord-figures-no-durations",
    "coord-figures-rating",
    "coord-figures-no-rating",
    "coord-figures-reminders",
    "coord-figures-languages",
    "coord-figures-cancer-types",
    "coord-figures-drivers",
    "coord-figures-not-given",
    "coord-weekly-title",
    "coord-weekly-queue",
    "coord-anonymous",
];

/// Message ids the code shows as button labels (trees and the form name
/// theirs in `dialogues/`; country names are labels too).
pub(crate) const CODE_LABELS: &[&str] = &[
    "nav-back",
    "nav-home",
    "nav-person",
    "menu-intake-continue",
    "delete-yes",
    "delete-no",
    "language-name",
    "intake-back",
    "intake-skip",
    "intake-done",
    "intake-submit",
    "intake-consent-agree",
    "intake-consent-decline",
    "intake-phone-share",
    // The case card's buttons (`handoff::queue::card`).
    "coord-button-take",
    "coord-button-release",
    "coord-button-urgent",
    "coord-button-not-urgent",
    "coord-button-close",
];

/// One use of a message id by a tree or the form.
pub(crate) struct KeyUse {
    pub id: String,
    pub file: PathBuf,
    pub at: (usize, usize),
    /// What uses it, e.g. “node “home” (its text)”.
    pub what: String,
    /// The question's `.label` attribute names it on the review screen.
    pub needs_label: bool,
}

/// What the dialogue files use.
pub(crate) struct DialogueUse {
    pub findings: Vec<Finding>,
    pub trees: Option<Trees>,
    pub form: Option<Form>,
    pub keys: Vec<KeyUse>,
    /// Message ids shown as button labels.
    pub labels: BTreeSet<String>,
}

impl DialogueUse {
    pub fn load(dir: &Path) -> DialogueUse {
        let mut findings = Vec::new();
        let trees = match Trees::load(dir) {
            Ok(trees) => Some(trees),
            Err(Problems(problems)) => {
                findings.extend(problems.iter().map(|problem| {
                    let code = if problem.message.contains("which does not exist") {
                        "dangling-node"
                    } else if problem.message.contains("cannot be reached") {
                        "unreachable-node"
                    } else {
                        "tree-error"
                    };
                    Finding::from_problem(code, problem)
                }));
                None
            }
        };
        let form = match Form::load(dir) {
            Ok(form) => Some(form),
            Err(Problems(problems)) => {
                findings.extend(
                    problems
                        .iter()
                        .map(|problem| Finding::from_problem("form-error", problem)),
                );
                None
            }
        };
        let mut labels: BTreeSet<String> = CODE_LABELS.iter().map(|id| (*id).to_owned()).collect();
        labels.extend(
            countries::CODES
                .iter()
                .map(|code| countries::message_id(code)),
        );
        let mut keys = Vec::new();
        let mut sources = Sources::default();
        if let Some(trees) = &trees {
            let mut reviews = BTreeSet::new();
            for node in trees.nodes() {
                let source = sources.get(&node.file);
                let mut add = |id: &str, line: usize, what: String| {
                    keys.push(KeyUse {
                        id: id.to_owned(),
                        file: node.file.clone(),
                        at: locate(source, line, id),
                        what,
                        needs_label: false,
                    });
                };
                add(
                    &node.text,
                    node.line,
                    format!("node “{}” (its text)", node.id),
                );
                for footer in &node.footer {
                    add(footer, node.line, format!("node “{}” (a footer)", node.id));
                }
                for button in &node.buttons {
                    labels.insert(button.label.clone());
                    add(
                        &button.label,
                        button.line,
                        format!("node “{}” (a button label)", node.id),
                    );
                }
                if let Some(reviewed) = &node.reviewed
                    && reviews.insert(node.file.clone())
                {
                    add(
                        &reviewed.by,
                        1,
                        format!("tree “{}” (reviewed: by)", node.tree),
                    );
                    add(
                        &reviewed.line,
                        1,
                        format!("tree “{}” (reviewed: line)", node.tree),
                    );
                }
            }
        }
        if let Some(form) = &form {
            let source = sources.get(&form.file);
            for field in &form.fields {
                let mut add = |id: &str, what: String, needs_label: bool| {
                    keys.push(KeyUse {
                        id: id.to_owned(),
                        file: form.file.clone(),
                        at: locate(source, field.line, id),
                        what,
                        needs_label,
                    });
                };
                add(
                    &field.prompt,
                    format!("question “{}” (its prompt)", field.id),
                    true,
                );
                for choice in field.choices() {
                    labels.insert(choice.label.clone());
                    add(
                        &choice.label,
                        format!("question “{}” (a choice label)", field.id),
                        false,
                    );
                }
                if let Some(stop) = &field.stop_when {
                    add(
                        &stop.message,
                        format!("question “{}” (stop_when message)", field.id),
                        false,
                    );
                }
            }
        }
        DialogueUse {
            findings,
            trees,
            form,
            keys,
            labels,
        }
    }

    pub fn is_label(&self, id: &str) -> bool {
        self.labels.contains(id)
    }

    /// The messages of the safety frame, each with what it is for: the
    /// frame's lines (`crate::frame`) and the form's emergency question
    /// (its text, its answers, its advice), which every locale must have.
    pub fn safety_messages(&self) -> BTreeMap<String, String> {
        let mut safety: BTreeMap<String, String> = Line::ALL
            .iter()
            .map(|line| (line.message_id().to_owned(), line.purpose().to_owned()))
            .collect();
        if let Some(screen) = self.form.as_ref().and_then(|form| form.emergency()) {
            let purpose = "the emergency question asked before the form and before “talk to a \
                           person” opens a case";
            let mut ids = vec![screen.prompt.clone()];
            ids.extend(screen.choices().into_iter().map(|choice| choice.label));
            ids.extend(screen.stop_when.iter().map(|stop| stop.message.clone()));
            for id in ids {
                safety.insert(id, purpose.to_owned());
            }
        }
        safety
    }

    /// A form that lets a patient reach a person without the emergency
    /// question first.
    pub fn safety_findings(&self) -> Vec<Finding> {
        self.form
            .iter()
            .flat_map(Form::safety_problems)
            .map(|problem| Finding::from_problem("missing-emergency-step", &problem))
            .collect()
    }

    /// Keys the dialogues use that English lacks, messages the code needs,
    /// messages nothing uses, and screens too long in some locale.
    pub fn check_against_english(
        &self,
        english: &Model,
        renderer: &Renderer,
        models: &[Model],
    ) -> Vec<Finding> {
        let mut findings = Vec::new();
        for key in &self.keys {
            match english.messages.get(key.id.as_str()) {
                Some(def) if def.value.is_some() => {
                    if key.needs_label && def.attribute("label").is_none() {
                        findings.push(Finding::error(
                            "missing-label-attribute",
                            &def.file.path,
                            def.position(),
                            format!(
                                "“{}” is used by {} and needs a “.label” attribute: the short \
                                 name of the question on the review screen. Add a line \
                                 “    .label = …” under it",
                                key.id, key.what
                            ),
                        ));
                    }
                }
                _ => findings.push(Finding::error(
                    "unknown-message-key",
                    &key.file,
                    key.at,
                    format!(
                        "{} uses the message “{}”, which English does not have: check the \
                         spelling here, or add “{} = …” to a file in {}",
                        key.what,
                        key.id,
                        key.id,
                        english.dir.display()
                    ),
                )),
            }
        }
        let code_ids: BTreeSet<String> = CODE_MESSAGES
            .iter()
            .chain(CODE_FORMATTED)
            .chain(CODE_LABELS)
            .map(|id| (*id).to_owned())
            .chain(
                countries::CODES
                    .iter()
                    .map(|code| countries::message_id(code)),
            )
            .collect();
        let countries: Vec<String> = countries::CODES
            .iter()
            .map(|code| countries::message_id(code))
            .filter(|id| !english.has_message(id))
            .collect();
        if !countries.is_empty() {
            let shown: Vec<&str> = countries.iter().take(8).map(String::as_str).collect();
            let more = match countries.len() - shown.len() {
                0 => String::new(),
                more => format!(" and {more} more"),
            };
            findings.push(Finding::error(
                "missing-code-message",
                english.dir,
                (0, 0),
                format!(
                    "the intake form offers every country by name, but English lacks {} of them: \
                     {}{more}. Add them (e.g. “country-FR = France”) to a file in this folder",
                    countries.len(),
                    shown.join(", ")
                ),
            ));
        }
        for id in code_ids.iter().filter(|id| !id.starts_with("country-")) {
            if !english.has_message(id) {
                findings.push(Finding::error(
                    "missing-code-message",
                    english.dir,
                    (0, 0),
                    format!(
                        "the bot itself shows the message “{id}”, but English has no such message \
                         (with a text): add “{id} = …” to a file in this folder"
                    ),
                ));
            }
        }
        if self.trees.is_some() && self.form.is_some() {
            let mut used: BTreeSet<&str> = self.keys.iter().map(|key| key.id.as_str()).collect();
            used.extend(code_ids.iter().map(String::as_str));
            for def in english.messages.values().chain(english.terms.values()) {
                let usage = Usage::of_def(def);
                used.extend(usage.messages.iter().map(|(id, _)| *id));
            }
            for (id, def) in &english.messages {
                // The reply library is used by coordinators (`/r`), by name.
                let a_ready_reply = def.file.name == crate::handoff::replies::FILE;
                if !used.contains(id) && !a_ready_reply {
                    findings.push(def.warning(
                        "unused-message",
                        format!(
                            "nothing shows “{id}”: no tree, no question of the form and no part \
                             of the bot uses it. Delete it here and in the other languages, or \
                             use it in dialogues/"
                        ),
                    ));
                }
            }
        }
        if let Some(trees) = &self.trees {
            for model in models {
                for node in trees.nodes() {
                    let html = node_html(renderer, model.tag, node);
                    let length = telegram_len(&html);
                    let own = telegram_len(&own_html(renderer, model.tag, node));
                    let phone =
                        node.screen == crate::dialogue::Screen::Content && length > PHONE_SCREEN;
                    if phone && length <= MESSAGE_LIMIT {
                        let message = format!(
                            "the screen of node “{}” ({}) is {length} characters long in {}: its \
                             text is {own}, and the review line and the “not medical advice” \
                             footer the bot adds come on top; a phone shows about \
                             {PHONE_SCREEN} at once, so patients scroll and lose the thread: \
                             shorten the text, or ask a content editor to split the node in \
                             dialogues/",
                            node.id, node.text, model.tag
                        );
                        findings.push(match model.messages.get(node.text.as_str()) {
                            Some(def) => def.warning("screen-long", message),
                            None => {
                                Finding::warning("screen-long", &node.file, (node.line, 1), message)
                            }
                        });
                    }
                    if length > MESSAGE_LIMIT {
                        findings.push(Finding::error(
                            "screen-too-long",
                            &node.file,
                            (node.line, 1),
                            format!(
                                "the screen of node “{}” in {} is {length} characters long (its \
                                 text, footers and review line together); Telegram allows \
                                 {MESSAGE_LIMIT}: shorten the texts, or split the node in two",
                                node.id, model.tag
                            ),
                        ));
                    }
                }
            }
        }
        findings
    }
}

/// Characters of a content screen as the patient sees it (its text and
/// footers, the review line and the frame's footer) a phone shows without
/// scrolling: over it, `screen-long`.
pub(crate) const PHONE_SCREEN: usize = 700;

/// A node's own text and declared footers, without what the bot adds.
fn own_html(renderer: &Renderer, tag: &str, node: &crate::dialogue::Node) -> String {
    let mut html = renderer.show(tag, &node.text, None);
    for footer in &node.footer {
        html.push_str("\n\n");
        html.push_str(&renderer.show(tag, footer, None));
    }
    html
}

/// A node's screen as `Node::body_html` builds it.
fn node_html(renderer: &Renderer, tag: &str, node: &crate::dialogue::Node) -> String {
    let mut html = renderer.show(tag, &node.text, None);
    for footer in &node.footer {
        html.push_str("\n\n");
        html.push_str(&renderer.show(tag, footer, None));
    }
    if let Some(reviewed) = &node.reviewed {
        let mut args = FluentArgs::new();
        args.set(
            "reviewer",
            FluentValue::from(renderer.show(tag, &reviewed.by, None)),
        );
        args.set("date", FluentValue::from(escape_html(&reviewed.on)));
        html.push_str("\n\n");
        html.push_str(&renderer.show(tag, &reviewed.line, Some(&args)));
    }
    if node.screen == crate::dialogue::Screen::Content {
        html.push_str("\n\n");
        html.push_str(&renderer.show(tag, crate::frame::Line::NotAdvice.message_id(), None));
    }
    html
}

/// Every quote of a node's `source:` names exactly one paragraph of its
/// tree's source text (`dialogue::sources`): `unknown-source` otherwise.
pub(crate) fn source_findings(usage: &DialogueUse) -> Vec<Finding> {
    let Some(trees) = &usage.trees else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    let mut texts: BTreeMap<PathBuf, Option<SourceText>> = BTreeMap::new();
    for node in trees.nodes() {
        let Some(source) = &node.source else {
            continue;
        };
        let yaml = fs::read_to_string(&node.file).unwrap_or_default();
        if !texts.contains_key(&source.file) {
            let text = SourceText::read(&source.file).ok();
            if text.is_none() {
                // A deployment may carry the trees without the medical
                // source (it lives beside the repository): nothing to check.
                findings.push(Finding::warning(
                    "missing-source-text",
                    &node.file,
                    (node.line, 1),
                    format!(
                        "node “{}” (and the others of its tree) quotes the source text {}, which \
                         cannot be read here, so the quotes are not checked: check the tree's \
                         `source:` path (relative to this file)",
                        node.id,
                        source.file.display()
                    ),
                ));
            }
            texts.insert(source.file.clone(), text);
        }
        let Some(Some(text)) = texts.get(&source.file) else {
            continue;
        };
        for quote in &source.quotes {
            let why = match text.paragraph_of(quote) {
                Ok(_) => continue,
                Err(QuoteError::NotFound) => "no paragraph of the source contains it".to_owned(),
                Err(QuoteError::Ambiguous(paragraphs)) => format!(
                    "paragraphs {} all contain it: quote more words",
                    paragraphs
                        .iter()
                        .map(usize::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            // The line of the quote, quoted as YAML writes it if it is.
            let line_with = |needle: &str| {
                yaml.lines()
                    .enumerate()
                    .skip(node.line.saturating_sub(1))
                    .find(|(_, line)| line.contains(needle))
                    .map(|(index, _)| index + 1)
            };
            let line = line_with(&format!("\"{quote}\""))
                .or_else(|| line_with(quote))
                .unwrap_or(node.line);
            findings.push(Finding::error(
                "unknown-source",
                &node.file,
                (line, 1),
                format!(
                    "node “{}” quotes “{quote}” from {}, but {why}. Copy a phrase of the \
                     paragraph the screen says, exactly as the source writes it",
                    node.id,
                    source.file.display()
                ),
            ));
        }
    }
    findings
}

/// Callback data of every button the trees, the form and the language
/// picker make, within Telegram's 64 bytes.
pub(crate) fn callback_findings(usage: &DialogueUse, models: &[Model]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut check = |data: String, file: &Path, at: (usize, usize), what: String| {
        if data.len() > CALLBACK_DATA_LIMIT {
            findings.push(Finding::error(
                "callback-too-long",
                file,
                at,
                format!(
                    "{what} would carry {} bytes of button data (“{data}”); Telegram allows \
                     {CALLBACK_DATA_LIMIT}: use a shorter id",
                    data.len()
                ),
            ));
        }
    };
    if let Some(trees) = &usage.trees {
        for node in trees.nodes() {
            for button in &node.buttons {
                check(
                    button.target.callback().encode(),
                    &node.file,
                    (button.line, 1),
                    format!("the button “{}” of node “{}”", button.label, node.id),
                );
            }
        }
    }
    // `dialogue::callback` (l:<tag>) and `intake::engine` (i:<op>:<question>[:<value>]).
    for model in models {
        check(
            format!("l:{}", model.tag),
            model.dir,
            (0, 0),
            format!("the language button of “{}”", model.tag),
        );
    }
    if let Some(form) = &usage.form {
        for field in &form.fields {
            let at = (field.line, 1);
            check(
                format!("i:e:{}", field.id),
                &form.file,
                at,
                format!("the edit button of question “{}”", field.id),
            );
            let mut values: Vec<String> = field
                .choices()
                .into_iter()
                .map(|choice| choice.value)
                .collect();
            match &field.kind {
                Kind::Country { .. } => {
                    values.extend(countries::CODES.iter().map(|code| (*code).to_owned()));
                }
                Kind::Language => values.extend(models.iter().map(|m| m.tag.to_owned())),
                _ => {}
            }
            for value in values {
                check(
                    format!("i:a:{}:{value}", field.id),
                    &form.file,
                    at,
                    format!("the answer “{value}” of question “{}”", field.id),
                );
            }
        }
    }
    findings
}

/// YAML sources, read once, for positions.
#[derive(Default)]
struct Sources {
    files: BTreeMap<PathBuf, String>,
}

impl Sources {
    fn get(&mut self, path: &Path) -> &str {
        self.files
            .entry(path.to_path_buf())
            .or_insert_with(|| fs::read_to_string(path).unwrap_or_default())
    }
}

/// (line, column) of `key` as a whole word at or after line `from`
/// (1-based); (`from`, 1) when it cannot be found.
fn locate(source: &str, from: usize, key: &str) -> (usize, usize) {
    for (index, line) in source.lines().enumerate().skip(from.saturating_sub(1)) {
        if let Some(start) = find_word(line, key) {
            return (index + 1, line[..start].chars().count() + 1);
        }
    }
    (from.max(1), 1)
}

/// Byte offset of `key` in `text` as a whole id (not part of a longer one).
fn find_word(text: &str, key: &str) -> Option<usize> {
    let is_id = |ch: char| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_';
    let mut search = 0;
    while let Some(found) = text[search..].find(key) {
        let start = search + found;
        let end = start + key.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(is_id) && !after.is_some_and(is_id) {
            return Some(start);
        }
        search = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every string literal in `src/` (outside tests and this module) that
    /// is an English message id must be known here, so that “unused-message”
    /// and the label checks stay right when the code changes.
    #[test]
    fn code_lists_match_the_source() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let english: BTreeSet<String> = crate::i18n::ftl_files(&root.join("locales/en"))
            .iter()
            .flat_map(|path| {
                let text = fs::read_to_string(path).unwrap();
                text.lines()
                    .filter_map(|line| line.split_once(" =").map(|(id, _)| id.to_owned()))
                    .filter(|id| !id.starts_with([' ', '#', '.', '-']) && !id.is_empty())
                    .collect::<Vec<_>>()
            })
            .collect();
        let known: BTreeSet<&str> = CODE_MESSAGES
            .iter()
            .chain(CODE_FORMATTED)
            .chain(CODE_LABELS)
            .copied()
            // Labels of yes / no / unsure questions, used through the form.
            .chain(
                crate::intake::form::YES_NO_UNSURE
                    .iter()
                    .map(|(_, label)| *label),
            )
            .collect();
        let dialogues: String = fs::read_dir(root.join("dialogues"))
            .unwrap()
            .map(|entry| fs::read_to_string(entry.unwrap().path()).unwrap_or_default())
            .collect();
        let mut in_code = BTreeSet::new();
        let mut stack = vec![root.join("src")];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    if !path.ends_with("check") && !path.ends_with("emulator") {
                        stack.push(path);
                    }
                    continue;
                }
                let text = fs::read_to_string(&path).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap_or_default();
                for literal in code.split('"').skip(1).step_by(2) {
                    if english.contains(literal) {
                        in_code.insert(literal.to_owned());
                    }
                }
            }
        }
        let unknown: Vec<&String> = in_code
            .iter()
            .filter(|id| !known.contains(id.as_str()) && find_word(&dialogues, id).is_none())
            .collect();
        assert!(
            unknown.is_empty(),
            "the code formats {unknown:?}: add them to CODE_FORMATTED (and CODE_LABELS for buttons)"
        );
        let stale: Vec<&&str> = CODE_FORMATTED
            .iter()
            .chain(CODE_LABELS)
            .filter(|id| !in_code.contains(**id))
            .collect();
        assert!(
            stale.is_empty(),
            "no code uses {stale:?} any more: remove them"
        );
    }

    #[test]
    fn locate_finds_whole_words_only() {
        let source =
            "nodes:\n  - id: a\n    text: a-text\n    buttons:\n      - { label: a, goto: b }\n";
        assert_eq!(locate(source, 2, "a-text"), (3, 11));
        assert_eq!(locate(source, 4, "a"), (5, 18));
        assert_eq!(locate(source, 1, "zzz"), (1, 1));
    }
}
