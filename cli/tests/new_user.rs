//! What a new user trips on, tried from the command line: naming a request the way it was said on
//! the phone, searching by place, files never overwritten by surprise, times in the desk's zone, a
//! pipe closed early, a mistyped data folder, and history refusals that say how to fix them.

mod common;

use std::io::Read;
use std::process::Stdio;

use common::{json, new_desk, tenin};

fn text(output: &[u8]) -> String {
    String::from_utf8(output.to_vec()).expect("UTF-8")
}

fn demo_desk() -> tempfile::TempDir {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    dir
}

fn requests(dir: &std::path::Path) -> Vec<serde_json::Value> {
    let list = tenin(dir).args(["--json", "requests", "list", "--all"]).assert().success();
    json(&list.get_output().stdout).as_array().expect("array").clone()
}

#[test]
fn the_directory_search_finds_hospitals_by_their_municipality() {
    let dir = demo_desk();
    for query in ["横浜", "よこはま", "yokohama"] {
        let found = tenin(dir.path()).args(["hospitals", "list", "--query", query]).assert().success();
        let lines = text(&found.get_output().stdout);
        assert!(lines.lines().count() >= 5, "{query}: {lines}");
        assert!(lines.lines().all(|l| l.contains("横浜")), "{query}: every hit is in Yokohama: {lines}");
    }
}

#[test]
fn every_command_that_takes_a_request_accepts_its_reference_number() {
    let dir = demo_desk();
    let list = requests(dir.path());
    let new = list.iter().find(|r| r["status"] == "new").expect("a new request");
    let ref_no = new["ref_no"].as_str().expect("ref");
    let wide: String = ref_no.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)).collect();
    let shown = tenin(dir.path()).args(["--json", "requests", "show", &wide]).assert().success();
    assert_eq!(json(&shown.get_output().stdout)["summary"]["id"], new["id"], "full-width, as typed in Japanese");
    tenin(dir.path()).args(["requests", "transition", ref_no, "checking"]).assert().success();
    tenin(dir.path()).args(["requests", "transition", ref_no, "coordinating"]).assert().success();
    tenin(dir.path()).args(["match", ref_no]).assert().success();
    let unknown = tenin(dir.path()).args(["requests", "show", "999999-999"]).assert().code(1);
    let message = text(&unknown.get_output().stderr);
    assert!(message.contains("「999999-999」を受付番号・ID・医療機関の管理番号として探しました"), "{message}");

    // A booking is named by its request too, and needs no version typed from JSON.
    let placed = list.iter().find(|r| r["status"] == "arranging_transport").expect("one arranging transport");
    let placed_ref = placed["ref_no"].as_str().expect("ref");
    let before = json(
        &tenin(dir.path()).args(["--json", "requests", "show", placed_ref]).assert().success().get_output().stdout,
    );
    let booking = before["bookings"].as_array().and_then(|b| b.last()).expect("a booking").clone();
    let next = if booking["status"] == "requested" { "confirmed" } else { "done" };
    tenin(dir.path()).args(["transport", "move", placed_ref, next]).assert().success();
    let after = json(
        &tenin(dir.path()).args(["--json", "requests", "show", placed_ref]).assert().success().get_output().stdout,
    );
    assert_eq!(after["bookings"].as_array().and_then(|b| b.last()).expect("booking")["status"], next);
    let sheet = dir.path().join("sheet.html");
    tenin(dir.path()).args(["transport", "sheet", placed_ref, "--out"]).arg(&sheet).assert().success();
    // A stale version is still refused when one is given.
    let stale = tenin(dir.path())
        .args(["--json", "transport", "move", placed_ref, "cancelled", "--version"])
        .arg(booking["version"].to_string())
        .assert()
        .code(1);
    assert_eq!(json(&stale.get_output().stderr)["error"]["code"], "stale_version");
}

#[test]
fn an_existing_out_file_is_refused_unless_forced() {
    let dir = demo_desk();
    let out = dir.path().join("一覧.csv");
    std::fs::write(&out, "keep me").expect("existing file");
    let refused = tenin(dir.path()).args(["hospitals", "sheet", "--format", "csv", "--out"]).arg(&out).assert().code(2);
    assert!(text(&refused.get_output().stderr).contains("--force"), "says how to replace it");
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "keep me", "untouched");
    for args in [
        vec!["report", "monthly", "--from", "R8.4", "--to", "R8.11", "--format", "csv"],
        vec!["report", "daily", "--format", "html"],
    ] {
        tenin(dir.path()).args(&args).arg("--out").arg(&out).assert().code(2);
        assert_eq!(std::fs::read_to_string(&out).expect("read"), "keep me", "{args:?} left it alone");
    }
    let key = dir.path().join("hospital.key");
    std::fs::write(&key, "an older key").expect("existing key");
    tenin(dir.path()).args(["package", "keygen", "--out"]).arg(&key).assert().code(2);
    assert_eq!(std::fs::read_to_string(&key).expect("read"), "an older key", "a key is never replaced by surprise");

    tenin(dir.path()).args(["--force", "hospitals", "sheet", "--format", "csv", "--out"]).arg(&out).assert().success();
    assert!(std::fs::read_to_string(&out).expect("read").contains("医療機関"), "replaced whole when forced");
    tenin(dir.path()).args(["package", "keygen", "--force", "--out"]).arg(&key).assert().success();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).expect("key").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a private key is readable by its owner alone");
        let sheet_mode = std::fs::metadata(&out).expect("sheet").permissions().mode() & 0o777;
        assert_eq!(sheet_mode, 0o600, "an export may hold patient data: its owner's alone, replaced or not");
    }
}

#[test]
fn text_output_is_in_the_desks_time_zone_and_json_keeps_rfc_3339() {
    let dir = demo_desk();
    let ref_no = requests(dir.path())[0]["ref_no"].as_str().expect("ref").to_owned();
    let shown = text(&tenin(dir.path()).args(["requests", "show", &ref_no]).assert().success().get_output().stdout);
    assert!(shown.contains("受付 R"), "和暦: {shown}");
    assert!(!shown.contains('T') || !shown.contains("Z\n"), "no UTC stamps: {shown}");
    for line in shown.lines() {
        assert!(!line.contains(":00.000Z") && !line.contains("Z "), "UTC time in text output: {line}");
    }
    let audit = text(&tenin(dir.path()).args(["audit", "list", "--limit", "3"]).assert().success().get_output().stdout);
    assert!(audit.lines().all(|l| l.split('\t').nth(1).is_some_and(|at| at.starts_with('R'))), "{audit}");
    let detail =
        json(&tenin(dir.path()).args(["--json", "requests", "show", &ref_no]).assert().success().get_output().stdout);
    let at = detail["summary"]["registered_at"].as_str().expect("time");
    assert!(chrono::DateTime::parse_from_rfc3339(at).is_ok(), "JSON keeps RFC 3339: {at}");
}

#[test]
fn a_pipe_closed_early_ends_the_command_quietly() {
    let dir = demo_desk();
    let binary = assert_cmd::cargo::cargo_bin("tenin");
    let mut child = std::process::Command::new(binary)
        .arg("--data-dir")
        .arg(dir.path())
        // Some 200 KB: more than a pipe holds, so the command is still writing when the pipe closes.
        .args(["--json", "audit", "list"])
        .env("TENIN_USER", common::ADMIN)
        .env("TENIN_PASSWORD", common::ADMIN_PASSWORD)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("started");
    // Read one line, then close the pipe as `head -n 1` does.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 64];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let status = child.wait().expect("ended");
    let mut stderr = String::new();
    child.stderr.take().expect("stderr").read_to_string(&mut stderr).expect("stderr");
    assert!(!stderr.contains("panicked"), "no panic: {stderr}");
    assert!(stderr.is_empty(), "nothing said: {stderr}");
    assert_eq!(status.code(), Some(0), "the status it would have had");
}

#[test]
fn a_mistyped_data_folder_is_not_made_into_a_new_desk() {
    let dir = demo_desk();
    let typo = dir.path().join("tenin-dsk");
    let refused = tenin(&typo).args(["requests", "list"]).assert().code(2);
    let message = text(&refused.get_output().stderr);
    assert!(message.contains("デスクがありません") && message.contains("init"), "{message}");
    assert!(!typo.join("tenin.db").exists(), "nothing was created");
    let as_json = tenin(&typo).args(["--json", "status"]).assert().code(2);
    assert_eq!(json(&as_json.get_output().stderr)["error"]["code"], "no_desk");
    // `init` is the one command that makes a desk.
    tenin(&typo).args(["init", "--unencrypted", "--admin", common::ADMIN]).assert().success();
    assert!(typo.join("tenin.db").exists());
}

#[test]
fn history_refusals_name_the_value_the_column_and_the_fix() {
    let dir = demo_desk();
    // A hospital in the directory that does not refer patients.
    let receiving_only = {
        let out = tenin(dir.path()).args(["--json", "hospitals", "list"]).assert().success();
        json(&out.get_output().stdout)
            .as_array()
            .expect("array")
            .iter()
            .find(|h| h["is_referring"] == false)
            .expect("a receiving-only hospital")["code"]
            .as_str()
            .expect("code")
            .to_owned()
    };
    let file = dir.path().join("old.csv");
    std::fs::write(
        &file,
        format!(
            "依頼元,住所,結果,受付,決定\n{receiving_only},横浜市鶴見区,調整不成立,2024-05-01 10:00,2024-05-01 12:00\n\
             架空病院,横浜市鶴見区,調整不成立,2024-05-01 10:00,2024-05-01 12:00\n\
             {receiving_only},月面市,調整不成立,2024-05-01 10:00,2024-05-01 12:00\n"
        ),
    )
    .expect("file");
    let report = tenin(dir.path())
        .args(["--json", "import"])
        .arg(&file)
        .args([
            "--map",
            "referring_hospital=依頼元",
            "--map",
            "residence=住所",
            "--map",
            "outcome=結果",
            "--map",
            "registered_at=受付",
            "--map",
            "outcome_at=決定",
            "--dry-run",
        ])
        .assert()
        .success();
    let report = json(&report.get_output().stdout);
    let reasons: Vec<(String, String)> = report["records"]
        .as_array()
        .expect("records")
        .iter()
        .flat_map(|r| r["reasons"].as_array().cloned().unwrap_or_default())
        .map(|r| (r["field"].as_str().unwrap_or("").to_owned(), r["message"].as_str().unwrap_or("").to_owned()))
        .collect();
    let (column, message) = &reasons[0];
    assert_eq!(column, "依頼元", "the column as the file wrote it");
    assert!(message.contains(&receiving_only), "the value: {message}");
    assert!(
        message.contains("依頼元として登録されていません") && message.contains("印を付けて"),
        "why and the fix: {message}"
    );
    assert!(reasons.iter().any(|(c, m)| c == "依頼元" && m.contains("「架空病院」") && m.contains("追加してください")));
    assert!(reasons.iter().any(|(c, m)| c == "住所" && m.contains("「月面市」") && m.contains("「不明」")));
}
