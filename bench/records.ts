/**
 * Records benchmark: how fast the system of record takes writes, and what recording costs the queue.
 *
 * 1. Writes: contact lives (11 ops each: queued, two offers, answer, case, note, chat, end, rating…)
 *    through the outbox (memory + spool) into a real PostgreSQL 15 as the application role: ops/s,
 *    and the time per transaction (a batch of up to RECORDS_BATCH ops), p50/p99.
 * 2. The queue at load: a MemoryStore with RECORDS_BENCH_WAITING tickets waiting and clerks taking
 *    calls one after another (match → accept → end → wrap-up done), once with the recorder attached
 *    (every store event becomes ops, spooled and written to PostgreSQL) and once without: the accept
 *    step's p50/p99 side by side, and the records written per second while the queue runs.
 * Loopback only; bounded by the counts below (about a minute on 2 busy cores).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { startPostgres, PG_APP } from '@ablak/infra';
import type { CaseReference, ClerkId, QueueId } from '@ablak/protocol';
import { summarize, type Benchmark, type BenchResult } from './lib';
import { Directory } from '../signaling/src/directory/directory';
import { MemoryKv } from '../signaling/src/kv/memory';
import { loadCatalogueFile } from '../signaling/src/store/catalogue-file';
import { MemoryStore } from '../signaling/src/store/memory';
import { clerkProfile, ticketInput } from '../signaling/src/store/test-fixtures';
import { parseRecordsConfig } from '../signaling/src/records/config';
import { grantApplicationRole } from '../signaling/src/records/migrate';
import type { RecordOp } from '../signaling/src/records/ops';
import { Outbox } from '../signaling/src/records/outbox';
import { SqlRecordStore } from '../signaling/src/records/record-store';
import { Records } from '../signaling/src/records/records';
import { openPostgres } from '../signaling/src/records/sql';

const CONTACTS = Number(process.env.RECORDS_BENCH_CONTACTS ?? 1000);
const WAITING = Number(process.env.RECORDS_BENCH_WAITING ?? 5000);
const CALLS = Number(process.env.RECORDS_BENCH_CALLS ?? 500);
const CLERKS = 50;
const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function contactOps(i: number, at: number): RecordOp[] {
  const ticket = `bt-${i}-${randomUUID().slice(0, 6)}` as never;
  const call = `call-${i}` as never;
  const clerk = `bench-k${i % CLERKS}` as never;
  const reference = `ABL-2026-${String(900_000 + i).padStart(6, '0')}` as CaseReference;
  return [
    { kind: 'contact.queued', ticketId: ticket, channel: 'video', caseType: 'ID-01' as never, queue: 'q-id' as never, language: 'hu', accessibility: [], priority: 'none', citizenName: 'Bench Citizen', queuedAt: at },
    { kind: 'offer.made', ticketId: ticket, clerkId: 'other' as never, offeredAt: at + 1000 },
    { kind: 'offer.decided', ticketId: ticket, clerkId: 'other' as never, outcome: 'missed', at: at + 16_000 },
    { kind: 'offer.made', ticketId: ticket, clerkId: clerk, offeredAt: at + 17_000 },
    { kind: 'leg.started', callId: call, ticketId: ticket, clerkId: clerk, clerkName: 'Clerk', office: 'office-001' as never, region: 'Budapest', queue: 'q-id' as never, startedAt: at + 20_000, waitSeconds: 20, inTarget: true },
    { kind: 'case.opened', reference, ticketId: ticket, callId: call, caseType: 'ID-01' as never, citizenName: 'Bench Citizen', clerkId: clerk, office: 'office-001' as never, at: at + 30_000 },
    { kind: 'note.added', id: randomUUID(), ticketId: ticket, callId: call, clerkId: clerk, text: 'checked', outcome: null, at: at + 40_000 },
    { kind: 'chat.sent', id: randomUUID(), ticketId: ticket, callId: call, from: 'citizen', fromName: 'Bench Citizen', text: 'hello', at: at + 50_000 },
    { kind: 'audit', id: randomUUID(), at: at + 60_000, actorId: clerk, actorRole: 'clerk', action: 'chat.read', caseReference: reference, callId: call, ticketId: ticket, subject: '1 messages', reason: 'in call' },
    { kind: 'leg.ended', callId: call, ticketId: ticket, endedAt: at + 320_000, endReason: 'clerk_ended', final: true },
    { kind: 'contact.rated', ticketId: ticket, callId: call, rating: 4, comment: null, at: at + 330_000 },
  ];
}

const silent = pino({ level: 'silent' });
const load = () => `load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')}`;

/** One queue run: CALLS calls taken from WAITING waiting tickets; returns accept latencies (ms). */
async function queueRun(withRecords: { appUrl: string; spool: string } | null): Promise<{ accept: number[]; written: number; seconds: number; drainMs: number }> {
  const catalogue = loadCatalogueFile(path.join(REPO, 'signaling/data/catalogue.json'));
  const directory = Directory.fromFile(path.join(REPO, 'signaling/data/directory.json'));
  const store = new MemoryStore(catalogue);
  const queue = [...catalogue.queues.keys()][0] as QueueId;
  const caseType = [...catalogue.caseTypes.values()].find((c) => c.queue === queue)?.code as string;
  let records: Records | null = null;
  if (withRecords) {
    const config = parseRecordsConfig({ DATA_DIR: withRecords.spool });
    if (!('config' in config)) throw new Error(config.issues.join('; '));
    records = await Records.start({
      config: config.config,
      store,
      catalogue,
      directory,
      kv: new MemoryKv(),
      logger: silent,
      openDatabase: () => openPostgres({ url: withRecords.appUrl, max: 5 }),
    });
    await records.opened;
  }
  let now = Date.now();
  const clerks: ClerkId[] = [];
  for (let i = 0; i < CLERKS; i++) {
    const id = `bench-k${i}` as ClerkId;
    clerks.push(id);
    await store.registerClerk(clerkProfile(id, [[queue, 1]]), now);
  }
  for (let i = 0; i < WAITING + CALLS; i++) await store.enqueue(ticketInput(`bq-${i}-${randomUUID().slice(0, 8)}`, caseType), now);
  if (records) await records.idle();
  const writtenBefore = records?.outbox.stats.written ?? 0;
  const accept: number[] = [];
  const started = performance.now();
  let served = 0;
  while (served < CALLS) {
    now = Date.now();
    for (const clerk of clerks) await store.setClerkState(clerk, { state: 'available' }, now).catch(() => undefined);
    const offers = await store.match(now, { limit: CLERKS });
    for (const offer of offers) {
      if (served >= CALLS) break;
      const t = performance.now();
      const call = await store.accept(offer.clerkId, offer.ticket.id, Date.now());
      accept.push(performance.now() - t);
      await store.endCall(call.id, 'clerk_ended', Date.now());
      await store.wrapUpDone(offer.clerkId, { state: 'available' }, Date.now());
      served++;
    }
    // Let the event loop breathe as a server would between socket events.
    await new Promise((r) => setImmediate(r));
  }
  const runEnd = performance.now();
  let drainMs = 0;
  if (records) {
    await records.idle();
    drainMs = performance.now() - runEnd;
  }
  const seconds = (performance.now() - started) / 1000;
  const written = (records?.outbox.stats.written ?? 0) - writtenBefore;
  await records?.close();
  await store.close();
  return { accept, written, seconds, drainMs };
}

const bench: Benchmark = {
  name: 'records',
  async run(): Promise<BenchResult[]> {
    const results: BenchResult[] = [];
    const pg = await startPostgres();
    const spool = mkdtempSync(path.join(tmpdir(), 'ablak-bench-records-'));
    try {
      const owner = await openPostgres({ url: pg.ownerUrl, max: 1 });
      await SqlRecordStore.create(owner);
      await grantApplicationRole(owner, PG_APP);
      await owner.close();

      // 1. Writes through the outbox.
      const { store } = await SqlRecordStore.create(await openPostgres({ url: pg.appUrl, max: 5 }));
      const outbox = Outbox.open(path.join(spool, 'writes'), 200, silent);
      const at = Date.now() - 86_400_000;
      const ops = Array.from({ length: CONTACTS }, (_, i) => contactOps(i, at + i * 1000)).flat();
      const t0 = performance.now();
      for (const op of ops) outbox.record(op);
      const recordedMs = performance.now() - t0;
      outbox.attach(store);
      await outbox.idle();
      const seconds = (performance.now() - t0) / 1000;
      const batches = summarize(outbox.stats.batchMs);
      console.log(`[records] ${ops.length} ops (${CONTACTS} contacts) in ${seconds.toFixed(1)} s: ${(ops.length / seconds).toFixed(0)} ops/s; batch p50 ${batches.p50.toFixed(1)} ms p99 ${batches.p99.toFixed(1)} ms; record() ${((recordedMs * 1000) / ops.length).toFixed(1)} µs/op`);
      await outbox.close();
      await store.close();
      const note = `PostgreSQL 15 on loopback (fsync off), application role, batches of 200 ops, spool under /tmp; ${CONTACTS} contacts × 11 ops; ${load()}`;
      results.push(
        { bench: 'records', figure: 'record writes per second (outbox → PostgreSQL)', value: Math.round(ops.length / seconds), unit: 'ops/s', notes: note },
        { bench: 'records', figure: 'record write transaction p99 (batch of ≤ 200 ops)', value: batches.p99, unit: 'ms', notes: `p50 ${batches.p50.toFixed(1)} ms, ${batches.n} batches` },
        { bench: 'records', figure: 'record() cost on the caller (memory queue + spool append)', value: (recordedMs * 1000) / ops.length, unit: 'µs/op', notes: 'what an event handler pays; never waits for the database' },
      );

      // 2. The queue at load, with and without the recorder.
      const off = await queueRun(null);
      const on = await queueRun({ appUrl: pg.appUrl, spool: path.join(spool, 'queue') });
      const a = summarize(off.accept);
      const b = summarize(on.accept);
      console.log(`[records] queue with ${WAITING} waiting, ${CALLS} calls: accept p50/p99 ${a.p50.toFixed(3)}/${a.p99.toFixed(3)} ms without records, ${b.p50.toFixed(3)}/${b.p99.toFixed(3)} ms with; ${on.written} records in ${on.seconds.toFixed(1)} s (${(on.written / on.seconds).toFixed(0)}/s), outbox drained ${on.drainMs.toFixed(0)} ms after the last call`);
      const queueLoad = `MemoryStore, ${WAITING} tickets waiting, ${CLERKS} clerks, ${CALLS} calls back to back; ${load()}`;
      results.push(
        { bench: 'records', figure: 'accept step p99 without records', value: a.p99, unit: 'ms', notes: `${queueLoad}; p50 ${a.p50.toFixed(3)} ms` },
        { bench: 'records', figure: 'accept step p99 with records (recorder + spool + PostgreSQL)', value: b.p99, unit: 'ms', notes: `${queueLoad}; p50 ${b.p50.toFixed(3)} ms` },
        { bench: 'records', figure: 'records written per second with the queue at load', value: Math.round(on.written / on.seconds), unit: 'ops/s', notes: `${queueLoad}; outbox empty ${on.drainMs.toFixed(0)} ms after the last call` },
      );
    } finally {
      rmSync(spool, { recursive: true, force: true });
      await pg.stop();
    }
    return results;
  },
};

export default bench;
