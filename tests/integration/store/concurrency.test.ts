/**
 * Four matchers (four RedisStore instances, each with its own connections) race on one real Redis
 * over 10,000 tickets and 500 clerks, with random accepts, declines, timeouts, drops, resumes and
 * cancels, on a simulated clock. An observer checks every published event in Redis' serial order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AblakError } from '@ablak/protocol';
import type { CallId, ClerkId, QueueId, TicketId, TicketState } from '@ablak/protocol';
import { startRedis, type RedisServer } from '@ablak/tests/harness';
import { parseCatalogue } from '../../../signaling/src/queue/catalogue';
import { RedisStore, type StoreEvent } from '../../../signaling/src/store';
import { T0, clerkProfile, ticketInput } from '../../../signaling/src/store/test-fixtures';

const TICKETS = 10_000;
const CLERKS = 500;
const MATCHERS = 4;
const QUEUES = ['A', 'B', 'C', 'D', 'E'];

const catalogue = parseCatalogue({
  version: 1,
  tierStepSeconds: 5,
  queues: QUEUES.map((id) => ({ id, name: { hu: id, en: id }, wrapUpSeconds: 3, offerTimeoutSeconds: 8 })),
  caseTypes: QUEUES.map((q) => ({ code: `${q}1`, name: { hu: q, en: q }, category: 'c', categoryName: { hu: 'c', en: 'c' }, queue: q, expectedMinutes: 5 })),
});

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXPECTED_RACE_CODES = new Set(['OFFER_EXPIRED', 'OFFER_NOT_YOURS', 'CONFLICT', 'TICKET_CLOSED', 'CALL_NOT_FOUND']);

describe('RedisStore under four racing matchers', () => {
  let redis: RedisServer;
  const stores: RedisStore[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    for (let i = 0; i < MATCHERS; i++) {
      stores.push(await RedisStore.create(catalogue, { url: redis.url, prefix: '{race}:', dropGraceSeconds: 4, rejectDelaySeconds: 2 }));
    }
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await redis.stop();
  });

  it('never offers a ticket or a clerk twice, loses no ticket, and ends every ticket in exactly one final state', async () => {
    // --- observer: Redis publishes the events of each script in the order the scripts ran ---
    const violations: string[] = [];
    const offerOfTicket = new Map<string, string>();
    const offerOfClerk = new Map<string, string>();
    let offersMade = 0;
    const observer = (e: StoreEvent) => {
      if (e.type === 'offer:made') {
        offersMade++;
        const t = e.offer.ticket.id;
        const c = e.offer.clerkId;
        if (offerOfTicket.has(t)) violations.push(`ticket ${t} offered to ${c} while offered to ${offerOfTicket.get(t)}`);
        if (offerOfClerk.has(c)) violations.push(`clerk ${c} offered ${t} while holding ${offerOfClerk.get(c)}`);
        offerOfTicket.set(t, c);
        offerOfClerk.set(c, t);
      } else if (e.type === 'ticket:moved' && e.reason !== 'offered') {
        const c = offerOfTicket.get(e.ticketId);
        if (c !== undefined) {
          offerOfTicket.delete(e.ticketId);
          offerOfClerk.delete(c);
        }
      }
    };
    const unsubscribe = await stores[0]!.subscribe(observer);

    // --- setup: 500 clerks with one to three skills, 10,000 tickets spread over the queues ---
    const random = rng(42);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const clerkIds: ClerkId[] = [];
    await Promise.all(
      Array.from({ length: CLERKS }, (_, i) => {
        const skills = new Map<string, number>();
        const n = 1 + Math.floor(random() * 3);
        for (let k = 0; k < n; k++) skills.set(pick(QUEUES), 1 + Math.floor(random() * 3));
        const id = `k${i}`;
        clerkIds.push(id as ClerkId);
        const store = stores[i % MATCHERS]!;
        return store.registerClerk(clerkProfile(id, [...skills]), T0).then(() => store.setClerkState(id as ClerkId, { state: 'available' }, T0));
      }),
    );
    const ticketIds: TicketId[] = [];
    for (let batch = 0; batch < TICKETS; batch += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, j) => {
          const id = `t${batch + j}`;
          ticketIds.push(id as TicketId);
          return stores[j % MATCHERS]!.enqueue(ticketInput(id, `${pick(QUEUES)}1`, { language: random() < 0.9 ? 'hu' : 'en' }), T0 + batch + j);
        }),
      );
    }

    // --- the race: rounds of one simulated second; in each, all four matchers act at once ---
    let now = T0 + TICKETS;
    const callEnds = new Map<CallId, number>();
    const dropped = new Set<TicketId>();
    const tally = { accepted: 0, declined: 0, ignored: 0, dropped: 0, resumed: 0, cancelled: 0, raceErrors: 0 };
    const raced = async (p: Promise<unknown>) => {
      try {
        await p;
        return true;
      } catch (error) {
        if (error instanceof AblakError && EXPECTED_RACE_CODES.has(error.code)) {
          tally.raceErrors++;
          return false;
        }
        throw error;
      }
    };

    const act = async (store: RedisStore, m: number) => {
      const r = rng(now + m);
      await store.sweep(now);
      const offers = await store.match(now, { limit: 200 });
      await Promise.all(
        offers.map(async (offer) => {
          const dice = r();
          // another matcher (any node) answers for the same clerk: a deliberate race
          const answering = stores[Math.floor(r() * MATCHERS)]!;
          if (dice < 0.7) {
            const ok = await raced(answering.accept(offer.clerkId, offer.ticket.id, now).then((call) => callEnds.set(call.id, now + 1000 + Math.floor(r() * 8000))));
            if (ok) tally.accepted++;
          } else if (dice < 0.8) {
            if (await raced(answering.decline(offer.clerkId, offer.ticket.id, now))) tally.declined++;
          } else if (dice < 0.9) {
            tally.ignored++; // no answer: the sweep times it out
          } else {
            if (await raced(answering.drop(offer.ticket.id, now))) {
              tally.dropped++;
              dropped.add(offer.ticket.id);
            }
          }
        }),
      );
      // citizens come back (or not), some give up, away clerks return, calls end (two nodes may race)
      for (const t of [...dropped]) {
        if (r() < 0.3) {
          dropped.delete(t);
          if (await raced(store.resume(t, ticketInput(t, 'A1').resumeSecret, now))) tally.resumed++;
        }
      }
      if (r() < 0.3) {
        if (await raced(store.cancel(pick(ticketIds), now))) tally.cancelled++;
      }
      for (let i = 0; i < 20; i++) {
        const k = clerkIds[Math.floor(r() * clerkIds.length)]!;
        const view = await store.getClerk(k);
        if (view?.state === 'away') await raced(store.setClerkState(k, { state: 'available' }, now));
      }
      for (const [id, end] of callEnds) {
        if (end <= now && r() < 0.8) {
          callEnds.delete(id);
          await raced(store.endCall(id, 'clerk_ended', now));
          if (r() < 0.2) await raced(stores[(m + 1) % MATCHERS]!.endCall(id, 'citizen_ended', now));
        }
      }
    };

    for (let round = 0; round < 5000; round++) {
      now += 1000;
      await Promise.all(stores.map((s, m) => act(s, m)));
      if (round % 25 === 0) {
        const open = await stores[0]!.queueStats(now, QUEUES as QueueId[]);
        const waiting = open.reduce((a, q) => a + q.waiting, 0);
        if (waiting === 0 && callEnds.size === 0 && (await stores[0]!.activeCalls()).length === 0) {
          const left = await Promise.all(ticketIds.slice(0, 1).map((t) => stores[0]!.getTicket(t)));
          if (left.every(Boolean)) {
            // drops still in grace resolve on later sweeps; keep going until none is waiting
            const all = await Promise.all(ticketIds.map((t) => stores[0]!.getTicket(t)));
            if (all.every((t) => t && (t.state === 'ended' || t.state === 'abandoned' || t.state === 'expired'))) break;
          }
        }
      }
    }
    // let the observer drain the last published events
    await new Promise((resolve) => setTimeout(resolve, 200));
    unsubscribe();

    // --- checks ---
    const tickets = await Promise.all(ticketIds.map((t) => stores[1]!.getTicket(t)));
    const states = new Map<TicketState, number>();
    for (const t of tickets) {
      expect(t, 'no ticket lost').not.toBeNull();
      states.set(t!.state, (states.get(t!.state) ?? 0) + 1);
    }
    const final = (states.get('ended') ?? 0) + (states.get('abandoned') ?? 0) + (states.get('expired') ?? 0);
    console.log('race tally', { ...tally, offersMade, states: Object.fromEntries(states) });
    expect(violations).toEqual([]);
    expect(final, `every ticket final: ${JSON.stringify(Object.fromEntries(states))}`).toBe(TICKETS);
    expect(states.get('ended') ?? 0).toBeGreaterThan(TICKETS / 2);
    expect(tally.declined + tally.ignored + tally.dropped).toBeGreaterThan(0);
    expect(offersMade).toBeGreaterThan(TICKETS);
    const clerks = await stores[2]!.clerkViews();
    expect(clerks.filter((c) => c.state === 'offered' || c.state === 'busy')).toEqual([]);
    // the per-queue clerk counts the scripts keep agree with the clerk records
    for (const q of await stores[3]!.queueStats(now, QUEUES as QueueId[])) {
      const expected: Record<string, number> = { offline: 0, available: 0, offered: 0, busy: 0, wrap_up: 0, away: 0 };
      for (const c of clerks) if (c.skills.some((s) => s.queue === q.queue)) expected[c.state]!++;
      expect(q.clerksByState, `clerks by state of ${q.queue}`).toEqual(expected);
      expect(q.waiting).toBe(0);
    }
    expect(await stores[3]!.activeCalls()).toEqual([]);
  }, 600_000);
});
