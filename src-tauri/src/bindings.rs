//! The typed contract with the UI: every command and type, exported to `ui/src/lib/bindings.ts`.
//! The file is committed; the test `bindings_are_current` fails when it is stale.

use specta_typescript::Typescript;
use tauri_specta::{Builder, ErrorHandlingMode, collect_commands};

use crate::{commands, exchange_commands, referral_commands};

/// Where the bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/lib/bindings.ts");

pub fn builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            commands::startup,
            commands::desk_status,
            commands::load_demo,
            commands::dismiss_welcome,
            commands::list_requests,
            commands::get_request,
            commands::resolve_request,
            commands::create_request,
            commands::update_request,
            commands::assign_to_me,
            commands::find_duplicates,
            commands::merge_into,
            commands::transition_request,
            commands::log_inquiry,
            commands::answer_inquiry,
            commands::list_decline_reasons,
            commands::intake_choices,
            commands::quality_by_referrer,
            commands::placement_times,
            commands::list_hospitals,
            commands::hospital_record,
            commands::directory_choices,
            commands::hospital_input,
            commands::add_hospital,
            commands::update_hospital,
            commands::report_capacity,
            commands::directory_sheet_html,
            commands::save_directory_sheet_csv,
            commands::desk_settings,
            commands::set_capacity_stale_after_hours,
            commands::set_matching_weights,
            commands::match_request,
            commands::match_batch,
            commands::audit_log,
            commands::audit_entities,
            commands::verify_audit,
            commands::save_audit_csv,
            commands::backup_settings,
            commands::set_backup_settings,
            commands::backup_now,
            commands::daily_log_html,
            commands::set_stamp_titles,
            commands::monthly_report,
            commands::save_chart_png,
            commands::report_tables,
            commands::save_meeting_workbook,
            commands::save_monthly_report,
            commands::transport_providers,
            commands::save_transport_provider,
            commands::list_transport_modes,
            commands::transport_proposal,
            commands::book_transport,
            commands::move_booking,
            commands::transport_sheet_html,
            commands::list_municipalities,
            commands::ui_ready,
            commands::access,
            commands::keep_alive,
            commands::set_up_administrator,
            commands::sign_in,
            commands::sign_out,
            commands::list_users,
            commands::add_user,
            commands::update_user,
            commands::set_user_password,
            commands::change_own_password,
            commands::set_idle_lock_minutes,
            commands::unlock_desk,
            commands::encryption,
            commands::set_passphrase,
            exchange_commands::import_file,
            exchange_commands::cancel_import,
            exchange_commands::import_limits,
            exchange_commands::refuse_oversized_file,
            exchange_commands::quarantine_usage,
            exchange_commands::clear_quarantine_files,
            exchange_commands::inspect_package,
            exchange_commands::history_columns,
            exchange_commands::history_mappings,
            exchange_commands::save_history_mapping,
            exchange_commands::exchange_log,
            exchange_commands::import_conflicts,
            exchange_commands::resolve_conflict,
            exchange_commands::quarantined,
            exchange_commands::export_package,
            exchange_commands::save_template,
            exchange_commands::save_template_error_report,
            exchange_commands::exchange_identity,
            exchange_commands::set_hospital_keys,
            referral_commands::record_consent,
            referral_commands::place_request,
            referral_commands::send_inquiries,
            referral_commands::patient_sheet_html,
            referral_commands::desk_contact,
            referral_commands::set_desk_contact,
            referral_commands::sync_status,
            referral_commands::set_sync_settings,
            referral_commands::sync_now,
            referral_commands::import_inbox_file,
        ])
        .error_handling(ErrorHandlingMode::Result)
        // One type per Rust type: inputs and outputs share a shape, optional fields are `T | null`.
        .disable_serde_phases()
}

/// Writes the bindings to `path`.
pub fn export(path: &std::path::Path) -> Result<(), String> {
    let language = Typescript::default()
        .header("// Generated from Rust by tauri-specta (src-tauri/src/bindings.rs). Do not edit.\n");
    builder().export(language, path).map_err(|e| e.to_string())
}
