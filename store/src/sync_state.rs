//! What the sync cycle remembers: what it last wrote on each topic for each recipient (so it writes
//! again only on a change) and the log of its runs.

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::{Db, Result};

/// The fingerprint last written for `recipient` on `topic` (`directory`, `status`).
pub fn sent(conn: Db<'_>, recipient: &str, topic: &str) -> crate::Result<Option<String>> {
    Ok(crate::query_row_cached(
        conn,
        "SELECT fingerprint FROM sync_sent WHERE recipient = ?1 AND topic = ?2",
        params![recipient, topic],
        |row| row.get(0),
    )
    .optional()?)
}

pub fn set_sent(conn: Db<'_>, recipient: &str, topic: &str, fingerprint: &str, at: &str) -> crate::Result<()> {
    crate::execute_cached(
        conn,
        "INSERT INTO sync_sent (recipient, topic, fingerprint, sent_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (recipient, topic) DO UPDATE SET fingerprint = excluded.fingerprint, sent_at = excluded.sent_at",
        params![recipient, topic, fingerprint, at],
    )?;
    Ok(())
}

/// One file a sync cycle read or wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncFile {
    pub name: String,
    /// `in` or `out`.
    pub direction: String,
    /// The hospital code or desk id on the other end.
    pub party: String,
    pub kind: String,
    /// `applied`, `unchanged`, `conflicts`, `preview`, `refused` or `written`.
    pub result: String,
    /// In Japanese: the summary or the refusal (the values below say the same as data).
    pub message: String,
    /// Why the file was refused, for `refused`.
    #[serde(default)]
    pub refusal: Option<tenin_domain::refusal::RefusalCode>,
    /// How its records went, for a file taken in.
    #[serde(default)]
    pub counts: Option<crate::exchange::Counts>,
    /// How many records it carries, for a file written.
    #[serde(default)]
    pub records: Option<u32>,
}

/// One run of the sync cycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncRun {
    pub id: String,
    pub started_at: String,
    pub finished_at: String,
    pub user_name: String,
    pub files_in: u32,
    pub files_out: u32,
    pub refused: u32,
    pub conflicts: u32,
    pub files: Vec<SyncFile>,
}

pub fn insert_run(conn: Db<'_>, user_id: &str, run: &SyncRun) -> Result<()> {
    crate::execute_cached(
        conn,
        "INSERT INTO sync_runs (id, started_at, finished_at, user_id, files_in, files_out, refused, conflicts, report)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            run.id,
            run.started_at,
            run.finished_at,
            user_id,
            run.files_in,
            run.files_out,
            run.refused,
            run.conflicts,
            serde_json::to_string(&run.files)?
        ],
    )?;
    Ok(())
}

/// The latest runs, newest first.
pub fn runs(conn: Db<'_>, limit: u32) -> Result<Vec<SyncRun>> {
    let mut stmt = conn.prepare(
        "SELECT s.id, s.started_at, s.finished_at, u.display_name, s.files_in, s.files_out, s.refused,
                s.conflicts, s.report
         FROM sync_runs s JOIN users u ON u.id = s.user_id ORDER BY s.started_at DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |row| {
        Ok((
            SyncRun {
                id: row.get(0)?,
                started_at: row.get(1)?,
                finished_at: row.get(2)?,
                user_name: row.get(3)?,
                files_in: row.get(4)?,
                files_out: row.get(5)?,
                refused: row.get(6)?,
                conflicts: row.get(7)?,
                files: Vec::new(),
            },
            row.get::<_, String>(8)?,
        ))
    })?;
    let mut runs = Vec::new();
    for row in rows {
        let (mut run, files) = row?;
        run.files = serde_json::from_str(&files)?;
        runs.push(run);
    }
    Ok(runs)
}

/// The imports from `sender` whose acknowledgement is due (noted, not yet written): their ids.
pub fn due_acknowledgements(conn: Db<'_>, sender: &str) -> crate::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT substr(topic, 5) FROM sync_sent WHERE recipient = ?1 AND topic LIKE 'ack:%' AND fingerprint = 'due'
         ORDER BY topic",
    )?;
    Ok(stmt.query_map([sender], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run logged before the files kept their refusal code and counts still reads, with none.
    #[test]
    fn a_run_logged_before_the_codes_were_kept_still_reads() {
        let old = r#"[{"name":"a.zip","direction":"in","party":"1410110009","kind":"answers","result":"refused","message":"署名が正しくありません"}]"#;
        let files: Vec<SyncFile> = serde_json::from_str(old).expect("an old run reads");
        assert_eq!((files[0].refusal, files[0].counts, files[0].records), (None, None, None));
        assert_eq!(files[0].message, "署名が正しくありません");
    }
}
