//! What the benches share: a desk in a folder, signed in as its administrator, with the demo data;
//! past cases for the history import. Each bench uses what it needs.
#![allow(dead_code)]

use tenin_core::Desk;
use tenin_core::desk::NewUserInput;

pub fn demo_desk(dir: &std::path::Path) -> Desk {
    let mut desk = Desk::create(dir, &tenin_core::desk::NewDesk::default()).expect("desk").0;
    let admin = NewUserInput {
        login: "bench".into(),
        display_name: "ベンチ".into(),
        role: None,
        password: "bench-password-1".into(),
    };
    desk.set_up_administrator(&admin).expect("administrator");
    desk.load_demo().expect("demo");
    desk
}

/// Past cases in the history import's documented columns: `count` rows from `first` over `span_days`
/// days, cycling through the hospitals, places and `outcomes` (a placement has its receiving
/// hospital, a transfer its transport mode).
#[allow(clippy::too_many_arguments)]
pub fn history_csv(
    referrers: &[String],
    receivers: &[String],
    municipalities: &[String],
    count: usize,
    first: chrono::NaiveDate,
    span_days: usize,
    outcomes: &[&str],
    id_prefix: &str,
) -> String {
    let mut out =
        String::from("元の管理番号,受付日時,結果,結果日時,依頼元医療機関,住所地,受入医療機関,搬送手段,年齢,性別\n");
    for i in 0..count {
        let day = first + chrono::Duration::days((i % span_days) as i64);
        let outcome = outcomes[i % outcomes.len()];
        let placed = matches!(outcome, "転院済" | "受入決定");
        out.push_str(&format!(
            "{id_prefix}{i},{day} 09:{:02},{outcome},{day} 15:{:02},{},{},{},{},{},{}\n",
            i % 60,
            i % 60,
            referrers[i % referrers.len()],
            municipalities[i % municipalities.len()],
            if placed { receivers[i % receivers.len()].as_str() } else { "" },
            if outcome == "転院済" { "民間救急" } else { "" },
            60 + i % 40,
            if i % 2 == 0 { "女" } else { "男" },
        ));
    }
    out
}
