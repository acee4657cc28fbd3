//! Reference data as the rest of the program sees it: municipalities with the jurisdiction and the
//! medical region they fall in, and the vocabularies. Read from the store, which loaded it from a
//! region pack.

use serde::Serialize;

/// A municipality, resolved to its jurisdiction and to the medical region of the plan in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MunicipalityInfo {
    pub code: String,
    pub name: String,
    pub kana: String,
    pub jurisdiction_id: String,
    pub jurisdiction_name: String,
    /// The column of the official monthly table this municipality is counted in.
    pub report_group_name: String,
    /// `None` where the plan in force splits the municipality further (by ward).
    pub region_name: Option<String>,
}

/// One entry of a vocabulary list (bed types, decline reasons, transport modes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Term {
    pub id: String,
    pub name: String,
}

/// The region pack a desk was set up with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RegionPackInfo {
    pub id: String,
    pub name: String,
    pub version: String,
    pub time_zone: String,
    pub utc_offset_minutes: i32,
}
