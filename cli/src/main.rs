//! `tenin`: the command-line companion of Tenin Desk, for automation and scripted checks.
//! Every command is a thin call into `tenin_core::Desk`; `--json` prints the same transfer types
//! the app's UI receives, and errors as `{code, message, problems}`.

#[macro_use]
mod output;
mod exchange;
mod hospitals;
mod inquiries;
mod matching;
mod outside;
mod package_open;
mod pdf;
mod post_covid;
mod region_pack;
mod report;
mod sync;
mod transport;
mod users;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hospitals::HospitalsCommand;
use serde::Serialize;
use tenin_core::desk::{AccessState, NewUserInput};
use tenin_core::region_pack::RegionPack;
use tenin_core::remembered_passphrase;
use tenin_core::request_status::RequestStatus;
use tenin_core::{Desk, DeskStatus, ErrorReport, OpenError};

#[derive(Parser)]
#[command(name = "tenin", version, about = "Tenin Desk (転院調整デスク) command line")]
pub(crate) struct Cli {
    /// Data directory (default: $TENIN_DATA_DIR, else the per-user app data directory).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Sign in as this user (default: $TENIN_USER); the password comes from $TENIN_PASSWORD or is
    /// asked for.
    #[arg(long, global = true, value_name = "LOGIN")]
    user: Option<String>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    /// Replace a file named by --out that already exists (without it, an existing file is refused).
    #[arg(long, global = true)]
    pub(crate) force: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create (or check) the database; a new one is set up with the bundled or the given region pack.
    Init {
        /// A region pack JSON file (format: docs/region-pack.md).
        #[arg(long, value_name = "FILE")]
        region_pack: Option<PathBuf>,
        /// On a new desk: create the first administrator with this login (password from
        /// $TENIN_NEW_PASSWORD or asked for) and sign in as them.
        #[arg(long, value_name = "LOGIN")]
        admin: Option<String>,
        /// The first administrator's name as shown in the app and the audit trail.
        #[arg(long, value_name = "NAME", requires = "admin")]
        name: Option<String>,
        /// `desk` (the coordination desk, the default) or `hospital` (one hospital exchanging
        /// packages with its desk: needs --hospital-code, --hospital-name, --municipality, --desk-keys).
        #[arg(long, default_value = "desk", value_parser = ["desk", "hospital"])]
        edition: String,
        #[arg(long, value_name = "CODE")]
        hospital_code: Option<String>,
        #[arg(long, value_name = "NAME")]
        hospital_name: Option<String>,
        /// The hospital's name in kana (for searching; defaults to the name).
        #[arg(long, value_name = "KANA", default_value = "")]
        hospital_kana: String,
        /// The hospital's municipality: code or name (横浜市鶴見区).
        #[arg(long, value_name = "CODE_OR_NAME")]
        municipality: Option<String>,
        /// The desk's keys file (from `tenin package keys --export` at the desk).
        #[arg(long, value_name = "FILE")]
        desk_keys: Option<PathBuf>,
        /// Make the new desk without encryption. A new desk is encrypted unless this is given: its
        /// passphrase comes from $TENIN_NEW_PASSPHRASE or is asked for on a terminal.
        #[arg(long)]
        unencrypted: bool,
    },
    /// Break-glass, when no administrator can sign in (or the passphrase is forgotten): with the
    /// desk's recovery key ($TENIN_RECOVERY_KEY or asked for), give LOGIN an administrator's
    /// account with a new password ($TENIN_NEW_PASSWORD or asked for). On an encrypted desk the
    /// passphrase is $TENIN_PASSPHRASE, or comes from the escrow beside the database. Audited.
    Recover {
        #[arg(long, value_name = "LOGIN")]
        login: String,
        /// The name for a new administrator (an existing one keeps theirs).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
    /// Make a new recovery key (administrator): the old one stops working. Shown once.
    RecoveryKey,
    /// Load the demo data (fictional hospitals, providers and requests) into an empty desk.
    Demo,
    /// Encrypt the database under the desk's passphrase, or change it (administrator only):
    /// the new one from $TENIN_NEW_PASSPHRASE, the current one from $TENIN_PASSPHRASE.
    Encrypt,
    /// Users and roles (administrator only).
    #[command(subcommand)]
    Users(users::UsersCommand),
    /// Schema version, record counts and the integrity check.
    Status,
    /// Transfer requests.
    #[command(subcommand)]
    Requests(RequestsCommand),
    /// The hospital directory.
    #[command(subcommand)]
    Hospitals(HospitalsCommand),
    /// Reports: the daily transfer log (HTML, PDF), the monthly table by jurisdiction (CSV, xlsx, JSON), the
    /// meeting tables, funded transport, the health centre's summary and the coaching report for a hospital.
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Back up the database now into the backup folder (checked before it is kept; old generations
    /// beyond the setting removed). With options, change the folder, generations and schedule first.
    Backup {
        /// Backup folder (default: `backups` in the data folder).
        #[arg(long)]
        dir: Option<String>,
        /// Generations to keep (1–365).
        #[arg(long)]
        keep: Option<u32>,
        /// Hours between scheduled backups made by the app (0 = off).
        #[arg(long)]
        every_hours: Option<u32>,
        /// A second folder off this machine (removable media, a network folder) every backup is
        /// copied to; "" to stop.
        #[arg(long)]
        offsite_dir: Option<String>,
        /// Warn when the last off-machine copy is older than this many days (1–90).
        #[arg(long)]
        offsite_max_age_days: Option<u32>,
    },
    /// Replace the desk's data with a backup: checked first, the current database kept aside.
    /// Close the app before restoring.
    Restore {
        file: PathBuf,
        /// Restore even though the backup's audit chain is broken (the break is recorded).
        #[arg(long)]
        accept_broken_audit: bool,
    },
    /// The audit trail: `verify` walks its hash chain and names the first entry that was changed,
    /// removed or slipped in (exit code 1 when broken).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Transport: providers, the proposal for a request, bookings and the transport request sheet.
    #[command(subcommand)]
    Transport(transport::TransportCommand),
    /// Exchange packages with hospitals: keys, inspect, verify, import (with --dry-run), export, the
    /// log, conflicts and quarantine.
    #[command(subcommand)]
    Package(exchange::PackageCommand),
    /// Request templates for hospitals without the app (xlsx, CSV), and importing them.
    #[command(subcommand)]
    Template(exchange::TemplateCommand),
    /// Import historical transfer cases (CSV or xlsx) through a column mapping.
    Import(exchange::HistoryArgs),
    /// The hospital edition's inquiries from its desk: list them, answer one.
    #[command(subcommand)]
    Inquiries(inquiries::InquiriesCommand),
    /// Transfers hospitals arranged without the desk, recorded for the desk's share (report share).
    #[command(subcommand)]
    Outside(outside::OutsideCommand),
    /// Load a newer version of the desk's region pack (a new plan, a municipal merger, a new decline
    /// reason): `preview` what changes and which records move, then `apply` (administrator).
    #[command(subcommand)]
    RegionPack(region_pack::RegionPackCommand),
    /// The referral network for post-COVID conditions (一次受け / 二次受け): entries, the published
    /// list, the counts over time, the survey out and back in.
    #[command(subcommand)]
    PostCovid(post_covid::PostCovidCommand),
    /// The shared sync folder: settings, one cycle now, the log, the inbox.
    #[command(subcommand)]
    Sync(sync::SyncCommand),
    /// How the desk is reached, printed on patient sheets and sent in inquiries (supervisor).
    DeskContact {
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        fax: Option<String>,
    },
    /// The matching engine: candidates for one request (id or reference number), best first, with
    /// score parts and why every other hospital is out; or, with --batch, a suggestion placing the
    /// most patients awaiting placement.
    Match {
        request: Option<String>,
        #[arg(long)]
        batch: bool,
        /// In text output, also list the excluded hospitals with their reasons (JSON always has them).
        #[arg(long)]
        excluded: bool,
        /// In text output, every candidate (without it, the best 20, as the app shows the first few;
        /// JSON always has them all).
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk the chain. With --against, the chain must also still hold a head saved earlier (a
    /// file from `audit head --out`, or a backup of this desk): entries cut off the end are found.
    Verify {
        #[arg(long, value_name = "FILE")]
        against: Option<PathBuf>,
    },
    /// The end of the chain (number, hash, time), to keep outside the desk: printed, or written
    /// to FILE for a later `audit verify --against FILE`.
    Head {
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Audit rows, newest first, narrowed by entity, time (a date or RFC 3339) and text.
    List {
        #[arg(long)]
        entity: Option<String>,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
        #[arg(long, default_value = "")]
        text: String,
        #[arg(long)]
        limit: Option<u32>,
    },
}

#[derive(Subcommand)]
enum RequestsCommand {
    /// The queue: open requests first, longest waiting first. Tab-separated: reference number,
    /// status, referring hospital, patient, residence (`cut -f1` gives the reference numbers).
    /// Open requests by default (it says how many closed ones it left out); `--all` for every
    /// request (streamed page by page), `--closed` for the closed ones.
    List {
        /// Only requests in this state (new, checking, coordinating, placed, arranging_transport, …;
        /// a closed state looks among the closed ones).
        #[arg(long, value_parser = request_status)]
        status: Option<RequestStatus>,
        #[arg(long, conflicts_with = "closed")]
        all: bool,
        #[arg(long)]
        closed: bool,
        /// Only requests whose reference number, initials or referring hospital contain this.
        #[arg(long, default_value = "")]
        text: String,
        /// At most this many rows (a page).
        #[arg(long)]
        limit: Option<u32>,
        /// Skip this many rows (the pages before; a page's last line says where the next starts).
        #[arg(long, default_value_t = 0)]
        after: u32,
    },
    /// One request with its status history: by reference number (as said on the phone), id, or the
    /// referring hospital's record id (「CODE:record」 names the hospital).
    Show { id: String },
    /// Time from registration to the placement that held (mean, median, 90th percentile), overall, by
    /// the jurisdiction of the patient's residence and by referring hospital.
    PlacementTime {
        /// First day: 2026-11-01, R8.11.1 or 令和8年11月1日 (default: 29 days before --to).
        #[arg(long, value_parser = desk_date)]
        from: Option<chrono::NaiveDate>,
        /// Last day, in the same forms (default: today in the desk's time zone).
        #[arg(long, value_parser = desk_date)]
        to: Option<chrono::NaiveDate>,
    },
    /// Move a request to another state: new, checking, coordinating, placed, arranging_transport,
    /// transferred, withdrawn, not_placed. Refused when the workflow does not allow the move.
    /// `placed` needs a hospital that accepted: --hospital CODE records its acceptance (agreed by
    /// phone) in the same step when it was not logged.
    Transition {
        id: String,
        state: String,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        hospital: Option<String>,
        /// With withdrawn or not_placed: also cancel the request's bookings still requested or
        /// confirmed, in the same step.
        #[arg(long)]
        cancel_bookings: bool,
    },
    /// Take a request on as transport only (搬送のみ): the hospitals agreed between themselves that
    /// --hospital CODE receives the patient; the desk books the vehicle. It moves to
    /// arranging_transport without placed, so it is never counted as a desk placement.
    TransportOnly {
        id: String,
        #[arg(long)]
        hospital: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Register a request from a JSON file of the intake's fields (as the form takes them: raw text,
    /// 和暦 and full-width accepted); `-` reads standard input. A possible duplicate is refused
    /// unless --keep-both.
    New {
        file: PathBuf,
        #[arg(long)]
        keep_both: bool,
    },
    /// Correct a request's intake from a JSON file (all the intake's fields).
    Update {
        id: String,
        file: PathBuf,
        /// The version you read (refused if the request changed since); default: as it is now.
        #[arg(long)]
        version: Option<u32>,
    },
    /// Record who gave consent to share the patient's information with candidate hospitals.
    Consent {
        id: String,
        /// Who consented, as the referring hospital said (本人, 長男, …).
        #[arg(long)]
        by: String,
    },
}

/// What a command failed with: the database could not be opened, or the core refused.
pub(crate) enum Failure {
    Open(OpenError),
    Refused(ErrorReport),
    Usage(String),
    /// The folder holds no desk: only `tenin init` makes one.
    NoDesk(PathBuf),
}

impl From<tenin_core::Error> for Failure {
    fn from(error: tenin_core::Error) -> Self {
        Failure::Refused(error.into())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = run(&cli);
    output::flush();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => report(&cli, failure),
    }
}

fn report(cli: &Cli, failure: Failure) -> ExitCode {
    let (code, json, text) = match failure {
        Failure::Open(error) => (2, serde_json::json!({"open_error": error}), error.to_string()),
        Failure::Refused(report) => {
            let mut text = report.message.clone();
            for p in &report.problems {
                text.push_str(&format!("\n  {}: {}", p.field, p.message));
            }
            (1, serde_json::json!({"error": report}), text)
        }
        Failure::Usage(message) => (2, serde_json::json!({"error": {"code": "usage", "message": message}}), message),
        Failure::NoDesk(dir) => {
            let message = format!(
                "{} にはデスクがありません。フォルダ名を確かめるか、新しく作るときは: tenin --data-dir {} init --admin ログイン名 --name 氏名",
                dir.display(),
                dir.display()
            );
            (2, serde_json::json!({"error": {"code": "no_desk", "message": message, "data_dir": dir}}), message)
        }
    };
    if cli.json {
        eprintln!("{json}");
    } else {
        eprintln!("エラー: {text}");
    }
    ExitCode::from(code)
}

/// Opens the desk and signs the command's user in.
pub(crate) fn open(cli: &Cli, pack: Option<&RegionPack>) -> Result<Desk, Failure> {
    let mut desk = open_signed_out(cli, pack)?;
    users::sign_in(cli, &mut desk)?;
    Ok(desk)
}

fn data_dir(cli: &Cli) -> Result<PathBuf, Failure> {
    tenin_core::data_dir::resolve(cli.data_dir.clone())
        .ok_or_else(|| Failure::Usage("データフォルダが決められません。--data-dir を指定してください".into()))
}

/// Opens the desk that must already be in the data folder (`tenin init` makes one).
fn open_signed_out(cli: &Cli, _pack: Option<&RegionPack>) -> Result<Desk, Failure> {
    let dir = data_dir(cli)?;
    if !dir.join(tenin_core::desk::DATABASE_FILE).exists() {
        return Err(Failure::NoDesk(dir));
    }
    open_existing(&dir)
}

/// Opens an existing desk, asking for the passphrase when it is encrypted — also when its marker
/// file was lost and $TENIN_PASSPHRASE is given.
fn open_existing(dir: &std::path::Path) -> Result<Desk, Failure> {
    match Desk::open(dir) {
        Err(OpenError::NeedsPassphrase { .. }) => {
            // A passphrase the app remembered on this PC (the system's credential store) first.
            if std::env::var_os(users::PASSPHRASE_ENV).is_none()
                && let Some(desk) = remembered_passphrase::open_remembered(&remembered_passphrase::SystemStore, dir)
            {
                return Ok(desk);
            }
            let passphrase = users::secret(users::PASSPHRASE_ENV, "デスクの合言葉: ")?;
            Desk::open_with_passphrase(dir, &passphrase).map_err(Failure::Open)
        }
        Err(OpenError::NotADatabase { .. }) if std::env::var_os(users::PASSPHRASE_ENV).is_some() => {
            let passphrase = users::secret(users::PASSPHRASE_ENV, "デスクの合言葉: ")?;
            Desk::open_with_passphrase(dir, &passphrase).map_err(Failure::Open)
        }
        other => other.map_err(Failure::Open),
    }
}

/// `tenin init`: opens the desk in the folder, or makes a new one — encrypted unless
/// `--unencrypted` — and says its recovery key once.
fn create_desk(cli: &Cli, pack: Option<RegionPack>, unencrypted: bool) -> Result<Desk, Failure> {
    let dir = data_dir(cli)?;
    if tenin_core::data_dir::holds_desk(&dir) {
        return open_existing(&dir);
    }
    let passphrase = if unencrypted {
        None
    } else if std::env::var_os(users::NEW_PASSPHRASE_ENV).is_some() || std::io::stdin().is_terminal() {
        Some(users::secret(users::NEW_PASSPHRASE_ENV, "新しいデスクの合言葉（10文字以上）: ")?)
    } else {
        return Err(Failure::Usage(
            "新しいデスクは暗号化します。合言葉を $TENIN_NEW_PASSPHRASE で渡すか、暗号化しない場合は --unencrypted を指定してください"
                .into(),
        ));
    };
    let (desk, recovery_key) =
        Desk::create(&dir, &tenin_core::desk::NewDesk { pack, passphrase }).map_err(Failure::Open)?;
    if let Some(code) = recovery_key {
        if cli.json {
            eprintln!("{}", serde_json::json!({ "recovery_key": code }));
        } else {
            eprintln!("回復キー（この一度だけ表示します。印刷して事務所の金庫に保管してください）: {code}");
        }
    }
    Ok(desk)
}

fn run(cli: &Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Init { edition, hospital_code, hospital_name, hospital_kana, municipality, desk_keys, .. }
            if edition == "hospital" =>
        {
            let Command::Init { admin, name, .. } = &cli.command else { unreachable!() };
            let (Some(admin), Some(code), Some(hospital_name), Some(municipality), Some(keys_path)) =
                (admin, hospital_code, hospital_name, municipality, desk_keys)
            else {
                return Err(Failure::Usage(
                    "医療機関版には --admin --hospital-code --hospital-name --municipality --desk-keys が必要です"
                        .into(),
                ));
            };
            let desk_keys = std::fs::read_to_string(keys_path)
                .map_err(|e| Failure::Usage(format!("{} を読めません: {e}", keys_path.display())))?;
            let read = Desk::read_desk_keys(&desk_keys)?;
            eprintln!(
                "調整デスク: {}（ID {}）指紋 {} — デスクに電話で確認してください",
                read.name, read.id, read.fingerprint
            );
            let Command::Init { unencrypted, .. } = &cli.command else { unreachable!() };
            let mut desk = create_desk(cli, None, *unencrypted)?;
            let password = users::secret(users::NEW_PASSWORD_ENV, &format!("{admin} のパスワード: "))?;
            desk.set_up_hospital_edition(&tenin_core::desk::HospitalSetup {
                hospital_code: code.clone(),
                hospital_name: hospital_name.clone(),
                hospital_name_kana: hospital_kana.clone(),
                municipality_code: municipality.clone(),
                desk_keys,
                admin: NewUserInput {
                    login: admin.clone(),
                    display_name: name.clone().unwrap_or_else(|| admin.clone()),
                    role: None,
                    password,
                },
            })?;
            print_status(cli, &desk.status()?, None)
        }
        Command::Init { region_pack, admin, name, unencrypted, .. } => {
            let pack = match region_pack {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .map_err(|e| Failure::Usage(format!("{} を読めません: {e}", path.display())))?;
                    Some(RegionPack::from_json(&text)?)
                }
                None => None,
            };
            if admin.is_none() && !tenin_core::data_dir::holds_desk(&data_dir(cli)?) {
                return Err(Failure::Usage(
                    "最初の管理者を作成してください: tenin init --admin ログイン名 --name 氏名".into(),
                ));
            }
            let mut desk = create_desk(cli, pack.clone(), *unencrypted)?;
            let setting_up = desk.access()?.state == AccessState::SetUp;
            match admin {
                Some(login) if setting_up => {
                    let password = users::secret(users::NEW_PASSWORD_ENV, &format!("{login} のパスワード: "))?;
                    let input = NewUserInput {
                        login: login.clone(),
                        display_name: name.clone().unwrap_or_else(|| login.clone()),
                        role: None,
                        password,
                    };
                    desk.set_up_administrator(&input)?;
                }
                Some(_) => return Err(Failure::Usage("管理者は作成済みです。--user でサインインしてください".into())),
                None if setting_up => {
                    return Err(Failure::Usage(
                        "最初の管理者を作成してください: tenin init --admin ログイン名 --name 氏名".into(),
                    ));
                }
                None => users::sign_in(cli, &mut desk)?,
            }
            let status = desk.status()?;
            if let Some(pack) = &pack
                && pack.id != status.region_pack.id
            {
                return Err(Failure::Usage(format!(
                    "このデータフォルダは地域パック「{}」で作成済みです（指定: {}）",
                    status.region_pack.id, pack.id
                )));
            }
            print_status(cli, &status, None)
        }
        Command::Demo => {
            let mut desk = open(cli, None)?;
            let loaded = desk.load_demo()?;
            if cli.json {
                print_json(&loaded)
            } else {
                say!(
                    "デモデータを読み込みました: 医療機関 {} 件、搬送事業者 {} 件、依頼 {} 件",
                    loaded.hospitals,
                    loaded.transport_providers,
                    loaded.requests
                );
                Ok(())
            }
        }
        Command::Status => {
            let desk = open(cli, None)?;
            let integrity = desk.integrity_check()?;
            print_status(cli, &desk.status()?, Some(&integrity))?;
            if integrity != "ok" {
                return Err(Failure::Refused(tenin_core::ErrorReport::new(
                    tenin_core::ErrorCode::Storage,
                    format!("整合性チェックに失敗しました: {integrity}。バックアップから復元してください"),
                )));
            }
            Ok(())
        }
        Command::Recover { login, name } => recover(cli, login, name.as_deref()),
        Command::RecoveryKey => {
            let code = open(cli, None)?.new_recovery_key()?;
            if cli.json {
                print_json(&serde_json::json!({ "recovery_key": code }))
            } else {
                say!(
                    "新しい回復キー（この一度だけ表示します。印刷して金庫に保管し、古いものは破棄してください）: {code}"
                );
                Ok(())
            }
        }
        Command::Requests(RequestsCommand::List { status, all, closed, text, limit, after }) => {
            use tenin_core::request_view::{QueueQuery, QueueScope};
            let desk = open(cli, None)?;
            let scope = match (all, closed, status) {
                (true, _, _) => QueueScope::All,
                (_, true, _) => QueueScope::Closed,
                (_, _, Some(status)) if !status.is_open() => QueueScope::Closed,
                _ => QueueScope::Open,
            };
            // Page by page: a desk with a million past requests is streamed, never held whole.
            const PAGE: u32 = 10_000;
            let mut query = QueueQuery { scope, text: text.clone(), limit: None, after: *after };
            let mut left = *limit;
            let mut first = true;
            let mut left_out;
            let mut capped;
            if cli.json {
                output::bytes(b"[");
            }
            loop {
                query.limit = Some(left.map_or(PAGE, |n| n.min(PAGE)));
                let page = desk.queue(&query)?;
                left_out = page.left_out;
                capped = page.counts_capped;
                for r in page.rows.iter().filter(|r| status.is_none_or(|s| r.status == s)) {
                    if cli.json {
                        let json = serde_json::to_string(r).map_err(tenin_core::Error::from)?;
                        output::bytes(format!("{}{json}", if first { "" } else { "," }).as_bytes());
                    } else {
                        say!(
                            "{}\t{}\t{}\t{} {}歳 {}\t{}",
                            r.ref_no,
                            r.status.label_ja(),
                            r.referring_hospital_name,
                            r.patient_initials,
                            r.patient_age,
                            r.patient_sex.label_ja(),
                            r.residence_name.as_deref().unwrap_or("—"),
                        );
                    }
                    first = false;
                }
                left = left.map(|n| n.saturating_sub(page.rows.len() as u32));
                match page.next_after {
                    Some(next) if left != Some(0) => query.after = next,
                    next => {
                        if let (Some(next), Some(0)) = (next, left)
                            && !cli.json
                        {
                            eprintln!("続きは --after {next}");
                        }
                        break;
                    }
                }
            }
            if cli.json {
                output::bytes(b"]\n");
            } else if scope == QueueScope::Open && left_out > 0 {
                let more = if capped { "以上" } else { "" };
                eprintln!("終了した依頼 {left_out} 件{more}は表示していません（すべては --all、終了分は --closed）");
            }
            Ok(())
        }
        Command::Requests(RequestsCommand::Show { id }) => {
            let desk = open(cli, None)?;
            let detail = desk.request(&desk.resolve_request(id)?)?;
            if cli.json {
                return print_json(&detail);
            }
            print_request(&desk, &detail);
            Ok(())
        }
        Command::Requests(RequestsCommand::Transition { id, state, note, hospital, cancel_bookings }) => {
            let to = request_status(state).map_err(Failure::Usage)?;
            let mut desk = open(cli, None)?;
            let id = desk.resolve_request(id)?;
            let detail = match (to, hospital) {
                (RequestStatus::Placed, Some(code)) => {
                    let hospital_id = desk.hospital_by_code(code)?.id;
                    desk.place(&id, &hospital_id, None, note)?
                }
                (_, Some(_)) => {
                    return Err(Failure::Usage("--hospital は placed（受入決定）のときだけ指定できます".into()));
                }
                (_, None) => desk.close_request(&id, to, None, note, *cancel_bookings)?,
            };
            if cli.json {
                return print_json(&detail);
            }
            say!("{} を「{}」にしました", detail.summary.ref_no, detail.summary.status.label_ja());
            Ok(())
        }
        Command::Requests(RequestsCommand::TransportOnly { id, hospital, note }) => {
            let mut desk = open(cli, None)?;
            let id = desk.resolve_request(id)?;
            let hospital_id = desk.hospital_by_code(hospital)?.id;
            let detail = desk.mark_transport_only(&id, &hospital_id, None, note)?;
            if cli.json {
                return print_json(&detail);
            }
            say!(
                "{} を搬送のみ（受入: {}）として「{}」にしました",
                detail.summary.ref_no,
                hospital,
                detail.summary.status.label_ja()
            );
            Ok(())
        }
        Command::Requests(RequestsCommand::New { file, keep_both }) => {
            let input: tenin_core::request::NewRequestInput = serde_json::from_str(&hospitals::read_input(file)?)
                .map_err(|e| Failure::Usage(format!("依頼のJSONとして読めません: {e}")))?;
            let mut desk = open(cli, None)?;
            let detail = desk.create_request(&input, *keep_both)?;
            if cli.json {
                return print_json(&detail);
            }
            say!("{} を登録しました", detail.summary.ref_no);
            Ok(())
        }
        Command::Requests(RequestsCommand::Update { id, file, version }) => {
            let input: tenin_core::request::NewRequestInput = serde_json::from_str(&hospitals::read_input(file)?)
                .map_err(|e| Failure::Usage(format!("依頼のJSONとして読めません: {e}")))?;
            let mut desk = open(cli, None)?;
            let id = desk.resolve_request(id)?;
            let version = match version {
                Some(v) => *v,
                None => desk.request(&id)?.version,
            };
            let detail = desk.update_request(&id, version, &input)?;
            if cli.json {
                return print_json(&detail);
            }
            say!("{} を修正しました", detail.summary.ref_no);
            Ok(())
        }
        Command::Requests(RequestsCommand::Consent { id, by }) => {
            let mut desk = open(cli, None)?;
            let id = desk.resolve_request(id)?;
            let detail = desk.record_consent(&id, by)?;
            if cli.json {
                return print_json(&detail);
            }
            say!("{}: 情報提供の同意を記録しました（{}）", detail.summary.ref_no, by);
            Ok(())
        }
        Command::Requests(RequestsCommand::PlacementTime { from, to }) => {
            let desk = open(cli, None)?;
            let to = match to {
                Some(to) => *to,
                None => desk.today()?,
            };
            let from = from.unwrap_or(to - chrono::Duration::days(29));
            let times = desk.placement_times(from, to)?;
            if cli.json {
                return print_json(&times);
            }
            say!("受入決定までの時間 {}〜{}（目安 {} 分）", times.from, times.to, times.target_minutes);
            let line = |label: &str, s: &tenin_core::placement_time::DurationStats| match (
                s.mean_minutes,
                s.median_minutes,
                s.p90_minutes,
            ) {
                (Some(mean), Some(median), Some(p90)) => {
                    say!("  {label}\t{} 件\t平均 {mean:.0} 分\t中央値 {median:.0} 分\t90% {p90} 分", s.count)
                }
                _ => say!("  {label}\t0 件"),
            };
            line("全体", &times.overall);
            say!("保健所別（居住地）:");
            for g in &times.by_jurisdiction {
                line(g.group.as_deref().unwrap_or("不明"), &g.stats);
            }
            say!("依頼元医療機関別:");
            for g in &times.by_referring_hospital {
                line(g.group.as_deref().unwrap_or("不明"), &g.stats);
            }
            Ok(())
        }
        Command::Hospitals(command) => hospitals::run(cli, command),
        Command::Users(command) => users::run(cli, command),
        Command::Encrypt => users::encrypt(cli),
        Command::Transport(command) => transport::run(cli, command),
        Command::Backup { dir, keep, every_hours, offsite_dir, offsite_max_age_days } => {
            let mut desk = open(cli, None)?;
            if dir.is_some()
                || keep.is_some()
                || every_hours.is_some()
                || offsite_dir.is_some()
                || offsite_max_age_days.is_some()
            {
                let current = desk.backup_settings()?;
                desk.set_backup_settings(&tenin_core::desk::BackupSettings {
                    dir: dir.clone().unwrap_or(current.dir),
                    keep: keep.unwrap_or(current.keep),
                    every_hours: every_hours.unwrap_or(current.every_hours),
                    offsite_dir: offsite_dir.clone().unwrap_or(current.offsite_dir),
                    offsite_max_age_days: offsite_max_age_days.unwrap_or(current.offsite_max_age_days),
                })?;
            }
            let done = desk.backup_now()?;
            if cli.json {
                return print_json(&done);
            }
            say!("バックアップしました: {}（古い {} 件を削除）", done.path, done.removed);
            if let Some(copy) = &done.offsite_path {
                say!("このPCの外にも保存しました: {copy}");
            }
            match &done.offsite_error {
                // The backup itself is kept; the missing off-machine copy is a failure to see.
                Some(error) => Err(Failure::Refused(tenin_core::ErrorReport::new(
                    tenin_core::ErrorCode::Io,
                    format!("このPCの外への保存に失敗しました: {error}"),
                ))),
                None => Ok(()),
            }
        }
        Command::Restore { file, accept_broken_audit } => {
            let done = open(cli, None)?.restore_backup(file, *accept_broken_audit)?;
            if cli.json {
                print_json(&done)
            } else {
                say!("復元しました。復元前のデータベースは {} に残してあります", done.kept_aside);
                Ok(())
            }
        }
        Command::Audit(AuditCommand::List { entity, from, to, text, limit }) => {
            let filter = tenin_core::desk::AuditFilter {
                entity: entity.clone(),
                from: from.clone(),
                to: to.clone(),
                text: text.clone(),
                limit: *limit,
            };
            let desk = open(cli, None)?;
            let rows = desk.audit_log(&filter)?;
            if cli.json {
                return print_json(&rows);
            }
            for r in &rows {
                say!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    r.seq,
                    local(&desk, &r.at),
                    r.user_name,
                    r.action,
                    r.entity,
                    r.entity_id
                );
            }
            Ok(())
        }
        Command::Audit(AuditCommand::Head { out }) => {
            let desk = open(cli, None)?;
            let head = desk.audit_head()?.ok_or_else(|| Failure::Usage("監査記録がありません".into()))?;
            if let Some(path) = out {
                let json = serde_json::to_string_pretty(&head).map_err(tenin_core::Error::from)?;
                output::write_file(path, json.as_bytes(), false)?;
            }
            if cli.json {
                print_json(&head)
            } else {
                say!("監査記録の末尾: {}（{}）", head.short(), local(&desk, &head.at));
                say!("ハッシュ: {}", head.hash);
                Ok(())
            }
        }
        Command::Audit(AuditCommand::Verify { against }) => {
            let desk = open(cli, None)?;
            let check = match against {
                Some(saved) => desk.verify_audit_against(saved)?,
                None => desk.verify_audit()?,
            };
            if cli.json {
                print_json(&check)?;
            } else if let Some(broken) = &check.broken_at {
                say!("監査記録の改ざんを検出しました: 記録 {} — {}", broken.seq, broken.reason);
            } else {
                say!("監査記録 {} 件: ハッシュの連鎖は保たれています", check.entries);
                if let Some(head) = &check.head {
                    say!("末尾: {}", head.short());
                }
            }
            match check.broken_at {
                Some(_) => Err(Failure::Refused(tenin_core::ErrorReport::new(
                    tenin_core::ErrorCode::ChainBroken,
                    "監査記録の連鎖が壊れています",
                ))),
                None => Ok(()),
            }
        }
        Command::Report(command) => report::run(cli, command),
        Command::Package(command) => exchange::run_package(cli, command),
        Command::Template(command) => exchange::run_template(cli, command),
        Command::Import(args) => exchange::run_history(cli, args),
        Command::Sync(command) => sync::run(cli, command),
        Command::Inquiries(command) => inquiries::run(cli, command),
        Command::Outside(command) => outside::run(cli, command),
        Command::RegionPack(command) => region_pack::run(cli, command),
        Command::PostCovid(command) => post_covid::run(cli, command),
        Command::DeskContact { name, phone, fax } => {
            let mut desk = open(cli, None)?;
            let mut contact = desk.desk_contact()?;
            if name.is_some() || phone.is_some() || fax.is_some() {
                contact = desk.set_desk_contact(&tenin_core::exchange::inquiry::DeskContact {
                    name: name.clone().unwrap_or(contact.name),
                    phone: phone.clone().unwrap_or(contact.phone),
                    fax: fax.clone().unwrap_or(contact.fax),
                })?;
            }
            if cli.json {
                return print_json(&contact);
            }
            say!("{}	電話 {}	FAX {}", contact.name, contact.phone, contact.fax);
            Ok(())
        }
        Command::Match { request, batch, excluded, all } => {
            matching::run(cli, request.as_deref(), *batch, matching::Listed { excluded: *excluded, all: *all })
        }
    }
}

/// One request as a nurse reads it: who, what care (and what was never asked), transport, history.
fn print_request(desk: &Desk, detail: &tenin_core::request_view::RequestDetail) {
    let s = &detail.summary;
    say!("{} {}（{}）  受付 {}", s.ref_no, s.status.label_ja(), s.status.as_str(), local(desk, &s.registered_at));
    say!("依頼元: {} ({})", s.referring_hospital_name, detail.referring_hospital_code);
    say!(
        "患者: {} {}歳 {}  居住地: {}",
        s.patient_initials,
        s.patient_age,
        s.patient_sex.label_ja(),
        s.residence_name.as_deref().unwrap_or("—")
    );
    if let Some(view) = &detail.desk_view {
        let status = if view.status_label.is_empty() { "未送信・未受付" } else { &view.status_label };
        say!(
            "デスク: {} {}{}{}",
            if view.desk_ref_no.is_empty() { "—" } else { &view.desk_ref_no },
            status,
            view.placed_at.as_deref().map(|p| format!("（受入先 {p}）")).unwrap_or_default(),
            if view.problem.is_empty() {
                String::new()
            } else {
                format!("  デスクで取り込めませんでした: {}", view.problem)
            }
        );
    }
    let needs = tenin_core::reports::needs::needs_ja(&detail.care);
    say!("医療・介護: {}", if needs.is_empty() { "—".to_owned() } else { needs.join("、") });
    let unstated = tenin_core::reports::needs::not_stated_ja(&detail.care);
    if !unstated.is_empty() {
        say!("  {unstated}");
    }
    for b in &detail.bookings {
        say!(
            "搬送: {}  {} {} {}（{}、版 {}）",
            b.id,
            b.provider_name,
            b.vehicle_type.label_ja(),
            local(desk, &b.pickup_at),
            b.status.label_ja(),
            b.version
        );
    }
    say!("経過:");
    for h in &detail.history {
        let from = h.from.map_or("—", |f| f.label_ja());
        say!("  {}  {} → {}  {}  {}", local(desk, &h.at), from, h.to.label_ja(), h.user_name, h.note);
    }
}

/// A state by its name (`checking`), refused with every name listed.
fn request_status(text: &str) -> Result<RequestStatus, String> {
    RequestStatus::parse(text).ok_or_else(|| {
        let names: Vec<_> = RequestStatus::ALL.iter().map(|s| s.as_str()).collect();
        format!("不明な状態です: {text}（{}）", names.join(", "))
    })
}

/// A date as the desk writes it: ISO or 和暦 (see `tenin_core::wareki`).
pub(crate) fn desk_date(text: &str) -> Result<chrono::NaiveDate, String> {
    tenin_core::wareki::parse_date(text, None).map_err(|e| e.to_string())
}

/// A stored time as the desk reads it (its time zone, 和暦): for text output; JSON keeps RFC 3339.
pub(crate) fn local(desk: &Desk, at: &str) -> String {
    desk.local_time(at).unwrap_or_else(|_| at.to_owned())
}

pub(crate) fn print_json(value: &impl Serialize) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Failure::Usage(e.to_string()))?;
    say!("{text}");
    Ok(())
}

#[derive(Serialize)]
struct StatusWithIntegrity<'a> {
    #[serde(flatten)]
    status: &'a DeskStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    integrity: Option<&'a str>,
}

/// `tenin recover`: the break-glass path (see `Desk::recover`).
fn recover(cli: &Cli, login: &str, name: Option<&str>) -> Result<(), Failure> {
    let dir = data_dir(cli)?;
    if !dir.join(tenin_core::desk::DATABASE_FILE).exists() {
        return Err(Failure::NoDesk(dir));
    }
    let recovery_key = users::secret("TENIN_RECOVERY_KEY", "回復キー: ")?;
    let password = users::secret(users::NEW_PASSWORD_ENV, &format!("{login} の新しいパスワード: "))?;
    let input = tenin_core::desk::RecoveryInput {
        recovery_key,
        passphrase: std::env::var(users::PASSPHRASE_ENV).ok(),
        admin: tenin_core::desk::NewUserInput {
            login: login.to_owned(),
            display_name: name.unwrap_or(login).to_owned(),
            role: None,
            password,
        },
    };
    let (_desk, done) = Desk::recover(&dir, &input)?;
    if cli.json {
        return print_json(&done);
    }
    let what = if done.reset_existing {
        "パスワードを再設定し、管理者にしました"
    } else {
        "管理者を作成しました"
    };
    say!("{login}: {what}（監査記録に残しました）");
    if done.passphrase_from_escrow {
        say!("合言葉は回復用の控えから開きました。すぐに新しい合言葉に変更してください（tenin encrypt）");
    }
    Ok(())
}

fn print_status(cli: &Cli, status: &DeskStatus, integrity: Option<&str>) -> Result<(), Failure> {
    if cli.json {
        return print_json(&StatusWithIntegrity { status, integrity });
    }
    say!("Tenin Desk {}（{}）", status.app_version, status.edition.label_ja());
    say!("データフォルダ: {}", status.data_dir);
    say!("スキーマ: {}", status.schema_version);
    say!("地域パック: {} ({} {})", status.region_pack.name, status.region_pack.id, status.region_pack.version);
    say!("医療機関: {}  搬送事業者: {}  依頼: {}", status.hospitals, status.transport_providers, status.requests);
    for c in &status.requests_by_status {
        say!("  {}: {}", c.status.label_ja(), c.count);
    }
    say!("監査記録: {}", status.audit_entries);
    for warning in &status.protection_warnings {
        say!("注意: {}", warning.label_ja());
    }
    if let Some(integrity) = integrity {
        say!("整合性チェック: {integrity}");
    }
    Ok(())
}
