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
/// The distance part is judged on the distance rounded to 50 m: ranking then reads its points from
/// a small table (`distance_points`, 8 KB for 200 km) instead of working out a power of two for every
/// hospital — the largest cost of ranking — and the explanation shows the same points.
pub const NEAR_STEP_KM: f64 = 0.05;
/// The table's reach: 200 km in steps of 50 m; farther (rare within a prefecture) is worked out.
const NEAR_STEPS: usize = 4_000;

/// The step of the distance table a distance falls on: the nearest (distances are never negative;
/// adding a half and truncating rounds without calling libm's `round`, which is not inlined).
#[inline]
fn near_step(km: f64) -> usize {
    (km * (1.0 / NEAR_STEP_KM) + 0.5) as usize
}

/// The distance part's value, 0–1, at a step of the table.
fn near_value_at(step: usize, per_half_km: f64) -> f64 {
    (-(step as f64 * NEAR_STEP_KM) * per_half_km).exp2()
}

/// The distance part in hundredths of a point for each step up to 200 km, and the family-area
/// part when it holds, for the directory to keep.
pub(crate) fn distance_points(dir: &MatchDirectory) -> (Vec<u16>, u16) {
    let near = (0..=NEAR_STEPS).map(|step| weighted(dir.scales[0], near_value_at(step, dir.per_half_km))).collect();
    (near, weighted(dir.scales[1], 1.0))
}

/// The distance part in hundredths of a point.
#[inline]
fn near_points(dir: &MatchDirectory, km: f64) -> u16 {
    let step = near_step(km);
    match dir.near_points.get(step) {
        Some(points) => *points,
        None => weighted(dir.scales[0], near_value_at(step, dir.per_half_km)),
    }
}

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
fn request_values(request: &MatchRequest, dir: &MatchDirectory, hospital: usize) -> [f64; 2] {
    let (km, _) = distance(request, dir, hospital);
    let near = near_value_at(near_step(km), dir.per_half_km);
    [near, f64::from(u8::from(in_family_area(request, dir, hospital)))]
}

/// Whether the hospital is in an area the family asked for (or, when they named none, the
/// patient's home region).
#[inline]
fn in_family_area(request: &MatchRequest, dir: &MatchDirectory, hospital: usize) -> bool {
    request.family_area.get(dir.profiles[hospital].region as usize).copied().unwrap_or(false)
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
    let (km, _) = distance(request, dir, hospital);
    let area = if in_family_area(request, dir, hospital) { dir.area_points } else { 0 };
    u32::from(near_points(dir, km)) + u32::from(area) + u32::from(dir.hospital_total(hospital, request.bed_type))
}

/// The weighted parts in hundredths of a point; they add up to the score (at most 10,000).
pub(crate) fn points(request: &MatchRequest, dir: &MatchDirectory, hospital: usize) -> [u16; PARTS] {
    let (km, _) = distance(request, dir, hospital);
    let area = if in_family_area(request, dir, hospital) { dir.area_points } else { 0 };
    let [acceptance, speed, load, freshness] = dir.hospital_points(hospital, request.bed_type);
    [near_points(dir, km), area, acceptance, speed, load, freshness]
}
