//! The exchange tables: the import/export log, senders' sequence numbers, where each sender's
//! record went, the conflicts queue, quarantine, hospitals' public keys and saved column mappings.

use crate::Db;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::Result;
use crate::{audit, meta};
use tenin_domain::exchange::keys::PublicKeys;

/// The desk's key pair (secret text), made once.
pub const DESK_KEYS: &str = "exchange_keys";

pub fn desk_keys(conn: Db<'_>) -> crate::Result<Option<String>> {
    meta::get(conn, DESK_KEYS)
}

pub fn hospital_keys(conn: Db<'_>, hospital_id: &str) -> crate::Result<Option<PublicKeys>> {
    Ok(crate::query_row_cached(
        conn,
        "SELECT signing_key, encryption_key FROM hospital_keys WHERE hospital_id = ?1",
        [hospital_id],
        |row| Ok(PublicKeys { signing: row.get(0)?, encryption: row.get(1)? }),
    )
    .optional()?)
}

pub fn set_hospital_keys(conn: Db<'_>, user_id: &str, hospital_id: &str, keys: &PublicKeys, at: &str) -> Result<()> {
    crate::hospitals::require(conn, hospital_id)?;
    let before = hospital_keys(conn, hospital_id)?;
    crate::execute_cached(
        conn,
        "INSERT INTO hospital_keys (hospital_id, signing_key, encryption_key, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (hospital_id) DO UPDATE SET signing_key = excluded.signing_key,
             encryption_key = excluded.encryption_key, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by",
        params![hospital_id, keys.signing, keys.encryption, at, user_id],
    )?;
    audit::record(
        conn,
        audit::Change {
            user_id,
            action: if before.is_some() { audit::Action::Update } else { audit::Action::Create },
            entity: "hospital_keys",
            entity_id: hospital_id,
            before: before.as_ref(),
            after: Some(keys),
        },
    )
}

pub fn last_sequence(conn: Db<'_>, party: &str, direction: &str) -> crate::Result<Option<u32>> {
    Ok(crate::query_row_cached(
        conn,
        "SELECT last_sequence FROM exchange_sequences WHERE party = ?1 AND direction = ?2",
        params![party, direction],
        |row| row.get(0),
    )
    .optional()?)
}

pub fn set_last_sequence(conn: Db<'_>, party: &str, direction: &str, sequence: u32) -> crate::Result<()> {
    crate::execute_cached(
        conn,
        "INSERT INTO exchange_sequences (party, direction, last_sequence) VALUES (?1, ?2, ?3)
         ON CONFLICT (party, direction) DO UPDATE SET last_sequence = excluded.last_sequence",
        params![party, direction, sequence],
    )?;
    Ok(())
}

/// One row of the import/export log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExchangeRecord {
    pub id: String,
    /// `in` or `out`.
    pub direction: String,
    /// `package`, `template` or `history`.
    pub source: String,
    pub kind: String,
    pub package_id: Option<String>,
    pub sender: String,
    pub recipient: String,
    pub sequence: Option<u32>,
    pub file_name: String,
    pub file_sha256: String,
    pub user_id: String,
    pub user_name: String,
    pub at: String,
    /// `applied`, `unchanged`, `refused` or `exported`.
    pub result: String,
    pub counts: Counts,
    /// The refusal, or a short summary (in Japanese).
    pub message: String,
    /// Why the file was refused, for `refused` (a code the UI words).
    pub refusal: Option<tenin_domain::refusal::RefusalCode>,
}

/// How the records of one import went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Counts {
    pub new: u32,
    pub changed: u32,
    pub unchanged: u32,
    pub conflicts: u32,
    pub errors: u32,
}

/// Logs an import or export in one go (a refusal, an export, a file already imported).
pub fn insert(conn: Db<'_>, record: &ExchangeRecord, report_json: &str) -> Result<()> {
    insert_pending(conn, record)?;
    finish(conn, &record.id, &record.result, &record.counts, report_json)
}

/// Logs an import as it starts, so its conflicts and quarantined records can refer to it;
/// [`finish`] gives it its result and audits it.
pub fn insert_pending(conn: Db<'_>, record: &ExchangeRecord) -> Result<()> {
    crate::execute_cached(
        conn,
        "INSERT INTO exchanges (id, direction, source, kind, package_id, sender, recipient, sequence, file_name,
                                file_sha256, user_id, at, result, counts, report)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, '{}')",
        params![
            record.id,
            record.direction,
            record.source,
            record.kind,
            record.package_id,
            record.sender,
            record.recipient,
            record.sequence,
            record.file_name,
            record.file_sha256,
            record.user_id,
            record.at,
            record.result,
            serde_json::to_string(&record.counts)?,
        ],
    )?;
    Ok(())
}

/// Gives a logged import or export its result, counts and report, and audits it.
pub fn finish(conn: Db<'_>, id: &str, result: &str, counts: &Counts, report_json: &str) -> Result<()> {
    crate::execute_cached(
        conn,
        "UPDATE exchanges SET result = ?1, counts = ?2, report = ?3 WHERE id = ?4",
        params![result, serde_json::to_string(counts)?, report_json, id],
    )?;
    // What the audit keeps of the log entry, built by SQLite from the row just written.
    let (user_id, after): (String, String) = crate::query_row_cached(
        conn,
        "SELECT user_id, json_object('direction', direction, 'source', source, 'kind', kind, 'package_id', package_id,
                'sender', sender, 'recipient', recipient, 'sequence', sequence, 'file_name', file_name,
                'file_sha256', file_sha256, 'result', result, 'counts', json(counts))
         FROM exchanges WHERE id = ?1",
        [id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let after: serde_json::Value = serde_json::from_str(&after)?;
    audit::created(conn, &user_id, "exchange", id, &after)
}

const EXCHANGE_COLUMNS: &str = "e.id, e.direction, e.source, e.kind, e.package_id, e.sender, e.recipient,
        e.sequence, e.file_name, e.file_sha256, e.user_id, u.display_name, e.at, e.result, e.counts,
        coalesce(json_extract(e.report, '$.message'), ''), json_extract(e.report, '$.code')";

fn exchange_row(row: &rusqlite::Row) -> rusqlite::Result<ExchangeRecord> {
    let counts: String = row.get(14)?;
    Ok(ExchangeRecord {
        id: row.get(0)?,
        direction: row.get(1)?,
        source: row.get(2)?,
        kind: row.get(3)?,
        package_id: row.get(4)?,
        sender: row.get(5)?,
        recipient: row.get(6)?,
        sequence: row.get(7)?,
        file_name: row.get(8)?,
        file_sha256: row.get(9)?,
        user_id: row.get(10)?,
        user_name: row.get(11)?,
        at: row.get(12)?,
        result: row.get(13)?,
        counts: serde_json::from_str(&counts).unwrap_or_default(),
        message: row.get(15)?,
        refusal: row
            .get::<_, Option<String>>(16)?
            .and_then(|code| serde_json::from_value(serde_json::Value::String(code)).ok()),
    })
}

/// The log, newest first.
pub fn list(conn: Db<'_>, limit: u32) -> crate::Result<Vec<ExchangeRecord>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {EXCHANGE_COLUMNS} FROM exchanges e JOIN users u ON u.id = e.user_id
         ORDER BY e.at DESC, e.rowid DESC LIMIT ?1"
    ))?;
    stmt.query_map([limit], exchange_row)?.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// One log row with its full report (JSON).
pub fn get(conn: Db<'_>, id: &str) -> crate::Result<Option<(ExchangeRecord, String)>> {
    crate::query_row_cached(
        conn,
        &format!(
            "SELECT {EXCHANGE_COLUMNS}, e.report FROM exchanges e JOIN users u ON u.id = e.user_id WHERE e.id = ?1"
        ),
        [id],
        |row| Ok((exchange_row(row)?, row.get(17)?)),
    )
    .optional()
    .map_err(Into::into)
}

/// The earlier import that applied this package or this very file, if any.
pub fn applied_before(
    conn: Db<'_>,
    package_id: Option<&str>,
    file_sha256: &str,
) -> crate::Result<Option<(String, String)>> {
    crate::query_row_cached(
        conn,
        "SELECT id, at FROM exchanges
         WHERE direction = 'in' AND result = 'applied' AND ((?1 IS NOT NULL AND package_id = ?1) OR file_sha256 = ?2)
         ORDER BY at LIMIT 1",
        params![package_id, file_sha256],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )
    .optional()
    .map_err(Into::into)
}

/// Where a sender's record went and how it was when last imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub entity_id: String,
    pub record_sha256: String,
    pub desk_fingerprint: String,
}

pub fn source(conn: Db<'_>, sender: &str, kind: &str, record_id: &str) -> crate::Result<Option<Source>> {
    Ok(crate::query_row_cached(
        conn,
        "SELECT entity_id, record_sha256, desk_fingerprint FROM exchange_sources
         WHERE sender = ?1 AND kind = ?2 AND record_id = ?3",
        params![sender, kind, record_id],
        |row| Ok(Source { entity_id: row.get(0)?, record_sha256: row.get(1)?, desk_fingerprint: row.get(2)? }),
    )
    .optional()?)
}

pub struct SourceKey<'a> {
    pub sender: &'a str,
    pub kind: &'a str,
    pub record_id: &'a str,
}

pub fn set_source(conn: Db<'_>, key: &SourceKey, source: &Source, exchange_id: &str) -> crate::Result<()> {
    set_sources(conn, exchange_id, [(key, source)])
}

/// [`set_source`] for many records of one exchange, through one statement.
pub fn set_sources<'k, 'r: 'k>(
    conn: Db<'_>,
    exchange_id: &str,
    sources: impl IntoIterator<Item = (&'k SourceKey<'r>, &'k Source)>,
) -> crate::Result<()> {
    let mut statement = conn.prepare_cached(
        "INSERT INTO exchange_sources (sender, kind, record_id, entity_id, record_sha256, desk_fingerprint, exchange_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (sender, kind, record_id) DO UPDATE SET entity_id = excluded.entity_id,
             record_sha256 = excluded.record_sha256, desk_fingerprint = excluded.desk_fingerprint,
             exchange_id = excluded.exchange_id",
    )?;
    for (key, source) in sources {
        statement.execute(params![
            key.sender,
            key.kind,
            key.record_id,
            source.entity_id,
            source.record_sha256,
            source.desk_fingerprint,
            exchange_id
        ])?;
    }
    Ok(())
}

/// The sender's record id for a desk record (the request a hospital sent), if it came by package.
pub fn record_id_of(conn: Db<'_>, entity_id: &str) -> crate::Result<Option<String>> {
    Ok(crate::query_row_cached(
        conn,
        "SELECT record_id FROM exchange_sources WHERE entity_id = ?1 LIMIT 1",
        [entity_id],
        |row| row.get(0),
    )
    .optional()?)
}

/// A record waiting for a nurse's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportConflict {
    pub id: String,
    pub exchange_id: String,
    pub sender: String,
    pub sender_name: String,
    pub kind: String,
    pub record_id: String,
    /// The desk record concerned (request, hospital or inquiry id), if any.
    pub entity_id: Option<String>,
    /// `desk_edited`, `possible_duplicate`, `cannot_withdraw` or `answered_differently`.
    pub reason: String,
    /// The record as received (JSON text).
    pub record: String,
    pub status: String,
    pub created_at: String,
}

pub struct NewConflict<'a> {
    pub exchange_id: &'a str,
    pub key: SourceKey<'a>,
    pub entity_id: Option<&'a str>,
    pub reason: &'a str,
    pub record: &'a str,
    pub at: &'a str,
}

/// Queues a conflict, unless the same record is already waiting for the same reason.
pub fn insert_conflict(conn: Db<'_>, user_id: &str, c: &NewConflict) -> Result<String> {
    let waiting: Option<String> = conn
        .query_row(
            "SELECT id FROM import_conflicts WHERE status = 'open' AND sender = ?1 AND kind = ?2 AND record_id = ?3
                 AND reason = ?4 AND record = ?5",
            params![c.key.sender, c.key.kind, c.key.record_id, c.reason, c.record],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(id) = waiting {
        return Ok(id);
    }
    let id = crate::ids::new_id();
    crate::execute_cached(
        conn,
        "INSERT INTO import_conflicts (id, exchange_id, sender, kind, record_id, entity_id, reason, record, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![id, c.exchange_id, c.key.sender, c.key.kind, c.key.record_id, c.entity_id, c.reason, c.record, c.at],
    )?;
    let after = serde_json::json!({"sender": c.key.sender, "kind": c.key.kind, "record_id": c.key.record_id,
        "entity_id": c.entity_id, "reason": c.reason});
    audit::created(conn, user_id, "import_conflict", &id, &after)?;
    Ok(id)
}

const CONFLICT_SELECT: &str = "SELECT c.id, c.exchange_id, c.sender, coalesce(h.name, c.sender), c.kind, c.record_id,
        c.entity_id, c.reason, c.record, c.status, c.created_at
    FROM import_conflicts c LEFT JOIN hospitals h ON h.code = c.sender";

fn conflict_row(row: &rusqlite::Row) -> rusqlite::Result<ImportConflict> {
    Ok(ImportConflict {
        id: row.get(0)?,
        exchange_id: row.get(1)?,
        sender: row.get(2)?,
        sender_name: row.get(3)?,
        kind: row.get(4)?,
        record_id: row.get(5)?,
        entity_id: row.get(6)?,
        reason: row.get(7)?,
        record: row.get(8)?,
        status: row.get(9)?,
        created_at: row.get(10)?,
    })
}

pub fn open_conflicts(conn: Db<'_>) -> crate::Result<Vec<ImportConflict>> {
    let mut stmt =
        conn.prepare(&format!("{CONFLICT_SELECT} WHERE c.status = 'open' ORDER BY c.created_at, c.rowid"))?;
    stmt.query_map([], conflict_row)?.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

pub fn conflict(conn: Db<'_>, id: &str) -> crate::Result<Option<ImportConflict>> {
    crate::query_row_cached(conn, &format!("{CONFLICT_SELECT} WHERE c.id = ?1"), [id], conflict_row)
        .optional()
        .map_err(Into::into)
}

pub fn close_conflict(conn: Db<'_>, user_id: &str, id: &str, status: &str, at: &str) -> Result<()> {
    let changed = crate::execute_cached(
        conn,
        "UPDATE import_conflicts SET status = ?1, decided_by = ?2, decided_at = ?3 WHERE id = ?4 AND status = 'open'",
        params![status, user_id, at, id],
    )?;
    if changed == 0 {
        return Err(tenin_domain::error::Rule::ConflictDecided.into());
    }
    audit::record(
        conn,
        audit::Change {
            user_id,
            action: audit::Action::Update,
            entity: "import_conflict",
            entity_id: id,
            before: Some(&serde_json::json!({"status": "open"})),
            after: Some(&serde_json::json!({"status": status})),
        },
    )
}

pub use tenin_domain::exchange::records::Reason;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QuarantinedRecord {
    pub id: String,
    pub exchange_id: String,
    pub position: u32,
    pub record_id: String,
    pub raw: String,
    pub reasons: Vec<Reason>,
    pub created_at: String,
}

pub fn quarantine(
    conn: Db<'_>,
    exchange_id: &str,
    position: u32,
    record_id: &str,
    raw: &str,
    reasons: &[Reason],
    at: &str,
) -> Result<()> {
    crate::execute_cached(
        conn,
        "INSERT INTO quarantine (id, exchange_id, position, record_id, raw, reasons, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![crate::ids::new_id(), exchange_id, position, record_id, raw, serde_json::to_string(reasons)?, at],
    )?;
    Ok(())
}

pub fn quarantined(conn: Db<'_>, exchange_id: Option<&str>) -> crate::Result<Vec<QuarantinedRecord>> {
    let mut stmt = conn.prepare(
        "SELECT id, exchange_id, position, record_id, raw, reasons, created_at FROM quarantine
         WHERE ?1 IS NULL OR exchange_id = ?1 ORDER BY created_at DESC, position",
    )?;
    stmt.query_map([exchange_id], |row| {
        let reasons: String = row.get(5)?;
        Ok(QuarantinedRecord {
            id: row.get(0)?,
            exchange_id: row.get(1)?,
            position: row.get(2)?,
            record_id: row.get(3)?,
            raw: row.get(4)?,
            reasons: serde_json::from_str(&reasons).unwrap_or_default(),
            created_at: row.get(6)?,
        })
    })?
    .collect::<rusqlite::Result<_>>()
    .map_err(Into::into)
}

pub fn save_mapping(conn: Db<'_>, user_id: &str, name: &str, mapping_json: &str, at: &str) -> Result<()> {
    crate::execute_cached(
        conn,
        "INSERT INTO history_mappings (name, mapping, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (name) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by",
        params![name, mapping_json, at, user_id],
    )?;
    let after: serde_json::Value = serde_json::from_str(mapping_json)?;
    audit::record(
        conn,
        audit::Change::<(), _> {
            user_id,
            action: audit::Action::Update,
            entity: "history_mapping",
            entity_id: name,
            before: None,
            after: Some(&after),
        },
    )
}

pub fn mappings(conn: Db<'_>) -> crate::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT name, mapping FROM history_mappings ORDER BY name")?;
    stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// An inquiry to a hospital, as its status package lists it (so it can answer by package).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InquiryToHospital {
    pub inquiry_id: String,
    pub ref_no: String,
    pub request_status: String,
    pub patient_initials: String,
    pub patient_age: u32,
    pub patient_sex: String,
    pub bed_type: Option<String>,
    pub asked_at: String,
    pub outcome: String,
    pub decline_reason: Option<String>,
    pub answered_at: Option<String>,
    /// Whether the request was placed at this hospital (and is still).
    pub placed_here: bool,
}

pub fn inquiries_to(conn: Db<'_>, hospital_id: &str) -> crate::Result<Vec<InquiryToHospital>> {
    let mut stmt = conn.prepare(
        "SELECT i.id, r.ref_no, r.status, r.patient_initials, r.patient_age, r.patient_sex, r.bed_type_id,
                i.asked_at, i.outcome, i.decline_reason, i.answered_at,
                i.outcome = 'accepted' AND r.status IN ('placed', 'arranging_transport', 'transferred')
         FROM inquiries i JOIN transfer_requests r ON r.id = i.request_id
         WHERE i.hospital_id = ?1 ORDER BY i.asked_at",
    )?;
    stmt.query_map([hospital_id], |row| {
        Ok(InquiryToHospital {
            inquiry_id: row.get(0)?,
            ref_no: row.get(1)?,
            request_status: row.get(2)?,
            patient_initials: row.get(3)?,
            patient_age: row.get(4)?,
            patient_sex: row.get(5)?,
            bed_type: row.get(6)?,
            asked_at: row.get(7)?,
            outcome: row.get(8)?,
            decline_reason: row.get(9)?,
            answered_at: row.get(10)?,
            placed_here: row.get(11)?,
        })
    })?
    .collect::<rusqlite::Result<_>>()
    .map_err(Into::into)
}

/// Notes the format version a hospital's package was written in; the highest seen is kept.
pub fn note_format_version(conn: Db<'_>, hospital_id: &str, version: u32) -> crate::Result<()> {
    crate::execute_cached(
        conn,
        "UPDATE hospital_keys SET format_version = max(coalesce(format_version, 0), ?2) WHERE hospital_id = ?1",
        params![hospital_id, version],
    )?;
    Ok(())
}

/// The highest format version a hospital has sent, if it has sent anything since it was recorded.
pub fn format_version_of(conn: Db<'_>, hospital_id: &str) -> crate::Result<Option<u32>> {
    Ok(crate::query_row_cached(
        conn,
        "SELECT format_version FROM hospital_keys WHERE hospital_id = ?1",
        [hospital_id],
        |row| row.get::<_, Option<u32>>(0),
    )
    .optional()?
    .flatten())
}

/// The hospitals with registered keys (the ones the desk exchanges packages with): id and code.
pub fn keyed_hospitals(conn: Db<'_>) -> crate::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT h.id, h.code FROM hospital_keys k JOIN hospitals h ON h.id = k.hospital_id
         WHERE h.active = 1 ORDER BY h.code",
    )?;
    Ok(stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<rusqlite::Result<_>>()?)
}

/// Whether an exported package of this file name was logged (its `.part` may be renamed).
pub fn exported_file(conn: Db<'_>, file_name: &str) -> crate::Result<bool> {
    Ok(crate::query_row_cached(
        conn,
        "SELECT count(*) FROM exchanges WHERE direction = 'out' AND file_name = ?1",
        [file_name],
        |row| row.get::<_, u32>(0),
    )? > 0)
}
