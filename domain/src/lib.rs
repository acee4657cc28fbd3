//! Tenin Desk's rules and formats: the care vocabulary, the intake's checks, the workflow, the
//! directory's types, matching, transport, reports, the exchange formats and the region pack. Pure:
//! data in, data out — no storage, no clock, no IO (the store and the desk supply both). The one
//! call to the system is for randomness, when a key pair or a password's salt is made.

pub mod access;
pub mod bundled;
pub mod capacity;
pub mod care;
pub mod codes;
pub mod contact;
pub mod csv_file;
pub mod demo;
pub mod directory_sheet;
pub mod duplicates;
pub mod edition;
pub mod error;
pub mod exchange;
pub mod historical_hospital;
pub mod history_note;
pub mod hospital;
pub mod html;
pub mod inquiry;
pub mod json_input;
pub mod matching;
pub mod outside_transfer;
pub mod password;
pub mod placement_time;
pub mod post_covid;
pub mod quality;
pub mod recovery_key;
pub mod reference;
pub mod refusal;
pub mod region_pack;
pub mod region_pack_update;
pub mod reports;
pub mod request;
pub mod request_name;
pub mod request_status;
pub mod request_view;
pub mod requirements;
pub mod text;
pub mod timestamps;
pub mod transport;
pub mod wareki;

pub use error::{Error, ErrorCode, ErrorReport, Result};
