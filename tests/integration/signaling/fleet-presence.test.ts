import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueuePosition, TicketId } from '@ablak/protocol';
import { parseConfig, startSignaling, type RunningSignaling } from '@ablak/signaling';
import type { RedisServer } from '@ablak/tests/harness';
import { expectOk, fakeSfu, Fixture, spawnNode, fleetEnv, waitFor, fleetRedis } from './harness';

// Real catalogue and directory (both nodes load the shipped files); nobody serves this queue here.
const CASE_TYPE = 'szemelyi.adult.first';

describe('fleet: citizens of a node that died', () => {
  const fx = new Fixture();
  let redis: RedisServer;
  let a: { url: string; child: ChildProcess };
  let b: RunningSignaling;

  beforeAll(async () => {
    redis = await fleetRedis();
    const env = fleetEnv(redis.url, { PRESENCE_INTERVAL_MS: '500', DROP_GRACE_SECONDS: '3' });
    a = await spawnNode(env);
    b = await startSignaling(parseConfig(env), { embedSfu: fakeSfu('sfu-b', 'http://127.0.0.1:19') });
    fx.servers.push(b);
  });
  afterAll(async () => {
    a?.child.kill('SIGKILL');
    await fx.close();
    await redis?.stop();
  });

  it('expire after the drop grace when they never come back; one who comes back keeps the place', async () => {
    const tickets = [];
    for (let i = 0; i < 4; i++) {
      const t = await fx.ticket(a.url, { caseType: CASE_TYPE, displayName: `Polgár ${i}` });
      const socket = await fx.connect(a.url, '/citizen', {
        token: t.citizenToken,
        resumeSecret: t.resumeSecret,
      });
      expectOk(await socket.request('queue:join'));
      tickets.push({ t, socket });
    }
    // Let node A publish who it holds, then kill it like a crashed machine.
    await new Promise((r) => setTimeout(r, 1200));
    const gone = tickets.map(({ socket }) => new Promise((resolve) => socket.once('disconnect', resolve)));
    a.child.kill('SIGKILL');
    await Promise.all(gone);

    const [back, ...lost] = tickets;
    if (!back) throw new Error('no tickets');
    const again = await fx.connect(b.url, '/citizen', {
      token: back.t.citizenToken,
      resumeSecret: back.t.resumeSecret,
    });
    expect(expectOk(await again.request<{ position: QueuePosition }>('queue:join')).position.position).toBe(
      1,
    );

    const ticketOf = (id: string) => b.context.store.getTicket(id as TicketId);
    // Nobody disconnected them on a live node: only presence can notice (A silent for 3 beats, and the
    // socket adapter's own look-ups stop waiting for A).
    await waitFor(
      async () =>
        (await Promise.all(lost.map(({ t }) => ticketOf(t.ticketId)))).every((x) => x?.dropDeadline !== null),
      40_000,
      200,
    );
    const droppedAt = Date.now();
    await waitFor(
      async () =>
        (await Promise.all(lost.map(({ t }) => ticketOf(t.ticketId)))).every((x) => x?.state === 'expired'),
      10_000,
      100,
    );
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(2000);
    const kept = await ticketOf(back.t.ticketId);
    expect(kept).toMatchObject({ state: 'waiting', dropDeadline: null });
    const position = expectOk(await again.request<{ position: QueuePosition }>('queue:join')).position;
    expect(position).toMatchObject({ state: 'waiting', position: 1 });
  });
});
