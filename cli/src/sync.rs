//! `tenin sync …`: the shared sync folder — its settings, one cycle now, the log of cycles, and the
//! inbox when every package is to be previewed first.

use clap::Subcommand;
use tenin_core::desk::{SyncRun, SyncSettings};

use crate::{Cli, Failure, local, open, print_json};

#[derive(Subcommand)]
pub enum SyncCommand {
    /// Show or change the settings (supervisor): the shared root folder, minutes between cycles
    /// (0: only `sync run`), and whether every package waits for a preview.
    Settings {
        /// The shared folder (must exist); "" to stop syncing.
        #[arg(long)]
        root: Option<String>,
        #[arg(long)]
        every_minutes: Option<u32>,
        #[arg(long)]
        require_preview: Option<bool>,
    },
    /// Run one cycle now: import what is addressed to this desk, write what is due.
    Run {
        /// One cycle (the app runs them on its schedule).
        #[arg(long)]
        once: bool,
    },
    /// The last cycles, newest first.
    Log {
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Preview or apply a package waiting in the inbox (with --require-preview).
    Import {
        name: String,
        #[arg(long)]
        dry_run: bool,
    },
}

fn print_run(desk: &tenin_core::Desk, run: &SyncRun) {
    say!(
        "送受信 {}: 受信 {} 件・送信 {} 件・拒否 {} 件・要確認 {} 件",
        local(desk, &run.started_at),
        run.files_in,
        run.files_out,
        run.refused,
        run.conflicts
    );
    for f in &run.files {
        let arrow = if f.direction == "in" { "←" } else { "→" };
        say!("  {arrow} {}\t{}\t{}\t{}\t{}", f.name, f.party, f.kind, f.result, f.message);
    }
}

pub fn run(cli: &Cli, command: &SyncCommand) -> Result<(), Failure> {
    match command {
        SyncCommand::Settings { root, every_minutes, require_preview } => {
            let mut desk = open(cli, None)?;
            let mut settings = desk.sync_settings()?;
            if root.is_some() || every_minutes.is_some() || require_preview.is_some() {
                settings = desk.set_sync_settings(&SyncSettings {
                    root: root.clone().unwrap_or(settings.root),
                    every_minutes: every_minutes.unwrap_or(settings.every_minutes),
                    require_preview: require_preview.unwrap_or(settings.require_preview),
                })?;
            }
            if cli.json {
                return print_json(&settings);
            }
            say!("送受信フォルダ\t{}", if settings.root.is_empty() { "（未設定）" } else { &settings.root });
            say!("間隔\t{} 分", settings.every_minutes);
            say!("プレビュー必須\t{}", if settings.require_preview { "はい" } else { "いいえ" });
            Ok(())
        }
        SyncCommand::Run { once: _ } => {
            let mut desk = open(cli, None)?;
            let run = desk.sync_once()?;
            if cli.json {
                return print_json(&run);
            }
            print_run(&desk, &run);
            Ok(())
        }
        SyncCommand::Log { limit } => {
            let desk = open(cli, None)?;
            let runs = desk.sync_runs(*limit)?;
            if cli.json {
                return print_json(&runs);
            }
            for run in &runs {
                print_run(&desk, run);
            }
            Ok(())
        }
        SyncCommand::Import { name, dry_run } => {
            let mut desk = open(cli, None)?;
            let report = desk.import_inbox_file(name, *dry_run)?;
            if cli.json {
                return print_json(&report);
            }
            say!("{}: {}", report.file_name, report.message);
            Ok(())
        }
    }
}
