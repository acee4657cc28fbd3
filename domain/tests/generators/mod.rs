//! Structure-aware generators of hostile files for the readers: xlsx workbooks with random extents,
//! cell references, shared strings and value types; CSV with random encodings, quoting and blank
//! lines; packages with random manifests, entries and records, sealed so the signature holds; region
//! packs with random structural damage. Each is built from a seed, so a finding is reproduced from
//! its number. Used by the proptest runs in CI (`tests/readers_fuzz.rs`) and by the long runs
//! of `examples/fuzz_readers.rs` (`scripts/fuzz-readers`).

#![allow(dead_code)]

use std::io::{Cursor, Write};

/// A small, fast, seedable generator (xorshift64*): the same seed gives the same file.
pub struct Gen(u64);

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// 0..n (0 when n is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    /// True one time in `n`.
    pub fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }

    /// A size that is usually small and sometimes extreme.
    pub fn size(&mut self, small: u64, extreme: u64) -> u64 {
        if self.one_in(20) { self.below(extreme) } else { self.below(small) }
    }

    /// Text of the kinds a spreadsheet holds: Japanese, ASCII, digits, markup, control characters.
    pub fn text(&mut self, max: u64) -> String {
        const PIECES: &[&str] = &[
            "横浜市鶴見区",
            "桜総合病院",
            "A.B.",
            "88",
            "女性",
            "新規",
            "R8.11.1",
            "2026-11-01",
            "=SUM(A1)",
            "<t>",
            "&amp;",
            "&#0;",
            "\"",
            ",",
            "\r\n",
            "\n",
            "\u{0}",
            "𠮷",
            "～",
            "ｱｲｳ",
            "１２３",
            " ",
            "",
            "]]>",
            "\u{FEFF}",
        ];
        let n = self.size(max, max * 50);
        let mut out = String::new();
        for _ in 0..n {
            let piece: &&str = self.pick(PIECES);
            out.push_str(piece);
        }
        out
    }
}

/// Random bytes changed in place: flips, cuts, insertions, splices.
pub fn mutate(g: &mut Gen, mut bytes: Vec<u8>) -> Vec<u8> {
    for _ in 0..=g.below(4) {
        if bytes.is_empty() {
            return g.bytes(8);
        }
        let at = g.below(bytes.len() as u64) as usize;
        match g.below(4) {
            0 => bytes[at] ^= (g.next() as u8) | 1,
            1 => bytes.truncate(at),
            2 => {
                let n = 1 + g.below(32) as usize;
                let inserted = g.bytes(n);
                bytes.splice(at..at, inserted);
            }
            _ => {
                let end = (at + 1 + g.below(256) as usize).min(bytes.len());
                bytes.drain(at..end);
            }
        }
    }
    bytes
}

pub fn zip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in files {
        if writer.start_file(name.as_str(), options).is_err() {
            continue;
        }
        let _ = writer.write_all(content);
    }
    writer.finish().map(|c| c.into_inner()).unwrap_or_default()
}

fn column_name(mut col: u64) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

fn cell_ref(g: &mut Gen) -> String {
    match g.below(12) {
        0 => "XFD1048576".into(),
        1 => format!("{}{}", column_name(g.below(20_000)), g.below(2_000_000)),
        2 => g.text(1),
        3 => String::new(),
        _ => format!("{}{}", column_name(g.below(20)), 1 + g.below(300)),
    }
}

fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A workbook with one sheet (named 依頼 or not): a declared extent, rows and cells at random
/// places with random types, a shared-strings table whose claimed size may lie.
pub fn xlsx(g: &mut Gen) -> Vec<u8> {
    let sheet_name = g.pick(&["依頼", "依頼", "依頼", "Sheet1", "依頼 "]).to_string();
    let strings: Vec<String> = (0..g.size(8, 2_000)).map(|_| g.text(4)).collect();
    let claimed = match g.below(20) {
        0 => g.next(),
        1 => g.below(1 << 40),
        _ => strings.len() as u64,
    };
    let mut sst = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"{claimed}\" uniqueCount=\"{claimed}\">"
    );
    for s in &strings {
        sst.push_str(&format!("<si><t>{}</t></si>", xml_text(s)));
    }
    sst.push_str("</sst>");
    let mut sheet = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><dimension ref=\"A1:{}\"/><sheetData>",
        if g.one_in(4) { cell_ref(g) } else { "Z300".to_owned() }
    );
    let mut row = 0u64;
    for _ in 0..g.size(12, 3_000) {
        row = if g.one_in(300) { g.below(2_000_000) } else { row + 1 + g.below(3) };
        sheet.push_str(&format!("<row r=\"{row}\">"));
        for col in 0..g.size(8, 200) {
            let reference = if g.one_in(400) { cell_ref(g) } else { format!("{}{row}", column_name(col + g.below(2))) };
            let r = if g.one_in(20) { String::new() } else { format!(" r=\"{reference}\"") };
            let cell = match g.below(8) {
                0 => {
                    let past_end = u64::from(g.one_in(50));
                    format!("<c{r} t=\"s\"><v>{}</v></c>", g.below(strings.len() as u64 + past_end))
                }
                1 => format!("<c{r} t=\"inlineStr\"><is><t>{}</t></is></c>", xml_text(&g.text(3))),
                2 => format!("<c{r} t=\"b\"><v>{}</v></c>", if g.one_in(50) { 2 } else { g.below(2) }),
                3 => format!("<c{r} t=\"e\"><v>#N/A</v></c>"),
                4 => {
                    format!("<c{r} s=\"{}\"><v>{}</v></c>", g.below(5), (g.next() as f64) / (g.below(1000) + 1) as f64)
                }
                5 => format!("<c{r} t=\"d\"><v>{}</v></c>", xml_text(&g.text(2))),
                6 => format!("<c{r}><f>SUM(A1:A{})</f><v>{}</v></c>", g.below(1000), g.below(100)),
                _ => format!("<c{r} t=\"str\"><v>{}</v></c>", xml_text(&g.text(3))),
            };
            sheet.push_str(&cell);
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let workbook = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"{}\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
        xml_text(&sheet_name)
    );
    let mut parts = vec![
        (
            "[Content_Types].xml".to_owned(),
            br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#.to_vec(),
        ),
        (
            "_rels/.rels".to_owned(),
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_vec(),
        ),
        ("xl/workbook.xml".to_owned(), workbook.into_bytes()),
        (
            "xl/_rels/workbook.xml.rels".to_owned(),
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#.to_vec(),
        ),
        ("xl/sharedStrings.xml".to_owned(), sst.into_bytes()),
        ("xl/worksheets/sheet1.xml".to_owned(), sheet.into_bytes()),
    ];
    if g.one_in(20) {
        let at = g.below(parts.len() as u64) as usize;
        parts.remove(at);
    }
    let bytes = zip(&parts);
    if g.one_in(8) { mutate(g, bytes) } else { bytes }
}

/// A CSV file: a template's header rows or a history's, rows of random width with quoting,
/// embedded line breaks, blank lines, in UTF-8 (with or without BOM) or CP932, or broken bytes.
pub fn csv(g: &mut Gen) -> Vec<u8> {
    let mut text = String::new();
    if g.one_in(2) {
        text.push_str("医療機関コード,1410110009\r\n管理番号,区分,イニシャル,年齢,性別,住所地,病状の要約\r\n");
    }
    let breaks = ["\r\n", "\n", "\r", "\r\n\r\n", "\n\n\n"];
    for _ in 0..g.size(20, 5_000) {
        let width = g.size(8, 1_500);
        let cells: Vec<String> = (0..width)
            .map(|_| match g.below(6) {
                0 => format!("\"{}\"", g.text(3).replace('"', "\"\"")),
                1 => format!("\"{}", g.text(2)),
                _ => g.text(2).replace([',', '\n', '\r', '"'], ""),
            })
            .collect();
        text.push_str(&cells.join(","));
        let line_break: &&str = g.pick(&breaks);
        text.push_str(line_break);
    }
    let bytes = match g.below(5) {
        0 => {
            let mut out = vec![0xEF, 0xBB, 0xBF];
            out.extend_from_slice(text.as_bytes());
            out
        }
        1 => encoding_rs::SHIFT_JIS.encode(&text).0.into_owned(),
        2 => {
            let mut out = text.into_bytes();
            out.extend(g.bytes(4));
            out
        }
        _ => text.into_bytes(),
    };
    if g.one_in(5) { mutate(g, bytes) } else { bytes }
}

/// A random JSON value: right and wrong types, deep nesting, huge numbers, long strings.
pub fn json_value(g: &mut Gen, depth: u32) -> serde_json::Value {
    use serde_json::Value;
    match if depth > 6 { g.below(4) } else { g.below(7) } {
        0 => Value::Null,
        1 => Value::Bool(g.one_in(2)),
        2 => serde_json::json!(if g.one_in(3) { g.next() as f64 * 1e300 } else { g.below(200) as f64 }),
        3 => Value::String(g.text(3)),
        4 => Value::Array((0..g.size(4, 200)).map(|_| json_value(g, depth + 1)).collect()),
        _ => {
            const KEYS: &[&str] = &[
                "record_id",
                "action",
                "request",
                "patient_initials",
                "patient_age",
                "patient_sex",
                "inquiry_id",
                "outcome",
                "decline_reason",
                "beds",
                "requirements",
                "bed_type",
                "available",
                "reported_at",
                "x",
            ];
            Value::Object((0..g.size(5, 50)).map(|_| (g.pick(KEYS).to_string(), json_value(g, depth + 1))).collect())
        }
    }
}

/// Records of a package: mostly shaped like requests, capacity or answers, with damage.
pub fn records(g: &mut Gen) -> Vec<u8> {
    let records: Vec<serde_json::Value> = (0..g.size(4, 300))
        .map(|i| match g.below(4) {
            0 => serde_json::json!({"record_id": format!("F-{i}"), "action": "new",
                "request": {"patient_initials": g.text(1), "patient_age": g.text(1), "patient_sex": "female"}}),
            1 => serde_json::json!({"inquiry_id": g.text(1), "outcome": g.pick(&["accepted", "declined", "waiting", "?"])}),
            _ => json_value(g, 0),
        })
        .collect();
    let mut bytes = serde_json::to_vec(&records).unwrap_or_default();
    if g.one_in(6) {
        bytes = mutate(g, bytes);
    }
    bytes
}

/// A package: manifest fields, entry names and records at random, signed with `keys` so that the
/// reader gets past the signature to the content; sometimes encrypted, sometimes damaged after.
pub fn package(g: &mut Gen, keys: &tenin_domain::exchange::keys::KeyPair) -> Vec<u8> {
    use tenin_domain::exchange::manifest::PackageKind;
    use tenin_domain::exchange::package::{self, Envelope};
    let data = records(g);
    let kinds = [PackageKind::Requests, PackageKind::Capacity, PackageKind::Answers, PackageKind::Directory];
    let long = "x".repeat(g.size(10, 500) as usize);
    let envelope = Envelope {
        format_version: tenin_domain::exchange::manifest::FORMAT_VERSION,
        package_id: if g.one_in(8) { long.clone() } else { format!("pkg-{}", g.next()) },
        kind: *g.pick(&kinds),
        sender: if g.one_in(8) { &long } else { "1410110009" },
        recipient: "desk",
        sequence: g.below(u32::MAX as u64) as u32,
        created_at: if g.one_in(8) { g.text(1) } else { "2026-11-22T01:00:00Z".into() },
        records: if g.one_in(4) { g.below(1000) as u32 } else { data.len() as u32 },
    };
    let recipient = keys.public();
    let encrypt = g.one_in(4);
    let sealed = tenin_domain::exchange::keys::parse_recipient(&recipient.encryption)
        .ok()
        .and_then(|r| package::seal(envelope, &data, keys, encrypt.then_some(&r)).ok())
        .map(|(bytes, _)| bytes)
        .unwrap_or_default();
    match g.below(6) {
        0 => mutate(g, sealed),
        1 => {
            // Entries of the wrong names or too many, around a good records file.
            let names = ["manifest.json", "manifest.sig", "data/records.json", "../x.json", "data/a/b.json", "data/"];
            let files: Vec<(String, Vec<u8>)> =
                (0..g.size(4, 40)).map(|_| (g.pick(&names).to_string(), records(g))).collect();
            zip(&files)
        }
        _ => sealed,
    }
}

/// A region pack: the bundled one with random structural damage (keys removed, values of the
/// wrong type, entries duplicated, codes changed, long strings).
pub fn region_pack(g: &mut Gen, base: &serde_json::Value) -> String {
    let mut pack = base.clone();
    for _ in 0..=g.below(6) {
        damage(g, &mut pack, 0);
    }
    let text = pack.to_string();
    if g.one_in(10) { String::from_utf8_lossy(&mutate(g, text.into_bytes())).into_owned() } else { text }
}

fn damage(g: &mut Gen, value: &mut serde_json::Value, depth: u32) {
    use serde_json::Value;
    match value {
        Value::Object(map) if !map.is_empty() => {
            let key = map.keys().nth(g.below(map.len() as u64) as usize).cloned().unwrap_or_default();
            match g.below(4) {
                0 => {
                    map.remove(&key);
                }
                1 => {
                    map.insert(key, json_value(g, depth + 3));
                }
                _ => {
                    if let Some(inner) = map.get_mut(&key) {
                        damage(g, inner, depth + 1);
                    }
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let at = g.below(items.len() as u64) as usize;
            match g.below(4) {
                0 => {
                    let copy = items[at].clone();
                    items.push(copy);
                }
                1 => {
                    items.remove(at);
                }
                _ => damage(g, &mut items[at], depth + 1),
            }
        }
        Value::String(s) => {
            *s = match g.below(3) {
                0 => g.text(2),
                1 => format!("{s}{}", g.below(10)),
                _ => s.chars().rev().collect(),
            }
        }
        other => *other = json_value(g, depth + 3),
    }
}
