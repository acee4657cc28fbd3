//! Japanese public codes with check digits: local-government codes and medical-institution codes.
//!
//! Both are validated here and nowhere else, so every path that accepts a code (forms, the CLI,
//! reference data, demo data, later the exchange packages) refuses the same mistakes.

/// A 6-digit local-government code (全国地方公共団体コード, JIS X 0402): five digits and a check
/// digit. Weights 6,5,4,3,2 on the first five digits, sum mod 11, then the last digit of
/// (11 − remainder). 横浜市 141003, 川崎市 141305, 相模原市 141500.
pub fn is_valid_local_government_code(code: &str) -> bool {
    let Some(digits) = ascii_digits(code, 6) else { return false };
    let sum: u32 = digits[..5].iter().zip([6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
    (11 - sum % 11) % 10 == digits[5]
}

/// A 10-digit medical-institution code (医療機関コード): prefecture (2), point table (1: 1 medical,
/// 3 dental), district (2), number (4) and a check digit that makes the Luhn sum of all ten digits
/// a multiple of ten (e.g. 0110113719).
pub fn is_valid_medical_institution_code(code: &str) -> bool {
    let Some(digits) = ascii_digits(code, 10) else { return false };
    let prefecture = digits[0] * 10 + digits[1];
    let point_table = digits[2];
    (1..=47).contains(&prefecture) && (point_table == 1 || point_table == 3) && luhn_sum(&digits).is_multiple_of(10)
}

/// The prefecture part (first two digits) of a medical-institution code.
pub fn medical_institution_prefecture(code: &str) -> Option<&str> {
    code.get(..2)
}

fn luhn_sum(digits: &[u32]) -> u32 {
    digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d })
        .sum()
}

fn ascii_digits(code: &str, len: usize) -> Option<Vec<u32>> {
    if code.len() != len || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(code.bytes().map(|b| u32::from(b - b'0')).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_local_government_codes_pass() {
        for code in ["141003", "141305", "141500", "141011", "142018", "144029"] {
            assert!(is_valid_local_government_code(code), "{code} is a real code");
        }
    }

    #[test]
    fn local_government_code_with_wrong_check_digit_fails() {
        for code in ["141004", "141300", "14100", "1410033", "14100a", "１４１００３"] {
            assert!(!is_valid_local_government_code(code), "{code} must be refused");
        }
    }

    #[test]
    fn medical_institution_code_check_digit_is_luhn() {
        assert!(is_valid_medical_institution_code("0110113719"), "the example from DOMAIN.md");
        assert!(!is_valid_medical_institution_code("0110113718"), "wrong check digit");
        let with_check_digit = |nine: &str| {
            (0..10)
                .map(|d| format!("{nine}{d}"))
                .find(|c| ascii_digits(c, 10).is_some_and(|d| luhn_sum(&d).is_multiple_of(10)))
        };
        let point_table_2 = with_check_digit("012011371").expect("some digit completes the Luhn sum");
        assert!(!is_valid_medical_institution_code(&point_table_2), "point table 2 does not exist");
        let prefecture_48 = with_check_digit("481011371").expect("some digit completes the Luhn sum");
        assert!(!is_valid_medical_institution_code(&prefecture_48), "no prefecture 48");
        assert!(!is_valid_medical_institution_code("011011371"), "nine digits");
    }
}
