//! `tenin hospitals …`: the directory from the command line, so a desk can script updates.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use tenin_core::capacity::CapacityReportInput;
use tenin_core::csv_file::CsvEncoding;
use tenin_core::hospital::{HospitalFilter, HospitalRole, HospitalSummary};
use tenin_core::json_input::read_list;
use tenin_core::requirements::Capability;

use crate::{Cli, Failure, open, print_json};

#[derive(Subcommand)]
pub enum HospitalsCommand {
    /// Active hospitals, narrowed by a name, reading (kana or romaji) or code and by the filters.
    List {
        #[arg(long, short)]
        query: Option<String>,
        /// A jurisdiction id of the region pack (e.g. `yokohama`).
        #[arg(long)]
        jurisdiction: Option<String>,
        /// A medical region id of the plan in force.
        #[arg(long)]
        region: Option<String>,
        /// `referring`, `receiving`, `priority` or `cooperating`.
        #[arg(long, value_parser = core_term::<HospitalRole>)]
        role: Option<HospitalRole>,
        /// Accepts patients who need this: `oxygen`, `dialysis_hd`, `dialysis_pd`, `tube_feeding_ng`,
        /// `tube_feeding_peg`, `tracheostomy`, `frequent_suctioning`, `central_line`, `dementia_bpsd`,
        /// `psychiatric`, `isolation_mrsa`, `full_assist`, `bariatric`.
        #[arg(long, value_parser = core_term::<Capability>)]
        capability: Option<Capability>,
        /// Has a free bed of this bed type (a bed-type id of the region pack).
        #[arg(long, value_name = "BED_TYPE")]
        free_beds: Option<String>,
        /// Only hospitals with rules beyond the national discharge criteria.
        #[arg(long)]
        beyond_criteria: bool,
        /// Include inactive hospitals.
        #[arg(long)]
        all: bool,
    },
    /// One hospital by its 10-digit medical-institution code.
    Show { code: String },
    /// Add or update hospitals (by code) from a JSON file (`-` for standard input): one object or
    /// an array (fields in docs/directory.md). Fields left out of an update keep their values.
    /// All or nothing.
    Upsert { file: PathBuf },
    /// Record capacity reports of one hospital from a JSON file (`-` for standard input): one
    /// report or an array of {bed_type, available, baseline, expected_24h, expected_72h,
    /// reported_at, reported_by}. All or nothing; earlier reports are kept.
    /// In the hospital edition: its own code only (sent to the desk at the next sync).
    Capacity { code: String, file: PathBuf },
    /// Set one hospital's acceptance requirements from a JSON file (the requirements' fields:
    /// docs/directory.md); in the hospital edition, its own.
    Requirements { code: String, file: PathBuf },
    /// Write the directory sheet (active receiving hospitals by region) as printable HTML or CSV.
    Sheet {
        #[arg(long, value_enum, default_value = "html")]
        format: SheetFormat,
        /// CSV encoding.
        #[arg(long, value_enum, default_value = "utf8")]
        encoding: EncodingArg,
        /// Where to write it (default: standard output).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Show, or set with --stale-after-hours, how old capacity may be before it is shown as stale.
    Settings {
        #[arg(long, value_name = "HOURS")]
        stale_after_hours: Option<u32>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SheetFormat {
    Html,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum EncodingArg {
    Utf8,
    Cp932,
}

/// Reads a command-line word as the core's own enum (its serde name), so the CLI cannot drift
/// from the vocabulary the app and files use.
pub(crate) fn core_term<T: serde::de::DeserializeOwned>(word: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(word.replace('-', "_"))).map_err(|e| e.to_string())
}

pub(crate) fn read_input(file: &Path) -> Result<String, Failure> {
    let mut text = String::new();
    let read = if file == Path::new("-") {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(file).map(|t| text = t)
    };
    read.map_err(|e| Failure::Usage(format!("{} を読めません: {e}", file.display())))?;
    Ok(text)
}

pub fn run(cli: &Cli, command: &HospitalsCommand) -> Result<(), Failure> {
    match command {
        HospitalsCommand::List { query, jurisdiction, region, role, capability, free_beds, beyond_criteria, all } => {
            let filter = HospitalFilter {
                query: query.clone().unwrap_or_default(),
                jurisdiction_id: jurisdiction.clone(),
                region_id: region.clone(),
                role: *role,
                capability: *capability,
                free_bed_type: free_beds.clone(),
                beyond_criteria_only: *beyond_criteria,
                include_inactive: *all,
            };
            let hospitals = open(cli, None)?.hospitals(&filter)?;
            if cli.json {
                return print_json(&hospitals);
            }
            for h in &hospitals {
                print_line(h);
            }
            Ok(())
        }
        HospitalsCommand::Show { code } => {
            let desk = open(cli, None)?;
            let hospital = desk.hospital_by_code(code)?;
            if cli.json {
                return print_json(&hospital);
            }
            print_details(&desk, &hospital);
            Ok(())
        }
        HospitalsCommand::Upsert { file } => {
            let saved = open(cli, None)?.upsert_hospitals_json(&read_input(file)?)?;
            if cli.json {
                let rows: Vec<_> = saved
                    .iter()
                    .map(|(hospital, created)| serde_json::json!({"hospital": hospital, "created": created}))
                    .collect();
                return print_json(&rows);
            }
            for (hospital, created) in &saved {
                say!("{} {}", if *created { "追加" } else { "更新" }, line_of(hospital));
            }
            Ok(())
        }
        HospitalsCommand::Capacity { code, file } => {
            let reports: Vec<CapacityReportInput> = read_list(&read_input(file)?)?;
            let mut desk = open(cli, None)?;
            let hospital = desk.hospital_by_code(code)?;
            let record = match desk.edition()? {
                tenin_core::edition::Edition::Desk => desk.report_capacity(&hospital.id, &reports)?,
                tenin_core::edition::Edition::Hospital => {
                    own_code_only(&desk, code)?;
                    desk.report_own_capacity(&reports)?
                }
            };
            if cli.json {
                return print_json(&record.hospital);
            }
            print_details(&desk, &record.hospital);
            Ok(())
        }
        HospitalsCommand::Requirements { code, file } => {
            let requirements: tenin_core::requirements::AcceptanceRequirements =
                serde_json::from_str(&read_input(file)?)
                    .map_err(|e| Failure::Usage(format!("受入要件のJSONとして読めません: {e}")))?;
            let mut desk = open(cli, None)?;
            let hospital = desk.hospital_by_code(code)?;
            let summary = match desk.edition()? {
                tenin_core::edition::Edition::Desk => {
                    let mut input = desk.hospital_input(&hospital.id)?;
                    input.requirements = requirements;
                    desk.update_hospital(&hospital.id, &input)?
                }
                tenin_core::edition::Edition::Hospital => {
                    own_code_only(&desk, code)?;
                    desk.set_own_requirements(&requirements)?.hospital
                }
            };
            if cli.json {
                return print_json(&summary);
            }
            print_details(&desk, &summary);
            Ok(())
        }
        HospitalsCommand::Sheet { format, encoding, out } => {
            let desk = open(cli, None)?;
            let (bytes, substituted) = match format {
                SheetFormat::Html => (desk.directory_sheet_html()?.into_bytes(), Vec::new()),
                SheetFormat::Csv => {
                    let encoding = match encoding {
                        EncodingArg::Utf8 => CsvEncoding::Utf8Bom,
                        EncodingArg::Cp932 => CsvEncoding::Cp932,
                    };
                    let file = desk.directory_sheet_csv(encoding)?;
                    (file.bytes, file.substituted)
                }
            };
            if !substituted.is_empty() {
                let chars: String = substituted.iter().collect();
                eprintln!("注意: CP932で表せない文字を〓に置き換えました: {chars}");
            }
            match out {
                Some(path) => crate::output::write_file(path, &bytes, cli.force),
                None => {
                    crate::output::bytes(&bytes);
                    Ok(())
                }
            }
        }
        HospitalsCommand::Settings { stale_after_hours } => {
            let mut desk = open(cli, None)?;
            let settings = match stale_after_hours {
                Some(hours) => desk.set_capacity_stale_after_hours(*hours)?,
                None => desk.settings()?,
            };
            if cli.json {
                return print_json(&settings);
            }
            say!("受入体制の鮮度: {}時間より古い報告を「古い情報」と表示", settings.capacity_stale_after_hours);
            Ok(())
        }
    }
}

/// A hospital edition reports for itself alone.
fn own_code_only(desk: &tenin_core::Desk, code: &str) -> Result<(), Failure> {
    let own = desk.hospital_identity()?.code;
    if own == code {
        Ok(())
    } else {
        Err(Failure::Usage(format!("医療機関版では自院（{own}）の分だけを報告できます")))
    }
}

fn line_of(h: &HospitalSummary) -> String {
    let flag = if h.beyond_criteria.is_empty() { "" } else { "\t独自ルール" };
    format!(
        "{}\t{}\t{}\t{}\t{}{flag}",
        h.code,
        h.name,
        h.municipality_name,
        h.jurisdiction_name,
        h.region_name.as_deref().unwrap_or("—")
    )
}

fn print_line(h: &HospitalSummary) {
    say!("{}", line_of(h));
}

fn print_details(desk: &tenin_core::Desk, h: &HospitalSummary) {
    print_line(h);
    for c in &h.contacts {
        let c = &c.input;
        say!("  窓口: {} {}  TEL {}  FAX {}  {}", c.department, c.person, c.phone, c.fax, c.hours_weekday);
    }
    for c in &h.capacity {
        let stale = if c.stale { "（古い情報）" } else { "" };
        say!("  空床: {} {}床  報告 {}{stale}", c.bed_type_name, c.available, crate::local(desk, &c.reported_at));
    }
    let labels = h.requirements.labels_ja();
    if !labels.is_empty() {
        say!("  受入要件: {}", labels.join("・"));
    }
    for rule in &h.beyond_criteria {
        say!("  独自ルール: {}", rule.japanese());
    }
}
