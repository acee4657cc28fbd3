//! Time to placement over the demo data, checked against figures computed here from the demo file.

use chrono::Duration;
use serde_json::Value;

use crate::demo_desk;

/// Minutes to the placement that held, for each demo request now placed or later.
fn expected_minutes() -> Vec<u32> {
    let demo: Value = serde_json::from_str(tenin_core::bundled::DEMO_DATA_JSON).expect("demo JSON");
    let mut minutes = Vec::new();
    for request in demo["requests"].as_array().expect("requests") {
        let history = request["history"].as_array().expect("history");
        let last = history.last().and_then(|h| h["to"].as_str()).unwrap_or("new");
        if !["placed", "arranging_transport", "transferred"].contains(&last) {
            continue;
        }
        let placed = history.iter().rev().find(|h| h["to"] == "placed").expect("placed step");
        minutes.push(placed["minutes_after"].as_u64().expect("minutes") as u32);
    }
    minutes
}

#[test]
fn figures_match_the_demo_history() {
    let (_dir, desk) = demo_desk();
    let today = desk.today().expect("today");
    let times = desk.placement_times(today - Duration::days(30), today).expect("figures");
    let expected = expected_minutes();
    assert!(expected.len() >= 5, "the demo has several placements: {expected:?}");
    assert_eq!(times.overall.count as usize, expected.len());
    let mean = expected.iter().map(|&m| f64::from(m)).sum::<f64>() / expected.len() as f64;
    let got = times.overall.mean_minutes.expect("a mean");
    assert!((got - mean).abs() < 1e-9, "mean {got} vs {mean}");
    let by_jurisdiction: u32 = times.by_jurisdiction.iter().map(|g| g.stats.count).sum();
    let by_hospital: u32 = times.by_referring_hospital.iter().map(|g| g.stats.count).sum();
    assert_eq!(
        (by_jurisdiction, by_hospital),
        (times.overall.count, times.overall.count),
        "every placement in one group"
    );
    assert_eq!(times.target_minutes, 150);
}

#[test]
fn a_period_with_no_placements_has_no_figures() {
    let (_dir, desk) = demo_desk();
    let day = "2021-01-28".parse().expect("date");
    let times = desk.placement_times(day, day).expect("figures");
    assert_eq!(times.overall.count, 0);
    assert_eq!(times.overall.mean_minutes, None, "no data is shown as no data, not as 0 minutes");
    assert!(times.by_jurisdiction.is_empty());
}

#[test]
fn a_re_opened_placement_counts_to_the_placement_that_held() {
    let (_dir, mut desk) = demo_desk();
    let today = desk.today().expect("today");
    let before = desk.placement_times(today, today).expect("figures").overall.count;
    let id = desk.create_request(&crate::valid_input(&desk), true).expect("create").summary.id;
    use tenin_core::request_status::RequestStatus::*;
    let receiver = desk
        .hospitals(&Default::default())
        .expect("hospitals")
        .into_iter()
        .find(|h| h.is_receiving)
        .expect("a receiving hospital")
        .id;
    for to in [Checking, Coordinating] {
        desk.transition(&id, to, None, "").expect("move");
    }
    desk.place(&id, &receiver, None, "").expect("placed");
    desk.transition(&id, Coordinating, None, "").expect("re-opened");
    let reopened = desk.placement_times(today, today).expect("figures").overall.count;
    assert_eq!(reopened, before, "a re-opened request is not counted as placed");
    desk.transition(&id, Placed, None, "").expect("placed again: its acceptance is logged");
    assert_eq!(desk.placement_times(today, today).expect("figures").overall.count, before + 1);
}

#[test]
fn a_reversed_period_is_refused() {
    let (_dir, desk) = demo_desk();
    let err =
        desk.placement_times("2026-02-01".parse().expect("d"), "2026-01-01".parse().expect("d")).expect_err("reversed");
    assert_eq!(err.code(), tenin_core::ErrorCode::Validation);
}
