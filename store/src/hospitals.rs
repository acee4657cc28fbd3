//! The hospitals table.

use std::collections::HashMap;

use crate::Db;
use rusqlite::{OptionalExtension, Row, ToSql, named_params, params};
use tenin_domain::error::Detail;

use crate::Result;
use crate::ids::{new_id, now_rfc3339};
use crate::{audit, capacity, contacts, reference};
use tenin_domain::error::{Error, FieldProblem, Problem};
use tenin_domain::hospital::{
    CAPACITY_HISTORY, CheckedHospital, HospitalFilter, HospitalInquiry, HospitalRecord, HospitalSummary, NewHospital,
    RECENT_INQUIRIES, ReasonCount,
};
use tenin_domain::inquiry::InquiryOutcome;
use tenin_domain::requirements::AcceptanceRequirements;
use tenin_domain::text::{search_key, search_query};

/// A hospital's own columns and its declines under its own rules; where it is (municipality,
/// jurisdiction, region) is filled in by [`complete`] from [`places`].
const SUMMARY_SELECT: &str = "
    SELECT h.id, h.code, h.name, h.name_kana, h.short_name, h.municipality_code, h.address, h.latitude, h.longitude,
           h.is_referring, h.is_receiving, h.is_priority, h.is_cooperating, h.active, h.requirements,
           (SELECT count(*) FROM inquiries i INDEXED BY inquiries_declined
            JOIN vocabulary v ON v.list = 'decline_reason' AND v.id = i.decline_reason
            WHERE i.hospital_id = h.id AND i.outcome = 'declined' AND v.own_rule = 1)
    FROM hospitals h";

/// The requirements column (JSON) at `index` of `row`.
fn requirements_at(row: &Row, index: usize) -> rusqlite::Result<AcceptanceRequirements> {
    let json: String = row.get(index)?;
    serde_json::from_str(&json)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, e.into()))
}

fn summary(row: &Row) -> rusqlite::Result<HospitalSummary> {
    let requirements = requirements_at(row, 14)?;
    Ok(HospitalSummary {
        id: row.get(0)?,
        code: row.get(1)?,
        name: row.get(2)?,
        name_kana: row.get(3)?,
        short_name: row.get(4)?,
        municipality_code: row.get(5)?,
        municipality_name: String::new(),
        jurisdiction_id: String::new(),
        jurisdiction_name: String::new(),
        region_id: None,
        region_name: None,
        address: row.get(6)?,
        latitude: row.get(7)?,
        longitude: row.get(8)?,
        is_referring: row.get(9)?,
        is_receiving: row.get(10)?,
        is_priority: row.get(11)?,
        is_cooperating: row.get(12)?,
        active: row.get(13)?,
        beyond_criteria: requirements.beyond_national_criteria(),
        requirements,
        own_rule_declines: row.get(15)?,
        contacts: Vec::new(),
        capacity: Vec::new(),
    })
}

/// Where a municipality is: its name, its jurisdiction and its region under the plan in force.
struct Place {
    name: String,
    jurisdiction_id: String,
    jurisdiction_name: String,
    region_id: Option<String>,
    region_name: Option<String>,
}

/// The places of the region pack's municipalities (of `code` alone when given), by code: read once
/// for a list and joined here — joined in SQL they cost four index searches a hospital (13 of the
/// 17 ms the directory's query took at 10,000 hospitals). A municipality split between regions of
/// the plan takes the first by the pack's order.
fn places(conn: Db<'_>, plan_id: Option<&str>, code: Option<&str>) -> rusqlite::Result<HashMap<String, Place>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.code, m.name, j.id, j.name, r.id, r.name
         FROM municipalities m
         JOIN jurisdictions j ON j.id = m.jurisdiction_id
         LEFT JOIN municipality_regions mr ON mr.municipality_code = m.code
              AND mr.region_id IN (SELECT id FROM medical_regions WHERE plan_id = :plan)
         LEFT JOIN medical_regions r ON r.id = mr.region_id
         WHERE :code IS NULL OR m.code = :code
         ORDER BY m.code, r.sort_order",
    )?;
    let rows = stmt.query_map(named_params! {":plan": plan_id, ":code": code}, |row| {
        let place = Place {
            name: row.get(1)?,
            jurisdiction_id: row.get(2)?,
            jurisdiction_name: row.get(3)?,
            region_id: row.get(4)?,
            region_name: row.get(5)?,
        };
        Ok((row.get::<_, String>(0)?, place))
    })?;
    let mut by_code = HashMap::new();
    for row in rows {
        let (code, place) = row?;
        by_code.entry(code).or_insert(place);
    }
    Ok(by_code)
}

pub use crate::directory_view::View;

/// Fills in the places, contacts and current capacity of `list` (one query each, not one per
/// hospital).
fn complete(conn: Db<'_>, view: View, one: Option<&str>, list: &mut [HospitalSummary]) -> crate::Result<()> {
    let mut contacts = contacts::of_hospitals(conn, one)?;
    let mut capacity = capacity::current(conn, view, one)?;
    let one_place = one.and_then(|_| list.first()).map(|h| h.municipality_code.as_str());
    let places = places(conn, view.plan_id, one_place)?;
    for hospital in list {
        hospital.contacts = contacts.remove(&hospital.id).unwrap_or_default();
        hospital.capacity = capacity.remove(&hospital.id).unwrap_or_default();
        // Every hospital's municipality exists (a foreign key), so every hospital has its place.
        if let Some(place) = places.get(&hospital.municipality_code) {
            hospital.municipality_name.clone_from(&place.name);
            hospital.jurisdiction_id.clone_from(&place.jurisdiction_id);
            hospital.jurisdiction_name.clone_from(&place.jurisdiction_name);
            hospital.region_id.clone_from(&place.region_id);
            hospital.region_name.clone_from(&place.region_name);
        }
    }
    Ok(())
}

/// The columns a hospital's own values are stored in, written by both [`insert`] and [`update`]
/// from one set of named parameters.
const HOSPITAL_COLUMNS: [&str; 16] = [
    "code",
    "name",
    "name_kana",
    "short_name",
    "municipality_code",
    "address",
    "latitude",
    "longitude",
    "is_referring",
    "is_receiving",
    "is_priority",
    "is_cooperating",
    "active",
    "requirements",
    "beyond_criteria",
    "search_key",
];

/// The values of [`HOSPITAL_COLUMNS`] for one hospital, with its search key (what the directory
/// search matches: name, reading in kana and romaji, and code).
struct HospitalParams<'a> {
    hospital: &'a NewHospital,
    requirements: String,
    beyond_criteria: u32,
    search_key: String,
}

/// What the directory search matches for a hospital: its name and reading (kana and romaji), its
/// code, and its municipality's name and reading — 「横浜」 and 「よこはま」 find the hospitals there.
fn hospital_search_key(conn: Db<'_>, name: &str, kana: &str, code: &str, municipality: &str) -> Result<String> {
    let place = reference::municipality_name_and_kana(conn, municipality)?
        .map(|(name, kana)| search_key(&name, &kana))
        .unwrap_or_default();
    Ok(format!("{} {code} {place}", search_key(name, kana)))
}

/// Migration 15's step: every hospital's search key, computed again to include its municipality.
/// Reads only the columns the key is made of, so later schemas cannot break it.
pub(crate) fn rekey_search(conn: Db<'_>) -> Result<()> {
    let rows: Vec<(String, String, String, String, String)> = {
        let mut stmt = conn.prepare("SELECT id, name, name_kana, code, municipality_code FROM hospitals")?;
        stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    for (id, name, kana, code, municipality) in rows {
        let key = hospital_search_key(conn, &name, &kana, &code, &municipality)?;
        conn.execute("UPDATE hospitals SET search_key = ?1 WHERE id = ?2", rusqlite::params![key, id])?;
    }
    Ok(())
}

impl<'a> HospitalParams<'a> {
    fn of(conn: Db<'_>, hospital: &'a NewHospital) -> Result<Self> {
        let h = hospital;
        let key = hospital_search_key(conn, &h.name, &h.name_kana, &h.code, &h.municipality_code)?;
        Ok(HospitalParams {
            hospital,
            requirements: serde_json::to_string(&hospital.requirements)?,
            beyond_criteria: hospital.requirements.beyond_national_criteria().len() as u32,
            search_key: key,
        })
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
            (":latitude", &h.latitude),
            (":longitude", &h.longitude),
            (":is_referring", &h.is_referring),
            (":is_receiving", &h.is_receiving),
            (":is_priority", &h.is_priority),
            (":is_cooperating", &h.is_cooperating),
            (":active", &h.active),
            (":requirements", &self.requirements),
            (":beyond_criteria", &self.beyond_criteria),
            (":search_key", &self.search_key),
        ];
        params.extend_from_slice(extra);
        params
    }
}

fn check_municipality(conn: Db<'_>, hospital: &NewHospital) -> Result<()> {
    if reference::municipality_exists(conn, &hospital.municipality_code)? {
        Ok(())
    } else {
        Err(Error::Validation(vec![FieldProblem::new("municipality_code", Problem::UnknownReference)]).into())
    }
}

fn check_code_free(conn: Db<'_>, code: &str, own_id: Option<&str>) -> Result<()> {
    match by_code(conn, code)? {
        Some((other, name)) if Some(other.as_str()) != own_id => {
            Err(Error::detailed("code", Problem::NotAllowed, Detail::CodeTaken { name }).into())
        }
        _ => Ok(()),
    }
}

/// Adds a hospital (already [`NewHospital::checked`]) with its contacts. Refuses an unknown
/// municipality and a code that another record already has, naming that record.
pub fn insert(conn: Db<'_>, user_id: &str, checked: &CheckedHospital) -> Result<String> {
    let hospital = &checked.values;
    check_municipality(conn, hospital)?;
    check_code_free(conn, &hospital.code, None)?;
    let id = new_id();
    let now = now_rfc3339();
    let values = HospitalParams::of(conn, hospital)?;
    conn.execute(
        &format!(
            "INSERT INTO hospitals (id, created_at, updated_at, {}) VALUES (:id, :now, :now, {})",
            HOSPITAL_COLUMNS.join(", "),
            HOSPITAL_COLUMNS.map(|c| format!(":{c}")).join(", "),
        ),
        &values.with(&[(":id", &id), (":now", &now)])[..],
    )?;
    contacts::replace(conn, &id, &checked.contacts)?;
    audit::created(conn, user_id, "hospital", &id, hospital)?;
    Ok(id)
}

/// The next desk-local code for a historical hospital (`hist-0001`, …): one past the highest used.
pub fn next_local_code(conn: Db<'_>) -> crate::Result<String> {
    let mut stmt = conn.prepare("SELECT code FROM hospitals WHERE code LIKE 'hist-%'")?;
    let highest = stmt
        .query_map([], |row| row.get::<_, String>(0))?
        .filter_map(|code| code.ok().and_then(|c| tenin_domain::historical_hospital::local_code_number(&c)))
        .max()
        .unwrap_or(0);
    Ok(tenin_domain::historical_hospital::local_code(highest + 1))
}

/// The id and name of the hospital with `code`, if any.
pub fn by_code(conn: Db<'_>, code: &str) -> crate::Result<Option<(String, String)>> {
    conn.query_row("SELECT id, name FROM hospitals WHERE code = ?1", [code], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()
        .map_err(Into::into)
}

pub fn get(conn: Db<'_>, view: View, id: &str) -> crate::Result<Option<HospitalSummary>> {
    let sql = format!("{SUMMARY_SELECT} WHERE h.id = :id");
    let Some(hospital) = conn.query_row(&sql, named_params! {":id": id}, summary).optional()? else {
        return Ok(None);
    };
    let mut one = [hospital];
    complete(conn, view, Some(id), &mut one)?;
    let [hospital] = one;
    Ok(Some(hospital))
}

/// The hospitals `filter` admits, by reading order. The text query matches name, reading (kana or
/// romaji) or code.
pub fn list(conn: Db<'_>, view: View, filter: &HospitalFilter) -> crate::Result<Vec<HospitalSummary>> {
    let query = search_query(&filter.query);
    let pattern = (!query.is_empty()).then(|| format!("%{}%", escape_like(&query)));
    let sql = format!(
        "{SUMMARY_SELECT} WHERE (:pattern IS NULL OR h.search_key LIKE :pattern ESCAPE '\\') ORDER BY h.name_kana, h.code"
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut hospitals =
        stmt.query_map(named_params! {":pattern": pattern}, summary)?.collect::<rusqlite::Result<Vec<_>>>()?;
    complete(conn, view, None, &mut hospitals)?;
    hospitals.retain(|h| filter.admits(h));
    Ok(hospitals)
}

/// Every hospital, inactive ones too, in no particular order: what matching compiles (it orders by
/// code itself), without the sort by reading the directory's list needs.
pub fn every(conn: Db<'_>, view: View) -> crate::Result<Vec<HospitalSummary>> {
    let mut stmt = conn.prepare_cached(SUMMARY_SELECT)?;
    let mut hospitals = stmt.query_map([], summary)?.collect::<rusqlite::Result<Vec<_>>>()?;
    complete(conn, view, None, &mut hospitals)?;
    Ok(hospitals)
}

pub fn count(conn: Db<'_>) -> crate::Result<u32> {
    Ok(conn.query_row("SELECT count(*) FROM hospitals", [], |row| row.get(0))?)
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// The values of the hospital with `id` as they would be typed: what an edit starts from, and
/// what the audit log keeps as "before".
pub fn stored_input(conn: Db<'_>, id: &str) -> Result<NewHospital> {
    let mut hospital = conn
        .query_row(
            "SELECT code, name, name_kana, short_name, municipality_code, address, latitude, longitude,
                is_referring, is_receiving, is_priority, is_cooperating, active, requirements
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
                    latitude: row.get(6)?,
                    longitude: row.get(7)?,
                    is_referring: row.get(8)?,
                    is_receiving: row.get(9)?,
                    is_priority: row.get(10)?,
                    is_cooperating: row.get(11)?,
                    active: row.get(12)?,
                    contacts: Vec::new(),
                    requirements: requirements_at(row, 13)?,
                })
            },
        )
        .optional()?
        .ok_or_else(|| Error::NotFound { entity: "医療機関", id: id.to_owned() })?;
    hospital.contacts =
        contacts::of_hospitals(conn, Some(id))?.remove(id).unwrap_or_default().into_iter().map(|c| c.input).collect();
    Ok(hospital)
}

/// Updates the hospital with `id` to `checked` (contacts replaced as a list), audited with the
/// values before. A code may change, but not to one another record has.
pub fn update(conn: Db<'_>, user_id: &str, id: &str, checked: &CheckedHospital) -> Result<()> {
    let hospital = &checked.values;
    check_municipality(conn, hospital)?;
    let before = stored_input(conn, id)?;
    check_code_free(conn, &hospital.code, Some(id))?;
    let now = now_rfc3339();
    let values = HospitalParams::of(conn, hospital)?;
    conn.execute(
        &format!(
            "UPDATE hospitals SET {}, updated_at = :now WHERE id = :id",
            HOSPITAL_COLUMNS.map(|c| format!("{c} = :{c}")).join(", "),
        ),
        &values.with(&[(":id", &id), (":now", &now)])[..],
    )?;
    contacts::replace(conn, id, &checked.contacts)?;
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
pub fn record(conn: Db<'_>, view: View, id: &str) -> Result<HospitalRecord> {
    let Some(hospital) = get(conn, view, id)? else {
        return Err(Error::NotFound { entity: "医療機関", id: id.to_owned() }.into());
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
        capacity_history: capacity::history(conn, view, id, CAPACITY_HISTORY)?,
    })
}

/// Every hospital's municipality code, by hospital id.
pub fn municipality_codes(conn: Db<'_>) -> crate::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT id, municipality_code FROM hospitals")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

pub use crate::directory_view::require;

/// Every hospital's id with the names it may be written by in a file: code, name and short name.
/// Each hospital's code, name and short name, and whether it refers and receives patients (for the
/// history import's suggestions: a referring hospital is looked for among those that refer).
/// A hospital's id, its code, name and short name, whether it refers and whether it receives.
pub type NamedWithRoles = (String, [String; 3], bool, bool);

pub fn names_and_roles(conn: Db<'_>) -> crate::Result<Vec<NamedWithRoles>> {
    let mut stmt = conn.prepare("SELECT id, code, name, short_name, is_referring, is_receiving FROM hospitals")?;
    stmt.query_map([], |row| Ok((row.get(0)?, [row.get(1)?, row.get(2)?, row.get(3)?], row.get(4)?, row.get(5)?)))?
        .collect::<rusqlite::Result<_>>()
        .map_err(Into::into)
}

/// The ids of the hospitals that refer patients, and of those that receive them.
pub fn ids_by_role(conn: Db<'_>) -> crate::Result<(Vec<String>, Vec<String>)> {
    let ids = |sql: &str| -> crate::Result<Vec<String>> {
        let mut stmt = conn.prepare(sql)?;
        stmt.query_map([], |row| row.get(0))?.collect::<rusqlite::Result<_>>().map_err(Into::into)
    };
    Ok((
        ids("SELECT id FROM hospitals WHERE is_referring = 1")?,
        ids("SELECT id FROM hospitals WHERE is_receiving = 1")?,
    ))
}

pub fn names_and_codes(conn: Db<'_>) -> crate::Result<Vec<(String, [String; 3])>> {
    let mut stmt = conn.prepare("SELECT id, code, name, short_name FROM hospitals")?;
    stmt.query_map([], |row| Ok((row.get(0)?, [row.get(1)?, row.get(2)?, row.get(3)?])))?
        .collect::<rusqlite::Result<_>>()
        .map_err(Into::into)
}
