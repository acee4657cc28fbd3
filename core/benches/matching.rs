//! Matching benchmarks (criterion), each beside its baseline in the same run:
//! - one request over 10,000 hospitals (`rank`, and `rank` + `explain` as the app shows it) against
//!   `bare_scan`, a pass over the same compiled profiles and beds that only counts hospitals with
//!   the care and a free bed;
//! - the batch suggestion for 2,000 requests over the same 10,000 hospitals, with the greedy pass;
//! - the ranking's ratio to the bare scan over 200 different requests (median and p90), written to
//!   `criterion/ranking_ratios.json` in the target directory.
//!
//! `scripts/bench-matching` runs this and prints the ratios for docs/performance.md.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use tenin_core::capacity::CapacityReport;
use tenin_core::care::{Adl, CareNeeds, Dialysis, Suctioning, TubeFeeding};
use tenin_core::hospital::HospitalSummary;
use tenin_core::ids::to_rfc3339;
use tenin_core::inquiry::InquiryOutcome;
use tenin_core::matching::batch::{PlanOutcome, greedy_placed, plan};
use tenin_core::matching::{AnswerRecord, DirectoryInput, MatchDirectory, MatchRequest, MatchWeights, explain, rank};
use tenin_core::quality::QualityReport;
use tenin_core::reference::Term;
use tenin_core::region_pack::DeclineLapse;
use tenin_core::request_view::{RequestDetail, RequestSummary};
use tenin_core::requirements::AcceptanceRequirements;
use tenin_store::reference::DeclineReasonRule;

const HOSPITALS: usize = 10_000;
const REQUESTS: usize = 2_000;
const BED_TYPES: [&str; 6] = ["general", "community_care", "recovery_rehab", "long_term", "disability", "psychiatric"];
const MUNICIPALITIES: usize = 60;
const REGIONS: usize = 9;

/// A small deterministic generator (xorshift), so every run sees the same data.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

fn now() -> DateTime<Utc> {
    "2026-11-21T03:00:00Z".parse().expect("time")
}

/// `report`: percent of bed types reported; `most`: the most free beds in a report.
fn hospitals(dice: &mut Dice, report: u64, most: u64) -> Vec<HospitalSummary> {
    (0..HOSPITALS)
        .map(|i| {
            let municipality = dice.below(MUNICIPALITIES as u64) as usize;
            let requirements = AcceptanceRequirements {
                oxygen_max_l_per_min: [None, Some(2.0), Some(3.0), Some(5.0)][dice.below(4) as usize],
                dialysis_hd: dice.chance(30),
                dialysis_pd: dice.chance(20),
                tube_feeding_ng: dice.chance(60),
                tube_feeding_peg: dice.chance(60),
                tracheostomy: dice.chance(40),
                suctioning: [Suctioning::None, Suctioning::Occasional, Suctioning::Frequent][dice.below(3) as usize],
                dementia_bpsd: dice.chance(50),
                psychiatric: dice.chance(15),
                isolation_mrsa: dice.chance(50),
                adl_full_assist: dice.chance(80),
                age_min: dice.chance(10).then_some(18),
                age_max: dice.chance(10).then_some(90),
                covid_min_days_since_onset: dice.chance(15).then_some(14),
                covid_negative_tests_required: u8::from(dice.chance(10)),
                ..Default::default()
            };
            let mut capacity = Vec::new();
            for bed_type in BED_TYPES {
                if !dice.chance(report) {
                    continue;
                }
                let hours = dice.below(48) as i64;
                capacity.push(CapacityReport {
                    bed_type: bed_type.into(),
                    available: dice.below(most + 1) as u32,
                    reported_at: to_rfc3339(now() - Duration::hours(hours)),
                    stale: hours >= 24,
                    ..Default::default()
                });
            }
            HospitalSummary {
                id: format!("h{i}"),
                code: format!("{i:010}"),
                name: format!("病院{i}"),
                municipality_code: format!("m{municipality}"),
                jurisdiction_id: format!("j{}", municipality / 4),
                region_id: Some(format!("r{}", municipality % REGIONS)),
                latitude: dice.chance(95).then(|| 35.1 + dice.below(600) as f64 / 1000.0),
                longitude: dice.chance(95).then(|| 139.0 + dice.below(700) as f64 / 1000.0),
                is_receiving: dice.chance(90),
                active: dice.chance(97),
                beyond_criteria: requirements.beyond_national_criteria(),
                requirements,
                capacity,
                ..Default::default()
            }
        })
        .collect()
}

fn requests(dice: &mut Dice) -> Vec<RequestDetail> {
    (0..REQUESTS)
        .map(|i| RequestDetail {
            summary: RequestSummary {
                id: format!("r{i}"),
                ref_no: format!("{i}"),
                referring_hospital_id: format!("h{}", dice.below(HOSPITALS as u64)),
                patient_age: 60 + dice.below(40) as u8,
                residence_municipality_code: Some(format!("m{}", dice.below(MUNICIPALITIES as u64))),
                ..Default::default()
            },
            care: CareNeeds {
                oxygen_l_per_min: Some(if dice.chance(30) { 2.0 } else { 0.0 }),
                dialysis: Some(if dice.chance(5) { Dialysis::Hd } else { Dialysis::None }),
                tube_feeding: Some(if dice.chance(15) { TubeFeeding::Peg } else { TubeFeeding::None }),
                dementia_bpsd: Some(dice.chance(20)),
                ..CareNeeds::none_with([Adl::Independent, Adl::PartialAssist, Adl::FullAssist][dice.below(3) as usize])
            },
            bed_type_id: Some(BED_TYPES[dice.below(4) as usize].into()),
            onset_date: Some("2026-11-08".into()),
            preferred_regions: vec![Term { id: format!("r{}", dice.below(REGIONS as u64)), name: String::new() }],
            quality: QualityReport { score: 100, can_match: true, items: Vec::new() },
            ..Default::default()
        })
        .collect()
}

fn history(dice: &mut Dice) -> Vec<AnswerRecord> {
    (0..20_000)
        .map(|_| {
            let asked_at = now() - Duration::minutes(dice.below(60 * 24 * 60) as i64);
            AnswerRecord {
                hospital_id: format!("h{}", dice.below(HOSPITALS as u64)),
                bed_type: Some(BED_TYPES[dice.below(6) as usize].into()),
                outcome: if dice.chance(60) { InquiryOutcome::Accepted } else { InquiryOutcome::Declined },
                asked_at,
                answered_at: Some(asked_at + Duration::minutes(dice.below(240) as i64)),
            }
        })
        .collect()
}

fn directory(dice: &mut Dice, report: u64, most: u64) -> MatchDirectory {
    let terms = |ids: Vec<String>| ids.into_iter().map(|id| Term { name: id.clone(), id }).collect();
    let municipality_regions: HashMap<String, String> =
        (0..MUNICIPALITIES).map(|m| (format!("m{m}"), format!("r{}", m % REGIONS))).collect();
    MatchDirectory::new(
        DirectoryInput {
            hospitals: hospitals(dice, report, most),
            bed_types: terms(BED_TYPES.iter().map(|b| (*b).to_owned()).collect()),
            regions: terms((0..REGIONS).map(|r| format!("r{r}")).collect()),
            municipality_regions,
            decline_reasons: vec![DeclineReasonRule {
                id: "full".into(),
                name: "満床".into(),
                own_rule: false,
                lapses: DeclineLapse::OnFreeBeds,
            }],
            history: history(dice).into(),
            weights: MatchWeights::default(),
            now: now(),
            today: NaiveDate::from_ymd_opt(2026, 11, 21).expect("date"),
        },
        24,
    )
}

fn benches(c: &mut Criterion) {
    let mut dice = Dice(0x5eed_1234_abcd_9876);
    let dir = directory(&mut dice, 40, 5);
    let details = requests(&mut dice);
    let compiled: Vec<MatchRequest> =
        details.iter().map(|d| MatchRequest::compile(d, &dir).expect("matchable")).collect();
    let one = &compiled[0];
    let ranked = rank(one, &dir);
    eprintln!("one request: {} candidates, {} excluded", ranked.candidates.len(), ranked.excluded.len());

    let mut single = c.benchmark_group("one_request_10k_hospitals");
    single.bench_function("bare_scan", |b| b.iter(|| black_box(dir.bare_scan(one.needs(), one.bed_type_index()))));
    single.bench_function("rank", |b| b.iter(|| black_box(rank(one, &dir))));
    single.bench_function("rank_and_explain", |b| b.iter(|| black_box(explain(one, &dir, &rank(one, &dir)))));
    single.finish();

    // Where beds are scarce (few reports, at most one free bed), requests compete for them.
    let scarce = directory(&mut Dice(0x0bad_cafe_f00d_1234), 4, 1);
    let scarce_requests: Vec<MatchRequest> =
        details.iter().map(|d| MatchRequest::compile(d, &scarce).expect("matchable")).collect();
    for (name, dir, requests) in [("plentiful", &dir, &compiled), ("scarce", &scarce, &scarce_requests)] {
        let placed = plan(requests, dir).outcomes.iter().filter(|o| matches!(o, PlanOutcome::Placed { .. })).count();
        eprintln!("{name} beds: batch places {placed} of {REQUESTS}; greedy places {}", greedy_placed(requests, dir));
    }
    let mut batch = c.benchmark_group("batch_2000_requests_10k_hospitals");
    batch.sample_size(10);
    batch.bench_function("plan", |b| b.iter(|| black_box(plan(&compiled, &dir))));
    batch.bench_function("greedy", |b| b.iter(|| black_box(greedy_placed(&compiled, &dir))));
    batch.bench_function("plan_scarce_beds", |b| b.iter(|| black_box(plan(&scarce_requests, &scarce))));
    batch.finish();
}

/// The ranking against the bare scan for each of the first 200 requests: the median of 15 rounds
/// of (bare scan ×20, rank ×5) timed back to back, so both see the same state of the machine.
fn ratios_over_requests(dir: &MatchDirectory, requests: &[MatchRequest]) -> Vec<f64> {
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    requests
        .iter()
        .take(200)
        .map(|r| {
            let (mut bare, mut ranked) = (Vec::new(), Vec::new());
            for _ in 0..15 {
                let t = Instant::now();
                for _ in 0..20 {
                    black_box(dir.bare_scan(r.needs(), r.bed_type_index()));
                }
                bare.push(t.elapsed().as_secs_f64() / 20.0);
                let t = Instant::now();
                for _ in 0..5 {
                    black_box(rank(r, dir));
                }
                ranked.push(t.elapsed().as_secs_f64() / 5.0);
            }
            median(ranked) / median(bare)
        })
        .collect()
}

fn two_hundred_requests(_: &mut Criterion) {
    let mut dice = Dice(0x5eed_1234_abcd_9876);
    let dir = directory(&mut dice, 40, 5);
    let compiled: Vec<MatchRequest> =
        requests(&mut dice).iter().map(|d| MatchRequest::compile(d, &dir).expect("matchable")).collect();
    let mut ratios = ratios_over_requests(&dir, &compiled);
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
    eprintln!("ranking over 200 requests: median {:.1}x, p90 {:.1}x the bare scan", at(0.5), at(0.9));
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let out = std::path::Path::new(&target).join("criterion/ranking_ratios.json");
    let _ = std::fs::create_dir_all(out.parent().expect("folder"));
    let json = format!("{{\"median\": {}, \"p90\": {}, \"requests\": {}}}", at(0.5), at(0.9), ratios.len());
    std::fs::write(&out, json).expect("ratios written");
}

criterion_group!(matching, benches, two_hundred_requests);
criterion_main!(matching);
