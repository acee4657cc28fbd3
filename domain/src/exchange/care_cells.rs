//! The care columns of the hospital template: one per item of the care vocabulary, each with the
//! choices its drop-down offers, and the reading of a cell back into the intake. A blank cell is
//! **not stated** — never "none"; 「なし」 (or the item's none choice) is the answer "none".

use crate::care::{Adl, CareItem, CareNeedsInput, Dialysis, Isolation, IvLine, Suctioning, TubeFeeding, means_none};
use crate::text::fold_width;

/// The column header of an item in the template.
pub const fn label(item: CareItem) -> &'static str {
    match item {
        CareItem::Oxygen => "酸素（L/分）",
        CareItem::Dialysis => "透析",
        CareItem::TubeFeeding => "経管栄養",
        CareItem::Tracheostomy => "気管切開",
        CareItem::Suctioning => "吸引",
        CareItem::IvLine => "点滴ライン",
        CareItem::DementiaBpsd => "認知症（BPSD）",
        CareItem::Psychiatric => "精神科対応",
        CareItem::Isolation => "隔離",
        CareItem::Adl => "ADL",
        CareItem::Bariatric => "高度肥満",
    }
}

const YES_NO: [(&str, bool); 2] = [("なし", false), ("あり", true)];
const DIALYSIS: [(&str, Dialysis); 3] =
    [("なし", Dialysis::None), ("血液透析（HD）", Dialysis::Hd), ("腹膜透析（PD）", Dialysis::Pd)];
const TUBE_FEEDING: [(&str, TubeFeeding); 3] =
    [("なし", TubeFeeding::None), ("経鼻胃管", TubeFeeding::Ng), ("胃瘻", TubeFeeding::Peg)];
const SUCTIONING: [(&str, Suctioning); 3] =
    [("なし", Suctioning::None), ("時々（1日数回）", Suctioning::Occasional), ("頻回（夜間も）", Suctioning::Frequent)];
const IV_LINE: [(&str, IvLine); 3] =
    [("なし", IvLine::None), ("末梢点滴", IvLine::Peripheral), ("中心静脈", IvLine::Central)];
const ISOLATION: [(&str, Isolation); 3] =
    [("なし", Isolation::None), ("MRSA等（接触予防）", Isolation::Mrsa), ("その他の隔離", Isolation::Other)];
const ADL: [(&str, Adl); 3] =
    [("自立", Adl::Independent), ("一部介助", Adl::PartialAssist), ("全介助", Adl::FullAssist)];

/// Other words hospitals write for a choice (folded to half-width before comparing).
const SYNONYMS: &[(&str, &str)] = &[
    ("有", "あり"),
    ("有り", "あり"),
    ("○", "あり"),
    ("◯", "あり"),
    ("はい", "あり"),
    ("yes", "あり"),
    ("いいえ", "なし"),
    ("HD", "血液透析（HD）"),
    ("血液透析", "血液透析（HD）"),
    ("PD", "腹膜透析（PD）"),
    ("腹膜透析", "腹膜透析（PD）"),
    ("経鼻", "経鼻胃管"),
    ("経鼻栄養", "経鼻胃管"),
    ("胃ろう", "胃瘻"),
    ("PEG", "胃瘻"),
    ("時々", "時々（1日数回）"),
    ("頻回", "頻回（夜間も）"),
    ("末梢", "末梢点滴"),
    ("CV", "中心静脈"),
    ("IVH", "中心静脈"),
    ("MRSA", "MRSA等（接触予防）"),
    ("その他", "その他の隔離"),
];

/// The drop-down's choices for an item (none for oxygen, which takes a number).
pub fn choices(item: CareItem) -> Vec<&'static str> {
    fn names<T>(table: &[(&'static str, T)]) -> Vec<&'static str> {
        table.iter().map(|(name, _)| *name).collect()
    }
    match item {
        CareItem::Oxygen => Vec::new(),
        CareItem::Dialysis => names(&DIALYSIS),
        CareItem::TubeFeeding => names(&TUBE_FEEDING),
        CareItem::Suctioning => names(&SUCTIONING),
        CareItem::IvLine => names(&IV_LINE),
        CareItem::Isolation => names(&ISOLATION),
        CareItem::Adl => names(&ADL),
        CareItem::Tracheostomy | CareItem::DementiaBpsd | CareItem::Psychiatric | CareItem::Bariatric => names(&YES_NO),
    }
}

fn pick<T: Copy>(text: &str, table: &[(&str, T)]) -> Option<T> {
    let folded = fold_width(text);
    let wanted = SYNONYMS
        .iter()
        .find(|(word, _)| fold_width(word).eq_ignore_ascii_case(&folded))
        .map_or(folded.clone(), |(_, choice)| fold_width(choice));
    // 「なし」, 「無」, 0, … answer "none" where the item has a none (ADL has not).
    let none = (table[0].0 == "なし" && means_none(&folded)).then(|| fold_width(table[0].0));
    let wanted = none.unwrap_or(wanted);
    table.iter().find(|(name, _)| fold_width(name) == wanted).map(|(_, value)| *value)
}

/// Reads one item's cell into `care`; blank leaves it not stated. `Err` carries the message for
/// the cell when the text is none of the choices.
pub fn read(item: CareItem, text: &str, care: &mut CareNeedsInput) -> Result<(), String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(());
    }
    let refused = || format!("「{text}」は選べません（{}）", choices(item).join("・"));
    match item {
        CareItem::Oxygen => {
            // The intake check reads the flow (a number, 0 or 「なし」 for none) and names a bad one.
            care.oxygen_l_per_min = text.to_owned();
            return Ok(());
        }
        CareItem::Dialysis => care.dialysis = Some(pick(text, &DIALYSIS).ok_or_else(refused)?),
        CareItem::TubeFeeding => care.tube_feeding = Some(pick(text, &TUBE_FEEDING).ok_or_else(refused)?),
        CareItem::Suctioning => care.suctioning = Some(pick(text, &SUCTIONING).ok_or_else(refused)?),
        CareItem::IvLine => care.iv_line = Some(pick(text, &IV_LINE).ok_or_else(refused)?),
        CareItem::Isolation => care.isolation = Some(pick(text, &ISOLATION).ok_or_else(refused)?),
        CareItem::Adl => care.adl = pick(text, &ADL).ok_or_else(refused)?,
        CareItem::Tracheostomy => care.tracheostomy = Some(pick(text, &YES_NO).ok_or_else(refused)?),
        CareItem::DementiaBpsd => care.dementia_bpsd = Some(pick(text, &YES_NO).ok_or_else(refused)?),
        CareItem::Psychiatric => care.psychiatric = Some(pick(text, &YES_NO).ok_or_else(refused)?),
        CareItem::Bariatric => care.bariatric = Some(pick(text, &YES_NO).ok_or_else(refused)?),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_one(item: CareItem, text: &str) -> (CareNeedsInput, Result<(), String>) {
        let mut care = CareNeedsInput::default();
        let result = read(item, text, &mut care);
        (care, result)
    }

    #[test]
    fn blank_is_not_stated_and_none_is_an_answer() {
        assert_eq!(read_one(CareItem::Tracheostomy, "  ").0.tracheostomy, None);
        assert_eq!(read_one(CareItem::Tracheostomy, "なし").0.tracheostomy, Some(false));
        assert_eq!(read_one(CareItem::Tracheostomy, "無").0.tracheostomy, Some(false));
        assert_eq!(read_one(CareItem::Tracheostomy, "あり").0.tracheostomy, Some(true));
        assert_eq!(read_one(CareItem::Dialysis, "").0.dialysis, None);
        assert_eq!(read_one(CareItem::Dialysis, "なし").0.dialysis, Some(Dialysis::None));
        assert_eq!(read_one(CareItem::Adl, "").0.adl, Adl::Unknown);
        assert!(read_one(CareItem::Adl, "0").1.is_err(), "ADL has no none: 0 is not 自立");
    }

    #[test]
    fn every_choice_reads_back_and_common_words_are_understood() {
        for item in CareItem::ALL {
            for choice in choices(item) {
                let (care, result) = read_one(item, choice);
                assert!(result.is_ok(), "{item:?} {choice}");
                assert_ne!(care, CareNeedsInput::default(), "{item:?} {choice} was read");
            }
        }
        assert_eq!(read_one(CareItem::Dialysis, "ＨＤ").0.dialysis, Some(Dialysis::Hd));
        assert_eq!(read_one(CareItem::Dialysis, "血液透析(HD)").0.dialysis, Some(Dialysis::Hd), "half-width brackets");
        assert_eq!(read_one(CareItem::TubeFeeding, "胃ろう").0.tube_feeding, Some(TubeFeeding::Peg));
        assert_eq!(read_one(CareItem::IvLine, "ivh").0.iv_line, Some(IvLine::Central));
        assert_eq!(read_one(CareItem::Oxygen, "２").0.oxygen_l_per_min, "２", "the intake check reads the flow");
    }

    #[test]
    fn an_unknown_word_is_refused_with_the_choices() {
        let (care, result) = read_one(CareItem::Suctioning, "たまに");
        assert_eq!(care.suctioning, None, "nothing guessed");
        assert_eq!(result.expect_err("refused"), "「たまに」は選べません（なし・時々（1日数回）・頻回（夜間も））");
    }
}
