// A hospital's acceptance requirements and own rules as short phrases, and contact helpers.
import type { AcceptanceRequirements, BeyondCriteria, Capability, ContactInput, NewHospital } from './bindings';
import { t, tDynamic } from './i18n.svelte';

export const CAPABILITIES: Capability[] = [
  'oxygen',
  'dialysis_hd',
  'dialysis_pd',
  'tube_feeding_ng',
  'tube_feeding_peg',
  'tracheostomy',
  'frequent_suctioning',
  'central_line',
  'dementia_bpsd',
  'psychiatric',
  'isolation_mrsa',
  'full_assist',
  'bariatric',
];

/** What the hospital accepts beyond ordinary care, in the vocabulary of the intake form. */
export function requirementPhrases(r: AcceptanceRequirements): string[] {
  const phrases: string[] = [];
  if (typeof r.oxygen_max_l_per_min === 'number') {
    phrases.push(t('requirements.oxygenUpTo', { flow: r.oxygen_max_l_per_min }));
  }
  const flags: [boolean | undefined, string][] = [
    [r.dialysis_hd, 'care.values.dialysis.hd'],
    [r.dialysis_pd, 'care.values.dialysis.pd'],
    [r.tube_feeding_ng, 'care.values.tube_feeding.ng'],
    [r.tube_feeding_peg, 'care.values.tube_feeding.peg'],
    [r.tracheostomy, 'care.tracheostomy'],
    [r.dementia_bpsd, 'care.dementiaBpsd'],
    [r.psychiatric, 'care.psychiatric'],
    [r.isolation_mrsa, 'care.values.isolation.mrsa'],
    [r.isolation_other, 'care.values.isolation.other'],
    [r.bariatric, 'care.bariatric'],
  ];
  for (const [on, key] of flags) if (on) phrases.push(tDynamic(key));
  if (r.suctioning && r.suctioning !== 'none') {
    phrases.push(`${t('care.suctioning')}: ${tDynamic(`care.values.suctioning.${r.suctioning}`)}`);
  }
  if (r.iv_line && r.iv_line !== 'none') {
    phrases.push(`${t('care.ivLine')}: ${tDynamic(`care.values.iv_line.${r.iv_line}`)}`);
  }
  if (r.adl_full_assist === false) phrases.push(t('requirements.notFullAssist'));
  const min = r.age_min ?? null;
  const max = r.age_max ?? null;
  if (min !== null && max !== null) phrases.push(t('requirements.ageRange', { min, max }));
  else if (min !== null) phrases.push(t('requirements.ageFrom', { min }));
  else if (max !== null) phrases.push(t('requirements.ageTo', { max }));
  return phrases;
}

export function beyondCriteriaPhrase(b: BeyondCriteria): string {
  const { kind, ...values } = b;
  return tDynamic(`requirements.beyondKinds.${kind}`, values as Record<string, number>);
}

/** A hospital form with every part present, as the form edits it. */
export type HospitalDraft = NewHospital & { contacts: ContactInput[]; requirements: AcceptanceRequirements };

/** A stored hospital as the form edits it: parts the file or an older record left out filled in. */
export function draftOf(stored: NewHospital): HospitalDraft {
  return {
    ...stored,
    contacts: stored.contacts ?? [],
    requirements: { ...emptyHospital().requirements, ...stored.requirements },
  };
}

/** A blank hospital form: active, taking any ADL, nothing special. */
export function emptyHospital(): HospitalDraft {
  return {
    code: '',
    name: '',
    name_kana: '',
    short_name: '',
    municipality_code: '',
    address: '',
    latitude: null,
    longitude: null,
    is_referring: false,
    is_receiving: true,
    is_priority: false,
    is_cooperating: false,
    active: true,
    contacts: [],
    requirements: {
      oxygen_max_l_per_min: null,
      dialysis_hd: false,
      dialysis_pd: false,
      tube_feeding_ng: false,
      tube_feeding_peg: false,
      tracheostomy: false,
      suctioning: 'none',
      iv_line: 'none',
      dementia_bpsd: false,
      psychiatric: false,
      isolation_mrsa: false,
      isolation_other: false,
      adl_independent: true,
      adl_partial_assist: true,
      adl_full_assist: true,
      age_min: null,
      age_max: null,
      bariatric: false,
      covid_min_days_since_onset: null,
      covid_min_days_since_criteria_met: null,
      covid_negative_tests_required: 0,
      notes: '',
    },
  };
}
