/**
 * Signaling capacity: connected citizen sockets per process and memory per socket, then ack latency
 * of `queue:join` during a burst of 500 joins/s. The server runs as its own process (embedded store,
 * no SFU) so its memory is measured alone, from its /metrics. The idle sockets come from load-client
 * processes (bench/sockets-client.ts, 10,000 each), so the server alone holds its sockets' file
 * descriptors; the joiners of the burst are socket.io-client in this process, on loopback. Bounded:
 * BENCH_SOCKETS (default 19,500: the box's hard fd limit per process is 20,000 and root here lacks
 * CAP_SYS_RESOURCE to raise it) or 180 s, then a 5 s burst with 2,500 of the idle sockets swapped
 * for joiners. BENCH_SERVER_NODE_FLAGS adds node flags to the server (e.g. `--cpu-prof --trace-gc`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack, type CreateTicketResponse } from '@ablak/protocol';
import { freePort, waitForPort } from '@ablak/infra';
import { summarize, type Benchmark, type BenchResult } from './lib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const JWT_SECRET = 'bench-jwt-secret-0123456789-0123456789-abcdef';
const SOCKETS = Number(process.env.BENCH_SOCKETS ?? 19_500);
const PER_CLIENT = 10_000;
const CONNECT_BUDGET_MS = 180_000;
const BURST_RATE = 500;
const BURST_SECONDS = 5;

/** The open-files limit of a process, from /proc (soft limit). */
function fdLimit(pid: number | undefined): number {
  try {
    const line = /Max open files\s+(\d+)/.exec(readFileSync(`/proc/${pid ?? 'self'}/limits`, 'utf8'));
    return Number(line?.[1] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
}

interface LoadClient {
  child: ChildProcess;
  connected: number;
  failed: number;
  done: boolean;
}

function startClient(url: string, count: number, prefix: string): LoadClient {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/sockets-client.ts')], {
    cwd: path.join(ROOT, 'bench'),
    env: {
      ...process.env,
      BENCH_CLIENT_URL: url,
      BENCH_CLIENT_SECRET: JWT_SECRET,
      BENCH_CLIENT_COUNT: String(count),
      BENCH_CLIENT_PREFIX: prefix,
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const client: LoadClient = { child, connected: 0, failed: 0, done: false };
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    try {
      const m = JSON.parse(line) as { type: string; connected?: number; failed?: number };
      if (typeof m.connected === 'number') client.connected = m.connected;
      if (typeof m.failed === 'number') client.failed = m.failed;
      if (m.type === 'done' || m.type === 'error') client.done = true;
    } catch {
      // not a report line
    }
  });
  child.once('exit', () => {
    client.done = true;
  });
  return client;
}

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
  const extraFlags = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--max-old-space-size=4096', ...extraFlags, path.join(ROOT, 'signaling/src/main.ts')],
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
      stdio: ['ignore', extraFlags.length > 0 ? 'inherit' : 'ignore', 'inherit'],
    },
  );
  const sockets: Socket[] = [];
  const clients: LoadClient[] = [];
  const results: BenchResult[] = [];
  try {
    await waitForPort(port, '127.0.0.1', 60_000);
    await new Promise((r) => setTimeout(r, 1000));
    const base = await serverMemory(url);
    const serverFds = fdLimit(child.pid);

    // Phase 1: idle connected sockets, from load-client processes.
    const started = Date.now();
    for (let i = 0, left = SOCKETS; left > 0; i++, left -= PER_CLIENT)
      clients.push(startClient(url, Math.min(PER_CLIENT, left), `c${i}`));
    const connected = () => clients.reduce((n, c) => n + c.connected, 0);
    const failedCount = () => clients.reduce((n, c) => n + c.failed, 0);
    let lastPrint = 0;
    while (!clients.every((c) => c.done) && Date.now() - started < CONNECT_BUDGET_MS) {
      await new Promise((r) => setTimeout(r, 250));
      if (connected() - lastPrint >= 2000) {
        lastPrint = connected();
        console.log(`  sockets: ${lastPrint} connected (${failedCount()} failed)`);
      }
    }
    const held = connected();
    const failed = failedCount();
    const connectSeconds = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 2000));
    const loaded = await serverMemory(url);
    const perSocketKiB = (loaded.rss - base.rss) / held / 1024;
    const heapPerSocketKiB = (loaded.heap - base.heap) / held / 1024;
    console.log(
      `  ${held} sockets in ${connectSeconds.toFixed(1)} s (server fd limit ${serverFds}); RSS ${(loaded.rss / 2 ** 20).toFixed(0)} MiB; ${perSocketKiB.toFixed(1)} KiB/socket`,
    );
    const note = `${held} idle citizen sockets (websocket) on one signaling process, embedded store; clients in ${clients.length} other processes on loopback`;
    results.push(
      {
        bench: 'sockets',
        figure: 'connected citizen sockets held by one signaling process',
        value: held,
        unit: 'sockets',
        notes: `target ${SOCKETS}, ${failed} failed; the server's open-files limit is ${serverFds} (hard limit of this box, not raisable here), bounded by ${CONNECT_BUDGET_MS / 1000} s`,
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
        value: Math.round(held / connectSeconds),
        unit: 'sockets/s',
        notes: `${clients.length} client processes, batches of 200 each`,
      },
    );

    // Make room under the server's fd limit for the burst's joiners: close that many idle sockets.
    const total = BURST_RATE * BURST_SECONDS;
    const room = Math.max(0, held + total + 200 - serverFds);
    for (let i = 0, left = room; left > 0 && i < clients.length; i++) {
      const n = Math.min(left, clients[i]?.connected ?? 0);
      clients[i]?.child.stdin?.write(`close ${n}\n`);
      left -= n;
    }
    if (room > 0) {
      await new Promise((r) => setTimeout(r, 2000));
      console.log(`  closed ${room} idle sockets to make room for ${total} joiners`);
    }

    // Phase 2: a burst of real joins (tickets over HTTP across the catalogue), acks timed.
    const caseTypes = (
      (await (await fetch(`${url}/api/case-types?limit=2000`)).json()) as { caseTypes: { code: string }[] }
    ).caseTypes.map((c) => c.code);
    const joiners: Socket[] = [];
    let joinerFailures = 0;
    for (let i = 0; i < total; i += 50) {
      const batch = await Promise.allSettled(
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
      for (const r of batch) {
        if (r.status === 'fulfilled') joiners.push(r.value);
        else if (joinerFailures++ === 0) console.log(`  first joiner failure: ${String(r.reason)}`);
      }
    }
    sockets.push(...joiners);
    if (joinerFailures > 0) console.log(`  ${joinerFailures} joiners could not get a ticket or connect`);
    // Let the enqueue fan-out (position pushes) and GC settle before timing the burst.
    await new Promise((r) => setTimeout(r, 3000));
    console.log(`  burst: ${joiners.length} tickets ready; joining at ${BURST_RATE}/s`);
    const latencies: number[] = [];
    let errors = 0;
    const pending: Promise<void>[] = [];
    const burstStart = performance.now();
    for (let i = 0; i < joiners.length; i++) {
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
    const achieved = joiners.length / ((performance.now() - burstStart) / 1000);
    const s = summarize(latencies);
    console.log(
      `  queue:join acks at ${achieved.toFixed(0)}/s: p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms, errors ${errors}`,
    );
    const burstNote = `${joiners.length} joins (${joinerFailures} joiners failed to connect) at ${achieved.toFixed(0)}/s over ${s.n} acks, ${errors} errors, with ${connected() + joiners.length} sockets connected; tickets spread over ${caseTypes.length} case types`;
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
    for (const c of clients) c.child.stdin?.end();
    child.kill('SIGTERM');
    // A profiled server writes its profile on a clean exit: give it the time.
    const exited = new Promise((r) => child.once('exit', r));
    await Promise.race([exited, new Promise((r) => setTimeout(r, extraFlags.length > 0 ? 20_000 : 2000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    for (const c of clients) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  }
  return results;
}

export default { name: 'sockets', run } satisfies Benchmark;
