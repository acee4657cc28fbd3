// The care a patient needs, as short phrases for the detail page (only what is needed), and the
// questions never answered — which the page says rather than leaving blank (未確認 is not なし).
import type { CareItem, CareNeeds } from './bindings';
import { t, tDynamic } from './i18n.svelte';

/** Every care item, in the vocabulary's order. */
export const CARE_ITEMS: CareItem[] = [
  'oxygen',
  'dialysis',
  'tube_feeding',
  'tracheostomy',
  'suctioning',
  'iv_line',
  'dementia_bpsd',
  'psychiatric',
  'isolation',
  'adl',
  'bariatric',
];

/** A care item's short name in the user's language (lists: 「未確認: 酸素・透析」). */
export function careItemLabel(item: CareItem): string {
  return tDynamic(`care.short.${item}`);
}

export function carePhrases(care: CareNeeds): string[] {
  const phrases: string[] = [];
  const flow = care.oxygen_l_per_min;
  if (typeof flow === 'number' && flow > 0) phrases.push(t('care.oxygenValue', { flow }));
  const choice = (field: 'dialysis' | 'tube_feeding' | 'suctioning' | 'iv_line' | 'isolation', label: string) => {
    const value = care[field];
    if (value != null && value !== 'none') {
      phrases.push(`${tDynamic(label)}: ${tDynamic(`care.values.${field}.${value}`)}`);
    }
  };
  choice('dialysis', 'care.dialysis');
  choice('tube_feeding', 'care.tubeFeeding');
  choice('suctioning', 'care.suctioning');
  choice('iv_line', 'care.ivLine');
  choice('isolation', 'care.isolation');
  if (care.tracheostomy === true) phrases.push(t('care.tracheostomy'));
  if (care.dementia_bpsd === true) phrases.push(t('care.dementiaBpsd'));
  if (care.psychiatric === true) phrases.push(t('care.psychiatric'));
  if (care.bariatric === true) phrases.push(t('care.bariatric'));
  return phrases;
}

/** The items never answered (ADL is shown on its own, as 未確認 when unknown). */
export function unstatedItems(care: CareNeeds): CareItem[] {
  const open: Record<Exclude<CareItem, 'adl'>, unknown> = {
    oxygen: care.oxygen_l_per_min,
    dialysis: care.dialysis,
    tube_feeding: care.tube_feeding,
    tracheostomy: care.tracheostomy,
    suctioning: care.suctioning,
    iv_line: care.iv_line,
    dementia_bpsd: care.dementia_bpsd,
    psychiatric: care.psychiatric,
    isolation: care.isolation,
    bariatric: care.bariatric,
  };
  return CARE_ITEMS.filter((item) => item !== 'adl' && open[item as keyof typeof open] == null);
}
