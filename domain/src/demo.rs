//! Demo data: fictional hospitals, transport providers and requests for trying the desk out.
//!
//! The file (`assets/demo/`) gives request times as minutes before "now", so a freshly loaded demo
//! has live waiting times. The desk loads it through the same checks and store functions as real
//! input (`tenin-core`'s `desk/demo_data.rs`), so a demo that loads is also a test of those paths.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::request::{PatientSex, Urgency};
use crate::request_status::RequestStatus;
use crate::transport::TransportProviderInput;

pub const FORMAT: &str = "tenin-demo-data";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoData {
    pub format: String,
    pub format_version: u32,
    /// The region pack the data's municipality codes belong to.
    pub region_pack: String,
    #[serde(default)]
    pub note: String,
    pub hospitals: Vec<DemoHospital>,
    pub transport_providers: Vec<TransportProviderInput>,
    pub requests: Vec<DemoRequest>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoHospital {
    pub code: String,
    pub name: String,
    pub kana: String,
    pub short_name: String,
    pub municipality: String,
    pub address: String,
    pub referring: bool,
    pub receiving: bool,
    pub priority: bool,
    pub cooperating: bool,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    #[serde(default)]
    pub contacts: Vec<crate::contact::ContactInput>,
    #[serde(default)]
    pub requirements: crate::requirements::AcceptanceRequirements,
    #[serde(default)]
    pub capacity: Vec<DemoCapacity>,
}

/// A capacity report of a demo hospital, `reported_minutes_ago` before loading (so some are stale).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoCapacity {
    pub bed_type: String,
    pub available: i32,
    pub baseline: Option<i32>,
    pub expected_24h: Option<i32>,
    pub expected_72h: Option<i32>,
    pub reported_minutes_ago: i64,
    pub reported_by: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoRequest {
    /// The referring hospital's medical-institution code.
    pub referring_hospital: String,
    pub patient_initials: String,
    pub patient_age: u8,
    pub patient_sex: PatientSex,
    pub residence: String,
    pub urgency: Urgency,
    pub clinical_summary: String,
    pub registered_minutes_ago: i64,
    pub history: Vec<DemoStep>,
    /// The rest of the intake, as a nurse would type it (dates relative to registration day).
    #[serde(default)]
    pub intake: DemoIntake,
    #[serde(default)]
    pub bookings: Vec<DemoBooking>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DemoIntake {
    pub referrer_ward: String,
    pub referrer_person: String,
    pub referrer_phone: String,
    pub hospital_patient_no: String,
    pub onset_days_before: Option<i64>,
    pub positive_days_before: Option<i64>,
    pub criteria_met_days_before: Option<i64>,
    pub care: crate::care::CareNeedsInput,
    pub bed_type: String,
    pub preferred_regions: Vec<String>,
    pub family_notes: String,
    /// Who gave consent to share the patient's information with candidates; empty: not yet.
    #[serde(default)]
    pub consent: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoStep {
    pub to: RequestStatus,
    pub minutes_after: i64,
    pub note: String,
    /// For a move to placed: the code of the receiving hospital that accepted (logged as an
    /// accepted inquiry just before the move).
    #[serde(default)]
    pub accepted_by: Option<String>,
}

/// A transport booking of a demo request, with the statuses it went through after `requested`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoBooking {
    /// The provider's name.
    pub provider: String,
    pub vehicle_type: crate::transport::VehicleType,
    /// Pickup relative to registration, or (for trips still to come) to loading.
    #[serde(default)]
    pub pickup_minutes_after: Option<i64>,
    #[serde(default)]
    pub pickup_minutes_from_now: Option<i64>,
    pub from_ward: String,
    pub from_contact: String,
    pub to_ward: String,
    pub to_contact: String,
    pub oxygen_l_per_min: String,
    pub escort: String,
    pub public_funds: bool,
    pub cost_yen: String,
    pub statuses: Vec<crate::transport::BookingStatus>,
}

/// What a demo load added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DemoSummary {
    pub hospitals: u32,
    pub transport_providers: u32,
    pub requests: u32,
}

impl DemoData {
    pub fn from_json(json: &str) -> Result<DemoData> {
        let data: DemoData =
            serde_json::from_str(json).map_err(|e| Error::ReferenceData(format!("デモデータを読めません: {e}")))?;
        if data.format != FORMAT || data.format_version != 1 {
            return Err(Error::ReferenceData(format!(
                "対応していないデモデータ形式です: {} v{}",
                data.format, data.format_version
            )));
        }
        Ok(data)
    }
}
