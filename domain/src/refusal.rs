//! Why a whole package (or file) was refused. Each has a stable code the UI and tests branch on and
//! a Japanese sentence for the nurse; a refused file is kept in the quarantine folder either way.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("ファイルが大きすぎます（{bytes}バイト、上限{max}バイト）")]
    TooLarge { bytes: u64, max: u64 },
    /// A file within the byte limit whose content goes over another (rows, columns, a cell, the
    /// extent an xlsx declares).
    #[error("ファイルが大きすぎます: {0}")]
    OverLimit(String),
    #[error("ファイルとして読めません（壊れているか、途中で切れています）: {0}")]
    Unreadable(String),
    #[error("zip の中のファイル名が安全ではありません: {0}")]
    UnsafePath(String),
    #[error("zip に想定外のファイルがあります: {0}")]
    UnexpectedFile(String),
    #[error("zip のファイル数が多すぎます（{0}個）")]
    TooManyFiles(usize),
    #[error("展開すると大きすぎるファイルがあります（{name}: 圧縮率または大きさが上限を超えます）")]
    ZipBomb { name: String },
    #[error("manifest.json がありません")]
    MissingManifest,
    #[error("manifest.json を読めません: {0}")]
    BadManifest(String),
    #[error("転院調整デスクの交換パッケージではありません（format: {0}）")]
    UnknownFormat(String),
    #[error("パッケージの形式の版 {0} には対応していません（対応: 1）")]
    UnknownVersion(u64),
    #[error("署名（manifest.sig）がありません")]
    MissingSignature,
    #[error("署名が正しくありません。送信元の鍵で署名されたものではないか、内容が書き換えられています")]
    BadSignature,
    #[error("送信元 {0} は医療機関一覧にありません")]
    UnknownSender(String),
    #[error("送信元 {0} の署名の公開鍵が医療機関一覧に登録されていません")]
    NoSenderKey(String),
    #[error("このデスク宛てではありません（宛先: {recipient}）")]
    WrongRecipient { recipient: String },
    #[error("{file} の SHA-256 が manifest.json と一致しません（改ざんまたは破損）")]
    HashMismatch { file: String },
    #[error("manifest.json にある {0} が zip にありません")]
    MissingFile(String),
    #[error("暗号化されたパッケージを開けません（このデスク宛てに暗号化されていません）")]
    CannotDecrypt,
    #[error("この種類のパッケージはデスクへ取り込めません: {0}")]
    NotInbound(String),
    #[error("件数が manifest.json（{declared}件）と一致しません（{found}件）")]
    CountMismatch { declared: u32, found: u32 },
    #[error("データを読めません: {0}")]
    BadRecords(String),
    #[error("通し番号 {sequence} は既に受け取った番号（{last}まで）より前です。再送または順序違いのため取り込みません")]
    StaleSequence { sequence: u32, last: u32 },
}

/// The stable code of a refusal, as the UI and tests branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    TooLarge,
    Unreadable,
    UnsafePath,
    UnexpectedFile,
    TooManyFiles,
    ZipBomb,
    MissingManifest,
    BadManifest,
    UnknownFormat,
    UnknownVersion,
    MissingSignature,
    BadSignature,
    UnknownSender,
    NoSenderKey,
    WrongRecipient,
    HashMismatch,
    MissingFile,
    CannotDecrypt,
    NotInbound,
    CountMismatch,
    BadRecords,
    StaleSequence,
}

const ALL: [RefusalCode; 22] = [
    RefusalCode::TooLarge,
    RefusalCode::Unreadable,
    RefusalCode::UnsafePath,
    RefusalCode::UnexpectedFile,
    RefusalCode::TooManyFiles,
    RefusalCode::ZipBomb,
    RefusalCode::MissingManifest,
    RefusalCode::BadManifest,
    RefusalCode::UnknownFormat,
    RefusalCode::UnknownVersion,
    RefusalCode::MissingSignature,
    RefusalCode::BadSignature,
    RefusalCode::UnknownSender,
    RefusalCode::NoSenderKey,
    RefusalCode::WrongRecipient,
    RefusalCode::HashMismatch,
    RefusalCode::MissingFile,
    RefusalCode::CannotDecrypt,
    RefusalCode::NotInbound,
    RefusalCode::CountMismatch,
    RefusalCode::BadRecords,
    RefusalCode::StaleSequence,
];

impl RefusalCode {
    /// The code named by `text` (as [`RefusalCode::as_str`] writes it).
    pub fn parse(text: &str) -> Option<RefusalCode> {
        ALL.iter().copied().find(|code| code.as_str() == text)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RefusalCode::TooLarge => "too_large",
            RefusalCode::Unreadable => "unreadable",
            RefusalCode::UnsafePath => "unsafe_path",
            RefusalCode::UnexpectedFile => "unexpected_file",
            RefusalCode::TooManyFiles => "too_many_files",
            RefusalCode::ZipBomb => "zip_bomb",
            RefusalCode::MissingManifest => "missing_manifest",
            RefusalCode::BadManifest => "bad_manifest",
            RefusalCode::UnknownFormat => "unknown_format",
            RefusalCode::UnknownVersion => "unknown_version",
            RefusalCode::MissingSignature => "missing_signature",
            RefusalCode::BadSignature => "bad_signature",
            RefusalCode::UnknownSender => "unknown_sender",
            RefusalCode::NoSenderKey => "no_sender_key",
            RefusalCode::WrongRecipient => "wrong_recipient",
            RefusalCode::HashMismatch => "hash_mismatch",
            RefusalCode::MissingFile => "missing_file",
            RefusalCode::CannotDecrypt => "cannot_decrypt",
            RefusalCode::NotInbound => "not_inbound",
            RefusalCode::CountMismatch => "count_mismatch",
            RefusalCode::BadRecords => "bad_records",
            RefusalCode::StaleSequence => "stale_sequence",
        }
    }
}

impl Refusal {
    /// The stable code of the refusal (`hash_mismatch`, `bad_signature`, …).
    pub fn code(&self) -> RefusalCode {
        match self {
            Refusal::TooLarge { .. } => RefusalCode::TooLarge,
            Refusal::OverLimit(_) => RefusalCode::TooLarge,
            Refusal::Unreadable(_) => RefusalCode::Unreadable,
            Refusal::UnsafePath(_) => RefusalCode::UnsafePath,
            Refusal::UnexpectedFile(_) => RefusalCode::UnexpectedFile,
            Refusal::TooManyFiles(_) => RefusalCode::TooManyFiles,
            Refusal::ZipBomb { .. } => RefusalCode::ZipBomb,
            Refusal::MissingManifest => RefusalCode::MissingManifest,
            Refusal::BadManifest(_) => RefusalCode::BadManifest,
            Refusal::UnknownFormat(_) => RefusalCode::UnknownFormat,
            Refusal::UnknownVersion(_) => RefusalCode::UnknownVersion,
            Refusal::MissingSignature => RefusalCode::MissingSignature,
            Refusal::BadSignature => RefusalCode::BadSignature,
            Refusal::UnknownSender(_) => RefusalCode::UnknownSender,
            Refusal::NoSenderKey(_) => RefusalCode::NoSenderKey,
            Refusal::WrongRecipient { .. } => RefusalCode::WrongRecipient,
            Refusal::HashMismatch { .. } => RefusalCode::HashMismatch,
            Refusal::MissingFile(_) => RefusalCode::MissingFile,
            Refusal::CannotDecrypt => RefusalCode::CannotDecrypt,
            Refusal::NotInbound(_) => RefusalCode::NotInbound,
            Refusal::CountMismatch { .. } => RefusalCode::CountMismatch,
            Refusal::BadRecords(_) => RefusalCode::BadRecords,
            Refusal::StaleSequence { .. } => RefusalCode::StaleSequence,
        }
    }
}
