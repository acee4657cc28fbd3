//! Region packs: the bundled Kanagawa pack is complete; a fictional pack drives the whole desk,
//! proving nothing regional lives in code; a broken pack is refused with every problem named.

use tenin_core::Desk;
use tenin_core::hospital::HospitalFilter;
use tenin_core::hospital::NewHospital;
use tenin_core::region_pack::RegionPack;
use tenin_core::request::{NewRequestInput, PatientSex, Urgency};

const FICTIONAL: &str = include_str!("../fixtures/fictional-pack.json");

#[test]
fn kanagawa_pack_has_both_plans_regions_and_all_jurisdictions() {
    let pack = tenin_core::bundled::default_region_pack().expect("valid");
    let regions_of = |plan: &str| pack.medical_regions.iter().filter(|r| r.plan == plan).count();
    assert_eq!(regions_of("p7"), 11, "7th plan: Yokohama split in three");
    assert_eq!(regions_of("p8"), 9, "8th plan: nine regions");
    assert_eq!(pack.jurisdictions.len(), 14, "6 city health centres, 4 offices, 4 centres");
    assert_eq!(pack.plan_on("2023-06-01".parse().expect("date")).map(|p| p.id.as_str()), Some("p7"));
    assert_eq!(pack.plan_on("2026-11-21".parse().expect("date")).map(|p| p.id.as_str()), Some("p8"));
    let samukawa = pack.municipalities.iter().find(|m| m.name == "寒川町").expect("寒川町");
    assert_eq!(samukawa.jurisdiction, "chigasaki", "茅ヶ崎市保健所 covers 寒川町");
}

#[test]
fn a_fictional_pack_runs_the_whole_desk() {
    let pack = RegionPack::from_json(FICTIONAL).expect("fixture is valid");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut desk = Desk::create(dir.path(), &tenin_core::desk::NewDesk { pack: Some(pack.clone()), passphrase: None })
        .expect("open")
        .0;
    crate::sign_in_admin(&mut desk);
    assert_eq!(desk.status().expect("status").region_pack.name, "架空県");
    let municipalities = desk.municipalities().expect("municipalities");
    assert_eq!(municipalities.len(), 3);
    assert!(municipalities.iter().all(|m| m.region_name.as_deref() == Some("全県")), "regions of the plan in force");
    let kiri = municipalities.iter().find(|m| m.name == "霧野町").expect("霧野町");
    assert_eq!(
        (kiri.jurisdiction_name.as_str(), kiri.report_group_name.as_str()),
        ("山辺保健所霧野センター", "県所管")
    );
    let refused = desk.load_demo().expect_err("Kanagawa demo data does not fit this pack");
    assert!(matches!(refused, tenin_core::Error::Rule(tenin_core::error::Rule::DemoForAnotherPack { .. })));
    assert!(desk.hospitals(&HospitalFilter::default()).expect("list").is_empty(), "nothing half-loaded");
}

#[test]
fn a_fictional_pack_accepts_its_own_municipalities_only() {
    let pack = RegionPack::from_json(FICTIONAL).expect("fixture is valid");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut desk = Desk::create(dir.path(), &tenin_core::desk::NewDesk { pack: Some(pack.clone()), passphrase: None })
        .expect("open")
        .0;
    crate::sign_in_admin(&mut desk);
    // A valid code: the Luhn digit that completes 461011000.
    let code =
        (0..10).map(|d| format!("461011000{d}")).find(|c| tenin_core::codes::is_valid_medical_institution_code(c));
    let hospital = NewHospital {
        code: code.expect("one check digit fits"),
        name: "霧野の森病院".into(),
        name_kana: "キリノノモリビョウイン".into(),
        municipality_code: "463019".into(),
        is_referring: true,
        ..Default::default()
    };
    let added = desk.add_hospital(&hospital).expect("a hospital in the pack's own municipality");
    assert_eq!(added.name_kana, "きりののもりびょういん", "reading stored in hiragana");
    assert_eq!(added.region_name.as_deref(), Some("全県"));
    let yokohama = NewHospital { municipality_code: "141003".into(), code: "1410110009".into(), ..hospital };
    let err = desk.add_hospital(&yokohama).expect_err("Yokohama is not in this pack");
    assert_eq!(err.code(), tenin_core::ErrorCode::Validation);
    let hospital_id = added.id;
    let input = NewRequestInput {
        referring_hospital_id: hospital_id,
        patient_initials: "A.A.".into(),
        patient_age: "70".into(),
        patient_sex: Some(PatientSex::Female),
        residence_municipality_code: "462039".into(),
        urgency: Urgency::Routine,
        clinical_summary: String::new(),
        ..Default::default()
    };
    let detail = desk.create_request(&input, true).expect("request in the fictional prefecture");
    assert_eq!(detail.summary.jurisdiction_name.as_deref(), Some("山辺保健所"));
}

#[test]
fn a_broken_pack_names_every_problem() {
    let broken =
        FICTIONAL.replace("\"462012\"", "\"462013\"").replace("\"parent\": \"yamanobe\"", "\"parent\": \"nowhere\"");
    let err = RegionPack::from_json(&broken).expect_err("must fail").to_string();
    assert!(err.contains("462013") && err.contains("検査数字"), "check digit named: {err}");
    assert!(err.contains("nowhere"), "unknown parent named: {err}");
}
