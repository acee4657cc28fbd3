//! Files that hold patient data are the user's alone: on Unix the data folder and every folder the
//! desk makes are created 0700 and every file 0600 (the database before SQLite first writes it, so
//! its -wal and -shm files, which SQLite makes with the database's mode, are private too). Desks
//! made before this was so are tightened when they open. Elsewhere the platform's default
//! (per-user profile folders on Windows) applies.

use std::fs;
use std::io::Write;
use std::path::Path;

/// Creates `path` empty, owner-only, if it does not exist.
pub fn create_file(path: &Path) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    owner_only(&mut options);
    options.open(path).map(drop)
}

/// Creates a file that must not exist yet, owner-only.
pub fn create_new(path: &Path) -> std::io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    owner_only(&mut options);
    options.open(path)
}

/// Writes `bytes` to a new or truncated owner-only file.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    owner_only(&mut options);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    restrict_file(path);
    Ok(())
}

/// Creates `dir` and its missing parents, the new ones owner-only.
pub fn create_dir_all(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Tightens the data folder, the database and the files beside it named by `suffixes` (for desks
/// made before files were private).
pub fn restrict(data_dir: &Path, database: &Path, suffixes: &[&str]) {
    restrict_dir(data_dir);
    for suffix in suffixes {
        let mut name = database.as_os_str().to_owned();
        name.push(suffix);
        restrict_file(Path::new(&name));
    }
}

/// Makes an existing file owner-only (0600); does nothing when it is absent or elsewhere.
pub fn restrict_file(path: &Path) {
    set_mode(path, 0o600);
}

/// Makes an existing folder owner-only (0700).
pub fn restrict_dir(path: &Path) {
    set_mode(path, 0o700);
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = fs::metadata(path)
        && meta.permissions().mode() & 0o777 != mode
    {
        let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode));
    }
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) {}

#[cfg(unix)]
fn owner_only(options: &mut fs::OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    options.mode(0o600);
}

#[cfg(not(unix))]
fn owner_only(_options: &mut fs::OpenOptions) {}
