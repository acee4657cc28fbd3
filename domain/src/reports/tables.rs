//! The meeting tables beside the monthly one: by secondary medical region, by referring and by
//! receiving hospital, decline reasons, time to placement, and staff hours saved. Each is built
//! from the requests' details (pure: data in, table out) into one printable, exportable shape.
//!
//! Periods (desk time zone): placements count in the period of their last move into 受入決定 (as
//! in the monthly table); requests by their registration; inquiries and declines by when they were
//! asked.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::inquiry::InquiryOutcome;
use crate::placement_time::{self, PLACEMENT_TARGET_MINUTES};
use crate::request_status::RequestStatus;
use crate::request_view::RequestDetail;
use crate::timestamps::parse_rfc3339;

/// A table ready to show, print or export: a header row, body rows and an optional totals row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportTable {
    /// A stable id (`by_region`, …), also the sheet's order.
    pub id: String,
    pub title: String,
    /// What counts, in a sentence.
    pub definition: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub totals: Option<Vec<String>>,
}

/// The staff-hours estimate's assumptions (documented defaults; the user may change them per report).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StaffHoursBaseline {
    /// Staff hours one transfer took when hospitals searched on their own (the model desk's peak
    /// month: about 7,000 hours saved over 376 transfers, about 18.6 hours each).
    pub hours_per_case_without_desk: f64,
    /// Desk minutes per inquiry (a call with its log entry).
    pub minutes_per_inquiry: f64,
}

impl Default for StaffHoursBaseline {
    fn default() -> Self {
        StaffHoursBaseline { hours_per_case_without_desk: 18.6, minutes_per_inquiry: 15.0 }
    }
}

/// A request's facts the tables use, read once.
struct Facts<'a> {
    detail: &'a RequestDetail,
    registered: Option<NaiveDate>,
    /// The placement that held: its local date and minutes from registration.
    placed: Option<(NaiveDate, u32)>,
}

fn local_date(at: &str, offset: FixedOffset) -> Option<NaiveDate> {
    parse_rfc3339(at).ok().map(|t| t.with_timezone(&offset).date_naive())
}

fn facts(details: &[RequestDetail], offset: FixedOffset) -> Vec<Facts<'_>> {
    details
        .iter()
        .map(|d| {
            let held = matches!(
                d.summary.status,
                RequestStatus::Placed | RequestStatus::ArrangingTransport | RequestStatus::Transferred
            );
            let registered_at: Option<DateTime<_>> = parse_rfc3339(&d.summary.registered_at).ok();
            let placed = d
                .history
                .iter()
                .rev()
                .find(|h| h.to == RequestStatus::Placed)
                .filter(|_| held)
                .and_then(|h| parse_rfc3339(&h.at).ok())
                .and_then(|at| {
                    let minutes = registered_at.map(|r| (at - r).num_minutes().max(0) as u32)?;
                    Some((at.with_timezone(&offset).date_naive(), minutes))
                });
            Facts { detail: d, registered: local_date(&d.summary.registered_at, offset), placed }
        })
        .collect()
}

fn within(date: Option<NaiveDate>, from: NaiveDate, to: NaiveDate) -> bool {
    date.is_some_and(|d| from <= d && d <= to)
}

fn percent(part: u32, whole: u32) -> String {
    if whole == 0 { "—".to_owned() } else { format!("{:.1}%", f64::from(part) * 100.0 / f64::from(whole)) }
}

fn minutes_text(minutes: Option<f64>) -> String {
    minutes.map_or("—".to_owned(), |m| format!("{m:.0}"))
}

/// Placements by the secondary medical region of the referring hospital, under the plan in force on
/// the placement date (`region_of(municipality, date)` answers that).
pub fn by_region(
    details: &[RequestDetail],
    offset: FixedOffset,
    from: NaiveDate,
    to: NaiveDate,
    region_of: impl Fn(&str, NaiveDate) -> Option<String>,
    municipality_of: impl Fn(&str) -> Option<String>,
) -> ReportTable {
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    let mut total = 0;
    for f in facts(details, offset) {
        let Some((date, _)) = f.placed.filter(|(d, _)| from <= *d && *d <= to) else { continue };
        let region = municipality_of(&f.detail.summary.referring_hospital_id)
            .and_then(|m| region_of(&m, date))
            .unwrap_or_else(|| "不明".to_owned());
        *counts.entry(region).or_default() += 1;
        total += 1;
    }
    ReportTable {
        id: "by_region".into(),
        title: "二次保健医療圏別 受入決定件数".into(),
        definition:
            "期間内に受入決定した依頼を、依頼元医療機関の所在地の二次保健医療圏（受入決定日に有効な計画）で集計".into(),
        columns: vec!["二次保健医療圏".into(), "受入決定".into(), "割合".into()],
        rows: counts.iter().map(|(r, n)| vec![r.clone(), n.to_string(), percent(*n, total)]).collect(),
        totals: Some(vec!["合計".into(), total.to_string(), percent(total, total)]),
    }
}

/// Requests registered in the period by referring hospital: how many, how many placed, the rate and
/// the median time to placement.
pub fn by_referring_hospital(
    details: &[RequestDetail],
    offset: FixedOffset,
    from: NaiveDate,
    to: NaiveDate,
) -> ReportTable {
    let mut by: BTreeMap<String, (u32, u32, Vec<u32>)> = BTreeMap::new();
    for f in facts(details, offset).into_iter().filter(|f| within(f.registered, from, to)) {
        let entry = by.entry(f.detail.summary.referring_hospital_name.clone()).or_default();
        entry.0 += 1;
        if let Some((_, minutes)) = f.placed {
            entry.1 += 1;
            entry.2.push(minutes);
        }
    }
    let (mut all, mut placed) = (0, 0);
    let rows = by
        .into_iter()
        .map(|(name, (n, p, minutes))| {
            all += n;
            placed += p;
            let median = placement_time::stats(&minutes).median_minutes;
            vec![name, n.to_string(), p.to_string(), percent(p, n), minutes_text(median)]
        })
        .collect();
    ReportTable {
        id: "by_referring_hospital".into(),
        title: "依頼元医療機関別 依頼・受入決定".into(),
        definition: "期間内に受付した依頼を依頼元医療機関別に集計（受入決定は取下げ等を除く。時間は受付から受入決定までの中央値・分）"
            .into(),
        columns: vec!["依頼元医療機関".into(), "依頼".into(), "受入決定".into(), "決定率".into(), "中央値（分）".into()],
        rows,
        totals: Some(vec!["合計".into(), all.to_string(), placed.to_string(), percent(placed, all), String::new()]),
    }
}

/// Inquiries asked in the period by receiving hospital: asked, accepted, declined, the acceptance
/// rate among answers, declines for an own rule and the median answer time.
pub fn by_receiving_hospital(
    details: &[RequestDetail],
    offset: FixedOffset,
    from: NaiveDate,
    to: NaiveDate,
) -> ReportTable {
    #[derive(Default)]
    struct Tally {
        asked: u32,
        accepted: u32,
        declined: u32,
        own_rule: u32,
        minutes: Vec<u32>,
    }
    let mut by: BTreeMap<String, Tally> = BTreeMap::new();
    for d in details {
        for i in d.inquiries.iter().filter(|i| within(local_date(&i.asked_at, offset), from, to)) {
            let t = by.entry(i.hospital_name.clone()).or_default();
            t.asked += 1;
            match i.outcome {
                InquiryOutcome::Accepted => t.accepted += 1,
                InquiryOutcome::Declined => t.declined += 1,
                InquiryOutcome::Waiting => {}
            }
            t.own_rule += u32::from(i.own_rule);
            if let (Ok(asked), Some(Ok(answered))) =
                (parse_rfc3339(&i.asked_at), i.answered_at.as_deref().map(parse_rfc3339))
            {
                t.minutes.push((answered - asked).num_minutes().max(0) as u32);
            }
        }
    }
    let mut sum = Tally::default();
    let rows = by
        .into_iter()
        .map(|(name, t)| {
            sum.asked += t.asked;
            sum.accepted += t.accepted;
            sum.declined += t.declined;
            sum.own_rule += t.own_rule;
            let median = placement_time::stats(&t.minutes).median_minutes;
            vec![
                name,
                t.asked.to_string(),
                t.accepted.to_string(),
                t.declined.to_string(),
                percent(t.accepted, t.accepted + t.declined),
                t.own_rule.to_string(),
                minutes_text(median),
            ]
        })
        .collect();
    ReportTable {
        id: "by_receiving_hospital".into(),
        title: "受入医療機関別 打診・受入".into(),
        definition: "期間内の打診を打診先別に集計（受入率は回答のうち受入可の割合。独自ルールは国の退院基準を超える要件によるお断り）"
            .into(),
        columns: vec![
            "受入医療機関".into(),
            "打診".into(),
            "受入可".into(),
            "お断り".into(),
            "受入率".into(),
            "独自ルール".into(),
            "回答まで中央値（分）".into(),
        ],
        rows,
        totals: Some(vec![
            "合計".into(),
            sum.asked.to_string(),
            sum.accepted.to_string(),
            sum.declined.to_string(),
            percent(sum.accepted, sum.accepted + sum.declined),
            sum.own_rule.to_string(),
            String::new(),
        ]),
    }
}

/// Declines in the period by reason, in the region pack's order, with how often an own rule blocked.
pub fn decline_reasons(
    details: &[RequestDetail],
    offset: FixedOffset,
    from: NaiveDate,
    to: NaiveDate,
    reasons: &[(String, String, bool)],
) -> ReportTable {
    let mut counts = vec![0u32; reasons.len()];
    let mut unknown = 0;
    for i in details.iter().flat_map(|d| &d.inquiries) {
        if i.outcome != InquiryOutcome::Declined || !within(local_date(&i.asked_at, offset), from, to) {
            continue;
        }
        match reasons.iter().position(|(id, _, _)| Some(id) == i.decline_reason.as_ref()) {
            Some(n) => counts[n] += 1,
            None => unknown += 1,
        }
    }
    let total: u32 = counts.iter().sum::<u32>() + unknown;
    let mut rows: Vec<Vec<String>> = reasons
        .iter()
        .zip(&counts)
        .map(|((_, name, own), n)| {
            vec![name.clone(), n.to_string(), percent(*n, total), if *own { "○".into() } else { String::new() }]
        })
        .collect();
    if unknown > 0 {
        rows.push(vec!["（地域パックにない理由）".into(), unknown.to_string(), percent(unknown, total), String::new()]);
    }
    ReportTable {
        id: "decline_reasons".into(),
        title: "お断り理由別 件数".into(),
        definition: "期間内に打診したうちお断りの理由別件数（○は国の退院基準を超える独自ルール）".into(),
        columns: vec!["お断り理由".into(), "件数".into(), "割合".into(), "独自ルール".into()],
        rows,
        totals: Some(vec!["合計".into(), total.to_string(), percent(total, total), String::new()]),
    }
}

/// The bands of the time-to-placement distribution, in minutes (upper bounds, exclusive).
pub const TIME_BANDS: [(u32, &str); 7] = [
    (60, "1時間未満"),
    (120, "1〜2時間"),
    (PLACEMENT_TARGET_MINUTES, "2〜2.5時間"),
    (240, "2.5〜4時間"),
    (480, "4〜8時間"),
    (1440, "8〜24時間"),
    (u32::MAX, "24時間以上"),
];

/// Time from registration to the placement that held, for placements in the period: the bands,
/// then mean, median, 90th percentile and the share within the 2.5-hour mark.
pub fn time_to_placement(
    details: &[RequestDetail],
    offset: FixedOffset,
    from: NaiveDate,
    to: NaiveDate,
) -> ReportTable {
    let minutes: Vec<u32> = facts(details, offset)
        .into_iter()
        .filter_map(|f| f.placed.filter(|(d, _)| from <= *d && *d <= to).map(|(_, m)| m))
        .collect();
    let total = minutes.len() as u32;
    let mut lower = 0;
    let mut rows: Vec<Vec<String>> = TIME_BANDS
        .iter()
        .map(|(upper, label)| {
            let n = minutes.iter().filter(|m| lower <= **m && **m < *upper).count() as u32;
            lower = *upper;
            vec![(*label).to_owned(), n.to_string(), percent(n, total)]
        })
        .collect();
    let stats = placement_time::stats(&minutes);
    rows.push(vec!["平均（分）".into(), minutes_text(stats.mean_minutes), String::new()]);
    rows.push(vec!["中央値（分）".into(), minutes_text(stats.median_minutes), String::new()]);
    rows.push(vec![
        "90パーセンタイル（分）".into(),
        stats.p90_minutes.map_or("—".into(), |m| m.to_string()),
        String::new(),
    ]);
    rows.push(vec![
        "2.5時間以内の割合".into(),
        stats.within_target.map_or("—".into(), |s| format!("{:.1}%", s * 100.0)),
        String::new(),
    ]);
    ReportTable {
        id: "time_to_placement".into(),
        title: "受入決定までの時間".into(),
        definition: "期間内に受入決定した依頼の、受付から（最後の）受入決定までの時間。目安はモデル窓口の平均2.5時間"
            .into(),
        columns: vec!["時間".into(), "件数".into(), "割合".into()],
        rows,
        totals: Some(vec!["合計".into(), total.to_string(), percent(total, total)]),
    }
}

/// An estimate of staff hours saved: placements in the period × hours a transfer took without the
/// desk, less the desk's own time on their inquiries.
pub fn staff_hours_saved(
    details: &[RequestDetail],
    offset: FixedOffset,
    from: NaiveDate,
    to: NaiveDate,
    baseline: StaffHoursBaseline,
) -> ReportTable {
    let placed: Vec<&RequestDetail> = facts(details, offset)
        .into_iter()
        .filter(|f| f.placed.is_some_and(|(d, _)| from <= d && d <= to))
        .map(|f| f.detail)
        .collect();
    let cases = placed.len() as f64;
    let inquiries: usize = placed.iter().map(|d| d.inquiries.len()).sum();
    let without = cases * baseline.hours_per_case_without_desk;
    let desk = inquiries as f64 * baseline.minutes_per_inquiry / 60.0;
    let saved = (without - desk).max(0.0);
    ReportTable {
        id: "staff_hours_saved".into(),
        title: "職員の作業時間の削減（推計）".into(),
        definition: format!(
            "受入決定件数 ×（デスクなしの1件あたり{}時間）−（打診1件あたり{}分 × 打診件数）",
            baseline.hours_per_case_without_desk, baseline.minutes_per_inquiry
        ),
        columns: vec!["項目".into(), "値".into()],
        rows: vec![
            vec!["受入決定件数".into(), format!("{cases:.0}")],
            vec!["打診件数".into(), inquiries.to_string()],
            vec!["デスクなしの推計（時間）".into(), format!("{without:.1}")],
            vec!["デスクの作業（時間）".into(), format!("{desk:.1}")],
            vec!["削減（時間）".into(), format!("{saved:.1}")],
        ],
        totals: None,
    }
}
