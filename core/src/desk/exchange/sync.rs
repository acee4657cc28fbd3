//! The sync cycle: packages exchanged through a shared folder on a schedule (docs/exchange.md,
//! "Sync folders"). The root holds one folder per recipient, `to-<desk id or hospital code>/`; a
//! sender writes `NAME.part` and renames it when complete; a reader takes only complete files.
//! Each side keeps its archive and its quarantine in its own data folder, never in the root.
//!
//! A cycle imports every complete file addressed to this desk (clean records applied, the rest to
//! the conflicts queue; or, with `require_preview`, moved to the local inbox for a nurse), then
//! writes what is due: inquiries not yet written, the directory when it changed, each hospital's
//! status when its part changed, and an acknowledgement of every package it imported.
//!
//! Killed at any point, it loses no file and applies none twice: an import is one transaction and
//! a package already imported is recognised by its id; a file leaves the root only after its
//! import (or refusal) is committed; a package is logged before it is renamed into place, and the
//! next cycle renames or removes what a crash left as `.part`.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::export::{Destination, ExportRequest, PART_SUFFIX};
use crate::desk::Desk;
use tenin_domain::access::Permission;
use tenin_domain::edition::Edition;
use tenin_domain::error::{Error, Result};
use tenin_domain::exchange::package::sha256_hex;
use tenin_store::exchange as exchange_store;
use tenin_store::ids::{new_id, to_rfc3339};
use tenin_store::sync_state::{self, SyncFile, SyncRun};
use tenin_store::{inquiries, meta};

/// Where and how often packages are exchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct SyncSettings {
    /// The shared folder; empty: no sync.
    pub root: String,
    /// Minutes between scheduled cycles (1–1440); 0: only when asked.
    pub every_minutes: u32,
    /// Import nothing on its own: move each file to the inbox for a nurse to preview and apply.
    pub require_preview: bool,
}

impl Default for SyncSettings {
    fn default() -> Self {
        SyncSettings { root: String::new(), every_minutes: 10, require_preview: false }
    }
}

/// The sync's state for the 送受信 panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncStatus {
    pub settings: SyncSettings,
    pub last: Option<SyncRun>,
    /// RFC 3339; none when the schedule is off.
    pub next_at: Option<String>,
    /// Files waiting in the inbox for a nurse's preview.
    pub inbox: Vec<String>,
}

/// A request written for the desk: its id, the intake's fingerprint, whether as a withdrawal.
type SentMark = (String, String, bool);

/// A recipient's folder in the root (`to-<recipient>`), made when missing.
pub(crate) fn recipient_folder(root: &Path, recipient: &str) -> Result<PathBuf> {
    let safe = !recipient.is_empty() && recipient.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !safe {
        return Err(Error::Io(format!("宛先「{recipient}」はフォルダ名にできません")));
    }
    let folder = root.join(format!("to-{recipient}"));
    std::fs::create_dir_all(&folder).map_err(|e| Error::Io(format!("{} を作れません: {e}", folder.display())))?;
    Ok(folder)
}

/// A package named as the senders of this format name them (`tenin-<kind>-<sender>-to-<recipient>-
/// <number>.zip`): its sender and number, so each sender's packages are taken in their order.
fn sender_and_number(name: &str) -> Option<(String, u32)> {
    let stem = name.strip_prefix("tenin-")?.strip_suffix(".zip")?;
    let (head, number) = stem.rsplit_once('-')?;
    let number: u32 = number.parse().ok()?;
    let (from, _) = head.split_once("-to-")?;
    let sender = from.split_once('-')?.1;
    Some((sender.to_owned(), number))
}

/// The complete files in a folder: this format's packages by sender and number, then any other
/// file oldest first (a file's time is too coarse to order packages written in the same moment).
fn complete_files(folder: &Path) -> Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::Io(format!("{} を読めません: {e}", folder.display()))),
    };
    /// A file with what orders it: its sender and number when named so, its time, its path.
    type Found = (Option<(String, u32)>, std::time::SystemTime, PathBuf);
    let mut files: Vec<Found> = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() || name.starts_with('.') || name.ends_with(PART_SUFFIX) {
            continue;
        }
        let time = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
        files.push((sender_and_number(&name), time, entry.path()));
    }
    // Named packages first, by sender and number; then the rest by time and name.
    files.sort_by(|a, b| match (&a.0, &b.0) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => (a.1, &a.2).cmp(&(b.1, &b.2)),
    });
    Ok(files.into_iter().map(|(_, _, path)| path).collect())
}

/// Moves a file out of the shared root into a local folder: copied (whole, then renamed into
/// place), then removed from the root. A copy already there (a crash between the two) is kept.
fn move_out(file: &Path, into: &Path) -> Result<PathBuf> {
    let io = |e: std::io::Error, what: &Path| Error::Io(format!("{} を移せません: {e}", what.display()));
    std::fs::create_dir_all(into).map_err(|e| io(e, into))?;
    let name = file.file_name().map(|n| n.to_owned()).unwrap_or_default();
    let target = into.join(&name);
    if !target.exists() {
        let staged = into.join(format!("{}{PART_SUFFIX}", name.to_string_lossy()));
        std::fs::copy(file, &staged).map_err(|e| io(e, file))?;
        std::fs::File::open(&staged).and_then(|f| f.sync_all()).map_err(|e| io(e, &staged))?;
        std::fs::rename(&staged, &target).map_err(|e| io(e, &staged))?;
    }
    std::fs::remove_file(file).map_err(|e| io(e, file))?;
    Ok(target)
}

impl Desk {
    /// The sync settings (off until a root is set).
    pub fn sync_settings(&self) -> Result<SyncSettings> {
        self.allow(Permission::Read)?;
        self.stored_sync_settings()
    }

    fn stored_sync_settings(&self) -> Result<SyncSettings> {
        Ok(match meta::get(self.store.read(), meta::SYNC_SETTINGS)? {
            Some(json) => serde_json::from_str(&json)?,
            None => SyncSettings::default(),
        })
    }

    /// Sets the sync root (an existing folder, or empty to stop), the schedule and the preview
    /// setting. A supervisor's decision, audited.
    pub fn set_sync_settings(&mut self, settings: &SyncSettings) -> Result<SyncSettings> {
        let user_id = self.allow(Permission::Supervise)?.id.clone();
        let root = settings.root.trim().to_owned();
        if !root.is_empty() && !Path::new(&root).is_dir() {
            return Err(Error::refused(
                "root",
                &format!("フォルダ「{root}」がありません（共有フォルダを作ってから指定してください）"),
            ));
        }
        if settings.every_minutes > 1440 {
            return Err(Error::refused("every_minutes", "0〜1440 分で指定してください（0 は手動のみ）"));
        }
        let checked = SyncSettings { root, ..settings.clone() };
        let before = self.stored_sync_settings()?;
        let json = serde_json::to_string(&checked)?;
        self.save_setting(&user_id, meta::SYNC_SETTINGS, &json, "sync_settings", &before, &checked)?;
        self.stored_sync_settings()
    }

    /// The sync root, when sync is on.
    pub(crate) fn sync_root(&self) -> Result<Option<PathBuf>> {
        let settings = self.stored_sync_settings()?;
        Ok((!settings.root.is_empty()).then(|| PathBuf::from(settings.root)))
    }

    fn sync_dir(&self, what: &str) -> PathBuf {
        self.data_dir.join("sync").join(what)
    }

    /// The last runs, newest first.
    pub fn sync_runs(&self, limit: u32) -> Result<Vec<SyncRun>> {
        self.allow(Permission::Read)?;
        Ok(sync_state::runs(self.store.read(), limit)?)
    }

    /// Settings, the last run, when the next is due, and the inbox.
    pub fn sync_status(&self) -> Result<SyncStatus> {
        self.allow(Permission::Read)?;
        let settings = self.stored_sync_settings()?;
        let last = sync_state::runs(self.store.read(), 1)?.pop();
        let next_at = (settings.every_minutes > 0 && !settings.root.is_empty()).then(|| {
            let last_at = last.as_ref().and_then(|r| tenin_store::ids::parse_rfc3339(&r.started_at).ok());
            to_rfc3339(last_at.map_or_else(Utc::now, |at| at + Duration::minutes(settings.every_minutes.into())))
        });
        let inbox = complete_files(&self.sync_dir("inbox"))?
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        Ok(SyncStatus { settings, last, next_at, inbox })
    }

    /// Whether a cycle is due by the schedule (a sync folder set, its interval passed since the
    /// last cycle began).
    pub fn sync_due(&self, now: DateTime<Utc>) -> Result<bool> {
        let settings = self.stored_sync_settings()?;
        if settings.root.is_empty() || settings.every_minutes == 0 {
            return Ok(false);
        }
        let last = sync_state::runs(self.store.read(), 1)?.pop();
        Ok(last
            .and_then(|r| tenin_store::ids::parse_rfc3339(&r.started_at).ok())
            .is_none_or(|at| now - at >= Duration::minutes(settings.every_minutes.into())))
    }

    /// Runs a cycle when one is due by the schedule, as the desk's own account (so no one's session
    /// is kept awake): what the app's timer calls. `None` when none was due.
    pub fn sync_if_due(&mut self, now: DateTime<Utc>) -> Result<Option<SyncRun>> {
        if !self.sync_due(now)? {
            return Ok(None);
        }
        self.scheduled = true;
        let run = self.sync_once();
        self.scheduled = false;
        run.map(Some)
    }

    /// One sync cycle now (「今すぐ送受信」, `tenin sync run --once`).
    pub fn sync_once(&mut self) -> Result<SyncRun> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        let root = self.sync_root()?.ok_or_else(|| {
            Error::refused(
                "root",
                "送受信フォルダが設定されていません（設定 → 送受信、または tenin sync settings --root）",
            )
        })?;
        let started_at = to_rfc3339(Utc::now());
        let desk_id = self.exchange_id()?;
        let mut files = Vec::new();
        self.finish_outgoing(&root, &desk_id)?;
        let inbound = recipient_folder(&root, &desk_id)?;
        let preview_only = self.stored_sync_settings()?.require_preview;
        for file in complete_files(&inbound)? {
            files.push(self.take_in(&file, preview_only)?);
        }
        match self.edition()? {
            Edition::Desk => files.extend(self.write_due(&user_id, &root)?),
            Edition::Hospital => files.extend(self.write_due_to_desk(&user_id, &root)?),
        }
        let count = |direction: &str| files.iter().filter(|f| f.direction == direction).count() as u32;
        let run = SyncRun {
            id: new_id(),
            started_at,
            finished_at: to_rfc3339(Utc::now()),
            user_name: String::new(),
            files_in: count("in"),
            files_out: count("out"),
            refused: files.iter().filter(|f| f.result == "refused").count() as u32,
            conflicts: files.iter().filter(|f| f.result == "conflicts").count() as u32,
            files,
        };
        self.store.write(|tx| sync_state::insert_run(tx, &user_id, &run))?;
        Ok(sync_state::runs(self.store.read(), 1)?.pop().unwrap_or(run))
    }

    /// Renames this desk's `.part` files that were logged before a crash, and removes those that
    /// were not (their numbers were never taken).
    fn finish_outgoing(&self, root: &Path, desk_id: &str) -> Result<()> {
        let Ok(folders) = std::fs::read_dir(root) else { return Ok(()) };
        let mine = format!("-{desk_id}-to-");
        for folder in folders.flatten().filter(|f| f.path().is_dir()) {
            for entry in std::fs::read_dir(folder.path()).into_iter().flatten().flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let Some(complete) = name.strip_suffix(PART_SUFFIX) else { continue };
                if !complete.starts_with("tenin-") || !complete.contains(&mine) {
                    continue;
                }
                let io = |e: std::io::Error| Error::Io(format!("{name} を片付けられません: {e}"));
                if exchange_store::exported_file(self.store.read(), complete)? {
                    std::fs::rename(entry.path(), folder.path().join(complete)).map_err(io)?;
                } else {
                    std::fs::remove_file(entry.path()).map_err(io)?;
                }
            }
        }
        Ok(())
    }

    /// Imports one complete file from the root (or moves it to the inbox), then moves it out of the
    /// root: to the archive once imported, to nowhere once refused (the refusal kept it in
    /// quarantine). A storage failure stops the cycle with the file left in place.
    fn take_in(&mut self, file: &Path, preview_only: bool) -> Result<SyncFile> {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut seen = SyncFile {
            name: name.clone(),
            direction: "in".into(),
            party: String::new(),
            kind: String::new(),
            result: String::new(),
            message: String::new(),
            refusal: None,
            counts: None,
            records: None,
        };
        if preview_only {
            move_out(file, &self.sync_dir("inbox"))?;
            seen.result = "preview".into();
            seen.message = "受信箱へ（プレビューしてから取り込みます）".into();
            return Ok(seen);
        }
        let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        let imported = match self.refuse_oversized("package", &name, size) {
            Ok(()) => {
                let bytes = std::fs::read(file).map_err(|e| Error::Io(format!("{name} を読めません: {e}")))?;
                self.import_package(&name, &bytes, false, &|_, _| true).map(|report| (report, bytes))
            }
            Err(error) => Err(error),
        };
        match imported {
            Ok((report, bytes)) => {
                seen.party = report.sender.clone();
                seen.kind = report.kind.clone();
                seen.result = if report.counts.conflicts > 0 {
                    "conflicts".into()
                } else if report.already_imported_at.is_some() || report.counts.new + report.counts.changed == 0 {
                    "unchanged".into()
                } else {
                    "applied".into()
                };
                seen.message = report.message.clone();
                seen.counts = Some(report.counts);
                self.queue_acknowledgement(&report, &bytes)?;
                move_out(file, &self.sync_dir("archive").join(Utc::now().format("%Y-%m").to_string()))?;
            }
            Err(Error::PackageRefused(refusal)) => {
                seen.result = "refused".into();
                seen.message = refusal.to_string();
                seen.refusal = Some(refusal.code());
                // The refusal is logged and the file kept in quarantine: it leaves the root.
                std::fs::remove_file(file).map_err(|e| Error::Io(format!("{name} を片付けられません: {e}")))?;
            }
            Err(other) => return Err(other),
        }
        Ok(seen)
    }

    /// Notes that the import `report` is to be acknowledged to its sender (written with what is
    /// due, once per package).
    fn queue_acknowledgement(&mut self, report: &super::ImportReport, bytes: &[u8]) -> Result<()> {
        if self.edition()? == Edition::Hospital {
            // Only the desk acknowledges: a hospital's next status package says what became of it.
            return Ok(());
        }
        let exchange_id = match &report.already_imported_at {
            None => report.exchange_id.clone(),
            Some(_) => {
                exchange_store::applied_before(self.store.read(), report.package_id.as_deref(), &sha256_hex(bytes))?
                    .map(|(id, _)| id)
                    .unwrap_or_default()
            }
        };
        if exchange_id.is_empty() || report.sender.is_empty() {
            return Ok(());
        }
        let topic = format!("ack:{exchange_id}");
        if sync_state::sent(self.store.read(), &report.sender, &topic)?.is_none() {
            self.store.write(|tx| sync_state::set_sent(tx, &report.sender, &topic, "due", ""))?;
        }
        Ok(())
    }

    /// Writes what is due into the recipients' folders.
    fn write_due(&mut self, user_id: &str, root: &Path) -> Result<Vec<SyncFile>> {
        let mut written = Vec::new();
        let mut note = |kind: &str, party: &str, path: &str| {
            written.push(SyncFile {
                name: Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                direction: "out".into(),
                party: party.to_owned(),
                kind: kind.to_owned(),
                result: "written".into(),
                message: String::new(),
                refusal: None,
                counts: None,
                records: None,
            });
        };
        for (inquiry_id, _, _) in inquiries::unsent_packages(self.store.read())? {
            let package = self.write_inquiry(user_id, &inquiry_id, None)?;
            note("inquiry", &package.manifest.recipient, &package.path);
        }
        let keyed = exchange_store::keyed_hospitals(self.store.read())?;
        // The directory: one package, a copy in every partner's folder, when it changed.
        let directory = self.outgoing(&ExportRequest::Directory)?;
        let fingerprint = sha256_hex(&serde_json::to_vec(&directory.records)?);
        if !keyed.is_empty() && sync_state::sent(self.store.read(), "*", "directory")?.as_deref() != Some(&fingerprint)
        {
            let folders: Vec<PathBuf> =
                keyed.iter().map(|(_, code)| recipient_folder(root, code)).collect::<Result<_>>()?;
            let at = to_rfc3339(Utc::now());
            let package = self.write_package(user_id, directory, Destination::Shared(&folders), |tx, _| {
                Ok(sync_state::set_sent(tx, "*", "directory", &fingerprint, &at)?)
            })?;
            note("directory", "*", &package.path);
        }
        for (hospital_id, code) in &keyed {
            let folder = [recipient_folder(root, code)?];
            let status = self.outgoing(&ExportRequest::Status { hospital_id: hospital_id.clone() })?;
            let fingerprint = sha256_hex(&serde_json::to_vec(&status.records)?);
            if sync_state::sent(self.store.read(), code, "status")?.as_deref() != Some(&fingerprint) {
                let at = to_rfc3339(Utc::now());
                let package = self.write_package(user_id, status, Destination::Shared(&folder), |tx, _| {
                    Ok(sync_state::set_sent(tx, code, "status", &fingerprint, &at)?)
                })?;
                note("status", code, &package.path);
            }
            for exchange_id in sync_state::due_acknowledgements(self.store.read(), code)? {
                let ack = self.outgoing(&ExportRequest::Acknowledgement { exchange_id: exchange_id.clone() })?;
                let at = to_rfc3339(Utc::now());
                let topic = format!("ack:{exchange_id}");
                let package = self.write_package(user_id, ack, Destination::Shared(&folder), |tx, _| {
                    Ok(sync_state::set_sent(tx, code, &topic, "sent", &at)?)
                })?;
                note("acknowledgement", code, &package.path);
            }
        }
        Ok(written)
    }

    /// A hospital edition's part of a cycle: what is due for its desk — its requests new, changed or
    /// withdrawn since they were last sent, its answers to inquiries, its capacity and requirements
    /// when they changed — each kind in one package, encrypted to the desk.
    fn write_due_to_desk(&mut self, user_id: &str, root: &Path) -> Result<Vec<SyncFile>> {
        let identity = self.hospital_identity()?;
        let folder = [recipient_folder(root, &identity.desk.id)?];
        let desk_key = tenin_domain::exchange::keys::parse_recipient(&identity.desk.encryption)
            .map_err(|e| Error::ReferenceData(e.to_string()))?;
        let mut written = Vec::new();
        let mut send = |desk: &mut Desk,
                        kind: tenin_domain::exchange::manifest::PackageKind,
                        records: Vec<serde_json::Value>,
                        also: &dyn Fn(tenin_store::Db<'_>, &str) -> Result<()>|
         -> Result<()> {
            if records.is_empty() {
                return Ok(());
            }
            let out = super::export::Outgoing {
                kind,
                recipient: identity.desk.id.clone(),
                encrypt_to: Some(desk_key.clone()),
                format_version: tenin_domain::exchange::manifest::FORMAT_VERSION,
                records,
            };
            let package = desk.write_package(user_id, out, Destination::Shared(&folder), |tx, manifest| {
                also(tx, &manifest.package_id)
            })?;
            written.push(SyncFile {
                name: Path::new(&package.path)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                direction: "out".into(),
                party: identity.desk.id.clone(),
                kind: kind.as_str().into(),
                result: "written".into(),
                message: format!("{}件", package.manifest.records),
                refusal: None,
                counts: None,
                records: Some(package.manifest.records),
            });
            Ok(())
        };
        let (requests, sent) = self.requests_due()?;
        send(self, tenin_domain::exchange::manifest::PackageKind::Requests, requests, &|tx, _| {
            for (id, fingerprint, withdrawn) in &sent {
                tenin_store::desk_status::mark_sent(tx, id, fingerprint, *withdrawn)?;
            }
            Ok(())
        })?;
        let answers = tenin_store::received_inquiries::unsent_answers(self.store.read())?;
        let answer_records: Vec<serde_json::Value> =
            answers.iter().map(serde_json::to_value).collect::<serde_json::Result<_>>()?;
        send(self, tenin_domain::exchange::manifest::PackageKind::Answers, answer_records, &|tx, package_id| {
            for answer in &answers {
                tenin_store::received_inquiries::mark_answer_sent(tx, &answer.inquiry_id, package_id)?;
            }
            Ok(())
        })?;
        let capacity = self.own_capacity_records()?;
        let fingerprint = sha256_hex(&serde_json::to_vec(&capacity)?);
        if sync_state::sent(self.store.read(), &identity.desk.id, "capacity")?.as_deref() != Some(&fingerprint) {
            let at = to_rfc3339(Utc::now());
            let desk_id = identity.desk.id.clone();
            send(self, tenin_domain::exchange::manifest::PackageKind::Capacity, capacity, &|tx, _| {
                Ok(sync_state::set_sent(tx, &desk_id, "capacity", &fingerprint, &at)?)
            })?;
        }
        Ok(written)
    }

    /// A hospital edition's requests to send: each new one, each changed since it was last sent,
    /// each withdrawal not yet sent; with (id, fingerprint, withdrawn) to mark them sent.
    fn requests_due(&self) -> Result<(Vec<serde_json::Value>, Vec<SentMark>)> {
        let mut records = Vec::new();
        let mut sent = Vec::new();
        for state in tenin_store::desk_status::sent_state(self.store.read())? {
            let tenin_store::desk_status::SentState { request_id: id, status, sent_fingerprint: last, withdrawal_sent } =
                state;
            let fingerprint = tenin_store::requests::intake_fingerprint(self.store.read(), &id)?;
            let withdrawn = status == tenin_domain::request_status::RequestStatus::Withdrawn.as_str();
            if withdrawn {
                if !withdrawal_sent && last.is_some() {
                    let detail = self.request(&id)?;
                    let note = detail.history.last().map(|h| h.note.clone()).unwrap_or_default();
                    records.push(serde_json::json!({"record_id": id, "action": "withdraw", "note": note}));
                    sent.push((id, fingerprint, true));
                }
                continue;
            }
            if last.as_deref() == Some(fingerprint.as_str()) {
                continue;
            }
            let detail = self.request(&id)?;
            let action = if last.is_none() { "new" } else { "update" };
            let intake = tenin_domain::request_view::intake_of(&detail);
            records.push(serde_json::json!({"record_id": id, "action": action, "request": intake}));
            sent.push((id, fingerprint, false));
        }
        Ok((records, sent))
    }

    /// Imports (or previews) a file the cycle left in the inbox; once applied it moves to the archive.
    pub fn import_inbox_file(&mut self, name: &str, dry_run: bool) -> Result<super::ImportReport> {
        self.allow(Permission::Coordinate)?;
        let inbox = self.sync_dir("inbox");
        let file = complete_files(&inbox)?
            .into_iter()
            .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy() == name))
            .ok_or_else(|| Error::NotFound { entity: "受信箱のファイル", id: name.to_owned() })?;
        let bytes = std::fs::read(&file).map_err(|e| Error::Io(format!("{name} を読めません: {e}")))?;
        let report = self.import_package(name, &bytes, dry_run, &|_, _| true);
        match &report {
            Ok(done) if !dry_run => {
                self.queue_acknowledgement(done, &bytes)?;
                move_out(&file, &self.sync_dir("archive").join(Utc::now().format("%Y-%m").to_string()))?;
            }
            Err(Error::PackageRefused(_)) if !dry_run => {
                std::fs::remove_file(&file).map_err(|e| Error::Io(format!("{name} を片付けられません: {e}")))?;
            }
            _ => {}
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::sender_and_number;

    #[test]
    fn a_package_name_gives_its_sender_and_number() {
        assert_eq!(
            sender_and_number("tenin-requests-1410110009-to-01a2-bc-000012.zip"),
            Some(("1410110009".into(), 12))
        );
        assert_eq!(
            sender_and_number("tenin-status-01a22589-fe59-727b-874e-03b164ad6069-to-1410110009-000001.zip"),
            Some(("01a22589-fe59-727b-874e-03b164ad6069".into(), 1))
        );
        assert_eq!(sender_and_number("answer.zip"), None);
    }
}
