//! 和暦 round trips and robustness, over every date of the modern eras.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use tenin_core::wareki::{long, parse_date, short};

fn any_era_date() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(1868, 10, 23).expect("Meiji 1");
    (0i64..120_000).prop_map(move |days| first + Duration::days(days))
}

proptest! {
    #[test]
    fn long_and_short_forms_read_back_to_the_same_date(date in any_era_date()) {
        prop_assert_eq!(parse_date(&long(date), None), Ok(date), "{}", long(date));
        prop_assert_eq!(parse_date(&short(date), None), Ok(date), "{}", short(date));
        prop_assert_eq!(parse_date(&date.to_string(), None), Ok(date));
    }

    #[test]
    fn any_text_is_read_or_refused_without_panicking(text in "\\PC{0,24}") {
        let _ = parse_date(&text, tenin_core::wareki::Era::find("R"));
    }

    #[test]
    fn digit_and_separator_soup_is_read_or_refused_without_panicking(text in "[RHSrh0-9０-９./\\-年月日元令和平成 ]{0,16}") {
        let _ = parse_date(&text, None);
    }
}
