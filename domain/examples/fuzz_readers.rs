//! The long fuzzing run of the readers of untrusted files (not part of CI): `scripts/fuzz-readers`
//! runs this with a count per reader, under a memory limit, and restarts it from the last
//! checkpoint if it dies. Each input is made from (reader, seed, index) by the structure-aware
//! generators in `tests/generators`, so any finding is reproduced from its number.
//!
//! For each input it measures the CPU time the reader took; a panic is caught and the input saved to the corpus
//! folder (`--corpus DIR`, default `core/tests/fuzz-corpus`); an input over one second is saved
//! too. At the end it prints one line per reader: inputs, panics, slow inputs, the slowest input,
//! the peak resident memory of the process.
//!
//! `cargo run --release -p tenin-domain --example fuzz_readers -- READER COUNT [--seed S] [--from I] [--save-each]`
//! with READER one of `xlsx`, `csv`, `package`, `region-pack`.

#[path = "../tests/generators/mod.rs"]
mod generators;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use generators::Gen;
use tenin_domain::exchange::keys::KeyPair;
use tenin_domain::exchange::package::{self, Limits};
use tenin_domain::exchange::{history, template};
use tenin_domain::region_pack::RegionPack;

/// CPU time this thread has used, in milliseconds (Linux, 10 ms resolution; 0 elsewhere): "over one
/// second" is judged on the reader's own work, not on what else the machine was doing.
fn cpu_ms() -> u64 {
    std::fs::read_to_string("/proc/thread-self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name (which is in parentheses and may hold spaces).
            let rest = &s[s.rfind(')')? + 2..];
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let user: u64 = fields.get(11)?.parse().ok()?;
            let system: u64 = fields.get(12)?.parse().ok()?;
            Some((user + system) * 10)
        })
        .unwrap_or(0)
}

/// Peak resident memory of this process so far, in kB (Linux; 0 elsewhere).
fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

struct Args {
    reader: String,
    count: u64,
    seed: u64,
    from: u64,
    save_each: bool,
    corpus: PathBuf,
}

fn args() -> Args {
    let mut it = std::env::args().skip(1);
    let reader = it.next().unwrap_or_else(|| "csv".into());
    let count = it.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let mut args = Args {
        reader,
        count,
        seed: 1,
        from: 0,
        save_each: false,
        corpus: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus"),
    };
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--seed" => args.seed = it.next().and_then(|n| n.parse().ok()).unwrap_or(1),
            "--from" => args.from = it.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            "--save-each" => args.save_each = true,
            "--corpus" => args.corpus = it.next().map(PathBuf::from).unwrap_or(args.corpus),
            other => eprintln!("unknown option {other}"),
        }
    }
    args
}

/// Makes one input for `reader`.
fn make(reader: &str, g: &mut Gen, keys: &KeyPair, pack: &serde_json::Value) -> Vec<u8> {
    match reader {
        "xlsx" => generators::xlsx(g),
        "csv" => generators::csv(g),
        "package" => generators::package(g, keys),
        _ => generators::region_pack(g, pack).into_bytes(),
    }
}

/// Runs the reader; true when it accepted the file (read it through rather than refusing it).
fn read(reader: &str, bytes: &[u8], keys: &KeyPair) -> bool {
    match reader {
        "xlsx" | "csv" => {
            let template = template::read(bytes).is_ok();
            let history = match history::columns(bytes) {
                Ok(columns) => {
                    let mapping = columns.suggested.clone();
                    history::for_each_row(bytes, |headers, row| {
                        let placement = history::Placement::new(headers, &mapping);
                        let _ = history::case_of(headers, &placement, &row.cells, &mapping);
                        Ok::<(), tenin_domain::exchange::refusal::Refusal>(())
                    })
                    .is_ok()
                }
                Err(_) => false,
            };
            template || history
        }
        "package" => match package::open(bytes, Some(keys.age_identity()), &Limits::default()) {
            Ok(opened) => {
                if let Ok(key) = tenin_domain::exchange::keys::parse_public(&keys.public().signing) {
                    let _ = opened.check_signature(&key);
                }
                let _ = serde_json::from_slice::<Vec<serde_json::Value>>(opened.records());
                true
            }
            Err(_) => false,
        },
        _ => RegionPack::from_json(&String::from_utf8_lossy(bytes)).is_ok(),
    }
}

fn main() {
    let args = args();
    let keys = KeyPair::generate();
    let pack: serde_json::Value =
        serde_json::from_str(include_str!("../../assets/region-packs/kanagawa.json")).expect("bundled pack");
    let folder = args.corpus.join(&args.reader);
    std::panic::set_hook(Box::new(|_| {}));
    let (mut panics, mut slow, mut accepted) = (0u64, 0u64, 0u64);
    let mut slowest = (Duration::ZERO, 0u64);
    let started = Instant::now();
    let seed = args.seed.wrapping_mul(1_000_003) ^ args.reader.bytes().fold(0u64, |h, b| h.wrapping_mul(31) + b as u64);
    for index in args.from..args.count {
        let mut g = Gen::new(seed ^ index.wrapping_mul(0x9E37_79B9));
        let bytes = make(&args.reader, &mut g, &keys, &pack);
        let save = |why: &str| {
            let _ = std::fs::create_dir_all(&folder);
            let _ = std::fs::write(folder.join(format!("{why}-{}-{index}.bin", args.seed)), &bytes);
        };
        if args.save_each {
            let current = std::env::temp_dir().join(format!("fuzz-current-{}", args.reader));
            let _ = std::fs::write(current.with_extension("bin"), &bytes);
            let _ = std::fs::write(current.with_extension("index"), index.to_string());
        }
        let cpu_before = cpu_ms();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(&args.reader, &bytes, &keys)));
        let took = Duration::from_millis(cpu_ms().saturating_sub(cpu_before));
        match outcome {
            Ok(true) => accepted += 1,
            Ok(false) => {}
            Err(_) => {
                panics += 1;
                save("panic");
            }
        }
        if took > Duration::from_secs(1) {
            slow += 1;
            save("slow");
        }
        if took > slowest.0 {
            slowest = (took, index);
        }
        if index % 50_000 == 0 {
            eprintln!(
                "checkpoint {} {index} {:.0}s peak {} kB",
                args.reader,
                started.elapsed().as_secs_f64(),
                peak_kb()
            );
        }
    }
    println!(
        "{}\tinputs {}\taccepted {accepted}\tpanics {panics}\tover 1 s {slow}\tslowest {:.1} ms (#{})\tpeak RSS {} MB\t{:.0} s",
        args.reader,
        args.count - args.from,
        slowest.0.as_secs_f64() * 1000.0,
        slowest.1,
        peak_kb() / 1024,
        started.elapsed().as_secs_f64()
    );
}
