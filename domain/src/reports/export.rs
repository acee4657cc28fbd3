//! Report tables out for meetings: CSV (UTF-8 with BOM, or CP932 with substitutions reported) and
//! xlsx (one formatted sheet per table). Meeting exports carry counts only — no patient identifiers.

use rust_xlsxwriter::{Chart, ChartType, Format, FormatAlign, FormatBorder, Workbook};

use super::monthly::MonthlyReport;
use super::tables::ReportTable;
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

/// A sheet per table: title and definition above, a bordered table with a shaded header, bold
/// totals (the last row when `totals`) and a bold last column when `total_column`, frozen headers.
/// Numbers are written as numbers so the sheet adds up in Excel.
fn write_sheet(
    book: &mut Workbook,
    name: &str,
    title: &str,
    definition: &str,
    rows: &[Vec<String>],
    totals: bool,
    total_column: bool,
) -> Result<()> {
    let sheet = book.add_worksheet();
    sheet.set_name(name).map_err(xlsx_error)?;
    let bold = Format::new().set_bold();
    let cell = Format::new().set_border(FormatBorder::Thin);
    let head = Format::new()
        .set_border(FormatBorder::Thin)
        .set_bold()
        .set_background_color("#E8EEF2")
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let strong = Format::new().set_border(FormatBorder::Thin).set_bold();
    sheet.write_string_with_format(0, 0, title, &bold).map_err(xlsx_error)?;
    sheet.write_string(1, 0, definition).map_err(xlsx_error)?;
    let last = rows.len().saturating_sub(1);
    for (r, row) in rows.iter().enumerate() {
        let at = (r + 3) as u32;
        for (c, value) in row.iter().enumerate() {
            let format = if r == 0 {
                &head
            } else if (totals && r == last) || (total_column && c + 1 == row.len()) {
                &strong
            } else {
                &cell
            };
            match value.parse::<f64>() {
                Ok(n) if r > 0 && c > 0 => sheet.write_number_with_format(at, c as u16, n, format),
                _ => sheet.write_string_with_format(at, c as u16, value, format),
            }
            .map_err(xlsx_error)?;
        }
    }
    sheet.set_column_width(0, 24).map_err(xlsx_error)?;
    for c in 1..rows.first().map_or(0, Vec::len) {
        sheet.set_column_width(c as u16, 12).map_err(xlsx_error)?;
    }
    sheet.set_freeze_panes(4, 1).map_err(xlsx_error)?;
    Ok(())
}

/// The monthly sheet: the table, and beside it the prefecture-style stacked column chart of the
/// months by jurisdiction, drawn from the sheet's own cells.
fn write_monthly_sheet(book: &mut Workbook, report: &MonthlyReport, title: &str) -> Result<()> {
    const SHEET: &str = "保健所別月別";
    let rows = monthly_rows(report);
    write_sheet(book, SHEET, title, &report.definition, &rows, true, true)?;
    if report.rows.is_empty() {
        return Ok(());
    }
    // Body rows sit at 4.. (title, definition, a blank row, the header at 3); totals are left out.
    let (first, last) = (4u32, 3 + report.rows.len() as u32);
    let mut chart = Chart::new(ChartType::ColumnStacked);
    chart.title().set_name(title);
    for column in 1..=report.columns.len() as u16 {
        chart
            .add_series()
            .set_name((SHEET, 3, column))
            .set_categories((SHEET, first, 0, last, 0))
            .set_values((SHEET, first, column, last, column));
    }
    let sheet = book.worksheet_from_name(SHEET).map_err(xlsx_error)?;
    sheet.insert_chart(3, report.columns.len() as u16 + 3, &chart).map_err(xlsx_error)?;
    Ok(())
}

/// The monthly table alone as a workbook.
pub fn monthly_xlsx(report: &MonthlyReport, title: &str) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    write_monthly_sheet(&mut book, report, title)?;
    book.save_to_buffer().map_err(xlsx_error)
}

/// A table's rows: header, body, totals.
pub fn table_rows(table: &ReportTable) -> Vec<Vec<String>> {
    std::iter::once(table.columns.clone()).chain(table.rows.iter().cloned()).chain(table.totals.clone()).collect()
}

pub fn table_csv(table: &ReportTable, encoding: CsvEncoding) -> Result<CsvFile> {
    csv_file::write(&table_rows(table), encoding)
}

/// Every table of a meeting in one workbook, a sheet each: the monthly table first.
pub fn meeting_xlsx(monthly: &MonthlyReport, tables: &[ReportTable]) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    write_monthly_sheet(&mut book, monthly, &monthly.title())?;
    write_tables(&mut book, tables)?;
    book.save_to_buffer().map_err(xlsx_error)
}

/// Tables in one workbook, a sheet each (the transport, health-centre and coaching reports).
pub fn tables_xlsx(tables: &[ReportTable]) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    write_tables(&mut book, tables)?;
    book.save_to_buffer().map_err(xlsx_error)
}

fn write_tables(book: &mut Workbook, tables: &[ReportTable]) -> Result<()> {
    for table in tables {
        // Sheet names are at most 31 characters and unique; the titles are short Japanese.
        let name: String = table.title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
        write_sheet(book, &name, &table.title, &table.definition, &table_rows(table), table.totals.is_some(), false)?;
    }
    Ok(())
}
