//! The committed TypeScript bindings must match what the Rust commands and types generate.
//! To refresh them: `TENIN_UPDATE_BINDINGS=1 cargo test -p tenin-desk --test bindings`.

#[test]
fn bindings_are_current() {
    let committed_path = std::path::Path::new(tenin_desk::bindings::BINDINGS_PATH);
    let dir = tempfile::tempdir().expect("temp dir");
    let fresh_path = dir.path().join("bindings.ts");
    tenin_desk::bindings::export(&fresh_path).expect("export bindings");
    let fresh = std::fs::read_to_string(&fresh_path).expect("read fresh bindings");
    if std::env::var_os("TENIN_UPDATE_BINDINGS").is_some() {
        std::fs::write(committed_path, &fresh).expect("write bindings");
    }
    let committed = std::fs::read_to_string(committed_path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/lib/bindings.ts is stale: run `TENIN_UPDATE_BINDINGS=1 cargo test -p tenin-desk --test bindings` and commit it"
    );
}
