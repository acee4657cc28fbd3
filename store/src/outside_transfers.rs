//! The outside_transfers table: downward transfers arranged without the desk, for its share.

use rusqlite::{OptionalExtension, params};
use tenin_domain::error::{Error, FieldProblem, Problem};
use tenin_domain::outside_transfer::{CheckedOutsideTransfer, OutsideTransfer};

use crate::Db;
use crate::Result;
use crate::audit;
use crate::ids::{new_id, now_rfc3339};

fn refused(field: &str, problem: Problem) -> Error {
    Error::Validation(vec![FieldProblem::new(field, problem)])
}

/// Records a transfer outside the desk (`source`: `desk` or `import`), audited; the hospitals must be
/// in the directory and the municipality in the region pack.
pub fn insert(conn: Db<'_>, user_id: &str, record: &CheckedOutsideTransfer, source: &str) -> Result<String> {
    let hospital_exists = |id: &str| -> rusqlite::Result<bool> {
        conn.query_row("SELECT EXISTS (SELECT 1 FROM hospitals WHERE id = ?1)", [id], |row| row.get(0))
    };
    if !hospital_exists(&record.referring_hospital_id)? {
        return Err(refused("referring_hospital_id", Problem::UnknownReference).into());
    }
    if let Some(receiver) = &record.receiving_hospital_id
        && !hospital_exists(receiver)?
    {
        return Err(refused("receiving_hospital_id", Problem::UnknownReference).into());
    }
    if let Some(code) = &record.residence_municipality_code
        && !crate::reference::municipality_exists(conn, code)?
    {
        return Err(refused("residence_municipality_code", Problem::UnknownReference).into());
    }
    let id = new_id();
    conn.execute(
        "INSERT INTO outside_transfers (id, transferred_on, referring_hospital_id, receiving_hospital_id,
                                        residence_municipality_code, count, note, source, recorded_by, recorded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            id,
            record.transferred_on.to_string(),
            record.referring_hospital_id,
            record.receiving_hospital_id,
            record.residence_municipality_code,
            record.count,
            record.note,
            source,
            user_id,
            now_rfc3339()
        ],
    )?;
    let after = get(conn, &id)?;
    audit::record(
        conn,
        audit::Change {
            user_id,
            action: audit::Action::Create,
            entity: "outside_transfer",
            entity_id: &id,
            before: None::<&()>,
            after: after.as_ref(),
        },
    )?;
    Ok(id)
}

const SELECT: &str = "SELECT o.id, o.transferred_on, o.referring_hospital_id, f.name, t.name,
        o.residence_municipality_code, o.count, o.note, o.source, u.display_name, o.recorded_at
     FROM outside_transfers o
     JOIN hospitals f ON f.id = o.referring_hospital_id
     LEFT JOIN hospitals t ON t.id = o.receiving_hospital_id
     JOIN users u ON u.id = o.recorded_by";

fn row(row: &rusqlite::Row) -> rusqlite::Result<OutsideTransfer> {
    Ok(OutsideTransfer {
        id: row.get(0)?,
        transferred_on: row.get(1)?,
        referring_hospital_id: row.get(2)?,
        referring_hospital_name: row.get(3)?,
        receiving_hospital_name: row.get(4)?,
        residence_municipality_code: row.get(5)?,
        count: row.get(6)?,
        note: row.get(7)?,
        source: row.get(8)?,
        recorded_by_name: row.get(9)?,
        recorded_at: row.get(10)?,
    })
}

pub fn get(conn: Db<'_>, id: &str) -> crate::Result<Option<OutsideTransfer>> {
    Ok(conn.query_row(&format!("{SELECT} WHERE o.id = ?1"), [id], row).optional()?)
}

/// The records with a transfer day in `from..=to` (ISO dates), earliest first.
pub fn between(conn: Db<'_>, from: &str, to: &str) -> crate::Result<Vec<OutsideTransfer>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE o.transferred_on BETWEEN ?1 AND ?2 ORDER BY o.transferred_on, o.recorded_at"
    ))?;
    let rows = stmt.query_map([from, to], row)?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}
