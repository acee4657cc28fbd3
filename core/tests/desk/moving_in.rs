//! Moving in from the previous system: a kintone-shaped export of the desk's own making, with values
//! as the desk wrote them (outcome words, transport words, hospital names typed by hand, wards
//! without their city), imports entirely once the desk's suggestions are accepted; the readings are
//! saved with the mapping and reused on the next file.

use tenin_core::Desk;
use tenin_core::exchange::history::HistoryMapping;
use tenin_core::hospital::HospitalFilter;

fn no_progress(_: u32, _: u32) -> bool {
    true
}

/// Hospital names as nurses typed them: 病院 left off, a stray space, the short name, the code in
/// full-width digits.
fn typed(name: &str, short: &str, code: &str, way: usize) -> String {
    match way % 4 {
        0 => name.trim_end_matches("病院").to_owned(),
        1 => {
            let mut chars: Vec<char> = name.chars().collect();
            chars.insert(2.min(chars.len()), ' ');
            chars.into_iter().collect()
        }
        2 if !short.is_empty() => short.to_owned(),
        _ => code.chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)).collect(),
    }
}

fn kintone_csv(desk: &Desk, rows: usize, first: usize) -> String {
    let all = desk.hospitals(&HospitalFilter::default()).expect("hospitals");
    let referrers: Vec<_> = all.iter().filter(|h| h.is_referring).collect();
    let receivers: Vec<_> = all.iter().filter(|h| h.is_receiving && !h.is_referring).collect();
    let outcomes = ["マッチング成立", "転院済", "調整不調", "依頼取下げ"];
    let modes = ["病院車", "ﾀｸｼｰ", "民間救急"];
    let wards = ["鶴見区", "平塚市", "寒川町", "港北区"];
    let mut out = String::from(
        "レコード番号,作成者,作成日時,更新者,更新日時,依頼日時,依頼元医療機関名,患者居住地,年齢,性別,調整結果,決定日時,受入医療機関名,搬送手段\n",
    );
    for i in first..first + rows {
        let referrer = referrers[i % referrers.len()];
        let receiver = receivers[i % receivers.len()];
        let outcome = outcomes[i % outcomes.len()];
        let placed = matches!(outcome, "マッチング成立" | "転院済");
        out.push_str(&format!(
            "{},看護師A,2025-04-01 09:00,看護師B,2025-04-02 09:00,2025-04-{:02} 09:30,{},{},{}歳,{},{},2025-04-{:02} 16:00,{},{}\n",
            1000 + i,
            1 + i % 28,
            typed(&referrer.name, &referrer.short_name, &referrer.code, i),
            wards[i % wards.len()],
            70 + i % 25,
            if i % 2 == 0 { "女性" } else { "男性" },
            outcome,
            1 + i % 28,
            if placed { typed(&receiver.name, &receiver.short_name, &receiver.code, i + 1) } else { String::new() },
            if outcome == "転院済" { modes[i % modes.len()] } else { "" },
        ));
    }
    out
}

#[test]
fn a_kintone_export_imports_entirely_once_the_suggestions_are_accepted() {
    let (_dir, mut desk) = crate::demo_desk();
    let csv = kintone_csv(&desk, 120, 0);
    // The columns are recognised, kintone's own included.
    let mut mapping: HistoryMapping = desk.history_suggestion(csv.as_bytes()).expect("suggestion");
    for (field, column) in [
        ("source_id", "レコード番号"),
        ("registered_at", "依頼日時"),
        ("outcome", "調整結果"),
        ("outcome_at", "決定日時"),
        ("referring_hospital", "依頼元医療機関名"),
        ("residence", "患者居住地"),
        ("receiving_hospital", "受入医療機関名"),
        ("transport_mode", "搬送手段"),
    ] {
        assert_eq!(mapping.columns.get(field).map(String::as_str), Some(column), "{field} suggested");
    }
    mapping.columns.insert("patient_age".into(), "年齢".into());
    mapping.columns.insert("patient_sex".into(), "性別".into());

    let before = desk.import_history("kintone.csv", csv.as_bytes(), &mapping, true, &no_progress).expect("preview");
    assert!(before.counts.new < 60, "without value mapping most rows are refused: {:?}", before.counts);

    let questions = desk.history_values(csv.as_bytes(), &mapping).expect("values");
    let fields: std::collections::BTreeSet<&str> = questions.iter().map(|q| q.field.as_str()).collect();
    for field in ["outcome", "transport_mode", "referring_hospital", "receiving_hospital", "residence"] {
        assert!(fields.contains(field), "{field} has values to map: {questions:?}");
    }
    let outcome = |value: &str| questions.iter().find(|q| q.field == "outcome" && q.value == value).cloned();
    assert_eq!(outcome("マッチング成立").and_then(|q| q.suggestion).as_deref(), Some("placed"));
    assert_eq!(outcome("調整不調").and_then(|q| q.suggestion).as_deref(), Some("not_placed"));
    assert_eq!(outcome("依頼取下げ").and_then(|q| q.suggestion).as_deref(), Some("withdrawn"));
    assert!(outcome("転院済").is_none(), "a value that reads as it is is not asked about");
    let unanswered: Vec<_> = questions.iter().filter(|q| q.suggestion.is_none()).collect();
    assert!(unanswered.is_empty(), "every value has a suggestion: {unanswered:?}");
    assert!(questions.iter().all(|q| q.rows > 0));

    for q in &questions {
        mapping.set_reading(&q.field, &q.value, q.suggestion.as_deref().expect("suggested"));
    }
    desk.save_history_mapping("kintone", &mapping).expect("saved with its readings");
    let report = desk.import_history("kintone.csv", csv.as_bytes(), &mapping, false, &no_progress).expect("import");
    assert_eq!(
        report.counts.new,
        120,
        "every row imported: {:?}",
        report.records.iter().find(|r| !r.reasons.is_empty())
    );

    // The next file: the saved mapping carries its readings; nothing left to ask.
    let saved = desk.history_mappings().expect("mappings").into_iter().find(|(n, _)| n == "kintone").expect("saved").1;
    assert_eq!(saved.values, mapping.values);
    let next = kintone_csv(&desk, 40, 120);
    let left = desk.history_values(next.as_bytes(), &saved).expect("values");
    assert!(left.iter().all(|q| q.chosen.is_some()), "every value of the next file already has its reading: {left:?}");
    let report = desk.import_history("kintone-2.csv", next.as_bytes(), &saved, false, &no_progress).expect("import");
    assert_eq!(report.counts.new, 40);
}

/// A refusal fixed in place: a hospital the file names exactly as the referring one, but that is not
/// marked as referring, is said so in the value step and marked from there (audited); its rows then
/// import.
#[test]
fn a_hospital_not_marked_as_referring_is_marked_from_the_value_step() {
    let (_dir, mut desk) = crate::demo_desk();
    let all = desk.hospitals(&HospitalFilter::default()).expect("hospitals");
    let receiving_only = all.iter().find(|h| h.is_receiving && !h.is_referring).expect("one that only receives");
    let other = all.iter().find(|h| h.is_receiving && h.id != receiving_only.id).expect("another");
    let csv = format!(
        "番号,受付日時,結果,結果日時,依頼元,住所地,受入医療機関,搬送手段\n\
         R-1,2025-07-01 09:00,転院済,2025-07-02 10:00,{},141011,{},民間救急\n\
         R-2,2025-07-03 09:00,調整不成立,2025-07-04 10:00,{},141011,,\n",
        receiving_only.name, other.code, receiving_only.name
    );
    let mapping = desk.history_suggestion(csv.as_bytes()).expect("mapping");
    let refused = desk.import_history("r.csv", csv.as_bytes(), &mapping, true, &no_progress).expect("preview");
    assert_eq!(refused.counts.errors, 2, "refused: not a referring hospital");
    let questions = desk.history_values(csv.as_bytes(), &mapping).expect("values");
    let asked = questions.iter().find(|q| q.field == "referring_hospital").expect("asked about");
    let named = asked.not_referring.clone().expect("the fix is to mark it");
    assert_eq!((named.id.as_str(), named.name.as_str()), (receiving_only.id.as_str(), receiving_only.name.as_str()));
    assert_eq!(asked.rows, 2);
    let marked = desk.mark_referring(&named.id).expect("marked");
    assert!(marked.is_referring && marked.is_receiving, "marked as referring, still receiving");
    let audited = desk
        .audit_log(&tenin_core::desk::AuditFilter { entity: Some("hospital".into()), ..Default::default() })
        .expect("audit");
    assert!(audited.iter().any(|r| r.entity_id == named.id), "the change is audited");
    let report = desk.import_history("r.csv", csv.as_bytes(), &mapping, false, &no_progress).expect("import");
    assert_eq!(report.counts.new, 2);
}

#[test]
fn a_column_with_thousands_of_unreadable_values_is_refused_as_mapped_wrongly() {
    let (_dir, desk) = crate::demo_desk();
    let csv = kintone_csv(&desk, 2_100, 0);
    let mut mapping: HistoryMapping = desk.history_suggestion(csv.as_bytes()).expect("suggestion");
    // The record number taken for the referring hospital by mistake: 2,100 values no one can read.
    mapping.columns.insert("referring_hospital".into(), "レコード番号".into());
    let refused = tenin_core::ErrorReport::from(desk.history_values(csv.as_bytes(), &mapping).expect_err("refused"));
    assert_eq!(refused.code, tenin_core::ErrorCode::Validation);
    assert!(refused.problems[0].message.contains("レコード番号"), "{:?}", refused.problems);
    mapping.columns.insert("referring_hospital".into(), "依頼元医療機関名".into());
    let questions = desk.history_values(csv.as_bytes(), &mapping).expect("the right column");
    assert!(
        questions.iter().all(|q| q.field != "referring_hospital" || q.rows > 1),
        "the right column's values repeat"
    );
}

/// A hospital the directory never had (closed since) is added from the value step as a historical
/// one — inactive, with its code when known and a desk-local code otherwise — so its past cases
/// import and count; a town that has since merged into a city is read as the ward it became.
#[test]
fn a_closed_hospital_is_added_as_historical_and_an_old_town_read_as_its_ward() {
    let (_dir, mut desk) = crate::demo_desk();
    let all = desk.hospitals(&HospitalFilter::default()).expect("hospitals");
    let referrer = all.iter().find(|h| h.is_referring).expect("a referring hospital");
    let csv = format!(
        "番号,受付日時,結果,結果日時,依頼元,住所地,受入医療機関,搬送手段\n\
         R-1,2019-07-01 09:00,転院済,2019-07-02 10:00,{0},津久井郡津久井町,山の上病院,民間救急\n\
         R-2,2019-07-03 09:00,転院済,2019-07-04 10:00,{0},藤野町,山の上病院,民間救急\n\
         R-3,2019-07-05 09:00,調整不成立,2019-07-06 10:00,旧みどり診療所,141011,,\n",
        referrer.name
    );
    let mut mapping = desk.history_suggestion(csv.as_bytes()).expect("mapping");
    let questions = desk.history_values(csv.as_bytes(), &mapping).expect("values");
    let asked = |field: &str, value: &str| {
        questions.iter().find(|q| q.field == field && q.value == value).cloned().unwrap_or_else(|| panic!("{value}"))
    };
    // Old town names come from the region pack, so they are suggested as the ward they became.
    assert_eq!(asked("residence", "津久井郡津久井町").suggestion.as_deref(), Some("141518"));
    assert_eq!(asked("residence", "藤野町").suggestion_label.as_deref(), Some("相模原市緑区"));
    let closed = asked("receiving_hospital", "山の上病院");
    assert_eq!((closed.rows, closed.suggestion.as_deref()), (2, None), "nothing to suggest");
    assert_eq!(asked("referring_hospital", "旧みどり診療所").suggestion, None);

    let before = desk.import_history("old.csv", csv.as_bytes(), &mapping, true, &no_progress).expect("preview");
    assert_eq!(before.counts.errors, 3);

    let added = |desk: &mut Desk, name: &str, code: &str, referring: bool| {
        desk.add_historical_hospital(&tenin_core::historical_hospital::HistoricalHospital {
            name: name.to_owned(),
            code: code.to_owned(),
            municipality_code: "141518".to_owned(),
            referring,
        })
        .expect("added")
    };
    let mountain = added(&mut desk, "山の上病院", "", false);
    assert_eq!(mountain.code, "hist-0001", "no code known: a desk-local one");
    assert!(!mountain.active && mountain.is_receiving && !mountain.is_referring);
    let clinic = added(&mut desk, "旧みどり診療所", "１４１０９９９１２０", true);
    assert_eq!(clinic.code, "1410999120", "a known code is kept");
    assert!(!clinic.active && clinic.is_referring);
    let third = added(&mut desk, "谷戸病院", "", false);
    assert_eq!(third.code, "hist-0002", "numbered on");
    let wrong = tenin_core::ErrorReport::from(
        desk.add_historical_hospital(&tenin_core::historical_hospital::HistoricalHospital {
            name: "x".into(),
            code: "1410999121".into(),
            municipality_code: "141518".into(),
            referring: false,
        })
        .expect_err("not a medical-institution code"),
    );
    assert_eq!(wrong.code, tenin_core::ErrorCode::Validation);
    let audited = desk
        .audit_log(&tenin_core::desk::AuditFilter { entity: Some("hospital".into()), ..Default::default() })
        .expect("audit");
    assert!(audited.iter().any(|r| r.entity_id == mountain.id), "the addition is audited");

    for q in desk.history_values(csv.as_bytes(), &mapping).expect("values") {
        if let Some(reading) = q.suggestion {
            mapping.set_reading(&q.field, &q.value, &reading);
        }
    }
    let report = desk.import_history("old.csv", csv.as_bytes(), &mapping, false, &no_progress).expect("import");
    assert_eq!(report.counts.new, 3, "{:?}", report.records.iter().find(|r| !r.reasons.is_empty()));
    // Never offered for a new transfer.
    let active = desk.hospitals(&HospitalFilter::default()).expect("the directory's default list: active only");
    assert!(active.iter().all(|h| h.id != mountain.id && h.id != clinic.id));
}

/// Cases the old system left at 受入決定 long ago would stay open in the queue for ever: the preview
/// and the import's report say how many, and how to read them as 転院済 instead; a recent placement
/// is not pointed out.
#[test]
fn placements_left_open_long_ago_are_pointed_out_before_the_import() {
    let (_dir, mut desk) = crate::demo_desk();
    let csv = kintone_csv(&desk, 120, 0);
    let mut mapping: HistoryMapping = desk.history_suggestion(csv.as_bytes()).expect("suggestion");
    for q in desk.history_values(csv.as_bytes(), &mapping).expect("values") {
        mapping.set_reading(&q.field, &q.value, q.suggestion.as_deref().expect("suggested"));
    }
    let placed_rows = csv.lines().filter(|line| line.contains(",マッチング成立,")).count();
    assert_eq!(placed_rows, 30, "a quarter of the file's rows were left at マッチング成立 (受入決定) in 2025");
    let warning = |report: &tenin_core::desk::ImportReport| {
        report.warnings.iter().find(|w| w.contains("受入決定のまま")).cloned()
    };
    let preview = desk.import_history("kintone.csv", csv.as_bytes(), &mapping, true, &no_progress).expect("preview");
    let said = warning(&preview).expect("the preview points them out");
    assert!(said.contains(&format!("{placed_rows} 件")), "{said}");
    assert!(said.contains("転院済"), "says how to read them instead: {said}");
    let report = desk.import_history("kintone.csv", csv.as_bytes(), &mapping, false, &no_progress).expect("import");
    assert_eq!(report.counts.new, 120);
    assert_eq!(warning(&report), Some(said), "the import's report keeps the same warning");
    let logged = desk.exchange_report(&report.exchange_id).expect("logged report");
    assert!(warning(&logged).is_some(), "and so does the log");

    // Placed yesterday: nothing to point out.
    let referrer = desk.hospitals(&HospitalFilter::default()).expect("hospitals").into_iter().find(|h| h.is_referring);
    let receiver = desk
        .hospitals(&HospitalFilter::default())
        .expect("hospitals")
        .into_iter()
        .find(|h| h.is_receiving && !h.is_referring);
    let yesterday = (chrono::Local::now() - chrono::Duration::days(1)).format("%Y-%m-%d");
    let recent = format!(
        "元の管理番号,受付日時,結果,結果日時,依頼元医療機関,住所地,受入医療機関\nNEW-1,{yesterday} 09:00,受入決定,{yesterday} 15:00,{},横浜市鶴見区,{}\n",
        referrer.expect("a referring hospital").code,
        receiver.expect("a receiving hospital").code,
    );
    let mapping = desk.history_suggestion(recent.as_bytes()).expect("suggestion");
    let preview = desk.import_history("recent.csv", recent.as_bytes(), &mapping, true, &no_progress).expect("preview");
    assert_eq!(preview.counts.new, 1, "{:?}", preview.records.first().map(|r| &r.reasons));
    assert_eq!(warning(&preview), None, "a placement of yesterday is not pointed out");
}
