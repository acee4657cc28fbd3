//! The record of a clean close: when the desk closes its database it writes the file's size and
//! modification time beside it (`tenin.db.closed`), and removes the record when it opens it again.
//! Opening skips SQLite's check of the whole file only when the record is there and still matches
//! the file, with no write-ahead log waiting: a crash (no record), another program's change, a copy
//! or a restore from elsewhere (size or time differ) all mean the file is checked.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

pub const SUFFIX: &str = ".closed";

fn record_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(SUFFIX);
    PathBuf::from(name)
}

/// The file's size and modification time, as recorded.
fn fingerprint(database: &Path) -> Option<String> {
    let meta = fs::metadata(database).ok()?;
    let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    Some(format!("{} {}", meta.len(), modified.as_nanos()))
}

/// Records that the database was closed cleanly (after its connection closed).
pub fn record(database: &Path) {
    let mut wal = database.as_os_str().to_owned();
    wal.push("-wal");
    if fs::metadata(Path::new(&wal)).is_ok_and(|m| m.len() > 0) {
        // Another program still has it open: its log is not folded in, nothing to record.
        return;
    }
    if let Some(fingerprint) = fingerprint(database) {
        let _ = crate::private_files::write(&record_path(database), fingerprint.as_bytes());
    }
}

/// Whether the database is exactly as it was when it was last closed cleanly.
pub fn matches(database: &Path) -> bool {
    let mut wal = database.as_os_str().to_owned();
    wal.push("-wal");
    if fs::metadata(Path::new(&wal)).is_ok_and(|m| m.len() > 0) {
        return false;
    }
    let recorded = fs::read_to_string(record_path(database)).ok();
    recorded.is_some() && recorded == fingerprint(database)
}

/// Removes the record (the database is open and may change).
pub fn clear(database: &Path) {
    let _ = fs::remove_file(record_path(database));
}
