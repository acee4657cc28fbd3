//! The history import: transfer cases from the previous system's CSV export or a spreadsheet,
//! through a column mapping (saved by name), so statistics cover the desk's whole history.
//! Expected columns are documented in docs/exchange.md.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::rows::{Row, RowLimits};
use crate::exchange::records::Reason;
use crate::refusal::Refusal;
use crate::text::fold_width;

/// A field of a historical case and the column headers it is recognised by without a mapping.
pub struct HistoryField {
    pub id: &'static str,
    pub label: &'static str,
    pub required: bool,
    pub aliases: &'static [&'static str],
}

pub const FIELDS: [HistoryField; 12] = [
    HistoryField {
        id: "source_id",
        label: "元の管理番号",
        required: false,
        aliases: &["管理番号", "ID", "番号", "レコード番号", "$id"],
    },
    HistoryField {
        id: "registered_at",
        label: "受付日時",
        required: true,
        aliases: &["依頼日時", "登録日時", "受付日", "依頼日"],
    },
    HistoryField { id: "outcome", label: "結果", required: true, aliases: &["転帰", "調整結果", "状態"] },
    HistoryField {
        id: "outcome_at", label: "結果日時", required: true, aliases: &["決定日時", "転院日", "転帰日"]
    },
    HistoryField {
        id: "referring_hospital",
        label: "依頼元医療機関",
        required: true,
        aliases: &[
            "依頼元",
            "転院元",
            "依頼元コード",
            "依頼元医療機関名",
            "依頼元病院",
            "依頼元病院名",
            "転院元医療機関",
        ],
    },
    HistoryField {
        id: "residence",
        label: "住所地",
        required: true,
        aliases: &["患者住所地", "市区町村", "住所地コード", "患者居住地", "居住地", "住所"],
    },
    HistoryField {
        id: "receiving_hospital",
        label: "受入医療機関",
        required: false,
        aliases: &["受入先", "転院先", "受入先コード", "受入医療機関名", "受入病院", "受入病院名", "転院先医療機関"],
    },
    HistoryField { id: "transport_mode", label: "搬送手段", required: false, aliases: &["搬送方法", "搬送"] },
    HistoryField { id: "patient_initials", label: "イニシャル", required: false, aliases: &[] },
    HistoryField { id: "patient_age", label: "年齢", required: false, aliases: &[] },
    HistoryField { id: "patient_sex", label: "性別", required: false, aliases: &[] },
    HistoryField { id: "bed_type", label: "病床種別", required: false, aliases: &[] },
];

/// Which column of the file each field is read from (field id → column header).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryMapping {
    pub columns: BTreeMap<String, String>,
    /// Values read as the desk's own, per field (`outcome`, `referring_hospital`, …): the value's key
    /// ([`super::value_mapping::key`]) → its reading (a status, a code, an id). Saved with the columns.
    #[serde(default)]
    pub values: BTreeMap<String, BTreeMap<String, String>>,
}

impl HistoryMapping {
    /// The reading chosen for `value` of `field`, if any.
    pub fn reading(&self, field: &str, value: &str) -> Option<&str> {
        self.values.get(field)?.get(&super::value_mapping::key(value)).map(String::as_str)
    }

    /// The mapping with every value's reading under the value's key, however the value was written
    /// when it was set (the window sets readings by the value as the file writes it).
    pub fn keyed(&self) -> HistoryMapping {
        let values = self
            .values
            .iter()
            .map(|(field, readings)| {
                let readings = readings
                    .iter()
                    .filter(|(_, reading)| !reading.trim().is_empty())
                    .map(|(value, reading)| (super::value_mapping::key(value), reading.trim().to_owned()))
                    .collect();
                (field.clone(), readings)
            })
            .collect();
        HistoryMapping { columns: self.columns.clone(), values }
    }

    /// Sets the reading of `value` of `field`.
    pub fn set_reading(&mut self, field: &str, value: &str, reading: &str) {
        self.values
            .entry(field.to_owned())
            .or_default()
            .insert(super::value_mapping::key(value), reading.trim().to_owned());
    }

    /// The case with every mapped value replaced by its reading.
    pub fn read_values(&self, mut case: PastCase) -> PastCase {
        if self.values.is_empty() {
            return case;
        }
        for (field, value) in [
            ("outcome", &mut case.outcome),
            ("transport_mode", &mut case.transport_mode),
            ("patient_sex", &mut case.patient_sex),
            ("bed_type", &mut case.bed_type),
            ("referring_hospital", &mut case.referring_hospital),
            ("receiving_hospital", &mut case.receiving_hospital),
            ("residence", &mut case.residence),
        ] {
            if let Some(reading) = self.reading(field, value) {
                *value = reading.to_owned();
            }
        }
        case
    }
}

/// A field of the mapping step: its id (the UI's label key) and whether it must be mapped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldInfo {
    pub id: String,
    pub required: bool,
}

/// A file's columns, a few rows, and the mapping the desk suggests: the mapping step's screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryColumns {
    /// The fields to map, in order ([`FIELDS`]).
    pub fields: Vec<FieldInfo>,
    pub headers: Vec<String>,
    pub sample: Vec<Vec<String>>,
    pub rows: u32,
    pub suggested: HistoryMapping,
    /// Required fields the suggestion could not place.
    pub unmapped_required: Vec<String>,
}

/// What a history file may be: years of a desk's cases (a million rows is about 100 MB), columns
/// as many as an export of another system has, cells as long as Excel's.
pub const LIMITS: RowLimits = RowLimits {
    max_bytes: 256 << 20,
    max_rows: 2_000_000,
    max_columns: 1_024,
    max_cell_chars: super::rows::EXCEL_CELL_CHARS,
    max_inflated_bytes: 1 << 30,
};

/// Rows shown in the mapping step.
const SAMPLE_ROWS: usize = 5;

/// Calls `each` with the headers (the first non-empty row, width-folded) and every data row after
/// them, one at a time: a file of a million rows is never held as rows.
pub fn for_each_row<E: From<Refusal>>(
    bytes: &[u8],
    mut each: impl FnMut(&[String], Row) -> Result<(), E>,
) -> Result<(), E> {
    let mut headers: Option<Vec<String>> = None;
    super::rows::for_each_row(bytes, None, &LIMITS, |row| match &headers {
        None => {
            headers = Some(row.cells.iter().map(|h| fold_width(h.trim())).collect());
            Ok(())
        }
        Some(headers) => each(headers, row),
    })?;
    if headers.is_none() {
        return Err(Refusal::BadRecords("見出し行がありません".into()).into());
    }
    Ok(())
}

/// The mapping step: the file's headers, a few rows, how many rows, the suggested mapping. Reads
/// the whole file (so a file that cannot be imported is refused here) but keeps only the sample.
pub fn columns(bytes: &[u8]) -> Result<HistoryColumns, Refusal> {
    let mut headers: Option<Vec<String>> = None;
    let mut sample = Vec::new();
    let mut rows = 0u32;
    super::rows::for_each_row(bytes, None, &LIMITS, |row| {
        if headers.is_none() {
            headers = Some(row.cells.iter().map(|h| fold_width(h.trim())).collect());
            return Ok::<(), Refusal>(());
        }
        if sample.len() < SAMPLE_ROWS {
            sample.push(row.cells);
        }
        rows += 1;
        Ok(())
    })?;
    let headers = headers.ok_or_else(|| Refusal::BadRecords("見出し行がありません".into()))?;
    let suggested = suggest(&headers);
    Ok(HistoryColumns {
        fields: FIELDS.iter().map(|f| FieldInfo { id: f.id.to_owned(), required: f.required }).collect(),
        headers,
        sample,
        rows,
        unmapped_required: missing_required(&suggested),
        suggested,
    })
}

/// The headers alone: the first non-empty row, read without going further into the file.
pub fn headers(bytes: &[u8]) -> Result<Vec<String>, Refusal> {
    enum Stop {
        Found(Vec<String>),
        Refused(Refusal),
    }
    impl From<Refusal> for Stop {
        fn from(refusal: Refusal) -> Stop {
            Stop::Refused(refusal)
        }
    }
    let read = super::rows::for_each_row(bytes, None, &LIMITS, |row| {
        Err::<(), Stop>(Stop::Found(row.cells.iter().map(|h| fold_width(h.trim())).collect()))
    });
    match read {
        Err(Stop::Found(headers)) => Ok(headers),
        Err(Stop::Refused(refusal)) => Err(refusal),
        Ok(()) => Err(Refusal::BadRecords("見出し行がありません".into())),
    }
}

/// The mapping the desk suggests for these headers: a field's label, id or a known alias.
pub fn suggest(headers: &[String]) -> HistoryMapping {
    let mut suggested = HistoryMapping::default();
    for field in &FIELDS {
        let found = headers.iter().find(|h| {
            let h = h.as_str();
            h == field.label || h == field.id || field.aliases.contains(&h)
        });
        if let Some(header) = found {
            suggested.columns.insert(field.id.to_owned(), header.clone());
        }
    }
    // kintone's own column: when a record was made stands in for the registration time when the
    // file has nothing better.
    if !suggested.columns.contains_key("registered_at")
        && let Some(created) = headers.iter().find(|h| h.as_str() == "作成日時")
    {
        suggested.columns.insert("registered_at".to_owned(), created.clone());
    }
    suggested
}

/// The labels of required fields a mapping leaves out.
pub fn missing_required(mapping: &HistoryMapping) -> Vec<String> {
    FIELDS
        .iter()
        .filter(|f| f.required && mapping.columns.get(f.id).is_none_or(|c| c.trim().is_empty()))
        .map(|f| f.label.to_owned())
        .collect()
}

/// One historical case as read (text; the desk resolves hospitals and places).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastCase {
    pub source_id: String,
    pub registered_at: String,
    pub outcome: String,
    pub outcome_at: String,
    pub referring_hospital: String,
    pub residence: String,
    pub receiving_hospital: String,
    pub transport_mode: String,
    pub patient_initials: String,
    pub patient_age: String,
    pub patient_sex: String,
    pub bed_type: String,
}

/// Where each field is in a file's rows, under a mapping.
pub struct Placement {
    /// Per field of [`FIELDS`], the column index (none when unmapped or not in the file).
    at: Vec<Option<usize>>,
}

impl Placement {
    pub fn new(headers: &[String], mapping: &HistoryMapping) -> Placement {
        let at = FIELDS
            .iter()
            .map(|f| mapping.columns.get(f.id).and_then(|header| headers.iter().position(|h| h == header)))
            .collect();
        Placement { at }
    }
}

/// A row through the mapping: the case, and the row as received — its non-empty cells by the
/// file's own headers, so a refused row is kept at its own size, not at the size of every header.
pub fn case_of(
    headers: &[String],
    placement: &Placement,
    cells: &[String],
    mapping: &HistoryMapping,
) -> (String, Result<PastCase, Vec<Reason>>) {
    let mut raw = serde_json::Map::new();
    for (header, cell) in headers.iter().zip(cells) {
        if !cell.trim().is_empty() {
            raw.insert(header.clone(), serde_json::Value::String(cell.clone()));
        }
    }
    let raw_text = serde_json::Value::Object(raw).to_string();
    let get = |id: &str| -> String {
        FIELDS
            .iter()
            .position(|f| f.id == id)
            .and_then(|i| placement.at[i])
            .and_then(|i| cells.get(i))
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut reasons = Vec::new();
    for field in FIELDS.iter().filter(|f| f.required) {
        if get(field.id).is_empty() {
            let column = mapping.columns.get(field.id).map_or(field.label, String::as_str);
            reasons.push(Reason::new(
                column_shown(column),
                format!("{}（「{}」列）が空です。必須の項目です", field.label, column_shown(column)),
            ));
        }
    }
    let source_id = get("source_id");
    if source_id.chars().count() > MAX_SOURCE_ID_CHARS {
        reasons.push(Reason::new(
            column_of(mapping, "source_id"),
            format!("元の管理番号が長すぎます（{MAX_SOURCE_ID_CHARS}文字まで）"),
        ));
    }
    if !reasons.is_empty() {
        return (raw_text, Err(reasons));
    }
    let case = PastCase {
        source_id,
        registered_at: get("registered_at"),
        outcome: get("outcome"),
        outcome_at: get("outcome_at"),
        referring_hospital: get("referring_hospital"),
        residence: get("residence"),
        receiving_hospital: get("receiving_hospital"),
        transport_mode: get("transport_mode"),
        patient_initials: get("patient_initials"),
        patient_age: get("patient_age"),
        patient_sex: get("patient_sex"),
        bed_type: get("bed_type"),
    };
    (raw_text, Ok(case))
}

/// The longest number of the previous system kept (an identifier, not a note).
pub const MAX_SOURCE_ID_CHARS: usize = 64;

/// The column a case field was read from (for messages), cut to [`COLUMN_SHOWN_CHARS`].
pub fn column_of(mapping: &HistoryMapping, field: &str) -> String {
    column_shown(mapping.columns.get(field).map_or("", String::as_str))
}

/// How much of a column's header a refusal repeats: every refused row names its column, and a
/// file of long headers must not make its refusals larger than itself.
pub const COLUMN_SHOWN_CHARS: usize = 40;

fn column_shown(header: &str) -> String {
    if header.chars().count() <= COLUMN_SHOWN_CHARS {
        header.to_owned()
    } else {
        header.chars().take(COLUMN_SHOWN_CHARS).chain(std::iter::once('…')).collect()
    }
}
