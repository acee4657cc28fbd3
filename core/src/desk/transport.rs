//! The transport part of [`Desk`]: the providers directory, the proposal, bookings (whose moves
//! carry the request along: 受入決定 → 搬送調整中 → 転院済) and the transport request sheet.

use chrono::Utc;

use super::Desk;
use tenin_domain::access::Permission;
use tenin_domain::error::{Error, Result};
use tenin_domain::reports::transport_sheet as sheet;
use tenin_domain::request_status::RequestStatus;
use tenin_domain::request_view::RequestDetail;
use tenin_domain::transport::booking::{BookingContext, review};
use tenin_domain::transport::proposal::{self, TransportProposal};
use tenin_domain::transport::{
    BookingInput, BookingStatus, TransportBooking, TransportProvider, TransportProviderInput,
};
use tenin_store::{reference, requests, transport_bookings, transport_providers};

impl Desk {
    /// Every provider, inactive ones too, in reading order.
    pub fn transport_providers(&self) -> Result<Vec<TransportProvider>> {
        self.allow(Permission::Read)?;
        Ok(transport_providers::list(self.store.read())?)
    }

    /// The region pack's transport modes (民間救急, 福祉タクシー, …), in its order.
    pub fn transport_modes(&self) -> Result<Vec<tenin_domain::reference::Term>> {
        self.allow(Permission::Read)?;
        Ok(reference::terms(self.store.read(), "transport_mode")?)
    }

    pub fn transport_provider(&self, id: &str) -> Result<TransportProvider> {
        self.allow(Permission::Read)?;
        Ok(transport_providers::get(self.store.read(), id)?)
    }

    fn checked_provider(&self, input: &TransportProviderInput) -> Result<TransportProviderInput> {
        let conn = self.store.read();
        // A lookup that fails counts as unknown; the write below would surface a broken database.
        input.checked(
            |mode| reference::term_exists(conn, "transport_mode", mode).unwrap_or(false),
            |area| reference::place_name(conn, area).ok().flatten().is_some(),
        )
    }

    pub fn add_transport_provider(&mut self, input: &TransportProviderInput) -> Result<TransportProvider> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let checked = self.checked_provider(input)?;
        let id = self.store.write(|tx| transport_providers::insert(tx, &user_id, &checked))?;
        self.transport_provider(&id)
    }

    /// Replaces a provider's record, refused if someone changed it since `expected_version`.
    pub fn update_transport_provider(
        &mut self,
        id: &str,
        expected_version: u32,
        input: &TransportProviderInput,
    ) -> Result<TransportProvider> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        let checked = self.checked_provider(input)?;
        self.store.write(|tx| transport_providers::update(tx, &user_id, id, expected_version, &checked))?;
        self.transport_provider(id)
    }

    /// The places that count as where a request's trip starts: the referring hospital's municipality,
    /// its city and their regions.
    fn origin(&self, detail: &RequestDetail) -> Result<(Vec<String>, String)> {
        let conn = self.store.read();
        let referrer = self.hospital(&detail.summary.referring_hospital_id)?;
        let places = reference::places_of_municipality(conn, &referrer.municipality_code)?;
        Ok((places, referrer.municipality_name))
    }

    /// The vehicle the patient needs and the providers that can take the trip, suitable first.
    pub fn transport_proposal(&self, request_id: &str) -> Result<TransportProposal> {
        self.allow(Permission::Read)?;
        self.require(tenin_domain::edition::Edition::Desk)?;
        let detail = self.request(request_id)?;
        let (origin, origin_name) = self.origin(&detail)?;
        Ok(proposal::propose(&detail.care, &origin, &origin_name, self.transport_providers()?))
    }

    /// Books a trip for a placed request. Unsafe or impossible bookings are refused by field;
    /// doubtful ones need `accept_warnings` (else `NeedsConfirmation` lists the warnings). A placed
    /// request moves to 搬送調整中 in the same transaction.
    pub fn book_transport(&mut self, input: &BookingInput) -> Result<RequestDetail> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let offset = self.offset()?;
        let mut booking = input.checked(offset)?;
        let detail = self.request(&booking.request_id)?;
        let provider = self.transport_provider(&booking.provider_id)?;
        let (origin, _) = self.origin(&detail)?;
        let now = Utc::now();
        let context = BookingContext {
            status: detail.summary.status,
            placement: detail.placement.as_ref(),
            care: &detail.care,
            provider: &provider,
            origin: &origin,
            now,
            offset,
        };
        let (refusals, warnings) = review(&booking, &context);
        if !refusals.is_empty() {
            return Err(Error::Validation(refusals));
        }
        if !warnings.is_empty() && !input.accept_warnings {
            return Err(Error::NeedsConfirmation(warnings));
        }
        booking.warnings = warnings.into_iter().map(|w| w.message).collect();
        let Some(placement) = detail.placement.clone() else {
            return Err(tenin_domain::error::Rule::NoAcceptance.into());
        };
        let request_id = booking.request_id.clone();
        let note = tenin_domain::history_note::transport_booked(&provider.name);
        self.store.write(|tx| -> Result<()> {
            let ends = transport_bookings::Ends {
                from_hospital_id: &detail.summary.referring_hospital_id,
                to_hospital_id: &placement.hospital_id,
            };
            transport_bookings::insert(tx, &user_id, &booking, ends, now)?;
            if detail.summary.status == RequestStatus::Placed {
                let t = requests::Transition {
                    request_id: &request_id,
                    to: RequestStatus::ArrangingTransport,
                    expected_version: None,
                    at: now,
                    note: &note,
                };
                requests::transition(tx, &user_id, &t)?;
            }
            Ok(())
        })?;
        self.request(&request_id)
    }

    /// Moves a booking on. A trip done transfers the request (転院済) in the same transaction.
    pub fn move_booking(
        &mut self,
        booking_id: &str,
        expected_version: u32,
        to: BookingStatus,
        note: &str,
    ) -> Result<RequestDetail> {
        let user_id = self.allow(Permission::Coordinate)?.id.clone();
        self.require(tenin_domain::edition::Edition::Desk)?;
        let now = Utc::now();
        let request_id = self.store.write(|tx| -> Result<String> {
            let moved = transport_bookings::transition(tx, &user_id, booking_id, expected_version, to, note, now)?;
            let status = requests::status_of(tx, &moved.request_id)?;
            if to == BookingStatus::Done && status != RequestStatus::Transferred {
                let t = requests::Transition {
                    request_id: &moved.request_id,
                    to: RequestStatus::Transferred,
                    expected_version: None,
                    at: now,
                    note: &tenin_domain::history_note::transferred_with(&moved.provider_name),
                };
                requests::transition(tx, &user_id, &t)?;
            }
            Ok(moved.request_id)
        })?;
        self.request(&request_id)
    }

    pub fn booking(&self, id: &str) -> Result<TransportBooking> {
        self.allow(Permission::Read)?;
        Ok(transport_bookings::get(self.store.read(), id)?)
    }

    /// The booking `name` points at: a booking id, or a request (named as [`Desk::resolve_request`]
    /// reads it) whose current booking — the last one not cancelled — is meant.
    pub fn resolve_booking(&self, name: &str) -> Result<TransportBooking> {
        self.allow(Permission::Read)?;
        match transport_bookings::get(self.store.read(), name.trim()) {
            Err(tenin_store::StoreError::Domain(Error::NotFound { .. })) => {}
            other => return Ok(other?),
        }
        let request_id = self.resolve_request(name)?;
        let bookings = transport_bookings::for_request(self.store.read(), &request_id)?;
        bookings.into_iter().rev().find(|b| b.status != BookingStatus::Cancelled).ok_or_else(|| Error::NotFound {
            entity: "搬送手配",
            id: format!("「{}」の依頼には搬送手配がありません", name.trim()),
        })
    }

    /// The transport request sheet (搬送依頼書) of a booking, as a printable A4 page.
    pub fn transport_sheet_html(&self, booking_id: &str) -> Result<String> {
        self.allow(Permission::Read)?;
        let booking = self.booking(booking_id)?;
        let detail = self.request(&booking.request_id)?;
        let desk_name = format!("転院調整デスク（{}）", self.region_pack()?.name);
        Ok(sheet::html(&booking, &detail, &desk_name, Utc::now(), self.offset()?))
    }
}
