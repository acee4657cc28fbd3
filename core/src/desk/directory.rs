//! The hospital directory part of [`Desk`]: hospitals, their contacts, capacity and requirements.

use chrono::Utc;
use serde::Serialize;
use tenin_store::Db;

use super::{Desk, indexed};
use crate::export_file::{self, SavedExport};
use tenin_domain::access::Permission;
use tenin_domain::capacity::{self, CapacityReportInput, DEFAULT_STALE_AFTER_HOURS};
use tenin_domain::csv_file::{CsvEncoding, CsvFile};
use tenin_domain::directory_sheet::{self, DirectorySheet};
use tenin_domain::error::{Error, Problems, Result};
use tenin_domain::historical_hospital::HistoricalHospital;
use tenin_domain::hospital::{HospitalFilter, HospitalRecord, HospitalSummary, NewHospital};
use tenin_domain::json_input;
use tenin_domain::matching::MatchWeights;
use tenin_domain::reference::{MunicipalityInfo, Term};
use tenin_store::hospitals::View;
use tenin_store::{capacity as capacity_store, hospitals, meta, reference};

/// The lists the directory filters and the hospital form choose from, from the region pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DirectoryChoices {
    pub jurisdictions: Vec<Term>,
    /// The secondary medical regions of the plan in force.
    pub regions: Vec<Term>,
    pub bed_types: Vec<Term>,
    pub municipalities: Vec<MunicipalityInfo>,
}

/// Settings of this desk that a nurse or supervisor can change.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeskSettings {
    /// Capacity older than this is shown as stale.
    pub capacity_stale_after_hours: u32,
    /// The weights of the matching engine's soft preferences.
    pub matching_weights: MatchWeights,
    /// The stamp boxes (確認印) of the printed daily log.
    pub stamp_titles: Vec<String>,
    /// The documented defaults, for "back to defaults" and the staff-hours estimate's starting
    /// assumptions (so no screen keeps its own copy).
    pub default_matching_weights: MatchWeights,
    pub default_staff_hours: tenin_domain::reports::tables::StaffHoursBaseline,
}

impl Desk {
    pub(super) fn stale_after_hours(&self) -> Result<u32> {
        let stored = meta::get(self.store.read(), meta::CAPACITY_STALE_AFTER_HOURS)?;
        Ok(stored.and_then(|h| h.parse().ok()).unwrap_or(DEFAULT_STALE_AFTER_HOURS))
    }

    /// Reads `f` against the plan in force, now, and the desk's stale age.
    fn with_view<T>(&self, f: impl FnOnce(Db<'_>, View) -> Result<T>) -> Result<T> {
        let plan = self.plan_today()?;
        let view = View { plan_id: plan.as_deref(), now: Utc::now(), stale_after_hours: self.stale_after_hours()? };
        f(self.store.read(), view)
    }

    pub(super) fn hospital(&self, id: &str) -> Result<HospitalSummary> {
        self.with_view(|conn, view| {
            hospitals::get(conn, view, id)?.ok_or_else(|| Error::NotFound { entity: "医療機関", id: id.to_owned() })
        })
    }

    pub fn settings(&self) -> Result<DeskSettings> {
        self.allow(Permission::Read)?;
        Ok(DeskSettings {
            capacity_stale_after_hours: self.stale_after_hours()?,
            matching_weights: self.matching_weights()?,
            stamp_titles: self.stamp_titles()?,
            default_matching_weights: MatchWeights::default(),
            default_staff_hours: Default::default(),
        })
    }

    /// Sets how old capacity may be before it is shown as stale (1 hour to 30 days), audited.
    pub fn set_capacity_stale_after_hours(&mut self, hours: u32) -> Result<DeskSettings> {
        let user_id = self.allow(Permission::Supervise)?.id.clone();
        let hours = capacity::checked_stale_after_hours(hours)?;
        let before = self.settings()?;
        let after = DeskSettings { capacity_stale_after_hours: hours, ..before.clone() };
        self.save_setting(&user_id, meta::CAPACITY_STALE_AFTER_HOURS, &hours.to_string(), "desk", &before, &after)?;
        self.settings()
    }

    /// Jurisdictions, regions of the plan in force, bed types and municipalities.
    pub fn directory_choices(&self) -> Result<DirectoryChoices> {
        self.allow(Permission::Read)?;
        let plan = self.plan_today()?;
        let conn = self.store.read();
        Ok(DirectoryChoices {
            jurisdictions: reference::jurisdictions(conn)?,
            regions: match &plan {
                Some(plan) => reference::regions_of_plan(conn, plan)?,
                None => Vec::new(),
            },
            bed_types: reference::terms(conn, "bed_type")?,
            municipalities: reference::municipalities(conn, plan.as_deref())?,
        })
    }

    /// The directory, narrowed by `filter`, in reading order.
    pub fn hospitals(&self, filter: &HospitalFilter) -> Result<Vec<HospitalSummary>> {
        self.allow(Permission::Read)?;
        self.with_view(|conn, view| Ok(hospitals::list(conn, view, filter)?))
    }

    /// Adds a hospital to the directory.
    pub fn add_hospital(&mut self, hospital: &NewHospital) -> Result<HospitalSummary> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let checked = hospital.checked()?;
        let id = self.store.write(|tx| hospitals::insert(tx, &user_id, &checked))?;
        self.hospital(&id)
    }

    /// A hospital's values as its edit form starts from them.
    pub fn hospital_input(&self, id: &str) -> Result<NewHospital> {
        self.allow(Permission::Read)?;
        Ok(hospitals::stored_input(self.store.read(), id)?)
    }

    /// Replaces the values of the hospital with `id` (contacts as a list), audited with the values
    /// before. Its capacity history is not touched: capacity is reported, not edited.
    pub fn update_hospital(&mut self, id: &str, hospital: &NewHospital) -> Result<HospitalSummary> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let checked = hospital.checked()?;
        self.store.write(|tx| hospitals::update(tx, &user_id, id, &checked))?;
        self.hospital(id)
    }

    /// Marks a hospital as one that refers patients (a refusal of the history import fixed in place:
    /// 「依頼元として登録されていません」), everything else kept as stored; audited as an update.
    pub fn mark_referring(&mut self, id: &str) -> Result<HospitalSummary> {
        self.allow(Permission::Coordinate)?;
        let mut input = hospitals::stored_input(self.store.read(), id)?;
        input.is_referring = true;
        self.update_hospital(id, &input)
    }

    /// Adds a hospital a history file names that the directory does not have, inactive, so its past
    /// cases import and count (see `tenin_domain::historical_hospital` for how one without a known
    /// code is stored); audited as any new hospital.
    pub fn add_historical_hospital(&mut self, hospital: &HistoricalHospital) -> Result<HospitalSummary> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let id = self.store.write(|tx| -> Result<String> {
            let local = hospitals::next_local_code(tx)?;
            let checked = hospital.checked(|| local)?;
            Ok(hospitals::insert(tx, &user_id, &checked)?)
        })?;
        self.hospital(&id)
    }

    /// Adds or updates hospitals by their medical-institution code, all in one transaction: if any
    /// is refused, none is saved, and the refusal names which one (`[n].field`). Returns each
    /// hospital as stored and whether it was new.
    pub fn upsert_hospitals(&mut self, list: &[NewHospital]) -> Result<Vec<(HospitalSummary, bool)>> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        let mut checked = Vec::new();
        for (index, hospital) in list.iter().enumerate() {
            checked.push(hospital.checked().map_err(|e| indexed(e, index))?);
        }
        let saved = self.store.write(|tx| -> Result<Vec<(String, bool)>> {
            let mut saved = Vec::new();
            for (index, hospital) in checked.iter().enumerate() {
                let result = match hospitals::by_code(tx, &hospital.values.code)? {
                    Some((id, _)) => hospitals::update(tx, &user_id, &id, hospital).map(|()| (id, false)),
                    None => hospitals::insert(tx, &user_id, hospital).map(|id| (id, true)),
                };
                saved.push(result.map_err(|e| indexed(e.into(), index))?);
            }
            Ok(saved)
        })?;
        saved.into_iter().map(|(id, created)| Ok((self.hospital(&id)?, created))).collect()
    }

    /// Adds or updates hospitals from a JSON file's text (one object or an array), by code. For a
    /// hospital already in the directory, the fields the file leaves out keep their values (a file
    /// with only `code` and `contacts` updates the contacts). All or nothing, as
    /// [`Desk::upsert_hospitals`].
    pub fn upsert_hospitals_json(&mut self, text: &str) -> Result<Vec<(HospitalSummary, bool)>> {
        self.allow(Permission::Coordinate)?;
        let mut list = Vec::new();
        for (index, value) in json_input::read_values(text)?.into_iter().enumerate() {
            let code = value.get("code").and_then(|c| c.as_str()).map(tenin_domain::hospital::normalise_code);
            let stored = match code {
                Some(code) => hospitals::by_code(self.store.read(), &code)?,
                None => None,
            };
            let value = match stored {
                Some((id, _)) => {
                    let base = serde_json::to_value(hospitals::stored_input(self.store.read(), &id)?)?;
                    json_input::overlay(base, value)
                }
                None => value,
            };
            list.push(json_input::from_value_at(index, value)?);
        }
        self.upsert_hospitals(&list)
    }

    /// Records capacity reports of one hospital (one per bed type, or several over time), all or
    /// nothing; refusals name the report (`[n].available`). Earlier reports are kept as history.
    pub fn report_capacity(&mut self, hospital_id: &str, reports: &[CapacityReportInput]) -> Result<HospitalRecord> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let offset = self.offset()?;
        let now = Utc::now();
        let mut problems = Problems::default();
        if reports.is_empty() {
            problems.add("bed_type", tenin_domain::error::Problem::Required);
        }
        let checked: Vec<_> =
            reports.iter().enumerate().map(|(i, r)| r.checked(&format!("[{i}]"), offset, now, &mut problems)).collect();
        problems.into_result()?;
        self.store.write(|tx| capacity_store::insert(tx, &user_id, hospital_id, &checked, |i| format!("[{i}].")))?;
        self.hospital_record(hospital_id)
    }

    /// A hospital with its record at the desk: requests referred, inquiries, answers, declines by
    /// reason (own rules marked), the latest inquiries and its capacity history.
    pub fn hospital_record(&self, id: &str) -> Result<HospitalRecord> {
        self.allow(Permission::Read)?;
        self.with_view(|conn, view| Ok(hospitals::record(conn, view, id)?))
    }

    /// A hospital by its medical-institution code.
    pub fn hospital_by_code(&self, code: &str) -> Result<HospitalSummary> {
        self.allow(Permission::Read)?;
        let code = tenin_domain::hospital::normalise_code(code);
        let Some((id, _)) = hospitals::by_code(self.store.read(), &code)? else {
            return Err(Error::NotFound { entity: "医療機関", id: code });
        };
        self.hospital(&id)
    }

    pub fn municipalities(&self) -> Result<Vec<MunicipalityInfo>> {
        self.allow(Permission::Read)?;
        let plan = self.plan_today()?;
        Ok(reference::municipalities(self.store.read(), plan.as_deref())?)
    }
}

impl Desk {
    /// The directory sheet of the active receiving hospitals, by region of the plan in force.
    pub fn directory_sheet(&self) -> Result<DirectorySheet> {
        self.allow(Permission::Read)?;
        let hospitals = self.hospitals(&HospitalFilter::default())?;
        let regions = match self.plan_today()? {
            Some(plan) => reference::regions_of_plan(self.store.read(), &plan)?,
            None => Vec::new(),
        };
        Ok(directory_sheet::build(hospitals, &regions, Utc::now(), self.offset()?, self.stale_after_hours()?))
    }

    /// The directory sheet as a printable A4 HTML page.
    pub fn directory_sheet_html(&self) -> Result<String> {
        self.allow(Permission::Read)?;
        Ok(directory_sheet::to_html(&self.directory_sheet()?, self.offset()?))
    }

    /// The directory sheet as CSV.
    pub fn directory_sheet_csv(&self, encoding: CsvEncoding) -> Result<CsvFile> {
        self.allow(Permission::Read)?;
        directory_sheet::to_csv(&self.directory_sheet()?, self.offset()?, encoding)
    }
}

impl Desk {
    /// Saves the directory sheet as CSV in the export folder (see [`export_file::export_dir`]),
    /// named by today's date, never over an earlier file.
    pub fn save_directory_sheet_csv(&self, encoding: CsvEncoding) -> Result<SavedExport> {
        self.allow(Permission::Read)?;
        let file = self.directory_sheet_csv(encoding)?;
        let stem = format!("受入医療機関一覧_{}", self.today()?.format("%Y%m%d"));
        let path = export_file::save_new(&export_file::export_dir(&self.data_dir), &stem, "csv", &file.bytes)?;
        Ok(SavedExport {
            path: path.display().to_string(),
            substituted: file.substituted.iter().map(|c| c.to_string()).collect(),
        })
    }
}
