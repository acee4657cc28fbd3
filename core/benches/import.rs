//! Importing 100,000 historical cases (issue 24's target: a median of ≥ 65 % of the baseline's
//! throughput over at least five rounds, no round below 50 %), beside its
//! baseline in the same run: a raw SQLite bulk insert of the same rows — every row the import wrote
//! (requests, their history, acceptances, audit entries, the log), read back and inserted again with
//! prepared statements in one transaction into a fresh desk's schema, with the live pragmas.
//!
//! Run: `cargo bench -p tenin-core --bench import` (five rounds of one import and its baseline,
//! the median ratio counts; about five minutes). `TENIN_BENCH_ROUNDS` and `TENIN_BENCH_CASES` change them.
//! `TENIN_BENCH_WITHOUT_TRIGGERS=1` takes the answer sums' triggers (migration 26) out of both the
//! desk and the fresh schema first: the comparison against a raw insert that pays no trigger (the
//! desk's answer sums are then wrong, so only for this measurement).

mod common;

use std::time::Instant;

use rusqlite::Connection;
use rusqlite::types::Value;
use tenin_core::Desk;
use tenin_core::exchange::history::HistoryMapping;

/// 100,000 unless `TENIN_BENCH_CASES` says otherwise (for profiling a smaller run).
fn cases() -> usize {
    std::env::var("TENIN_BENCH_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(100_000)
}
/// The median round's ratio at least this…
const TARGET: f64 = 0.65;
/// …and no round below this.
const FLOOR: f64 = 0.5;

/// 100,000 cases over five years, in the form of the history import's documented columns.
fn history_csv(hospitals: &[(String, bool)], municipalities: &[String]) -> String {
    let referrers: Vec<String> = hospitals.iter().filter(|(_, r)| *r).map(|(c, _)| c.clone()).collect();
    let receivers: Vec<String> = hospitals.iter().filter(|(_, r)| !*r).map(|(c, _)| c.clone()).collect();
    let outcomes = ["転院済", "転院済", "転院済", "受入決定", "調整不成立", "取下げ"];
    let first = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).expect("date");
    common::history_csv(&referrers, &receivers, municipalities, cases(), first, 1800, &outcomes, "OLD-")
}

const TABLES: [&str; 5] = ["transfer_requests", "request_status_history", "inquiries", "audit_log", "exchange_sources"];

/// Every row the import added, table by table.
fn rows_added(conn: &Connection, since: &[(String, i64)]) -> Vec<(String, Vec<String>, Vec<Vec<Value>>)> {
    TABLES
        .iter()
        .map(|table| {
            let from = since.iter().find(|(t, _)| t == table).map_or(0, |(_, r)| *r);
            let mut stmt = conn.prepare(&format!("SELECT * FROM {table} WHERE rowid > ?1")).expect("select");
            let columns: Vec<String> = stmt.column_names().iter().map(|c| (*c).to_owned()).collect();
            let n = columns.len();
            let rows = stmt
                .query_map([from], |row| (0..n).map(|i| row.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>())
                .expect("query")
                .map(|r| r.expect("row"))
                .collect();
            ((*table).to_owned(), columns, rows)
        })
        .collect()
}

fn max_rowids(conn: &Connection) -> Vec<(String, i64)> {
    TABLES
        .iter()
        .map(|t| {
            let max: Option<i64> =
                conn.query_row(&format!("SELECT max(rowid) FROM {t}"), [], |r| r.get(0)).expect("max");
            ((*t).to_owned(), max.unwrap_or(0))
        })
        .collect()
}

/// The answer sums' triggers, for `TENIN_BENCH_WITHOUT_TRIGGERS`.
const ANSWER_SUM_TRIGGERS: [&str; 3] =
    ["answer_tally_inquiry_added", "answer_tally_inquiry_changed", "answer_tally_bed_type_changed"];

/// Takes the answer sums' triggers out of `conn`'s schema when the run asks for it.
fn without_triggers_if_asked(conn: &Connection) {
    if std::env::var_os("TENIN_BENCH_WITHOUT_TRIGGERS").is_some() {
        for trigger in ANSWER_SUM_TRIGGERS {
            conn.execute_batch(&format!("DROP TRIGGER {trigger}")).expect("drop trigger");
        }
    }
}

/// One round: a fresh demo desk imports the cases (timed), then every row it wrote is inserted
/// raw into a fresh schema (timed). Returns both times and the rows, table by table.
fn round() -> (f64, f64, Vec<(String, usize)>) {
    let work = tempfile::tempdir().expect("tmp");
    let mut desk = common::demo_desk(work.path());
    let db = work.path().join(tenin_store::DATABASE_FILE);
    let (hospitals, municipalities) = {
        let conn = Connection::open(&db).expect("open");
        let mut stmt = conn.prepare("SELECT code, is_referring FROM hospitals WHERE active = 1").expect("prepare");
        let hospitals: Vec<(String, bool)> =
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("query").map(|r| r.expect("row")).collect();
        let mut stmt = conn.prepare("SELECT code FROM municipalities").expect("prepare");
        let municipalities: Vec<String> =
            stmt.query_map([], |r| r.get(0)).expect("query").map(|r| r.expect("row")).collect();
        (hospitals, municipalities)
    };
    let csv = history_csv(&hospitals, &municipalities);
    let mut mapping = HistoryMapping::default();
    for field in tenin_core::exchange::history::FIELDS.iter() {
        mapping.columns.insert(field.id.to_owned(), field.label.to_owned());
    }
    without_triggers_if_asked(&Connection::open(&db).expect("open"));
    let before = max_rowids(&Connection::open(&db).expect("open"));

    let started = Instant::now();
    let report = desk.import_history("bench.csv", csv.as_bytes(), &mapping, false, &|_, _| true).expect("import");
    let import_seconds = started.elapsed().as_secs_f64();
    assert_eq!(
        report.counts.new as usize,
        cases(),
        "every case imported: {:?}",
        report.records.iter().find(|r| !r.reasons.is_empty())
    );
    drop(desk);

    let added = rows_added(&Connection::open(&db).expect("open"), &before);
    let fresh = tempfile::tempdir().expect("tmp");
    drop(Desk::create(fresh.path(), &tenin_core::desk::NewDesk::default()).expect("fresh schema"));
    let mut conn = Connection::open(fresh.path().join(tenin_store::DATABASE_FILE)).expect("open");
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF;")
        .expect("pragmas");
    without_triggers_if_asked(&conn);
    let started = Instant::now();
    let tx = conn.transaction().expect("tx");
    for (table, columns, rows) in &added {
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            columns.join(", "),
            (1..=columns.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ")
        );
        let mut stmt = tx.prepare(&sql).expect("prepare");
        for row in rows {
            stmt.execute(rusqlite::params_from_iter(row.iter())).expect("insert");
        }
    }
    tx.commit().expect("commit");
    let raw_seconds = started.elapsed().as_secs_f64();
    (import_seconds, raw_seconds, added.into_iter().map(|(table, _, rows)| (table, rows.len())).collect())
}

/// 5 unless `TENIN_BENCH_ROUNDS` says otherwise; the median round's ratio is the result.
fn rounds() -> usize {
    std::env::var("TENIN_BENCH_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(5).max(1)
}

fn main() {
    let cases = cases();
    let mut ratios = Vec::new();
    let mut tables = Vec::new();
    for n in 1..=rounds() {
        let (import_seconds, raw_seconds, rows) = round();
        let total_rows: usize = rows.iter().map(|(_, n)| n).sum();
        let ratio = raw_seconds / import_seconds;
        println!(
            "round {n}: history import of {cases} cases {import_seconds:.2} s ({:.0} cases/s); \
             raw bulk insert of the same {total_rows} rows {raw_seconds:.2} s ({:.0} cases/s); ratio {:.0} %",
            cases as f64 / import_seconds,
            cases as f64 / raw_seconds,
            ratio * 100.0
        );
        ratios.push(ratio);
        tables = rows;
    }
    for (table, rows) in &tables {
        println!("  {table}: {rows} rows");
    }
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    let lowest = ratios[0];
    println!(
        "import throughput / raw throughput, median of {} rounds = {:.0} %, lowest round {:.0} % \
         (target: median ≥ {:.0} % over ≥ 5 rounds, no round below {:.0} %): {}",
        ratios.len(),
        median * 100.0,
        lowest * 100.0,
        TARGET * 100.0,
        FLOOR * 100.0,
        if median >= TARGET && lowest >= FLOOR && ratios.len() >= 5 { "met" } else { "NOT MET" }
    );
}
