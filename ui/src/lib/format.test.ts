import { describe, expect, it } from 'vitest';

import { daysBefore, elapsedSince, formatDateTime, formatShort, todayInDeskZone } from './format';

describe('formatDateTime', () => {
  it('shows 和暦 in Japanese, in the desk time zone', () => {
    // 05:05 UTC is 14:05 in Tokyo.
    expect(formatDateTime('2026-11-21T05:05:00.000Z', 'ja')).toBe('令和8年11月21日 14:05');
  });

  it('shows the first year of an era as 元年', () => {
    expect(formatDateTime('2019-05-01T03:00:00.000Z', 'ja')).toMatch(/^令和元年5月1日/);
  });

  it('shows ISO-like dates in English', () => {
    expect(formatDateTime('2026-11-21T05:05:00.000Z', 'en')).toBe('2026-11-21 14:05');
  });

  it('crosses midnight by the desk clock, not UTC', () => {
    expect(formatShort('2026-11-21T15:30:00.000Z')).toBe('11/22 00:30');
  });
});

describe('elapsedSince', () => {
  it('splits into days, hours and minutes', () => {
    const now = new Date('2026-11-22T06:10:30.000Z');
    expect(elapsedSince('2026-11-21T03:05:00.000Z', now)).toEqual({ days: 1, hours: 3, minutes: 5 });
  });

  it('never goes negative for a clock that is behind', () => {
    const now = new Date('2026-11-21T03:00:00.000Z');
    expect(elapsedSince('2026-11-21T03:05:00.000Z', now)).toEqual({ days: 0, hours: 0, minutes: 0 });
  });
});

describe('desk dates', () => {
  it('takes today in the desk time zone, not UTC', () => {
    expect(todayInDeskZone(new Date('2026-11-21T15:30:00.000Z'))).toBe('2026-11-22');
  });

  it('counts days back across a month end', () => {
    expect(daysBefore('2026-03-01', 1)).toBe('2026-02-28');
    expect(daysBefore('2026-11-22', 29)).toBe('2026-10-24');
  });
});
