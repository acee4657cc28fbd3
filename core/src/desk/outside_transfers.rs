//! The outside-transfers part of [`Desk`]: downward transfers arranged without the desk, recorded so
//! its share of all of them can be reported (`WorkReport::DeskShare`).

use chrono::NaiveDate;
use tenin_domain::access::Permission;
use tenin_domain::error::{Error, Result};
use tenin_domain::exchange::rows;
use tenin_domain::outside_transfer::{self as outside, OutsideTransfer, OutsideTransferInput};
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

    /// Reads a hospital's report of transfers it arranged itself (CSV or xlsx, `REPORT_COLUMNS`, a
    /// header row first): every row or none — a row that cannot be read refuses the file, each
    /// problem named by its line. Recorded with the source `import`.
    pub fn import_outside_transfers(&mut self, bytes: &[u8]) -> Result<u32> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let today = self.today()?;
        let reported = rows::form_rows(bytes).map_err(|refusal| Error::refused("file", &refusal.to_string()))?;
        let mut checked = Vec::new();
        let mut problems = Vec::new();
        for row in &reported {
            let (referrer, receiver, mut input) = outside::report_row(&row.cells);
            let id_of = |code: &str| self.hospital_by_code(code).map(|h| h.id);
            match id_of(&referrer) {
                Ok(id) => input.referring_hospital_id = id,
                Err(_) => {
                    problems.push(format!("{}行目: 依頼元の医療機関コード「{referrer}」は名簿にありません", row.line))
                }
            }
            if !receiver.is_empty() {
                match id_of(&receiver) {
                    Ok(id) => input.receiving_hospital_id = id,
                    Err(_) => problems
                        .push(format!("{}行目: 転院先の医療機関コード「{receiver}」は名簿にありません", row.line)),
                }
            }
            match input.checked(today) {
                Ok(record) => checked.push(record),
                Err(Error::Validation(list)) => {
                    let said: Vec<String> = list.iter().map(|p| format!("{} {}", p.field, p.message)).collect();
                    problems.push(format!("{}行目: {}", row.line, said.join("、")));
                }
                Err(other) => return Err(other),
            }
        }
        if !problems.is_empty() {
            return Err(Error::refused("file", &problems.join("\n")));
        }
        let count = checked.len() as u32;
        self.store.write(|tx| -> Result<()> {
            for record in &checked {
                outside_transfers::insert(tx, &user_id, record, "import")?;
            }
            Ok(())
        })?;
        Ok(count)
    }
}
