// The care a patient needs, as short phrases for the detail page (only what is needed).
import type { CareNeeds } from './bindings';
import { t, tDynamic } from './i18n.svelte';

export function carePhrases(care: CareNeeds): string[] {
  const phrases: string[] = [];
  if (typeof care.oxygen_l_per_min === 'number') phrases.push(t('care.oxygenValue', { flow: care.oxygen_l_per_min }));
  const choice = (field: 'dialysis' | 'tube_feeding' | 'suctioning' | 'iv_line' | 'isolation', label: string) => {
    if (care[field] !== 'none') phrases.push(`${tDynamic(label)}: ${tDynamic(`care.values.${field}.${care[field]}`)}`);
  };
  choice('dialysis', 'care.dialysis');
  choice('tube_feeding', 'care.tubeFeeding');
  choice('suctioning', 'care.suctioning');
  choice('iv_line', 'care.ivLine');
  choice('isolation', 'care.isolation');
  if (care.tracheostomy) phrases.push(t('care.tracheostomy'));
  if (care.dementia_bpsd) phrases.push(t('care.dementiaBpsd'));
  if (care.psychiatric) phrases.push(t('care.psychiatric'));
  if (care.bariatric) phrases.push(t('care.bariatric'));
  return phrases;
}
