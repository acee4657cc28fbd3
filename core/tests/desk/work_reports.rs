//! The work reports on a real desk: publicly funded transport, the health centre's summary and the
//! coaching report for a referring hospital — their figures, what they leave out (patients' initials),
//! and the files and page they make.

use chrono::{Duration, Utc};
use tenin_core::care::{Adl, CareNeedsInput};
use tenin_core::desk::{ReportFormat, WorkReport};
use tenin_core::hospital::HospitalFilter;
use tenin_core::request::NewRequestInput;
use tenin_core::transport::{BookingInput, BookingStatus, VehicleType};
use tenin_core::{Desk, ErrorCode, ErrorReport};

use crate::{demo_desk, placed, valid_input};

fn around_today(desk: &Desk) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let today = desk.today().expect("today");
    (today - Duration::days(1), today + Duration::days(2))
}

#[test]
fn funded_trips_and_their_costs_are_summed_per_provider_and_month() {
    let (_dir, mut desk) = demo_desk();
    let (from, to) = around_today(&desk);
    let report = WorkReport::Transport { from, to };
    let before = desk.work_report(&report).expect("report");
    let care = CareNeedsInput::answered_none(Adl::Independent);
    let input = NewRequestInput { bed_type_id: "community_care".into(), care, ..valid_input(&desk) };
    let id = placed(&mut desk, input);
    let ambulance = desk
        .transport_providers()
        .expect("providers")
        .into_iter()
        .find(|p| p.name == "かもめ民間救急サービス")
        .expect("provider");
    let booked = desk
        .book_transport(&BookingInput {
            request_id: id.clone(),
            provider_id: ambulance.id.clone(),
            vehicle_type: Some(VehicleType::Stretcher),
            pickup_at: tenin_core::ids::to_rfc3339(Utc::now() + Duration::hours(1)),
            public_funds: true,
            cost_yen: "12,000".into(),
            note: "陽性者の転院（県の公費）".into(),
            accept_warnings: true,
            ..Default::default()
        })
        .expect("booked");
    let booking = &booked.bookings[0];
    let confirmed = desk.move_booking(&booking.id, booking.version, BookingStatus::Confirmed, "").expect("confirmed");
    let booking = &confirmed.bookings[0];
    desk.move_booking(&booking.id, booking.version, BookingStatus::Done, "").expect("done");

    let after = desk.work_report(&report).expect("report");
    let funding = &after.tables[0];
    assert_eq!(funding.id, "transport_funding");
    let totals = funding.totals.as_ref().expect("totals");
    let before_totals = before.tables[0].totals.clone().expect("totals");
    let n = |cells: &[String], i: usize| cells[i].parse::<u64>().expect("a number");
    assert_eq!(n(totals, 2), n(&before_totals, 2) + 1, "one more trip");
    assert_eq!(n(totals, 3), n(&before_totals, 3) + 1, "one more funded trip");
    assert_eq!(n(totals, 4), n(&before_totals, 4) + 12_000, "its cost in the funded sum");
    assert!(funding.rows.iter().any(|row| row[1] == "かもめ民間救急サービス"));
    let ref_no = booked.summary.ref_no.clone();
    let trip = after.tables[1].rows.iter().find(|row| row[1] == ref_no).expect("the trip is listed");
    assert_eq!((trip[4].as_str(), trip[5].as_str()), ("公費", "12000"));
    assert!(trip[6].contains("県の公費"), "the reason is kept: {trip:?}");

    let (xlsx, _) = desk.work_report_file(&report, ReportFormat::Xlsx).expect("xlsx");
    assert!(xlsx.starts_with(b"PK"), "a workbook");
    let (csv, _) = desk.work_report_file(&report, ReportFormat::CsvCp932).expect("csv");
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&csv);
    assert!(!bad && text.contains("搬送実績（事業者別・月別）") && text.contains(&ref_no));
    let saved = desk.save_work_report(&report, ReportFormat::Xlsx).expect("saved");
    assert!(saved.path.ends_with(".xlsx") && std::path::Path::new(&saved.path).exists());
}

#[test]
fn the_health_centre_sees_its_residents_requests_without_initials() {
    let (_dir, mut desk) = demo_desk();
    let (from, to) = around_today(&desk);
    let home = desk.municipalities().expect("municipalities").into_iter().find(|m| m.code == "141003").expect("141003");
    let other = desk
        .municipalities()
        .expect("municipalities")
        .into_iter()
        .find(|m| m.jurisdiction_id != home.jurisdiction_id)
        .expect("another jurisdiction");
    let mine = NewRequestInput { patient_initials: "Q.Z.".into(), patient_age: "87".into(), ..valid_input(&desk) };
    let mine_id = placed(&mut desk, mine);
    let elsewhere = NewRequestInput { residence_municipality_code: other.code.clone(), ..valid_input(&desk) };
    let elsewhere_ref = desk.create_request(&elsewhere, true).expect("create").summary.ref_no;

    let report = WorkReport::HealthCentre { jurisdiction_id: home.jurisdiction_id.clone(), from, to };
    let built = desk.work_report(&report).expect("report");
    assert!(built.title.contains(&home.jurisdiction_name));
    let count = |label: &str| {
        built.tables[0].rows.iter().find(|r| r[0] == label).map(|r| r[1].parse::<u32>().expect("n")).expect(label)
    };
    assert!(count("依頼の登録") >= 1 && count("受入決定") >= 1);
    let mine_ref = desk.request(&mine_id).expect("detail").summary.ref_no;
    let row = built.tables[1].rows.iter().find(|r| r[0] == mine_ref).expect("the resident's request is listed");
    assert_eq!(row[2], "80代", "the age as a band");
    assert!(!built.tables[1].rows.iter().any(|r| r[0] == elsewhere_ref), "a patient resident elsewhere is not");
    let page = desk.work_report_html(&report).expect("page");
    assert!(page.contains(&mine_ref) && !page.contains("Q.Z."), "pseudonymous: no initials on the page");

    let long_ago = (
        chrono::NaiveDate::from_ymd_opt(2020, 4, 1).expect("day"),
        chrono::NaiveDate::from_ymd_opt(2020, 4, 30).expect("day"),
    );
    let earlier =
        WorkReport::HealthCentre { jurisdiction_id: home.jurisdiction_id.clone(), from: long_ago.0, to: long_ago.1 };
    assert!(desk.work_report(&earlier).expect("report").tables[1].rows.is_empty(), "another period: none of today's");
    let unknown = desk.work_report(&WorkReport::HealthCentre { jurisdiction_id: "nowhere".into(), from, to });
    assert_eq!(ErrorReport::from(unknown.expect_err("unknown")).code, ErrorCode::Validation);
    let backwards = desk.work_report(&WorkReport::Transport { from: to, to: from });
    assert_eq!(ErrorReport::from(backwards.expect_err("backwards")).code, ErrorCode::Validation);
}

#[test]
fn a_referring_hospital_is_told_what_its_requests_most_often_lack() {
    let (_dir, mut desk) = demo_desk();
    let (from, to) = around_today(&desk);
    let referrer = valid_input(&desk).referring_hospital_id;
    let lacking = NewRequestInput { referrer_phone: String::new(), ..valid_input(&desk) };
    let first = desk.create_request(&lacking, true).expect("create").summary.ref_no;
    let second = desk.create_request(&lacking, true).expect("create").summary.ref_no;

    let built = desk.work_report(&WorkReport::Quality { hospital_id: referrer, from, to }).expect("report");
    let summary = &built.tables[0];
    let requests: u32 = summary.rows[0][1].parse().expect("n");
    assert!(requests >= 2, "{summary:?}");
    let average: f64 = summary.rows[1][1].parse().expect("an average");
    assert!(average < 100.0);
    let phone =
        built.tables[1].rows.iter().find(|r| r[0].contains("電話番号が未入力")).expect("the missing phone is listed");
    assert!(phone[2].parse::<u32>().expect("n") >= 2);
    assert!(phone[4].contains(&first) && phone[4].contains(&second), "examples by reference number: {phone:?}");
}

#[test]
fn the_desks_share_counts_its_placements_against_transfers_arranged_without_it() {
    let (_dir, mut desk) = demo_desk();
    let (from, to) = around_today(&desk);
    let report = WorkReport::DeskShare { from, to };
    let totals = |desk: &Desk| -> Vec<u32> {
        let built = desk.work_report(&report).expect("report");
        let cells = built.tables[0].totals.clone().expect("totals");
        cells[1..5].iter().map(|c| c.parse().expect("a number")).collect()
    };
    let before = totals(&desk);
    let referrer = valid_input(&desk).referring_hospital_id;
    let today = desk.today().expect("today");
    let recorded = desk
        .record_outside_transfer(&tenin_core::outside_transfer::OutsideTransferInput {
            transferred_on: today.to_string(),
            referring_hospital_id: referrer.clone(),
            count: "３".into(),
            note: "病院からの月次報告".into(),
            ..Default::default()
        })
        .expect("recorded");
    assert_eq!(recorded.count, 3);
    assert_eq!(desk.outside_transfers(from, to).expect("list").len(), 1);
    let refused = desk.record_outside_transfer(&tenin_core::outside_transfer::OutsideTransferInput {
        transferred_on: (today + Duration::days(3)).to_string(),
        referring_hospital_id: referrer.clone(),
        ..Default::default()
    });
    assert_eq!(ErrorReport::from(refused.expect_err("a day to come")).code, ErrorCode::Validation);

    let id = desk.create_request(&valid_input(&desk), true).expect("create").summary.id;
    let receiver = desk
        .hospitals(&HospitalFilter::default())
        .expect("hospitals")
        .into_iter()
        .find(|h| h.is_receiving && h.id != referrer)
        .expect("a receiver");
    desk.mark_transport_only(&id, &receiver.id, None, "").expect("transport only");
    let input = valid_input(&desk);
    placed(&mut desk, input);

    let after = totals(&desk);
    assert_eq!(after[0], before[0] + 1, "one more desk placement");
    assert_eq!(after[1], before[1] + 1, "one transport-only case");
    assert_eq!(after[2], before[2] + 3, "three transfers outside the desk");
    assert_eq!(after[3], after[0] + after[1] + after[2]);
    let audit = desk.audit_log(&Default::default()).expect("audit");
    assert!(audit.iter().any(|row| row.entity_id == recorded.id), "the record is audited");
}

#[test]
fn a_hospitals_report_of_its_own_transfers_is_read_whole_or_not_at_all() {
    let (_dir, mut desk) = demo_desk();
    let hospitals = desk.hospitals(&HospitalFilter::default()).expect("hospitals");
    let (a, b) = (&hospitals[0].code, &hospitals[1].code);
    let today = desk.today().expect("today");
    let report = format!(
        "転院日,依頼元医療機関コード,転院先医療機関コード,居住地,件数,メモ\n{today},{a},{b},,2,月次報告\n{today},{b},,,,\n"
    );
    assert_eq!(desk.import_outside_transfers(report.as_bytes()).expect("read"), 2);
    let listed = desk.outside_transfers(today, today).expect("list");
    assert_eq!(listed.iter().map(|r| r.count).sum::<u32>(), 3);
    assert!(listed.iter().all(|r| r.source == "import"));

    let broken = format!("転院日,依頼元医療機関コード\n{today},{a}\n2099-01-01,{a}\n{today},0000000000\n");
    let refused = ErrorReport::from(desk.import_outside_transfers(broken.as_bytes()).expect_err("refused"));
    let said = &refused.problems[0].message;
    assert!(said.contains("3行目") && said.contains("4行目"), "{said}");
    assert_eq!(desk.outside_transfers(today, today).expect("list").len(), 2, "nothing of the refused file was kept");
}
