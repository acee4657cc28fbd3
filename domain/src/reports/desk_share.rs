//! The desk's share of all downward transfers (デスク経由の割合), by month and by the health-centre
//! jurisdiction of the referring hospital: transfers the desk placed (受入決定, in the month of the
//! placement that held) against those arranged outside it — transport-only cases (the hospitals
//! agreed; counted in the month the desk took them on) and the transfers recorded as arranged outside
//! the desk (in the month of the transfer).

use std::collections::BTreeMap;

use chrono::{FixedOffset, NaiveDate};

use super::tables::ReportTable;
use crate::request_status::RequestStatus;
use crate::request_view::RequestDetail;
use crate::timestamps::parse_rfc3339;

/// A transfer arranged outside the desk, as the report needs it.
pub struct Outside<'a> {
    pub on: NaiveDate,
    pub referring_hospital_id: &'a str,
    pub count: u32,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    desk: u32,
    transport_only: u32,
    outside: u32,
}

impl Counts {
    fn cells(self) -> Vec<String> {
        let all = self.desk + self.transport_only + self.outside;
        let share =
            if all == 0 { "—".to_owned() } else { format!("{:.1}%", f64::from(self.desk) * 100.0 / f64::from(all)) };
        vec![self.desk.to_string(), self.transport_only.to_string(), self.outside.to_string(), all.to_string(), share]
    }

    fn add(&mut self, other: Counts) {
        self.desk += other.desk;
        self.transport_only += other.transport_only;
        self.outside += other.outside;
    }
}

/// The two tables: by month, and by month and jurisdiction. `jurisdiction_of` names a hospital's
/// jurisdiction (by its municipality in the region pack), `None` when it has none.
pub fn tables(
    details: &[RequestDetail],
    outside: &[Outside<'_>],
    jurisdiction_of: impl Fn(&str) -> Option<String>,
    (from, to): (NaiveDate, NaiveDate),
    offset: FixedOffset,
) -> Vec<ReportTable> {
    let unknown = "不明".to_owned();
    let local = |at: &str| parse_rfc3339(at).ok().map(|t| t.with_timezone(&offset).date_naive());
    let mut by: BTreeMap<(String, String), Counts> = BTreeMap::new();
    let mut count = |day: NaiveDate, hospital: &str, add: Counts| {
        if day < from || day > to {
            return;
        }
        let key = (day.format("%Y-%m").to_string(), jurisdiction_of(hospital).unwrap_or_else(|| unknown.clone()));
        by.entry(key).or_default().add(add);
    };
    for detail in details {
        let held = matches!(
            detail.summary.status,
            RequestStatus::Placed | RequestStatus::ArrangingTransport | RequestStatus::Transferred
        );
        let placed = detail.history.iter().rev().find(|h| h.to == RequestStatus::Placed).and_then(|h| local(&h.at));
        let referrer = detail.summary.referring_hospital_id.as_str();
        match (held, placed) {
            (true, Some(day)) => count(day, referrer, Counts { desk: 1, ..Default::default() }),
            (true, None) if detail.summary.transport_only => {
                let taken_on = detail
                    .history
                    .iter()
                    .find(|h| h.to == RequestStatus::ArrangingTransport)
                    .and_then(|h| local(&h.at));
                if let Some(day) = taken_on {
                    count(day, referrer, Counts { transport_only: 1, ..Default::default() });
                }
            }
            _ => {}
        }
    }
    for record in outside {
        count(record.on, record.referring_hospital_id, Counts { outside: record.count, ..Default::default() });
    }
    let mut months: BTreeMap<String, Counts> = BTreeMap::new();
    let mut total = Counts::default();
    for ((month, _), counts) in &by {
        months.entry(month.clone()).or_default().add(*counts);
        total.add(*counts);
    }
    let columns = ["デスクの受入決定", "搬送のみ", "デスク外の転院", "合計", "デスク経由の割合"];
    let period = format!("{from}〜{to}");
    let definition = format!(
        "{period}。デスクの受入決定は成立した受入決定の日、搬送のみは搬送のみとした日、デスク外の転院は記録された転院日で数える。\
         割合は合計に占めるデスクの受入決定。保健所は依頼元医療機関の所在地による。"
    );
    vec![
        ReportTable {
            id: "desk_share_by_month".into(),
            title: "デスク経由の割合（月別）".into(),
            definition: definition.clone(),
            columns: std::iter::once("月").chain(columns).map(str::to_owned).collect(),
            rows: months.into_iter().map(|(month, counts)| [vec![month], counts.cells()].concat()).collect(),
            totals: Some([vec!["合計".to_owned()], total.cells()].concat()),
        },
        ReportTable {
            id: "desk_share_by_jurisdiction".into(),
            title: "デスク経由の割合（月別・保健所別）".into(),
            definition,
            columns: ["月", "保健所"].into_iter().chain(columns).map(str::to_owned).collect(),
            rows: by.into_iter().map(|((month, j), counts)| [vec![month, j], counts.cells()].concat()).collect(),
            totals: Some([vec!["合計".to_owned(), String::new()], total.cells()].concat()),
        },
    ]
}
