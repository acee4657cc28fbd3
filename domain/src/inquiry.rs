//! The inquiry log (打診記録): every time the desk asks a receiving hospital to take a patient —
//! when, whom, how, what they answered (with the decline reason from the region pack), and when to
//! call back. Written once, with who and when, so nothing depends on memory or a sticky note.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Problem, Problems, Result};
use crate::text::{char_len, fold_width, strip_controls};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum InquiryChannel {
    Phone,
    Fax,
    /// Through an exchange package (issue 6).
    Package,
}

impl InquiryChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            InquiryChannel::Phone => "phone",
            InquiryChannel::Fax => "fax",
            InquiryChannel::Package => "package",
        }
    }

    pub fn parse(name: &str) -> Option<InquiryChannel> {
        [InquiryChannel::Phone, InquiryChannel::Fax, InquiryChannel::Package].into_iter().find(|c| c.as_str() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum InquiryOutcome {
    /// Asked; the hospital will answer (a call-back time says when to chase).
    Waiting,
    Accepted,
    Declined,
}

impl InquiryOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            InquiryOutcome::Waiting => "waiting",
            InquiryOutcome::Accepted => "accepted",
            InquiryOutcome::Declined => "declined",
        }
    }

    pub fn parse(name: &str) -> Option<InquiryOutcome> {
        [InquiryOutcome::Waiting, InquiryOutcome::Accepted, InquiryOutcome::Declined]
            .into_iter()
            .find(|o| o.as_str() == name)
    }
}

/// An inquiry as logged by a nurse. Text arrives raw; the core normalises and checks it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NewInquiryInput {
    pub request_id: String,
    pub hospital_id: String,
    /// Department or person reached.
    pub contact: String,
    pub channel: InquiryChannel,
    pub outcome: InquiryOutcome,
    /// A decline reason id from the region pack; required when declined, refused otherwise.
    pub decline_reason: Option<String>,
    pub note: String,
    /// When to call back, for a waiting answer: empty, `YYYY-MM-DDTHH:MM` in the desk's time zone
    /// (what a datetime field gives), or RFC 3339.
    pub call_back_at: String,
}

/// A hospital's answer to a waiting inquiry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InquiryAnswerInput {
    pub inquiry_id: String,
    /// Accepted or declined (an answer cannot be "waiting").
    pub outcome: InquiryOutcome,
    pub decline_reason: Option<String>,
    pub note: String,
    /// The version the nurse saw; an inquiry answered meanwhile is not overwritten.
    pub expected_version: u32,
}

/// What the store writes for a new inquiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckedInquiry {
    pub request_id: String,
    pub hospital_id: String,
    pub contact: String,
    pub channel: InquiryChannel,
    pub outcome: InquiryOutcome,
    pub decline_reason: Option<String>,
    pub note: String,
    pub call_back_at: Option<DateTime<Utc>>,
}

/// A call-back that has come due: a hospital still owes an answer and the time the desk was told to
/// call back has come (or comes within the notice's lead time). Names no patient: the reference
/// number and the hospital are what a nurse needs to pick up the phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DueCallBack {
    pub inquiry_id: String,
    pub request_id: String,
    pub ref_no: String,
    pub hospital_name: String,
    /// RFC 3339, UTC.
    pub call_back_at: String,
}

/// An inquiry as the request's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Inquiry {
    pub id: String,
    pub hospital_id: String,
    pub hospital_name: String,
    pub contact: String,
    pub channel: InquiryChannel,
    pub asked_at: String,
    pub asked_by_name: String,
    pub outcome: InquiryOutcome,
    pub decline_reason: Option<String>,
    pub decline_reason_name: Option<String>,
    /// The decline was a hospital's own rule beyond the national discharge criteria (独自ルール).
    pub own_rule: bool,
    pub note: String,
    pub call_back_at: Option<String>,
    pub answered_at: Option<String>,
    pub version: u32,
}

pub const CONTACT_MAX: usize = 100;
pub const NOTE_MAX: usize = 1000;

impl NewInquiryInput {
    pub fn checked(&self, offset: FixedOffset) -> Result<CheckedInquiry> {
        let mut problems = Problems::default();
        if self.request_id.trim().is_empty() {
            problems.add("request_id", Problem::Required);
        }
        if self.hospital_id.trim().is_empty() {
            problems.add("hospital_id", Problem::Required);
        }
        let contact = bounded(&mut problems, "contact", &fold_width(&self.contact), CONTACT_MAX);
        let note = bounded(&mut problems, "note", self.note.trim(), NOTE_MAX);
        let decline_reason = reason_for(&mut problems, self.outcome, self.decline_reason.as_deref());
        let call_back_at = match parse_local_time(&self.call_back_at, offset) {
            Ok(None) => None,
            Ok(Some(_)) if self.outcome != InquiryOutcome::Waiting => {
                problems.add("call_back_at", Problem::NotAllowed);
                None
            }
            Ok(Some(at)) => Some(at),
            Err(UnreadableTime) => {
                problems.add("call_back_at", Problem::Invalid);
                None
            }
        };
        problems.into_result()?;
        Ok(CheckedInquiry {
            request_id: self.request_id.trim().to_owned(),
            hospital_id: self.hospital_id.trim().to_owned(),
            contact,
            channel: self.channel,
            outcome: self.outcome,
            decline_reason,
            note,
            call_back_at,
        })
    }
}

impl InquiryAnswerInput {
    /// The answer's outcome, reason and note, checked.
    pub fn checked(&self) -> Result<(InquiryOutcome, Option<String>, String)> {
        let mut problems = Problems::default();
        if self.outcome == InquiryOutcome::Waiting {
            problems.add("outcome", Problem::Invalid);
        }
        let reason = reason_for(&mut problems, self.outcome, self.decline_reason.as_deref());
        let note = bounded(&mut problems, "note", self.note.trim(), NOTE_MAX);
        problems.into_result()?;
        Ok((self.outcome, reason, note))
    }
}

/// A decline needs its reason; any other outcome must not carry one.
fn reason_for(problems: &mut Problems, outcome: InquiryOutcome, reason: Option<&str>) -> Option<String> {
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    match (outcome, reason) {
        (InquiryOutcome::Declined, None) => {
            problems.add("decline_reason", Problem::Required);
            None
        }
        (InquiryOutcome::Declined, Some(reason)) => Some(reason.to_owned()),
        (_, Some(_)) => {
            problems.add("decline_reason", Problem::NotAllowed);
            None
        }
        (_, None) => None,
    }
}

fn bounded(problems: &mut Problems, field: &str, text: &str, max: usize) -> String {
    let text = strip_controls(text);
    if char_len(&text) > max {
        problems.add(field, Problem::TooLong { max: max as u32 });
    }
    text
}

/// A time that could not be read in any accepted form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnreadableTime;

/// Reads a time typed in a datetime field (`YYYY-MM-DDTHH:MM`, the desk's local time) or RFC 3339.
pub fn parse_local_time(text: &str, offset: FixedOffset) -> std::result::Result<Option<DateTime<Utc>>, UnreadableTime> {
    let text = fold_width(text);
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(&text) {
        return Ok(Some(at.with_timezone(&Utc)));
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(&text, format) {
            return local
                .and_local_timezone(offset)
                .single()
                .map(|t| Some(t.with_timezone(&Utc)))
                .ok_or(UnreadableTime);
        }
    }
    Err(UnreadableTime)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn tokyo() -> FixedOffset {
        FixedOffset::east_opt(9 * 3600).expect("offset")
    }

    fn input() -> NewInquiryInput {
        NewInquiryInput {
            request_id: "r".into(),
            hospital_id: "h".into(),
            contact: "地域連携室 佐藤".into(),
            channel: InquiryChannel::Phone,
            outcome: InquiryOutcome::Waiting,
            decline_reason: None,
            note: "".into(),
            call_back_at: "2026-11-21T15:30".into(),
        }
    }

    fn fields(result: Result<CheckedInquiry>) -> Vec<(String, Problem)> {
        match result {
            Err(Error::Validation(problems)) => problems.into_iter().map(|p| (p.field, p.problem)).collect(),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_call_back_time_is_read_in_the_desk_time_zone() {
        let checked = input().checked(tokyo()).expect("valid");
        assert_eq!(checked.call_back_at.map(|t| t.to_rfc3339()), Some("2026-11-21T06:30:00+00:00".to_owned()));
    }

    #[test]
    fn a_decline_needs_its_reason_and_nothing_else_may_carry_one() {
        let declined = NewInquiryInput { outcome: InquiryOutcome::Declined, call_back_at: "".into(), ..input() };
        assert_eq!(fields(declined.checked(tokyo())), [("decline_reason".to_owned(), Problem::Required)]);
        let accepted = NewInquiryInput {
            outcome: InquiryOutcome::Accepted,
            decline_reason: Some("full".into()),
            call_back_at: "".into(),
            ..input()
        };
        assert_eq!(fields(accepted.checked(tokyo())), [("decline_reason".to_owned(), Problem::NotAllowed)]);
    }

    #[test]
    fn call_backs_only_for_waiting_answers_and_in_a_readable_form() {
        let answered = NewInquiryInput { outcome: InquiryOutcome::Accepted, ..input() };
        assert_eq!(fields(answered.checked(tokyo())), [("call_back_at".to_owned(), Problem::NotAllowed)]);
        let garbled = NewInquiryInput { call_back_at: "あとで".into(), ..input() };
        assert_eq!(fields(garbled.checked(tokyo())), [("call_back_at".to_owned(), Problem::Invalid)]);
    }

    #[test]
    fn an_answer_cannot_be_waiting() {
        let answer = InquiryAnswerInput {
            inquiry_id: "i".into(),
            outcome: InquiryOutcome::Waiting,
            decline_reason: None,
            note: "".into(),
            expected_version: 1,
        };
        assert!(matches!(answer.checked(), Err(Error::Validation(_))));
    }
}
