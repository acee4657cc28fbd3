//! Whether a template import is linear in its rows: 10,000 rows and 100,000 rows, each into a
//! fresh demo desk, timed in the same run. Linear means the larger takes about ten times the
//! smaller; the target is within 12× (before the duplicate index it was quadratic: 1k / 2k / 4k
//! rows took 0.2 / 0.5 / 2.1 s, and 200,000 rows did not finish in 600 s).
//!
//! Run: `cargo bench -p tenin-core --bench template_scaling` (about a minute).
//! `TENIN_BENCH_ROWS=10000,100000,200000` measures other sizes.

mod common;

use std::time::Instant;

use tenin_core::hospital::HospitalFilter;

const TARGET: f64 = 12.0;

/// A filled-in template of `rows` new patients, as a hospital's clerk would type them: initials
/// from a small set (so the duplicate check has real work), ages and sexes varied.
fn template(code: &str, rows: usize) -> Vec<u8> {
    let mut text = format!("医療機関コード,{code}\r\n管理番号,区分,イニシャル,年齢,性別,住所地\r\n");
    let letters = "ABCDEFGHJKMNPRSTY".as_bytes();
    let letter = |n: usize| letters[n % letters.len()] as char;
    for i in 0..rows {
        let initials = format!("{}.{}.{}.", letter(i), letter(i / 17), letter(i / 289));
        // Ages three years apart, so two rows are the same patient only by design.
        let age = 40 + 3 * ((i / 4913) % 20);
        let sex = if (i / 98_260) % 2 == 0 { "女性" } else { "男性" };
        text.push_str(&format!("T-{i},新規,{initials},{age},{sex},横浜市鶴見区\r\n"));
    }
    text.into_bytes()
}

fn timed(rows: usize) -> f64 {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut desk = common::demo_desk(dir.path());
    let code = desk
        .hospitals(&HospitalFilter::default())
        .expect("hospitals")
        .into_iter()
        .find(|h| h.is_referring && h.active)
        .expect("a referring hospital")
        .code;
    let bytes = template(&code, rows);
    let started = Instant::now();
    let report = desk.import_template("bench.csv", &bytes, false, &|_, _| true).expect("imported");
    let seconds = started.elapsed().as_secs_f64();
    let c = report.counts;
    println!(
        "{rows:>7} rows ({:.1} MB): {seconds:.2} s — new {}, conflicts {}, errors {}",
        bytes.len() as f64 / 1e6,
        c.new,
        c.conflicts,
        c.errors
    );
    seconds
}

fn main() {
    let sizes: Vec<usize> = std::env::var("TENIN_BENCH_ROWS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000]);
    let times: Vec<(usize, f64)> = sizes.iter().map(|&n| (n, timed(n))).collect();
    if let (Some((small, t_small)), Some((large, t_large))) = (times.first(), times.last()) {
        let ratio = t_large / t_small;
        let rows = *large as f64 / *small as f64;
        // The target: 10× the rows within 12× the time — 1.2 times linear.
        let target = TARGET / 10.0 * rows;
        println!(
            "{large} rows take {ratio:.1}× the time of {small} ({rows:.0}× the rows); target ≤ {target:.0}×: {}",
            if ratio <= target { "met" } else { "NOT met" }
        );
    }
}
