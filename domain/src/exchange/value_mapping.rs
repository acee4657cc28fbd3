//! Value mapping for the history import: the values a previous system wrote (「マッチング成立」,
//! 「病院車」, 「ﾀｸｼｰ」, 「桜総合」, 「鶴見区」) read as the desk's own — an outcome, a transport mode, a
//! hospital's code, a municipality's code. For each value that does not read as it is, the desk
//! suggests a reading (this module, from the candidates the desk passes in: nothing regional here);
//! the nurse accepts, changes or leaves it, and the readings are saved with the column mapping.

use serde::Serialize;

use crate::text::fold_width;

/// The fields whose values come from a list, and so can be mapped value by value.
pub const MAPPED_FIELDS: [&str; 7] =
    ["outcome", "transport_mode", "patient_sex", "bed_type", "referring_hospital", "receiving_hospital", "residence"];

/// The key a value is mapped under: width folded, spaces removed.
pub fn key(value: &str) -> String {
    fold_width(value).chars().filter(|c| !c.is_whitespace()).collect()
}

/// One value of a file that does not read as it is, with how many rows carry it and the desk's
/// suggested reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ValueQuestion {
    /// The field (`outcome`, `referring_hospital`, …).
    pub field: String,
    /// The value as the file writes it.
    pub value: String,
    pub rows: u32,
    /// The suggested reading (what the desk stores: a status, a code, an id), if any.
    pub suggestion: Option<String>,
    /// The suggestion as a nurse reads it (「受入決定」, 「桜総合病院（1410110009）」).
    pub suggestion_label: Option<String>,
    /// The reading already chosen in the mapping, if any.
    pub chosen: Option<String>,
    /// For a referring hospital: the value names this hospital exactly, but it is not marked as
    /// referring — the fix is to mark it (id, name), not to read the value as another hospital.
    pub not_referring: Option<HospitalNamed>,
}

/// A hospital by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HospitalNamed {
    pub id: String,
    pub name: String,
}

/// A candidate reading: what is stored, and the names it is known by (the first is shown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub reading: String,
    pub names: Vec<String>,
}

/// The desk's own outcome words, by the status they mean: the first word of a status that a value
/// contains decides (a withdrawal or a failure is looked for before a success, since 「不成立」
/// contains 「成立」).
const OUTCOME_WORDS: [(&str, &str, &[&str]); 4] = [
    ("withdrawn", "取下げ", &["取下", "取り下", "キャンセル", "中止", "withdraw"]),
    ("not_placed", "調整不成立", &["不成立", "不調", "不可", "見送", "not_placed"]),
    ("transferred", "転院済", &["転院", "搬送済", "搬送完了", "transfer"]),
    ("placed", "受入決定", &["受入決定", "決定", "成立", "受入可", "placed"]),
];

/// The outcome a value means, with its label.
pub fn suggest_outcome(value: &str) -> Option<(String, String)> {
    let text = key(value).to_lowercase();
    OUTCOME_WORDS
        .iter()
        .find(|(_, _, words)| words.iter().any(|w| text.contains(&w.to_lowercase())))
        .map(|(status, label, _)| ((*status).to_owned(), (*label).to_owned()))
}

/// The sex a value means.
pub fn suggest_sex(value: &str) -> Option<(String, String)> {
    let text = key(value).to_lowercase();
    if ["女", "f", "female", "woman"].iter().any(|w| text.starts_with(w)) {
        Some(("female".to_owned(), "女性".to_owned()))
    } else if ["男", "m", "male", "man"].iter().any(|w| text.starts_with(w)) {
        Some(("male".to_owned(), "男性".to_owned()))
    } else {
        None
    }
}

/// A term's name as compared: folded, spaces and anything in brackets left out
/// (「タクシー（タクシー協会）」 → 「タクシー」).
fn bare(name: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in key(name).chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = (depth - 1).max(0),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The best term of a list for a value: the same name; else a name that begins with the value or
/// that the value begins with (「病院車」 → 「病院車両」); else one containing it. Only a single best
/// candidate is suggested.
pub fn suggest_term(value: &str, terms: &[Candidate]) -> Option<(String, String)> {
    let text = bare(value);
    if text.is_empty() {
        return None;
    }
    let scored = |score: fn(&str, &str) -> bool| -> Vec<&Candidate> {
        terms.iter().filter(|c| c.names.iter().any(|n| score(&bare(n), &text))).collect()
    };
    let rules: [fn(&str, &str) -> bool; 3] = [
        |name, text| name == text,
        |name, text| name.starts_with(text) || text.starts_with(name),
        |name, text| name.contains(text) || text.contains(name),
    ];
    for rule in rules {
        if let [only] = scored(rule)[..] {
            return Some((only.reading.clone(), only.names.first().cloned().unwrap_or_default()));
        }
    }
    None
}

/// The words a hospital's name is written with or without (「病院」 left off, 「総合」 added, …).
const HOSPITAL_WORDS: [&str; 14] = [
    "社会医療法人",
    "医療法人社団",
    "医療法人財団",
    "医療法人",
    "独立行政法人",
    "医療センター",
    "総合病院",
    "クリニック",
    "診療所",
    "病院",
    "医院",
    "総合",
    "記念",
    "センター",
];

/// A hospital's name as compared: folded, spaces and 「・」 out, the common words left out.
pub fn hospital_key(name: &str) -> String {
    let mut text: String = key(name).chars().filter(|c| !matches!(c, '・' | '･' | '.' | '。')).collect();
    for word in HOSPITAL_WORDS {
        text = text.replace(word, "");
    }
    text
}

/// The hospital a name as typed means: its code when the value holds one; else the same name, short
/// name or reading once folded; else the same name without the common words (「桜総合」 and 「桜総合
/// 病院」); else the one name that begins with it. Ambiguity suggests nothing.
pub fn suggest_hospital(value: &str, hospitals: &[Candidate], codes: &[(String, String)]) -> Option<(String, String)> {
    let text = key(value);
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() >= 7
        && let Some((code, _)) = codes.iter().find(|(code, _)| *code == digits)
    {
        let label = hospitals.iter().find(|c| c.reading == *code).and_then(|c| c.names.first().cloned());
        return Some((code.clone(), label.unwrap_or_else(|| code.clone())));
    }
    let stripped = hospital_key(value);
    let one = |found: Vec<&Candidate>| -> Option<(String, String)> {
        match found[..] {
            [only] => {
                let name = only.names.first().cloned().unwrap_or_default();
                Some((only.reading.clone(), format!("{name}（{}）", only.reading)))
            }
            _ => None,
        }
    };
    let exact: Vec<&Candidate> = hospitals.iter().filter(|c| c.names.iter().any(|n| key(n) == text)).collect();
    if !exact.is_empty() {
        return one(exact);
    }
    // One character left once the common words are out (「桜」) says too little to recognise by.
    if stripped.chars().count() < 2 {
        return one(hospitals.iter().filter(|c| c.names.iter().any(|n| key(n).starts_with(&text))).collect());
    }
    let same: Vec<&Candidate> =
        hospitals.iter().filter(|c| c.names.iter().any(|n| hospital_key(n) == stripped)).collect();
    if !same.is_empty() {
        return one(same);
    }
    one(hospitals.iter().filter(|c| c.names.iter().any(|n| hospital_key(n).starts_with(&stripped))).collect())
}

/// The municipality a place as typed means: the same name; else the one name ending with it (a ward
/// written without its city, 「鶴見区」); else the longest name the value ends with (a county or the
/// prefecture written before it, 「愛甲郡愛川町」, 「神奈川県平塚市」).
pub fn suggest_municipality(value: &str, municipalities: &[Candidate]) -> Option<(String, String)> {
    let text = key(value);
    if text.is_empty() {
        return None;
    }
    let label = |c: &Candidate| (c.reading.clone(), c.names.first().cloned().unwrap_or_default());
    if let Some(found) = municipalities.iter().find(|c| c.names.iter().any(|n| key(n) == text)) {
        return Some(label(found));
    }
    let ending: Vec<&Candidate> =
        municipalities.iter().filter(|c| c.names.iter().any(|n| key(n).ends_with(&text))).collect();
    if let [only] = ending[..] {
        return Some(label(only));
    }
    municipalities
        .iter()
        .filter_map(|c| {
            c.names
                .iter()
                .map(|n| key(n))
                .filter(|n| text.ends_with(n.as_str()))
                .max_by_key(|n| n.chars().count())
                .map(|n| (n.chars().count(), c))
        })
        .max_by_key(|(length, _)| *length)
        .map(|(_, c)| label(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(reading: &str, names: &[&str]) -> Candidate {
        Candidate { reading: reading.to_owned(), names: names.iter().map(|n| (*n).to_owned()).collect() }
    }

    #[test]
    fn outcomes_as_desks_wrote_them() {
        let status = |v: &str| suggest_outcome(v).map(|(s, _)| s);
        assert_eq!(status("マッチング成立").as_deref(), Some("placed"));
        assert_eq!(status("調整不調").as_deref(), Some("not_placed"));
        assert_eq!(status("調整不成立").as_deref(), Some("not_placed"), "not read as 成立");
        assert_eq!(status("依頼取下げ").as_deref(), Some("withdrawn"));
        assert_eq!(status("転院完了").as_deref(), Some("transferred"));
        assert_eq!(status("保留"), None);
        assert_eq!(suggest_sex("女性").map(|(s, _)| s).as_deref(), Some("female"));
        assert_eq!(suggest_sex("Ｍ").map(|(s, _)| s).as_deref(), Some("male"));
    }

    #[test]
    fn terms_by_their_names_in_any_width() {
        let modes = [
            candidate("private_ambulance", &["民間救急"]),
            candidate("welfare_taxi", &["福祉タクシー"]),
            candidate("taxi", &["タクシー（タクシー協会）"]),
            candidate("hospital_vehicle", &["病院車両"]),
        ];
        let id = |v: &str| suggest_term(v, &modes).map(|(id, _)| id);
        assert_eq!(id("病院車").as_deref(), Some("hospital_vehicle"));
        assert_eq!(id("ﾀｸｼｰ").as_deref(), Some("taxi"), "half-width kana, the bracketed part left out");
        assert_eq!(id("福祉 タクシー").as_deref(), Some("welfare_taxi"));
        assert_eq!(id("家族送迎"), None, "nothing like it: no guess");
    }

    #[test]
    fn hospitals_as_nurses_typed_them() {
        let hospitals = [
            candidate("1410110009", &["桜総合病院", "桜総合"]),
            candidate("1410712226", &["桜リハビリテーション病院", "桜リハ"]),
            candidate("1411012345", &["若葉記念病院", ""]),
            candidate("1412019999", &["みなと赤十字病院", "みなと赤十字"]),
        ];
        let codes: Vec<(String, String)> = hospitals.iter().map(|c| (c.reading.clone(), c.reading.clone())).collect();
        let code = |v: &str| suggest_hospital(v, &hospitals, &codes).map(|(c, _)| c);
        assert_eq!(code("桜総合病院").as_deref(), Some("1410110009"));
        assert_eq!(code("桜総合").as_deref(), Some("1410110009"), "病院 left off");
        assert_eq!(code("桜 総合病院").as_deref(), Some("1410110009"), "a stray space");
        assert_eq!(code("若葉記念").as_deref(), Some("1411012345"));
        assert_eq!(code("若葉病院").as_deref(), Some("1411012345"), "記念 left off");
        assert_eq!(code("みなと赤十字").as_deref(), Some("1412019999"), "the short name");
        assert_eq!(code("１４１０７１２２２６").as_deref(), Some("1410712226"), "a code in full-width digits");
        assert_eq!(code("桜"), None, "two hospitals begin so: no guess");
        assert_eq!(code("山の上病院"), None);
    }

    #[test]
    fn places_as_written_by_hand() {
        let places = [
            candidate("141003", &["横浜市"]),
            candidate("141011", &["横浜市鶴見区"]),
            candidate("143014", &["川崎市緑区"]),
            candidate("141364", &["横浜市緑区"]),
            candidate("144029", &["愛川町"]),
            candidate("142034", &["平塚市"]),
        ];
        let code = |v: &str| suggest_municipality(v, &places).map(|(c, _)| c);
        assert_eq!(code("鶴見区").as_deref(), Some("141011"), "a ward without its city");
        assert_eq!(code("緑区"), None, "two cities have one");
        assert_eq!(code("愛甲郡愛川町").as_deref(), Some("144029"), "the county written before the town");
        assert_eq!(code("神奈川県平塚市").as_deref(), Some("142034"));
        assert_eq!(code("神奈川県横浜市鶴見区").as_deref(), Some("141011"), "the longest name it ends with");
    }
}
