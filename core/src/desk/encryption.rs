//! The encryption part of [`Desk`]: whether the database is encrypted, and setting or changing the
//! desk's passphrase (administrators only). See `store::cipher`.

use serde::Serialize;
use tenin_domain::error::Detail;

use super::Desk;
use tenin_domain::access::Permission;
use tenin_domain::error::{Problem, Problems, Result};
use tenin_store::audit;
use tenin_store::cipher::Passphrase;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Encryption {
    pub encrypted: bool,
    /// How the key is made from the passphrase, for the settings screen and the documentation.
    pub method: String,
    /// A new recovery key, made with a new passphrase: shown once (only in the answer to
    /// [`Desk::set_passphrase`]).
    pub recovery_key: Option<String>,
}

const METHOD: &str = "SQLCipher 4 (AES-256, PBKDF2-HMAC-SHA512 256,000回)";

impl Desk {
    pub fn encryption(&self) -> Result<Encryption> {
        self.allow(Permission::Read)?;
        Ok(Encryption { encrypted: self.store.is_encrypted(), method: METHOD.to_owned(), recovery_key: None })
    }

    /// Encrypts the database under `new`, or, if it is encrypted already, changes the passphrase
    /// (the current one must be given). Existing backups keep the passphrase they were made with.
    /// A new recovery key is made with the new passphrase (and the escrow sealed to it) and
    /// returned once.
    pub fn set_passphrase(&mut self, current: Option<&str>, new: &str) -> Result<Encryption> {
        let actor = self.allow(Permission::Administer)?.id.clone();
        let mut problems = Problems::default();
        if self.store.is_encrypted() && !current.is_some_and(|c| self.store.key_matches(&Passphrase::new(c))) {
            problems.add_detail("current", Problem::Invalid, Detail::WrongCurrentPassphrase);
        }
        let checked = Passphrase::checked_new(new, "passphrase");
        if let Err(crate::Error::Validation(found)) = &checked {
            for p in found {
                problems.push(p.clone());
            }
        }
        problems.into_result()?;
        let new = checked?;
        let was_encrypted = self.store.is_encrypted();
        self.store.rekey(&new)?;
        let action = if was_encrypted { "passphrase_changed" } else { "encrypted" };
        let after = serde_json::json!({ "method": METHOD });
        self.store.write(|tx| {
            audit::record(
                tx,
                audit::Change::<(), _> {
                    user_id: &actor,
                    action: audit::Action::Update,
                    entity: "database",
                    entity_id: action,
                    before: None,
                    after: Some(&after),
                },
            )
        })?;
        let recovery_key = self.new_recovery_key()?;
        Ok(Encryption { recovery_key: Some(recovery_key), ..self.encryption()? })
    }
}
