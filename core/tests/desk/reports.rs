//! Reports on a real SQLite file: the monthly table by jurisdiction from the demo loaded at a fixed
//! time (so the figures are a snapshot), its edges, and its exports.

use tenin_core::csv_file::CsvEncoding;
use tenin_core::hospital::HospitalFilter;
use tenin_core::reports::JurisdictionBasis;
use tenin_core::reports::export::monthly_rows;
use tenin_core::{Desk, Error};

use crate::fresh_desk;

/// The demo as loaded at 2026-11-21 12:00 JST: its placements fall on 11-19 to 11-21.
fn demo_at_a_fixed_time() -> (tempfile::TempDir, Desk) {
    let (dir, mut desk) = fresh_desk();
    let data = tenin_core::bundled::demo_data().expect("demo");
    desk.load_demo_data(&data, "2026-11-21T03:00:00Z".parse().expect("time")).expect("loaded");
    (dir, desk)
}

fn table(desk: &Desk, from: &str, to: &str, basis: JurisdictionBasis) -> String {
    let report = desk.monthly_report(from, to, basis).expect("report");
    monthly_rows(&report).iter().map(|row| row.join(",")).collect::<Vec<_>>().join("\n")
}

#[test]
fn the_monthly_table_by_referrer_and_by_residence() {
    let (_dir, desk) = demo_at_a_fixed_time();
    let report = desk.monthly_report("R8.10", "2026-11", JurisdictionBasis::Referrer).expect("report");
    let placed = desk
        .requests()
        .expect("requests")
        .iter()
        .filter(|r| matches!(r.status.as_str(), "placed" | "arranging_transport" | "transferred"))
        .count() as u32;
    assert_eq!(report.total, placed, "every placement that held is counted once");
    assert_eq!(report.rows.iter().map(|r| r.label.as_str()).collect::<Vec<_>>(), ["R8.10", "R8.11"]);
    assert_eq!(report.columns.last().map(String::as_str), Some("その他（不明）"));
    insta::assert_snapshot!("monthly_by_referrer", table(&desk, "R8.10", "2026-11", JurisdictionBasis::Referrer));
    insta::assert_snapshot!("monthly_by_residence", table(&desk, "R8.10", "2026-11", JurisdictionBasis::Residence));
}

#[test]
fn empty_ranges_long_ranges_and_quiet_months_are_labelled_rows_of_zeros() {
    let (_dir, desk) = demo_at_a_fixed_time();
    let quiet = desk.monthly_report("2019-04", "2020-03", JurisdictionBasis::Referrer).expect("report");
    assert_eq!(quiet.rows.len(), 12);
    assert_eq!(quiet.rows[0].label, "H31.4", "before the era changed");
    assert_eq!(quiet.rows[1].label, "R1.5", "the first month of Reiwa");
    assert_eq!(quiet.total, 0);
    assert!(quiet.rows.iter().all(|r| r.counts.iter().all(|n| *n == 0)));
    let years = desk.monthly_report("2024-01", "2026-12", JurisdictionBasis::Referrer).expect("report");
    assert_eq!(years.rows.len(), 36);
    let Err(Error::Validation(problems)) = desk.monthly_report("2026-12", "2026-01", JurisdictionBasis::Referrer)
    else {
        panic!("a reversed range is refused")
    };
    assert_eq!(problems[0].field, "to");
}

#[test]
fn a_hospital_made_inactive_since_still_counts_where_it_was() {
    let (_dir, mut desk) = demo_at_a_fixed_time();
    let before = table(&desk, "2026-11", "2026-11", JurisdictionBasis::Referrer);
    for h in desk.hospitals(&HospitalFilter::default()).expect("hospitals").into_iter().filter(|h| h.is_referring) {
        let mut input = desk.hospital_input(&h.id).expect("input");
        input.active = false;
        desk.update_hospital(&h.id, &input).expect("deactivated");
    }
    assert_eq!(table(&desk, "2026-11", "2026-11", JurisdictionBasis::Referrer), before);
}

#[test]
fn meeting_exports_carry_counts_only() {
    let (_dir, desk) = demo_at_a_fixed_time();
    let report = desk.monthly_report("2026-10", "2026-11", JurisdictionBasis::Residence).expect("report");
    let csv = desk.monthly_report_csv(&report, CsvEncoding::Cp932).expect("csv");
    let (text, _, bad) = encoding_rs::SHIFT_JIS.decode(&csv.bytes);
    assert!(!bad && csv.substituted.is_empty());
    assert!(text.starts_with("月,横浜市,"), "{text}");
    let identifiers: Vec<String> = desk
        .requests()
        .expect("requests")
        .iter()
        .flat_map(|r| [r.ref_no.clone(), r.referring_hospital_name.clone()])
        .collect();
    for id in &identifiers {
        assert!(!text.contains(id.as_str()), "a meeting export must not carry {id}");
    }
    let xlsx = tenin_core::reports::export::monthly_xlsx(&report, &report.title()).expect("xlsx");
    assert_eq!(&xlsx[..4], b"PK\x03\x04", "an Office Open XML package");
}

#[test]
fn the_daily_log_of_the_demo_day_by_section() {
    let (_dir, desk) = demo_at_a_fixed_time();
    let log = desk.daily_log("令和8年11月20日").expect("log");
    assert_eq!(log.date_label, "令和8年11月20日（2026年11月20日）");
    assert!(log.sections.iter().all(|s| !s.entries.is_empty()), "the day before the demo's now has every kind");
    assert_eq!(log.stamp_titles, ["担当", "主任", "課長"]);
    let sections: Vec<String> = log
        .sections
        .iter()
        .map(|s| {
            let rows: Vec<String> = s
                .entries
                .iter()
                .map(|e| {
                    format!(
                        "  {} {} | {} → {} | {} | {} | {} | {}",
                        e.time,
                        e.ref_no,
                        e.referring_hospital,
                        e.receiving_hospital.as_deref().unwrap_or("—"),
                        e.patient,
                        e.transport.as_deref().unwrap_or("—"),
                        e.nurse,
                        e.status
                    )
                })
                .collect();
            format!("{}（{}）\n{}", s.title, s.entries.len(), rows.join("\n"))
        })
        .collect();
    insta::assert_snapshot!("daily_log_demo_day", sections.join("\n"));
}

#[test]
fn a_busy_day_prints_on_numbered_pages_with_rows_never_split_and_a_quiet_day_on_one() {
    let (_dir, mut desk) = crate::demo_desk();
    for n in 0..45 {
        let input = tenin_core::request::NewRequestInput {
            patient_initials: format!("Z.{}.", (b'A' + (n % 26) as u8) as char),
            hospital_patient_no: format!("BUSY-{n}"),
            clinical_summary: "経過の記載（日報には載せない）".into(),
            ..crate::valid_input(&desk)
        };
        desk.create_request(&input, true).expect("created");
    }
    let today = desk.today().expect("today").to_string();
    let log = desk.daily_log(&today).expect("log");
    let registered = log.sections[0].entries.len();
    assert!(registered >= 45, "{registered}");
    let pages = tenin_core::reports::daily_log::pages(&log);
    let rows = tenin_core::reports::daily_log::ROWS_PER_PAGE;
    assert!(pages.len() >= 5 && pages.iter().all(|p| p.len() <= rows), "{} pages", pages.len());
    let html = desk.daily_log_html(&today).expect("html");
    let total = pages.len();
    assert_eq!(html.matches("<thead>").count(), total, "the table header repeats on every page");
    assert!(html.contains(&format!("1 / {total} 頁")) && html.contains(&format!("{total} / {total} 頁")));
    assert!(html.contains("（前頁から続く）"), "a section carried over repeats its heading");
    assert!(html.contains("break-inside: avoid"), "rows are never split");
    assert!(!html.contains("BUSY-") && !html.contains("経過の記載"), "no patient numbers or clinical text");
    assert_eq!(html.matches("class=\"stamp\"").count(), 3 * total, "stamp boxes on every page");

    let quiet = desk.daily_log_html("2020-01-15").expect("quiet day");
    assert_eq!(quiet.matches("該当なし").count(), 4);
    assert!(quiet.contains("1 / 1 頁"));
    assert!(desk.daily_log("いつか").is_err(), "an unreadable date is refused");
}

#[test]
fn stamp_titles_are_a_checked_setting() {
    let (_dir, mut desk) = fresh_desk();
    let set = desk.set_stamp_titles(&["担当".into(), " 看護師長 ".into()]).expect("set");
    assert_eq!(set, ["担当", "看護師長"]);
    assert_eq!(desk.settings().expect("settings").stamp_titles, set);
    let Err(Error::Validation(problems)) = desk.set_stamp_titles(&["".into(), "とても長い役職名の確認欄です".into()])
    else {
        panic!("refused")
    };
    let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["stamp_titles[0]", "stamp_titles[1]"]);
    assert_eq!(desk.audit_of("desk_settings", "stamp_titles").expect("audit").len(), 1);
}

#[test]
fn the_meeting_tables_of_the_demo_month() {
    let (_dir, desk) = demo_at_a_fixed_time();
    let tables = desk
        .report_tables("2026-11", "2026-11", tenin_core::reports::tables::StaffHoursBaseline::default())
        .expect("tables");
    let ids: Vec<&str> = tables.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "by_region",
            "by_referring_hospital",
            "by_receiving_hospital",
            "decline_reasons",
            "time_to_placement",
            "staff_hours_saved"
        ]
    );
    let text: Vec<String> = tables
        .iter()
        .map(|t| {
            let rows = tenin_core::reports::export::table_rows(t);
            format!("# {}\n{}", t.title, rows.iter().map(|r| r.join(",")).collect::<Vec<_>>().join("\n"))
        })
        .collect();
    insta::assert_snapshot!("meeting_tables_demo_month", text.join("\n\n"));
    let monthly = desk.monthly_report("2026-11", "2026-11", JurisdictionBasis::Referrer).expect("monthly");
    let placed_by_region: u32 = tables[0].totals.as_ref().expect("totals")[1].parse().expect("count");
    assert_eq!(placed_by_region, monthly.total, "the region table and the monthly table count the same placements");

    // Meeting files carry no patient identifiers.
    let book = tenin_core::reports::export::meeting_xlsx(&monthly, &tables).expect("workbook");
    assert_eq!(&book[..4], b"PK\x03\x04");
    let names = String::from_utf8_lossy(&book);
    assert!(names.contains("xl/charts/chart1.xml"), "the monthly sheet carries its stacked chart");
    assert_eq!(names.matches("xl/worksheets/sheet").count() / 2, 7, "a sheet per table, the monthly one first");
    let all: String =
        tables.iter().flat_map(tenin_core::reports::export::table_rows).flatten().collect::<Vec<_>>().join(" ");
    for r in desk.requests().expect("requests") {
        assert!(!all.contains(&r.ref_no), "no reference numbers");
        assert!(!all.contains(&format!("{} {}歳", r.patient_initials, r.patient_age)), "no patient summaries");
    }
}

#[test]
fn tables_of_an_empty_period_are_labelled_and_zero() {
    let (_dir, desk) = demo_at_a_fixed_time();
    let tables = desk
        .report_tables("2020-01", "2020-03", tenin_core::reports::tables::StaffHoursBaseline::default())
        .expect("tables");
    for t in &tables {
        assert!(!t.title.is_empty() && !t.definition.is_empty() && !t.columns.is_empty(), "{}", t.id);
    }
    assert!(tables[0].rows.is_empty() && tables[0].totals.as_ref().expect("totals")[1] == "0");
    assert_eq!(tables[4].rows[7], ["平均（分）", "—", ""], "no placements: no mean, not zero");
}

#[test]
fn only_a_png_is_saved_as_a_chart() {
    let (_dir, desk) = fresh_desk();
    let refused = desk.save_chart_png("グラフ", b"<svg>not a png</svg>").expect_err("refused");
    let Error::Validation(problems) = refused else { panic!("validation") };
    assert_eq!(problems[0].field, "png");
}

/// Placements that hold, by desk-local month, counted from the requests' own histories — written
/// apart from the store's kept counts, to check them.
fn held_by_month(desk: &Desk) -> std::collections::BTreeMap<String, u32> {
    let offset = chrono::FixedOffset::east_opt(9 * 3600).expect("JST");
    let mut months = std::collections::BTreeMap::new();
    for r in desk.requests().expect("requests") {
        let held = matches!(r.status.as_str(), "placed" | "arranging_transport" | "transferred");
        if !held {
            continue;
        }
        let detail = desk.request(&r.id).expect("detail");
        let last = detail.history.iter().rev().find(|h| h.to.as_str() == "placed").expect("placed once");
        let at: chrono::DateTime<chrono::Utc> = last.at.parse().expect("time");
        *months.entry(at.with_timezone(&offset).format("%Y-%m").to_string()).or_default() += 1;
    }
    months
}

#[test]
fn the_kept_counts_follow_every_change_of_a_request() {
    use tenin_core::request_status::RequestStatus::*;
    let (_dir, mut desk) = crate::demo_desk();
    let mut ids: Vec<String> = Vec::new();
    // A fixed walk: requests placed, re-opened, withdrawn, transferred, residences corrected.
    let mut dice = 0x2545_f491_u32;
    let mut roll = |n: u32| {
        dice ^= dice << 13;
        dice ^= dice >> 17;
        dice ^= dice << 5;
        dice % n
    };
    let receivers: Vec<String> = desk
        .hospitals(&Default::default())
        .expect("hospitals")
        .into_iter()
        .filter(|h| h.is_receiving)
        .map(|h| h.id)
        .collect();
    for step in 0..160 {
        if ids.len() < 3 || roll(4) == 0 {
            let id = desk.create_request(&crate::valid_input(&desk), true).expect("created").summary.id;
            desk.transition(&id, Coordinating, None, "").expect("coordinating");
            ids.push(id);
            continue;
        }
        let id = ids[roll(ids.len() as u32) as usize].clone();
        let detail = desk.request(&id).expect("detail");
        let next = detail.next_statuses.clone();
        if next.is_empty() {
            continue;
        }
        if roll(5) == 0 && detail.summary.status != Transferred {
            // Correct the residence: the count moves with it when the placement holds.
            let mut input = crate::valid_input(&desk);
            input.residence_municipality_code = ["141003", "141305", "142018"][roll(3) as usize].into();
            input.referring_hospital_id = detail.summary.referring_hospital_id.clone();
            desk.update_request(&id, detail.version, &input).expect("corrected");
        } else {
            let to = next[roll(next.len() as u32) as usize];
            if to == Placed {
                let receiver = &receivers[roll(receivers.len() as u32) as usize];
                if receiver == &detail.summary.referring_hospital_id {
                    continue;
                }
                desk.place(&id, receiver, None, "理由のメモ").expect("placed");
            } else {
                desk.transition(&id, to, None, "理由のメモ").expect("moved");
            }
        }
        assert!(desk.placement_counts_agree().expect("verify"), "the kept counts drifted at step {step}");
    }
    let expected = held_by_month(&desk);
    let months: Vec<&String> = expected.keys().collect();
    let (first, last) = (months.first().expect("some placements"), months.last().expect("some"));
    let report = desk.monthly_report(first, last, JurisdictionBasis::Referrer).expect("report");
    for row in &report.rows {
        assert_eq!(row.total, expected.get(&row.month).copied().unwrap_or(0), "{}", row.month);
    }
}

/// The meeting tables read only the requests with something in the period — and an inquiry asked
/// in it is something: a request registered months before, declined this month, counts this month.
#[test]
fn a_request_asked_about_in_the_period_counts_there_though_registered_before() {
    use tenin_core::inquiry::{InquiryChannel, InquiryOutcome, NewInquiryInput};
    use tenin_core::request_status::RequestStatus;
    let (_dir, mut desk) = fresh_desk();
    let data = tenin_core::bundled::demo_data().expect("demo");
    desk.load_demo_data(&data, "2026-08-21T03:00:00Z".parse().expect("time")).expect("loaded in August");
    let month = desk.today().expect("today").format("%Y-%m").to_string();
    let declines = |desk: &Desk| -> u32 {
        let tables = desk
            .report_tables(&month, &month, tenin_core::reports::tables::StaffHoursBaseline::default())
            .expect("tables");
        let reasons = tables.iter().find(|t| t.id == "decline_reasons").expect("decline reasons");
        reasons.rows.iter().filter_map(|row| row.get(1)?.parse::<u32>().ok()).sum()
    };
    assert_eq!(declines(&desk), 0, "nothing this month yet");
    let request = desk.requests().expect("list").into_iter().find(|r| r.status == RequestStatus::Coordinating);
    let request = request.expect("the demo has a request being coordinated");
    let moves = desk.request(&request.id).expect("detail").history.len();
    let hospital = desk
        .hospitals(&HospitalFilter::default())
        .expect("directory")
        .into_iter()
        .find(|h| h.is_receiving && h.id != request.referring_hospital_id);
    desk.log_inquiry(&NewInquiryInput {
        request_id: request.id.clone(),
        hospital_id: hospital.expect("a receiving hospital").id,
        contact: "地域連携室".into(),
        channel: InquiryChannel::Phone,
        outcome: InquiryOutcome::Declined,
        decline_reason: Some("full".into()),
        note: String::new(),
        call_back_at: String::new(),
    })
    .expect("logged");
    assert_eq!(desk.request(&request.id).expect("detail").history.len(), moves, "no move: only the inquiry");
    assert_eq!(declines(&desk), 1, "the decline counts in the month it was given");
}
