//! How the window's page is painted. On Linux, WebKitGTK is told never to use accelerated
//! compositing: the desk's screens are forms and tables, with nothing that gains from it, and
//! compositing costs each painted layer full-size buffers and, on a PC without a GPU driver, a
//! software GL renderer (measured at the sign-in screen: 324 MiB for the desk's processes with it,
//! 241 MiB without; docs/performance.md). WebView2 and WKWebView decide for themselves. The About
//! panel shows how the window is painted (`painting`), read back from the webview.

use std::sync::mpsc;
use std::time::Duration;

use serde::Serialize;
use specta::Type;
use tauri::{Runtime, WebviewWindow};

/// How the webview paints the page, as its settings say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum Painting {
    /// WebKitGTK without accelerated compositing (the desk's choice on Linux).
    Software,
    /// WebKitGTK compositing on demand or always.
    Composited,
    /// The system's webview (WebView2, WKWebView) decides.
    Platform,
}

/// Sets the window's webview to paint without accelerated compositing (Linux; nothing elsewhere).
/// Called before its page has loaded (in `setup`), so the page never enters compositing mode.
pub fn without_compositing<R: Runtime>(window: &WebviewWindow<R>) -> tauri::Result<()> {
    window.with_webview(never_composite)
}

/// How the window paints, read from its webview on the main thread; `None` when the webview did
/// not answer within a second (the window is closing). Call it from a command's own thread, never
/// from the main thread, which would wait for itself.
pub fn painting<R: Runtime>(window: &WebviewWindow<R>) -> Option<Painting> {
    let (answer, answered) = mpsc::channel();
    // The asker may have given up waiting (then the answer has nowhere to go).
    window
        .with_webview(move |webview| {
            let _ = answer.send(painting_of(webview));
        })
        .ok()?;
    answered.recv_timeout(Duration::from_secs(1)).ok()
}

#[cfg(target_os = "linux")]
fn never_composite(webview: tauri::webview::PlatformWebview) {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    if let Some(settings) = webview.inner().settings() {
        settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
    }
}

#[cfg(target_os = "linux")]
fn painting_of(webview: tauri::webview::PlatformWebview) -> Painting {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    match webview.inner().settings().map(|settings| settings.hardware_acceleration_policy()) {
        Some(HardwareAccelerationPolicy::Never) => Painting::Software,
        _ => Painting::Composited,
    }
}

#[cfg(not(target_os = "linux"))]
fn never_composite(_webview: tauri::webview::PlatformWebview) {}

#[cfg(not(target_os = "linux"))]
fn painting_of(_webview: tauri::webview::PlatformWebview) -> Painting {
    Painting::Platform
}
