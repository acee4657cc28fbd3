//! Signing in from the command line, and `tenin users`: the administrator's user list.
//!
//! Every command acts as a user: `--user LOGIN` (or `$TENIN_USER`), with the password from
//! `$TENIN_PASSWORD` or asked for on the terminal without echo. The core checks the role.

use clap::Subcommand;
use tenin_core::Desk;
use tenin_core::access::Role;
use tenin_core::desk::{NewUserInput, UserInfo, UserUpdate};

use crate::{Cli, Failure, print_json};

pub const USER_ENV: &str = "TENIN_USER";
pub const PASSWORD_ENV: &str = "TENIN_PASSWORD";
/// A new password (for `users add`, `users password`, `init --admin`) when not typed in.
pub const NEW_PASSWORD_ENV: &str = "TENIN_NEW_PASSWORD";
/// The passphrase of an encrypted desk, when not typed in.
pub const PASSPHRASE_ENV: &str = "TENIN_PASSPHRASE";
/// The new passphrase for `users encrypt`, when not typed in.
pub const NEW_PASSPHRASE_ENV: &str = "TENIN_NEW_PASSPHRASE";

#[derive(Subcommand)]
pub enum UsersCommand {
    /// Everyone who may sign in (administrator only).
    List,
    /// Add a user; the password comes from $TENIN_NEW_PASSWORD or is asked for.
    Add {
        login: String,
        #[arg(long)]
        name: String,
        /// administrator, supervisor, nurse or read_only.
        #[arg(long)]
        role: String,
    },
    /// Change a user's name, role, or whether they may sign in.
    Update {
        login: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        role: Option<String>,
        /// true or false.
        #[arg(long)]
        active: Option<bool>,
    },
    /// Set a user's password (from $TENIN_NEW_PASSWORD or asked for).
    Password { login: String },
    /// Minutes without activity before the app locks (1–240).
    IdleLock { minutes: u32 },
}

/// Signs the command's user in.
pub fn sign_in(cli: &Cli, desk: &mut Desk) -> Result<(), Failure> {
    let login = cli.user.clone().or_else(|| std::env::var(USER_ENV).ok()).ok_or_else(|| {
        Failure::Usage(format!(
            "サインインが必要です: --user ログイン名（または {USER_ENV}）。パスワードは {PASSWORD_ENV} か入力で"
        ))
    })?;
    let password = secret(PASSWORD_ENV, &format!("{login} のパスワード: "))?;
    desk.sign_in(&login, &password)?;
    Ok(())
}

/// A secret from the environment, else typed at the terminal without echo.
pub fn secret(env: &str, prompt: &str) -> Result<String, Failure> {
    if let Ok(value) = std::env::var(env) {
        return Ok(value);
    }
    crate::output::flush();
    rpassword::prompt_password(prompt)
        .map_err(|e| Failure::Usage(format!("パスワードを読めません（{env} で渡せます）: {e}")))
}

pub fn parse_role(text: &str) -> Result<Role, Failure> {
    Role::parse(text).ok_or_else(|| {
        let names: Vec<_> = Role::ALL.iter().map(|r| r.as_str()).collect();
        Failure::Usage(format!("不明な役割です: {text}（{}）", names.join(", ")))
    })
}

pub fn run(cli: &Cli, command: &UsersCommand) -> Result<(), Failure> {
    let mut desk = crate::open(cli, None)?;
    match command {
        UsersCommand::List => {
            let users = desk.users()?;
            if cli.json {
                return print_json(&users);
            }
            for u in &users {
                let state = if !u.active {
                    "（無効）"
                } else if !u.has_password {
                    "（パスワード未設定）"
                } else {
                    ""
                };
                say!("{}\t{}\t{}{state}", u.login, u.display_name, u.role.label_ja());
            }
            Ok(())
        }
        UsersCommand::Add { login, name, role } => {
            let role = parse_role(role)?;
            let password = secret(NEW_PASSWORD_ENV, &format!("{login} の新しいパスワード: "))?;
            let input = NewUserInput { login: login.clone(), display_name: name.clone(), role: Some(role), password };
            print_user(cli, &desk.add_user(&input)?)
        }
        UsersCommand::Update { login, name, role, active } => {
            let user = find(&desk, login)?;
            let update = UserUpdate {
                display_name: name.clone().unwrap_or(user.display_name.clone()),
                role: role.as_deref().map(parse_role).transpose()?.unwrap_or(user.role),
                active: active.unwrap_or(user.active),
                version: user.version,
            };
            print_user(cli, &desk.update_user(&user.id, &update)?)
        }
        UsersCommand::Password { login } => {
            let user = find(&desk, login)?;
            let password = secret(NEW_PASSWORD_ENV, &format!("{login} の新しいパスワード: "))?;
            print_user(cli, &desk.set_user_password(&user.id, &password)?)
        }
        UsersCommand::IdleLock { minutes } => {
            let access = desk.set_idle_lock_minutes(*minutes)?;
            if cli.json {
                return print_json(&access);
            }
            say!("自動ロック: {} 分", access.idle_lock_minutes);
            Ok(())
        }
    }
}

fn find(desk: &Desk, login: &str) -> Result<UserInfo, Failure> {
    let wanted = login.to_lowercase();
    desk.users()?
        .into_iter()
        .find(|u| u.login == wanted)
        .ok_or_else(|| Failure::Usage(format!("利用者が見つかりません: {login}")))
}

fn print_user(cli: &Cli, user: &UserInfo) -> Result<(), Failure> {
    if cli.json {
        return print_json(user);
    }
    say!(
        "{}\t{}\t{}{}",
        user.login,
        user.display_name,
        user.role.label_ja(),
        if user.active { "" } else { "（無効）" }
    );
    Ok(())
}

/// `tenin encrypt`: encrypts the database under a passphrase, or changes it. The new one comes
/// from $TENIN_NEW_PASSPHRASE (or is asked for), the current one from $TENIN_PASSPHRASE.
pub fn encrypt(cli: &Cli) -> Result<(), Failure> {
    let mut desk = crate::open(cli, None)?;
    let current =
        if desk.encryption()?.encrypted { Some(secret(PASSPHRASE_ENV, "現在の合言葉: ")?) } else { None };
    let new = secret(NEW_PASSPHRASE_ENV, "新しい合言葉: ")?;
    let done = desk.set_passphrase(current.as_deref(), &new)?;
    if cli.json {
        return print_json(&done);
    }
    say!("暗号化しました: {}", done.method);
    Ok(())
}
