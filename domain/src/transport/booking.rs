//! A booked trip (搬送手配): the input, the checks that keep it safe, its statuses and history.
//!
//! Refused (unsafe or impossible): no placement yet, the request not placed, pickup before the
//! placement was confirmed, oxygen needed and none on board, a vehicle too small for the patient, a
//! vehicle type the provider does not have, an inactive provider. Warned (saved once confirmed): a
//! provider that does not list the origin's area, public funds for a provider whose trips cannot be
//! paid from them, an escort the provider cannot send, a pickup time already past.

use crate::error::Detail;
use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};

use super::proposal::{needed_vehicle, serves};
use super::provider::{TransportProvider, VehicleType};
use crate::care::CareNeeds;
use crate::error::{FieldProblem, Problem, Problems, Result};
use crate::inquiry::parse_local_time;
use crate::request::Placement;
use crate::request_status::RequestStatus;
use crate::text::{char_len, fold_width, strip_controls};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    /// Asked of the provider.
    Requested,
    /// The provider confirmed vehicle and time.
    Confirmed,
    /// The trip took place: the request is transferred.
    Done,
    Cancelled,
}

impl BookingStatus {
    pub const ALL: [BookingStatus; 4] =
        [BookingStatus::Requested, BookingStatus::Confirmed, BookingStatus::Done, BookingStatus::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Requested => "requested",
            BookingStatus::Confirmed => "confirmed",
            BookingStatus::Done => "done",
            BookingStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(name: &str) -> Option<BookingStatus> {
        BookingStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            BookingStatus::Requested => "依頼済",
            BookingStatus::Confirmed => "確定",
            BookingStatus::Done => "搬送完了",
            BookingStatus::Cancelled => "取消",
        }
    }

    pub fn next(self) -> &'static [BookingStatus] {
        use BookingStatus::*;
        match self {
            Requested => &[Confirmed, Cancelled],
            Confirmed => &[Done, Cancelled],
            Done | Cancelled => &[],
        }
    }

    /// Still going to happen.
    pub fn is_active(self) -> bool {
        matches!(self, BookingStatus::Requested | BookingStatus::Confirmed)
    }
}

/// A booking as typed. Times and numbers arrive as text, so the core decides what they mean.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default, deny_unknown_fields)]
pub struct BookingInput {
    pub request_id: String,
    pub provider_id: String,
    pub vehicle_type: Option<VehicleType>,
    /// `YYYY-MM-DDTHH:MM` in the desk's time zone, or RFC 3339.
    pub pickup_at: String,
    /// The referring hospital's ward and whom the crew meets there.
    pub from_ward: String,
    pub from_contact: String,
    /// The receiving hospital's ward and whom the crew hands over to.
    pub to_ward: String,
    pub to_contact: String,
    /// L/min on the way; empty when none.
    pub oxygen_l_per_min: String,
    /// Who travels with the patient (e.g. 「看護師同乗」); empty when nobody.
    pub escort: String,
    pub public_funds: bool,
    /// Yen, when known.
    pub cost_yen: String,
    pub note: String,
    /// The user saw the warnings and books anyway.
    pub accept_warnings: bool,
}

/// A booking after its own checks, before the checks against the request and provider.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckedBooking {
    pub request_id: String,
    pub provider_id: String,
    pub vehicle_type: VehicleType,
    pub pickup_at: DateTime<Utc>,
    pub from_ward: String,
    pub from_contact: String,
    pub to_ward: String,
    pub to_contact: String,
    pub oxygen_l_per_min: Option<f64>,
    pub escort: String,
    pub public_funds: bool,
    pub cost_yen: Option<u32>,
    pub note: String,
    /// The warnings the user confirmed, kept with the booking.
    pub warnings: Vec<String>,
}

pub const TEXT_MAX: usize = 100;
pub const NOTE_MAX: usize = 1000;
pub const COST_MAX: u32 = 10_000_000;

impl BookingInput {
    pub fn checked(&self, offset: FixedOffset) -> Result<CheckedBooking> {
        let mut problems = Problems::default();
        if self.request_id.trim().is_empty() {
            problems.add("request_id", Problem::Required);
        }
        if self.provider_id.trim().is_empty() {
            problems.add("provider_id", Problem::Required);
        }
        if self.vehicle_type.is_none() {
            problems.add("vehicle_type", Problem::Required);
        }
        let pickup_at = match parse_local_time(&self.pickup_at, offset) {
            Ok(Some(at)) => Some(at),
            Ok(None) => {
                problems.add("pickup_at", Problem::Required);
                None
            }
            Err(_) => {
                problems.add("pickup_at", Problem::Invalid);
                None
            }
        };
        let text = |field: &str, raw: &str, max: usize, problems: &mut Problems| {
            let value = strip_controls(&fold_width(raw));
            if char_len(&value) > max {
                problems.add(field, Problem::TooLong { max: max as u32 });
            }
            value
        };
        let from_ward = text("from_ward", &self.from_ward, TEXT_MAX, &mut problems);
        let from_contact = text("from_contact", &self.from_contact, TEXT_MAX, &mut problems);
        let to_ward = text("to_ward", &self.to_ward, TEXT_MAX, &mut problems);
        let to_contact = text("to_contact", &self.to_contact, TEXT_MAX, &mut problems);
        let escort = text("escort", &self.escort, TEXT_MAX, &mut problems);
        let note = strip_controls(self.note.trim());
        if char_len(&note) > NOTE_MAX {
            problems.add("note", Problem::TooLong { max: NOTE_MAX as u32 });
        }
        let oxygen =
            crate::care::CareNeedsInput { oxygen_l_per_min: self.oxygen_l_per_min.clone(), ..Default::default() }
                .checked(&mut problems)
                .oxygen_l_per_min;
        let cost = fold_width(&self.cost_yen).replace([',', '円'], "");
        let cost_yen = if cost.trim().is_empty() {
            None
        } else {
            match cost.trim().parse::<u32>() {
                Ok(yen) if yen <= COST_MAX => Some(yen),
                _ => {
                    problems.add("cost_yen", Problem::OutOfRange { min: 0, max: COST_MAX as i32 });
                    None
                }
            }
        };
        problems.into_result()?;
        // Both were required above, so a missing one has already been refused.
        let (Some(vehicle_type), Some(pickup_at)) = (self.vehicle_type, pickup_at) else {
            return Err(crate::error::Error::Validation(Vec::new()));
        };
        Ok(CheckedBooking {
            request_id: self.request_id.trim().to_owned(),
            provider_id: self.provider_id.trim().to_owned(),
            vehicle_type,
            pickup_at,
            from_ward,
            from_contact,
            to_ward,
            to_contact,
            oxygen_l_per_min: oxygen,
            escort,
            public_funds: self.public_funds,
            cost_yen,
            note,
            warnings: Vec::new(),
        })
    }
}

/// What the checks against the request and the provider need.
pub struct BookingContext<'a> {
    pub status: RequestStatus,
    pub placement: Option<&'a Placement>,
    pub care: &'a CareNeeds,
    pub provider: &'a TransportProvider,
    /// The codes and ids that count as the origin's area (municipality, its parent, its region).
    pub origin: &'a [String],
    pub now: DateTime<Utc>,
    /// The desk's time zone: a provider's hours are local times.
    pub offset: FixedOffset,
}

/// The refusals and the warnings of a booking, each naming its field with a Japanese sentence.
pub fn review(booking: &CheckedBooking, ctx: &BookingContext<'_>) -> (Vec<FieldProblem>, Vec<FieldProblem>) {
    let mut refusals = Problems::default();
    let mut warnings = Problems::default();
    match ctx.placement {
        None => refusals.add_detail("request_id", Problem::NotAllowed, Detail::BookingWithoutPlacement),
        Some(placement) => {
            if !matches!(ctx.status, RequestStatus::Placed | RequestStatus::ArrangingTransport) {
                let status = ctx.status;
                refusals.add_detail("request_id", Problem::NotAllowed, Detail::BookingInState { status });
            }
            if crate::timestamps::parse_rfc3339(&placement.accepted_at).is_ok_and(|placed| booking.pickup_at < placed) {
                refusals.add_detail("pickup_at", Problem::NotAllowed, Detail::PickupBeforePlacement);
            }
        }
    }
    let provider = ctx.provider;
    if !provider.active {
        refusals.add_detail("provider_id", Problem::NotAllowed, Detail::ProviderInactive);
    }
    let (needed, _) = needed_vehicle(ctx.care);
    if !booking.vehicle_type.carries(needed) {
        let (needed, chosen) = (needed.label_ja().to_owned(), booking.vehicle_type.label_ja().to_owned());
        refusals.add_detail("vehicle_type", Problem::Unsafe, Detail::VehicleTooSmall { needed, chosen });
    }
    if !provider.vehicle_types.contains(&booking.vehicle_type) {
        let (provider, vehicle) = (provider.name.clone(), booking.vehicle_type.label_ja().to_owned());
        refusals.add_detail("vehicle_type", Problem::NotAllowed, Detail::ProviderLacksVehicle { provider, vehicle });
    }
    let oxygen_needed = ctx.care.oxygen_flow().is_some() || booking.oxygen_l_per_min.is_some();
    if oxygen_needed && !provider.oxygen {
        let provider = provider.name.clone();
        refusals.add_detail("provider_id", Problem::Unsafe, Detail::ProviderWithoutOxygen { provider });
    }
    if let (Some(needed), None) = (ctx.care.oxygen_flow(), booking.oxygen_l_per_min) {
        let flow = needed.to_string();
        refusals.add_detail("oxygen_l_per_min", Problem::Unsafe, Detail::OxygenOnBoardRequired { flow });
    }
    if !serves(provider, ctx.origin) {
        let provider = provider.name.clone();
        warnings.add_detail("provider_id", Problem::Warning, Detail::OutsideProviderArea { provider });
    }
    let local_pickup = booking.pickup_at.with_timezone(&ctx.offset).naive_local();
    if super::hours::read(&provider.hours).excludes(local_pickup) {
        let (provider, hours) = (provider.name.clone(), provider.hours.clone());
        warnings.add_detail("pickup_at", Problem::Warning, Detail::OutsideProviderHours { provider, hours });
    }
    if booking.public_funds && !provider.public_funds {
        let provider = provider.name.clone();
        warnings.add_detail("public_funds", Problem::Warning, Detail::NotPubliclyFunded { provider });
    }
    if !booking.escort.is_empty() && !provider.escort {
        let provider = provider.name.clone();
        warnings.add_detail("escort", Problem::Warning, Detail::NoEscort { provider });
    }
    if ctx.care.oxygen_l_per_min.is_none() && booking.oxygen_l_per_min.is_none() {
        warnings.add_detail("oxygen_l_per_min", Problem::Warning, Detail::OxygenNotStated);
    }
    if booking.pickup_at < ctx.now {
        warnings.add_detail("pickup_at", Problem::Warning, Detail::PickupInPast);
    }
    let list = |p: Problems| match p.into_result() {
        Err(crate::error::Error::Validation(list)) => list,
        _ => Vec::new(),
    };
    (list(refusals), list(warnings))
}

/// One end of the trip, with what the crew needs there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TripEnd {
    pub hospital_id: String,
    pub hospital_name: String,
    pub address: String,
    /// The hospital's first coordination contact's phone.
    pub phone: String,
    pub ward: String,
    pub contact: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BookingChange {
    pub from: Option<BookingStatus>,
    pub to: BookingStatus,
    pub at: String,
    pub user_name: String,
    pub note: String,
}

/// A stored booking, as the request page, the queue and the sheet show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TransportBooking {
    pub id: String,
    pub request_id: String,
    pub provider_id: String,
    pub provider_name: String,
    pub provider_phone: String,
    pub vehicle_type: VehicleType,
    /// RFC 3339, UTC.
    pub pickup_at: String,
    pub from: TripEnd,
    pub to: TripEnd,
    pub oxygen_l_per_min: Option<f64>,
    pub escort: String,
    pub public_funds: bool,
    pub cost_yen: Option<u32>,
    pub status: BookingStatus,
    pub next_statuses: Vec<BookingStatus>,
    pub note: String,
    /// Warnings the user confirmed when booking.
    pub warnings: Vec<String>,
    pub history: Vec<BookingChange>,
    pub created_by_name: String,
    pub created_at: String,
    pub version: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::care::Adl;

    fn tokyo() -> FixedOffset {
        FixedOffset::east_opt(9 * 3600).expect("offset")
    }

    fn booking(vehicle: VehicleType, pickup: &str, oxygen: &str) -> CheckedBooking {
        BookingInput {
            request_id: "r".into(),
            provider_id: "p".into(),
            vehicle_type: Some(vehicle),
            pickup_at: pickup.into(),
            oxygen_l_per_min: oxygen.into(),
            ..Default::default()
        }
        .checked(tokyo())
        .expect("valid")
    }

    fn fields(list: &[FieldProblem]) -> Vec<(&str, &Problem)> {
        list.iter().map(|p| (p.field.as_str(), &p.problem)).collect()
    }

    #[test]
    fn unsafe_and_impossible_bookings_are_refused_and_doubtful_ones_warned() {
        let placement = Placement {
            inquiry_id: "i".into(),
            hospital_id: "h".into(),
            hospital_name: "受入病院".into(),
            accepted_at: "2026-11-21T03:00:00.000Z".into(),
        };
        let care = CareNeeds { adl: Adl::FullAssist, oxygen_l_per_min: Some(2.0), ..Default::default() };
        let taxi = TransportProvider {
            name: "タクシー".into(),
            vehicle_types: vec![VehicleType::Seated],
            active: true,
            areas: vec!["far".into()],
            ..Default::default()
        };
        let ctx = BookingContext {
            status: RequestStatus::Placed,
            placement: Some(&placement),
            care: &care,
            provider: &taxi,
            origin: &["here".to_owned()],
            now: "2026-11-21T04:00:00Z".parse().expect("now"),
            offset: tokyo(),
        };
        // 11:00 JST = 02:00 UTC, an hour before the placement.
        let (refused, warned) = review(&booking(VehicleType::Seated, "2026-11-21T11:00", ""), &ctx);
        assert_eq!(
            fields(&refused),
            [
                ("pickup_at", &Problem::NotAllowed),
                ("vehicle_type", &Problem::Unsafe),
                ("provider_id", &Problem::Unsafe),
                ("oxygen_l_per_min", &Problem::Unsafe),
            ]
        );
        assert!(refused[1].message.contains("ストレッチャー"), "{}", refused[1].message);
        assert_eq!(fields(&warned), [("provider_id", &Problem::Warning), ("pickup_at", &Problem::Warning)]);
    }

    #[test]
    fn a_pickup_outside_the_providers_hours_is_warned_about() {
        let placement = Placement {
            inquiry_id: "i".into(),
            hospital_id: "h".into(),
            hospital_name: "受入病院".into(),
            accepted_at: "2026-11-21T00:00:00.000Z".into(),
        };
        let care = CareNeeds { adl: Adl::Independent, oxygen_l_per_min: Some(0.0), ..Default::default() };
        let taxi = TransportProvider {
            name: "福祉タクシー".into(),
            vehicle_types: vec![VehicleType::Seated],
            active: true,
            areas: vec!["here".into()],
            hours: "7:00〜21:00".into(),
            ..Default::default()
        };
        let ctx = BookingContext {
            status: RequestStatus::Placed,
            placement: Some(&placement),
            care: &care,
            provider: &taxi,
            origin: &["here".to_owned()],
            now: "2026-11-21T00:30:00Z".parse().expect("now"),
            offset: tokyo(),
        };
        let (refused, warned) = review(&booking(VehicleType::Seated, "2026-11-21T22:00", ""), &ctx);
        assert!(refused.is_empty(), "{refused:?}");
        assert_eq!(fields(&warned), [("pickup_at", &Problem::Warning)]);
        assert!(warned[0].message.contains("営業時間（7:00〜21:00）の外"), "{}", warned[0].message);
        let (_, in_hours) = review(&booking(VehicleType::Seated, "2026-11-21T20:00", ""), &ctx);
        assert!(in_hours.is_empty(), "20:00 local is within the hours: {in_hours:?}");
    }

    #[test]
    fn booking_input_is_read_tolerantly_and_refused_by_field() {
        let ok = BookingInput {
            request_id: "r".into(),
            provider_id: "p".into(),
            vehicle_type: Some(VehicleType::Stretcher),
            pickup_at: "２０２６-１１-２２T０９:３０".into(),
            oxygen_l_per_min: "２".into(),
            cost_yen: "１２,０００円".into(),
            ..Default::default()
        }
        .checked(tokyo())
        .expect("valid");
        assert_eq!(ok.pickup_at.to_rfc3339(), "2026-11-22T00:30:00+00:00");
        assert_eq!((ok.oxygen_l_per_min, ok.cost_yen), (Some(2.0), Some(12_000)));
        let Err(crate::error::Error::Validation(found)) =
            BookingInput { pickup_at: "明日".into(), cost_yen: "-5".into(), ..Default::default() }.checked(tokyo())
        else {
            panic!("accepted")
        };
        let names: Vec<_> = found.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(names, ["request_id", "provider_id", "vehicle_type", "pickup_at", "cost_yen"]);
    }

    #[test]
    fn statuses_move_forward_only() {
        assert_eq!(BookingStatus::Requested.next(), [BookingStatus::Confirmed, BookingStatus::Cancelled]);
        assert!(BookingStatus::Done.next().is_empty() && BookingStatus::Cancelled.next().is_empty());
    }
}
