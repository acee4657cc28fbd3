//! 和暦: Japanese era dates, read as typed and written as officials expect.
//!
//! Hospitals and nurses write dates many ways: 「R4.8.1」, 「令和4年8月1日」, 「令和元年5月1日」,
//! 「4/8/1」 with the era chosen elsewhere, 「2022/8/1」, 「2022-08-01」, full-width digits. [`parse_date`]
//! reads all of them into a calendar date, refusing dates that do not exist (2月30日) and era
//! dates outside their era (平成31年5月1日 is 令和元年5月1日). [`long`], [`short`] and [`month`] write
//! them back (「令和4年8月1日」, 「R4.8.1」, 「R4.8」 as in the prefecture's tables).
//!
//! There is no maintained crate for this; the era table is small and fixed by law.

use chrono::{Datelike, NaiveDate};

use crate::text::fold_width;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Era {
    pub name: &'static str,
    pub letter: char,
    /// The first day of the era (Gregorian).
    pub start: (i32, u32, u32),
}

/// The modern eras, oldest first.
pub const ERAS: [Era; 5] = [
    Era { name: "明治", letter: 'M', start: (1868, 10, 23) },
    Era { name: "大正", letter: 'T', start: (1912, 7, 30) },
    Era { name: "昭和", letter: 'S', start: (1926, 12, 25) },
    Era { name: "平成", letter: 'H', start: (1989, 1, 8) },
    Era { name: "令和", letter: 'R', start: (2019, 5, 1) },
];

impl Era {
    fn start_date(self) -> NaiveDate {
        let (y, m, d) = self.start;
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    fn end_date(self) -> Option<NaiveDate> {
        let index = ERAS.iter().position(|e| *e == self)?;
        ERAS.get(index + 1).and_then(|next| next.start_date().pred_opt())
    }

    /// The era a letter (R, H, …) or a name (令和, …) stands for.
    pub fn find(text: &str) -> Option<Era> {
        let upper = text.to_uppercase();
        ERAS.into_iter().find(|e| e.name == text || (upper.chars().count() == 1 && upper.starts_with(e.letter)))
    }

    /// The era a Gregorian date falls in.
    pub fn of(date: NaiveDate) -> Option<Era> {
        ERAS.into_iter().rev().find(|e| e.start_date() <= date)
    }

    /// The Gregorian year of this era's year `n` (1 = 元年).
    fn gregorian_year(self, n: i32) -> i32 {
        self.start.0 + n - 1
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("日付として読めません: {0}（例: 2026/11/12、R8.11.12、令和8年11月12日、20261112、11/12）")]
    Unreadable(String),
    #[error("存在しない日付です: {0}")]
    NoSuchDate(String),
    #[error("{given}は{era}の期間外です")]
    OutsideEra { given: String, era: &'static str },
    #[error("元号を指定してください（例: R4.8.1）: {0}")]
    EraNeeded(String),
}

/// Reads a date typed in any of the forms the desk sees. `default_era` is used for a bare
/// 「4/8/1」 (the era chosen beside the field); without it such input is refused, not guessed.
pub fn parse_date(input: &str, default_era: Option<Era>) -> Result<NaiveDate, DateError> {
    let text = fold_width(input).replace(' ', "");
    if text.is_empty() {
        return Err(DateError::Unreadable(input.to_owned()));
    }
    // 令和4年8月1日 / 令和元年5月1日 / 2022年8月1日
    if let Some(rest) = text.strip_suffix('日') {
        let (era, rest) = match ERAS.iter().find(|e| rest.starts_with(e.name)) {
            Some(era) => (Some(*era), &rest[era.name.len()..]),
            None => (None, rest),
        };
        let (year, rest) = rest.split_once('年').ok_or_else(|| DateError::Unreadable(input.to_owned()))?;
        let (month, day) = rest.split_once('月').ok_or_else(|| DateError::Unreadable(input.to_owned()))?;
        let year = if year == "元" { 1 } else { number(year, input)? };
        return build(era, year, number(month, input)?, number(day, input)?, input);
    }
    // R4.8.1 / H31/4/30
    let mut chars = text.chars();
    if let Some(first) = chars.next()
        && first.is_ascii_alphabetic()
    {
        let era = Era::find(&first.to_string()).ok_or_else(|| DateError::Unreadable(input.to_owned()))?;
        let [y, m, d] = three_numbers(chars.as_str(), input)?;
        return build(Some(era), y, m, d, input);
    }
    // 20220801
    if text.len() == 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        return build(None, number(&text[..4], input)?, number(&text[4..6], input)?, number(&text[6..], input)?, input);
    }
    // 2022-08-01 / 2022/8/1 / 4/8/1 (with the era chosen)
    let [y, m, d] = three_numbers(&text, input)?;
    if y >= 1000 {
        build(None, y, m, d, input)
    } else {
        let era = default_era.ok_or_else(|| DateError::EraNeeded(input.to_owned()))?;
        build(Some(era), y, m, d, input)
    }
}

/// Which way a date without a year is read: in a field for the past (onset, criteria met) the latest
/// such date on or before today; in a field for the future (desired date, call-back, pickup) the
/// first on or after today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toward {
    Past,
    Future,
}

/// [`parse_date`], and with `near` a date without a year (「11/12」, 「11月12日」, 「１２月１日」) is
/// read the way a desk writes it (see [`Toward`]).
pub fn parse_date_near(
    input: &str,
    default_era: Option<Era>,
    near: Option<(NaiveDate, Toward)>,
) -> Result<NaiveDate, DateError> {
    let full = parse_date(input, default_era);
    let (Err(_), Some((today, toward))) = (&full, near) else { return full };
    let Some((month, day)) = month_and_day(input) else { return full };
    let candidate = |year: i32| NaiveDate::from_ymd_opt(year, month, day);
    // Up to four years each way, for 2/29.
    let years: Vec<i32> = match toward {
        Toward::Past => (0..=4).map(|back| today.year() - back).collect(),
        Toward::Future => (0..=4).map(|ahead| today.year() + ahead).collect(),
    };
    years
        .into_iter()
        .filter_map(candidate)
        .find(|date| match toward {
            Toward::Past => *date <= today,
            Toward::Future => *date >= today,
        })
        .ok_or_else(|| DateError::NoSuchDate(input.to_owned()))
}

/// 「11/12」, 「11-12」, 「11.12」, 「11月12日」 (width folded): the month and the day.
fn month_and_day(input: &str) -> Option<(u32, u32)> {
    let text = fold_width(input).replace(' ', "");
    let (month, day) = match text.strip_suffix('日') {
        Some(rest) => rest.split_once('月')?,
        None => text.split_once(['/', '-', '.'])?,
    };
    let digits = |t: &str| !t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(month) || !digits(day) {
        return None;
    }
    let (month, day) = (month.parse().ok()?, day.parse().ok()?);
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((month, day))
}

fn number(text: &str, input: &str) -> Result<i32, DateError> {
    if text.is_empty() || text.len() > 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DateError::Unreadable(input.to_owned()));
    }
    text.parse().map_err(|_| DateError::Unreadable(input.to_owned()))
}

fn three_numbers(text: &str, input: &str) -> Result<[i32; 3], DateError> {
    let parts: Vec<&str> = text.split(['.', '/', '-']).collect();
    match parts.as_slice() {
        [y, m, d] => Ok([number(y, input)?, number(m, input)?, number(d, input)?]),
        _ => Err(DateError::Unreadable(input.to_owned())),
    }
}

fn build(era: Option<Era>, year: i32, month: i32, day: i32, input: &str) -> Result<NaiveDate, DateError> {
    let gregorian = match era {
        Some(era) if year >= 1 => era.gregorian_year(year),
        Some(_) => return Err(DateError::NoSuchDate(input.to_owned())),
        None => year,
    };
    let date = u32::try_from(month)
        .ok()
        .zip(u32::try_from(day).ok())
        .and_then(|(m, d)| NaiveDate::from_ymd_opt(gregorian, m, d))
        .ok_or_else(|| DateError::NoSuchDate(input.to_owned()))?;
    if let Some(era) = era {
        let before_start = date < era.start_date();
        let after_end = era.end_date().is_some_and(|end| date > end);
        if before_start || after_end {
            return Err(DateError::OutsideEra { given: input.to_owned(), era: era.name });
        }
    }
    Ok(date)
}

fn era_year(date: NaiveDate) -> Option<(Era, i32)> {
    let era = Era::of(date)?;
    Some((era, date.year() - era.start.0 + 1))
}

/// 「令和4年8月1日」, with 元年 for the first year; Gregorian before the Meiji era.
pub fn long(date: NaiveDate) -> String {
    match era_year(date) {
        Some((era, 1)) => format!("{}元年{}月{}日", era.name, date.month(), date.day()),
        Some((era, year)) => format!("{}{year}年{}月{}日", era.name, date.month(), date.day()),
        None => format!("{}年{}月{}日", date.year(), date.month(), date.day()),
    }
}

/// 「R4.8.1」.
pub fn short(date: NaiveDate) -> String {
    match era_year(date) {
        Some((era, year)) => format!("{}{year}.{}.{}", era.letter, date.month(), date.day()),
        None => date.format("%Y.%-m.%-d").to_string(),
    }
}

/// 「R4.8」: a month as the prefecture's monthly tables label it (the era of the month's first day).
pub fn month(year: i32, month: u32) -> Option<String> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let (era, era_year) = era_year(first)?;
    Some(format!("{}{era_year}.{month}", era.letter))
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_date_without_a_year_is_read_toward_the_past_or_the_future() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).expect("date");
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        let past = |text: &str| parse_date_near(text, None, Some((today, Toward::Past)));
        let future = |text: &str| parse_date_near(text, None, Some((today, Toward::Future)));
        assert_eq!(past("11/12"), Ok(date(2026, 11, 12)), "earlier this year");
        assert_eq!(past("１２月１日"), Ok(date(2025, 12, 1)), "not yet this year: last year's");
        assert_eq!(past("11/29"), Ok(date(2026, 11, 29)), "today counts");
        assert_eq!(future("１２月１日"), Ok(date(2026, 12, 1)));
        assert_eq!(future("11/12"), Ok(date(2027, 11, 12)), "passed this year: next year's");
        assert_eq!(future("2/29"), Ok(date(2028, 2, 29)), "the next year that has one");
        assert_eq!(past("2/29"), Ok(date(2024, 2, 29)));
        assert!(past("13/1").is_err() && past("2/30").is_err() && past("11/12/").is_err());
        assert_eq!(past("R8.11.12"), Ok(date(2026, 11, 12)), "a full date is read as before");
        assert!(parse_date("11/12", None).is_err(), "without a reference day a year is still needed");
        let message = parse_date("あした", None).expect_err("unreadable").to_string();
        assert!(message.contains("R8.11.12") && message.contains("11/12"), "the message lists the forms: {message}");
    }

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn reads_every_form_the_desk_sees() {
        let reiwa = Era::find("R");
        for (input, era) in [
            ("R4.8.1", None),
            ("r4/8/1", None),
            ("Ｒ４．８．１", None),
            ("令和4年8月1日", None),
            ("令和４年８月１日", None),
            ("2022年8月1日", None),
            ("2022-08-01", None),
            ("2022/8/1", None),
            ("20220801", None),
            ("4/8/1", reiwa),
            (" 4.8.1 ", reiwa),
        ] {
            assert_eq!(parse_date(input, era), Ok(d(2022, 8, 1)), "{input:?}");
        }
    }

    #[test]
    fn first_year_and_era_boundaries() {
        assert_eq!(parse_date("令和元年5月1日", None), Ok(d(2019, 5, 1)));
        assert_eq!(parse_date("H31.4.30", None), Ok(d(2019, 4, 30)));
        assert_eq!(
            parse_date("平成31年5月1日", None),
            Err(DateError::OutsideEra { given: "平成31年5月1日".into(), era: "平成" }),
            "Heisei ended on 30 April 2019"
        );
        assert!(matches!(parse_date("R1.4.30", None), Err(DateError::OutsideEra { .. })), "Reiwa began on 1 May");
        assert_eq!(parse_date("S64.1.7", None), Ok(d(1989, 1, 7)));
    }

    #[test]
    fn refuses_rather_than_guesses() {
        assert!(matches!(parse_date("R4.2.30", None), Err(DateError::NoSuchDate(_))));
        assert!(matches!(parse_date("4/8/1", None), Err(DateError::EraNeeded(_))), "a bare era year needs the era");
        assert!(matches!(parse_date("X4.8.1", None), Err(DateError::Unreadable(_))));
        assert!(matches!(parse_date("8月1日", None), Err(DateError::Unreadable(_))));
        assert!(matches!(parse_date("", None), Err(DateError::Unreadable(_))));
        assert!(matches!(parse_date("R0.8.1", None), Err(DateError::NoSuchDate(_))));
    }

    #[test]
    fn writes_long_short_and_month_labels() {
        assert_eq!(long(d(2022, 8, 1)), "令和4年8月1日");
        assert_eq!(long(d(2019, 5, 1)), "令和元年5月1日");
        assert_eq!(short(d(2022, 8, 1)), "R4.8.1");
        assert_eq!(short(d(2019, 4, 30)), "H31.4.30");
        assert_eq!(month(2022, 8).as_deref(), Some("R4.8"), "the busiest month in DOMAIN.md");
        assert_eq!(month(2021, 2).as_deref(), Some("R3.2"));
    }
}
