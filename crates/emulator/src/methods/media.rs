//! Files: sendPhoto/Document/Voice/..., sendMediaGroup, getFile. Uploads
//! are kept in memory under `file_id`s the emulator issues; they can be
//! downloaded from `/file/bot<token>/<file_path>`.

use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::EmulatorOptions;
use super::check_flood;
use super::messages::{
    caption_param, finish_bot_message, new_bot_message, prepare_send, prepare_target,
};
use crate::error::{ApiError, ApiResult};
use crate::flood::Charge;
use crate::params::Params;
use crate::world::{StoredFile, World};

/// Resolves an InputFile parameter value: an `attach://` upload, a known
/// file_id or an HTTP URL (stored empty: there is no internet here).
fn resolve_file(w: &mut World, p: &Params, value: &str, kind: &str) -> ApiResult<StoredFile> {
    if let Some(name) = value.strip_prefix("attach://") {
        let upload = p
            .files
            .get(name)
            .ok_or_else(|| ApiError::bad_request("wrong file identifier/HTTP URL specified"))?;
        if upload.data.is_empty() {
            return Err(ApiError::bad_request("file must be non-empty"));
        }
        let mime = upload
            .content_type
            .clone()
            .filter(|m| m != "application/octet-stream")
            .or_else(|| guess_mime(upload.file_name.as_deref()));
        return Ok(w.store_file(kind, upload.data.clone(), upload.file_name.clone(), mime));
    }
    if let Some(file) = w.files.get(value) {
        return Ok(file.clone());
    }
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let name = value
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty() && n.contains('.'))
            .map(str::to_owned);
        let mime = guess_mime(name.as_deref());
        return Ok(w.store_file(kind, Bytes::new(), name, mime));
    }
    Err(ApiError::bad_request(
        "wrong file identifier/HTTP URL specified",
    ))
}

fn guess_mime(name: Option<&str>) -> Option<String> {
    let ext = name?.rsplit_once('.')?.1.to_ascii_lowercase();
    let mime = match ext.as_str() {
        "pdf" => "application/pdf",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "ogg" | "oga" => "audio/ogg",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        "zip" => "application/zip",
        "json" => "application/json",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => return None,
    };
    Some(mime.to_owned())
}

fn size_of(file: &StoredFile) -> usize {
    file.data.len()
}

/// The Message field describing a file of a kind.
fn media_json(kind: &str, file: &StoredFile) -> Value {
    let mut m = Map::new();
    m.insert("file_id".into(), json!(file.file_id));
    m.insert("file_unique_id".into(), json!(file.file_unique_id));
    match kind {
        "photo" => {
            m.insert("width".into(), json!(1280));
            m.insert("height".into(), json!(960));
        }
        "video" | "animation" => {
            m.insert("width".into(), json!(640));
            m.insert("height".into(), json!(480));
            m.insert("duration".into(), json!(1));
        }
        "voice" | "audio" => {
            m.insert("duration".into(), json!(1));
        }
        "sticker" => {
            m.insert("type".into(), json!("regular"));
            m.insert("width".into(), json!(512));
            m.insert("height".into(), json!(512));
            m.insert("is_animated".into(), json!(false));
            m.insert("is_video".into(), json!(false));
        }
        _ => {}
    }
    if matches!(kind, "document" | "audio" | "video" | "animation")
        && let Some(name) = &file.file_name
    {
        m.insert("file_name".into(), json!(name));
    }
    let mime = match kind {
        "voice" => Some("audio/ogg".to_owned()),
        "document" | "audio" | "video" | "animation" => file.mime_type.clone(),
        _ => None,
    };
    if let Some(mime) = mime {
        m.insert("mime_type".into(), json!(mime));
    }
    m.insert("file_size".into(), json!(size_of(file)));
    let value = Value::Object(m);
    if kind == "photo" {
        Value::Array(vec![value])
    } else {
        value
    }
}

fn send_file(kind: &str, w: &mut World, opts: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    let caption = if kind == "sticker" {
        None
    } else {
        caption_param(opts, p)?
    };
    let input = p
        .opt_str(kind)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::bad_request(format!("there is no {kind} in the request")))?;
    let target = prepare_send(w, opts, p)?;
    let file = resolve_file(w, p, &input, kind)?;
    let mut m = new_bot_message(w, &target);
    m.insert(kind.into(), media_json(kind, &file));
    let (source, mode) = match &caption {
        Some((raw, formatted)) => {
            w.put_text(&mut m, "caption", formatted);
            (Some(raw.clone()), p.opt_str("parse_mode"))
        }
        None => (None, None),
    };
    Ok(finish_bot_message(w, target, m, source, mode))
}

/// sendPhoto.
pub(crate) fn send_photo(w: &mut World, o: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    send_file("photo", w, o, p)
}

/// sendDocument.
pub(crate) fn send_document(w: &mut World, o: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    send_file("document", w, o, p)
}

/// sendVoice.
pub(crate) fn send_voice(w: &mut World, o: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    send_file("voice", w, o, p)
}

/// sendAudio.
pub(crate) fn send_audio(w: &mut World, o: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    send_file("audio", w, o, p)
}

/// sendVideo.
pub(crate) fn send_video(w: &mut World, o: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    send_file("video", w, o, p)
}

/// sendAnimation.
pub(crate) fn send_animation(w: &mut World, o: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    send_file("animation", w, o, p)
}

/// sendSticker.
pub(crate) fn send_sticker(w: &mut World, o: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    send_file("sticker", w, o, p)
}

/// sendLocation.
pub(crate) fn send_location(w: &mut World, opts: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    let coordinate = |key: &str| -> ApiResult<f64> {
        p.get(key)
            .and_then(|v| {
                v.as_f64()
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            })
            .ok_or_else(|| ApiError::bad_request(format!("{key} is empty")))
    };
    let latitude = coordinate("latitude")?;
    let longitude = coordinate("longitude")?;
    let target = prepare_send(w, opts, p)?;
    let mut m = new_bot_message(w, &target);
    m.insert(
        "location".into(),
        json!({ "latitude": latitude, "longitude": longitude }),
    );
    Ok(finish_bot_message(w, target, m, None, None))
}

/// sendContact.
pub(crate) fn send_contact(w: &mut World, opts: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    let phone = p.req_str("phone_number", "phone number is empty")?;
    let first_name = p.req_str("first_name", "first name is empty")?;
    let target = prepare_send(w, opts, p)?;
    let mut m = new_bot_message(w, &target);
    let mut contact = json!({ "phone_number": phone, "first_name": first_name });
    if let Some(last) = p.opt_str("last_name") {
        contact["last_name"] = json!(last);
    }
    m.insert("contact".into(), contact);
    Ok(finish_bot_message(w, target, m, None, None))
}

/// sendMediaGroup: 2-10 items, one message each, sharing a media_group_id.
pub(crate) fn send_media_group(
    w: &mut World,
    opts: &EmulatorOptions,
    p: &Params,
) -> ApiResult<Value> {
    let media = p
        .opt_json("media")?
        .and_then(|v| v.as_array().cloned())
        .ok_or_else(|| ApiError::bad_request("media must be an array"))?;
    if media.len() > 10 {
        return Err(ApiError::bad_request(
            "Too much messages to send as an album",
        ));
    }
    if media.len() < 2 {
        return Err(ApiError::bad_request(
            "wrong number of media in the album: 2-10 items are needed",
        ));
    }
    // Items are validated before anything is posted or charged.
    let mut items = Vec::with_capacity(media.len());
    for item in &media {
        let kind = item
            .get("type")
            .and_then(Value::as_str)
            .filter(|k| matches!(*k, "photo" | "video" | "document" | "audio"))
            .ok_or_else(|| ApiError::bad_request("unsupported media type in the album"))?;
        let input = item
            .get("media")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::bad_request("media is empty"))?;
        let mut item_params = p.clone();
        item_params.map = item.as_object().cloned().unwrap_or_default();
        let caption = caption_param(opts, &item_params)?;
        let mode = item
            .get("parse_mode")
            .and_then(Value::as_str)
            .map(str::to_owned);
        items.push((kind, input, caption, mode));
    }
    // Every item is a message of its own: the album is charged as many,
    // all or nothing.
    let album = prepare_target(w, p)?;
    check_flood(w, opts, album.chat_id, Charge::Messages(items.len()))?;
    let group_id = format!("1{:017}", w.bump());
    let mut messages = Vec::new();
    for (kind, input, caption, mode) in items {
        let target = prepare_target(w, p)?;
        let file = resolve_file(w, p, input, kind)?;
        let mut m = new_bot_message(w, &target);
        m.insert("media_group_id".into(), json!(group_id));
        m.insert(kind.into(), media_json(kind, &file));
        let source = caption.map(|(raw, formatted)| {
            w.put_text(&mut m, "caption", &formatted);
            raw
        });
        messages.push(finish_bot_message(w, target, m, source, mode));
    }
    Ok(Value::Array(messages))
}

/// getFile.
pub(crate) fn get_file(w: &mut World, _: &EmulatorOptions, p: &Params) -> ApiResult<Value> {
    let file_id = p.req_str("file_id", "file_id is empty")?;
    let file = w
        .files
        .get(&file_id)
        .ok_or_else(|| ApiError::bad_request("invalid file_id"))?;
    Ok(json!({
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "file_size": file.data.len(),
        "file_path": file.file_path,
    }))
}
