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

#[test]
fn what_the_app_asks_on_its_own_never_waits_behind_a_long_command() {
    let dir = tempfile::tempdir().expect("dir");
    drop(tenin_core::Desk::create(dir.path(), &Default::default()).expect("a desk"));
    let state =
        std::sync::Arc::new(DeskState::open_with_store(Some(dir.path().to_owned()), Box::new(MemoryStore::default())));
    let (held, release) = (std::sync::mpsc::channel::<()>(), std::sync::mpsc::channel::<()>());
    let holder = {
        let state = state.clone();
        let (held, release) = (held.0, release.1);
        std::thread::spawn(move || {
            let _ = state.with(|_desk| {
                held.send(()).expect("said");
                release.recv().expect("told");
                Ok(())
            });
        })
    };
    held.1.recv().expect("the long command holds the desk");
    let started = std::time::Instant::now();
    assert!(state.try_with(|desk| desk.access()).is_none(), "busy: no answer, no wait");
    assert!(started.elapsed() < std::time::Duration::from_millis(500));
    release.0.send(()).expect("released");
    holder.join().expect("joined");
    assert!(state.try_with(|desk| desk.access()).is_some(), "free: answered");
}

#[test]
fn the_screens_read_while_a_long_command_holds_the_desk() {
    let dir = tempfile::tempdir().expect("dir");
    drop(tenin_core::Desk::create(dir.path(), &Default::default()).expect("a desk"));
    let state =
        std::sync::Arc::new(DeskState::open_with_store(Some(dir.path().to_owned()), Box::new(MemoryStore::default())));
    let admin = tenin_core::desk::NewUserInput {
        login: "admin".into(),
        display_name: "管理者".into(),
        role: None,
        password: "kanagawa-desk-2026".into(),
    };
    state.with(|desk| desk.set_up_administrator(&admin)).expect("signed in");
    state.with(|desk| desk.load_demo()).expect("demo");
    let before = state.read(|desk| desk.status()).expect("status").requests;

    let (held, release) = (std::sync::mpsc::channel::<()>(), std::sync::mpsc::channel::<()>());
    let holder = {
        let state = state.clone();
        let (held, release) = (held.0, release.1);
        std::thread::spawn(move || {
            state.with_long(|_desk| {
                held.send(()).expect("said");
                release.recv().expect("told");
                Ok(())
            })
        })
    };
    held.1.recv().expect("the long command holds the desk");
    // Answered by the reader while the desk is held (with `with` it would wait for the release,
    // which comes only after the answer — or after 30 s, failing the test).
    let (answer, answered) = std::sync::mpsc::channel();
    {
        let state = state.clone();
        std::thread::spawn(move || {
            let _ = answer.send(state.read(|desk| desk.status()));
        });
    }
    let status = answered.recv_timeout(std::time::Duration::from_secs(30));
    release.0.send(()).expect("released");
    let status = status.expect("answered during the long command").expect("status");
    assert_eq!(status.requests, before);
    holder.join().expect("joined").expect("the long command ends");
    assert_eq!(state.read(|desk| desk.status()).expect("status").requests, before);
}
