//! The audit log: one row per mutation, written in the same transaction as the mutation itself,
//! and chained: each entry carries the hash of the one before and its own SHA-256 over that and its
//! content, so an entry edited, removed or slipped in afterwards breaks the chain from there on.

use crate::Db;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::ids::now_rfc3339;

/// What happened to an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Transition,
    Load,
    /// Signing in and out, and wrong passwords (entity `session`, entity id says which).
    SignIn,
    /// Files removed on purpose (the quarantine folder emptied).
    Delete,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Transition => "transition",
            Action::Load => "load",
            Action::SignIn => "sign_in",
            Action::Delete => "delete",
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

pub fn record<B: Serialize, A: Serialize>(conn: Db<'_>, change: Change<'_, B, A>) -> crate::Result<()> {
    Chain::continued(conn)?.record(conn, change)
}

/// The end of the chain, read once for many entries written in a row (a bulk import): each
/// entry appended moves it on. Only valid while nothing else writes to the log in between
/// (inside one transaction).
pub struct Chain {
    last_hash: Option<String>,
}

impl Chain {
    pub fn continued(conn: Db<'_>) -> crate::Result<Chain> {
        Ok(Chain { last_hash: last_hash(conn)? })
    }

    pub fn record<B: Serialize, A: Serialize>(&mut self, conn: Db<'_>, change: Change<'_, B, A>) -> crate::Result<()> {
        let before = change.before.map(serde_json::to_string).transpose()?;
        let after = change.after.map(serde_json::to_string).transpose()?;
        let entry = Content {
            at: now_rfc3339(),
            user_id: change.user_id.to_owned(),
            action: change.action.as_str().to_owned(),
            entity: change.entity.to_owned(),
            entity_id: change.entity_id.to_owned(),
            before_json: before,
            after_json: after,
        };
        let hash = entry.hash(self.last_hash.as_deref());
        crate::execute_cached(
            conn,
            "INSERT INTO audit_log (at, user_id, action, entity, entity_id, before_json, after_json, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                entry.at,
                entry.user_id,
                entry.action,
                entry.entity,
                entry.entity_id,
                entry.before_json,
                entry.after_json,
                self.last_hash,
                hash
            ],
        )?;
        self.last_hash = Some(hash);
        Ok(())
    }

    pub fn created<A: Serialize>(
        &mut self,
        conn: Db<'_>,
        user_id: &str,
        entity: &str,
        entity_id: &str,
        after: &A,
    ) -> crate::Result<()> {
        self.record(
            conn,
            Change::<(), A> { user_id, action: Action::Create, entity, entity_id, before: None, after: Some(after) },
        )
    }
}

/// What an entry's hash covers.
struct Content {
    at: String,
    user_id: String,
    action: String,
    entity: String,
    entity_id: String,
    before_json: Option<String>,
    after_json: Option<String>,
}

impl Content {
    /// SHA-256 (hex) over the previous hash and each field, each field length-prefixed so no two
    /// different entries can run together into the same bytes.
    fn hash(&self, prev: Option<&str>) -> String {
        let mut digest = Sha256::new();
        let fields = [
            Some(prev.unwrap_or("")),
            Some(self.at.as_str()),
            Some(self.user_id.as_str()),
            Some(self.action.as_str()),
            Some(self.entity.as_str()),
            Some(self.entity_id.as_str()),
            self.before_json.as_deref(),
            self.after_json.as_deref(),
        ];
        for field in fields {
            match field {
                Some(text) => {
                    digest.update((text.len() as u64).to_be_bytes());
                    digest.update(text.as_bytes());
                }
                None => digest.update(u64::MAX.to_be_bytes()),
            }
        }
        hex::encode(digest.finalize())
    }
}

fn last_hash(conn: Db<'_>) -> rusqlite::Result<Option<String>> {
    Ok(crate::query_row_cached(
        conn,
        "SELECT hash FROM audit_log WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1",
        [],
        |row| row.get(0),
    )
    .optional()?
    .flatten())
}

fn content(row: &rusqlite::Row) -> rusqlite::Result<(i64, Content, Option<String>, Option<String>)> {
    Ok((
        row.get(0)?,
        Content {
            at: row.get(1)?,
            user_id: row.get(2)?,
            action: row.get(3)?,
            entity: row.get(4)?,
            entity_id: row.get(5)?,
            before_json: row.get(6)?,
            after_json: row.get(7)?,
        },
        row.get(8)?,
        row.get(9)?,
    ))
}

const CHAIN_SELECT: &str =
    "SELECT seq, at, user_id, action, entity, entity_id, before_json, after_json, prev_hash, hash
                            FROM audit_log";

/// Seals, in order, the entries written before the chain existed (schema 10). Run when the desk
/// opens; does nothing once every entry has its hash.
pub fn seal_unchained(conn: Db<'_>) -> crate::Result<u32> {
    let mut stmt = conn.prepare(&format!("{CHAIN_SELECT} WHERE hash IS NULL ORDER BY seq"))?;
    let unsealed: Vec<_> = stmt.query_map([], content)?.collect::<rusqlite::Result<_>>()?;
    let mut prev: Option<String> = None;
    let mut sealed = 0;
    for (seq, entry, _, _) in unsealed {
        // The entry just before this one (sealed earlier in this loop, or already chained).
        if prev.is_none() {
            prev = conn
                .query_row("SELECT hash FROM audit_log WHERE seq < ?1 ORDER BY seq DESC LIMIT 1", [seq], |row| {
                    row.get(0)
                })
                .optional()?
                .flatten();
        }
        let hash = entry.hash(prev.as_deref());
        crate::execute_cached(
            conn,
            "UPDATE audit_log SET prev_hash = ?2, hash = ?3 WHERE seq = ?1",
            params![seq, prev, hash],
        )?;
        prev = Some(hash);
        sealed += 1;
    }
    Ok(sealed)
}

/// The result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChainCheck {
    pub entries: u32,
    /// The first entry whose content or link does not match, with why; `None` when the chain holds.
    pub broken_at: Option<BrokenLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BrokenLink {
    pub seq: i32,
    pub reason: String,
}

/// Walks the whole chain: each entry's content must hash to its hash, and link to the previous one.
pub fn verify(conn: Db<'_>) -> crate::Result<ChainCheck> {
    let mut stmt = conn.prepare(&format!("{CHAIN_SELECT} ORDER BY seq"))?;
    let rows = stmt.query_map([], content)?;
    let mut prev: Option<String> = None;
    let mut entries = 0;
    for row in rows {
        let (seq, entry, prev_hash, hash) = row?;
        entries += 1;
        let broken = |reason: &str| ChainCheck {
            entries,
            broken_at: Some(BrokenLink { seq: seq as i32, reason: reason.to_owned() }),
        };
        if prev_hash != prev {
            return Ok(broken("前の記録とのつながりが一致しません（記録の削除・挿入・並べ替え）"));
        }
        if hash.as_deref() != Some(entry.hash(prev.as_deref()).as_str()) {
            return Ok(broken("記録の内容がハッシュと一致しません（書き換え）"));
        }
        prev = hash;
    }
    Ok(ChainCheck { entries, broken_at: None })
}

/// Records the creation of a record, with its values.
pub fn created<A: Serialize>(
    conn: Db<'_>,
    user_id: &str,
    entity: &str,
    entity_id: &str,
    after: &A,
) -> crate::Result<()> {
    Chain::continued(conn)?.created(conn, user_id, entity, entity_id, after)
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
pub fn for_entity(conn: Db<'_>, entity: &str, entity_id: &str) -> crate::Result<Vec<AuditEntry>> {
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
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

pub fn count(conn: Db<'_>) -> crate::Result<u32> {
    Ok(crate::query_row_cached(conn, "SELECT count(*) FROM audit_log", [], |row| row.get(0))?)
}

/// What the audit viewer narrows by; every part optional, combined with AND.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct AuditFilter {
    /// An entity kind (`transfer_request`, `hospital`, `desk_settings`, …).
    pub entity: Option<String>,
    /// From this time (RFC 3339 or a date, inclusive).
    pub from: Option<String>,
    /// Before this time (RFC 3339 or a date, exclusive).
    pub to: Option<String>,
    /// Text found in the entity id, the user's name or the values before or after.
    pub text: String,
    /// At most this many rows, newest first (default 500, at most 10,000).
    pub limit: Option<u32>,
}

/// One row of the audit viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AuditRow {
    pub seq: i32,
    pub at: String,
    pub user_name: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// The audit rows matching `filter`, newest first.
pub fn search(conn: Db<'_>, filter: &AuditFilter) -> crate::Result<Vec<AuditRow>> {
    let limit = filter.limit.unwrap_or(500).clamp(1, 10_000);
    let text = filter.text.trim();
    let mut stmt = conn.prepare(
        "SELECT a.seq, a.at, coalesce(u.display_name, a.user_id), a.action, a.entity, a.entity_id,
                a.before_json, a.after_json
         FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
         WHERE (?1 IS NULL OR a.entity = ?1)
           AND (?2 IS NULL OR a.at >= ?2)
           AND (?3 IS NULL OR a.at < ?3)
           AND (?4 = '' OR instr(a.entity_id, ?4) > 0 OR instr(coalesce(u.display_name, ''), ?4) > 0
                OR instr(coalesce(a.before_json, ''), ?4) > 0 OR instr(coalesce(a.after_json, ''), ?4) > 0)
         ORDER BY a.seq DESC LIMIT ?5",
    )?;
    let rows = stmt.query_map(params![filter.entity, filter.from, filter.to, text, limit], |row| {
        Ok(AuditRow {
            seq: row.get(0)?,
            at: row.get(1)?,
            user_name: row.get(2)?,
            action: row.get(3)?,
            entity: row.get(4)?,
            entity_id: row.get(5)?,
            before_json: row.get(6)?,
            after_json: row.get(7)?,
        })
    })?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// The entity kinds present, for the viewer's filter.
pub fn entities(conn: Db<'_>) -> crate::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT DISTINCT entity FROM audit_log ORDER BY entity")?;
    let rows = stmt.query_map([], |row| row.get(0))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}
