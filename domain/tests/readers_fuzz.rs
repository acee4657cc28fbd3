//! Fuzzing the readers of untrusted files with proptest: random bytes, every kind of damage to a
//! valid package, and structure-aware hostile files (xlsx, CSV, packages, region packs, from
//! `tests/generators`); then every input the long runs ever found crashing (the corpus). The
//! readers must never panic, and a damaged package must never be accepted with content other than
//! what its sender signed. Case counts are in docs/exchange.md; the long runs in docs/security.md.

use proptest::prelude::*;
use tenin_domain::exchange::keys::KeyPair;
use tenin_domain::exchange::manifest::PackageKind;
use tenin_domain::exchange::package::{self, Envelope, Limits};
use tenin_domain::exchange::{history, template};
use tenin_domain::region_pack::RegionPack;

#[path = "generators/mod.rs"]
mod generators;

use generators::Gen;

const CASES: u32 = 20_000;

fn signed_package() -> (KeyPair, Vec<u8>, Vec<u8>) {
    let keys = KeyPair::generate();
    let records = br#"[{"record_id":"F-1","action":"new","request":{"patient_initials":"F.Z.","patient_age":"80"}}]"#;
    let envelope = Envelope {
        format_version: tenin_domain::exchange::manifest::FORMAT_VERSION,
        package_id: "0199c0de-0000-7000-8000-000000000001".into(),
        kind: PackageKind::Requests,
        sender: "1410110009",
        recipient: "desk",
        sequence: 1,
        created_at: "2026-11-22T01:00:00Z".into(),
        records: 1,
    };
    let (bytes, _) = package::seal(envelope, records, &keys, None).expect("sealed");
    (keys, bytes, records.to_vec())
}

#[derive(Debug, Clone)]
enum Damage {
    Flip { at: usize, mask: u8 },
    Truncate { to: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Splice { at: usize, len: usize },
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(at, mask)| Damage::Flip { at, mask }),
        any::<usize>().prop_map(|to| Damage::Truncate { to }),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..64))
            .prop_map(|(at, bytes)| Damage::Insert { at, bytes }),
        (any::<usize>(), 1usize..256).prop_map(|(at, len)| Damage::Splice { at, len }),
    ]
}

fn apply(bytes: &[u8], damage: &Damage) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let n = out.len();
    match damage {
        Damage::Flip { at, mask } => out[at % n] ^= mask,
        Damage::Truncate { to } => out.truncate(to % n),
        Damage::Insert { at, bytes } => {
            let at = at % n;
            out.splice(at..at, bytes.iter().copied());
        }
        Damage::Splice { at, len } => {
            let at = at % n;
            let end = (at + len).min(n);
            out.drain(at..end);
        }
    }
    out
}

/// Everything a spreadsheet reader does with a file: the template, the history's columns, every row.
fn read_spreadsheet(bytes: &[u8]) {
    let _ = template::read(bytes);
    if let Ok(columns) = history::columns(bytes) {
        let mapping = columns.suggested;
        let _ = history::for_each_row(bytes, |headers, row| {
            let placement = history::Placement::new(headers, &mapping);
            let _ = history::case_of(headers, &placement, &row.cells, &mapping);
            Ok::<(), tenin_domain::exchange::refusal::Refusal>(())
        });
    }
}

fn read_package(bytes: &[u8], keys: &KeyPair) {
    if let Ok(opened) = package::open(bytes, Some(keys.age_identity()), &Limits::default()) {
        let key = tenin_domain::exchange::keys::parse_public(&keys.public().signing).expect("key");
        let _ = opened.check_signature(&key);
    }
}

/// Every file the long runs (`scripts/fuzz-readers`) ever found crashing or slow, and the inputs
/// of the hostile-file trial, through its reader: none may panic.
#[test]
fn the_corpus_of_past_findings_never_panics_a_reader() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-corpus");
    let mut read = 0;
    for reader in ["xlsx", "csv", "package", "region-pack"] {
        let Ok(entries) = std::fs::read_dir(root.join(reader)) else { continue };
        for entry in entries.flatten() {
            let bytes = std::fs::read(entry.path()).expect("corpus file");
            match reader {
                "xlsx" | "csv" => read_spreadsheet(&bytes),
                "package" => KEYS.with(|keys| read_package(&bytes, keys)),
                _ => {
                    let _ = RegionPack::from_json(&String::from_utf8_lossy(&bytes));
                }
            }
            read += 1;
        }
    }
    assert!(read > 0, "the corpus holds the trial's inputs at least");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic_the_readers(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = package::open(&bytes, None, &Limits::default());
        let _ = template::read(&bytes);
        let _ = history::columns(&bytes);
        let mut zip_like = b"PK\x03\x04".to_vec();
        zip_like.extend_from_slice(&bytes);
        let _ = package::open(&zip_like, None, &Limits::default());
        let _ = template::read(&zip_like);
    }

    #[test]
    fn a_damaged_package_is_refused_or_still_carries_exactly_what_was_signed(damage in damage()) {
        let (keys, bytes, records) = PACKAGE.with(|p| p.clone());
        let damaged = apply(&bytes, &damage);
        if let Ok(opened) = package::open(&damaged, None, &Limits::default()) {
            let verifying = tenin_domain::exchange::keys::parse_public(&keys).expect("key");
            if opened.check_signature(&verifying).is_ok() {
                // Damage outside the signed content (e.g. zip padding) is harmless: same records.
                prop_assert_eq!(opened.records(), records.as_slice());
                prop_assert_eq!(opened.manifest.sequence, 1);
            }
        }
    }
}

/// Structured files are larger than random bytes: fewer cases in CI, a million per reader in the long runs.
const STRUCTURED_CASES: u32 = 1_500;

proptest! {
    #![proptest_config(ProptestConfig { cases: STRUCTURED_CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn structured_hostile_files_never_panic_the_readers(seed in any::<u64>()) {
        let mut g = Gen::new(seed);
        read_spreadsheet(&generators::xlsx(&mut g));
        read_spreadsheet(&generators::csv(&mut g));
        KEYS.with(|keys| read_package(&generators::package(&mut g, keys), keys));
        PACK.with(|pack| { let _ = RegionPack::from_json(&generators::region_pack(&mut g, pack)); });
    }
}

thread_local! {
    static KEYS: KeyPair = KeyPair::generate();
    static PACK: serde_json::Value =
        serde_json::from_str(include_str!("../../assets/region-packs/kanagawa.json")).expect("bundled pack");
    static PACKAGE: (String, Vec<u8>, Vec<u8>) = {
        let (keys, bytes, records) = signed_package();
        (keys.public().signing, bytes, records)
    };
}
