import { describe, expect, it } from 'vitest';

import { readDate, readDateTime, readMonth, showDate, showDateTime, showMonth } from './dates';

const today = '2026-11-29';
const iso = (r: ReturnType<typeof readDate>): string | undefined => ('iso' in r ? r.iso : undefined);

describe('reading dates as a desk types them', () => {
  it('reads the written-out forms in any width', () => {
    for (const text of [
      '2026/12/01',
      '2026-12-1',
      '20261201',
      '２０２６／１２／０１',
      '2026年12月1日',
      '令和8年12月1日',
      'R8.12.1',
      'ｒ８．１２．１',
    ]) {
      expect(iso(readDate(text, today, 'none')), text).toBe('2026-12-01');
    }
    expect(iso(readDate('平成元年1月8日', today, 'none'))).toBe('1989-01-08');
  });

  it('leans a date without its year toward the past or the future', () => {
    expect(iso(readDate('12/1', today, 'future'))).toBe('2026-12-01');
    expect(iso(readDate('12/1', today, 'past'))).toBe('2025-12-01');
    expect(iso(readDate('11月29日', today, 'past'))).toBe('2026-11-29');
    expect(iso(readDate('11/28', today, 'future'))).toBe('2027-11-28');
    expect(readDate('2/29', today, 'future'), 'no 29 February within a year').toEqual({ error: 'no_such_day' });
  });

  it('refuses what is not a day, saying which', () => {
    expect(readDate('2026/2/30', today, 'none')).toEqual({ error: 'no_such_day' });
    expect(readDate('あした', today, 'none')).toEqual({ error: 'unreadable' });
    expect(readDate('2026/12/01 10:30', today, 'none')).toEqual({ error: 'unreadable' });
  });

  it('reads a date and a time, typed straight through', () => {
    for (const text of [
      '2026/12/01 10:30',
      '202612011030',
      '20261201 1030',
      '12/1 10:30',
      '12/1 1030',
      '１２／１　１０時３０分',
      'R8.12.1 10時30分',
      '2026-12-01T10:30',
    ]) {
      expect(iso(readDateTime(text, today, 'future')), text).toBe('2026-12-01T10:30');
    }
    expect(iso(readDateTime('12/1 9', today, 'future'))).toBe('2026-12-01T09:00');
    expect(iso(readDateTime('12/1 930', today, 'future'))).toBe('2026-12-01T09:30');
    expect(readDateTime('12/1', today, 'future')).toEqual({ error: 'no_time' });
    expect(readDateTime('12/1 25:00', today, 'future')).toEqual({ error: 'unreadable' });
  });

  it('shows dates as YYYY/MM/DD whatever the locale', () => {
    expect(showDate('2026-12-01')).toBe('2026/12/01');
    expect(showDateTime('2026-12-01T10:30')).toBe('2026/12/01 10:30');
  });
});

describe('readMonth', () => {
  it('reads a month as the desk writes it, whatever the form', () => {
    for (const typed of [
      '2026/11',
      '2026-11',
      '202611',
      '2026年11月',
      'R8.11',
      '令和8年11月',
      'Ｒ８．１１',
      ' 2026 / 11 ',
    ]) {
      expect(readMonth(typed), typed).toEqual({ iso: '2026-11' });
    }
    expect(showMonth('2026-11')).toBe('2026/11');
  });

  it('refuses what is not a month', () => {
    for (const typed of ['2026/13', '11', 'R8', 'next month', '2026/11/01']) {
      expect(readMonth(typed), typed).toEqual({ error: 'unreadable' });
    }
  });
});
