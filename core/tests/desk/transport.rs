//! Transport arrangement through the desk on a real SQLite file: the proposal, refusals and
//! warnings, the request following its booking, the providers directory and the sheet.

use chrono::{Duration, Utc};
use tenin_core::care::{Adl, CareNeedsInput};
use tenin_core::error::Problem;
use tenin_core::request::NewRequestInput;
use tenin_core::request_status::RequestStatus;
use tenin_core::transport::{BookingInput, BookingStatus, TransportProviderInput, VehicleType};
use tenin_core::{Desk, Error, hospital::HospitalFilter};

use crate::{demo_desk, valid_input};

/// A request for a bedridden patient on 2 L/min of oxygen, accepted by a receiving hospital and placed.
fn placed(desk: &mut Desk) -> String {
    placed_with(desk, CareNeedsInput { oxygen_l_per_min: "2".into(), ..CareNeedsInput::answered_none(Adl::FullAssist) })
}

/// A request with these care needs, accepted and placed.
fn placed_with(desk: &mut Desk, care: CareNeedsInput) -> String {
    let input = NewRequestInput { bed_type_id: "community_care".into(), care, ..valid_input(desk) };
    crate::placed(desk, input)
}

fn provider_named(desk: &Desk, name: &str) -> String {
    desk.transport_providers().expect("providers").into_iter().find(|p| p.name == name).expect("provider").id
}

fn in_two_hours() -> String {
    tenin_core::ids::to_rfc3339(Utc::now() + Duration::hours(2))
}

fn fields(error: Error) -> Vec<(String, Problem)> {
    match error {
        Error::Validation(list) | Error::NeedsConfirmation(list) => {
            list.into_iter().map(|p| (p.field, p.problem)).collect()
        }
        other => panic!("expected problems, got {other:?}"),
    }
}

#[test]
fn the_proposal_follows_the_needs_and_puts_safe_providers_first() {
    let (_dir, mut desk) = demo_desk();
    let id = placed(&mut desk);
    let proposal = desk.transport_proposal(&id).expect("proposal");
    assert_eq!(proposal.vehicle_type, VehicleType::Stretcher, "bedridden and on oxygen");
    assert!(proposal.escort_suggested);
    let first = &proposal.providers[0];
    assert!(
        first.suitable && first.provider.oxygen,
        "the stretcher with oxygen comes first: {:?}",
        first.provider.name
    );
    assert!(proposal.providers.iter().any(|p| !p.suitable), "the taxi is listed, marked unsuitable");
}

#[test]
fn unsafe_bookings_are_refused_doubtful_ones_confirmed_and_the_request_follows_to_transferred() {
    let (_dir, mut desk) = demo_desk();
    let id = placed(&mut desk);
    let taxi = provider_named(&desk, "県西・県央タクシー協会配車センター");
    let ambulance = provider_named(&desk, "かもめ民間救急サービス");
    let base = BookingInput {
        request_id: id.clone(),
        provider_id: ambulance.clone(),
        vehicle_type: Some(VehicleType::Stretcher),
        pickup_at: in_two_hours(),
        oxygen_l_per_min: "2".into(),
        escort: "看護師同乗".into(),
        public_funds: true,
        ..Default::default()
    };

    // A seated taxi without oxygen for a bedridden patient on oxygen: refused, nothing saved.
    let refused = desk
        .book_transport(&BookingInput { provider_id: taxi, vehicle_type: Some(VehicleType::Seated), ..base.clone() })
        .expect_err("unsafe");
    let refused = fields(refused);
    assert!(refused.contains(&("vehicle_type".to_owned(), Problem::Unsafe)), "{refused:?}");
    assert!(refused.contains(&("provider_id".to_owned(), Problem::Unsafe)), "{refused:?}");
    // Before the placement was confirmed: refused.
    let early = tenin_core::ids::to_rfc3339(Utc::now() - Duration::days(1));
    let refused = fields(desk.book_transport(&BookingInput { pickup_at: early, ..base.clone() }).expect_err("early"));
    assert!(refused.contains(&("pickup_at".to_owned(), Problem::NotAllowed)), "{refused:?}");
    // No oxygen flow given for a patient on oxygen: refused.
    let refused =
        fields(desk.book_transport(&BookingInput { oxygen_l_per_min: String::new(), ..base.clone() }).expect_err("o2"));
    assert_eq!(refused, [("oxygen_l_per_min".to_owned(), Problem::Unsafe)]);
    assert!(desk.request(&id).expect("detail").bookings.is_empty(), "nothing saved");

    // The ambulance does not list the referrer's area in every case: the demo referrer is in
    // Yokohama, which it serves, so take away its areas to see the warning.
    let mut record = desk.transport_provider(&ambulance).expect("provider");
    let input = TransportProviderInput {
        name: record.name.clone(),
        kana: record.kana.clone(),
        modes: record.modes.clone(),
        vehicle_types: record.vehicle_types.clone(),
        oxygen: true,
        escort: true,
        public_funds: true,
        areas: vec!["p8-kensei".into()],
        phone: record.phone.clone(),
        active: true,
        ..Default::default()
    };
    record = desk.update_transport_provider(&ambulance, record.version, &input).expect("updated");
    assert_eq!(record.area_names, ["県西"]);
    let warned = desk.book_transport(&base).expect_err("needs confirmation");
    assert!(matches!(warned, Error::NeedsConfirmation(_)));
    assert_eq!(fields(warned), [("provider_id".to_owned(), Problem::Warning)]);

    let detail = desk.book_transport(&BookingInput { accept_warnings: true, ..base }).expect("booked");
    assert_eq!(detail.summary.status, RequestStatus::ArrangingTransport, "placed → 搬送調整中");
    let booking = &detail.bookings[0];
    assert_eq!(
        (booking.status, booking.warnings.len()),
        (BookingStatus::Requested, 1),
        "the confirmed warning is kept"
    );
    assert_eq!(booking.to.hospital_id, detail.placement.as_ref().expect("placement").hospital_id);
    assert!(detail.summary.next_pickup_at.is_some(), "the queue knows the pickup");

    let detail = desk.move_booking(&booking.id, booking.version, BookingStatus::Confirmed, "").expect("confirmed");
    let booking = &detail.bookings[0];
    let stale =
        desk.move_booking(&booking.id, booking.version - 1, BookingStatus::Done, "").expect_err("stale version");
    assert!(matches!(stale, Error::StaleVersion { .. }));
    let detail = desk.move_booking(&booking.id, booking.version, BookingStatus::Done, "").expect("done");
    assert_eq!(detail.summary.status, RequestStatus::Transferred, "the trip done transfers the request");
    assert_eq!(detail.bookings[0].history.len(), 3, "requested, confirmed, done");
    assert!(detail.summary.next_pickup_at.is_none());
    assert!(detail.history.iter().any(|h| h.note.contains("搬送完了")), "in the request's timeline");
    assert_eq!(desk.audit_of("transport_booking", &detail.bookings[0].id).expect("audit").len(), 3);

    let sheet = desk.transport_sheet_html(&detail.bookings[0].id).expect("sheet");
    assert!(sheet.contains("搬送依頼書") && sheet.contains("ストレッチャー") && sheet.contains("酸素"));
    assert!(sheet.contains(&detail.summary.patient_initials) && sheet.contains("@page"));
}

#[test]
fn a_request_without_an_accepted_hospital_cannot_be_booked() {
    let (_dir, mut desk) = demo_desk();
    let id = desk.create_request(&valid_input(&desk), true).expect("create").summary.id;
    let provider = provider_named(&desk, "かもめ民間救急サービス");
    let refused = desk
        .book_transport(&BookingInput {
            request_id: id,
            provider_id: provider,
            vehicle_type: Some(VehicleType::Stretcher),
            pickup_at: in_two_hours(),
            ..Default::default()
        })
        .expect_err("no placement");
    assert_eq!(fields(refused), [("request_id".to_owned(), Problem::NotAllowed)]);
}

#[test]
fn providers_are_checked_added_and_listed_with_names() {
    let (_dir, mut desk) = demo_desk();
    let bad = TransportProviderInput {
        name: "新しい民間救急".into(),
        phone: "045-000-7777".into(),
        modes: vec!["helicopter".into()],
        vehicle_types: vec![VehicleType::Stretcher],
        areas: vec!["141003".into(), "nowhere".into()],
        active: true,
        ..Default::default()
    };
    let problems = fields(desk.add_transport_provider(&bad).expect_err("refused"));
    assert_eq!(
        problems,
        [("modes[0]".to_owned(), Problem::UnknownReference), ("areas[1]".to_owned(), Problem::UnknownReference)]
    );
    let added = desk
        .add_transport_provider(&TransportProviderInput {
            modes: vec!["private_ambulance".into()],
            areas: vec!["141003".into(), "p8-kawasaki-north".into()],
            kana: "アタラシイ".into(),
            ..bad
        })
        .expect("added");
    assert_eq!(added.area_names, ["横浜市", "川崎北部"]);
    assert_eq!(added.mode_names, ["民間救急"]);
    assert_eq!(added.kana, "あたらしい", "katakana reading stored as hiragana");
    assert_eq!(desk.transport_providers().expect("list").len(), 4);
    assert_eq!(desk.audit_of("transport_provider", &added.id).expect("audit").len(), 1);
}

#[test]
fn the_demo_has_placements_and_bookings() {
    let (_dir, desk) = demo_desk();
    let requests = desk.requests().expect("requests");
    let arranging: Vec<_> = requests.iter().filter(|r| r.status == RequestStatus::ArrangingTransport).collect();
    assert!(!arranging.is_empty() && arranging.iter().all(|r| r.next_pickup_at.is_some()), "upcoming pickups");
    let transferred = requests.iter().find(|r| r.status == RequestStatus::Transferred).expect("one");
    let detail = desk.request(&transferred.id).expect("detail");
    assert!(detail.placement.is_some());
    assert_eq!(detail.bookings[0].status, BookingStatus::Done);
}

#[test]
fn withdrawing_a_request_can_cancel_its_live_bookings_in_the_same_step() {
    let (_dir, mut desk) = demo_desk();
    let id = placed(&mut desk);
    let ambulance = provider_named(&desk, "かもめ民間救急サービス");
    let booking = BookingInput {
        request_id: id.clone(),
        provider_id: ambulance,
        vehicle_type: Some(VehicleType::Stretcher),
        pickup_at: in_two_hours(),
        oxygen_l_per_min: "2".into(),
        accept_warnings: true,
        ..Default::default()
    };
    desk.book_transport(&booking).expect("booked");
    let refused = desk
        .close_request(&id, RequestStatus::Transferred, None, "", true)
        .expect_err("only a request that will not be transferred cancels its bookings");
    assert!(matches!(refused, Error::Validation(_)), "{refused:?}");

    let closed =
        desk.close_request(&id, RequestStatus::Withdrawn, None, "家族の希望で自宅退院", true).expect("withdrawn");
    assert_eq!(closed.summary.status, RequestStatus::Withdrawn);
    assert_eq!(closed.bookings.len(), 1);
    assert_eq!(closed.bookings[0].status, BookingStatus::Cancelled, "the vehicle is not left booked");
    let audit = desk.audit_log(&Default::default()).expect("audit");
    assert!(audit.iter().any(|row| row.entity_id == closed.bookings[0].id), "the cancellation is in the audit trail");
}

#[test]
fn withdrawing_without_cancelling_leaves_the_booking_for_the_nurse() {
    let (_dir, mut desk) = demo_desk();
    let id = placed(&mut desk);
    let booking = BookingInput {
        request_id: id.clone(),
        provider_id: provider_named(&desk, "かもめ民間救急サービス"),
        vehicle_type: Some(VehicleType::Stretcher),
        pickup_at: in_two_hours(),
        oxygen_l_per_min: "2".into(),
        accept_warnings: true,
        ..Default::default()
    };
    desk.book_transport(&booking).expect("booked");
    let closed = desk.close_request(&id, RequestStatus::Withdrawn, None, "取り下げ", false).expect("withdrawn");
    assert_eq!(closed.bookings[0].status, BookingStatus::Requested);
}

#[test]
fn a_pickup_outside_the_providers_hours_needs_confirming() {
    let (_dir, mut desk) = demo_desk();
    let id = placed_with(&mut desk, CareNeedsInput::answered_none(Adl::Independent));
    let taxi = provider_named(&desk, "湘南ふれあい福祉タクシー");
    // 23:30 in the desk's time zone, tomorrow: the taxi runs 7:00〜21:00.
    let tomorrow =
        (Utc::now() + Duration::days(1)).with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).expect("JST"));
    let late = format!("{}T23:30", tomorrow.format("%Y-%m-%d"));
    let input = BookingInput {
        request_id: id.clone(),
        provider_id: taxi,
        vehicle_type: Some(VehicleType::Wheelchair),
        pickup_at: late,
        ..Default::default()
    };
    let warned = desk.book_transport(&input).expect_err("a warning to confirm");
    let problems = match warned {
        Error::NeedsConfirmation(list) | Error::Validation(list) => list,
        other => panic!("expected problems, got {other:?}"),
    };
    assert!(
        problems.iter().any(|p| p.field == "pickup_at" && p.message.contains("営業時間（7:00〜21:00）の外")),
        "{problems:?}"
    );
}

#[test]
fn a_transport_only_case_is_booked_and_transferred_but_never_counted_as_a_desk_placement() {
    let (_dir, mut desk) = demo_desk();
    let month = desk.today().expect("today").format("%Y-%m").to_string();
    let placements = |desk: &Desk| desk.monthly_report(&month, &month, Default::default()).expect("monthly").total;
    let before = placements(&desk);
    let input = NewRequestInput {
        care: CareNeedsInput::answered_none(Adl::Independent),
        bed_type_id: "community_care".into(),
        ..valid_input(&desk)
    };
    let detail = desk.create_request(&input, true).expect("create");
    let id = detail.summary.id.clone();
    let receiver = desk
        .hospitals(&HospitalFilter::default())
        .expect("hospitals")
        .into_iter()
        .find(|h| h.is_receiving && h.id != detail.summary.referring_hospital_id)
        .expect("a receiver");

    let own = desk.mark_transport_only(&id, &detail.summary.referring_hospital_id, None, "");
    assert!(matches!(own, Err(Error::Validation(_))), "a hospital does not receive its own patient: {own:?}");
    let marked =
        desk.mark_transport_only(&id, &receiver.id, Some(detail.version), "地域連携室同士で調整済み").expect("marked");
    assert!(marked.summary.transport_only);
    assert_eq!(marked.summary.status, RequestStatus::ArrangingTransport);
    assert_eq!(marked.placement.as_ref().map(|p| p.hospital_id.as_str()), Some(receiver.id.as_str()));
    assert!(marked.history.last().expect("history").note.contains("搬送のみ"), "the timeline says why");
    assert!(marked.inquiries.is_empty(), "no inquiry is invented");

    let booked = desk
        .book_transport(&BookingInput {
            request_id: id.clone(),
            provider_id: provider_named(&desk, "かもめ民間救急サービス"),
            vehicle_type: Some(VehicleType::Stretcher),
            pickup_at: in_two_hours(),
            accept_warnings: true,
            ..Default::default()
        })
        .expect("booked like any other");
    let booking = &booked.bookings[0];
    let confirmed = desk.move_booking(&booking.id, booking.version, BookingStatus::Confirmed, "").expect("confirmed");
    let booking = &confirmed.bookings[0];
    let done = desk.move_booking(&booking.id, booking.version, BookingStatus::Done, "").expect("done");
    assert_eq!(done.summary.status, RequestStatus::Transferred);
    assert_eq!(placements(&desk), before, "never counted as a desk placement");
    assert_eq!(desk.integrity_check().expect("check"), "ok", "the kept counts agree with the history");
    let log = desk.daily_log(&desk.today().expect("today").to_string()).expect("daily log");
    let ref_no = done.summary.ref_no.clone();
    let shown: Vec<_> = log.sections.iter().flat_map(|s| &s.entries).filter(|e| e.ref_no == ref_no).collect();
    assert!(!shown.is_empty() && shown.iter().all(|e| e.status.contains("搬送のみ")), "the daily log marks it");

    let again = desk.mark_transport_only(&id, &receiver.id, None, "");
    assert!(matches!(again, Err(Error::InvalidTransition { .. })), "only a request not yet placed: {again:?}");
}
