//! The audit log: one row per mutation, written in the same transaction as the mutation itself,
//! and chained: each entry carries the hash of the one before and its own SHA-256 over that and its
//! content, so an entry edited, removed or slipped in afterwards breaks the chain from there on.
//!
//! Entries of form 2 (schema 18 on) hash a SHA-256 digest of the values before and after, kept
//! beside them: the values can be erased under a retention rule ([`erase_values`]) and the chain
//! still holds. The end of the chain (its [`Head`]) is printed on the daily log, carried by every
//! outbound package and kept in every backup, so cutting entries off the end is found by
//! [`verify_against`] a head saved earlier.

use crate::Db;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::ids::now_rfc3339;

/// What happened to an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Transition,
    Load,
    /// Signing in and out, and wrong passwords (entity `session`, entity id says which).
    SignIn,
    /// Files removed on purpose (the quarantine folder emptied).
    Delete,
    /// A move taken back straight after it was made (「元に戻す」).
    Undo,
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
            Action::Undo => "undo",
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
    Chain::continued(conn)?.record(change)
}

/// An entry written later than the moment it records (a sign-in while another program held the
/// write lock): its time is the moment itself.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Pending {
    pub at: String,
    pub user_id: String,
    pub action: Action,
    pub entity: String,
    pub entity_id: String,
    pub after: serde_json::Value,
}

impl Pending {
    pub fn now<A: Serialize>(change: Change<'_, (), A>) -> crate::Result<Pending> {
        Ok(Pending {
            at: now_rfc3339(),
            user_id: change.user_id.to_owned(),
            action: change.action,
            entity: change.entity.to_owned(),
            entity_id: change.entity_id.to_owned(),
            after: serde_json::to_value(change.after)?,
        })
    }
}

/// Writes a pending entry, with the time it was made.
pub fn record_pending(conn: Db<'_>, pending: &Pending) -> crate::Result<()> {
    let change = Change::<(), _> {
        user_id: &pending.user_id,
        action: pending.action,
        entity: &pending.entity,
        entity_id: &pending.entity_id,
        before: None,
        after: Some(&pending.after),
    };
    Chain::continued(conn)?.record_at(change, pending.at.clone())
}

/// The end of the chain, read once for many entries written in a row (a bulk import): each
/// entry appended moves it on. Only valid while nothing else writes to the log in between
/// (inside one transaction).
pub struct Chain<'c> {
    last_hash: Option<String>,
    /// Held for every entry of the run (not looked up in the statement cache per entry).
    insert: rusqlite::CachedStatement<'c>,
}

impl<'c> Chain<'c> {
    pub fn continued(conn: Db<'c>) -> crate::Result<Chain<'c>> {
        Ok(Chain {
            last_hash: last_hash(conn)?,
            insert: conn.prepare_cached(
                "INSERT INTO audit_log (at, user_id, action, entity, entity_id, before_json, after_json, prev_hash,
                                        hash, form, before_digest, after_digest)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 2, ?10, ?11)",
            )?,
        })
    }

    pub fn record<B: Serialize, A: Serialize>(&mut self, change: Change<'_, B, A>) -> crate::Result<()> {
        self.record_at(change, now_rfc3339())
    }

    fn record_at<B: Serialize, A: Serialize>(&mut self, change: Change<'_, B, A>, at: String) -> crate::Result<()> {
        let before = change.before.map(serde_json::to_string).transpose()?;
        let after = change.after.map(serde_json::to_string).transpose()?;
        let entry = Content {
            at,
            user_id: change.user_id.to_owned(),
            action: change.action.as_str().to_owned(),
            entity: change.entity.to_owned(),
            entity_id: change.entity_id.to_owned(),
            before_json: before.as_deref().map(digest),
            after_json: after.as_deref().map(digest),
        };
        let hash = entry.hash(self.last_hash.as_deref());
        self.insert.execute(params![
            entry.at,
            entry.user_id,
            entry.action,
            entry.entity,
            entry.entity_id,
            before,
            after,
            self.last_hash,
            hash,
            entry.before_json,
            entry.after_json
        ])?;
        self.last_hash = Some(hash);
        Ok(())
    }

    pub fn created<A: Serialize>(
        &mut self,
        user_id: &str,
        entity: &str,
        entity_id: &str,
        after: &A,
    ) -> crate::Result<()> {
        self.record(Change::<(), A> {
            user_id,
            action: Action::Create,
            entity,
            entity_id,
            before: None,
            after: Some(after),
        })
    }
}

/// SHA-256 (hex) of an entry's values, which the hash of a form-2 entry covers in their place.
fn digest(values: &str) -> String {
    hex::encode(Sha256::digest(values.as_bytes()))
}

/// What an entry's hash covers: for form 1 the values before and after themselves, for form 2
/// their digests.
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

/// One stored entry as the chain reads it.
struct Stored {
    seq: i64,
    /// What the hash covers (for form 2, the digests).
    content: Content,
    prev_hash: Option<String>,
    hash: Option<String>,
    /// A form-2 entry's values that do not match their digests (erased values are not a mismatch).
    values_differ: bool,
}

fn stored(row: &rusqlite::Row) -> rusqlite::Result<Stored> {
    let form: i64 = row.get(10)?;
    let before: Option<String> = row.get(6)?;
    let after: Option<String> = row.get(7)?;
    let (before_json, after_json, values_differ) = if form == 2 {
        let before_digest: Option<String> = row.get(11)?;
        let after_digest: Option<String> = row.get(12)?;
        let differs = |value: &Option<String>, kept: &Option<String>| match value {
            Some(value) => kept.as_deref() != Some(digest(value).as_str()),
            None => false,
        };
        let differ = differs(&before, &before_digest) || differs(&after, &after_digest);
        (before_digest, after_digest, differ)
    } else {
        (before, after, false)
    };
    Ok(Stored {
        seq: row.get(0)?,
        content: Content {
            at: row.get(1)?,
            user_id: row.get(2)?,
            action: row.get(3)?,
            entity: row.get(4)?,
            entity_id: row.get(5)?,
            before_json,
            after_json,
        },
        prev_hash: row.get(8)?,
        hash: row.get(9)?,
        values_differ,
    })
}

const CHAIN_SELECT: &str =
    "SELECT seq, at, user_id, action, entity, entity_id, before_json, after_json, prev_hash, hash,
                                   form, before_digest, after_digest
                            FROM audit_log";

/// The same columns before schema 18 (for the sealing step of schema 10, which runs before the
/// form and digest columns exist): every entry is form 1.
const CHAIN_SELECT_FORM_1: &str =
    "SELECT seq, at, user_id, action, entity, entity_id, before_json, after_json, prev_hash, hash,
                                          1, NULL, NULL
                                   FROM audit_log";

/// Seals, in order, the entries written before the chain existed (schema 10). Run when the desk
/// opens; does nothing once every entry has its hash.
pub fn seal_unchained(conn: Db<'_>) -> crate::Result<u32> {
    let mut stmt = conn.prepare(&format!("{CHAIN_SELECT_FORM_1} WHERE hash IS NULL ORDER BY seq"))?;
    let unsealed: Vec<_> = stmt.query_map([], stored)?.collect::<rusqlite::Result<_>>()?;
    let mut prev: Option<String> = None;
    let mut sealed = 0;
    for Stored { seq, content: entry, .. } in unsealed {
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
    /// The end of the chain as found (`None`: no entries at all).
    pub head: Option<Head>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BrokenLink {
    pub seq: i32,
    pub reason: String,
}

/// The end of the chain: its last entry's number, hash and time. Saved outside the database (on
/// the daily log, in packages and backups, in a file) it lets [`verify_against`] find entries cut
/// off the end, which the chain alone cannot show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Head {
    pub seq: i32,
    pub hash: String,
    pub at: String,
}

impl Head {
    /// The form printed on paper: 「No.1234 · 9f3a…（16桁）」.
    pub fn short(&self) -> String {
        format!("No.{} · {}", self.seq, self.hash.get(..16).unwrap_or(&self.hash))
    }
}

/// The last entry of the chain.
pub fn head(conn: Db<'_>) -> crate::Result<Option<Head>> {
    Ok(crate::query_row_cached(
        conn,
        "SELECT seq, coalesce(hash, ''), at FROM audit_log ORDER BY seq DESC LIMIT 1",
        [],
        |row| Ok(Head { seq: row.get(0)?, hash: row.get(1)?, at: row.get(2)? }),
    )
    .optional()?)
}

/// Walks the whole chain: each entry's content must hash to its hash, and link to the previous one;
/// a form-2 entry's values must match their digests unless erased. An empty log is a break (every
/// desk writes entries when it is made), and so is a highest number below the one the table has
/// handed out (entries cut off the end, unless the counter was edited too — see [`verify_against`]).
pub fn verify(conn: Db<'_>) -> crate::Result<ChainCheck> {
    // A backup from before schema 18 has no form or digest columns: all its entries are form 1.
    let has_forms =
        conn.query_row("SELECT count(*) FROM pragma_table_info('audit_log') WHERE name = 'form'", [], |row| {
            row.get::<_, i64>(0)
        })? > 0;
    let select = if has_forms { CHAIN_SELECT } else { CHAIN_SELECT_FORM_1 };
    let mut stmt = conn.prepare(&format!("{select} ORDER BY seq"))?;
    let rows = stmt.query_map([], stored)?;
    let mut prev: Option<String> = None;
    let mut entries = 0;
    let mut last: Option<Head> = None;
    for row in rows {
        let Stored { seq, content: entry, prev_hash, hash, values_differ } = row?;
        entries += 1;
        let broken = |reason: &str| ChainCheck {
            entries,
            broken_at: Some(BrokenLink { seq: seq as i32, reason: reason.to_owned() }),
            head: None,
        };
        if prev_hash != prev {
            return Ok(broken("前の記録とのつながりが一致しません（記録の削除・挿入・並べ替え）"));
        }
        if hash.as_deref() != Some(entry.hash(prev.as_deref()).as_str()) {
            return Ok(broken("記録の内容がハッシュと一致しません（書き換え）"));
        }
        if values_differ {
            return Ok(broken("変更前後の値が記録時の要約と一致しません（書き換え）"));
        }
        last = Some(Head { seq: seq as i32, hash: hash.clone().unwrap_or_default(), at: entry.at.clone() });
        prev = hash;
    }
    let handed_out: Option<i64> =
        conn.query_row("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'", [], |row| row.get(0)).optional()?;
    let highest = last.as_ref().map_or(0, |h| i64::from(h.seq));
    if entries == 0 {
        let cut = BrokenLink {
            seq: 0, reason: "監査記録が一件もありません（すべて削除されています）".to_owned()
        };
        return Ok(ChainCheck { entries, broken_at: Some(cut), head: None });
    }
    if handed_out.is_some_and(|n| n > highest) {
        let reason = format!("最後の記録（No.{}）より後の記録が削除されています", highest);
        let cut = BrokenLink { seq: highest as i32 + 1, reason };
        return Ok(ChainCheck { entries, broken_at: Some(cut), head: last });
    }
    Ok(ChainCheck { entries, broken_at: None, head: last })
}

/// [`verify`], and the entry a saved head names must still be in the chain, unchanged: entries cut
/// off the end since the head was saved (with the table's counter reset to hide it) are found here.
pub fn verify_against(conn: Db<'_>, saved: &Head) -> crate::Result<ChainCheck> {
    let mut check = verify(conn)?;
    if check.broken_at.is_some() {
        return Ok(check);
    }
    let found: Option<Option<String>> =
        conn.query_row("SELECT hash FROM audit_log WHERE seq = ?1", [saved.seq], |row| row.get(0)).optional()?;
    let reason = match found {
        None => Some(format!("保存された末尾（No.{}）の記録がありません（末尾の記録の削除）", saved.seq)),
        Some(hash) if hash.as_deref() != Some(saved.hash.as_str()) => {
            Some(format!("保存された末尾（No.{}）と記録のハッシュが一致しません（差し替え）", saved.seq))
        }
        Some(_) => None,
    };
    if let Some(reason) = reason {
        check.broken_at = Some(BrokenLink { seq: saved.seq, reason });
    }
    Ok(check)
}

/// Erases the values before and after of the entries about one entity (a retention rule's work);
/// form-2 entries keep their digests, so the chain still holds. Form-1 entries are left alone
/// (erasing them would break the chain). Returns how many entries were erased.
pub fn erase_values(conn: Db<'_>, entity: &str, entity_id: &str) -> crate::Result<usize> {
    Ok(conn.execute(
        "UPDATE audit_log SET before_json = NULL, after_json = NULL
         WHERE entity = ?1 AND entity_id = ?2 AND form = 2",
        params![entity, entity_id],
    )?)
}

/// Records the creation of a record, with its values.
pub fn created<A: Serialize>(
    conn: Db<'_>,
    user_id: &str,
    entity: &str,
    entity_id: &str,
    after: &A,
) -> crate::Result<()> {
    Chain::continued(conn)?.created(user_id, entity, entity_id, after)
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
