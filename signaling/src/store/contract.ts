/**
 * The store contract: every Store implementation passes this suite (MemoryStore in the unit project,
 * RedisStore on a real redis-server in tests/integration/store).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AblakError } from '@ablak/protocol';
import type { CallId, ClerkId, ErrorCode, QueueId, SfuNodeId, TicketId } from '@ablak/protocol';
import { parseCatalogue, type Catalogue } from '../queue/catalogue';
import { T0, clerkProfile, testCatalogue, ticketInput } from './test-fixtures';
import type { Store, StoreEvent, StoreOptions } from './types';

export type StoreFactory = (catalogue: Catalogue, options?: StoreOptions) => Promise<Store>;

const tid = (s: string) => s as TicketId;
const cid = (s: string) => s as ClerkId;
const qid = (s: string) => s as QueueId;

export async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(AblakError);
  expect((error as AblakError).code).toBe(code);
}

export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    const open: Store[] = [];
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });
    async function make(options?: StoreOptions): Promise<Store> {
      const store = await factory(testCatalogue(), options);
      open.push(store);
      return store;
    }
    async function clerk(store: Store, id: string, skills: [string, number][], extra?: Parameters<typeof clerkProfile>[2], at = T0) {
      await store.registerClerk(clerkProfile(id, skills, extra), at);
      return store.setClerkState(cid(id), { state: 'available' }, at);
    }

    it('refuses an unknown case type with UNKNOWN_CASE_TYPE and queues nothing', async () => {
      const store = await make();
      await expectCode(store.enqueue(ticketInput('t1', 'nope'), T0), 'UNKNOWN_CASE_TYPE');
      expect(await store.getTicket(tid('t1'))).toBeNull();
      const [a] = await store.queueStats(T0, [qid('A')]);
      expect(a?.waiting).toBe(0);
    });

    it('returns the same ticket when the same id is enqueued twice', async () => {
      const store = await make();
      const first = await store.enqueue(ticketInput('t1', 'a1'), T0);
      const again = await store.enqueue(ticketInput('t1', 'a1'), T0 + 5000);
      expect(again).toEqual(first);
      expect((await store.positions(qid('A'), T0)).length).toBe(1);
    });

    it('offers a waiting ticket to an available clerk with the skill, with a 15 s deadline', async () => {
      const store = await make();
      await clerk(store, 'k1', [['A', 1]]);
      await store.enqueue(ticketInput('t1', 'a1'), T0);
      const offers = await store.match(T0 + 100);
      expect(offers).toHaveLength(1);
      expect(offers[0]?.clerkId).toBe('k1');
      expect(offers[0]?.ticket.id).toBe('t1');
      expect(offers[0]?.deadline).toBe(T0 + 100 + 15_000);
      expect((await store.getClerk(cid('k1')))?.state).toBe('offered');
      expect((await store.getTicket(tid('t1')))?.state).toBe('offered');
      expect(await store.match(T0 + 200)).toHaveLength(0);
    });

    it('offers nobody without the skill, the language or the accessibility need', async () => {
      const store = await make();
      await clerk(store, 'k-b', [['B', 1]]);
      await clerk(store, 'k-en', [['A', 1]], { languages: ['en'] });
      await store.enqueue(ticketInput('t-hu', 'a1'), T0);
      await store.enqueue(ticketInput('t-sign', 'b1', { accessibility: ['sign_language'] }), T0);
      expect(await store.match(T0 + 1)).toHaveLength(0);
      await clerk(store, 'k-sign', [['B', 1]], { accessibility: ['sign_language'] });
      const offers = await store.match(T0 + 2);
      expect(offers.map((o) => [o.clerkId, o.ticket.id])).toEqual([['k-sign', 't-sign']]);
    });

    it('gives the ticket to the clerk idle longest (longest-idle)', async () => {
      const store = await make();
      await clerk(store, 'k-late', [['A', 1]], {}, T0 + 50);
      await clerk(store, 'k-early', [['A', 1]], {}, T0 + 10);
      await store.enqueue(ticketInput('t1', 'a1'), T0 + 100);
      const [offer] = await store.match(T0 + 100);
      expect(offer?.clerkId).toBe('k-early');
    });

    for (const [queue, caseType, winner] of [
      ['A', 'a1', 'k1'],
      ['RR', 'rr1', 'k2'],
      ['FC', 'fc1', 'k2'],
      ['LT', 'lt1', 'k2'],
    ] as const) {
      it(`routes by the queue's strategy: ${queue} gives the next ticket to ${winner}`, async () => {
        // k1 served a call and is back first; k2 never served and comes back later
        const store = await make();
        await clerk(store, 'k1', [[queue, 1]]);
        await store.registerClerk(clerkProfile('k2', [[queue, 1]]), T0);
        await store.enqueue(ticketInput('first', caseType), T0);
        await store.match(T0 + 1);
        const call = await store.accept(cid('k1'), tid('first'), T0 + 2);
        await store.endCall(call.id, 'clerk_ended', T0 + 60_000);
        await store.wrapUpDone(cid('k1'), { state: 'available' }, T0 + 61_000);
        await store.setClerkState(cid('k2'), { state: 'available' }, T0 + 62_000);
        await store.enqueue(ticketInput('second', caseType), T0 + 63_000);
        expect((await store.match(T0 + 63_000)).map((o) => o.clerkId)).toEqual([winner]);
      });
    }

    it('offers a lower-tier clerk only after the ticket waited or when no better clerk is staffed', async () => {
      const store = await make();
      await clerk(store, 'k3', [['A', 3]]);
      await store.enqueue(ticketInput('t1', 'a1'), T0);
      // no better clerk staffed: the level-3 clerk is offered at once
      expect((await store.match(T0 + 1)).map((o) => o.clerkId)).toEqual(['k3']);
      await store.decline(cid('k3'), tid('t1'), T0 + 2);
      // a level-1 clerk signs in and is busy elsewhere: k3 must wait (3 - 1) × 20 s of waiting
      await clerk(store, 'k1', [['A', 1]], {}, T0 + 3);
      await store.enqueue(ticketInput('t0', 'a1', { appointment: true }), T0 + 3);
      const [busy] = await store.match(T0 + 4);
      expect(busy?.clerkId).toBe('k1');
      await store.accept(cid('k1'), tid('t0'), T0 + 5);
      expect(await store.match(T0 + 20_000)).toHaveLength(0);
      expect((await store.match(T0 + 40_000)).map((o) => [o.clerkId, o.ticket.id])).toEqual([['k3', 't1']]);
    });

    it('steps tiers by the queue’s own tier step where it sets one', async () => {
      // queue A waits 5 s per level, B keeps the catalogue's 20 s
      const file = {
        version: 1,
        tierStepSeconds: 20,
        queues: [{ id: 'A', name: { hu: 'A', en: 'A' }, tierStepSeconds: 5 }, { id: 'B', name: { hu: 'B', en: 'B' } }],
        caseTypes: ['A', 'B'].map((q) => ({ code: `${q.toLowerCase()}1`, name: { hu: q, en: q }, category: 'c', categoryName: { hu: 'c', en: 'c' }, queue: q, expectedMinutes: 5 })),
      };
      const store = await factory(parseCatalogue(file));
      open.push(store);
      await clerk(store, 'best', [['A', 1], ['B', 1]]);
      await store.enqueue(ticketInput('keep-best-busy', 'a1', { appointment: true }), T0);
      const [busy] = await store.match(T0 + 1);
      await store.accept(busy!.clerkId, busy!.ticket.id, T0 + 2);
      await clerk(store, 'second', [['A', 2], ['B', 2]], {}, T0 + 3);
      await store.enqueue(ticketInput('in-a', 'a1'), T0 + 10);
      await store.enqueue(ticketInput('in-b', 'b1'), T0 + 10);
      expect(await store.match(T0 + 4_000)).toHaveLength(0);
      expect((await store.match(T0 + 5_010)).map((o) => o.ticket.id)).toEqual(['in-a']);
      const call = await store.accept(cid('second'), tid('in-a'), T0 + 5_020);
      await store.endCall(call.id, 'clerk_ended', T0 + 5_030);
      await store.wrapUpDone(cid('second'), { state: 'available' }, T0 + 5_040);
      expect(await store.match(T0 + 20_000)).toHaveLength(0);
      expect((await store.match(T0 + 20_010)).map((o) => o.ticket.id)).toEqual(['in-b']);
    });

    it('serves an appointment first but never starves a ticket that waited longer than its head start', async () => {
      const store = await make();
      await store.enqueue(ticketInput('plain-old', 'a1'), T0);
      await store.enqueue(ticketInput('appt-new', 'a1', { appointment: true }), T0 + 400_000);
      await store.enqueue(ticketInput('plain-new', 'a1'), T0 + 400_000);
      await store.enqueue(ticketInput('appt-soon', 'a1', { appointment: true }), T0 + 200_000);
      const order = (await store.positions(qid('A'), T0 + 400_000)).map((p) => p.ticketId);
      expect(order).toEqual(['appt-soon', 'plain-old', 'appt-new', 'plain-new']);
    });

    it('gives a clerk with skills in three queues the best-scored ticket across them', async () => {
      const store = await make();
      await store.enqueue(ticketInput('a-new', 'a1'), T0 + 3000);
      await store.enqueue(ticketInput('b-old', 'b1'), T0 + 1000);
      await store.enqueue(ticketInput('c-mid', 'c1'), T0 + 2000);
      await clerk(store, 'k', [['A', 1], ['B', 1], ['C', 1]], {}, T0 + 4000);
      const order: string[] = [];
      for (let i = 0; i < 3; i++) {
        const [offer] = await store.match(T0 + 5000 + i * 10);
        if (!offer) break;
        order.push(offer.ticket.id);
        const call = await store.accept(cid('k'), offer.ticket.id, T0 + 5001 + i * 10);
        await store.endCall(call.id, 'clerk_ended', T0 + 5002 + i * 10);
        await store.wrapUpDone(cid('k'), { state: 'available' }, T0 + 5003 + i * 10);
      }
      expect(order).toEqual(['b-old', 'c-mid', 'a-new']);
    });

    it('connects on accept; refuses an expired, a foreign or an unknown clerk’s accept and changes nothing', async () => {
      const store = await make();
      await clerk(store, 'k1', [['A', 1]]);
      await clerk(store, 'k2', [['B', 1]]);
      await store.enqueue(ticketInput('t1', 'a1'), T0);
      const [offer] = await store.match(T0);
      expect(offer).toBeDefined();
      await expectCode(store.accept(cid('k2'), tid('t1'), T0 + 1), 'OFFER_NOT_YOURS');
      await expectCode(store.accept(cid('ghost'), tid('t1'), T0 + 1), 'UNKNOWN_CLERK');
      await expectCode(store.accept(cid('k1'), tid('t1'), T0 + 15_000), 'OFFER_EXPIRED');
      expect((await store.getTicket(tid('t1')))?.state).toBe('offered');
      expect((await store.getClerk(cid('k1')))?.state).toBe('offered');
      expect((await store.getClerk(cid('k2')))?.state).toBe('available');
      const call = await store.accept(cid('k1'), tid('t1'), T0 + 2000);
      expect(call.clerkId).toBe('k1');
      expect(call.waitedSeconds).toBe(2);
      expect((await store.getTicket(tid('t1')))?.state).toBe('connected');
      expect((await store.getClerk(cid('k1')))?.currentCall).toBe(call.id);
      expect(await store.getCall(call.id)).toEqual(call);
      expect((await store.activeCalls()).map((c) => c.id)).toEqual([call.id]);
    });

    it('makes an unanswered clerk away(no_answer) and gives the ticket back its place, once', async () => {
      const store = await make();
      await clerk(store, 'k1', [['A', 1]]);
      await store.enqueue(ticketInput('t1', 'a1'), T0);
      await store.enqueue(ticketInput('t2', 'a1'), T0 + 1);
      await store.match(T0 + 2);
      const first = await store.sweep(T0 + 15_002);
      const second = await store.sweep(T0 + 15_003);
      expect(first.expiredOffers.map((o) => o.ticket.id)).toEqual(['t1']);
      expect(second.expiredOffers).toHaveLength(0);
      const k1 = await store.getClerk(cid('k1'));
      expect([k1?.state, k1?.awayReason]).toEqual(['away', 'no_answer']);
      expect((await store.position(tid('t1'), T0 + 15_004)).position).toBe(1);
      await expectCode(store.accept(cid('k1'), tid('t1'), T0 + 15_005), 'OFFER_EXPIRED');
    });

    it('keeps a declining clerk out for the reject delay and the ticket in its place', async () => {
      const store = await make({ rejectDelaySeconds: 10 });
      await clerk(store, 'k1', [['A', 1]]);
      await store.enqueue(ticketInput('t1', 'a1'), T0);
      await store.match(T0);
      await store.decline(cid('k1'), tid('t1'), T0 + 1000);
      expect((await store.getTicket(tid('t1')))?.state).toBe('waiting');
      expect(await store.match(T0 + 5000)).toHaveLength(0);
      expect((await store.match(T0 + 11_001)).map((o) => o.clerkId)).toEqual(['k1']);
    });

    it('puts the clerk in wrap-up after a call, then available unless they chose otherwise', async () => {
      const store = await make();
      await clerk(store, 'k1', [['A', 1]]);
      await clerk(store, 'k2', [['A', 1]], {}, T0 + 1);
      await store.enqueue(ticketInput('t1', 'a1'), T0);
      await store.enqueue(ticketInput('t2', 'a1'), T0);
      for (const o of await store.match(T0 + 10)) await store.accept(o.clerkId, o.ticket.id, T0 + 20);
      const calls = await store.activeCalls();
      expect(calls).toHaveLength(2);
      const [c1, c2] = calls.sort((a, b) => (a.clerkId < b.clerkId ? -1 : 1));
      const ended = await store.endCall(c1!.id, 'clerk_ended', T0 + 60_020);
      expect(ended.wrapUpUntil).toBe(T0 + 90_020);
      expect(ended.clerk.state).toBe('wrap_up');
      expect(ended.clerk.callsToday).toBe(1);
      expect(ended.clerk.talkSecondsToday).toBe(60);
      await store.endCall(c2!.id, 'citizen_ended', T0 + 60_020);
      await store.setClerkState(cid('k2'), { state: 'away', reason: 'break' }, T0 + 61_000);
      await expectCode(store.endCall(c1!.id, 'clerk_ended', T0 + 61_000), 'CONFLICT');
      const swept = await store.sweep(T0 + 90_020);
      expect(swept.wrapUpsEnded.map((c) => [c.id, c.state]).sort()).toEqual([['k1', 'available'], ['k2', 'away']]);
      expect((await store.getTicket(tid('t1')))?.state).toBe('ended');
    });

    it('ends wrap-up early on wrapUpDone and refuses it outside wrap-up', async () => {
      const store = await make();
      await clerk(store, 'k1', [['A', 1]]);
      await store.enqueue(ticketInput('t1', 'a1'), T0);
      await store.match(T0);
      const call = await store.accept(cid('k1'), tid('t1'), T0 + 1);
      await expectCode(store.setClerkState(cid('k1'), { state: 'offline' }, T0 + 2), 'CONFLICT');
      await store.endCall(call.id, 'clerk_ended', T0 + 3);
      const view = await store.wrapUpDone(cid('k1'), { state: 'offline' }, T0 + 4);
      expect(view.state).toBe('offline');
      await expectCode(store.wrapUpDone(cid('k1'), { state: 'available' }, T0 + 5), 'CONFLICT');
      expect(await store.sweep(T0 + 60_000)).toMatchObject({ wrapUpsEnded: [] });
    });

    it('keeps a dropped ticket’s place for the grace period and gives it back on resume with the secret', async () => {
      const store = await make({ dropGraceSeconds: 60 });
      await store.enqueue(ticketInput('t1', 'a1'), T0);
      await store.enqueue(ticketInput('t2', 'a1'), T0 + 1);
      await store.drop(tid('t1'), T0 + 10);
      await clerk(store, 'k1', [['A', 1]], {}, T0 + 11);
      expect((await store.match(T0 + 12)).map((o) => o.ticket.id)).toEqual(['t2']);
      await store.decline(cid('k1'), tid('t2'), T0 + 13);
      await expectCode(store.resume(tid('t1'), 'wrong-secret-0000000', T0 + 14), 'RESUME_REJECTED');
      await store.resume(tid('t1'), ticketInput('t1', 'a1').resumeSecret, T0 + 15);
      expect((await store.position(tid('t1'), T0 + 16)).position).toBe(1);
      await store.drop(tid('t2'), T0 + 20);
      const swept = await store.sweep(T0 + 60_020);
      expect(swept.expiredDrops.map((t) => [t.id, t.state])).toEqual([['t2', 'expired']]);
      await expectCode(store.resume(tid('t2'), ticketInput('t2', 'a1').resumeSecret, T0 + 60_021), 'TICKET_CLOSED');
    });

    it('withdraws the offer when the citizen cancels, and the clerk is available again', async () => {
      const store = await make();
      await clerk(store, 'k1', [['A', 1]]);
      await store.enqueue(ticketInput('t1', 'a1'), T0);
      await store.match(T0);
      const cancelled = await store.cancel(tid('t1'), T0 + 1);
      expect(cancelled.state).toBe('abandoned');
      expect((await store.getClerk(cid('k1')))?.state).toBe('available');
      await expectCode(store.cancel(tid('t1'), T0 + 2), 'TICKET_CLOSED');
      await expectCode(store.cancel(tid('nope'), T0 + 2), 'TICKET_NOT_FOUND');
      const [a] = await store.queueStats(T0 + 3, [qid('A')]);
      expect(a?.abandonedToday).toBe(1);
      expect(a?.abandonmentRate).toBe(1);
    });

    it('transfers a connected citizen to another queue with priority kept and the note attached', async () => {
      const store = await make();
      await clerk(store, 'k1', [['A', 1]]);
      await store.enqueue(ticketInput('t1', 'a1', { appointment: true }), T0);
      await store.match(T0);
      const call = await store.accept(cid('k1'), tid('t1'), T0 + 1);
      await store.enqueue(ticketInput('b-waiting', 'b1'), T0 + 2);
      const result = await store.transfer(call.id, { kind: 'queue', queue: qid('B') }, 'needs B', T0 + 60_000);
      expect(result.call.endReason).toBe('transferred');
      expect(result.ticket).toMatchObject({ state: 'waiting', queue: 'B', transferNote: 'needs B', priority: 'transfer' });
      expect((await store.positions(qid('B'), T0 + 60_001)).map((p) => p.ticketId)).toEqual(['t1', 'b-waiting']);
      await expectCode(store.transfer(call.id, { kind: 'queue', queue: qid('B') }, '', T0 + 60_002), 'CONFLICT');
      await clerk(store, 'kb', [['B', 1]], {}, T0 + 60_003);
      const [offer] = await store.match(T0 + 60_004);
      expect(offer?.ticket).toMatchObject({ id: 't1', transferNote: 'needs B' });
    });

    it('transfers to a named clerk: only that clerk is offered the ticket', async () => {
      const store = await make();
      await clerk(store, 'k1', [['A', 1]]);
      await store.enqueue(ticketInput('t1', 'a1'), T0);
      await store.match(T0);
      const call = await store.accept(cid('k1'), tid('t1'), T0 + 1);
      await store.registerClerk(clerkProfile('named', [['C', 1]]), T0 + 2);
      await expectCode(store.transfer(call.id, { kind: 'clerk', clerk: cid('ghost') }, '', T0 + 3), 'UNKNOWN_CLERK');
      await store.transfer(call.id, { kind: 'clerk', clerk: cid('named') }, 'for you', T0 + 4);
      await clerk(store, 'other', [['A', 1]], {}, T0 + 5);
      expect(await store.match(T0 + 6)).toHaveLength(0);
      await store.setClerkState(cid('named'), { state: 'available' }, T0 + 7);
      expect((await store.match(T0 + 8)).map((o) => [o.clerkId, o.ticket.id])).toEqual([['named', 't1']]);
    });

    it('estimates a longer wait for a later position', async () => {
      const store = await make();
      await clerk(store, 'k1', [['A', 1]]);
      await store.enqueue(ticketInput('busy', 'a1'), T0);
      await store.match(T0);
      await store.accept(cid('k1'), tid('busy'), T0);
      for (let i = 0; i < 5; i++) await store.enqueue(ticketInput(`t${i}`, 'a1'), T0 + 1 + i);
      const positions = await store.positions(qid('A'), T0 + 10);
      expect(positions.map((p) => p.position)).toEqual([1, 2, 3, 4, 5]);
      expect(positions[0]?.clerksServing).toBe(1);
      expect(positions[0]!.estimatedWaitSeconds).toBeGreaterThan(0);
      for (let i = 1; i < positions.length; i++) {
        expect(positions[i]!.estimatedWaitSeconds).toBeGreaterThan(positions[i - 1]!.estimatedWaitSeconds);
      }
      expect(await store.position(tid('t3'), T0 + 10)).toEqual(positions[3]);
    });

    it('gives tickets enqueued in the same millisecond a place each, numbered as positions() numbers them', async () => {
      const store = await make();
      for (let i = 0; i < 6; i++) await store.enqueue(ticketInput(`same${i}`, 'a1'), T0);
      const positions = await store.positions(qid('A'), T0 + 1);
      expect(positions.map((p) => p.position)).toEqual([1, 2, 3, 4, 5, 6]);
      for (const p of positions) expect((await store.position(p.ticketId, T0 + 1)).position).toBe(p.position);
    });

    it('reports queue figures: answered, service level, speed of answer, handle time, clerks by state', async () => {
      const store = await make();
      await clerk(store, 'k1', [['A', 1]]);
      await store.registerClerk(clerkProfile('k-off', [['A', 2]]), T0);
      await store.enqueue(ticketInput('fast', 'a1'), T0);
      await store.enqueue(ticketInput('slow', 'a1'), T0);
      await store.match(T0 + 10_000);
      const c1 = await store.accept(cid('k1'), tid('fast'), T0 + 10_000);
      await store.endCall(c1.id, 'clerk_ended', T0 + 130_000);
      await store.wrapUpDone(cid('k1'), { state: 'available' }, T0 + 131_000);
      await store.match(T0 + 131_000);
      await store.accept(cid('k1'), tid('slow'), T0 + 131_000);
      const [a] = await store.queueStats(T0 + 132_000, [qid('A')]);
      expect(a).toMatchObject({
        queue: 'A',
        waiting: 0,
        answeredToday: 2,
        serviceLevelToday: 0.5,
        serviceLevel15m: 0.5,
        averageSpeedOfAnswerSeconds: (10 + 131) / 2,
        averageHandleSeconds: 120,
        clerksStaffed: 1,
        clerksAvailable: 0,
      });
      expect(a?.clerksByState).toMatchObject({ busy: 1, offline: 1, available: 0 });
      expect(a!.clerksNeeded).toBeGreaterThanOrEqual(1);
    });

    it('hands out case references that only grow, per year, and one per call', async () => {
      const store = await make();
      expect(await store.nextCaseReference(2026)).toBe('ABL-2026-000001');
      expect(await store.nextCaseReference(2026)).toBe('ABL-2026-000002');
      expect(await store.nextCaseReference(2027)).toBe('ABL-2027-000001');
      await clerk(store, 'k1', [['A', 1]]);
      await store.enqueue(ticketInput('t1', 'a1'), T0);
      await store.match(T0);
      const call = await store.accept(cid('k1'), tid('t1'), T0);
      const ref = await store.openCase(call.id, T0);
      expect(ref).toBe('ABL-2026-000003');
      expect(await store.openCase(call.id, T0 + 1)).toBe(ref);
      await expectCode(store.openCase('call-nope' as CallId, T0), 'CALL_NOT_FOUND');
    });

    it('records one rating per call', async () => {
      const store = await make();
      await clerk(store, 'k1', [['A', 1]]);
      await store.enqueue(ticketInput('t1', 'a1'), T0);
      await store.match(T0);
      const call = await store.accept(cid('k1'), tid('t1'), T0);
      await store.endCall(call.id, 'citizen_ended', T0 + 1000);
      const events: StoreEvent[] = [];
      const unsubscribe = await store.subscribe((e) => events.push(e));
      expect((await store.rateCall(call.id, 5, 'kedves', T0 + 2000)).rating).toBe(5);
      // The supervisor board refreshes on stats:changed, so a rating alone must announce its queue.
      await expect
        .poll(() => events.some((e) => e.type === 'stats:changed' && e.queues.includes(qid('A'))), { timeout: 2000 })
        .toBe(true);
      unsubscribe();
      await expectCode(store.rateCall(call.id, 1, null, T0 + 3000), 'CONFLICT');
      const [a] = await store.queueStats(T0 + 4000, [qid('A')]);
      expect(a?.averageRatingToday).toBe(5);
    });

    it('refuses unknown clerks and illegal clerk moves with typed errors', async () => {
      const store = await make();
      await expectCode(store.setClerkState(cid('ghost'), { state: 'available' }, T0), 'UNKNOWN_CLERK');
      await expectCode(store.registerClerk(clerkProfile('k', [['NOPE', 1]]), T0), 'UNKNOWN_QUEUE');
      await store.registerClerk(clerkProfile('k', [['A', 1]]), T0);
      await expectCode(store.wrapUpDone(cid('k'), { state: 'available' }, T0), 'CONFLICT');
      await expectCode(store.decline(cid('k'), tid('t'), T0), 'TICKET_NOT_FOUND');
      expect((await store.getClerk(cid('k')))?.state).toBe('offline');
    });

    it('forgets closed tickets and ended calls after the retention period, and nothing still open', async () => {
      const store = await make({ retentionSeconds: 3600 });
      await clerk(store, 'k1', [['A', 1]]);
      await store.enqueue(ticketInput('served', 'a1'), T0);
      await store.enqueue(ticketInput('left', 'a1'), T0 + 1);
      await store.enqueue(ticketInput('waits', 'a1'), T0 + 2);
      expect((await store.match(T0 + 3, { limit: 1 })).map((o) => o.ticket.id)).toEqual(['served']);
      const call = await store.accept(cid('k1'), tid('served'), T0 + 1000);
      await store.cancel(tid('left'), T0 + 2000);
      await store.endCall(call.id, 'clerk_ended', T0 + 60_000);
      await store.sweep(T0 + 3_600_000);
      expect((await store.getTicket(tid('left')))?.state).toBe('abandoned');
      expect((await store.getCall(call.id))?.endReason).toBe('clerk_ended');
      await store.sweep(T0 + 3_602_001);
      expect(await store.getTicket(tid('left'))).toBeNull();
      expect((await store.getTicket(tid('served')))?.state).toBe('ended');
      await store.sweep(T0 + 3_660_001);
      expect(await store.getTicket(tid('served'))).toBeNull();
      expect(await store.getCall(call.id)).toBeNull();
      expect((await store.getTicket(tid('waits')))?.state).toBe('waiting');
      await expectCode(store.resume(tid('left'), ticketInput('left', 'a1').resumeSecret, T0 + 3_660_002), 'TICKET_NOT_FOUND');
      const [a] = await store.queueStats(T0 + 3_660_002, [qid('A')]);
      expect([a?.answeredToday, a?.abandonedToday, a?.waiting]).toEqual([1, 1, 1]);
    });

    it('keeps SFU nodes live only while their heartbeat is fresh', async () => {
      const store = await make();
      const info = { id: 'sfu-1' as SfuNodeId, url: 'http://127.0.0.1:1', workers: 2, rooms: 0, consumers: 0, cpu: 0, draining: false, updatedAt: T0 };
      await store.putSfuNode(info);
      expect(await store.liveSfuNodes(T0 + 1000)).toEqual([info]);
      expect(await store.liveSfuNodes(T0 + 10_000)).toEqual([]);
      await store.removeSfuNode(info.id);
      expect(await store.liveSfuNodes(T0)).toEqual([]);
    });

    it('gives the same records in the offer, its events and later reads, and counts offered clerks', async () => {
      const store = await make();
      const events: StoreEvent[] = [];
      const unsubscribe = await store.subscribe((e) => events.push(e));
      await clerk(store, 'k1', [['A', 1], ['B', 2]], { languages: ['hu', 'en'], accessibility: ['sign_language'] });
      await clerk(store, 'k2', [['A', 1]]);
      await store.enqueue(ticketInput('t1', 'a1', { accessibility: ['sign_language'] }), T0);
      await store.enqueue(ticketInput('t2', 'b1', { language: 'en' }), T0 + 1);
      const [offer] = await store.match(T0 + 5000, { limit: 1 });
      expect(offer).toEqual({ clerkId: 'k1', ticket: await store.getTicket(tid('t1')), offeredAt: T0 + 5000, deadline: T0 + 20_000 });
      expect(offer?.ticket).toMatchObject({ state: 'offered', stateSince: T0 + 5000, offeredTo: 'k1', offerDeadline: T0 + 20_000, accessibility: ['sign_language'] });
      expect(await store.currentOffer(cid('k1'))).toEqual(offer);
      await expect.poll(() => events.some((e) => e.type === 'offer:made'), { timeout: 2000 }).toBe(true);
      expect(events.find((e) => e.type === 'offer:made')).toEqual({ type: 'offer:made', offer });
      const view = await store.getClerk(cid('k1'));
      expect(view).toMatchObject({ state: 'offered', stateSince: T0 + 5000, skills: [{ queue: 'A', level: 1 }, { queue: 'B', level: 2 }] });
      expect(events.filter((e) => e.type === 'clerk:state-changed').at(-1)).toEqual({ type: 'clerk:state-changed', clerk: view });
      expect(events.find((e) => e.type === 'ticket:moved' && e.reason === 'offered')).toEqual({
        type: 'ticket:moved', ticketId: 't1', queue: 'A', state: 'offered', reason: 'offered',
      });
      const [a, b] = await store.queueStats(T0 + 5000, [qid('A'), qid('B')]);
      expect(a?.clerksByState).toMatchObject({ offered: 1, available: 1 });
      expect(b?.clerksByState).toMatchObject({ offered: 1, available: 0 });
      // k1 holds an offer, so t2 (B, level 2 only k1) waits; k2 has no B skill
      expect(await store.match(T0 + 5000)).toEqual([]);
      expect((await store.clerkViews()).map((c) => [c.id, c.state]).sort()).toEqual([['k1', 'offered'], ['k2', 'available']]);
      unsubscribe();
    });

    it('tells subscribers about offers, clerk state changes and stats', async () => {
      const store = await make();
      const events: StoreEvent[] = [];
      const unsubscribe = await store.subscribe((e) => events.push(e));
      await clerk(store, 'k1', [['A', 1]]);
      await store.enqueue(ticketInput('t1', 'a1'), T0);
      await store.match(T0);
      await expect.poll(() => events.some((e) => e.type === 'offer:made'), { timeout: 2000 }).toBe(true);
      const made = events.find((e) => e.type === 'offer:made');
      expect(made).toMatchObject({ offer: { clerkId: 'k1', ticket: { id: 't1' } } });
      expect(events.some((e) => e.type === 'clerk:state-changed' && e.clerk.state === 'offered')).toBe(true);
      expect(events.some((e) => e.type === 'stats:changed' && e.queues.includes(qid('A')))).toBe(true);
      unsubscribe();
    });
  });
}
