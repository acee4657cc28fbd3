//! What a patient needs on the way, in the desk's short Japanese labels, for the printed sheets —
//! and what was never asked, which a printed sheet says rather than leaving blank.

use crate::care::CareNeeds;
use crate::matching::care_set::CareSet;

/// What the patient needs (「酸素2L/分」「胃瘻」…).
pub fn needs_ja(care: &CareNeeds) -> Vec<String> {
    let mut needs: Vec<String> = Vec::new();
    if let Some(flow) = care.oxygen_flow() {
        needs.push(format!("酸素{flow}L/分"));
    }
    needs.extend(CareSet::needed(care).iter().map(|n| n.label_ja().to_owned()));
    needs
}

/// The items never answered, as printed: 「未確認: 酸素・透析」; empty when every item was answered.
pub fn not_stated_ja(care: &CareNeeds) -> String {
    let items: Vec<&str> = care.not_stated().into_iter().map(|item| item.label_ja()).collect();
    if items.is_empty() { String::new() } else { format!("未確認: {}", items.join("・")) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::care::{Adl, TubeFeeding};

    #[test]
    fn a_sheet_says_what_was_never_asked() {
        let care = CareNeeds {
            oxygen_l_per_min: Some(2.0),
            tube_feeding: Some(TubeFeeding::Peg),
            ..CareNeeds::none_with(Adl::FullAssist)
        };
        assert_eq!(needs_ja(&care), ["酸素2L/分", "胃瘻", "ADL全介助"]);
        assert_eq!(not_stated_ja(&care), "");
        let untouched = CareNeeds { adl: Adl::FullAssist, ..Default::default() };
        assert!(needs_ja(&untouched) == ["ADL全介助"], "nothing assumed");
        assert!(not_stated_ja(&untouched).starts_with("未確認: 酸素・透析"), "{}", not_stated_ja(&untouched));
    }
}
