//! `tenin package open`: what the desk sent, opened by the hospital it was sent to, with no desk
//! of its own — decrypted with the hospital's key, the signature checked against the desk's public
//! key, the content shown (an inquiry as the patient-information sheet). Creates nothing.

use std::path::{Path, PathBuf};

use tenin_core::exchange::inquiry::InquiryRecord;
use tenin_core::exchange::keys::{self, KeyPair};
use tenin_core::exchange::manifest::PackageKind;
use tenin_core::exchange::package;
use tenin_core::reports::needs::answer_ja;

use crate::{Cli, Failure, print_json};

#[derive(clap::Args)]
pub struct OpenArgs {
    file: PathBuf,
    /// The hospital's own secret key file (from `tenin package keygen`).
    #[arg(long)]
    key: PathBuf,
    /// The desk's public signing key (`ed25519:…`), or a file holding it (the desk's keys file):
    /// the package's signature is checked against it. Without it the content is shown as unchecked.
    #[arg(long)]
    desk_key: Option<String>,
    #[arg(long, value_parser = ["text", "json", "html"], default_value = "text")]
    format: String,
    #[arg(long)]
    out: Option<PathBuf>,
}

/// The first `ed25519:…` key in `text` (a key on its own, or a keys file that holds one).
fn signing_key_in(text: &str) -> Option<&str> {
    let start = text.find("ed25519:")?;
    let rest = &text[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '+' | '/' | '=' | '_' | '-')))
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

fn desk_key(given: &str) -> Result<keys::VerifyingKey, Failure> {
    let text = if Path::new(given).is_file() {
        std::fs::read_to_string(given).map_err(|e| Failure::Usage(format!("{given} を読めません: {e}")))?
    } else {
        given.to_owned()
    };
    let key = signing_key_in(&text)
        .ok_or_else(|| Failure::Usage("デスクの署名の公開鍵（ed25519:…）が見つかりません".into()))?;
    keys::parse_public(key).map_err(|e| Failure::Usage(e.to_string()))
}

pub fn run(cli: &Cli, args: &OpenArgs) -> Result<(), Failure> {
    let bytes =
        std::fs::read(&args.file).map_err(|e| Failure::Usage(format!("{} を読めません: {e}", args.file.display())))?;
    let secret = std::fs::read_to_string(&args.key).map_err(|e| Failure::Usage(format!("鍵を読めません: {e}")))?;
    let own = KeyPair::from_secret_text(&secret).map_err(|e| Failure::Usage(e.to_string()))?;
    let desk = args.desk_key.as_deref().map(desk_key).transpose()?;
    let opened = package::open_for_recipient(&bytes, &own, desk.as_ref()).map_err(|refusal| {
        Failure::Refused(tenin_core::ErrorReport::from(tenin_core::Error::PackageRefused(refusal)))
    })?;
    let inquiries: Vec<InquiryRecord> = if opened.manifest.kind == PackageKind::Inquiry {
        opened
            .records
            .iter()
            .map(|r| serde_json::from_value(r.clone()))
            .collect::<Result<_, _>>()
            .map_err(|e| Failure::Usage(format!("打診の記録を読めません: {e}")))?
    } else {
        Vec::new()
    };
    let format = if cli.json { "json" } else { args.format.as_str() };
    let text = match format {
        "json" => serde_json::to_string_pretty(&serde_json::json!({
            "manifest": opened.manifest, "signature_checked": opened.signature_checked, "records": opened.records,
        }))
        .map_err(|e| Failure::Usage(e.to_string()))?,
        "html" => {
            let record = inquiries.first().ok_or_else(|| {
                Failure::Usage(format!(
                    "HTML で見られるのは打診パッケージです（これは「{}」）",
                    opened.manifest.kind.label_ja()
                ))
            })?;
            tenin_core::reports::patient_sheet::html(record, None, record.offset())
        }
        _ => as_text(&opened, &inquiries),
    };
    match &args.out {
        Some(path) => crate::output::write_file(path, text.as_bytes(), cli.force),
        None if format == "json" => print_json(&serde_json::from_str::<serde_json::Value>(&text).unwrap_or_default()),
        None => {
            crate::output::bytes(text.as_bytes());
            Ok(())
        }
    }
}

fn as_text(opened: &package::OpenedForRecipient, inquiries: &[InquiryRecord]) -> String {
    let m = &opened.manifest;
    let mut out = format!(
        "種類\t{}（{}）\n送信元\t{}\n宛先\t{}\n通し番号\t{}\n作成\t{}\n件数\t{}\n署名\t{}\n",
        m.kind.label_ja(),
        m.kind.as_str(),
        m.sender,
        m.recipient,
        m.sequence,
        m.created_at,
        m.records,
        if opened.signature_checked {
            "デスクの鍵で確認済み"
        } else {
            "未確認（--desk-key で確認してください）"
        },
    );
    for r in inquiries {
        out.push_str(&format!(
            "\n打診ID {}  受付番号 {}\n回答期限\t{}\n患者\t{} {}歳 {}\n現在の医療機関\t{}\n病床種別\t{}\n",
            r.inquiry_id,
            r.ref_no,
            r.reply_by.as_deref().map_or("—".to_owned(), |at| tenin_core::timestamps::local_short(at, r.offset())),
            r.patient_initials,
            r.patient_age,
            r.patient_sex.label_ja(),
            r.referring_hospital.name,
            r.bed_type.as_ref().map_or("—", |t| t.name.as_str()),
        ));
        for item in tenin_core::care::CareItem::ALL {
            out.push_str(&format!("{}\t{}\n", item.label_ja(), answer_ja(&r.care, item)));
        }
        out.push_str(&format!(
            "病状の要約\t{}\n連絡先\t{} 電話 {} FAX {}\n",
            r.clinical_summary, r.desk.name, r.desk.phone, r.desk.fax
        ));
    }
    if inquiries.is_empty() {
        for record in &opened.records {
            out.push_str(&format!("{record}\n"));
        }
    }
    out
}
