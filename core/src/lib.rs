//! Tenin Desk's desk: [`Desk`], the one API the app (`src-tauri`) and the CLI (`cli`) call —
//! opening the store, who is signed in and what they may do, every change in one transaction with
//! its audit entry, and the transfer types the UI sees. No Tauri, no display, no network. Below it:
//! `tenin-store` (SQLite, the only place SQL lives) and `tenin-domain` (rules and formats); the
//! domain's modules are re-exported here so the shell and the CLI need this crate alone.

pub mod data_dir;
pub mod desk;
pub mod export_file;
pub mod remembered_passphrase;

pub use tenin_domain::{
    access, bundled, capacity, care, codes, contact, csv_file, demo, directory_sheet, duplicates, edition, error,
    exchange, historical_hospital, hospital, html, inquiry, json_input, matching, outside_transfer, password,
    placement_time, post_covid, quality, recovery_key, reference, refusal, region_pack, region_pack_update, reports,
    request, request_name, request_status, request_view, requirements, text, timestamps, transport, wareki,
};

pub use desk::{APP_VERSION, Desk, DeskStatus};
pub use error::{Error, ErrorCode, ErrorReport, Result};
pub use tenin_store::{OpenError, ids};
