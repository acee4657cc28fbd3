// Dates and times as a Japanese desk types them, read the same whatever the operating system's
// locale: 2026/12/01, 2026-12-01, 20261201, 令和8年12月1日, R8.12.1, 12/1, 12月1日 (full-width too),
// and a time after it — 10:30, 1030, 10時30分, 10時. The fields store ISO text ('YYYY-MM-DD',
// 'YYYY-MM-DDTHH:MM') as the core expects; this module reads what was typed and shows it back.

/** Which way a date written without its year leans: toward the past (onset, a report), the future
 *  (a call-back, a pickup), or this year. */
export type Lean = 'past' | 'future' | 'none';

export type Reading = { iso: string } | { error: 'unreadable' | 'no_time' | 'no_such_day' };

/** The era a 和暦 year counts from (the year before its first). */
const ERAS: Record<string, number> = { 令和: 2018, r: 2018, 平成: 1988, h: 1988, 昭和: 1925, s: 1925 };

const pad = (n: number): string => String(n).padStart(2, '0');

function isoDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || y > 2200 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/** Full-width to half-width, spaces tidied, lower case (R8 → r8). */
function folded(text: string): string {
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** A month and day without a year, leaning as asked from `today` (YYYY-MM-DD). */
function yearless(m: number, d: number, today: string, lean: Lean): string | null {
  const year = Number(today.slice(0, 4));
  const candidates = [year - 1, year, year + 1].map((y) => isoDate(y, m, d)).filter((x): x is string => x !== null);
  if (lean === 'past') return candidates.filter((c) => c <= today).at(-1) ?? null;
  if (lean === 'future') return candidates.find((c) => c >= today) ?? null;
  return isoDate(year, m, d);
}

/** The date at the start of `text`, and what is left after it. */
function datePart(text: string, today: string, lean: Lean): { iso: string | null; rest: string } | null {
  let m = /^(令和|平成|昭和|r|h|s)\s*(元|\d{1,2})\s*(?:年|[./-])\s*(\d{1,2})\s*(?:月|[./-])\s*(\d{1,2})\s*日?/.exec(
    text,
  );
  if (m) {
    const year = ERAS[m[1]] + (m[2] === '元' ? 1 : Number(m[2]));
    return { iso: isoDate(year, Number(m[3]), Number(m[4])), rest: text.slice(m[0].length) };
  }
  m = /^(\d{4})\s*(?:年|[./-])\s*(\d{1,2})\s*(?:月|[./-])\s*(\d{1,2})\s*日?/.exec(text);
  if (m) return { iso: isoDate(Number(m[1]), Number(m[2]), Number(m[3])), rest: text.slice(m[0].length) };
  m = /^(\d{4})(\d{2})(\d{2})/.exec(text);
  if (m) return { iso: isoDate(Number(m[1]), Number(m[2]), Number(m[3])), rest: text.slice(m[0].length) };
  m = /^(\d{1,2})\s*(?:月|[./-])\s*(\d{1,2})\s*日?/.exec(text);
  if (m) return { iso: yearless(Number(m[1]), Number(m[2]), today, lean), rest: text.slice(m[0].length) };
  return null;
}

/** A time of day (HH:MM) from what is left after the date, if it is one. */
function timePart(text: string): string | null {
  const t = text.replace(/^[\st]+/, '').trim();
  const m = /^(\d{1,2})(?::|時|\s)?(\d{2})?分?$/.exec(t) ?? /^(\d{2})(\d{2})$/.exec(t);
  if (!m) return null;
  const hour = Number(m[1]);
  const minute = Number(m[2] ?? '0');
  return hour < 24 && minute < 60 ? `${pad(hour)}:${pad(minute)}` : null;
}

/** Reads a date typed at the desk; `today` is the desk's date (YYYY-MM-DD). */
export function readDate(text: string, today: string, lean: Lean): Reading {
  const found = datePart(folded(text), today, lean);
  if (!found || found.rest.trim() !== '') return { error: 'unreadable' };
  return found.iso ? { iso: found.iso } : { error: 'no_such_day' };
}

/** Reads a date and time typed at the desk (YYYY-MM-DDTHH:MM); a 12-digit run is YYYYMMDDHHMM. */
export function readDateTime(text: string, today: string, lean: Lean): Reading {
  const found = datePart(folded(text), today, lean);
  if (!found) return { error: 'unreadable' };
  if (!found.iso) return { error: 'no_such_day' };
  if (found.rest.trim() === '') return { error: 'no_time' };
  const time = timePart(found.rest);
  return time ? { iso: `${found.iso}T${time}` } : { error: 'unreadable' };
}

/** Reads a month typed at the desk (YYYY-MM): 2026/11, 2026-11, 202611, 2026年11月, R8.11, 令和8年11月. */
export function readMonth(text: string): Reading {
  const t = folded(text);
  const era = /^(令和|平成|昭和|r|h|s)\s*(元|\d{1,2})\s*(?:年|[./-])\s*(\d{1,2})\s*月?$/.exec(t);
  const western = /^(\d{4})\s*(?:年|[./-])?\s*(\d{1,2})\s*月?$/.exec(t);
  if (!era && !western) return { error: 'unreadable' };
  const [year, month] = era
    ? [ERAS[era[1]] + (era[2] === '元' ? 1 : Number(era[2])), Number(era[3])]
    : [Number(western![1]), Number(western![2])];
  const day = isoDate(year, month, 1);
  return day ? { iso: day.slice(0, 7) } : { error: 'unreadable' };
}

/** 2026/11 — a month as the desk writes it. */
export function showMonth(iso: string): string {
  return iso.slice(0, 7).replace('-', '/');
}

/** 2026/12/01 — how a desk writes a date, whatever the locale. */
export function showDate(iso: string): string {
  return iso.slice(0, 10).replaceAll('-', '/');
}

/** 2026/12/01 10:30. */
export function showDateTime(iso: string): string {
  return `${showDate(iso)} ${iso.slice(11, 16)}`;
}
