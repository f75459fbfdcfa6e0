/**
 * Joiner process for bench/sockets.ts: the burst's citizens, in a process of their own so their
 * timing does not share an event loop with the bench's bookkeeping. Takes BENCH_JOIN_COUNT tickets
 * over HTTP from BENCH_JOIN_URL (case types round-robin), connects a socket per ticket, reports
 * `ready`; on a `go` line on stdin sends `queue:join` from each socket at BENCH_JOIN_RATE per second
 * and reports every ack's latency (send → ack, both in this process) with this process's CPU time
 * and event-loop delay over the burst, so a starved client shows in its own figures. On `drop` it
 * closes those sockets (reports `dropped`); on `arrive` it runs the same rate of arrivals as a
 * citizen makes them: ticket over HTTP, socket, `queue:join`, each started on schedule, and reports
 * the `queue:join` latencies and the whole arrival's (ticket request → join ack). Exits when stdin
 * ends.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack, type CreateTicketResponse } from '@ablak/protocol';

const url = process.env.BENCH_JOIN_URL ?? '';
const count = Number(process.env.BENCH_JOIN_COUNT ?? 0);
const rate = Number(process.env.BENCH_JOIN_RATE ?? 500);
const BATCH = 50;

const report = (message: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(message)}\n`);

function connect(token: string, resumeSecret: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/citizen`, {
      auth: { token, protocolVersion: PROTOCOL_VERSION, resumeSecret },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

async function ticket(caseType: string): Promise<CreateTicketResponse> {
  const res = await fetch(`${url}/api/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: 'Bench', caseType }),
  });
  const body = (await res.json()) as Ack<CreateTicketResponse>;
  if (!body.ok) throw new Error(`ticket: ${body.error.code}`);
  return body;
}

const sockets: Socket[] = [];

async function prepare(): Promise<void> {
  const caseTypes = (
    (await (await fetch(`${url}/api/case-types?limit=2000`)).json()) as { caseTypes: { code: string }[] }
  ).caseTypes.map((c) => c.code);
  caseTypeCodes = caseTypes;
  const failures = new Map<string, number>();
  for (let i = 0; i < count; i += BATCH) {
    const batch = await Promise.allSettled(
      Array.from({ length: Math.min(BATCH, count - i) }, async (_, k) => {
        const t = await ticket(caseTypes[(i + k) % caseTypes.length] ?? '');
        return connect(t.citizenToken, t.resumeSecret);
      }),
    );
    for (const r of batch) {
      if (r.status === 'fulfilled') sockets.push(r.value);
      else {
        const reason = r.reason instanceof Error ? r.reason.message : String(r.reason);
        failures.set(reason, (failures.get(reason) ?? 0) + 1);
      }
    }
  }
  report({ type: 'ready', ready: sockets.length, failures: Object.fromEntries(failures), caseTypes: caseTypes.length });
}

/** Starts `n` tasks at `rate` per second and reports their latencies with this process's CPU and loop delay. */
async function paced(
  type: string,
  n: number,
  task: (i: number) => Promise<{ join: number; total: number } | null>,
): Promise<void> {
  const latencies: number[] = [];
  const totals: number[] = [];
  let errors = 0;
  let lateSends = 0;
  const pending: Promise<void>[] = [];
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (performance.now() - due > 5) lateSends++;
    pending.push(
      task(i).then(
        (r) => {
          if (r === null) errors++;
          else {
            latencies.push(r.join);
            totals.push(r.total);
          }
        },
        () => {
          errors++;
        },
      ),
    );
  }
  const sendSeconds = (performance.now() - started) / 1000;
  await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  loop.disable();
  const round = (l: number) => Math.round(l * 100) / 100;
  report({
    type,
    latencies: latencies.map(round),
    totals: totals.map(round),
    errors,
    lateSends,
    rate: n / sendSeconds,
    seconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    loopDelayP99Ms: loop.percentile(99) / 1e6,
    loopDelayMaxMs: loop.max / 1e6,
  });
}

async function join(socket: Socket): Promise<number | null> {
  const sent = performance.now();
  const ack = (await socket.timeout(10_000).emitWithAck('queue:join', {})) as Ack<object>;
  return ack.ok ? performance.now() - sent : null;
}

const burst = () =>
  paced('result', sockets.length, async (i) => {
    const ms = await join(sockets[i] as Socket);
    return ms === null ? null : { join: ms, total: ms };
  });

let caseTypeCodes: string[] = [];
const arrived: Socket[] = [];

const arrivals = () =>
  paced('arrivals', count, async (i) => {
    const started = performance.now();
    const t = await ticket(caseTypeCodes[i % caseTypeCodes.length] ?? '');
    const socket = await connect(t.citizenToken, t.resumeSecret);
    arrived.push(socket);
    const ms = await join(socket);
    return ms === null ? null : { join: ms, total: performance.now() - started };
  });

const input = createInterface({ input: process.stdin });
let ready: Promise<void> | null = null;
const fail = (error: unknown) => report({ type: 'error', message: String(error) });
input.on('line', (line) => {
  const command = line.trim();
  if (command === 'go') void ready?.then(burst).catch(fail);
  if (command === 'arrive') void arrivals().catch(fail);
  if (command === 'drop') {
    for (const s of sockets.splice(0)) s.disconnect();
    report({ type: 'dropped' });
  }
});
input.on('close', () => {
  for (const s of [...sockets, ...arrived]) s.disconnect();
  setTimeout(() => process.exit(0), 200);
});

ready = prepare().catch((error: unknown) => {
  report({ type: 'error', message: String(error) });
  process.exit(1);
});
