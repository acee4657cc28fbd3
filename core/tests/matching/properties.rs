//! Properties on random directories and requests, checked against an oracle written straight from
//! the rules (not from the engine's code): no candidate breaks a hard constraint, every exclusion
//! names exactly the constraints broken, and the batch never overfills a hospital and places at
//! least as many patients as a greedy pass.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use tenin_core::care::{Adl, CareNeeds, Dialysis, Isolation, IvLine, Suctioning, TubeFeeding};
use tenin_core::hospital::HospitalSummary;
use tenin_core::inquiry::InquiryOutcome;
use tenin_core::matching::batch::{PlanOutcome, greedy_placed, plan};
use tenin_core::matching::report::ExclusionReason;
use tenin_core::matching::{
    AnswerHistory, AnswerRecord, AnswerTally, MatchDirectory, MatchRequest, MatchWeights, explain, rank,
};
use tenin_core::region_pack::DeclineLapse;
use tenin_core::request_view::RequestDetail;
use tenin_core::requirements::AcceptanceRequirements;

use crate::fixtures::*;

fn level_suction(s: Suctioning) -> u8 {
    match s {
        Suctioning::None => 0,
        Suctioning::Occasional => 1,
        Suctioning::Frequent => 2,
    }
}

fn level_line(l: IvLine) -> u8 {
    match l {
        IvLine::None => 0,
        IvLine::Peripheral => 1,
        IvLine::Central => 2,
    }
}

/// The hard constraints `h` breaks for `d`, by the `kind` the report uses (one `care` per need).
fn oracle(h: &HospitalSummary, d: &RequestDetail, today: NaiveDate) -> Vec<&'static str> {
    let r = &h.requirements;
    let c = &d.care;
    let mut broken = Vec::new();
    if !h.is_receiving {
        broken.push("not_receiving");
    }
    if !h.active {
        broken.push("inactive");
    }
    if h.id == d.summary.referring_hospital_id {
        broken.push("referring_hospital");
    }
    if c.oxygen_flow().is_some_and(|need| r.oxygen_max_l_per_min.is_none_or(|max| need > max)) {
        broken.push("oxygen");
    }
    // An item never answered rules no hospital out (it is marked for confirming instead).
    let care_gaps = [
        c.dialysis == Some(Dialysis::Hd) && !r.dialysis_hd,
        c.dialysis == Some(Dialysis::Pd) && !r.dialysis_pd,
        c.tube_feeding == Some(TubeFeeding::Ng) && !r.tube_feeding_ng,
        c.tube_feeding == Some(TubeFeeding::Peg) && !r.tube_feeding_peg,
        c.tracheostomy == Some(true) && !r.tracheostomy,
        level_suction(c.suctioning.unwrap_or(Suctioning::None)) > level_suction(r.suctioning),
        level_line(c.iv_line.unwrap_or(IvLine::None)) > level_line(r.iv_line),
        c.dementia_bpsd == Some(true) && !r.dementia_bpsd,
        c.psychiatric == Some(true) && !r.psychiatric,
        c.isolation == Some(Isolation::Mrsa) && !r.isolation_mrsa,
        c.isolation == Some(Isolation::Other) && !r.isolation_other,
        c.adl == Adl::Independent && !r.adl_independent,
        c.adl == Adl::PartialAssist && !r.adl_partial_assist,
        c.adl == Adl::FullAssist && !r.adl_full_assist,
        c.bariatric == Some(true) && !r.bariatric,
    ];
    broken.extend(care_gaps.iter().filter(|gap| **gap).map(|_| "care"));
    let age = d.summary.patient_age;
    if r.age_min.is_some_and(|min| age < min) || r.age_max.is_some_and(|max| age > max) {
        broken.push("age");
    }
    let days =
        |date: &Option<String>| date.as_deref().map(|s| (today - s.parse::<NaiveDate>().expect("iso")).num_days());
    if let (Some(days), Some(min)) = (days(&d.onset_date), r.covid_min_days_since_onset)
        && days < i64::from(min)
    {
        broken.push("days_since_onset");
    }
    if let (Some(days), Some(min)) = (days(&d.criteria_met_date), r.covid_min_days_since_criteria_met)
        && days < i64::from(min)
    {
        broken.push("days_since_criteria_met");
    }
    let bed_type = d.bed_type_id.as_deref().expect("bed type");
    let report = h.capacity.iter().find(|c| c.bed_type == bed_type);
    if report.is_some_and(|c| !c.stale && c.available == 0) {
        broken.push("no_free_beds");
    }
    let last = d.inquiries.iter().filter(|i| i.hospital_id == h.id).max_by(|a, b| a.asked_at.cmp(&b.asked_at));
    if let Some(last) = last.filter(|i| i.outcome == InquiryOutcome::Declined) {
        let rule = decline_reasons().into_iter().find(|r| Some(&r.id) == last.decline_reason.as_ref());
        let at = last.answered_at.clone().expect("answered");
        let free_since = report.is_some_and(|c| c.available > 0 && c.reported_at >= at);
        let holds = match rule.map_or(DeclineLapse::Never, |r| r.lapses) {
            DeclineLapse::Never => true,
            DeclineLapse::AtOnce => false,
            DeclineLapse::OnFreeBeds => !free_since,
        };
        if holds {
            broken.push("declined");
        }
    }
    broken.sort_unstable();
    broken
}

fn kind(reason: &ExclusionReason) -> &'static str {
    match reason {
        ExclusionReason::NotReceiving => "not_receiving",
        ExclusionReason::Inactive => "inactive",
        ExclusionReason::ReferringHospital => "referring_hospital",
        ExclusionReason::Care { .. } => "care",
        ExclusionReason::Oxygen { .. } => "oxygen",
        ExclusionReason::Age { .. } => "age",
        ExclusionReason::DaysSinceOnset { .. } => "days_since_onset",
        ExclusionReason::DaysSinceCriteriaMet { .. } => "days_since_criteria_met",
        ExclusionReason::NoFreeBeds { .. } => "no_free_beds",
        ExclusionReason::Declined { .. } => "declined",
    }
}

fn requirements() -> impl Strategy<Value = AcceptanceRequirements> {
    let flags = prop::collection::vec(prop::bool::weighted(0.6), 12);
    let oxygen = prop::option::of(prop::sample::select(vec![1.0, 2.0, 3.0, 5.0]));
    let levels = (0u8..3, 0u8..3);
    let ages = (prop::option::of(0u8..60), prop::option::of(60u8..110));
    let days = (prop::option::of(5u16..20), prop::option::of(0u16..5));
    (flags, oxygen, levels, ages, days).prop_map(|(f, oxygen, (s, l), (age_min, age_max), (onset, criteria))| {
        AcceptanceRequirements {
            oxygen_max_l_per_min: oxygen,
            dialysis_hd: f[0],
            dialysis_pd: f[1],
            tube_feeding_ng: f[2],
            tube_feeding_peg: f[3],
            tracheostomy: f[4],
            suctioning: [Suctioning::None, Suctioning::Occasional, Suctioning::Frequent][s as usize],
            iv_line: [IvLine::None, IvLine::Peripheral, IvLine::Central][l as usize],
            dementia_bpsd: f[5],
            psychiatric: f[6],
            isolation_mrsa: f[7],
            isolation_other: f[8],
            adl_independent: f[9],
            adl_partial_assist: f[10],
            adl_full_assist: f[11] || !(f[9] || f[10]),
            age_min,
            age_max,
            covid_min_days_since_onset: onset,
            covid_min_days_since_criteria_met: criteria,
            ..Default::default()
        }
    })
}

fn hospitals() -> impl Strategy<Value = Vec<HospitalSummary>> {
    let one = (
        requirements(),
        0usize..3,
        prop::option::of((35.0f64..36.0, 139.0f64..140.0)),
        prop::collection::vec(prop::option::of((0u32..4, 0i64..40)), 3),
        prop::bool::weighted(0.9),
        prop::bool::weighted(0.9),
    );
    prop::collection::vec(one, 1..16).prop_map(|list| {
        list.into_iter()
            .enumerate()
            .map(|(i, (requirements, place, coords, reports, receiving, active))| {
                let mut h = hospital(&format!("{:010}", i + 1), &format!("m-{}", place + 1), REGIONS[place]);
                h.requirements = requirements;
                h.beyond_criteria = h.requirements.beyond_national_criteria();
                (h.latitude, h.longitude) = (coords.map(|c| c.0), coords.map(|c| c.1));
                h.capacity = reports
                    .iter()
                    .zip(BED_TYPES)
                    .filter_map(|(r, bed_type)| r.map(|(available, hours)| beds(bed_type, available, hours)))
                    .collect();
                h.is_receiving = receiving;
                h.active = active;
                h
            })
            .collect()
    })
}

fn care() -> impl Strategy<Value = CareNeeds> {
    // Each item answered, or (one time in six) never stated.
    let stated = |n: u8| n < 5;
    (
        prop::option::of(prop::sample::select(vec![0.0, 1.0, 2.0, 4.0])),
        0u8..3,
        0u8..3,
        prop::collection::vec(prop::bool::weighted(0.2), 5),
        (0u8..3, 0u8..3, 0u8..3, 1u8..4),
        prop::collection::vec(0u8..6, 9),
    )
        .prop_map(move |(oxygen, dialysis, tube, f, (s, l, iso, adl), answered)| CareNeeds {
            oxygen_l_per_min: oxygen,
            dialysis: stated(answered[0]).then_some([Dialysis::None, Dialysis::Hd, Dialysis::Pd][dialysis as usize]),
            tube_feeding: stated(answered[1])
                .then_some([TubeFeeding::None, TubeFeeding::Ng, TubeFeeding::Peg][tube as usize]),
            tracheostomy: stated(answered[2]).then_some(f[0]),
            suctioning: stated(answered[3])
                .then_some([Suctioning::None, Suctioning::Occasional, Suctioning::Frequent][s as usize]),
            iv_line: stated(answered[4]).then_some([IvLine::None, IvLine::Peripheral, IvLine::Central][l as usize]),
            dementia_bpsd: stated(answered[5]).then_some(f[1]),
            psychiatric: stated(answered[6]).then_some(f[2]),
            isolation: stated(answered[7])
                .then_some([Isolation::None, Isolation::Mrsa, Isolation::Other][iso as usize]),
            adl: [Adl::Unknown, Adl::Independent, Adl::PartialAssist, Adl::FullAssist][adl as usize],
            bariatric: stated(answered[8]).then_some(f[3] && f[4]),
        })
}

/// A request from one of the `n` hospitals, with answers from some of them.
fn requests(n: usize, count: std::ops::Range<usize>) -> impl Strategy<Value = Vec<RequestDetail>> {
    let answer =
        (0..n, 0u8..4, prop::sample::select(vec!["full", "care_not_possible", "own_rule", "no_answer"]), 0i64..30);
    let one = (
        0..n,
        0usize..3,
        care(),
        20u8..100,
        prop::option::of(0i64..20),
        prop::option::of(0i64..6),
        prop::collection::vec(answer, 0..4),
    );
    prop::collection::vec(one, count).prop_map(move |list| {
        list.into_iter()
            .enumerate()
            .map(|(i, (referrer, bed, care, age, onset, criteria, answers))| {
                let mut d = request(&format!("r{i}"), &format!("h-{:010}", referrer + 1), BED_TYPES[bed], care);
                d.summary.patient_age = age;
                d.onset_date = onset.map(|days| (today() - Duration::days(days)).to_string());
                d.criteria_met_date = criteria.map(|days| (today() - Duration::days(days)).to_string());
                d.inquiries = answers
                    .into_iter()
                    .map(|(h, outcome, reason, hours)| {
                        let outcome = [InquiryOutcome::Waiting, InquiryOutcome::Accepted, InquiryOutcome::Declined]
                            [(outcome as usize).min(2)];
                        let reason = (outcome == InquiryOutcome::Declined).then_some(reason);
                        inquiry(&format!("h-{:010}", h + 1), outcome, reason, hours)
                    })
                    .collect();
                d
            })
            .collect()
    })
}

fn desk_case(count: std::ops::Range<usize>) -> impl Strategy<Value = (Vec<HospitalSummary>, Vec<RequestDetail>)> {
    hospitals().prop_flat_map(move |hs| {
        let n = hs.len();
        (Just(hs), requests(n, count.clone()))
    })
}

fn compile(d: &RequestDetail, dir: &MatchDirectory) -> MatchRequest {
    MatchRequest::compile(d, dir).expect("fixtures are matchable")
}

/// Answer records for the hospitals `to` (by index, wrapping): (which hospital, which bed type —
/// the request's for 0 and 1, another or none —, outcome, hours ago asked, seconds until answered).
fn answer_records(to: &[String], bed_type: &str, raw: &[(usize, usize, u8, i64, Option<i64>)]) -> Vec<AnswerRecord> {
    raw.iter()
        .map(|&(h, b, outcome, hours_ago, took)| {
            let asked_at = now() - Duration::hours(hours_ago);
            AnswerRecord {
                hospital_id: to[h % to.len()].clone(),
                bed_type: match b {
                    0 | 1 => Some(bed_type.to_owned()),
                    2 => BED_TYPES.iter().find(|t| **t != bed_type).map(|t| (*t).to_owned()),
                    _ => None,
                },
                outcome: [InquiryOutcome::Waiting, InquiryOutcome::Accepted, InquiryOutcome::Declined]
                    [usize::from(outcome)],
                asked_at,
                answered_at: took.map(|m| asked_at + Duration::seconds(m)),
            }
        })
        .collect()
}

/// The same records as the desk keeps them: summed, with each hospital's acceptances of the last week.
fn summed(records: &[AnswerRecord]) -> AnswerHistory {
    let mut tallies: Vec<AnswerTally> = Vec::new();
    let mut recent: HashMap<String, u32> = HashMap::new();
    for r in records {
        let took = r.answered_at.map(|a| u32::try_from((a - r.asked_at).num_minutes().max(0)).unwrap_or(0));
        let same = |t: &&mut AnswerTally| {
            (&t.hospital_id, &t.bed_type, t.outcome, t.minutes) == (&r.hospital_id, &r.bed_type, r.outcome, took)
        };
        match tallies.iter_mut().find(same) {
            Some(tally) => tally.count += 1,
            None => tallies.push(AnswerTally {
                hospital_id: r.hospital_id.clone(),
                bed_type: r.bed_type.clone(),
                outcome: r.outcome,
                minutes: took,
                count: 1,
            }),
        }
        let at = r.answered_at.unwrap_or(r.asked_at);
        if r.outcome == InquiryOutcome::Accepted && at >= now() - Duration::days(7) {
            *recent.entry(r.hospital_id.clone()).or_default() += 1;
        }
    }
    AnswerHistory::Summed { tallies, accepted_recently: recent.into_iter().collect() }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_answer_history_summed_ranks_and_explains_as_every_inquiry_does(
        (hospitals, details) in desk_case(1..2),
        raw in prop::collection::vec((0usize..8, 0usize..4, 0u8..3, 0i64..400, prop::option::of(0i64..20_000)), 0..80),
    ) {
        // The answers go mostly to the hospitals that are candidates, for the bed type asked for.
        let bare = directory(hospitals.clone(), Vec::new(), MatchWeights::default());
        let request = compile(&details[0], &bare);
        let candidates: Vec<String> =
            explain(&request, &bare, &rank(&request, &bare)).candidates.into_iter().map(|c| c.hospital_id).collect();
        let to = if candidates.is_empty() { hospitals.iter().map(|h| h.id.clone()).collect() } else { candidates };
        let records = answer_records(&to, details[0].bed_type_id.as_deref().unwrap_or_default(), &raw);
        let every = directory(hospitals.clone(), records.clone(), MatchWeights::default());
        let kept = directory_with(hospitals, summed(&records), MatchWeights::default());
        let (a, b) = (explain(&request, &every, &rank(&request, &every)), explain(&request, &kept, &rank(&request, &kept)));
        prop_assert_eq!(a, b);
    }

    #[test]
    fn candidates_break_no_constraint_and_exclusions_name_exactly_what_they_break(
        (hospitals, details) in desk_case(1..2)
    ) {
        let dir = directory(hospitals.clone(), Vec::new(), MatchWeights::default());
        let detail = &details[0];
        let request = compile(detail, &dir);
        let report = explain(&request, &dir, &rank(&request, &dir));
        let by_id: HashMap<&str, &HospitalSummary> = hospitals.iter().map(|h| (h.id.as_str(), h)).collect();
        prop_assert_eq!(report.candidates.len() + report.excluded.len(), hospitals.len());
        for c in &report.candidates {
            prop_assert_eq!(oracle(by_id[c.hospital_id.as_str()], detail, today()), Vec::<&str>::new(), "{}", c.code);
        }
        for x in &report.excluded {
            prop_assert!(!x.reasons.is_empty(), "{} has no reason", x.code);
            let mut kinds: Vec<&str> = x.reasons.iter().map(kind).collect();
            kinds.sort_unstable();
            prop_assert_eq!(kinds, oracle(by_id[x.hospital_id.as_str()], detail, today()), "{}", x.code);
        }
        let scores: Vec<f64> = report.candidates.iter().map(|c| c.score).collect();
        prop_assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {:?}", scores);
        for c in &report.candidates {
            let parts: f64 = c.parts.iter().map(|p| p.points).sum();
            prop_assert!((parts - c.score).abs() < 0.005, "parts add up to the score");
            prop_assert!((0.0..=100.0).contains(&c.score));
        }
    }

    #[test]
    fn the_same_input_gives_the_same_order((hospitals, details) in desk_case(1..2)) {
        let once = |hs: Vec<HospitalSummary>| {
            let dir = directory(hs, Vec::new(), MatchWeights::default());
            let request = compile(&details[0], &dir);
            explain(&request, &dir, &rank(&request, &dir))
                .candidates
                .iter()
                .map(|c| c.code.clone())
                .collect::<Vec<_>>()
        };
        let mut reversed = hospitals.clone();
        reversed.reverse();
        prop_assert_eq!(once(hospitals), once(reversed), "input order does not matter");
    }

    #[test]
    fn the_batch_respects_beds_and_places_at_least_as_many_as_greedy((hospitals, details) in desk_case(1..25)) {
        let dir = directory(hospitals.clone(), Vec::new(), MatchWeights::default());
        let requests: Vec<MatchRequest> = details.iter().map(|d| compile(d, &dir)).collect();
        let plan = plan(&requests, &dir);
        let mut used: HashMap<(String, String), u32> = HashMap::new();
        let mut placed = 0;
        for (detail, outcome) in details.iter().zip(&plan.outcomes) {
            let PlanOutcome::Placed { ranked, .. } = outcome else { continue };
            placed += 1;
            let h = dir.hospital(ranked.hospital as usize);
            prop_assert_eq!(oracle(h, detail, today()), Vec::<&str>::new(), "placed where a rule forbids");
            let bed_type = detail.bed_type_id.clone().expect("bed type");
            *used.entry((h.id.clone(), bed_type)).or_default() += 1;
        }
        for ((hospital_id, bed_type), n) in &used {
            let h = hospitals.iter().find(|h| &h.id == hospital_id).expect("known");
            let free = h.capacity.iter().find(|c| &c.bed_type == bed_type).map_or(0, |c| c.available);
            prop_assert!(*n <= free, "{} beds of {} used at {}, {} free", n, bed_type, hospital_id, free);
        }
        prop_assert!(placed >= greedy_placed(&requests, &dir), "placed {} < greedy", placed);
    }
}
