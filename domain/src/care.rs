//! Care needs: one vocabulary for what a patient needs and (issue 3) what a receiving hospital can
//! provide, so the matching engine compares like with like. Clinical and national, so it lives in
//! code; regional lists (bed types, decline reasons) come from the region pack.

use serde::{Deserialize, Serialize};

use crate::error::{Problem, Problems};
use crate::text::fold_width;

/// The oldest age the desk takes, in the intake and in a hospital's requirements.
pub const AGE_MAX: i32 = 120;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Dialysis {
    #[default]
    None,
    /// Haemodialysis
    Hd,
    /// Peritoneal dialysis
    Pd,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TubeFeeding {
    #[default]
    None,
    /// Nasogastric tube
    Ng,
    /// Gastrostomy (PEG)
    Peg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Suctioning {
    #[default]
    None,
    /// A few times a day.
    Occasional,
    /// Hourly or more, including at night.
    Frequent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum IvLine {
    #[default]
    None,
    Peripheral,
    Central,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Isolation {
    #[default]
    None,
    /// Contact precautions for MRSA and similar organisms.
    Mrsa,
    Other,
}

/// Activities of daily living, as the desk and hospitals grade them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Adl {
    /// Not yet known: matching cannot judge the care needed.
    #[default]
    Unknown,
    Independent,
    PartialAssist,
    /// Bedridden, full assistance.
    FullAssist,
}

/// The care a patient needs. Every item has three values: **not stated** (`None`: the question was
/// never answered — matching marks it for confirming, the checklist lists it), **none** (the
/// item's none value: `Some(Dialysis::None)`, `Some(false)`, oxygen `Some(0.0)`), or a need. ADL is
/// not stated when `Adl::Unknown`. Requests stored before this distinction are read as stated (the
/// form asked each question; migration 0014).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct CareNeeds {
    /// Oxygen in litres per minute; `Some(0.0)` when none is needed.
    pub oxygen_l_per_min: Option<f64>,
    pub dialysis: Option<Dialysis>,
    pub tube_feeding: Option<TubeFeeding>,
    pub tracheostomy: Option<bool>,
    pub suctioning: Option<Suctioning>,
    pub iv_line: Option<IvLine>,
    /// Dementia with behavioural and psychological symptoms.
    pub dementia_bpsd: Option<bool>,
    pub psychiatric: Option<bool>,
    pub isolation: Option<Isolation>,
    pub adl: Adl,
    pub bariatric: Option<bool>,
}

/// One item of the care vocabulary, as a question the intake asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CareItem {
    Oxygen,
    Dialysis,
    TubeFeeding,
    Tracheostomy,
    Suctioning,
    IvLine,
    DementiaBpsd,
    Psychiatric,
    Isolation,
    Adl,
    Bariatric,
}

impl CareItem {
    pub const ALL: [CareItem; 11] = [
        CareItem::Oxygen,
        CareItem::Dialysis,
        CareItem::TubeFeeding,
        CareItem::Tracheostomy,
        CareItem::Suctioning,
        CareItem::IvLine,
        CareItem::DementiaBpsd,
        CareItem::Psychiatric,
        CareItem::Isolation,
        CareItem::Adl,
        CareItem::Bariatric,
    ];

    /// The item's field in the intake (`care.oxygen_l_per_min`, …).
    pub const fn field(self) -> &'static str {
        match self {
            CareItem::Oxygen => "care.oxygen_l_per_min",
            CareItem::Dialysis => "care.dialysis",
            CareItem::TubeFeeding => "care.tube_feeding",
            CareItem::Tracheostomy => "care.tracheostomy",
            CareItem::Suctioning => "care.suctioning",
            CareItem::IvLine => "care.iv_line",
            CareItem::DementiaBpsd => "care.dementia_bpsd",
            CareItem::Psychiatric => "care.psychiatric",
            CareItem::Isolation => "care.isolation",
            CareItem::Adl => "care.adl",
            CareItem::Bariatric => "care.bariatric",
        }
    }

    /// The desk's short Japanese name (printed sheets, the CLI, messages; the UI translates by id).
    pub fn label_ja(self) -> &'static str {
        match self {
            CareItem::Oxygen => "酸素",
            CareItem::Dialysis => "透析",
            CareItem::TubeFeeding => "経管栄養",
            CareItem::Tracheostomy => "気管切開",
            CareItem::Suctioning => "吸引",
            CareItem::IvLine => "点滴ライン",
            CareItem::DementiaBpsd => "認知症（BPSD）",
            CareItem::Psychiatric => "精神科",
            CareItem::Isolation => "隔離",
            CareItem::Adl => "ADL",
            CareItem::Bariatric => "高度肥満",
        }
    }
}

impl CareNeeds {
    /// Every item answered "none", ADL as given: what a form that asked each question and got "no"
    /// to all of them records.
    pub fn none_with(adl: Adl) -> CareNeeds {
        CareNeeds {
            oxygen_l_per_min: Some(0.0),
            dialysis: Some(Dialysis::None),
            tube_feeding: Some(TubeFeeding::None),
            tracheostomy: Some(false),
            suctioning: Some(Suctioning::None),
            iv_line: Some(IvLine::None),
            dementia_bpsd: Some(false),
            psychiatric: Some(false),
            isolation: Some(Isolation::None),
            adl,
            bariatric: Some(false),
        }
    }

    /// The oxygen flow the patient is on: `None` both when none is needed and when not stated.
    pub fn oxygen_flow(&self) -> Option<f64> {
        self.oxygen_l_per_min.filter(|flow| *flow > 0.0)
    }

    /// Whether `item` was answered (none counts as an answer).
    pub fn is_stated(&self, item: CareItem) -> bool {
        match item {
            CareItem::Oxygen => self.oxygen_l_per_min.is_some(),
            CareItem::Dialysis => self.dialysis.is_some(),
            CareItem::TubeFeeding => self.tube_feeding.is_some(),
            CareItem::Tracheostomy => self.tracheostomy.is_some(),
            CareItem::Suctioning => self.suctioning.is_some(),
            CareItem::IvLine => self.iv_line.is_some(),
            CareItem::DementiaBpsd => self.dementia_bpsd.is_some(),
            CareItem::Psychiatric => self.psychiatric.is_some(),
            CareItem::Isolation => self.isolation.is_some(),
            CareItem::Adl => self.adl != Adl::Unknown,
            CareItem::Bariatric => self.bariatric.is_some(),
        }
    }

    /// The items never answered, in the vocabulary's order.
    pub fn not_stated(&self) -> Vec<CareItem> {
        CareItem::ALL.into_iter().filter(|item| !self.is_stated(*item)).collect()
    }
}

/// Care needs as typed. The oxygen flow arrives as text (「２」, 「1.5」, 「なし」; empty is not
/// stated); every other item is `None` until answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct CareNeedsInput {
    pub oxygen_l_per_min: String,
    pub dialysis: Option<Dialysis>,
    pub tube_feeding: Option<TubeFeeding>,
    pub tracheostomy: Option<bool>,
    pub suctioning: Option<Suctioning>,
    pub iv_line: Option<IvLine>,
    pub dementia_bpsd: Option<bool>,
    pub psychiatric: Option<bool>,
    pub isolation: Option<Isolation>,
    pub adl: Adl,
    pub bariatric: Option<bool>,
}

/// Above this a request is refused: no downward transfer carries more.
pub const OXYGEN_MAX: f64 = 15.0;

/// Words that answer a question with "none" (in either language of the UI, any case).
pub fn means_none(text: &str) -> bool {
    matches!(text.to_lowercase().as_str(), "なし" | "無し" | "無" | "ナシ" | "none" | "no" | "0")
}

impl CareNeedsInput {
    /// Every question answered "none", ADL as given (a form that asked each one).
    pub fn answered_none(adl: Adl) -> CareNeedsInput {
        CareNeedsInput {
            oxygen_l_per_min: "なし".into(),
            dialysis: Some(Dialysis::None),
            tube_feeding: Some(TubeFeeding::None),
            tracheostomy: Some(false),
            suctioning: Some(Suctioning::None),
            iv_line: Some(IvLine::None),
            dementia_bpsd: Some(false),
            psychiatric: Some(false),
            isolation: Some(Isolation::None),
            adl,
            bariatric: Some(false),
        }
    }

    pub fn checked(&self, problems: &mut Problems) -> CareNeeds {
        let text = fold_width(&self.oxygen_l_per_min);
        let text = text.trim_end_matches("L/分").trim_end_matches("L/min").trim_end_matches('L').trim();
        let oxygen = if text.is_empty() {
            None
        } else if means_none(text) {
            Some(0.0)
        } else {
            match text.parse::<f64>() {
                Ok(flow) if flow > 0.0 && flow <= OXYGEN_MAX => Some((flow * 10.0).round() / 10.0),
                Ok(_) => {
                    problems.add("care.oxygen_l_per_min", Problem::OutOfRange { min: 0, max: OXYGEN_MAX as i32 });
                    None
                }
                Err(_) => {
                    problems.add("care.oxygen_l_per_min", Problem::Invalid);
                    None
                }
            }
        };
        CareNeeds {
            oxygen_l_per_min: oxygen,
            dialysis: self.dialysis,
            tube_feeding: self.tube_feeding,
            tracheostomy: self.tracheostomy,
            suctioning: self.suctioning,
            iv_line: self.iv_line,
            dementia_bpsd: self.dementia_bpsd,
            psychiatric: self.psychiatric,
            isolation: self.isolation,
            adl: self.adl,
            bariatric: self.bariatric,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oxygen(text: &str) -> (Option<f64>, usize) {
        let mut problems = Problems::default();
        let care = CareNeedsInput { oxygen_l_per_min: text.into(), ..Default::default() }.checked(&mut problems);
        (care.oxygen_l_per_min, problems.into_result().err().map_or(0, |_| 1))
    }

    #[test]
    fn oxygen_flow_is_read_tolerantly_and_blank_is_not_none() {
        assert_eq!(oxygen("２"), (Some(2.0), 0));
        assert_eq!(oxygen("1.5L/分"), (Some(1.5), 0));
        assert_eq!(oxygen("なし"), (Some(0.0), 0), "none, stated");
        assert_eq!(oxygen("None"), (Some(0.0), 0), "the English UI's word");
        assert_eq!(oxygen("０"), (Some(0.0), 0), "none, stated");
        assert_eq!(oxygen(""), (None, 0), "not stated");
        assert_eq!(oxygen("50"), (None, 1), "50 L/min is refused, not stored");
        assert_eq!(oxygen("少し"), (None, 1));
    }

    #[test]
    fn an_untouched_intake_states_nothing_and_none_is_an_answer() {
        assert_eq!(CareNeeds::default().not_stated(), CareItem::ALL.to_vec());
        assert!(CareNeeds::none_with(Adl::Independent).not_stated().is_empty());
        let some = CareNeeds { dialysis: Some(Dialysis::None), adl: Adl::FullAssist, ..Default::default() };
        assert!(!some.not_stated().contains(&CareItem::Dialysis) && !some.not_stated().contains(&CareItem::Adl));
        assert_eq!(some.not_stated().len(), 9);
    }
}
