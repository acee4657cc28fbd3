//! Duplicate detection at intake, and merging a second referral into the first.

use tenin_core::care::{Adl, CareNeedsInput};
use tenin_core::request::NewRequestInput;
use tenin_core::{ErrorCode, ErrorReport};

use crate::{demo_desk, valid_input};

#[test]
fn the_same_patient_number_from_the_same_hospital_is_caught() {
    let (_dir, mut desk) = demo_desk();
    let first = NewRequestInput { hospital_patient_no: "K-777".into(), ..valid_input(&desk) };
    let existing = desk.create_request(&first, false).expect("the first referral");
    let again = NewRequestInput { patient_initials: "Z.Z.".into(), patient_age: "60".into(), ..first.clone() };
    let found = desk.find_duplicates(&again).expect("search");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].request.id, existing.summary.id);
    assert!(found[0].reasons[0].contains("K-777"), "{:?}", found[0].reasons);

    let before = desk.status().expect("status").requests;
    let report = ErrorReport::from(desk.create_request(&again, false).expect_err("must ask first"));
    assert_eq!(report.code, ErrorCode::PossibleDuplicate);
    assert!(report.message.contains(&existing.summary.ref_no), "names the existing request: {}", report.message);
    assert_eq!(desk.status().expect("status").requests, before, "nothing registered while unresolved");

    desk.create_request(&again, true).expect("the nurse keeps both");
    assert_eq!(desk.status().expect("status").requests, before + 1);
}

#[test]
fn close_matches_on_initials_age_sex_and_dates_are_caught_but_different_dates_are_not() {
    let (_dir, mut desk) = demo_desk();
    let first = NewRequestInput { onset_date: "2026-11-01".into(), ..valid_input(&desk) };
    desk.create_request(&first, false).expect("first");
    let a_year_older = NewRequestInput { patient_age: "83".into(), ..first.clone() };
    assert_eq!(desk.find_duplicates(&a_year_older).expect("search").len(), 1, "age within a year");
    let other_onset = NewRequestInput { onset_date: "2026-09-01".into(), ..a_year_older.clone() };
    assert!(desk.find_duplicates(&other_onset).expect("search").is_empty(), "a different onset is another patient");
    let other_sex = NewRequestInput { patient_sex: Some(tenin_core::request::PatientSex::Female), ..first.clone() };
    assert!(desk.find_duplicates(&other_sex).expect("search").is_empty());
}

#[test]
fn merging_fills_what_was_missing_and_never_replaces() {
    let (_dir, mut desk) = demo_desk();
    let first = NewRequestInput {
        hospital_patient_no: "K-888".into(),
        referrer_person: "看護師 佐藤".into(),
        clinical_summary: "誤嚥性肺炎後。".into(),
        ..valid_input(&desk)
    };
    let existing = desk.create_request(&first, false).expect("first");
    let second = NewRequestInput {
        referrer_person: "看護師 別人".into(),
        referrer_phone: "045-000-9999".into(),
        bed_type_id: "long_term".into(),
        care: CareNeedsInput::answered_none(Adl::FullAssist),
        clinical_summary: "経口摂取は全介助。".into(),
        ..first.clone()
    };
    let merged = desk.merge_into(&existing.summary.id, &second).expect("merged");
    assert_eq!(merged.summary.id, existing.summary.id, "no new request");
    assert_eq!(merged.referrer_person, "看護師 佐藤", "a recorded value is never replaced");
    assert_eq!(merged.referrer_phone, "045-000-9999", "a missing value is filled");
    assert_eq!(merged.bed_type_id.as_deref(), Some("long_term"));
    assert_eq!(merged.care.adl, Adl::FullAssist, "care needs filled when none were recorded");
    assert!(
        merged.clinical_summary.starts_with("誤嚥性肺炎後。")
            && merged.clinical_summary.ends_with("経口摂取は全介助。"),
        "new text is appended: {}",
        merged.clinical_summary
    );
    assert_eq!(merged.version, existing.version + 1);
    let audit = desk.audit_of("transfer_request", &existing.summary.id).expect("audit");
    assert!(
        audit.last().is_some_and(|a| a.action == "update" && a.before_json.is_some()),
        "merge audited with before/after"
    );
}
