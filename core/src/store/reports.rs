//! The queries behind the reports.

use rusqlite::Connection;

/// One placement that held: when (the last move into placed, RFC 3339 UTC), the referring
/// hospital's municipality and the patient's residence.
pub struct PlacementRow {
    pub placed_at: String,
    pub referrer_municipality: String,
    pub residence_municipality: Option<String>,
}

/// Placements that held whose last move into placed lies in [`from`, `to`) (RFC 3339 UTC).
pub fn placements(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<Vec<PlacementRow>> {
    let mut stmt = conn.prepare(
        "SELECT p.at, h.municipality_code, r.residence_municipality_code
         FROM (SELECT request_id, max(at) AS at FROM request_status_history WHERE to_status = 'placed'
               GROUP BY request_id) p
         JOIN transfer_requests r ON r.id = p.request_id
         JOIN hospitals h ON h.id = r.referring_hospital_id
         WHERE r.status IN ('placed', 'arranging_transport', 'transferred') AND p.at >= ?1 AND p.at < ?2",
    )?;
    let rows = stmt.query_map([from, to], |row| {
        Ok(PlacementRow {
            placed_at: row.get(0)?,
            referrer_municipality: row.get(1)?,
            residence_municipality: row.get(2)?,
        })
    })?;
    rows.collect()
}

/// The report groups (the official table's columns), in the pack's order.
pub fn report_groups(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT id, name FROM report_groups ORDER BY sort_order")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}

/// Each municipality's report group, through its jurisdiction.
pub fn municipality_groups(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT m.code, j.report_group FROM municipalities m JOIN jurisdictions j ON j.id = m.jurisdiction_id",
    )?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}

/// Every medical region's name, by id.
pub fn region_names(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT id, name FROM medical_regions")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect()
}
