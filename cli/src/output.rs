//! Where the command's output goes: standard output (buffered, flushed at the end), ending quietly when the reader
//! closes the pipe (`tenin requests list | head`), and files that are never overwritten unless
//! `--force` says so.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::{LazyLock, Mutex, MutexGuard};

use crate::Failure;

/// Standard output, buffered for the whole command (Rust's own flushes at every line: a report of
/// 10,000 lines was 10,000 writes). `main` flushes it before it says anything on standard error, so
/// an error still comes after what was printed.
static OUT: LazyLock<Mutex<BufWriter<std::io::Stdout>>> =
    LazyLock::new(|| Mutex::new(BufWriter::with_capacity(64 * 1024, std::io::stdout())));

fn out() -> MutexGuard<'static, BufWriter<std::io::Stdout>> {
    OUT.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A closed pipe (the reader stopped reading) ends the command at once with the status it would
/// have had, without a message; any other write error is a failure like the rest.
fn written(outcome: std::io::Result<()>) {
    if let Err(error) = outcome {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("エラー: 標準出力に書けません: {error}");
        std::process::exit(1);
    }
}

/// Writes one line to standard output.
pub fn line(text: std::fmt::Arguments<'_>) {
    let mut out = out();
    written(out.write_fmt(text).and_then(|()| out.write_all(b"\n")));
}

/// `println!` for the command's output, through [`line`].
macro_rules! say {
    () => { $crate::output::line(format_args!("")) };
    ($($arg:tt)*) => { $crate::output::line(format_args!($($arg)*)) };
}

/// Writes raw bytes to standard output (an HTML page, a CSV), with the same care for a closed pipe.
pub fn bytes(data: &[u8]) {
    let mut out = out();
    written(out.write_all(data));
}

/// Sends what is buffered (at the end of the command, before a prompt or an error message).
pub fn flush() {
    written(out().flush());
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
