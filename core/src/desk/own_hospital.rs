//! A hospital edition's own work: the inquiries its desk sent and its answers, its free beds and
//! acceptance requirements, and the desk's view of its requests. The intake, the queue and the
//! workflow's withdrawal are the desk's own code (one copy of the rules).

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::Desk;
use tenin_domain::access::Permission;
use tenin_domain::capacity::CapacityReportInput;
use tenin_domain::edition::Edition;
use tenin_domain::error::{Error, Problem, Problems, Result};
use tenin_domain::hospital::HospitalRecord;
use tenin_domain::inquiry::{InquiryAnswerInput, InquiryOutcome};
use tenin_domain::requirements::AcceptanceRequirements;
use tenin_store::desk_status::{self, DeskView};
use tenin_store::ids::to_rfc3339;
use tenin_store::received_inquiries::{self, ReceivedInquiry};
use tenin_store::{capacity as capacity_store, hospitals, reference};

/// A hospital's answer to an inquiry it received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReceivedAnswerInput {
    pub inquiry_id: String,
    pub outcome: InquiryOutcome,
    /// A decline reason of the region pack; required when declined.
    pub decline_reason: Option<String>,
    pub note: String,
    pub expected_version: u32,
}

impl Desk {
    /// The inquiries the desk sent this hospital: waiting ones first, soonest reply-by first.
    pub fn received_inquiries(&self) -> Result<Vec<ReceivedInquiry>> {
        self.allow(Permission::Read)?;
        self.require(Edition::Hospital)?;
        Ok(received_inquiries::list(self.store.read())?)
    }

    /// Answers an inquiry (受入可 / お断り with a reason of the region pack); the next sync sends it.
    pub fn answer_received_inquiry(&mut self, input: &ReceivedAnswerInput) -> Result<ReceivedInquiry> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(Edition::Hospital)?;
        let checked = InquiryAnswerInput {
            inquiry_id: input.inquiry_id.clone(),
            outcome: input.outcome,
            decline_reason: input.decline_reason.clone().filter(|r| !r.trim().is_empty()),
            note: input.note.clone(),
            expected_version: input.expected_version,
        }
        .checked()?;
        let (outcome, reason, _) = checked;
        let checked = (outcome, reason);
        if let Some(reason) = &checked.1
            && !reference::term_exists(self.store.read(), "decline_reason", reason)?
        {
            return Err(Error::Validation(vec![tenin_domain::error::FieldProblem::new(
                "decline_reason",
                Problem::UnknownReference,
            )]));
        }
        let note = tenin_domain::text::strip_controls(input.note.trim());
        let now = to_rfc3339(Utc::now());
        self.store.write(|tx| {
            received_inquiries::answer(tx, &user_id, &input.inquiry_id, input.expected_version, checked, &note, &now)
        })?;
        Ok(received_inquiries::get(self.store.read(), &input.inquiry_id)?)
    }

    /// What the desk says of each of this hospital's requests.
    pub fn desk_views(&self) -> Result<Vec<DeskView>> {
        self.allow(Permission::Read)?;
        self.require(Edition::Hospital)?;
        Ok(desk_status::all(self.store.read())?.into_values().collect())
    }

    /// Reports this hospital's free beds (sent to the desk at the next sync).
    pub fn report_own_capacity(&mut self, reports: &[CapacityReportInput]) -> Result<HospitalRecord> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(Edition::Hospital)?;
        let own = self.hospital_identity()?.hospital_id;
        let offset = self.offset()?;
        let now = Utc::now();
        let mut problems = Problems::default();
        if reports.is_empty() {
            problems.add("bed_type", Problem::Required);
        }
        let checked: Vec<_> =
            reports.iter().enumerate().map(|(i, r)| r.checked(&format!("[{i}]"), offset, now, &mut problems)).collect();
        problems.into_result()?;
        self.store.write(|tx| capacity_store::insert(tx, &user_id, &own, &checked, |i| format!("[{i}].")))?;
        self.hospital_record(&own)
    }

    /// Sets this hospital's acceptance requirements (sent to the desk at the next sync).
    pub fn set_own_requirements(&mut self, requirements: &AcceptanceRequirements) -> Result<HospitalRecord> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(Edition::Hospital)?;
        let own = self.hospital_identity()?.hospital_id;
        let mut hospital = hospitals::stored_input(self.store.read(), &own)?;
        hospital.requirements = requirements.clone();
        let checked = hospital.checked()?;
        self.store.write(|tx| hospitals::update(tx, &user_id, &own, &checked))?;
        self.hospital_record(&own)
    }

    /// This hospital's latest figures of each bed type and its requirements, as the records of a
    /// `capacity` package.
    pub(crate) fn own_capacity_records(&self) -> Result<Vec<serde_json::Value>> {
        let own = self.hospital_identity()?.hospital_id;
        let hospital = self.hospital(&own)?;
        let mut records = Vec::new();
        for beds in &hospital.capacity {
            let input = CapacityReportInput {
                bed_type: beds.bed_type.clone(),
                available: i32::try_from(beds.available).unwrap_or(i32::MAX),
                baseline: beds.baseline.and_then(|b| i32::try_from(b).ok()),
                expected_24h: beds.expected_24h.and_then(|b| i32::try_from(b).ok()),
                expected_72h: beds.expected_72h.and_then(|b| i32::try_from(b).ok()),
                reported_at: beds.reported_at.clone(),
                reported_by: beds.reported_by.clone(),
            };
            records.push(serde_json::json!({"record_id": format!("beds:{}", beds.bed_type), "beds": input}));
        }
        records.push(serde_json::json!({"record_id": "requirements", "requirements": hospital.requirements}));
        Ok(records)
    }
}
