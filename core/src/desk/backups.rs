//! The backups part of [`Desk`]: on demand, on a schedule (the app asks `backup_if_due`), kept in
//! generations in a chosen folder, and restoring one.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Desk;
use tenin_domain::access::Permission;
use tenin_domain::error::{Problem, Problems, Result};
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
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings { dir: String::new(), keep: 14, every_hours: 24 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupDone {
    pub path: String,
    /// Older backups removed to keep the set number.
    pub removed: u32,
    pub at: String,
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
        Ok(stored.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default())
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
        problems.into_result()?;
        let settings = BackupSettings { dir: settings.dir.trim().to_owned(), ..settings.clone() };
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
        self.store.write(|tx| meta::set(tx, meta::LAST_BACKUP_AT, &at))?;
        Ok(BackupDone { path: path.display().to_string(), removed, at })
    }

    /// A backup if the schedule says one is due (none yet, or the last is older than the interval).
    /// The desk does this by itself, signed in or not: the schedule also runs while the screen is
    /// locked.
    pub fn backup_if_due(&mut self, now: DateTime<Utc>) -> Result<Option<BackupDone>> {
        let settings = self.stored_backup_settings()?;
        if settings.every_hours == 0 {
            return Ok(None);
        }
        let last = meta::get(self.store.read(), meta::LAST_BACKUP_AT)?.and_then(|at| parse_rfc3339(&at).ok());
        let due = last.is_none_or(|last| now - last >= chrono::Duration::hours(settings.every_hours.into()));
        if due { self.make_backup().map(Some) } else { Ok(None) }
    }

    /// Replaces the desk's data with a backup: checked first (a file that is not one is refused and
    /// nothing changes), the current database kept aside, older backups migrated. Close the app
    /// before restoring from the command line.
    pub fn restore_backup(&mut self, file: &std::path::Path) -> Result<RestoreDone> {
        let user_id = self.allow(Permission::Administer)?.id.clone();
        let stamp = Utc::now().with_timezone(&self.offset()?).format("%Y%m%d-%H%M%S").to_string();
        let aside = self.store.restore_from(file, &stamp)?;
        let note = serde_json::json!({"restored_from": file.display().to_string(), "kept_aside": aside.display().to_string(), "at": now_rfc3339()});
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
