//! What a name for a request points at (`tenin_domain::request_name`): its id, its reference
//! number, or a hospital's record id kept by the exchange.

use rusqlite::OptionalExtension;
use tenin_domain::request_name::RequestName;

use crate::{Db, Result};

/// The requests a name points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    One(String),
    Nothing,
    /// A record id several hospitals use: (reference number, hospital code) of each.
    Several(Vec<(String, String)>),
}

pub fn find(conn: Db<'_>, name: &RequestName) -> Result<Named> {
    if name.text.is_empty() {
        return Ok(Named::Nothing);
    }
    let by = |sql: &str, key: &str| -> Result<Option<String>> {
        Ok(crate::query_row_cached(conn, sql, [key], |row| row.get(0)).optional()?)
    };
    if let Some(id) = by("SELECT id FROM transfer_requests WHERE id = ?1", &name.text)? {
        return Ok(Named::One(id));
    }
    if let Some(ref_no) = &name.ref_no
        && let Some(id) = by("SELECT id FROM transfer_requests WHERE ref_no = ?1", ref_no)?
    {
        return Ok(Named::One(id));
    }
    let mut stmt = conn.prepare(
        "SELECT s.entity_id, r.ref_no, s.sender FROM exchange_sources s
         JOIN transfer_requests r ON r.id = s.entity_id
         WHERE s.kind = 'requests' AND s.record_id = ?1 AND (?2 IS NULL OR s.sender = ?2)
         ORDER BY r.ref_no",
    )?;
    let found: Vec<(String, String, String)> = stmt
        .query_map(rusqlite::params![name.record_id, name.sender], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(match found.as_slice() {
        [] => Named::Nothing,
        [(id, _, _)] => Named::One(id.clone()),
        several => Named::Several(several.iter().map(|(_, ref_no, sender)| (ref_no.clone(), sender.clone())).collect()),
    })
}
