//! The hard constraints: a hospital that fails any of them is out, and the set of those it failed
//! says why. Unknown or stale capacity does not rule a hospital out (it is marked instead), and a
//! condition on a date the request lacks is marked "to confirm" rather than assumed failed.

use super::care_set::{CareNeed, CareSet};
use super::directory::MatchDirectory;
use super::request::{Answered, MatchRequest};

/// The constraints a hospital failed, as bits: the care needs it does not cover, then the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Exclusions(u64);

impl Exclusions {
    pub const OXYGEN: u64 = 1 << 32;
    pub const NOT_RECEIVING: u64 = 1 << 33;
    pub const INACTIVE: u64 = 1 << 34;
    pub const REFERRING_HOSPITAL: u64 = 1 << 35;
    pub const AGE: u64 = 1 << 36;
    pub const DAYS_SINCE_ONSET: u64 = 1 << 37;
    pub const DAYS_SINCE_CRITERIA_MET: u64 = 1 << 38;
    pub const NO_FREE_BEDS: u64 = 1 << 39;
    pub const DECLINED: u64 = 1 << 40;

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn has(self, bit: u64) -> bool {
        self.0 & bit != 0
    }

    /// The care needs the hospital does not cover.
    pub fn care(self) -> impl Iterator<Item = CareNeed> {
        CareNeed::ALL.into_iter().filter(move |n| self.0 & (1u64 << (*n as u32)) != 0)
    }

    /// How many constraints failed.
    pub fn count(self) -> u32 {
        self.0.count_ones()
    }
}

/// Every hard constraint `hospital` fails for `request` (empty: a candidate).
#[inline]
pub(crate) fn check(request: &MatchRequest, dir: &MatchDirectory, hospital: usize) -> Exclusions {
    let p = &dir.profiles[hospital];
    let mut bits = uncovered(request.needs, p.provides);
    if !p.receiving {
        bits |= Exclusions::NOT_RECEIVING;
    }
    if !p.active {
        bits |= Exclusions::INACTIVE;
    }
    if request.referrer == Some(hospital) {
        bits |= Exclusions::REFERRING_HOSPITAL;
    }
    if request.oxygen > p.oxygen_max {
        bits |= Exclusions::OXYGEN;
    }
    if request.age < p.age_min || request.age > p.age_max {
        bits |= Exclusions::AGE;
    }
    if request.days_since_onset.is_some_and(|d| d < i64::from(p.min_days_since_onset)) {
        bits |= Exclusions::DAYS_SINCE_ONSET;
    }
    if request.days_since_criteria_met.is_some_and(|d| d < i64::from(p.min_days_since_criteria_met)) {
        bits |= Exclusions::DAYS_SINCE_CRITERIA_MET;
    }
    let beds = dir.beds(hospital, request.bed_type);
    if beds.known && !beds.stale && beds.available == 0 {
        bits |= Exclusions::NO_FREE_BEDS;
    }
    if !request.answered.is_empty()
        && matches!(request.answer_of(hospital), Some(Answered::Declined { holds: true, .. }))
    {
        bits |= Exclusions::DECLINED;
    }
    Exclusions(bits)
}

fn uncovered(needs: CareSet, provided: CareSet) -> u64 {
    u64::from(needs.uncovered_by(provided).bits())
}
