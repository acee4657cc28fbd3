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
    /// The background check of the whole file found problems: restore from a backup.
    IntegrityProblem,
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
pub const KEPT: usize = 50;

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
        self.keep(kind, facts);
    }

    /// Keeps a notice for the window (the newest [`KEPT`]).
    pub fn keep(&self, kind: NoticeKind, facts: NoticeFacts) -> Notice {
        let mut board = self.board();
        board.next_id += 1;
        let notice = Notice { id: board.next_id, kind, raised_at: tenin_core::ids::now_rfc3339(), facts };
        board.notices.push(notice.clone());
        let excess = board.notices.len().saturating_sub(KEPT);
        board.notices.drain(..excess);
        notice
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
        NoticeKind::IntegrityProblem => (
            "データベースに問題が見つかりました".to_owned(),
            "管理者に連絡し、バックアップからの復元を検討してください".to_owned(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_are_kept_until_dismissed_the_newest_fifty_and_each_call_back_once() {
        let board = NoticeBoard::default();
        let first = board.keep(NoticeKind::SecondStart, NoticeFacts::default());
        let second = board.keep(NoticeKind::ImportFinished, NoticeFacts { count: Some(3), ..Default::default() });
        assert_eq!(board.pending().iter().map(|n| n.id).collect::<Vec<_>>(), [first.id, second.id]);
        board.dismiss(first.id);
        assert_eq!(board.pending(), std::slice::from_ref(&second));
        for _ in 0..KEPT + 5 {
            board.keep(NoticeKind::SyncArrivals, NoticeFacts::default());
        }
        let kept = board.pending();
        assert_eq!(kept.len(), KEPT, "bounded");
        assert!(kept.iter().all(|n| n.id != second.id), "the oldest went first");
        assert!(board.first_sight_of_call_back("i1", "2026-11-29T06:30:00.000Z"));
        assert!(!board.first_sight_of_call_back("i1", "2026-11-29T06:30:00.000Z"), "raised once");
        assert!(board.first_sight_of_call_back("i1", "2026-11-29T07:00:00.000Z"), "a new time is a new call-back");
    }

    #[test]
    fn a_desktop_notification_names_no_patient_or_file() {
        let facts = NoticeFacts {
            ref_no: Some("261129-004".into()),
            hospital_name: Some("葵総合病院".into()),
            file_name: Some("田中さん.xlsx".into()),
            count: Some(12),
            ..Default::default()
        };
        let (_, call_back) = desktop_text(NoticeKind::CallBack, &facts);
        assert_eq!(call_back, "261129-004　葵総合病院");
        let (_, import) = desktop_text(NoticeKind::ImportFinished, &facts);
        assert!(!import.contains("田中"), "a file's name may say who: {import}");
    }
}
