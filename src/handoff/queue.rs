//! The queue's rules and what coordinators see: topic names, case cards,
//! the `/queue` listing, their buttons and commands. Their words are in the
//! coordinators' language (`texts::Texts`, `coordinators.ftl`); topic names
//! are references, language tags and the case's own words.
//!
//! Must not touch Telegram, storage or the clock (`now` is given).

use std::fmt;

use super::texts::Texts;
use crate::i18n::Arg;
use crate::intake::CaseRef;
use crate::reply::Button;

/// Telegram's limit for a forum topic name.
const TOPIC_NAME_LIMIT: usize = 128;
/// The out-of-hours note is sent at most once in this many seconds per case.
pub const OFF_HOURS_NOTE_INTERVAL: i64 = 6 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseStatus {
    Waiting,
    Assigned,
    Closed,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Waiting => "waiting",
            CaseStatus::Assigned => "assigned",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn is_open(self) -> bool {
        self != CaseStatus::Closed
    }
}

/// A status that is none of a case's: never read as another one (the
/// database refuses to store it; a row changed by hand is an error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCaseStatus(pub String);

impl fmt::Display for UnknownCaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown case status “{}”", self.0)
    }
}

impl std::error::Error for UnknownCaseStatus {}

impl std::str::FromStr for CaseStatus {
    type Err = UnknownCaseStatus;

    fn from_str(text: &str) -> Result<CaseStatus, UnknownCaseStatus> {
        match text {
            "waiting" => Ok(CaseStatus::Waiting),
            "assigned" => Ok(CaseStatus::Assigned),
            "closed" => Ok(CaseStatus::Closed),
            _ => Err(UnknownCaseStatus(text.to_owned())),
        }
    }
}

/// As a column is read (`#[sqlx(try_from = "String")]`).
impl TryFrom<String> for CaseStatus {
    type Error = UnknownCaseStatus;

    fn try_from(text: String) -> Result<CaseStatus, UnknownCaseStatus> {
        text.parse()
    }
}

/// A member of the coordinators' group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coordinator {
    pub id: i64,
    pub name: String,
}

/// What the queue knows about a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseView {
    pub reference: CaseRef,
    pub chat_id: i64,
    pub locale: String,
    pub status: CaseStatus,
    pub urgent: bool,
    pub coordinator: Option<Coordinator>,
    /// Short English words for the topic name (cancer type, driver, name).
    pub title: String,
    /// The intake answers in English, Telegram HTML.
    pub summary: String,
    /// Since when the case waits (set again when released or reopened).
    pub queued_at: i64,
    pub documents: usize,
    pub thread_id: Option<i64>,
    /// The group of the team that has the case (`None`: none yet).
    pub group_chat_id: Option<i64>,
}

/// Buttons on a case card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardAction {
    Take,
    Release,
    Close,
    /// Mark urgent (`true`) or not: a state, not a toggle, so that a press
    /// handled twice (a replay after a crash) or a stale card's button
    /// leaves the case as the coordinator asked.
    SetUrgent(bool),
}

impl CardAction {
    pub fn encode(self, case: CaseRef) -> String {
        GroupButton::Card(self, case).encode()
    }
}

/// Every button the bot puts in the coordinators' group, read back by one
/// decoder: a case card's, a `/queue` page's, a ready reply's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupButton {
    /// `q:take:42`
    Card(CardAction, CaseRef),
    /// `ql:2`
    QueuePage(usize),
    /// `r:scan-report:42` (see `replies`)
    ReadyReply { name: String, case: CaseRef },
}

impl GroupButton {
    pub fn encode(&self) -> String {
        match self {
            GroupButton::Card(action, case) => {
                let op = match action {
                    CardAction::Take => "take",
                    CardAction::Release => "release",
                    CardAction::Close => "close",
                    CardAction::SetUrgent(true) => "urgent",
                    CardAction::SetUrgent(false) => "normal",
                };
                format!("q:{op}:{}", case.0)
            }
            GroupButton::QueuePage(page) => format!("ql:{page}"),
            GroupButton::ReadyReply { name, case } => format!("r:{name}:{}", case.0),
        }
    }

    /// `None` for data none of the group's buttons carry (stale or forged).
    pub fn decode(data: &str) -> Option<GroupButton> {
        let (kind, rest) = data.split_once(':')?;
        match kind {
            "q" => {
                let (op, case) = rest.split_once(':')?;
                let action = match op {
                    "take" => CardAction::Take,
                    "release" => CardAction::Release,
                    "close" => CardAction::Close,
                    "urgent" => CardAction::SetUrgent(true),
                    "normal" => CardAction::SetUrgent(false),
                    _ => return None,
                };
                Some(GroupButton::Card(action, CaseRef(case.parse().ok()?)))
            }
            "ql" => rest.parse().ok().map(GroupButton::QueuePage),
            "r" => {
                let (name, case) = rest.rsplit_once(':')?;
                Some(GroupButton::ReadyReply {
                    name: name.to_owned(),
                    case: CaseRef(case.parse().ok()?),
                })
            }
            _ => None,
        }
    }
}

/// A command a coordinator types in the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoordinatorCommand {
    Queue,
    /// The figures: the queue now, today and this week.
    Stats,
    /// Stays in the topic; never reaches the patient.
    Note,
    Release,
    Close,
    /// To `@username`, or to the author of the replied-to message.
    Transfer(Option<String>),
    /// `/r`: the ready replies (see `replies`), or one of them sent.
    Reply(super::replies::ReplyRequest),
}

/// What a coordinator's text (or caption) in the group is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CoordinatorText {
    /// One of the queue's commands, for this bot.
    Command(CoordinatorCommand),
    /// A command addressed to another bot (`/close@OtherBot`): not ours.
    OtherBot,
    /// A command-like word none of ours (`/frobnicate`): the coordinator
    /// is told what the commands are; nothing reaches the patient.
    Unknown(String),
    /// Words for the patient, even if they start with `/` (`/2 tablets a day`).
    Message,
}

impl CoordinatorText {
    /// Reads `text` as Telegram would (see `commands::split`).
    pub fn of(text: &str, bot_username: &str) -> CoordinatorText {
        let Some(written) = crate::commands::split(text) else {
            return CoordinatorText::Message;
        };
        if written.for_another_bot(bot_username) {
            return CoordinatorText::OtherBot;
        }
        match CoordinatorCommand::of(&written) {
            Some(command) => CoordinatorText::Command(command),
            None => CoordinatorText::Unknown(written.name),
        }
    }
}

/// The note for a command none of ours.
pub fn unknown_command_hint(texts: &Texts, name: &str) -> String {
    let command = format!("/{name}");
    texts.say("coord-unknown-command", &[("command", Arg::Text(&command))])
}

impl CoordinatorCommand {
    /// `None` for a command none of the queue's.
    fn of(written: &crate::commands::Written) -> Option<CoordinatorCommand> {
        let argument = written.argument;
        Some(match written.name.as_str() {
            "queue" => CoordinatorCommand::Queue,
            "stats" => CoordinatorCommand::Stats,
            "note" => CoordinatorCommand::Note,
            "release" => CoordinatorCommand::Release,
            "close" => CoordinatorCommand::Close,
            // `@username`, or a team's name (which may have spaces).
            "transfer" => CoordinatorCommand::Transfer(
                Some(argument.trim_start_matches('@').to_owned()).filter(|name| !name.is_empty()),
            ),
            "r" | "reply" => CoordinatorCommand::Reply(super::replies::ReplyRequest::of(argument)),
            _ => return None,
        })
    }
}

/// `CF-000123 · ES · Lung · EGFR · Layla`, within Telegram's 128
/// characters, which it counts in UTF-16 units (an emoji is two).
pub fn topic_name(case: &CaseView) -> String {
    let mut name = format!("{} · {}", case.reference, case.locale.to_uppercase());
    if !case.title.trim().is_empty() {
        name.push_str(" · ");
        name.push_str(case.title.trim());
    }
    let mut units = 0;
    name.chars()
        .take_while(|c| {
            units += c.len_utf16();
            units <= TOPIC_NAME_LIMIT
        })
        .collect()
}

/// The note in a group's General topic after a patient erased their data
/// (their cases' topics are gone with every message in them). By reference
/// only: nothing about the patient may stay.
pub fn erasure_note(texts: &Texts, cases: &[CaseRef]) -> String {
    let references = cases
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    texts.say(
        "coord-note-erased",
        &[
            ("count", Arg::Number(count(cases.len()))),
            ("references", Arg::Text(&references)),
        ],
    )
}

/// A count for a message.
fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The note in a topic when one of the case's documents could not be shown
/// (Telegram's error is text, escaped for the HTML note).
pub fn document_not_shown(texts: &Texts, error: &str) -> String {
    texts.say(
        "coord-note-document-not-shown",
        &[("error", Arg::Text(error))],
    )
}

/// "3 min", "2 h 05 min", "4 d 3 h".
pub fn waited(texts: &Texts, seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    match minutes {
        m if m < 60 => texts.say(
            "coord-duration-minutes",
            &[("minutes", Arg::Text(&m.to_string()))],
        ),
        m if m < 24 * 60 => texts.say(
            "coord-duration-hours",
            &[
                ("hours", Arg::Number(m / 60)),
                ("minutes", Arg::Text(&format!("{:02}", m % 60))),
            ],
        ),
        m => texts.say(
            "coord-duration-days",
            &[
                ("days", Arg::Number(m / (24 * 60))),
                ("hours", Arg::Number((m / 60) % 24)),
            ],
        ),
    }
}

/// The case card posted at the top of each case's topic.
pub fn card(
    texts: &Texts,
    case: &CaseView,
    language_name: &str,
    now: i64,
) -> (String, Vec<Vec<Button>>) {
    let state = match (&case.status, &case.coordinator) {
        (CaseStatus::Assigned, Some(who)) => {
            texts.say("coord-card-assigned", &[("name", Arg::Text(&who.name))])
        }
        (CaseStatus::Closed, _) => texts.say("coord-card-closed", &[]),
        _ => texts.say(
            "coord-card-waiting",
            &[("waited", Arg::Text(&waited(texts, now - case.queued_at)))],
        ),
    };
    let urgent = if case.urgent {
        format!("{} · ", texts.say("coord-card-urgent", &[]))
    } else {
        String::new()
    };
    let summary = if case.summary.trim().is_empty() {
        texts.say("coord-card-no-details", &[])
    } else {
        case.summary.clone()
    };
    let documents = match case.documents {
        0 => String::new(),
        n => format!(
            "\n\n{}",
            texts.say("coord-card-documents", &[("count", Arg::Number(count(n)))])
        ),
    };
    let language = texts.say(
        "coord-card-language",
        &[
            ("language", Arg::Text(language_name)),
            ("tag", Arg::Text(&case.locale)),
        ],
    );
    let html = format!(
        "{urgent}<b>{}</b> · {state}\n{language}\n\n{summary}{documents}",
        case.reference,
    );
    let label = |id: &str| texts.say(id, &[]);
    let urgent_label = if case.urgent {
        label("coord-button-not-urgent")
    } else {
        label("coord-button-urgent")
    };
    let urgent_button = Button::new(
        urgent_label,
        CardAction::SetUrgent(!case.urgent).encode(case.reference),
    );
    let close = Button::new(
        label("coord-button-close"),
        CardAction::Close.encode(case.reference),
    );
    let buttons = match case.status {
        CaseStatus::Waiting => vec![vec![
            Button::new(
                label("coord-button-take"),
                CardAction::Take.encode(case.reference),
            ),
            urgent_button,
            close,
        ]],
        CaseStatus::Assigned => vec![vec![
            Button::new(
                label("coord-button-release"),
                CardAction::Release.encode(case.reference),
            ),
            urgent_button,
            close,
        ]],
        CaseStatus::Closed => Vec::new(),
    };
    (html, buttons)
}

/// Waiting cases urgent first, then oldest first.
pub fn queue_order(cases: &mut [CaseView]) {
    cases.sort_by_key(|case| (!case.urgent, case.queued_at, case.reference));
}

/// A page of the `/queue` listing: at most this many characters, well
/// inside Telegram's 4096 for a message.
const LISTING_PAGE_CHARS: usize = 3500;
/// And at most this many cases, to stay readable on a phone.
const LISTING_PAGE_CASES: usize = 25;

/// The `/queue` listing: waiting cases urgent first then oldest first, then
/// who holds what; one page of it, with ◀ ▶ buttons when there are more.
/// Pages count from 0; a page past the end shows the last one.
pub fn listing(
    texts: &Texts,
    cases: &[CaseView],
    now: i64,
    page: usize,
) -> (String, Vec<Vec<Button>>) {
    let mut waiting: Vec<CaseView> = cases
        .iter()
        .filter(|c| c.status == CaseStatus::Waiting)
        .cloned()
        .collect();
    queue_order(&mut waiting);
    let assigned: Vec<&CaseView> = cases
        .iter()
        .filter(|c| c.status == CaseStatus::Assigned)
        .collect();
    if waiting.is_empty() && assigned.is_empty() {
        return (texts.say("coord-queue-empty", &[]), Vec::new());
    }
    let mut lines: Vec<String> = Vec::new();
    for case in &waiting {
        let urgent = if case.urgent { "🔴 " } else { "" };
        let reference = case.reference.to_string();
        let line = texts.say(
            "coord-queue-waiting",
            &[
                ("reference", Arg::Text(&reference)),
                ("title", Arg::Text(&topic_title(case))),
                ("waited", Arg::Text(&waited(texts, now - case.queued_at))),
            ],
        );
        lines.push(format!("{urgent}{line}"));
    }
    for case in assigned.iter() {
        let who = case.coordinator.as_ref().map_or("?", |c| c.name.as_str());
        lines.push(format!(
            "✋ {} · {} · {}",
            case.reference,
            crate::text::escape_html(&topic_title(case)),
            crate::text::escape_html(who)
        ));
    }
    let pages = paginate(&lines);
    let page = page.min(pages.len() - 1);
    let mut header = texts.say(
        "coord-queue-header",
        &[
            ("waiting", Arg::Number(count(waiting.len()))),
            ("assigned", Arg::Number(count(assigned.len()))),
        ],
    );
    if pages.len() > 1 {
        let of_pages = texts.say(
            "coord-queue-page",
            &[
                ("page", Arg::Number(count(page + 1))),
                ("pages", Arg::Number(count(pages.len()))),
            ],
        );
        header.push_str(&format!(" · {of_pages}"));
    }
    let mut html = header;
    for line in &lines[pages[page].clone()] {
        html.push('\n');
        html.push_str(line);
    }
    let mut row = Vec::new();
    if page > 0 {
        row.push(Button::new("◀", GroupButton::QueuePage(page - 1).encode()));
    }
    if page + 1 < pages.len() {
        row.push(Button::new("▶", GroupButton::QueuePage(page + 1).encode()));
    }
    let buttons = if row.is_empty() {
        Vec::new()
    } else {
        vec![row]
    };
    (html, buttons)
}

/// Lines cut into pages by length and count (each page at least one line).
fn paginate(lines: &[String]) -> Vec<std::ops::Range<usize>> {
    let mut pages = Vec::new();
    let (mut start, mut length) = (0, 0);
    for (index, line) in lines.iter().enumerate() {
        let cost = line.chars().count() + 1;
        if index > start
            && (length + cost > LISTING_PAGE_CHARS || index - start >= LISTING_PAGE_CASES)
        {
            pages.push(start..index);
            start = index;
            length = 0;
        }
        length += cost;
    }
    pages.push(start..lines.len());
    pages
}

/// Messages that Telegram has failed for long are held, not lost: the
/// coordinators see it at the top of `/queue`.
pub fn held_notice(texts: &Texts, jobs: i64, failing_minutes: i64, error: &str) -> String {
    texts.say(
        "coord-queue-held",
        &[
            ("count", Arg::Number(jobs)),
            ("waited", Arg::Text(&waited(texts, failing_minutes * 60))),
            ("error", Arg::Text(error)),
        ],
    )
}

fn topic_title(case: &CaseView) -> String {
    if case.title.trim().is_empty() {
        case.locale.to_uppercase()
    } else {
        case.title.clone()
    }
}

/// Whether the patient gets the out-of-hours note now.
pub fn owes_off_hours_note(team_open: bool, last_noted: Option<i64>, now: i64) -> bool {
    !team_open && last_noted.is_none_or(|at| now - at >= OFF_HOURS_NOTE_INTERVAL)
}

impl fmt::Display for Coordinator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handoff::texts::tests::english;

    fn listing_page(data: &str) -> Option<usize> {
        match GroupButton::decode(data)? {
            GroupButton::QueuePage(page) => Some(page),
            _ => None,
        }
    }

    fn parse(text: &str) -> Option<CoordinatorCommand> {
        CoordinatorCommand::of(&crate::commands::split(text)?)
    }

    fn case(reference: i64, status: CaseStatus, urgent: bool, queued_at: i64) -> CaseView {
        CaseView {
            reference: CaseRef(reference),
            chat_id: reference,
            locale: "es".into(),
            status,
            urgent,
            coordinator: (status == CaseStatus::Assigned).then(|| Coordinator {
                id: 9,
                name: "Alex <Lead>".into(),
            }),
            title: "Lung · EGFR · Ana".into(),
            summary: "<b>Age:</b> 56".into(),
            queued_at,
            documents: 2,
            thread_id: None,
            group_chat_id: None,
        }
    }

    #[test]
    fn urgent_first_then_oldest() {
        let mut cases = vec![
            case(1, CaseStatus::Waiting, false, 100),
            case(2, CaseStatus::Waiting, true, 300),
            case(3, CaseStatus::Waiting, false, 50),
        ];
        queue_order(&mut cases);
        let order: Vec<i64> = cases.iter().map(|c| c.reference.0).collect();
        assert_eq!(order, [2, 3, 1]);
    }

    #[test]
    fn listing_shows_waits_and_holders() {
        let cases = vec![
            case(1, CaseStatus::Waiting, false, 0),
            case(2, CaseStatus::Assigned, false, 0),
            case(3, CaseStatus::Closed, false, 0),
        ];
        let (text, buttons) = listing(&english(), &cases, 3 * 3600 + 5 * 60, 0);
        assert!(buttons.is_empty(), "one page, no page buttons");
        assert!(text.contains("1 waiting · 1 assigned"), "{text}");
        assert!(
            text.contains("CF-000001 · Lung · EGFR · Ana · waiting 3 h 05 min"),
            "{text}"
        );
        assert!(
            text.contains("✋ CF-000002 · Lung · EGFR · Ana · Alex &lt;Lead&gt;"),
            "{text}"
        );
        assert!(!text.contains("CF-000003"));
        assert_eq!(
            listing(&english(), &[], 0, 0).0,
            "<b>Queue</b>\nNo open cases."
        );
    }

    #[test]
    fn a_long_queue_is_paged_within_telegram_s_limit() {
        let mut cases: Vec<CaseView> = (1..=400)
            .map(|n| case(n, CaseStatus::Waiting, n % 50 == 0, n * 10))
            .collect();
        for case in &mut cases {
            case.title = "Lung · EGFR · ".to_owned() + &"Á".repeat(100);
        }
        let (first, buttons) = listing(&english(), &cases, 10_000, 0);
        assert!(
            first.contains("400 waiting · 0 assigned · page 1/"),
            "{first}"
        );
        assert!(first.contains("🔴 CF-000050"), "urgent first: {first}");
        assert_eq!(buttons.len(), 1);
        assert_eq!(buttons[0].len(), 1, "only ▶ on the first page");
        assert_eq!(listing_page(&buttons[0][0].data), Some(1));
        let mut seen = 0;
        let mut page = 0;
        loop {
            let (html, buttons) = listing(&english(), &cases, 10_000, page);
            assert!(html.encode_utf16().count() <= 4096, "page {page} too long");
            seen += html.matches("CF-").count();
            match buttons
                .first()
                .and_then(|row| row.iter().find(|b| b.label == "▶"))
            {
                Some(next) => page = listing_page(&next.data).unwrap(),
                None => break,
            }
        }
        assert_eq!(seen, 400, "every case on some page, once");
        let (past_the_end, _) = listing(&english(), &cases, 10_000, 999);
        assert!(past_the_end.contains(&format!("page {}/{}", page + 1, page + 1)));
    }

    #[test]
    fn topic_names_fit_telegram_s_limit_in_utf16_units() {
        let mut long = case(1, CaseStatus::Waiting, false, 0);
        long.title = "😀".repeat(100);
        let name = topic_name(&long);
        assert!(
            name.encode_utf16().count() <= 128,
            "{}",
            name.encode_utf16().count()
        );
        assert!(name.starts_with("CF-000001 · ES · 😀"));
        assert!(
            document_not_shown(&english(), "Bad Request: <wrong> & more")
                .contains("&lt;wrong&gt; &amp; more")
        );
    }

    #[test]
    fn coordinators_texts_are_read_as_telegram_reads_commands() {
        let of = |text| CoordinatorText::of(text, "navigator_bot");
        assert_eq!(
            of("/close"),
            CoordinatorText::Command(CoordinatorCommand::Close)
        );
        assert_eq!(
            of("/close@Navigator_Bot"),
            CoordinatorText::Command(CoordinatorCommand::Close)
        );
        assert_eq!(of("/close@OtherBot"), CoordinatorText::OtherBot);
        assert_eq!(of("/2 tablets a day"), CoordinatorText::Message);
        assert_eq!(of("/ hello"), CoordinatorText::Message);
        assert_eq!(of("/é"), CoordinatorText::Message);
        assert_eq!(of("hello"), CoordinatorText::Message);
        assert_eq!(
            of("/frobnicate now"),
            CoordinatorText::Unknown("frobnicate".into())
        );
        assert!(unknown_command_hint(&english(), "<b>").contains("/&lt;b&gt;"));
    }

    #[test]
    fn cards_offer_what_the_status_allows() {
        let (html, buttons) = card(
            &english(),
            &case(7, CaseStatus::Waiting, true, 0),
            "Español",
            600,
        );
        assert!(
            html.starts_with("🔴 <b>URGENT</b> · <b>CF-000007</b> · waiting for 10 min"),
            "{html}"
        );
        assert!(html.contains("Español (es)") && html.contains("📎 2 documents: re-sent below."));
        let data: Vec<&str> = buttons[0].iter().map(|b| b.data.as_str()).collect();
        assert_eq!(
            data,
            ["q:take:7", "q:normal:7", "q:close:7"],
            "urgent: offers to undo"
        );
        let (html, buttons) = card(
            &english(),
            &case(7, CaseStatus::Assigned, false, 0),
            "Español",
            0,
        );
        assert!(html.contains("assigned to Alex &lt;Lead&gt;"));
        assert_eq!(buttons[0][0].data, "q:release:7");
        assert!(
            card(&english(), &case(7, CaseStatus::Closed, false, 0), "x", 0)
                .1
                .is_empty()
        );
    }

    #[test]
    fn topic_names_fit_telegram() {
        let mut long = case(123, CaseStatus::Waiting, false, 0);
        assert_eq!(topic_name(&long), "CF-000123 · ES · Lung · EGFR · Ana");
        long.title = "x".repeat(300);
        assert_eq!(topic_name(&long).chars().count(), 128);
    }

    #[test]
    fn card_data_and_commands_round_trip() {
        for action in [
            CardAction::Take,
            CardAction::Release,
            CardAction::Close,
            CardAction::SetUrgent(true),
            CardAction::SetUrgent(false),
        ] {
            assert_eq!(
                GroupButton::decode(&action.encode(CaseRef(42))),
                Some(GroupButton::Card(action, CaseRef(42)))
            );
        }
        assert_eq!(GroupButton::decode("q:take:x"), None);
        assert_eq!(GroupButton::decode("ql:x"), None);
        assert_eq!(GroupButton::decode("zz:1"), None);
        let reply = GroupButton::ReadyReply {
            name: "scan-report".into(),
            case: CaseRef(7),
        };
        assert_eq!(GroupButton::decode(&reply.encode()), Some(reply));
        assert_eq!(
            parse("/queue@navigator_bot"),
            Some(CoordinatorCommand::Queue)
        );
        assert_eq!(
            parse("/note call back tomorrow"),
            Some(CoordinatorCommand::Note)
        );
        assert_eq!(
            parse("/transfer @maria_k"),
            Some(CoordinatorCommand::Transfer(Some("maria_k".into())))
        );
        assert_eq!(parse("/transfer"), Some(CoordinatorCommand::Transfer(None)));
        assert_eq!(
            parse("/stats@navigator_bot"),
            Some(CoordinatorCommand::Stats)
        );
        assert_eq!(parse("hello"), None);
        assert_eq!(parse("/start"), None);
    }

    #[test]
    fn the_off_hours_note_is_not_repeated_too_often() {
        assert!(owes_off_hours_note(false, None, 1000));
        assert!(!owes_off_hours_note(true, None, 1000));
        assert!(!owes_off_hours_note(false, Some(1000), 1000 + 60));
        assert!(owes_off_hours_note(false, Some(0), OFF_HOURS_NOTE_INTERVAL));
    }

    #[test]
    fn waits_read_naturally() {
        assert_eq!(waited(&english(), 59), "0 min");
        assert_eq!(waited(&english(), 3 * 60), "3 min");
        assert_eq!(waited(&english(), 2 * 3600 + 5 * 60), "2 h 05 min");
        assert_eq!(waited(&english(), 4 * 86400 + 3 * 3600), "4 d 3 h");
        assert_eq!(waited(&english(), -5), "0 min");
    }
}
