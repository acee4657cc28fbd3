//! Updating a loaded region pack to a newer version: the loaded entries as the update compares them,
//! how many of the desk's records point at each, and the update itself — entries upserted, the
//! records of dropped entries moved as the pack says, dropped entries deleted (the foreign keys refuse
//! any that something still points at), the kept placement counts recounted when municipalities move.

use rusqlite::params;
use tenin_domain::region_pack::{JurisdictionKind, RegionPack};
use tenin_domain::region_pack_update::{Entry, line};

use crate::Db;
use crate::Result;
use crate::meta;

fn rows(conn: Db<'_>, sql: &str, list: &'static str, width: usize) -> rusqlite::Result<Vec<Entry>> {
    let mut stmt = conn.prepare(sql)?;
    let found = stmt.query_map([], |row| {
        let id: String = row.get(0)?;
        let mut fields = Vec::with_capacity(width);
        for i in 1..=width {
            fields.push(row.get::<_, Option<String>>(i)?.unwrap_or_default());
        }
        let fields: Vec<&str> = fields.iter().map(String::as_str).collect();
        Ok(Entry { list, id, text: line(&fields) })
    })?;
    found.collect()
}

/// The loaded pack's entries, each as `region_pack_update::entries` writes it.
pub fn current_entries(conn: Db<'_>) -> crate::Result<Vec<Entry>> {
    let mut all = Vec::new();
    all.extend(rows(conn, "SELECT id, name FROM report_groups", "report_group", 1)?);
    all.extend(rows(conn, "SELECT id, name, report_group, parent_id FROM jurisdictions", "jurisdiction", 3)?);
    all.extend(rows(conn, "SELECT id, name, valid_from, valid_to FROM plans", "plan", 3)?);
    all.extend(rows(conn, "SELECT id, name, plan_id FROM medical_regions", "medical_region", 2)?);
    all.extend(rows(
        conn,
        "SELECT m.code, m.name, m.jurisdiction_id, m.parent_code,
                (SELECT group_concat(region_id, ',') FROM
                    (SELECT region_id FROM municipality_regions WHERE municipality_code = m.code ORDER BY region_id))
         FROM municipalities m",
        "municipality",
        4,
    )?);
    all.extend(rows(conn, "SELECT id, name FROM vocabulary WHERE list = 'bed_type'", "bed_type", 1)?);
    all.extend(rows(
        conn,
        "SELECT id, name, CASE WHEN own_rule THEN '独自ルール' ELSE '' END, lapses
         FROM vocabulary WHERE list = 'decline_reason'",
        "decline_reason",
        3,
    )?);
    all.extend(rows(conn, "SELECT id, name FROM vocabulary WHERE list = 'transport_mode'", "transport_mode", 1)?);
    Ok(all)
}

/// How many of the desk's records point at an entry (what would be lost if it went without a move).
pub fn references(conn: Db<'_>, list: &str, id: &str) -> crate::Result<u32> {
    let quoted = format!("\"{id}\"");
    let count = |sql: &str, value: &str| -> rusqlite::Result<u32> { conn.query_row(sql, [value], |row| row.get(0)) };
    Ok(match list {
        "municipality" => {
            count("SELECT count(*) FROM hospitals WHERE municipality_code = ?1", id)?
                + count("SELECT count(*) FROM transfer_requests WHERE residence_municipality_code = ?1", id)?
                + count("SELECT count(*) FROM outside_transfers WHERE residence_municipality_code = ?1", id)?
                + count("SELECT count(*) FROM transport_providers WHERE instr(areas, ?1) > 0", &quoted)?
        }
        "medical_region" => {
            count("SELECT count(*) FROM transfer_requests WHERE instr(preferred_regions, ?1) > 0", &quoted)?
                + count("SELECT count(*) FROM transport_providers WHERE instr(areas, ?1) > 0", &quoted)?
        }
        "bed_type" => {
            count("SELECT count(*) FROM transfer_requests WHERE bed_type_id = ?1", id)?
                + count("SELECT count(*) FROM capacity_reports WHERE bed_type = ?1", id)?
        }
        "decline_reason" => count("SELECT count(*) FROM inquiries WHERE decline_reason = ?1", id)?,
        "transport_mode" => count("SELECT count(*) FROM transport_providers WHERE instr(modes, ?1) > 0", &quoted)?,
        _ => 0,
    })
}

/// Applies `pack` over the loaded one in the caller's transaction: every entry upserted, the moves
/// carried out, dropped entries deleted. The preview has been checked by the caller.
pub fn apply(conn: Db<'_>, pack: &RegionPack, removed: &[Entry]) -> Result<()> {
    for (i, g) in pack.report_groups.iter().enumerate() {
        conn.execute(
            "INSERT INTO report_groups (id, name, sort_order) VALUES (?1, ?2, ?3)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, sort_order = excluded.sort_order",
            params![g.id, g.name, i as i64],
        )?;
    }
    let mut jurisdictions: Vec<_> = pack.jurisdictions.iter().enumerate().collect();
    jurisdictions.sort_by_key(|(i, j)| (j.kind == JurisdictionKind::PrefecturalCentre, *i));
    for (i, j) in jurisdictions {
        conn.execute(
            "INSERT INTO jurisdictions (id, name, kana, kind, parent_id, report_group, sort_order)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, kana = excluded.kana, kind = excluded.kind,
                 parent_id = excluded.parent_id, report_group = excluded.report_group, sort_order = excluded.sort_order",
            params![j.id, j.name, j.kana, j.kind.as_str(), j.parent, j.report_group, i as i64],
        )?;
    }
    for p in &pack.plans {
        conn.execute(
            "INSERT INTO plans (id, name, valid_from, valid_to) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, valid_from = excluded.valid_from,
                 valid_to = excluded.valid_to",
            params![p.id, p.name, p.from.to_string(), p.to.map(|d| d.to_string())],
        )?;
    }
    for (i, r) in pack.medical_regions.iter().enumerate() {
        conn.execute(
            "INSERT INTO medical_regions (id, plan_id, name, kana, sort_order) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET plan_id = excluded.plan_id, name = excluded.name,
                 kana = excluded.kana, sort_order = excluded.sort_order",
            params![r.id, r.plan, r.name, r.kana, i as i64],
        )?;
    }
    let mut municipalities: Vec<_> = pack.municipalities.iter().enumerate().collect();
    municipalities.sort_by_key(|(i, m)| (m.parent.is_some(), *i));
    for (i, m) in &municipalities {
        conn.execute(
            "INSERT INTO municipalities (code, name, kana, parent_code, jurisdiction_id, sort_order)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, kana = excluded.kana,
                 parent_code = excluded.parent_code, jurisdiction_id = excluded.jurisdiction_id,
                 sort_order = excluded.sort_order",
            params![m.code, m.name, m.kana, m.parent, m.jurisdiction, *i as i64],
        )?;
    }
    conn.execute("DELETE FROM municipality_regions", [])?;
    for (_, m) in &municipalities {
        for region in &m.regions {
            conn.execute(
                "INSERT INTO municipality_regions (municipality_code, region_id) VALUES (?1, ?2)",
                params![m.code, region],
            )?;
        }
    }
    let lists = [
        (
            "bed_type",
            pack.bed_types.iter().map(|t| (t.id.as_str(), t.name.as_str(), false, "never")).collect::<Vec<_>>(),
        ),
        (
            "decline_reason",
            pack.decline_reasons
                .iter()
                .map(|t| (t.id.as_str(), t.name.as_str(), t.own_rule, t.lapses.as_str()))
                .collect(),
        ),
        (
            "transport_mode",
            pack.transport_modes.iter().map(|t| (t.id.as_str(), t.name.as_str(), false, "never")).collect(),
        ),
    ];
    for (list, terms) in lists {
        for (i, (id, name, own_rule, lapses)) in terms.into_iter().enumerate() {
            conn.execute(
                "INSERT INTO vocabulary (list, id, name, own_rule, lapses, sort_order) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (list, id) DO UPDATE SET name = excluded.name, own_rule = excluded.own_rule,
                     lapses = excluded.lapses, sort_order = excluded.sort_order",
                params![list, id, name, own_rule, lapses, i as i64],
            )?;
        }
    }
    // The records of dropped entries go where the pack says.
    for (from, to) in &pack.moves.municipalities {
        for sql in [
            "UPDATE hospitals SET municipality_code = ?2 WHERE municipality_code = ?1",
            "UPDATE transfer_requests SET residence_municipality_code = ?2 WHERE residence_municipality_code = ?1",
            "UPDATE outside_transfers SET residence_municipality_code = ?2 WHERE residence_municipality_code = ?1",
            "UPDATE transport_providers SET areas = replace(areas, '\"' || ?1 || '\"', '\"' || ?2 || '\"')",
        ] {
            conn.execute(sql, params![from, to])?;
        }
    }
    for (from, to) in &pack.moves.bed_types {
        conn.execute("UPDATE transfer_requests SET bed_type_id = ?2 WHERE bed_type_id = ?1", params![from, to])?;
        conn.execute("UPDATE capacity_reports SET bed_type = ?2 WHERE bed_type = ?1", params![from, to])?;
    }
    for (from, to) in &pack.moves.decline_reasons {
        conn.execute("UPDATE inquiries SET decline_reason = ?2 WHERE decline_reason = ?1", params![from, to])?;
    }
    // Former names as the pack gives them (none points at an entry about to be dropped).
    crate::reference::replace_former_names(conn, pack)?;
    // Dropped entries, children before parents; a foreign key still pointing at one refuses it.
    let ids = |list: &'static str| removed.iter().filter(move |e| e.list == list).map(|e| e.id.as_str());
    let delete = |sql: &str, list: &'static str| -> rusqlite::Result<()> {
        for id in ids(list) {
            conn.execute(sql, [id])?;
        }
        Ok(())
    };
    delete("DELETE FROM municipalities WHERE code = ?1 AND parent_code IS NOT NULL", "municipality")?;
    delete("DELETE FROM municipalities WHERE code = ?1", "municipality")?;
    delete("DELETE FROM medical_regions WHERE id = ?1", "medical_region")?;
    delete("DELETE FROM plans WHERE id = ?1", "plan")?;
    delete("DELETE FROM jurisdictions WHERE id = ?1 AND parent_id IS NOT NULL", "jurisdiction")?;
    delete("DELETE FROM jurisdictions WHERE id = ?1", "jurisdiction")?;
    delete("DELETE FROM report_groups WHERE id = ?1", "report_group")?;
    delete("DELETE FROM vocabulary WHERE list = 'bed_type' AND id = ?1", "bed_type")?;
    delete("DELETE FROM vocabulary WHERE list = 'decline_reason' AND id = ?1", "decline_reason")?;
    delete("DELETE FROM vocabulary WHERE list = 'transport_mode' AND id = ?1", "transport_mode")?;
    if !pack.moves.municipalities.is_empty() {
        crate::placement_counts::recount(conn)?;
    }
    // Hospitals are found by their municipality's name too: a renamed or merged one is searched anew.
    crate::hospitals::rekey_search(conn)?;
    meta::set(conn, meta::REGION_PACK_NAME, &pack.name)?;
    meta::set(conn, meta::REGION_PACK_VERSION, &pack.version)?;
    meta::set(conn, meta::REPORT_GROUP_OTHER, &pack.report_group_other)?;
    Ok(())
}
