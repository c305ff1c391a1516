//! `navigator check` as a library: each finding on a small broken fixture
//! (`tests/fixtures/check/<finding-code>/`), with its exact file, line,
//! column and message; the shipped content; the staleness lock; the output
//! formats and `--locale` narrowing.

use std::fs;
use std::path::{Path, PathBuf};

use patient_navigator::check::{self, CheckOptions, LockError, Report, Severity};

const FIXTURES: &str = "tests/fixtures/check";

fn run_case(case: &str) -> Report {
    let dir = Path::new(FIXTURES).join(case);
    check::run(
        &dir.join("locales"),
        &dir.join("dialogues"),
        &CheckOptions::default(),
    )
}

/// The findings of `case` whose code is the case's name, as
/// `severity: file:line:column: message`, with `{D}` for the case's folder.
fn expect(case: &str, expected: &[&str]) {
    let report = run_case(case);
    let found: Vec<String> = report
        .findings
        .iter()
        .filter(|finding| finding.code == case)
        .map(|finding| format!("{}: {finding}", finding.severity))
        .collect();
    let folder = format!("{FIXTURES}/{case}");
    let expected: Vec<String> = expected
        .iter()
        .map(|line| line.replace("{D}", &folder))
        .collect();
    assert_eq!(found, expected, "\n{}", report.to_text());
}

fn shipped() -> Report {
    check::run(
        Path::new("locales"),
        Path::new("dialogues"),
        &CheckOptions::default(),
    )
}

#[test]
fn the_shipped_locales_and_dialogues_have_no_errors() {
    let report = shipped();
    assert!(!report.has_errors(), "{}", report.to_text());
    // Every shipped locale is complete; only real warnings remain.
    for coverage in &report.coverage {
        assert_eq!(coverage.missing, 0, "{coverage:?}");
        assert_eq!(coverage.obsolete, 0, "{coverage:?}");
    }
    let codes: Vec<&str> = report.warnings().map(|warning| warning.code).collect();
    assert!(
        codes
            .iter()
            .all(|code| matches!(*code, "unused-message" | "outdated-translation")),
        "{}",
        report.to_text()
    );
}

#[test]
fn missing_code_message() {
    let report = run_case("missing-code-message");
    let found: Vec<String> = report
        .findings
        .iter()
        .filter(|finding| finding.code == "missing-code-message")
        .map(ToString::to_string)
        .collect();
    let folder = format!("{FIXTURES}/missing-code-message/locales/en");
    assert!(
        found.contains(&format!(
            "{folder}: the bot itself shows the message “welcome”, but English has no such \
             message (with a text): add “welcome = …” to a file in this folder"
        )),
        "{found:#?}"
    );
    assert!(
        found.contains(&format!(
            "{folder}: the intake form offers every country by name, but English lacks 200 of \
             them: country-AF, country-AL, country-DZ, country-AD, country-AO, country-AG, \
             country-AR, country-AM and 192 more. Add them (e.g. “country-FR = France”) to a \
             file in this folder"
        )),
        "{found:#?}"
    );
    // Countries are one finding, not two hundred.
    assert_eq!(
        found.iter().filter(|f| f.contains("country-A")).count(),
        1,
        "{found:#?}"
    );
}

#[test]
fn coverage_counts_missing_obsolete_and_outdated() {
    let report = run_case("missing-message");
    let es = report.coverage.iter().find(|c| c.locale == "es").unwrap();
    assert_eq!(
        (
            es.total,
            es.translated,
            es.missing,
            es.outdated,
            es.obsolete
        ),
        (3, 2, 1, 0, 0)
    );
    assert!((es.percent() - 66.666).abs() < 0.01);
    let report = run_case("obsolete-message");
    let es = report.coverage.iter().find(|c| c.locale == "es").unwrap();
    assert_eq!((es.total, es.translated, es.obsolete), (1, 1, 1));
    let report = run_case("outdated-translation");
    let es = report.coverage.iter().find(|c| c.locale == "es").unwrap();
    assert_eq!((es.total, es.translated, es.outdated), (2, 1, 1));
    let table = report.coverage_table();
    assert_eq!(
        table,
        "locale  total  translated  missing  outdated  obsolete  complete\n\
         en          2           2        0         0         0    100.0%\n\
         es          2           1        0         1         0     50.0%\n"
    );
}

/// The shipped content with the French `welcome` using `{ $nom }`.
fn shipped_with_a_mistake() -> (tempfile::TempDir, PathBuf, Report) {
    let (dir, locales, dialogues) = shipped_copy();
    let fr = locales.join("fr/bot.ftl");
    let source = fs::read_to_string(&fr).unwrap();
    let broken = source.replacen("{ $name }", "{ $nom }", 1);
    assert_ne!(source, broken);
    fs::write(&fr, broken).unwrap();
    let report = check::run(&locales, &dialogues, &CheckOptions::default());
    (dir, locales, report)
}

#[test]
fn text_output_lists_errors_then_warnings() {
    let (_dir, locales, report) = shipped_with_a_mistake();
    let text = report.to_text();
    let warnings = report.warnings().count();
    let errors = text.find("1 error:\n").expect(&text);
    // The shipped content has no warnings of its own: the mistake's only.
    let noun = if warnings == 1 { "warning" } else { "warnings" };
    let warnings_at = text.find(&format!("{warnings} {noun}:\n")).expect(&text);
    assert!(errors < warnings_at, "{text}");
    let fr = locales.join("fr/bot.ftl");
    let line = fs::read_to_string(&fr)
        .unwrap()
        .lines()
        .position(|line| line.contains("{ $nom }"))
        .unwrap()
        + 1;
    assert!(
        text.contains(&format!("\n{}:{line}:", fr.display())),
        "{text}"
    );
    assert!(text.contains("[unknown-variable]\n"), "{text}");
    assert!(text.contains("[dropped-variable]\n"), "{text}");
    assert!(
        text.ends_with(&format!("1 error, {warnings} {noun}.\n")),
        "{text}"
    );
    assert_eq!(Report::default().to_text(), "No problems found.\n");
}

#[test]
fn json_output_has_counts_findings_and_coverage() {
    let (_dir, locales, report) = shipped_with_a_mistake();
    let json = report.to_json();
    assert_eq!(json["errors"], 1);
    assert_eq!(json["warnings"], report.warnings().count());
    let first = &json["findings"][0];
    assert_eq!(first["severity"], "error");
    assert_eq!(first["code"], "unknown-variable");
    assert_eq!(
        first["file"],
        locales.join("fr/bot.ftl").display().to_string()
    );
    assert!(first["line"].as_u64().unwrap() > 1);
    assert!(first["column"].as_u64().unwrap() > 1);
    assert!(first["message"].as_str().unwrap().contains("{ $nom }"));
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        ["severity", "code", "file", "line", "column", "message"]
    );
    let coverage = json["coverage"].as_array().unwrap();
    let locales: Vec<&str> = coverage
        .iter()
        .map(|c| c["locale"].as_str().unwrap())
        .collect();
    assert_eq!(locales, ["en", "ar", "es", "fr", "ru", "zh-Hans"]);
    let total = coverage[0]["total"].clone();
    assert_eq!(
        coverage[3],
        serde_json::json!({
            "locale": "fr", "total": total, "translated": total, "missing": 0,
            "outdated": 0, "obsolete": 0, "percent": 100.0
        })
    );
}

#[test]
fn locale_option_narrows_findings_and_coverage() {
    let dir = Path::new(FIXTURES).join("missing-plural-form");
    let options = CheckOptions {
        locale: Some("ru".to_owned()),
    };
    let report = check::run(&dir.join("locales"), &dir.join("dialogues"), &options);
    assert!(!report.findings.is_empty());
    assert!(
        report
            .findings
            .iter()
            .all(|finding| finding.file.starts_with(dir.join("locales/ru"))),
        "{}",
        report.to_text()
    );
    assert_eq!(report.coverage.len(), 1);
    assert_eq!(report.coverage[0].locale, "ru");

    // Tags match whatever their case; English also keeps the dialogues.
    let shipped_zh = check::run(
        Path::new("locales"),
        Path::new("dialogues"),
        &CheckOptions {
            locale: Some("zh-hans".to_owned()),
        },
    );
    assert_eq!(shipped_zh.coverage[0].locale, "zh-Hans");
    let en = check::run(
        &Path::new(FIXTURES).join("unreachable-node/locales"),
        &Path::new(FIXTURES).join("unreachable-node/dialogues"),
        &CheckOptions {
            locale: Some("en".to_owned()),
        },
    );
    assert!(en.findings.iter().any(|f| f.code == "unreachable-node"));

    let unknown = check::run(
        Path::new("locales"),
        Path::new("dialogues"),
        &CheckOptions {
            locale: Some("de".to_owned()),
        },
    );
    assert_eq!(unknown.findings.len(), 1);
    assert_eq!(unknown.findings[0].code, "unknown-locale");
    assert_eq!(unknown.findings[0].severity, Severity::Error);
    assert!(
        unknown.findings[0]
            .message
            .starts_with("there is no locale “de”: the locales are en, ar, es, "),
        "{}",
        unknown.findings[0]
    );
}

/// A copy of the shipped content, to change English in.
fn shipped_copy() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let locales = dir.path().join("locales");
    let dialogues = dir.path().join("dialogues");
    copy_dir(Path::new("locales"), &locales);
    copy_dir(Path::new("dialogues"), &dialogues);
    (dir, locales, dialogues)
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

fn outdated(locales: &Path, dialogues: &Path) -> Vec<String> {
    check::run(locales, dialogues, &CheckOptions::default())
        .findings
        .iter()
        .filter(|finding| finding.code == "outdated-translation")
        .map(|finding| {
            let locale = finding
                .file
                .strip_prefix(locales)
                .unwrap()
                .iter()
                .next()
                .unwrap();
            format!("{}: {}", locale.to_string_lossy(), finding.line)
        })
        .collect()
}

#[test]
fn an_english_change_outdates_translations_until_confirmed_or_locked() {
    let (_dir, locales, dialogues) = shipped_copy();
    assert_eq!(outdated(&locales, &dialogues), Vec::<String>::new());

    let bot = locales.join("en/bot.ftl");
    let english = fs::read_to_string(&bot).unwrap();
    let changed = english.replace(
        "delete-kept = Nothing was deleted.",
        "delete-kept = Nothing was deleted: your data is still here.",
    );
    assert_ne!(
        english, changed,
        "the shipped English text changed: update this test"
    );
    fs::write(&bot, changed).unwrap();
    // Reformatting and comments do not count as changes.
    let reformatted = fs::read_to_string(locales.join("en/intake.ftl"))
        .unwrap()
        .replace(
            "intake-resumed = ",
            "# A new comment\nintake-resumed =\n    ",
        );
    fs::write(locales.join("en/intake.ftl"), reformatted).unwrap();

    let report = check::run(&locales, &dialogues, &CheckOptions::default());
    let found: Vec<&check::Finding> = report
        .findings
        .iter()
        .filter(|finding| finding.code == "outdated-translation")
        .collect();
    let mut where_: Vec<String> = found
        .iter()
        .map(|f| f.file.strip_prefix(&locales).unwrap().display().to_string())
        .collect();
    where_.sort();
    assert_eq!(
        where_,
        [
            "ar/bot.ftl",
            "es/bot.ftl",
            "fr/bot.ftl",
            "ru/bot.ftl",
            "zh-Hans/bot.ftl"
        ]
    );
    assert!(found.iter().all(|f| f.severity == Severity::Warning));
    let es = found
        .iter()
        .find(|f| f.file.ends_with("es/bot.ftl"))
        .unwrap();
    let es_source = fs::read_to_string(locales.join("es/bot.ftl")).unwrap();
    let es_line = es_source
        .lines()
        .position(|line| line.starts_with("delete-kept ="))
        .unwrap()
        + 1;
    assert_eq!((es.line, es.column), (es_line, 1));
    assert!(
        es.message
            .contains("cargo run -- check --confirm es delete-kept"),
        "{es}"
    );
    let ar = report.coverage.iter().find(|c| c.locale == "ar").unwrap();
    assert_eq!((ar.outdated, ar.translated + 1), (1, ar.total));

    check::confirm(&locales, "es", "delete-kept").unwrap();
    let left = outdated(&locales, &dialogues);
    assert_eq!(left.len(), 4, "{left:?}");
    assert!(left.iter().all(|l| !l.starts_with("es:")), "{left:?}");

    let summary = check::update_lock(&locales).unwrap();
    // (Messages added since the lock was made are recorded too.)
    assert_eq!(summary.changed, 4);
    assert_eq!(outdated(&locales, &dialogues), Vec::<String>::new());
}

#[test]
fn confirm_explains_what_it_cannot_do() {
    let (_dir, locales, _) = shipped_copy();
    let error = check::confirm(&locales, "de", "welcome").unwrap_err();
    assert!(matches!(error, LockError::UnknownLocale { .. }), "{error}");
    assert!(error.to_string().contains("the locales are en, ar, es, "));
    let error = check::confirm(&locales, "en", "welcome").unwrap_err();
    assert!(matches!(error, LockError::ReferenceLocale), "{error}");
    let error = check::confirm(&locales, "es", "no-such-message").unwrap_err();
    assert!(matches!(error, LockError::NotInEnglish(_)), "{error}");

    let es_bot = locales.join("es/bot.ftl");
    let without = fs::read_to_string(&es_bot)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with("delete-kept ="))
        .map(|line| format!("{line}\n"))
        .collect::<String>();
    fs::write(&es_bot, without).unwrap();
    let error = check::confirm(&locales, "es", "delete-kept").unwrap_err();
    assert!(matches!(error, LockError::NotTranslated { .. }), "{error}");
    // Tags match whatever their case.
    check::confirm(&locales, "ZH-hans", "welcome").unwrap();
}

#[test]
fn update_lock_refuses_files_with_syntax_errors() {
    let (_dir, locales, _) = shipped_copy();
    let before = fs::read_to_string(locales.join(check::LOCK_FILE)).unwrap();
    fs::write(locales.join("fr/extra.ftl"), "broken = { $x ! }\n").unwrap();
    let error = check::update_lock(&locales).unwrap_err();
    assert!(matches!(error, LockError::Unfinished(_)), "{error}");
    assert!(error.to_string().contains("fr/extra.ftl:1:15"), "{error}");
    let after = fs::read_to_string(locales.join(check::LOCK_FILE)).unwrap();
    assert_eq!(before, after);
}

#[test]
fn update_lock_records_new_translations_and_drops_removed_ones() {
    let dir = tempfile::tempdir().unwrap();
    let locales = dir.path().join("locales");
    fs::create_dir_all(locales.join("en")).unwrap();
    fs::create_dir_all(locales.join("es")).unwrap();
    fs::write(locales.join("en/a.ftl"), "one = One\ntwo = Two\n").unwrap();
    fs::write(locales.join("es/a.ftl"), "one = Uno\ntwo = Dos\n").unwrap();
    let summary = check::update_lock(&locales).unwrap();
    assert_eq!(
        (summary.recorded, summary.added, summary.removed),
        (2, 2, 0)
    );
    let lock = fs::read_to_string(locales.join(check::LOCK_FILE)).unwrap();
    assert!(lock.starts_with("# Staleness lock"), "{lock}");
    assert!(lock.contains("\n[es]\none = \""), "{lock}");
    fs::write(locales.join("en/a.ftl"), "one = One\n").unwrap();
    let summary = check::update_lock(&locales).unwrap();
    assert_eq!(
        (summary.recorded, summary.added, summary.removed),
        (1, 0, 1)
    );
    assert_eq!(
        summary.to_string(),
        "1 translations recorded in the staleness lock (0 new, 0 after an English change, 1 removed)"
    );
}

/// Regenerates `locales/staleness.lock` for the shipped files (records
/// every translation as up to date): `cargo test --test cli check -- --ignored`.
#[test]
#[ignore = "writes locales/staleness.lock"]
fn regenerate_the_shipped_lock() {
    let summary = check::update_lock(Path::new("locales")).unwrap();
    println!("{summary}");
}

#[test]
fn bad_locale_folder() {
    expect(
        "bad-locale-folder",
        &[
            "error: {D}/locales/español: the folder name “español” is not a language tag, so the bot cannot use it: name the folder after the language, e.g. es, fr, pt-BR or zh-Hans",
        ],
    );
}

#[test]
fn callback_too_long() {
    expect(
        "callback-too-long",
        &[
            "error: {D}/locales/de-aaaaaaaa-bbbbbbbb-cccccccc-dddddddd-eeeeeeee-ffffffff-gggggggg: the language button of “de-aaaaaaaa-bbbbbbbb-cccccccc-dddddddd-eeeeeeee-ffffffff-gggggggg” would carry 67 bytes of button data (“l:de-aaaaaaaa-bbbbbbbb-cccccccc-dddddddd-eeeeeeee-ffffffff-gggggggg”); Telegram allows 64: use a shorter id",
        ],
    );
}

#[test]
fn dangling_node() {
    expect(
        "dangling-node",
        &[
            "error: {D}/dialogues/main.yaml:12:1: node “more”: button “home-btn-more” leads to “nowhere”, which does not exist",
        ],
    );
}

#[test]
fn dropped_variable() {
    expect(
        "dropped-variable",
        &[
            "warning: {D}/locales/fr/a.ftl:1:1: “welcome” does not show { $name }, which the English text shows ({D}/locales/en/a.ftl:1): add { $name } where it fits in the sentence, unless leaving it out is intended",
        ],
    );
}

#[test]
fn duplicate_attribute() {
    expect(
        "duplicate-attribute",
        &[
            "error: {D}/locales/en/a.ftl:3:5: “question” has the attribute .label twice: keep only one",
        ],
    );
}

#[test]
fn duplicate_message() {
    expect(
        "duplicate-message",
        &[
            "error: {D}/locales/en/b.ftl:2:1: the message “hello” is defined twice in this language; the bot uses the first one, at {D}/locales/en/a.ftl:1. Delete one of the two, or give this one another id",
        ],
    );
}

#[test]
fn duplicate_variant() {
    expect(
        "duplicate-variant",
        &[
            "error: {D}/locales/en/a.ftl:3:10: “files” has the variant [one] twice in the same choice: the second one is never used; delete one of them",
        ],
    );
}

#[test]
fn extra_attribute() {
    expect(
        "extra-attribute",
        &[
            "warning: {D}/locales/es/a.ftl:3:5: “question” has the attribute .lable, which English does not have, so the bot never uses it (English has .label): check the spelling, or delete it",
        ],
    );
}

#[test]
fn extra_value() {
    expect(
        "extra-value",
        &[
            "warning: {D}/locales/es/a.ftl:1:9: “names” has a text of its own, but English has only attributes ({D}/locales/en/a.ftl:1), so this text is never shown: delete it and keep the attributes",
        ],
    );
}

#[test]
fn form_error() {
    expect(
        "form-error",
        &[
            "error: {D}/dialogues/intake.yaml: the form has no consent question (kind: consent): nothing may be stored before the patient agrees",
        ],
    );
}

#[test]
fn html_ampersand() {
    expect(
        "html-ampersand",
        &[
            "error: {D}/locales/en/a.ftl:1:16: “one” has a “&” on its own; in Telegram HTML it must be written “&amp;” (for example “R&amp;D”)",
            "error: {D}/locales/en/a.ftl:2:12: “two” uses the entity &nbsp;, which Telegram does not know: it knows only &amp; &lt; &gt; &quot; and numbers such as &#160;",
        ],
    );
}

#[test]
fn html_attribute() {
    expect(
        "html-attribute",
        &[
            "error: {D}/locales/en/a.ftl:1:8: “link”: a link needs its address: <a href=\"https://…\">text</a>",
            "error: {D}/locales/en/a.ftl:1:26: “link”: Telegram does not accept the attribute “class” on <b>: remove it",
            "error: {D}/locales/en/a.ftl:1:48: “link”: Telegram accepts <span> only as <span class=\"tg-spoiler\"> (hidden text)",
        ],
    );
}

#[test]
fn html_less_than() {
    expect(
        "html-less-than",
        &[
            "error: {D}/locales/en/a.ftl:1:17: “size” has a “<” that does not start a tag; to show the character itself write “&lt;” (for example “&lt; 5 cm”)",
        ],
    );
}

#[test]
fn html_unbalanced() {
    expect(
        "html-unbalanced",
        &[
            "error: {D}/locales/en/a.ftl:1:22: “one” closes </b> before the <i> opened inside it: close tags in the reverse order, as in <b><i>…</i></b>",
            "error: {D}/locales/en/a.ftl:2:7: “two” opens <b> and never closes it: add </b> where it ends",
            "error: {D}/locales/en/a.ftl:3:15: “three” has </u> but no <u> before it: delete it, or add <u> where the text should start",
        ],
    );
}

#[test]
fn html_unclosed_tag() {
    expect(
        "html-unclosed-tag",
        &[
            "error: {D}/locales/en/a.ftl:1:7: “one” has a tag that is not closed with “>”: finish it (e.g. <b>), or write “&lt;” to show the character “<”",
        ],
    );
}

#[test]
fn html_unknown_tag() {
    expect(
        "html-unknown-tag",
        &[
            "error: {D}/locales/en/a.ftl:1:22: “hello” uses the tag <br>, which Telegram does not accept; it accepts only <b>, <i>, <u>, <s>, <a href=\"…\">, <code>, <pre>, <blockquote>, <tg-spoiler> (or <strong>, <em>, <ins>, <strike>, <del>, <span class=\"tg-spoiler\">, <tg-emoji emoji-id=\"…\">). For a line break, just start a new line",
            "error: {D}/locales/en/a.ftl:1:36: “hello” uses the tag <font>, which Telegram does not accept; it accepts only <b>, <i>, <u>, <s>, <a href=\"…\">, <code>, <pre>, <blockquote>, <tg-spoiler> (or <strong>, <em>, <ins>, <strike>, <del>, <span class=\"tg-spoiler\">, <tg-emoji emoji-id=\"…\">). Remove it, or write “&lt;” to show the character “<”",
        ],
    );
}

#[test]
fn invisible_character() {
    expect(
        "invisible-character",
        &[
            "error: {D}/locales/en/a.ftl:2:14: an invisible character, U+200F RIGHT-TO-LEFT MARK, is hidden here in “world”. Telegram sets the text direction itself, and this character shows as a box or scrambles the text on some phones: delete it (place the cursor after the character before it and press Delete)",
        ],
    );
}

#[test]
fn label_empty() {
    expect(
        "label-empty",
        &[
            "error: {D}/locales/en/a.ftl:1:1: “nav-back” is a button label, and it is empty: write the text of the button",
        ],
    );
}

#[test]
fn label_long() {
    expect(
        "label-long",
        &[
            "warning: {D}/locales/en/a.ftl:1:1: “nav-back” is a button label of 37 characters; many phones cut labels over 32: shorten it if you can",
        ],
    );
}

#[test]
fn label_markup() {
    expect(
        "label-markup",
        &[
            "error: {D}/locales/en/a.ftl:1:1: “nav-back” is a button label, and buttons show their text exactly as written: remove tags such as <b>, and do not use “<”, “>” or “&” (write “and” for “&”)",
            "error: {D}/locales/en/a.ftl:2:1: “nav-home” is a button label, and buttons show their text exactly as written: remove tags such as <b>, and do not use “<”, “>” or “&” (write “and” for “&”)",
        ],
    );
}

#[test]
fn label_multiline() {
    expect(
        "label-multiline",
        &[
            "error: {D}/locales/en/a.ftl:1:1: “nav-back” is a button label and must be one line: write it all on the line of “=”",
        ],
    );
}

#[test]
fn label_too_long() {
    expect(
        "label-too-long",
        &[
            "error: {D}/locales/en/a.ftl:1:1: “nav-back” is a button label of 66 characters; phones cut labels, and the bot refuses labels over 64: shorten it (ideally to 32 or fewer)",
        ],
    );
}

#[test]
fn lock_syntax() {
    expect(
        "lock-syntax",
        &[
            "error: {D}/locales/staleness.lock:5:1: this line of the staleness lock cannot be read (expected “[locale]” or “message-id = \"fingerprint\"”). The file is written by `cargo run -- check --update-lock`; if it was damaged (for example by a merge), fix the line or run that command again",
        ],
    );
}

#[test]
fn missing_attribute() {
    expect(
        "missing-attribute",
        &[
            "error: {D}/locales/es/a.ftl:1:1: “question” lacks the attribute .label that English has ({D}/locales/en/a.ftl:1): add a line “    .label = …” under the message, indented with four spaces",
        ],
    );
}

#[test]
fn missing_english() {
    expect(
        "missing-english",
        &[
            "error: {D}/locales/en: the English (reference) locale is missing: every other language is checked against locales/en/, so it must exist",
        ],
    );
}

#[test]
fn missing_file() {
    expect(
        "missing-file",
        &[
            "warning: {D}/locales/es/b.ftl: this file does not exist, so its 2 messages are shown in English: copy {D}/locales/en/b.ftl here and translate it",
        ],
    );
}

#[test]
fn missing_label_attribute() {
    expect(
        "missing-label-attribute",
        &[
            "error: {D}/locales/en/a.ftl:4:1: “intake-consent” is used by question “consent” (its prompt) and needs a “.label” attribute: the short name of the question on the review screen. Add a line “    .label = …” under it",
        ],
    );
}

#[test]
fn missing_message() {
    expect(
        "missing-message",
        &[
            "warning: {D}/locales/es/a.ftl:1:1: “two” is not translated yet, so the bot shows the English text ({D}/locales/en/a.ftl:2). Add it after “one”",
        ],
    );
}

#[test]
fn missing_reply() {
    // A ready reply is refused, not sent in English: the warning says so,
    // and a whole missing file is one finding that says it too.
    expect(
        "missing-reply",
        &[
            "warning: {D}/locales/es/replies.ftl:1:1: the ready reply “reply-call” is not translated yet, so coordinators cannot send it to patients reading this language (it is refused, never sent in English). Translate it from {D}/locales/en/replies.ftl:3. Add it after “reply-received”",
        ],
    );
    let report = run_case("missing-reply");
    let missing_files: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.code == "missing-file" || f.code == "missing-message")
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        missing_files,
        [format!(
            "{FIXTURES}/missing-reply/locales/fr/replies.ftl: this file does not exist, so coordinators cannot send any of its 2 ready replies to patients reading this language: copy {FIXTURES}/missing-reply/locales/en/replies.ftl here and translate it"
        )]
    );
}

#[test]
fn missing_safety_message() {
    // The frame's lines and the form's emergency question: an error, not
    // the warning of an untranslated message.
    expect(
        "missing-safety-message",
        &[
            "error: {D}/locales/es/a.ftl:2:1: “emergency-line” is missing in this language, and it is part of the safety frame: the emergency line shown first on every path to a person. Patients reading this language would get it in English. Translate it from {D}/locales/en/a.ftl:3. Add it after “no-guarantee”",
            "error: {D}/locales/es/a.ftl:7:1: “intake-emergency-advice” is missing in this language, and it is part of the safety frame: the emergency question asked before the form and before “talk to a person” opens a case. Patients reading this language would get it in English. Translate it from {D}/locales/en/a.ftl:9. Add it after “intake-emergency-yes”",
        ],
    );
    let report = run_case("missing-safety-message");
    assert!(
        !report.findings.iter().any(|f| f.code == "missing-message"),
        "{}",
        report.to_text()
    );
}

#[test]
fn missing_emergency_step() {
    expect(
        "missing-emergency-step",
        &[
            "error: {D}/dialogues/intake.yaml:4:1: the form has no emergency question before the consent “consent”: add first a choice question with `stop_when:` (e.g. “is this an emergency?”, stopping on “yes” with the emergency advice), so that every patient sees what to do in an emergency before anything else",
        ],
    );
}

#[test]
fn the_emergency_question_may_not_come_after_the_consent() {
    let (_dir, locales, dialogues) = shipped_copy();
    let intake = dialogues.join("intake.yaml");
    let source = fs::read_to_string(&intake).unwrap();
    // Move the consent above the emergency question, as the form was before.
    let consent = "  - id: consent\n    kind: consent\n    prompt: intake-consent\n";
    let moved =
        source
            .replacen(consent, "", 1)
            .replacen("fields:\n", &format!("fields:\n{consent}"), 1);
    assert_ne!(moved, source);
    fs::write(&intake, moved).unwrap();
    let report = check::run(&locales, &dialogues, &CheckOptions::default());
    let errors: Vec<String> = report
        .errors()
        .filter(|f| f.code == "form-error")
        .map(|f| f.message.clone())
        .collect();
    assert_eq!(
        errors,
        [
            "question “emergency” has `stop_when:` after the consent: the emergency question must come first, before the consent (its answer is never stored)"
        ],
        "{}",
        report.to_text()
    );
}

#[test]
fn missing_plural_form() {
    expect(
        "missing-plural-form",
        &[
            "error: {D}/locales/ar/a.ftl:1:11: the choice on { $count } in “files” lacks [zero] (e.g. 0), [many] (e.g. 11): Arabic (ar) needs the forms [zero], [one], [two], [few], [many] and *[other] for whole numbers, and without them those numbers get the *[other] text. Add the missing variants",
            "error: {D}/locales/ru/a.ftl:1:11: the choice on { $count } in “files” lacks [few] (e.g. 2), [many] (e.g. 0): Russian (ru) needs the forms [one], [few], [many] and *[other] for whole numbers, and without them those numbers get the *[other] text. Add the missing variants",
        ],
    );
}

#[test]
fn missing_value() {
    expect(
        "missing-value",
        &[
            "error: {D}/locales/es/a.ftl:1:1: “question” has no text of its own, but English has one ({D}/locales/en/a.ftl:1): write the translation after “=”",
        ],
    );
}

#[test]
fn obsolete_message() {
    expect(
        "obsolete-message",
        &[
            "warning: {D}/locales/es/a.ftl:2:1: “old-two” is no longer in English (it was removed or renamed there), so the bot never shows it: delete it, or rename it to the new English id",
        ],
    );
}

#[test]
fn outdated_translation() {
    expect(
        "outdated-translation",
        &[
            "warning: {D}/locales/es/a.ftl:1:1: the English text of “hello” changed after this translation was made (see {D}/locales/en/a.ftl:1): update the translation to match it, then run `cargo run -- check --confirm es hello`; if the translation is still right, just run that command",
        ],
    );
}

#[test]
fn reference_cycle() {
    expect(
        "reference-cycle",
        &[
            "error: {D}/locales/en/a.ftl:1:1: “first” refers to itself through first → second → third → first, so none of these can be shown: remove one of the references",
        ],
    );
}

#[test]
fn render_error() {
    expect(
        "render-error",
        &[
            "error: {D}/locales/en/a.ftl:1:1: “hello” cannot be shown, so patients get English (or “…”): it uses { $nickname }, and the bot never passes a value by that name: check the spelling against the English text (a new value must first be added to the bot by a developer)",
        ],
    );
}

#[test]
fn screen_too_long() {
    expect(
        "screen-too-long",
        &[
            "error: {D}/dialogues/main.yaml:9:1: the screen of node “more” in en is 5051 characters long (its text, footers and review line together); Telegram allows 4096: shorten the texts, or split the node in two",
        ],
    );
}

#[test]
fn screen_long() {
    expect(
        "screen-long",
        &[
            // 699 of its own: the footer the bot adds makes it too long.
            "warning: {D}/locales/en/a.ftl:3:1: the screen of node “more” (more-text) is 784 characters long in en: its text is 699, and the review line and the “not medical advice” footer the bot adds come on top; a phone shows about 700 at once, so patients scroll and lose the thread: shorten the text, or ask a content editor to split the node in dialogues/",
        ],
    );
}

#[test]
fn plural_less_number() {
    expect(
        "plural-less-number",
        &[
            "warning: {D}/locales/ar/a.ftl:1:46: “kept” puts the word “يومًا” after { $days } without a plural choice: Arabic (ar) changes the word with the number (forms [zero], [one], [two], [few], [many]), so write { $days -> [one] … *[other] … } with every form, or rephrase so no word follows the number",
            "warning: {D}/locales/ru/a.ftl:1:51: “kept” puts the word “дн” after { $days } without a plural choice: Russian (ru) changes the word with the number (forms [one], [few], [many]), so write { $days -> [one] … *[other] … } with every form, or rephrase so no word follows the number",
        ],
    );
}

#[test]
fn latin_drug_name() {
    expect(
        "latin-drug-name",
        &[
            "warning: {D}/locales/ru/a.ftl:2:37: “drugs” writes the drug name “osimertinib” in Latin letters; patients reading Russian (ru) know it by its local name: write it the way the country's drug references do (e.g. осимертиниб, أوسيميرتينيب, 奥希替尼)",
            "warning: {D}/locales/zh-Hans/a.ftl:1:20: “drugs” writes the drug name “Lorlatinib” in Latin letters; patients reading Chinese (zh-Hans) know it by its local name: write it the way the country's drug references do (e.g. осимертиниб, أوسيميرتينيب, 奥希替尼)",
        ],
    );
}

#[test]
fn rtl_number_order() {
    // The phone number on its own line is fine, as are 10:30 and a date.
    expect(
        "rtl-number-order",
        &[
            "warning: {D}/locales/ar/a.ftl:3:8: “phone” puts “+44 20 7946 0958” inside a right-to-left line: numbers separated by spaces (or led by + or -) show in the wrong order there (a phone number “+44 20 7946 0958” reads “0958 7946 20 44+”). Put it on a line of its own",
        ],
    );
}

#[test]
fn syntax_error() {
    expect(
        "syntax-error",
        &[
            "error: {D}/locales/en/a.ftl:2:18: Fluent syntax error: expected “}” here: every “{” must be closed, as in { $name }. Because of this, line 2 was ignored: the messages there are missing until it is fixed",
        ],
    );
}

#[test]
fn too_long() {
    expect(
        "too-long",
        &[
            "error: {D}/locales/en/a.ftl:1:1: “long” is 4358 characters long once the bot fills in long sample values; Telegram allows 4096 in one message: shorten it, or split it into two messages",
        ],
    );
}

#[test]
fn tree_error() {
    expect(
        "tree-error",
        &[
            "error: {D}/dialogues: the root node “home” does not exist",
            "error: {D}/dialogues/main.yaml:4:1: node “home”: button “home-btn-more” needs exactly one of `goto:` or `action:`",
        ],
    );
}

#[test]
fn unknown_function() {
    expect(
        "unknown-function",
        &[
            "error: {D}/locales/fr/a.ftl:1:11: “files” calls the function NOMBRE, which does not exist: the only functions are NUMBER and DATETIME, and their names are never translated",
        ],
    );
}

#[test]
fn unknown_message_key() {
    expect(
        "unknown-message-key",
        &[
            "error: {D}/dialogues/main.yaml:11:14: node “more” (a footer) uses the message “more-footer”, which English does not have: check the spelling here, or add “more-footer = …” to a file in {D}/locales/en",
        ],
    );
}

#[test]
fn unknown_reference() {
    expect(
        "unknown-reference",
        &[
            "error: {D}/locales/es/a.ftl:1:21: “about” refers to the term “-marca”, which is not defined in this language (es): each language defines its own terms, so add “-marca = …” to its files",
            "error: {D}/locales/es/a.ftl:1:34: “about” refers to the message “contact”, which does not exist in this language (es): check the spelling, or add “contact”",
        ],
    );
}

#[test]
fn unknown_variable() {
    expect(
        "unknown-variable",
        &[
            "error: {D}/locales/fr/a.ftl:1:22: “welcome” uses { $nom }, which the English text does not have, so the bot has no value for it and shows English instead. Variables keep their English names: did you mean { $name }?",
        ],
    );
}

#[test]
fn unreachable_node() {
    expect(
        "unreachable-node",
        &[
            "error: {D}/dialogues/main.yaml:11:1: node “lonely” cannot be reached from the main menu: add a button that leads to it, or remove it",
        ],
    );
}

#[test]
fn unused_message() {
    expect(
        "unused-message",
        &[
            "warning: {D}/locales/en/a.ftl:6:1: nothing shows “leftover”: no tree, no question of the form and no part of the bot uses it. Delete it here and in the other languages, or use it in dialogues/",
        ],
    );
}

/// Right to left: "back" points right (▶), and a phone example stands on a
/// line of its own, so Telegram cannot reorder it inside an Arabic sentence.
#[test]
fn arabic_arrows_and_phone_examples_read_right_to_left() {
    for entry in fs::read_dir("locales/ar").unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        for (index, line) in text.lines().enumerate() {
            if line.starts_with('#') {
                continue;
            }
            let at = format!("{}:{}", path.display(), index + 1);
            assert!(!line.contains('◀'), "{at}: ◀ points forward in Arabic");
            if line.contains("+44") {
                assert_eq!(line.trim(), "+44 20 7946 0958", "{at}");
            }
        }
    }
}

#[test]
fn signoff_syntax() {
    expect(
        "signoff-syntax",
        &[
            "error: {D}/locales/es/signoff.toml:3:8: this sign-off cannot be read (invalid type: string \"5 December\", expected a TOML datetime). It needs four lines: reviewer = \"Name\", role = \"…\", date = YYYY-MM-DD and fingerprint = \"…\" (the review book's sign-off page shows what to write); see TRANSLATING.md",
        ],
    );
}

/// `tests/fixtures/check/signoff`: es signed and unchanged, fr signed
/// before a text changed, ru and en never signed.
#[test]
fn each_locale_is_a_draft_until_signed_off_and_again_after_a_change() {
    let report = run_case("signoff");
    let states: Vec<(&str, bool)> = report
        .review
        .iter()
        .map(|review| (review.locale.as_str(), review.is_signed_off()))
        .collect();
    assert_eq!(
        states,
        [("en", false), ("es", true), ("fr", false), ("ru", false)]
    );
    let text = report.to_text();
    let folder = format!("{FIXTURES}/signoff/locales");
    assert!(
        text.starts_with(&format!(
            "Review:\n  en: draft awaiting review (no sign-off in {folder}/en/signoff.toml; see \
             TRANSLATING.md, “Reviewing and signing”)\n  es: signed off by Dr. Ana García (native \
             medical translator, oncology) on 2026-12-05\n  fr: draft awaiting review (changed \
             since Dr. Claire Martin signed it off on 2026-11-30; the content's fingerprint is \
             now "
        )),
        "{text}"
    );
    // A draft is information, not a finding (the fixture has no
    // dialogues: those findings are not about sign-offs).
    assert!(
        report
            .findings
            .iter()
            .all(|finding| !finding.file.ends_with(check::SIGNOFF_FILE)
                && !finding.message.contains("awaiting review")),
        "{text}"
    );
    let json = report.to_json();
    assert_eq!(json["review"][1]["state"], "signed-off");
    assert_eq!(json["review"][2]["state"], "draft");
    assert_eq!(json["review"][2]["signed"]["reviewer"], "Dr. Claire Martin");
    assert_eq!(json["review"][3]["signed"], serde_json::Value::Null);
    // The review book shows the current fingerprint: signing with it signs off.
    let signed_es = &report.review[1];
    assert!(
        fs::read_to_string(format!("{folder}/es/signoff.toml"))
            .unwrap()
            .contains(&signed_es.fingerprint)
    );
    let narrowed = check::run(
        Path::new(&folder),
        Path::new(&format!("{FIXTURES}/signoff/dialogues")),
        &CheckOptions {
            locale: Some("fr".to_owned()),
        },
    );
    assert_eq!(narrowed.review.len(), 1);
    assert_eq!(narrowed.review[0].locale, "fr");
}

#[test]
fn signing_with_the_shown_fingerprint_signs_off_and_a_change_undoes_it() {
    let (_dir, locales, dialogues) = shipped_copy();
    let review = |locales: &Path| {
        check::run(locales, &dialogues, &CheckOptions::default())
            .review
            .into_iter()
            .find(|review| review.locale == "ar")
            .unwrap()
    };
    let draft = review(&locales);
    assert!(
        !draft.is_signed_off(),
        "the shipped translations are drafts"
    );
    fs::write(
        locales.join("ar").join(check::SIGNOFF_FILE),
        check::signoff_text("Dr. Test", "oncologist", "2026-12-06", &draft.fingerprint),
    )
    .unwrap();
    assert!(review(&locales).is_signed_off());
    // Comments and layout are not content.
    let bot = locales.join("ar/bot.ftl");
    let source = fs::read_to_string(&bot).unwrap();
    fs::write(&bot, format!("# A reviewer's note.\n{source}")).unwrap();
    assert!(review(&locales).is_signed_off());
    // A text is.
    let changed = source.replacen("= ", "= ؟", 1);
    assert_ne!(changed, source);
    fs::write(&bot, changed).unwrap();
    let after = review(&locales);
    assert!(
        matches!(after.state, check::ReviewState::ChangedSince(_)),
        "{after:?}"
    );
    assert_ne!(after.fingerprint, draft.fingerprint);
}

#[test]
fn unknown_source() {
    expect(
        "unknown-source",
        &[
            "error: {D}/dialogues/main.yaml:14:1: node “more” quotes “Not in the source” from {D}/dialogues/source.txt, but no paragraph of the source contains it. Copy a phrase of the paragraph the screen says, exactly as the source writes it",
            "error: {D}/dialogues/main.yaml:15:1: node “more” quotes “about resistance” from {D}/dialogues/source.txt, but paragraphs 2, 3 all contain it: quote more words. Copy a phrase of the paragraph the screen says, exactly as the source writes it",
        ],
    );
}

#[test]
fn missing_source_text() {
    expect(
        "missing-source-text",
        &[
            "warning: {D}/dialogues/main.yaml:11:1: node “more” (and the others of its tree) quotes the source text {D}/dialogues/no-such-source.txt, which cannot be read here, so the quotes are not checked: check the tree's `source:` path (relative to this file)",
        ],
    );
}
