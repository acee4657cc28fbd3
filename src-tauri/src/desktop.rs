//! Desktop behaviour, from Tauri's maintained plugins: one running instance per data folder, the
//! window's size and place remembered per data folder, a rotating log in the app's log folder, native
//! dialogs and desktop notifications. Everything here is keyed by the data folder
//! (`tenin_core::data_dir::instance_key`), so a desk and a hospital edition on one PC — or two test
//! windows — run side by side, each with its own window place and log file.

use std::path::Path;

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_log::{RotationStrategy, Target, TargetKind, TimezoneStrategy};
use tauri_plugin_window_state::StateFlags;

use crate::notices::{NoticeBoard, NoticeKind};

/// The environment variable that sets the log level (`error`, `warn`, `info` (default), `debug`).
pub const LOG_LEVEL_ENV: &str = "TENIN_LOG";
/// A log file is rotated at this size; the last few are kept.
const LOG_FILE_BYTES: u128 = 2 * 1024 * 1024;
const LOG_FILES_KEPT: usize = 5;

/// The key of the data folder the app was started on ("none" when there is no data folder).
pub fn instance_key(data_dir: Option<&Path>) -> String {
    data_dir.map(tenin_core::data_dir::instance_key).unwrap_or_else(|| "none".to_owned())
}

/// One instance per data folder: a second start on the same folder hands over to the running one
/// (which comes to the front) and exits before it opens the database. On Linux the D-Bus name
/// carries the folder's key; on Windows and macOS the plugin keys by the app alone (README).
pub fn single_instance<R: Runtime>(key: &str) -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(format!("{}.d{key}", tenin_core::data_dir::APP_IDENTIFIER))
        .callback(|app, _args, _cwd| bring_forward(app))
        .build()
}

/// The running window comes to the front, and says why in its notice area.
fn bring_forward<R: Runtime>(app: &AppHandle<R>) {
    log::info!("a second start on this data folder: the open window is brought forward");
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    app.state::<NoticeBoard>().raise(app, NoticeKind::SecondStart, Default::default(), false);
}

/// The window's size, position and maximised state, remembered per data folder and restored only
/// onto a monitor that is still there.
pub fn window_state<R: Runtime>(key: &str) -> tauri::plugin::TauriPlugin<R> {
    tauri_plugin_window_state::Builder::new()
        .with_filename(format!("window-state-{key}.json"))
        .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
        .build()
}

/// The log: `tenin-desk-<key>.log` in the app's log folder (rotated at 2 MB, five kept); warnings
/// and errors also on the standard error. It records what happened — starts, sign-ins, imports,
/// backups, sync cycles, refusals by code — never patient data, passwords or passphrases (a test
/// reads it after a journey).
pub fn log<R: Runtime>(key: &str) -> tauri::plugin::TauriPlugin<R> {
    let level = std::env::var(LOG_LEVEL_ENV)
        .ok()
        .and_then(|text| text.parse::<log::LevelFilter>().ok())
        .unwrap_or(log::LevelFilter::Info);
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .targets([
            Target::new(TargetKind::LogDir { file_name: Some(format!("tenin-desk-{key}")) }),
            // The terminal (and a test run's output) hears only what is wrong.
            Target::new(TargetKind::Stderr).filter(|metadata| metadata.level() <= log::Level::Warn),
        ])
        .level(level)
        // Libraries speak only when something is wrong.
        .level_for("tao", log::LevelFilter::Warn)
        .level_for("wry", log::LevelFilter::Warn)
        .level_for("zbus", log::LevelFilter::Warn)
        .level_for("tracing", log::LevelFilter::Warn)
        .max_file_size(LOG_FILE_BYTES)
        .rotation_strategy(RotationStrategy::KeepSome(LOG_FILES_KEPT))
        .timezone_strategy(TimezoneStrategy::UseLocal)
        .build()
}

/// The app's log folder.
pub fn log_dir<R: Runtime>(app: &AppHandle<R>) -> String {
    app.path().app_log_dir().map(|dir| dir.display().to_string()).unwrap_or_default()
}
