//! Where the desk keeps its data: `--data-dir`, else `TENIN_DATA_DIR`, else the OS's per-user
//! application data directory (on Linux `$XDG_DATA_HOME/jp.tenin.desk`, the same folder Tauri
//! uses for the app's identifier).

use std::path::{Path, PathBuf};

/// The environment variable that overrides the default data directory.
pub const ENV_VAR: &str = "TENIN_DATA_DIR";

/// The app's identifier, as in `tauri.conf.json`.
pub const APP_IDENTIFIER: &str = "jp.tenin.desk";

/// Resolves the data directory from an explicit choice, the environment, or the OS default.
pub fn resolve(explicit: Option<PathBuf>) -> Option<PathBuf> {
    explicit
        .or_else(|| std::env::var_os(ENV_VAR).filter(|v| !v.is_empty()).map(PathBuf::from))
        .or_else(|| dirs::data_dir().map(|d| d.join(APP_IDENTIFIER)))
}

/// Whether `dir` holds a desk (its database file). Only `tenin init` and the app's first start
/// make one; every other command refuses a folder without it, so a mistyped `--data-dir` does
/// not quietly start an empty desk.
pub fn holds_desk(dir: &Path) -> bool {
    std::fs::metadata(dir.join(tenin_store::DATABASE_FILE)).is_ok_and(|m| m.is_file() && m.len() > 0)
}

/// A short name of a data folder that stays the same across starts and versions (16 hex digits of
/// the SHA-256 of its absolute path, symbolic links resolved when the folder exists). The app keys
/// what belongs to one desk on this PC by it: one running instance per data folder, the window's
/// remembered place, the log file. Two folders — a desk and a hospital edition — get two names.
pub fn instance_key(dir: &Path) -> String {
    let absolute =
        std::fs::canonicalize(dir).or_else(|_| std::path::absolute(dir)).unwrap_or_else(|_| dir.to_path_buf());
    let mut key = tenin_domain::exchange::package::sha256_hex(absolute.to_string_lossy().as_bytes());
    key.truncate(16);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_folder_one_key_however_it_is_named() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let desk = dir.path().join("desk");
        std::fs::create_dir(&desk).expect("the desk folder");
        let key = instance_key(&desk);
        assert_eq!(key.len(), 16);
        assert!(key.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(instance_key(&dir.path().join("desk/../desk")), key, "the same folder by another path");
        assert_ne!(instance_key(&dir.path().join("hospital")), key, "another folder, another key");
    }
}
