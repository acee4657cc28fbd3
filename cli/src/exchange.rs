//! `tenin package …`, `tenin template …` and `tenin import`: exchange packages with hospitals,
//! the templates for hospitals without the app, and the history import (docs/exchange.md).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use tenin_core::Desk;
use tenin_core::desk::{ConflictDecision, ExportRequest, ImportReport, TemplateFormat};
use tenin_core::exchange::keys::KeyPair;
use tenin_core::exchange::manifest::PackageKind;
use tenin_core::exchange::package::{self, Envelope};
use tenin_core::historical_hospital::HistoricalHospital;

use crate::hospitals::core_term;
use crate::{Cli, Failure, open, print_json};

#[derive(Subcommand)]
pub enum PackageCommand {
    /// This end's id and public keys, to give to the other end; --export writes them as a keys
    /// file (the desk's for a hospital edition's set-up, a hospital's for the desk's registration).
    Keys {
        #[arg(long, value_name = "FILE")]
        export: Option<PathBuf>,
    },
    /// Register a hospital's public keys (supervisor): its signing key, and optionally its age key
    /// (packages to it are then encrypted).
    Trust {
        #[arg(long, required_unless_present = "keys")]
        hospital: Option<String>,
        #[arg(long, required_unless_present = "keys")]
        signing: Option<String>,
        #[arg(long, default_value = "")]
        encryption: String,
        /// The hospital's keys file (from `tenin package keys --export` at the hospital).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["hospital", "signing"])]
        keys: Option<PathBuf>,
    },
    /// What a package says, and whether the desk would accept it (nothing is changed).
    Inspect { file: PathBuf },
    /// Exit 0 when the package is intact and signed by its sender's registered key (or is the desk's own).
    Verify { file: PathBuf },
    /// Import a hospital's package: with --dry-run, only the preview.
    Import {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// Write an outbound package: `directory`, `status --hospital CODE`, `ack --import ID`, or
    /// `inquiry --request REF --hospital CODE [--reply-by TIME]` (logs the inquiry; encrypted to the
    /// hospital; into its sync folder when sync is set up, else --out or the exports folder).
    Export {
        #[arg(value_parser = ["directory", "status", "ack", "inquiry"])]
        kind: String,
        #[arg(long)]
        hospital: Option<String>,
        #[arg(long = "import")]
        import_id: Option<String>,
        /// The request an inquiry is about (reference number, id or the hospital's record id).
        #[arg(long)]
        request: Option<String>,
        /// When the answer is needed: `2026-11-29T15:00` (desk time) or RFC 3339; default in an hour.
        #[arg(long, default_value = "")]
        reply_by: String,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The import/export log, newest first.
    Log {
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Records waiting for a nurse's decision.
    Conflicts,
    /// Decide a conflict: take-hospital, merge or keep-desk.
    Resolve {
        id: String,
        #[arg(value_parser = core_term::<ConflictDecision>)]
        decision: ConflictDecision,
    },
    /// Rejected records kept for review (of one import, or all); --files shows how full the
    /// quarantine folder is, --clear-files empties it (supervisor), --quota-mb sets its quota.
    Quarantine {
        #[arg(long = "import")]
        import_id: Option<String>,
        #[arg(long)]
        files: bool,
        #[arg(long)]
        clear_files: bool,
        #[arg(long)]
        quota_mb: Option<u32>,
    },
    /// For a hospital's own use (no desk needed): open a package the desk sent (decrypt with the
    /// hospital's key, check the desk's signature) and show it — an inquiry as the patient sheet.
    Open(crate::package_open::OpenArgs),
    /// For a hospital's own use (no desk needed): make a key pair into FILE (secret) and print the public keys.
    Keygen {
        #[arg(long)]
        out: PathBuf,
    },
    /// For a hospital's own use (no desk needed): seal a records file (a JSON array) into a signed package.
    Seal {
        #[arg(long, value_parser = core_term::<PackageKind>)]
        kind: PackageKind,
        #[arg(long)]
        sender: String,
        #[arg(long)]
        recipient: String,
        #[arg(long)]
        sequence: u32,
        /// The sender's secret key file (from `keygen`).
        #[arg(long)]
        key: PathBuf,
        /// Encrypt to this age key (the desk's, from `tenin package keys`).
        #[arg(long)]
        encrypt_to: Option<String>,
        records: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum TemplateCommand {
    /// Write the request template for a hospital (its code filled in).
    Make {
        #[arg(long)]
        hospital: String,
        /// xlsx, csv (UTF-8 with BOM) or cp932.
        #[arg(long, default_value = "xlsx", value_parser = ["xlsx", "csv", "cp932"])]
        format: String,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Import a filled-in template (xlsx or CSV); --errors writes the error report for the hospital.
    Import {
        file: PathBuf,
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        errors: Option<PathBuf>,
    },
}

/// `tenin import`: the history import's options.
#[derive(clap::Args)]
pub struct HistoryArgs {
    file: PathBuf,
    /// Only show the file's columns and the suggested mapping.
    #[arg(long)]
    columns: bool,
    /// Use a saved mapping.
    #[arg(long)]
    mapping: Option<String>,
    /// One field's column, e.g. --map registered_at=依頼日時 (over the saved or suggested mapping).
    #[arg(long = "map", value_name = "FIELD=COLUMN")]
    map: Vec<String>,
    /// Save the mapping used under this name (with its value readings).
    #[arg(long)]
    save_mapping: Option<String>,
    /// List the values that do not read as they are (per field: rows, the suggested reading, the
    /// reading chosen), and stop.
    #[arg(long)]
    values: bool,
    /// One value's reading, e.g. --value outcome:マッチング成立=placed (fields as in --map; a
    /// hospital's reading is its code, a place's its municipality code).
    #[arg(long = "value", value_name = "FIELD:VALUE=READING")]
    value: Vec<String>,
    /// Take every suggested reading not chosen yet (and say which were taken).
    #[arg(long)]
    accept_suggestions: bool,
    /// Mark as referring the hospitals the file names as referring that are not marked so (audited;
    /// says which).
    #[arg(long)]
    mark_referring: bool,
    /// Add a hospital the directory lacks (closed since) as an inactive historical one, and read the
    /// value as it: --add-historical receiving_hospital:山の上病院=141518 (the municipality by code
    /// or name; `,CODE` after it when its medical-institution code is known, else the desk numbers
    /// it hist-0001, …). Audited; says what it added.
    #[arg(long = "add-historical", value_name = "FIELD:VALUE=MUNICIPALITY[,CODE]")]
    add_historical: Vec<String>,
    #[arg(long)]
    dry_run: bool,
}

/// One `--add-historical` argument: the field, the value as the file writes it, and the hospital
/// to add for it.
fn historical_of(desk: &Desk, pair: &str) -> Result<(String, String, HistoricalHospital), Failure> {
    let usage = || Failure::Usage(format!("--add-historical は 項目:値=市区町村[,医療機関コード] の形です: {pair}"));
    let (field, rest) = pair.split_once(':').ok_or_else(usage)?;
    let (value, place) = rest.rsplit_once('=').ok_or_else(usage)?;
    let (place, code) = place.split_once(',').unwrap_or((place, ""));
    let field = field.trim();
    if !matches!(field, "referring_hospital" | "receiving_hospital") {
        return Err(Failure::Usage(format!(
            "--add-historical の項目は referring_hospital か receiving_hospital です: {field}"
        )));
    }
    let place = place.trim();
    let municipality = desk
        .municipalities()?
        .into_iter()
        .find(|m| m.code == place || m.name == place)
        .ok_or_else(|| Failure::Usage(format!("市区町村「{place}」はありません")))?;
    let hospital = HistoricalHospital {
        name: value.to_owned(),
        code: code.trim().to_owned(),
        municipality_code: municipality.code,
        referring: field == "referring_hospital",
    };
    Ok((field.to_owned(), value.to_owned(), hospital))
}

fn read(file: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(file).map_err(|e| Failure::Usage(format!("{} を読めません: {e}", file.display())))
}

/// The largest file a route reads (`package`, `template`, `history`).
fn limit_of(desk: &Desk, source: &str) -> u64 {
    let limits = desk.import_limits();
    u64::from(match source {
        "package" => limits.package_bytes,
        "template" => limits.template_bytes,
        _ => limits.history_bytes,
    })
}

/// Reads a file a route imports, looking at its size first: a file over the route's limit is
/// never read (an import logs the refusal; a look at the file just refuses).
fn read_input(desk: &mut Desk, source: &str, file: &Path, importing: bool) -> Result<Vec<u8>, Failure> {
    let metadata =
        std::fs::metadata(file).map_err(|e| Failure::Usage(format!("{} を読めません: {e}", file.display())))?;
    if !metadata.is_file() {
        return Err(Failure::Usage(format!("{} は通常のファイルではありません", file.display())));
    }
    let max = limit_of(desk, source);
    if metadata.len() > max {
        if importing {
            desk.refuse_oversized(source, &file_name(file), metadata.len())?;
        }
        let refusal = tenin_core::exchange::refusal::Refusal::TooLarge { bytes: metadata.len(), max };
        return Err(Failure::Refused(tenin_core::Error::PackageRefused(refusal).into()));
    }
    // At most one byte past the limit, should the file grow while it is read.
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    std::io::Read::read_to_end(
        &mut std::io::Read::take(
            std::fs::File::open(file).map_err(|e| Failure::Usage(format!("{} を読めません: {e}", file.display())))?,
            max + 1,
        ),
        &mut bytes,
    )
    .map_err(|e| Failure::Usage(format!("{} を読めません: {e}", file.display())))?;
    Ok(bytes)
}

fn file_name(file: &Path) -> String {
    file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Prints progress on standard error when it is a terminal-friendly amount of work.
fn progress(done: u32, total: u32) -> bool {
    if total >= 1000 && done % 10_000 < 64 {
        eprintln!("{done}/{total}");
    }
    true
}

fn print_report(cli: &Cli, desk: &tenin_core::Desk, report: &ImportReport) -> Result<(), Failure> {
    if cli.json {
        return print_json(report);
    }
    let head = if report.dry_run { "プレビュー（まだ取り込んでいません）" } else { "取込結果" };
    say!("{head}: {} {}", report.sender_name, report.file_name);
    if let Some(at) = &report.already_imported_at {
        say!("取込済みです（{}）。何も変更していません", crate::local(desk, at));
    }
    for warning in &report.warnings {
        say!("注意: {warning}");
    }
    let c = report.counts;
    say!(
        "新規 {}件 / 更新 {}件 / 変更なし {}件 / 要確認 {}件 / エラー {}件",
        c.new,
        c.changed,
        c.unchanged,
        c.conflicts,
        c.errors
    );
    let rows = c.new + c.changed + c.unchanged + c.conflicts + c.errors;
    if report.dry_run && rows > 0 {
        let share = f64::from(c.new + c.changed + c.unchanged) * 100.0 / f64::from(rows);
        say!("取り込める行: {} / {rows}（{share:.0} %）", c.new + c.changed + c.unchanged);
        // The refusals most rows share, by column and what was wrong (the value itself left out).
        let mut reasons: std::collections::BTreeMap<(String, String), u32> = Default::default();
        for reason in report.records.iter().flat_map(|r| &r.reasons) {
            let what = match reason.message.split_once("」") {
                Some((_, rest)) if reason.message.starts_with('「') => {
                    rest.trim_start_matches([':', '：', ' ']).to_owned()
                }
                _ => reason.message.clone(),
            };
            *reasons.entry((reason.field.clone(), what)).or_default() += 1;
        }
        let mut top: Vec<_> = reasons.into_iter().collect();
        top.sort_by_key(|entry| std::cmp::Reverse(entry.1));
        for ((field, what), count) in top.into_iter().take(5) {
            say!("  多い理由: {field} — {what}（{count} 行）");
        }
    }
    if report.records_left_out > 0 {
        say!(
            "ほかの {}件は一覧を省略しました（取り込めなかった行はすべて隔離に保存されています）",
            report.records_left_out
        );
    }
    for r in report.records.iter().filter(|r| !r.reasons.is_empty()) {
        for reason in &r.reasons {
            let field = if reason.field.is_empty() { String::new() } else { format!("{}: ", reason.field) };
            say!("  {}件目 {} {} {field}{}", r.position, r.record_id, r.outcome.label_ja(), reason.message);
        }
    }
    Ok(())
}

pub fn run_package(cli: &Cli, command: &PackageCommand) -> Result<(), Failure> {
    match command {
        PackageCommand::Keys { export } => {
            let desk = open(cli, None)?;
            if let Some(path) = export {
                let file = desk.keys_file()?;
                let text = serde_json::to_string_pretty(&file).map_err(|e| Failure::Usage(e.to_string()))?;
                crate::output::write_file(path, text.as_bytes(), cli.force)?;
                if cli.json {
                    return print_json(&file);
                }
                say!("{}（指紋 {}）", path.display(), file.fingerprint);
                return Ok(());
            }
            let (desk_id, keys) = desk.exchange_identity()?;
            if cli.json {
                return print_json(&serde_json::json!({"desk_id": desk_id, "keys": keys}));
            }
            say!("ID\t{desk_id}\n署名の公開鍵\t{}\n暗号化の公開鍵\t{}", keys.signing, keys.encryption);
        }
        PackageCommand::Trust { hospital, signing, encryption, keys } => {
            let mut desk = open(cli, None)?;
            let (code, registered) = match (keys, hospital, signing) {
                (Some(path), _, _) => {
                    let text = std::fs::read_to_string(path)
                        .map_err(|e| Failure::Usage(format!("{} を読めません: {e}", path.display())))?;
                    let (id, keys) = desk.trust_keys_file(&text)?;
                    (desk.hospital_record(&id)?.hospital.code, keys)
                }
                (None, Some(code), Some(signing)) => {
                    let id = desk.hospital_by_code(code)?.id;
                    (code.clone(), desk.set_hospital_keys(&id, signing, encryption)?)
                }
                _ => return Err(Failure::Usage("--keys FILE か、--hospital と --signing を指定してください".into())),
            };
            if cli.json {
                return print_json(&registered);
            }
            say!("{code} の鍵を登録しました（指紋 {}）", tenin_core::exchange::keys_file::fingerprint(&registered));
        }
        PackageCommand::Inspect { file } | PackageCommand::Verify { file } => {
            let mut desk = open(cli, None)?;
            let bytes = read_input(&mut desk, "package", file, false)?;
            let info = desk.inspect_package(&bytes)?;
            let valid = info.problem.is_empty();
            if cli.json {
                print_json(&info)?;
            } else {
                let m = &info.manifest;
                say!("種類\t{}（{}）", m.kind.label_ja(), m.kind.as_str());
                say!("送信元\t{} {}", m.sender, info.sender_name.as_deref().unwrap_or(""));
                say!("宛先\t{}{}", m.recipient, if info.for_this_desk { "（このデスク）" } else { "" });
                say!("通し番号\t{}\n作成\t{}\n件数\t{}", m.sequence, crate::local(&desk, &m.created_at), m.records);
                say!("暗号化\t{}\n署名\t{}", if info.encrypted { "あり" } else { "なし" }, info.signature);
                say!("SHA-256\t{}", info.file_sha256);
                if !valid {
                    say!("取り込めません: {}", info.problem);
                }
            }
            if matches!(command, PackageCommand::Verify { .. }) && info.signature != "valid" {
                let mut report =
                    tenin_core::ErrorReport::new(tenin_core::error::ErrorCode::PackageRefused, info.problem);
                report.refusal = tenin_core::refusal::RefusalCode::parse(&info.signature);
                return Err(Failure::Refused(report));
            }
        }
        PackageCommand::Import { file, dry_run } => {
            let mut desk = open(cli, None)?;
            let bytes = read_input(&mut desk, "package", file, !dry_run)?;
            let report = desk.import_package(&file_name(file), &bytes, *dry_run, &progress)?;
            print_report(cli, &desk, &report)?;
        }
        PackageCommand::Export { kind, hospital, import_id, request, reply_by, out } if kind == "inquiry" => {
            let mut desk = open(cli, None)?;
            let (Some(request), Some(code)) = (request, hospital) else {
                return Err(Failure::Usage("--request 受付番号 と --hospital CODE を指定してください".into()));
            };
            let input = tenin_core::desk::SendInquiriesInput {
                request_id: request.clone(),
                hospital_ids: vec![desk.hospital_by_code(code)?.id],
                reply_by: reply_by.clone(),
                note: String::new(),
            };
            let _ = import_id;
            let sent = desk.send_inquiries(&input, out.as_deref())?;
            if cli.json {
                return print_json(&sent.sent);
            }
            for s in &sent.sent {
                match &s.package {
                    Some(p) => say!("{}: {}（打診 {}）", s.hospital_name, p.path, s.inquiry_id),
                    None => say!(
                        "{}: 打診 {} を記録しました。パッケージは次の送受信で書きます（{}）",
                        s.hospital_name,
                        s.inquiry_id,
                        s.problem
                    ),
                }
            }
        }
        PackageCommand::Export { kind, hospital, import_id, out, .. } => {
            let mut desk = open(cli, None)?;
            let what = match (kind.as_str(), hospital, import_id) {
                ("directory", _, _) => ExportRequest::Directory,
                ("status", Some(code), _) => ExportRequest::Status { hospital_id: desk.hospital_by_code(code)?.id },
                ("ack", _, Some(id)) => ExportRequest::Acknowledgement { exchange_id: id.clone() },
                ("status", None, _) => return Err(Failure::Usage("--hospital CODE を指定してください".into())),
                _ => return Err(Failure::Usage("--import ID（取込記録のID）を指定してください".into())),
            };
            let exported = desk.export_package(&what, out.as_deref())?;
            if cli.json {
                return print_json(&exported);
            }
            say!("{}（{}件、通し番号 {}）", exported.path, exported.manifest.records, exported.manifest.sequence);
        }
        PackageCommand::Log { limit } => {
            let desk = open(cli, None)?;
            let log = desk.exchanges(*limit)?;
            if cli.json {
                return print_json(&log);
            }
            for e in &log {
                let c = e.counts;
                say!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t新{} 更{} 同{} 競{} 誤{}\t{}\t{}",
                    crate::local(&desk, &e.at),
                    e.id,
                    e.direction,
                    e.source,
                    e.kind,
                    e.result,
                    e.file_name,
                    c.new,
                    c.changed,
                    c.unchanged,
                    c.conflicts,
                    c.errors,
                    e.user_name,
                    e.message
                );
            }
        }
        PackageCommand::Conflicts => {
            let conflicts = open(cli, None)?.import_conflicts()?;
            if cli.json {
                return print_json(&conflicts);
            }
            for c in &conflicts {
                say!(
                    "{}\t{}\t{}\t{}",
                    c.id,
                    c.sender_name,
                    c.record_id,
                    tenin_core::desk::conflict_reason_ja(&c.reason)
                );
            }
        }
        PackageCommand::Resolve { id, decision } => {
            let decided = open(cli, None)?.resolve_conflict(id, *decision)?;
            if cli.json {
                return print_json(&decided);
            }
            say!("{}: {}", decided.id, decided.status);
        }
        PackageCommand::Quarantine { import_id, files, clear_files, quota_mb } => {
            let mut desk = open(cli, None)?;
            if *files || *clear_files || quota_mb.is_some() {
                if let Some(mb) = quota_mb {
                    desk.set_quarantine_quota(*mb)?;
                }
                let usage = if *clear_files { desk.clear_quarantine_files()? } else { desk.quarantine_usage()? };
                if cli.json {
                    return print_json(&usage);
                }
                say!(
                    "隔離フォルダ\t{}\nファイル\t{}件\n大きさ\t{} KB（上限 {} MB）",
                    usage.folder,
                    usage.files,
                    usage.kilobytes,
                    usage.quota_megabytes
                );
                return Ok(());
            }
            let kept = desk.quarantined(import_id.as_deref())?;
            if cli.json {
                return print_json(&kept);
            }
            for q in &kept {
                let reasons: Vec<String> = q.reasons.iter().map(|r| format!("{} {}", r.field, r.message)).collect();
                say!("{}\t{}件目\t{}\t{}", q.exchange_id, q.position, q.record_id, reasons.join(" / "));
            }
        }
        PackageCommand::Open(args) => crate::package_open::run(cli, args)?,
        PackageCommand::Keygen { out } => {
            let keys = KeyPair::generate();
            crate::output::write_file(out, keys.to_secret_text().as_bytes(), cli.force)?;
            let public = keys.public();
            if cli.json {
                return print_json(&public);
            }
            say!("署名の公開鍵\t{}\n暗号化の公開鍵\t{}", public.signing, public.encryption);
        }
        PackageCommand::Seal { kind, sender, recipient, sequence, key, encrypt_to, records, out } => {
            let text = std::fs::read_to_string(key).map_err(|e| Failure::Usage(format!("鍵を読めません: {e}")))?;
            let keys = KeyPair::from_secret_text(&text).map_err(|e| Failure::Usage(e.to_string()))?;
            let data = read(records)?;
            let list: Vec<serde_json::Value> =
                serde_json::from_slice(&data).map_err(|e| Failure::Usage(format!("JSON の配列ではありません: {e}")))?;
            let recipient_key = match encrypt_to {
                Some(text) => {
                    Some(tenin_core::exchange::keys::parse_recipient(text).map_err(|e| Failure::Usage(e.to_string()))?)
                }
                None => None,
            };
            let envelope = Envelope {
                format_version: tenin_core::exchange::manifest::FORMAT_VERSION,
                package_id: tenin_core::ids::new_id(),
                kind: *kind,
                sender,
                recipient,
                sequence: *sequence,
                created_at: tenin_core::ids::now_rfc3339(),
                records: list.len() as u32,
            };
            let (bytes, manifest) = package::seal(envelope, &data, &keys, recipient_key.as_ref())
                .map_err(|e| Failure::Usage(format!("パッケージを作れません: {e}")))?;
            crate::output::write_file(out, &bytes, cli.force)?;
            if cli.json {
                return print_json(&manifest);
            }
            say!("{}（{}件）", out.display(), manifest.records);
        }
    }
    Ok(())
}

pub fn run_template(cli: &Cli, command: &TemplateCommand) -> Result<(), Failure> {
    match command {
        TemplateCommand::Make { hospital, format, out } => {
            let desk = open(cli, None)?;
            let id = desk.hospital_by_code(hospital)?.id;
            let format = match format.as_str() {
                "csv" => TemplateFormat::CsvUtf8,
                "cp932" => TemplateFormat::CsvCp932,
                _ => TemplateFormat::Xlsx,
            };
            let saved = desk.save_template(&id, format, out.as_deref())?;
            if cli.json {
                return print_json(&saved);
            }
            say!("{}", saved.path);
            if !saved.substituted.is_empty() {
                say!("CP932 で書けない文字を〓にしました: {}", saved.substituted.join(" "));
            }
        }
        TemplateCommand::Import { file, dry_run, errors } => {
            let mut desk = open(cli, None)?;
            let bytes = read_input(&mut desk, "template", file, !dry_run)?;
            let report = desk.import_template(&file_name(file), &bytes, *dry_run, &progress)?;
            if let Some(path) = errors {
                crate::output::write_file(path, &desk.template_error_report(&bytes, &report)?, cli.force)?;
            }
            print_report(cli, &desk, &report)?;
        }
    }
    Ok(())
}

pub fn run_history(cli: &Cli, args: &HistoryArgs) -> Result<(), Failure> {
    let mut desk = open(cli, None)?;
    let importing = !args.columns && !args.dry_run && !args.values;
    // Marking hospitals changes the directory: the same write permission as an import.
    let bytes = read_input(&mut desk, "history", &args.file, importing)?;
    if args.columns {
        let columns = desk.history_columns(&bytes)?;
        if cli.json {
            return print_json(&columns);
        }
        say!("列: {}", columns.headers.join(" | "));
        for (field, column) in &columns.suggested.columns {
            say!("  {field} ← {column}");
        }
        if !columns.unmapped_required.is_empty() {
            say!("対応する列が決まっていない必須項目: {}", columns.unmapped_required.join("、"));
        }
        return Ok(());
    }
    let mut mapping = match &args.mapping {
        Some(name) => desk
            .history_mappings()?
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, m)| m)
            .ok_or_else(|| Failure::Usage(format!("保存された対応「{name}」はありません")))?,
        None => desk.history_suggestion(&bytes)?,
    };
    for pair in &args.map {
        let (field, column) =
            pair.split_once('=').ok_or_else(|| Failure::Usage(format!("--map は 項目=列名 の形です: {pair}")))?;
        mapping.columns.insert(field.trim().to_owned(), column.trim().to_owned());
    }
    for pair in &args.value {
        let (field, rest) =
            pair.split_once(':').ok_or_else(|| Failure::Usage(format!("--value は 項目:値=読み の形です: {pair}")))?;
        let (value, reading) =
            rest.rsplit_once('=').ok_or_else(|| Failure::Usage(format!("--value は 項目:値=読み の形です: {pair}")))?;
        mapping.set_reading(field.trim(), value, reading);
    }
    if args.accept_suggestions {
        for q in desk.history_values(&bytes, &mapping)? {
            if let (None, Some(reading)) = (&q.chosen, &q.suggestion) {
                mapping.set_reading(&q.field, &q.value, reading);
                if !cli.json {
                    let label = q.suggestion_label.as_deref().unwrap_or(reading);
                    eprintln!("読み替え: {} 「{}」 → {label}（{} 行）", q.field, q.value, q.rows);
                }
            }
        }
    }
    for pair in &args.add_historical {
        let (field, value, hospital) = historical_of(&desk, pair)?;
        let added = desk.add_historical_hospital(&hospital)?;
        mapping.set_reading(&field, &value, &added.code);
        eprintln!("履歴用の医療機関として登録しました: {}（{}、{}）", added.name, added.code, added.municipality_name);
    }
    if args.mark_referring {
        for q in desk.history_values(&bytes, &mapping)? {
            if let Some(hospital) = q.not_referring {
                desk.mark_referring(&hospital.id)?;
                eprintln!("依頼元として登録しました: {}（{} 行）", hospital.name, q.rows);
            }
        }
    }
    if args.values {
        let questions = desk.history_values(&bytes, &mapping)?;
        if cli.json {
            return print_json(&questions);
        }
        for q in &questions {
            say!(
                "{}\t{}\t{} 行\t提案: {}\t選択: {}",
                q.field,
                q.value,
                q.rows,
                q.suggestion_label.as_deref().unwrap_or("—"),
                q.chosen.as_deref().unwrap_or("—")
            );
            if let Some(hospital) = &q.not_referring {
                say!("\t{} は依頼元として登録されていません（--mark-referring で登録）", hospital.name);
            }
        }
        return Ok(());
    }
    if let Some(name) = &args.save_mapping {
        desk.save_history_mapping(name, &mapping)?;
    }
    let report = desk.import_history(&file_name(&args.file), &bytes, &mapping, args.dry_run, &progress)?;
    print_report(cli, &desk, &report)
}
