//! Users: who may sign in, with which role, their password hash and wrong-password count.
//! The desk's own account (login `desk`, no password) acts for the desk itself: loading the region
//! pack at set-up and scheduled backups. It can never sign in.

use crate::Db;
use rusqlite::{OptionalExtension, Row, params};

use crate::ids::{new_id, now_rfc3339};
use tenin_domain::access::Role;

pub const SYSTEM_LOGIN: &str = "desk";
pub const SYSTEM_DISPLAY_NAME: &str = "デスク担当";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    /// Whether a password is set (the account can sign in).
    pub has_password: bool,
    pub failed_sign_ins: u32,
    /// RFC 3339: until when sign-in is refused after repeated wrong passwords.
    pub wait_until: Option<String>,
    pub version: u32,
}

const COLUMNS: &str =
    "id, login, display_name, role, active, password_hash IS NOT NULL, failed_sign_ins, wait_until, version";

fn from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    let role: String = row.get(3)?;
    Ok(User {
        id: row.get(0)?,
        login: row.get(1)?,
        display_name: row.get(2)?,
        // The table's CHECK allows only the four names.
        role: Role::parse(&role).unwrap_or(Role::ReadOnly),
        active: row.get(4)?,
        has_password: row.get(5)?,
        failed_sign_ins: row.get(6)?,
        wait_until: row.get(7)?,
        version: row.get(8)?,
    })
}

pub fn by_login(conn: Db<'_>, login: &str) -> crate::Result<Option<User>> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM users WHERE login = ?1"), [login], from_row).optional()?)
}

pub fn by_id(conn: Db<'_>, id: &str) -> crate::Result<Option<User>> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"), [id], from_row).optional()?)
}

/// Everyone but the desk's own account, by login.
pub fn list(conn: Db<'_>) -> crate::Result<Vec<User>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM users WHERE login <> ?1 ORDER BY login"))?;
    stmt.query_map([SYSTEM_LOGIN], from_row)?.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

pub fn password_hash(conn: Db<'_>, id: &str) -> crate::Result<Option<String>> {
    Ok(conn
        .query_row("SELECT password_hash FROM users WHERE id = ?1", [id], |row| row.get(0))
        .optional()
        .map(Option::flatten)?)
}

/// Active administrators who can sign in; none means the desk still needs its first one.
pub fn count_signable_administrators(conn: Db<'_>) -> crate::Result<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM users WHERE role = 'administrator' AND active = 1 AND password_hash IS NOT NULL",
        [],
        |row| row.get(0),
    )?)
}

/// The desk's own account, created on first use.
pub fn ensure_system(conn: Db<'_>) -> crate::Result<User> {
    if let Some(user) = by_login(conn, SYSTEM_LOGIN)? {
        return Ok(user);
    }
    insert(conn, SYSTEM_LOGIN, SYSTEM_DISPLAY_NAME, Role::Administrator, None)
}

pub fn insert(
    conn: Db<'_>,
    login: &str,
    display_name: &str,
    role: Role,
    password_hash: Option<&str>,
) -> crate::Result<User> {
    let id = new_id();
    let now = now_rfc3339();
    conn.execute(
        "INSERT INTO users (id, login, display_name, role, password_hash, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        params![id, login, display_name, role.as_str(), password_hash, now],
    )?;
    by_id(conn, &id)?.ok_or(rusqlite::Error::QueryReturnedNoRows.into())
}

/// Changes name, role and whether the account is active, if `version` is still current.
/// Returns whether a row changed.
pub fn update(
    conn: Db<'_>,
    id: &str,
    version: u32,
    display_name: &str,
    role: Role,
    active: bool,
) -> crate::Result<bool> {
    let changed = conn.execute(
        "UPDATE users SET display_name = ?3, role = ?4, active = ?5, version = version + 1, updated_at = ?6
         WHERE id = ?1 AND version = ?2",
        params![id, version, display_name, role.as_str(), active, now_rfc3339()],
    )?;
    Ok(changed == 1)
}

/// Sets a new password hash and clears the wrong-password count.
pub fn set_password(conn: Db<'_>, id: &str, hash: &str) -> crate::Result<()> {
    conn.execute(
        "UPDATE users SET password_hash = ?2, failed_sign_ins = 0, wait_until = NULL,
                version = version + 1, updated_at = ?3 WHERE id = ?1",
        params![id, hash, now_rfc3339()],
    )?;
    Ok(())
}

pub fn record_failed_sign_in(conn: Db<'_>, id: &str, failures: u32, wait_until: Option<&str>) -> crate::Result<()> {
    conn.execute(
        "UPDATE users SET failed_sign_ins = ?2, wait_until = ?3 WHERE id = ?1",
        params![id, failures, wait_until],
    )?;
    Ok(())
}

pub fn clear_failed_sign_ins(conn: Db<'_>, id: &str) -> crate::Result<()> {
    conn.execute("UPDATE users SET failed_sign_ins = 0, wait_until = NULL WHERE id = ?1", [id])?;
    Ok(())
}
