//! `tenin outside …`: downward transfers hospitals arranged without the desk, recorded for the
//! desk's share (`tenin report share`).

use clap::Subcommand;
use tenin_core::outside_transfer::OutsideTransferInput;

use crate::{Cli, Failure, open, print_json};

#[derive(Subcommand)]
pub enum OutsideCommand {
    /// Record one (or --count several) transfers a referring hospital arranged on its own.
    Add {
        /// The day of the transfer: 2026-11-21, R8.11.21 or 令和8年11月21日.
        #[arg(long)]
        date: String,
        /// The referring hospital's code.
        #[arg(long)]
        referrer: String,
        /// The receiving hospital's code, when known.
        #[arg(long)]
        receiver: Option<String>,
        /// The patient's municipality code, when known.
        #[arg(long, default_value = "")]
        residence: String,
        #[arg(long, default_value = "1")]
        count: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Read a hospital's report of transfers it arranged itself (CSV or xlsx: 転院日, 依頼元医療機関コード,
    /// 転院先医療機関コード, 居住地, 件数, メモ): every row or none.
    Import { file: std::path::PathBuf },
    /// The transfers recorded, by transfer day.
    List {
        #[arg(long, value_parser = crate::desk_date)]
        from: chrono::NaiveDate,
        #[arg(long, value_parser = crate::desk_date)]
        to: chrono::NaiveDate,
    },
}

pub fn run(cli: &Cli, command: &OutsideCommand) -> Result<(), Failure> {
    match command {
        OutsideCommand::Add { date, referrer, receiver, residence, count, note } => {
            let mut desk = open(cli, None)?;
            let referring_hospital_id = desk.hospital_by_code(referrer)?.id;
            let receiving_hospital_id = match receiver {
                Some(code) => desk.hospital_by_code(code)?.id,
                None => String::new(),
            };
            let recorded = desk.record_outside_transfer(&OutsideTransferInput {
                transferred_on: date.clone(),
                referring_hospital_id,
                receiving_hospital_id,
                residence_municipality_code: residence.clone(),
                count: count.clone(),
                note: note.clone(),
            })?;
            if cli.json {
                return print_json(&recorded);
            }
            say!(
                "{} {} からのデスク外の転院 {} 件を記録しました",
                recorded.transferred_on,
                recorded.referring_hospital_name,
                recorded.count
            );
            Ok(())
        }
        OutsideCommand::Import { file } => {
            let mut desk = open(cli, None)?;
            let bytes =
                std::fs::read(file).map_err(|e| Failure::Usage(format!("{} を読めません: {e}", file.display())))?;
            let count = desk.import_outside_transfers(&bytes)?;
            say!("デスク外の転院 {count} 行を取り込みました");
            Ok(())
        }
        OutsideCommand::List { from, to } => {
            let desk = open(cli, None)?;
            let list = desk.outside_transfers(*from, *to)?;
            if cli.json {
                return print_json(&list);
            }
            for r in &list {
                say!(
                    "{}\t{}\t→ {}\t{} 件\t{}",
                    r.transferred_on,
                    r.referring_hospital_name,
                    r.receiving_hospital_name.as_deref().unwrap_or("—"),
                    r.count,
                    r.note
                );
            }
            Ok(())
        }
    }
}
