//! Backups of the desk's database with SQLite's online backup, kept in generations, and restoring
//! one: the candidate is checked before anything changes, and the current database is copied aside
//! first, so a restore that fails leaves the desk as it was.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use crate::Result;
use crate::cipher::{self, Passphrase};
use crate::migrations::{self, LATEST_VERSION};
use crate::{DATABASE_FILE, SQLITE_HEADER};
use tenin_domain::error::Error;
use tenin_domain::error::Rule;

/// Backup files are named `tenin-YYYYMMDD-HHMMSS.db`, so their names sort by time.
pub const PREFIX: &str = "tenin-";
pub const SUFFIX: &str = ".db";
/// A backup being written, before it is checked and renamed.
pub const PARTIAL_SUFFIX: &str = ".db.partial";

fn io(what: &str, path: &Path, e: std::io::Error) -> Error {
    let reason = if e.raw_os_error() == Some(28) { "空き容量が足りません".to_owned() } else { e.to_string() };
    Error::Io(format!("{what}: {}（{reason}）", path.display()))
}

fn sqlite(what: &str, path: &Path, e: rusqlite::Error) -> Error {
    let reason = match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DiskFull) => "空き容量が足りません".to_owned(),
        _ => e.to_string(),
    };
    Error::Io(format!("{what}: {}（{reason}）", path.display()))
}

/// A leftover of work that was killed half-way (a backup's `.partial`, an encryption's `.rekey`)
/// once nothing has written to it for this long: work in progress touches its file continuously.
pub const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Removes leftovers in `dir` whose names end with `suffix` and that have not been written to for
/// [`STALE_AFTER`]. Returns how many were removed; a file that cannot be removed is left alone.
pub fn remove_stale(dir: &Path, suffix: &str) -> u32 {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    let mut removed = 0;
    for entry in entries.flatten() {
        let stale = entry.file_name().to_str().is_some_and(|n| n.ends_with(suffix))
            && entry.metadata().is_ok_and(|m| {
                m.is_file() && m.modified().ok().and_then(|t| t.elapsed().ok()).is_some_and(|age| age >= STALE_AFTER)
            });
        if stale && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Copies the live database to `dir/tenin-<stamp>.db` through a `.partial` file that becomes the
/// backup only once it is complete and passes SQLite's integrity check. Never overwrites.
pub fn backup_to(conn: &Connection, key: Option<&Passphrase>, dir: &Path, stamp: &str) -> Result<PathBuf> {
    crate::private_files::create_dir_all(dir).map_err(|e| io("バックアップ先に書けません", dir, e))?;
    remove_stale(dir, PARTIAL_SUFFIX);
    let mut target = dir.join(format!("{PREFIX}{stamp}{SUFFIX}"));
    for n in 2..100 {
        if !target.exists() {
            break;
        }
        target = dir.join(format!("{PREFIX}{stamp}-{n}{SUFFIX}"));
    }
    let partial = target.with_extension(PARTIAL_SUFFIX.trim_start_matches('.'));
    // A backup is one self-contained file, out of WAL mode (opening it later to check or restore
    // it leaves no -wal / -shm files beside it), encrypted under the desk's key if it has one.
    let written = cipher::copy_to(conn, &partial, key)
        .map_err(|e| sqlite("バックアップを書けませんでした", &partial, e))
        .and_then(|()| Ok(check(&partial, key).map(|_| ())?));
    if let Err(e) = written {
        let _ = fs::remove_file(&partial);
        return Err(e.into());
    }
    fs::rename(&partial, &target).map_err(|e| io("バックアップを保存できません", &target, e))?;
    Ok(target)
}

/// Removes the oldest backups in `dir` beyond `keep` (only files named like ours). Returns how many.
pub fn prune(dir: &Path, keep: usize) -> Result<u32> {
    let mut ours: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| io("バックアップ先を読めません", dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        })
        .collect();
    ours.sort();
    let excess = ours.len().saturating_sub(keep.max(1));
    for old in &ours[..excess] {
        fs::remove_file(old).map_err(|e| io("古いバックアップを削除できません", old, e))?;
    }
    Ok(excess as u32)
}

/// Checks that `path` is a whole, readable Tenin Desk database this program can use, without
/// changing it. Returns its schema version.
pub fn check(path: &Path, key: Option<&Passphrase>) -> Result<u32> {
    let refuse = |why: &str| Error::from(Rule::NotABackup { path: path.display().to_string(), reason: why.to_owned() });
    // Before opening it: a FIFO or a device would make the open wait forever or read without end.
    let metadata = fs::metadata(path).map_err(|e| io("ファイルを開けません", path, e))?;
    if !metadata.is_file() {
        return Err(refuse("通常のファイルではありません").into());
    }
    let mut header = [0u8; 16];
    let mut file = fs::File::open(path).map_err(|e| io("ファイルを開けません", path, e))?;
    std::io::Read::read_exact(&mut file, &mut header).map_err(|_| refuse("SQLite のファイルではありません"))?;
    if key.is_none() && header.as_slice() != SQLITE_HEADER {
        return Err(refuse("SQLite のファイルではありません").into());
    }
    let conn = cipher::open(path, key, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| sqlite("バックアップを開けません", path, e))?;
    if key.is_some() && cipher::opens(&conn).is_err() {
        return Err(refuse(
            "このデスクの合言葉で開けません。暗号化する前のバックアップか、別の合言葉のもの、またはデータベースではないファイルです",
        ).into());
    }
    let integrity: String =
        conn.pragma_query_value(None, "integrity_check", |row| row.get(0)).map_err(|_| refuse("壊れています"))?;
    if integrity != "ok" {
        return Err(refuse(&format!("壊れています: {integrity}")).into());
    }
    let version = migrations::current_version(&conn).map_err(|_| refuse("版を読めません"))?;
    if version == 0 || version > LATEST_VERSION {
        return Err(refuse(&format!("このアプリで使えない版です（{version}）")).into());
    }
    let desk: Option<String> = conn
        .query_row("SELECT value FROM desk_meta WHERE key = 'desk_id'", [], |row| row.get(0))
        .map_err(|_| refuse("転院調整デスクのデータベースではありません"))?;
    desk.ok_or_else(|| refuse("転院調整デスクのデータベースではありません"))?;
    Ok(version)
}

/// The audit chain of the backup at `path` (opened read-only with `key`), checked as the live one
/// is: a restore shows a broken chain before it replaces anything. `None` for a backup from before
/// the chain existed (schema 10).
pub fn chain_of(path: &Path, key: Option<&Passphrase>) -> Result<Option<crate::audit::ChainCheck>> {
    let version = check(path, key)?;
    if version < 10 {
        return Ok(None);
    }
    let conn = cipher::open(path, key, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| sqlite("バックアップを開けません", path, e))?;
    Ok(Some(crate::audit::verify(crate::Db::of(&conn))?))
}

/// The end of the audit chain kept in the backup at `path`: the live chain must still hold it.
pub fn head_of(path: &Path, key: Option<&Passphrase>) -> Result<Option<crate::audit::Head>> {
    let version = check(path, key)?;
    if version < 10 {
        return Ok(None);
    }
    let conn = cipher::open(path, key, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| sqlite("バックアップを開けません", path, e))?;
    crate::audit::head(crate::Db::of(&conn))
}

/// Replaces the live database with `candidate` after checking it, having first copied the current
/// one aside (`tenin.db.before-restore-<stamp>`); migrates an older backup. If anything fails after
/// the copy, the current database is put back. Returns the copy's path.
pub fn restore(
    conn: &mut Connection,
    key: Option<&Passphrase>,
    live: &Path,
    candidate: &Path,
    stamp: &str,
) -> Result<PathBuf> {
    check(candidate, key)?;
    let aside = live.with_file_name(format!("{DATABASE_FILE}.before-restore-{stamp}"));
    cipher::copy_to(conn, &aside, key).map_err(|e| sqlite("現在のデータベースを退避できません", &aside, e))?;
    let restored = cipher::copy_from(conn, candidate, key)
        .map_err(|e| sqlite("復元できませんでした", candidate, e))
        .and_then(|()| {
            migrations::migrate(conn).map(|_| ()).map_err(|e| match e {
                crate::StoreError::Sqlite(e) => sqlite("復元したデータベースを更新できません", candidate, e),
                crate::StoreError::Domain(e) => e,
            })
        })
        .and_then(|_| {
            let ok: String = conn
                .pragma_query_value(None, "quick_check", |row| row.get(0))
                .map_err(|e| sqlite("復元後の検査ができません", candidate, e))?;
            if ok == "ok" { Ok(()) } else { Err(Error::Io(format!("復元後の検査に失敗しました: {ok}"))) }
        });
    if let Err(e) = restored {
        cipher::copy_from(conn, &aside, key).map_err(|put_back| {
            sqlite(&format!("{e}。元に戻せませんでした（退避先を確認してください）"), &aside, put_back)
        })?;
        return Err(e.into());
    }
    Ok(aside)
}
