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
fn a_missing_or_empty_desk_is_refused_and_only_set_up_makes_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(DATABASE_FILE);
    assert!(matches!(Desk::open(dir.path()), Err(OpenError::NoDesk { .. })));
    assert!(!path.exists(), "opening never makes a desk");
    fs::write(&path, b"").expect("a file emptied by accident");
    let err = Desk::open(dir.path()).err().expect("refused");
    assert!(matches!(err, OpenError::EmptyFile { .. }), "got {err:?}");
    assert!(err.to_string().contains("空"), "{err}");
    assert_eq!(file_bytes(&path), b"", "left as it was");
    assert!(!dir.path().join(format!("{DATABASE_FILE}-wal")).exists());
    // An SQLite file with nothing in it is no desk either.
    fs::remove_file(&path).expect("remove");
    rusqlite::Connection::open(&path)
        .expect("sqlite")
        .execute_batch("PRAGMA user_version = 0; VACUUM;")
        .expect("empty db");
    let before = file_bytes(&path);
    assert!(matches!(Desk::open(dir.path()), Err(OpenError::EmptyFile { .. })));
    assert_eq!(file_bytes(&path), before);
    // Set-up may use an empty file.
    fs::write(&path, b"").expect("empty again");
    let (desk, recovery_key) = Desk::create(dir.path(), &tenin_core::desk::NewDesk::default()).expect("set-up");
    assert!(recovery_key.is_some_and(|k| k.len() == 39), "a new desk comes with its recovery key");
    drop(desk);
    let desk = crate::open_signed_in(dir.path());
    assert_eq!(desk.status().expect("status").schema_version, LATEST_VERSION);
    drop(desk);
    let (_desk, again) = Desk::create(dir.path(), &tenin_core::desk::NewDesk::default()).expect("set-up again");
    assert!(again.is_none(), "an existing desk opens as it is, with no new recovery key");
}

#[test]
fn another_programs_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(DATABASE_FILE);
    {
        let conn = rusqlite::Connection::open(&path).expect("sqlite");
        conn.execute_batch(
            "CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO patients (name) VALUES ('山田');
             PRAGMA user_version = 3;",
        )
        .expect("a foreign database");
    }
    let before = file_bytes(&path);
    for attempt in [Desk::open(dir.path()).err(), Desk::create(dir.path(), &Default::default()).err()] {
        let err = attempt.expect("refused");
        assert!(matches!(err, OpenError::Foreign { .. }), "got {err:?}");
    }
    assert_eq!(file_bytes(&path), before, "no desk tables migrated into it");
    // One that says it belongs to another application.
    rusqlite::Connection::open(&path).expect("sqlite").pragma_update(None, "application_id", 42).expect("id");
    let before = file_bytes(&path);
    let err = Desk::open(dir.path()).err().expect("refused");
    assert!(err.to_string().contains("別のアプリケーション"), "{err}");
    assert_eq!(file_bytes(&path), before);
}

#[test]
fn a_desk_says_what_it_is_in_its_header() {
    let (dir, desk) = fresh_desk();
    drop(desk);
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).expect("open");
    let id: i32 = conn.pragma_query_value(None, "application_id", |row| row.get(0)).expect("id");
    assert_eq!(id, tenin_store::APPLICATION_ID);
}

/// A copy of a desk that cannot be written (a file without write permission — refused on the mode,
/// so also for an administrator account) opens for reading: lists and reports work, sign-in works
/// without writing, and any change is refused as read-only with the file unchanged.
#[cfg(unix)]
#[test]
fn a_read_only_copy_opens_for_reading() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, desk) = crate::demo_desk();
    let requests = desk.requests().expect("requests").len();
    drop(desk);
    let copy = tempfile::tempdir().expect("copy");
    let path = copy.path().join(DATABASE_FILE);
    fs::copy(dir.path().join(DATABASE_FILE), &path).expect("copied");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).expect("read-only");
    let before = file_bytes(&path);
    let mut desk = crate::open_signed_in(copy.path());
    assert_eq!(desk.requests().expect("reads").len(), requests);
    assert!(desk.status().expect("status").read_only);
    assert!(desk.verify_audit().expect("verify").broken_at.is_none());
    let refused = desk.create_request(&valid_input(&desk), true).expect_err("read-only");
    assert_eq!(tenin_core::ErrorReport::from(refused).code, tenin_core::ErrorCode::Storage);
    assert_eq!(desk.integrity_check_if_due(chrono::Utc::now()).expect("no check"), None, "nothing to record");
    drop(desk);
    assert_eq!(file_bytes(&path), before, "the copy is byte-for-byte unchanged");
    let leftovers: Vec<_> = fs::read_dir(copy.path()).expect("dir").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no -wal or -shm made beside it: {leftovers:?}");
}

/// Another program holds the write lock (a long import): opening the desk, signing in and reading
/// do not wait for it, and the sign-in's audit entry is written once the lock is free.
#[test]
fn reading_never_waits_for_another_programs_write() {
    let (dir, desk) = crate::demo_desk();
    let requests = desk.requests().expect("requests").len();
    let entries = desk.verify_audit().expect("verify").entries;
    drop(desk);
    let importer = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).expect("another program");
    importer.execute_batch("BEGIN IMMEDIATE; UPDATE desk_meta SET value = value WHERE key = 'desk_id';").expect("lock");
    let started = std::time::Instant::now();
    let desk = crate::open_signed_in(dir.path());
    assert_eq!(desk.requests().expect("reads during the import").len(), requests);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(4),
        "opened and signed in without waiting out the 5 s busy timeout ({:?})",
        started.elapsed()
    );
    importer.execute_batch("COMMIT").expect("import done");
    drop(desk);
    let desk = crate::open_signed_in(dir.path());
    let check = desk.verify_audit().expect("verify");
    assert!(check.broken_at.is_none(), "{check:?}");
    assert_eq!(check.entries, entries + 2, "the deferred sign-in was written when the desk closed, then this one");
    let sign_ins = desk
        .audit_log(&tenin_core::desk::AuditFilter { entity: Some("session".into()), ..Default::default() })
        .expect("rows");
    assert!(sign_ins.iter().take(2).all(|r| r.entity_id == "sign_in"), "{sign_ins:?}");
}

/// The whole-file check at open costs a read of the file: it runs only when the file is not as the
/// desk left it.
#[test]
fn the_file_is_checked_at_open_only_when_it_was_not_left_as_closed() {
    let (dir, desk) = crate::demo_desk();
    drop(desk);
    let path = dir.path().join(DATABASE_FILE);
    assert!(dir.path().join("tenin.db.closed").exists(), "a clean close is recorded");
    let desk = Desk::open(dir.path()).expect("opens");
    assert!(!desk.checked_at_open(), "closed cleanly and unchanged: no check");
    assert!(!dir.path().join("tenin.db.closed").exists(), "the record goes while the desk is open");
    // Killed while open: no record, so the next open checks.
    std::mem::forget(desk);
    let desk = Desk::open(dir.path()).expect("opens");
    assert!(desk.checked_at_open(), "not closed cleanly: checked");
    drop(desk);
    // Changed by something else since (same size, new time): checked.
    let bytes = file_bytes(&path);
    std::thread::sleep(std::time::Duration::from_millis(5));
    fs::write(&path, &bytes).expect("rewritten");
    let desk = Desk::open(dir.path()).expect("opens");
    assert!(desk.checked_at_open(), "modified since the close: checked");
    drop(desk);
    assert!(!Desk::open(dir.path()).expect("opens").checked_at_open());
}

/// A desk that runs for weeks is still checked: once a day while the app runs, and the result is
/// kept for the About screen (and survives a restart).
#[test]
fn the_whole_file_is_checked_once_a_day_while_the_app_runs() {
    let (dir, mut desk) = crate::demo_desk();
    assert_eq!(desk.last_integrity_check().expect("read"), None, "never checked yet");
    let now = chrono::Utc::now();
    let first = desk.integrity_check_if_due(now).expect("check").expect("due: never checked");
    assert!(first.ok, "{}", first.result);
    assert_eq!(first.result, "ok");
    assert_eq!(
        desk.integrity_check_if_due(now + chrono::Duration::hours(23)).expect("check"),
        None,
        "not within a day"
    );
    let next =
        desk.integrity_check_if_due(now + chrono::Duration::hours(24)).expect("check").expect("due: a day later");
    assert_ne!(next.at, first.at);
    assert_eq!(desk.status().expect("status").last_integrity_check, Some(next.clone()));
    drop(desk);
    let mut desk = crate::open_signed_in(dir.path());
    assert_eq!(desk.last_integrity_check().expect("read"), Some(next), "kept in the file");
    desk.sign_out().expect("signed out");
    assert!(desk.integrity_check_if_due(now + chrono::Duration::hours(48)).is_err(), "only for a signed-in desk");
}
