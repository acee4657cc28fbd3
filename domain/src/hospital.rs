//! Hospitals: what the directory lists and what a new hospital record must satisfy.

use serde::{Deserialize, Serialize};

use crate::capacity::CapacityReport;
use crate::codes::{is_valid_local_government_code, is_valid_medical_institution_code};
use crate::contact::{CONTACTS_MAX, Contact, ContactInput};
use crate::error::{Problem, Problems, Result};
use crate::requirements::{AcceptanceRequirements, BeyondCriteria, Capability};
use crate::text::{char_len, fold_width, strip_controls, to_hiragana};

/// A hospital as the directory shows it: its record, contacts, current capacity and requirements.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
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
    pub jurisdiction_id: String,
    pub jurisdiction_name: String,
    /// The secondary medical region under the plan in force.
    pub region_id: Option<String>,
    pub region_name: Option<String>,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub is_referring: bool,
    pub is_receiving: bool,
    /// 重点医療機関
    pub is_priority: bool,
    /// 協力病院
    pub is_cooperating: bool,
    pub active: bool,
    /// In the order the hospital gave them; the first is whom the desk calls first.
    pub contacts: Vec<Contact>,
    /// The latest report of each bed type, in the region pack's bed-type order.
    pub capacity: Vec<CapacityReport>,
    pub requirements: AcceptanceRequirements,
    /// Demands beyond the national discharge criteria (独自ルール): the flag.
    pub beyond_criteria: Vec<BeyondCriteria>,
    /// How often this hospital declined for a reason marked as its own rule.
    pub own_rule_declines: u32,
}

impl HospitalSummary {
    /// Has a current report of `bed_type` with a free bed (stale or not: the list marks which).
    pub fn has_free_beds(&self, bed_type: &str) -> bool {
        self.capacity.iter().any(|c| c.bed_type == bed_type && c.available > 0)
    }

    pub fn has_role(&self, role: HospitalRole) -> bool {
        match role {
            HospitalRole::Referring => self.is_referring,
            HospitalRole::Receiving => self.is_receiving,
            HospitalRole::Priority => self.is_priority,
            HospitalRole::Cooperating => self.is_cooperating,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum HospitalRole {
    Referring,
    Receiving,
    /// 重点医療機関
    Priority,
    /// 協力病院
    Cooperating,
}

/// What the directory list is narrowed by; every part is optional and they combine with AND.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct HospitalFilter {
    /// Name, reading (kanji, kana or romaji) or code.
    pub query: String,
    pub jurisdiction_id: Option<String>,
    /// A secondary medical region of the plan in force.
    pub region_id: Option<String>,
    pub role: Option<HospitalRole>,
    pub capability: Option<Capability>,
    /// Only hospitals with a free bed of this type.
    pub free_bed_type: Option<String>,
    /// Only hospitals with demands beyond the national discharge criteria.
    pub beyond_criteria_only: bool,
    /// Inactive hospitals are left out unless asked for.
    pub include_inactive: bool,
}

impl HospitalFilter {
    pub fn query(text: &str) -> Self {
        HospitalFilter { query: text.to_owned(), ..Default::default() }
    }

    pub fn admits(&self, hospital: &HospitalSummary) -> bool {
        (self.include_inactive || hospital.active)
            && self.jurisdiction_id.as_ref().is_none_or(|j| *j == hospital.jurisdiction_id)
            && self.region_id.as_ref().is_none_or(|r| Some(r) == hospital.region_id.as_ref())
            && self.role.is_none_or(|role| hospital.has_role(role))
            && self.capability.is_none_or(|c| hospital.requirements.provides(c))
            && self.free_bed_type.as_ref().is_none_or(|b| hospital.has_free_beds(b))
            && (!self.beyond_criteria_only || !hospital.beyond_criteria.is_empty())
    }
}

fn yes() -> bool {
    true
}

/// A hospital to add or update, as typed or as read from a file (`tenin hospitals upsert`).
/// Text is normalised by [`NewHospital::checked`]; fields outside this shape are refused.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct NewHospital {
    pub code: String,
    pub name: String,
    pub name_kana: String,
    #[serde(default)]
    pub short_name: String,
    pub municipality_code: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    pub is_referring: bool,
    pub is_receiving: bool,
    #[serde(default)]
    pub is_priority: bool,
    #[serde(default)]
    pub is_cooperating: bool,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub contacts: Vec<ContactInput>,
    #[serde(default)]
    pub requirements: AcceptanceRequirements,
}

impl Default for NewHospital {
    /// An empty, active form.
    fn default() -> Self {
        NewHospital {
            code: String::new(),
            name: String::new(),
            name_kana: String::new(),
            short_name: String::new(),
            municipality_code: String::new(),
            address: String::new(),
            latitude: None,
            longitude: None,
            is_referring: false,
            is_receiving: false,
            is_priority: false,
            is_cooperating: false,
            active: true,
            contacts: Vec::new(),
            requirements: AcceptanceRequirements::default(),
        }
    }
}

/// A hospital that passed [`NewHospital::checked`]: normalised values and its contacts' digits.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedHospital {
    pub values: NewHospital,
    pub contacts: Vec<Contact>,
}

pub const NAME_MAX: usize = 100;
pub const ADDRESS_MAX: usize = 200;

impl NewHospital {
    /// Normalises the text (full-width digits in codes, stray spaces) and checks everything that
    /// needs no database. The store checks the rest (municipality known, code not taken).
    pub fn checked(&self) -> Result<CheckedHospital> {
        let mut problems = Problems::default();
        let code = normalise_code(&self.code);
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
        let municipality_code = checked_municipality_code(&mut problems, &self.municipality_code);
        let address = strip_controls(self.address.trim());
        if char_len(&address) > ADDRESS_MAX {
            problems.add("address", Problem::TooLong { max: ADDRESS_MAX as u32 });
        }
        match (self.latitude, self.longitude) {
            (None, None) => {}
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) {
                    problems.add("latitude", Problem::OutOfRange { min: -90, max: 90 });
                }
                if !(-180.0..=180.0).contains(&lon) {
                    problems.add("longitude", Problem::OutOfRange { min: -180, max: 180 });
                }
            }
            (Some(_), None) => problems.add("longitude", Problem::Required),
            (None, Some(_)) => problems.add("latitude", Problem::Required),
        }
        if !self.is_referring && !self.is_receiving {
            problems.add("is_receiving", Problem::Required);
        }
        if self.contacts.len() > CONTACTS_MAX {
            problems.add("contacts", Problem::OutOfRange { min: 0, max: CONTACTS_MAX as i32 });
        }
        let contacts: Vec<Contact> = self
            .contacts
            .iter()
            .enumerate()
            .map(|(i, contact)| contact.checked(&format!("contacts[{i}]"), &mut problems))
            .collect();
        let requirements = self.requirements.checked(&mut problems);
        problems.into_result()?;
        Ok(CheckedHospital {
            values: NewHospital {
                short_name: if short_name.is_empty() { name.clone() } else { short_name },
                code,
                name,
                name_kana,
                municipality_code,
                address,
                contacts: contacts.iter().map(|c| c.input.clone()).collect(),
                requirements,
                ..self.clone()
            },
            contacts,
        })
    }
}

/// A medical-institution code as typed (「１４-１０１１-０００９」) in its stored form.
pub fn normalise_code(code: &str) -> String {
    fold_width(code).replace(['-', ' '], "")
}

/// A hospital's municipality code as typed (any width), said wrong or missing in `problems`.
pub(crate) fn checked_municipality_code(problems: &mut Problems, typed: &str) -> String {
    let code = fold_width(typed.trim());
    if code.is_empty() {
        problems.add("municipality_code", Problem::Required);
    } else if !is_valid_local_government_code(&code) {
        problems.add("municipality_code", Problem::Invalid);
    }
    code
}

pub(crate) fn bounded_required(problems: &mut Problems, field: &str, value: &str, max: usize) {
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    /// Every capacity report, newest first (at most [`CAPACITY_HISTORY`]).
    pub capacity_history: Vec<CapacityReport>,
}

pub const RECENT_INQUIRIES: u32 = 20;
pub const CAPACITY_HISTORY: u32 = 200;
