//! The hospitals table.

use rusqlite::{Connection, OptionalExtension, Row, ToSql, params};

use crate::error::{Error, FieldProblem, Problem, Result};
use crate::hospital::{HospitalInquiry, HospitalRecord, HospitalSummary, NewHospital, RECENT_INQUIRIES, ReasonCount};
use crate::ids::{new_id, now_rfc3339};
use crate::inquiry::InquiryOutcome;
use crate::store::{audit, reference};
use crate::text::{search_key, search_query};

const SUMMARY_SELECT: &str = "
    SELECT h.id, h.code, h.name, h.name_kana, h.short_name, h.municipality_code, m.name, j.name,
           (SELECT r.name FROM municipality_regions mr JOIN medical_regions r ON r.id = mr.region_id
            WHERE mr.municipality_code = h.municipality_code AND r.plan_id = :plan),
           h.address, h.is_referring, h.is_receiving, h.is_priority, h.is_cooperating, h.active
    FROM hospitals h
    JOIN municipalities m ON m.code = h.municipality_code
    JOIN jurisdictions j ON j.id = m.jurisdiction_id";

fn summary(row: &Row) -> rusqlite::Result<HospitalSummary> {
    Ok(HospitalSummary {
        id: row.get(0)?,
        code: row.get(1)?,
        name: row.get(2)?,
        name_kana: row.get(3)?,
        short_name: row.get(4)?,
        municipality_code: row.get(5)?,
        municipality_name: row.get(6)?,
        jurisdiction_name: row.get(7)?,
        region_name: row.get(8)?,
        address: row.get(9)?,
        is_referring: row.get(10)?,
        is_receiving: row.get(11)?,
        is_priority: row.get(12)?,
        is_cooperating: row.get(13)?,
        active: row.get(14)?,
    })
}

/// The columns a hospital's own values are stored in, written by both [`insert`] and [`update`]
/// from one set of named parameters.
const HOSPITAL_COLUMNS: [&str; 11] = [
    "code",
    "name",
    "name_kana",
    "short_name",
    "municipality_code",
    "address",
    "is_referring",
    "is_receiving",
    "is_priority",
    "is_cooperating",
    "search_key",
];

/// The values of [`HOSPITAL_COLUMNS`] for one hospital, with its search key (what the directory
/// search matches: name, reading in kana and romaji, and code).
struct HospitalParams<'a> {
    hospital: &'a NewHospital,
    search_key: String,
}

impl<'a> HospitalParams<'a> {
    fn of(hospital: &'a NewHospital) -> Self {
        let key = format!("{} {}", search_key(&hospital.name, &hospital.name_kana), hospital.code);
        HospitalParams { hospital, search_key: key }
    }

    /// The hospital's parameters followed by a statement's own.
    fn with<'p>(&'p self, extra: &[(&'p str, &'p dyn ToSql)]) -> Vec<(&'p str, &'p dyn ToSql)> {
        let h = self.hospital;
        let mut params: Vec<(&str, &dyn ToSql)> = vec![
            (":code", &h.code),
            (":name", &h.name),
            (":name_kana", &h.name_kana),
            (":short_name", &h.short_name),
            (":municipality_code", &h.municipality_code),
            (":address", &h.address),
            (":is_referring", &h.is_referring),
            (":is_receiving", &h.is_receiving),
            (":is_priority", &h.is_priority),
            (":is_cooperating", &h.is_cooperating),
            (":search_key", &self.search_key),
        ];
        params.extend_from_slice(extra);
        params
    }
}

fn check_municipality(conn: &Connection, hospital: &NewHospital) -> Result<()> {
    if reference::municipality_exists(conn, &hospital.municipality_code)? {
        Ok(())
    } else {
        Err(Error::Validation(vec![FieldProblem::new("municipality_code", Problem::UnknownReference)]))
    }
}

/// Adds a hospital (already [`NewHospital::checked`]). Refuses an unknown municipality and a code
/// that another record already has, naming that record.
pub fn insert(conn: &Connection, user_id: &str, hospital: &NewHospital) -> Result<String> {
    check_municipality(conn, hospital)?;
    if let Some((_, name)) = by_code(conn, &hospital.code)? {
        let mut problem = FieldProblem::new("code", Problem::NotAllowed);
        problem.message = format!("この医療機関コードは既に登録されています（{name}）");
        return Err(Error::Validation(vec![problem]));
    }
    let id = new_id();
    let now = now_rfc3339();
    let values = HospitalParams::of(hospital);
    conn.execute(
        &format!(
            "INSERT INTO hospitals (id, created_at, updated_at, {}) VALUES (:id, :now, :now, {})",
            HOSPITAL_COLUMNS.join(", "),
            HOSPITAL_COLUMNS.map(|c| format!(":{c}")).join(", "),
        ),
        &values.with(&[(":id", &id), (":now", &now)])[..],
    )?;
    audit::created(conn, user_id, "hospital", &id, hospital)?;
    Ok(id)
}

/// The id and name of the hospital with `code`, if any.
pub fn by_code(conn: &Connection, code: &str) -> rusqlite::Result<Option<(String, String)>> {
    conn.query_row("SELECT id, name FROM hospitals WHERE code = ?1", [code], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()
}

pub fn get(conn: &Connection, plan_id: Option<&str>, id: &str) -> rusqlite::Result<Option<HospitalSummary>> {
    let sql = format!("{SUMMARY_SELECT} WHERE h.id = :id");
    conn.query_row(&sql, rusqlite::named_params! {":plan": plan_id, ":id": id}, summary).optional()
}

/// Hospitals by name order; with a query, those whose name, reading (kana or romaji) or code
/// contain it.
pub fn list(conn: &Connection, plan_id: Option<&str>, query: Option<&str>) -> rusqlite::Result<Vec<HospitalSummary>> {
    let pattern = query.map(search_query).filter(|q| !q.is_empty()).map(|q| format!("%{}%", escape_like(&q)));
    let sql = format!(
        "{SUMMARY_SELECT} WHERE (:pattern IS NULL OR h.search_key LIKE :pattern ESCAPE '\\') ORDER BY h.name_kana"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::named_params! {":plan": plan_id, ":pattern": pattern}, summary)?;
    rows.collect()
}

pub fn count(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("SELECT count(*) FROM hospitals", [], |row| row.get(0))
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Updates the hospital with `id` to the values of `hospital` (already checked), audited with the
/// values before.
pub fn update(conn: &Connection, user_id: &str, id: &str, hospital: &NewHospital) -> Result<()> {
    check_municipality(conn, hospital)?;
    let before = conn.query_row(
        "SELECT code, name, name_kana, short_name, municipality_code, address, is_referring, is_receiving,
                is_priority, is_cooperating
         FROM hospitals WHERE id = ?1",
        [id],
        |row| {
            Ok(NewHospital {
                code: row.get(0)?,
                name: row.get(1)?,
                name_kana: row.get(2)?,
                short_name: row.get(3)?,
                municipality_code: row.get(4)?,
                address: row.get(5)?,
                is_referring: row.get(6)?,
                is_receiving: row.get(7)?,
                is_priority: row.get(8)?,
                is_cooperating: row.get(9)?,
            })
        },
    )?;
    let now = now_rfc3339();
    let values = HospitalParams::of(hospital);
    conn.execute(
        &format!(
            "UPDATE hospitals SET {}, updated_at = :now WHERE id = :id",
            HOSPITAL_COLUMNS.map(|c| format!("{c} = :{c}")).join(", "),
        ),
        &values.with(&[(":id", &id), (":now", &now)])[..],
    )?;
    audit::record(
        conn,
        audit::Change {
            user_id,
            action: audit::Action::Update,
            entity: "hospital",
            entity_id: id,
            before: Some(&before),
            after: Some(hospital),
        },
    )
}

/// A hospital's record at the desk (see [`HospitalRecord`]).
pub fn record(conn: &Connection, plan_id: Option<&str>, id: &str) -> Result<HospitalRecord> {
    let Some(hospital) = get(conn, plan_id, id)? else {
        return Err(Error::NotFound { entity: "医療機関", id: id.to_owned() });
    };
    let (requests_referred, requests_referred_open): (u32, u32) = conn.query_row(
        "SELECT count(*), coalesce(sum(status NOT IN ('transferred', 'withdrawn', 'not_placed')), 0)
         FROM transfer_requests WHERE referring_hospital_id = ?1",
        [id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let (inquiries, accepted, declined, waiting): (u32, u32, u32, u32) = conn.query_row(
        "SELECT count(*), coalesce(sum(outcome = 'accepted'), 0), coalesce(sum(outcome = 'declined'), 0),
                coalesce(sum(outcome = 'waiting'), 0)
         FROM inquiries WHERE hospital_id = ?1",
        [id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
    )?;
    let mut stmt = conn.prepare(
        "SELECT i.decline_reason, coalesce(v.name, i.decline_reason), coalesce(v.own_rule, 0), count(*)
         FROM inquiries i LEFT JOIN vocabulary v ON v.list = 'decline_reason' AND v.id = i.decline_reason
         WHERE i.hospital_id = ?1 AND i.outcome = 'declined'
         GROUP BY i.decline_reason ORDER BY count(*) DESC, i.decline_reason",
    )?;
    let declines_by_reason = stmt
        .query_map([id], |row| {
            Ok(ReasonCount {
                reason_id: row.get(0)?,
                reason_name: row.get(1)?,
                own_rule: row.get(2)?,
                count: row.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT r.id, r.ref_no, i.asked_at, i.outcome, v.name
         FROM inquiries i
         JOIN transfer_requests r ON r.id = i.request_id
         LEFT JOIN vocabulary v ON v.list = 'decline_reason' AND v.id = i.decline_reason
         WHERE i.hospital_id = ?1 ORDER BY i.asked_at DESC, i.id DESC LIMIT ?2",
    )?;
    let recent_inquiries = stmt
        .query_map(params![id, RECENT_INQUIRIES], |row| {
            let outcome: String = row.get(3)?;
            Ok(HospitalInquiry {
                request_id: row.get(0)?,
                ref_no: row.get(1)?,
                asked_at: row.get(2)?,
                outcome: InquiryOutcome::parse(&outcome).ok_or_else(|| {
                    rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, "unknown outcome".into())
                })?,
                decline_reason_name: row.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(HospitalRecord {
        hospital,
        requests_referred,
        requests_referred_open,
        inquiries,
        accepted,
        declined,
        waiting,
        declines_by_reason,
        recent_inquiries,
    })
}
