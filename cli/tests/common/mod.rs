//! Helpers shared by the CLI's test binaries.
#![allow(dead_code)]

use assert_cmd::Command;

pub const ADMIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "desk-admin-2026";

/// `tenin` on `dir`, signed in as the administrator through the environment.
pub fn tenin(dir: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("tenin").expect("binary built");
    cmd.arg("--data-dir")
        .arg(dir)
        .env_remove("TENIN_DATA_DIR")
        .env("TENIN_USER", ADMIN)
        .env("TENIN_PASSWORD", ADMIN_PASSWORD)
        .env("TENIN_NEW_PASSWORD", ADMIN_PASSWORD);
    cmd
}

/// A new desk in a temp dir with its first administrator (in the clear: these tests are not about
/// encryption; `cli.rs` tests a new desk's default encryption).
pub fn new_desk() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    tenin(dir.path()).args(["init", "--unencrypted", "--admin", ADMIN, "--name", "管理者"]).assert().success();
    dir
}

pub fn json(output: &[u8]) -> serde_json::Value {
    serde_json::from_slice(output).expect("valid JSON on stdout")
}
