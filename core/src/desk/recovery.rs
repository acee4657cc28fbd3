//! Recovery when people forget: the desk's recovery key (shown once at set-up and at every change
//! of passphrase, kept in the office safe) and the break-glass path it opens. With the key, someone
//! at the desk PC (physical access: the data folder) can make an administrator who can sign in
//! again, and, on an encrypted desk whose passphrase is forgotten, open the database through the
//! passphrase escrow beside it. Every use is audited (entity `break_glass`).

use std::path::Path;

use serde::Serialize;

use super::Desk;
use super::people::{Access, NewUserInput, checked_new_user, insert_user};
use tenin_domain::access::{Permission, Role};
use tenin_domain::error::{Error, Result};
use tenin_domain::recovery_key::RecoveryKey;
use tenin_store::cipher;
use tenin_store::{DATABASE_FILE, OpenError, audit, meta, users};

/// What the break-glass path did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Recovered {
    pub access: Access,
    /// The administrator existed and got a new password (else a new administrator was made).
    pub reset_existing: bool,
    /// The passphrase was forgotten and came from the escrow: change it now (a new recovery key
    /// is made with it).
    pub passphrase_from_escrow: bool,
}

/// The break-glass request: the recovery key, the administrator to reset or make, and the
/// passphrase if it is known (else the escrow is used).
#[derive(Debug, Clone)]
pub struct RecoveryInput {
    pub recovery_key: String,
    pub passphrase: Option<String>,
    pub admin: NewUserInput,
}

const MADE: &str = "made";

/// The audit entry of a new recovery key (never the key itself).
pub(super) fn made_change(user_id: &str) -> audit::Change<'_, (), &'static str> {
    audit::Change {
        user_id,
        action: audit::Action::Create,
        entity: "recovery_key",
        entity_id: "desk",
        before: None,
        after: Some(&MADE),
    }
}

impl Desk {
    /// Whether the desk has a recovery key (desks made before recovery keys existed have none
    /// until an administrator makes one).
    pub fn has_recovery_key(&self) -> Result<bool> {
        self.allow(Permission::Read)?;
        Ok(meta::get(self.store.read(), meta::RECOVERY_KEY_HASH)?.is_some())
    }

    /// Makes a new recovery key (the old one stops working) and, on an encrypted desk, a new
    /// escrow of the passphrase under it. Returns the key, to be shown once. Administrators only.
    pub fn new_recovery_key(&mut self) -> Result<String> {
        let actor = self.allow(Permission::Administer)?.id.clone();
        let code = RecoveryKey::generate();
        let hash = code.hash()?;
        if let Some(key) = self.store.passphrase() {
            let sealed = code.seal_escrow(key.expose())?;
            cipher::keep_escrow(self.store.path(), &sealed)
                .map_err(|e| Error::Io(format!("回復用の控えを書けません: {e}")))?;
        }
        self.store.write(|tx| -> Result<()> {
            meta::set(tx, meta::RECOVERY_KEY_HASH, &hash)?;
            Ok(audit::record(tx, made_change(&actor))?)
        })?;
        Ok(code.shown())
    }

    /// The break-glass path: opens the desk in `data_dir` (through the escrow when no passphrase is
    /// given and the desk is encrypted), checks the recovery key, and gives `input.admin` an
    /// administrator's account that can sign in — the existing one of that login gets the new
    /// password, is made an active administrator and its wait cleared; else a new one is made —
    /// then signs them in.
    pub fn recover(data_dir: &Path, input: &RecoveryInput) -> Result<(Desk, Recovered)> {
        let code = RecoveryKey::parse(&input.recovery_key)?;
        let opened = |e: OpenError| Error::Io(e.to_string());
        let (mut desk, from_escrow) = match input.passphrase.as_deref() {
            Some(passphrase) => (Desk::open_with_passphrase(data_dir, passphrase).map_err(opened)?, false),
            None => match Desk::open(data_dir) {
                Ok(desk) => (desk, false),
                Err(OpenError::NeedsPassphrase { .. } | OpenError::NotADatabase { .. }) => {
                    let escrow = cipher::read_escrow(&data_dir.join(DATABASE_FILE)).ok_or_else(|| {
                        Error::Io("回復用の控え（tenin.db.recovery）がありません。合言葉を指定してください".into())
                    })?;
                    let passphrase = code.open_escrow(&escrow)?;
                    (Desk::open_with_passphrase(data_dir, &passphrase).map_err(opened)?, true)
                }
                Err(e) => return Err(opened(e)),
            },
        };
        let stored = meta::get(desk.store.read(), meta::RECOVERY_KEY_HASH)?
            .ok_or_else(|| Error::refused("recovery_key", "このデスクには回復キーがありません"))?;
        if !code.matches(&stored) {
            return Err(Error::refused("recovery_key", "回復キーが違います"));
        }
        let admin = NewUserInput { role: Some(Role::Administrator), ..input.admin.clone() };
        let checked = checked_new_user(&admin)?;
        let system = desk.system.id.clone();
        let (user, reset_existing) = desk.store.write(|tx| -> Result<(users::User, bool)> {
            let (user, reset) = match users::by_login(tx, checked.login())?.filter(|u| u.login != users::SYSTEM_LOGIN) {
                Some(existing) => {
                    users::set_password(tx, &existing.id, checked.password_hash())?;
                    let current = users::by_id(tx, &existing.id)?.unwrap_or(existing);
                    users::update(tx, &current.id, current.version, &current.display_name, Role::Administrator, true)?;
                    (users::by_id(tx, &current.id)?.unwrap_or(current), true)
                }
                None => (insert_user(tx, &system, &checked)?, false),
            };
            let note = serde_json::json!({
                "login": user.login,
                "reset_existing": reset,
                "passphrase_from_escrow": from_escrow,
            });
            audit::record(
                tx,
                audit::Change::<(), _> {
                    user_id: &system,
                    action: audit::Action::Update,
                    entity: "break_glass",
                    entity_id: &user.id,
                    before: None,
                    after: Some(&note),
                },
            )?;
            Ok((user, reset))
        })?;
        let access = desk.start_session(user)?;
        Ok((desk, Recovered { access, reset_existing, passphrase_from_escrow: from_escrow }))
    }
}
