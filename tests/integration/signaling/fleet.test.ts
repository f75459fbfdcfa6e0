import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallSummary, MediaAccess, Offer, QueuePosition } from '@ablak/protocol';
import { parseConfig, startSignaling, type RunningSignaling } from '@ablak/signaling';
import type { RedisServer } from '@ablak/tests/harness';
import { expectOk, fakeSfu, Fixture, spawnNode, fleetEnv, type Client, fleetRedis } from './harness';

// Real catalogue and directory (both nodes load the shipped files); nobody serves this queue here.
const CASE_TYPE = 'szemelyi.adult.first';

describe('fleet: two signaling nodes on one Redis behave as one', () => {
  const fx = new Fixture();
  let redis: RedisServer;
  let a: { url: string; child: ChildProcess };
  let b: RunningSignaling;
  let env: Record<string, string>;

  beforeAll(async () => {
    redis = await fleetRedis();
    env = fleetEnv(redis.url);
    a = await spawnNode(env);
    b = await startSignaling(parseConfig(env), { embedSfu: fakeSfu('sfu-b', 'http://127.0.0.1:19') });
    fx.servers.push(b);
  });
  afterAll(async () => {
    a?.child.kill('SIGKILL');
    await fx.close();
    await redis?.stop();
  });

  it('matches a citizen on node A to a clerk on node B; grants meet in one room; chat crosses nodes', async () => {
    const login = await fx.login(b.url, 'clerk1', 'ablak-demo');
    const clerk = await fx.connect(b.url, '/clerk', { token: login.token });
    const offered = clerk.next<Offer>('offer:received');
    expectOk(await clerk.request('clerk:set-state', { state: 'available' }));
    const t = await fx.ticket(a.url, { caseType: CASE_TYPE });
    const citizen = await fx.connect(a.url, '/citizen', {
      token: t.citizenToken,
      resumeSecret: t.resumeSecret,
    });
    const join = expectOk(
      await citizen.request<{ position: QueuePosition; media: MediaAccess | null }>('queue:join'),
    );
    expect((await offered).ticketId).toBe(t.ticketId);
    const matched = citizen.next<{ callId: string; media: MediaAccess }>('call:matched');
    const accept = expectOk(
      await clerk.request<{ call: CallSummary; media: MediaAccess }>('offer:accept', {
        ticketId: t.ticketId,
      }),
    );
    const m = await matched;
    expect(m.callId).toBe(accept.call.callId);
    expect(m.media.room).toBe(accept.media.room);
    expect(join.media?.room).toBe(accept.media.room);
    expect(m.media.sfuUrl).toBe(accept.media.sfuUrl);
    const heard = citizen.next<{ text: string }>('chat:received');
    expectOk(await clerk.request('chat:send', { callId: accept.call.callId, text: 'Hall engem?' }));
    expect((await heard).text).toBe('Hall engem?');
    const atClerk = clerk.next<{ text: string }>('chat:received');
    expectOk(await citizen.request('chat:send', { text: 'Igen!' }));
    expect((await atClerk).text).toBe('Igen!');
    // The chat is kept in Redis: a page reloaded onto either node gets all of it back.
    const history = expectOk(
      await clerk.request<{ messages: { text: string }[] }>('chat:history', { callId: accept.call.callId }),
    );
    expect(history.messages.map((m) => m.text)).toEqual(['Hall engem?', 'Igen!']);
    const ended = citizen.next<{ reason: string }>('call:ended');
    expectOk(await clerk.request('call:end', { callId: accept.call.callId }));
    expect((await ended).reason).toBe('clerk_ended');
    expectOk(await clerk.request('wrapup:done', { next: 'offline' }));
  });

  it('loses none of 100 waiting citizens when node A is killed: they rejoin on B in their places', async () => {
    const citizens: { t: Awaited<ReturnType<Fixture['ticket']>>; socket: Client; position: number }[] = [];
    for (let i = 0; i < 100; i++) {
      const t = await fx.ticket(a.url, { caseType: CASE_TYPE, displayName: `Polgár ${i}` });
      const socket = await fx.connect(a.url, '/citizen', {
        token: t.citizenToken,
        resumeSecret: t.resumeSecret,
      });
      const join = expectOk(await socket.request<{ position: QueuePosition }>('queue:join'));
      citizens.push({ t, socket, position: join.position.position });
    }
    expect(citizens.map((c) => c.position)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const gone = citizens.map((c) => new Promise((resolve) => c.socket.once('disconnect', resolve)));
    a.child.kill('SIGKILL');
    await Promise.all(gone);
    const rejoined = await Promise.all(
      citizens.map(async (c) => {
        const socket = await fx.connect(b.url, '/citizen', {
          token: c.t.citizenToken,
          resumeSecret: c.t.resumeSecret,
        });
        return expectOk(await socket.request<{ position: QueuePosition }>('queue:join')).position;
      }),
    );
    expect(rejoined.filter((p) => p.state === 'waiting')).toHaveLength(100);
    expect(rejoined.map((p) => p.position)).toEqual(citizens.map((c) => c.position));
  });
});
