/**
 * Signaling capacity: connected citizen sockets per process and memory per socket, then ack latency
 * of `queue:join` during a burst of 500 joins/s. The server runs as its own process (embedded store,
 * no SFU) so its memory is measured alone, from its /metrics; clients are socket.io-client in this
 * process, on loopback. Bounded: BENCH_SOCKETS (default 10,000) sockets or 180 s, a 5 s burst.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack, type CreateTicketResponse } from '@ablak/protocol';
import { TokenService } from '@ablak/signaling';
import { freePort, waitForPort } from '@ablak/infra';
import { summarize, type Benchmark, type BenchResult } from './lib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const JWT_SECRET = 'bench-jwt-secret-0123456789-0123456789-abcdef';
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 10_000);
const CONNECT_BUDGET_MS = 180_000;
const BURST_RATE = 500;
const BURST_SECONDS = 5;
const BATCH = 200;

async function serverMemory(url: string): Promise<{ rss: number; heap: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN);
  return {
    rss: value('ablak_signaling_process_resident_memory_bytes'),
    heap: value('ablak_signaling_nodejs_heap_size_used_bytes'),
  };
}

function connect(url: string, token: string, resumeSecret?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/citizen`, {
      auth: { token, protocolVersion: PROTOCOL_VERSION, ...(resumeSecret && { resumeSecret }) },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function run(): Promise<BenchResult[]> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--max-old-space-size=4096', path.join(ROOT, 'signaling/src/main.ts')],
    {
      cwd: path.join(ROOT, 'signaling'),
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'error',
        JWT_SECRET,
        SFU_EMBEDDED: '0',
        DEMO: '0',
        TICKETS_PER_IP_PER_MINUTE: '100000',
        SOCKET_EVENTS_PER_SECOND: '1000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const sockets: Socket[] = [];
  const results: BenchResult[] = [];
  try {
    await waitForPort(port, '127.0.0.1', 60_000);
    await new Promise((r) => setTimeout(r, 1000));
    const base = await serverMemory(url);
    const tokens = new TokenService({
      jwtSecret: JWT_SECRET,
      mediaGrantSecret: JWT_SECRET,
      sessionTtlSeconds: 3600,
      refreshTtlSeconds: 3600,
      citizenTokenTtlSeconds: 3600,
      mediaGrantTtlSeconds: 600,
    });

    // Phase 1: idle connected sockets.
    const started = Date.now();
    let failed = 0;
    while (sockets.length < SOCKETS && Date.now() - started < CONNECT_BUDGET_MS) {
      const n = Math.min(BATCH, SOCKETS - sockets.length);
      const batch = await Promise.allSettled(
        Array.from({ length: n }, (_, i) => {
          const id = `t-bench-${sockets.length + i}`;
          return connect(
            url,
            tokens.signSession({ sub: id, role: 'citizen', ticket: id, name: 'Bench' }).token,
          );
        }),
      );
      for (const r of batch) {
        if (r.status === 'fulfilled') sockets.push(r.value);
        else failed++;
      }
      if (sockets.length % 2000 < BATCH)
        console.log(`  sockets: ${sockets.length} connected (${failed} failed)`);
    }
    const connectSeconds = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 2000));
    const loaded = await serverMemory(url);
    const perSocketKiB = (loaded.rss - base.rss) / sockets.length / 1024;
    const heapPerSocketKiB = (loaded.heap - base.heap) / sockets.length / 1024;
    console.log(
      `  ${sockets.length} sockets in ${connectSeconds.toFixed(1)} s; RSS ${(loaded.rss / 2 ** 20).toFixed(0)} MiB; ${perSocketKiB.toFixed(1)} KiB/socket`,
    );
    const note = `${sockets.length} idle citizen sockets (websocket) on one signaling process, embedded store; clients in a second process on loopback`;
    results.push(
      {
        bench: 'sockets',
        figure: 'connected citizen sockets held by one signaling process',
        value: sockets.length,
        unit: 'sockets',
        notes: `target ${SOCKETS}, ${failed} failed, bounded by fd limit and ${CONNECT_BUDGET_MS / 1000} s`,
      },
      {
        bench: 'sockets',
        figure: 'server memory per connected socket (RSS delta)',
        value: Number(perSocketKiB.toFixed(1)),
        unit: 'KiB',
        notes: note,
      },
      {
        bench: 'sockets',
        figure: 'server JS heap per connected socket',
        value: Number(heapPerSocketKiB.toFixed(1)),
        unit: 'KiB',
        notes: note,
      },
      {
        bench: 'sockets',
        figure: 'socket connect rate (handshake + JWT check)',
        value: Math.round(sockets.length / connectSeconds),
        unit: 'sockets/s',
        notes: `batches of ${BATCH}`,
      },
    );

    // Phase 2: a burst of real joins (tickets over HTTP across the catalogue), acks timed.
    const total = BURST_RATE * BURST_SECONDS;
    const caseTypes = (
      (await (await fetch(`${url}/api/case-types?limit=2000`)).json()) as { caseTypes: { code: string }[] }
    ).caseTypes.map((c) => c.code);
    const joiners: Socket[] = [];
    for (let i = 0; i < total; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, total - i) }, async (_, k) => {
          const res = await fetch(`${url}/api/tickets`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ displayName: 'Bench', caseType: caseTypes[(i + k) % caseTypes.length] }),
          });
          const body = (await res.json()) as Ack<CreateTicketResponse>;
          if (!body.ok) throw new Error(`ticket: ${body.error.code}`);
          return connect(url, body.citizenToken, body.resumeSecret);
        }),
      );
      joiners.push(...batch);
    }
    sockets.push(...joiners);
    // Let the enqueue fan-out (position pushes) and GC settle before timing the burst.
    await new Promise((r) => setTimeout(r, 3000));
    console.log(`  burst: ${total} tickets ready; joining at ${BURST_RATE}/s`);
    const latencies: number[] = [];
    let errors = 0;
    const pending: Promise<void>[] = [];
    const burstStart = performance.now();
    for (let i = 0; i < total; i++) {
      const due = burstStart + (i * 1000) / BURST_RATE;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const sent = performance.now();
      pending.push(
        (joiners[i] as Socket)
          .timeout(10_000)
          .emitWithAck('queue:join', {})
          .then((ack: Ack<object>) => {
            if (!ack.ok) errors++;
            latencies.push(performance.now() - sent);
          })
          .catch(() => {
            errors++;
          }),
      );
    }
    await Promise.all(pending);
    const achieved = total / ((performance.now() - burstStart) / 1000);
    const s = summarize(latencies);
    console.log(
      `  queue:join acks at ${achieved.toFixed(0)}/s: p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms, errors ${errors}`,
    );
    const burstNote = `${total} joins at ${achieved.toFixed(0)}/s over ${s.n} acks, ${errors} errors, with ${sockets.length} sockets connected; tickets spread over ${caseTypes.length} case types`;
    results.push(
      {
        bench: 'sockets',
        figure: 'queue:join ack p50 during 500 joins/s',
        value: Number(s.p50.toFixed(2)),
        unit: 'ms',
        notes: burstNote,
      },
      {
        bench: 'sockets',
        figure: 'queue:join ack p95 during 500 joins/s',
        value: Number(s.p95.toFixed(2)),
        unit: 'ms',
        notes: burstNote,
      },
      {
        bench: 'sockets',
        figure: 'queue:join ack p99 during 500 joins/s',
        value: Number(s.p99.toFixed(2)),
        unit: 'ms',
        notes: burstNote,
      },
    );
  } finally {
    for (const s of sockets) s.disconnect();
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  return results;
}

export default { name: 'sockets', run } satisfies Benchmark;
