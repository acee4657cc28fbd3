//! Readers no file can break: each attack from the hostile-file trial, as a real file made here,
//! is refused with a clear reason (or read within bounds), and nothing is left behind.

use std::io::{Cursor, Read, Write};
use std::time::{Duration, Instant};

use rust_xlsxwriter::Workbook;
use tenin_core::Desk;
use tenin_core::desk::REPORTED_RECORDS;
use tenin_core::error::{ErrorCode, ErrorReport};
use tenin_core::exchange::history::HistoryMapping;
use tenin_core::exchange::manifest::PackageKind;

use crate::exchange::{Sender, intake};
use crate::{demo_desk, fresh_desk};

fn no_progress(_: u32, _: u32) -> bool {
    true
}

fn refusal_code(error: tenin_core::Error) -> String {
    let report = ErrorReport::from(error);
    assert_eq!(report.code, ErrorCode::PackageRefused, "{report:?}");
    report.refusal.expect("a refusal names its code").as_str().to_owned()
}

/// Rewrites one part of a zip (an xlsx) with `edit`.
fn edit_part(zip_bytes: &[u8], part: &str, edit: impl Fn(String) -> String) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip_bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).expect("read");
        if name == part {
            content = edit(String::from_utf8(content).expect("xml")).into_bytes();
        }
        out.start_file(name, options).expect("start");
        out.write_all(&content).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

/// `xml` with the first attribute introduced by `name` (e.g. `<dimension ref`) set to `value`.
fn set_attribute(xml: &str, name: &str, value: &str) -> String {
    let start = xml.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
    let end = start + xml[start..].find('"').expect("quote");
    format!("{}{value}{}", &xml[..start], &xml[end..])
}

/// The 2 KB file of the trial: A1, B1 and one cell at XFD1048576 (Excel's last).
fn far_cell_xlsx() -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("依頼").expect("sheet");
    sheet.write_string(0, 0, "医療機関コード").expect("w");
    sheet.write_string(0, 1, "1410110009").expect("w");
    sheet.write_string(1_048_575, 16_383, "x").expect("w");
    book.save_to_buffer().expect("xlsx")
}

#[test]
fn an_xlsx_with_a_cell_at_xfd1048576_is_refused_not_read_densely() {
    let (_dir, mut desk) = demo_desk();
    let bytes = far_cell_xlsx();
    assert!(bytes.len() < 8 * 1024, "a small file: {} bytes", bytes.len());
    let started = Instant::now();
    let template = desk.import_template("far.xlsx", &bytes, false, &no_progress).expect_err("refused");
    assert_eq!(refusal_code(template), "too_large");
    let columns = desk.history_columns(&bytes).expect_err("refused too");
    assert_eq!(refusal_code(columns), "too_large");
    assert!(started.elapsed() < Duration::from_secs(5), "refused without filling 2^34 cells");

    // The same cell with the sheet's declared extent edited down to A1:B1: the real cell is caught.
    let lying = edit_part(&bytes, "xl/worksheets/sheet1.xml", |xml| set_attribute(&xml, "<dimension ref", "A1:B1"));
    let refused = desk.import_template("lying.xlsx", &lying, false, &no_progress).expect_err("refused");
    assert_eq!(refusal_code(refused), "too_large");
}

#[test]
fn a_shared_strings_table_claiming_billions_of_entries_is_refused() {
    let (_dir, mut desk) = demo_desk();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("依頼").expect("sheet");
    sheet.write_string(0, 0, "医療機関コード").expect("w");
    let bytes = book.save_to_buffer().expect("xlsx");
    let bomb = edit_part(&bytes, "xl/sharedStrings.xml", |xml| set_attribute(&xml, "uniqueCount", "1000000000000"));
    let refused = desk.import_template("sst.xlsx", &bomb, false, &no_progress).expect_err("refused");
    assert_eq!(refusal_code(refused), "unreadable");
    assert_eq!(refusal_code(desk.history_columns(&bomb).expect_err("refused")), "unreadable");
}

/// 1,000 columns of 200-character headers over 10,000 near-empty rows (2.3 MB): the file of the
/// trial that took an import past 3 GB.
fn header_amplified_csv() -> Vec<u8> {
    let headers: Vec<String> = (0..1000).map(|i| format!("{i:04}{}", "列".repeat(196))).collect();
    let mut text = headers.join(",");
    text.push_str("\r\n");
    for i in 0..10_000 {
        text.push_str(&format!("{i}"));
        text.push_str(&",".repeat(999));
        text.push_str("\r\n");
    }
    text.into_bytes()
}

#[test]
fn a_header_amplified_history_file_is_read_at_its_own_size() {
    let (_dir, mut desk) = demo_desk();
    let bytes = header_amplified_csv();
    let columns = desk.history_columns(&bytes).expect("1,000 columns are within the limit");
    assert_eq!((columns.headers.len(), columns.rows), (1000, 10_000));
    let mut mapping = HistoryMapping::default();
    for (field, column) in [
        ("source_id", 0),
        ("registered_at", 1),
        ("outcome", 2),
        ("outcome_at", 3),
        ("referring_hospital", 4),
        ("residence", 5),
    ] {
        mapping.columns.insert(field.into(), columns.headers[column].clone());
    }
    let report = desk.import_history("wide.csv", &bytes, &mapping, false, &no_progress).expect("imported");
    assert_eq!(report.counts.errors, 10_000, "every row lacks the required fields");
    let kept = desk.quarantined(Some(&report.exchange_id)).expect("quarantine");
    assert_eq!(kept.len(), 10_000, "every refused row is kept");
    let largest = kept.iter().map(|q| q.raw.len()).max().unwrap_or(0);
    assert!(largest < 2_000, "a row is kept at its own size, not keyed by every header: {largest} bytes");
}

#[test]
fn a_history_import_lists_at_most_the_reported_records_and_keeps_every_refusal() {
    let (_dir, mut desk) = demo_desk();
    let rows = REPORTED_RECORDS + 50;
    let mut text = String::from("旧番号,依頼日時,結果,決定日時,依頼元,患者住所\r\n");
    for i in 0..rows {
        text.push_str(&format!("X-{i},いつか,転院済,いつか,どこか,どこか\r\n"));
    }
    let mapping = HistoryMapping {
        columns: [
            ("source_id", "旧番号"),
            ("registered_at", "依頼日時"),
            ("outcome", "結果"),
            ("outcome_at", "決定日時"),
            ("referring_hospital", "依頼元"),
            ("residence", "患者住所"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect(),
        ..Default::default()
    };
    let report = desk.import_history("many.csv", text.as_bytes(), &mapping, false, &no_progress).expect("report");
    assert_eq!(report.counts.errors as usize, rows);
    assert_eq!(report.records.len(), REPORTED_RECORDS);
    assert_eq!(report.records_left_out, 50);
    assert_eq!(desk.quarantined(Some(&report.exchange_id)).expect("kept").len(), rows, "all kept for review");
}

#[test]
fn csv_rows_are_numbered_by_the_line_the_sender_sees() {
    let (_dir, mut desk) = demo_desk();
    let sender = Sender::registered(&mut desk);
    let text = format!(
        "医療機関コード,{}\r\n\r\n管理番号,区分,イニシャル,年齢,性別,住所地\r\nL-1,新規,A.B.,88,女性,横浜市鶴見区\r\n\r\n\r\nL-2,新規,C.D.,300,女性,横浜市鶴見区\r\n",
        sender.code
    );
    let report = desk.import_template("lines.csv", text.as_bytes(), true, &no_progress).expect("preview");
    let positions: Vec<u32> = report.records.iter().map(|r| r.position).collect();
    assert_eq!(positions, [4, 7], "file lines, blank lines counted");
}

#[test]
fn cells_columns_and_identifiers_have_limits() {
    let (_dir, mut desk) = demo_desk();
    let mut sender = Sender::registered(&mut desk);
    // A template cell over 10,000 characters, a history cell over Excel's 32,767: the file is refused.
    let long_cell = format!("医療機関コード,{}\r\n管理番号,病状の要約\r\nC-1,{}\r\n", sender.code, "あ".repeat(10_001));
    let refused = desk.import_template("cell.csv", long_cell.as_bytes(), false, &no_progress).expect_err("refused");
    assert_eq!(refusal_code(refused), "too_large");
    let long_history = format!("番号,メモ\r\n1,{}\r\n", "x".repeat(32_768));
    assert_eq!(refusal_code(desk.history_columns(long_history.as_bytes()).expect_err("refused")), "too_large");
    let wide_template = format!("医療機関コード,{}\r\n{}\r\n", sender.code, vec!["列"; 65].join(","));
    assert_eq!(
        refusal_code(
            desk.import_template("wide.csv", wide_template.as_bytes(), false, &no_progress).expect_err("refused")
        ),
        "too_large"
    );

    // A 200 KB record id in a package: that record refused, named short; the rest applied.
    // 200 KB that does not compress away (a zip bomb is refused before any record is read).
    let mut seed = 7u64;
    let long_id: String = (0..200_000)
        .map(|_| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            char::from(b'A' + (seed >> 59) as u8 % 26)
        })
        .collect();
    let records = serde_json::json!([
        {"record_id": long_id, "action": "new", "request": intake("L.I.", "80")},
        {"record_id": "OK-1", "action": "new", "request": intake("O.K.", "81")},
    ]);
    let package = sender.package(PackageKind::Requests, &records);
    let report = desk.import_package("ids.zip", &package, false, &no_progress).expect("imported");
    assert_eq!((report.counts.errors, report.counts.new), (1, 1));
    assert!(report.records[0].record_id.chars().count() <= 65, "shown cut short");
    assert!(report.records[0].reasons[0].message.contains("64文字"), "{:?}", report.records[0].reasons);

    // A template's 管理番号 over 64 characters.
    let long_number = format!(
        "医療機関コード,{}\r\n管理番号,区分,イニシャル,年齢,性別,住所地\r\n{},新規,A.B.,88,女性,横浜市鶴見区\r\n",
        sender.code,
        "9".repeat(65)
    );
    let report = desk.import_template("number.csv", long_number.as_bytes(), true, &no_progress).expect("preview");
    assert_eq!(report.counts.errors, 1);
}

/// The files kept in the quarantine folder.
fn quarantine_files(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir.join("quarantine"))
        .map(|entries| entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default()
}

#[test]
fn a_refused_file_is_kept_once_under_a_name_that_fits_and_always_logged() {
    let (dir, mut desk) = demo_desk();
    let junk = b"PK\x03\x04 not really a zip".to_vec();
    let long_name = format!("{}.zip", "病院からの送付".repeat(40));
    assert!(long_name.len() > 300, "over a file system's name limit");
    for name in [long_name.as_str(), "again.zip", "third.zip"] {
        desk.import_package(name, &junk, false, &no_progress).expect_err("refused");
    }
    let files = quarantine_files(dir.path());
    assert_eq!(files.len(), 1, "the same bytes kept once: {files:?}");
    assert!(files[0].len() < 255, "{}", files[0]);
    let log = desk.exchanges(10).expect("log");
    let refused: Vec<_> = log.iter().filter(|e| e.result == "refused").collect();
    assert_eq!(refused.len(), 3, "each refusal logged");
    assert!(refused.iter().any(|e| e.file_name == long_name), "the long name is in the log");
}

#[test]
fn the_quarantine_keeps_within_its_quota_and_can_be_emptied() {
    let (dir, mut desk) = demo_desk();
    let usage = desk.set_quarantine_quota(16).expect("the smallest quota");
    assert_eq!(usage.quota_megabytes, 16);
    let first = [b"PK\x03\x04".as_slice(), &vec![b'a'; 9 << 20]].concat();
    let second = [b"PK\x03\x04".as_slice(), &vec![b'b'; 9 << 20]].concat();
    desk.import_package("first.zip", &first, false, &no_progress).expect_err("refused");
    desk.import_package("second.zip", &second, false, &no_progress).expect_err("refused");
    assert_eq!(quarantine_files(dir.path()).len(), 1, "the second would pass the quota");
    let log = desk.exchanges(2).expect("log");
    assert!(log[0].message.contains("上限"), "the log says the file was not kept: {}", log[0].message);
    let usage = desk.quarantine_usage().expect("usage");
    assert_eq!(usage.files, 1);
    assert!(usage.kilobytes >= 9 * 1024);
    let emptied = desk.clear_quarantine_files().expect("cleared");
    assert_eq!((emptied.files, emptied.kilobytes), (0, 0));
    assert!(desk.audit_log(&Default::default()).expect("audit").iter().any(|r| r.entity == "quarantine_files"));
}

#[test]
fn a_file_over_the_size_limit_is_refused_unread_and_logged() {
    let (dir, mut desk) = fresh_desk();
    let limits = desk.import_limits();
    let size = u64::from(limits.package_bytes) + 1;
    let refused = desk.refuse_oversized("package", "huge.zip", size).expect_err("refused");
    assert_eq!(refusal_code(refused), "too_large");
    assert!(desk.refuse_oversized("package", "small.zip", 10).is_ok(), "a small file is not refused by size");
    assert_eq!(desk.exchanges(5).expect("log").len(), 1);
    assert!(quarantine_files(dir.path()).is_empty(), "a file that was never read is not kept");
}

/// Makes `path` look untouched for an hour.
fn age(path: &std::path::Path) {
    let file = std::fs::File::options().write(true).open(path).expect("open");
    file.set_modified(std::time::SystemTime::now() - Duration::from_secs(3600)).expect("mtime");
}

#[test]
fn leftovers_of_killed_work_are_removed_at_the_next_open_or_backup() {
    let (dir, mut desk) = fresh_desk();
    let backups = dir.path().join("backups");
    std::fs::create_dir_all(&backups).expect("dir");
    let stale = backups.join("tenin-20261101-010101.db.partial");
    let fresh = backups.join("tenin-20261101-020202.db.partial");
    std::fs::write(&stale, vec![0u8; 1 << 20]).expect("write");
    std::fs::write(&fresh, b"being written").expect("write");
    age(&stale);
    desk.backup_now().expect("backup");
    assert!(!stale.exists(), "a killed backup's leftover is removed");
    assert!(fresh.exists(), "a backup another program is writing right now is left alone");
    age(&fresh);
    let rekey = dir.path().join("tenin.db.rekey");
    std::fs::write(&rekey, b"half-encrypted").expect("write");
    age(&rekey);
    drop(desk);
    let _desk = Desk::open(dir.path()).expect("reopens");
    assert!(!fresh.exists(), "removed at open once stale");
    assert!(!rekey.exists(), "a killed encryption's leftover is removed at open");
}

#[cfg(unix)]
#[test]
fn restore_refuses_a_fifo_instead_of_waiting_on_it() {
    let (dir, mut desk) = fresh_desk();
    let fifo = dir.path().join("backup.db");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let started = Instant::now();
    let refused = ErrorReport::from(desk.restore_backup(&fifo, false).expect_err("refused"));
    assert!(refused.message.contains("通常のファイルではありません"), "{}", refused.message);
    assert!(started.elapsed() < Duration::from_secs(5));
}
