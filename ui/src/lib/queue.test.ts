import { describe, expect, it } from 'vitest';

import type { RequestSummary } from './bindings';
import { setTimeZone } from './format';
import { filterQueue, needsAttention, pickupToday, rowWindow, sortQueue, type QueueFilter } from './queue';

const now = new Date('2026-11-21T12:00:00.000Z');

function request(id: string, over: Partial<RequestSummary> = {}): RequestSummary {
  return {
    id,
    ref_no: `261121-${id}`,
    status: 'coordinating',
    registered_at: '2026-11-21T11:00:00.000Z',
    status_since: '2026-11-21T11:00:00.000Z',
    referring_hospital_id: 'h',
    referring_hospital_name: '桜総合病院',
    patient_initials: 'A.B.',
    patient_age: 80,
    patient_sex: 'male',
    residence_municipality_code: null,
    residence_name: null,
    jurisdiction_name: '横浜市保健所',
    urgency: 'routine',
    waiting_answers: 0,
    next_call_back_at: null,
    assigned_to: null,
    assigned_to_name: null,
    region_name: '横浜',
    next_pickup_at: null,
    transport_only: false,
    ...over,
  };
}

const all: QueueFilter = {
  view: 'all',
  assignee: '',
  status: '',
  jurisdiction: '',
  region: '',
  urgency: '',
  text: '',
};

describe('the queue view', () => {
  it('needs attention: an overdue call-back or a search past the mark', () => {
    expect(needsAttention(request('1'), now, 150)).toBe(false);
    expect(needsAttention(request('2', { registered_at: '2026-11-21T08:00:00.000Z' }), now, 150)).toBe(true);
    expect(needsAttention(request('3', { next_call_back_at: '2026-11-21T11:30:00.000Z' }), now, 150)).toBe(true);
    expect(
      needsAttention(request('4', { status: 'placed', registered_at: '2026-11-20T08:00:00.000Z' }), now, 150),
    ).toBe(false);
  });

  it('filters by view, state, jurisdiction, urgency and text together', () => {
    const list = [
      request('1'),
      request('2', { status: 'transferred' }),
      request('3', { jurisdiction_name: '川崎市保健所', urgency: 'urgent' }),
      request('4', { patient_initials: 'Z.Q.' }),
    ];
    const ids = (f: Partial<QueueFilter>) => filterQueue(list, { ...all, ...f }, now, 150).map((r) => r.id);
    expect(ids({ view: 'open' })).toEqual(['1', '3', '4']);
    expect(ids({ status: 'transferred' })).toEqual(['2']);
    expect(ids({ jurisdiction: '川崎市保健所', urgency: 'urgent' })).toEqual(['3']);
    expect(ids({ text: 'z.q' })).toEqual(['4']);
    expect(ids({ region: '川崎北部' })).toEqual([]);
    expect(ids({ region: '横浜' })).toEqual(['1', '2', '3', '4']);
  });

  it('filters by who has taken a request', () => {
    const list = [request('1', { assigned_to: 'me' }), request('2', { assigned_to: 'other' }), request('3')];
    const ids = (assignee: QueueFilter['assignee']) =>
      filterQueue(list, { ...all, assignee }, now, 150, 'me').map((r) => r.id);
    expect(ids('mine')).toEqual(['1']);
    expect(ids('unassigned')).toEqual(['3']);
    expect(ids('')).toEqual(['1', '2', '3']);
  });

  it('sorts by waiting, urgency or newest', () => {
    const list = [
      request('late', { registered_at: '2026-11-21T11:00:00.000Z' }),
      request('early', { registered_at: '2026-11-21T09:00:00.000Z' }),
      request('urgent', { registered_at: '2026-11-21T11:30:00.000Z', urgency: 'urgent' }),
      request('done', { status: 'transferred', registered_at: '2026-11-21T08:00:00.000Z' }),
    ];
    expect(sortQueue(list, 'waiting').map((r) => r.id)).toEqual(['early', 'late', 'urgent', 'done']);
    expect(sortQueue(list, 'urgency').map((r) => r.id)).toEqual(['urgent', 'early', 'late', 'done']);
    expect(sortQueue(list, 'newest').map((r) => r.id)).toEqual(['urgent', 'late', 'early', 'done']);
  });

  it('leads with what needs action: overdue call-backs, 至急, past the mark, then those waiting on others', () => {
    const list = [
      request('transport', { status: 'arranging_transport', registered_at: '2026-11-20T01:00:00.000Z' }),
      request('placed', { status: 'placed', registered_at: '2026-11-20T02:00:00.000Z' }),
      request('fresh', { registered_at: '2026-11-21T11:30:00.000Z' }),
      request('overdue-long', { registered_at: '2026-11-21T08:00:00.000Z' }),
      request('urgent-new', { registered_at: '2026-11-21T11:50:00.000Z', urgency: 'urgent' }),
      request('call-back', {
        registered_at: '2026-11-21T11:40:00.000Z',
        next_call_back_at: '2026-11-21T11:55:00.000Z',
      }),
      request('done', { status: 'transferred', registered_at: '2026-11-19T08:00:00.000Z' }),
    ];
    expect(sortQueue(list, 'action', now, 150).map((r) => r.id)).toEqual([
      'call-back',
      'urgent-new',
      'overdue-long',
      'fresh',
      'transport',
      'placed',
      'done',
    ]);
  });

  it('renders only the rows in view plus a margin, even for 10,000 requests', () => {
    expect(rowWindow(10_000, 0, 600, 44)).toEqual({ start: 0, end: 24 });
    expect(rowWindow(10_000, 44 * 5_000, 600, 44)).toEqual({ start: 4_990, end: 5_024 });
    expect(rowWindow(10_000, 44 * 10_000, 600, 44)).toEqual({ start: 9_990, end: 10_000 });
    expect(rowWindow(3, 0, 600, 44)).toEqual({ start: 0, end: 3 });
  });
});

describe('pickups today', () => {
  it("counts a booked pickup on the desk's date, not UTC's", () => {
    setTimeZone('Asia/Tokyo');
    // 21:00 UTC on the 21st is 06:00 on the 22nd in Tokyo.
    const evening = new Date('2026-11-21T21:00:00.000Z');
    expect(pickupToday(request('1', { next_pickup_at: '2026-11-21T23:30:00.000Z' }), evening)).toBe(true);
    expect(pickupToday(request('2', { next_pickup_at: '2026-11-21T14:00:00.000Z' }), evening)).toBe(false);
    expect(pickupToday(request('3'), evening)).toBe(false);
    const listed = filterQueue(
      [request('1', { next_pickup_at: '2026-11-21T23:30:00.000Z' }), request('3')],
      { ...all, view: 'pickups' },
      evening,
      150,
    );
    expect(listed.map((r) => r.id)).toEqual(['1']);
  });
});
