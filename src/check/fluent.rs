//! Checks on the Fluent structure of one locale (references, functions,
//! variants) and against English (missing, obsolete, shape, variables).

use std::collections::{BTreeMap, BTreeSet};

use fluent_syntax::ast;
use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
use unic_langid::LanguageIdentifier;

use super::source::{Def, Model};
use super::{Coverage, Finding};

/// The only functions the bot's Fluent bundles have.
pub(crate) const FUNCTIONS: &[&str] = &["NUMBER", "DATETIME"];

/// Variables the bot passes as numbers (see `i18n`'s sample arguments):
/// a choice on one of them is a plural choice.
pub(crate) const NUMERIC_VARIABLES: &[&str] = &["count", "min", "max", "days"];

/// Languages written in a script other than Latin: there a drug name left in
/// Latin letters is usually an oversight (`latin-drug-name`).
const NON_LATIN_LANGUAGES: &[&str] = &[
    "ar", "be", "bg", "el", "fa", "he", "hi", "ja", "ka", "ko", "mk", "ru", "sr", "th", "uk", "zh",
];

/// Drug names of the medical source (shared/content/), in their English
/// spelling; any Latin word ending in “-tinib” or “-mab” counts too.
const DRUG_NAMES: &[&str] = &["osimertinib", "lorlatinib"];

/// (message id, attribute) pairs that must render cleanly, because an
/// error already explains why they would not: no separate render error.
pub(crate) type Structural = BTreeSet<(String, String)>;

/// A choice (`{ $x -> [a] … *[b] … }`) in a pattern.
pub(crate) struct Select<'a> {
    /// The variable chosen on (also inside `NUMBER($x)`), if it is one.
    pub variable: Option<&'a str>,
    pub is_number_call: bool,
    /// Where the selector starts.
    pub at: &'a str,
    /// (key, is a number literal)
    pub keys: Vec<(&'a str, bool)>,
}

/// Everything a pattern refers to, each with the slice that locates it.
#[derive(Default)]
pub(crate) struct Usage<'a> {
    pub variables: Vec<&'a str>,
    pub functions: Vec<&'a str>,
    /// (message id, attribute)
    pub messages: Vec<(&'a str, Option<&'a str>)>,
    /// (term id without “-”, attribute)
    pub terms: Vec<(&'a str, Option<&'a str>)>,
    pub selects: Vec<Select<'a>>,
    /// Text elements and quoted literals, as they appear in the source.
    pub texts: Vec<&'a str>,
}

impl<'a> Usage<'a> {
    pub fn of(pattern: &'a ast::Pattern<&'a str>) -> Usage<'a> {
        let mut usage = Usage::default();
        usage.pattern(pattern);
        usage
    }

    /// Usage of a message's value and all its attributes.
    pub fn of_def(def: &Def<'a>) -> Usage<'a> {
        let mut usage = Usage::default();
        if let Some(value) = def.value {
            usage.pattern(value);
        }
        for attribute in def.attributes {
            usage.pattern(&attribute.value);
        }
        usage
    }

    fn pattern(&mut self, pattern: &'a ast::Pattern<&'a str>) {
        for element in &pattern.elements {
            match element {
                ast::PatternElement::TextElement { value } => self.texts.push(value),
                ast::PatternElement::Placeable { expression } => self.expression(expression),
            }
        }
    }

    fn expression(&mut self, expression: &'a ast::Expression<&'a str>) {
        match expression {
            ast::Expression::Inline(inline) => self.inline(inline),
            ast::Expression::Select { selector, variants } => {
                let (variable, is_number_call, at) = match selector {
                    ast::InlineExpression::VariableReference { id } => {
                        (Some(id.name), false, id.name)
                    }
                    ast::InlineExpression::FunctionReference { id, arguments } => {
                        let variable =
                            arguments
                                .positional
                                .first()
                                .and_then(|argument| match argument {
                                    ast::InlineExpression::VariableReference { id } => {
                                        Some(id.name)
                                    }
                                    _ => None,
                                });
                        (variable, id.name == "NUMBER", id.name)
                    }
                    other => (None, false, first_slice(other).unwrap_or("")),
                };
                self.inline(selector);
                let keys = variants
                    .iter()
                    .map(|variant| match &variant.key {
                        ast::VariantKey::Identifier { name } => (*name, false),
                        ast::VariantKey::NumberLiteral { value } => (*value, true),
                    })
                    .collect();
                self.selects.push(Select {
                    variable,
                    is_number_call,
                    at,
                    keys,
                });
                for variant in variants {
                    self.pattern(&variant.value);
                }
            }
        }
    }

    fn inline(&mut self, inline: &'a ast::InlineExpression<&'a str>) {
        match inline {
            ast::InlineExpression::StringLiteral { value } => self.texts.push(value),
            ast::InlineExpression::NumberLiteral { .. } => {}
            ast::InlineExpression::FunctionReference { id, arguments } => {
                self.functions.push(id.name);
                self.arguments(arguments);
            }
            ast::InlineExpression::MessageReference { id, attribute } => {
                self.messages
                    .push((id.name, attribute.as_ref().map(|a| a.name)));
            }
            ast::InlineExpression::TermReference {
                id,
                attribute,
                arguments,
            } => {
                self.terms
                    .push((id.name, attribute.as_ref().map(|a| a.name)));
                if let Some(arguments) = arguments {
                    self.arguments(arguments);
                }
            }
            ast::InlineExpression::VariableReference { id } => self.variables.push(id.name),
            ast::InlineExpression::Placeable { expression } => self.expression(expression),
        }
    }

    fn arguments(&mut self, arguments: &'a ast::CallArguments<&'a str>) {
        for argument in &arguments.positional {
            self.inline(argument);
        }
        for named in &arguments.named {
            self.inline(&named.value);
        }
    }

    pub fn variable_names(&self) -> BTreeSet<&'a str> {
        self.variables.iter().copied().collect()
    }
}

fn first_slice<'a>(inline: &ast::InlineExpression<&'a str>) -> Option<&'a str> {
    match inline {
        ast::InlineExpression::StringLiteral { value }
        | ast::InlineExpression::NumberLiteral { value } => Some(value),
        ast::InlineExpression::FunctionReference { id, .. }
        | ast::InlineExpression::MessageReference { id, .. }
        | ast::InlineExpression::TermReference { id, .. }
        | ast::InlineExpression::VariableReference { id } => Some(id.name),
        ast::InlineExpression::Placeable { .. } => None,
    }
}

/// The slice one character before `name` in the same string: the “$” of a
/// variable, the “-” of a term. Used only for positions.
pub(crate) fn with_sigil<'a>(file_text: &'a str, name: &'a str) -> &'a str {
    let offset = super::source::offset_in(file_text, name);
    if offset > 0 && file_text.is_char_boundary(offset - 1) {
        &file_text[offset - 1..offset]
    } else {
        name
    }
}

/// Checks within one locale: functions, references, cycles, variants.
pub(crate) fn check_locale(
    model: &Model,
    english: &Model,
    structural: &mut Structural,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let plural = PluralNeeds::for_locale(model.langid);
    for def in model.messages.values().chain(model.terms.values()) {
        let mut broken = false;
        let mut seen_attributes = BTreeSet::new();
        for attribute in def.attributes {
            if !seen_attributes.insert(attribute.id.name) {
                findings.push(def.error_at(
                    with_sigil(&def.file.text, attribute.id.name),
                    "duplicate-attribute",
                    format!(
                        "“{}” has the attribute .{} twice: keep only one",
                        def.display_id(),
                        attribute.id.name
                    ),
                ));
            }
        }
        let usage = Usage::of_def(def);
        for function in &usage.functions {
            if !FUNCTIONS.contains(function) {
                broken = true;
                findings.push(def.error_at(
                    function,
                    "unknown-function",
                    format!(
                        "“{}” calls the function {function}, which does not exist: the only \
                         functions are NUMBER and DATETIME, and their names are never translated",
                        def.display_id()
                    ),
                ));
            }
        }
        for (id, attribute) in &usage.messages {
            let problem = match (model.messages.get(id), attribute) {
                (None, _) => Some(format!(
                    "“{}” refers to the message “{id}”, which does not exist in this language \
                     ({}): check the spelling, or add “{id}”",
                    def.display_id(),
                    model.tag
                )),
                (Some(target), None) if target.value.is_none() => Some(format!(
                    "“{}” refers to the message “{id}”, which has no text of its own (only \
                     attributes): refer to one of its attributes, such as {{ {id}.label }}",
                    def.display_id()
                )),
                (Some(target), Some(name)) if target.attribute(name).is_none() => Some(format!(
                    "“{}” refers to “{id}.{name}”, but “{id}” has no attribute .{name} in this \
                     language ({})",
                    def.display_id(),
                    model.tag
                )),
                _ => None,
            };
            if let Some(problem) = problem {
                broken = true;
                findings.push(def.error_at(id, "unknown-reference", problem));
            }
        }
        for (id, attribute) in &usage.terms {
            let problem = match (model.terms.get(id), attribute) {
                (None, _) => Some(format!(
                    "“{}” refers to the term “-{id}”, which is not defined in this language ({}): \
                     each language defines its own terms, so add “-{id} = …” to its files",
                    def.display_id(),
                    model.tag
                )),
                (Some(target), Some(name)) if target.attribute(name).is_none() => Some(format!(
                    "“{}” refers to “-{id}.{name}”, but the term “-{id}” has no attribute .{name}",
                    def.display_id()
                )),
                _ => None,
            };
            if let Some(problem) = problem {
                broken = true;
                let at = with_sigil(&def.file.text, id);
                findings.push(def.error_at(at, "unknown-reference", problem));
            }
        }
        let numeric = numeric_variables(def, english);
        for select in &usage.selects {
            let mut keys = BTreeSet::new();
            for (key, _) in &select.keys {
                if !keys.insert(*key) {
                    findings.push(def.error_at(
                        key,
                        "duplicate-variant",
                        format!(
                            "“{}” has the variant [{key}] twice in the same choice: the second \
                             one is never used; delete one of them",
                            def.display_id()
                        ),
                    ));
                }
            }
            let is_plural = select.is_number_call
                || select.keys.iter().any(|(key, number)| {
                    *number || matches!(*key, "zero" | "one" | "two" | "few" | "many")
                })
                || select.variable.is_some_and(|name| numeric.contains(name));
            if let (true, Some(needs)) = (is_plural, &plural) {
                let missing: Vec<&(&str, u32)> = needs
                    .categories
                    .iter()
                    .filter(|(category, _)| !keys.contains(category))
                    .collect();
                if !missing.is_empty() {
                    let variable = select
                        .variable
                        .map_or_else(|| "the number".to_owned(), |v| format!("{{ ${v} }}"));
                    let list: Vec<String> = missing
                        .iter()
                        .map(|(category, example)| format!("[{category}] (e.g. {example})"))
                        .collect();
                    let all: Vec<&str> = needs.categories.iter().map(|(c, _)| *c).collect();
                    let at = match (select.variable, select.is_number_call) {
                        (Some(_), false) => with_sigil(&def.file.text, select.at),
                        _ => select.at,
                    };
                    findings.push(def.error_at(
                        at,
                        "missing-plural-form",
                        format!(
                            "the choice on {variable} in “{}” lacks {}: {} ({}) needs the forms \
                             {} and *[other] for whole numbers, and without them those numbers \
                             get the *[other] text. Add the missing variants",
                            def.display_id(),
                            list.join(", "),
                            crate::i18n::Locale::from(model.langid.clone()).english_name(),
                            model.tag,
                            all.iter()
                                .map(|c| format!("[{c}]"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
            }
        }
        if plural.as_ref().is_some_and(PluralNeeds::beyond_one) {
            let counted = counted_in_english(def, english, &numeric);
            for (variable, next) in bare_numbers(def, &numeric)
                .into_iter()
                .filter(|(variable, _)| counted.contains(variable))
            {
                findings.push(def.warning_at(
                    next,
                    "plural-less-number",
                    format!(
                        "“{}” puts the word “{}” after {{ ${variable} }} without a plural \
                         choice: {} ({}) changes the word with the number (forms {}), so write \
                         {{ ${variable} -> [one] … *[other] … }} with every form, or rephrase so \
                         no word follows the number",
                        def.display_id(),
                        next,
                        crate::i18n::Locale::from(model.langid.clone()).english_name(),
                        model.tag,
                        plural
                            .as_ref()
                            .map(|needs| needs
                                .categories
                                .iter()
                                .map(|(c, _)| format!("[{c}]"))
                                .collect::<Vec<_>>()
                                .join(", "))
                            .unwrap_or_default()
                    ),
                ));
            }
        }
        if NON_LATIN_LANGUAGES.contains(&model.langid.language.as_str()) {
            for text in &usage.texts {
                for word in latin_drug_names(text) {
                    findings.push(def.warning_at(
                        word,
                        "latin-drug-name",
                        format!(
                            "“{}” writes the drug name “{word}” in Latin letters; patients reading \
                             {} ({}) know it by its local name: write it the way the country's \
                             drug references do (e.g. осимертиниб, أوسيميرتينيب, 奥希替尼)",
                            def.display_id(),
                            crate::i18n::Locale::from(model.langid.clone()).english_name(),
                            model.tag
                        ),
                    ));
                }
            }
        }
        if crate::i18n::Locale::from(model.langid.clone()).is_right_to_left() {
            for text in &usage.texts {
                for run in reordered_number_runs(text) {
                    findings.push(def.warning_at(
                        run,
                        "rtl-number-order",
                        format!(
                            "“{}” puts “{run}” inside a right-to-left line: numbers separated by \
                             spaces (or led by + or -) show in the wrong order there (a phone \
                             number “+44 20 7946 0958” reads “0958 7946 20 44+”). Put it on a \
                             line of its own",
                            def.display_id()
                        ),
                    ));
                }
            }
        }
        if broken {
            mark_all(structural, def);
        }
    }
    findings.extend(cycles(model, structural));
    findings
}

fn mark_all(structural: &mut Structural, def: &Def) {
    structural.insert((def.display_id(), String::new()));
    for attribute in def.attributes {
        structural.insert((def.display_id(), attribute.id.name.to_owned()));
    }
}

/// Runs of numbers that Unicode's bidirectional algorithm reorders inside a
/// right-to-left line: digit groups separated by spaces, or led by a sign
/// (`+44 20 7946 0958`). Digits joined by `:`, `.`, `/`, `-` or `,` alone
/// (`10:30`, `2026-12-08`) stay in order, and a line with no right-to-left
/// letter is shown left to right.
fn reordered_number_runs(text: &str) -> Vec<&str> {
    let is_rtl_letter = |c: char| matches!(c, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FEFC}');
    let mut runs = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let offset = line_start;
        line_start += line.len();
        if !line.chars().any(is_rtl_letter) {
            continue;
        }
        let is_part = |c: char| c.is_ascii_digit() || " +-./:(),".contains(c);
        let mut chars = line.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            if !(c.is_ascii_digit()
                || ((c == '+' || c == '-')
                    && line[start + 1..].starts_with(|d: char| d.is_ascii_digit())))
            {
                continue;
            }
            let mut end = start + c.len_utf8();
            while let Some(&(at, next)) = chars.peek() {
                if !is_part(next) {
                    break;
                }
                end = at + next.len_utf8();
                chars.next();
            }
            let run = line[start..end].trim_end_matches(|c: char| !c.is_ascii_digit());
            let groups = run
                .split(|c: char| !c.is_ascii_digit())
                .filter(|g| !g.is_empty())
                .count();
            let spaced = run
                .split(' ')
                .filter(|part| part.contains(|c: char| c.is_ascii_digit()))
                .count()
                > 1;
            if (spaced && groups > 1) || run.starts_with(['+', '-']) {
                runs.push(&text[offset + start..offset + start + run.len()]);
            }
        }
    }
    runs
}

/// Drug names in Latin letters in a text slice (slices of it, to locate them).
fn latin_drug_names(text: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = None;
    for (index, ch) in text.char_indices().chain([(text.len(), ' ')]) {
        match (ch.is_ascii_alphabetic(), start) {
            (true, None) => start = Some(index),
            (false, Some(from)) => {
                let word = &text[from..index];
                let lower = word.to_ascii_lowercase();
                if DRUG_NAMES.contains(&lower.as_str())
                    || (lower.len() > 6 && (lower.ends_with("tinib") || lower.ends_with("mab")))
                {
                    words.push(word);
                }
                start = None;
            }
            _ => {}
        }
    }
    words
}

/// Combining marks that belong to a word (Arabic vowel signs, accents).
fn is_mark(ch: char) -> bool {
    matches!(ch, '\u{0300}'..='\u{036F}' | '\u{064B}'..='\u{065F}' | '\u{0670}')
}

/// Numbers placed outside any plural choice and followed by a word: the
/// variable and the word. Units in capitals (МБ, PDF) need no plural form.
fn bare_numbers<'a>(def: &Def<'a>, numeric: &BTreeSet<&'a str>) -> Vec<(&'a str, &'a str)> {
    fn walk<'a>(
        pattern: &'a ast::Pattern<&'a str>,
        numeric: &BTreeSet<&'a str>,
        found: &mut Vec<(&'a str, &'a str)>,
    ) {
        let mut pending: Option<&'a str> = None;
        for element in &pattern.elements {
            match element {
                ast::PatternElement::TextElement { value } => {
                    if let Some(variable) = pending.take() {
                        let rest = value.trim_start_matches([' ', '\u{a0}']);
                        let end = rest
                            .char_indices()
                            .find(|(_, ch)| !(ch.is_alphabetic() || is_mark(*ch)))
                            .map_or(rest.len(), |(index, _)| index);
                        let word = &rest[..end];
                        let acronym = word.chars().any(char::is_uppercase)
                            && !word.chars().any(char::is_lowercase);
                        if !word.is_empty() && !acronym {
                            found.push((variable, word));
                        }
                    }
                }
                ast::PatternElement::Placeable { expression } => {
                    pending = None;
                    match expression {
                        ast::Expression::Inline(ast::InlineExpression::VariableReference {
                            id,
                        }) if numeric.contains(id.name) => pending = Some(id.name),
                        ast::Expression::Select { selector, variants } => {
                            let chosen = match selector {
                                ast::InlineExpression::VariableReference { id } => Some(id.name),
                                _ => None,
                            };
                            let mut inner = numeric.clone();
                            if let Some(chosen) = chosen {
                                inner.remove(chosen);
                            }
                            for variant in variants {
                                walk(&variant.value, &inner, found);
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    let mut found = Vec::new();
    if let Some(value) = def.value {
        walk(value, numeric, &mut found);
    }
    for attribute in def.attributes {
        walk(&attribute.value, numeric, &mut found);
    }
    found
}

/// Numeric variables English counts something with in this message: a
/// plural choice on them, or a plural noun after them (“{ $days } days”,
/// not “between { $min } and { $max }”).
fn counted_in_english<'a>(
    def: &Def<'a>,
    english: &Model<'a>,
    numeric: &BTreeSet<&'a str>,
) -> BTreeSet<&'a str> {
    let Some(reference) = english.messages.get(def.id).filter(|_| !def.is_term) else {
        return BTreeSet::new();
    };
    let mut counted: BTreeSet<&str> = Usage::of_def(reference)
        .selects
        .iter()
        .filter_map(|select| select.variable)
        .filter(|variable| numeric.contains(variable))
        .collect();
    counted.extend(
        bare_numbers(reference, numeric)
            .into_iter()
            .filter(|(_, word)| word.len() > 2 && word.ends_with('s'))
            .map(|(variable, _)| variable),
    );
    counted
}

/// Variables this message chooses plural forms on, here or in English.
fn numeric_variables<'a>(def: &Def<'a>, english: &Model<'a>) -> BTreeSet<&'a str> {
    let mut numeric: BTreeSet<&str> = NUMERIC_VARIABLES.iter().copied().collect();
    if let Some(reference) = english.messages.get(def.id).filter(|_| !def.is_term) {
        for select in Usage::of_def(reference).selects {
            let plural = select.is_number_call
                || select.keys.iter().any(|(key, number)| {
                    *number || matches!(*key, "zero" | "one" | "two" | "few" | "many")
                });
            if let (true, Some(variable)) = (plural, select.variable) {
                numeric.insert(variable);
            }
        }
    }
    numeric
}

/// CLDR plural categories a language uses for whole numbers (besides
/// “other”), each with its smallest example.
pub(crate) struct PluralNeeds {
    pub categories: Vec<(&'static str, u32)>,
}

impl PluralNeeds {
    /// Whether whole numbers take more forms than “one” and “other”.
    pub fn beyond_one(&self) -> bool {
        self.categories
            .iter()
            .any(|(category, _)| *category != "one")
    }

    pub fn for_locale(langid: &LanguageIdentifier) -> Option<PluralNeeds> {
        let rules = PluralRules::create(langid.clone(), PluralRuleType::CARDINAL)
            .or_else(|_| {
                let language = LanguageIdentifier::from_parts(langid.language, None, None, &[]);
                PluralRules::create(language, PluralRuleType::CARDINAL)
            })
            .ok()?;
        let order = ["zero", "one", "two", "few", "many"];
        let mut found: BTreeMap<usize, u32> = BTreeMap::new();
        for number in 0..=1000u32 {
            let name = match rules.select(number) {
                Ok(PluralCategory::ZERO) => "zero",
                Ok(PluralCategory::ONE) => "one",
                Ok(PluralCategory::TWO) => "two",
                Ok(PluralCategory::FEW) => "few",
                Ok(PluralCategory::MANY) => "many",
                _ => continue,
            };
            let index = order.iter().position(|c| *c == name).unwrap_or(0);
            found.entry(index).or_insert(number);
        }
        Some(PluralNeeds {
            categories: found
                .into_iter()
                .map(|(index, example)| (order[index], example))
                .collect(),
        })
    }
}

/// Messages and terms that refer to themselves, directly or in a loop.
fn cycles(model: &Model, structural: &mut Structural) -> Vec<Finding> {
    let defs: BTreeMap<String, &Def> = model
        .messages
        .values()
        .chain(model.terms.values())
        .map(|def| (def.display_id(), def))
        .collect();
    let edges: BTreeMap<&str, Vec<String>> = defs
        .iter()
        .map(|(key, def)| {
            let usage = Usage::of_def(def);
            let targets = usage
                .messages
                .iter()
                .map(|(id, _)| (*id).to_owned())
                .chain(usage.terms.iter().map(|(id, _)| format!("-{id}")))
                .filter(|target| defs.contains_key(target))
                .collect();
            (key.as_str(), targets)
        })
        .collect();
    let mut found: BTreeSet<Vec<String>> = BTreeSet::new();
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for start in edges.keys() {
        let mut path: Vec<&str> = Vec::new();
        walk(start, &edges, &mut path, &mut done, &mut found);
    }
    let mut findings = Vec::new();
    for cycle in found {
        let def = defs[&cycle[0]];
        for member in &cycle {
            if let Some(member) = defs.get(member) {
                mark_all(structural, member);
            }
        }
        let mut chain = cycle.clone();
        chain.push(cycle[0].clone());
        findings.push(def.error(
            "reference-cycle",
            format!(
                "“{}” refers to itself through {}, so none of these can be shown: remove one \
                 of the references",
                def.display_id(),
                chain.join(" → ")
            ),
        ));
    }
    findings
}

fn walk<'k>(
    node: &'k str,
    edges: &'k BTreeMap<&'k str, Vec<String>>,
    path: &mut Vec<&'k str>,
    done: &mut BTreeSet<&'k str>,
    found: &mut BTreeSet<Vec<String>>,
) {
    if let Some(index) = path.iter().position(|seen| *seen == node) {
        let mut cycle: Vec<String> = path[index..].iter().map(|s| (*s).to_owned()).collect();
        let smallest = (0..cycle.len()).min_by_key(|&i| &cycle[i]).unwrap_or(0);
        cycle.rotate_left(smallest);
        found.insert(cycle);
        return;
    }
    if done.contains(node) {
        return;
    }
    path.push(node);
    if let Some(targets) = edges.get(node) {
        for target in targets {
            if let Some((key, _)) = edges.get_key_value(target.as_str()) {
                walk(key, edges, path, done, found);
            }
        }
    }
    path.pop();
    done.insert(node);
}

/// A translation against English: missing and obsolete messages, the
/// shape (value, attributes) and the variables of each message.
pub(crate) fn compare_with_english(
    model: &Model,
    english: &Model,
    structural: &mut Structural,
    safety: &BTreeMap<String, String>,
) -> Vec<Finding> {
    let mut findings = missing(model, english, safety);
    for (id, def) in &model.messages {
        let Some(reference) = english.messages.get(id) else {
            findings.push(def.warning(
                "obsolete-message",
                format!(
                    "“{id}” is no longer in English (it was removed or renamed there), so the bot \
                     never shows it: delete it, or rename it to the new English id"
                ),
            ));
            continue;
        };
        match (def.value, reference.value) {
            (None, Some(_)) => {
                structural.insert((id.to_string(), String::new()));
                findings.push(def.error(
                    "missing-value",
                    format!(
                        "“{id}” has no text of its own, but English has one ({}): write the \
                         translation after “=”",
                        reference.place()
                    ),
                ));
            }
            (Some(value), None) => findings.push(def.warning_at(
                first_text(value).unwrap_or(def.id),
                "extra-value",
                format!(
                    "“{id}” has a text of its own, but English has only attributes ({}), so this \
                     text is never shown: delete it and keep the attributes",
                    reference.place()
                ),
            )),
            (Some(value), Some(english_value)) => {
                let found = compare_variables(def, id, "", value, english_value, reference);
                if found.iter().any(|f| f.code == "unknown-variable") {
                    structural.insert((id.to_string(), String::new()));
                }
                findings.extend(found);
            }
            (None, None) => {}
        }
        for attribute in reference.attributes {
            match def.attribute(attribute.id.name) {
                None => {
                    structural.insert((id.to_string(), attribute.id.name.to_owned()));
                    findings.push(def.error(
                        "missing-attribute",
                        format!(
                            "“{id}” lacks the attribute .{name} that English has ({}): add a line \
                             “    .{name} = …” under the message, indented with four spaces",
                            reference.place(),
                            name = attribute.id.name
                        ),
                    ));
                }
                Some(translated) => {
                    let found = compare_variables(
                        def,
                        id,
                        attribute.id.name,
                        &translated.value,
                        &attribute.value,
                        reference,
                    );
                    if found.iter().any(|f| f.code == "unknown-variable") {
                        structural.insert((id.to_string(), attribute.id.name.to_owned()));
                    }
                    findings.extend(found);
                }
            }
        }
        for attribute in def.attributes {
            if reference.attribute(attribute.id.name).is_none() {
                let known: Vec<String> = reference
                    .attributes
                    .iter()
                    .map(|a| format!(".{}", a.id.name))
                    .collect();
                let hint = if known.is_empty() {
                    "English has no attributes for it".to_owned()
                } else {
                    format!("English has {}", known.join(", "))
                };
                findings.push(def.warning_at(
                    with_sigil(&def.file.text, attribute.id.name),
                    "extra-attribute",
                    format!(
                        "“{id}” has the attribute .{}, which English does not have, so the bot \
                         never uses it ({hint}): check the spelling, or delete it",
                        attribute.id.name
                    ),
                ));
            }
        }
    }
    findings
}

fn first_text<'a>(pattern: &'a ast::Pattern<&'a str>) -> Option<&'a str> {
    pattern.elements.iter().find_map(|element| match element {
        ast::PatternElement::TextElement { value } => Some(*value),
        ast::PatternElement::Placeable { .. } => None,
    })
}

fn compare_variables(
    def: &Def,
    id: &str,
    attribute: &str,
    translated: &ast::Pattern<&str>,
    english: &ast::Pattern<&str>,
    reference: &Def,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let ours = Usage::of(translated);
    let theirs = Usage::of(english).variable_names();
    let used = ours.variable_names();
    let what = if attribute.is_empty() {
        format!("“{id}”")
    } else {
        format!("“{id}.{attribute}”")
    };
    let dropped: Vec<&str> = theirs.difference(&used).copied().collect();
    let mut reported = BTreeSet::new();
    for variable in &ours.variables {
        if theirs.contains(variable) || !reported.insert(*variable) {
            continue;
        }
        let hint = match (dropped.as_slice(), theirs.is_empty()) {
            ([only], _) => format!("did you mean {{ ${only} }}?"),
            (_, true) => "the English text has no variables, so remove it".to_owned(),
            _ => format!(
                "the English variables are {}",
                theirs
                    .iter()
                    .map(|v| format!("{{ ${v} }}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        findings.push(def.error_at(
            with_sigil(&def.file.text, variable),
            "unknown-variable",
            format!(
                "{what} uses {{ ${variable} }}, which the English text does not have, so the bot \
                 has no value for it and shows English instead. Variables keep their English \
                 names: {hint}"
            ),
        ));
    }
    for variable in dropped {
        findings.push(def.warning(
            "dropped-variable",
            format!(
                "{what} does not show {{ ${variable} }}, which the English text shows ({}): add \
                 {{ ${variable} }} where it fits in the sentence, unless leaving it out is \
                 intended",
                reference.place()
            ),
        ));
    }
    findings
}

/// English messages this locale lacks, grouped by file when a whole file
/// is missing. A message of the safety frame (`safety`: id -> what it is
/// for) is an error, one by one: a path would show it in English, or, were
/// English lacking too, skip it.
fn missing(model: &Model, english: &Model, safety: &BTreeMap<String, String>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for english_file in english.files {
        let ids: Vec<&str> = english
            .order
            .iter()
            .copied()
            .filter(|id| std::ptr::eq(english.messages[id].file, english_file))
            .collect();
        let absent: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| !model.messages.contains_key(id))
            .collect();
        if absent.is_empty() {
            continue;
        }
        let counterpart = model.file_named(&english_file.name);
        // Ready replies are never sent in English to a patient who chose
        // another language: a missing one is refused, not shown in English.
        let replies = english_file.name == crate::handoff::replies::FILE;
        let whole_file = counterpart.is_none() && absent.len() == ids.len();
        if whole_file && replies {
            findings.push(Finding::warning(
                "missing-file",
                model.dir.join(&english_file.name),
                (0, 0),
                format!(
                    "this file does not exist, so coordinators cannot send any of its {} ready \
                     replies to patients reading this language: copy {} here and translate it",
                    ids.len(),
                    english_file.path.display()
                ),
            ));
            continue;
        } else if whole_file {
            findings.push(Finding::warning(
                "missing-file",
                model.dir.join(&english_file.name),
                (0, 0),
                format!(
                    "this file does not exist, so its {} messages are shown in English: copy {} \
                     here and translate it",
                    ids.len(),
                    english_file.path.display()
                ),
            ));
        }
        for id in absent {
            if whole_file && !safety.contains_key(id) {
                continue;
            }
            let reference = &english.messages[id];
            // Point at the translation of the English message before it.
            let before = ids
                .iter()
                .take_while(|other| **other != id)
                .filter_map(|other| model.messages.get(other))
                .last();
            let (file, at, hint) = match (before, counterpart) {
                (Some(before), _) => (
                    before.file.path.clone(),
                    before.position(),
                    format!(" Add it after “{}”", before.id),
                ),
                (None, Some(file)) => {
                    (file.path.clone(), (1, 1), " Add it to this file".to_owned())
                }
                (None, None) => (
                    model.dir.join(&english_file.name),
                    (0, 0),
                    format!(
                        " Add it to {}",
                        model.dir.join(&english_file.name).display()
                    ),
                ),
            };
            if let Some(purpose) = safety.get(id) {
                findings.push(Finding::error(
                    "missing-safety-message",
                    file,
                    at,
                    format!(
                        "“{id}” is missing in this language, and it is part of the safety frame: \
                         {purpose}. Patients reading this language would get it in English. \
                         Translate it from {}.{hint}",
                        reference.place()
                    ),
                ));
                continue;
            }
            if replies {
                findings.push(Finding::warning(
                    "missing-reply",
                    file,
                    at,
                    format!(
                        "the ready reply “{id}” is not translated yet, so coordinators cannot \
                         send it to patients reading this language (it is refused, never sent in \
                         English). Translate it from {}.{hint}",
                        reference.place()
                    ),
                ));
                continue;
            }
            findings.push(Finding::warning(
                "missing-message",
                file,
                at,
                format!(
                    "“{id}” is not translated yet, so the bot shows the English text ({}).{hint}",
                    reference.place()
                ),
            ));
        }
    }
    findings
}

pub(crate) fn coverage(model: &Model, english: &Model, outdated: usize) -> Coverage {
    let total = english.messages.len();
    let missing = english
        .messages
        .keys()
        .filter(|id| !model.messages.contains_key(*id))
        .count();
    let obsolete = model
        .messages
        .keys()
        .filter(|id| !english.messages.contains_key(*id))
        .count();
    Coverage {
        locale: model.tag.to_owned(),
        total,
        translated: total - missing - outdated.min(total - missing),
        missing,
        outdated,
        obsolete,
    }
}
