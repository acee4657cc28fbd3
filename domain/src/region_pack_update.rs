//! Loading a newer version of a desk's region pack (a new health-care plan's regions, a municipal
//! merger, a new decline reason): what changes, list by list, and what the desk's records that point
//! at a dropped entry become. Every entry is compared as a line of its fields; an entry the new
//! version drops is either unused by the desk, or has a move (`moves` in the pack) to an entry that
//! stays — never silently lost: an update that would leave records pointing nowhere is refused.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::region_pack::RegionPack;

/// One entry of a list, as compared: its id and its fields on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub list: &'static str,
    pub id: String,
    pub text: String,
}

/// The lists of a pack, in the order they are applied (a list's entries may point at the ones before).
pub const LISTS: [&str; 8] = [
    "report_group",
    "jurisdiction",
    "plan",
    "medical_region",
    "municipality",
    "bed_type",
    "decline_reason",
    "transport_mode",
];

/// A list's name as the preview shows it.
pub fn list_ja(list: &str) -> &'static str {
    match list {
        "report_group" => "集計区分",
        "jurisdiction" => "保健所",
        "plan" => "保健医療計画",
        "medical_region" => "二次医療圏",
        "municipality" => "市区町村",
        "bed_type" => "病床種別",
        "decline_reason" => "お断り理由",
        "transport_mode" => "搬送手段",
        _ => "その他",
    }
}

/// An entry's fields on one line, the same way for the loaded pack and the new one.
pub fn line(fields: &[&str]) -> String {
    fields.join(" / ")
}

/// Every entry of `pack`.
pub fn entries(pack: &RegionPack) -> Vec<Entry> {
    let mut all = Vec::new();
    let mut push = |list: &'static str, id: &str, text: String| all.push(Entry { list, id: id.to_owned(), text });
    for g in &pack.report_groups {
        push("report_group", &g.id, line(&[&g.name]));
    }
    for j in &pack.jurisdictions {
        push("jurisdiction", &j.id, line(&[&j.name, &j.report_group, j.parent.as_deref().unwrap_or("")]));
    }
    for p in &pack.plans {
        let to = p.to.map(|d| d.to_string()).unwrap_or_default();
        push("plan", &p.id, line(&[&p.name, &p.from.to_string(), &to]));
    }
    for r in &pack.medical_regions {
        push("medical_region", &r.id, line(&[&r.name, &r.plan]));
    }
    for m in &pack.municipalities {
        let mut regions = m.regions.clone();
        regions.sort();
        push(
            "municipality",
            &m.code,
            line(&[&m.name, &m.jurisdiction, m.parent.as_deref().unwrap_or(""), &regions.join(",")]),
        );
    }
    for t in &pack.bed_types {
        push("bed_type", &t.id, line(&[&t.name]));
    }
    for d in &pack.decline_reasons {
        push("decline_reason", &d.id, line(&[&d.name, if d.own_rule { "独自ルール" } else { "" }, d.lapses.as_str()]));
    }
    for t in &pack.transport_modes {
        push("transport_mode", &t.id, line(&[&t.name]));
    }
    all
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Changed,
    Removed,
}

/// One change an update makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PackChange {
    pub list: String,
    pub list_ja: String,
    pub id: String,
    pub kind: ChangeKind,
    pub before: Option<String>,
    pub after: Option<String>,
    /// The desk's records pointing at a removed entry (hospitals, requests, inquiries, …).
    pub references: u32,
    /// Where those records go (the pack's `moves`).
    pub moved_to: Option<String>,
}

/// What an update would do, and whether it can.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PackUpdatePreview {
    pub pack_id: String,
    pub pack_name: String,
    pub from_version: String,
    pub to_version: String,
    pub changes: Vec<PackChange>,
    /// Why it cannot be applied (Japanese sentences); empty when it can.
    pub blocked: Vec<String>,
}

impl PackUpdatePreview {
    pub fn can_apply(&self) -> bool {
        self.blocked.is_empty()
    }
}

/// The changes from the loaded entries to `pack`'s, with the references to each removed entry
/// (`references(list, id)`) and its move.
pub fn changes(current: &[Entry], pack: &RegionPack, references: impl Fn(&str, &str) -> u32) -> Vec<PackChange> {
    let key = |e: &Entry| (LISTS.iter().position(|l| *l == e.list).unwrap_or(LISTS.len()), e.id.clone());
    let before: BTreeMap<_, &Entry> = current.iter().map(|e| (key(e), e)).collect();
    let next = entries(pack);
    let after: BTreeMap<_, &Entry> = next.iter().map(|e| (key(e), e)).collect();
    let moved = |list: &str, id: &str| -> Option<String> {
        match list {
            "municipality" => pack.moves.municipalities.get(id),
            "bed_type" => pack.moves.bed_types.get(id),
            "decline_reason" => pack.moves.decline_reasons.get(id),
            _ => None,
        }
        .cloned()
    };
    let change = |e: &Entry, kind, before: Option<&Entry>, after: Option<&Entry>| PackChange {
        list: e.list.to_owned(),
        list_ja: list_ja(e.list).to_owned(),
        id: e.id.clone(),
        kind,
        before: before.map(|b| b.text.clone()),
        after: after.map(|a| a.text.clone()),
        references: if kind == ChangeKind::Removed { references(e.list, &e.id) } else { 0 },
        moved_to: if kind == ChangeKind::Removed { moved(e.list, &e.id) } else { None },
    };
    let mut out = Vec::new();
    for (k, old) in &before {
        match after.get(k) {
            None => out.push(change(old, ChangeKind::Removed, Some(old), None)),
            Some(new) if new.text != old.text => out.push(change(old, ChangeKind::Changed, Some(old), Some(new))),
            Some(_) => {}
        }
    }
    for (k, new) in &after {
        if !before.contains_key(k) {
            out.push(change(new, ChangeKind::Added, None, Some(new)));
        }
    }
    out.sort_by_key(|c| (LISTS.iter().position(|l| *l == c.list), c.kind as u8, c.id.clone()));
    out
}

/// Why the changes cannot be applied: a removed entry still used by the desk with nowhere to go.
pub fn blocked(changes: &[PackChange]) -> Vec<String> {
    changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Removed && c.references > 0 && c.moved_to.is_none())
        .map(|c| {
            format!(
                "{}「{}」（{}）はデスクの記録 {} 件が使っています。新しい版で移し先（moves）を指定してください",
                c.list_ja,
                c.before.as_deref().unwrap_or("").split(" / ").next().unwrap_or(""),
                c.id,
                c.references
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack(json_patch: impl FnOnce(&mut serde_json::Value)) -> RegionPack {
        let mut value: serde_json::Value =
            serde_json::from_str(crate::bundled::DEFAULT_REGION_PACK_JSON).expect("the bundled pack");
        json_patch(&mut value);
        RegionPack::from_json(&value.to_string()).expect("a valid pack")
    }

    #[test]
    fn an_update_lists_what_is_added_changed_and_removed_with_its_move() {
        let old = pack(|_| {});
        let current = entries(&old);
        let new = pack(|v| {
            let reasons = v["decline_reasons"].as_array_mut().expect("reasons");
            let first = reasons[0]["id"].as_str().expect("id").to_owned();
            let second = reasons[1]["id"].as_str().expect("id").to_owned();
            reasons.remove(0);
            reasons[0]["name"] = "名前を変えた理由".into();
            reasons.push(serde_json::json!({ "id": "new_reason", "name": "新しい理由" }));
            v["moves"] = serde_json::json!({ "decline_reasons": { first.clone(): second.clone() } });
            v["version"] = "2027.1".into();
        });
        let used = |list: &str, _: &str| u32::from(list == "decline_reason") * 4;
        let found = changes(&current, &new, used);
        let kinds: Vec<_> = found.iter().map(|c| (c.list.as_str(), c.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("decline_reason", ChangeKind::Added),
                ("decline_reason", ChangeKind::Changed),
                ("decline_reason", ChangeKind::Removed)
            ]
        );
        let removed = &found[2];
        assert_eq!(removed.references, 4);
        assert!(removed.moved_to.is_some(), "the move is named");
        assert!(blocked(&found).is_empty());
        let without_move = pack(|v| {
            v["decline_reasons"].as_array_mut().expect("reasons").remove(0);
        });
        let stuck = changes(&current, &without_move, used);
        assert_eq!(blocked(&stuck).len(), 1, "a used entry with nowhere to go blocks the update");
        assert!(blocked(&stuck)[0].contains("4 件"));
    }

    #[test]
    fn a_move_must_go_to_an_entry_of_the_new_pack() {
        let mut value: serde_json::Value =
            serde_json::from_str(crate::bundled::DEFAULT_REGION_PACK_JSON).expect("the bundled pack");
        value["moves"] = serde_json::json!({ "municipalities": { "999999": "000000" } });
        let refused = RegionPack::from_json(&value.to_string()).expect_err("refused");
        assert!(refused.to_string().contains("移し先"), "{refused}");
    }
}
