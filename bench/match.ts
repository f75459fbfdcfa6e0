/**
 * Match benchmark. One match operation = one offer: pick a ticket, pick a clerk, write the offer,
 * atomically. A `match` call makes up to `limit` offers in one atomic step; figures count offers and
 * calls separately, and latency is always per call, as the caller waits for it.
 * MemoryStore and RedisStore at 1k/10k/100k waiting tickets × 1k/10k available clerks, on the shipped
 * catalogue; Redis one call at a time, 16 calls in flight, and batches of 16; then `redis-benchmark`
 * running the real match script by EVALSHA; last, the floor under any Lua match step on this machine
 * (match-floor.ts). Loopback only; every phase is bounded in offers and time.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { startRedis } from '@ablak/infra';
import type { ClerkId, QueueId } from '@ablak/protocol';
import { summarize, type Benchmark, type BenchResult } from './lib';
import { matchFloor, sortedSetFloor } from './match-floor';
import { loadCatalogueFile } from '../signaling/src/store/catalogue-file';
import { MemoryStore } from '../signaling/src/store/memory';
import { RedisStore } from '../signaling/src/store/redis/redis-store';
import { clerkProfile, ticketInput } from '../signaling/src/store/test-fixtures';
import type { Store } from '../signaling/src/store/types';
import type { Catalogue } from '../signaling/src/queue/catalogue';

/**
 * MATCH_BENCH_QUICK=1 runs the smallest size only (a smoke run); MATCH_BENCH_TICKETS / _CLERKS
 * (comma lists) and MATCH_BENCH_STORES (memory,redis) narrow a trial run further.
 */
const QUICK = process.env.MATCH_BENCH_QUICK === '1';
const sizes = (name: string, all: number[]) => process.env[name]?.split(',').map(Number) ?? (QUICK ? all.slice(0, 1) : all);
const TICKETS = sizes('MATCH_BENCH_TICKETS', [1_000, 10_000, 100_000]);
const CLERKS = sizes('MATCH_BENCH_CLERKS', [1_000, 10_000]);
const STORES = process.env.MATCH_BENCH_STORES?.split(',') ?? ['memory', 'redis'];
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

interface Phase {
  /** Offers per match call (the call's `limit`). */
  batch: number;
  /** Calls in flight at once (1 = sequential). */
  inFlight: number;
  /** Stop after this many offers or this much timed wall-clock. */
  maxOffers: number;
  maxMs: number;
}

interface Measured {
  calls: number;
  offers: number;
  /** Wall-clock seconds spent in rounds of match calls (giving clerks back is not timed). */
  seconds: number;
  /** Caller-side latency of one call: what the caller waits for its offers. */
  p50: number;
  p99: number;
  /** Node process CPU µs per offer (client side: ioredis, JSON, or the whole MemoryStore). */
  clientCpuMicros: number;
  /** redis-server CPU µs per offer (INFO cpu), NaN for MemoryStore. */
  serverCpuMicros: number;
  /** Commands the match script ran inside Redis per offer (INFO commandstats), NaN for MemoryStore. */
  commandsPerOffer: number;
}

/**
 * Rounds of match calls: `inFlight` callers each call match(limit = batch) until no offer is left or
 * the budget is spent; between rounds every offer times out and every clerk is made available again
 * (not timed), so the waiting count stays where it was filled.
 */
async function measure(store: Store, clerks: ClerkId[], phase: Phase, redisPort?: number): Promise<Measured> {
  const samples: number[] = [];
  let offers = 0;
  let timedMs = 0;
  let clientCpu = 0;
  let serverCpu = 0;
  let commands = 0;
  let now = T0 + 1_000_000 + Math.floor(Math.random() * 1000);
  while (offers < phase.maxOffers && timedMs < phase.maxMs) {
    const serverBefore = redisPort ? await redisCpuSeconds(redisPort) : 0;
    const commandsBefore = redisPort ? await scriptCommands(redisPort) : 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    let exhausted = false;
    const caller = async () => {
      while (!exhausted && offers < phase.maxOffers && timedMs + (performance.now() - started) < phase.maxMs) {
        const t = performance.now();
        const made = await store.match(now, { limit: phase.batch });
        samples.push(performance.now() - t);
        offers += made.length;
        if (made.length < phase.batch) exhausted = true;
      }
    };
    await Promise.all(Array.from({ length: phase.inFlight }, caller));
    timedMs += performance.now() - started;
    const used = process.cpuUsage(cpu);
    clientCpu += used.user + used.system;
    if (redisPort) serverCpu += (await redisCpuSeconds(redisPort)) - serverBefore;
    if (redisPort) commands += (await scriptCommands(redisPort)) - commandsBefore;
    // give every clerk back: offers time out, clerks return (not timed)
    now += 60_000;
    await store.sweep(now);
    for (let i = 0; i < clerks.length; i += 1000) {
      await Promise.all(clerks.slice(i, i + 1000).map((k) => store.setClerkState(k, { state: 'available' }, now)));
    }
    now += 1;
  }
  const s = summarize(samples);
  return {
    calls: samples.length,
    offers,
    seconds: timedMs / 1000,
    p50: s.p50,
    p99: s.p99,
    clientCpuMicros: clientCpu / Math.max(1, offers),
    serverCpuMicros: redisPort ? (serverCpu * 1e6) / Math.max(1, offers) : Number.NaN,
    commandsPerOffer: redisPort ? commands / Math.max(1, offers) : Number.NaN,
  };
}

function redisBenchmark(port: number, args: string[], requests: number): Promise<{ rps: number; p50: number; p99: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-n', String(requests), '-c', '16', '--csv', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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

/** MemoryStore answers synchronously, so calls in flight would only interleave: one at a time. */
const MEMORY_PHASES: Phase[] = [
  { batch: 1, inFlight: 1, maxOffers: 300_000, maxMs: 1_500 },
  { batch: 16, inFlight: 1, maxOffers: 300_000, maxMs: 1_500 },
];
/**
 * Redis: one call at a time (latency), 16 single-offer calls in flight, and batches of 16 one at a
 * time (the batch's own latency) and 8 in flight (throughput).
 */
const REDIS_PHASES: Phase[] = [
  { batch: 1, inFlight: 1, maxOffers: 3_000, maxMs: 1_000 },
  { batch: 1, inFlight: 16, maxOffers: 10_000, maxMs: 1_000 },
  { batch: 16, inFlight: 1, maxOffers: 20_000, maxMs: 1_000 },
  { batch: 16, inFlight: 8, maxOffers: 20_000, maxMs: 1_000 },
];

async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const catalogue = loadCatalogueFile();
  const load = () => os.loadavg()[0]?.toFixed(1) ?? '?';
  const add = (figure: string, value: number, unit: string, notes?: string) => {
    results.push({ bench: 'match', figure, value, unit, ...(notes ? { notes } : {}) });
    console.log(`  ${figure}: ${value.toFixed(value < 10 ? 3 : 0)} ${unit}${notes ? ` (${notes})` : ''}`);
  };
  const record = (kind: string, phase: Phase, at: string, m: Measured) => {
    const how = `${phase.batch === 1 ? '1 offer' : `up to ${phase.batch} offers`} per call, ${phase.inFlight === 1 ? '1 call' : `${phase.inFlight} calls`} in flight`;
    const common = `${m.offers} offers in ${m.calls} calls over ${m.seconds.toFixed(1)} s; load average ${load()}`;
    add(`${kind} match offers/s at ${at}, ${how}`, m.offers / m.seconds, 'offers/s', `${common}; calls/s ${(m.calls / m.seconds).toFixed(0)}`);
    add(`${kind} match call p50 at ${at}, ${how}`, m.p50, 'ms', 'caller-side wait for one call (all its offers)');
    add(`${kind} match call p99 at ${at}, ${how}`, m.p99, 'ms', 'caller-side wait for one call (all its offers)');
    if (kind === 'MemoryStore') {
      add(`MemoryStore CPU per offer at ${at}, ${how}`, m.clientCpuMicros, 'µs', 'process CPU per offer (immune to the scheduler on a shared box); 1e6/x is the one-core ceiling');
    } else {
      add(`RedisStore redis-server CPU per offer at ${at}, ${how}`, m.serverCpuMicros, 'µs', `INFO cpu (user+sys) per offer, incl. network and AOF (${durability}); 1e6/x is the one-core ceiling`);
      add(`RedisStore commands per offer inside the script at ${at}, ${how}`, m.commandsPerOffer, 'commands', 'INFO commandstats: redis.call()s per offer (each costs ~1–2 µs of Redis CPU whatever it does); independent of load');
    }
  };

  for (const tickets of STORES.includes('memory') ? TICKETS : []) {
    for (const clerks of CLERKS) {
      const at = `${tickets / 1000}k tickets, ${clerks / 1000}k clerks`;
      const store = new MemoryStore(catalogue);
      const ids = await fill(store, catalogue, tickets, clerks);
      for (const phase of MEMORY_PHASES) record('MemoryStore', phase, at, await measure(store, ids, phase));
      await store.close();
    }
  }

  if (STORES.includes('memory')) results.push(...sortedSetFloor(`load average ${load()}`));

  if (!STORES.includes('redis')) return results;
  const redis = await startRedis();
  // the bench's redis-server runs Ablak's config (infra/redis/redis.conf); say what durability it had
  const conf = (await redisCommand(redis.port, ['CONFIG', 'GET', 'append*'])).trim().split('\n');
  const setting = (name: string) => conf[conf.indexOf(name) + 1] ?? '?';
  durability = `appendonly ${setting('appendonly')}, appendfsync ${setting('appendfsync')}`;
  try {
    let n = 0;
    for (const tickets of TICKETS) {
      for (const clerks of CLERKS) {
        const at = `${tickets / 1000}k tickets, ${clerks / 1000}k clerks`;
        const prefix = `{bench${++n}}:`;
        const store = await RedisStore.create(catalogue, { url: redis.url, prefix });
        try {
          const ids = await fill(store, catalogue, tickets, clerks);
          for (const phase of REDIS_PHASES) record('RedisStore', phase, at, await measure(store, ids, phase, redis.port));
          if (tickets === TICKETS.at(-1) && clerks === CLERKS.at(-1)) {
            // the largest store, every clerk available again: redis-benchmark running the real script
            for (const batch of [1, 16]) {
              const now = T0 + 10_000_000 + batch * 1_000_000;
              await store.sweep(now);
              await Promise.all(ids.map((k) => store.setClerkState(k, { state: 'available' }, now)));
              await redisCommand(redis.port, ['CONFIG', 'RESETSTAT']);
              const sha = store.scriptSha('match') ?? '';
              const args = ['EVALSHA', sha, '1', prefix, String(now + 1), '2026-11-23', '0', '60000', '10000', '32', String(batch)];
              const floor = await redisBenchmark(redis.port, args, Math.floor(clerks / batch));
              const per = batch === 1 ? '1 offer per call' : `${batch} offers per call`;
              add(`redis-benchmark EVALSHA match script calls/s at ${at}, ${per}`, floor.rps, 'calls/s', `16 connections, no client work; ${floor.rps * batch > 0 ? (floor.rps * batch).toFixed(0) : '?'} offers/s; load average ${load()}`);
              add(`redis-benchmark EVALSHA match script p50 at ${at}, ${per}`, floor.p50, 'ms');
              add(`redis-benchmark EVALSHA match script p99 at ${at}, ${per}`, floor.p99, 'ms');
              const micros = await evalshaMicros(redis.port);
              add(`match script server time per call at ${at}, ${per}`, micros, 'µs', 'INFO commandstats usec_per_call (wall-clock inside Redis, inflated when the box is busy)');
            }
          }
        } finally {
          await store.close();
        }
        await redisCommand(redis.port, ['FLUSHALL']);
      }
    }
    // what this machine's Redis charges for an offer's bare work, with no routing rule (match-floor.ts)
    results.push(...(await matchFloor(redis.url, `${durability}; load average ${load()}`)));
  } finally {
    await redis.stop();
  }
  return results;
}

let durability = '?';

/** Commands run so far, except the script calls themselves and the bench's own INFO/CONFIG. */
async function scriptCommands(port: number): Promise<number> {
  const info = await redisCommand(port, ['INFO', 'commandstats']);
  let n = 0;
  for (const m of info.matchAll(/cmdstat_([\w|]+):calls=(\d+)/g)) {
    if (!/^(evalsha|eval|info|config|client|hello|select|script)/.test(m[1] ?? '')) n += Number(m[2]);
  }
  return n;
}

/** redis-server's own CPU seconds (user + sys) so far. */
async function redisCpuSeconds(port: number): Promise<number> {
  const info = await redisCommand(port, ['INFO', 'cpu']);
  const user = /used_cpu_user:([\d.]+)/.exec(info)?.[1];
  const sys = /used_cpu_sys:([\d.]+)/.exec(info)?.[1];
  return Number(user ?? Number.NaN) + Number(sys ?? Number.NaN);
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
