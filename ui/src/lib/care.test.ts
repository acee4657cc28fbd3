import { describe, expect, it } from 'vitest';

import type { CareNeeds } from './bindings';
import { carePhrases } from './care';

const none: CareNeeds = {
  oxygen_l_per_min: null,
  dialysis: 'none',
  tube_feeding: 'none',
  tracheostomy: false,
  suctioning: 'none',
  iv_line: 'none',
  dementia_bpsd: false,
  psychiatric: false,
  isolation: 'none',
  adl: 'unknown',
  bariatric: false,
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
});
