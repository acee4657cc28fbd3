//! The inquiries table: the desk's log of asking receiving hospitals.

use crate::Db;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

use crate::Result;
use crate::audit;
use crate::ids::{new_id, to_rfc3339};
use tenin_domain::error::Rule;
use tenin_domain::error::{Error, FieldProblem, Problem};
use tenin_domain::inquiry::{CheckedInquiry, Inquiry, InquiryChannel, InquiryOutcome};
use tenin_domain::request::Placement;
use tenin_domain::request_status::RequestStatus;

fn refused(field: &str, problem: Problem) -> Error {
    Error::Validation(vec![FieldProblem::new(field, problem)])
}

fn reason_exists(conn: Db<'_>, id: &str) -> rusqlite::Result<bool> {
    crate::query_row_cached(
        conn,
        "SELECT EXISTS (SELECT 1 FROM vocabulary WHERE list = 'decline_reason' AND id = ?1)",
        [id],
        |row| row.get(0),
    )
}

/// Logs an inquiry. The request must still be open, the hospital an active receiving hospital,
/// and a decline reason one of the region pack's.
pub fn insert(conn: Db<'_>, user_id: &str, inquiry: &CheckedInquiry, at: DateTime<Utc>) -> Result<String> {
    let status: Option<String> = conn
        .query_row("SELECT status FROM transfer_requests WHERE id = ?1", [&inquiry.request_id], |row| row.get(0))
        .optional()?;
    match status.as_deref().and_then(RequestStatus::parse) {
        None => return Err(Error::NotFound { entity: "依頼", id: inquiry.request_id.clone() }.into()),
        Some(status) if !status.is_open() => {
            return Err(Rule::NoInquiryInState { status }.into());
        }
        Some(_) => {}
    }
    let hospital: Option<(bool, bool)> = conn
        .query_row("SELECT active, is_receiving FROM hospitals WHERE id = ?1", [&inquiry.hospital_id], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    match hospital {
        None => return Err(refused("hospital_id", Problem::UnknownReference).into()),
        Some((active, receiving)) if !active || !receiving => {
            return Err(refused("hospital_id", Problem::NotAllowed).into());
        }
        Some(_) => {}
    }
    if let Some(reason) = &inquiry.decline_reason
        && !reason_exists(conn, reason)?
    {
        return Err(refused("decline_reason", Problem::UnknownReference).into());
    }
    let id = new_id();
    let at = to_rfc3339(at);
    let answered_at = (inquiry.outcome != InquiryOutcome::Waiting).then_some(&at);
    crate::execute_cached(
        conn,
        "INSERT INTO inquiries (id, request_id, hospital_id, contact, channel, asked_at, asked_by, outcome,
                                decline_reason, note, call_back_at, answered_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?6)",
        params![
            id,
            inquiry.request_id,
            inquiry.hospital_id,
            inquiry.contact,
            inquiry.channel.as_str(),
            at,
            user_id,
            inquiry.outcome.as_str(),
            inquiry.decline_reason,
            inquiry.note,
            inquiry.call_back_at.map(to_rfc3339),
            answered_at,
        ],
    )?;
    audit::created(conn, user_id, "inquiry", &id, inquiry)?;
    Ok(id)
}

#[derive(Serialize)]
struct AnswerAudit<'a> {
    outcome: &'a str,
    decline_reason: Option<&'a str>,
    note: &'a str,
    version: u32,
}

/// Records a hospital's answer to a waiting inquiry. Returns the request the inquiry belongs to.
pub fn answer(
    conn: Db<'_>,
    user_id: &str,
    inquiry_id: &str,
    expected_version: u32,
    (outcome, reason, note): (InquiryOutcome, Option<String>, String),
    at: DateTime<Utc>,
) -> Result<String> {
    let current: Option<(String, String, Option<String>, String, u32)> = conn
        .query_row(
            "SELECT request_id, outcome, decline_reason, note, version FROM inquiries WHERE id = ?1",
            [inquiry_id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)),
        )
        .optional()?;
    let Some((request_id, old_outcome, old_reason, old_note, version)) = current else {
        return Err(Error::NotFound { entity: "打診", id: inquiry_id.to_owned() }.into());
    };
    if version != expected_version || old_outcome != InquiryOutcome::Waiting.as_str() {
        return Err(Rule::AlreadyAnswered.into());
    }
    if let Some(reason) = &reason
        && !reason_exists(conn, reason)?
    {
        return Err(refused("decline_reason", Problem::UnknownReference).into());
    }
    // The answer's note is added to what was noted when asking, never replacing it.
    let note = match (old_note.is_empty(), note.is_empty()) {
        (_, true) => old_note.clone(),
        (true, false) => note,
        (false, false) => format!("{old_note}\n{note}"),
    };
    let at = to_rfc3339(at);
    crate::execute_cached(
        conn,
        "UPDATE inquiries SET outcome = ?1, decline_reason = ?2, note = ?3, answered_at = ?4, updated_at = ?4,
                              version = version + 1
         WHERE id = ?5 AND version = ?6",
        params![outcome.as_str(), reason, note, at, inquiry_id, version],
    )?;
    let before = AnswerAudit { outcome: &old_outcome, decline_reason: old_reason.as_deref(), note: &old_note, version };
    let after =
        AnswerAudit { outcome: outcome.as_str(), decline_reason: reason.as_deref(), note: &note, version: version + 1 };
    audit::record(
        conn,
        audit::Change {
            user_id,
            action: audit::Action::Update,
            entity: "inquiry",
            entity_id: inquiry_id,
            before: Some(&before),
            after: Some(&after),
        },
    )?;
    Ok(request_id)
}

fn inquiry(row: &Row) -> rusqlite::Result<Inquiry> {
    let bad = |column: usize, value: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            format!("unknown value {value:?}").into(),
        )
    };
    let channel: String = row.get(4)?;
    let outcome: String = row.get(7)?;
    Ok(Inquiry {
        id: row.get(0)?,
        hospital_id: row.get(1)?,
        hospital_name: row.get(2)?,
        contact: row.get(3)?,
        channel: InquiryChannel::parse(&channel).ok_or_else(|| bad(4, &channel))?,
        asked_at: row.get(5)?,
        asked_by_name: row.get(6)?,
        outcome: InquiryOutcome::parse(&outcome).ok_or_else(|| bad(7, &outcome))?,
        decline_reason: row.get(8)?,
        decline_reason_name: row.get(9)?,
        own_rule: row.get::<_, Option<bool>>(10)?.unwrap_or(false),
        note: row.get(11)?,
        call_back_at: row.get(12)?,
        answered_at: row.get(13)?,
        version: row.get(14)?,
    })
}

/// A request's inquiries, oldest first.
pub fn for_request(conn: Db<'_>, request_id: &str) -> crate::Result<Vec<Inquiry>> {
    let mut stmt = conn.prepare(
        "SELECT i.id, i.hospital_id, h.name, i.contact, i.channel, i.asked_at, u.display_name, i.outcome,
                i.decline_reason, v.name, v.own_rule, i.note, i.call_back_at, i.answered_at, i.version
         FROM inquiries i
         JOIN hospitals h ON h.id = i.hospital_id
         JOIN users u ON u.id = i.asked_by
         LEFT JOIN vocabulary v ON v.list = 'decline_reason' AND v.id = i.decline_reason
         WHERE i.request_id = ?1
         ORDER BY i.asked_at, i.id",
    )?;
    let rows = stmt.query_map([request_id], inquiry)?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// Where a request was placed: its latest accepted inquiry.
pub fn placement(conn: Db<'_>, request_id: &str) -> crate::Result<Option<Placement>> {
    Ok(crate::query_row_cached(
        conn,
        "SELECT i.id, i.hospital_id, h.name, coalesce(i.answered_at, i.asked_at) AS at
         FROM inquiries i JOIN hospitals h ON h.id = i.hospital_id
         WHERE i.request_id = ?1 AND i.outcome = 'accepted'
         ORDER BY at DESC, i.id DESC LIMIT 1",
        [request_id],
        |row| {
            Ok(Placement {
                inquiry_id: row.get(0)?,
                hospital_id: row.get(1)?,
                hospital_name: row.get(2)?,
                accepted_at: row.get(3)?,
            })
        },
    )
    .optional()?)
}

/// Where an inquiry stands, for an answer arriving by package.
pub struct AnswerState {
    pub hospital_id: String,
    pub outcome: String,
    pub decline_reason: Option<String>,
    pub version: u32,
    pub request_id: String,
}

pub fn answer_state(conn: Db<'_>, inquiry_id: &str) -> crate::Result<Option<AnswerState>> {
    Ok(crate::query_row_cached(
        conn,
        "SELECT hospital_id, outcome, decline_reason, version, request_id FROM inquiries WHERE id = ?1",
        [inquiry_id],
        |row| {
            Ok(AnswerState {
                hospital_id: row.get(0)?,
                outcome: row.get(1)?,
                decline_reason: row.get(2)?,
                version: row.get(3)?,
                request_id: row.get(4)?,
            })
        },
    )
    .optional()?)
}

/// Notes that an inquiry's package was written (`package_id`), in the transaction that logs it.
pub fn mark_sent(conn: Db<'_>, inquiry_id: &str, package_id: &str) -> crate::Result<()> {
    crate::execute_cached(
        conn,
        "UPDATE inquiries SET package_id = ?2 WHERE id = ?1 AND channel = 'package'",
        params![inquiry_id, package_id],
    )?;
    Ok(())
}

/// Inquiries to be sent as packages whose package is not written yet: (inquiry, request, hospital).
pub fn unsent_packages(conn: Db<'_>) -> crate::Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT id, request_id, hospital_id FROM inquiries
         WHERE channel = 'package' AND package_id IS NULL AND outcome = 'waiting' ORDER BY asked_at, id",
    )?;
    Ok(stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?.collect::<rusqlite::Result<_>>()?)
}

/// An inquiry's reply-by (its call-back time) and whether its package was written.
pub fn package_state(conn: Db<'_>, inquiry_id: &str) -> crate::Result<Option<(Option<String>, Option<String>)>> {
    Ok(crate::query_row_cached(
        conn,
        "SELECT call_back_at, package_id FROM inquiries WHERE id = ?1",
        [inquiry_id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
    .optional()?)
}

/// The request and hospital of an inquiry.
pub fn request_and_hospital(conn: Db<'_>, inquiry_id: &str) -> crate::Result<Option<(String, String)>> {
    Ok(crate::query_row_cached(
        conn,
        "SELECT request_id, hospital_id FROM inquiries WHERE id = ?1",
        [inquiry_id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
    .optional()?)
}

/// The waiting answers whose call-back time is at or before `until`, on requests still open, the
/// earliest first (at most `limit`). Read through `inquiries_call_back_due`, so its cost is that of
/// the waiting call-backs, not of the desk's history.
pub fn call_backs_due(
    conn: Db<'_>,
    until: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<tenin_domain::inquiry::DueCallBack>> {
    let mut statement = conn.prepare_cached(
        "SELECT i.id, i.request_id, r.ref_no, h.name, i.call_back_at
         FROM inquiries i INDEXED BY inquiries_call_back_due
         JOIN transfer_requests r ON r.id = i.request_id
         JOIN hospitals h ON h.id = i.hospital_id
         WHERE i.outcome = 'waiting' AND i.call_back_at IS NOT NULL AND i.call_back_at <= ?1
           AND r.status NOT IN ('transferred', 'withdrawn', 'not_placed')
         ORDER BY i.call_back_at, i.id
         LIMIT ?2",
    )?;
    let rows = statement.query_map(params![to_rfc3339(until), limit], |row| {
        Ok(tenin_domain::inquiry::DueCallBack {
            inquiry_id: row.get(0)?,
            request_id: row.get(1)?,
            ref_no: row.get(2)?,
            hospital_name: row.get(3)?,
            call_back_at: row.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
