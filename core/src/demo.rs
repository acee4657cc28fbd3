//! Demo data: fictional hospitals, transport providers and requests for trying the desk out.
//!
//! The file (`assets/demo/`) gives request times as minutes before "now", so a freshly loaded demo
//! has live waiting times. It is loaded through the same checks and store functions as real input,
//! so a demo that loads is also a test of those paths.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use crate::capacity::CapacityReportInput;
use crate::error::{Error, Problems, Result};
use crate::hospital::NewHospital;
use crate::ids::to_rfc3339;
use crate::request::{NewRequestInput, PatientSex, Urgency};
use crate::request_status::RequestStatus;
use crate::store::{capacity, hospitals, inquiries, reference, requests, transport_bookings, transport_providers};
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

    /// Writes everything through the ordinary checks, inside the caller's transaction.
    pub fn load(
        &self,
        conn: &rusqlite::Connection,
        user_id: &str,
        now: DateTime<Utc>,
        offset: FixedOffset,
    ) -> Result<DemoSummary> {
        for h in &self.hospitals {
            let hospital = NewHospital {
                code: h.code.clone(),
                name: h.name.clone(),
                name_kana: h.kana.clone(),
                short_name: h.short_name.clone(),
                municipality_code: h.municipality.clone(),
                address: h.address.clone(),
                latitude: h.latitude,
                longitude: h.longitude,
                is_referring: h.referring,
                is_receiving: h.receiving,
                is_priority: h.priority,
                is_cooperating: h.cooperating,
                active: true,
                contacts: h.contacts.clone(),
                requirements: h.requirements.clone(),
            }
            .checked()?;
            let hospital_id = hospitals::insert(conn, user_id, &hospital)?;
            let mut problems = Problems::default();
            let reports: Vec<_> = h
                .capacity
                .iter()
                .map(|c| {
                    CapacityReportInput {
                        bed_type: c.bed_type.clone(),
                        available: c.available,
                        baseline: c.baseline,
                        expected_24h: c.expected_24h,
                        expected_72h: c.expected_72h,
                        reported_at: to_rfc3339(now - Duration::minutes(c.reported_minutes_ago)),
                        reported_by: c.reported_by.clone(),
                    }
                    .checked("capacity", offset, now, &mut problems)
                })
                .collect();
            problems.into_result()?;
            capacity::insert(conn, user_id, &hospital_id, &reports, |_| String::new())?;
        }
        for (i, provider) in self.transport_providers.iter().enumerate() {
            let checked = provider
                .checked(
                    |mode| reference::term_exists(conn, "transport_mode", mode).unwrap_or(false),
                    |area| reference::place_name(conn, area).ok().flatten().is_some(),
                )
                .map_err(|e| crate::desk::indexed(e, i))?;
            transport_providers::insert(conn, user_id, &checked)?;
        }
        // Oldest first, so the reference numbers run in registration order.
        let mut ordered: Vec<&DemoRequest> = self.requests.iter().collect();
        ordered.sort_by_key(|r| std::cmp::Reverse(r.registered_minutes_ago));
        for r in ordered {
            let Some((hospital_id, _)) = hospitals::by_code(conn, &r.referring_hospital)? else {
                return Err(Error::ReferenceData(format!(
                    "デモの依頼元 {} が病院一覧にありません",
                    r.referring_hospital
                )));
            };
            let registered_at = now - Duration::minutes(r.registered_minutes_ago);
            let registered_day = registered_at.with_timezone(&offset).date_naive();
            let day = |before: Option<i64>| {
                before.map(|d| (registered_day - Duration::days(d)).to_string()).unwrap_or_default()
            };
            let i = &r.intake;
            let checked = NewRequestInput {
                referring_hospital_id: hospital_id,
                referrer_ward: i.referrer_ward.clone(),
                referrer_person: i.referrer_person.clone(),
                referrer_phone: i.referrer_phone.clone(),
                hospital_patient_no: i.hospital_patient_no.clone(),
                patient_initials: r.patient_initials.clone(),
                patient_age: r.patient_age.to_string(),
                patient_sex: Some(r.patient_sex),
                residence_municipality_code: r.residence.clone(),
                date_era: String::new(),
                onset_date: day(i.onset_days_before),
                positive_test_date: day(i.positive_days_before),
                criteria_met_date: day(i.criteria_met_days_before),
                care: i.care.clone(),
                bed_type_id: i.bed_type.clone(),
                preferred_regions: i.preferred_regions.clone(),
                family_notes: i.family_notes.clone(),
                desired_date: String::new(),
                urgency: r.urgency,
                clinical_summary: r.clinical_summary.clone(),
            }
            .checked()?;
            let id = requests::insert(conn, user_id, &checked, registered_at, offset)?;
            for step in &r.history {
                let at = registered_at + Duration::minutes(step.minutes_after);
                if let Some(code) = &step.accepted_by {
                    accept(conn, user_id, &id, code, at - Duration::minutes(5), offset)?;
                }
                let transition = requests::Transition {
                    request_id: &id,
                    to: step.to,
                    expected_version: None,
                    at: registered_at + Duration::minutes(step.minutes_after),
                    note: &step.note,
                };
                requests::transition(conn, user_id, &transition)?;
            }
            for b in &r.bookings {
                book(conn, user_id, &id, b, registered_at, now, offset)?;
            }
        }
        Ok(DemoSummary {
            hospitals: self.hospitals.len() as u32,
            transport_providers: self.transport_providers.len() as u32,
            requests: self.requests.len() as u32,
        })
    }
}

/// Logs that the hospital with `code` accepted the request.
fn accept(
    conn: &rusqlite::Connection,
    user_id: &str,
    request_id: &str,
    code: &str,
    at: DateTime<Utc>,
    offset: FixedOffset,
) -> Result<()> {
    let Some((hospital_id, _)) = hospitals::by_code(conn, code)? else {
        return Err(Error::ReferenceData(format!("デモの受入先 {code} が病院一覧にありません")));
    };
    let inquiry = crate::inquiry::NewInquiryInput {
        request_id: request_id.to_owned(),
        hospital_id,
        contact: "地域医療連携室".into(),
        channel: crate::inquiry::InquiryChannel::Phone,
        outcome: crate::inquiry::InquiryOutcome::Accepted,
        decline_reason: None,
        note: String::new(),
        call_back_at: String::new(),
    }
    .checked(offset)?;
    inquiries::insert(conn, user_id, &inquiry, at)?;
    Ok(())
}

/// Books a demo trip through the booking's own checks, then moves it through its statuses.
fn book(
    conn: &rusqlite::Connection,
    user_id: &str,
    request_id: &str,
    b: &DemoBooking,
    registered_at: DateTime<Utc>,
    now: DateTime<Utc>,
    offset: FixedOffset,
) -> Result<()> {
    let pickup = match (b.pickup_minutes_after, b.pickup_minutes_from_now) {
        (Some(after), _) => registered_at + Duration::minutes(after),
        (None, Some(ahead)) => now + Duration::minutes(ahead),
        (None, None) => return Err(Error::ReferenceData("デモの搬送に迎えの時刻がありません".into())),
    };
    let Some(provider_id) = transport_providers::id_by_name(conn, &b.provider)? else {
        return Err(Error::ReferenceData(format!("デモの搬送事業者 {} がありません", b.provider)));
    };
    let checked = crate::transport::BookingInput {
        request_id: request_id.to_owned(),
        provider_id,
        vehicle_type: Some(b.vehicle_type),
        pickup_at: to_rfc3339(pickup),
        from_ward: b.from_ward.clone(),
        from_contact: b.from_contact.clone(),
        to_ward: b.to_ward.clone(),
        to_contact: b.to_contact.clone(),
        oxygen_l_per_min: b.oxygen_l_per_min.clone(),
        escort: b.escort.clone(),
        public_funds: b.public_funds,
        cost_yen: b.cost_yen.clone(),
        note: String::new(),
        accept_warnings: true,
    }
    .checked(offset)?;
    let Some(placement) = inquiries::placement(conn, request_id)? else {
        return Err(Error::ReferenceData("デモの搬送の依頼に受入先がありません".into()));
    };
    let from: String =
        conn.query_row("SELECT referring_hospital_id FROM transfer_requests WHERE id = ?1", [request_id], |row| {
            row.get(0)
        })?;
    let ends = transport_bookings::Ends { from_hospital_id: &from, to_hospital_id: &placement.hospital_id };
    let booked_at = pickup.min(now) - Duration::minutes(120);
    let id = transport_bookings::insert(conn, user_id, &checked, ends, booked_at)?;
    for (n, status) in b.statuses.iter().enumerate() {
        let at = if *status == crate::transport::BookingStatus::Done {
            pickup + Duration::minutes(60)
        } else {
            booked_at + Duration::minutes(30)
        };
        transport_bookings::transition(conn, user_id, &id, n as u32 + 1, *status, "", at)?;
    }
    Ok(())
}
