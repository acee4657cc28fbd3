//! Demo data: loads through the ordinary checks, covers the whole prefecture, only into an empty desk.

use std::collections::BTreeSet;
use tenin_core::hospital::HospitalFilter;

use tenin_core::ErrorCode;
use tenin_core::ErrorReport;
use tenin_core::request_status::RequestStatus;

use crate::{demo_desk, fresh_desk, valid_input};

#[test]
fn demo_loads_hospitals_providers_and_requests_in_every_state() {
    let (_dir, desk) = demo_desk();
    let status = desk.status().expect("status");
    assert_eq!((status.hospitals, status.transport_providers, status.requests), (60, 3, 30));
    assert!(!status.show_welcome, "no welcome once data exists");
    let states: BTreeSet<_> = status.requests_by_status.iter().map(|c| c.status).collect();
    assert_eq!(states, RequestStatus::ALL.into_iter().collect(), "every state is represented");
    assert!(status.audit_entries >= 60 + 3 + 30, "each created record is audited: {}", status.audit_entries);
}

#[test]
fn demo_hospitals_cover_every_jurisdiction_and_region() {
    let (_dir, desk) = demo_desk();
    let hospitals = desk.hospitals(&HospitalFilter::default()).expect("hospitals");
    let covered: BTreeSet<_> = hospitals.iter().map(|h| h.jurisdiction_name.clone()).collect();
    let all: BTreeSet<_> =
        desk.municipalities().expect("municipalities").into_iter().map(|m| m.jurisdiction_name).collect();
    assert_eq!(covered, all, "a demo hospital in every jurisdiction");
    let regions: BTreeSet<_> = hospitals.iter().filter_map(|h| h.region_name.clone()).collect();
    assert_eq!(regions.len(), 9, "all nine regions of the plan in force: {regions:?}");
}

#[test]
fn demo_request_history_follows_the_workflow() {
    let (_dir, desk) = demo_desk();
    for summary in desk.requests().expect("requests") {
        let detail = desk.request(&summary.id).expect("detail");
        let history = &detail.history;
        assert_eq!(history[0].from, None, "{}: history starts at registration", summary.ref_no);
        assert_eq!(history.last().map(|h| h.to), Some(summary.status), "{}: ends at the current state", summary.ref_no);
        for pair in history.windows(2) {
            assert_eq!(pair[1].from, Some(pair[0].to), "{}: each step starts where the last ended", summary.ref_no);
            assert!(pair[0].at <= pair[1].at, "{}: steps in time order", summary.ref_no);
        }
    }
}

#[test]
fn demo_is_refused_once_the_desk_has_data() {
    let (_dir, mut desk) = fresh_desk();
    desk.load_demo().expect("first load");
    let before = desk.status().expect("status");
    let err = ErrorReport::from(desk.load_demo().expect_err("second load must fail"));
    assert_eq!(err.code, ErrorCode::Rule);
    assert_eq!(err.rule, Some(tenin_core::error::Rule::DemoNeedsEmptyDesk), "the rule is named for the UI");
    assert_eq!(desk.status().expect("status").hospitals, before.hospitals, "nothing added");
    let _ = valid_input(&desk);
}

#[test]
fn dismissing_the_welcome_is_remembered() {
    let (dir, mut desk) = fresh_desk();
    desk.dismiss_welcome().expect("dismiss");
    drop(desk);
    let desk = crate::open_signed_in(dir.path());
    assert!(!desk.status().expect("status").show_welcome);
}
