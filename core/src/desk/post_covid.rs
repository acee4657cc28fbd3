//! The post-COVID part of [`Desk`]: the referral network for patients with post-COVID conditions
//! (一次受け / 二次受け), the published list of those who agreed, the counts over time, and the survey
//! hospitals fill in and return (see `tenin_domain::post_covid`).

use chrono::{Datelike, NaiveDate};
use tenin_domain::access::Permission;
use tenin_domain::csv_file::{self, CsvEncoding};
use tenin_domain::error::{Error, Result};
use tenin_domain::exchange::rows;
use tenin_domain::post_covid::{self, PostCovidCount, PostCovidEntry, PostCovidInput};
use tenin_store::post_covid as store;

use super::Desk;

/// What a returned survey did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SurveyImport {
    /// Rows read into the network.
    pub saved: u32,
}

impl Desk {
    /// Sets one hospital's entry on the network (typed at the desk), audited.
    pub fn set_post_covid(&mut self, input: &PostCovidInput, expected_version: Option<u32>) -> Result<PostCovidEntry> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let checked = input.checked()?;
        self.store.write(|tx| store::set(tx, &user_id, &checked, expected_version))?;
        store::get(self.store.read(), &checked.hospital_id)?
            .ok_or_else(|| Error::NotFound { entity: "罹患後症状の登録", id: checked.hospital_id.clone() })
    }

    /// Every institution on the network (and those taken off), regions under the plan in force.
    pub fn post_covid_entries(&self) -> Result<Vec<PostCovidEntry>> {
        self.allow(Permission::Read)?;
        let plan = self.plan_today()?;
        Ok(store::list(self.store.read(), plan.as_deref())?)
    }

    /// The published list (those who agreed) as a web page for the prefecture's website.
    pub fn post_covid_published_html(&self) -> Result<String> {
        let entries = self.post_covid_entries()?;
        let title = format!("{}　罹患後症状の診療を行う医療機関", self.region_pack()?.name);
        Ok(post_covid::published_html(&entries, &title, &self.today()?.to_string()))
    }

    /// The published list as CSV.
    pub fn post_covid_published_csv(&self, encoding: CsvEncoding) -> Result<csv_file::CsvFile> {
        csv_file::write(&post_covid::published_rows(&self.post_covid_entries()?), encoding)
    }

    /// The network at the end of each month from `from` to `to` (the current month ends today).
    pub fn post_covid_counts(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<PostCovidCount>> {
        self.allow(Permission::Read)?;
        if to < from {
            return Err(Error::refused("to", "終わりの月が始まりの月より前です"));
        }
        let today = self.today()?;
        let mut months = Vec::new();
        let mut first = from.with_day(1).unwrap_or(from);
        while first <= to && months.len() < 240 {
            let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(NaiveDate::MAX);
            let last = next.pred_opt().unwrap_or(next).min(today);
            months.push((first.format("%Y-%m").to_string(), last));
            first = next;
        }
        let changes = store::changes(self.store.read(), self.offset()?)?;
        Ok(post_covid::counts_over_time(&changes, &months))
    }

    /// The survey for hospitals to fill in: a row per active hospital with its current answers.
    pub fn post_covid_survey(&self, encoding: CsvEncoding) -> Result<csv_file::CsvFile> {
        self.allow(Permission::Read)?;
        let entries = self.post_covid_entries()?;
        let mut rows = vec![post_covid::SURVEY_COLUMNS.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>()];
        for hospital in self.hospitals(&Default::default())? {
            let current = entries.iter().find(|e| e.hospital_id == hospital.id);
            let flag = |on: bool, yes: &str, no: &str| if on { yes } else { no }.to_owned();
            rows.push(vec![
                hospital.code.clone(),
                hospital.name.clone(),
                current
                    .and_then(|e| e.tier)
                    .map_or("なし", |t| if t == post_covid::PostCovidTier::Primary { "一次" } else { "二次" })
                    .to_owned(),
                current.map(|e| e.departments.clone()).unwrap_or_default(),
                current.map(|e| e.conditions.clone()).unwrap_or_default(),
                flag(current.is_some_and(|e| e.referral_needed), "要", "不要"),
                current.map(|e| e.hours.clone()).unwrap_or_default(),
                flag(current.is_some_and(|e| e.publish), "可", "否"),
                current.map(|e| e.note.clone()).unwrap_or_default(),
            ]);
        }
        csv_file::write(&rows, encoding)
    }

    /// Reads a returned survey (CSV or xlsx, the survey's columns): every row or none — a row that
    /// cannot be read refuses the file with each problem named by its line.
    pub fn import_post_covid_survey(&mut self, bytes: &[u8]) -> Result<SurveyImport> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let answered = rows::form_rows(bytes).map_err(|refusal| Error::refused("file", &refusal.to_string()))?;
        let mut answers = Vec::new();
        let mut problems = Vec::new();
        for row in &answered {
            match post_covid::survey_answer(&row.cells) {
                Ok((code, input)) => match self.hospital_by_code(&code) {
                    Ok(hospital) => answers.push(PostCovidInput { hospital_id: hospital.id, ..input }.checked()),
                    Err(_) => problems.push(format!("{}行目: 医療機関コード {code} は名簿にありません", row.line)),
                },
                Err(reasons) => problems.push(format!("{}行目: {}", row.line, reasons.join("、"))),
            }
        }
        if !problems.is_empty() {
            return Err(Error::refused("file", &problems.join("\n")));
        }
        let answers: Vec<PostCovidInput> = answers.into_iter().collect::<Result<_>>()?;
        let saved = answers.len() as u32;
        self.store.write(|tx| -> Result<()> {
            for answer in &answers {
                store::set(tx, &user_id, answer, None)?;
            }
            Ok(())
        })?;
        Ok(SurveyImport { saved })
    }
}

/// The files of the network the desk hands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PostCovidFile {
    /// The published list as a web page.
    PublishedHtml,
    /// The published list as CSV (CP932, for the prefecture's office PCs).
    PublishedCsv,
    /// The survey for hospitals (CP932 CSV).
    Survey,
}

impl Desk {
    /// Saves one of the network's files in the export folder, never over an earlier file.
    pub fn save_post_covid_file(&self, file: PostCovidFile) -> Result<crate::export_file::SavedExport> {
        let today = self.today()?;
        let (stem, ext, bytes, substituted) = match file {
            PostCovidFile::PublishedHtml => {
                ("罹患後症状_公表リスト", "html", self.post_covid_published_html()?.into_bytes(), Vec::new())
            }
            PostCovidFile::PublishedCsv => {
                let csv = self.post_covid_published_csv(CsvEncoding::Cp932)?;
                ("罹患後症状_公表リスト", "csv", csv.bytes, csv.substituted)
            }
            PostCovidFile::Survey => {
                let csv = self.post_covid_survey(CsvEncoding::Cp932)?;
                ("罹患後症状_調査票", "csv", csv.bytes, csv.substituted)
            }
        };
        let dir = crate::export_file::export_dir(&self.data_dir);
        let path = crate::export_file::save_new(&dir, &format!("{stem}_{today}"), ext, &bytes)?;
        Ok(crate::export_file::SavedExport {
            path: path.display().to_string(),
            substituted: substituted.iter().map(char::to_string).collect(),
        })
    }
}
