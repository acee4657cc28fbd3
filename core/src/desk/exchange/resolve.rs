//! A nurse's decision on a queued conflict, applied inside the decision's transaction.

use super::ConflictDecision;
use super::apply::{Context, requirements_fingerprint};
use tenin_domain::error::{Error, Result};
use tenin_domain::exchange::package::sha256_hex;
use tenin_domain::exchange::records::{CapacityRecord, RequestRecord};
use tenin_store::exchange::{self as exchange_store, ImportConflict, Source, SourceKey};
use tenin_store::{hospitals, requests};

/// Applies `decision` and returns the conflict's new status (`applied` or `kept_desk`).
pub(in crate::desk) fn resolve(
    context: &Context,
    conflict: &ImportConflict,
    decision: ConflictDecision,
) -> Result<&'static str> {
    let sha = sha256_hex(conflict.record.as_bytes());
    let key = SourceKey { sender: &conflict.sender, kind: &conflict.kind, record_id: &conflict.record_id };
    let entity_id = conflict.entity_id.clone().unwrap_or_default();
    let remember = |entity_id: &str, fingerprint: String| -> Result<()> {
        let source =
            Source { entity_id: entity_id.to_owned(), record_sha256: sha.clone(), desk_fingerprint: fingerprint };
        Ok(exchange_store::set_source(context.tx, &key, &source, &conflict.exchange_id)?)
    };
    match (conflict.kind.as_str(), conflict.reason.as_str(), decision) {
        (_, _, ConflictDecision::KeepDesk) => {
            // The same record sent again is then "unchanged"; a newer one asks again, because the
            // desk's fingerprint still differs from the one last taken from the hospital.
            if let Some(old) =
                exchange_store::source(context.tx, &conflict.sender, &conflict.kind, &conflict.record_id)?
            {
                remember(&old.entity_id, old.desk_fingerprint)?;
            }
            Ok("kept_desk")
        }
        ("requests", "desk_edited" | "possible_duplicate", decision) => {
            let record: RequestRecord = serde_json::from_str(&conflict.record)?;
            let input = record.request.as_ref().ok_or_else(|| Error::refused("request", "依頼の内容がありません"))?;
            let checked = context.checked_intake(input)?;
            let target = match (conflict.reason.as_str(), decision) {
                ("desk_edited", ConflictDecision::TakeHospital) => {
                    let (_, version) = requests::ref_no_and_version(context.tx, &entity_id)?;
                    requests::update_intake(context.tx, context.user_id, &entity_id, version, &checked, context.now)?;
                    entity_id
                }
                ("possible_duplicate", ConflictDecision::TakeHospital) => {
                    requests::insert(context.tx, context.user_id, &checked, context.now, context.offset)?
                }
                _ => {
                    requests::merge_into(context.tx, context.user_id, &entity_id, &checked, context.now)?;
                    entity_id
                }
            };
            remember(&target, requests::intake_fingerprint(context.tx, &target)?)?;
            Ok("applied")
        }
        ("capacity", "desk_edited", ConflictDecision::TakeHospital) => {
            let record: CapacityRecord = serde_json::from_str(&conflict.record)?;
            let requirements =
                record.requirements.ok_or_else(|| Error::refused("requirements", "受入条件がありません"))?;
            let mut hospital = hospitals::stored_input(context.tx, context.hospital_id)?;
            context.apply_requirements(&mut hospital, &requirements)?;
            remember(context.hospital_id, requirements_fingerprint(&requirements)?)?;
            Ok("applied")
        }
        _ => Err(tenin_domain::error::Rule::OnlyKeepDesk.into()),
    }
}
