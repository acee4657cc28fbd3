//! Acceptance requirements (受入要件): what a receiving hospital can take, on the same vocabulary as
//! a request's care needs ([`crate::care`]), so the desk compares like with like.
//!
//! Some hospitals asked for more than the national discharge criteria (退院基準) before they would
//! take a patient — most often negative PCR tests. Those demands blocked transfers, so they are
//! recognised here ([`AcceptanceRequirements::beyond_national_criteria`]) and flagged wherever the
//! hospital appears. The criteria themselves are national, not regional, so they live in code.

use crate::error::Detail;
use serde::{Deserialize, Serialize};

use crate::care::{IvLine, OXYGEN_MAX, Suctioning};
use crate::error::{Problem, Problems};
use crate::request::AGE_MAX;
use crate::text::{char_len, strip_controls};

/// What a hospital accepts. A `false` or `None` means "cannot take a patient who needs this".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct AcceptanceRequirements {
    /// The highest oxygen flow it can give, in L/min; `None` when it cannot give oxygen.
    pub oxygen_max_l_per_min: Option<f64>,
    pub dialysis_hd: bool,
    pub dialysis_pd: bool,
    pub tube_feeding_ng: bool,
    pub tube_feeding_peg: bool,
    pub tracheostomy: bool,
    /// The most frequent suctioning it can manage.
    pub suctioning: Suctioning,
    /// The most invasive line it can manage.
    pub iv_line: IvLine,
    /// Dementia with behavioural and psychological symptoms.
    pub dementia_bpsd: bool,
    pub psychiatric: bool,
    pub isolation_mrsa: bool,
    /// Other isolation (e.g. other resistant organisms).
    pub isolation_other: bool,
    pub adl_independent: bool,
    pub adl_partial_assist: bool,
    pub adl_full_assist: bool,
    pub age_min: Option<u8>,
    pub age_max: Option<u8>,
    pub bariatric: bool,
    /// COVID-19: days since onset it insists on before transfer.
    pub covid_min_days_since_onset: Option<u16>,
    /// COVID-19: days since the discharge criteria were met it insists on.
    pub covid_min_days_since_criteria_met: Option<u16>,
    /// COVID-19: negative tests it insists on (the national criteria ask for none).
    pub covid_negative_tests_required: u8,
    /// Anything that does not fit the fields above, as the hospital put it.
    pub notes: String,
}

impl Default for AcceptanceRequirements {
    /// A hospital that takes patients of any ADL and nothing special: where a new record starts.
    fn default() -> Self {
        AcceptanceRequirements {
            oxygen_max_l_per_min: None,
            dialysis_hd: false,
            dialysis_pd: false,
            tube_feeding_ng: false,
            tube_feeding_peg: false,
            tracheostomy: false,
            suctioning: Suctioning::None,
            iv_line: IvLine::None,
            dementia_bpsd: false,
            psychiatric: false,
            isolation_mrsa: false,
            isolation_other: false,
            adl_independent: true,
            adl_partial_assist: true,
            adl_full_assist: true,
            age_min: None,
            age_max: None,
            bariatric: false,
            covid_min_days_since_onset: None,
            covid_min_days_since_criteria_met: None,
            covid_negative_tests_required: 0,
            notes: String::new(),
        }
    }
}

/// Days from onset after which the national discharge criteria let a symptomatic patient go
/// (10 days, and 72 hours after symptoms eased). Demanding more is a hospital's own rule.
pub const NATIONAL_DAYS_SINCE_ONSET: u16 = 10;
pub const REQUIREMENT_NOTES_MAX: usize = 1000;
/// Longer waits than this are typing mistakes, not rules.
pub const DAYS_MAX: u16 = 90;
pub const TESTS_MAX: u8 = 10;

/// One demand beyond the national discharge criteria (独自ルール).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BeyondCriteria {
    /// Negative tests before transfer.
    NegativeTests { count: u8 },
    /// More days since onset than the criteria's ten.
    DaysSinceOnset { days: u16 },
    /// Further days after the criteria were met.
    DaysSinceCriteriaMet { days: u16 },
}

impl BeyondCriteria {
    pub fn japanese(&self) -> String {
        match self {
            BeyondCriteria::NegativeTests { count } => format!("陰性確認{count}回"),
            BeyondCriteria::DaysSinceOnset { days } => format!("発症から{days}日以上"),
            BeyondCriteria::DaysSinceCriteriaMet { days } => format!("退院基準を満たしてから{days}日以上"),
        }
    }
}

/// A kind of care the directory can be filtered by ("who can take oxygen?").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    Oxygen,
    DialysisHd,
    DialysisPd,
    TubeFeedingNg,
    TubeFeedingPeg,
    Tracheostomy,
    FrequentSuctioning,
    CentralLine,
    DementiaBpsd,
    Psychiatric,
    IsolationMrsa,
    FullAssist,
    Bariatric,
}

impl AcceptanceRequirements {
    pub fn provides(&self, capability: Capability) -> bool {
        match capability {
            Capability::Oxygen => self.oxygen_max_l_per_min.is_some(),
            Capability::DialysisHd => self.dialysis_hd,
            Capability::DialysisPd => self.dialysis_pd,
            Capability::TubeFeedingNg => self.tube_feeding_ng,
            Capability::TubeFeedingPeg => self.tube_feeding_peg,
            Capability::Tracheostomy => self.tracheostomy,
            Capability::FrequentSuctioning => self.suctioning == Suctioning::Frequent,
            Capability::CentralLine => self.iv_line == IvLine::Central,
            Capability::DementiaBpsd => self.dementia_bpsd,
            Capability::Psychiatric => self.psychiatric,
            Capability::IsolationMrsa => self.isolation_mrsa,
            Capability::FullAssist => self.adl_full_assist,
            Capability::Bariatric => self.bariatric,
        }
    }

    /// The demands that go beyond the national discharge criteria, for the flag and its count.
    pub fn beyond_national_criteria(&self) -> Vec<BeyondCriteria> {
        let mut found = Vec::new();
        if self.covid_negative_tests_required > 0 {
            found.push(BeyondCriteria::NegativeTests { count: self.covid_negative_tests_required });
        }
        if let Some(days) = self.covid_min_days_since_onset.filter(|d| *d > NATIONAL_DAYS_SINCE_ONSET) {
            found.push(BeyondCriteria::DaysSinceOnset { days });
        }
        if let Some(days) = self.covid_min_days_since_criteria_met.filter(|d| *d > 0) {
            found.push(BeyondCriteria::DaysSinceCriteriaMet { days });
        }
        found
    }

    /// What it accepts, in the short Japanese labels of the printed directory (「酸素〜3L/分」,
    /// 「HD」, 「胃瘻」, …), in the vocabulary's order.
    pub fn labels_ja(&self) -> Vec<String> {
        let mut labels = Vec::new();
        if let Some(flow) = self.oxygen_max_l_per_min {
            labels.push(format!("酸素〜{flow}L/分"));
        }
        let flags = [
            (self.dialysis_hd, "透析(HD)"),
            (self.dialysis_pd, "透析(PD)"),
            (self.tube_feeding_ng, "経鼻栄養"),
            (self.tube_feeding_peg, "胃瘻"),
            (self.tracheostomy, "気管切開"),
            (self.suctioning == Suctioning::Occasional, "吸引(時々)"),
            (self.suctioning == Suctioning::Frequent, "吸引(頻回)"),
            (self.iv_line == IvLine::Peripheral, "末梢点滴"),
            (self.iv_line == IvLine::Central, "中心静脈"),
            (self.dementia_bpsd, "認知症(BPSD)"),
            (self.psychiatric, "精神科"),
            (self.isolation_mrsa, "MRSA隔離"),
            (self.isolation_other, "その他隔離"),
            (!self.adl_full_assist, "全介助不可"),
            (self.bariatric, "高度肥満"),
        ];
        labels.extend(flags.iter().filter(|(on, _)| *on).map(|(_, label)| (*label).to_owned()));
        match (self.age_min, self.age_max) {
            (Some(min), Some(max)) => labels.push(format!("{min}〜{max}歳")),
            (Some(min), None) => labels.push(format!("{min}歳以上")),
            (None, Some(max)) => labels.push(format!("{max}歳以下")),
            (None, None) => {}
        }
        labels
    }

    /// Checks ranges (fields under `requirements.`) and returns the requirements tidied.
    pub fn checked(&self, problems: &mut Problems) -> AcceptanceRequirements {
        let field = |name: &str| format!("requirements.{name}");
        let oxygen = self.oxygen_max_l_per_min.map(|flow| (flow * 10.0).round() / 10.0);
        if oxygen.is_some_and(|flow| !(flow > 0.0 && flow <= OXYGEN_MAX)) {
            problems.add(&field("oxygen_max_l_per_min"), Problem::OutOfRange { min: 0, max: OXYGEN_MAX as i32 });
        }
        for (name, age) in [("age_min", self.age_min), ("age_max", self.age_max)] {
            if age.is_some_and(|a| i32::from(a) > AGE_MAX) {
                problems.add(&field(name), Problem::OutOfRange { min: 0, max: AGE_MAX });
            }
        }
        if let (Some(min), Some(max)) = (self.age_min, self.age_max)
            && min > max
        {
            problems.add_detail(&field("age_max"), Problem::Invalid, Detail::AgeRangeReversed);
        }
        for (name, days) in [
            ("covid_min_days_since_onset", self.covid_min_days_since_onset),
            ("covid_min_days_since_criteria_met", self.covid_min_days_since_criteria_met),
        ] {
            if days.is_some_and(|d| d > DAYS_MAX) {
                problems.add(&field(name), Problem::OutOfRange { min: 0, max: DAYS_MAX.into() });
            }
        }
        if self.covid_negative_tests_required > TESTS_MAX {
            problems
                .add(&field("covid_negative_tests_required"), Problem::OutOfRange { min: 0, max: TESTS_MAX.into() });
        }
        if !(self.adl_independent || self.adl_partial_assist || self.adl_full_assist) {
            problems.add_detail(&field("adl_independent"), Problem::Required, Detail::NoAdlAccepted);
        }
        let notes = strip_controls(self.notes.trim());
        if char_len(&notes) > REQUIREMENT_NOTES_MAX {
            problems.add(&field("notes"), Problem::TooLong { max: REQUIREMENT_NOTES_MAX as u32 });
        }
        AcceptanceRequirements { oxygen_max_l_per_min: oxygen, notes, ..self.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_demands_beyond_the_national_criteria_are_flagged() {
        let plain = AcceptanceRequirements {
            covid_min_days_since_onset: Some(NATIONAL_DAYS_SINCE_ONSET),
            covid_min_days_since_criteria_met: Some(0),
            ..Default::default()
        };
        assert!(plain.beyond_national_criteria().is_empty());
        let strict = AcceptanceRequirements {
            covid_negative_tests_required: 2,
            covid_min_days_since_onset: Some(14),
            covid_min_days_since_criteria_met: Some(3),
            ..Default::default()
        };
        assert_eq!(
            strict.beyond_national_criteria(),
            [
                BeyondCriteria::NegativeTests { count: 2 },
                BeyondCriteria::DaysSinceOnset { days: 14 },
                BeyondCriteria::DaysSinceCriteriaMet { days: 3 },
            ]
        );
        assert_eq!(strict.beyond_national_criteria()[0].japanese(), "陰性確認2回");
    }

    #[test]
    fn out_of_range_requirements_name_their_field() {
        let mut problems = Problems::default();
        AcceptanceRequirements {
            oxygen_max_l_per_min: Some(40.0),
            age_min: Some(80),
            age_max: Some(65),
            covid_negative_tests_required: 30,
            adl_independent: false,
            adl_partial_assist: false,
            adl_full_assist: false,
            ..Default::default()
        }
        .checked(&mut problems);
        let Err(crate::error::Error::Validation(found)) = problems.into_result() else { panic!("accepted") };
        let fields: Vec<_> = found.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "requirements.oxygen_max_l_per_min",
                "requirements.age_max",
                "requirements.covid_negative_tests_required",
                "requirements.adl_independent",
            ]
        );
    }

    #[test]
    fn a_requirement_outside_the_vocabulary_is_refused_when_read() {
        let unknown_field = serde_json::from_str::<AcceptanceRequirements>(r#"{"negative_pcr": 3}"#);
        assert!(unknown_field.expect_err("refused").to_string().contains("negative_pcr"));
        let unknown_value = serde_json::from_str::<AcceptanceRequirements>(r#"{"suctioning": "sometimes"}"#);
        assert!(unknown_value.expect_err("refused").to_string().contains("sometimes"));
    }
}
