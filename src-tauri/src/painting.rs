//! How the window's page is painted. On Linux, WebKitGTK is told never to use accelerated
//! compositing: the desk's screens are forms and tables, with nothing that gains from it, and
//! compositing costs each window two full-size buffers per painted layer and a software GL renderer
//! on a PC without a GPU driver (measured: the desk's processes take 324 MiB at the sign-in screen
//! with it, 238 MiB without; docs/performance.md). WebView2 and WKWebView decide for themselves.

use tauri::{Runtime, WebviewWindow};

/// Sets the window's webview to paint without accelerated compositing (Linux; nothing elsewhere).
/// Called before its page has loaded (in `setup`), so the page never enters compositing mode.
pub fn without_compositing<R: Runtime>(window: &WebviewWindow<R>) -> tauri::Result<()> {
    window.with_webview(never_composite)
}

#[cfg(target_os = "linux")]
fn never_composite(webview: tauri::webview::PlatformWebview) {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    if let Some(settings) = webview.inner().settings() {
        settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
    }
}

#[cfg(not(target_os = "linux"))]
fn never_composite(_webview: tauri::webview::PlatformWebview) {}
