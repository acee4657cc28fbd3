//! Care needs and capabilities as bit sets, so "does this hospital cover this patient?" is one
//! mask test. Levels are expanded: a hospital that manages frequent suctioning also manages
//! occasional suctioning; a central line implies a peripheral one.

use serde::{Deserialize, Serialize};

use crate::care::{Adl, CareItem, CareNeeds, Dialysis, Isolation, IvLine, Suctioning, TubeFeeding};
use crate::requirements::AcceptanceRequirements;

/// One kind of care a patient may need and a hospital may not give (oxygen is compared by flow,
/// apart from these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CareNeed {
    DialysisHd,
    DialysisPd,
    TubeFeedingNg,
    TubeFeedingPeg,
    Tracheostomy,
    OccasionalSuctioning,
    FrequentSuctioning,
    PeripheralLine,
    CentralLine,
    DementiaBpsd,
    Psychiatric,
    IsolationMrsa,
    IsolationOther,
    AdlIndependent,
    AdlPartialAssist,
    AdlFullAssist,
    Bariatric,
}

impl CareNeed {
    pub const ALL: [CareNeed; 17] = [
        CareNeed::DialysisHd,
        CareNeed::DialysisPd,
        CareNeed::TubeFeedingNg,
        CareNeed::TubeFeedingPeg,
        CareNeed::Tracheostomy,
        CareNeed::OccasionalSuctioning,
        CareNeed::FrequentSuctioning,
        CareNeed::PeripheralLine,
        CareNeed::CentralLine,
        CareNeed::DementiaBpsd,
        CareNeed::Psychiatric,
        CareNeed::IsolationMrsa,
        CareNeed::IsolationOther,
        CareNeed::AdlIndependent,
        CareNeed::AdlPartialAssist,
        CareNeed::AdlFullAssist,
        CareNeed::Bariatric,
    ];

    fn bit(self) -> u32 {
        1 << (self as u32)
    }

    /// The desk's short Japanese name (CLI and printed output; the UI translates by id).
    pub fn label_ja(self) -> &'static str {
        match self {
            CareNeed::DialysisHd => "透析(HD)",
            CareNeed::DialysisPd => "透析(PD)",
            CareNeed::TubeFeedingNg => "経鼻栄養",
            CareNeed::TubeFeedingPeg => "胃瘻",
            CareNeed::Tracheostomy => "気管切開",
            CareNeed::OccasionalSuctioning => "吸引(時々)",
            CareNeed::FrequentSuctioning => "吸引(頻回)",
            CareNeed::PeripheralLine => "末梢点滴",
            CareNeed::CentralLine => "中心静脈",
            CareNeed::DementiaBpsd => "認知症(BPSD)",
            CareNeed::Psychiatric => "精神科",
            CareNeed::IsolationMrsa => "MRSA隔離",
            CareNeed::IsolationOther => "その他隔離",
            CareNeed::AdlIndependent => "ADL自立",
            CareNeed::AdlPartialAssist => "ADL一部介助",
            CareNeed::AdlFullAssist => "ADL全介助",
            CareNeed::Bariatric => "高度肥満",
        }
    }
}

/// A set of [`CareNeed`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct CareSet(u32);

impl CareSet {
    pub fn of(needs: &[CareNeed]) -> CareSet {
        CareSet(needs.iter().fold(0, |bits, n| bits | n.bit()))
    }

    pub fn contains(self, need: CareNeed) -> bool {
        self.0 & need.bit() != 0
    }

    /// The needs in `self` that `provided` does not cover.
    pub fn uncovered_by(self, provided: CareSet) -> CareSet {
        CareSet(self.0 & !provided.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The bits, one per [`CareNeed`] at its position in [`CareNeed::ALL`].
    pub(crate) fn bits(self) -> u32 {
        self.0
    }

    pub fn iter(self) -> impl Iterator<Item = CareNeed> {
        CareNeed::ALL.into_iter().filter(move |n| self.contains(n.to_owned()))
    }

    /// What a patient needs (oxygen apart), from the items answered. An item not stated needs
    /// nothing here (see [`CareSet::possible`]); an unknown ADL neither: the request cannot be
    /// matched until it is known, which the data-quality checklist says.
    pub fn needed(care: &CareNeeds) -> CareSet {
        use CareNeed::*;
        let mut needs = Vec::new();
        match care.dialysis {
            None | Some(Dialysis::None) => {}
            Some(Dialysis::Hd) => needs.push(DialysisHd),
            Some(Dialysis::Pd) => needs.push(DialysisPd),
        }
        match care.tube_feeding {
            None | Some(TubeFeeding::None) => {}
            Some(TubeFeeding::Ng) => needs.push(TubeFeedingNg),
            Some(TubeFeeding::Peg) => needs.push(TubeFeedingPeg),
        }
        match care.suctioning {
            None | Some(Suctioning::None) => {}
            Some(Suctioning::Occasional) => needs.push(OccasionalSuctioning),
            Some(Suctioning::Frequent) => needs.push(FrequentSuctioning),
        }
        match care.iv_line {
            None | Some(IvLine::None) => {}
            Some(IvLine::Peripheral) => needs.push(PeripheralLine),
            Some(IvLine::Central) => needs.push(CentralLine),
        }
        match care.isolation {
            None | Some(Isolation::None) => {}
            Some(Isolation::Mrsa) => needs.push(IsolationMrsa),
            Some(Isolation::Other) => needs.push(IsolationOther),
        }
        match care.adl {
            Adl::Unknown => {}
            Adl::Independent => needs.push(AdlIndependent),
            Adl::PartialAssist => needs.push(AdlPartialAssist),
            Adl::FullAssist => needs.push(AdlFullAssist),
        }
        let flags = [
            (care.tracheostomy, Tracheostomy),
            (care.dementia_bpsd, DementiaBpsd),
            (care.psychiatric, Psychiatric),
            (care.bariatric, Bariatric),
        ];
        needs.extend(flags.into_iter().filter(|(on, _)| *on == Some(true)).map(|(_, need)| need));
        CareSet::of(&needs)
    }

    /// Every need an item could turn out to be once answered: a hospital that covers them all can
    /// take the patient whatever the answer; one that does not must be asked. (ADL is a blocker
    /// instead; oxygen is compared by flow.)
    pub fn possible(item: CareItem) -> CareSet {
        use CareNeed::*;
        CareSet::of(match item {
            CareItem::Dialysis => &[DialysisHd, DialysisPd],
            CareItem::TubeFeeding => &[TubeFeedingNg, TubeFeedingPeg],
            CareItem::Tracheostomy => &[Tracheostomy],
            CareItem::Suctioning => &[OccasionalSuctioning, FrequentSuctioning],
            CareItem::IvLine => &[PeripheralLine, CentralLine],
            CareItem::DementiaBpsd => &[DementiaBpsd],
            CareItem::Psychiatric => &[Psychiatric],
            CareItem::Isolation => &[IsolationMrsa, IsolationOther],
            CareItem::Bariatric => &[Bariatric],
            CareItem::Oxygen | CareItem::Adl => &[],
        })
    }

    /// What a hospital provides (oxygen apart), levels expanded downwards.
    pub fn provided(r: &AcceptanceRequirements) -> CareSet {
        use CareNeed::*;
        let flags = [
            (r.dialysis_hd, DialysisHd),
            (r.dialysis_pd, DialysisPd),
            (r.tube_feeding_ng, TubeFeedingNg),
            (r.tube_feeding_peg, TubeFeedingPeg),
            (r.tracheostomy, Tracheostomy),
            (r.suctioning != Suctioning::None, OccasionalSuctioning),
            (r.suctioning == Suctioning::Frequent, FrequentSuctioning),
            (r.iv_line != IvLine::None, PeripheralLine),
            (r.iv_line == IvLine::Central, CentralLine),
            (r.dementia_bpsd, DementiaBpsd),
            (r.psychiatric, Psychiatric),
            (r.isolation_mrsa, IsolationMrsa),
            (r.isolation_other, IsolationOther),
            (r.adl_independent, AdlIndependent),
            (r.adl_partial_assist, AdlPartialAssist),
            (r.adl_full_assist, AdlFullAssist),
            (r.bariatric, Bariatric),
        ];
        let provided: Vec<CareNeed> = flags.into_iter().filter(|(on, _)| *on).map(|(_, need)| need).collect();
        CareSet::of(&provided)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_levels_cover_lower_ones_but_not_the_reverse() {
        let frequent = AcceptanceRequirements { suctioning: Suctioning::Frequent, ..Default::default() };
        let occasional = AcceptanceRequirements { suctioning: Suctioning::Occasional, ..Default::default() };
        let needs_occasional =
            CareSet::needed(&CareNeeds { suctioning: Some(Suctioning::Occasional), ..Default::default() });
        let needs_frequent =
            CareSet::needed(&CareNeeds { suctioning: Some(Suctioning::Frequent), ..Default::default() });
        assert!(needs_occasional.uncovered_by(CareSet::provided(&frequent)).is_empty());
        assert!(needs_occasional.uncovered_by(CareSet::provided(&occasional)).is_empty());
        let missing: Vec<_> = needs_frequent.uncovered_by(CareSet::provided(&occasional)).iter().collect();
        assert_eq!(missing, [CareNeed::FrequentSuctioning]);
    }

    #[test]
    fn every_need_of_the_vocabulary_is_read_from_both_sides() {
        let care = CareNeeds {
            dialysis: Some(Dialysis::Pd),
            tube_feeding: Some(TubeFeeding::Peg),
            tracheostomy: Some(true),
            iv_line: Some(IvLine::Central),
            dementia_bpsd: Some(true),
            psychiatric: Some(true),
            isolation: Some(Isolation::Other),
            adl: Adl::FullAssist,
            bariatric: Some(true),
            ..Default::default()
        };
        let needed = CareSet::needed(&care);
        assert_eq!(needed.iter().count(), 9);
        let none = AcceptanceRequirements {
            adl_independent: false,
            adl_partial_assist: false,
            adl_full_assist: false,
            ..Default::default()
        };
        assert_eq!(needed.uncovered_by(CareSet::provided(&none)), needed);
    }
}
