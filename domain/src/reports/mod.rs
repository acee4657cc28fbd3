//! Reports for supervisors, staff and the prefecture: the printed daily transfer log (`daily_log`),
//! the monthly counts by health-centre jurisdiction in the official layout (`monthly`), and exports
//! for meetings (`export`).
//!
//! What counts is written out for people in `docs/reports.md`.

pub mod daily_log;
pub mod desk_share;
pub mod export;
pub mod health_centre;
pub mod monthly;
pub mod needs;
pub mod patient_sheet;
pub mod quality_coaching;
pub mod table_page;
pub mod tables;
pub mod transport_funding;
pub mod transport_sheet;

pub use daily_log::DailyLog;
pub use monthly::{JurisdictionBasis, MonthlyReport, YearMonth};
