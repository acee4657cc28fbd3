//! Tenin Desk app shell: a Tauri window over `tenin_core::Desk`.
//!
//! This crate holds no rules. It opens the desk in the chosen data directory (or records why it
//! could not), exposes thin commands (`commands`), and generates the TypeScript bindings the UI
//! uses (`bindings`).

pub mod bindings;
pub mod commands;
pub mod exchange_commands;
pub mod hospital_commands;
pub mod launch;
pub mod referral_commands;
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
            schedule_backups(app.handle().clone());
            schedule_sync(app.handle().clone());
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("the Tauri runtime failed to start")
        .run(|app, event| {
            // The window closed: the desk is closed properly, so its next start need not check the
            // whole file (see `Desk::checked_at_open`).
            if let tauri::RunEvent::Exit = event {
                app.state::<state::DeskState>().close();
            }
        });
}

/// Scheduled backups: a minute after start and then every ten minutes, the core is asked whether a
/// backup is due (its setting says how often) and makes it. A failure is kept for the Settings
/// screen to show; it never stops the desk.
fn schedule_backups(app: tauri::AppHandle) {
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(60));
        loop {
            let state = app.state::<state::DeskState>();
            let outcome = state.with(|desk| desk.backup_if_due(chrono::Utc::now()));
            // No desk yet (set-up not done) or waiting for its passphrase: nothing to back up.
            if let Err(report) = outcome
                && report.code != tenin_core::ErrorCode::NotOpen
            {
                eprintln!("scheduled backup failed: {}", report.message);
            }
            std::thread::sleep(std::time::Duration::from_secs(600));
        }
    });
}

/// Scheduled sync cycles, on a tokio timer: every minute the core is asked whether a cycle is due
/// (its settings say how often) and runs it as the desk's own account, on a blocking thread so the
/// window never waits on the timer. A failure is logged and the next minute tries again; the 送受信
/// panel shows the last run.
fn schedule_sync(app: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let handle = app.clone();
            let outcome = tauri::async_runtime::spawn_blocking(move || {
                handle.state::<state::DeskState>().with(|desk| desk.sync_if_due(chrono::Utc::now()))
            })
            .await;
            match outcome {
                Ok(Err(report)) if report.code != tenin_core::ErrorCode::NotOpen => {
                    eprintln!("scheduled sync failed: {}", report.message)
                }
                Ok(Err(_)) => {}
                Err(error) => eprintln!("scheduled sync stopped: {error}"),
                Ok(Ok(_)) => {}
            }
        }
    });
}
