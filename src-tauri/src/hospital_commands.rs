//! The hospital edition's commands: its set-up with the desk's keys file, its inquiries and
//! answers, the desk's view of its requests, its own beds and requirements, and the keys files.

use tauri::State;
use tenin_core::desk::{Access, DeskView, HospitalIdentity, HospitalSetup, ReceivedAnswerInput, ReceivedInquiry};
use tenin_core::exchange::keys_file::KeysFile;
use tenin_core::export_file::SavedExport;
use tenin_core::hospital::HospitalRecord;
use tenin_core::requirements::AcceptanceRequirements;
use tenin_core::{Desk, ErrorReport};

use crate::state::DeskState;

/// The desk's keys file as the set-up screen shows it (its name, id and fingerprint), unchanged.
#[tauri::command(async)]
#[specta::specta]
pub fn read_desk_keys(text: String) -> Result<KeysFile, ErrorReport> {
    Desk::read_desk_keys(&text).map_err(ErrorReport::from)
}

/// Sets a new installation up as a hospital edition, with its first administrator.
#[tauri::command(async)]
#[specta::specta]
pub fn set_up_hospital_edition(state: State<'_, DeskState>, setup: HospitalSetup) -> Result<Access, ErrorReport> {
    state.with(|desk| desk.set_up_hospital_edition(&setup))
}

#[tauri::command(async)]
#[specta::specta]
pub fn hospital_identity(state: State<'_, DeskState>) -> Result<HospitalIdentity, ErrorReport> {
    state.read(|desk| desk.hospital_identity())
}

#[tauri::command(async)]
#[specta::specta]
pub fn received_inquiries(state: State<'_, DeskState>) -> Result<Vec<ReceivedInquiry>, ErrorReport> {
    state.read(|desk| desk.received_inquiries())
}

#[tauri::command(async)]
#[specta::specta]
pub fn answer_received_inquiry(
    state: State<'_, DeskState>,
    input: ReceivedAnswerInput,
) -> Result<ReceivedInquiry, ErrorReport> {
    state.with(|desk| desk.answer_received_inquiry(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn desk_views(state: State<'_, DeskState>) -> Result<Vec<DeskView>, ErrorReport> {
    state.read(|desk| desk.desk_views())
}

#[tauri::command(async)]
#[specta::specta]
pub fn report_own_capacity(
    state: State<'_, DeskState>,
    reports: Vec<tenin_core::capacity::CapacityReportInput>,
) -> Result<HospitalRecord, ErrorReport> {
    state.with(|desk| desk.report_own_capacity(&reports))
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_own_requirements(
    state: State<'_, DeskState>,
    requirements: AcceptanceRequirements,
) -> Result<HospitalRecord, ErrorReport> {
    state.with(|desk| desk.set_own_requirements(&requirements))
}

/// This end's keys file, to show (its fingerprint) and to hand to the other end.
#[tauri::command(async)]
#[specta::specta]
pub fn keys_file(state: State<'_, DeskState>) -> Result<KeysFile, ErrorReport> {
    state.read(|desk| desk.keys_file())
}

#[tauri::command(async)]
#[specta::specta]
pub fn save_keys_file(state: State<'_, DeskState>) -> Result<SavedExport, ErrorReport> {
    state.read(|desk| desk.save_keys_file())
}

/// The desk registers a hospital from the keys file it sent.
#[tauri::command(async)]
#[specta::specta]
pub fn trust_keys_file(state: State<'_, DeskState>, text: String) -> Result<String, ErrorReport> {
    state.with(|desk| desk.trust_keys_file(&text).map(|(id, _)| id))
}
