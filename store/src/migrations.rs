//! Forward-only schema migrations on `PRAGMA user_version`.
//!
//! Each migration is an embedded `.sql` file, and sometimes a step in Rust that must run once with
//! it (sealing the audit entries written before the hash chain existed); both are applied in one
//! IMMEDIATE transaction together with the version bump, so a crash leaves the database at the old
//! or the new version, never between, and nothing runs at every open. Released migrations are never
//! edited: `tests/migrations.rs` pins each file by its SHA-256; a change to the schema is a new file.
//!
//! | version | file | what it adds |
//! |---|---|---|
//! | 1 | `0001_initial.sql` | hospitals, requests and their history, users, the audit log, the region pack's tables |
//! | 2 | `0002_inquiries.sql` | the inquiry log (打診記録) |
//! | 3 | `0003_intake.sql` | the full intake (COVID dates, care needs, wishes, what was normalised) |
//! | 4 | `0004_assignment.sql` | who has taken a request |
//! | 5 | `0005_desk_today.sql` | a view giving the desk's date in the pack's time zone |
//! | 6 | `0006_directory.sql` | contacts, capacity reports, requirements, coordinates |
//! | 7 | `0007_matching.sql` | when a decline reason lapses; inquiries by hospital |
//! | 8 | `0008_transport.sql` | transport providers, bookings and their history |
//! | 9 | `0009_placement_counts.sql` | the monthly report's kept counts, backfilled |
//! | 10 | `0010_audit_chain.sql` | the audit log as a hash chain; older entries sealed in order (Rust step) |
//! | 11 | `0011_sign_in.sql` | password hashes, wrong-password counts and waits, user versions |
//! | 12 | `0012_exchange.sql` | hospitals' keys, the import/export log, sequences, sources, conflicts, quarantine, mappings |
//! | 13 | `0013_linear_imports.sql` | open conflicts indexed by the sender's record |
//! | 14 | `0014_stated_or_not.sql` | care items and COVID-19 dates "not stated" apart from "none"; old rows read as stated |
//! | 15 | `0015_search_by_place.sql` | hospitals' search keys include their municipality (Rust step) |
//! | 16 | `0016_referral.sql` | consent to share, inquiries sent as packages, format versions seen, the sync log |
//! | 17 | `0017_hospital_edition.sql` | the hospital edition: the desk's view of its requests, inquiries received |
//! | 18 | `0018_protected_data.sql` | the audit chain over digests (values erasable, not editable), the head kept, pending entries |
//! | 19 | `0019_drafts.sql` | each user's half-typed forms; the queue's closed requests and a day's changes indexed |
//! | 20 | `0020_call_backs_due.sql` | waiting answers indexed by call-back time, for the call-back notice |
//! | 21 | `0021_transport_only.sql` | transport-only cases: the hospital that agreed, and when |
//! | 22 | `0022_outside_transfers.sql` | transfers arranged outside the desk, for its share |
//! | 23 | `0023_post_covid.sql` | the post-COVID referral network (tiers, published or not) and its change log |
//! | 24 | `0024_former_names.sql` | municipalities' names before a merger, from the region pack (Rust step) |
//! | 25 | `0025_inquiries_asked.sql` | an index on when inquiries were asked, for reports over a period |
//! | 26 | `0026_answer_tally.sql` | the answers each hospital gave, kept summed by triggers; indexes on recent acceptances and on declines, for matching's load |
//! | 27 | `0027_closed_newest.sql` | the closed requests newest first, for the queue's pages of closed and all requests |

use rusqlite::{Connection, TransactionBehavior};

use crate::Db;

/// One migration: its file's name and SQL, and a step in Rust that runs after the SQL in the same
/// transaction, if it has one.
pub struct Migration {
    pub name: &'static str,
    pub sql: &'static str,
    pub step: Option<fn(Db<'_>) -> crate::Result<()>>,
}

impl Migration {
    const fn sql(name: &'static str, sql: &'static str) -> Migration {
        Migration { name, sql, step: None }
    }
}

macro_rules! migration {
    ($file:literal) => {
        Migration::sql($file, include_str!(concat!("migrations/", $file)))
    };
    ($file:literal, $step:expr) => {
        Migration { name: $file, sql: include_str!(concat!("migrations/", $file)), step: Some($step) }
    };
}

/// The migrations in order; the schema version after applying the n-th is n.
pub const MIGRATIONS: &[Migration] = &[
    migration!("0001_initial.sql"),
    migration!("0002_inquiries.sql"),
    migration!("0003_intake.sql"),
    migration!("0004_assignment.sql"),
    migration!("0005_desk_today.sql"),
    migration!("0006_directory.sql"),
    migration!("0007_matching.sql"),
    migration!("0008_transport.sql"),
    migration!("0009_placement_counts.sql"),
    migration!("0010_audit_chain.sql", seal_audit_entries),
    migration!("0011_sign_in.sql"),
    migration!("0012_exchange.sql"),
    migration!("0013_linear_imports.sql"),
    migration!("0014_stated_or_not.sql", restate_old_care),
    migration!("0015_search_by_place.sql", rekey_hospital_search),
    migration!("0016_referral.sql"),
    migration!("0017_hospital_edition.sql"),
    migration!("0018_protected_data.sql"),
    migration!("0019_drafts.sql"),
    migration!("0020_call_backs_due.sql"),
    migration!("0021_transport_only.sql"),
    migration!("0022_outside_transfers.sql"),
    migration!("0023_post_covid.sql"),
    migration!("0024_former_names.sql", bundled_former_names),
    migration!("0025_inquiries_asked.sql"),
    migration!("0026_answer_tally.sql"),
    migration!("0027_closed_newest.sql"),
];

/// A desk on the bundled region pack learns its municipalities' former names now; a desk on
/// another pack learns them from its next pack update.
fn bundled_former_names(db: Db<'_>) -> crate::Result<()> {
    crate::reference::load_bundled_former_names(db)
}

/// Entries written before the chain existed are sealed in order, once, here — never at open, so a
/// hash set to NULL afterwards is a break `audit::verify` reports, not something quietly re-sealed.
fn seal_audit_entries(db: Db<'_>) -> crate::Result<()> {
    crate::audit::seal_unchained(db).map(|_| ())
}

/// The directory search finds hospitals by their municipality too: every key computed again.
fn rekey_hospital_search(db: Db<'_>) -> crate::Result<()> {
    crate::hospitals::rekey_search(db)
}

/// Care entered before "not stated" existed was answered item by item: read it as stated.
fn restate_old_care(db: Db<'_>) -> crate::Result<()> {
    crate::requests::restate_old_care(db)
}

/// The schema version this binary writes.
pub const LATEST_VERSION: u32 = MIGRATIONS.len() as u32;

pub fn current_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Applies every migration after the database's current version. Returns the versions applied.
pub fn migrate(conn: &mut Connection) -> crate::Result<Vec<u32>> {
    apply(conn, MIGRATIONS)
}

/// Applies `migrations[v..]` to a database at version `v`, each with its step and its version
/// bump in one transaction. Public so tests can check the runner with migrations of their own.
pub fn apply(conn: &mut Connection, migrations: &[Migration]) -> crate::Result<Vec<u32>> {
    let mut applied = Vec::new();
    loop {
        let version = current_version(conn)?;
        let Some(migration) = migrations.get(version as usize) else { break };
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read inside the write lock: another process may have migrated meanwhile.
        if current_version(&tx)? != version {
            continue;
        }
        tx.execute_batch(migration.sql)?;
        if let Some(step) = migration.step {
            step(Db::of(&tx))?;
        }
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
        applied.push(version + 1);
    }
    Ok(applied)
}

/// A migration of SQL alone, for tests of the runner.
pub fn sql_only(name: &'static str, sql: &'static str) -> Migration {
    Migration::sql(name, sql)
}
