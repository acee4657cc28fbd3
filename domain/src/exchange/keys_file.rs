//! The keys file: one party's public identity, as the other end registers it — the desk's (for a
//! hospital edition's set-up) or a hospital's (for the desk's registration). One format for both
//! sides, with a short fingerprint to read out and compare by phone.

use serde::{Deserialize, Serialize};

use super::keys::{self, PublicKeys};
use crate::edition::Edition;

pub const KEYS_FORMAT: &str = "tenin-keys";

/// A party's public keys as exported (`tenin package keys --export FILE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KeysFile {
    pub format: String,
    pub version: u32,
    /// Which end this is.
    pub party: Edition,
    /// The desk's id, or the hospital's medical-institution code.
    pub id: String,
    pub name: String,
    /// `ed25519:…`
    pub signing: String,
    /// `age1…`
    pub encryption: String,
    /// [`fingerprint`] of the two keys, for checking by phone.
    pub fingerprint: String,
}

/// 16 hex digits of the SHA-256 of both keys, in four groups (「1A2B-3C4D-5E6F-7A8B」): short enough
/// to read out, long enough that no one finds another pair with the same.
pub fn fingerprint(keys: &PublicKeys) -> String {
    let digest = super::package::sha256_hex(format!("{}\n{}", keys.signing, keys.encryption).as_bytes());
    let upper = digest[..16].to_uppercase();
    upper.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

impl KeysFile {
    pub fn new(party: Edition, id: &str, name: &str, keys: &PublicKeys) -> KeysFile {
        KeysFile {
            format: KEYS_FORMAT.to_owned(),
            version: 1,
            party,
            id: id.to_owned(),
            name: name.to_owned(),
            signing: keys.signing.clone(),
            encryption: keys.encryption.clone(),
            fingerprint: fingerprint(keys),
        }
    }

    /// Reads a keys file, checking its keys and that its fingerprint matches them.
    pub fn read(text: &str) -> Result<KeysFile, keys::BadKey> {
        let file: KeysFile =
            serde_json::from_str(text).map_err(|e| keys::BadKey(format!("鍵ファイルとして読めません: {e}")))?;
        if file.format != KEYS_FORMAT || file.version != 1 {
            return Err(keys::BadKey(format!("鍵ファイルの形式が違います（{} {}）", file.format, file.version)));
        }
        keys::parse_public(&file.signing)?;
        keys::parse_recipient(&file.encryption)?;
        if fingerprint(&file.public()) != file.fingerprint {
            return Err(keys::BadKey("指紋が鍵と一致しません（ファイルが書き換えられています）".into()));
        }
        if file.id.trim().is_empty() {
            return Err(keys::BadKey("ID がありません".into()));
        }
        Ok(file)
    }

    pub fn public(&self) -> PublicKeys {
        PublicKeys { signing: self.signing.clone(), encryption: self.encryption.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keys_file_reads_back_and_an_edited_key_is_caught_by_its_fingerprint() {
        let pair = keys::KeyPair::generate();
        let file = KeysFile::new(Edition::Desk, "desk-1", "県デスク", &pair.public());
        assert_eq!(file.fingerprint.len(), 19);
        let text = serde_json::to_string(&file).expect("json");
        assert_eq!(KeysFile::read(&text).expect("reads"), file);
        let other = keys::KeyPair::generate().public();
        let edited = text.replace(&file.signing, &other.signing);
        assert!(KeysFile::read(&edited).expect_err("caught").0.contains("指紋"));
    }
}
