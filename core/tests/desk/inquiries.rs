//! The inquiry log: logging asks, answers and declines, and what the queue learns from them.

use tenin_core::Desk;
use tenin_core::error::Problem;
use tenin_core::hospital::HospitalFilter;
use tenin_core::inquiry::{InquiryAnswerInput, InquiryChannel, InquiryOutcome, NewInquiryInput};
use tenin_core::request::NewRequestInput;
use tenin_core::request_status::RequestStatus;
use tenin_core::{ErrorCode, ErrorReport};

use crate::{demo_desk, valid_input};

fn receiving_hospital(desk: &Desk, n: usize) -> String {
    desk.hospitals(&HospitalFilter::default())
        .expect("hospitals")
        .into_iter()
        .filter(|h| h.is_receiving && h.active)
        .nth(n)
        .expect("receiver")
        .id
}

fn ask(desk: &Desk, request_id: &str, outcome: InquiryOutcome) -> NewInquiryInput {
    NewInquiryInput {
        request_id: request_id.to_owned(),
        hospital_id: receiving_hospital(desk, 0),
        contact: "地域連携室　佐藤".into(),
        channel: InquiryChannel::Phone,
        outcome,
        decline_reason: None,
        note: "".into(),
        call_back_at: "".into(),
    }
}

fn coordinating_request(desk: &mut Desk) -> String {
    let id = desk.create_request(&valid_input(desk), true).expect("create").summary.id;
    desk.transition(&id, RequestStatus::Checking, None, "").expect("checking");
    desk.transition(&id, RequestStatus::Coordinating, None, "").expect("coordinating");
    id
}

#[test]
fn a_decline_is_logged_with_its_reason_and_counted_as_own_rule() {
    let (_dir, mut desk) = demo_desk();
    let id = coordinating_request(&mut desk);
    let input = NewInquiryInput {
        decline_reason: Some("own_rule".into()),
        note: "PCR陰性2回を要求".into(),
        ..ask(&desk, &id, InquiryOutcome::Declined)
    };
    let detail = desk.log_inquiry(&input).expect("logged");
    let logged = &detail.inquiries[0];
    assert_eq!(logged.outcome, InquiryOutcome::Declined);
    assert_eq!(logged.decline_reason_name.as_deref(), Some("独自ルール"));
    assert!(logged.own_rule, "own rules beyond the national criteria are marked");
    assert_eq!(logged.contact, "地域連携室 佐藤", "full-width space folded");
    assert!(logged.answered_at.is_some(), "an immediate answer is timed");
    assert_eq!(desk.audit_of("inquiry", &logged.id).expect("audit").len(), 1);
}

#[test]
fn a_waiting_inquiry_with_an_overdue_call_back_shows_in_the_queue_until_answered() {
    let (_dir, mut desk) = demo_desk();
    let id = coordinating_request(&mut desk);
    let input = NewInquiryInput {
        call_back_at: "2020-01-01T09:00".into(),
        note: "部長に確認".into(),
        ..ask(&desk, &id, InquiryOutcome::Waiting)
    };
    let detail = desk.log_inquiry(&input).expect("logged");
    let summary = desk.requests().expect("queue").into_iter().find(|r| r.id == id).expect("in the queue");
    assert_eq!(summary.waiting_answers, 1);
    assert_eq!(summary.next_call_back_at.as_deref(), Some("2020-01-01T00:00:00.000Z"), "09:00 in Tokyo");

    let inquiry = &detail.inquiries[0];
    let answer = InquiryAnswerInput {
        inquiry_id: inquiry.id.clone(),
        outcome: InquiryOutcome::Accepted,
        decline_reason: None,
        note: "明日午後受入可".into(),
        expected_version: inquiry.version,
    };
    let answered = desk.answer_inquiry(&answer).expect("answered");
    assert_eq!(answered.inquiries[0].outcome, InquiryOutcome::Accepted);
    assert_eq!(answered.inquiries[0].note, "部長に確認\n明日午後受入可", "the answer's note is added, not replacing");
    let summary = desk.requests().expect("queue").into_iter().find(|r| r.id == id).expect("in the queue");
    assert_eq!((summary.waiting_answers, summary.next_call_back_at), (0, None));

    let again = ErrorReport::from(desk.answer_inquiry(&answer).expect_err("answered already"));
    assert_eq!(again.code, ErrorCode::Rule, "a second answer never overwrites the first");
    assert_eq!(again.rule, Some(tenin_core::error::Rule::AlreadyAnswered));
}

#[test]
fn inquiries_are_refused_where_they_make_no_sense() {
    let (_dir, mut desk) = demo_desk();
    let id = coordinating_request(&mut desk);
    let referrer_only = desk
        .hospitals(&HospitalFilter::default())
        .expect("list")
        .into_iter()
        .find(|h| !h.is_receiving)
        .expect("one")
        .id;
    let report = ErrorReport::from(
        desk.log_inquiry(&NewInquiryInput { hospital_id: referrer_only, ..ask(&desk, &id, InquiryOutcome::Waiting) })
            .expect_err("not a receiving hospital"),
    );
    assert_eq!((report.problems[0].field.as_str(), &report.problems[0].problem), ("hospital_id", &Problem::NotAllowed));

    let unknown =
        NewInquiryInput { decline_reason: Some("bad_weather".into()), ..ask(&desk, &id, InquiryOutcome::Declined) };
    let report = ErrorReport::from(desk.log_inquiry(&unknown).expect_err("not in the region pack"));
    assert_eq!(report.problems[0].problem, Problem::UnknownReference);

    desk.place(&id, &receiving_hospital(&desk, 0), None, "").expect("placed");
    desk.transition(&id, RequestStatus::Transferred, None, "").expect("transferred");
    let report = ErrorReport::from(desk.log_inquiry(&ask(&desk, &id, InquiryOutcome::Waiting)).expect_err("closed"));
    assert_eq!(report.code, ErrorCode::Rule);
    assert!(matches!(report.rule, Some(tenin_core::error::Rule::NoInquiryInState { .. })), "{report:?}");
    let logged = desk.request(&id).expect("detail").inquiries;
    assert_eq!(logged.len(), 1, "only the acceptance the placement recorded: {logged:?}");
    assert_eq!(logged[0].outcome, InquiryOutcome::Accepted);
}

#[test]
fn decline_reasons_come_from_the_region_pack() {
    let (_dir, desk) = demo_desk();
    let names: Vec<_> = desk.decline_reasons().expect("reasons").into_iter().map(|t| t.name).collect();
    assert_eq!(names.first().map(String::as_str), Some("満床"));
    assert!(names.iter().any(|n| n == "独自ルール"));
}

#[test]
fn a_hospital_record_counts_answers_and_declines_by_reason() {
    let (_dir, mut desk) = demo_desk();
    let hospital_id = receiving_hospital(&desk, 0);
    let before = desk.hospital_record(&hospital_id).expect("record");
    let first = coordinating_request(&mut desk);
    let declined =
        NewInquiryInput { decline_reason: Some("own_rule".into()), ..ask(&desk, &first, InquiryOutcome::Declined) };
    desk.log_inquiry(&declined).expect("declined");
    let second = desk
        .create_request(&NewRequestInput { patient_initials: "Q.Q.".into(), ..valid_input(&desk) }, true)
        .expect("create")
        .summary
        .id;
    desk.transition(&second, RequestStatus::Checking, None, "").expect("checking");
    desk.log_inquiry(&ask(&desk, &second, InquiryOutcome::Accepted)).expect("accepted");

    let record = desk.hospital_record(&hospital_id).expect("record");
    assert_eq!(record.inquiries, before.inquiries + 2);
    assert_eq!((record.accepted, record.declined), (before.accepted + 1, before.declined + 1));
    let own_rule = record.declines_by_reason.iter().find(|r| r.reason_id == "own_rule").expect("own rule counted");
    assert!(own_rule.own_rule && own_rule.count >= 1, "{own_rule:?}");
    assert_eq!(record.recent_inquiries.len(), record.inquiries.min(20) as usize);
    assert!(record.recent_inquiries.iter().any(|i| i.request_id == second), "the latest inquiries are listed");
}

#[test]
fn a_call_back_is_noticed_when_its_time_comes_and_not_after_the_answer() {
    use chrono::{TimeZone, Utc};
    let (_dir, mut desk) = demo_desk();
    let id = coordinating_request(&mut desk);
    let ref_no = desk.request(&id).expect("detail").summary.ref_no;
    let input = NewInquiryInput { call_back_at: "2030-05-01T15:30".into(), ..ask(&desk, &id, InquiryOutcome::Waiting) };
    let detail = desk.log_inquiry(&input).expect("logged");
    // 15:30 in Tokyo is 06:30 UTC; the notice comes five minutes before.
    let before = Utc.with_ymd_and_hms(2030, 5, 1, 6, 24, 0).unwrap();
    let lead = Utc.with_ymd_and_hms(2030, 5, 1, 6, 25, 0).unwrap();
    let due_of = |desk: &Desk, at| {
        desk.call_backs_due(at).expect("due").into_iter().filter(|d| d.request_id == id).collect::<Vec<_>>()
    };
    assert!(due_of(&desk, before).is_empty(), "six minutes early: not yet");
    let due = due_of(&desk, lead);
    assert_eq!(due.len(), 1, "five minutes early: due");
    assert_eq!(due[0].ref_no, ref_no);
    assert_eq!(due[0].call_back_at, "2030-05-01T06:30:00.000Z");
    assert!(!due[0].hospital_name.is_empty());

    let answer = InquiryAnswerInput {
        inquiry_id: detail.inquiries[0].id.clone(),
        outcome: InquiryOutcome::Declined,
        decline_reason: Some(desk.decline_reasons().expect("reasons")[0].id.clone()),
        note: "".into(),
        expected_version: detail.inquiries[0].version,
    };
    desk.answer_inquiry(&answer).expect("answered");
    assert!(due_of(&desk, lead).is_empty(), "an answered inquiry owes no call-back");
}

#[test]
fn notices_are_on_until_turned_off_and_the_change_is_audited() {
    let (_dir, mut desk) = demo_desk();
    let settings = desk.notice_settings().expect("settings");
    assert!(settings.call_backs && settings.sync_arrivals && settings.imports && settings.desktop);
    let off = tenin_core::desk::NoticeSettings { desktop: false, ..settings };
    assert_eq!(desk.set_notice_settings(&off).expect("saved"), off);
    assert_eq!(desk.notice_settings().expect("read again"), off);
    let audited = desk.audit_log(&Default::default()).expect("audit");
    assert!(audited.iter().any(|row| row.entity_id == "notice_settings"), "the change is in the audit trail");
}

#[test]
fn looking_for_due_call_backs_does_not_keep_a_session_from_locking() {
    let (_dir, desk) = demo_desk();
    let limit = std::time::Duration::from_secs(u64::from(desk.access().expect("access").idle_lock_minutes) * 60);
    desk.pretend_idle_for(limit - std::time::Duration::from_secs(60));
    desk.call_backs_due(chrono::Utc::now()).expect("still signed in");
    desk.notice_settings().expect("still signed in");
    desk.pretend_idle_for(std::time::Duration::from_secs(120));
    assert_eq!(
        desk.access().expect("access").state,
        tenin_core::desk::AccessState::Locked,
        "the app's own look-ups are not the nurse's activity"
    );
}
