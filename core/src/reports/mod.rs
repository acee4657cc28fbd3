//! Reports for supervisors, staff and the prefecture: the monthly counts by health-centre
//! jurisdiction in the official layout (`monthly`), with exports for meetings (`export`).
//!
//! What counts is written out for people in `docs/reports.md`.

pub mod export;
pub mod monthly;

pub use monthly::{JurisdictionBasis, MonthlyReport, YearMonth};
