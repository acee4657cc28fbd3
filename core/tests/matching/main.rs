//! Tests of the matching engine through its public API on fixtures built in code (the desk-level
//! tests on real SQLite files are in `tests/desk/matching.rs`).

mod fixtures;
mod properties;
mod snapshots;
