//! Loading the demo data (`tenin_domain::demo`): fictional hospitals, providers and requests,
//! written through the same checks and store operations as real input.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use tenin_domain::capacity::CapacityReportInput;
use tenin_domain::demo::{DemoBooking, DemoData, DemoRequest, DemoSummary};
use tenin_domain::error::{Error, Problems, Result};
use tenin_domain::hospital::NewHospital;
use tenin_domain::request::NewRequestInput;
use tenin_domain::timestamps::to_rfc3339;
use tenin_store::Db;
use tenin_store::{capacity, hospitals, inquiries, reference, requests, transport_bookings, transport_providers};

/// Writes the demo data through the ordinary checks, inside the caller's transaction.
pub(super) fn load(
    data: &DemoData,
    conn: Db<'_>,
    user_id: &str,
    now: DateTime<Utc>,
    offset: FixedOffset,
) -> Result<DemoSummary> {
    for h in &data.hospitals {
        let hospital = NewHospital {
            code: h.code.clone(),
            name: h.name.clone(),
            name_kana: h.kana.clone(),
            short_name: h.short_name.clone(),
            municipality_code: h.municipality.clone(),
            address: h.address.clone(),
            latitude: h.latitude,
            longitude: h.longitude,
            is_referring: h.referring,
            is_receiving: h.receiving,
            is_priority: h.priority,
            is_cooperating: h.cooperating,
            active: true,
            contacts: h.contacts.clone(),
            requirements: h.requirements.clone(),
        }
        .checked()?;
        let hospital_id = hospitals::insert(conn, user_id, &hospital)?;
        let mut problems = Problems::default();
        let reports: Vec<_> = h
            .capacity
            .iter()
            .map(|c| {
                CapacityReportInput {
                    bed_type: c.bed_type.clone(),
                    available: c.available,
                    baseline: c.baseline,
                    expected_24h: c.expected_24h,
                    expected_72h: c.expected_72h,
                    reported_at: to_rfc3339(now - Duration::minutes(c.reported_minutes_ago)),
                    reported_by: c.reported_by.clone(),
                }
                .checked("capacity", offset, now, &mut problems)
            })
            .collect();
        problems.into_result()?;
        capacity::insert(conn, user_id, &hospital_id, &reports, |_| String::new())?;
    }
    for (i, provider) in data.transport_providers.iter().enumerate() {
        let checked = provider
            .checked(
                |mode| reference::term_exists(conn, "transport_mode", mode).unwrap_or(false),
                |area| reference::place_name(conn, area).ok().flatten().is_some(),
            )
            .map_err(|e| super::indexed(e, i))?;
        transport_providers::insert(conn, user_id, &checked)?;
    }
    // Oldest first, so the reference numbers run in registration order.
    let mut ordered: Vec<&DemoRequest> = data.requests.iter().collect();
    ordered.sort_by_key(|r| std::cmp::Reverse(r.registered_minutes_ago));
    for r in ordered {
        let Some((hospital_id, _)) = hospitals::by_code(conn, &r.referring_hospital)? else {
            return Err(Error::ReferenceData(format!("デモの依頼元 {} が病院一覧にありません", r.referring_hospital)));
        };
        let registered_at = now - Duration::minutes(r.registered_minutes_ago);
        let registered_day = registered_at.with_timezone(&offset).date_naive();
        let day =
            |before: Option<i64>| before.map(|d| (registered_day - Duration::days(d)).to_string()).unwrap_or_default();
        let i = &r.intake;
        let checked = NewRequestInput {
            referring_hospital_id: hospital_id,
            referrer_ward: i.referrer_ward.clone(),
            referrer_person: i.referrer_person.clone(),
            referrer_phone: i.referrer_phone.clone(),
            hospital_patient_no: i.hospital_patient_no.clone(),
            patient_initials: r.patient_initials.clone(),
            patient_age: r.patient_age.to_string(),
            patient_sex: Some(r.patient_sex),
            residence_municipality_code: r.residence.clone(),
            date_era: String::new(),
            onset_date: day(i.onset_days_before),
            positive_test_date: day(i.positive_days_before),
            criteria_met_date: day(i.criteria_met_days_before),
            care: i.care.clone(),
            bed_type_id: i.bed_type.clone(),
            preferred_regions: i.preferred_regions.clone(),
            family_notes: i.family_notes.clone(),
            desired_date: String::new(),
            urgency: r.urgency,
            clinical_summary: r.clinical_summary.clone(),
            consent_given_by: i.consent.clone(),
        }
        .checked()?;
        let id = requests::insert(conn, user_id, &checked, registered_at, offset)?;
        for step in &r.history {
            let at = registered_at + Duration::minutes(step.minutes_after);
            if let Some(code) = &step.accepted_by {
                accept(conn, user_id, &id, code, at - Duration::minutes(5), offset)?;
            }
            let transition = requests::Transition {
                request_id: &id,
                to: step.to,
                expected_version: None,
                at: registered_at + Duration::minutes(step.minutes_after),
                note: &step.note,
            };
            requests::transition(conn, user_id, &transition)?;
        }
        for b in &r.bookings {
            book(conn, user_id, &id, b, registered_at, now, offset)?;
        }
    }
    Ok(DemoSummary {
        hospitals: data.hospitals.len() as u32,
        transport_providers: data.transport_providers.len() as u32,
        requests: data.requests.len() as u32,
    })
}

/// Logs that the hospital with `code` accepted the request.
fn accept(
    conn: Db<'_>,
    user_id: &str,
    request_id: &str,
    code: &str,
    at: DateTime<Utc>,
    offset: FixedOffset,
) -> Result<()> {
    let Some((hospital_id, _)) = hospitals::by_code(conn, code)? else {
        return Err(Error::ReferenceData(format!("デモの受入先 {code} が病院一覧にありません")));
    };
    let inquiry = tenin_domain::inquiry::NewInquiryInput {
        request_id: request_id.to_owned(),
        hospital_id,
        contact: "地域医療連携室".into(),
        channel: tenin_domain::inquiry::InquiryChannel::Phone,
        outcome: tenin_domain::inquiry::InquiryOutcome::Accepted,
        decline_reason: None,
        note: String::new(),
        call_back_at: String::new(),
    }
    .checked(offset)?;
    inquiries::insert(conn, user_id, &inquiry, at)?;
    Ok(())
}

/// Books a demo trip through the booking's own checks, then moves it through its statuses.
fn book(
    conn: Db<'_>,
    user_id: &str,
    request_id: &str,
    b: &DemoBooking,
    registered_at: DateTime<Utc>,
    now: DateTime<Utc>,
    offset: FixedOffset,
) -> Result<()> {
    let pickup = match (b.pickup_minutes_after, b.pickup_minutes_from_now) {
        (Some(after), _) => registered_at + Duration::minutes(after),
        (None, Some(ahead)) => now + Duration::minutes(ahead),
        (None, None) => return Err(Error::ReferenceData("デモの搬送に迎えの時刻がありません".into())),
    };
    let Some(provider_id) = transport_providers::id_by_name(conn, &b.provider)? else {
        return Err(Error::ReferenceData(format!("デモの搬送事業者 {} がありません", b.provider)));
    };
    let checked = tenin_domain::transport::BookingInput {
        request_id: request_id.to_owned(),
        provider_id,
        vehicle_type: Some(b.vehicle_type),
        pickup_at: to_rfc3339(pickup),
        from_ward: b.from_ward.clone(),
        from_contact: b.from_contact.clone(),
        to_ward: b.to_ward.clone(),
        to_contact: b.to_contact.clone(),
        oxygen_l_per_min: b.oxygen_l_per_min.clone(),
        escort: b.escort.clone(),
        public_funds: b.public_funds,
        cost_yen: b.cost_yen.clone(),
        note: String::new(),
        accept_warnings: true,
    }
    .checked(offset)?;
    let Some(placement) = inquiries::placement(conn, request_id)? else {
        return Err(Error::ReferenceData("デモの搬送の依頼に受入先がありません".into()));
    };
    let from = requests::referring_hospital_of(conn, request_id)?;
    let ends = transport_bookings::Ends { from_hospital_id: &from, to_hospital_id: &placement.hospital_id };
    let booked_at = pickup.min(now) - Duration::minutes(120);
    let id = transport_bookings::insert(conn, user_id, &checked, ends, booked_at)?;
    for (n, status) in b.statuses.iter().enumerate() {
        let at = if *status == tenin_domain::transport::BookingStatus::Done {
            pickup + Duration::minutes(60)
        } else {
            booked_at + Duration::minutes(30)
        };
        transport_bookings::transition(conn, user_id, &id, n as u32 + 1, *status, "", at)?;
    }
    Ok(())
}
