//! Errors, and the one shape in which they leave the program.
//!
//! Inside, an [`Error`] is a Rust enum shared by every layer (the store converts its own failures
//! into [`Error::Storage`]). At every boundary (the app's commands, the CLI's `--json`) it becomes an
//! [`ErrorReport`]: `{code, message, problems, rule, refusal}`. The UI branches on `code`, on a
//! problem's `kind`, on the `rule` a refusal names and on a refused file's `refusal` code — never on
//! message text; `message` is a ready Japanese sentence for places that just print it (the CLI, logs).

use serde::{Deserialize, Serialize};

use crate::refusal::{Refusal, RefusalCode};
use crate::request_status::RequestStatus;

/// What the UI can tell apart. Only add a variant when a consumer branches on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Input was refused; `problems` says which field and why.
    Validation,
    /// The record asked for does not exist.
    NotFound,
    /// The record changed since the screen read it (another nurse, another window): reload it and
    /// try again.
    StaleVersion,
    /// A rule of the desk does not allow this now; `rule` names which, with its parameters.
    Rule,
    /// A request's state cannot move that way.
    InvalidTransition,
    /// The database could not be opened or used; the app shows its start-up error screen.
    Storage,
    /// A file or folder could not be read or written (full disk, no permission, not there).
    Io,
    /// A reference-data or demo file is malformed.
    ReferenceData,
    /// The new request may be a patient already referred: the nurse chooses to merge or keep both.
    PossibleDuplicate,
    /// Allowed, but only once the user confirms the warnings in `problems` (e.g. a transport provider
    /// that does not list the patient's area); the same call with the confirmation goes through.
    NeedsConfirmation,
    /// Nobody is signed in: the app shows its sign-in screen (or, before the first administrator
    /// exists, the set-up screen).
    NotSignedIn,
    /// The session was locked after the idle time: the same or another user signs in again.
    Locked,
    /// The signed-in user's role does not allow this action.
    Forbidden,
    /// Wrong login or password, or too many wrong passwords in a row (the message says how long
    /// to wait).
    SignInFailed,
    /// A package or file was refused as a whole (forged, damaged, not for this desk, replayed);
    /// `refusal` is its code (`hash_mismatch`, `bad_signature`, …).
    PackageRefused,
    /// Long work was cancelled by the user; nothing was changed.
    Cancelled,
    /// The desk could not be opened (the app shows its start-up screen, which says why).
    NotOpen,
    /// The audit trail's hash chain is broken: an entry was edited, removed or slipped in.
    ChainBroken,
    /// A fault of the program itself (a worker lost); the message says what failed.
    Internal,
    /// The action belongs to the other edition (a desk action on a hospital edition, or the reverse).
    WrongEdition,
}

/// Why one field was refused. Tagged so the UI can phrase it in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    Required,
    TooLong {
        max: u32,
    },
    OutOfRange {
        min: i32,
        max: i32,
    },
    /// Not in the expected form (e.g. a code with a wrong check digit).
    Invalid,
    /// Names a record or code that does not exist (e.g. an unknown municipality code).
    UnknownReference,
    /// Exists, but may not be used here (e.g. an inactive hospital).
    NotAllowed,
    /// A time later than now where only the past makes sense (e.g. when capacity was reported).
    InFuture,
    /// Would put the patient at risk (e.g. oxygen needed and none on board); the message says why.
    Unsafe,
    /// Allowed once confirmed; the message says what to confirm.
    Warning,
}

impl Problem {
    fn japanese(&self) -> String {
        match self {
            Problem::Required => "必須項目です".to_owned(),
            Problem::TooLong { max } => format!("{max}文字以内で入力してください"),
            Problem::OutOfRange { min, max } => format!("{min}〜{max}の範囲で入力してください"),
            Problem::Invalid => "形式が正しくありません".to_owned(),
            Problem::UnknownReference => "登録されていない値です".to_owned(),
            Problem::NotAllowed => "この項目には使用できません".to_owned(),
            Problem::InFuture => "未来の日時は指定できません".to_owned(),
            Problem::Unsafe => "患者の安全上この組み合わせは登録できません".to_owned(),
            Problem::Warning => "確認が必要です".to_owned(),
        }
    }
}

/// One refused field: its name in the transfer type, the problem, what exactly is wrong where the
/// kind alone does not say (`detail`, with its parameters), and a Japanese sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldProblem {
    pub field: String,
    pub problem: Problem,
    pub detail: Option<Detail>,
    pub message: String,
}

impl FieldProblem {
    pub fn new(field: &str, problem: Problem) -> Self {
        let message = problem.japanese();
        FieldProblem { field: field.to_owned(), problem, detail: None, message }
    }

    /// A problem with a precise reason: the message is the detail's.
    pub fn detailed(field: &str, problem: Problem, detail: Detail) -> Self {
        FieldProblem { field: field.to_owned(), problem, message: detail.to_string(), detail: Some(detail) }
    }
}

/// What exactly is wrong with a field, where its kind alone does not say: a stable code the UI can
/// word in its own language, with the values the wording needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "detail", rename_all = "snake_case")]
pub enum Detail {
    #[error("重みを一つ以上0より大きくしてください")]
    WeightsAllZero,
    #[error("電話・FAX・メールのいずれかを入力してください")]
    ContactNeedsOne,
    #[error("ファイルの内容を受け取れませんでした。もう一度選んでください")]
    UploadUnreadable,
    #[error("電話番号として読めません（0から始まる10〜11桁）")]
    PhoneFormat,
    #[error("依頼の電話番号を入力してください")]
    ProviderPhoneRequired,
    #[error("受入先が記録されていません。打診記録で「受入可」を記録してから搬送を手配してください")]
    BookingWithoutPlacement,
    #[error("依頼が「{}」のため搬送を手配できません", .status.label_ja())]
    BookingInState { status: RequestStatus },
    #[error("迎えの日時が受入決定より前です")]
    PickupBeforePlacement,
    #[error("休止中の事業者です")]
    ProviderInactive,
    #[error("この患者には{needed}が必要です（{chosen}では搬送できません）")]
    VehicleTooSmall { needed: String, chosen: String },
    #[error("{provider}は{vehicle}の車両を持っていません")]
    ProviderLacksVehicle { provider: String, vehicle: String },
    #[error("酸素投与が必要ですが、{provider}の車両には酸素がありません")]
    ProviderWithoutOxygen { provider: String },
    #[error("患者は酸素{flow}L/分を使用中です。搬送中の酸素量を入力してください")]
    OxygenOnBoardRequired { flow: String },
    #[error("{provider}の対応地域に依頼元の地域が含まれていません")]
    OutsideProviderArea { provider: String },
    #[error("迎えの時刻が{provider}の営業時間（{hours}）の外です（事業者に確認してください）")]
    OutsideProviderHours { provider: String, hours: String },
    #[error("{provider}の搬送は公費の対象として登録されていません")]
    NotPubliclyFunded { provider: String },
    #[error("{provider}は付添の手配に対応していません（依頼元・受入先で付添を確保してください）")]
    NoEscort { provider: String },
    #[error("迎えの日時が過去です")]
    PickupInPast,
    #[error("酸素の要否が確認されていません。依頼元に確認してから手配してください")]
    OxygenNotStated,
    #[error("JSONとして読めません（{reason}）")]
    JsonUnreadable { reason: String },
    #[error("{min}文字以上にしてください")]
    TooShort { min: u32 },
    #[error("ログイン名と同じパスワードは使えません")]
    PasswordIsLogin,
    #[error("同じ文字だけのパスワードは使えません")]
    PasswordOneCharacter,
    #[error("「{text}」を年月として読めません（例: {example}）")]
    NotAMonth { text: String, example: String },
    #[error("終わりの月が始まりの月より前です")]
    MonthsReversed,
    /// A date that cannot be read; `reason` is the reader's sentence.
    #[error("{reason}")]
    DateUnreadable { text: String, reason: String },
    #[error("年齢の上限が下限より小さくなっています")]
    AgeRangeReversed,
    #[error("受け入れられるADLを一つ以上選んでください")]
    NoAdlAccepted,
    #[error("「{}」にする理由をメモに入力してください", .status.label_ja())]
    MemoRequired { status: RequestStatus },
    #[error("「{outcome}」は結果にできません")]
    NotAnOutcome { outcome: String },
    #[error("この医療機関コードは既に登録されています（{name}）")]
    CodeTaken { name: String },
    /// The hospital exists but is not marked as one that refers patients.
    #[error(
        "「{name}」は依頼元として登録されていません（医療機関の画面で「依頼元」に印を付けてから、もう一度取り込んでください）"
    )]
    NotAReferrer { name: String },
    /// The hospital exists but is no longer active.
    #[error("「{name}」は休止中の医療機関です（医療機関の画面で有効に戻してから、もう一度取り込んでください）")]
    HospitalInactive { name: String },
    #[error("現在の合言葉が違います")]
    WrongCurrentPassphrase,
    #[error("PNG画像ではないか、大きすぎます")]
    NotAPng,
    #[error("自分自身の役割の変更・無効化はできません")]
    OwnRole,
    #[error("現在のパスワードが違います")]
    WrongCurrentPassword,
    #[error("半角英数字と . _ - で入力してください")]
    LoginCharacters,
    #[error("このログイン名はデスクが使用しています")]
    LoginReserved,
    #[error("このログイン名は使われています")]
    LoginTaken,
    #[error("開始日が終了日より後です")]
    DatesReversed,
}

/// A rule of the desk that does not allow an action now, with what the UI needs to word it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    #[error("管理者は作成済みです。サインインしてください")]
    AdministratorExists,
    #[error("サインインできる管理者が一人もいなくなります")]
    LastAdministrator,
    #[error(
        "受入先が記録されていません。受入決定には、受入可と回答した医療機関が必要です（打診記録で受入可を記録するか、受入先を指定してください）"
    )]
    NoAcceptance,
    /// Patient information may go to a candidate only once the patient (or family) agreed.
    #[error("患者情報を候補病院へ送る同意が記録されていません。依頼元に確認して「同意を記録」してください")]
    NoConsent,
    #[error("デモデータは空のデータベースにのみ読み込めます")]
    DemoNeedsEmptyDesk,
    #[error("デモデータは地域パック「{data}」用です（このデスクは「{desk}」）")]
    DemoForAnotherPack { data: String, desk: String },
    #[error("地域パック「{loaded}」が既に読み込まれています")]
    RegionPackLoaded { loaded: String },
    #[error("バックアップとして使えません: {path}（{reason}）")]
    NotABackup { path: String, reason: String },
    /// 「元に戻す」 takes back only the last move, by the nurse who made it, within a minute, while
    /// nothing else has changed the request.
    #[error("元に戻せる操作はありません（直前の自分の状態変更を1分以内に戻せます。ほかの変更があった後は戻せません）")]
    NothingToUndo,
    /// A new intake is merged only into a request still being worked on.
    #[error("受付番号 {ref_no} は「{}」で終了しています。統合せず、新しい依頼として登録してください", .status.label_ja())]
    MergeIntoClosed { ref_no: String, status: RequestStatus },
    /// The backup's audit chain is broken: restoring it needs an administrator's explicit acceptance.
    #[error(
        "バックアップの監査記録が改ざんされているか壊れています（記録 {seq}: {reason}）。それでも復元する場合は、管理者が「監査記録の破損を承知で復元」を選んでください"
    )]
    BackupChainBroken { seq: i32, reason: String },
    #[error("この競合は既に処理されています。画面を更新してください")]
    ConflictDecided,
    #[error("この競合では「デスクの記録を残す」だけを選べます")]
    OnlyKeepDesk,
    #[error("この打診は既に回答が記録されています。画面を更新してください")]
    AlreadyAnswered,
    #[error("「{}」の依頼には打診を記録できません。再調整する場合は先に調整中に戻してください", .status.label_ja())]
    NoInquiryInState { status: RequestStatus },
    #[error("搬送手配を「{from}」から「{to}」にはできません")]
    BookingMove { from: String, to: String },
    #[error("ほかのプログラム（tenin コマンドなど）がデータベースを開いています。閉じてからやり直してください")]
    DatabaseInUse,
    /// A hospital's record id that several hospitals use: `matches` lists them (「261121-003（1410110009）」).
    #[error("「{text}」に当たる依頼が複数あります: {matches}。受付番号か「医療機関コード:管理番号」で指定してください")]
    AmbiguousRequest { text: String, matches: String },
}

/// What went wrong in the store, as the layers above see it: a kind they can tell apart and the
/// storage's own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageFailure {
    pub kind: StorageKind,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageKind {
    /// Another program holds the database's write lock longer than the wait allows.
    Busy,
    /// The disk is full.
    Full,
    /// The file is damaged.
    Corrupt,
    /// The file or folder cannot be written.
    ReadOnly,
    Other,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("入力内容に問題があります（{}件）", .0.len())]
    Validation(Vec<FieldProblem>),
    #[error("{entity}が見つかりません（{id}）")]
    NotFound { entity: &'static str, id: String },
    /// The record changed since it was read (its version moved on).
    #[error("この{entity}は他の操作で更新されています。画面を更新してから操作してください")]
    StaleVersion { entity: &'static str },
    #[error("{0}")]
    Rule(Rule),
    #[error("状態を「{}」から「{}」へ変更できません", .from.label_ja(), .to.label_ja())]
    InvalidTransition { from: RequestStatus, to: RequestStatus },
    #[error("参照データが正しくありません: {0}")]
    ReferenceData(String),
    #[error("同じ患者の依頼が既にある可能性があります（{}）。統合するか、別の依頼として登録するかを選んでください", .0.join("、"))]
    PossibleDuplicate(Vec<String>),
    #[error("確認が必要です（{}件）。内容を確認のうえ登録してください", .0.len())]
    NeedsConfirmation(Vec<FieldProblem>),
    #[error("サインインしてください")]
    NotSignedIn,
    #[error("一定時間操作がなかったためロックしました。もう一度サインインしてください")]
    Locked,
    #[error("この操作には{}の権限が必要です（現在の役割: {}）", .needed.label_ja(), .role.label_ja())]
    Forbidden { needed: crate::access::Permission, role: crate::access::Role },
    #[error("この操作は{}で行います（このアプリは{}）", .needed.label_ja(), .this.label_ja())]
    WrongEdition { needed: crate::edition::Edition, this: crate::edition::Edition },
    #[error("{}", sign_in_refusal(*.wait_seconds))]
    SignInFailed { wait_seconds: Option<u64> },
    #[error("取り込めません: {0}")]
    PackageRefused(Refusal),
    #[error("中止しました。データは変更されていません")]
    Cancelled,
    /// A file or folder could not be read or written; the message names it and says why.
    #[error("{0}")]
    Io(String),
    #[error("データベースの操作に失敗しました: {}", .0.detail)]
    Storage(StorageFailure),
    #[error("データの変換に失敗しました: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        Error::PackageRefused(refusal)
    }
}

impl From<Rule> for Error {
    fn from(rule: Rule) -> Self {
        Error::Rule(rule)
    }
}

fn sign_in_refusal(wait_seconds: Option<u64>) -> String {
    match wait_seconds {
        // One message for an unknown login and a wrong password: which logins exist is not said.
        None => "ログイン名またはパスワードが違います".to_owned(),
        Some(seconds) if seconds >= 60 => {
            format!("パスワードの誤りが続いたため、あと{}分{}秒はサインインできません", seconds / 60, seconds % 60)
        }
        Some(seconds) => format!("パスワードの誤りが続いたため、あと{seconds}秒はサインインできません"),
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Validation(_) => ErrorCode::Validation,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::StaleVersion { .. } => ErrorCode::StaleVersion,
            Error::Rule(_) => ErrorCode::Rule,
            Error::InvalidTransition { .. } => ErrorCode::InvalidTransition,
            Error::ReferenceData(_) => ErrorCode::ReferenceData,
            Error::PossibleDuplicate(_) => ErrorCode::PossibleDuplicate,
            Error::NeedsConfirmation(_) => ErrorCode::NeedsConfirmation,
            Error::NotSignedIn => ErrorCode::NotSignedIn,
            Error::Locked => ErrorCode::Locked,
            Error::Forbidden { .. } => ErrorCode::Forbidden,
            Error::WrongEdition { .. } => ErrorCode::WrongEdition,
            Error::SignInFailed { .. } => ErrorCode::SignInFailed,
            Error::PackageRefused(_) => ErrorCode::PackageRefused,
            Error::Cancelled => ErrorCode::Cancelled,
            Error::Io(_) => ErrorCode::Io,
            Error::Storage(_) | Error::Json(_) => ErrorCode::Storage,
        }
    }

    /// One field refused with a message more precise than its problem's kind says (a record of an
    /// imported file: the message is kept with the record).
    pub fn refused(field: &str, message: &str) -> Error {
        let mut problem = FieldProblem::new(field, Problem::Invalid);
        problem.message = message.to_owned();
        Error::Validation(vec![problem])
    }

    /// One field refused with its detail.
    pub fn detailed(field: &str, problem: Problem, detail: Detail) -> Error {
        Error::Validation(vec![FieldProblem::detailed(field, problem, detail)])
    }

    /// Whether the storage failed (not the input): an import stops whole on these.
    pub fn is_storage(&self) -> bool {
        matches!(self, Error::Storage(_) | Error::Json(_))
    }
}

/// The serialised form of an error: what crosses to the UI and what `--json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ErrorReport {
    pub code: ErrorCode,
    pub message: String,
    pub problems: Vec<FieldProblem>,
    /// For `rule`: which rule, with its parameters.
    pub rule: Option<Rule>,
    /// For `package_refused`: why the file was refused.
    pub refusal: Option<RefusalCode>,
}

impl ErrorReport {
    /// A report the app shell makes itself (a lost worker thread, a file it could not read).
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ErrorReport {
        ErrorReport { code, message: message.into(), problems: Vec::new(), rule: None, refusal: None }
    }
}

impl From<Error> for ErrorReport {
    fn from(error: Error) -> Self {
        let message = error.to_string();
        let code = error.code();
        let mut report = ErrorReport::new(code, message);
        match error {
            Error::Validation(problems) | Error::NeedsConfirmation(problems) => report.problems = problems,
            Error::PackageRefused(refusal) => report.refusal = Some(refusal.code()),
            Error::Rule(rule) => report.rule = Some(rule),
            _ => {}
        }
        report
    }
}

/// Collects field problems while validating an input, then fails once with all of them, so a
/// nurse sees every mistake in a form at once rather than one per attempt.
#[derive(Debug, Default)]
pub struct Problems(Vec<FieldProblem>);

impl Problems {
    pub fn add(&mut self, field: &str, problem: Problem) {
        self.0.push(FieldProblem::new(field, problem));
    }

    /// Adds a problem with a precise reason (e.g. why a date is refused).
    pub fn add_detail(&mut self, field: &str, problem: Problem, detail: Detail) {
        self.0.push(FieldProblem::detailed(field, problem, detail));
    }

    /// Adds a problem found elsewhere (a nested check's), as it is.
    pub fn push(&mut self, problem: FieldProblem) {
        self.0.push(problem);
    }

    pub fn into_result(self) -> Result<()> {
        if self.0.is_empty() { Ok(()) } else { Err(Error::Validation(self.0)) }
    }
}
