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

impl Refusal {
    /// The stable code of the refusal (`hash_mismatch`, `bad_signature`, …).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::TooLarge { .. } => "too_large",
            Refusal::OverLimit(_) => "too_large",
            Refusal::Unreadable(_) => "unreadable",
            Refusal::UnsafePath(_) => "unsafe_path",
            Refusal::UnexpectedFile(_) => "unexpected_file",
            Refusal::TooManyFiles(_) => "too_many_files",
            Refusal::ZipBomb { .. } => "zip_bomb",
            Refusal::MissingManifest => "missing_manifest",
            Refusal::BadManifest(_) => "bad_manifest",
            Refusal::UnknownFormat(_) => "unknown_format",
            Refusal::UnknownVersion(_) => "unknown_version",
            Refusal::MissingSignature => "missing_signature",
            Refusal::BadSignature => "bad_signature",
            Refusal::UnknownSender(_) => "unknown_sender",
            Refusal::NoSenderKey(_) => "no_sender_key",
            Refusal::WrongRecipient { .. } => "wrong_recipient",
            Refusal::HashMismatch { .. } => "hash_mismatch",
            Refusal::MissingFile(_) => "missing_file",
            Refusal::CannotDecrypt => "cannot_decrypt",
            Refusal::NotInbound(_) => "not_inbound",
            Refusal::CountMismatch { .. } => "count_mismatch",
            Refusal::BadRecords(_) => "bad_records",
            Refusal::StaleSequence { .. } => "stale_sequence",
        }
    }
}
