//! The hospital directory: contacts, capacity with history and staleness, requirements with the
//! own-rule flag, filters, the directory sheet, and bad input refused by field with nothing saved.

use tenin_core::capacity::CapacityReportInput;
use tenin_core::contact::ContactInput;
use tenin_core::csv_file::CsvEncoding;
use tenin_core::error::Problem;
use tenin_core::hospital::{HospitalFilter, HospitalRole, HospitalSummary, NewHospital};
use tenin_core::requirements::{AcceptanceRequirements, BeyondCriteria, Capability};
use tenin_core::{Desk, Error, ErrorCode};

use crate::{demo_desk, fresh_desk};

fn strict_hospital() -> NewHospital {
    NewHospital {
        code: "１４１０１１０００９".into(),
        name: "桜総合病院".into(),
        name_kana: "サクラソウゴウビョウイン".into(),
        municipality_code: "141011".into(),
        latitude: Some(35.5),
        longitude: Some(139.68),
        is_receiving: true,
        contacts: vec![
            ContactInput {
                department: "地域医療連携室".into(),
                person: "佐藤".into(),
                phone: "０４５（１２３）４５６７".into(),
                fax: "045-123-4568".into(),
                hours_weekday: "8:30〜17:00".into(),
                ..Default::default()
            },
            ContactInput { department: "夜間".into(), phone: "045-123-9999 内線 12".into(), ..Default::default() },
        ],
        requirements: AcceptanceRequirements {
            oxygen_max_l_per_min: Some(3.0),
            tracheostomy: true,
            covid_negative_tests_required: 2,
            covid_min_days_since_onset: Some(14),
            notes: "PCR陰性2回を確認".into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

fn fields(error: Error) -> Vec<(String, Problem)> {
    match error {
        Error::Validation(problems) => problems.into_iter().map(|p| (p.field, p.problem)).collect(),
        other => panic!("expected a validation error, got {other}"),
    }
}

fn report(bed_type: &str, available: i32, reported_at: &str) -> CapacityReportInput {
    CapacityReportInput {
        bed_type: bed_type.into(),
        available,
        baseline: Some(40),
        reported_at: reported_at.into(),
        reported_by: "佐藤".into(),
        ..Default::default()
    }
}

fn capacity_rows(desk: &Desk, id: &str) -> usize {
    desk.hospital_record(id).expect("record").capacity_history.len()
}

#[test]
fn a_hospital_keeps_its_contacts_as_written_and_its_requirements_flagged() {
    let (_dir, mut desk) = fresh_desk();
    let added = desk.add_hospital(&strict_hospital()).expect("added");
    assert_eq!(added.code, "1410110009");
    assert_eq!(added.contacts.len(), 2);
    assert_eq!(added.contacts[0].input.phone, "０４５（１２３）４５６７", "shown as entered");
    assert_eq!(added.contacts[0].phone_digits, "0451234567");
    assert_eq!(added.contacts[1].phone_digits, "0451239999", "the extension is not dialled");
    assert_eq!((added.latitude, added.longitude), (Some(35.5), Some(139.68)));
    assert_eq!(
        added.beyond_criteria,
        [BeyondCriteria::NegativeTests { count: 2 }, BeyondCriteria::DaysSinceOnset { days: 14 }]
    );
    assert_eq!(desk.hospital_input(&added.id).expect("input").contacts.len(), 2, "the edit form starts from them");

    let mut edited = strict_hospital();
    edited.contacts.truncate(1);
    edited.requirements.covid_negative_tests_required = 0;
    edited.requirements.covid_min_days_since_onset = None;
    let updated = desk.update_hospital(&added.id, &edited).expect("updated");
    assert_eq!(updated.contacts.len(), 1);
    assert!(updated.beyond_criteria.is_empty(), "the flag follows the requirements");
    let audit = desk.audit_of("hospital", &added.id).expect("audit");
    let last = audit.last().expect("an update row");
    let before = last.before_json.as_deref().expect("before");
    assert!(before.contains("\"covid_negative_tests_required\":2") && before.contains("内線"), "{before}");
}

#[test]
fn capacity_is_kept_as_history_and_the_latest_report_is_current() {
    let (_dir, mut desk) = fresh_desk();
    let id = desk.add_hospital(&strict_hospital()).expect("added").id;
    let now = chrono::Utc::now();
    let hours_ago = |h: i64| tenin_core::ids::to_rfc3339(now - chrono::Duration::hours(h));
    desk.report_capacity(&id, &[report("general", 2, &hours_ago(30)), report("community_care", 1, &hours_ago(2))])
        .expect("first reports");
    let record = desk.report_capacity(&id, &[report("general", 5, &hours_ago(1))]).expect("an update");
    let current = &record.hospital.capacity;
    assert_eq!(current.len(), 2, "one current figure per bed type");
    let general = current.iter().find(|c| c.bed_type == "general").expect("general");
    assert_eq!((general.available, general.stale, general.bed_type_name.as_str()), (5, false, "一般"));
    assert_eq!(record.capacity_history.len(), 3, "nothing overwritten");
    assert!(record.capacity_history.iter().any(|c| c.available == 2 && c.stale), "the 30-hour-old report is stale");

    // A report that arrives late (given earlier than the current one) joins the history only.
    let record = desk.report_capacity(&id, &[report("general", 0, &hours_ago(5))]).expect("late report");
    let general = record.hospital.capacity.iter().find(|c| c.bed_type == "general").expect("general");
    assert_eq!(general.available, 5);
    assert_eq!(record.capacity_history.len(), 4);

    // The stale age is the desk's to set, and it applies everywhere at once.
    desk.set_capacity_stale_after_hours(1).expect("set");
    let hospital = desk.hospital_by_code("1410110009").expect("hospital");
    assert!(hospital.capacity.iter().all(|c| c.stale), "2-hour-old and 1-hour-old reports are stale after 1 hour");
    assert_eq!(fields(desk.set_capacity_stale_after_hours(0).expect_err("refused"))[0].0, "capacity_stale_after_hours");
}

#[test]
fn bad_capacity_is_refused_by_report_and_field_and_nothing_is_saved() {
    let (_dir, mut desk) = fresh_desk();
    let id = desk.add_hospital(&strict_hospital()).expect("added").id;
    let future = tenin_core::ids::to_rfc3339(chrono::Utc::now() + chrono::Duration::hours(3));
    let refused = desk
        .report_capacity(&id, &[report("general", 3, ""), report("general", -2, ""), report("general", 1, &future)])
        .expect_err("refused");
    assert_eq!(
        fields(refused),
        [
            ("[1].available".to_owned(), Problem::OutOfRange { min: 0, max: 9999 }),
            ("[2].reported_at".to_owned(), Problem::InFuture),
        ]
    );
    let unknown = desk.report_capacity(&id, &[report("general", 3, ""), report("icu", 1, "")]).expect_err("refused");
    assert_eq!(fields(unknown), [("[1].bed_type".to_owned(), Problem::UnknownReference)]);
    assert_eq!(capacity_rows(&desk, &id), 0, "the good report in each batch was not saved either");
    let missing = desk.report_capacity("no-such-hospital", &[report("general", 3, "")]).expect_err("refused");
    assert_eq!(missing.code(), ErrorCode::NotFound);
}

#[test]
fn bad_hospital_input_is_refused_by_field_and_nothing_is_saved() {
    let (_dir, mut desk) = fresh_desk();
    let mut bad = strict_hospital();
    bad.contacts[1].phone = "123".into();
    bad.requirements.age_min = Some(90);
    bad.requirements.age_max = Some(20);
    bad.latitude = Some(135.0);
    assert_eq!(
        fields(desk.add_hospital(&bad).expect_err("refused")),
        [
            ("latitude".to_owned(), Problem::OutOfRange { min: -90, max: 90 }),
            ("contacts[1].phone".to_owned(), Problem::Invalid),
            ("requirements.age_max".to_owned(), Problem::Invalid),
        ]
    );
    assert_eq!(desk.status().expect("status").hospitals, 0);

    let first = desk.add_hospital(&strict_hospital()).expect("added");
    let mut other = strict_hospital();
    other.code = "1410110025".into();
    assert!(tenin_core::codes::is_valid_medical_institution_code(&other.code), "fixture code is valid");
    let second = desk.add_hospital(&other).expect("a second hospital");
    other.code = first.code.clone();
    let taken = desk.update_hospital(&second.id, &other).expect_err("code of another record");
    let Error::Validation(problems) = taken else { panic!("validation") };
    assert!(problems[0].message.contains("桜総合病院"), "names the record that has it: {}", problems[0].message);
}

#[test]
fn a_requirement_outside_the_vocabulary_is_refused_naming_the_record_and_field() {
    let (_dir, mut desk) = fresh_desk();
    let json = r#"[{"code": "1410110009", "name": "桜総合病院", "name_kana": "さくら", "municipality_code": "141011",
                    "is_referring": false, "is_receiving": true, "requirements": {"suctioning": "hourly"}}]"#;
    let refused = tenin_core::json_input::read_list::<NewHospital>(json).expect_err("refused");
    assert_eq!(fields(refused), [("[0].requirements.suctioning".to_owned(), Problem::UnknownReference)]);
    assert_eq!(desk.status().expect("status").hospitals, 0);
    let fixed = json.replace("hourly", "frequent");
    let list = tenin_core::json_input::read_list::<NewHospital>(&fixed).expect("reads");
    let saved = desk.upsert_hospitals(&list).expect("saved");
    assert!(saved[0].0.requirements.provides(Capability::FrequentSuctioning));
}

#[test]
fn the_directory_filters_by_jurisdiction_region_role_capability_and_free_beds() {
    let (_dir, desk) = demo_desk();
    let all = desk.hospitals(&HospitalFilter::default()).expect("all");
    let count = |filter: HospitalFilter| desk.hospitals(&filter).expect("filtered");
    let kawasaki = count(HospitalFilter { jurisdiction_id: Some("kawasaki".into()), ..Default::default() });
    assert!(!kawasaki.is_empty() && kawasaki.len() < all.len());
    assert!(kawasaki.iter().all(|h| h.jurisdiction_id == "kawasaki"));
    let region = all[0].region_id.clone().expect("demo hospitals have regions");
    let in_region = count(HospitalFilter { region_id: Some(region.clone()), ..Default::default() });
    assert!(in_region.iter().all(|h| h.region_id.as_ref() == Some(&region)) && !in_region.is_empty());
    let priority = count(HospitalFilter { role: Some(HospitalRole::Priority), ..Default::default() });
    assert_eq!(priority.len(), all.iter().filter(|h| h.is_priority).count());
    let oxygen = count(HospitalFilter { capability: Some(Capability::Oxygen), ..Default::default() });
    assert!(!oxygen.is_empty() && oxygen.iter().all(|h| h.requirements.oxygen_max_l_per_min.is_some()));
    let free = count(HospitalFilter { free_bed_type: Some("community_care".into()), ..Default::default() });
    assert!(!free.is_empty());
    assert!(free.iter().all(|h| h.capacity.iter().any(|c| c.bed_type == "community_care" && c.available > 0)));
    let flagged = count(HospitalFilter { beyond_criteria_only: true, ..Default::default() });
    assert!(!flagged.is_empty() && flagged.iter().all(|h| !h.beyond_criteria.is_empty()));
    let combined = count(HospitalFilter {
        query: "さくら".into(),
        role: Some(HospitalRole::Receiving),
        jurisdiction_id: Some("hadano".into()),
        ..Default::default()
    });
    assert_eq!(combined.iter().map(|h| h.name.as_str()).collect::<Vec<_>>(), ["秦野桜総合病院"]);
    assert!(all.iter().flat_map(|h| &h.capacity).any(|c| c.stale), "the demo shows stale capacity");
    assert!(all.iter().flat_map(|h| &h.capacity).any(|c| !c.stale));
}

/// 「横浜」, 「よこはま」, 「ヨコハマ」 and 「yokohama」 find the hospitals in Yokohama's wards, whatever they
/// are called; a hospital moved elsewhere is found by its new place only.
#[test]
fn the_search_covers_the_municipality_in_kanji_kana_and_romaji() {
    let (_dir, mut desk) = demo_desk();
    let find = |desk: &Desk, query: &str| -> Vec<HospitalSummary> {
        desk.hospitals(&HospitalFilter { query: query.into(), ..Default::default() }).expect("search")
    };
    let all = desk.hospitals(&HospitalFilter::default()).expect("all");
    let in_yokohama: Vec<&HospitalSummary> = all.iter().filter(|h| h.municipality_name.starts_with("横浜市")).collect();
    assert!(in_yokohama.iter().any(|h| !h.name.contains("横浜")), "the demo has Yokohama hospitals not named so");
    for query in ["横浜", "よこはま", "ヨコハマ", "yokohama", "ＹＯＫＯＨＡＭＡ"] {
        let found = find(&desk, query);
        for h in &in_yokohama {
            assert!(found.iter().any(|f| f.id == h.id), "{query} finds {} in {}", h.name, h.municipality_name);
        }
    }
    let moved = in_yokohama.iter().find(|h| !h.name.contains("横浜")).expect("one").id.clone();
    let mut input = desk.hospital_input(&moved).expect("input");
    let elsewhere = all.iter().find(|h| h.municipality_name.starts_with("相模原")).expect("a hospital in Sagamihara");
    input.municipality_code = desk.hospital_input(&elsewhere.id).expect("input").municipality_code;
    desk.update_hospital(&moved, &input).expect("moved");
    assert!(!find(&desk, "よこはま").iter().any(|h| h.id == moved), "its old place no longer finds it");
    assert!(find(&desk, "さがみはら").iter().any(|h| h.id == moved), "its new place does");
}

#[test]
fn an_inactive_hospital_leaves_the_list_unless_asked_for() {
    let (_dir, mut desk) = fresh_desk();
    let id = desk.add_hospital(&strict_hospital()).expect("added").id;
    desk.update_hospital(&id, &NewHospital { active: false, ..strict_hospital() }).expect("deactivated");
    assert!(desk.hospitals(&HospitalFilter::default()).expect("list").is_empty());
    let all = desk.hospitals(&HospitalFilter { include_inactive: true, ..Default::default() }).expect("list");
    assert_eq!(all.len(), 1);
}

#[test]
fn the_directory_sheet_lists_receiving_hospitals_by_region_for_print_and_excel() {
    let (_dir, desk) = demo_desk();
    let sheet = desk.directory_sheet().expect("sheet");
    let regions: Vec<_> = desk.directory_choices().expect("choices").regions.into_iter().map(|r| r.name).collect();
    let printed: Vec<_> = sheet.regions.iter().map(|r| r.name.clone()).collect();
    let mut in_pack_order = printed.clone();
    in_pack_order.sort_by_key(|name| regions.iter().position(|r| r == name));
    assert_eq!(printed, in_pack_order, "regions in the region pack's order");
    let receiving = desk
        .hospitals(&HospitalFilter { role: Some(HospitalRole::Receiving), ..Default::default() })
        .expect("receiving");
    assert_eq!(sheet.regions.iter().map(|r| r.hospitals.len()).sum::<usize>(), receiving.len());

    let html = desk.directory_sheet_html().expect("html");
    assert_eq!(html.matches("<section>").count(), sheet.regions.len(), "one page per region");
    assert!(html.contains("size: A4"));
    assert!(html.contains("独自ルール: 陰性確認"), "own rules are flagged on the sheet");
    assert!(html.contains("（古い情報）"), "stale capacity is marked on the sheet");

    let csv = desk.directory_sheet_csv(CsvEncoding::Cp932).expect("csv");
    let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(&csv.bytes);
    assert!(!errors);
    assert_eq!(text.lines().count(), receiving.len() + 1, "a header and one row per hospital");
    assert!(text.starts_with("二次医療圏,医療機関コード,医療機関名"));
    assert!(text.contains("8:30～17:00"), "〜 written as the CP932 look-alike, not lost");
}

#[test]
fn markup_in_a_hospital_name_is_printed_as_text() {
    let (_dir, mut desk) = fresh_desk();
    desk.add_hospital(&NewHospital { name: "<script>alert(1)</script>病院".into(), ..strict_hospital() })
        .expect("added");
    let html = desk.directory_sheet_html().expect("html");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;病院") && !html.contains("<script>alert"));
}
