/**
 * Load client for bench/sockets.ts, run as its own process so the server alone holds its sockets'
 * file descriptors (each process here is limited to 20,000). Connects BENCH_CLIENT_COUNT idle
 * citizen sockets to BENCH_CLIENT_URL, reports progress as JSON lines on
 * stdout, stops starting handshakes on a `stop` line (then reports `done`), closes
 * `n` sockets on a `close <n>` line on stdin, and exits when stdin ends.
 *
 * With BENCH_CLIENT_WAITING=1 each socket is a real waiting citizen: a ticket over HTTP (case types
 * round-robin), then the socket with its token, then `queue:join`, so the server keeps its place and
 * pushes it position changes. Otherwise it signs ticket-less tokens itself (sockets only).
 */
import { Agent, request } from 'node:http';
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack, type CreateTicketResponse } from '@ablak/protocol';
import { TokenService } from '@ablak/signaling';

const url = process.env.BENCH_CLIENT_URL ?? '';
const secret = process.env.BENCH_CLIENT_SECRET ?? '';
const count = Number(process.env.BENCH_CLIENT_COUNT ?? 0);
const prefix = process.env.BENCH_CLIENT_PREFIX ?? 'c0';
const waiting = process.env.BENCH_CLIENT_WAITING === '1';
const IN_FLIGHT = 200;
const REPORT_EVERY = 200;

const tokens = new TokenService({
  jwtSecret: secret,
  mediaGrantSecret: secret,
  sessionTtlSeconds: 3600,
  refreshTtlSeconds: 3600,
  citizenTokenTtlSeconds: 3600,
  mediaGrantTtlSeconds: 600,
});

const sockets: Socket[] = [];
let failed = 0;
/** Set by a `stop` line: the bench's connect budget ran out, so no further batches start. */
let stopped = false;
const report = (message: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(message)}\n`);

function connect(token: string, resumeSecret?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/citizen`, {
      auth: { token, protocolVersion: PROTOCOL_VERSION, ...(resumeSecret && { resumeSecret }) },
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

/**
 * Keeps IN_FLIGHT handshakes going, starting the next as each one settles. (It used to connect in
 * batches of 200 and wait for the whole batch: each batch then connected within a few ms, so its
 * 200 sockets got their engine.io ping timers at the same instant and the server sent 200 pings
 * back to back every 20 s, a 20-35 ms stall that set the burst's p99. Browsers do not arrive in
 * lockstep like that.)
 */
let caseTypes: string[] = [];

// A few kept-alive HTTP connections for the tickets (fetch would keep up to one per handshake in
// flight open for a minute, and the server's fds are counted to the last hundred).
const agent = new Agent({ keepAlive: true, maxSockets: 8 });

function postTicket(caseType: string): Promise<Ack<CreateTicketResponse>> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/tickets`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body) as Ack<CreateTicketResponse>);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify({ displayName: 'Bench', caseType }));
  });
}

async function waitingCitizen(n: number): Promise<Socket> {
  const ticket = await postTicket(caseTypes[n % caseTypes.length] ?? '');
  if (!ticket.ok) throw new Error(`ticket: ${ticket.error.code}`);
  const socket = await connect(ticket.citizenToken, ticket.resumeSecret);
  const ack = (await socket.timeout(30_000).emitWithAck('queue:join', {})) as Ack<object>;
  if (!ack.ok) {
    socket.close();
    throw new Error(`join: ${ack.error.code}`);
  }
  return socket;
}

function idleSocket(n: number): Promise<Socket> {
  const id = `t-${prefix}-${n}`;
  return connect(tokens.signSession({ sub: id, role: 'citizen', ticket: id, name: 'Bench' }).token);
}

async function main(): Promise<void> {
  if (waiting) {
    const res = await fetch(`${url}/api/case-types?limit=2000`);
    caseTypes = ((await res.json()) as { caseTypes: { code: string }[] }).caseTypes.map((c) => c.code);
  }
  let next = 0;
  const worker = async () => {
    while (next < count && !stopped) {
      const n = next++;
      try {
        sockets.push(await (waiting ? waitingCitizen(n) : idleSocket(n)));
      } catch {
        failed++;
      }
      if ((sockets.length + failed) % REPORT_EVERY === 0) report({ type: 'progress', connected: sockets.length, failed });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  report({ type: 'done', connected: sockets.length, failed });
}

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line.trim() === 'stop') stopped = true;
  const match = /^close (\d+)$/.exec(line.trim());
  if (!match) return;
  const closing = sockets.splice(0, Number(match[1]));
  for (const s of closing) s.disconnect();
  report({ type: 'closed', closed: closing.length, connected: sockets.length });
});
input.on('close', () => {
  for (const s of sockets) s.disconnect();
  agent.destroy();
  setTimeout(() => process.exit(0), 200);
});

main().catch((error: unknown) => {
  report({ type: 'error', message: String(error) });
  process.exit(1);
});
