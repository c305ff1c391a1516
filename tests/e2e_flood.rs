//! Flood control: a patient sending dozens of messages in seconds gets one
//! localized note instead of dozens of answers, and the coordinators still
//! receive every message, once.

mod common;

use common::bot::{COORDINATOR_CHAT, spawn_bot_with};
use common::db::TestDb;
use patient_navigator::telegram::flood::FloodLimit;

#[tokio::test]
async fn a_flood_is_slowed_and_nothing_is_lost() {
    let bot = spawn_bot_with(TestDb::sqlite(), |settings| {
        settings.coordinator_chat_id = Some(COORDINATOR_CHAT);
        settings.flood_limit = FloodLimit::default();
    })
    .await;
    let pia = bot.patient(9901, "Pia", Some("fr"));
    let start = pia.say("/start").await;
    pia.press_data(start.last().unwrap().message_id, "a:person")
        .await;
    for i in 0..20 {
        pia.send_text(&format!("message {i}")).await;
    }
    bot.emulator.wait_idle().await;
    let relayed: Vec<String> = common::texts_of(bot.emulator.chat_transcript(COORDINATOR_CHAT))
        .into_iter()
        .filter(|text| text.starts_with("message "))
        .collect();
    let expected: Vec<String> = (0..20).map(|i| format!("message {i}")).collect();
    assert_eq!(
        relayed, expected,
        "coordinators see everything, once, in order"
    );
    let notes = pia
        .transcript()
        .iter()
        .filter(|m| m.from_bot && m.text.starts_with("Vous envoyez beaucoup de messages"))
        .count();
    assert_eq!(notes, 1, "one polite note, in French");

    // Without a case, the answers are held: a handful, one note, then quiet.
    let tom = bot.patient(9902, "Tom", Some("en"));
    for i in 0..20 {
        tom.send_text(&format!("hello {i}")).await;
    }
    bot.emulator.wait_idle().await;
    let answers = tom.transcript().iter().filter(|m| m.from_bot).count();
    assert_eq!(
        answers,
        FloodLimit::default().messages + 1,
        "the limit's answers plus one note"
    );
    bot.assert_spec_clean();
}
