//! The store: the only part of the program that touches SQLite.
//!
//! [`Store::open`] checks a database before it changes anything in it: the data directory must be
//! writable, an existing file must be SQLite, must not come from a newer version of the program,
//! and must pass `PRAGMA quick_check`. A file that fails is left exactly as it was and the caller
//! gets an [`OpenError`] saying what is wrong. Only then are the connection settings applied
//! (WAL, `synchronous=FULL`, foreign keys, busy timeout) and pending migrations run, after a
//! backup copy of the old file is taken.

pub mod audit;
pub mod backup;
pub mod capacity;
pub mod contacts;
pub mod hospitals;
pub mod inquiries;
pub mod meta;
pub mod migrations;
pub mod placement_counts;
pub mod reference;
pub mod reports;
pub mod requests;
pub mod transport_bookings;
pub mod transport_providers;
pub mod users;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use serde::Serialize;

pub use migrations::LATEST_VERSION;

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "tenin.db";

pub(crate) const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Why a database could not be opened. Each variant maps to a start-up screen in the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OpenError {
    #[error("データフォルダに書き込めません: {path}（{detail}）")]
    NotWritable { path: String, detail: String },
    #[error("SQLiteのデータベースではないファイルです: {path}")]
    NotADatabase { path: String },
    #[error("データベースが破損しています: {path}（{detail}）")]
    Corrupt { path: String, detail: String },
    #[error(
        "新しいバージョンのアプリで作成されたデータベースです（スキーマ {found}、このアプリは {supported} まで）: {path}"
    )]
    TooNew { path: String, found: u32, supported: u32 },
    #[error("データベースを開けません: {path}（{detail}）")]
    Other { path: String, detail: String },
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir`, checked and migrated.
    pub fn open(data_dir: &Path) -> Result<Store, OpenError> {
        let path = data_dir.join(DATABASE_FILE);
        let shown = path.display().to_string();
        ensure_writable_dir(data_dir)?;
        check_header(&path)?;
        let other = |e: rusqlite::Error| classify(&shown, e);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(&path, flags).map_err(other)?;
        conn.busy_timeout(Duration::from_secs(5)).map_err(other)?;
        let found = migrations::current_version(&conn).map_err(other)?;
        if found > LATEST_VERSION {
            return Err(OpenError::TooNew { path: shown, found, supported: LATEST_VERSION });
        }
        let check: String = conn.pragma_query_value(None, "quick_check", |row| row.get(0)).map_err(other)?;
        if check != "ok" {
            return Err(OpenError::Corrupt { path: shown, detail: check });
        }
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0)).map_err(other)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(other)?;
        conn.pragma_update(None, "foreign_keys", true).map_err(other)?;
        if found > 0 && found < LATEST_VERSION {
            backup_before_migration(&conn, &path, found).map_err(other)?;
        }
        migrations::migrate(&mut conn).map_err(other)?;
        let mut store = Store { conn, path };
        // Entries from before the audit chain (schema 10) are sealed once, in order.
        store
            .write(|tx| audit::seal_unchained(tx))
            .map_err(|e| OpenError::Other { path: shown.clone(), detail: e.to_string() })?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> rusqlite::Result<u32> {
        migrations::current_version(&self.conn)
    }

    /// Runs `f` in one IMMEDIATE transaction: all of its writes commit together or none do.
    pub fn write<T, E: From<rusqlite::Error>>(&mut self, f: impl FnOnce(&Transaction) -> Result<T, E>) -> Result<T, E> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Read access; reads never change anything.
    pub fn read(&self) -> &Connection {
        &self.conn
    }

    /// Writes a checked backup of the live database into `dir` (see `backup::backup_to`).
    pub fn backup_to(&self, dir: &Path, stamp: &str) -> crate::Result<PathBuf> {
        backup::backup_to(&self.conn, dir, stamp)
    }

    /// Replaces the live database with a checked backup, keeping the current one aside.
    pub fn restore_from(&mut self, candidate: &Path, stamp: &str) -> crate::Result<PathBuf> {
        backup::restore(&mut self.conn, &self.path, candidate, stamp)
    }

    /// `PRAGMA integrity_check` (the full one), for `tenin status`.
    pub fn integrity_check(&self) -> rusqlite::Result<String> {
        self.conn.pragma_query_value(None, "integrity_check", |row| row.get(0))
    }
}

fn ensure_writable_dir(dir: &Path) -> Result<(), OpenError> {
    let not_writable =
        |e: std::io::Error| OpenError::NotWritable { path: dir.display().to_string(), detail: e.to_string() };
    fs::create_dir_all(dir).map_err(not_writable)?;
    // SQLite needs to create the -wal and -shm files beside the database: try a file of our own.
    let probe = dir.join(format!(".tenin-write-check-{}", std::process::id()));
    fs::write(&probe, b"").map_err(not_writable)?;
    fs::remove_file(&probe).map_err(not_writable)
}

/// Refuses a non-empty file that does not start with SQLite's header, before SQLite touches it.
fn check_header(path: &Path) -> Result<(), OpenError> {
    let shown = || path.display().to_string();
    let mut file = match fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(OpenError::NotWritable { path: shown(), detail: e.to_string() }),
    };
    let mut header = Vec::with_capacity(16);
    file.by_ref()
        .take(16)
        .read_to_end(&mut header)
        .map_err(|e| OpenError::Other { path: shown(), detail: e.to_string() })?;
    if header.is_empty() || header.as_slice() == SQLITE_HEADER {
        Ok(())
    } else {
        Err(OpenError::NotADatabase { path: shown() })
    }
}

fn classify(path: &str, error: rusqlite::Error) -> OpenError {
    use rusqlite::ErrorCode::*;
    let path = path.to_owned();
    let detail = error.to_string();
    match error.sqlite_error_code() {
        Some(NotADatabase) => OpenError::NotADatabase { path },
        Some(DatabaseCorrupt) => OpenError::Corrupt { path, detail },
        Some(ReadOnly | CannotOpen | PermissionDenied) => OpenError::NotWritable { path, detail },
        _ => OpenError::Other { path, detail },
    }
}

/// Copies the database aside (SQLite's online backup) before migrating it, so a migration that
/// goes wrong never costs the desk its data.
fn backup_before_migration(conn: &Connection, path: &Path, version: u32) -> rusqlite::Result<()> {
    let target = path.with_file_name(format!("{DATABASE_FILE}.before-schema-{version}.bak"));
    if target.exists() {
        return Ok(());
    }
    conn.backup(rusqlite::MAIN_DB, &target, None)
}
