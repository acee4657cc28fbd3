//! The README's examples stay true: every code block marked `<!-- tested … -->` is run with bash as
//! written, from the repository root, with `scripts/tenin` running the binary under test; and the
//! prerequisites name every package the install script installs.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repository root").to_owned()
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).expect("README.md")
}

/// The code blocks that follow a `<!-- tested` comment.
fn tested_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        if !line.trim_start().starts_with("<!-- tested") {
            continue;
        }
        let fence = lines.next().expect("a code block after the marker");
        assert!(fence.starts_with("```"), "the marker is followed by a code block, found {fence:?}");
        let body: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
        blocks.push(body.join("\n"));
    }
    blocks
}

#[test]
fn the_marked_examples_run_as_written_on_a_demo_desk() {
    let blocks = tested_blocks(&readme());
    assert!(!blocks.is_empty(), "the README marks its examples");
    let home = tempfile::tempdir().expect("temp home");
    for block in blocks {
        let output = std::process::Command::new("bash")
            .args(["-euc", &block])
            .current_dir(root())
            .env("TENIN_BIN", assert_cmd::cargo::cargo_bin("tenin"))
            .env("TMPDIR", home.path())
            .env_remove("TENIN_DATA_DIR")
            .env_remove("TENIN_USER")
            .env_remove("TENIN_PASSWORD")
            .output()
            .expect("bash runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "the block failed:\n{block}\n--- stdout\n{stdout}\n--- stderr\n{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        // What the block says it does, it did.
        assert!(stdout.contains("デモデータを読み込みました"), "{stdout}");
        assert!(stdout.contains("横浜"), "the search by place found Yokohama hospitals: {stdout}");
        assert!(stdout.contains("候補"), "candidates were listed: {stdout}");
        assert!(stdout.contains("搬送手配を「搬送完了」にしました"), "the trip was completed: {stdout}");
        assert!(stdout.contains("ハッシュの連鎖は保たれています"), "{stdout}");
        let made: Vec<String> = std::fs::read_dir(home.path())
            .expect("temp")
            .filter_map(Result::ok)
            .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().filter_map(Result::ok))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        for file in ["日報.html", "月報.csv", "搬送依頼書.html"] {
            assert!(made.iter().any(|m| m == file), "{file} written: {made:?}");
        }
        assert!(made.iter().any(|m| m.starts_with("転院依頼テンプレート-1410110009")), "{made:?}");
    }
}

#[test]
fn the_prerequisites_name_every_package_the_scripts_install() {
    let script = std::fs::read_to_string(root().join("scripts/install-deps")).expect("install-deps");
    let readme = readme();
    let packages: Vec<&str> = script
        .lines()
        .filter_map(|l| l.split_once("packages=(").or_else(|| l.split_once("packages+=(")))
        .flat_map(|(_, rest)| rest.trim_end_matches(')').split_whitespace())
        .map(|p| p.trim_end_matches(')'))
        .collect();
    assert!(packages.len() > 8, "read the package lists: {packages:?}");
    for package in packages {
        assert!(readme.contains(package), "README's prerequisites leave out {package}");
    }
    assert!(readme.contains("tauri-driver 2.1.0") && script.contains("--version 2.1.0"));
}
