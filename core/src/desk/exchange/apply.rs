//! Applying one inbound record to the store, inside the import's transaction. Each function says
//! what became of the record: new, changed, unchanged, or a conflict queued for a nurse. An `Err`
//! is the record's refusal (the caller rolls back to the record's savepoint and quarantines it).

use std::cell::RefCell;

use chrono::{DateTime, FixedOffset, Utc};
use tenin_store::Db;

use tenin_domain::capacity::CapacityReportInput;
use tenin_domain::duplicates::{DuplicateIndex, ExistingFacts};
use tenin_domain::error::{Error, FieldProblem, Problem, Problems, Result};
use tenin_domain::exchange::package::sha256_hex;
use tenin_domain::exchange::records::{AnswerRecord, CapacityRecord, Outcome, RequestAction, RequestRecord};
use tenin_domain::inquiry::{InquiryAnswerInput, InquiryOutcome};
use tenin_domain::request::{CheckedRequest, NewRequestInput};
use tenin_domain::request_status::RequestStatus;
use tenin_domain::requirements::AcceptanceRequirements;
use tenin_store::exchange::{self as exchange_store, NewConflict, Source, SourceKey};
use tenin_store::ids::to_rfc3339;
use tenin_store::{capacity, hospitals, inquiries, requests};

/// Where a record came from and who is importing it.
pub(in crate::desk) struct Context<'a> {
    pub tx: Db<'a>,
    pub user_id: &'a str,
    pub exchange_id: &'a str,
    /// The sending hospital's code and id.
    pub sender: &'a str,
    pub hospital_id: &'a str,
    pub offset: FixedOffset,
    pub now: DateTime<Utc>,
    /// The requests a new one is compared with for possible duplicates: read once, at the first
    /// request record, and kept up to date as the import registers requests.
    duplicates: RefCell<Option<DuplicateIndex>>,
    /// Reference numbers given out by this import, per day.
    numbers: RefCell<requests::DayNumbers>,
}

/// What became of a record that was not refused.
pub(in crate::desk) struct Applied {
    pub outcome: Outcome,
    pub ref_no: String,
    /// For a conflict: why.
    pub note: Option<String>,
}

impl Applied {
    pub(in crate::desk) fn new(outcome: Outcome, ref_no: String) -> Applied {
        Applied { outcome, ref_no, note: None }
    }
}

/// The Japanese explanation of a conflict reason, for reports and the queue.
pub fn conflict_reason_ja(reason: &str) -> &'static str {
    match reason {
        "desk_edited" => "デスクが前回の取込後に内容を修正しています。どちらを残すか選んでください",
        "possible_duplicate" => "同じ患者の依頼が既にある可能性があります",
        "cannot_withdraw" => "この状態の依頼は取下げにできません。依頼元に確認してください",
        "answered_differently" => "デスクには別の回答が記録されています",
        _ => "確認が必要です",
    }
}

impl<'a> Context<'a> {
    pub fn new(
        tx: Db<'a>,
        user_id: &'a str,
        exchange_id: &'a str,
        sender: &'a str,
        hospital_id: &'a str,
        offset: FixedOffset,
        now: DateTime<Utc>,
    ) -> Context<'a> {
        Context {
            tx,
            user_id,
            exchange_id,
            sender,
            hospital_id,
            offset,
            now,
            duplicates: RefCell::new(None),
            numbers: RefCell::default(),
        }
    }

    /// The first request already on the desk that `new` may be the patient of.
    fn possible_duplicate(&self, new: &CheckedRequest) -> Result<Option<String>> {
        let mut index = self.duplicates.borrow_mut();
        if index.is_none() {
            let since = to_rfc3339(self.now - chrono::Duration::days(tenin_domain::duplicates::RECENT_DAYS));
            *index = Some(DuplicateIndex::new(requests::duplicate_facts(self.tx, &since)?));
        }
        Ok(index.as_ref().and_then(|index| index.matching(new).first().map(|id| (*id).to_owned())))
    }

    /// A request this import registered: later records are compared with it too. (Only a storage
    /// failure, which ends the import, can undo its registration.)
    fn registered(&self, id: &str, request: &CheckedRequest) {
        if let Some(index) = self.duplicates.borrow_mut().as_mut() {
            index.add(id.to_owned(), ExistingFacts::of(request));
        }
    }

    fn key<'k>(&'k self, kind: &'k str, record_id: &'k str) -> SourceKey<'k> {
        SourceKey { sender: self.sender, kind, record_id }
    }

    fn conflict(
        &self,
        key: SourceKey,
        entity_id: Option<&str>,
        reason: &str,
        raw: &str,
        ref_no: String,
    ) -> Result<Applied> {
        let at = to_rfc3339(self.now);
        let conflict = NewConflict { exchange_id: self.exchange_id, key, entity_id, reason, record: raw, at: &at };
        exchange_store::insert_conflict(self.tx, self.user_id, &conflict)?;
        Ok(Applied { outcome: Outcome::Conflict, ref_no, note: Some(conflict_reason_ja(reason).to_owned()) })
    }

    fn remember(&self, key: &SourceKey, entity_id: &str, sha: &str, fingerprint: String) -> Result<()> {
        let source =
            Source { entity_id: entity_id.to_owned(), record_sha256: sha.to_owned(), desk_fingerprint: fingerprint };
        Ok(exchange_store::set_source(self.tx, key, &source, self.exchange_id)?)
    }

    /// The intake of a request record, checked, with the sender as the referring hospital.
    pub fn checked_intake(&self, input: &NewRequestInput) -> Result<CheckedRequest> {
        let mut input = input.clone();
        input.referring_hospital_id = self.hospital_id.to_owned();
        input.checked()
    }

    pub fn request(&self, record: &RequestRecord, raw: &str, sha: &str) -> Result<Applied> {
        let record_id = tenin_domain::text::fold_width(&record.record_id);
        if record_id.is_empty() {
            return Err(Error::Validation(vec![FieldProblem::new("record_id", Problem::Required)]));
        }
        let key = self.key("requests", &record_id);
        let source = exchange_store::source(self.tx, self.sender, "requests", &record_id)?;
        if record.action == RequestAction::Withdraw {
            let Some(source) = source else {
                return Err(Error::refused("record_id", "この管理番号の依頼はデスクにありません（取下げできません）"));
            };
            let (ref_no, _) = requests::ref_no_and_version(self.tx, &source.entity_id)?;
            let status = requests::status_of(self.tx, &source.entity_id)?;
            if status == RequestStatus::Withdrawn {
                return Ok(Applied::new(Outcome::Unchanged, ref_no));
            }
            if !status.can_move_to(RequestStatus::Withdrawn) {
                return self.conflict(key, Some(&source.entity_id), "cannot_withdraw", raw, ref_no);
            }
            let note = tenin_domain::text::strip_controls(record.note.trim());
            let note = tenin_domain::history_note::withdrawn_by_referrer(&note);
            let transition = requests::Transition {
                request_id: &source.entity_id,
                to: RequestStatus::Withdrawn,
                expected_version: None,
                at: self.now,
                note: &note,
            };
            requests::transition(self.tx, self.user_id, &transition)?;
            self.remember(&key, &source.entity_id, sha, source.desk_fingerprint)?;
            return Ok(Applied::new(Outcome::Changed, ref_no));
        }
        let Some(input) = &record.request else {
            return Err(Error::Validation(vec![FieldProblem::new("request", Problem::Required)]));
        };
        let checked = self.checked_intake(input)?;
        match source {
            Some(source) if source.record_sha256 == sha => {
                let (ref_no, _) = requests::ref_no_and_version(self.tx, &source.entity_id)?;
                Ok(Applied::new(Outcome::Unchanged, ref_no))
            }
            Some(source) => {
                let (ref_no, version) = requests::ref_no_and_version(self.tx, &source.entity_id)?;
                if requests::intake_fingerprint(self.tx, &source.entity_id)? != source.desk_fingerprint {
                    return self.conflict(key, Some(&source.entity_id), "desk_edited", raw, ref_no);
                }
                requests::update_intake(self.tx, self.user_id, &source.entity_id, version, &checked, self.now)?;
                let fingerprint = requests::intake_fingerprint(self.tx, &source.entity_id)?;
                self.remember(&key, &source.entity_id, sha, fingerprint)?;
                Ok(Applied::new(Outcome::Changed, ref_no))
            }
            None if record.action == RequestAction::Update => {
                Err(Error::refused("record_id", "更新の対象がデスクにありません。先に new（新規）として送ってください"))
            }
            None => {
                if let Some(existing) = self.possible_duplicate(&checked)? {
                    let (ref_no, _) = requests::ref_no_and_version(self.tx, &existing)?;
                    return self.conflict(key, Some(&existing), "possible_duplicate", raw, ref_no);
                }
                let mut numbers = self.numbers.borrow_mut();
                let id =
                    requests::insert_numbered(self.tx, self.user_id, &checked, self.now, self.offset, &mut numbers)?;
                self.registered(&id, &checked);
                let fingerprint = requests::intake_fingerprint(self.tx, &id)?;
                self.remember(&key, &id, sha, fingerprint)?;
                Ok(Applied::new(Outcome::New, requests::ref_no_and_version(self.tx, &id)?.0))
            }
        }
    }

    pub fn capacity(&self, record: &CapacityRecord, raw: &str, sha: &str) -> Result<Applied> {
        match (&record.beds, &record.requirements) {
            (Some(beds), None) => self.beds(record, beds, sha),
            (None, Some(requirements)) => self.requirements(requirements, raw, sha),
            _ => Err(Error::refused(
                "beds",
                "beds（病床の空き）か requirements（受入条件）のどちらか一方を書いてください",
            )),
        }
    }

    fn beds(&self, record: &CapacityRecord, beds: &CapacityReportInput, sha: &str) -> Result<Applied> {
        let record_id = match tenin_domain::text::fold_width(&record.record_id) {
            id if id.is_empty() => format!("beds:{}:{}", beds.bed_type, beds.reported_at),
            id => id,
        };
        let key = self.key("capacity", &record_id);
        if exchange_store::source(self.tx, self.sender, "capacity", &record_id)?.is_some_and(|s| s.record_sha256 == sha)
        {
            return Ok(Applied::new(Outcome::Unchanged, String::new()));
        }
        let mut problems = Problems::default();
        let checked = beds.checked("beds", self.offset, self.now, &mut problems);
        problems.into_result()?;
        capacity::insert(self.tx, self.user_id, self.hospital_id, &[checked], |_| "beds.".to_owned())?;
        self.remember(&key, self.hospital_id, sha, String::new())?;
        Ok(Applied::new(Outcome::New, String::new()))
    }

    fn requirements(&self, requirements: &AcceptanceRequirements, raw: &str, sha: &str) -> Result<Applied> {
        let key = self.key("capacity", "requirements");
        let source = exchange_store::source(self.tx, self.sender, "capacity", "requirements")?;
        if source.as_ref().is_some_and(|s| s.record_sha256 == sha) {
            return Ok(Applied::new(Outcome::Unchanged, String::new()));
        }
        let mut hospital = hospitals::stored_input(self.tx, self.hospital_id)?;
        let now_fingerprint = requirements_fingerprint(&hospital.requirements)?;
        if source.is_some_and(|s| s.desk_fingerprint != now_fingerprint) {
            return self.conflict(key, Some(self.hospital_id), "desk_edited", raw, String::new());
        }
        if &hospital.requirements == requirements {
            self.remember(&key, self.hospital_id, sha, now_fingerprint)?;
            return Ok(Applied::new(Outcome::Unchanged, String::new()));
        }
        self.apply_requirements(&mut hospital, requirements)?;
        self.remember(&key, self.hospital_id, sha, requirements_fingerprint(requirements)?)?;
        Ok(Applied::new(Outcome::Changed, String::new()))
    }

    pub fn apply_requirements(
        &self,
        hospital: &mut tenin_domain::hospital::NewHospital,
        requirements: &AcceptanceRequirements,
    ) -> Result<()> {
        hospital.requirements = requirements.clone();
        let checked = hospital.checked()?;
        Ok(hospitals::update(self.tx, self.user_id, self.hospital_id, &checked)?)
    }

    pub fn answer(&self, record: &AnswerRecord, raw: &str) -> Result<Applied> {
        let Some(inquiries::AnswerState { hospital_id, outcome, decline_reason: reason, version, request_id }) =
            inquiries::answer_state(self.tx, record.inquiry_id.trim())?
        else {
            return Err(Error::refused("inquiry_id", "この打診はデスクにありません"));
        };
        if hospital_id != self.hospital_id {
            return Err(Error::refused("inquiry_id", "この打診は送信元の医療機関あてではありません"));
        }
        let (ref_no, _) = requests::ref_no_and_version(self.tx, &request_id)?;
        let input = InquiryAnswerInput {
            inquiry_id: record.inquiry_id.trim().to_owned(),
            outcome: record.outcome,
            decline_reason: record.decline_reason.clone().filter(|r| !r.trim().is_empty()),
            note: record.note.clone(),
            expected_version: version,
        };
        let answer = input.checked()?;
        if outcome != InquiryOutcome::Waiting.as_str() {
            if outcome == answer.0.as_str() && reason == answer.1 {
                return Ok(Applied::new(Outcome::Unchanged, ref_no));
            }
            let key = self.key("answers", &input.inquiry_id);
            return self.conflict(key, Some(&input.inquiry_id), "answered_differently", raw, ref_no);
        }
        inquiries::answer(self.tx, self.user_id, &input.inquiry_id, version, answer, self.now)?;
        Ok(Applied::new(Outcome::Changed, ref_no))
    }
}

pub(in crate::desk) fn requirements_fingerprint(requirements: &AcceptanceRequirements) -> Result<String> {
    Ok(sha256_hex(serde_json::to_string(requirements)?.as_bytes()))
}
