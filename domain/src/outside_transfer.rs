//! Downward transfers arranged outside the desk (デスク外の転院): hospitals that found a bed on their
//! own. Recorded at the desk (typed, or as hospitals report them) so the desk's share of all
//! downward transfers can be reported by jurisdiction and month — the model desk handled about 70 %
//! at times. A record may stand for several transfers (a hospital reporting its month in one line).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Problem, Problems, Result};
use crate::text::{char_len, fold_width, strip_controls};

/// At most this many transfers in one record.
pub const COUNT_MAX: u32 = 1000;
const NOTE_MAX: usize = 500;

/// A transfer arranged outside the desk, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct OutsideTransferInput {
    /// The day of the transfer: 2026-11-21, R8.11.21, 令和8年11月21日.
    pub transferred_on: String,
    pub referring_hospital_id: String,
    /// Empty when the reporting hospital did not say.
    pub receiving_hospital_id: String,
    /// The patient's municipality; empty when not said.
    pub residence_municipality_code: String,
    /// How many transfers the record stands for (empty: one).
    pub count: String,
    pub note: String,
}

/// The input after its own checks (the hospitals and the municipality are the store's to check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedOutsideTransfer {
    pub transferred_on: NaiveDate,
    pub referring_hospital_id: String,
    pub receiving_hospital_id: Option<String>,
    pub residence_municipality_code: Option<String>,
    pub count: u32,
    pub note: String,
}

/// A recorded transfer outside the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OutsideTransfer {
    pub id: String,
    pub transferred_on: String,
    pub referring_hospital_id: String,
    pub referring_hospital_name: String,
    pub receiving_hospital_name: Option<String>,
    pub residence_municipality_code: Option<String>,
    pub count: u32,
    pub note: String,
    /// `desk` (typed at the desk) or `import` (from a hospital's file).
    pub source: String,
    pub recorded_by_name: String,
    pub recorded_at: String,
}

impl OutsideTransferInput {
    /// Reads the input tolerantly (full-width digits, 和暦) and refuses it as a whole, by field.
    pub fn checked(&self, today: NaiveDate) -> Result<CheckedOutsideTransfer> {
        let mut problems = Problems::default();
        let transferred_on = match crate::wareki::parse_date(&self.transferred_on, None) {
            Ok(date) if date > today => {
                problems.add("transferred_on", Problem::NotAllowed);
                today
            }
            Ok(date) => date,
            Err(_) if self.transferred_on.trim().is_empty() => {
                problems.add("transferred_on", Problem::Required);
                today
            }
            Err(_) => {
                problems.add("transferred_on", Problem::Invalid);
                today
            }
        };
        let referring_hospital_id = self.referring_hospital_id.trim().to_owned();
        if referring_hospital_id.is_empty() {
            problems.add("referring_hospital_id", Problem::Required);
        }
        let receiving_hospital_id = Some(self.receiving_hospital_id.trim().to_owned()).filter(|s| !s.is_empty());
        if receiving_hospital_id.as_deref() == Some(referring_hospital_id.as_str()) {
            problems.add("receiving_hospital_id", Problem::NotAllowed);
        }
        let residence_municipality_code =
            Some(fold_width(self.residence_municipality_code.trim())).filter(|s| !s.is_empty());
        let count_text = fold_width(self.count.trim()).replace(',', "");
        let count = if count_text.is_empty() {
            1
        } else {
            match count_text.parse::<u32>() {
                Ok(n) if (1..=COUNT_MAX).contains(&n) => n,
                Ok(_) => {
                    problems.add("count", Problem::OutOfRange { min: 1, max: COUNT_MAX as i32 });
                    1
                }
                Err(_) => {
                    problems.add("count", Problem::Invalid);
                    1
                }
            }
        };
        let note = strip_controls(self.note.trim());
        if char_len(&note) > NOTE_MAX {
            problems.add("note", Problem::TooLong { max: NOTE_MAX as u32 });
        }
        problems.into_result()?;
        Ok(CheckedOutsideTransfer {
            transferred_on,
            referring_hospital_id,
            receiving_hospital_id,
            residence_municipality_code,
            count,
            note,
        })
    }
}

/// The columns of a hospital's report of transfers it arranged itself (a CSV or xlsx the desk reads):
/// 転院日, 依頼元医療機関コード, 転院先医療機関コード (may be empty), 居住地 (municipality code, may be
/// empty), 件数 (empty: one), メモ.
pub const REPORT_COLUMNS: [&str; 6] =
    ["転院日", "依頼元医療機関コード", "転院先医療機関コード", "居住地", "件数", "メモ"];

/// One row of such a report: the codes as written (the caller finds the hospitals) and the rest.
pub fn report_row(cells: &[String]) -> (String, String, OutsideTransferInput) {
    let cell = |i: usize| cells.get(i).map(|c| c.trim().to_owned()).unwrap_or_default();
    (
        fold_width(&cell(1)),
        fold_width(&cell(2)),
        OutsideTransferInput {
            transferred_on: cell(0),
            referring_hospital_id: String::new(),
            receiving_hospital_id: String::new(),
            residence_municipality_code: cell(3),
            count: cell(4),
            note: cell(5),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).expect("test value")
    }

    fn fields(result: Result<CheckedOutsideTransfer>) -> Vec<String> {
        match result {
            Err(crate::error::Error::Validation(list)) => list.into_iter().map(|p| p.field).collect(),
            other => panic!("expected refusals, got {other:?}"),
        }
    }

    #[test]
    fn a_transfer_outside_the_desk_is_read_tolerantly() {
        let input = OutsideTransferInput {
            transferred_on: "R8.11.20".into(),
            referring_hospital_id: "a".into(),
            receiving_hospital_id: "b".into(),
            residence_municipality_code: "１４１００３".into(),
            count: "３".into(),
            note: "月末報告".into(),
        };
        let checked = input.checked(today()).expect("checked");
        assert_eq!(checked.transferred_on, NaiveDate::from_ymd_opt(2026, 11, 20).expect("test value"));
        assert_eq!((checked.count, checked.residence_municipality_code.as_deref()), (3, Some("141003")));
        let one = OutsideTransferInput { count: String::new(), ..input }.checked(today()).expect("one");
        assert_eq!(one.count, 1, "an empty count is one transfer");
    }

    #[test]
    fn a_future_day_a_zero_count_and_a_hospital_sending_to_itself_are_refused() {
        let input = OutsideTransferInput {
            transferred_on: "2026-12-01".into(),
            referring_hospital_id: "a".into(),
            receiving_hospital_id: "a".into(),
            count: "0".into(),
            ..Default::default()
        };
        assert_eq!(fields(input.checked(today())), ["transferred_on", "receiving_hospital_id", "count"]);
        assert_eq!(
            fields(OutsideTransferInput::default().checked(today())),
            ["transferred_on", "referring_hospital_id"]
        );
    }
}
