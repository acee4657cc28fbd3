//! The desk's recovery key: a random code shown once at set-up (and at every change of passphrase)
//! to print and keep in the office safe. It opens the break-glass path when no administrator can
//! sign in (`tenin recover`), and, on an encrypted desk, unlocks the passphrase escrow kept beside
//! the database when the passphrase itself is forgotten.
//!
//! The code is 160 random bits written as 32 characters of Crockford's base32 in groups of four
//! (`7K3M-…`); reading it back forgives case, full-width characters, spaces, hyphens, and the letters
//! people confuse with digits (O→0, I/L→1). Only an argon2id hash of it is stored in the database;
//! the escrow is the passphrase encrypted to it with age's scrypt recipient.

use age::secrecy::SecretString;

use crate::error::{Error, Result};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const BYTES: usize = 20;
/// Characters of a whole code, without the hyphens.
pub const LENGTH: usize = BYTES * 8 / 5;

/// A recovery key as shown to the administrator (eight groups of four characters, `7K3M-…`). Never
/// stored in the clear.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryKey(String);

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(…)")
    }
}

impl RecoveryKey {
    pub fn generate() -> RecoveryKey {
        let mut bytes = [0u8; BYTES];
        getrandom::fill(&mut bytes).expect("the operating system's random source");
        let mut code = String::with_capacity(LENGTH);
        let mut buffer: u32 = 0;
        let mut bits = 0;
        for byte in bytes {
            buffer = (buffer << 8) | u32::from(byte);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                code.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
            }
        }
        RecoveryKey(code)
    }

    /// Reads a code as typed or printed; refuses one of the wrong length or with other characters.
    pub fn parse(typed: &str) -> Result<RecoveryKey> {
        let folded: String = crate::text::fold_width(typed)
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            })
            .collect();
        if folded.chars().count() != LENGTH || !folded.bytes().all(|b| ALPHABET.contains(&b)) {
            return Err(Error::refused("recovery_key", "回復キーの形が違います（4文字ずつ8組、32文字）"));
        }
        Ok(RecoveryKey(folded))
    }

    /// The code in groups of four, for printing.
    pub fn shown(&self) -> String {
        self.0.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
    }

    /// The stored check: an argon2id hash, like a password's.
    pub fn hash(&self) -> Result<String> {
        crate::password::hash(&self.0)
    }

    pub fn matches(&self, stored_hash: &str) -> bool {
        crate::password::verify(&self.0, stored_hash)
    }

    /// The desk's passphrase, encrypted to this key (age, scrypt). Kept beside the database.
    pub fn seal_escrow(&self, passphrase: &str) -> Result<Vec<u8>> {
        let mut recipient = age::scrypt::Recipient::new(SecretString::from(self.0.clone()));
        // 160 random bits need no slow key derivation; keep opening quick.
        recipient.set_work_factor(14);
        age::encrypt(&recipient, passphrase.as_bytes()).map_err(|e| Error::Io(format!("回復用の控えを作れません: {e}")))
    }

    /// The passphrase from an escrow sealed to this key.
    pub fn open_escrow(&self, escrow: &[u8]) -> Result<String> {
        let identity = age::scrypt::Identity::new(SecretString::from(self.0.clone()));
        let wrong = || Error::refused("recovery_key", "回復キーが違います（または控えが壊れています）");
        let plain = age::decrypt(&identity, escrow).map_err(|_| wrong())?;
        String::from_utf8(plain).map_err(|_| wrong())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_however_it_was_typed() {
        let key = RecoveryKey::generate();
        let shown = key.shown();
        assert_eq!(shown.len(), LENGTH + 7, "{shown}");
        let typed = shown.to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
        let full_width: String = typed
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() { char::from_u32(c as u32 + 0xFEE0).expect("full-width form") } else { c }
            })
            .collect();
        assert_eq!(RecoveryKey::parse(&full_width).expect("read"), key);
        assert!(RecoveryKey::parse(&shown[..20]).is_err(), "too short");
        assert!(RecoveryKey::parse(&format!("{}U", &key.0[..LENGTH - 1])).is_err(), "U is not in the alphabet");
        assert_ne!(RecoveryKey::generate(), key);
    }

    #[test]
    fn the_escrow_opens_with_its_key_only() {
        let key = RecoveryKey::generate();
        let escrow = key.seal_escrow("合言葉は長くても大丈夫").expect("sealed");
        assert_eq!(key.open_escrow(&escrow).expect("opened"), "合言葉は長くても大丈夫");
        assert!(RecoveryKey::generate().open_escrow(&escrow).is_err());
        let hash = key.hash().expect("hash");
        assert!(key.matches(&hash) && !RecoveryKey::generate().matches(&hash));
    }
}
