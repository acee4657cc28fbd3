//! The migration runner: forward-only, one transaction per migration, nothing applied twice.

use sha2::{Digest, Sha256};
use tenin_domain::care::{Adl, CareItem, CareNeeds, Dialysis};
use tenin_store::migrations::{LATEST_VERSION, MIGRATIONS, apply, current_version, sql_only};
use tenin_store::{DATABASE_FILE, Opening, Store};

fn tables(conn: &rusqlite::Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .expect("prepare");
    stmt.query_map([], |row| row.get(0)).expect("query").collect::<Result<_, _>>().expect("rows")
}

#[test]
fn the_first_schema_has_the_tables_later_features_extend() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path(), None, Opening::Create).expect("open");
    assert_eq!(store.schema_version().expect("version"), LATEST_VERSION);
    let names = tables(&rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).expect("open"));
    for expected in ["hospitals", "transfer_requests", "request_status_history", "users", "audit_log", "municipalities"]
    {
        assert!(names.iter().any(|n| n == expected), "{expected} missing from {names:?}");
    }
}

#[test]
fn reopening_applies_nothing_and_takes_no_backup() {
    let dir = tempfile::tempdir().expect("temp dir");
    drop(Store::open(dir.path(), None, Opening::Create).expect("first open"));
    let mut conn = rusqlite::Connection::open(dir.path().join(DATABASE_FILE)).expect("open");
    assert_eq!(tenin_store::migrations::migrate(&mut conn).expect("migrate"), Vec::<u32>::new());
    drop(conn);
    drop(Store::open(dir.path(), None, Opening::Create).expect("second open"));
    let backups = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".bak"));
    assert_eq!(backups.count(), 0, "no backup when there was nothing to migrate");
}

#[test]
fn a_failing_migration_leaves_the_previous_version_whole() {
    let mut conn = rusqlite::Connection::open_in_memory().expect("memory db");
    let migrations = [
        sql_only("a", "CREATE TABLE a (x INTEGER);"),
        sql_only("b", "CREATE TABLE b (y INTEGER); INSERT INTO no_such_table VALUES (1);"),
        sql_only("c", "CREATE TABLE c (z INTEGER);"),
    ];
    let err = apply(&mut conn, &migrations).expect_err("the second migration fails");
    assert!(err.to_string().contains("no_such_table"), "{err}");
    assert_eq!(current_version(&conn).expect("version"), 1, "stopped after the first");
    assert_eq!(tables(&conn), ["a"], "nothing of the failed migration remains, and none after it ran");
    let fixed = [
        sql_only("a", "CREATE TABLE a (x INTEGER);"),
        sql_only("b", "CREATE TABLE b (y INTEGER);"),
        sql_only("c", "CREATE TABLE c (z INTEGER);"),
    ];
    assert_eq!(apply(&mut conn, &fixed).expect("resume"), [2, 3], "resumes where it stopped");
}

/// Every released migration, pinned by the SHA-256 of its file: a released migration is never
/// edited (a database that ran it would never run the edit); a change to the schema is a new file,
/// added here with its digest.
const RELEASED: [(&str, &str); 27] = [
    ("0001_initial.sql", "cac137284d1dc7a94da9245b9c2fc1e59df7c58d2e6e6a077e89a5e661495bee"),
    ("0002_inquiries.sql", "a7c671518589a9d2f18aeaff284c8190d2d7af74b696828940bac58fceaf18fa"),
    ("0003_intake.sql", "8d54b589a2742d74cca33f390dc2a528dd5bf52924cfcc418e1687b0597f8088"),
    ("0004_assignment.sql", "0f0c844ac5b99d5c9367f51d8fd18b59fc25075e73083497c37186ac0c0a6e20"),
    ("0005_desk_today.sql", "991ac44ef8e74067a6dcc20fa5e9f37c69d0bfa6460f6caabb75883aaaf49652"),
    ("0006_directory.sql", "ade2dddb9d116e93365c33d14ce23d4b77f31b454b4b3dffd7759da8f54daadd"),
    ("0007_matching.sql", "c4619fee82d3a591f5b21cd02c5264185882c9625ef9f2dd62174579801370e7"),
    ("0008_transport.sql", "d8525f7f9b000a04f0270447e3fac95ea6e99c6afb7e1653c29a4156c2a8283a"),
    ("0009_placement_counts.sql", "69e6e3953dc6337a4afabd8107873e55b937a1fc242e4970e514cabc55ff81ef"),
    ("0010_audit_chain.sql", "3e8a0863c749b56e7a827b36909d1269f056f8eaf4156648af45a21a3dbf7fe0"),
    ("0011_sign_in.sql", "54ffa95c710c4d59268c838d978db238d8459aacdc62312616d9d66ac8e3371e"),
    ("0012_exchange.sql", "07906e50a84512df2b18adaf010e1efc141524cdc2b1ebc706c5ee8e0603b7aa"),
    ("0013_linear_imports.sql", "ce942854c59ca2853e8516a5cd1afcacd21a04aa7388e235ab43a3e2f903034a"),
    ("0014_stated_or_not.sql", "bc1f22102eafda1cb15f2aabc88536403814958dc786e04e7ef90cf57d2f04bc"),
    ("0015_search_by_place.sql", "2f1b6b3d5769ae90fa0fdb08211036e515ee468a7c08f12f4f311b453c1dddcd"),
    ("0016_referral.sql", "19705a4a2073a99f1e49029e37389c84c0bab1ce557b5ea1a38a5387f038b449"),
    ("0017_hospital_edition.sql", "6db39b35402890d259ce38c6d8e00b0b8d463eb0fb8e3b8eeaaf8021579f334c"),
    ("0018_protected_data.sql", "4c2b10d6ce390d8b2311ed55a897be3dc561e5a1722a32fbb1d089a157f885d4"),
    ("0019_drafts.sql", "014acef8f105fe61a01fcb35a3e4ce036f18c63a399fa14bb35060dcfe6fa6b1"),
    ("0020_call_backs_due.sql", "aa828426b87f7b37a9fa73c4dff9f76c7870ccdab0a1e4f939cb9a6843358e46"),
    ("0021_transport_only.sql", "e30518d521fcd1c325db1cc25d0d27f77d962609b680596c1a27af22bf508cb3"),
    ("0022_outside_transfers.sql", "a04d1d395b809f5544a0b84598d49f354645963e3bdae9319d408c248ede7420"),
    ("0023_post_covid.sql", "711f8b0a1d8ffc318f07723f60554d5c4c675b9ae97434f1e228c4ebbfd1064c"),
    ("0024_former_names.sql", "da444ff7fc6fc761dedb29ee449a9ab08f52d6cff7bc348150756a9638309dd7"),
    ("0025_inquiries_asked.sql", "0c7567896d84d20fade67b00634e7997b9d7548fe2abf81af1b31434ba13992e"),
    ("0026_answer_tally.sql", "38f7c9231f2a3f0f861902d7998ec656f337092d05ca19cb155f9432dd21a24d"),
    ("0027_closed_newest.sql", "c4365ed8846d2a71f74659920a5dbc449cfee0e6defb6d9c9e06b4c9b104d0fa"),
];

#[test]
fn released_migrations_are_pinned_by_checksum() {
    assert_eq!(MIGRATIONS.len(), RELEASED.len(), "a new migration is pinned here when it is added");
    for (migration, (name, digest)) in MIGRATIONS.iter().zip(RELEASED) {
        assert_eq!(migration.name, name, "migrations keep their order");
        assert_eq!(
            hex::encode(Sha256::digest(migration.sql.as_bytes())),
            digest,
            "{name} was edited after release: add a new migration instead"
        );
    }
}

#[test]
fn the_audit_chain_is_sealed_by_its_migration_once_not_at_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(DATABASE_FILE);
    {
        // A database at schema 9 with two audit entries written before the chain existed.
        let mut conn = rusqlite::Connection::open(&path).expect("open");
        apply(&mut conn, &MIGRATIONS[..9]).expect("schema 9");
        conn.execute_batch(
            "INSERT INTO users VALUES ('u1', 'desk', 'デスク', 'administrator', 1, '2026-01-01T00:00:00.000Z');
             INSERT INTO audit_log (at, user_id, action, entity, entity_id, before_json, after_json)
             VALUES ('2026-01-01T00:00:00.000Z', 'u1', 'create', 'x', '1', NULL, '{}'),
                    ('2026-01-01T00:00:01.000Z', 'u1', 'create', 'x', '2', NULL, '{}');",
        )
        .expect("old entries");
        let applied = apply(&mut conn, &MIGRATIONS[..10]).expect("schema 10");
        assert_eq!(applied, [10]);
        let unsealed: u32 =
            conn.query_row("SELECT count(*) FROM audit_log WHERE hash IS NULL", [], |r| r.get(0)).expect("count");
        assert_eq!(unsealed, 0, "the migration sealed the entries from before");
        // Afterwards a NULL hash is a break: opening the store does not seal it again.
        conn.execute("UPDATE audit_log SET hash = NULL, prev_hash = NULL WHERE entity_id = '2'", []).expect("edit");
    }
    drop(Store::open(dir.path(), None, Opening::Create).expect("opens and migrates the rest"));
    let conn = rusqlite::Connection::open(&path).expect("open");
    let unsealed: u32 =
        conn.query_row("SELECT count(*) FROM audit_log WHERE hash IS NULL", [], |r| r.get(0)).expect("count");
    assert_eq!(unsealed, 1, "open never re-seals");
}

/// A database at schema 13 with two requests a hospital sent: `unedited` as it arrived, `edited`
/// changed at the desk since. Their care was entered on the old form (every question asked; oxygen
/// null meaning none; yes/no items missing meaning no).
fn schema_13_with_old_care(path: &std::path::Path) {
    let mut conn = rusqlite::Connection::open(path).expect("open");
    apply(&mut conn, &MIGRATIONS[..13]).expect("schema 13");
    conn.execute_batch(
        "INSERT INTO users (id, login, display_name, role, created_at) VALUES ('u1', 'desk', 'デスク', 'administrator', '2026-01-01T00:00:00.000Z');
         INSERT INTO report_groups VALUES ('g1', '横浜市', 1);
         INSERT INTO jurisdictions VALUES ('j1', '横浜市', 'よこはまし', 'city', NULL, 'g1', 1);
         INSERT INTO municipalities VALUES ('141003', '横浜市', 'よこはまし', NULL, 'j1', 1);
         INSERT INTO hospitals (id, code, name, name_kana, short_name, municipality_code, is_referring, is_receiving, search_key, created_at, updated_at)
             VALUES ('h1', 'H001', '甲病院', 'こうびょういん', '甲', '141003', 1, 0, 'こう', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
         INSERT INTO exchanges (id, direction, source, kind, sender, recipient, file_name, file_sha256, user_id, at, result, counts, report)
             VALUES ('x1', 'in', 'package', 'requests', 'h1', 'desk', 'a.zip', 'ab', 'u1', '2026-01-01T00:00:00.000Z', 'applied', '{}', '{}');
         INSERT INTO transfer_requests (id, ref_no, referring_hospital_id, patient_initials, patient_age, patient_sex, urgency, status, registered_at, created_by, updated_at, care_needs)
             VALUES ('unedited', '260101-001', 'h1', 'A.B.', 80, 'male', 'routine', 'new', '2026-01-01T00:00:00.000Z', 'u1', '2026-01-01T00:00:00.000Z',
                     '{\"oxygen_l_per_min\":null,\"dialysis\":\"hd\",\"adl\":\"full_assist\"}'),
                    ('edited', '260101-002', 'h1', 'C.D.', 70, 'female', 'routine', 'new', '2026-01-01T00:00:00.000Z', 'u1', '2026-01-01T00:00:00.000Z',
                     '{\"oxygen_l_per_min\":2.0,\"tracheostomy\":true}');",
    )
    .expect("old rows");
}

#[test]
fn old_care_is_read_as_stated_and_unedited_fingerprints_move_with_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(DATABASE_FILE);
    schema_13_with_old_care(&path);
    // The fingerprint schema 13 kept of the unedited request: SHA-256 of its intake columns.
    let before = {
        let conn = rusqlite::Connection::open(&path).expect("open");
        let json: String = conn
            .query_row(
                "SELECT json_array(referring_hospital_id, patient_initials, patient_age, patient_sex,
                     residence_municipality_code, urgency, clinical_summary, referrer_ward, referrer_person,
                     referrer_phone, hospital_patient_no, onset_date, positive_test_date, criteria_met_date,
                     desired_date, care_needs, bed_type_id, preferred_regions, family_notes)
                 FROM transfer_requests WHERE id = 'unedited'",
                [],
                |r| r.get(0),
            )
            .expect("intake");
        hex::encode(Sha256::digest(json.as_bytes()))
    };
    {
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute_batch(&format!(
            "INSERT INTO exchange_sources VALUES ('h1', 'requests', 'r1', 'unedited', 'sha', '{before}', 'x1');
             INSERT INTO exchange_sources VALUES ('h1', 'requests', 'r2', 'edited', 'sha', 'edited-at-the-desk', 'x1');"
        ))
        .expect("sources");
    }
    let store = Store::open(dir.path(), None, Opening::Create).expect("migrates to the latest");
    let now = tenin_store::requests::intake_fingerprint(store.read(), "unedited").expect("now");
    let conn = rusqlite::Connection::open(&path).expect("open");
    for (id, adl) in [("unedited", Adl::FullAssist), ("edited", Adl::Unknown)] {
        let json: String =
            conn.query_row("SELECT care_needs FROM transfer_requests WHERE id = ?1", [id], |r| r.get(0)).expect("care");
        let care: CareNeeds = serde_json::from_str(&json).expect("care reads");
        assert_eq!(care.adl, adl, "ADL was always three-valued: kept as it was");
        let not_stated: Vec<CareItem> = care.not_stated().into_iter().filter(|i| *i != CareItem::Adl).collect();
        assert!(not_stated.is_empty(), "{id}: every item the old form asked is stated, left {not_stated:?}");
    }
    let unedited: String = conn
        .query_row("SELECT care_needs FROM transfer_requests WHERE id = 'unedited'", [], |r| r.get(0))
        .expect("care");
    let care: CareNeeds = serde_json::from_str(&unedited).expect("care");
    assert_eq!(care.oxygen_l_per_min, Some(0.0), "old null oxygen meant none");
    assert_eq!(care.dialysis, Some(Dialysis::Hd), "a need stays a need");
    assert_eq!(care.tracheostomy, Some(false), "a missing yes/no item meant no");
    let edited: String =
        conn.query_row("SELECT care_needs FROM transfer_requests WHERE id = 'edited'", [], |r| r.get(0)).expect("care");
    let care: CareNeeds = serde_json::from_str(&edited).expect("care");
    assert_eq!((care.oxygen_l_per_min, care.tracheostomy), (Some(2.0), Some(true)));
    let fingerprint = |record: &str| -> String {
        conn.query_row("SELECT desk_fingerprint FROM exchange_sources WHERE record_id = ?1", [record], |r| r.get(0))
            .expect("fingerprint")
    };
    assert_eq!(
        fingerprint("r1"),
        now,
        "an unedited request stays unedited: the hospital's next update applies without a conflict"
    );
    assert_ne!(fingerprint("r1"), before, "the fingerprint moved with the restated care");
    assert_eq!(fingerprint("r2"), "edited-at-the-desk", "a desk edit still reads as one");
}

#[test]
fn hospitals_stored_before_are_found_by_their_municipality_after_migration_15() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(DATABASE_FILE);
    schema_13_with_old_care(&path);
    {
        let mut conn = rusqlite::Connection::open(&path).expect("open");
        apply(&mut conn, &MIGRATIONS[..14]).expect("schema 14");
        let key: String =
            conn.query_row("SELECT search_key FROM hospitals WHERE id = 'h1'", [], |r| r.get(0)).expect("key");
        assert!(!key.contains("よこはま"), "before: name and code only ({key})");
    }
    let store = Store::open(dir.path(), None, Opening::Create).expect("migrates");
    drop(store);
    let conn = rusqlite::Connection::open(&path).expect("open");
    let key: String =
        conn.query_row("SELECT search_key FROM hospitals WHERE id = 'h1'", [], |r| r.get(0)).expect("key");
    for part in ["甲病院", "こうびょういん", "H001", "横浜市", "よこはまし", "yokohamashi"] {
        assert!(key.contains(part), "{part} in {key}");
    }
}

/// A desk on the bundled region pack, made before municipalities had former names, learns them at
/// migration 24; a desk on another pack is left to its next pack update.
#[test]
fn former_town_names_reach_a_desk_on_the_bundled_pack_at_migration_24() {
    for (pack_id, expected) in [("jp-14-kanagawa", 4), ("another-pack", 0)] {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(DATABASE_FILE);
        {
            let mut conn = rusqlite::Connection::open(&path).expect("open");
            apply(&mut conn, &MIGRATIONS[..23]).expect("schema 23");
            conn.execute_batch(&format!(
                "INSERT INTO report_groups VALUES ('g1', '相模原市', 1);
                 INSERT INTO jurisdictions VALUES ('j1', '相模原市', 'さがみはらし', 'city', NULL, 'g1', 1);
                 INSERT INTO municipalities VALUES ('141500', '相模原市', 'さがみはらし', NULL, 'j1', 1);
                 INSERT INTO municipalities VALUES ('141518', '相模原市緑区', 'さがみはらしみどりく', '141500', 'j1', 2);
                 INSERT INTO desk_meta (key, value) VALUES ('region_pack_id', '{pack_id}');"
            ))
            .expect("a pack's rows");
        }
        drop(Store::open(dir.path(), None, Opening::Create).expect("migrates"));
        let conn = rusqlite::Connection::open(&path).expect("open");
        let mut stmt =
            conn.prepare("SELECT name FROM municipality_former_names WHERE municipality_code = '141518'").expect("sql");
        let names: Vec<String> = stmt.query_map([], |r| r.get(0)).expect("rows").map(|r| r.expect("row")).collect();
        assert_eq!(names.len(), expected, "{pack_id}: {names:?}");
        if expected > 0 {
            assert!(names.contains(&"藤野町".to_owned()));
        }
    }
}
