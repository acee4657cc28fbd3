//! The monthly report over 1,000,000 historical cases (target ≤ 200 ms), beside its baseline in
//! the same run: a raw `GROUP BY` of the same cases by month and referring municipality.
//!
//! Setup: a desk with the demo's hospitals, and 1,000,000 transferred cases over ten years written
//! straight into the store (as the history import of issue 6 will), with their kept counts.

mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use rusqlite::{Connection, params};
use tenin_core::Desk;
use tenin_core::reports::JurisdictionBasis;

const CASES: u32 = 1_000_000;

fn setup(dir: &std::path::Path) -> Desk {
    let desk = common::demo_desk(dir);
    let mut conn = Connection::open(dir.join(tenin_store::DATABASE_FILE)).expect("open");
    let tx = conn.transaction().expect("tx");
    let hospitals: Vec<(String, String)> = {
        let mut stmt = tx.prepare("SELECT id, municipality_code FROM hospitals").expect("prepare");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("query").map(|r| r.expect("row")).collect()
    };
    let municipalities: Vec<String> = {
        let mut stmt = tx.prepare("SELECT code FROM municipalities").expect("prepare");
        stmt.query_map([], |r| r.get(0)).expect("query").map(|r| r.expect("row")).collect()
    };
    let user: String = tx.query_row("SELECT id FROM users LIMIT 1", [], |r| r.get(0)).expect("user");
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO transfer_requests (id, ref_no, referring_hospital_id, patient_initials, patient_age,
                     patient_sex, residence_municipality_code, urgency, status, registered_at, created_by, updated_at,
                     counted_month, counted_referrer, counted_residence)
                 VALUES (?1, ?1, ?2, 'H.C.', 80, 'female', ?3, 'routine', 'transferred', ?4, ?5, ?4, ?6, ?7, ?8)",
            )
            .expect("prepare");
        let mut dice = 0x1234_5678_u64;
        for n in 0..CASES {
            dice ^= dice << 13;
            dice ^= dice >> 7;
            dice ^= dice << 17;
            let (hospital, referrer) = &hospitals[(dice % hospitals.len() as u64) as usize];
            let residence = &municipalities[((dice >> 16) % municipalities.len() as u64) as usize];
            let month = format!("{}-{:02}", 2016 + (dice >> 32) % 10, 1 + (dice >> 40) % 12);
            let at = format!("{month}-15T03:00:00.000Z");
            insert
                .execute(params![format!("h{n}"), hospital, residence, at, user, month, referrer, residence])
                .expect("insert");
        }
    }
    tx.execute_batch(
        "INSERT INTO placement_counts (month, referrer_municipality, residence_municipality, count)
         SELECT counted_month, counted_referrer, counted_residence, count(*) FROM transfer_requests
         WHERE counted_month LIKE '20%' AND id LIKE 'h%'
         GROUP BY counted_month, counted_referrer, counted_residence
         ON CONFLICT (month, referrer_municipality, residence_municipality) DO UPDATE SET count = count + excluded.count;
         CREATE INDEX bench_cases_month ON transfer_requests (counted_month, counted_referrer);",
    )
    .expect("counts");
    tx.commit().expect("commit");
    desk
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("dir");
    let desk = setup(dir.path());
    let conn = Connection::open(dir.path().join(tenin_store::DATABASE_FILE)).expect("open");
    let report = desk.monthly_report("2016-01", "2025-12", JurisdictionBasis::Referrer).expect("report");
    assert!(report.total >= CASES, "every case counted: {}", report.total);
    let mut group = c.benchmark_group("monthly_report_1m_cases");
    group.sample_size(20);
    group.bench_function("raw_group_by", |b| {
        b.iter(|| {
            let mut stmt = conn
                .prepare_cached(
                    "SELECT counted_month, counted_referrer, count(*) FROM transfer_requests
                     WHERE counted_month BETWEEN '2016-01' AND '2025-12' GROUP BY 1, 2",
                )
                .expect("prepare");
            let rows: Vec<(String, String, u32)> = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .expect("query")
                .map(|r| r.expect("row"))
                .collect();
            black_box(rows)
        })
    });
    group.bench_function("desk_monthly_report", |b| {
        b.iter(|| black_box(desk.monthly_report("2016-01", "2025-12", JurisdictionBasis::Referrer).expect("report")))
    });
    group.bench_function("desk_monthly_report_by_residence", |b| {
        b.iter(|| black_box(desk.monthly_report("2016-01", "2025-12", JurisdictionBasis::Residence).expect("report")))
    });
    group.finish();
}

criterion_group!(reports, benches);
criterion_main!(reports);
