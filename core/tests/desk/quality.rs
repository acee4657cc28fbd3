//! The data-quality checklist and the per-referrer averages, through the desk.

use tenin_core::care::{Adl, CareNeedsInput};
use tenin_core::error::Problem;
use tenin_core::quality::{CheckCode, QualityKind};
use tenin_core::request::NewRequestInput;
use tenin_core::{Desk, ErrorReport};

use crate::{demo_desk, valid_input};

fn complete(desk: &Desk) -> NewRequestInput {
    NewRequestInput {
        referrer_ward: "5階東病棟".into(),
        referrer_person: "看護師長 山田".into(),
        referrer_phone: "045-000-1234".into(),
        hospital_patient_no: "A-00123".into(),
        onset_date: "R8.10.20".into(),
        positive_test_date: "R8.10.21".into(),
        criteria_met_date: "R8.10.31".into(),
        care: CareNeedsInput { oxygen_l_per_min: "1".into(), ..CareNeedsInput::answered_none(Adl::PartialAssist) },
        bed_type_id: "recovery_rehab".into(),
        preferred_regions: vec!["p8-yokohama".into()],
        family_notes: "妻が横浜市内での転院を希望".into(),
        ..valid_input(desk)
    }
}

#[test]
fn a_complete_request_scores_full_and_can_be_matched() {
    let (_dir, mut desk) = demo_desk();
    let detail = desk.create_request(&complete(&desk), true).expect("valid");
    assert_eq!(detail.quality.items, [], "nothing missing or implausible");
    assert_eq!((detail.quality.score, detail.quality.can_match), (100, true));
    assert_eq!(detail.bed_type_name.as_deref(), Some("回復期リハビリテーション"));
    assert_eq!(detail.preferred_regions[0].name, "横浜");
    assert_eq!(detail.onset_date.as_deref(), Some("2026-10-20"), "和暦 stored as ISO");
    assert_eq!(detail.care.oxygen_l_per_min, Some(1.0));
}

#[test]
fn gaps_that_block_matching_are_named_and_scored() {
    let (_dir, mut desk) = demo_desk();
    let detail = desk.create_request(&valid_input(&desk), true).expect("valid but sparse");
    let blocking: Vec<_> =
        detail.quality.items.iter().filter(|i| i.blocks_matching).map(|i| i.field.as_str()).collect();
    assert_eq!(blocking, ["bed_type_id", "care.adl"]);
    let codes: Vec<_> = detail.quality.items.iter().filter(|i| i.blocks_matching).map(|i| i.check.clone()).collect();
    assert_eq!(codes, [CheckCode::BedTypeMissing, CheckCode::AdlNotStated]);
    assert!(!detail.quality.can_match);
    let other_gaps = detail.quality.items.len() - blocking.len();
    let expected = 100u32.saturating_sub(20 * 2 + 5 * other_gaps as u32);
    assert_eq!(detail.quality.score, expected, "items: {:?}", detail.quality.items);
}

/// A care question never asked is listed and counted — never read as "none".
#[test]
fn care_items_never_answered_are_listed_and_counted() {
    let (_dir, mut desk) = demo_desk();
    let care = CareNeedsInput {
        tracheostomy: None,
        dialysis: None,
        oxygen_l_per_min: String::new(),
        ..CareNeedsInput::answered_none(Adl::PartialAssist)
    };
    let input = NewRequestInput { care, positive_test_date: String::new(), ..complete(&desk) };
    let detail = desk.create_request(&input, true).expect("stored");
    let missing: Vec<&str> = detail.quality.items.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(missing, ["positive_test_date", "care.oxygen_l_per_min", "care.dialysis", "care.tracheostomy"]);
    assert_eq!(detail.quality.score, 80, "5 points for each question never answered");
    assert!(detail.quality.can_match, "not stated is asked about, it does not block");
    assert_eq!(detail.care.oxygen_l_per_min, None, "not stated");
    // 「なし」 answers the question: a date, or a care item.
    let answered = NewRequestInput {
        positive_test_date: "なし".into(),
        care: CareNeedsInput::answered_none(Adl::PartialAssist),
        ..complete(&desk)
    };
    let detail = desk.create_request(&answered, true).expect("stored");
    assert_eq!(detail.covid_dates_none, ["positive_test_date"]);
    assert_eq!(detail.care.oxygen_l_per_min, Some(0.0), "none, stated");
    assert_eq!(detail.quality.items, []);
}

#[test]
fn implausible_values_are_questioned_not_refused() {
    let (_dir, mut desk) = demo_desk();
    let input = NewRequestInput {
        onset_date: "2026-10-20".into(),
        criteria_met_date: "2026-10-10".into(),
        care: CareNeedsInput { oxygen_l_per_min: "８".into(), ..CareNeedsInput::answered_none(Adl::FullAssist) },
        referrer_phone: "045-12".into(),
        ..complete(&desk)
    };
    let detail = desk.create_request(&input, true).expect("stored for follow-up");
    let implausible: Vec<_> =
        detail.quality.items.iter().filter(|i| i.kind == QualityKind::Implausible).map(|i| i.field.as_str()).collect();
    assert_eq!(implausible, ["criteria_met_date", "care.oxygen_l_per_min", "referrer_phone"]);
    assert_eq!(detail.quality.score, 70);
    // Each finding crosses as a code with its values, for the UI to word in its language.
    let checks: Vec<_> =
        detail.quality.items.iter().filter(|i| i.kind == QualityKind::Implausible).map(|i| i.check.clone()).collect();
    assert_eq!(
        checks,
        [CheckCode::CriteriaBeforeOnset, CheckCode::OxygenHigh { flow: "8".into() }, CheckCode::PhoneDigits]
    );
}

#[test]
fn unknown_bed_types_and_regions_are_refused() {
    let (_dir, mut desk) = demo_desk();
    let input = NewRequestInput { bed_type_id: "spa".into(), ..complete(&desk) };
    let report = ErrorReport::from(desk.create_request(&input, true).expect_err("not in the region pack"));
    assert_eq!(
        (report.problems[0].field.as_str(), &report.problems[0].problem),
        ("bed_type_id", &Problem::UnknownReference)
    );
    let input = NewRequestInput { preferred_regions: vec!["p8-atlantis".into()], ..complete(&desk) };
    let report = ErrorReport::from(desk.create_request(&input, true).expect_err("no such region"));
    assert_eq!(report.problems[0].field, "preferred_regions");
}

#[test]
fn referrers_are_ranked_by_their_average_quality() {
    let (_dir, mut desk) = demo_desk();
    let today = desk.today().expect("today");
    let full = desk.create_request(&complete(&desk), true).expect("complete");
    let sparse = desk.create_request(&valid_input(&desk), true).expect("sparse");
    let ranking = desk.quality_by_referrer(today, today).expect("ranking");
    let ours = ranking.iter().find(|q| q.hospital_id == full.summary.referring_hospital_id).expect("our referrer");
    assert!(ours.requests >= 2);
    let expected_floor = f64::from(full.quality.score.min(sparse.quality.score));
    assert!(ours.average_score >= expected_floor && ours.average_score < 100.0, "{ours:?}");
    assert!(ours.blocked >= 1, "the sparse request could not be matched");
    assert!(ranking.windows(2).all(|w| w[0].average_score <= w[1].average_score), "lowest first");
    // Only the requests registered in the period count.
    let a_year_ago = today - chrono::Duration::days(365);
    assert_eq!(desk.quality_by_referrer(a_year_ago, a_year_ago).expect("ranking"), [], "nothing registered then");
    let tomorrow = today.succ_opt().expect("tomorrow");
    let ours_until_tomorrow = desk.quality_by_referrer(today, tomorrow).expect("ranking");
    assert_eq!(ours_until_tomorrow, ranking, "the same requests when the period runs on past today");
}
