//! Data that stays protected, on real files: the audit trail's tail cannot be cut or laundered
//! silently, a backup with a broken chain is not restored without an administrator's word, trying
//! logins tells nothing, people who forget have a way back, files are the user's alone, and backups
//! reach a second folder.

use std::path::Path;
use std::time::Instant;

use tenin_core::desk::{BackupSettings, NewDesk, NewUserInput, ProtectionWarning, RecoveryInput};
use tenin_core::{Desk, ErrorCode, ErrorReport, OpenError};
use tenin_store::DATABASE_FILE;

use crate::{ADMIN_LOGIN, ADMIN_PASSWORD, demo_desk, valid_input};

const PASSPHRASE: &str = "相模湾の朝焼け-2026";

fn database(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join(DATABASE_FILE)).expect("open the file as a database editor would")
}

#[test]
fn cutting_the_tail_of_the_audit_trail_is_found() {
    let (dir, mut desk) = demo_desk();
    let head = desk.audit_head().expect("head").expect("a head");
    let saved = dir.path().join("head.json");
    std::fs::write(&saved, serde_json::to_string(&head).expect("json")).expect("saved outside the desk");
    desk.create_request(&valid_input(&desk), true).expect("more work");
    let held = desk.verify_audit_against(&saved).expect("verify");
    assert!(held.broken_at.is_none(), "later entries do not break a saved head: {held:?}");
    assert!(held.head.expect("head").seq > head.seq);

    // The last five entries deleted: the table's own counter shows it.
    let conn = database(dir.path());
    conn.execute("DELETE FROM audit_log WHERE seq > (SELECT max(seq) - 5 FROM audit_log)", []).expect("cut");
    let cut = desk.verify_audit().expect("verify").broken_at.expect("the cut is found");
    assert!(cut.reason.contains("削除"), "{cut:?}");
    // The counter reset too: only a head saved outside finds it.
    conn.execute("UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM audit_log) WHERE name = 'audit_log'", [])
        .expect("hide the cut");
    assert!(desk.verify_audit().expect("verify").broken_at.is_none(), "the chain alone cannot see a clean cut");
    conn.execute("DELETE FROM audit_log WHERE seq >= ?1", [head.seq - 2]).expect("cut below the saved head");
    conn.execute("UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM audit_log) WHERE name = 'audit_log'", [])
        .expect("hide the cut");
    let against = desk.verify_audit_against(&saved).expect("verify").broken_at.expect("found against the saved head");
    assert_eq!(against.seq, head.seq);
    assert!(against.reason.contains("末尾"), "{against:?}");

    // Every entry deleted.
    conn.execute("DELETE FROM audit_log", []).expect("all gone");
    let gone = desk.verify_audit().expect("verify").broken_at.expect("an empty trail is a break");
    assert!(gone.reason.contains("一件もありません"), "{gone:?}");
}

#[test]
fn a_backup_is_a_saved_head_and_the_daily_log_prints_one() {
    let (dir, mut desk) = demo_desk();
    let done = desk.backup_now().expect("backup");
    desk.create_request(&valid_input(&desk), true).expect("more work");
    assert!(desk.verify_audit_against(Path::new(&done.path)).expect("verify").broken_at.is_none());
    let conn = database(dir.path());
    conn.execute("DELETE FROM audit_log WHERE seq > (SELECT max(seq) - 30 FROM audit_log)", []).expect("cut");
    conn.execute("UPDATE sqlite_sequence SET seq = (SELECT max(seq) FROM audit_log) WHERE name = 'audit_log'", [])
        .expect("hide the cut");
    let broken = desk.verify_audit_against(Path::new(&done.path)).expect("verify").broken_at;
    assert!(broken.is_some_and(|b| b.reason.contains("末尾")), "the backup's last entry is missing from the desk");
    drop(conn);

    let today = desk.today().expect("today").to_string();
    let html = desk.daily_log_html(&today).expect("daily log");
    let head = desk.audit_head().expect("head").expect("a head");
    assert!(html.contains(&head.short()), "the printed log carries the head of the chain");
}

/// Values erased under a retention rule keep the chain whole (their digests stay); values edited
/// do not.
#[test]
fn values_can_be_erased_without_breaking_the_chain_but_not_edited() {
    let (dir, mut desk) = demo_desk();
    let created = desk.create_request(&valid_input(&desk), true).expect("created");
    let conn = database(dir.path());
    let erased = conn
        .execute(
            "UPDATE audit_log SET before_json = NULL, after_json = NULL WHERE entity_id = ?1 AND form = 2",
            [&created.summary.id],
        )
        .expect("erase");
    assert!(erased >= 1, "the new request's entries are form 2");
    assert!(desk.verify_audit().expect("verify").broken_at.is_none(), "erasure keeps the chain");
    let seq: i64 = conn
        .query_row("SELECT max(seq) FROM audit_log WHERE form = 2 AND after_json IS NOT NULL", [], |r| r.get(0))
        .expect("a form-2 entry with values");
    conn.execute("UPDATE audit_log SET after_json = '{\"patient_initials\":\"X.X.\"}' WHERE seq = ?1", [seq])
        .expect("edit");
    let broken = desk.verify_audit().expect("verify").broken_at.expect("an edit is found");
    assert_eq!(i64::from(broken.seq), seq);
}

#[test]
fn a_backup_with_a_broken_chain_needs_an_administrators_word() {
    let (dir, mut desk) = demo_desk();
    let done = desk.backup_now().expect("backup");
    {
        let backup = rusqlite::Connection::open(&done.path).expect("the backup file");
        backup.execute("UPDATE audit_log SET after_json = '{}' WHERE seq = 20", []).expect("tamper with the backup");
    }
    desk.create_request(&valid_input(&desk), true).expect("work after the backup");
    let before = desk.requests().expect("requests").len();
    let refused = ErrorReport::from(desk.restore_backup(Path::new(&done.path), false).expect_err("refused"));
    assert_eq!(refused.code, ErrorCode::Rule);
    assert!(matches!(refused.rule, Some(tenin_core::error::Rule::BackupChainBroken { seq: 20, .. })), "{refused:?}");
    assert_eq!(desk.requests().expect("unchanged").len(), before, "nothing restored");
    desk.restore_backup(Path::new(&done.path), true).expect("restored on the administrator's word");
    crate::sign_in_admin(&mut desk);
    let entry = desk
        .audit_log(&tenin_core::desk::AuditFilter { entity: Some("database".into()), ..Default::default() })
        .expect("rows")
        .into_iter()
        .find(|r| r.entity_id == "restore")
        .expect("the restore is audited");
    assert!(entry.after_json.expect("note").contains("accepted_broken_chain"), "the accepted break is recorded");
    drop(dir);
}

/// An unknown login is counted and made to wait as a known one is, and costs the same work: the
/// median time of wrong attempts is within a factor of the other's.
#[test]
fn trying_logins_tells_nothing() {
    let (_dir, mut desk) = demo_desk();
    desk.sign_out().expect("sign out");
    let mut time = |login: &str| {
        let started = Instant::now();
        let error = desk.sign_in(login, "wrong-password-1").expect_err("refused");
        (started.elapsed(), ErrorReport::from(error))
    };
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    let mut last = (None, None);
    for attempt in 0..7 {
        let (k, known_error) = time(ADMIN_LOGIN);
        let (u, unknown_error) = time("nobody-here");
        if attempt < 4 {
            known.push(k);
            unknown.push(u);
        }
        assert_eq!(known_error.message, unknown_error.message, "attempt {attempt}: the same answer");
        last = (Some(known_error), Some(unknown_error));
    }
    let (known_error, unknown_error) = (last.0.expect("known"), last.1.expect("unknown"));
    assert!(known_error.message.contains("秒"), "both logins are made to wait: {}", known_error.message);
    assert!(unknown_error.message.contains("秒"), "{}", unknown_error.message);
    known.sort();
    unknown.sort();
    let (k, u) = (known[2].as_secs_f64(), unknown[2].as_secs_f64());
    assert!(u > k * 0.5 && u < k * 2.0, "median known {k:.4}s vs unknown {u:.4}s");
    let unknown_entries = desk_audit_sign_ins(&mut desk);
    assert!(unknown_entries >= 5, "wrong attempts at an unknown login are audited: {unknown_entries}");
}

fn desk_audit_sign_ins(desk: &mut Desk) -> usize {
    desk.sign_in(ADMIN_LOGIN, ADMIN_PASSWORD).err();
    let dir = desk.data_dir().to_owned();
    let conn = database(&dir);
    conn.query_row("SELECT count(*) FROM audit_log WHERE entity_id = 'sign_in_failed_unknown_login'", [], |r| {
        r.get::<_, i64>(0)
    })
    .expect("count") as usize
}

fn admin(login: &str, password: &str) -> NewUserInput {
    NewUserInput { login: login.into(), display_name: "回復 担当".into(), role: None, password: password.into() }
}

/// A new encrypted desk: its recovery key gives an administrator back when nobody can sign in, and
/// opens the desk through the escrow when the passphrase is forgotten; a wrong key does neither.
#[test]
fn the_recovery_key_opens_the_break_glass_path() {
    let dir = tempfile::tempdir().expect("dir");
    let new_desk = NewDesk { pack: None, passphrase: Some(PASSPHRASE.into()) };
    let (mut desk, code) = Desk::create(dir.path(), &new_desk).expect("an encrypted desk");
    let code = code.expect("shown once");
    assert!(desk.encryption().is_err(), "nobody signed in yet");
    crate::sign_in_admin(&mut desk);
    assert!(desk.encryption().expect("encryption").encrypted, "encrypted from the start");
    assert!(desk.protection(chrono::Utc::now()).expect("protection").has_recovery_key);
    drop(desk);
    assert!(!std::fs::read(dir.path().join(DATABASE_FILE)).expect("read").starts_with(b"SQLite format 3"));
    assert!(matches!(Desk::open(dir.path()), Err(OpenError::NeedsPassphrase { .. })));
    assert!(matches!(Desk::open_with_passphrase(dir.path(), ""), Err(OpenError::WrongPassphrase { .. })));

    let wrong = RecoveryInput {
        recovery_key: tenin_core::recovery_key::RecoveryKey::generate().shown(),
        passphrase: None,
        admin: admin("rescuer", "rescue-password-1"),
    };
    assert!(Desk::recover(dir.path(), &wrong).is_err(), "a wrong key opens nothing");
    // The passphrase is forgotten and nobody remembers the administrator's password.
    let typed = code.to_lowercase().replace('-', " ");
    let input = RecoveryInput { recovery_key: typed, passphrase: None, admin: admin(ADMIN_LOGIN, "brand-new-pass-1") };
    let (mut desk, done) = Desk::recover(dir.path(), &input).expect("break glass");
    assert!(done.reset_existing && done.passphrase_from_escrow, "{done:?}");
    assert_eq!(done.access.user.expect("signed in").login, ADMIN_LOGIN);
    let changed = desk.set_passphrase(Some(PASSPHRASE), "新しい合言葉-2027").expect("a new passphrase");
    let new_code = changed.recovery_key.expect("a new recovery key with it");
    assert_ne!(new_code, code);
    drop(desk);
    let stale = RecoveryInput { recovery_key: code, passphrase: None, admin: admin("late", "late-password-1") };
    assert!(Desk::recover(dir.path(), &stale).is_err(), "the old key stopped working");
    let mut desk = Desk::open_with_passphrase(dir.path(), "新しい合言葉-2027").expect("opens");
    desk.sign_in(ADMIN_LOGIN, "brand-new-pass-1").expect("the reset password signs in");
    let entries = desk
        .audit_log(&tenin_core::desk::AuditFilter { entity: Some("break_glass".into()), ..Default::default() })
        .expect("rows");
    assert_eq!(entries.len(), 1, "the break-glass use is audited");
}

/// On Unix everything the desk writes that can hold patient data or keys is the user's alone.
#[cfg(unix)]
#[test]
fn every_file_the_desk_makes_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().expect("dir");
    let data = root.path().join("desk");
    let new_desk = NewDesk { pack: None, passphrase: Some(PASSPHRASE.into()) };
    let (mut desk, _) = Desk::create(&data, &new_desk).expect("desk");
    crate::sign_in_admin(&mut desk);
    desk.load_demo().expect("demo");
    let offsite = root.path().join("usb");
    std::fs::create_dir(&offsite).expect("media");
    let settings = BackupSettings { offsite_dir: offsite.display().to_string(), ..Default::default() };
    desk.set_backup_settings(&settings).expect("settings");
    let done = desk.backup_now().expect("backup");
    assert!(done.offsite_error.is_none(), "{done:?}");
    let exported = desk.save_keys_file().expect("an export");
    let export_mode = std::fs::metadata(&exported.path).expect("export").permissions().mode() & 0o777;
    assert_eq!(export_mode, 0o600, "{}", exported.path);
    drop(desk);
    let mut seen = 0;
    let mut stack = vec![data.clone(), offsite.clone()];
    while let Some(path) = stack.pop() {
        let meta = std::fs::metadata(&path).expect("meta");
        let mode = meta.permissions().mode() & 0o777;
        if meta.is_dir() {
            // The removable media's own folder is the user's; what the desk puts in it is checked.
            if path != offsite {
                assert_eq!(mode, 0o700, "{} is a folder of the user's alone", path.display());
            }
            stack.extend(std::fs::read_dir(&path).expect("dir").map(|e| e.expect("entry").path()));
        } else {
            assert_eq!(mode, 0o600, "{} is readable by its owner alone", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 5, "the database, its marker and escrow and the backups were checked: {seen}");
}

#[test]
fn backups_reach_a_second_folder_and_the_desk_warns_when_they_stop() {
    let (dir, mut desk) = demo_desk();
    let now = chrono::Utc::now();
    let warnings = desk.protection(now).expect("protection").warnings;
    assert!(
        warnings.contains(&ProtectionWarning::NotEncrypted) && warnings.contains(&ProtectionWarning::NoOffsiteFolder)
    );
    let media = dir.path().join("usb");
    std::fs::create_dir(&media).expect("media");
    let settings =
        BackupSettings { offsite_dir: media.display().to_string(), offsite_max_age_days: 3, ..Default::default() };
    desk.set_backup_settings(&settings).expect("settings");
    assert!(desk.protection(now).expect("protection").warnings.contains(&ProtectionWarning::OffsiteBackupOld));
    let done = desk.backup_now().expect("backup");
    let copy = done.offsite_path.expect("copied off the machine");
    assert!(Path::new(&copy).starts_with(&media));
    assert!(desk.verify_audit_against(Path::new(&copy)).expect("verify").broken_at.is_none(), "a checked backup");
    assert!(!desk.protection(now).expect("protection").warnings.contains(&ProtectionWarning::OffsiteBackupOld));
    let later = now + chrono::Duration::days(4);
    assert!(desk.protection(later).expect("protection").warnings.contains(&ProtectionWarning::OffsiteBackupOld));
    // The media is unplugged: the backup itself is kept and the failure said.
    std::fs::remove_dir_all(&media).expect("unplugged");
    let done = desk.backup_now().expect("the local backup is still made");
    assert!(Path::new(&done.path).exists());
    assert!(done.offsite_error.expect("said").contains("接続できません"));
}

/// Backup settings saved before the second folder existed keep their values.
#[test]
fn older_backup_settings_keep_their_values() {
    let (dir, desk) = demo_desk();
    database(dir.path())
        .execute(
            "INSERT INTO desk_meta (key, value) VALUES ('backup_settings', '{\"dir\":\"/srv/old\",\"keep\":3,\"every_hours\":6}')
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [],
        )
        .expect("old settings");
    let settings = desk.backup_settings().expect("settings");
    assert_eq!((settings.dir.as_str(), settings.keep, settings.every_hours), ("/srv/old", 3, 6));
    assert_eq!((settings.offsite_dir.as_str(), settings.offsite_max_age_days), ("", 7));
}
