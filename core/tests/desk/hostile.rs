//! Hostile text: stored inertly, bounded, and never able to break the database or a page.

use tenin_core::error::Problem;
use tenin_core::hospital::HospitalFilter;
use tenin_core::inquiry::{InquiryChannel, InquiryOutcome, NewInquiryInput};
use tenin_core::request::NewRequestInput;
use tenin_core::request_status::RequestStatus;
use tenin_core::{ErrorCode, ErrorReport};

use crate::{demo_desk, valid_input};

const SQL: &str = "'); DROP TABLE transfer_requests; --";
const MARKUP: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>";

#[test]
fn sql_fragments_and_markup_are_stored_exactly_as_text() {
    let (_dir, mut desk) = demo_desk();
    let input = NewRequestInput {
        clinical_summary: format!("{SQL}\n{MARKUP}"),
        family_notes: SQL.into(),
        referrer_person: MARKUP.into(),
        ..valid_input(&desk)
    };
    let detail = desk.create_request(&input, true).expect("stored");
    assert_eq!(detail.clinical_summary, format!("{SQL}\n{MARKUP}"));
    assert_eq!(detail.family_notes, SQL);
    assert_eq!(detail.referrer_person, MARKUP);
    assert_eq!(desk.integrity_check().expect("check"), "ok");
    assert!(desk.requests().expect("the table is still there").len() > 30);
}

#[test]
fn control_characters_are_removed_but_lines_are_kept() {
    let (_dir, mut desk) = demo_desk();
    let input =
        NewRequestInput { clinical_summary: "一行目\u{0}\u{1b}[2J\n二行目\u{7}".into(), ..valid_input(&desk) };
    let detail = desk.create_request(&input, true).expect("stored");
    assert_eq!(detail.clinical_summary, "一行目[2J\n二行目");
}

#[test]
fn megabyte_strings_are_refused_by_field_and_nothing_is_saved() {
    let (_dir, mut desk) = demo_desk();
    let before = desk.status().expect("status");
    let huge = "あ".repeat(1_000_000);
    let input = NewRequestInput {
        clinical_summary: huge.clone(),
        family_notes: huge.clone(),
        referrer_ward: huge.clone(),
        patient_initials: huge.clone(),
        ..valid_input(&desk)
    };
    let report = ErrorReport::from(desk.create_request(&input, true).expect_err("too long"));
    let fields: Vec<_> = report.problems.iter().map(|p| p.field.as_str()).collect();
    for field in ["patient_initials", "clinical_summary", "referrer_ward", "family_notes"] {
        assert!(fields.contains(&field), "{field} refused: {fields:?}");
    }
    assert!(report.problems.iter().all(|p| matches!(p.problem, Problem::TooLong { .. })));
    assert_eq!(desk.status().expect("status"), before, "nothing half-saved");

    let id = desk.create_request(&valid_input(&desk), true).expect("create").summary.id;
    desk.transition(&id, RequestStatus::Checking, None, "").expect("checking");
    let receiver = desk
        .hospitals(&HospitalFilter::default())
        .expect("list")
        .into_iter()
        .find(|h| h.is_receiving)
        .expect("receiver")
        .id;
    let inquiry = NewInquiryInput {
        request_id: id.clone(),
        hospital_id: receiver,
        contact: huge.clone(),
        channel: InquiryChannel::Fax,
        outcome: InquiryOutcome::Waiting,
        decline_reason: None,
        note: huge,
        call_back_at: String::new(),
    };
    let report = ErrorReport::from(desk.log_inquiry(&inquiry).expect_err("too long"));
    assert_eq!(report.code, ErrorCode::Validation);
    assert!(desk.request(&id).expect("detail").inquiries.is_empty());
    let note = "x".repeat(10_000);
    let report =
        ErrorReport::from(desk.transition(&id, RequestStatus::Coordinating, None, &note).expect_err("long note"));
    assert_eq!(report.problems[0].field, "note");
}
