//! Creating requests and moving them through the workflow, with history and audit.

use tenin_core::error::Problem;
use tenin_core::hospital::HospitalFilter;
use tenin_core::request::NewRequestInput;
use tenin_core::request_status::RequestStatus;
use tenin_core::{ErrorCode, ErrorReport};

use crate::{demo_desk, valid_input};

#[test]
fn a_valid_request_is_registered_as_new_with_history_and_audit() {
    let (_dir, mut desk) = demo_desk();
    let before = desk.status().expect("status");
    let detail = desk.create_request(&valid_input(&desk), true).expect("valid request");
    assert_eq!(detail.summary.status, RequestStatus::New);
    assert_eq!(detail.summary.residence_name.as_deref(), Some("横浜市"));
    assert_eq!(detail.summary.jurisdiction_name.as_deref(), Some("横浜市保健所"));
    assert_eq!(
        detail.summary.region_name.as_deref(),
        Some("横浜"),
        "the region of the plan in force (8th: Yokohama is one)"
    );
    assert_eq!(detail.history.len(), 1, "one history row: the registration");
    assert_eq!(detail.history[0].to, RequestStatus::New);
    assert_eq!(detail.created_by_name, "管理者 太郎");
    let audit = desk.audit_of("transfer_request", &detail.summary.id).expect("audit");
    assert_eq!(audit.len(), 1, "creation audited once");
    assert!(audit[0].after_json.as_deref().is_some_and(|a| a.contains("Y.K.")), "audit keeps the values");
    let after = desk.status().expect("status");
    assert_eq!(after.requests, before.requests + 1);
}

#[test]
fn reference_numbers_run_per_day() {
    let (_dir, mut desk) = demo_desk();
    let first = desk.create_request(&valid_input(&desk), true).expect("first").summary.ref_no;
    let second = desk.create_request(&valid_input(&desk), true).expect("second").summary.ref_no;
    let (day1, n1) = first.split_once('-').expect("YYMMDD-NNN");
    let (day2, n2) = second.split_once('-').expect("YYMMDD-NNN");
    assert_eq!(day1, day2, "same day");
    assert_eq!(n2.parse::<u32>().expect("n"), n1.parse::<u32>().expect("n") + 1, "{first} then {second}");
}

#[test]
fn an_invalid_request_is_refused_whole_and_nothing_is_saved() {
    let (_dir, mut desk) = demo_desk();
    let before = desk.status().expect("status");
    let input = NewRequestInput { patient_age: "１３０".into(), patient_initials: "".into(), ..valid_input(&desk) };
    let report = ErrorReport::from(desk.create_request(&input, true).expect_err("must fail"));
    assert_eq!(report.code, ErrorCode::Validation);
    let fields: Vec<_> = report.problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["patient_initials", "patient_age"]);
    assert_eq!(desk.status().expect("status"), before, "no row, history or audit entry added");
}

#[test]
fn unknown_hospital_and_municipality_are_named() {
    let (_dir, mut desk) = demo_desk();
    let input = NewRequestInput { referring_hospital_id: "no-such-id".into(), ..valid_input(&desk) };
    let report = ErrorReport::from(desk.create_request(&input, true).expect_err("unknown hospital"));
    assert_eq!(report.problems[0].field, "referring_hospital_id");
    assert_eq!(report.problems[0].problem, Problem::UnknownReference);
    // 462012 has a correct check digit but is not a municipality of this region pack.
    let input = NewRequestInput { residence_municipality_code: "462012".into(), ..valid_input(&desk) };
    let report = ErrorReport::from(desk.create_request(&input, true).expect_err("unknown municipality"));
    assert_eq!(report.problems[0].field, "residence_municipality_code");
    assert_eq!(report.problems[0].problem, Problem::UnknownReference);
}

#[test]
fn a_receiving_only_hospital_cannot_refer() {
    let (_dir, mut desk) = demo_desk();
    let receiver = desk
        .hospitals(&HospitalFilter::default())
        .expect("list")
        .into_iter()
        .find(|h| !h.is_referring)
        .expect("receiver");
    let input = NewRequestInput { referring_hospital_id: receiver.id, ..valid_input(&desk) };
    let report = ErrorReport::from(desk.create_request(&input, true).expect_err("not a referrer"));
    assert_eq!(report.problems[0].problem, Problem::NotAllowed);
}

#[test]
fn transitions_follow_the_workflow_and_are_recorded() {
    let (_dir, mut desk) = demo_desk();
    let id = desk.create_request(&valid_input(&desk), true).expect("create").summary.id;
    let checked = desk.transition(&id, RequestStatus::Checking, Some(1), "ADL確認").expect("new → checking");
    assert_eq!(checked.summary.status, RequestStatus::Checking);
    assert_eq!(checked.version, 2);
    assert_eq!(checked.history.last().map(|h| (h.from, h.note.as_str())), Some((Some(RequestStatus::New), "ADL確認")));
    let err = ErrorReport::from(desk.transition(&id, RequestStatus::Transferred, None, "").expect_err("skip"));
    assert_eq!(err.code, ErrorCode::InvalidTransition, "checking → transferred is not a move");
    let stale = ErrorReport::from(desk.transition(&id, RequestStatus::Coordinating, Some(1), "").expect_err("stale"));
    assert_eq!(stale.code, ErrorCode::StaleVersion, "a move based on an old version loses the race");
    assert_eq!(desk.request(&id).expect("detail").history.len(), 2, "refused moves leave no history");
}

/// 「元に戻す」: the nurse's own last intake step, taken back as a move of its own (history and
/// audit), once; not another nurse's, not after another change, not a move that closes or places.
#[test]
fn a_nurse_takes_back_their_last_intake_step_as_a_move_of_its_own() {
    let (_dir, mut desk) = demo_desk();
    let id = desk.create_request(&valid_input(&desk), true).expect("create").summary.id;
    assert_eq!(desk.request(&id).expect("detail").undo_to, None, "registering is not undone here");
    let checked = desk.transition(&id, RequestStatus::Checking, Some(1), "").expect("new → checking");
    assert_eq!(checked.undo_to, Some(RequestStatus::New), "offered straight after the move");
    let stale = ErrorReport::from(desk.undo_move(&id, 1).expect_err("based on an old version"));
    assert_eq!(stale.code, ErrorCode::StaleVersion);
    let back = desk.undo_move(&id, checked.version).expect("undone");
    assert_eq!((back.summary.status, back.version), (RequestStatus::New, 3));
    let last = back.history.last().expect("history");
    assert_eq!(
        (last.from, last.to, last.note.as_str()),
        (Some(RequestStatus::Checking), RequestStatus::New, "元に戻す")
    );
    assert_eq!(back.undo_to, None, "an undo is not undone");
    let again = ErrorReport::from(desk.undo_move(&id, back.version).expect_err("nothing left to undo"));
    assert!(again.message.contains("元に戻せる操作はありません"), "{}", again.message);
    let audit = desk.audit_log(&Default::default()).expect("audit");
    assert!(audit.iter().any(|r| r.entity_id == id && r.action == "undo"), "audited as an undo");

    // Another nurse cannot take back this one's move.
    let coordinating = desk.transition(&id, RequestStatus::Coordinating, None, "").expect("new → coordinating");
    assert_eq!(coordinating.undo_to, Some(RequestStatus::New));
    desk.add_user(&tenin_core::desk::NewUserInput {
        login: "nurse2".into(),
        display_name: "看護師 二".into(),
        role: Some(tenin_core::access::Role::Nurse),
        password: "nurse2-password-1".into(),
    })
    .expect("user");
    desk.sign_out().expect("sign out");
    desk.sign_in("nurse2", "nurse2-password-1").expect("signed in");
    assert_eq!(desk.request(&id).expect("detail").undo_to, None, "not offered to another nurse");
    let theirs = ErrorReport::from(desk.undo_move(&id, coordinating.version).expect_err("another's move"));
    assert!(theirs.message.contains("元に戻せる操作はありません"));
    // A closing move is asked first instead, and never undone.
    let withdrawn = desk.transition(&id, RequestStatus::Withdrawn, None, "家族の希望").expect("withdrawn");
    assert_eq!(withdrawn.undo_to, None);
    assert!(desk.undo_move(&id, withdrawn.version).is_err());
}

#[test]
fn hospitals_are_found_by_kana_romaji_and_code() {
    let (_dir, desk) = demo_desk();
    let all = desk.hospitals(&HospitalFilter::default()).expect("all");
    let target = &all[0];
    let reading: String = target.name_kana.chars().take(3).collect();
    for query in
        [reading.as_str(), &target.code[..6], &target.name[..target.name.char_indices().nth(2).map_or(0, |(i, _)| i)]]
    {
        let found = desk.hospitals(&HospitalFilter::query(query)).expect("search");
        assert!(found.iter().any(|h| h.id == target.id), "query {query:?} finds {}", target.name);
        assert!(found.len() < all.len(), "query {query:?} filters");
    }
    let by_romaji = desk.hospitals(&HospitalFilter::query("SAKURA")).expect("romaji");
    assert!(by_romaji.iter().any(|h| h.name.contains('桜')), "romaji finds 桜: {by_romaji:?}");
}

#[test]
fn not_placed_and_withdrawn_need_a_reason() {
    let (_dir, mut desk) = demo_desk();
    let id = desk.create_request(&valid_input(&desk), true).expect("create").summary.id;
    desk.transition(&id, RequestStatus::Checking, None, "").expect("checking");
    for to in [RequestStatus::NotPlaced, RequestStatus::Withdrawn] {
        let report = ErrorReport::from(desk.transition(&id, to, None, "  ").expect_err("no reason"));
        assert_eq!((report.code, report.problems[0].field.as_str()), (ErrorCode::Validation, "note"));
    }
    let closed = desk.transition(&id, RequestStatus::NotPlaced, None, "満床が続き受入先なし").expect("with a reason");
    assert_eq!(closed.summary.status, RequestStatus::NotPlaced);
    let reopened = desk.transition(&id, RequestStatus::Coordinating, None, "").expect("re-open without retyping");
    assert_eq!(reopened.history.len(), 4, "registration, checking, not placed, re-opened: all kept");
}

#[test]
fn a_nurse_corrects_the_intake_and_the_old_values_stay_in_the_audit() {
    let (_dir, mut desk) = demo_desk();
    let created = desk.create_request(&valid_input(&desk), true).expect("create");
    let corrected =
        NewRequestInput { patient_age: "８３".into(), bed_type_id: "long_term".into(), ..valid_input(&desk) };
    let detail = desk.update_request(&created.summary.id, created.version, &corrected).expect("corrected");
    assert_eq!((detail.summary.patient_age, detail.bed_type_id.as_deref()), (83, Some("long_term")));
    assert_eq!(detail.version, created.version + 1);
    assert_eq!(detail.summary.status, created.summary.status, "a correction does not move the request");
    let audit = desk.audit_of("transfer_request", &created.summary.id).expect("audit");
    let last = audit.last().expect("an entry");
    assert!(last.before_json.as_deref().is_some_and(|b| b.contains("\"patient_age\":82")), "{last:?}");
    assert!(last.after_json.as_deref().is_some_and(|a| a.contains("\"patient_age\":83")), "{last:?}");

    let stale =
        ErrorReport::from(desk.update_request(&created.summary.id, created.version, &corrected).expect_err("stale"));
    assert_eq!(stale.code, ErrorCode::StaleVersion, "a correction based on an old screen is refused, not lost");
    let bad = NewRequestInput { patient_age: "200".into(), ..valid_input(&desk) };
    let refused = ErrorReport::from(desk.update_request(&created.summary.id, detail.version, &bad).expect_err("bad"));
    assert_eq!(refused.code, ErrorCode::Validation);
    assert_eq!(desk.request(&created.summary.id).expect("detail").summary.patient_age, 83, "nothing half-saved");
}

#[test]
fn a_nurse_takes_and_releases_a_request() {
    let (_dir, mut desk) = demo_desk();
    let id = desk.create_request(&valid_input(&desk), true).expect("create").summary.id;
    let taken = desk.assign_to_me(&id, true).expect("taken");
    assert_eq!(taken.summary.assigned_to_name.as_deref(), Some("管理者 太郎"));
    let listed = desk.requests().expect("queue").into_iter().find(|r| r.id == id).expect("listed");
    assert_eq!(listed.assigned_to.as_deref(), Some(desk.status().expect("status").user_id.as_str()));
    let released = desk.assign_to_me(&id, false).expect("released");
    assert_eq!(released.summary.assigned_to, None);
    assert_eq!(desk.audit_of("transfer_request", &id).expect("audit").len(), 3, "create, take, release");
}

/// One way to name a request everywhere: the reference number however it is typed, the id, or the
/// hospital's own record id — and a refusal that says what was tried or which requests matched.
#[test]
fn a_request_is_found_by_reference_number_id_or_the_hospitals_record_id() {
    use crate::exchange::{Sender, intake};
    use serde_json::json;
    use tenin_core::exchange::manifest::PackageKind;
    let (_dir, mut desk) = demo_desk();
    let first = desk.requests().expect("list").remove(0);
    let digits: String = first.ref_no.chars().filter(|c| *c != '-').collect();
    let wide: String = first.ref_no.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)).collect();
    for name in [first.ref_no.clone(), first.id.clone(), digits, wide, format!(" {} ", first.ref_no)] {
        assert_eq!(desk.resolve_request(&name).expect(&name), first.id, "{name}");
    }
    let mut a = Sender::registered_nth(&mut desk, 0);
    let mut b = Sender::registered_nth(&mut desk, 1);
    for (sender, initials) in [(&mut a, "A.A."), (&mut b, "B.B.")] {
        let records = json!([{"record_id": "K-7", "action": "new", "request": intake(initials, "80")}]);
        let bytes = sender.package(PackageKind::Requests, &records);
        let report = desk.import_package("p.zip", &bytes, false, &|_, _| true).expect("imported");
        assert_eq!(report.counts.new, 1, "{:?}", report.records);
    }
    let error = ErrorReport::from(desk.resolve_request("K-7").expect_err("two hospitals use K-7"));
    assert_eq!(error.code, ErrorCode::Rule);
    assert!(error.message.contains(&a.code) && error.message.contains(&b.code), "{}", error.message);
    let from_a = desk.resolve_request(&format!("{}:K-7", a.code)).expect("named with its hospital");
    let from_b = desk.resolve_request(&format!("{}：Ｋ-7", b.code)).expect("full-width too");
    assert_ne!(from_a, from_b);
    assert_eq!(desk.request(&from_a).expect("detail").referring_hospital_code, a.code);
    let error = ErrorReport::from(desk.resolve_request("999999-999").expect_err("unknown"));
    assert_eq!(error.code, ErrorCode::NotFound);
    assert!(
        error.message.contains("「999999-999」を受付番号・ID・医療機関の管理番号として探しました"),
        "{}",
        error.message
    );
}

/// The queue pages from the core: open requests by default with how many were left out, closed
/// or all on request, searched, and pages that join up to the whole list in the same order.
#[test]
fn the_queue_pages_in_the_store() {
    use tenin_core::request_view::{QueueQuery, QueueScope};
    let (_dir, desk) = crate::demo_desk();
    let everything = desk.requests().expect("all");
    let open = desk.queue(&QueueQuery::default()).expect("open");
    assert!(open.rows.iter().all(|r| r.status.is_open()));
    assert_eq!(open.total as usize, everything.iter().filter(|r| r.status.is_open()).count());
    assert_eq!((open.total + open.left_out) as usize, everything.len(), "left out: the closed ones");
    let closed = desk.queue(&QueueQuery { scope: QueueScope::Closed, ..Default::default() }).expect("closed");
    assert!(!closed.rows.is_empty() && closed.rows.iter().all(|r| !r.status.is_open()));
    let mut paged = Vec::new();
    let mut query = QueueQuery { scope: QueueScope::All, limit: Some(7), ..Default::default() };
    loop {
        let page = desk.queue(&query).expect("page");
        assert!(page.rows.len() <= 7);
        paged.extend(page.rows.into_iter().map(|r| r.id));
        match page.next_after {
            Some(next) => query.after = next,
            None => break,
        }
    }
    let ids: Vec<String> = everything.iter().map(|r| r.id.clone()).collect();
    assert_eq!(paged, ids, "the pages join up to the whole queue, in its order");
    let one = &everything[5];
    let full_width: String = one.ref_no.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)).collect();
    let found =
        desk.queue(&QueueQuery { scope: QueueScope::All, text: full_width, ..Default::default() }).expect("search");
    assert_eq!(found.rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec![one.id.as_str()]);
    let by_hospital = desk.queue(&QueueQuery {
        scope: QueueScope::All,
        text: one.referring_hospital_name.clone(),
        ..Default::default()
    });
    assert!(by_hospital.expect("search").rows.iter().any(|r| r.id == one.id));
    // Where the patient lives is searched too, as the window's own filter does.
    let place = one.residence_name.clone().expect("the demo's requests have a residence");
    let by_place = desk.queue(&QueueQuery { scope: QueueScope::All, text: place.clone(), ..Default::default() });
    let by_place = by_place.expect("search").rows;
    assert!(by_place.iter().any(|r| r.id == one.id), "{place}");
    assert!(
        by_place
            .iter()
            .all(|r| r.residence_name.as_deref() == Some(place.as_str()) || r.referring_hospital_name.contains(&place)),
        "only what names {place}"
    );
}

/// Dates as a Japanese desk writes them: without a year, the onset is read toward the past and the
/// desired date toward the future, from the desk's today, and the reading is said back.
#[test]
fn dates_typed_without_a_year_are_read_from_today() {
    use chrono::Datelike;
    let (_dir, mut desk) = crate::demo_desk();
    let today = desk.today().expect("today");
    let input = tenin_core::request::NewRequestInput {
        onset_date: "１１/１２".into(),
        desired_date: "12月1日".into(),
        ..crate::valid_input(&desk)
    };
    let created = desk.create_request(&input, true).expect("created");
    let onset =
        chrono::NaiveDate::parse_from_str(created.onset_date.as_deref().expect("onset"), "%Y-%m-%d").expect("iso");
    let desired =
        chrono::NaiveDate::parse_from_str(created.desired_date.as_deref().expect("desired"), "%Y-%m-%d").expect("iso");
    assert_eq!((onset.month(), onset.day()), (11, 12));
    assert!(onset <= today && (today - onset).num_days() < 366, "the latest 11/12 on or before today: {onset}");
    assert_eq!((desired.month(), desired.day()), (12, 1));
    assert!(desired >= today && (desired - today).num_days() < 366, "the first 12/1 on or after today: {desired}");
    assert!(created.normalized.iter().any(|n| n.field == "onset_date" && n.value == onset.to_string()), "said back");
    // A row of a file still needs its year.
    assert!(input.checked().is_err());
}

/// Drafts: each nurse's half-typed intake kept as typed, across closing the desk, private to them,
/// and gone once the request is saved.
#[test]
fn a_half_typed_intake_is_kept_per_nurse_until_it_is_saved() {
    use tenin_core::access::Role;
    use tenin_core::desk::NewUserInput;
    let (dir, mut desk) = crate::demo_desk();
    desk.add_user(&NewUserInput {
        login: "nurse2".into(),
        display_name: "看護師 二".into(),
        role: Some(Role::Nurse),
        password: "nurse2-password".into(),
    })
    .expect("user");
    let body = r#"{"patient_initials":"Ｍ．Ｔ．","clinical_summary":"電話中に中断"}"#;
    desk.save_draft("intake", "", body).expect("kept");
    assert!(desk.save_draft("intake", "", "not json").is_err());
    assert!(desk.save_draft("memo", "", body).is_err(), "only the forms that have drafts");
    drop(desk);
    let mut desk = crate::open_signed_in(dir.path());
    assert_eq!(desk.draft("intake", "").expect("read").expect("kept across a restart").body, body);
    desk.sign_out().expect("out");
    desk.sign_in("nurse2", "nurse2-password").expect("in");
    assert!(desk.draft("intake", "").expect("read").is_none(), "another nurse's draft is theirs alone");
    desk.sign_out().expect("out");
    crate::sign_in_admin(&mut desk);
    desk.create_request(&crate::valid_input(&desk), true).expect("saved");
    assert!(desk.draft("intake", "").expect("read").is_none(), "the saved request took its draft away");
    desk.save_draft("intake", "", body).expect("again");
    desk.discard_draft("intake", "").expect("discarded on purpose");
    assert!(desk.draft("intake", "").expect("read").is_none());
}

/// A duplicate that is already closed is not a request to merge into: the core refuses it by name.
#[test]
fn a_new_intake_is_never_merged_into_a_closed_request() {
    let (_dir, mut desk) = crate::demo_desk();
    let closed = desk
        .requests()
        .expect("requests")
        .into_iter()
        .find(|r| r.status == tenin_core::request_status::RequestStatus::Transferred)
        .expect("a transferred request in the demo");
    let refused = desk.merge_into(&closed.id, &crate::valid_input(&desk)).expect_err("refused");
    let report = tenin_core::ErrorReport::from(refused);
    assert!(matches!(report.rule, Some(tenin_core::error::Rule::MergeIntoClosed { .. })), "{report:?}");
    assert!(report.message.contains(&closed.ref_no));
}
