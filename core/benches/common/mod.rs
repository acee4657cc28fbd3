//! What the benches share: a desk in a folder, signed in as its administrator, with the demo data.

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
