//! The start-up benchmark's baseline: the same Tauri shell and dependencies, showing an empty page
//! (`ui/public/baseline.html`) with no database. scripts/bench-start compares the desk against it.

use std::time::Instant;

use tauri::webview::PageLoadEvent;

fn main() {
    let started = Instant::now();
    let report = std::env::var_os(tenin_desk::launch::REPORT_READY_ENV).is_some();
    let mut context = tauri::generate_context!("../tauri.conf.json");
    // Not the desk's window: only the empty page below.
    context.config_mut().app.windows.clear();
    tauri::Builder::default()
        .setup(move |app| {
            let window =
                tauri::WebviewWindowBuilder::new(app, "baseline", tauri::WebviewUrl::App("baseline.html".into()))
                    .title("baseline")
                    .inner_size(1280.0, 800.0)
                    .on_page_load(move |_, payload| {
                        if report && payload.event() == PageLoadEvent::Finished {
                            println!("tenin-desk-baseline ready_ms={}", started.elapsed().as_millis());
                        }
                    })
                    .build()?;
            tenin_desk::painting::without_compositing(&window)?;
            Ok(())
        })
        .run(context)
        .expect("the Tauri runtime failed to start");
}
