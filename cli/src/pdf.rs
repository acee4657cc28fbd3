//! HTML to PDF through a headless Chromium, for the printed reports (`tenin report daily --format
//! pdf`). The page size and margins come from the page's own `@page` rules, so the PDF matches
//! what the app prints.

use std::process::Command;

use crate::Failure;

/// The browsers tried, in order; `TENIN_CHROMIUM` names another.
const CANDIDATES: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// The PDF of an HTML page, printed by the first browser found.
pub fn html_to_pdf(html: &str) -> Result<Vec<u8>, Failure> {
    let dir = tempfile::tempdir().map_err(|e| Failure::Usage(format!("一時フォルダを作れません: {e}")))?;
    let page = dir.path().join("report.html");
    std::fs::write(&page, html).map_err(|e| Failure::Usage(format!("{} に書けません: {e}", page.display())))?;
    let out_abs = dir.path().join("report.pdf");
    let browsers: Vec<String> = std::env::var("TENIN_CHROMIUM")
        .map(|b| vec![b])
        .unwrap_or_else(|_| CANDIDATES.iter().map(|b| (*b).to_owned()).collect());
    for browser in &browsers {
        let run = Command::new(browser)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
            .arg(format!("--user-data-dir={}", dir.path().join("profile").display()))
            .arg(format!("--print-to-pdf={}", out_abs.display()))
            .arg(&page)
            .output();
        match run {
            Ok(output) if output.status.success() && out_abs.exists() => {
                return std::fs::read(&out_abs).map_err(|e| Failure::Usage(format!("PDFを読めません: {e}")));
            }
            Ok(output) => {
                return Err(Failure::Usage(format!(
                    "{browser} でPDFを作れませんでした: {}",
                    String::from_utf8_lossy(&output.stderr).lines().last().unwrap_or("")
                )));
            }
            Err(_) => continue,
        }
    }
    Err(Failure::Usage(
        "PDFの作成には Chromium が必要です（scripts/install-deps で入ります）。--format html で保存して印刷することもできます"
            .into(),
    ))
}
