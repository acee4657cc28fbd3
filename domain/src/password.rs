//! Passwords: argon2id hashes (PHC strings with their own salt and parameters), the rules a new
//! password must meet, and how long a login waits after repeated wrong passwords.

use crate::error::Detail;
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::error::{Error, Problem, Problems, Result};

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 128;
/// Wrong passwords allowed in a row before the login has to wait.
pub const FREE_ATTEMPTS: u32 = 5;
const FIRST_WAIT_SECONDS: u64 = 30;
const LONGEST_WAIT_SECONDS: u64 = 15 * 60;

pub fn hash(password: &str) -> Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| Error::Io(format!("パスワードを保存できません: {e}")))
}

/// Whether `password` matches the stored hash. A malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), stored).is_ok()
}

/// The same work as [`verify`] against a real user's hash, for a login that does not exist: a
/// stand-in hash with the parameters [`hash`] uses (a test keeps them equal), so an unknown login
/// costs one argon2id run, as a known one does — no more (hashing first would cost two) and no less.
pub fn verify_stand_in(password: &str) -> bool {
    verify(password, STAND_IN)
}

const STAND_IN: &str = "$argon2id$v=19$m=19456,t=2,p=1$dGVuaW4tc3RhbmQtaW4$U2tGR1BzZ3RmQ2VnWXlaR0xYeHJ1bU9vVVhWbEVnWm8";

/// Checks a new password for `login`; every problem under `field`.
pub fn check_new(password: &str, login: &str, field: &str, problems: &mut Problems) {
    let length = password.chars().count();
    if length == 0 {
        problems.add(field, Problem::Required);
    } else if length < MIN_LENGTH {
        let range = Problem::OutOfRange { min: MIN_LENGTH as i32, max: MAX_LENGTH as i32 };
        problems.add_detail(field, range, Detail::TooShort { min: MIN_LENGTH as u32 });
    } else if length > MAX_LENGTH {
        problems.add(field, Problem::TooLong { max: MAX_LENGTH as u32 });
    } else if password.trim().to_lowercase() == login.trim().to_lowercase() {
        problems.add_detail(field, Problem::NotAllowed, Detail::PasswordIsLogin);
    } else if password.chars().all(|c| c == password.chars().next().unwrap_or(c)) {
        problems.add_detail(field, Problem::Invalid, Detail::PasswordOneCharacter);
    }
}

/// How long the login must wait after `failures` wrong passwords in a row: nothing for the first
/// few, then 30 seconds doubling each time, at most 15 minutes.
pub fn wait_after(failures: u32) -> Option<std::time::Duration> {
    let over = failures.checked_sub(FREE_ATTEMPTS)?;
    let seconds = FIRST_WAIT_SECONDS.saturating_mul(1u64 << over.min(20)).min(LONGEST_WAIT_SECONDS);
    Some(std::time::Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stand_in_costs_what_a_real_hash_does() {
        let real = hash("kanagawa-2026").expect("hash");
        let params = |phc: &str| phc.split('$').nth(3).map(str::to_owned);
        assert_eq!(params(&real), params(STAND_IN), "same algorithm parameters as a fresh hash");
        assert!(real.starts_with("$argon2id$v=19$"));
        assert!(argon2::PasswordHash::new(STAND_IN).is_ok(), "a well-formed PHC string, so it is really verified");
        assert!(!verify_stand_in("kanagawa-2026"));
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("kanagawa-2026").expect("hash");
        assert!(stored.starts_with("$argon2id$"), "argon2id PHC string: {stored}");
        assert!(verify("kanagawa-2026", &stored));
        assert!(!verify("kanagawa-2027", &stored));
        assert!(!verify("kanagawa-2026", "not a hash"));
        assert_ne!(hash("kanagawa-2026").expect("hash"), stored, "a fresh salt each time");
    }

    #[test]
    fn new_passwords_are_checked() {
        let problems_for = |password: &str| {
            let mut problems = Problems::default();
            check_new(password, "sato", "password", &mut problems);
            problems.into_result().err().map(|e| e.to_string())
        };
        assert!(problems_for("").is_some());
        assert!(problems_for("short").is_some());
        assert!(problems_for("SATO").is_some());
        assert!(problems_for("aaaaaaaaaa").is_some());
        assert!(problems_for(&"x1".repeat(70)).is_some());
        assert!(problems_for("ふじさわ看護2026").is_none(), "Japanese passwords are fine");
    }

    #[test]
    fn waits_grow_then_stop_growing() {
        assert_eq!(wait_after(4), None);
        assert_eq!(wait_after(5).map(|d| d.as_secs()), Some(30));
        assert_eq!(wait_after(6).map(|d| d.as_secs()), Some(60));
        assert_eq!(wait_after(9).map(|d| d.as_secs()), Some(480));
        assert_eq!(wait_after(10).map(|d| d.as_secs()), Some(900));
        assert_eq!(wait_after(u32::MAX).map(|d| d.as_secs()), Some(900));
    }
}
