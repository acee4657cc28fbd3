//! Reference tables: written once from a region pack, then read.

use crate::Db;
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, params};

use crate::Result;
use crate::meta;
use tenin_domain::error::Rule;
use tenin_domain::reference::{MunicipalityInfo, RegionPackInfo, Term};
use tenin_domain::region_pack::{DeclineLapse, JurisdictionKind, RegionPack};

pub fn is_loaded(conn: Db<'_>) -> crate::Result<bool> {
    Ok(meta::get(conn, meta::REGION_PACK_ID)?.is_some())
}

/// Writes a validated pack into the empty reference tables.
pub fn load_pack(conn: Db<'_>, pack: &RegionPack) -> Result<()> {
    if let Some(loaded) = meta::get(conn, meta::REGION_PACK_ID)? {
        return Err(Rule::RegionPackLoaded { loaded }.into());
    }
    for (i, group) in pack.report_groups.iter().enumerate().map(|(i, x)| (i as i64, x)) {
        crate::execute_cached(
            conn,
            "INSERT INTO report_groups (id, name, sort_order) VALUES (?1, ?2, ?3)",
            params![group.id, group.name, i],
        )?;
    }
    // Offices before their sub-office centres, so every parent exists when referenced.
    let mut jurisdictions: Vec<_> = pack.jurisdictions.iter().enumerate().map(|(i, x)| (i as i64, x)).collect();
    jurisdictions.sort_by_key(|(i, j)| (j.kind == JurisdictionKind::PrefecturalCentre, *i));
    for (i, j) in jurisdictions {
        crate::execute_cached(
            conn,
            "INSERT INTO jurisdictions (id, name, kana, kind, parent_id, report_group, sort_order)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![j.id, j.name, j.kana, j.kind.as_str(), j.parent, j.report_group, i],
        )?;
    }
    for plan in &pack.plans {
        crate::execute_cached(
            conn,
            "INSERT INTO plans (id, name, valid_from, valid_to) VALUES (?1, ?2, ?3, ?4)",
            params![plan.id, plan.name, plan.from.to_string(), plan.to.map(|d| d.to_string())],
        )?;
    }
    for (i, region) in pack.medical_regions.iter().enumerate().map(|(i, x)| (i as i64, x)) {
        crate::execute_cached(
            conn,
            "INSERT INTO medical_regions (id, plan_id, name, kana, sort_order) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![region.id, region.plan, region.name, region.kana, i],
        )?;
    }
    let mut municipalities: Vec<_> = pack.municipalities.iter().enumerate().map(|(i, x)| (i as i64, x)).collect();
    municipalities.sort_by_key(|(i, m)| (m.parent.is_some(), *i));
    for (i, m) in municipalities {
        crate::execute_cached(
            conn,
            "INSERT INTO municipalities (code, name, kana, parent_code, jurisdiction_id, sort_order)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![m.code, m.name, m.kana, m.parent, m.jurisdiction, i],
        )?;
        for region in &m.regions {
            crate::execute_cached(
                conn,
                "INSERT INTO municipality_regions (municipality_code, region_id) VALUES (?1, ?2)",
                params![m.code, region],
            )?;
        }
    }
    fn plain(t: &tenin_domain::region_pack::Term) -> (&str, &str, bool, DeclineLapse) {
        (t.id.as_str(), t.name.as_str(), false, DeclineLapse::Never)
    }
    let lists = [
        ("bed_type", pack.bed_types.iter().map(plain).collect::<Vec<_>>()),
        (
            "decline_reason",
            pack.decline_reasons.iter().map(|t| (t.id.as_str(), t.name.as_str(), t.own_rule, t.lapses)).collect(),
        ),
        ("transport_mode", pack.transport_modes.iter().map(plain).collect()),
    ];
    for (list, terms) in lists {
        for (i, (id, name, own_rule, lapses)) in terms.into_iter().enumerate().map(|(i, x)| (i as i64, x)) {
            crate::execute_cached(
                conn,
                "INSERT INTO vocabulary (list, id, name, own_rule, lapses, sort_order) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![list, id, name, own_rule, lapses.as_str(), i],
            )?;
        }
    }
    replace_former_names(conn, pack)?;
    meta::set(conn, meta::REGION_PACK_ID, &pack.id)?;
    meta::set(conn, meta::REGION_PACK_NAME, &pack.name)?;
    meta::set(conn, meta::REGION_PACK_VERSION, &pack.version)?;
    meta::set(conn, meta::REPORT_GROUP_OTHER, &pack.report_group_other)?;
    meta::set(conn, meta::TIME_ZONE, &pack.time_zone)?;
    meta::set(conn, meta::UTC_OFFSET_MINUTES, &pack.utc_offset_minutes.to_string())?;
    Ok(())
}

/// Replaces the former names of municipalities with `pack`'s (those of municipalities the database
/// has).
pub fn replace_former_names(conn: Db<'_>, pack: &RegionPack) -> crate::Result<()> {
    conn.execute("DELETE FROM municipality_former_names", [])?;
    for m in &pack.municipalities {
        for name in &m.former_names {
            crate::execute_cached(
                conn,
                "INSERT INTO municipality_former_names (name, municipality_code)
                 SELECT ?1, code FROM municipalities WHERE code = ?2",
                params![name, m.code],
            )?;
        }
    }
    Ok(())
}

/// The bundled pack's former names, for a desk that loaded that pack (by id) before they existed.
pub fn load_bundled_former_names(conn: Db<'_>) -> crate::Result<()> {
    let Ok(pack) = tenin_domain::bundled::default_region_pack() else { return Ok(()) };
    if meta::get(conn, meta::REGION_PACK_ID)?.as_deref() == Some(pack.id.as_str()) {
        replace_former_names(conn, &pack)?;
    }
    Ok(())
}

/// Former names of municipalities: (old name, the municipality's code).
pub fn former_names(conn: Db<'_>) -> crate::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare("SELECT name, municipality_code FROM municipality_former_names ORDER BY name")?;
    stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

pub fn pack_info(conn: Db<'_>) -> crate::Result<Option<RegionPackInfo>> {
    let Some(id) = meta::get(conn, meta::REGION_PACK_ID)? else { return Ok(None) };
    let get = |key| meta::get(conn, key).map(Option::unwrap_or_default);
    Ok(Some(RegionPackInfo {
        id,
        name: get(meta::REGION_PACK_NAME)?,
        version: get(meta::REGION_PACK_VERSION)?,
        time_zone: get(meta::TIME_ZONE)?,
        utc_offset_minutes: get(meta::UTC_OFFSET_MINUTES)?.parse().unwrap_or(0),
    }))
}

/// The id of the plan in force on `date` (the latest that has started), if any.
pub fn plan_on(conn: Db<'_>, date: NaiveDate) -> crate::Result<Option<String>> {
    let date = date.to_string();
    Ok(crate::query_row_cached(
        conn,
        "SELECT id FROM plans WHERE valid_from <= ?1 AND (valid_to IS NULL OR ?1 <= valid_to)
         ORDER BY valid_from DESC LIMIT 1",
        [date],
        |row| row.get(0),
    )
    .optional()?)
}

/// A municipality's name and reading.
pub fn municipality_name_and_kana(conn: Db<'_>, code: &str) -> crate::Result<Option<(String, String)>> {
    Ok(crate::query_row_cached(conn, "SELECT name, kana FROM municipalities WHERE code = ?1", [code], |row| {
        Ok((row.get(0)?, row.get(1)?))
    })
    .optional()?)
}

/// All municipalities, each with its jurisdiction, report group and its region under `plan_id`.
pub fn municipalities(conn: Db<'_>, plan_id: Option<&str>) -> crate::Result<Vec<MunicipalityInfo>> {
    let mut stmt = conn.prepare(
        "SELECT m.code, m.name, m.kana, j.id, j.name, g.name,
                (SELECT r.name FROM municipality_regions mr JOIN medical_regions r ON r.id = mr.region_id
                 WHERE mr.municipality_code = m.code AND r.plan_id = ?1)
         FROM municipalities m
         JOIN jurisdictions j ON j.id = m.jurisdiction_id
         JOIN report_groups g ON g.id = j.report_group
         ORDER BY m.sort_order",
    )?;
    let rows = stmt.query_map([plan_id], |row| {
        Ok(MunicipalityInfo {
            code: row.get(0)?,
            name: row.get(1)?,
            kana: row.get(2)?,
            jurisdiction_id: row.get(3)?,
            jurisdiction_name: row.get(4)?,
            report_group_name: row.get(5)?,
            region_name: row.get(6)?,
        })
    })?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

pub fn municipality_exists(conn: Db<'_>, code: &str) -> crate::Result<bool> {
    Ok(crate::query_row_cached(conn, "SELECT EXISTS (SELECT 1 FROM municipalities WHERE code = ?1)", [code], |row| {
        row.get(0)
    })?)
}

pub fn region_exists(conn: Db<'_>, id: &str) -> crate::Result<bool> {
    Ok(crate::query_row_cached(conn, "SELECT EXISTS (SELECT 1 FROM medical_regions WHERE id = ?1)", [id], |row| {
        row.get(0)
    })?)
}

pub fn region_name(conn: Db<'_>, id: &str) -> crate::Result<Option<String>> {
    Ok(crate::query_row_cached(conn, "SELECT name FROM medical_regions WHERE id = ?1", [id], |row| row.get(0))
        .optional()?)
}

/// The medical regions of a plan, in the pack's order.
pub fn regions_of_plan(conn: Db<'_>, plan_id: &str) -> crate::Result<Vec<Term>> {
    let mut stmt = conn.prepare("SELECT id, name FROM medical_regions WHERE plan_id = ?1 ORDER BY sort_order")?;
    let rows = stmt.query_map([plan_id], |row| Ok(Term { id: row.get(0)?, name: row.get(1)? }))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

pub fn term_exists(conn: Db<'_>, list: &str, id: &str) -> crate::Result<bool> {
    Ok(crate::query_row_cached(
        conn,
        "SELECT EXISTS (SELECT 1 FROM vocabulary WHERE list = ?1 AND id = ?2)",
        [list, id],
        |row| row.get(0),
    )?)
}

/// The health-centre jurisdictions, in the pack's order.
pub fn jurisdictions(conn: Db<'_>) -> crate::Result<Vec<Term>> {
    let mut stmt = conn.prepare("SELECT id, name FROM jurisdictions ORDER BY sort_order")?;
    let rows = stmt.query_map([], |row| Ok(Term { id: row.get(0)?, name: row.get(1)? }))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

pub fn terms(conn: Db<'_>, list: &str) -> crate::Result<Vec<Term>> {
    let mut stmt = conn.prepare("SELECT id, name FROM vocabulary WHERE list = ?1 ORDER BY sort_order")?;
    let rows = stmt.query_map([list], |row| Ok(Term { id: row.get(0)?, name: row.get(1)? }))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

pub use tenin_domain::region_pack::DeclineReasonRule;

/// The decline reasons with their own-rule flag and when they lapse, in the pack's order.
pub fn decline_reason_rules(conn: Db<'_>) -> crate::Result<Vec<DeclineReasonRule>> {
    let mut stmt = conn.prepare(
        "SELECT id, name, own_rule, lapses FROM vocabulary WHERE list = 'decline_reason' ORDER BY sort_order",
    )?;
    let rows = stmt.query_map([], |row| {
        let lapses: String = row.get(3)?;
        Ok(DeclineReasonRule {
            id: row.get(0)?,
            name: row.get(1)?,
            own_rule: row.get(2)?,
            lapses: DeclineLapse::parse(&lapses).unwrap_or_default(),
        })
    })?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// Municipality code → its medical region under `plan_id` (municipalities the plan splits by ward
/// have none).
pub fn municipality_regions(conn: Db<'_>, plan_id: &str) -> crate::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT mr.municipality_code, mr.region_id FROM municipality_regions mr
         JOIN medical_regions r ON r.id = mr.region_id WHERE r.plan_id = ?1",
    )?;
    let rows = stmt.query_map([plan_id], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// The name of a vocabulary entry, if it exists.
pub fn term_name(conn: Db<'_>, list: &str, id: &str) -> crate::Result<Option<String>> {
    Ok(crate::query_row_cached(conn, "SELECT name FROM vocabulary WHERE list = ?1 AND id = ?2", [list, id], |row| {
        row.get(0)
    })
    .optional()?)
}

/// The name of a municipality code or a medical region id, if it is either.
pub fn place_name(conn: Db<'_>, place: &str) -> crate::Result<Option<String>> {
    Ok(crate::query_row_cached(
        conn,
        "SELECT name FROM municipalities WHERE code = ?1 UNION ALL SELECT name FROM medical_regions WHERE id = ?1",
        [place],
        |row| row.get(0),
    )
    .optional()?)
}

/// What counts as a municipality's area for a transport provider: its code, its parent's code (a
/// ward's city) and its regions under every plan.
pub fn places_of_municipality(conn: Db<'_>, code: &str) -> crate::Result<Vec<String>> {
    let mut places = vec![code.to_owned()];
    if let Some(parent) = conn
        .query_row("SELECT parent_code FROM municipalities WHERE code = ?1", [code], |row| {
            row.get::<_, Option<String>>(0)
        })
        .optional()?
        .flatten()
    {
        places.push(parent);
    }
    let mut stmt = conn.prepare(
        "SELECT region_id FROM municipality_regions WHERE municipality_code IN
           (?1, (SELECT parent_code FROM municipalities WHERE code = ?1))",
    )?;
    for region in stmt.query_map([code], |row| row.get::<_, String>(0))? {
        places.push(region?);
    }
    Ok(places)
}
