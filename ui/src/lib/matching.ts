// The matching engine's answers as phrases in the user's language: exclusion reasons, marks on
// candidates, the figures behind each score part and the batch board's outcomes.
import type { BatchOutcome, CandidateMark, CareItem, CareNeed, ExclusionReason, ScoreBasis } from './bindings';
import { careItemLabel } from './care';
import { formatDate, formatDateTime } from './format';
import { language, t, tDynamic } from './i18n.svelte';

const NEED_KEYS: Record<CareNeed, string> = {
  dialysis_hd: 'care.values.dialysis.hd',
  dialysis_pd: 'care.values.dialysis.pd',
  tube_feeding_ng: 'care.values.tube_feeding.ng',
  tube_feeding_peg: 'care.values.tube_feeding.peg',
  tracheostomy: 'care.tracheostomy',
  occasional_suctioning: 'matching.needs.occasional_suctioning',
  frequent_suctioning: 'matching.needs.frequent_suctioning',
  peripheral_line: 'matching.needs.peripheral_line',
  central_line: 'care.values.iv_line.central',
  dementia_bpsd: 'care.dementiaBpsd',
  psychiatric: 'care.psychiatric',
  isolation_mrsa: 'care.values.isolation.mrsa',
  isolation_other: 'care.values.isolation.other',
  adl_independent: 'matching.needs.adl_independent',
  adl_partial_assist: 'matching.needs.adl_partial_assist',
  adl_full_assist: 'matching.needs.adl_full_assist',
  bariatric: 'care.bariatric',
};

export function needLabel(need: CareNeed): string {
  return tDynamic(NEED_KEYS[need]);
}

/** Minutes as 「35分」「3時間0分」「2日4時間」. */
export function ageText(minutes: number): string {
  if (minutes < 60) return t('elapsed.minutes', { m: minutes });
  if (minutes < 24 * 60) return t('elapsed.hours', { h: Math.floor(minutes / 60), m: minutes % 60 });
  return t('elapsed.days', { d: Math.floor(minutes / 1440), h: Math.floor((minutes % 1440) / 60) });
}

function ageRange(min: number | null, max: number | null): string {
  if (min !== null && max !== null) return t('requirements.ageRange', { min, max });
  if (min !== null) return t('requirements.ageFrom', { min });
  return t('requirements.ageTo', { max: max ?? '' });
}

export function exclusionPhrase(reason: ExclusionReason): string {
  const lang = language();
  switch (reason.kind) {
    case 'care':
      return t('matching.exclusions.care', { need: needLabel(reason.need) });
    case 'oxygen':
      return reason.max === null
        ? t('matching.exclusions.oxygenNone', { needed: reason.needed ?? '' })
        : t('matching.exclusions.oxygen', { needed: reason.needed ?? '', max: reason.max });
    case 'age':
      return t('matching.exclusions.age', { age: reason.age, range: ageRange(reason.min, reason.max) });
    case 'days_since_onset':
    case 'days_since_criteria_met':
      return tDynamic(`matching.exclusions.${reason.kind}`, {
        required: reason.required,
        actual: reason.actual,
        date: formatDate(reason.eligible_on, lang),
      });
    case 'no_free_beds':
      return t('matching.exclusions.no_free_beds', { time: formatDateTime(reason.reported_at, lang) });
    case 'declined':
      return t('matching.exclusions.declined', { reason: reason.reason_name, time: formatDateTime(reason.at, lang) });
    default:
      return tDynamic(`matching.exclusions.${reason.kind}`);
  }
}

/** 「要確認: 透析・気管切開」: the items never answered that a hospital might not cover. */
export function confirmPhrase(items: CareItem[]): string {
  return t('matching.marks.confirm_care', { items: items.map(careItemLabel).join('・') });
}

export function markPhrase(mark: CandidateMark): string {
  switch (mark.kind) {
    case 'confirm_care':
      return confirmPhrase(mark.items);
    case 'decline_lapsed':
      return t('matching.marks.decline_lapsed', { reason: mark.reason_name });
    case 'confirm_days_since_onset':
    case 'confirm_days_since_criteria_met':
      return tDynamic(`matching.marks.${mark.kind}`, { required: mark.required });
    default:
      return tDynamic(`matching.marks.${mark.kind}`);
  }
}

/** The figures a score part was judged on. */
export function basisPhrase(basis: ScoreBasis): string {
  switch (basis.part) {
    case 'distance':
      return basis.proximity === 'coordinates'
        ? t('matching.basis.km', { km: (basis.km ?? 0).toFixed(1) })
        : t('matching.basis.nominalKm', {
            km: Math.round(basis.km ?? 0),
            place: tDynamic(`matching.basis.proximity.${basis.proximity}`),
          });
    case 'family_area':
      return basis.preferred
        ? t(basis.matched ? 'matching.basis.preferredIn' : 'matching.basis.preferredOut')
        : t(basis.matched ? 'matching.basis.homeIn' : 'matching.basis.homeOut');
    case 'acceptance':
      return t('matching.basis.acceptance', { accepted: basis.accepted, declined: basis.declined });
    case 'answer_speed':
      return basis.median_minutes === null
        ? t('matching.basis.speedUnknown')
        : t('matching.basis.speed', { minutes: basis.median_minutes });
    case 'load':
      return t('matching.basis.load', { count: basis.recent });
    case 'freshness':
      if (basis.age_minutes === null) return t('matching.basis.freshnessNone');
      return t(basis.stale ? 'matching.basis.freshnessStale' : 'matching.basis.freshness', {
        age: ageText(basis.age_minutes),
      });
  }
}

/** Why the board made no suggestion for a request. */
export function unplacedPhrase(outcome: BatchOutcome): string {
  switch (outcome.kind) {
    case 'no_candidate':
      return t('board.noCandidate');
    case 'no_beds_known':
      return t('board.noBedsKnown', { count: outcome.candidates });
    case 'beds_taken':
      return t('board.bedsTaken', { count: outcome.options });
    case 'placed':
      return '';
  }
}
