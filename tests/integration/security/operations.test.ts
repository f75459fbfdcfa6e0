/**
 * Issue 17, attack 4 and the rest of "Operations": `/metrics` answered anyone, and in a fleet every
 * scrape ran Redis reads per queue; resume secrets sat in Redis as given to the browser; a malformed
 * message on a Redis channel could take a node down. Fleet nodes here run on a Redis with a password.
 */
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import pino from 'pino';
import type { CallSummary, MediaAccess, Offer, QueuePosition } from '@ablak/protocol';
import { parseConfig, startSignaling } from '@ablak/signaling';
import type { RedisServer } from '@ablak/tests/harness';
import { expectOk, fakeSfu, Fixture, fleetEnv, fleetRedis, spawnNode } from '../signaling/harness';

const CASE_TYPE = 'szemelyi.adult.first';
const METRICS_TOKEN = 'metrics-token-for-this-test-0123456789abcdef';

/** Redis commands run since the last reset, by command (the measuring commands left out). */
async function commandCounts(redis: Redis): Promise<Record<string, number>> {
  const info = await redis.info('commandstats');
  const counts: Record<string, number> = {};
  for (const line of info.split('\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (m?.[1] && m[2] && !/^(info|config)\b/.test(m[1])) counts[m[1]] = Number(m[2]);
  }
  return counts;
}
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('/metrics', () => {
  const fx = new Fixture();
  afterAll(() => fx.close());

  it('is not on the public port without a token, answers only the token there, and is served on the internal port', async () => {
    const closed = await fx.server({ env: { METRICS_TOKEN: '', METRICS_PORT: '0' } });
    expect((await fetch(`${closed.url}/metrics`)).status).toBe(404);
    // The internal listener (127.0.0.1 by default) serves it without a token.
    expect(closed.metricsPort).toBeGreaterThan(0);
    const internal = await fetch(`http://127.0.0.1:${closed.metricsPort}/metrics`);
    expect(internal.status).toBe(200);
    expect(await internal.text()).toContain('ablak_sockets');

    const guarded = await fx.server({ env: { METRICS_TOKEN } });
    expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('ablak_tickets_waiting');
  });
});

describe('a fleet node', () => {
  const fx = new Fixture();
  let redis: RedisServer;
  let probe: Redis;
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await fleetRedis();
    probe = new Redis(redis.url);
    env = fleetEnv(redis.url, { METRICS_TOKEN });
  });
  afterAll(async () => {
    probe?.disconnect();
    await fx.close();
    await redis?.stop();
  });

  it('needs the Redis password: a URL without it is a start error', () => {
    expect(() => parseConfig({ ...env, REDIS_URL: `redis://127.0.0.1:${redis.port}` })).toThrow(
      /REDIS_URL: fleet mode needs a Redis password/,
    );
  });

  it('renders /metrics at most once per few seconds, however often it is scraped', async () => {
    // Shipped catalogue (29 queues); timers slowed so that the scrapes are all Redis sees.
    const quiet = {
      SWEEP_INTERVAL_MS: '60000',
      BOARD_PUSH_INTERVAL_MS: '10000',
      BOARD_HISTORY_INTERVAL_MS: '600000',
      PRESENCE_INTERVAL_MS: '60000',
    };
    const node = await startSignaling(parseConfig({ ...env, ...quiet }), { embedSfu: fakeSfu('sfu-m') });
    fx.servers.push(node);
    const scrape = async () => {
      const res = await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.status).toBe(200);
      return res.text();
    };
    await new Promise((r) => setTimeout(r, 500));
    await probe.config('RESETSTAT');
    await scrape();
    const one = total(await commandCounts(probe));
    await probe.config('RESETSTAT');
    for (let i = 0; i < 10; i++) await scrape();
    const ten = await commandCounts(probe);
    console.log(`redis commands: one scrape ${one}; ten scrapes within the cache window ${total(ten)}`, ten);
    expect(one).toBeGreaterThan(0);
    // Ten scrapes in a row cost no more than the one rendering they share (plus the odd heartbeat).
    expect(total(ten)).toBeLessThan(Math.max(one / 2, 10));
  });

  it('keeps the resume secret only as its hash in Redis, and the citizen still resumes with it', async () => {
    const node = await startSignaling(parseConfig(env), { embedSfu: fakeSfu('sfu-r') });
    fx.servers.push(node);
    const t = await fx.ticket(node.url, { caseType: CASE_TYPE });
    const stored = await probe.hget('{ablak}:sec', t.ticketId);
    expect(stored).not.toBeNull();
    expect(stored).not.toBe(t.resumeSecret);
    expect(stored).toBe(createHash('sha256').update(t.resumeSecret).digest('base64url'));
    const first = await fx.connect(node.url, '/citizen', { token: t.citizenToken, resumeSecret: t.resumeSecret });
    expectOk(await first.request('queue:join'));
    first.disconnect();
    await new Promise((r) => setTimeout(r, 300));
    const back = await fx.connect(node.url, '/citizen', { token: t.citizenToken, resumeSecret: t.resumeSecret });
    const joined = expectOk(await back.request<{ position: QueuePosition }>('queue:join'));
    expect(joined.position.state).toBe('waiting');
    // Someone holding the stored hash cannot take the place with it.
    back.disconnect();
    await new Promise((r) => setTimeout(r, 300));
    const thief = await fx.connect(node.url, '/citizen', { token: t.citizenToken, resumeSecret: stored ?? '' });
    const refused = await thief.request('queue:join');
    expect(refused).toMatchObject({ ok: false, error: { code: 'RESUME_REJECTED' } });
  });

  // Node A is a spawned, built service (so a crash is its exit, not the test's): slow to start under load.
  it('logs and drops garbage published on every channel and stream the nodes read, and keeps serving', { timeout: 180_000 }, async () => {
    const a: { url: string; child: ChildProcess } = await spawnNode(env);
    let exited = false;
    a.child.once('exit', () => (exited = true));
    try {
      const logged: string[] = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
      const b = await startSignaling(parseConfig(env), {
        logger,
        embedSfu: fakeSfu('sfu-g', 'http://127.0.0.1:19'),
      });
      fx.servers.push(b);
      const channels = (await probe.pubsub('CHANNELS', '*')) as string[];
      expect(channels).toContain('{ablak}:events');
      // The Socket.IO adapter's stream (signaling's `streamName`), and any other stream there is.
      const streams: string[] = ['ablak:sio'];
      let cursor = '0';
      do {
        const [next, keys] = await probe.scan(cursor, 'COUNT', 1000, 'TYPE', 'stream');
        cursor = next;
        streams.push(...keys.filter((k) => !streams.includes(k)));
      } while (cursor !== '0');
      const garbage = [
        'not json',
        'null',
        '42',
        '[1, "x", null]',
        '{"type":42}',
        '{"type":"offer:made"}',
        '{"type":"call:ended","call":null}',
        '{"type":"no-such-event"}',
        Buffer.from([0xc1, 0xff, 0x00, 0x92]),
      ];
      for (const channel of channels) for (const g of garbage) await probe.publish(channel, g);
      for (const stream of streams) {
        for (const nsp of ['/', '/citizen', '/clerk', '/supervisor']) {
          // every cluster message type (broadcast, join, leave, disconnect, fetch …) without its data
          for (let type = 1; type <= 12; type++)
            await probe.xadd(stream, '*', 'uid', 'mallory', 'nsp', nsp, 'type', String(type));
          await probe.xadd(stream, '*', 'uid', 'mallory', 'nsp', nsp, 'type', '3', 'data', '{not json');
          await probe.xadd(stream, '*', 'uid', 'mallory', 'nsp', nsp, 'type', '5', 'data', 'AAAA');
          await probe.xadd(stream, '*', 'uid', 'mallory', 'nsp', nsp, 'type', 'x', 'data', '{"a":1}');
        }
      }
      await new Promise((r) => setTimeout(r, 1000));
      expect(exited).toBe(false);
      // Each was logged (without its content: it could be anything) and dropped.
      expect(logged.join('\n')).not.toContain('not json');
      expect(logged.some((l) => l.includes('malformed message on the events channel dropped'))).toBe(true);
      expect(logged.some((l) => l.includes('malformed adapter message dropped'))).toBe(true);
      expect((await fetch(`${a.url}/healthz`)).status).toBe(200);

      // Both nodes still work together: store events and adapter messages still cross.
      const login = await fx.login(b.url, 'clerk1', 'ablak-demo');
      const clerk = await fx.connect(b.url, '/clerk', { token: login.token });
      expectOk(await clerk.request('clerk:set-state', { state: 'offline' }));
      const t = await fx.ticket(a.url, { caseType: CASE_TYPE });
      const citizen = await fx.connect(a.url, '/citizen', { token: t.citizenToken, resumeSecret: t.resumeSecret });
      expectOk(await citizen.request<{ media: MediaAccess | null }>('queue:join'));
      const offered = clerk.next<Offer>('offer:received', (o) => o.ticketId === t.ticketId);
      expectOk(await clerk.request('clerk:set-state', { state: 'available' }));
      await offered;
      const accept = expectOk(
        await clerk.request<{ call: CallSummary }>('offer:accept', { ticketId: t.ticketId }),
      );
      const heard = citizen.next<{ text: string }>('chat:received');
      expectOk(await clerk.request('chat:send', { callId: accept.call.callId, text: 'Still here' }));
      expect((await heard).text).toBe('Still here');
      expect(exited).toBe(false);
    } finally {
      a.child.kill('SIGKILL');
    }
  });
});
