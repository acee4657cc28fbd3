//! The records packages carry (`data/records.json`, a JSON array) and the per-record results an
//! import reports (and an acknowledgement sends back).

use serde::{Deserialize, Serialize};

use crate::capacity::CapacityReportInput;
use crate::contact::ContactInput;
use crate::inquiry::InquiryOutcome;
use crate::request::NewRequestInput;
use crate::requirements::AcceptanceRequirements;

/// What a referring hospital does with one of its requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RequestAction {
    New,
    Update,
    Withdraw,
}

/// Why a record or row was refused, as kept in quarantine and reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Reason {
    /// The field or column (empty for the whole record).
    pub field: String,
    /// In Japanese.
    pub message: String,
    /// The refused field's problem, when a check of the desk refused it (for the UI to word).
    #[serde(default)]
    pub problem: Option<crate::error::FieldProblem>,
}

impl Reason {
    /// A reason said in a sentence only (about the file's own form, a column, a cell).
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Reason {
        Reason { field: field.into(), message: message.into(), problem: None }
    }
}

/// The longest identifier a sender may give a record (its own record number, an inquiry's id).
/// Identifiers are compared and shown; they are not notes.
pub const MAX_RECORD_ID_CHARS: usize = 64;

/// An identifier cut to what a report shows (the whole record stays in quarantine).
pub fn shown_id(id: &str) -> String {
    if id.chars().count() <= MAX_RECORD_ID_CHARS {
        id.to_owned()
    } else {
        id.chars().take(MAX_RECORD_ID_CHARS).chain(std::iter::once('…')).collect()
    }
}

/// One transfer request as a referring hospital sends it. `record_id` is the hospital's own key
/// for the request (its case number): a later update or withdrawal names the same key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestRecord {
    pub record_id: String,
    pub action: RequestAction,
    /// The intake, as the desk's form takes it (raw text: 和暦, full-width tolerated). The
    /// referring hospital is the sender; `referring_hospital_id` is ignored. Not needed to withdraw.
    #[serde(default)]
    pub request: Option<NewRequestInput>,
    /// Why the request is withdrawn (or a note with an update).
    #[serde(default)]
    pub note: String,
}

/// One line of a hospital's capacity update: the figures of one bed type, or its acceptance
/// requirements (exactly one of the two).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityRecord {
    #[serde(default)]
    pub record_id: String,
    #[serde(default)]
    pub beds: Option<CapacityReportInput>,
    #[serde(default)]
    pub requirements: Option<AcceptanceRequirements>,
}

/// A receiving hospital's answer to one of the desk's inquiries (listed in its status package).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerRecord {
    pub inquiry_id: String,
    pub outcome: InquiryOutcome,
    #[serde(default)]
    pub decline_reason: Option<String>,
    #[serde(default)]
    pub note: String,
}

/// What became of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    New,
    Changed,
    Unchanged,
    /// Waiting in the conflicts queue for a nurse.
    Conflict,
    /// Refused and kept in quarantine with the reasons.
    Error,
}

impl Outcome {
    pub fn label_ja(self) -> &'static str {
        match self {
            Outcome::New => "新規",
            Outcome::Changed => "更新",
            Outcome::Unchanged => "変更なし",
            Outcome::Conflict => "要確認（競合）",
            Outcome::Error => "エラー",
        }
    }
}

/// The result of one record, in the import report and the acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RecordResult {
    /// 1-based: the record's place in the file (a template's data row number for sheets).
    pub position: u32,
    pub record_id: String,
    pub outcome: Outcome,
    /// The desk's reference number when the record is a request.
    pub ref_no: String,
    /// Why (errors and conflicts), by field.
    pub reasons: Vec<Reason>,
}

/// One hospital of the desk's directory package (recipient `*`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DirectoryRecord {
    pub code: String,
    pub name: String,
    pub name_kana: String,
    pub municipality_code: String,
    #[serde(default)]
    pub municipality_name: String,
    #[serde(default)]
    pub region_name: Option<String>,
    #[serde(default)]
    pub address: String,
    pub is_referring: bool,
    pub is_receiving: bool,
    #[serde(default)]
    pub contacts: Vec<ContactInput>,
    /// The latest report of each bed type, as the desk has it.
    #[serde(default)]
    pub capacity: Vec<DirectoryBeds>,
    #[serde(default)]
    pub requirements: AcceptanceRequirements,
    /// The desk's region pack, so a hospital edition on another version sees it (and is told to
    /// update: the directory's municipality codes and regions follow the desk's version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_pack: Option<PackRef>,
}

/// A region pack named by id and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackRef {
    pub id: String,
    pub version: String,
}

/// A hospital's free beds of one type, as the directory carries them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryBeds {
    pub bed_type: String,
    #[serde(default)]
    pub bed_type_name: String,
    pub available: u32,
    #[serde(default)]
    pub reported_at: String,
}

/// One record of a hospital's status package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StatusRecord {
    /// One of the hospital's own requests, as the desk has it. `record_id` is the hospital's own
    /// key when the request came by package or template.
    Request {
        record_id: Option<String>,
        ref_no: String,
        status: String,
        status_label: String,
        status_since: String,
        placed_at: Option<String>,
    },
    /// An inquiry the desk made to the hospital (answer it by an answers package with its id).
    Inquiry(serde_json::Value),
}

/// The desk's acknowledgement of one package the hospital sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AcknowledgementRecord {
    pub package_id: Option<String>,
    pub sequence: Option<u32>,
    #[serde(default)]
    pub file_sha256: String,
    #[serde(default)]
    pub counts: serde_json::Value,
    #[serde(default)]
    pub records: Vec<RecordResult>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reason kept before refused fields kept their problem still reads, with none.
    #[test]
    fn a_reason_kept_before_problems_were_kept_still_reads() {
        let reason: Reason = serde_json::from_str(r#"{"field":"年齢","message":"数値ではありません"}"#).expect("reads");
        assert_eq!(reason, Reason::new("年齢", "数値ではありません"));
    }
}
