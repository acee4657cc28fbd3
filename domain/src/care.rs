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

/// The care a patient needs (or, for a hospital, can provide).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct CareNeeds {
    /// Oxygen in litres per minute; `None` when none is needed.
    pub oxygen_l_per_min: Option<f64>,
    pub dialysis: Dialysis,
    pub tube_feeding: TubeFeeding,
    pub tracheostomy: bool,
    pub suctioning: Suctioning,
    pub iv_line: IvLine,
    /// Dementia with behavioural and psychological symptoms.
    pub dementia_bpsd: bool,
    pub psychiatric: bool,
    pub isolation: Isolation,
    pub adl: Adl,
    pub bariatric: bool,
}

/// Care needs as typed: the oxygen flow arrives as text (「２」, 「1.5」, 「なし」).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CareNeedsInput {
    pub oxygen_l_per_min: String,
    pub dialysis: Dialysis,
    pub tube_feeding: TubeFeeding,
    pub tracheostomy: bool,
    pub suctioning: Suctioning,
    pub iv_line: IvLine,
    pub dementia_bpsd: bool,
    pub psychiatric: bool,
    pub isolation: Isolation,
    pub adl: Adl,
    pub bariatric: bool,
}

/// Above this a request is refused: no downward transfer carries more.
pub const OXYGEN_MAX: f64 = 15.0;

impl CareNeedsInput {
    pub fn checked(&self, problems: &mut Problems) -> CareNeeds {
        let text = fold_width(&self.oxygen_l_per_min);
        let text = text.trim_end_matches("L/分").trim_end_matches("L/min").trim_end_matches('L').trim();
        let oxygen = if text.is_empty() || text == "なし" || text == "0" {
            None
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
    fn oxygen_flow_is_read_tolerantly() {
        assert_eq!(oxygen("２"), (Some(2.0), 0));
        assert_eq!(oxygen("1.5L/分"), (Some(1.5), 0));
        assert_eq!(oxygen("なし"), (None, 0));
        assert_eq!(oxygen(""), (None, 0));
        assert_eq!(oxygen("50"), (None, 1), "50 L/min is refused, not stored");
        assert_eq!(oxygen("少し"), (None, 1));
    }
}
