//! The matching engine (マッチング): for one request, which hospitals can take the patient, in what
//! order to call them and why every other hospital is out; for the whole queue, a suggestion that
//! places the most patients. Pure: data in, result out, no IO — `Desk` feeds it from the store.
//!
//! - `directory` compiles the directory (hospitals, capacity, requirements, answer history);
//!   `request` compiles a request, or says what it lacks ("cannot match until …").
//! - `constraints` are the hard rules, `score` the weighted soft preferences (`weights`),
//!   `rank` puts them together, `report` names and explains the result.
//! - `batch` builds the queue-wide suggestion on `assignment`, a min-cost-flow solver.
//!
//! The rules are written out for people in `docs/matching.md`.

pub mod assignment;
pub mod batch;
pub mod care_set;
mod compile;
mod confirm;
pub mod constraints;
pub mod directory;
pub mod rank;
pub mod report;
pub mod request;
pub mod score;
pub mod weights;

pub use batch::{BatchOutcome, BatchSuggestion};
pub use directory::{AnswerHistory, AnswerRecord, AnswerTally, DirectoryInput, MatchDirectory};
pub use rank::rank;
pub use report::{MatchReport, Shown, explain, explain_shown};
pub use request::{MatchBlocker, MatchRequest};
pub use weights::MatchWeights;
