//! Transport providers (民間救急, 福祉タクシー, taxi associations): the directory's table.

use crate::Db;
use rusqlite::{OptionalExtension, Row};

use crate::Result;
use crate::ids::{new_id, now_rfc3339};
use crate::{audit, reference};
use tenin_domain::error::Error;
use tenin_domain::transport::{TransportProvider, TransportProviderInput, VehicleType};

const SELECT: &str = "SELECT id, name, name_kana, operator, modes, vehicle_types, has_oxygen, has_escort, public_funds,
                             areas, hours, phone, fax, contact_person, note, active, version
                      FROM transport_providers";

fn json_list<T: serde::de::DeserializeOwned>(row: &Row, column: usize) -> rusqlite::Result<Vec<T>> {
    let text: String = row.get(column)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Text, e.into()))
}

fn provider(row: &Row) -> rusqlite::Result<TransportProvider> {
    Ok(TransportProvider {
        id: row.get(0)?,
        name: row.get(1)?,
        kana: row.get(2)?,
        operator: row.get(3)?,
        modes: json_list(row, 4)?,
        mode_names: Vec::new(),
        vehicle_types: json_list::<VehicleType>(row, 5)?,
        oxygen: row.get(6)?,
        escort: row.get(7)?,
        public_funds: row.get(8)?,
        areas: json_list(row, 9)?,
        area_names: Vec::new(),
        hours: row.get(10)?,
        phone: row.get(11)?,
        fax: row.get(12)?,
        person: row.get(13)?,
        note: row.get(14)?,
        active: row.get(15)?,
        version: row.get(16)?,
    })
}

/// Puts the names of its modes and areas on a provider.
fn named(conn: Db<'_>, mut p: TransportProvider) -> crate::Result<TransportProvider> {
    let mut modes = Vec::new();
    for mode in &p.modes {
        modes.push(reference::term_name(conn, "transport_mode", mode)?.unwrap_or_else(|| mode.clone()));
    }
    let mut areas = Vec::new();
    for area in &p.areas {
        areas.push(reference::place_name(conn, area)?.unwrap_or_else(|| area.clone()));
    }
    (p.mode_names, p.area_names) = (modes, areas);
    Ok(p)
}

/// Every provider (inactive ones too), in reading order.
pub fn list(conn: Db<'_>) -> crate::Result<Vec<TransportProvider>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY name_kana, name"))?;
    let rows: Vec<TransportProvider> = stmt.query_map([], provider)?.collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(|p| named(conn, p)).collect()
}

pub fn get(conn: Db<'_>, id: &str) -> Result<TransportProvider> {
    let found = conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], provider).optional()?;
    let found = found.ok_or_else(|| Error::NotFound { entity: "搬送事業者", id: id.to_owned() })?;
    named(conn, found)
}

/// The values of a provider's row in the order both statements number them (?1 id … ?17 time).
fn values(id: &str, p: &TransportProviderInput, at: &str) -> Result<Vec<Box<dyn rusqlite::ToSql>>> {
    Ok(vec![
        Box::new(id.to_owned()),
        Box::new(p.name.clone()),
        Box::new(p.kana.clone()),
        Box::new(p.operator.clone()),
        Box::new(serde_json::to_string(&p.modes)?),
        Box::new(serde_json::to_string(&p.vehicle_types)?),
        Box::new(p.oxygen),
        Box::new(p.escort),
        Box::new(p.public_funds),
        Box::new(serde_json::to_string(&p.areas)?),
        Box::new(p.hours.clone()),
        Box::new(p.phone.clone()),
        Box::new(p.fax.clone()),
        Box::new(p.person.clone()),
        Box::new(p.note.clone()),
        Box::new(p.active),
        Box::new(at.to_owned()),
    ])
}

pub fn insert(conn: Db<'_>, user_id: &str, p: &TransportProviderInput) -> Result<String> {
    let id = new_id();
    let now = now_rfc3339();
    conn.execute(
        "INSERT INTO transport_providers (id, name, name_kana, operator, modes, vehicle_types, has_oxygen, has_escort,
                                         public_funds, areas, hours, phone, fax, contact_person, note, active,
                                         created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17)",
        rusqlite::params_from_iter(values(&id, p, &now)?),
    )?;
    audit::created(conn, user_id, "transport_provider", &id, p)?;
    Ok(id)
}

/// Replaces a provider's record if it is still at `expected_version`; the audit keeps the before.
pub fn update(conn: Db<'_>, user_id: &str, id: &str, expected_version: u32, p: &TransportProviderInput) -> Result<()> {
    let before = get(conn, id)?;
    if before.version != expected_version {
        return Err(Error::StaleVersion { entity: "事業者" }.into());
    }
    conn.execute(
        "UPDATE transport_providers SET name = ?2, name_kana = ?3, operator = ?4, modes = ?5, vehicle_types = ?6,
                has_oxygen = ?7, has_escort = ?8, public_funds = ?9, areas = ?10, hours = ?11, phone = ?12, fax = ?13,
                contact_person = ?14, note = ?15, active = ?16, updated_at = ?17, version = version + 1
         WHERE id = ?1",
        rusqlite::params_from_iter(values(id, p, &now_rfc3339())?),
    )?;
    audit::record(
        conn,
        audit::Change {
            user_id,
            action: audit::Action::Update,
            entity: "transport_provider",
            entity_id: id,
            before: Some(&before),
            after: Some(p),
        },
    )
}

pub fn id_by_name(conn: Db<'_>, name: &str) -> crate::Result<Option<String>> {
    Ok(conn.query_row("SELECT id FROM transport_providers WHERE name = ?1", [name], |row| row.get(0)).optional()?)
}

pub fn count(conn: Db<'_>) -> crate::Result<u32> {
    Ok(conn.query_row("SELECT count(*) FROM transport_providers", [], |row| row.get(0))?)
}
