// The queue's view of the requests: which to show, in what order, and which rows to render.
import type { RequestStatus, RequestSummary, Urgency } from './bindings';
import { todayInDeskZone } from './format';

export type View = 'open' | 'attention' | 'pickups' | 'all';
export type SortBy = 'action' | 'waiting' | 'urgency' | 'newest';

export type Assignee = '' | 'mine' | 'unassigned';

export type QueueFilter = {
  view: View;
  assignee: Assignee;
  status: RequestStatus | '';
  jurisdiction: string;
  region: string;
  urgency: Urgency | '';
  text: string;
};

/** The states that close a request for good. */
export const CLOSED: ReadonlySet<RequestStatus> = new Set(['transferred', 'withdrawn', 'not_placed']);
const SEARCHING: ReadonlySet<RequestStatus> = new Set(['new', 'checking', 'coordinating']);
const URGENCY_RANK: Record<Urgency, number> = { urgent: 0, soon: 1, routine: 2 };

export function isClosed(r: RequestSummary): boolean {
  return CLOSED.has(r.status);
}

/** Still looking for a hospital, and registered longer ago than the mark. */
export function waitingTooLong(r: RequestSummary, now: Date, targetMinutes: number): boolean {
  return SEARCHING.has(r.status) && now.getTime() - new Date(r.registered_at).getTime() > targetMinutes * 60_000;
}

export function callBackOverdue(r: RequestSummary, now: Date): boolean {
  return r.next_call_back_at !== null && new Date(r.next_call_back_at) < now;
}

/** Open, and either a call-back is overdue or it has waited past the mark without a placement. */
export function needsAttention(r: RequestSummary, now: Date, targetMinutes: number): boolean {
  return !isClosed(r) && (callBackOverdue(r, now) || waitingTooLong(r, now, targetMinutes));
}

/** A vehicle is booked to pick the patient up today (in the desk's time zone). */
export function pickupToday(r: RequestSummary, now: Date): boolean {
  return r.next_pickup_at !== null && todayInDeskZone(new Date(r.next_pickup_at)) === todayInDeskZone(now);
}

function inView(r: RequestSummary, view: View, now: Date, targetMinutes: number): boolean {
  switch (view) {
    case 'all':
      return true;
    case 'open':
      return !isClosed(r);
    case 'attention':
      return needsAttention(r, now, targetMinutes);
    case 'pickups':
      return pickupToday(r, now);
  }
}

export function filterQueue(
  requests: RequestSummary[],
  filter: QueueFilter,
  now: Date,
  targetMinutes: number,
  userId = '',
): RequestSummary[] {
  const text = filter.text.trim().toLowerCase();
  return requests.filter(
    (r) =>
      inView(r, filter.view, now, targetMinutes) &&
      (filter.status === '' || r.status === filter.status) &&
      (filter.assignee === '' || (filter.assignee === 'mine' ? r.assigned_to === userId : r.assigned_to === null)) &&
      (filter.jurisdiction === '' || r.jurisdiction_name === filter.jurisdiction) &&
      (filter.region === '' || r.region_name === filter.region) &&
      (filter.urgency === '' || r.urgency === filter.urgency) &&
      (text === '' ||
        [r.ref_no, r.patient_initials, r.referring_hospital_name, r.residence_name ?? ''].some((v) =>
          v.toLowerCase().includes(text),
        )),
  );
}

/**
 * How soon a request needs the nurse, for the default order: an overdue call-back first, then 至急,
 * then still searching past the mark (2.5 h), then the rest still searching, then those waiting on
 * others (placed, transport being arranged), then closed ones.
 */
export function actionRank(r: RequestSummary, now: Date, targetMinutes: number): number {
  if (isClosed(r)) return 5;
  if (callBackOverdue(r, now)) return 0;
  if (r.urgency === 'urgent' && SEARCHING.has(r.status)) return 1;
  if (waitingTooLong(r, now, targetMinutes)) return 2;
  if (SEARCHING.has(r.status)) return 3;
  return 4;
}

/**
 * Next action (the default): by [actionRank], longest waiting first within a rank. Waiting: open
 * requests longest-waiting first, then closed ones newest first (the core's order). Urgency, newest.
 */
export function sortQueue(
  requests: RequestSummary[],
  by: SortBy,
  now: Date = new Date(),
  targetMinutes = 150,
): RequestSummary[] {
  const byRegistration = (a: RequestSummary, b: RequestSummary) => a.registered_at.localeCompare(b.registered_at);
  const sorted = [...requests];
  if (by === 'action') {
    return sorted.sort(
      (a, b) =>
        actionRank(a, now, targetMinutes) - actionRank(b, now, targetMinutes) ||
        (isClosed(a) ? byRegistration(b, a) : byRegistration(a, b)),
    );
  }
  if (by === 'newest') return sorted.sort((a, b) => byRegistration(b, a));
  if (by === 'urgency') {
    return sorted.sort(
      (a, b) =>
        Number(isClosed(a)) - Number(isClosed(b)) ||
        URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency] ||
        byRegistration(a, b),
    );
  }
  return sorted.sort(
    (a, b) => Number(isClosed(a)) - Number(isClosed(b)) || (isClosed(a) ? byRegistration(b, a) : byRegistration(a, b)),
  );
}

/** The rows to render for a scroll position: the visible ones plus a margin above and below. */
export function rowWindow(
  total: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  overscan = 10,
): { start: number; end: number } {
  const first = Math.floor(scrollTop / rowHeight);
  const count = Math.ceil(viewportHeight / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(total, first + count + overscan);
  return { start, end: Math.max(start, end) };
}

/** The values of one field present in the requests, for a filter's choices. */
export function valuesOf(requests: RequestSummary[], field: 'jurisdiction_name' | 'region_name'): string[] {
  return [...new Set(requests.map((r) => r[field]).filter((v): v is string => v !== null))].sort();
}
