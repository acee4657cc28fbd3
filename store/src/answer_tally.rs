//! The answers each hospital gave, kept summed (migration 26): matching's acceptance rates, answer
//! speeds and load come from these few rows and a bounded look at the last week's acceptances,
//! instead of every inquiry the desk ever logged. Triggers keep the sums whatever writes an
//! inquiry or changes a request's bed type; [`verify`] recounts them.

use tenin_domain::inquiry::InquiryOutcome;
use tenin_domain::matching::AnswerTally;

use crate::Db;

/// Every kept sum that is not zero.
pub fn summed(conn: Db<'_>) -> crate::Result<Vec<AnswerTally>> {
    let mut stmt =
        conn.prepare_cached("SELECT hospital_id, bed_type_id, outcome, minutes, n FROM answer_tally WHERE n > 0")?;
    let rows = stmt.query_map([], |row| {
        let bed_type: String = row.get(1)?;
        let outcome: String = row.get(2)?;
        let minutes: i64 = row.get(3)?;
        Ok(AnswerTally {
            hospital_id: row.get(0)?,
            bed_type: (!bed_type.is_empty()).then_some(bed_type),
            outcome: InquiryOutcome::parse(&outcome)
                .ok_or_else(|| rusqlite::Error::InvalidColumnType(2, outcome.clone(), rusqlite::types::Type::Text))?,
            minutes: u32::try_from(minutes).ok(),
            count: row.get(4)?,
        })
    })?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// Per hospital: the patients it accepted since `since` (a stored time) — through the index on
/// when acceptances were answered, so only the last week is read.
pub fn accepted_since(conn: Db<'_>, since: &str) -> crate::Result<Vec<(String, u32)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT hospital_id, count(*) FROM inquiries INDEXED BY inquiries_accepted_at
         WHERE outcome = 'accepted' AND coalesce(answered_at, asked_at) >= ?1
         GROUP BY hospital_id",
    )?;
    let rows = stmt.query_map([since], |row| Ok((row.get(0)?, row.get(1)?)))?;
    rows.collect::<rusqlite::Result<_>>().map_err(Into::into)
}

/// The sums counted again from the inquiries: `true` when the kept ones agree.
pub fn verify(conn: Db<'_>) -> crate::Result<bool> {
    let differing: i64 = conn.query_row(
        "WITH counted AS (
             SELECT i.hospital_id, coalesce(r.bed_type_id, '') AS bed_type_id, i.outcome,
                    CASE WHEN i.answered_at IS NULL THEN -1 ELSE max(0, CAST(round((julianday(i.answered_at)
                        - julianday(i.asked_at)) * 86400000.0) AS INTEGER) / 60000) END AS minutes,
                    count(*) AS n
             FROM inquiries i JOIN transfer_requests r ON r.id = i.request_id
             GROUP BY 1, 2, 3, 4),
         kept AS (SELECT hospital_id, bed_type_id, outcome, minutes, n FROM answer_tally WHERE n > 0)
         SELECT (SELECT count(*) FROM (SELECT * FROM counted EXCEPT SELECT * FROM kept))
              + (SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM counted))",
        [],
        |row| row.get(0),
    )?;
    Ok(differing == 0)
}
