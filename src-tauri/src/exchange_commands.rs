//! The exchange's commands: imports (run off the UI thread, reporting progress on a channel and
//! cancellable), their preview, the mapping step, the log, conflicts, quarantine, exports and keys.

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use tenin_core::ErrorReport;
use tenin_core::desk::{
    ConflictDecision, ExportRequest, ExportedPackage, ImportLimits, ImportReport, PackageInfo, QuarantineUsage,
    TemplateFormat,
};
use tenin_core::desk::{ExchangeRecord, ImportConflict, QuarantinedRecord};
use tenin_core::exchange::history::{HistoryColumns, HistoryMapping};
use tenin_core::exchange::keys::PublicKeys;
use tenin_core::exchange::upload::Upload;
use tenin_core::export_file::SavedExport;

use crate::notices::{NoticeBoard, NoticeFacts, NoticeKind};
use crate::state::DeskState;

/// What an import file is.
#[derive(Debug, Clone, Copy, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ImportSource {
    Package,
    Template,
    History,
}

impl ImportSource {
    fn as_str(self) -> &'static str {
        match self {
            ImportSource::Package => "package",
            ImportSource::Template => "template",
            ImportSource::History => "history",
        }
    }
}

/// How far an import has got.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ImportProgress {
    pub done: u32,
    pub total: u32,
}

/// Imports (or previews) a file off the UI thread. Progress arrives on `on_progress`;
/// `cancel_import` stops it with nothing written.
#[tauri::command]
#[specta::specta]
#[allow(clippy::too_many_arguments)]
pub async fn import_file(
    app: AppHandle,
    source: ImportSource,
    file_name: String,
    file: Upload,
    mapping: Option<HistoryMapping>,
    dry_run: bool,
    on_progress: Channel<ImportProgress>,
) -> Result<ImportReport, ErrorReport> {
    let started = std::time::Instant::now();
    let work = move || {
        let state = app.state::<DeskState>();
        state.reset_cancel();
        // Tells the UI the run has started: a cancel from now on is seen.
        let _ = on_progress.send(ImportProgress { done: 0, total: 0 });
        let progress = |done: u32, total: u32| {
            let _ = on_progress.send(ImportProgress { done, total });
            !state.cancelled()
        };
        let outcome = state.with_long(|desk| {
            let report = match (source, file.bytes()?) {
                (ImportSource::Package, bytes) => desk.import_package(&file_name, &bytes, dry_run, &progress),
                (ImportSource::Template, bytes) => desk.import_template(&file_name, &bytes, dry_run, &progress),
                (ImportSource::History, bytes) => {
                    desk.import_history(&file_name, &bytes, &mapping.clone().unwrap_or_default(), dry_run, &progress)
                }
            }?;
            Ok((report, desk.notice_settings()?))
        });
        match &outcome {
            Ok((report, _)) => log::info!(
                "import ({}{}): {} new, {} changed, {} conflicts, {} refused",
                report.source,
                if report.dry_run { ", preview" } else { "" },
                report.counts.new,
                report.counts.changed,
                report.counts.conflicts,
                report.counts.errors
            ),
            Err(report) => log::warn!("import refused: {:?}", report.code),
        }
        let (report, settings) = outcome?;
        if started.elapsed() >= LONG_IMPORT && settings.imports {
            let facts = NoticeFacts {
                count: Some(report.counts.new + report.counts.changed),
                file_name: Some(file_name.clone()),
                ..Default::default()
            };
            app.state::<NoticeBoard>().raise(&app, NoticeKind::ImportFinished, facts, settings.desktop);
        }
        Ok(report)
    };
    tauri::async_runtime::spawn_blocking(work).await.unwrap_or_else(|e| {
        Err(ErrorReport::new(tenin_core::ErrorCode::Internal, format!("取込の処理が途中で止まりました: {e}")))
    })
}

/// An import that took at least this long raises a notice when it finishes (the nurse may have
/// turned to other work meanwhile).
const LONG_IMPORT: std::time::Duration = std::time::Duration::from_secs(10);

#[tauri::command(async)]
#[specta::specta]
pub fn cancel_import(state: State<'_, DeskState>) {
    state.cancel();
}

/// The largest file each route reads, so the window can refuse a bigger one before reading it.
#[tauri::command(async)]
#[specta::specta]
pub fn import_limits(state: State<'_, DeskState>) -> Result<ImportLimits, ErrorReport> {
    state.with(|desk| Ok(desk.import_limits()))
}

/// Logs the refusal of a file too large to read (the window did not read it).
#[tauri::command(async)]
#[specta::specta]
pub fn refuse_oversized_file(
    state: State<'_, DeskState>,
    source: ImportSource,
    file_name: String,
    size: f64,
) -> Result<(), ErrorReport> {
    state.with(|desk| desk.refuse_oversized(source.as_str(), &file_name, size.max(0.0) as u64))
}

#[tauri::command(async)]
#[specta::specta]
pub fn quarantine_usage(state: State<'_, DeskState>) -> Result<QuarantineUsage, ErrorReport> {
    state.read(|desk| desk.quarantine_usage())
}

#[tauri::command(async)]
#[specta::specta]
pub fn clear_quarantine_files(state: State<'_, DeskState>) -> Result<QuarantineUsage, ErrorReport> {
    state.with(|desk| desk.clear_quarantine_files())
}

#[tauri::command(async)]
#[specta::specta]
pub fn inspect_package(state: State<'_, DeskState>, file: Upload) -> Result<PackageInfo, ErrorReport> {
    state.read(|desk| desk.inspect_package(&file.bytes()?))
}

#[tauri::command(async)]
#[specta::specta]
pub fn history_columns(state: State<'_, DeskState>, file: Upload) -> Result<HistoryColumns, ErrorReport> {
    state.read(|desk| desk.history_columns(&file.bytes()?))
}

/// The value step: values of list fields that do not read as they are, with suggestions.
#[tauri::command(async)]
#[specta::specta]
pub fn history_values(
    state: State<'_, DeskState>,
    file: Upload,
    mapping: HistoryMapping,
) -> Result<Vec<tenin_core::exchange::value_mapping::ValueQuestion>, ErrorReport> {
    state.read(|desk| desk.history_values(&file.bytes()?, &mapping))
}

/// Marks a hospital as referring (a history refusal fixed in place), audited.
#[tauri::command(async)]
#[specta::specta]
pub fn mark_referring(
    state: State<'_, DeskState>,
    id: String,
) -> Result<tenin_core::hospital::HospitalSummary, ErrorReport> {
    state.with(|desk| desk.mark_referring(&id))
}

/// Adds a hospital a history file names that the directory lacks, as an inactive historical one
/// (its code when known, else a desk-local `hist-0001`), audited.
#[tauri::command(async)]
#[specta::specta]
pub fn add_historical_hospital(
    state: State<'_, DeskState>,
    hospital: tenin_core::historical_hospital::HistoricalHospital,
) -> Result<tenin_core::hospital::HospitalSummary, ErrorReport> {
    state.with(|desk| desk.add_historical_hospital(&hospital))
}

/// A saved mapping and its name.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct NamedMapping {
    pub name: String,
    pub mapping: HistoryMapping,
}

#[tauri::command(async)]
#[specta::specta]
pub fn history_mappings(state: State<'_, DeskState>) -> Result<Vec<NamedMapping>, ErrorReport> {
    state.with(|desk| {
        Ok(desk.history_mappings()?.into_iter().map(|(name, mapping)| NamedMapping { name, mapping }).collect())
    })
}

#[tauri::command(async)]
#[specta::specta]
pub fn save_history_mapping(
    state: State<'_, DeskState>,
    name: String,
    mapping: HistoryMapping,
) -> Result<(), ErrorReport> {
    state.with(|desk| desk.save_history_mapping(&name, &mapping))
}

#[tauri::command(async)]
#[specta::specta]
pub fn exchange_log(state: State<'_, DeskState>, limit: u32) -> Result<Vec<ExchangeRecord>, ErrorReport> {
    state.read(|desk| desk.exchanges(limit))
}

#[tauri::command(async)]
#[specta::specta]
pub fn import_conflicts(state: State<'_, DeskState>) -> Result<Vec<ImportConflict>, ErrorReport> {
    state.read(|desk| desk.import_conflicts())
}

#[tauri::command(async)]
#[specta::specta]
pub fn resolve_conflict(
    state: State<'_, DeskState>,
    id: String,
    decision: ConflictDecision,
) -> Result<ImportConflict, ErrorReport> {
    state.with(|desk| desk.resolve_conflict(&id, decision))
}

#[tauri::command(async)]
#[specta::specta]
pub fn quarantined(
    state: State<'_, DeskState>,
    exchange_id: Option<String>,
) -> Result<Vec<QuarantinedRecord>, ErrorReport> {
    state.read(|desk| desk.quarantined(exchange_id.as_deref()))
}

#[tauri::command(async)]
#[specta::specta]
pub fn export_package(state: State<'_, DeskState>, what: ExportRequest) -> Result<ExportedPackage, ErrorReport> {
    state.with(|desk| desk.export_package(&what, None))
}

#[tauri::command(async)]
#[specta::specta]
pub fn save_template(
    state: State<'_, DeskState>,
    hospital_id: String,
    format: TemplateFormat,
) -> Result<SavedExport, ErrorReport> {
    state.read(|desk| desk.save_template(&hospital_id, format, None))
}

/// Saves the error report of a template import (from the same file) into the exports folder.
#[tauri::command(async)]
#[specta::specta]
pub fn save_template_error_report(
    state: State<'_, DeskState>,
    file: Upload,
    report: ImportReport,
) -> Result<SavedExport, ErrorReport> {
    state.read(|desk| desk.save_template_error_report(&file.bytes()?, &report, None))
}

/// The desk's id and public keys, for hospitals.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct DeskIdentity {
    pub desk_id: String,
    pub keys: PublicKeys,
}

#[tauri::command(async)]
#[specta::specta]
pub fn exchange_identity(state: State<'_, DeskState>) -> Result<DeskIdentity, ErrorReport> {
    state.read(|desk| desk.exchange_identity().map(|(desk_id, keys)| DeskIdentity { desk_id, keys }))
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_hospital_keys(
    state: State<'_, DeskState>,
    hospital_id: String,
    signing: String,
    encryption: String,
) -> Result<PublicKeys, ErrorReport> {
    state.with(|desk| desk.set_hospital_keys(&hospital_id, &signing, &encryption))
}
