//! The capacity_reports table: every report kept; the current figure is the latest per bed type.

use std::collections::HashMap;

use crate::Db;
use rusqlite::{Row, named_params};

use crate::Result;
use crate::directory_view::View;
use crate::ids::{new_id, now_rfc3339};
use crate::{audit, reference};
use tenin_domain::capacity::{CapacityReport, CheckedCapacityReport, is_stale};
use tenin_domain::error::{Error, FieldProblem, Problem};

const REPORT_SELECT: &str = "
    SELECT c.hospital_id, c.id, c.bed_type, coalesce(v.name, c.bed_type), c.available, c.baseline, c.expected_24h,
           c.expected_72h, c.reported_at, c.reported_by, coalesce(u.display_name, c.recorded_by), c.recorded_at
    FROM capacity_reports c
    LEFT JOIN vocabulary v ON v.list = 'bed_type' AND v.id = c.bed_type
    LEFT JOIN users u ON u.id = c.recorded_by";

fn report(row: &Row, view: View) -> rusqlite::Result<(String, CapacityReport)> {
    let reported_at: String = row.get(8)?;
    Ok((
        row.get(0)?,
        CapacityReport {
            id: row.get(1)?,
            bed_type: row.get(2)?,
            bed_type_name: row.get(3)?,
            available: row.get(4)?,
            baseline: row.get(5)?,
            expected_24h: row.get(6)?,
            expected_72h: row.get(7)?,
            stale: is_stale(&reported_at, view.now, view.stale_after_hours),
            reported_at,
            reported_by: row.get(9)?,
            recorded_by: row.get(10)?,
            recorded_at: row.get(11)?,
        },
    ))
}

/// The latest report of each bed type (latest `reported_at`; a later entry breaks a tie), by
/// hospital id: of one hospital, or all when `hospital_id` is `None`. In the pack's bed-type order.
pub fn current(
    conn: Db<'_>,
    view: View,
    hospital_id: Option<&str>,
) -> crate::Result<HashMap<String, Vec<CapacityReport>>> {
    let sql = format!(
        "{REPORT_SELECT}
         WHERE (:id IS NULL OR c.hospital_id = :id)
           AND NOT EXISTS (SELECT 1 FROM capacity_reports d
                           WHERE d.hospital_id = c.hospital_id AND d.bed_type = c.bed_type
                             AND (d.reported_at > c.reported_at OR (d.reported_at = c.reported_at AND d.id > c.id)))
         ORDER BY c.hospital_id, v.sort_order, c.bed_type"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(named_params! {":id": hospital_id}, |row| report(row, view))?;
    let mut by_hospital: HashMap<String, Vec<CapacityReport>> = HashMap::new();
    for row in rows {
        let (hospital_id, report) = row?;
        by_hospital.entry(hospital_id).or_default().push(report);
    }
    Ok(by_hospital)
}

/// A hospital's reports, newest first, at most `limit`.
pub fn history(conn: Db<'_>, view: View, hospital_id: &str, limit: u32) -> crate::Result<Vec<CapacityReport>> {
    let sql = format!("{REPORT_SELECT} WHERE c.hospital_id = :id ORDER BY c.reported_at DESC, c.id DESC LIMIT :limit");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(named_params! {":id": hospital_id, ":limit": limit}, |row| report(row, view))?;
    rows.map(|row| row.map(|(_, report)| report)).collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// Stores the reports of one hospital (already checked), audited. Refuses a bed type the region
/// pack does not have, naming it by `field_prefix(index)`.
pub fn insert(
    conn: Db<'_>,
    user_id: &str,
    hospital_id: &str,
    reports: &[CheckedCapacityReport],
    field_prefix: impl Fn(usize) -> String,
) -> Result<()> {
    crate::directory_view::require(conn, hospital_id)?;
    let mut unknown = Vec::new();
    for (i, report) in reports.iter().enumerate() {
        if !reference::term_exists(conn, "bed_type", &report.bed_type)? {
            unknown.push(FieldProblem::new(&format!("{}bed_type", field_prefix(i)), Problem::UnknownReference));
        }
    }
    if !unknown.is_empty() {
        return Err(Error::Validation(unknown).into());
    }
    let now = now_rfc3339();
    let mut stmt = conn.prepare_cached(
        "INSERT INTO capacity_reports (id, hospital_id, bed_type, available, baseline, expected_24h, expected_72h,
                                       reported_at, reported_by, recorded_by, recorded_at)
         VALUES (:id, :hospital_id, :bed_type, :available, :baseline, :expected_24h, :expected_72h,
                 :reported_at, :reported_by, :recorded_by, :recorded_at)",
    )?;
    for r in reports {
        let id = new_id();
        stmt.execute(named_params! {
            ":id": id,
            ":hospital_id": hospital_id,
            ":bed_type": r.bed_type,
            ":available": r.available,
            ":baseline": r.baseline,
            ":expected_24h": r.expected_24h,
            ":expected_72h": r.expected_72h,
            ":reported_at": r.reported_at,
            ":reported_by": r.reported_by,
            ":recorded_by": user_id,
            ":recorded_at": now,
        })?;
        audit::created(conn, user_id, "capacity_report", &id, r)?;
    }
    Ok(())
}
