//! The conversation engine: (session, input) -> (new session, replies,
//! effects). Routes each input to the trees or to the intake form, and puts
//! the safety frame (`crate::frame`) around what it says: the footer of
//! content screens (in `Node::body_html`), the emergency question before
//! "talk to a person" opens a case, the emergency line first on every path
//! to a person, the "no guarantee" line on every case opening.

use chrono::{Datelike, TimeZone, Utc};

use crate::content::Content;
use crate::frame;
use crate::i18n::{Arg, Locale};
use crate::intake::values::MonthYear;
use crate::intake::{
    self, CaseRef, Contact, Event, FormState, IntakeContext, IntakeInput, Submission,
};
use crate::reply::{Button, Keyboard, Placement, Reply};

use super::callback::{Action, CallbackData};
use super::tree::{Node, Target};

/// What the bot remembers about one private chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Locale tag the patient reads in.
    pub locale: String,
    /// True once the patient picked a language themselves; until then the
    /// locale follows their Telegram app language.
    pub locale_chosen: bool,
    /// The node the patient is on.
    pub node: String,
    /// The intake form: case details in progress, kept across pauses,
    /// restarts and updates, and whether typed messages go to it now.
    pub intake: FormState,
    /// The patient's latest case, if any (messages go to the coordinators
    /// while it is open).
    pub case: Option<CaseLink>,
}

/// A patient's latest case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseLink {
    pub reference: CaseRef,
    pub open: bool,
}

/// Why a case is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseOrigin {
    /// The intake form was submitted; the patient chose how to be contacted.
    Intake(Contact),
    /// The patient asked to talk to a person.
    Person,
}

/// What Telegram tells us about the sender with each update, and the time.
#[derive(Debug, Clone, Copy, Default)]
pub struct Patient<'a> {
    pub first_name: Option<&'a str>,
    pub language_code: Option<&'a str>,
    /// Unix seconds when the update is handled.
    pub now: i64,
    /// After how many days closed conversations are erased (for /privacy).
    pub retention_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// `/name payload`, already stripped of any `@botname`; `None`: a
    /// command none of ours.
    Command {
        command: Option<PatientCommand>,
        payload: Option<String>,
    },
    Text(String),
    /// A press on an inline button of message `message_id`.
    Callback {
        data: String,
        message_id: i32,
    },
    /// A photo or a document of a kind the form accepts.
    File(intake::Document),
    /// A document of a kind the form does not accept.
    UnacceptedFile,
    /// A phone number shared with Telegram's contact button.
    Contact {
        phone: String,
    },
    /// A sticker, voice, location... where the bot expects buttons or text.
    Unsupported,
    /// The patient edited an earlier message.
    Edited,
}

/// The commands patients send, in the order of Telegram's command menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatientCommand {
    Start,
    Menu,
    Language,
    Help,
    Cancel,
    Privacy,
    MyData,
    Delete,
}

impl PatientCommand {
    /// Every command, as the menu lists them.
    pub const MENU: [PatientCommand; 8] = [
        PatientCommand::Start,
        PatientCommand::Menu,
        PatientCommand::Language,
        PatientCommand::Help,
        PatientCommand::Cancel,
        PatientCommand::Privacy,
        PatientCommand::MyData,
        PatientCommand::Delete,
    ];

    /// The name typed after `/` (and its description's message id,
    /// `command-NAME`).
    pub fn name(self) -> &'static str {
        match self {
            PatientCommand::Start => "start",
            PatientCommand::Menu => "menu",
            PatientCommand::Language => "language",
            PatientCommand::Help => "help",
            PatientCommand::Cancel => "cancel",
            PatientCommand::Privacy => "privacy",
            PatientCommand::MyData => "mydata",
            PatientCommand::Delete => "delete",
        }
    }

    /// A lowercased name as one of ours.
    pub fn of(name: &str) -> Option<PatientCommand> {
        PatientCommand::MENU
            .into_iter()
            .find(|command| command.name() == name)
    }
}

/// Side effects the shell carries out after saving the new session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Show this patient the command menu in the language they picked.
    SetChatCommands(Locale),
    /// Create a case and put it in the coordinators' queue, then send
    /// `confirm_case`.
    OpenCase(Submission, CaseOrigin),
    /// Put the patient's closed case back in the queue.
    ReopenCase(CaseRef),
    /// Pass the patient's message to the coordinators' topic.
    Relay,
    /// Apply the patient's edit to the topic's copy.
    RelayEdit,
    /// The patient rated a closed case.
    Rate { case: CaseRef, stars: u8 },
    /// Erase everything stored about this patient.
    EraseData,
    /// Send the patient a file with everything stored about them.
    ExportMyData,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub session: Session,
    pub replies: Vec<Reply>,
    /// Short plain-text notice for the pressed button's spinner, if any.
    pub callback_notice: Option<String>,
    pub effects: Vec<Effect>,
}

/// The engine's one entry point.
pub fn handle(
    content: &Content,
    session: Option<Session>,
    patient: Patient,
    input: Input,
) -> Outcome {
    let mut turn = Turn::start(content, session, patient);
    match input {
        Input::Command { command, payload } => turn.command(command, payload.as_deref()),
        Input::Callback { data, message_id } => turn.callback(&data, message_id),
        Input::Text(text) if turn.session.intake.is_filling() => {
            turn.intake(IntakeInput::Text(text))
        }
        Input::File(document) if turn.session.intake.is_filling() => {
            turn.intake(IntakeInput::File(document))
        }
        Input::UnacceptedFile if turn.session.intake.is_filling() => {
            turn.intake(IntakeInput::UnacceptedFile)
        }
        Input::Contact { phone } if turn.session.intake.is_filling() => {
            turn.intake(IntakeInput::Contact { phone })
        }
        Input::Unsupported | Input::Edited if turn.session.intake.is_filling() => {
            let hint = if input == Input::Edited {
                "edited-message"
            } else {
                "unsupported-input"
            };
            turn.intake_with_hint(hint)
        }
        Input::Edited if turn.case_is_open() => turn.effects.push(Effect::RelayEdit),
        Input::Text(_)
        | Input::File(_)
        | Input::UnacceptedFile
        | Input::Contact { .. }
        | Input::Unsupported
            if turn.session.case.is_some() =>
        {
            turn.message_for_coordinators()
        }
        Input::Text(_) => turn.hint("free-text-hint"),
        Input::Edited => turn.hint("edited-message"),
        Input::File(_) | Input::UnacceptedFile | Input::Contact { .. } | Input::Unsupported => {
            turn.hint("unsupported-input")
        }
    }
    turn.finish()
}

/// The reply after the shell created the case with `reference`.
pub fn confirm_case(
    content: &Content,
    session: &Session,
    reference: CaseRef,
    origin: CaseOrigin,
) -> Reply {
    let locale = locale_of(content, &session.locale);
    let reference = reference.to_string();
    match origin {
        CaseOrigin::Intake(contact) => {
            let submitted =
                intake::engine::submitted_reply(&content.catalog, &locale, &reference, contact);
            let mut turn = Turn::start(content, Some(session.clone()), Patient::default());
            turn.locale = locale;
            turn.show_home(Some(submitted.html), Placement::New);
            turn.replies.pop().expect("the menu was just rendered")
        }
        CaseOrigin::Person => {
            let html = content.catalog.format(
                &locale,
                "handoff-opened",
                &[("reference", Arg::Text(&reference))],
            );
            // The patient answered the emergency question just before.
            let html = frame::Line::NoGuarantee.after(&content.catalog, &locale, &html);
            Reply::new(html, Keyboard::None, Placement::New)
        }
    }
}

/// Messages the bot sends a patient on a coordinator's action, outside any
/// update of theirs, in the patient's language.
pub mod notices {
    use super::*;

    pub fn coordinator_joined(content: &Content, locale_tag: &str) -> Reply {
        let locale = locale_of(content, locale_tag);
        let html = content
            .catalog
            .format(&locale, "handoff-coordinator-joined", &[]);
        Reply::new(html, Keyboard::None, Placement::New)
    }

    /// The case was closed: a closing note and a 1-5 rating question.
    pub fn closed(content: &Content, locale_tag: &str, case: CaseRef) -> Reply {
        let locale = locale_of(content, locale_tag);
        let html = content.catalog.format(&locale, "handoff-closed", &[]);
        let stars = (1..=5u8)
            .map(|stars| {
                Button::new(
                    format!("{stars} ⭐"),
                    CallbackData::Rate { case, stars }.encode(),
                )
            })
            .collect();
        Reply::new(html, Keyboard::Inline(vec![stars]), Placement::New)
    }

    /// Outside working hours: when the coordinators are back (no promise of
    /// a reply time), after the emergency line (nobody reads the chat now).
    /// `opens` is in the team's time zone; the patient reads it in their
    /// language, with the place named (`dates::day_and_time`).
    pub fn off_hours(content: &Content, locale_tag: &str, opens: &jiff::Zoned) -> Reply {
        let locale = locale_of(content, locale_tag);
        let opens = crate::dates::day_and_time(&locale.to_string(), opens);
        let html = content.catalog.format(
            &locale,
            "handoff-off-hours",
            &[("opens", Arg::Text(&opens))],
        );
        let html = frame::Line::Emergency.before(&content.catalog, &locale, &html);
        Reply::new(html, Keyboard::None, Placement::New)
    }

    pub fn not_delivered(content: &Content, locale_tag: &str) -> Reply {
        let locale = locale_of(content, locale_tag);
        Reply::new(
            content
                .catalog
                .format(&locale, "handoff-not-delivered", &[]),
            Keyboard::None,
            Placement::New,
        )
    }
}

fn locale_of(content: &Content, tag: &str) -> Locale {
    content
        .catalog
        .find(tag)
        .cloned()
        .unwrap_or_else(|| content.catalog.reference().clone())
}

/// The commands shown in Telegram's menu, in a locale.
pub fn command_menu(content: &Content, locale: &Locale) -> Vec<(String, String)> {
    PatientCommand::MENU
        .into_iter()
        .map(|command| {
            let description =
                content
                    .catalog
                    .format(locale, &format!("command-{}", command.name()), &[]);
            (command.name().to_owned(), description)
        })
        .collect()
}

/// The calendar month of a Unix time, in UTC.
fn month_of(unix: i64) -> MonthYear {
    let date = Utc.timestamp_opt(unix, 0).single().unwrap_or_default();
    MonthYear {
        year: date.year(),
        month: date.month(),
    }
}

/// One update being answered.
struct Turn<'a> {
    content: &'a Content,
    patient: Patient<'a>,
    session: Session,
    locale: Locale,
    replies: Vec<Reply>,
    callback_notice: Option<String>,
    effects: Vec<Effect>,
}

impl<'a> Turn<'a> {
    fn start(content: &'a Content, session: Option<Session>, patient: Patient<'a>) -> Self {
        let catalog = &content.catalog;
        let mut session = session.unwrap_or_else(|| Session {
            locale: String::new(),
            locale_chosen: false,
            node: content.trees.root().id.clone(),
            intake: FormState::NoDraft,
            case: None,
        });
        let chosen = session
            .locale_chosen
            .then(|| catalog.find(&session.locale).cloned())
            .flatten();
        let locale = chosen.unwrap_or_else(|| catalog.negotiate(patient.language_code));
        session.locale = locale.tag();
        if content.trees.get(&session.node).is_none() {
            // The node was removed by a content update: back to the menu.
            session.node = content.trees.root().id.clone();
        }
        Turn {
            content,
            patient,
            session,
            locale,
            replies: Vec::new(),
            callback_notice: None,
            effects: Vec::new(),
        }
    }

    fn finish(self) -> Outcome {
        Outcome {
            session: self.session,
            replies: self.replies,
            callback_notice: self.callback_notice,
            effects: self.effects,
        }
    }

    fn text(&self, id: &str) -> String {
        self.content.catalog.format(&self.locale, id, &[])
    }

    fn current_node(&self) -> &'a Node {
        let trees = &self.content.trees;
        trees
            .get(&self.session.node)
            .unwrap_or_else(|| trees.root())
    }

    fn command(&mut self, command: Option<PatientCommand>, payload: Option<&str>) {
        // Any command leaves the form; its answers stay for later.
        self.session.intake.pause();
        match command {
            Some(PatientCommand::Start) => self.start_command(payload),
            Some(PatientCommand::Menu) => self.show_home(None, Placement::New),
            Some(PatientCommand::Help) => {
                self.show_home(Some(self.text("help-text")), Placement::New)
            }
            Some(PatientCommand::Cancel) if self.session.intake.draft().is_some() => {
                self.show_home(Some(self.text("intake-paused")), Placement::New)
            }
            Some(PatientCommand::Cancel) => {
                self.show_home(Some(self.text("cancel-done")), Placement::New)
            }
            Some(PatientCommand::Language) => self.show_language_picker(Placement::New),
            Some(PatientCommand::Delete) => self.confirm_erase(),
            Some(PatientCommand::Privacy) => {
                let days = i64::from(self.patient.retention_days);
                let text = self.content.catalog.format(
                    &self.locale,
                    "privacy-text",
                    &[("days", Arg::Number(days))],
                );
                self.show_home(Some(text), Placement::New)
            }
            Some(PatientCommand::MyData) => {
                self.effects.push(Effect::ExportMyData);
                let html = self.text("mydata-sent");
                self.replies
                    .push(Reply::new(html, Keyboard::None, Placement::New));
            }
            None => self.show_home(Some(self.text("unknown-command")), Placement::New),
        }
    }

    /// `/start`, or a deep link `/start <locale>` / `/start intake`.
    fn start_command(&mut self, payload: Option<&str>) {
        if let Some(locale) = payload.and_then(|tag| self.content.catalog.find(tag)) {
            self.choose_locale(locale.clone());
        }
        let welcome = match self
            .patient
            .first_name
            .filter(|name| !name.trim().is_empty())
        {
            Some(name) => {
                self.content
                    .catalog
                    .format(&self.locale, "welcome", &[("name", Arg::Text(name))])
            }
            None => self.text("welcome-anonymous"),
        };
        let intro = format!("{welcome}\n\n{}", self.text("not-medical-advice"));
        self.show_home(Some(intro), Placement::New);
        if payload == Some("intake") {
            self.intake(IntakeInput::Open);
        }
    }

    fn callback(&mut self, data: &str, message_id: i32) {
        if data.starts_with(intake::engine::CALLBACK_PREFIX) {
            if self.session.intake.draft().is_none() {
                // A form button after the form ended (a double tap on Submit).
                return self.stale();
            }
            return self.intake(IntakeInput::Press {
                data: data.to_owned(),
                message_id,
            });
        }
        let here = Placement::Replace(message_id);
        match CallbackData::decode(data) {
            Some(CallbackData::Goto(id)) => match self.content.trees.get(&id) {
                Some(node) => {
                    self.session.intake.pause();
                    self.show_node(node, here)
                }
                None => self.stale(),
            },
            Some(CallbackData::Action(Action::Home)) => {
                self.session.intake.pause();
                self.show_home(None, here)
            }
            Some(CallbackData::Action(Action::Language)) => self.show_language_picker(here),
            Some(CallbackData::Action(Action::Intake)) => self.intake(IntakeInput::Open),
            Some(CallbackData::Action(Action::Person)) => self.talk_to_a_person(),
            Some(CallbackData::Person { emergency }) => self.person_answer(emergency, message_id),
            Some(CallbackData::Rate { case, stars }) => match self.session.case {
                Some(link) if link.reference == case && !link.open && (1..=5).contains(&stars) => {
                    self.effects.push(Effect::Rate {
                        case: link.reference,
                        stars,
                    });
                    let thanks = format!(
                        "{} {}",
                        self.text("handoff-rating-thanks"),
                        "⭐".repeat(stars.into())
                    );
                    self.replies.push(Reply::new(thanks, Keyboard::None, here));
                }
                _ => self.stale(),
            },
            Some(CallbackData::SetLocale(tag)) => match self.content.catalog.find(&tag) {
                Some(locale) => {
                    self.choose_locale(locale.clone());
                    self.show_home(Some(self.text("language-changed")), here);
                }
                None => self.stale(),
            },
            Some(CallbackData::Erase { confirmed: true }) => {
                self.effects.push(Effect::EraseData);
                self.session.intake = FormState::NoDraft;
                self.show_home(Some(self.text("delete-done")), here);
            }
            Some(CallbackData::Erase { confirmed: false }) => {
                self.show_home(Some(self.text("delete-kept")), here)
            }
            None => self.stale(),
        }
    }

    fn choose_locale(&mut self, locale: Locale) {
        self.session.locale = locale.tag();
        self.session.locale_chosen = true;
        self.effects.push(Effect::SetChatCommands(locale.clone()));
        self.locale = locale;
    }

    /// Runs the intake form on one input and takes in what it decided.
    fn intake(&mut self, input: IntakeInput) {
        let outcome = self.step_intake(input);
        let left = !outcome.form.is_filling();
        self.session.intake = outcome.form;
        if outcome.notice.is_some() {
            self.callback_notice = outcome.notice;
        }
        match outcome.event {
            Some(Event::LanguageChosen(tag)) => {
                // Close the question, then go on in the chosen language.
                let closed = outcome
                    .replies
                    .into_iter()
                    .filter(|r| r.placement != Placement::New);
                self.replies.extend(closed);
                if let Some(locale) = self.content.catalog.find(&tag).cloned() {
                    self.choose_locale(locale);
                }
                let next = self.step_intake(IntakeInput::Open);
                self.session.intake = next.form;
                self.replies.extend(next.replies);
            }
            Some(Event::Submitted(submission)) => {
                self.replies.extend(outcome.replies);
                let origin = CaseOrigin::Intake(submission.contact());
                self.effects.push(Effect::OpenCase(submission, origin));
            }
            Some(Event::Declined | Event::Stopped) | None => {
                self.replies.extend(outcome.replies);
                if left {
                    self.show_home(None, Placement::New);
                }
            }
        }
    }

    fn step_intake(&self, input: IntakeInput) -> intake::IntakeOutcome {
        let ctx = IntakeContext {
            form: &self.content.form,
            catalog: &self.content.catalog,
            locale: &self.locale,
            now: self.patient.now,
            today: month_of(self.patient.now),
        };
        intake::step(&ctx, self.session.intake.draft().cloned(), input)
    }

    /// A note, then the current question again.
    fn intake_with_hint(&mut self, hint: &str) {
        let note = self.text(hint);
        self.replies
            .push(Reply::new(note, Keyboard::None, Placement::New));
        self.intake(IntakeInput::Open);
    }

    fn case_is_open(&self) -> bool {
        self.session.case.is_some_and(|case| case.open)
    }

    /// A message while the patient has a case: it goes to the coordinators;
    /// a closed case is reopened first (the same topic, not a new case).
    fn message_for_coordinators(&mut self) {
        if let Some(case) = self.session.case.filter(|case| !case.open) {
            self.reopen(case.reference);
        }
        self.effects.push(Effect::Relay);
    }

    /// A closed case back in the queue: the emergency line first (a path to
    /// a person), then the reference, then the "no guarantee" line.
    fn reopen(&mut self, reference: CaseRef) {
        self.effects.push(Effect::ReopenCase(reference));
        self.session.case = Some(CaseLink {
            reference,
            open: true,
        });
        let html = self.content.catalog.format(
            &self.locale,
            "handoff-reopened",
            &[("reference", Arg::Text(&reference.to_string()))],
        );
        let catalog = &self.content.catalog;
        let html = frame::Line::Emergency.before(catalog, &self.locale, &html);
        let html = frame::Line::NoGuarantee.after(catalog, &self.locale, &html);
        self.replies
            .push(Reply::new(html, Keyboard::None, Placement::New));
    }

    /// "Talk to a person": with a case open, where to write (after the
    /// emergency line); otherwise the emergency question first, in one tap.
    fn talk_to_a_person(&mut self) {
        self.session.intake.pause();
        match self.session.case {
            Some(case) if case.open => {
                let html = self.content.catalog.format(
                    &self.locale,
                    "handoff-already-open",
                    &[("reference", Arg::Text(&case.reference.to_string()))],
                );
                let html =
                    frame::Line::Emergency.before(&self.content.catalog, &self.locale, &html);
                self.replies
                    .push(Reply::new(html, Keyboard::None, Placement::New));
            }
            _ => self.ask_emergency(),
        }
    }

    /// The form's emergency question (the same prompt, choices and advice),
    /// under the emergency line, with buttons that answer it for "talk to a
    /// person". Nothing is stored: the answer travels in the button.
    fn ask_emergency(&mut self) {
        let Some(screen) = self.content.form.emergency() else {
            // `Content::load` refuses a form without one; the case's
            // messages still carry the emergency line or "no guarantee".
            return self.on_to_a_person();
        };
        let prompt = self.text(&screen.prompt);
        let html = frame::Line::Emergency.before(&self.content.catalog, &self.locale, &prompt);
        let keyboard = screen
            .choices()
            .into_iter()
            .map(|choice| {
                let emergency = screen.stops_on(&choice.value);
                vec![Button::new(
                    self.text(&choice.label),
                    CallbackData::Person { emergency }.encode(),
                )]
            })
            .collect();
        self.push(html, keyboard, Placement::New);
    }

    /// The answer to the emergency question of "talk to a person": the
    /// question stays on screen with the answer; an emergency gets the
    /// advice and the menu, and opens nothing; otherwise the case opens.
    fn person_answer(&mut self, emergency: bool, message_id: i32) {
        self.session.intake.pause();
        if let Some(screen) = self.content.form.emergency() {
            let chosen = screen
                .choices()
                .into_iter()
                .find(|choice| screen.stops_on(&choice.value) == emergency);
            if let Some(choice) = chosen {
                let html = format!(
                    "{}\n\n✓ <b>{}</b>",
                    self.text(&screen.prompt),
                    self.text(&choice.label)
                );
                self.replies.push(Reply::new(
                    html,
                    Keyboard::None,
                    Placement::Replace(message_id),
                ));
            }
            if emergency && let Some(stop) = &screen.stop_when {
                let advice = self.text(&stop.message);
                self.replies
                    .push(Reply::new(advice, Keyboard::None, Placement::New));
                return self.show_home(None, Placement::New);
            }
        }
        self.on_to_a_person();
    }

    /// Past the emergency question: the open case's note, the closed case
    /// reopened, or a new case with whatever is known, in the queue now.
    fn on_to_a_person(&mut self) {
        match self.session.case {
            Some(case) if case.open => self.talk_to_a_person(),
            Some(case) => self.reopen(case.reference),
            None => {
                let ctx = IntakeContext {
                    form: &self.content.form,
                    catalog: &self.content.catalog,
                    locale: &self.locale,
                    now: self.patient.now,
                    today: month_of(self.patient.now),
                };
                let known = intake::engine::partial_submission(&ctx, self.session.intake.draft());
                self.effects
                    .push(Effect::OpenCase(known, CaseOrigin::Person));
            }
        }
    }

    fn confirm_erase(&mut self) {
        let keyboard = vec![
            vec![Button::new(
                self.text("delete-yes"),
                CallbackData::Erase { confirmed: true }.encode(),
            )],
            vec![Button::new(
                self.text("delete-no"),
                CallbackData::Erase { confirmed: false }.encode(),
            )],
        ];
        let html = self.text("delete-confirm");
        self.push(html, keyboard, Placement::New);
    }

    /// A button this version does not know: say so, show where they are.
    fn stale(&mut self) {
        self.callback_notice = Some(self.text("stale-button"));
        let node = self.current_node();
        self.show_node(node, Placement::New);
    }

    /// A short note, then the buttons of the screen the patient is on.
    fn hint(&mut self, id: &str) {
        let html = self.text(id);
        let keyboard = self.node_keyboard(self.current_node());
        self.push(html, keyboard, Placement::New);
    }

    /// The main menu, optionally under a preface (HTML).
    fn show_home(&mut self, preface: Option<String>, placement: Placement) {
        let root = self.content.trees.root();
        let body = root.body_html(&self.content.catalog, &self.locale);
        let html = match preface {
            Some(preface) => format!("{preface}\n\n{body}"),
            None => body,
        };
        self.session.node = root.id.clone();
        let keyboard = self.node_keyboard(root);
        self.push(html, keyboard, placement);
    }

    fn show_node(&mut self, node: &Node, placement: Placement) {
        if node.id == self.content.trees.root().id {
            return self.show_home(None, placement);
        }
        let html = node.body_html(&self.content.catalog, &self.locale);
        self.session.node = node.id.clone();
        let keyboard = self.node_keyboard(node);
        self.push(html, keyboard, placement);
    }

    fn show_language_picker(&mut self, placement: Placement) {
        let catalog = &self.content.catalog;
        let mut keyboard: Vec<Vec<Button>> = catalog
            .locales()
            .iter()
            .map(|locale| {
                vec![Button::new(
                    catalog.format(locale, "language-name", &[]),
                    CallbackData::SetLocale(locale.tag()).encode(),
                )]
            })
            .collect();
        keyboard.push(self.back_home_row(&self.session.node.clone()));
        let html = self.text("language-prompt");
        self.push(html, keyboard, placement);
    }

    fn node_keyboard(&self, node: &Node) -> Vec<Vec<Button>> {
        let mut keyboard: Vec<Vec<Button>> = node
            .buttons
            .iter()
            .map(|button| {
                let label = match button.target {
                    Target::Action(Action::Intake) if self.session.intake.draft().is_some() => {
                        "menu-intake-continue"
                    }
                    _ => button.label.as_str(),
                };
                vec![Button::new(
                    self.text(label),
                    button.target.callback().encode(),
                )]
            })
            .collect();
        if node.nav {
            let back_to = node
                .parent
                .as_deref()
                .unwrap_or(&self.content.trees.root().id);
            keyboard.push(self.back_home_row(back_to));
            keyboard.push(vec![Button::new(
                self.text("nav-person"),
                Target::Action(Action::Person).callback().encode(),
            )]);
        }
        keyboard
    }

    fn back_home_row(&self, back_to: &str) -> Vec<Button> {
        let mut row = vec![Button::new(
            self.text("nav-back"),
            CallbackData::Goto(back_to.to_owned()).encode(),
        )];
        if back_to != self.content.trees.root().id {
            row.push(Button::new(
                self.text("nav-home"),
                CallbackData::Action(Action::Home).encode(),
            ));
        }
        row
    }

    fn push(&mut self, html: String, keyboard: Vec<Vec<Button>>, placement: Placement) {
        let keyboard = if keyboard.is_empty() {
            Keyboard::None
        } else {
            Keyboard::Inline(keyboard)
        };
        self.replies.push(Reply::new(html, keyboard, placement));
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::OnceLock;

    use super::*;
    use crate::text::{BIDI_ISOLATES, MESSAGE_LIMIT, telegram_len};

    fn content() -> &'static Content {
        static CONTENT: OnceLock<Content> = OnceLock::new();
        CONTENT.get_or_init(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            Content::load(&root.join("locales"), &root.join("dialogues")).unwrap()
        })
    }

    fn patient(language_code: Option<&'static str>) -> Patient<'static> {
        Patient {
            first_name: Some("Ana"),
            language_code,
            now: 1_795_000_000,
            retention_days: 30,
        }
    }

    fn command(name: &str, payload: Option<&str>) -> Input {
        Input::Command {
            command: PatientCommand::of(name),
            payload: payload.map(Into::into),
        }
    }

    fn press(data: &str) -> Input {
        Input::Callback {
            data: data.into(),
            message_id: 7,
        }
    }

    fn labels(reply: &Reply) -> Vec<&str> {
        reply.buttons().map(|b| b.label.as_str()).collect()
    }

    fn data_of<'r>(reply: &'r Reply, label: &str) -> &'r str {
        let button = reply.buttons().find(|b| b.label == label);
        &button
            .unwrap_or_else(|| panic!("no button {label:?} in {:?}", labels(reply)))
            .data
    }

    #[test]
    fn start_welcomes_in_the_telegram_language_with_the_menu() {
        let outcome = handle(
            content(),
            None,
            patient(Some("es-MX")),
            command("start", None),
        );
        assert_eq!(outcome.session.locale, "es");
        assert!(!outcome.session.locale_chosen);
        assert_eq!(outcome.session.node, "home");
        let [reply] = outcome.replies.as_slice() else {
            panic!("one welcome message expected: {:?}", outcome.replies)
        };
        assert_eq!(reply.placement, Placement::New);
        assert!(reply.html.contains("Ana"), "{}", reply.html);
        let es = content().catalog.find("es").unwrap();
        assert!(
            reply
                .html
                .contains(&content().catalog.format(es, "not-medical-advice", &[]))
        );
        assert!(labels(reply).contains(&content().catalog.format(es, "nav-person", &[]).as_str()));
    }

    #[test]
    fn names_are_escaped_as_html() {
        let patient = Patient {
            first_name: Some("<b>Bob</b> & co"),
            language_code: Some("en"),
            now: 0,
            retention_days: 30,
        };
        let outcome = handle(content(), None, patient, command("start", None));
        assert!(
            outcome.replies[0]
                .html
                .contains("&lt;b&gt;Bob&lt;/b&gt; &amp; co")
        );
    }

    #[test]
    fn deep_link_sets_the_language_for_good() {
        let outcome = handle(
            content(),
            None,
            patient(Some("en")),
            command("start", Some("ar")),
        );
        assert_eq!(outcome.session.locale, "ar");
        assert!(outcome.session.locale_chosen);
        let ar = content().catalog.find("ar").unwrap().clone();
        assert_eq!(outcome.effects, vec![Effect::SetChatCommands(ar)]);
        // A later update from an English Telegram app keeps Arabic.
        let next = handle(
            content(),
            Some(outcome.session),
            patient(Some("en")),
            command("menu", None),
        );
        assert_eq!(next.session.locale, "ar");
    }

    #[test]
    fn deep_link_to_intake_opens_the_form_at_the_emergency_question() {
        let outcome = handle(
            content(),
            None,
            patient(None),
            command("start", Some("intake")),
        );
        assert_eq!(outcome.replies.len(), 2);
        let en = content().catalog.reference();
        let question = &outcome.replies[1].html;
        assert!(question.starts_with(&content().catalog.format(en, "emergency-line", &[])));
        assert!(question.contains(&content().catalog.format(en, "intake-emergency", &[])));
        let FormState::Filling(draft) = &outcome.session.intake else {
            panic!("the form is open: {:?}", outcome.session.intake);
        };
        assert!(draft.answers.is_empty(), "nothing stored before consent");
    }

    #[test]
    fn commands_pause_the_form_and_the_menu_offers_to_continue() {
        let catalog = &content().catalog;
        let en = catalog.reference();
        let opened = handle(content(), None, patient(None), press("a:intake"));
        let not_an_emergency = opened.replies[0].buttons().next().unwrap().data.clone();
        assert_eq!(not_an_emergency, "i:a:emergency:no");
        let agreed = handle(
            content(),
            Some(opened.session),
            patient(None),
            press(&not_an_emergency),
        );
        let FormState::Filling(answered) = agreed.session.intake.clone() else {
            panic!("answering: {:?}", agreed.session.intake);
        };
        let paused = handle(
            content(),
            Some(agreed.session),
            patient(None),
            command("cancel", None),
        );
        assert_eq!(
            paused.session.intake,
            FormState::Paused(answered.clone()),
            "answers are kept for later"
        );
        assert!(
            paused.replies[0]
                .html
                .starts_with(&catalog.format(en, "intake-paused", &[]))
        );
        let continue_label = catalog.format(en, "menu-intake-continue", &[]);
        assert_eq!(data_of(&paused.replies[0], &continue_label), "a:intake");
        // Typed text while paused is not taken as an answer.
        let typed = handle(
            content(),
            Some(paused.session.clone()),
            patient(None),
            Input::Text("hi".into()),
        );
        assert_eq!(typed.session.intake, paused.session.intake);
        let resumed = handle(
            content(),
            Some(paused.session),
            patient(None),
            press("a:intake"),
        );
        assert_eq!(
            resumed.session.intake,
            FormState::Filling(answered),
            "the form goes on with the same answers"
        );
        assert!(
            resumed.replies[0]
                .html
                .starts_with(&catalog.format(en, "intake-consent", &[]))
        );
    }

    /// The form opened and its first question answered: the patient is
    /// filling it, with a draft.
    fn filling_session() -> (Session, intake::Draft) {
        let opened = handle(content(), None, patient(None), press("a:intake"));
        let answered = handle(
            content(),
            Some(opened.session),
            patient(None),
            press("i:a:emergency:no"),
        );
        let FormState::Filling(draft) = answered.session.intake.clone() else {
            panic!("answering: {:?}", answered.session.intake);
        };
        (answered.session, draft)
    }

    #[test]
    fn every_way_out_of_the_form_pauses_it_with_its_answers() {
        let (filling, draft) = filling_session();
        let home = content().trees.root().id.clone();
        for input in [
            press("a:home"),
            press(&format!("g:{home}")),
            press("a:person"),
            press("p:yes"),
            command("menu", None),
            command("start", None),
            command("cancel", None),
            command("language", None),
        ] {
            let left = handle(
                content(),
                Some(filling.clone()),
                patient(None),
                input.clone(),
            );
            assert_eq!(
                left.session.intake,
                FormState::Paused(draft.clone()),
                "{input:?}"
            );
            let typed = handle(
                content(),
                Some(left.session),
                patient(None),
                Input::Text("Ana".into()),
            );
            assert_eq!(
                typed.session.intake,
                FormState::Paused(draft.clone()),
                "{input:?}: typed text after leaving is not an answer"
            );
        }
    }

    #[test]
    fn a_submitted_form_leaves_no_draft() {
        let form = &content().form;
        let mut answers = std::collections::BTreeMap::new();
        answers.insert(
            form.consent().id.clone(),
            intake::Answer::Consent {
                version: form.consent_version.clone(),
                at: 1_795_000_000,
            },
        );
        let at_review = Session {
            locale: "en".into(),
            locale_chosen: false,
            node: "home".into(),
            intake: FormState::Filling(intake::Draft {
                answers,
                position: intake::engine::Position::Review,
                history: vec![],
                selection: vec![],
                files: vec![],
            }),
            case: None,
        };
        let submitted = handle(content(), Some(at_review), patient(None), press("i:submit"));
        assert!(
            matches!(
                submitted.effects.as_slice(),
                [Effect::OpenCase(_, CaseOrigin::Intake(_))]
            ),
            "{:?}",
            submitted.effects
        );
        assert_eq!(submitted.session.intake, FormState::NoDraft);
        let again = handle(
            content(),
            Some(submitted.session),
            patient(None),
            press("i:submit"),
        );
        assert!(again.effects.is_empty() && again.callback_notice.is_some());
        assert_eq!(again.session.intake, FormState::NoDraft);
    }

    fn with_case(open: bool) -> Session {
        Session {
            locale: "en".into(),
            locale_chosen: false,
            node: "home".into(),
            intake: FormState::NoDraft,
            case: Some(CaseLink {
                reference: CaseRef(7),
                open,
            }),
        }
    }

    #[test]
    fn with_an_open_case_messages_go_to_the_coordinators() {
        for input in [
            Input::Text("hello".into()),
            Input::Unsupported,
            Input::Contact { phone: "+1".into() },
        ] {
            let outcome = handle(content(), Some(with_case(true)), patient(None), input);
            assert_eq!(outcome.effects, vec![Effect::Relay]);
            assert!(
                outcome.replies.is_empty(),
                "no auto-reply over the coordinator's voice"
            );
        }
        let edited = handle(
            content(),
            Some(with_case(true)),
            patient(None),
            Input::Edited,
        );
        assert_eq!(edited.effects, vec![Effect::RelayEdit]);
        // Buttons and commands still work.
        let menu = handle(
            content(),
            Some(with_case(true)),
            patient(None),
            command("menu", None),
        );
        assert!(menu.effects.is_empty() && !menu.replies.is_empty());
    }

    #[test]
    fn writing_after_a_close_reopens_the_same_case() {
        let outcome = handle(
            content(),
            Some(with_case(false)),
            patient(None),
            Input::Text("one more thing".into()),
        );
        assert_eq!(
            outcome.effects,
            vec![Effect::ReopenCase(CaseRef(7)), Effect::Relay]
        );
        assert_eq!(
            outcome.session.case,
            Some(CaseLink {
                reference: CaseRef(7),
                open: true
            })
        );
        let reopened = &outcome.replies[0].html;
        assert!(reopened.contains("CF-000007"));
        assert!(
            reopened.starts_with(&en_text("emergency-line")),
            "{reopened}"
        );
        assert!(reopened.ends_with(&en_text("no-guarantee")), "{reopened}");
    }

    fn en_text(id: &str) -> String {
        content()
            .catalog
            .format(content().catalog.reference(), id, &[])
    }

    #[test]
    fn talk_to_a_person_asks_the_emergency_question_first_in_one_tap() {
        let asked = handle(content(), None, patient(None), press("a:person"));
        assert!(asked.effects.is_empty(), "nothing opens before the answer");
        assert_eq!(asked.session.case, None);
        let [question] = asked.replies.as_slice() else {
            panic!("{:?}", asked.replies)
        };
        assert!(question.html.starts_with(&en_text("emergency-line")));
        assert!(question.html.contains(&en_text("intake-emergency")));
        assert_eq!(data_of(question, &en_text("intake-emergency-no")), "p:no");
        assert_eq!(data_of(question, &en_text("intake-emergency-yes")), "p:yes");

        let opened = handle(
            content(),
            Some(asked.session.clone()),
            patient(None),
            press("p:no"),
        );
        assert!(matches!(
            opened.effects.as_slice(),
            [Effect::OpenCase(_, CaseOrigin::Person)]
        ));
        assert_eq!(opened.replies[0].placement, Placement::Replace(7));
        assert!(opened.replies[0].buttons().next().is_none());

        let emergency = handle(
            content(),
            Some(asked.session),
            patient(None),
            press("p:yes"),
        );
        assert!(emergency.effects.is_empty(), "an emergency opens nothing");
        assert!(
            emergency
                .replies
                .iter()
                .any(|r| r.html == en_text("intake-emergency-advice"))
        );
        assert_eq!(emergency.session.node, "home", "then the menu");
    }

    #[test]
    fn a_case_opened_for_a_person_says_there_is_no_guarantee() {
        let session = with_case(true);
        let reply = confirm_case(content(), &session, CaseRef(7), CaseOrigin::Person);
        assert!(reply.html.contains("CF-000007"));
        assert!(
            reply.html.ends_with(&en_text("no-guarantee")),
            "{}",
            reply.html
        );
    }

    #[test]
    fn the_submission_says_what_happens_next_as_the_patient_chose() {
        let session = with_case(true);
        for (contact, wanted, not) in [
            (
                Contact::Chat,
                "intake-submitted-chat",
                "intake-submitted-phone",
            ),
            (
                Contact::Phone,
                "intake-submitted-phone",
                "intake-submitted-chat",
            ),
        ] {
            let reply = confirm_case(content(), &session, CaseRef(7), CaseOrigin::Intake(contact));
            assert!(reply.html.contains(&en_text(wanted)), "{}", reply.html);
            assert!(!reply.html.contains(&en_text(not)), "{}", reply.html);
            assert!(reply.html.contains(&en_text("no-guarantee")));
        }
    }

    #[test]
    fn talk_to_a_person_with_a_case_open_or_closed() {
        let again = handle(
            content(),
            Some(with_case(true)),
            patient(None),
            press("a:person"),
        );
        assert!(again.effects.is_empty());
        assert!(again.replies[0].html.contains("CF-000007"));
        assert!(
            again.replies[0]
                .html
                .starts_with(&en_text("emergency-line"))
        );
        // A closed case: the emergency question, then the same case reopened.
        let asked = handle(
            content(),
            Some(with_case(false)),
            patient(None),
            press("a:person"),
        );
        assert!(asked.effects.is_empty());
        let reopened = handle(content(), Some(asked.session), patient(None), press("p:no"));
        assert_eq!(reopened.effects, vec![Effect::ReopenCase(CaseRef(7))]);
    }

    #[test]
    fn the_off_hours_note_starts_with_the_emergency_line() {
        let opens = jiff::civil::date(2026, 12, 7)
            .at(9, 0, 0, 0)
            .in_tz("Europe/Paris")
            .unwrap();
        let note = notices::off_hours(content(), "fr", &opens);
        let fr = content().catalog.find("fr").unwrap();
        assert!(
            note.html
                .starts_with(&content().catalog.format(fr, "emergency-line", &[]))
        );
        assert!(
            note.html
                .contains("lundi 7 décembre à 09:00 heure : France"),
            "{}",
            note.html
        );
    }

    #[test]
    fn ratings_only_for_the_patients_own_closed_case() {
        let rated = handle(
            content(),
            Some(with_case(false)),
            patient(None),
            press("r:7:4"),
        );
        assert_eq!(
            rated.effects,
            vec![Effect::Rate {
                case: CaseRef(7),
                stars: 4
            }]
        );
        for data in ["r:8:4", "r:7:9"] {
            let refused = handle(
                content(),
                Some(with_case(false)),
                patient(None),
                press(data),
            );
            assert!(
                refused.effects.is_empty() && refused.callback_notice.is_some(),
                "{data}"
            );
        }
        let open = handle(
            content(),
            Some(with_case(true)),
            patient(None),
            press("r:7:4"),
        );
        assert!(open.effects.is_empty());
    }

    #[test]
    fn a_form_button_after_the_form_ended_is_stale() {
        let outcome = handle(content(), None, patient(None), press("i:submit"));
        assert!(outcome.callback_notice.is_some());
        assert_eq!(outcome.session.intake, FormState::NoDraft);
    }

    #[test]
    fn privacy_explains_and_mydata_exports() {
        let privacy = handle(
            content(),
            None,
            patient(Some("es")),
            command("privacy", None),
        );
        assert!(
            privacy.replies[0].html.contains("30 días"),
            "{}",
            privacy.replies[0].html
        );
        let mydata = handle(content(), None, patient(None), command("mydata", None));
        assert_eq!(mydata.effects, vec![Effect::ExportMyData]);
    }

    #[test]
    fn delete_asks_first_then_erases() {
        let opened = handle(content(), None, patient(None), press("a:intake"));
        let asked = handle(
            content(),
            Some(opened.session),
            patient(None),
            command("delete", None),
        );
        assert!(asked.effects.is_empty());
        assert_eq!(
            asked.replies[0]
                .buttons()
                .map(|b| b.data.as_str())
                .collect::<Vec<_>>(),
            ["x:erase", "x:keep"]
        );
        let kept = handle(
            content(),
            Some(asked.session.clone()),
            patient(None),
            press("x:keep"),
        );
        assert!(kept.effects.is_empty() && kept.session.intake.draft().is_some());
        let erased = handle(
            content(),
            Some(asked.session),
            patient(None),
            press("x:erase"),
        );
        assert_eq!(erased.effects, vec![Effect::EraseData]);
        assert_eq!(erased.session.intake, FormState::NoDraft);
    }

    #[test]
    fn every_node_is_reachable_by_pressing_buttons_and_back_returns_to_the_parent() {
        let catalog = &content().catalog;
        let en = catalog.reference();
        let back = catalog.format(en, "nav-back", &[]);
        let start = handle(content(), None, patient(None), command("start", None));
        let mut seen = std::collections::HashSet::from([start.session.node.clone()]);
        let mut frontier = vec![(start.session.clone(), start.replies[0].clone())];
        while let Some((session, reply)) = frontier.pop() {
            for button in reply.buttons() {
                let Some(CallbackData::Goto(target)) = CallbackData::decode(&button.data) else {
                    continue;
                };
                if button.label == back || !seen.insert(target.clone()) {
                    continue;
                }
                let outcome = handle(
                    content(),
                    Some(session.clone()),
                    patient(None),
                    press(&button.data),
                );
                assert_eq!(outcome.session.node, target);
                let shown = &outcome.replies[0];
                assert_eq!(shown.placement, Placement::Replace(7));
                let node = content().trees.get(&target).unwrap();
                if node.nav {
                    let parent = node.parent.clone().unwrap();
                    assert_eq!(data_of(shown, &back), format!("g:{parent}"));
                    let up = handle(
                        content(),
                        Some(outcome.session.clone()),
                        patient(None),
                        press(data_of(shown, &back)),
                    );
                    assert_eq!(up.session.node, parent);
                }
                frontier.push((outcome.session, shown.clone()));
            }
        }
        let all: std::collections::HashSet<String> =
            content().trees.nodes().map(|n| n.id.clone()).collect();
        assert_eq!(seen, all);
    }

    #[test]
    fn content_screens_offer_back_home_and_a_person() {
        let catalog = &content().catalog;
        let en = catalog.reference();
        let session = Session {
            locale: "en".into(),
            locale_chosen: false,
            node: "home".into(),
            intake: FormState::NoDraft,
            case: None,
        };
        let outcome = handle(
            content(),
            Some(session),
            patient(None),
            press("g:faq-t790m"),
        );
        let shown = labels(&outcome.replies[0]);
        for id in ["nav-back", "nav-home", "nav-person"] {
            assert!(
                shown.contains(&catalog.format(en, id, &[]).as_str()),
                "{id} in {shown:?}"
            );
        }
        assert!(
            outcome.replies[0]
                .html
                .contains("Haematology Specialists on April 16, 2026")
        );
        assert!(
            outcome.replies[0]
                .html
                .ends_with(&en_text("not-medical-advice"))
        );
    }

    #[test]
    fn free_text_stickers_and_edits_get_a_hint_and_keep_the_place() {
        let session = Session {
            locale: "fr".into(),
            locale_chosen: true,
            node: "testing".into(),
            intake: FormState::NoDraft,
            case: None,
        };
        let fr = content().catalog.find("fr").unwrap();
        for (input, hint) in [
            (Input::Text("bonjour".into()), "free-text-hint"),
            (Input::Unsupported, "unsupported-input"),
            (Input::Edited, "edited-message"),
        ] {
            let outcome = handle(content(), Some(session.clone()), patient(Some("en")), input);
            assert_eq!(outcome.session, session);
            let [reply] = outcome.replies.as_slice() else {
                panic!()
            };
            assert_eq!(reply.html, content().catalog.format(fr, hint, &[]));
            assert!(
                reply.buttons().next().is_some(),
                "the menu comes with the hint"
            );
        }
    }

    #[test]
    fn stale_and_foreign_buttons_are_answered_with_the_current_screen() {
        let session = Session {
            locale: "en".into(),
            locale_chosen: false,
            node: "glance".into(),
            intake: FormState::NoDraft,
            case: None,
        };
        for data in ["g:a-node-that-was-removed", "l:klingon", "zz:1", ""] {
            let outcome = handle(content(), Some(session.clone()), patient(None), press(data));
            assert!(outcome.callback_notice.is_some(), "{data}");
            assert_eq!(outcome.session.node, "glance");
            assert_eq!(outcome.replies[0].placement, Placement::New);
        }
    }

    #[test]
    fn a_session_on_a_removed_node_returns_to_the_menu() {
        let session = Session {
            locale: "en".into(),
            locale_chosen: false,
            node: "gone".into(),
            intake: FormState::NoDraft,
            case: None,
        };
        let outcome = handle(
            content(),
            Some(session),
            patient(None),
            Input::Text("hi".into()),
        );
        assert_eq!(outcome.session.node, "home");
    }

    #[test]
    fn picking_a_language_redraws_the_menu_in_it() {
        let picker = handle(
            content(),
            None,
            patient(Some("en")),
            command("language", None),
        );
        let names = labels(&picker.replies[0]);
        for name in [
            "English",
            "Español",
            "Français",
            "Русский",
            "简体中文",
            "العربية",
        ] {
            assert!(names.contains(&name), "{name} in {names:?}");
        }
        let data = data_of(&picker.replies[0], "Русский").to_owned();
        let chosen = handle(
            content(),
            Some(picker.session),
            patient(Some("en")),
            press(&data),
        );
        assert_eq!(chosen.session.locale, "ru");
        assert!(chosen.session.locale_chosen);
        let ru = content().catalog.find("ru").unwrap();
        assert!(
            chosen.replies[0]
                .html
                .starts_with(&content().catalog.format(ru, "language-changed", &[]))
        );
        assert_eq!(chosen.replies[0].placement, Placement::Replace(7));
    }

    #[test]
    fn every_screen_in_every_locale_is_clean_and_within_limits() {
        for locale in content().catalog.locales() {
            for node in content().trees.nodes() {
                let session = Session {
                    locale: locale.tag(),
                    locale_chosen: true,
                    node: "home".into(),
                    intake: FormState::NoDraft,
                    case: None,
                };
                let outcome = handle(
                    content(),
                    Some(session),
                    patient(None),
                    press(&format!("g:{}", node.id)),
                );
                let reply = &outcome.replies[0];
                assert!(telegram_len(&reply.html) <= MESSAGE_LIMIT);
                // The frame's footer on every content screen, never on the menu.
                let footer = content().catalog.format(locale, "not-medical-advice", &[]);
                let is_menu = node.id == content().trees.root().id;
                assert_eq!(
                    reply.html.ends_with(&footer),
                    !is_menu,
                    "{locale} {}",
                    node.id
                );
                assert!(!reply.html.contains(BIDI_ISOLATES));
                assert!(
                    !reply.html.contains('{'),
                    "{locale} {}: {}",
                    node.id,
                    reply.html
                );
                for button in reply.buttons() {
                    assert!(button.data.len() <= crate::text::CALLBACK_DATA_LIMIT);
                    assert!(!button.label.trim().is_empty());
                }
            }
        }
    }

    #[test]
    fn command_menu_is_translated() {
        let ru = content().catalog.find("ru").unwrap();
        let menu = command_menu(content(), ru);
        let names: Vec<&str> = menu.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            [
                "start", "menu", "language", "help", "cancel", "privacy", "mydata", "delete"
            ]
        );
        let english = command_menu(content(), content().catalog.reference());
        assert_ne!(menu[1].1, english[1].1);
    }
}
