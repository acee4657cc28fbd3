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

/// The bundled pack as JSON, changed by `patch`.
fn bundled_with(patch: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut value: serde_json::Value =
        serde_json::from_str(tenin_core::bundled::DEFAULT_REGION_PACK_JSON).expect("the bundled pack");
    patch(&mut value);
    value.to_string()
}

#[test]
fn a_newer_pack_is_previewed_then_loaded_moving_the_records_of_a_merged_municipality() {
    let (_dir, mut desk) = crate::demo_desk();
    let hospitals = desk.hospitals(&HospitalFilter::default()).expect("hospitals");
    let pack = tenin_core::bundled::default_region_pack().expect("valid");
    // A municipality with hospitals and no wards merges into another.
    let merged = pack
        .municipalities
        .iter()
        .find(|m| {
            m.parent.is_none()
                && !pack.municipalities.iter().any(|c| c.parent.as_deref() == Some(&m.code))
                && hospitals.iter().any(|h| h.municipality_code == m.code)
        })
        .expect("a municipality with hospitals")
        .clone();
    let into = pack
        .municipalities
        .iter()
        .find(|m| m.parent.is_none() && m.code != merged.code && m.jurisdiction == merged.jurisdiction)
        .unwrap_or(&pack.municipalities[0])
        .code
        .clone();
    let moved_hospitals = hospitals.iter().filter(|h| h.municipality_code == merged.code).count();
    let without = |v: &mut serde_json::Value| {
        v["version"] = "2027.1".into();
        v["municipalities"].as_array_mut().expect("municipalities").retain(|m| m["code"] != merged.code.as_str());
        v["decline_reasons"]
            .as_array_mut()
            .expect("reasons")
            .push(serde_json::json!({ "id": "heat", "name": "猛暑による受入停止" }));
    };

    let stuck = desk.preview_pack_update(&bundled_with(without)).expect("preview");
    assert!(!stuck.blocked.is_empty(), "records would point nowhere: {:?}", stuck.blocked);
    assert!(desk.apply_pack_update(&bundled_with(without)).is_err(), "refused as a whole");
    assert_eq!(desk.region_pack().expect("pack").version, pack.version, "nothing changed");

    let with_move = bundled_with(|v| {
        without(v);
        v["moves"] = serde_json::json!({ "municipalities": { merged.code.clone(): into.clone() } });
    });
    let preview = desk.preview_pack_update(&with_move).expect("preview");
    assert!(preview.blocked.is_empty(), "{:?}", preview.blocked);
    let removed = preview.changes.iter().find(|c| c.id == merged.code).expect("the merged municipality");
    assert!(removed.references as usize >= moved_hospitals);
    assert_eq!(removed.moved_to.as_deref(), Some(into.as_str()));
    assert!(preview.changes.iter().any(|c| c.id == "heat"), "the new reason is listed");

    let applied = desk.apply_pack_update(&with_move).expect("applied");
    assert_eq!((applied.from_version.as_str(), applied.to_version.as_str()), (pack.version.as_str(), "2027.1"));
    assert_eq!(desk.region_pack().expect("pack").version, "2027.1");
    let after = desk.hospitals(&HospitalFilter::default()).expect("hospitals");
    assert!(after.iter().all(|h| h.municipality_code != merged.code), "no hospital left in the old municipality");
    let into_name = pack.municipalities.iter().find(|m| m.code == into).expect("into").name.clone();
    let found = desk.hospitals(&HospitalFilter { query: into_name, ..Default::default() }).expect("search");
    let moved_ids: Vec<&str> =
        hospitals.iter().filter(|h| h.municipality_code == merged.code).map(|h| h.id.as_str()).collect();
    assert!(
        moved_ids.iter().all(|id| found.iter().any(|h| h.id == *id)),
        "the moved hospitals are found under their new municipality's name"
    );
    assert!(after.iter().filter(|h| h.municipality_code == into).count() >= moved_hospitals);
    assert!(desk.decline_reasons().expect("reasons").iter().any(|r| r.id == "heat"));
    assert_eq!(desk.integrity_check().expect("check"), "ok", "the kept counts follow the move");
    let audit = desk.audit_log(&Default::default()).expect("audit");
    assert!(audit.iter().any(|row| row.entity == "region_pack" && row.action == "update"), "audited");

    let again = desk.preview_pack_update(&with_move).expect("preview");
    assert!(again.blocked.iter().any(|b| b.contains("すでに読み込まれています")));
    let other = bundled_with(|v| v["id"] = "jp-99-elsewhere".into());
    assert!(desk.preview_pack_update(&other).is_err(), "another prefecture's pack is refused");
    let huge = format!("{{\"note\": \"{}\"}}", "x".repeat(17 * 1024 * 1024));
    assert!(desk.preview_pack_update(&huge).is_err(), "a file past the limit is refused unread");
    assert!(desk.preview_pack_update("{\"format\": ").is_err(), "a broken file is refused");
}

/// A pack update that merges a town keeps its old name as a former name of the municipality it
/// joined: the history import then reads records written with the old name as the new one. A former
/// name that is still some municipality's name, or given twice, is refused.
#[test]
fn a_merged_towns_old_name_is_read_as_the_municipality_it_joined() {
    let (_dir, mut desk) = crate::demo_desk();
    let pack = tenin_core::bundled::default_region_pack().expect("valid");
    let town =
        pack.municipalities.iter().find(|m| m.parent.is_none() && m.name.ends_with('町')).expect("a town").clone();
    let into = pack.municipalities.iter().find(|m| m.parent.is_none() && m.code != town.code).expect("a city").clone();
    let referrer = desk
        .hospitals(&HospitalFilter::default())
        .expect("hospitals")
        .into_iter()
        .find(|h| h.is_referring && h.municipality_code != town.code)
        .expect("a referring hospital");
    let csv = format!(
        "番号,受付日時,結果,結果日時,依頼元,住所地\nT-1,2025-01-01 09:00,取下げ,2025-01-01 12:00,{},{}\n",
        referrer.code, town.name
    );
    let mapping = desk.history_suggestion(csv.as_bytes()).expect("mapping");
    let no_progress = |_: u32, _: u32| true;
    let before = desk.import_history("t.csv", csv.as_bytes(), &mapping, true, &no_progress).expect("dry run");
    assert_eq!(before.counts.new, 1, "the row imports as it is: {:?}", before.records);
    assert!(desk.history_values(csv.as_bytes(), &mapping).expect("values").is_empty(), "the town reads as it is");

    let merged = bundled_with(|v| {
        v["version"] = "2027.2".into();
        let list = v["municipalities"].as_array_mut().expect("municipalities");
        list.retain(|m| m["code"] != town.code.as_str());
        let joined = list.iter_mut().find(|m| m["code"] == into.code.as_str()).expect("into");
        joined["former_names"] = serde_json::json!([town.name.clone()]);
        v["moves"] = serde_json::json!({ "municipalities": { town.code.clone(): into.code.clone() } });
    });
    desk.apply_pack_update(&merged).expect("applied");
    let asked = desk.history_values(csv.as_bytes(), &mapping).expect("values");
    let old = asked
        .iter()
        .find(|q| q.field == "residence")
        .unwrap_or_else(|| panic!("the old name is asked about: {asked:?} {mapping:?}"));
    assert_eq!((old.value.as_str(), old.suggestion.as_deref()), (town.name.as_str(), Some(into.code.as_str())));

    let clash = bundled_with(|v| {
        let list = v["municipalities"].as_array_mut().expect("municipalities");
        list[1]["former_names"] = serde_json::json!([town.name.clone()]);
        list[2]["former_names"] = serde_json::json!(["消えた村"]);
        list[3]["former_names"] = serde_json::json!(["消えた村"]);
    });
    let err = RegionPack::from_json(&clash).expect_err("refused").to_string();
    assert!(err.contains(&format!("旧名称 \"{}\" は今の市区町村名です", town.name)), "{err}");
    assert!(err.contains("旧名称 \"消えた村\" が重複しています"), "{err}");
}
