//! Wrong attempts for logins that do not exist, counted and made to wait exactly as a real user's
//! are (`users::record_failed_sign_in`), so that trying names tells nothing about which exist. The
//! table is keyed by a digest of the folded login: the names people tried are not kept.

use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::Db;

/// Failures so far and the end of the wait, for a login that does not exist.
pub struct Attempts {
    pub failures: u32,
    pub wait_until: Option<String>,
}

fn key(login: &str) -> String {
    hex::encode(Sha256::digest(login.as_bytes()))
}

pub fn get(conn: Db<'_>, login: &str) -> crate::Result<Attempts> {
    let found = crate::query_row_cached(
        conn,
        "SELECT failures, wait_until FROM sign_in_attempts WHERE login_digest = ?1",
        [key(login)],
        |row| Ok(Attempts { failures: row.get(0)?, wait_until: row.get(1)? }),
    )
    .optional()?;
    Ok(found.unwrap_or(Attempts { failures: 0, wait_until: None }))
}

pub fn record_failure(conn: Db<'_>, login: &str, failures: u32, wait_until: Option<&str>) -> crate::Result<()> {
    crate::execute_cached(
        conn,
        "INSERT INTO sign_in_attempts (login_digest, failures, wait_until) VALUES (?1, ?2, ?3)
         ON CONFLICT (login_digest) DO UPDATE SET failures = excluded.failures, wait_until = excluded.wait_until",
        params![key(login), failures, wait_until],
    )?;
    Ok(())
}
