//! The engine's answer as the nurse sees it: candidates with their score parts and marks, and every
//! excluded hospital with the constraints it failed, each with the figures behind it.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::care_set::CareNeed;
use super::constraints::{Exclusions, check};
use super::directory::MatchDirectory;
use super::rank::{Ranked, Ranking};
use super::request::{Answered, MatchBlocker, MatchRequest};
use super::score::{Proximity, distance};
use super::weights::MatchWeights;
use crate::contact::Contact;
use crate::requirements::BeyondCriteria;
use crate::timestamps::to_rfc3339;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MatchReport {
    pub request_id: String,
    pub ref_no: String,
    /// What the request lacks before it can be matched; when not empty there are no candidates
    /// and no exclusions — the engine did not judge, it is not "nobody can take this patient".
    pub blockers: Vec<MatchBlocker>,
    /// Best first: the first of them, as many as were asked for (`Shown`).
    pub candidates: Vec<Candidate>,
    /// How many candidates there are in all.
    pub candidates_total: u32,
    /// The hospitals that are out, as many as were asked for: those that could receive first (why a
    /// possible partner is out matters more), then those that never receive or are inactive; each
    /// part in medical-institution code order.
    pub excluded: Vec<Excluded>,
    /// How many hospitals are out in all.
    pub excluded_total: u32,
    pub weights: MatchWeights,
    pub bed_type_name: Option<String>,
    /// When the directory snapshot was taken (RFC 3339).
    pub computed_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Candidate {
    /// 1 is the first to call.
    pub rank: u32,
    pub hospital_id: String,
    pub code: String,
    pub name: String,
    pub municipality_name: String,
    pub region_name: Option<String>,
    /// 0–100, two decimals.
    pub score: f64,
    pub parts: Vec<ScorePart>,
    pub beds: Beds,
    pub marks: Vec<CandidateMark>,
    /// Its demands beyond the national discharge criteria (独自ルール), shown on every candidate.
    pub beyond_criteria: Vec<BeyondCriteria>,
    /// Whom to call first.
    pub contact: Option<Contact>,
}

/// The current report of the bed type the patient needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Beds {
    /// `None` when the hospital has not reported this bed type.
    pub available: Option<u32>,
    pub stale: bool,
    pub reported_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScorePart {
    #[serde(flatten)]
    pub basis: ScoreBasis,
    pub weight: u32,
    /// 0–1 before weighting.
    pub value: f64,
    /// What the part adds to the score (0–100 scale).
    pub points: f64,
}

/// One soft preference and the figures it was judged on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "part", rename_all = "snake_case")]
pub enum ScoreBasis {
    /// From the referring hospital; nominal where coordinates are missing.
    Distance {
        km: f64,
        proximity: Proximity,
    },
    /// `preferred`: the family named areas; otherwise the patient's home region was used.
    FamilyArea {
        matched: bool,
        preferred: bool,
    },
    /// For patients needing the same bed type.
    Acceptance {
        accepted: u32,
        declined: u32,
    },
    AnswerSpeed {
        median_minutes: Option<u32>,
    },
    /// Accepted in the last week plus inquiries waiting for its answer.
    Load {
        recent: u32,
    },
    Freshness {
        age_minutes: Option<u32>,
        stale: bool,
    },
}

/// Something the nurse should know before calling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CandidateMark {
    /// No report of this bed type: allowed, but ask.
    CapacityUnknown,
    /// The report is older than the desk's limit.
    CapacityStale,
    /// Already asked; the answer is awaited.
    AwaitingAnswer,
    /// Already said yes to this request.
    Accepted,
    /// Declined before for a reason that no longer holds (e.g. full, and has reported free beds since).
    DeclineLapsed {
        reason_name: String,
    },
    /// Asks for days since onset, and the request has no onset date.
    ConfirmDaysSinceOnset {
        required: u16,
    },
    ConfirmDaysSinceCriteriaMet {
        required: u16,
    },
    /// The request never answered these care items, and this hospital might not cover the answer:
    /// confirm them before counting on it.
    ConfirmCare {
        items: Vec<crate::care::CareItem>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Excluded {
    pub hospital_id: String,
    pub code: String,
    pub name: String,
    /// Never empty.
    pub reasons: Vec<ExclusionReason>,
}

/// A hard constraint a hospital failed, with its figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExclusionReason {
    NotReceiving,
    Inactive,
    /// The hospital the patient is leaving.
    ReferringHospital,
    Care {
        need: CareNeed,
    },
    Oxygen {
        needed: f64,
        max: Option<f64>,
    },
    Age {
        age: u8,
        min: Option<u8>,
        max: Option<u8>,
    },
    /// `eligible_on`: the first day the patient meets it (ISO date).
    DaysSinceOnset {
        required: u16,
        actual: i32,
        eligible_on: String,
    },
    DaysSinceCriteriaMet {
        required: u16,
        actual: i32,
        eligible_on: String,
    },
    /// Reported no free bed of the type, and the report is current.
    NoFreeBeds {
        reported_at: String,
    },
    Declined {
        reason_id: String,
        reason_name: String,
        at: String,
    },
}

impl ExclusionReason {
    /// The desk's Japanese wording (CLI and printed output; the UI translates by `kind`).
    pub fn japanese(&self) -> String {
        match self {
            ExclusionReason::NotReceiving => "受入医療機関ではない".into(),
            ExclusionReason::Inactive => "休止中".into(),
            ExclusionReason::ReferringHospital => "依頼元の医療機関".into(),
            ExclusionReason::Care { need } => format!("{}に対応できない", need.label_ja()),
            ExclusionReason::Oxygen { needed, max: Some(max) } => format!("酸素{needed}L/分が必要（上限{max}L/分）"),
            ExclusionReason::Oxygen { needed, max: None } => format!("酸素{needed}L/分が必要（酸素投与不可）"),
            ExclusionReason::Age { age, min, max } => {
                let range = match (min, max) {
                    (Some(min), Some(max)) => format!("{min}〜{max}歳"),
                    (Some(min), None) => format!("{min}歳以上"),
                    (None, Some(max)) => format!("{max}歳以下"),
                    (None, None) => String::new(),
                };
                format!("{age}歳は受入年齢（{range}）の外")
            }
            ExclusionReason::DaysSinceOnset { required, actual, eligible_on } => {
                format!("発症から{required}日以上が条件（現在{actual}日、{eligible_on}から可）")
            }
            ExclusionReason::DaysSinceCriteriaMet { required, actual, eligible_on } => {
                format!("退院基準を満たしてから{required}日以上が条件（現在{actual}日、{eligible_on}から可）")
            }
            ExclusionReason::NoFreeBeds { .. } => "空床なし（最新の報告）".into(),
            ExclusionReason::Declined { reason_name, .. } => format!("この依頼をお断り済み（{reason_name}）"),
        }
    }
}

impl ScoreBasis {
    /// The figures behind a part, in the desk's Japanese.
    pub fn japanese(&self) -> String {
        match self {
            ScoreBasis::Distance { km, proximity: Proximity::Coordinates } => format!("距離 {km:.1}km"),
            ScoreBasis::Distance { km, proximity } => {
                let place = match proximity {
                    Proximity::SameMunicipality => "同じ市区町村",
                    Proximity::SameJurisdiction => "同じ保健所管内",
                    Proximity::SameRegion => "同じ二次医療圏",
                    Proximity::OtherRegion => "別の二次医療圏",
                    Proximity::Unknown | Proximity::Coordinates => "所在地不明",
                };
                format!("距離 約{km:.0}km（{place}・座標なし）")
            }
            ScoreBasis::FamilyArea { matched, preferred: true } => {
                if *matched {
                    "家族の希望地域".into()
                } else {
                    "家族の希望地域外".into()
                }
            }
            ScoreBasis::FamilyArea { matched, preferred: false } => {
                if *matched {
                    "自宅のある地域".into()
                } else {
                    "自宅と別の地域".into()
                }
            }
            ScoreBasis::Acceptance { accepted, declined } => {
                format!("同種の依頼で受入{accepted}件・お断り{declined}件")
            }
            ScoreBasis::AnswerSpeed { median_minutes: Some(m) } => format!("回答まで中央値{m}分"),
            ScoreBasis::AnswerSpeed { median_minutes: None } => "回答の記録なし".into(),
            ScoreBasis::Load { recent } => format!("最近の受入・打診中 {recent}件"),
            ScoreBasis::Freshness { age_minutes: Some(m), stale } => {
                let age = if *m >= 120 { format!("{}時間前", m / 60) } else { format!("{m}分前") };
                if *stale { format!("空床報告 {age}（古い）") } else { format!("空床報告 {age}") }
            }
            ScoreBasis::Freshness { age_minutes: None, .. } => "空床報告なし".into(),
        }
    }
}

impl CandidateMark {
    pub fn japanese(&self) -> String {
        match self {
            CandidateMark::CapacityUnknown => "空床未報告（要確認）".into(),
            CandidateMark::CapacityStale => "空床報告が古い（要確認）".into(),
            CandidateMark::AwaitingAnswer => "打診済み・回答待ち".into(),
            CandidateMark::Accepted => "受入可と回答済み".into(),
            CandidateMark::DeclineLapsed { reason_name } => format!("以前お断り（{reason_name}）・その後状況変化"),
            CandidateMark::ConfirmDaysSinceOnset { required } => {
                format!("発症から{required}日以上が条件（発症日未入力）")
            }
            CandidateMark::ConfirmDaysSinceCriteriaMet { required } => {
                format!("退院基準から{required}日以上が条件（日付未入力）")
            }
            CandidateMark::ConfirmCare { items } => {
                let names: Vec<&str> = items.iter().map(|item| item.label_ja()).collect();
                format!("要確認: {}（未確認の項目に対応できるか）", names.join("・"))
            }
        }
    }
}

/// The report of a request that cannot be matched yet.
pub fn blocked(request_id: &str, ref_no: &str, blockers: Vec<MatchBlocker>, dir: &MatchDirectory) -> MatchReport {
    MatchReport {
        request_id: request_id.to_owned(),
        ref_no: ref_no.to_owned(),
        blockers,
        candidates: Vec::new(),
        candidates_total: 0,
        excluded: Vec::new(),
        excluded_total: 0,
        weights: dir.weights,
        bed_type_name: None,
        computed_at: to_rfc3339(dir.now),
    }
}

/// How much of a ranking to put names and figures on: the first `candidates` candidates and the
/// first `excluded` of the hospitals that are out; the rest are counted only. At a desk's sixty
/// hospitals that is all of them; at ten thousand, explaining every one is megabytes the nurse never
/// reads (the app asks for more when the nurse opens the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Shown {
    pub candidates: u32,
    pub excluded: u32,
}

impl Shown {
    pub const ALL: Shown = Shown { candidates: u32::MAX, excluded: u32::MAX };
}

/// Puts figures and names on a whole ranking.
pub fn explain(request: &MatchRequest, dir: &MatchDirectory, ranking: &Ranking) -> MatchReport {
    explain_shown(request, dir, ranking, Shown::ALL)
}

/// Puts figures and names on the first of a ranking's candidates and exclusions, as `shown` asks.
pub fn explain_shown(request: &MatchRequest, dir: &MatchDirectory, ranking: &Ranking, shown: Shown) -> MatchReport {
    let never_receives =
        |failed: &Exclusions| failed.has(Exclusions::NOT_RECEIVING) || failed.has(Exclusions::INACTIVE);
    let mut out: Vec<&(usize, Exclusions)> = ranking.excluded.iter().collect();
    out.sort_by_key(|(_, failed)| never_receives(failed)); // stable: code order within each part
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    MatchReport {
        request_id: request.request_id.clone(),
        ref_no: request.ref_no.clone(),
        blockers: Vec::new(),
        candidates: ranking
            .candidates
            .iter()
            .take(shown.candidates as usize)
            .enumerate()
            .map(|(i, r)| candidate(request, dir, r, i))
            .collect(),
        candidates_total: count(ranking.candidates.len()),
        excluded: out
            .into_iter()
            .take(shown.excluded as usize)
            .map(|(h, failed)| excluded(request, dir, *h, *failed))
            .collect(),
        excluded_total: count(ranking.excluded.len()),
        weights: dir.weights,
        bed_type_name: Some(dir.bed_types[request.bed_type].name.clone()),
        computed_at: to_rfc3339(dir.now),
    }
}

fn at_text(millis: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(millis).map(to_rfc3339).unwrap_or_default()
}

fn hundredths(points: u32) -> f64 {
    f64::from(points) / 100.0
}

fn candidate(request: &MatchRequest, dir: &MatchDirectory, ranked: &Ranked, index: usize) -> Candidate {
    let h = ranked.hospital as usize;
    let points = super::score::points(request, dir, h);
    let summary = dir.hospital(h);
    let profile = &dir.profiles[h];
    let beds = dir.beds(h, request.bed_type);
    let answers = dir.answers(h, request.bed_type);
    let (km, proximity) = distance(request, dir, h);
    let values = super::score::values(request, dir, h);
    let bases = [
        ScoreBasis::Distance { km: (km * 10.0).round() / 10.0, proximity },
        ScoreBasis::FamilyArea { matched: values[1] > 0.0, preferred: !request.preferred.is_empty() },
        ScoreBasis::Acceptance { accepted: answers.accepted, declined: answers.declined },
        ScoreBasis::AnswerSpeed { median_minutes: answers.median_minutes },
        ScoreBasis::Load { recent: profile.load },
        ScoreBasis::Freshness { age_minutes: beds.known.then_some(beds.age_minutes), stale: beds.stale },
    ];
    let weights = dir.weights.parts();
    let parts = bases
        .into_iter()
        .enumerate()
        .map(|(i, basis)| ScorePart {
            basis,
            weight: weights[i],
            value: (values[i] * 1000.0).round() / 1000.0,
            points: hundredths(points[i].into()),
        })
        .collect();
    let mut marks = Vec::new();
    if !beds.known {
        marks.push(CandidateMark::CapacityUnknown);
    } else if beds.stale {
        marks.push(CandidateMark::CapacityStale);
    }
    match request.answer_of(h) {
        Some(Answered::Waiting) => marks.push(CandidateMark::AwaitingAnswer),
        Some(Answered::Accepted) => marks.push(CandidateMark::Accepted),
        Some(Answered::Declined { reason, .. }) => marks.push(CandidateMark::DeclineLapsed {
            reason_name: dir.decline_reasons.get(reason).map(|r| r.name.clone()).unwrap_or_default(),
        }),
        None => {}
    }
    if request.onset.is_none() && !request.onset_none && profile.min_days_since_onset > 0 {
        marks.push(CandidateMark::ConfirmDaysSinceOnset { required: profile.min_days_since_onset });
    }
    if request.criteria_met.is_none() && !request.criteria_met_none && profile.min_days_since_criteria_met > 0 {
        marks.push(CandidateMark::ConfirmDaysSinceCriteriaMet { required: profile.min_days_since_criteria_met });
    }
    let items = super::confirm::to_confirm(request, dir, h);
    if !items.is_empty() {
        marks.push(CandidateMark::ConfirmCare { items });
    }
    Candidate {
        rank: index as u32 + 1,
        hospital_id: summary.id.clone(),
        code: summary.code.clone(),
        name: summary.name.clone(),
        municipality_name: summary.municipality_name.clone(),
        region_name: summary.region_name.clone(),
        score: hundredths(ranked.total),
        parts,
        beds: Beds {
            available: beds.known.then_some(beds.available),
            stale: beds.stale,
            reported_at: beds.known.then(|| at_text(beds.reported_at)),
        },
        marks,
        beyond_criteria: summary.beyond_criteria.clone(),
        contact: summary.contacts.first().cloned(),
    }
}

fn eligible_on(from: Option<NaiveDate>, days: u16) -> String {
    from.map(|d| (d + Duration::days(days.into())).to_string()).unwrap_or_default()
}

fn excluded(request: &MatchRequest, dir: &MatchDirectory, h: usize, failed: Exclusions) -> Excluded {
    let summary = dir.hospital(h);
    let p = &dir.profiles[h];
    let mut reasons = Vec::new();
    let simple = [
        (Exclusions::NOT_RECEIVING, ExclusionReason::NotReceiving),
        (Exclusions::INACTIVE, ExclusionReason::Inactive),
        (Exclusions::REFERRING_HOSPITAL, ExclusionReason::ReferringHospital),
    ];
    reasons.extend(simple.into_iter().filter(|(bit, _)| failed.has(*bit)).map(|(_, reason)| reason));
    if failed.has(Exclusions::OXYGEN) {
        let flow = |tenths: u16| f64::from(tenths) / 10.0;
        reasons.push(ExclusionReason::Oxygen {
            needed: flow(request.oxygen),
            max: (p.oxygen_max > 0).then(|| flow(p.oxygen_max)),
        });
    }
    reasons.extend(failed.care().map(|need| ExclusionReason::Care { need }));
    if failed.has(Exclusions::AGE) {
        let r = &summary.requirements;
        reasons.push(ExclusionReason::Age { age: request.age, min: r.age_min, max: r.age_max });
    }
    if failed.has(Exclusions::DAYS_SINCE_ONSET) {
        reasons.push(ExclusionReason::DaysSinceOnset {
            required: p.min_days_since_onset,
            actual: request.days_since_onset.unwrap_or_default() as i32,
            eligible_on: eligible_on(request.onset, p.min_days_since_onset),
        });
    }
    if failed.has(Exclusions::DAYS_SINCE_CRITERIA_MET) {
        reasons.push(ExclusionReason::DaysSinceCriteriaMet {
            required: p.min_days_since_criteria_met,
            actual: request.days_since_criteria_met.unwrap_or_default() as i32,
            eligible_on: eligible_on(request.criteria_met, p.min_days_since_criteria_met),
        });
    }
    if failed.has(Exclusions::NO_FREE_BEDS) {
        reasons.push(ExclusionReason::NoFreeBeds { reported_at: at_text(dir.beds(h, request.bed_type).reported_at) });
    }
    if failed.has(Exclusions::DECLINED)
        && let Some(Answered::Declined { reason, at, .. }) = request.answer_of(h)
    {
        let rule = dir.decline_reasons.get(reason);
        reasons.push(ExclusionReason::Declined {
            reason_id: rule.map(|r| r.id.clone()).unwrap_or_default(),
            reason_name: rule.map(|r| r.name.clone()).unwrap_or_default(),
            at: at_text(at),
        });
    }
    debug_assert_eq!(check(request, dir, h), failed);
    Excluded { hospital_id: summary.id.clone(), code: summary.code.clone(), name: summary.name.clone(), reasons }
}
