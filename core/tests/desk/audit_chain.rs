//! The audit trail as a hash chain, on a real SQLite file: intact after ordinary work, and an edited
//! or removed entry is found by `verify`, naming where the chain breaks.

use tenin_store::DATABASE_FILE;

use crate::demo_desk;

#[test]
fn ordinary_work_keeps_the_chain_and_tampering_breaks_it_where_it_happened() {
    let (dir, mut desk) = demo_desk();
    desk.create_request(&crate::valid_input(&desk), true).expect("created");
    let intact = desk.verify_audit().expect("verify");
    assert!(intact.broken_at.is_none(), "{intact:?}");
    assert!(intact.entries > 100, "the demo load and the new request are audited: {}", intact.entries);

    // Someone edits an entry's recorded values directly in the file.
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).expect("open");
    let target: i64 =
        conn.query_row("SELECT seq FROM audit_log ORDER BY seq LIMIT 1 OFFSET 40", [], |r| r.get(0)).expect("seq");
    conn.execute("UPDATE audit_log SET after_json = '{\"name\":\"書き換え\"}' WHERE seq = ?1", [target])
        .expect("tamper");
    let edited = desk.verify_audit().expect("verify");
    let broken = edited.broken_at.expect("found");
    assert_eq!(i64::from(broken.seq), target);
    assert!(broken.reason.contains("書き換え"), "{}", broken.reason);

    // Someone removes an entry: the next one no longer links.
    conn.execute("DELETE FROM audit_log WHERE seq = ?1", [target]).expect("remove");
    let removed = desk.verify_audit().expect("verify").broken_at.expect("found");
    assert!(i64::from(removed.seq) > target && removed.reason.contains("つながり"), "{removed:?}");
}

/// Entries from before the chain were sealed once, by its migration (`tenin-store`'s migration
/// tests); a hash set to NULL since is laundering, and it stays a break however often the desk opens.
#[test]
fn hashes_set_to_null_are_a_break_and_never_resealed_at_open() {
    let (dir, desk) = demo_desk();
    drop(desk);
    let conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).expect("open");
    let from: i64 = conn.query_row("SELECT max(seq) - 5 FROM audit_log", [], |r| r.get(0)).expect("seq");
    conn.execute("UPDATE audit_log SET after_json = '{}' WHERE seq = ?1", [from]).expect("edit");
    conn.execute("UPDATE audit_log SET prev_hash = NULL, hash = NULL WHERE seq >= ?1", [from]).expect("launder");
    drop(conn);
    for _ in 0..2 {
        let desk = crate::open_signed_in(dir.path());
        let broken = desk.verify_audit().expect("verify").broken_at.expect("the laundering is found");
        assert_eq!(i64::from(broken.seq), from, "at the first entry whose hash was taken away");
    }
}

#[test]
fn the_audit_viewer_filters_by_entity_time_and_text() {
    use tenin_store::audit::AuditFilter;
    let (_dir, mut desk) = demo_desk();
    desk.set_capacity_stale_after_hours(12).expect("setting");
    let settings =
        desk.audit_log(&AuditFilter { entity: Some("desk_settings".into()), ..Default::default() }).expect("rows");
    assert_eq!(settings.len(), 1);
    assert_eq!(settings[0].user_name, "管理者 太郎", "who, by name");
    assert!(settings[0].after_json.as_deref().is_some_and(|a| a.contains("12")), "before and after values");
    let all = desk.audit_log(&AuditFilter::default()).expect("all");
    assert!(all.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
    let found = desk.audit_log(&AuditFilter { text: "桜総合病院".into(), ..Default::default() }).expect("text");
    assert!(!found.is_empty() && found.len() < all.len());
    let today = desk.today().expect("today");
    let tomorrow = (today + chrono::Duration::days(1)).to_string();
    assert!(desk.audit_log(&AuditFilter { from: Some(tomorrow), ..Default::default() }).expect("future").is_empty());
    assert!(desk.audit_log(&AuditFilter { from: Some("いつか".into()), ..Default::default() }).is_err());
    assert!(desk.audit_entities().expect("entities").contains(&"hospital".to_owned()));
}
