//! The quarantine folder: every refused file kept once, for a person to look at, within a quota.
//!
//! A file is named by its SHA-256 and (a safe, shortened form of) its own name, so the same file
//! refused again is found, not copied again, and no name can outgrow what a file system holds. A
//! file is kept only while the folder stays within the desk's quota; a file over the route's size
//! limit is never read, so it is never kept. Whatever happens to the copy, the refusal is logged.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Desk;
use tenin_domain::access::Permission;
use tenin_domain::error::{Error, Result};
use tenin_store::meta;

/// The folder's name inside the data directory.
pub const FOLDER: &str = "quarantine";
/// The quota unless the desk sets another.
pub const DEFAULT_QUOTA_MB: u64 = 1024;
/// How much of the original name a kept file's name carries (bytes of UTF-8).
const NAME_BYTES: usize = 80;

/// What became of a refused file's copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileCopy {
    /// Copied into the folder now.
    Saved(PathBuf),
    /// The same bytes were kept before: that copy stands.
    Existing(PathBuf),
    /// Not kept, and why (over the quota, over the route's size, the folder not writable).
    Skipped(String),
}

/// The folder as the desk shows it: how full it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuarantineUsage {
    pub folder: String,
    pub files: u32,
    pub kilobytes: u32,
    pub quota_megabytes: u32,
}

/// The name a refused file is kept under: its hash, then its own name made safe and short.
pub fn kept_name(sha256: &str, file_name: &str) -> String {
    let mut safe = String::new();
    for c in file_name.chars().map(|c| if c.is_alphanumeric() || ".-_".contains(c) { c } else { '_' }) {
        if safe.len() + c.len_utf8() > NAME_BYTES {
            break;
        }
        safe.push(c);
    }
    format!("{sha256}-{safe}.bin")
}

fn kept_before(dir: &Path, sha256: &str) -> Option<PathBuf> {
    let prefix = format!("{sha256}-");
    std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .find(|entry| entry.file_name().to_string_lossy().starts_with(&prefix))
        .map(|entry| entry.path())
}

/// The files in the folder and their total size (files only; nothing else is counted).
fn measure(dir: &Path) -> (u32, u64) {
    let Ok(entries) = std::fs::read_dir(dir) else { return (0, 0) };
    entries
        .flatten()
        .filter_map(|entry| entry.metadata().ok().filter(|m| m.is_file()))
        .fold((0, 0), |(files, bytes), m| (files + 1, bytes + m.len()))
}

/// Keeps `bytes` in `dir` unless the same file is there already or the quota would be passed.
pub fn keep(dir: &Path, sha256: &str, file_name: &str, bytes: &[u8], quota_bytes: u64) -> FileCopy {
    if let Some(path) = kept_before(dir, sha256) {
        return FileCopy::Existing(path);
    }
    let (_, used) = measure(dir);
    if used + bytes.len() as u64 > quota_bytes {
        return FileCopy::Skipped(format!(
            "隔離フォルダが上限（{} MB）に達するため保存していません",
            quota_bytes >> 20
        ));
    }
    let path = dir.join(kept_name(sha256, file_name));
    match crate::export_file::write_new(&path, bytes) {
        Ok(()) => FileCopy::Saved(path),
        Err(e) => FileCopy::Skipped(format!("隔離フォルダに保存できません: {e}")),
    }
}

impl Desk {
    pub(super) fn quarantine_dir(&self) -> PathBuf {
        self.data_dir.join(FOLDER)
    }

    pub(super) fn quarantine_quota_bytes(&self) -> Result<u64> {
        let mb = meta::get(self.store.read(), meta::QUARANTINE_QUOTA_MB)?
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(DEFAULT_QUOTA_MB);
        Ok(mb << 20)
    }

    /// How full the quarantine folder is.
    pub fn quarantine_usage(&self) -> Result<QuarantineUsage> {
        self.allow(Permission::Read)?;
        let dir = self.quarantine_dir();
        let (files, bytes) = measure(&dir);
        Ok(QuarantineUsage {
            folder: dir.display().to_string(),
            files,
            kilobytes: u32::try_from(bytes.div_ceil(1024)).unwrap_or(u32::MAX),
            quota_megabytes: u32::try_from(self.quarantine_quota_bytes()? >> 20).unwrap_or(u32::MAX),
        })
    }

    /// Sets the folder's quota (16 MB to 100 GB), audited.
    pub fn set_quarantine_quota(&mut self, megabytes: u32) -> Result<QuarantineUsage> {
        let user_id = self.allow(Permission::Supervise)?.id.clone();
        if !(16..=100 * 1024).contains(&megabytes) {
            return Err(Error::refused("quota", "16〜102400 MB の範囲で指定してください"));
        }
        let before = u32::try_from(self.quarantine_quota_bytes()? >> 20).unwrap_or(u32::MAX);
        let name = "quarantine_quota_mb";
        self.save_setting(&user_id, meta::QUARANTINE_QUOTA_MB, &megabytes.to_string(), name, &before, &megabytes)?;
        self.quarantine_usage()
    }

    /// Removes the kept files (the log of each refusal and the refused records stay), audited.
    pub fn clear_quarantine_files(&mut self) -> Result<QuarantineUsage> {
        let user_id = self.allow(Permission::Supervise)?.id.clone();
        let dir = self.quarantine_dir();
        let before = self.quarantine_usage()?;
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for entry in entries.flatten() {
                if entry.metadata().is_ok_and(|m| m.is_file()) {
                    std::fs::remove_file(entry.path())
                        .map_err(|e| Error::Io(format!("{} を削除できません: {e}", entry.path().display())))?;
                }
            }
        }
        let after = self.quarantine_usage()?;
        self.store.write(|tx| {
            tenin_store::audit::record(
                tx,
                tenin_store::audit::Change {
                    user_id: &user_id,
                    action: tenin_store::audit::Action::Delete,
                    entity: "quarantine_files",
                    entity_id: FOLDER,
                    before: Some(&before),
                    after: Some(&after),
                },
            )
        })?;
        Ok(after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_always_fits_and_keeps_the_hash_whole() {
        let sha = "a".repeat(64);
        let name = kept_name(&sha, &"長い名前".repeat(100));
        assert!(name.len() <= 64 + 1 + NAME_BYTES + 4, "within a file system's 255 bytes: {}", name.len());
        assert!(name.starts_with(&sha), "the hash finds the file again");
        assert!(name.ends_with(".bin"));
    }

    #[test]
    fn the_same_file_is_kept_once_and_the_quota_holds() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = keep(dir.path(), &"b".repeat(64), "one.zip", b"12345", 10);
        assert!(matches!(first, FileCopy::Saved(_)), "{first:?}");
        let again = keep(dir.path(), &"b".repeat(64), "renamed.zip", b"12345", 10);
        assert!(matches!(again, FileCopy::Existing(_)), "same bytes, other name: {again:?}");
        let over = keep(dir.path(), &"c".repeat(64), "two.zip", b"123456", 10);
        assert!(matches!(over, FileCopy::Skipped(_)), "5 + 6 bytes is over a 10-byte quota: {over:?}");
        assert_eq!(measure(dir.path()), (1, 5));
    }
}
