//! The app's notice area: what the desk tells a nurse without being asked — a call-back coming due,
//! answers arriving by sync, a long import finished, a second start on the same data folder. Every
//! notice is kept here for the window (which asks with `poll_notices`) and, when the desk's notice
//! settings allow, also shown as a desktop notification where the desktop has a notification
//! service — never only in one place.

use std::collections::HashSet;
use std::sync::Mutex;

use serde::Serialize;
use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::NotificationExt;

/// What a notice is about; the window words it (i18n), the desktop notification is worded here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    CallBack,
    SyncArrivals,
    ImportFinished,
    SecondStart,
}

/// The facts a notice names: a reference number and a hospital, never a patient.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct NoticeFacts {
    pub request_id: Option<String>,
    pub ref_no: Option<String>,
    pub hospital_name: Option<String>,
    /// RFC 3339: the call-back time.
    pub due_at: Option<String>,
    /// Files or records that came in.
    pub count: Option<u32>,
    pub file_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct Notice {
    pub id: u32,
    pub kind: NoticeKind,
    /// RFC 3339: when it was raised.
    pub raised_at: String,
    pub facts: NoticeFacts,
}

/// The notices of this run of the app, until each is dismissed.
#[derive(Default)]
pub struct NoticeBoard {
    board: Mutex<Board>,
}

#[derive(Default)]
struct Board {
    next_id: u32,
    notices: Vec<Notice>,
    /// Call-backs already noticed (inquiry and time), so each is raised once.
    call_backs_seen: HashSet<(String, String)>,
}

/// At most this many notices are kept; the oldest go first.
const KEPT: usize = 50;

impl NoticeBoard {
    fn board(&self) -> std::sync::MutexGuard<'_, Board> {
        self.board.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Keeps a notice for the window and, with `desktop`, shows it as a desktop notification too
    /// (where there is no notification service, the window's notice is the one shown).
    pub fn raise<R: Runtime>(&self, app: &AppHandle<R>, kind: NoticeKind, facts: NoticeFacts, desktop: bool) {
        if desktop {
            let (title, body) = desktop_text(kind, &facts);
            if let Err(error) = app.notification().builder().title(title).body(body).show() {
                log::debug!("no desktop notification ({error}); the notice area has it");
            }
        }
        let mut board = self.board();
        board.next_id += 1;
        let notice = Notice { id: board.next_id, kind, raised_at: tenin_core::ids::now_rfc3339(), facts };
        board.notices.push(notice);
        let excess = board.notices.len().saturating_sub(KEPT);
        board.notices.drain(..excess);
    }

    /// Whether this call-back is new to this run (and remembers it).
    pub fn first_sight_of_call_back(&self, inquiry_id: &str, at: &str) -> bool {
        self.board().call_backs_seen.insert((inquiry_id.to_owned(), at.to_owned()))
    }

    pub fn pending(&self) -> Vec<Notice> {
        self.board().notices.clone()
    }

    pub fn dismiss(&self, id: u32) {
        self.board().notices.retain(|notice| notice.id != id);
    }
}

/// The desktop notification's words (Japanese: the desk's language).
fn desktop_text(kind: NoticeKind, facts: &NoticeFacts) -> (String, String) {
    let or_blank = |value: &Option<String>| value.clone().unwrap_or_default();
    match kind {
        NoticeKind::CallBack => (
            "折り返しの時刻です".to_owned(),
            format!("{}　{}", or_blank(&facts.ref_no), or_blank(&facts.hospital_name)),
        ),
        NoticeKind::SyncArrivals => (
            "病院から届きました".to_owned(),
            format!("送受信で {} 件のファイルを取り込みました", facts.count.unwrap_or(0)),
        ),
        // Not the file's name: a desktop notification may show on a locked screen.
        NoticeKind::ImportFinished => {
            ("取込が終わりました".to_owned(), format!("新規・更新 {} 件", facts.count.unwrap_or(0)))
        }
        NoticeKind::SecondStart => ("転院調整デスク".to_owned(), "このデスクはすでに開いています".to_owned()),
    }
}
