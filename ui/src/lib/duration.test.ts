import { describe, expect, it } from 'vitest';

import { formatMinutes } from './duration';

describe('formatMinutes', () => {
  it('words minutes, hours and days in Japanese', () => {
    expect(formatMinutes(45)).toBe('45分');
    expect(formatMinutes(170.4)).toBe('2時間50分');
    expect(formatMinutes(1500)).toBe('1日1時間');
  });
});
