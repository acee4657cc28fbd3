//! The weights of the soft preferences: settings of the desk with documented defaults
//! (`docs/matching.md`). A candidate's score is the weighted mean of its parts, 0–100.

use crate::error::Detail;
use serde::{Deserialize, Serialize};

use crate::error::{Problem, Problems, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct MatchWeights {
    /// Nearness to the referring hospital (the patient travels from there).
    pub distance: u32,
    /// In one of the family's preferred areas (or, when they named none, the home region).
    pub family_area: u32,
    /// The hospital's past acceptance rate for patients needing the same bed type.
    pub acceptance: u32,
    /// How quickly it has answered inquiries.
    pub answer_speed: u32,
    /// Few patients sent to it lately (spreads the load).
    pub load: u32,
    /// How fresh its capacity report is.
    pub freshness: u32,
    /// The distance at which the distance part halves, in km.
    pub distance_half_km: u32,
}

impl Default for MatchWeights {
    fn default() -> Self {
        MatchWeights {
            distance: 30,
            family_area: 20,
            acceptance: 20,
            answer_speed: 10,
            load: 10,
            freshness: 10,
            distance_half_km: 10,
        }
    }
}

pub const WEIGHT_MAX: u32 = 100;
pub const HALF_KM_MAX: u32 = 200;

/// The score's parts in order: distance, family area, acceptance, answer speed, load, freshness.
pub const PARTS: usize = 6;

impl MatchWeights {
    /// Hundredths of a point per unit of each part's value: the weights scaled so a perfect score
    /// is 100.
    pub(crate) fn scales(&self) -> [f64; PARTS] {
        let parts = self.parts();
        let total = f64::from(parts.iter().sum::<u32>().max(1));
        parts.map(|w| 10_000.0 * f64::from(w) / total)
    }

    /// In the order of a candidate's score parts.
    pub fn parts(&self) -> [u32; 6] {
        [self.distance, self.family_area, self.acceptance, self.answer_speed, self.load, self.freshness]
    }

    /// Each weight 0–100 with at least one above 0; the half distance 1–200 km.
    pub fn checked(&self) -> Result<MatchWeights> {
        let mut problems = Problems::default();
        let named = [
            ("distance", self.distance),
            ("family_area", self.family_area),
            ("acceptance", self.acceptance),
            ("answer_speed", self.answer_speed),
            ("load", self.load),
            ("freshness", self.freshness),
        ];
        for (field, weight) in named {
            if weight > WEIGHT_MAX {
                problems.add(field, Problem::OutOfRange { min: 0, max: WEIGHT_MAX as i32 });
            }
        }
        if named.iter().all(|(_, w)| *w == 0) {
            problems.add_detail("distance", Problem::Required, Detail::WeightsAllZero);
        }
        if !(1..=HALF_KM_MAX).contains(&self.distance_half_km) {
            problems.add("distance_half_km", Problem::OutOfRange { min: 1, max: HALF_KM_MAX as i32 });
        }
        problems.into_result()?;
        Ok(*self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_sum_to_a_hundred_and_pass_their_own_checks() {
        let weights = MatchWeights::default();
        assert_eq!(weights.parts().iter().sum::<u32>(), 100);
        assert_eq!(weights.checked().expect("valid"), weights);
    }

    #[test]
    fn all_zero_or_out_of_range_weights_are_refused_by_field() {
        let zero = MatchWeights {
            distance: 0,
            family_area: 0,
            acceptance: 0,
            answer_speed: 0,
            load: 0,
            freshness: 0,
            distance_half_km: 0,
        };
        let Err(crate::error::Error::Validation(found)) = zero.checked() else { panic!("accepted") };
        let fields: Vec<_> = found.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["distance", "distance_half_km"]);
        let big = MatchWeights { load: 101, ..Default::default() };
        assert!(big.checked().is_err());
    }
}
