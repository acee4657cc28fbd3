//! Ranking one request over the whole directory: every hospital is either a candidate with its
//! score parts or excluded with the constraints it failed. Ties are broken by medical-institution
//! code, so the same data always gives the same order.

use super::constraints::{Exclusions, check};
use super::directory::MatchDirectory;
use super::request::MatchRequest;
use super::score::total;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ranked {
    /// The hospital's index in the directory.
    pub hospital: u32,
    /// Hundredths of a point (0–10,000); the parts are worked out again for the explanation.
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
    let mut candidates = Vec::with_capacity(dir.len());
    let mut excluded = Vec::new();
    for hospital in 0..dir.len() {
        let failed = check(request, dir, hospital);
        if failed.is_empty() {
            candidates.push(hospital as u32);
        } else {
            excluded.push((hospital, failed));
        }
    }
    // Scored in a pass of their own: with no branch between one hospital and the next, the
    // processor works on several distances at once instead of waiting for each square root.
    let scored =
        candidates.into_iter().map(|h| Ranked { hospital: h, total: total(request, dir, h as usize) }).collect();
    Ranking { candidates: best_first(scored), excluded }
}

/// Orders by score, highest first, keeping directory (code) order within equal scores. Scores are
/// whole hundredths from 0 to 10,000, so a counting sort does it in one pass.
fn best_first(scored: Vec<Ranked>) -> Vec<Ranked> {
    const TOP: usize = 10_000;
    let mut starts = vec![0u32; TOP + 2];
    for r in &scored {
        starts[TOP - (r.total as usize).min(TOP) + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut ordered = vec![Ranked::default(); scored.len()];
    for r in scored {
        let bucket = TOP - (r.total as usize).min(TOP);
        ordered[starts[bucket] as usize] = r;
        starts[bucket] += 1;
    }
    ordered
}
