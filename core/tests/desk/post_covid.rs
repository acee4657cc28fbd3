//! The post-COVID referral network on a real desk: entries by tier, the published list of those who
//! agreed, the counts over time, and the survey sent out and read back.

use tenin_core::csv_file::CsvEncoding;
use tenin_core::hospital::HospitalFilter;
use tenin_core::post_covid::{PostCovidInput, PostCovidTier};
use tenin_core::{ErrorCode, ErrorReport};

use crate::demo_desk;

#[test]
fn the_network_is_kept_published_counted_and_surveyed() {
    let (_dir, mut desk) = demo_desk();
    let hospitals = desk.hospitals(&HospitalFilter::default()).expect("hospitals");
    let (a, b, c) = (&hospitals[0], &hospitals[1], &hospitals[2]);
    let entry = |hospital_id: &str, tier, publish| PostCovidInput {
        hospital_id: hospital_id.to_owned(),
        tier: Some(tier),
        departments: "内科".into(),
        conditions: "倦怠感、嗅覚障害".into(),
        referral_needed: tier == PostCovidTier::Secondary,
        hours: "平日 9:00〜17:00".into(),
        publish,
        note: String::new(),
    };
    desk.set_post_covid(&entry(&a.id, PostCovidTier::Primary, true), None).expect("a");
    let b_entry = desk.set_post_covid(&entry(&b.id, PostCovidTier::Primary, false), None).expect("b");
    desk.set_post_covid(&entry(&c.id, PostCovidTier::Secondary, true), None).expect("c");
    let stale = desk.set_post_covid(&entry(&b.id, PostCovidTier::Primary, true), Some(b_entry.version + 5));
    assert_eq!(ErrorReport::from(stale.expect_err("stale")).code, ErrorCode::StaleVersion);
    assert_eq!(desk.post_covid_entries().expect("list").len(), 3);

    let page = desk.post_covid_published_html().expect("page");
    assert!(page.contains(&a.name) && page.contains(&c.name), "those who agreed are published");
    assert!(!page.contains(&b.name), "one who did not agree is not");
    let csv = desk.post_covid_published_csv(CsvEncoding::Utf8Bom).expect("csv");
    assert_eq!(String::from_utf8_lossy(&csv.bytes).lines().count(), 3, "the header and two institutions");

    let today = desk.today().expect("today");
    let counts = desk.post_covid_counts(today, today).expect("counts");
    assert_eq!((counts[0].primary, counts[0].primary_published, counts[0].secondary), (2, 1, 1));

    // The survey goes out with every hospital and comes back: b now agrees to be published.
    let survey = desk.post_covid_survey(CsvEncoding::Utf8Bom).expect("survey");
    let text = String::from_utf8_lossy(&survey.bytes).into_owned();
    assert_eq!(text.lines().count(), hospitals.len() + 1);
    let answer = format!(
        "医療機関コード,医療機関名,区分,診療科,症状,紹介状,受付時間,公表,備考\n{},{},一次,内科,倦怠感,不要,,可,\n",
        b.code, b.name
    );
    let read = desk.import_post_covid_survey(answer.as_bytes()).expect("read back");
    assert_eq!(read.saved, 1);
    let counts = desk.post_covid_counts(today, today).expect("counts");
    assert_eq!(counts[0].primary_published, 2, "b is counted as published now");

    let broken = "医療機関コード,医療機関名,区分\n9999999999,どこか,三次\n";
    let refused = ErrorReport::from(desk.import_post_covid_survey(broken.as_bytes()).expect_err("refused"));
    assert_eq!(refused.code, ErrorCode::Validation);
    assert!(refused.problems[0].message.contains("2行目"), "{:?}", refused.problems);
    let audit = desk.audit_log(&Default::default()).expect("audit");
    assert!(audit.iter().filter(|r| r.entity == "post_covid_care").count() >= 4, "every change audited");
}

#[test]
fn returned_forms_that_are_hostile_or_too_large_are_refused_whole() {
    let (_dir, mut desk) = demo_desk();
    let code = desk.hospitals(&HospitalFilter::default()).expect("hospitals")[0].code.clone();
    let header = "医療機関コード,医療機関名,区分,診療科,症状,紹介状,受付時間,公表,備考\n";
    // 100,000 rows: more than a form of one row per hospital can hold.
    let mut large = String::from(header);
    for _ in 0..100_000 {
        large.push_str(&format!("{code},病院,一次,内科,倦怠感,不要,,可,\n"));
    }
    let started = std::time::Instant::now();
    let refused = ErrorReport::from(desk.import_post_covid_survey(large.as_bytes()).expect_err("too many rows"));
    assert_eq!(refused.code, ErrorCode::Validation);
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "refused without reading on");
    // A cell of 100,000 characters, a header of 10,000 columns, and a file over 8 MB.
    let long_cell = format!("{header}{code},{},一次,,,,,,\n", "あ".repeat(100_000));
    assert!(desk.import_post_covid_survey(long_cell.as_bytes()).is_err(), "a cell past the limit");
    let wide = format!("{}\n{code}\n", vec!["列"; 10_000].join(","));
    assert!(desk.import_post_covid_survey(wide.as_bytes()).is_err(), "a header past the limit");
    let huge = vec![b'a'; 9 * 1024 * 1024];
    assert!(desk.import_post_covid_survey(&huge).is_err(), "a file past the limit");
    assert!(desk.import_outside_transfers(&huge).is_err(), "the same limits for a hospital's report");
    assert!(desk.import_outside_transfers(wide.as_bytes()).is_err());
    assert!(desk.post_covid_entries().expect("list").is_empty(), "nothing of any of them was kept");
}
