// Dates and durations as the desk reads them: 和暦 where officials expect it, the desk's time zone.
import type { Language } from './i18n.svelte';

let timeZone = 'Asia/Tokyo';

/** Set once from the region pack, so times show in the desk's zone whatever the PC says. */
export function setTimeZone(zone: string): void {
  timeZone = zone;
}

/** 「令和8年11月21日 14:05」 in Japanese; "2026-11-21 14:05" in English. */
export function formatDateTime(iso: string, language: Language): string {
  const date = new Date(iso);
  if (language === 'ja') {
    return new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
      era: 'long',
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone,
    }).format(date);
  }
  const parts = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/** A compact time for lists: 「11/21 14:05」. */
export function formatShort(iso: string): string {
  return new Intl.DateTimeFormat('ja-JP', {
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(new Date(iso));
}

export type Elapsed = { days: number; hours: number; minutes: number };

/** Whole minutes, hours and days from `fromIso` to `now`; never negative. */
export function elapsedSince(fromIso: string, now: Date): Elapsed {
  const totalMinutes = Math.max(0, Math.floor((now.getTime() - new Date(fromIso).getTime()) / 60000));
  return {
    days: Math.floor(totalMinutes / 1440),
    hours: Math.floor((totalMinutes % 1440) / 60),
    minutes: totalMinutes % 60,
  };
}

/** Minutes elapsed, for colouring waits against the desk's 2.5-hour mark. */
export function minutesSince(fromIso: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - new Date(fromIso).getTime()) / 60000));
}

/** Today's date in the desk's time zone, as YYYY-MM-DD. Built from parts: engines disagree on
 *  the layout of formatted dates (WebKitGTK formats en-CA as MM/DD/YYYY). */
export function todayInDeskZone(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZone,
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** The date `days` before an ISO date (YYYY-MM-DD), as YYYY-MM-DD. */
export function daysBefore(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

/** A calendar date (YYYY-MM-DD): 「令和8年10月20日」 in Japanese, as is in English. */
export function formatDate(isoDate: string, language: Language): string {
  if (language !== 'ja') return isoDate;
  return new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
    era: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${isoDate}T00:00:00Z`));
}

/** A month of a report: as the prefecture writes it (「R8.11」) in Japanese, 2026-11 in English. */
export function monthLabel(row: { month: string; label: string }, language: Language): string {
  return language === 'ja' ? row.label : row.month;
}
