//! The referral travels whole: consent first, inquiry packages to candidates (read by the hospital
//! with its own keys), answers back, a placement in one step, the patient-information sheet, and
//! the sync folder's cycle.

use serde_json::json;
use tenin_core::Desk;
use tenin_core::desk::{SendInquiriesInput, SyncSettings};
use tenin_core::error::{ErrorCode, ErrorReport, Rule};
use tenin_core::exchange::inquiry::{DeskContact, InquiryRecord};
use tenin_core::exchange::keys;
use tenin_core::exchange::manifest::PackageKind;
use tenin_core::exchange::package;
use tenin_core::hospital::HospitalFilter;
use tenin_core::inquiry::{InquiryChannel, InquiryOutcome};
use tenin_core::request_status::RequestStatus;

use crate::demo_desk;
use crate::exchange::Sender;

/// A receiving hospital of the demo as a package partner (its keys registered at the desk).
fn receiving_partner(desk: &mut Desk, nth: usize) -> Sender {
    let hospital = desk
        .hospitals(&HospitalFilter::default())
        .expect("hospitals")
        .into_iter()
        .filter(|h| h.is_receiving && h.active && !h.is_referring)
        .nth(nth)
        .expect("a receiving hospital");
    let keys = keys::KeyPair::generate();
    let public = keys.public();
    desk.set_hospital_keys(&hospital.id, &public.signing, &public.encryption).expect("keys");
    let desk_id = desk.exchange_identity().expect("identity").0;
    Sender { code: hospital.code, hospital_id: hospital.id, keys, desk_id, sequence: 0 }
}

/// A coordinating demo request (the demo records consent for those past intake).
fn coordinating(desk: &Desk) -> String {
    desk.requests()
        .expect("list")
        .into_iter()
        .find(|r| r.status == RequestStatus::Coordinating)
        .expect("a coordinating request")
        .id
}

fn ask(request_id: &str, hospitals: &[&Sender]) -> SendInquiriesInput {
    SendInquiriesInput {
        request_id: request_id.to_owned(),
        hospital_ids: hospitals.iter().map(|h| h.hospital_id.clone()).collect(),
        reply_by: "2099-01-01T10:00".into(),
        note: String::new(),
    }
}

#[test]
fn nothing_about_a_patient_leaves_without_consent() {
    let (dir, mut desk) = demo_desk();
    let partner = receiving_partner(&mut desk, 0);
    let fresh = desk.requests().expect("list").into_iter().find(|r| r.status == RequestStatus::New).expect("new").id;
    assert!(desk.request(&fresh).expect("detail").consent.is_none(), "the demo's newest have no consent yet");
    let refused =
        ErrorReport::from(desk.send_inquiries(&ask(&fresh, &[&partner]), Some(dir.path())).expect_err("no consent"));
    assert_eq!(refused.rule, Some(Rule::NoConsent));
    let sheet = ErrorReport::from(desk.patient_sheet_html(&fresh, None, "").expect_err("no consent"));
    assert_eq!(sheet.rule, Some(Rule::NoConsent));
    assert!(desk.request(&fresh).expect("detail").inquiries.is_empty(), "nothing logged");

    let blank = ErrorReport::from(desk.record_consent(&fresh, "  ").expect_err("who"));
    assert_eq!(blank.code, ErrorCode::Validation);
    let detail = desk.record_consent(&fresh, "長男").expect("recorded");
    let consent = detail.consent.expect("consent");
    assert_eq!((consent.given_by.as_str(), consent.recorded_by_name.as_str()), ("長男", "管理者 太郎"));
    let audit = desk.audit_log(&Default::default()).expect("audit");
    assert!(audit.iter().any(|a| a.entity == "consent" && a.entity_id == fresh), "audited");
    assert!(desk.patient_sheet_html(&fresh, None, "").expect("sheet").contains("長男より同意"));
}

#[test]
fn an_inquiry_package_carries_what_the_candidate_needs_and_only_it_can_read_it() {
    let (dir, mut desk) = demo_desk();
    desk.set_desk_contact(&DeskContact {
        name: "県転院調整デスク".into(),
        phone: "045-000-0000".into(),
        fax: "045-000-0001".into(),
    })
    .expect("contact");
    let partner = receiving_partner(&mut desk, 0);
    let other = receiving_partner(&mut desk, 1);
    let id = coordinating(&desk);
    let out = dir.path().join("out");
    let sent = desk.send_inquiries(&ask(&id, &[&partner, &other]), Some(&out)).expect("sent");
    assert_eq!(sent.sent.len(), 2);
    let logged: Vec<_> = sent.request.inquiries.iter().filter(|i| i.channel == InquiryChannel::Package).collect();
    assert_eq!(logged.len(), 2, "one inquiry per hospital, channel package");
    assert!(
        logged.iter().all(|i| i.outcome == InquiryOutcome::Waiting && i.call_back_at.is_some()),
        "reply-by is the call-back"
    );

    let first = sent.sent.iter().find(|s| s.hospital_id == partner.hospital_id).expect("partner's");
    let package_file = first.package.as_ref().expect("written").path.clone();
    let bytes = std::fs::read(&package_file).expect("file");
    assert!(package::is_encrypted(&bytes), "always encrypted to the hospital");
    let desk_key = keys::parse_public(&desk.exchange_identity().expect("id").1.signing).expect("key");
    let opened = package::open_for_recipient(&bytes, &partner.keys, Some(&desk_key)).expect("the partner opens it");
    assert_eq!((opened.manifest.kind, opened.manifest.format_version), (PackageKind::Inquiry, 2));
    let record: InquiryRecord = serde_json::from_value(opened.records[0].clone()).expect("an inquiry record");
    let detail = desk.request(&id).expect("detail");
    assert_eq!(record.inquiry_id, first.inquiry_id);
    assert_eq!(
        (record.ref_no.as_str(), record.patient_initials.as_str()),
        (detail.summary.ref_no.as_str(), detail.summary.patient_initials.as_str())
    );
    assert_eq!(record.care, detail.care, "care as stored, not stated items included as such");
    assert_eq!(record.desk.fax, "045-000-0001");
    assert!(record.reply_by.as_deref().is_some_and(|at| at.starts_with("2099-01-01T01:00")), "{:?}", record.reply_by);
    assert!(package::open_for_recipient(&bytes, &other.keys, None).is_err(), "another hospital cannot read it");
    let forged = keys::parse_public(&other.keys.public().signing).expect("key");
    assert!(package::open_for_recipient(&bytes, &partner.keys, Some(&forged)).is_err(), "a wrong desk key is refused");

    // A hospital without an encryption key, or that has sent only format 1, gets the sheet instead.
    let hospitals = desk.hospitals(&HospitalFilter::default()).expect("list");
    let keyless = hospitals.iter().filter(|h| h.is_receiving && !h.is_referring).nth(3).expect("one").clone();
    let refused = ErrorReport::from(
        desk.send_inquiries(
            &SendInquiriesInput { hospital_ids: vec![keyless.id.clone()], ..ask(&id, &[]) },
            Some(&out),
        )
        .expect_err("no key"),
    );
    assert!(
        refused.problems[0].message.contains(&keyless.name) && refused.problems[0].message.contains("FAX"),
        "{refused:?}"
    );
    let old = receiving_partner(&mut desk, 2);
    let v1 = capacity_in_version(&old, 1);
    desk.import_package("v1.zip", &v1, false, &|_, _| true).expect("a format-1 package");
    let refused = ErrorReport::from(desk.send_inquiries(&ask(&id, &[&old]), Some(&out)).expect_err("format 1 only"));
    assert!(refused.problems[0].message.contains("形式1"), "{refused:?}");
    let status = desk
        .export_package(&tenin_core::desk::ExportRequest::Status { hospital_id: old.hospital_id.clone() }, Some(&out))
        .expect("status");
    assert_eq!(status.manifest.format_version, 1, "the desk answers a format-1 hospital in format 1");
    let sheet = desk.patient_sheet_html(&id, Some(&keyless.id), "2099-01-01T10:00").expect("sheet");
    assert!(sheet.contains(&format!("{} 御中", keyless.name)) && sheet.contains("FAX送信票"));
}

/// An empty capacity package in format `version` (as the format-1 hospitals that exist send).
fn capacity_in_version(sender: &Sender, version: u32) -> Vec<u8> {
    let envelope = package::Envelope {
        format_version: version,
        package_id: tenin_core::ids::new_id(),
        kind: PackageKind::Capacity,
        sender: &sender.code,
        recipient: &sender.desk_id,
        sequence: 1,
        created_at: "2026-11-22T01:00:00Z".into(),
        records: 0,
    };
    package::seal(envelope, b"[]", &sender.keys, None).expect("sealed").0
}

#[test]
fn an_acceptance_becomes_a_placement_in_one_step_and_placed_always_names_the_hospital() {
    let (dir, mut desk) = demo_desk();
    let mut partner = receiving_partner(&mut desk, 0);
    let id = coordinating(&desk);
    let refused = ErrorReport::from(desk.transition(&id, RequestStatus::Placed, None, "").expect_err("no acceptance"));
    assert_eq!(refused.rule, Some(Rule::NoAcceptance));
    let sent = desk.send_inquiries(&ask(&id, &[&partner]), Some(dir.path())).expect("sent");
    let inquiry_id = sent.sent[0].inquiry_id.clone();
    let answer = partner.package(
        PackageKind::Answers,
        &json!([{"inquiry_id": inquiry_id, "outcome": "accepted", "note": "明日受入可"}]),
    );
    let report = desk.import_package("answer.zip", &answer, false, &|_, _| true).expect("answered");
    assert_eq!(report.counts.changed, 1);
    let detail = desk.request(&id).expect("detail");
    assert_eq!(detail.placement.as_ref().map(|p| p.hospital_id.as_str()), Some(partner.hospital_id.as_str()));
    assert_eq!(detail.summary.status, RequestStatus::Coordinating, "an answer alone does not place");
    let placed = desk.place(&id, &partner.hospital_id, Some(detail.version), "").expect("one step");
    assert_eq!(placed.summary.status, RequestStatus::Placed);
    assert_eq!(placed.inquiries.len(), detail.inquiries.len(), "the logged acceptance was used, no new one");

    // Agreed by phone and not logged: the acceptance is logged in the same step.
    let other = coordinating(&desk);
    let before = desk.request(&other).expect("detail").inquiries.len();
    let placed = desk.place(&other, &partner.hospital_id, None, "電話で受入可").expect("placed");
    assert_eq!(placed.inquiries.len(), before + 1);
    let logged = placed.inquiries.last().expect("logged");
    assert_eq!((logged.outcome, logged.channel), (InquiryOutcome::Accepted, InquiryChannel::Phone));
    assert_eq!(placed.placement.expect("placement").hospital_id, partner.hospital_id);
}

#[test]
fn a_sync_cycle_takes_in_answers_and_writes_what_is_due_once() {
    let (dir, mut desk) = demo_desk();
    let root = dir.path().join("shared");
    std::fs::create_dir_all(&root).expect("root");
    desk.set_sync_settings(&SyncSettings {
        root: root.display().to_string(),
        every_minutes: 10,
        require_preview: false,
    })
    .expect("settings");
    let mut partner = receiving_partner(&mut desk, 0);
    let id = coordinating(&desk);
    let sent = desk.send_inquiries(&ask(&id, &[&partner]), None).expect("sent");
    let hospital_folder = root.join(format!("to-{}", partner.code));
    let inquiry_file = std::path::PathBuf::from(&sent.sent[0].package.as_ref().expect("written").path);
    assert_eq!(inquiry_file.parent(), Some(hospital_folder.as_path()), "into the hospital's folder of the root");

    let inbox = root.join(format!("to-{}", partner.desk_id));
    std::fs::create_dir_all(&inbox).expect("desk folder");
    let answer =
        partner.package(PackageKind::Answers, &json!([{"inquiry_id": sent.sent[0].inquiry_id, "outcome": "accepted"}]));
    std::fs::write(inbox.join("answer.zip.part"), &answer).expect("still being written");
    let run = desk.sync_once().expect("cycle");
    assert_eq!(run.files_in, 0, "a .part is not taken");
    std::fs::rename(inbox.join("answer.zip.part"), inbox.join("answer.zip")).expect("complete");
    let run = desk.sync_once().expect("cycle");
    assert_eq!(run.files_in, 1);
    let taken = run.files.iter().find(|f| f.direction == "in").expect("the answer taken in");
    assert_eq!(taken.result, "applied");
    assert_eq!(taken.counts.map(|c| c.changed + c.new), Some(1), "its counts, for the UI to word");
    assert!(!inbox.join("answer.zip").exists(), "taken out of the shared root");
    let archived: Vec<_> = walk(&dir.path().join("sync/archive"));
    assert!(archived.iter().any(|p| p.ends_with("answer.zip")), "kept locally: {archived:?}");
    assert!(desk.request(&id).expect("detail").placement.is_some(), "the answer was applied");
    let kinds = |run: &tenin_core::desk::SyncRun| -> Vec<String> {
        run.files.iter().filter(|f| f.direction == "out").map(|f| f.kind.clone()).collect()
    };
    assert!(kinds(&run).contains(&"acknowledgement".to_owned()), "{:?}", run.files);
    // Nothing changed since: the next cycle writes nothing; the same file again applies nothing.
    let quiet = desk.sync_once().expect("cycle");
    assert_eq!((quiet.files_in, quiet.files_out), (0, 0), "{:?}", quiet.files);
    std::fs::write(inbox.join("answer-again.zip"), &answer).expect("again");
    let again = desk.sync_once().expect("cycle");
    assert_eq!(again.files.iter().find(|f| f.direction == "in").map(|f| f.result.as_str()), Some("unchanged"));
    assert_eq!(kinds(&again), Vec::<String>::new(), "acknowledged once");
    // Every file the desk wrote opens for the partner, each numbered once, in order.
    let mut numbers = Vec::new();
    let desk_key = keys::parse_public(&desk.exchange_identity().expect("id").1.signing).expect("key");
    for file in walk(&hospital_folder) {
        let opened = package::open_for_recipient(&std::fs::read(&file).expect("read"), &partner.keys, Some(&desk_key))
            .expect("the partner opens every file");
        if opened.manifest.recipient == partner.code {
            numbers.push(opened.manifest.sequence);
        }
    }
    numbers.sort();
    assert_eq!(numbers, (1..=numbers.len() as u32).collect::<Vec<_>>(), "no gaps, no repeats");
    // A `.part` of this desk's left by a crash: renamed when it was logged, removed when not.
    std::fs::write(
        hospital_folder.join(format!("tenin-status-{}-to-{}-999999.zip.part", partner.desk_id, partner.code)),
        b"x",
    )
    .expect("orphan");
    desk.sync_once().expect("cycle");
    assert!(walk(&root).iter().all(|p| !p.to_string_lossy().ends_with(".part")), "{:?}", walk(&root));
}

#[test]
fn with_a_preview_required_packages_wait_in_the_inbox() {
    let (dir, mut desk) = demo_desk();
    let root = dir.path().join("shared");
    std::fs::create_dir_all(&root).expect("root");
    desk.set_sync_settings(&SyncSettings { root: root.display().to_string(), every_minutes: 0, require_preview: true })
        .expect("settings");
    let mut sender = Sender::registered(&mut desk);
    let inbox = root.join(format!("to-{}", sender.desk_id));
    std::fs::create_dir_all(&inbox).expect("folder");
    let bytes = sender.package(
        PackageKind::Requests,
        &json!([{"record_id": "P-1", "action": "new", "request": crate::exchange::intake("P.P.", "80")}]),
    );
    std::fs::write(inbox.join("p.zip"), &bytes).expect("file");
    let before = desk.requests().expect("list").len();
    let run = desk.sync_once().expect("cycle");
    assert_eq!(run.files[0].result, "preview");
    assert_eq!(desk.requests().expect("list").len(), before, "nothing applied on its own");
    assert_eq!(desk.sync_status().expect("status").inbox, ["p.zip"]);
    let preview = desk.import_inbox_file("p.zip", true).expect("preview");
    assert_eq!(preview.counts.new, 1);
    assert_eq!(desk.requests().expect("list").len(), before);
    desk.import_inbox_file("p.zip", false).expect("applied");
    assert_eq!(desk.requests().expect("list").len(), before + 1);
    assert!(desk.sync_status().expect("status").inbox.is_empty());
    assert_eq!(desk.sync_status().expect("status").next_at, None, "no schedule: every_minutes 0");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.path().is_dir() {
            found.extend(walk(&entry.path()));
        } else {
            found.push(entry.path());
        }
    }
    found
}
