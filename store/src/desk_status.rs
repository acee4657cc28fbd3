//! A hospital edition's view of its own requests at the desk (`desk_status`): what the desk's
//! status packages said, what its acknowledgements refused, and what was last sent to it.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use crate::{Db, Result};

pub use tenin_domain::request_view::DeskView;

const SELECT: &str = "SELECT r.id, coalesce(d.desk_ref_no, ''), coalesce(d.status, ''), coalesce(d.status_label, ''),
        d.status_since, d.placed_at, coalesce(d.problem, ''), d.changed_at, d.sent_fingerprint IS NOT NULL
    FROM transfer_requests r LEFT JOIN desk_status d ON d.request_id = r.id";

fn view(row: &rusqlite::Row) -> rusqlite::Result<DeskView> {
    Ok(DeskView {
        request_id: row.get(0)?,
        desk_ref_no: row.get(1)?,
        status: row.get(2)?,
        status_label: row.get(3)?,
        status_since: row.get(4)?,
        placed_at: row.get(5)?,
        problem: row.get(6)?,
        changed_at: row.get(7)?,
        sent: row.get(8)?,
    })
}

/// Every request's view, by request id.
pub fn all(conn: Db<'_>) -> crate::Result<HashMap<String, DeskView>> {
    let mut stmt = conn.prepare(SELECT)?;
    let rows = stmt.query_map([], view)?;
    let mut by_id = HashMap::new();
    for row in rows {
        let view = row?;
        by_id.insert(view.request_id.clone(), view);
    }
    Ok(by_id)
}

pub fn of(conn: Db<'_>, request_id: &str) -> crate::Result<Option<DeskView>> {
    Ok(conn.query_row(&format!("{SELECT} WHERE r.id = ?1"), [request_id], view).optional()?)
}

fn ensure(conn: Db<'_>, request_id: &str) -> crate::Result<()> {
    crate::execute_cached(conn, "INSERT OR IGNORE INTO desk_status (request_id) VALUES (?1)", [request_id])?;
    Ok(())
}

/// What the desk's status package says of a request; returns whether anything changed.
pub struct StatusFromDesk<'a> {
    pub ref_no: &'a str,
    pub status: &'a str,
    pub status_label: &'a str,
    pub status_since: &'a str,
    pub placed_at: Option<&'a str>,
}

pub fn apply_status(conn: Db<'_>, request_id: &str, s: &StatusFromDesk, now: &str) -> Result<bool> {
    ensure(conn, request_id)?;
    let changed = crate::execute_cached(
        conn,
        "UPDATE desk_status SET desk_ref_no = ?2, status = ?3, status_label = ?4, status_since = ?5, placed_at = ?6,
             problem = '', changed_at = ?7
         WHERE request_id = ?1 AND (desk_ref_no, status, coalesce(status_since, ''), coalesce(placed_at, ''))
             IS NOT (?2, ?3, ?5, coalesce(?6, ''))",
        params![request_id, s.ref_no, s.status, s.status_label, s.status_since, s.placed_at, now],
    )?;
    Ok(changed > 0)
}

/// The desk's acknowledgement refused the last version sent: why.
pub fn set_problem(conn: Db<'_>, request_id: &str, problem: &str, now: &str) -> Result<()> {
    ensure(conn, request_id)?;
    crate::execute_cached(
        conn,
        "UPDATE desk_status SET problem = ?2, changed_at = ?3 WHERE request_id = ?1",
        params![request_id, problem, now],
    )?;
    Ok(())
}

/// The intake `fingerprint` (and, with `withdrawn`, the withdrawal) was written for the desk.
pub fn mark_sent(conn: Db<'_>, request_id: &str, fingerprint: &str, withdrawn: bool) -> Result<()> {
    ensure(conn, request_id)?;
    crate::execute_cached(
        conn,
        "UPDATE desk_status SET sent_fingerprint = ?2, withdrawal_sent = max(withdrawal_sent, ?3) WHERE request_id = ?1",
        params![request_id, fingerprint, withdrawn],
    )?;
    Ok(())
}

/// A request and what was last sent of it.
pub struct SentState {
    pub request_id: String,
    pub status: String,
    /// The intake fingerprint last sent (none: never sent).
    pub sent_fingerprint: Option<String>,
    pub withdrawal_sent: bool,
}

/// Every request with what was last sent of it, oldest first.
pub fn sent_state(conn: Db<'_>) -> crate::Result<Vec<SentState>> {
    let mut stmt = conn.prepare(
        "SELECT r.id, r.status, d.sent_fingerprint, coalesce(d.withdrawal_sent, 0)
         FROM transfer_requests r LEFT JOIN desk_status d ON d.request_id = r.id ORDER BY r.registered_at, r.id",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok(SentState {
            request_id: row.get(0)?,
            status: row.get(1)?,
            sent_fingerprint: row.get(2)?,
            withdrawal_sent: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
