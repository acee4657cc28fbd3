//! The states of a transfer request and the moves between them.
//!
//! new 新規受付 → checking 内容確認中 → coordinating 調整中 → placed 受入決定 →
//! arranging_transport 搬送調整中 → transferred 転院済; and withdrawn 取下げ, not_placed 調整不成立.
//! A request that was not placed, or whose placement fell through, is re-opened to coordinating
//! with its history kept. The table below is the only place these rules live.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    #[default]
    New,
    Checking,
    Coordinating,
    Placed,
    ArrangingTransport,
    Transferred,
    Withdrawn,
    NotPlaced,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 8] = [
        RequestStatus::New,
        RequestStatus::Checking,
        RequestStatus::Coordinating,
        RequestStatus::Placed,
        RequestStatus::ArrangingTransport,
        RequestStatus::Transferred,
        RequestStatus::Withdrawn,
        RequestStatus::NotPlaced,
    ];

    /// The name used on the command line, in JSON and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::New => "new",
            RequestStatus::Checking => "checking",
            RequestStatus::Coordinating => "coordinating",
            RequestStatus::Placed => "placed",
            RequestStatus::ArrangingTransport => "arranging_transport",
            RequestStatus::Transferred => "transferred",
            RequestStatus::Withdrawn => "withdrawn",
            RequestStatus::NotPlaced => "not_placed",
        }
    }

    pub fn parse(name: &str) -> Option<RequestStatus> {
        RequestStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The desk's Japanese label, for messages printed by the core and the CLI. The UI has its own
    /// translations keyed by [`RequestStatus::as_str`].
    pub fn label_ja(self) -> &'static str {
        match self {
            RequestStatus::New => "新規受付",
            RequestStatus::Checking => "内容確認中",
            RequestStatus::Coordinating => "調整中",
            RequestStatus::Placed => "受入決定",
            RequestStatus::ArrangingTransport => "搬送調整中",
            RequestStatus::Transferred => "転院済",
            RequestStatus::Withdrawn => "取下げ",
            RequestStatus::NotPlaced => "調整不成立",
        }
    }

    /// Still on the desk's plate: not transferred, withdrawn or given up.
    pub fn is_open(self) -> bool {
        !matches!(self, RequestStatus::Transferred | RequestStatus::Withdrawn | RequestStatus::NotPlaced)
    }

    /// The states this one may move to.
    pub fn next(self) -> &'static [RequestStatus] {
        use RequestStatus::*;
        match self {
            New => &[Checking, Coordinating, Withdrawn],
            Checking => &[Coordinating, Withdrawn, NotPlaced],
            Coordinating => &[Placed, Withdrawn, NotPlaced],
            // A placement can fall through (the patient's condition changes, the bed goes).
            Placed => &[ArrangingTransport, Transferred, Coordinating, Withdrawn],
            ArrangingTransport => &[Transferred, Coordinating, Withdrawn],
            Transferred => &[],
            Withdrawn => &[Coordinating],
            NotPlaced => &[Coordinating],
        }
    }

    /// The moves a placement makes from here (受入決定 from an open request goes through 調整中, as
    /// the workflow does); `None` where a placement is not possible.
    pub fn path_to_placed(self) -> Option<&'static [RequestStatus]> {
        use RequestStatus::*;
        match self {
            New | Checking => Some(&[Coordinating, Placed]),
            Coordinating => Some(&[Placed]),
            _ => None,
        }
    }

    pub fn can_move_to(self, to: RequestStatus) -> bool {
        self.next().contains(&to)
    }

    /// The moves a nurse may take back straight after making them (「元に戻す」): the intake's
    /// steps, which the workflow otherwise never walks backwards. A move that closes a request, a
    /// placement or a transport step is asked first instead, or undone by a move of its own.
    pub fn is_undoable(from: RequestStatus, to: RequestStatus) -> bool {
        use RequestStatus::*;
        matches!((from, to), (New, Checking) | (New, Coordinating) | (Checking, Coordinating))
    }

    /// Moving here must say why (the reason a request was not placed or was withdrawn is what the
    /// desk reports and learns from).
    pub fn needs_reason(self) -> bool {
        matches!(self, RequestStatus::NotPlaced | RequestStatus::Withdrawn)
    }
}

/// How long after a move it may still be taken back: long enough to notice a slip, short enough
/// that nobody has acted on it. The window shows 「元に戻す」 for less.
pub const UNDO_WITHIN_SECONDS: i64 = 60;

/// Whether the last move of a request, made at `moved_at` by `moved_by`, may be taken back at `now`
/// by `user`: an undoable move, by the same nurse, within [`UNDO_WITHIN_SECONDS`].
pub fn may_undo(
    from: RequestStatus,
    to: RequestStatus,
    moved_by: &str,
    moved_at: chrono::DateTime<chrono::Utc>,
    user: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    let elapsed = (now - moved_at).num_seconds();
    RequestStatus::is_undoable(from, to) && moved_by == user && (0..=UNDO_WITHIN_SECONDS).contains(&elapsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_intake_steps_are_undone_by_whom_made_them_within_a_minute() {
        use RequestStatus::*;
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-29T10:00:00Z").expect("time").to_utc();
        let later = |s: i64| at + chrono::Duration::seconds(s);
        assert!(may_undo(New, Checking, "u1", at, "u1", later(5)));
        assert!(may_undo(Checking, Coordinating, "u1", at, "u1", later(60)));
        assert!(!may_undo(Checking, Coordinating, "u1", at, "u1", later(61)), "too late");
        assert!(!may_undo(New, Checking, "u1", at, "u2", later(5)), "another nurse's move");
        for (from, to) in [(Coordinating, Placed), (Placed, ArrangingTransport), (Coordinating, Withdrawn)] {
            assert!(!may_undo(from, to, "u1", at, "u1", later(1)), "{from:?} → {to:?} is not undone");
        }
        for (from, to) in [(New, Checking), (New, Coordinating), (Checking, Coordinating)] {
            assert!(!to.can_move_to(from), "the workflow never walks {to:?} back to {from:?} on its own");
        }
    }

    #[test]
    fn names_round_trip() {
        for status in RequestStatus::ALL {
            assert_eq!(RequestStatus::parse(status.as_str()), Some(status), "{status:?}");
        }
        assert_eq!(RequestStatus::parse("placed "), None, "no trimming: names are exact");
    }

    #[test]
    fn every_state_is_reachable_from_new() {
        let mut seen = vec![RequestStatus::New];
        let mut i = 0;
        while i < seen.len() {
            for &next in seen[i].next() {
                if !seen.contains(&next) {
                    seen.push(next);
                }
            }
            i += 1;
        }
        assert_eq!(seen.len(), RequestStatus::ALL.len(), "reachable: {seen:?}");
    }

    #[test]
    fn closed_requests_reopen_only_to_coordinating() {
        assert!(RequestStatus::NotPlaced.can_move_to(RequestStatus::Coordinating));
        assert!(!RequestStatus::NotPlaced.can_move_to(RequestStatus::Placed), "must coordinate again first");
        assert!(RequestStatus::Transferred.next().is_empty(), "a completed transfer is final");
    }
}
