//! The commands the UI invokes. Each is a few lines: take the state, call the core, map the error.

use chrono::NaiveDate;
use tauri::State;
use tenin_core::capacity::CapacityReportInput;
use tenin_core::csv_file::CsvEncoding;
use tenin_core::demo::DemoSummary;
use tenin_core::desk::{Access, Encryption, NewUserInput, UserInfo, UserUpdate};
use tenin_core::desk::{AuditFilter, AuditHead, AuditRow, ChainCheck, Draft, Protection};
use tenin_core::desk::{BackupDone, BackupSettings, DeskSettings, DirectoryChoices, IntakeChoices, ReportFormat};
use tenin_core::duplicates::DuplicateCandidate;
use tenin_core::export_file::SavedExport;
use tenin_core::hospital::{HospitalFilter, HospitalRecord, HospitalSummary, NewHospital};
use tenin_core::inquiry::{InquiryAnswerInput, NewInquiryInput};
use tenin_core::matching::{BatchSuggestion, MatchReport, MatchWeights, Shown};
use tenin_core::placement_time::PlacementTimes;
use tenin_core::quality::ReferrerQuality;
use tenin_core::reference::{MunicipalityInfo, Term};
use tenin_core::reports::tables::{ReportTable, StaffHoursBaseline};
use tenin_core::reports::{JurisdictionBasis, MonthlyReport};
use tenin_core::request::NewRequestInput;
use tenin_core::request_status::RequestStatus;
use tenin_core::request_view::{RequestDetail, RequestSummary};
use tenin_core::transport::proposal::TransportProposal;
use tenin_core::transport::{BookingInput, BookingStatus, TransportProvider, TransportProviderInput};
use tenin_core::{DeskStatus, ErrorReport};

use crate::launch::{REPORT_READY_ENV, StartedAt};
use crate::state::{Created, DeskState, Startup};

#[tauri::command(async)]
#[specta::specta]
pub fn startup(state: State<'_, DeskState>) -> Result<Startup, ErrorReport> {
    state.startup()
}

#[tauri::command(async)]
#[specta::specta]
pub fn desk_status(state: State<'_, DeskState>) -> Result<DeskStatus, ErrorReport> {
    state.read(|desk| desk.status())
}

#[tauri::command(async)]
#[specta::specta]
pub fn load_demo(state: State<'_, DeskState>) -> Result<DemoSummary, ErrorReport> {
    state.with(|desk| desk.load_demo())
}

#[tauri::command(async)]
#[specta::specta]
pub fn dismiss_welcome(state: State<'_, DeskState>) -> Result<(), ErrorReport> {
    state.with(|desk| desk.dismiss_welcome())
}

#[tauri::command(async)]
#[specta::specta]
pub fn list_requests(state: State<'_, DeskState>) -> Result<Vec<RequestSummary>, ErrorReport> {
    state.read(|desk| desk.requests())
}

/// One page of the queue: open requests by default, closed or all on request, searched and paged
/// by the core.
#[tauri::command(async)]
#[specta::specta]
pub fn queue(
    state: State<'_, DeskState>,
    query: tenin_core::request_view::QueueQuery,
) -> Result<tenin_core::request_view::QueuePage, ErrorReport> {
    state.read(|desk| desk.queue(&query))
}

#[tauri::command(async)]
#[specta::specta]
pub fn get_request(state: State<'_, DeskState>, id: String) -> Result<RequestDetail, ErrorReport> {
    state.read(|desk| desk.request(&id))
}

/// The id of the request a typed name points at: reference number (any width, any dash), id, or a
/// hospital's record id (「CODE:record」).
#[tauri::command(async)]
#[specta::specta]
pub fn resolve_request(state: State<'_, DeskState>, name: String) -> Result<String, ErrorReport> {
    state.read(|desk| desk.resolve_request(&name))
}

#[tauri::command(async)]
#[specta::specta]
pub fn create_request(
    state: State<'_, DeskState>,
    input: NewRequestInput,
    keep_both: bool,
) -> Result<RequestDetail, ErrorReport> {
    state.with(|desk| desk.create_request(&input, keep_both))
}

#[tauri::command(async)]
#[specta::specta]
pub fn update_request(
    state: State<'_, DeskState>,
    id: String,
    expected_version: u32,
    input: NewRequestInput,
) -> Result<RequestDetail, ErrorReport> {
    state.with(|desk| desk.update_request(&id, expected_version, &input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn assign_to_me(state: State<'_, DeskState>, id: String, take: bool) -> Result<RequestDetail, ErrorReport> {
    state.with(|desk| desk.assign_to_me(&id, take))
}

#[tauri::command(async)]
#[specta::specta]
pub fn find_duplicates(
    state: State<'_, DeskState>,
    input: NewRequestInput,
) -> Result<Vec<DuplicateCandidate>, ErrorReport> {
    state.read(|desk| desk.find_duplicates(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn merge_into(
    state: State<'_, DeskState>,
    existing_id: String,
    input: NewRequestInput,
) -> Result<RequestDetail, ErrorReport> {
    state.with(|desk| desk.merge_into(&existing_id, &input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn transition_request(
    state: State<'_, DeskState>,
    id: String,
    to: RequestStatus,
    expected_version: u32,
    note: String,
    cancel_bookings: bool,
) -> Result<RequestDetail, ErrorReport> {
    state.with(|desk| desk.close_request(&id, to, Some(expected_version), &note, cancel_bookings))
}

/// Takes back the nurse's last intake step (「元に戻す」), as a move of its own.
#[tauri::command(async)]
#[specta::specta]
pub fn undo_move(state: State<'_, DeskState>, id: String, expected_version: u32) -> Result<RequestDetail, ErrorReport> {
    state.with(|desk| desk.undo_move(&id, expected_version))
}

#[tauri::command(async)]
#[specta::specta]
pub fn log_inquiry(state: State<'_, DeskState>, input: NewInquiryInput) -> Result<RequestDetail, ErrorReport> {
    state.with(|desk| desk.log_inquiry(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn answer_inquiry(state: State<'_, DeskState>, input: InquiryAnswerInput) -> Result<RequestDetail, ErrorReport> {
    state.with(|desk| desk.answer_inquiry(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn list_decline_reasons(state: State<'_, DeskState>) -> Result<Vec<Term>, ErrorReport> {
    state.read(|desk| desk.decline_reasons())
}

#[tauri::command(async)]
#[specta::specta]
pub fn intake_choices(state: State<'_, DeskState>) -> Result<IntakeChoices, ErrorReport> {
    state.read(|desk| desk.intake_choices())
}

#[tauri::command(async)]
#[specta::specta]
pub fn quality_by_referrer(
    state: State<'_, DeskState>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ReferrerQuality>, ErrorReport> {
    state.read(|desk| desk.quality_by_referrer(from, to))
}

#[tauri::command(async)]
#[specta::specta]
pub fn placement_times(
    state: State<'_, DeskState>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<PlacementTimes, ErrorReport> {
    state.read(|desk| desk.placement_times(from, to))
}

#[tauri::command(async)]
#[specta::specta]
pub fn list_hospitals(
    state: State<'_, DeskState>,
    filter: HospitalFilter,
) -> Result<Vec<HospitalSummary>, ErrorReport> {
    state.read(|desk| desk.hospitals(&filter))
}

#[tauri::command(async)]
#[specta::specta]
pub fn directory_choices(state: State<'_, DeskState>) -> Result<DirectoryChoices, ErrorReport> {
    state.read(|desk| desk.directory_choices())
}

#[tauri::command(async)]
#[specta::specta]
pub fn hospital_input(state: State<'_, DeskState>, id: String) -> Result<NewHospital, ErrorReport> {
    state.read(|desk| desk.hospital_input(&id))
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_hospital(state: State<'_, DeskState>, hospital: NewHospital) -> Result<HospitalSummary, ErrorReport> {
    state.with(|desk| desk.add_hospital(&hospital))
}

#[tauri::command(async)]
#[specta::specta]
pub fn update_hospital(
    state: State<'_, DeskState>,
    id: String,
    hospital: NewHospital,
) -> Result<HospitalSummary, ErrorReport> {
    state.with(|desk| desk.update_hospital(&id, &hospital))
}

#[tauri::command(async)]
#[specta::specta]
pub fn report_capacity(
    state: State<'_, DeskState>,
    hospital_id: String,
    reports: Vec<CapacityReportInput>,
) -> Result<HospitalRecord, ErrorReport> {
    state.with(|desk| desk.report_capacity(&hospital_id, &reports))
}

#[tauri::command(async)]
#[specta::specta]
pub fn directory_sheet_html(state: State<'_, DeskState>) -> Result<String, ErrorReport> {
    state.read(|desk| desk.directory_sheet_html())
}

#[tauri::command(async)]
#[specta::specta]
pub fn save_directory_sheet_csv(
    state: State<'_, DeskState>,
    encoding: CsvEncoding,
) -> Result<SavedExport, ErrorReport> {
    state.read(|desk| desk.save_directory_sheet_csv(encoding))
}

#[tauri::command(async)]
#[specta::specta]
pub fn desk_settings(state: State<'_, DeskState>) -> Result<DeskSettings, ErrorReport> {
    state.read(|desk| desk.settings())
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_capacity_stale_after_hours(state: State<'_, DeskState>, hours: u32) -> Result<DeskSettings, ErrorReport> {
    state.with(|desk| desk.set_capacity_stale_after_hours(hours))
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_matching_weights(state: State<'_, DeskState>, weights: MatchWeights) -> Result<DeskSettings, ErrorReport> {
    state.with(|desk| {
        desk.set_matching_weights(&weights)?;
        desk.settings()
    })
}

/// The audit viewer's rows, newest first.
#[tauri::command(async)]
#[specta::specta]
pub fn audit_log(state: State<'_, DeskState>, filter: AuditFilter) -> Result<Vec<AuditRow>, ErrorReport> {
    state.read(|desk| desk.audit_log(&filter))
}

#[tauri::command(async)]
#[specta::specta]
pub fn audit_entities(state: State<'_, DeskState>) -> Result<Vec<String>, ErrorReport> {
    state.read(|desk| desk.audit_entities())
}

/// Walks the audit chain.
#[tauri::command(async)]
#[specta::specta]
pub fn verify_audit(state: State<'_, DeskState>) -> Result<ChainCheck, ErrorReport> {
    state.read(|desk| desk.verify_audit())
}

/// The end of the audit chain, to note down or print.
#[tauri::command(async)]
#[specta::specta]
pub fn audit_head(state: State<'_, DeskState>) -> Result<Option<AuditHead>, ErrorReport> {
    state.read(|desk| desk.audit_head())
}

/// Keeps what the nurse has half typed (`kind`: intake or inquiry; `key`: the request an inquiry is
/// for) as their draft.
#[tauri::command(async)]
#[specta::specta]
pub fn save_draft(state: State<'_, DeskState>, kind: String, key: String, body: String) -> Result<(), ErrorReport> {
    state.with(|desk| desk.save_draft(&kind, &key, &body))
}

#[tauri::command(async)]
#[specta::specta]
pub fn draft(state: State<'_, DeskState>, kind: String, key: String) -> Result<Option<Draft>, ErrorReport> {
    state.read(|desk| desk.draft(&kind, &key))
}

#[tauri::command(async)]
#[specta::specta]
pub fn discard_draft(state: State<'_, DeskState>, kind: String, key: String) -> Result<(), ErrorReport> {
    state.with(|desk| desk.discard_draft(&kind, &key))
}

/// What protects the desk's data, and what needs doing.
#[tauri::command(async)]
#[specta::specta]
pub fn protection(state: State<'_, DeskState>) -> Result<Protection, ErrorReport> {
    state.read(|desk| desk.protection(chrono::Utc::now()))
}

/// A new recovery key (administrator), shown once.
#[tauri::command(async)]
#[specta::specta]
pub fn new_recovery_key(state: State<'_, DeskState>) -> Result<String, ErrorReport> {
    state.with(|desk| desk.new_recovery_key())
}

#[tauri::command(async)]
#[specta::specta]
pub fn save_audit_csv(
    state: State<'_, DeskState>,
    filter: AuditFilter,
    encoding: CsvEncoding,
) -> Result<SavedExport, ErrorReport> {
    state.read(|desk| desk.save_audit_csv(&filter, encoding))
}

#[tauri::command(async)]
#[specta::specta]
pub fn backup_settings(state: State<'_, DeskState>) -> Result<BackupSettings, ErrorReport> {
    state.read(|desk| desk.backup_settings())
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_backup_settings(
    state: State<'_, DeskState>,
    settings: BackupSettings,
) -> Result<BackupSettings, ErrorReport> {
    state.with(|desk| desk.set_backup_settings(&settings))
}

/// A checked backup now, into the backup folder.
#[tauri::command(async)]
#[specta::specta]
pub fn backup_now(state: State<'_, DeskState>) -> Result<BackupDone, ErrorReport> {
    state.with(|desk| desk.backup_now())
}

/// The daily transfer log (日報) of a date, as printable HTML.
#[tauri::command(async)]
#[specta::specta]
pub fn daily_log_html(state: State<'_, DeskState>, date: String) -> Result<String, ErrorReport> {
    state.read(|desk| desk.daily_log_html(&date))
}

/// Sets the titles of the daily log's stamp boxes.
#[tauri::command(async)]
#[specta::specta]
pub fn set_stamp_titles(state: State<'_, DeskState>, titles: Vec<String>) -> Result<DeskSettings, ErrorReport> {
    state.with(|desk| {
        desk.set_stamp_titles(&titles)?;
        desk.settings()
    })
}

/// The meeting tables for a range of months.
#[tauri::command(async)]
#[specta::specta]
pub fn report_tables(
    state: State<'_, DeskState>,
    from: String,
    to: String,
    baseline: StaffHoursBaseline,
) -> Result<Vec<ReportTable>, ErrorReport> {
    state.read(|desk| desk.report_tables(&from, &to, baseline))
}

/// Saves the monthly table and every meeting table in one workbook in the export folder.
#[tauri::command(async)]
#[specta::specta]
pub fn save_meeting_workbook(
    state: State<'_, DeskState>,
    from: String,
    to: String,
    basis: JurisdictionBasis,
    baseline: StaffHoursBaseline,
) -> Result<SavedExport, ErrorReport> {
    state.read(|desk| desk.save_meeting_workbook(&from, &to, basis, baseline))
}

/// Saves a chart drawn by the UI as a PNG in the export folder.
#[tauri::command(async)]
#[specta::specta]
pub fn save_chart_png(state: State<'_, DeskState>, name: String, png: Vec<u8>) -> Result<SavedExport, ErrorReport> {
    state.read(|desk| desk.save_chart_png(&name, &png))
}

/// Placements by month and jurisdiction (months as typed: 2026-04, R8.4, …).
#[tauri::command(async)]
#[specta::specta]
pub fn monthly_report(
    state: State<'_, DeskState>,
    from: String,
    to: String,
    basis: JurisdictionBasis,
) -> Result<MonthlyReport, ErrorReport> {
    state.read(|desk| desk.monthly_report(&from, &to, basis))
}

/// Saves the monthly table (CSV or xlsx) in the export folder, never overwriting.
#[tauri::command(async)]
#[specta::specta]
pub fn save_monthly_report(
    state: State<'_, DeskState>,
    from: String,
    to: String,
    basis: JurisdictionBasis,
    format: ReportFormat,
) -> Result<SavedExport, ErrorReport> {
    state.read(|desk| desk.save_monthly_report(&from, &to, basis, format))
}

/// The transport providers directory (inactive ones too).
#[tauri::command(async)]
#[specta::specta]
pub fn transport_providers(state: State<'_, DeskState>) -> Result<Vec<TransportProvider>, ErrorReport> {
    state.read(|desk| desk.transport_providers())
}

/// Adds a provider (`id` null) or replaces one seen at `expected_version`.
#[tauri::command(async)]
#[specta::specta]
pub fn save_transport_provider(
    state: State<'_, DeskState>,
    id: Option<String>,
    expected_version: u32,
    input: TransportProviderInput,
) -> Result<TransportProvider, ErrorReport> {
    state.with(|desk| match &id {
        Some(id) => desk.update_transport_provider(id, expected_version, &input),
        None => desk.add_transport_provider(&input),
    })
}

/// The region pack's transport modes, for the provider form.
#[tauri::command(async)]
#[specta::specta]
pub fn list_transport_modes(state: State<'_, DeskState>) -> Result<Vec<Term>, ErrorReport> {
    state.read(|desk| desk.transport_modes())
}

#[tauri::command(async)]
#[specta::specta]
pub fn transport_proposal(state: State<'_, DeskState>, request_id: String) -> Result<TransportProposal, ErrorReport> {
    state.read(|desk| desk.transport_proposal(&request_id))
}

#[tauri::command(async)]
#[specta::specta]
pub fn book_transport(state: State<'_, DeskState>, input: BookingInput) -> Result<RequestDetail, ErrorReport> {
    state.with(|desk| desk.book_transport(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn move_booking(
    state: State<'_, DeskState>,
    booking_id: String,
    expected_version: u32,
    to: BookingStatus,
    note: String,
) -> Result<RequestDetail, ErrorReport> {
    state.with(|desk| desk.move_booking(&booking_id, expected_version, to, &note))
}

/// The A4 transport request sheet (搬送依頼書) as HTML, for the print frame.
#[tauri::command(async)]
#[specta::specta]
pub fn transport_sheet_html(state: State<'_, DeskState>, booking_id: String) -> Result<String, ErrorReport> {
    state.read(|desk| desk.transport_sheet_html(&booking_id))
}

/// Candidates for one request with their score parts, and why other hospitals are out: the first
/// of each as `shown` asks, with how many there are.
#[tauri::command(async)]
#[specta::specta]
pub fn match_request(state: State<'_, DeskState>, id: String, shown: Shown) -> Result<MatchReport, ErrorReport> {
    state.read(|desk| desk.match_request_shown(&id, shown))
}

/// The batch suggestion over every request awaiting placement.
#[tauri::command(async)]
#[specta::specta]
pub fn match_batch(state: State<'_, DeskState>) -> Result<BatchSuggestion, ErrorReport> {
    state.read(|desk| desk.match_batch())
}

#[tauri::command(async)]
#[specta::specta]
pub fn hospital_record(state: State<'_, DeskState>, id: String) -> Result<HospitalRecord, ErrorReport> {
    state.read(|desk| desk.hospital_record(&id))
}

#[tauri::command(async)]
#[specta::specta]
pub fn list_municipalities(state: State<'_, DeskState>) -> Result<Vec<MunicipalityInfo>, ErrorReport> {
    state.read(|desk| desk.municipalities())
}

/// Called once by the UI when its first screen is interactive; reports start-up time when
/// `TENIN_REPORT_READY` is set (scripts/bench-start).
#[tauri::command(async)]
#[specta::specta]
pub fn ui_ready(started: State<'_, StartedAt>) {
    if std::env::var_os(REPORT_READY_ENV).is_some() {
        println!("tenin-desk ready_ms={}", started.0.elapsed().as_millis());
    }
}

/// Where the desk is in signing in (also after the idle time: `locked`).
#[tauri::command(async)]
#[specta::specta]
pub fn access(state: State<'_, DeskState>) -> Result<Access, ErrorReport> {
    state.access_now(|desk| desk.access())
}

/// The UI saw the user type or click: counts as activity for the idle lock.
#[tauri::command(async)]
#[specta::specta]
pub fn keep_alive(state: State<'_, DeskState>) -> Result<Access, ErrorReport> {
    state.access_now(|desk| desk.touch())
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_up_administrator(state: State<'_, DeskState>, input: NewUserInput) -> Result<Access, ErrorReport> {
    state.with(|desk| desk.set_up_administrator(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn sign_in(state: State<'_, DeskState>, login: String, password: String) -> Result<Access, ErrorReport> {
    let outcome = state.with(|desk| desk.sign_in(&login, &password));
    // Neither the login nor the password reaches the log: the audit trail says who signed in.
    match &outcome {
        Ok(_) => log::info!("signed in"),
        Err(report) => log::info!("sign-in refused: {:?}", report.code),
    }
    outcome
}

#[tauri::command(async)]
#[specta::specta]
pub fn sign_out(state: State<'_, DeskState>) -> Result<Access, ErrorReport> {
    log::info!("signed out");
    state.with(|desk| desk.sign_out())
}

#[tauri::command(async)]
#[specta::specta]
pub fn list_users(state: State<'_, DeskState>) -> Result<Vec<UserInfo>, ErrorReport> {
    state.read(|desk| desk.users())
}

#[tauri::command(async)]
#[specta::specta]
pub fn add_user(state: State<'_, DeskState>, input: NewUserInput) -> Result<UserInfo, ErrorReport> {
    state.with(|desk| desk.add_user(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn update_user(state: State<'_, DeskState>, id: String, update: UserUpdate) -> Result<UserInfo, ErrorReport> {
    state.with(|desk| desk.update_user(&id, &update))
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_user_password(state: State<'_, DeskState>, id: String, password: String) -> Result<UserInfo, ErrorReport> {
    state.with(|desk| desk.set_user_password(&id, &password))
}

#[tauri::command(async)]
#[specta::specta]
pub fn change_own_password(
    state: State<'_, DeskState>,
    current: String,
    password: String,
) -> Result<UserInfo, ErrorReport> {
    state.with(|desk| desk.change_own_password(&current, &password))
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_idle_lock_minutes(state: State<'_, DeskState>, minutes: u32) -> Result<Access, ErrorReport> {
    state.with(|desk| desk.set_idle_lock_minutes(minutes))
}

/// Opens an encrypted desk with its passphrase (the start-up screen asks for it).
#[tauri::command(async)]
#[specta::specta]
pub fn unlock_desk(state: State<'_, DeskState>, passphrase: String, remember: bool) -> Result<Startup, ErrorReport> {
    state.unlock(&passphrase, remember)
}

/// Whether this PC has a credential store to remember the passphrase in.
#[tauri::command(async)]
#[specta::specta]
pub fn can_remember_passphrase(state: State<'_, DeskState>) -> bool {
    state.can_remember()
}

/// Forgets the passphrase remembered on this PC (the next start asks for it).
#[tauri::command(async)]
#[specta::specta]
pub fn forget_passphrase(state: State<'_, DeskState>) -> Result<(), ErrorReport> {
    state.forget_passphrase()
}

/// Set-up of a new desk: encrypted under `passphrase` unless it is `null` (the administrator chose
/// "without encryption"); answers with the recovery key to show once.
#[tauri::command(async)]
#[specta::specta]
pub fn create_desk(state: State<'_, DeskState>, passphrase: Option<String>) -> Result<Created, ErrorReport> {
    state.create(passphrase)
}

#[tauri::command(async)]
#[specta::specta]
pub fn encryption(state: State<'_, DeskState>) -> Result<Encryption, ErrorReport> {
    state.read(|desk| desk.encryption())
}

/// Encrypts the database, or changes the passphrase (`current` needed once encrypted).
#[tauri::command(async)]
#[specta::specta]
pub fn set_passphrase(
    state: State<'_, DeskState>,
    current: Option<String>,
    passphrase: String,
) -> Result<Encryption, ErrorReport> {
    let done = state.with(|desk| desk.set_passphrase(current.as_deref(), &passphrase))?;
    state.passphrase_changed(&passphrase);
    Ok(done)
}

/// A work report (funded transport, a health centre's summary, a hospital's coaching report).
#[tauri::command(async)]
#[specta::specta]
pub fn work_report(
    state: State<'_, DeskState>,
    report: tenin_core::desk::WorkReport,
) -> Result<tenin_core::desk::BuiltReport, ErrorReport> {
    state.read(|desk| desk.work_report(&report))
}

/// The work report as a printable A4 page.
#[tauri::command(async)]
#[specta::specta]
pub fn work_report_html(
    state: State<'_, DeskState>,
    report: tenin_core::desk::WorkReport,
) -> Result<String, ErrorReport> {
    state.read(|desk| desk.work_report_html(&report))
}

#[tauri::command(async)]
#[specta::specta]
pub fn save_work_report(
    state: State<'_, DeskState>,
    report: tenin_core::desk::WorkReport,
    format: ReportFormat,
) -> Result<SavedExport, ErrorReport> {
    state.read(|desk| desk.save_work_report(&report, format))
}

/// Takes a request on as transport only (搬送のみ): the hospitals agreed; the desk books the vehicle.
#[tauri::command(async)]
#[specta::specta]
pub fn mark_transport_only(
    state: State<'_, DeskState>,
    id: String,
    hospital_id: String,
    expected_version: u32,
    note: String,
) -> Result<RequestDetail, ErrorReport> {
    state.with(|desk| desk.mark_transport_only(&id, &hospital_id, Some(expected_version), &note))
}

/// Records a transfer a hospital arranged without the desk (for the desk's share).
#[tauri::command(async)]
#[specta::specta]
pub fn record_outside_transfer(
    state: State<'_, DeskState>,
    input: tenin_core::outside_transfer::OutsideTransferInput,
) -> Result<tenin_core::outside_transfer::OutsideTransfer, ErrorReport> {
    state.with(|desk| desk.record_outside_transfer(&input))
}

#[tauri::command(async)]
#[specta::specta]
pub fn outside_transfers(
    state: State<'_, DeskState>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<tenin_core::outside_transfer::OutsideTransfer>, ErrorReport> {
    state.read(|desk| desk.outside_transfers(from, to))
}

/// What loading a newer version of the desk's region pack would change (nothing written).
#[tauri::command(async)]
#[specta::specta]
pub fn preview_pack_update(
    state: State<'_, DeskState>,
    json: String,
) -> Result<tenin_core::region_pack_update::PackUpdatePreview, ErrorReport> {
    state.read(|desk| desk.preview_pack_update(&json))
}

#[tauri::command(async)]
#[specta::specta]
pub fn apply_pack_update(
    state: State<'_, DeskState>,
    json: String,
) -> Result<tenin_core::region_pack_update::PackUpdatePreview, ErrorReport> {
    state.with(|desk| desk.apply_pack_update(&json))
}

#[tauri::command(async)]
#[specta::specta]
pub fn post_covid_entries(
    state: State<'_, DeskState>,
) -> Result<Vec<tenin_core::post_covid::PostCovidEntry>, ErrorReport> {
    state.read(|desk| desk.post_covid_entries())
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_post_covid(
    state: State<'_, DeskState>,
    input: tenin_core::post_covid::PostCovidInput,
    expected_version: Option<u32>,
) -> Result<tenin_core::post_covid::PostCovidEntry, ErrorReport> {
    state.with(|desk| desk.set_post_covid(&input, expected_version))
}

#[tauri::command(async)]
#[specta::specta]
pub fn post_covid_counts(
    state: State<'_, DeskState>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<tenin_core::post_covid::PostCovidCount>, ErrorReport> {
    state.read(|desk| desk.post_covid_counts(from, to))
}

#[tauri::command(async)]
#[specta::specta]
pub fn save_post_covid_file(
    state: State<'_, DeskState>,
    file: tenin_core::desk::PostCovidFile,
) -> Result<SavedExport, ErrorReport> {
    state.read(|desk| desk.save_post_covid_file(file))
}

/// A returned survey (its bytes as the window read them).
#[tauri::command(async)]
#[specta::specta]
pub fn import_post_covid_survey(
    state: State<'_, DeskState>,
    file: tenin_core::exchange::upload::Upload,
) -> Result<tenin_core::desk::SurveyImport, ErrorReport> {
    state.with(|desk| desk.import_post_covid_survey(&file.bytes()?))
}

/// A hospital's report of transfers it arranged itself (its bytes as the window read them).
#[tauri::command(async)]
#[specta::specta]
pub fn import_outside_transfers(
    state: State<'_, DeskState>,
    file: tenin_core::exchange::upload::Upload,
) -> Result<u32, ErrorReport> {
    state.with(|desk| desk.import_outside_transfers(&file.bytes()?))
}
