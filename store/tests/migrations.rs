//! The migration runner: forward-only, one transaction per migration, nothing applied twice.

use tenin_store::migrations::{LATEST_VERSION, apply, current_version};
use tenin_store::{DATABASE_FILE, Store};

fn tables(conn: &rusqlite::Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .expect("prepare");
    stmt.query_map([], |row| row.get(0)).expect("query").collect::<Result<_, _>>().expect("rows")
}

#[test]
fn the_first_schema_has_the_tables_later_features_extend() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path(), None).expect("open");
    assert_eq!(store.schema_version().expect("version"), LATEST_VERSION);
    let names = tables(&rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).expect("open"));
    for expected in ["hospitals", "transfer_requests", "request_status_history", "users", "audit_log", "municipalities"]
    {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:?}");
    }
}

#[test]
fn reopening_applies_nothing_and_takes_no_backup() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(Store::open(dir.path(), None).expect("first open"));
    let mut conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).expect("open");
    assert_eq!(tenin_store::migrations::migrate(&mut conn).expect("migrate"), Vec::<u32>::new());
    drop(conn);
    drop(Store::open(dir.path(), None).expect("second open"));
    let backups = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".bak"));
    assert_eq!(backups.count(), 0, "no backup when there was nothing to migrate");
}

#[test]
fn a_failing_migration_leaves_the_previous_version_whole() {
    let mut conn = rusqlite::Connection::open_in_memory().expect("memory db");
    let migrations = [
        "CREATE TABLE a (x INTEGER);",
        "CREATE TABLE b (y INTEGER); INSERT INTO no_such_table VALUES (1);",
        "CREATE TABLE c (z INTEGER);",
    ];
    let err = apply(&mut conn, &migrations).expect_err("the second migration fails");
    assert!(err.to_string().contains("no_such_table"), "{err}");
    assert_eq!(current_version(&conn).expect("version"), 1, "stopped after the first");
    assert_eq!(tables(&conn), ["a"], "nothing of the failed migration remains, and none after it ran");
    let fixed = [migrations[0], "CREATE TABLE b (y INTEGER);", migrations[2]];
    assert_eq!(apply(&mut conn, &fixed).expect("resume"), [2, 3], "resumes where it stopped");
}
