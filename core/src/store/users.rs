//! Users. For now one default desk user does everything; roles and sign-in come with issue 9.

use rusqlite::{Connection, OptionalExtension, params};

use crate::ids::{new_id, now_rfc3339};

pub const DEFAULT_LOGIN: &str = "desk";
pub const DEFAULT_DISPLAY_NAME: &str = "デスク担当";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub login: String,
    pub display_name: String,
}

pub fn by_login(conn: &Connection, login: &str) -> rusqlite::Result<Option<User>> {
    conn.query_row("SELECT id, login, display_name FROM users WHERE login = ?1", [login], |row| {
        Ok(User { id: row.get(0)?, login: row.get(1)?, display_name: row.get(2)? })
    })
    .optional()
}

pub fn by_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<User>> {
    conn.query_row("SELECT id, login, display_name FROM users WHERE id = ?1", [id], |row| {
        Ok(User { id: row.get(0)?, login: row.get(1)?, display_name: row.get(2)? })
    })
    .optional()
}

/// The default user, created on first use.
pub fn ensure_default(conn: &Connection) -> rusqlite::Result<User> {
    if let Some(user) = by_login(conn, DEFAULT_LOGIN)? {
        return Ok(user);
    }
    let user = User { id: new_id(), login: DEFAULT_LOGIN.to_owned(), display_name: DEFAULT_DISPLAY_NAME.to_owned() };
    conn.execute(
        "INSERT INTO users (id, login, display_name, role, created_at) VALUES (?1, ?2, ?3, 'administrator', ?4)",
        params![user.id, user.login, user.display_name, now_rfc3339()],
    )?;
    Ok(user)
}
