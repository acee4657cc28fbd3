//! CSV files for Excel users: UTF-8 with a BOM (what Excel needs to read UTF-8), or CP932 (what
//! older Excel and many hospital systems expect).
//!
//! CP932 cannot hold every character. The few that differ only in code point between JIS and
//! CP932 (〜 U+301C and friends) are written as the CP932 character that looks the same; anything
//! else is written as 〓 (the customary substitute) and reported, never dropped silently.
//!
//! Every CSV the desk writes is safe to open in Excel: a cell that Excel would run as a formula
//! (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return — OWASP's CSV-injection rule)
//! gets a leading apostrophe, so a hospital name such as `=HYPERLINK(…)` stays text. A cell that is
//! just a number (the counts and differences the desk computes, `-3`, `12.5%`) is not a formula
//! and stays a number.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CsvEncoding {
    /// UTF-8 with a byte-order mark.
    #[default]
    Utf8Bom,
    /// Windows-31J (Shift_JIS as Windows writes it).
    Cp932,
}

/// A CSV file's bytes, and the characters that CP932 could not hold (each once, in order met).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFile {
    pub bytes: Vec<u8>,
    pub substituted: Vec<char>,
}

/// What 〓 stands in for.
pub const SUBSTITUTE: char = '〓';

/// Code points that JIS-based text uses where CP932 has a look-alike.
fn cp932_look_alike(c: char) -> char {
    match c {
        '\u{301C}' => '\u{FF5E}', // 〜 WAVE DASH → ～
        '\u{2016}' => '\u{2225}', // ‖ → ∥
        '\u{2212}' => '\u{FF0D}', // − MINUS SIGN → －
        '\u{00A2}' => '\u{FFE0}', // ¢
        '\u{00A3}' => '\u{FFE1}', // £
        '\u{00AC}' => '\u{FFE2}', // ¬
        '\u{2014}' => '\u{2015}', // — EM DASH → ―
        other => other,
    }
}

/// The cell as written: with a leading apostrophe when Excel would read it as a formula.
pub fn neutralised(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !is_plain_number(cell) => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// `-3`, `+12`, `12.5`, `-0.5%`: a number, which Excel reads as one and never runs.
fn is_plain_number(cell: &str) -> bool {
    let body = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let body = body.strip_suffix('%').unwrap_or(body);
    let (whole, fraction) = body.split_once('.').unwrap_or((body, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// Writes `rows` (the first being the header) as CSV in `encoding`, lines ending CRLF for Excel.
pub fn write(rows: &[Vec<String>], encoding: CsvEncoding) -> Result<CsvFile> {
    let failed = |e: &dyn std::fmt::Display| Error::Io(format!("CSVを書けません: {e}"));
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    for row in rows {
        writer.write_record(row.iter().map(|cell| neutralised(cell).into_owned())).map_err(|e| failed(&e))?;
    }
    let utf8 = writer.into_inner().map_err(|e| failed(&e))?;
    let text = String::from_utf8(utf8).map_err(|e| failed(&e))?;
    match encoding {
        CsvEncoding::Utf8Bom => {
            let mut bytes = vec![0xEF, 0xBB, 0xBF];
            bytes.extend_from_slice(text.as_bytes());
            Ok(CsvFile { bytes, substituted: Vec::new() })
        }
        CsvEncoding::Cp932 => Ok(to_cp932(&text)),
    }
}

fn to_cp932(text: &str) -> CsvFile {
    let mut bytes = Vec::with_capacity(text.len());
    let mut substituted = Vec::new();
    let mut buffer = [0u8; 4];
    for c in text.chars().map(cp932_look_alike) {
        let (encoded, _, unmappable) = encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buffer));
        if unmappable {
            if !substituted.contains(&c) {
                substituted.push(c);
            }
            let (geta, _, _) = encoding_rs::SHIFT_JIS.encode(SUBSTITUTE.encode_utf8(&mut buffer));
            bytes.extend_from_slice(&geta);
        } else {
            bytes.extend_from_slice(&encoded);
        }
    }
    CsvFile { bytes, substituted }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Vec<String>> {
        vec![vec!["病院名".into(), "受付時間".into()], vec!["𠮷野病院, 本院".into(), "8:30〜17:00".into()]]
    }

    #[test]
    fn utf8_has_the_bom_excel_needs() {
        let file = write(&rows(), CsvEncoding::Utf8Bom).expect("test value");
        assert_eq!(&file.bytes[..3], [0xEF, 0xBB, 0xBF]);
        let text = std::str::from_utf8(&file.bytes[3..]).expect("test value");
        assert_eq!(text, "病院名,受付時間\r\n\"𠮷野病院, 本院\",8:30〜17:00\r\n");
    }

    #[test]
    fn formulas_are_written_as_text_and_numbers_stay_numbers() {
        let rows = vec![vec![
            "=HYPERLINK(\"http://x\",\"開く\")".into(),
            "+cmd|' /C calc'!A0".into(),
            "@SUM(A1:A2)".into(),
            "-2+3".into(),
            "\tx".into(),
            "-3".into(),
            "12.5%".into(),
            "桜病院".into(),
        ]];
        let file = write(&rows, CsvEncoding::Utf8Bom).expect("written");
        let text = std::str::from_utf8(&file.bytes[3..]).expect("utf-8");
        assert_eq!(
            text,
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"開く\"\")\",'+cmd|' /C calc'!A0,'@SUM(A1:A2),'-2+3,'\tx,-3,12.5%,桜病院\r\n"
        );
    }

    #[test]
    fn cp932_writes_look_alikes_and_reports_what_it_had_to_replace() {
        let file = write(&rows(), CsvEncoding::Cp932).expect("test value");
        let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(&file.bytes);
        assert!(!errors);
        assert_eq!(text, "病院名,受付時間\r\n\"〓野病院, 本院\",8:30～17:00\r\n");
        assert_eq!(file.substituted, ['𠮷']);
    }
}
