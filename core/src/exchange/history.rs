//! The history import: transfer cases from the previous system's CSV export or a spreadsheet,
//! through a column mapping (saved by name), so statistics cover the desk's whole history.
//! Expected columns are documented in docs/exchange.md.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::refusal::Refusal;
use super::template;
use crate::store::exchange::Reason;
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
        id: "source_id", label: "元の管理番号", required: false, aliases: &["管理番号", "ID", "番号"]
    },
    HistoryField {
        id: "registered_at",
        label: "受付日時",
        required: true,
        aliases: &["依頼日時", "登録日時", "受付日"],
    },
    HistoryField { id: "outcome", label: "結果", required: true, aliases: &["転帰", "調整結果", "状態"] },
    HistoryField {
        id: "outcome_at", label: "結果日時", required: true, aliases: &["決定日時", "転院日", "転帰日"]
    },
    HistoryField {
        id: "referring_hospital",
        label: "依頼元医療機関",
        required: true,
        aliases: &["依頼元", "転院元", "依頼元コード"],
    },
    HistoryField {
        id: "residence",
        label: "住所地",
        required: true,
        aliases: &["患者住所地", "市区町村", "住所地コード"],
    },
    HistoryField {
        id: "receiving_hospital",
        label: "受入医療機関",
        required: false,
        aliases: &["受入先", "転院先", "受入先コード"],
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

/// The table of a history file: headers in the first non-empty row.
pub struct Table {
    pub headers: Vec<String>,
    /// (1-based row number, cells)
    pub rows: Vec<(u32, Vec<String>)>,
}

/// Reads a history file: CSV (UTF-8 or CP932) or the first sheet of an xlsx.
pub fn read(bytes: &[u8]) -> Result<Table, Refusal> {
    if bytes.len() > 256 << 20 {
        return Err(Refusal::TooLarge { bytes: bytes.len() as u64, max: 256 << 20 });
    }
    let grid = template::grid(bytes, None)?;
    let Some(header_at) = grid.iter().position(|row| row.iter().any(|c| !c.trim().is_empty())) else {
        return Err(Refusal::BadRecords("見出し行がありません".into()));
    };
    let headers: Vec<String> = grid[header_at].iter().map(|h| fold_width(h.trim())).collect();
    let rows = grid
        .into_iter()
        .enumerate()
        .skip(header_at + 1)
        .filter(|(_, row)| row.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, row)| (i as u32 + 1, row))
        .collect();
    Ok(Table { headers, rows })
}

pub fn columns(table: &Table) -> HistoryColumns {
    let mut suggested = HistoryMapping::default();
    for field in &FIELDS {
        let found = table.headers.iter().find(|h| {
            let h = h.as_str();
            h == field.label || h == field.id || field.aliases.contains(&h)
        });
        if let Some(header) = found {
            suggested.columns.insert(field.id.to_owned(), header.clone());
        }
    }
    HistoryColumns {
        fields: FIELDS.iter().map(|f| FieldInfo { id: f.id.to_owned(), required: f.required }).collect(),
        headers: table.headers.clone(),
        sample: table.rows.iter().take(5).map(|(_, r)| r.clone()).collect(),
        rows: table.rows.len() as u32,
        unmapped_required: missing_required(&suggested),
        suggested,
    }
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

/// A row through the mapping: the case, and its raw JSON (by the file's own headers).
pub fn case_of(table: &Table, cells: &[String], mapping: &HistoryMapping) -> (String, Result<PastCase, Vec<Reason>>) {
    let mut raw = serde_json::Map::new();
    for (i, header) in table.headers.iter().enumerate() {
        raw.insert(header.clone(), serde_json::Value::String(cells.get(i).cloned().unwrap_or_default()));
    }
    let raw_text = serde_json::Value::Object(raw).to_string();
    let get = |id: &str| -> String {
        mapping
            .columns
            .get(id)
            .and_then(|header| table.headers.iter().position(|h| h == header))
            .and_then(|i| cells.get(i))
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut reasons = Vec::new();
    for field in FIELDS.iter().filter(|f| f.required) {
        if get(field.id).is_empty() {
            let column = mapping.columns.get(field.id).cloned().unwrap_or_else(|| field.label.to_owned());
            reasons.push(Reason { field: column, message: format!("{}が空です", field.label) });
        }
    }
    if !reasons.is_empty() {
        return (raw_text, Err(reasons));
    }
    let case = PastCase {
        source_id: get("source_id"),
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

/// The column a case field was read from (for messages).
pub fn column_of<'m>(mapping: &'m HistoryMapping, field: &str) -> &'m str {
    mapping.columns.get(field).map_or("", String::as_str)
}
