//! Exchange with hospitals (docs/exchange.md): signed, optionally encrypted zip packages, the
//! records they carry, the spreadsheet templates a hospital without the app fills in, the error
//! report sent back, and the history import from a previous system. Pure: bytes in, values out;
//! `desk/exchange.rs` applies them to the store.

pub mod care_cells;
pub mod history;
pub mod inquiry;
pub mod keys;
pub mod keys_file;
pub mod manifest;
pub mod package;
pub mod records;
pub use crate::refusal;
pub mod rows;
pub mod template;
pub mod upload;
pub mod value_mapping;
