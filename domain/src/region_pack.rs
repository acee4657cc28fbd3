//! Region packs: everything regional, as data (format documented in docs/region-pack.md).
//!
//! A pack names the prefecture's municipalities with their local-government codes, its
//! health-centre jurisdictions (with prefectural sub-offices as their own level), the secondary
//! medical regions of each health-care plan period, how jurisdictions are grouped in the official
//! monthly tables, and the desk's vocabularies (bed types, decline reasons, transport modes).
//! Nothing about any one prefecture lives in code: Kanagawa ships as `assets/region-packs/`.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::is_valid_local_government_code;
use crate::error::{Error, Result};

pub const FORMAT: &str = "tenin-region-pack";
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionPack {
    pub format: String,
    pub format_version: u32,
    pub id: String,
    pub name: String,
    pub version: String,
    pub prefecture_code: String,
    /// IANA zone the desk works in, for display (e.g. "Asia/Tokyo").
    pub time_zone: String,
    /// The zone's fixed offset; dates such as a request's reference number use it.
    pub utc_offset_minutes: i32,
    #[serde(default)]
    pub source: String,
    pub report_groups: Vec<ReportGroup>,
    /// The column for requests whose jurisdiction is unknown or outside the pack.
    pub report_group_other: String,
    pub jurisdictions: Vec<Jurisdiction>,
    pub plans: Vec<Plan>,
    pub medical_regions: Vec<MedicalRegion>,
    pub municipalities: Vec<Municipality>,
    pub bed_types: Vec<Term>,
    pub decline_reasons: Vec<DeclineReason>,
    pub transport_modes: Vec<Term>,
    /// For an update of a loaded pack: where the desk's references to an entry the new version drops
    /// go (a municipal merger, a decline reason folded into another). Ignored when a desk is created.
    #[serde(default)]
    pub moves: PackMoves,
}

/// Old id → new id, per list (see `region_pack_update`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackMoves {
    #[serde(default)]
    pub municipalities: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub bed_types: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub decline_reasons: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportGroup {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JurisdictionKind {
    /// A health centre run by a city (保健所設置市).
    City,
    /// A prefectural health & welfare office (保健福祉事務所).
    PrefecturalOffice,
    /// A sub-office of a prefectural office (センター).
    PrefecturalCentre,
}

impl JurisdictionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JurisdictionKind::City => "city",
            JurisdictionKind::PrefecturalOffice => "prefectural_office",
            JurisdictionKind::PrefecturalCentre => "prefectural_centre",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jurisdiction {
    pub id: String,
    pub name: String,
    pub kana: String,
    pub kind: JurisdictionKind,
    #[serde(default)]
    pub parent: Option<String>,
    pub report_group: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub id: String,
    pub name: String,
    pub from: NaiveDate,
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MedicalRegion {
    pub id: String,
    pub plan: String,
    pub name: String,
    pub kana: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Municipality {
    pub code: String,
    pub name: String,
    pub kana: String,
    /// For a ward (区) of a designated city: the city's code.
    #[serde(default)]
    pub parent: Option<String>,
    pub jurisdiction: String,
    /// The medical regions it belongs to, at most one per plan. A designated city that a plan
    /// splits by ward has no region of its own in that plan; its wards do.
    pub regions: Vec<String>,
    /// Names it was known by before a merger (a town now part of this ward or city), so records
    /// written with them are read as this one.
    #[serde(default)]
    pub former_names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclineReason {
    pub id: String,
    pub name: String,
    /// A hospital's own rule beyond the national discharge criteria (独自ルール): counted apart.
    #[serde(default)]
    pub own_rule: bool,
    /// When a decline for this reason stops ruling the hospital out for the same request.
    #[serde(default)]
    pub lapses: DeclineLapse,
}

/// When a hospital's decline stops holding for the request it was given for (the matching engine
/// leaves a hospital out while its decline holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DeclineLapse {
    /// Holds for the life of the request (e.g. care it cannot give).
    #[default]
    Never,
    /// Holds until the hospital reports free beds of the bed type after the decline (満床).
    OnFreeBeds,
    /// Never rules the hospital out (e.g. no answer: call again).
    AtOnce,
}

/// A decline reason with what the matching engine needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclineReasonRule {
    pub id: String,
    pub name: String,
    pub own_rule: bool,
    pub lapses: DeclineLapse,
}

impl DeclineLapse {
    pub fn as_str(self) -> &'static str {
        match self {
            DeclineLapse::Never => "never",
            DeclineLapse::OnFreeBeds => "on_free_beds",
            DeclineLapse::AtOnce => "at_once",
        }
    }

    pub fn parse(name: &str) -> Option<DeclineLapse> {
        [DeclineLapse::Never, DeclineLapse::OnFreeBeds, DeclineLapse::AtOnce].into_iter().find(|l| l.as_str() == name)
    }
}

impl RegionPack {
    /// Parses and validates a pack. Every problem found is reported, each naming where it is.
    pub fn from_json(json: &str) -> Result<RegionPack> {
        let pack: RegionPack =
            serde_json::from_str(json).map_err(|e| Error::ReferenceData(format!("地域パックを読めません: {e}")))?;
        pack.validate()?;
        Ok(pack)
    }

    /// The plan in force on `date`, or the latest one that has started.
    pub fn plan_on(&self, date: NaiveDate) -> Option<&Plan> {
        self.plans.iter().filter(|p| p.from <= date && p.to.is_none_or(|to| date <= to)).max_by_key(|p| p.from)
    }

    fn validate(&self) -> Result<()> {
        let mut errors = Vec::new();
        if self.format != FORMAT {
            errors.push(format!("format は \"{FORMAT}\" でなければなりません（\"{}\"）", self.format));
        }
        if self.format_version != FORMAT_VERSION {
            errors.push(format!("対応していない format_version です: {}", self.format_version));
        }
        if !(-720..=840).contains(&self.utc_offset_minutes) {
            errors.push(format!("utc_offset_minutes が範囲外です: {}", self.utc_offset_minutes));
        }
        let groups = unique_ids("report_groups", self.report_groups.iter().map(|g| g.id.as_str()), &mut errors);
        let jurisdictions = unique_ids("jurisdictions", self.jurisdictions.iter().map(|j| j.id.as_str()), &mut errors);
        for j in &self.jurisdictions {
            if !groups.contains(j.report_group.as_str()) {
                errors.push(format!("jurisdictions[{}]: 未定義の report_group \"{}\"", j.id, j.report_group));
            }
            match (&j.parent, j.kind) {
                (Some(parent), JurisdictionKind::PrefecturalCentre) if !jurisdictions.contains(parent.as_str()) => {
                    errors.push(format!("jurisdictions[{}]: 未定義の parent \"{parent}\"", j.id));
                }
                (None, JurisdictionKind::PrefecturalCentre) => {
                    errors.push(format!("jurisdictions[{}]: センターには parent が必要です", j.id));
                }
                (Some(_), JurisdictionKind::City | JurisdictionKind::PrefecturalOffice) => {
                    errors.push(format!("jurisdictions[{}]: parent はセンターにのみ指定できます", j.id));
                }
                _ => {}
            }
        }
        let plans = unique_ids("plans", self.plans.iter().map(|p| p.id.as_str()), &mut errors);
        unique_ids("medical_regions", self.medical_regions.iter().map(|r| r.id.as_str()), &mut errors);
        for r in &self.medical_regions {
            if !plans.contains(r.plan.as_str()) {
                errors.push(format!("medical_regions[{}]: 未定義の plan \"{}\"", r.id, r.plan));
            }
        }
        let codes = unique_ids("municipalities", self.municipalities.iter().map(|m| m.code.as_str()), &mut errors);
        for m in &self.municipalities {
            if !is_valid_local_government_code(&m.code) {
                errors.push(format!("municipalities[{}]: 地方公共団体コードの検査数字が合いません", m.code));
            }
            if !m.code.starts_with(&self.prefecture_code) {
                errors.push(format!(
                    "municipalities[{}]: 都道府県コード {} と一致しません",
                    m.code, self.prefecture_code
                ));
            }
            if !jurisdictions.contains(m.jurisdiction.as_str()) {
                errors.push(format!("municipalities[{}]: 未定義の jurisdiction \"{}\"", m.code, m.jurisdiction));
            }
            if let Some(parent) = &m.parent
                && !codes.contains(parent.as_str())
            {
                errors.push(format!("municipalities[{}]: 未定義の parent \"{parent}\"", m.code));
            }
            let mut plans_seen = HashSet::new();
            for region_id in &m.regions {
                match self.medical_regions.iter().find(|r| &r.id == region_id) {
                    None => errors.push(format!("municipalities[{}]: 未定義の region \"{region_id}\"", m.code)),
                    Some(region) if !plans_seen.insert(region.plan.as_str()) => {
                        errors.push(format!(
                            "municipalities[{}]: 計画 {} の二次医療圏が複数あります",
                            m.code, region.plan
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        let current: HashSet<&str> = self.municipalities.iter().map(|m| m.name.as_str()).collect();
        let mut former = HashSet::new();
        for m in &self.municipalities {
            for name in &m.former_names {
                if current.contains(name.as_str()) {
                    errors.push(format!("municipalities[{}]: 旧名称 \"{name}\" は今の市区町村名です", m.code));
                } else if !former.insert(name.as_str()) {
                    errors.push(format!("municipalities[{}]: 旧名称 \"{name}\" が重複しています", m.code));
                }
            }
        }
        let bed_types = unique_ids("bed_types", self.bed_types.iter().map(|t| t.id.as_str()), &mut errors);
        let reasons = unique_ids("decline_reasons", self.decline_reasons.iter().map(|t| t.id.as_str()), &mut errors);
        unique_ids("transport_modes", self.transport_modes.iter().map(|t| t.id.as_str()), &mut errors);
        // A move goes to an entry of this pack, from one it no longer has.
        for (list, moves, known) in [
            ("municipalities", &self.moves.municipalities, &codes),
            ("bed_types", &self.moves.bed_types, &bed_types),
            ("decline_reasons", &self.moves.decline_reasons, &reasons),
        ] {
            for (from, to) in moves {
                if !known.contains(to.as_str()) {
                    errors.push(format!("moves.{list}: 移し先 \"{to}\" がこのパックにありません"));
                }
                if known.contains(from.as_str()) {
                    errors.push(format!("moves.{list}: \"{from}\" はこのパックにもあります（移す必要がありません）"));
                }
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(Error::ReferenceData(errors.join("; "))) }
    }
}

fn unique_ids<'a>(list: &str, ids: impl Iterator<Item = &'a str>, errors: &mut Vec<String>) -> HashSet<&'a str> {
    let mut seen = HashSet::new();
    for id in ids {
        if id.is_empty() {
            errors.push(format!("{list}: 空の id があります"));
        } else if !seen.insert(id) {
            errors.push(format!("{list}: id \"{id}\" が重複しています"));
        }
    }
    seen
}
