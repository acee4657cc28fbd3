//! A request as the engine reads it: its needs as a bit set, its conditions as numbers, its places
//! as the directory's ids, and what each hospital already answered about it. A request that lacks
//! what matching needs is not compiled: the nurse gets a "cannot match until …" list instead of an
//! empty result that would look like "no hospital can take this patient".

use chrono::NaiveDate;
use serde::Serialize;

use super::care_set::CareSet;
use super::directory::{MatchDirectory, NOWHERE, Profile, tenths};
use crate::care::CareItem;
use crate::inquiry::InquiryOutcome;
use crate::region_pack::DeclineLapse;
use crate::request_status::RequestStatus;
use crate::request_view::{CheckCode, RequestDetail};
use crate::timestamps::parse_rfc3339;

/// Something the request lacks before it can be matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MatchBlocker {
    /// The intake field to fill in (as named in the intake input), or `status`.
    pub field: String,
    /// What it lacks, as a code the UI words in its language.
    pub check: CheckCode,
    /// The same in Japanese.
    pub message: String,
}

/// What a hospital last answered about this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answered {
    Waiting,
    Accepted,
    /// Declined; `holds` says whether the reason still rules the hospital out.
    Declined {
        reason: usize,
        at: i64,
        holds: bool,
    },
}

#[derive(Debug, Clone)]
pub struct MatchRequest {
    pub request_id: String,
    pub ref_no: String,
    pub patient_initials: String,
    pub(crate) needs: CareSet,
    /// Tenths of L/min; 0 when no oxygen is needed.
    pub(crate) oxygen: u16,
    pub(crate) age: u8,
    pub(crate) onset: Option<NaiveDate>,
    pub(crate) criteria_met: Option<NaiveDate>,
    /// The dates answered "none" (no symptoms: no onset): a condition on them does not apply.
    pub(crate) onset_none: bool,
    pub(crate) criteria_met_none: bool,
    /// The care items never answered (ADL apart: it blocks matching instead). Matching neither
    /// excludes on them nor passes them silently: a candidate that might not cover the answer is
    /// marked for confirming (`confirm.rs`).
    pub(crate) unstated: Vec<CareItem>,
    pub(crate) days_since_onset: Option<i64>,
    pub(crate) days_since_criteria_met: Option<i64>,
    pub(crate) bed_type: usize,
    pub(crate) referrer: Option<usize>,
    /// Where the patient travels from: the referring hospital's place.
    pub(crate) origin: Option<Profile>,
    pub(crate) preferred: Vec<u32>,
    /// For each place id, whether it is one of the family's areas (or, when they named none, the
    /// patient's home region): one read per hospital when ranking.
    pub(crate) family_area: Vec<bool>,
    /// The last answer of each hospital asked, sorted by hospital.
    pub(crate) answered: Vec<(usize, Answered)>,
}

/// The states in which a request waits for a receiving hospital.
pub fn awaits_placement(status: RequestStatus) -> bool {
    matches!(status, RequestStatus::New | RequestStatus::Checking | RequestStatus::Coordinating)
}

impl MatchRequest {
    /// Compiles `detail` (with its data-quality checklist filled in) against `dir`.
    pub fn compile(detail: &RequestDetail, dir: &MatchDirectory) -> Result<MatchRequest, Vec<MatchBlocker>> {
        let mut blockers: Vec<MatchBlocker> = detail
            .quality
            .items
            .iter()
            .filter(|item| item.blocks_matching)
            .map(|item| MatchBlocker {
                field: item.field.clone(),
                check: item.check.clone(),
                message: item.message.clone(),
            })
            .collect();
        if !awaits_placement(detail.summary.status) {
            blockers.push(MatchBlocker {
                field: "status".into(),
                check: CheckCode::NotOpen { status: detail.summary.status },
                message: format!(
                    "この依頼は「{}」です。候補は新規受付・内容確認中・調整中の依頼に出します",
                    detail.summary.status.label_ja()
                ),
            });
        }
        let bed_type = detail.bed_type_id.as_deref().and_then(|b| dir.bed_type_index(b));
        if detail.bed_type_id.is_some() && bed_type.is_none() {
            blockers.push(MatchBlocker {
                field: "bed_type_id".into(),
                check: CheckCode::BedTypeUnknown,
                message: "病床種別が地域パックにありません".into(),
            });
        }
        let Some(bed_type) = bed_type.filter(|_| blockers.is_empty()) else {
            return Err(blockers);
        };
        let date = |d: &Option<String>| d.as_deref().and_then(|d| d.parse::<NaiveDate>().ok());
        let (onset, criteria_met) = (date(&detail.onset_date), date(&detail.criteria_met_date));
        let home_region = detail
            .summary
            .residence_municipality_code
            .as_ref()
            .and_then(|code| dir.municipality_regions.get(code))
            .map_or(NOWHERE, |region| dir.region_place(region));
        let mut answered: Vec<(usize, Answered)> = Vec::new();
        let mut asked: Vec<_> = detail.inquiries.iter().collect();
        asked.sort_by(|a, b| a.asked_at.cmp(&b.asked_at));
        for inquiry in asked {
            let Some(&hospital) = dir.by_id.get(&inquiry.hospital_id) else { continue };
            let answer = match inquiry.outcome {
                InquiryOutcome::Waiting => Answered::Waiting,
                InquiryOutcome::Accepted => Answered::Accepted,
                InquiryOutcome::Declined => {
                    let at = inquiry.answered_at.as_deref().unwrap_or(&inquiry.asked_at);
                    let at = parse_rfc3339(at).map(|t| t.timestamp_millis()).unwrap_or(0);
                    let reason = dir
                        .decline_reasons
                        .iter()
                        .position(|r| Some(&r.id) == inquiry.decline_reason.as_ref())
                        .unwrap_or(usize::MAX);
                    let lapses = dir.decline_reasons.get(reason).map_or(DeclineLapse::Never, |r| r.lapses);
                    let beds = dir.beds(hospital, bed_type);
                    let holds = match lapses {
                        DeclineLapse::Never => true,
                        DeclineLapse::AtOnce => false,
                        DeclineLapse::OnFreeBeds => !(beds.known && beds.available > 0 && beds.reported_at >= at),
                    };
                    Answered::Declined { reason, at, holds }
                }
            };
            match answered.iter_mut().find(|(h, _)| *h == hospital) {
                Some(slot) => slot.1 = answer,
                None => answered.push((hospital, answer)),
            }
        }
        answered.sort_by_key(|(h, _)| *h);
        let preferred: Vec<u32> = detail.preferred_regions.iter().map(|r| dir.region_place(&r.id)).collect();
        Ok(MatchRequest {
            request_id: detail.summary.id.clone(),
            ref_no: detail.summary.ref_no.clone(),
            patient_initials: detail.summary.patient_initials.clone(),
            needs: CareSet::needed(&detail.care),
            oxygen: detail.care.oxygen_flow().map_or(0, tenths),
            age: detail.summary.patient_age,
            onset,
            criteria_met,
            onset_none: detail.covid_dates_none.iter().any(|f| f == "onset_date"),
            criteria_met_none: detail.covid_dates_none.iter().any(|f| f == "criteria_met_date"),
            unstated: detail.care.not_stated().into_iter().filter(|item| *item != CareItem::Adl).collect(),
            days_since_onset: onset.map(|d| (dir.today - d).num_days()),
            days_since_criteria_met: criteria_met.map(|d| (dir.today - d).num_days()),
            bed_type,
            referrer: dir.by_id.get(&detail.summary.referring_hospital_id).copied(),
            origin: dir.by_id.get(&detail.summary.referring_hospital_id).map(|r| dir.profiles[*r]),
            family_area: family_area(&preferred, home_region, dir.places.len()),
            preferred,
            answered,
        })
    }

    pub(crate) fn answer_of(&self, hospital: usize) -> Option<Answered> {
        self.answered.binary_search_by_key(&hospital, |(h, _)| *h).ok().map(|i| self.answered[i].1)
    }

    /// The bed type's id in the directory's list.
    pub fn bed_type_index(&self) -> usize {
        self.bed_type
    }

    pub fn needs(&self) -> CareSet {
        self.needs
    }
}

/// Which places count as the family's areas: those they named, else the patient's home region.
fn family_area(preferred: &[u32], home_region: u32, places: usize) -> Vec<bool> {
    let mut area = vec![false; places];
    let wanted = if preferred.is_empty() { std::slice::from_ref(&home_region) } else { preferred };
    for place in wanted {
        if let Some(slot) = area.get_mut(*place as usize) {
            *slot = true;
        }
    }
    area
}
