//! The views of the whole content people look at: the conversation map
//! (every screen, button, action and question of the shipped content, in
//! Mermaid and in Graphviz DOT, escaped correctly) and the review book
//! (`navigator review`: every screen in every language, next to English
//! and the source, with staleness and sign-off), read in a real browser.

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

// ----- the review book -------------------------------------------------------

/// Runs `navigator review` on these folders into a new temporary folder.
fn review_book(locales: &Path, dialogues: &Path) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_navigator"))
        .args(["review", "--out"])
        .arg(out.path())
        .arg("--locales-dir")
        .arg(locales)
        .arg("--dialogues-dir")
        .arg(dialogues)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.starts_with("ok: review book of "), "{said}");
    out
}

fn read(folder: &Path, name: &str) -> String {
    fs::read_to_string(folder.join(name)).unwrap_or_else(|err| panic!("{name}: {err}"))
}

#[test]
fn the_review_book_has_every_language_every_screen_its_source_and_sign_off() {
    let content = shipped();
    let book = review_book(&root().join("locales"), &root().join("dialogues"));
    let folder = book.path();
    let index = read(folder, "index.html");
    assert!(read(folder, "style.css").contains(".bubble"));
    let report = patient_navigator::check::run(
        &root().join("locales"),
        &root().join("dialogues"),
        &Default::default(),
    );
    for locale in content.catalog.locales() {
        let tag = locale.tag();
        let page = read(folder, &format!("{tag}.html"));
        assert!(index.contains(&format!("href=\"{tag}.html\"")), "{tag}");
        for node in content.trees.nodes() {
            assert!(
                page.contains(&format!("id=\"screen-{}\"", node.id)),
                "{tag}: {}",
                node.id
            );
        }
        for field in &content.form.fields {
            assert!(
                page.contains(&format!("id=\"question-{}\"", field.id)),
                "{tag}"
            );
        }
        // Static: no script, nothing fetched from the network.
        assert!(!page.contains("<script"), "{tag}");
        assert!(
            !page.contains("src=\"http") && !page.contains("@import"),
            "{tag}"
        );
        // Each screen next to English, in the language's direction.
        let dir = if locale.is_right_to_left() {
            "rtl"
        } else {
            "ltr"
        };
        assert!(
            page.contains(&format!(
                "<div class=\"phone\" lang=\"{tag}\" dir=\"{dir}\">"
            )),
            "{tag}"
        );
        if tag != "en" {
            assert!(page.contains("<div class=\"phone\" lang=\"en\" dir=\"ltr\">"));
            assert!(page.contains("class=\"mark up-to-date\""), "{tag}");
        }
        // The source paragraph of a content screen.
        assert!(
            page.contains("<blockquote>A new mutation in the same gene the drug was targeting"),
            "{tag}"
        );
        // The sign-off page shows the fingerprint `check` compares with.
        let review = report.review.iter().find(|r| r.locale == tag).unwrap();
        let signoff = read(folder, &format!("{tag}-signoff.html"));
        assert!(
            signoff.contains(&format!("fingerprint = &quot;{}&quot;", review.fingerprint)),
            "{tag}: {signoff}"
        );
        assert!(signoff.contains("draft awaiting review"), "{tag}");
        assert!(page.contains("draft awaiting review"), "{tag}");
    }
    assert!(read(folder, "ar.html").contains("<div class=\"phone\" lang=\"ar\" dir=\"rtl\">"));
}

#[test]
fn the_review_book_marks_what_changed_in_english_and_who_signed() {
    let dir = tempfile::tempdir().unwrap();
    let locales = dir.path().join("locales");
    copy_dir(&root().join("locales"), &locales);
    let bot = locales.join("en/bot.ftl");
    let english = fs::read_to_string(&bot).unwrap();
    let changed = english.replacen("delete-done = ", "delete-done = (changed) ", 1);
    assert_ne!(changed, english);
    fs::write(&bot, changed).unwrap();
    // A Spanish message removed (missing), a French one not in the lock.
    let spanish = locales.join("es/bot.ftl");
    let text = fs::read_to_string(&spanish).unwrap();
    let without = text.replacen("delete-kept = No se ha eliminado nada.\n", "", 1);
    assert_ne!(without, text);
    fs::write(&spanish, without).unwrap();
    let lock = locales.join("staleness.lock");
    let text = fs::read_to_string(&lock).unwrap();
    let (before, french_part) = text.split_once("\n[fr]\n").unwrap();
    let untracked = french_part.replacen("delete-no = \"1677b9780c80b660\"\n", "", 1);
    assert_ne!(untracked, french_part);
    fs::write(&lock, format!("{before}\n[fr]\n{untracked}")).unwrap();
    let report =
        patient_navigator::check::run(&locales, &root().join("dialogues"), &Default::default());
    let french = report.review.iter().find(|r| r.locale == "fr").unwrap();
    fs::write(
        locales
            .join("fr")
            .join(patient_navigator::check::SIGNOFF_FILE),
        patient_navigator::check::signoff_text(
            "Dr. Claire Martin",
            "oncologist",
            "2026-12-06",
            &french.fingerprint,
        ),
    )
    .unwrap();
    let book = review_book(&locales, &root().join("dialogues"));
    let spanish = read(book.path(), "es.html");
    assert!(
        spanish.contains(
            "<li class=\"mark outdated\"><code>delete-done</code>: outdated: English changed since</li>"
        ),
        "the changed message is marked outdated"
    );
    assert!(spanish.contains(
        "<li class=\"mark missing\"><code>delete-kept</code>: missing translation: English is shown</li>"
    ));
    let french = read(book.path(), "fr.html");
    assert!(french.contains(
        "<li class=\"mark untracked\"><code>delete-no</code>: untracked: not in the staleness lock yet</li>"
    ));
    assert!(french.contains("signed off by Dr. Claire Martin (oncologist) on 2026-12-06"));
    assert!(
        read(book.path(), "index.html")
            .contains("<td class=\"signed\">signed off by Dr. Claire Martin")
    );
    assert!(
        read(book.path(), "fr-signoff.html").contains("Last signed by <b>Dr. Claire Martin</b>")
    );
}

/// Where Chromium is: `$CHROMIUM`, or the Debian package's binary.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    path.exists().then_some(path)
}

/// Chromium, headless, alone: no sandbox (tests run as root in CI), no GPU,
/// no network of its own, a fresh profile.
fn headless(chromium: &Path, profile: &Path) -> Command {
    let mut command = Command::new("timeout");
    command.arg("120").arg(chromium).args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// A page with one article of the book and a script that measures it:
/// the direction of the language's bubble, where its first letters are
/// drawn, and which of its Arabic and Han letters come out as the browser's
/// "missing glyph" (drawn on a canvas: identical to a character no font
/// has, or nothing at all).
fn probe_page(book_page: &str, anchor: &str, tag: &str) -> String {
    let start = book_page
        .find(&format!("<article class=\"entry\" id=\"{anchor}\">"))
        .unwrap_or_else(|| panic!("no {anchor}"));
    let end = start + book_page[start..].find("</article>").unwrap() + "</article>".len();
    let article = &book_page[start..end];
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><link rel="stylesheet" href="style.css">
<style>body {{ background: #fff; }} main {{ padding-top: 8px; }}</style></head>
<body><main>{article}</main><pre id="probe"></pre>
<script>
const phone = document.querySelector('.phone[lang="{tag}"]');
const bubble = phone.querySelector('.bubble');
const style = getComputedStyle(bubble);
const text = document.createTreeWalker(bubble, NodeFilter.SHOW_TEXT).nextNode();
const at = (i) => {{ const r = document.createRange(); r.setStart(text, i); r.setEnd(text, i + 1); return r.getBoundingClientRect(); }};
const canvas = document.createElement('canvas');
canvas.width = 64; canvas.height = 64;
const pen = canvas.getContext('2d', {{ willReadFrequently: true }});
const draw = (ch) => {{
  pen.clearRect(0, 0, 64, 64); pen.font = '32px ' + style.fontFamily; pen.fillStyle = '#000';
  pen.textBaseline = 'middle'; pen.fillText(ch, 8, 32);
  return pen.getImageData(0, 0, 64, 64).data.join(',');
}};
const tofu = draw('\u{{10FFFD}}');
const letters = [...new Set([...phone.innerText].filter((c) => /[\p{{Script=Arabic}}\p{{Script=Han}}]/u.test(c)))];
const missing = letters.filter((c) => {{ const drawn = draw(c); return drawn === tofu || !/[1-9]/.test(drawn); }});
document.getElementById('probe').textContent = JSON.stringify({{
  direction: style.direction,
  first: at(0).left, fourth: at(3).left,
  rightGap: bubble.getBoundingClientRect().right - parseFloat(style.paddingRight) - at(0).right,
  leftGap: at(0).left - bubble.getBoundingClientRect().left - parseFloat(style.paddingLeft),
  letters: letters.length, missing: missing.join(''),
}});
</script></body></html>
"#
    )
}

#[derive(Debug)]
struct Probe {
    direction: String,
    first_left: f64,
    fourth_left: f64,
    /// From the first letter to the bubble's text edge, on each side.
    right_gap: f64,
    left_gap: f64,
    letters: u64,
    missing: String,
}

fn probe(chromium: &Path, page: &Path) -> Probe {
    let profile = tempfile::tempdir().unwrap();
    let output = headless(chromium, profile.path())
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&output.stdout);
    let json = dom
        .split_once("<pre id=\"probe\">")
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(json, _)| {
            json.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .filter(|json| !json.is_empty())
        .unwrap_or_else(|| {
            panic!(
                "Chromium did not run the probe: {}\n{dom}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    Probe {
        direction: value["direction"].as_str().unwrap().to_owned(),
        first_left: value["first"].as_f64().unwrap(),
        fourth_left: value["fourth"].as_f64().unwrap(),
        right_gap: value["rightGap"].as_f64().unwrap(),
        left_gap: value["leftGap"].as_f64().unwrap(),
        letters: value["letters"].as_u64().unwrap(),
        missing: value["missing"].as_str().unwrap().to_owned(),
    }
}

/// The review book in a real browser: an Arabic and a Chinese screen,
/// screenshotted (in `target/tmp/review-book/`), Arabic drawn right to left,
/// and no letter of either drawn as a missing glyph. Needs Chromium and
/// fonts for Arabic and CJK (`.ci/run` installs them; README, "Tests").
#[test]
fn the_review_book_reads_right_to_left_and_without_missing_glyphs_in_chromium() {
    let Some(chromium) = chromium() else {
        if std::env::var("NAVIGATOR_SKIP_BROWSER_TESTS").as_deref() == Ok("1") {
            eprintln!("skipped: no Chromium and NAVIGATOR_SKIP_BROWSER_TESTS=1");
            return;
        }
        panic!(
            "Chromium is needed for the review book's browser test: apt-get install chromium \
             fonts-noto-core fonts-noto-cjk (or set CHROMIUM=/path/to/chromium, or \
             NAVIGATOR_SKIP_BROWSER_TESTS=1 to skip it)"
        );
    };
    let book = review_book(&root().join("locales"), &root().join("dialogues"));
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("review-book");
    fs::create_dir_all(&shots).unwrap();
    for (tag, right_to_left) in [("ar", true), ("zh-Hans", false)] {
        let page = book.path().join(format!("probe-{tag}.html"));
        let source = read(book.path(), &format!("{tag}.html"));
        fs::write(&page, probe_page(&source, "screen-on-target", tag)).unwrap();
        let measured = probe(&chromium, &page);
        assert_eq!(
            measured.direction,
            if right_to_left { "rtl" } else { "ltr" },
            "{tag}: {measured:?}"
        );
        // The first letter of the title is drawn right of the fourth in
        // Arabic, left of it in Chinese, and the line starts at the right
        // edge of the bubble in Arabic, at the left edge in Chinese.
        assert_eq!(
            measured.first_left > measured.fourth_left,
            right_to_left,
            "{tag}: {measured:?}"
        );
        let (start, end) = if right_to_left {
            (measured.right_gap, measured.left_gap)
        } else {
            (measured.left_gap, measured.right_gap)
        };
        assert!(start.abs() < 2.0 && end > 20.0, "{tag}: {measured:?}");
        assert!(measured.letters >= 20, "{tag}: {measured:?}");
        assert!(
            measured.missing.is_empty(),
            "{tag}: these letters have no glyph (install fonts-noto-core and fonts-noto-cjk): \
             {measured:?}"
        );
        let shot = shots.join(format!("{tag}-on-target.png"));
        let _ = fs::remove_file(&shot);
        let profile = tempfile::tempdir().unwrap();
        let output = headless(&chromium, profile.path())
            .arg("--window-size=1000,900")
            .arg(format!("--screenshot={}", shot.display()))
            .arg(format!("file://{}", page.display()))
            .output()
            .unwrap();
        let png = fs::read(&shot).unwrap_or_else(|err| {
            panic!(
                "{tag}: no screenshot ({err}): {}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "{tag}");
    }
}
