//! Coordination contacts (調整窓口): whom the desk calls at a hospital, and when.
//!
//! Phone and FAX numbers are kept exactly as the hospital wrote them (「０４５（１２３）４５６７」
//! reads best to the person who wrote it) and checked through their digits, which are also what
//! search and de-duplication use.

use crate::error::Detail;
use serde::{Deserialize, Serialize};

use crate::error::{Problem, Problems};
use crate::text::{char_len, fold_width, strip_controls};

/// A contact as typed or as read from a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct ContactInput {
    /// 部署 (e.g. 地域連携室)
    pub department: String,
    /// 担当者
    pub person: String,
    pub phone: String,
    pub fax: String,
    pub email: String,
    /// 平日の受付時間 (e.g. 「9:00〜17:00」)
    pub hours_weekday: String,
    /// 夜間
    pub hours_night: String,
    /// 休日
    pub hours_holiday: String,
    pub note: String,
}

/// A stored contact: what was written, and the phone and FAX digits it was checked by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Contact {
    #[serde(flatten)]
    pub input: ContactInput,
    /// The phone number's digits (「0451234567」), for dialling and search.
    pub phone_digits: String,
    pub fax_digits: String,
}

pub const CONTACT_TEXT_MAX: usize = 100;
pub const CONTACT_NOTE_MAX: usize = 500;
/// More contacts than this is a mistake in a file, not a hospital.
pub const CONTACTS_MAX: usize = 20;

impl ContactInput {
    /// Checks the contact at `prefix` (e.g. `contacts[0]`) and returns it trimmed, with its digits.
    pub fn checked(&self, prefix: &str, problems: &mut Problems) -> Contact {
        let field = |name: &str| format!("{prefix}.{name}");
        let mut text = |name: &str, value: &str, max: usize| {
            let value = strip_controls(value.trim());
            if char_len(&value) > max {
                problems.add(&field(name), Problem::TooLong { max: max as u32 });
            }
            value
        };
        let input = ContactInput {
            department: text("department", &self.department, CONTACT_TEXT_MAX),
            person: text("person", &self.person, CONTACT_TEXT_MAX),
            phone: text("phone", &self.phone, CONTACT_TEXT_MAX),
            fax: text("fax", &self.fax, CONTACT_TEXT_MAX),
            email: text("email", &self.email, CONTACT_TEXT_MAX),
            hours_weekday: text("hours_weekday", &self.hours_weekday, CONTACT_TEXT_MAX),
            hours_night: text("hours_night", &self.hours_night, CONTACT_TEXT_MAX),
            hours_holiday: text("hours_holiday", &self.hours_holiday, CONTACT_TEXT_MAX),
            note: text("note", &self.note, CONTACT_NOTE_MAX),
        };
        let phone = phone_digits(&input.phone);
        if !input.phone.is_empty() && phone.is_none() {
            problems.add(&field("phone"), Problem::Invalid);
        }
        let fax_digits = phone_digits(&input.fax);
        if !input.fax.is_empty() && fax_digits.is_none() {
            problems.add(&field("fax"), Problem::Invalid);
        }
        let email = fold_width(&input.email);
        if !email.is_empty() && !is_plausible_email(&email) {
            problems.add(&field("email"), Problem::Invalid);
        }
        if input.phone.is_empty() && input.fax.is_empty() && email.is_empty() {
            problems.add_detail(&field("phone"), Problem::Required, Detail::ContactNeedsOne);
        }
        Contact {
            input: ContactInput { email, ..input },
            phone_digits: phone.unwrap_or_default(),
            fax_digits: fax_digits.unwrap_or_default(),
        }
    }
}

/// The digits of a Japanese phone number as people write it: full-width digits, hyphens of any
/// width, brackets round the area code, spaces, and an extension after 「内線」 or 「ext」 (kept out
/// of the digits). `None` unless it is 10 or 11 digits starting with 0, or a +81 number.
pub fn phone_digits(text: &str) -> Option<String> {
    let folded = fold_width(text).to_lowercase();
    let main = ["内線", "内", "ext"]
        .iter()
        .filter_map(|marker| folded.find(marker))
        .min()
        .map_or(&folded[..], |at| &folded[..at]);
    let mut digits = String::new();
    for c in main.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '+' if digits.is_empty() => digits.push(c),
            '-' | '‐' | '−' | 'ー' | '―' | '–' | '—' | ' ' | '(' | ')' | '.' => {}
            _ => return None,
        }
    }
    let national = match digits.strip_prefix("+81") {
        Some(rest) => format!("0{rest}"),
        None => digits,
    };
    let plausible = national.starts_with('0') && (10..=11).contains(&national.len());
    plausible.then_some(national)
}

fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !email.contains(' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_read_as_people_write_them() {
        assert_eq!(phone_digits("045-123-4567").as_deref(), Some("0451234567"));
        assert_eq!(phone_digits("０４５（１２３）４５６７").as_deref(), Some("0451234567"));
        assert_eq!(phone_digits("０４５ー１２３ー４５６７").as_deref(), Some("0451234567"));
        assert_eq!(phone_digits("090-1234-5678").as_deref(), Some("09012345678"));
        assert_eq!(phone_digits("+81 45 123 4567").as_deref(), Some("0451234567"));
        assert_eq!(phone_digits("045-123-4567 内線 321").as_deref(), Some("0451234567"));
        assert_eq!(phone_digits("045-123-4567 ext. 321").as_deref(), Some("0451234567"));
        assert_eq!(phone_digits("123-4567"), None, "too short to dial from another area");
        assert_eq!(phone_digits("045-123-45678-9"), None);
        assert_eq!(phone_digits("地域連携室"), None);
    }

    #[test]
    fn a_contact_keeps_what_was_written_and_needs_a_way_to_reach_it() {
        let mut problems = Problems::default();
        let input = ContactInput {
            department: " 地域連携室 ".into(),
            phone: "０４５（１２３）４５６７".into(),
            email: "ｒｅｎｋｅｉ@example.jp".into(),
            ..Default::default()
        };
        let contact = input.checked("contacts[0]", &mut problems);
        assert!(problems.into_result().is_ok());
        assert_eq!(contact.input.department, "地域連携室");
        assert_eq!(contact.input.phone, "０４５（１２３）４５６７", "shown as entered");
        assert_eq!(contact.phone_digits, "0451234567");
        assert_eq!(contact.input.email, "renkei@example.jp");

        let mut problems = Problems::default();
        ContactInput { department: "医事課".into(), ..Default::default() }.checked("contacts[1]", &mut problems);
        let Err(crate::error::Error::Validation(found)) = problems.into_result() else { panic!("accepted") };
        assert_eq!(found[0].field, "contacts[1].phone");

        let mut problems = Problems::default();
        ContactInput { fax: "FAXなし".into(), email: "no-at-sign".into(), ..Default::default() }
            .checked("contacts[2]", &mut problems);
        let Err(crate::error::Error::Validation(found)) = problems.into_result() else { panic!("accepted") };
        let fields: Vec<_> = found.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["contacts[2].fax", "contacts[2].email"]);
    }
}
