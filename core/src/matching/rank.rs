//! Ranking one request over the whole directory: every hospital is either a candidate with its
//! score parts or excluded with the constraints it failed. Ties are broken by medical-institution
//! code, so the same data always gives the same order.

use super::constraints::{Exclusions, check};
use super::directory::MatchDirectory;
use super::request::MatchRequest;
use super::score::{PARTS, points};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    /// The hospital's index in the directory.
    pub hospital: usize,
    /// Hundredths of a point per part.
    pub points: [u16; PARTS],
    /// Hundredths of a point (0–10,000).
    pub total: u32,
}

#[derive(Debug, Clone, Default)]
pub struct Ranking {
    /// Best first.
    pub candidates: Vec<Ranked>,
    /// In directory (code) order.
    pub excluded: Vec<(usize, Exclusions)>,
}

pub fn rank(request: &MatchRequest, dir: &MatchDirectory) -> Ranking {
    let mut ranking = Ranking::default();
    for hospital in 0..dir.len() {
        let failed = check(request, dir, hospital);
        if failed.is_empty() {
            let points = points(request, dir, hospital);
            let total = points.iter().map(|p| u32::from(*p)).sum();
            ranking.candidates.push(Ranked { hospital, points, total });
        } else {
            ranking.excluded.push((hospital, failed));
        }
    }
    // Hospitals are in code order, so a stable sort on the score keeps code order within ties.
    ranking.candidates.sort_by_key(|r| std::cmp::Reverse(r.total));
    ranking
}
