//! The reports part of [`Desk`]: monthly counts by jurisdiction and their exports.

use std::collections::HashMap;
use tenin_domain::error::Detail;

use chrono::{TimeZone, Utc};

use super::Desk;
use crate::export_file::{self, SavedExport};
use tenin_domain::access::Permission;
use tenin_domain::csv_file::{CsvEncoding, CsvFile};
use tenin_domain::error::{Error, Problem, Result};
use tenin_domain::reports::daily_log::{self, DailyLog};
use tenin_domain::reports::export;
use tenin_domain::reports::monthly::{self, JurisdictionBasis, MonthlyReport, YearMonth};
use tenin_domain::reports::tables::{self, ReportTable, StaffHoursBaseline};
use tenin_domain::wareki;
use tenin_store::ids::parse_rfc3339;
use tenin_store::{meta, placement_counts, reports};

/// How a report leaves the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ReportFormat {
    CsvUtf8Bom,
    CsvCp932,
    Xlsx,
}

/// What the official table calls the column for an unknown or outside jurisdiction, when the pack a
/// desk was set up with did not say.
const OTHER_FALLBACK: &str = "その他（不明）";

impl Desk {
    /// Whether the kept monthly counts agree with the status history (part of the integrity check).
    pub fn placement_counts_agree(&self) -> Result<bool> {
        self.allow(Permission::Read)?;
        Ok(placement_counts::verify(self.store.read())?)
    }

    /// Placements by month and jurisdiction for `from`..=`to` (text as typed: 2026-04, R8.4, …).
    pub fn monthly_report(&self, from: &str, to: &str, basis: JurisdictionBasis) -> Result<MonthlyReport> {
        self.allow(Permission::Read)?;
        self.require(tenin_domain::edition::Edition::Desk)?;
        let (from, to) = monthly::checked_range(from, to)?;
        let conn = self.store.read();
        let groups = reports::report_groups(conn)?;
        let index: HashMap<String, usize> = groups.iter().enumerate().map(|(i, (id, _))| (id.clone(), i)).collect();
        let group_of: HashMap<String, usize> = reports::municipality_groups(conn)?
            .into_iter()
            .filter_map(|(code, group)| index.get(&group).map(|i| (code, *i)))
            .collect();
        // The kept counts (`store::placement_counts`), summed by month and municipality in SQL: a few
        // thousand rows however long the history.
        let by_residence = basis == JurisdictionBasis::Residence;
        let counts = placement_counts::summed(conn, &from.iso(), &to.iso(), by_residence)?;
        let placements = counts.iter().filter_map(|(month, municipality, n)| {
            let date = YearMonth::parse(month).and_then(YearMonth::first_day)?;
            Some((date, group_of.get(municipality).copied(), *n))
        });
        let names: Vec<String> = groups.into_iter().map(|(_, name)| name).collect();
        let other = meta::get(conn, meta::REPORT_GROUP_OTHER)?.unwrap_or_else(|| OTHER_FALLBACK.to_owned());
        Ok(monthly::tabulate(placements, &names, &other, from, to, basis))
    }

    pub fn monthly_report_csv(&self, report: &MonthlyReport, encoding: CsvEncoding) -> Result<CsvFile> {
        self.allow(Permission::Read)?;
        export::monthly_csv(report, encoding)
    }

    /// Saves the monthly table in the export folder without overwriting anything.
    pub fn save_monthly_report(
        &self,
        from: &str,
        to: &str,
        basis: JurisdictionBasis,
        format: ReportFormat,
    ) -> Result<SavedExport> {
        self.allow(Permission::Read)?;
        let report = self.monthly_report(from, to, basis)?;
        let stem = format!("保健所別月別_{}_{}", report.from.iso(), report.to.iso());
        let dir = export_file::export_dir(&self.data_dir);
        let (bytes, ext, substituted) = match format {
            ReportFormat::Xlsx => (export::monthly_xlsx(&report, &report.title())?, "xlsx", Vec::new()),
            ReportFormat::CsvUtf8Bom | ReportFormat::CsvCp932 => {
                let encoding = if format == ReportFormat::CsvCp932 { CsvEncoding::Cp932 } else { CsvEncoding::Utf8Bom };
                let file = export::monthly_csv(&report, encoding)?;
                (file.bytes, "csv", file.substituted)
            }
        };
        let path = export_file::save_new(&dir, &stem, ext, &bytes)?;
        Ok(SavedExport {
            path: path.display().to_string(),
            substituted: substituted.iter().map(|c| c.to_string()).collect(),
        })
    }

    /// The supervisors' stamp boxes on the daily log (確認印), in order.
    pub fn stamp_titles(&self) -> Result<Vec<String>> {
        self.allow(Permission::Read)?;
        let stored = meta::get(self.store.read(), meta::STAMP_TITLES)?;
        match stored {
            None => Ok(daily_log::DEFAULT_STAMP_TITLES.iter().map(|t| (*t).to_owned()).collect()),
            Some(json) => {
                serde_json::from_str(&json).map_err(|e| Error::ReferenceData(format!("確認印の欄を読めません: {e}")))
            }
        }
    }

    /// Sets the stamp boxes' titles (1–6, each 1–10 characters), audited.
    pub fn set_stamp_titles(&mut self, titles: &[String]) -> Result<Vec<String>> {
        let user_id = self.allow(Permission::Supervise)?.id.clone();
        let titles = daily_log::checked_stamp_titles(titles)?;
        let before = self.stamp_titles()?;
        let json = serde_json::to_string(&titles)?;
        self.save_setting(&user_id, meta::STAMP_TITLES, &json, "stamp_titles", &before, &titles)?;
        self.stamp_titles()
    }

    /// The daily transfer log of a desk date (typed as 2026-11-21, R8.11.21, 令和8年11月21日, …).
    pub fn daily_log(&self, date: &str) -> Result<DailyLog> {
        self.allow(Permission::Read)?;
        self.require(tenin_domain::edition::Edition::Desk)?;
        let day = wareki::parse_date(date, None).map_err(|e| {
            let detail = Detail::DateUnreadable { text: date.to_owned(), reason: e.to_string() };
            Error::detailed("date", Problem::Invalid, detail)
        })?;
        let offset = self.offset()?;
        let start = offset
            .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
            .single()
            .ok_or_else(|| Error::ReferenceData(day.to_string()))?
            .with_timezone(&Utc);
        let end = start + chrono::Duration::days(1);
        // Only the requests the day can mention (registered by its end; open, or closed no earlier
        // than its start), found by the store — not every request ever made.
        let ids = tenin_store::requests::ids_for_day(
            self.store.read(),
            &tenin_store::ids::to_rfc3339(start),
            &tenin_store::ids::to_rfc3339(end),
        )?;
        let details = ids.iter().map(|id| self.request(id)).collect::<Result<Vec<_>>>()?;
        let desk_name = format!("転院調整デスク（{}）", self.region_pack()?.name);
        let log = daily_log::build(&details, day, offset, &desk_name, &self.stamp_titles()?, Utc::now());
        let head = tenin_store::audit::head(self.store.read())?;
        Ok(DailyLog { audit_head: head.map(|h| h.short()).unwrap_or_default(), ..log })
    }

    pub fn daily_log_html(&self, date: &str) -> Result<String> {
        self.allow(Permission::Read)?;
        Ok(daily_log::html(&self.daily_log(date)?))
    }

    /// Every request's detail that can matter to a report (all of them: reports cover any period).
    /// The meeting tables for `from`..=`to` (months as typed): by region, by referring and receiving
    /// hospital, decline reasons, time to placement and staff hours saved.
    pub fn report_tables(&self, from: &str, to: &str, baseline: StaffHoursBaseline) -> Result<Vec<ReportTable>> {
        self.allow(Permission::Read)?;
        let (from, to) = monthly::checked_range(from, to)?;
        let first = from.first_day().ok_or_else(|| Error::ReferenceData(from.iso()))?;
        let last = to.next().first_day().and_then(|d| d.pred_opt()).ok_or_else(|| Error::ReferenceData(to.iso()))?;
        let offset = self.offset()?;
        // The desk's own work: transport-only cases (placed between hospitals) are left out.
        // Only the requests with something in the period (registered, moved, asked about): not every
        // request the desk ever had.
        let details: Vec<_> =
            self.details_between(first, last)?.into_iter().filter(|d| !d.summary.transport_only).collect();
        let conn = self.store.read();
        let hospitals: HashMap<String, String> =
            tenin_store::hospitals::municipality_codes(conn)?.into_iter().collect();
        let mut plan_regions: HashMap<String, HashMap<String, String>> = HashMap::new();
        let mut plan_of_day: HashMap<chrono::NaiveDate, Option<String>> = HashMap::new();
        let mut region_names: HashMap<String, String> = HashMap::new();
        for (id, name) in reports::region_names(conn)? {
            region_names.insert(id, name);
        }
        let mut regions_by_day: HashMap<(String, chrono::NaiveDate), Option<String>> = HashMap::new();
        for d in &details {
            for h in d.history.iter().filter(|h| h.to == tenin_domain::request_status::RequestStatus::Placed) {
                let Some(day) = parse_rfc3339(&h.at).ok().map(|t| t.with_timezone(&offset).date_naive()) else {
                    continue;
                };
                let Some(municipality) = hospitals.get(&d.summary.referring_hospital_id) else { continue };
                let plan = match plan_of_day.get(&day) {
                    Some(plan) => plan.clone(),
                    None => {
                        let plan = tenin_store::reference::plan_on(conn, day)?;
                        plan_of_day.insert(day, plan.clone());
                        plan
                    }
                };
                let region = match &plan {
                    Some(plan) => {
                        if !plan_regions.contains_key(plan) {
                            let map = tenin_store::reference::municipality_regions(conn, plan)?.into_iter().collect();
                            plan_regions.insert(plan.clone(), map);
                        }
                        plan_regions[plan].get(municipality).and_then(|r| region_names.get(r)).cloned()
                    }
                    None => None,
                };
                regions_by_day.insert((municipality.clone(), day), region);
            }
        }
        let reasons: Vec<(String, String, bool)> = tenin_store::reference::decline_reason_rules(conn)?
            .into_iter()
            .map(|r| (r.id, r.name, r.own_rule))
            .collect();
        Ok(vec![
            tables::by_region(
                &details,
                offset,
                first,
                last,
                |m, day| regions_by_day.get(&(m.to_owned(), day)).cloned().flatten(),
                |hospital| hospitals.get(hospital).cloned(),
            ),
            tables::by_referring_hospital(&details, offset, first, last),
            tables::by_receiving_hospital(&details, offset, first, last),
            tables::decline_reasons(&details, offset, first, last, &reasons),
            tables::time_to_placement(&details, offset, first, last),
            tables::staff_hours_saved(&details, offset, first, last, baseline),
        ])
    }

    /// The monthly table and every meeting table in one workbook, saved in the export folder.
    pub fn save_meeting_workbook(
        &self,
        from: &str,
        to: &str,
        basis: JurisdictionBasis,
        baseline: StaffHoursBaseline,
    ) -> Result<SavedExport> {
        self.allow(Permission::Read)?;
        let monthly = self.monthly_report(from, to, basis)?;
        let tables = self.report_tables(from, to, baseline)?;
        let bytes = export::meeting_xlsx(&monthly, &tables)?;
        let stem = format!("会議資料_{}_{}", monthly.from.iso(), monthly.to.iso());
        let path = export_file::save_new(&export_file::export_dir(&self.data_dir), &stem, "xlsx", &bytes)?;
        Ok(SavedExport { path: path.display().to_string(), substituted: Vec::new() })
    }

    /// Saves a chart the UI drew as a PNG in the export folder, never overwriting. Refused unless it
    /// is a PNG of a sensible size, and the name cannot leave the folder.
    pub fn save_chart_png(&self, name: &str, png: &[u8]) -> Result<SavedExport> {
        self.allow(Permission::Read)?;
        const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
        const PNG_MAX: usize = 20 * 1024 * 1024;
        if !png.starts_with(SIGNATURE) || png.len() > PNG_MAX {
            return Err(Error::detailed("png", Problem::Invalid, Detail::NotAPng));
        }
        let stem: String = name.chars().filter(|c| !"/\\:*?\"<>|".contains(*c) && !c.is_control()).take(80).collect();
        let stem = if stem.trim().is_empty() { "グラフ".to_owned() } else { stem };
        let path = export_file::save_new(&export_file::export_dir(&self.data_dir), &stem, "png", png)?;
        Ok(SavedExport { path: path.display().to_string(), substituted: Vec::new() })
    }
}
