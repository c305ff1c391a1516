//! The conversation map: every screen, button, action and question of the
//! shipped content, in Mermaid and in Graphviz DOT, escaped correctly.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use patient_navigator::content::Content;
use patient_navigator::dialogue::{Action, Target};
use patient_navigator::graph::{dot, mermaid};
use patient_navigator::text::visible_text;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn shipped() -> Content {
    Content::load(&root().join("locales"), &root().join("dialogues"))
        .unwrap_or_else(|problems| panic!("{problems}"))
}

fn english(content: &Content, id: &str) -> String {
    let catalog = &content.catalog;
    visible_text(&catalog.format(catalog.reference(), id, &[]))
}

fn node_id(id: &str) -> String {
    format!("n_{}", id.replace('-', "_"))
}

fn target_id(target: &Target) -> String {
    match target {
        Target::Node(id) => node_id(id),
        Target::Action(Action::Person) => "a_person".into(),
        Target::Action(Action::Language) => "a_language".into(),
        Target::Action(Action::Home) => "a_home".into(),
        Target::Action(Action::Intake) => "a_intake".into(),
    }
}

/// (from, label, to), counted.
type Edges = BTreeMap<(String, Option<String>, String), usize>;

/// The buttons of every tree node, as the map must draw them.
fn button_edges(content: &Content) -> Edges {
    let mut edges = Edges::new();
    for node in content.trees.nodes() {
        for button in &node.buttons {
            let label = english(content, &button.label);
            *edges
                .entry((node_id(&node.id), Some(label), target_id(&button.target)))
                .or_default() += 1;
        }
    }
    edges
}

fn only_from_screens(edges: &Edges) -> Edges {
    edges
        .iter()
        .filter(|((from, _, _), _)| from.starts_with("n_"))
        .map(|(key, count)| (key.clone(), *count))
        .collect()
}

fn mermaid_unescape(text: &str) -> String {
    text.replace("#quot;", "\"")
        .replace("#lt;", "<")
        .replace("#gt;", ">")
        .replace("#amp;", "&")
        .replace("#96;", "`")
        .replace("<br/>", "\n")
        .replace("#35;", "#")
}

/// Edges of a Mermaid flowchart: `a -->|"label"| b`, `a ==> b`, `a -.-> b`.
fn mermaid_edges(chart: &str) -> Edges {
    let mut edges = Edges::new();
    for line in chart.lines().map(str::trim) {
        let mut words = line.split(' ');
        let (Some(from), Some(arrow)) = (words.next(), words.next()) else {
            continue;
        };
        let Some(rest) = ["-->", "==>", "-.->"]
            .iter()
            .find_map(|a| arrow.strip_prefix(a))
        else {
            continue;
        };
        let after_arrow = &line[from.len() + 1 + arrow.len() - rest.len()..];
        let (label, to) = match after_arrow.strip_prefix("|\"") {
            Some(quoted) => {
                let end = quoted.rfind("\"| ").expect("a closed label");
                (
                    Some(mermaid_unescape(&quoted[..end])),
                    quoted[end + 3..].trim(),
                )
            }
            None => (None, after_arrow.trim()),
        };
        *edges
            .entry((from.to_owned(), label, to.to_owned()))
            .or_default() += 1;
    }
    edges
}

/// Reads a DOT double-quoted string at the start of `text`: (value, rest).
fn dot_string(text: &str) -> (String, &str) {
    let mut chars = text.char_indices();
    assert_eq!(chars.next().map(|(_, c)| c), Some('"'), "{text}");
    let mut value = String::new();
    while let Some((index, ch)) = chars.next() {
        match ch {
            '\\' => match chars.next().map(|(_, c)| c) {
                Some('n') => value.push('\n'),
                Some(other) => value.push(other),
                None => panic!("dangling backslash in {text}"),
            },
            '"' => return (value, &text[index + 1..]),
            other => value.push(other),
        }
    }
    panic!("unclosed string in {text}")
}

/// Edges of a DOT graph: `a -> b [label="…", …];`.
fn dot_edges(graph: &str) -> Edges {
    let mut edges = Edges::new();
    for line in graph.lines().map(str::trim) {
        let mut words = line.split(' ');
        let (Some(from), Some("->"), Some(to)) = (words.next(), words.next(), words.next()) else {
            continue;
        };
        let label = line
            .find("label=")
            .map(|at| dot_string(&line[at + "label=".len()..]).0);
        *edges
            .entry((from.to_owned(), label, to.to_owned()))
            .or_default() += 1;
    }
    edges
}

/// Braces and quotes of a DOT text balance (outside quoted strings).
fn assert_dot_shape(graph: &str) {
    assert!(graph.starts_with("digraph "), "{graph}");
    let mut depth: i64 = 0;
    let mut in_string = false;
    let mut escaped = false;
    for ch in graph.chars() {
        if in_string {
            match (escaped, ch) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match ch {
            '"' => in_string = true,
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                assert!(depth >= 0, "a brace closes too early");
            }
            _ => {}
        }
    }
    assert!(!in_string, "a quoted string is not closed");
    assert_eq!(depth, 0, "braces do not balance");
    assert!(graph.trim_end().ends_with('}'));
}

fn assert_mermaid_shape(chart: &str) {
    assert_eq!(chart.lines().next(), Some("graph TD"));
    let opened = chart
        .lines()
        .filter(|l| l.trim_start().starts_with("subgraph "))
        .count();
    let closed = chart.lines().filter(|l| l.trim() == "end").count();
    assert_eq!(opened, closed, "subgraph … end pairs");
    for line in chart.lines() {
        assert_eq!(
            line.matches('"').count() % 2,
            0,
            "unbalanced quotes: {line}"
        );
    }
}

#[test]
fn mermaid_shows_every_screen_question_and_button() {
    let content = shipped();
    let chart = mermaid(&content);
    assert_mermaid_shape(&chart);
    for node in content.trees.nodes() {
        assert!(chart.contains(&format!("({})", node.id)), "{}", node.id);
        let title = visible_text(&english(&content, &node.text));
        let first = title.lines().find(|l| !l.trim().is_empty()).unwrap();
        let first: String = first.trim().chars().take(40).collect();
        assert!(
            mermaid_unescape(&chart).contains(&first),
            "{}: title {first}",
            node.id
        );
    }
    for field in &content.form.fields {
        assert!(chart.contains(&format!("q_{}[", field.id)), "{}", field.id);
        assert!(chart.contains(&format!("({}: ", field.id)), "{}", field.id);
    }
    let edges = mermaid_edges(&chart);
    assert_eq!(only_from_screens(&edges), button_edges(&content));
    // The actions are there, with distinct shapes, and lead somewhere.
    assert!(chart.contains("a_person{{\""), "{chart}");
    assert!(chart.contains("a_intake[[\""), "{chart}");
    assert!(chart.contains("a_language[/\""), "{chart}");
    assert!(chart.contains("a_intake -.-> q_emergency"), "{chart}");
    assert!(chart.contains("a_person -.-> x_queue"), "{chart}");
}

#[test]
fn dot_shows_every_screen_question_and_button() {
    let content = shipped();
    let graph = dot(&content);
    assert_dot_shape(&graph);
    for node in content.trees.nodes() {
        assert!(graph.contains(&format!("({})", node.id)), "{}", node.id);
        assert!(graph.contains(&format!("\n    {} [label=", node_id(&node.id))));
    }
    for field in &content.form.fields {
        assert!(
            graph.contains(&format!("q_{} [label=", field.id)),
            "{}",
            field.id
        );
    }
    let edges = dot_edges(&graph);
    assert_eq!(only_from_screens(&edges), button_edges(&content));
    assert!(graph.contains("a_person [label=") && graph.contains("shape=hexagon"));
    // Both formats draw the same edges.
    assert_eq!(edges, mermaid_edges(&mermaid(&content)));
}

#[test]
fn the_form_is_a_chain_with_its_conditions_and_exits() {
    let content = shipped();
    let edges = dot_edges(&dot(&content));
    let label_of = |from: &str, to: &str| -> Option<String> {
        let found: Vec<&Option<String>> = edges
            .keys()
            .filter(|(f, _, t)| f == from && t == to)
            .map(|(_, label, _)| label)
            .collect();
        assert_eq!(found.len(), 1, "one edge {from} -> {to}: {edges:#?}");
        found[0].clone()
    };
    let catalog = &content.catalog;
    let en = catalog.reference();
    let attr = |id: &str| catalog.format_attribute(en, id, "label");

    // The emergency screen first, then the consent: agree goes on, decline
    // ends the form.
    let agree = english(&content, "intake-consent-agree");
    assert_eq!(label_of("q_consent", "q_writer"), Some(agree));
    assert_eq!(
        label_of("q_consent", "x_declined"),
        Some(english(&content, "intake-consent-decline"))
    );
    // The emergency screen's stop_when exit, in English words.
    let stop = label_of("q_emergency", "x_stop_emergency").unwrap();
    assert_eq!(
        stop,
        format!(
            "if {} is {}",
            attr("intake-emergency"),
            english(&content, "intake-emergency-yes")
        )
    );
    assert_eq!(
        label_of("q_emergency", "q_consent").as_deref(),
        Some("otherwise")
    );
    // when: a conditional question and the way around it.
    let other = label_of("q_cancer_type", "q_cancer_type_other").unwrap();
    assert_eq!(
        other,
        format!(
            "if {} is {}",
            attr("intake-cancer-type"),
            english(&content, "intake-cancer-other")
        )
    );
    assert_eq!(
        label_of("q_cancer_type", "q_driver").as_deref(),
        Some("otherwise")
    );
    assert_eq!(label_of("q_cancer_type_other", "q_driver"), None);
    // Every question is reached, and the last leads to the review.
    for field in content.form.fields.iter().skip(1) {
        let to = format!("q_{}", field.id);
        assert!(
            edges.keys().any(|(_, _, t)| *t == to),
            "nothing leads to {}",
            field.id
        );
    }
    let last = &content.form.fields.last().unwrap().id;
    assert!(
        edges
            .keys()
            .any(|(f, _, t)| *f == format!("q_{last}") && t == "x_review")
    );
    assert!(
        edges
            .keys()
            .any(|(f, _, t)| f == "x_review" && t == "x_queue")
    );
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target: PathBuf = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

fn replace_in(file: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} has {from}", file.display());
    fs::write(file, text.replacen(from, to, 1)).unwrap();
}

const TRICKY_LABEL: &str = r#"Say "hi" [x] <y> & {z} | #1 \ `q` end"#;
const TRICKY_TITLE: &str = r#"At a "glance" [1] {2} (3) <4> \5 #6 `7` & |8|"#;

/// The shipped content with quotes, brackets and markup in one button
/// label and one screen title.
fn tricky() -> (tempfile::TempDir, Content) {
    let dir = tempfile::tempdir().unwrap();
    let (locales, dialogues) = (dir.path().join("locales"), dir.path().join("dialogues"));
    copy_dir(&root().join("locales"), &locales);
    copy_dir(&root().join("dialogues"), &dialogues);
    let file = locales.join("en/resistance.ftl");
    replace_in(
        &file,
        "resistance-btn-glance = At a glance",
        r#"resistance-btn-glance = Say "hi" [x] &lt;y&gt; &amp; {"{"}z{"}"} | #1 \ `q` end"#,
    );
    replace_in(
        &file,
        "<b>At a glance</b>",
        r#"<b>At a "glance" [1] {"{"}2{"}"} (3) &lt;4&gt; \5 #6 `7` &amp; |8|</b>"#,
    );
    let content = Content::load(&locales, &dialogues).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(english(&content, "resistance-btn-glance"), TRICKY_LABEL);
    (dir, content)
}

#[test]
fn quotes_brackets_and_markup_are_escaped_in_mermaid() {
    let (_dir, content) = tricky();
    let chart = mermaid(&content);
    assert_mermaid_shape(&chart);
    let edge = chart
        .lines()
        .find(|line| line.contains("n_resistance -->") && line.contains("n_glance"))
        .unwrap();
    assert_eq!(
        edge.trim(),
        "n_resistance -->|\"Say #quot;hi#quot; [x] #lt;y#gt; #amp; {z} | #35;1 \\ #96;q#96; end\"| n_glance"
    );
    let edges = mermaid_edges(&chart);
    assert_eq!(only_from_screens(&edges), button_edges(&content));
    let node = chart
        .lines()
        .find(|line| line.trim_start().starts_with("n_glance["))
        .unwrap();
    assert!(!node.contains('<') || node.contains("<br/>"), "{node}");
    assert!(
        mermaid_unescape(node).contains(TRICKY_TITLE),
        "{node} shows {TRICKY_TITLE}"
    );
}

#[test]
fn quotes_and_backslashes_are_escaped_in_dot() {
    let (_dir, content) = tricky();
    let graph = dot(&content);
    assert_dot_shape(&graph);
    assert!(
        graph.contains(
            r#"n_resistance -> n_glance [label="Say \"hi\" [x] <y> & {z} | #1 \\ `q` end"];"#
        ),
        "{graph}"
    );
    let edges = dot_edges(&graph);
    assert_eq!(only_from_screens(&edges), button_edges(&content));
    let node = graph
        .lines()
        .find(|line| line.trim_start().starts_with("n_glance ["))
        .unwrap();
    let at = node.find("label=").unwrap();
    let (label, _) = dot_string(&node[at + "label=".len()..]);
    assert!(label.starts_with(TRICKY_TITLE), "{label}");
    if let Some(svg) = render_svg(&graph) {
        assert!(svg.contains("Say &quot;hi&quot; [x] &lt;y&gt;"), "{svg}");
    }
}

/// Renders DOT with Graphviz when it is installed (`apt-get install graphviz`).
fn render_svg(graph: &str) -> Option<String> {
    let available = Command::new("dot")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !available {
        eprintln!("Graphviz is not installed: skipping the rendering check");
        return None;
    }
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(graph.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "dot refused the graph: {stderr}");
    assert!(
        !stderr.contains("syntax error"),
        "dot reported a syntax error: {stderr}"
    );
    let svg = String::from_utf8(output.stdout).unwrap();
    assert!(svg.contains("<svg"), "{svg}");
    Some(svg)
}

#[test]
fn graphviz_renders_the_shipped_map_when_installed() {
    let content = shipped();
    if let Some(svg) = render_svg(&dot(&content)) {
        // Graphviz writes "-" as "&#45;".
        let svg = svg.replace("&#45;", "-");
        for node in content.trees.nodes() {
            assert!(svg.contains(&format!("({})", node.id)), "{}", node.id);
        }
    }
}
