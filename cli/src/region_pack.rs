//! `tenin region-pack …`: load a newer version of the desk's region pack, after a preview.

use std::path::PathBuf;

use clap::Subcommand;
use tenin_core::region_pack_update::{ChangeKind, PackUpdatePreview};

use crate::{Cli, Failure, open, print_json};

#[derive(Subcommand)]
pub enum RegionPackCommand {
    /// What loading FILE (a newer version of this desk's pack) would change, and which records move.
    /// Nothing is written.
    Preview { file: PathBuf },
    /// Load FILE over the desk's pack (administrator): refused, with the reasons, when records would
    /// be left pointing at an entry it drops.
    Apply { file: PathBuf },
}

fn read(file: &PathBuf) -> Result<String, Failure> {
    std::fs::read_to_string(file).map_err(|e| Failure::Usage(format!("{} を読めません: {e}", file.display())))
}

fn print(preview: &PackUpdatePreview) {
    say!("{}: {} → {}", preview.pack_name, preview.from_version, preview.to_version);
    for c in &preview.changes {
        let kind = match c.kind {
            ChangeKind::Added => "追加",
            ChangeKind::Changed => "変更",
            ChangeKind::Removed => "削除",
        };
        let what = match (&c.before, &c.after) {
            (Some(before), Some(after)) => format!("{before} → {after}"),
            (_, Some(after)) => after.clone(),
            (Some(before), None) => before.clone(),
            (None, None) => String::new(),
        };
        let moved = match (&c.moved_to, c.references) {
            (Some(to), n) => format!("（記録 {n} 件を {to} へ移す）"),
            (None, 0) => String::new(),
            (None, n) => format!("（記録 {n} 件が使用中）"),
        };
        say!("{kind}\t{}\t{}\t{what}{moved}", c.list_ja, c.id);
    }
    for reason in &preview.blocked {
        say!("適用できません: {reason}");
    }
}

pub fn run(cli: &Cli, command: &RegionPackCommand) -> Result<(), Failure> {
    match command {
        RegionPackCommand::Preview { file } => {
            let desk = open(cli, None)?;
            let preview = desk.preview_pack_update(&read(file)?)?;
            if cli.json {
                return print_json(&preview);
            }
            print(&preview);
            Ok(())
        }
        RegionPackCommand::Apply { file } => {
            let mut desk = open(cli, None)?;
            let applied = desk.apply_pack_update(&read(file)?)?;
            if cli.json {
                return print_json(&applied);
            }
            print(&applied);
            say!("地域パックを {} にしました", applied.to_version);
            Ok(())
        }
    }
}
