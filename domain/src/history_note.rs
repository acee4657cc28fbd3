//! The notes the desk writes into a request's history (or inquiry log) itself, beside the ones
//! nurses type. They are stored in Japanese, as everything the desk records; the UI recognises
//! each by its form and shows it in the user's language (`ui/src/lib/api.ts`, `historyNote`).

/// 「元に戻す」: the move that takes back the nurse's last intake step.
pub const UNDO: &str = "元に戻す";
/// On each intermediate move of a placement made in one action (新規受付 → … → 受入決定).
pub const TOWARDS_PLACEMENT: &str = "受入決定のため";
/// The inquiry a placement agreed by phone records when the nurse typed no note.
pub const PLACED_BY_PHONE: &str = "受入決定（電話で合意）";

/// The move to 搬送調整中 when a vehicle is booked.
pub fn transport_booked(provider: &str) -> String {
    format!("搬送を手配（{provider}）")
}

/// The move to 転院済 when the booked trip is done.
pub fn transferred_with(provider: &str) -> String {
    format!("搬送完了（{provider}）")
}

/// A withdrawal the referring hospital sent in a package, with its note if it gave one.
pub fn withdrawn_by_referrer(note: &str) -> String {
    if note.is_empty() { "依頼元から取下げ".to_owned() } else { format!("依頼元から取下げ: {note}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI recognises these notes by their form: a change here without the UI's table is a
    /// note shown in Japanese in the English UI.
    #[test]
    fn the_ui_recognises_every_note_the_desk_writes() {
        let ui = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/lib/api.ts"))
            .expect("the UI's wording of core notes");
        let patterns: Vec<&str> = ui
            .lines()
            .filter_map(|line| line.trim().strip_prefix("[/^"))
            .filter_map(|l| l.split("$/").next())
            .collect();
        let examples = [
            UNDO.to_owned(),
            TOWARDS_PLACEMENT.to_owned(),
            PLACED_BY_PHONE.to_owned(),
            transport_booked("〇〇"),
            transferred_with("〇〇"),
            withdrawn_by_referrer(""),
            withdrawn_by_referrer("〇〇"),
        ];
        for note in examples {
            assert!(patterns.iter().any(|p| matches(p, &note)), "the UI does not recognise the note 「{note}」");
        }
    }

    /// Whether `note` has the form of the UI's pattern: its fixed text, with something at each
    /// named group (`(?<provider>.+)`).
    fn matches(pattern: &str, note: &str) -> bool {
        let mut fixed = Vec::new();
        let mut rest = pattern;
        while let Some(start) = rest.find("(?<") {
            fixed.push(&rest[..start]);
            let Some(end) = rest[start..].find(".+)") else { return false };
            rest = &rest[start + end + 3..];
        }
        fixed.push(rest);
        let (first, last) = (fixed[0], fixed[fixed.len() - 1]);
        if fixed.len() == 1 {
            return note == first;
        }
        note.starts_with(first)
            && note.ends_with(last)
            && note.len() > first.len() + last.len()
            && fixed[1..fixed.len() - 1].iter().all(|part| note.contains(part))
    }
}
