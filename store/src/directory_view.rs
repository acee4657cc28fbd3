//! What a read of the directory depends on, shared by the hospitals and their capacity: the plan in
//! force and what makes capacity stale; and whether a hospital exists.

use chrono::{DateTime, Utc};
use tenin_domain::error::Error;

use crate::Db;
use crate::Result;

/// What the directory is read against: the medical plan in force, and the time and age limit
/// that decide whether capacity is stale.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    pub plan_id: Option<&'a str>,
    pub now: DateTime<Utc>,
    pub stale_after_hours: u32,
}

/// Refuses a hospital id that is not in the directory.
pub fn require(conn: Db<'_>, id: &str) -> Result<()> {
    let known: bool =
        crate::query_row_cached(conn, "SELECT count(*) FROM hospitals WHERE id = ?1", [id], |r| r.get(0))?;
    if known { Ok(()) } else { Err(Error::NotFound { entity: "医療機関", id: id.to_owned() }.into()) }
}
