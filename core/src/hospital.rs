//! Hospitals: what the directory lists and what a new hospital record must satisfy.

use serde::{Deserialize, Serialize};

use crate::codes::{is_valid_local_government_code, is_valid_medical_institution_code};
use crate::error::{Problem, Problems, Result};
use crate::text::{char_len, fold_width, strip_controls, to_hiragana};

/// A hospital as the directory lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HospitalSummary {
    pub id: String,
    /// The 10-digit medical-institution code (医療機関コード).
    pub code: String,
    pub name: String,
    pub name_kana: String,
    pub short_name: String,
    pub municipality_code: String,
    pub municipality_name: String,
    pub jurisdiction_name: String,
    /// The secondary medical region under the plan in force.
    pub region_name: Option<String>,
    pub address: String,
    pub is_referring: bool,
    pub is_receiving: bool,
    /// 重点医療機関
    pub is_priority: bool,
    /// 協力病院
    pub is_cooperating: bool,
    pub active: bool,
}

/// A hospital to add, as typed or as read from a file. Text is normalised by [`NewHospital::checked`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct NewHospital {
    pub code: String,
    pub name: String,
    pub name_kana: String,
    #[serde(default)]
    pub short_name: String,
    pub municipality_code: String,
    #[serde(default)]
    pub address: String,
    pub is_referring: bool,
    pub is_receiving: bool,
    #[serde(default)]
    pub is_priority: bool,
    #[serde(default)]
    pub is_cooperating: bool,
}

pub const NAME_MAX: usize = 100;
pub const ADDRESS_MAX: usize = 200;

impl NewHospital {
    /// Normalises the text (full-width digits in codes, stray spaces) and checks everything that
    /// needs no database. The store checks the rest (municipality known, code not taken).
    pub fn checked(&self) -> Result<NewHospital> {
        let mut problems = Problems::default();
        let code = fold_width(&self.code).replace(['-', ' '], "");
        if code.is_empty() {
            problems.add("code", Problem::Required);
        } else if !is_valid_medical_institution_code(&code) {
            problems.add("code", Problem::Invalid);
        }
        // Names and addresses are kept as written (NFKC would turn （） into ()); the search key,
        // built from them, is what folds widths.
        let name = strip_controls(self.name.trim());
        bounded_required(&mut problems, "name", &name, NAME_MAX);
        let name_kana = to_hiragana(&fold_width(&self.name_kana));
        bounded_required(&mut problems, "name_kana", &name_kana, NAME_MAX);
        let short_name = strip_controls(self.short_name.trim());
        if char_len(&short_name) > NAME_MAX {
            problems.add("short_name", Problem::TooLong { max: NAME_MAX as u32 });
        }
        let municipality_code = fold_width(&self.municipality_code);
        if municipality_code.is_empty() {
            problems.add("municipality_code", Problem::Required);
        } else if !is_valid_local_government_code(&municipality_code) {
            problems.add("municipality_code", Problem::Invalid);
        }
        let address = strip_controls(self.address.trim());
        if char_len(&address) > ADDRESS_MAX {
            problems.add("address", Problem::TooLong { max: ADDRESS_MAX as u32 });
        }
        if !self.is_referring && !self.is_receiving {
            problems.add("is_receiving", Problem::Required);
        }
        problems.into_result()?;
        Ok(NewHospital {
            short_name: if short_name.is_empty() { name.clone() } else { short_name },
            code,
            name,
            name_kana,
            municipality_code,
            address,
            ..self.clone()
        })
    }
}

fn bounded_required(problems: &mut Problems, field: &str, value: &str, max: usize) {
    if value.is_empty() {
        problems.add(field, Problem::Required);
    } else if char_len(value) > max {
        problems.add(field, Problem::TooLong { max: max as u32 });
    }
}

/// How often one decline reason was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReasonCount {
    pub reason_id: String,
    pub reason_name: String,
    /// A rule beyond the national discharge criteria (独自ルール).
    pub own_rule: bool,
    pub count: u32,
}

/// One inquiry to this hospital, for its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HospitalInquiry {
    pub request_id: String,
    pub ref_no: String,
    pub asked_at: String,
    pub outcome: crate::inquiry::InquiryOutcome,
    pub decline_reason_name: Option<String>,
}

/// A hospital with its record at the desk: what it referred, and how it answered the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HospitalRecord {
    pub hospital: HospitalSummary,
    pub requests_referred: u32,
    pub requests_referred_open: u32,
    pub inquiries: u32,
    pub accepted: u32,
    pub declined: u32,
    pub waiting: u32,
    /// Most frequent first.
    pub declines_by_reason: Vec<ReasonCount>,
    /// The latest inquiries, newest first (at most [`RECENT_INQUIRIES`]).
    pub recent_inquiries: Vec<HospitalInquiry>,
}

pub const RECENT_INQUIRIES: u32 = 20;
