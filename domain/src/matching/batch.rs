//! The batch suggestion: every request awaiting placement against every hospital's free beds by
//! type at once, placing the most patients and then the best total score. A board for the nurse,
//! not a decision.
//!
//! Only beds that are reported free count (a stale report counts, and is marked); a hospital with
//! no report offers no bed here, though it stays a candidate on the request's own list. Before
//! solving, each request keeps only its best edges whose beds add up to the number of requests
//! needing that bed type: an optimal plan never needs more (if a request's best choices still have
//! room it can move there and lose nothing), so this shrinks the problem without changing the
//! answer.

use serde::Serialize;

use super::assignment::{self, Edge};
use super::constraints::check;
use super::directory::MatchDirectory;
use super::rank::Ranked;
use super::request::{MatchBlocker, MatchRequest};
use super::score::total;
use crate::timestamps::to_rfc3339;

/// Where the engine placed each request, by index.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BatchPlan {
    /// For each request: the hospital and its score, or why not.
    pub outcomes: Vec<PlanOutcome>,
    /// Free beds offered: the sum over hospitals and bed types of reported free beds.
    pub beds_offered: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanOutcome {
    Placed {
        ranked: Ranked,
        stale: bool,
        options: u32,
    },
    /// No hospital can take the patient at all (see the request's own list for why).
    NoCandidate,
    /// Some hospitals can take the patient, but none of them has reported a free bed of the type.
    NoBedsKnown {
        candidates: u32,
    },
    /// There were `options`, but the beds went to others in the best plan.
    BedsTaken {
        options: u32,
    },
}

/// Where the free beds are: one group per hospital and bed type with a reported free bed.
struct Groups {
    capacity: Vec<u32>,
    hospital: Vec<usize>,
    /// For each bed type, (hospital, group) in directory order.
    by_bed_type: Vec<Vec<(usize, u32)>>,
}

fn groups(dir: &MatchDirectory) -> Groups {
    let n_beds = dir.bed_types.len();
    let mut groups = Groups { capacity: Vec::new(), hospital: Vec::new(), by_bed_type: vec![Vec::new(); n_beds] };
    for (h, p) in dir.profiles.iter().enumerate() {
        if !(p.active && p.receiving) {
            continue;
        }
        for b in 0..n_beds {
            let beds = dir.beds(h, b);
            if beds.known && beds.available > 0 {
                groups.by_bed_type[b].push((h, groups.capacity.len() as u32));
                groups.capacity.push(beds.available);
                groups.hospital.push(h);
            }
        }
    }
    groups
}

/// Each request's feasible edges (group, gain), best first.
fn edges(requests: &[MatchRequest], dir: &MatchDirectory, groups: &Groups) -> Vec<Vec<Edge>> {
    requests
        .iter()
        .map(|request| {
            let mut list: Vec<Edge> = groups.by_bed_type[request.bed_type]
                .iter()
                .filter(|(h, _)| check(request, dir, *h).is_empty())
                .map(|&(h, group)| Edge { group, gain: total(request, dir, h) })
                .collect();
            // Directory order within equal gains, as on the request's own list.
            list.sort_by_key(|e| std::cmp::Reverse(e.gain));
            list
        })
        .collect()
}

/// The optimal plan (most placed, then best total score).
pub fn plan(requests: &[MatchRequest], dir: &MatchDirectory) -> BatchPlan {
    let groups = groups(dir);
    let all = edges(requests, dir, &groups);
    let mut wanting = vec![0u32; dir.bed_types.len()];
    for request in requests {
        wanting[request.bed_type] += 1;
    }
    let rows: Vec<Vec<Edge>> = all
        .iter()
        .zip(requests)
        .map(|(list, request)| {
            let mut beds = 0u32;
            list.iter()
                .take_while(|e| {
                    let more = beds < wanting[request.bed_type];
                    beds += groups.capacity[e.group as usize];
                    more
                })
                .copied()
                .collect()
        })
        .collect();
    let placed = assignment::solve(&rows, &groups.capacity);
    let outcomes = placed
        .iter()
        .zip(&all)
        .zip(requests)
        .map(|((group, list), request)| match group {
            Some(g) => {
                let edge = list.iter().find(|e| e.group == *g).copied().unwrap_or_default();
                let hospital = groups.hospital[*g as usize];
                PlanOutcome::Placed {
                    ranked: Ranked { hospital: hospital as u32, total: edge.gain },
                    stale: dir.beds(hospital, request.bed_type).stale,
                    options: list.len() as u32,
                }
            }
            None if list.is_empty() => {
                match (0..dir.len()).filter(|h| check(request, dir, *h).is_empty()).count() as u32 {
                    0 => PlanOutcome::NoCandidate,
                    candidates => PlanOutcome::NoBedsKnown { candidates },
                }
            }
            None => PlanOutcome::BedsTaken { options: list.len() as u32 },
        })
        .collect();
    BatchPlan { outcomes, beds_offered: groups.capacity.iter().sum() }
}

/// How many a greedy pass (best edge first) places on the same input: the yardstick.
pub fn greedy_placed(requests: &[MatchRequest], dir: &MatchDirectory) -> usize {
    let groups = groups(dir);
    assignment::greedy(&edges(requests, dir, &groups), &groups.capacity).iter().flatten().count()
}

/// The board as the UI and `tenin match --batch` show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BatchSuggestion {
    pub computed_at: String,
    /// Requests awaiting placement that could be matched.
    pub requests_considered: u32,
    pub beds_offered: u32,
    /// Sum of the placed patients' scores (0–100 each).
    pub total_score: f64,
    /// Placements that rest on care items the request never answered (the row names them).
    pub placed_unconfirmed: u32,
    pub rows: Vec<BatchRow>,
    /// Requests awaiting placement that lack what matching needs.
    pub blocked: Vec<BatchBlocked>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BatchRow {
    pub request_id: String,
    pub ref_no: String,
    pub patient_initials: String,
    pub patient_age: u8,
    pub bed_type_name: String,
    pub suggestion: BatchOutcome,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BatchOutcome {
    Placed {
        hospital_id: String,
        hospital_code: String,
        hospital_name: String,
        score: f64,
        /// The bed count behind it is older than the desk's limit.
        capacity_stale: bool,
        /// Hospitals with free beds that could take the patient.
        options: u32,
        /// Care items never answered that this hospital might not cover: confirm before relying on it.
        to_confirm: Vec<crate::care::CareItem>,
    },
    /// No hospital can take the patient at all.
    NoCandidate,
    /// `candidates` could take the patient, but none has reported a free bed of the type: call them.
    NoBedsKnown {
        candidates: u32,
    },
    BedsTaken {
        options: u32,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BatchBlocked {
    pub request_id: String,
    pub ref_no: String,
    pub blockers: Vec<MatchBlocker>,
}

/// Names and figures on a plan. `requests` are the compiled requests the plan was made for.
pub fn suggestion(
    requests: &[MatchRequest],
    dir: &MatchDirectory,
    plan: &BatchPlan,
    blocked: Vec<BatchBlocked>,
) -> BatchSuggestion {
    let mut total = 0u32;
    let mut unconfirmed = 0u32;
    let rows = requests
        .iter()
        .zip(&plan.outcomes)
        .map(|(request, outcome)| BatchRow {
            request_id: request.request_id.clone(),
            ref_no: request.ref_no.clone(),
            patient_initials: request.patient_initials.clone(),
            patient_age: request.age,
            bed_type_name: dir.bed_types[request.bed_type].name.clone(),
            suggestion: match outcome {
                PlanOutcome::Placed { ranked, stale, options } => {
                    total += ranked.total;
                    let to_confirm = super::confirm::to_confirm(request, dir, ranked.hospital as usize);
                    unconfirmed += u32::from(!to_confirm.is_empty());
                    let h = dir.hospital(ranked.hospital as usize);
                    BatchOutcome::Placed {
                        hospital_id: h.id.clone(),
                        hospital_code: h.code.clone(),
                        hospital_name: h.name.clone(),
                        score: f64::from(ranked.total) / 100.0,
                        capacity_stale: *stale,
                        options: *options,
                        to_confirm,
                    }
                }
                PlanOutcome::NoCandidate => BatchOutcome::NoCandidate,
                PlanOutcome::NoBedsKnown { candidates } => BatchOutcome::NoBedsKnown { candidates: *candidates },
                PlanOutcome::BedsTaken { options } => BatchOutcome::BedsTaken { options: *options },
            },
        })
        .collect();
    BatchSuggestion {
        computed_at: to_rfc3339(dir.now),
        requests_considered: requests.len() as u32,
        beds_offered: plan.beds_offered,
        total_score: f64::from(total) / 100.0,
        placed_unconfirmed: unconfirmed,
        rows,
        blocked,
    }
}
