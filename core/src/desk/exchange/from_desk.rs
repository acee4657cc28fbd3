//! What the desk sends, applied in a hospital edition, one record at a time inside the import's
//! transaction: the directory (hospitals upserted by code; this hospital's own requirements and
//! contacts stay as it keeps them), the status of its requests, acknowledgements (a refused
//! request is marked with the desk's reasons), and inquiries with the patient information.

use tenin_domain::error::{Error, Result};
use tenin_domain::exchange::inquiry::InquiryRecord;
use tenin_domain::exchange::records::{AcknowledgementRecord, DirectoryRecord, Outcome, StatusRecord};
use tenin_domain::hospital::NewHospital;
use tenin_store::ids::to_rfc3339;
use tenin_store::{desk_status, hospitals, meta, received_inquiries};

use super::apply::{Applied, Context};

impl Context<'_> {
    pub(in crate::desk) fn directory_entry(&self, r: &DirectoryRecord) -> Result<Applied> {
        // The desk on another version of the pack: said with every entry, so the hospital updates.
        let ours = (meta::get(self.tx, meta::REGION_PACK_ID)?, meta::get(self.tx, meta::REGION_PACK_VERSION)?);
        let other_pack = r.region_pack.as_ref().filter(|p| ours != (Some(p.id.clone()), Some(p.version.clone())));
        if let Some(desk) = other_pack {
            let message = format!(
                "デスクの地域パック（{} {}）とこの医療機関版（{} {}）が違います。デスクから同じ版を受け取り、設定 → 地域パックの更新で読み込んでください",
                desk.id,
                desk.version,
                ours.0.as_deref().unwrap_or("—"),
                ours.1.as_deref().unwrap_or("—")
            );
            return match self.directory_hospital(r) {
                Ok(applied) => Ok(Applied { note: Some(message), ..applied }),
                Err(_) => Err(Error::refused("region_pack", &message)),
            };
        }
        self.directory_hospital(r)
    }

    fn directory_hospital(&self, r: &DirectoryRecord) -> Result<Applied> {
        let own = meta::get(self.tx, meta::OWN_HOSPITAL_CODE)?.unwrap_or_default();
        let existing = hospitals::by_code(self.tx, &r.code)?;
        let stored = match &existing {
            Some((id, _)) => Some(hospitals::stored_input(self.tx, id)?),
            None => None,
        };
        let mine = r.code == own;
        let incoming = NewHospital {
            code: r.code.clone(),
            name: r.name.clone(),
            name_kana: r.name_kana.clone(),
            short_name: stored.as_ref().map(|s| s.short_name.clone()).unwrap_or_default(),
            municipality_code: r.municipality_code.clone(),
            address: r.address.clone(),
            latitude: stored.as_ref().and_then(|s| s.latitude),
            longitude: stored.as_ref().and_then(|s| s.longitude),
            is_referring: r.is_referring || mine,
            is_receiving: r.is_receiving || mine,
            is_priority: false,
            is_cooperating: false,
            active: true,
            // This hospital's own contacts and requirements are kept as it keeps them.
            contacts: match (&stored, mine) {
                (Some(s), true) => s.contacts.clone(),
                _ => r.contacts.clone(),
            },
            requirements: match (&stored, mine) {
                (Some(s), true) => s.requirements.clone(),
                _ => r.requirements.clone(),
            },
        };
        if stored.as_ref() == Some(&incoming) {
            return Ok(Applied::new(Outcome::Unchanged, String::new()));
        }
        let checked = incoming.checked()?;
        match existing {
            Some((id, _)) => {
                hospitals::update(self.tx, self.user_id, &id, &checked)?;
                Ok(Applied::new(Outcome::Changed, String::new()))
            }
            None => {
                hospitals::insert(self.tx, self.user_id, &checked)?;
                Ok(Applied::new(Outcome::New, String::new()))
            }
        }
    }

    pub(in crate::desk) fn status_entry(&self, r: &StatusRecord) -> Result<Applied> {
        let StatusRecord::Request { record_id, ref_no, status, status_label, status_since, placed_at } = r else {
            // Inquiries come whole in inquiry packages; the status package's list is for reading.
            return Ok(Applied::new(Outcome::Unchanged, String::new()));
        };
        let Some(request_id) = record_id.as_deref().filter(|id| !id.is_empty()) else {
            return Ok(Applied::new(Outcome::Unchanged, ref_no.clone()));
        };
        if tenin_store::requests::ref_no_and_version(self.tx, request_id).is_err() {
            return Err(Error::refused("record_id", "この依頼は自院の記録にありません"));
        }
        let view =
            desk_status::StatusFromDesk { ref_no, status, status_label, status_since, placed_at: placed_at.as_deref() };
        let changed = desk_status::apply_status(self.tx, request_id, &view, &to_rfc3339(self.now))?;
        Ok(Applied::new(if changed { Outcome::Changed } else { Outcome::Unchanged }, ref_no.clone()))
    }

    pub(in crate::desk) fn acknowledgement(&self, r: &AcknowledgementRecord) -> Result<Applied> {
        let now = to_rfc3339(self.now);
        let mut marked = false;
        for result in r.records.iter().filter(|result| result.outcome == Outcome::Error) {
            if tenin_store::requests::ref_no_and_version(self.tx, &result.record_id).is_ok() {
                let why: Vec<&str> = result.reasons.iter().map(|reason| reason.message.as_str()).collect();
                desk_status::set_problem(self.tx, &result.record_id, &why.join("／"), &now)?;
                marked = true;
            }
        }
        Ok(Applied::new(if marked { Outcome::Changed } else { Outcome::Unchanged }, String::new()))
    }

    pub(in crate::desk) fn inquiry_received(&self, r: &InquiryRecord, raw: &str) -> Result<Applied> {
        if r.inquiry_id.trim().is_empty() {
            return Err(Error::refused("inquiry_id", "打診IDがありません"));
        }
        let added = received_inquiries::insert(self.tx, r, raw, &to_rfc3339(self.now))?;
        Ok(Applied::new(if added { Outcome::New } else { Outcome::Unchanged }, r.ref_no.clone()))
    }
}
