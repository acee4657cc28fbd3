//! Users, roles and sign-in through the core, on a real database: nothing is readable before
//! sign-in, each role is refused what it does not hold (nothing saved), wrong passwords are
//! throttled, an idle session locks, and the desk never loses its last administrator.

use std::time::Duration;

use rusqlite::Connection;
use tenin_core::access::Role;
use tenin_core::desk::{AccessState, BackupSettings, NewUserInput, UserUpdate};
use tenin_core::matching::MatchWeights;
use tenin_core::{Desk, ErrorCode};
use tenin_store::DATABASE_FILE;

use crate::{ADMIN_LOGIN, ADMIN_PASSWORD, demo_desk, sign_in_admin, valid_input};

fn person(login: &str, role: Role) -> NewUserInput {
    NewUserInput {
        login: login.into(),
        display_name: format!("{login} さん"),
        role: Some(role),
        password: format!("{login}-password-1"),
    }
}

fn code<T: std::fmt::Debug>(result: tenin_core::Result<T>) -> ErrorCode {
    result.expect_err("refused").code()
}

/// The demo desk with a nurse, a supervisor and a read-only user added; the administrator signed out.
fn staffed_desk() -> (tempfile::TempDir, Desk) {
    let (dir, mut desk) = demo_desk();
    for (login, role) in [("nurse", Role::Nurse), ("chief", Role::Supervisor), ("viewer", Role::ReadOnly)] {
        desk.add_user(&person(login, role)).expect("user added");
    }
    desk.sign_out().expect("sign out");
    (dir, desk)
}

fn sign_in_as(desk: &mut Desk, login: &str) {
    desk.sign_out().expect("sign out");
    desk.sign_in(login, &format!("{login}-password-1")).expect("signs in");
}

#[test]
fn a_new_desk_needs_its_first_administrator_and_shows_nothing_before() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut desk = crate::new_desk(dir.path());
    assert_eq!(desk.access().expect("access").state, AccessState::SetUp);
    assert_eq!(code(desk.requests()), ErrorCode::NotSignedIn);
    assert_eq!(code(desk.status()), ErrorCode::NotSignedIn);
    assert_eq!(code(desk.load_demo()), ErrorCode::NotSignedIn);

    let weak = NewUserInput { password: "short".into(), ..person("admin", Role::Administrator) };
    let refused = desk.set_up_administrator(&weak).expect_err("weak password");
    let problem = tenin_core::ErrorReport::from(refused).problems.remove(0);
    assert_eq!(problem.field, "password");
    // The precise reason crosses as a code with its parameter, for the UI to word in its language.
    assert_eq!(problem.detail, Some(tenin_core::error::Detail::TooShort { min: 8 }));
    assert_eq!(problem.message, "8文字以上にしてください");

    sign_in_admin(&mut desk);
    let access = desk.access().expect("access");
    assert_eq!(access.state, AccessState::SignedIn);
    let me = access.user.expect("signed in");
    assert_eq!((me.login.as_str(), me.role), (ADMIN_LOGIN, Role::Administrator));
    assert_eq!(code(desk.set_up_administrator(&person("second", Role::Administrator))), ErrorCode::Rule);
    drop(desk);

    // Reopened: signed out, not set-up again; the administrator signs in with the password.
    let mut desk = Desk::open(dir.path()).expect("reopens");
    assert_eq!(desk.access().expect("access").state, AccessState::SignedOut);
    assert_eq!(code(desk.sign_in(ADMIN_LOGIN, "wrong-password")), ErrorCode::SignInFailed);
    // A keyboard left in full-width mode still signs in.
    desk.sign_in("ＡＤＭＩＮ", ADMIN_PASSWORD).expect("full-width login folds");
    assert_eq!(desk.status().expect("status").user_name, "管理者 太郎");
}

#[test]
fn a_nurse_calling_the_core_is_refused_administrator_and_supervisor_actions() {
    let (dir, mut desk) = staffed_desk();
    sign_in_as(&mut desk, "nurse");
    let backups = dir.path().join("nurse-backups");
    let settings = BackupSettings { dir: backups.display().to_string(), keep: 3, every_hours: 1, ..Default::default() };
    assert_eq!(code(desk.set_backup_settings(&settings)), ErrorCode::Forbidden);
    assert_eq!(code(desk.restore_backup(&dir.path().join(DATABASE_FILE), false)), ErrorCode::Forbidden);
    assert_eq!(code(desk.add_user(&person("intruder", Role::Administrator))), ErrorCode::Forbidden);
    assert_eq!(code(desk.users()), ErrorCode::Forbidden);
    assert_eq!(code(desk.set_idle_lock_minutes(240)), ErrorCode::Forbidden);
    assert_eq!(code(desk.set_matching_weights(&MatchWeights::default())), ErrorCode::Forbidden);
    assert_eq!(code(desk.audit_log(&Default::default())), ErrorCode::Forbidden);
    let refused = desk.set_stamp_titles(&["係".into()]).expect_err("supervisor's setting");
    assert!(refused.to_string().contains("看護師"), "the message names the role: {refused}");
    assert!(!backups.exists(), "nothing written");

    // What a nurse does is allowed, and recorded under the nurse's name.
    let created = desk.create_request(&valid_input(&desk), true).expect("a nurse takes a request");
    let trail = desk.audit_of("transfer_request", &created.summary.id).expect("trail");
    let nurse_id = desk.access().expect("access").user.expect("nurse").id;
    assert!(trail.iter().all(|entry| entry.user_id == nurse_id), "recorded as the nurse");

    // A supervisor may change the weights but not the users.
    sign_in_as(&mut desk, "chief");
    desk.set_matching_weights(&MatchWeights::default()).expect("supervisor sets weights");
    assert_eq!(code(desk.users()), ErrorCode::Forbidden);

    // The administrator still may, and the settings were never changed by the refusals.
    desk.sign_out().expect("sign out");
    sign_in_admin(&mut desk);
    assert_eq!(desk.backup_settings().expect("settings"), BackupSettings::default());
    assert_eq!(desk.users().expect("users").len(), 4);
}

#[test]
fn a_read_only_user_reads_but_changes_nothing() {
    let (_dir, mut desk) = staffed_desk();
    sign_in_as(&mut desk, "viewer");
    let count = desk.requests().expect("reads the queue").len();
    desk.monthly_report("R8.1", "R8.12", Default::default()).expect("reads the statistics");
    let input = valid_input(&desk);
    assert_eq!(code(desk.create_request(&input, true)), ErrorCode::Forbidden);
    let first = desk.requests().expect("queue")[0].clone();
    assert_eq!(code(desk.assign_to_me(&first.id, true)), ErrorCode::Forbidden);
    assert_eq!(desk.requests().expect("queue").len(), count, "nothing saved");
}

#[test]
fn wrong_passwords_are_throttled_and_recorded() {
    let (dir, mut desk) = staffed_desk();
    for attempt in 1..=4 {
        let refused = desk.sign_in("nurse", "not-the-password").expect_err("wrong");
        assert_eq!(refused.to_string(), "ログイン名またはパスワードが違います", "attempt {attempt}");
    }
    let fifth = desk.sign_in("nurse", "not-the-password").expect_err("wrong");
    assert!(fifth.to_string().contains("30秒"), "the fifth makes the login wait: {fifth}");
    let right = desk.sign_in("nurse", "nurse-password-1").expect_err("even the right password waits");
    assert_eq!(right.code(), ErrorCode::SignInFailed);
    assert!(right.to_string().contains("秒"), "{right}");

    // An unknown login is answered like a wrong password.
    assert_eq!(
        desk.sign_in("nobody", "whatever-1").expect_err("unknown").to_string(),
        "ログイン名またはパスワードが違います"
    );

    // Once the wait is over (moved into the past in the file), the right password signs in and
    // the count starts again.
    let conn = Connection::open(dir.path().join(DATABASE_FILE)).expect("open");
    conn.execute("UPDATE users SET wait_until = '2000-01-01T00:00:00Z' WHERE login = 'nurse'", []).expect("expire");
    drop(conn);
    desk.sign_in("nurse", "nurse-password-1").expect("after the wait");
    desk.sign_out().expect("out");
    sign_in_admin(&mut desk);
    let nurse = desk.users().expect("users").into_iter().find(|u| u.login == "nurse").expect("nurse");
    assert_eq!(nurse.failed_sign_ins, 0);

    let rows =
        desk.audit_log(&tenin_store::audit::AuditFilter { entity: Some("session".into()), ..Default::default() });
    let rows = rows.expect("audit");
    assert_eq!(rows.iter().filter(|r| r.entity_id == "sign_in_failed").count(), 5, "each known-login failure recorded");
    let all = desk.audit_log(&Default::default()).expect("audit");
    assert!(
        all.iter().all(|r| !r.after_json.as_deref().unwrap_or("").contains("argon2")),
        "no password hash in the audit trail"
    );
}

#[test]
fn an_idle_session_locks_until_someone_signs_in_again() {
    let (_dir, mut desk) = demo_desk();
    desk.requests().expect("active");
    desk.pretend_idle_for(Duration::from_secs(11 * 60));
    assert_eq!(desk.access().expect("access").state, AccessState::Locked);
    assert_eq!(code(desk.requests()), ErrorCode::Locked);
    sign_in_admin(&mut desk);
    desk.requests().expect("signed in again");

    // The lock time is a setting (1–240 minutes).
    let refused = desk.set_idle_lock_minutes(0).expect_err("out of range");
    assert_eq!(tenin_core::ErrorReport::from(refused).problems[0].field, "idle_lock_minutes");
    assert_eq!(desk.set_idle_lock_minutes(30).expect("set").idle_lock_minutes, 30);
    desk.pretend_idle_for(Duration::from_secs(11 * 60));
    desk.requests().expect("11 minutes is within 30");
    desk.pretend_idle_for(Duration::from_secs(31 * 60));
    assert_eq!(code(desk.requests()), ErrorCode::Locked);
}

#[test]
fn the_desk_keeps_an_administrator_and_inactive_users_cannot_sign_in() {
    let (_dir, mut desk) = staffed_desk();
    sign_in_admin(&mut desk);
    let me = desk.access().expect("access").user.expect("admin");
    let mine = desk.users().expect("users").into_iter().find(|u| u.id == me.id).expect("me");
    let demote =
        UserUpdate { display_name: mine.display_name.clone(), role: Role::Nurse, active: true, version: mine.version };
    assert_eq!(code(desk.update_user(&me.id, &demote)), ErrorCode::Validation);

    let nurse = desk.users().expect("users").into_iter().find(|u| u.login == "nurse").expect("nurse");
    let off = UserUpdate {
        display_name: nurse.display_name.clone(),
        role: Role::Nurse,
        active: false,
        version: nurse.version,
    };
    let updated = desk.update_user(&nurse.id, &off).expect("deactivated");
    assert!(!updated.active);
    assert_eq!(code(desk.update_user(&nurse.id, &off)), ErrorCode::StaleVersion, "stale version refused");
    desk.sign_out().expect("out");
    assert_eq!(code(desk.sign_in("nurse", "nurse-password-1")), ErrorCode::SignInFailed);

    // A new password set by the administrator, then changed by the user themselves.
    sign_in_admin(&mut desk);
    let chief = desk.users().expect("users").into_iter().find(|u| u.login == "chief").expect("chief");
    desk.set_user_password(&chief.id, "chief-new-pass-2").expect("reset");
    desk.sign_out().expect("out");
    desk.sign_in("chief", "chief-new-pass-2").expect("new password");
    let wrong = desk.change_own_password("not-current", "chief-third-3").expect_err("current checked");
    assert_eq!(tenin_core::ErrorReport::from(wrong).problems[0].field, "current");
    desk.change_own_password("chief-new-pass-2", "chief-third-3").expect("changed");
    desk.sign_out().expect("out");
    desk.sign_in("chief", "chief-third-3").expect("signs in with the new one");
    let taken = desk.add_user(&person("x", Role::Nurse));
    assert_eq!(code(taken), ErrorCode::Forbidden, "a supervisor adds nobody");
}
