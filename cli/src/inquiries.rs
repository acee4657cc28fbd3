//! `tenin inquiries …` (hospital edition): the inquiries the desk sent, with the patient
//! information, and this hospital's answers (sent at the next sync).

use clap::Subcommand;
use tenin_core::desk::ReceivedAnswerInput;
use tenin_core::inquiry::InquiryOutcome;

use crate::hospitals::core_term;
use crate::{Cli, Failure, local, open, print_json};

#[derive(Subcommand)]
pub enum InquiriesCommand {
    /// The inquiries received: waiting ones first, soonest reply-by first.
    List,
    /// Answer one: accepted, or declined with a reason of the region pack (--reason CODE).
    Answer {
        /// The inquiry's id (from `inquiries list`).
        id: String,
        #[arg(value_parser = core_term::<InquiryOutcome>)]
        outcome: InquiryOutcome,
        #[arg(long)]
        reason: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
}

pub fn run(cli: &Cli, command: &InquiriesCommand) -> Result<(), Failure> {
    match command {
        InquiriesCommand::List => {
            let desk = open(cli, None)?;
            let list = desk.received_inquiries()?;
            if cli.json {
                return print_json(&list);
            }
            for i in &list {
                let r = &i.record;
                let reply = i.reply_by.as_deref().map_or("—".to_owned(), |at| local(&desk, at));
                let answer = match i.outcome {
                    InquiryOutcome::Waiting => "回答待ち".to_owned(),
                    InquiryOutcome::Accepted => "受入可".to_owned(),
                    InquiryOutcome::Declined => format!("お断り（{}）", i.decline_reason_name.as_deref().unwrap_or("")),
                };
                say!(
                    "{}\t{}\t{} {}歳 {}\t{}\t期限 {}\t{}{}",
                    i.inquiry_id,
                    i.ref_no,
                    r.patient_initials,
                    r.patient_age,
                    r.patient_sex.label_ja(),
                    r.bed_type.as_ref().map_or("—", |t| t.name.as_str()),
                    reply,
                    answer,
                    if i.answer_sent || i.outcome == InquiryOutcome::Waiting { "" } else { "（未送信）" }
                );
            }
            Ok(())
        }
        InquiriesCommand::Answer { id, outcome, reason, note } => {
            let mut desk = open(cli, None)?;
            let current = desk.received_inquiries()?.into_iter().find(|i| i.inquiry_id == *id).ok_or_else(|| {
                Failure::Refused(tenin_core::Error::NotFound { entity: "打診", id: id.clone() }.into())
            })?;
            let answered = desk.answer_received_inquiry(&ReceivedAnswerInput {
                inquiry_id: id.clone(),
                outcome: *outcome,
                decline_reason: reason.clone(),
                note: note.clone(),
                expected_version: current.version,
            })?;
            if cli.json {
                return print_json(&answered);
            }
            say!("{} に回答しました（次の送受信でデスクへ送ります）", answered.ref_no);
            Ok(())
        }
    }
}
