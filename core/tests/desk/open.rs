//! Opening a data directory: creation, reopening, and every kind of bad file — each refused with
//! the right error and left byte-for-byte as it was.

use std::fs;

use tenin_core::{Desk, OpenError};
use tenin_store::{DATABASE_FILE, LATEST_VERSION};

use crate::{file_bytes, fresh_desk, valid_input};

#[test]
fn fresh_directory_gets_a_migrated_database_with_the_default_pack() {
    let (dir, desk) = fresh_desk();
    let status = desk.status().expect("status");
    assert!(dir.path().join(DATABASE_FILE).exists(), "database file created in the data dir");
    assert_eq!(status.schema_version, LATEST_VERSION, "fully migrated");
    assert_eq!(status.region_pack.id, "jp-14-kanagawa", "bundled pack loaded on first open");
    assert!(status.show_welcome, "an empty desk offers demo data");
    assert_eq!(desk.integrity_check().expect("check"), "ok");
}

#[test]
fn data_survives_closing_and_reopening() {
    let (dir, mut desk) = crate::demo_desk();
    let created = desk.create_request(&valid_input(&desk), true).expect("valid request");
    let desk_id = desk.status().expect("status").desk_id;
    drop(desk);
    let reopened = crate::open_signed_in(dir.path());
    let again = reopened.request(&created.summary.id).expect("the request is still there");
    assert_eq!(again, created, "same request after reopening");
    assert_eq!(reopened.status().expect("status").desk_id, desk_id, "desk id is stable");
}

#[test]
fn a_data_dir_that_cannot_be_created_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let blocker = dir.path().join("not-a-folder");
    fs::write(&blocker, b"a file where the data folder should be").expect("write");
    let err = Desk::open(&blocker.join("data")).err().expect("must fail");
    assert!(matches!(err, OpenError::NotWritable { .. }), "got {err:?}");
    assert_eq!(file_bytes(&blocker), b"a file where the data folder should be", "nothing touched");
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(DATABASE_FILE);
    let content = "受付番号,患者\n1,A.B.\n".repeat(200);
    fs::write(&path, &content).expect("write");
    let err = Desk::open(dir.path()).err().expect("must fail");
    assert!(matches!(err, OpenError::NotADatabase { .. }), "got {err:?}");
    assert_eq!(file_bytes(&path), content.as_bytes(), "the file is unchanged");
    assert!(!dir.path().join(format!("{DATABASE_FILE}-wal")).exists(), "no WAL created beside it");
}

#[test]
fn a_corrupt_database_is_refused_and_left_alone() {
    let (dir, desk) = crate::demo_desk();
    drop(desk);
    let path = dir.path().join(DATABASE_FILE);
    // Checkpointed on close, so the data is in the main file; scribble over pages past the header.
    let mut bytes = file_bytes(&path);
    assert!(bytes.len() > 8192, "the demo database spans several pages");
    for byte in &mut bytes[4096..8192] {
        *byte = 0xA5;
    }
    fs::write(&path, &bytes).expect("write");
    let err = Desk::open(dir.path()).err().expect("must fail");
    assert!(matches!(err, OpenError::Corrupt { .. }), "got {err:?}");
    assert_eq!(file_bytes(&path), bytes, "the corrupt file is unchanged");
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_alone() {
    let (dir, desk) = fresh_desk();
    drop(desk);
    let path = dir.path().join(DATABASE_FILE);
    {
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.pragma_update(None, "user_version", LATEST_VERSION + 5).expect("bump");
    }
    let before = file_bytes(&path);
    let err = Desk::open(dir.path()).err().expect("must fail");
    assert_eq!(
        err,
        OpenError::TooNew { path: path.display().to_string(), found: LATEST_VERSION + 5, supported: LATEST_VERSION }
    );
    assert!(err.to_string().contains("新しいバージョン"), "message says what is wrong: {err}");
    assert_eq!(file_bytes(&path), before, "file unchanged");
}

#[test]
fn an_empty_file_is_treated_as_a_new_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join(DATABASE_FILE), b"").expect("write");
    let desk = crate::open_signed_in(dir.path());
    assert_eq!(desk.status().expect("status").schema_version, LATEST_VERSION);
}
