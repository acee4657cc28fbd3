//! Rows of a spreadsheet a person filled in — CSV (UTF-8 or CP932) or an xlsx sheet — read within
//! limits, one row at a time.
//!
//! No file can make this reader crash, abort on an allocation or hold memory out of proportion to
//! the file: the size is checked before anything is read; an xlsx is inflated once into nothing
//! (counting bytes) before the xlsx library sees it, so a zip bomb or a shared-strings table that
//! claims billions of entries is refused; the sheet is read cell by cell (never as a dense range
//! from its declared extent, which one cell at XFD1048576 makes 2^34 cells); and cells, columns and
//! rows are capped per route ([`RowLimits`]). Rows carry their number in the file — the CSV line a
//! record starts on, the xlsx row number — so a refusal points at what the sender sees.

use std::borrow::Cow;
use std::io::{Cursor, Read};

use calamine::{Reader, Xlsx};

use crate::refusal::Refusal;

/// What one route accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowLimits {
    /// The file as received.
    pub max_bytes: u64,
    /// Rows with something in them, header rows included.
    pub max_rows: u32,
    pub max_columns: u32,
    /// Characters in one cell (Excel itself holds at most 32,767).
    pub max_cell_chars: usize,
    /// An xlsx's parts inflated, all together.
    pub max_inflated_bytes: u64,
}

/// A small file a hospital fills in and returns (a survey, a month's report): a row per hospital or per
/// line of a report.
pub const SMALL_FORM_LIMITS: RowLimits = RowLimits {
    max_bytes: 8 * 1024 * 1024,
    max_rows: 50_000,
    max_columns: 32,
    max_cell_chars: 2_000,
    max_inflated_bytes: 64 * 1024 * 1024,
};

/// Excel's own limits: a cell over them cannot have come from a spreadsheet.
pub const EXCEL_CELL_CHARS: usize = 32_767;
pub const EXCEL_ROWS: u32 = 1_048_576;

/// One row: its number in the file and its cells, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u32,
    pub cells: Vec<String>,
}

impl Row {
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

/// Calls `each` with every non-blank row, in file order. `each` can stop the reading with its own
/// error (a cancel, a storage failure).
pub fn for_each_row<E: From<Refusal>>(
    bytes: &[u8],
    sheet: Option<&str>,
    limits: &RowLimits,
    each: impl FnMut(Row) -> Result<(), E>,
) -> Result<(), E> {
    if bytes.len() as u64 > limits.max_bytes {
        return Err(Refusal::TooLarge { bytes: bytes.len() as u64, max: limits.max_bytes }.into());
    }
    if bytes.starts_with(b"PK") { xlsx_rows(bytes, sheet, limits, each) } else { csv_rows(bytes, limits, each) }
}

/// Every non-blank row at once (for files small enough to hold: templates, the mapping step's sample).
pub fn all_rows(bytes: &[u8], sheet: Option<&str>, limits: &RowLimits) -> Result<Vec<Row>, Refusal> {
    let mut rows = Vec::new();
    for_each_row(bytes, sheet, limits, |row| {
        rows.push(row);
        Ok::<(), Refusal>(())
    })?;
    Ok(rows)
}

/// A small form a hospital returns (`SMALL_FORM_LIMITS`): its rows below the header, blank ones left
/// out, each with its line in the file.
pub fn form_rows(bytes: &[u8]) -> Result<Vec<Row>, Refusal> {
    let mut rows = all_rows(bytes, None, &SMALL_FORM_LIMITS)?;
    if !rows.is_empty() {
        rows.remove(0);
    }
    rows.retain(|row| !row.is_blank());
    Ok(rows)
}

/// UTF-8 (a BOM is dropped) or CP932; bytes that are neither are refused, not guessed.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, Refusal> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(text));
    }
    let (text, _, had_errors) = encoding_rs::SHIFT_JIS.decode(bytes);
    if had_errors {
        return Err(Refusal::BadRecords(
            "文字コードを読み取れません（UTF-8 でも CP932 でもない文字があります）".to_owned(),
        ));
    }
    Ok(Cow::Owned(text.into_owned()))
}

/// Counts rows against the limit and checks a row's width and cells.
struct Gate<'l> {
    limits: &'l RowLimits,
    rows: u32,
}

impl Gate<'_> {
    fn admit(&mut self, row: &Row) -> Result<(), Refusal> {
        self.rows += 1;
        if self.rows > self.limits.max_rows {
            return Err(over(format!("行が多すぎます（{}行まで）", self.limits.max_rows)));
        }
        if row.cells.len() as u64 > u64::from(self.limits.max_columns) {
            return Err(over(format!("{}行目の列が多すぎます（{}列まで）", row.line, self.limits.max_columns)));
        }
        if let Some(column) = row.cells.iter().position(|c| too_long(c, self.limits.max_cell_chars)) {
            return Err(over(format!(
                "{}行目 {}列目のセルが長すぎます（{}文字まで）",
                row.line,
                column + 1,
                self.limits.max_cell_chars
            )));
        }
        Ok(())
    }
}

fn too_long(cell: &str, max: usize) -> bool {
    cell.len() > max && cell.chars().count() > max
}

fn over(what: String) -> Refusal {
    Refusal::OverLimit(what)
}

fn csv_rows<E: From<Refusal>>(
    bytes: &[u8],
    limits: &RowLimits,
    mut each: impl FnMut(Row) -> Result<(), E>,
) -> Result<(), E> {
    let text = decode(bytes)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut gate = Gate { limits, rows: 0 };
    // The line a record starts on, counted from its byte offset: the CSV reader skips blank lines
    // without counting them, and the sender's "line 7" must be line 7.
    let (mut line, mut counted_to) = (1u32, 0usize);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => return Err(Refusal::Unreadable(format!("CSV: {e}")).into()),
        }
        // The position is where the reader began, before the blank lines it skipped.
        let mut start = record.position().map_or(counted_to, |p| p.byte() as usize).min(text.len());
        while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start > counted_to {
            line += text.as_bytes()[counted_to..start].iter().filter(|b| **b == b'\n').count() as u32;
            counted_to = start;
        }
        let row = Row { line, cells: record.iter().map(str::to_owned).collect() };
        if row.is_blank() {
            continue;
        }
        gate.admit(&row)?;
        each(row)?;
    }
}

fn xlsx_rows<E: From<Refusal>>(
    bytes: &[u8],
    sheet: Option<&str>,
    limits: &RowLimits,
    mut each: impl FnMut(Row) -> Result<(), E>,
) -> Result<(), E> {
    check_parts(bytes, limits)?;
    // The xlsx library may still panic on XML it does not expect; that is the file's fault, and
    // the refusal says so instead of taking the program down.
    let opened = std::panic::catch_unwind(|| calamine::open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)));
    let mut book = match opened {
        Ok(Ok(book)) => book,
        Ok(Err(e)) => return Err(Refusal::Unreadable(e.to_string()).into()),
        Err(_) => return Err(Refusal::Unreadable("xlsx の構造を読み取れません".into()).into()),
    };
    let name = match sheet {
        Some(name) => name.to_owned(),
        None => book.sheet_names().first().cloned().ok_or_else(|| Refusal::BadRecords("シートがありません".into()))?,
    };
    let mut cells = book.worksheet_cells_reader(&name).map_err(|e| match e {
        calamine::XlsxError::WorksheetNotFound(_) => Refusal::BadRecords(format!("「{name}」シートがありません")),
        other => Refusal::Unreadable(other.to_string()),
    })?;
    let declared = cells.dimensions();
    if declared.end.0 >= limits.max_rows || declared.end.1 >= limits.max_columns {
        return Err(over(format!(
            "表の範囲が大きすぎます（{}行×{}列、上限{}行×{}列）",
            u64::from(declared.end.0) + 1,
            u64::from(declared.end.1) + 1,
            limits.max_rows,
            limits.max_columns
        ))
        .into());
    }
    let mut gate = Gate { limits, rows: 0 };
    let mut current: Option<Row> = None;
    loop {
        let next = std::panic::AssertUnwindSafe(|| cells.next_cell());
        let cell = match std::panic::catch_unwind(next) {
            Ok(Ok(cell)) => cell,
            Ok(Err(e)) => return Err(Refusal::Unreadable(e.to_string()).into()),
            Err(_) => return Err(Refusal::Unreadable("xlsx のセルを読み取れません".into()).into()),
        };
        let Some(cell) = cell else { break };
        let (row_index, column) = cell.get_position();
        if row_index >= limits.max_rows || column >= limits.max_columns {
            return Err(over(format!(
                "セル（{}行 {}列）が範囲の上限（{}行×{}列）を超えています",
                u64::from(row_index) + 1,
                u64::from(column) + 1,
                limits.max_rows,
                limits.max_columns
            ))
            .into());
        }
        let line = row_index + 1;
        match &current {
            Some(row) if row.line == line => {}
            Some(row) if row.line > line => {
                return Err(Refusal::Unreadable(format!("{line}行目が{}行目の後にあります", row.line)).into());
            }
            _ => {
                if let Some(done) = current.take().filter(|r| !r.is_blank()) {
                    gate.admit(&done)?;
                    each(done)?;
                }
                current = Some(Row { line, cells: Vec::new() });
            }
        }
        let text = cell_text(cell.get_value());
        if too_long(&text, limits.max_cell_chars) {
            return Err(over(format!(
                "{line}行目 {}列目のセルが長すぎます（{}文字まで）",
                column + 1,
                limits.max_cell_chars
            ))
            .into());
        }
        if let Some(row) = current.as_mut() {
            let column = column as usize;
            if row.cells.len() <= column {
                row.cells.resize(column + 1, String::new());
            }
            row.cells[column] = text;
        }
    }
    if let Some(done) = current.filter(|r| !r.is_blank()) {
        gate.admit(&done)?;
        each(done)?;
    }
    Ok(())
}

fn cell_text(cell: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        DataRef::Float(f) => f.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => b.to_string(),
        // A date cell: days since 1899-12-30 (Excel's serial dates).
        DataRef::DateTime(d) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
            .and_then(|epoch| {
                let days = d.as_f64().floor();
                (days.abs() < 1e7).then(|| epoch.checked_add_signed(chrono::Duration::days(days as i64))).flatten()
            })
            .map(|day| day.to_string())
            .unwrap_or_else(|| d.to_string()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

/// Inflates every part of the xlsx once, into nothing, counting: the parts together must stay
/// within the limit, and the shared-strings table may not claim more entries than its bytes can
/// hold (the xlsx library reserves room for what it claims before reading it).
fn check_parts(bytes: &[u8], limits: &RowLimits) -> Result<(), Refusal> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| Refusal::Unreadable(e.to_string()))?;
    const MAX_PARTS: usize = 1_000;
    if archive.len() > MAX_PARTS {
        return Err(Refusal::TooManyFiles(archive.len()));
    }
    let mut total = 0u64;
    for index in 0..archive.len() {
        let mut part = archive.by_index(index).map_err(|e| Refusal::Unreadable(e.to_string()))?;
        let name = String::from_utf8_lossy(part.name_raw()).into_owned();
        let room = limits.max_inflated_bytes - total;
        let inflated = std::io::copy(&mut (&mut part).take(room + 1), &mut std::io::sink())
            .map_err(|e| Refusal::Unreadable(format!("{name}: {e}")))?;
        total += inflated;
        if total > limits.max_inflated_bytes {
            return Err(Refusal::ZipBomb { name });
        }
        if name.to_ascii_lowercase().ends_with("sharedstrings.xml") {
            drop(part);
            let claimed = shared_strings_claimed(&mut archive, index, inflated)?;
            // `<si></si>` is nine bytes: no table holds more entries than that allows.
            if claimed > inflated / 9 + 1 {
                return Err(Refusal::Unreadable(format!(
                    "共有文字列の件数（{claimed}）がファイルの大きさと合いません"
                )));
            }
        }
    }
    Ok(())
}

/// The `uniqueCount` the shared-strings table claims (0 when it claims none).
fn shared_strings_claimed(
    archive: &mut zip::ZipArchive<Cursor<&[u8]>>,
    index: usize,
    inflated: u64,
) -> Result<u64, Refusal> {
    let part = archive.by_index(index).map_err(|e| Refusal::Unreadable(e.to_string()))?;
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(part.take(inflated)));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match xml.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e))
                if e.local_name().as_ref() == "sst" =>
            {
                for attribute in e.attributes().flatten() {
                    if attribute.key.local_name().as_ref() == "uniqueCount" {
                        return Ok(attribute.value.trim().parse::<u64>().unwrap_or(u64::MAX));
                    }
                }
                return Ok(0);
            }
            Ok(quick_xml::events::Event::Eof) => return Ok(0),
            Ok(_) => {}
            Err(e) => return Err(Refusal::Unreadable(format!("sharedStrings.xml: {e}"))),
        }
    }
}
