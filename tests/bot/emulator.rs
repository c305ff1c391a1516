//! The Telegram Bot API emulator, driven over HTTP by a real `teloxide::Bot`
//! and by raw requests, and through its in-process user API.

use std::time::{Duration, Instant};

use patient_navigator::emulator::{
    ChatKind, ChatMessage, Emulator, EmulatorOptions, Fault, FaultKind, FloodControl, FloodLimit,
    MessageKind, UserHandle, UserSpec, spec,
};
use serde_json::{Value, json};
use teloxide::prelude::*;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, InputFile, KeyboardButton, KeyboardMarkup,
    ParseMode, UpdateKind,
};
use teloxide::{ApiError, RequestError};

// ----- helpers -------------------------------------------------------------------

fn bot(emu: &Emulator) -> Bot {
    Bot::new(emu.token()).set_api_url(emu.api_url())
}

fn method_url(emu: &Emulator, method: &str) -> String {
    format!("{}bot{}/{method}", emu.api_url(), emu.token())
}

/// A raw JSON call: (HTTP status, body).
async fn raw(emu: &Emulator, method: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(method_url(emu, method))
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON body"))
}

/// A raw call expected to fail: its description.
async fn raw_error(emu: &Emulator, method: &str, body: Value) -> String {
    let (status, reply) = raw(emu, method, body).await;
    assert_ne!(status, 200, "{method} should fail: {reply}");
    assert_eq!(reply["ok"], json!(false));
    assert_eq!(reply["error_code"], json!(status));
    reply["description"]
        .as_str()
        .expect("description")
        .to_owned()
}

/// A raw call expected to succeed: its result.
async fn raw_ok(emu: &Emulator, method: &str, body: Value) -> Value {
    let (status, reply) = raw(emu, method, body).await;
    assert_eq!(status, 200, "{method} failed: {reply}");
    assert_eq!(reply["ok"], json!(true));
    reply["result"].clone()
}

/// A user who has already written to the bot (so the bot may message them).
async fn started_user(emu: &Emulator, id: i64, name: &str) -> UserHandle {
    let user = emu.private_user(UserSpec {
        id,
        first_name: name.into(),
        language_code: Some("en".into()),
        ..Default::default()
    });
    user.send_text("hello").await;
    user
}

fn update_ids(updates: &Value) -> Vec<i64> {
    updates
        .as_array()
        .expect("array")
        .iter()
        .map(|u| u["update_id"].as_i64().expect("update_id"))
        .collect()
}

fn assert_no_violations(emu: &Emulator) {
    let violations = emu.spec_violations();
    assert!(violations.is_empty(), "spec violations: {violations:#?}");
}

// ----- routing and authentication ---------------------------------------------------

#[tokio::test]
async fn get_me_through_teloxide_and_case_insensitive_names() {
    let emu = Emulator::start().await.expect("emulator");
    let me = bot(&emu).get_me().await.expect("getMe");
    let (id, username) = emu.bot_user();
    assert_eq!(me.username(), username);
    assert_eq!(i64::try_from(me.id.0).expect("id"), id);
    assert!(me.is_bot);
    let result = raw_ok(&emu, "GETME", json!({})).await;
    assert_eq!(result["username"], json!(username));
    assert_no_violations(&emu);
}

#[tokio::test]
async fn wrong_token_is_401_and_unknown_method_404() {
    let emu = Emulator::start().await.expect("emulator");
    let url = format!("{}bot123:wrong/getMe", emu.api_url());
    let response = reqwest::get(&url).await.expect("request");
    assert_eq!(response.status().as_u16(), 401);
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 401, "description": "Unauthorized"})
    );
    let wrong = Bot::new("123:wrong").set_api_url(emu.api_url());
    let err = wrong.get_me().await.expect_err("wrong token");
    assert!(
        matches!(err, RequestError::Api(ApiError::InvalidToken)),
        "{err:?}"
    );

    let (status, body) = raw(&emu, "sendMesage", json!({})).await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 404, "description": "Not Found"})
    );
}

#[tokio::test]
async fn form_query_and_json_encodings_are_accepted() {
    let emu = Emulator::start().await.expect("emulator");
    let alice = started_user(&emu, 1001, "Alice").await;
    let client = reqwest::Client::new();
    // urlencoded form with a JSON-encoded reply_markup, as Telegram accepts.
    let markup = json!({"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}).to_string();
    let body = format!(
        "chat_id=1001&text=%3Cb%3EHi%3C%2Fb%3E&parse_mode=HTML&reply_markup={}",
        url::form_urlencoded::byte_serialize(markup.as_bytes()).collect::<String>()
    );
    let reply: Value = client
        .post(method_url(&emu, "sendMessage"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(reply["ok"], json!(true), "{reply}");
    assert_eq!(reply["result"]["text"], json!("Hi"));
    assert_eq!(reply["result"]["chat"]["id"], json!(1001));
    // Query string.
    let reply: Value = client
        .get(format!(
            "{}?chat_id=1001&text=plain",
            method_url(&emu, "sendMessage")
        ))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(reply["result"]["text"], json!("plain"));
    let last = alice.last_bot_message().expect("bot message");
    assert_eq!(last.text, "plain");
    assert_eq!(alice.transcript()[1].button_labels(), vec!["Go"]);
    assert_no_violations(&emu);
}

// ----- getUpdates ------------------------------------------------------------------

#[tokio::test]
async fn get_updates_offset_confirms_and_negative_offset_forgets() {
    let emu = Emulator::start().await.expect("emulator");
    let alice = emu.private_user(UserSpec {
        id: 1001,
        first_name: "Alice".into(),
        ..Default::default()
    });
    for text in ["one", "two", "three", "four"] {
        alice.send_text(text).await;
    }
    let all = raw_ok(&emu, "getUpdates", json!({})).await;
    let ids = update_ids(&all);
    assert_eq!(ids.len(), 4);
    assert!(ids.windows(2).all(|w| w[1] == w[0] + 1), "{ids:?}");
    // Unconfirmed updates come again.
    assert_eq!(
        update_ids(&raw_ok(&emu, "getUpdates", json!({})).await),
        ids
    );
    // limit
    assert_eq!(
        update_ids(&raw_ok(&emu, "getUpdates", json!({"limit": 1})).await),
        ids[..1]
    );
    // offset confirms everything below it.
    let after = raw_ok(&emu, "getUpdates", json!({"offset": ids[1]})).await;
    assert_eq!(update_ids(&after), ids[1..]);
    assert_eq!(
        update_ids(&raw_ok(&emu, "getUpdates", json!({})).await),
        ids[1..]
    );
    // A negative offset keeps only the last -offset updates.
    let last = raw_ok(&emu, "getUpdates", json!({"offset": -1})).await;
    assert_eq!(update_ids(&last), ids[3..]);
    assert_eq!(
        update_ids(&raw_ok(&emu, "getUpdates", json!({})).await),
        ids[3..]
    );
    // Confirm everything.
    let empty = raw_ok(&emu, "getUpdates", json!({"offset": ids[3] + 1})).await;
    assert_eq!(empty, json!([]));
    assert!(emu.pending_updates().is_empty());
    // The update is the message the user sent, as Telegram shapes it.
    assert_eq!(all[0]["message"]["text"], json!("one"));
    assert_eq!(all[0]["message"]["chat"]["type"], json!("private"));
    assert_eq!(all[0]["message"]["from"]["first_name"], json!("Alice"));
    assert_no_violations(&emu);
}

#[tokio::test]
async fn long_poll_wakes_when_an_update_arrives() {
    let emu = Emulator::start().await.expect("emulator");
    let alice = emu.private_user(UserSpec {
        id: 1001,
        first_name: "Alice".into(),
        ..Default::default()
    });
    let poller = bot(&emu);
    let started = Instant::now();
    let poll = tokio::spawn(async move { poller.get_updates().timeout(20).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    alice.send_text("/start").await;
    let updates = poll.await.expect("join").expect("getUpdates");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(updates.len(), 1);
    let UpdateKind::Message(msg) = &updates[0].kind else {
        panic!("message expected: {:?}", updates[0].kind);
    };
    assert_eq!(msg.text(), Some("/start"));
    // The leading command carries a bot_command entity, like Telegram's.
    let entities = msg.entities().expect("entities");
    assert_eq!(entities.len(), 1);
    assert_eq!((entities[0].offset, entities[0].length), (0, 6));
}

#[tokio::test]
async fn long_poll_times_out_empty_and_newer_poll_terminates_older() {
    let emu = Emulator::start().await.expect("emulator");
    let started = Instant::now();
    let empty = raw_ok(&emu, "getUpdates", json!({"timeout": 1})).await;
    assert_eq!(empty, json!([]));
    assert!(started.elapsed() >= Duration::from_millis(900));

    // Two overlapping long polls: whichever arrived first is terminated.
    let poll = |timeout: u64| {
        let client = reqwest::Client::new();
        let url = method_url(&emu, "getUpdates");
        tokio::spawn(async move {
            let r = client
                .post(url)
                .json(&json!({ "timeout": timeout }))
                .send()
                .await?;
            let status = r.status().as_u16();
            Ok::<_, reqwest::Error>((status, r.json::<Value>().await?))
        })
    };
    let first = poll(10);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let second = poll(1);
    let first = first.await.expect("join").expect("first poll");
    let second = second.await.expect("join").expect("second poll");
    let mut statuses = [first.0, second.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{first:?} {second:?}");
    let terminated = if first.0 == 409 { &first.1 } else { &second.1 };
    assert_eq!(
        terminated["description"],
        json!(
            "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
        )
    );
}

#[tokio::test]
async fn allowed_updates_filters_new_updates() {
    let emu = Emulator::start().await.expect("emulator");
    let alice = started_user(&emu, 1001, "Alice").await;
    raw_ok(
        &emu,
        "getUpdates",
        json!({"allowed_updates": ["callback_query"], "offset": -1}),
    )
    .await;
    raw_ok(&emu, "getUpdates", json!({"offset": 999_999_999})).await;
    let sent = alice.send_text("ignored").await;
    assert_eq!(sent.update_id, None);
    raw_ok(&emu, "getUpdates", json!({"allowed_updates": []})).await;
    assert!(alice.send_text("kept").await.update_id.is_some());
    // chat_member is not delivered by default.
    let dropped = emu.send_raw_update(json!({"chat_member": {}}));
    assert_eq!(dropped, None);
}

#[tokio::test]
async fn webhook_blocks_get_updates_until_deleted() {
    let emu = Emulator::start().await.expect("emulator");
    let (status, reply) = raw(
        &emu,
        "setWebhook",
        json!({"url": "https://example.org/hook", "secret_token": "s3cr3t_-"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(reply["description"], json!("Webhook was set"));
    assert_eq!(
        raw_error(&emu, "getUpdates", json!({})).await,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
    );
    let info = bot(&emu).get_webhook_info().await.expect("getWebhookInfo");
    assert_eq!(
        info.url.map(|u| u.to_string()),
        Some("https://example.org/hook".into())
    );
    assert_eq!(
        emu.webhook().and_then(|w| w.secret_token),
        Some("s3cr3t_-".to_owned())
    );
    assert_eq!(
        raw_error(
            &emu,
            "setWebhook",
            json!({"url": "http://example.org/hook"})
        )
        .await,
        "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
    );
    assert_eq!(
        raw_error(
            &emu,
            "setWebhook",
            json!({"url": "https://example.org/", "secret_token": "no spaces"})
        )
        .await,
        "Bad Request: secret token contains unallowed characters"
    );
    bot(&emu).delete_webhook().await.expect("deleteWebhook");
    assert_eq!(raw_ok(&emu, "getUpdates", json!({})).await, json!([]));
    assert_no_violations(&emu);
}

// ----- sendMessage ------------------------------------------------------------------

#[tokio::test]
async fn html_messages_are_parsed_like_telegram() {
    let emu = Emulator::start().await.expect("emulator");
    let alice = started_user(&emu, 1001, "Alice").await;
    let sent = bot(&emu)
        .send_message(
            ChatId(1001),
            "<b>Hola</b> 😀 <i>amiga</i> &lt;3 <a href=\"https://example.org/x\">link</a> <tg-spoiler>s</tg-spoiler>",
        )
        .parse_mode(ParseMode::Html)
        .await
        .expect("sendMessage");
    assert_eq!(sent.text(), Some("Hola 😀 amiga <3 link s"));
    let last = alice.last_bot_message().expect("bot message");
    assert!(last.from_bot);
    assert_eq!(last.text, "Hola 😀 amiga <3 link s");
    assert!(last.html.starts_with("<b>Hola</b>"));
    assert_eq!(last.entity_texts("bold"), vec!["Hola"]);
    assert_eq!(last.entity_texts("italic"), vec!["amiga"]);
    assert_eq!(last.entity_texts("text_link"), vec!["link"]);
    let entities = last.raw["entities"].as_array().expect("entities");
    // Offsets are UTF-16: the emoji counts 2.
    assert_eq!(
        entities[1],
        json!({"offset": 8, "length": 5, "type": "italic"})
    );
    assert_no_violations(&emu);
}

#[tokio::test]
async fn bad_html_is_rejected_with_telegram_descriptions() {
    let emu = Emulator::start().await.expect("emulator");
    let _alice = started_user(&emu, 1001, "Alice").await;
    let cases = [
        ("<p>x</p>", "Unsupported start tag \"p\" at byte offset 0"),
        ("a < b", "Unsupported start tag \"\" at byte offset 2"),
        ("x <b", "Unclosed start tag at byte offset 2"),
        (
            "<b>x",
            "Can't find end tag corresponding to start tag \"b\"",
        ),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        (
            "<b>x</i>",
            "Unmatched end tag at byte offset 4, expected \"</b>\", found \"</i>\"",
        ),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        (
            "<span>x</span>",
            "Tag \"span\" must have class \"tg-spoiler\" at byte offset 0",
        ),
        (
            "Q&A",
            "Unescaped \"&\" at byte offset 1: write it as \"&amp;\"",
        ),
    ];
    for (text, error) in cases {
        let description = raw_error(
            &emu,
            "sendMessage",
            json!({"chat_id": 1001, "text": text, "parse_mode": "HTML"}),
        )
        .await;
        assert_eq!(
            description,
            format!("Bad Request: can't parse entities: {error}"),
            "{text}"
        );
    }
    // teloxide sees these as CantParseEntities.
    let err = bot(&emu)
        .send_message(ChatId(1001), "<b>unclosed")
        .parse_mode(ParseMode::Html)
        .await
        .expect_err("bad html");
    assert!(
        matches!(err, RequestError::Api(ApiError::CantParseEntities(_))),
        "{err:?}"
    );
    assert_eq!(
        raw_error(
            &emu,
            "sendMessage",
            json!({"chat_id": 1001, "text": "x", "parse_mode": "Textile"})
        )
        .await,
        "Bad Request: unsupported parse_mode"
    );
    // Nothing was sent by the failed calls.
    assert_eq!(emu.chat_transcript(1001).len(), 1);
}

#[tokio::test]
async fn text_length_counts_utf16_after_parsing() {
    let emu = Emulator::start().await.expect("emulator");
    let _alice = started_user(&emu, 1001, "Alice").await;
    let send = |text: String| {
        let emu = &emu;
        async move {
            raw(
                emu,
                "sendMessage",
                json!({"chat_id": 1001, "text": text, "parse_mode": "HTML"}),
            )
            .await
        }
    };
    assert_eq!(
        raw_error(&emu, "sendMessage", json!({"chat_id": 1001, "text": ""})).await,
        "Bad Request: message text is empty"
    );
    assert_eq!(
        raw_error(
            &emu,
            "sendMessage",
            json!({"chat_id": 1001, "text": "<b> </b>", "parse_mode": "HTML"})
        )
        .await,
        "Bad Request: message text is empty"
    );
    // Markup does not count.
    let (status, _) = send(format!("<b>{}</b>", "a".repeat(4096))).await;
    assert_eq!(status, 200);
    let (status, body) = send("a".repeat(4097)).await;
    assert_eq!(
        (status, body["description"].clone()),
        (400, json!("Bad Request: message is too long"))
    );
    // Characters outside the BMP count twice.
    assert_eq!(send("😀".repeat(2048)).await.0, 200);
    assert_eq!(send("😀".repeat(2049)).await.0, 400);
    let err = bot(&emu)
        .send_message(ChatId(1001), "a".repeat(5000))
        .await
        .expect_err("too long");
    assert!(
        matches!(err, RequestError::Api(ApiError::MessageIsTooLong)),
        "{err:?}"
    );
}

#[tokio::test]
async fn inline_keyboard_rules() {
    let emu = Emulator::start().await.expect("emulator");
    let alice = started_user(&emu, 1001, "Alice").await;
    let send = |markup: Value| {
        let emu = &emu;
        async move {
            raw(
                emu,
                "sendMessage",
                json!({"chat_id": 1001, "text": "k", "reply_markup": markup}),
            )
            .await
        }
    };
    let too_long =
        send(json!({"inline_keyboard": [[{"text": "x", "callback_data": "a".repeat(65)}]]})).await;
    assert_eq!(
        too_long.1["description"],
        json!("Bad Request: BUTTON_DATA_INVALID")
    );
    // The limit is in bytes: 33 two-byte characters are 66 bytes.
    let multibyte =
        send(json!({"inline_keyboard": [[{"text": "x", "callback_data": "ñ".repeat(33)}]]})).await;
    assert_eq!(
        multibyte.1["description"],
        json!("Bad Request: BUTTON_DATA_INVALID")
    );
    let no_action = send(json!({"inline_keyboard": [[{"text": "x"}]]})).await;
    assert_eq!(
        no_action.1["description"],
        json!(
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    );
    let two_actions = send(
        json!({"inline_keyboard": [[{"text": "x", "callback_data": "a", "url": "https://a.org"}]]}),
    )
    .await;
    assert_eq!(two_actions.0, 400);
    let empty_text = send(json!({"inline_keyboard": [[{"text": "", "callback_data": "a"}]]})).await;
    assert_eq!(
        empty_text.1["description"],
        json!("Bad Request: BUTTON_TEXT_INVALID")
    );
    // teloxide maps BUTTON_DATA_INVALID.
    let markup = InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("x", "z".repeat(70))]]);
    let err = bot(&emu)
        .send_message(ChatId(1001), "k")
        .reply_markup(markup)
        .await
        .expect_err("data too long");
    assert!(
        matches!(err, RequestError::Api(ApiError::ButtonDataInvalid)),
        "{err:?}"
    );
    // 64 bytes is fine.
    let ok =
        send(json!({"inline_keyboard": [[{"text": "x", "callback_data": "a".repeat(64)}]]})).await;
    assert_eq!(ok.0, 200);
    assert_eq!(alice.transcript().len(), 2);
    assert_no_violations(&emu);
}

#[tokio::test]
async fn reply_keyboards_and_replies() {
    let emu = Emulator::start().await.expect("emulator");
    let alice = started_user(&emu, 1001, "Alice").await;
    let keyboard = KeyboardMarkup::new([[
        KeyboardButton::new("Yes"),
        KeyboardButton::new("Share phone").request(teloxide::types::ButtonRequest::Contact),
    ]])
    .one_time_keyboard();
    let first_user_message = alice.transcript()[0].message_id;
    let sent = bot(&emu)
        .send_message(ChatId(1001), "Can we call you?")
        .reply_markup(keyboard)
        .reply_parameters(teloxide::types::ReplyParameters::new(
            teloxide::types::MessageId(i32::try_from(first_user_message).expect("id")),
        ))
        .await
        .expect("sendMessage");
    assert_eq!(
        sent.reply_to_message().map(|m| m.id.0),
        Some(i32::try_from(first_user_message).expect("id"))
    );
    let shown = alice.reply_keyboard().expect("keyboard shown");
    assert_eq!(shown.labels(), vec!["Yes", "Share phone"]);
    assert!(shown.button("Share phone").expect("button").request_contact);
    let last = alice.last_bot_message().expect("message");
    assert_eq!(last.reply_to, Some(first_user_message));
    assert!(
        last.raw.get("reply_markup").is_none(),
        "reply keyboards are not echoed"
    );
    // Removing the keyboard.
    raw_ok(
        &emu,
        "sendMessage",
        json!({"chat_id": 1001, "text": "ok", "reply_markup": {"remove_keyboard": true}}),
    )
    .await;
    assert!(alice.reply_keyboard().is_none());
    assert_eq!(
        raw_error(
            &emu,
            "sendMessage",
            json!({"chat_id": 1001, "text": "r", "reply_parameters": {"message_id": 999}})
        )
        .await,
        "Bad Request: message to be replied not found"
    );
    assert_no_violations(&emu);
}

#[tokio::test]
async fn unknown_chats_and_users_who_never_wrote() {
    let emu = Emulator::start().await.expect("emulator");
    let err = bot(&emu)
        .send_message(ChatId(424242), "hi")
        .await
        .expect_err("unknown chat");
    assert!(
        matches!(err, RequestError::Api(ApiError::ChatNotFound)),
        "{err:?}"
    );
    emu.private_user(UserSpec {
        id: 77,
        first_name: "Silent".into(),
        ..Default::default()
    });
    assert_eq!(
        raw_error(&emu, "sendMessage", json!({"chat_id": 77, "text": "hi"})).await,
        "Forbidden: bot can't initiate conversation with a user"
    );
}

// ----- editing --------------------------------------------------------------------

#[tokio::test]
async fn edits_not_modified_and_not_found() {
    let emu = Emulator::start().await.expect("emulator");
    let alice = started_user(&emu, 1001, "Alice").await;
    let bot = bot(&emu);
    let markup = InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("Next", "n")]]);
    let msg = bot
        .send_message(ChatId(1001), "<b>Step 1</b>")
        .parse_mode(ParseMode::Html)
        .reply_markup(markup.clone())
        .await
        .expect("send");
    // Same content and markup: not modified.
    let err = bot
        .edit_message_text(ChatId(1001), msg.id, "<b>Step 1</b>")
        .parse_mode(ParseMode::Html)
        .reply_markup(markup.clone())
        .await
        .expect_err("not modified");
    assert!(
        matches!(err, RequestError::Api(ApiError::MessageNotModified)),
        "{err:?}"
    );
    // Same text but different entities is a modification.
    bot.edit_message_text(ChatId(1001), msg.id, "Step 1")
        .reply_markup(markup.clone())
        .await
        .expect("entities changed");
    // Missing message.
    let err = bot
        .edit_message_text(ChatId(1001), teloxide::types::MessageId(9999), "x")
        .await
        .expect_err("missing");
    assert!(
        matches!(err, RequestError::Api(ApiError::MessageToEditNotFound)),
        "{err:?}"
    );
    // The user's own message cannot be edited by the bot.
    let user_msg = alice.transcript()[0].message_id;
    assert_eq!(
        raw_error(
            &emu,
            "editMessageText",
            json!({"chat_id": 1001, "message_id": user_msg, "text": "x"})
        )
        .await,
        "Bad Request: message can't be edited"
    );
    // An edit without reply_markup removes the keyboard.
    bot.edit_message_text(ChatId(1001), msg.id, "Step 2")
        .await
        .expect("edit");
    let last = alice.last_bot_message().expect("message");
    assert_eq!(last.text, "Step 2");
    assert!(last.edited);
    assert!(last.buttons.is_empty());
    assert!(last.raw["edit_date"].is_i64());
    // editMessageReplyMarkup
    bot.edit_message_reply_markup(ChatId(1001), msg.id)
        .reply_markup(markup)
        .await
        .expect("markup");
    assert_eq!(
        alice.last_bot_message().expect("m").button_labels(),
        vec!["Next"]
    );
    // deleteMessage
    bot.delete_message(ChatId(1001), msg.id)
        .await
        .expect("delete");
    let err = bot
        .delete_message(ChatId(1001), msg.id)
        .await
        .expect_err("gone");
    assert!(
        matches!(err, RequestError::Api(ApiError::MessageToDeleteNotFound)),
        "{err:?}"
    );
    assert_eq!(alice.transcript().len(), 1);
    assert_no_violations(&emu);
}

// ----- callback queries --------------------------------------------------------------

#[tokio::test]
async fn callback_queries_can_be_answered_once() {
    let emu = Emulator::start().await.expect("emulator");
    let alice = started_user(&emu, 1001, "Alice").await;
    let markup = InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("Next", "g:next")]]);
    let msg = bot(&emu)
        .send_message(ChatId(1001), "Menu")
        .reply_markup(markup)
        .await
        .expect("send");
    let sent = alice
        .send_callback(i64::from(msg.id.0), "g:next")
        .expect("press");
    let updates = bot(&emu).get_updates().await.expect("getUpdates");
    let query = updates
        .iter()
        .find_map(|u| match &u.kind {
            UpdateKind::CallbackQuery(q) => Some(q.clone()),
            _ => None,
        })
        .expect("callback query");
    assert_eq!(query.data.as_deref(), Some("g:next"));
    assert_eq!(Some(query.id.0.clone()), sent.callback_id);
    assert_eq!(query.regular_message().map(|m| m.id), Some(msg.id));
    bot(&emu)
        .answer_callback_query(query.id.clone())
        .text("Done")
        .await
        .expect("first answer");
    assert_eq!(
        alice.last_callback_answer().and_then(|a| a.text),
        Some("Done".into())
    );
    let twice = raw_error(
        &emu,
        "answerCallbackQuery",
        json!({"callback_query_id": query.id.0}),
    )
    .await;
    assert_eq!(
        twice,
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    );
    let unknown = raw_error(
        &emu,
        "answerCallbackQuery",
        json!({"callback_query_id": "42"}),
    )
    .await;
    assert_eq!(unknown, twice);
    let long = raw_error(
        &emu,
        "answerCallbackQuery",
        json!({"callback_query_id": "42", "text": "x".repeat(201)}),
    )
    .await;
    assert_eq!(long, "Bad Request: MESSAGE_TOO_LONG");
    assert_no_violations(&emu);
}

// ----- blocking ----------------------------------------------------------------------

#[tokio::test]
async fn blocked_user_gives_403_and_my_chat_member_updates() {
    let emu = Emulator::start().await.expect("emulator");
    let alice = started_user(&emu, 1001, "Alice").await;
    raw_ok(&emu, "getUpdates", json!({"offset": -1})).await;
    raw_ok(&emu, "getUpdates", json!({"offset": 999_999_999})).await;
    alice.block_bot().await;
    let updates = bot(&emu).get_updates().await.expect("getUpdates");
    let UpdateKind::MyChatMember(change) = &updates.last().expect("update").kind else {
        panic!("my_chat_member expected: {updates:?}");
    };
    assert!(change.old_chat_member.is_present());
    assert!(change.new_chat_member.is_banned());
    let err = bot(&emu)
        .send_message(ChatId(1001), "still there?")
        .await
        .expect_err("blocked");
    assert!(
        matches!(err, RequestError::Api(ApiError::BotBlocked)),
        "{err:?}"
    );
    assert_eq!(
        raw_error(&emu, "sendMessage", json!({"chat_id": 1001, "text": "x"})).await,
        "Forbidden: bot was blocked by the user"
    );
    alice.unblock_bot().await;
    let raw_updates = raw_ok(&emu, "getUpdates", json!({})).await;
    let last = raw_updates
        .as_array()
        .and_then(|a| a.last())
        .expect("update")
        .clone();
    assert_eq!(
        last["my_chat_member"]["old_chat_member"]["status"],
        json!("kicked")
    );
    assert_eq!(
        last["my_chat_member"]["new_chat_member"]["status"],
        json!("member")
    );
    bot(&emu)
        .send_message(ChatId(1001), "welcome back")
        .await
        .expect("unblocked");
    assert_no_violations(&emu);
}

// ----- faults ------------------------------------------------------------------------

#[tokio::test]
async fn injected_429_is_retry_after_and_has_no_side_effect() {
    let emu = Emulator::start().await.expect("emulator");
    let alice = started_user(&emu, 1001, "Alice").await;
    emu.inject(Fault {
        method: "sendMessage",
        times: 2,
        kind: FaultKind::TooManyRequests { retry_after: 3 },
    });
    let bot = bot(&emu);
    for _ in 0..2 {
        let err = bot.send_message(ChatId(1001), "hi").await.expect_err("429");
        let RequestError::RetryAfter(after) = err else {
            panic!("RetryAfter expected: {err:?}");
        };
        assert_eq!(after.seconds(), 3);
    }
    bot.send_message(ChatId(1001), "hi")
        .await
        .expect("third call");
    assert_eq!(alice.transcript().len(), 2, "{}", alice.transcript_text());
    let calls = emu.calls_to("sendMessage");
    assert_eq!(
        calls.iter().map(|c| c.status).collect::<Vec<_>>(),
        vec![429, 429, 200]
    );
    assert_eq!(
        calls[0].response,
        json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 3", "parameters": {"retry_after": 3}})
    );
    assert_eq!(calls[2].params["text"], json!("hi"));
}

#[tokio::test]
async fn server_errors_dropped_connections_and_delays() {
    let emu = Emulator::start().await.expect("emulator");
    let alice = started_user(&emu, 1001, "Alice").await;
    emu.inject(Fault::once("sendmessage", FaultKind::InternalServerError));
    emu.inject(Fault::once("sendMessage", FaultKind::BadGateway));
    emu.inject(Fault::once("sendMessage", FaultKind::DropConnection));
    emu.inject(Fault::once(
        "sendMessage",
        FaultKind::Delay(Duration::from_millis(300)),
    ));
    let body = json!({"chat_id": 1001, "text": "x"});
    assert_eq!(
        raw_error(&emu, "sendMessage", body.clone()).await,
        "Internal Server Error"
    );
    assert_eq!(
        raw_error(&emu, "sendMessage", body.clone()).await,
        "Bad Gateway"
    );
    let dropped = async {
        reqwest::Client::new()
            .post(method_url(&emu, "sendMessage"))
            .json(&body)
            .send()
            .await?
            .text()
            .await
    }
    .await;
    assert!(dropped.is_err(), "connection should drop: {dropped:?}");
    assert_eq!(alice.transcript().len(), 1, "faults have no side effect");
    let started = Instant::now();
    raw_ok(&emu, "sendMessage", body).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(alice.transcript().len(), 2);
}

// ----- commands ------------------------------------------------------------------------

#[tokio::test]
async fn commands_per_scope_and_language() {
    let emu = Emulator::start().await.expect("emulator");
    let bot = bot(&emu);
    let commands = vec![
        teloxide::types::BotCommand::new("start", "Empezar"),
        teloxide::types::BotCommand::new("help", "Ayuda"),
    ];
    bot.set_my_commands(commands)
        .language_code("es")
        .await
        .expect("setMyCommands");
    bot.set_my_commands(vec![teloxide::types::BotCommand::new("start", "Start")])
        .await
        .expect("default");
    assert_eq!(
        emu.commands(Some("es")),
        vec![
            ("start".into(), "Empezar".into()),
            ("help".into(), "Ayuda".into())
        ]
    );
    assert_eq!(
        emu.commands(None),
        vec![("start".to_owned(), "Start".to_owned())]
    );
    let fetched = bot
        .get_my_commands()
        .language_code("es")
        .await
        .expect("get");
    assert_eq!(fetched.len(), 2);
    raw_ok(
        &emu,
        "setMyCommands",
        json!({"commands": [{"command": "queue", "description": "Queue"}], "scope": {"type": "all_private_chats"}}),
    )
    .await;
    assert_eq!(emu.commands_in_scope("all_private_chats", None).len(), 1);
    assert!(
        raw_error(
            &emu,
            "setMyCommands",
            json!({"commands": [{"command": "Start", "description": "x"}]})
        )
        .await
        .starts_with("Bad Request: invalid command name")
    );
    assert_eq!(
        raw_error(
            &emu,
            "setMyCommands",
            json!({"commands": [{"command": "a".repeat(33), "description": "x"}]})
        )
        .await,
        "Bad Request: command is too long"
    );
    assert_eq!(
        raw_error(
            &emu,
            "setMyCommands",
            json!({"commands": [{"command": "a", "description": ""}]})
        )
        .await,
        "Bad Request: command description must be non-empty"
    );
    let many: Vec<Value> = (0..101)
        .map(|i| json!({"command": format!("c{i}"), "description": "d"}))
        .collect();
    assert_eq!(
        raw_error(&emu, "setMyCommands", json!({"commands": many})).await,
        "Bad Request: too many bot commands specified"
    );
    bot.delete_my_commands()
        .language_code("es")
        .await
        .expect("delete");
    assert!(emu.commands(Some("es")).is_empty());
    assert_no_violations(&emu);
}

// ----- spec ----------------------------------------------------------------------------

#[tokio::test]
async fn served_methods_exist_in_the_spec() {
    let path = spec::spec_path();
    let Ok(spec) = spec::Spec::load(&path) else {
        eprintln!(
            "Bot API spec not found at {}: method table not checked",
            path.display()
        );
        return;
    };
    for method in Emulator::served_methods() {
        let found = spec.methods.get(method);
        assert!(
            found.is_some(),
            "{method} is not a Bot API method (spec {})",
            spec.version
        );
    }
}

#[tokio::test]
async fn spec_violations_are_recorded_and_missing_parameters_rejected() {
    let emu = Emulator::start().await.expect("emulator");
    if !emu.has_spec() {
        eprintln!("Bot API spec not found: validation not checked");
        return;
    }
    let _alice = started_user(&emu, 1001, "Alice").await;
    raw_ok(
        &emu,
        "sendMessage",
        json!({"chat_id": 1001, "text": "x", "colour": "red"}),
    )
    .await;
    raw_ok(
        &emu,
        "sendMessage",
        json!({"chat_id": 1001, "text": "y", "disable_notification": "yes"}),
    )
    .await;
    let violations = emu.spec_violations();
    assert_eq!(violations.len(), 2, "{violations:#?}");
    assert!(violations[0].contains("\"colour\" is not in the spec"));
    assert!(violations[1].contains("disable_notification"));
    assert_eq!(
        raw_error(&emu, "sendMessage", json!({"text": "x"})).await,
        "Bad Request: chat_id is empty"
    );
    assert_eq!(
        raw_error(&emu, "sendMessage", json!({"chat_id": 1001})).await,
        "Bad Request: message text is empty"
    );
}

// ----- media, files and forums -----------------------------------------------------------

#[tokio::test]
async fn uploads_are_stored_and_downloadable() {
    let emu = Emulator::start().await.expect("emulator");
    let alice = started_user(&emu, 1001, "Alice").await;
    let bot = bot(&emu);
    let pdf = b"%PDF-1.4 emulator".to_vec();
    let msg = bot
        .send_document(
            ChatId(1001),
            InputFile::memory(pdf.clone()).file_name("summary.pdf"),
        )
        .caption("<b>Your</b> summary")
        .parse_mode(ParseMode::Html)
        .await
        .expect("sendDocument");
    let doc = msg.document().expect("document");
    assert_eq!(doc.file_name.as_deref(), Some("summary.pdf"));
    assert_eq!(msg.caption(), Some("Your summary"));
    let file = bot.get_file(doc.file.id.clone()).await.expect("getFile");
    let url = format!("{}file/bot{}/{}", emu.api_url(), emu.token(), file.path);
    let bytes = reqwest::get(url)
        .await
        .expect("download")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(bytes.to_vec(), pdf);
    // The same file_id can be sent again.
    bot.send_photo(ChatId(1001), InputFile::memory(b"jpeg".to_vec()))
        .await
        .expect("sendPhoto");
    bot.send_document(ChatId(1001), InputFile::file_id(doc.file.id.clone()))
        .await
        .expect("resend");
    let kinds: Vec<MessageKind> = alice.transcript().into_iter().map(|m| m.kind).collect();
    assert!(matches!(kinds[1], MessageKind::Document { .. }));
    assert_eq!(kinds[2], MessageKind::Photo);
    // Albums.
    let album = bot
        .send_media_group(
            ChatId(1001),
            [
                teloxide::types::InputMedia::Photo(teloxide::types::InputMediaPhoto::new(
                    InputFile::memory(b"a".to_vec()),
                )),
                teloxide::types::InputMedia::Photo(teloxide::types::InputMediaPhoto::new(
                    InputFile::memory(b"b".to_vec()),
                )),
            ],
        )
        .await
        .expect("sendMediaGroup");
    assert_eq!(album.len(), 2);
    assert_eq!(album[0].media_group_id(), album[1].media_group_id());
    // copyMessage
    let copy = bot
        .copy_message(ChatId(1001), ChatId(1001), msg.id)
        .await
        .expect("copy");
    assert!(copy.0 > album[1].id.0);
    assert_no_violations(&emu);
}

#[tokio::test]
async fn user_messages_of_every_kind_parse_in_teloxide() {
    let emu = Emulator::start().await.expect("emulator");
    let alice = emu.private_user(UserSpec {
        id: 1001,
        first_name: "Alice".into(),
        last_name: Some("Doe".into()),
        username: Some("alice".into()),
        language_code: Some("es".into()),
        ..Default::default()
    });
    let text = alice.send_text("hi /help").await;
    alice.send_sticker().await;
    alice.send_photo(Some("scan")).await;
    alice.send_document("report.pdf", "application/pdf").await;
    alice.send_voice().await;
    alice.send_location(40.4, -3.7).await;
    alice.send_contact("34600000000", true).await;
    alice.edit_text(text.message_id, "hi again").await;
    alice
        .send_raw_message(json!({"dice": {"emoji": "🎲", "value": 3}}))
        .await;
    let updates = bot(&emu).get_updates().await.expect("getUpdates");
    assert_eq!(updates.len(), 9);
    for update in &updates {
        assert!(!matches!(update.kind, UpdateKind::Error(_)), "{update:?}");
    }
    let UpdateKind::Message(first) = &updates[0].kind else {
        panic!("message")
    };
    assert_eq!(
        first.from.as_ref().and_then(|u| u.language_code.as_deref()),
        Some("es")
    );
    let UpdateKind::Message(doc) = &updates[3].kind else {
        panic!("message")
    };
    let file = bot(&emu)
        .get_file(doc.document().expect("document").file.id.clone())
        .await
        .expect("the bot can fetch user files");
    assert!(file.path.ends_with(".pdf"));
    let UpdateKind::Message(contact) = &updates[6].kind else {
        panic!("message")
    };
    assert_eq!(
        contact.contact().and_then(|c| c.user_id).map(|u| u.0),
        Some(1001)
    );
    assert!(matches!(updates[7].kind, UpdateKind::EditedMessage(_)));
    let transcript = alice.transcript();
    assert_eq!(transcript[0].text, "hi again");
    assert!(transcript[0].edited);
    assert_no_violations(&emu);
}

#[tokio::test]
async fn forum_topics_in_supergroups() {
    let emu = Emulator::start().await.expect("emulator");
    emu.add_group_chat(
        -100_123,
        ChatKind::Supergroup {
            title: "Coordinators".into(),
            username: Some("coordinators".into()),
            is_forum: true,
        },
    );
    let bot = bot(&emu);
    let topic = bot
        .create_forum_topic(ChatId(-100_123), "Case 17")
        .await
        .expect("createForumTopic");
    let msg = bot
        .send_message(ChatId(-100_123), "New case")
        .message_thread_id(topic.thread_id)
        .await
        .expect("send in topic");
    assert_eq!(msg.thread_id, Some(topic.thread_id));
    assert!(msg.is_topic_message);
    bot.close_forum_topic(ChatId(-100_123), topic.thread_id)
        .await
        .expect("close");
    assert_eq!(
        raw_error(
            &emu,
            "sendMessage",
            json!({"chat_id": "@coordinators", "text": "x", "message_thread_id": topic.thread_id.0 .0})
        )
        .await,
        "Bad Request: TOPIC_CLOSED"
    );
    bot.reopen_forum_topic(ChatId(-100_123), topic.thread_id)
        .await
        .expect("reopen");
    bot.edit_forum_topic(ChatId(-100_123), topic.thread_id)
        .name("Case 17 (urgent)")
        .await
        .expect("edit");
    bot.delete_forum_topic(ChatId(-100_123), topic.thread_id)
        .await
        .expect("delete");
    assert!(emu.chat_transcript(-100_123).is_empty());
    assert_no_violations(&emu);
}

// ----- copyMessages and forwardMessages ---------------------------------------------------

/// The message of a chat with this id.
fn message_in(emu: &Emulator, chat_id: i64, id: teloxide::types::MessageId) -> ChatMessage {
    emu.chat_transcript(chat_id)
        .into_iter()
        .find(|m| m.message_id == i64::from(id.0))
        .unwrap_or_else(|| panic!("message {} not in chat {chat_id}", id.0))
}

/// A photo of a user's album (a raw message carrying `media_group_id`).
async fn album_photo(user: &UserHandle, group: &str, caption: &str) -> teloxide::types::MessageId {
    let sent = user
        .send_raw_message(json!({
            "media_group_id": group,
            "caption": caption,
            "photo": [{"file_id": format!("AgACAgIAAxkPhoto{caption}"), "file_unique_id": format!("AQAD{caption}"), "width": 1280, "height": 960}],
        }))
        .await;
    teloxide::types::MessageId(i32::try_from(sent.message_id).expect("id"))
}

fn msg_id(sent: &patient_navigator::emulator::Sent) -> teloxide::types::MessageId {
    teloxide::types::MessageId(i32::try_from(sent.message_id).expect("id"))
}

#[tokio::test]
async fn copy_messages_copies_in_order_into_a_topic_and_skips_what_it_cannot() {
    let emu = Emulator::start().await.expect("emulator");
    emu.add_forum(-100_500, "Coordinators");
    let bot = bot(&emu);
    let forum = ChatId(-100_500);
    let topic = bot
        .create_forum_topic(forum, "Case 1")
        .await
        .expect("topic");
    let thread = i64::from(topic.thread_id.0.0);
    let alice = started_user(&emu, 1001, "Alice").await;
    let text = msg_id(&alice.send_text("my first question").await);
    let photo = msg_id(&alice.send_photo(Some("scan of the report")).await);
    let missing = msg_id(&alice.send_text("oops").await);
    bot.delete_message(ChatId(1001), missing)
        .await
        .expect("deleted");
    let doc = msg_id(&alice.send_document("report.pdf", "application/pdf").await);
    let copies = bot
        .copy_messages(forum, ChatId(1001), [text, photo, missing, doc])
        .message_thread_id(topic.thread_id)
        .await
        .expect("copyMessages");
    assert_eq!(copies.len(), 3, "the missing id is skipped: {copies:?}");
    assert!(copies.windows(2).all(|p| p[0].0 < p[1].0), "{copies:?}");
    let copied: Vec<ChatMessage> = copies
        .iter()
        .map(|id| message_in(&emu, -100_500, *id))
        .collect();
    assert_eq!(copied[0].text, "my first question");
    assert_eq!(copied[0].kind, MessageKind::Text);
    assert_eq!(copied[1].text, "scan of the report");
    assert_eq!(copied[1].kind, MessageKind::Photo);
    assert_eq!(
        copied[2].kind,
        MessageKind::Document {
            file_name: Some("report.pdf".into()),
            mime_type: Some("application/pdf".into()),
        }
    );
    let originals = alice.transcript();
    assert_eq!(copied[1].file_id, originals[2].file_id);
    for copy in &copied {
        assert!(copy.from_bot);
        assert_eq!(copy.thread_id, Some(thread));
        assert!(copy.raw.get("forward_origin").is_none(), "{}", copy.raw);
        assert!(copy.raw.get("media_group_id").is_none(), "{}", copy.raw);
    }
    // The copies are the newest messages of the forum, in this order.
    let tail: Vec<i64> = emu
        .chat_transcript(-100_500)
        .iter()
        .rev()
        .take(3)
        .rev()
        .map(|m| m.message_id)
        .collect();
    let returned: Vec<i64> = copies.iter().map(|id| i64::from(id.0)).collect();
    assert_eq!(tail, returned);
    // remove_caption and protect_content.
    let bare = bot
        .copy_messages(ChatId(1001), ChatId(1001), [photo])
        .remove_caption(true)
        .protect_content(true)
        .await
        .expect("without caption");
    let bare = message_in(&emu, 1001, bare[0]);
    assert_eq!(bare.kind, MessageKind::Photo);
    assert_eq!(bare.text, "");
    assert_eq!(bare.raw["has_protected_content"], json!(true));
    // Service messages (the topic's creation) are not copied.
    let service = emu
        .chat_transcript(-100_500)
        .into_iter()
        .find(|m| matches!(m.kind, MessageKind::Service(_)))
        .expect("forum_topic_created")
        .message_id;
    let before = alice.transcript().len();
    assert_eq!(
        raw_error(
            &emu,
            "copyMessages",
            json!({"chat_id": 1001, "from_chat_id": -100_500, "message_ids": [service]})
        )
        .await,
        "Bad Request: there are no messages to forward"
    );
    assert_eq!(
        raw_error(
            &emu,
            "copyMessage",
            json!({"chat_id": 1001, "from_chat_id": -100_500, "message_id": service})
        )
        .await,
        "Bad Request: message can't be copied"
    );
    let one = raw_ok(
        &emu,
        "copyMessages",
        json!({"chat_id": 1001, "from_chat_id": -100_500, "message_ids": [service, returned[0]]}),
    )
    .await;
    assert_eq!(one.as_array().map(Vec::len), Some(1), "{one}");
    assert_eq!(alice.transcript().len(), before + 1);
    assert_eq!(
        alice.last_bot_message().expect("copy").text,
        "my first question"
    );
    // Errors: nothing to copy, disorder, empty, too many, bad topics.
    let before = emu.chat_transcript(-100_500).len();
    let errors = [
        (
            json!([9_998, 9_999]),
            "Bad Request: there are no messages to forward",
        ),
        (
            json!([photo.0, text.0]),
            "Bad Request: message identifiers must be in a strictly increasing order",
        ),
        (
            json!([text.0, text.0]),
            "Bad Request: message identifiers must be in a strictly increasing order",
        ),
        (
            json!([]),
            "Bad Request: message identifiers are not specified",
        ),
        (
            json!((1..=101).collect::<Vec<i64>>()),
            "Bad Request: too many message identifiers specified",
        ),
    ];
    for (ids, expected) in errors {
        for method in ["copyMessages", "forwardMessages"] {
            assert_eq!(
                raw_error(
                    &emu,
                    method,
                    json!({"chat_id": -100_500, "from_chat_id": 1001, "message_ids": ids, "message_thread_id": thread})
                )
                .await,
                expected,
                "{method} {ids}"
            );
        }
    }
    let err = bot
        .copy_messages(forum, ChatId(1001), [photo, text])
        .await
        .expect_err("unordered");
    assert!(err.to_string().contains("strictly increasing"), "{err:?}");
    bot.close_forum_topic(forum, topic.thread_id)
        .await
        .expect("close");
    for method in ["copyMessages", "forwardMessages"] {
        assert_eq!(
            raw_error(
                &emu,
                method,
                json!({"chat_id": -100_500, "from_chat_id": 1001, "message_ids": [text.0], "message_thread_id": thread})
            )
            .await,
            "Bad Request: TOPIC_CLOSED"
        );
        assert_eq!(
            raw_error(
                &emu,
                method,
                json!({"chat_id": -100_500, "from_chat_id": 1001, "message_ids": [text.0], "message_thread_id": 4_242})
            )
            .await,
            "Bad Request: message thread not found"
        );
    }
    assert_eq!(
        emu.chat_transcript(-100_500).len(),
        before + 1,
        "only the closing service message was added"
    );
    assert_no_violations(&emu);
}

#[tokio::test]
async fn forward_messages_carry_their_origin_and_respect_protection() {
    let emu = Emulator::start().await.expect("emulator");
    emu.add_forum(-100_600, "Coordinators");
    let bot = bot(&emu);
    let forum = ChatId(-100_600);
    let topic = bot
        .create_forum_topic(forum, "Case 2")
        .await
        .expect("topic");
    let alice = started_user(&emu, 1001, "Alice").await;
    let text = msg_id(&alice.send_text("where is my appointment?").await);
    let voice = msg_id(&alice.send_voice().await);
    let forwards = bot
        .forward_messages(
            forum,
            ChatId(1001),
            [text, voice, teloxide::types::MessageId(8_000)],
        )
        .message_thread_id(topic.thread_id)
        .protect_content(true)
        .await
        .expect("forwardMessages");
    assert_eq!(forwards.len(), 2);
    let first = message_in(&emu, -100_600, forwards[0]);
    let second = message_in(&emu, -100_600, forwards[1]);
    assert_eq!(first.text, "where is my appointment?");
    assert_eq!(second.kind, MessageKind::Voice);
    for fwd in [&first, &second] {
        assert_eq!(fwd.thread_id, Some(i64::from(topic.thread_id.0.0)));
        assert_eq!(fwd.raw["forward_origin"]["type"], json!("user"));
        assert_eq!(fwd.raw["forward_origin"]["sender_user"]["id"], json!(1001));
        assert_eq!(fwd.raw["has_protected_content"], json!(true));
    }
    // Protected messages are not forwarded, but a bot may copy them.
    assert_eq!(
        raw_error(
            &emu,
            "forwardMessages",
            json!({"chat_id": 1001, "from_chat_id": -100_600, "message_ids": [forwards[0].0, forwards[1].0]})
        )
        .await,
        "Bad Request: there are no messages to forward"
    );
    assert_eq!(
        raw_error(
            &emu,
            "forwardMessage",
            json!({"chat_id": 1001, "from_chat_id": -100_600, "message_id": forwards[0].0})
        )
        .await,
        "Bad Request: message can't be forwarded"
    );
    let copies = bot
        .copy_messages(ChatId(1001), forum, forwards.clone())
        .await
        .expect("bots copy protected content");
    assert_eq!(copies.len(), 2);
    // A forward of a forward keeps the first origin.
    let again = bot
        .forward_messages(ChatId(1001), forum, [forwards[0]])
        .await;
    assert!(again.is_err(), "protected");
    let plain = bot
        .forward_messages(forum, ChatId(1001), [text])
        .await
        .expect("unprotected");
    let twice = bot
        .forward_messages(ChatId(1001), forum, plain.clone())
        .await
        .expect("forward of a forward");
    let twice = message_in(&emu, 1001, twice[0]);
    assert_eq!(
        twice.raw["forward_origin"]["sender_user"]["id"],
        json!(1001)
    );
    assert_no_violations(&emu);
}

#[tokio::test]
async fn a_users_album_copied_or_forwarded_stays_one_album() {
    let emu = Emulator::start().await.expect("emulator");
    emu.add_forum(-100_700, "Coordinators");
    let bot = bot(&emu);
    let forum = ChatId(-100_700);
    let alice = started_user(&emu, 1001, "Alice").await;
    let p1 = album_photo(&alice, "13900000000000001", "page1").await;
    let p2 = album_photo(&alice, "13900000000000001", "page2").await;
    let p3 = album_photo(&alice, "13900000000000001", "page3").await;
    let note = msg_id(&alice.send_text("that's all").await);
    let q1 = album_photo(&alice, "13900000000000002", "other1").await;
    let q2 = album_photo(&alice, "13900000000000002", "other2").await;
    for forward in [false, true] {
        let ids = [p1, p2, p3, note, q1, q2];
        let sent = if forward {
            bot.forward_messages(forum, ChatId(1001), ids).await
        } else {
            bot.copy_messages(forum, ChatId(1001), ids).await
        }
        .expect("album");
        assert_eq!(sent.len(), 6);
        let msgs: Vec<ChatMessage> = sent
            .iter()
            .map(|id| message_in(&emu, -100_700, *id))
            .collect();
        let group = |m: &ChatMessage| m.raw["media_group_id"].as_str().map(str::to_owned);
        let texts: Vec<&str> = msgs.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(
            texts,
            ["page1", "page2", "page3", "that's all", "other1", "other2"]
        );
        let first = group(&msgs[0]).expect("first album grouped");
        assert_ne!(first, "13900000000000001", "a new media group");
        assert_eq!(group(&msgs[1]).as_deref(), Some(first.as_str()));
        assert_eq!(group(&msgs[2]).as_deref(), Some(first.as_str()));
        assert_eq!(group(&msgs[3]), None);
        let second = group(&msgs[4]).expect("second album grouped");
        assert_ne!(second, first);
        assert_eq!(group(&msgs[5]).as_deref(), Some(second.as_str()));
    }
    // One photo of an album alone is no album.
    let lone = bot
        .copy_messages(forum, ChatId(1001), [p2, note])
        .await
        .expect("lone photo");
    let lone = message_in(&emu, -100_700, lone[0]);
    assert_eq!(lone.text, "page2");
    assert!(lone.raw.get("media_group_id").is_none(), "{}", lone.raw);
    assert_no_violations(&emu);
}

// ----- a real teloxide bot, driven as a user would ------------------------------------------

/// A tiny bot: /start shows a menu; "Next" edits it; anything else is echoed.
fn spawn_demo_bot(emu: &Emulator) -> tokio::task::JoinHandle<()> {
    let bot = bot(emu);
    let handler = dptree::entry()
        .branch(
            Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
                let text = msg.text().unwrap_or_default().to_owned();
                if text == "/start" {
                    bot.send_chat_action(msg.chat.id, teloxide::types::ChatAction::Typing)
                        .await?;
                    let markup = InlineKeyboardMarkup::new([[
                        InlineKeyboardButton::callback("Next", "g:next"),
                        InlineKeyboardButton::callback("Alert", "g:alert"),
                    ]]);
                    bot.send_message(msg.chat.id, "<b>Welcome</b>, choose:")
                        .parse_mode(ParseMode::Html)
                        .reply_markup(markup)
                        .await?;
                } else if !text.is_empty() {
                    bot.send_message(msg.chat.id, format!("You said: {text}"))
                        .await?;
                    bot.send_message(msg.chat.id, "Anything else?").await?;
                }
                Ok::<(), RequestError>(())
            }),
        )
        .branch(Update::filter_callback_query().endpoint(
            |bot: Bot, q: CallbackQuery| async move {
                let data = q.data.clone().unwrap_or_default();
                if data == "g:alert" {
                    bot.answer_callback_query(q.id.clone())
                        .text("Careful!")
                        .show_alert(true)
                        .await?;
                    return Ok(());
                }
                bot.answer_callback_query(q.id.clone()).await?;
                if let Some(msg) = q.regular_message() {
                    if data == "g:next" {
                        bot.edit_message_text(msg.chat.id, msg.id, "Step 2").await?;
                    } else {
                        bot.send_message(msg.chat.id, "That button is no longer valid.")
                            .await?;
                    }
                }
                Ok::<(), RequestError>(())
            },
        ));
    let mut dispatcher = Dispatcher::builder(bot, handler).build();
    tokio::spawn(async move { dispatcher.dispatch().await })
}

fn texts(messages: &[ChatMessage]) -> Vec<&str> {
    messages.iter().map(|m| m.text.as_str()).collect()
}

#[tokio::test]
async fn a_user_talks_to_a_real_teloxide_bot() {
    // A generous quiet period: the bot's two-message replies must not be
    // split on a busy machine.
    let options = patient_navigator::emulator::EmulatorOptions {
        quiet_period: Duration::from_millis(250),
        ..Default::default()
    };
    let emu = Emulator::start_with(options).await.expect("emulator");
    let dispatcher = spawn_demo_bot(&emu);
    let alice = emu.private_user(UserSpec {
        id: 1001,
        first_name: "Alice".into(),
        language_code: Some("es".into()),
        ..Default::default()
    });

    let replies = alice.say("/start").await;
    assert_eq!(texts(&replies), vec!["Welcome, choose:"]);
    assert_eq!(replies[0].button_labels(), vec!["Next", "Alert"]);
    assert_eq!(alice.last_chat_action().as_deref(), Some("typing"));

    let replies = alice.say("my name is Alice").await;
    assert_eq!(
        texts(&replies),
        vec!["You said: my name is Alice", "Anything else?"]
    );

    let replies = alice.press("Next").await;
    assert_eq!(texts(&replies), vec!["Step 2"]);
    assert!(replies[0].edited);
    assert!(replies[0].buttons.is_empty());

    let menu = alice.say("/start").await;
    let replies = alice.press("Alert").await;
    assert!(replies.is_empty());
    let answer = alice.last_callback_answer().expect("answer");
    assert_eq!(answer.text.as_deref(), Some("Careful!"));
    assert!(answer.show_alert);

    let replies = alice.press_data(menu[0].message_id, "g:stale").await;
    assert_eq!(texts(&replies), vec!["That button is no longer valid."]);

    let err = alice.try_press("Nope").await.expect_err("no such button");
    assert!(
        err.to_string()
            .contains("no bot message has a button labelled \"Nope\"")
    );

    // A reply keyboard: tapping a button sends its text; one-time
    // keyboards hide afterwards.
    raw_ok(
        &emu,
        "sendMessage",
        json!({"chat_id": 1001, "text": "Ready?", "reply_markup": {"keyboard": [[{"text": "Yes"}, {"text": "No"}]], "one_time_keyboard": true}}),
    )
    .await;
    let replies = alice.tap("Yes").await;
    assert_eq!(texts(&replies), vec!["You said: Yes", "Anything else?"]);
    assert!(alice.reply_keyboard().is_none());

    let sticker = alice.send_sticker().await;
    assert!(
        alice.settle(&sticker).await.is_empty(),
        "stickers are ignored"
    );

    let all = alice.transcript();
    assert_eq!(all.iter().filter(|m| !m.from_bot).count(), 5);
    assert_no_violations(&emu);
    dispatcher.abort();
}

#[tokio::test]
async fn a_silent_bot_times_out_with_the_transcript() {
    let options = patient_navigator::emulator::EmulatorOptions {
        reaction_timeout: Duration::from_millis(300),
        ..Default::default()
    };
    let emu = Emulator::start_with(options).await.expect("emulator");
    let alice = emu.private_user(UserSpec {
        id: 1001,
        first_name: "Alice".into(),
        ..Default::default()
    });
    let err = alice.try_say("anyone?").await.expect_err("nobody polls");
    let message = err.to_string();
    assert!(message.contains("never fetched the update"), "{message}");
    assert!(message.contains("#1 user: anyone?"), "{message}");
}

// ----- groups and flood control ------------------------------------------------------------

#[tokio::test]
async fn users_write_in_groups_and_forum_topics() {
    let emu = Emulator::start().await.expect("emulator");
    emu.add_group_chat(
        -100_777,
        ChatKind::Supergroup {
            title: "Coordinators".into(),
            username: None,
            is_forum: true,
        },
    );
    let topic = bot(&emu)
        .create_forum_topic(ChatId(-100_777), "Case 1")
        .await
        .expect("topic");
    let carol = emu.private_user(UserSpec {
        id: 2002,
        first_name: "Carol".into(),
        ..Default::default()
    });
    let in_topic = carol
        .in_chat(-100_777)
        .in_topic(i64::from(topic.thread_id.0.0));
    let (_, username) = emu.bot_user();
    in_topic.send_text(&format!("/claim@{username} 17")).await;
    let updates = bot(&emu).get_updates().await.expect("getUpdates");
    let UpdateKind::Message(msg) = &updates[0].kind else {
        panic!("message expected: {updates:?}");
    };
    assert_eq!(msg.chat.id, ChatId(-100_777));
    assert_eq!(msg.thread_id, Some(topic.thread_id));
    assert_eq!(msg.from.as_ref().map(|u| u.id.0), Some(2002));
    let command = &msg.entities().expect("entities")[0];
    assert_eq!(command.length, 7 + username.len());
    // The bot answers in the topic; the user presses a button there.
    let markup = InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("Take", "take:17")]]);
    bot(&emu)
        .send_message(ChatId(-100_777), "Case 17")
        .message_thread_id(topic.thread_id)
        .reply_markup(markup)
        .await
        .expect("reply in topic");
    let pressed = in_topic.send_callback(
        in_topic.last_bot_message().expect("message").message_id,
        "take:17",
    );
    assert!(pressed.is_ok());
    let transcript = emu.chat_transcript(-100_777);
    assert!(
        transcript
            .iter()
            .all(|m| m.thread_id == Some(i64::from(topic.thread_id.0.0)))
    );
    assert_no_violations(&emu);
}

// ----- flood limits --------------------------------------------------------------------

/// An emulator enforcing these flood limits.
async fn flood_emulator(limits: FloodControl) -> Emulator {
    let options = EmulatorOptions {
        flood_control: Some(limits),
        ..Default::default()
    };
    Emulator::start_with(options).await.expect("emulator")
}

/// The `retry_after` of a 429.
fn retry_after(err: RequestError) -> u64 {
    match err {
        RequestError::RetryAfter(after) => u64::from(after.seconds()),
        other => panic!("429 expected: {other:?}"),
    }
}

/// (method, chat, limit) of every flood refusal so far.
fn refusals(emu: &Emulator) -> Vec<(String, i64, FloodLimit)> {
    emu.flood_refusals()
        .into_iter()
        .map(|r| (r.method, r.chat_id, r.limit))
        .collect()
}

/// An album of `n` photos.
fn album(n: usize) -> Vec<teloxide::types::InputMedia> {
    (0..n)
        .map(|i| {
            teloxide::types::InputMedia::Photo(teloxide::types::InputMediaPhoto::new(
                InputFile::memory(vec![b'a'; i + 1]),
            ))
        })
        .collect()
}

fn add_group(emu: &Emulator, chat_id: i64) {
    emu.add_group_chat(
        chat_id,
        ChatKind::Group {
            title: "Team".into(),
        },
    );
}

#[tokio::test]
async fn flood_control_answers_429_over_the_limits() {
    let emu = flood_emulator(FloodControl {
        per_private_chat: (2, Duration::from_secs(1)),
        per_group: (3, Duration::from_secs(60)),
        ..FloodControl::telegram()
    })
    .await;
    let alice = started_user(&emu, 1001, "Alice").await;
    let bot = bot(&emu);
    for _ in 0..2 {
        bot.send_message(ChatId(1001), "burst")
            .await
            .expect("within limit");
    }
    let err = bot
        .send_message(ChatId(1001), "too fast")
        .await
        .expect_err("429");
    assert_eq!(retry_after(err), 1);
    assert_eq!(alice.transcript().len(), 3, "{}", alice.transcript_text());
    add_group(&emu, -5);
    for _ in 0..3 {
        bot.send_message(ChatId(-5), "note")
            .await
            .expect("within limit");
    }
    let (status, reply) = raw(
        &emu,
        "sendMessage",
        json!({"chat_id": -5, "text": "one more"}),
    )
    .await;
    assert_eq!(status, 429);
    let seconds = reply["parameters"]["retry_after"]
        .as_u64()
        .expect("retry_after");
    assert!((59..=60).contains(&seconds), "{reply}");
    assert_eq!(
        reply,
        json!({
            "ok": false,
            "error_code": 429,
            "description": format!("Too Many Requests: retry after {seconds}"),
            "parameters": {"retry_after": seconds},
        })
    );
    assert_eq!(emu.chat_transcript(-5).len(), 3);
    assert_eq!(
        refusals(&emu),
        vec![
            ("sendMessage".to_owned(), 1001, FloodLimit::PrivateChat),
            ("sendMessage".to_owned(), -5, FloodLimit::Group),
        ]
    );
    assert_eq!(
        emu.flood_refusals()[1].retry_after,
        u32::try_from(seconds).expect("u32")
    );
}

#[tokio::test]
async fn without_flood_control_nothing_is_limited() {
    let emu = Emulator::start().await.expect("emulator");
    let alice = started_user(&emu, 1001, "Alice").await;
    let bot = bot(&emu);
    for i in 0..40 {
        bot.send_message(ChatId(1001), format!("message {i}"))
            .await
            .expect("unlimited");
    }
    assert_eq!(alice.transcript().len(), 41);
    assert!(emu.flood_refusals().is_empty());
}

#[tokio::test]
async fn flood_wait_outlasts_the_window() {
    // A 300 ms window: it frees long before the 1 s flood wait ends.
    let emu = flood_emulator(FloodControl::telegram().scaled(0.3)).await;
    let alice = started_user(&emu, 1001, "Alice").await;
    let bot = bot(&emu);
    let mut sent = Vec::new();
    for _ in 0..3 {
        sent.push(
            bot.send_message(ChatId(1001), "burst")
                .await
                .expect("burst"),
        );
    }
    let err = bot
        .send_message(ChatId(1001), "fourth")
        .await
        .expect_err("429");
    let refused_at = Instant::now();
    assert_eq!(retry_after(err), 1);
    tokio::time::sleep(Duration::from_millis(450)).await;
    // The window is empty again, the flood wait is not over.
    let err = bot
        .send_message(ChatId(1001), "still waiting")
        .await
        .expect_err("flood wait");
    assert_eq!(retry_after(err), 1);
    // Edits in private chats are not limited, flood wait or not.
    bot.edit_message_text(ChatId(1001), sent[0].id, "edited")
        .await
        .expect("private edit");
    tokio::time::sleep_until((refused_at + Duration::from_millis(1050)).into()).await;
    bot.send_message(ChatId(1001), "after the wait")
        .await
        .expect("wait over");
    assert_eq!(
        refusals(&emu),
        vec![
            ("sendMessage".to_owned(), 1001, FloodLimit::PrivateChat),
            ("sendMessage".to_owned(), 1001, FloodLimit::FloodWait),
        ]
    );
    assert_eq!(alice.transcript().len(), 5, "{}", alice.transcript_text());
}

#[tokio::test]
async fn group_edits_have_their_own_budget_and_private_edits_none() {
    let emu = flood_emulator(FloodControl {
        per_group: (2, Duration::from_secs(60)),
        group_edits: (3, Duration::from_secs(60)),
        ..FloodControl::telegram()
    })
    .await;
    let bot = bot(&emu);
    // Messages do not use the edit budget.
    add_group(&emu, -5);
    let first = bot.send_message(ChatId(-5), "m1").await.expect("m1");
    bot.send_message(ChatId(-5), "m2").await.expect("m2");
    for i in 0..3 {
        bot.edit_message_text(ChatId(-5), first.id, format!("edit {i}"))
            .await
            .expect("within the edit budget");
    }
    let err = bot
        .edit_message_text(ChatId(-5), first.id, "edit 3")
        .await
        .expect_err("429");
    assert!((59..=60).contains(&retry_after(err)));
    let shown = emu.chat_transcript(-5);
    assert_eq!(shown[0].text, "edit 2", "a refused edit has no effect");
    // The chat is now in a flood wait: messages are refused too.
    let err = bot
        .send_message(ChatId(-5), "m3")
        .await
        .expect_err("flood wait");
    assert!((59..=60).contains(&retry_after(err)));
    // Edits do not use the message budget.
    add_group(&emu, -6);
    let note = bot.send_message(ChatId(-6), "n1").await.expect("n1");
    for i in 0..3 {
        bot.edit_message_text(ChatId(-6), note.id, format!("edit {i}"))
            .await
            .expect("within the edit budget");
    }
    bot.send_message(ChatId(-6), "n2")
        .await
        .expect("second message");
    let err = bot
        .send_message(ChatId(-6), "n3")
        .await
        .expect_err("third message");
    assert!((59..=60).contains(&retry_after(err)));
    // Private chats: edits are free.
    started_user(&emu, 1001, "Alice").await;
    let private = bot.send_message(ChatId(1001), "p").await.expect("p");
    for i in 0..25 {
        bot.edit_message_text(ChatId(1001), private.id, format!("edit {i}"))
            .await
            .expect("private edits are not limited");
    }
    assert_eq!(
        refusals(&emu),
        vec![
            ("editMessageText".to_owned(), -5, FloodLimit::GroupEdits),
            ("sendMessage".to_owned(), -5, FloodLimit::FloodWait),
            ("sendMessage".to_owned(), -6, FloodLimit::Group),
        ]
    );
}

#[tokio::test]
async fn albums_count_each_message_and_are_refused_whole() {
    let emu = flood_emulator(FloodControl {
        per_group: (5, Duration::from_secs(60)),
        ..FloodControl::telegram()
    })
    .await;
    let bot = bot(&emu);
    add_group(&emu, -5);
    let sent = bot
        .send_media_group(ChatId(-5), album(3))
        .await
        .expect("3 of 5");
    assert_eq!(sent.len(), 3);
    let err = bot
        .send_media_group(ChatId(-5), album(3))
        .await
        .expect_err("3 more do not fit");
    assert!((59..=60).contains(&retry_after(err)));
    assert_eq!(emu.chat_transcript(-5).len(), 3, "nothing of it posted");
    // An album larger than the private limit (3 per second) fits an empty
    // window, and fills it.
    let alice = started_user(&emu, 1001, "Alice").await;
    bot.send_media_group(ChatId(1001), album(4))
        .await
        .expect("album of 4");
    let err = bot
        .send_message(ChatId(1001), "right after")
        .await
        .expect_err("429");
    assert_eq!(retry_after(err), 1);
    assert_eq!(alice.transcript().len(), 5);
    assert_eq!(
        refusals(&emu),
        vec![
            ("sendMediaGroup".to_owned(), -5, FloodLimit::Group),
            ("sendMessage".to_owned(), 1001, FloodLimit::PrivateChat),
        ]
    );
}

#[tokio::test]
async fn copy_and_forward_messages_count_each_message_and_are_refused_whole() {
    // Five messages per group within 3 s.
    let emu = flood_emulator(
        FloodControl {
            per_group: (5, Duration::from_secs(60)),
            ..FloodControl::telegram()
        }
        .scaled(0.05),
    )
    .await;
    let bot = bot(&emu);
    add_group(&emu, -5);
    let alice = started_user(&emu, 1001, "Alice").await;
    let mut ids = Vec::new();
    for text in ["a", "b", "c", "d"] {
        ids.push(msg_id(&alice.send_text(text).await));
    }
    let copied = bot
        .copy_messages(ChatId(-5), ChatId(1001), ids[..3].to_vec())
        .await
        .expect("3 of 5");
    assert_eq!(copied.len(), 3);
    let err = bot
        .forward_messages(ChatId(-5), ChatId(1001), ids[..3].to_vec())
        .await
        .expect_err("3 more do not fit");
    let wait = retry_after(err);
    assert!((1..=3).contains(&wait), "{wait}");
    assert_eq!(emu.chat_transcript(-5).len(), 3, "nothing of it posted");
    tokio::time::sleep(Duration::from_millis(wait * 1000 + 100)).await;
    // A missing id is not counted: 4 copies, then one forward fills the 5.
    let missing = teloxide::types::MessageId(9_999);
    let copied = bot
        .copy_messages(
            ChatId(-5),
            ChatId(1001),
            [ids[0], ids[1], ids[2], ids[3], missing],
        )
        .await
        .expect("4 of 5");
    assert_eq!(copied.len(), 4);
    bot.forward_messages(ChatId(-5), ChatId(1001), [ids[0]])
        .await
        .expect("the fifth");
    let err = bot
        .send_message(ChatId(-5), "a sixth")
        .await
        .expect_err("429");
    assert!((1..=3).contains(&retry_after(err)));
    assert_eq!(emu.chat_transcript(-5).len(), 3 + 4 + 1);
    assert_eq!(
        refusals(&emu),
        vec![
            ("forwardMessages".to_owned(), -5, FloodLimit::Group),
            ("sendMessage".to_owned(), -5, FloodLimit::Group),
        ]
    );
    assert_no_violations(&emu);
}

#[tokio::test]
async fn creating_a_topic_counts_and_closing_one_does_not() {
    let emu = flood_emulator(FloodControl {
        per_group: (3, Duration::from_secs(60)),
        ..FloodControl::telegram()
    })
    .await;
    emu.add_forum(-100_123, "Coordinators");
    let bot = bot(&emu);
    let chat = ChatId(-100_123);
    let first = bot
        .create_forum_topic(chat, "Case 1")
        .await
        .expect("topic 1");
    bot.send_message(chat, "New case")
        .message_thread_id(first.thread_id)
        .await
        .expect("in topic");
    // Service messages of closing and reopening are free.
    bot.close_forum_topic(chat, first.thread_id)
        .await
        .expect("close");
    bot.reopen_forum_topic(chat, first.thread_id)
        .await
        .expect("reopen");
    let second = bot
        .create_forum_topic(chat, "Case 2")
        .await
        .expect("topic 2: the third message");
    let err = bot
        .create_forum_topic(chat, "Case 3")
        .await
        .expect_err("a fourth message");
    assert!((59..=60).contains(&retry_after(err)));
    assert_eq!(emu.forum_topics(-100_123).len(), 2);
    // Topics share their group's budget and flood wait.
    let err = bot
        .send_message(chat, "in topic 2")
        .message_thread_id(second.thread_id)
        .await
        .expect_err("flood wait");
    assert!((59..=60).contains(&retry_after(err)));
    bot.close_forum_topic(chat, second.thread_id)
        .await
        .expect("closing is not counted");
    assert_eq!(
        refusals(&emu),
        vec![
            ("createForumTopic".to_owned(), -100_123, FloodLimit::Group),
            ("sendMessage".to_owned(), -100_123, FloodLimit::FloodWait),
        ]
    );
}

#[tokio::test]
async fn uncounted_methods_pass_during_a_flood_wait() {
    let emu = flood_emulator(FloodControl::telegram()).await;
    let alice = started_user(&emu, 1001, "Alice").await;
    let bot = bot(&emu);
    let markup = InlineKeyboardMarkup::new([[InlineKeyboardButton::callback("Next", "g:next")]]);
    let menu = bot
        .send_message(ChatId(1001), "Menu")
        .reply_markup(markup)
        .await
        .expect("menu");
    let other = bot.send_message(ChatId(1001), "2").await.expect("2");
    bot.send_message(ChatId(1001), "3").await.expect("3");
    let err = bot.send_message(ChatId(1001), "4").await.expect_err("429");
    assert_eq!(retry_after(err), 1);
    alice
        .send_callback(i64::from(menu.id.0), "g:next")
        .expect("press");
    let updates = bot.get_updates().await.expect("getUpdates");
    let query = updates
        .iter()
        .find_map(|u| match &u.kind {
            UpdateKind::CallbackQuery(q) => Some(q.clone()),
            _ => None,
        })
        .expect("callback query");
    bot.answer_callback_query(query.id.clone())
        .text("Done")
        .await
        .expect("answerCallbackQuery is free");
    bot.send_chat_action(ChatId(1001), teloxide::types::ChatAction::Typing)
        .await
        .expect("sendChatAction is free");
    bot.delete_message(ChatId(1001), other.id)
        .await
        .expect("deleteMessage is free");
    bot.set_my_commands(vec![teloxide::types::BotCommand::new("start", "Start")])
        .await
        .expect("setMyCommands is free");
    bot.get_chat(ChatId(1001)).await.expect("getChat is free");
    assert_eq!(emu.flood_refusals().len(), 1);
}

#[tokio::test]
async fn time_scale_shortens_the_windows() {
    // The group minute becomes 600 ms.
    let emu = flood_emulator(
        FloodControl {
            per_group: (2, Duration::from_secs(60)),
            ..FloodControl::telegram()
        }
        .scaled(0.01),
    )
    .await;
    let bot = bot(&emu);
    add_group(&emu, -5);
    for _ in 0..2 {
        bot.send_message(ChatId(-5), "first pair")
            .await
            .expect("within limit");
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    for _ in 0..2 {
        bot.send_message(ChatId(-5), "second pair")
            .await
            .expect("a new window");
    }
    let err = bot
        .send_message(ChatId(-5), "third")
        .await
        .expect_err("429");
    // retry_after stays in real seconds: the 600 ms window answers 1.
    assert_eq!(retry_after(err), 1);
    assert_eq!(emu.chat_transcript(-5).len(), 4);
}

#[tokio::test]
async fn overall_limit_spans_chats_and_puts_none_in_a_flood_wait() {
    // 4 messages per 300 ms to all chats together.
    let emu = flood_emulator(
        FloodControl {
            overall: (4, Duration::from_secs(1)),
            ..FloodControl::telegram()
        }
        .scaled(0.3),
    )
    .await;
    for id in 1001..=1005 {
        started_user(&emu, id, "User").await;
    }
    let bot = bot(&emu);
    for id in 1001..=1004 {
        bot.send_message(ChatId(id), "news")
            .await
            .expect("within limit");
    }
    let err = bot
        .send_message(ChatId(1005), "news")
        .await
        .expect_err("429");
    assert_eq!(retry_after(err), 1);
    // Not a flood wait: the chat is served as soon as the window has room.
    tokio::time::sleep(Duration::from_millis(400)).await;
    bot.send_message(ChatId(1005), "news")
        .await
        .expect("window free");
    assert_eq!(
        refusals(&emu),
        vec![("sendMessage".to_owned(), 1005, FloodLimit::Overall)]
    );
}

#[tokio::test]
async fn flood_refusals_leave_out_injected_faults() {
    let emu = flood_emulator(FloodControl::telegram()).await;
    started_user(&emu, 1001, "Alice").await;
    emu.inject(Fault::once(
        "sendMessage",
        FaultKind::TooManyRequests { retry_after: 7 },
    ));
    let bot = bot(&emu);
    let err = bot
        .send_message(ChatId(1001), "faulted")
        .await
        .expect_err("injected 429");
    assert_eq!(retry_after(err), 7);
    assert!(emu.flood_refusals().is_empty());
    for _ in 0..3 {
        bot.send_message(ChatId(1001), "burst")
            .await
            .expect("within limit");
    }
    let before = std::time::SystemTime::now();
    bot.send_message(ChatId(1001), "fourth")
        .await
        .expect_err("429");
    let after = std::time::SystemTime::now();
    let log = emu.flood_refusals();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].method, "sendMessage");
    assert_eq!(log[0].chat_id, 1001);
    assert_eq!(log[0].retry_after, 1);
    assert_eq!(log[0].limit, FloodLimit::PrivateChat);
    assert!(before <= log[0].at && log[0].at <= after);
}

// ----- webhooks ----------------------------------------------------------------------------

#[tokio::test]
async fn webhook_delivery_with_secret_retry_and_reply_method() {
    use std::sync::{Arc, Mutex};

    use axum::http::{HeaderMap, StatusCode};

    /// (secret header, update) of each delivery.
    type Delivery = (Option<String>, Value);

    #[derive(Clone, Default)]
    struct Received {
        updates: Arc<Mutex<Vec<Delivery>>>,
    }

    let received = Received::default();
    let handler = {
        let received = received.clone();
        move |headers: HeaderMap, axum::Json(update): axum::Json<Value>| {
            let received = received.clone();
            async move {
                let secret = headers
                    .get("x-telegram-bot-api-secret-token")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let mut seen = received.updates.lock().expect("lock");
                seen.push((secret, update.clone()));
                if seen.len() == 1 {
                    // The first delivery fails: Telegram retries.
                    return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(json!({})));
                }
                let chat = update["message"]["chat"]["id"].clone();
                let text = format!("got {}", update["message"]["text"].as_str().unwrap_or("?"));
                (
                    StatusCode::OK,
                    axum::Json(json!({"method": "sendMessage", "chat_id": chat, "text": text})),
                )
            }
        }
    };
    let app = axum::Router::new().route("/hook", axum::routing::post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let hook_addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let options = patient_navigator::emulator::EmulatorOptions {
        local_webhooks: true,
        ..Default::default()
    };
    let emu = Emulator::start_with(options).await.expect("emulator");
    let alice = emu.private_user(UserSpec {
        id: 1001,
        first_name: "Alice".into(),
        ..Default::default()
    });
    raw_ok(
        &emu,
        "setWebhook",
        json!({"url": format!("http://{hook_addr}/hook"), "secret_token": "abc"}),
    )
    .await;
    let replies = alice.say("hello").await;
    assert_eq!(texts(&replies), vec!["got hello"]);
    let seen = received.updates.lock().expect("lock").clone();
    assert_eq!(seen.len(), 2, "one failure, one retry");
    assert!(
        seen.iter()
            .all(|(secret, _)| secret.as_deref() == Some("abc"))
    );
    assert_eq!(seen[0].1, seen[1].1, "the same update is retried");
    let info = raw_ok(&emu, "getWebhookInfo", json!({})).await;
    assert_eq!(info["pending_update_count"], json!(0));
    assert!(
        info["last_error_message"]
            .as_str()
            .is_some_and(|m| m.contains("500")),
        "{info}"
    );
    assert_no_violations(&emu);
    server.abort();
}

// ----- standalone control API --------------------------------------------------------------

#[tokio::test]
async fn control_api_lets_a_person_drive_a_standalone_emulator() {
    let emu = Emulator::start().await.expect("emulator");
    let dispatcher = spawn_demo_bot(&emu);
    let client = reqwest::Client::new();
    let control = |path: &str| format!("{}_emulator/{path}", emu.api_url());
    let reply: Value = client
        .post(control("users/1001/say"))
        .json(&json!({"text": "/start", "first_name": "Ana", "language_code": "es"}))
        .send()
        .await
        .expect("say")
        .json()
        .await
        .expect("json");
    assert_eq!(reply["ok"], json!(true), "{reply}");
    assert_eq!(reply["result"][0]["text"], json!("Welcome, choose:"));
    assert_eq!(reply["result"][0]["buttons"][0][0]["text"], json!("Next"));
    let reply: Value = client
        .post(control("users/1001/press"))
        .json(&json!({"label": "Next"}))
        .send()
        .await
        .expect("press")
        .json()
        .await
        .expect("json");
    assert_eq!(reply["result"][0]["text"], json!("Step 2"));
    let transcript: Value = client
        .get(control("chats/1001"))
        .send()
        .await
        .expect("transcript")
        .json()
        .await
        .expect("json");
    assert_eq!(transcript["result"].as_array().map(Vec::len), Some(2));
    let missing: Value = client
        .post(control("users/1001/press"))
        .json(&json!({"label": "Nope"}))
        .send()
        .await
        .expect("press")
        .json()
        .await
        .expect("json");
    assert_eq!(missing["ok"], json!(false));
    emu.wait_idle().await;
    dispatcher.abort();
}
