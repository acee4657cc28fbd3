//! The directory as the engine reads it: every hospital compiled once into a flat profile (care as
//! a bit set, conditions as numbers, places as small ids, beds and answer history per bed type),
//! so ranking 10,000 hospitals is a tight loop. Built from the same transfer types the directory
//! screen shows; no IO.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::care_set::CareSet;
use super::weights::{MatchWeights, PARTS};
use crate::hospital::HospitalSummary;
use crate::inquiry::InquiryOutcome;
use crate::reference::Term;
use crate::region_pack::DeclineReasonRule;
use crate::timestamps::parse_rfc3339;

/// One answered (or waiting) inquiry of the desk's history, for acceptance rates, answer speed and
/// recent load.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerRecord {
    pub hospital_id: String,
    /// The bed type the request asked for: "similar patients" are those needing the same one.
    pub bed_type: Option<String>,
    pub outcome: InquiryOutcome,
    pub asked_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

/// The desk's answers kept summed (see the store's `answer_tally`): how many inquiries to one
/// hospital for one bed type had this outcome, answered this many whole minutes after they were
/// asked (`None` while not answered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerTally {
    pub hospital_id: String,
    pub bed_type: Option<String>,
    pub outcome: InquiryOutcome,
    pub minutes: Option<u32>,
    pub count: u32,
}

/// The answer history the engine reads: every inquiry, or (what the desk keeps) the sums and the
/// patients each hospital accepted in the last week.
#[derive(Debug, Clone)]
pub enum AnswerHistory {
    Records(Vec<AnswerRecord>),
    Summed {
        tallies: Vec<AnswerTally>,
        /// Hospital id → patients accepted in the last [`LOAD_WINDOW_DAYS`] days.
        accepted_recently: Vec<(String, u32)>,
    },
}

impl From<Vec<AnswerRecord>> for AnswerHistory {
    fn from(records: Vec<AnswerRecord>) -> AnswerHistory {
        AnswerHistory::Records(records)
    }
}

/// Everything the engine reads, as one snapshot of the desk.
#[derive(Debug, Clone)]
pub struct DirectoryInput {
    /// Every hospital, inactive ones included (they are listed as excluded, with the reason).
    pub hospitals: Vec<HospitalSummary>,
    /// The region pack's bed types, in order.
    pub bed_types: Vec<Term>,
    /// The secondary medical regions of the plan in force.
    pub regions: Vec<Term>,
    /// Municipality code → its region under the plan in force (for the patient's home region).
    pub municipality_regions: HashMap<String, String>,
    pub decline_reasons: Vec<DeclineReasonRule>,
    pub history: AnswerHistory,
    pub weights: MatchWeights,
    pub now: DateTime<Utc>,
    /// The desk's date (in the pack's time zone), for days since onset.
    pub today: NaiveDate,
}

/// No place (unknown region, etc.).
pub(crate) const NOWHERE: u32 = u32::MAX;
/// Inquiries accepted this recently count towards a hospital's load.
pub const LOAD_WINDOW_DAYS: i64 = 7;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Profile {
    pub receiving: bool,
    pub active: bool,
    pub provides: CareSet,
    /// Tenths of L/min; 0 when it cannot give oxygen.
    pub oxygen_max: u16,
    pub age_min: u8,
    pub age_max: u8,
    pub min_days_since_onset: u16,
    pub min_days_since_criteria_met: u16,
    pub municipality: u32,
    pub jurisdiction: u32,
    pub region: u32,
    /// Latitude and longitude in degrees, and the cosine of the latitude.
    pub coords: Option<(f64, f64, f64)>,
    /// Patients accepted in the last week plus inquiries waiting for its answer.
    pub load: u32,
}

/// The current report of one bed type at one hospital.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Beds {
    pub known: bool,
    pub available: u32,
    pub stale: bool,
    pub age_minutes: u32,
    /// Milliseconds since the epoch.
    pub reported_at: i64,
}

/// A hospital's answers for one bed type.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Answers {
    pub accepted: u32,
    pub declined: u32,
    pub median_minutes: Option<u32>,
}

/// The compiled directory.
pub struct MatchDirectory {
    pub(crate) summaries: Vec<HospitalSummary>,
    pub(crate) profiles: Vec<Profile>,
    /// `hospital * bed_types + bed_type`.
    pub(crate) beds: Vec<Beds>,
    pub(crate) answers: Vec<Answers>,
    /// The score parts that depend only on the hospital and bed type, weighted (see `score`).
    hospital_points: Vec<[u16; 4]>,
    /// Their sums, for ranking.
    hospital_totals: Vec<u16>,
    /// Hundredths of a point per unit of each part (`score::scales`).
    pub(crate) scales: [f64; PARTS],
    /// 1 / the distance at which the distance part halves.
    pub(crate) per_half_km: f64,
    /// The distance part in hundredths of a point for each 50 m (`score::distance_points`).
    pub(crate) near_points: Vec<u16>,
    /// The family-area part in hundredths of a point when the hospital is in the area.
    pub(crate) area_points: u16,
    pub(crate) bed_types: Vec<Term>,
    pub(crate) places: HashMap<String, u32>,
    pub(crate) municipality_regions: HashMap<String, String>,
    pub(crate) decline_reasons: Vec<DeclineReasonRule>,
    pub(crate) by_id: HashMap<String, usize>,
    pub(crate) weights: MatchWeights,
    pub(crate) now: DateTime<Utc>,
    pub(crate) today: NaiveDate,
    pub(crate) stale_after_minutes: u32,
}

impl MatchDirectory {
    /// The directory without what the score keeps per hospital ([`MatchDirectory::new`] adds it,
    /// in `compile.rs`).
    pub(crate) fn build(input: DirectoryInput, stale_after_hours: u32) -> MatchDirectory {
        let DirectoryInput {
            mut hospitals,
            bed_types,
            regions,
            municipality_regions,
            decline_reasons,
            history,
            weights,
            now,
            today,
        } = input;
        // Code order is the stable tie-break between equal scores.
        hospitals.sort_by(|a, b| a.code.cmp(&b.code));
        let by_id: HashMap<String, usize> = hospitals.iter().enumerate().map(|(i, h)| (h.id.clone(), i)).collect();
        let bed_index: HashMap<&str, usize> = bed_types.iter().enumerate().map(|(i, t)| (t.id.as_str(), i)).collect();
        let mut places: HashMap<String, u32> = HashMap::new();
        let mut place = |key: String| {
            let next = places.len() as u32;
            *places.entry(key).or_insert(next)
        };
        let n_beds = bed_types.len();
        let mut beds = vec![Beds::default(); hospitals.len() * n_beds];
        let mut profiles = Vec::with_capacity(hospitals.len());
        for (i, h) in hospitals.iter().enumerate() {
            let r = &h.requirements;
            profiles.push(Profile {
                receiving: h.is_receiving,
                active: h.active,
                provides: CareSet::provided(r),
                oxygen_max: r.oxygen_max_l_per_min.map_or(0, tenths),
                age_min: r.age_min.unwrap_or(0),
                age_max: r.age_max.unwrap_or(u8::MAX),
                min_days_since_onset: r.covid_min_days_since_onset.unwrap_or(0),
                min_days_since_criteria_met: r.covid_min_days_since_criteria_met.unwrap_or(0),
                municipality: place(format!("m:{}", h.municipality_code)),
                jurisdiction: place(format!("j:{}", h.jurisdiction_id)),
                region: h.region_id.as_ref().map_or(NOWHERE, |r| place(format!("r:{r}"))),
                coords: h.latitude.zip(h.longitude).map(|(lat, lon)| (lat, lon, lat.to_radians().cos())),
                load: 0,
            });
            for report in &h.capacity {
                let Some(&b) = bed_index.get(report.bed_type.as_str()) else { continue };
                let at = parse_rfc3339(&report.reported_at).map(|t| t.timestamp_millis()).unwrap_or(0);
                beds[i * n_beds + b] = Beds {
                    known: true,
                    available: report.available,
                    stale: report.stale,
                    age_minutes: u32::try_from((now.timestamp_millis() - at).max(0) / 60_000).unwrap_or(u32::MAX),
                    reported_at: at,
                };
            }
        }
        // (minutes, how many answers took them), per hospital and bed type.
        let mut minutes: Vec<Vec<(u32, u32)>> = vec![Vec::new(); hospitals.len() * n_beds];
        let mut answers = vec![Answers::default(); hospitals.len() * n_beds];
        let mut count =
            |hospital: usize, bed_type: Option<&str>, outcome: InquiryOutcome, took: Option<u32>, n: u32| {
                if outcome == InquiryOutcome::Waiting {
                    profiles[hospital].load += n;
                    return;
                }
                let Some(&b) = bed_type.and_then(|b| bed_index.get(b)) else { return };
                let slot = &mut answers[hospital * n_beds + b];
                if outcome == InquiryOutcome::Accepted {
                    slot.accepted += n;
                } else {
                    slot.declined += n;
                }
                if let Some(took) = took {
                    minutes[hospital * n_beds + b].push((took, n));
                }
            };
        let recent = now - chrono::Duration::days(LOAD_WINDOW_DAYS);
        let mut recently_accepted: Vec<(usize, u32)> = Vec::new();
        match history {
            AnswerHistory::Records(records) => {
                for record in &records {
                    let Some(&h) = by_id.get(&record.hospital_id) else { continue };
                    let took = record
                        .answered_at
                        .map(|answered| u32::try_from((answered - record.asked_at).num_minutes().max(0)).unwrap_or(0));
                    count(h, record.bed_type.as_deref(), record.outcome, took, 1);
                    if record.outcome == InquiryOutcome::Accepted
                        && record.answered_at.unwrap_or(record.asked_at) >= recent
                    {
                        recently_accepted.push((h, 1));
                    }
                }
            }
            AnswerHistory::Summed { tallies, accepted_recently } => {
                for tally in &tallies {
                    let Some(&h) = by_id.get(&tally.hospital_id) else { continue };
                    count(h, tally.bed_type.as_deref(), tally.outcome, tally.minutes, tally.count);
                }
                recently_accepted.extend(accepted_recently.iter().filter_map(|(id, n)| Some((*by_id.get(id)?, *n))));
            }
        }
        for (h, n) in recently_accepted {
            profiles[h].load += n;
        }
        for (slot, mut took) in answers.iter_mut().zip(minutes) {
            slot.median_minutes = weighted_median(&mut took);
        }
        for region in &regions {
            place(format!("r:{}", region.id));
        }
        MatchDirectory {
            summaries: hospitals,
            profiles,
            beds,
            answers,
            bed_types,
            places,
            municipality_regions,
            decline_reasons,
            by_id,
            weights,
            now,
            today,
            stale_after_minutes: stale_after_hours.saturating_mul(60),
            hospital_points: Vec::new(),
            hospital_totals: Vec::new(),
            scales: weights.scales(),
            per_half_km: 1.0 / f64::from(weights.distance_half_km.max(1)),
            near_points: Vec::new(),
            area_points: 0,
        }
    }

    /// Keeps the hospital-only parts of the score (`score::hospital_points`) and their sums.
    pub(crate) fn keep_distance_points(&mut self, near_points: Vec<u16>, area_points: u16) {
        self.near_points = near_points;
        self.area_points = area_points;
    }

    pub(crate) fn keep_hospital_points(&mut self, points: Vec<[u16; 4]>) {
        self.hospital_totals = points.iter().map(|p| p.iter().sum()).collect();
        self.hospital_points = points;
    }

    pub fn len(&self) -> usize {
        self.profiles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.profiles.is_empty()
    }

    pub fn weights(&self) -> &MatchWeights {
        &self.weights
    }

    pub fn hospital(&self, index: usize) -> &HospitalSummary {
        &self.summaries[index]
    }

    pub(crate) fn bed_type_index(&self, id: &str) -> Option<usize> {
        self.bed_types.iter().position(|t| t.id == id)
    }

    pub(crate) fn beds(&self, hospital: usize, bed_type: usize) -> Beds {
        self.beds[hospital * self.bed_types.len() + bed_type]
    }

    pub(crate) fn hospital_points(&self, hospital: usize, bed_type: usize) -> [u16; 4] {
        self.hospital_points[hospital * self.bed_types.len() + bed_type]
    }

    pub(crate) fn hospital_total(&self, hospital: usize, bed_type: usize) -> u16 {
        self.hospital_totals[hospital * self.bed_types.len() + bed_type]
    }

    pub(crate) fn answers(&self, hospital: usize, bed_type: usize) -> Answers {
        self.answers[hospital * self.bed_types.len() + bed_type]
    }

    pub(crate) fn region_place(&self, region_id: &str) -> u32 {
        self.places.get(&format!("r:{region_id}")).copied().unwrap_or(NOWHERE)
    }

    /// A bare pass over the same profiles and beds that ranking reads, counting the hospitals with a
    /// free bed of `bed_type` that provide `needs`: the benchmark's baseline.
    pub fn bare_scan(&self, needs: CareSet, bed_type: usize) -> usize {
        let n = self.bed_types.len();
        self.profiles
            .iter()
            .enumerate()
            .filter(|(i, p)| needs.uncovered_by(p.provides).is_empty() && self.beds[i * n + bed_type].available > 0)
            .count()
    }
}

/// L/min as tenths, the unit the engine compares oxygen in.
pub(crate) fn tenths(flow: f64) -> u16 {
    (flow * 10.0).round().clamp(0.0, f64::from(u16::MAX)) as u16
}

/// The median of values given with how many times each occurs: the value at position `total / 2`
/// of the sorted list they stand for (as `list[list.len() / 2]` would give).
fn weighted_median(values: &mut [(u32, u32)]) -> Option<u32> {
    let total: u64 = values.iter().map(|&(_, n)| u64::from(n)).sum();
    if total == 0 {
        return None;
    }
    values.sort_unstable();
    let middle = total / 2;
    let mut seen = 0u64;
    values.iter().find_map(|&(value, n)| {
        seen += u64::from(n);
        (seen > middle).then_some(value)
    })
}

#[cfg(test)]
mod tests {
    use super::weighted_median;

    #[test]
    fn the_weighted_median_is_the_middle_of_the_list_the_counts_stand_for() {
        let cases: [&[(u32, u32)]; 6] = [
            &[],
            &[(5, 1)],
            &[(5, 1), (9, 1)],
            &[(9, 2), (1, 1)],
            &[(3, 1), (1, 1), (2, 2), (8, 3)],
            &[(4, 0), (7, 1)],
        ];
        for case in cases {
            let mut list: Vec<u32> =
                case.iter().flat_map(|&(value, n)| std::iter::repeat_n(value, n as usize)).collect();
            list.sort_unstable();
            let expected = list.get(list.len() / 2).copied();
            assert_eq!(weighted_median(&mut case.to_vec()), expected, "{case:?}");
        }
    }
}
