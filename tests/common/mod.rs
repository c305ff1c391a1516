//! Test helpers shared by the integration tests.
#![allow(dead_code)]

pub mod bot;
pub mod changes;
pub mod db;

/// What a chat shows of the patients' texts: a message the bot merged
/// under backlog (`HH:MM text` per line) counts as its parts.
pub fn texts_of(transcript: Vec<patient_navigator::emulator::ChatMessage>) -> Vec<String> {
    fn merged_part(line: &str) -> Option<&str> {
        let (time, text) = line.split_once(' ')?;
        let bytes = time.as_bytes();
        let is_time = bytes.len() == 5
            && bytes[2] == b':'
            && [0, 1, 3, 4].iter().all(|at| bytes[*at].is_ascii_digit());
        is_time.then_some(text)
    }
    transcript
        .into_iter()
        .flat_map(|message| {
            let lines: Vec<&str> = message.text.lines().collect();
            if lines.iter().all(|line| merged_part(line).is_some()) {
                lines
                    .iter()
                    .filter_map(|line| merged_part(line))
                    .map(str::to_owned)
                    .collect()
            } else {
                vec![message.text.clone()]
            }
        })
        .collect()
}

/// The texts starting with `prefix` in `chat` (merged messages by part),
/// once `expected` of them are there or `within` has passed.
pub async fn wait_for_texts(
    emulator: &patient_navigator::emulator::Emulator,
    chat: i64,
    prefix: &str,
    expected: usize,
    within: std::time::Duration,
) -> Vec<String> {
    let deadline = std::time::Instant::now() + within;
    loop {
        let texts: Vec<String> = texts_of(emulator.chat_transcript(chat))
            .into_iter()
            .filter(|text| text.starts_with(prefix))
            .collect();
        if texts.len() >= expected || std::time::Instant::now() > deadline {
            return texts;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// Presses the button labelled `label` once the bot has shown it (a
/// message queued in the outbox may come after the emulator fell quiet on
/// a loaded machine), within ten seconds.
pub async fn press_when_shown(
    user: &patient_navigator::emulator::UserHandle,
    label: &str,
) -> Vec<patient_navigator::emulator::ChatMessage> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match user.try_press(label).await {
            Ok(reaction) => return reaction,
            Err(err) if std::time::Instant::now() > deadline => panic!("{err}"),
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
}

/// A patient opens a case at once: `/start`, then "talk to a person" and
/// "No" to the emergency question.
pub async fn ask_for_a_person(patient: &patient_navigator::emulator::UserHandle) {
    let start = patient.say("/start").await;
    let last = start.last().expect("/start is answered").message_id;
    talk_to_a_person(patient, last).await;
}

/// "Talk to a person" on message `menu`, then "No" to the emergency
/// question it asks first: what the bot showed after that answer (the case
/// opening last).
pub async fn talk_to_a_person(
    patient: &patient_navigator::emulator::UserHandle,
    menu: i64,
) -> Vec<patient_navigator::emulator::ChatMessage> {
    let asked = patient.press_data(menu, "a:person").await;
    let question = asked
        .iter()
        .rev()
        .find(|m| {
            m.buttons
                .iter()
                .flatten()
                .any(|b| b.callback_data.as_deref() == Some("p:no"))
        })
        .unwrap_or_else(|| panic!("no emergency question in {asked:?}"))
        .message_id;
    patient.press_data(question, "p:no").await
}

/// A patient's session on the main menu, in `locale`, with no form or case.
pub fn menu_session(locale: &str) -> patient_navigator::dialogue::Session {
    patient_navigator::dialogue::Session {
        locale: locale.into(),
        locale_chosen: true,
        node: "home".into(),
        intake: patient_navigator::intake::FormState::NoDraft,
        case: None,
    }
}
