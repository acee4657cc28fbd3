//! Which vehicle the patient's needs call for, and which providers can take the trip, with why.
//!
//! Bedridden (full assistance) or on oxygen → a stretcher vehicle, with oxygen on board when needed;
//! partly dependent → a wheelchair vehicle; independent → a seated vehicle. An escort is suggested for
//! oxygen, a tracheostomy, frequent suctioning, dementia with BPSD or psychiatric care. An unknown ADL
//! is read as needing a stretcher (the safe side) and said so; oxygen not stated is said too, and a
//! booking then asks for confirmation.

use serde::Serialize;

use super::provider::{TransportProvider, VehicleType};
use crate::care::{Adl, CareNeeds, Suctioning};

/// Why the proposal is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProposalReason {
    Bedridden,
    Oxygen {
        l_per_min: f64,
    },
    PartialAssist,
    Independent,
    /// ADL not recorded: the stretcher is proposed to be safe.
    AdlUnknown,
    /// Whether the patient needs oxygen was never stated: ask before booking.
    OxygenNotStated,
    /// An escort is suggested because of this need.
    EscortFor {
        need: EscortNeed,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum EscortNeed {
    Oxygen,
    Tracheostomy,
    FrequentSuctioning,
    DementiaBpsd,
    Psychiatric,
}

/// How one provider fits the trip.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ProviderFit {
    pub provider: TransportProvider,
    /// Has a vehicle that carries the patient.
    pub carries: bool,
    /// Has oxygen on board, or none is needed.
    pub oxygen: bool,
    /// Lists the referring hospital's municipality or region among its areas.
    pub serves_origin: bool,
    /// Can send an escort, or none is suggested.
    pub escort: bool,
    /// Safe to book: carries the patient and has oxygen when needed.
    pub suitable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TransportProposal {
    pub vehicle_type: VehicleType,
    pub oxygen_l_per_min: Option<f64>,
    pub escort_suggested: bool,
    pub reasons: Vec<ProposalReason>,
    /// Where the trip starts: the referring hospital's municipality.
    pub origin_name: String,
    /// Active providers, the suitable ones serving the origin first.
    pub providers: Vec<ProviderFit>,
}

/// The vehicle the patient's needs call for, and why.
pub fn needed_vehicle(care: &CareNeeds) -> (VehicleType, Vec<ProposalReason>) {
    let mut reasons = Vec::new();
    let by_adl = match care.adl {
        Adl::FullAssist => {
            reasons.push(ProposalReason::Bedridden);
            VehicleType::Stretcher
        }
        Adl::PartialAssist => {
            reasons.push(ProposalReason::PartialAssist);
            VehicleType::Wheelchair
        }
        Adl::Independent => {
            reasons.push(ProposalReason::Independent);
            VehicleType::Seated
        }
        Adl::Unknown => {
            reasons.push(ProposalReason::AdlUnknown);
            VehicleType::Stretcher
        }
    };
    let vehicle = match care.oxygen_l_per_min {
        Some(flow) if flow > 0.0 => {
            reasons.push(ProposalReason::Oxygen { l_per_min: flow });
            VehicleType::Stretcher
        }
        Some(_) => by_adl,
        None => {
            reasons.push(ProposalReason::OxygenNotStated);
            by_adl
        }
    };
    (vehicle, reasons)
}

/// The needs an escort is suggested for.
pub fn escort_needs(care: &CareNeeds) -> Vec<EscortNeed> {
    [
        (care.oxygen_flow().is_some(), EscortNeed::Oxygen),
        (care.tracheostomy == Some(true), EscortNeed::Tracheostomy),
        (care.suctioning == Some(Suctioning::Frequent), EscortNeed::FrequentSuctioning),
        (care.dementia_bpsd == Some(true), EscortNeed::DementiaBpsd),
        (care.psychiatric == Some(true), EscortNeed::Psychiatric),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, need)| need)
    .collect()
}

/// Does `provider` list one of `origin` (the municipality code, its parent's code, its region id)?
pub fn serves(provider: &TransportProvider, origin: &[String]) -> bool {
    provider.areas.iter().any(|a| origin.contains(a))
}

/// The proposal for a patient with `care` leaving from `origin`, over `providers`.
pub fn propose(
    care: &CareNeeds,
    origin: &[String],
    origin_name: &str,
    providers: Vec<TransportProvider>,
) -> TransportProposal {
    let (vehicle_type, mut reasons) = needed_vehicle(care);
    let escorts = escort_needs(care);
    reasons.extend(escorts.iter().map(|need| ProposalReason::EscortFor { need: *need }));
    let oxygen_needed = care.oxygen_flow().is_some();
    let mut fits: Vec<ProviderFit> = providers
        .into_iter()
        .filter(|p| p.active)
        .map(|p| {
            let carries = p.vehicle_types.iter().any(|v| v.carries(vehicle_type));
            let oxygen = !oxygen_needed || p.oxygen;
            ProviderFit {
                carries,
                oxygen,
                serves_origin: serves(&p, origin),
                escort: escorts.is_empty() || p.escort,
                suitable: carries && oxygen,
                provider: p,
            }
        })
        .collect();
    fits.sort_by_key(|f| (!f.suitable, !f.serves_origin, !f.escort, !f.provider.public_funds, f.provider.kana.clone()));
    TransportProposal {
        vehicle_type,
        oxygen_l_per_min: care.oxygen_flow(),
        escort_suggested: !escorts.is_empty(),
        reasons,
        origin_name: origin_name.to_owned(),
        providers: fits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(name: &str, vehicles: &[VehicleType], oxygen: bool, areas: &[&str]) -> TransportProvider {
        TransportProvider {
            name: name.into(),
            kana: name.into(),
            vehicle_types: vehicles.to_vec(),
            oxygen,
            areas: areas.iter().map(|a| (*a).to_owned()).collect(),
            active: true,
            ..Default::default()
        }
    }

    #[test]
    fn the_vehicle_follows_the_needs() {
        let bedridden = CareNeeds { adl: Adl::FullAssist, ..Default::default() };
        assert_eq!(needed_vehicle(&bedridden).0, VehicleType::Stretcher);
        let on_oxygen = CareNeeds { adl: Adl::Independent, oxygen_l_per_min: Some(2.0), ..Default::default() };
        assert_eq!(
            needed_vehicle(&on_oxygen),
            (VehicleType::Stretcher, vec![ProposalReason::Independent, ProposalReason::Oxygen { l_per_min: 2.0 }])
        );
        let wheelchair = CareNeeds { adl: Adl::PartialAssist, ..Default::default() };
        assert_eq!(needed_vehicle(&wheelchair).0, VehicleType::Wheelchair);
        let walking = CareNeeds { adl: Adl::Independent, ..Default::default() };
        assert_eq!(needed_vehicle(&walking).0, VehicleType::Seated);
        assert_eq!(needed_vehicle(&CareNeeds::default()).0, VehicleType::Stretcher, "unknown ADL: the safe side");
    }

    #[test]
    fn suitable_providers_serving_the_origin_come_first() {
        let care = CareNeeds { adl: Adl::FullAssist, oxygen_l_per_min: Some(1.0), ..Default::default() };
        let proposal = propose(
            &care,
            &["p8-yokohama".to_owned()],
            "横浜市",
            vec![
                provider("taxi", &[VehicleType::Seated], false, &["p8-yokohama"]),
                provider("far", &[VehicleType::Stretcher], true, &["p8-kensei"]),
                provider("near", &[VehicleType::Stretcher, VehicleType::Wheelchair], true, &["p8-yokohama"]),
                provider("no oxygen", &[VehicleType::Stretcher], false, &["p8-yokohama"]),
            ],
        );
        let order: Vec<(&str, bool)> =
            proposal.providers.iter().map(|f| (f.provider.name.as_str(), f.suitable)).collect();
        assert_eq!(order, [("near", true), ("far", true), ("no oxygen", false), ("taxi", false)]);
        assert!(proposal.escort_suggested, "oxygen on the way: an escort is suggested");
    }
}
