//! Compiling the directory for matching: the flat profiles (`directory.rs`) and, kept with them,
//! the parts of the score that depend on the hospital alone (`score.rs`), so ranking a request adds
//! only its own parts, and the distance part for each 50 m (a table, not a power per hospital).

use super::directory::{DirectoryInput, MatchDirectory};
use super::score;

impl MatchDirectory {
    pub fn new(input: DirectoryInput, stale_after_hours: u32) -> MatchDirectory {
        let mut dir = MatchDirectory::build(input, stale_after_hours);
        let n_beds = dir.bed_types.len().max(1);
        let points = (0..dir.beds.len()).map(|i| score::hospital_points(&dir, i / n_beds, i % n_beds)).collect();
        dir.keep_hospital_points(points);
        let (near, area) = score::distance_points(&dir);
        dir.keep_distance_points(near, area);
        dir
    }
}
