//! New record ids and the time as stored (the clock is read here, not in the domain).

use chrono::Utc;

pub use tenin_domain::timestamps::{parse_rfc3339, to_rfc3339};

/// A new record ID: UUID v7, so IDs sort by creation time and two offline desks never collide.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Now, as stored.
pub fn now_rfc3339() -> String {
    to_rfc3339(Utc::now())
}
