//! The desk's side of the exchange: its keys, hospitals' keys, importing a package or a filled-in
//! template (preview = the same code rolled back; apply = one transaction), the import/export log,
//! the conflicts queue and quarantine. Outbound packages are in `export.rs`; one record of each kind in `apply.rs`, a nurse's decision on a conflict in `resolve.rs`, templates in `template.rs`, the history import in `history.rs`.

pub mod apply;
pub mod export;
pub mod from_desk;
pub mod history;
pub mod inquiry_packages;
pub mod resolve;
pub mod sync;
pub mod template;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use tenin_store::Db;

use super::Desk;
use apply::{Applied, Context};
use tenin_domain::access::Permission;
use tenin_domain::error::{Error, Result};
use tenin_domain::exchange::keys::{self, KeyPair, PublicKeys};
use tenin_domain::exchange::manifest::{Manifest, PackageKind};
use tenin_domain::exchange::package::{self, Limits, sha256_hex};
use tenin_domain::exchange::records::{
    AcknowledgementRecord, AnswerRecord, CapacityRecord, DirectoryRecord, MAX_RECORD_ID_CHARS, Outcome, RecordResult,
    RequestRecord, StatusRecord, shown_id,
};
use tenin_domain::refusal::Refusal;
use tenin_store::exchange::{
    self as exchange_store, Counts, ExchangeRecord, ImportConflict, QuarantinedRecord, Reason,
};
use tenin_store::ids::{new_id, to_rfc3339};
use tenin_store::{hospitals, meta};

/// Called with (records done, records in all) as an import goes; returning `false` cancels it
/// (nothing is written).
pub type Progress<'a> = &'a dyn Fn(u32, u32) -> bool;

/// What an import did, or would do (`dry_run`): the preview and the result report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportReport {
    /// The log entry (also for a preview, where nothing was kept: then it is empty).
    pub exchange_id: String,
    pub dry_run: bool,
    /// `package`, `template` or `history`.
    pub source: String,
    pub kind: String,
    pub sender: String,
    pub sender_name: String,
    pub package_id: Option<String>,
    pub sequence: Option<u32>,
    pub file_name: String,
    pub file_sha256: String,
    /// When the same package or file was applied before: then nothing changes now.
    pub already_imported_at: Option<String>,
    /// E.g. sequence numbers that never arrived.
    pub warnings: Vec<String>,
    pub counts: Counts,
    /// Each record's result, in file order, up to [`REPORTED_RECORDS`]; every refused record is
    /// also kept in quarantine, however many there are.
    pub records: Vec<RecordResult>,
    /// Records whose results are past [`REPORTED_RECORDS`] and not listed (counted in `counts`).
    pub records_left_out: u32,
    /// One sentence for the log.
    pub message: String,
}

/// A package as read, before importing: what it says, and whether the desk can trust it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PackageInfo {
    pub manifest: Manifest,
    pub file_sha256: String,
    pub encrypted: bool,
    pub sender_name: Option<String>,
    /// `valid`, or the refusal's code (`bad_signature`, `missing_signature`, `no_sender_key`, …).
    pub signature: String,
    pub for_this_desk: bool,
    /// Empty when the package could be imported; otherwise why not.
    pub problem: String,
}

/// How many records' results a report lists: enough for any hospital's file; a history of a
/// million rows is reported by its counts, with every refused row in quarantine.
pub const REPORTED_RECORDS: usize = 20_000;

/// The largest file each import route reads, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportLimits {
    pub package_bytes: u32,
    pub template_bytes: u32,
    pub history_bytes: u32,
}

/// A nurse's decision on a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ConflictDecision {
    /// Take the hospital's record (over the desk's edit; or register a possible duplicate as its own request).
    TakeHospital,
    /// Fill what the desk's record lacks from the hospital's and append its text; replace nothing.
    Merge,
    /// Keep the desk's record as it is.
    KeepDesk,
}

/// A parsed inbound record, or why it could not be read.
pub(super) enum Parsed {
    Request(Box<RequestRecord>),
    Capacity(CapacityRecord),
    Answer(AnswerRecord),
    Past(Box<tenin_domain::exchange::history::PastCase>),
    /// What the desk sends a hospital edition (`from_desk.rs`).
    Directory(Box<DirectoryRecord>),
    Status(Box<StatusRecord>),
    Acknowledgement(Box<AcknowledgementRecord>),
    Inquiry(Box<tenin_domain::exchange::inquiry::InquiryRecord>),
}

/// One record of an inbound file: its place, its raw JSON, and what it parsed into.
pub(super) struct InboundRecord {
    pub position: u32,
    pub record_id: String,
    /// The record as received (quarantine and the error report show it).
    pub raw: String,
    /// The record as the desk keeps it for a nurse's decision and hashes it: a package's JSON as
    /// sent; a template row as the package record it reads as.
    pub kept: String,
    pub parsed: std::result::Result<Parsed, Vec<Reason>>,
}

impl InboundRecord {
    /// The record's result before anything is decided: an error with no reasons yet.
    pub(in crate::desk) fn unresolved(&self) -> RecordResult {
        RecordResult {
            position: self.position,
            record_id: self.record_id.clone(),
            outcome: Outcome::Error,
            ref_no: String::new(),
            reasons: Vec::new(),
        }
    }
}

/// Everything an import needs to know about the file, whatever route it came by.
pub(super) struct Inbound<'a> {
    pub source: &'static str,
    pub kind: PackageKind,
    pub package_id: Option<String>,
    pub sender: String,
    pub hospital_id: String,
    pub sender_name: String,
    pub recipient: String,
    pub sequence: Option<u32>,
    /// Whose running numbers `sequence` continues (the sender's, or one of the desk's streams).
    pub sequence_party: String,
    /// The package format version the sender wrote (none for a template or a history file).
    pub format_version: Option<u32>,
    pub file_name: &'a str,
    pub file_sha256: String,
    pub records: Records<'a>,
    pub warnings: Vec<String>,
    /// How a refused field is named in the report: the template's column label, or as is.
    pub field_name: fn(&str) -> String,
}

/// The records of an inbound file: read whole (a package, a template, within their size limits),
/// or a history file read again row by row inside the import (it may hold a million rows).
pub(super) enum Records<'a> {
    /// A package's records file, read a record at a time inside the import.
    Package {
        kind: PackageKind,
        data: Vec<u8>,
        count: u32,
    },
    /// A filled-in template, read again row by row inside the import.
    Template {
        bytes: &'a [u8],
        head: tenin_domain::exchange::template::SheetHead,
        vocabulary: tenin_domain::exchange::template::Vocabulary,
    },
    History {
        bytes: &'a [u8],
        rows: u32,
        lookups: Box<history::Lookups>,
    },
}

impl Records<'_> {
    fn count(&self) -> u32 {
        match self {
            Records::Package { count, .. } => *count,
            Records::Template { head, .. } => head.data_rows,
            Records::History { rows, .. } => *rows,
        }
    }
}

/// Fields named as the core names them (packages, where the sender wrote the JSON).
pub(super) fn field_as_is(field: &str) -> String {
    field.to_owned()
}

pub(super) fn reasons_of(error: &Error) -> Vec<Reason> {
    match error {
        Error::Validation(problems) | Error::NeedsConfirmation(problems) => problems
            .iter()
            .map(|p| Reason { field: p.field.clone(), message: p.message.clone(), problem: Some(p.clone()) })
            .collect(),
        other => vec![Reason::new("", other.to_string())],
    }
}

/// A records file split into its records, each still its own JSON text (so the whole file is never
/// held as parsed values). Refused when it is not UTF-8 or not a JSON array.
pub(super) fn split_records(bytes: &[u8]) -> std::result::Result<Vec<&serde_json::value::RawValue>, Refusal> {
    let text = std::str::from_utf8(bytes).map_err(|_| Refusal::BadRecords("UTF-8 ではありません".into()))?;
    serde_json::from_str(text).map_err(|e| Refusal::BadRecords(format!("JSON の配列として読めません: {e}")))
}

/// Record `position` (1-based) of a package, parsed as `kind`; a record that does not parse is kept
/// with why.
pub(super) fn record_of(kind: PackageKind, position: u32, raw: &serde_json::value::RawValue) -> InboundRecord {
    let value: serde_json::Value = match serde_json::from_str(raw.get()) {
        Ok(value) => value,
        Err(e) => serde_json::Value::String(format!("読めない記録: {e}")),
    };
    let text = value.to_string();
    let (id_field, id) = ["record_id", "inquiry_id"]
        .into_iter()
        .find_map(|field| value.get(field).and_then(|v| v.as_str()).map(|id| (field, id.to_owned())))
        .unwrap_or_default();
    let parsed = if id.chars().count() > MAX_RECORD_ID_CHARS {
        Err(vec![Reason::new(id_field, format!("長すぎます（{MAX_RECORD_ID_CHARS}文字まで）"))])
    } else {
        parse_one(kind, value).map_err(|e| vec![Reason::new("", e)])
    };
    InboundRecord { position, record_id: shown_id(&id), kept: text.clone(), raw: text, parsed }
}

fn parse_one(kind: PackageKind, value: serde_json::Value) -> std::result::Result<Parsed, String> {
    fn typed<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> std::result::Result<T, String> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            format!("{}: {}", if path == "." { "記録" } else { path.as_str() }, e.inner())
        })
    }
    match kind {
        PackageKind::Requests => typed(value).map(|r| Parsed::Request(Box::new(r))),
        PackageKind::Capacity => typed(value).map(Parsed::Capacity),
        PackageKind::Answers => typed(value).map(Parsed::Answer),
        PackageKind::Directory => typed(value).map(|r| Parsed::Directory(Box::new(r))),
        PackageKind::Status => typed(value).map(|r| Parsed::Status(Box::new(r))),
        PackageKind::Acknowledgement => typed(value).map(|r| Parsed::Acknowledgement(Box::new(r))),
        PackageKind::Inquiry => typed(value).map(|r| Parsed::Inquiry(Box::new(r))),
    }
}

impl Desk {
    /// The desk's own key pair (made at set-up).
    pub(super) fn key_pair(&self) -> Result<KeyPair> {
        let text = exchange_store::desk_keys(self.store.read())?
            .ok_or_else(|| Error::ReferenceData("デスクの鍵がありません".into()))?;
        KeyPair::from_secret_text(&text).map_err(|e| Error::ReferenceData(e.to_string()))
    }

    /// The desk's id and public keys, to give to hospitals (they check the desk's packages with
    /// the first and encrypt to the desk with the second).
    pub fn exchange_identity(&self) -> Result<(String, PublicKeys)> {
        self.allow(Permission::Read)?;
        Ok((self.exchange_id()?, self.key_pair()?.public()))
    }

    pub(super) fn desk_id(&self) -> Result<String> {
        meta::get(self.store.read(), meta::DESK_ID)?.ok_or_else(|| Error::ReferenceData("desk_id".into()))
    }

    /// A hospital's public keys, if registered.
    pub fn hospital_keys(&self, hospital_id: &str) -> Result<Option<PublicKeys>> {
        self.allow(Permission::Read)?;
        Ok(exchange_store::hospital_keys(self.store.read(), hospital_id)?)
    }

    /// Registers (or replaces) a hospital's public keys, as it gave them to the desk. A supervisor's
    /// decision: with them the desk trusts that hospital's packages.
    pub fn set_hospital_keys(&mut self, hospital_id: &str, signing: &str, encryption: &str) -> Result<PublicKeys> {
        let user_id = self.allow(Permission::Supervise)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let bad = |field: &str, e: keys::BadKey| Error::refused(field, &e.to_string());
        let signing = keys::normalize_public(signing).map_err(|e| bad("signing", e))?;
        let encryption = match tenin_domain::text::fold_width(encryption).trim() {
            "" => String::new(),
            text => keys::parse_recipient(text).map_err(|e| bad("encryption", e))?.to_string(),
        };
        let keys = PublicKeys { signing, encryption };
        let at = to_rfc3339(Utc::now());
        self.store.write(|tx| exchange_store::set_hospital_keys(tx, &user_id, hospital_id, &keys, &at))?;
        Ok(keys)
    }

    /// Reads a package and says what it is and whether it could be imported, changing nothing.
    pub fn inspect_package(&self, bytes: &[u8]) -> Result<PackageInfo> {
        self.allow(Permission::Read)?;
        let keys = self.key_pair()?;
        let opened =
            package::open(bytes, Some(keys.age_identity()), &Limits::default()).map_err(Error::PackageRefused)?;
        let sender = hospitals::by_code(self.store.read(), &opened.manifest.sender)?;
        let desk_id = self.desk_id()?;
        let (signature, problem) = match self.trust(&opened) {
            Ok(_) => ("valid".to_owned(), String::new()),
            // Those are checked after the signature: it was good.
            Err(Error::PackageRefused(r @ (Refusal::WrongRecipient { .. } | Refusal::NotInbound(_)))) => {
                ("valid".to_owned(), r.to_string())
            }
            Err(Error::PackageRefused(r)) => (r.code().as_str().to_owned(), r.to_string()),
            Err(other) => return Err(other),
        };
        Ok(PackageInfo {
            file_sha256: sha256_hex(bytes),
            encrypted: opened.was_encrypted,
            sender_name: sender.map(|(_, name)| name),
            signature,
            for_this_desk: opened.manifest.recipient == desk_id,
            problem,
            manifest: opened.manifest,
        })
    }

    /// Whether an opened package is one the desk may import: an inbound kind, from a hospital in
    /// the directory whose registered key signed it, to this desk. Returns the hospital's id and name.
    fn trust(&self, opened: &package::Opened) -> Result<(String, String)> {
        if self.edition()? == tenin_domain::edition::Edition::Hospital {
            return self.trust_from_desk(opened);
        }
        let conn = self.store.read();
        let m = &opened.manifest;
        let desk_id = self.desk_id()?;
        let (hospital_id, name, signing) = if m.sender == desk_id {
            // The desk's own package (an export checked before sending): its own key.
            (String::new(), "転院調整デスク".to_owned(), self.key_pair()?.public().signing)
        } else {
            let (hospital_id, name) = hospitals::by_code(conn, &m.sender)?
                .ok_or_else(|| Error::PackageRefused(Refusal::UnknownSender(m.sender.clone())))?;
            let registered = exchange_store::hospital_keys(conn, &hospital_id)?
                .ok_or_else(|| Error::PackageRefused(Refusal::NoSenderKey(m.sender.clone())))?;
            (hospital_id, name, registered.signing)
        };
        let key = keys::parse_public(&signing).map_err(|e| Error::ReferenceData(e.to_string()))?;
        opened.check_signature(&key).map_err(Error::PackageRefused)?;
        if m.recipient != desk_id {
            return Err(Error::PackageRefused(Refusal::WrongRecipient { recipient: m.recipient.clone() }));
        }
        if !m.kind.is_inbound() {
            return Err(Error::PackageRefused(Refusal::NotInbound(m.kind.label_ja().to_owned())));
        }
        Ok((hospital_id, name))
    }

    /// A hospital edition trusts only its desk: signed by the desk's registered key, addressed to
    /// this hospital (or to every hospital), of a kind the desk sends.
    fn trust_from_desk(&self, opened: &package::Opened) -> Result<(String, String)> {
        let identity = self.hospital_identity()?;
        let m = &opened.manifest;
        if m.sender != identity.desk.id {
            return Err(Error::PackageRefused(Refusal::UnknownSender(m.sender.clone())));
        }
        let key = keys::parse_public(&identity.desk.signing).map_err(|e| Error::ReferenceData(e.to_string()))?;
        opened.check_signature(&key).map_err(Error::PackageRefused)?;
        if m.recipient != identity.code && m.recipient != tenin_domain::exchange::manifest::EVERYONE {
            return Err(Error::PackageRefused(Refusal::WrongRecipient { recipient: m.recipient.clone() }));
        }
        if m.kind.is_inbound() {
            return Err(Error::PackageRefused(Refusal::NotInbound(m.kind.label_ja().to_owned())));
        }
        Ok((String::new(), identity.desk.name))
    }

    /// Imports a package from a hospital. With `dry_run` nothing is kept (the preview). A refused
    /// package changes no data; the file is kept in the quarantine folder and the refusal logged.
    pub fn import_package(
        &mut self,
        file_name: &str,
        bytes: &[u8],
        dry_run: bool,
        progress: Progress,
    ) -> Result<ImportReport> {
        self.read_and_import("package", file_name, bytes, dry_run, progress, Desk::read_package)
    }

    /// Reads a file with `read` and imports (or previews) what it gives. A refused file changes no
    /// data; unless this is a preview, it is kept in the quarantine folder and the refusal logged.
    pub(super) fn read_and_import<'f>(
        &mut self,
        source: &str,
        file_name: &'f str,
        bytes: &'f [u8],
        dry_run: bool,
        progress: Progress,
        read: impl FnOnce(&Desk, &'f str, &'f [u8], &str) -> Result<Inbound<'f>>,
    ) -> Result<ImportReport> {
        self.allow(Permission::Coordinate)?;
        let sha = sha256_hex(bytes);
        match read(self, file_name, bytes, &sha) {
            Ok(inbound) => self.run_import(inbound, dry_run, progress),
            Err(Error::PackageRefused(refusal)) if !dry_run => {
                self.log_refusal(source, file_name, bytes, &sha, &refusal)?;
                Err(Error::PackageRefused(refusal))
            }
            Err(other) => Err(other),
        }
    }

    fn read_package<'f>(&self, file_name: &'f str, bytes: &'f [u8], sha: &str) -> Result<Inbound<'f>> {
        let keys = self.key_pair()?;
        let opened =
            package::open(bytes, Some(keys.age_identity()), &Limits::default()).map_err(Error::PackageRefused)?;
        let (hospital_id, sender_name) = self.trust(&opened)?;
        let m = &opened.manifest;
        let count = split_records(opened.records())?.len() as u32;
        if count != m.records {
            return Err(Error::PackageRefused(Refusal::CountMismatch { declared: m.records, found: count }));
        }
        let mut warnings = Vec::new();
        // The desk numbers its packages per recipient: a hospital edition keeps each stream apart.
        let sequence_party = match self.edition()? {
            tenin_domain::edition::Edition::Desk => m.sender.clone(),
            tenin_domain::edition::Edition::Hospital => format!("{}>{}", m.sender, m.recipient),
        };
        let last = exchange_store::last_sequence(self.store.read(), &sequence_party, "in")?;
        let already = exchange_store::applied_before(self.store.read(), Some(&m.package_id), sha)?;
        if already.is_none() {
            match last {
                Some(last) if m.sequence <= last => {
                    return Err(Error::PackageRefused(Refusal::StaleSequence { sequence: m.sequence, last }));
                }
                Some(last) if m.sequence > last + 1 => warnings.push(format!(
                    "通し番号 {}〜{} のパッケージが届いていません。依頼元に確認してください",
                    last + 1,
                    m.sequence - 1
                )),
                _ => {}
            }
        }
        Ok(Inbound {
            source: "package",
            kind: m.kind,
            package_id: Some(m.package_id.clone()),
            sender: m.sender.clone(),
            hospital_id,
            sender_name,
            recipient: m.recipient.clone(),
            sequence: Some(m.sequence),
            sequence_party,
            format_version: Some(m.format_version),
            file_name,
            file_sha256: sha.to_owned(),
            records: Records::Package { kind: m.kind, data: opened.into_records(), count },
            warnings,
            field_name: field_as_is,
        })
    }

    /// Keeps a refused file in the quarantine folder (once, within the quota) and logs the refusal
    /// — always, whatever became of the copy.
    pub(super) fn log_refusal(
        &mut self,
        source: &str,
        file_name: &str,
        bytes: &[u8],
        sha: &str,
        refusal: &Refusal,
    ) -> Result<()> {
        let quota = self.quarantine_quota_bytes()?;
        let kept = super::quarantine_folder::keep(&self.quarantine_dir(), sha, file_name, bytes, quota);
        self.log_refused_file(source, file_name, sha, refusal, kept)
    }

    /// The largest file each route reads; a bigger one is refused before it is read (the CLI and
    /// the window check the size first and call [`Desk::refuse_oversized`]).
    pub fn import_limits(&self) -> ImportLimits {
        let bytes = |max: u64| u32::try_from(max).unwrap_or(u32::MAX);
        ImportLimits {
            package_bytes: bytes(Limits::default().file_bytes),
            template_bytes: bytes(tenin_domain::exchange::template::LIMITS.max_bytes),
            history_bytes: bytes(tenin_domain::exchange::history::LIMITS.max_bytes),
        }
    }

    /// Refuses a file by its size alone, without reading it: the refusal is logged, the file not
    /// kept. Returns the refusal as the error the import would have given.
    pub fn refuse_oversized(&mut self, source: &str, file_name: &str, size: u64) -> Result<()> {
        self.allow(Permission::Coordinate)?;
        let max = match source {
            "package" => Limits::default().file_bytes,
            "template" => tenin_domain::exchange::template::LIMITS.max_bytes,
            _ => tenin_domain::exchange::history::LIMITS.max_bytes,
        };
        if size <= max {
            return Ok(());
        }
        let refusal = Refusal::TooLarge { bytes: size, max };
        let not_kept =
            super::quarantine_folder::FileCopy::Skipped("上限を超える大きさのため読み込まず、保存していません".into());
        self.log_refused_file(source, file_name, "", &refusal, not_kept)?;
        Err(Error::PackageRefused(refusal))
    }

    fn log_refused_file(
        &mut self,
        source: &str,
        file_name: &str,
        sha: &str,
        refusal: &Refusal,
        kept: super::quarantine_folder::FileCopy,
    ) -> Result<()> {
        use super::quarantine_folder::FileCopy;
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        let now = to_rfc3339(Utc::now());
        let (kept_as, not_kept) = match kept {
            FileCopy::Saved(path) | FileCopy::Existing(path) => (Some(path.display().to_string()), None),
            FileCopy::Skipped(why) => (None, Some(why)),
        };
        let message = match &not_kept {
            None => refusal.to_string(),
            Some(why) => format!("{refusal}（ファイル: {why}）"),
        };
        let record = ExchangeRecord {
            id: new_id(),
            direction: "in".into(),
            source: source.into(),
            kind: String::new(),
            package_id: None,
            sender: String::new(),
            recipient: String::new(),
            sequence: None,
            file_name: file_name.to_owned(),
            file_sha256: sha.to_owned(),
            user_id: user_id.clone(),
            user_name: String::new(),
            at: now,
            result: "refused".into(),
            counts: Counts::default(),
            message: message.clone(),
            refusal: Some(refusal.code()),
        };
        let report = serde_json::json!({
            "message": message, "code": refusal.code(), "kept_as": kept_as, "not_kept": not_kept,
        });
        Ok(self.store.write(|tx| exchange_store::insert(tx, &record, &report.to_string()))?)
    }

    /// Applies (or previews) the records of an inbound file in one transaction.
    pub(super) fn run_import(&mut self, inbound: Inbound, dry_run: bool, progress: Progress) -> Result<ImportReport> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        let offset = self.offset()?;
        let now = Utc::now();
        let mut report = ImportReport {
            exchange_id: if dry_run { String::new() } else { new_id() },
            dry_run,
            source: inbound.source.to_owned(),
            kind: inbound.kind.as_str().to_owned(),
            sender: inbound.sender.clone(),
            sender_name: inbound.sender_name.clone(),
            package_id: inbound.package_id.clone(),
            sequence: inbound.sequence,
            file_name: inbound.file_name.to_owned(),
            file_sha256: inbound.file_sha256.clone(),
            already_imported_at: None,
            warnings: inbound.warnings.clone(),
            counts: Counts::default(),
            records: Vec::new(),
            records_left_out: 0,
            message: String::new(),
        };
        let exchange_id = if dry_run { new_id() } else { report.exchange_id.clone() };
        if let Some((_, at)) =
            exchange_store::applied_before(self.store.read(), inbound.package_id.as_deref(), &inbound.file_sha256)?
        {
            report.already_imported_at = Some(at);
            report.counts.unchanged = inbound.records.count();
            report.message = "このファイルは取込済みです。何も変更していません".to_owned();
            if !dry_run {
                let record = log_record(&report, &inbound, &user_id, "unchanged");
                self.store.write(|tx| exchange_store::insert(tx, &record, &serde_json::to_string(&report)?))?;
            }
            return Ok(report);
        }
        let total = inbound.records.count();
        let body = |tx: Db<'_>| -> Result<ImportReport> {
            let pending = log_record(&report, &inbound, &user_id, "applied");
            exchange_store::insert_pending(tx, &ExchangeRecord { id: exchange_id.clone(), ..pending })?;
            let context = Context::new(tx, &user_id, &exchange_id, &inbound.sender, &inbound.hospital_id, offset, now);
            let mut tally = Tally { report, field_name: inbound.field_name, at: to_rfc3339(now) };
            match &inbound.records {
                Records::History { bytes, lookups, .. } => {
                    let applied = context.apply_history(
                        bytes,
                        lookups,
                        &|done| progress(done, total),
                        &mut |record, result| tally.add(tx, &exchange_id, record, result),
                    )?;
                    if applied.placed_long_ago > 0 {
                        tally.report.warnings.push(history::placed_long_ago_warning(applied.placed_long_ago));
                    }
                }
                Records::Package { kind, data, .. } => {
                    for (done, raw) in split_records(data)?.into_iter().enumerate() {
                        if done % 64 == 0 && !progress(done as u32, total) {
                            return Err(Error::Cancelled);
                        }
                        let record = record_of(*kind, done as u32 + 1, raw);
                        let result = apply_one(&context, &record)?;
                        tally.add(tx, &exchange_id, &record, result)?;
                    }
                }
                Records::Template { bytes, head, vocabulary } => {
                    let mut done = 0u32;
                    tenin_domain::exchange::template::for_each_data_row(bytes, head, |line, cells| -> Result<()> {
                        if done.is_multiple_of(64) && !progress(done, total) {
                            return Err(Error::Cancelled);
                        }
                        let record = template::record_of_row(head, line, &cells, vocabulary);
                        let result = apply_one(&context, &record)?;
                        done += 1;
                        tally.add(tx, &exchange_id, &record, result)
                    })?;
                }
            }
            let mut report = tally.report;
            progress(total, total);
            if let (Some(sequence), "package") = (inbound.sequence, inbound.source) {
                exchange_store::set_last_sequence(tx, &inbound.sequence_party, "in", sequence)?;
            }
            if let Some(version) = inbound.format_version.filter(|_| !inbound.hospital_id.is_empty()) {
                exchange_store::note_format_version(tx, &inbound.hospital_id, version)?;
            }
            report.message = summary_ja(&report.counts);
            let c = report.counts;
            let result = if c.new + c.changed + c.conflicts + c.errors == 0 { "unchanged" } else { "applied" };
            exchange_store::finish(tx, &exchange_id, result, &report.counts, &serde_json::to_string(&report)?)?;
            Ok(report)
        };
        if dry_run { self.store.rehearse(body) } else { self.store.write(body) }
    }

    /// The import/export log, newest first.
    pub fn exchanges(&self, limit: u32) -> Result<Vec<ExchangeRecord>> {
        self.allow(Permission::Read)?;
        Ok(exchange_store::list(self.store.read(), limit)?)
    }

    /// The full report of one logged import.
    pub fn exchange_report(&self, exchange_id: &str) -> Result<ImportReport> {
        self.allow(Permission::Read)?;
        let (_, report) = exchange_store::get(self.store.read(), exchange_id)?
            .ok_or_else(|| Error::NotFound { entity: "取込記録", id: exchange_id.to_owned() })?;
        serde_json::from_str(&report)
            .map_err(|_| Error::NotFound { entity: "取込結果", id: exchange_id.to_owned() })
    }

    /// Records waiting for a nurse's decision, oldest first.
    pub fn import_conflicts(&self) -> Result<Vec<ImportConflict>> {
        self.allow(Permission::Read)?;
        Ok(exchange_store::open_conflicts(self.store.read())?)
    }

    /// Rejected records kept for review (of one import, or all).
    pub fn quarantined(&self, exchange_id: Option<&str>) -> Result<Vec<QuarantinedRecord>> {
        self.allow(Permission::Read)?;
        Ok(exchange_store::quarantined(self.store.read(), exchange_id)?)
    }

    /// Decides a conflict, in one transaction with its audit.
    pub fn resolve_conflict(&mut self, conflict_id: &str, decision: ConflictDecision) -> Result<ImportConflict> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        let offset = self.offset()?;
        let now = Utc::now();
        self.store.write(|tx| {
            let conflict = exchange_store::conflict(tx, conflict_id)?
                .ok_or_else(|| Error::NotFound { entity: "競合", id: conflict_id.to_owned() })?;
            let hospital_id = hospitals::by_code(tx, &conflict.sender)?
                .ok_or_else(|| Error::NotFound { entity: "医療機関", id: conflict.sender.clone() })?
                .0;
            let context =
                Context::new(tx, &user_id, &conflict.exchange_id, &conflict.sender, &hospital_id, offset, now);
            let status = resolve::resolve(&context, &conflict, decision)?;
            exchange_store::close_conflict(tx, &user_id, conflict_id, status, &to_rfc3339(now))?;
            Ok::<_, Error>(())
        })?;
        exchange_store::conflict(self.store.read(), conflict_id)?
            .ok_or_else(|| Error::NotFound { entity: "競合", id: conflict_id.to_owned() })
    }
}

/// Each record's result as it comes: named for the sender, a refused record quarantined, counted,
/// and listed while the report has room.
struct Tally {
    report: ImportReport,
    field_name: fn(&str) -> String,
    at: String,
}

impl Tally {
    fn add(&mut self, tx: Db<'_>, exchange_id: &str, record: &InboundRecord, mut result: RecordResult) -> Result<()> {
        for reason in &mut result.reasons {
            reason.field = (self.field_name)(&reason.field);
        }
        if result.outcome == Outcome::Error {
            exchange_store::quarantine(
                tx,
                exchange_id,
                record.position,
                &record.record_id,
                &record.raw,
                &result.reasons,
                &self.at,
            )?;
        }
        tally(&mut self.report.counts, result.outcome);
        if self.report.records.len() < REPORTED_RECORDS {
            self.report.records.push(result);
        } else {
            self.report.records_left_out += 1;
        }
        Ok(())
    }
}

/// Applies one record of a hospital's file inside its own savepoint: a record refused after a
/// write (a conflict found on the way) is undone alone.
fn apply_one(context: &Context, record: &InboundRecord) -> Result<RecordResult> {
    let mut result = record.unresolved();
    let parsed = match &record.parsed {
        Ok(parsed) => parsed,
        Err(reasons) => {
            result.reasons = reasons.clone();
            return Ok(result);
        }
    };
    let sha = sha256_hex(record.kept.as_bytes());
    let applied = tenin_store::within_savepoint(context.tx, || match parsed {
        Parsed::Request(r) => context.request(r, &record.kept, &sha),
        Parsed::Capacity(r) => context.capacity(r, &record.kept, &sha),
        Parsed::Answer(r) => context.answer(r, &record.kept),
        Parsed::Past(_) => Err(Error::ReferenceData("履歴の取込には列の対応が必要です".into())),
        Parsed::Directory(r) => context.directory_entry(r),
        Parsed::Status(r) => context.status_entry(r),
        Parsed::Acknowledgement(r) => context.acknowledgement(r),
        Parsed::Inquiry(r) => context.inquiry_received(r, &record.kept),
    });
    match applied {
        Ok(Applied { outcome, ref_no, note }) => {
            result.outcome = outcome;
            result.ref_no = ref_no;
            result.reasons = note.map(|message| vec![Reason::new("", message)]).unwrap_or_default();
        }
        // The storage failing is not the record's fault: the whole import stops, nothing kept.
        Err(error) if error.is_storage() => return Err(error),
        Err(error) => result.reasons = reasons_of(&error),
    }
    Ok(result)
}

fn tally(counts: &mut Counts, outcome: Outcome) {
    match outcome {
        Outcome::New => counts.new += 1,
        Outcome::Changed => counts.changed += 1,
        Outcome::Unchanged => counts.unchanged += 1,
        Outcome::Conflict => counts.conflicts += 1,
        Outcome::Error => counts.errors += 1,
    }
}

pub(super) fn summary_ja(c: &Counts) -> String {
    format!(
        "新規 {}件、更新 {}件、変更なし {}件、要確認 {}件、エラー {}件",
        c.new, c.changed, c.unchanged, c.conflicts, c.errors
    )
}

fn log_record(report: &ImportReport, inbound: &Inbound, user_id: &str, result: &str) -> ExchangeRecord {
    ExchangeRecord {
        id: if report.exchange_id.is_empty() { new_id() } else { report.exchange_id.clone() },
        direction: "in".into(),
        source: inbound.source.into(),
        kind: inbound.kind.as_str().into(),
        package_id: inbound.package_id.clone(),
        sender: inbound.sender.clone(),
        recipient: inbound.recipient.clone(),
        sequence: inbound.sequence,
        file_name: inbound.file_name.to_owned(),
        file_sha256: inbound.file_sha256.clone(),
        user_id: user_id.to_owned(),
        user_name: String::new(),
        at: to_rfc3339(Utc::now()),
        result: result.into(),
        counts: report.counts,
        message: report.message.clone(),
        refusal: None,
    }
}
