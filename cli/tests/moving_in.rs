//! Moving in through the command line: the values of a kintone-shaped export listed with their
//! suggested readings (`--values`), one set by hand (`--value`), the rest accepted
//! (`--accept-suggestions`), saved with the mapping and reused on the next file.

mod common;

use common::{json, new_desk, tenin};

fn export(hospitals: &[serde_json::Value], rows: std::ops::Range<usize>, ids_from: usize) -> String {
    let referrers: Vec<_> = hospitals.iter().filter(|h| h["is_referring"] == true).collect();
    let receivers: Vec<_> =
        hospitals.iter().filter(|h| h["is_receiving"] == true && h["is_referring"] == false).collect();
    let name = |h: &serde_json::Value| h["name"].as_str().unwrap_or("").to_owned();
    let mut out = String::from(
        "レコード番号,作成日時,依頼日時,依頼元医療機関名,患者居住地,調整結果,決定日時,受入医療機関名,搬送手段\n",
    );
    let outcomes = ["マッチング成立", "転院済", "調整不調", "依頼取下げ"];
    for i in rows {
        let outcome = outcomes[i % 4];
        let placed = i % 4 < 2;
        out.push_str(&format!(
            "{},2025-05-01 08:00,2025-05-{:02} 10:00,{},鶴見区,{outcome},2025-05-{:02} 17:00,{},{}\n",
            ids_from + i,
            1 + i % 28,
            name(referrers[i % referrers.len()]).trim_end_matches("病院"),
            1 + i % 28,
            if placed { name(receivers[i % receivers.len()]).replacen("病院", " 病院", 1) } else { String::new() },
            if i % 4 == 1 { "病院車" } else { "" },
        ));
    }
    out
}

#[test]
fn values_are_listed_set_and_accepted_then_reused() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let listed = tenin(dir.path()).args(["--json", "hospitals", "list"]).assert().success();
    let hospitals = json(&listed.get_output().stdout).as_array().expect("hospitals").clone();
    let file = dir.path().join("kintone.csv");
    std::fs::write(&file, export(&hospitals, 0..40, 2000)).expect("write");
    let map = ["--map", "outcome=調整結果", "--map", "outcome_at=決定日時"];

    // A dry run tells the whole story: the share that would import and the commonest refusals.
    let preview = tenin(dir.path()).arg("import").arg(&file).args(map).arg("--dry-run").assert().success();
    let told = String::from_utf8_lossy(&preview.get_output().stdout).into_owned();
    assert!(told.contains("取り込める行:") && told.contains("多い理由:"), "{told}");
    let listed = tenin(dir.path()).args(["--json", "import"]).arg(&file).args(map).arg("--values").assert().success();
    let questions = json(&listed.get_output().stdout);
    let find = |qs: &serde_json::Value, field: &str, value: &str| {
        qs.as_array().expect("array").iter().find(|q| q["field"] == field && q["value"] == value).cloned()
    };
    let matched = find(&questions, "outcome", "マッチング成立").expect("asked about");
    assert_eq!(matched["suggestion"], "placed");
    assert_eq!(matched["rows"], 10);
    assert!(find(&questions, "residence", "鶴見区").is_some_and(|q| q["suggestion"] == "141011"));
    assert!(find(&questions, "transport_mode", "病院車").is_some_and(|q| q["suggestion"] == "hospital_vehicle"));

    // One reading set by hand: it shows as chosen.
    let set = tenin(dir.path())
        .args(["--json", "import"])
        .arg(&file)
        .args(map)
        .args(["--value", "outcome:調整不調=not_placed", "--values"])
        .assert()
        .success();
    assert_eq!(find(&json(&set.get_output().stdout), "outcome", "調整不調").expect("listed")["chosen"], "not_placed");

    // The rest accepted, said, saved with the mapping; every row imported.
    let done = tenin(dir.path())
        .args(["--json", "import"])
        .arg(&file)
        .args(map)
        .args(["--value", "outcome:調整不調=not_placed", "--accept-suggestions", "--save-mapping", "kintone"])
        .assert()
        .success();
    let report = json(&done.get_output().stdout);
    assert_eq!(report["counts"]["new"], 40, "{report}");
    let said = tenin(dir.path())
        .arg("import")
        .arg(&file)
        .args(map)
        .args(["--accept-suggestions", "--dry-run"])
        .assert()
        .success();
    assert!(
        String::from_utf8_lossy(&said.get_output().stderr).contains("読み替え: outcome 「マッチング成立」 → 受入決定")
    );

    // The next file (other cases, the same ways of writing): the saved mapping alone reads it.
    let next = dir.path().join("kintone-2.csv");
    std::fs::write(&next, export(&hospitals, 0..20, 5000)).expect("write");
    let again =
        tenin(dir.path()).args(["--json", "import"]).arg(&next).args(["--mapping", "kintone"]).assert().success();
    assert_eq!(json(&again.get_output().stdout)["counts"]["new"], 20);
}

#[test]
fn a_hospital_named_as_referring_is_marked_so_from_the_import() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let listed = tenin(dir.path()).args(["--json", "hospitals", "list"]).assert().success();
    let hospitals = json(&listed.get_output().stdout).as_array().expect("hospitals").clone();
    let only = hospitals.iter().find(|h| h["is_referring"] == false).expect("a hospital that only receives");
    let name = only["name"].as_str().expect("name");
    let file = dir.path().join("r.csv");
    std::fs::write(&file, format!("番号,受付日時,結果,結果日時,依頼元,住所地\nR-1,2025-07-01 09:00,調整不成立,2025-07-02 10:00,{name},141011\n"))
        .expect("write");
    let listed = tenin(dir.path()).arg("import").arg(&file).arg("--values").assert().success();
    assert!(String::from_utf8_lossy(&listed.get_output().stdout).contains("依頼元として登録されていません"));
    let done = tenin(dir.path()).args(["--json", "import"]).arg(&file).arg("--mark-referring").assert().success();
    assert_eq!(json(&done.get_output().stdout)["counts"]["new"], 1);
    assert!(String::from_utf8_lossy(&done.get_output().stderr).contains(&format!("依頼元として登録しました: {name}")));
}

#[test]
fn a_closed_hospital_is_added_as_historical_from_the_import() {
    let dir = new_desk();
    tenin(dir.path()).arg("demo").assert().success();
    let listed = tenin(dir.path()).args(["--json", "hospitals", "list"]).assert().success();
    let hospitals = json(&listed.get_output().stdout).as_array().expect("hospitals").clone();
    let referrer = hospitals.iter().find(|h| h["is_referring"] == true).expect("a referring hospital");
    let file = dir.path().join("old.csv");
    std::fs::write(
        &file,
        format!(
            "番号,受付日時,結果,結果日時,依頼元,住所地,受入医療機関\n\
             O-1,2018-07-01 09:00,受入決定,2018-07-02 10:00,{},藤野町,山の上病院\n",
            referrer["code"].as_str().expect("code")
        ),
    )
    .expect("write");
    let refused = tenin(dir.path()).args(["--json", "import"]).arg(&file).arg("--dry-run").assert().success();
    assert_eq!(json(&refused.get_output().stdout)["counts"]["errors"], 1);
    let values = tenin(dir.path()).args(["import"]).arg(&file).arg("--values").assert().success();
    let text = String::from_utf8_lossy(&values.get_output().stdout).into_owned();
    assert!(text.contains("藤野町") && text.contains("相模原市緑区"), "the old town's ward suggested: {text}");

    let nowhere = tenin(dir.path())
        .arg("import")
        .arg(&file)
        .args(["--add-historical", "receiving_hospital:山の上病院=どこか村"])
        .assert()
        .failure();
    assert!(String::from_utf8_lossy(&nowhere.get_output().stderr).contains("市区町村「どこか村」はありません"));
    let done = tenin(dir.path())
        .args(["--json", "import"])
        .arg(&file)
        .args(["--add-historical", "receiving_hospital:山の上病院=相模原市緑区", "--accept-suggestions"])
        .assert()
        .success();
    assert_eq!(json(&done.get_output().stdout)["counts"]["new"], 1);
    let said = String::from_utf8_lossy(&done.get_output().stderr).into_owned();
    assert!(said.contains("履歴用の医療機関として登録しました: 山の上病院（hist-0001、相模原市緑区）"), "{said}");
    let all = tenin(dir.path()).args(["--json", "hospitals", "list", "--all"]).assert().success();
    let all = json(&all.get_output().stdout);
    let added = all.as_array().expect("list").iter().find(|h| h["name"] == "山の上病院").expect("in the directory");
    assert_eq!((added["code"].as_str(), added["active"].as_bool()), (Some("hist-0001"), Some(false)));
}
