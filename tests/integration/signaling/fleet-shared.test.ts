import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardSample, BoardSnapshot } from '@ablak/protocol';
import { parseConfig, startSignaling, type RunningSignaling } from '@ablak/signaling';
import type { RedisServer } from '@ablak/tests/harness';
import { expectOk, fakeSfu, Fixture, fleetEnv, waitFor, fleetRedis } from './harness';

// Real catalogue and directory (both nodes load the shipped files).
const CASE_TYPE = 'szemelyi.adult.first';

describe('fleet: limits and the board history are shared by every node', () => {
  const fx = new Fixture();
  let redis: RedisServer;
  let a: RunningSignaling;
  let b: RunningSignaling;

  beforeAll(async () => {
    redis = await fleetRedis();
    const env = fleetEnv(redis.url, { TICKETS_PER_IP_PER_MINUTE: '3', BOARD_HISTORY_INTERVAL_MS: '400' });
    a = await startSignaling(parseConfig(env), { embedSfu: fakeSfu('sfu-a', 'http://127.0.0.1:19') });
    fx.servers.push(a);
    b = await startSignaling(parseConfig(env), { embedSfu: fakeSfu('sfu-b', 'http://127.0.0.1:29') });
    fx.servers.push(b);
  });
  afterAll(async () => {
    await fx.close();
    await redis?.stop();
  });

  it('holds the per-address ticket limit across nodes, not per node', async () => {
    const take = async (url: string) =>
      (await fx.post(url, '/api/tickets', { displayName: 'Kiss Anna', caseType: CASE_TYPE })).status;
    expect([await take(a.url), await take(b.url), await take(a.url)]).toEqual([201, 201, 201]);
    expect(await take(b.url)).toBe(429);
    expect(await take(a.url)).toBe(429);
  });

  it('shows supervisors on different nodes the same last-hour chart, one point per interval', async () => {
    const supA = await fx.connect(a.url, '/supervisor', {
      token: (await fx.login(a.url, 'supervisor', 'ablak-demo')).token,
    });
    const supB = await fx.connect(b.url, '/supervisor', {
      token: (await fx.login(b.url, 'supervisor', 'ablak-demo')).token,
    });
    const history = async (s: typeof supA): Promise<BoardSample[]> =>
      expectOk(await s.request<{ snapshot: BoardSnapshot }>('board:subscribe', {})).snapshot.history;
    // Both nodes sample while their supervisors watch; a few intervals pass.
    await history(supA);
    await history(supB);
    await waitFor(async () => (await history(supA)).length >= 5, 15_000, 100);
    const [fromA, fromB] = await Promise.all([history(supA), history(supB)]);
    // A sample may land between the two reads: one chart is then a prefix of the other.
    const [shorter, longer] = fromA.length <= fromB.length ? [fromA, fromB] : [fromB, fromA];
    expect(longer.slice(0, shorter.length)).toEqual(shorter);
    expect(longer.length - shorter.length).toBeLessThanOrEqual(1);
    // Two nodes sampling on their own would put two points in most intervals.
    const slots = longer.map((s) => Math.floor(s.at / 400));
    expect(new Set(slots).size).toBe(slots.length);
    // Three tickets wait from the test above: the chart says so.
    expect(longer.at(-1)?.waiting).toBe(3);
  });
});
