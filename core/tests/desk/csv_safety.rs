//! Every CSV the desk writes is safe to open in Excel: a cell a hospital, a user or a region pack
//! wrote that Excel would run as a formula comes out as text; the desk's own numbers stay numbers.

use tenin_core::Desk;
use tenin_core::csv_file::CsvEncoding;
use tenin_core::desk::{NewUserInput, TemplateFormat};
use tenin_core::hospital::HospitalFilter;
use tenin_core::region_pack::RegionPack;
use tenin_core::reports::JurisdictionBasis;
use tenin_core::reports::tables::StaffHoursBaseline;
use tenin_store::audit::AuditFilter;

use crate::{demo_desk, valid_input};

const LINK: &str = "=HYPERLINK(\"http://example.invalid\",\"開く\")";
const COMMAND: &str = "+cmd|' /C calc'!A0";
const SUM: &str = "@SUM(1+1)*cmd";
const MINUS: &str = "-2+3+cmd|' /C calc'!A0";

/// Every cell of a CSV (UTF-8 with BOM or CP932), parsed as Excel would split it.
fn cells(bytes: &[u8]) -> Vec<String> {
    let text = match std::str::from_utf8(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes)) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::SHIFT_JIS.decode(bytes).0.into_owned(),
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    reader
        .records()
        .flat_map(|r| r.expect("the desk writes valid CSV").iter().map(str::to_owned).collect::<Vec<_>>())
        .collect()
}

/// No cell starts as a formula unless it is a plain number; returns the cells for further checks.
fn assert_safe(what: &str, bytes: &[u8]) -> Vec<String> {
    let cells = cells(bytes);
    for cell in &cells {
        let starts_like_formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
        let number = cell
            .trim_start_matches(['+', '-'])
            .trim_end_matches('%')
            .replace('.', "")
            .bytes()
            .all(|b| b.is_ascii_digit());
        assert!(!starts_like_formula || number, "{what}: a cell Excel would run: {cell:?}");
    }
    cells
}

/// A demo desk whose first referring hospital and one user carry formula-shaped text.
fn hostile_desk() -> (tempfile::TempDir, Desk, String) {
    let (dir, mut desk) = demo_desk();
    let referrer = valid_input(&desk).referring_hospital_id;
    let mut hospital = desk.hospital_input(&referrer).expect("input");
    hospital.name = LINK.into();
    hospital.address = COMMAND.into();
    if let Some(contact) = hospital.contacts.first_mut() {
        contact.person = SUM.into();
    }
    desk.update_hospital(&referrer, &hospital).expect("a name is free text");
    desk.add_user(&NewUserInput {
        login: "minus".into(),
        display_name: MINUS.into(),
        role: Some(tenin_core::access::Role::Nurse),
        password: "a-long-enough-password".into(),
    })
    .expect("user");
    (dir, desk, referrer)
}

#[test]
fn the_directory_sheet_keeps_formulas_as_text() {
    let (_dir, desk, _) = hostile_desk();
    for encoding in [CsvEncoding::Utf8Bom, CsvEncoding::Cp932] {
        let file = desk.directory_sheet_csv(encoding).expect("sheet");
        let cells = assert_safe("directory sheet", &file.bytes);
        assert!(cells.contains(&format!("'{LINK}")), "the name is there, as text");
        assert!(cells.contains(&format!("'{COMMAND}")), "the address is there, as text");
    }
}

#[test]
fn the_template_for_a_hospital_keeps_its_name_as_text() {
    let (dir, desk, referrer) = hostile_desk();
    let out = dir.path().join("templates");
    let saved = desk.save_template(&referrer, TemplateFormat::CsvUtf8, Some(&out)).expect("template");
    let cells = assert_safe("template", &std::fs::read(&saved.path).expect("file"));
    assert!(cells.contains(&format!("'{LINK}")), "{cells:?}");
}

#[test]
fn the_audit_csv_keeps_names_and_values_as_text() {
    let (_dir, mut desk, _) = hostile_desk();
    // The user with the formula-shaped name does something, so their name is an audit row's 利用者.
    desk.sign_in("minus", "a-long-enough-password").expect("nurse signs in");
    desk.create_request(&valid_input(&desk), true).expect("request");
    crate::sign_in_admin(&mut desk);
    let file = desk.audit_csv(&AuditFilter::default(), CsvEncoding::Utf8Bom).expect("audit csv");
    let cells = assert_safe("audit", &file.bytes);
    assert!(cells.contains(&format!("'{MINUS}")), "the user's name is there, as text");
    assert!(cells.iter().any(|c| c.contains("HYPERLINK")), "the hospital's change is in the audit");
}

#[test]
fn report_tables_keep_hospital_names_as_text_and_numbers_as_numbers() {
    let (_dir, desk, _) = hostile_desk();
    let today = desk.today().expect("today");
    let from = (today - chrono::Duration::days(400)).format("%Y-%m").to_string();
    let to = today.format("%Y-%m").to_string();
    let tables = desk.report_tables(&from, &to, StaffHoursBaseline::default()).expect("tables");
    let mut seen_name = false;
    for table in &tables {
        let file = tenin_core::reports::export::table_csv(table, CsvEncoding::Utf8Bom).expect("csv");
        let cells = assert_safe(&table.title, &file.bytes);
        seen_name |= cells.contains(&format!("'{LINK}"));
        assert!(cells.iter().any(|c| c.parse::<f64>().is_ok()), "{}: numbers stay numbers", table.title);
    }
    assert!(seen_name, "the referring hospital appears in the by-hospital table");
}

#[test]
fn the_monthly_table_keeps_a_region_packs_names_as_text() {
    let mut json: serde_json::Value =
        serde_json::from_str(include_str!("../fixtures/fictional-pack.json")).expect("fixture");
    for group in json["report_groups"].as_array_mut().expect("report groups") {
        let name = group["name"].as_str().expect("name").to_owned();
        group["name"] = serde_json::Value::String(format!("@{name}"));
    }
    let pack = RegionPack::from_json(&json.to_string()).expect("still a valid pack");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut desk =
        Desk::create(dir.path(), &tenin_core::desk::NewDesk { pack: Some(pack), passphrase: None }).expect("open").0;
    crate::sign_in_admin(&mut desk);
    let report = desk.monthly_report("2026-04", "2026-11", JurisdictionBasis::Residence).expect("report");
    for encoding in [CsvEncoding::Utf8Bom, CsvEncoding::Cp932] {
        let file = desk.monthly_report_csv(&report, encoding).expect("csv");
        let cells = assert_safe("monthly", &file.bytes);
        assert!(cells.iter().any(|c| c.starts_with("'@")), "the group names are there, as text: {cells:?}");
        assert!(cells.contains(&"0".to_owned()), "counts are plain numbers");
    }
    assert!(desk.hospitals(&HospitalFilter::default()).expect("list").is_empty());
}
