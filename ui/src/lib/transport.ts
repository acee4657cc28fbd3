// Transport phrases and the booking form's starting values.
import type {
  BookingInput,
  ProposalReason,
  ProviderFit,
  RequestDetail,
  TransportProposal,
  VehicleType,
} from './bindings';
import { t, tDynamic } from './i18n.svelte';

export function vehicleLabel(vehicle: VehicleType): string {
  return tDynamic(`transport.vehicle.${vehicle}`);
}

export function reasonPhrase(reason: ProposalReason): string {
  switch (reason.kind) {
    case 'oxygen':
      return t('transport.reasons.oxygen', { flow: reason.l_per_min ?? '' });
    case 'escort_for':
      return t('transport.reasons.escort_for', { need: tDynamic(`transport.escortNeeds.${reason.need}`) });
    default:
      return tDynamic(`transport.reasons.${reason.kind}`);
  }
}

/** A booking form for `fit`, filled in from the proposal and the request. */
export function draftBooking(detail: RequestDetail, proposal: TransportProposal, fit: ProviderFit): BookingInput {
  const p = fit.provider;
  // The vehicle the patient needs if the provider has it, else its largest (the core refuses a too-small one).
  const vehicle = p.vehicle_types.includes(proposal.vehicle_type)
    ? proposal.vehicle_type
    : (p.vehicle_types[0] ?? null);
  return {
    request_id: detail.summary.id,
    provider_id: p.id,
    vehicle_type: vehicle,
    pickup_at: '',
    from_ward: detail.referrer_ward,
    from_contact: detail.referrer_person,
    to_ward: '',
    to_contact: '',
    oxygen_l_per_min: proposal.oxygen_l_per_min === null ? '' : String(proposal.oxygen_l_per_min),
    escort: proposal.escort_suggested && p.escort ? t('transport.escortDefault') : '',
    public_funds: p.public_funds,
    cost_yen: '',
    note: '',
    accept_warnings: false,
  };
}
