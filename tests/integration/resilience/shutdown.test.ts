/**
 * SIGTERM to a fleet node (its own OS process, the built service) while it holds a running call and
 * waiting citizens: readiness turns 503 and new tickets are refused at once; waiting citizens and idle
 * sockets are told to go elsewhere at once, the call's sockets only at the end of the drain period;
 * the process exits 0. Nothing is lost, and the call on the other node never notices.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallSummary, MediaAccess, Offer, QueuePosition, TicketId } from '@ablak/protocol';
import { parseConfig, startSignaling, type RunningSignaling } from '@ablak/signaling';
import type { RedisServer } from '@ablak/tests/harness';
import { expectOk, fakeSfu, Fixture, fleetEnv, fleetRedis, spawnNode, waitFor, type Client } from '../signaling/harness';

const CASE_TYPE = 'szemelyi.adult.first';
const DRAIN_SECONDS = 6;
/** This box runs several suites at once: pushes and answers may take seconds. */
const SLOW_MS = 30_000;

describe('fleet: a signaling node shut down with SIGTERM', () => {
  const fx = new Fixture();
  let redis: RedisServer;
  let a: { url: string; child: ChildProcess };
  let b: RunningSignaling;

  beforeAll(async () => {
    redis = await fleetRedis();
    const env = fleetEnv(redis.url, {
      PRESENCE_INTERVAL_MS: '500',
      DROP_GRACE_SECONDS: '3',
      DRAIN_SECONDS: String(DRAIN_SECONDS),
    });
    a = await spawnNode(env);
    b = await startSignaling(parseConfig(env), { embedSfu: fakeSfu('sfu-b', 'http://127.0.0.1:19') });
    fx.servers.push(b);
  });
  afterAll(async () => {
    a?.child.kill('SIGKILL');
    await fx.close();
    await redis?.stop();
  });

  /** A clerk on `node` available, a citizen on `node` offered to them, the call accepted. */
  async function callOn(node: string, username: string) {
    const login = await fx.login(node, username, 'ablak-demo');
    const clerk = await fx.connect(node, '/clerk', { token: login.token });
    const offered = clerk.next<Offer>('offer:received', undefined, SLOW_MS);
    expectOk(await clerk.request('clerk:set-state', { state: 'available' }));
    const t = await fx.ticket(node, { caseType: CASE_TYPE });
    const citizen = await fx.connect(node, '/citizen', { token: t.citizenToken, resumeSecret: t.resumeSecret });
    expectOk(await citizen.request('queue:join'));
    expect((await offered).ticketId).toBe(t.ticketId);
    const matched = citizen.next<{ callId: string; media: MediaAccess }>('call:matched', undefined, SLOW_MS);
    const call = expectOk(
      await clerk.request<{ call: CallSummary }>('offer:accept', { ticketId: t.ticketId }),
    ).call;
    await matched;
    return { clerk, citizen, call, ticket: t, login };
  }

  it('drains: nothing lost, the call elsewhere untouched, exit 0', async () => {
    const onA = await callOn(a.url, 'clerk1');
    const onB = await callOn(b.url, 'clerk2');
    // Waiting citizens on both nodes (both clerks are busy: nobody is offered them).
    const waiting: { id: TicketId; token: string; secret: string; socket: Client; node: string }[] = [];
    for (const node of [a.url, a.url, a.url, a.url, b.url, b.url]) {
      const t = await fx.ticket(node, { caseType: CASE_TYPE, displayName: `Polgár ${waiting.length}` });
      const socket = await fx.connect(node, '/citizen', { token: t.citizenToken, resumeSecret: t.resumeSecret });
      expectOk(await socket.request('queue:join'));
      waiting.push({ id: t.ticketId, token: t.citizenToken, secret: t.resumeSecret, socket, node });
    }
    const store = b.context.store;
    const queueOrder = async () =>
      (await store.positions((await store.getTicket(waiting[0]!.id))!.queue, Date.now())).map((p) => p.ticketId);
    const orderBefore = await queueOrder();
    expect(orderBefore).toEqual(waiting.map((w) => w.id));

    // Everyone on A does what the apps do with `server:draining`: reconnect (the balancer's pick: B).
    const told = new Map<string, number>();
    const moved: Promise<unknown>[] = [];
    const follow = (name: string, socket: Client, reconnect: () => Promise<unknown>) =>
      socket.once('server:draining', (p: { reconnectWithinMs: number }) => {
        told.set(name, Date.now());
        expect(p.reconnectWithinMs).toBeGreaterThan(0);
        moved.push(reconnect());
      });
    for (const w of waiting.filter((x) => x.node === a.url)) {
      follow(w.id, w.socket, async () => {
        const again = await fx.connect(b.url, '/citizen', { token: w.token, resumeSecret: w.secret });
        return expectOk(await again.request<{ position: QueuePosition }>('queue:join')).position;
      });
    }
    follow('clerk1', onA.clerk, async () => {
      const again = await fx.connect(b.url, '/clerk', { token: onA.login.token });
      return expectOk(await again.request('clerk:hello'));
    });
    follow('citizen-in-call', onA.citizen, () =>
      fx.connect(b.url, '/citizen', { token: onA.ticket.citizenToken, resumeSecret: onA.ticket.resumeSecret }),
    );
    // Nothing on B may hear of any of this.
    const disturbed: string[] = [];
    for (const [name, socket] of [
      ['clerk2', onB.clerk],
      ['citizen2', onB.citizen],
      ...waiting.filter((w) => w.node === b.url).map((w) => [w.id, w.socket] as const),
    ] as const) {
      socket.on('disconnect', () => disturbed.push(`${name} disconnected`));
      socket.on('server:draining', () => disturbed.push(`${name} told to drain`));
      socket.on('call:ended', () => disturbed.push(`${name} call ended`));
    }

    const exited = new Promise<number | null>((resolve) => a.child.once('exit', (code) => resolve(code)));
    const sentAt = Date.now();
    a.child.kill('SIGTERM');

    await waitFor(async () => (await fetch(`${a.url}/readyz`)).status === 503, 3000, 20);
    const refused = await fx.post<unknown>(a.url, '/api/tickets', { displayName: 'Késő', caseType: CASE_TYPE });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });

    // Waiting citizens are told at once; the call's two sockets only at the end of the period.
    await waitFor(() => waiting.filter((w) => w.node === a.url).every((w) => told.has(w.id)), 5000);
    expect(told.has('clerk1')).toBe(false);
    expect(told.has('citizen-in-call')).toBe(false);
    expect(await exited).toBe(0);
    const exitedAt = Date.now();
    expect(told.get('clerk1')! - sentAt).toBeGreaterThanOrEqual(DRAIN_SECONDS * 1000 - 200);
    expect(told.get('citizen-in-call')! - sentAt).toBeGreaterThanOrEqual(DRAIN_SECONDS * 1000 - 200);
    expect(exitedAt - sentAt).toBeLessThan(DRAIN_SECONDS * 1000 + 15_000);
    const places = await Promise.all(moved);
    expect(places.length).toBe(6);

    // Past the drop grace: every ticket waits in its place, both calls still run, B never noticed.
    await new Promise((r) => setTimeout(r, 3500));
    for (const w of waiting) expect(await store.getTicket(w.id)).toMatchObject({ state: 'waiting', dropDeadline: null });
    expect(await queueOrder()).toEqual(orderBefore);
    const calls = (await store.activeCalls()).map((c) => c.id);
    expect(calls).toEqual(expect.arrayContaining([onA.call.callId, onB.call.callId]));
    expect(await store.getClerk(onA.call.clerkId)).toMatchObject({ state: 'busy' });
    expect(disturbed).toEqual([]);
  }, 180_000);
});
