//! [`Desk`]: the one API that the app's commands and the CLI call.
//!
//! A desk is an opened, checked, migrated store plus the user acting on it. Every method that
//! changes data runs in one transaction and writes its audit rows inside it. Rules (validation,
//! workflow) are enforced here and below, never only in a UI.

use std::path::{Path, PathBuf};
use tenin_domain::error::Detail;
use tenin_store::Db;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::Serialize;

use tenin_domain::access::Permission;
use tenin_domain::bundled;
use tenin_domain::demo::{DemoData, DemoSummary};
use tenin_domain::duplicates::{self, DuplicateCandidate};
use tenin_domain::error::{Error, Result, Rule};
use tenin_domain::history_note;
use tenin_domain::inquiry::{InquiryAnswerInput, NewInquiryInput};
use tenin_domain::placement_time::{self, PlacementTimes};
use tenin_domain::quality::{self, ReferrerQuality};
use tenin_domain::recovery_key::RecoveryKey;
use tenin_domain::reference::{RegionPackInfo, Term};
use tenin_domain::region_pack::RegionPack;
use tenin_domain::request::NewRequestInput;
use tenin_domain::request_name::RequestName;
use tenin_domain::request_status::RequestStatus;
use tenin_domain::request_view::{RequestDetail, RequestSummary};
use tenin_store::cipher::{self, Passphrase};
use tenin_store::exchange as exchange_store;
use tenin_store::ids::{new_id, now_rfc3339, parse_rfc3339};
use tenin_store::request_names::{self, Named};
use tenin_store::users::User;
use tenin_store::{
    OpenError, Opening, Store, audit, hospitals, inquiries, meta, reference, requests, transport_providers, users,
};

mod backups;
mod demo_data;
mod directory;
mod drafts;
mod edition;
mod encryption;
mod exchange;
mod integrity;
mod matching;
mod notices;
mod outside_transfers;
mod own_hospital;
mod pack_updates;
mod people;
mod post_covid;
mod quarantine_folder;
mod recovery;
mod reports;
mod transport;
mod work_reports;

pub use backups::{BackupDone, BackupSettings, Protection, ProtectionWarning, RestoreDone};
pub use directory::{DeskSettings, DirectoryChoices};
pub use edition::{HospitalIdentity, HospitalSetup};
pub use encryption::Encryption;
pub use exchange::apply::conflict_reason_ja;
pub use exchange::export::{ExportRequest, ExportedPackage};
pub use exchange::inquiry_packages::{SendInquiriesInput, SentInquiries, SentInquiry};
pub use exchange::sync::{SyncSettings, SyncStatus};
pub use exchange::template::TemplateFormat;
pub use exchange::{ConflictDecision, ImportLimits, ImportReport, PackageInfo, Progress, REPORTED_RECORDS};
pub use integrity::{INTEGRITY_CHECK_EVERY_HOURS, IntegrityCheck};
pub use notices::{CALL_BACK_LEAD_MINUTES, NoticeSettings};
pub use own_hospital::ReceivedAnswerInput;
pub use people::{Access, AccessState, DEFAULT_IDLE_LOCK_MINUTES, NewUserInput, SessionUser, UserInfo, UserUpdate};
pub use post_covid::{PostCovidFile, SurveyImport};
pub use quarantine_folder::QuarantineUsage;
pub use recovery::{Recovered, RecoveryInput};
pub use reports::ReportFormat;
pub use tenin_domain::request_view::DeskView;
pub use tenin_store::audit::{AuditEntry, AuditFilter, AuditRow, ChainCheck, Head as AuditHead};
/// The store's records the UI and the CLI read (the audit trail, the exchange log), as the desk
/// hands them over.
pub use tenin_store::drafts::Draft;
pub use tenin_store::exchange::{Counts, ExchangeRecord, ImportConflict, QuarantinedRecord};
pub use tenin_store::received_inquiries::ReceivedInquiry;
pub use tenin_store::sync_state::{SyncFile, SyncRun};
pub use tenin_store::{DATABASE_FILE, LATEST_VERSION as SCHEMA_VERSION};
pub use work_reports::{BuiltReport, WorkReport};

/// The program's version, as shown in the About panel and `tenin status`.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

pub struct Desk {
    store: Store,
    /// The desk's own account: acts for the desk itself (region pack at set-up, scheduled backups).
    system: User,
    /// Who is signed in; none until someone signs in.
    session: Option<people::Session>,
    idle_limit: std::time::Duration,
    data_dir: PathBuf,
    /// Set while the desk acts on its own schedule (a sync cycle): it acts as `system`, and no one's
    /// session is touched (the idle lock still locks).
    scheduled: bool,
    /// The compiled matching directory, kept between calls while the data it was built from is
    /// current (see `desk/matching.rs`).
    match_cache: std::cell::RefCell<Option<matching::CachedDirectory>>,
}

/// The lists the intake form chooses from, from the region pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IntakeChoices {
    pub bed_types: Vec<Term>,
    pub regions: Vec<Term>,
}

/// A snapshot of the desk for the About panel, the welcome screen and `tenin status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeskStatus {
    pub app_version: String,
    pub data_dir: String,
    pub database_path: String,
    /// The database file's size with its write-ahead log, in kilobytes.
    pub database_kilobytes: u32,
    /// When the last backup was made (RFC 3339), if ever.
    pub last_backup_at: Option<String>,
    /// The last whole-file check the app made in the background, if any.
    pub last_integrity_check: Option<IntegrityCheck>,
    pub schema_version: u32,
    pub desk_id: String,
    pub region_pack: RegionPackInfo,
    pub user_id: String,
    pub user_name: String,
    pub hospitals: u32,
    pub transport_providers: u32,
    pub requests: u32,
    pub requests_by_status: Vec<StatusCount>,
    pub audit_entries: u32,
    /// Nothing entered yet and the demo offer not dismissed: the app shows its welcome screen.
    pub show_welcome: bool,
    /// The mark waiting times are compared with (the model desk's 2.5 hours).
    pub placement_target_minutes: u32,
    /// Which end this installation is.
    pub edition: tenin_domain::edition::Edition,
    /// What the desk warns about its protection (encryption, recovery key, off-machine backups).
    pub protection_warnings: Vec<ProtectionWarning>,
    /// Opened from a read-only file: nothing can be changed.
    pub read_only: bool,
}

/// What set-up needs to make a desk.
#[derive(Debug, Clone, Default)]
pub struct NewDesk {
    /// The region pack; `None`: the bundled one.
    pub pack: Option<RegionPack>,
    /// The passphrase the database is encrypted under; `None`: not encrypted (the administrator
    /// chose so explicitly).
    pub passphrase: Option<String>,
}

/// Whether the desk has what every desk has: its own account, id, exchange keys and region pack.
fn is_set_up(conn: tenin_store::Db<'_>) -> Result<bool> {
    Ok(users::by_login(conn, users::SYSTEM_LOGIN)?.is_some()
        && meta::get(conn, meta::DESK_ID)?.is_some()
        && exchange_store::desk_keys(conn)?.is_some()
        && reference::is_loaded(conn)?)
}

/// Gives a new desk (or one whose set-up was cut short) what [`is_set_up`] asks for, audited; a
/// new desk also gets its recovery key (returned to be shown once; only its hash is kept).
fn set_up(tx: tenin_store::Db<'_>, pack: &RegionPack) -> Result<Option<RecoveryKey>> {
    let user = users::ensure_system(tx)?;
    let mut recovery = None;
    if meta::get(tx, meta::DESK_ID)?.is_none() {
        meta::set(tx, meta::DESK_ID, &new_id())?;
        meta::set(tx, meta::CREATED_AT, &now_rfc3339())?;
        let code = RecoveryKey::generate();
        meta::set(tx, meta::RECOVERY_KEY_HASH, &code.hash()?)?;
        audit::record(tx, recovery::made_change(&user.id))?;
        recovery = Some(code);
    }
    if exchange_store::desk_keys(tx)?.is_none() {
        let keys = tenin_domain::exchange::keys::KeyPair::generate();
        meta::set(tx, exchange_store::DESK_KEYS, &keys.to_secret_text())?;
        audit::created(tx, &user.id, "exchange_keys", "desk", &keys.public())?;
    }
    if !reference::is_loaded(tx)? {
        reference::load_pack(tx, pack)?;
        let info = serde_json::json!({"id": pack.id, "version": pack.version});
        let change = audit::Change::<(), _> {
            user_id: &user.id,
            action: audit::Action::Load,
            entity: "region_pack",
            entity_id: &pack.id,
            before: None,
            after: Some(&info),
        };
        audit::record(tx, change)?;
    }
    Ok(recovery)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StatusCount {
    pub status: RequestStatus,
    pub count: u32,
}

impl Desk {
    /// Opens the desk in `data_dir`. A folder without a desk, an empty file or another program's
    /// database is refused (`OpenError`): only [`Desk::create`] makes a desk.
    pub fn open(data_dir: &Path) -> std::result::Result<Desk, OpenError> {
        Desk::open_with(data_dir, None, None, Opening::Existing).map(|(desk, _)| desk)
    }

    /// Opens an encrypted desk with its passphrase (a desk in the clear opens as with [`Desk::open`]).
    pub fn open_with_passphrase(data_dir: &Path, passphrase: &str) -> std::result::Result<Desk, OpenError> {
        let key = Passphrase::new(passphrase);
        Desk::open_with(data_dir, None, Some(&key), Opening::Existing).map(|(desk, _)| desk)
    }

    /// Set-up: makes a new desk in `data_dir` — encrypted under `new_desk.passphrase` unless it is
    /// `None` (an administrator's explicit choice) — with `new_desk.pack` (else the bundled region
    /// pack), and returns it with its recovery key, to be shown once. A desk already there opens as
    /// it is (`passphrase` then opens it) and no recovery key is returned.
    pub fn create(data_dir: &Path, new_desk: &NewDesk) -> std::result::Result<(Desk, Option<String>), OpenError> {
        let key = match new_desk.passphrase.as_deref() {
            Some(text) => Some(if crate::data_dir::holds_desk(data_dir) {
                Passphrase::new(text)
            } else {
                Passphrase::checked_new(text, "passphrase").map_err(|e| other(data_dir, e))?
            }),
            None => None,
        };
        Desk::open_with(data_dir, new_desk.pack.as_ref(), key.as_ref(), Opening::Create)
    }

    /// Whether `text` may be a new desk's passphrase (at least ten characters): the set-up screen
    /// asks before [`Desk::create`], to show the problem beside the field.
    pub fn check_new_passphrase(text: &str) -> Result<()> {
        Passphrase::checked_new(text, "passphrase").map(drop)
    }

    fn open_with(
        data_dir: &Path,
        pack: Option<&RegionPack>,
        key: Option<&Passphrase>,
        opening: Opening,
    ) -> std::result::Result<(Desk, Option<String>), OpenError> {
        let mut store = Store::open(data_dir, key, opening)?;
        let fail = |e: Error| other(data_dir, e);
        // Opening reads; it writes only to finish a set-up, so it never waits behind another
        // program's write (an import) and works on a read-only copy.
        let mut recovery = None;
        if !is_set_up(store.read()).map_err(fail)? {
            if store.is_read_only() {
                return Err(other(data_dir, Error::Io("読み取り専用のデータベースは初期化できません".into())));
            }
            let pack = match pack {
                Some(pack) => pack.clone(),
                None => bundled::default_region_pack().map_err(fail)?,
            };
            recovery = store.write(|tx| set_up(tx, &pack)).map_err(fail)?;
            if let (Some(code), Some(key)) = (&recovery, store.passphrase()) {
                let sealed = code.seal_escrow(key.expose()).map_err(fail)?;
                cipher::keep_escrow(store.path(), &sealed)
                    .map_err(|e| fail(Error::Io(format!("回復用の控えを書けません: {e}"))))?;
            }
        }
        let conn = store.read();
        let system = users::by_login(conn, users::SYSTEM_LOGIN)
            .map_err(|e| fail(e.into()))?
            .ok_or_else(|| fail(Error::ReferenceData("デスクの利用者がいません".into())))?;
        let idle_minutes = people::idle_lock_minutes(conn).map_err(fail)?;
        let desk = Desk {
            store,
            system,
            session: None,
            idle_limit: people::idle_limit(idle_minutes),
            data_dir: data_dir.to_owned(),
            scheduled: false,
            match_cache: Default::default(),
        };
        if !desk.store.is_read_only() {
            desk.remove_backup_leftovers().map_err(fail)?;
        }
        Ok((desk, recovery.map(|code| code.shown())))
    }

    /// The same desk on a second connection, for reading while this one is busy with a long write
    /// (an import): the same person signed in, what was committed before each read, and every
    /// write refused (the reader's connection is read-only). Dropped when the long write ends.
    pub fn reader(&self) -> Result<Desk> {
        Ok(Desk {
            store: self.store.reader()?,
            system: self.system.clone(),
            session: self.session.as_ref().map(people::Session::copy),
            idle_limit: self.idle_limit,
            data_dir: self.data_dir.clone(),
            scheduled: self.scheduled,
            match_cache: Default::default(),
        })
    }

    /// Whether opening ran SQLite's check of the whole file: only when the file was not closed
    /// cleanly, was changed since, or was migrated (see `tenin_store::clean_close`).
    pub fn checked_at_open(&self) -> bool {
        self.store.checked_at_open()
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Where exports are saved (the quick save, and where a save dialog starts).
    pub fn export_dir(&self) -> PathBuf {
        crate::export_file::export_dir(&self.data_dir)
    }

    /// A saved export copied to a place the user chose (see `export_file::copy_to`).
    pub fn copy_export(&self, saved: &Path, chosen: &Path) -> Result<PathBuf> {
        self.allow(Permission::Read)?;
        crate::export_file::copy_to(&self.export_dir(), saved, chosen)
    }

    pub fn region_pack(&self) -> Result<RegionPackInfo> {
        reference::pack_info(self.store.read())?
            .ok_or_else(|| Error::ReferenceData("地域パックが読み込まれていません".into()))
    }

    /// The desk's time zone (from its region pack).
    pub fn offset(&self) -> Result<FixedOffset> {
        let minutes = self.region_pack()?.utc_offset_minutes;
        FixedOffset::east_opt(minutes * 60)
            .ok_or_else(|| Error::ReferenceData(format!("utc_offset_minutes: {minutes}")))
    }

    /// Desk dates `from`..=`to` as the stored times they span: the start of `from` and the start of
    /// the day after `to`, in UTC (RFC 3339), for the store's indexes on time.
    pub(crate) fn span_of_days(&self, from: NaiveDate, to: NaiveDate) -> Result<(String, String)> {
        let offset = self.offset()?;
        let start = |day: NaiveDate| {
            day.and_hms_opt(0, 0, 0)
                .and_then(|t| t.and_local_timezone(offset).single())
                .map(|t| tenin_store::ids::to_rfc3339(t.with_timezone(&Utc)))
                .ok_or_else(|| Error::ReferenceData(format!("日付を読めません: {day}")))
        };
        let after = to.succ_opt().ok_or_else(|| Error::ReferenceData(format!("日付を読めません: {to}")))?;
        Ok((start(from)?, start(after)?))
    }

    /// A stored time as the desk reads it: its time zone, 和暦 (「R8.11.29 06:06」).
    pub fn local_time(&self, stored: &str) -> Result<String> {
        Ok(tenin_domain::timestamps::local_short(stored, self.offset()?))
    }

    /// Today in the desk's time zone.
    pub fn today(&self) -> Result<NaiveDate> {
        Ok(Utc::now().with_timezone(&self.offset()?).date_naive())
    }

    /// Stores one desk setting (`value` under `key` in the desk's meta table) and audits the change
    /// as `desk_settings`/`name`, in one transaction.
    pub(crate) fn save_setting<B: Serialize, A: Serialize>(
        &mut self,
        actor: &str,
        key: &str,
        value: &str,
        name: &str,
        before: &B,
        after: &A,
    ) -> Result<()> {
        self.store.write(|tx| -> Result<()> {
            meta::set(tx, key, value)?;
            Ok(audit::record(
                tx,
                audit::Change {
                    user_id: actor,
                    action: audit::Action::Update,
                    entity: "desk_settings",
                    entity_id: name,
                    before: Some(before),
                    after: Some(after),
                },
            )?)
        })
    }

    pub(crate) fn plan_today(&self) -> Result<Option<String>> {
        Ok(reference::plan_on(self.store.read(), self.today()?)?)
    }

    pub fn status(&self) -> Result<DeskStatus> {
        let user = self.allow(Permission::Read)?;
        let conn = self.store.read();
        let hospitals = hospitals::count(conn)?;
        let requests = requests::count(conn)?;
        let dismissed = meta::get(conn, meta::WELCOME_DISMISSED)?.is_some();
        Ok(DeskStatus {
            app_version: APP_VERSION.to_owned(),
            data_dir: self.data_dir.display().to_string(),
            database_path: self.store.path().display().to_string(),
            database_kilobytes: database_kilobytes(self.store.path()),
            last_backup_at: meta::get(conn, meta::LAST_BACKUP_AT)?,
            last_integrity_check: self.last_integrity_check()?,
            schema_version: self.store.schema_version()?,
            desk_id: meta::get(conn, meta::DESK_ID)?.unwrap_or_default(),
            region_pack: self.region_pack()?,
            user_id: user.id.clone(),
            user_name: user.display_name.clone(),
            hospitals,
            transport_providers: transport_providers::count(conn)?,
            requests,
            requests_by_status: requests::count_by_status(conn)?
                .into_iter()
                .map(|(status, count)| StatusCount { status, count })
                .collect(),
            audit_entries: audit::count(conn)?,
            show_welcome: hospitals == 0 && requests == 0 && !dismissed,
            placement_target_minutes: placement_time::PLACEMENT_TARGET_MINUTES,
            edition: self.edition()?,
            protection_warnings: self.protection(Utc::now())?.warnings,
            read_only: self.store.is_read_only(),
        })
    }

    /// SQLite's full integrity check, then whether the kept monthly counts agree with the history
    /// and the kept answer sums with the inquiries: 「ok」 when all hold, else what is wrong.
    pub fn integrity_check(&self) -> Result<String> {
        self.allow(Permission::Read)?;
        let sqlite = self.store.integrity_check()?;
        if sqlite != "ok" {
            return Ok(sqlite);
        }
        Ok(if !self.placement_counts_agree()? {
            "月別件数が受入決定の履歴と一致しません".to_owned()
        } else if !tenin_store::answer_tally::verify(self.store.read())? {
            "医療機関ごとの回答の集計が問い合わせの記録と一致しません".to_owned()
        } else {
            sqlite
        })
    }

    /// Loads the bundled demo data. Only into an empty desk: demo records must never mix with
    /// real ones.
    pub fn load_demo(&mut self) -> Result<DemoSummary> {
        self.allow(Permission::Administer)?;
        self.require(tenin_domain::edition::Edition::Desk)?;
        let data = bundled::demo_data()?;
        self.load_demo_data(&data, Utc::now())
    }

    pub fn load_demo_data(&mut self, data: &DemoData, now: DateTime<Utc>) -> Result<DemoSummary> {
        let user_id = self.allow(Permission::Administer)?.id.clone();
        let pack = self.region_pack()?;
        if data.region_pack != pack.id {
            return Err(tenin_domain::error::Rule::DemoForAnotherPack {
                data: data.region_pack.clone(),
                desk: pack.id,
            }
            .into());
        }
        let offset = self.offset()?;
        self.store.write(|tx| {
            if hospitals::count(tx)? > 0 || requests::count(tx)? > 0 {
                return Err(tenin_domain::error::Rule::DemoNeedsEmptyDesk.into());
            }
            demo_data::load(data, tx, &user_id, now, offset)
        })
    }

    /// Remembers that the nurse chose to start without demo data.
    pub fn dismiss_welcome(&mut self) -> Result<()> {
        let user_id = self.allow(Permission::Administer)?.id.clone();
        Ok(self.store.write(|tx| {
            meta::set(tx, meta::WELCOME_DISMISSED, &now_rfc3339())?;
            let change = audit::Change::<(), ()> {
                user_id: &user_id,
                action: audit::Action::Update,
                entity: "desk_meta",
                entity_id: meta::WELCOME_DISMISSED,
                before: None,
                after: None,
            };
            audit::record(tx, change)
        })?)
    }

    pub fn requests(&self) -> Result<Vec<RequestSummary>> {
        self.allow(Permission::Read)?;
        Ok(requests::list(self.store.read())?)
    }

    /// One page of the queue (open requests by default), filtered and paged by the store: what the
    /// window and `tenin requests list` show, without sending every request ever made. The text is
    /// folded as the search box folds it (full-width digits and letters).
    pub fn queue(
        &self,
        query: &tenin_domain::request_view::QueueQuery,
    ) -> Result<tenin_domain::request_view::QueuePage> {
        self.allow(Permission::Read)?;
        let text = tenin_domain::text::fold_width(query.text.trim());
        Ok(requests::page(self.store.read(), &tenin_domain::request_view::QueueQuery { text, ..query.clone() })?)
    }

    /// One request with its history, inquiry log and data-quality checklist.
    pub fn request(&self, id: &str) -> Result<RequestDetail> {
        let user_id = self.allow(Permission::Read)?.id.clone();
        let mut detail = requests::get(self.store.read(), id)?;
        detail.quality = quality::assess(&detail, self.today()?);
        if self.edition()? == tenin_domain::edition::Edition::Hospital {
            detail.desk_view = tenin_store::desk_status::of(self.store.read(), id)?;
        }
        detail.undo_to = requests::undoable(self.store.read(), id, &user_id, Utc::now())?;
        Ok(detail)
    }

    /// Takes back the signed-in nurse's last move of a request (「元に戻す」: an intake step, within
    /// a minute, nothing changed since `expected_version`), recorded as a move of its own in the
    /// history (note 「元に戻す」) and audited as `undo`.
    pub fn undo_move(&mut self, id: &str, expected_version: u32) -> Result<RequestDetail> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        self.store.write(|tx| requests::undo_last_move(tx, &user_id, id, expected_version, Utc::now()))?;
        self.request(id)
    }

    /// The id of the request `name` points at: its reference number (as said on the phone, typed any
    /// way), its id, or the referring hospital's own record id (「CODE:record」 names the hospital).
    /// Unknown or ambiguous names are refused, saying what was tried or which requests matched.
    pub fn resolve_request(&self, name: &str) -> Result<String> {
        self.allow(Permission::Read)?;
        let name = RequestName::parse(name);
        match request_names::find(self.store.read(), &name)? {
            Named::One(id) => Ok(id),
            Named::Nothing => Err(Error::NotFound { entity: "依頼", id: name.tried_ja() }),
            Named::Several(found) => {
                let matches: Vec<String> = found.iter().map(|(r, code)| format!("{r}（{code}）")).collect();
                Err(Rule::AmbiguousRequest { text: name.text, matches: matches.join("、") }.into())
            }
        }
    }

    /// Each referring hospital's average data quality over requests registered from `from` to `to`
    /// (desk dates), lowest first: whom to coach.
    pub fn quality_by_referrer(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<ReferrerQuality>> {
        self.allow(Permission::Read)?;
        let today = self.today()?;
        let mut by_hospital: std::collections::BTreeMap<String, ReferrerQuality> = Default::default();
        // Only the requests registered in the period, through the registration index.
        let (start, end) = self.span_of_days(from, to)?;
        for id in requests::ids_registered_between(self.store.read(), &start, &end)? {
            let detail = requests::get(self.store.read(), &id)?;
            let summary = &detail.summary;
            let report = quality::assess(&detail, today);
            let entry = by_hospital.entry(summary.referring_hospital_id.clone()).or_insert_with(|| ReferrerQuality {
                hospital_id: summary.referring_hospital_id.clone(),
                hospital_name: summary.referring_hospital_name.clone(),
                requests: 0,
                average_score: 0.0,
                blocked: 0,
            });
            entry.average_score += f64::from(report.score);
            entry.requests += 1;
            entry.blocked += u32::from(!report.can_match);
        }
        let mut result: Vec<ReferrerQuality> = by_hospital
            .into_values()
            .map(|mut q| {
                q.average_score /= f64::from(q.requests);
                q
            })
            .collect();
        result.sort_by(|a, b| {
            a.average_score.total_cmp(&b.average_score).then_with(|| a.hospital_name.cmp(&b.hospital_name))
        });
        Ok(result)
    }

    /// The bed types and the medical regions (of the plan in force) the intake form offers.
    pub fn intake_choices(&self) -> Result<IntakeChoices> {
        self.allow(Permission::Read)?;
        let conn = self.store.read();
        let regions = match self.plan_today()? {
            Some(plan) => reference::regions_of_plan(conn, &plan)?,
            None => Vec::new(),
        };
        Ok(IntakeChoices { bed_types: reference::terms(conn, "bed_type")?, regions })
    }

    /// Registers a new request in state 新規受付 and returns it as the detail page shows it. A
    /// possible duplicate of a request already on the desk is refused unless `keep_both` says the
    /// nurse has looked and it is another patient (see [`Desk::find_duplicates`]).
    pub fn create_request(&mut self, input: &NewRequestInput, keep_both: bool) -> Result<RequestDetail> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        let checked = self.own_intake(input)?.checked_on(Some(self.today()?))?;
        let offset = self.offset()?;
        let since = tenin_store::ids::to_rfc3339(Utc::now() - chrono::Duration::days(duplicates::RECENT_DAYS));
        let id = self.store.write(|tx| {
            if !keep_both {
                let found = duplicate_ids(tx, &checked, &since)?;
                if !found.is_empty() {
                    let mut ref_nos = Vec::new();
                    for id in found {
                        ref_nos.push(requests::get(tx, &id)?.summary.ref_no);
                    }
                    return Err(Error::PossibleDuplicate(ref_nos));
                }
            }
            let id = requests::insert(tx, &user_id, &checked, Utc::now(), offset)?;
            // The intake typed is now a request: its draft goes with the same transaction.
            tenin_store::drafts::discard(tx, &user_id, "intake", "")?;
            Ok(id)
        })?;
        self.request(&id)
    }

    /// Replaces a request's intake with a corrected one (the nurse followed up with the referring
    /// hospital). Refused if the request changed since `expected_version`; the audit keeps the old.
    pub fn update_request(
        &mut self,
        id: &str,
        expected_version: u32,
        input: &NewRequestInput,
    ) -> Result<RequestDetail> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        let checked = self.own_intake(input)?.checked_on(Some(self.today()?))?;
        self.store.write(|tx| requests::update_intake(tx, &user_id, id, expected_version, &checked, Utc::now()))?;
        self.request(id)
    }

    /// Takes a request (assigns it to the signed-in user), or releases it.
    pub fn assign_to_me(&mut self, id: &str, take: bool) -> Result<RequestDetail> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        let assignee = take.then_some(user_id.as_str());
        self.store.write(|tx| requests::assign(tx, &user_id, id, assignee, Utc::now()))?;
        self.request(id)
    }

    /// Requests already on the desk that may be the same patient as `input`, with the reasons.
    pub fn find_duplicates(&self, input: &NewRequestInput) -> Result<Vec<DuplicateCandidate>> {
        self.allow(Permission::Read)?;
        let checked = self.own_intake(input)?.checked_on(Some(self.today()?))?;
        let since = tenin_store::ids::to_rfc3339(Utc::now() - chrono::Duration::days(duplicates::RECENT_DAYS));
        let conn = self.store.read();
        let mut candidates = Vec::new();
        for (id, facts) in requests::duplicate_facts(conn, &since)? {
            let reasons = duplicates::reasons(&checked, &facts);
            if !reasons.is_empty() {
                candidates.push(DuplicateCandidate { request: requests::get(conn, &id)?.summary, reasons });
            }
        }
        Ok(candidates)
    }

    /// Merges a second referral of the same patient into `existing_id`: fills what the existing
    /// request lacks and appends new text; nothing already recorded is replaced.
    pub fn merge_into(&mut self, existing_id: &str, input: &NewRequestInput) -> Result<RequestDetail> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        let checked = self.own_intake(input)?.checked_on(Some(self.today()?))?;
        let existing = self.request(existing_id)?.summary;
        if !existing.status.is_open() {
            return Err(Rule::MergeIntoClosed { ref_no: existing.ref_no, status: existing.status }.into());
        }
        self.store.write(|tx| requests::merge_into(tx, &user_id, existing_id, &checked, Utc::now()))?;
        self.request(existing_id)
    }

    /// The intake as this edition takes it: a hospital edition refers its own patients only.
    fn own_intake(&self, input: &NewRequestInput) -> Result<NewRequestInput> {
        match self.edition()? {
            tenin_domain::edition::Edition::Desk => Ok(input.clone()),
            tenin_domain::edition::Edition::Hospital => {
                Ok(NewRequestInput { referring_hospital_id: self.hospital_identity()?.hospital_id, ..input.clone() })
            }
        }
    }

    /// Moves a request to `to`, if the workflow allows it and nobody changed it since
    /// `expected_version`.
    pub fn transition(
        &mut self,
        id: &str,
        to: RequestStatus,
        expected_version: Option<u32>,
        note: &str,
    ) -> Result<RequestDetail> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        let edition = self.edition()?;
        if edition == tenin_domain::edition::Edition::Hospital && to != RequestStatus::Withdrawn {
            // A hospital withdraws its own request; every other move is the desk's.
            return Err(Error::WrongEdition { needed: tenin_domain::edition::Edition::Desk, this: edition });
        }
        let note = tenin_domain::text::strip_controls(note.trim());
        let transition = requests::Transition { request_id: id, to, expected_version, at: Utc::now(), note: &note };
        self.store.write(|tx| requests::transition(tx, &user_id, &transition))?;
        self.request(id)
    }

    /// Takes a request on as transport only (搬送のみ): the hospitals agreed between themselves that
    /// `hospital_id` receives the patient, and the desk arranges the vehicle. The request moves to
    /// 搬送調整中 without 受入決定 — booked, logged and reported like the others, never counted as a
    /// desk placement.
    pub fn mark_transport_only(
        &mut self,
        request_id: &str,
        hospital_id: &str,
        expected_version: Option<u32>,
        note: &str,
    ) -> Result<RequestDetail> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let note = tenin_domain::text::strip_controls(note.trim());
        let marked = requests::TransportOnly { request_id, hospital_id, expected_version, at: Utc::now(), note: &note };
        self.store.write(|tx| requests::mark_transport_only(tx, &user_id, &marked))?;
        self.request(request_id)
    }

    /// Closes a request that will not be transferred (取り下げ, 調整不成立) and, with
    /// `cancel_bookings`, cancels its bookings still requested or confirmed in the same transaction —
    /// a vehicle is never left booked for a patient who is not going. Each cancellation is in the
    /// booking's history with the reason.
    pub fn close_request(
        &mut self,
        id: &str,
        to: RequestStatus,
        expected_version: Option<u32>,
        note: &str,
        cancel_bookings: bool,
    ) -> Result<RequestDetail> {
        if !cancel_bookings {
            return self.transition(id, to, expected_version, note);
        }
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        if !matches!(to, RequestStatus::Withdrawn | RequestStatus::NotPlaced) {
            return Err(Error::refused("cancel_bookings", "搬送予約の取消は、取り下げ・調整不成立のときだけです"));
        }
        let note = tenin_domain::text::strip_controls(note.trim());
        let now = Utc::now();
        self.store.write(|tx| -> Result<()> {
            let transition = requests::Transition { request_id: id, to, expected_version, at: now, note: &note };
            requests::transition(tx, &user_id, &transition)?;
            let reason = format!("依頼の{}に伴い取消", to.label_ja());
            for booking in tenin_store::transport_bookings::for_request(tx, id)? {
                if booking.status.is_active() {
                    tenin_store::transport_bookings::transition(
                        tx,
                        &user_id,
                        &booking.id,
                        booking.version,
                        tenin_domain::transport::BookingStatus::Cancelled,
                        &reason,
                        now,
                    )?;
                }
            }
            Ok(())
        })?;
        self.request(id)
    }

    /// Places a request with `hospital_id` (受入決定) in one step: when that hospital's acceptance
    /// was agreed by phone and not logged, it is logged here (an inquiry answered 受入可, with the
    /// note) in the same transaction as the move; a request not yet 調整中 goes through it (each
    /// move in the history). 受入決定 always names the accepting hospital.
    pub fn place(
        &mut self,
        request_id: &str,
        hospital_id: &str,
        expected_version: Option<u32>,
        note: &str,
    ) -> Result<RequestDetail> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let note = tenin_domain::text::strip_controls(note.trim());
        let offset = self.offset()?;
        let now = Utc::now();
        self.store.write(|tx| -> Result<()> {
            let accepted = inquiries::for_request(tx, request_id)?
                .into_iter()
                .rev()
                .find(|i| i.hospital_id == hospital_id)
                .is_some_and(|i| i.outcome == tenin_domain::inquiry::InquiryOutcome::Accepted);
            if !accepted {
                let input = NewInquiryInput {
                    request_id: request_id.to_owned(),
                    hospital_id: hospital_id.to_owned(),
                    contact: String::new(),
                    channel: tenin_domain::inquiry::InquiryChannel::Phone,
                    outcome: tenin_domain::inquiry::InquiryOutcome::Accepted,
                    decline_reason: None,
                    note: if note.is_empty() { history_note::PLACED_BY_PHONE.to_owned() } else { note.clone() },
                    call_back_at: String::new(),
                };
                inquiries::insert(tx, &user_id, &input.checked(offset)?, now)?;
            }
            let status = requests::status_of(tx, request_id)?;
            let path =
                status.path_to_placed().ok_or(Error::InvalidTransition { from: status, to: RequestStatus::Placed })?;
            for (step, to) in path.iter().enumerate() {
                // The version the screen read guards the first move; the rest follow from it.
                let expected_version = if step == 0 { expected_version } else { None };
                let note = if *to == RequestStatus::Placed { note.as_str() } else { history_note::TOWARDS_PLACEMENT };
                let transition = requests::Transition { request_id, to: *to, expected_version, at: now, note };
                requests::transition(tx, &user_id, &transition)?;
            }
            Ok(())
        })?;
        self.request(request_id)
    }

    /// Records who gave consent to share the patient's information with candidate hospitals (as
    /// the referring hospital said), audited.
    pub fn record_consent(&mut self, request_id: &str, given_by: &str) -> Result<RequestDetail> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        let given_by = tenin_domain::text::strip_controls(&tenin_domain::text::fold_width(given_by));
        if given_by.is_empty() {
            return Err(Error::refused("consent_given_by", "誰から同意を得たかを入力してください（例: 本人、長男）"));
        }
        if tenin_domain::text::char_len(&given_by) > tenin_domain::request::SHORT_TEXT_MAX {
            let max = tenin_domain::request::SHORT_TEXT_MAX as u32;
            let problem = tenin_domain::error::FieldProblem::new(
                "consent_given_by",
                tenin_domain::error::Problem::TooLong { max },
            );
            return Err(Error::Validation(vec![problem]));
        }
        self.store.write(|tx| tenin_store::consent::record(tx, &user_id, request_id, &given_by, Utc::now(), true))?;
        self.request(request_id)
    }

    /// Time from registration to the placement that held, for placements made from `from` to
    /// `to` inclusive (dates in the desk's time zone). See `placement_time` for the definitions.
    pub fn placement_times(&self, from: NaiveDate, to: NaiveDate) -> Result<PlacementTimes> {
        self.allow(Permission::Read)?;
        if from > to {
            return Err(Error::detailed("from", tenin_domain::error::Problem::Invalid, Detail::DatesReversed));
        }
        let offset = self.offset()?;
        let mut samples = Vec::new();
        for placed in requests::placed(self.store.read())? {
            let (Ok(registered), Ok(at)) = (parse_rfc3339(&placed.registered_at), parse_rfc3339(&placed.placed_at))
            else {
                return Err(Error::ReferenceData(format!("日時を読めません: {}", placed.placed_at)));
            };
            let day = at.with_timezone(&offset).date_naive();
            if day < from || day > to {
                continue;
            }
            let minutes = u32::try_from((at - registered).num_minutes()).unwrap_or(0);
            samples.push(placement_time::Sample {
                minutes,
                jurisdiction: placed.jurisdiction_name,
                referring_hospital: placed.referring_hospital_name,
            });
        }
        let all: Vec<u32> = samples.iter().map(|s| s.minutes).collect();
        Ok(PlacementTimes {
            from: from.to_string(),
            to: to.to_string(),
            target_minutes: placement_time::PLACEMENT_TARGET_MINUTES,
            overall: placement_time::stats(&all),
            by_jurisdiction: placement_time::grouped(&samples, |s| s.jurisdiction.clone()),
            by_referring_hospital: placement_time::grouped(&samples, |s| Some(s.referring_hospital.clone())),
        })
    }

    /// Logs an inquiry to a receiving hospital and returns the request with its updated log.
    pub fn log_inquiry(&mut self, input: &NewInquiryInput) -> Result<RequestDetail> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let checked = input.checked(self.offset()?)?;
        self.store.write(|tx| -> Result<()> {
            inquiries::insert(tx, &user_id, &checked, Utc::now())?;
            Ok(tenin_store::drafts::discard(tx, &user_id, "inquiry", &checked.request_id)?)
        })?;
        self.request(&checked.request_id)
    }

    /// Records a hospital's answer to a waiting inquiry.
    pub fn answer_inquiry(&mut self, input: &InquiryAnswerInput) -> Result<RequestDetail> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let answer = input.checked()?;
        let request_id = self.store.write(|tx| {
            inquiries::answer(tx, &user_id, &input.inquiry_id, input.expected_version, answer, Utc::now())
        })?;
        self.request(&request_id)
    }

    /// The region pack's decline reasons (お断り理由), in its order.
    pub fn decline_reasons(&self) -> Result<Vec<Term>> {
        self.allow(Permission::Read)?;
        Ok(reference::terms(self.store.read(), "decline_reason")?)
    }

    /// Walks the audit chain: every entry must hash to its hash and link to the one before.
    pub fn verify_audit(&self) -> Result<audit::ChainCheck> {
        self.allow(Permission::Supervise)?;
        Ok(audit::verify(self.store.read())?)
    }

    /// The end of the audit chain, to keep outside the desk (`tenin audit head --out`, the daily log,
    /// backups): a later [`Desk::verify_audit_against`] finds entries cut off after it.
    pub fn audit_head(&self) -> Result<Option<audit::Head>> {
        self.allow(Permission::Supervise)?;
        Ok(audit::head(self.store.read())?)
    }

    /// [`Desk::verify_audit`], and the chain must still hold a head saved earlier: `saved` is a
    /// head file (`tenin audit head --out`) or a backup of this desk (whose last entry is its head).
    pub fn verify_audit_against(&self, saved: &Path) -> Result<audit::ChainCheck> {
        self.allow(Permission::Supervise)?;
        let head = self.saved_audit_head(saved)?;
        Ok(audit::verify_against(self.store.read(), &head)?)
    }

    fn saved_audit_head(&self, saved: &Path) -> Result<audit::Head> {
        let unreadable =
            |why: String| Error::Io(format!("保存された監査記録の末尾を読めません: {}（{why}）", saved.display()));
        // A head file is a few hundred bytes; anything larger is read as a backup.
        let small = std::fs::metadata(saved).is_ok_and(|m| m.is_file() && m.len() <= 64 * 1024);
        let bytes = if small { std::fs::read(saved).ok() } else { None };
        if let Some(head) = bytes.as_deref().and_then(|b| serde_json::from_slice::<audit::Head>(b).ok()) {
            return Ok(head);
        }
        self.store.backup_head(saved)?.ok_or_else(|| unreadable("監査記録のない古いバックアップです".into()))
    }

    /// The audit viewer: rows matching `filter`, newest first. Dates (`2026-11-21`) in the filter
    /// are read as the start of that day in the desk's time zone.
    pub fn audit_log(&self, filter: &audit::AuditFilter) -> Result<Vec<audit::AuditRow>> {
        self.allow(Permission::Supervise)?;
        let offset = self.offset()?;
        let bound = |text: &Option<String>| -> Result<Option<String>> {
            let Some(text) = text.as_deref().map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
            if let Ok(at) = parse_rfc3339(text) {
                return Ok(Some(tenin_store::ids::to_rfc3339(at)));
            }
            let day = tenin_domain::wareki::parse_date(text, None).map_err(|e| {
                let detail = Detail::DateUnreadable { text: text.to_owned(), reason: e.to_string() };
                Error::detailed("from", tenin_domain::error::Problem::Invalid, detail)
            })?;
            use chrono::TimeZone;
            let start = offset
                .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
                .single()
                .ok_or_else(|| Error::ReferenceData(day.to_string()))?;
            Ok(Some(tenin_store::ids::to_rfc3339(start.with_timezone(&Utc))))
        };
        let filter = audit::AuditFilter { from: bound(&filter.from)?, to: bound(&filter.to)?, ..filter.clone() };
        Ok(audit::search(self.store.read(), &filter)?)
    }

    /// The entity kinds in the audit log, for the viewer's filter.
    pub fn audit_entities(&self) -> Result<Vec<String>> {
        self.allow(Permission::Supervise)?;
        Ok(audit::entities(self.store.read())?)
    }

    /// The viewer's rows as CSV.
    pub fn audit_csv(
        &self,
        filter: &audit::AuditFilter,
        encoding: tenin_domain::csv_file::CsvEncoding,
    ) -> Result<tenin_domain::csv_file::CsvFile> {
        self.allow(Permission::Supervise)?;
        let mut rows =
            vec![["番号", "日時", "利用者", "操作", "対象", "対象ID", "変更前", "変更後"].map(str::to_owned).to_vec()];
        for r in self.audit_log(filter)? {
            rows.push(vec![
                r.seq.to_string(),
                r.at,
                r.user_name,
                r.action,
                r.entity,
                r.entity_id,
                r.before_json.unwrap_or_default(),
                r.after_json.unwrap_or_default(),
            ]);
        }
        tenin_domain::csv_file::write(&rows, encoding)
    }

    /// The viewer's rows as CSV in the export folder (never overwriting).
    pub fn save_audit_csv(
        &self,
        filter: &audit::AuditFilter,
        encoding: tenin_domain::csv_file::CsvEncoding,
    ) -> Result<crate::export_file::SavedExport> {
        let file = self.audit_csv(filter, encoding)?;
        let stem = format!("監査記録_{}", self.today()?.format("%Y%m%d"));
        let path =
            crate::export_file::save_new(&crate::export_file::export_dir(&self.data_dir), &stem, "csv", &file.bytes)?;
        Ok(crate::export_file::SavedExport {
            path: path.display().to_string(),
            substituted: file.substituted.iter().map(|c| c.to_string()).collect(),
        })
    }

    /// The audit rows of one entity, for tests and the (later) audit viewer.
    pub fn audit_of(&self, entity: &str, entity_id: &str) -> Result<Vec<audit::AuditEntry>> {
        self.allow(Permission::Read)?;
        Ok(audit::for_entity(self.store.read(), entity, entity_id)?)
    }
}

/// Prefixes the fields of a refusal with the position of the record in a list (`[2].code`).
pub(crate) fn indexed(error: Error, index: usize) -> Error {
    match error {
        Error::Validation(problems) => Error::Validation(
            problems
                .into_iter()
                .map(|mut p| {
                    p.field = format!("[{index}].{}", p.field);
                    p
                })
                .collect(),
        ),
        other => other,
    }
}

fn duplicate_ids(conn: Db<'_>, new: &tenin_domain::request::CheckedRequest, since: &str) -> Result<Vec<String>> {
    let index = duplicates::DuplicateIndex::new(requests::duplicate_facts(conn, since)?);
    Ok(index.matching(new).into_iter().map(str::to_owned).collect())
}

fn other(data_dir: &Path, error: Error) -> OpenError {
    OpenError::Other { path: data_dir.display().to_string(), detail: error.to_string() }
}

/// The database file's size with its write-ahead log (a missing file counts nothing), in kilobytes.
fn database_kilobytes(path: &std::path::Path) -> u32 {
    let size = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let bytes = size(path) + size(std::path::Path::new(&wal));
    u32::try_from(bytes.div_ceil(1024)).unwrap_or(u32::MAX)
}
