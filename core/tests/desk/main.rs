//! Integration tests of the core through its public API, on real SQLite files in temp dirs.
//! Modules mirror the features they guard.

mod audit_chain;
mod backups;
mod bounded_readers;
mod codes;
mod csv_safety;
mod demo;
mod directory;
mod duplicates;
mod encryption;
mod exchange;
mod hospital_edition;
mod hostile;
mod inquiries;
mod matching;
mod migrations;
mod moving_in;
mod not_stated;
mod open;
mod people;
mod placement_time;
mod post_covid;
mod protection;
mod quality;
mod reader;
mod referral;
mod region_pack;
mod remembered_passphrase;
mod reports;
mod requests;
mod transport;
mod wareki;
mod work_reports;

use std::path::Path;
use tenin_core::hospital::HospitalFilter;

use tenin_core::Desk;
use tenin_core::desk::{AccessState, NewUserInput};
use tenin_core::request::{NewRequestInput, PatientSex, Urgency};

pub const ADMIN_LOGIN: &str = "admin";
pub const ADMIN_PASSWORD: &str = "kanagawa-desk-2026";

/// A desk in a fresh temporary data directory (kept alive by the returned guard), with its first
/// administrator set up and signed in.
pub fn fresh_desk() -> (tempfile::TempDir, Desk) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut desk = new_desk(dir.path());
    sign_in_admin(&mut desk);
    (dir, desk)
}

/// A new desk made by set-up in `dir` (in the clear: these tests are not about encryption).
pub fn new_desk(dir: &Path) -> Desk {
    Desk::create(dir, &tenin_core::desk::NewDesk::default()).expect("set-up makes a desk").0
}

/// Sets up the first administrator if the desk has none yet, else signs them in.
pub fn sign_in_admin(desk: &mut Desk) {
    let access = desk.access().expect("access");
    if access.state == AccessState::SetUp {
        let admin = NewUserInput {
            login: ADMIN_LOGIN.into(),
            display_name: "管理者 太郎".into(),
            role: None,
            password: ADMIN_PASSWORD.into(),
        };
        desk.set_up_administrator(&admin).expect("first administrator");
    } else {
        desk.sign_in(ADMIN_LOGIN, ADMIN_PASSWORD).expect("administrator signs in");
    }
}

/// Opens the desk in `dir` and signs the administrator in.
pub fn open_signed_in(dir: &Path) -> Desk {
    let mut desk = Desk::open(dir).expect("desk opens");
    sign_in_admin(&mut desk);
    desk
}

pub fn demo_desk() -> (tempfile::TempDir, Desk) {
    let (dir, mut desk) = fresh_desk();
    desk.load_demo().expect("demo data loads into an empty desk");
    (dir, desk)
}

/// A valid intake form for the first referring hospital of the desk.
pub fn valid_input(desk: &Desk) -> NewRequestInput {
    let referrer = desk
        .hospitals(&HospitalFilter::default())
        .expect("hospitals")
        .into_iter()
        .find(|h| h.is_referring && h.active)
        .expect("the demo has referring hospitals");
    NewRequestInput {
        referring_hospital_id: referrer.id,
        patient_initials: "Y.K.".into(),
        patient_age: "82".into(),
        patient_sex: Some(PatientSex::Male),
        residence_municipality_code: "141003".into(),
        urgency: Urgency::Soon,
        clinical_summary: "肺炎後の廃用。リハビリ目的。".into(),
        ..Default::default()
    }
}

/// Registers `input`, logs a receiving hospital's acceptance and places the request (受入決定); its id.
pub fn placed(desk: &mut Desk, input: NewRequestInput) -> String {
    use tenin_core::inquiry::{InquiryChannel, InquiryOutcome, NewInquiryInput};
    use tenin_core::request_status::RequestStatus;
    let detail = desk.create_request(&input, true).expect("create");
    let id = detail.summary.id.clone();
    desk.transition(&id, RequestStatus::Coordinating, None, "").expect("coordinating");
    let receiver = desk
        .hospitals(&HospitalFilter::default())
        .expect("hospitals")
        .into_iter()
        .find(|h| h.is_receiving && h.id != detail.summary.referring_hospital_id)
        .expect("a receiver");
    desk.log_inquiry(&NewInquiryInput {
        request_id: id.clone(),
        hospital_id: receiver.id,
        contact: "地域連携室".into(),
        channel: InquiryChannel::Phone,
        outcome: InquiryOutcome::Accepted,
        decline_reason: None,
        note: String::new(),
        call_back_at: String::new(),
    })
    .expect("accepted");
    desk.transition(&id, RequestStatus::Placed, None, "").expect("placed");
    id
}

pub fn file_bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}
