//! Tenin Desk core: the domain, the store and the reference data of a hospital-transfer
//! coordination desk. No Tauri, no display, no network: the app (`src-tauri`) and the CLI (`cli`)
//! are thin layers over [`Desk`].

pub mod access;
pub mod bundled;
pub mod capacity;
pub mod care;
pub mod codes;
pub mod contact;
pub mod csv_file;
pub mod data_dir;
pub mod demo;
pub mod desk;
pub mod directory_sheet;
pub mod duplicates;
pub mod error;
pub mod exchange;
pub mod export_file;
pub mod hospital;
pub mod html;
pub mod ids;
pub mod inquiry;
pub mod json_input;
pub mod matching;
pub mod password;
pub mod placement_time;
pub mod quality;
pub mod reference;
pub mod region_pack;
pub mod reports;
pub mod request;
pub mod request_status;
pub mod requirements;
pub mod store;
pub mod text;
pub mod transport;
pub mod wareki;

pub use desk::{APP_VERSION, Desk, DeskStatus};
pub use error::{Error, ErrorCode, ErrorReport, Result};
pub use store::OpenError;
