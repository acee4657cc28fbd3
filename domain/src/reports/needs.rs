//! What a patient needs on the way, in the desk's short Japanese labels, for the printed sheets —
//! and what was never asked, which a printed sheet says rather than leaving blank.

use crate::care::{CareItem, CareNeeds};
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

/// One care item's answer as printed: 「未確認」 when never stated, 「なし」, or the need.
pub fn answer_ja(care: &CareNeeds, item: CareItem) -> String {
    use crate::care::{Adl, Dialysis, Isolation, IvLine, Suctioning, TubeFeeding};
    fn said<T>(value: Option<T>, words: impl Fn(T) -> &'static str) -> String {
        value.map_or("未確認".to_owned(), |v| words(v).to_owned())
    }
    let yes_no = |v: bool| if v { "あり" } else { "なし" };
    match item {
        CareItem::Oxygen => match care.oxygen_l_per_min {
            None => "未確認".to_owned(),
            Some(flow) if flow > 0.0 => format!("{flow} L/分"),
            Some(_) => "なし".to_owned(),
        },
        CareItem::Dialysis => said(care.dialysis, |d| match d {
            Dialysis::None => "なし",
            Dialysis::Hd => "血液透析（HD）",
            Dialysis::Pd => "腹膜透析（PD）",
        }),
        CareItem::TubeFeeding => said(care.tube_feeding, |t| match t {
            TubeFeeding::None => "なし",
            TubeFeeding::Ng => "経鼻胃管",
            TubeFeeding::Peg => "胃瘻",
        }),
        CareItem::Tracheostomy => said(care.tracheostomy, yes_no),
        CareItem::Suctioning => said(care.suctioning, |s| match s {
            Suctioning::None => "なし",
            Suctioning::Occasional => "時々（1日数回）",
            Suctioning::Frequent => "頻回（夜間も）",
        }),
        CareItem::IvLine => said(care.iv_line, |l| match l {
            IvLine::None => "なし",
            IvLine::Peripheral => "末梢点滴",
            IvLine::Central => "中心静脈",
        }),
        CareItem::DementiaBpsd => said(care.dementia_bpsd, yes_no),
        CareItem::Psychiatric => said(care.psychiatric, yes_no),
        CareItem::Isolation => said(care.isolation, |i| match i {
            Isolation::None => "なし",
            Isolation::Mrsa => "MRSA等（接触予防）",
            Isolation::Other => "その他の隔離",
        }),
        CareItem::Adl => match care.adl {
            Adl::Unknown => "未確認",
            Adl::Independent => "自立",
            Adl::PartialAssist => "一部介助",
            Adl::FullAssist => "全介助",
        }
        .to_owned(),
        CareItem::Bariatric => said(care.bariatric, yes_no),
    }
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

    #[test]
    fn each_answer_is_printed_as_given_and_never_as_none_when_not_stated() {
        let care = CareNeeds { oxygen_l_per_min: Some(2.0), tracheostomy: Some(false), ..Default::default() };
        assert_eq!(answer_ja(&care, CareItem::Oxygen), "2 L/分");
        assert_eq!(answer_ja(&care, CareItem::Tracheostomy), "なし");
        assert_eq!(answer_ja(&care, CareItem::Dialysis), "未確認");
        assert_eq!(answer_ja(&care, CareItem::Adl), "未確認");
        assert_eq!(answer_ja(&CareNeeds::none_with(Adl::FullAssist), CareItem::Oxygen), "なし");
    }
}
