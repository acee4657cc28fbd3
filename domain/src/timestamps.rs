//! Timestamps as stored: RFC 3339 in UTC with milliseconds, which sorts as text. Formats only; the
//! clock is read by the store and the desk.

use chrono::{DateTime, SecondsFormat, Utc};

/// The time as stored.
pub fn to_rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses a stored time. Stored times are written by [`to_rfc3339`]; anything else is a bug.
pub fn parse_rfc3339(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc))
}
