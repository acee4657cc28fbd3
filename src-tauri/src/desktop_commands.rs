//! Commands of the desktop around the desk: notices, the About panel's support facts, the log
//! folder, saving a copy through the native dialog, quitting.

use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use tenin_core::desk::NoticeSettings;
use tenin_core::{ErrorCode, ErrorReport};

use crate::desktop;
use crate::notices::{Notice, NoticeBoard, NoticeFacts, NoticeKind};
use crate::painting::{Painting, painting};
use crate::state::DeskState;

/// The notices to show. Call-backs coming due are looked up here (the window asks every few
/// seconds), each raised once; a desk that is not open or signed in has only the others, and while
/// a long command holds the desk the look-up waits for the next ask instead of the window waiting.
#[tauri::command(async)]
#[specta::specta]
pub fn poll_notices(app: AppHandle, state: State<'_, DeskState>, board: State<'_, NoticeBoard>) -> Vec<Notice> {
    let due = state.try_with(|desk| {
        let settings = desk.notice_settings()?;
        let due = if settings.call_backs { desk.call_backs_due(chrono::Utc::now())? } else { Vec::new() };
        Ok((due, settings.desktop))
    });
    if let Some(Ok((due, desktop))) = due {
        for call_back in due {
            if board.first_sight_of_call_back(&call_back.inquiry_id, &call_back.call_back_at) {
                log::info!("call-back due: {}", call_back.ref_no);
                let facts = NoticeFacts {
                    request_id: Some(call_back.request_id),
                    ref_no: Some(call_back.ref_no),
                    hospital_name: Some(call_back.hospital_name),
                    due_at: Some(call_back.call_back_at),
                    ..Default::default()
                };
                board.raise(&app, NoticeKind::CallBack, facts, desktop);
            }
        }
    }
    board.pending()
}

#[tauri::command(async)]
#[specta::specta]
pub fn dismiss_notice(board: State<'_, NoticeBoard>, id: u32) {
    board.dismiss(id);
}

#[tauri::command(async)]
#[specta::specta]
pub fn notice_settings(state: State<'_, DeskState>) -> Result<NoticeSettings, ErrorReport> {
    state.read(|desk| desk.notice_settings())
}

#[tauri::command(async)]
#[specta::specta]
pub fn set_notice_settings(
    state: State<'_, DeskState>,
    settings: NoticeSettings,
) -> Result<NoticeSettings, ErrorReport> {
    state.with(|desk| desk.set_notice_settings(&settings))
}

/// What the helpdesk asks for, beside the desk's own facts (`desk_status`).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct SupportFacts {
    pub commit: String,
    pub build_date: String,
    pub log_dir: String,
    /// How the window paints (`painting.rs`); none if its webview did not answer.
    pub painting: Option<Painting>,
}

#[tauri::command(async)]
#[specta::specta]
pub fn support_facts(app: AppHandle) -> SupportFacts {
    SupportFacts {
        commit: env!("TENIN_COMMIT").to_owned(),
        build_date: env!("TENIN_BUILD_DATE").to_owned(),
        log_dir: desktop::log_dir(&app),
        painting: app.get_webview_window("main").and_then(|window| painting(&window)),
    }
}

/// Opens the log folder in the system's file manager.
#[tauri::command(async)]
#[specta::specta]
pub fn open_log_folder(app: AppHandle) -> Result<(), ErrorReport> {
    let dir = app.path().app_log_dir().map_err(|e| ErrorReport::new(ErrorCode::Io, e.to_string()))?;
    std::fs::create_dir_all(&dir).map_err(|e| ErrorReport::new(ErrorCode::Io, e.to_string()))?;
    #[cfg(target_os = "windows")]
    let opener = "explorer";
    #[cfg(target_os = "macos")]
    let opener = "open";
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    let opener = "xdg-open";
    std::process::Command::new(opener)
        .arg(&dir)
        .spawn()
        .map(|_| ())
        .map_err(|e| ErrorReport::new(ErrorCode::Io, format!("ログフォルダを開けません（{}）: {e}", dir.display())))
}

/// 「別の場所に保存…」: the native save dialog, starting in the export folder with the export's name;
/// the export is copied where the user chose. `None` when the dialog was cancelled.
#[tauri::command(async)]
#[specta::specta]
pub fn save_copy_as(app: AppHandle, state: State<'_, DeskState>, path: String) -> Result<Option<String>, ErrorReport> {
    let saved = std::path::PathBuf::from(&path);
    let start = state.with(|desk| Ok(desk.export_dir()))?;
    let mut dialog = app.dialog().file().set_title("別の場所に保存").set_directory(&start);
    if let Some(name) = saved.file_name() {
        dialog = dialog.set_file_name(name.to_string_lossy());
    }
    let Some(chosen) = dialog.blocking_save_file() else { return Ok(None) };
    let chosen = chosen.into_path().map_err(|e| ErrorReport::new(ErrorCode::Io, e.to_string()))?;
    let copied = state.read(|desk| desk.copy_export(&saved, &chosen))?;
    log::info!("an export was saved to a chosen folder");
    Ok(Some(copied.display().to_string()))
}

/// 終了: the app quits as when its window is closed — the desk is closed cleanly and the window's
/// place remembered.
#[tauri::command(async)]
#[specta::specta]
pub fn quit_app(app: AppHandle) {
    log::info!("quit from the window");
    app.exit(0);
}

/// The webview's own language (its date fields, built-in messages, `navigator.language`) follows
/// the app's: the window tells it at start and on every switch, whatever the system locale.
#[tauri::command(async)]
#[specta::specta]
pub fn set_webview_language(window: tauri::WebviewWindow, language: String) -> Result<(), ErrorReport> {
    let languages: Vec<String> = match language.as_str() {
        "ja" => vec!["ja-JP".into(), "ja".into()],
        "en" => vec!["en-US".into(), "en".into()],
        other => return Err(ErrorReport::new(ErrorCode::Validation, format!("unknown language: {other}"))),
    };
    window
        .with_webview(move |webview| preferred_languages(webview, &languages))
        .map_err(|e| ErrorReport::new(ErrorCode::Internal, e.to_string()))
}

#[cfg(target_os = "linux")]
fn preferred_languages(webview: tauri::webview::PlatformWebview, languages: &[String]) {
    use webkit2gtk::{WebContextExt, WebViewExt};
    let languages: Vec<&str> = languages.iter().map(String::as_str).collect();
    if let Some(context) = webview.inner().context() {
        context.set_preferred_languages(&languages);
    }
}

/// WebView2 and WKWebView take the language from the system or at creation; nothing to set later.
#[cfg(not(target_os = "linux"))]
fn preferred_languages(_webview: tauri::webview::PlatformWebview, _languages: &[String]) {}
