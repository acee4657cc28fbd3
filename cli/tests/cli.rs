//! The `tenin` binary, run as a user would, on a real data directory.

use assert_cmd::Command;

mod common;

use common::{ADMIN, ADMIN_PASSWORD, json, new_desk, tenin};

#[test]
fn init_demo_status_and_lists() {
    let dir = tempfile::tempdir().expect("temp dir");
    let refused = tenin(dir.path()).args(["init"]).assert().code(2);
    assert!(String::from_utf8_lossy(&refused.get_output().stderr).contains("最初の管理者"), "a new desk needs one");
    let init = tenin(dir.path())
        .args(["--json", "init", "--unencrypted", "--admin", ADMIN, "--name", "管理者"])
        .assert()
        .success();
    let status = json(&init.get_output().stdout);
    assert_eq!(status["requests"], 0, "a new desk is empty");
    assert_eq!(status["region_pack"]["id"], "jp-14-kanagawa");

    let demo = tenin(dir.path()).args(["--json", "demo"]).assert().success();
    assert_eq!(
        json(&demo.get_output().stdout),
        serde_json::json!({"hospitals": 60, "transport_providers": 3, "requests": 30})
    );

    let status = tenin(dir.path()).args(["--json", "status"]).assert().success();
    let status = json(&status.get_output().stdout);
    assert_eq!(status["integrity"], "ok");
    assert_eq!(status["schema_version"], tenin_core::desk::SCHEMA_VERSION);

    // Open requests by default, saying how many closed ones were left out; --all streams every one.
    let open = tenin(dir.path()).args(["--json", "requests", "list"]).assert().success();
    assert_eq!(json(&open.get_output().stdout).as_array().map(Vec::len), Some(25), "the demo's open requests");
    let said = tenin(dir.path()).args(["requests", "list"]).assert().success();
    assert!(String::from_utf8_lossy(&said.get_output().stderr).contains("終了した依頼 5 件"));
    let closed = tenin(dir.path()).args(["--json", "requests", "list", "--closed"]).assert().success();
    assert_eq!(json(&closed.get_output().stdout).as_array().map(Vec::len), Some(5));
    let list = tenin(dir.path()).args(["--json", "requests", "list", "--all"]).assert().success();
    let list = json(&list.get_output().stdout);
    let requests = list.as_array().expect("array");
    assert_eq!(requests.len(), 30, "every request of the demo");
    // Pages: the first ten, then the next ten from where the first said to go on.
    let first = tenin(dir.path()).args(["requests", "list", "--all", "--limit", "10"]).assert().success();
    let first_out = String::from_utf8_lossy(&first.get_output().stdout).into_owned();
    assert_eq!(first_out.lines().count(), 10);
    assert!(String::from_utf8_lossy(&first.get_output().stderr).contains("続きは --after 10"));
    let mut second = tenin(dir.path());
    second.args(["--json", "requests", "list", "--all", "--limit", "10", "--after", "10"]);
    let second = json(&second.assert().success().get_output().stdout);
    let page: Vec<&str> = second.as_array().expect("page").iter().map(|r| r["ref_no"].as_str().unwrap_or("")).collect();
    let expected: Vec<&str> = requests[10..20].iter().map(|r| r["ref_no"].as_str().unwrap_or("")).collect();
    assert_eq!(page, expected, "the second page is the next ten in the same order");
    let one = requests[3]["ref_no"].as_str().expect("ref").to_owned();
    let found = tenin(dir.path()).args(["--json", "requests", "list", "--all", "--text", &one]).assert().success();
    assert_eq!(json(&found.get_output().stdout).as_array().map(Vec::len), Some(1), "search by reference number");
    let id = requests[0]["id"].as_str().expect("id");

    let show = tenin(dir.path()).args(["--json", "requests", "show", id]).assert().success();
    let detail = json(&show.get_output().stdout);
    assert_eq!(detail["summary"]["id"], id);
    assert!(detail["history"].as_array().is_some_and(|h| !h.is_empty()), "history included");

    let found = tenin(dir.path()).args(["--json", "hospitals", "list", "--query", "さくら"]).assert().success();
    let found = json(&found.get_output().stdout);
    assert!(found.as_array().is_some_and(|a| !a.is_empty() && a.len() < 60), "kana search filters: {found}");

    let text = tenin(dir.path()).args(["status"]).assert().success();
    let text = String::from_utf8(text.get_output().stdout.clone()).expect("utf-8");
    assert!(text.contains("整合性チェック: ok") && text.contains("依頼: 30"), "human output: {text}");
}

#[test]
fn second_demo_load_fails_naming_the_rule() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let failed = tenin(dir.path()).args(["--json", "demo"]).assert().code(1);
    let report = json(&failed.get_output().stderr);
    assert_eq!(report["error"]["code"], "rule");
    assert_eq!(report["error"]["rule"]["rule"], "demo_needs_empty_desk");
}

#[test]
fn a_non_database_file_is_reported_and_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tenin.db");
    std::fs::write(&path, "not a database at all, just text").expect("write");
    let failed = tenin(dir.path()).args(["--json", "status"]).assert().code(2);
    let report = json(&failed.get_output().stderr);
    assert_eq!(report["open_error"]["kind"], "not_a_database");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "not a database at all, just text");
}

#[test]
fn init_with_another_region_pack() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pack = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/fictional-pack.json");
    let init = tenin(dir.path())
        .args(["--json", "init", "--unencrypted", "--region-pack", pack, "--admin", ADMIN])
        .assert()
        .success();
    assert_eq!(json(&init.get_output().stdout)["region_pack"]["name"], "架空県");
    // The bundled demo belongs to another pack and is refused whole.
    tenin(dir.path()).arg("demo").assert().code(1);
}

#[test]
fn data_dir_from_the_environment() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut cmd = Command::cargo_bin("tenin").expect("binary");
    cmd.env("TENIN_DATA_DIR", dir.path()).env("TENIN_NEW_PASSWORD", ADMIN_PASSWORD);
    cmd.args(["--json", "init", "--unencrypted", "--admin", ADMIN]).assert().success();
    assert!(dir.path().join("tenin.db").exists(), "TENIN_DATA_DIR is used when --data-dir is absent");
}

#[test]
fn transition_moves_a_request_and_refuses_what_the_workflow_forbids() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let list = tenin(dir.path()).args(["--json", "requests", "list"]).assert().success();
    let list = json(&list.get_output().stdout);
    let new = list.as_array().expect("array").iter().find(|r| r["status"] == "new").expect("a new request");
    let id = new["id"].as_str().expect("id");

    let moved = tenin(dir.path())
        .args(["--json", "requests", "transition", id, "checking", "--note", "ADL確認"])
        .assert()
        .success();
    let moved = json(&moved.get_output().stdout);
    assert_eq!(moved["summary"]["status"], "checking");
    assert_eq!(moved["history"].as_array().and_then(|h| h.last()).map(|h| h["note"].clone()), Some("ADL確認".into()));

    let refused = tenin(dir.path()).args(["--json", "requests", "transition", id, "transferred"]).assert().code(1);
    assert_eq!(json(&refused.get_output().stderr)["error"]["code"], "invalid_transition");

    let unknown = tenin(dir.path()).args(["requests", "transition", id, "done"]).assert().code(2);
    let message = String::from_utf8(unknown.get_output().stderr.clone()).expect("utf-8");
    assert!(message.contains("arranging_transport"), "lists the valid names: {message}");
}

#[test]
fn placement_time_accepts_japanese_era_dates() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let out = tenin(dir.path())
        .args(["--json", "requests", "placement-time", "--from", "R8.11.1", "--to", "令和8年11月30日"])
        .assert()
        .success();
    let times = json(&out.get_output().stdout);
    assert_eq!((times["from"].as_str(), times["to"].as_str()), (Some("2026-11-01"), Some("2026-11-30")));
    let refused = tenin(dir.path()).args(["requests", "placement-time", "--from", "平成31年5月1日"]).assert().code(2);
    let message = String::from_utf8(refused.get_output().stderr.clone()).expect("utf-8");
    assert!(message.contains("平成の期間外"), "explains why: {message}");
}

#[test]
fn hospitals_are_upserted_from_a_file_all_or_nothing() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let existing = tenin(dir.path()).args(["--json", "hospitals", "show", "1410110009"]).assert().success();
    let existing = json(&existing.get_output().stdout);
    assert_eq!(existing["name"], "桜総合病院");

    // The new code: 14-1-99-0001 with its Luhn digit.
    let new_code = (0..10)
        .map(|d| format!("141990001{d}"))
        .find(|c| tenin_core::codes::is_valid_medical_institution_code(c))
        .expect("a check digit fits");
    let file = dir.path().join("hospitals.json");
    let good = serde_json::json!([
        {"code": "1410110009", "name": "桜総合病院（本院）", "name_kana": "さくらそうごうびょういん", "municipality_code": "141011",
         "is_referring": true, "is_receiving": true},
        {"code": new_code, "name": "新緑リハビリテーション病院", "name_kana": "シンリョクリハビリテーションビョウイン",
         "municipality_code": "142051", "is_referring": false, "is_receiving": true, "is_cooperating": true}
    ]);
    std::fs::write(&file, good.to_string()).expect("write");
    let out = tenin(dir.path()).args(["--json", "hospitals", "upsert"]).arg(&file).assert().success();
    let rows = json(&out.get_output().stdout);
    assert_eq!((rows[0]["created"].as_bool(), rows[1]["created"].as_bool()), (Some(false), Some(true)));
    assert_eq!(rows[0]["hospital"]["name"], "桜総合病院（本院）");
    assert_eq!(rows[1]["hospital"]["jurisdiction_name"], "藤沢市保健所", "jurisdiction derived from the pack");
    assert_eq!(rows[1]["hospital"]["name_kana"], "しんりょくりはびりてーしょんびょういん");

    let bad = serde_json::json!([
        {"code": "1410110009", "name": "桜総合病院（改名）", "name_kana": "さくら", "municipality_code": "141011",
         "is_referring": true, "is_receiving": true},
        {"code": "1410110008", "name": "誤りコード病院", "name_kana": "あやまり", "municipality_code": "141011",
         "is_referring": true, "is_receiving": false}
    ]);
    std::fs::write(&file, bad.to_string()).expect("write");
    let refused = tenin(dir.path()).args(["--json", "hospitals", "upsert"]).arg(&file).assert().code(1);
    let report = json(&refused.get_output().stderr);
    assert_eq!(report["error"]["problems"][0]["field"], "[1].code", "the refusal names the record and field");
    let after = tenin(dir.path()).args(["--json", "hospitals", "show", "1410110009"]).assert().success();
    assert_eq!(json(&after.get_output().stdout)["name"], "桜総合病院（本院）", "the first record was not half-saved");
}

#[test]
fn capacity_partial_updates_and_the_directory_sheet_from_the_command_line() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let file = dir.path().join("capacity.json");
    let reports = serde_json::json!([
        {"bed_type": "general", "available": 4, "baseline": 50, "reported_by": "田中"},
        {"bed_type": "long_term", "available": 1}
    ]);
    std::fs::write(&file, reports.to_string()).expect("write");
    let out = tenin(dir.path()).args(["--json", "hospitals", "capacity", "1410110009"]).arg(&file).assert().success();
    let hospital = json(&out.get_output().stdout);
    let general = hospital["capacity"].as_array().expect("capacity").iter().find(|c| c["bed_type"] == "general");
    assert_eq!(general.expect("general")["available"], 4);
    assert_eq!(general.expect("general")["stale"], false);

    std::fs::write(&file, r#"{"bed_type": "general", "available": -3}"#).expect("write");
    let refused = tenin(dir.path()).args(["--json", "hospitals", "capacity", "1410110009"]).arg(&file).assert().code(1);
    assert_eq!(json(&refused.get_output().stderr)["error"]["problems"][0]["field"], "[0].available");

    // A file with only a code and contacts changes the contacts and nothing else.
    let patch = dir.path().join("patch.json");
    std::fs::write(
        &patch,
        r#"{"code": "1410110009", "contacts": [{"department": "連携室", "phone": "０４５-９９９-００００"}]}"#,
    )
    .expect("write");
    let out = tenin(dir.path()).args(["--json", "hospitals", "upsert"]).arg(&patch).assert().success();
    let updated = &json(&out.get_output().stdout)[0]["hospital"];
    assert_eq!(updated["name"], "桜総合病院", "left-out fields keep their values");
    assert_eq!(updated["contacts"][0]["phone"], "０４５-９９９-００００");
    assert_eq!(updated["contacts"][0]["phone_digits"], "0459990000");
    std::fs::write(&patch, r#"{"code": "1410110009", "requirements": {"negative_pcr": 2}}"#).expect("write");
    let refused = tenin(dir.path()).args(["--json", "hospitals", "upsert"]).arg(&patch).assert().code(1);
    assert_eq!(json(&refused.get_output().stderr)["error"]["problems"][0]["field"], "[0].requirements.negative_pcr");

    let sheet = dir.path().join("sheet.csv");
    tenin(dir.path())
        .args(["hospitals", "sheet", "--format", "csv", "--encoding", "cp932", "--out"])
        .arg(&sheet)
        .assert()
        .success();
    let bytes = std::fs::read(&sheet).expect("sheet written");
    let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!errors && text.contains("桜総合病院") && text.contains("TEL ０４５-９９９-００００"));
    let flagged = tenin(dir.path()).args(["--json", "hospitals", "list", "--beyond-criteria"]).assert().success();
    let flagged = json(&flagged.get_output().stdout);
    assert!(flagged.as_array().is_some_and(|list| !list.is_empty()));
}

#[test]
fn match_one_request_by_reference_number_and_the_batch() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let list = tenin(dir.path()).args(["--json", "requests", "list"]).assert().success();
    let list = json(&list.get_output().stdout);
    let coordinating: Vec<&serde_json::Value> =
        list.as_array().expect("array").iter().filter(|r| r["status"] == "coordinating").collect();
    let reports: Vec<serde_json::Value> = coordinating
        .iter()
        .map(|r| {
            let id = r["id"].as_str().expect("id");
            json(&tenin(dir.path()).args(["--json", "match", id]).assert().success().get_output().stdout)
        })
        .collect();
    let matchable = reports.iter().find(|r| r["blockers"].as_array().is_some_and(Vec::is_empty)).expect("one");
    let candidates = matchable["candidates"].as_array().expect("candidates");
    let excluded = matchable["excluded"].as_array().expect("excluded");
    assert_eq!(candidates.len() + excluded.len(), 60, "every hospital is judged");
    assert!(candidates[0]["parts"].as_array().is_some_and(|p| p.len() == 6), "score parts: {}", candidates[0]);
    assert!(excluded.iter().all(|x| x["reasons"].as_array().is_some_and(|r| !r.is_empty())));

    // The reference number said on the phone works like the id, and the text names the reasons.
    let ref_no = matchable["ref_no"].as_str().expect("ref no");
    let text = tenin(dir.path()).args(["match", ref_no, "--excluded"]).assert().success();
    let text = String::from_utf8(text.get_output().stdout.clone()).expect("utf-8");
    assert!(text.contains(&format!("候補 {} 件", candidates.len())), "{text}");
    assert!(text.contains("受入医療機関ではない"), "exclusions in Japanese: {text}");
    // Without --all the text lists the best 20 (as the app shows the first few), and says how many more.
    let ranked = |args: &[&str]| {
        let out = tenin(dir.path()).args(args).assert().success();
        let text = String::from_utf8(out.get_output().stdout.clone()).expect("utf-8");
        let lines = text
            .lines()
            .filter(|l| l.trim_start().split_once(". ").is_some_and(|(n, _)| n.parse::<u32>().is_ok()))
            .count();
        (lines, text)
    };
    let (first, text) = ranked(&["match", ref_no]);
    assert!(candidates.len() > 20, "the demo has more than 20 candidates: {}", candidates.len());
    assert_eq!(first, 20, "{text}");
    assert!(text.contains(&format!("ほか {} 件の候補は --all で表示", candidates.len() - 20)), "{text}");
    assert!(text.contains(&format!("候補 {} 件", candidates.len())), "the header counts them all: {text}");
    let (every, _) = ranked(&["match", ref_no, "--all"]);
    assert_eq!(every, candidates.len());

    let blocked = reports.iter().find(|r| r["blockers"].as_array().is_some_and(|b| !b.is_empty())).expect("one");
    let ref_no = blocked["ref_no"].as_str().expect("ref no");
    let text = tenin(dir.path()).args(["match", ref_no]).assert().success();
    let text = String::from_utf8(text.get_output().stdout.clone()).expect("utf-8");
    assert!(text.contains("まだマッチングできません"), "{text}");

    let batch = tenin(dir.path()).args(["--json", "match", "--batch"]).assert().success();
    let batch = json(&batch.get_output().stdout);
    let rows = batch["rows"].as_array().expect("rows");
    assert!(rows.iter().any(|r| r["suggestion"]["kind"] == "placed"), "{batch}");
    assert!(!batch["blocked"].as_array().expect("blocked").is_empty());

    let neither = tenin(dir.path()).args(["match"]).assert().code(2);
    assert!(String::from_utf8_lossy(&neither.get_output().stderr).contains("--batch"));
}

#[test]
fn transport_from_the_command_line_proposal_booking_and_sheet() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let list = json(&tenin(dir.path()).args(["--json", "requests", "list"]).assert().success().get_output().stdout);
    let placed = list.as_array().expect("array").iter().find(|r| r["status"] == "placed").expect("a placed request");
    let id = placed["id"].as_str().expect("id");
    let proposal =
        json(&tenin(dir.path()).args(["--json", "transport", "propose", id]).assert().success().get_output().stdout);
    let fit = proposal["providers"].as_array().expect("providers").iter().find(|f| f["suitable"] == true).expect("one");
    let booking = serde_json::json!({
        "request_id": id,
        "provider_id": fit["provider"]["id"],
        "vehicle_type": proposal["vehicle_type"],
        "pickup_at": tenin_core::ids::to_rfc3339(chrono::Utc::now() + chrono::Duration::hours(3)),
        "oxygen_l_per_min": proposal["oxygen_l_per_min"].as_f64().map(|f| f.to_string()).unwrap_or_default(),
    });
    let file = dir.path().join("booking.json");
    std::fs::write(&file, booking.to_string()).expect("write");
    let booked =
        tenin(dir.path()).args(["--json", "transport", "book"]).arg(&file).arg("--accept-warnings").assert().success();
    let detail = json(&booked.get_output().stdout);
    assert_eq!(detail["summary"]["status"], "arranging_transport");
    let booking_id = detail["bookings"][0]["id"].as_str().expect("booking id");
    let sheet = dir.path().join("搬送依頼書.html");
    tenin(dir.path()).args(["transport", "sheet", booking_id, "--out"]).arg(&sheet).assert().success();
    assert!(std::fs::read_to_string(&sheet).expect("sheet").contains("搬送依頼書"));
    let version = detail["bookings"][0]["version"].as_u64().expect("version").to_string();
    tenin(dir.path()).args(["transport", "move", booking_id, "confirmed", "--version", &version]).assert().success();
    let stale = tenin(dir.path())
        .args(["--json", "transport", "move", booking_id, "done", "--version", &version])
        .assert()
        .code(1);
    assert_eq!(json(&stale.get_output().stderr)["error"]["code"], "stale_version");
    let providers = tenin(dir.path()).args(["transport", "providers"]).assert().success();
    assert!(String::from_utf8_lossy(&providers.get_output().stdout).contains("かもめ民間救急サービス"));
}

#[test]
fn the_monthly_report_as_csv_xlsx_and_json() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let json_out = tenin(dir.path())
        .args([
            "--json",
            "report",
            "monthly",
            "--from",
            "R1.5",
            "--to",
            &month,
            "--by",
            "residence",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let report = json(&json_out.get_output().stdout);
    assert_eq!(report["rows"][0]["label"], "R1.5", "months labelled in 和暦");
    assert!(report["total"].as_u64().is_some_and(|n| n >= 9), "the demo's placements: {}", report["total"]);
    let csv = tenin(dir.path())
        .args(["report", "monthly", "--from", &month, "--to", &month, "--encoding", "cp932"])
        .assert()
        .success();
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&csv.get_output().stdout);
    assert!(!bad && text.starts_with("月,横浜市"), "{text}");
    let xlsx = dir.path().join("monthly.xlsx");
    tenin(dir.path())
        .args(["report", "monthly", "--from", &month, "--to", &month, "--format", "xlsx", "--out"])
        .arg(&xlsx)
        .assert()
        .success();
    assert_eq!(&std::fs::read(&xlsx).expect("xlsx")[..2], b"PK");
    let refused = tenin(dir.path())
        .args(["--json", "report", "monthly", "--from", "2026-12", "--to", "2026-01"])
        .assert()
        .code(1);
    assert!(String::from_utf8_lossy(&refused.get_output().stderr).contains("validation"));
}

/// The number of pages of a PDF, from poppler's `pdfinfo`.
fn pdf_pages(path: &std::path::Path) -> usize {
    let info = std::process::Command::new("pdfinfo").arg(path).output().expect("pdfinfo (poppler-utils) runs");
    let text = String::from_utf8_lossy(&info.stdout).into_owned();
    let line = text.lines().find(|l| l.starts_with("Pages:")).unwrap_or_else(|| panic!("pdfinfo: {text}"));
    line.trim_start_matches("Pages:").trim().parse().expect("a page count")
}

#[test]
fn a_busy_daily_log_as_pdf_has_the_pages_the_core_laid_out() {
    let dir = new_desk();
    let expected_pages = {
        let mut desk = tenin_core::Desk::open(dir.path()).expect("desk");
        desk.sign_in(ADMIN, ADMIN_PASSWORD).expect("sign in");
        desk.load_demo().expect("demo");
        let referrer = desk
            .hospitals(&tenin_core::hospital::HospitalFilter::default())
            .expect("hospitals")
            .into_iter()
            .find(|h| h.is_referring)
            .expect("referrer");
        for n in 0..42 {
            let input = tenin_core::request::NewRequestInput {
                referring_hospital_id: referrer.id.clone(),
                patient_initials: format!("P.{}.", (b'A' + (n % 26) as u8) as char),
                patient_age: "80".into(),
                patient_sex: Some(tenin_core::request::PatientSex::Female),
                ..Default::default()
            };
            desk.create_request(&input, true).expect("created");
        }
        let log = desk.daily_log(&desk.today().expect("today").to_string()).expect("log");
        tenin_core::reports::daily_log::pages(&log).len()
    };
    assert!(expected_pages >= 5, "{expected_pages}");
    let pdf = dir.path().join("日報.pdf");
    tenin(dir.path()).args(["report", "daily", "--format", "pdf", "--out"]).arg(&pdf).assert().success();
    assert_eq!(pdf_pages(&pdf), expected_pages, "the printed pages are the core's pages, rows never split");
    // Kept for a person to look at (tests/e2e/artifacts is where screenshots go).
    let artifacts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/e2e/artifacts");
    if std::fs::create_dir_all(&artifacts).is_ok() {
        let _ = std::fs::copy(&pdf, artifacts.join("daily-log.pdf"));
    }
    let html = tenin(dir.path()).args(["report", "daily", "--date", "R2.1.15"]).assert().success();
    let html = String::from_utf8_lossy(&html.get_output().stdout).into_owned();
    assert!(html.contains("令和2年1月15日") && html.contains("1 / 1 頁"));
}

#[test]
fn the_meeting_tables_as_json_csv_and_one_workbook() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let next = (chrono::Utc::now() + chrono::Duration::days(31)).format("%Y-%m").to_string();
    let out =
        tenin(dir.path()).args(["--json", "report", "tables", "--from", "R8.1", "--to", &next]).assert().success();
    let tables = json(&out.get_output().stdout);
    assert_eq!(tables.as_array().map(Vec::len), Some(6));
    let csv = tenin(dir.path())
        .args(["report", "tables", "--from", "R8.1", "--to", &next, "--format", "csv", "--table", "time_to_placement"])
        .assert()
        .success();
    let text = String::from_utf8_lossy(&csv.get_output().stdout).into_owned();
    assert!(text.trim_start_matches('\u{feff}').starts_with("時間,件数,割合"), "{text}");
    let book = dir.path().join("会議資料.xlsx");
    tenin(dir.path())
        .args([
            "report",
            "tables",
            "--from",
            "R8.1",
            "--to",
            &next,
            "--format",
            "xlsx",
            "--hours-per-case",
            "20",
            "--out",
        ])
        .arg(&book)
        .assert()
        .success();
    assert_eq!(&std::fs::read(&book).expect("workbook")[..2], b"PK");
    tenin(dir.path()).args(["report", "tables", "--from", "R8.1", "--to", &next, "--format", "csv"]).assert().code(2);
}

#[test]
fn audit_verify_passes_and_then_finds_a_tampered_entry() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let ok = tenin(dir.path()).args(["audit", "verify"]).assert().success();
    let listed =
        tenin(dir.path()).args(["--json", "audit", "list", "--entity", "hospital", "--limit", "5"]).assert().success();
    let rows = json(&listed.get_output().stdout);
    assert_eq!(rows.as_array().map(Vec::len), Some(5));
    assert!(rows.as_array().expect("rows").iter().all(|r| r["entity"] == "hospital"));
    assert!(String::from_utf8_lossy(&ok.get_output().stdout).contains("保たれています"));
    let conn = rusqlite::Connection::open(dir.path().join(tenin_core::desk::DATABASE_FILE)).expect("open");
    conn.execute("UPDATE audit_log SET entity_id = 'someone-else' WHERE seq = 5", []).expect("tamper");
    let broken = tenin(dir.path()).args(["--json", "audit", "verify"]).assert().code(1);
    let report = json(&broken.get_output().stdout);
    assert_eq!(report["broken_at"]["seq"], 5);
}

#[test]
fn backup_and_restore_from_the_command_line() {
    let dir = new_desk();
    let backups = dir.path().join("backups-here");
    tenin(dir.path()).arg("demo").assert().success();
    let out = tenin(dir.path())
        .args(["--json", "backup", "--keep", "3", "--every-hours", "0", "--dir"])
        .arg(&backups)
        .assert()
        .success();
    let done = json(&out.get_output().stdout);
    let file = done["path"].as_str().expect("path").to_owned();
    let before = json(&tenin(dir.path()).args(["--json", "requests", "list"]).assert().success().get_output().stdout);
    let id = before[0]["id"].as_str().expect("id");
    tenin(dir.path()).args(["requests", "transition", id, "withdrawn", "--note", "テスト"]).assert().success();
    let changed = json(&tenin(dir.path()).args(["--json", "requests", "list"]).assert().success().get_output().stdout);
    assert_ne!(changed, before, "a change after the backup");
    tenin(dir.path()).args(["restore", &file]).assert().success();
    let after = json(&tenin(dir.path()).args(["--json", "requests", "list"]).assert().success().get_output().stdout);
    assert_eq!(after, before, "the data as it was at the backup");
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, "junk").expect("write");
    let refused = tenin(dir.path()).args(["restore"]).arg(&junk).assert().code(1);
    assert!(String::from_utf8_lossy(&refused.get_output().stderr).contains("バックアップとして使えません"));
}

#[test]
fn users_roles_and_sign_in_from_the_command_line() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    tenin(dir.path())
        .args(["users", "add", "sato", "--name", "佐藤 看護師", "--role", "nurse"])
        .env("TENIN_NEW_PASSWORD", "sato-password-1")
        .assert()
        .success();
    let listed = json(&tenin(dir.path()).args(["--json", "users", "list"]).assert().success().get_output().stdout);
    let logins: Vec<_> = listed.as_array().expect("users").iter().map(|u| u["login"].as_str().unwrap_or("")).collect();
    assert_eq!(logins, ["admin", "sato"], "the desk's own account is not listed");

    let as_nurse = |args: &[&str]| {
        let mut cmd = tenin(dir.path());
        cmd.env("TENIN_USER", "sato").env("TENIN_PASSWORD", "sato-password-1").args(args);
        cmd
    };
    as_nurse(&["--json", "requests", "list"]).assert().success();
    let refused = as_nurse(&["--json", "users", "list"]).assert().code(1);
    assert_eq!(json(&refused.get_output().stderr)["error"]["code"], "forbidden");
    let refused = as_nurse(&["--json", "restore", "whatever.db"]).assert().code(1);
    assert_eq!(json(&refused.get_output().stderr)["error"]["code"], "forbidden");

    let wrong = tenin(dir.path()).env("TENIN_PASSWORD", "nope-nope-1").args(["--json", "status"]).assert().code(1);
    assert_eq!(json(&wrong.get_output().stderr)["error"]["code"], "sign_in_failed");
    let nobody = tenin(dir.path()).env_remove("TENIN_USER").args(["status"]).assert().code(2);
    assert!(String::from_utf8_lossy(&nobody.get_output().stderr).contains("サインインが必要です"));

    tenin(dir.path()).args(["users", "update", "sato", "--active", "false"]).assert().success();
    as_nurse(&["status"]).assert().code(1);
    tenin(dir.path()).args(["users", "idle-lock", "30"]).assert().success();
    tenin(dir.path()).args(["users", "idle-lock", "0"]).assert().code(1);
}

/// A backup onto a disk that fills up part-way: a real, small tmpfs mounted in a private mount
/// namespace (`unshare`), holding an earlier backup. The backup fails with a clear message, leaves
/// no partial file, keeps the earlier backup, and the desk's own database is untouched.
#[test]
fn a_backup_onto_a_disk_that_fills_up_fails_cleanly_and_loses_nothing() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let earlier = dir.path().join("earlier");
    let out =
        tenin(dir.path()).args(["--json", "backup", "--every-hours", "0", "--dir"]).arg(&earlier).assert().success();
    let earlier_file = std::path::PathBuf::from(json(&out.get_output().stdout)["path"].as_str().expect("path"));
    let size = std::fs::metadata(&earlier_file).expect("backup size").len();
    let before = json(&tenin(dir.path()).args(["--json", "requests", "list"]).assert().success().get_output().stdout);

    // Room for the earlier backup and half of another: the new one runs out of space.
    let small_disk = dir.path().join("small-disk");
    std::fs::create_dir(&small_disk).expect("mount point");
    let script = r#"mount -t tmpfs -o size="$1" tmpfs "$2" || exit 90
cp "$3" "$2/" || exit 91
TENIN_DATA_DIR= "$4" --data-dir "$5" backup --dir "$2"
echo "exit=$?"
ls -a "$2""#;
    let run = std::process::Command::new("unshare")
        .args(["-rm", "sh", "-c", script, "sh"])
        .arg((size + size / 2).to_string())
        .arg(&small_disk)
        .arg(&earlier_file)
        .arg(assert_cmd::cargo::cargo_bin("tenin"))
        .arg(dir.path())
        .env("TENIN_USER", ADMIN)
        .env("TENIN_PASSWORD", ADMIN_PASSWORD)
        .output()
        .expect("unshare runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "mounting the small disk: {stdout} {stderr}");
    assert!(stdout.contains("exit=1"), "the backup fails: {stdout} {stderr}");
    assert!(stderr.contains("空き容量が足りません"), "a clear message: {stderr}");
    let earlier_name = earlier_file.file_name().expect("name").to_string_lossy().into_owned();
    let left: Vec<&str> = stdout.lines().filter(|l| l.starts_with("tenin-")).collect();
    assert_eq!(left, [earlier_name.as_str()], "the earlier backup kept, no partial file: {stdout}");

    let status = json(&tenin(dir.path()).args(["--json", "status"]).assert().success().get_output().stdout);
    assert_eq!(status["integrity"], "ok");
    let after = json(&tenin(dir.path()).args(["--json", "requests", "list"]).assert().success().get_output().stdout);
    assert_eq!(after, before, "the desk's data is untouched");
}

#[test]
fn an_encrypted_desk_from_the_command_line() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let before = json(&tenin(dir.path()).args(["--json", "requests", "list"]).assert().success().get_output().stdout);
    tenin(dir.path()).arg("encrypt").env("TENIN_NEW_PASSPHRASE", "相模原の桜-2026").assert().success();
    let bytes = std::fs::read(dir.path().join("tenin.db")).expect("read");
    assert!(!bytes.starts_with(b"SQLite format 3"), "encrypted on disk");

    let wrong =
        tenin(dir.path()).env("TENIN_PASSPHRASE", "違う合言葉-0000").args(["--json", "status"]).assert().code(2);
    assert_eq!(json(&wrong.get_output().stderr)["open_error"]["kind"], "wrong_passphrase");
    assert!(String::from_utf8_lossy(&wrong.get_output().stderr).lines().count() == 1, "no library noise on stderr");
    let mut after = tenin(dir.path());
    after.env("TENIN_PASSPHRASE", "相模原の桜-2026").args(["--json", "requests", "list"]);
    assert_eq!(json(&after.assert().success().get_output().stdout), before, "the same data");
}

#[test]
fn the_work_reports_transport_health_centre_and_quality() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let (from, to) = ("R8.1.1", "2030-12-31");

    let out = tenin(dir.path())
        .args(["report", "transport", "--from", from, "--to", to, "--format", "json"])
        .assert()
        .success();
    let report = json(&out.get_output().stdout);
    assert_eq!(report["tables"][0]["id"], "transport_funding");
    let totals = report["tables"][0]["totals"].as_array().expect("totals");
    let trips = report["tables"][1]["rows"].as_array().expect("trips").len();
    assert_eq!(
        totals[2].as_str().map(|n| n.parse::<usize>().expect("n")),
        Some(trips),
        "the totals count the trips listed"
    );
    let book = dir.path().join("公費搬送.xlsx");
    tenin(dir.path())
        .args(["report", "transport", "--from", from, "--to", to, "--format", "xlsx", "--out"])
        .arg(&book)
        .assert()
        .success();
    assert!(std::fs::read(&book).expect("workbook").starts_with(b"PK"));

    // The health centre's page names no patient: none of the desk's initials is on it.
    let requests = tenin(dir.path()).args(["--json", "requests", "list", "--all"]).assert().success();
    let initials: Vec<String> = json(&requests.get_output().stdout)
        .as_array()
        .expect("requests")
        .iter()
        .map(|r| r["patient_initials"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(!initials.is_empty());
    let health_centre = |more: &[&str]| {
        let mut args = vec!["report", "health-centre", "--jurisdiction", "yokohama", "--from", from, "--to", to];
        args.extend_from_slice(more);
        tenin(dir.path()).args(args).assert()
    };
    let html = health_centre(&[]).success();
    let html = String::from_utf8_lossy(&html.get_output().stdout).into_owned();
    assert!(html.contains("横浜市保健所") && html.contains("依頼の一覧"));
    for i in &initials {
        assert!(!html.contains(i.as_str()), "initials {i} on the health centre's page");
    }
    let pdf = dir.path().join("保健所.pdf");
    health_centre(&["--format", "pdf", "--out", pdf.to_str().expect("a path")]).success();
    assert!(pdf_pages(&pdf) >= 1);
    let csv = health_centre(&["--format", "csv", "--encoding", "cp932"]).success();
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&csv.get_output().stdout);
    assert!(!bad && text.contains("横浜市保健所　集計"));
    let unknown = tenin(dir.path()).args(["report", "health-centre", "--jurisdiction", "atlantis"]).assert().failure();
    let said = String::from_utf8_lossy(&unknown.get_output().stderr).into_owned();
    assert!(said.contains("yokohama 横浜市保健所"), "an unknown jurisdiction is refused with the list: {said}");

    let hospitals = tenin(dir.path()).args(["--json", "hospitals", "list"]).assert().success();
    let code = json(&hospitals.get_output().stdout)
        .as_array()
        .expect("hospitals")
        .iter()
        .find(|h| h["is_referring"] == true)
        .and_then(|h| h["code"].as_str().map(str::to_owned))
        .expect("a referring hospital");
    let page = tenin(dir.path())
        .args(["report", "quality", "--hospital", &code, "--from", from, "--to", to])
        .assert()
        .success();
    let page = String::from_utf8_lossy(&page.get_output().stdout).into_owned();
    assert!(page.contains("依頼の入力品質について") && page.contains("平均品質点"));
}

#[test]
fn transfers_outside_the_desk_are_recorded_and_the_share_reported() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let hospitals = tenin(dir.path()).args(["--json", "hospitals", "list"]).assert().success();
    let code = json(&hospitals.get_output().stdout)
        .as_array()
        .expect("hospitals")
        .iter()
        .find(|h| h["is_referring"] == true)
        .and_then(|h| h["code"].as_str().map(str::to_owned))
        .expect("a referring hospital");
    let share = |dir: &std::path::Path| {
        let out = tenin(dir).args(["report", "share", "--from", "R8.1.1", "--format", "json"]).assert().success();
        let report = json(&out.get_output().stdout);
        let totals = report["tables"][0]["totals"].as_array().expect("totals").clone();
        totals[3].as_str().expect("outside").parse::<u32>().expect("n")
    };
    let before = share(dir.path());
    let today = chrono::Utc::now().with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).expect("JST"));
    tenin(dir.path())
        .args(["outside", "add", "--date", &today.format("%Y-%m-%d").to_string(), "--referrer", &code, "--count", "2"])
        .assert()
        .success();
    assert_eq!(share(dir.path()), before + 2, "two more transfers outside the desk");
    let listed =
        tenin(dir.path()).args(["outside", "list", "--from", "R8.1.1", "--to", "2030-12-31"]).assert().success();
    assert!(String::from_utf8_lossy(&listed.get_output().stdout).contains("2 件"));
    tenin(dir.path()).args(["outside", "add", "--date", "2099-01-01", "--referrer", &code]).assert().failure();
}

#[test]
fn a_newer_region_pack_is_previewed_and_applied_once() {
    let dir = new_desk();
    let mut pack: serde_json::Value =
        serde_json::from_str(tenin_core::bundled::DEFAULT_REGION_PACK_JSON).expect("the bundled pack");
    pack["version"] = "2099.1".into();
    pack["decline_reasons"].as_array_mut().expect("reasons").push(serde_json::json!({ "id": "heat", "name": "猛暑" }));
    let file = dir.path().join("pack-2099.json");
    std::fs::write(&file, pack.to_string()).expect("written");
    let preview = tenin(dir.path()).args(["region-pack", "preview"]).arg(&file).assert().success();
    let text = String::from_utf8_lossy(&preview.get_output().stdout).into_owned();
    assert!(text.contains("追加\tお断り理由\theat\t猛暑"), "{text}");
    tenin(dir.path()).args(["region-pack", "apply"]).arg(&file).assert().success();
    let again = tenin(dir.path()).args(["region-pack", "apply"]).arg(&file).assert().failure();
    assert!(String::from_utf8_lossy(&again.get_output().stderr).contains("すでに読み込まれています"));
}

#[test]
fn the_post_covid_network_from_the_command_line() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let hospitals = tenin(dir.path()).args(["--json", "hospitals", "list"]).assert().success();
    let list = json(&hospitals.get_output().stdout);
    let codes: Vec<String> = list
        .as_array()
        .expect("hospitals")
        .iter()
        .take(2)
        .map(|h| h["code"].as_str().expect("code").to_owned())
        .collect();
    tenin(dir.path())
        .args(["post-covid", "set", &codes[0], "--tier", "primary", "--conditions", "倦怠感", "--publish"])
        .assert()
        .success();
    tenin(dir.path())
        .args(["post-covid", "set", &codes[1], "--tier", "secondary", "--referral-needed"])
        .assert()
        .success();
    tenin(dir.path()).args(["post-covid", "set", &codes[1], "--tier", "tertiary"]).assert().failure();
    let counts = tenin(dir.path()).args(["--json", "post-covid", "counts", "--from", "R8.1.1"]).assert().success();
    let counts = json(&counts.get_output().stdout);
    let last = counts.as_array().and_then(|c| c.last()).expect("a month");
    assert_eq!(
        (last["primary"].as_u64(), last["primary_published"].as_u64(), last["secondary"].as_u64()),
        (Some(1), Some(1), Some(1))
    );
    let page = tenin(dir.path()).args(["post-covid", "published"]).assert().success();
    assert!(String::from_utf8_lossy(&page.get_output().stdout).contains("倦怠感"));
    let survey = dir.path().join("survey.csv");
    tenin(dir.path()).args(["post-covid", "survey", "--out"]).arg(&survey).assert().success();
    let bytes = std::fs::read(&survey).expect("survey");
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!bad && text.starts_with("医療機関コード,医療機関名"));
    tenin(dir.path()).args(["post-covid", "import-survey"]).arg(&survey).assert().success();
}
