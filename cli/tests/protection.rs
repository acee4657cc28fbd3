//! Protected data through the `tenin` binary on real files: a new desk is encrypted unless the
//! administrator says otherwise, damaged and foreign files are refused with their own kinds, the
//! audit trail's tail is anchored, broken backups are not restored silently, reads never wait for a
//! write, a read-only copy opens, the recovery key works, and files are the user's alone.

mod common;

use std::path::Path;

use common::{ADMIN, json, new_desk, tenin};

const PASSPHRASE: &str = "相模湾の朝焼け-2026";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn database(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("tenin.db")).expect("the file, as a database editor opens it")
}

#[test]
fn a_new_desk_is_encrypted_unless_the_administrator_says_otherwise() {
    let dir = tempfile::tempdir().expect("dir");
    let refused = tenin(dir.path()).args(["init", "--admin", ADMIN]).assert().code(2);
    let message = text(&refused.get_output().stderr);
    assert!(message.contains("--unencrypted") && message.contains("TENIN_NEW_PASSPHRASE"), "{message}");
    assert!(!dir.path().join("tenin.db").exists(), "nothing made");

    let made = tenin(dir.path())
        .env("TENIN_NEW_PASSPHRASE", PASSPHRASE)
        .args(["init", "--admin", ADMIN, "--name", "管理者"])
        .assert()
        .success();
    let said = text(&made.get_output().stderr);
    let code = said.split("保管してください）: ").nth(1).expect("the recovery key is shown once").trim().to_owned();
    assert_eq!(code.len(), 39, "{said}");
    let bytes = std::fs::read(dir.path().join("tenin.db")).expect("read");
    assert!(!bytes.starts_with(b"SQLite format 3"), "encrypted from the first byte");

    let needs = tenin(dir.path()).args(["--json", "status"]).assert().code(2);
    let asked = text(&needs.get_output().stderr);
    assert!(asked.contains("TENIN_PASSPHRASE"), "asks for the passphrase: {asked}");
    let empty = tenin(dir.path()).env("TENIN_PASSPHRASE", "").args(["--json", "status"]).assert().code(2);
    assert_eq!(json(&empty.get_output().stderr)["open_error"]["kind"], "wrong_passphrase");
    tenin(dir.path()).env("TENIN_PASSPHRASE", PASSPHRASE).arg("demo").assert().success();

    // The marker file is lost with a copy: the passphrase still opens it, and the marker comes back.
    std::fs::remove_file(dir.path().join("tenin.db.cipher")).expect("marker lost");
    let unknown = tenin(dir.path()).args(["--json", "status"]).assert().code(2);
    assert_eq!(json(&unknown.get_output().stderr)["open_error"]["kind"], "not_a_database");
    let list =
        tenin(dir.path()).env("TENIN_PASSPHRASE", PASSPHRASE).args(["--json", "requests", "list", "--all"]).assert();
    assert_eq!(json(&list.success().get_output().stdout).as_array().map(Vec::len), Some(30));
    assert!(dir.path().join("tenin.db.cipher").exists(), "the marker is put back");

    // Nobody remembers the administrator's password or the passphrase: the recovery key.
    let recovered = tenin(dir.path())
        .env("TENIN_RECOVERY_KEY", &code)
        .env("TENIN_NEW_PASSWORD", "brand-new-pass-1")
        .args(["recover", "--login", ADMIN])
        .assert()
        .success();
    let said = text(&recovered.get_output().stdout);
    assert!(said.contains("パスワードを再設定") && said.contains("合言葉は回復用の控えから"), "{said}");
    tenin(dir.path())
        .env("TENIN_PASSPHRASE", PASSPHRASE)
        .env("TENIN_PASSWORD", "brand-new-pass-1")
        .args(["requests", "list"])
        .assert()
        .success();
    let wrong = tenin(dir.path())
        .env("TENIN_RECOVERY_KEY", "0000-0000-0000-0000-0000-0000-0000-0000")
        .args(["recover", "--login", "intruder"])
        .assert()
        .code(1);
    assert!(text(&wrong.get_output().stderr).contains("回復キーが違います"));
}

#[test]
fn damaged_and_foreign_files_are_refused_with_their_own_kinds() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("tenin.db"), b"").expect("emptied");
    let empty = tenin(dir.path()).args(["--json", "requests", "list", "--all"]).assert().code(2);
    assert_eq!(json(&empty.get_output().stderr)["open_error"]["kind"], "empty_file");
    assert_eq!(std::fs::metadata(dir.path().join("tenin.db")).expect("file").len(), 0, "left as it was");

    let other = tempfile::tempdir().expect("dir");
    database(other.path()).execute_batch("CREATE TABLE notes (body TEXT); PRAGMA user_version = 7;").expect("foreign");
    let before = std::fs::read(other.path().join("tenin.db")).expect("read");
    let foreign = tenin(other.path()).args(["--json", "status"]).assert().code(2);
    assert_eq!(json(&foreign.get_output().stderr)["open_error"]["kind"], "foreign");
    let init = tenin(other.path()).args(["--json", "init", "--unencrypted", "--admin", ADMIN]).assert().code(2);
    assert_eq!(json(&init.get_output().stderr)["open_error"]["kind"], "foreign", "init does not take it over either");
    assert_eq!(std::fs::read(other.path().join("tenin.db")).expect("read"), before, "untouched");
}

#[test]
fn status_fails_when_the_integrity_check_does() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    tenin(dir.path()).arg("status").assert().success();
    database(dir.path()).execute("UPDATE placement_counts SET count = count + 7", []).expect("counts drift");
    let failed = tenin(dir.path()).arg("status").assert().code(1);
    assert!(text(&failed.get_output().stdout).contains("整合性チェック:"), "the report is still printed");
    assert!(text(&failed.get_output().stderr).contains("整合性チェックに失敗"));
}

#[test]
fn the_audit_trail_cannot_be_cut_or_laundered_silently() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let head = dir.path().join("head.json");
    tenin(dir.path()).args(["audit", "head", "--out"]).arg(&head).assert().success();
    tenin(dir.path()).args(["audit", "verify", "--against"]).arg(&head).assert().success();

    // Laundering: an entry edited and every hash from it on set to NULL.
    let conn = database(dir.path());
    let from: i64 = conn.query_row("SELECT max(seq) - 3 FROM audit_log", [], |r| r.get(0)).expect("seq");
    conn.execute("UPDATE audit_log SET after_json = '{}' WHERE seq = ?1", [from]).expect("edit");
    conn.execute("UPDATE audit_log SET prev_hash = NULL, hash = NULL WHERE seq >= ?1", [from]).expect("launder");
    for _ in 0..2 {
        let found = tenin(dir.path()).args(["audit", "verify"]).assert().code(1);
        assert!(text(&found.get_output().stdout).contains(&format!("記録 {from}")), "found at the edited entry");
    }
    // The tail cut off, and the counter reset to hide it: the saved head finds it.
    conn.execute("DELETE FROM audit_log WHERE seq >= ?1", [from]).expect("cut");
    conn.execute("UPDATE sqlite_sequence SET seq = ?1 WHERE name = 'audit_log'", [from - 1]).expect("hide");
    tenin(dir.path()).args(["audit", "verify"]).assert().success();
    let cut = tenin(dir.path()).args(["audit", "verify", "--against"]).arg(&head).assert().code(1);
    assert!(text(&cut.get_output().stdout).contains("末尾"), "{}", text(&cut.get_output().stdout));
}

#[test]
fn a_backup_with_a_broken_chain_is_restored_only_on_an_administrators_word() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let done = tenin(dir.path()).args(["--json", "backup"]).assert().success();
    let backup = json(&done.get_output().stdout)["path"].as_str().expect("path").to_owned();
    rusqlite::Connection::open(&backup)
        .expect("the backup")
        .execute("DELETE FROM audit_log WHERE seq = 12", [])
        .expect("an entry removed from the backup");
    let refused = tenin(dir.path()).args(["--json", "restore", &backup]).assert().code(1);
    let report = json(&refused.get_output().stderr);
    assert_eq!(report["error"]["rule"]["rule"], "backup_chain_broken", "{report}");
    tenin(dir.path()).args(["restore", &backup, "--accept-broken-audit"]).assert().success();
}

#[test]
fn reads_work_while_another_program_writes_and_on_a_read_only_copy() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let importer = database(dir.path());
    importer.execute_batch("BEGIN IMMEDIATE; UPDATE desk_meta SET value = value WHERE key = 'desk_id';").expect("lock");
    let started = std::time::Instant::now();
    let list = tenin(dir.path()).args(["--json", "requests", "list", "--all"]).assert().success();
    assert_eq!(json(&list.get_output().stdout).as_array().map(Vec::len), Some(30));
    assert!(started.elapsed() < std::time::Duration::from_secs(4), "no wait for the lock: {:?}", started.elapsed());
    importer.execute_batch("COMMIT").expect("done");
    drop(importer);
    // The sign-in that could not be written then is taken in by the next write.
    assert!(dir.path().join("tenin.db.audit-pending").exists(), "kept beside the database meanwhile");
    tenin(dir.path()).args(["users", "add", "nurse", "--name", "看護師", "--role", "nurse"]).assert().success();
    assert!(!dir.path().join("tenin.db.audit-pending").exists());
    tenin(dir.path()).args(["audit", "verify"]).assert().success();
    let sign_ins: i64 = database(dir.path())
        .query_row("SELECT count(*) FROM audit_log WHERE entity = 'session' AND entity_id = 'sign_in'", [], |r| {
            r.get(0)
        })
        .expect("count");
    assert!(sign_ins >= 4, "demo, list, users add and verify each signed in: {sign_ins}");

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let copy = tempfile::tempdir().expect("copy");
        std::fs::copy(dir.path().join("tenin.db"), copy.path().join("tenin.db")).expect("copied");
        std::fs::set_permissions(copy.path().join("tenin.db"), std::fs::Permissions::from_mode(0o444)).expect("ro");
        let list = tenin(copy.path()).args(["--json", "requests", "list", "--all"]).assert().success();
        assert_eq!(json(&list.get_output().stdout).as_array().map(Vec::len), Some(30));
        let status = tenin(copy.path()).args(["--json", "status"]).assert().success();
        assert_eq!(json(&status.get_output().stdout)["read_only"], true);
        tenin(copy.path()).args(["users", "add", "nurse", "--name", "看護師", "--role", "nurse"]).assert().failure();
    }
}

#[cfg(unix)]
#[test]
fn everything_the_command_writes_is_the_users_alone() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().expect("dir");
    let data = root.path().join("desk");
    tenin(&data)
        .env("TENIN_NEW_PASSPHRASE", PASSPHRASE)
        .args(["init", "--admin", ADMIN, "--name", "管理者"])
        .assert()
        .success();
    let run = |args: &[&str]| tenin(&data).env("TENIN_PASSPHRASE", PASSPHRASE).args(args).assert().success();
    run(&["demo"]);
    run(&["backup"]);
    let out = root.path().join("日報.html");
    run(&["report", "daily", "--format", "html", "--out", out.to_str().expect("path")]);
    let keys = root.path().join("keys.json");
    run(&["package", "keys", "--export", keys.to_str().expect("path")]);
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(&out), 0o600, "a daily log holds patient data");
    assert_eq!(mode(&keys), 0o600);
    let mut files = 0;
    let mut stack = vec![data.clone()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            assert_eq!(mode(&path), 0o700, "{}", path.display());
            stack.extend(std::fs::read_dir(&path).expect("dir").map(|e| e.expect("entry").path()));
        } else {
            assert_eq!(mode(&path), 0o600, "{}", path.display());
            files += 1;
        }
    }
    assert!(files >= 4, "database, marker, escrow, backup: {files}");
}
