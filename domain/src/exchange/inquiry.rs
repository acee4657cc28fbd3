//! What goes to a candidate hospital about a patient: the record of an `inquiry` package and the
//! content of the patient-information sheet (FAX). One shape for both, so the hospital reads the
//! same thing whichever way it arrives. Pseudonymous: initials, age and sex, never a name.

use serde::{Deserialize, Serialize};

use crate::care::CareNeeds;
use crate::reference::Term;
use crate::request::{PatientSex, Urgency};

/// How the desk is reached, printed on every sheet and sent in every inquiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct DeskContact {
    pub name: String,
    pub phone: String,
    pub fax: String,
}

impl DeskContact {
    /// Trimmed, each within 100 characters; the name is required.
    pub fn checked(&self) -> crate::error::Result<DeskContact> {
        let mut problems = crate::error::Problems::default();
        let mut field = |name: &str, value: &str, required: bool| {
            let value = crate::text::strip_controls(&crate::text::fold_width(value));
            if required && value.is_empty() {
                problems.add(name, crate::error::Problem::Required);
            }
            if crate::text::char_len(&value) > crate::request::SHORT_TEXT_MAX {
                problems.add(name, crate::error::Problem::TooLong { max: crate::request::SHORT_TEXT_MAX as u32 });
            }
            value
        };
        let contact = DeskContact {
            name: field("name", &self.name, true),
            phone: field("phone", &self.phone, false),
            fax: field("fax", &self.fax, false),
        };
        problems.into_result()?;
        Ok(contact)
    }
}

/// A hospital by code and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HospitalName {
    pub code: String,
    pub name: String,
}

/// The COVID-19 dates (ISO), and which of them were answered "none".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct CovidDates {
    pub onset_date: Option<String>,
    pub positive_test_date: Option<String>,
    pub criteria_met_date: Option<String>,
    /// Fields answered 「なし」; a date neither given nor listed here was never stated.
    pub none: Vec<String>,
}

/// One inquiry to one candidate hospital: everything it needs to decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InquiryRecord {
    /// Answer by an `answers` package naming this id (empty on a sheet printed without an inquiry).
    pub inquiry_id: String,
    /// The desk's reference number, to say on the phone.
    pub ref_no: String,
    /// RFC 3339.
    pub sent_at: String,
    /// RFC 3339: when the desk needs the answer.
    pub reply_by: Option<String>,
    pub desk: DeskContact,
    /// The hospital the patient is in now.
    pub referring_hospital: HospitalName,
    pub patient_initials: String,
    pub patient_age: u8,
    pub patient_sex: PatientSex,
    /// The municipality the patient lives in.
    pub residence: Option<String>,
    pub covid: CovidDates,
    /// Three-valued: an item `null` was never stated (the sheet prints 未確認).
    pub care: CareNeeds,
    pub bed_type: Option<Term>,
    pub desired_date: Option<String>,
    pub urgency: Urgency,
    pub clinical_summary: String,
    /// The family's wishes, and the regions they prefer.
    pub family_notes: String,
    pub preferred_regions: Vec<String>,
    /// Who agreed to the information being shared (as the referring hospital said).
    pub consent_given_by: String,
    /// The desk's time zone, so the sheet shows times as the desk does wherever it is opened.
    #[serde(default)]
    pub utc_offset_minutes: i32,
}

impl InquiryRecord {
    /// The desk's time zone (UTC when the record does not say).
    pub fn offset(&self) -> chrono::FixedOffset {
        chrono::FixedOffset::east_opt(self.utc_offset_minutes * 60)
            .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("UTC"))
    }
}
