/**
 * Match benchmark: one match operation = one step that picks a ticket, picks a clerk and writes the
 * offer. MemoryStore and RedisStore at 1k/10k/100k waiting tickets × 1k/10k available clerks, on the
 * shipped catalogue (29 queues); then `redis-benchmark` running the real match script by EVALSHA.
 * Loopback only; every phase is bounded in operations and time.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { startRedis } from '@ablak/infra';
import type { ClerkId, QueueId } from '@ablak/protocol';
import { summarize, type Benchmark, type BenchResult } from './lib';
import { loadCatalogueFile } from '../signaling/src/store/catalogue-file';
import { MemoryStore } from '../signaling/src/store/memory';
import { RedisStore } from '../signaling/src/store/redis/redis-store';
import { clerkProfile, ticketInput } from '../signaling/src/store/test-fixtures';
import type { Store } from '../signaling/src/store/types';
import type { Catalogue } from '../signaling/src/queue/catalogue';

/** MATCH_BENCH_QUICK=1 runs the smallest size only (a smoke run). */
const QUICK = process.env.MATCH_BENCH_QUICK === '1';
const TICKETS = QUICK ? [1_000] : [1_000, 10_000, 100_000];
const CLERKS = QUICK ? [1_000] : [1_000, 10_000];
const MAX_OPS = 20_000;
const MAX_MS = 4_000;
const T0 = Date.UTC(2026, 10, 23, 8, 0, 0);

function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fills a store: `clerks` available clerks with 1–3 skills each, `tickets` waiting tickets. */
async function fill(store: Store, catalogue: Catalogue, tickets: number, clerks: number): Promise<ClerkId[]> {
  const random = rng(7);
  const queues = [...catalogue.queues.keys()];
  const caseTypes = [...catalogue.caseTypes.keys()];
  const ids: ClerkId[] = [];
  for (let i = 0; i < clerks; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, clerks - i) }, async (_, j) => {
        const id = `bench-k${i + j}`;
        const skills = new Map<QueueId, number>();
        for (let k = 0, n = 1 + Math.floor(random() * 3); k < n; k++) skills.set(queues[Math.floor(random() * queues.length)] as QueueId, 1);
        ids.push(id as ClerkId);
        await store.registerClerk(clerkProfile(id, [...skills]), T0);
        await store.setClerkState(id as ClerkId, { state: 'available' }, T0);
      }),
    );
  }
  for (let i = 0; i < tickets; i += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, tickets - i) }, (_, j) =>
        store.enqueue(ticketInput(`bench-t${i + j}`, caseTypes[Math.floor(random() * caseTypes.length)] as string), T0 + i + j),
      ),
    );
  }
  return ids;
}

/** Runs match(limit 1) ops (sequential latency), giving clerks back between rounds (untimed). */
async function measure(
  store: Store,
  clerks: ClerkId[],
): Promise<{ opsPerSecond: number; p50: number; p99: number; ops: number; misses: number; cpuMicrosPerOp: number }> {
  const samples: number[] = [];
  let cpuMicros = 0;
  let busyMs = 0;
  let misses = 0;
  let now = T0 + 1_000_000;
  const started = performance.now();
  while (samples.length < MAX_OPS && performance.now() - started < MAX_MS) {
    for (let i = 0; i < clerks.length && samples.length < MAX_OPS; i++) {
      const cpu = process.cpuUsage();
      const t = performance.now();
      const offers = await store.match(now, { limit: 1 });
      const dt = performance.now() - t;
      const used = process.cpuUsage(cpu);
      cpuMicros += used.user + used.system;
      if (offers.length === 0) {
        misses++;
        break;
      }
      samples.push(dt);
      busyMs += dt;
      if (performance.now() - started > MAX_MS) break;
    }
    // give every clerk back: offers time out, clerks return (not timed)
    now += 60_000;
    await store.sweep(now);
    for (let i = 0; i < clerks.length; i += 1000) {
      await Promise.all(clerks.slice(i, i + 1000).map((k) => store.setClerkState(k, { state: 'available' }, now)));
    }
    now += 1;
  }
  const s = summarize(samples);
  return { opsPerSecond: samples.length / (busyMs / 1000), p50: s.p50, p99: s.p99, ops: samples.length, misses, cpuMicrosPerOp: cpuMicros / Math.max(1, samples.length) };
}

function redisBenchmark(port: number, args: string[], requests: number): Promise<{ rps: number; p50: number; p99: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-n', String(requests), '-c', '4', '--csv', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      const line = out.trim().split('\n').at(-1) ?? '';
      const cells = line.split(',').map((c) => Number(c.replaceAll('"', '')));
      // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
      if (cells.length < 7 || !Number.isFinite(cells[1])) reject(new Error(`redis-benchmark output: ${out}`));
      else resolve({ rps: cells[1] as number, p50: cells[4] as number, p99: cells[6] as number });
    });
  });
}

async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const catalogue = loadCatalogueFile();
  const add = (figure: string, value: number, unit: string, notes?: string) => {
    results.push({ bench: 'match', figure, value, unit, ...(notes ? { notes } : {}) });
    console.log(`  ${figure}: ${value.toFixed(value < 10 ? 3 : 0)} ${unit}${notes ? ` (${notes})` : ''}`);
  };
  const record = (kind: string, tickets: number, clerks: number, m: Awaited<ReturnType<typeof measure>>) => {
    const at = `${tickets / 1000}k tickets, ${clerks / 1000}k clerks`;
    const load = os.loadavg()[0]?.toFixed(1) ?? '?';
    add(`${kind} match ops/s at ${at}`, m.opsPerSecond, 'ops/s', `one offer per op, sequential, ${m.ops} ops, load average ${load}`);
    add(`${kind} match p50 at ${at}`, m.p50, 'ms');
    add(`${kind} match p99 at ${at}`, m.p99, 'ms');
    if (kind === 'MemoryStore') {
      add(`MemoryStore CPU per match at ${at}`, m.cpuMicrosPerOp, 'µs', 'process CPU time per op (immune to the scheduler on a shared box); 1e6/x is the one-core ceiling');
    }
  };

  for (const tickets of TICKETS) {
    for (const clerks of CLERKS) {
      const store = new MemoryStore(catalogue);
      const ids = await fill(store, catalogue, tickets, clerks);
      record('MemoryStore', tickets, clerks, await measure(store, ids));
      await store.close();
    }
  }

  const redis = await startRedis();
  try {
    let n = 0;
    let floorPrefix = '';
    let floorSha = '';
    for (const tickets of TICKETS) {
      for (const clerks of CLERKS) {
        const prefix = `{bench${++n}}:`;
        const store = await RedisStore.create(catalogue, { url: redis.url, prefix });
        try {
          const ids = await fill(store, catalogue, tickets, clerks);
          record('RedisStore', tickets, clerks, await measure(store, ids));
          {
            const now = T0 + 5_000_000 + tickets + clerks;
            await store.sweep(now);
            await Promise.all(ids.map((k) => store.setClerkState(k, { state: 'available' }, now)));
            await redisCommand(redis.port, ['CONFIG', 'RESETSTAT']);
            const probe = Math.min(ids.length, tickets, 5000);
            for (let i = 0; i < probe; i++) await store.match(now + 1, { limit: 1 });
            const micros = await evalshaMicros(redis.port);
            add(`RedisStore match script server time per call at ${tickets / 1000}k tickets, ${clerks / 1000}k clerks`, micros, 'µs', `INFO commandstats over ${probe} match calls; 1e6/x is the one-core ceiling`);
          }
          if (tickets === TICKETS.at(-1) && clerks === CLERKS.at(-1)) {
            // the largest store, every clerk available again: the redis-benchmark floor
            floorPrefix = prefix;
            floorSha = store.scriptSha('match') ?? '';
            const now = T0 + 10_000_000;
          await store.sweep(now);
          await Promise.all(ids.map((k) => store.setClerkState(k, { state: 'available' }, now)));
            await redisCommand(redis.port, ['CONFIG', 'RESETSTAT']);
            const floor = await redisBenchmark(redis.port, ['EVALSHA', floorSha, '1', floorPrefix, String(now + 1), '2026-11-23', '20', '60000', '10000', '32', '1'], clerks);
            const at = `${tickets / 1000}k tickets, ${clerks / 1000}k clerks`;
            add(`redis-benchmark EVALSHA match script ops/s at ${at}`, floor.rps, 'ops/s', '4 connections, each call makes one offer (floor: no client work)');
            add(`redis-benchmark EVALSHA match script p50 at ${at}`, floor.p50, 'ms');
            add(`redis-benchmark EVALSHA match script p99 at ${at}`, floor.p99, 'ms');
            const micros = await evalshaMicros(redis.port);
            add(`match script server time per call at ${at}`, micros, 'µs', 'INFO commandstats usec_per_call: Redis CPU per match, without network or client');
            add(`match script ceiling on one Redis core at ${at}`, 1_000_000 / micros, 'ops/s', '1e6 / server µs per call');
          }
        } finally {
          await store.close();
        }
        await redisCommand(redis.port, ['FLUSHALL']);
      }
    }
  } finally {
    await redis.stop();
  }
  return results;
}

function redisCommand(port: number, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('redis-cli', ['-p', String(port), ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', () => resolve(out));
    child.on('error', () => resolve(out));
  });
}

/** Server-side microseconds per EVALSHA since the last CONFIG RESETSTAT (INFO commandstats). */
async function evalshaMicros(port: number): Promise<number> {
  const info = await redisCommand(port, ['INFO', 'commandstats']);
  const match = /cmdstat_evalsha:calls=\d+,usec=\d+,usec_per_call=([\d.]+)/.exec(info);
  return match ? Number(match[1]) : Number.NaN;
}

export default { name: 'match', run } satisfies Benchmark;
