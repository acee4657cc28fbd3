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

pub mod answer_tally;
pub mod audit;
pub mod backup;
pub mod capacity;
pub mod cipher;
pub mod clean_close;
pub mod consent;
pub mod contacts;
pub mod desk_status;
pub mod directory_view;
pub mod drafts;
pub mod exchange;
pub mod hospitals;
pub mod ids;
pub mod inquiries;
pub mod meta;
pub mod migrations;
pub mod outside_transfers;
pub mod pack_update;
pub mod past_cases;
pub mod pending_audit;
pub mod placement_counts;
pub mod post_covid;
pub mod private_files;
pub mod received_inquiries;
pub mod reference;
pub mod reports;
pub mod request_names;
pub mod requests;
pub mod sign_in_attempts;
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
    /// No desk in this folder: only set-up makes one.
    #[error("このフォルダにはデスクがありません: {path}")]
    NoDesk { path: String },
    /// The database file is empty (zero bytes, or an SQLite file with nothing in it): damaged or
    /// emptied, never taken for a new desk.
    #[error("データベースのファイルが空です。新しいデスクとしては扱いません。バックアップから復元してください: {path}")]
    EmptyFile { path: String },
    /// An SQLite database of another program: nothing is written to it.
    #[error("転院調整デスクのデータベースではありません（{detail}）。ファイルは変更していません: {path}")]
    Foreign { path: String, detail: String },
    #[error("データベースを開けません: {path}（{detail}）")]
    Other { path: String, detail: String },
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// The passphrase of an encrypted database (backups are encrypted under it too).
    key: Option<cipher::Passphrase>,
    read_only: bool,
    /// Whether opening ran SQLite's check (see [`Store::checked_at_open`]).
    checked: bool,
    /// Transactions committed through this store.
    writes: u64,
    /// Audit entries that could not be written without waiting for another program's write (a
    /// sign-in during an import): written first thing in the next write, or when the store closes.
    deferred: Vec<audit::Pending>,
}

/// How long a write waits for another program's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Whether opening may make a new desk. Only set-up (`tenin init`, the app's set-up screen) may:
/// everywhere else a missing or empty file is refused, so a mistyped folder or a file emptied by
/// accident is never taken for a new desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// The desk must exist.
    Existing,
    /// Set-up: a missing or empty file becomes a new desk (an existing desk opens as it is).
    Create,
}

/// Which program made a database file: `PRAGMA application_id` ('TENI').
pub const APPLICATION_ID: i32 = 0x5445_4E49;

/// What the first bytes of the database file say.
enum FileKind {
    /// No file yet.
    Missing,
    /// A file of zero bytes.
    Empty,
    /// An SQLite database in the clear.
    Plain,
    /// Not readable as SQLite: encrypted, or not a database at all.
    Opaque,
}

impl Store {
    /// Opens the database in `data_dir`, checked and migrated. An encrypted database needs `key`
    /// (its marker file need not be there: the key is tried); a wrong or empty key is refused
    /// before anything is written. A key given for a database in the clear is not used.
    ///
    /// A file the user cannot write (its mode has no write permission, or the folder is read-only)
    /// opens for reading only: nothing is migrated, configured or written, and every write is
    /// refused by SQLite as read-only.
    pub fn open(data_dir: &Path, key: Option<&cipher::Passphrase>, opening: Opening) -> Result<Store, OpenError> {
        let path = data_dir.join(DATABASE_FILE);
        let shown = path.display().to_string();
        let kind = file_kind(&path)?;
        match (&kind, opening) {
            (FileKind::Missing, Opening::Existing) => return Err(OpenError::NoDesk { path: shown }),
            (FileKind::Empty, Opening::Existing) => return Err(OpenError::EmptyFile { path: shown }),
            _ => {}
        }
        let read_only = matches!(kind, FileKind::Plain | FileKind::Opaque) && is_read_only(&path, data_dir);
        if !read_only {
            ensure_writable_dir(data_dir)?;
            let beside = [
                "",
                "-wal",
                "-shm",
                cipher::MARKER_SUFFIX,
                cipher::ESCROW_SUFFIX,
                pending_audit::SUFFIX,
                clean_close::SUFFIX,
            ];
            private_files::restrict(data_dir, &path, &beside);
        }
        if key.is_some_and(|k| k.is_empty()) && matches!(kind, FileKind::Opaque) {
            return Err(OpenError::WrongPassphrase { path: shown });
        }
        let key = match (&kind, key) {
            (FileKind::Missing | FileKind::Empty, key) => key.cloned().filter(|k| !k.is_empty()),
            (FileKind::Plain, _) => None,
            (FileKind::Opaque, Some(key)) => Some(key.clone()),
            (FileKind::Opaque, None) if cipher::is_marked(&path) => {
                return Err(OpenError::NeedsPassphrase { path: shown });
            }
            (FileKind::Opaque, None) => return Err(OpenError::NotADatabase { path: shown }),
        };
        let creating = matches!(kind, FileKind::Missing | FileKind::Empty);
        if !read_only {
            // Leftovers of an encryption killed half-way (never the database itself).
            backup::remove_stale(data_dir, REKEY_SUFFIX);
        }
        let other = |e: rusqlite::Error| classify(&shown, e);
        let mut conn = if read_only {
            open_read_only(&path).map_err(other)?
        } else {
            if creating {
                private_files::create_file(&path)
                    .map_err(|e| OpenError::NotWritable { path: shown.clone(), detail: e.to_string() })?;
            }
            let flags =
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            Connection::open_with_flags(&path, flags).map_err(other)?
        };
        if key.is_some() {
            cipher::apply(&conn, key.as_ref()).map_err(other)?;
            cipher::opens(&conn).map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) if matches!(kind, FileKind::Opaque) => {
                    OpenError::WrongPassphrase { path: shown.clone() }
                }
                _ => classify(&shown, e),
            })?;
        }
        conn.busy_timeout(BUSY_TIMEOUT).map_err(other)?;
        let found = migrations::current_version(&conn).map_err(other)?;
        if found > LATEST_VERSION {
            return Err(OpenError::TooNew { path: shown, found, supported: LATEST_VERSION });
        }
        if !creating {
            match recognise(&conn, found) {
                Ok(()) => {}
                Err(Some(detail)) => return Err(OpenError::Foreign { path: shown, detail }),
                // An SQLite file with nothing in it: set-up may use it, nothing else may.
                Err(None) if opening == Opening::Create && !read_only => {}
                Err(None) => return Err(OpenError::EmptyFile { path: shown }),
            }
        }
        // The check costs a read of the whole file: it runs when the file is not as the desk left it
        // (no clean-close record, or one that does not match), and in full before a migration.
        let migrating = found > 0 && found < LATEST_VERSION;
        let checked = migrating || !clean_close::matches(&path);
        if checked {
            let pragma = if migrating { "integrity_check" } else { "quick_check" };
            let check: String = conn.pragma_query_value(None, pragma, |row| row.get(0)).map_err(other)?;
            if check != "ok" {
                return Err(OpenError::Corrupt { path: shown, detail: check });
            }
        }
        if !read_only {
            // Open now: a crash from here on leaves no record, so the next open checks.
            clean_close::clear(&path);
        }
        if read_only {
            if found < LATEST_VERSION {
                let detail = format!("読み取り専用のため、古い版（{found}）から更新できません");
                return Err(OpenError::NotWritable { path: shown, detail });
            }
            return Ok(Store { conn, path, key, read_only, checked, deferred: Vec::new(), writes: 0 });
        }
        configure(&conn).map_err(other)?;
        if found > 0 && found < LATEST_VERSION {
            backup_before_migration(&conn, &path, found, key.as_ref()).map_err(other)?;
        }
        migrations::migrate(&mut conn).map_err(|e| match e {
            StoreError::Sqlite(e) => classify(&shown, e),
            StoreError::Domain(e) => OpenError::Other { path: shown.clone(), detail: e.to_string() },
        })?;
        if creating && key.is_some() {
            cipher::mark(&path).map_err(|e| OpenError::NotWritable { path: shown.clone(), detail: e.to_string() })?;
        }
        if key.is_some() && !cipher::is_marked(&path) {
            // Opened with the passphrase though its marker was lost: put the marker back.
            let _ = cipher::mark(&path);
        }
        Ok(Store { conn, path, key, read_only, checked, deferred: Vec::new(), writes: 0 })
    }

    /// A second connection to the same file for reading while this one is busy with a long write
    /// (an import): it sees what was committed before each of its reads (WAL), never waits for the
    /// writer, and writes nothing — SQLite refuses any write on it. Nothing is checked, migrated or
    /// recorded: the file is this store's, already open. An encrypted file's key is given again (its
    /// derivation is paid once per reader).
    pub fn reader(&self) -> crate::Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = cipher::open(&self.path, self.key.as_ref(), flags)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.set_prepared_statement_cache_capacity(128);
        conn.pragma_update(None, "query_only", true)?;
        cipher::opens(&conn)?;
        Ok(Store {
            conn,
            path: self.path.clone(),
            key: self.key.clone(),
            read_only: true,
            checked: false,
            deferred: Vec::new(),
            writes: 0,
        })
    }

    /// Whether opening ran SQLite's check of the file (it was not closed cleanly, or was changed
    /// since, or is being migrated).
    pub fn checked_at_open(&self) -> bool {
        self.checked
    }

    /// Changes committed through this store since it opened (with [`Store::data_version`], what a
    /// cache of the data compares to know it is current).
    pub fn writes(&self) -> u64 {
        self.writes
    }

    /// SQLite's `PRAGMA data_version`: moves when another connection (another program) commits.
    pub fn data_version(&self) -> crate::Result<i64> {
        Ok(self.conn.pragma_query_value(None, "data_version", |row| row.get(0))?)
    }

    /// Whether the database was opened for reading only (see [`Store::open`]).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> crate::Result<u32> {
        Ok(migrations::current_version(&self.conn)?)
    }

    /// Runs `f` in one IMMEDIATE transaction: all of its writes commit together or none do.
    /// Audit entries deferred earlier (by this program, or left in the pending file by one that
    /// closed while another held the lock) are written first, in the same transaction.
    pub fn write<T, E: From<StoreError>>(&mut self, f: impl FnOnce(Db<'_>) -> Result<T, E>) -> Result<T, E> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
        // Taken while the write lock is held, so no other writer takes the same entries.
        let left = pending_audit::take(&self.path);
        let written = (|| {
            for pending in left.entries.iter().chain(&self.deferred) {
                audit::record_pending(Db { conn: &tx }, pending)?;
            }
            let value = f(Db { conn: &tx })?;
            tx.commit().map_err(StoreError::from)?;
            Ok(value)
        })();
        match written {
            Ok(value) => {
                left.done();
                self.deferred.clear();
                self.writes += 1;
                Ok(value)
            }
            Err(error) => {
                left.put_back();
                Err(error)
            }
        }
    }

    /// Writes an audit entry now if the database is free, else keeps it for the next write (or
    /// the close) instead of waiting: reading must never wait for another program's long write
    /// (a sign-in during an import). On a read-only desk the entry cannot be written at all.
    pub fn audit_or_defer(&mut self, pending: audit::Pending) -> crate::Result<()> {
        if self.read_only {
            return Ok(());
        }
        self.conn.busy_timeout(Duration::ZERO)?;
        let written = self.write(|tx| audit::record_pending(tx, &pending));
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        match written {
            Err(StoreError::Sqlite(e))
                if matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) =>
            {
                self.deferred.push(pending);
                Ok(())
            }
            other => other,
        }
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

    /// The audit chain of a backup, checked (see `backup::chain_of`).
    pub fn backup_chain(&self, candidate: &Path) -> crate::Result<Option<audit::ChainCheck>> {
        backup::chain_of(candidate, self.key.as_ref())
    }

    /// The end of the audit chain a backup holds (see `backup::head_of`).
    pub fn backup_head(&self, candidate: &Path) -> crate::Result<Option<audit::Head>> {
        backup::head_of(candidate, self.key.as_ref())
    }

    /// Replaces the live database with a checked backup, keeping the current one aside.
    pub fn restore_from(&mut self, candidate: &Path, stamp: &str) -> crate::Result<PathBuf> {
        backup::restore(&mut self.conn, self.key.as_ref(), &self.path, candidate, stamp)
    }

    /// `PRAGMA integrity_check` (the full one), for `tenin status`.
    pub fn is_encrypted(&self) -> bool {
        self.key.is_some()
    }

    /// The passphrase the database was opened with (to seal it to a new recovery key).
    pub fn passphrase(&self) -> Option<&cipher::Passphrase> {
        self.key.as_ref()
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

impl Drop for Store {
    /// Deferred audit entries are written before the connection closes if the database is free;
    /// if another program still holds the lock they go to the pending file beside the database,
    /// which the next write (of any program) takes in. Closing never waits for the lock.
    fn drop(&mut self) {
        if self.read_only {
            return;
        }
        if !self.deferred.is_empty() {
            let _ = self.conn.busy_timeout(Duration::ZERO);
            if self.write(|_| Ok::<_, StoreError>(())).is_err() {
                pending_audit::keep(&self.path, &self.deferred);
            }
        }
        // Closed (its write-ahead log folded in when no other program has it open), then the file's
        // size and time recorded: the next open skips the check if they still match.
        let conn = std::mem::replace(
            &mut self.conn,
            match Connection::open_in_memory() {
                Ok(conn) => conn,
                Err(_) => return,
            },
        );
        if conn.close().is_ok() {
            clean_close::record(&self.path);
        }
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
    private_files::create_dir_all(dir).map_err(not_writable)?;
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
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileKind::Missing),
        Err(e) => return Err(OpenError::NotWritable { path: shown(), detail: e.to_string() }),
    };
    let mut header = Vec::with_capacity(16);
    file.by_ref()
        .take(16)
        .read_to_end(&mut header)
        .map_err(|e| OpenError::Other { path: shown(), detail: e.to_string() })?;
    Ok(if header.is_empty() {
        FileKind::Empty
    } else if header.as_slice() == SQLITE_HEADER {
        FileKind::Plain
    } else {
        FileKind::Opaque
    })
}

/// Whether a desk file can only be read: its mode gives nobody write permission (checked on the
/// mode, not by trying, so it holds for an administrator account too), or its folder cannot be
/// written.
fn is_read_only(path: &Path, dir: &Path) -> bool {
    let file_read_only = fs::metadata(path).is_ok_and(|m| m.permissions().readonly());
    let dir_read_only = fs::metadata(dir).is_ok_and(|m| m.permissions().readonly());
    file_read_only || dir_read_only
}

/// A read-only connection. A database in WAL mode whose log is empty or gone is opened immutable
/// (no -shm file to make beside it, no locks); one with a log still holding data is opened as usual.
fn open_read_only(path: &Path) -> rusqlite::Result<Connection> {
    let wal = path.with_file_name(format!("{DATABASE_FILE}-wal"));
    let pending = fs::metadata(&wal).is_ok_and(|m| m.len() > 0);
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    if pending {
        return Connection::open_with_flags(path, flags);
    }
    let mut uri = url_path(path);
    uri.push_str("?immutable=1");
    Connection::open_with_flags(format!("file:{uri}"), flags)
}

/// A path as the path part of an SQLite `file:` URI (`%`, `?` and `#` escaped).
fn url_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            '\\' => out.push('/'),
            other => out.push(other),
        }
    }
    out
}

/// Whether an existing SQLite file is a desk: its application id says so, or (a desk from before
/// the id was set) it has the desk's tables. `Err(None)`: an SQLite file with nothing in it.
fn recognise(conn: &Connection, version: u32) -> Result<(), Option<String>> {
    let sql = |e: rusqlite::Error| Some(e.to_string());
    let id: i32 = conn.pragma_query_value(None, "application_id", |row| row.get(0)).map_err(sql)?;
    if id == APPLICATION_ID {
        return Ok(());
    }
    if id != 0 {
        return Err(Some(format!("別のアプリケーションのデータベースです（application_id {id:#x}）")));
    }
    let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0)).map_err(sql)?;
    if version == 0 {
        return if tables == 0 {
            Err(None)
        } else {
            Err(Some("転院調整デスクの表がありません".to_owned()))
        };
    }
    let desk: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'desk_meta'", [], |row| {
            row.get(0)
        })
        .map_err(sql)?;
    if desk == 0 { Err(Some("転院調整デスクの表がありません".to_owned())) } else { Ok(()) }
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
