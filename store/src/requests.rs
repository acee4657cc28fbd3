//! The transfer_requests table and its status history.

use std::collections::HashMap;
use tenin_domain::error::Detail;

use crate::Db;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Row, ToSql, params};
use serde::Serialize;

use crate::Result;
use crate::ids::{new_id, to_rfc3339};
use crate::{audit, inquiries, placement_counts, reference, transport_bookings, users};
use tenin_domain::care::CareNeeds;
use tenin_domain::duplicates::ExistingFacts;
use tenin_domain::error::{Error, FieldProblem, Problem};
use tenin_domain::quality::QualityReport;
use tenin_domain::reference::Term;
use tenin_domain::request::{CheckedRequest, PatientSex, Urgency};
use tenin_domain::request_status::RequestStatus;
use tenin_domain::request_view::{QueuePage, QueueQuery, QueueScope, RequestDetail, RequestSummary, StatusChange};

const SUMMARY_SELECT: &str = "
    SELECT r.id, r.ref_no, r.status, r.registered_at,
           (SELECT max(at) FROM request_status_history WHERE request_id = r.id),
           r.referring_hospital_id, h.name, r.patient_initials, r.patient_age, r.patient_sex,
           r.residence_municipality_code, m.name, j.name, r.urgency,
           (SELECT count(*) FROM inquiries i WHERE i.request_id = r.id AND i.outcome = 'waiting'),
           (SELECT min(i.call_back_at) FROM inquiries i WHERE i.request_id = r.id AND i.outcome = 'waiting'),
           r.assigned_to, (SELECT display_name FROM users WHERE id = r.assigned_to),
           (SELECT mr2.name FROM municipality_regions x JOIN medical_regions mr2 ON mr2.id = x.region_id
                JOIN plans p ON p.id = mr2.plan_id
            WHERE x.municipality_code = r.residence_municipality_code
              AND p.valid_from <= (SELECT today FROM desk_today)
              AND (p.valid_to IS NULL OR (SELECT today FROM desk_today) <= p.valid_to)
            ORDER BY p.valid_from DESC LIMIT 1),
           (SELECT min(b.pickup_at) FROM transport_bookings b
            WHERE b.request_id = r.id AND b.status IN ('requested', 'confirmed')),
           r.transport_only_hospital_id IS NOT NULL
    FROM transfer_requests r
    JOIN hospitals h ON h.id = r.referring_hospital_id
    LEFT JOIN municipalities m ON m.code = r.residence_municipality_code
    LEFT JOIN jurisdictions j ON j.id = m.jurisdiction_id";

fn bad_value(column: usize, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unknown value {value:?}").into(),
    )
}

fn status_at(row: &Row, column: usize) -> rusqlite::Result<RequestStatus> {
    let text: String = row.get(column)?;
    RequestStatus::parse(&text).ok_or_else(|| bad_value(column, &text))
}

fn summary(row: &Row) -> rusqlite::Result<RequestSummary> {
    let sex: String = row.get(9)?;
    let urgency: String = row.get(13)?;
    Ok(RequestSummary {
        id: row.get(0)?,
        ref_no: row.get(1)?,
        status: status_at(row, 2)?,
        registered_at: row.get(3)?,
        status_since: row.get(4)?,
        referring_hospital_id: row.get(5)?,
        referring_hospital_name: row.get(6)?,
        patient_initials: row.get(7)?,
        patient_age: row.get(8)?,
        patient_sex: PatientSex::parse(&sex).ok_or_else(|| bad_value(9, &sex))?,
        residence_municipality_code: row.get(10)?,
        residence_name: row.get(11)?,
        jurisdiction_name: row.get(12)?,
        urgency: Urgency::parse(&urgency).ok_or_else(|| bad_value(13, &urgency))?,
        waiting_answers: row.get(14)?,
        next_call_back_at: row.get(15)?,
        assigned_to: row.get(16)?,
        assigned_to_name: row.get(17)?,
        region_name: row.get(18)?,
        next_pickup_at: row.get(19)?,
        transport_only: row.get(20)?,
    })
}

/// The next reference number for a request registered at `at`: the desk's local date and a
/// running number for that day (e.g. 261121-003).
/// Reference numbers given so far per day (YYMMDD), for requests registered in several calls
/// within one transaction (an import): each day's count is read once, not once per request (which
/// counts every number of the day, and a day of 200,000 imported rows made that quadratic).
#[derive(Default)]
pub struct DayNumbers(HashMap<String, u32>);

impl DayNumbers {
    pub(super) fn next(&mut self, conn: Db<'_>, day: String) -> rusqlite::Result<String> {
        let number = match self.0.get(&day) {
            Some(taken) => taken + 1,
            None => numbers_taken_on(conn, &day)? + 1,
        };
        let ref_no = ref_no(&day, number);
        self.0.insert(day, number);
        Ok(ref_no)
    }
}

/// The referring hospital of a request.
pub fn referring_hospital_of(conn: Db<'_>, request_id: &str) -> crate::Result<String> {
    Ok(crate::query_row_cached(
        conn,
        "SELECT referring_hospital_id FROM transfer_requests WHERE id = ?1",
        [request_id],
        |row| row.get(0),
    )?)
}

/// The day part of a reference number (YYMMDD, desk time).
pub(super) fn ref_no_day(at: DateTime<Utc>, offset: FixedOffset) -> String {
    at.with_timezone(&offset).format("%y%m%d").to_string()
}

pub(super) fn ref_no(day: &str, number: u32) -> String {
    format!("{day}-{number:03}")
}

/// How many reference numbers `day` (YYMMDD) has given out.
pub(super) fn numbers_taken_on(conn: Db<'_>, day: &str) -> rusqlite::Result<u32> {
    // A range on the unique index ('.' sorts right after '-'), not LIKE, which would scan the table.
    crate::query_row_cached(
        conn,
        "SELECT count(*) FROM transfer_requests WHERE ref_no > ?1 || '-' AND ref_no < ?1 || '.'",
        [day],
        |row| row.get(0),
    )
}

/// What the audit log keeps of a new request.
#[derive(Serialize)]
struct Created<'a> {
    ref_no: &'a str,
    status: RequestStatus,
    registered_at: &'a str,
    #[serde(flatten)]
    request: &'a CheckedRequest,
}

/// Registers a checked request in state `new`, with its first history row.
pub fn insert(
    conn: Db<'_>,
    user_id: &str,
    request: &CheckedRequest,
    registered_at: DateTime<Utc>,
    offset: FixedOffset,
) -> Result<String> {
    insert_numbered(conn, user_id, request, registered_at, offset, &mut DayNumbers::default())
}

/// [`insert`] for many requests in one transaction, numbered through `numbers`.
pub fn insert_numbered(
    conn: Db<'_>,
    user_id: &str,
    request: &CheckedRequest,
    registered_at: DateTime<Utc>,
    offset: FixedOffset,
    numbers: &mut DayNumbers,
) -> Result<String> {
    check_references(conn, request, Referrer::Active)?;
    let id = new_id();
    let ref_no = numbers.next(conn, ref_no_day(registered_at, offset))?;
    let at = to_rfc3339(registered_at);
    let intake = IntakeParams::of(request)?;
    let identity: [(&str, &dyn ToSql); 4] = [(":id", &id), (":ref_no", &ref_no), (":at", &at), (":user_id", &user_id)];
    crate::execute_cached(
        conn,
        &format!(
            "INSERT INTO transfer_requests (id, ref_no, status, registered_at, created_by, updated_at, {})
             VALUES (:id, :ref_no, 'new', :at, :user_id, :at, {})",
            INTAKE_COLUMNS.join(", "),
            INTAKE_COLUMNS.map(|c| format!(":{c}")).join(", "),
        ),
        &intake.with(&identity)[..],
    )?;
    write_history(&mut *history_statement(conn)?, &id, None, RequestStatus::New, &at, user_id, "")?;
    let created = Created { ref_no: &ref_no, status: RequestStatus::New, registered_at: &at, request };
    audit::created(conn, user_id, "transfer_request", &id, &created)?;
    if let Some(given_by) = &request.consent_given_by {
        crate::consent::record(conn, user_id, &id, given_by, registered_at, false)?;
    }
    Ok(id)
}

/// The columns a request's intake is stored in, written by both [`insert`] and [`update_intake`]
/// from one set of named parameters (`:column`), so the two can never drift apart.
pub(super) const INTAKE_COLUMNS: [&str; 21] = [
    "referring_hospital_id",
    "patient_initials",
    "patient_age",
    "patient_sex",
    "residence_municipality_code",
    "urgency",
    "clinical_summary",
    "referrer_ward",
    "referrer_person",
    "referrer_phone",
    "hospital_patient_no",
    "onset_date",
    "positive_test_date",
    "criteria_met_date",
    "desired_date",
    "care_needs",
    "bed_type_id",
    "preferred_regions",
    "family_notes",
    "normalized",
    "covid_dates_none",
];

/// The values of [`INTAKE_COLUMNS`] for one request, owned so they can be borrowed as parameters.
pub(super) struct IntakeParams<'a> {
    request: &'a CheckedRequest,
    sex: &'static str,
    urgency: &'static str,
    dates: [Option<String>; 4],
    care: String,
    regions: String,
    normalized: String,
    dates_none: String,
}

impl<'a> IntakeParams<'a> {
    pub(super) fn of(request: &'a CheckedRequest) -> Result<Self> {
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string());
        Ok(IntakeParams {
            request,
            sex: request.patient_sex.as_str(),
            urgency: request.urgency.as_str(),
            dates: [
                date(request.onset_date),
                date(request.positive_test_date),
                date(request.criteria_met_date),
                date(request.desired_date),
            ],
            care: serde_json::to_string(&request.care)?,
            regions: serde_json::to_string(&request.preferred_regions)?,
            normalized: serde_json::to_string(&request.normalized)?,
            dates_none: serde_json::to_string(&request.covid_dates_none)?,
        })
    }

    /// The values of [`INTAKE_COLUMNS`], in their order.
    pub(super) fn values(&self) -> [&dyn ToSql; 21] {
        let r = self.request;
        [
            &r.referring_hospital_id,
            &r.patient_initials,
            &r.patient_age,
            &self.sex,
            &r.residence_municipality_code,
            &self.urgency,
            &r.clinical_summary,
            &r.referrer_ward,
            &r.referrer_person,
            &r.referrer_phone,
            &r.hospital_patient_no,
            &self.dates[0],
            &self.dates[1],
            &self.dates[2],
            &self.dates[3],
            &self.care,
            &r.bed_type_id,
            &self.regions,
            &r.family_notes,
            &self.normalized,
            &self.dates_none,
        ]
    }

    /// The intake parameters, named `:column`, followed by a statement's own.
    fn with<'p>(&'p self, extra: &[(&'p str, &'p dyn ToSql)]) -> Vec<(&'p str, &'p dyn ToSql)> {
        static NAMES: std::sync::LazyLock<Vec<String>> =
            std::sync::LazyLock::new(|| INTAKE_COLUMNS.iter().map(|c| format!(":{c}")).collect());
        let mut params: Vec<(&str, &dyn ToSql)> = NAMES.iter().map(String::as_str).zip(self.values()).collect();
        params.extend_from_slice(extra);
        params
    }
}

/// Whether the referring hospital must still be active: a new or edited request needs one that is;
/// a past case may come from a hospital since closed (a historical one).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Referrer {
    Active,
    ActiveOrClosed,
}

/// What a request names must exist: a referring hospital (active, unless `referrer` allows a closed
/// one), a municipality, a bed type and regions of the region pack. Returns the referring
/// hospital's municipality.
pub(super) fn check_references(conn: Db<'_>, request: &CheckedRequest, referrer_may_be: Referrer) -> Result<String> {
    let referrer: Option<(bool, bool, String, String)> = crate::query_row_cached(
        conn,
        "SELECT active, is_referring, municipality_code, name FROM hospitals WHERE id = ?1",
        [&request.referring_hospital_id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
    )
    .optional()?;
    let referrer_municipality = match referrer {
        None => return Err(one_problem("referring_hospital_id", Problem::UnknownReference).into()),
        Some((false, _, _, name)) if referrer_may_be == Referrer::Active => {
            let detail = Detail::HospitalInactive { name };
            return Err(Error::detailed("referring_hospital_id", Problem::NotAllowed, detail).into());
        }
        Some((_, false, _, name)) => {
            let detail = Detail::NotAReferrer { name };
            return Err(Error::detailed("referring_hospital_id", Problem::NotAllowed, detail).into());
        }
        Some((_, _, municipality, _)) => municipality,
    };
    if let Some(code) = &request.residence_municipality_code
        && !reference::municipality_exists(conn, code)?
    {
        return Err(one_problem("residence_municipality_code", Problem::UnknownReference).into());
    }
    if let Some(bed_type) = &request.bed_type_id
        && !reference::term_exists(conn, "bed_type", bed_type)?
    {
        return Err(one_problem("bed_type_id", Problem::UnknownReference).into());
    }
    for region in &request.preferred_regions {
        if !reference::region_exists(conn, region)? {
            return Err(one_problem("preferred_regions", Problem::UnknownReference).into());
        }
    }
    Ok(referrer_municipality)
}

/// The intake as stored, for the audit of a correction.
#[derive(Serialize)]
struct IntakeAudit {
    referring_hospital_id: String,
    patient_initials: String,
    patient_age: u8,
    patient_sex: String,
    urgency: String,
    #[serde(flatten)]
    rest: Mergeable,
    version: u32,
}

/// Replaces a request's intake with a corrected one (the nurse followed up and fixed the data).
/// Refused if the request changed since `expected_version`; the old values stay in the audit log.
pub fn update_intake(
    conn: Db<'_>,
    user_id: &str,
    id: &str,
    expected_version: u32,
    request: &CheckedRequest,
    at: DateTime<Utc>,
) -> Result<()> {
    check_references(conn, request, Referrer::Active)?;
    let Some(before) = intake_audit(conn, id)? else {
        return Err(Error::NotFound { entity: "依頼", id: id.to_owned() }.into());
    };
    if before.version != expected_version {
        return Err(Error::StaleVersion { entity: "依頼" }.into());
    }
    let intake = IntakeParams::of(request)?;
    let now = to_rfc3339(at);
    let identity: [(&str, &dyn ToSql); 3] = [(":id", &id), (":now", &now), (":version", &expected_version)];
    crate::execute_cached(
        conn,
        &format!(
            "UPDATE transfer_requests SET {}, updated_at = :now, version = version + 1
             WHERE id = :id AND version = :version",
            INTAKE_COLUMNS.map(|c| format!("{c} = :{c}")).join(", "),
        ),
        &intake.with(&identity)[..],
    )?;
    if let Some(given_by) = &request.consent_given_by {
        crate::consent::record(conn, user_id, id, given_by, at, false)?;
    }
    let after = intake_audit(conn, id)?;
    audit::record(
        conn,
        audit::Change {
            user_id,
            action: audit::Action::Update,
            entity: "transfer_request",
            entity_id: id,
            before: Some(&before),
            after: after.as_ref(),
        },
    )?;
    placement_counts::reconcile(conn, id)?;
    Ok(())
}

fn intake_audit(conn: Db<'_>, id: &str) -> rusqlite::Result<Option<IntakeAudit>> {
    crate::query_row_cached(
        conn,
        "SELECT referring_hospital_id, patient_initials, patient_age, patient_sex, urgency, version,
                referrer_ward, referrer_person, referrer_phone, hospital_patient_no, residence_municipality_code,
                onset_date, positive_test_date, criteria_met_date, desired_date, care_needs, bed_type_id,
                preferred_regions, family_notes, clinical_summary, covid_dates_none
         FROM transfer_requests WHERE id = ?1",
        [id],
        |row| {
            Ok(IntakeAudit {
                referring_hospital_id: row.get(0)?,
                patient_initials: row.get(1)?,
                patient_age: row.get(2)?,
                patient_sex: row.get(3)?,
                urgency: row.get(4)?,
                version: row.get(5)?,
                rest: Mergeable {
                    referrer_ward: row.get(6)?,
                    referrer_person: row.get(7)?,
                    referrer_phone: row.get(8)?,
                    hospital_patient_no: row.get(9)?,
                    residence_municipality_code: row.get(10)?,
                    onset_date: row.get(11)?,
                    positive_test_date: row.get(12)?,
                    criteria_met_date: row.get(13)?,
                    desired_date: row.get(14)?,
                    covid_dates_none: row.get(20)?,
                    care_needs: row.get(15)?,
                    bed_type_id: row.get(16)?,
                    preferred_regions: row.get(17)?,
                    family_notes: row.get(18)?,
                    clinical_summary: row.get(19)?,
                },
            })
        },
    )
    .optional()
}

/// Assigns a request to a user (or to nobody), audited.
pub fn assign(conn: Db<'_>, user_id: &str, id: &str, assignee: Option<&str>, at: DateTime<Utc>) -> Result<()> {
    let before: Option<Option<String>> =
        crate::query_row_cached(conn, "SELECT assigned_to FROM transfer_requests WHERE id = ?1", [id], |row| {
            row.get(0)
        })
        .optional()?;
    let Some(before) = before else {
        return Err(Error::NotFound { entity: "依頼", id: id.to_owned() }.into());
    };
    if let Some(assignee) = assignee
        && users::by_id(conn, assignee)?.is_none()
    {
        return Err(one_problem("assigned_to", Problem::UnknownReference).into());
    }
    crate::execute_cached(
        conn,
        "UPDATE transfer_requests SET assigned_to = ?1, updated_at = ?2, version = version + 1 WHERE id = ?3",
        params![assignee, to_rfc3339(at), id],
    )?;
    audit::record(
        conn,
        audit::Change {
            user_id,
            action: audit::Action::Update,
            entity: "transfer_request",
            entity_id: id,
            before: Some(&serde_json::json!({ "assigned_to": before })),
            after: Some(&serde_json::json!({ "assigned_to": assignee })),
        },
    )?;
    Ok(())
}

fn one_problem(field: &str, problem: Problem) -> Error {
    Error::Validation(vec![FieldProblem::new(field, problem)])
}

/// The statement that adds a status-history row, for [`write_history`] (held across many rows by
/// a bulk write).
pub(super) fn history_statement(conn: Db<'_>) -> rusqlite::Result<rusqlite::CachedStatement<'_>> {
    conn.prepare_cached(
        "INSERT INTO request_status_history (id, request_id, from_status, to_status, at, user_id, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
}

/// Adds a status-history row through `statement` (from [`history_statement`]).
pub(super) fn write_history(
    statement: &mut rusqlite::Statement<'_>,
    request_id: &str,
    from: Option<RequestStatus>,
    to: RequestStatus,
    at: &str,
    user_id: &str,
    note: &str,
) -> rusqlite::Result<()> {
    statement.execute(params![
        new_id(),
        request_id,
        from.map(RequestStatus::as_str),
        to.as_str(),
        at,
        user_id,
        note
    ])?;
    Ok(())
}

/// A state change asked for by a user.
pub struct Transition<'a> {
    pub request_id: &'a str,
    pub to: RequestStatus,
    /// The version the user saw; if the request changed since, the move is refused.
    pub expected_version: Option<u32>,
    pub at: DateTime<Utc>,
    pub note: &'a str,
}

#[derive(Serialize)]
struct StatusAudit {
    status: RequestStatus,
    version: u32,
}

pub fn status_of(conn: Db<'_>, id: &str) -> Result<RequestStatus> {
    let status: Option<String> =
        crate::query_row_cached(conn, "SELECT status FROM transfer_requests WHERE id = ?1", [id], |row| row.get(0))
            .optional()?;
    let status = status.ok_or_else(|| Error::NotFound { entity: "依頼", id: id.to_owned() })?;
    Ok(RequestStatus::parse(&status).ok_or_else(|| bad_value(0, &status))?)
}

/// Moves a request to another state if the workflow allows it, recording history and audit.
pub fn transition(conn: Db<'_>, user_id: &str, t: &Transition) -> Result<()> {
    let (from, version) = state_of(conn, t.request_id)?;
    if t.expected_version.is_some_and(|expected| expected != version) {
        return Err(Error::StaleVersion { entity: "依頼" }.into());
    }
    if !from.can_move_to(t.to) {
        return Err(Error::InvalidTransition { from, to: t.to }.into());
    }
    if tenin_domain::text::char_len(t.note) > tenin_domain::request::NOTES_MAX {
        let problem = FieldProblem::new("note", Problem::TooLong { max: tenin_domain::request::NOTES_MAX as u32 });
        return Err(Error::Validation(vec![problem]).into());
    }
    if t.to == RequestStatus::Placed && inquiries::placement(conn, t.request_id)?.is_none() {
        return Err(tenin_domain::error::Rule::NoAcceptance.into());
    }
    if t.to.needs_reason() && t.note.trim().is_empty() {
        let detail = Detail::MemoRequired { status: t.to };
        return Err(Error::detailed("note", Problem::Required, detail).into());
    }
    let moved = Move { request_id: t.request_id, from, to: t.to, version, at: t.at, note: t.note };
    record_move(conn, user_id, &moved, audit::Action::Transition)
}

/// A request's state and version; not found is refused by name.
fn state_of(conn: Db<'_>, request_id: &str) -> Result<(RequestStatus, u32)> {
    let current: Option<(String, u32)> = crate::query_row_cached(
        conn,
        "SELECT status, version FROM transfer_requests WHERE id = ?1",
        [request_id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
    .optional()?;
    let Some((status, version)) = current else {
        return Err(Error::NotFound { entity: "依頼", id: request_id.to_owned() }.into());
    };
    Ok((RequestStatus::parse(&status).ok_or_else(|| bad_value(0, &status))?, version))
}

/// One checked move of a request's state.
struct Move<'a> {
    request_id: &'a str,
    from: RequestStatus,
    to: RequestStatus,
    /// The version the move was checked against.
    version: u32,
    at: DateTime<Utc>,
    note: &'a str,
}

/// Writes a checked move: the state and version, a history row, the audit entry (`action`), and
/// the monthly counts the state feeds.
fn record_move(conn: Db<'_>, user_id: &str, m: &Move<'_>, action: audit::Action) -> Result<()> {
    let at = to_rfc3339(m.at);
    crate::execute_cached(
        conn,
        "UPDATE transfer_requests SET status = ?1, version = version + 1, updated_at = ?2 WHERE id = ?3 AND version = ?4",
        params![m.to.as_str(), at, m.request_id, m.version],
    )?;
    write_history(&mut *history_statement(conn)?, m.request_id, Some(m.from), m.to, &at, user_id, m.note)?;
    audit::record(
        conn,
        audit::Change {
            user_id,
            action,
            entity: "transfer_request",
            entity_id: m.request_id,
            before: Some(&StatusAudit { status: m.from, version: m.version }),
            after: Some(&StatusAudit { status: m.to, version: m.version + 1 }),
        },
    )?;
    placement_counts::reconcile(conn, m.request_id)?;
    Ok(())
}

/// The last move of a request: from, to, when, by whom.
pub struct LastMove {
    pub from: Option<RequestStatus>,
    pub to: RequestStatus,
    pub at: DateTime<Utc>,
    pub user_id: String,
}

pub fn last_move(conn: Db<'_>, request_id: &str) -> crate::Result<Option<LastMove>> {
    let row: Option<(Option<String>, String, String, String)> = crate::query_row_cached(
        conn,
        "SELECT from_status, to_status, at, user_id FROM request_status_history
         WHERE request_id = ?1 ORDER BY at DESC, rowid DESC LIMIT 1",
        [request_id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
    )
    .optional()?;
    let Some((from, to, at, user_id)) = row else { return Ok(None) };
    let from = match from {
        Some(from) => Some(RequestStatus::parse(&from).ok_or_else(|| bad_value(0, &from))?),
        None => None,
    };
    Ok(Some(LastMove {
        from,
        to: RequestStatus::parse(&to).ok_or_else(|| bad_value(1, &to))?,
        at: DateTime::parse_from_rfc3339(&at).map_err(|_| bad_value(2, &at))?.to_utc(),
        user_id,
    }))
}

/// The state the request would go back to if `user_id` pressed 「元に戻す」 at `now`, if any.
pub fn undoable(
    conn: Db<'_>,
    request_id: &str,
    user_id: &str,
    now: DateTime<Utc>,
) -> crate::Result<Option<RequestStatus>> {
    let (current, _) = state_of(conn, request_id)?;
    undo_target(conn, request_id, current, user_id, now)
}

/// Where the last move of a request in state `current` would be taken back to, if it may be.
fn undo_target(
    conn: Db<'_>,
    request_id: &str,
    current: RequestStatus,
    user_id: &str,
    now: DateTime<Utc>,
) -> crate::Result<Option<RequestStatus>> {
    let Some(last) = last_move(conn, request_id)? else { return Ok(None) };
    Ok(last.from.filter(|&from| {
        current == last.to
            && tenin_domain::request_status::may_undo(from, last.to, &last.user_id, last.at, user_id, now)
    }))
}

/// Takes back the last move of a request (「元に戻す」), as a move of its own in the history and the
/// audit log: only the nurse's own undoable move, within the window, with nothing changed since
/// (`expected_version`).
pub fn undo_last_move(
    conn: Db<'_>,
    user_id: &str,
    request_id: &str,
    expected_version: u32,
    now: DateTime<Utc>,
) -> Result<RequestStatus> {
    let (from, version) = state_of(conn, request_id)?;
    if version != expected_version {
        return Err(Error::StaleVersion { entity: "依頼" }.into());
    }
    let Some(back) = undo_target(conn, request_id, from, user_id, now)? else {
        return Err(tenin_domain::error::Rule::NothingToUndo.into());
    };
    let moved = Move { request_id, from, to: back, version, at: now, note: UNDO_NOTE };
    record_move(conn, user_id, &moved, audit::Action::Undo)?;
    Ok(back)
}

/// The history's note on a move taken back.
pub const UNDO_NOTE: &str = tenin_domain::history_note::UNDO;

/// Where the patient goes: the hospital that accepted through the desk (the latest 受入可), or for a
/// transport-only request with no acceptance logged, the hospital that agreed between hospitals.
fn placement_of(conn: Db<'_>, id: &str) -> crate::Result<Option<tenin_domain::request::Placement>> {
    if let Some(placement) = inquiries::placement(conn, id)? {
        return Ok(Some(placement));
    }
    Ok(crate::query_row_cached(
        conn,
        "SELECT r.transport_only_hospital_id, h.name, r.transport_only_at
         FROM transfer_requests r JOIN hospitals h ON h.id = r.transport_only_hospital_id
         WHERE r.id = ?1",
        [id],
        |row| {
            Ok(tenin_domain::request::Placement {
                inquiry_id: String::new(),
                hospital_id: row.get(0)?,
                hospital_name: row.get(1)?,
                accepted_at: row.get(2)?,
            })
        },
    )
    .optional()?)
}

/// A transport-only case (搬送のみ): the hospitals agreed between themselves and need only a vehicle.
pub struct TransportOnly<'a> {
    pub request_id: &'a str,
    /// The hospital that agreed to receive the patient.
    pub hospital_id: &'a str,
    pub expected_version: Option<u32>,
    pub at: DateTime<Utc>,
    pub note: &'a str,
}

/// Takes a request on as transport only: it names the hospital that agreed and moves to 搬送調整中
/// without 受入決定 (so it is never counted as a desk placement), in the history with the note.
/// Only a request the desk has not placed yet (新規受付, 内容確認中, 調整中) can be.
pub fn mark_transport_only(conn: Db<'_>, user_id: &str, t: &TransportOnly<'_>) -> Result<()> {
    let current: Option<(String, u32, String)> = conn
        .query_row(
            "SELECT status, version, referring_hospital_id FROM transfer_requests WHERE id = ?1",
            [t.request_id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    let Some((status, version, referrer)) = current else {
        return Err(Error::NotFound { entity: "依頼", id: t.request_id.to_owned() }.into());
    };
    let from = RequestStatus::parse(&status).ok_or_else(|| bad_value(0, &status))?;
    if t.expected_version.is_some_and(|expected| expected != version) {
        return Err(Error::StaleVersion { entity: "依頼" }.into());
    }
    if !matches!(from, RequestStatus::New | RequestStatus::Checking | RequestStatus::Coordinating) {
        return Err(Error::InvalidTransition { from, to: RequestStatus::ArrangingTransport }.into());
    }
    let hospital: Option<(bool, String)> = conn
        .query_row("SELECT active, name FROM hospitals WHERE id = ?1", [t.hospital_id], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    let name = match hospital {
        None => return Err(Error::Validation(vec![FieldProblem::new("hospital_id", Problem::UnknownReference)]).into()),
        Some((false, _)) => {
            return Err(Error::Validation(vec![FieldProblem::new("hospital_id", Problem::NotAllowed)]).into());
        }
        Some(_) if t.hospital_id == referrer => {
            return Err(Error::Validation(vec![FieldProblem::new("hospital_id", Problem::NotAllowed)]).into());
        }
        Some((true, name)) => name,
    };
    let at = to_rfc3339(t.at);
    crate::execute_cached(
        conn,
        "UPDATE transfer_requests SET status = 'arranging_transport', transport_only_hospital_id = ?1,
                transport_only_at = ?2, version = version + 1, updated_at = ?2
         WHERE id = ?3 AND version = ?4",
        params![t.hospital_id, at, t.request_id, version],
    )?;
    let note = if t.note.trim().is_empty() {
        format!("搬送のみ（病院間で受入合意: {name}）")
    } else {
        format!("搬送のみ（病院間で受入合意: {name}）{}", t.note.trim())
    };
    let to = RequestStatus::ArrangingTransport;
    write_history(&mut *history_statement(conn)?, t.request_id, Some(from), to, &at, user_id, &note)?;
    #[derive(Serialize)]
    struct Marked<'a> {
        status: RequestStatus,
        version: u32,
        transport_only_hospital_id: Option<&'a str>,
    }
    audit::record(
        conn,
        audit::Change {
            user_id,
            action: audit::Action::Transition,
            entity: "transfer_request",
            entity_id: t.request_id,
            before: Some(&Marked { status: from, version, transport_only_hospital_id: None }),
            after: Some(&Marked {
                status: RequestStatus::ArrangingTransport,
                version: version + 1,
                transport_only_hospital_id: Some(t.hospital_id),
            }),
        },
    )?;
    placement_counts::reconcile(conn, t.request_id)?;
    Ok(())
}

/// The queue's order: open requests first, longest waiting first; then closed ones, newest first.
pub fn list(conn: Db<'_>) -> crate::Result<Vec<RequestSummary>> {
    let sql = format!(
        "{SUMMARY_SELECT}
         ORDER BY r.status IN ('transferred', 'withdrawn', 'not_placed'),
                  CASE WHEN r.status IN ('transferred', 'withdrawn', 'not_placed') THEN NULL ELSE r.registered_at END,
                  r.registered_at DESC"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], summary)?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

const CLOSED: &str = "('transferred', 'withdrawn', 'not_placed')";

/// Text a queue search matches: the reference number, the patient's initials, the referring
/// hospital's name or kana, or the name of where the patient lives — what the window's own filter
/// matches (`text` already folded by the caller; empty matches everything).
const TEXT_CONDITION: &str =
    "(:text = '' OR instr(r.ref_no, :text) > 0 OR instr(upper(r.patient_initials), upper(:text)) > 0
     OR instr(h.name, :text) > 0 OR instr(h.name_kana, :text) > 0
     OR instr((SELECT m.name FROM municipalities m WHERE m.code = r.residence_municipality_code), :text) > 0)";

const OPEN: &str = "('new', 'checking', 'coordinating', 'placed', 'arranging_transport')";

/// The queue's counts go up to this; beyond, the page says "or more".
pub const COUNT_CAP: u32 = 10_000;

/// One page of the queue in the queue's order: open requests by registration, longest waiting first,
/// then closed ones newest first. Filtered and paged in SQL — the open part (always small) and then
/// the closed part through the registration index — and only the page's rows are read in full, so a
/// desk with a million past requests sends and reads one page.
pub fn page(conn: Db<'_>, query: &QueueQuery) -> crate::Result<QueuePage> {
    let text = query.text.as_str();
    // The hospital is joined only to search its name.
    let (join, matches) = if text.is_empty() {
        ("", "1")
    } else {
        ("JOIN hospitals h ON h.id = r.referring_hospital_id", TEXT_CONDITION)
    };
    // Counted up to a cap: a desk with a million closed requests says "10,000 or more" rather than
    // count them all for a hint.
    let count = |statuses: &str, cap: Option<u32>| -> rusqlite::Result<u32> {
        let limit = cap.map_or(-1, |cap| i64::from(cap) + 1);
        let sql = format!(
            "SELECT count(*) FROM (SELECT 1 FROM transfer_requests r {join}
                                   WHERE r.status IN {statuses} AND {matches} LIMIT {limit})"
        );
        if text.is_empty() {
            conn.query_row(&sql, [], |row| row.get(0))
        } else {
            conn.query_row(&sql, rusqlite::named_params! { ":text": text }, |row| row.get(0))
        }
    };
    // The open requests are counted exactly (they are few, and paging over them needs it).
    let open_total = count(OPEN, None)?;
    let closed_total = count(CLOSED, Some(COUNT_CAP))?;
    let (total, left_out) = match query.scope {
        QueueScope::Open => (open_total, closed_total),
        QueueScope::Closed => (closed_total, open_total),
        QueueScope::All => (open_total + closed_total, 0),
    };
    // One row more than asked for says whether there is a next page, without counting.
    let want = query.limit.map_or(u32::MAX, |n| n.saturating_add(1));
    let mut ids: Vec<String> = Vec::new();
    let ids_of = |statuses: &str, index: &str, order: &str, limit: u32, offset: u32| -> rusqlite::Result<Vec<String>> {
        let sql = format!(
            "SELECT r.id FROM transfer_requests r {index} {join} WHERE r.status IN {statuses} AND {matches}
             ORDER BY {order} LIMIT :limit OFFSET :offset"
        );
        let mut stmt = conn.prepare(&sql)?;
        let limit = if limit == u32::MAX { -1 } else { i64::from(limit) };
        let rows = if text.is_empty() {
            stmt.query_map(rusqlite::named_params! { ":limit": limit, ":offset": offset }, |row| row.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?
        } else {
            stmt.query_map(rusqlite::named_params! { ":text": text, ":limit": limit, ":offset": offset }, |row| {
                row.get(0)
            })?
            .collect::<rusqlite::Result<Vec<String>>>()?
        };
        Ok(rows)
    };
    let mut skip = query.after;
    if query.scope != QueueScope::Closed {
        if skip < open_total {
            ids = ids_of(OPEN, "", "r.registered_at, r.id", want, skip)?;
            skip = 0;
        } else {
            skip -= open_total;
        }
    }
    let room = want.saturating_sub(ids.len() as u32);
    if query.scope != QueueScope::Open && room > 0 {
        // Through the index in this order (migration 27): the planner, left alone, takes the index on
        // the state and sorts every closed request for each page.
        let index = "INDEXED BY transfer_requests_closed_newest";
        ids.extend(ids_of(CLOSED, index, "r.registered_at DESC, r.id", room, skip)?);
    }
    let more = query.limit.is_some_and(|n| ids.len() as u32 > n);
    if let Some(n) = query.limit {
        ids.truncate(n as usize);
    }
    let rows = summaries(conn, &ids)?;
    let next_after = more.then(|| query.after.saturating_add(rows.len() as u32));
    let counts_capped = closed_total > COUNT_CAP;
    Ok(QueuePage { rows, total: total.min(COUNT_CAP), left_out: left_out.min(COUNT_CAP), counts_capped, next_after })
}

/// The queue rows of `ids`, in that order.
fn summaries(conn: Db<'_>, ids: &[String]) -> crate::Result<Vec<RequestSummary>> {
    let mut by_id: HashMap<String, RequestSummary> = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(",");
        let mut stmt = conn.prepare(&format!("{SUMMARY_SELECT} WHERE r.id IN ({marks})"))?;
        let rows = stmt.query_map(rusqlite::params_from_iter(chunk), summary)?;
        for row in rows {
            let row = row?;
            by_id.insert(row.id.clone(), row);
        }
    }
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// The requests a desk day's log can mention: registered before the day ended, and still open or
/// changed since the day began (so open during it) — found through the open requests and the day's
/// changes, not by reading every request ever made.
pub fn ids_for_day(conn: Db<'_>, start: &str, end: &str) -> crate::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT r.id FROM transfer_requests r WHERE r.status IN {OPEN} AND r.registered_at < ?2
         UNION
         SELECT r.id FROM request_status_history h JOIN transfer_requests r ON r.id = h.request_id
         WHERE h.at >= ?1 AND r.registered_at < ?2"
    ))?;
    let rows = stmt.query_map([start, end], |row| row.get(0))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// The requests in any of `states`, oldest first — through the index on the state, not by reading
/// every request.
pub fn ids_in_states(conn: Db<'_>, states: &[RequestStatus]) -> crate::Result<Vec<String>> {
    let states: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
    let mut stmt = conn.prepare(
        "SELECT id FROM transfer_requests WHERE status IN (SELECT value FROM json_each(?1))
         ORDER BY registered_at, rowid",
    )?;
    let rows = stmt.query_map([serde_json::to_string(&states)?], |row| row.get(0))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// The requests registered in `start..end` (RFC 3339, UTC), through the registration index.
pub fn ids_registered_between(conn: Db<'_>, start: &str, end: &str) -> crate::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT id FROM transfer_requests WHERE registered_at >= ?1 AND registered_at < ?2")?;
    let rows = stmt.query_map([start, end], |row| row.get(0))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// The requests with something in `start..end` (RFC 3339, UTC): registered, moved, asked about, or
/// a trip picked up then — what a report over the period reads, through the registration, history
/// and inquiry indexes (and the bookings, far fewer than the requests), not every request the desk
/// ever had.
pub fn ids_between(conn: Db<'_>, start: &str, end: &str) -> crate::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT id FROM transfer_requests WHERE registered_at >= ?1 AND registered_at < ?2
         UNION
         SELECT request_id FROM request_status_history WHERE at >= ?1 AND at < ?2
         UNION
         SELECT request_id FROM inquiries WHERE asked_at >= ?1 AND asked_at < ?2
         UNION
         SELECT request_id FROM transport_bookings WHERE pickup_at >= ?1 AND pickup_at < ?2",
    )?;
    let rows = stmt.query_map([start, end], |row| row.get(0))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

pub fn get(conn: Db<'_>, id: &str) -> Result<RequestDetail> {
    let sql = format!("{SUMMARY_SELECT} WHERE r.id = ?1");
    let Some(summary) = crate::query_row_cached(conn, &sql, [id], summary).optional()? else {
        return Err(Error::NotFound { entity: "依頼", id: id.to_owned() }.into());
    };
    let mut stmt = conn.prepare(
        "SELECT h.code, r.clinical_summary, u.display_name, r.version, r.referrer_ward, r.referrer_person,
                r.referrer_phone, r.hospital_patient_no, r.onset_date, r.positive_test_date, r.criteria_met_date,
                r.desired_date, r.care_needs, r.bed_type_id, v.name, r.preferred_regions, r.family_notes, r.normalized,
                r.covid_dates_none
         FROM transfer_requests r
         JOIN hospitals h ON h.id = r.referring_hospital_id
         JOIN users u ON u.id = r.created_by
         LEFT JOIN vocabulary v ON v.list = 'bed_type' AND v.id = r.bed_type_id
         WHERE r.id = ?1",
    )?;
    let mut rows = stmt.query([id])?;
    let Some(row) = rows.next()? else {
        return Err(Error::NotFound { entity: "依頼", id: id.to_owned() }.into());
    };
    let region_ids: Vec<String> = serde_json::from_str(&row.get::<_, String>(15)?)?;
    let mut preferred_regions = Vec::new();
    for region in region_ids {
        let name = reference::region_name(conn, &region)?.unwrap_or_else(|| region.clone());
        preferred_regions.push(Term { id: region, name });
    }
    Ok(RequestDetail {
        next_statuses: summary.status.next().to_vec(),
        undo_to: None,
        summary,
        referring_hospital_code: row.get(0)?,
        clinical_summary: row.get(1)?,
        created_by_name: row.get(2)?,
        version: row.get(3)?,
        referrer_ward: row.get(4)?,
        referrer_person: row.get(5)?,
        referrer_phone: row.get(6)?,
        hospital_patient_no: row.get(7)?,
        onset_date: row.get(8)?,
        positive_test_date: row.get(9)?,
        criteria_met_date: row.get(10)?,
        covid_dates_none: serde_json::from_str(&row.get::<_, String>(18)?)?,
        desired_date: row.get(11)?,
        care: serde_json::from_str(&row.get::<_, String>(12)?)?,
        bed_type_id: row.get(13)?,
        bed_type_name: row.get(14)?,
        preferred_regions,
        family_notes: row.get(16)?,
        normalized: serde_json::from_str(&row.get::<_, String>(17)?)?,
        history: history(conn, id)?,
        inquiries: inquiries::for_request(conn, id)?,
        placement: placement_of(conn, id)?,
        consent: crate::consent::of(conn, id)?,
        desk_view: None,
        bookings: transport_bookings::for_request(conn, id)?,
        quality: QualityReport::default(),
    })
}

fn history(conn: Db<'_>, id: &str) -> rusqlite::Result<Vec<StatusChange>> {
    let mut stmt = conn.prepare(
        "SELECT s.from_status, s.to_status, s.at, u.display_name, s.note
         FROM request_status_history s JOIN users u ON u.id = s.user_id
         WHERE s.request_id = ?1 ORDER BY s.at, s.id",
    )?;
    let rows = stmt.query_map([id], |row| {
        let from: Option<String> = row.get(0)?;
        Ok(StatusChange {
            from: from.map(|f| RequestStatus::parse(&f).ok_or_else(|| bad_value(0, &f))).transpose()?,
            to: status_at(row, 1)?,
            at: row.get(2)?,
            user_name: row.get(3)?,
            note: row.get(4)?,
        })
    })?;
    rows.collect()
}

pub fn count(conn: Db<'_>) -> crate::Result<u32> {
    Ok(crate::query_row_cached(conn, "SELECT count(*) FROM transfer_requests", [], |row| row.get(0))?)
}

/// How many requests are in each state, in workflow order (states with none are left out).
pub fn count_by_status(conn: Db<'_>) -> crate::Result<Vec<(RequestStatus, u32)>> {
    let mut counts = Vec::new();
    for status in RequestStatus::ALL {
        let n: u32 = crate::query_row_cached(
            conn,
            "SELECT count(*) FROM transfer_requests WHERE status = ?1",
            [status.as_str()],
            |row| row.get(0),
        )?;
        if n > 0 {
            counts.push((status, n));
        }
    }
    Ok(counts)
}

/// A request whose placement held, with the times needed for time-to-placement figures.
pub struct PlacedRequest {
    pub registered_at: String,
    /// The last move into `placed`.
    pub placed_at: String,
    pub jurisdiction_name: Option<String>,
    pub referring_hospital_name: String,
}

/// Requests now placed, arranging transport or transferred, with their last placement time.
pub fn placed(conn: Db<'_>) -> crate::Result<Vec<PlacedRequest>> {
    let mut stmt = conn.prepare(
        "SELECT r.registered_at,
                (SELECT max(s.at) FROM request_status_history s WHERE s.request_id = r.id AND s.to_status = 'placed'),
                j.name, h.name
         FROM transfer_requests r
         JOIN hospitals h ON h.id = r.referring_hospital_id
         LEFT JOIN municipalities m ON m.code = r.residence_municipality_code
         LEFT JOIN jurisdictions j ON j.id = m.jurisdiction_id
         WHERE r.status IN ('placed', 'arranging_transport', 'transferred')",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok(PlacedRequest {
            registered_at: row.get(0)?,
            placed_at: row.get(1)?,
            jurisdiction_name: row.get(2)?,
            referring_hospital_name: row.get(3)?,
        })
    })?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// Open requests, and those changed since `recent_since`, with what duplicate detection compares.
pub fn duplicate_facts(conn: Db<'_>, recent_since: &str) -> Result<Vec<(String, ExistingFacts)>> {
    let mut stmt = conn.prepare(
        "SELECT id, referring_hospital_id, hospital_patient_no, patient_initials, patient_age, patient_sex,
                onset_date, criteria_met_date
         FROM transfer_requests
         WHERE status NOT IN ('transferred', 'withdrawn', 'not_placed') OR updated_at >= ?1",
    )?;
    let rows = stmt.query_map([recent_since], |row| {
        let sex: String = row.get(5)?;
        let date = |text: Option<String>| text.and_then(|t| t.parse::<NaiveDate>().ok());
        Ok((
            row.get(0)?,
            ExistingFacts {
                referring_hospital_id: row.get(1)?,
                hospital_patient_no: row.get(2)?,
                patient_initials: row.get(3)?,
                patient_age: row.get(4)?,
                patient_sex: PatientSex::parse(&sex).ok_or_else(|| bad_value(5, &sex))?,
                onset_date: date(row.get(6)?),
                criteria_met_date: date(row.get(7)?),
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The fields a merge may fill, as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Mergeable {
    referrer_ward: String,
    referrer_person: String,
    referrer_phone: String,
    hospital_patient_no: String,
    residence_municipality_code: Option<String>,
    onset_date: Option<String>,
    positive_test_date: Option<String>,
    criteria_met_date: Option<String>,
    covid_dates_none: String,
    desired_date: Option<String>,
    care_needs: String,
    bed_type_id: Option<String>,
    preferred_regions: String,
    family_notes: String,
    clinical_summary: String,
}

/// The existing care with every item it never stated filled from `new` (a stated item is never
/// replaced).
fn fill_care(old: CareNeeds, new: &CareNeeds) -> CareNeeds {
    CareNeeds {
        oxygen_l_per_min: old.oxygen_l_per_min.or(new.oxygen_l_per_min),
        dialysis: old.dialysis.or(new.dialysis),
        tube_feeding: old.tube_feeding.or(new.tube_feeding),
        tracheostomy: old.tracheostomy.or(new.tracheostomy),
        suctioning: old.suctioning.or(new.suctioning),
        iv_line: old.iv_line.or(new.iv_line),
        dementia_bpsd: old.dementia_bpsd.or(new.dementia_bpsd),
        psychiatric: old.psychiatric.or(new.psychiatric),
        isolation: old.isolation.or(new.isolation),
        adl: if old.adl == tenin_domain::care::Adl::Unknown { new.adl } else { old.adl },
        bariatric: old.bariatric.or(new.bariatric),
    }
}

/// Merges a second referral of the same patient into an existing request: fills what the existing
/// request lacks and appends new text, never replacing anything already recorded.
pub fn merge_into(
    conn: Db<'_>,
    user_id: &str,
    existing_id: &str,
    new: &CheckedRequest,
    at: DateTime<Utc>,
) -> Result<()> {
    let before = conn
        .query_row(
            "SELECT referrer_ward, referrer_person, referrer_phone, hospital_patient_no, residence_municipality_code,
                    onset_date, positive_test_date, criteria_met_date, desired_date, care_needs, bed_type_id,
                    preferred_regions, family_notes, clinical_summary, covid_dates_none
             FROM transfer_requests WHERE id = ?1",
            [existing_id],
            |row| {
                Ok(Mergeable {
                    referrer_ward: row.get(0)?,
                    referrer_person: row.get(1)?,
                    referrer_phone: row.get(2)?,
                    hospital_patient_no: row.get(3)?,
                    residence_municipality_code: row.get(4)?,
                    onset_date: row.get(5)?,
                    positive_test_date: row.get(6)?,
                    criteria_met_date: row.get(7)?,
                    covid_dates_none: row.get(14)?,
                    desired_date: row.get(8)?,
                    care_needs: row.get(9)?,
                    bed_type_id: row.get(10)?,
                    preferred_regions: row.get(11)?,
                    family_notes: row.get(12)?,
                    clinical_summary: row.get(13)?,
                })
            },
        )
        .optional()?
        .ok_or_else(|| Error::NotFound { entity: "依頼", id: existing_id.to_owned() })?;
    let fill = |old: &str, new: &str| if old.is_empty() { new.to_owned() } else { old.to_owned() };
    let fill_opt = |old: &Option<String>, new: Option<String>| old.clone().or(new);
    let append = |old: &str, new: &str| match (old.is_empty(), new.is_empty() || old.contains(new)) {
        (_, true) => old.to_owned(),
        (true, false) => new.to_owned(),
        (false, false) => format!("{old}\n――（再依頼 {}）\n{new}", at.format("%Y-%m-%d")),
    };
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string());
    let stored_care: CareNeeds = serde_json::from_str(&before.care_needs)?;
    let care = serde_json::to_string(&fill_care(stored_care, &new.care))?;
    // A date the existing request lacks is filled from the new referral: a date, or its "none".
    let mut dates_none: Vec<String> = serde_json::from_str(&before.covid_dates_none)?;
    let stated = |field: &str, date: &Option<String>| date.is_some() || dates_none.iter().any(|f| f == field);
    let newly_none: Vec<String> = new
        .covid_dates_none
        .iter()
        .filter(|field| match field.as_str() {
            "onset_date" => !stated(field, &before.onset_date),
            "positive_test_date" => !stated(field, &before.positive_test_date),
            _ => !stated(field, &before.criteria_met_date),
        })
        .cloned()
        .collect();
    dates_none.extend(newly_none);
    let mut regions: Vec<String> = serde_json::from_str(&before.preferred_regions)?;
    for region in &new.preferred_regions {
        if !regions.contains(region) {
            regions.push(region.clone());
        }
    }
    let after = Mergeable {
        referrer_ward: fill(&before.referrer_ward, &new.referrer_ward),
        referrer_person: fill(&before.referrer_person, &new.referrer_person),
        referrer_phone: fill(&before.referrer_phone, &new.referrer_phone),
        hospital_patient_no: fill(&before.hospital_patient_no, &new.hospital_patient_no),
        residence_municipality_code: fill_opt(
            &before.residence_municipality_code,
            new.residence_municipality_code.clone(),
        ),
        onset_date: fill_opt(&before.onset_date, date(new.onset_date)),
        positive_test_date: fill_opt(&before.positive_test_date, date(new.positive_test_date)),
        criteria_met_date: fill_opt(&before.criteria_met_date, date(new.criteria_met_date)),
        covid_dates_none: serde_json::to_string(&dates_none)?,
        desired_date: fill_opt(&before.desired_date, date(new.desired_date)),
        care_needs: care,
        bed_type_id: fill_opt(&before.bed_type_id, new.bed_type_id.clone()),
        preferred_regions: serde_json::to_string(&regions)?,
        family_notes: append(&before.family_notes, &new.family_notes),
        clinical_summary: append(&before.clinical_summary, &new.clinical_summary),
    };
    let now = to_rfc3339(at);
    crate::execute_cached(
        conn,
        "UPDATE transfer_requests SET referrer_ward = ?1, referrer_person = ?2, referrer_phone = ?3,
             hospital_patient_no = ?4, residence_municipality_code = ?5, onset_date = ?6, positive_test_date = ?7,
             criteria_met_date = ?8, desired_date = ?9, care_needs = ?10, bed_type_id = ?11, preferred_regions = ?12,
             family_notes = ?13, clinical_summary = ?14, updated_at = ?15, covid_dates_none = ?17,
             version = version + 1
         WHERE id = ?16",
        params![
            after.referrer_ward,
            after.referrer_person,
            after.referrer_phone,
            after.hospital_patient_no,
            after.residence_municipality_code,
            after.onset_date,
            after.positive_test_date,
            after.criteria_met_date,
            after.desired_date,
            after.care_needs,
            after.bed_type_id,
            after.preferred_regions,
            after.family_notes,
            after.clinical_summary,
            now,
            existing_id,
            after.covid_dates_none,
        ],
    )?;
    audit::record(
        conn,
        audit::Change {
            user_id,
            action: audit::Action::Update,
            entity: "transfer_request",
            entity_id: existing_id,
            before: Some(&before),
            after: Some(&after),
        },
    )?;
    placement_counts::reconcile(conn, existing_id)?;
    Ok(())
}

/// A digest of a request's intake as stored (not its status or version): it changes exactly when
/// the intake is corrected or merged into, which is what makes a sender's next update a conflict.
pub fn intake_fingerprint(conn: Db<'_>, id: &str) -> Result<String> {
    // The COVID-19 dates answered "none" count only when there are some, so the fingerprints kept
    // from before they existed still match an unedited request.
    let columns: Vec<&str> =
        INTAKE_COLUMNS.iter().copied().filter(|c| !matches!(*c, "normalized" | "covid_dates_none")).collect();
    let sql =
        format!("SELECT json_array({}), covid_dates_none FROM transfer_requests WHERE id = ?1", columns.join(", "));
    let found: Option<(String, String)> =
        crate::query_row_cached(conn, &sql, [id], |row| Ok((row.get(0)?, row.get(1)?))).optional()?;
    let (json, dates_none) = found.ok_or_else(|| Error::NotFound { entity: "依頼", id: id.to_owned() })?;
    let text = if dates_none == "[]" { json } else { format!("{json}{dates_none}") };
    Ok(tenin_domain::exchange::package::sha256_hex(text.as_bytes()))
}

/// Migration 14's step: every care item a request stored before "not stated" existed lacks (or
/// holds as null oxygen) is set to its "none" — that form asked every question — and the
/// fingerprints the exchange keeps of those requests are moved on with them, so a hospital's next
/// update is not mistaken for one over a desk edit.
pub(crate) fn restate_old_care(conn: Db<'_>) -> Result<()> {
    let unedited: Vec<(String, String, String, String)> = {
        let mut stmt = conn.prepare(
            "SELECT s.sender, s.kind, s.record_id, s.entity_id FROM exchange_sources s
             JOIN transfer_requests r ON r.id = s.entity_id WHERE s.kind = 'requests'",
        )?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?;
        let mut kept = Vec::new();
        for row in rows {
            let (sender, kind, record_id, entity_id): (String, String, String, String) = row?;
            let stored: String = conn.query_row(
                "SELECT desk_fingerprint FROM exchange_sources WHERE sender = ?1 AND kind = ?2 AND record_id = ?3",
                params![sender, kind, record_id],
                |row| row.get(0),
            )?;
            if stored == intake_fingerprint(conn, &entity_id)? {
                kept.push((sender, kind, record_id, entity_id));
            }
        }
        kept
    };
    conn.execute(
        "UPDATE transfer_requests SET care_needs = json_replace(care_needs, '$.oxygen_l_per_min', 0)
         WHERE json_type(care_needs, '$.oxygen_l_per_min') = 'null'",
        [],
    )?;
    conn.execute(
        "UPDATE transfer_requests SET care_needs = json_insert(care_needs,
             '$.oxygen_l_per_min', 0, '$.dialysis', 'none', '$.tube_feeding', 'none',
             '$.tracheostomy', json('false'), '$.suctioning', 'none', '$.iv_line', 'none',
             '$.dementia_bpsd', json('false'), '$.psychiatric', json('false'), '$.isolation', 'none',
             '$.adl', 'unknown', '$.bariatric', json('false'))",
        [],
    )?;
    for (sender, kind, record_id, entity_id) in unedited {
        let fingerprint = intake_fingerprint(conn, &entity_id)?;
        conn.execute(
            "UPDATE exchange_sources SET desk_fingerprint = ?4 WHERE sender = ?1 AND kind = ?2 AND record_id = ?3",
            params![sender, kind, record_id, fingerprint],
        )?;
    }
    Ok(())
}

/// A request's reference number and version.
pub fn ref_no_and_version(conn: Db<'_>, id: &str) -> Result<(String, u32)> {
    Ok(crate::query_row_cached(conn, "SELECT ref_no, version FROM transfer_requests WHERE id = ?1", [id], |row| {
        Ok((row.get(0)?, row.get(1)?))
    })
    .optional()?
    .ok_or_else(|| Error::NotFound { entity: "依頼", id: id.to_owned() })?)
}
