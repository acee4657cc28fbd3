//! The monthly report's counts, kept in step with every change to a request (migration 0009 says
//! what counts). `reconcile` is called inside the transaction of every change that can move a
//! request in or out of the count or change its key; `verify` recomputes everything from the status
//! history and says whether the kept counts agree (the integrity check runs it).

use crate::Db;
use chrono::FixedOffset;
use rusqlite::{OptionalExtension, params};

use crate::Result;
use crate::ids::parse_rfc3339;
use crate::meta;
use tenin_domain::error::Error;

/// Month (YYYY-MM, desk time), the referring hospital's municipality, the residence ('' unknown).
pub type Key = (String, String, String);

fn offset(conn: Db<'_>) -> Result<FixedOffset> {
    let minutes: i32 = meta::get(conn, meta::UTC_OFFSET_MINUTES)?.and_then(|m| m.parse().ok()).unwrap_or(0);
    Ok(FixedOffset::east_opt(minutes * 60)
        .ok_or_else(|| Error::ReferenceData(format!("utc_offset_minutes: {minutes}")))?)
}

fn local_month(at: &str, offset: FixedOffset) -> Option<String> {
    parse_rfc3339(at).ok().map(|t| t.with_timezone(&offset).format("%Y-%m").to_string())
}

/// The key `request_id` should be counted under now, if any.
fn wanted(conn: Db<'_>, request_id: &str, offset: FixedOffset) -> Result<Option<Key>> {
    let row: Option<(String, String, Option<String>, Option<String>)> = crate::query_row_cached(
            conn,
            "SELECT r.status, h.municipality_code, r.residence_municipality_code,
                    (SELECT max(s.at) FROM request_status_history s WHERE s.request_id = r.id AND s.to_status = 'placed')
             FROM transfer_requests r JOIN hospitals h ON h.id = r.referring_hospital_id WHERE r.id = ?1",
            [request_id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    let Some((status, referrer, residence, placed_at)) = row else {
        return Err(Error::NotFound { entity: "依頼", id: request_id.to_owned() }.into());
    };
    if !matches!(status.as_str(), "placed" | "arranging_transport" | "transferred") {
        return Ok(None);
    }
    Ok(placed_at.and_then(|at| key_of(&at, referrer, residence.unwrap_or_default(), offset)))
}

/// The key of a request placed at `placed_at` (RFC 3339).
pub fn key_of(placed_at: &str, referrer: String, residence: String, offset: FixedOffset) -> Option<Key> {
    local_month(placed_at, offset).map(|month| (month, referrer, residence))
}

/// Counts `n` more placements under `key` (each request counted records the key itself).
pub fn add(conn: Db<'_>, (month, referrer, residence): &Key, n: u32) -> crate::Result<()> {
    crate::execute_cached(
        conn,
        "INSERT INTO placement_counts (month, referrer_municipality, residence_municipality, count)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (month, referrer_municipality, residence_municipality) DO UPDATE SET count = count + ?4",
        params![month, referrer, residence, n],
    )?;
    Ok(())
}

/// Brings the count of one request in line with its current state.
pub fn reconcile(conn: Db<'_>, request_id: &str) -> Result<()> {
    let wanted = wanted(conn, request_id, offset(conn)?)?;
    let current: Option<Key> = crate::query_row_cached(
        conn,
        "SELECT counted_month, counted_referrer, counted_residence FROM transfer_requests WHERE id = ?1",
        [request_id],
        |row| {
            let (m, f, r): (Option<String>, Option<String>, Option<String>) = (row.get(0)?, row.get(1)?, row.get(2)?);
            Ok(m.zip(f).zip(r).map(|((m, f), r)| (m, f, r)))
        },
    )?;
    if wanted == current {
        return Ok(());
    }
    if let Some((month, referrer, residence)) = &current {
        let key = params![month, referrer, residence];
        let count: Option<u32> = crate::query_row_cached(
            conn,
            "SELECT count FROM placement_counts
                 WHERE month = ?1 AND referrer_municipality = ?2 AND residence_municipality = ?3",
            key,
            |row| row.get(0),
        )
        .optional()?;
        let sql = match count {
            Some(n) if n > 1 => {
                "UPDATE placement_counts SET count = count - 1
                 WHERE month = ?1 AND referrer_municipality = ?2 AND residence_municipality = ?3"
            }
            // The last one (a missing row would be an inconsistency `verify` reports).
            _ => {
                "DELETE FROM placement_counts
                 WHERE month = ?1 AND referrer_municipality = ?2 AND residence_municipality = ?3"
            }
        };
        crate::execute_cached(conn, sql, key)?;
    }
    if let Some(key) = &wanted {
        add(conn, key, 1)?;
    }
    let (m, f, r) = match &wanted {
        Some((m, f, r)) => (Some(m.as_str()), Some(f.as_str()), Some(r.as_str())),
        None => (None, None, None),
    };
    crate::execute_cached(
        conn,
        "UPDATE transfer_requests SET counted_month = ?2, counted_referrer = ?3, counted_residence = ?4 WHERE id = ?1",
        params![request_id, m, f, r],
    )?;
    Ok(())
}

/// The kept counts from `from` to `to` (inclusive, YYYY-MM) summed by month and one side's
/// municipality: the referring hospital's (`by_residence` false) or the residence ('' unknown).
pub fn summed(conn: Db<'_>, from: &str, to: &str, by_residence: bool) -> crate::Result<Vec<(String, String, u32)>> {
    let sql = if by_residence {
        "SELECT month, residence_municipality, sum(count) FROM placement_counts
         WHERE month >= ?1 AND month <= ?2 GROUP BY month, residence_municipality"
    } else {
        "SELECT month, referrer_municipality, sum(count) FROM placement_counts
         WHERE month >= ?1 AND month <= ?2 GROUP BY month, referrer_municipality"
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([from, to], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// Every kept count: month, referrer municipality, residence municipality, count.
fn all(conn: Db<'_>) -> rusqlite::Result<Vec<(String, String, String, u32)>> {
    let mut stmt =
        conn.prepare("SELECT month, referrer_municipality, residence_municipality, count FROM placement_counts")?;
    let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?;
    rows.collect()
}

/// Counts every request again from its history (after references moved, e.g. a municipal merger).
pub fn recount(conn: Db<'_>) -> Result<()> {
    conn.execute("DELETE FROM placement_counts", [])?;
    conn.execute(
        "UPDATE transfer_requests SET counted_month = NULL, counted_referrer = NULL, counted_residence = NULL",
        [],
    )?;
    let mut stmt = conn.prepare("SELECT id FROM transfer_requests")?;
    let ids: Vec<String> = stmt.query_map([], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
    for id in ids {
        reconcile(conn, &id)?;
    }
    Ok(())
}

/// Recomputes every count from the status history and compares: `true` when they agree.
pub fn verify(conn: Db<'_>) -> Result<bool> {
    let offset = offset(conn)?;
    let mut stmt = conn.prepare("SELECT id FROM transfer_requests")?;
    let ids: Vec<String> = stmt.query_map([], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut expected: std::collections::BTreeMap<Key, u32> = Default::default();
    for id in ids {
        if let Some(key) = wanted(conn, &id, offset)? {
            *expected.entry(key).or_default() += 1;
        }
    }
    let kept: std::collections::BTreeMap<Key, u32> =
        all(conn)?.into_iter().map(|(m, f, r, n)| ((m, f, r), n)).collect();
    Ok(kept == expected)
}
