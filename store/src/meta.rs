//! Key–value facts about this desk's database (its id, the region pack it was set up with, flags).

use crate::Db;
use rusqlite::{OptionalExtension, params};

pub const DESK_ID: &str = "desk_id";
pub const CREATED_AT: &str = "created_at";
pub const REGION_PACK_ID: &str = "region_pack_id";
pub const REGION_PACK_NAME: &str = "region_pack_name";
pub const REGION_PACK_VERSION: &str = "region_pack_version";
pub const TIME_ZONE: &str = "time_zone";
pub const UTC_OFFSET_MINUTES: &str = "utc_offset_minutes";
/// Set when the nurse chose to start empty, so the demo-data offer is not shown again.
pub const WELCOME_DISMISSED: &str = "welcome_dismissed";
/// Hours after which reported capacity is shown as stale.
pub const CAPACITY_STALE_AFTER_HOURS: &str = "capacity_stale_after_hours";
/// The official table's column for an unknown or outside jurisdiction (region pack).
pub const REPORT_GROUP_OTHER: &str = "report_group_other";
/// The titles of the stamp boxes on the daily log (JSON array); the defaults when absent.
pub const STAMP_TITLES: &str = "stamp_titles";
/// Backup folder, generations and interval (JSON of `BackupSettings`).
pub const BACKUP_SETTINGS: &str = "backup_settings";
/// When the last backup was made (RFC 3339).
pub const LAST_BACKUP_AT: &str = "last_backup_at";
/// When the app last checked the whole file in the background (RFC 3339), and what it found.
pub const LAST_INTEGRITY_CHECK_AT: &str = "last_integrity_check_at";
pub const LAST_INTEGRITY_RESULT: &str = "last_integrity_result";
/// Minutes without activity after which the session locks.
pub const IDLE_LOCK_MINUTES: &str = "idle_lock_minutes";
/// The matching weights (JSON of `MatchWeights`); the defaults when absent.
pub const MATCHING_WEIGHTS: &str = "matching_weights";
/// The quarantine folder's quota in MB; the default when absent.
pub const QUARANTINE_QUOTA_MB: &str = "quarantine_quota_mb";
/// How the desk is reached (JSON of `DeskContact`): printed on sheets, sent in inquiries.
pub const DESK_CONTACT: &str = "desk_contact";
/// Which end of the exchange this installation is (`desk` when absent, or `hospital`).
pub const EDITION: &str = "edition";
/// A hospital edition's own medical-institution code.
pub const OWN_HOSPITAL_CODE: &str = "own_hospital_code";
/// A hospital edition's desk: its keys file (JSON of `KeysFile`), checked by fingerprint at set-up.
pub const DESK_IDENTITY: &str = "desk_identity";
/// The sync root, schedule and preview setting (JSON of `SyncSettings`); off when absent.
pub const SYNC_SETTINGS: &str = "sync_settings";
/// An argon2id hash of the desk's recovery key (`tenin_domain::recovery_key`).
pub const RECOVERY_KEY_HASH: &str = "recovery_key_hash";
/// When a backup last reached the second (off-machine) folder.
pub const LAST_OFFSITE_BACKUP_AT: &str = "last_offsite_backup_at";
/// Which notices the app raises (JSON of `NoticeSettings`); all on when absent.
pub const NOTICE_SETTINGS: &str = "notice_settings";

pub fn get(conn: Db<'_>, key: &str) -> crate::Result<Option<String>> {
    Ok(crate::query_row_cached(conn, "SELECT value FROM desk_meta WHERE key = ?1", [key], |row| row.get(0))
        .optional()?)
}

pub fn set(conn: Db<'_>, key: &str, value: &str) -> crate::Result<()> {
    crate::execute_cached(
        conn,
        "INSERT INTO desk_meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}
