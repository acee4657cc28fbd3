//! The transport request sheet (搬送依頼書): one A4 page for the provider, with the trip, the
//! vehicle, the patient's needs (pseudonymous: initials, age, sex) and both wards' contacts.

use chrono::{DateTime, FixedOffset, Utc};

use crate::html::escape;
use crate::request_view::RequestDetail;
use crate::timestamps::parse_rfc3339;
use crate::transport::booking::{TransportBooking, TripEnd};
use crate::wareki;

fn local(at: &str, offset: FixedOffset) -> String {
    parse_rfc3339(at)
        .map(|t| {
            let t = t.with_timezone(&offset);
            format!("{} {}", wareki::long(t.date_naive()), t.format("%H:%M"))
        })
        .unwrap_or_else(|_| at.to_owned())
}

fn sex_ja(detail: &RequestDetail) -> &'static str {
    detail.summary.patient_sex.label_ja()
}

fn needs_ja(detail: &RequestDetail) -> String {
    let needs = crate::reports::needs::needs_ja(&detail.care);
    let unknown = crate::reports::needs::not_stated_ja(&detail.care);
    let stated = if needs.is_empty() { "特記なし".to_owned() } else { needs.join("、") };
    if unknown.is_empty() { stated } else { format!("{stated}（{unknown}）") }
}

fn end(title: &str, e: &TripEnd) -> String {
    format!(
        "<tr><th>{}</th><td><strong>{}</strong><br>{}<br>病棟: {}　担当: {}　電話: {}</td></tr>",
        escape(title),
        escape(&e.hospital_name),
        escape(&e.address),
        escape(if e.ward.is_empty() { "—" } else { &e.ward }),
        escape(if e.contact.is_empty() { "—" } else { &e.contact }),
        escape(if e.phone.is_empty() { "—" } else { &e.phone }),
    )
}

/// The sheet as a printable HTML page.
pub fn html(
    b: &TransportBooking,
    detail: &RequestDetail,
    desk_name: &str,
    now: DateTime<Utc>,
    offset: FixedOffset,
) -> String {
    let oxygen = b.oxygen_l_per_min.map_or("なし".to_owned(), |f| format!("{f} L/分"));
    let cost = b.cost_yen.map_or("未定".to_owned(), |yen| format!("{yen} 円"));
    let rows = [
        (
            "依頼番号",
            format!("{}（手配 {}）", escape(&detail.summary.ref_no), escape(&b.id[b.id.len().saturating_sub(8)..])),
        ),
        ("搬送事業者", format!("{}　電話: {}", escape(&b.provider_name), escape(&b.provider_phone))),
        ("迎えの日時", format!("<strong class=\"big\">{}</strong>", escape(&local(&b.pickup_at, offset)))),
        ("車両", escape(b.vehicle_type.label_ja())),
        ("酸素", escape(&oxygen)),
        ("付添", escape(if b.escort.is_empty() { "なし" } else { &b.escort })),
        ("公費", (if b.public_funds { "対象" } else { "対象外" }).to_owned()),
        ("費用", escape(&cost)),
        (
            "患者",
            format!(
                "{}　{}歳　{}　ADL: {}<br>必要な処置: {}",
                escape(&detail.summary.patient_initials),
                detail.summary.patient_age,
                sex_ja(detail),
                adl_ja(detail),
                escape(&needs_ja(detail))
            ),
        ),
    ];
    let mut body = String::new();
    for (title, value) in rows {
        body.push_str(&format!("<tr><th>{title}</th><td>{value}</td></tr>"));
    }
    body.push_str(&end("出発（依頼元）", &b.from));
    body.push_str(&end("到着（受入先）", &b.to));
    body.push_str(&format!(
        "<tr><th>備考</th><td class=\"note\">{}</td></tr>",
        escape(if b.note.is_empty() { "—" } else { &b.note })
    ));
    format!(
        r#"<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>搬送依頼書 {ref_no}</title>
<style>
@page {{ size: A4; margin: 15mm; }}
* {{ box-sizing: border-box; }}
body {{ font-family: 'Noto Sans CJK JP', 'Noto Sans JP', sans-serif; font-size: 11pt; color: #000; margin: 0; padding: 0 0.5mm; }}
h1 {{ font-size: 20pt; text-align: center; margin: 0 0 4mm; letter-spacing: 0.5em; }}
.meta {{ display: flex; justify-content: space-between; margin-bottom: 4mm; }}
table {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
td {{ overflow-wrap: anywhere; }}
th, td {{ border: 1px solid #000; padding: 2.5mm 3mm; vertical-align: top; text-align: left; }}
th {{ width: 32mm; background: #eee; white-space: nowrap; }}
.big {{ font-size: 14pt; }}
.note {{ height: 25mm; }}
.stamps {{ display: flex; justify-content: flex-end; gap: 0; margin-top: 6mm; }}
th, .stamps span {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
.stamps div {{ width: 25mm; border: 1px solid #000; text-align: center; }}
.stamps div span {{ display: block; border-bottom: 1px solid #000; padding: 1mm; }}
.stamps div i {{ display: block; height: 20mm; }}
.foot {{ margin-top: 4mm; font-size: 9pt; }}
</style></head><body>
<h1>搬送依頼書</h1>
<div class="meta"><span>{desk}</span><span>作成: {made}</span></div>
<table>{body}</table>
<div class="stamps"><div><span>依頼者</span><i></i></div><div><span>確認</span><i></i></div></div>
<p class="foot">患者の氏名は記載していません。到着時に受入先の担当者へ引き継いでください。</p>
</body></html>"#,
        ref_no = escape(&detail.summary.ref_no),
        desk = escape(desk_name),
        made = escape(&local(&crate::timestamps::to_rfc3339(now), offset)),
    )
}

fn adl_ja(detail: &RequestDetail) -> &'static str {
    match detail.care.adl {
        crate::care::Adl::Unknown => "未確認",
        crate::care::Adl::Independent => "自立",
        crate::care::Adl::PartialAssist => "一部介助",
        crate::care::Adl::FullAssist => "全介助",
    }
}
