//! `tenin report …`: the reports from the command line, so a desk can schedule them.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use tenin_core::csv_file::CsvEncoding;
use tenin_core::desk::{ReportFormat, WorkReport};
use tenin_core::reports::JurisdictionBasis;
use tenin_core::reports::export;
use tenin_core::reports::tables::StaffHoursBaseline;

use crate::hospitals::core_term;
use crate::{Cli, Failure, open, print_json};

#[derive(Clone, Copy, ValueEnum)]
pub enum TableFormat {
    Csv,
    Xlsx,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Encoding {
    Utf8,
    Cp932,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PageFormat {
    Html,
    Pdf,
}

/// How a work report (transport, health centre, coaching) is given.
#[derive(Clone, Copy, ValueEnum)]
pub enum WorkFormat {
    /// The printable A4 page.
    Html,
    /// The page as PDF (needs --out).
    Pdf,
    /// The tables one after another, each under its title.
    Csv,
    /// A workbook, a sheet per table (needs --out).
    Xlsx,
    Json,
}

/// The period of a work report: --from and --to (desk dates, both included); by default from the
/// first of this month to today.
#[derive(clap::Args)]
pub struct Period {
    /// First day: 2026-11-01, R8.11.1 or 令和8年11月1日.
    #[arg(long, value_parser = crate::desk_date)]
    from: Option<chrono::NaiveDate>,
    /// Last day, in the same forms.
    #[arg(long, value_parser = crate::desk_date)]
    to: Option<chrono::NaiveDate>,
}

/// Where and how a work report goes.
#[derive(clap::Args)]
pub struct WorkOutput {
    #[arg(long, value_enum, default_value = "html")]
    format: WorkFormat,
    /// For CSV: UTF-8 with BOM or CP932.
    #[arg(long, value_enum, default_value = "utf8")]
    encoding: Encoding,
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Publicly funded transport (公費搬送): trips done and their costs per provider and month,
    /// funded or not, and the trips with their reasons.
    Transport {
        #[command(flatten)]
        period: Period,
        #[command(flatten)]
        output: WorkOutput,
    },
    /// The health centre's summary (保健所向け) of one jurisdiction's residents, pseudonymous.
    HealthCentre {
        /// The jurisdiction's id in the region pack (an unknown id is refused with the list of them).
        #[arg(long)]
        jurisdiction: String,
        #[command(flatten)]
        period: Period,
        #[command(flatten)]
        output: WorkOutput,
    },
    /// The desk's share of all downward transfers by month and jurisdiction: its placements against
    /// transport-only cases and transfers recorded as arranged outside it (`tenin outside add`).
    Share {
        #[command(flatten)]
        period: Period,
        #[command(flatten)]
        output: WorkOutput,
    },
    /// The input-quality report for one referring hospital, to coach it (入力品質のフィードバック).
    Quality {
        /// The hospital's code.
        #[arg(long)]
        hospital: String,
        #[command(flatten)]
        period: Period,
        #[command(flatten)]
        output: WorkOutput,
    },
    /// The patient-information sheet (患者情報提供票) with its FAX cover, for a candidate hospital
    /// without the app: one A4 page. Needs the consent recorded on the request.
    PatientSheet {
        /// The request (reference number, id or the hospital's record id).
        request: String,
        /// The hospital it is sent to (its name and FAX on the cover).
        #[arg(long)]
        hospital: Option<String>,
        /// When the answer is needed: `2026-11-29T15:00` (desk time) or RFC 3339.
        #[arg(long, default_value = "")]
        reply_by: String,
        #[arg(long, value_enum, default_value = "html")]
        format: PageFormat,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The daily transfer log (日報) of a desk date: A4 landscape, page X of Y, stamp boxes.
    Daily {
        /// 2026-11-21, R8.11.21 or 令和8年11月21日 (default: today in the desk's time zone).
        #[arg(long)]
        date: Option<String>,
        #[arg(long, value_enum, default_value = "html")]
        format: PageFormat,
        /// Where to write (standard output for HTML when left out; PDF needs a file).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The meeting tables (by region, by referring and receiving hospital, decline reasons, time to
    /// placement, staff hours saved): JSON, one table as CSV, or every table with the monthly one in
    /// an xlsx workbook (a sheet each).
    Tables {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long, value_enum, default_value = "json")]
        format: TableFormat,
        /// For CSV: which table (`by_region`, `by_referring_hospital`, `by_receiving_hospital`,
        /// `decline_reasons`, `time_to_placement`, `staff_hours_saved`).
        #[arg(long)]
        table: Option<String>,
        /// For the workbook's monthly sheet: whose jurisdiction.
        #[arg(long, default_value = "referrer", value_parser = core_term::<JurisdictionBasis>)]
        by: JurisdictionBasis,
        #[arg(long, value_enum, default_value = "utf8")]
        encoding: Encoding,
        /// Staff hours one transfer took without the desk (default 18.6).
        #[arg(long)]
        hours_per_case: Option<f64>,
        /// Desk minutes per inquiry (default 15).
        #[arg(long)]
        minutes_per_inquiry: Option<f64>,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Placements by month and health-centre jurisdiction (the prefecture's layout).
    Monthly {
        /// First month: 2026-04, R8.4 or 令和8年4月.
        #[arg(long)]
        from: String,
        /// Last month, in the same forms.
        #[arg(long)]
        to: String,
        /// Whose jurisdiction: `referrer` (the referring hospital's) or `residence` (the patient's).
        #[arg(long, default_value = "referrer", value_parser = core_term::<JurisdictionBasis>)]
        by: JurisdictionBasis,
        #[arg(long, value_enum, default_value = "csv")]
        format: TableFormat,
        /// For CSV: UTF-8 with BOM or CP932 (Shift_JIS as Windows writes it).
        #[arg(long, value_enum, default_value = "utf8")]
        encoding: Encoding,
        /// Where to write (standard output when left out; xlsx needs a file).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Bytes to the `--out` file (never over one without `--force`) or standard output.
pub(crate) fn write(cli: &Cli, out: &Option<PathBuf>, bytes: &[u8]) -> Result<(), Failure> {
    match out {
        Some(path) => {
            crate::output::write_file(path, bytes, cli.force)?;
            eprintln!("{}", path.display());
        }
        None => crate::output::bytes(bytes),
    }
    Ok(())
}

/// A printable page as HTML (to a file or standard output) or PDF (to a file).
fn page(cli: &Cli, html: &str, format: &PageFormat, out: &Option<PathBuf>) -> Result<(), Failure> {
    match (format, out) {
        (PageFormat::Html, _) => write(cli, out, html.as_bytes()),
        (PageFormat::Pdf, Some(path)) => {
            crate::output::check_free(path, cli.force)?;
            let pdf = crate::pdf::html_to_pdf(html)?;
            crate::output::write_file(path, &pdf, cli.force)?;
            eprintln!("{}", path.display());
            Ok(())
        }
        (PageFormat::Pdf, None) => Err(Failure::Usage("PDF は --out でファイルを指定してください".into())),
    }
}

/// The period asked for, or this month so far.
fn period(desk: &tenin_core::Desk, period: &Period) -> Result<(chrono::NaiveDate, chrono::NaiveDate), Failure> {
    use chrono::Datelike;
    let today = desk.today()?;
    let to = period.to.unwrap_or(today);
    let from = period.from.unwrap_or_else(|| to.with_day(1).unwrap_or(to));
    Ok((from, to))
}

fn work_report(cli: &Cli, desk: &tenin_core::Desk, report: &WorkReport, output: &WorkOutput) -> Result<(), Failure> {
    match output.format {
        WorkFormat::Json => print_json(&desk.work_report(report)?),
        WorkFormat::Html => page(cli, &desk.work_report_html(report)?, &PageFormat::Html, &output.out),
        WorkFormat::Pdf => page(cli, &desk.work_report_html(report)?, &PageFormat::Pdf, &output.out),
        WorkFormat::Csv | WorkFormat::Xlsx => {
            let format = match (output.format, output.encoding) {
                (WorkFormat::Xlsx, _) => ReportFormat::Xlsx,
                (_, Encoding::Cp932) => ReportFormat::CsvCp932,
                (_, Encoding::Utf8) => ReportFormat::CsvUtf8Bom,
            };
            if format == ReportFormat::Xlsx && output.out.is_none() {
                return Err(Failure::Usage("xlsx は --out でファイルを指定してください".into()));
            }
            let (bytes, substituted) = desk.work_report_file(report, format)?;
            if !substituted.is_empty() {
                eprintln!("注意: CP932 で表せない文字を 〓 にしました: {}", substituted.concat());
            }
            write(cli, &output.out, &bytes)
        }
    }
}

pub fn run(cli: &Cli, command: &ReportCommand) -> Result<(), Failure> {
    match command {
        ReportCommand::Transport { period: days, output } => {
            let desk = open(cli, None)?;
            let (from, to) = period(&desk, days)?;
            work_report(cli, &desk, &WorkReport::Transport { from, to }, output)
        }
        ReportCommand::HealthCentre { jurisdiction, period: days, output } => {
            let desk = open(cli, None)?;
            let (from, to) = period(&desk, days)?;
            let report = WorkReport::HealthCentre { jurisdiction_id: jurisdiction.clone(), from, to };
            work_report(cli, &desk, &report, output)
        }
        ReportCommand::Share { period: days, output } => {
            let desk = open(cli, None)?;
            let (from, to) = period(&desk, days)?;
            work_report(cli, &desk, &WorkReport::DeskShare { from, to }, output)
        }
        ReportCommand::Quality { hospital, period: days, output } => {
            let desk = open(cli, None)?;
            let (from, to) = period(&desk, days)?;
            let hospital_id = desk.hospital_by_code(hospital)?.id;
            work_report(cli, &desk, &WorkReport::Quality { hospital_id, from, to }, output)
        }
        ReportCommand::PatientSheet { request, hospital, reply_by, format, out } => {
            let desk = open(cli, None)?;
            let hospital_id = match hospital {
                Some(code) => Some(desk.hospital_by_code(code)?.id),
                None => None,
            };
            let html = desk.patient_sheet_html(request, hospital_id.as_deref(), reply_by)?;
            page(cli, &html, format, out)
        }
        ReportCommand::Daily { date, format, out } => {
            let desk = open(cli, None)?;
            let date = match date {
                Some(date) => date.clone(),
                None => desk.today()?.to_string(),
            };
            let html = desk.daily_log_html(&date)?;
            page(cli, &html, format, out)
        }
        ReportCommand::Tables { from, to, format, table, by, encoding, hours_per_case, minutes_per_inquiry, out } => {
            let desk = open(cli, None)?;
            let defaults = StaffHoursBaseline::default();
            let baseline = StaffHoursBaseline {
                hours_per_case_without_desk: hours_per_case.unwrap_or(defaults.hours_per_case_without_desk),
                minutes_per_inquiry: minutes_per_inquiry.unwrap_or(defaults.minutes_per_inquiry),
            };
            let tables = desk.report_tables(from, to, baseline)?;
            match format {
                TableFormat::Json => print_json(&tables),
                TableFormat::Csv => {
                    let names: Vec<&str> = tables.iter().map(|t| t.id.as_str()).collect();
                    let chosen = table
                        .as_deref()
                        .and_then(|id| tables.iter().find(|t| t.id == id))
                        .ok_or_else(|| Failure::Usage(format!("--table で表を選んでください: {}", names.join(", "))))?;
                    let encoding = match encoding {
                        Encoding::Utf8 => CsvEncoding::Utf8Bom,
                        Encoding::Cp932 => CsvEncoding::Cp932,
                    };
                    let file = export::table_csv(chosen, encoding)?;
                    if !file.substituted.is_empty() {
                        let chars: String = file.substituted.iter().collect();
                        eprintln!("注意: CP932 で表せない文字を 〓 にしました: {chars}");
                    }
                    write(cli, out, &file.bytes)
                }
                TableFormat::Xlsx => {
                    if out.is_none() {
                        return Err(Failure::Usage("xlsx は --out でファイルを指定してください".into()));
                    }
                    let monthly = desk.monthly_report(from, to, *by)?;
                    write(cli, out, &export::meeting_xlsx(&monthly, &tables)?)
                }
            }
        }
        ReportCommand::Monthly { from, to, by, format, encoding, out } => {
            let desk = open(cli, None)?;
            let report = desk.monthly_report(from, to, *by)?;
            match format {
                TableFormat::Json => print_json(&report),
                TableFormat::Csv => {
                    let encoding = match encoding {
                        Encoding::Utf8 => CsvEncoding::Utf8Bom,
                        Encoding::Cp932 => CsvEncoding::Cp932,
                    };
                    let file = desk.monthly_report_csv(&report, encoding)?;
                    if !file.substituted.is_empty() {
                        let chars: String = file.substituted.iter().collect();
                        eprintln!("注意: CP932 で表せない文字を 〓 にしました: {chars}");
                    }
                    write(cli, out, &file.bytes)
                }
                TableFormat::Xlsx => {
                    if out.is_none() {
                        return Err(Failure::Usage("xlsx は --out でファイルを指定してください".into()));
                    }
                    write(cli, out, &export::monthly_xlsx(&report, &report.title())?)
                }
            }
        }
    }
}
