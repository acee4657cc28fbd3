//! The app's state: an open desk, or the reason it could not be opened (an encrypted desk waits
//! for its passphrase here, and opens when it is given).

use std::path::PathBuf;
use std::sync::Mutex;

use serde::Serialize;
use tenin_core::desk::Access;
use tenin_core::remembered_passphrase::{self, PassphraseStore, SystemStore};
use tenin_core::{Desk, ErrorCode, ErrorReport, OpenError};

pub struct DeskState {
    data_dir: Option<PathBuf>,
    /// Where an encrypted desk's passphrase may be remembered on this PC.
    passphrases: Box<dyn PassphraseStore>,
    slot: Mutex<Slot>,
    /// Set by `cancel_import` while an import holds the desk; read by the import's progress.
    cancel: std::sync::atomic::AtomicBool,
    /// The last answer to "who may go on", for the idle-lock ping while a long command holds the desk.
    last_access: Mutex<Option<Access>>,
    /// While a long command (an import) holds the desk: the same desk on a read connection of its
    /// own, so the queue, a request's page and the search answer meanwhile (see `read`), with the
    /// number of the long command that opened it (one ending never takes the next one's reader).
    reader: Mutex<Option<(u64, Box<Desk>)>>,
    long_commands: std::sync::atomic::AtomicU64,
}

enum Slot {
    Ready(Box<Desk>),
    /// The start-up screen shows this; the file in question is never touched. An encrypted desk
    /// stays here (`NeedsPassphrase`, `WrongPassphrase`) until its passphrase is given.
    Failed(OpenError),
}

/// What the UI learns first: whether the desk opened, and if not, why.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Startup {
    /// Opened: who may go on (set up the first administrator, or sign in).
    Ready {
        access: Access,
    },
    Failed {
        data_dir: String,
        error: OpenError,
    },
}

/// What set-up answers: how the app goes on, and the recovery key to show once.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Created {
    pub startup: Startup,
    pub recovery_key: Option<String>,
}

impl DeskState {
    /// Opens the desk in `data_dir`; an encrypted one opens with the passphrase remembered in the
    /// system's credential store, if any, and else waits for it.
    pub fn open(data_dir: Option<PathBuf>) -> DeskState {
        DeskState::open_with_store(data_dir, Box::new(SystemStore))
    }

    pub fn open_with_store(data_dir: Option<PathBuf>, passphrases: Box<dyn PassphraseStore>) -> DeskState {
        let slot = match &data_dir {
            None => Slot::Failed(OpenError::Other { path: String::new(), detail: "no data directory".into() }),
            Some(dir) => match Desk::open(dir) {
                Ok(desk) => Slot::Ready(Box::new(desk)),
                Err(error @ OpenError::NeedsPassphrase { .. }) => {
                    match remembered_passphrase::open_remembered(passphrases.as_ref(), dir) {
                        Some(desk) => Slot::Ready(Box::new(desk)),
                        None => Slot::Failed(error),
                    }
                }
                Err(error) => Slot::Failed(error),
            },
        };
        DeskState {
            data_dir,
            passphrases,
            slot: Mutex::new(slot),
            cancel: Default::default(),
            last_access: Mutex::new(None),
            reader: Mutex::new(None),
            long_commands: Default::default(),
        }
    }

    /// Whether this PC can remember the passphrase (a credential store is there).
    pub fn can_remember(&self) -> bool {
        self.passphrases.available()
    }

    /// Forgets the passphrase remembered for this desk.
    pub fn forget_passphrase(&self) -> Result<(), ErrorReport> {
        let dir = self.data_dir.as_deref().ok_or_else(|| ErrorReport::new(ErrorCode::NotOpen, "no data directory"))?;
        self.passphrases.forget(dir).map_err(|e| ErrorReport::new(ErrorCode::Io, e))
    }

    /// After a change of passphrase: a remembered one is replaced by the new one.
    pub fn passphrase_changed(&self, new: &str) {
        if let Some(dir) = self.data_dir.as_deref()
            && self.passphrases.recall(dir).is_some()
        {
            let _ = self.passphrases.remember(dir, new);
        }
    }

    /// How the start went, for the log: 「open」 or the kind of the reason it is not (never the
    /// passphrase or anything typed).
    pub fn opened_as(&self) -> String {
        match &*self.lock() {
            Slot::Ready(_) => "open".to_owned(),
            Slot::Failed(error) => serde_json::to_value(error)
                .ok()
                .and_then(|value| value.get("kind").and_then(|kind| kind.as_str()).map(str::to_owned))
                .map(|kind| format!("not open ({kind})"))
                .unwrap_or_else(|| "not open".to_owned()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slot> {
        // A panic while holding the lock cannot leave a half-written transaction behind (SQLite
        // rolls it back), so a poisoned lock is safe to reuse.
        self.slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the open desk. A desk that is not open answers `not_open`.
    /// Faults of the file, the disk or the program are logged (by code: a message may quote what
    /// was typed); a refusal the window explains to the user is not.
    pub fn with<T>(&self, f: impl FnOnce(&mut Desk) -> tenin_core::Result<T>) -> Result<T, ErrorReport> {
        Self::answer(&mut self.lock(), f)
    }

    fn answer<T>(slot: &mut Slot, f: impl FnOnce(&mut Desk) -> tenin_core::Result<T>) -> Result<T, ErrorReport> {
        Self::logged(match slot {
            Slot::Ready(desk) => f(desk).map_err(ErrorReport::from),
            Slot::Failed(error) => Err(ErrorReport::new(ErrorCode::NotOpen, error.to_string())),
        })
    }

    fn logged<T>(outcome: Result<T, ErrorReport>) -> Result<T, ErrorReport> {
        if let Err(report) = &outcome
            && matches!(report.code, ErrorCode::Storage | ErrorCode::Io | ErrorCode::Internal | ErrorCode::ChainBroken)
        {
            log::error!("{:?}", report.code);
        }
        outcome
    }

    /// Runs `f`, which only reads, on the open desk — or, while a long command holds it, on the
    /// desk's reader (a read connection of its own: what was committed so far), so a screen never
    /// waits behind an import. With no reader (nothing long running, or none could be opened) it
    /// waits for the desk as `with` does.
    pub fn read<T>(&self, f: impl Fn(&Desk) -> tenin_core::Result<T>) -> Result<T, ErrorReport> {
        match self.slot.try_lock() {
            Ok(mut slot) => return Self::answer(&mut slot, |desk| f(desk)),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => {
                return Self::answer(&mut poisoned.into_inner(), |desk| f(desk));
            }
            Err(std::sync::TryLockError::WouldBlock) => {}
        }
        {
            let reader = self.reader.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((_, desk)) = reader.as_ref() {
                return Self::logged(f(desk).map_err(ErrorReport::from));
            }
        }
        self.with(|desk| f(desk))
    }

    /// Runs a long command (an import) on the open desk, with a reader of it open meanwhile for
    /// `read`. The reader is opened first, in a turn of its own (an encrypted desk's key is derived
    /// once per long command), so a read that comes while it opens waits only for that.
    pub fn with_long<T>(&self, f: impl FnOnce(&mut Desk) -> tenin_core::Result<T>) -> Result<T, ErrorReport> {
        let number = self.long_commands.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let readers = || self.reader.lock().unwrap_or_else(|p| p.into_inner());
        match self.with(|desk| desk.reader()) {
            Ok(reader) => *readers() = Some((number, Box::new(reader))),
            Err(report) => log::warn!("no reader beside the long command: {:?}", report.code),
        }
        let outcome = self.with(f);
        let mut reader = readers();
        if reader.as_ref().is_some_and(|(opened_by, _)| *opened_by == number) {
            *reader = None;
        }
        outcome
    }

    /// What the app's timers run: `f` as a long command when `due` says it is due, else nothing —
    /// so a timer's tick that finds nothing to do opens no reader.
    pub fn with_long_if_due<T>(
        &self,
        due: impl FnOnce(&Desk) -> tenin_core::Result<bool>,
        f: impl FnOnce(&mut Desk) -> tenin_core::Result<T>,
    ) -> Result<Option<T>, ErrorReport> {
        if !self.with(|desk| due(desk))? {
            return Ok(None);
        }
        self.with_long(f).map(Some)
    }

    /// Runs `f` on the open desk if nobody holds it; `None` while a long command (an import) does —
    /// for what the app asks on its own (the notice area), which can wait for the next look.
    pub fn try_with<T>(&self, f: impl FnOnce(&mut Desk) -> tenin_core::Result<T>) -> Option<Result<T, ErrorReport>> {
        let mut guard = match self.slot.try_lock() {
            Ok(slot) => slot,
            Err(std::sync::TryLockError::WouldBlock) => return None,
            Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
        };
        Some(match &mut *guard {
            Slot::Ready(desk) => f(desk).map_err(ErrorReport::from),
            Slot::Failed(error) => Err(ErrorReport::new(ErrorCode::NotOpen, error.to_string())),
        })
    }

    /// "Who may go on" without waiting: while a long command (an import) holds the desk, the last
    /// answer is given — the import is activity itself — so the idle-lock ping never waits behind it.
    pub fn access_now(&self, f: impl FnOnce(&mut Desk) -> tenin_core::Result<Access>) -> Result<Access, ErrorReport> {
        let remembered = || self.last_access.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let mut guard = match self.slot.try_lock() {
            Ok(slot) => slot,
            Err(std::sync::TryLockError::WouldBlock) => {
                return remembered().ok_or_else(|| ErrorReport::new(ErrorCode::NotOpen, "処理中です"));
            }
            Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
        };
        let answer = match &mut *guard {
            Slot::Ready(desk) => f(desk).map_err(ErrorReport::from),
            Slot::Failed(error) => Err(ErrorReport::new(ErrorCode::NotOpen, error.to_string())),
        };
        drop(guard);
        if let Ok(access) = &answer {
            *self.last_access.lock().unwrap_or_else(|p| p.into_inner()) = Some(access.clone());
        }
        answer
    }

    pub fn startup(&self) -> Result<Startup, ErrorReport> {
        let slot = self.lock();
        match &*slot {
            Slot::Ready(desk) => desk.access().map(|access| Startup::Ready { access }).map_err(ErrorReport::from),
            Slot::Failed(error) => Ok(Startup::Failed { data_dir: self.shown_dir(), error: error.clone() }),
        }
    }

    /// Opens an encrypted desk with its passphrase; answers as `startup` does (a wrong passphrase
    /// comes back as `WrongPassphrase`, the file untouched). With `remember`, a passphrase that
    /// opened the desk is kept in the system's credential store for the next start.
    pub fn unlock(&self, passphrase: &str, remember: bool) -> Result<Startup, ErrorReport> {
        {
            let mut slot = self.lock();
            let waiting =
                matches!(&*slot, Slot::Failed(OpenError::NeedsPassphrase { .. } | OpenError::WrongPassphrase { .. }));
            if let (true, Some(dir)) = (waiting, &self.data_dir) {
                *slot = match Desk::open_with_passphrase(dir, passphrase) {
                    Ok(desk) => {
                        if remember {
                            self.passphrases
                                .remember(dir, passphrase)
                                .map_err(|e| ErrorReport::new(ErrorCode::Io, e))?;
                        }
                        Slot::Ready(Box::new(desk))
                    }
                    Err(error) => Slot::Failed(error),
                };
            }
        }
        self.startup()
    }

    /// Set-up: makes the new desk (encrypted under `passphrase`, or not when it is `None`) where
    /// none was, and answers with the start-up state and the recovery key to show once. Only when
    /// the start found no desk; a desk that failed to open for any other reason is never replaced.
    pub fn create(&self, passphrase: Option<String>) -> Result<Created, ErrorReport> {
        let mut recovery_key = None;
        {
            let mut slot = self.lock();
            let no_desk = matches!(&*slot, Slot::Failed(OpenError::NoDesk { .. }));
            match (no_desk, &self.data_dir) {
                (true, Some(dir)) => {
                    if let Some(text) = passphrase.as_deref() {
                        Desk::check_new_passphrase(text).map_err(ErrorReport::from)?;
                    }
                    let new_desk = tenin_core::desk::NewDesk { pack: None, passphrase };
                    match Desk::create(dir, &new_desk) {
                        Ok((desk, code)) => {
                            recovery_key = code;
                            *slot = Slot::Ready(Box::new(desk));
                        }
                        Err(error) => *slot = Slot::Failed(error),
                    }
                }
                _ => return Err(ErrorReport::new(ErrorCode::NotOpen, "デスクは作成済みです")),
            }
        }
        Ok(Created { startup: self.startup()?, recovery_key })
    }

    /// Closes the open desk (the app is quitting): its database is closed cleanly and recorded so.
    pub fn close(&self) {
        let mut slot = self.lock();
        *slot = Slot::Failed(OpenError::Other { path: self.shown_dir(), detail: "closed".into() });
    }

    pub fn cancel(&self) {
        self.cancel.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn reset_cancel(&self) {
        self.cancel.store(false, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn cancelled(&self) -> bool {
        self.cancel.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn shown_dir(&self) -> String {
        self.data_dir.as_ref().map(|d| d.display().to_string()).unwrap_or_default()
    }
}
