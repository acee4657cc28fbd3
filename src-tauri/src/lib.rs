//! Tenin Desk app shell: a Tauri window over `tenin_core::Desk`.
//!
//! This crate holds no rules. It opens the desk in the chosen data directory (or records why it
//! could not), exposes thin commands (`commands`), and generates the TypeScript bindings the UI
//! uses (`bindings`).

pub mod bindings;
pub mod commands;
pub mod launch;
pub mod state;

use std::time::Instant;

use tauri::Manager;

/// Runs the desk app with the given launch options.
pub fn run(options: launch::LaunchOptions) {
    let started = Instant::now();
    let builder = bindings::builder();
    let state = state::DeskState::open(options.data_dir);
    tauri::Builder::default()
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            app.manage(state);
            app.manage(launch::StartedAt(started));
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"))
        .expect("the Tauri runtime failed to start");
}
