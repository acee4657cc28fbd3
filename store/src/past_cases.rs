//! Cases from the previous system (the history import): each checked alone, then many written
//! at once — table by table, the way a bulk insert goes — with everything a case that went
//! through the desk's workflow has: a reference number, a status history each step of which the
//! workflow allows, the receiving hospital's acceptance, a chained audit entry and its monthly count.

use std::collections::BTreeMap;
use tenin_domain::error::Detail;

use crate::Db;
use chrono::{DateTime, FixedOffset, Utc};
use rusqlite::{ToSql, params};
use serde::Serialize;

use crate::Result;
use crate::audit;
use crate::ids::{new_id, to_rfc3339};
use crate::placement_counts::{self, Key};
use crate::requests::{self, INTAKE_COLUMNS, IntakeParams};
use tenin_domain::error::{Error, Problem};
use tenin_domain::request::CheckedRequest;
use tenin_domain::request_status::RequestStatus;

/// A case registered, coordinated and closed before the desk existed.
pub struct PastCase {
    pub request: CheckedRequest,
    pub registered_at: DateTime<Utc>,
    /// placed, transferred, not_placed or withdrawn.
    pub outcome: RequestStatus,
    pub outcome_at: DateTime<Utc>,
    pub receiving_hospital_id: Option<String>,
    /// Kept on the closing history row (e.g. the transport mode).
    pub note: String,
}

/// A past case whose checks have all passed: writing it can fail only in storage.
pub struct CheckedPastCase {
    case: PastCase,
    /// The moves after `new` that led to the outcome.
    path: &'static [RequestStatus],
    referrer_municipality: String,
}

impl CheckedPastCase {
    /// The outcome the case will be written in, and when it was reached.
    pub fn outcome(&self) -> (RequestStatus, DateTime<Utc>) {
        (self.case.outcome, self.case.outcome_at)
    }
}

/// A case as written.
pub struct Written {
    pub id: String,
    pub ref_no: String,
}

pub use requests::DayNumbers;

/// Every check of a past case, before anything is written: what it names exists and may be
/// used, and its outcome is one a case can end in.
pub fn check(conn: Db<'_>, case: PastCase) -> Result<CheckedPastCase> {
    use RequestStatus::*;
    let referrer_municipality = requests::check_references(conn, &case.request, requests::Referrer::ActiveOrClosed)?;
    let path: &'static [RequestStatus] = match case.outcome {
        Placed => &[Coordinating, Placed],
        Transferred => &[Coordinating, Placed, ArrangingTransport, Transferred],
        NotPlaced => &[Coordinating, NotPlaced],
        Withdrawn => &[Withdrawn],
        other => {
            let detail = Detail::NotAnOutcome { outcome: other.label_ja().to_owned() };
            return Err(Error::detailed("outcome", Problem::Invalid, detail).into());
        }
    };
    Ok(CheckedPastCase { case, path, referrer_municipality })
}

/// What the audit log keeps of a past case.
#[derive(Serialize)]
struct Audited<'a> {
    ref_no: &'a str,
    status: RequestStatus,
    registered_at: &'a str,
    outcome_at: &'a str,
    receiving_hospital_id: Option<&'a str>,
    note: &'a str,
    imported_from: &'a str,
    #[serde(flatten)]
    request: &'a CheckedRequest,
}

/// Writes checked past cases in their final state, in order, as imported by `imported_from` (an
/// exchange): the requests, then their histories, acceptances, audit entries and monthly counts.
/// Fails only in storage (SQLite, JSON), which ends the caller's transaction: no case is ever
/// written in part. Nothing else may write between the cases (one transaction).
pub fn insert(
    conn: Db<'_>,
    user_id: &str,
    imported_from: &str,
    cases: &[CheckedPastCase],
    offset: FixedOffset,
    numbers: &mut DayNumbers,
) -> Result<Vec<Written>> {
    use RequestStatus::*;
    let written: Vec<Written> = cases
        .iter()
        .map(|checked| {
            let ref_no = numbers.next(conn, requests::ref_no_day(checked.case.registered_at, offset))?;
            Ok(Written { id: new_id(), ref_no })
        })
        .collect::<rusqlite::Result<_>>()?;
    let times: Vec<(String, String)> =
        cases.iter().map(|c| (to_rfc3339(c.case.registered_at), to_rfc3339(c.case.outcome_at))).collect();

    static INSERT_REQUEST: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        format!(
            "INSERT INTO transfer_requests (id, ref_no, status, registered_at, created_by, updated_at, imported_from,
                                            counted_month, counted_referrer, counted_residence, {})
             VALUES ({})",
            INTAKE_COLUMNS.join(", "),
            (1..=10 + INTAKE_COLUMNS.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", "),
        )
    });
    let mut counts: BTreeMap<Key, u32> = BTreeMap::new();
    // Each table's statement is held for the whole chunk, not looked up in the cache per row.
    let mut insert_request = conn.prepare_cached(&INSERT_REQUEST)?;
    for ((checked, case), (registered, closed)) in cases.iter().zip(&written).zip(&times) {
        // Placed at `closed` (the history below says so): counted under that month from the start,
        // the key `placement_counts::reconcile` would find.
        let counted = match checked.case.outcome {
            Placed | Transferred => {
                let residence = checked.case.request.residence_municipality_code.clone().unwrap_or_default();
                placement_counts::key_of(closed, checked.referrer_municipality.clone(), residence, offset)
            }
            _ => None,
        };
        let (month, referrer, residence) = match &counted {
            Some((m, f, r)) => (Some(m.as_str()), Some(f.as_str()), Some(r.as_str())),
            None => (None, None, None),
        };
        let intake = IntakeParams::of(&checked.case.request)?;
        let status = checked.case.outcome.as_str();
        let identity: [&dyn ToSql; 10] = [
            &case.id,
            &case.ref_no,
            &status,
            registered,
            &user_id,
            closed,
            &imported_from,
            &month,
            &referrer,
            &residence,
        ];
        let values: Vec<&dyn ToSql> = identity.into_iter().chain(intake.values()).collect();
        insert_request.execute(&values[..])?;
        if let Some(key) = counted {
            *counts.entry(key).or_default() += 1;
        }
    }
    let mut insert_history = requests::history_statement(conn)?;
    for ((checked, case), (registered, closed)) in cases.iter().zip(&written).zip(&times) {
        requests::write_history(&mut insert_history, &case.id, None, New, registered, user_id, "履歴取込")?;
        let mut from = New;
        for (n, to) in checked.path.iter().enumerate() {
            let at = if n == 0 && *to == Coordinating { registered } else { closed };
            let note = if *to == checked.case.outcome { checked.case.note.as_str() } else { "" };
            requests::write_history(&mut insert_history, &case.id, Some(from), *to, at, user_id, note)?;
            from = *to;
        }
    }
    let mut insert_acceptance = conn.prepare_cached(
        "INSERT INTO inquiries (id, request_id, hospital_id, contact, channel, asked_at, asked_by, outcome, note,
                                answered_at, updated_at)
         VALUES (?1, ?2, ?3, '', 'package', ?4, ?5, 'accepted', '履歴取込', ?4, ?4)",
    )?;
    for ((checked, case), (_, closed)) in cases.iter().zip(&written).zip(&times) {
        if let (Some(hospital_id), Placed | Transferred) = (&checked.case.receiving_hospital_id, checked.case.outcome) {
            insert_acceptance.execute(params![new_id(), case.id, hospital_id, closed, user_id])?;
        }
    }
    let mut chain = audit::Chain::continued(conn)?;
    for ((checked, case), (registered, closed)) in cases.iter().zip(&written).zip(&times) {
        let audited = Audited {
            ref_no: &case.ref_no,
            status: checked.case.outcome,
            registered_at: registered,
            outcome_at: closed,
            receiving_hospital_id: checked.case.receiving_hospital_id.as_deref(),
            note: &checked.case.note,
            imported_from,
            request: &checked.case.request,
        };
        chain.created(user_id, "transfer_request", &case.id, &audited)?;
    }
    for (key, n) in &counts {
        placement_counts::add(conn, key, *n)?;
    }
    Ok(written)
}
