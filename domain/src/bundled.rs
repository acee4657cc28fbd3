//! The data files compiled into the program: the default region pack and its demo data, both
//! from `assets/`. They are data, not code: another prefecture swaps the files (or passes its own
//! pack to `tenin init --region-pack`).

use crate::demo::DemoData;
use crate::error::Result;
use crate::region_pack::RegionPack;

pub const DEFAULT_REGION_PACK_JSON: &str = include_str!("../../assets/region-packs/kanagawa.json");
pub const DEMO_DATA_JSON: &str = include_str!("../../assets/demo/kanagawa-demo.json");

pub fn default_region_pack() -> Result<RegionPack> {
    RegionPack::from_json(DEFAULT_REGION_PACK_JSON)
}

pub fn demo_data() -> Result<DemoData> {
    DemoData::from_json(DEMO_DATA_JSON)
}
