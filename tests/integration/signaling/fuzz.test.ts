import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizenRequests, clerkRequests, ErrorCode, supervisorRequests } from '@ablak/protocol';
import type { RunningSignaling } from '@ablak/signaling';
import { Fixture, type Client } from './harness';

const PER_EVENT = 1000;
const FIELDS = [
  'text',
  'ticketId',
  'callId',
  'state',
  'reason',
  'target',
  'note',
  'rating',
  'comment',
  'outcome',
  'notes',
  'next',
  'clerkId',
  'office',
  'region',
  'queue',
  'kind',
];

/** Deterministic PRNG so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function deep(depth: number): unknown {
  let v: unknown = { leaf: 'x' };
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? { a: v, b: [1] } : [v, 'x'];
  return v;
}

/** One malformed payload: wrong types, huge strings, deep objects, prototype-pollution keys. */
function malformed(r: () => number): unknown {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)] as T;
  // Past every schema limit, yet four of them stay under the 64 KB packet limit (tested apart below).
  const hugeString = () => 'ű'.repeat(5001 + Math.floor(r() * 2000));
  const badValue = (): unknown =>
    pick<() => unknown>([
      () => Math.floor(r() * 1e9) - 5e8,
      () => r() * 1e308,
      () => true,
      () => null,
      () => [],
      () => Array.from({ length: 500 }, (_, i) => i),
      hugeString,
      () => '\u0000\u202e<script>',
      () => deep(1 + Math.floor(r() * 40)),
      () => ({ kind: pick(['queue', 'clerk', 42]), queue: { $gt: '' } }),
      () => JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}'),
    ])();
  return pick<() => unknown>([
    () => badValue(),
    () => 'just a string',
    () => 12345,
    () => [1, 2, 3],
    () => {
      const o: Record<string, unknown> = {};
      const n = 1 + Math.floor(r() * 4);
      for (let i = 0; i < n; i++) o[pick(FIELDS)] = badValue();
      o[`x${Math.floor(r() * 1000)}`] = 1;
      return o;
    },
    () =>
      JSON.parse(
        `{"__proto__":{"polluted":"yes","isAdmin":true},"${pick(FIELDS)}":{"__proto__":{"polluted":"yes"}}}`,
      ),
    () => deep(20 + Math.floor(r() * 80)),
  ])();
}

const CODES = new Set<string>(ErrorCode.options);

/**
 * The server's per-socket event allowance is a fixed window of this length (SOCKET_EVENTS_PER_SECOND,
 * 10,000 in the fixture). One event's 1,000 payloads fit in it, but every event of a role shares that
 * role's socket: on a fast box several events landed in one window and the rest were answered
 * RATE_LIMITED before their schema was ever tried. Each event therefore starts once the window that
 * held the previous event's last request has passed (same clock as the server's), so the schema, not
 * the limiter, answers every payload below.
 */
const RATE_WINDOW_MS = 1000;

describe('fuzz: malformed payloads on every event', () => {
  const fx = new Fixture();
  let server: RunningSignaling;
  const sockets: Record<string, Client> = {};
  const lastAnswerAt: Record<string, number> = {};

  beforeAll(async () => {
    server = await fx.server();
    const t = await fx.ticket(server.url, { caseType: 'FAM-01' });
    sockets.citizen = await fx.connect(server.url, '/citizen', {
      token: t.citizenToken,
      resumeSecret: t.resumeSecret,
    });
    sockets.clerk = await fx.connect(server.url, '/clerk', {
      token: (await fx.login(server.url, 'c2')).token,
    });
    sockets.supervisor = await fx.connect(server.url, '/supervisor', {
      token: (await fx.login(server.url, 'sup')).token,
    });
  });
  afterAll(() => fx.close());

  const events: [string, string][] = [
    ...Object.keys(citizenRequests).map((e) => ['citizen', e] as [string, string]),
    ...Object.keys(clerkRequests).map((e) => ['clerk', e] as [string, string]),
    ...Object.keys(supervisorRequests).map((e) => ['supervisor', e] as [string, string]),
  ];

  it.each(events)(
    `answers ${PER_EVENT} malformed %s %s payloads with typed acks and keeps running`,
    async (role, event) => {
      const socket = sockets[role] as Client;
      const r = rng(event.length * 7919 + role.length);
      const counts: Record<string, number> = {};
      const previous = lastAnswerAt[role];
      if (previous !== undefined) {
        const wait = previous + RATE_WINDOW_MS + 1 - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      for (let batch = 0; batch < PER_EVENT / 100; batch++) {
        const acks = await Promise.all(
          Array.from({ length: 100 }, () => socket.request(event, malformed(r))),
        );
        for (const ack of acks) {
          expect(typeof ack).toBe('object');
          if (ack.ok) {
            counts.ok = (counts.ok ?? 0) + 1;
            continue;
          }
          expect(CODES.has(ack.error.code), `code ${ack.error.code}`).toBe(true);
          expect(typeof ack.error.message).toBe('string');
          expect(ack.error.code).not.toBe('INTERNAL');
          counts[ack.error.code] = (counts[ack.error.code] ?? 0) + 1;
        }
      }
      lastAnswerAt[role] = Date.now();
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(PER_EVENT);
      expect(counts.RATE_LIMITED ?? 0, 'answered by the rate limiter, not the schema').toBe(0);
      // Nearly everything is refused by the schema; the rest (e.g. extra keys stripped) is handled as a request.
      expect(counts.BAD_REQUEST ?? 0).toBeGreaterThan(PER_EVENT * 0.5);
      expect(socket.connected).toBe(true);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it('is still healthy and serving after the fuzz, with no prototype pollution', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const hello = await (sockets.clerk as Client).request('clerk:hello');
    expect(hello.ok).toBe(true);
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.prototype).not.toHaveProperty('isAdmin');
  });

  it('drops a socket that sends a packet over the size limit, without affecting others', async () => {
    const t = await fx.ticket(server.url, { caseType: 'FAM-01' });
    const big = await fx.connect(server.url, '/citizen', { token: t.citizenToken });
    const gone = new Promise<string>((resolve) => big.once('disconnect', resolve));
    big.emit('chat:send', { text: 'x'.repeat(200_000) });
    expect(await gone).toBe('transport close');
    expect((await (sockets.supervisor as Client).request('board:subscribe', {})).ok).toBe(true);
  });
});
