//! `navigator chat`: the real bot in the terminal, for translators and
//! reviewers. The bot runs as in production (the same startup, content
//! checks, database and dispatcher) against the built-in Bot API emulator,
//! so there is no token and no network; the person at the keyboard is a
//! Telegram user whose app is set to the chosen language.
//!
//! Each new or changed bot message is printed as plain text with its buttons
//! numbered; typing a number presses a button, anything else is sent as a
//! message. The content is read from the working files at start (and
//! reloaded by the bot when they change), so an edit shows at once.
//!
//! Owns the terminal loop only: what the bot says comes from the bot.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use anyhow::Context as _;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

use crate::config::Settings;
use crate::content::Content;
use crate::emulator::{
    Button, ChatMessage, Emulator, EmulatorOptions, MessageKind, ReplyKeyboard, UserHandle,
    UserSpec,
};
use crate::i18n::REFERENCE_LOCALE;
use crate::pseudo::{self, PseudoKind, pseudo_tag};
use crate::startup;
use crate::telegram::flood::FloodLimit;
use crate::telegram::pacing::RateLimits;

/// The simulated patient.
const USER_ID: i64 = 1001;
const USER_NAME: &str = "Ana";
/// How long the bot may take to stop at the end of a session.
const STOP_TIMEOUT: Duration = Duration::from_secs(15);

/// What `run_chat` needs: the language, the content folders, and the
/// terminal (or in-memory streams in tests).
pub struct ChatOptions {
    /// The language the simulated user's Telegram app is set to, e.g. `es`
    /// (also `en-XA` / `ar-XB` for the pseudo-locales).
    pub locale: String,
    pub locales_dir: PathBuf,
    pub dialogues_dir: PathBuf,
    pub input: Box<dyn AsyncBufRead + Unpin + Send>,
    pub output: Box<dyn AsyncWrite + Unpin + Send>,
}

impl ChatOptions {
    /// Options that talk through standard input and output.
    pub fn stdio(
        locale: impl Into<String>,
        locales_dir: impl Into<PathBuf>,
        dialogues_dir: impl Into<PathBuf>,
    ) -> ChatOptions {
        ChatOptions {
            locale: locale.into(),
            locales_dir: locales_dir.into(),
            dialogues_dir: dialogues_dir.into(),
            input: Box::new(tokio::io::BufReader::new(tokio::io::stdin())),
            output: Box::new(tokio::io::stdout()),
        }
    }
}

/// How to use the chat, shown at the start and by `:help`.
pub const CHAT_HELP: &str = "\
Type a number to press that button (of the newest message with buttons).
Anything else is sent as a message, /commands too (/start, /menu, /language, /help, /cancel, /delete).
  :say TEXT   send TEXT as a message, even a number (an age, for example)
  :photo      send a sample photo        :pdf    send a sample PDF report
  :screen     show the current buttons again
  :help       this help                  :quit   leave (so does Ctrl-D)";

/// Runs a chat session until `:quit` or the end of the input.
///
/// Content problems are printed in plain words (file, line, what is wrong)
/// and returned as the error.
pub async fn run_chat(options: ChatOptions) -> anyhow::Result<()> {
    let ChatOptions {
        locale,
        locales_dir,
        dialogues_dir,
        input,
        output,
    } = options;
    let mut screen = Screen { output };
    let locale = locale.trim().to_owned();
    if locale.is_empty() || locale.parse::<unic_langid::LanguageIdentifier>().is_err() {
        screen
            .say(&format!(
                "“{locale}” is not a language tag. Use one like es, fr, zh-Hans, ar (or en-XA, ar-XB)."
            ))
            .await?;
        anyhow::bail!("“{locale}” is not a language tag");
    }
    let scratch = Scratch::new()?;
    let locales_dir = with_pseudo_locale(&locale, &locales_dir, &scratch, &mut screen).await?;

    // The same checks the bot makes at start, shown in plain words.
    let content = match Content::load(&locales_dir, &dialogues_dir) {
        Ok(content) => content,
        Err(problems) => {
            screen
                .say(&format!(
                    "The bot cannot start: fix these first.\n{problems}"
                ))
                .await?;
            anyhow::bail!(
                "{} problem(s) in the content files (listed above)",
                problems.0.len()
            );
        }
    };
    let shown = content.catalog.negotiate(Some(&locale));
    let available: Vec<String> = content
        .catalog
        .locales()
        .iter()
        .map(crate::i18n::Locale::tag)
        .collect();
    drop(content);

    let emulator = Emulator::start_with(EmulatorOptions {
        quiet_period: Duration::from_millis(250),
        reaction_timeout: Duration::from_secs(15),
        ..EmulatorOptions::default()
    })
    .await?;
    let settings = Settings {
        token: emulator.token().into(),
        api_url: Some(emulator.api_url()),
        database_url: format!("sqlite://{}", scratch.path.join("chat.db").display()).into(),
        coordinator_chat_id: None,
        teams_file: None,
        working_hours: None,
        time_zone: jiff::tz::TimeZone::UTC,
        weekly_summary: None,
        // The emulator has no flood limits: show replies without pacing.
        rate_limits: RateLimits::unlimited(),
        retention_days: 365,
        // One person trying screens quickly is not a flood.
        flood_limit: FloodLimit::off(),
        data_key: None,
        data_keys_old: None,
        production: false,
        webhook: None,
        locales_dir,
        dialogues_dir,
        metrics_listen: None,
        coordinators_language: "en".to_owned(),
        escalation: None,
    };
    let bot = match startup::start(settings).await {
        Ok(bot) => bot,
        Err(err) => {
            screen
                .say(&format!("The bot could not start:\n{err:#}"))
                .await?;
            return Err(err.context("the bot could not start"));
        }
    };

    let mut intro = format!(
        "Chatting with the bot as {USER_NAME}, whose Telegram app is in “{locale}”: the bot answers in {shown}."
    );
    if !locale.eq_ignore_ascii_case(&shown.tag()) {
        let _ = write!(
            intro,
            "\nThere is no exact “{locale}” folder (the locales are {}), so a patient with this language sees {shown}.",
            available.join(", ")
        );
    }
    screen.say(&format!("{intro}\n{CHAT_HELP}\n")).await?;

    let user = emulator.private_user(UserSpec {
        id: USER_ID,
        first_name: USER_NAME.to_owned(),
        language_code: Some(locale.clone()),
        ..Default::default()
    });
    let mut chat = Chat {
        user,
        screen,
        printed: HashMap::new(),
        keyboard: None,
    };
    let result = chat.converse(input).await;
    // A stop that hangs (a full disk, say) must not keep the terminal.
    if tokio::time::timeout(STOP_TIMEOUT, bot.stop())
        .await
        .is_err()
    {
        tracing::warn!("the bot did not stop within {STOP_TIMEOUT:?}");
    }
    drop(emulator);
    result
}

// ----- the pseudo-locales ----------------------------------------------------

/// For `en-XA` / `ar-XB` without a folder of their own: a copy of the
/// locales with the pseudo-locale made from English, for this session.
async fn with_pseudo_locale(
    locale: &str,
    locales_dir: &Path,
    scratch: &Scratch,
    screen: &mut Screen,
) -> anyhow::Result<PathBuf> {
    let Some(kind) = PseudoKind::from_tag(locale) else {
        return Ok(locales_dir.to_path_buf());
    };
    let tag = pseudo_tag(kind);
    if locales_dir.join(tag).is_dir() {
        return Ok(locales_dir.to_path_buf());
    }
    if !locales_dir.join(REFERENCE_LOCALE).is_dir() {
        // Content::load explains what is missing.
        return Ok(locales_dir.to_path_buf());
    }
    let copy = scratch.path.join("locales");
    copy_ftl_folders(locales_dir, &copy)
        .with_context(|| format!("cannot copy {}", locales_dir.display()))?;
    pseudo::write_pseudo_locale(&copy, kind)
        .with_context(|| format!("cannot make the pseudo-locale {tag}"))?;
    let what = match kind {
        PseudoKind::Accented => {
            "accented and about 35% longer, each text in [ ]: plain English shows a text that cannot be translated, a missing ] one that is cut off"
        }
        PseudoKind::RightToLeft => {
            "every word shown right to left, to check the layout of Arabic; for preview only"
        }
    };
    screen
        .say(&format!(
            "The pseudo-locale {tag} is made from {} for this session ({what}).",
            locales_dir.join(REFERENCE_LOCALE).display()
        ))
        .await?;
    Ok(copy)
}

/// Copies `<from>/<locale>/*.ftl` to `<to>/<locale>/`.
fn copy_ftl_folders(from: &Path, to: &Path) -> io::Result<()> {
    for entry in fs::read_dir(from)? {
        let folder = entry?.path();
        if !folder.is_dir() {
            continue;
        }
        let target = to.join(folder.file_name().unwrap_or_default());
        fs::create_dir_all(&target)?;
        for file in fs::read_dir(&folder)? {
            let file = file?.path();
            if file.extension().is_some_and(|ext| ext == "ftl") {
                fs::copy(&file, target.join(file.file_name().unwrap_or_default()))?;
            }
        }
    }
    Ok(())
}

// ----- the conversation ------------------------------------------------------

struct Screen {
    output: Box<dyn AsyncWrite + Unpin + Send>,
}

impl Screen {
    async fn write(&mut self, text: &str) -> io::Result<()> {
        self.output.write_all(text.as_bytes()).await?;
        self.output.flush().await
    }

    async fn say(&mut self, text: &str) -> io::Result<()> {
        self.write(&format!("{text}\n")).await
    }
}

/// What a user can press by number.
enum Pressable {
    Inline { message_id: i64, button: Button },
    Keyboard(crate::emulator::KeyboardButton),
}

struct Chat {
    user: UserHandle,
    screen: Screen,
    /// What was printed of each bot message, to print only what changed.
    printed: HashMap<i64, String>,
    /// The reply keyboard shown under the input field, if any.
    keyboard: Option<ReplyKeyboard>,
}

impl Chat {
    async fn converse(
        &mut self,
        mut input: Box<dyn AsyncBufRead + Unpin + Send>,
    ) -> anyhow::Result<()> {
        self.send_text("/start").await?;
        let mut line = String::new();
        loop {
            self.screen.write("> ").await?;
            line.clear();
            if input.read_line(&mut line).await? == 0 {
                self.screen.say("").await?;
                break;
            }
            let typed = line.trim();
            match typed {
                "" => {}
                ":quit" | ":q" | ":exit" => break,
                ":help" => self.screen.say(CHAT_HELP).await?,
                ":photo" => {
                    self.screen.say("(you sent a photo)").await?;
                    let sent = self.user.send_photo(None).await;
                    self.show_reaction(self.user.try_reaction(&sent).await)
                        .await?;
                }
                ":pdf" => {
                    self.screen.say("(you sent report.pdf)").await?;
                    let sent = self
                        .user
                        .send_document("report.pdf", "application/pdf")
                        .await;
                    self.show_reaction(self.user.try_reaction(&sent).await)
                        .await?;
                }
                ":screen" => self.show_current().await?,
                _ if typed.starts_with(":say ") => {
                    let text = typed.trim_start_matches(":say ").to_owned();
                    self.send_text(&text).await?;
                }
                _ if typed.starts_with(':') => {
                    self.screen
                        .say(&format!(
                            "“{typed}” is not a chat command; :help lists them."
                        ))
                        .await?;
                }
                _ => match typed.parse::<usize>() {
                    Ok(number) if number >= 1 && number <= self.pressable().len() => {
                        self.press(number).await?;
                    }
                    Ok(number) if !self.pressable().is_empty() => {
                        self.screen
                            .say(&format!(
                                "There is no button {number}: the buttons are 1-{}. (:say {number} sends it as a message.)",
                                self.pressable().len()
                            ))
                            .await?;
                    }
                    _ => self.send_text(typed).await?,
                },
            }
        }
        self.screen.say("Bye.").await?;
        Ok(())
    }

    async fn send_text(&mut self, text: &str) -> anyhow::Result<()> {
        let sent = self.user.send_text(text).await;
        let reaction = self.user.try_reaction(&sent).await;
        self.show_reaction(reaction).await
    }

    /// The newest bot message with inline buttons, and its buttons.
    fn current_menu(&self) -> Option<ChatMessage> {
        self.user
            .transcript()
            .into_iter()
            .rev()
            .find(|message| message.from_bot && !message.buttons.is_empty())
    }

    /// Inline buttons of the current menu, then the reply keyboard's.
    fn pressable(&self) -> Vec<Pressable> {
        let mut all: Vec<Pressable> = self
            .current_menu()
            .map(|menu| {
                menu.buttons
                    .iter()
                    .flatten()
                    .map(|button| Pressable::Inline {
                        message_id: menu.message_id,
                        button: button.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        if let Some(keyboard) = &self.keyboard {
            all.extend(
                keyboard
                    .rows
                    .iter()
                    .flatten()
                    .cloned()
                    .map(Pressable::Keyboard),
            );
        }
        all
    }

    async fn press(&mut self, number: usize) -> anyhow::Result<()> {
        let mut all = self.pressable();
        let chosen = all.swap_remove(number - 1);
        match chosen {
            Pressable::Inline { message_id, button } => {
                if let Some(data) = &button.callback_data {
                    self.screen
                        .say(&format!("(you pressed “{}”)", button.text))
                        .await?;
                    let sent = self.user.send_callback(message_id, data)?;
                    let reaction = self.user.try_reaction(&sent).await;
                    self.show_reaction(reaction).await
                } else {
                    let url = button.url.unwrap_or_default();
                    self.screen
                        .say(&format!("(“{}” opens a link: {url})", button.text))
                        .await?;
                    Ok(())
                }
            }
            Pressable::Keyboard(button) => {
                let keyboard = self.keyboard.take();
                let one_time = keyboard.as_ref().is_some_and(|k| k.one_time);
                if !one_time {
                    self.keyboard = keyboard;
                }
                self.screen
                    .say(&format!("(you tapped “{}”)", button.text))
                    .await?;
                let sent = if button.request_contact {
                    let phone = format!("+1555{USER_ID:07}");
                    self.screen
                        .say(&format!("(sharing the phone number {phone})"))
                        .await?;
                    self.user.send_contact(&phone, true).await
                } else if button.request_location {
                    self.user.send_location(52.52, 13.405).await
                } else {
                    self.user.send_text(&button.text).await
                };
                let reaction = self.user.try_reaction(&sent).await;
                self.show_reaction(reaction).await
            }
        }
    }

    /// Prints every bot message that is new or changed since last time.
    async fn show_reaction(
        &mut self,
        reaction: anyhow::Result<Vec<ChatMessage>>,
    ) -> anyhow::Result<()> {
        let menu = self.current_menu().map(|menu| menu.message_id);
        let mut numbered = false;
        let mut shown_any = false;
        for message in self.user.transcript() {
            if !message.from_bot {
                continue;
            }
            let fingerprint = format!(
                "{:?}|{}|{:?}|{:?}",
                message.kind, message.text, message.buttons, message.reply_keyboard
            );
            let edited = match self.printed.get(&message.message_id) {
                Some(before) if *before == fingerprint => continue,
                Some(_) => true,
                None => false,
            };
            self.printed.insert(message.message_id, fingerprint);
            if message.reply_keyboard.is_some() {
                self.keyboard.clone_from(&message.reply_keyboard);
            } else if message.removes_keyboard {
                self.keyboard = None;
            }
            let is_menu = Some(message.message_id) == menu;
            numbered |= is_menu;
            let text = render_message(&message, edited, is_menu);
            self.screen.write(&text).await?;
            shown_any = true;
        }
        if shown_any && let Some(keyboard) = &self.keyboard {
            let first = self.pressable().len() - keyboard.rows.iter().flatten().count() + 1;
            let mut text = String::from("     keyboard:\n");
            for (index, button) in keyboard.rows.iter().flatten().enumerate() {
                let _ = writeln!(text, "     [{}] {}", first + index, button.text);
            }
            self.screen.write(&text).await?;
        }
        if !shown_any {
            let why = if reaction.is_err() {
                "(no answer from the bot)"
            } else {
                "(the bot changed nothing)"
            };
            self.screen.say(why).await?;
        } else if !numbered
            && let Some(count) = self
                .current_menu()
                .map(|m| m.buttons.iter().flatten().count())
        {
            self.screen
                .say(&format!(
                    "     (the buttons 1-{count} above still work; :screen shows them)"
                ))
                .await?;
        }
        Ok(())
    }

    async fn show_current(&mut self) -> anyhow::Result<()> {
        match self.current_menu() {
            Some(menu) => {
                let text = render_message(&menu, false, true);
                self.screen.write(&text).await?;
            }
            None => self.screen.say("(no buttons on screen)").await?,
        }
        Ok(())
    }
}

/// A bot message as plain text: its visible text (markup removed), then its
/// buttons, numbered when they can be pressed by number.
fn render_message(message: &ChatMessage, edited: bool, numbered: bool) -> String {
    let mut out = String::from(if edited { "bot (edited): " } else { "bot: " });
    let kind = match &message.kind {
        MessageKind::Text => None,
        MessageKind::Document { file_name, .. } => {
            Some(format!("[document {}]", file_name.as_deref().unwrap_or("")))
        }
        other => Some(format!("[{other:?}]")),
    };
    if let Some(kind) = kind {
        out.push_str(&kind);
        out.push(' ');
    }
    let mut lines = message.text.lines();
    out.push_str(lines.next().unwrap_or(""));
    out.push('\n');
    for line in lines {
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str("     ");
            out.push_str(line);
            out.push('\n');
        }
    }
    for (index, button) in message.buttons.iter().flatten().enumerate() {
        if numbered {
            let _ = writeln!(out, "     [{}] {}", index + 1, button.text);
        } else {
            let _ = writeln!(out, "     ( ) {}", button.text);
        }
    }
    out.push('\n');
    out
}

/// A private folder for the session's database (and pseudo-locale copy),
/// removed at the end.
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    fn new() -> io::Result<Scratch> {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path = std::env::temp_dir().join(format!(
            "navigator-chat-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&path)?;
        Ok(Scratch { path })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}
