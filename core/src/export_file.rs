//! Saving an export (CSV, HTML) where the user finds it, never over an earlier file.

use std::path::{Path, PathBuf};

use serde::Serialize;

use tenin_domain::error::{Error, Result};

/// Overrides where exports are saved (tests, shared desks).
pub const EXPORT_DIR_ENV: &str = "TENIN_EXPORT_DIR";

/// A saved export: where it is, and any characters its encoding could not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SavedExport {
    pub path: String,
    /// Written as 〓 because the chosen encoding cannot hold them.
    pub substituted: Vec<String>,
}

use tenin_store::private_files;

/// `$TENIN_EXPORT_DIR`, else the user's Downloads folder, else `exports` in the data directory.
pub fn export_dir(data_dir: &Path) -> PathBuf {
    std::env::var_os(EXPORT_DIR_ENV)
        .map(PathBuf::from)
        .or_else(|| dirs::download_dir().filter(|d| d.is_dir()))
        .unwrap_or_else(|| data_dir.join("exports"))
}

/// Writes `bytes` to `dir/stem.ext`, or `stem (2).ext`, … when that exists: an export never
/// replaces a file someone may still need.
pub fn save_new(dir: &Path, stem: &str, ext: &str, bytes: &[u8]) -> Result<PathBuf> {
    let failed = |e: std::io::Error| Error::Io(format!("{} に保存できません: {e}", dir.display()));
    private_files::create_dir_all(dir).map_err(failed)?;
    // After 999 copies of one name, a name no earlier export can have taken.
    let names = (1..1000)
        .map(|n| if n == 1 { format!("{stem}.{ext}") } else { format!("{stem} ({n}).{ext}") })
        .chain(std::iter::once(format!("{stem} ({}).{ext}", tenin_store::ids::new_id())));
    for name in names {
        let path = dir.join(name);
        match write_new(&path, bytes) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(failed(e)),
        }
    }
    Err(Error::Io(format!("{} に同じ名前のファイルが多すぎます", dir.display())))
}

/// Writes `bytes` to a file that must not exist yet (created owner-only where the system has
/// permissions), flushed to disk before returning.
pub fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        private_files::create_dir_all(parent)?;
    }
    let mut file = private_files::create_new(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Copies a saved export (a file inside `export_dir`) to `chosen`, a place the user picked in a save
/// dialog (which asked before replacing a file there). Only exports leave this way: a path outside
/// the export folder — the database, a key — is refused. Written beside the target and renamed, so
/// a half-written copy never stands under the chosen name.
pub fn copy_to(export_dir: &Path, saved: &Path, chosen: &Path) -> Result<PathBuf> {
    let inside = |path: &Path| {
        let folder = std::fs::canonicalize(export_dir).ok()?;
        let file = std::fs::canonicalize(path).ok()?;
        (file.starts_with(&folder) && file.is_file()).then_some(file)
    };
    let source =
        inside(saved).ok_or_else(|| Error::refused("path", "書き出したファイルだけを別の場所に保存できます"))?;
    let bytes = std::fs::read(&source).map_err(|e| Error::Io(format!("{} を読めません: {e}", source.display())))?;
    let mut partial = chosen.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let failed = |e: std::io::Error| Error::Io(format!("{} に保存できません: {e}", chosen.display()));
    let _ = std::fs::remove_file(&partial);
    write_new(&partial, &bytes).map_err(failed)?;
    std::fs::rename(&partial, chosen).map_err(failed)?;
    Ok(chosen.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_never_replaces_an_earlier_file() {
        let dir = tempfile::tempdir().expect("test value");
        let first = save_new(dir.path(), "一覧", "csv", b"one").expect("test value");
        let second = save_new(dir.path(), "一覧", "csv", b"two").expect("test value");
        assert_eq!(first.file_name().expect("test value"), "一覧.csv");
        assert_eq!(second.file_name().expect("test value"), "一覧 (2).csv");
        assert_eq!(std::fs::read(first).expect("test value"), b"one");
    }

    #[test]
    fn only_an_export_is_copied_to_a_chosen_place() {
        let exports = tempfile::tempdir().expect("test value");
        let elsewhere = tempfile::tempdir().expect("test value");
        let saved = save_new(exports.path(), "日報", "csv", b"rows").expect("test value");
        let chosen = elsewhere.path().join("会議用.csv");
        assert_eq!(copy_to(exports.path(), &saved, &chosen).expect("copied"), chosen);
        assert_eq!(std::fs::read(&chosen).expect("test value"), b"rows");
        assert!(!elsewhere.path().join("会議用.csv.partial").exists(), "no half-written file left");

        let database = elsewhere.path().join("tenin.db");
        std::fs::write(&database, b"secret").expect("test value");
        let outside = copy_to(exports.path(), &database, &elsewhere.path().join("copy.db"));
        assert!(outside.is_err(), "a file outside the export folder is refused");
        let climbing = exports.path().join("..").join(elsewhere.path().file_name().expect("a name")).join("tenin.db");
        assert!(copy_to(exports.path(), &climbing, &elsewhere.path().join("copy2.db")).is_err());
    }
}
