//! The daily transfer log (日報) that supervisors review and stamp: for one desk date, the requests
//! registered, the placements confirmed, the transfers done and the requests still open at the end
//! of the day — each with times, hospitals, a pseudonymous patient summary, transport and the nurse.
//!
//! It is paginated here, not by the browser: every row has a fixed height and a fixed number of rows
//! fits a page, so the printed pages, the PDF and "page X of Y" agree whatever engine prints them,
//! rows are never split and the table header repeats on every page.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::Serialize;

use crate::html::escape;
use crate::request_status::RequestStatus;
use crate::request_view::RequestDetail;
use crate::timestamps::parse_rfc3339;
use crate::wareki;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DailySection {
    Registered,
    Placed,
    Transferred,
    /// Registered by the end of the day and not yet transferred, withdrawn or given up then.
    StillOpen,
}

impl DailySection {
    pub const ALL: [DailySection; 4] =
        [DailySection::Registered, DailySection::Placed, DailySection::Transferred, DailySection::StillOpen];

    pub fn title_ja(self) -> &'static str {
        match self {
            DailySection::Registered => "新規受付",
            DailySection::Placed => "受入決定",
            DailySection::Transferred => "転院（搬送完了）",
            DailySection::StillOpen => "日付終了時点で調整中の依頼",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DailyEntry {
    /// 「14:05」: when the event of the section happened (for still-open requests, when registered;
    /// 「11/19 21:40」 when that was another day).
    pub time: String,
    pub ref_no: String,
    pub referring_hospital: String,
    pub receiving_hospital: Option<String>,
    /// Initials, age, sex and key needs — never a name.
    pub patient: String,
    /// Provider, vehicle and pickup time of the latest booking, if any.
    pub transport: Option<String>,
    pub nurse: String,
    /// The state at the end of the day.
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DailyLogSection {
    pub section: DailySection,
    pub title: String,
    pub entries: Vec<DailyEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DailyLog {
    /// ISO date.
    pub date: String,
    /// 「令和8年11月21日（2026年11月21日）」
    pub date_label: String,
    pub desk_name: String,
    pub stamp_titles: Vec<String>,
    pub generated_at: String,
    /// The end of the desk's audit chain when the log was made (「No.1234 · 9f3a…」), printed in
    /// the footer: a paper record of the chain a later check can compare with. Empty: not known.
    pub audit_head: String,
    pub sections: Vec<DailyLogSection>,
}

fn local(at: &str, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    parse_rfc3339(at).ok().map(|t| t.with_timezone(&offset))
}

fn sex_ja(detail: &RequestDetail) -> &'static str {
    match detail.summary.patient_sex {
        crate::request::PatientSex::Male => "男",
        crate::request::PatientSex::Female => "女",
        crate::request::PatientSex::Other => "他",
        crate::request::PatientSex::Unknown => "不明",
    }
}

fn entry(
    detail: &RequestDetail,
    at: Option<DateTime<FixedOffset>>,
    day: NaiveDate,
    status: RequestStatus,
    offset: FixedOffset,
) -> DailyEntry {
    let mut needs = crate::reports::needs::needs_ja(&detail.care);
    let unknown = crate::reports::needs::not_stated_ja(&detail.care);
    if !unknown.is_empty() {
        needs.push(unknown);
    }
    let patient = format!(
        "{} {}歳 {}{}",
        detail.summary.patient_initials,
        detail.summary.patient_age,
        sex_ja(detail),
        if needs.is_empty() { String::new() } else { format!(" / {}", needs.join("、")) }
    );
    let transport =
        detail.bookings.iter().rev().find(|b| b.status != crate::transport::BookingStatus::Cancelled).map(|b| {
            let pickup = local(&b.pickup_at, offset).map(|t| t.format("%-m/%-d %H:%M").to_string()).unwrap_or_default();
            format!("{} {} {}（{}）", b.provider_name, b.vehicle_type.label_ja(), pickup, b.status.label_ja())
        });
    DailyEntry {
        // An event of another day (a still-open request registered earlier) carries its date.
        time: at
            .map(|t| if t.date_naive() == day { t.format("%H:%M") } else { t.format("%-m/%-d %H:%M") }.to_string())
            .unwrap_or_default(),
        ref_no: detail.summary.ref_no.clone(),
        referring_hospital: detail.summary.referring_hospital_name.clone(),
        receiving_hospital: detail.placement.as_ref().map(|p| p.hospital_name.clone()),
        patient,
        transport,
        nurse: detail.summary.assigned_to_name.clone().unwrap_or_else(|| detail.created_by_name.clone()),
        // A transport-only case says so: the desk booked the vehicle, the hospitals placed the patient.
        status: if detail.summary.transport_only {
            format!("{}（搬送のみ）", status.label_ja())
        } else {
            status.label_ja().to_owned()
        },
    }
}

/// Builds the log of `date` (desk time) from the requests' details.
pub fn build(
    details: &[RequestDetail],
    date: NaiveDate,
    offset: FixedOffset,
    desk_name: &str,
    stamp_titles: &[String],
    now: DateTime<Utc>,
) -> DailyLog {
    let on_day = |t: &Option<DateTime<FixedOffset>>| t.is_some_and(|t| t.date_naive() == date);
    let mut sections: Vec<DailyLogSection> = DailySection::ALL
        .iter()
        .map(|s| DailyLogSection { section: *s, title: s.title_ja().to_owned(), entries: Vec::new() })
        .collect();
    let mut rows: [Vec<(DateTime<FixedOffset>, DailyEntry)>; 4] = Default::default();
    for d in details {
        let registered = local(&d.summary.registered_at, offset);
        if registered.is_none_or(|r| r.date_naive() > date) {
            continue;
        }
        // The state at the end of the day: the last move made by then.
        let moves: Vec<(DateTime<FixedOffset>, RequestStatus)> = d
            .history
            .iter()
            .filter_map(|h| local(&h.at, offset).map(|t| (t, h.to)))
            .filter(|(t, _)| t.date_naive() <= date)
            .collect();
        let Some(&(_, status)) = moves.last() else { continue };
        let last_into =
            |to: RequestStatus| moves.iter().rev().find(|(t, s)| *s == to && t.date_naive() == date).map(|(t, _)| *t);
        if on_day(&registered) {
            rows[0].push((registered.unwrap_or_default(), entry(d, registered, date, status, offset)));
        }
        if let Some(at) = last_into(RequestStatus::Placed) {
            rows[1].push((at, entry(d, Some(at), date, status, offset)));
        }
        if let Some(at) = last_into(RequestStatus::Transferred) {
            rows[2].push((at, entry(d, Some(at), date, status, offset)));
        }
        if status.is_open() {
            rows[3].push((registered.unwrap_or_default(), entry(d, registered, date, status, offset)));
        }
    }
    for (section, mut list) in sections.iter_mut().zip(rows) {
        list.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.ref_no.cmp(&b.1.ref_no)));
        section.entries = list.into_iter().map(|(_, e)| e).collect();
    }
    let made = now.with_timezone(&offset);
    DailyLog {
        date: date.to_string(),
        date_label: format!("{}（{}）", wareki::long(date), date.format("%Y年%-m月%-d日")),
        desk_name: desk_name.to_owned(),
        stamp_titles: stamp_titles.to_vec(),
        generated_at: format!("{} {}", wareki::long(made.date_naive()), made.format("%H:%M")),
        audit_head: String::new(),
        sections,
    }
}

/// Rows on one printed page (A4 landscape at the fixed row height), section headings included.
pub const ROWS_PER_PAGE: usize = 10;

/// One printed row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRow<'a> {
    /// A section's title with its count; `continued` when the section began on an earlier page.
    Heading {
        title: &'a str,
        count: usize,
        continued: bool,
    },
    Entry(&'a DailyEntry),
    /// A section with nothing that day.
    Empty,
}

/// The log cut into pages of [`ROWS_PER_PAGE`] rows. A heading never ends a page alone: it moves
/// to the next page with its first row, and a section continuing on a new page repeats its heading.
pub fn pages(log: &DailyLog) -> Vec<Vec<PageRow<'_>>> {
    let mut pages: Vec<Vec<PageRow<'_>>> = Vec::new();
    let mut current: Vec<PageRow<'_>> = Vec::new();
    for section in &log.sections {
        let heading = |continued| PageRow::Heading { title: &section.title, count: section.entries.len(), continued };
        let mut rows: Vec<PageRow<'_>> = section.entries.iter().map(PageRow::Entry).collect();
        if rows.is_empty() {
            rows.push(PageRow::Empty);
        }
        for (i, row) in rows.into_iter().enumerate() {
            let needs = if i == 0 { 2 } else { 1 };
            if current.len() + needs > ROWS_PER_PAGE {
                pages.push(std::mem::take(&mut current));
                if i > 0 {
                    current.push(heading(true));
                }
            }
            if i == 0 {
                current.push(heading(false));
            }
            current.push(row);
        }
    }
    if !current.is_empty() || pages.is_empty() {
        pages.push(current);
    }
    pages
}

fn cell(text: &str) -> String {
    format!("<td><div class=\"clip\">{}</div></td>", escape(text))
}

/// The log as printable HTML: A4 landscape, one `section.page` per page with the header, page X of
/// Y, the stamp boxes and the repeated table header.
pub fn html(log: &DailyLog) -> String {
    let pages = pages(log);
    let total = pages.len();
    let mut body = String::new();
    for (n, rows) in pages.iter().enumerate() {
        let stamps: String = log
            .stamp_titles
            .iter()
            .map(|t| format!("<div class=\"stamp\"><span>{}</span><i></i></div>", escape(t)))
            .collect();
        body.push_str(&format!(
            "<section class=\"page\"><header><div><h1>転院調整 日報</h1><p class=\"date\">{}</p><p>{}</p></div>\
             <div class=\"stamps\">{stamps}</div></header>\
             <table><thead><tr><th class=\"t\">時刻</th><th class=\"r\">受付番号</th><th>依頼元</th><th>受入先</th>\
             <th class=\"p\">患者（イニシャル・年齢・性別・主な処置）</th><th>搬送</th><th class=\"n\">担当</th>\
             <th class=\"s\">状態</th></tr></thead><tbody>",
            escape(&log.date_label),
            escape(&log.desk_name),
        ));
        for row in rows {
            match row {
                PageRow::Heading { title, count, continued } => body.push_str(&format!(
                    "<tr class=\"heading\"><td colspan=\"8\">{}（{count}件）{}</td></tr>",
                    escape(title),
                    if *continued { "　（前頁から続く）" } else { "" }
                )),
                PageRow::Empty => body.push_str("<tr class=\"empty\"><td colspan=\"8\">該当なし</td></tr>"),
                PageRow::Entry(e) => {
                    body.push_str("<tr>");
                    for text in [
                        e.time.as_str(),
                        e.ref_no.as_str(),
                        e.referring_hospital.as_str(),
                        e.receiving_hospital.as_deref().unwrap_or("—"),
                        e.patient.as_str(),
                        e.transport.as_deref().unwrap_or("—"),
                        e.nurse.as_str(),
                        e.status.as_str(),
                    ] {
                        body.push_str(&cell(text));
                    }
                    body.push_str("</tr>");
                }
            }
        }
        body.push_str(&format!(
            "</tbody></table><footer><span>作成: {}{}</span><span class=\"pageno\">{} / {total} 頁</span></footer></section>",
            escape(&log.generated_at),
            if log.audit_head.is_empty() { String::new() } else { format!("　監査記録の末尾: {}", escape(&log.audit_head)) },
            n + 1
        ));
    }
    format!(
        r#"<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>日報 {date}</title><style>
@page {{ size: A4 landscape; margin: 10mm 12mm; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; padding: 0 0.5mm; font-family: 'Noto Sans CJK JP', 'Noto Sans JP', sans-serif; font-size: 9pt; color: #000; }}
.page {{ height: 189mm; display: flex; flex-direction: column; break-after: page; page-break-after: always; overflow: hidden; }}
.page:last-child {{ break-after: auto; page-break-after: auto; }}
header {{ display: flex; justify-content: space-between; align-items: flex-start; height: 26mm; }}
h1 {{ font-size: 15pt; margin: 0 0 1mm; }}
header p {{ margin: 0; }}
.date {{ font-size: 12pt; font-weight: bold; }}
.stamps {{ display: flex; }}
.stamp {{ width: 20mm; border: 1px solid #000; margin-left: -1px; text-align: center; }}
.stamp span {{ display: block; border-bottom: 1px solid #000; font-size: 8pt; padding: 0.5mm; }}
.stamp i {{ display: block; height: 16mm; }}
table {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
th, td {{ border: 1px solid #000; padding: 0.8mm 1.2mm; text-align: left; vertical-align: top; }}
th {{ background: #e8e8e8; height: 7mm; -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
tbody tr {{ height: 14mm; break-inside: avoid; page-break-inside: avoid; }}
tr.heading td {{ font-weight: bold; background: #f4f4f4; -webkit-print-color-adjust: exact; print-color-adjust: exact; vertical-align: middle; }}
tr.empty td {{ color: #555; vertical-align: middle; }}
.clip {{ max-height: 11.5mm; overflow: hidden; overflow-wrap: anywhere; line-height: 1.3; }}
th.t {{ width: 17mm; }} th.r {{ width: 22mm; }} th.p {{ width: 62mm; }} th.n {{ width: 20mm; }} th.s {{ width: 22mm; }}
footer {{ margin-top: auto; display: flex; justify-content: space-between; font-size: 8pt; height: 5mm; }}
.pageno {{ font-weight: bold; }}
</style></head><body>{body}</body></html>"#,
        date = escape(&log.date),
    )
}

/// The stamp boxes a new desk prints: the nurse in charge, the chief nurse, the section head.
pub const DEFAULT_STAMP_TITLES: [&str; 3] = ["担当", "主任", "課長"];
pub const STAMPS_MAX: usize = 6;
pub const STAMP_TITLE_MAX: usize = 10;

/// 1–6 titles, each 1–10 characters after trimming (named `stamp_titles[i]` when refused).
pub fn checked_stamp_titles(titles: &[String]) -> crate::error::Result<Vec<String>> {
    use crate::error::{Problem, Problems};
    let mut problems = Problems::default();
    let cleaned: Vec<String> = titles.iter().map(|t| crate::text::strip_controls(t.trim())).collect();
    if cleaned.is_empty() || cleaned.len() > STAMPS_MAX {
        problems.add("stamp_titles", Problem::OutOfRange { min: 1, max: STAMPS_MAX as i32 });
    }
    for (i, title) in cleaned.iter().enumerate() {
        if title.is_empty() {
            problems.add(&format!("stamp_titles[{i}]"), Problem::Required);
        } else if crate::text::char_len(title) > STAMP_TITLE_MAX {
            problems.add(&format!("stamp_titles[{i}]"), Problem::TooLong { max: STAMP_TITLE_MAX as u32 });
        }
    }
    problems.into_result()?;
    Ok(cleaned)
}
