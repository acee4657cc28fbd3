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
