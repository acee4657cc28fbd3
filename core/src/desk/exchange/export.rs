//! Outbound packages: the directory for every hospital, one hospital's status (its requests, the
//! inquiries and placements concerning it), and the acknowledgement of an import. Each is signed
//! with the desk's key, numbered in the desk's own sequence, encrypted to the hospital when its
//! age key is registered, saved without overwriting, and logged.

use chrono::Utc;
use serde::Serialize;

use crate::desk::Desk;
use tenin_domain::access::Permission;
use tenin_domain::error::{Error, Result};
use tenin_domain::exchange::keys;
use tenin_domain::exchange::manifest::{EVERYONE, Manifest, PackageKind};
use tenin_domain::exchange::package::{self, Envelope, sha256_hex};
use tenin_domain::hospital::HospitalFilter;
use tenin_store::exchange::{self as exchange_store, Counts, ExchangeRecord};
use tenin_store::ids::{new_id, to_rfc3339};
use tenin_store::{inquiries, requests};

/// A package the desk wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportedPackage {
    pub path: String,
    pub manifest: Manifest,
    pub encrypted: bool,
}

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExportRequest {
    Directory,
    Status { hospital_id: String },
    Acknowledgement { exchange_id: String },
}

#[derive(Serialize)]
struct DirectoryRecord<'a> {
    code: &'a str,
    name: &'a str,
    name_kana: &'a str,
    municipality_code: &'a str,
    municipality_name: &'a str,
    region_name: &'a Option<String>,
    address: &'a str,
    is_referring: bool,
    is_receiving: bool,
    contacts: &'a [tenin_domain::contact::Contact],
    capacity: &'a [tenin_domain::capacity::CapacityReport],
    requirements: &'a tenin_domain::requirements::AcceptanceRequirements,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum StatusRecord {
    /// One of the hospital's own requests.
    Request {
        record_id: Option<String>,
        ref_no: String,
        status: String,
        status_label: String,
        status_since: String,
        placed_at: Option<String>,
    },
    /// An inquiry the desk made to the hospital (answer it by an answers package with its id).
    Inquiry(exchange_store::InquiryToHospital),
}

impl Desk {
    /// Writes an outbound package into `dir` (default: the exports folder).
    pub fn export_package(&mut self, what: &ExportRequest, dir: Option<&std::path::Path>) -> Result<ExportedPackage> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        let (kind, recipient, encrypt_to, records) = match what {
            ExportRequest::Directory => (PackageKind::Directory, EVERYONE.to_owned(), None, self.directory_records()?),
            ExportRequest::Status { hospital_id } => {
                let (code, key) = self.recipient(hospital_id)?;
                (PackageKind::Status, code, key, self.status_records(hospital_id)?)
            }
            ExportRequest::Acknowledgement { exchange_id } => {
                let report = self.exchange_report(exchange_id)?;
                let hospital_id = tenin_store::hospitals::by_code(self.store.read(), &report.sender)?
                    .ok_or_else(|| Error::NotFound { entity: "医療機関", id: report.sender.clone() })?
                    .0;
                let (code, key) = self.recipient(&hospital_id)?;
                let ack = serde_json::json!({
                    "package_id": report.package_id, "sequence": report.sequence, "file_sha256": report.file_sha256,
                    "counts": report.counts, "records": report.records,
                });
                (PackageKind::Acknowledgement, code, key, vec![ack])
            }
        };
        let desk_id = self.desk_id()?;
        let keys = self.key_pair()?;
        let json = serde_json::to_vec_pretty(&records)?;
        let now = Utc::now();
        let dir = dir.map(ToOwned::to_owned).unwrap_or_else(|| crate::export_file::export_dir(&self.data_dir));
        self.store.write(|tx| {
            let sequence = exchange_store::last_sequence(tx, &desk_id, "out")?.unwrap_or(0) + 1;
            exchange_store::set_last_sequence(tx, &desk_id, "out", sequence)?;
            let envelope = Envelope {
                package_id: new_id(),
                kind,
                sender: &desk_id,
                recipient: &recipient,
                sequence,
                created_at: to_rfc3339(now),
                records: records.len() as u32,
            };
            let (bytes, manifest) = package::seal(envelope, &json, &keys, encrypt_to.as_ref())
                .map_err(|e| Error::Io(format!("パッケージを作れません: {e}")))?;
            let stem = format!("tenin-{}-{}-{:05}", kind.as_str(), recipient.replace('*', "all"), sequence);
            let path = crate::export_file::save_new(&dir, &stem, "zip", &bytes)?;
            let record = ExchangeRecord {
                id: new_id(),
                direction: "out".into(),
                source: "package".into(),
                kind: kind.as_str().into(),
                package_id: Some(manifest.package_id.clone()),
                sender: desk_id.clone(),
                recipient: recipient.clone(),
                sequence: Some(sequence),
                file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                file_sha256: sha256_hex(&bytes),
                user_id: user_id.clone(),
                user_name: String::new(),
                at: to_rfc3339(now),
                result: "exported".into(),
                counts: Counts::default(),
                message: format!("{} {}件", kind.label_ja(), records.len()),
            };
            let report = serde_json::json!({"message": record.message, "path": path.display().to_string()});
            exchange_store::insert(tx, &record, &report.to_string())?;
            Ok(ExportedPackage { path: path.display().to_string(), manifest, encrypted: encrypt_to.is_some() })
        })
    }

    /// A hospital's code and, if registered, the age key to encrypt to.
    fn recipient(&self, hospital_id: &str) -> Result<(String, Option<keys::Recipient>)> {
        let hospital = self.hospital(hospital_id)?;
        let key = match exchange_store::hospital_keys(self.store.read(), hospital_id)? {
            Some(k) if !k.encryption.is_empty() => {
                Some(keys::parse_recipient(&k.encryption).map_err(|e| Error::ReferenceData(e.to_string()))?)
            }
            _ => None,
        };
        Ok((hospital.code, key))
    }

    fn directory_records(&self) -> Result<Vec<serde_json::Value>> {
        let list = self.hospitals(&HospitalFilter::default())?;
        list.iter()
            .filter(|h| h.active)
            .map(|h| {
                Ok(serde_json::to_value(DirectoryRecord {
                    code: &h.code,
                    name: &h.name,
                    name_kana: &h.name_kana,
                    municipality_code: &h.municipality_code,
                    municipality_name: &h.municipality_name,
                    region_name: &h.region_name,
                    address: &h.address,
                    is_referring: h.is_referring,
                    is_receiving: h.is_receiving,
                    contacts: &h.contacts,
                    capacity: &h.capacity,
                    requirements: &h.requirements,
                })?)
            })
            .collect()
    }

    fn status_records(&self, hospital_id: &str) -> Result<Vec<serde_json::Value>> {
        let conn = self.store.read();
        let mut records = Vec::new();
        for r in requests::list(conn)?.into_iter().filter(|r| r.referring_hospital_id == hospital_id) {
            let placed_at = inquiries::placement(conn, &r.id)?.map(|p| p.hospital_name);
            records.push(StatusRecord::Request {
                record_id: exchange_store::record_id_of(conn, &r.id)?,
                ref_no: r.ref_no,
                status: r.status.as_str().to_owned(),
                status_label: r.status.label_ja().to_owned(),
                status_since: r.status_since,
                placed_at,
            });
        }
        for inquiry in exchange_store::inquiries_to(conn, hospital_id)? {
            records.push(StatusRecord::Inquiry(inquiry));
        }
        Ok(records.into_iter().map(serde_json::to_value).collect::<serde_json::Result<_>>()?)
    }
}
