//! The whole-file check in the background: opening a desk checks the file only when it was not
//! closed cleanly, so a desk that runs for weeks would otherwise never have its file checked. The
//! app asks every few minutes whether a check is due — once a day — and the result is kept for
//! the About screen and said to the nurse when it is not 「ok」.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::Desk;
use tenin_domain::access::Permission;
use tenin_domain::error::Result;
use tenin_domain::timestamps::parse_rfc3339;
use tenin_store::ids::to_rfc3339;
use tenin_store::meta;

/// How often the whole file is checked while the app runs.
pub const INTEGRITY_CHECK_EVERY_HOURS: i64 = 24;

/// The last whole-file check: when, and what it found (「ok」, or the problems).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IntegrityCheck {
    /// RFC 3339.
    pub at: String,
    pub ok: bool,
    pub result: String,
}

impl Desk {
    /// The last whole-file check the app made, if any.
    pub fn last_integrity_check(&self) -> Result<Option<IntegrityCheck>> {
        self.allow(Permission::Read)?;
        let conn = self.store.read();
        let (Some(at), Some(result)) =
            (meta::get(conn, meta::LAST_INTEGRITY_CHECK_AT)?, meta::get(conn, meta::LAST_INTEGRITY_RESULT)?)
        else {
            return Ok(None);
        };
        Ok(Some(IntegrityCheck { at, ok: result == "ok", result }))
    }

    /// Whether a whole-file check is due: a day since the last (or none yet), and a desk that can
    /// record one (not a read-only copy).
    pub fn integrity_check_due(&self, now: DateTime<Utc>) -> Result<bool> {
        self.allow(Permission::Read)?;
        if self.store.is_read_only() {
            return Ok(false);
        }
        let last = self.last_integrity_check()?.and_then(|check| parse_rfc3339(&check.at).ok());
        Ok(last.is_none_or(|last| now - last >= Duration::hours(INTEGRITY_CHECK_EVERY_HOURS)))
    }

    /// Checks the whole file when a day has passed since the last check (or there never was one),
    /// and records the result; `None` when no check was due, or the desk is a read-only copy (it
    /// cannot record one, and nothing changes it).
    pub fn integrity_check_if_due(&mut self, now: DateTime<Utc>) -> Result<Option<IntegrityCheck>> {
        if !self.integrity_check_due(now)? {
            return Ok(None);
        }
        let result = self.integrity_check()?;
        let check = IntegrityCheck { at: to_rfc3339(now), ok: result == "ok", result };
        let recorded = self.store.write(|tx| -> Result<()> {
            meta::set(tx, meta::LAST_INTEGRITY_CHECK_AT, &check.at)?;
            meta::set(tx, meta::LAST_INTEGRITY_RESULT, &check.result)?;
            Ok(())
        });
        // A damaged file may refuse the record too: the problems are said all the same.
        match recorded {
            Err(error) if check.ok => Err(error),
            _ => Ok(Some(check)),
        }
    }
}
