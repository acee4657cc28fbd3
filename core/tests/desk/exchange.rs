//! Exchange packages: signed requests, capacity and answers from hospitals; preview, apply,
//! idempotency, sequence numbers, conflicts, quarantine, and every kind of bad package.

use serde_json::json;
use tenin_core::Desk;
use tenin_core::desk::{ConflictDecision, ExportRequest};
use tenin_core::error::{ErrorCode, ErrorReport};
use tenin_core::exchange::keys::KeyPair;
use tenin_core::exchange::manifest::PackageKind;
use tenin_core::exchange::package::{self, Envelope};
use tenin_core::exchange::records::Outcome;
use tenin_core::hospital::HospitalFilter;
use tenin_core::request_status::RequestStatus;

use super::demo_desk;

/// A hospital with its own key pair, registered at the desk, sending numbered packages.
pub struct Sender {
    pub code: String,
    pub hospital_id: String,
    pub keys: KeyPair,
    pub desk_id: String,
    pub sequence: u32,
}

impl Sender {
    /// The first referring hospital of the demo, with a fresh key pair registered at the desk.
    pub fn registered(desk: &mut Desk) -> Sender {
        Sender::registered_nth(desk, 0)
    }

    /// The `nth` referring hospital of the demo, with a fresh key pair registered at the desk.
    pub fn registered_nth(desk: &mut Desk, nth: usize) -> Sender {
        let hospital = desk
            .hospitals(&HospitalFilter::default())
            .expect("hospitals")
            .into_iter()
            .filter(|h| h.is_referring && h.active)
            .nth(nth)
            .expect("a referring hospital");
        let keys = KeyPair::generate();
        let public = keys.public();
        desk.set_hospital_keys(&hospital.id, &public.signing, &public.encryption).expect("keys registered");
        let desk_id = desk.exchange_identity().expect("identity").0;
        Sender { code: hospital.code, hospital_id: hospital.id, keys, desk_id, sequence: 0 }
    }

    /// The next package of `kind` with `records`.
    pub fn package(&mut self, kind: PackageKind, records: &serde_json::Value) -> Vec<u8> {
        self.sequence += 1;
        self.package_numbered(kind, records, self.sequence)
    }

    pub fn package_numbered(&self, kind: PackageKind, records: &serde_json::Value, sequence: u32) -> Vec<u8> {
        let count = records.as_array().map_or(0, Vec::len) as u32;
        let envelope = Envelope {
            format_version: tenin_core::exchange::manifest::FORMAT_VERSION,
            package_id: uuid(),
            kind,
            sender: &self.code,
            recipient: &self.desk_id,
            sequence,
            created_at: "2026-11-22T01:00:00Z".into(),
            records: count,
        };
        let bytes = serde_json::to_vec(records).expect("json");
        package::seal(envelope, &bytes, &self.keys, None).expect("sealed").0
    }
}

fn uuid() -> String {
    tenin_core::ids::new_id()
}

/// A new package's envelope from `sender` to `recipient`: number 1, one record.
fn envelope<'a>(sender: &'a Sender, recipient: &'a str) -> Envelope<'a> {
    Envelope {
        format_version: tenin_core::exchange::manifest::FORMAT_VERSION,
        package_id: uuid(),
        kind: PackageKind::Requests,
        sender: &sender.code,
        recipient,
        sequence: 1,
        created_at: "2026-11-22T01:00:00Z".into(),
        records: 1,
    }
}

pub fn intake(initials: &str, age: &str) -> serde_json::Value {
    json!({
        "patient_initials": initials,
        "patient_age": age,
        "patient_sex": "female",
        "residence_municipality_code": "141003",
        "urgency": "soon",
        "clinical_summary": "誤嚥性肺炎後。リハビリ目的。",
        "criteria_met_date": "R8.11.20"
    })
}

fn no_progress(_: u32, _: u32) -> bool {
    true
}

fn import(desk: &mut Desk, bytes: &[u8]) -> tenin_core::desk::ImportReport {
    desk.import_package("package.zip", bytes, false, &no_progress).expect("imported")
}

fn refusal(desk: &mut Desk, bytes: &[u8]) -> ErrorReport {
    let error = ErrorReport::from(desk.import_package("bad.zip", bytes, false, &no_progress).expect_err("refused"));
    assert_eq!(error.code, ErrorCode::PackageRefused, "{error:?}");
    error
}

fn request_count(desk: &Desk) -> usize {
    desk.requests().expect("requests").len()
}

#[test]
fn a_signed_package_is_previewed_applied_once_and_the_same_file_again_changes_nothing() {
    let (dir, mut desk) = demo_desk();
    let mut sender = Sender::registered(&mut desk);
    let before = request_count(&desk);
    let bytes = sender.package(
        PackageKind::Requests,
        &json!([
            {"record_id": "A-001", "action": "new", "request": intake("M.T.", "84")},
            {"record_id": "A-002", "action": "new", "request": intake("S.K.", "７９歳")},
        ]),
    );
    let preview = desk.import_package("package.zip", &bytes, true, &no_progress).expect("preview");
    assert!(preview.dry_run);
    assert_eq!((preview.counts.new, preview.counts.errors), (2, 0));
    assert_eq!(request_count(&desk), before, "a preview keeps nothing");
    assert!(desk.exchanges(10).expect("log").is_empty(), "a preview is not logged");

    let applied = import(&mut desk, &bytes);
    assert_eq!(applied.counts.new, 2);
    assert_eq!(request_count(&desk), before + 2);
    assert!(applied.records.iter().all(|r| !r.ref_no.is_empty()), "each new request has its reference number");
    let request =
        desk.requests().expect("requests").into_iter().find(|r| r.ref_no == applied.records[1].ref_no).expect("listed");
    assert_eq!((request.patient_age, request.status), (79, RequestStatus::New), "full-width age read");

    let again = import(&mut desk, &bytes);
    assert!(again.already_imported_at.is_some(), "says it was imported before");
    assert_eq!((again.counts.new, again.counts.unchanged), (0, 2));
    assert_eq!(request_count(&desk), before + 2, "nothing changed the second time");
    let log = desk.exchanges(10).expect("log");
    assert_eq!(log.iter().map(|e| e.result.as_str()).collect::<Vec<_>>(), ["unchanged", "applied"]);
    assert_eq!(log[1].file_sha256, applied.file_sha256);
    assert_eq!(log[1].counts.new, 2);
    assert_eq!(log[1].user_name, "管理者 太郎");
    assert!(desk.verify_audit().expect("chain").broken_at.is_none());
    drop(dir);
}

#[test]
fn updates_and_withdrawals_follow_the_hospitals_record_id() {
    let (_dir, mut desk) = demo_desk();
    let mut sender = Sender::registered(&mut desk);
    let first = import(
        &mut desk,
        &sender.package(
            PackageKind::Requests,
            &json!([
                {"record_id": "A-1", "action": "new", "request": intake("M.T.", "84")},
                {"record_id": "A-2", "action": "new", "request": intake("S.K.", "79")},
            ]),
        ),
    );
    let second_records = json!([
        {"record_id": "A-1", "action": "update", "request": intake("M.T.", "85")},
        {"record_id": "A-2", "action": "withdraw", "note": "自宅退院となった"},
        {"record_id": "A-9", "action": "update", "request": intake("X.X.", "70")},
    ]);
    let second = import(&mut desk, &sender.package(PackageKind::Requests, &second_records));
    let outcomes: Vec<Outcome> = second.records.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, [Outcome::Changed, Outcome::Changed, Outcome::Error]);
    assert!(second.records[2].reasons[0].message.contains("デスクにありません"));
    let by_ref =
        |ref_no: &str| desk.requests().expect("requests").into_iter().find(|r| r.ref_no == ref_no).expect("request");
    assert_eq!(by_ref(&first.records[0].ref_no).patient_age, 85);
    assert_eq!(by_ref(&first.records[1].ref_no).status, RequestStatus::Withdrawn);
    let kept = desk.quarantined(Some(&second.exchange_id)).expect("quarantine");
    assert_eq!(kept.len(), 1, "the unknown record is kept with its reason");
    assert!(kept[0].raw.contains("X.X."));

    // The same records in a new package: nothing to do.
    let third = import(&mut desk, &sender.package(PackageKind::Requests, &second_records));
    assert_eq!((third.counts.unchanged, third.counts.errors), (2, 1));
}

#[test]
fn a_record_the_desk_edited_is_a_conflict_for_a_nurse_never_an_overwrite() {
    let (_dir, mut desk) = demo_desk();
    let mut sender = Sender::registered(&mut desk);
    let first = import(
        &mut desk,
        &sender.package(
            PackageKind::Requests,
            &json!([{"record_id": "C-1", "action": "new", "request": intake("M.T.", "84")}]),
        ),
    );
    let id = desk.requests().expect("list").into_iter().find(|r| r.ref_no == first.records[0].ref_no).expect("r").id;
    let detail = desk.request(&id).expect("detail");
    let mut corrected = tenin_core::request::NewRequestInput {
        referring_hospital_id: detail.summary.referring_hospital_id.clone(),
        patient_initials: "M.T.".into(),
        patient_age: "84".into(),
        patient_sex: Some(tenin_core::request::PatientSex::Female),
        clinical_summary: "デスクが電話で確認: 酸素 1L".into(),
        ..Default::default()
    };
    corrected.residence_municipality_code = "141003".into();
    desk.update_request(&id, detail.version, &corrected).expect("nurse corrects");

    let update = json!([{"record_id": "C-1", "action": "update", "request": intake("M.T.", "86")}]);
    let report = import(&mut desk, &sender.package(PackageKind::Requests, &update));
    assert_eq!(report.records[0].outcome, Outcome::Conflict);
    let after = desk.request(&id).expect("detail");
    assert_eq!(after.summary.patient_age, 84, "the desk's edit is not overwritten");
    assert_eq!(after.clinical_summary, "デスクが電話で確認: 酸素 1L");
    let conflicts = desk.import_conflicts().expect("queue");
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].reason, "desk_edited");

    let decided = desk.resolve_conflict(&conflicts[0].id, ConflictDecision::TakeHospital).expect("decided");
    assert_eq!(decided.status, "applied");
    assert_eq!(desk.request(&id).expect("detail").summary.patient_age, 86);
    assert!(desk.import_conflicts().expect("queue").is_empty());
    let again =
        ErrorReport::from(desk.resolve_conflict(&conflicts[0].id, ConflictDecision::KeepDesk).expect_err("done"));
    assert_eq!(again.code, ErrorCode::Rule);
    assert_eq!(again.rule, Some(tenin_core::error::Rule::ConflictDecided));
}

#[test]
fn a_replayed_or_earlier_sequence_number_is_refused_and_a_gap_is_reported() {
    let (_dir, mut desk) = demo_desk();
    let mut sender = Sender::registered(&mut desk);
    let records = json!([{"record_id": "S-1", "action": "new", "request": intake("M.T.", "84")}]);
    import(&mut desk, &sender.package(PackageKind::Requests, &records));
    let before = request_count(&desk);
    // Same number, another package id: a replay.
    let replay = sender.package_numbered(PackageKind::Requests, &records, 1);
    let error = refusal(&mut desk, &replay);
    assert_eq!(error.refusal.map(|c| c.as_str()), Some("stale_sequence"));
    // Number 4 after 1: 2 and 3 never arrived.
    let later = sender.package_numbered(
        PackageKind::Requests,
        &json!([{"record_id": "S-4", "action": "new", "request": intake("K.K.", "90")}]),
        4,
    );
    let report = import(&mut desk, &later);
    assert!(report.warnings[0].contains("2〜3"), "{:?}", report.warnings);
    // Now 3 arrives late: out of order.
    let late = sender.package_numbered(PackageKind::Requests, &records, 3);
    assert_eq!(refusal(&mut desk, &late).refusal.map(|c| c.as_str()), Some("stale_sequence"));
    assert_eq!(request_count(&desk), before + 1);
}

/// Builds a zip by hand (for packages the writer would never make).
fn zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    package::zip_files(files).expect("zip")
}

/// The parts of a valid package, to be tampered with.
fn parts(desk: &mut Desk) -> (Sender, Vec<u8>, Vec<u8>, String) {
    let sender = Sender::registered(desk);
    let records = serde_json::to_vec(&json!([{"record_id": "B-1", "action": "new", "request": intake("M.T.", "84")}]))
        .expect("json");
    let envelope = envelope(&sender, &sender.desk_id);
    let (bytes, _) = package::seal(envelope, &records, &sender.keys, None).expect("sealed");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut read = |name: &str| {
        let mut out = Vec::new();
        std::io::copy(&mut archive.by_name(name).expect("entry"), &mut out).expect("read");
        out
    };
    let manifest = read("manifest.json");
    let signature = String::from_utf8(read("manifest.sig")).expect("utf8");
    (sender, manifest, records, signature)
}

#[test]
fn forged_damaged_and_foreign_packages_are_refused_whole_and_kept() {
    let (dir, mut desk) = demo_desk();
    let (sender, manifest, records, signature) = parts(&mut desk);
    let before = request_count(&desk);
    let sig = signature.as_bytes();
    let mut tampered = records.clone();
    tampered.extend_from_slice(b" ");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "hash_mismatch",
            zip(&[("manifest.json", &manifest), ("manifest.sig", sig), ("data/records.json", &tampered)]),
        ),
        ("missing_signature", zip(&[("manifest.json", &manifest), ("data/records.json", &records)])),
        ("bad_signature", {
            let other = KeyPair::generate().sign(&manifest);
            zip(&[("manifest.json", &manifest), ("manifest.sig", other.as_bytes()), ("data/records.json", &records)])
        }),
        ("bad_signature", {
            let mut edited = String::from_utf8(manifest.clone()).expect("utf8");
            edited = edited.replace("\"sequence\": 1", "\"sequence\": 2");
            zip(&[("manifest.json", edited.as_bytes()), ("manifest.sig", sig), ("data/records.json", &records)])
        }),
        ("unreadable", {
            let whole = zip(&[("manifest.json", &manifest), ("manifest.sig", sig), ("data/records.json", &records)]);
            whole[..whole.len() / 2].to_vec()
        }),
        ("unsafe_path", zip(&[("manifest.json", &manifest), ("manifest.sig", sig), ("../records.json", &records)])),
        ("unsafe_path", zip(&[("manifest.json", &manifest), ("manifest.sig", sig), ("/etc/records.json", &records)])),
        (
            "unexpected_file",
            zip(&[
                ("manifest.json", &manifest),
                ("manifest.sig", sig),
                ("data/records.json", &records),
                ("data/x.exe", b"MZ"),
            ]),
        ),
        ("unknown_version", {
            let edited = String::from_utf8(manifest.clone())
                .expect("utf8")
                .replace("\"format_version\": 2", "\"format_version\": 3");
            zip(&[("manifest.json", edited.as_bytes()), ("manifest.sig", sig), ("data/records.json", &records)])
        }),
        ("unknown_format", zip(&[("manifest.json", b"{\"format\": \"other\"}"), ("data/records.json", &records)])),
        ("zip_bomb", {
            // 100 MB of one letter deflates to about 100 KB: over the ratio (and the size) limit.
            let huge = vec![b'A'; 100 << 20];
            zip(&[("manifest.json", &manifest), ("manifest.sig", sig), ("data/records.json", &huge)])
        }),
        ("too_many_files", {
            let names: Vec<String> = (0..20).map(|i| format!("data/{i}.json")).collect();
            let mut files: Vec<(&str, &[u8])> = vec![("manifest.json", &manifest)];
            files.extend(names.iter().map(|n| (n.as_str(), b"[]".as_slice())));
            zip(&files)
        }),
        ("cannot_decrypt", {
            let stranger = KeyPair::generate();
            let whole = zip(&[("manifest.json", &manifest), ("manifest.sig", sig), ("data/records.json", &records)]);
            age::encrypt(&stranger.age_identity().to_public(), &whole).expect("encrypted")
        }),
    ];
    for (code, bytes) in &cases {
        let error = refusal(&mut desk, bytes);
        assert_eq!(error.refusal.map(|c| c.as_str()), Some(*code), "{}", error.message);
        assert!(!error.message.is_empty());
    }
    assert_eq!(request_count(&desk), before, "nothing was half-applied");
    let refused = desk.exchanges(100).expect("log");
    assert_eq!(refused.len(), cases.len(), "every refusal is logged");
    assert!(refused.iter().all(|e| e.result == "refused" && !e.message.is_empty()));
    // The log keeps each refusal's code, newest first, for the UI to word in its language.
    let logged: Vec<_> = refused.iter().rev().map(|e| e.refusal.map(|c| c.as_str())).collect();
    let expected: Vec<_> = cases.iter().map(|(code, _)| Some(*code)).collect();
    assert_eq!(logged, expected);
    let kept = std::fs::read_dir(dir.path().join("quarantine")).expect("quarantine folder").count();
    assert_eq!(kept, cases.len(), "every refused file is kept for review");

    // To another desk: signed correctly, but not ours.
    let envelope = envelope(&sender, "another-desk");
    let (other_desk, _) = package::seal(envelope, &records, &sender.keys, None).expect("sealed");
    assert_eq!(refusal(&mut desk, &other_desk).refusal.map(|c| c.as_str()), Some("wrong_recipient"));
}

#[test]
fn a_hospital_without_a_registered_key_cannot_send() {
    let (_dir, mut desk) = demo_desk();
    let mut sender = Sender::registered(&mut desk);
    let stranger_keys = KeyPair::generate();
    sender.keys = stranger_keys;
    let bytes = sender.package(PackageKind::Requests, &json!([]));
    assert_eq!(refusal(&mut desk, &bytes).refusal.map(|c| c.as_str()), Some("bad_signature"));
    let mut unknown = Sender::registered(&mut desk);
    unknown.code = "1419999999".into();
    let bytes = unknown.package(PackageKind::Requests, &json!([]));
    assert_eq!(refusal(&mut desk, &bytes).refusal.map(|c| c.as_str()), Some("unknown_sender"));
}

#[test]
fn bad_records_are_quarantined_with_reasons_and_the_good_ones_applied() {
    let (_dir, mut desk) = demo_desk();
    let mut sender = Sender::registered(&mut desk);
    let mut bad_date = intake("D.D.", "80");
    bad_date["criteria_met_date"] = json!("令和8年13月40日");
    let mut bad_bed = intake("B.B.", "80");
    bad_bed["bed_type_id"] = json!("space_station");
    let mut bad_sex = intake("S.S.", "80");
    bad_sex["patient_sex"] = json!("alien");
    let mut long = intake("L.L.", "80");
    long["clinical_summary"] = json!("あ".repeat(5000));
    let report = import(
        &mut desk,
        &sender.package(
            PackageKind::Requests,
            &json!([
                {"record_id": "Q-1", "action": "new", "request": intake("O.K.", "81")},
                {"record_id": "Q-2", "action": "new", "request": bad_date},
                {"record_id": "Q-3", "action": "new", "request": bad_bed},
                {"record_id": "Q-4", "action": "new", "request": bad_sex},
                {"record_id": "Q-5", "action": "new", "request": long},
                {"record_id": "Q-6", "action": "explode"},
            ]),
        ),
    );
    let outcomes: Vec<Outcome> = report.records.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes[0], Outcome::New);
    assert!(outcomes[1..].iter().all(|o| *o == Outcome::Error), "{outcomes:?}");
    assert_eq!(report.records[1].reasons[0].field, "criteria_met_date");
    assert_eq!(report.records[2].reasons[0].field, "bed_type_id");
    assert!(report.records[3].reasons[0].message.contains("patient_sex"), "{:?}", report.records[3].reasons);
    assert_eq!(report.records[4].reasons[0].field, "clinical_summary");
    assert!(report.records[5].reasons[0].message.contains("action"));
    assert_eq!(desk.quarantined(Some(&report.exchange_id)).expect("kept").len(), 5);
}

#[test]
fn capacity_and_answers_from_hospitals_are_applied() {
    let (_dir, mut desk) = demo_desk();
    let mut sender = Sender::registered(&mut desk);
    let capacity = json!([
        {"beds": {"bed_type": "community_care", "available": 3, "reported_at": "2026-11-22T09:00", "reported_by": "病床管理 山田"}},
        {"beds": {"bed_type": "community_care", "available": -1}},
    ]);
    let report = import(&mut desk, &sender.package(PackageKind::Capacity, &capacity));
    assert_eq!((report.counts.new, report.counts.errors), (1, 1));
    let record = desk.hospital_record(&sender.hospital_id).expect("record");
    assert!(record.capacity_history.iter().any(|c| c.available == 3 && c.reported_by == "病床管理 山田"));
    let again = import(&mut desk, &sender.package(PackageKind::Capacity, &json!([capacity[0].clone()])));
    assert_eq!(again.counts.unchanged, 1);

    // An inquiry to this hospital, answered by package.
    let request = desk.requests().expect("list").into_iter().find(|r| r.status.is_open()).expect("open request");
    let asked = desk.log_inquiry(&tenin_core::inquiry::NewInquiryInput {
        request_id: request.id.clone(),
        hospital_id: sender.hospital_id.clone(),
        contact: "地域連携室".into(),
        channel: tenin_core::inquiry::InquiryChannel::Phone,
        outcome: tenin_core::inquiry::InquiryOutcome::Waiting,
        decline_reason: None,
        note: String::new(),
        call_back_at: String::new(),
    });
    let asked = asked.expect("the sender also receives patients");
    let inquiry_id = asked.inquiries.last().expect("inquiry").id.clone();
    let answers = json!([{"inquiry_id": inquiry_id, "outcome": "accepted", "note": "明日受入可"}]);
    let answered = import(&mut desk, &sender.package(PackageKind::Answers, &answers));
    assert_eq!(answered.counts.changed, 1, "{:?}", answered.records);
    let inquiry =
        desk.request(&request.id).expect("detail").inquiries.into_iter().find(|i| i.id == inquiry_id).expect("i");
    assert_eq!(inquiry.outcome, tenin_core::inquiry::InquiryOutcome::Accepted);
    let declined = json!([{"inquiry_id": inquiry_id, "outcome": "declined", "decline_reason": "full"}]);
    let differs = import(&mut desk, &sender.package(PackageKind::Answers, &declined));
    assert_eq!(differs.records[0].outcome, Outcome::Conflict, "{:?}", differs.records);
}

#[test]
fn a_package_encrypted_to_the_desk_is_opened_and_inspected() {
    let (_dir, mut desk) = demo_desk();
    let sender = Sender::registered(&mut desk);
    let (desk_id, public) = desk.exchange_identity().expect("identity");
    let recipient = tenin_core::exchange::keys::parse_recipient(&public.encryption).expect("age recipient");
    let records = serde_json::to_vec(&json!([{"record_id": "E-1", "action": "new", "request": intake("E.N.", "77")}]))
        .expect("json");
    let envelope = envelope(&sender, &desk_id);
    let (bytes, _) = package::seal(envelope, &records, &sender.keys, Some(&recipient)).expect("sealed");
    assert!(package::is_encrypted(&bytes));
    assert!(!String::from_utf8_lossy(&bytes).contains("E.N."), "the content is not readable in the file");
    let info = desk.inspect_package(&bytes).expect("inspected");
    assert!(info.encrypted && info.for_this_desk);
    assert_eq!(info.signature, "valid");
    assert_eq!(info.manifest.records, 1);
    assert_eq!(import(&mut desk, &bytes).counts.new, 1);
}

#[test]
fn cancelling_an_import_keeps_nothing() {
    let (_dir, mut desk) = demo_desk();
    let mut sender = Sender::registered(&mut desk);
    let records: Vec<serde_json::Value> = (0..200)
        .map(|i| json!({"record_id": format!("X-{i}"), "action": "new", "request": intake("C.C.", &format!("{}", 60 + i % 30))}))
        .collect();
    let bytes = sender.package(PackageKind::Requests, &serde_json::Value::Array(records));
    let before = request_count(&desk);
    let stop_half_way = |done: u32, _total: u32| done < 100;
    let error = ErrorReport::from(desk.import_package("p.zip", &bytes, false, &stop_half_way).expect_err("cancelled"));
    assert_eq!(error.code, ErrorCode::Cancelled);
    assert_eq!(request_count(&desk), before);
    assert!(desk.exchanges(10).expect("log").is_empty());
}

#[test]
fn the_desk_sends_signed_directory_status_and_acknowledgement_packages() {
    let (dir, mut desk) = demo_desk();
    let mut sender = Sender::registered(&mut desk);
    let imported = import(
        &mut desk,
        &sender.package(
            PackageKind::Requests,
            &json!([{"record_id": "K-1", "action": "new", "request": intake("M.T.", "84")}]),
        ),
    );
    let out = dir.path().join("out");
    let directory = desk.export_package(&ExportRequest::Directory, Some(&out)).expect("directory");
    let status = desk
        .export_package(&ExportRequest::Status { hospital_id: sender.hospital_id.clone() }, Some(&out))
        .expect("status");
    let ack = desk
        .export_package(&ExportRequest::Acknowledgement { exchange_id: imported.exchange_id.clone() }, Some(&out))
        .expect("ack");
    assert_eq!(
        (directory.manifest.sequence, status.manifest.sequence, ack.manifest.sequence),
        (1, 1, 2),
        "numbered per recipient: the directory's stream, and the hospital's own without gaps"
    );
    assert_eq!(directory.manifest.recipient, "*");
    assert_eq!(status.manifest.recipient, sender.code);
    assert!(status.encrypted, "the hospital registered an age key: its status is encrypted to it");
    let desk_public = desk.exchange_identity().expect("identity").1;
    let verifying = tenin_core::exchange::keys::parse_public(&desk_public.signing).expect("key");
    let limits = package::Limits::default();

    let opened = package::open(&std::fs::read(&directory.path).expect("file"), None, &limits).expect("opens");
    opened.check_signature(&verifying).expect("signed by the desk");
    let entries: Vec<serde_json::Value> = serde_json::from_slice(opened.records()).expect("records");
    assert_eq!(entries.len() as u32, directory.manifest.records);
    assert!(entries.iter().any(|e| e["code"] == sender.code.as_str() && e["contacts"].is_array()));

    let bytes = std::fs::read(&status.path).expect("file");
    assert!(package::open(&bytes, None, &limits).is_err(), "only the hospital can open its status");
    let opened = package::open(&bytes, Some(sender.keys.age_identity()), &limits).expect("the hospital opens it");
    opened.check_signature(&verifying).expect("signed by the desk");
    let entries: Vec<serde_json::Value> = serde_json::from_slice(opened.records()).expect("records");
    let mine = entries.iter().find(|e| e["record_id"] == "K-1").expect("its request by its own id");
    assert_eq!(mine["ref_no"], imported.records[0].ref_no.as_str());
    assert_eq!(mine["status_label"], "新規受付");

    let opened = package::open(&std::fs::read(&ack.path).expect("file"), Some(sender.keys.age_identity()), &limits)
        .expect("ack opens");
    let entries: Vec<serde_json::Value> = serde_json::from_slice(opened.records()).expect("records");
    assert_eq!(entries[0]["records"][0]["outcome"], "new");
    assert_eq!(entries[0]["package_id"], imported.package_id.clone().expect("id").as_str());
    let log = desk.exchanges(10).expect("log");
    assert_eq!(log.iter().filter(|e| e.direction == "out" && e.result == "exported").count(), 3);
    let info = desk.inspect_package(&std::fs::read(&directory.path).expect("file")).expect("inspect");
    assert_eq!(info.signature, "valid", "the desk can check its own package");
}

mod templates {
    use super::*;
    use rust_xlsxwriter::Workbook;
    use tenin_core::desk::TemplateFormat;

    /// Fills the desk's own template the way a hospital clerk would: opens it, types rows, saves.
    fn filled_xlsx(code: &str, rows: &[[&str; 8]]) -> Vec<u8> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet().set_name("依頼").expect("sheet");
        sheet.write_string(0, 0, "医療機関コード").expect("w");
        sheet.write_string(0, 1, code).expect("w");
        let headers = ["管理番号", "区分", "イニシャル", "年齢", "性別", "住所地", "緊急度", "退院基準を満たした日"];
        for (col, header) in headers.iter().enumerate() {
            sheet.write_string(3, col as u16, *header).expect("w");
        }
        for (r, row) in rows.iter().enumerate() {
            for (col, value) in row.iter().enumerate() {
                sheet.write_string(4 + r as u32, col as u16, *value).expect("w");
            }
        }
        book.save_to_buffer().expect("xlsx")
    }

    #[test]
    fn the_template_has_the_code_lists_and_instructions() {
        let (dir, mut desk) = demo_desk();
        let sender = Sender::registered(&mut desk);
        let saved = desk.save_template(&sender.hospital_id, TemplateFormat::Xlsx, Some(dir.path())).expect("saved");
        let bytes = std::fs::read(&saved.path).expect("file");
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).expect("xlsx");
        use calamine::Reader;
        assert_eq!(book.sheet_names(), ["依頼", "記入方法", "選択肢"]);
        let sheet = book.worksheet_range("依頼").expect("sheet");
        assert_eq!(sheet.get_value((0, 1)).expect("code").to_string(), sender.code);
        assert_eq!(sheet.get_value((3, 0)).expect("header").to_string(), "管理番号");
        let lists = book.worksheet_range("選択肢").expect("lists");
        let values: Vec<String> =
            lists.rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|")).collect();
        assert!(values.iter().any(|v| v.contains("横浜市鶴見区")), "municipalities from the region pack");
        assert!(values.iter().any(|v| v.contains("地域包括ケア")), "bed types from the region pack: {values:?}");
        // The workbook carries drop-downs (data validations) on the request sheet.
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("xl/worksheets/sheet1.xml").expect("sheet1"), &mut xml)
            .expect("xml");
        assert!(xml.contains("<dataValidation type=\"list\""), "drop-down lists");

        let csv = desk.save_template(&sender.hospital_id, TemplateFormat::CsvCp932, Some(dir.path())).expect("csv");
        let bytes = std::fs::read(&csv.path).expect("csv file");
        let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
        assert!(!errors && text.contains("管理番号") && text.contains(&sender.code));
    }

    #[test]
    fn a_filled_in_xlsx_is_imported_and_refused_cells_come_back_in_the_error_report() {
        let (_dir, mut desk) = demo_desk();
        let sender = Sender::registered(&mut desk);
        let before = request_count(&desk);
        let bytes = filled_xlsx(
            &sender.code,
            &[
                ["T-1", "新規", "Ｍ．Ｔ．", "８４", "女性", "横浜市鶴見区", "至急", "R8.11.20"],
                ["T-2", "新規", "S.K.", "二十", "男性", "月面市", "通常", "2026-11-31"],
                ["T-3", "新規", "K.K.", "70", "男性", "141003", "早め", "令和8年11月19日"],
            ],
        );
        let preview = desk.import_template("from-hospital.xlsx", &bytes, true, &no_progress).expect("preview");
        assert_eq!((preview.counts.new, preview.counts.errors), (2, 1));
        assert_eq!(request_count(&desk), before);
        let report = desk.import_template("from-hospital.xlsx", &bytes, false, &no_progress).expect("import");
        assert_eq!(report.source, "template");
        assert_eq!((report.counts.new, report.counts.errors), (2, 1));
        assert_eq!(report.records[1].position, 6, "the sheet's row number");
        assert_eq!(request_count(&desk), before + 2);
        // A file made from the old template, without care columns: its care is not stated.
        let made =
            desk.requests().expect("list").into_iter().find(|r| r.ref_no == report.records[0].ref_no).expect("r");
        let care = desk.request(&made.id).expect("detail").care;
        assert_eq!(care.not_stated(), tenin_core::care::CareItem::ALL, "{care:?}");
        let again = desk.import_template("same.xlsx", &bytes, false, &no_progress).expect("again");
        assert!(again.already_imported_at.is_some());
        assert_eq!(request_count(&desk), before + 2);

        let errors = desk.template_error_report(&bytes, &report).expect("error report");
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(errors.clone())).expect("xlsx");
        use calamine::Reader;
        let list = book.worksheet_range("メッセージ一覧").expect("messages");
        let rows: Vec<String> =
            list.rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|")).collect();
        assert!(rows.iter().any(|r| r.starts_with("6|住所地|") && r.contains("月面市")), "{rows:?}");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(errors)).expect("zip");
        assert!(archive.by_name("xl/comments1.xml").is_ok(), "the refused cell carries a note");
    }

    /// The headers of the desk's own template for `sender`, as a hospital's copy would have them.
    fn template_headers(desk: &mut Desk, sender: &Sender, dir: &std::path::Path) -> Vec<String> {
        let saved = desk.save_template(&sender.hospital_id, TemplateFormat::Xlsx, Some(dir)).expect("saved");
        let bytes = std::fs::read(&saved.path).expect("file");
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
        use calamine::Reader;
        let sheet = book.worksheet_range("依頼").expect("sheet");
        sheet.rows().nth(3).expect("header row").iter().map(|c| c.to_string()).collect()
    }

    /// A workbook with `headers` on row 4 and `rows` by header, the rest blank.
    fn sheet_by_header(code: &str, headers: &[String], rows: &[&[(&str, &str)]]) -> Vec<u8> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet().set_name("依頼").expect("sheet");
        sheet.write_string(0, 0, "医療機関コード").expect("w");
        sheet.write_string(0, 1, code).expect("w");
        for (col, header) in headers.iter().enumerate() {
            sheet.write_string(3, col as u16, header).expect("w");
        }
        for (r, row) in rows.iter().enumerate() {
            for (label, value) in row.iter() {
                let col = headers.iter().position(|h| h == label).unwrap_or_else(|| panic!("no column {label}"));
                if let Ok(number) = value.parse::<f64>() {
                    sheet.write_number(4 + r as u32, col as u16, number).expect("w");
                } else {
                    sheet.write_string(4 + r as u32, col as u16, *value).expect("w");
                }
            }
        }
        book.save_to_buffer().expect("xlsx")
    }

    #[test]
    fn the_template_carries_care_with_drop_downs_and_blank_means_not_stated() {
        use tenin_core::care::{Adl, CareItem, Dialysis, TubeFeeding};
        let (dir, mut desk) = demo_desk();
        let sender = Sender::registered(&mut desk);
        let headers = template_headers(&mut desk, &sender, dir.path());
        for label in [
            "陽性判明日",
            "酸素（L/分）",
            "透析",
            "経管栄養",
            "気管切開",
            "吸引",
            "点滴ライン",
            "認知症（BPSD）",
            "精神科対応",
            "隔離",
            "ADL",
            "高度肥満",
        ] {
            assert!(headers.iter().any(|h| h == label), "{label} in {headers:?}");
        }
        let saved = desk.save_template(&sender.hospital_id, TemplateFormat::Xlsx, Some(dir.path())).expect("saved");
        let bytes = std::fs::read(&saved.path).expect("file");
        // Read back: every care column but oxygen has a list from the 選択肢 sheet; oxygen a number.
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).expect("zip");
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("xl/worksheets/sheet1.xml").expect("sheet1"), &mut xml)
            .expect("xml");
        let letter = |label: &str| {
            let i = headers.iter().position(|h| h == label).expect("column") as u8;
            char::from(b'A' + i).to_string()
        };
        let validation_of = |label: &str| -> String {
            let range = format!("sqref=\"{}5:{}204\"", letter(label), letter(label));
            let at = xml.find(&range).unwrap_or_else(|| panic!("no validation on {label}: {xml}"));
            let start = xml[..at].rfind("<dataValidation ").expect("element");
            let end = at + xml[at..].find("</dataValidation>").expect("end");
            xml[start..end].to_owned()
        };
        for label in [
            "透析",
            "経管栄養",
            "気管切開",
            "吸引",
            "点滴ライン",
            "認知症（BPSD）",
            "精神科対応",
            "隔離",
            "ADL",
            "高度肥満",
        ] {
            assert!(validation_of(label).contains("type=\"list\""), "{label}: {}", validation_of(label));
        }
        let oxygen = validation_of("酸素（L/分）");
        assert!(oxygen.contains("type=\"decimal\"") && oxygen.contains("<formula2>15</formula2>"), "{oxygen}");
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
        use calamine::Reader;
        let lists = book.worksheet_range("選択肢").expect("lists");
        let columns: Vec<Vec<String>> = (0..lists.width())
            .map(|c| lists.rows().map(|r| r[c].to_string()).filter(|v| !v.is_empty()).collect())
            .collect();
        assert!(
            columns.contains(&vec!["透析".into(), "なし".into(), "血液透析（HD）".into(), "腹膜透析（PD）".into()]),
            "{columns:?}"
        );
        assert!(
            columns.contains(&vec!["ADL".into(), "自立".into(), "一部介助".into(), "全介助".into()]),
            "{columns:?}"
        );
        let instructions = book.worksheet_range("記入方法").expect("instructions");
        let text: String = instructions.rows().map(|r| r[0].to_string()).collect::<Vec<_>>().join("\n");
        assert!(text.contains("空欄は「なし」ではなく「未確認」"), "{text}");

        let filled = sheet_by_header(
            &sender.code,
            &headers,
            &[
                &[
                    ("管理番号", "C-1"),
                    ("イニシャル", "F.F."),
                    ("年齢", "84"),
                    ("性別", "女性"),
                    ("陽性判明日", "なし"),
                    ("酸素（L/分）", "2"),
                    ("透析", "血液透析（HD）"),
                    ("経管栄養", "胃瘻"),
                    ("気管切開", "なし"),
                    ("吸引", "なし"),
                    ("点滴ライン", "なし"),
                    ("認知症（BPSD）", "なし"),
                    ("精神科対応", "なし"),
                    ("隔離", "なし"),
                    ("ADL", "全介助"),
                    ("高度肥満", "なし"),
                    ("病状の要約", "酸素2L 胃瘻 全介助"),
                ],
                &[
                    ("管理番号", "C-2"),
                    ("イニシャル", "B.B."),
                    ("年齢", "77"),
                    ("性別", "男性"),
                    ("病状の要約", "酸素2L 胃瘻 全介助"),
                ],
                &[("管理番号", "C-3"), ("イニシャル", "E.E."), ("年齢", "70"), ("性別", "男性"), ("吸引", "たまに")],
            ],
        );
        let report = desk.import_template("care.xlsx", &filled, false, &no_progress).expect("imported");
        assert_eq!((report.counts.new, report.counts.errors), (2, 1), "{:?}", report.records);
        let detail = |ref_no: &str| {
            let found = desk.requests().expect("list").into_iter().find(|r| r.ref_no == ref_no).expect("request");
            desk.request(&found.id).expect("detail")
        };
        let full = detail(&report.records[0].ref_no);
        assert_eq!(
            (full.care.oxygen_l_per_min, full.care.dialysis, full.care.tube_feeding, full.care.adl),
            (Some(2.0), Some(Dialysis::Hd), Some(TubeFeeding::Peg), Adl::FullAssist)
        );
        assert!(full.care.not_stated().is_empty(), "every item answered");
        assert_eq!(full.covid_dates_none, ["positive_test_date"]);
        let blank = detail(&report.records[1].ref_no);
        assert_eq!(blank.care.not_stated(), CareItem::ALL, "a blank cell never reads as none");
        let listed = blank.quality.items.iter().filter(|i| i.field.starts_with("care.")).count();
        assert_eq!(listed, CareItem::ALL.len(), "each on the checklist");
        // The refused cell is named in the error report.
        let errors = desk.template_error_report(&filled, &report).expect("error report");
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(errors)).expect("xlsx");
        let list = book.worksheet_range("メッセージ一覧").expect("messages");
        let rows: Vec<String> =
            list.rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|")).collect();
        assert!(rows.iter().any(|r| r.starts_with("7|吸引|「たまに」は選べません")), "{rows:?}");
    }

    #[test]
    fn csv_in_utf8_or_cp932_goes_through_the_same_checks_and_bad_bytes_are_refused() {
        let (_dir, mut desk) = demo_desk();
        let sender = Sender::registered(&mut desk);
        let text = format!(
            "医療機関コード,{}\r\n\r\n管理番号,区分,イニシャル,年齢,性別,住所地,病状の要約\r\nV-1,新規,A.B.,88,女性,横浜市鶴見区,髙橋医師より～経過良好\r\n",
            sender.code
        );
        let (cp932, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&text);
        assert!(!unmappable);
        let report = desk.import_template("cp932.csv", &cp932, false, &no_progress).expect("cp932");
        assert_eq!(report.counts.new, 1, "{:?}", report.records);
        let request =
            desk.requests().expect("list").into_iter().find(|r| r.ref_no == report.records[0].ref_no).expect("r");
        assert_eq!(desk.request(&request.id).expect("detail").clinical_summary, "髙橋医師より～経過良好");

        let mut utf8 = vec![0xEF, 0xBB, 0xBF];
        utf8.extend_from_slice(text.replace("V-1,新規,A.B.,88", "V-2,新規,C.D.,77").as_bytes());
        assert_eq!(desk.import_template("utf8.csv", &utf8, false, &no_progress).expect("utf8").counts.new, 1);
        // The same patient again under another number: a possible duplicate, for a nurse to decide.
        let mut twin = vec![0xEF, 0xBB, 0xBF];
        twin.extend_from_slice(text.replace("V-1", "V-3").as_bytes());
        let twin = desk.import_template("twin.csv", &twin, false, &no_progress).expect("twin");
        assert_eq!(twin.counts.conflicts, 1);
        let conflict = desk.import_conflicts().expect("queue").remove(0);
        assert_eq!(conflict.reason, "possible_duplicate");
        // The queue keeps the row as the record it reads as, so the nurse's decision can apply it.
        let kept: serde_json::Value = serde_json::from_str(&conflict.record).expect("json");
        assert_eq!(kept["request"]["patient_initials"], "A.B.", "{kept}");
        let before = request_count(&desk);
        let decided = desk.resolve_conflict(&conflict.id, ConflictDecision::TakeHospital).expect("taken");
        assert_eq!(decided.status, "applied");
        assert_eq!(request_count(&desk), before + 1, "registered as its own request");

        // A hospital name CP932 cannot hold: written as 〓 and named, never dropped silently.
        let file =
            tenin_core::exchange::template::csv("1410110009", "𠮷野記念病院", tenin_core::csv_file::CsvEncoding::Cp932)
                .expect("csv");
        assert_eq!(file.substituted, ['𠮷']);
        assert!(encoding_rs::SHIFT_JIS.decode(&file.bytes).0.contains("〓野記念病院"));

        // Neither UTF-8 nor CP932 (a lone lead byte at the end): refused, not guessed.
        let mut broken = cp932.to_vec();
        broken.extend_from_slice(&[0x81]);
        let error =
            ErrorReport::from(desk.import_template("bad.csv", &broken, false, &no_progress).expect_err("refused"));
        assert!(error.message.contains("文字コード"), "{}", error.message);
        // A 100 MB cell: refused whole before any row is read.
        let mut huge = text.clone().into_bytes();
        huge.extend(std::iter::repeat_n(b'x', 100 << 20));
        let error =
            ErrorReport::from(desk.import_template("huge.csv", &huge, false, &no_progress).expect_err("refused"));
        assert_eq!(error.refusal.map(|c| c.as_str()), Some("too_large"));
    }
}

pub(crate) mod history {
    use super::*;
    use tenin_core::exchange::history::HistoryMapping;

    const FILE: &str = "旧番号,依頼日時,依頼元,患者住所,結果,決定日時,受入先,搬送,年齢,性別\r\n\
        H-1,2024/05/01 10:00,桜総合病院,横浜市鶴見区,転院済,2024/05/01 13:00,緑風療養病院,民間救急,84,女\r\n\
        H-2,R6.5.2 09:30,1410110009,141003,受入決定,R6.5.2 11:00,白鷺病院,,79,男\r\n\
        H-3,2024-05-03 08:00,若葉記念病院,不明,調整不成立,2024-05-06 17:00,,,90,女\r\n\
        H-4,2024-05-04 08:00,若葉記念病院,横浜市鶴見区,取下げ,2024-05-04 12:00,,,88,\r\n\
        H-5,2024-05-05 08:00,架空病院,横浜市鶴見区,転院済,2024-05-05 12:00,白鷺病院,民間救急,70,男\r\n\
        H-6,2024-05-35 08:00,桜総合病院,横浜市鶴見区,転院済,2024-05-06 12:00,白鷺病院,民間救急,70,男\r\n\
        H-7,2024-05-07 08:00,桜総合病院,横浜市鶴見区,転院済,2024-05-07 12:00,白鷺病院,,70,男\r\n";

    /// The columns of `FILE` (and of files written like it elsewhere in the tests).
    pub(crate) fn mapping() -> HistoryMapping {
        let mut mapping = HistoryMapping::default();
        for (field, column) in [
            ("source_id", "旧番号"),
            ("registered_at", "依頼日時"),
            ("referring_hospital", "依頼元"),
            ("residence", "患者住所"),
            ("outcome", "結果"),
            ("outcome_at", "決定日時"),
            ("receiving_hospital", "受入先"),
            ("transport_mode", "搬送"),
            ("patient_age", "年齢"),
            ("patient_sex", "性別"),
        ] {
            mapping.columns.insert(field.into(), column.into());
        }
        mapping
    }

    #[test]
    fn past_cases_come_in_through_a_mapping_and_count_in_the_statistics() {
        let (_dir, mut desk) = demo_desk();
        let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(FILE);
        assert!(!unmappable);
        let columns = desk.history_columns(&bytes).expect("columns");
        assert_eq!(columns.rows, 7);
        assert_eq!(columns.suggested.columns.get("outcome").map(String::as_str), Some("結果"), "recognised by name");
        assert_eq!(columns.suggested.columns.get("registered_at").map(String::as_str), Some("依頼日時"), "an alias");
        assert_eq!(columns.unmapped_required, ["住所地"], "患者住所 needs the nurse's mapping");
        desk.save_history_mapping("旧システム", &mapping()).expect("saved");
        let saved = desk.history_mappings().expect("mappings");
        assert_eq!(saved, vec![("旧システム".to_owned(), mapping())]);

        let before = request_count(&desk);
        let preview = desk.import_history("old.csv", &bytes, &mapping(), true, &no_progress).expect("preview");
        assert_eq!((preview.counts.new, preview.counts.errors), (4, 3), "{:?}", preview.records);
        assert_eq!(request_count(&desk), before);
        let report = desk.import_history("old.csv", &bytes, &mapping(), false, &no_progress).expect("import");
        assert_eq!((report.counts.new, report.counts.errors), (4, 3));
        let reasons: Vec<&str> = report.records[4..].iter().map(|r| r.reasons[0].field.as_str()).collect();
        assert_eq!(reasons, ["依頼元", "依頼日時", "搬送"], "each refusal names the file's column");
        let requests = desk.requests().expect("list");
        assert_eq!(requests.len(), before + 4);
        let statuses: Vec<RequestStatus> = report.records[..4]
            .iter()
            .map(|r| requests.iter().find(|q| q.ref_no == r.ref_no).expect("r").status)
            .collect();
        assert_eq!(
            statuses,
            [RequestStatus::Transferred, RequestStatus::Placed, RequestStatus::NotPlaced, RequestStatus::Withdrawn]
        );
        let first = requests.iter().find(|q| q.ref_no == report.records[0].ref_no).expect("first");
        assert!(first.ref_no.starts_with("240501-"), "numbered by its own day: {}", first.ref_no);
        let detail = desk.request(&first.id).expect("detail");
        assert_eq!(detail.placement.as_ref().map(|p| p.hospital_name.as_str()), Some("緑風療養病院"));
        assert!(detail.history.iter().any(|h| h.note.contains("搬送手段: private_ambulance")), "{:?}", detail.history);

        // Statistics cover the imported history: May 2024 has the two placements, 3 hours and 1.5 hours.
        let may = chrono::NaiveDate::from_ymd_opt(2024, 5, 1).expect("date");
        let times = desk.placement_times(may, may + chrono::Duration::days(30)).expect("times");
        assert_eq!(times.overall.count, 2);
        assert_eq!(desk.integrity_check().expect("check"), "ok", "the kept monthly counts agree");

        let again = desk.import_history("old-again.csv", &bytes, &mapping(), false, &no_progress).expect("again");
        assert!(again.already_imported_at.is_some());
        // The same cases in another file (one row fixed): by the old numbers, nothing is doubled.
        let fixed = FILE.replace("2024-05-35", "2024-05-06").replace(
            "H-7,2024-05-07 08:00,桜総合病院,横浜市鶴見区,転院済,2024-05-07 12:00,白鷺病院,,",
            "H-7,2024-05-07 08:00,桜総合病院,横浜市鶴見区,転院済,2024-05-07 12:00,白鷺病院,民間救急,",
        );
        let second =
            desk.import_history("fixed.csv", fixed.as_bytes(), &mapping(), false, &no_progress).expect("fixed");
        assert_eq!(
            (second.counts.new, second.counts.unchanged, second.counts.errors),
            (2, 4, 1),
            "{:?}",
            second.records
        );
        assert!(desk.verify_audit().expect("chain").broken_at.is_none());
    }

    /// `rows` cases over three days of April 2023; every hundredth names an unknown hospital.
    fn many(rows: usize) -> String {
        let outcomes = ["転院済", "受入決定", "調整不成立", "取下げ"];
        let mut file = String::from("旧番号,依頼日時,依頼元,患者住所,結果,決定日時,受入先,搬送,年齢,性別\n");
        for i in 0..rows {
            let day = 1 + i % 3;
            let outcome = outcomes[i % 4];
            let referrer = if i % 100 == 99 { "架空病院" } else { "桜総合病院" };
            let receiver = if i % 4 < 2 { "白鷺病院" } else { "" };
            let mode = if i % 4 == 0 { "民間救急" } else { "" };
            file.push_str(&format!(
                "B-{i},2023-04-0{day} 09:00,{referrer},横浜市鶴見区,{outcome},2023-04-0{day} 15:00,{receiver},{mode},{},女\n",
                60 + i % 40
            ));
        }
        file
    }

    #[test]
    fn a_large_history_is_written_in_chunks_numbered_in_order_with_repeats_and_refusals_kept() {
        let (_dir, mut desk) = demo_desk();
        // 1,300 rows: three chunks of the import. B-5 again in its own chunk, B-650 again in its
        // own chunk and again after it was written.
        let mut file = many(1300);
        for (row, repeated) in [(10, 5), (700, 650), (1200, 650)] {
            file = file.replacen(&format!("\nB-{row},"), &format!("\nB-{repeated},"), 1);
        }
        let before = request_count(&desk);
        let report = desk.import_history("many.csv", file.as_bytes(), &mapping(), false, &no_progress).expect("import");
        assert_eq!((report.counts.new, report.counts.unchanged, report.counts.errors), (1284, 3, 13));
        assert_eq!(request_count(&desk), before + 1284);
        assert_eq!(report.records.len(), 1300, "a result for every row, in the file's order");
        assert!(
            report.records.iter().enumerate().all(|(i, r)| r.position as usize == i + 2),
            "rows keep their numbers"
        );
        for (row, first) in [(10, 5), (700, 650), (1200, 650)] {
            assert_eq!(report.records[row].outcome, Outcome::Unchanged);
            assert_eq!(report.records[row].ref_no, report.records[first].ref_no, "row {row} is B-{first}");
        }
        assert_eq!(report.records[99].outcome, Outcome::Error);
        assert_eq!(report.records[99].reasons[0].field, "依頼元");
        assert_eq!(desk.quarantined(Some(&report.exchange_id)).expect("kept").len(), 13);
        // Each day's numbers run 001, 002, … in the file's order, across the chunks.
        for day in 1..=3 {
            let numbers: Vec<u32> = report
                .records
                .iter()
                .filter(|r| r.outcome == Outcome::New && r.ref_no.starts_with(&format!("23040{day}-")))
                .map(|r| r.ref_no[7..].parse().expect("number"))
                .collect();
            assert_eq!(numbers, (1..=numbers.len() as u32).collect::<Vec<_>>(), "day {day}");
        }
        let request = desk
            .requests()
            .expect("list")
            .into_iter()
            .find(|q| q.ref_no == report.records[1000].ref_no)
            .expect("row 1000");
        assert_eq!(request.status, RequestStatus::Transferred);
        let detail = desk.request(&request.id).expect("detail");
        let moves: Vec<RequestStatus> = detail.history.iter().map(|h| h.to).collect();
        assert_eq!(
            moves,
            [
                RequestStatus::New,
                RequestStatus::Coordinating,
                RequestStatus::Placed,
                RequestStatus::ArrangingTransport,
                RequestStatus::Transferred
            ]
        );
        assert_eq!(detail.placement.as_ref().map(|p| p.hospital_name.as_str()), Some("白鷺病院"));
        assert_eq!(desk.integrity_check().expect("check"), "ok", "the kept monthly counts agree");
        assert!(desk.verify_audit().expect("chain").broken_at.is_none(), "one audit entry per case, chained");
        let april = chrono::NaiveDate::from_ymd_opt(2023, 4, 1).expect("date");
        let placed = report.records.iter().enumerate().filter(|(i, r)| r.outcome == Outcome::New && i % 4 < 2).count();
        let times = desk.placement_times(april, april + chrono::Duration::days(29)).expect("times");
        assert_eq!(times.overall.count as usize, placed, "every placement counted");

        // Cancelled after the first chunk was written: nothing of it stays.
        let other = many(1100).replace("B-", "C-").replace("2023-04-0", "2023-05-0");
        let stop_after_first_chunk = |done: u32, _total: u32| done == 0;
        let error = ErrorReport::from(
            desk.import_history("cancel.csv", other.as_bytes(), &mapping(), false, &stop_after_first_chunk)
                .expect_err("cancelled"),
        );
        assert_eq!(error.code, ErrorCode::Cancelled);
        assert_eq!(request_count(&desk), before + 1284);

        // A file found unreadable after two chunks were read, checked and written (its row 1,101
        // holds a cell beyond Excel's 32,767 characters): refused whole, nothing of it stays.
        let mut broken = many(1100).replace("B-", "D-").replace("2023-04-0", "2023-06-0");
        broken.push_str(&format!("D-X,{},桜総合病院,横浜市鶴見区,転院済,,,,80,女\n", "9".repeat(40_000)));
        let error = ErrorReport::from(
            desk.import_history("broken.csv", broken.as_bytes(), &mapping(), false, &no_progress).expect_err("refused"),
        );
        assert_eq!(error.code, ErrorCode::PackageRefused, "{}", error.message);
        assert_eq!(request_count(&desk), before + 1284, "nothing of the chunks before it stays");
    }
}
