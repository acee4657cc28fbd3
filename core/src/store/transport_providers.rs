//! Transport providers (民間救急, 福祉タクシー, taxi associations). The full directory and booking
//! workflow come with issue 7; for now the demo data carries three providers.

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::ids::{new_id, now_rfc3339};
use crate::store::audit;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct NewTransportProvider {
    pub name: String,
    pub kana: String,
    #[serde(default)]
    pub phone: String,
    /// Transport mode ids from the region pack.
    pub modes: Vec<String>,
    pub oxygen: bool,
    pub public_funds: bool,
    /// Medical region ids or municipality codes served.
    pub areas: Vec<String>,
}

pub fn insert(conn: &Connection, user_id: &str, provider: &NewTransportProvider) -> crate::Result<String> {
    let id = new_id();
    let now = now_rfc3339();
    conn.execute(
        "INSERT INTO transport_providers (id, name, name_kana, phone, modes, areas, has_oxygen, public_funds,
                                         created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
        params![
            id,
            provider.name,
            provider.kana,
            provider.phone,
            serde_json::to_string(&provider.modes)?,
            serde_json::to_string(&provider.areas)?,
            provider.oxygen,
            provider.public_funds,
            now,
        ],
    )?;
    audit::created(conn, user_id, "transport_provider", &id, provider)?;
    Ok(id)
}

pub fn count(conn: &Connection) -> rusqlite::Result<u32> {
    conn.query_row("SELECT count(*) FROM transport_providers", [], |row| row.get(0))
}
