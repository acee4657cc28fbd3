//! The matching engine through the desk, on a real SQLite file: inquiries logged through the desk
//! change who is a candidate, capacity reports lift a "full" decline, weights are a desk setting,
//! and the batch respects the stored free beds.

use std::collections::HashMap;

use tenin_core::Desk;
use tenin_core::capacity::CapacityReportInput;
use tenin_core::care::{Adl, CareNeedsInput};
use tenin_core::error::Problem;
use tenin_core::inquiry::{InquiryChannel, InquiryOutcome, NewInquiryInput};
use tenin_core::matching::report::{CandidateMark, ExclusionReason, ScoreBasis};
use tenin_core::matching::{BatchOutcome, MatchReport, MatchWeights, Shown};
use tenin_core::request::NewRequestInput;
use tenin_core::request_status::RequestStatus;
use tenin_core::{Error, hospital::HospitalFilter};

use crate::{demo_desk, valid_input};

/// A coordinating request for a partly dependent patient needing a community-care bed.
fn matchable(desk: &mut Desk) -> String {
    let input = NewRequestInput {
        bed_type_id: "community_care".into(),
        care: CareNeedsInput::answered_none(Adl::PartialAssist),
        ..valid_input(desk)
    };
    let id = desk.create_request(&input, true).expect("create").summary.id;
    desk.transition(&id, RequestStatus::Checking, None, "").expect("checking");
    desk.transition(&id, RequestStatus::Coordinating, None, "").expect("coordinating");
    id
}

pub(crate) fn decline(desk: &mut Desk, request_id: &str, hospital_id: &str, reason: &str) {
    desk.log_inquiry(&NewInquiryInput {
        request_id: request_id.into(),
        hospital_id: hospital_id.into(),
        contact: "地域連携室".into(),
        channel: InquiryChannel::Phone,
        outcome: InquiryOutcome::Declined,
        decline_reason: Some(reason.into()),
        note: String::new(),
        call_back_at: String::new(),
    })
    .expect("logged");
}

fn candidate_ids(report: &MatchReport) -> Vec<String> {
    report.candidates.iter().map(|c| c.hospital_id.clone()).collect()
}

fn exclusion<'a>(report: &'a MatchReport, hospital_id: &str) -> Option<&'a [ExclusionReason]> {
    report.excluded.iter().find(|x| x.hospital_id == hospital_id).map(|x| x.reasons.as_slice())
}

#[test]
fn every_hospital_is_a_candidate_or_excluded_with_reasons() {
    let (_dir, mut desk) = demo_desk();
    let id = matchable(&mut desk);
    let report = desk.match_request(&id).expect("match");
    let all = desk.hospitals(&HospitalFilter { include_inactive: true, ..Default::default() }).expect("all");
    assert!(report.blockers.is_empty());
    assert_eq!(report.candidates.len() + report.excluded.len(), all.len());
    assert!(!report.candidates.is_empty(), "the demo has hospitals for a simple patient");
    assert!(report.excluded.iter().all(|x| !x.reasons.is_empty()));
    let referrer = desk.request(&id).expect("detail").summary.referring_hospital_id;
    let reasons = exclusion(&report, &referrer).expect("the referring hospital is out");
    assert!(reasons.contains(&ExclusionReason::ReferringHospital));
    let ranks: Vec<u32> = report.candidates.iter().map(|c| c.rank).collect();
    assert_eq!(ranks, (1..=report.candidates.len() as u32).collect::<Vec<_>>());
    assert_eq!(desk.match_request(&id).expect("again").candidates, report.candidates, "deterministic");
}

/// The window asks for the first candidates and exclusions only; the rest are counted. Exclusions
/// of hospitals that could receive come before those that never receive or are inactive.
#[test]
fn the_window_gets_the_first_of_each_list_and_how_many_there_are() {
    let (_dir, mut desk) = demo_desk();
    let id = matchable(&mut desk);
    let whole = desk.match_request(&id).expect("match");
    assert_eq!(whole.candidates_total as usize, whole.candidates.len());
    assert_eq!(whole.excluded_total as usize, whole.excluded.len());
    let never = |x: &tenin_core::matching::report::Excluded| {
        x.reasons.iter().any(|r| matches!(r, ExclusionReason::NotReceiving | ExclusionReason::Inactive))
    };
    let first_never = whole.excluded.iter().position(never).expect("the demo has hospitals that never receive");
    assert!(first_never > 0, "and some that could receive but are out");
    assert!(whole.excluded[first_never..].iter().all(never), "possible partners first, then the rest");

    let page = desk.match_request_shown(&id, Shown { candidates: 2, excluded: 3 }).expect("first of each");
    assert_eq!(page.candidates, whole.candidates[..2], "the best two, as ranked");
    assert_eq!(page.excluded, whole.excluded[..3]);
    assert_eq!((page.candidates_total, page.excluded_total), (whole.candidates_total, whole.excluded_total));
    let none = desk.match_request_shown(&id, Shown { candidates: 0, excluded: 0 }).expect("counts only");
    assert!(none.candidates.is_empty() && none.excluded.is_empty());
    assert_eq!(none.excluded_total, whole.excluded_total);
}

#[test]
fn declines_hold_or_lapse_by_their_reason() {
    let (_dir, mut desk) = demo_desk();
    let id = matchable(&mut desk);
    let first = desk.match_request(&id).expect("match");
    let [a, b, c] = [0, 1, 2].map(|i| first.candidates[i].hospital_id.clone());

    decline(&mut desk, &id, &a, "care_not_possible");
    decline(&mut desk, &id, &b, "full");
    decline(&mut desk, &id, &c, "no_answer");
    let after = desk.match_request(&id).expect("match");
    let declined = |reasons: Option<&[ExclusionReason]>| {
        reasons.is_some_and(|r| r.iter().any(|x| matches!(x, ExclusionReason::Declined { .. })))
    };
    assert!(declined(exclusion(&after, &a)), "care it cannot give: holds");
    assert!(declined(exclusion(&after, &b)), "full: holds until free beds are reported");
    let c_entry = after.candidates.iter().find(|x| x.hospital_id == c).expect("no answer does not rule out");
    assert!(
        matches!(&c_entry.marks[..], [.., CandidateMark::DeclineLapsed { reason_name }] if reason_name == "回答なし")
    );

    // Free beds reported after the decline lift "full".
    desk.report_capacity(
        &b,
        &[CapacityReportInput { bed_type: "community_care".into(), available: 2, ..Default::default() }],
    )
    .expect("report");
    let lifted = desk.match_request(&id).expect("match");
    assert!(candidate_ids(&lifted).contains(&b), "back on the list after reporting free beds");
    assert!(declined(exclusion(&lifted, &a)), "the other decline still holds");
}

#[test]
fn a_request_lacking_bed_type_and_adl_says_what_to_fill_in() {
    let (_dir, mut desk) = demo_desk();
    let id = desk.create_request(&valid_input(&desk), true).expect("create").summary.id;
    let report = desk.match_request(&id).expect("a report, not an error");
    let fields: Vec<&str> = report.blockers.iter().map(|b| b.field.as_str()).collect();
    assert_eq!(fields, ["bed_type_id", "care.adl"]);
    assert!(report.candidates.is_empty() && report.excluded.is_empty(), "no judgement was made");
}

#[test]
fn weights_are_a_checked_audited_setting_that_changes_the_order() {
    let (_dir, mut desk) = demo_desk();
    let id = matchable(&mut desk);
    assert_eq!(desk.matching_weights().expect("weights"), MatchWeights::default());
    let only_distance = MatchWeights {
        distance: 100,
        family_area: 0,
        acceptance: 0,
        answer_speed: 0,
        load: 0,
        freshness: 0,
        distance_half_km: 10,
    };
    desk.set_matching_weights(&only_distance).expect("set");
    assert_eq!(desk.settings().expect("settings").matching_weights, only_distance);
    let report = desk.match_request(&id).expect("match");
    let km: Vec<f64> = report
        .candidates
        .iter()
        .map(|c| match c.parts[0].basis {
            ScoreBasis::Distance { km, .. } => km,
            ref other => panic!("distance comes first, got {other:?}"),
        })
        .collect();
    assert!(km.windows(2).all(|w| w[0] <= w[1] + 0.1), "nearest first when only distance counts: {km:?}");
    assert_eq!(desk.audit_of("desk_settings", "matching_weights").expect("audit").len(), 1);

    let refused = desk.set_matching_weights(&MatchWeights { load: 500, ..only_distance }).expect_err("refused");
    let Error::Validation(problems) = refused else { panic!("validation") };
    assert_eq!((problems[0].field.as_str(), &problems[0].problem), ("load", &Problem::OutOfRange { min: 0, max: 100 }));
    assert_eq!(desk.matching_weights().expect("weights"), only_distance, "nothing saved");
}

#[test]
fn stored_weights_missing_a_part_take_its_default_and_unreadable_ones_are_an_error() {
    let (dir, desk) = demo_desk();
    let conn = rusqlite::Connection::open(dir.path().join(tenin_store::DATABASE_FILE)).expect("open");
    let store = |json: &str| {
        conn.execute("INSERT OR REPLACE INTO desk_meta (key, value) VALUES ('matching_weights', ?1)", [json])
            .expect("write")
    };
    store(r#"{"distance": 50}"#);
    assert_eq!(desk.matching_weights().expect("read"), MatchWeights { distance: 50, ..MatchWeights::default() });
    store("not json");
    assert!(desk.matching_weights().is_err(), "not silently replaced by the defaults");
}

#[test]
fn the_batch_respects_stored_free_beds() {
    let (_dir, mut desk) = demo_desk();
    for _ in 0..6 {
        matchable(&mut desk);
    }
    let suggestion = desk.match_batch().expect("batch");
    let placed: Vec<(&str, &str)> = suggestion
        .rows
        .iter()
        .filter_map(|row| match &row.suggestion {
            BatchOutcome::Placed { hospital_id, .. } => Some((hospital_id.as_str(), row.request_id.as_str())),
            _ => None,
        })
        .collect();
    assert!(placed.len() >= 6, "the demo has beds for six simple patients and more: {}", placed.len());
    let mut used: HashMap<(&str, String), u32> = HashMap::new();
    for (hospital_id, request_id) in &placed {
        let bed_type = desk.request(request_id).expect("detail").bed_type_id.expect("bed type");
        *used.entry((hospital_id, bed_type)).or_default() += 1;
    }
    let hospitals = desk.hospitals(&HospitalFilter::default()).expect("hospitals");
    for ((hospital_id, bed_type), n) in used {
        let h = hospitals.iter().find(|h| h.id == hospital_id).expect("hospital");
        let free = h.capacity.iter().find(|c| c.bed_type == bed_type).map_or(0, |c| c.available);
        assert!(n <= free, "{} got {n} patients for {free} free {bed_type} beds", h.name);
    }
    let blocked: Vec<&str> = suggestion.blocked.iter().map(|b| b.ref_no.as_str()).collect();
    assert!(!blocked.is_empty(), "demo requests lacking a bed type are listed as blocked, not dropped");
}

/// The compiled directory is kept between calls and built again when what it depends on changes —
/// through this desk (a capacity report, a decline, a new hospital) or through another program.
#[test]
fn the_kept_directory_follows_every_change_without_a_restart() {
    let (dir, mut desk) = demo_desk();
    let id = matchable(&mut desk);
    let first = desk.match_directory().expect("built");
    let again = desk.match_directory().expect("kept");
    assert!(std::sync::Arc::ptr_eq(&first, &again), "nothing changed: the same directory, not rebuilt");

    // A decline through this desk.
    let top = desk.match_request(&id).expect("match").candidates[0].hospital_id.clone();
    decline(&mut desk, &id, &top, "care_not_possible");
    assert!(!std::sync::Arc::ptr_eq(&again, &desk.match_directory().expect("rebuilt")));
    assert!(!candidate_ids(&desk.match_request(&id).expect("match")).contains(&top), "the decline counts at once");

    // A new hospital, open to the patient, is ranked at once.
    let code = (0..10)
        .map(|d| format!("141011987{d}"))
        .find(|c| tenin_core::codes::is_valid_medical_institution_code(c))
        .expect("a valid code");
    let new = tenin_core::hospital::NewHospital {
        code,
        name: "新設リハビリ病院".into(),
        name_kana: "シンセツリハビリビョウイン".into(),
        municipality_code: "141011".into(),
        is_receiving: true,
        ..Default::default()
    };
    let added = desk.add_hospital(&new).expect("added").id;
    let report = desk.match_request(&id).expect("match");
    assert!(
        candidate_ids(&report).contains(&added) || report.excluded.iter().any(|x| x.hospital_id == added),
        "the new hospital is in the next ranking"
    );

    // Another program (the CLI, a sync) reports free beds: noticed through PRAGMA data_version.
    let full = desk.match_request(&id).expect("match").candidates[0].hospital_id.clone();
    decline(&mut desk, &id, &full, "full");
    assert!(!candidate_ids(&desk.match_request(&id).expect("match")).contains(&full));
    let mut other = crate::open_signed_in(dir.path());
    other
        .report_capacity(
            &full,
            &[CapacityReportInput { bed_type: "community_care".into(), available: 3, ..Default::default() }],
        )
        .expect("reported elsewhere");
    drop(other);
    assert!(candidate_ids(&desk.match_request(&id).expect("match")).contains(&full), "seen without a restart");
}

/// What the inquiries on the requests' pages say of `hospital` for patients needing `bed_type`:
/// (accepted, declined, median whole minutes from asked to answered, load).
fn answers_listed(desk: &Desk, hospital: &str, bed_type: &str) -> (u32, u32, Option<u32>, u32) {
    use tenin_core::request_view::{QueueQuery, QueueScope};
    let all = QueueQuery { scope: QueueScope::All, text: String::new(), limit: None, after: 0 };
    let week_ago = chrono::Utc::now() - chrono::Duration::days(7);
    let time = |t: &str| chrono::DateTime::parse_from_rfc3339(t).expect("a stored time").to_utc();
    let (mut accepted, mut declined, mut minutes, mut load) = (0, 0, Vec::new(), 0);
    for row in desk.queue(&all).expect("every request").rows {
        let detail = desk.request(&row.id).expect("page");
        for inquiry in detail.inquiries.iter().filter(|i| i.hospital_id == hospital) {
            let answered = inquiry.answered_at.as_deref().map(time);
            match inquiry.outcome {
                InquiryOutcome::Waiting => load += 1,
                InquiryOutcome::Accepted if answered.unwrap_or(time(&inquiry.asked_at)) >= week_ago => load += 1,
                _ => {}
            }
            if detail.bed_type_id.as_deref() != Some(bed_type) || inquiry.outcome == InquiryOutcome::Waiting {
                continue;
            }
            if inquiry.outcome == InquiryOutcome::Accepted {
                accepted += 1
            } else {
                declined += 1
            }
            if let Some(answered) = answered {
                minutes.push(u32::try_from((answered - time(&inquiry.asked_at)).num_minutes().max(0)).unwrap_or(0));
            }
        }
    }
    minutes.sort_unstable();
    (accepted, declined, minutes.get(minutes.len() / 2).copied(), load)
}

#[test]
fn acceptances_answer_speeds_and_loads_are_those_of_every_inquiry_logged_whatever_changed_them() {
    let (dir, mut desk) = demo_desk();
    let receivers: Vec<String> = desk
        .hospitals(&HospitalFilter::default())
        .expect("hospitals")
        .into_iter()
        .filter(|h| h.is_receiving)
        .map(|h| h.id)
        .take(4)
        .collect();
    let ask = |desk: &mut Desk, request: &str, hospital: &str, outcome: InquiryOutcome| {
        let reason = (outcome == InquiryOutcome::Declined).then(|| "full".to_owned());
        desk.log_inquiry(&NewInquiryInput {
            request_id: request.into(),
            hospital_id: hospital.into(),
            contact: String::new(),
            channel: InquiryChannel::Phone,
            outcome,
            decline_reason: reason,
            note: String::new(),
            call_back_at: String::new(),
        })
        .expect("logged")
    };
    let (a, b) = (matchable(&mut desk), matchable(&mut desk));
    for (i, hospital) in receivers.iter().enumerate() {
        ask(&mut desk, &a, hospital, InquiryOutcome::Declined);
        ask(&mut desk, &b, hospital, if i % 2 == 0 { InquiryOutcome::Declined } else { InquiryOutcome::Waiting });
    }
    assert_eq!(desk.integrity_check().expect("check"), "ok", "the sums follow inquiries logged");

    // Answers that took their time, written by another program (as a sync or a repair would):
    // asked 37 min, 3 h, 1 day 5 min and 59.9 s before they were answered.
    let conn = rusqlite::Connection::open(dir.path().join(tenin_store::DATABASE_FILE)).expect("open");
    let answered = conn
        .execute(
            "UPDATE inquiries SET
                 answered_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 hour'),
                 asked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-1 hour',
                     CASE abs(random()) % 4 WHEN 0 THEN '-37 minutes' WHEN 1 THEN '-180 minutes'
                     WHEN 2 THEN '-1445 minutes' ELSE '-59.9 seconds' END)
             WHERE outcome = 'declined'",
            [],
        )
        .expect("changed");
    assert!(answered >= receivers.len());
    drop(conn);
    assert_eq!(desk.integrity_check().expect("check"), "ok", "the sums follow a change of times");

    // A request's bed type changes: its answers move to the other bed type, and back.
    for bed_type in ["general", "community_care"] {
        let detail = desk.request(&b).expect("page");
        let input = NewRequestInput { bed_type_id: bed_type.into(), ..valid_input(&desk) };
        desk.update_request(&b, detail.version, &input).expect("changed");
        assert_eq!(desk.integrity_check().expect("check"), "ok", "the sums follow the bed type to {bed_type}");
    }
    // A waiting answer comes in.
    let waiting = desk.request(&b).expect("page").inquiries.into_iter().find(|i| i.outcome == InquiryOutcome::Waiting);
    let waiting = waiting.expect("one waits");
    desk.answer_inquiry(&tenin_core::inquiry::InquiryAnswerInput {
        inquiry_id: waiting.id,
        outcome: InquiryOutcome::Accepted,
        decline_reason: None,
        note: String::new(),
        expected_version: waiting.version,
    })
    .expect("answered");
    assert_eq!(desk.integrity_check().expect("check"), "ok", "the sums follow an answer");

    // What matching shows for each candidate is what the requests' pages list.
    let c = matchable(&mut desk);
    let report = desk.match_request(&c).expect("match");
    let mut with_speed = 0;
    for candidate in &report.candidates {
        let (mut accepted, mut declined, mut speed, mut load) = (0, 0, None, 0);
        for part in &candidate.parts {
            match part.basis {
                ScoreBasis::Acceptance { accepted: a, declined: d } => (accepted, declined) = (a, d),
                ScoreBasis::AnswerSpeed { median_minutes } => speed = median_minutes,
                ScoreBasis::Load { recent } => load = recent,
                _ => {}
            }
        }
        with_speed += usize::from(speed.is_some());
        let listed = answers_listed(&desk, &candidate.hospital_id, "community_care");
        assert_eq!((accepted, declined, speed, load), listed, "{}", candidate.name);
    }
    assert!(with_speed > 0, "some candidate has answers that took their time");
}
