//! Loading and validating dialogue trees from `dialogues/*.yaml`.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::content::{Problem, Problems};
use crate::frame;
use crate::i18n::{Arg, Catalog};
use crate::text::{BIDI_ISOLATES, MESSAGE_LIMIT, telegram_len};

use super::callback::{Action, CallbackData};

/// Files in `dialogues/` that are not trees (the intake form has its own loader).
const NOT_TREES: &[&str] = &["intake.yaml"];
/// Longest node id: keeps callback data well inside Telegram's 64 bytes.
const MAX_NODE_ID_LEN: usize = 40;
/// Longest button label a phone shows on one line without cutting it badly.
pub const MAX_LABEL_LEN: usize = 64;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TreeFile {
    tree: String,
    #[serde(default)]
    root: Option<String>,
    #[serde(default)]
    reviewed: Option<Reviewed>,
    /// The medical source text the screens draw from, relative to this
    /// file (`dialogue::sources`).
    #[serde(default)]
    source: Option<PathBuf>,
    nodes: Vec<NodeSpec>,
}

/// Who reviewed a tree's medical content and when; shown under each screen.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reviewed {
    /// Message id of the reviewer's name.
    pub by: String,
    /// Date of the last review, `YYYY-MM-DD`.
    pub on: String,
    /// Message id of the line that shows both (`{ $reviewer }`, `{ $date }`).
    pub line: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeSpec {
    id: String,
    text: String,
    #[serde(default = "yes")]
    nav: bool,
    #[serde(default)]
    footer: Vec<String>,
    #[serde(default)]
    buttons: Vec<ButtonSpec>,
    /// Phrases quoted from the tree's source, one per paragraph the screen
    /// says (`dialogue::sources`).
    #[serde(default)]
    source: Vec<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ButtonSpec {
    label: String,
    #[serde(default)]
    goto: Option<String>,
    #[serde(default)]
    action: Option<Action>,
}

/// Where a button leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Node(String),
    Action(Action),
}

impl Target {
    pub fn callback(&self) -> CallbackData {
        match self {
            Target::Node(id) => CallbackData::Goto(id.clone()),
            Target::Action(action) => CallbackData::Action(*action),
        }
    }
}

#[derive(Debug, Clone)]
pub struct TreeButton {
    pub label: String,
    pub target: Target,
    /// Line of the button in its file, for problems.
    pub line: usize,
}

/// One screen of a tree.
#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub tree: String,
    pub text: String,
    pub footer: Vec<String>,
    pub buttons: Vec<TreeButton>,
    /// Whether the screen gets the back / home / talk-to-a-person rows.
    pub nav: bool,
    /// The main menu, or a screen of content (which carries the frame's
    /// "not medical advice" footer).
    pub screen: Screen,
    pub reviewed: Option<Reviewed>,
    /// The source paragraphs the screen says, if its tree names a source.
    pub source: Option<SourceQuotes>,
    /// The node "back" leads to: the first screen that links here, walking
    /// breadth-first from the root. Computed, so content editors never set it.
    pub parent: Option<String>,
    pub file: PathBuf,
    pub line: usize,
}

/// Where a screen's content comes from: the tree's source text, and a
/// phrase quoted from each paragraph the screen says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceQuotes {
    /// The source text file (the tree's `source:`, resolved from its file).
    pub file: PathBuf,
    pub quotes: Vec<String>,
}

/// What a node is to the safety frame (see `crate::frame`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The main menu: buttons only, no information to qualify.
    Menu,
    /// Every other node: information, so it gets the footer.
    Content,
}

/// All trees, one namespace of node ids, validated.
#[derive(Debug, Clone)]
pub struct Trees {
    nodes: HashMap<String, Node>,
    order: Vec<String>,
    root: String,
}

impl Trees {
    pub fn load(dir: &Path) -> Result<Trees, Problems> {
        let mut problems = Vec::new();
        let mut nodes: HashMap<String, Node> = HashMap::new();
        let mut order = Vec::new();
        let mut roots = Vec::new();
        for file in tree_files(dir, &mut problems) {
            let Some((source, spec)) = read_tree_file(&file, &mut problems) else {
                continue;
            };
            if let Some(root) = &spec.root {
                roots.push((root.clone(), file.clone()));
            }
            for node_spec in spec.nodes {
                let line = line_of(&source, &format!("id: {}", node_spec.id), 0);
                let source_file = spec
                    .source
                    .as_ref()
                    .map(|path| file.parent().unwrap_or(Path::new(".")).join(path));
                let tree = TreeContext {
                    name: &spec.tree,
                    reviewed: &spec.reviewed,
                    source: source_file.as_deref(),
                    file: &file,
                };
                let node =
                    build_node(node_spec, &tree, line).map(|node| with_button_lines(node, &source));
                let node = match node {
                    Ok(node) => node,
                    Err(problem) => {
                        problems.push(problem);
                        continue;
                    }
                };
                if let Some(first) = nodes.get(&node.id) {
                    problems.push(node_problem(
                        &node,
                        format!(
                            "node “{}” is defined twice (also in {}:{})",
                            node.id,
                            first.file.display(),
                            first.line
                        ),
                    ));
                    continue;
                }
                order.push(node.id.clone());
                nodes.insert(node.id.clone(), node);
            }
        }
        let root = match roots.as_slice() {
            [(root, _)] => root.clone(),
            [] => {
                problems.push(Problem::in_file(
                    dir,
                    "no tree declares `root:` (the main menu node)",
                ));
                return Err(Problems(problems));
            }
            [_, (_, second), ..] => {
                problems.push(Problem::in_file(
                    second,
                    "only one file may declare `root:`",
                ));
                return Err(Problems(problems));
            }
        };
        if let Some(node) = nodes.get_mut(&root) {
            node.screen = Screen::Menu;
        }
        let mut trees = Trees { nodes, order, root };
        problems.extend(trees.check_links(dir));
        if problems.is_empty() {
            trees.assign_parents();
            Ok(trees)
        } else {
            Err(Problems(problems))
        }
    }

    pub fn root(&self) -> &Node {
        &self.nodes[&self.root]
    }

    pub fn get(&self, id: &str) -> Option<&Node> {
        self.nodes.get(id)
    }

    /// Nodes in file order.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.order.iter().map(|id| &self.nodes[id])
    }

    fn check_links(&self, dir: &Path) -> Vec<Problem> {
        let mut problems = Vec::new();
        if !self.nodes.contains_key(&self.root) {
            problems.push(Problem::in_file(
                dir,
                format!("the root node “{}” does not exist", self.root),
            ));
            return problems;
        }
        for node in self.nodes() {
            for button in &node.buttons {
                if let Target::Node(target) = &button.target
                    && !self.nodes.contains_key(target)
                {
                    problems.push(
                        Problem::in_file(
                            &node.file,
                            format!(
                                "node “{}”: button “{}” leads to “{target}”, which does not exist",
                                node.id, button.label
                            ),
                        )
                        .at(button.line, 1),
                    );
                }
            }
        }
        let reachable = self.reachable();
        for node in self.nodes() {
            if !reachable.contains(node.id.as_str()) {
                problems.push(node_problem(
                    node,
                    format!(
                        "node “{}” cannot be reached from the main menu: add a button that leads to it, or remove it",
                        node.id
                    ),
                ));
            }
        }
        problems
    }

    fn reachable(&self) -> HashSet<&str> {
        self.breadth_first().into_iter().map(|(id, _)| id).collect()
    }

    /// (node, the node that first links to it) in breadth-first order.
    fn breadth_first(&self) -> Vec<(&str, Option<&str>)> {
        let mut seen = HashSet::from([self.root.as_str()]);
        let mut queue = VecDeque::from([(self.root.as_str(), None)]);
        let mut visited = Vec::new();
        while let Some((id, parent)) = queue.pop_front() {
            visited.push((id, parent));
            let Some(node) = self.nodes.get(id) else {
                continue;
            };
            for button in &node.buttons {
                if let Target::Node(next) = &button.target
                    && self.nodes.contains_key(next)
                    && seen.insert(next.as_str())
                {
                    queue.push_back((next.as_str(), Some(id)));
                }
            }
        }
        visited
    }

    fn assign_parents(&mut self) {
        let parents: Vec<(String, Option<String>)> = self
            .breadth_first()
            .into_iter()
            .map(|(id, parent)| (id.to_owned(), parent.map(str::to_owned)))
            .collect();
        for (id, parent) in parents {
            if let Some(node) = self.nodes.get_mut(&id) {
                node.parent = parent;
            }
        }
    }

    /// Every message a tree uses exists in English, and every screen and
    /// button renders within Telegram's limits in every locale.
    pub fn check_against(&self, catalog: &Catalog) -> Vec<Problem> {
        let mut problems = Vec::new();
        for node in self.nodes() {
            for key in node.message_keys() {
                if !catalog.has_message(catalog.reference(), key) {
                    problems.push(node_problem(
                        node,
                        format!(
                            "node “{}” uses message “{key}”, which is missing in English",
                            node.id
                        ),
                    ));
                }
            }
        }
        if !problems.is_empty() {
            return problems;
        }
        for locale in catalog.locales() {
            for node in self.nodes() {
                let length = telegram_len(&node.body_html(catalog, locale));
                if length > MESSAGE_LIMIT {
                    problems.push(node_problem(
                        node,
                        format!(
                            "node “{}” in {locale} is {length} characters long; Telegram allows {MESSAGE_LIMIT}",
                            node.id
                        ),
                    ));
                }
                for button in &node.buttons {
                    let label = catalog.format(locale, &button.label, &[]);
                    if let Some(issue) = label_problem(&label) {
                        problems.push(node_problem(
                            node,
                            format!(
                                "node “{}” in {locale}: button “{}” {issue}",
                                node.id, button.label
                            ),
                        ));
                    }
                }
            }
        }
        problems
    }
}

impl Node {
    /// Every message id this node shows.
    pub fn message_keys(&self) -> impl Iterator<Item = &str> {
        let reviewed = self
            .reviewed
            .iter()
            .flat_map(|r| [r.by.as_str(), r.line.as_str()]);
        std::iter::once(self.text.as_str())
            .chain(self.footer.iter().map(String::as_str))
            .chain(self.buttons.iter().map(|b| b.label.as_str()))
            .chain(reviewed)
    }

    /// The screen's text: body, footers, the review line of its tree, then
    /// (on content screens) the frame's "not medical advice" footer, added
    /// here so that no screen can be written without it.
    pub fn body_html(&self, catalog: &Catalog, locale: &crate::i18n::Locale) -> String {
        let mut html = catalog.format(locale, &self.text, &[]);
        for footer in &self.footer {
            html.push_str("\n\n");
            html.push_str(&catalog.format(locale, footer, &[]));
        }
        if let Some(reviewed) = &self.reviewed {
            let reviewer = catalog.format(locale, &reviewed.by, &[]);
            let on = crate::dates::day(&locale.to_string(), &reviewed.on);
            let line = catalog.format(
                locale,
                &reviewed.line,
                &[("reviewer", Arg::Html(&reviewer)), ("date", Arg::Text(&on))],
            );
            html.push_str("\n\n");
            html.push_str(&line);
        }
        match self.screen {
            Screen::Content => frame::Line::NotAdvice.after(catalog, locale, &html),
            Screen::Menu => html,
        }
    }
}

/// Why a rendered button label would look broken on a phone, if it would.
pub fn label_problem(label: &str) -> Option<String> {
    let length = label.chars().count();
    if label.trim().is_empty() {
        Some("has an empty label".to_owned())
    } else if label.contains(['\n', '\r']) {
        Some("label must be one line".to_owned())
    } else if label.contains(BIDI_ISOLATES) || label.contains('<') {
        Some("label must be plain text (no markup, no direction marks)".to_owned())
    } else if length > MAX_LABEL_LEN {
        Some(format!(
            "label is {length} characters; keep it under {MAX_LABEL_LEN} for a phone"
        ))
    } else {
        None
    }
}

/// What a node takes from its tree's file.
struct TreeContext<'a> {
    name: &'a str,
    reviewed: &'a Option<Reviewed>,
    /// The source text, resolved from the file's `source:`.
    source: Option<&'a Path>,
    file: &'a Path,
}

fn build_node(spec: NodeSpec, tree: &TreeContext, line: usize) -> Result<Node, Problem> {
    let file = tree.file;
    let at = |message: String| Problem::in_file(file, message).at(line, 1);
    let source = match (tree.source, spec.source.is_empty()) {
        (_, true) => None,
        (Some(source), false) => Some(SourceQuotes {
            file: source.to_path_buf(),
            quotes: spec.source,
        }),
        (None, false) => {
            return Err(at(format!(
                "node “{}” quotes its source (`source:`), but its tree names no source text: \
                 add `source: <path of the text, from this file>` at the top of the file",
                spec.id
            )));
        }
    };
    if !is_valid_node_id(&spec.id) {
        return Err(at(format!(
            "node id “{}” must be 1-{MAX_NODE_ID_LEN} lowercase letters, digits or “-”",
            spec.id
        )));
    }
    if let Some(footer) = spec.footer.iter().find(|id| frame::is_frame_message(id)) {
        return Err(at(format!(
            "node “{}”: the footer “{footer}” is added by the bot to every screen that needs it; \
             remove it from `footer:`",
            spec.id
        )));
    }
    let mut buttons = Vec::with_capacity(spec.buttons.len());
    for button in spec.buttons {
        let target = match (button.goto, button.action) {
            (Some(node), None) => Target::Node(node),
            (None, Some(action)) => Target::Action(action),
            _ => {
                return Err(at(format!(
                    "node “{}”: button “{}” needs exactly one of `goto:` or `action:`",
                    spec.id, button.label
                )));
            }
        };
        buttons.push(TreeButton {
            label: button.label,
            target,
            line,
        });
    }
    Ok(Node {
        id: spec.id,
        tree: tree.name.to_owned(),
        text: spec.text,
        footer: spec.footer,
        buttons,
        nav: spec.nav,
        screen: Screen::Content,
        reviewed: tree.reviewed.clone(),
        source,
        parent: None,
        file: file.to_path_buf(),
        line,
    })
}

fn is_valid_node_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_NODE_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn node_problem(node: &Node, message: String) -> Problem {
    Problem::in_file(&node.file, message).at(node.line, 1)
}

fn tree_files(dir: &Path, problems: &mut Vec<Problem>) -> Vec<PathBuf> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            problems.push(Problem::in_file(
                dir,
                format!("cannot read the dialogues folder: {err}"),
            ));
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .filter(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            !NOT_TREES.contains(&name.as_ref())
        })
        .collect();
    files.sort();
    files
}

fn read_tree_file(file: &Path, problems: &mut Vec<Problem>) -> Option<(String, TreeFile)> {
    let source = match fs::read_to_string(file) {
        Ok(source) => source,
        Err(err) => {
            problems.push(Problem::in_file(file, format!("cannot read: {err}")));
            return None;
        }
    };
    match serde_norway::from_str::<TreeFile>(&source) {
        Ok(spec) => Some((source, spec)),
        Err(err) => {
            let mut problem = Problem::in_file(file, format!("not a valid tree: {err}"));
            if let Some(location) = err.location() {
                problem = problem.at(location.line(), location.column());
            }
            problems.push(problem);
            None
        }
    }
}

/// 1-based line of the first line after line `after` containing `needle`
/// (`after + 1`, or 1, when absent).
fn line_of(source: &str, needle: &str, after: usize) -> usize {
    source
        .lines()
        .enumerate()
        .skip(after)
        .find(|(_, line)| line.contains(needle))
        .map_or(after.max(1), |(index, _)| index + 1)
}

/// Points each button at its own line (the line of its label after the node's).
fn with_button_lines(mut node: Node, source: &str) -> Node {
    let mut after = node.line;
    for button in &mut node.buttons {
        button.line = line_of(source, &format!("label: {}", button.label), after);
        after = button.line;
    }
    node
}

// Keep the codec and the id rule in step: the longest id must fit.
const _: () = assert!(2 + MAX_NODE_ID_LEN <= crate::text::CALLBACK_DATA_LIMIT);

#[cfg(test)]
mod tests {
    use super::*;

    fn load(files: &[(&str, &str)]) -> Result<Trees, Vec<String>> {
        let dir = tempfile::tempdir().unwrap();
        for (name, source) in files {
            fs::write(dir.path().join(name), source).unwrap();
        }
        Trees::load(dir.path())
            .map_err(|Problems(problems)| problems.iter().map(ToString::to_string).collect())
    }

    const HOME: &str = "tree: main\nroot: home\nnodes:\n  - id: home\n    text: t\n    nav: false\n    buttons:\n      - { label: l, goto: a }\n";

    fn problems(files: &[(&str, &str)]) -> Vec<String> {
        load(files).expect_err("these files must be refused")
    }

    #[test]
    fn a_valid_tree_loads_with_parents_for_back_buttons() {
        let trees = load(&[
            ("main.yaml", HOME),
            ("a.yaml", "tree: a\nnodes:\n  - id: a\n    text: t\n    buttons:\n      - { label: l, goto: b }\n      - { label: l, action: person }\n  - id: b\n    text: t\n    buttons:\n      - { label: l, goto: a }\n"),
            ("intake.yaml", "not: a tree"),
        ])
        .unwrap();
        assert_eq!(trees.root().id, "home");
        assert_eq!(trees.get("a").unwrap().parent.as_deref(), Some("home"));
        assert_eq!(trees.get("b").unwrap().parent.as_deref(), Some("a"));
    }

    #[test]
    fn a_dangling_reference_names_file_line_and_node() {
        let found = problems(&[("main.yaml", HOME)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].ends_with(
                "main.yaml:8:1: node “home”: button “l” leads to “a”, which does not exist"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn unreachable_and_duplicate_nodes_are_refused() {
        let found = problems(&[
            ("main.yaml", HOME),
            (
                "a.yaml",
                "tree: a\nnodes:\n  - id: a\n    text: t\n  - id: lonely\n    text: t\n  - id: a\n    text: t\n",
            ),
        ]);
        assert!(
            found
                .iter()
                .any(|p| p.contains("a.yaml:3:1: node “a” is defined twice")),
            "{found:?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.contains("a.yaml:5:1: node “lonely” cannot be reached")),
            "{found:?}"
        );
    }

    #[test]
    fn yaml_mistakes_point_at_the_line() {
        let found = problems(&[(
            "main.yaml",
            "tree: main\nroot: home\nnodes:\n  - id: home\n    txet: t\n",
        )]);
        assert!(found[0].contains("main.yaml:5:"), "{found:?}");
        assert!(found[0].contains("unknown field `txet`"), "{found:?}");
    }

    #[test]
    fn buttons_need_exactly_one_target_and_ids_fit_callback_data() {
        let both = "tree: main\nroot: home\nnodes:\n  - id: home\n    text: t\n    buttons:\n      - { label: l, goto: home, action: home }\n";
        assert!(
            problems(&[("main.yaml", both)])[0]
                .contains("needs exactly one of `goto:` or `action:`")
        );
        let long_id = format!(
            "tree: main\nroot: home\nnodes:\n  - id: home\n    text: t\n    buttons:\n      - {{ label: l, goto: {0} }}\n  - id: {0}\n    text: t\n",
            "x".repeat(41)
        );
        let found = problems(&[("main.yaml", &long_id)]);
        assert!(
            found
                .iter()
                .any(|p| p.contains("must be 1-40 lowercase letters")),
            "{found:?}"
        );
    }

    #[test]
    fn quotes_need_the_tree_to_name_its_source_which_resolves_from_the_file() {
        let found = problems(&[
            ("main.yaml", HOME),
            (
                "a.yaml",
                "tree: a\nnodes:\n  - id: a\n    text: t\n    source: [\"Some words\"]\n",
            ),
        ]);
        assert!(
            found
                .iter()
                .any(|p| p.contains("a.yaml:3:1: node “a” quotes its source")),
            "{found:?}"
        );
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("main.yaml"), HOME).unwrap();
        fs::write(
            dir.path().join("a.yaml"),
            "tree: a\nsource: ../text.txt\nnodes:\n  - id: a\n    text: t\n    source: [\"Some words\"]\n",
        )
        .unwrap();
        let trees = Trees::load(dir.path()).unwrap();
        let source = trees.get("a").and_then(|node| node.source.clone()).unwrap();
        assert_eq!(source.file, dir.path().join("../text.txt"));
        assert_eq!(source.quotes, ["Some words"]);
    }

    #[test]
    fn a_footer_the_bot_adds_itself_is_refused() {
        let found = problems(&[
            ("main.yaml", HOME),
            (
                "a.yaml",
                "tree: a\nnodes:\n  - id: a\n    text: t\n    footer: [not-medical-advice]\n",
            ),
        ]);
        assert!(
            found.iter().any(|p| p.contains(
                "a.yaml:3:1: node “a”: the footer “not-medical-advice” is added by the bot"
            )),
            "{found:?}"
        );
    }

    #[test]
    fn only_the_root_is_the_menu() {
        let trees = load(&[
            ("main.yaml", HOME),
            (
                "a.yaml",
                "tree: a\nnodes:\n  - id: a\n    text: t\n    nav: false\n",
            ),
        ])
        .unwrap();
        assert_eq!(trees.root().screen, Screen::Menu);
        assert_eq!(trees.get("a").unwrap().screen, Screen::Content);
    }

    #[test]
    fn exactly_one_root() {
        let no_root = "tree: main\nnodes:\n  - id: home\n    text: t\n";
        assert!(problems(&[("main.yaml", no_root)])[0].contains("no tree declares `root:`"));
        let found = problems(&[
            ("main.yaml", HOME),
            (
                "other.yaml",
                "tree: b\nroot: a\nnodes:\n  - id: a\n    text: t\n",
            ),
        ]);
        assert!(
            found[0].contains("only one file may declare `root:`"),
            "{found:?}"
        );
    }

    #[test]
    fn messages_must_exist_in_english_and_labels_fit_a_phone() {
        let dir = tempfile::tempdir().unwrap();
        let locales = dir.path().join("locales");
        fs::create_dir_all(locales.join("en")).unwrap();
        fs::write(
            locales.join("en/a.ftl"),
            format!("t = Text\nl = {}\n", "L".repeat(70)),
        )
        .unwrap();
        let catalog = Catalog::load(&locales).unwrap();
        let dialogues = dir.path().join("dialogues");
        fs::create_dir_all(&dialogues).unwrap();
        fs::write(
            dialogues.join("main.yaml"),
            "tree: main\nroot: home\nnodes:\n  - id: home\n    text: t\n    footer: [missing-footer]\n",
        )
        .unwrap();
        let trees = Trees::load(&dialogues).unwrap();
        let found: Vec<String> = trees
            .check_against(&catalog)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(found[0].ends_with("main.yaml:4:1: node “home” uses message “missing-footer”, which is missing in English"), "{found:?}");

        fs::write(
            dialogues.join("main.yaml"),
            "tree: main\nroot: home\nnodes:\n  - id: home\n    text: t\n    buttons:\n      - { label: l, goto: home }\n",
        )
        .unwrap();
        let trees = Trees::load(&dialogues).unwrap();
        let found: Vec<String> = trees
            .check_against(&catalog)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            found[0].contains("label is 70 characters; keep it under 64"),
            "{found:?}"
        );
    }
}
