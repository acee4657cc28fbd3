//! The referral's commands: consent, placing a request with the hospital that accepted, inquiry
//! packages, the patient-information sheet, the desk's contact, and the sync folder.

use tauri::State;
use tenin_core::ErrorReport;
use tenin_core::desk::{ImportReport, SendInquiriesInput, SentInquiries, SyncRun, SyncSettings, SyncStatus};
use tenin_core::exchange::inquiry::DeskContact;
use tenin_core::request_view::RequestDetail;

use crate::state::DeskState;

/// Records who gave consent to share the patient's information with candidate hospitals.
#[tauri::command(async)]
#[specta::specta]
pub fn record_consent(state: State<'_, DeskState>, id: String, given_by: String) -> Result<RequestDetail, ErrorReport> {
    state.with(|desk| desk.record_consent(&id, &given_by))
}

/// 受入決定 with the hospital that accepted (its acceptance logged in the same step if it was
/// agreed by phone and not logged).
#[tauri::command(async)]
#[specta::specta]
pub fn place_request(
    state: State<'_, DeskState>,
    id: String,
    hospital_id: String,
    expected_version: u32,
    note: String,
) -> Result<RequestDetail, ErrorReport> {
    state.with(|desk| desk.place(&id, &hospital_id, Some(expected_version), &note))
}

/// Inquiry packages to one or several candidates.
#[tauri::command(async)]
#[specta::specta]
pub fn send_inquiries(state: State<'_, DeskState>, input: SendInquiriesInput) -> Result<SentInquiries, ErrorReport> {
    state.with(|desk| desk.send_inquiries(&input, None))
}

/// The patient-information sheet with its FAX cover, as HTML for the print frame.
#[tauri::command(async)]
#[specta::specta]
pub fn patient_sheet_html(
    state: State<'_, DeskState>,
    id: String,
    hospital_id: Option<String>,
    reply_by: String,
) -> Result<String, ErrorReport> {
    state.read(|desk| desk.patient_sheet_html(&id, hospital_id.as_deref(), &reply_by))
}

#[tauri::command(async)]
#[specta::specta]
pub fn desk_contact(state: State<'_, DeskState>) -> Result<DeskContact, ErrorReport> {
    state.read(|desk| desk.desk_contact())
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_desk_contact(state: State<'_, DeskState>, contact: DeskContact) -> Result<DeskContact, ErrorReport> {
    state.with(|desk| desk.set_desk_contact(&contact))
}

#[tauri::command(async)]
#[specta::specta]
pub fn sync_status(state: State<'_, DeskState>) -> Result<SyncStatus, ErrorReport> {
    state.read(|desk| desk.sync_status())
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_sync_settings(state: State<'_, DeskState>, settings: SyncSettings) -> Result<SyncSettings, ErrorReport> {
    state.with(|desk| desk.set_sync_settings(&settings))
}

/// One sync cycle now (「今すぐ送受信」), off the UI thread.
#[tauri::command]
#[specta::specta]
pub async fn sync_now(app: tauri::AppHandle) -> Result<SyncRun, ErrorReport> {
    use tauri::Manager;
    tauri::async_runtime::spawn_blocking(move || app.state::<DeskState>().with_long(|desk| desk.sync_once()))
        .await
        .map_err(|e| ErrorReport::new(tenin_core::ErrorCode::Internal, e.to_string()))?
}

/// Previews or applies a package waiting in the sync inbox.
#[tauri::command(async)]
#[specta::specta]
pub fn import_inbox_file(
    state: State<'_, DeskState>,
    name: String,
    dry_run: bool,
) -> Result<ImportReport, ErrorReport> {
    state.with_long(|desk| desk.import_inbox_file(&name, dry_run))
}
