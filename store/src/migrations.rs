//! Forward-only schema migrations on `PRAGMA user_version`.
//!
//! Each migration is an embedded `.sql` file applied in its own IMMEDIATE transaction together with
//! the version bump, so a crash leaves the database at the old or the new version, never between.
//! Migrations are never edited once released; a change to the schema is a new file.

use rusqlite::{Connection, TransactionBehavior};

/// The migrations in order; the schema version after applying the n-th is n.
pub const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_initial.sql"),
    include_str!("migrations/0002_inquiries.sql"),
    include_str!("migrations/0003_intake.sql"),
    include_str!("migrations/0004_assignment.sql"),
    include_str!("migrations/0005_desk_today.sql"),
    include_str!("migrations/0006_directory.sql"),
    include_str!("migrations/0007_matching.sql"),
    include_str!("migrations/0008_transport.sql"),
    include_str!("migrations/0009_placement_counts.sql"),
    include_str!("migrations/0010_audit_chain.sql"),
    include_str!("migrations/0011_sign_in.sql"),
    include_str!("migrations/0012_exchange.sql"),
    include_str!("migrations/0013_linear_imports.sql"),
];

/// The schema version this binary writes.
pub const LATEST_VERSION: u32 = MIGRATIONS.len() as u32;

pub fn current_version(conn: &Connection) -> rusqlite::Result<u32> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}

/// Applies every migration after the database's current version. Returns the versions applied.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<Vec<u32>> {
    apply(conn, MIGRATIONS)
}

/// Applies `migrations[v..]` to a database at version `v`, each with its version bump in one
/// transaction. Public so tests can check the runner with migrations of their own.
pub fn apply(conn: &mut Connection, migrations: &[&str]) -> rusqlite::Result<Vec<u32>> {
    let mut applied = Vec::new();
    loop {
        let version = current_version(conn)?;
        let Some(sql) = migrations.get(version as usize) else { break };
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Re-read inside the write lock: another process may have migrated meanwhile.
        if current_version(&tx)? != version {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
        applied.push(version + 1);
    }
    Ok(applied)
}
