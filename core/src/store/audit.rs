//! The audit log: one row per mutation, written in the same transaction as the mutation itself.

use rusqlite::{Connection, params};
use serde::Serialize;

use crate::ids::now_rfc3339;

/// What happened to an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Transition,
    Load,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Transition => "transition",
            Action::Load => "load",
        }
    }
}

/// One audited change, as passed to [`record`].
pub struct Change<'a, B: Serialize, A: Serialize> {
    pub user_id: &'a str,
    pub action: Action,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub before: Option<&'a B>,
    pub after: Option<&'a A>,
}

pub fn record<B: Serialize, A: Serialize>(conn: &Connection, change: Change<'_, B, A>) -> crate::Result<()> {
    let before = change.before.map(serde_json::to_string).transpose()?;
    let after = change.after.map(serde_json::to_string).transpose()?;
    conn.execute(
        "INSERT INTO audit_log (at, user_id, action, entity, entity_id, before_json, after_json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![now_rfc3339(), change.user_id, change.action.as_str(), change.entity, change.entity_id, before, after],
    )?;
    Ok(())
}

/// Records the creation of a record, with its values.
pub fn created<A: Serialize>(
    conn: &Connection,
    user_id: &str,
    entity: &str,
    entity_id: &str,
    after: &A,
) -> crate::Result<()> {
    record(
        conn,
        Change::<(), A> { user_id, action: Action::Create, entity, entity_id, before: None, after: Some(after) },
    )
}

/// A row of the audit log as read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub user_id: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// The audit entries of one entity, oldest first.
pub fn for_entity(conn: &Connection, entity: &str, entity_id: &str) -> rusqlite::Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, user_id, action, entity, entity_id, before_json, after_json
         FROM audit_log WHERE entity = ?1 AND entity_id = ?2 ORDER BY seq",
    )?;
    let rows = stmt.query_map(params![entity, entity_id], |row| {
        Ok(AuditEntry {
            seq: row.get(0)?,
            at: row.get(1)?,
            user_id: row.get(2)?,
            action: row.get(3)?,
            entity: row.get(4)?,
            entity_id: row.get(5)?,
            before_json: row.get(6)?,
            after_json: row.get(7)?,
        })
    })?;
    rows.collect()
}

pub fn count(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("SELECT count(*) FROM audit_log", [], |row| row.get(0))
}
