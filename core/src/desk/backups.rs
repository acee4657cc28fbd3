//! The backups part of [`Desk`]: on demand, on a schedule (the app asks `backup_if_due`), kept in
//! generations in a chosen folder, and restoring one.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Desk;
use tenin_domain::access::Permission;
use tenin_domain::error::{Problem, Problems, Result, Rule};
use tenin_store::ids::{now_rfc3339, parse_rfc3339};
use tenin_store::{audit, backup, meta, users};

/// Where and how often backups are made, and how many are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupSettings {
    /// A folder; empty means `backups` in the data folder.
    pub dir: String,
    /// Generations kept (1–365).
    pub keep: u32,
    /// Hours between scheduled backups; 0 turns the schedule off (1–720 otherwise).
    pub every_hours: u32,
    /// A second folder off this machine (removable media, a network folder); empty: none. Every
    /// backup is copied there too when it can be reached.
    pub offsite_dir: String,
    /// The desk warns when the last copy that reached the second folder is older than this (1–90).
    pub offsite_max_age_days: u32,
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings {
            dir: String::new(),
            keep: 14,
            every_hours: 24,
            offsite_dir: String::new(),
            offsite_max_age_days: 7,
        }
    }
}

/// What protects the desk's data, and what the desk warns about (the app shows these to
/// administrators; `tenin status` prints them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Protection {
    pub encrypted: bool,
    pub has_recovery_key: bool,
    pub offsite_dir: String,
    pub last_offsite_backup_at: Option<String>,
    pub warnings: Vec<ProtectionWarning>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ProtectionWarning {
    /// The database is in the clear: offer encryption.
    NotEncrypted,
    /// No recovery key (a desk made before they existed): make one and keep it in the safe.
    NoRecoveryKey,
    /// No second backup folder is set.
    NoOffsiteFolder,
    /// The last copy in the second folder is older than the setting (or there is none yet).
    OffsiteBackupOld,
}

impl ProtectionWarning {
    pub fn label_ja(self) -> &'static str {
        match self {
            ProtectionWarning::NotEncrypted => "データベースが暗号化されていません（設定 → データベースの暗号化）",
            ProtectionWarning::NoRecoveryKey => "回復キーがありません（設定 → 回復キーを作成し、印刷して保管）",
            ProtectionWarning::NoOffsiteFolder => "このPCの外へのバックアップ先が設定されていません",
            ProtectionWarning::OffsiteBackupOld => {
                "このPCの外へのバックアップが古くなっています（外付けドライブ等を接続してバックアップ）"
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupDone {
    pub path: String,
    /// Older backups removed to keep the set number.
    pub removed: u32,
    pub at: String,
    /// The copy in the second folder, when one is set and could be reached.
    pub offsite_path: Option<String>,
    /// Why the copy to the second folder failed (media not connected, …); the backup itself is kept.
    pub offsite_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RestoreDone {
    /// Where the database as it was before the restore was kept.
    pub kept_aside: String,
}

impl Desk {
    pub fn backup_settings(&self) -> Result<BackupSettings> {
        self.allow(Permission::Supervise)?;
        self.stored_backup_settings()
    }

    fn stored_backup_settings(&self) -> Result<BackupSettings> {
        let stored = meta::get(self.store.read(), meta::BACKUP_SETTINGS)?;
        // Settings saved before a field existed keep their values; the new field takes its default.
        let mut settings = serde_json::to_value(BackupSettings::default())?;
        if let (Some(saved), Some(fields)) =
            (stored.and_then(|json| serde_json::from_str::<serde_json::Value>(&json).ok()), settings.as_object_mut())
            && let Some(saved) = saved.as_object()
        {
            fields.extend(
                saved
                    .iter()
                    .filter(|(k, _)| fields.contains_key(*k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<Vec<_>>(),
            );
        }
        Ok(serde_json::from_value(settings).unwrap_or_default())
    }

    pub fn set_backup_settings(&mut self, settings: &BackupSettings) -> Result<BackupSettings> {
        let user_id = self.allow(Permission::Administer)?.id.clone();
        let mut problems = Problems::default();
        if !(1..=365).contains(&settings.keep) {
            problems.add("keep", Problem::OutOfRange { min: 1, max: 365 });
        }
        if settings.every_hours > 720 {
            problems.add("every_hours", Problem::OutOfRange { min: 0, max: 720 });
        }
        if !(1..=90).contains(&settings.offsite_max_age_days) {
            problems.add("offsite_max_age_days", Problem::OutOfRange { min: 1, max: 90 });
        }
        problems.into_result()?;
        let settings = BackupSettings {
            dir: settings.dir.trim().to_owned(),
            offsite_dir: settings.offsite_dir.trim().to_owned(),
            ..settings.clone()
        };
        let before = self.stored_backup_settings()?;
        let json = serde_json::to_string(&settings)?;
        self.save_setting(&user_id, meta::BACKUP_SETTINGS, &json, "backup", &before, &settings)?;
        self.stored_backup_settings()
    }

    /// Removes what a backup killed half-way left in the backup folder (a `.partial` nobody has
    /// written to for a while); called when the desk opens, and before each backup.
    pub(super) fn remove_backup_leftovers(&self) -> Result<u32> {
        let dir = self.backup_dir(&self.stored_backup_settings()?);
        Ok(backup::remove_stale(&dir, backup::PARTIAL_SUFFIX))
    }

    fn backup_dir(&self, settings: &BackupSettings) -> PathBuf {
        if settings.dir.is_empty() { self.data_dir.join("backups") } else { PathBuf::from(&settings.dir) }
    }

    /// Makes a backup now (checked before it is kept), then removes the oldest beyond the setting.
    pub fn backup_now(&mut self) -> Result<BackupDone> {
        self.allow(Permission::Supervise)?;
        self.make_backup()
    }

    fn make_backup(&mut self) -> Result<BackupDone> {
        let settings = self.stored_backup_settings()?;
        let dir = self.backup_dir(&settings);
        let now = Utc::now();
        let stamp = now.with_timezone(&self.offset()?).format("%Y%m%d-%H%M%S").to_string();
        let path = self.store.backup_to(&dir, &stamp)?;
        let removed = backup::prune(&dir, settings.keep as usize)?;
        let at = tenin_store::ids::to_rfc3339(now);
        let (offsite_path, offsite_error) = match settings.offsite_dir.as_str() {
            "" => (None, None),
            offsite => match self.copy_offsite(std::path::Path::new(offsite), &stamp, settings.keep) {
                Ok(copy) => (Some(copy.display().to_string()), None),
                Err(e) => (None, Some(e.to_string())),
            },
        };
        self.store.write(|tx| -> Result<()> {
            meta::set(tx, meta::LAST_BACKUP_AT, &at)?;
            if offsite_path.is_some() {
                meta::set(tx, meta::LAST_OFFSITE_BACKUP_AT, &at)?;
            }
            Ok(())
        })?;
        Ok(BackupDone { path: path.display().to_string(), removed, at, offsite_path, offsite_error })
    }

    /// The same checked backup in the second folder, with the passphrase escrow beside it (so the
    /// recovery key opens that copy too); generations kept as in the first.
    fn copy_offsite(&self, offsite: &std::path::Path, stamp: &str, keep: u32) -> Result<PathBuf> {
        if !offsite.is_dir() {
            return Err(tenin_domain::Error::Io(format!(
                "{} に接続できません（外付けドライブやネットワークフォルダを確認してください）",
                offsite.display()
            )));
        }
        let copy = self.store.backup_to(offsite, stamp)?;
        backup::prune(offsite, keep as usize)?;
        let escrow_here = tenin_store::cipher::escrow(self.store.path());
        if escrow_here.is_file() {
            let there = offsite.join(escrow_here.file_name().unwrap_or_default());
            let bytes = std::fs::read(&escrow_here).map_err(|e| tenin_domain::Error::Io(e.to_string()))?;
            tenin_store::private_files::write(&there, &bytes).map_err(|e| tenin_domain::Error::Io(e.to_string()))?;
        }
        Ok(copy)
    }

    /// What protects the desk's data and what needs doing (see [`Protection`]).
    pub fn protection(&self, now: DateTime<Utc>) -> Result<Protection> {
        self.allow(Permission::Read)?;
        let settings = self.stored_backup_settings()?;
        let conn = self.store.read();
        let encrypted = self.store.is_encrypted();
        let has_recovery_key = meta::get(conn, meta::RECOVERY_KEY_HASH)?.is_some();
        let last = meta::get(conn, meta::LAST_OFFSITE_BACKUP_AT)?;
        let mut warnings = Vec::new();
        if !encrypted {
            warnings.push(ProtectionWarning::NotEncrypted);
        }
        if !has_recovery_key {
            warnings.push(ProtectionWarning::NoRecoveryKey);
        }
        if settings.offsite_dir.is_empty() {
            warnings.push(ProtectionWarning::NoOffsiteFolder);
        } else {
            let newest = last.as_deref().and_then(|at| parse_rfc3339(at).ok());
            let limit = chrono::Duration::days(settings.offsite_max_age_days.into());
            if newest.is_none_or(|at| now - at > limit) {
                warnings.push(ProtectionWarning::OffsiteBackupOld);
            }
        }
        Ok(Protection {
            encrypted,
            has_recovery_key,
            offsite_dir: settings.offsite_dir,
            last_offsite_backup_at: last,
            warnings,
        })
    }

    /// A backup if the schedule says one is due (none yet, or the last is older than the interval).
    /// The desk does this by itself, signed in or not: the schedule also runs while the screen is
    /// locked.
    pub fn backup_if_due(&mut self, now: DateTime<Utc>) -> Result<Option<BackupDone>> {
        if self.backup_due(now)? { self.make_backup().map(Some) } else { Ok(None) }
    }

    /// Whether the schedule says a backup is due (what the app's timer asks before the long work).
    pub fn backup_due(&self, now: DateTime<Utc>) -> Result<bool> {
        let settings = self.stored_backup_settings()?;
        if settings.every_hours == 0 {
            return Ok(false);
        }
        let last = meta::get(self.store.read(), meta::LAST_BACKUP_AT)?.and_then(|at| parse_rfc3339(&at).ok());
        Ok(last.is_none_or(|last| now - last >= chrono::Duration::hours(settings.every_hours.into())))
    }

    /// Replaces the desk's data with a backup: checked first (a file that is not one is refused and
    /// nothing changes), the current database kept aside, older backups migrated. Close the app
    /// before restoring from the command line.
    ///
    /// The backup's audit chain is checked first: a broken one is refused
    /// (`Rule::BackupChainBroken`) unless `accept_broken_chain` — an administrator's explicit
    /// choice, recorded with the break in the restore's audit entry.
    pub fn restore_backup(&mut self, file: &std::path::Path, accept_broken_chain: bool) -> Result<RestoreDone> {
        let user_id = self.allow(Permission::Administer)?.id.clone();
        let broken = self.store.backup_chain(file)?.and_then(|check| check.broken_at);
        if let Some(broken) = &broken
            && !accept_broken_chain
        {
            return Err(Rule::BackupChainBroken { seq: broken.seq, reason: broken.reason.clone() }.into());
        }
        let stamp = Utc::now().with_timezone(&self.offset()?).format("%Y%m%d-%H%M%S").to_string();
        let aside = self.store.restore_from(file, &stamp)?;
        let note = serde_json::json!({
            "restored_from": file.display().to_string(),
            "kept_aside": aside.display().to_string(),
            "at": now_rfc3339(),
            "accepted_broken_chain": broken,
        });
        // The restored data has its own users: the one who restored is recorded if they are among
        // them (else the desk's account, with their login in the note), and everyone signs in again.
        let login = self.allow(Permission::Administer)?.login.clone();
        let note = serde_json::json!({"restored_by": login, "detail": note});
        self.system = self.store.write(users::ensure_system)?;
        self.session = None;
        let actor = match users::by_id(self.store.read(), &user_id)? {
            Some(user) => user.id,
            None => self.system.id.clone(),
        };
        self.store.write(|tx| {
            audit::record(
                tx,
                audit::Change::<(), _> {
                    user_id: &actor,
                    action: audit::Action::Load,
                    entity: "database",
                    entity_id: "restore",
                    before: None,
                    after: Some(&note),
                },
            )
        })?;
        Ok(RestoreDone { kept_aside: aside.display().to_string() })
    }
}
