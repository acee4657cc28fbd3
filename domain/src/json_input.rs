//! Reading records from JSON files (hospital updates, capacity reports) so that a mistake names
//! its place: `[2].requirements.suctioning`, not "line 40 column 7".

use crate::error::Detail;
use serde::de::DeserializeOwned;

use crate::error::{Error, FieldProblem, Problem, Result};

/// Reads one object or an array of them. A value that does not fit `T` is refused as a validation
/// problem whose field is its path in the file.
pub fn read_list<T: DeserializeOwned>(text: &str) -> Result<Vec<T>> {
    read_values(text)?.into_iter().enumerate().map(|(index, item)| from_value_at(index, item)).collect()
}

/// The objects of a file holding one object or an array of them.
pub fn read_values(text: &str) -> Result<Vec<serde_json::Value>> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| Error::detailed("", Problem::Invalid, Detail::JsonUnreadable { reason: e.to_string() }))?;
    Ok(match value {
        serde_json::Value::Array(items) => items,
        single => vec![single],
    })
}

/// Reads the `index`-th record of a file as `T`, naming the field of any mistake (`[2].name`).
pub fn from_value_at<T: DeserializeOwned>(index: usize, value: serde_json::Value) -> Result<T> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { format!("[{index}]") } else { format!("[{index}].{path}") };
        Error::Validation(vec![problem_of(&field, &e.into_inner().to_string())])
    })
}

/// `patch`'s fields laid over `base`'s: what a partial update in a file means. Objects are
/// replaced as a whole, so a file's `requirements` is the hospital's whole set.
pub fn overlay(base: serde_json::Value, patch: serde_json::Value) -> serde_json::Value {
    match (base, patch) {
        (serde_json::Value::Object(mut base), serde_json::Value::Object(patch)) => {
            base.extend(patch);
            serde_json::Value::Object(base)
        }
        (_, patch) => patch,
    }
}

fn problem_of(field: &str, serde_message: &str) -> FieldProblem {
    let (problem, japanese) = if serde_message.starts_with("unknown field") {
        (Problem::NotAllowed, "この項目名は使えません")
    } else if serde_message.starts_with("unknown variant") {
        (Problem::UnknownReference, "決められた値のどれでもありません")
    } else if serde_message.starts_with("missing field") {
        (Problem::Required, "必須項目がありません")
    } else {
        (Problem::Invalid, "値の形式が正しくありません")
    };
    let mut found = FieldProblem::new(field, problem);
    found.message = format!("{japanese}（{serde_message}）");
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hospital::NewHospital;

    fn field_of(text: &str) -> (String, Problem) {
        match read_list::<NewHospital>(text) {
            Err(Error::Validation(problems)) => (problems[0].field.clone(), problems[0].problem.clone()),
            other => panic!("not refused: {other:?}"),
        }
    }

    const GOOD: &str = r#"{"code": "1410110009", "name": "桜総合病院", "name_kana": "さくら",
        "municipality_code": "141011", "is_referring": false, "is_receiving": true"#;

    #[test]
    fn mistakes_in_a_file_name_their_place() {
        let unknown_requirement = format!(r#"[{GOOD}}}, {GOOD}, "requirements": {{"negative_pcr": 3}}}}]"#);
        assert_eq!(field_of(&unknown_requirement), ("[1].requirements.negative_pcr".into(), Problem::NotAllowed));
        let unknown_value = format!(r#"{GOOD}, "requirements": {{"suctioning": "sometimes"}}}}"#);
        assert_eq!(field_of(&unknown_value), ("[0].requirements.suctioning".into(), Problem::UnknownReference));
        let wrong_type = format!(r#"{GOOD}, "latitude": "north"}}"#);
        assert_eq!(field_of(&wrong_type), ("[0].latitude".into(), Problem::Invalid));
        assert_eq!(field_of(r#"{"code": "1410110009"}"#).1, Problem::Required);
        assert_eq!(read_list::<NewHospital>(&format!("{GOOD}}}")).expect("test value").len(), 1);
    }
}
