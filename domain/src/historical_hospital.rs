//! A hospital the previous system's records name that the directory does not have — closed, merged,
//! or never registered — added so its past cases import and count, without ever being offered for a
//! new transfer.
//!
//! How it is stored (the directory's code column is unique and required): with its
//! medical-institution code when the desk knows it; otherwise with a desk-local code
//! `hist-0001`, `hist-0002`, … that no real medical-institution code can equal (real ones are ten
//! digits). Such a hospital is inactive, so matching, the directory sheet and the packages leave it
//! out; its reading (kana) is left for the nurse to fill in the directory. Making it active again is
//! an ordinary edit of the hospital, which asks for a real code.

use serde::Deserialize;

use crate::codes::is_valid_medical_institution_code;
use crate::error::{Problem, Problems, Result};
use crate::hospital::{
    CheckedHospital, NAME_MAX, NewHospital, bounded_required, checked_municipality_code, normalise_code,
};
use crate::text::strip_controls;

/// The start of a desk-local code.
pub const LOCAL_CODE_PREFIX: &str = "hist-";

/// The desk-local code numbered `n`: `hist-0001`.
pub fn local_code(n: u32) -> String {
    format!("{LOCAL_CODE_PREFIX}{n:04}")
}

/// The number of a desk-local code, if `code` is one.
pub fn local_code_number(code: &str) -> Option<u32> {
    code.strip_prefix(LOCAL_CODE_PREFIX)?.parse().ok()
}

/// A hospital to add as historical: as the file names it, in the role the file names it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct HistoricalHospital {
    pub name: String,
    /// Its medical-institution code when known; empty for a desk-local code.
    #[serde(default)]
    pub code: String,
    pub municipality_code: String,
    /// The file names it as a referring hospital (else as a receiving one).
    pub referring: bool,
}

impl HistoricalHospital {
    /// Checks what needs no database and gives the hospital to store, with `local` as its code
    /// when none is given.
    pub fn checked(&self, local: impl FnOnce() -> String) -> Result<CheckedHospital> {
        let mut problems = Problems::default();
        let name = strip_controls(self.name.trim());
        bounded_required(&mut problems, "name", &name, NAME_MAX);
        let given = normalise_code(&self.code);
        if !given.is_empty() && !is_valid_medical_institution_code(&given) {
            problems.add("code", Problem::Invalid);
        }
        let municipality_code = checked_municipality_code(&mut problems, &self.municipality_code);
        problems.into_result()?;
        let values = NewHospital {
            code: if given.is_empty() { local() } else { given },
            short_name: name.clone(),
            name,
            municipality_code,
            is_referring: self.referring,
            is_receiving: !self.referring,
            active: false,
            ..NewHospital::default()
        };
        Ok(CheckedHospital { values, contacts: Vec::new() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed(code: &str) -> HistoricalHospital {
        HistoricalHospital {
            name: " 山の上病院 ".to_owned(),
            code: code.to_owned(),
            municipality_code: "１４１０１１".to_owned(),
            referring: false,
        }
    }

    #[test]
    fn without_a_code_it_gets_a_local_one_and_stays_inactive() {
        let checked = closed("").checked(|| local_code(3)).expect("checked");
        let h = &checked.values;
        assert_eq!(
            (h.code.as_str(), h.name.as_str(), h.municipality_code.as_str()),
            ("hist-0003", "山の上病院", "141011")
        );
        assert!(!h.active && h.is_receiving && !h.is_referring);
        assert_eq!(local_code_number(&h.code), Some(3));
        assert!(!is_valid_medical_institution_code(&h.code), "never a real code");
    }

    #[test]
    fn a_known_code_is_kept_and_a_wrong_one_refused() {
        let checked = closed("１４１０１１０００９").checked(|| unreachable!("a code was given")).expect("checked");
        assert_eq!(checked.values.code, "1410110009");
        let refused = closed("1410110000").checked(|| local_code(1)).expect_err("refused");
        assert!(format!("{refused:?}").contains("code"));
        let nameless = HistoricalHospital { name: " ".to_owned(), ..closed("") }.checked(|| local_code(1));
        assert!(format!("{:?}", nameless.expect_err("refused")).contains("name"));
        let nowhere = HistoricalHospital { municipality_code: String::new(), ..closed("") }.checked(|| local_code(1));
        assert!(format!("{:?}", nowhere.expect_err("refused")).contains("municipality_code"));
    }
}
