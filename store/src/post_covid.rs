//! The post_covid_care tables: the referral network for post-COVID conditions and its change log.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use tenin_domain::error::{Error, FieldProblem, Problem};
use tenin_domain::post_covid::{PostCovidEntry, PostCovidInput, PostCovidTier, TierChange};

use crate::Db;
use crate::Result;
use crate::audit;
use crate::ids::now_rfc3339;

#[derive(Serialize)]
struct Audited<'a> {
    tier: Option<PostCovidTier>,
    departments: &'a str,
    conditions: &'a str,
    referral_needed: bool,
    hours: &'a str,
    publish: bool,
    note: &'a str,
}

impl<'a> From<&'a PostCovidEntry> for Audited<'a> {
    fn from(e: &'a PostCovidEntry) -> Self {
        Audited {
            tier: e.tier,
            departments: &e.departments,
            conditions: &e.conditions,
            referral_needed: e.referral_needed,
            hours: &e.hours,
            publish: e.publish,
            note: &e.note,
        }
    }
}

/// Sets a hospital's entry (`expected_version`: refused when it changed since; `None` for a survey),
/// logged for the counts over time and audited.
pub fn set(conn: Db<'_>, user_id: &str, input: &PostCovidInput, expected_version: Option<u32>) -> Result<()> {
    let exists: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM hospitals WHERE id = ?1)", [&input.hospital_id], |row| {
            row.get(0)
        })?;
    if !exists {
        return Err(Error::Validation(vec![FieldProblem::new("hospital_id", Problem::UnknownReference)]).into());
    }
    let before = get(conn, &input.hospital_id)?;
    if let (Some(expected), Some(current)) = (expected_version, &before)
        && expected != current.version
    {
        return Err(Error::StaleVersion { entity: "罹患後症状の登録" }.into());
    }
    let at = now_rfc3339();
    let tier = input.tier.map(PostCovidTier::as_str);
    conn.execute(
        "INSERT INTO post_covid_care (hospital_id, tier, departments, conditions, referral_needed, hours, publish,
                                      note, updated_at, updated_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
         ON CONFLICT (hospital_id) DO UPDATE SET tier = excluded.tier, departments = excluded.departments,
             conditions = excluded.conditions, referral_needed = excluded.referral_needed, hours = excluded.hours,
             publish = excluded.publish, note = excluded.note, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by, version = version + 1",
        params![
            input.hospital_id,
            tier,
            input.departments,
            input.conditions,
            input.referral_needed,
            input.hours,
            input.publish,
            input.note,
            at,
            user_id
        ],
    )?;
    let changed_tier = before.as_ref().is_none_or(|b| b.tier != input.tier || b.publish != input.publish);
    if changed_tier {
        conn.execute(
            "INSERT INTO post_covid_care_log (hospital_id, tier, publish, at) VALUES (?1, ?2, ?3, ?4)",
            params![input.hospital_id, tier, input.publish, at],
        )?;
    }
    let after = get(conn, &input.hospital_id)?;
    audit::record(
        conn,
        audit::Change {
            user_id,
            action: if before.is_some() { audit::Action::Update } else { audit::Action::Create },
            entity: "post_covid_care",
            entity_id: &input.hospital_id,
            before: before.as_ref().map(Audited::from).as_ref(),
            after: after.as_ref().map(Audited::from).as_ref(),
        },
    )?;
    Ok(())
}

const SELECT: &str = "SELECT h.id, h.code, h.name, m.name,
        (SELECT r.name FROM municipality_regions x JOIN medical_regions r ON r.id = x.region_id
         WHERE x.municipality_code = h.municipality_code AND r.plan_id = ?1),
        coalesce((SELECT phone FROM hospital_contacts c WHERE c.hospital_id = h.id ORDER BY c.position LIMIT 1), ''),
        p.tier, p.departments, p.conditions, p.referral_needed, p.hours, p.publish, p.note, p.updated_at, p.version
     FROM post_covid_care p
     JOIN hospitals h ON h.id = p.hospital_id
     JOIN municipalities m ON m.code = h.municipality_code";

fn entry(row: &rusqlite::Row) -> rusqlite::Result<PostCovidEntry> {
    let tier: Option<String> = row.get(6)?;
    Ok(PostCovidEntry {
        hospital_id: row.get(0)?,
        hospital_code: row.get(1)?,
        hospital_name: row.get(2)?,
        municipality_name: row.get(3)?,
        region_name: row.get(4)?,
        phone: row.get(5)?,
        tier: tier.as_deref().and_then(PostCovidTier::parse),
        departments: row.get(7)?,
        conditions: row.get(8)?,
        referral_needed: row.get(9)?,
        hours: row.get(10)?,
        publish: row.get(11)?,
        note: row.get(12)?,
        updated_at: row.get(13)?,
        version: row.get(14)?,
    })
}

pub fn get(conn: Db<'_>, hospital_id: &str) -> crate::Result<Option<PostCovidEntry>> {
    Ok(conn
        .query_row(&format!("{SELECT} WHERE p.hospital_id = ?2"), params![None::<String>, hospital_id], entry)
        .optional()?)
}

/// Every entry, the regions named under `plan` (the plan in force).
pub fn list(conn: Db<'_>, plan: Option<&str>) -> crate::Result<Vec<PostCovidEntry>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY h.code"))?;
    let rows = stmt.query_map([plan], entry)?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// Every change, oldest first, with its day in the desk's time zone.
pub fn changes(conn: Db<'_>, offset: chrono::FixedOffset) -> crate::Result<Vec<TierChange>> {
    let mut stmt = conn.prepare("SELECT hospital_id, tier, publish, at FROM post_covid_care_log ORDER BY at, rowid")?;
    let rows = stmt.query_map([], |row| {
        let tier: Option<String> = row.get(1)?;
        let at: String = row.get(3)?;
        Ok((row.get::<_, String>(0)?, tier, row.get::<_, bool>(2)?, at))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (hospital_id, tier, publish, at) = row?;
        let on =
            crate::ids::parse_rfc3339(&at).map(|t| t.with_timezone(&offset).date_naive()).unwrap_or(NaiveDate::MIN);
        out.push(TierChange { hospital_id, tier: tier.as_deref().and_then(PostCovidTier::parse), publish, on });
    }
    Ok(out)
}
