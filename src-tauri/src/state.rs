//! The app's state: an open desk, or the reason it could not be opened.

use std::path::PathBuf;
use std::sync::Mutex;

use serde::Serialize;
use tenin_core::desk::Access;
use tenin_core::{Desk, ErrorCode, ErrorReport, OpenError};

pub enum DeskState {
    Ready(Mutex<Desk>),
    /// The start-up error screen shows this; the file in question is never touched.
    Failed {
        data_dir: String,
        error: OpenError,
    },
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

impl DeskState {
    pub fn open(data_dir: Option<PathBuf>) -> DeskState {
        let Some(dir) = data_dir else {
            return DeskState::Failed {
                data_dir: String::new(),
                error: OpenError::Other { path: String::new(), detail: "no data directory".into() },
            };
        };
        match Desk::open(&dir) {
            Ok(desk) => DeskState::Ready(Mutex::new(desk)),
            Err(error) => DeskState::Failed { data_dir: dir.display().to_string(), error },
        }
    }

    /// Runs `f` on the open desk. A desk that failed to open answers with a storage error.
    pub fn with<T>(&self, f: impl FnOnce(&mut Desk) -> tenin_core::Result<T>) -> Result<T, ErrorReport> {
        match self {
            DeskState::Ready(desk) => {
                // A panic while holding the lock cannot leave a half-written transaction behind
                // (SQLite rolls it back), so a poisoned lock is safe to reuse.
                let mut desk = desk.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                f(&mut desk).map_err(ErrorReport::from)
            }
            DeskState::Failed { error, .. } => {
                Err(ErrorReport { code: ErrorCode::Storage, message: error.to_string(), problems: Vec::new() })
            }
        }
    }

    pub fn startup(&self) -> Result<Startup, ErrorReport> {
        match self {
            DeskState::Ready(_) => self.with(|desk| desk.access()).map(|access| Startup::Ready { access }),
            DeskState::Failed { data_dir, error } => {
                Ok(Startup::Failed { data_dir: data_dir.clone(), error: error.clone() })
            }
        }
    }
}
