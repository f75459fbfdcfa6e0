/**
 * Two signaling nodes, Redis stopped and started again several times for longer than the nodes'
 * presence keys live: no node declares the other dead from keys that expired while Redis was away,
 * so no citizen still connected is dropped. Node B reaches Redis through a proxy that comes back a
 * little after Redis does (a slower path, a later reconnect), so A is always back first: the race
 * that dropped B's citizens. A node that then really goes away has its citizens taken over by the
 * other node, each in the place it had.
 */
import { rmSync } from 'node:fs';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueuePosition, TicketId } from '@ablak/protocol';
import type { RunningSignaling } from '@ablak/signaling';
import { freePort, type RedisServer } from '@ablak/tests/harness';
import { expectOk, fakeSfu, Fixture, fleetRedis, TEST_REDIS_PASSWORD, waitFor, type Client } from '../signaling/harness';

const CYCLES = Number(process.env.CYCLES ?? 3);
/**
 * Presence beats every 500 ms, so its keys live 2 s; each outage also outlasts the Socket.IO
 * adapter's 10 s heartbeat timeout, after which a node's cross-node look-ups stop counting the other.
 */
const OUTAGE_MS = 12_000;
const PER_NODE = 15;

/** A TCP proxy to Redis that can be cut and restored (restoring listens on the same port again). */
async function redisProxy(target: () => number) {
  const port = await freePort();
  const open = new Set<net.Socket>();
  let server: net.Server | null = null;
  const up = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target(), '127.0.0.1');
        for (const s of [client, upstream]) {
          open.add(s);
          s.on('close', () => open.delete(s));
          s.on('error', () => undefined);
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  await up();
  return { url: `redis://:${TEST_REDIS_PASSWORD}@127.0.0.1:${port}`, up, down };
}

describe('fleet: Redis outages and node presence', () => {
  const fx = new Fixture();
  let redis: RedisServer;
  let dataDir = '';
  let a: RunningSignaling;
  let b: RunningSignaling;
  let proxy: Awaited<ReturnType<typeof redisProxy>>;

  beforeAll(async () => {
    redis = await fleetRedis();
    dataDir = redis.dataDir;
    proxy = await redisProxy(() => redis.port);
    const env = { PRESENCE_INTERVAL_MS: '500', DROP_GRACE_SECONDS: '3' };
    a = await fx.server({
      env: { ...env, REDIS_URL: redis.url },
      deps: { embedSfu: fakeSfu('sfu-a', 'http://127.0.0.1:19') },
    });
    b = await fx.server({
      env: { ...env, REDIS_URL: proxy.url },
      deps: { embedSfu: fakeSfu('sfu-b', 'http://127.0.0.1:29') },
    });
  });
  afterAll(async () => {
    await fx.close();
    await proxy?.down();
    await redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('drops nobody through repeated outages, and takes over the citizens of a node that goes away', async () => {
    const citizens: { id: TicketId; node: RunningSignaling; socket: Client; secret: string; token: string }[] = [];
    for (const node of [a, b]) {
      for (let i = 0; i < PER_NODE; i++) {
        // VEH-01's queue is served by nobody here: everyone keeps waiting.
        const t = await fx.ticket(node.url, { caseType: 'VEH-01', displayName: `Polgár ${citizens.length}` });
        const socket = await fx.connect(node.url, '/citizen', { token: t.citizenToken, resumeSecret: t.resumeSecret });
        expectOk(await socket.request('queue:join'));
        citizens.push({ id: t.ticketId, node, socket, secret: t.resumeSecret, token: t.citizenToken });
      }
    }
    const store = b.context.store;
    const states = async () => Promise.all(citizens.map((c) => store.getTicket(c.id)));
    // Both nodes publish who they hold before the first outage.
    await new Promise((r) => setTimeout(r, 1500));

    const port = redis.port;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      await redis.stop({ keepData: true });
      await proxy.down();
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      redis = await fleetRedis({ port, dataDir });
      // B's way back opens 0.2 to 1.4 s after A's: A's first beats find B's key gone.
      await new Promise((r) => setTimeout(r, 200 + 400 * cycle));
      await proxy.up();
      // Long enough for a reaper to act (dead after three missed beats) and for a drop to show.
      await new Promise((r) => setTimeout(r, 3000));
      const now = await states();
      expect(
        now.filter((t) => t?.state !== 'waiting' || t.dropDeadline !== null).map((t) => t?.id ?? 'missing'),
        `cycle ${cycle}`,
      ).toEqual([]);
    }
    // Past the drop grace too: everyone still waits, in the same order as they came.
    await new Promise((r) => setTimeout(r, 3500));
    const after = await states();
    expect(after.every((t) => t?.state === 'waiting' && t.dropDeadline === null)).toBe(true);
    const order = async () =>
      (await store.positions(after[0]!.queue, Date.now())).map((p) => p.ticketId).filter((id) => citizens.some((c) => c.id === id));
    const before = await order();
    expect(before).toEqual(citizens.map((c) => c.id));

    // Node A goes away for real (its sockets are closed); its citizens come back through B.
    const onA = citizens.filter((c) => c.node === a);
    await a.close();
    for (const c of onA) {
      const again = await fx.connect(b.url, '/citizen', { token: c.token, resumeSecret: c.secret });
      const place = expectOk(await again.request<{ position: QueuePosition }>('queue:join')).position;
      expect(place.state).toBe('waiting');
    }
    await waitFor(async () => (await states()).every((t) => t?.state === 'waiting' && t.dropDeadline === null), 5000);
    expect(await order()).toEqual(before);
  }, 120_000);
});
