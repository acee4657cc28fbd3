//! Report tables as one printable A4 page (HTML, printed to PDF by the CLI or the window's print):
//! the health centre's summary, the coaching report for a referring hospital, the transport table.

use super::tables::ReportTable;
use crate::html::escape;

const STYLE: &str = "@page { size: A4; margin: 14mm 12mm; }
body { font-family: 'Noto Sans CJK JP', 'Noto Sans JP', sans-serif; font-size: 10pt; color: #111; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
p.sub { margin: 0 0 5mm; color: #333; }
h2 { font-size: 12pt; margin: 6mm 0 1mm; }
p.definition { margin: 0 0 2mm; font-size: 8.5pt; color: #333; }
table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #666; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #eee; white-space: nowrap; }
td.s { white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.totals td { font-weight: bold; border-top: 2px solid #111; }
td.empty { text-align: center; color: #555; }
footer { margin-top: 6mm; font-size: 8pt; color: #444; }";

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '%' | '-'))
}

fn row(cells: &[String], class: &str) -> String {
    let cells: String = cells
        .iter()
        .map(|c| {
            let class = if is_number(c) {
                " class=\"n\""
            } else if c.chars().count() <= 6 {
                " class=\"s\""
            } else {
                ""
            };
            format!("<td{class}>{}</td>", escape(c))
        })
        .collect();
    format!("<tr class=\"{class}\">{cells}</tr>")
}

/// One page: a title, a line under it (period, who it is for), each table with its definition, and
/// when it was made.
pub fn html(title: &str, subtitle: &str, tables: &[ReportTable], generated_at: &str) -> String {
    let mut body = String::new();
    for table in tables {
        let head: String = table.columns.iter().map(|c| format!("<th>{}</th>", escape(c))).collect();
        body.push_str(&format!(
            "<h2>{}</h2><p class=\"definition\">{}</p><table><thead><tr>{head}</tr></thead><tbody>",
            escape(&table.title),
            escape(&table.definition)
        ));
        if table.rows.is_empty() {
            body.push_str(&format!("<tr><td class=\"empty\" colspan=\"{}\">該当なし</td></tr>", table.columns.len()));
        }
        for cells in &table.rows {
            body.push_str(&row(cells, ""));
        }
        if let Some(totals) = &table.totals {
            body.push_str(&row(totals, "totals"));
        }
        body.push_str("</tbody></table>");
    }
    format!(
        "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{t}</title><style>{STYLE}</style></head>\
         <body><h1>{t}</h1><p class=\"sub\">{s}</p>{body}<footer>作成: {g}</footer></body></html>",
        t = escape(title),
        s = escape(subtitle),
        g = escape(generated_at)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_escapes_what_it_shows_and_says_when_a_table_is_empty() {
        let table = ReportTable {
            id: "t".into(),
            title: "<集計>".into(),
            definition: "定義".into(),
            columns: vec!["項目".into(), "件数".into()],
            rows: vec![vec!["<b>依頼</b>".into(), "12".into()]],
            totals: Some(vec!["合計".into(), "12".into()]),
        };
        let empty = ReportTable { rows: Vec::new(), totals: None, ..table.clone() };
        let page = html("保健所向け", "2026-11-01〜2026-11-30", &[table, empty], "2026-11-29 10:00");
        assert!(page.contains("&lt;b&gt;依頼&lt;/b&gt;") && !page.contains("<b>依頼"));
        assert!(page.contains("<td class=\"n\">12</td>"));
        assert!(page.contains("class=\"totals\""));
        assert!(page.contains("該当なし"));
    }
}
