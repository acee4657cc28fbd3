//! Fixed fixtures for the engine: hospitals and requests built in code, a fixed "now", so the
//! engine's answers can be compared with snapshots and checked by properties.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use tenin_core::capacity::CapacityReport;
use tenin_core::care::{Adl, CareNeeds};
use tenin_core::hospital::HospitalSummary;
use tenin_core::ids::to_rfc3339;
use tenin_core::inquiry::{Inquiry, InquiryChannel, InquiryOutcome};
use tenin_core::matching::{AnswerHistory, AnswerRecord, DirectoryInput, MatchDirectory, MatchWeights};
use tenin_core::quality::QualityReport;
use tenin_core::reference::Term;
use tenin_core::region_pack::DeclineLapse;
use tenin_core::request_view::{RequestDetail, RequestSummary};
use tenin_core::requirements::AcceptanceRequirements;
use tenin_store::reference::DeclineReasonRule;

pub const BED_TYPES: [&str; 3] = ["general", "community_care", "recovery_rehab"];
pub const REGIONS: [&str; 3] = ["north", "centre", "south"];
pub const STALE_AFTER_HOURS: u32 = 24;

pub fn now() -> DateTime<Utc> {
    "2026-11-21T03:00:00Z".parse().expect("fixed time")
}

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 21).expect("date")
}

/// A receiving hospital in `municipality` (which lies in `region`), taking any ADL and nothing
/// special, with no capacity reported.
pub fn hospital(code: &str, municipality: &str, region: &str) -> HospitalSummary {
    HospitalSummary {
        id: format!("h-{code}"),
        code: code.to_owned(),
        name: format!("病院{code}"),
        municipality_code: municipality.to_owned(),
        municipality_name: format!("市{municipality}"),
        jurisdiction_id: format!("j-{region}"),
        region_id: Some(region.to_owned()),
        region_name: Some(region.to_owned()),
        is_receiving: true,
        active: true,
        requirements: AcceptanceRequirements::default(),
        ..Default::default()
    }
}

/// A current report of `bed_type`, `hours_ago` old.
pub fn beds(bed_type: &str, available: u32, hours_ago: i64) -> CapacityReport {
    CapacityReport {
        bed_type: bed_type.to_owned(),
        bed_type_name: bed_type.to_owned(),
        available,
        reported_at: to_rfc3339(now() - Duration::hours(hours_ago)),
        stale: hours_ago >= i64::from(STALE_AFTER_HOURS),
        ..Default::default()
    }
}

pub fn request(id: &str, referrer: &str, bed_type: &str, care: CareNeeds) -> RequestDetail {
    RequestDetail {
        summary: RequestSummary {
            id: id.to_owned(),
            ref_no: format!("ref-{id}"),
            referring_hospital_id: referrer.to_owned(),
            patient_initials: "T.K.".into(),
            patient_age: 80,
            residence_municipality_code: Some("m-1".into()),
            ..Default::default()
        },
        bed_type_id: Some(bed_type.to_owned()),
        care: CareNeeds { adl: if care.adl == Adl::Unknown { Adl::PartialAssist } else { care.adl }, ..care },
        quality: QualityReport { score: 100, can_match: true, items: Vec::new() },
        ..Default::default()
    }
}

pub fn inquiry(hospital_id: &str, outcome: InquiryOutcome, reason: Option<&str>, hours_ago: i64) -> Inquiry {
    let at = to_rfc3339(now() - Duration::hours(hours_ago));
    Inquiry {
        id: format!("i-{hospital_id}-{hours_ago}"),
        hospital_id: hospital_id.to_owned(),
        hospital_name: String::new(),
        contact: String::new(),
        channel: InquiryChannel::Phone,
        asked_at: at.clone(),
        asked_by_name: String::new(),
        outcome,
        decline_reason: reason.map(str::to_owned),
        decline_reason_name: None,
        own_rule: false,
        note: String::new(),
        call_back_at: None,
        answered_at: (outcome != InquiryOutcome::Waiting).then_some(at),
        version: 1,
    }
}

pub fn decline_reasons() -> Vec<DeclineReasonRule> {
    let rule = |id: &str, name: &str, lapses| DeclineReasonRule {
        id: id.into(),
        name: name.into(),
        own_rule: id == "own_rule",
        lapses,
    };
    vec![
        rule("full", "満床", DeclineLapse::OnFreeBeds),
        rule("care_not_possible", "医療的ケア対応不可", DeclineLapse::Never),
        rule("own_rule", "独自ルール", DeclineLapse::Never),
        rule("no_answer", "回答なし", DeclineLapse::AtOnce),
    ]
}

pub fn directory(hospitals: Vec<HospitalSummary>, history: Vec<AnswerRecord>, weights: MatchWeights) -> MatchDirectory {
    directory_with(hospitals, history.into(), weights)
}

/// A directory over `hospitals` with the answer history given as records or summed.
pub fn directory_with(
    hospitals: Vec<HospitalSummary>,
    history: AnswerHistory,
    weights: MatchWeights,
) -> MatchDirectory {
    let terms = |ids: &[&str]| ids.iter().map(|id| Term { id: (*id).into(), name: format!("名{id}") }).collect();
    let municipality_regions: HashMap<String, String> = [("m-1", "north"), ("m-2", "centre"), ("m-3", "south")]
        .iter()
        .map(|(m, r)| ((*m).into(), (*r).into()))
        .collect();
    MatchDirectory::new(
        DirectoryInput {
            hospitals,
            bed_types: terms(&BED_TYPES),
            regions: terms(&REGIONS),
            municipality_regions,
            decline_reasons: decline_reasons(),
            history,
            weights,
            now: now(),
            today: today(),
        },
        STALE_AFTER_HOURS,
    )
}
