//! The history import on the desk: the mapping step (columns, a suggestion, saved mappings) and
//! bringing the cases in through the import runner (preview, one transaction, idempotent by file,
//! and by the previous system's number when mapped; refused rows quarantined).

use std::collections::{BTreeMap, HashMap};
use tenin_store::Db;

use chrono::{DateTime, FixedOffset, NaiveTime, Utc};

use super::apply::Context;
use super::{ImportReport, Inbound, InboundRecord, Parsed, Progress, Records, reasons_of};
use crate::desk::Desk;
use tenin_domain::access::Permission;
use tenin_domain::error::{Error, Result};
use tenin_domain::exchange::history::{self, HistoryColumns, HistoryMapping, PastCase};
use tenin_domain::exchange::manifest::PackageKind;
use tenin_domain::exchange::package::sha256_hex;
use tenin_domain::exchange::records::{Outcome, RecordResult};
use tenin_domain::exchange::value_mapping::{self, ValueQuestion};
use tenin_domain::request::{NewRequestInput, PatientSex};
use tenin_domain::request_status::RequestStatus;
use tenin_domain::text::fold_width;
use tenin_store::exchange::{self as exchange_store, Source, SourceKey};
use tenin_store::ids::to_rfc3339;
use tenin_store::{past_cases, reference, requests};

/// What the history rows name, looked up once per import (by code, id or name, width-folded).
pub(in crate::desk) struct Lookups {
    pub mapping: HistoryMapping,
    hospitals: HashMap<String, String>,
    /// The ids of referring and of receiving hospitals: a value naming a hospital in the other role
    /// is asked about (it may mean another hospital).
    referring: std::collections::HashSet<String>,
    receiving: std::collections::HashSet<String>,
    municipalities: HashMap<String, String>,
    transport_modes: HashMap<String, String>,
    bed_types: HashMap<String, String>,
}

impl Lookups {
    fn load(conn: Db<'_>, plan: Option<&str>, mapping: HistoryMapping) -> Result<Lookups> {
        let mut hospitals = HashMap::new();
        for (id, names) in tenin_store::hospitals::names_and_codes(conn)? {
            for key in names.iter().filter(|k| !k.is_empty()) {
                hospitals.insert(fold_width(key), id.clone());
            }
        }
        let mut municipalities = HashMap::new();
        for m in reference::municipalities(conn, plan)? {
            municipalities.insert(fold_width(&m.name), m.code.clone());
            municipalities.insert(m.code.clone(), m.code);
        }
        let terms = |list: &str| -> Result<HashMap<String, String>> {
            let mut map = HashMap::new();
            for t in reference::terms(conn, list)? {
                map.insert(fold_width(&t.name), t.id.clone());
                map.insert(t.id.clone(), t.id);
            }
            Ok(map)
        };
        let (referring, receiving) = tenin_store::hospitals::ids_by_role(conn)?;
        Ok(Lookups {
            mapping,
            hospitals,
            referring: referring.into_iter().collect(),
            receiving: receiving.into_iter().collect(),
            municipalities,
            transport_modes: terms("transport_mode")?,
            bed_types: terms("bed_type")?,
        })
    }
}

impl Lookups {
    /// Whether `value` of `field` reads as it is (no mapping needed).
    fn reads(&self, field: &str, value: &str) -> bool {
        let folded = fold_width(value);
        match field {
            "outcome" => outcome_of(value).is_some(),
            "transport_mode" => self.transport_modes.contains_key(&folded),
            "bed_type" => self.bed_types.contains_key(&folded),
            "referring_hospital" => self.hospitals.get(&folded).is_some_and(|id| self.referring.contains(id)),
            "receiving_hospital" => self.hospitals.get(&folded).is_some_and(|id| self.receiving.contains(id)),
            "residence" => matches!(folded.as_str(), "不明" | "県外") || self.municipalities.contains_key(&folded),
            "patient_sex" => matches!(folded.as_str(), "男" | "男性" | "M" | "male" | "女" | "女性" | "F" | "female"),
            _ => true,
        }
    }
}

fn outcome_of(text: &str) -> Option<RequestStatus> {
    match fold_width(text).as_str() {
        "転院済" | "転院済み" | "転院" | "transferred" => Some(RequestStatus::Transferred),
        "受入決定" | "決定" | "placed" => Some(RequestStatus::Placed),
        "調整不成立" | "不成立" | "not_placed" => Some(RequestStatus::NotPlaced),
        "取下げ" | "取り下げ" | "取下" | "withdrawn" => Some(RequestStatus::Withdrawn),
        _ => None,
    }
}

/// A date and time as old systems write them: 2024-05-01 10:30, 2024/5/1 10:30, R6.5.1 10:30,
/// ISO/RFC 3339; a date alone is midnight, desk time.
fn date_time(text: &str, offset: FixedOffset) -> Option<DateTime<Utc>> {
    let folded = fold_width(text).replace('/', "-");
    if let Ok(Some(at)) = tenin_domain::inquiry::parse_local_time(&folded, offset) {
        return Some(at);
    }
    let (date, time) = match folded.split_once([' ', 'T']) {
        Some((date, time)) => (date, Some(time.trim())),
        None => (folded.as_str(), None),
    };
    let date = tenin_domain::wareki::parse_date(date, None).ok()?;
    let time = match time {
        None | Some("") => NaiveTime::MIN,
        Some(t) => NaiveTime::parse_from_str(t, "%H:%M").or_else(|_| NaiveTime::parse_from_str(t, "%H:%M:%S")).ok()?,
    };
    date.and_time(time).and_local_timezone(offset).single().map(|t| t.with_timezone(&Utc))
}

/// What a whole history file came to, beyond each row's result.
#[derive(Default)]
pub struct HistoryApplied {
    /// New cases left at 受入決定 for longer than [`PLACED_LONG_AGO_DAYS`].
    pub placed_long_ago: u32,
}

/// What a history row comes to once checked, before anything is written.
enum PastPlan {
    /// Refused, with why: nothing of it is written.
    Refused(Vec<tenin_store::exchange::Reason>),
    /// Its number in the previous system came earlier in the same chunk: the index of that row.
    Repeat(usize),
    /// Imported before, by the previous system's number: the request's reference number.
    Known(String),
    New(Box<past_cases::CheckedPastCase>),
}

/// A checked row waiting for its chunk to be written.
struct ReadyRow<'r> {
    /// Its place among the results.
    index: usize,
    case: past_cases::CheckedPastCase,
    /// Its number in the previous system and its hash, when it has one.
    source: Option<(&'r str, String)>,
}

/// History rows checked, then written together (see `store::past_cases::insert`).
const CHUNK: usize = 512;

/// A past case left at 受入決定 longer than this (its placement reached this many days before the
/// import) is pointed out: it will stay open in the queue, though in the old system it was most
/// likely transferred long since.
pub const PLACED_LONG_AGO_DAYS: i64 = 14;

/// The preview's and the report's warning about `rows` past cases left at 受入決定 long ago.
pub(super) fn placed_long_ago_warning(rows: u32) -> String {
    format!(
        "受入決定のまま{PLACED_LONG_AGO_DAYS}日以上たつ行が {rows} 件あります。取り込むと未完了の依頼（受入決定）として一覧に残ります。\
         転院まで済んでいる記録なら、値の読み替えで結果を「転院済」にしてください（転院済には搬送手段の列が要ります）"
    )
}

/// The value step lists at most this many distinct values of one field (a hospital column of a
/// prefecture's history has a few hundred; thousands are a column mapped wrongly).
pub const MAX_VALUES_PER_FIELD: u32 = 2_000;

impl Context<'_> {
    /// Applies a history file's rows as they are read, a chunk at a time: each row is checked alone
    /// (a refused row is reported with why, nothing of it written), then the chunk's new cases are
    /// written together. `each` gets every row's result in the file's order. `progress(done)`
    /// returning `false` cancels.
    pub fn apply_history(
        &self,
        bytes: &[u8],
        lookups: &Lookups,
        progress: &dyn Fn(u32) -> bool,
        each: &mut dyn FnMut(&InboundRecord, RecordResult) -> Result<()>,
    ) -> Result<HistoryApplied> {
        let mut numbers = past_cases::DayNumbers::default();
        let mut applied = HistoryApplied::default();
        let mut chunk: Vec<InboundRecord> = Vec::with_capacity(CHUNK);
        let mut placement: Option<history::Placement> = None;
        let mut done = 0u32;
        let mut flush = |chunk: &mut Vec<InboundRecord>, numbers: &mut past_cases::DayNumbers| -> Result<()> {
            if !progress(done) {
                return Err(Error::Cancelled);
            }
            let results = self.apply_chunk(chunk, lookups, numbers, &mut applied)?;
            for (record, result) in chunk.iter().zip(results) {
                each(record, result)?;
            }
            done += chunk.len() as u32;
            chunk.clear();
            Ok(())
        };
        history::for_each_row(bytes, |headers, row| -> Result<()> {
            let placement = placement.get_or_insert_with(|| history::Placement::new(headers, &lookups.mapping));
            let (raw, case) = history::case_of(headers, placement, &row.cells, &lookups.mapping);
            chunk.push(InboundRecord {
                position: row.line,
                record_id: case.as_ref().map(|c| c.source_id.clone()).unwrap_or_default(),
                kept: String::new(),
                raw,
                parsed: case.map(|c| Parsed::Past(Box::new(c))),
            });
            if chunk.len() == CHUNK {
                flush(&mut chunk, &mut numbers)?;
            }
            Ok(())
        })?;
        if !chunk.is_empty() {
            flush(&mut chunk, &mut numbers)?;
        }
        Ok(applied)
    }

    /// One chunk of history rows: checked alone, the new cases written together (see
    /// `store::past_cases::insert`). The results come in the rows' order.
    fn apply_chunk(
        &self,
        chunk: &[InboundRecord],
        lookups: &Lookups,
        numbers: &mut past_cases::DayNumbers,
        applied: &mut HistoryApplied,
    ) -> Result<Vec<RecordResult>> {
        let long_ago = self.now - chrono::Duration::days(PLACED_LONG_AGO_DAYS);
        let mut results: Vec<RecordResult> = Vec::with_capacity(chunk.len());
        let mut ready: Vec<ReadyRow> = Vec::new();
        // A number seen earlier in this chunk (not written yet): the index of its first row.
        let mut first_row: HashMap<&str, usize> = HashMap::new();
        let mut repeated: Vec<(usize, usize)> = Vec::new();
        for record in chunk {
            let index = results.len();
            let mut result = record.unresolved();
            match self.plan_row(record, lookups, &first_row)? {
                PastPlan::Refused(reasons) => result.reasons = reasons,
                PastPlan::Repeat(first) => {
                    result.outcome = Outcome::Unchanged;
                    repeated.push((index, first));
                }
                PastPlan::Known(ref_no) => {
                    result.outcome = Outcome::Unchanged;
                    result.ref_no = ref_no;
                }
                PastPlan::New(checked) => {
                    result.outcome = Outcome::New;
                    if let (RequestStatus::Placed, at) = checked.outcome()
                        && at < long_ago
                    {
                        applied.placed_long_ago += 1;
                    }
                    let source_id = record.record_id.as_str();
                    let source = (!source_id.is_empty()).then(|| (source_id, sha256_hex(record.raw.as_bytes())));
                    if source.is_some() {
                        first_row.insert(source_id, index);
                    }
                    ready.push(ReadyRow { index, case: *checked, source });
                }
            }
            results.push(result);
        }
        let (places, (cases, sources)): (Vec<usize>, (Vec<_>, Vec<_>)) =
            ready.into_iter().map(|row| (row.index, (row.case, row.source))).unzip();
        let written = past_cases::insert(self.tx, self.user_id, self.exchange_id, &cases, self.offset, numbers)?;
        let mut kept_sources = Vec::with_capacity(written.len());
        for ((index, case), source) in places.into_iter().zip(written).zip(sources) {
            if let Some((record_id, sha)) = source {
                let key = SourceKey { sender: "history", kind: "history", record_id };
                kept_sources
                    .push((key, Source { entity_id: case.id, record_sha256: sha, desk_fingerprint: String::new() }));
            }
            results[index].ref_no = case.ref_no;
        }
        exchange_store::set_sources(self.tx, self.exchange_id, kept_sources.iter().map(|(key, source)| (key, source)))?;
        for (index, first) in repeated {
            results[index].ref_no = results[first].ref_no.clone();
        }
        Ok(results)
    }

    /// What one row of a chunk comes to; an `Err` only when the storage fails (the import stops).
    fn plan_row(
        &self,
        record: &InboundRecord,
        lookups: &Lookups,
        first_row: &HashMap<&str, usize>,
    ) -> Result<PastPlan> {
        let case = match &record.parsed {
            Err(reasons) => return Ok(PastPlan::Refused(reasons.clone())),
            Ok(Parsed::Past(case)) => case,
            Ok(_) => return Ok(PastPlan::Refused(reasons_of(&Error::ReferenceData("履歴の行ではありません".into())))),
        };
        if let Some(first) = first_row.get(case.source_id.as_str()).filter(|_| !case.source_id.is_empty()) {
            return Ok(PastPlan::Repeat(*first));
        }
        match self.check_past(lookups, case) {
            Err(error) if error.is_storage() => Err(error),
            Err(error) => Ok(PastPlan::Refused(reasons_of(&error))),
            plan => plan,
        }
    }

    /// Every check of one history row, reading but writing nothing.
    fn check_past(&self, lookups: &Lookups, case: &PastCase) -> Result<PastPlan> {
        // Values the nurse mapped read as the desk's own (「マッチング成立」 → placed, 「桜総合」 → a code).
        let read = lookups.mapping.read_values(case.clone());
        let case = &read;
        let column = |field: &str| history::column_of(&lookups.mapping, field);
        let bad = |field: &str, message: String| Error::refused(&column(field), &message);
        if !case.source_id.is_empty()
            && let Some(source) = exchange_store::source(self.tx, "history", "history", &case.source_id)?
        {
            let (ref_no, _) = requests::ref_no_and_version(self.tx, &source.entity_id)?;
            return Ok(PastPlan::Known(ref_no));
        }
        let registered_at = date_time(&case.registered_at, self.offset).ok_or_else(|| {
            bad(
                "registered_at",
                format!(
                    "「{}」を日時として読めません（例: 2024-05-01 10:30、2024/5/1 10:30、R6.5.1 10:30）",
                    case.registered_at
                ),
            )
        })?;
        let outcome_at = date_time(&case.outcome_at, self.offset).ok_or_else(|| {
            bad(
                "outcome_at",
                format!(
                    "「{}」を日時として読めません（例: 2024-05-01 10:30、2024/5/1 10:30、R6.5.1 10:30）",
                    case.outcome_at
                ),
            )
        })?;
        if outcome_at < registered_at {
            return Err(bad(
                "outcome_at",
                format!(
                    "「{}」は受付日時「{}」より前です（日時の列の対応か値を確かめてください）",
                    case.outcome_at, case.registered_at
                ),
            ));
        }
        if outcome_at > self.now {
            return Err(bad(
                "outcome_at",
                format!("「{}」は未来の日時です（過去の記録だけを取り込めます）", case.outcome_at),
            ));
        }
        let outcome = outcome_of(&case.outcome).ok_or_else(|| {
            bad(
                "outcome",
                format!("「{}」は結果として読めません（転院済・受入決定・調整不成立・取下げ）", case.outcome),
            )
        })?;
        let referrer = lookups.hospitals.get(&fold_width(&case.referring_hospital)).ok_or_else(|| {
            bad(
                "referring_hospital",
                format!(
                    "「{}」は医療機関一覧にありません（医療機関コード・名前・略称で。一覧にない病院は先に医療機関に追加してください）",
                    case.referring_hospital
                ),
            )
        })?;
        let residence = match fold_width(&case.residence).as_str() {
            "不明" | "県外" => String::new(),
            text => lookups
                .municipalities
                .get(text)
                .cloned()
                .ok_or_else(|| {
                    bad(
                        "residence",
                        format!("「{}」は市区町村の一覧にありません（市区町村名かコードで。分からなければ「不明」、県外は「県外」）", case.residence),
                    )
                })?,
        };
        let placed = matches!(outcome, RequestStatus::Placed | RequestStatus::Transferred);
        let receiving = match (placed, fold_width(&case.receiving_hospital).as_str()) {
            (false, _) => None,
            (true, "") => {
                return Err(bad(
                    "receiving_hospital",
                    format!("結果が「{}」の記録には受入医療機関が必要です（受入医療機関の列を対応させるか、値を入れてください）", case.outcome),
                ));
            }
            (true, text) => Some(lookups.hospitals.get(text).ok_or_else(|| {
                bad(
                    "receiving_hospital",
                    format!(
                        "「{}」は医療機関一覧にありません（医療機関コード・名前・略称で。一覧にない病院は先に医療機関に追加してください）",
                        case.receiving_hospital
                    ),
                )
            })?),
        };
        let mode = match fold_width(&case.transport_mode).as_str() {
            "" if outcome == RequestStatus::Transferred => {
                return Err(bad(
                    "transport_mode",
                    "結果が「転院済」の記録には搬送手段が必要です（搬送手段の列を対応させるか、値を入れてください）"
                        .to_owned(),
                ));
            }
            "" => None,
            text => Some(lookups.transport_modes.get(text).ok_or_else(|| {
                bad(
                    "transport_mode",
                    format!(
                        "「{}」は搬送手段の一覧にありません（地域パックの搬送手段の名前かIDで）",
                        case.transport_mode
                    ),
                )
            })?),
        };
        let bed_type = match fold_width(&case.bed_type).as_str() {
            "" => String::new(),
            text => lookups.bed_types.get(text).cloned().ok_or_else(|| {
                bad(
                    "bed_type",
                    format!("「{}」は病床種別の一覧にありません（地域パックの病床種別の名前かIDで）", case.bed_type),
                )
            })?,
        };
        let sex = match fold_width(&case.patient_sex).as_str() {
            "男" | "男性" | "M" | "male" => PatientSex::Male,
            "女" | "女性" | "F" | "female" => PatientSex::Female,
            _ => PatientSex::Unknown,
        };
        let age_known = !case.patient_age.trim().is_empty();
        let input = NewRequestInput {
            referring_hospital_id: referrer.clone(),
            patient_initials: if case.patient_initials.trim().is_empty() {
                "不明".into()
            } else {
                case.patient_initials.clone()
            },
            patient_age: if age_known { case.patient_age.clone() } else { "0".into() },
            patient_sex: Some(sex),
            residence_municipality_code: residence,
            bed_type_id: bed_type,
            clinical_summary: if age_known { "履歴取込".into() } else { "履歴取込（年齢不明）".into() },
            ..Default::default()
        };
        let checked = match input.checked() {
            Ok(checked) => checked,
            Err(Error::Validation(problems)) => return Ok(PastPlan::Refused(in_columns(&problems, case, &column))),
            Err(other) => return Err(other),
        };
        let note = mode.map(|m| format!("搬送手段: {m}")).unwrap_or_default();
        let past = past_cases::PastCase {
            request: checked,
            registered_at,
            outcome,
            outcome_at,
            receiving_hospital_id: receiving.cloned(),
            note,
        };
        match past_cases::check(self.tx, past) {
            Ok(checked) => Ok(PastPlan::New(Box::new(checked))),
            Err(tenin_store::StoreError::Domain(Error::Validation(problems))) => {
                Ok(PastPlan::Refused(in_columns(&problems, case, &column)))
            }
            Err(other) => Err(other.into()),
        }
    }
}

impl Desk {
    /// The value-mapping step: for each field read from a list, every distinct value of the file
    /// (under `mapping`'s columns) that does not read as it is, with how many rows carry it, the
    /// desk's suggested reading, and the reading already chosen in `mapping`. Most rows first. At most
    /// [`MAX_VALUES_PER_FIELD`] distinct values per field: beyond, the column is refused as mapped
    /// wrongly (and the table stays bounded whatever the file).
    pub fn history_values(&self, bytes: &[u8], mapping: &HistoryMapping) -> Result<Vec<ValueQuestion>> {
        self.allow(Permission::Read)?;
        let mapping = &mapping.keyed();
        let plan = self.plan_today()?;
        let lookups = Lookups::load(self.store.read(), plan.as_deref(), mapping.clone())?;
        let mut placement: Option<history::Placement> = None;
        let mut seen: BTreeMap<(String, String), (String, u32)> = BTreeMap::new();
        let mut distinct: BTreeMap<&str, u32> = BTreeMap::new();
        history::for_each_row::<Error>(bytes, |headers, row| {
            let placement = placement.get_or_insert_with(|| history::Placement::new(headers, mapping));
            let (_, case) = history::case_of(headers, placement, &row.cells, mapping);
            let Ok(case) = case else { return Ok(()) };
            for (field, value) in [
                ("outcome", &case.outcome),
                ("transport_mode", &case.transport_mode),
                ("patient_sex", &case.patient_sex),
                ("bed_type", &case.bed_type),
                ("referring_hospital", &case.referring_hospital),
                ("receiving_hospital", &case.receiving_hospital),
                ("residence", &case.residence),
            ] {
                if value.trim().is_empty() || (lookups.reads(field, value) && mapping.reading(field, value).is_none()) {
                    continue;
                }
                let key = (field.to_owned(), value_mapping::key(value));
                if !seen.contains_key(&key) {
                    let distinct = distinct.entry(field).or_insert(0u32);
                    *distinct += 1;
                    // Thousands of values no one can read are a column mapped wrongly, not values to map
                    // one by one: said, and the table stays bounded whatever the file.
                    if *distinct > MAX_VALUES_PER_FIELD {
                        let column = mapping.columns.get(field).map(String::as_str).unwrap_or(field);
                        let message = format!(
                            "列「{column}」に読めない値が {MAX_VALUES_PER_FIELD} 種類を超えてあります。この列の対応を確かめてください"
                        );
                        return Err(Error::refused(field, &message));
                    }
                }
                let entry = seen.entry(key).or_insert((value.clone(), 0));
                entry.1 += 1;
            }
            Ok(())
        })?;
        let candidates = ValueCandidates::load(self, plan.as_deref())?;
        let mut questions: Vec<ValueQuestion> = seen
            .into_iter()
            .map(|((field, _), (value, rows))| {
                let suggested = candidates.suggest(&field, &value);
                // Marking is the fix only when no referring hospital is a likelier reading (「寿」 may be
                // 寿病院, which refers, rather than the short name of one that does not).
                let not_referring = (field == "referring_hospital" && !candidates.has_referring_reading(&value))
                    .then(|| {
                        let named = mapping.reading(&field, &value).unwrap_or(&value);
                        lookups.hospitals.get(&fold_width(named)).filter(|id| !lookups.referring.contains(*id)).cloned()
                    })
                    .flatten()
                    .map(|id| value_mapping::HospitalNamed { name: candidates.name_of(&id), id });
                ValueQuestion {
                    not_referring,
                    chosen: mapping.reading(&field, &value).map(str::to_owned),
                    suggestion: suggested.as_ref().map(|(reading, _)| reading.clone()),
                    suggestion_label: suggested.map(|(_, label)| label),
                    field,
                    value,
                    rows,
                }
            })
            .collect();
        questions.sort_by(|a, b| {
            b.rows.cmp(&a.rows).then_with(|| a.field.cmp(&b.field)).then_with(|| a.value.cmp(&b.value))
        });
        Ok(questions)
    }

    /// The mapping step: the file's columns, a few rows, and the suggested mapping.
    pub fn history_columns(&self, bytes: &[u8]) -> Result<HistoryColumns> {
        self.allow(Permission::Read)?;
        history::columns(bytes).map_err(Error::PackageRefused)
    }

    /// The mapping the desk suggests for a file, from its header row alone.
    pub fn history_suggestion(&self, bytes: &[u8]) -> Result<HistoryMapping> {
        self.allow(Permission::Read)?;
        Ok(history::suggest(&history::headers(bytes)?))
    }

    /// Saved column mappings, by name.
    pub fn history_mappings(&self) -> Result<Vec<(String, HistoryMapping)>> {
        self.allow(Permission::Read)?;
        Ok(exchange_store::mappings(self.store.read())?
            .into_iter()
            .filter_map(|(name, json)| serde_json::from_str(&json).ok().map(|m| (name, m)))
            .collect())
    }

    pub fn save_history_mapping(&mut self, name: &str, mapping: &HistoryMapping) -> Result<()> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        let name = tenin_domain::text::strip_controls(name.trim());
        if name.is_empty() {
            return Err(Error::refused("name", "名前を入力してください"));
        }
        let json = serde_json::to_string(&mapping.keyed())?;
        let at = to_rfc3339(Utc::now());
        Ok(self.store.write(|tx| exchange_store::save_mapping(tx, &user_id, &name, &json, &at))?)
    }

    /// Imports historical cases with `mapping` (preview with `dry_run`).
    pub fn import_history(
        &mut self,
        file_name: &str,
        bytes: &[u8],
        mapping: &HistoryMapping,
        dry_run: bool,
        progress: Progress,
    ) -> Result<ImportReport> {
        self.allow(Permission::Coordinate)?;
        self.require(tenin_domain::edition::Edition::Desk)?;
        let missing = history::missing_required(mapping);
        if !missing.is_empty() {
            return Err(Error::refused("mapping", &format!("列の対応が決まっていません: {}", missing.join("、"))));
        }
        self.read_and_import("history", file_name, bytes, dry_run, progress, |desk, file_name, bytes, sha| {
            desk.read_history(file_name, bytes, sha, mapping)
        })
    }

    fn read_history<'f>(
        &self,
        file_name: &'f str,
        bytes: &'f [u8],
        sha: &str,
        mapping: &HistoryMapping,
    ) -> Result<Inbound<'f>> {
        // The whole file is read once here, so one that cannot be imported is refused (and kept)
        // before the import begins; the import reads it again, row by row.
        let columns = history::columns(bytes).map_err(Error::PackageRefused)?;
        let plan = self.plan_today()?;
        let lookups = Lookups::load(self.store.read(), plan.as_deref(), mapping.keyed())?;
        Ok(Inbound {
            source: "history",
            kind: PackageKind::Requests,
            package_id: None,
            sender: "history".to_owned(),
            hospital_id: String::new(),
            sender_name: "履歴取込".to_owned(),
            recipient: self.desk_id()?,
            sequence: None,
            sequence_party: String::new(),
            format_version: None,
            file_name,
            file_sha256: sha.to_owned(),
            records: Records::History { bytes, rows: columns.rows, lookups: Box::new(lookups) },
            warnings: Vec::new(),
            field_name: super::field_as_is,
        })
    }
}

/// What a value can be read as, per field, from the directory and the region pack.
struct ValueCandidates {
    /// Hospital names by id.
    names: HashMap<String, String>,
    hospitals: Vec<value_mapping::Candidate>,
    referring: Vec<value_mapping::Candidate>,
    receiving: Vec<value_mapping::Candidate>,
    codes: Vec<(String, String)>,
    municipalities: Vec<value_mapping::Candidate>,
    transport_modes: Vec<value_mapping::Candidate>,
    bed_types: Vec<value_mapping::Candidate>,
}

impl ValueCandidates {
    fn load(desk: &Desk, plan: Option<&str>) -> Result<ValueCandidates> {
        let conn = desk.store.read();
        let (mut hospitals, mut referring, mut receiving, mut codes) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut names = HashMap::new();
        for (id, [code, name, short], refers, receives) in tenin_store::hospitals::names_and_roles(conn)? {
            names.insert(id, name.clone());
            codes.push((code.clone(), name.clone()));
            let candidate = value_mapping::Candidate { reading: code, names: vec![name, short] };
            if refers {
                referring.push(candidate.clone());
            }
            if receives {
                receiving.push(candidate.clone());
            }
            hospitals.push(candidate);
        }
        // A municipality is known by its name first, then the names of the towns merged into it.
        let mut former: HashMap<String, Vec<String>> = HashMap::new();
        for (name, code) in reference::former_names(conn)? {
            former.entry(code).or_default().push(name);
        }
        let municipalities = reference::municipalities(conn, plan)?
            .into_iter()
            .map(|m| {
                let mut names = vec![m.name];
                names.extend(former.remove(&m.code).unwrap_or_default());
                value_mapping::Candidate { reading: m.code, names }
            })
            .collect();
        let terms = |list: &str| -> Result<Vec<value_mapping::Candidate>> {
            Ok(reference::terms(conn, list)?
                .into_iter()
                .map(|t| value_mapping::Candidate { reading: t.id, names: vec![t.name] })
                .collect())
        };
        Ok(ValueCandidates {
            names,
            hospitals,
            referring,
            receiving,
            codes,
            municipalities,
            transport_modes: terms("transport_mode")?,
            bed_types: terms("bed_type")?,
        })
    }

    fn has_referring_reading(&self, value: &str) -> bool {
        value_mapping::suggest_hospital(value, &self.referring, &self.codes).is_some()
    }

    fn name_of(&self, id: &str) -> String {
        self.names.get(id).cloned().unwrap_or_default()
    }

    fn suggest(&self, field: &str, value: &str) -> Option<(String, String)> {
        match field {
            "outcome" => value_mapping::suggest_outcome(value),
            "patient_sex" => value_mapping::suggest_sex(value),
            "transport_mode" => value_mapping::suggest_term(value, &self.transport_modes),
            "bed_type" => value_mapping::suggest_term(value, &self.bed_types),
            // Among the hospitals in that role first, then any (one to be marked after).
            "referring_hospital" => value_mapping::suggest_hospital(value, &self.referring, &self.codes)
                .or_else(|| value_mapping::suggest_hospital(value, &self.hospitals, &self.codes)),
            "receiving_hospital" => value_mapping::suggest_hospital(value, &self.receiving, &self.codes)
                .or_else(|| value_mapping::suggest_hospital(value, &self.hospitals, &self.codes)),
            "residence" => value_mapping::suggest_municipality(value, &self.municipalities),
            _ => None,
        }
    }
}

/// The intake's refusals of a history row, named as the file's columns with the value it had: the
/// intake's checks name the request's fields, which the file does not have.
fn in_columns(
    problems: &[tenin_domain::error::FieldProblem],
    case: &PastCase,
    column: &dyn Fn(&str) -> String,
) -> Vec<tenin_store::exchange::Reason> {
    problems
        .iter()
        .map(|p| {
            let (field, value) = match p.field.as_str() {
                "referring_hospital_id" => ("referring_hospital", case.referring_hospital.as_str()),
                "residence_municipality_code" => ("residence", case.residence.as_str()),
                "bed_type_id" => ("bed_type", case.bed_type.as_str()),
                "outcome" => ("outcome", case.outcome.as_str()),
                "patient_age" => ("patient_age", case.patient_age.as_str()),
                "patient_initials" => ("patient_initials", case.patient_initials.as_str()),
                _ => ("", ""),
            };
            let message = if value.is_empty() || p.message.contains(&format!("「{value}」")) {
                p.message.clone()
            } else {
                format!("「{value}」: {}", p.message)
            };
            tenin_store::exchange::Reason {
                field: if field.is_empty() { p.field.clone() } else { column(field) },
                message,
                problem: Some(p.clone()),
            }
        })
        .collect()
}
