import { describe, expect, it } from 'vitest';

import type { CareNeeds } from './bindings';
import { carePhrases, careItemLabel, unstatedItems } from './care';

const none: CareNeeds = {
  oxygen_l_per_min: 0,
  dialysis: 'none',
  tube_feeding: 'none',
  tracheostomy: false,
  suctioning: 'none',
  iv_line: 'none',
  dementia_bpsd: false,
  psychiatric: false,
  isolation: 'none',
  adl: 'partial_assist',
  bariatric: false,
};

const untouched: CareNeeds = {
  oxygen_l_per_min: null,
  dialysis: null,
  tube_feeding: null,
  tracheostomy: null,
  suctioning: null,
  iv_line: null,
  dementia_bpsd: null,
  psychiatric: null,
  isolation: null,
  adl: 'unknown',
  bariatric: null,
};

describe('carePhrases', () => {
  it('lists only what is needed', () => {
    expect(carePhrases(none)).toEqual([]);
    expect(carePhrases({ ...none, oxygen_l_per_min: 1.5, dialysis: 'hd', dementia_bpsd: true })).toEqual([
      '酸素 1.5 L/分',
      '透析: 血液透析（HD）',
      '認知症（行動・心理症状あり）',
    ]);
  });

  it('never reads a question not answered as a need or as none', () => {
    expect(carePhrases(untouched)).toEqual([]);
    expect(unstatedItems(none)).toEqual([]);
    expect(unstatedItems(untouched)).toHaveLength(10);
    expect(unstatedItems({ ...none, tracheostomy: null, oxygen_l_per_min: null })).toEqual(['oxygen', 'tracheostomy']);
    expect(careItemLabel('tracheostomy')).toBe('気管切開');
  });
});
