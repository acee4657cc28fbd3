//! Templates for hospitals without the app: making one for a hospital, importing a filled-in one
//! through the same validation as packages, and the error report to send back.

use super::{ImportReport, Inbound, InboundRecord, Parsed, Progress, Records};
use crate::desk::Desk;
use crate::export_file::SavedExport;
use tenin_domain::access::Permission;
use tenin_domain::csv_file::CsvEncoding;
use tenin_domain::error::{Error, Result};
use tenin_domain::exchange::manifest::PackageKind;
use tenin_domain::exchange::template::{self, Vocabulary};
use tenin_domain::refusal::Refusal;
use tenin_store::{hospitals, reference};

/// The template's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TemplateFormat {
    Xlsx,
    CsvUtf8,
    CsvCp932,
}

impl Desk {
    fn vocabulary(&self) -> Result<Vocabulary> {
        let conn = self.store.read();
        let plan = self.plan_today()?;
        Ok(Vocabulary {
            municipalities: reference::municipalities(conn, plan.as_deref())?
                .into_iter()
                .map(|m| (m.code, m.name))
                .collect(),
            bed_types: reference::terms(conn, "bed_type")?,
        })
    }

    /// Saves the request template for one hospital (its code filled in) into `dir` (default: the
    /// exports folder). A CP932 file names the characters of the hospital's name it could not hold.
    pub fn save_template(
        &self,
        hospital_id: &str,
        format: TemplateFormat,
        dir: Option<&std::path::Path>,
    ) -> Result<SavedExport> {
        self.allow(Permission::Read)?;
        self.require(tenin_domain::edition::Edition::Desk)?;
        let hospital = self.hospital(hospital_id)?;
        let (bytes, ext, substituted) = match format {
            TemplateFormat::Xlsx => {
                (template::xlsx(&hospital.code, &hospital.name, &self.vocabulary()?)?, "xlsx", Vec::new())
            }
            TemplateFormat::CsvUtf8 | TemplateFormat::CsvCp932 => {
                let encoding =
                    if format == TemplateFormat::CsvCp932 { CsvEncoding::Cp932 } else { CsvEncoding::Utf8Bom };
                let file = template::csv(&hospital.code, &hospital.name, encoding)?;
                (file.bytes, "csv", file.substituted.iter().map(char::to_string).collect())
            }
        };
        let dir = dir.map(ToOwned::to_owned).unwrap_or_else(|| crate::export_file::export_dir(&self.data_dir));
        let path = crate::export_file::save_new(&dir, &format!("転院依頼テンプレート-{}", hospital.code), ext, &bytes)?;
        Ok(SavedExport { path: path.display().to_string(), substituted })
    }

    /// Imports a filled-in template (xlsx or CSV) of requests. Idempotent by the file's hash.
    pub fn import_template(
        &mut self,
        file_name: &str,
        bytes: &[u8],
        dry_run: bool,
        progress: Progress,
    ) -> Result<ImportReport> {
        self.require(tenin_domain::edition::Edition::Desk)?;
        self.read_and_import("template", file_name, bytes, dry_run, progress, Desk::read_template)
    }

    fn read_template<'f>(&self, file_name: &'f str, bytes: &'f [u8], sha: &str) -> Result<Inbound<'f>> {
        let head = template::head(bytes)?;
        let (hospital_id, sender_name) = hospitals::by_code(self.store.read(), &head.hospital_code)?
            .ok_or_else(|| Error::PackageRefused(Refusal::UnknownSender(head.hospital_code.clone())))?;
        let vocabulary = self.vocabulary()?;
        Ok(Inbound {
            source: "template",
            kind: PackageKind::Requests,
            package_id: None,
            sender: head.hospital_code.clone(),
            hospital_id,
            sender_name,
            recipient: self.desk_id()?,
            sequence: None,
            sequence_party: String::new(),
            format_version: None,
            file_name,
            file_sha256: sha.to_owned(),
            records: Records::Template { bytes, head, vocabulary },
            warnings: Vec::new(),
            field_name: |field| template::label_of(field).map_or_else(|| field.to_owned(), str::to_owned),
        })
    }

    /// Saves the error report (see [`Desk::template_error_report`]) into `dir` (default: exports).
    pub fn save_template_error_report(
        &self,
        bytes: &[u8],
        report: &ImportReport,
        dir: Option<&std::path::Path>,
    ) -> Result<SavedExport> {
        let xlsx = self.template_error_report(bytes, report)?;
        let dir = dir.map(ToOwned::to_owned).unwrap_or_else(|| crate::export_file::export_dir(&self.data_dir));
        let path = crate::export_file::save_new(&dir, &format!("取込エラー報告-{}", report.sender), "xlsx", &xlsx)?;
        Ok(SavedExport { path: path.display().to_string(), substituted: Vec::new() })
    }

    /// The error report for a template import: the file's rows with every refused cell marked and
    /// explained, to send back to the hospital.
    pub fn template_error_report(&self, bytes: &[u8], report: &ImportReport) -> Result<Vec<u8>> {
        self.allow(Permission::Read)?;
        let sheet = template::read(bytes).map_err(Error::PackageRefused)?;
        template::error_report(&sheet, &report.records)
    }
}

/// One data row of a template as an inbound record: kept as the package record it reads as, so a
/// nurse's decision on a conflict can apply it; the row as received goes to quarantine.
pub(in crate::desk) fn record_of_row(
    head: &template::SheetHead,
    line: u32,
    cells: &[String],
    vocabulary: &Vocabulary,
) -> InboundRecord {
    let (raw, parsed) = template::record_of(&head.headers, cells, vocabulary);
    InboundRecord {
        position: line,
        record_id: parsed.as_ref().map(|r| r.record_id.clone()).unwrap_or_default(),
        kept: parsed.as_ref().ok().and_then(|r| serde_json::to_string(r).ok()).unwrap_or_else(|| raw.clone()),
        raw,
        parsed: parsed.map(|r| Parsed::Request(Box::new(r))),
    }
}
