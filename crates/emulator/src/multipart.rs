//! A small `multipart/form-data` reader for request bodies already in memory.
//!
//! Only what the Bot API needs: parts with a `Content-Disposition: form-data`
//! header carrying `name` and optionally `filename`, and an optional
//! `Content-Type`.

use bytes::Bytes;

/// One part of a multipart body.
#[derive(Clone, Debug)]
pub struct Part {
    /// The `name` of the form field.
    pub name: String,
    /// The `filename`, present for file uploads.
    pub file_name: Option<String>,
    /// The part's `Content-Type`, if given.
    pub content_type: Option<String>,
    /// The raw content.
    pub data: Bytes,
}

/// Extracts the `boundary` parameter of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        (key.trim().eq_ignore_ascii_case("boundary")).then(|| unquote(value.trim()).to_owned())
    })
}

/// Splits a multipart body into parts.
pub fn parse(body: &Bytes, boundary: &str) -> Result<Vec<Part>, String> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut pos = find(body, &delimiter, 0).ok_or("multipart boundary not found")?;
    let mut parts = Vec::new();
    loop {
        pos += delimiter.len();
        if body.get(pos..pos + 2) == Some(b"--") {
            return Ok(parts);
        }
        pos = skip_line_break(body, pos);
        let header_end = find(body, b"\r\n\r\n", pos).ok_or("unterminated part headers")?;
        let headers = std::str::from_utf8(&body[pos..header_end])
            .map_err(|_| "part headers are not UTF-8".to_owned())?;
        let content_start = header_end + 4;
        let mut closing = b"\r\n".to_vec();
        closing.extend_from_slice(&delimiter);
        let content_end = find(body, &closing, content_start).ok_or("unterminated part")?;
        if let Some(part) = make_part(headers, body.slice(content_start..content_end)) {
            parts.push(part);
        }
        pos = content_end + 2;
    }
}

fn make_part(headers: &str, data: Bytes) -> Option<Part> {
    let mut name = None;
    let mut file_name = None;
    let mut content_type = None;
    for line in headers.split("\r\n") {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        if key.trim().eq_ignore_ascii_case("content-disposition") {
            for param in value.split(';').skip(1) {
                let Some((k, v)) = param.split_once('=') else {
                    continue;
                };
                match k.trim().to_ascii_lowercase().as_str() {
                    "name" => name = Some(unquote(v.trim()).to_owned()),
                    "filename" => file_name = Some(percent_decode(unquote(v.trim()))),
                    "filename*" => {
                        let v = v.trim();
                        let encoded = v.split_once("''").map_or(v, |(_, rest)| rest);
                        file_name = Some(percent_decode(encoded));
                    }
                    _ => {}
                }
            }
        } else if key.trim().eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_owned());
        }
    }
    Some(Part {
        name: name?,
        file_name,
        content_type,
        data,
    })
}

fn skip_line_break(body: &[u8], pos: usize) -> usize {
    if body.get(pos..pos + 2) == Some(b"\r\n") {
        pos + 2
    } else if body.get(pos) == Some(&b'\n') {
        pos + 1
    } else {
        pos
    }
}

fn unquote(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > haystack.len() {
        return None;
    }
    let first = needle[0];
    let mut i = from;
    while i + needle.len() <= haystack.len() {
        let offset = haystack[i..=haystack.len() - needle.len()]
            .iter()
            .position(|&b| b == first)?;
        i += offset;
        if &haystack[i..i + needle.len()] == needle {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Decodes `%XX` escapes (reqwest percent-encodes non-ASCII file names).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_text_and_file_parts() {
        let body = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n42\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"abc\"; filename=\"r%C3%A9sum%C3%A9.pdf\"\r\n\
Content-Type: application/pdf\r\n\r\n%PDF\r\n--XyZ--\r\n",
        );
        let b = boundary("multipart/form-data; boundary=XyZ").expect("boundary");
        let parts = parse(&body, &b).expect("parts");
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "chat_id");
        assert_eq!(&parts[0].data[..], b"42");
        assert_eq!(parts[1].file_name.as_deref(), Some("résumé.pdf"));
        assert_eq!(parts[1].content_type.as_deref(), Some("application/pdf"));
        assert_eq!(&parts[1].data[..], b"%PDF");
    }
}
