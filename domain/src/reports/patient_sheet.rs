//! The patient-information sheet (患者情報提供票) for a candidate hospital without the app: one A4
//! page, a FAX cover on top (the desk, the hospital, pages, reply-by) and what the hospital needs to
//! decide — the same content as an inquiry package. Pseudonymous: initials, age and sex. Every care
//! item is printed with its answer; one never stated reads 未確認, never blank.

use chrono::FixedOffset;

use crate::care::CareItem;
use crate::exchange::inquiry::InquiryRecord;
use crate::html::escape;
use crate::reports::needs::answer_ja;
use crate::timestamps::parse_rfc3339;
use crate::wareki;

/// The hospital the sheet is addressed to, with its FAX number when known.
#[derive(Debug, Clone, Default)]
pub struct Addressee {
    pub name: String,
    pub fax: String,
}

fn local(at: &str, offset: FixedOffset) -> String {
    parse_rfc3339(at)
        .map(|t| {
            let t = t.with_timezone(&offset);
            format!("{} {}", wareki::long(t.date_naive()), t.format("%H:%M"))
        })
        .unwrap_or_else(|_| at.to_owned())
}

fn date(iso: &Option<String>) -> Option<String> {
    iso.as_deref().and_then(|d| d.parse().ok()).map(wareki::long)
}

fn covid_date(record: &InquiryRecord, field: &str, value: &Option<String>) -> String {
    match date(value) {
        Some(day) => day,
        None if record.covid.none.iter().any(|f| f == field) => "なし".to_owned(),
        None => "<span class=\"unstated\">未確認</span>".to_owned(),
    }
}

fn or_dash(text: &str) -> String {
    if text.trim().is_empty() { "—".to_owned() } else { escape(text) }
}

/// The sheet as a printable HTML page (A4, one page).
pub fn html(record: &InquiryRecord, to: Option<&Addressee>, offset: FixedOffset) -> String {
    let desk = &record.desk;
    let reply_by = record.reply_by.as_deref().map_or("—".to_owned(), |at| escape(&local(at, offset)));
    let to_name = to.map_or("ご担当者".to_owned(), |a| format!("{} 御中", escape(&a.name)));
    let to_fax = to.map_or(String::new(), |a| if a.fax.is_empty() { String::new() } else { escape(&a.fax) });
    let mut care = String::new();
    for pair in CareItem::ALL.chunks(2) {
        care.push_str("<tr>");
        for item in pair {
            let answer = answer_ja(&record.care, *item);
            let shown = if answer == "未確認" {
                "<span class=\"unstated\">未確認</span>".to_owned()
            } else {
                escape(&answer)
            };
            care.push_str(&format!("<th>{}</th><td>{shown}</td>", escape(item.label_ja())));
        }
        if pair.len() == 1 {
            care.push_str("<th></th><td></td>");
        }
        care.push_str("</tr>");
    }
    let regions = if record.preferred_regions.is_empty() {
        "—".to_owned()
    } else {
        escape(&record.preferred_regions.join("、"))
    };
    let urgency = match record.urgency {
        crate::request::Urgency::Routine => "通常",
        crate::request::Urgency::Soon => "早め",
        crate::request::Urgency::Urgent => "至急",
    };
    format!(
        r#"<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>患者情報提供票 {ref_no}</title>
<style>
@page {{ size: A4; margin: 12mm; }}
* {{ box-sizing: border-box; }}
body {{ font-family: 'Noto Sans CJK JP', 'Noto Sans JP', sans-serif; font-size: 10pt; color: #000; margin: 0; }}
.cover {{ border: 2px solid #000; padding: 3mm 4mm; margin-bottom: 4mm; }}
.cover h1 {{ font-size: 16pt; margin: 0 0 2mm; letter-spacing: 0.3em; }}
.cover table td, .cover table th {{ border: none; padding: 0.6mm 2mm 0.6mm 0; }}
.cover .to {{ font-size: 13pt; font-weight: bold; }}
h2 {{ font-size: 13pt; margin: 0 0 2mm; text-align: center; letter-spacing: 0.2em; }}
table {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
th, td {{ border: 1px solid #000; padding: 1.5mm 2mm; vertical-align: top; text-align: left; overflow-wrap: anywhere; }}
th {{ width: 30mm; background: #eee; -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
.care th {{ width: 28mm; }}
.summary {{ height: 34mm; white-space: pre-wrap; }}
.unstated {{ font-weight: bold; border: 1px solid #000; padding: 0 1mm; }}
.section {{ margin-top: 3mm; }}
.answer {{ margin-top: 3mm; border: 2px solid #000; padding: 2mm 3mm; }}
.answer span {{ display: inline-block; margin-right: 8mm; }}
.foot {{ margin-top: 2mm; font-size: 8.5pt; }}
</style></head><body>
<div class="cover">
<h1>FAX送信票</h1>
<table>
<tr><td class="to">{to_name}</td><td>FAX: {to_fax}</td></tr>
<tr><td>送信元: {desk_name}</td><td>電話: {desk_phone}　FAX: {desk_fax}</td></tr>
<tr><td>送信日時: {sent_at}</td><td>枚数: 1枚（本票を含む）</td></tr>
<tr><td colspan="2"><strong>回答期限: {reply_by}</strong>　受付番号 <strong>{ref_no}</strong> を添えてご回答ください。</td></tr>
</table>
</div>
<h2>患者情報提供票（転院受入のご相談）</h2>
<table>
<tr><th>受付番号</th><td>{ref_no}</td><th>緊急度</th><td>{urgency}</td></tr>
<tr><th>患者</th><td>{initials}　{age}歳　{sex}</td><th>居住地</th><td>{residence}</td></tr>
<tr><th>現在の医療機関</th><td colspan="3">{referrer}</td></tr>
<tr><th>希望する病床</th><td>{bed_type}</td><th>転院希望日</th><td>{desired}</td></tr>
<tr><th>発症日</th><td>{onset}</td><th>陽性判明日</th><td>{positive}</td></tr>
<tr><th>退院基準を満たした日</th><td colspan="3">{criteria}</td></tr>
</table>
<table class="care section">{care}</table>
<table class="section">
<tr><th>病状の要約</th><td class="summary">{summary}</td></tr>
<tr><th>家族の希望</th><td>{family}（希望地域: {regions}）</td></tr>
<tr><th>情報提供の同意</th><td>{consent}</td></tr>
</table>
<div class="answer"><strong>ご回答</strong>（該当に○）　<span>受入可</span><span>お断り（理由: 　　　　　　　　　）</span><span>ご担当: 　　　　　　</span></div>
<p class="foot">「未確認」は依頼元から聞き取れていない項目です（「なし」ではありません）。受入の可否に関わる場合はデスクへお問い合わせください。患者の氏名は記載していません。</p>
</body></html>"#,
        ref_no = escape(&record.ref_no),
        to_name = to_name,
        to_fax = or_dash(&to_fax),
        desk_name = escape(&desk.name),
        desk_phone = or_dash(&desk.phone),
        desk_fax = or_dash(&desk.fax),
        sent_at = escape(&local(&record.sent_at, offset)),
        reply_by = reply_by,
        urgency = urgency,
        initials = escape(&record.patient_initials),
        age = record.patient_age,
        sex = record.patient_sex.label_ja(),
        residence = or_dash(record.residence.as_deref().unwrap_or("")),
        referrer = escape(&format!("{}（{}）", record.referring_hospital.name, record.referring_hospital.code)),
        bed_type = or_dash(record.bed_type.as_ref().map_or("", |t| t.name.as_str())),
        desired = date(&record.desired_date).map_or("—".to_owned(), |d| escape(&d)),
        onset = covid_date(record, "onset_date", &record.covid.onset_date),
        positive = covid_date(record, "positive_test_date", &record.covid.positive_test_date),
        criteria = covid_date(record, "criteria_met_date", &record.covid.criteria_met_date),
        care = care,
        summary = or_dash(&record.clinical_summary),
        family = or_dash(&record.family_notes),
        regions = regions,
        consent = escape(&format!("{}より同意を得ています（依頼元より）", record.consent_given_by)),
    )
}
