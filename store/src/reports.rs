//! The queries behind the reports.

use crate::Db;

/// The report groups (the official table's columns), in the pack's order.
pub fn report_groups(conn: Db<'_>) -> crate::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT id, name FROM report_groups ORDER BY sort_order")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// Each municipality's report group, through its jurisdiction.
pub fn municipality_groups(conn: Db<'_>) -> crate::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT m.code, j.report_group FROM municipalities m JOIN jurisdictions j ON j.id = m.jurisdiction_id",
    )?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// Every medical region's name, by id.
pub fn region_names(conn: Db<'_>) -> crate::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT id, name FROM medical_regions")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}
