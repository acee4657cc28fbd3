//! How people name a request: the desk's reference number said on the phone (「261121-005」, typed
//! with full-width digits, any dash, or none), the internal id the app and `--json` carry, or the
//! referring hospital's own record id from its package or template (「E2E-1」, or 「1410110009:E2E-1」
//! to say which hospital's). One reading for every command and screen that takes a request.

use crate::text::fold_width;

/// A typed name, read every way it could be meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestName {
    /// As typed, trimmed (an internal id is compared with this).
    pub text: String,
    /// The reference number it would be (`YYMMDD-NNN`), when it has that shape.
    pub ref_no: Option<String>,
    /// The hospital code before a `:` (「1410110009:E2E-1」), narrowing a record id to one sender.
    pub sender: Option<String>,
    /// The record id it would be (folded to half-width, as the exchange stores it).
    pub record_id: String,
}

const DASHES: [char; 7] = ['‐', '‑', '‒', '–', '—', '−', 'ー'];

impl RequestName {
    pub fn parse(text: &str) -> RequestName {
        let text = text.trim().to_owned();
        let folded: String = fold_width(&text).chars().map(|c| if DASHES.contains(&c) { '-' } else { c }).collect();
        let digits: String = folded.chars().filter(|c| *c != '-').collect();
        let shaped = digits.len() == 9
            && digits.chars().all(|c| c.is_ascii_digit())
            && (folded.len() == 9 || folded.find('-') == Some(6) && folded.len() == 10);
        let ref_no = shaped.then(|| format!("{}-{}", &digits[..6], &digits[6..]));
        let (sender, record_id) = match folded.split_once(':') {
            Some((code, record)) if !code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric()) => {
                (Some(code.to_owned()), record.trim().to_owned())
            }
            _ => (None, folded.clone()),
        };
        RequestName { text, ref_no, sender, record_id }
    }

    /// What was tried, for a refusal: 「X」（受付番号・ID・医療機関の管理番号）.
    pub fn tried_ja(&self) -> String {
        format!("「{}」を受付番号・ID・医療機関の管理番号として探しました", self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_number_is_read_however_it_was_typed() {
        for typed in ["261121-005", "２６１１２１－００５", "261121ー005", "261121005", " 261121-005 "] {
            assert_eq!(RequestName::parse(typed).ref_no.as_deref(), Some("261121-005"), "{typed}");
        }
        assert_eq!(RequestName::parse("2611-21005").ref_no, None, "a dash elsewhere is not a reference number");
        assert_eq!(RequestName::parse("26112100").ref_no, None);
    }

    #[test]
    fn a_hospital_record_may_name_its_hospital() {
        let name = RequestName::parse("１４１０１１０００９：E2E-1");
        assert_eq!((name.sender.as_deref(), name.record_id.as_str()), (Some("1410110009"), "E2E-1"));
        let bare = RequestName::parse("E2E-1");
        assert_eq!((bare.sender, bare.record_id.as_str(), bare.ref_no), (None, "E2E-1", None));
    }
}
