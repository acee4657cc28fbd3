import { afterEach, describe, expect, it } from 'vitest';

import { checkMessage, errorMessage, problemMessage } from './api';
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

  it('translates the kind in English, with its values', async () => {
    await setLanguage('en');
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

describe('errorMessage', () => {
  const rule = {
    code: 'rule' as const,
    message: '受付番号 R8-0001 は「転院済」で終了しています。統合せず、新しい依頼として登録してください',
    problems: [],
    rule: { rule: 'merge_into_closed' as const, ref_no: 'R8-0001', status: 'transferred' as const },
    refusal: null,
  };

  it('shows the core’s sentence in Japanese', () => {
    expect(errorMessage(rule)).toBe(rule.message);
  });

  it('words the rule in English, with the state the core names by its code shown in English', async () => {
    await setLanguage('en');
    const english = errorMessage(rule);
    expect(english).toContain('R8-0001');
    expect(english).toContain('Transferred');
    expect(english).not.toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  });

  it('shows a refused field’s own message, and words a date the desk cannot read with the forms it can', async () => {
    const refused = {
      code: 'validation' as const,
      message: '入力内容に問題があります（1件）',
      problems: [
        {
          field: 'onset_date',
          problem: { kind: 'invalid' as const },
          detail: { detail: 'date_unreadable' as const, text: '13/45', reason: '日付として読めません: 13/45' },
          message: '日付として読めません: 13/45',
        },
      ],
      rule: null,
      refusal: null,
    };
    expect(errorMessage(refused)).toBe('日付として読めません: 13/45');
    await setLanguage('en');
    expect(errorMessage(refused)).toMatch(/“13\/45” is not a date .*2026\/11\/29/);
  });

  it('words a refused package by its code, and any other error by its code', async () => {
    await setLanguage('en');
    const base = { message: '…', problems: [], rule: null, refusal: null };
    expect(errorMessage({ ...base, code: 'package_refused', refusal: 'bad_signature' })).toMatch(/signature is wrong/);
    expect(errorMessage({ ...base, code: 'stale_version' })).toMatch(/Someone else changed this/);
  });
});

describe('checkMessage', () => {
  it('words a checklist finding with the field’s name and its values in English', async () => {
    const oxygen = {
      field: 'care.oxygen_l_per_min',
      check: { code: 'oxygen_high' as const, flow: '8' },
      message: '酸素8L/分…',
    };
    expect(checkMessage(oxygen)).toBe('酸素8L/分…');
    await setLanguage('en');
    expect(checkMessage(oxygen)).toBe('8 L/min of oxygen is a lot for a downward transfer (check)');
    expect(checkMessage({ field: 'onset_date', check: { code: 'not_stated' }, message: '' })).toBe(
      'Onset not yet asked (answer “none” if none)',
    );
    expect(checkMessage({ field: 'care.dialysis', check: { code: 'not_stated' }, message: '' })).toMatch(/^dialysis/);
    expect(checkMessage({ field: 'status', check: { code: 'not_open', status: 'placed' }, message: '' })).toMatch(
      /Placement confirmed/,
    );
  });
});
