//! The soft preferences: six parts, each a value from 0 to 1, weighted into a score of 0–100
//! (`points` are hundredths of a point, so ranking and display agree exactly).

use serde::Serialize;

use super::directory::{MatchDirectory, NOWHERE};
use super::request::MatchRequest;
pub use super::weights::PARTS;

/// How the distance was judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Proximity {
    /// From both hospitals' coordinates.
    Coordinates,
    /// Without coordinates: in the same municipality as the referring hospital, …
    SameMunicipality,
    SameJurisdiction,
    SameRegion,
    OtherRegion,
    /// The referring hospital's place is not known.
    Unknown,
}

impl Proximity {
    /// The distance assumed where coordinates are missing, in km.
    pub fn nominal_km(self) -> f64 {
        match self {
            Proximity::Coordinates => 0.0,
            Proximity::SameMunicipality => 3.0,
            Proximity::SameJurisdiction => 8.0,
            Proximity::SameRegion => 15.0,
            Proximity::OtherRegion => 40.0,
            Proximity::Unknown => 25.0,
        }
    }
}

const EARTH_RADIUS_KM: f64 = 6371.0;
/// Answer speed halves with each hour of waiting.
const ANSWER_HALF_MINUTES: f64 = 60.0;
/// A stale report still says a little more than none.
const STALE_FRESHNESS: f64 = 0.2;
/// Without answers to go by, answer speed counts as middling.
const UNKNOWN_SPEED: f64 = 0.5;

/// The distance from the referring hospital, in km, and how it was judged. Within a prefecture
/// the equirectangular approximation is well under 1 % from the great-circle distance.
#[inline]
pub(crate) fn distance(request: &MatchRequest, dir: &MatchDirectory, hospital: usize) -> (f64, Proximity) {
    let Some(from) = &request.origin else {
        return (Proximity::Unknown.nominal_km(), Proximity::Unknown);
    };
    let to = &dir.profiles[hospital];
    if let (Some((lat1, lon1, cos1)), Some((lat2, lon2, _))) = (from.coords, to.coords) {
        let dy = (lat2 - lat1).to_radians();
        let dx = (lon2 - lon1).to_radians() * cos1;
        return (EARTH_RADIUS_KM * (dx * dx + dy * dy).sqrt(), Proximity::Coordinates);
    }
    let proximity = if from.municipality == to.municipality {
        Proximity::SameMunicipality
    } else if from.jurisdiction == to.jurisdiction {
        Proximity::SameJurisdiction
    } else if from.region != NOWHERE && from.region == to.region {
        Proximity::SameRegion
    } else {
        Proximity::OtherRegion
    };
    (proximity.nominal_km(), proximity)
}

/// Each part's value, 0–1.
pub(crate) fn values(request: &MatchRequest, dir: &MatchDirectory, hospital: usize) -> [f64; PARTS] {
    let [near, area] = request_values(request, dir, hospital);
    let [acceptance, speed, load, freshness] = hospital_values(dir, hospital, request.bed_type);
    [near, area, acceptance, speed, load, freshness]
}

/// The parts that depend on the request: distance and the family's areas.
#[inline]
fn request_values(request: &MatchRequest, dir: &MatchDirectory, hospital: usize) -> [f64; 2] {
    let region = dir.profiles[hospital].region;
    let (km, _) = distance(request, dir, hospital);
    let near = (-km * dir.per_half_km).exp2();
    let area = if !request.preferred.is_empty() {
        f64::from(u8::from(request.preferred.contains(&region)))
    } else {
        f64::from(u8::from(request.home_region != NOWHERE && request.home_region == region))
    };
    [near, area]
}

/// The parts that depend only on the hospital and the bed type: acceptance rate, answer speed,
/// load and freshness (computed once per directory).
pub(crate) fn hospital_values(dir: &MatchDirectory, hospital: usize, bed_type: usize) -> [f64; 4] {
    let answers = dir.answers(hospital, bed_type);
    let acceptance = f64::from(answers.accepted + 1) / f64::from(answers.accepted + answers.declined + 2);
    let speed = answers.median_minutes.map_or(UNKNOWN_SPEED, |m| (-f64::from(m) / ANSWER_HALF_MINUTES).exp2());
    let load = 1.0 / (1.0 + f64::from(dir.profiles[hospital].load));
    let beds = dir.beds(hospital, bed_type);
    let freshness = match (beds.known, beds.stale) {
        (false, _) => 0.0,
        (true, true) => STALE_FRESHNESS,
        (true, false) => 1.0 - 0.5 * (f64::from(beds.age_minutes) / f64::from(dir.stale_after_minutes.max(1))).min(1.0),
    };
    [acceptance, speed, load, freshness]
}

/// A value weighted into hundredths of a point, rounded half up (values are never negative).
fn weighted(scale: f64, value: f64) -> u16 {
    (scale * value + 0.5) as u16
}

/// The hospital-only parts in hundredths of a point, for the directory to keep.
pub(crate) fn hospital_points(dir: &MatchDirectory, hospital: usize, bed_type: usize) -> [u16; 4] {
    let values = hospital_values(dir, hospital, bed_type);
    std::array::from_fn(|i| weighted(dir.scales[i + 2], values[i]))
}

/// The score in hundredths of a point (0–10,000): the sum of [`points`], without building them.
#[inline]
pub(crate) fn total(request: &MatchRequest, dir: &MatchDirectory, hospital: usize) -> u32 {
    let [near, area] = request_values(request, dir, hospital);
    u32::from(weighted(dir.scales[0], near))
        + u32::from(weighted(dir.scales[1], area))
        + u32::from(dir.hospital_total(hospital, request.bed_type))
}

/// The weighted parts in hundredths of a point; they add up to the score (at most 10,000).
pub(crate) fn points(request: &MatchRequest, dir: &MatchDirectory, hospital: usize) -> [u16; PARTS] {
    let [near, area] = request_values(request, dir, hospital);
    let [acceptance, speed, load, freshness] = dir.hospital_points(hospital, request.bed_type);
    [weighted(dir.scales[0], near), weighted(dir.scales[1], area), acceptance, speed, load, freshness]
}
