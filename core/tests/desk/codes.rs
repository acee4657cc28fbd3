//! Property tests for the code validators (issue 3): every correctly built code passes, and the
//! mistakes people make when reading codes over the phone are caught.

use proptest::prelude::*;
use tenin_core::codes::{is_valid_local_government_code, is_valid_medical_institution_code};

fn luhn_complete(nine: &str) -> String {
    (0..10)
        .map(|d| format!("{nine}{d}"))
        .find(|c| {
            let sum: u32 = c
                .bytes()
                .rev()
                .enumerate()
                .map(|(i, b)| {
                    let d = u32::from(b - b'0');
                    if i % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d }
                })
                .sum();
            sum.is_multiple_of(10)
        })
        .expect("one digit completes any Luhn sum")
}

fn medical_code() -> impl Strategy<Value = String> {
    (1u32..=47, prop_oneof![Just(1u32), Just(3u32)], 0u32..100, 0u32..10_000)
        .prop_map(|(pref, table, district, number)| luhn_complete(&format!("{pref:02}{table}{district:02}{number:04}")))
}

fn local_code() -> impl Strategy<Value = String> {
    (1u32..=47, 0u32..1000).prop_map(|(pref, rest)| {
        let five = format!("{pref:02}{rest:03}");
        let sum: u32 = five.bytes().zip([6, 5, 4, 3, 2]).map(|(b, w)| u32::from(b - b'0') * w).sum();
        format!("{five}{}", (11 - sum % 11) % 10)
    })
}

proptest! {
    #[test]
    fn every_well_formed_medical_code_passes(code in medical_code()) {
        prop_assert!(is_valid_medical_institution_code(&code), "{code}");
    }

    #[test]
    fn a_single_misheard_digit_is_caught(code in medical_code(), position in 0usize..10, delta in 1u8..10) {
        let mut bytes = code.clone().into_bytes();
        bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
        let changed = String::from_utf8(bytes).expect("ascii");
        prop_assert!(!is_valid_medical_institution_code(&changed), "{code} → {changed} must be refused");
    }

    #[test]
    fn swapped_neighbours_are_caught_except_09_and_90(code in medical_code(), position in 0usize..9) {
        let mut bytes = code.clone().into_bytes();
        let (a, b) = (bytes[position], bytes[position + 1]);
        prop_assume!(a != b && !matches!((a, b), (b'0', b'9') | (b'9', b'0')));
        bytes.swap(position, position + 1);
        let swapped = String::from_utf8(bytes).expect("ascii");
        // A swap in the first three digits may also leave the prefecture or point table invalid;
        // either way it must not pass.
        prop_assert!(!is_valid_medical_institution_code(&swapped), "{code} → {swapped} must be refused");
    }

    #[test]
    fn every_well_formed_local_government_code_passes(code in local_code()) {
        prop_assert!(is_valid_local_government_code(&code), "{code}");
    }

    #[test]
    fn validators_never_panic_on_any_text(text in "\\PC{0,16}") {
        let _ = is_valid_medical_institution_code(&text);
        let _ = is_valid_local_government_code(&text);
    }
}
