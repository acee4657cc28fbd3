//! What goes to a candidate hospital about a patient: inquiry packages (kind `inquiry`, always
//! encrypted to the hospital) and the patient-information sheet to FAX — the same content, from
//! [`InquiryRecord`]. Nothing about a patient leaves without the consent the request records.

use std::path::Path;

use chrono::{Duration, Utc};
use serde::{Deserialize, Serialize};

use super::export::{Destination, ExportedPackage, Outgoing};
use crate::desk::Desk;
use tenin_domain::access::Permission;
use tenin_domain::error::{Error, Result, Rule};
use tenin_domain::exchange::inquiry::{CovidDates, DeskContact, HospitalName, InquiryRecord};
use tenin_domain::exchange::manifest::PackageKind;
use tenin_domain::inquiry::{InquiryChannel, InquiryOutcome, NewInquiryInput};
use tenin_domain::reference::Term;
use tenin_domain::reports::patient_sheet::{self, Addressee};
use tenin_domain::request_view::RequestDetail;
use tenin_store::exchange as exchange_store;
use tenin_store::ids::to_rfc3339;
use tenin_store::{inquiries, meta};

/// How long a candidate has to answer when the nurse sets no time.
pub const DEFAULT_REPLY_MINUTES: i64 = 60;

/// The inquiries to send for one request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct SendInquiriesInput {
    pub request_id: String,
    pub hospital_ids: Vec<String>,
    /// `YYYY-MM-DDTHH:MM` in the desk's time zone, or RFC 3339; empty: in an hour.
    pub reply_by: String,
    pub note: String,
}

/// One inquiry sent as a package.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SentInquiry {
    pub inquiry_id: String,
    pub hospital_id: String,
    pub hospital_name: String,
    /// Where the package was written (`None`: not written yet — the next sync cycle writes it).
    pub package: Option<ExportedPackage>,
    /// Why it is not written yet, when it is not.
    pub problem: String,
}

/// What sending inquiries did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SentInquiries {
    pub sent: Vec<SentInquiry>,
    pub request: RequestDetail,
}

impl Desk {
    /// How the desk is reached (printed on sheets, sent in inquiries).
    pub fn desk_contact(&self) -> Result<DeskContact> {
        self.allow(Permission::Read)?;
        match meta::get(self.store.read(), meta::DESK_CONTACT)? {
            Some(json) => Ok(serde_json::from_str(&json)?),
            None => Ok(DeskContact {
                name: format!("転院調整デスク（{}）", self.region_pack()?.name),
                ..Default::default()
            }),
        }
    }

    /// Sets how the desk is reached (name required; phone and FAX as printed), audited.
    pub fn set_desk_contact(&mut self, contact: &DeskContact) -> Result<DeskContact> {
        let user_id = self.allow(Permission::Supervise)?.id.clone();
        let checked = contact.checked()?;
        let before = self.desk_contact()?;
        self.save_setting(
            &user_id,
            meta::DESK_CONTACT,
            &serde_json::to_string(&checked)?,
            "desk_contact",
            &before,
            &checked,
        )?;
        self.desk_contact()
    }

    /// What a candidate needs to decide on `detail`'s patient; refused without recorded consent.
    fn inquiry_record(
        &self,
        detail: &RequestDetail,
        inquiry_id: &str,
        reply_by: Option<String>,
    ) -> Result<InquiryRecord> {
        let consent = detail.consent.as_ref().ok_or(Error::Rule(Rule::NoConsent))?;
        let s = &detail.summary;
        let regions = detail.preferred_regions.iter().map(|r| r.name.clone()).collect();
        Ok(InquiryRecord {
            inquiry_id: inquiry_id.to_owned(),
            ref_no: s.ref_no.clone(),
            sent_at: to_rfc3339(Utc::now()),
            reply_by,
            desk: self.desk_contact()?,
            referring_hospital: HospitalName {
                code: detail.referring_hospital_code.clone(),
                name: s.referring_hospital_name.clone(),
            },
            patient_initials: s.patient_initials.clone(),
            patient_age: s.patient_age,
            patient_sex: s.patient_sex,
            residence: s.residence_name.clone(),
            covid: CovidDates {
                onset_date: detail.onset_date.clone(),
                positive_test_date: detail.positive_test_date.clone(),
                criteria_met_date: detail.criteria_met_date.clone(),
                none: detail.covid_dates_none.clone(),
            },
            care: detail.care.clone(),
            bed_type: detail
                .bed_type_id
                .clone()
                .map(|id| Term { name: detail.bed_type_name.clone().unwrap_or_else(|| id.clone()), id }),
            desired_date: detail.desired_date.clone(),
            urgency: s.urgency,
            clinical_summary: detail.clinical_summary.clone(),
            family_notes: detail.family_notes.clone(),
            preferred_regions: regions,
            consent_given_by: consent.given_by.clone(),
            utc_offset_minutes: self.offset()?.local_minus_utc() / 60,
        })
    }

    /// Logs an inquiry to each hospital (channel package, its reply-by as the call-back time) and
    /// writes each one's package: into the hospital's folder of the sync root when one is set,
    /// else into `dir` (default: the exports folder). Refused whole, before anything is logged,
    /// without consent or when a hospital cannot read an inquiry package (no encryption key, or
    /// only format 1 seen from it) — the message says to FAX the patient-information sheet.
    pub fn send_inquiries(&mut self, input: &SendInquiriesInput, dir: Option<&Path>) -> Result<SentInquiries> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let request_id = self.resolve_request(&input.request_id)?;
        let detail = self.request(&request_id)?;
        if detail.consent.is_none() {
            return Err(Rule::NoConsent.into());
        }
        if input.hospital_ids.is_empty() {
            return Err(Error::refused("hospital_ids", "打診する医療機関を選んでください"));
        }
        let mut unable = Vec::new();
        for hospital_id in &input.hospital_ids {
            let hospital = self.hospital(hospital_id)?;
            let has_key = exchange_store::hospital_keys(self.store.read(), hospital_id)?
                .is_some_and(|k| !k.encryption.is_empty());
            if !has_key {
                unable.push(format!("{}（暗号化の鍵が未登録）", hospital.name));
            } else if self.format_for(hospital_id)? < PackageKind::Inquiry.since_version() {
                unable.push(format!("{}（打診パッケージに未対応の形式1）", hospital.name));
            }
        }
        if !unable.is_empty() {
            return Err(Error::refused(
                "hospital_ids",
                &format!(
                    "次の医療機関には打診パッケージを送れません: {}。患者情報シートをFAXしてください",
                    unable.join("、")
                ),
            ));
        }
        let offset = self.offset()?;
        let reply_by = if input.reply_by.trim().is_empty() {
            to_rfc3339(Utc::now() + Duration::minutes(DEFAULT_REPLY_MINUTES))
        } else {
            input.reply_by.clone()
        };
        let checked: Vec<_> = input
            .hospital_ids
            .iter()
            .map(|hospital_id| {
                NewInquiryInput {
                    request_id: request_id.clone(),
                    hospital_id: hospital_id.clone(),
                    contact: String::new(),
                    channel: InquiryChannel::Package,
                    outcome: InquiryOutcome::Waiting,
                    decline_reason: None,
                    note: input.note.clone(),
                    call_back_at: reply_by.clone(),
                }
                .checked(offset)
            })
            .collect::<Result<_>>()?;
        let now = Utc::now();
        let ids: Vec<String> = self.store.write(|tx| -> Result<Vec<String>> {
            checked.iter().map(|c| Ok(inquiries::insert(tx, &user_id, c, now)?)).collect()
        })?;
        let mut sent = Vec::new();
        for (inquiry_id, hospital_id) in ids.iter().zip(&input.hospital_ids) {
            let hospital_name = self.hospital(hospital_id)?.name;
            let (package, problem) = match self.write_inquiry(&user_id, inquiry_id, dir) {
                Ok(package) => (Some(package), String::new()),
                Err(error) if !error.is_storage() => (None, error.to_string()),
                Err(error) => return Err(error),
            };
            sent.push(SentInquiry {
                inquiry_id: inquiry_id.clone(),
                hospital_id: hospital_id.clone(),
                hospital_name,
                package,
                problem,
            });
        }
        Ok(SentInquiries { sent, request: self.request(&request_id)? })
    }

    /// Writes one logged inquiry's package (and marks it sent in the same transaction).
    pub(crate) fn write_inquiry(
        &mut self,
        user_id: &str,
        inquiry_id: &str,
        dir: Option<&Path>,
    ) -> Result<ExportedPackage> {
        let (request_id, hospital_id) = inquiries::request_and_hospital(self.store.read(), inquiry_id)?
            .ok_or_else(|| Error::NotFound { entity: "打診", id: inquiry_id.to_owned() })?;
        let (reply_by, _) = inquiries::package_state(self.store.read(), inquiry_id)?.unwrap_or_default();
        let detail = self.request(&request_id)?;
        let record = self.inquiry_record(&detail, inquiry_id, reply_by)?;
        let (recipient, encrypt_to) = self.recipient(&hospital_id)?;
        if encrypt_to.is_none() {
            return Err(Error::refused("hospital_id", "この医療機関の暗号化の鍵が登録されていません"));
        }
        let out = Outgoing {
            kind: PackageKind::Inquiry,
            recipient: recipient.clone(),
            encrypt_to,
            format_version: self.format_for(&hospital_id)?,
            records: vec![serde_json::to_value(&record)?],
        };
        let mark = |tx: tenin_store::Db<'_>, manifest: &tenin_domain::exchange::manifest::Manifest| -> Result<()> {
            Ok(inquiries::mark_sent(tx, inquiry_id, &manifest.package_id)?)
        };
        match self.sync_root()? {
            Some(root) => {
                let folder = super::sync::recipient_folder(&root, &recipient)?;
                self.write_package(user_id, out, Destination::Shared(&[folder]), mark)
            }
            None => {
                let dir = dir.map(ToOwned::to_owned).unwrap_or_else(|| crate::export_file::export_dir(&self.data_dir));
                self.write_package(user_id, out, Destination::Folder(&dir), mark)
            }
        }
    }

    /// The patient-information sheet (患者情報提供票) with its FAX cover, as a printable A4 page:
    /// for `hospital_id` when given (its name and FAX on the cover), with `reply_by` (as an inquiry
    /// takes it; empty: in an hour). Refused without recorded consent.
    pub fn patient_sheet_html(&self, request_id: &str, hospital_id: Option<&str>, reply_by: &str) -> Result<String> {
        self.allow(Permission::Read)?;
        self.require(tenin_domain::edition::Edition::Desk)?;
        let detail = self.request(&self.resolve_request(request_id)?)?;
        let offset = self.offset()?;
        let reply_by = match reply_by.trim() {
            "" => Some(to_rfc3339(Utc::now() + Duration::minutes(DEFAULT_REPLY_MINUTES))),
            text => tenin_domain::inquiry::parse_local_time(text, offset)
                .map_err(|_| Error::refused("reply_by", "回答期限を日時として読めません（例: 2026-11-29T15:00）"))?
                .map(to_rfc3339),
        };
        let record = self.inquiry_record(&detail, "", reply_by)?;
        let to = match hospital_id {
            Some(id) => {
                let hospital = self.hospital(id)?;
                let fax =
                    hospital.contacts.iter().map(|c| c.input.fax.clone()).find(|f| !f.is_empty()).unwrap_or_default();
                Some(Addressee { name: hospital.name, fax })
            }
            None => None,
        };
        Ok(patient_sheet::html(&record, to.as_ref(), offset))
    }
}
