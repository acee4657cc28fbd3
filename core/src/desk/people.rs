//! The people part of [`Desk`]: the first administrator, sign-in and sign-out, the idle lock, and
//! the administrator's user list. Every other `Desk` method asks [`Desk::allow`] first.

use std::cell::Cell;
use std::time::{Duration, Instant};
use tenin_domain::error::Detail;
use tenin_store::Db;

use chrono::Utc;
use serde::{Deserialize, Serialize};

use super::Desk;
use tenin_domain::access::{Permission, Role};
use tenin_domain::error::{Error, Problem, Problems, Result};
use tenin_domain::password;
use tenin_domain::text;
use tenin_store::ids::{parse_rfc3339, to_rfc3339};
use tenin_store::users::{self, SYSTEM_LOGIN, User};
use tenin_store::{audit, meta, sign_in_attempts};

pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 10;
const IDLE_LOCK_RANGE: std::ops::RangeInclusive<u32> = 1..=240;
const LOGIN_MAX: usize = 32;
const NAME_MAX: usize = 40;

/// Who is at the desk: kept in memory only, gone when the app closes.
pub(crate) struct Session {
    user: User,
    last_active: Cell<Instant>,
}

impl Session {
    /// The same person, for a reader of the desk (see `Desk::reader`).
    pub(crate) fn copy(&self) -> Session {
        Session { user: self.user.clone(), last_active: Cell::new(self.last_active.get()) }
    }
}

/// Where the desk is in signing in, for the app's first screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum AccessState {
    /// No administrator can sign in yet: the set-up screen creates the first one.
    SetUp,
    SignedOut,
    /// Signed in, but idle past the lock time.
    Locked,
    SignedIn,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Access {
    pub state: AccessState,
    /// The signed-in (or locked-out) user.
    pub user: Option<SessionUser>,
    pub idle_lock_minutes: u32,
    /// Which end this installation is: the UI shows that edition's screens.
    pub edition: tenin_domain::edition::Edition,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SessionUser {
    pub id: String,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub permissions: Vec<Permission>,
}

/// A user as the administrator's list shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserInfo {
    pub id: String,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub has_password: bool,
    /// Wrong passwords in a row since the last sign-in.
    pub failed_sign_ins: u32,
    pub version: u32,
}

/// A new user (or the first administrator, whose role is fixed).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewUserInput {
    pub login: String,
    pub display_name: String,
    pub role: Option<Role>,
    pub password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserUpdate {
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub version: u32,
}

impl From<&User> for SessionUser {
    fn from(user: &User) -> Self {
        SessionUser {
            id: user.id.clone(),
            login: user.login.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
            permissions: user.role.permissions(),
        }
    }
}

impl From<User> for UserInfo {
    fn from(user: User) -> Self {
        UserInfo {
            id: user.id,
            login: user.login,
            display_name: user.display_name,
            role: user.role,
            active: user.active,
            has_password: user.has_password,
            failed_sign_ins: user.failed_sign_ins,
            version: user.version,
        }
    }
}

impl Desk {
    /// The signed-in user if they hold `permission`; refuses when nobody is signed in, when the
    /// session is idle past the lock time, or when the role does not allow it. Each allowed call
    /// counts as activity.
    pub(crate) fn allow(&self, permission: Permission) -> Result<&User> {
        let user = self.allow_unattended(permission)?;
        if let Some(session) = &self.session
            && !self.scheduled
        {
            session.last_active.set(Instant::now());
        }
        Ok(user)
    }

    /// As `allow`, for what the app asks on its own (the notice area's look-ups): refused the same
    /// way, but not counted as activity — a window left alone still locks.
    pub(crate) fn allow_unattended(&self, permission: Permission) -> Result<&User> {
        if self.scheduled {
            return Ok(&self.system);
        }
        let session = self.session.as_ref().ok_or(Error::NotSignedIn)?;
        if session.last_active.get().elapsed() > self.idle_limit {
            return Err(Error::Locked);
        }
        if !session.user.role.allows(permission) {
            return Err(Error::Forbidden { needed: permission, role: session.user.role });
        }
        Ok(&session.user)
    }

    pub fn access(&self) -> Result<Access> {
        let conn = self.store.read();
        let idle_lock_minutes = idle_lock_minutes(conn)?;
        let (state, user) = match &self.session {
            Some(session) => {
                let locked = session.last_active.get().elapsed() > self.idle_limit;
                let state = if locked { AccessState::Locked } else { AccessState::SignedIn };
                (state, Some(SessionUser::from(&session.user)))
            }
            None if users::count_signable_administrators(conn)? == 0 => (AccessState::SetUp, None),
            None => (AccessState::SignedOut, None),
        };
        Ok(Access { state, user, idle_lock_minutes, edition: self.edition()? })
    }

    /// Creates the first administrator and signs them in. Only while no administrator can sign in.
    pub fn set_up_administrator(&mut self, input: &NewUserInput) -> Result<Access> {
        let input = NewUserInput { role: Some(Role::Administrator), ..input.clone() };
        let checked = checked_new_user(&input)?;
        let system_id = self.system.id.clone();
        let user = self.store.write(|tx| {
            if users::count_signable_administrators(tx)? > 0 {
                return Err(tenin_domain::error::Rule::AdministratorExists.into());
            }
            insert_user(tx, &system_id, &checked)
        })?;
        self.start_session(user)
    }

    /// Signs `login` in. Wrong passwords are counted per login; after a few in a row the login must
    /// wait (30 s, doubling, at most 15 min) and even the right password is refused until then.
    ///
    /// A login that does not exist gets the same: its own count and wait (kept under a digest of
    /// the name), the same hashing work (one argon2id run per attempt), the same
    /// write and audit entry — so neither the answer nor its timing says which logins exist.
    /// A right password writes its audit entry without waiting: while another program holds the
    /// write lock (an import) it is written with the next change or when the desk closes.
    pub fn sign_in(&mut self, login: &str, password: &str) -> Result<Access> {
        let login = normalised_login(login);
        let now = Utc::now();
        let system_id = self.system.id.clone();
        let known = users::by_login(self.store.read(), &login)?.filter(|u| u.login != SYSTEM_LOGIN);
        let Some(user) = known else {
            password::verify_stand_in(password);
            let attempts = sign_in_attempts::get(self.store.read(), &login)?;
            if let Some(seconds) = waiting(attempts.wait_until.as_deref(), now) {
                return Err(Error::SignInFailed { wait_seconds: Some(seconds) });
            }
            let failures = attempts.failures.saturating_add(1);
            let (wait, until) = wait_after(failures, now);
            self.store.write(|tx| -> Result<()> {
                sign_in_attempts::record_failure(tx, &login, failures, until.as_deref())?;
                let detail = serde_json::json!({"failures": failures, "wait_until": until});
                Ok(audit::record(tx, sign_in_change(&system_id, "sign_in_failed_unknown_login", &detail))?)
            })?;
            return Err(Error::SignInFailed { wait_seconds: wait.map(|w| w.as_secs()) });
        };
        if let Some(seconds) = waiting(user.wait_until.as_deref(), now) {
            return Err(Error::SignInFailed { wait_seconds: Some(seconds) });
        }
        let stored = users::password_hash(self.store.read(), &user.id)?;
        let matches = stored.as_deref().is_some_and(|hash| password::verify(password, hash));
        if !matches || !user.active {
            let failures = user.failed_sign_ins.saturating_add(1);
            let (wait, until) = wait_after(failures, now);
            self.store.write(|tx| -> Result<()> {
                users::record_failed_sign_in(tx, &user.id, failures, until.as_deref())?;
                let detail = serde_json::json!({"failures": failures, "wait_until": until});
                Ok(audit::record(tx, sign_in_change(&user.id, "sign_in_failed", &detail))?)
            })?;
            return Err(Error::SignInFailed { wait_seconds: wait.map(|w| w.as_secs()) });
        }
        if user.failed_sign_ins > 0 {
            self.store.write(|tx| users::clear_failed_sign_ins(tx, &user.id))?;
        }
        let pending = audit::Pending::now(sign_in_change(&user.id, "sign_in", &serde_json::json!({})))?;
        self.store.audit_or_defer(pending)?;
        let user = users::by_id(self.store.read(), &user.id)?.unwrap_or(user);
        self.start_session(user)
    }

    /// Counts as activity (the UI saw the user type or click without calling the core).
    pub fn touch(&self) -> Result<Access> {
        self.allow(Permission::Read)?;
        self.access()
    }

    pub fn sign_out(&mut self) -> Result<Access> {
        if let Some(session) = self.session.take() {
            let id = session.user.id;
            self.store.write(|tx| audit::record(tx, sign_in_change(&id, "sign_out", &serde_json::json!({}))))?;
        }
        self.access()
    }

    pub(super) fn start_session(&mut self, user: User) -> Result<Access> {
        self.idle_limit = idle_limit(idle_lock_minutes(self.store.read())?);
        self.session = Some(Session { user, last_active: Cell::new(Instant::now()) });
        self.access()
    }

    /// Moves the session's last activity back by `by`, as if the desk had been left alone that
    /// long. For tests of the idle lock, which cannot wait minutes.
    #[doc(hidden)]
    pub fn pretend_idle_for(&self, by: Duration) {
        if let Some(session) = &self.session
            && let Some(earlier) = session.last_active.get().checked_sub(by)
        {
            session.last_active.set(earlier);
        }
    }

    pub fn users(&self) -> Result<Vec<UserInfo>> {
        self.allow(Permission::Administer)?;
        Ok(users::list(self.store.read())?.into_iter().map(UserInfo::from).collect())
    }

    pub fn add_user(&mut self, input: &NewUserInput) -> Result<UserInfo> {
        let actor = self.allow(Permission::Administer)?.id.clone();
        let checked = checked_new_user(input)?;
        Ok(self.store.write(|tx| insert_user(tx, &actor, &checked))?.into())
    }

    /// Changes a user's name, role or whether they may sign in. The desk always keeps one active
    /// administrator who can sign in, and nobody deactivates or demotes themselves.
    pub fn update_user(&mut self, id: &str, update: &UserUpdate) -> Result<UserInfo> {
        let actor = self.allow(Permission::Administer)?.id.clone();
        let mut problems = Problems::default();
        let display_name = checked_name(&update.display_name, &mut problems);
        if id == actor && (update.role != Role::Administrator || !update.active) {
            problems.add_detail("role", Problem::NotAllowed, Detail::OwnRole);
        }
        problems.into_result()?;
        self.store.write(|tx| {
            let before = users::by_id(tx, id)?.filter(|u| u.login != SYSTEM_LOGIN).ok_or_else(|| not_found(id))?;
            if !users::update(tx, id, update.version, &display_name, update.role, update.active)? {
                return Err(Error::StaleVersion { entity: "利用者" });
            }
            if users::count_signable_administrators(tx)? == 0 {
                return Err(tenin_domain::error::Rule::LastAdministrator.into());
            }
            let after = users::by_id(tx, id)?.ok_or_else(|| not_found(id))?;
            audit::record(
                tx,
                audit::Change {
                    user_id: &actor,
                    action: audit::Action::Update,
                    entity: "user",
                    entity_id: id,
                    before: Some(&audited(&before)),
                    after: Some(&audited(&after)),
                },
            )?;
            Ok(after.into())
        })
    }

    /// An administrator sets another user's password (a new user's first one, or a forgotten one).
    pub fn set_user_password(&mut self, id: &str, new_password: &str) -> Result<UserInfo> {
        let actor = self.allow(Permission::Administer)?.id.clone();
        self.replace_password(&actor, id, new_password)
    }

    /// Anyone signed in changes their own password, giving the current one.
    pub fn change_own_password(&mut self, current: &str, new_password: &str) -> Result<UserInfo> {
        let me = self.allow(Permission::Read)?.id.clone();
        let stored = users::password_hash(self.store.read(), &me)?;
        if !stored.as_deref().is_some_and(|hash| password::verify(current, hash)) {
            let mut problems = Problems::default();
            problems.add_detail("current", Problem::Invalid, Detail::WrongCurrentPassword);
            problems.into_result()?;
        }
        self.replace_password(&me, &me, new_password)
    }

    fn replace_password(&mut self, actor: &str, id: &str, new_password: &str) -> Result<UserInfo> {
        let target =
            users::by_id(self.store.read(), id)?.filter(|u| u.login != SYSTEM_LOGIN).ok_or_else(|| not_found(id))?;
        let mut problems = Problems::default();
        password::check_new(new_password, &target.login, "password", &mut problems);
        problems.into_result()?;
        let hash = password::hash(new_password)?;
        self.store.write(|tx| {
            users::set_password(tx, id, &hash)?;
            // The hash itself is never written to the audit trail.
            let after = serde_json::json!({"password": "changed"});
            audit::record(
                tx,
                audit::Change::<(), _> {
                    user_id: actor,
                    action: audit::Action::Update,
                    entity: "user",
                    entity_id: id,
                    before: None,
                    after: Some(&after),
                },
            )?;
            Ok(users::by_id(tx, id)?.ok_or_else(|| not_found(id))?.into())
        })
    }

    pub fn set_idle_lock_minutes(&mut self, minutes: u32) -> Result<Access> {
        let actor = self.allow(Permission::Administer)?.id.clone();
        if !IDLE_LOCK_RANGE.contains(&minutes) {
            let mut problems = Problems::default();
            problems.add(
                "idle_lock_minutes",
                Problem::OutOfRange { min: *IDLE_LOCK_RANGE.start() as i32, max: *IDLE_LOCK_RANGE.end() as i32 },
            );
            problems.into_result()?;
        }
        let before = idle_lock_minutes(self.store.read())?;
        self.save_setting(
            &actor,
            meta::IDLE_LOCK_MINUTES,
            &minutes.to_string(),
            "idle_lock_minutes",
            &before,
            &minutes,
        )?;
        self.idle_limit = idle_limit(minutes);
        self.access()
    }
}

/// Seconds left of a wait that ends at `until`, if it has not ended.
fn waiting(until: Option<&str>, now: chrono::DateTime<Utc>) -> Option<u64> {
    let until = until.and_then(|t| parse_rfc3339(t).ok())?;
    (until > now).then(|| (until - now).num_seconds().max(1) as u64)
}

/// The wait after `failures` wrong attempts in a row, and when it ends (stored form).
fn wait_after(failures: u32, now: chrono::DateTime<Utc>) -> (Option<Duration>, Option<String>) {
    let wait = password::wait_after(failures);
    let until = wait.map(|w| to_rfc3339(now + chrono::Duration::from_std(w).unwrap_or_default()));
    (wait, until)
}

pub(super) struct CheckedUser {
    login: String,
    display_name: String,
    role: Role,
    password_hash: String,
}

impl CheckedUser {
    pub(super) fn login(&self) -> &str {
        &self.login
    }

    pub(super) fn password_hash(&self) -> &str {
        &self.password_hash
    }
}

pub(super) fn checked_new_user(input: &NewUserInput) -> Result<CheckedUser> {
    let mut problems = Problems::default();
    let login = normalised_login(&input.login);
    if login.is_empty() {
        problems.add("login", Problem::Required);
    } else if login.chars().count() > LOGIN_MAX {
        problems.add("login", Problem::TooLong { max: LOGIN_MAX as u32 });
    } else if !login.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')) {
        problems.add_detail("login", Problem::Invalid, Detail::LoginCharacters);
    } else if login == SYSTEM_LOGIN {
        problems.add_detail("login", Problem::NotAllowed, Detail::LoginReserved);
    }
    let display_name = checked_name(&input.display_name, &mut problems);
    if input.role.is_none() {
        problems.add("role", Problem::Required);
    }
    password::check_new(&input.password, &login, "password", &mut problems);
    problems.into_result()?;
    Ok(CheckedUser {
        login,
        display_name,
        role: input.role.unwrap_or(Role::ReadOnly),
        password_hash: password::hash(&input.password)?,
    })
}

fn checked_name(name: &str, problems: &mut Problems) -> String {
    let name = text::strip_controls(name).trim().to_owned();
    if name.is_empty() {
        problems.add("display_name", Problem::Required);
    } else if name.chars().count() > NAME_MAX {
        problems.add("display_name", Problem::TooLong { max: NAME_MAX as u32 });
    }
    name
}

/// Logins are typed at a keyboard that may be in full-width mode: folded to half-width lower case.
fn normalised_login(login: &str) -> String {
    text::fold_width(login).trim().to_lowercase()
}

pub(super) fn insert_user(tx: Db<'_>, actor: &str, user: &CheckedUser) -> Result<User> {
    if users::by_login(tx, &user.login)?.is_some() {
        let mut problems = Problems::default();
        problems.add_detail("login", Problem::NotAllowed, Detail::LoginTaken);
        problems.into_result()?;
    }
    let created = users::insert(tx, &user.login, &user.display_name, user.role, Some(&user.password_hash))?;
    audit::record(
        tx,
        audit::Change::<(), _> {
            user_id: actor,
            action: audit::Action::Create,
            entity: "user",
            entity_id: &created.id,
            before: None,
            after: Some(&audited(&created)),
        },
    )?;
    Ok(created)
}

fn not_found(id: &str) -> Error {
    Error::NotFound { entity: "利用者", id: id.to_owned() }
}

/// What the audit trail keeps of a user: never the password hash.
fn audited(user: &User) -> serde_json::Value {
    serde_json::json!({
        "login": user.login,
        "display_name": user.display_name,
        "role": user.role,
        "active": user.active,
    })
}

fn sign_in_change<'a>(
    user_id: &'a str,
    what: &'a str,
    detail: &'a serde_json::Value,
) -> audit::Change<'a, (), serde_json::Value> {
    audit::Change {
        user_id,
        action: audit::Action::SignIn,
        entity: "session",
        entity_id: what,
        before: None,
        after: Some(detail),
    }
}

pub(crate) fn idle_lock_minutes(conn: Db<'_>) -> Result<u32> {
    Ok(meta::get(conn, meta::IDLE_LOCK_MINUTES)?
        .and_then(|m| m.parse().ok())
        .filter(|m| IDLE_LOCK_RANGE.contains(m))
        .unwrap_or(DEFAULT_IDLE_LOCK_MINUTES))
}

pub(crate) fn idle_limit(minutes: u32) -> Duration {
    Duration::from_secs(u64::from(minutes) * 60)
}
