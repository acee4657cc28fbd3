//! How the app was started: the data directory chosen on the command line or in the environment.

use std::path::PathBuf;
use std::time::Instant;

pub struct LaunchOptions {
    /// `None` when neither `--data-dir`, `TENIN_DATA_DIR` nor an OS data directory is available.
    pub data_dir: Option<PathBuf>,
}

impl LaunchOptions {
    /// Reads `--data-dir DIR` (or `--data-dir=DIR`) from the arguments; other arguments are left
    /// to the webview.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> LaunchOptions {
        let mut explicit = None;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            if arg == "--data-dir" {
                explicit = args.next().map(PathBuf::from);
            } else if let Some(dir) = arg.strip_prefix("--data-dir=") {
                explicit = Some(PathBuf::from(dir));
            }
        }
        LaunchOptions { data_dir: tenin_core::data_dir::resolve(explicit) }
    }
}

/// When the process started, for the start-up benchmark (`ui_ready`).
pub struct StartedAt(pub Instant);

/// Set to make the app print the time from start to the first interactive screen.
pub const REPORT_READY_ENV: &str = "TENIN_REPORT_READY";
