//! `tenin transport …`: providers, the proposal for a request, bookings and the transport request
//! sheet from the command line.

use std::path::PathBuf;

use clap::Subcommand;
use tenin_core::json_input::read_list;
use tenin_core::transport::{BookingInput, BookingStatus, TransportProviderInput};

use crate::hospitals::{core_term, read_input};
use crate::{Cli, Failure, open, print_json};

#[derive(Subcommand)]
pub enum TransportCommand {
    /// The providers directory (inactive ones too).
    Providers,
    /// Add providers from a JSON list (fields: docs/transport.md); all or nothing.
    AddProviders { file: PathBuf },
    /// The vehicle a request's patient needs and the providers that can take the trip (the request
    /// by reference number, id or the hospital's record id).
    Propose { request: String },
    /// Book a trip from a JSON object (BookingInput; `-` reads standard input).
    Book {
        file: PathBuf,
        /// Book despite the warnings (an unlisted area, no escort, …); refusals still refuse.
        #[arg(long)]
        accept_warnings: bool,
    },
    /// Move a booking: requested → confirmed → done (transfers the request), or cancelled. BOOKING
    /// is a booking id or a request (reference number, id, record id) meaning its current booking.
    Move {
        booking: String,
        #[arg(value_parser = core_term::<BookingStatus>)]
        status: BookingStatus,
        /// The version you read (`requests show --json`): refused if the booking changed since.
        /// Without it, the booking as it is now.
        #[arg(long)]
        version: Option<u32>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Write the A4 transport request sheet (搬送依頼書) of a booking (or a request's current one) as HTML.
    Sheet {
        booking: String,
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(cli: &Cli, command: &TransportCommand) -> Result<(), Failure> {
    match command {
        TransportCommand::Providers => {
            let providers = open(cli, None)?.transport_providers()?;
            if cli.json {
                return print_json(&providers);
            }
            for p in &providers {
                let vehicles: Vec<&str> = p.vehicle_types.iter().map(|v| v.label_ja()).collect();
                say!(
                    "{}{}\t{}\t{}\t酸素{}\t公費{}\t{}",
                    p.name,
                    if p.active { "" } else { "（休止）" },
                    p.phone,
                    vehicles.join("・"),
                    if p.oxygen { "あり" } else { "なし" },
                    if p.public_funds { "可" } else { "不可" },
                    p.area_names.join("、")
                );
            }
            Ok(())
        }
        TransportCommand::AddProviders { file } => {
            let list: Vec<TransportProviderInput> = read_list(&read_input(file)?)?;
            let mut desk = open(cli, None)?;
            let mut added = Vec::new();
            for provider in &list {
                added.push(desk.add_transport_provider(provider)?);
            }
            if cli.json {
                print_json(&added)
            } else {
                say!("搬送事業者を {} 件追加しました", added.len());
                Ok(())
            }
        }
        TransportCommand::Propose { request } => {
            let desk = open(cli, None)?;
            let proposal = desk.transport_proposal(&desk.resolve_request(request)?)?;
            if cli.json {
                return print_json(&proposal);
            }
            say!("必要な車両: {}  出発地: {}", proposal.vehicle_type.label_ja(), proposal.origin_name);
            for fit in &proposal.providers {
                let mark = if fit.suitable { "○" } else { "×" };
                let area = if fit.serves_origin { "" } else { "（対応地域外）" };
                say!("  {mark} {}{area}  {}", fit.provider.name, fit.provider.phone);
            }
            Ok(())
        }
        TransportCommand::Book { file, accept_warnings } => {
            let mut input: BookingInput = serde_json::from_str(&read_input(file)?)
                .map_err(|e| Failure::Usage(format!("搬送手配のJSONとして読めません: {e}")))?;
            input.accept_warnings |= accept_warnings;
            let mut desk = open(cli, None)?;
            input.request_id = desk.resolve_request(&input.request_id)?;
            let detail = desk.book_transport(&input)?;
            if cli.json {
                print_json(&detail)
            } else {
                say!("{} の搬送を手配しました（{}）", detail.summary.ref_no, detail.summary.status.label_ja());
                Ok(())
            }
        }
        TransportCommand::Move { booking, status, version, note } => {
            let mut desk = open(cli, None)?;
            let found = desk.resolve_booking(booking)?;
            let detail = desk.move_booking(&found.id, version.unwrap_or(found.version), *status, note)?;
            if cli.json {
                print_json(&detail)
            } else {
                say!("搬送手配を「{}」にしました（依頼は{}）", status.label_ja(), detail.summary.status.label_ja());
                Ok(())
            }
        }
        TransportCommand::Sheet { booking, out } => {
            let desk = open(cli, None)?;
            let html = desk.transport_sheet_html(&desk.resolve_booking(booking)?.id)?;
            crate::output::write_file(out, html.as_bytes(), cli.force)?;
            say!("{}", out.display());
            Ok(())
        }
    }
}
