//! The manifest of an exchange package (`manifest.json`): what the package is, who sent it to
//! whom, its place in the sender's sequence, and the SHA-256 of every data file. The sender signs
//! these exact bytes (`manifest.sig`); everything else in the zip is trusted only through them.

use serde::{Deserialize, Serialize};

/// The format's name, written in every manifest.
pub const FORMAT: &str = "tenin-exchange";
/// The format version this program writes by default (docs/exchange.md, "Package format").
/// Version 2 adds the `inquiry` kind and reads care items and COVID-19 dates as three-valued.
pub const FORMAT_VERSION: u32 = 2;
/// The versions a reader accepts; any other is refused by name.
pub const READABLE_VERSIONS: std::ops::RangeInclusive<u32> = 1..=2;
/// The data file every kind carries its records in.
pub const RECORDS_FILE: &str = "data/records.json";

/// What a package carries. Hospitals send the first three; the desk sends the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PackageKind {
    /// A referring hospital's transfer requests: new, updated, withdrawn.
    Requests,
    /// A hospital's capacity by bed type and, optionally, its acceptance requirements.
    Capacity,
    /// A receiving hospital's answers to the desk's inquiries.
    Answers,
    /// The directory for all hospitals: contacts, capacity, requirements.
    Directory,
    /// For one hospital: the status of its requests and the placements and inquiries concerning it.
    Status,
    /// The result of every record of one imported package.
    Acknowledgement,
    /// For one candidate hospital (format 2, always encrypted to it): what it needs to decide on a
    /// patient, answered by an `answers` package naming the inquiry.
    Inquiry,
}

impl PackageKind {
    pub const ALL: [PackageKind; 7] = [
        PackageKind::Requests,
        PackageKind::Capacity,
        PackageKind::Answers,
        PackageKind::Directory,
        PackageKind::Status,
        PackageKind::Acknowledgement,
        PackageKind::Inquiry,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PackageKind::Requests => "requests",
            PackageKind::Capacity => "capacity",
            PackageKind::Answers => "answers",
            PackageKind::Directory => "directory",
            PackageKind::Status => "status",
            PackageKind::Acknowledgement => "acknowledgement",
            PackageKind::Inquiry => "inquiry",
        }
    }

    pub fn parse(name: &str) -> Option<PackageKind> {
        PackageKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            PackageKind::Requests => "転院依頼",
            PackageKind::Capacity => "受入体制",
            PackageKind::Answers => "打診への回答",
            PackageKind::Directory => "医療機関一覧",
            PackageKind::Status => "依頼の状況",
            PackageKind::Acknowledgement => "取込結果",
            PackageKind::Inquiry => "打診（患者情報）",
        }
    }

    /// Whether hospitals send this kind to the desk (the desk imports it).
    pub fn is_inbound(self) -> bool {
        matches!(self, PackageKind::Requests | PackageKind::Capacity | PackageKind::Answers)
    }

    /// The first format version that has this kind.
    pub fn since_version(self) -> u32 {
        match self {
            PackageKind::Inquiry => 2,
            _ => 1,
        }
    }
}

/// One file of the package with its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct FileDigest {
    pub name: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    pub bytes: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// A UUID, new for every package; importing the same id twice changes nothing.
    pub package_id: String,
    pub kind: PackageKind,
    /// A hospital's medical-institution code, or the desk's id.
    pub sender: String,
    /// The desk's id, a hospital's code, or `*` for every hospital (the directory).
    pub recipient: String,
    /// The sender's running number: each package is one more than the sender's previous one.
    pub sequence: u32,
    /// RFC 3339.
    pub created_at: String,
    /// How many records the data file holds.
    pub records: u32,
    pub files: Vec<FileDigest>,
}

/// The recipient of a package meant for every hospital.
pub const EVERYONE: &str = "*";
