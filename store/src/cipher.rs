//! Encryption at rest with SQLCipher: the database file is encrypted page by page under a key that
//! SQLCipher derives from the desk's passphrase (PBKDF2-HMAC-SHA512, 256,000 iterations, a random
//! salt in the file). Every connection to an encrypted file gives the key first; a file beside the
//! database (`tenin.db.cipher`) says that the desk is encrypted, so the app asks for the passphrase
//! instead of calling the file "not a database".

use std::fs;
use std::path::{Path, PathBuf};
use tenin_domain::error::Detail;

use rusqlite::{Connection, OpenFlags};

use crate::Result;
use tenin_domain::error::{Error, Problem, Problems};

pub const MARKER_SUFFIX: &str = ".cipher";
/// The passphrase escrow beside the database: the passphrase encrypted to the recovery key.
pub const ESCROW_SUFFIX: &str = ".recovery";
pub const MIN_LENGTH: usize = 10;

/// The desk's passphrase, held in memory while the desk is open (for backups, which are encrypted
/// under the same key). Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Passphrase(String);

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

impl Passphrase {
    pub fn new(text: impl Into<String>) -> Passphrase {
        Passphrase(text.into())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The passphrase itself, for sealing it to the recovery key (never printed or logged).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A new passphrase must be long enough to resist guessing: at least ten characters.
    pub fn checked_new(text: &str, field: &str) -> tenin_domain::Result<Passphrase> {
        let mut problems = Problems::default();
        let length = text.chars().count();
        if length == 0 {
            problems.add(field, Problem::Required);
        } else if length < MIN_LENGTH {
            let range = Problem::OutOfRange { min: MIN_LENGTH as i32, max: 256 };
            problems.add_detail(field, range, Detail::TooShort { min: MIN_LENGTH as u32 });
        } else if length > 256 {
            problems.add(field, Problem::TooLong { max: 256 });
        }
        problems.into_result()?;
        Ok(Passphrase(text.to_owned()))
    }
}

/// The file that says `database` is encrypted.
pub fn marker(database: &Path) -> PathBuf {
    beside(database, MARKER_SUFFIX)
}

/// The passphrase escrow of `database` (see `tenin_domain::recovery_key`).
pub fn escrow(database: &Path) -> PathBuf {
    beside(database, ESCROW_SUFFIX)
}

fn beside(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    database.with_file_name(name)
}

/// Keeps `sealed` (the passphrase sealed to the recovery key) beside the database, owner-only.
pub fn keep_escrow(database: &Path, sealed: &[u8]) -> std::io::Result<()> {
    let fresh = beside(database, &format!("{ESCROW_SUFFIX}.new"));
    crate::private_files::write(&fresh, sealed)?;
    fs::rename(&fresh, escrow(database))
}

/// The escrow kept beside the database, if any (at most 64 KiB read).
pub fn read_escrow(database: &Path) -> Option<Vec<u8>> {
    let path = escrow(database);
    let small = fs::metadata(&path).is_ok_and(|m| m.is_file() && m.len() <= 64 * 1024);
    if small { fs::read(path).ok() } else { None }
}

pub fn is_marked(database: &Path) -> bool {
    marker(database).exists()
}

pub fn mark(database: &Path) -> std::io::Result<()> {
    let note = "SQLCipher 4 (PBKDF2-HMAC-SHA512, 256000 iterations). The passphrase is not stored anywhere.\n";
    crate::private_files::write(&marker(database), note.as_bytes())
}

/// Gives the key to a freshly opened connection; must come before anything reads the file.
pub(crate) fn apply(conn: &Connection, key: Option<&Passphrase>) -> rusqlite::Result<()> {
    let Some(key) = key else { return Ok(()) };
    // A wrong key is an answer we give the user ourselves; SQLCipher's own log line on stderr
    // ("hmac check failed") would only alarm.
    conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(())).or_else(|e| match e {
        rusqlite::Error::QueryReturnedNoRows => Ok(()),
        other => Err(other),
    })?;
    conn.pragma_update(None, "key", key.0.as_str())
}

/// Whether the key opens the file: SQLCipher only notices a wrong key on the first read.
pub(crate) fn opens(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()))
}

/// Opens `path` with `key` (read-only or read-write).
pub(crate) fn open(path: &Path, key: Option<&Passphrase>, flags: OpenFlags) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(path, flags)?;
    apply(&conn, key)?;
    Ok(conn)
}

/// Copies the database behind `from` into a new file at `to`, under the same key, with SQLite's
/// online backup; the copy is left out of WAL mode (one self-contained file).
pub(crate) fn copy_to(from: &Connection, to: &Path, key: Option<&Passphrase>) -> rusqlite::Result<()> {
    // Owner-only before SQLite writes anything into it.
    let _ = crate::private_files::create_file(to);
    let mut target = open(to, key, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)?;
    {
        let backup = rusqlite::backup::Backup::new(from, &mut target)?;
        backup.run_to_completion(256, std::time::Duration::ZERO, None)?;
    }
    target.pragma_update_and_check(None, "journal_mode", "DELETE", |row| row.get::<_, String>(0))?;
    target.close().map_err(|(_, e)| e)
}

/// Replaces the database behind `into` with the file at `from` (opened with `key`).
pub(crate) fn copy_from(into: &mut Connection, from: &Path, key: Option<&Passphrase>) -> rusqlite::Result<()> {
    let source = open(from, key, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let backup = rusqlite::backup::Backup::new(&source, into)?;
    backup.run_to_completion(256, std::time::Duration::ZERO, None)
}

/// Writes the database behind `conn` to `to`, encrypted under `new`, with `sqlcipher_export`, and
/// checks the result opens under `new` and is whole. `conn`'s file is not changed.
pub fn export(conn: &Connection, to: &Path, new: &Passphrase, version: u32) -> Result<()> {
    let _ = fs::remove_file(to);
    let _ = crate::private_files::create_file(to);
    let shown = to.display().to_string();
    conn.execute("ATTACH DATABASE ?1 AS rekeyed KEY ?2", rusqlite::params![shown, new.0])?;
    let exported = conn
        .query_row("SELECT sqlcipher_export('rekeyed')", [], |_| Ok(()))
        .and_then(|()| conn.execute_batch(&format!("PRAGMA rekeyed.user_version = {version}")));
    conn.execute_batch("DETACH DATABASE rekeyed")?;
    exported?;
    let check = open(to, Some(new), OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let integrity: String = check.pragma_query_value(None, "integrity_check", |row| row.get(0))?;
    let copied: u32 = check.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if integrity != "ok" || copied != version {
        let _ = fs::remove_file(to);
        return Err(Error::Io(format!("暗号化したデータベースの検査に失敗しました（{integrity}）")).into());
    }
    Ok(())
}
