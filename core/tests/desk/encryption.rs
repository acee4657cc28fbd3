//! Encryption at rest on real files: after encrypting, the file holds no readable text, the desk
//! will not open without its passphrase, a wrong passphrase is refused with the file unchanged,
//! the passphrase can be changed, and backups are encrypted under it.

use std::path::Path;

use sha2::{Digest, Sha256};
use tenin_core::access::Role;
use tenin_core::desk::{BackupSettings, NewUserInput};
use tenin_core::{Desk, ErrorCode, OpenError};
use tenin_store::DATABASE_FILE;

use crate::{ADMIN_LOGIN, ADMIN_PASSWORD, demo_desk, sign_in_admin};

const PASSPHRASE: &str = "相模湾の朝焼け-2026";

fn digest(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).expect("read")).to_vec()
}

fn queue(desk: &Desk) -> String {
    serde_json::to_string(&desk.requests().expect("requests")).expect("json")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn an_encrypted_desk_holds_no_readable_text_and_needs_its_passphrase() {
    let (dir, mut desk) = demo_desk();
    let before = queue(&desk);
    let db = dir.path().join(DATABASE_FILE);
    let mut plain = std::fs::read(&db).expect("read");
    plain.extend(std::fs::read(dir.path().join(format!("{DATABASE_FILE}-wal"))).unwrap_or_default());
    assert!(contains(&plain, "総合病院".as_bytes()), "readable before (file and write-ahead log)");
    let weak = desk.set_passphrase(None, "short").expect_err("too short");
    assert_eq!(tenin_core::ErrorReport::from(weak).problems[0].field, "passphrase");

    assert!(desk.set_passphrase(None, PASSPHRASE).expect("encrypted").encrypted);
    assert_eq!(queue(&desk), before, "the open desk carries on");
    assert_eq!(desk.integrity_check().expect("check"), "ok");
    drop(desk);
    let bytes = std::fs::read(&db).expect("read");
    assert!(!dir.path().join(format!("{DATABASE_FILE}-wal")).exists(), "closed cleanly");
    assert!(!bytes.starts_with(b"SQLite format 3"), "no SQLite header in the clear");
    assert!(!contains(&bytes, "総合病院".as_bytes()), "no hospital name in the clear");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.contains(".rekey"))
        .collect();
    assert!(leftovers.is_empty(), "no plain copy left behind: {leftovers:?}");

    match Desk::open(dir.path()) {
        Err(OpenError::NeedsPassphrase { .. }) => {}
        other => panic!("expected NeedsPassphrase, got {:?}", other.err()),
    }
    let untouched = digest(&db);
    match Desk::open_with_passphrase(dir.path(), "相模湾の夕焼け-2026") {
        Err(OpenError::WrongPassphrase { .. }) => {}
        other => panic!("expected WrongPassphrase, got {:?}", other.err()),
    }
    assert_eq!(digest(&db), untouched, "a wrong passphrase changes nothing");

    let mut desk = Desk::open_with_passphrase(dir.path(), PASSPHRASE).expect("opens");
    desk.sign_in(ADMIN_LOGIN, ADMIN_PASSWORD).expect("sign in");
    assert_eq!(queue(&desk), before, "the same data after reopening");
    assert!(desk.verify_audit().expect("verify").broken_at.is_none());
}

#[test]
fn the_passphrase_changes_only_with_the_current_one_and_only_by_an_administrator() {
    let (dir, mut desk) = demo_desk();
    desk.set_passphrase(None, PASSPHRASE).expect("encrypted");
    let wrong = desk.set_passphrase(Some("not-the-current-one"), "新しい合言葉-2027").expect_err("current checked");
    assert_eq!(tenin_core::ErrorReport::from(wrong).problems[0].field, "current");
    desk.set_passphrase(Some(PASSPHRASE), "新しい合言葉-2027").expect("changed");

    let nurse = NewUserInput {
        login: "nurse".into(),
        display_name: "看護師".into(),
        role: Some(Role::Nurse),
        password: "nurse-password-1".into(),
    };
    desk.add_user(&nurse).expect("nurse");
    desk.sign_out().expect("out");
    desk.sign_in("nurse", "nurse-password-1").expect("nurse in");
    let refused = desk.set_passphrase(Some("新しい合言葉-2027"), "ナースの合言葉-2028").expect_err("forbidden");
    assert_eq!(refused.code(), ErrorCode::Forbidden);
    drop(desk);

    assert!(matches!(Desk::open_with_passphrase(dir.path(), PASSPHRASE), Err(OpenError::WrongPassphrase { .. })));
    let mut desk = Desk::open_with_passphrase(dir.path(), "新しい合言葉-2027").expect("the new one opens");
    sign_in_admin(&mut desk);
    assert_eq!(desk.integrity_check().expect("check"), "ok");
}

#[test]
fn backups_of_an_encrypted_desk_are_encrypted_and_restore_under_the_same_passphrase() {
    let (dir, mut desk) = demo_desk();
    let backups = dir.path().join("backups");
    desk.set_backup_settings(&BackupSettings {
        dir: backups.display().to_string(),
        keep: 5,
        every_hours: 0,
        ..Default::default()
    })
    .expect("settings");
    let plain_backup = desk.backup_now().expect("a backup before encrypting");
    desk.set_passphrase(None, PASSPHRASE).expect("encrypted");
    let before = queue(&desk);
    let done = desk.backup_now().expect("an encrypted backup");
    let bytes = std::fs::read(&done.path).expect("read backup");
    assert!(!bytes.starts_with(b"SQLite format 3") && !contains(&bytes, "総合病院".as_bytes()), "encrypted");

    let first = desk.requests().expect("queue")[0].id.clone();
    desk.assign_to_me(&first, true).expect("a change after the backup");
    assert_ne!(queue(&desk), before);
    desk.restore_backup(Path::new(&done.path), false).expect("restores");
    sign_in_admin(&mut desk);
    assert_eq!(queue(&desk), before, "the data of the backup");

    // A backup from before the encryption would bring the data back in the clear: refused.
    let current = queue(&desk);
    let refused = desk.restore_backup(Path::new(&plain_backup.path), false).expect_err("refused");
    assert!(refused.to_string().contains("合言葉で開けません"), "{refused}");
    assert_eq!(queue(&desk), current, "nothing changed");
}
