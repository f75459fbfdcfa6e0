/**
 * Fleet mode on Redis Sentinel: a primary, a replica and three Sentinels. The primary is killed
 * (SIGKILL) while citizens wait, citizens keep arriving and a call runs. The Sentinels promote the
 * replica, both signaling nodes follow it, and no ticket a citizen was given is lost (each step
 * waits for the replica: REDIS_WAIT_REPLICAS=1). Afterwards the fleet matches and connects again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallSummary, CreateTicketResponse, Offer, TicketId } from '@ablak/protocol';
import type { RunningSignaling } from '@ablak/signaling';
import { startSentinelSet, type SentinelSet } from '@ablak/tests/harness';
import { expectOk, fakeSfu, Fixture, waitFor } from '../signaling/harness';

describe('fleet on Redis Sentinel: the primary dies', () => {
  const fx = new Fixture();
  let set: SentinelSet;
  let a: RunningSignaling;
  let b: RunningSignaling;

  beforeAll(async () => {
    set = await startSentinelSet({ downAfterMs: 1000 });
    const env = {
      REDIS_SENTINELS: set.sentinels.join(','),
      REDIS_SENTINEL_MASTER: set.masterName,
      REDIS_WAIT_REPLICAS: '1',
      REDIS_WAIT_TIMEOUT_MS: '200',
      PRESENCE_INTERVAL_MS: '500',
    };
    a = await fx.server({ env, deps: { embedSfu: fakeSfu('sfu-a', 'http://127.0.0.1:19') } });
    b = await fx.server({ env, deps: { embedSfu: fakeSfu('sfu-b', 'http://127.0.0.1:29') } });
  });
  afterAll(async () => {
    await fx.close();
    await set?.stop();
  });

  it('carries on after the replica is promoted and loses no ticket', async () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    // A call running on A (clerk c2 serves q-id).
    const login = await fx.login(a.url, 'c2');
    const clerk = await fx.connect(a.url, '/clerk', { token: login.token });
    const offered = clerk.next<Offer>('offer:received', undefined, 30_000);
    expectOk(await clerk.request('clerk:set-state', { state: 'available' }));
    const caller = await fx.ticket(a.url, { caseType: 'ID-01' });
    const callerSocket = await fx.connect(a.url, '/citizen', { token: caller.citizenToken, resumeSecret: caller.resumeSecret });
    expectOk(await callerSocket.request('queue:join'));
    await offered;
    const call = expectOk(await clerk.request<{ call: CallSummary }>('offer:accept', { ticketId: caller.ticketId })).call;

    // Citizens for q-transport (nobody signed in serves it yet) keep arriving at both nodes.
    const given: TicketId[] = [];
    const answers: number[] = [];
    let arriving = true;
    let n = 0;
    const arrive = async (node: RunningSignaling) => {
      for (;;) {
        const res = await fetch(`${node.url}/api/tickets`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ displayName: `Polgár ${n++}`, caseType: 'VEH-01' }),
        });
        answers.push(res.status);
        const body = (await res.json()) as { ok: boolean } & CreateTicketResponse;
        if (body.ok) return given.push(body.ticketId);
        await sleep(500);
      }
    };
    const arrivals = (async () => {
      const running: Promise<unknown>[] = [];
      for (let i = 0; arriving; i++) {
        running.push(arrive(i % 2 === 0 ? a : b));
        await sleep(150);
      }
      await Promise.all(running);
    })();
    await sleep(2000);

    const oldPort = set.primary.port;
    const killedAt = Date.now();
    await set.primary.stop({ crash: true });
    await waitFor(async () => (await set.masterPort()) === set.replica.port, 30_000, 200);
    const promotedAfter = Date.now() - killedAt;
    // Both nodes serve again: readiness, and a ticket taken at each.
    await waitFor(async () => (await fetch(`${a.url}/readyz`)).status === 200 && (await fetch(`${b.url}/readyz`)).status === 200, 20_000, 100);
    const servingAfter = Date.now() - killedAt;
    await sleep(3000);
    arriving = false;
    await arrivals;

    expect(set.replica.port).not.toBe(oldPort);
    expect(answers.every((s) => s === 201 || s === 503)).toBe(true);
    const store = b.context.store;
    for (const id of given) expect(await store.getTicket(id), id).toMatchObject({ state: 'waiting' });
    expect(given.length).toBeGreaterThan(20);
    expect((await store.activeCalls()).map((c) => c.id)).toContain(call.callId);

    // The fleet matches again: a clerk signing in on B is offered the first of them and connects.
    const other = await fx.login(b.url, 'c3');
    const clerk3 = await fx.connect(b.url, '/clerk', { token: other.token });
    const next = clerk3.next<Offer>('offer:received', undefined, 30_000);
    expectOk(await clerk3.request('clerk:set-state', { state: 'available' }));
    const offer = await next;
    expect(offer.queue).toBe('q-transport');
    expectOk(await clerk3.request('offer:accept', { ticketId: offer.ticketId }));
    console.info(
      `sentinel failover: replica promoted ${promotedAfter} ms after the kill, both nodes ready after ${servingAfter} ms; ` +
        `${given.length} tickets given, ${answers.filter((s) => s === 503).length} answers 503`,
    );
  }, 120_000);
});
