//! The notices part of [`Desk`]: what the app tells a nurse without being asked — a call-back
//! coming due, answers arriving by sync, a long import finished — and which of them it raises.
//! The app shows each in its own notice area and, where the desktop has a notification service, as
//! a desktop notification too; the settings turn each kind off.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use tenin_domain::access::Permission;
use tenin_domain::error::Result;
use tenin_domain::inquiry::DueCallBack;
use tenin_store::{inquiries, meta};

use super::Desk;

/// A call-back is noticed this many minutes before its time, so the phone is picked up on time.
pub const CALL_BACK_LEAD_MINUTES: i64 = 5;
/// At most this many due call-backs are answered at once (the earliest).
pub const MAX_DUE_CALL_BACKS: u32 = 50;

/// Which notices the app raises. All on until someone turns one off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct NoticeSettings {
    /// A waiting answer's call-back time has come.
    pub call_backs: bool,
    /// A sync cycle brought answers (or other records) from hospitals.
    pub sync_arrivals: bool,
    /// A long import finished.
    pub imports: bool,
    /// Also as desktop notifications (where the desktop has a notification service); off: only in
    /// the app's own notice area.
    pub desktop: bool,
}

impl Default for NoticeSettings {
    fn default() -> Self {
        NoticeSettings { call_backs: true, sync_arrivals: true, imports: true, desktop: true }
    }
}

impl Desk {
    /// The call-backs due at `now` (or within [`CALL_BACK_LEAD_MINUTES`]) on open requests, the
    /// earliest first.
    /// Asked by the app on its own every few seconds: not counted as activity (the idle lock still
    /// comes).
    pub fn call_backs_due(&self, now: DateTime<Utc>) -> Result<Vec<DueCallBack>> {
        self.allow_unattended(Permission::Read)?;
        let until = now + Duration::minutes(CALL_BACK_LEAD_MINUTES);
        Ok(inquiries::call_backs_due(self.store.read(), until, MAX_DUE_CALL_BACKS)?)
    }

    /// Not counted as activity (read with each look-up for notices).
    pub fn notice_settings(&self) -> Result<NoticeSettings> {
        self.allow_unattended(Permission::Read)?;
        self.stored_notice_settings()
    }

    /// Turns notices on or off for this desk (audited as a setting).
    pub fn set_notice_settings(&mut self, settings: &NoticeSettings) -> Result<NoticeSettings> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        let before = self.stored_notice_settings()?;
        let json = serde_json::to_string(settings)?;
        self.save_setting(&user_id, meta::NOTICE_SETTINGS, &json, "notice_settings", &before, settings)?;
        self.stored_notice_settings()
    }

    fn stored_notice_settings(&self) -> Result<NoticeSettings> {
        Ok(meta::get(self.store.read(), meta::NOTICE_SETTINGS)?
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default())
    }
}
