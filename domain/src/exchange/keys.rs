//! The keys of the exchange: an Ed25519 key pair that signs what a party sends, and an age X25519
//! identity that opens what is encrypted to it. The desk's pair is made when its database is set up
//! and lives inside that database (so an encrypted desk keeps it encrypted); hospitals' public
//! halves are kept in the directory.
//!
//! Text forms: `ed25519:<base64 of 32 bytes>` for a public signing key, `ed25519-secret:<base64>`
//! for a secret one, age's own `age1…` / `AGE-SECRET-KEY-1…` for encryption.

use std::str::FromStr;

/// The age keys a package is encrypted to and opened with.
pub use age::x25519::{Identity, Recipient};
/// A party's public signing key, as [`parse_public`] reads it.
pub use ed25519_dalek::VerifyingKey;

use age::secrecy::ExposeSecret;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier};

const PUBLIC_PREFIX: &str = "ed25519:";
const SECRET_PREFIX: &str = "ed25519-secret:";

/// Why a key's text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("鍵の形式が正しくありません: {0}")]
pub struct BadKey(pub String);

/// A party's own keys: it signs with the first and is sent encrypted packages under the second.
pub struct KeyPair {
    signing: SigningKey,
    age: age::x25519::Identity,
}

impl KeyPair {
    /// A fresh pair from the operating system's random source.
    pub fn generate() -> KeyPair {
        let mut seed = [0u8; 32];
        // Without the operating system's random source no key can be made; nothing to recover.
        getrandom::fill(&mut seed).expect("the operating system's random source");
        KeyPair { signing: SigningKey::from_bytes(&seed), age: age::x25519::Identity::generate() }
    }

    /// The stored form: the secret signing key and the age identity, one per line.
    pub fn to_secret_text(&self) -> String {
        format!("{SECRET_PREFIX}{}\n{}", BASE64.encode(self.signing.to_bytes()), self.age.to_string().expose_secret())
    }

    pub fn from_secret_text(text: &str) -> Result<KeyPair, BadKey> {
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let signing = lines.next().ok_or_else(|| BadKey("空です".into()))?;
        let seed = signing
            .strip_prefix(SECRET_PREFIX)
            .and_then(|b| BASE64.decode(b).ok())
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| BadKey("署名用の秘密鍵".into()))?;
        let age = lines
            .next()
            .and_then(|line| age::x25519::Identity::from_str(line).ok())
            .ok_or_else(|| BadKey("暗号化用の秘密鍵".into()))?;
        Ok(KeyPair { signing: SigningKey::from_bytes(&seed), age })
    }

    pub fn public(&self) -> PublicKeys {
        PublicKeys { signing: public_text(&self.signing.verifying_key()), encryption: self.age.to_public().to_string() }
    }

    /// The signature of `message`, base64.
    pub fn sign(&self, message: &[u8]) -> String {
        BASE64.encode(self.signing.sign(message).to_bytes())
    }

    pub fn age_identity(&self) -> &age::x25519::Identity {
        &self.age
    }
}

/// A party's public keys as text, as the directory keeps them and `tenin package keys` prints them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PublicKeys {
    /// `ed25519:<base64>`: checks the party's signatures.
    pub signing: String,
    /// `age1…`: what packages to the party are encrypted to.
    pub encryption: String,
}

fn public_text(key: &VerifyingKey) -> String {
    format!("{PUBLIC_PREFIX}{}", BASE64.encode(key.to_bytes()))
}

/// Reads a public signing key (`ed25519:<base64>`), full-width and spaces tolerated.
pub fn parse_public(text: &str) -> Result<VerifyingKey, BadKey> {
    let text = crate::text::fold_width(text);
    text.strip_prefix(PUBLIC_PREFIX)
        .and_then(|b| BASE64.decode(b.trim()).ok())
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| VerifyingKey::from_bytes(&b).ok())
        .ok_or_else(|| BadKey(format!("署名の公開鍵は {PUBLIC_PREFIX} で始まる文字列です")))
}

/// Reads an age recipient (`age1…`).
pub fn parse_recipient(text: &str) -> Result<age::x25519::Recipient, BadKey> {
    age::x25519::Recipient::from_str(crate::text::fold_width(text).trim())
        .map_err(|_| BadKey("暗号化の公開鍵は age1 で始まる文字列です".into()))
}

/// The normalised text of a public signing key, as the directory stores it.
pub fn normalize_public(text: &str) -> Result<String, BadKey> {
    parse_public(text).map(|key| public_text(&key))
}

/// Whether `signature` (base64) is `key`'s signature of `message`.
pub fn verify(key: &VerifyingKey, message: &[u8], signature: &str) -> bool {
    let Ok(bytes) = BASE64.decode(signature.trim()) else {
        return false;
    };
    let Ok(bytes) = <[u8; 64]>::try_from(bytes) else {
        return false;
    };
    key.verify(message, &Signature::from_bytes(&bytes)).is_ok()
}
