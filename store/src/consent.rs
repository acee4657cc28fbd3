//! Consent to share a patient's information with candidate hospitals (`transfer_requests.consent_*`):
//! kept apart from the intake's columns, so recording it is never read as an edit of the referral.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use tenin_domain::error::Error;
use tenin_domain::request_view::Consent;

use crate::ids::to_rfc3339;
use crate::{Db, Result, audit};

/// The consent recorded for a request, if any.
pub fn of(conn: Db<'_>, request_id: &str) -> crate::Result<Option<Consent>> {
    let found: Option<(String, Option<String>, Option<String>)> = crate::query_row_cached(
        conn,
        "SELECT r.consent_by, r.consent_at, u.display_name FROM transfer_requests r
         LEFT JOIN users u ON u.id = r.consent_recorded_by WHERE r.id = ?1",
        [request_id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
    )
    .optional()?;
    Ok(found.and_then(|(given_by, at, name)| {
        (!given_by.is_empty()).then(|| Consent {
            given_by,
            recorded_at: at.unwrap_or_default(),
            recorded_by_name: name.unwrap_or_default(),
        })
    }))
}

#[derive(Serialize)]
struct Audited<'a> {
    consent_by: &'a str,
}

/// Records who gave consent, when it differs from what is recorded (an update saying the same is
/// not a change). `bump` moves the request's version on (a change of its own); an intake saved in
/// the same statement has moved it already. Audited. Returns whether anything changed.
pub fn record(
    conn: Db<'_>,
    user_id: &str,
    request_id: &str,
    given_by: &str,
    at: DateTime<Utc>,
    bump: bool,
) -> Result<bool> {
    let before: Option<String> =
        crate::query_row_cached(conn, "SELECT consent_by FROM transfer_requests WHERE id = ?1", [request_id], |row| {
            row.get(0)
        })
        .optional()?;
    let Some(before) = before else {
        return Err(Error::NotFound { entity: "依頼", id: request_id.to_owned() }.into());
    };
    if before == given_by {
        return Ok(false);
    }
    let now = to_rfc3339(at);
    let version = if bump { ", version = version + 1, updated_at = ?3" } else { "" };
    crate::execute_cached(
        conn,
        &format!(
            "UPDATE transfer_requests SET consent_by = ?1, consent_at = ?3, consent_recorded_by = ?2{version}
             WHERE id = ?4"
        ),
        rusqlite::params![given_by, user_id, now, request_id],
    )?;
    audit::record(
        conn,
        audit::Change {
            user_id,
            action: audit::Action::Update,
            entity: "consent",
            entity_id: request_id,
            before: (!before.is_empty()).then_some(&Audited { consent_by: &before }),
            after: Some(&Audited { consent_by: given_by }),
        },
    )?;
    Ok(true)
}
