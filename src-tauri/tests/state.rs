//! The app's state on a real desk folder: closing it (the app quitting) closes the database cleanly,
//! so the next start skips the whole-file check.

use tenin_core::remembered_passphrase::MemoryStore;
use tenin_desk::state::DeskState;

#[test]
fn quitting_closes_the_desk_cleanly() {
    let dir = tempfile::tempdir().expect("dir");
    drop(tenin_core::Desk::create(dir.path(), &Default::default()).expect("a desk"));
    let state = DeskState::open_with_store(Some(dir.path().to_owned()), Box::new(MemoryStore::default()));
    assert!(!dir.path().join("tenin.db.closed").exists(), "open: no record of a clean close");
    state.close();
    assert!(dir.path().join("tenin.db.closed").exists(), "closed cleanly on quit");
    let desk = tenin_core::Desk::open(dir.path()).expect("opens");
    assert!(!desk.checked_at_open(), "the next start skips the check");
}
