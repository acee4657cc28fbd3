//! Unknown is not none: a care item or COVID-19 date never stated travels as "not stated" through
//! every way a request enters (intake, template, package, history) and every place it shows
//! (checklist, quality, matching, batch) — never as "no need".

use serde_json::json;
use tenin_core::Desk;
use tenin_core::care::{Adl, CareItem, CareNeeds, CareNeedsInput, Dialysis};
use tenin_core::exchange::manifest::PackageKind;
use tenin_core::matching::BatchOutcome;
use tenin_core::matching::report::{CandidateMark, MatchReport};
use tenin_core::request::NewRequestInput;
use tenin_core::request_status::RequestStatus;
use tenin_core::request_view::RequestDetail;

use crate::exchange::{Sender, intake};
use crate::{demo_desk, valid_input};

fn no_progress(_: u32, _: u32) -> bool {
    true
}

/// A request for a community-care bed, ADL and oxygen stated, with `care` for the rest.
fn coordinating(desk: &mut Desk, care: CareNeedsInput) -> String {
    let input = NewRequestInput { bed_type_id: "community_care".into(), care, ..valid_input(desk) };
    let id = desk.create_request(&input, true).expect("create").summary.id;
    desk.transition(&id, RequestStatus::Checking, None, "").expect("checking");
    desk.transition(&id, RequestStatus::Coordinating, None, "").expect("coordinating");
    id
}

fn only_adl_and_oxygen() -> CareNeedsInput {
    CareNeedsInput { oxygen_l_per_min: "2".into(), adl: Adl::PartialAssist, ..Default::default() }
}

fn to_confirm(report: &MatchReport, hospital_id: &str) -> Vec<CareItem> {
    let candidate = report.candidates.iter().find(|c| c.hospital_id == hospital_id).expect("a candidate");
    candidate
        .marks
        .iter()
        .find_map(|m| match m {
            CandidateMark::ConfirmCare { items } => Some(items.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

fn ids(report: &MatchReport) -> Vec<String> {
    let mut ids: Vec<String> = report.candidates.iter().map(|c| c.hospital_id.clone()).collect();
    ids.sort();
    ids
}

fn not_stated_in_checklist(detail: &RequestDetail) -> Vec<String> {
    detail.quality.items.iter().filter(|i| i.field.starts_with("care.")).map(|i| i.field.clone()).collect()
}

#[test]
fn an_intake_that_never_asks_lists_each_item_and_matching_marks_it_to_confirm() {
    let (_dir, mut desk) = demo_desk();
    let unstated = coordinating(&mut desk, only_adl_and_oxygen());
    let detail = desk.request(&unstated).expect("detail");
    let expected: Vec<String> = CareItem::ALL
        .into_iter()
        .filter(|i| !matches!(i, CareItem::Oxygen | CareItem::Adl))
        .map(|i| i.field().to_owned())
        .collect();
    assert_eq!(not_stated_in_checklist(&detail), expected, "each item not stated is on the checklist");
    assert!(detail.quality.can_match, "asked about, not blocking");
    assert_eq!(detail.care.tracheostomy, None, "stored as not stated");

    let answered_none = coordinating(
        &mut desk,
        CareNeedsInput { oxygen_l_per_min: "2".into(), ..CareNeedsInput::answered_none(Adl::PartialAssist) },
    );
    assert!(not_stated_in_checklist(&desk.request(&answered_none).expect("detail")).is_empty());
    let tracheostomy = coordinating(
        &mut desk,
        CareNeedsInput {
            oxygen_l_per_min: "2".into(),
            tracheostomy: Some(true),
            ..CareNeedsInput::answered_none(Adl::PartialAssist)
        },
    );

    let open = desk.match_request(&unstated).expect("match");
    let none = desk.match_request(&answered_none).expect("match");
    let needs = desk.match_request(&tracheostomy).expect("match");
    assert_eq!(ids(&open), ids(&none), "not stated neither excludes a hospital nor passes it silently");
    assert!(ids(&needs).len() < ids(&open).len(), "a stated need does exclude: the demo has hospitals without it");
    assert!(none.candidates.iter().all(|c| to_confirm(&none, &c.hospital_id).is_empty()), "all answered");
    let lacking: Vec<String> = ids(&open).into_iter().filter(|h| !ids(&needs).contains(h)).collect();
    for hospital in &lacking {
        assert!(
            to_confirm(&open, hospital).contains(&CareItem::Tracheostomy),
            "{hospital} cannot care for a tracheostomy: confirm it"
        );
    }
    for hospital in ids(&needs) {
        assert!(!to_confirm(&open, &hospital).contains(&CareItem::Tracheostomy), "{hospital} accepts it: cleared");
    }
    let mark = open.candidates.iter().flat_map(|c| &c.marks).find(|m| matches!(m, CandidateMark::ConfirmCare { .. }));
    assert!(mark.expect("some candidate to confirm").japanese().starts_with("要確認: "));

    // A hospital that accepts every possible answer clears every item.
    let hospital = lacking[0].to_owned();
    let mut edited = desk.hospital_input(&hospital).expect("input");
    let r = &mut edited.requirements;
    (r.dialysis_hd, r.dialysis_pd, r.tube_feeding_ng, r.tube_feeding_peg, r.tracheostomy) =
        (true, true, true, true, true);
    (r.suctioning, r.iv_line) = (tenin_core::care::Suctioning::Frequent, tenin_core::care::IvLine::Central);
    (r.dementia_bpsd, r.psychiatric, r.isolation_mrsa, r.isolation_other, r.bariatric) = (true, true, true, true, true);
    desk.update_hospital(&hospital, &edited).expect("accepts everything");
    let again = desk.match_request(&unstated).expect("match");
    assert_eq!(to_confirm(&again, &hospital), Vec::<CareItem>::new(), "nothing left to confirm there");
}

#[test]
fn the_batch_says_how_many_placements_rest_on_unconfirmed_items() {
    let (_dir, mut desk) = demo_desk();
    let unstated = coordinating(&mut desk, only_adl_and_oxygen());
    let suggestion = desk.match_batch().expect("batch");
    let mut resting = 0;
    let mut found = false;
    for row in &suggestion.rows {
        if let BatchOutcome::Placed { to_confirm, .. } = &row.suggestion {
            resting += u32::from(!to_confirm.is_empty());
            if row.request_id == unstated {
                found = true;
                assert!(to_confirm.iter().all(|i| !matches!(i, CareItem::Oxygen | CareItem::Adl)), "{to_confirm:?}");
            }
        }
    }
    assert!(found, "the request was placed: {:?}", suggestion.rows);
    assert_eq!(suggestion.placed_unconfirmed, resting);
    assert!(suggestion.placed_unconfirmed >= 1);
}

fn imported(desk: &Desk, ref_no: &str) -> RequestDetail {
    let summary = desk.requests().expect("list").into_iter().find(|r| r.ref_no == ref_no).expect("imported");
    desk.request(&summary.id).expect("detail")
}

#[test]
fn a_package_without_care_fields_is_not_stated_and_one_with_them_is_read_as_sent() {
    let (_dir, mut desk) = demo_desk();
    let mut sender = Sender::registered(&mut desk);
    let mut stated = intake("A.A.", "80");
    stated["care"] = json!({"oxygen_l_per_min": "なし", "dialysis": "hd", "tracheostomy": false, "adl": "full_assist"});
    stated["positive_test_date"] = json!("なし");
    let bytes = sender.package(
        PackageKind::Requests,
        &json!([
            {"record_id": "N-1", "action": "new", "request": intake("B.B.", "81")},
            {"record_id": "N-2", "action": "new", "request": stated},
        ]),
    );
    let report = desk.import_package("p.zip", &bytes, false, &no_progress).expect("imported");
    assert_eq!(report.counts.new, 2, "{:?}", report.records);
    let bare = imported(&desk, &report.records[0].ref_no);
    assert_eq!(bare.care, CareNeeds::default(), "nothing sent, nothing assumed");
    assert_eq!(bare.care.not_stated(), CareItem::ALL);
    let sent = imported(&desk, &report.records[1].ref_no);
    assert_eq!(
        (sent.care.oxygen_l_per_min, sent.care.dialysis, sent.care.tracheostomy, sent.care.adl),
        (Some(0.0), Some(Dialysis::Hd), Some(false), Adl::FullAssist)
    );
    assert_eq!(sent.care.suctioning, None, "what the hospital left out stays not stated");
    assert_eq!(sent.covid_dates_none, ["positive_test_date"]);
    assert!(sent.positive_test_date.is_none());
}

#[test]
fn a_history_case_states_no_care() {
    let (_dir, mut desk) = demo_desk();
    let file = "依頼日時,依頼元,住所地,結果,結果日時\r\n2024/05/01 10:00,桜総合病院,横浜市鶴見区,調整不成立,2024/05/01 13:00\r\n";
    let mut mapping = tenin_core::exchange::history::HistoryMapping::default();
    for (field, column) in [
        ("registered_at", "依頼日時"),
        ("referring_hospital", "依頼元"),
        ("residence", "住所地"),
        ("outcome", "結果"),
        ("outcome_at", "結果日時"),
    ] {
        mapping.columns.insert(field.into(), column.into());
    }
    let report =
        desk.import_history("old.csv", file.as_bytes(), &mapping, false, &no_progress).expect("history imported");
    assert_eq!(report.counts.new, 1, "{:?}", report.records);
    let case = imported(&desk, &report.records[0].ref_no);
    assert_eq!(case.care.not_stated(), CareItem::ALL, "the old system's case never said none");
}
