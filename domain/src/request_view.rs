//! How the queue and the detail page see a request: the summary, the detail with its history,
//! inquiries, placement, bookings and data-quality checklist. Built by the store from what was
//! entered (`request`) and what happened since.

use serde::Serialize;

use crate::care::CareNeeds;
use crate::inquiry::Inquiry;
use crate::reference::Term;
use crate::request::{Normalized, PatientSex, Placement, Urgency};
use crate::request_status::RequestStatus;
use crate::transport::TransportBooking;

/// A request as the queue lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
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
    /// The secondary medical region of the residence under the plan in force (None where the plan
    /// splits the municipality further, or the residence is unknown).
    pub region_name: Option<String>,
    pub urgency: Urgency,
    /// Inquiries still waiting for a hospital's answer.
    pub waiting_answers: u32,
    /// The earliest call-back time among them (RFC 3339, UTC); past it, the request needs attention.
    pub next_call_back_at: Option<String>,
    /// The nurse who has taken the request, if any.
    pub assigned_to: Option<String>,
    pub assigned_to_name: Option<String>,
    /// The earliest pickup of its bookings still to happen (RFC 3339, UTC).
    pub next_pickup_at: Option<String>,
    /// Transport only (搬送のみ): the hospitals agreed between themselves and the desk books the
    /// vehicle; never a desk placement.
    pub transport_only: bool,
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
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RequestDetail {
    pub summary: RequestSummary,
    pub referring_hospital_code: String,
    pub referrer_ward: String,
    pub referrer_person: String,
    pub referrer_phone: String,
    pub hospital_patient_no: String,
    /// ISO dates (YYYY-MM-DD).
    pub onset_date: Option<String>,
    pub positive_test_date: Option<String>,
    pub criteria_met_date: Option<String>,
    /// The COVID-19 dates answered "none"; a date neither given nor here was never stated.
    pub covid_dates_none: Vec<String>,
    pub desired_date: Option<String>,
    pub care: CareNeeds,
    pub bed_type_id: Option<String>,
    pub bed_type_name: Option<String>,
    pub preferred_regions: Vec<Term>,
    pub family_notes: String,
    /// What the core changed while reading the intake, with the original text.
    pub normalized: Vec<Normalized>,
    /// The data-quality checklist (filled in by `Desk::request`, which knows today's date).
    pub quality: QualityReport,
    pub clinical_summary: String,
    pub created_by_name: String,
    pub history: Vec<StatusChange>,
    /// The inquiry log (打診記録), oldest first.
    pub inquiries: Vec<Inquiry>,
    /// The receiving hospital, once one has accepted.
    pub placement: Option<Placement>,
    /// Consent to share the patient's information with candidate hospitals, once recorded.
    pub consent: Option<Consent>,
    /// In a hospital edition: what the desk says of this request (filled in by `Desk::request`).
    pub desk_view: Option<DeskView>,
    /// Transport bookings, oldest first.
    pub bookings: Vec<TransportBooking>,
    /// The states the workflow allows next, so a UI never keeps its own copy of the rules.
    pub next_statuses: Vec<RequestStatus>,
    /// The state 「元に戻す」 would take the request back to, while the signed-in nurse may still
    /// take back their last move (filled in by `Desk::request`).
    pub undo_to: Option<RequestStatus>,
    /// Bumped by every change; a change based on an older version is refused.
    pub version: u32,
}

/// What the desk says of one of a hospital edition's requests (from its status packages).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeskView {
    pub request_id: String,
    /// The desk's reference number ('' until the desk has registered it).
    pub desk_ref_no: String,
    /// The desk's status (`coordinating`, …) and its label, as the desk wrote them.
    pub status: String,
    pub status_label: String,
    pub status_since: Option<String>,
    /// The receiving hospital's name, once placed.
    pub placed_at: Option<String>,
    /// Why the desk could not take the last version sent (from its acknowledgement).
    pub problem: String,
    /// When the desk's view last changed (RFC 3339).
    pub changed_at: Option<String>,
    /// Whether the current intake has been sent to the desk.
    pub sent: bool,
}

/// Consent to share the patient's information with candidate hospitals: who gave it (as the
/// referring hospital said), when it was recorded and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Consent {
    pub given_by: String,
    /// RFC 3339.
    pub recorded_at: String,
    pub recorded_by_name: String,
}

// The data-quality checklist of a request (`quality::assess` fills it in).

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum QualityKind {
    Missing,
    /// A care item or COVID-19 date never answered (not "none": ask, or answer 「なし」).
    NotStated,
    Implausible,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QualityItem {
    /// The field concerned, as named in the intake input.
    pub field: String,
    pub kind: QualityKind,
    /// Matching cannot judge this request until it is resolved.
    pub blocks_matching: bool,
    /// What was found, as a code the UI words in its language.
    pub check: CheckCode,
    /// The same in Japanese (the CLI's and the printed sheet's wording).
    pub message: String,
}

/// What the checklist (or matching, before it can judge) found about a request, as a stable code
/// with the values its wording needs; the field it concerns is beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum CheckCode {
    ResidenceMissing,
    BedTypeMissing,
    AdlNotStated,
    /// The field is empty.
    Missing,
    /// A care item or COVID-19 date never answered.
    NotStated,
    CriteriaBeforeOnset,
    PositiveLongBeforeOnset,
    /// A date that cannot have happened yet.
    InFuture,
    AgeToCheck {
        age: u8,
    },
    /// `flow` in L/min as written (e.g. 「6」, 「7.5」).
    OxygenHigh {
        flow: String,
    },
    PhoneDigits,
    /// Candidates are shown only for requests awaiting placement.
    NotOpen {
        status: RequestStatus,
    },
    /// The request names a bed type the region pack no longer has.
    BedTypeUnknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QualityReport {
    /// 0–100.
    pub score: u32,
    pub can_match: bool,
    pub items: Vec<QualityItem>,
}

/// The intake of a stored request as the intake form takes it again: what a hospital edition sends
/// the desk for its own request. Each answer is kept as given: a care item not stated stays empty,
/// none is 「なし」, a COVID-19 date answered none is 「なし」.
pub fn intake_of(detail: &RequestDetail) -> crate::request::NewRequestInput {
    use crate::care::CareNeedsInput;
    let c = &detail.care;
    let date = |field: &str, value: &Option<String>| match value {
        Some(iso) => iso.clone(),
        None if detail.covid_dates_none.iter().any(|f| f == field) => "なし".to_owned(),
        None => String::new(),
    };
    let s = &detail.summary;
    crate::request::NewRequestInput {
        referring_hospital_id: s.referring_hospital_id.clone(),
        referrer_ward: detail.referrer_ward.clone(),
        referrer_person: detail.referrer_person.clone(),
        referrer_phone: detail.referrer_phone.clone(),
        hospital_patient_no: detail.hospital_patient_no.clone(),
        patient_initials: s.patient_initials.clone(),
        patient_age: s.patient_age.to_string(),
        patient_sex: Some(s.patient_sex),
        residence_municipality_code: s.residence_municipality_code.clone().unwrap_or_default(),
        date_era: String::new(),
        onset_date: date("onset_date", &detail.onset_date),
        positive_test_date: date("positive_test_date", &detail.positive_test_date),
        criteria_met_date: date("criteria_met_date", &detail.criteria_met_date),
        care: CareNeedsInput {
            oxygen_l_per_min: match c.oxygen_l_per_min {
                None => String::new(),
                Some(flow) if flow > 0.0 => flow.to_string(),
                Some(_) => "なし".to_owned(),
            },
            dialysis: c.dialysis,
            tube_feeding: c.tube_feeding,
            tracheostomy: c.tracheostomy,
            suctioning: c.suctioning,
            iv_line: c.iv_line,
            dementia_bpsd: c.dementia_bpsd,
            psychiatric: c.psychiatric,
            isolation: c.isolation,
            adl: c.adl,
            bariatric: c.bariatric,
        },
        bed_type_id: detail.bed_type_id.clone().unwrap_or_default(),
        preferred_regions: detail.preferred_regions.iter().map(|r| r.id.clone()).collect(),
        family_notes: detail.family_notes.clone(),
        desired_date: detail.desired_date.clone().unwrap_or_default(),
        urgency: s.urgency,
        clinical_summary: detail.clinical_summary.clone(),
        consent_given_by: detail.consent.as_ref().map(|c| c.given_by.clone()).unwrap_or_default(),
    }
}

/// Which requests a queue query covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum QueueScope {
    /// Requests still being worked on (the default everywhere).
    #[default]
    Open,
    /// Transferred, withdrawn, not placed.
    Closed,
    All,
}

impl QueueScope {
    pub fn covers(self, status: crate::request_status::RequestStatus) -> bool {
        match self {
            QueueScope::Open => status.is_open(),
            QueueScope::Closed => !status.is_open(),
            QueueScope::All => true,
        }
    }
}

/// One page of the queue: its scope, narrowed by text (reference number, initials, referring
/// hospital), `limit` rows after the first `after`, in the queue's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct QueueQuery {
    pub scope: QueueScope,
    pub text: String,
    /// At most this many rows (none: every row in scope).
    pub limit: Option<u32>,
    /// Rows of the scope to skip (the previous pages).
    pub after: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QueuePage {
    pub rows: Vec<RequestSummary>,
    /// Rows in scope (all pages), counted up to 10,000.
    pub total: u32,
    /// Requests outside the scope (for "N closed requests not shown"), counted up to 10,000.
    pub left_out: u32,
    /// A count reached its cap: "10,000 or more".
    pub counts_capped: bool,
    /// `after` for the next page, if there is one.
    pub next_after: Option<u32>,
}
