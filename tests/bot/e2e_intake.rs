//! The intake form end to end through the emulator, in English and Arabic,
//! on SQLite and PostgreSQL: a full submission with documents, every kind of
//! invalid input, conditions, back and edit, a crash mid-form, consent refused.

use crate::common;

use std::path::Path;

use common::bot::{TestBot, spawn_bot, spawn_bot_on};
use common::db::TestDb;
use patient_navigator::content::Content;
use patient_navigator::emulator::{ChatMessage, UserHandle};
use patient_navigator::i18n::{Arg, Locale};
use patient_navigator::intake::{Answer, CaseRef};
use patient_navigator::storage::Storage;

fn content() -> &'static Content {
    static CONTENT: std::sync::OnceLock<Content> = std::sync::OnceLock::new();
    CONTENT.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        Content::load(&root.join("locales"), &root.join("dialogues")).unwrap()
    })
}

/// A patient who presses buttons by their message id, in their language.
struct Patient {
    chat: UserHandle,
    locale: Locale,
}

impl Patient {
    fn new(bot: &TestBot, id: i64, tag: &str) -> Patient {
        let locale = content().catalog.find(tag).unwrap().clone();
        Patient {
            chat: bot.patient(id, "Layla", Some(tag)),
            locale,
        }
    }

    fn text(&self, key: &str) -> String {
        content().catalog.format(&self.locale, key, &[])
    }

    async fn press(&self, key: &str) -> Vec<ChatMessage> {
        self.chat.press(&self.text(key)).await
    }

    async fn tick(&self, key: &str) -> Vec<ChatMessage> {
        self.chat.press(&format!("☐ {}", self.text(key))).await
    }

    async fn say(&self, text: &str) -> Vec<ChatMessage> {
        self.chat.say(text).await
    }

    fn last(&self) -> String {
        self.chat.last_bot_message().unwrap().text
    }

    /// The last bot message starts with the explanation `error` and asks `question` again.
    fn assert_asked_again(&self, error: &str, question: &str) {
        let last = self.last();
        let expected = content().catalog.format(&self.locale, question, &[]);
        let visible_question = patient_navigator::text::visible_text(&expected);
        assert!(
            last.contains(&visible_question),
            "question {question} not asked again: {last}"
        );
        // The explanation up to its first number (which depends on the question).
        let with_numbers = content().catalog.format(
            &self.locale,
            error,
            &[("min", Arg::Number(0)), ("max", Arg::Number(0))],
        );
        let error_head: String = patient_navigator::text::visible_text(&with_numbers)
            .chars()
            .take_while(|c| !c.is_ascii_digit())
            .take(20)
            .collect();
        assert!(last.starts_with(&error_head), "expected {error}: {last}");
    }
}

async fn open_form(patient: &Patient) {
    patient.say("/start").await;
    patient.press("menu-intake-start").await;
    patient.press("intake-emergency-no").await;
    patient.press("intake-consent-agree").await;
}

/// Everything a coordinator needs, with two documents and a shared phone.
async fn full_submission(bot: &TestBot, tag: &str) -> CaseRef {
    let patient = Patient::new(bot, patient_id(tag), tag);
    open_form(&patient).await;
    patient.press("intake-writer-family").await;
    patient.say("Layla").await;
    patient.say("61").await;
    let country = content().catalog.format(&patient.locale, "country-EG", &[]);
    patient.say(&country).await;
    patient.press("intake-cancer-lung").await;
    patient.press("intake-driver-egfr").await;
    patient.say("osimertinib").await;
    patient.press("intake-yes").await;
    patient.say("02/2026").await;
    patient.press("intake-testing-both").await;
    patient.press("intake-finding-met-amp").await;
    patient
        .say("MET amplification, per the liquid biopsy report")
        .await;
    patient.tick("intake-help-record-review").await;
    patient.tick("intake-help-eligibility").await;
    patient.press("intake-done").await;
    let photo = patient.chat.send_photo(None).await;
    patient.chat.reaction(&photo).await;
    let pdf = patient
        .chat
        .send_document("biopsy.pdf", "application/pdf")
        .await;
    let received = patient.chat.reaction(&pdf).await;
    let two = content().catalog.format(
        &patient.locale,
        "intake-documents-received",
        &[("count", patient_navigator::i18n::Arg::Number(2))],
    );
    assert_eq!(
        received.last().unwrap().text,
        patient_navigator::text::visible_text(&two)
    );
    patient.press("intake-done").await;
    patient.press("intake-contact-phone").await;
    let keyboard = patient
        .chat
        .reply_keyboard()
        .expect("the share-contact keyboard");
    assert!(keyboard.rows[0][0].request_contact, "{keyboard:?}");
    let shared = patient.chat.send_contact("201001234567", true).await;
    patient.chat.reaction(&shared).await;
    let languages = patient.chat.last_bot_message().unwrap();
    let own = languages
        .buttons
        .iter()
        .flatten()
        .find(|b| b.text.starts_with('✓'))
        .expect("pre-filled language");
    assert!(own.text.contains(&patient.text("language-name")));
    let review = patient.chat.press(&own.text).await;
    let review = &review.last().unwrap().text;
    assert!(
        review.contains("Layla") && review.contains("61") && review.contains("+201001234567"),
        "{review}"
    );
    assert!(review.contains(&country), "{review}");
    let submitted = patient.press("intake-submit").await;
    let confirmation = submitted.last().unwrap();
    let reference = reference_in(&confirmation.text)
        .unwrap_or_else(|| panic!("no reference in {}", confirmation.text));
    // The patient chose to be called: no promise of a reply in this chat.
    let visible = |id: &str| patient_navigator::text::visible_text(&patient.text(id));
    assert!(
        confirmation
            .text
            .contains(&visible("intake-submitted-phone")),
        "{}",
        confirmation.text
    );
    assert!(
        !confirmation
            .text
            .contains(&visible("intake-submitted-chat"))
    );
    assert!(confirmation.text.contains(&visible("no-guarantee")));
    assert!(
        !confirmation.buttons.is_empty(),
        "the menu follows the confirmation"
    );
    bot.assert_spec_clean();
    reference
}

/// One chat per locale.
fn patient_id(tag: &str) -> i64 {
    5000 + ["en", "es", "fr", "ru", "zh-Hans", "ar"]
        .iter()
        .position(|t| *t == tag)
        .unwrap() as i64
}

/// The `CF-000123` reference in a message, whatever punctuation follows it.
fn reference_in(text: &str) -> Option<CaseRef> {
    let at = text.find("CF-")?;
    let digits: String = text[at + 3..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    CaseRef::parse(&digits)
}

async fn submitted_case_is_stored_completely(bot: TestBot, tag: &str) {
    let reference = full_submission(&bot, tag).await;
    let storage = Storage::connect(&bot.db.url).await.unwrap();
    let case = storage
        .case(reference)
        .await
        .unwrap()
        .expect("the case exists");
    assert_eq!(case.locale, tag);
    assert_eq!(case.answers["age"], Answer::Integer(61));
    assert_eq!(case.answers["country"], Answer::Country("EG".into()));
    assert_eq!(
        case.answers["egfr_finding"],
        Answer::Choice("met_amplification".into())
    );
    let Answer::Files(files) = &case.answers["documents"] else {
        panic!("documents expected")
    };
    assert_eq!(files.len(), 2);
    assert!(
        case.summary.contains("<b>Driver / biomarker:</b> EGFR"),
        "English summary: {}",
        case.summary
    );
    assert!(
        case.summary.contains("<b>Country:</b> Egypt"),
        "{}",
        case.summary
    );
    assert!(
        storage
            .load_session(patient_id(tag))
            .await
            .unwrap()
            .unwrap()
            .intake
            .draft()
            .is_none()
    );
}

#[tokio::test]
async fn english_submission_with_documents_on_sqlite() {
    submitted_case_is_stored_completely(spawn_bot().await, "en").await;
}

#[tokio::test]
async fn arabic_submission_with_documents_on_sqlite() {
    submitted_case_is_stored_completely(spawn_bot().await, "ar").await;
}

#[tokio::test]
async fn arabic_submission_with_documents_on_postgres() {
    if let Some(db) = TestDb::postgres().await {
        submitted_case_is_stored_completely(spawn_bot_on(db).await, "ar").await;
    }
}

#[tokio::test]
async fn every_locale_reaches_a_submitted_case() {
    let bot = spawn_bot().await;
    for tag in ["es", "fr", "ru", "zh-Hans"] {
        full_submission(&bot, tag).await;
    }
}

#[tokio::test]
async fn invalid_input_is_explained_and_nothing_is_lost() {
    let bot = spawn_bot().await;
    for tag in ["en", "ar"] {
        let patient = Patient::new(&bot, 1000 + patient_id(tag), tag);
        open_form(&patient).await;
        let sticker = patient.chat.send_sticker().await;
        patient.chat.reaction(&sticker).await;
        assert!(
            patient
                .last()
                .contains(&patient.text("intake-writer-patient"))
                || !patient.chat.last_bot_message().unwrap().buttons.is_empty()
        );
        patient.press("intake-writer-patient").await;
        patient.say(&"x".repeat(5000)).await;
        patient.assert_asked_again("intake-error-too-long", "intake-first-name");
        patient.say("Sami").await;
        patient.say("fifty").await;
        patient.assert_asked_again("intake-error-not-a-number", "intake-age");
        patient.say("300").await;
        patient.assert_asked_again("intake-error-out-of-range", "intake-age");
        let sticker = patient.chat.send_sticker().await;
        patient.chat.reaction(&sticker).await;
        assert!(
            patient
                .last()
                .contains(&patient_navigator::text::visible_text(
                    &patient.text("intake-age")
                ))
        );
        patient.say("44").await;
        patient.say("Atlantis").await;
        patient.assert_asked_again("intake-error-country", "intake-country");
        patient.say("Morocco").await;
        patient.press("intake-cancer-breast").await;
        patient.press("intake-driver-her2").await;
        patient.say("trastuzumab deruxtecan").await;
        patient.press("intake-yes").await;
        patient.say("12/2030").await;
        patient.assert_asked_again("intake-error-future", "intake-progression-since");
        patient.say("2030").await;
        patient.assert_asked_again("intake-error-month-year", "intake-progression-since");
        patient.say("1/2026").await;
        patient.press("intake-testing-none").await;
        patient.press("intake-done").await;
        patient.assert_asked_again("intake-error-choose-one", "intake-help");
        patient.tick("intake-help-travel").await;
        patient.press("intake-done").await;
        patient.say("here are my files").await;
        patient.assert_asked_again("intake-error-expected-file", "intake-documents");
        let docx = patient
            .chat
            .send_document(
                "notes.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            )
            .await;
        patient.chat.reaction(&docx).await;
        patient.assert_asked_again("intake-error-file-type", "intake-documents");
        patient.press("intake-skip").await;
        patient.press("intake-contact-phone").await;
        patient.say("12345").await;
        patient.assert_asked_again("intake-error-phone", "intake-phone");
        patient.say("+212 600 000 000").await;

        let storage = Storage::connect(&bot.db.url).await.unwrap();
        let session = storage
            .load_session(patient.chat.chat_id())
            .await
            .unwrap()
            .unwrap();
        let answers = session.intake.draft().unwrap().answers.clone();
        assert_eq!(answers["age"], Answer::Integer(44));
        assert_eq!(answers["country"], Answer::Country("MA".into()));
        assert_eq!(answers["documents"], Answer::Skipped);
        assert!(
            !answers.contains_key("egfr_finding"),
            "HER2: the EGFR question is skipped"
        );
        assert!(
            !answers.contains_key("finding_text"),
            "no testing: the finding is not asked"
        );
    }
    bot.assert_spec_clean();
}

#[tokio::test]
async fn a_crash_mid_form_loses_nothing_and_the_menu_offers_to_continue() {
    let mut bot = spawn_bot().await;
    let patient = Patient::new(&bot, 7001, "en");
    open_form(&patient).await;
    patient.press("intake-writer-caregiver").await;
    patient.say("Jo").await;
    bot.crash_and_restart().await;
    patient.say("52").await;
    let start = patient.say("/start").await;
    let menu = start.last().unwrap();
    let continue_label = patient.text("menu-intake-continue");
    assert!(
        menu.buttons
            .iter()
            .flatten()
            .any(|b| b.text == continue_label),
        "{menu:?}"
    );
    let resumed = patient.chat.press(&continue_label).await;
    let question = patient_navigator::text::visible_text(&patient.text("intake-country"));
    assert!(
        resumed.last().unwrap().text.starts_with(&question),
        "{}",
        resumed.last().unwrap().text
    );
    let storage = Storage::connect(&bot.db.url).await.unwrap();
    let answers = storage
        .load_session(7001)
        .await
        .unwrap()
        .unwrap()
        .intake
        .draft()
        .cloned()
        .unwrap()
        .answers;
    assert_eq!(answers["first_name"], Answer::Text("Jo".into()));
    assert_eq!(answers["age"], Answer::Integer(52));
    bot.assert_spec_clean();
}

#[tokio::test]
async fn cancel_pauses_and_typed_text_is_not_taken_as_an_answer() {
    let bot = spawn_bot().await;
    let patient = Patient::new(&bot, 7101, "en");
    open_form(&patient).await;
    patient.press("intake-writer-patient").await;
    let paused = patient.say("/cancel").await;
    assert!(
        paused
            .last()
            .unwrap()
            .text
            .starts_with(&patient.text("intake-paused"))
    );
    patient.say("Rita").await;
    let storage = Storage::connect(&bot.db.url).await.unwrap();
    let session = storage.load_session(7101).await.unwrap().unwrap();
    let patient_navigator::intake::FormState::Paused(draft) = session.intake else {
        panic!("the form is paused: {:?}", session.intake);
    };
    assert!(!draft.answers.contains_key("first_name"));
}

#[tokio::test]
async fn consent_refused_stores_nothing() {
    let bot = spawn_bot().await;
    let patient = Patient::new(&bot, 7201, "ar");
    patient.say("/start").await;
    patient.press("menu-intake-start").await;
    // The emergency question comes first and stores nothing either.
    patient.press("intake-emergency-no").await;
    let refused = patient.press("intake-consent-decline").await;
    assert!(
        refused
            .iter()
            .any(|m| m.text.contains(&patient_navigator::text::visible_text(
                &patient.text("intake-consent-declined")
            )))
    );
    let storage = Storage::connect(&bot.db.url).await.unwrap();
    let session = storage.load_session(7201).await.unwrap().unwrap();
    assert_eq!(
        session.intake,
        patient_navigator::intake::FormState::NoDraft
    );
    assert!(storage.cases_of(7201).await.unwrap().is_empty());
    let drafts: i64 = sqlx::Row::get(
        &sqlx::query("SELECT COUNT(*) AS n FROM intake_drafts")
            .fetch_one(storage.pool())
            .await
            .unwrap(),
        "n",
    );
    assert_eq!(drafts, 0);
}

#[tokio::test]
async fn back_and_edit_from_the_review() {
    let bot = spawn_bot().await;
    let patient = Patient::new(&bot, 7301, "en");
    open_form(&patient).await;
    patient.press("intake-writer-patient").await;
    patient.say("Ali").await;
    patient.press("intake-back").await;
    assert!(
        patient.last().contains("Ali"),
        "the current answer is shown: {}",
        patient.last()
    );
    patient.say("Alia").await;
    assert!(patient.last().starts_with("How old"), "{}", patient.last());
    patient.say("39").await;
    patient.say("India").await;
    patient.press("intake-cancer-lung").await;
    patient.press("intake-driver-alk").await;
    patient.say("alectinib").await;
    patient.press("intake-no").await;
    patient.press("intake-testing-liquid").await;
    patient.press("intake-skip").await;
    patient.tick("intake-help-navigation").await;
    patient.press("intake-done").await;
    patient.press("intake-skip").await; // no documents
    patient.press("intake-contact-telegram").await;
    let review = patient
        .chat
        .press(&format!("✓ {}", patient.text("language-name")))
        .await;
    assert!(review.last().unwrap().text.contains("Alia"));
    // Edit the driver to EGFR: the EGFR question appears, then the review again.
    patient.chat.press("✏️ Driver / biomarker").await;
    patient.press("intake-driver-egfr").await;
    assert!(
        patient.last().starts_with("Did a report already name"),
        "{}",
        patient.last()
    );
    patient.press("intake-finding-t790m").await;
    let review = patient.chat.last_bot_message().unwrap().text;
    assert!(review.contains("Resistance finding: T790M"), "{review}");
    let done = patient.press("intake-submit").await;
    assert!(done.last().unwrap().text.contains("CF-"));
    // Contact here in Telegram: the reply comes in this chat.
    assert!(
        done.last()
            .unwrap()
            .text
            .contains(&patient_navigator::text::visible_text(
                &patient.text("intake-submitted-chat")
            ))
    );
    // A second tap on the old Submit button creates nothing.
    let submit_again = patient
        .chat
        .transcript()
        .into_iter()
        .rev()
        .find(|m| m.html.contains("Please check your answers"))
        .unwrap();
    patient
        .chat
        .press_data(submit_again.message_id, "i:submit")
        .await;
    let storage = Storage::connect(&bot.db.url).await.unwrap();
    assert_eq!(storage.cases_of(7301).await.unwrap().len(), 1);
    bot.assert_spec_clean();
}
