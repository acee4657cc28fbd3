//! Timestamps as stored: RFC 3339 in UTC with milliseconds, which sorts as text. Formats only; the
//! clock is read by the store and the desk.

use chrono::{DateTime, FixedOffset, SecondsFormat, Utc};

/// The time as stored.
pub fn to_rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A stored time as a person at the desk reads it: in the desk's time zone, the date in 和暦
/// (「R8.11.29 06:06」). Text that is not a stored time is returned as it is.
pub fn local_short(text: &str, offset: FixedOffset) -> String {
    match parse_rfc3339(text) {
        Ok(at) => {
            let local = at.with_timezone(&offset);
            format!("{} {}", crate::wareki::short(local.date_naive()), local.format("%H:%M"))
        }
        Err(_) => text.to_owned(),
    }
}

/// Parses a stored time. Stored times are written by [`to_rfc3339`]; anything else is a bug.
pub fn parse_rfc3339(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_time_reads_in_the_desks_zone_and_era() {
        let tokyo = FixedOffset::east_opt(9 * 3600).expect("offset");
        assert_eq!(local_short("2026-11-28T21:06:38.000Z", tokyo), "R8.11.29 06:06", "the next day in Japan");
        assert_eq!(local_short("not a time", tokyo), "not a time");
    }
}
