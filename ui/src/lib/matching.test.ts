import { describe, expect, it } from 'vitest';

import { setLanguage } from './i18n.svelte';
import { ageText, basisPhrase, exclusionPhrase, markPhrase, unplacedPhrase } from './matching';

describe('matching phrases', () => {
  it('names each exclusion with its figures, in Japanese by default', async () => {
    await setLanguage('ja');
    expect(exclusionPhrase({ kind: 'care', need: 'dialysis_hd' })).toBe('血液透析（HD）に対応できない');
    expect(exclusionPhrase({ kind: 'oxygen', needed: 2, max: null })).toBe('酸素 2 L/分が必要（酸素投与不可）');
    expect(exclusionPhrase({ kind: 'age', age: 82, min: null, max: 75 })).toBe('82歳は受入年齢（75歳以下）の外');
    expect(exclusionPhrase({ kind: 'days_since_onset', required: 14, actual: 8, eligible_on: '2026-11-27' })).toContain(
      '令和8年11月27日から可',
    );
    expect(exclusionPhrase({ kind: 'referring_hospital' })).toBe('依頼元の医療機関');
  });

  it('explains marks, score figures and board outcomes, and follows the language switch', async () => {
    await setLanguage('ja');
    expect(markPhrase({ kind: 'decline_lapsed', reason_name: '満床' })).toBe('以前お断り（満床）・その後状況変化');
    expect(basisPhrase({ part: 'distance', km: 7.96, proximity: 'same_region' })).toBe(
      '約8 km（同じ二次医療圏・座標なし）',
    );
    expect(basisPhrase({ part: 'freshness', age_minutes: 185, stale: false })).toBe('3時間5分前の報告');
    expect(unplacedPhrase({ kind: 'no_beds_known', candidates: 4 })).toBe('受入可能な 4 件は空床未報告（電話で確認）');
    await setLanguage('en');
    expect(basisPhrase({ part: 'distance', km: 2.94, proximity: 'coordinates' })).toBe('2.9 km');
    expect(exclusionPhrase({ kind: 'care', need: 'adl_full_assist' })).toBe('Cannot provide full assistance');
    await setLanguage('ja');
  });

  it('reads minutes as minutes, hours or days', async () => {
    await setLanguage('ja');
    expect(ageText(35)).toBe('35分');
    expect(ageText(60 * 26 + 10)).toBe('1日2時間');
  });
});
