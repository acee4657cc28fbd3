//! What a patient needs on the way, in the desk's short Japanese labels, for the printed sheets.

use crate::care::CareNeeds;
use crate::matching::care_set::CareSet;

/// What the patient needs on the way, in the desk's short Japanese labels (「酸素2L/分」「胃瘻」…), for
/// the printed sheets.
pub fn needs_ja(care: &CareNeeds) -> Vec<String> {
    let mut needs: Vec<String> = Vec::new();
    if let Some(flow) = care.oxygen_l_per_min {
        needs.push(format!("酸素{flow}L/分"));
    }
    needs.extend(CareSet::needed(care).iter().map(|n| n.label_ja().to_owned()));
    needs
}
