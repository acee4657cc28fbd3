//! Outbound packages: the directory for every hospital, one hospital's status (its requests, the
//! inquiries and placements concerning it), and the acknowledgement of an import. Each is signed
//! with the desk's key, numbered in the desk's own sequence, encrypted to the hospital when its
//! age key is registered, saved without overwriting, and logged.

use std::path::{Path, PathBuf};

use chrono::Utc;
use serde::Serialize;
use tenin_store::Db;

use crate::desk::Desk;
use tenin_domain::access::Permission;
use tenin_domain::error::{Error, Result};
use tenin_domain::exchange::keys;
use tenin_domain::exchange::manifest::{EVERYONE, FORMAT_VERSION, Manifest, PackageKind};
use tenin_domain::exchange::package::{self, Envelope, sha256_hex};
use tenin_domain::exchange::records::{AcknowledgementRecord, DirectoryBeds, DirectoryRecord, StatusRecord};
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

/// Where a written package goes.
pub(crate) enum Destination<'a> {
    /// A folder a person chose (or the exports folder): a new name, never overwriting.
    Folder(&'a Path),
    /// Recipients' folders in the sync root (the directory goes to every hospital's): written as
    /// `NAME.part` and renamed once logged, so a reader never takes half a file, and a crash leaves
    /// nothing a reader would take (the next cycle finishes or removes the `.part`).
    Shared(&'a [PathBuf]),
}

/// A package to write.
pub(crate) struct Outgoing {
    pub kind: PackageKind,
    pub recipient: String,
    pub encrypt_to: Option<keys::Recipient>,
    pub format_version: u32,
    pub records: Vec<serde_json::Value>,
}

/// The suffix of a package still being written into a shared folder; readers ignore it.
pub const PART_SUFFIX: &str = ".part";

impl Desk {
    /// Writes an outbound package into `dir` (default: the exports folder).
    pub fn export_package(&mut self, what: &ExportRequest, dir: Option<&std::path::Path>) -> Result<ExportedPackage> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let out = self.outgoing(what)?;
        let dir = dir.map(ToOwned::to_owned).unwrap_or_else(|| crate::export_file::export_dir(&self.data_dir));
        self.write_package(&user_id, out, Destination::Folder(&dir), |_, _| Ok(()))
    }

    /// The package `what` asks for, not yet written.
    pub(crate) fn outgoing(&self, what: &ExportRequest) -> Result<Outgoing> {
        Ok(match what {
            ExportRequest::Directory => Outgoing {
                kind: PackageKind::Directory,
                recipient: EVERYONE.to_owned(),
                encrypt_to: None,
                // Every hospital reads the directory, whichever version it speaks; it is the same in both.
                format_version: 1,
                records: self.directory_records()?,
            },
            ExportRequest::Status { hospital_id } => {
                let (recipient, encrypt_to) = self.recipient(hospital_id)?;
                Outgoing {
                    kind: PackageKind::Status,
                    recipient,
                    encrypt_to,
                    format_version: self.format_for(hospital_id)?,
                    records: self.status_records(hospital_id)?,
                }
            }
            ExportRequest::Acknowledgement { exchange_id } => {
                let report = self.exchange_report(exchange_id)?;
                let hospital_id = tenin_store::hospitals::by_code(self.store.read(), &report.sender)?
                    .ok_or_else(|| Error::NotFound { entity: "医療機関", id: report.sender.clone() })?
                    .0;
                let (recipient, encrypt_to) = self.recipient(&hospital_id)?;
                let ack = serde_json::to_value(AcknowledgementRecord {
                    package_id: report.package_id.clone(),
                    sequence: report.sequence,
                    file_sha256: report.file_sha256.clone(),
                    counts: serde_json::to_value(report.counts)?,
                    records: report.records.clone(),
                })?;
                Outgoing {
                    kind: PackageKind::Acknowledgement,
                    recipient,
                    encrypt_to,
                    format_version: self.format_for(&hospital_id)?,
                    records: vec![ack],
                }
            }
        })
    }

    /// The format version to write to a hospital: the highest it has sent, or the current one for
    /// a hospital that has sent nothing yet.
    pub(crate) fn format_for(&self, hospital_id: &str) -> Result<u32> {
        Ok(exchange_store::format_version_of(self.store.read(), hospital_id)?
            .map_or(FORMAT_VERSION, |seen| seen.clamp(1, FORMAT_VERSION)))
    }

    /// Signs (and encrypts, when the recipient has a key) `out`, numbers it in the desk's own
    /// sequence, writes it to `to` and logs it — with `also` in the same transaction (an inquiry
    /// marked sent). A package written to a shared folder is renamed into place after the commit.
    pub(crate) fn write_package(
        &mut self,
        user_id: &str,
        out: Outgoing,
        to: Destination,
        also: impl FnOnce(Db<'_>, &Manifest) -> Result<()>,
    ) -> Result<ExportedPackage> {
        // The sender: the desk's id, or a hospital edition's code.
        let desk_id = self.exchange_id()?;
        let keys = self.key_pair()?;
        let json = serde_json::to_vec_pretty(&out.records)?;
        let now = Utc::now();
        let kind = out.kind;
        let recipient = out.recipient.clone();
        let (exported, parts) = self.store.write(|tx| -> Result<(ExportedPackage, Vec<(PathBuf, PathBuf)>)> {
            // Numbered per recipient (the directory's stream is `*`), so each hospital sees its own
            // packages numbered without gaps; never below the single counter desks kept before.
            let stream = format!("{desk_id}>{recipient}");
            let last = exchange_store::last_sequence(tx, &stream, "out")?
                .max(exchange_store::last_sequence(tx, &desk_id, "out")?);
            let sequence = last.unwrap_or(0) + 1;
            exchange_store::set_last_sequence(tx, &stream, "out", sequence)?;
            let envelope = Envelope {
                format_version: out.format_version,
                package_id: new_id(),
                kind,
                sender: &desk_id,
                recipient: &recipient,
                sequence,
                created_at: to_rfc3339(now),
                records: out.records.len() as u32,
            };
            let (bytes, manifest) = package::seal(envelope, &json, &keys, out.encrypt_to.as_ref())
                .map_err(|e| Error::Io(format!("パッケージを作れません: {e}")))?;
            let (path, parts) = match to {
                Destination::Folder(dir) => {
                    let stem = format!("tenin-{}-{}-{:05}", kind.as_str(), recipient.replace('*', "all"), sequence);
                    (crate::export_file::save_new(dir, &stem, "zip", &bytes)?, Vec::new())
                }
                Destination::Shared(dirs) => {
                    let name = shared_name(kind, &desk_id, &recipient, sequence);
                    let mut parts = Vec::new();
                    for dir in dirs {
                        let part = dir.join(format!("{name}{PART_SUFFIX}"));
                        write_part(&part, &bytes)?;
                        parts.push((part, dir.join(&name)));
                    }
                    let first = parts.first().map(|(_, path)| path.clone()).unwrap_or_else(|| PathBuf::from(&name));
                    (first, parts)
                }
            };
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
                user_id: user_id.to_owned(),
                user_name: String::new(),
                at: to_rfc3339(now),
                result: "exported".into(),
                counts: Counts::default(),
                message: format!("{} {}件", kind.label_ja(), out.records.len()),
                refusal: None,
            };
            let report = serde_json::json!({"message": record.message, "path": path.display().to_string()});
            exchange_store::insert(tx, &record, &report.to_string())?;
            also(tx, &manifest)?;
            let exported =
                ExportedPackage { path: path.display().to_string(), manifest, encrypted: out.encrypt_to.is_some() };
            Ok((exported, parts))
        })?;
        for (part, path) in parts {
            std::fs::rename(&part, &path).map_err(|e| Error::Io(format!("{} を置けません: {e}", path.display())))?;
        }
        Ok(exported)
    }

    /// A hospital's code and, if registered, the age key to encrypt to.
    pub(crate) fn recipient(&self, hospital_id: &str) -> Result<(String, Option<keys::Recipient>)> {
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
        let pack = self.region_pack()?;
        let pack = tenin_domain::exchange::records::PackRef { id: pack.id, version: pack.version };
        list.iter()
            .filter(|h| h.active)
            .map(|h| {
                Ok(serde_json::to_value(DirectoryRecord {
                    code: h.code.clone(),
                    name: h.name.clone(),
                    name_kana: h.name_kana.clone(),
                    municipality_code: h.municipality_code.clone(),
                    municipality_name: h.municipality_name.clone(),
                    region_name: h.region_name.clone(),
                    address: h.address.clone(),
                    is_referring: h.is_referring,
                    is_receiving: h.is_receiving,
                    contacts: h.contacts.iter().map(|c| c.input.clone()).collect(),
                    capacity: h
                        .capacity
                        .iter()
                        .map(|c| DirectoryBeds {
                            bed_type: c.bed_type.clone(),
                            bed_type_name: c.bed_type_name.clone(),
                            available: c.available,
                            reported_at: c.reported_at.clone(),
                        })
                        .collect(),
                    requirements: h.requirements.clone(),
                    region_pack: Some(pack.clone()),
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
            records.push(StatusRecord::Inquiry(serde_json::to_value(inquiry)?));
        }
        Ok(records.into_iter().map(serde_json::to_value).collect::<serde_json::Result<_>>()?)
    }
}

/// A package's name in a shared folder: what it is, from whom, to whom, its number. Unique: one
/// sender numbers its packages once.
pub(crate) fn shared_name(kind: PackageKind, sender: &str, recipient: &str, sequence: u32) -> String {
    format!("tenin-{}-{}-to-{}-{sequence:06}.zip", kind.as_str(), sender, recipient.replace('*', "all"))
}

/// Writes a package's bytes beside its final name, flushed to disk before it is logged. A `.part`
/// left by a crash before the log is replaced (its sequence number was never taken).
fn write_part(part: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let fail = |e: std::io::Error| Error::Io(format!("{} に書けません: {e}", part.display()));
    let mut file = std::fs::File::create(part).map_err(fail)?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(fail)
}
