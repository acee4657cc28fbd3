//! The region-pack update part of [`Desk`]: load a newer version of the desk's pack (a new plan's
//! regions, a municipal merger, a new decline reason) after a preview of what changes and which of
//! the desk's records move. The administrator's, audited, in one transaction; refused while any
//! record would be left pointing at an entry the new version drops.

use tenin_domain::access::Permission;
use tenin_domain::error::{Error, Result};
use tenin_domain::region_pack::RegionPack;
use tenin_domain::region_pack_update::{self, ChangeKind, Entry, PackUpdatePreview};
use tenin_store::{Db, audit, pack_update, reference};

use super::Desk;

/// A region pack is a few hundred kilobytes (Kanagawa's: 20 KB); a larger file is refused unread.
pub const MAX_PACK_BYTES: usize = 16 * 1024 * 1024;

/// Reads a pack file within its limit.
fn read_pack(json: &str) -> Result<RegionPack> {
    if json.len() > MAX_PACK_BYTES {
        let message = format!("地域パックが大きすぎます（{} MB まで）", MAX_PACK_BYTES >> 20);
        return Err(Error::refused("pack", &message));
    }
    RegionPack::from_json(json)
}

/// The preview of `pack` over the loaded one, and the entries it drops.
fn preview(conn: Db<'_>, pack: &RegionPack) -> Result<(PackUpdatePreview, Vec<Entry>)> {
    let loaded =
        reference::pack_info(conn)?.ok_or_else(|| Error::ReferenceData("地域パックが読み込まれていません".into()))?;
    if loaded.id != pack.id {
        let message = format!("別の地域パックです（このデスク: {}、ファイル: {}）", loaded.id, pack.id);
        return Err(Error::refused("pack", &message));
    }
    let current = pack_update::current_entries(conn)?;
    // A count that cannot be read is taken as "in use": the update then needs a move.
    let changes =
        region_pack_update::changes(&current, pack, |list, id| pack_update::references(conn, list, id).unwrap_or(1));
    let mut blocked = region_pack_update::blocked(&changes);
    if loaded.version == pack.version {
        blocked.push(format!("この版（{}）はすでに読み込まれています", pack.version));
    }
    if loaded.utc_offset_minutes != pack.utc_offset_minutes || loaded.time_zone != pack.time_zone {
        blocked.push("時間帯（time_zone, utc_offset_minutes）は変えられません（受付番号や日付が変わるため）".into());
    }
    let removed_ids: Vec<(String, String)> =
        changes.iter().filter(|c| c.kind == ChangeKind::Removed).map(|c| (c.list.clone(), c.id.clone())).collect();
    let removed =
        current.into_iter().filter(|e| removed_ids.iter().any(|(l, id)| l == e.list && *id == e.id)).collect();
    let preview = PackUpdatePreview {
        pack_id: pack.id.clone(),
        pack_name: pack.name.clone(),
        from_version: loaded.version,
        to_version: pack.version.clone(),
        changes,
        blocked,
    };
    Ok((preview, removed))
}

impl Desk {
    /// What loading `json` (a newer version of this desk's pack) would change. Nothing is written.
    pub fn preview_pack_update(&self, json: &str) -> Result<PackUpdatePreview> {
        self.allow(Permission::Administer)?;
        let pack = read_pack(json)?;
        Ok(preview(self.store.read(), &pack)?.0)
    }

    /// Loads `json` over the desk's pack: entries added and changed, the records of dropped ones
    /// moved as the pack says, dropped ones removed, the version recorded — one transaction with its
    /// audit entry. Refused, with the reasons, when the preview says it cannot be applied.
    pub fn apply_pack_update(&mut self, json: &str) -> Result<PackUpdatePreview> {
        let user_id = self.allow(Permission::Administer)?.id.clone();
        let pack = read_pack(json)?;
        let done = self.store.write(|tx| -> Result<PackUpdatePreview> {
            let (preview, removed) = preview(tx, &pack)?;
            if !preview.can_apply() {
                return Err(Error::refused("pack", &preview.blocked.join("\n")));
            }
            pack_update::apply(tx, &pack, &removed)?;
            let count = |kind| preview.changes.iter().filter(|c| c.kind == kind).count();
            let before = serde_json::json!({ "id": pack.id, "version": preview.from_version });
            let after = serde_json::json!({
                "id": pack.id,
                "version": pack.version,
                "added": count(ChangeKind::Added),
                "changed": count(ChangeKind::Changed),
                "removed": count(ChangeKind::Removed),
                "moves": preview.changes.iter().filter_map(|c| c.moved_to.as_ref().map(|to| format!("{}:{}→{to}", c.list, c.id))).collect::<Vec<_>>(),
            });
            let change = audit::Change {
                user_id: &user_id,
                action: audit::Action::Update,
                entity: "region_pack",
                entity_id: &pack.id,
                before: Some(&before),
                after: Some(&after),
            };
            audit::record(tx, change)?;
            Ok(preview)
        })?;
        Ok(done)
    }
}
