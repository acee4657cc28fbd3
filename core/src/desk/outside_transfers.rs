//! The outside-transfers part of [`Desk`]: downward transfers arranged without the desk, recorded so
//! its share of all of them can be reported (`WorkReport::DeskShare`).

use chrono::NaiveDate;
use tenin_domain::access::Permission;
use tenin_domain::error::{Error, Result};
use tenin_domain::outside_transfer::{OutsideTransfer, OutsideTransferInput};
use tenin_store::outside_transfers;

use super::Desk;

impl Desk {
    /// Records a transfer a hospital arranged on its own (typed at the desk), audited.
    pub fn record_outside_transfer(&mut self, input: &OutsideTransferInput) -> Result<OutsideTransfer> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let checked = input.checked(self.today()?)?;
        let id = self.store.write(|tx| outside_transfers::insert(tx, &user_id, &checked, "desk"))?;
        outside_transfers::get(self.store.read(), &id)?
            .ok_or_else(|| Error::NotFound { entity: "デスク外の転院", id: id.clone() })
    }

    /// The transfers recorded as arranged outside the desk, with a transfer day in `from..=to`.
    pub fn outside_transfers(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<OutsideTransfer>> {
        self.allow(Permission::Read)?;
        Ok(outside_transfers::between(self.store.read(), &from.to_string(), &to.to_string())?)
    }
}
