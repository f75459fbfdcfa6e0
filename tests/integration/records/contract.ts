/**
 * One suite for every record store: run on PGlite (embedded default) and on a real PostgreSQL
 * (fleet). The factory gives a freshly migrated store; each test uses its own ids, so tests do not
 * depend on each other and the append-only audit log never needs clearing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryQuery, type CaseReference } from '@ablak/protocol';
import type { RecordOp, RecordStore } from '@ablak/signaling';

export type RecordStoreFactory = () => Promise<RecordStore>;

const HOUR = 3_600_000;
/** A fixed Tuesday noon in Budapest (UTC+1 in December), well inside one day and one week. */
export const T0 = Date.UTC(2026, 11, 1, 11, 0, 0);

/** Ops of one contact: queued, offered and declined, offered and answered, ended; with a case. */
export function contactLife(opts: { ticket: string; clerk: string; call: string; at?: number; reference?: CaseReference; rating?: number; waitSeconds?: number; handleSeconds?: number }): RecordOp[] {
  const at = opts.at ?? T0;
  const wait = opts.waitSeconds ?? 20;
  const handle = opts.handleSeconds ?? 300;
  const ops: RecordOp[] = [
    { kind: 'contact.queued', ticketId: opts.ticket as never, channel: 'video', caseType: 'ID-01' as never, queue: 'q-id' as never, language: 'hu', accessibility: ['captions'], priority: 'none', citizenName: 'Kiss Anna', queuedAt: at },
    { kind: 'offer.made', ticketId: opts.ticket as never, clerkId: 'other' as never, offeredAt: at + 5_000 },
    { kind: 'offer.decided', ticketId: opts.ticket as never, clerkId: 'other' as never, outcome: 'declined', at: at + 8_000 },
    { kind: 'offer.made', ticketId: opts.ticket as never, clerkId: opts.clerk as never, offeredAt: at + 10_000 },
    { kind: 'leg.started', callId: opts.call as never, ticketId: opts.ticket as never, clerkId: opts.clerk as never, clerkName: 'Clerk', office: 'o-bp' as never, region: 'Budapest', queue: 'q-id' as never, startedAt: at + wait * 1000, waitSeconds: wait, inTarget: wait <= 60 },
  ];
  if (opts.reference)
    ops.push({ kind: 'case.opened', reference: opts.reference, ticketId: opts.ticket as never, callId: opts.call as never, caseType: 'ID-01' as never, citizenName: 'Kiss Anna', clerkId: opts.clerk as never, office: 'o-bp' as never, at: at + wait * 1000 + 1000 });
  ops.push(
    { kind: 'note.added', id: randomUUID(), ticketId: opts.ticket as never, callId: opts.call as never, clerkId: opts.clerk as never, text: 'Passport photo checked', outcome: null, at: at + wait * 1000 + 2000 },
    { kind: 'chat.sent', id: randomUUID(), ticketId: opts.ticket as never, callId: opts.call as never, from: 'citizen', fromName: 'Kiss Anna', text: 'Hello', at: at + wait * 1000 + 3000 },
    { kind: 'leg.ended', callId: opts.call as never, ticketId: opts.ticket as never, endedAt: at + (wait + handle) * 1000, endReason: 'clerk_ended', final: true },
  );
  if (opts.rating)
    ops.push({ kind: 'contact.rated', ticketId: opts.ticket as never, callId: opts.call as never, rating: opts.rating, comment: 'Quick and kind', at: at + (wait + handle + 10) * 1000 });
  return ops;
}

export function describeRecordStoreContract(name: string, factory: RecordStoreFactory): void {
  describe(`RecordStore contract: ${name}`, () => {
    let store: RecordStore;
    const uid = () => randomUUID().slice(0, 8);
    const refOf = async () => `ABL-2026-${String((await store.reserveCaseNumbers(1))[0]).padStart(6, '0')}` as CaseReference;

    beforeAll(async () => {
      store = await factory();
    }, 120_000);
    afterAll(async () => {
      await store?.close();
    });

    it('records a contact life: offers with their outcomes, the answer, waits, handle time, the case', async () => {
      const [ticket, clerk, call] = [`t-${uid()}`, `c-${uid()}`, `call-${uid()}`];
      const reference = await refOf();
      await store.apply(contactLife({ ticket, clerk, call, reference, rating: 4 }));
      const [contact] = await store.contacts([ticket]);
      expect(contact).toMatchObject({
        ticketId: ticket,
        state: 'ended',
        queuedAt: T0,
        answeredAt: T0 + 20_000,
        endedAt: T0 + 320_000,
        waitSeconds: 20,
        handleSeconds: 300,
        office: 'o-bp',
        clerkId: clerk,
        accessibility: ['captions'],
        rating: 4,
        ratingComment: 'Quick and kind',
        caseReference: reference,
      });
      expect(contact?.offers.map((o) => [o.clerkId, o.outcome])).toEqual([
        ['other', 'declined'],
        [clerk, 'accepted'],
      ]);
      const detail = await store.caseDetail(reference);
      expect(detail?.handOff.status).toBe('waiting_to_hand_off');
      expect(detail?.notes.map((n) => n.text)).toEqual(['Passport photo checked']);
      expect(detail?.chat.map((m) => m.text)).toEqual(['Hello']);
    });

    it('keeps each fact once when ops are applied again, in any later order', async () => {
      const [ticket, clerk, call] = [`t-${uid()}`, `c-${uid()}`, `call-${uid()}`];
      const ops = contactLife({ ticket, clerk, call, reference: await refOf() });
      await store.apply(ops);
      await store.apply([...ops].reverse());
      await store.apply(ops.slice(0, 3));
      const [contact] = await store.contacts([ticket]);
      expect(contact?.state).toBe('ended');
      expect(contact?.legs).toHaveLength(1);
      expect(contact?.offers).toHaveLength(2);
      const detail = await store.caseDetail(contact?.caseReference as CaseReference);
      expect(detail?.notes).toHaveLength(1);
      expect(detail?.chat).toHaveLength(1);
    });

    it('follows a transfer: two legs, the transfer with its reason, state from the last leg', async () => {
      const [ticket, a, b] = [`t-${uid()}`, `a-${uid()}`, `b-${uid()}`];
      const [c1, c2] = [`call-${uid()}`, `call-${uid()}`];
      const ops = contactLife({ ticket, clerk: a, call: c1 }).filter((o) => o.kind !== 'leg.ended');
      await store.apply([
        ...ops,
        { kind: 'leg.ended', callId: c1 as never, ticketId: ticket as never, endedAt: T0 + 100_000, endReason: 'transferred', final: false },
        { kind: 'contact.transferred', fromCallId: c1 as never, ticketId: ticket as never, at: T0 + 100_000, fromClerk: a as never, toQueue: null, toClerk: b as never, reason: 'needs the registry office' },
      ]);
      expect((await store.contacts([ticket]))[0]?.state).toBe('waiting');
      await store.apply([
        { kind: 'leg.started', callId: c2 as never, ticketId: ticket as never, clerkId: b as never, clerkName: 'B', office: 'o-deb' as never, region: 'Észak-Alföld', queue: 'q-id' as never, startedAt: T0 + 130_000, waitSeconds: 30, inTarget: true },
      ]);
      expect((await store.contacts([ticket]))[0]?.state).toBe('in_call');
      await store.apply([{ kind: 'leg.ended', callId: c2 as never, ticketId: ticket as never, endedAt: T0 + 230_000, endReason: 'citizen_ended', final: true }]);
      const [contact] = await store.contacts([ticket]);
      expect(contact).toMatchObject({ state: 'ended', office: 'o-deb', clerkId: b, waitSeconds: 20, handleSeconds: 180, endedAt: T0 + 230_000 });
      expect(contact?.transfers).toEqual([
        { at: T0 + 100_000, fromCallId: c1, fromClerk: a, toQueue: null, toClerk: b, reason: 'needs the registry office' },
      ]);
      expect(await store.servedBy(ticket, a)).toBe(true);
      expect(await store.servedBy(ticket, b)).toBe(true);
    });

    it('lists a clerk\'s contacts newest first with the case and its hand-off state', async () => {
      const clerk = `c-${uid()}`;
      const first = `t-${uid()}`;
      const second = `t-${uid()}`;
      const reference = await refOf();
      await store.apply(contactLife({ ticket: first, clerk, call: `call-${uid()}`, at: T0 }));
      await store.apply(contactLife({ ticket: second, clerk, call: `call-${uid()}`, at: T0 + HOUR, reference }));
      const mine = await store.myContacts(clerk, { limit: 50 }, T0 + 2 * HOUR);
      expect(mine.map((m) => m.contact.ticketId)).toEqual([second, first]);
      expect(mine[0]?.case?.reference).toBe(reference);
      expect(mine[0]?.case?.handOff.status).toBe('waiting_to_hand_off');
      expect(mine[0]?.notesCount).toBe(1);
      expect(mine[1]?.case).toBeNull();
      const paged = await store.myContacts(clerk, { limit: 50, before: T0 + HOUR }, T0 + 2 * HOUR);
      expect(paged.map((m) => m.contact.ticketId)).toEqual([first]);
    });

    it('gives case numbers that never repeat', async () => {
      const a = await store.reserveCaseNumbers(20);
      const b = await store.reserveCaseNumbers(20);
      expect(new Set([...a, ...b]).size).toBe(40);
    });

    it('computes history per queue and bucket with the live board\'s rules', async () => {
      const queue = `q-${uid()}`;
      const at = T0 + 30 * 86_400_000; // its own day
      const clerk = `c-${uid()}`;
      const mk = (wait: number, handle: number, rating?: number) =>
        contactLife({ ticket: `t-${uid()}`, clerk, call: `call-${uid()}`, at, waitSeconds: wait, handleSeconds: handle, ...(rating && { rating }) }).map((o) =>
          'queue' in o ? { ...o, queue } : o,
        ) as RecordOp[];
      await store.apply([...mk(10, 100, 5), ...mk(90, 300, 3)]);
      const abandoned = `t-${uid()}`;
      await store.apply([
        { kind: 'contact.queued', ticketId: abandoned as never, channel: 'video', caseType: 'ID-01' as never, queue: queue as never, language: 'hu', accessibility: [], priority: 'none', citizenName: 'X', queuedAt: at },
        { kind: 'contact.abandoned', ticketId: abandoned as never, queue: queue as never, state: 'abandoned', at: at + 40_000 },
      ]);
      const rows = await store.history(HistoryQuery.parse({ from: at - HOUR, to: at + 2 * HOUR, bucket: 'day', groupBy: 'queue', queue }));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        group: queue,
        arrived: 3,
        answered: 2,
        answeredInTarget: 1,
        abandoned: 1,
        handled: 2,
        serviceLevel: 0.5,
        averageSpeedOfAnswerSeconds: 50,
        averageHandleSeconds: 200,
        averageRating: 4,
        ratings: 2,
      });
      expect(rows[0]?.abandonmentRate).toBeCloseTo(1 / 3);
      // Budapest midnight of that day.
      expect(new Date(rows[0]?.bucketStart ?? 0).toISOString()).toBe('2026-12-30T23:00:00.000Z');
      const hourly = await store.history(HistoryQuery.parse({ from: at - HOUR, to: at + 2 * HOUR, bucket: 'hour', groupBy: 'office', queue }));
      expect(hourly.map((r) => r.group)).toContain('o-bp');
    });

    it('keeps the audit log searchable by case and by actor, newest first', async () => {
      const reference = await refOf();
      const actor = `sup-${uid()}`;
      await store.apply([
        { kind: 'audit', id: randomUUID(), at: T0, actorId: actor, actorRole: 'supervisor', action: 'case.read', caseReference: reference, callId: null, ticketId: null, subject: null, reason: 'case lookup' },
        { kind: 'audit', id: randomUUID(), at: T0 + 1000, actorId: actor, actorRole: 'supervisor', action: 'document.opened', caseReference: reference, callId: null, ticketId: null, subject: 'd-1', reason: 'case lookup' },
      ]);
      const byCase = await store.searchAudit({ caseReference: reference, limit: 10 });
      expect(byCase.map((e) => e.action)).toEqual(['document.opened', 'case.read']);
      const byActor = await store.searchAudit({ actorId: actor, limit: 1 });
      expect(byActor).toHaveLength(1);
    });

    it('stores documents under quotas per call and per citizen, charged atomically', async () => {
      const ticket = `t-${uid()}`;
      const quotas = { perCallBytes: 1000, perCallCount: 3, perCitizenBytes: 1500 };
      const doc = (call: string, size: number) => ({
        id: `d-${uid()}`,
        callId: call as never,
        name: 'p.png',
        mimeType: 'image/png' as const,
        size,
        uploadedBy: 'citizen' as const,
        uploadedAt: T0,
      });
      const c1 = `call-${uid()}`;
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () => store.putDocument(doc(c1, 400), ticket, Buffer.alloc(400, 1), quotas)),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
      const c2 = `call-${uid()}`;
      await store.putDocument(doc(c2, 500), ticket, Buffer.alloc(500, 2), quotas);
      await expect(store.putDocument(doc(c2, 300), ticket, Buffer.alloc(300, 2), quotas)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      const docs = await store.documentsOfTicket(ticket);
      expect(docs.map((d) => d.size).sort()).toEqual([400, 400, 500]);
      const read = await store.getDocument(docs.find((d) => d.size === 500)?.id ?? '');
      expect(read?.bytes.equals(Buffer.alloc(500, 2))).toBe(true);
    });

    it('hands off through the outbox: claimed once, failed with a next attempt, then delivered', async () => {
      const reference = await refOf();
      await store.apply(contactLife({ ticket: `t-${uid()}`, clerk: `c-${uid()}`, call: `call-${uid()}`, reference }));
      const now = Date.now();
      const claimed = (await store.claimHandOffs(now, 1000, 30_000)).filter((d) => d.reference === reference);
      expect(claimed).toEqual([{ idempotencyKey: `case:${reference}`, reference }]);
      expect((await store.claimHandOffs(now, 1000, 30_000)).some((d) => d.reference === reference)).toBe(false);
      const due = claimed[0] as { idempotencyKey: string; reference: string };
      await store.handOffFailed(due, now, 'HTTP 503', now + 5000, 2);
      expect((await store.caseSummary(reference))?.handOff).toMatchObject({ status: 'waiting_to_hand_off', attempts: 1, lastError: 'HTTP 503', nextAttemptAt: now + 5000 });
      expect((await store.claimHandOffs(now + 1000, 1000, 30_000)).some((d) => d.reference === reference)).toBe(false);
      const again = (await store.claimHandOffs(now + 6000, 1000, 30_000)).find((d) => d.reference === reference);
      expect(again).toBeDefined();
      await store.handOffFailed(due, now + 6000, 'HTTP 500', now + 20_000, 2);
      expect((await store.caseSummary(reference))?.handOff.status).toBe('hand_off_failed');
      await store.handOffDelivered(due, now + 21_000);
      expect((await store.caseSummary(reference))?.handOff).toMatchObject({ status: 'handed_off', attempts: 3, deliveredAt: now + 21_000, lastError: null });
    });

    it('deletes what outlived its retention, keeping a case that is not handed off yet', async () => {
      const old = T0 - 400 * 86_400_000;
      const [delivered, waiting] = [`t-${uid()}`, `t-${uid()}`];
      const [r1, r2] = [await refOf(), await refOf()];
      await store.apply(contactLife({ ticket: delivered, clerk: 'c', call: `call-${uid()}`, at: old, reference: r1 }));
      await store.apply(contactLife({ ticket: waiting, clerk: 'c', call: `call-${uid()}`, at: old, reference: r2 }));
      const due = (await store.claimHandOffs(Date.now(), 1000, 1)).find((d) => d.reference === r1);
      if (due) await store.handOffDelivered(due, Date.now());
      const counts = await store.purgeExpired(T0, { contacts: 365, chat: 30, documents: 30, notes: 365, audit: 3650 });
      expect(counts.contacts).toBeGreaterThanOrEqual(1);
      expect(counts.chat).toBeGreaterThanOrEqual(2);
      expect(await store.contacts([delivered])).toEqual([]);
      expect(await store.caseSummary(r1)).toBeNull();
      expect((await store.contacts([waiting]))[0]?.ticketId).toBe(waiting);
      expect((await store.caseDetail(r2))?.notes).toEqual([]);
    });
  });
}
