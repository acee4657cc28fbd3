//! Acceptance capacity (受入体制): free beds by bed type, as a hospital reports them.
//!
//! Modelled on EDXL-HAVE's bed capacity: available now, the baseline, and what the hospital expects
//! in 24 and 72 hours, with when and by whom it was reported. Reports are never overwritten; the
//! current figure for a bed type is its latest report, and a figure older than the desk's
//! configured age is *stale* wherever it is shown.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Problem, Problems, Result};
use crate::inquiry::parse_local_time;
use crate::text::{char_len, fold_width, strip_controls};

/// One bed type's figures as typed or read from a file. Counts are signed so that a negative count
/// is refused with a message naming its field rather than failing to parse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct CapacityReportInput {
    /// A bed type of the region pack (e.g. `community_care`).
    pub bed_type: String,
    pub available: i32,
    #[serde(default)]
    pub baseline: Option<i32>,
    #[serde(default)]
    pub expected_24h: Option<i32>,
    #[serde(default)]
    pub expected_72h: Option<i32>,
    /// When the hospital gave the figures (desk local time or RFC 3339); empty means now.
    #[serde(default)]
    pub reported_at: String,
    /// Who at the hospital gave them.
    #[serde(default)]
    pub reported_by: String,
}

/// A report checked and ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedCapacityReport {
    pub bed_type: String,
    pub available: u32,
    pub baseline: Option<u32>,
    pub expected_24h: Option<u32>,
    pub expected_72h: Option<u32>,
    pub reported_at: String,
    pub reported_by: String,
}

/// A stored report, as the directory and the hospital page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CapacityReport {
    pub id: String,
    pub bed_type: String,
    pub bed_type_name: String,
    pub available: u32,
    pub baseline: Option<u32>,
    pub expected_24h: Option<u32>,
    pub expected_72h: Option<u32>,
    pub reported_at: String,
    pub reported_by: String,
    /// The desk user who entered or imported it.
    pub recorded_by: String,
    pub recorded_at: String,
    /// Older than the desk's capacity age limit.
    pub stale: bool,
}

/// A bed count no ward has; above it a figure is a typing mistake.
pub const BEDS_MAX: i32 = 9999;
/// Clocks at hospitals and at the desk disagree a little; beyond this a report is in the future.
pub const CLOCK_TOLERANCE_MINUTES: i64 = 5;
pub const REPORTED_BY_MAX: usize = 100;
/// How old capacity may be before it is shown as stale, unless the desk sets otherwise.
pub const DEFAULT_STALE_AFTER_HOURS: u32 = 24;
pub const STALE_AFTER_HOURS_MAX: u32 = 24 * 30;

impl CapacityReportInput {
    /// Checks one report, naming fields under `prefix` (e.g. `[2]`). Whether the bed type exists is
    /// the store's to check.
    pub fn checked(
        &self,
        prefix: &str,
        offset: FixedOffset,
        now: DateTime<Utc>,
        problems: &mut Problems,
    ) -> CheckedCapacityReport {
        let field = |name: &str| if prefix.is_empty() { name.to_owned() } else { format!("{prefix}.{name}") };
        let bed_type = fold_width(&self.bed_type);
        if bed_type.is_empty() {
            problems.add(&field("bed_type"), Problem::Required);
        }
        let mut count = |name: &str, value: Option<i32>| {
            let value = value?;
            if (0..=BEDS_MAX).contains(&value) {
                u32::try_from(value).ok()
            } else {
                problems.add(&field(name), Problem::OutOfRange { min: 0, max: BEDS_MAX });
                None
            }
        };
        let available = count("available", Some(self.available)).unwrap_or(0);
        let baseline = count("baseline", self.baseline);
        let expected_24h = count("expected_24h", self.expected_24h);
        let expected_72h = count("expected_72h", self.expected_72h);
        let reported_at = match parse_local_time(&self.reported_at, offset) {
            Ok(None) => now,
            Ok(Some(at)) if at > now + Duration::minutes(CLOCK_TOLERANCE_MINUTES) => {
                problems.add(&field("reported_at"), Problem::InFuture);
                now
            }
            Ok(Some(at)) => at,
            Err(_) => {
                problems.add(&field("reported_at"), Problem::Invalid);
                now
            }
        };
        let reported_by = strip_controls(self.reported_by.trim());
        if char_len(&reported_by) > REPORTED_BY_MAX {
            problems.add(&field("reported_by"), Problem::TooLong { max: REPORTED_BY_MAX as u32 });
        }
        CheckedCapacityReport {
            bed_type,
            available,
            baseline,
            expected_24h,
            expected_72h,
            reported_at: crate::timestamps::to_rfc3339(reported_at),
            reported_by,
        }
    }
}

/// Whether a report made at `reported_at` (RFC 3339) is older than `stale_after_hours` at `now`.
/// An unreadable time is stale: the desk should not trust it.
pub fn is_stale(reported_at: &str, now: DateTime<Utc>, stale_after_hours: u32) -> bool {
    DateTime::parse_from_rfc3339(reported_at)
        .map_or(true, |at| now - at.with_timezone(&Utc) > Duration::hours(stale_after_hours.into()))
}

/// Checks the desk's stale-capacity age.
pub fn checked_stale_after_hours(hours: u32) -> Result<u32> {
    let mut problems = Problems::default();
    if !(1..=STALE_AFTER_HOURS_MAX).contains(&hours) {
        problems.add("capacity_stale_after_hours", Problem::OutOfRange { min: 1, max: STALE_AFTER_HOURS_MAX as i32 });
    }
    problems.into_result().map(|()| hours)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn fields(input: &CapacityReportInput) -> Vec<(String, Problem)> {
        let mut problems = Problems::default();
        let now = DateTime::parse_from_rfc3339("2026-11-21T03:00:00Z").expect("test value").with_timezone(&Utc);
        input.checked("[0]", FixedOffset::east_opt(9 * 3600).expect("test value"), now, &mut problems);
        match problems.into_result() {
            Ok(()) => Vec::new(),
            Err(Error::Validation(found)) => found.into_iter().map(|p| (p.field, p.problem)).collect(),
            Err(other) => panic!("{other}"),
        }
    }

    #[test]
    fn negative_counts_and_future_reports_are_refused_by_field() {
        let good = CapacityReportInput {
            bed_type: "general".into(),
            available: 3,
            baseline: Some(40),
            reported_at: "2026-11-21T11:30".into(),
            ..Default::default()
        };
        assert_eq!(fields(&good), []);
        let negative = CapacityReportInput { available: -1, expected_72h: Some(-4), ..good.clone() };
        assert_eq!(
            fields(&negative),
            [
                ("[0].available".to_owned(), Problem::OutOfRange { min: 0, max: BEDS_MAX }),
                ("[0].expected_72h".to_owned(), Problem::OutOfRange { min: 0, max: BEDS_MAX }),
            ]
        );
        // 12:30 in Tokyo is 03:30Z, half an hour after "now".
        let future = CapacityReportInput { reported_at: "2026-11-21T12:30".into(), ..good.clone() };
        assert_eq!(fields(&future), [("[0].reported_at".to_owned(), Problem::InFuture)]);
        let within_tolerance = CapacityReportInput { reported_at: "2026-11-21T12:03".into(), ..good };
        assert_eq!(fields(&within_tolerance), []);
    }

    #[test]
    fn staleness_is_measured_against_the_configured_age() {
        let now = DateTime::parse_from_rfc3339("2026-11-21T03:00:00Z").expect("test value").with_timezone(&Utc);
        assert!(!is_stale("2026-11-20T04:00:00.000Z", now, 24));
        assert!(is_stale("2026-11-20T02:59:00.000Z", now, 24));
        assert!(is_stale("2026-11-21T00:00:00.000Z", now, 2));
        assert!(is_stale("yesterday", now, 24));
        assert!(checked_stale_after_hours(0).is_err());
        assert_eq!(checked_stale_after_hours(48).expect("test value"), 48);
    }
}
