//! What to confirm with a candidate before counting on it: the care items the request never
//! answered that this hospital might not cover, whatever the answer turns out to be. A hospital that
//! covers every possible answer (both kinds of dialysis, frequent suctioning, oxygen up to the most a
//! downward transfer carries, …) clears the item; one that does not is marked 要確認 with the items
//! named, so a nurse asks the referring hospital or the candidate before relying on it.

use super::care_set::CareSet;
use super::directory::{MatchDirectory, tenths};
use super::request::MatchRequest;
use crate::care::{CareItem, OXYGEN_MAX};

/// The unanswered items `hospital` might not cover, in the vocabulary's order.
pub(crate) fn to_confirm(request: &MatchRequest, dir: &MatchDirectory, hospital: usize) -> Vec<CareItem> {
    let profile = &dir.profiles[hospital];
    request
        .unstated
        .iter()
        .copied()
        .filter(|item| match item {
            CareItem::Oxygen => profile.oxygen_max < tenths(OXYGEN_MAX),
            other => !CareSet::possible(*other).uncovered_by(profile.provides).is_empty(),
        })
        .collect()
}
