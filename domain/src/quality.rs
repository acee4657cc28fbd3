//! The data-quality checklist of a request: what is missing or implausible, which of it blocks
//! matching, and a score — so the desk follows up the right things and knows which referring
//! hospitals to coach.
//!
//! Score: 100, less 20 for each gap that blocks matching, 10 for each implausible value and 5 for
//! each other gap; never below 0.

use chrono::NaiveDate;
use serde::Serialize;

use crate::care::{Adl, CareItem};
use crate::request_view::RequestDetail;
pub use crate::request_view::{CheckCode, QualityItem, QualityKind, QualityReport};

/// Oxygen flows above this are unusual for a downward transfer and are questioned (not refused).
pub const OXYGEN_QUESTION_ABOVE: f64 = 5.0;
/// Ages above this are questioned.
pub const AGE_QUESTION_ABOVE: u8 = 105;

/// Checks one request against today's date (in the desk's time zone).
pub fn assess(r: &RequestDetail, today: NaiveDate) -> QualityReport {
    let mut items = Vec::new();
    let mut add = |field: &str, kind: QualityKind, blocks_matching: bool, check: CheckCode, message: String| {
        items.push(QualityItem { field: field.to_owned(), kind, blocks_matching, check, message });
    };
    use QualityKind::*;
    if r.summary.residence_municipality_code.is_none() {
        add(
            "residence_municipality_code",
            Missing,
            true,
            CheckCode::ResidenceMissing,
            "居住地が未入力です（距離・地域で候補を絞れません）".into(),
        );
    }
    if r.bed_type_id.is_none() {
        add("bed_type_id", Missing, true, CheckCode::BedTypeMissing, "希望する病床種別が未入力です".into());
    }
    if r.care.adl == Adl::Unknown {
        add(
            "care.adl",
            NotStated,
            true,
            CheckCode::AdlNotStated,
            "ADLが未確認です（必要な介助が判断できません）".into(),
        );
    }
    let date_unstated =
        |field: &str, date: &Option<String>| date.is_none() && !r.covid_dates_none.iter().any(|f| f == field);
    let missing = [
        ("referrer_person", r.referrer_person.is_empty(), "依頼元の担当者"),
        ("referrer_phone", r.referrer_phone.is_empty(), "依頼元の電話番号"),
    ];
    for (field, is_missing, label) in missing {
        if is_missing {
            add(field, Missing, false, CheckCode::Missing, format!("{label}が未入力です"));
        }
    }
    for (field, value, label) in [
        ("onset_date", &r.onset_date, "発症日"),
        ("positive_test_date", &r.positive_test_date, "陽性判明日"),
        ("criteria_met_date", &r.criteria_met_date, "退院基準を満たした日"),
    ] {
        if date_unstated(field, value) {
            add(field, NotStated, false, CheckCode::NotStated, format!("{label}が未確認です（ない場合は「なし」）"));
        }
    }
    if r.clinical_summary.is_empty() {
        add("clinical_summary", Missing, false, CheckCode::Missing, "臨床経過が未入力です".into());
    }
    // A care item never answered is not "none": it is listed until someone asks (ADL above: it
    // blocks matching).
    for item in r.care.not_stated().into_iter().filter(|item| *item != CareItem::Adl) {
        add(
            item.field(),
            NotStated,
            false,
            CheckCode::NotStated,
            format!("{}が未確認です（「なし」も含めて確認してください）", item.label_ja()),
        );
    }
    let date = |d: &Option<String>| d.as_deref().and_then(|d| d.parse::<NaiveDate>().ok());
    let (onset, positive, criteria) = (date(&r.onset_date), date(&r.positive_test_date), date(&r.criteria_met_date));
    if let (Some(onset), Some(criteria)) = (onset, criteria)
        && criteria < onset
    {
        add(
            "criteria_met_date",
            Implausible,
            false,
            CheckCode::CriteriaBeforeOnset,
            "退院基準を満たした日が発症日より前です".into(),
        );
    }
    if let (Some(onset), Some(positive)) = (onset, positive)
        && (positive - onset).num_days() < -14
    {
        add(
            "positive_test_date",
            Implausible,
            false,
            CheckCode::PositiveLongBeforeOnset,
            "陽性判明日が発症日の14日以上前です".into(),
        );
    }
    for (field, value, label) in [
        ("onset_date", onset, "発症日"),
        ("positive_test_date", positive, "陽性判明日"),
        ("criteria_met_date", criteria, "退院基準を満たした日"),
    ] {
        if value.is_some_and(|d| d > today) {
            add(field, Implausible, false, CheckCode::InFuture, format!("{label}が未来の日付です"));
        }
    }
    if r.summary.patient_age > AGE_QUESTION_ABOVE {
        add(
            "patient_age",
            Implausible,
            false,
            CheckCode::AgeToCheck { age: r.summary.patient_age },
            format!("年齢{}歳を確認してください", r.summary.patient_age),
        );
    }
    if let Some(flow) = r.care.oxygen_flow()
        && flow > OXYGEN_QUESTION_ABOVE
    {
        add(
            "care.oxygen_l_per_min",
            Implausible,
            false,
            CheckCode::OxygenHigh { flow: flow.to_string() },
            format!("酸素{flow}L/分は下り搬送としては多い量です（確認）"),
        );
    }
    let digits = r.referrer_phone.chars().filter(char::is_ascii_digit).count();
    if !r.referrer_phone.is_empty() && !(10..=11).contains(&digits) {
        add(
            "referrer_phone",
            Implausible,
            false,
            CheckCode::PhoneDigits,
            "電話番号の桁数が10〜11桁ではありません".into(),
        );
    }
    let penalty: u32 = items
        .iter()
        .map(|i| match (i.blocks_matching, i.kind) {
            (true, _) => 20,
            (false, Implausible) => 10,
            (false, Missing | NotStated) => 5,
        })
        .sum();
    QualityReport { score: 100u32.saturating_sub(penalty), can_match: !items.iter().any(|i| i.blocks_matching), items }
}

/// A referring hospital's average quality over a period, for knowing whom to coach.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReferrerQuality {
    pub hospital_id: String,
    pub hospital_name: String,
    pub requests: u32,
    pub average_score: f64,
    /// How many of its requests could not be matched as sent.
    pub blocked: u32,
}
