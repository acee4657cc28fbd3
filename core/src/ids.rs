//! Identifiers and timestamps as stored.

use chrono::{DateTime, SecondsFormat, Utc};

/// A new record ID: UUID v7, so IDs sort by creation time and two offline desks never collide.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The time as stored: RFC 3339 in UTC with milliseconds, which sorts as text.
pub fn to_rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn now_rfc3339() -> String {
    to_rfc3339(Utc::now())
}

/// Parses a stored time. Stored times are written by [`to_rfc3339`]; anything else is a bug.
pub fn parse_rfc3339(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc))
}
