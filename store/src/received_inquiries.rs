//! Inquiries the desk sent a hospital edition (`received_inquiries`): the patient information as
//! received, and the hospital's answer until it is sent back.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use tenin_domain::error::{Error, Rule};
use tenin_domain::exchange::inquiry::InquiryRecord;
use tenin_domain::inquiry::InquiryOutcome;

use crate::{Db, Result, audit};

/// One inquiry received, with the answer given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReceivedInquiry {
    pub inquiry_id: String,
    pub ref_no: String,
    pub received_at: String,
    pub reply_by: Option<String>,
    pub outcome: InquiryOutcome,
    pub decline_reason: Option<String>,
    pub decline_reason_name: Option<String>,
    /// The decline reason is a demand beyond the national discharge criteria (独自ルール).
    pub own_rule: bool,
    pub note: String,
    pub answered_at: Option<String>,
    pub answered_by_name: Option<String>,
    /// Whether the answer has been written for the desk.
    pub answer_sent: bool,
    pub record: InquiryRecord,
    pub version: u32,
}

/// Keeps an inquiry as received; one already here is left as it is. Returns whether it was new.
pub fn insert(conn: Db<'_>, record: &InquiryRecord, raw: &str, now: &str) -> Result<bool> {
    let added = crate::execute_cached(
        conn,
        "INSERT OR IGNORE INTO received_inquiries (inquiry_id, record, ref_no, received_at, reply_by)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![record.inquiry_id, raw, record.ref_no, now, record.reply_by],
    )?;
    Ok(added > 0)
}

const SELECT: &str = "SELECT i.inquiry_id, i.ref_no, i.received_at, i.reply_by, i.outcome, i.decline_reason, v.name,
        coalesce(v.own_rule, 0), i.note, i.answered_at, u.display_name, i.answer_package_id IS NOT NULL, i.record,
        i.version
    FROM received_inquiries i
    LEFT JOIN vocabulary v ON v.list = 'decline_reason' AND v.id = i.decline_reason
    LEFT JOIN users u ON u.id = i.answered_by";

fn inquiry(row: &rusqlite::Row) -> rusqlite::Result<ReceivedInquiry> {
    let outcome: String = row.get(4)?;
    let record: String = row.get(12)?;
    let record = serde_json::from_str(&record)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(12, rusqlite::types::Type::Text, Box::new(e)))?;
    Ok(ReceivedInquiry {
        inquiry_id: row.get(0)?,
        ref_no: row.get(1)?,
        received_at: row.get(2)?,
        reply_by: row.get(3)?,
        outcome: InquiryOutcome::parse(&outcome).unwrap_or(InquiryOutcome::Waiting),
        decline_reason: row.get(5)?,
        decline_reason_name: row.get(6)?,
        own_rule: row.get(7)?,
        note: row.get(8)?,
        answered_at: row.get(9)?,
        answered_by_name: row.get(10)?,
        answer_sent: row.get(11)?,
        record,
        version: row.get(13)?,
    })
}

/// Waiting ones first (soonest reply-by first), then the answered, newest first.
pub fn list(conn: Db<'_>) -> Result<Vec<ReceivedInquiry>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} ORDER BY i.outcome <> 'waiting', CASE WHEN i.outcome = 'waiting' THEN i.reply_by END,
             i.answered_at DESC, i.received_at DESC"
    ))?;
    Ok(stmt.query_map([], inquiry)?.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: Db<'_>, inquiry_id: &str) -> Result<ReceivedInquiry> {
    let found = conn.query_row(&format!("{SELECT} WHERE i.inquiry_id = ?1"), [inquiry_id], inquiry).optional()?;
    Ok(found.ok_or_else(|| Error::NotFound { entity: "打診", id: inquiry_id.to_owned() })?)
}

#[derive(Serialize)]
struct Answered<'a> {
    outcome: &'a str,
    decline_reason: Option<&'a str>,
    note: &'a str,
}

/// Records this hospital's answer (once: an answered inquiry is refused a second answer).
pub fn answer(
    conn: Db<'_>,
    user_id: &str,
    inquiry_id: &str,
    expected_version: u32,
    answer: (InquiryOutcome, Option<String>),
    note: &str,
    now: &str,
) -> Result<()> {
    let current = get(conn, inquiry_id)?;
    if current.version != expected_version {
        return Err(Error::StaleVersion { entity: "打診" }.into());
    }
    if current.outcome != InquiryOutcome::Waiting {
        return Err(Rule::AlreadyAnswered.into());
    }
    crate::execute_cached(
        conn,
        "UPDATE received_inquiries SET outcome = ?2, decline_reason = ?3, note = ?4, answered_at = ?5, answered_by = ?6,
             version = version + 1
         WHERE inquiry_id = ?1",
        params![inquiry_id, answer.0.as_str(), answer.1, note, now, user_id],
    )?;
    audit::record(
        conn,
        audit::Change {
            user_id,
            action: audit::Action::Update,
            entity: "received_inquiry",
            entity_id: inquiry_id,
            before: Some(&Answered { outcome: "waiting", decline_reason: None, note: "" }),
            after: Some(&Answered { outcome: answer.0.as_str(), decline_reason: answer.1.as_deref(), note }),
        },
    )?;
    Ok(())
}

/// An answer given and not yet written for the desk, as an answers package's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnsentAnswer {
    pub inquiry_id: String,
    pub outcome: String,
    pub decline_reason: Option<String>,
    pub note: String,
}

/// Answers not yet written for the desk, in the order given.
pub fn unsent_answers(conn: Db<'_>) -> crate::Result<Vec<UnsentAnswer>> {
    let mut stmt = conn.prepare(
        "SELECT inquiry_id, outcome, decline_reason, note FROM received_inquiries
         WHERE outcome <> 'waiting' AND answer_package_id IS NULL ORDER BY answered_at, inquiry_id",
    )?;
    let rows = stmt.query_map([], |row| {
        Ok(UnsentAnswer {
            inquiry_id: row.get(0)?,
            outcome: row.get(1)?,
            decline_reason: row.get(2)?,
            note: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn mark_answer_sent(conn: Db<'_>, inquiry_id: &str, package_id: &str) -> crate::Result<()> {
    crate::execute_cached(
        conn,
        "UPDATE received_inquiries SET answer_package_id = ?2 WHERE inquiry_id = ?1",
        params![inquiry_id, package_id],
    )?;
    Ok(())
}
