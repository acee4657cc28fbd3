//! Remembering an encrypted desk's passphrase in the operating system's credential store for the
//! user (the Secret Service on Linux desktops, Windows Credential Manager, macOS Keychain), so
//! nurses are not asked at every start. The entry is keyed by the desk's folder on this PC: a copy
//! of the file taken elsewhere finds nothing and stays unreadable without the passphrase. Where no
//! store exists (a headless machine, a session without one) nothing is remembered and the
//! passphrase is asked, as before.
//!
//! The store sits behind [`PassphraseStore`]: [`SystemStore`] is the real one, [`MemoryStore`] the
//! one tests use; one test runs [`SystemStore`] against a real Secret Service.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The credential store's service name (the app's identifier).
pub const SERVICE: &str = crate::data_dir::APP_IDENTIFIER;

pub trait PassphraseStore: Send + Sync {
    /// Whether this store can keep anything on this machine, now.
    fn available(&self) -> bool;
    fn recall(&self, desk: &Path) -> Option<String>;
    /// Keeps `passphrase` for the desk in `desk`, replacing what was kept; says why it could not.
    fn remember(&self, desk: &Path, passphrase: &str) -> Result<(), String>;
    /// Forgets it (nothing kept is not an error).
    fn forget(&self, desk: &Path) -> Result<(), String>;
}

/// The account name of a desk's entry: its folder, absolute.
fn account(desk: &Path) -> String {
    std::fs::canonicalize(desk).unwrap_or_else(|_| desk.to_owned()).display().to_string()
}

/// The operating system's credential store (through the `keyring` crate).
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemStore;

impl SystemStore {
    fn entry(desk: &Path) -> Result<keyring::Entry, String> {
        keyring::Entry::new(SERVICE, &account(desk)).map_err(|e| e.to_string())
    }
}

impl PassphraseStore for SystemStore {
    fn available(&self) -> bool {
        // Reading an entry that is not there answers "no entry" from a working store, and an
        // access error from none.
        match SystemStore::entry(Path::new("/")) {
            Ok(entry) => matches!(entry.get_password(), Ok(_) | Err(keyring::Error::NoEntry)),
            Err(_) => false,
        }
    }

    fn recall(&self, desk: &Path) -> Option<String> {
        SystemStore::entry(desk).ok()?.get_password().ok()
    }

    fn remember(&self, desk: &Path, passphrase: &str) -> Result<(), String> {
        SystemStore::entry(desk)?.set_password(passphrase).map_err(|e| e.to_string())
    }

    fn forget(&self, desk: &Path) -> Result<(), String> {
        match SystemStore::entry(desk)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// A store in memory, for tests.
#[derive(Debug, Default)]
pub struct MemoryStore(Mutex<HashMap<PathBuf, String>>);

impl MemoryStore {
    fn kept(&self) -> std::sync::MutexGuard<'_, HashMap<PathBuf, String>> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl PassphraseStore for MemoryStore {
    fn available(&self) -> bool {
        true
    }

    fn recall(&self, desk: &Path) -> Option<String> {
        self.kept().get(Path::new(&account(desk))).cloned()
    }

    fn remember(&self, desk: &Path, passphrase: &str) -> Result<(), String> {
        self.kept().insert(PathBuf::from(account(desk)), passphrase.to_owned());
        Ok(())
    }

    fn forget(&self, desk: &Path) -> Result<(), String> {
        self.kept().remove(Path::new(&account(desk)));
        Ok(())
    }
}

/// Opens the encrypted desk in `dir` with the passphrase `store` remembers for it, if any; a
/// remembered passphrase that no longer opens it (changed elsewhere) is forgotten.
pub fn open_remembered(store: &dyn PassphraseStore, dir: &Path) -> Option<crate::Desk> {
    let passphrase = store.recall(dir)?;
    match crate::Desk::open_with_passphrase(dir, &passphrase) {
        Ok(desk) => Some(desk),
        Err(tenin_store::OpenError::WrongPassphrase { .. }) => {
            let _ = store.forget(dir);
            None
        }
        Err(_) => None,
    }
}
