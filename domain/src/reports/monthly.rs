//! Monthly placements by health-centre jurisdiction, in the prefecture's layout: months as rows
//! labelled in 和暦 (「R8.11」), the report groups of the region pack as columns (横浜市, 川崎市, …,
//! 県所管域) with the pack's "other / unknown" column, a total column and a totals row.
//!
//! What counts: a request whose placement held (its state is now 受入決定, 搬送調整中 or 転院済),
//! in the month of its last move into 受入決定, in the desk's time zone — the same placement the
//! time-to-placement figures use. Which jurisdiction: the referring hospital's, or the patient's
//! residence (both offered; a residence not recorded counts as "other / unknown").

use crate::error::Detail;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Problem, Problems, Result};
use crate::text::fold_width;
use crate::wareki;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum JurisdictionBasis {
    /// The jurisdiction of the referring hospital (where the bed was freed).
    #[default]
    Referrer,
    /// The jurisdiction of the patient's residence.
    Residence,
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

/// The longest range a report covers: twenty years of rows is already more than a meeting reads.
pub const MONTHS_MAX: u32 = 240;

impl YearMonth {
    pub fn of(date: NaiveDate) -> YearMonth {
        YearMonth { year: date.year(), month: date.month() }
    }

    /// Reads 「2026-11」, 「2026/11」, 「R8.11」, 「令和8年11月」 (full-width too).
    pub fn parse(text: &str) -> Option<YearMonth> {
        let folded = fold_width(text.trim());
        let numeric: Vec<&str> = folded.split(['-', '/']).collect();
        if let [year, month] = numeric[..]
            && let (Ok(year), Ok(month)) = (year.parse::<i32>(), month.parse::<u32>())
            && (1..=12).contains(&month)
            && year >= 1868
        {
            return Some(YearMonth { year, month });
        }
        // An era month: reuse the date reader on its first day.
        let day = if folded.ends_with('月') { format!("{folded}1日") } else { format!("{folded}.1") };
        wareki::parse_date(&day, None).ok().map(YearMonth::of)
    }

    pub fn next(self) -> YearMonth {
        if self.month == 12 {
            YearMonth { year: self.year + 1, month: 1 }
        } else {
            YearMonth { year: self.year, month: self.month + 1 }
        }
    }

    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
    }

    /// 「2026-11」
    pub fn iso(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// 「R8.11」, as the prefecture's tables label months.
    pub fn wareki(self) -> String {
        wareki::month(self.year, self.month).unwrap_or_else(|| self.iso())
    }

    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }
}

/// Checks a range given as text; every problem named by field.
pub fn checked_range(from: &str, to: &str) -> Result<(YearMonth, YearMonth)> {
    let mut problems = Problems::default();
    let from_month = YearMonth::parse(from);
    let to_month = YearMonth::parse(to);
    if from_month.is_none() {
        let detail = Detail::NotAMonth { text: from.to_owned(), example: "2026-04、R8.4".to_owned() };
        problems.add_detail("from", Problem::Invalid, detail);
    }
    if to_month.is_none() {
        let detail = Detail::NotAMonth { text: to.to_owned(), example: "2026-11、R8.11".to_owned() };
        problems.add_detail("to", Problem::Invalid, detail);
    }
    if let (Some(f), Some(t)) = (from_month, to_month) {
        if t < f {
            problems.add_detail("to", Problem::Invalid, Detail::MonthsReversed);
        } else if (t.index() - f.index() + 1) as u32 > MONTHS_MAX {
            problems.add("to", Problem::OutOfRange { min: 1, max: MONTHS_MAX as i32 });
        }
    }
    problems.into_result()?;
    match (from_month, to_month) {
        (Some(f), Some(t)) => Ok((f, t)),
        _ => Err(Error::Validation(Vec::new())),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MonthlyRow {
    /// 「2026-11」
    pub month: String,
    /// 「R8.11」
    pub label: String,
    /// One per column, in the columns' order.
    pub counts: Vec<u32>,
    pub total: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MonthlyReport {
    pub from: YearMonth,
    pub to: YearMonth,
    pub basis: JurisdictionBasis,
    /// What counts and by which jurisdiction, in a sentence for the table's caption.
    pub definition: String,
    /// The report groups of the region pack, then the "other / unknown" column.
    pub columns: Vec<String>,
    /// Every month of the range, empty ones included.
    pub rows: Vec<MonthlyRow>,
    pub totals: Vec<u32>,
    pub total: u32,
}

impl MonthlyReport {
    /// 「保健所別 受入決定件数（R8.4〜R8.11、依頼元所在地）」, for exports.
    pub fn title(&self) -> String {
        let by = match self.basis {
            JurisdictionBasis::Referrer => "依頼元所在地",
            JurisdictionBasis::Residence => "患者居住地",
        };
        format!("保健所別 受入決定件数（{}〜{}、{by}）", self.from.wareki(), self.to.wareki())
    }
}

/// The caption sentence for `basis`.
pub fn definition(basis: JurisdictionBasis) -> String {
    let by = match basis {
        JurisdictionBasis::Referrer => "依頼元医療機関の所在地",
        JurisdictionBasis::Residence => "患者の居住地",
    };
    format!("受入決定した月（最後の受入決定、取下げ等を除く）に、{by}の保健所管轄で集計")
}

/// Counts placements into the layout. `placements` gives a local date, the column (`None`: other /
/// unknown) and how many placements that is; dates outside the range are ignored.
pub fn tabulate(
    placements: impl IntoIterator<Item = (NaiveDate, Option<usize>, u32)>,
    groups: &[String],
    other: &str,
    from: YearMonth,
    to: YearMonth,
    basis: JurisdictionBasis,
) -> MonthlyReport {
    let columns: Vec<String> = groups.iter().cloned().chain(std::iter::once(other.to_owned())).collect();
    let width = columns.len();
    let months = (to.index() - from.index() + 1).max(0) as usize;
    let mut grid = vec![0u32; months * width];
    for (date, group, count) in placements {
        let at = YearMonth::of(date).index() - from.index();
        if at < 0 || at as usize >= months {
            continue;
        }
        let column = group.filter(|g| *g < groups.len()).unwrap_or(width - 1);
        grid[at as usize * width + column] += count;
    }
    let mut rows = Vec::with_capacity(months);
    let mut totals = vec![0u32; width];
    let mut month = from;
    for chunk in grid.chunks(width.max(1)).take(months) {
        for (sum, n) in totals.iter_mut().zip(chunk) {
            *sum += n;
        }
        rows.push(MonthlyRow {
            month: month.iso(),
            label: month.wareki(),
            counts: chunk.to_vec(),
            total: chunk.iter().sum(),
        });
        month = month.next();
    }
    MonthlyReport { from, to, basis, definition: definition(basis), columns, rows, total: totals.iter().sum(), totals }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn months_are_read_in_every_form_the_desk_uses() {
        let nov = Some(YearMonth { year: 2026, month: 11 });
        for text in ["2026-11", "2026/11", "R8.11", "令和8年11月", "２０２６－１１", "Ｒ８．１１"] {
            assert_eq!(YearMonth::parse(text), nov, "{text}");
        }
        assert_eq!(YearMonth::parse("2026-13"), None);
        assert_eq!(YearMonth::parse("そのうち"), None);
        assert_eq!(YearMonth { year: 2022, month: 8 }.wareki(), "R4.8");
    }

    #[test]
    fn every_month_of_the_range_is_a_row_and_the_totals_add_up() {
        let groups = vec!["横浜市".to_owned(), "川崎市".to_owned()];
        let from = YearMonth { year: 2026, month: 11 };
        let to = YearMonth { year: 2027, month: 2 };
        let report = tabulate(
            [
                (d(2026, 11, 3), Some(0), 1),
                (d(2026, 11, 30), Some(1), 1),
                (d(2027, 2, 1), None, 1),
                (d(2027, 3, 1), Some(0), 1),
            ],
            &groups,
            "その他（不明）",
            from,
            to,
            JurisdictionBasis::Referrer,
        );
        let labels: Vec<_> = report.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(labels, ["R8.11", "R8.12", "R9.1", "R9.2"], "empty months are rows too; the year turns");
        assert_eq!(report.rows[0].counts, [1, 1, 0]);
        assert_eq!(report.rows[3].counts, [0, 0, 1], "unknown goes to the other column");
        assert_eq!((report.totals.clone(), report.total), (vec![1, 1, 1], 3), "March is outside the range");
    }

    #[test]
    fn bad_ranges_are_refused_by_field() {
        let Err(Error::Validation(p)) = checked_range("2026-11", "2026-04") else { panic!("accepted") };
        assert_eq!(p[0].field, "to");
        let Err(Error::Validation(p)) = checked_range("いつか", "2000-01") else { panic!("accepted") };
        assert_eq!(p[0].field, "from");
        assert!(checked_range("2000-01", "2030-12").is_err(), "over twenty years");
        assert!(checked_range("R8.4", "R8.4").is_ok(), "one month");
    }
}
