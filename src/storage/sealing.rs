//! Encryption at rest for what patients write: intake answers, case
//! summaries and titles, stored updates (message texts) and queued messages
//! are sealed with AES-256-GCM before they reach the database.
//!
//! A sealed value reads `enc1:<key id>:<base64(nonce ‖ ciphertext)>`.
//! Values without the prefix are plaintext (a database used without a key,
//! e.g. in development). Rotation: the current key seals; older keys, kept
//! under their ids, still open what they sealed until it is written again.

use std::collections::HashMap;

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

const PREFIX: &str = "enc1:";

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

    pub fn seal(&self, plaintext: &str) -> anyhow::Result<String> {
        let mut nonce = [0u8; 12];
        getrandom::getrandom(&mut nonce).context("no randomness for a nonce")?;
        let cipher = &self.keys[&self.current_id];
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), plaintext.as_bytes())
            .map_err(|_| anyhow::anyhow!("cannot encrypt"))?;
        let mut blob = nonce.to_vec();
        blob.extend(sealed);
        Ok(format!(
            "{PREFIX}{}:{}",
            self.current_id,
            STANDARD.encode(blob)
        ))
    }

    pub fn open(&self, stored: &str) -> anyhow::Result<String> {
        let Some(rest) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_owned());
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
        let plain = cipher
            .decrypt(Nonce::from_slice(nonce), sealed)
            .map_err(|_| {
                anyhow::anyhow!(
                    "a sealed value does not open with key “{id}” (wrong key, or altered)"
                )
            })?;
        String::from_utf8(plain).context("a sealed value is not text")
    }
}

/// Seals with `sealer` when there is one; plaintext otherwise.
pub fn seal(sealer: Option<&Sealer>, plaintext: &str) -> anyhow::Result<String> {
    sealer.map_or_else(|| Ok(plaintext.to_owned()), |s| s.seal(plaintext))
}

/// Opens a value; a sealed value without a sealer is an error (never shown).
pub fn open(sealer: Option<&Sealer>, stored: &str) -> anyhow::Result<String> {
    match sealer {
        Some(sealer) => sealer.open(stored),
        None if stored.starts_with(PREFIX) => {
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
    fn seals_and_opens_and_never_repeats_a_ciphertext() {
        let sealer = Sealer::from_config(KEY_A, None).unwrap();
        let first = sealer.seal("Ana, 56, EGFR").unwrap();
        let second = sealer.seal("Ana, 56, EGFR").unwrap();
        assert!(first.starts_with("enc1:a:") && !first.contains("Ana"));
        assert_ne!(first, second, "a fresh nonce every time");
        assert_eq!(sealer.open(&first).unwrap(), "Ana, 56, EGFR");
        assert_eq!(sealer.open("plain legacy").unwrap(), "plain legacy");
    }

    #[test]
    fn rotation_keeps_old_data_readable_and_wrong_keys_fail_loudly() {
        let old = Sealer::from_config(KEY_A, None).unwrap();
        let sealed = old.seal("secret").unwrap();
        let rotated = Sealer::from_config(KEY_B, Some(KEY_A)).unwrap();
        assert_eq!(rotated.open(&sealed).unwrap(), "secret");
        assert!(rotated.seal("x").unwrap().starts_with("enc1:b:"));
        let without_old = Sealer::from_config(KEY_B, None).unwrap();
        assert!(
            without_old
                .open(&sealed)
                .unwrap_err()
                .to_string()
                .contains("not configured")
        );
        let tampered = sealed.replacen("enc1:a:", "enc1:a:A", 1);
        assert!(old.open(&tampered).is_err());
        assert!(
            open(None, &sealed)
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
