//! Text normalisation for tolerant Japanese input.
//!
//! Hospitals and nurses type full-width digits and letters (「８５」, 「ＡＢ」), ideographic spaces,
//! katakana or hiragana readings. We accept all of them: input is folded with NFKC before it is
//! parsed or compared, and search keys fold kana and romaji so 「よこはま」, 「ヨコハマ」 and
//! 「yoko」 all find 横浜. The user's original text is kept wherever it is stored as text.

use unicode_normalization::UnicodeNormalization;
use wana_kana::ConvertJapanese;

/// NFKC-folds `text` (full-width → half-width digits and Latin letters, half-width katakana →
/// full-width), turns any run of whitespace into one space and trims it.
pub fn fold_width(text: &str) -> String {
    // Most values (codes, dates, names in kanji) are NFKC already: the quick check says so without
    // building a second string (an import folds several values of every row).
    if unicode_normalization::is_nfkc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes {
        return one_space_between_words(text);
    }
    one_space_between_words(&text.nfkc().collect::<String>())
}

/// `text`'s words with one space between them, none before or after.
fn one_space_between_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Removes control characters (keeping newlines and tabs), so pasted text cannot carry
/// terminal escapes or NULs into the database or a printed page.
pub fn strip_controls(text: &str) -> String {
    text.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect()
}

/// Katakana to hiragana by code point (ァ..ヶ → ぁ..ゖ, ヽヾ → ゝゞ), keeping the long-vowel mark ー
/// and everything else as it is. (Romaji-based converters turn ー into a vowel: りはびりて「え」しょん.)
pub fn to_hiragana(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'ァ'..='ヶ' | 'ヽ' | 'ヾ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// The key that a name and its reading are searched by: folded width, lower case, the reading in
/// hiragana and in romaji, all joined. A query is matched against it with [`search_query`].
pub fn search_key(name: &str, reading: &str) -> String {
    let name = fold_width(name).to_lowercase();
    let reading = fold_width(reading);
    let hiragana = to_hiragana(&reading);
    let romaji = reading.to_romaji().to_lowercase();
    format!("{name} {hiragana} {romaji}")
}

/// Folds a typed query the same way as [`search_key`]: katakana becomes hiragana, full-width
/// becomes half-width, letters become lower case. Latin input is left as romaji, which the key
/// also carries.
pub fn search_query(query: &str) -> String {
    let folded = fold_width(query).to_lowercase();
    if folded.chars().any(|c| c.is_ascii_alphabetic()) { folded } else { to_hiragana(&folded) }
}

/// Length in characters (not bytes): what a nurse counts when told "8 characters at most".
pub fn char_len(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_and_letters_fold_to_ascii() {
        assert_eq!(fold_width("　８５歳　ＡＢ　"), "85歳 AB", "ideographic spaces trimmed, digits folded");
        assert_eq!(fold_width("ｶﾅｶﾞﾜ"), "カナガワ", "half-width katakana becomes full-width");
    }

    #[test]
    fn text_already_folded_comes_back_the_same_as_through_the_full_fold() {
        let full = |text: &str| text.nfkc().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ");
        let samples = [
            "",
            "   ",
            "OLD-00123",
            "  2024-05-01 \t 10:30 ",
            "桜総合病院\n地域連携室",
            "横浜市鶴見区",
            "か\u{3099}",   // a combining mark: composed to が
            "ｶﾞ",            // half-width: to full-width
            "①②",           // circled digits: to 1 2
            "Ａ\u{3000}Ｂ", // full-width letters and an ideographic space
            "e\u{301}",     // Latin with a combining accent
        ];
        for text in samples {
            assert_eq!(fold_width(text), full(text), "{text:?}");
        }
        assert_eq!(fold_width("  a \t b  "), "a b", "runs of any whitespace become one space");
    }

    #[test]
    fn katakana_readings_become_hiragana_with_long_vowels_kept() {
        assert_eq!(to_hiragana("リハビリテーション"), "りはびりてーしょん");
        assert_eq!(to_hiragana("ヴァイオリン・ヽ"), "ゔぁいおりん・ゝ", "ヴ and the iteration mark shift too");
        assert_eq!(to_hiragana("ABC 123 漢字"), "ABC 123 漢字", "anything else is left as it is");
    }

    #[test]
    fn controls_are_removed_but_lines_kept() {
        assert_eq!(strip_controls("a\u{0}b\u{1b}[31mc\nd"), "ab[31mc\nd");
    }

    #[test]
    fn kana_and_romaji_queries_find_a_kanji_name() {
        let key = search_key("横浜市鶴見区", "よこはましつるみく");
        for query in ["よこはま", "ヨコハマ", "yoko", "ＹＯＫＯ", "横浜", "つるみ"] {
            assert!(key.contains(&search_query(query)), "query {query:?} should match key {key:?}");
        }
        assert!(!key.contains(&search_query("かわさき")), "an unrelated reading must not match");
    }
}
