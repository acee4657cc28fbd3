//! The drafts part of [`Desk`]: what the signed-in nurse has half typed, kept as it is typed (see
//! `store::drafts`). Drafts are each user's own and never shared; they are not audited (they are not
//! records of the desk), and a saved request removes its draft.

use super::Desk;
use tenin_domain::access::Permission;
use tenin_domain::error::{Error, Result};
use tenin_store::drafts::{self, Draft};

/// The forms kept as drafts.
pub const KINDS: [&str; 2] = ["intake", "inquiry"];
/// A draft larger than this is refused (an intake is a few kilobytes).
pub const MAX_BYTES: usize = 64 * 1024;

fn checked_kind(kind: &str) -> Result<&str> {
    KINDS.iter().find(|k| **k == kind).copied().ok_or_else(|| Error::refused("kind", "下書きの種類が違います"))
}

impl Desk {
    /// Keeps `body` (the form's fields, JSON) as the signed-in user's draft of `kind` for `key`.
    pub fn save_draft(&mut self, kind: &str, key: &str, body: &str) -> Result<()> {
        let user = self.allow(Permission::Coordinate)?.id.clone();
        let kind = checked_kind(kind)?;
        if body.len() > MAX_BYTES || serde_json::from_str::<serde_json::Value>(body).is_err() {
            return Err(Error::refused("body", "下書きを保存できません（大きすぎるか、形式が違います）"));
        }
        self.store.write(|tx| drafts::save(tx, &user, kind, key, body))?;
        Ok(())
    }

    pub fn draft(&self, kind: &str, key: &str) -> Result<Option<Draft>> {
        let user = self.allow(Permission::Coordinate)?;
        Ok(drafts::get(self.store.read(), &user.id, checked_kind(kind)?, key)?)
    }

    pub fn discard_draft(&mut self, kind: &str, key: &str) -> Result<()> {
        let user = self.allow(Permission::Coordinate)?.id.clone();
        let kind = checked_kind(kind)?;
        self.store.write(|tx| drafts::discard(tx, &user, kind, key))?;
        Ok(())
    }
}
