//! The health centre's summary (保健所向け): for one jurisdiction, the requests of patients resident
//! there — how many were registered, placed, transferred, withdrawn or not placed in the period, the
//! time to placement — and the requests themselves, pseudonymous (reference number, age band and
//! sex; never initials), to send to each 保健所. Events count in the period they happened (desk time
//! zone): a request registered in October and placed in November is in November's placements.

use chrono::{FixedOffset, NaiveDate};

use super::tables::ReportTable;
use crate::request_status::RequestStatus;
use crate::request_view::RequestDetail;
use crate::timestamps::parse_rfc3339;

/// What the report is about: the jurisdiction and the period.
pub struct Scope<'a> {
    pub jurisdiction_id: &'a str,
    pub jurisdiction_name: &'a str,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub offset: FixedOffset,
}

/// 「80代」 from 87: the age band, which names no one.
pub fn age_band(age: u8) -> String {
    match age {
        0..10 => "10歳未満".to_owned(),
        100.. => "100歳以上".to_owned(),
        _ => format!("{}代", age / 10 * 10),
    }
}

/// The two tables. `jurisdiction_of` gives a municipality's jurisdiction id (the region pack's).
pub fn tables(
    details: &[RequestDetail],
    jurisdiction_of: impl Fn(&str) -> Option<String>,
    scope: &Scope<'_>,
) -> Vec<ReportTable> {
    let day = |at: &str| parse_rfc3339(at).ok().map(|t| t.with_timezone(&scope.offset).date_naive());
    let within = |d: Option<NaiveDate>| d.is_some_and(|d| scope.from <= d && d <= scope.to);
    let mut counts = [0u32; 5];
    let mut minutes_to_placement = Vec::new();
    let mut rows = Vec::new();
    for detail in details {
        let resident = detail
            .summary
            .residence_municipality_code
            .as_deref()
            .and_then(&jurisdiction_of)
            .is_some_and(|j| j == scope.jurisdiction_id);
        if !resident {
            continue;
        }
        let registered = within(day(&detail.summary.registered_at));
        let moved_in_period = |to: RequestStatus| {
            detail.history.iter().rev().find(|h| h.to == to).filter(|h| within(day(&h.at))).map(|h| h.at.clone())
        };
        let placed = moved_in_period(RequestStatus::Placed);
        let transferred = moved_in_period(RequestStatus::Transferred);
        let withdrawn = moved_in_period(RequestStatus::Withdrawn);
        let not_placed = moved_in_period(RequestStatus::NotPlaced);
        for (i, happened) in
            [registered, placed.is_some(), transferred.is_some(), withdrawn.is_some(), not_placed.is_some()]
                .into_iter()
                .enumerate()
        {
            counts[i] += u32::from(happened);
        }
        if let (Some(at), Ok(start)) = (&placed, parse_rfc3339(&detail.summary.registered_at))
            && let Ok(at) = parse_rfc3339(at)
        {
            minutes_to_placement.push((at - start).num_minutes().max(0));
        }
        if registered || placed.is_some() || transferred.is_some() || withdrawn.is_some() || not_placed.is_some() {
            let date = |at: &Option<String>| at.as_deref().and_then(day).map_or("—".to_owned(), |d| d.to_string());
            rows.push(vec![
                detail.summary.ref_no.clone(),
                day(&detail.summary.registered_at).map_or("—".to_owned(), |d| d.to_string()),
                age_band(detail.summary.patient_age),
                detail.summary.patient_sex.label_ja().to_owned(),
                detail.summary.residence_name.clone().unwrap_or_default(),
                detail.summary.referring_hospital_name.clone(),
                detail.placement.as_ref().map_or("—".to_owned(), |p| p.hospital_name.clone()),
                detail.summary.status.label_ja().to_owned(),
                date(&placed),
                date(&transferred),
            ]);
        }
    }
    rows.sort();
    minutes_to_placement.sort_unstable();
    let median = minutes_to_placement.get(minutes_to_placement.len() / 2).map_or("—".to_owned(), |m| m.to_string());
    let period = format!("{}〜{}", scope.from, scope.to);
    let name = scope.jurisdiction_name;
    let labels = ["依頼の登録", "受入決定", "転院済み", "取り下げ", "調整不成立"];
    let mut summary: Vec<Vec<String>> =
        labels.iter().zip(counts).map(|(label, n)| vec![(*label).to_owned(), n.to_string()]).collect();
    summary.push(vec!["受入決定までの時間（中央値・分）".to_owned(), median]);
    vec![
        ReportTable {
            id: "health_centre_summary".into(),
            title: format!("{name}　集計"),
            definition: format!(
                "{period}、居住地が{name}管内の患者の依頼。登録は登録日、ほかはその状態になった日で数える。"
            ),
            columns: vec!["項目".into(), "件数".into()],
            rows: summary,
            totals: None,
        },
        ReportTable {
            id: "health_centre_requests".into(),
            title: format!("{name}　依頼の一覧"),
            definition: format!(
                "{period}に登録・受入決定・転院・取り下げ・調整不成立のあった依頼。患者は年代と性別だけで示す（イニシャルは載せない）。"
            ),
            columns: [
                "受付番号",
                "登録日",
                "年代",
                "性別",
                "居住地",
                "依頼元",
                "受入先",
                "状態",
                "受入決定日",
                "転院日",
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
            rows,
            totals: None,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_are_shown_as_bands() {
        assert_eq!(age_band(87), "80代");
        assert_eq!(age_band(9), "10歳未満");
        assert_eq!(age_band(100), "100歳以上");
    }
}
