//! The directory sheet (医療機関一覧): receiving hospitals by medical region, with whom to call,
//! free beds and what they accept, for printing on A4 and sending to hospitals. One sheet, two
//! renderings: HTML for print (one region per page) and CSV for spreadsheets.

use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;

use crate::csv_file::{self, CsvEncoding, CsvFile};
use crate::error::Result;
use crate::hospital::HospitalSummary;
use crate::html::escape;
use crate::reference::Term;
use crate::wareki;

/// The sheet: when it was made, the age after which capacity is stale, and the regions in the
/// region pack's order (hospitals without a region last).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DirectorySheet {
    pub generated_at: String,
    pub stale_after_hours: u32,
    pub regions: Vec<SheetRegion>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SheetRegion {
    pub name: String,
    pub hospitals: Vec<HospitalSummary>,
}

pub const NO_REGION: &str = "地域未設定";

/// Arranges the active receiving hospitals of `hospitals` by the `regions` of the plan in force.
pub fn build(
    hospitals: Vec<HospitalSummary>,
    regions: &[Term],
    now: DateTime<Utc>,
    offset: FixedOffset,
    stale_after_hours: u32,
) -> DirectorySheet {
    let local = now.with_timezone(&offset);
    let generated_at = format!("{} {} 現在", wareki::long(local.date_naive()), local.format("%H:%M"));
    let receiving: Vec<_> = hospitals.into_iter().filter(|h| h.active && h.is_receiving).collect();
    let mut sections: Vec<SheetRegion> = regions
        .iter()
        .map(|r| SheetRegion {
            name: r.name.clone(),
            hospitals: receiving.iter().filter(|h| h.region_id.as_ref() == Some(&r.id)).cloned().collect(),
        })
        .collect();
    let unplaced: Vec<_> =
        receiving.iter().filter(|h| !regions.iter().any(|r| h.region_id.as_ref() == Some(&r.id))).cloned().collect();
    if !unplaced.is_empty() {
        sections.push(SheetRegion { name: NO_REGION.to_owned(), hospitals: unplaced });
    }
    sections.retain(|s| !s.hospitals.is_empty());
    DirectorySheet { generated_at, stale_after_hours, regions: sections }
}

fn contact_lines(h: &HospitalSummary) -> Vec<String> {
    h.contacts
        .iter()
        .map(|c| {
            let c = &c.input;
            let mut parts = vec![format!("{} {}", c.department, c.person).trim().to_owned()];
            if !c.phone.is_empty() {
                parts.push(format!("TEL {}", c.phone));
            }
            if !c.fax.is_empty() {
                parts.push(format!("FAX {}", c.fax));
            }
            let hours: Vec<String> = [("平日", &c.hours_weekday), ("夜間", &c.hours_night), ("休日", &c.hours_holiday)]
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            if !hours.is_empty() {
                parts.push(hours.join(" / "));
            }
            parts.retain(|p| !p.is_empty());
            parts.join("　")
        })
        .collect()
}

fn capacity_lines(h: &HospitalSummary, offset: FixedOffset) -> Vec<String> {
    h.capacity
        .iter()
        .map(|c| {
            let at = crate::timestamps::parse_rfc3339(&c.reported_at)
                .map(|t| t.with_timezone(&offset).format("%-m/%-d %H:%M").to_string())
                .unwrap_or_default();
            let stale = if c.stale { "（古い情報）" } else { "" };
            format!("{} 空{}床 {at}{stale}", c.bed_type_name, c.available)
        })
        .collect()
}

fn own_rules(h: &HospitalSummary) -> String {
    h.beyond_criteria.iter().map(|b| b.japanese()).collect::<Vec<_>>().join("、")
}

/// The sheet as a printable HTML page: A4 portrait, one region per page, header repeated.
pub fn to_html(sheet: &DirectorySheet, offset: FixedOffset) -> String {
    let mut html = String::from(
        r#"<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>受入医療機関一覧</title>
<style>
@page { size: A4 portrait; margin: 12mm 10mm; }
body { font-family: "Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Yu Gothic", sans-serif; font-size: 9pt; color: #000; margin: 0; }
section { break-after: page; }
section:last-child { break-after: auto; }
h1 { font-size: 13pt; margin: 0 0 2mm; display: flex; justify-content: space-between; align-items: baseline; }
h1 small { font-size: 8.5pt; font-weight: normal; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 0.3mm solid #555; padding: 1mm 1.2mm; vertical-align: top; text-align: left; overflow-wrap: anywhere; }
th { background: #e8e8e8; font-weight: bold; }
.name { width: 24%; } .contact { width: 34%; } .beds { width: 20%; } .accepts { width: 22%; }
.code, .muni { color: #333; font-size: 8pt; }
.stale { font-style: italic; color: #555; }
.rule { font-weight: bold; border: 0.3mm solid #000; padding: 0 1mm; display: inline-block; margin-top: 0.5mm; }
.note { font-size: 8pt; color: #333; }
footer { font-size: 8pt; margin-top: 2mm; }
</style></head><body>
"#,
    );
    for region in &sheet.regions {
        html.push_str(&format!(
            "<section><h1><span>受入医療機関一覧　{}</span><small>{}　{}件</small></h1>\n",
            escape(&region.name),
            escape(&sheet.generated_at),
            region.hospitals.len()
        ));
        html.push_str(
            "<table><thead><tr><th class=\"name\">医療機関</th><th class=\"contact\">調整窓口</th>\
             <th class=\"beds\">受入体制（空床）</th><th class=\"accepts\">受入要件</th></tr></thead><tbody>\n",
        );
        for h in &region.hospitals {
            let mut name = format!(
                "<b>{}</b><br><span class=\"muni\">{}</span><br><span class=\"code\">{}</span>",
                escape(&h.name),
                escape(&h.municipality_name),
                escape(&h.code)
            );
            if h.is_priority {
                name.push_str("<br>重点医療機関");
            }
            let contacts = contact_lines(h).iter().map(|l| escape(l)).collect::<Vec<_>>().join("<br>");
            let beds = if h.capacity.is_empty() {
                "報告なし".to_owned()
            } else {
                h.capacity
                    .iter()
                    .zip(capacity_lines(h, offset))
                    .map(|(c, line)| {
                        if c.stale { format!("<span class=\"stale\">{}</span>", escape(&line)) } else { escape(&line) }
                    })
                    .collect::<Vec<_>>()
                    .join("<br>")
            };
            let mut accepts = escape(&h.requirements.labels_ja().join("・"));
            let rules = own_rules(h);
            if !rules.is_empty() {
                accepts.push_str(&format!("<br><span class=\"rule\">独自ルール: {}</span>", escape(&rules)));
            }
            if !h.requirements.notes.is_empty() {
                accepts.push_str(&format!("<br><span class=\"note\">{}</span>", escape(&h.requirements.notes)));
            }
            html.push_str(&format!("<tr><td>{name}</td><td>{contacts}</td><td>{beds}</td><td>{accepts}</td></tr>\n"));
        }
        html.push_str(&format!(
            "</tbody></table><footer>空床は各医療機関の報告時点の数です。{}時間より前の報告は「古い情報」と表示しています。「独自ルール」は国の退院基準を超える受入条件です。</footer></section>\n",
            sheet.stale_after_hours
        ));
    }
    if sheet.regions.is_empty() {
        html.push_str("<p>受入医療機関が登録されていません。</p>\n");
    }
    html.push_str("</body></html>\n");
    html
}

/// The sheet as CSV rows, one hospital per row, regions in order.
pub fn to_csv(sheet: &DirectorySheet, offset: FixedOffset, encoding: CsvEncoding) -> Result<CsvFile> {
    let header = [
        "二次医療圏",
        "医療機関コード",
        "医療機関名",
        "市区町村",
        "住所",
        "重点医療機関",
        "調整窓口",
        "電話",
        "FAX",
        "受入体制（空床）",
        "受入要件",
        "独自ルール",
        "備考",
    ];
    let mut rows = vec![header.iter().map(|h| (*h).to_owned()).collect::<Vec<_>>()];
    for region in &sheet.regions {
        for h in &region.hospitals {
            let first = h.contacts.first().map(|c| &c.input);
            rows.push(vec![
                region.name.clone(),
                h.code.clone(),
                h.name.clone(),
                h.municipality_name.clone(),
                h.address.clone(),
                if h.is_priority { "○".into() } else { String::new() },
                contact_lines(h).join(" / "),
                first.map(|c| c.phone.clone()).unwrap_or_default(),
                first.map(|c| c.fax.clone()).unwrap_or_default(),
                capacity_lines(h, offset).join(" / "),
                h.requirements.labels_ja().join("・"),
                own_rules(h),
                h.requirements.notes.clone(),
            ]);
        }
    }
    csv_file::write(&rows, encoding)
}
