import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkProbeResponse, SfuNodeId, type SfuNodeInfo } from '@ablak/protocol';
import type { RunningSignaling } from '@ablak/signaling';
import { Fixture } from './harness';

const claimsOf = (grant: string) =>
  JSON.parse(Buffer.from(grant.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

const node = (id: string, url: string, load: Partial<SfuNodeInfo>): SfuNodeInfo => ({
  id: SfuNodeId.parse(id),
  url,
  workers: 2,
  rooms: 0,
  consumers: 0,
  cpu: 0,
  draining: false,
  updatedAt: Date.now(),
  ...load,
});

describe('POST /api/network-probe: a short-lived publish-only grant before queueing', () => {
  const fx = new Fixture();
  let server: RunningSignaling;
  beforeAll(async () => {
    server = await fx.server({ env: { PROBES_PER_IP_PER_MINUTE: '4' } });
  });
  afterAll(() => fx.close());

  it('grants a fresh probe room for at most a minute: citizen, publish only, not hidden, named "probe"', async () => {
    const before = Date.now();
    const res = await fx.post(server.url, '/api/network-probe', {});
    expect(res.status).toBe(200);
    const probe = NetworkProbeResponse.parse(res.body);
    expect(probe.sfuUrl).toBe('http://127.0.0.1:9');
    expect(probe.room).toMatch(/^probe-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const claims = claimsOf(probe.grant);
    expect(claims).toMatchObject({
      room: probe.room,
      role: 'citizen',
      name: 'probe',
      canPublish: true,
      canSubscribe: false,
      hidden: false,
      aud: 'ablak-sfu',
    });
    const exp = claims.exp as number;
    expect(exp - (claims.iat as number)).toBeLessThanOrEqual(60);
    expect(probe.expiresAt).toBe(exp * 1000);
    expect(probe.expiresAt).toBeGreaterThan(before);
    expect(probe.expiresAt).toBeLessThanOrEqual(before + 61_000);

    // No body at all is an empty body too; every probe gets its own room.
    const bare = await fetch(`${server.url}/api/network-probe`, { method: 'POST' });
    expect(bare.status).toBe(200);
    const second = NetworkProbeResponse.parse(await bare.json());
    expect(second.room).not.toBe(probe.room);
    // A probe room is never placed (nothing written that a call could later meet).
    expect(await server.context.kv.get(`room:${probe.room}`)).toBeNull();
  });

  it('refuses a body with fields, then rate-limits the address with 429', async () => {
    const bad = await fx.post(server.url, '/api/network-probe', { room: 'ticket-x' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    // The two probes above and this refused one used three of the four per minute.
    expect((await fx.post(server.url, '/api/network-probe', {})).status).toBe(200);
    const limited = await fx.post(server.url, '/api/network-probe', {});
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });
});

describe('network probe placement', () => {
  const fx = new Fixture();
  afterAll(() => fx.close());

  it('picks the least-loaded live node that is not draining, and says 503 when there is none', async () => {
    const server = await fx.server({ noSfu: true });
    const none = await fx.post(server.url, '/api/network-probe', {});
    expect(none.status).toBe(503);
    expect(none.body).toMatchObject({ ok: false, error: { code: 'NO_SFU_AVAILABLE' } });

    const store = server.context.store;
    await store.putSfuNode(node('sfu-busy', 'http://busy.test', { rooms: 40, consumers: 200 }));
    await store.putSfuNode(node('sfu-light', 'http://light.test', { rooms: 2, consumers: 4 }));
    await store.putSfuNode(node('sfu-draining', 'http://draining.test', { draining: true }));
    await store.putSfuNode(node('sfu-dead', 'http://dead.test', { updatedAt: Date.now() - 60_000 }));
    for (let i = 0; i < 3; i++) {
      const res = await fx.post(server.url, '/api/network-probe', {});
      expect(NetworkProbeResponse.parse(res.body).sfuUrl).toBe('http://light.test');
    }
  });
});
