//! The referral from the command line: an inquiry package opened by the hospital without a desk,
//! its answer through the sync folder, the placement in one step, the patient sheet as a one-page
//! PDF; and the sync cycle killed with SIGKILL at every moment, losing nothing and applying
//! nothing twice.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{json, new_desk, tenin};
use tenin_core::exchange::keys::KeyPair;
use tenin_core::exchange::manifest::{FORMAT_VERSION, PackageKind};
use tenin_core::exchange::package::{self, Envelope};

fn text(output: &[u8]) -> String {
    String::from_utf8_lossy(output).into_owned()
}

fn desk_identity(dir: &Path) -> (String, String, String) {
    let keys = json(&tenin(dir).args(["--json", "package", "keys"]).assert().success().get_output().stdout);
    (
        keys["desk_id"].as_str().expect("id").to_owned(),
        keys["keys"]["signing"].as_str().expect("signing").to_owned(),
        keys["keys"]["encryption"].as_str().expect("encryption").to_owned(),
    )
}

/// A hospital's key pair, written where its own tools would keep it, and registered at the desk.
fn partner(dir: &Path, code: &str) -> (KeyPair, PathBuf) {
    let keys = KeyPair::generate();
    let file = dir.join(format!("{code}.key"));
    std::fs::write(&file, keys.to_secret_text()).expect("key file");
    let public = keys.public();
    tenin(dir)
        .args([
            "package",
            "trust",
            "--hospital",
            code,
            "--signing",
            &public.signing,
            "--encryption",
            &public.encryption,
        ])
        .assert()
        .success();
    (keys, file)
}

fn seal(
    keys: &KeyPair,
    kind: PackageKind,
    sender: &str,
    recipient: &str,
    sequence: u32,
    records: &serde_json::Value,
    to: &str,
) -> Vec<u8> {
    let envelope = Envelope {
        format_version: FORMAT_VERSION,
        package_id: tenin_core::ids::new_id(),
        kind,
        sender,
        recipient,
        sequence,
        created_at: tenin_core::ids::to_rfc3339(chrono::Utc::now()),
        records: records.as_array().map_or(0, Vec::len) as u32,
    };
    let recipient_key = tenin_core::exchange::keys::parse_recipient(to).expect("age key");
    package::seal(envelope, records.to_string().as_bytes(), keys, Some(&recipient_key)).expect("sealed").0
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.path().is_dir() {
            found.extend(files_in(&entry.path()));
        } else {
            found.push(entry.path());
        }
    }
    found
}

#[test]
fn an_inquiry_goes_out_is_read_by_the_hospital_and_its_answer_places_the_patient() {
    let dir = new_desk();
    let d = dir.path();
    tenin(d).arg("demo").assert().success();
    let root = d.join("shared");
    std::fs::create_dir_all(&root).expect("root");
    tenin(d).args(["sync", "settings", "--root"]).arg(&root).assert().success();
    tenin(d).args(["desk-contact", "--phone", "045-000-0000", "--fax", "045-000-0001"]).assert().success();
    let (desk_id, desk_signing, desk_age) = desk_identity(d);
    let code = "1410712226";
    let (keys, key_file) = partner(d, code);
    let list = json(
        &tenin(d)
            .args(["--json", "requests", "list", "--status", "coordinating"])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    let ref_no = list[0]["ref_no"].as_str().expect("ref").to_owned();

    tenin(d)
        .args([
            "package",
            "export",
            "inquiry",
            "--request",
            &ref_no,
            "--hospital",
            code,
            "--reply-by",
            "2099-01-01T10:00",
        ])
        .assert()
        .success();
    let folder = root.join(format!("to-{code}"));
    let file = files_in(&folder).into_iter().find(|f| f.to_string_lossy().contains("inquiry")).expect("written");
    // The hospital opens it with its own key, checking the desk's signature, with no desk at all.
    let elsewhere = tempfile::tempdir().expect("the hospital's machine");
    let mut open = assert_cmd::Command::cargo_bin("tenin").expect("binary");
    open.current_dir(elsewhere.path())
        .env_remove("TENIN_DATA_DIR")
        .env("HOME", elsewhere.path())
        .env("XDG_DATA_HOME", elsewhere.path());
    let shown = open
        .args(["package", "open"])
        .arg(&file)
        .arg("--key")
        .arg(&key_file)
        .args(["--desk-key", &desk_signing])
        .assert()
        .success();
    let shown = text(&shown.get_output().stdout);
    assert!(shown.contains(&ref_no) && shown.contains("デスクの鍵で確認済み") && shown.contains("ADL"), "{shown}");
    assert!(files_in(elsewhere.path()).is_empty(), "opening created nothing: {:?}", files_in(elsewhere.path()));
    let wrong = KeyPair::generate().public().signing;
    let mut forged = assert_cmd::Command::cargo_bin("tenin").expect("binary");
    forged
        .args(["package", "open"])
        .arg(&file)
        .arg("--key")
        .arg(&key_file)
        .args(["--desk-key", &wrong])
        .assert()
        .code(1);
    let mut as_json = assert_cmd::Command::cargo_bin("tenin").expect("binary");
    let opened = as_json.args(["--json", "package", "open"]).arg(&file).arg("--key").arg(&key_file).assert().success();
    let opened = json(&opened.get_output().stdout);
    assert_eq!(opened["signature_checked"], false, "without the desk's key it says it did not check");
    let inquiry_id = opened["records"][0]["inquiry_id"].as_str().expect("id").to_owned();

    // Its answer, sealed and dropped into the desk's folder; the next cycle applies it.
    let answer = seal(
        &keys,
        PackageKind::Answers,
        code,
        &desk_id,
        1,
        &serde_json::json!([{"inquiry_id": inquiry_id, "outcome": "accepted"}]),
        &desk_age,
    );
    let inbox = root.join(format!("to-{desk_id}"));
    std::fs::create_dir_all(&inbox).expect("folder");
    std::fs::write(inbox.join("answer.zip"), answer).expect("answer");
    let run = json(&tenin(d).args(["--json", "sync", "run", "--once"]).assert().success().get_output().stdout);
    assert_eq!(run["files_in"], 1);
    let placed =
        tenin(d).args(["--json", "requests", "transition", &ref_no, "placed", "--hospital", code]).assert().success();
    let placed = json(&placed.get_output().stdout);
    assert_eq!(placed["summary"]["status"], "placed");
    assert_eq!(
        placed["placement"]["hospital_id"],
        placed["inquiries"].as_array().and_then(|i| i.last()).expect("inquiry")["hospital_id"]
    );
    let log = text(&tenin(d).args(["sync", "log"]).assert().success().get_output().stdout);
    assert!(log.contains("answer.zip") && log.contains("applied"), "{log}");

    let pdf = d.join("sheet.pdf");
    tenin(d)
        .args(["report", "patient-sheet", &ref_no, "--hospital", code, "--format", "pdf", "--out"])
        .arg(&pdf)
        .assert()
        .success();
    let info = std::process::Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo");
    let info = text(&info.stdout);
    assert!(info.lines().any(|l| l.starts_with("Pages:") && l.trim_end().ends_with(" 1")), "one A4 page: {info}");
}

#[test]
fn a_sync_cycle_killed_at_any_moment_loses_no_file_and_applies_none_twice() {
    let dir = new_desk();
    let d = dir.path();
    tenin(d).arg("demo").assert().success();
    let root = d.join("shared");
    std::fs::create_dir_all(&root).expect("root");
    tenin(d).args(["sync", "settings", "--root"]).arg(&root).assert().success();
    let (desk_id, desk_signing, desk_age) = desk_identity(d);
    let referrer = "1410110009";
    let (keys, key_file) = partner(d, referrer);
    let inbox = root.join(format!("to-{desk_id}"));
    std::fs::create_dir_all(&inbox).expect("folder");
    const PACKAGES: u32 = 120;
    for n in 1..=PACKAGES {
        let record = serde_json::json!([{"record_id": format!("K-{n}"), "action": "new", "request": {
            "patient_initials": format!("K.{}.", (b'A' + (n % 26) as u8) as char), "patient_age": (50 + n % 40).to_string(),
            "patient_sex": if n % 2 == 0 { "female" } else { "male" }, "residence_municipality_code": "141003",
            "criteria_met_date": "R8.11.20", "hospital_patient_no": format!("P-{n}")
        }}]);
        let bytes = seal(&keys, PackageKind::Requests, referrer, &desk_id, n, &record, &desk_age);
        std::fs::write(inbox.join(format!("requests-{n:03}.zip")), bytes).expect("package");
        std::thread::sleep(Duration::from_millis(5));
    }
    let before = json(&tenin(d).args(["--json", "requests", "list"]).assert().success().get_output().stdout)
        .as_array()
        .map_or(0, Vec::len);
    let binary = assert_cmd::cargo::cargo_bin("tenin");
    let mut delay = 10u64;
    let mut kills = 0;
    // Whether a kill landed in the middle of the imports (some files taken, some not).
    let mut mid_cycle = false;
    let mut finished = false;
    for _ in 0..400 {
        let mut child = std::process::Command::new(&binary)
            .arg("--data-dir")
            .arg(d)
            .args(["sync", "run", "--once"])
            .env("TENIN_USER", common::ADMIN)
            .env("TENIN_PASSWORD", common::ADMIN_PASSWORD)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("started");
        std::thread::sleep(Duration::from_millis(delay));
        if let Some(status) = child.try_wait().expect("status") {
            assert!(status.success(), "a cycle that ran to its end succeeded");
            finished = true;
            break;
        }
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        kills += 1;
        let left = files_in(&inbox).iter().filter(|f| !f.to_string_lossy().ends_with(".part")).count();
        mid_cycle |= left > 0 && left < PACKAGES as usize;
        // Small steps: a cycle of 120 packages takes a fraction of a second, and the kills must land
        // at many moments of it on a fast machine too.
        delay += 5;
    }
    assert!(finished, "a cycle eventually ran to its end");
    assert!(kills >= 10, "killed at many moments ({kills})");
    assert!(mid_cycle, "some kills landed between imports, not only before the first");
    tenin(d).args(["sync", "run", "--once"]).assert().success();

    // Every package applied exactly once: one request per record, one applied import per package.
    let after = json(&tenin(d).args(["--json", "requests", "list"]).assert().success().get_output().stdout)
        .as_array()
        .map_or(0, Vec::len);
    let log_text = text(&tenin(d).args(["package", "log", "--limit", "1000"]).assert().success().get_output().stdout);
    assert_eq!(after - before, PACKAGES as usize, "each record once (after {kills} kills):\n{log_text}");
    for n in 1..=PACKAGES {
        tenin(d).args(["requests", "show", &format!("{referrer}:K-{n}")]).assert().success();
    }
    let log =
        json(&tenin(d).args(["--json", "package", "log", "--limit", "1000"]).assert().success().get_output().stdout);
    let applied: Vec<&str> = log
        .as_array()
        .expect("log")
        .iter()
        .filter(|e| e["direction"] == "in" && e["result"] == "applied")
        .filter_map(|e| e["package_id"].as_str())
        .collect();
    let mut unique = applied.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((applied.len(), unique.len()), (PACKAGES as usize, PACKAGES as usize), "each package applied once");
    // No file lost: the shared folder is empty of ours and of every `.part`; the archive holds them all.
    let left: Vec<PathBuf> = files_in(&inbox);
    assert!(left.is_empty(), "taken in: {left:?}");
    assert!(files_in(&root).iter().all(|f| !f.to_string_lossy().ends_with(".part")), "{:?}", files_in(&root));
    let archived =
        files_in(&d.join("sync/archive")).into_iter().filter(|f| f.extension().is_some_and(|e| e == "zip")).count();
    assert_eq!(archived, PACKAGES as usize, "every file kept locally once");
    // What the desk wrote for the hospital opens for it, numbered once each, without gaps.
    let mut numbers = Vec::new();
    for file in files_in(&root.join(format!("to-{referrer}"))) {
        let mut open = assert_cmd::Command::cargo_bin("tenin").expect("binary");
        let shown = open
            .args(["--json", "package", "open"])
            .arg(&file)
            .arg("--key")
            .arg(&key_file)
            .args(["--desk-key", &desk_signing])
            .assert()
            .success();
        let manifest = json(&shown.get_output().stdout)["manifest"].clone();
        if manifest["recipient"] == referrer {
            numbers.push(manifest["sequence"].as_u64().expect("sequence"));
        }
    }
    numbers.sort();
    assert!(!numbers.is_empty());
    assert_eq!(numbers, (1..=numbers.len() as u64).collect::<Vec<_>>(), "no repeats, no gaps");
}
