//! The passphrase remembered in a credential store: opens the desk in its own folder only, a
//! stale one is forgotten — with the in-memory store, and once against a real Secret Service
//! (gnome-keyring-daemon in a private D-Bus session started by the test itself).

use std::path::Path;

use tenin_core::Desk;
use tenin_core::desk::NewDesk;
use tenin_core::remembered_passphrase::{MemoryStore, PassphraseStore, SystemStore, open_remembered};

const PASSPHRASE: &str = "相模湾の朝焼け-2026";

fn encrypted_desk(dir: &Path) {
    let new_desk = NewDesk { pack: None, passphrase: Some(PASSPHRASE.into()) };
    drop(Desk::create(dir, &new_desk).expect("an encrypted desk"));
}

/// What every store must do, on a real encrypted desk.
fn remembers_for_its_folder_only(store: &dyn PassphraseStore) {
    let dir = tempfile::tempdir().expect("dir");
    encrypted_desk(dir.path());
    assert!(store.available());
    assert!(open_remembered(store, dir.path()).is_none(), "nothing remembered yet");
    store.remember(dir.path(), PASSPHRASE).expect("remembered");
    assert!(open_remembered(store, dir.path()).is_some(), "opens without asking");
    // The file copied elsewhere finds nothing.
    let copy = tempfile::tempdir().expect("copy");
    std::fs::copy(dir.path().join("tenin.db"), copy.path().join("tenin.db")).expect("copied");
    assert!(open_remembered(store, copy.path()).is_none(), "a copy elsewhere stays locked");
    // Changed on another PC: the stale passphrase is forgotten rather than tried forever.
    store.remember(dir.path(), "古い合言葉-0000").expect("stale");
    assert!(open_remembered(store, dir.path()).is_none());
    assert_eq!(store.recall(dir.path()), None, "forgotten");
    store.remember(dir.path(), PASSPHRASE).expect("again");
    store.forget(dir.path()).expect("forget");
    assert_eq!(store.recall(dir.path()), None);
    store.forget(dir.path()).expect("forgetting nothing is fine");
}

#[test]
fn the_in_memory_store_remembers_per_folder() {
    remembers_for_its_folder_only(&MemoryStore::default());
}

const IN_SESSION: &str = "TENIN_TEST_IN_SECRET_SERVICE_SESSION";

/// Runs itself again inside `dbus-run-session` with gnome-keyring-daemon serving the Secret
/// Service (apt: dbus gnome-keyring; `scripts/install-deps --test`), its keyrings in a temporary
/// home; inside, the real store is used.
#[test]
fn a_real_secret_service_remembers_the_passphrase() {
    if std::env::var_os(IN_SESSION).is_some() {
        remembers_for_its_folder_only(&SystemStore);
        return;
    }
    let home = tempfile::tempdir().expect("home");
    let me = std::env::current_exe().expect("this test binary");
    let script = "printf 'tenin-test-keyring' | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 \
                  && exec \"$0\" \"$@\"";
    let output = std::process::Command::new("dbus-run-session")
        .args(["--", "sh", "-c", script])
        .arg(&me)
        .args(["--exact", "remembered_passphrase::a_real_secret_service_remembers_the_passphrase", "--nocapture"])
        .env(IN_SESSION, "1")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("XDG_RUNTIME_DIR", home.path())
        .output()
        .expect("dbus-run-session runs (apt: dbus gnome-keyring)");
    let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{said}");
    assert!(said.contains("1 passed"), "the test ran inside the session: {said}");
}
