//! Report tables out for meetings: CSV (UTF-8 with BOM, or CP932 with substitutions reported) and
//! xlsx (one formatted sheet per table). Meeting exports carry counts only — no patient identifiers.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

use super::monthly::MonthlyReport;
use crate::csv_file::{self, CsvEncoding, CsvFile};
use crate::error::{Error, Result};

/// The table as rows of cells: a header row, one row per month, the totals row.
pub fn monthly_rows(report: &MonthlyReport) -> Vec<Vec<String>> {
    let mut rows = vec![
        std::iter::once("月".to_owned()).chain(report.columns.iter().cloned()).chain(["合計".to_owned()]).collect(),
    ];
    for row in &report.rows {
        rows.push(
            std::iter::once(row.label.clone())
                .chain(row.counts.iter().map(u32::to_string))
                .chain([row.total.to_string()])
                .collect(),
        );
    }
    rows.push(
        std::iter::once("合計".to_owned())
            .chain(report.totals.iter().map(u32::to_string))
            .chain([report.total.to_string()])
            .collect(),
    );
    rows
}

pub fn monthly_csv(report: &MonthlyReport, encoding: CsvEncoding) -> Result<CsvFile> {
    csv_file::write(&monthly_rows(report), encoding)
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::ReferenceData(format!("Excelファイルを作れません: {e}"))
}

/// The monthly table as a workbook: title and definition above, bordered cells, bold totals.
pub fn monthly_xlsx(report: &MonthlyReport, title: &str) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("保健所別月別").map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    let cell = Format::new().set_border(FormatBorder::Thin);
    let head = Format::new()
        .set_border(FormatBorder::Thin)
        .set_bold()
        .set_background_color("#E8EEF2")
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let total = Format::new().set_border(FormatBorder::Thin).set_bold();
    sheet.write_string_with_format(0, 0, title, &bold).map_err(xlsx_error)?;
    sheet.write_string(1, 0, &report.definition).map_err(xlsx_error)?;
    let rows = monthly_rows(report);
    let last = rows.len() - 1;
    for (r, row) in rows.iter().enumerate() {
        let at = (r + 3) as u32;
        for (c, value) in row.iter().enumerate() {
            let format = if r == 0 {
                &head
            } else if r == last || c + 1 == row.len() {
                &total
            } else {
                &cell
            };
            match value.parse::<u32>() {
                Ok(n) if r > 0 && c > 0 => sheet.write_number_with_format(at, c as u16, f64::from(n), format),
                _ => sheet.write_string_with_format(at, c as u16, value, format),
            }
            .map_err(xlsx_error)?;
        }
    }
    sheet.set_column_width(0, 10).map_err(xlsx_error)?;
    for c in 1..rows[0].len() {
        sheet.set_column_width(c as u16, 12).map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(4, 1).map_err(xlsx_error)?;
    book.save_to_buffer().map_err(xlsx_error)
}
