//! The matching part of [`Desk`]: feeds the engine (`tenin_domain::matching`) a snapshot of the store and
//! keeps its weights as a desk setting.

use std::collections::HashMap;

use chrono::Utc;

use super::Desk;
use tenin_domain::access::Permission;
use tenin_domain::error::{Error, Result};
use tenin_domain::matching::batch::{self, BatchBlocked, BatchSuggestion};
use tenin_domain::matching::directory::LOAD_WINDOW_DAYS;
use tenin_domain::matching::request::awaits_placement;
use tenin_domain::matching::{
    AnswerHistory, DirectoryInput, MatchDirectory, MatchReport, MatchRequest, MatchWeights, Shown, explain_shown, rank,
    report,
};
use tenin_domain::request_status::RequestStatus;
use tenin_domain::timestamps::to_rfc3339;
use tenin_store::hospitals::{self, View};
use tenin_store::{answer_tally, meta, reference, requests};

/// What a kept directory was built from; any difference means build it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CacheKey {
    writes: u64,
    data_version: i64,
    minute: i64,
    today: chrono::NaiveDate,
    plan: Option<String>,
}

pub(crate) struct CachedDirectory {
    key: CacheKey,
    directory: std::sync::Arc<MatchDirectory>,
}

impl Desk {
    /// The weights set for this desk; the documented defaults for any not set (so weights added by
    /// a later version start at their defaults). A stored value that cannot be read is an error, not
    /// a silent return to the defaults.
    pub fn matching_weights(&self) -> Result<MatchWeights> {
        self.allow(Permission::Read)?;
        let Some(stored) = meta::get(self.store.read(), meta::MATCHING_WEIGHTS)? else {
            return Ok(MatchWeights::default());
        };
        let unreadable = |e: serde_json::Error| Error::ReferenceData(format!("マッチングの重みを読めません: {e}"));
        let mut weights = serde_json::to_value(MatchWeights::default()).map_err(unreadable)?;
        let serde_json::Value::Object(set) = serde_json::from_str(&stored).map_err(unreadable)? else {
            return Err(Error::ReferenceData(format!("マッチングの重みを読めません: {stored}")));
        };
        if let serde_json::Value::Object(all) = &mut weights {
            all.extend(set);
        }
        serde_json::from_value(weights).map_err(unreadable)
    }

    /// Changes the weights of the soft preferences (each 0–100, at least one above 0), audited.
    pub fn set_matching_weights(&mut self, weights: &MatchWeights) -> Result<MatchWeights> {
        let user_id = self.allow(Permission::Supervise)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let weights = weights.checked()?;
        let before = self.matching_weights()?;
        let json = serde_json::to_string(&weights).map_err(|e| Error::ReferenceData(e.to_string()))?;
        self.save_setting(&user_id, meta::MATCHING_WEIGHTS, &json, "matching_weights", &before, &weights)?;
        self.matching_weights()
    }

    /// The compiled directory the engine ranks against — every hospital (inactive ones too, so they
    /// are listed as excluded), the answer history, the vocabularies and the weights — kept in the
    /// process and built again only when what it was built from may have changed: a change committed
    /// through this desk, one committed by another program (`PRAGMA data_version`: the CLI, a sync),
    /// the day or the plan in force, or the minute (capacity reports go stale by the clock).
    pub fn match_directory(&self) -> Result<std::sync::Arc<MatchDirectory>> {
        self.allow(Permission::Read)?;
        let now = Utc::now();
        let key = CacheKey {
            writes: self.store.writes(),
            data_version: self.store.data_version()?,
            minute: now.timestamp() / 60,
            today: self.today()?,
            plan: self.plan_today()?,
        };
        if let Some(cached) = self.match_cache.borrow().as_ref()
            && cached.key == key
        {
            return Ok(cached.directory.clone());
        }
        let directory = std::sync::Arc::new(self.build_match_directory(now, key.plan.clone(), key.today)?);
        *self.match_cache.borrow_mut() = Some(CachedDirectory { key, directory: directory.clone() });
        Ok(directory)
    }

    fn build_match_directory(
        &self,
        now: chrono::DateTime<Utc>,
        plan: Option<String>,
        today: chrono::NaiveDate,
    ) -> Result<MatchDirectory> {
        let stale_after_hours = self.stale_after_hours()?;
        let conn = self.store.read();
        let view = View { plan_id: plan.as_deref(), now, stale_after_hours };
        let input = DirectoryInput {
            hospitals: hospitals::every(conn, view)?,
            bed_types: reference::terms(conn, "bed_type")?,
            regions: match &plan {
                Some(plan) => reference::regions_of_plan(conn, plan)?,
                None => Vec::new(),
            },
            municipality_regions: match &plan {
                Some(plan) => reference::municipality_regions(conn, plan)?.into_iter().collect(),
                None => HashMap::new(),
            },
            decline_reasons: reference::decline_reason_rules(conn)?,
            history: AnswerHistory::Summed {
                tallies: answer_tally::summed(conn)?,
                accepted_recently: answer_tally::accepted_since(
                    conn,
                    &to_rfc3339(now - chrono::Duration::days(LOAD_WINDOW_DAYS)),
                )?,
            },
            weights: self.matching_weights()?,
            now,
            today,
        };
        Ok(MatchDirectory::new(input, stale_after_hours))
    }

    /// The candidates for one request, best first, and every other hospital with why it is out —
    /// or, if the request lacks what matching needs, what to fill in first.
    pub fn match_request(&self, id: &str) -> Result<MatchReport> {
        self.match_request_shown(id, Shown::ALL)
    }

    /// The same, with names and figures on the first candidates and exclusions only, as `shown`
    /// asks (the others counted): what the window asks for, so a large directory is not explained
    /// whole on every look.
    pub fn match_request_shown(&self, id: &str, shown: Shown) -> Result<MatchReport> {
        self.allow(Permission::Read)?;
        self.require(tenin_domain::edition::Edition::Desk)?;
        let detail = self.request(id)?;
        let dir = self.match_directory()?;
        Ok(match MatchRequest::compile(&detail, &dir) {
            Ok(request) => explain_shown(&request, &dir, &rank(&request, &dir), shown),
            Err(blockers) => report::blocked(&detail.summary.id, &detail.summary.ref_no, blockers, &dir),
        })
    }

    /// The batch suggestion over every request awaiting placement.
    pub fn match_batch(&self) -> Result<BatchSuggestion> {
        self.allow(Permission::Read)?;
        self.require(tenin_domain::edition::Edition::Desk)?;
        let dir = self.match_directory()?;
        let mut compiled = Vec::new();
        let mut blocked = Vec::new();
        let waiting: Vec<RequestStatus> = RequestStatus::ALL.into_iter().filter(|s| awaits_placement(*s)).collect();
        for id in requests::ids_in_states(self.store.read(), &waiting)? {
            let detail = self.request(&id)?;
            match MatchRequest::compile(&detail, &dir) {
                Ok(request) => compiled.push(request),
                Err(blockers) => blocked.push(BatchBlocked {
                    request_id: detail.summary.id,
                    ref_no: detail.summary.ref_no,
                    blockers,
                }),
            }
        }
        let plan = batch::plan(&compiled, &dir);
        Ok(batch::suggestion(&compiled, &dir, &plan, blocked))
    }
}
