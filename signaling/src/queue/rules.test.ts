import { describe, expect, it } from 'vitest';
import { AblakError } from '@ablak/protocol';
import type { CallId, ClerkId, ClerkState, TicketId, TicketState } from '@ablak/protocol';
import { clerkProfile, T0 } from '../store/test-fixtures';
import { clerkTransition, newClerk, type ClerkEvent } from './clerk';
import { clerksNeeded, erlangC, serviceLevel } from './erlang';
import type { ClerkRecord, TicketRecord } from './model';
import { PRIORITY_BOOST_SECONDS, sortKey, ticketScore } from './score';
import { SortedSet } from './sorted';
import { estimateWaitSeconds } from './stats';
import { ticketTransition, type TicketEvent } from './ticket';

const CLERK_EVENTS: ClerkEvent[] = [
  { type: 'request', requested: { state: 'away', reason: 'break' } },
  { type: 'offer', ticketId: 't' as TicketId, deadline: T0 + 15_000 },
  { type: 'accept', callId: 'c' as CallId },
  { type: 'decline', rejectDelayMs: 10_000 },
  { type: 'offer_timeout' },
  { type: 'offer_withdrawn' },
  { type: 'call_end', wrapUpUntil: T0 + 30_000, talkSeconds: 60, day: '2026-11-23' },
  { type: 'wrapup_done', next: { state: 'available' } },
  { type: 'wrapup_expired' },
];
const CLERK_TABLE: Record<ClerkState, Partial<Record<ClerkEvent['type'], ClerkState>>> = {
  offline: { request: 'away' },
  available: { request: 'away', offer: 'offered' },
  offered: { request: 'away', accept: 'busy', decline: 'available', offer_timeout: 'away', offer_withdrawn: 'available' },
  busy: { call_end: 'wrap_up' },
  wrap_up: { request: 'wrap_up', wrapup_done: 'available', wrapup_expired: 'available' },
  away: { request: 'away' },
};

describe('clerk state machine', () => {
  const base = newClerk(clerkProfile('k', [['A', 1]]), T0);
  for (const [from, row] of Object.entries(CLERK_TABLE) as [ClerkState, Partial<Record<ClerkEvent['type'], ClerkState>>][]) {
    for (const event of CLERK_EVENTS) {
      const to = row[event.type];
      it(`${from} --${event.type}--> ${to ?? 'CONFLICT'}`, () => {
        const clerk: ClerkRecord = { ...base, state: from };
        if (to === undefined) {
          expect(() => clerkTransition(clerk, event, T0)).toThrowError(expect.objectContaining({ code: 'CONFLICT' }));
        } else {
          expect(clerkTransition(clerk, event, T0).state).toBe(to);
        }
      });
    }
  }

  it('keeps a declining clerk out until the reject delay ends', () => {
    const next = clerkTransition({ ...base, state: 'offered' }, { type: 'decline', rejectDelayMs: 10_000 }, T0);
    expect(next.notBefore).toBe(T0 + 10_000);
  });

  it('remembers during wrap-up where the clerk goes next', () => {
    const wrapping = clerkTransition({ ...base, state: 'busy' }, CLERK_EVENTS[6]!, T0);
    const chosen = clerkTransition(wrapping, { type: 'request', requested: { state: 'offline' } }, T0 + 1);
    expect(chosen.state).toBe('wrap_up');
    expect(clerkTransition(chosen, { type: 'wrapup_expired' }, T0 + 30_000).state).toBe('offline');
  });

  it('refuses to make an offered clerk available without answering the offer', () => {
    expect(() => clerkTransition({ ...base, state: 'offered' }, { type: 'request', requested: { state: 'available' } }, T0)).toThrow(AblakError);
  });

  it('starts the day counters again on a new day', () => {
    const yesterday: ClerkRecord = { ...base, state: 'busy', countersDay: '2026-11-22', callsToday: 40, talkSecondsToday: 9000 };
    const next = clerkTransition(yesterday, CLERK_EVENTS[6]!, T0);
    expect([next.callsToday, next.talkSecondsToday]).toEqual([1, 60]);
  });
});

const TICKET_EVENTS: TicketEvent[] = [
  { type: 'offer', clerkId: 'k' as ClerkId, deadline: T0 + 15_000 },
  { type: 'offer_returned' },
  { type: 'accept', callId: 'c' as CallId },
  { type: 'drop', deadline: T0 + 60_000 },
  { type: 'resume' },
  { type: 'cancel' },
  { type: 'drop_expired' },
  { type: 'end', reason: 'clerk_ended' },
  { type: 'transfer', queue: 'B' as TicketRecord['queue'], directClerk: null, note: 'n', priority: 'transfer' },
];
const TICKET_TABLE: Record<TicketState, Partial<Record<TicketEvent['type'], TicketState>>> = {
  waiting: { offer: 'offered', drop: 'waiting', resume: 'waiting', cancel: 'abandoned', drop_expired: 'expired' },
  offered: { offer_returned: 'waiting', accept: 'connected', cancel: 'abandoned', drop: 'waiting' },
  connected: { end: 'ended', transfer: 'waiting' },
  ended: {},
  abandoned: {},
  expired: {},
};

describe('ticket state machine', () => {
  const base: TicketRecord = {
    id: 't' as TicketId,
    displayName: 'X',
    caseType: 'a1' as TicketRecord['caseType'],
    queue: 'A' as TicketRecord['queue'],
    language: 'hu',
    accessibility: [],
    priority: 'none',
    enqueuedAt: T0,
    queuedAt: T0,
    score: T0,
    state: 'waiting',
    stateSince: T0,
    room: 'room-t' as TicketRecord['room'],
    dropDeadline: null,
    offeredTo: null,
    offerDeadline: null,
    directClerk: null,
    transferNote: null,
    callId: null,
    closedReason: null,
  };
  for (const [from, row] of Object.entries(TICKET_TABLE) as [TicketState, Partial<Record<TicketEvent['type'], TicketState>>][]) {
    for (const event of TICKET_EVENTS) {
      const to = row[event.type];
      const final = from === 'ended' || from === 'abandoned' || from === 'expired';
      it(`${from} --${event.type}--> ${to ?? (final ? 'TICKET_CLOSED' : 'CONFLICT')}`, () => {
        const ticket = { ...base, state: from };
        if (to === undefined) {
          expect(() => ticketTransition(ticket, event, T0)).toThrowError(expect.objectContaining({ code: final ? 'TICKET_CLOSED' : 'CONFLICT' }));
        } else {
          expect(ticketTransition(ticket, event, T0).state).toBe(to);
        }
      });
    }
  }

  it('keeps the original enqueue time in a transferred ticket’s score, with the transfer head start', () => {
    const moved = ticketTransition({ ...base, state: 'connected' }, TICKET_EVENTS[8]!, T0 + 600_000);
    expect(moved.score).toBe(T0 - PRIORITY_BOOST_SECONDS.transfer * 1000);
    expect(moved.queuedAt).toBe(T0 + 600_000);
  });
});

describe('ticket score', () => {
  it('grows with waiting time, so a plain ticket overtakes later priority arrivals once it waited their head start', () => {
    const now = T0 + 1_000_000;
    const oldPlain = ticketScore(T0, 'none', now);
    const appointmentLater = ticketScore(T0 + (PRIORITY_BOOST_SECONDS.appointment + 1) * 1000, 'appointment', now);
    expect(oldPlain).toBeGreaterThan(appointmentLater);
    expect(sortKey(T0, 'none')).toBeLessThan(sortKey(T0 + 301_000, 'appointment'));
    expect(sortKey(T0 + 299_000, 'appointment')).toBeLessThan(sortKey(T0, 'none'));
  });
});

describe('Erlang C', () => {
  it('matches the textbook value for 10 erlangs on 11 agents', () => {
    expect(erlangC(11, 10)).toBeCloseTo(0.6821, 3);
  });
  it('staffs the fewest clerks that meet the service level', () => {
    const lambda = 360 / 1800; // 360 calls per half hour
    const n = clerksNeeded(lambda, 240, 20, 0.8);
    expect(serviceLevel(n, lambda * 240, 240, 20)).toBeGreaterThanOrEqual(0.8);
    expect(serviceLevel(n - 1, lambda * 240, 240, 20)).toBeLessThan(0.8);
    expect(n).toBe(54);
    expect(erlangC(55, 48)).toBeCloseTo(0.2387, 4); // the call-centre textbook example
  });
  it('needs nobody when nothing arrives', () => {
    expect(clerksNeeded(0, 300, 60, 0.8)).toBe(0);
  });
});

describe('estimated wait', () => {
  it('is zero while a free clerk can take the ticket and grows with the position otherwise', () => {
    expect(estimateWaitSeconds(1, 2, 1, 300)).toBe(0);
    expect(estimateWaitSeconds(3, 2, 0, 300)).toBe(450);
    expect(estimateWaitSeconds(5, 2, 0, 300)).toBeGreaterThan(estimateWaitSeconds(4, 2, 0, 300));
  });
});

describe('SortedSet', () => {
  it('orders by score then id, counts ranks and survives many inserts and deletes', () => {
    const set = new SortedSet();
    const model = new Map<string, number>();
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let i = 0; i < 5000; i++) {
      const id = `x${Math.floor(rand() * 2000)}`;
      if (rand() < 0.3) {
        set.delete(id);
        model.delete(id);
      } else {
        const score = Math.floor(rand() * 500);
        set.add(id, score);
        model.set(id, score);
      }
    }
    const expected = [...model].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
    expect([...set.values()].map((e) => e.id)).toEqual(expected);
    expect(set.size).toBe(model.size);
    expect(set.countBelow(250)).toBe([...model.values()].filter((s) => s < 250).length);
    // ties (the same score, e.g. two tickets enqueued in the same millisecond) are ranked by id
    expected.slice(0, 50).forEach((id, i) => expect(set.rank(id)).toBe(i));
    expect(set.rank(expected[expected.length - 1] as string)).toBe(expected.length - 1);
    expect(set.rank('absent')).toBeUndefined();
    expect(set.upTo(10).every((e) => e.score <= 10)).toBe(true);
  });
});
