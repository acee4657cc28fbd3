//! The route that needs no app at the hospital: an xlsx template (Japanese headers, drop-down
//! lists from the region pack, an instructions sheet, the hospital's code filled in) or its CSV
//! variant; reading a filled-in file back into request records; and the error report (xlsx, a
//! message on every refused cell) that goes back to the hospital.

use rust_xlsxwriter::{Color, DataValidation, DataValidationRule, Format, Formula, Note, Workbook, XlsxError};
use serde_json::{Map, Value};

use super::care_cells;
use super::records::{Outcome, RecordResult, RequestAction, RequestRecord};
use super::rows::{Row, RowLimits};
use crate::care::{CareItem, CareNeedsInput, OXYGEN_MAX};
use crate::csv_file::{self, CsvEncoding, CsvFile};
use crate::error::{Error, Result};
use crate::exchange::records::Reason;
use crate::reference::Term;
use crate::refusal::Refusal;
use crate::request::{NewRequestInput, PatientSex, Urgency};
use crate::text::fold_width;

pub const SHEET: &str = "依頼";
const LISTS_SHEET: &str = "選択肢";
const CODE_LABEL: &str = "医療機関コード";
const NAME_LABEL: &str = "医療機関名";
/// Rows of the request sheet before the data (0-based index of the header row).
const HEADER_ROW: u32 = 3;
const DATA_ROWS: u32 = 200;

/// The vocabulary the lists and the reader use, from the desk's region pack.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// (code, name)
    pub municipalities: Vec<(String, String)>,
    pub bed_types: Vec<Term>,
}

#[derive(Clone, Copy)]
enum List {
    Action,
    Sex,
    Urgency,
    BedType,
    Municipality,
    /// A care item's choices (oxygen takes a number instead: see [`Column::number`]).
    Care(CareItem),
}

struct Column {
    label: &'static str,
    /// The record field it fills (`request.<field>` or a record field), used to put a message on the cell.
    field: &'static str,
    width: f64,
    list: Option<List>,
    /// A number between 0 and this (oxygen L/min), checked by the spreadsheet as it is typed.
    number: Option<f64>,
}

const fn care(item: CareItem, width: f64) -> Column {
    let list = match item {
        CareItem::Oxygen => None,
        _ => Some(List::Care(item)),
    };
    let number = match item {
        CareItem::Oxygen => Some(OXYGEN_MAX),
        _ => None,
    };
    Column { label: care_cells::label(item), field: item.field(), width, list, number }
}

const fn column(label: &'static str, field: &'static str, width: f64, list: Option<List>) -> Column {
    Column { label, field, width, list, number: None }
}

const COLUMNS: [Column; 29] = [
    column("管理番号", "record_id", 12.0, None),
    column("区分", "action", 8.0, Some(List::Action)),
    column("イニシャル", "patient_initials", 10.0, None),
    column("年齢", "patient_age", 6.0, None),
    column("性別", "patient_sex", 7.0, Some(List::Sex)),
    column("住所地", "residence_municipality_code", 18.0, Some(List::Municipality)),
    column("緊急度", "urgency", 8.0, Some(List::Urgency)),
    column("病床種別", "bed_type_id", 16.0, Some(List::BedType)),
    column("発症日", "onset_date", 12.0, None),
    column("陽性判明日", "positive_test_date", 12.0, None),
    column("退院基準を満たした日", "criteria_met_date", 14.0, None),
    column("転院希望日", "desired_date", 12.0, None),
    care(CareItem::Oxygen, 9.0),
    care(CareItem::Dialysis, 14.0),
    care(CareItem::TubeFeeding, 10.0),
    care(CareItem::Tracheostomy, 8.0),
    care(CareItem::Suctioning, 14.0),
    care(CareItem::IvLine, 10.0),
    care(CareItem::DementiaBpsd, 10.0),
    care(CareItem::Psychiatric, 9.0),
    care(CareItem::Isolation, 16.0),
    care(CareItem::Adl, 9.0),
    care(CareItem::Bariatric, 8.0),
    column("病棟", "referrer_ward", 10.0, None),
    column("担当者", "referrer_person", 10.0, None),
    column("連絡先電話", "referrer_phone", 14.0, None),
    column("病状の要約", "clinical_summary", 40.0, None),
    column("家族の希望・備考", "family_notes", 30.0, None),
    column("取下げ理由", "note", 20.0, None),
];

const ACTIONS: [(&str, RequestAction); 3] =
    [("新規", RequestAction::New), ("更新", RequestAction::Update), ("取下げ", RequestAction::Withdraw)];
const SEXES: [(&str, PatientSex); 4] = [
    ("男性", PatientSex::Male),
    ("女性", PatientSex::Female),
    ("その他", PatientSex::Other),
    ("不明", PatientSex::Unknown),
];
const URGENCIES: [(&str, Urgency); 3] =
    [("通常", Urgency::Routine), ("早め", Urgency::Soon), ("至急", Urgency::Urgent)];

const INSTRUCTIONS: &[&str] = &[
    "転院依頼の記入方法",
    "",
    "1. 「依頼」シートの5行目から、患者さん1人につき1行を記入してください。医療機関コードは変更しないでください。",
    "2. 管理番号: 貴院で患者さんを区別する番号（カルテ番号とは別でも構いません）。更新・取下げのときも同じ番号を使います。",
    "3. 区分: 新規・更新・取下げから選びます。取下げのときは管理番号と取下げ理由だけで構いません。",
    "4. イニシャル・年齢・性別は必須です。氏名は書かないでください。",
    "5. 住所地・緊急度・病床種別は一覧から選んでください（住所地は市区町村コードでも構いません）。",
    "6. 日付は 2026-11-20、R8.11.20、令和8年11月20日 のどれでも構いません。全角数字も読み取れます。",
    "7. 発症日・陽性判明日・退院基準を満たした日: 該当する日がない（無症状、検査なし など）ときは「なし」と書いてください。",
    "8. 酸素（L/分）〜高度肥満の医療・介護の項目: 一覧から選んでください。必要がないときは「なし」を選びます。酸素は L/分の数値で、使っていなければ 0 です。",
    "9. 空欄は「なし」ではなく「未確認」として扱われます。デスクは未確認の項目を受入先に確認してから調整するため、時間がかかることがあります。分かる項目はすべて記入してください。",
    "10. 保存した xlsx ファイル（または CSV）を転院調整デスクへ送ってください。",
    "11. 読み取れなかったセルがあると、デスクからエラー報告（xlsx）が届きます。赤いセルのメモに理由があります。",
];

fn xlsx_error(e: XlsxError) -> Error {
    Error::ReferenceData(format!("Excelファイルを作れません: {e}"))
}

fn list_values(list: List, vocabulary: &Vocabulary) -> Vec<String> {
    match list {
        List::Action => ACTIONS.iter().map(|(l, _)| (*l).to_owned()).collect(),
        List::Sex => SEXES.iter().map(|(l, _)| (*l).to_owned()).collect(),
        List::Urgency => URGENCIES.iter().map(|(l, _)| (*l).to_owned()).collect(),
        List::BedType => vocabulary.bed_types.iter().map(|t| t.name.clone()).collect(),
        List::Municipality => vocabulary.municipalities.iter().map(|(_, n)| n.clone()).collect(),
        List::Care(item) => care_cells::choices(item).into_iter().map(str::to_owned).collect(),
    }
}

/// The xlsx template for one hospital.
pub fn xlsx(hospital_code: &str, hospital_name: &str, vocabulary: &Vocabulary) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let header = Format::new().set_bold().set_background_color(Color::RGB(0xDDEBF7)).set_text_wrap();
    let locked_code = Format::new().set_bold().set_background_color(Color::RGB(0xF2F2F2));
    {
        let sheet = book.add_worksheet().set_name(SHEET).map_err(xlsx_error)?;
        sheet.write_string_with_format(0, 0, CODE_LABEL, &bold).map_err(xlsx_error)?;
        sheet.write_string_with_format(0, 1, hospital_code, &locked_code).map_err(xlsx_error)?;
        sheet.write_string_with_format(1, 0, NAME_LABEL, &bold).map_err(xlsx_error)?;
        sheet.write_string(1, 1, hospital_name).map_err(xlsx_error)?;
        sheet.write_string(2, 0, "記入方法は「記入方法」シートをご覧ください").map_err(xlsx_error)?;
        let mut list_column = 0u16;
        for (i, column) in COLUMNS.iter().enumerate() {
            let col = i as u16;
            sheet.write_string_with_format(HEADER_ROW, col, column.label, &header).map_err(xlsx_error)?;
            sheet.set_column_width(col, column.width).map_err(xlsx_error)?;
            if let Some(list) = column.list {
                let values = list_values(list, vocabulary);
                let letter = column_letter(list_column);
                let formula = format!("='{LISTS_SHEET}'!${letter}$2:${letter}${}", values.len().max(1) + 1);
                let validation = DataValidation::new()
                    .allow_list_formula(Formula::new(formula))
                    .set_error_message("一覧から選んでください")
                    .map_err(xlsx_error)?;
                sheet
                    .add_data_validation(HEADER_ROW + 1, col, HEADER_ROW + DATA_ROWS, col, &validation)
                    .map_err(xlsx_error)?;
                list_column += 1;
            }
            if let Some(max) = column.number {
                let validation = DataValidation::new()
                    .allow_decimal_number(DataValidationRule::Between(0.0, max))
                    .set_error_message(format!("0〜{max} の数値で入力してください（使っていなければ 0）"))
                    .map_err(xlsx_error)?;
                sheet
                    .add_data_validation(HEADER_ROW + 1, col, HEADER_ROW + DATA_ROWS, col, &validation)
                    .map_err(xlsx_error)?;
            }
        }
        sheet.set_freeze_panes(HEADER_ROW + 1, 2).map_err(xlsx_error)?;
    }
    {
        let sheet = book.add_worksheet().set_name("記入方法").map_err(xlsx_error)?;
        sheet.set_column_width(0, 110.0).map_err(xlsx_error)?;
        for (row, line) in INSTRUCTIONS.iter().enumerate() {
            if row == 0 {
                sheet.write_string_with_format(0, 0, *line, &bold).map_err(xlsx_error)?;
            } else {
                sheet.write_string(row as u32, 0, *line).map_err(xlsx_error)?;
            }
        }
    }
    {
        let sheet = book.add_worksheet().set_name(LISTS_SHEET).map_err(xlsx_error)?;
        let mut list_column = 0u16;
        for column in COLUMNS.iter() {
            if let Some(list) = column.list {
                sheet.write_string_with_format(0, list_column, column.label, &bold).map_err(xlsx_error)?;
                for (row, value) in list_values(list, vocabulary).iter().enumerate() {
                    sheet.write_string(row as u32 + 1, list_column, value).map_err(xlsx_error)?;
                }
                sheet.set_column_width(list_column, 18.0).map_err(xlsx_error)?;
                list_column += 1;
            }
        }
        sheet.set_hidden(true);
    }
    book.save_to_buffer().map_err(xlsx_error)
}

fn column_letter(index: u16) -> String {
    let mut n = u32::from(index) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// The CSV variant: the code and name on the first line, a blank line, the headers, no rows.
pub fn csv(hospital_code: &str, hospital_name: &str, encoding: CsvEncoding) -> Result<CsvFile> {
    let width = COLUMNS.len();
    let padded = |mut row: Vec<String>| {
        row.resize(width, String::new());
        row
    };
    let rows = vec![
        padded(vec![CODE_LABEL.to_owned(), hospital_code.to_owned(), NAME_LABEL.to_owned(), hospital_name.to_owned()]),
        padded(Vec::new()),
        COLUMNS.iter().map(|c| c.label.to_owned()).collect(),
    ];
    csv_file::write(&rows, encoding)
}

/// A filled-in template as read: the hospital's code and the data rows by header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub hospital_code: String,
    pub headers: Vec<String>,
    /// (the row's number in the file — the xlsx row, the CSV line —, cells)
    pub rows: Vec<(u32, Vec<String>)>,
}

/// What a filled-in template may be: a sheet of a few hundred patients is far below every limit;
/// a cell over 10,000 characters (a row's longest field is 4,000) is refused whole.
pub const LIMITS: RowLimits = RowLimits {
    max_bytes: 16 << 20,
    max_rows: super::rows::EXCEL_ROWS,
    max_columns: 64,
    max_cell_chars: 10_000,
    max_inflated_bytes: 320 << 20,
};

/// What a template says about itself, read without keeping its rows: whose it is, its headers,
/// where its data starts and how many data rows it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetHead {
    pub hospital_code: String,
    pub headers: Vec<String>,
    /// The file line (CSV) or row (xlsx) of the header row; data rows come after it.
    pub header_line: u32,
    pub data_rows: u32,
}

/// Reads a filled-in xlsx or CSV (UTF-8 with or without BOM, or CP932) whole: for the error report.
pub fn read(bytes: &[u8]) -> std::result::Result<Sheet, Refusal> {
    let head = head(bytes)?;
    let mut rows = Vec::new();
    for_each_data_row(bytes, &head, |line, cells| {
        rows.push((line, cells));
        Ok::<(), Refusal>(())
    })?;
    Ok(Sheet { hospital_code: head.hospital_code, headers: head.headers, rows })
}

/// Reads the whole file once (so a file that cannot be imported is refused before the import)
/// keeping only what the template says about itself.
pub fn head(bytes: &[u8]) -> std::result::Result<SheetHead, Refusal> {
    let first = |row: &Row, i: usize| row.cells.get(i).map(|s| fold_width(s)).unwrap_or_default();
    let mut code: Option<String> = None;
    let mut header: Option<(u32, Vec<String>)> = None;
    let mut data_rows = 0u32;
    super::rows::for_each_row(bytes, Some(SHEET), &LIMITS, |row| {
        if code.is_none() && first(&row, 0) == CODE_LABEL {
            code = Some(first(&row, 1)).filter(|c| !c.is_empty());
        }
        if header.is_some() {
            data_rows += 1;
        } else if first(&row, 0) == COLUMNS[0].label {
            header = Some((row.line, row.cells.iter().map(|h| h.trim().to_owned()).collect()));
        }
        Ok::<(), Refusal>(())
    })?;
    let code = code.ok_or_else(|| Refusal::BadRecords(format!("{CODE_LABEL}がありません")))?;
    let (header_line, headers) =
        header.ok_or_else(|| Refusal::BadRecords(format!("見出し行（{}…）がありません", COLUMNS[0].label)))?;
    Ok(SheetHead { hospital_code: code, headers, header_line, data_rows })
}

/// Calls `each` with every data row (its line and cells), one at a time.
pub fn for_each_data_row<E: From<Refusal>>(
    bytes: &[u8],
    head: &SheetHead,
    mut each: impl FnMut(u32, Vec<String>) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    super::rows::for_each_row(bytes, Some(SHEET), &LIMITS, |row| {
        if row.line > head.header_line { each(row.line, row.cells) } else { Ok(()) }
    })
}

/// One data row as a request record, or the cells that could not be read (by column label).
pub fn record_of(
    headers: &[String],
    cells: &[String],
    vocabulary: &Vocabulary,
) -> (String, std::result::Result<RequestRecord, Vec<Reason>>) {
    let mut by_label = Map::new();
    for (i, header) in headers.iter().enumerate() {
        if !header.is_empty() {
            by_label.insert(header.clone(), Value::String(cells.get(i).cloned().unwrap_or_default()));
        }
    }
    let raw = Value::Object(by_label.clone()).to_string();
    let get =
        |label: &str| by_label.get(label).and_then(Value::as_str).map(|s| s.trim().to_owned()).unwrap_or_default();
    let mut reasons = Vec::new();
    let mut refuse = |label: &str, message: String| reasons.push(Reason::new(label, message));
    let pick = |text: &str, choices: &[&str]| -> Option<usize> {
        let folded = fold_width(text);
        choices.iter().position(|c| *c == folded || c.starts_with(&folded) && !folded.is_empty())
    };
    let action_text = get("区分");
    let action = match action_text.as_str() {
        "" => Some(RequestAction::New),
        text => pick(text, &ACTIONS.map(|(l, _)| l)).map(|i| ACTIONS[i].1),
    };
    if action.is_none() {
        refuse("区分", format!("「{action_text}」は選べません（新規・更新・取下げ）"));
    }
    let sex_text = get("性別");
    let sex = match sex_text.as_str() {
        "" => None,
        "男" | "M" | "m" => Some(PatientSex::Male),
        "女" | "F" | "f" => Some(PatientSex::Female),
        text => {
            let found = pick(text, &SEXES.map(|(l, _)| l)).map(|i| SEXES[i].1);
            if found.is_none() {
                refuse("性別", format!("「{text}」は選べません（男性・女性・その他・不明）"));
            }
            found
        }
    };
    let urgency_text = get("緊急度");
    let urgency = match urgency_text.as_str() {
        "" => Urgency::Routine,
        text => match pick(text, &URGENCIES.map(|(l, _)| l)) {
            Some(i) => URGENCIES[i].1,
            None => {
                refuse("緊急度", format!("「{text}」は選べません（通常・早め・至急）"));
                Urgency::Routine
            }
        },
    };
    let bed_text = get("病床種別");
    let bed_type_id = match bed_text.as_str() {
        "" => String::new(),
        text => match vocabulary.bed_types.iter().find(|t| t.name == text || t.id == text) {
            Some(t) => t.id.clone(),
            None => {
                refuse("病床種別", format!("「{text}」は一覧にありません"));
                String::new()
            }
        },
    };
    let place_text = get("住所地");
    let residence = match fold_width(&place_text).as_str() {
        "" => String::new(),
        text => match vocabulary.municipalities.iter().find(|(code, name)| name == text || code == text) {
            Some((code, _)) => code.clone(),
            None => {
                refuse("住所地", format!("「{place_text}」は一覧にありません"));
                String::new()
            }
        },
    };
    let record_id = fold_width(&get("管理番号"));
    if record_id.is_empty() {
        refuse("管理番号", "管理番号は必須です".to_owned());
    } else if record_id.chars().count() > super::records::MAX_RECORD_ID_CHARS {
        refuse("管理番号", format!("管理番号が長すぎます（{}文字まで）", super::records::MAX_RECORD_ID_CHARS));
    }
    let mut care = CareNeedsInput::default();
    for item in CareItem::ALL {
        let label = care_cells::label(item);
        if let Err(message) = care_cells::read(item, &get(label), &mut care) {
            refuse(label, message);
        }
    }
    if !reasons.is_empty() {
        return (raw, Err(reasons));
    }
    let action = action.unwrap_or(RequestAction::New);
    let request = (action != RequestAction::Withdraw).then(|| NewRequestInput {
        referrer_ward: get("病棟"),
        referrer_person: get("担当者"),
        referrer_phone: get("連絡先電話"),
        patient_initials: get("イニシャル"),
        patient_age: get("年齢"),
        patient_sex: sex,
        residence_municipality_code: residence,
        onset_date: get("発症日"),
        positive_test_date: get("陽性判明日"),
        criteria_met_date: get("退院基準を満たした日"),
        desired_date: get("転院希望日"),
        bed_type_id,
        family_notes: get("家族の希望・備考"),
        urgency,
        clinical_summary: get("病状の要約"),
        care,
        ..Default::default()
    });
    (raw, Ok(RequestRecord { record_id, action, request, note: get("取下げ理由") }))
}

/// The column label a record field is written in (for a message from the intake checks).
pub fn label_of(field: &str) -> Option<&'static str> {
    let field = field.strip_prefix("request.").unwrap_or(field);
    COLUMNS.iter().find(|c| c.field == field || c.label == field).map(|c| c.label)
}

/// The error report: the rows as received, each refused cell red with the reason in its note, a
/// result column, and a list of every message.
pub fn error_report(sheet: &Sheet, results: &[RecordResult]) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let red = Format::new().set_background_color(Color::RGB(0xFFC7CE)).set_font_color(Color::RGB(0x9C0006));
    let mut messages: Vec<(u32, String, String)> = Vec::new();
    {
        let out = book.add_worksheet().set_name("エラー報告").map_err(xlsx_error)?;
        out.write_string_with_format(0, 0, CODE_LABEL, &bold).map_err(xlsx_error)?;
        out.write_string(0, 1, &sheet.hospital_code).map_err(xlsx_error)?;
        out.write_string(1, 0, "赤いセルのメモに理由があります。直した行だけを送り直してください。")
            .map_err(xlsx_error)?;
        let result_col = sheet.headers.len() as u16;
        for (col, header) in sheet.headers.iter().enumerate() {
            out.write_string_with_format(HEADER_ROW, col as u16, header, &bold).map_err(xlsx_error)?;
        }
        out.write_string_with_format(HEADER_ROW, result_col, "取込結果", &bold).map_err(xlsx_error)?;
        for (i, (row_no, cells)) in sheet.rows.iter().enumerate() {
            let row = HEADER_ROW + 1 + i as u32;
            let result = results.iter().find(|r| r.position == *row_no);
            let reasons = result.map(|r| r.reasons.as_slice()).unwrap_or_default();
            for (col, value) in cells.iter().enumerate() {
                let header = sheet.headers.get(col).map(String::as_str).unwrap_or_default();
                let mine: Vec<&Reason> = reasons
                    .iter()
                    .filter(|r| !header.is_empty() && (r.field == header || label_of(&r.field) == Some(header)))
                    .collect();
                if mine.is_empty() {
                    out.write_string(row, col as u16, value).map_err(xlsx_error)?;
                } else {
                    out.write_string_with_format(row, col as u16, value, &red).map_err(xlsx_error)?;
                    let text = mine.iter().map(|r| r.message.as_str()).collect::<Vec<_>>().join("\n");
                    out.insert_note(row, col as u16, &Note::new(&text).set_author("転院調整デスク"))
                        .map_err(xlsx_error)?;
                    messages.push((*row_no, header.to_owned(), text));
                }
            }
            let outcome = result.map_or(Outcome::Error, |r| r.outcome);
            let unplaced: Vec<&Reason> = reasons
                .iter()
                .filter(|r| r.field.is_empty() || label_of(&r.field).is_none() && !sheet.headers.contains(&r.field))
                .collect();
            let mut summary = outcome.label_ja().to_owned();
            for r in &unplaced {
                summary.push_str(&format!("：{}", r.message));
                messages.push((*row_no, String::new(), r.message.clone()));
            }
            let format = if outcome == Outcome::Error { &red } else { &Format::new() };
            out.write_string_with_format(row, result_col, &summary, format).map_err(xlsx_error)?;
        }
    }
    {
        let list = book.add_worksheet().set_name("メッセージ一覧").map_err(xlsx_error)?;
        for (col, title) in ["行", "列", "メッセージ"].iter().enumerate() {
            list.write_string_with_format(0, col as u16, *title, &bold).map_err(xlsx_error)?;
        }
        list.set_column_width(2, 80.0).map_err(xlsx_error)?;
        for (i, (row_no, column, message)) in messages.iter().enumerate() {
            let row = i as u32 + 1;
            list.write_number(row, 0, f64::from(*row_no)).map_err(xlsx_error)?;
            list.write_string(row, 1, column).map_err(xlsx_error)?;
            list.write_string(row, 2, message).map_err(xlsx_error)?;
        }
    }
    book.save_to_buffer().map_err(xlsx_error)
}
