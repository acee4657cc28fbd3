//! Time to placement: from a request's registration to its confirmed placement (受入決定),
//! computed from the status history.
//!
//! Which placement counts: the one that held — the last move into `placed` of a request whose state
//! is now placed, arranging transport or transferred. A request re-opened after a placement fell
//! through counts only once it is placed again, with the time to that new placement.
//! Which period: a placement counts in the period containing its time, in the desk's time zone.
//! Percentiles use the nearest-rank method (the p90 of 10 values is the 9th smallest).

use serde::Serialize;

/// The model desk's average time to find a receiving hospital (DOMAIN.md: about 2.5 hours), shown
/// beside the desk's own figures.
pub const PLACEMENT_TARGET_MINUTES: u32 = 150;

/// One placed request: how long it took, and what it is grouped by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub minutes: u32,
    pub jurisdiction: Option<String>,
    pub referring_hospital: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DurationStats {
    pub count: u32,
    pub mean_minutes: Option<f64>,
    pub median_minutes: Option<f64>,
    pub p90_minutes: Option<u32>,
    /// Share of placements within [`PLACEMENT_TARGET_MINUTES`], 0–1.
    pub within_target: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GroupStats {
    /// The jurisdiction or hospital name; `None` for requests with no known jurisdiction.
    pub group: Option<String>,
    pub stats: DurationStats,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlacementTimes {
    /// First day of the period (inclusive), YYYY-MM-DD in the desk's time zone.
    pub from: String,
    /// Last day of the period (inclusive).
    pub to: String,
    pub target_minutes: u32,
    pub overall: DurationStats,
    /// By the health-centre jurisdiction of the patient's residence, most placements first.
    pub by_jurisdiction: Vec<GroupStats>,
    /// By referring hospital, most placements first.
    pub by_referring_hospital: Vec<GroupStats>,
}

pub fn stats(minutes: &[u32]) -> DurationStats {
    if minutes.is_empty() {
        return DurationStats {
            count: 0,
            mean_minutes: None,
            median_minutes: None,
            p90_minutes: None,
            within_target: None,
        };
    }
    let mut sorted = minutes.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    let mean = sorted.iter().map(|&m| f64::from(m)).sum::<f64>() / n as f64;
    let median = if n % 2 == 1 {
        f64::from(sorted[n / 2])
    } else {
        (f64::from(sorted[n / 2 - 1]) + f64::from(sorted[n / 2])) / 2.0
    };
    let rank = (n * 9).div_ceil(10).max(1);
    let within = sorted.iter().filter(|&&m| m <= PLACEMENT_TARGET_MINUTES).count();
    DurationStats {
        count: n as u32,
        mean_minutes: Some(mean),
        median_minutes: Some(median),
        p90_minutes: Some(sorted[rank - 1]),
        within_target: Some(within as f64 / n as f64),
    }
}

/// Groups samples by `key`, most placements first, then by name for a stable order.
pub fn grouped(samples: &[Sample], key: impl Fn(&Sample) -> Option<String>) -> Vec<GroupStats> {
    let mut groups: std::collections::BTreeMap<Option<String>, Vec<u32>> = Default::default();
    for sample in samples {
        groups.entry(key(sample)).or_default().push(sample.minutes);
    }
    let mut result: Vec<GroupStats> =
        groups.into_iter().map(|(group, minutes)| GroupStats { group, stats: stats(&minutes) }).collect();
    result.sort_by(|a, b| b.stats.count.cmp(&a.stats.count).then_with(|| a.group.cmp(&b.group)));
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_period_has_no_figures_rather_than_zeros() {
        let s = stats(&[]);
        assert_eq!((s.count, s.mean_minutes, s.p90_minutes), (0, None, None), "no data is not 0 minutes");
    }

    #[test]
    fn mean_median_and_nearest_rank_p90() {
        let s = stats(&[30, 200, 90, 150, 60, 120, 300, 45, 100, 80]);
        assert_eq!(s.count, 10);
        assert_eq!(s.mean_minutes, Some(117.5));
        assert_eq!(s.median_minutes, Some(95.0), "mean of the 5th (90) and 6th (100)");
        assert_eq!(s.p90_minutes, Some(200), "the 9th smallest of 10");
        assert_eq!(s.within_target, Some(0.8), "150 counts as within 2.5 hours");
    }

    #[test]
    fn odd_counts_take_the_middle_and_one_sample_is_its_own_p90() {
        assert_eq!(stats(&[10, 40, 20]).median_minutes, Some(20.0));
        assert_eq!(stats(&[42]).p90_minutes, Some(42));
    }

    #[test]
    fn groups_order_by_count_then_name() {
        let sample = |minutes, j: Option<&str>| Sample {
            minutes,
            jurisdiction: j.map(str::to_owned),
            referring_hospital: "A".into(),
        };
        let samples = [sample(10, Some("乙")), sample(20, Some("甲")), sample(30, Some("乙")), sample(40, None)];
        let groups = grouped(&samples, |s| s.jurisdiction.clone());
        let order: Vec<_> = groups.iter().map(|g| (g.group.as_deref(), g.stats.count)).collect();
        assert_eq!(order, [(Some("乙"), 2), (None, 1), (Some("甲"), 1)]);
    }
}
