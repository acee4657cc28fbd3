// Hide the console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tenin_desk::run(tenin_desk::launch::LaunchOptions::from_args(std::env::args().skip(1)));
}
