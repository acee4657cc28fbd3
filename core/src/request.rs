//! Transfer requests (転院調整依頼): what a nurse enters, the rules it must meet, and how the queue
//! and the detail page see it.

use serde::{Deserialize, Serialize};

use crate::codes::is_valid_local_government_code;
use crate::error::{Problem, Problems, Result};
use crate::inquiry::Inquiry;
use crate::request_status::RequestStatus;
use crate::text::{char_len, fold_width, strip_controls};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PatientSex {
    Male,
    Female,
    Other,
    Unknown,
}

impl PatientSex {
    pub fn as_str(self) -> &'static str {
        match self {
            PatientSex::Male => "male",
            PatientSex::Female => "female",
            PatientSex::Other => "other",
            PatientSex::Unknown => "unknown",
        }
    }

    pub fn parse(name: &str) -> Option<PatientSex> {
        [PatientSex::Male, PatientSex::Female, PatientSex::Other, PatientSex::Unknown]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    #[default]
    Routine,
    Soon,
    Urgent,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Routine => "routine",
            Urgency::Soon => "soon",
            Urgency::Urgent => "urgent",
        }
    }

    pub fn parse(name: &str) -> Option<Urgency> {
        [Urgency::Routine, Urgency::Soon, Urgency::Urgent].into_iter().find(|u| u.as_str() == name)
    }
}

/// A new request as typed into the intake form. Numbers and codes arrive as text so that the core,
/// not the form, decides what full-width or spaced input means.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewRequestInput {
    pub referring_hospital_id: String,
    pub patient_initials: String,
    pub patient_age: String,
    pub patient_sex: Option<PatientSex>,
    /// Empty when unknown.
    pub residence_municipality_code: String,
    pub urgency: Urgency,
    pub clinical_summary: String,
}

/// A new request after normalisation and the checks that need no database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedRequest {
    pub referring_hospital_id: String,
    pub patient_initials: String,
    pub patient_age: u8,
    pub patient_sex: PatientSex,
    pub residence_municipality_code: Option<String>,
    pub urgency: Urgency,
    pub clinical_summary: String,
}

pub const INITIALS_MAX: usize = 10;
pub const AGE_MAX: i32 = 120;
pub const SUMMARY_MAX: usize = 4000;

impl NewRequestInput {
    pub fn checked(&self) -> Result<CheckedRequest> {
        let mut problems = Problems::default();
        let referring_hospital_id = self.referring_hospital_id.trim().to_owned();
        if referring_hospital_id.is_empty() {
            problems.add("referring_hospital_id", Problem::Required);
        }
        let initials = strip_controls(&fold_width(&self.patient_initials)).to_uppercase();
        if initials.is_empty() {
            problems.add("patient_initials", Problem::Required);
        } else if char_len(&initials) > INITIALS_MAX {
            problems.add("patient_initials", Problem::TooLong { max: INITIALS_MAX as u32 });
        }
        let age_text = fold_width(&self.patient_age);
        let age_text = age_text.trim_end_matches('歳').trim();
        let age = if age_text.is_empty() {
            problems.add("patient_age", Problem::Required);
            None
        } else {
            match age_text.parse::<i32>() {
                Ok(age) if (0..=AGE_MAX).contains(&age) => u8::try_from(age).ok(),
                Ok(_) => {
                    problems.add("patient_age", Problem::OutOfRange { min: 0, max: AGE_MAX });
                    None
                }
                Err(_) => {
                    problems.add("patient_age", Problem::Invalid);
                    None
                }
            }
        };
        if self.patient_sex.is_none() {
            problems.add("patient_sex", Problem::Required);
        }
        let residence = fold_width(&self.residence_municipality_code);
        if !residence.is_empty() && !is_valid_local_government_code(&residence) {
            problems.add("residence_municipality_code", Problem::Invalid);
        }
        let clinical_summary = strip_controls(self.clinical_summary.trim());
        if char_len(&clinical_summary) > SUMMARY_MAX {
            problems.add("clinical_summary", Problem::TooLong { max: SUMMARY_MAX as u32 });
        }
        problems.into_result()?;
        Ok(CheckedRequest {
            referring_hospital_id,
            patient_initials: initials,
            patient_age: age.unwrap_or_default(),
            patient_sex: self.patient_sex.unwrap_or(PatientSex::Unknown),
            residence_municipality_code: (!residence.is_empty()).then_some(residence),
            urgency: self.urgency,
            clinical_summary,
        })
    }
}

/// A request as the queue lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RequestSummary {
    pub id: String,
    /// The desk's short reference number, said on the phone (e.g. 261121-003).
    pub ref_no: String,
    pub status: RequestStatus,
    /// RFC 3339, UTC.
    pub registered_at: String,
    /// When the request entered its current state (RFC 3339, UTC).
    pub status_since: String,
    pub referring_hospital_id: String,
    pub referring_hospital_name: String,
    pub patient_initials: String,
    pub patient_age: u8,
    pub patient_sex: PatientSex,
    pub residence_municipality_code: Option<String>,
    pub residence_name: Option<String>,
    /// The health-centre jurisdiction of the patient's residence.
    pub jurisdiction_name: Option<String>,
    pub urgency: Urgency,
    /// Inquiries still waiting for a hospital's answer.
    pub waiting_answers: u32,
    /// The earliest call-back time among them (RFC 3339, UTC); past it, the request needs attention.
    pub next_call_back_at: Option<String>,
}

/// One row of a request's status history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatusChange {
    pub from: Option<RequestStatus>,
    pub to: RequestStatus,
    pub at: String,
    pub user_name: String,
    pub note: String,
}

/// Everything the detail page shows about one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RequestDetail {
    pub summary: RequestSummary,
    pub referring_hospital_code: String,
    pub clinical_summary: String,
    pub created_by_name: String,
    pub history: Vec<StatusChange>,
    /// The inquiry log (打診記録), oldest first.
    pub inquiries: Vec<Inquiry>,
    /// The states the workflow allows next, so a UI never keeps its own copy of the rules.
    pub next_statuses: Vec<RequestStatus>,
    /// Bumped by every change; a change based on an older version is refused.
    pub version: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, FieldProblem};

    fn input() -> NewRequestInput {
        NewRequestInput {
            referring_hospital_id: "h1".into(),
            patient_initials: "ｔ．ｋ．".into(),
            patient_age: "８５歳".into(),
            patient_sex: Some(PatientSex::Female),
            residence_municipality_code: "１４１００３".into(),
            urgency: Urgency::Soon,
            clinical_summary: "  酸素1L/分\u{7}  ".into(),
        }
    }

    fn problems(input: &NewRequestInput) -> Vec<FieldProblem> {
        match input.checked() {
            Err(Error::Validation(problems)) => problems,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn full_width_input_is_normalised() {
        let checked = input().checked().expect("valid input");
        assert_eq!(checked.patient_initials, "T.K.", "full-width letters folded and upper-cased");
        assert_eq!(checked.patient_age, 85, "full-width digits and 歳 accepted");
        assert_eq!(checked.residence_municipality_code.as_deref(), Some("141003"));
        assert_eq!(checked.clinical_summary, "酸素1L/分", "control characters and outer spaces removed");
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let bad = NewRequestInput {
            referring_hospital_id: " ".into(),
            patient_initials: "".into(),
            patient_age: "130".into(),
            patient_sex: None,
            residence_municipality_code: "141004".into(),
            urgency: Urgency::Routine,
            clinical_summary: "あ".repeat(SUMMARY_MAX + 1),
        };
        let fields: Vec<_> = problems(&bad).into_iter().map(|p| (p.field, p.problem)).collect();
        assert_eq!(
            fields,
            vec![
                ("referring_hospital_id".to_owned(), Problem::Required),
                ("patient_initials".to_owned(), Problem::Required),
                ("patient_age".to_owned(), Problem::OutOfRange { min: 0, max: AGE_MAX }),
                ("patient_sex".to_owned(), Problem::Required),
                ("residence_municipality_code".to_owned(), Problem::Invalid),
                ("clinical_summary".to_owned(), Problem::TooLong { max: SUMMARY_MAX as u32 }),
            ]
        );
    }

    #[test]
    fn age_that_is_not_a_number_is_invalid_with_a_japanese_message() {
        let problems = problems(&NewRequestInput { patient_age: "八十".into(), ..input() });
        assert_eq!(problems[0].problem, Problem::Invalid);
        assert_eq!(problems[0].message, "形式が正しくありません");
    }
}
