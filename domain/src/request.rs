//! Transfer requests (転院調整依頼): what a nurse enters and the rules it must meet. How the queue
//! and the detail page see a request is `request_view`.

use crate::error::Detail;
use serde::{Deserialize, Serialize};

use chrono::NaiveDate;

use crate::care::{CareNeeds, CareNeedsInput};
use crate::codes::is_valid_local_government_code;
use crate::error::{Problem, Problems, Result};
use crate::text::{char_len, fold_width, strip_controls};
use crate::wareki::{Era, Toward, parse_date_near};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PatientSex {
    Male,
    Female,
    Other,
    #[default]
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

    /// 「男性」「女性」「その他」「不明」: printed sheets and the command line.
    pub fn label_ja(self) -> &'static str {
        match self {
            PatientSex::Male => "男性",
            PatientSex::Female => "女性",
            PatientSex::Other => "その他",
            PatientSex::Unknown => "不明",
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

/// A new request as typed into the intake form. Numbers, codes and dates arrive as text so that the
/// core, not the form, decides what full-width, spaced or 和暦 input means.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct NewRequestInput {
    pub referring_hospital_id: String,
    /// The referring hospital's ward, contact person and phone for this patient.
    pub referrer_ward: String,
    pub referrer_person: String,
    pub referrer_phone: String,
    /// The referring hospital's own patient number (for its reference; also catches duplicates).
    pub hospital_patient_no: String,
    pub patient_initials: String,
    pub patient_age: String,
    pub patient_sex: Option<PatientSex>,
    /// Empty when unknown.
    pub residence_municipality_code: String,
    /// The era for dates typed without one (「4/8/1」): "R", "H", … or empty.
    pub date_era: String,
    /// COVID-19 dates: onset, positive test, and the day the national discharge criteria were met.
    /// Empty is not stated; 「なし」 answers that there is none (no symptoms, no positive test).
    pub onset_date: String,
    pub positive_test_date: String,
    pub criteria_met_date: String,
    pub care: CareNeedsInput,
    /// A bed type id from the region pack; empty when not yet known.
    pub bed_type_id: String,
    /// The family's preferred areas: medical region ids of the plan in force.
    pub preferred_regions: Vec<String>,
    pub family_notes: String,
    pub desired_date: String,
    pub urgency: Urgency,
    pub clinical_summary: String,
    /// Who gave consent to share the patient's information with candidate hospitals, as the
    /// referring hospital said (「本人」「長男」…); empty when not (yet) given. Without it nothing about
    /// the patient is sent or printed for a candidate.
    pub consent_given_by: String,
}

/// A value the core changed while reading it (full-width digits, 和暦, spacing), shown to the nurse
/// beside the original so nothing is changed silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Normalized {
    pub field: String,
    pub original: String,
    pub value: String,
}

/// A new request after normalisation and the checks that need no database.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckedRequest {
    pub referring_hospital_id: String,
    pub referrer_ward: String,
    pub referrer_person: String,
    pub referrer_phone: String,
    pub hospital_patient_no: String,
    pub patient_initials: String,
    pub patient_age: u8,
    pub patient_sex: PatientSex,
    pub residence_municipality_code: Option<String>,
    pub onset_date: Option<NaiveDate>,
    pub positive_test_date: Option<NaiveDate>,
    pub criteria_met_date: Option<NaiveDate>,
    /// The COVID-19 dates answered "none" (a date neither given nor here is not stated).
    pub covid_dates_none: Vec<String>,
    pub care: CareNeeds,
    pub bed_type_id: Option<String>,
    pub preferred_regions: Vec<String>,
    pub family_notes: String,
    pub desired_date: Option<NaiveDate>,
    pub urgency: Urgency,
    pub clinical_summary: String,
    pub normalized: Vec<Normalized>,
    /// Who gave consent to share (see [`NewRequestInput::consent_given_by`]); kept apart from the
    /// intake's columns: recording it never reads as an edit of the referral.
    pub consent_given_by: Option<String>,
}

/// The COVID-19 date fields, which take 「なし」 as an answer.
pub const COVID_DATE_FIELDS: [&str; 3] = ["onset_date", "positive_test_date", "criteria_met_date"];

pub const INITIALS_MAX: usize = 10;
pub const SHORT_TEXT_MAX: usize = 100;
pub const NOTES_MAX: usize = 1000;
pub use crate::care::AGE_MAX;
pub const SUMMARY_MAX: usize = 4000;

impl NewRequestInput {
    /// Checked as a file's row is (every date with its year).
    pub fn checked(&self) -> Result<CheckedRequest> {
        self.checked_on(None)
    }

    /// Checked as typed at the desk on `today`: a date without a year is read the way the desk
    /// writes it — onset, positive test and criteria met toward the past, the desired date toward
    /// the future — and said back (「11/12 → 2026-11-12」).
    pub fn checked_on(&self, today: Option<chrono::NaiveDate>) -> Result<CheckedRequest> {
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
        let mut normalized = Vec::new();
        let mut text = |field: &str, raw: &str, max: usize, problems: &mut Problems| {
            let value = strip_controls(&fold_width(raw));
            if char_len(&value) > max {
                problems.add(field, Problem::TooLong { max: max as u32 });
            }
            noted(&mut normalized, field, raw, &value);
            value
        };
        let referrer_ward = text("referrer_ward", &self.referrer_ward, SHORT_TEXT_MAX, &mut problems);
        let referrer_person = text("referrer_person", &self.referrer_person, SHORT_TEXT_MAX, &mut problems);
        let referrer_phone = text("referrer_phone", &self.referrer_phone, SHORT_TEXT_MAX, &mut problems);
        let hospital_patient_no = text("hospital_patient_no", &self.hospital_patient_no, SHORT_TEXT_MAX, &mut problems);
        let consent = text("consent_given_by", &self.consent_given_by, SHORT_TEXT_MAX, &mut problems);
        let family_notes = strip_controls(self.family_notes.trim());
        if char_len(&family_notes) > NOTES_MAX {
            problems.add("family_notes", Problem::TooLong { max: NOTES_MAX as u32 });
        }
        noted(&mut normalized, "patient_initials", &self.patient_initials, &initials);
        noted(&mut normalized, "patient_age", &self.patient_age, &age.map(|a| a.to_string()).unwrap_or_default());
        noted(&mut normalized, "residence_municipality_code", &self.residence_municipality_code, &residence);
        let era = fold_width(&self.date_era);
        let era = if era.is_empty() {
            None
        } else {
            let found = Era::find(&era);
            if found.is_none() {
                problems.add("date_era", Problem::Invalid);
            }
            found
        };
        let mut date = |field: &str, raw: &str, problems: &mut Problems| {
            let toward = if field == "desired_date" { Toward::Future } else { Toward::Past };
            match parse_date_near(raw, era, today.map(|day| (day, toward))) {
                Ok(date) => {
                    noted(&mut normalized, field, raw, &date.to_string());
                    Some(date)
                }
                Err(_) if fold_width(raw).is_empty() => None,
                Err(error) => {
                    let detail = Detail::DateUnreadable { text: raw.to_owned(), reason: error.to_string() };
                    problems.add_detail(field, Problem::Invalid, detail);
                    None
                }
            }
        };
        let mut covid_dates_none = Vec::new();
        let mut covid_date = |field: &str, raw: &str, problems: &mut Problems| {
            if crate::care::means_none(fold_width(raw).trim()) {
                covid_dates_none.push(field.to_owned());
                None
            } else {
                date(field, raw, problems)
            }
        };
        let onset_date = covid_date("onset_date", &self.onset_date, &mut problems);
        let positive_test_date = covid_date("positive_test_date", &self.positive_test_date, &mut problems);
        let criteria_met_date = covid_date("criteria_met_date", &self.criteria_met_date, &mut problems);
        let desired_date = date("desired_date", &self.desired_date, &mut problems);
        let care = self.care.checked(&mut problems);
        noted(
            &mut normalized,
            "care.oxygen_l_per_min",
            &self.care.oxygen_l_per_min,
            &care.oxygen_l_per_min.map(|f| if f > 0.0 { f.to_string() } else { "なし".to_owned() }).unwrap_or_default(),
        );
        let bed_type_id = self.bed_type_id.trim();
        let mut preferred_regions: Vec<String> = Vec::new();
        for region in &self.preferred_regions {
            let region = region.trim().to_owned();
            if !region.is_empty() && !preferred_regions.contains(&region) {
                preferred_regions.push(region);
            }
        }
        problems.into_result()?;
        Ok(CheckedRequest {
            referring_hospital_id,
            referrer_ward,
            referrer_person,
            referrer_phone,
            hospital_patient_no,
            patient_initials: initials,
            patient_age: age.unwrap_or_default(),
            patient_sex: self.patient_sex.unwrap_or(PatientSex::Unknown),
            residence_municipality_code: (!residence.is_empty()).then_some(residence),
            onset_date,
            positive_test_date,
            criteria_met_date,
            covid_dates_none,
            care,
            bed_type_id: (!bed_type_id.is_empty()).then(|| bed_type_id.to_owned()),
            preferred_regions,
            family_notes,
            desired_date,
            urgency: self.urgency,
            clinical_summary,
            normalized,
            consent_given_by: (!consent.is_empty()).then_some(consent),
        })
    }
}

/// Records a change the core made to a typed value, if the nurse would see a difference.
fn noted(normalized: &mut Vec<Normalized>, field: &str, original: &str, value: &str) {
    let original = original.trim();
    if !original.is_empty() && original != value {
        normalized.push(Normalized { field: field.to_owned(), original: original.to_owned(), value: value.to_owned() });
    }
}

/// Where a request was placed: the hospital that last said yes (its accepted inquiry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Placement {
    pub inquiry_id: String,
    pub hospital_id: String,
    pub hospital_name: String,
    /// When it said yes (RFC 3339, UTC).
    pub accepted_at: String,
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
            ..Default::default()
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
            ..Default::default()
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
    fn era_dates_are_read_and_every_change_is_recorded() {
        let checked = NewRequestInput {
            onset_date: "R8.11.1".into(),
            criteria_met_date: "令和８年１１月１１日".into(),
            positive_test_date: "11/2".into(),
            ..input()
        }
        .checked();
        let problems = match checked {
            Err(Error::Validation(problems)) => problems,
            other => panic!("a date with no year must be refused, got {other:?}"),
        };
        assert_eq!(problems[0].field, "positive_test_date");
        assert!(problems[0].message.contains("11/2"), "the message names what was typed: {}", problems[0].message);

        let checked = NewRequestInput {
            onset_date: "R8.11.1".into(),
            criteria_met_date: "8/11/11".into(),
            date_era: "R".into(),
            ..input()
        }
        .checked()
        .expect("valid");
        assert_eq!(checked.onset_date.map(|d| d.to_string()).as_deref(), Some("2026-11-01"));
        assert_eq!(
            checked.criteria_met_date.map(|d| d.to_string()).as_deref(),
            Some("2026-11-11"),
            "era chosen beside"
        );
        let fields: Vec<_> =
            checked.normalized.iter().map(|n| (n.field.as_str(), n.original.as_str(), n.value.as_str())).collect();
        assert!(fields.contains(&("patient_age", "８５歳", "85")), "{fields:?}");
        assert!(fields.contains(&("onset_date", "R8.11.1", "2026-11-01")), "{fields:?}");
        assert!(!fields.iter().any(|(f, _, _)| *f == "urgency"), "unchanged values are not listed");
    }

    #[test]
    fn age_that_is_not_a_number_is_invalid_with_a_japanese_message() {
        let problems = problems(&NewRequestInput { patient_age: "八十".into(), ..input() });
        assert_eq!(problems[0].problem, Problem::Invalid);
        assert_eq!(problems[0].message, "形式が正しくありません");
    }
}
