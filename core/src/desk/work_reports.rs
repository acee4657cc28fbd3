//! The desk's work reports beside the monthly and meeting tables (`reports.rs`): publicly funded
//! transport for the budget, the health centre's summary for one jurisdiction, and the coaching
//! report for one referring hospital. Each is a set of tables (shown, saved as xlsx or CSV) and a
//! printable A4 page.

use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tenin_domain::access::Permission;
use tenin_domain::csv_file::{self, CsvEncoding};
use tenin_domain::error::{Error, Result};
use tenin_domain::reports::tables::ReportTable;
use tenin_domain::reports::{desk_share, export, health_centre, quality_coaching, table_page, transport_funding};
use tenin_store::reference;

use super::{Desk, ReportFormat};
use crate::export_file::{self, SavedExport};

/// Which work report, over which days (desk dates, both included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorkReport {
    /// Trips and costs per provider and month, funded or not (公費搬送).
    Transport { from: NaiveDate, to: NaiveDate },
    /// One health-centre jurisdiction's residents' requests, pseudonymous (保健所向け).
    HealthCentre { jurisdiction_id: String, from: NaiveDate, to: NaiveDate },
    /// One referring hospital's input quality (入力品質のフィードバック).
    Quality { hospital_id: String, from: NaiveDate, to: NaiveDate },
    /// The desk's share of all downward transfers, by month and jurisdiction (デスク経由の割合).
    DeskShare { from: NaiveDate, to: NaiveDate },
}

/// A work report made: its title, the line under it, its tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BuiltReport {
    pub title: String,
    pub subtitle: String,
    pub tables: Vec<ReportTable>,
}

impl WorkReport {
    fn days(&self) -> (NaiveDate, NaiveDate) {
        match self {
            WorkReport::Transport { from, to }
            | WorkReport::HealthCentre { from, to, .. }
            | WorkReport::Quality { from, to, .. }
            | WorkReport::DeskShare { from, to } => (*from, *to),
        }
    }
}

impl Desk {
    /// Makes a work report. A period that ends before it starts is refused.
    pub fn work_report(&self, report: &WorkReport) -> Result<BuiltReport> {
        self.allow(Permission::Read)?;
        self.require(tenin_domain::edition::Edition::Desk)?;
        let (from, to) = report.days();
        if to < from {
            return Err(Error::refused("to", "終わりの日が始まりの日より前です"));
        }
        let offset = self.offset()?;
        let details = self.details_between(from, to)?;
        let period = format!("{from}〜{to}");
        Ok(match report {
            WorkReport::Transport { .. } => BuiltReport {
                title: "搬送実績（公費搬送）".into(),
                subtitle: period,
                tables: transport_funding::tables(&details, from, to, offset),
            },
            WorkReport::HealthCentre { jurisdiction_id, .. } => {
                let conn = self.store.read();
                let all = reference::jurisdictions(conn)?;
                let jurisdiction = all.iter().find(|j| j.id == *jurisdiction_id).cloned().ok_or_else(|| {
                    let known: Vec<String> = all.iter().map(|j| format!("{} {}", j.id, j.name)).collect();
                    let message = format!("管轄「{jurisdiction_id}」は地域パックにありません（{}）", known.join("、"));
                    Error::refused("jurisdiction_id", &message)
                })?;
                let of: std::collections::HashMap<String, String> =
                    reference::municipalities(conn, None)?.into_iter().map(|m| (m.code, m.jurisdiction_id)).collect();
                let scope =
                    health_centre::Scope { jurisdiction_id, jurisdiction_name: &jurisdiction.name, from, to, offset };
                BuiltReport {
                    title: format!("{}　転院調整の状況", jurisdiction.name),
                    subtitle: format!("{period}　居住地による集計（患者は年代・性別のみ）"),
                    tables: health_centre::tables(&details, |code| of.get(code).cloned(), &scope),
                }
            }
            WorkReport::DeskShare { .. } => {
                let conn = self.store.read();
                let jurisdiction_of_municipality: std::collections::HashMap<String, String> =
                    reference::municipalities(conn, None)?.into_iter().map(|m| (m.code, m.jurisdiction_name)).collect();
                let hospital_municipality: std::collections::HashMap<String, String> =
                    tenin_store::hospitals::municipality_codes(conn)?.into_iter().collect();
                let records = tenin_store::outside_transfers::between(conn, &from.to_string(), &to.to_string())?;
                let outside: Vec<desk_share::Outside<'_>> = records
                    .iter()
                    .filter_map(|r| {
                        let on = NaiveDate::parse_from_str(&r.transferred_on, "%Y-%m-%d").ok()?;
                        Some(desk_share::Outside {
                            on,
                            referring_hospital_id: &r.referring_hospital_id,
                            count: r.count,
                        })
                    })
                    .collect();
                let jurisdiction_of = |hospital: &str| {
                    hospital_municipality.get(hospital).and_then(|m| jurisdiction_of_municipality.get(m)).cloned()
                };
                BuiltReport {
                    title: "デスク経由の割合".into(),
                    subtitle: format!("{period}　下り搬送のうちデスクが受入決定したもの"),
                    tables: desk_share::tables(&details, &outside, jurisdiction_of, (from, to), offset),
                }
            }
            WorkReport::Quality { hospital_id, .. } => {
                let hospital = self.hospital(hospital_id)?;
                let scope = quality_coaching::Scope {
                    hospital_id,
                    hospital_name: &hospital.name,
                    from,
                    to,
                    offset,
                    today: self.today()?,
                };
                BuiltReport {
                    title: format!("{}　様　依頼の入力品質について", hospital.name),
                    subtitle: format!("{period}に登録された依頼（転院調整デスク）"),
                    tables: quality_coaching::tables(&details, &scope),
                }
            }
        })
    }

    /// The report as one printable A4 page.
    pub fn work_report_html(&self, report: &WorkReport) -> Result<String> {
        let built = self.work_report(report)?;
        let now = Utc::now().with_timezone(&self.offset()?).format("%Y-%m-%d %H:%M").to_string();
        Ok(table_page::html(&built.title, &built.subtitle, &built.tables, &now))
    }

    /// The report's tables as bytes: a workbook (a sheet each) or one CSV (the tables one after
    /// another, each under its title).
    pub fn work_report_file(&self, report: &WorkReport, format: ReportFormat) -> Result<(Vec<u8>, Vec<String>)> {
        let built = self.work_report(report)?;
        match format {
            ReportFormat::Xlsx => Ok((export::tables_xlsx(&built.tables)?, Vec::new())),
            ReportFormat::CsvUtf8Bom | ReportFormat::CsvCp932 => {
                let encoding = if format == ReportFormat::CsvCp932 { CsvEncoding::Cp932 } else { CsvEncoding::Utf8Bom };
                let mut rows = Vec::new();
                for table in &built.tables {
                    if !rows.is_empty() {
                        rows.push(Vec::new());
                    }
                    rows.push(vec![table.title.clone()]);
                    rows.extend(export::table_rows(table));
                }
                // A CSV has one width: shorter rows (titles, the blank line) are padded.
                let width = rows.iter().map(Vec::len).max().unwrap_or(0);
                for row in &mut rows {
                    row.resize(width, String::new());
                }
                let file = csv_file::write(&rows, encoding)?;
                Ok((file.bytes, file.substituted.iter().map(char::to_string).collect()))
            }
        }
    }

    /// Saves the report in the export folder, never over an earlier file.
    pub fn save_work_report(&self, report: &WorkReport, format: ReportFormat) -> Result<SavedExport> {
        let built = self.work_report(report)?;
        let (bytes, substituted) = self.work_report_file(report, format)?;
        let (from, to) = report.days();
        let name: String =
            built.title.split('　').next().unwrap_or("報告").chars().filter(|c| !"/\\:*?\"<>|".contains(*c)).collect();
        let stem = format!("{name}_{from}_{to}");
        let ext = if format == ReportFormat::Xlsx { "xlsx" } else { "csv" };
        let path = export_file::save_new(&export_file::export_dir(&self.data_dir), &stem, ext, &bytes)?;
        Ok(SavedExport { path: path.display().to_string(), substituted })
    }

    /// The requests with something in the period (desk dates, both ends included): registered, moved,
    /// asked about or picked up then — every report over a period looks only at those.
    pub(crate) fn details_between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<tenin_domain::request_view::RequestDetail>> {
        let (start, end) = self.span_of_days(from, to)?;
        let ids = tenin_store::requests::ids_between(self.store.read(), &start, &end)?;
        ids.iter().map(|id| self.request(id)).collect()
    }
}
