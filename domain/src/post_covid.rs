//! The referral network for patients with post-COVID conditions (罹患後症状), the model's second part:
//! 一次受け (primary: local hospitals and clinics that see such patients first) and 二次受け (secondary:
//! the university hospitals they refer to, which refer back). Each institution's entry says what it
//! sees and whether it agreed to be published; the published list (those who agreed, grouped by
//! region) goes on the prefecture's website — being on it mattered for reimbursement — and the counts
//! over time are reported (primary 402 → 491, publishable 120 → 200+ in the model).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Problem, Problems, Result};
use crate::html::escape;
use crate::text::{char_len, fold_width, strip_controls};

const TEXT_MAX: usize = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PostCovidTier {
    /// 一次受け: sees the patient first, refers on when needed.
    Primary,
    /// 二次受け: specialist care (the university hospitals), refers back once stable.
    Secondary,
}

impl PostCovidTier {
    pub fn as_str(self) -> &'static str {
        match self {
            PostCovidTier::Primary => "primary",
            PostCovidTier::Secondary => "secondary",
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            PostCovidTier::Primary => "一次受け",
            PostCovidTier::Secondary => "二次受け",
        }
    }

    /// As stored, or as a survey writes it (「一次」「一次受け」「1」「primary」).
    pub fn parse(text: &str) -> Option<PostCovidTier> {
        match fold_width(text.trim()).as_str() {
            "primary" | "一次" | "一次受け" | "1" => Some(PostCovidTier::Primary),
            "secondary" | "二次" | "二次受け" | "2" => Some(PostCovidTier::Secondary),
            _ => None,
        }
    }
}

/// An institution's entry, as typed or as its survey answers it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct PostCovidInput {
    pub hospital_id: String,
    /// `None`: taken off the network (the entry and its history are kept).
    pub tier: Option<PostCovidTier>,
    /// 診療科 (e.g. 「内科、呼吸器内科」).
    pub departments: String,
    /// 対応する症状 (e.g. 「倦怠感、咳嗽、嗅覚・味覚障害」).
    pub conditions: String,
    /// 紹介状が必要.
    pub referral_needed: bool,
    /// 受付時間 as written.
    pub hours: String,
    /// Agreed to be named on the prefecture's published list.
    pub publish: bool,
    pub note: String,
}

/// One institution on the network, as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PostCovidEntry {
    pub hospital_id: String,
    pub hospital_code: String,
    pub hospital_name: String,
    pub municipality_name: String,
    /// The secondary medical region under the plan in force (the published list's groups).
    pub region_name: Option<String>,
    pub phone: String,
    pub tier: Option<PostCovidTier>,
    pub departments: String,
    pub conditions: String,
    pub referral_needed: bool,
    pub hours: String,
    pub publish: bool,
    pub note: String,
    pub updated_at: String,
    pub version: u32,
}

/// The network at the end of a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PostCovidCount {
    /// YYYY-MM.
    pub month: String,
    pub primary: u32,
    pub primary_published: u32,
    pub secondary: u32,
}

/// One change of an entry, as kept for the counts over time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierChange {
    pub hospital_id: String,
    pub tier: Option<PostCovidTier>,
    pub publish: bool,
    pub on: NaiveDate,
}

impl PostCovidInput {
    /// Tidied and checked; refused as a whole, by field.
    pub fn checked(&self) -> Result<PostCovidInput> {
        let mut problems = Problems::default();
        let mut text = |field: &str, raw: &str| {
            let value = strip_controls(raw.trim());
            if char_len(&value) > TEXT_MAX {
                problems.add(field, Problem::TooLong { max: TEXT_MAX as u32 });
            }
            value
        };
        let checked = PostCovidInput {
            hospital_id: self.hospital_id.trim().to_owned(),
            tier: self.tier,
            departments: text("departments", &self.departments),
            conditions: text("conditions", &self.conditions),
            referral_needed: self.referral_needed,
            hours: text("hours", &self.hours),
            publish: self.publish && self.tier.is_some(),
            note: text("note", &self.note),
        };
        if checked.hospital_id.is_empty() {
            problems.add("hospital_id", Problem::Required);
        }
        problems.into_result()?;
        Ok(checked)
    }
}

/// The network at the end of each month from `from` to `to` (YYYY-MM), from the changes.
pub fn counts_over_time(changes: &[TierChange], months: &[(String, NaiveDate)]) -> Vec<PostCovidCount> {
    months
        .iter()
        .map(|(month, last_day)| {
            let mut latest: BTreeMap<&str, &TierChange> = BTreeMap::new();
            for change in changes.iter().filter(|c| c.on <= *last_day) {
                latest.insert(&change.hospital_id, change);
            }
            let is = |tier| latest.values().filter(move |c| c.tier == Some(tier));
            PostCovidCount {
                month: month.clone(),
                primary: is(PostCovidTier::Primary).count() as u32,
                primary_published: is(PostCovidTier::Primary).filter(|c| c.publish).count() as u32,
                secondary: is(PostCovidTier::Secondary).count() as u32,
            }
        })
        .collect()
}

/// The published list's rows (those who agreed), by tier, region and reading order: for CSV.
pub fn published_rows(entries: &[PostCovidEntry]) -> Vec<Vec<String>> {
    let mut rows = vec![
        ["区分", "二次医療圏", "医療機関名", "所在地", "電話", "診療科", "対応する症状", "紹介状", "受付時間"]
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>(),
    ];
    for e in published(entries) {
        rows.push(vec![
            e.tier.map(|t| t.label_ja()).unwrap_or_default().to_owned(),
            e.region_name.clone().unwrap_or_default(),
            e.hospital_name.clone(),
            e.municipality_name.clone(),
            e.phone.clone(),
            e.departments.clone(),
            e.conditions.clone(),
            if e.referral_needed { "必要" } else { "不要" }.to_owned(),
            e.hours.clone(),
        ]);
    }
    rows
}

fn published(entries: &[PostCovidEntry]) -> Vec<&PostCovidEntry> {
    let mut list: Vec<&PostCovidEntry> = entries.iter().filter(|e| e.publish && e.tier.is_some()).collect();
    list.sort_by(|a, b| {
        (a.tier, a.region_name.as_deref().unwrap_or("～"), &a.hospital_code).cmp(&(
            b.tier,
            b.region_name.as_deref().unwrap_or("～"),
            &b.hospital_code,
        ))
    });
    list
}

/// The published list as a web page (the prefecture's website): grouped by tier and region.
pub fn published_html(entries: &[PostCovidEntry], title: &str, as_of: &str) -> String {
    let mut body = String::new();
    let mut group: Option<(Option<PostCovidTier>, Option<String>)> = None;
    for e in published(entries) {
        let key = (e.tier, e.region_name.clone());
        if group.as_ref() != Some(&key) {
            if group.is_some() {
                body.push_str("</tbody></table>");
            }
            if group.as_ref().map(|g| g.0) != Some(e.tier) {
                body.push_str(&format!("<h2>{}</h2>", e.tier.map(|t| t.label_ja()).unwrap_or_default()));
            }
            body.push_str(&format!(
                "<h3>{}</h3><table><thead><tr><th>医療機関名</th><th>所在地</th><th>電話</th><th>診療科</th>\
                 <th>対応する症状</th><th>紹介状</th><th>受付時間</th></tr></thead><tbody>",
                escape(e.region_name.as_deref().unwrap_or("地域不明"))
            ));
            group = Some(key);
        }
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&e.hospital_name),
            escape(&e.municipality_name),
            escape(&e.phone),
            escape(&e.departments),
            escape(&e.conditions),
            if e.referral_needed { "必要" } else { "不要" },
            escape(&e.hours)
        ));
    }
    if group.is_some() {
        body.push_str("</tbody></table>");
    } else {
        body.push_str("<p>公表に同意した医療機関はまだありません。</p>");
    }
    format!(
        "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{t}</title><style>\
         body {{ font-family: 'Noto Sans CJK JP', sans-serif; margin: 2em; color: #111; }}\
         table {{ border-collapse: collapse; width: 100%; margin-bottom: 1.5em; }}\
         th, td {{ border: 1px solid #888; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }}\
         th {{ background: #eee; }}</style></head><body><h1>{t}</h1><p>{a}時点。掲載に同意した医療機関のみ。</p>{body}</body></html>",
        t = escape(title),
        a = escape(as_of)
    )
}

/// The survey's columns, in order (the template the desk sends and reads back).
pub const SURVEY_COLUMNS: [&str; 9] = [
    "医療機関コード",
    "医療機関名",
    "区分（一次/二次/なし）",
    "診療科",
    "対応する症状",
    "紹介状（要/不要）",
    "受付時間",
    "公表（可/否）",
    "備考",
];

/// A survey answer read back: the hospital's code and its entry (the id filled in by the caller),
/// or the problems of the row.
pub fn survey_answer(cells: &[String]) -> std::result::Result<(String, PostCovidInput), Vec<String>> {
    let cell = |i: usize| cells.get(i).map(|c| c.trim().to_owned()).unwrap_or_default();
    let mut problems = Vec::new();
    let code = fold_width(&cell(0));
    if code.is_empty() {
        problems.push("医療機関コードがありません".to_owned());
    }
    let tier = match cell(2).as_str() {
        "" | "なし" | "-" | "－" => None,
        text => match PostCovidTier::parse(text) {
            Some(tier) => Some(tier),
            None => {
                problems.push(format!("区分「{text}」は 一次・二次・なし のどれかで書いてください"));
                None
            }
        },
    };
    let yes_no = |text: &str, yes: &[&str], no: &[&str], what: &str, problems: &mut Vec<String>| {
        let folded = fold_width(text);
        if yes.contains(&folded.as_str()) {
            true
        } else if folded.is_empty() || no.contains(&folded.as_str()) {
            false
        } else {
            problems.push(format!("{what}「{text}」が読めません"));
            false
        }
    };
    let referral_needed =
        yes_no(&cell(5), &["要", "必要", "はい", "yes"], &["不要", "いいえ", "no"], "紹介状", &mut problems);
    let publish =
        yes_no(&cell(7), &["可", "はい", "yes", "同意"], &["否", "不可", "いいえ", "no"], "公表", &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let input = PostCovidInput {
        hospital_id: String::new(),
        tier,
        departments: cell(3),
        conditions: cell(4),
        referral_needed,
        hours: cell(6),
        publish,
        note: cell(8),
    };
    Ok((code, input))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().expect("test value")
    }

    #[test]
    fn the_counts_follow_each_institutions_latest_answer() {
        let change = |id: &str, tier, publish, on| TierChange { hospital_id: id.into(), tier, publish, on: day(on) };
        let changes = [
            change("a", Some(PostCovidTier::Primary), false, "2022-01-10"),
            change("b", Some(PostCovidTier::Primary), true, "2022-01-20"),
            change("c", Some(PostCovidTier::Secondary), true, "2022-02-01"),
            change("a", Some(PostCovidTier::Primary), true, "2022-02-15"),
            change("b", None, false, "2022-03-01"),
        ];
        let months = [
            ("2022-01".to_owned(), day("2022-01-31")),
            ("2022-02".to_owned(), day("2022-02-28")),
            ("2022-03".to_owned(), day("2022-03-31")),
        ];
        let counts: Vec<_> = counts_over_time(&changes, &months)
            .into_iter()
            .map(|c| (c.primary, c.primary_published, c.secondary))
            .collect();
        assert_eq!(counts, [(2, 1, 0), (2, 2, 1), (1, 1, 1)]);
    }

    #[test]
    fn a_survey_row_is_read_tolerantly_and_refused_with_reasons() {
        let row = |cells: &[&str]| cells.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
        let (code, input) = survey_answer(&row(&[
            "１４１２３４５６７８",
            "桜病院",
            "一次",
            "内科",
            "倦怠感",
            "要",
            "平日9-17時",
            "可",
            "",
        ]))
        .expect("read");
        assert_eq!(code, "1412345678");
        assert_eq!((input.tier, input.referral_needed, input.publish), (Some(PostCovidTier::Primary), true, true));
        let refused = survey_answer(&row(&["", "", "三次", "", "", "たぶん", "", "", ""])).expect_err("refused");
        assert_eq!(refused.len(), 3, "{refused:?}");
    }

    #[test]
    fn the_published_list_names_only_those_who_agreed() {
        let entry = |name: &str, publish| PostCovidEntry {
            hospital_id: name.into(),
            hospital_code: name.into(),
            hospital_name: name.into(),
            municipality_name: "横浜市中区".into(),
            region_name: Some("横浜".into()),
            phone: "045".into(),
            tier: Some(PostCovidTier::Primary),
            departments: "内科".into(),
            conditions: "<倦怠感>".into(),
            referral_needed: false,
            hours: String::new(),
            publish,
            note: String::new(),
            updated_at: String::new(),
            version: 1,
        };
        let entries = [entry("公表する病院", true), entry("公表しない病院", false)];
        let page = published_html(&entries, "罹患後症状の診療を行う医療機関", "2026-11-29");
        assert!(page.contains("公表する病院") && !page.contains("公表しない病院"));
        assert!(page.contains("&lt;倦怠感&gt;"), "escaped");
        assert_eq!(published_rows(&entries).len(), 2, "the header and the one who agreed");
    }
}
