//! The review book's pages: plain HTML and one stylesheet, no script, no
//! network. Telegram HTML goes through the emulator's copy of Telegram's
//! parser (`emulator::parse_html`) and comes out as the entities Telegram
//! would draw, every text escaped (`text::escape_html`).

use std::fmt::Write as _;

use super::book::{Book, Bubble, Entry, LocaleBook, SAMPLE_NAME, Section};
use crate::check::{ReviewState, Staleness, signoff_text};
use crate::emulator::{HtmlOptions, parse_html};
use crate::text::escape_html;

pub const STYLESHEET: &str = "style.css";

/// Every file of the book: (name, contents).
pub fn pages(book: &Book) -> Vec<(String, String)> {
    let mut pages = vec![
        ("index.html".to_owned(), index(book)),
        (STYLESHEET.to_owned(), CSS.to_owned()),
    ];
    for locale in &book.locales {
        pages.push((page_name(&locale.tag), locale_page(locale)));
        pages.push((signoff_page_name(&locale.tag), signoff_page(locale)));
    }
    pages
}

pub fn page_name(tag: &str) -> String {
    format!("{tag}.html")
}

pub fn signoff_page_name(tag: &str) -> String {
    format!("{tag}-signoff.html")
}

fn head(title: &str, lang: &str, dir: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<link rel=\"stylesheet\" href=\"{STYLESHEET}\">\n</head>\n<body>\n",
        escape_html(title)
    )
}

const FOOT: &str = "</body>\n</html>\n";

fn status(locale: &LocaleBook) -> (String, &'static str) {
    match &locale.review {
        Some(review) => (
            review.headline(),
            if review.is_signed_off() {
                "signed"
            } else {
                "draft"
            },
        ),
        None => ("draft awaiting review".to_owned(), "draft"),
    }
}

fn index(book: &Book) -> String {
    let mut out = head("Review book", "en", "ltr");
    out.push_str(
        "<header><h1>Review book</h1><p>Every screen the patient navigator shows, in each \
         language next to English, with the source paragraph each content screen says and \
         where each translation stands. Read a language's pages, then sign it on its \
         sign-off page.</p></header>\n<main>\n<table class=\"locales\">\n<thead><tr>\
         <th>language</th><th>review</th><th>up to date</th><th>outdated</th><th>untracked</th>\
         <th>missing</th><th></th></tr></thead>\n<tbody>\n",
    );
    for locale in &book.locales {
        let (summary, class) = status(locale);
        let count = |state| locale.counts.get(&state).copied().unwrap_or(0);
        let up_to_date = if locale.is_reference() {
            count(Staleness::Reference)
        } else {
            count(Staleness::UpToDate)
        };
        let _ = writeln!(
            out,
            "<tr><td><a href=\"{page}\"><span lang=\"{tag}\" dir=\"auto\">{name}</span> \
             ({tag})</a></td><td class=\"{class}\">{summary}</td><td>{up_to_date}</td>\
             <td>{outdated}</td><td>{untracked}</td><td>{missing}</td><td><a href=\"{signoff}\">\
             sign-off</a></td></tr>",
            page = page_name(&locale.tag),
            tag = escape_html(&locale.tag),
            name = escape_html(&locale.name),
            summary = escape_html(&summary),
            outdated = count(Staleness::Outdated),
            untracked = count(Staleness::Untracked),
            missing = count(Staleness::Missing),
            signoff = signoff_page_name(&locale.tag),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    let _ = write!(
        out,
        "<p class=\"note\">The screens are the bot's own, rendered by its engines for a sample \
         patient called {SAMPLE_NAME}. Marks: <span class=\"mark up-to-date\">up to date</span> \
         <span class=\"mark outdated\">outdated: English changed since</span> \
         <span class=\"mark untracked\">untracked</span> <span class=\"mark missing\">missing: \
         English is shown</span>.</p>\n</main>\n"
    );
    out.push_str(FOOT);
    out
}

fn locale_page(locale: &LocaleBook) -> String {
    let (summary, class) = status(locale);
    let mut out = head(
        &format!("Review book: {} ({})", locale.name, locale.tag),
        "en",
        "ltr",
    );
    let _ = write!(
        out,
        "<header><p><a href=\"index.html\">All languages</a> · <a href=\"{signoff}\">Sign-off \
         page</a></p><h1><span lang=\"{tag}\" dir=\"auto\">{name}</span> ({tag})</h1>\
         <p class=\"status {class}\">{summary}</p></header>\n<nav class=\"contents\"><ol>",
        signoff = signoff_page_name(&locale.tag),
        tag = escape_html(&locale.tag),
        name = escape_html(&locale.name),
        summary = escape_html(&summary),
    );
    for section in &locale.sections {
        let _ = write!(
            out,
            "<li><a href=\"#{}\">{}</a> ({})</li>",
            section.anchor,
            escape_html(&section.title),
            section.entries.len()
        );
    }
    out.push_str("</ol></nav>\n<main>\n");
    for section in &locale.sections {
        render_section(&mut out, locale, section);
    }
    out.push_str("</main>\n");
    out.push_str(FOOT);
    out
}

fn render_section(out: &mut String, locale: &LocaleBook, section: &Section) {
    let _ = writeln!(
        out,
        "<section class=\"part\" id=\"{}\">\n<h2>{}</h2>",
        section.anchor,
        escape_html(&section.title)
    );
    for entry in &section.entries {
        render_entry(out, locale, entry);
    }
    out.push_str("</section>\n");
}

fn render_entry(out: &mut String, locale: &LocaleBook, entry: &Entry) {
    let _ = write!(
        out,
        "<article class=\"entry\" id=\"{}\">\n<h3>{}</h3>\n<p class=\"when\">{}</p>\n\
         <div class=\"columns\">\n",
        entry.anchor,
        escape_html(&entry.title),
        escape_html(&entry.note)
    );
    if !locale.is_reference() {
        phone(out, "en", false, "English", &entry.english);
    }
    phone(
        out,
        &locale.tag,
        locale.right_to_left,
        &locale.name,
        &entry.translated,
    );
    if !entry.source.is_empty() {
        out.push_str("<div class=\"source\" lang=\"en\" dir=\"ltr\"><h4>Source (English)</h4>");
        for paragraph in &entry.source {
            let _ = write!(
                out,
                "<blockquote>{}</blockquote>",
                escape_html(paragraph).replace('\n', "<br>")
            );
        }
        out.push_str("</div>\n");
    }
    out.push_str("</div>\n<ul class=\"marks\">");
    for (id, state) in &entry.marks {
        let _ = write!(
            out,
            "<li class=\"mark {}\"><code>{}</code>: {}</li>",
            state.as_str(),
            escape_html(id),
            state.describe()
        );
    }
    out.push_str("</ul>\n</article>\n");
}

/// A phone's chat: the bubbles, each with its buttons under it.
fn phone(out: &mut String, lang: &str, right_to_left: bool, name: &str, bubbles: &[Bubble]) {
    let dir = if right_to_left { "rtl" } else { "ltr" };
    let _ = write!(
        out,
        "<div class=\"phone\" lang=\"{lang}\" dir=\"{dir}\"><h4>{}</h4>",
        escape_html(name)
    );
    for bubble in bubbles {
        out.push_str("<div class=\"message\">");
        if let Some(caption) = &bubble.caption {
            let _ = write!(
                out,
                "<p class=\"caption\" lang=\"en\" dir=\"ltr\">{}</p>",
                escape_html(caption)
            );
        }
        let _ = write!(
            out,
            "<div class=\"bubble\">{}</div>",
            telegram_to_html(&bubble.html)
        );
        if !bubble.rows.is_empty() {
            out.push_str("<div class=\"keyboard\">");
            for row in &bubble.rows {
                out.push_str("<div class=\"row\">");
                for label in row {
                    let _ = write!(out, "<span class=\"button\">{}</span>", escape_html(label));
                }
                out.push_str("</div>");
            }
            out.push_str("</div>");
        }
        if !bubble.reply_keyboard.is_empty() {
            out.push_str("<div class=\"reply-keyboard\">");
            for label in &bubble.reply_keyboard {
                let _ = write!(out, "<span class=\"button\">{}</span>", escape_html(label));
            }
            out.push_str("</div>");
        }
        out.push_str("</div>");
    }
    out.push_str("</div>\n");
}

/// Telegram HTML as Telegram draws it: parsed into text and entities, then
/// written back as browser HTML, everything escaped. A text Telegram would
/// refuse is shown as its source, marked.
pub fn telegram_to_html(html: &str) -> String {
    let parsed = match parse_html(html, HtmlOptions::default()) {
        Ok(parsed) => parsed,
        Err(error) => {
            return format!(
                "<span class=\"refused\">Telegram refuses this text ({}):</span> {}",
                escape_html(&error),
                escape_html(html)
            );
        }
    };
    // Entities are nested (Telegram's parser only makes nested ones), outer
    // first at equal offsets: open in order, close innermost first.
    let mut open: Vec<(usize, &'static str)> = Vec::new();
    let mut out = String::with_capacity(html.len() + 64);
    let mut position = 0usize;
    let mut next = 0usize;
    let entities = &parsed.entities;
    let close_until = |out: &mut String, open: &mut Vec<(usize, &'static str)>, at: usize| {
        while let Some((end, tag)) = open.last().copied() {
            if end > at {
                break;
            }
            out.push_str(&format!("</{tag}>"));
            open.pop();
        }
    };
    for ch in parsed.text.chars() {
        close_until(&mut out, &mut open, position);
        while let Some(entity) = entities.get(next).filter(|e| e.offset <= position) {
            let (start, tag) = opening_tag(entity);
            out.push_str(&start);
            open.push((entity.offset + entity.length, tag));
            next += 1;
        }
        out.push_str(&escape_html(ch.encode_utf8(&mut [0; 4])));
        position += ch.len_utf16();
    }
    close_until(&mut out, &mut open, usize::MAX);
    out
}

fn opening_tag(entity: &crate::emulator::Entity) -> (String, &'static str) {
    let simple = |tag: &'static str| (format!("<{tag}>"), tag);
    match entity.kind.as_str() {
        "bold" => simple("b"),
        "italic" => simple("i"),
        "underline" => simple("u"),
        "strikethrough" => simple("s"),
        "code" => simple("code"),
        "pre" => simple("pre"),
        "blockquote" | "expandable_blockquote" => simple("blockquote"),
        "spoiler" => ("<span class=\"spoiler\">".to_owned(), "span"),
        "text_link" => (
            format!(
                "<a href=\"{}\">",
                escape_html(entity.url.as_deref().unwrap_or_default())
            ),
            "a",
        ),
        _ => simple("span"),
    }
}

fn signoff_page(locale: &LocaleBook) -> String {
    let (summary, class) = status(locale);
    let mut out = head(
        &format!("Sign-off: {} ({})", locale.name, locale.tag),
        "en",
        "ltr",
    );
    let Some(review) = &locale.review else {
        out.push_str("<p>This language cannot be signed: its files cannot be read.</p>");
        out.push_str(FOOT);
        return out;
    };
    let signed = match &review.state {
        ReviewState::SignedOff(signoff) | ReviewState::ChangedSince(signoff) => format!(
            "<p>Last signed by <b>{}</b> ({}) on {} for the content with fingerprint \
             <code>{}</code>.</p>",
            escape_html(&signoff.reviewer),
            escape_html(&signoff.role),
            signoff.date,
            escape_html(&signoff.fingerprint)
        ),
        ReviewState::NotSignedOff => "<p>Nobody has signed this language yet.</p>".to_owned(),
    };
    let file = format!("locales/{}/{}", locale.tag, crate::check::SIGNOFF_FILE);
    let example = signoff_text("Your name", "Your role", "YYYY-MM-DD", &review.fingerprint);
    let _ = write!(
        out,
        "<header><p><a href=\"index.html\">All languages</a> · <a href=\"{page}\">Read the \
         screens</a></p><h1>Sign-off: <span lang=\"{tag}\" dir=\"auto\">{name}</span> ({tag})\
         </h1><p class=\"status {class}\">{summary}</p></header>\n<main>\n{signed}\n\
         <h2>To sign</h2>\n<ol><li>Read every screen on <a href=\"{page}\">the language's \
         page</a>, next to English and the source.</li><li>Ask for the changes you need; once \
         they are made, make this book again (<code>navigator review</code>).</li><li>When \
         you vouch for every screen as it is, write the file <code>{file}</code> with exactly \
         this (your name, role and today's date in place of the examples) and commit it:</li>\
         </ol>\n<pre class=\"signoff\">{example}</pre>\n<p>The fingerprint \
         <code>{fingerprint}</code> stands for every text of this language as it is now. \
         <code>navigator check</code> then shows “signed off by …”; when a text changes \
         afterwards, the language is again a draft awaiting review, until someone signs the \
         new fingerprint.</p>\n</main>\n",
        page = page_name(&locale.tag),
        tag = escape_html(&locale.tag),
        name = escape_html(&locale.name),
        summary = escape_html(&summary),
        file = escape_html(&file),
        example = escape_html(&example),
        fingerprint = escape_html(&review.fingerprint),
    );
    out.push_str(FOOT);
    out
}

/// Telegram-like chat bubbles, two columns on a wide screen. System fonts
/// only (Noto covers Arabic and CJK on Linux): the book works offline.
const CSS: &str = r#"* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, "Noto Sans", "Noto Sans Arabic", "Noto Sans CJK SC", "Segoe UI", sans-serif; color: #1b1f23; background: #f4f5f7; }
header, main, nav.contents { max-width: 1280px; margin: 0 auto; padding: 0 16px; }
header h1 { margin: 12px 0 4px; }
.status, td.draft, td.signed { font-weight: 600; }
.status.draft, td.draft { color: #9a4a00; }
.status.signed, td.signed { color: #1a7f37; }
table.locales { border-collapse: collapse; background: #fff; }
table.locales th, table.locales td { border: 1px solid #d0d7de; padding: 6px 10px; text-align: start; }
nav.contents ol { columns: 2; }
section.part > h2 { border-bottom: 2px solid #d0d7de; padding-bottom: 4px; margin-top: 32px; }
article.entry { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 8px 16px 12px; margin: 16px 0; }
article.entry h3 { margin: 4px 0 0; font-size: 16px; }
p.when { margin: 0 0 8px; color: #57606a; font-size: 13px; }
.columns { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.phone { flex: 1 1 340px; max-width: 420px; background: #cfe3c2; border-radius: 12px; padding: 8px 10px 10px; }
.phone h4, .source h4 { margin: 0 0 6px; font-size: 12px; color: #3d4a33; text-transform: uppercase; letter-spacing: .04em; }
.message { margin-bottom: 8px; }
.caption { margin: 10px 0 2px; font-size: 12px; color: #3d4a33; font-style: italic; }
.bubble { background: #fff; border-radius: 12px; border-end-start-radius: 4px; padding: 7px 10px; white-space: pre-wrap; overflow-wrap: anywhere; box-shadow: 0 1px 1px rgba(0,0,0,.12); }
.bubble blockquote { margin: 4px 0; padding-inline-start: 8px; border-inline-start: 3px solid #3a8dde; }
.bubble a { color: #1f6fbf; }
.bubble .spoiler { background: #d8d8d8; }
.keyboard .row { display: flex; gap: 4px; margin-top: 4px; }
.keyboard .button, .reply-keyboard .button { flex: 1; display: block; text-align: center; background: rgba(84, 120, 70, .55); color: #fff; border-radius: 8px; padding: 6px 8px; font-size: 14px; }
.reply-keyboard { display: flex; flex-direction: column; gap: 4px; margin-top: 6px; padding: 6px; background: #e9ecef; border-radius: 8px; }
.reply-keyboard .button { background: #fff; color: #1b1f23; }
.source { flex: 1 1 300px; max-width: 420px; background: #fbf8ef; border: 1px solid #e6dcc0; border-radius: 12px; padding: 8px 12px; font-size: 14px; }
.source blockquote { margin: 0 0 8px; }
ul.marks { list-style: none; padding: 0; margin: 10px 0 0; display: flex; flex-wrap: wrap; gap: 4px 8px; font-size: 12px; }
.mark { border-radius: 10px; padding: 1px 8px; background: #eaeef2; }
.mark.up-to-date { background: #dafbe1; }
.mark.reference { background: #ddf4ff; }
.mark.outdated { background: #ffebe9; color: #82071e; font-weight: 600; }
.mark.untracked { background: #fff8c5; }
.mark.missing { background: #ffd8b5; font-weight: 600; }
.refused { color: #82071e; font-weight: 600; }
pre.signoff { background: #fff; border: 1px solid #d0d7de; padding: 12px; }
p.note { color: #57606a; }
"#;

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use super::*;
    use crate::check::{LocaleReview, SignOff};
    use crate::review::book::Section;

    fn arabic(state: ReviewState) -> LocaleBook {
        let bubble = Bubble {
            html: "<b>مرحبا</b>\nنص".to_owned(),
            rows: vec![vec!["▶ رجوع".to_owned(), "🏠".to_owned()]],
            reply_keyboard: Vec::new(),
            caption: Some("after “yes”".to_owned()),
        };
        LocaleBook {
            tag: "ar".to_owned(),
            name: "العربية".to_owned(),
            right_to_left: true,
            review: Some(LocaleReview {
                locale: "ar".to_owned(),
                fingerprint: "00112233aabbccdd".to_owned(),
                state,
                file: PathBuf::from("locales/ar/signoff.toml"),
            }),
            sections: vec![Section {
                anchor: "tree-main".to_owned(),
                title: "Tree “main”".to_owned(),
                entries: vec![Entry {
                    anchor: "screen-home".to_owned(),
                    title: "home · Main menu".to_owned(),
                    note: "the main menu".to_owned(),
                    english: vec![Bubble {
                        html: "<b>Hello</b>".to_owned(),
                        ..bubble.clone()
                    }],
                    translated: vec![bubble],
                    source: vec!["A paragraph <of> the source".to_owned()],
                    marks: vec![("home-text".to_owned(), Staleness::Outdated)],
                }],
            }],
            counts: BTreeMap::from([(Staleness::Outdated, 1)]),
        }
    }

    #[test]
    fn a_locale_page_shows_both_phones_the_source_and_the_marks() {
        let page = locale_page(&arabic(ReviewState::NotSignedOff));
        assert!(page.contains("<div class=\"phone\" lang=\"en\" dir=\"ltr\">"));
        assert!(page.contains("<div class=\"phone\" lang=\"ar\" dir=\"rtl\">"));
        assert!(page.contains("<div class=\"bubble\"><b>مرحبا</b>\nنص</div>"));
        assert!(page.contains(
            "<div class=\"row\"><span class=\"button\">▶ رجوع</span><span class=\"button\">🏠</span></div>"
        ));
        assert!(page.contains("<p class=\"caption\" lang=\"en\" dir=\"ltr\">after “yes”</p>"));
        assert!(page.contains("<blockquote>A paragraph &lt;of&gt; the source</blockquote>"));
        assert!(page.contains(
            "<li class=\"mark outdated\"><code>home-text</code>: outdated: English changed since</li>"
        ));
        assert!(page.contains("<p class=\"status draft\">draft awaiting review</p>"));
    }

    #[test]
    fn the_signoff_page_says_who_signed_and_what_to_write_escaped() {
        let signoff = SignOff {
            reviewer: "Dr. <b>Eve</b>".to_owned(),
            role: "oncologist".to_owned(),
            date: "2026-12-01".parse().unwrap(),
            fingerprint: "ffffffffffffffff".to_owned(),
        };
        let page = signoff_page(&arabic(ReviewState::ChangedSince(signoff.clone())));
        assert!(page.contains(
            "Last signed by <b>Dr. &lt;b&gt;Eve&lt;/b&gt;</b> (oncologist) on 2026-12-01"
        ));
        assert!(page.contains("draft awaiting review (changed since Dr. &lt;b&gt;Eve&lt;/b&gt; signed it off on 2026-12-01)"));
        assert!(page.contains("fingerprint = &quot;00112233aabbccdd&quot;"));
        assert!(page.contains("<code>locales/ar/signoff.toml</code>"));
        let page = signoff_page(&arabic(ReviewState::SignedOff(signoff)));
        assert!(page.contains("<p class=\"status signed\">signed off by Dr. &lt;b&gt;Eve&lt;/b&gt; (oncologist) on 2026-12-01</p>"));
    }

    #[test]
    fn telegram_html_becomes_escaped_browser_html() {
        assert_eq!(
            telegram_to_html(
                "<b>Bold <i>both</i></b> &amp; <a href=\"https://x.org/?a=1&amp;b=2\">link</a>\n2 &lt; 3"
            ),
            "<b>Bold <i>both</i></b> &amp; <a href=\"https://x.org/?a=1&amp;b=2\">link</a>\n2 &lt; 3"
        );
        assert_eq!(
            telegram_to_html("<tg-spoiler>😂 x</tg-spoiler> \"q\""),
            "<span class=\"spoiler\">😂 x</span> &quot;q&quot;"
        );
        let refused = telegram_to_html("<script>alert(1)</script>");
        assert!(refused.starts_with("<span class=\"refused\">"), "{refused}");
        assert!(!refused.contains("<script>"), "{refused}");
    }
}
