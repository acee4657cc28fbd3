//! The hospital edition from the command line alone: a desk and two hospital editions in three
//! data folders, one sync root; keys exchanged as keys files; a request registered at a hospital
//! reaches the desk, an inquiry reaches a second hospital and is accepted, the desk places the
//! patient, and the referring hospital sees it.

mod common;

use std::path::Path;

use common::{json, new_desk, tenin};

fn hospital_cli(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("tenin").expect("binary");
    cmd.arg("--data-dir")
        .arg(dir)
        .env_remove("TENIN_DATA_DIR")
        .env("TENIN_USER", "nurse")
        .env("TENIN_PASSWORD", "hospital-pass-2026")
        .env("TENIN_NEW_PASSWORD", "hospital-pass-2026");
    cmd
}

fn set_up(dir: &Path, code: &str, name: &str, municipality: &str, desk_keys: &Path, root: &Path) {
    hospital_cli(dir)
        .args(["init", "--unencrypted", "--edition", "hospital", "--hospital-code", code, "--hospital-name", name])
        .args(["--municipality", municipality, "--desk-keys"])
        .arg(desk_keys)
        .args(["--admin", "nurse", "--name", "退院支援 看護師"])
        .assert()
        .success();
    hospital_cli(dir).args(["sync", "settings", "--root"]).arg(root).assert().success();
}

#[test]
fn the_round_trip_through_the_command_line_alone() {
    let desk = new_desk();
    let d = desk.path();
    tenin(d).arg("demo").assert().success();
    let root = d.join("shared");
    std::fs::create_dir_all(&root).expect("root");
    tenin(d).args(["sync", "settings", "--root"]).arg(&root).assert().success();
    let desk_keys = d.join("desk.keys");
    let exported = tenin(d).args(["package", "keys", "--export"]).arg(&desk_keys).assert().success();
    let fingerprint = String::from_utf8_lossy(&exported.get_output().stdout).into_owned();

    let hospitals = json(&tenin(d).args(["--json", "hospitals", "list"]).assert().success().get_output().stdout);
    let list = hospitals.as_array().expect("array");
    let referrer = list.iter().find(|h| h["code"] == "1410110009").expect("the referring hospital");
    let receiver = list.iter().find(|h| h["is_receiving"] == true && h["is_referring"] == false).expect("a receiver");
    let (a_dir, b_dir) = (tempfile::tempdir().expect("a"), tempfile::tempdir().expect("b"));
    for (dir, h) in [(a_dir.path(), referrer), (b_dir.path(), receiver)] {
        let code = h["code"].as_str().expect("code");
        set_up(
            dir,
            code,
            h["name"].as_str().expect("name"),
            h["municipality_name"].as_str().expect("m"),
            &desk_keys,
            &root,
        );
        let status = String::from_utf8_lossy(&hospital_cli(dir).arg("status").assert().success().get_output().stdout)
            .into_owned();
        assert!(status.contains("医療機関版"), "{status}");
        let keys = dir.join("hospital.keys");
        hospital_cli(dir).args(["package", "keys", "--export"]).arg(&keys).assert().success();
        let trusted = tenin(d).args(["package", "trust", "--keys"]).arg(&keys).assert().success();
        assert!(String::from_utf8_lossy(&trusted.get_output().stdout).contains(code));
    }
    assert!(fingerprint.contains('-'), "the desk's fingerprint is printed: {fingerprint}");
    let b_code = receiver["code"].as_str().expect("code");

    // The referring hospital registers a request with the desk's own checks, and syncs.
    let request = a_dir.path().join("request.json");
    std::fs::write(
        &request,
        serde_json::json!({
            "patient_initials": "Ｃ．Ｌ．", "patient_age": "８１", "patient_sex": "female",
            "residence_municipality_code": "141003", "criteria_met_date": "R8.11.20",
            "bed_type_id": "community_care", "clinical_summary": "誤嚥性肺炎後", "consent_given_by": "本人",
            "care": {"oxygen_l_per_min": "なし", "adl": "partial_assist"}
        })
        .to_string(),
    )
    .expect("intake");
    let made = json(
        &hospital_cli(a_dir.path())
            .args(["--json", "requests", "new"])
            .arg(&request)
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert_eq!(made["summary"]["patient_initials"], "C.L.", "full-width read as the desk reads it");
    let a_id = made["summary"]["id"].as_str().expect("id").to_owned();
    let refused = hospital_cli(a_dir.path()).args(["--json", "match", &a_id]).assert().code(1);
    assert_eq!(json(&refused.get_output().stderr)["error"]["code"], "wrong_edition");
    hospital_cli(a_dir.path()).args(["sync", "run", "--once"]).assert().success();
    tenin(d).args(["sync", "run", "--once"]).assert().success();
    let at_desk = json(
        &tenin(d)
            .args(["--json", "requests", "show", &format!("1410110009:{a_id}")])
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    let ref_no = at_desk["summary"]["ref_no"].as_str().expect("ref").to_owned();
    assert_eq!(at_desk["consent"]["given_by"], "本人");

    // The desk asks the receiving hospital by package; it answers and reports its beds.
    tenin(d).args(["requests", "transition", &ref_no, "coordinating"]).assert().success();
    tenin(d).args(["package", "export", "inquiry", "--request", &ref_no, "--hospital", b_code]).assert().success();
    hospital_cli(b_dir.path()).args(["sync", "run", "--once"]).assert().success();
    let inquiries =
        json(&hospital_cli(b_dir.path()).args(["--json", "inquiries", "list"]).assert().success().get_output().stdout);
    let inquiry = &inquiries.as_array().expect("list")[0];
    assert_eq!(inquiry["record"]["ref_no"], ref_no.as_str());
    let id = inquiry["inquiry_id"].as_str().expect("id");
    hospital_cli(b_dir.path()).args(["inquiries", "answer", id, "accepted", "--note", "明日午後"]).assert().success();
    let beds = b_dir.path().join("beds.json");
    std::fs::write(&beds, r#"[{"bed_type": "community_care", "available": 2}]"#).expect("beds");
    hospital_cli(b_dir.path()).args(["hospitals", "capacity", b_code]).arg(&beds).assert().success();
    let other = hospital_cli(b_dir.path()).args(["hospitals", "capacity", "1410110009"]).arg(&beds).assert().code(2);
    assert!(String::from_utf8_lossy(&other.get_output().stderr).contains("自院"));
    hospital_cli(b_dir.path()).args(["sync", "run", "--once"]).assert().success();
    tenin(d).args(["sync", "run", "--once"]).assert().success();

    // Placed in one action at the desk; the referring hospital sees it after its next sync.
    let placed =
        tenin(d).args(["--json", "requests", "transition", &ref_no, "placed", "--hospital", b_code]).assert().success();
    assert_eq!(json(&placed.get_output().stdout)["summary"]["status"], "placed");
    tenin(d).args(["sync", "run", "--once"]).assert().success();
    hospital_cli(a_dir.path()).args(["sync", "run", "--once"]).assert().success();
    let shown = json(
        &hospital_cli(a_dir.path()).args(["--json", "requests", "show", &a_id]).assert().success().get_output().stdout,
    );
    assert_eq!(shown["desk_view"]["status"], "placed");
    assert_eq!(shown["desk_view"]["desk_ref_no"], ref_no.as_str());
    assert_eq!(shown["desk_view"]["placed_at"], receiver["name"]);
    let text = String::from_utf8_lossy(
        &hospital_cli(a_dir.path()).args(["requests", "show", &a_id]).assert().success().get_output().stdout,
    )
    .into_owned();
    assert!(text.contains("受入決定") && text.contains(receiver["name"].as_str().expect("name")), "{text}");
}
