//! Duplicate detection at intake: the same patient referred twice.
//!
//! A new request is a possible duplicate of an existing one when they come from the same referring
//! hospital with the same patient number, or when initials and sex agree, ages differ by at most a
//! year, and the COVID dates (where both have them) agree. Only requests still open, or closed
//! within [`RECENT_DAYS`], are compared: an old transfer of the same initials is not a duplicate.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::request::{CheckedRequest, PatientSex};
use crate::request_view::RequestSummary;

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

impl ExistingFacts {
    /// The facts a new request will be compared on once it is registered.
    pub fn of(request: &CheckedRequest) -> ExistingFacts {
        ExistingFacts {
            referring_hospital_id: request.referring_hospital_id.clone(),
            hospital_patient_no: request.hospital_patient_no.clone(),
            patient_initials: request.patient_initials.clone(),
            patient_age: request.patient_age,
            patient_sex: request.patient_sex,
            onset_date: request.onset_date,
            criteria_met_date: request.criteria_met_date,
        }
    }
}

/// Existing requests indexed for comparing many new ones (an import of thousands of rows): only
/// requests that share the referrer and patient number, or the initials and sex, can be duplicates
/// ([`reasons`]), so only those are compared — one pass over the import, not one per row.
#[derive(Debug, Default)]
pub struct DuplicateIndex {
    facts: Vec<(String, ExistingFacts)>,
    by_patient_no: HashMap<(String, String), Vec<usize>>,
    /// By initials, sex and age: a duplicate is within a year of age, so three keys are looked at.
    by_person: HashMap<(String, PatientSex, u8), Vec<usize>>,
}

impl DuplicateIndex {
    pub fn new(existing: Vec<(String, ExistingFacts)>) -> DuplicateIndex {
        let mut index = DuplicateIndex::default();
        for (id, facts) in existing {
            index.add(id, facts);
        }
        index
    }

    pub fn add(&mut self, id: String, facts: ExistingFacts) {
        let at = self.facts.len();
        if !facts.hospital_patient_no.is_empty() {
            let key = (facts.referring_hospital_id.clone(), facts.hospital_patient_no.clone());
            self.by_patient_no.entry(key).or_default().push(at);
        }
        let key = (facts.patient_initials.clone(), facts.patient_sex, facts.patient_age);
        self.by_person.entry(key).or_default().push(at);
        self.facts.push((id, facts));
    }

    /// The requests `new` may be a duplicate of, in the order they were added.
    pub fn matching(&self, new: &CheckedRequest) -> Vec<&str> {
        let mut at: Vec<usize> = Vec::new();
        let by_no = self.by_patient_no.get(&(new.referring_hospital_id.clone(), new.hospital_patient_no.clone()));
        let ages = [new.patient_age.checked_sub(1), Some(new.patient_age), new.patient_age.checked_add(1)];
        let by_person = ages
            .into_iter()
            .flatten()
            .filter_map(|age| self.by_person.get(&(new.patient_initials.clone(), new.patient_sex, age)));
        for i in by_no.into_iter().chain(by_person).flatten() {
            if !at.contains(i) && !reasons(new, &self.facts[*i].1).is_empty() {
                at.push(*i);
            }
        }
        at.sort_unstable();
        at.into_iter().map(|i| self.facts[i].0.as_str()).collect()
    }
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
