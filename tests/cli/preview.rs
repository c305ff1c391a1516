//! `navigator chat`: the real bot against the emulator, driven through
//! in-memory input and output as a translator would drive it in a terminal.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use patient_navigator::content::Content;
use patient_navigator::preview::{ChatOptions, run_chat};
use patient_navigator::text::visible_text;
use tokio::io::AsyncWrite;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// An output that keeps everything written to it.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl AsyncWrite for Captured {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Runs a chat with these typed lines; returns the result and the screen.
async fn chat(locale: &str, locales_dir: PathBuf, typed: &str) -> (anyhow::Result<()>, String) {
    let output = Captured::default();
    let options = ChatOptions {
        locale: locale.to_owned(),
        locales_dir,
        dialogues_dir: root().join("dialogues"),
        input: Box::new(io::Cursor::new(typed.as_bytes().to_vec())),
        output: Box::new(output.clone()),
    };
    let result = run_chat(options).await;
    (result, output.text())
}

/// The first visible line of a message in a locale.
fn first_line(content: &Content, tag: &str, id: &str, args: &[(&str, &str)]) -> String {
    let catalog = &content.catalog;
    let locale = catalog.find(tag).unwrap();
    let args: Vec<(&str, patient_navigator::i18n::Arg)> = args
        .iter()
        .map(|(name, value)| (*name, patient_navigator::i18n::Arg::Text(value)))
        .collect();
    let text = visible_text(&catalog.format(locale, id, &args));
    text.lines()
        .find(|line| !line.trim().is_empty())
        .unwrap()
        .trim()
        .to_owned()
}

fn shipped() -> Content {
    Content::load(&root().join("locales"), &root().join("dialogues")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spanish_session_shows_numbered_buttons_and_follows_them() {
    let (result, screen) = chat("es", root().join("locales"), "1\n2\n99\n:quit\n").await;
    result.unwrap_or_else(|err| panic!("{err:#}\n{screen}"));
    let content = shipped();
    let welcome = first_line(&content, "es", "welcome", &[("name", "Ana")]);
    assert!(welcome.starts_with("¡Hola, Ana!"), "{welcome}");
    assert!(screen.contains(&format!("bot: {welcome}")), "{screen}");
    // The main menu, numbered, in Spanish.
    let resistance = first_line(&content, "es", "home-btn-resistance", &[]);
    assert!(
        screen.contains(&format!("     [1] {resistance}\n")),
        "{screen}"
    );
    let services = first_line(&content, "es", "home-btn-services", &[]);
    assert!(
        screen.contains(&format!("     [2] {services}\n")),
        "{screen}"
    );
    // 1 opened the overview, whose button 2 opened the mechanisms screen.
    let overview = first_line(&content, "es", "resistance-overview-text", &[]);
    let mechanisms = first_line(&content, "es", "resistance-mechanisms-text", &[]);
    let pressed_first = screen
        .find(&format!("(you pressed “{resistance}”)"))
        .unwrap();
    let shown_overview = screen.find(&overview).unwrap();
    let shown_mechanisms = screen.find(&mechanisms).unwrap();
    assert!(
        pressed_first < shown_overview && shown_overview < shown_mechanisms,
        "{screen}"
    );
    let on_target = first_line(&content, "es", "resistance-btn-on-target", &[]);
    assert!(
        screen[shown_mechanisms..].contains(&format!("[1] {on_target}")),
        "{screen}"
    );
    // A number with no button is explained, not sent.
    assert!(screen.contains("There is no button 99"), "{screen}");
    assert!(screen.trim_end().ends_with("Bye."), "{screen}");
    // No markup or message ids on screen.
    assert!(
        !screen.contains("<b>") && !screen.contains("home-btn"),
        "{screen}"
    );
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_locale_file_is_explained_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let locales = dir.path().join("locales");
    copy_dir(&root().join("locales"), &locales);
    let file = locales.join("es/bot.ftl");
    let mut text = fs::read_to_string(&file).unwrap();
    text.push_str("broken = { $name !\n");
    fs::write(&file, text).unwrap();

    let (result, screen) = chat("es", locales, "1\n:quit\n").await;
    let err = result.expect_err("a broken file stops the chat");
    assert!(
        err.to_string().contains("problem(s) in the content files"),
        "{err}"
    );
    assert!(screen.contains("The bot cannot start"), "{screen}");
    assert!(
        screen.contains("problem(s) in the content files:"),
        "{screen}"
    );
    assert!(screen.contains("es/bot.ftl:"), "{screen}");
    assert!(screen.contains("Fluent syntax error"), "{screen}");
    assert!(!screen.contains("bot: "), "the bot never started: {screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_locales_folder_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let (result, screen) = chat("fr", dir.path().join("nowhere"), ":quit\n").await;
    assert!(result.is_err());
    assert!(
        screen.contains("cannot read the locales folder"),
        "{screen}"
    );
    assert!(screen.contains("nowhere"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pseudo_locales_are_made_from_english_for_the_session() {
    let (result, screen) = chat("en-XA", root().join("locales"), ":quit\n").await;
    result.unwrap_or_else(|err| panic!("{err:#}\n{screen}"));
    assert!(
        screen.contains("The pseudo-locale en-XA is made from"),
        "{screen}"
    );
    assert!(screen.contains("bot: [Ĥééļļöö, Ana!"), "{screen}");
    assert!(screen.contains("[1] [📖 Ţååŕĝééţééð"), "{screen}");
    assert!(
        !root().join("locales/en-XA").exists(),
        "the shipped folder is untouched"
    );

    let (result, screen) = chat("ar-XB", root().join("locales"), ":quit\n").await;
    result.unwrap_or_else(|err| panic!("{err:#}\n{screen}"));
    assert!(
        screen.contains("The pseudo-locale ar-XB is made from"),
        "{screen}"
    );
    assert!(screen.contains("\u{202E}Hello,\u{202C}"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_language_without_a_folder_says_what_patients_see() {
    let (result, screen) = chat("pt-BR", root().join("locales"), "/help\n:quit\n").await;
    result.unwrap_or_else(|err| panic!("{err:#}\n{screen}"));
    assert!(
        screen.contains("There is no exact “pt-BR” folder"),
        "{screen}"
    );
    assert!(screen.contains("sees en"), "{screen}");
    // Commands are sent as messages: /help answers with the English help.
    let help = first_line(&shipped(), "en", "help-text", &[]);
    assert!(screen.contains(&format!("bot: {help}")), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_language_tag_is_refused() {
    let (result, screen) = chat("not a tag!", root().join("locales"), "").await;
    assert!(result.is_err());
    assert!(screen.contains("is not a language tag"), "{screen}");
}
