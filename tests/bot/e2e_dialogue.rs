//! The resistance tree end to end, in every locale, through the emulator:
//! the real dispatcher, a real database, the Bot API as Telegram speaks it.

use crate::common;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use common::bot::{TestBot, spawn_bot, spawn_bot_on};
use common::db::TestDb;
use patient_navigator::content::Content;
use patient_navigator::emulator::{ChatMessage, UserHandle};

fn content() -> Content {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    Content::load(&root.join("locales"), &root.join("dialogues")).unwrap()
}

/// Message ids of the English catalog, to catch one shown raw.
fn message_ids() -> HashSet<String> {
    let mut ids = HashSet::new();
    for entry in
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/en")).unwrap()
    {
        let source = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in source.lines() {
            if let Some((id, _)) = line.split_once(" =")
                && !id.starts_with([' ', '#'])
                && id.contains('-')
            {
                ids.insert(id.trim().to_owned());
            }
        }
    }
    ids
}

/// What a patient must never see.
fn assert_clean(message: &ChatMessage, ids: &HashSet<String>, context: &str) {
    let text = &message.text;
    assert!(!text.trim().is_empty(), "{context}: empty message");
    assert!(
        !text.contains('{') && !text.contains('}'),
        "{context}: placeholder in {text}"
    );
    assert!(
        !text.contains(['\u{2068}', '\u{2069}']),
        "{context}: bidi isolation marks"
    );
    assert!(text.encode_utf16().count() <= 4096, "{context}: over 4096");
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
        assert!(
            !ids.contains(word),
            "{context}: raw message id {word} in {text}"
        );
    }
    for button in message.buttons.iter().flatten() {
        assert!(!button.text.trim().is_empty(), "{context}: empty button");
        assert!(
            !ids.contains(button.text.as_str()),
            "{context}: raw id on a button"
        );
        let data = button.callback_data.as_deref().unwrap_or_default();
        assert!(
            !data.is_empty() && data.len() <= 64,
            "{context}: callback data {data:?}"
        );
    }
}

fn newest_with_buttons(patient: &UserHandle) -> ChatMessage {
    patient
        .transcript()
        .into_iter()
        .rev()
        .find(|m| m.from_bot && !m.buttons.is_empty())
        .expect("a menu")
}

/// A message of the safety frame as a patient reading `tag` sees it.
fn visible(tag: &str, id: &str) -> String {
    let content = content();
    let locale = content.catalog.find(tag).unwrap();
    patient_navigator::text::visible_text(&content.catalog.format(locale, id, &[]))
}

/// Opens every node, presses every button on it, checks every reply and
/// the safety frame: the "not medical advice" footer on every content
/// screen, the emergency line first on every path to a person (the form,
/// "talk to a person"). Returns the visible text of each node.
async fn walk_every_node(
    patient: &UserHandle,
    tag: &str,
    ids: &HashSet<String>,
) -> BTreeMap<String, String> {
    let content = content();
    let footer = visible(tag, "not-medical-advice");
    let emergency_line = visible(tag, "emergency-line");
    let mut screens = BTreeMap::new();
    patient.say("/start").await;
    for node in content.trees.nodes() {
        let menu = newest_with_buttons(patient);
        let goto = format!("g:{}", node.id);
        let shown = patient.press_data(menu.message_id, &goto).await;
        let screen = shown
            .last()
            .unwrap_or_else(|| panic!("{}: nothing shown", node.id))
            .clone();
        assert_clean(&screen, ids, &node.id);
        let is_menu = node.id == content.trees.root().id;
        assert_eq!(
            screen.text.ends_with(&footer),
            !is_menu,
            "{tag} {}: the footer on every content screen, not on the menu: {}",
            node.id,
            screen.text
        );
        screens.insert(node.id.clone(), screen.text.clone());
        let presses: Vec<String> = screen
            .buttons
            .iter()
            .flatten()
            .filter_map(|b| b.callback_data.clone())
            .collect();
        for data in presses {
            let reaction = patient.press_data(screen.message_id, &data).await;
            let context = format!("{} -> {data}", node.id);
            assert!(!reaction.is_empty(), "{context}: no visible reaction");
            for message in &reaction {
                assert_clean(message, ids, &context);
            }
            assert!(
                patient.last_callback_answer().is_some(),
                "{context}: spinner left running"
            );
            // Every path to a person starts with the emergency line.
            if data == "a:person" || data == "a:intake" {
                let first = reaction.first().unwrap();
                assert!(
                    first.text.starts_with(&emergency_line),
                    "{tag} {context}: no emergency line first: {}",
                    first.text
                );
            }
            // Back to the node for the next button.
            let menu = newest_with_buttons(patient);
            patient.press_data(menu.message_id, &goto).await;
        }
    }
    screens
}

#[tokio::test]
async fn every_node_and_button_in_every_locale() {
    let bot = spawn_bot().await;
    let ids = message_ids();
    // Telegram's codes as apps send them, lowercase, with regions and scripts.
    let patients = [
        ("en", "en"),
        ("es", "es-419"),
        ("fr", "fr-fr"),
        ("ru", "ru"),
        ("zh-Hans", "zh-hans"),
        ("ar", "ar"),
    ];
    let walks = patients.iter().enumerate().map(|(i, (tag, code))| {
        let patient = bot.patient(2000 + i as i64, "Sam", Some(code));
        let ids = ids.clone();
        async move {
            let screens = walk_every_node(&patient, tag, &ids).await;
            the_paths_to_a_person_are_framed(&patient, tag).await;
            (tag.to_string(), screens)
        }
    });
    let screens: BTreeMap<String, BTreeMap<String, String>> =
        futures::future::join_all(walks).await.into_iter().collect();
    let english = &screens["en"];
    assert_eq!(english.len(), content().trees.nodes().count());
    for (tag, texts) in &screens {
        if tag == "en" {
            continue;
        }
        let same: Vec<&String> = texts
            .iter()
            .filter(|(node, text)| english[*node] == **text)
            .map(|(node, _)| node)
            .collect();
        assert!(same.is_empty(), "{tag} shows English on {same:?}");
    }
    let answered = bot.emulator.calls_to("answerCallbackQuery").len();
    eprintln!("{answered} button presses answered");
    assert!(answered > 6 * 100, "every button was pressed: {answered}");
    assert!(english["faq-t790m"].contains("osimertinib"));
    assert!(english["resistance"].contains("Haematology Specialists on April 16, 2026"));
    bot.assert_spec_clean();
}

/// After the tour: the form's emergency question stores nothing and leads to
/// the consent with the "no guarantee" line; "talk to a person" asks the
/// emergency question, "Yes" opens nothing, "No" opens a case whose message
/// says there is no guarantee; asking again shows the emergency line first.
async fn the_paths_to_a_person_are_framed(patient: &UserHandle, tag: &str) {
    let no_guarantee = visible(tag, "no-guarantee");
    let emergency_line = visible(tag, "emergency-line");
    let menu = patient.say("/menu").await.last().unwrap().message_id;
    let question = patient.press_data(menu, "a:intake").await;
    let question = question.last().unwrap();
    assert!(
        question.text.starts_with(&emergency_line),
        "{tag}: {}",
        question.text
    );
    let consent = patient
        .press_data(question.message_id, "i:a:emergency:no")
        .await;
    let consent = consent.last().unwrap();
    assert!(
        consent.text.contains(&visible(tag, "intake-consent")),
        "{tag}"
    );
    assert!(
        consent.text.ends_with(&no_guarantee),
        "{tag}: {}",
        consent.text
    );

    let menu = patient.say("/menu").await.last().unwrap().message_id;
    let asked = patient.press_data(menu, "a:person").await;
    let asked = asked.last().unwrap();
    let advice = patient.press_data(asked.message_id, "p:yes").await;
    assert!(
        advice
            .iter()
            .any(|m| m.text == visible(tag, "intake-emergency-advice")),
        "{tag}: {advice:?}"
    );
    assert!(
        advice.iter().all(|m| !m.text.contains("CF-")),
        "{tag}: an emergency opens no case"
    );

    let menu = patient.say("/menu").await.last().unwrap().message_id;
    let opened = common::talk_to_a_person(patient, menu).await;
    let opening = opened.last().unwrap();
    assert!(opening.text.contains("CF-"), "{tag}: {}", opening.text);
    assert!(
        opening.text.ends_with(&no_guarantee),
        "{tag}: {}",
        opening.text
    );
    let menu = patient.say("/menu").await.last().unwrap().message_id;
    let again = patient.press_data(menu, "a:person").await;
    let again = again.last().unwrap();
    assert!(
        again.text.starts_with(&emergency_line),
        "{tag}: {}",
        again.text
    );
    assert!(again.text.contains("CF-"), "{tag}: already connected");
}

#[tokio::test]
async fn commands_are_registered_in_every_language() {
    let bot = spawn_bot().await;
    let default: Vec<String> = bot
        .emulator
        .commands(None)
        .into_iter()
        .map(|(c, _)| c)
        .collect();
    assert_eq!(
        default,
        [
            "start", "menu", "language", "help", "cancel", "privacy", "mydata", "delete"
        ]
    );
    for code in ["es", "fr", "ru", "zh", "ar"] {
        let localized = bot.emulator.commands(Some(code));
        assert_eq!(localized.len(), 8, "{code}");
        assert_ne!(
            localized,
            bot.emulator.commands(None),
            "{code} is translated"
        );
    }
    bot.assert_spec_clean();
}

async fn language_choice_survives_a_restart(mut bot: TestBot) {
    let lea = bot.patient(3001, "Léa", Some("en"));
    lea.say("/start").await;
    lea.say("/language").await;
    let changed = lea.press("Русский").await;
    assert!(
        changed
            .last()
            .unwrap()
            .text
            .starts_with("Выбран русский язык"),
        "{}",
        changed.last().unwrap().text
    );
    let chat_scope = bot
        .emulator
        .commands_in_scope(&format!("chat:{}", lea.chat_id()), None);
    assert_eq!(
        chat_scope.len(),
        8,
        "the chat's command menu follows the choice"
    );

    bot.crash_and_restart().await;
    let menu = lea.say("/menu").await;
    assert!(
        menu.last().unwrap().text.contains("Главное меню"),
        "{}",
        menu.last().unwrap().text
    );
    bot.assert_spec_clean();
}

#[tokio::test]
async fn language_choice_survives_a_restart_on_sqlite() {
    language_choice_survives_a_restart(spawn_bot().await).await;
}

#[tokio::test]
async fn language_choice_survives_a_restart_on_postgres() {
    if let Some(db) = TestDb::postgres().await {
        language_choice_survives_a_restart(spawn_bot_on(db).await).await;
    }
}

#[tokio::test]
async fn deep_links_and_unknown_locales() {
    let bot = spawn_bot().await;
    let omar = bot.patient(3101, "Omar", Some("en"));
    let replies = omar.say("/start ar").await;
    assert!(
        replies.last().unwrap().text.contains("عمر")
            || replies.last().unwrap().text.contains("Omar")
    );
    assert!(
        replies.last().unwrap().text.contains("القائمة الرئيسية"),
        "{}",
        replies.last().unwrap().text
    );

    let joao = bot.patient(3102, "João", Some("pt-br"));
    let replies = joao.say("/start").await;
    assert!(
        replies.last().unwrap().text.contains("Main menu"),
        "Portuguese falls back to English"
    );

    let anon = bot.patient(3103, "X", None);
    assert!(
        anon.say("/start")
            .await
            .last()
            .unwrap()
            .text
            .contains("Main menu")
    );
    bot.assert_spec_clean();
}

#[tokio::test]
async fn odd_input_gets_a_helpful_answer_never_silence() {
    let bot = spawn_bot().await;
    let ids = message_ids();
    let kim = bot.patient(3201, "Kim", Some("fr"));
    kim.say("/start").await;
    let cases: Vec<(&str, Vec<ChatMessage>)> = vec![
        ("free text", kim.say("bonjour, j'ai une question").await),
        ("huge text", kim.say(&"é".repeat(4096)).await),
        ("html-looking text", kim.say("<b>hi</b> & <script>").await),
        ("sticker", {
            let s = kim.send_sticker().await;
            kim.reaction(&s).await
        }),
        ("voice", {
            let s = kim.send_voice().await;
            kim.reaction(&s).await
        }),
        ("location", {
            let s = kim.send_location(48.85, 2.35).await;
            kim.reaction(&s).await
        }),
        ("unknown command", kim.say("/nonsense").await),
    ];
    for (what, replies) in &cases {
        let reply = replies.last().unwrap_or_else(|| panic!("{what}: silence"));
        assert_clean(reply, &ids, what);
        assert!(
            !reply.buttons.is_empty(),
            "{what}: the menu comes with the answer"
        );
    }
    let first = kim.transcript().into_iter().find(|m| !m.from_bot).unwrap();
    let sent = kim.edit_text(first.message_id, "/start edited").await;
    let edited = kim.reaction(&sent).await;
    assert!(
        edited.last().unwrap().text.contains("modifi"),
        "{}",
        edited.last().unwrap().text
    );
    bot.assert_spec_clean();
}

#[tokio::test]
async fn stale_and_forged_buttons_are_answered_gracefully() {
    let bot = spawn_bot().await;
    let ben = bot.patient(3301, "Ben", Some("en"));
    let start = ben.say("/start").await;
    let menu = start.last().unwrap().message_id;
    for data in ["g:node-removed-in-an-update", "zz:1", "l:tlh", "i:a:age:1"] {
        let reaction = ben.press_data(menu, data).await;
        let answer = ben.last_callback_answer().expect("the spinner is stopped");
        assert_eq!(
            answer.text.as_deref(),
            Some("This button is out of date. Here is the current menu."),
            "{data}"
        );
        assert!(
            !reaction.last().unwrap().buttons.is_empty(),
            "{data}: a fresh menu"
        );
    }
    bot.assert_spec_clean();
}

#[tokio::test]
async fn a_blocked_bot_is_remembered_and_unblocking_works() {
    let bot = spawn_bot().await;
    let eva = bot.patient(3401, "Eva", Some("en"));
    eva.say("/start").await;
    let blocked = eva.block_bot().await;
    eva.settle(&blocked).await;
    let storage = patient_navigator::storage::Storage::connect(&bot.db.url)
        .await
        .unwrap();
    assert!(storage.is_blocked(eva.chat_id()).await.unwrap());
    let unblocked = eva.unblock_bot().await;
    eva.settle(&unblocked).await;
    assert!(!storage.is_blocked(eva.chat_id()).await.unwrap());
    assert!(
        eva.say("/start")
            .await
            .last()
            .unwrap()
            .text
            .contains("Main menu")
    );
    bot.assert_spec_clean();
}
