//! `tenin match …`: the matching engine from the command line, so its answers can be checked and
//! scripted outside the app.

use tenin_core::matching::{BatchOutcome, BatchSuggestion, MatchReport, Shown};

use crate::{Cli, Failure, open, print_json};

/// Candidates the text output lists without `--all`.
const FIRST_CANDIDATES: u32 = 20;

/// What the text output of one request lists beyond the best candidates.
#[derive(Debug, Clone, Copy)]
pub struct Listed {
    /// The excluded hospitals with their reasons.
    pub excluded: bool,
    /// Every candidate.
    pub all: bool,
}

/// `tenin match REQUEST` or `tenin match --batch`.
pub fn run(cli: &Cli, request: Option<&str>, batch: bool, listed: Listed) -> Result<(), Failure> {
    let desk = open(cli, None)?;
    match (request, batch) {
        (None, true) => {
            let suggestion = desk.match_batch()?;
            if cli.json { print_json(&suggestion) } else { print_batch(&suggestion) }
        }
        (Some(request), false) => {
            let id = desk.resolve_request(request)?;
            if cli.json {
                return print_json(&desk.match_request(&id)?);
            }
            // Only what is printed is explained (10,000 hospitals explained whole are megabytes).
            let shown = Shown {
                candidates: if listed.all { u32::MAX } else { FIRST_CANDIDATES },
                excluded: if listed.excluded { u32::MAX } else { 0 },
            };
            print_report(&desk.match_request_shown(&id, shown)?, listed.excluded)
        }
        _ => Err(Failure::Usage("依頼ID（または受付番号）か --batch のどちらか一方を指定してください".into())),
    }
}

fn print_report(report: &MatchReport, excluded: bool) -> Result<(), Failure> {
    if !report.blockers.is_empty() {
        say!("{}: まだマッチングできません。次を確認・入力してください:", report.ref_no);
        for b in &report.blockers {
            say!("  - {}", b.message);
        }
        return Ok(());
    }
    say!(
        "{}  病床種別: {}  候補 {} 件・除外 {} 件",
        report.ref_no,
        report.bed_type_name.as_deref().unwrap_or("—"),
        report.candidates_total,
        report.excluded_total
    );
    for c in &report.candidates {
        let beds = match c.beds.available {
            Some(n) if c.beds.stale => format!("空床 {n}（古い報告）"),
            Some(n) => format!("空床 {n}"),
            None => "空床 未報告".to_owned(),
        };
        say!("{:>3}. {:>6.2}  {} ({})  {}  {}", c.rank, c.score, c.name, c.code, c.municipality_name, beds);
        let parts: Vec<String> = c.parts.iter().map(|p| format!("{} +{:.2}", p.basis.japanese(), p.points)).collect();
        say!("       {}", parts.join(" | "));
        let mut notes: Vec<String> = c.marks.iter().map(|m| m.japanese()).collect();
        notes.extend(c.beyond_criteria.iter().map(|b| format!("独自ルール: {}", b.japanese())));
        if !notes.is_empty() {
            say!("       ※ {}", notes.join(" / "));
        }
    }
    let more = report.candidates_total.saturating_sub(report.candidates.len() as u32);
    if more > 0 {
        say!("（ほか {} 件の候補は --all で表示）", more);
    }
    if excluded {
        say!("除外:");
        for x in &report.excluded {
            let reasons: Vec<String> = x.reasons.iter().map(|r| r.japanese()).collect();
            say!("  {} ({}): {}", x.name, x.code, reasons.join("、"));
        }
    } else if report.excluded_total > 0 {
        say!("（除外された {} 件の理由は --excluded で表示）", report.excluded_total);
    }
    Ok(())
}

fn print_batch(s: &BatchSuggestion) -> Result<(), Failure> {
    let placed = s.rows.iter().filter(|r| matches!(r.suggestion, BatchOutcome::Placed { .. })).count();
    say!(
        "一括提案: 対象 {} 件中 {} 件に受入先を提案（空床 {} 床、合計スコア {:.2}）",
        s.requests_considered,
        placed,
        s.beds_offered,
        s.total_score
    );
    if s.placed_unconfirmed > 0 {
        say!("  うち {} 件は未確認の医療・介護項目があり、受入先への確認が必要です（要確認）", s.placed_unconfirmed);
    }
    for row in &s.rows {
        let outcome = match &row.suggestion {
            BatchOutcome::Placed {
                hospital_name, hospital_code, score, capacity_stale, options, to_confirm, ..
            } => {
                let stale = if *capacity_stale { "（空床報告が古い）" } else { "" };
                let confirm = if to_confirm.is_empty() {
                    String::new()
                } else {
                    let items: Vec<&str> = to_confirm.iter().map(|i| i.label_ja()).collect();
                    format!("  要確認: {}", items.join("・"))
                };
                format!("→ {hospital_name} ({hospital_code})  {score:.2}  候補{options}件{stale}{confirm}")
            }
            BatchOutcome::NoCandidate => {
                "提案なし: 受け入れられる医療機関がありません（依頼の候補画面で理由を確認）".to_owned()
            }
            BatchOutcome::NoBedsKnown { candidates } => {
                format!("提案なし: 受入可能な{candidates}件は空床未報告（電話で確認）")
            }
            BatchOutcome::BedsTaken { options } => format!("提案なし: 候補{options}件の空床は他の依頼に割当"),
        };
        say!("  {}  {} {}歳  {}  {}", row.ref_no, row.patient_initials, row.patient_age, row.bed_type_name, outcome);
    }
    for b in &s.blocked {
        let what: Vec<&str> = b.blockers.iter().map(|x| x.message.as_str()).collect();
        say!("  {}  マッチング不可: {}", b.ref_no, what.join("、"));
    }
    Ok(())
}
