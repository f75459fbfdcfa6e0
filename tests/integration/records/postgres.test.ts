import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startPostgres, PG_APP, type PostgresServer } from '@ablak/infra';
import { SqlRecordStore, grantApplicationRole, openPostgres, type SqlClient } from '@ablak/signaling';
import { describeRecordStoreContract } from './contract';

let pg: PostgresServer;
beforeAll(async () => {
  pg = await startPostgres();
  // As a fleet deploys it: the owner migrates and grants, the application role works.
  const owner = await openPostgres({ url: pg.ownerUrl, max: 1 });
  await SqlRecordStore.create(owner);
  await grantApplicationRole(owner, PG_APP);
  await owner.close();
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});

describeRecordStoreContract('PostgreSQL 15', async () => (await SqlRecordStore.create(await openPostgres({ url: pg.appUrl }))).store);

describe('PostgreSQL audit log', () => {
  let app: SqlClient;
  let owner: SqlClient;
  beforeAll(async () => {
    app = await openPostgres({ url: pg.appUrl });
    owner = await openPostgres({ url: pg.ownerUrl });
  });
  afterAll(async () => {
    await app?.close();
    await owner?.close();
  });

  it('lets the application role add and read audit entries, never change or delete them', async () => {
    const id = randomUUID();
    await app.query(
      `INSERT INTO audit_log (id, at, actor_id, actor_role, action, reason) VALUES ($1, now(), 'clerk-1', 'clerk', 'case.read', 'case lookup')`,
      [id],
    );
    expect(await app.query(`SELECT actor_id FROM audit_log WHERE id = $1`, [id])).toEqual([{ actor_id: 'clerk-1' }]);
    await expect(app.query(`UPDATE audit_log SET reason = 'nothing to see' WHERE id = $1`, [id])).rejects.toMatchObject({
      code: '42501',
      message: expect.stringMatching(/permission denied/),
    });
    await expect(app.query(`DELETE FROM audit_log WHERE id = $1`, [id])).rejects.toMatchObject({ code: '42501' });
    await expect(app.query(`TRUNCATE audit_log`)).rejects.toMatchObject({ code: '42501' });
    // Even the owner cannot rewrite history: the trigger refuses.
    await expect(owner.query(`UPDATE audit_log SET reason = 'x' WHERE id = $1`, [id])).rejects.toMatchObject({
      message: expect.stringMatching(/append-only/),
    });
    // Retention goes through purge_audit, which keeps at least a year.
    await expect(app.query(`SELECT purge_audit(30)`)).rejects.toMatchObject({ message: expect.stringMatching(/365 days/) });
    expect(await app.query(`SELECT purge_audit(365) AS n`)).toEqual([{ n: 0 }]);
    expect(await app.query(`SELECT count(*)::int AS n FROM audit_log WHERE id = $1`, [id])).toEqual([{ n: 1 }]);
  });
});
