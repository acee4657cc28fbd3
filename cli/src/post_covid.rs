//! `tenin post-covid …`: the referral network for post-COVID conditions (一次受け / 二次受け) — set an
//! institution's entry, list them, the published list, the counts over time, the survey out and in.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use tenin_core::csv_file::CsvEncoding;
use tenin_core::post_covid::{PostCovidInput, PostCovidTier};

use crate::report::write;
use crate::{Cli, Failure, open, print_json};

#[derive(Clone, Copy, ValueEnum)]
pub enum ListFormat {
    Html,
    Csv,
}

#[derive(Subcommand)]
pub enum PostCovidCommand {
    /// Set one hospital's entry: --tier primary|secondary|none, what it sees, whether it may be published.
    Set {
        /// The hospital's code.
        code: String,
        #[arg(long)]
        tier: String,
        #[arg(long, default_value = "")]
        departments: String,
        #[arg(long, default_value = "")]
        conditions: String,
        #[arg(long)]
        referral_needed: bool,
        #[arg(long, default_value = "")]
        hours: String,
        /// It agreed to be named on the published list.
        #[arg(long)]
        publish: bool,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Every institution on the network.
    List,
    /// The published list (those who agreed), grouped by tier and region: a web page or CSV (CP932).
    Published {
        #[arg(long, value_enum, default_value = "html")]
        format: ListFormat,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The network at the end of each month: primary, primary published, secondary.
    Counts {
        #[arg(long, value_parser = crate::desk_date)]
        from: chrono::NaiveDate,
        #[arg(long, value_parser = crate::desk_date)]
        to: Option<chrono::NaiveDate>,
    },
    /// The survey for hospitals to fill in (CSV, CP932): a row per hospital with its current answers.
    Survey {
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Read returned surveys (CSV or xlsx with the survey's columns): all rows or none.
    ImportSurvey { file: PathBuf },
}

pub fn run(cli: &Cli, command: &PostCovidCommand) -> Result<(), Failure> {
    match command {
        PostCovidCommand::Set { code, tier, departments, conditions, referral_needed, hours, publish, note } => {
            let mut desk = open(cli, None)?;
            let tier = match tier.as_str() {
                "none" | "なし" => None,
                text => Some(PostCovidTier::parse(text).ok_or_else(|| {
                    Failure::Usage(format!("--tier は primary・secondary・none のどれかです（{text}）"))
                })?),
            };
            let hospital_id = desk.hospital_by_code(code)?.id;
            let input = PostCovidInput {
                hospital_id,
                tier,
                departments: departments.clone(),
                conditions: conditions.clone(),
                referral_needed: *referral_needed,
                hours: hours.clone(),
                publish: *publish,
                note: note.clone(),
            };
            let entry = desk.set_post_covid(&input, None)?;
            if cli.json {
                return print_json(&entry);
            }
            let tier = entry.tier.map_or("なし", |t| t.label_ja());
            say!("{} を「{tier}」{}にしました", entry.hospital_name, if entry.publish { "（公表可）" } else { "" });
            Ok(())
        }
        PostCovidCommand::List => {
            let desk = open(cli, None)?;
            let entries = desk.post_covid_entries()?;
            if cli.json {
                return print_json(&entries);
            }
            for e in &entries {
                say!(
                    "{}\t{}\t{}\t{}\t{}",
                    e.hospital_code,
                    e.hospital_name,
                    e.tier.map_or("なし", |t| t.label_ja()),
                    if e.publish { "公表可" } else { "非公表" },
                    e.conditions
                );
            }
            Ok(())
        }
        PostCovidCommand::Published { format, out } => {
            let desk = open(cli, None)?;
            match format {
                ListFormat::Html => write(cli, out, desk.post_covid_published_html()?.as_bytes()),
                ListFormat::Csv => write(cli, out, &desk.post_covid_published_csv(CsvEncoding::Cp932)?.bytes),
            }
        }
        PostCovidCommand::Counts { from, to } => {
            let desk = open(cli, None)?;
            let to = match to {
                Some(to) => *to,
                None => desk.today()?,
            };
            let counts = desk.post_covid_counts(*from, to)?;
            if cli.json {
                return print_json(&counts);
            }
            say!("月\t一次受け\tうち公表可\t二次受け");
            for c in &counts {
                say!("{}\t{}\t{}\t{}", c.month, c.primary, c.primary_published, c.secondary);
            }
            Ok(())
        }
        PostCovidCommand::Survey { out } => {
            let desk = open(cli, None)?;
            write(cli, out, &desk.post_covid_survey(CsvEncoding::Cp932)?.bytes)
        }
        PostCovidCommand::ImportSurvey { file } => {
            let mut desk = open(cli, None)?;
            let bytes =
                std::fs::read(file).map_err(|e| Failure::Usage(format!("{} を読めません: {e}", file.display())))?;
            let read = desk.import_post_covid_survey(&bytes)?;
            if cli.json {
                return print_json(&read);
            }
            say!("{} 件の回答を取り込みました", read.saved);
            Ok(())
        }
    }
}
