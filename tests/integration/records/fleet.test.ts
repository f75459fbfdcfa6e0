/**
 * Two signaling nodes on one Redis and one PostgreSQL: both record every store event, and the
 * database still holds each fact once; two hand-off deliverers still send each case once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, type RunningSignaling } from '@ablak/signaling';
import { startPostgres, type PostgresServer, type RedisServer } from '@ablak/infra';
import { expectOk, Fixture, fleetRedis, waitFor } from '../signaling/harness';
import { BackOffice, recordsEnv, recordsWritten, serveCall } from './fixtures';

describe('records in a fleet', () => {
  const fx = new Fixture();
  let pg: PostgresServer;
  let redis: RedisServer;
  let office: BackOffice;
  let dataDir: string;
  let a: RunningSignaling;
  let b: RunningSignaling;

  beforeAll(async () => {
    [pg, redis, office] = await Promise.all([startPostgres(), fleetRedis(), BackOffice.start()]);
    dataDir = mkdtempSync(path.join(tmpdir(), 'ablak-fleet-records-'));
    const env = { REDIS_URL: redis.url, ...recordsEnv({ appUrl: pg.appUrl, ownerUrl: pg.ownerUrl, dataDir, webhook: office }) };
    [a, b] = [await fx.server({ env }), await fx.server({ env })];
    await Promise.all([a.context.records.opened, b.context.records.opened]);
  }, 120_000);
  afterAll(async () => {
    await fx.close();
    await office?.down();
    await redis?.stop();
    await pg?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps each contact, leg, offer and case once, and hands each case off once', async () => {
    const clerk = await fx.connect(a.url, '/clerk', { token: (await fx.login(a.url, 'c1')).token });
    expectOk(await clerk.request('clerk:hello'));
    expectOk(await clerk.request('clerk:set-state', { state: 'available' }));
    const served = [];
    // The clerk is on node A, the citizens on node B.
    for (let i = 0; i < 3; i++) served.push(await serveCall(fx, b, clerk, { openCase: true, note: `call ${i}`, rating: 4 }));
    await Promise.all([recordsWritten(a), recordsWritten(b)]);
    expect(a.context.records.outbox.stats.written).toBeGreaterThan(0);
    expect(b.context.records.outbox.stats.written).toBeGreaterThan(0);
    await waitFor(() => office.accepted.size >= 3, 20_000, 100);

    const db = await openPostgres({ url: pg.ownerUrl, max: 1 });
    try {
      const ids = served.map((s) => s.ticketId);
      const count = async (sql: string) => Number((await db.query(sql, [ids]))[0]?.n);
      expect(await count(`SELECT count(*)::int AS n FROM contacts WHERE ticket_id = ANY($1)`)).toBe(3);
      expect(await count(`SELECT count(*)::int AS n FROM contact_legs WHERE ticket_id = ANY($1)`)).toBe(3);
      expect(await count(`SELECT count(*)::int AS n FROM contact_offers WHERE ticket_id = ANY($1)`)).toBe(3);
      expect(await count(`SELECT count(*)::int AS n FROM cases WHERE ticket_id = ANY($1)`)).toBe(3);
      expect(await count(`SELECT count(*)::int AS n FROM case_notes WHERE ticket_id = ANY($1)`)).toBe(3);
      expect(await count(`SELECT count(*)::int AS n FROM contacts WHERE ticket_id = ANY($1) AND state = 'ended' AND rating = 4`)).toBe(3);
    } finally {
      await db.close();
    }
    expect([...office.accepted.keys()].sort()).toEqual(served.map((s) => `case:${s.caseReference}`).sort());
    for (const { times } of office.accepted.values()) expect(times).toBe(1);
  });
});
