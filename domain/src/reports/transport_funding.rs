//! Publicly funded transport (公費搬送): the trips that took place, per provider and month, funded or
//! not, with their costs — the table the prefecture's budget needs — and the trips themselves with
//! the reasons noted (the booking's note and the warnings confirmed when it was booked). A trip is a
//! booking marked done, counted in the month of its pickup (desk time zone).

use std::collections::BTreeMap;

use chrono::{FixedOffset, NaiveDate};

use super::tables::ReportTable;
use crate::request_view::RequestDetail;
use crate::timestamps::parse_rfc3339;
use crate::transport::BookingStatus;

#[derive(Default)]
struct Sums {
    trips: u32,
    funded: u32,
    funded_yen: u64,
    unfunded: u32,
    unfunded_yen: u64,
    cost_unknown: u32,
}

impl Sums {
    fn add(&mut self, funded: bool, cost: Option<u32>) {
        self.trips += 1;
        let yen = u64::from(cost.unwrap_or(0));
        if funded {
            self.funded += 1;
            self.funded_yen += yen;
        } else {
            self.unfunded += 1;
            self.unfunded_yen += yen;
        }
        self.cost_unknown += u32::from(cost.is_none());
    }

    fn cells(&self) -> Vec<String> {
        [
            u64::from(self.trips),
            u64::from(self.funded),
            self.funded_yen,
            u64::from(self.unfunded),
            self.unfunded_yen,
            u64::from(self.cost_unknown),
        ]
        .iter()
        .map(u64::to_string)
        .collect()
    }
}

/// The two tables: per provider and month, and the trips.
pub fn tables(details: &[RequestDetail], from: NaiveDate, to: NaiveDate, offset: FixedOffset) -> Vec<ReportTable> {
    let mut by_month: BTreeMap<(String, String), Sums> = BTreeMap::new();
    let mut total = Sums::default();
    let mut trips = Vec::new();
    for detail in details {
        for booking in detail.bookings.iter().filter(|b| b.status == BookingStatus::Done) {
            let Ok(pickup) = parse_rfc3339(&booking.pickup_at) else { continue };
            let local = pickup.with_timezone(&offset);
            let day = local.date_naive();
            if day < from || day > to {
                continue;
            }
            let month = local.format("%Y-%m").to_string();
            by_month
                .entry((month, booking.provider_name.clone()))
                .or_default()
                .add(booking.public_funds, booking.cost_yen);
            total.add(booking.public_funds, booking.cost_yen);
            let reasons: Vec<&str> =
                std::iter::once(booking.note.as_str()).chain(booking.warnings.iter().map(String::as_str)).collect();
            trips.push((
                local.format("%Y-%m-%d %H:%M").to_string(),
                vec![
                    local.format("%Y-%m-%d %H:%M").to_string(),
                    detail.summary.ref_no.clone(),
                    booking.provider_name.clone(),
                    booking.vehicle_type.label_ja().to_owned(),
                    if booking.public_funds { "公費" } else { "公費外" }.to_owned(),
                    booking.cost_yen.map_or("—".to_owned(), |y| y.to_string()),
                    reasons.into_iter().filter(|r| !r.is_empty()).collect::<Vec<_>>().join(" / "),
                ],
            ));
        }
    }
    trips.sort();
    let period = format!("{from}〜{to}");
    let columns = ["件数", "公費 件数", "公費 金額（円）", "公費外 件数", "公費外 金額（円）", "金額未記入"];
    vec![
        ReportTable {
            id: "transport_funding".into(),
            title: "搬送実績（事業者別・月別）".into(),
            definition: format!(
                "{period}に搬送済みとした予約を、迎えの月と搬送事業者ごとに数え、公費・公費外の件数と金額（円）を合計。\
                 金額未記入の搬送は件数にだけ含む。"
            ),
            columns: ["月", "搬送事業者"].into_iter().chain(columns).map(str::to_owned).collect(),
            rows: by_month
                .into_iter()
                .map(|((month, provider), sums)| [vec![month, provider], sums.cells()].concat())
                .collect(),
            totals: Some([vec!["合計".to_owned(), String::new()], total.cells()].concat()),
        },
        ReportTable {
            id: "transport_trips".into(),
            title: "搬送の一覧（公費の別と理由）".into(),
            definition: format!(
                "{period}の搬送済みの予約を迎えの日時順に。理由・備考は予約の備考と、予約時に確認した注意。患者名は載せない。"
            ),
            columns: ["迎え", "受付番号", "搬送事業者", "車両", "公費", "金額（円）", "理由・備考"]
                .into_iter()
                .map(str::to_owned)
                .collect(),
            rows: trips.into_iter().map(|(_, row)| row).collect(),
            totals: None,
        },
    ]
}
