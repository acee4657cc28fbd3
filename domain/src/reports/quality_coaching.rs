//! Coaching a referring hospital on input quality (入力品質のフィードバック): its requests of a period,
//! their average quality score (`quality::assess`), the items most often missing, not stated or
//! implausible, and examples by reference number — to send back to the hospital. Names no patient.

use std::collections::BTreeMap;

use chrono::{FixedOffset, NaiveDate};

use super::tables::ReportTable;
use crate::quality::{self, QualityKind};
use crate::request_view::RequestDetail;
use crate::timestamps::parse_rfc3339;

/// At most this many reference numbers are given as examples of one item.
const EXAMPLES: usize = 5;

/// What the report is about.
pub struct Scope<'a> {
    pub hospital_id: &'a str,
    pub hospital_name: &'a str,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub offset: FixedOffset,
    /// Quality is judged against today (as the checklist on the request page).
    pub today: NaiveDate,
}

fn kind_ja(kind: QualityKind) -> &'static str {
    match kind {
        QualityKind::Missing => "未入力",
        QualityKind::NotStated => "未確認",
        QualityKind::Implausible => "要確認の値",
    }
}

/// The two tables: the hospital's figures, and the items most often found.
pub fn tables(details: &[RequestDetail], scope: &Scope<'_>) -> Vec<ReportTable> {
    let mut scores = Vec::new();
    let mut blocked = 0u32;
    // (field, kind) → (message, count, examples)
    let mut items: BTreeMap<(String, &'static str), (String, u32, Vec<String>)> = BTreeMap::new();
    for detail in details.iter().filter(|d| d.summary.referring_hospital_id == scope.hospital_id) {
        let day =
            parse_rfc3339(&detail.summary.registered_at).ok().map(|t| t.with_timezone(&scope.offset).date_naive());
        if !day.is_some_and(|d| scope.from <= d && d <= scope.to) {
            continue;
        }
        let report = quality::assess(detail, scope.today);
        scores.push(report.score);
        blocked += u32::from(!report.can_match);
        for item in report.items {
            let entry =
                items.entry((item.field.clone(), kind_ja(item.kind))).or_insert_with(|| (item.message, 0, Vec::new()));
            entry.1 += 1;
            if entry.2.len() < EXAMPLES {
                entry.2.push(detail.summary.ref_no.clone());
            }
        }
    }
    let requests = scores.len() as u32;
    let average = if scores.is_empty() {
        "—".to_owned()
    } else {
        format!("{:.1}", scores.iter().map(|s| f64::from(*s)).sum::<f64>() / f64::from(requests))
    };
    let full = scores.iter().filter(|s| **s == 100).count();
    let mut found: Vec<_> = items.into_iter().collect();
    // Most often first; then by field for a stable order.
    found.sort_by(|a, b| b.1.1.cmp(&a.1.1).then_with(|| a.0.cmp(&b.0)));
    let period = format!("{}〜{}", scope.from, scope.to);
    let name = scope.hospital_name;
    let share = |n: u32| {
        if requests == 0 { "—".to_owned() } else { format!("{:.0}%", f64::from(n) * 100.0 / f64::from(requests)) }
    };
    vec![
        ReportTable {
            id: "quality_summary".into(),
            title: format!("{name}　入力品質"),
            definition: format!(
                "{period}に登録された{name}からの依頼。品質点は100点から、マッチングを止める不足20点・要確認の値10点・その他の不足5点を引いたもの。"
            ),
            columns: vec!["項目".into(), "値".into()],
            rows: vec![
                vec!["依頼件数".into(), requests.to_string()],
                vec!["平均品質点".into(), average],
                vec!["満点（100点）の依頼".into(), full.to_string()],
                vec!["送られたままではマッチングできなかった依頼".into(), format!("{blocked}（{}）", share(blocked))],
            ],
            totals: None,
        },
        ReportTable {
            id: "quality_items".into(),
            title: format!("{name}　よくある不足"),
            definition: format!(
                "{period}の依頼で見つかった不足・要確認の値を多い順に。例は受付番号（最大{EXAMPLES}件）。"
            ),
            columns: ["内容", "種類", "件数", "割合", "例（受付番号）"].into_iter().map(str::to_owned).collect(),
            rows: found
                .into_iter()
                .map(|((_, kind), (message, count, examples))| {
                    vec![message, kind.to_owned(), count.to_string(), share(count), examples.join("、")]
                })
                .collect(),
            totals: None,
        },
    ]
}
