//! A transport provider's operating hours, read from how they are written in the directory
//! (「8:00〜20:00（土日祝休）」, 「24時間（要予約）」, 「平日 9:00-17:00」) so a booking's pickup outside
//! them is warned about. Hours that cannot be read are never a reason to warn: the text stays what
//! the nurse reads.

use chrono::{Datelike, NaiveDateTime, NaiveTime, Weekday};

use crate::text::fold_width;

/// What could be read from a provider's hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperatingHours {
    /// 「24時間」, 「終日」.
    AllDay,
    /// From–to each day (to may be past midnight: 「20:00〜翌8:00」), and whether Saturdays and
    /// Sundays are days off (「土日休」, 「土日祝休」, 「平日」).
    Daily { from: NaiveTime, to: NaiveTime, weekends_off: bool },
    /// Nothing to go by.
    Unknown,
}

/// Reads the hours as written.
pub fn read(text: &str) -> OperatingHours {
    let folded = fold_width(text).replace([' ', '　'], "");
    if folded.contains("24時間") || folded.contains("終日") {
        return OperatingHours::AllDay;
    }
    let weekends_off = folded.contains("土日") && folded.contains('休') || folded.contains("平日");
    let Some((from, to)) = first_range(&folded) else { return OperatingHours::Unknown };
    OperatingHours::Daily { from, to, weekends_off }
}

/// The first 「H:MM〜H:MM」 (any dash or tilde between, 「翌」 allowed before the end).
fn first_range(text: &str) -> Option<(NaiveTime, NaiveTime)> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if let Some((from, after_from)) = time_at(&chars, i) {
            let mut j = after_from;
            if j < chars.len() && matches!(chars[j], '〜' | '~' | '-' | '－' | 'ー' | '–' | '—' | '～') {
                j += 1;
                if j < chars.len() && chars[j] == '翌' {
                    j += 1;
                }
                if let Some((to, _)) = time_at(&chars, j) {
                    return Some((from, to));
                }
            }
            i = after_from;
        } else {
            i += 1;
        }
    }
    None
}

/// A time 「H:MM」 or 「HH:MM」 (also 「H時」 / 「H時MM分」) starting at `at`, and where it ends.
fn time_at(chars: &[char], at: usize) -> Option<(NaiveTime, usize)> {
    let digits = |from: usize| chars[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let hour_len = digits(at);
    if hour_len == 0 || hour_len > 2 || (at > 0 && chars[at - 1].is_ascii_digit()) {
        return None;
    }
    let hour: u32 = chars[at..at + hour_len].iter().collect::<String>().parse().ok()?;
    let mut end = at + hour_len;
    let separator = chars.get(end).copied();
    let minute = match separator {
        Some(':') | Some('時') => {
            end += 1;
            let minute_len = digits(end);
            if minute_len == 2 {
                let minute: u32 = chars[end..end + 2].iter().collect::<String>().parse().ok()?;
                end += 2;
                if chars.get(end) == Some(&'分') {
                    end += 1;
                }
                minute
            } else if separator == Some('時') {
                0
            } else {
                return None;
            }
        }
        _ => return None,
    };
    // 「24:00」 is the end of the day.
    let time = if hour == 24 && minute == 0 {
        NaiveTime::from_hms_opt(23, 59, 59)?
    } else {
        NaiveTime::from_hms_opt(hour, minute, 0)?
    };
    Some((time, end))
}

impl OperatingHours {
    /// Whether a pickup at `local` (the desk's time zone) is outside these hours. Unknown hours
    /// are never outside.
    pub fn excludes(&self, local: NaiveDateTime) -> bool {
        match *self {
            OperatingHours::AllDay | OperatingHours::Unknown => false,
            OperatingHours::Daily { from, to, weekends_off } => {
                if weekends_off && matches!(local.weekday(), Weekday::Sat | Weekday::Sun) {
                    return true;
                }
                let time = local.time();
                let open = if from <= to { from <= time && time <= to } else { time >= from || time <= to };
                !open
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("test value")
    }

    fn hm(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("test value")
    }

    #[test]
    fn hours_are_read_as_written_in_the_directory() {
        assert_eq!(read("24時間（要予約）"), OperatingHours::AllDay);
        assert_eq!(read("7:00〜21:00"), OperatingHours::Daily { from: hm(7, 0), to: hm(21, 0), weekends_off: false });
        assert_eq!(
            read("８：３０～１７：００（土日祝休）"),
            OperatingHours::Daily { from: hm(8, 30), to: hm(17, 0), weekends_off: true }
        );
        assert_eq!(read("平日 9時-17時"), OperatingHours::Daily { from: hm(9, 0), to: hm(17, 0), weekends_off: true });
        assert_eq!(
            read("夜間 20:00〜翌8:00"),
            OperatingHours::Daily { from: hm(20, 0), to: hm(8, 0), weekends_off: false }
        );
        assert_eq!(read("要相談"), OperatingHours::Unknown);
        assert_eq!(read(""), OperatingHours::Unknown);
        assert_eq!(read("2024年から 123:45〜"), OperatingHours::Unknown, "no range, no guess");
    }

    #[test]
    fn a_pickup_outside_the_hours_is_told_apart() {
        let day = read("7:00〜21:00");
        assert!(!day.excludes(at("2026-11-26 07:00")));
        assert!(!day.excludes(at("2026-11-26 21:00")));
        assert!(day.excludes(at("2026-11-26 21:30")));
        assert!(day.excludes(at("2026-11-26 06:59")));
        let weekdays = read("8:30〜17:00（土日祝休）");
        assert!(weekdays.excludes(at("2026-11-28 10:00")), "a Saturday");
        assert!(!weekdays.excludes(at("2026-11-27 10:00")), "a Friday");
        let night = read("20:00〜翌8:00");
        assert!(!night.excludes(at("2026-11-26 23:00")));
        assert!(!night.excludes(at("2026-11-26 03:00")));
        assert!(night.excludes(at("2026-11-26 12:00")));
        assert!(!read("24時間").excludes(at("2026-11-28 03:00")));
        assert!(!read("要相談").excludes(at("2026-11-28 03:00")));
    }
}
