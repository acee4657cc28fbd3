//! Snapshot tests of the engine's explanations on one fixed fixture covering every constraint, mark
//! and score part. A change in ranking, a score or a reason shows up as a diff to review.

use tenin_core::care::{Adl, CareNeeds, Dialysis};
use tenin_core::inquiry::InquiryOutcome;
use tenin_core::matching::batch::{plan, suggestion};
use tenin_core::matching::{AnswerRecord, MatchReport, MatchRequest, MatchWeights, explain, rank};
use tenin_core::quality::{QualityItem, QualityKind};
use tenin_core::requirements::AcceptanceRequirements;

use crate::fixtures::*;

fn hours_ago(hours: i64) -> chrono::DateTime<chrono::Utc> {
    now() - chrono::Duration::hours(hours)
}

/// The referrer and ten hospitals, each showing one thing the engine must explain.
fn fixture() -> (tenin_core::matching::MatchDirectory, tenin_core::request_view::RequestDetail) {
    let mut referrer = hospital("0000000001", "m-1", "north");
    (referrer.latitude, referrer.longitude) = (Some(35.44), Some(139.64));
    let mut near = hospital("0000000002", "m-1", "north");
    (near.latitude, near.longitude) = (Some(35.46), Some(139.62));
    near.requirements.oxygen_max_l_per_min = Some(5.0);
    near.capacity = vec![beds("community_care", 3, 2)];
    let mut stale = hospital("0000000003", "m-1", "north");
    stale.requirements.oxygen_max_l_per_min = Some(3.0);
    stale.capacity = vec![beds("community_care", 2, 30)];
    let mut low_oxygen = hospital("0000000004", "m-2", "centre");
    low_oxygen.requirements.oxygen_max_l_per_min = Some(1.0);
    low_oxygen.capacity = vec![beds("community_care", 4, 1)];
    let mut conditions = hospital("0000000005", "m-2", "centre");
    conditions.requirements = AcceptanceRequirements {
        oxygen_max_l_per_min: Some(3.0),
        age_max: Some(75),
        covid_min_days_since_onset: Some(14),
        ..Default::default()
    };
    conditions.beyond_criteria = conditions.requirements.beyond_national_criteria();
    let mut full = hospital("0000000006", "m-3", "south");
    full.requirements.oxygen_max_l_per_min = Some(3.0);
    full.capacity = vec![beds("community_care", 0, 3)];
    let mut declined = hospital("0000000007", "m-2", "centre");
    declined.requirements.oxygen_max_l_per_min = Some(3.0);
    let mut lapsed = hospital("0000000008", "m-3", "south");
    lapsed.requirements.oxygen_max_l_per_min = Some(3.0);
    lapsed.capacity = vec![beds("community_care", 2, 1)];
    let mut closed = hospital("0000000009", "m-1", "north");
    closed.is_receiving = false;
    closed.active = false;
    let mut own_rules = hospital("0000000010", "m-2", "centre");
    own_rules.requirements = AcceptanceRequirements {
        oxygen_max_l_per_min: Some(3.0),
        covid_negative_tests_required: 2,
        ..Default::default()
    };
    own_rules.beyond_criteria = own_rules.requirements.beyond_national_criteria();
    let mut waiting = hospital("0000000011", "m-3", "south");
    waiting.requirements.oxygen_max_l_per_min = Some(3.0);
    waiting.capacity = vec![beds("community_care", 1, 5)];
    let history = vec![
        AnswerRecord {
            hospital_id: near.id.clone(),
            bed_type: Some("community_care".into()),
            outcome: InquiryOutcome::Accepted,
            asked_at: hours_ago(50),
            answered_at: Some(hours_ago(49)),
        },
        AnswerRecord {
            hospital_id: stale.id.clone(),
            bed_type: Some("community_care".into()),
            outcome: InquiryOutcome::Declined,
            asked_at: hours_ago(80),
            answered_at: Some(hours_ago(76)),
        },
    ];
    let mut detail = request(
        "r1",
        &referrer.id,
        "community_care",
        CareNeeds { oxygen_l_per_min: Some(2.0), ..CareNeeds::none_with(Adl::PartialAssist) },
    );
    detail.summary.patient_age = 82;
    detail.onset_date = Some("2026-11-13".into());
    detail.inquiries = vec![
        inquiry(&declined.id, InquiryOutcome::Declined, Some("care_not_possible"), 6),
        inquiry(&lapsed.id, InquiryOutcome::Declined, Some("full"), 5),
        inquiry(&waiting.id, InquiryOutcome::Waiting, None, 1),
    ];
    let mut hospitals =
        vec![referrer, near, stale, low_oxygen, conditions, full, declined, lapsed, closed, own_rules, waiting];
    hospitals[0].capacity = vec![beds("community_care", 9, 1)];
    (directory(hospitals, history, MatchWeights::default()), detail)
}

/// The report as a nurse would read it, one line per fact.
fn render(report: &MatchReport) -> String {
    let mut out = String::new();
    for b in &report.blockers {
        out.push_str(&format!("blocked {} ({:?}): {}\n", b.field, b.check, b.message));
    }
    for c in &report.candidates {
        out.push_str(&format!("{}. {} {:.2}\n", c.rank, c.code, c.score));
        for p in &c.parts {
            out.push_str(&format!("   {} (×{}, {:.3}) +{:.2}\n", p.basis.japanese(), p.weight, p.value, p.points));
        }
        for m in &c.marks {
            out.push_str(&format!("   ※ {}\n", m.japanese()));
        }
        for b in &c.beyond_criteria {
            out.push_str(&format!("   独自ルール: {}\n", b.japanese()));
        }
    }
    for x in &report.excluded {
        let reasons: Vec<String> = x.reasons.iter().map(|r| r.japanese()).collect();
        out.push_str(&format!("除外 {}: {}\n", x.code, reasons.join(" / ")));
    }
    out
}

#[test]
fn explanation_of_one_request() {
    let (dir, detail) = fixture();
    let request = MatchRequest::compile(&detail, &dir).expect("matchable");
    let report = explain(&request, &dir, &rank(&request, &dir));
    insta::assert_snapshot!(render(&report));
}

#[test]
fn a_request_missing_what_matching_needs_gets_a_list_not_an_empty_result() {
    let (dir, mut detail) = fixture();
    detail.quality.items = vec![QualityItem {
        field: "bed_type_id".into(),
        kind: QualityKind::Missing,
        blocks_matching: true,
        check: tenin_core::quality::CheckCode::BedTypeMissing,
        message: "希望する病床種別が未入力です".into(),
    }];
    detail.summary.status = tenin_core::request_status::RequestStatus::Placed;
    let blockers = MatchRequest::compile(&detail, &dir).expect_err("cannot be matched");
    let report = tenin_core::matching::report::blocked("r1", "ref-r1", blockers, &dir);
    assert!(report.candidates.is_empty() && report.excluded.is_empty());
    insta::assert_snapshot!(render(&report));
}

#[test]
fn batch_suggestion_on_the_fixture() {
    let (dir, detail) = fixture();
    let dialysis = request(
        "r2",
        "h-0000000001",
        "community_care",
        CareNeeds { dialysis: Some(Dialysis::Hd), ..CareNeeds::none_with(Adl::Unknown) },
    );
    let mut second = detail.clone();
    second.summary.id = "r3".into();
    second.summary.ref_no = "ref-r3".into();
    second.inquiries.clear();
    // The third request leaves everything but oxygen unstated: it is placed, with what to confirm.
    second.care = CareNeeds { oxygen_l_per_min: Some(2.0), adl: Adl::PartialAssist, ..Default::default() };
    let requests: Vec<MatchRequest> =
        [detail, dialysis, second].iter().map(|d| MatchRequest::compile(d, &dir).expect("matchable")).collect();
    let suggestion = suggestion(&requests, &dir, &plan(&requests, &dir), Vec::new());
    insta::assert_json_snapshot!(suggestion);
}
