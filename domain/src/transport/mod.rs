//! Transport arrangement (搬送調整): from a confirmed placement to a booked vehicle.
//!
//! - `provider` — the providers directory (民間救急, 福祉タクシー, taxi associations): vehicles, oxygen,
//!   escort, areas served, hours, contacts, public funds.
//! - `proposal` — the vehicle the patient's needs call for, and which providers can take the trip and why.
//! - `booking` — a booked trip with its status history and the checks that keep it safe.
//!
//! The one-page A4 transport request (搬送依頼書) for the provider is a report: `reports/transport_sheet.rs`.
//!
//! The rules are written out for people in `docs/transport.md`.

pub mod booking;
pub mod hours;
pub mod proposal;
pub mod provider;

pub use booking::{BookingInput, BookingStatus, TransportBooking};
pub use proposal::{ProviderFit, TransportProposal, needed_vehicle};
pub use provider::{TransportProvider, TransportProviderInput, VehicleType};
