//! Drafts: a user's half-typed forms (a new request, an inquiry on a request), one per user, kind and
//! key (the request an inquiry is for; empty for an intake), replaced as they are typed.

use rusqlite::{OptionalExtension, params};

use crate::Db;
use crate::ids::now_rfc3339;

/// A saved draft: the form's fields as the UI sent them (JSON), and when.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Draft {
    pub body: String,
    pub saved_at: String,
}

pub fn save(conn: Db<'_>, user_id: &str, kind: &str, key: &str, body: &str) -> crate::Result<()> {
    crate::execute_cached(
        conn,
        "INSERT INTO drafts (user_id, kind, key, body, saved_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (user_id, kind, key) DO UPDATE SET body = excluded.body, saved_at = excluded.saved_at",
        params![user_id, kind, key, body, now_rfc3339()],
    )?;
    Ok(())
}

pub fn get(conn: Db<'_>, user_id: &str, kind: &str, key: &str) -> crate::Result<Option<Draft>> {
    Ok(crate::query_row_cached(
        conn,
        "SELECT body, saved_at FROM drafts WHERE user_id = ?1 AND kind = ?2 AND key = ?3",
        params![user_id, kind, key],
        |row| Ok(Draft { body: row.get(0)?, saved_at: row.get(1)? }),
    )
    .optional()?)
}

pub fn discard(conn: Db<'_>, user_id: &str, kind: &str, key: &str) -> crate::Result<()> {
    crate::execute_cached(
        conn,
        "DELETE FROM drafts WHERE user_id = ?1 AND kind = ?2 AND key = ?3",
        params![user_id, kind, key],
    )?;
    Ok(())
}
