//! Reading and writing the package file: a zip holding `manifest.json`, `manifest.sig` and the data
//! files, optionally encrypted as a whole with age. The reader trusts nothing: sizes are checked
//! against what was actually inflated (not what the zip claims), names must be the few the format
//! has, and every data file must match the SHA-256 the manifest gives.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;

use super::keys::{self, KeyPair};
use super::manifest::{FORMAT, FileDigest, Manifest, PackageKind, READABLE_VERSIONS};
use crate::refusal::Refusal;

pub const MANIFEST_FILE: &str = "manifest.json";
pub const SIGNATURE_FILE: &str = "manifest.sig";
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";

/// Bounds on what a package may make the reader hold in memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The package file as received.
    pub file_bytes: u64,
    pub entries: usize,
    /// One inflated entry.
    pub entry_bytes: u64,
    /// All inflated entries together.
    pub total_bytes: u64,
    /// Inflated over compressed, for entries over `ratio_from_bytes`.
    pub ratio: u64,
    pub ratio_from_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: 64 << 20,
            entries: 8,
            entry_bytes: 64 << 20,
            total_bytes: 128 << 20,
            ratio: 100,
            ratio_from_bytes: 1 << 20,
        }
    }
}

/// A package read and checked on its own (format, names, sizes, digests). Whether the signature
/// is the sender's, and whether the package is meant for this desk, needs the directory:
/// [`Opened::check_signature`].
#[derive(Debug, Clone)]
pub struct Opened {
    pub manifest: Manifest,
    pub manifest_bytes: Vec<u8>,
    pub signature: Option<String>,
    pub files: BTreeMap<String, Vec<u8>>,
    pub was_encrypted: bool,
}

impl Opened {
    pub fn check_signature(&self, key: &ed25519_dalek::VerifyingKey) -> Result<(), Refusal> {
        let signature = self.signature.as_deref().ok_or(Refusal::MissingSignature)?;
        if keys::verify(key, &self.manifest_bytes, signature) { Ok(()) } else { Err(Refusal::BadSignature) }
    }

    /// The records file's bytes (present: `open` checked the manifest lists it).
    pub fn records(&self) -> &[u8] {
        self.files.get(super::manifest::RECORDS_FILE).map(Vec::as_slice).unwrap_or_default()
    }

    /// The records file, taken out of the package.
    pub fn into_records(mut self) -> Vec<u8> {
        self.files.remove(super::manifest::RECORDS_FILE).unwrap_or_default()
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether the bytes are an age-encrypted file.
pub fn is_encrypted(bytes: &[u8]) -> bool {
    bytes.starts_with(AGE_MAGIC)
}

/// Reads a package file. `identity` opens a package encrypted to this desk.
pub fn open(bytes: &[u8], identity: Option<&age::x25519::Identity>, limits: &Limits) -> Result<Opened, Refusal> {
    if bytes.len() as u64 > limits.file_bytes {
        return Err(Refusal::TooLarge { bytes: bytes.len() as u64, max: limits.file_bytes });
    }
    let was_encrypted = is_encrypted(bytes);
    let decrypted;
    let zip_bytes = if was_encrypted {
        let identity = identity.ok_or(Refusal::CannotDecrypt)?;
        decrypted = age::decrypt(identity, bytes).map_err(|_| Refusal::CannotDecrypt)?;
        decrypted.as_slice()
    } else {
        bytes
    };
    let mut files = unzip(zip_bytes, limits)?;
    let manifest_bytes = files.remove(MANIFEST_FILE).ok_or(Refusal::MissingManifest)?;
    let manifest = read_manifest(&manifest_bytes)?;
    let signature = files.remove(SIGNATURE_FILE).map(|s| String::from_utf8_lossy(&s).into_owned());
    let mut data = BTreeMap::new();
    for listed in &manifest.files {
        // Moved out, not copied: a records file may be tens of megabytes.
        let content = files.remove(&listed.name).ok_or_else(|| Refusal::MissingFile(listed.name.clone()))?;
        if sha256_hex(&content) != listed.sha256.to_ascii_lowercase() {
            return Err(Refusal::HashMismatch { file: listed.name.clone() });
        }
        data.insert(listed.name.clone(), content);
    }
    if let Some(name) = files.into_keys().next() {
        return Err(Refusal::UnexpectedFile(name));
    }
    if !data.contains_key(super::manifest::RECORDS_FILE) {
        return Err(Refusal::MissingFile(super::manifest::RECORDS_FILE.to_owned()));
    }
    Ok(Opened { manifest, manifest_bytes, signature, files: data, was_encrypted })
}

/// The format and its version are checked before the rest, so an unknown version is named as such.
fn read_manifest(bytes: &[u8]) -> Result<Manifest, Refusal> {
    let loose: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| Refusal::BadManifest(e.to_string()))?;
    let format = loose.get("format").and_then(|f| f.as_str()).unwrap_or_default();
    if format != FORMAT {
        return Err(Refusal::UnknownFormat(format.to_owned()));
    }
    match loose.get("format_version").and_then(|v| v.as_u64()) {
        Some(v) if u32::try_from(v).is_ok_and(|v| READABLE_VERSIONS.contains(&v)) => {}
        Some(v) => return Err(Refusal::UnknownVersion(v)),
        None => return Err(Refusal::BadManifest("format_version がありません".into())),
    }
    let manifest: Manifest = serde_json::from_value(loose).map_err(|e| Refusal::BadManifest(e.to_string()))?;
    if manifest.kind.since_version() > manifest.format_version {
        return Err(Refusal::BadManifest(format!(
            "{} は形式 {} 以降のパッケージにしかありません",
            manifest.kind.label_ja(),
            manifest.kind.since_version()
        )));
    }
    for (field, value) in
        [("package_id", &manifest.package_id), ("sender", &manifest.sender), ("recipient", &manifest.recipient)]
    {
        if value.chars().count() > super::records::MAX_RECORD_ID_CHARS {
            return Err(Refusal::BadManifest(format!(
                "{field} が長すぎます（{}文字まで）",
                super::records::MAX_RECORD_ID_CHARS
            )));
        }
    }
    if crate::timestamps::parse_rfc3339(&manifest.created_at).is_err() {
        return Err(Refusal::BadManifest(format!("created_at を日時として読めません: {}", manifest.created_at)));
    }
    Ok(manifest)
}

/// A name the format allows: `manifest.json`, `manifest.sig` or `data/<name>.json`, nothing that
/// climbs out, starts at a root or hides in a sub-folder.
fn check_name(name: &str) -> Result<(), Refusal> {
    let unsafe_name = name.starts_with('/')
        || name.contains('\\')
        || name.contains(':')
        || name.split('/').any(|part| part == ".." || part == ".")
        || name.chars().any(char::is_control);
    if unsafe_name {
        return Err(Refusal::UnsafePath(name.to_owned()));
    }
    let data_file = name
        .strip_prefix("data/")
        .is_some_and(|rest| !rest.is_empty() && !rest.contains('/') && rest.ends_with(".json"));
    if name == MANIFEST_FILE || name == SIGNATURE_FILE || data_file {
        Ok(())
    } else {
        Err(Refusal::UnexpectedFile(name.to_owned()))
    }
}

fn unzip(bytes: &[u8], limits: &Limits) -> Result<BTreeMap<String, Vec<u8>>, Refusal> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| Refusal::Unreadable(e.to_string()))?;
    if archive.len() > limits.entries {
        return Err(Refusal::TooManyFiles(archive.len()));
    }
    let mut files = BTreeMap::new();
    let mut total = 0u64;
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(|e| Refusal::Unreadable(e.to_string()))?;
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        if entry.is_dir() {
            if name == "data/" {
                continue;
            }
            check_name(name.trim_end_matches('/'))?;
            return Err(Refusal::UnexpectedFile(name));
        }
        check_name(&name)?;
        if entry.enclosed_name().is_none() {
            return Err(Refusal::UnsafePath(name));
        }
        let bomb = || Refusal::ZipBomb { name: name.clone() };
        let declared = entry.size();
        let compressed = entry.compressed_size().max(1);
        if declared > limits.entry_bytes || (declared > limits.ratio_from_bytes && declared / compressed > limits.ratio)
        {
            return Err(bomb());
        }
        // Inflate at most one byte past the limit: a header that lies about the size is caught here.
        let mut content = Vec::new();
        (&mut entry)
            .take(limits.entry_bytes + 1)
            .read_to_end(&mut content)
            .map_err(|e| Refusal::Unreadable(format!("{name}: {e}")))?;
        let inflated = content.len() as u64;
        if inflated > limits.entry_bytes || (inflated > limits.ratio_from_bytes && inflated / compressed > limits.ratio)
        {
            return Err(bomb());
        }
        total += inflated;
        if total > limits.total_bytes {
            return Err(bomb());
        }
        if files.insert(name.clone(), content).is_some() {
            return Err(Refusal::UnexpectedFile(format!("{name}（重複）")));
        }
    }
    Ok(files)
}

/// What a new package says about itself; the writer fills in the digests and the format.
pub struct Envelope<'a> {
    /// The format version to write: [`super::manifest::FORMAT_VERSION`] unless the recipient reads
    /// only an older one.
    pub format_version: u32,
    pub package_id: String,
    pub kind: PackageKind,
    pub sender: &'a str,
    pub recipient: &'a str,
    pub sequence: u32,
    pub created_at: String,
    pub records: u32,
}

/// Writes a package: the records file, its manifest, the sender's signature; encrypted to
/// `encrypt_to` when given. Returns the file's bytes and the manifest.
pub fn seal(
    envelope: Envelope,
    records_json: &[u8],
    keys: &KeyPair,
    encrypt_to: Option<&age::x25519::Recipient>,
) -> std::io::Result<(Vec<u8>, Manifest)> {
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        format_version: envelope.format_version,
        package_id: envelope.package_id,
        kind: envelope.kind,
        sender: envelope.sender.to_owned(),
        recipient: envelope.recipient.to_owned(),
        sequence: envelope.sequence,
        created_at: envelope.created_at,
        records: envelope.records,
        files: vec![FileDigest {
            name: super::manifest::RECORDS_FILE.to_owned(),
            sha256: sha256_hex(records_json),
            bytes: u32::try_from(records_json.len()).unwrap_or(u32::MAX),
        }],
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest)?;
    let signature = keys.sign(&manifest_bytes);
    let zip_bytes = zip_files(&[
        (MANIFEST_FILE, &manifest_bytes),
        (SIGNATURE_FILE, signature.as_bytes()),
        (super::manifest::RECORDS_FILE, records_json),
    ])?;
    let bytes = match encrypt_to {
        Some(recipient) => age::encrypt(recipient, &zip_bytes).map_err(std::io::Error::other)?,
        None => zip_bytes,
    };
    Ok((bytes, manifest))
}

/// A deflated zip of the given files, in order.
pub fn zip_files(files: &[(&str, &[u8])]) -> std::io::Result<Vec<u8>> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in files {
        writer.start_file(*name, options).map_err(std::io::Error::other)?;
        writer.write_all(content)?;
    }
    Ok(writer.finish().map_err(std::io::Error::other)?.into_inner())
}

/// A package opened by its recipient without a desk (`tenin package open`): decrypted with the
/// recipient's own keys and, when the sender's public key is given, its signature checked.
#[derive(Debug, Clone)]
pub struct OpenedForRecipient {
    pub manifest: Manifest,
    /// Whether the signature was checked against the given key (and held).
    pub signature_checked: bool,
    pub records: Vec<serde_json::Value>,
}

/// Opens `bytes` as their recipient: refused when it cannot be decrypted or read, or when
/// `sender_key` is given and did not sign it.
pub fn open_for_recipient(
    bytes: &[u8],
    own: &KeyPair,
    sender_key: Option<&ed25519_dalek::VerifyingKey>,
) -> Result<OpenedForRecipient, Refusal> {
    let opened = open(bytes, Some(own.age_identity()), &Limits::default())?;
    if let Some(key) = sender_key {
        opened.check_signature(key)?;
    }
    let records: Vec<serde_json::Value> = serde_json::from_slice(opened.records())
        .map_err(|e| Refusal::BadRecords(format!("JSON の配列として読めません: {e}")))?;
    if records.len() as u32 != opened.manifest.records {
        return Err(Refusal::CountMismatch { declared: opened.manifest.records, found: records.len() as u32 });
    }
    Ok(OpenedForRecipient { manifest: opened.manifest, signature_checked: sender_key.is_some(), records })
}
