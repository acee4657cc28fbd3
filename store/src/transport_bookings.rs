//! Transport bookings and their status history.

use crate::Db;
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

use crate::Result;
use crate::audit;
use crate::ids::{new_id, to_rfc3339};
use tenin_domain::error::Error;
use tenin_domain::error::Rule;
use tenin_domain::transport::booking::{BookingChange, CheckedBooking, TripEnd};
use tenin_domain::transport::{BookingStatus, TransportBooking, VehicleType};

const SELECT: &str = "
    SELECT b.id, b.request_id, b.provider_id, p.name, p.phone, b.vehicle_type, b.pickup_at,
           b.from_hospital_id, fh.name, fh.address, b.from_ward, b.from_contact,
           b.to_hospital_id, th.name, th.address, b.to_ward, b.to_contact,
           b.oxygen_l_per_min, b.escort, b.public_funds, b.cost_yen, b.status, b.note, b.warnings,
           u.display_name, b.created_at, b.version,
           (SELECT phone FROM hospital_contacts c WHERE c.hospital_id = b.from_hospital_id ORDER BY c.position LIMIT 1),
           (SELECT phone FROM hospital_contacts c WHERE c.hospital_id = b.to_hospital_id ORDER BY c.position LIMIT 1)
    FROM transport_bookings b
    JOIN transport_providers p ON p.id = b.provider_id
    JOIN hospitals fh ON fh.id = b.from_hospital_id
    JOIN hospitals th ON th.id = b.to_hospital_id
    JOIN users u ON u.id = b.created_by";

fn bad(column: usize, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unknown value {value:?}").into(),
    )
}

fn status_at(row: &Row, column: usize) -> rusqlite::Result<BookingStatus> {
    let text: String = row.get(column)?;
    BookingStatus::parse(&text).ok_or_else(|| bad(column, &text))
}

fn booking(row: &Row) -> rusqlite::Result<TransportBooking> {
    let vehicle: String = row.get(5)?;
    let status = status_at(row, 21)?;
    let warnings: String = row.get(23)?;
    Ok(TransportBooking {
        id: row.get(0)?,
        request_id: row.get(1)?,
        provider_id: row.get(2)?,
        provider_name: row.get(3)?,
        provider_phone: row.get(4)?,
        vehicle_type: VehicleType::parse(&vehicle).ok_or_else(|| bad(5, &vehicle))?,
        pickup_at: row.get(6)?,
        from: TripEnd {
            hospital_id: row.get(7)?,
            hospital_name: row.get(8)?,
            address: row.get(9)?,
            ward: row.get(10)?,
            contact: row.get(11)?,
            phone: row.get::<_, Option<String>>(27)?.unwrap_or_default(),
        },
        to: TripEnd {
            hospital_id: row.get(12)?,
            hospital_name: row.get(13)?,
            address: row.get(14)?,
            ward: row.get(15)?,
            contact: row.get(16)?,
            phone: row.get::<_, Option<String>>(28)?.unwrap_or_default(),
        },
        oxygen_l_per_min: row.get(17)?,
        escort: row.get(18)?,
        public_funds: row.get(19)?,
        cost_yen: row.get(20)?,
        next_statuses: status.next().to_vec(),
        status,
        note: row.get(22)?,
        warnings: serde_json::from_str(&warnings).map_err(|_| bad(23, &warnings))?,
        history: Vec::new(),
        created_by_name: row.get(24)?,
        created_at: row.get(25)?,
        version: row.get(26)?,
    })
}

fn history(conn: Db<'_>, id: &str) -> rusqlite::Result<Vec<BookingChange>> {
    let mut stmt = conn.prepare(
        "SELECT h.from_status, h.to_status, h.at, u.display_name, h.note
         FROM transport_booking_history h JOIN users u ON u.id = h.user_id
         WHERE h.booking_id = ?1 ORDER BY h.at, h.id",
    )?;
    let rows = stmt.query_map([id], |row| {
        let from: Option<String> = row.get(0)?;
        Ok(BookingChange {
            from: from.map(|f| BookingStatus::parse(&f).ok_or_else(|| bad(0, &f))).transpose()?,
            to: status_at(row, 1)?,
            at: row.get(2)?,
            user_name: row.get(3)?,
            note: row.get(4)?,
        })
    })?;
    rows.collect()
}

fn with_history(conn: Db<'_>, mut b: TransportBooking) -> rusqlite::Result<TransportBooking> {
    b.history = history(conn, &b.id)?;
    Ok(b)
}

pub fn get(conn: Db<'_>, id: &str) -> Result<TransportBooking> {
    let found = conn.query_row(&format!("{SELECT} WHERE b.id = ?1"), [id], booking).optional()?;
    let found = found.ok_or_else(|| Error::NotFound { entity: "搬送手配", id: id.to_owned() })?;
    Ok(with_history(conn, found)?)
}

/// A request's bookings, by pickup time.
pub fn for_request(conn: Db<'_>, request_id: &str) -> crate::Result<Vec<TransportBooking>> {
    let mut stmt = conn.prepare(&format!("{SELECT} WHERE b.request_id = ?1 ORDER BY b.pickup_at, b.created_at"))?;
    let rows: Vec<TransportBooking> = stmt.query_map([request_id], booking)?.collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(|b| with_history(conn, b)).collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// Where the trip goes from and to, with the hospitals' ids.
pub struct Ends<'a> {
    pub from_hospital_id: &'a str,
    pub to_hospital_id: &'a str,
}

pub fn insert(conn: Db<'_>, user_id: &str, b: &CheckedBooking, ends: Ends<'_>, at: DateTime<Utc>) -> Result<String> {
    let id = new_id();
    let now = to_rfc3339(at);
    conn.execute(
        "INSERT INTO transport_bookings (id, request_id, provider_id, vehicle_type, pickup_at, from_hospital_id,
             from_ward, from_contact, to_hospital_id, to_ward, to_contact, oxygen_l_per_min, escort, public_funds,
             cost_yen, status, note, warnings, created_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, 'requested', ?16, ?17, ?18, ?19, ?19)",
        params![
            id,
            b.request_id,
            b.provider_id,
            b.vehicle_type.as_str(),
            to_rfc3339(b.pickup_at),
            ends.from_hospital_id,
            b.from_ward,
            b.from_contact,
            ends.to_hospital_id,
            b.to_ward,
            b.to_contact,
            b.oxygen_l_per_min,
            b.escort,
            b.public_funds,
            b.cost_yen,
            b.note,
            serde_json::to_string(&b.warnings)?,
            user_id,
            now,
        ],
    )?;
    conn.execute(
        "INSERT INTO transport_booking_history (booking_id, from_status, to_status, at, user_id, note)
         VALUES (?1, NULL, 'requested', ?2, ?3, '')",
        params![id, now, user_id],
    )?;
    audit::created(conn, user_id, "transport_booking", &id, b)?;
    Ok(id)
}

/// Moves a booking to `to` if its status allows it and it is still at `expected_version`.
pub fn transition(
    conn: Db<'_>,
    user_id: &str,
    id: &str,
    expected_version: u32,
    to: BookingStatus,
    note: &str,
    at: DateTime<Utc>,
) -> Result<TransportBooking> {
    let before = get(conn, id)?;
    if before.version != expected_version {
        return Err(Error::StaleVersion { entity: "搬送手配" }.into());
    }
    if !before.status.next().contains(&to) {
        let (from, to) = (before.status.label_ja().to_owned(), to.label_ja().to_owned());
        return Err(Rule::BookingMove { from, to }.into());
    }
    let now = to_rfc3339(at);
    conn.execute(
        "UPDATE transport_bookings SET status = ?2, updated_at = ?3, version = version + 1 WHERE id = ?1",
        params![id, to.as_str(), now],
    )?;
    conn.execute(
        "INSERT INTO transport_booking_history (booking_id, from_status, to_status, at, user_id, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, before.status.as_str(), to.as_str(), now, user_id, note],
    )?;
    audit::record(
        conn,
        audit::Change {
            user_id,
            action: audit::Action::Transition,
            entity: "transport_booking",
            entity_id: id,
            before: Some(&before.status),
            after: Some(&to),
        },
    )?;
    get(conn, id)
}

/// Bookings still to happen for a request.
pub fn active_count(conn: Db<'_>, request_id: &str) -> crate::Result<u32> {
    Ok(conn.query_row(
        "SELECT count(*) FROM transport_bookings WHERE request_id = ?1 AND status IN ('requested', 'confirmed')",
        [request_id],
        |row| row.get(0),
    )?)
}
