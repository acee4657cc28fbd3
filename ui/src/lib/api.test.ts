import { afterEach, describe, expect, it } from 'vitest';

import { problemMessage } from './api';
import { setLanguage } from './i18n.svelte';

const dateProblem = {
  field: 'onset_date',
  problem: { kind: 'invalid' as const },
  detail: null,
  message: '元号を指定してください（例: R4.8.1）: 11/2',
};

afterEach(() => setLanguage('ja'));

describe('problemMessage', () => {
  it('shows the core’s precise sentence in Japanese', () => {
    expect(problemMessage(dateProblem)).toBe('元号を指定してください（例: R4.8.1）: 11/2');
  });

  it('translates the kind in English, with its values', () => {
    setLanguage('en');
    expect(problemMessage(dateProblem)).toBe('Not in a valid form');
    expect(
      problemMessage({
        field: 'patient_age',
        problem: { kind: 'out_of_range', min: 0, max: 120 },
        detail: null,
        message: '',
      }),
    ).toBe('Must be between 0 and 120');
  });
});
