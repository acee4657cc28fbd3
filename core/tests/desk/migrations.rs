//! An older database is backed up, then migrated with its data, and the desk works on it.

use tenin_store::DATABASE_FILE;
use tenin_store::migrations::{LATEST_VERSION, MIGRATIONS, apply, current_version};

#[test]
fn an_older_database_is_backed_up_then_migrated_with_its_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(DATABASE_FILE);
    {
        // A database as release 1 left it: schema 1 and a request in it.
        let mut conn = rusqlite::Connection::open(&path).expect("open");
        apply(&mut conn, &MIGRATIONS[..1]).expect("schema 1");
        conn.execute_batch(
            "INSERT INTO users VALUES ('u1', 'desk', 'デスク担当', 'administrator', 1, '2026-01-01T00:00:00.000Z');
             INSERT INTO report_groups VALUES ('g', '横浜市', 0);
             INSERT INTO jurisdictions VALUES ('yokohama', '横浜市保健所', 'よこはま', 'city', NULL, 'g', 0);
             INSERT INTO municipalities VALUES ('141003', '横浜市', 'よこはまし', NULL, 'yokohama', 0);
             INSERT INTO vocabulary VALUES ('decline_reason', 'full', '満床', 0, 0);
             INSERT INTO desk_meta VALUES ('region_pack_id', 'jp-14-kanagawa'), ('utc_offset_minutes', '540'),
                                          ('time_zone', 'Asia/Tokyo'), ('desk_id', 'd1');
             INSERT INTO hospitals VALUES ('h1', '1410110009', '桜総合病院', 'さくら', '桜総合', '141003', '', 1, 0, 1, 0,
                                           1, 'さくら', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
             INSERT INTO transfer_requests VALUES ('r1', '260101-001', 'h1', 'A.B.', 80, 'male', '141003', 'routine',
                 '経過', 'coordinating', '2026-01-01T00:00:00.000Z', 'u1', '2026-01-01T00:00:00.000Z', 2);
             INSERT INTO request_status_history VALUES ('s1', 'r1', NULL, 'new', '2026-01-01T00:00:00.000Z', 'u1', '');
             INSERT INTO transfer_requests VALUES ('r2', '260131-001', 'h1', 'C.D.', 70, 'female', '141003', 'routine',
                 '', 'transferred', '2026-01-31T12:00:00.000Z', 'u1', '2026-01-31T12:00:00.000Z', 3);
             INSERT INTO request_status_history VALUES
                 ('s2', 'r2', NULL, 'new', '2026-01-31T12:00:00.000Z', 'u1', ''),
                 ('s3', 'r2', 'new', 'placed', '2026-01-31T16:00:00.000Z', 'u1', ''),
                 ('s4', 'r2', 'placed', 'transferred', '2026-02-01T02:00:00.000Z', 'u1', '');",
        )
        .expect("release-1 data");
    }
    let mut desk = tenin_core::Desk::open(dir.path()).expect("opens and migrates");
    // The old shared account has no password: the desk asks for its first administrator, and the
    // old entries keep their author.
    assert_eq!(desk.access().expect("access").state, tenin_core::desk::AccessState::SetUp);
    crate::sign_in_admin(&mut desk);
    assert_eq!(desk.status().expect("status").schema_version, LATEST_VERSION);
    assert_eq!(desk.request("r1").expect("old request").created_by_name, "デスク担当");
    let kept = desk.request("r1").expect("the request survived every migration");
    assert_eq!((kept.summary.ref_no.as_str(), kept.clinical_summary.as_str()), ("260101-001", "経過"));
    assert_eq!((kept.care.adl, kept.inquiries.len(), kept.summary.assigned_to.clone()), (Default::default(), 0, None));
    let hospital = desk.hospital_by_code("1410110009").expect("the hospital survived");
    assert_eq!(hospital.requirements, Default::default(), "schema 6 reads old hospitals with default requirements");
    assert!(hospital.contacts.is_empty() && hospital.capacity.is_empty() && hospital.beyond_criteria.is_empty());
    // Schema 7: decline reasons from before keep holding (the cautious reading), and the old
    // request is judged by the engine, which asks for what release 1 did not record.
    // Schema 9: the kept monthly counts are filled from the history, in the desk's time zone (placed
    // at 16:00 UTC on 31 January is 1 February in Japan).
    assert!(desk.placement_counts_agree().expect("verify"), "backfilled counts agree with the history");
    let report =
        desk.monthly_report("2026-01", "2026-02", tenin_core::reports::JurisdictionBasis::Referrer).expect("report");
    assert_eq!(report.rows.iter().map(|r| r.total).collect::<Vec<_>>(), [0, 1]);
    let report = desk.match_request("r1").expect("an old request can be matched");
    let fields: Vec<&str> = report.blockers.iter().map(|b| b.field.as_str()).collect();
    assert_eq!(fields, ["bed_type_id", "care.adl"]);
    let lapses: String = rusqlite::Connection::open(&path)
        .expect("open")
        .query_row("SELECT lapses FROM vocabulary WHERE id = 'full'", [], |r| r.get(0))
        .expect("lapses column");
    assert_eq!(lapses, "never");
    let backup = dir.path().join(format!("{DATABASE_FILE}.before-schema-1.bak"));
    let old = rusqlite::Connection::open(&backup).expect("the backup is a database");
    assert_eq!(current_version(&old).expect("version"), 1, "the backup is the database as it was");
    let requests: u32 = old.query_row("SELECT count(*) FROM transfer_requests", [], |r| r.get(0)).expect("count");
    assert_eq!(requests, 2, "with its data");
}

#[test]
fn the_answer_sums_are_filled_from_every_inquiry_by_migration_26() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(DATABASE_FILE);
    {
        let mut desk = crate::new_desk(dir.path());
        crate::sign_in_admin(&mut desk);
        desk.load_demo().expect("demo");
        let input = crate::valid_input(&desk);
        let id = desk.create_request(&input, true).expect("created").summary.id;
        desk.transition(&id, tenin_core::request_status::RequestStatus::Coordinating, None, "").expect("moved");
        let receivers = desk.hospitals(&Default::default()).expect("hospitals");
        for hospital in receivers.iter().filter(|h| h.is_receiving).take(3) {
            crate::matching::decline(&mut desk, &id, &hospital.id, "full");
        }
    }
    // The same desk as release 25 left it: no sums, no triggers (nor what came after).
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute_batch(
        "DROP TRIGGER answer_tally_inquiry_added; DROP TRIGGER answer_tally_inquiry_changed;
         DROP TRIGGER answer_tally_bed_type_changed; DROP TABLE answer_tally; DROP INDEX inquiries_accepted_at;
         DROP INDEX inquiries_declined; DROP INDEX transfer_requests_closed_newest;
         PRAGMA user_version = 25;",
    )
    .expect("back to 25");
    let inquiries: u32 = conn.query_row("SELECT count(*) FROM inquiries", [], |row| row.get(0)).expect("count");
    assert!(inquiries >= 3, "the demo's and the three logged");
    drop(conn);

    let desk = crate::open_signed_in(dir.path());
    assert_eq!(desk.status().expect("status").schema_version, LATEST_VERSION);
    assert_eq!(desk.integrity_check().expect("check"), "ok", "the sums agree with the inquiries");
    let conn = rusqlite::Connection::open(&path).expect("open");
    let summed: u32 = conn.query_row("SELECT sum(n) FROM answer_tally", [], |row| row.get(0)).expect("sum");
    assert_eq!(summed, inquiries, "every inquiry counted once");
}
