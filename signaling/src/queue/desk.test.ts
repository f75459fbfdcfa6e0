import { describe, expect, it } from 'vitest';
import { AblakError } from '@ablak/protocol';
import type { CallId, ClerkId, ClerkState, QueueId, TicketId } from '@ablak/protocol';
import { T0, clerkProfile, testCatalogue, ticketInput } from '../store/test-fixtures';
import { STAFFED_STATES } from './clerk';
import { waitingKey } from './desk';
import { Desk } from './steps';

/** Every index agrees with the records, and offers pair one ticket with one clerk. */
function checkInvariants(desk: Desk): void {
  const ok = (cond: boolean, what: string) => {
    if (!cond) throw new Error(`invariant broken: ${what}`);
  };
  for (const t of desk.tickets.values()) {
    const inWaiting = desk.waiting.get(waitingKey(t))?.has(t.id) ?? false;
    ok(inWaiting === (t.state === 'waiting' && t.dropDeadline === null), `ticket ${t.id} in waiting set`);
    ok(desk.drops.has(t.id) === (t.state === 'waiting' && t.dropDeadline !== null), `ticket ${t.id} in drops`);
    if (t.state === 'offered') {
      const c = desk.clerks.get(t.offeredTo as ClerkId);
      ok(c?.state === 'offered' && c.offerTicket === t.id, `offered ticket ${t.id} held by its clerk`);
    }
  }
  const held = new Set<string>();
  const counts = new Map<QueueId, Record<ClerkState, number>>();
  for (const c of desk.clerks.values()) {
    if (c.state === 'offered') {
      ok(!held.has(c.offerTicket as string), `ticket ${c.offerTicket} held twice`);
      held.add(c.offerTicket as string);
      const t = desk.tickets.get(c.offerTicket as TicketId);
      ok(t?.state === 'offered' && t.offeredTo === c.id, `clerk ${c.id} offer matches its ticket`);
      ok(desk.offers.has(c.id), `clerk ${c.id} in offers`);
    } else {
      ok(!desk.offers.has(c.id), `clerk ${c.id} not in offers`);
    }
    ok(desk.wrapUps.has(c.id) === (c.state === 'wrap_up'), `clerk ${c.id} in wrap-ups`);
    for (const s of c.skills) {
      ok((desk.available.get(s.queue)?.[s.level]?.has(c.id) ?? false) === (c.state === 'available'), `clerk ${c.id} availability`);
      const row = counts.get(s.queue) ?? { offline: 0, available: 0, offered: 0, busy: 0, wrap_up: 0, away: 0 };
      row[c.state]++;
      counts.set(s.queue, row);
    }
  }
  const heads = new Map<string, number>();
  for (const [key, set] of desk.waiting) {
    const head = set.first();
    if (head) heads.set(key, head.score);
  }
  ok(desk.active.size === heads.size, 'active holds every waiting key with a ticket, and no other');
  for (const [key, score] of heads) ok(desk.active.score(key) === score, `active head of ${key}`);
  for (const [q, row] of counts) {
    ok(JSON.stringify(desk.counts(q)) === JSON.stringify(row), `counts of ${q}`);
    const staffed = desk.staffedLevels.get(q) ?? new Array<number>(10).fill(0);
    const expected = new Array<number>(10).fill(0);
    for (const c of desk.clerks.values()) {
      const level = c.skills.find((s) => s.queue === q)?.level;
      if (level !== undefined && STAFFED_STATES.includes(c.state)) expected[level]!++;
    }
    ok(JSON.stringify(staffed) === JSON.stringify(expected), `staffed levels of ${q}`);
  }
}

describe('desk random walk', () => {
  it('keeps every index consistent, and a refused step changes nothing, over 2,000 random steps', () => {
    const desk = new Desk(testCatalogue(), { rejectDelaySeconds: 5, dropGraceSeconds: 20 });
    let seed = 12345;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
    const queues = ['A', 'B', 'C', 'RR', 'FC'];
    const cases = ['a1', 'a2', 'b1', 'c1', 'rr1', 'fc1'];
    for (let i = 0; i < 12; i++) {
      desk.registerClerk(clerkProfile(`k${i}`, [[pick(queues), 1 + Math.floor(rand() * 3)], [pick(queues), 2]].filter((s, j, all) => all.findIndex((o) => o[0] === s[0]) === j) as [string, number][], { accessibility: i % 4 === 0 ? ['captions'] : [] }), T0);
    }
    const clerks = [...desk.clerks.keys()];
    let now = T0;
    let refused = 0;
    for (let step = 0; step < 2000; step++) {
      now += Math.floor(rand() * 1500);
      const tickets = [...desk.tickets.keys()];
      const calls = [...desk.activeCalls];
      const before = JSON.stringify([[...desk.tickets], [...desk.clerks], [...desk.calls]]);
      try {
        const dice = rand();
        if (dice < 0.15) desk.enqueue(ticketInput(`t${step}`, pick(cases), { accessibility: rand() < 0.1 ? ['captions'] : [], appointment: rand() < 0.1 }), now);
        else if (dice < 0.3) desk.match(now, 5);
        else if (dice < 0.47) {
          // mostly the clerk's own offer (sometimes late), sometimes a wrong ticket
          const clerk = desk.clerks.get(pick(clerks))!;
          const ticket = clerk.offerTicket && rand() < 0.8 ? clerk.offerTicket : pick(tickets.length ? tickets : ['none' as TicketId]);
          if (dice < 0.4) desk.accept(clerk.id, ticket, now);
          else desk.decline(clerk.id, ticket, now);
        }
        else if (dice < 0.55) desk.setClerkState(pick(clerks), pick([{ state: 'available' }, { state: 'available' }, { state: 'available' }, { state: 'offline' }, { state: 'away', reason: 'break' }] as const), now);
        else if (dice < 0.62) desk.endCall(pick(calls.length ? calls : ['none' as CallId]), 'clerk_ended', now);
        else if (dice < 0.65) desk.transfer(pick(calls.length ? calls : ['none' as CallId]), rand() < 0.5 ? { kind: 'queue', queue: pick(queues) as QueueId } : { kind: 'clerk', clerk: pick(clerks) }, 'note', now);
        else if (dice < 0.7) desk.drop(pick(tickets.length ? tickets : ['none' as TicketId]), now);
        else if (dice < 0.75) {
          const t = pick(tickets.length ? tickets : ['none' as TicketId]);
          desk.resume(t, ticketInput(t, 'a1').resumeSecret, now);
        } else if (dice < 0.78) desk.cancel(pick(tickets.length ? tickets : ['none' as TicketId]), now);
        else if (dice < 0.82) desk.wrapUpDone(pick(clerks), { state: 'available' }, now);
        else desk.sweep(now);
        desk.drainEvents();
      } catch (error) {
        expect(error).toBeInstanceOf(AblakError);
        expect(JSON.stringify([[...desk.tickets], [...desk.clerks], [...desk.calls]]), 'a refused step changes nothing').toBe(before);
        expect(desk.drainEvents().filter((e) => e.type !== 'stats:changed')).toEqual([]);
        refused++;
      }
      checkInvariants(desk);
    }
    expect(refused).toBeGreaterThan(100);
    expect([...desk.calls.values()].filter((c) => c.endedAt !== null).length).toBeGreaterThan(5);
  }, 120_000);
});
