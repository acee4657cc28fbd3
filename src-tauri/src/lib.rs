//! Tenin Desk app shell: a Tauri window over `tenin_core::Desk`.
//!
//! This crate holds no rules. It opens the desk in the chosen data directory (or records why it
//! could not), exposes thin commands (`commands`), and generates the TypeScript bindings the UI
//! uses (`bindings`).

pub mod bindings;
pub mod commands;
pub mod desktop;
pub mod desktop_commands;
pub mod exchange_commands;
pub mod hospital_commands;
pub mod launch;
pub mod notices;
pub mod painting;
pub mod referral_commands;
pub mod state;

use std::time::Instant;

use tauri::Manager;

/// Runs the desk app with the given launch options.
pub fn run(options: launch::LaunchOptions) {
    let started = Instant::now();
    let builder = bindings::builder();
    let data_dir = options.data_dir;
    let key = desktop::instance_key(data_dir.as_deref());
    tauri::Builder::default()
        // First: a second start on the same data folder hands over and exits here, before the
        // database is opened (in `setup`, which runs after the plugins).
        .plugin(desktop::single_instance(&key))
        .plugin(desktop::log(&key))
        .plugin(desktop::window_state(&key))
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            if let Some(window) = app.get_webview_window("main") {
                painting::without_compositing(&window)?;
            }
            let shown_dir = data_dir.as_deref().map(|d| d.display().to_string()).unwrap_or_default();
            log::info!(
                "Tenin Desk {} ({}) starts on data folder {shown_dir}",
                tenin_core::APP_VERSION,
                env!("TENIN_COMMIT")
            );
            let state = state::DeskState::open(data_dir);
            log::info!("desk on {shown_dir}: {}", state.opened_as());
            app.manage(state);
            app.manage(notices::NoticeBoard::default());
            app.manage(launch::StartedAt(started));
            schedule_backups(app.handle().clone());
            schedule_sync(app.handle().clone());
            schedule_integrity_checks(app.handle().clone());
            Ok(())
        })
        .build(tauri::generate_context!("../tauri.conf.json"))
        .expect("the Tauri runtime failed to start")
        .run(|app, event| {
            // The window closed: the desk is closed properly, so its next start need not check the
            // whole file (see `Desk::checked_at_open`).
            if let tauri::RunEvent::Exit = event {
                app.state::<state::DeskState>().close();
                log::info!("closed cleanly");
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
            let now = chrono::Utc::now();
            let outcome = state
                .with_long_if_due(|desk| desk.backup_due(now), |desk| desk.backup_if_due(now))
                .map(Option::flatten);
            // No desk yet (set-up not done) or waiting for its passphrase: nothing to back up.
            if let Err(report) = outcome
                && !waiting_for_someone(&report)
            {
                log::error!("scheduled backup failed: {}", report.message);
            }
            std::thread::sleep(std::time::Duration::from_secs(600));
        }
    });
}

/// The whole file checked in the background: five minutes after start and then every ten minutes
/// the core is asked whether a check is due (once a day) and makes it. Problems are logged and said
/// to the nurse in a notice (always, and on the desktop too); the About screen shows the last check.
fn schedule_integrity_checks(app: tauri::AppHandle) {
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(300));
        loop {
            let state = app.state::<state::DeskState>();
            let now = chrono::Utc::now();
            let outcome =
                state.with_long_if_due(|desk| desk.integrity_check_due(now), |desk| desk.integrity_check_if_due(now));
            match outcome.map(Option::flatten) {
                Ok(Some(check)) if !check.ok => {
                    log::error!("integrity check found problems: {}", check.result);
                    let board = app.state::<notices::NoticeBoard>();
                    board.raise(&app, notices::NoticeKind::IntegrityProblem, Default::default(), true);
                }
                Ok(Some(_)) => log::info!("integrity check: ok"),
                Ok(None) => {}
                Err(report) if waiting_for_someone(&report) => {}
                Err(report) => log::error!("integrity check failed: {}", report.message),
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
                let now = chrono::Utc::now();
                let due = |desk: &tenin_core::Desk| desk.sync_due(now);
                let run = |desk: &mut tenin_core::Desk| Ok((desk.sync_if_due(now)?, desk.notice_settings()?));
                handle.state::<state::DeskState>().with_long_if_due(due, run)
            })
            .await;
            match outcome {
                Ok(Err(report)) if !waiting_for_someone(&report) => {
                    log::error!("scheduled sync failed: {:?}", report.code)
                }
                Ok(Err(_)) | Ok(Ok(None | Some((None, _)))) => {}
                Err(error) => log::error!("scheduled sync stopped: {error}"),
                Ok(Ok(Some((Some(run), settings)))) => {
                    log::info!("scheduled sync: {} in, {} out, {} refused", run.files_in, run.files_out, run.refused);
                    if run.files_in > 0 && settings.sync_arrivals {
                        let facts = notices::NoticeFacts { count: Some(run.files_in), ..Default::default() };
                        app.state::<notices::NoticeBoard>().raise(
                            &app,
                            notices::NoticeKind::SyncArrivals,
                            facts,
                            settings.desktop,
                        );
                    }
                }
            }
        }
    });
}

/// The desk is not open, or nobody is signed in (or the screen is locked): scheduled work waits for
/// someone, and that is not a fault to log.
fn waiting_for_someone(report: &tenin_core::ErrorReport) -> bool {
    use tenin_core::ErrorCode::{Locked, NotOpen, NotSignedIn};
    matches!(report.code, NotOpen | NotSignedIn | Locked)
}
