//! Where the command's output goes: standard output line by line, ending quietly when the reader
//! closes the pipe (`tenin requests list | head`), and files that are never overwritten unless
//! `--force` says so.

use std::io::Write;
use std::path::Path;

use crate::Failure;

/// Writes one line to standard output. A closed pipe (the reader stopped reading) ends the command
/// at once with the status it would have had, without a message; any other write error is a
/// failure like the rest.
pub fn line(text: std::fmt::Arguments<'_>) {
    let mut out = std::io::stdout().lock();
    if let Err(error) = out.write_fmt(text).and_then(|()| out.write_all(b"\n")) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("エラー: 標準出力に書けません: {error}");
        std::process::exit(1);
    }
}

/// `println!` for the command's output, through [`line`].
macro_rules! say {
    () => { $crate::output::line(format_args!("")) };
    ($($arg:tt)*) => { $crate::output::line(format_args!($($arg)*)) };
}

/// Writes raw bytes to standard output (an HTML page, a CSV), with the same care for a closed pipe.
pub fn bytes(data: &[u8]) {
    let mut out = std::io::stdout().lock();
    if let Err(error) = out.write_all(data).and_then(|()| out.flush()) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("エラー: 標準出力に書けません: {error}");
        std::process::exit(1);
    }
}

/// Writes a file the user named with `--out`, readable by its owner alone (what the desk writes
/// out may hold patient data, or a key): a file already there is refused unless `force`, and then
/// replaced whole (written beside it and renamed over it), never left half-written.
pub fn write_file(path: &Path, data: &[u8], force: bool) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::Usage(format!("{} に書けません: {e}", path.display()));
    if !force {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        // Owner-only: what the desk writes out may hold patient data.
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Failure::Usage(format!("{} は既にあります。上書きするときは --force を付けてください", path.display()))
            } else {
                fail(e)
            }
        })?;
        return file.write_all(data).and_then(|()| file.sync_all()).map_err(fail);
    }
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    // A staged file is created readable by its owner alone, and stays so.
    let mut staged = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    staged.write_all(data).and_then(|()| staged.as_file().sync_all()).map_err(fail)?;
    staged.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Refuses an existing `--out` before slow work (a PDF) starts, unless `force`.
pub fn check_free(path: &Path, force: bool) -> Result<(), Failure> {
    if !force && path.exists() {
        return Err(Failure::Usage(format!(
            "{} は既にあります。上書きするときは --force を付けてください",
            path.display()
        )));
    }
    Ok(())
}
