//! Encryption at rest for what patients write: intake answers, case
//! summaries and titles, stored updates (message texts) and queued messages
//! are sealed with AES-256-GCM before they reach the database.
//!
//! A sealed value reads `enc2:<key id>:<base64(nonce ‖ ciphertext)>`, and
//! is bound to its place: the table, the column and the row's key are the
//! cipher's associated data, so a value copied to another row (another
//! patient's) does not open there. Values of the first format (`enc1:`,
//! unbound) still open; `navigator seal` rewrites them, and any value in
//! plain, in the current format under the current key. With a key set, a
//! value in plain is refused (it was never protected, or was put there).
//! Rotation: the current key seals; older keys, kept under their ids,
//! still open what they sealed until it is written again (or sealed anew).

use std::collections::HashMap;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

const PREFIX: &str = "enc2:";
/// Values sealed before they were bound to their place.
const UNBOUND_PREFIX: &str = "enc1:";

/// A column that holds sealed values, and the key of its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub table: &'static str,
    pub name: &'static str,
    /// The column whose value identifies the row (bound into the seal).
    pub key: &'static str,
}

pub const CASE_ANSWERS: Column = Column {
    table: "cases",
    name: "answers",
    key: "id",
};
pub const CASE_SUMMARY: Column = Column {
    table: "cases",
    name: "summary",
    key: "id",
};
pub const CASE_TITLE: Column = Column {
    table: "cases",
    name: "title",
    key: "id",
};
pub const CASE_DOCUMENTS: Column = Column {
    table: "cases",
    name: "documents",
    key: "id",
};
pub const DRAFT: Column = Column {
    table: "intake_drafts",
    name: "draft",
    key: "chat_id",
};
pub const UPDATE_PAYLOAD: Column = Column {
    table: "inbox",
    name: "payload",
    key: "update_id",
};
pub const OUTBOX_JOB: Column = Column {
    table: "outbox",
    name: "job",
    key: "id",
};

/// Every column that holds sealed values.
pub const SEALED: [Column; 7] = [
    CASE_ANSWERS,
    CASE_SUMMARY,
    CASE_TITLE,
    CASE_DOCUMENTS,
    DRAFT,
    UPDATE_PAYLOAD,
    OUTBOX_JOB,
];

impl Column {
    /// The associated data of the value in row `key`.
    fn place(self, key: i64) -> String {
        format!("{}.{}#{key}", self.table, self.name)
    }
}

/// How a stored value is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    Plain,
    /// Sealed before values were bound to their place.
    Unbound,
    /// Sealed and bound, under the key with this id.
    Bound,
}

/// How `stored` is kept, and under which key id if sealed.
pub fn kept(stored: &str) -> (Kept, Option<&str>) {
    fn key_id(rest: &str) -> Option<&str> {
        rest.split(':').next()
    }
    if let Some(rest) = stored.strip_prefix(PREFIX) {
        (Kept::Bound, key_id(rest))
    } else if let Some(rest) = stored.strip_prefix(UNBOUND_PREFIX) {
        (Kept::Unbound, key_id(rest))
    } else {
        (Kept::Plain, None)
    }
}

/// The data keys: one that seals, any number that open.
pub struct Sealer {
    current_id: String,
    keys: HashMap<String, Aes256Gcm>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("current_id", &self.current_id)
            .finish_non_exhaustive()
    }
}

impl Sealer {
    /// The data keys as configured (`DATA_KEY`, `DATA_KEYS_OLD`), read the
    /// same way by every command: an unset or empty key is no key.
    pub fn from_settings(
        data_key: Option<&str>,
        data_keys_old: Option<&str>,
    ) -> anyhow::Result<Option<Sealer>> {
        data_key
            .filter(|key| !key.trim().is_empty())
            .map(|key| Sealer::from_config(key, data_keys_old))
            .transpose()
    }

    /// `current` is `ID:BASE64` (or just `BASE64`, id `k1`) of 32 random
    /// bytes; `older` lists retired keys the same way, comma-separated.
    pub fn from_config(current: &str, older: Option<&str>) -> anyhow::Result<Sealer> {
        let (current_id, cipher) = parse_key(current).context("DATA_KEY")?;
        let mut keys = HashMap::from([(current_id.clone(), cipher)]);
        for entry in older
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            let (id, cipher) = parse_key(entry).context("DATA_KEYS_OLD")?;
            // Two keys under one id: only one could ever open what was
            // sealed under it; say so rather than drop one silently.
            anyhow::ensure!(
                !keys.contains_key(&id),
                "DATA_KEYS_OLD: key id “{id}” is used twice (by DATA_KEY or another old key); give each key its own id"
            );
            keys.insert(id, cipher);
        }
        Ok(Sealer { current_id, keys })
    }

    /// The id of the key that seals.
    pub fn current_id(&self) -> &str {
        &self.current_id
    }

    /// Seals `plaintext` for row `key` of `column`.
    pub fn seal(&self, column: Column, key: i64, plaintext: &str) -> anyhow::Result<String> {
        let mut nonce = [0u8; 12];
        getrandom::getrandom(&mut nonce).context("no randomness for a nonce")?;
        let cipher = &self.keys[&self.current_id];
        let place = column.place(key);
        let sealed = cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: place.as_bytes(),
                },
            )
            .map_err(|_| anyhow::anyhow!("cannot encrypt"))?;
        let mut blob = nonce.to_vec();
        blob.extend(sealed);
        Ok(format!(
            "{PREFIX}{}:{}",
            self.current_id,
            STANDARD.encode(blob)
        ))
    }

    /// Opens the value stored in row `key` of `column`.
    pub fn open(&self, column: Column, key: i64, stored: &str) -> anyhow::Result<String> {
        let (kept, _) = kept(stored);
        if kept == Kept::Plain && stored.is_empty() {
            return Ok(String::new()); // nothing to protect (a column's default)
        }
        let (rest, place) = match kept {
            Kept::Plain => anyhow::bail!(
                "{}.{} of row {key} is stored in plain although a data key is set: run `navigator seal` to encrypt what was stored before the key",
                column.table,
                column.name
            ),
            Kept::Unbound => (&stored[UNBOUND_PREFIX.len()..], None),
            Kept::Bound => (&stored[PREFIX.len()..], Some(column.place(key))),
        };
        let (id, encoded) = rest
            .split_once(':')
            .context("a sealed value without a key id")?;
        let cipher = self.keys.get(id).with_context(|| {
            format!("the data was sealed with key “{id}”, which is not configured (DATA_KEYS_OLD?)")
        })?;
        let blob = STANDARD
            .decode(encoded)
            .context("a sealed value is not base64")?;
        anyhow::ensure!(blob.len() > 12, "a sealed value is too short");
        let (nonce, sealed) = blob.split_at(12);
        let aad = place.as_deref().unwrap_or_default().as_bytes();
        let plain = cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad })
            .map_err(|_| {
                anyhow::anyhow!(
                    "a sealed value of {}.{} does not open with key “{id}” in row {key} (wrong key, altered, or moved from another row)",
                    column.table,
                    column.name
                )
            })?;
        String::from_utf8(plain).context("a sealed value is not text")
    }

    /// Whether a stored value is as `navigator seal` leaves it: bound, under
    /// the current key.
    pub fn is_current(&self, stored: &str) -> bool {
        kept(stored) == (Kept::Bound, Some(self.current_id.as_str()))
    }
}

/// Seals with `sealer` when there is one; plaintext otherwise.
pub fn seal(
    sealer: Option<&Sealer>,
    column: Column,
    key: i64,
    plaintext: &str,
) -> anyhow::Result<String> {
    sealer.map_or_else(
        || Ok(plaintext.to_owned()),
        |s| s.seal(column, key, plaintext),
    )
}

/// Opens a value; a sealed value without a sealer is an error (never shown).
pub fn open(
    sealer: Option<&Sealer>,
    column: Column,
    key: i64,
    stored: &str,
) -> anyhow::Result<String> {
    match sealer {
        Some(sealer) => sealer.open(column, key, stored),
        None if kept(stored).0 != Kept::Plain => {
            anyhow::bail!("the database holds encrypted data: set DATA_KEY")
        }
        None => Ok(stored.to_owned()),
    }
}

fn parse_key(entry: &str) -> anyhow::Result<(String, Aes256Gcm)> {
    let (id, encoded) = match entry.split_once(':') {
        Some((id, encoded)) => (id.trim().to_owned(), encoded.trim()),
        None => ("k1".to_owned(), entry.trim()),
    };
    anyhow::ensure!(
        !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "a key id must be letters, digits, - or _"
    );
    let bytes = STANDARD
        .decode(encoded)
        .context("the key is not base64 (generate one: openssl rand -base64 32)")?;
    anyhow::ensure!(
        bytes.len() == 32,
        "the key must be 32 bytes (base64 of 32 random bytes), not {}",
        bytes.len()
    );
    let cipher = Aes256Gcm::new_from_slice(&bytes).map_err(|_| anyhow::anyhow!("invalid key"))?;
    Ok((id, cipher))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_A: &str = "a:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    const KEY_B: &str = "b:HxsdHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=";

    #[test]
    fn every_command_reads_the_keys_alike_an_empty_key_is_none() {
        for unset in [None, Some(""), Some("  ")] {
            assert!(Sealer::from_settings(unset, Some(KEY_B)).unwrap().is_none());
        }
        let sealer = Sealer::from_settings(Some(KEY_A), Some(KEY_B))
            .unwrap()
            .unwrap();
        assert_eq!(sealer.current_id, "a");
        assert!(Sealer::from_settings(Some("a:short"), None).is_err());
    }

    #[test]
    fn seals_and_opens_and_never_repeats_a_ciphertext() {
        let sealer = Sealer::from_config(KEY_A, None).unwrap();
        let first = sealer.seal(CASE_SUMMARY, 7, "Ana, 56, EGFR").unwrap();
        let second = sealer.seal(CASE_SUMMARY, 7, "Ana, 56, EGFR").unwrap();
        assert!(first.starts_with("enc2:a:") && !first.contains("Ana"));
        assert_ne!(first, second, "a fresh nonce every time");
        assert_eq!(
            sealer.open(CASE_SUMMARY, 7, &first).unwrap(),
            "Ana, 56, EGFR"
        );
        assert!(sealer.is_current(&first));
    }

    #[test]
    fn a_sealed_value_opens_only_in_its_own_place() {
        let sealer = Sealer::from_config(KEY_A, None).unwrap();
        let sealed = sealer.seal(DRAFT, 101, "my draft").unwrap();
        for (column, key) in [(DRAFT, 102), (CASE_ANSWERS, 101), (UPDATE_PAYLOAD, 101)] {
            let err = sealer.open(column, key, &sealed).unwrap_err().to_string();
            assert!(err.contains("moved from another row"), "{err}");
        }
        assert_eq!(sealer.open(DRAFT, 101, &sealed).unwrap(), "my draft");
    }

    #[test]
    fn plain_values_are_refused_once_a_key_is_set_and_unbound_ones_still_open() {
        let sealer = Sealer::from_config(KEY_A, None).unwrap();
        let err = sealer
            .open(CASE_TITLE, 3, "plain legacy")
            .unwrap_err()
            .to_string();
        assert!(err.contains("run `navigator seal`"), "{err}");
        assert_eq!(open(None, CASE_TITLE, 3, "plain").unwrap(), "plain");
        // The first format, sealed without its place (kept for old rows).
        let cipher = &sealer.keys["a"];
        let nonce = [7u8; 12];
        let mut blob = nonce.to_vec();
        blob.extend(
            cipher
                .encrypt(Nonce::from_slice(&nonce), b"old".as_slice())
                .unwrap(),
        );
        let unbound = format!("enc1:a:{}", STANDARD.encode(blob));
        assert_eq!(sealer.open(CASE_TITLE, 3, &unbound).unwrap(), "old");
        assert!(!sealer.is_current(&unbound));
        assert_eq!(kept(&unbound), (Kept::Unbound, Some("a")));
    }

    #[test]
    fn rotation_keeps_old_data_readable_and_wrong_keys_fail_loudly() {
        let old = Sealer::from_config(KEY_A, None).unwrap();
        let sealed = old.seal(OUTBOX_JOB, 1, "secret").unwrap();
        let rotated = Sealer::from_config(KEY_B, Some(KEY_A)).unwrap();
        assert_eq!(rotated.open(OUTBOX_JOB, 1, &sealed).unwrap(), "secret");
        assert!(!rotated.is_current(&sealed), "`navigator seal` rewrites it");
        assert!(
            rotated
                .seal(OUTBOX_JOB, 1, "x")
                .unwrap()
                .starts_with("enc2:b:")
        );
        let without_old = Sealer::from_config(KEY_B, None).unwrap();
        assert!(
            without_old
                .open(OUTBOX_JOB, 1, &sealed)
                .unwrap_err()
                .to_string()
                .contains("not configured")
        );
        let tampered = sealed.replacen("enc2:a:", "enc2:a:A", 1);
        assert!(old.open(OUTBOX_JOB, 1, &tampered).is_err());
        assert!(
            open(None, OUTBOX_JOB, 1, &sealed)
                .unwrap_err()
                .to_string()
                .contains("set DATA_KEY")
        );
    }

    #[test]
    fn bad_keys_are_explained() {
        assert!(
            Sealer::from_config("short", None)
                .unwrap_err()
                .chain()
                .any(|e| e.to_string().contains("32 bytes") || e.to_string().contains("base64"))
        );
        assert!(
            Sealer::from_config("bad id!:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", None)
                .is_err()
        );
        // An old key under the current key's id (or twice) is refused, not
        // silently dropped.
        let same_id = KEY_B.replacen("b:", "a:", 1);
        let err = Sealer::from_config(KEY_A, Some(&same_id)).unwrap_err();
        assert!(err.to_string().contains("“a” is used twice"), "{err:#}");
        let twice = format!("{KEY_B},{KEY_B}");
        assert!(Sealer::from_config(KEY_A, Some(&twice)).is_err());
    }
}
