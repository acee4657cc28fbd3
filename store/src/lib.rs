//! The store: the only part of the program that touches SQLite (SQLCipher), and the only place SQL
//! lives. Its API is a set of operations by area — `requests`, `hospitals`, `capacity`,
//! `inquiries`, `exchange`, `audit`, `users`, … — each a function over the database handle the desk
//! gets from [`Store::read`] or inside [`Store::write`]; errors leave as [`StoreError`], which the
//! domain's `Error` takes in (`Error::Storage` for the database's own failures).
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
pub mod cipher;
pub mod consent;
pub mod contacts;
pub mod desk_status;
pub mod directory_view;
pub mod exchange;
pub mod hospitals;
pub mod ids;
pub mod inquiries;
pub mod meta;
pub mod migrations;
pub mod past_cases;
pub mod placement_counts;
pub mod received_inquiries;
pub mod reference;
pub mod reports;
pub mod request_names;
pub mod requests;
pub mod sync_state;
pub mod transport_bookings;
pub mod transport_providers;
pub mod users;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use serde::Serialize;

pub use migrations::LATEST_VERSION;

/// What a store operation can fail with: the database itself, or a rule the store checks on the
/// way (a stale version, an unknown reference — the domain's own errors).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Domain(#[from] tenin_domain::Error),
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Domain(tenin_domain::Error::Json(e))
    }
}

impl From<tenin_domain::refusal::Refusal> for StoreError {
    fn from(refusal: tenin_domain::refusal::Refusal) -> Self {
        StoreError::Domain(refusal.into())
    }
}

impl From<tenin_domain::error::Rule> for StoreError {
    fn from(rule: tenin_domain::error::Rule) -> Self {
        StoreError::Domain(rule.into())
    }
}

/// The layers above see the database's failures as `Error::Storage`, by kind.
impl From<StoreError> for tenin_domain::Error {
    fn from(error: StoreError) -> Self {
        use tenin_domain::error::{StorageFailure, StorageKind};
        match error {
            StoreError::Domain(error) => error,
            StoreError::Sqlite(error) => {
                let kind = match error.sqlite_error_code() {
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => StorageKind::Busy,
                    Some(rusqlite::ErrorCode::DiskFull) => StorageKind::Full,
                    Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
                        StorageKind::Corrupt
                    }
                    Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen) => StorageKind::ReadOnly,
                    _ => StorageKind::Other,
                };
                tenin_domain::Error::Storage(StorageFailure { kind, detail: error.to_string() })
            }
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The database file's name inside the data directory.
pub const DATABASE_FILE: &str = "tenin.db";

pub(crate) const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The database re-encrypted under a new passphrase, before it replaces the old file.
pub const REKEY_SUFFIX: &str = ".rekey";

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
    /// The database is encrypted: the desk's passphrase is needed to open it.
    #[error("データベースは暗号化されています。デスクの合言葉を入力してください: {path}")]
    NeedsPassphrase { path: String },
    /// The passphrase does not open the database (the file was not touched).
    #[error("合言葉が違います。データベースは変更していません: {path}")]
    WrongPassphrase { path: String },
    #[error("データベースを開けません: {path}（{detail}）")]
    Other { path: String, detail: String },
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The passphrase of an encrypted database (backups are encrypted under it too).
    key: Option<cipher::Passphrase>,
}

/// What the first bytes of the database file say.
enum FileKind {
    /// No file yet, or an empty one: a new database.
    New,
    /// An SQLite database in the clear.
    Plain,
    /// Not readable as SQLite: encrypted, or not a database at all.
    Opaque,
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir`, checked and migrated.
    /// Opens (or creates) the database in `data_dir`. An encrypted database needs `key`; a wrong
    /// key is refused before anything is written. A key given for a database in the clear is
    /// not used.
    pub fn open(data_dir: &Path, key: Option<&cipher::Passphrase>) -> Result<Store, OpenError> {
        let path = data_dir.join(DATABASE_FILE);
        let shown = path.display().to_string();
        ensure_writable_dir(data_dir)?;
        let key = match (file_kind(&path)?, key) {
            (FileKind::New | FileKind::Plain, _) => None,
            (FileKind::Opaque, Some(key)) => Some(key.clone()),
            (FileKind::Opaque, None) if cipher::is_marked(&path) => {
                return Err(OpenError::NeedsPassphrase { path: shown });
            }
            (FileKind::Opaque, None) => return Err(OpenError::NotADatabase { path: shown }),
        };
        // Leftovers of an encryption killed half-way (never the database itself).
        backup::remove_stale(data_dir, REKEY_SUFFIX);
        let other = |e: rusqlite::Error| classify(&shown, e);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(&path, flags).map_err(other)?;
        if key.is_some() {
            cipher::apply(&conn, key.as_ref()).map_err(other)?;
            cipher::opens(&conn).map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => OpenError::WrongPassphrase { path: shown.clone() },
                _ => classify(&shown, e),
            })?;
        }
        conn.busy_timeout(Duration::from_secs(5)).map_err(other)?;
        let found = migrations::current_version(&conn).map_err(other)?;
        if found > LATEST_VERSION {
            return Err(OpenError::TooNew { path: shown, found, supported: LATEST_VERSION });
        }
        let check: String = conn.pragma_query_value(None, "quick_check", |row| row.get(0)).map_err(other)?;
        if check != "ok" {
            return Err(OpenError::Corrupt { path: shown, detail: check });
        }
        configure(&conn).map_err(other)?;
        if found > 0 && found < LATEST_VERSION {
            backup_before_migration(&conn, &path, found, key.as_ref()).map_err(other)?;
        }
        migrations::migrate(&mut conn).map_err(|e| match e {
            StoreError::Sqlite(e) => classify(&shown, e),
            StoreError::Domain(e) => OpenError::Other { path: shown.clone(), detail: e.to_string() },
        })?;
        Ok(Store { conn, path, key })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> crate::Result<u32> {
        Ok(migrations::current_version(&self.conn)?)
    }

    /// Runs `f` in one IMMEDIATE transaction: all of its writes commit together or none do.
    pub fn write<T, E: From<StoreError>>(&mut self, f: impl FnOnce(Db<'_>) -> Result<T, E>) -> Result<T, E> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
        let value = f(Db { conn: &tx })?;
        tx.commit().map_err(StoreError::from)?;
        Ok(value)
    }

    /// Runs `f` in a write transaction and always rolls it back: a dry run of exactly the code that
    /// would write (an import's preview), so the preview cannot drift from the real thing.
    pub fn rehearse<T, E: From<StoreError>>(&mut self, f: impl FnOnce(Db<'_>) -> Result<T, E>) -> Result<T, E> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
        let value = f(Db { conn: &tx });
        tx.rollback().map_err(StoreError::from)?;
        value
    }

    /// Read access; reads never change anything.
    pub fn read(&self) -> Db<'_> {
        Db { conn: &self.conn }
    }

    /// Writes a checked backup of the live database into `dir` (see `backup::backup_to`).
    pub fn backup_to(&self, dir: &Path, stamp: &str) -> crate::Result<PathBuf> {
        backup::backup_to(&self.conn, self.key.as_ref(), dir, stamp)
    }

    /// Replaces the live database with a checked backup, keeping the current one aside.
    pub fn restore_from(&mut self, candidate: &Path, stamp: &str) -> crate::Result<PathBuf> {
        backup::restore(&mut self.conn, self.key.as_ref(), &self.path, candidate, stamp)
    }

    /// `PRAGMA integrity_check` (the full one), for `tenin status`.
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// Whether `candidate` is the passphrase the database was opened with.
    pub fn key_matches(&self, candidate: &cipher::Passphrase) -> bool {
        self.key.as_ref() == Some(candidate)
    }

    /// Encrypts the database under `new` (or re-encrypts it, for a change of passphrase): the
    /// data is written to a new file with `sqlcipher_export` and checked, and only then does it
    /// replace the database, in one rename. A failure at any point leaves the old file as it was.
    pub fn rekey(&mut self, new: &cipher::Passphrase) -> crate::Result<()> {
        let fresh = self.path.with_file_name(format!("{DATABASE_FILE}{REKEY_SUFFIX}"));
        let version = self.schema_version()?;
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        cipher::export(&self.conn, &fresh, new, version)?;
        // CREATE too: attached files (the next change of passphrase) inherit these flags.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        // Close the live connection, so its write-ahead log is folded in and removed; a log left
        // behind (another program has the database open) would not belong to the new file.
        let old = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        old.close().map_err(|(_, e)| e)?;
        let wal = self.path.with_file_name(format!("{DATABASE_FILE}-wal"));
        if fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
            let _ = fs::remove_file(&fresh);
            self.conn = self.reconnect(flags, self.key.clone())?;
            return Err(tenin_domain::error::Rule::DatabaseInUse.into());
        }
        // The mark first: a mark beside a file in the clear is ignored, a missing mark beside an
        // encrypted file would make it look like "not a database".
        cipher::mark(&self.path).map_err(|e| tenin_domain::Error::Io(format!("暗号化の記録を書けません: {e}")))?;
        if let Err(e) = fs::rename(&fresh, &self.path) {
            let _ = fs::remove_file(&fresh);
            self.conn = self.reconnect(flags, self.key.clone())?;
            return Err(tenin_domain::Error::Io(format!("暗号化したデータベースに置き換えられません: {e}")).into());
        }
        self.conn = self.reconnect(flags, Some(new.clone()))?;
        self.key = Some(new.clone());
        Ok(())
    }

    fn reconnect(&self, flags: OpenFlags, key: Option<cipher::Passphrase>) -> rusqlite::Result<Connection> {
        let conn = cipher::open(&self.path, key.as_ref(), flags)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        configure(&conn)?;
        Ok(conn)
    }

    pub fn integrity_check(&self) -> crate::Result<String> {
        Ok(self.conn.pragma_query_value(None, "integrity_check", |row| row.get(0))?)
    }
}

/// How every connection to the live database works: WAL, full sync, foreign keys enforced.
fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    // Room for the statements an import runs per record (see `execute_cached`).
    conn.set_prepared_statement_cache_capacity(128);
    conn.pragma_update(None, "foreign_keys", true)
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
fn file_kind(path: &Path) -> Result<FileKind, OpenError> {
    let shown = || path.display().to_string();
    let mut file = match fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileKind::New),
        Err(e) => return Err(OpenError::NotWritable { path: shown(), detail: e.to_string() }),
    };
    let mut header = Vec::with_capacity(16);
    file.by_ref()
        .take(16)
        .read_to_end(&mut header)
        .map_err(|e| OpenError::Other { path: shown(), detail: e.to_string() })?;
    Ok(if header.is_empty() {
        FileKind::New
    } else if header.as_slice() == SQLITE_HEADER {
        FileKind::Plain
    } else {
        FileKind::Opaque
    })
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
fn backup_before_migration(
    conn: &Connection,
    path: &Path,
    version: u32,
    key: Option<&cipher::Passphrase>,
) -> rusqlite::Result<()> {
    let target = path.with_file_name(format!("{DATABASE_FILE}.before-schema-{version}.bak"));
    if target.exists() {
        return Ok(());
    }
    cipher::copy_to(conn, &target, key)
}

/// `conn.execute` through the connection's statement cache: for statements run once per record
/// in bulk work (imports), where preparing the statement each time would be most of the cost.
pub(crate) fn execute_cached<P: rusqlite::Params>(conn: Db<'_>, sql: &str, params: P) -> rusqlite::Result<usize> {
    conn.prepare_cached(sql)?.execute(params)
}

/// `conn.query_row` through the statement cache (see [`execute_cached`]).
pub(crate) fn query_row_cached<T, P: rusqlite::Params, F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>>(
    conn: Db<'_>,
    sql: &str,
    params: P,
    f: F,
) -> rusqlite::Result<T> {
    conn.prepare_cached(sql)?.query_row(params, f)
}

/// Runs `f` inside a savepoint of the open transaction on `conn`: when `f` fails, its writes alone
/// are undone and the error returned; the rest of the transaction goes on (one record of an import).
pub fn within_savepoint<T, E: From<StoreError>>(conn: Db<'_>, f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    let run = |sql: &str| execute_cached(conn, sql, []).map(|_| ()).map_err(|e| E::from(StoreError::from(e)));
    run("SAVEPOINT record")?;
    match f() {
        Ok(value) => {
            run("RELEASE record")?;
            Ok(value)
        }
        Err(error) => {
            run("ROLLBACK TO record")?;
            run("RELEASE record")?;
            Err(error)
        }
    }
}

/// The database as the store's operations take it: read access, or a write transaction's (from
/// [`Store::read`] and [`Store::write`]). Outside the store it is only handed on — it runs no SQL —
/// which is the seam a second backend would fill with its own handle.
#[derive(Clone, Copy)]
pub struct Db<'c> {
    conn: &'c Connection,
}

/// The few connection operations the store's areas use, for the store alone.
impl<'c> Db<'c> {
    pub(crate) fn of(conn: &'c Connection) -> Db<'c> {
        Db { conn }
    }

    pub(crate) fn prepare(self, sql: &str) -> rusqlite::Result<rusqlite::Statement<'c>> {
        self.conn.prepare(sql)
    }

    pub(crate) fn prepare_cached(self, sql: &str) -> rusqlite::Result<rusqlite::CachedStatement<'c>> {
        self.conn.prepare_cached(sql)
    }

    pub(crate) fn execute<P: rusqlite::Params>(self, sql: &str, params: P) -> rusqlite::Result<usize> {
        self.conn.execute(sql, params)
    }

    pub(crate) fn query_row<T, P, F>(self, sql: &str, params: P, f: F) -> rusqlite::Result<T>
    where
        P: rusqlite::Params,
        F: FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    {
        self.conn.query_row(sql, params, f)
    }
}
