//! Audit entries a program could not write when it closed, because another program held the write
//! lock (a sign-in during a long import): kept in `tenin.db.audit-pending` beside the database, one
//! JSON line each, owner-only, and taken into the chain — with the times they record — by the next
//! write of any program, inside its transaction. The file is moved aside while that transaction
//! runs (so no other writer takes the same entries), removed when it commits and put back if it
//! does not.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::audit::Pending;

pub const SUFFIX: &str = ".audit-pending";
/// At most this much of the file is read (thousands of entries; a larger file is left for review).
const MAX_BYTES: u64 = 4 * 1024 * 1024;

fn path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(SUFFIX);
    PathBuf::from(name)
}

/// Appends `entries` to the pending file.
pub fn keep(database: &Path, entries: &[Pending]) {
    let mut options = fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let Ok(mut file) = options.open(path(database)) else { return };
    for entry in entries {
        if let Ok(line) = serde_json::to_string(entry) {
            let _ = writeln!(file, "{line}");
        }
    }
    let _ = file.sync_all();
}

/// The entries taken from the pending file for one write transaction.
pub struct Taken {
    pub entries: Vec<Pending>,
    /// Where the file was moved, and the database it belongs to.
    aside: Option<(PathBuf, PathBuf)>,
}

/// Moves the pending file aside and reads it (call with the write lock held).
pub fn take(database: &Path) -> Taken {
    let from = path(database);
    let nothing = Taken { entries: Vec::new(), aside: None };
    if !fs::metadata(&from).is_ok_and(|m| m.is_file() && m.len() <= MAX_BYTES) {
        return nothing;
    }
    let aside = from.with_extension(format!("audit-taken-{}", std::process::id()));
    if fs::rename(&from, &aside).is_err() {
        return nothing;
    }
    let entries = fs::read_to_string(&aside)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    Taken { entries, aside: Some((aside, database.to_owned())) }
}

impl Taken {
    /// The transaction committed: the entries are in the chain.
    pub fn done(self) {
        if let Some((aside, _)) = self.aside {
            let _ = fs::remove_file(aside);
        }
    }

    /// The transaction did not commit: the entries wait for the next write.
    pub fn put_back(self) {
        if let Some((aside, database)) = self.aside {
            keep(&database, &self.entries);
            let _ = fs::remove_file(&aside);
        }
    }
}
