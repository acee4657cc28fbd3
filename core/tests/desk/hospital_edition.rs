//! The hospital edition: the other end of the exchange, in the same core. A desk and two hospital
//! editions (a referring one and a receiving one), three data folders and one sync root, run
//! through the whole round trip; and each edition refused the other's actions.

use tenin_core::Desk;
use tenin_core::care::{Adl, CareNeedsInput};
use tenin_core::desk::{HospitalSetup, NewUserInput, ReceivedAnswerInput, SendInquiriesInput, SyncSettings};
use tenin_core::edition::Edition;
use tenin_core::error::{ErrorCode, ErrorReport};
use tenin_core::hospital::HospitalFilter;
use tenin_core::inquiry::InquiryOutcome;
use tenin_core::request::NewRequestInput;
use tenin_core::request_status::RequestStatus;

use crate::demo_desk;

/// A hospital edition for `code` in its own folder, set up with the desk's keys file, registered at
/// the desk with its own, syncing through `root`.
fn hospital_edition(desk: &mut Desk, code: &str, root: &std::path::Path) -> (tempfile::TempDir, Desk) {
    let known = desk.hospital_by_code(code).expect("in the desk's directory");
    let dir = tempfile::tempdir().expect("its data folder");
    let mut hospital = crate::new_desk(dir.path());
    let desk_keys = serde_json::to_string(&desk.keys_file().expect("the desk's keys file")).expect("json");
    let read = Desk::read_desk_keys(&desk_keys).expect("the set-up screen reads it");
    assert_eq!(read.fingerprint.len(), 19, "a fingerprint to read out by phone");
    hospital
        .set_up_hospital_edition(&HospitalSetup {
            hospital_code: code.into(),
            hospital_name: known.name.clone(),
            hospital_name_kana: known.name_kana.clone(),
            municipality_code: known.municipality_code.clone(),
            desk_keys,
            admin: NewUserInput {
                login: "nurse".into(),
                display_name: "退院支援 看護師".into(),
                role: None,
                password: "hospital-pass-2026".into(),
            },
        })
        .expect("set up");
    assert_eq!(hospital.edition().expect("edition"), Edition::Hospital);
    let own_keys = serde_json::to_string(&hospital.keys_file().expect("its keys file")).expect("json");
    desk.trust_keys_file(&own_keys).expect("registered at the desk");
    hospital
        .set_sync_settings(&SyncSettings {
            root: root.display().to_string(),
            every_minutes: 10,
            require_preview: false,
        })
        .expect("sync");
    (dir, hospital)
}

fn intake(initials: &str) -> NewRequestInput {
    NewRequestInput {
        patient_initials: initials.into(),
        patient_age: "82".into(),
        patient_sex: Some(tenin_core::request::PatientSex::Female),
        residence_municipality_code: "141003".into(),
        criteria_met_date: "R8.11.20".into(),
        bed_type_id: "community_care".into(),
        care: CareNeedsInput { oxygen_l_per_min: "1".into(), ..CareNeedsInput::answered_none(Adl::PartialAssist) },
        clinical_summary: "誤嚥性肺炎後".into(),
        consent_given_by: "本人".into(),
        ..Default::default()
    }
}

#[test]
fn a_request_travels_from_a_hospital_edition_to_the_desk_and_its_placement_back() {
    let (desk_dir, mut desk) = demo_desk();
    let root = desk_dir.path().join("shared");
    std::fs::create_dir_all(&root).expect("root");
    desk.set_sync_settings(&SyncSettings {
        root: root.display().to_string(),
        every_minutes: 10,
        require_preview: false,
    })
    .expect("desk sync");
    let receiving = desk
        .hospitals(&HospitalFilter::default())
        .expect("hospitals")
        .into_iter()
        .find(|h| h.is_receiving && !h.is_referring && h.active)
        .expect("a receiving hospital");
    let (_a_dir, mut referring) = hospital_edition(&mut desk, "1410110009", &root);
    let (_b_dir, mut receiver) = hospital_edition(&mut desk, &receiving.code, &root);

    // The referring hospital registers a request with the same checks, and a second it withdraws.
    let made = referring.create_request(&intake("H.E."), true).expect("registered at the hospital");
    let other = referring.create_request(&intake("W.D."), true).expect("another");
    referring.sync_once().expect("hospital cycle");
    let run = desk.sync_once().expect("desk cycle");
    assert_eq!(run.files.iter().filter(|f| f.direction == "in" && f.kind == "requests").count(), 1, "{:?}", run.files);
    let at_desk = desk.resolve_request(&format!("1410110009:{}", made.summary.id)).expect("under the hospital's id");
    let detail = desk.request(&at_desk).expect("at the desk");
    assert_eq!(detail.summary.patient_initials, "H.E.");
    assert_eq!(detail.consent.as_ref().map(|c| c.given_by.as_str()), Some("本人"), "consent travels with it");
    assert_eq!(detail.care.oxygen_l_per_min, Some(1.0));

    referring.sync_once().expect("the desk's status arrives");
    let view =
        referring.desk_views().expect("views").into_iter().find(|v| v.request_id == made.summary.id).expect("view");
    assert_eq!(view.desk_ref_no, detail.summary.ref_no, "the desk's reference number, at the hospital");
    assert_eq!(view.status, "new");
    assert!(
        referring.hospitals(&HospitalFilter::default()).expect("directory").len() > 50,
        "the desk's directory arrived"
    );

    // The desk sends an inquiry to the receiving hospital; it reads it and accepts.
    desk.transition(&at_desk, RequestStatus::Coordinating, None, "").expect("coordinating");
    let input = SendInquiriesInput {
        request_id: at_desk.clone(),
        hospital_ids: vec![receiving.id.clone()],
        reply_by: String::new(),
        note: String::new(),
    };
    desk.send_inquiries(&input, None).expect("sent");
    receiver.sync_once().expect("receiver cycle");
    let received = receiver.received_inquiries().expect("inquiries");
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].record.patient_initials, "H.E.");
    assert_eq!(received[0].outcome, InquiryOutcome::Waiting);
    let answered = receiver
        .answer_received_inquiry(&ReceivedAnswerInput {
            inquiry_id: received[0].inquiry_id.clone(),
            outcome: InquiryOutcome::Accepted,
            decline_reason: None,
            note: "明日午後".into(),
            expected_version: received[0].version,
        })
        .expect("accepted");
    assert!(!answered.answer_sent);
    receiver
        .report_own_capacity(&[tenin_core::capacity::CapacityReportInput {
            bed_type: "community_care".into(),
            available: 3,
            baseline: None,
            expected_24h: None,
            expected_72h: None,
            reported_at: String::new(),
            reported_by: "病棟師長".into(),
        }])
        .expect("beds");
    receiver.sync_once().expect("answer and beds go out");
    assert!(receiver.received_inquiries().expect("list")[0].answer_sent);
    desk.sync_once().expect("desk takes them in");
    let detail = desk.request(&at_desk).expect("detail");
    assert_eq!(detail.placement.as_ref().map(|p| p.hospital_id.as_str()), Some(receiving.id.as_str()));
    let beds = desk.hospital_by_code(&receiving.code).expect("hospital").capacity;
    assert!(beds.iter().any(|b| b.bed_type == "community_care" && b.available == 3), "{beds:?}");

    // Placed in one action at the desk; the referring hospital sees it after its next sync.
    desk.place(&at_desk, &receiving.id, Some(detail.version), "").expect("placed");
    referring.withdraw_own(&other.summary.id, "家族の希望で取下げ");
    desk.sync_once().expect("status out");
    referring.sync_once().expect("status in, withdrawal out");
    let view =
        referring.desk_views().expect("views").into_iter().find(|v| v.request_id == made.summary.id).expect("view");
    assert_eq!((view.status.as_str(), view.placed_at.as_deref()), ("placed", Some(receiving.name.as_str())));
    assert!(view.changed_at.is_some());
    desk.sync_once().expect("withdrawal in");
    let withdrawn = desk.resolve_request(&format!("1410110009:{}", other.summary.id)).expect("the other");
    assert_eq!(desk.request(&withdrawn).expect("detail").summary.status, RequestStatus::Withdrawn);
}

#[test]
fn each_edition_refuses_the_other_editions_actions_in_the_core() {
    let (desk_dir, mut desk) = demo_desk();
    let root = desk_dir.path().join("shared");
    std::fs::create_dir_all(&root).expect("root");
    let (_dir, mut hospital) = hospital_edition(&mut desk, "1410110009", &root);
    let made = hospital.create_request(&intake("R.E."), true).expect("its own request");
    assert_eq!(made.summary.referring_hospital_name, desk.hospital_by_code("1410110009").expect("h").name, "its own");
    let code = |e: tenin_core::Error| ErrorReport::from(e).code;
    assert_eq!(code(hospital.match_request(&made.summary.id).expect_err("desk only")), ErrorCode::WrongEdition);
    assert_eq!(code(hospital.match_batch().expect_err("desk only")), ErrorCode::WrongEdition);
    assert_eq!(
        code(hospital.transition(&made.summary.id, RequestStatus::Checking, None, "").expect_err("the desk's move")),
        ErrorCode::WrongEdition
    );
    assert_eq!(code(hospital.load_demo().expect_err("desk only")), ErrorCode::WrongEdition);
    assert_eq!(code(desk.received_inquiries().expect_err("hospital only")), ErrorCode::WrongEdition);
    assert_eq!(code(desk.desk_views().expect_err("hospital only")), ErrorCode::WrongEdition);
    let message = ErrorReport::from(hospital.match_batch().expect_err("desk only")).message;
    assert!(message.contains("調整デスク版"), "{message}");
    // A package not from its desk is refused: the desk's own key signs, nobody else's.
    let stranger = tempfile::tempdir().expect("another desk");
    let mut other_desk = crate::new_desk(stranger.path());
    other_desk
        .set_up_administrator(&NewUserInput {
            login: "admin".into(),
            display_name: "他のデスク".into(),
            role: None,
            password: "other-desk-2026".into(),
        })
        .expect("admin");
    let forged = other_desk
        .export_package(&tenin_core::desk::ExportRequest::Directory, Some(stranger.path()))
        .expect("a directory");
    let bytes = std::fs::read(&forged.path).expect("file");
    let refused = ErrorReport::from(
        hospital.import_package("forged.zip", &bytes, false, &|_, _| true).expect_err("not its desk"),
    );
    assert_eq!(refused.code, ErrorCode::PackageRefused);
}

trait Withdraw {
    fn withdraw_own(&mut self, id: &str, why: &str);
}

impl Withdraw for Desk {
    fn withdraw_own(&mut self, id: &str, why: &str) {
        self.transition(id, RequestStatus::Withdrawn, None, why).expect("a hospital withdraws its own request");
    }
}

#[test]
fn the_directory_says_when_the_hospital_is_on_another_version_of_the_region_pack() {
    let (desk_dir, mut desk) = demo_desk();
    let root = desk_dir.path().join("shared");
    std::fs::create_dir_all(&root).expect("root");
    let (_dir, mut hospital) = hospital_edition(&mut desk, "1410110009", &root);
    let import = |hospital: &mut Desk, desk: &mut Desk| {
        let made =
            desk.export_package(&tenin_core::desk::ExportRequest::Directory, Some(desk_dir.path())).expect("directory");
        let bytes = std::fs::read(&made.path).expect("file");
        hospital.import_package("directory.zip", &bytes, false, &|_, _| true).expect("imported")
    };
    let same = import(&mut hospital, &mut desk);
    assert!(same.records.iter().all(|r| r.reasons.is_empty()), "the same version: nothing to say");

    let mut newer: serde_json::Value =
        serde_json::from_str(tenin_core::bundled::DEFAULT_REGION_PACK_JSON).expect("the bundled pack");
    newer["version"] = "2099.1".into();
    desk.apply_pack_update(&newer.to_string()).expect("the desk moves to a newer version");
    let told = import(&mut hospital, &mut desk);
    assert!(!told.records.is_empty());
    let said = &told.records[0].reasons[0].message;
    assert!(said.contains("2099.1") && said.contains("地域パックの更新"), "{said}");
}
