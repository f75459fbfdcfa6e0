/**
 * Load client for bench/sockets.ts, run as its own process so the server alone holds its sockets'
 * file descriptors (each process here is limited to 20,000). Connects BENCH_CLIENT_COUNT idle
 * citizen sockets to BENCH_CLIENT_URL with tokens it signs itself, reports progress as JSON lines on
 * stdout, stops connecting after the batch in flight on a `stop` line (then reports `done`), closes
 * `n` sockets on a `close <n>` line on stdin, and exits when stdin ends.
 */
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '@ablak/protocol';
import { TokenService } from '@ablak/signaling';

const url = process.env.BENCH_CLIENT_URL ?? '';
const secret = process.env.BENCH_CLIENT_SECRET ?? '';
const count = Number(process.env.BENCH_CLIENT_COUNT ?? 0);
const prefix = process.env.BENCH_CLIENT_PREFIX ?? 'c0';
const BATCH = 200;

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

function connect(token: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/citizen`, {
      auth: { token, protocolVersion: PROTOCOL_VERSION },
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

async function main(): Promise<void> {
  let next = 0;
  while (next < count && !stopped) {
    const n = Math.min(BATCH, count - next);
    const batch = await Promise.allSettled(
      Array.from({ length: n }, (_, i) => {
        const id = `t-${prefix}-${next + i}`;
        return connect(tokens.signSession({ sub: id, role: 'citizen', ticket: id, name: 'Bench' }).token);
      }),
    );
    next += n;
    for (const r of batch) {
      if (r.status === 'fulfilled') sockets.push(r.value);
      else failed++;
    }
    report({ type: 'progress', connected: sockets.length, failed });
  }
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
  setTimeout(() => process.exit(0), 200);
});

main().catch((error: unknown) => {
  report({ type: 'error', message: String(error) });
  process.exit(1);
});
