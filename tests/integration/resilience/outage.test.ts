/**
 * Redis stopped for 20 s while citizens keep arriving at a fleet node: every refusal is a quick,
 * typed UNAVAILABLE (HTTP 503 with Retry-After, or the ack code), never a 500 or INTERNAL; readiness
 * turns 503 at once and back when Redis is; every citizen who was told "ok" still has the ticket.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateTicketResponse, QueueId, QueuePosition, TicketId } from '@ablak/protocol';
import type { RunningSignaling } from '@ablak/signaling';
import type { RedisServer } from '@ablak/tests/harness';
import { Fixture, fleetRedis, type Client } from '../signaling/harness';

const OUTAGE_MS = 20_000;
const ARRIVAL_EVERY_MS = 300;

interface Answer {
  status: number;
  code: string | null;
  ms: number;
  retryAfter: string | null;
}

describe('Redis outage at a fleet node', () => {
  const fx = new Fixture();
  let redis: RedisServer;
  let node: RunningSignaling;
  let dataDir = '';

  beforeAll(async () => {
    redis = await fleetRedis();
    dataDir = redis.dataDir;
    node = await fx.server({ env: { REDIS_URL: redis.url, PRESENCE_INTERVAL_MS: '500' } });
  });
  afterAll(async () => {
    await fx.close();
    await redis?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers UNAVAILABLE quickly, readiness follows Redis, and nobody told "ok" loses the ticket', async () => {
    const answers: Answer[] = [];
    const joinCodes: string[] = [];
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    async function createTicket(name: string): Promise<CreateTicketResponse> {
      for (;;) {
        const started = Date.now();
        const res = await fetch(`${node.url}/api/tickets`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ displayName: name, caseType: 'ID-01' }),
        });
        const body = (await res.json()) as { ok: boolean; error?: { code: string } } & CreateTicketResponse;
        answers.push({
          status: res.status,
          code: body.ok ? null : (body.error?.code ?? 'none'),
          ms: Date.now() - started,
          retryAfter: res.headers.get('retry-after'),
        });
        if (body.ok) return body;
        if (res.status !== 503) throw new Error(`unexpected ${res.status} ${body.error?.code}`);
        await sleep(Number(res.headers.get('retry-after') ?? '2') * 1000);
      }
    }

    async function join(socket: Client): Promise<QueuePosition> {
      for (;;) {
        const ack = await socket.request<{ position: QueuePosition }>('queue:join');
        if (ack.ok) return ack.position;
        joinCodes.push(ack.error.code);
        if (ack.error.code !== 'UNAVAILABLE') throw new Error(`join refused: ${ack.error.code}`);
        await sleep(1000);
      }
    }

    const citizens: Promise<{ ticketId: TicketId; position: QueuePosition }>[] = [];
    const arrive = (i: number) =>
      citizens.push(
        (async () => {
          const t = await createTicket(`Polgár ${i}`);
          const socket = await fx.connect(node.url, '/citizen', {
            token: t.citizenToken,
            resumeSecret: t.resumeSecret,
          });
          return { ticketId: t.ticketId, position: await join(socket) };
        })(),
      );

    // Readiness, sampled every 100 ms from the start.
    const readiness: { at: number; status: number }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const res = await fetch(`${node.url}/readyz`);
        readiness.push({ at: Date.now(), status: res.status });
        await sleep(100);
      }
    })();

    let i = 0;
    const arrivals = setInterval(() => arrive(i++), ARRIVAL_EVERY_MS);
    await sleep(3000);
    const port = redis.port;
    await redis.stop({ keepData: true });
    const stoppedAt = Date.now();
    await sleep(OUTAGE_MS);
    redis = await fleetRedis({ port, dataDir });
    const backAt = Date.now();
    await sleep(4000);
    clearInterval(arrivals);

    const arrived = await Promise.all(citizens);
    sampling = false;
    await sampler;

    // Refusals happened, all typed and quick; never a 500.
    const refused = answers.filter((a) => a.status !== 201);
    expect(refused.length).toBeGreaterThan(10);
    expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
    for (const a of refused) {
      expect(a).toMatchObject({ status: 503, code: 'UNAVAILABLE', retryAfter: '2' });
      expect(a.ms).toBeLessThan(1000);
    }
    expect(joinCodes.every((c) => c === 'UNAVAILABLE')).toBe(true);

    // Readiness: 503 within 2 s of the stop, ready again within 3 s of the restart.
    const firstDown = readiness.find((r) => r.at >= stoppedAt && r.status === 503);
    expect(firstDown && firstDown.at - stoppedAt).toBeLessThan(2000);
    expect(readiness.filter((r) => r.at > stoppedAt + 2000 && r.at < backAt).every((r) => r.status === 503)).toBe(
      true,
    );
    const firstUp = readiness.find((r) => r.at >= backAt && r.status === 200);
    expect(firstUp && firstUp.at - backAt).toBeLessThan(3000);

    // Every citizen got a ticket in the end, and every ticket that was answered "ok" is still there.
    expect(arrived.length).toBe(i);
    expect(arrived.length).toBeGreaterThan(60);
    for (const { ticketId, position } of arrived) {
      expect(position.state).toBe('waiting');
      const ticket = await node.context.store.getTicket(ticketId);
      expect(ticket).toMatchObject({ state: 'waiting', dropDeadline: null });
    }
    const listed = new Set(
      (await node.context.store.positions('q-id' as QueueId, Date.now())).map((p) => p.ticketId),
    );
    expect(arrived.filter(({ ticketId }) => !listed.has(ticketId))).toEqual([]);
  }, 90_000);
});
