//! The whole conversation on one page, for medical reviewers and
//! translators: every screen of every tree (titled with the first line of
//! its English text), every button (labelled in English), the actions
//! (talk to a person, language, main menu, case details) and the intake
//! form as a chain of questions with its `when:` conditions and
//! `stop_when:` exit.
//!
//! Two renderings of one model: [`mermaid`] (paste into GitHub, GitLab or
//! mermaid.live) and [`dot`] (Graphviz: `dot -Tsvg map.dot > map.svg`).
//!
//! Pure: reads the loaded `Content`, returns text. No I/O.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::content::Content;
use crate::dialogue::tree::Node;
use crate::dialogue::{Action, Target};
use crate::intake::form::{Condition, Field, Kind};
use crate::text::visible_text;

/// Longest line of a box before it is shortened with "…".
const TITLE_LEN: usize = 60;
/// Where choice lists wrap inside a question's box.
const WRAP_LEN: usize = 48;

/// The conversation as a Mermaid flowchart (`graph TD`).
pub fn mermaid(content: &Content) -> String {
    render_mermaid(&Diagram::of(content))
}

/// The conversation as a Graphviz DOT digraph.
pub fn dot(content: &Content) -> String {
    render_dot(&Diagram::of(content))
}

// ----- the model both formats draw ------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// The main menu.
    Root,
    /// A screen of a tree.
    Screen,
    Person,
    Language,
    Home,
    Intake,
    Question,
    /// A question asked only when its `when:` holds.
    Conditional,
    Review,
    /// Where a conversation ends (emergency advice, consent declined).
    Exit,
    /// The coordinators' queue.
    Queue,
    Note,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    /// A button the patient taps.
    Button,
    /// The form moving on.
    Flow,
    /// The form moving on only if a condition holds.
    Condition,
    /// What an action leads to.
    Leads,
}

struct Box_ {
    id: String,
    lines: Vec<String>,
    shape: Shape,
}

struct Cluster {
    id: String,
    title: String,
    boxes: Vec<Box_>,
}

struct Edge {
    from: String,
    to: String,
    label: Option<String>,
    line: Line,
}

struct Diagram {
    clusters: Vec<Cluster>,
    loose: Vec<Box_>,
    edges: Vec<Edge>,
}

fn node_id(id: &str) -> String {
    // Node ids are lowercase letters, digits and "-": "_" cannot collide.
    format!("n_{}", id.replace('-', "_"))
}

fn question_id(id: &str) -> String {
    format!("q_{id}")
}

fn action_id(action: Action) -> &'static str {
    match action {
        Action::Person => "a_person",
        Action::Language => "a_language",
        Action::Home => "a_home",
        Action::Intake => "a_intake",
    }
}

const QUEUE: &str = "x_queue";
const REVIEW: &str = "x_review";
const DECLINED: &str = "x_declined";
const NOTE: &str = "x_note";

/// English text of messages, shortened for a box.
struct English<'a> {
    content: &'a Content,
}

impl English<'_> {
    fn has(&self, id: &str) -> bool {
        let catalog = &self.content.catalog;
        catalog.has_message(catalog.reference(), id)
    }

    /// Visible text of a message (tags stripped, entities decoded).
    fn text(&self, id: &str) -> String {
        let catalog = &self.content.catalog;
        if !self.has(id) {
            return id.to_owned();
        }
        visible_text(&catalog.format(catalog.reference(), id, &[]))
    }

    /// First non-empty line of a message, shortened.
    fn title(&self, id: &str) -> String {
        let text = self.text(id);
        let first = text.lines().map(str::trim).find(|line| !line.is_empty());
        shorten(first.unwrap_or(id), TITLE_LEN)
    }

    /// The `.label` attribute of a question's prompt (its short name).
    fn label(&self, field: &Field) -> String {
        let catalog = &self.content.catalog;
        if catalog.has_attribute(catalog.reference(), &field.prompt, "label") {
            let label = catalog.format_attribute(catalog.reference(), &field.prompt, "label");
            shorten(&visible_text(&label), TITLE_LEN)
        } else {
            field.id.clone()
        }
    }

    fn or(&self, id: &str, fallback: &str) -> String {
        if self.has(id) {
            self.title(id)
        } else {
            fallback.to_owned()
        }
    }
}

fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{}…", cut.trim_end())
}

/// Words joined by `separator`, in lines of about `WRAP_LEN` characters.
fn wrap(items: &[String], separator: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for item in items {
        if !line.is_empty() && line.chars().count() + item.chars().count() > WRAP_LEN {
            lines.push(std::mem::take(&mut line) + separator.trim_end());
        }
        if !line.is_empty() {
            line.push_str(separator);
        }
        line.push_str(item);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// "a, b or c".
fn either(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

impl Diagram {
    fn of(content: &Content) -> Diagram {
        let english = English { content };
        let mut diagram = Diagram {
            clusters: Vec::new(),
            loose: Vec::new(),
            edges: Vec::new(),
        };
        diagram.trees(&english);
        diagram.actions(&english);
        diagram.form(&english);
        diagram
    }

    fn trees(&mut self, english: &English) {
        let content = english.content;
        let root = &content.trees.root().id;
        let mut any_nav = false;
        for node in content.trees.nodes() {
            any_nav |= node.nav;
            let cluster_id = format!("tree_{}", node.tree.replace(['-', ' '], "_"));
            if !self.clusters.iter().any(|c| c.id == cluster_id) {
                self.clusters.push(Cluster {
                    id: cluster_id.clone(),
                    title: tree_title(node, english),
                    boxes: Vec::new(),
                });
            }
            let shape = if &node.id == root {
                Shape::Root
            } else {
                Shape::Screen
            };
            let mut lines = vec![english.title(&node.text), format!("({})", node.id)];
            if !node.footer.is_empty() {
                let footers: Vec<String> = node
                    .footer
                    .iter()
                    .map(|id| shorten(&english.title(id), 32))
                    .collect();
                lines.push(format!("+ {}", footers.join(" + ")));
            }
            let cluster = self
                .clusters
                .iter_mut()
                .find(|c| c.id == cluster_id)
                .expect("added above");
            cluster.boxes.push(Box_ {
                id: node_id(&node.id),
                lines,
                shape,
            });
            for button in &node.buttons {
                let to = match &button.target {
                    Target::Node(target) => node_id(target),
                    Target::Action(action) => action_id(*action).to_owned(),
                };
                self.edges.push(Edge {
                    from: node_id(&node.id),
                    to,
                    label: Some(shorten(&english.text(&button.label), TITLE_LEN)),
                    line: Line::Button,
                });
            }
        }
        if any_nav {
            let nav = [
                english.or("nav-back", "Back"),
                english.or("nav-home", "Main menu"),
                english.or("nav-person", "Talk to a person"),
            ];
            self.loose.push(Box_ {
                id: NOTE.to_owned(),
                lines: vec![
                    "Every screen except the main menu also has".to_owned(),
                    nav.join(" · "),
                ],
                shape: Shape::Note,
            });
        }
    }

    /// The actions buttons use, and where each leads.
    fn actions(&mut self, english: &English) {
        let used: BTreeSet<String> = self
            .edges
            .iter()
            .filter(|edge| edge.to.starts_with("a_"))
            .map(|edge| edge.to.clone())
            .collect();
        let mut actions = Vec::new();
        for action in [
            Action::Intake,
            Action::Person,
            Action::Language,
            Action::Home,
        ] {
            if !used.contains(action_id(action)) && action != Action::Person {
                continue;
            }
            let (title, detail, shape) = match action {
                Action::Person => (
                    english.or("nav-person", "Talk to a person"),
                    "action: person (the emergency question, then a case)",
                    Shape::Person,
                ),
                Action::Language => (
                    english.or("menu-language", "Language"),
                    "action: language (the language picker)",
                    Shape::Language,
                ),
                Action::Home => (
                    english.or("nav-home", "Main menu"),
                    "action: home",
                    Shape::Home,
                ),
                Action::Intake => (
                    english.or("menu-intake-start", "Case details"),
                    "action: intake (the case-details form)",
                    Shape::Intake,
                ),
            };
            actions.push(Box_ {
                id: action_id(action).to_owned(),
                lines: vec![title, detail.to_owned()],
                shape,
            });
            match action {
                Action::Person => self.edge(action_id(action), QUEUE, None, Line::Leads),
                Action::Home => {
                    let root = node_id(&english.content.trees.root().id);
                    self.edge(action_id(action), &root, None, Line::Leads);
                }
                Action::Intake => {
                    if let Some(first) = english.content.form.fields.first() {
                        self.edge(
                            action_id(action),
                            &question_id(&first.id),
                            None,
                            Line::Leads,
                        );
                    }
                }
                Action::Language => {}
            }
        }
        self.loose.extend(actions);
        self.loose.push(Box_ {
            id: QUEUE.to_owned(),
            lines: vec![
                "Coordinators' queue".to_owned(),
                "a case CF-… for a coordinator".to_owned(),
            ],
            shape: Shape::Queue,
        });
    }

    fn form(&mut self, english: &English) {
        let form = &english.content.form;
        let file = form
            .file
            .file_name()
            .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
        let mut cluster = Cluster {
            id: "intake_form".to_owned(),
            title: format!(
                "Intake form ({file}), consent version {}",
                form.consent_version
            ),
            boxes: Vec::new(),
        };
        let fields = &form.fields;
        for (index, field) in fields.iter().enumerate() {
            cluster.boxes.push(Box_ {
                id: question_id(&field.id),
                lines: question_lines(field, english),
                shape: if field.when.is_some() {
                    Shape::Conditional
                } else {
                    Shape::Question
                },
            });
            let from = question_id(&field.id);
            let agree = matches!(field.kind, Kind::Consent)
                .then(|| english.or("intake-consent-agree", "agree"));
            if matches!(field.kind, Kind::Consent) {
                let decline = english.or("intake-consent-decline", "decline");
                cluster.boxes.push(Box_ {
                    id: DECLINED.to_owned(),
                    lines: vec![
                        english.or("intake-consent-declined", "Consent declined"),
                        "the form ends; nothing is stored".to_owned(),
                    ],
                    shape: Shape::Exit,
                });
                self.edge(&from, DECLINED, Some(decline), Line::Condition);
            }
            if let Some(stop) = &field.stop_when {
                let exit = format!("x_stop_{}", field.id);
                cluster.boxes.push(Box_ {
                    id: exit.clone(),
                    lines: vec![
                        english.title(&stop.message),
                        "the form stops; asked again on return".to_owned(),
                    ],
                    shape: Shape::Exit,
                });
                let when = Condition {
                    field: field.id.clone(),
                    any_of: stop.any_of.clone(),
                };
                let label = format!("if {}", describe(&when, form, english));
                self.edge(&from, &exit, Some(label), Line::Condition);
            }
            // The next question is the first later one whose `when:` holds.
            let mut skipped_conditional = false;
            let mut reached_end = true;
            for next in &fields[index + 1..] {
                let mut parts: Vec<String> = agree.iter().cloned().collect();
                match &next.when {
                    Some(when) => parts.push(format!("if {}", describe(when, form, english))),
                    None if skipped_conditional || field.stop_when.is_some() => {
                        parts.push("otherwise".to_owned());
                    }
                    None => {}
                }
                let line = if next.when.is_some() {
                    Line::Condition
                } else {
                    Line::Flow
                };
                let label = (!parts.is_empty()).then(|| parts.join(", "));
                self.edge(&from, &question_id(&next.id), label, line);
                if next.when.is_none() {
                    reached_end = false;
                    break;
                }
                skipped_conditional = true;
            }
            if reached_end {
                let label = skipped_conditional.then(|| "otherwise".to_owned());
                self.edge(&from, REVIEW, label, Line::Flow);
            }
        }
        cluster.boxes.push(Box_ {
            id: REVIEW.to_owned(),
            lines: vec![
                english.or("intake-review", "Review the answers"),
                "each answer can be changed, then".to_owned(),
                english.or("intake-submit", "Submit"),
            ],
            shape: Shape::Review,
        });
        let submit = english.or("intake-submit", "Submit");
        self.edge(REVIEW, QUEUE, Some(submit), Line::Flow);
        self.clusters.push(cluster);
    }

    fn edge(&mut self, from: &str, to: &str, label: Option<String>, line: Line) {
        self.edges.push(Edge {
            from: from.to_owned(),
            to: to.to_owned(),
            label,
            line,
        });
    }
}

fn tree_title(node: &Node, english: &English) -> String {
    let file = node
        .file
        .file_name()
        .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
    let mut title = format!("Tree “{}” ({file})", node.tree);
    if let Some(reviewed) = &node.reviewed {
        let _ = write!(
            title,
            ", reviewed by {} on {}",
            shorten(&english.text(&reviewed.by), TITLE_LEN),
            reviewed.on
        );
    }
    title
}

/// The lines of a question's box: its short name, id and kind, what it accepts.
fn question_lines(field: &Field, english: &English) -> Vec<String> {
    let optional = if field.required { "" } else { ", optional" };
    let (kind, detail) = match &field.kind {
        Kind::Consent => ("consent", None),
        Kind::Choice(_) => ("choice", None),
        Kind::Multi(_) => ("multiple choice", None),
        Kind::Text { min, max } => ("text", Some(format!("{min}-{max} characters"))),
        Kind::Integer { min, max } => ("number", Some(format!("{min} to {max}"))),
        Kind::MonthYear { not_future } => (
            "month and year",
            not_future.then(|| "not in the future".to_owned()),
        ),
        Kind::YesNoUnsure => ("yes / no / not sure", None),
        Kind::Phone => ("phone number", None),
        Kind::Country { .. } => ("country", None),
        Kind::Files { max } => ("files", Some(format!("up to {max} photos or PDFs"))),
        Kind::Language => ("language", None),
    };
    let mut lines = vec![
        english.label(field),
        format!("({}: {kind}{optional})", field.id),
    ];
    lines.extend(detail);
    let choices: Vec<String> = field
        .choices()
        .iter()
        .map(|choice| shorten(&english.text(&choice.label), 32))
        .collect();
    if !matches!(field.kind, Kind::Consent | Kind::YesNoUnsure) {
        lines.extend(wrap(&choices, " · "));
    }
    lines
}

/// "Cancer type is Another type", in English labels.
fn describe(when: &Condition, form: &crate::intake::Form, english: &English) -> String {
    let Some(source) = form.field(&when.field) else {
        return format!("{} is {}", when.field, when.any_of.join(" or "));
    };
    let choices = source.choices();
    let values: Vec<String> = when
        .any_of
        .iter()
        .map(|value| {
            choices
                .iter()
                .find(|choice| &choice.value == value)
                .map_or_else(
                    || value.clone(),
                    |choice| shorten(&english.text(&choice.label), 32),
                )
        })
        .collect();
    let verb = if matches!(source.kind, Kind::Multi(_)) {
        "includes"
    } else {
        "is"
    };
    format!("{} {verb} {}", english.label(source), either(&values))
}

// ----- Mermaid ---------------------------------------------------------------

/// Text inside a Mermaid `"…"` string: quotes and markup as entity codes
/// (`#quot;`), lines joined with `<br/>`.
fn mermaid_text(lines: &[String]) -> String {
    let escaped: Vec<String> = lines
        .iter()
        .map(|line| {
            let mut out = String::with_capacity(line.len());
            for ch in line.chars() {
                match ch {
                    '"' => out.push_str("#quot;"),
                    '#' => out.push_str("#35;"),
                    '&' => out.push_str("#amp;"),
                    '<' => out.push_str("#lt;"),
                    '>' => out.push_str("#gt;"),
                    '`' => out.push_str("#96;"),
                    '\r' | '\n' => out.push(' '),
                    other => out.push(other),
                }
            }
            out
        })
        .collect();
    escaped.join("<br/>")
}

fn mermaid_box(b: &Box_) -> String {
    let text = mermaid_text(&b.lines);
    let id = &b.id;
    match b.shape {
        Shape::Root => format!("{id}([\"{text}\"])"),
        Shape::Screen | Shape::Question | Shape::Conditional | Shape::Note => {
            format!("{id}[\"{text}\"]")
        }
        Shape::Person => format!("{id}{{{{\"{text}\"}}}}"),
        Shape::Language => format!("{id}[/\"{text}\"/]"),
        Shape::Home => format!("{id}((\"{text}\"))"),
        Shape::Intake => format!("{id}[[\"{text}\"]]"),
        Shape::Review => format!("{id}{{\"{text}\"}}"),
        Shape::Exit => format!("{id}>\"{text}\"]"),
        Shape::Queue => format!("{id}[(\"{text}\")]"),
    }
}

fn class_name(shape: Shape) -> &'static str {
    match shape {
        Shape::Root => "root",
        Shape::Screen => "screen",
        Shape::Person | Shape::Language | Shape::Home | Shape::Intake => "action",
        Shape::Question => "question",
        Shape::Conditional => "conditional",
        Shape::Review => "review",
        Shape::Exit => "exit",
        Shape::Queue => "queue",
        Shape::Note => "note",
    }
}

fn render_mermaid(diagram: &Diagram) -> String {
    let mut out = String::from("graph TD\n");
    out.push_str(
        "  %% The patient navigator's conversation, made from dialogues/ and locales/en.\n",
    );
    let mut all_boxes: Vec<&Box_> = Vec::new();
    for cluster in &diagram.clusters {
        let _ = writeln!(
            out,
            "  subgraph {}[\"{}\"]",
            cluster.id,
            mermaid_text(std::slice::from_ref(&cluster.title))
        );
        for b in &cluster.boxes {
            let _ = writeln!(out, "    {}", mermaid_box(b));
            all_boxes.push(b);
        }
        out.push_str("  end\n");
    }
    for b in &diagram.loose {
        let _ = writeln!(out, "  {}", mermaid_box(b));
        all_boxes.push(b);
    }
    for edge in &diagram.edges {
        let arrow = match edge.line {
            Line::Button => "-->",
            Line::Flow => "==>",
            Line::Condition | Line::Leads => "-.->",
        };
        match &edge.label {
            Some(label) => {
                let text = mermaid_text(std::slice::from_ref(label));
                let _ = writeln!(out, "  {} {arrow}|\"{text}\"| {}", edge.from, edge.to);
            }
            None => {
                let _ = writeln!(out, "  {} {arrow} {}", edge.from, edge.to);
            }
        }
    }
    for (class, style) in [
        ("root", "fill:#dbeafe,stroke:#1d4ed8,stroke-width:2px"),
        ("screen", "fill:#ffffff,stroke:#475569"),
        ("action", "fill:#fef3c7,stroke:#b45309"),
        ("question", "fill:#dcfce7,stroke:#15803d"),
        (
            "conditional",
            "fill:#f0fdf4,stroke:#15803d,stroke-dasharray:5 3",
        ),
        ("review", "fill:#e0e7ff,stroke:#4338ca"),
        ("exit", "fill:#fee2e2,stroke:#b91c1c,stroke-width:2px"),
        ("queue", "fill:#f3e8ff,stroke:#7e22ce"),
        ("note", "fill:#f8fafc,stroke:#94a3b8,stroke-dasharray:3 3"),
    ] {
        let members: Vec<&str> = all_boxes
            .iter()
            .filter(|b| class_name(b.shape) == class)
            .map(|b| b.id.as_str())
            .collect();
        if !members.is_empty() {
            let _ = writeln!(out, "  classDef {class} {style}");
            let _ = writeln!(out, "  class {} {class}", members.join(","));
        }
    }
    out
}

// ----- Graphviz DOT ----------------------------------------------------------

/// A DOT double-quoted string: `\` and `"` escaped, lines joined with `\n`.
fn dot_string(lines: &[String]) -> String {
    let escaped: Vec<String> = lines
        .iter()
        .map(|line| {
            let mut out = String::with_capacity(line.len());
            for ch in line.chars() {
                match ch {
                    '\\' => out.push_str("\\\\"),
                    '"' => out.push_str("\\\""),
                    '\r' | '\n' => out.push(' '),
                    other => out.push(other),
                }
            }
            out
        })
        .collect();
    format!("\"{}\"", escaped.join("\\n"))
}

fn dot_attributes(shape: Shape) -> &'static str {
    match shape {
        Shape::Root => r##"shape=box, style="rounded,filled,bold", fillcolor="#dbeafe""##,
        Shape::Screen => r##"shape=box, style="rounded,filled", fillcolor="#ffffff""##,
        Shape::Person => r##"shape=hexagon, style=filled, fillcolor="#fef3c7""##,
        Shape::Language => r##"shape=parallelogram, style=filled, fillcolor="#fef3c7""##,
        Shape::Home => r##"shape=ellipse, style=filled, fillcolor="#fef3c7""##,
        Shape::Intake => r##"shape=component, style=filled, fillcolor="#fef3c7""##,
        Shape::Question => r##"shape=box, style=filled, fillcolor="#dcfce7""##,
        Shape::Conditional => r##"shape=box, style="filled,dashed", fillcolor="#f0fdf4""##,
        Shape::Review => r##"shape=diamond, style=filled, fillcolor="#e0e7ff""##,
        Shape::Exit => r##"shape=octagon, style="filled,bold", fillcolor="#fee2e2""##,
        Shape::Queue => r##"shape=cylinder, style=filled, fillcolor="#f3e8ff""##,
        Shape::Note => r##"shape=note, style="filled,dashed", fillcolor="#f8fafc""##,
    }
}

fn render_dot(diagram: &Diagram) -> String {
    let mut out = String::from("digraph navigator {\n");
    out.push_str(
        "  // The patient navigator's conversation, made from dialogues/ and locales/en.\n",
    );
    out.push_str("  graph [rankdir=TB, fontname=\"Helvetica\", compound=true];\n");
    out.push_str("  node [fontname=\"Helvetica\", fontsize=11];\n");
    out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    let write_box = |out: &mut String, indent: &str, b: &Box_| {
        let _ = writeln!(
            out,
            "{indent}{} [label={}, {}];",
            b.id,
            dot_string(&b.lines),
            dot_attributes(b.shape)
        );
    };
    for cluster in &diagram.clusters {
        let _ = writeln!(out, "  subgraph cluster_{} {{", cluster.id);
        let _ = writeln!(
            out,
            "    label={}; style=rounded; color=\"#94a3b8\";",
            dot_string(std::slice::from_ref(&cluster.title))
        );
        for b in &cluster.boxes {
            write_box(&mut out, "    ", b);
        }
        out.push_str("  }\n");
    }
    for b in &diagram.loose {
        write_box(&mut out, "  ", b);
    }
    for edge in &diagram.edges {
        let mut attributes = Vec::new();
        if let Some(label) = &edge.label {
            attributes.push(format!("label={}", dot_string(std::slice::from_ref(label))));
        }
        match edge.line {
            Line::Button => {}
            Line::Flow => attributes.push("penwidth=2".to_owned()),
            Line::Condition => attributes.push("style=dashed".to_owned()),
            Line::Leads => attributes.push("style=dotted".to_owned()),
        }
        let _ = writeln!(
            out,
            "  {} -> {} [{}];",
            edge.from,
            edge.to,
            attributes.join(", ")
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_for_each_format() {
        let line = vec![r#"Say "hi" <b> & #1 `x` \ [y]"#.to_owned()];
        assert_eq!(
            mermaid_text(&line),
            "Say #quot;hi#quot; #lt;b#gt; #amp; #35;1 #96;x#96; \\ [y]"
        );
        assert_eq!(dot_string(&line), r#""Say \"hi\" <b> & #1 `x` \\ [y]""#);
        let two = vec!["a".to_owned(), "b".to_owned()];
        assert_eq!(mermaid_text(&two), "a<br/>b");
        assert_eq!(dot_string(&two), r#""a\nb""#);
    }

    #[test]
    fn wraps_and_shortens() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(either(&["a".into(), "b".into(), "c".into()]), "a, b or c");
        let items: Vec<String> = (0..20).map(|i| format!("item{i}")).collect();
        let lines = wrap(&items, " · ");
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.chars().count() <= WRAP_LEN + 8));
    }
}
