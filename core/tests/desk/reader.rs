//! A desk's reader: the same desk on a read connection of its own, which answers while a long
//! write (an import) holds the desk — what keeps the window's queue, request pages and search
//! answering during an import.

use std::sync::mpsc;
use std::time::Duration;

use tenin_core::request_view::{QueueQuery, QueueScope};

use super::*;

/// A history file of `rows` transferred cases (more than one chunk of the import's 512), in the
/// columns of the exchange tests' history file.
fn history_csv(rows: usize) -> String {
    let mut csv = String::from("旧番号,依頼日時,依頼元,患者住所,結果,決定日時,受入先,搬送,年齢,性別\r\n");
    for n in 0..rows {
        let day = 1 + n % 28;
        csv.push_str(&format!(
            "R-{n},2023/03/{day:02} 10:00,桜総合病院,横浜市鶴見区,転院済,2023/03/{day:02} 15:00,緑風療養病院,民間救急,80,女\r\n"
        ));
    }
    csv
}

fn every_request() -> QueueQuery {
    QueueQuery { scope: QueueScope::All, text: String::new(), limit: None, after: 0 }
}

#[test]
fn a_reader_answers_while_an_import_holds_the_desk_and_sees_what_was_committed() {
    let (_dir, mut desk) = demo_desk();
    let before = desk.queue(&every_request()).expect("queue").total;
    let some_id = desk.queue(&every_request()).expect("queue").rows[0].id.clone();
    let mut reader = desk.reader().expect("a reader opens beside the desk");

    let (mid, at_mid) = mpsc::channel::<()>();
    let (go_on, told) = mpsc::channel::<()>();
    let importer = std::thread::spawn(move || {
        let csv = history_csv(1_100);
        // Called before each chunk of 512: the second call comes with the first chunk written
        // inside the import's transaction, which the test holds open there.
        let progress = |done: u32, _total: u32| {
            if done == 512 {
                mid.send(()).expect("said");
                told.recv_timeout(Duration::from_secs(60)).expect("the reader answered");
            }
            true
        };
        let report = desk
            .import_history("past.csv", csv.as_bytes(), &crate::exchange::history::mapping(), false, &progress)
            .expect("import");
        (desk, report)
    });
    at_mid.recv_timeout(Duration::from_secs(120)).expect("the import is half-way");

    // Half-way through the import: the reader answers, with the desk as it was committed.
    let page = reader.queue(&every_request()).expect("the queue answers during the import");
    assert_eq!(page.total, before, "rows of an import not yet committed are not seen");
    assert_eq!(reader.request(&some_id).expect("a request's page answers").summary.id, some_id);
    assert!(reader.status().is_ok(), "the desk's status answers");
    let refused = tenin_core::ErrorReport::from(reader.dismiss_welcome().expect_err("the reader writes nothing"));
    assert_eq!(refused.code, tenin_core::ErrorCode::Storage, "refused by SQLite: {}", refused.message);
    go_on.send(()).expect("told");

    let (desk, report) = importer.join().expect("the import ends");
    assert_eq!(report.counts.new, 1_100, "{:?}", report.counts);
    let after = reader.queue(&every_request()).expect("queue").total;
    assert_eq!(after, before + 1_100, "once committed, the reader sees the imported cases");
    assert_eq!(desk.queue(&every_request()).expect("queue").total, after);
}

#[test]
fn an_encrypted_desks_reader_opens_with_its_key() {
    let dir = tempfile::tempdir().expect("dir");
    let new_desk = tenin_core::desk::NewDesk { pack: None, passphrase: Some("long enough passphrase".into()) };
    let (mut desk, _) = Desk::create(dir.path(), &new_desk).expect("an encrypted desk");
    sign_in_admin(&mut desk);
    desk.load_demo().expect("demo");
    let reader = desk.reader().expect("a reader of the encrypted file");
    assert_eq!(reader.queue(&every_request()).expect("queue").total, desk.queue(&every_request()).expect("q").total);
}
