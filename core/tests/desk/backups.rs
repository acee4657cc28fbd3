//! Backups and restore on real files: a round trip gives identical data, generations are kept, a
//! file that is not a backup is refused with nothing changed, and a folder that cannot be written
//! leaves no partial file.

use tenin_core::Desk;
use tenin_core::desk::BackupSettings;

use crate::{demo_desk, valid_input};

/// Everything a nurse sees of the requests, as JSON, to compare states.
fn snapshot(desk: &Desk) -> String {
    let details: Vec<_> =
        desk.requests().expect("requests").iter().map(|r| desk.request(&r.id).expect("detail")).collect();
    serde_json::to_string(&details).expect("json")
}

#[test]
fn backup_then_restore_gives_back_exactly_the_data_of_the_backup() {
    let (dir, mut desk) = demo_desk();
    let backups = dir.path().join("my-backups");
    desk.set_backup_settings(&BackupSettings {
        dir: backups.display().to_string(),
        keep: 2,
        every_hours: 24,
        ..Default::default()
    })
    .expect("settings");
    let before = snapshot(&desk);
    assert_eq!(desk.status().expect("status").last_backup_at, None, "the About panel says: never");
    let done = desk.backup_now().expect("backup");
    let status = desk.status().expect("status");
    assert!(status.last_backup_at.is_some(), "the About panel names the last backup");
    assert!(status.database_kilobytes >= 64, "the demo desk's file size: {} KB", status.database_kilobytes);
    assert!(done.path.starts_with(&backups.display().to_string()) && done.path.ends_with(".db"));

    desk.create_request(&valid_input(&desk), true).expect("a change after the backup");
    assert_ne!(snapshot(&desk), before);
    let restored = desk.restore_backup(std::path::Path::new(&done.path), false).expect("restored");
    let after_restore = desk.requests().expect_err("the restored users sign in again");
    assert_eq!(after_restore.code(), tenin_core::ErrorCode::NotSignedIn);
    crate::sign_in_admin(&mut desk);
    assert_eq!(snapshot(&desk), before, "identical data");
    assert!(std::path::Path::new(&restored.kept_aside).exists(), "the database before the restore was kept");
    assert!(desk.verify_audit().expect("verify").broken_at.is_none());
    assert_eq!(desk.integrity_check().expect("check"), "ok");

    // Generations: three more backups, two kept.
    for _ in 0..3 {
        std::thread::sleep(std::time::Duration::from_millis(1100));
        desk.backup_now().expect("backup");
    }
    let kept = std::fs::read_dir(&backups).expect("dir").filter_map(|e| e.ok()).count();
    assert_eq!(kept, 2);
}

#[test]
fn a_file_that_is_not_a_backup_is_refused_and_nothing_changes() {
    let (dir, mut desk) = demo_desk();
    let before = snapshot(&desk);
    let text = dir.path().join("not-a-backup.db");
    std::fs::write(&text, "これはバックアップではありません").expect("write");
    let refused = desk.restore_backup(&text, false).expect_err("refused");
    assert!(refused.to_string().contains("バックアップとして使えません"), "{refused}");
    // An SQLite file that is not a desk.
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .expect("open")
        .execute_batch("CREATE TABLE t (x); PRAGMA user_version = 3;")
        .expect("db");
    assert!(desk.restore_backup(&other, false).is_err());
    assert_eq!(snapshot(&desk), before, "nothing changed");
    assert!(
        !std::fs::read_dir(dir.path())
            .expect("dir")
            .any(|e| { e.ok().is_some_and(|e| e.file_name().to_string_lossy().contains("before-restore")) }),
        "a refused restore does not even copy the database aside"
    );
}

#[test]
fn a_folder_that_cannot_take_the_backup_gives_a_clear_message_and_no_partial_file() {
    let (dir, mut desk) = demo_desk();
    // A file where the folder should be: nothing can be written there.
    let blocked = dir.path().join("blocked");
    std::fs::write(&blocked, "").expect("file");
    desk.set_backup_settings(&BackupSettings {
        dir: blocked.join("inner").display().to_string(),
        keep: 3,
        every_hours: 0,
        ..Default::default()
    })
    .expect("settings");
    let refused = desk.backup_now().expect_err("refused");
    assert!(refused.to_string().contains("バックアップ先に書けません"), "{refused}");
    assert_eq!(desk.backup_if_due(chrono::Utc::now()).expect("schedule off"), None);
}

#[test]
fn the_schedule_makes_a_backup_only_when_one_is_due() {
    let (dir, mut desk) = demo_desk();
    desk.set_backup_settings(&BackupSettings {
        dir: dir.path().join("b").display().to_string(),
        keep: 5,
        every_hours: 6,
        ..Default::default()
    })
    .expect("settings");
    let now = chrono::Utc::now();
    assert!(desk.backup_if_due(now).expect("first").is_some(), "none yet: due");
    assert!(desk.backup_if_due(now + chrono::Duration::hours(1)).expect("soon").is_none());
    assert!(desk.backup_if_due(now + chrono::Duration::hours(7)).expect("later").is_some());
    assert!(
        desk.set_backup_settings(&BackupSettings {
            dir: String::new(),
            keep: 0,
            every_hours: 1000,
            ..Default::default()
        })
        .is_err()
    );
}
