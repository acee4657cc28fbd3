//! Duplicate detection at intake: the same patient referred twice.
//!
//! A new request is a possible duplicate of an existing one when they come from the same referring
//! hospital with the same patient number, or when initials and sex agree, ages differ by at most a
//! year, and the COVID dates (where both have them) agree. Only requests still open, or closed
//! within [`RECENT_DAYS`], are compared: an old transfer of the same initials is not a duplicate.

use chrono::NaiveDate;
use serde::Serialize;

use crate::request::{CheckedRequest, PatientSex, RequestSummary};

pub const RECENT_DAYS: i64 = 30;

/// What an existing request is compared on.
#[derive(Debug, Clone)]
pub struct ExistingFacts {
    pub referring_hospital_id: String,
    pub hospital_patient_no: String,
    pub patient_initials: String,
    pub patient_age: u8,
    pub patient_sex: PatientSex,
    pub onset_date: Option<NaiveDate>,
    pub criteria_met_date: Option<NaiveDate>,
}

/// An existing request that may be the same patient, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DuplicateCandidate {
    pub request: RequestSummary,
    pub reasons: Vec<String>,
}

/// Why `new` may be the patient of `existing`; empty when it is not.
pub fn reasons(new: &CheckedRequest, existing: &ExistingFacts) -> Vec<String> {
    let mut reasons = Vec::new();
    if new.referring_hospital_id == existing.referring_hospital_id
        && !new.hospital_patient_no.is_empty()
        && new.hospital_patient_no == existing.hospital_patient_no
    {
        reasons.push(format!("同じ依頼元・同じ患者番号（{}）", new.hospital_patient_no));
    }
    let dates_agree = |a: Option<NaiveDate>, b: Option<NaiveDate>| match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    };
    let close = new.patient_initials == existing.patient_initials
        && new.patient_sex == existing.patient_sex
        && new.patient_age.abs_diff(existing.patient_age) <= 1
        && dates_agree(new.onset_date, existing.onset_date)
        && dates_agree(new.criteria_met_date, existing.criteria_met_date);
    if close {
        reasons.push(format!(
            "イニシャル・性別・年齢が一致（{} {}歳）{}",
            existing.patient_initials,
            existing.patient_age,
            if new.onset_date.is_some() && new.onset_date == existing.onset_date {
                "、発症日も一致"
            } else {
                ""
            }
        ));
    }
    reasons
}
