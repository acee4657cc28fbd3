import { describe, expect, it } from 'vitest';

import { setLanguage } from './i18n.svelte';
import { beyondCriteriaPhrase, draftOf, emptyHospital, requirementPhrases } from './requirements';

describe('requirement phrases', () => {
  it('say only what the hospital accepts beyond ordinary care', async () => {
    await setLanguage('ja');
    expect(requirementPhrases(emptyHospital().requirements)).toEqual([]);
    const phrases = requirementPhrases({
      ...emptyHospital().requirements,
      oxygen_max_l_per_min: 3,
      tracheostomy: true,
      adl_full_assist: false,
      age_min: 65,
    });
    expect(phrases).toEqual(['酸素 3 L/分まで', '気管切開', '全介助は不可', '65歳以上']);
  });

  it('phrase each own rule with its figure', async () => {
    await setLanguage('ja');
    expect(beyondCriteriaPhrase({ kind: 'negative_tests', count: 2 })).toBe('陰性確認 2 回');
    expect(beyondCriteriaPhrase({ kind: 'days_since_onset', days: 14 })).toBe('発症から 14 日以上');
  });

  it('fill in what an older record or a file left out before editing', () => {
    const draft = draftOf({ ...emptyHospital(), contacts: undefined, requirements: { tracheostomy: true } });
    expect(draft.contacts).toEqual([]);
    expect(draft.requirements.tracheostomy).toBe(true);
    expect(draft.requirements.adl_independent).toBe(true);
  });
});
