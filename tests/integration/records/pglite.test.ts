import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, SchemaTooNew, SqlRecordStore, openPglite } from '@ablak/signaling';
import { describeRecordStoreContract } from './contract';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ablak-pglite-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describeRecordStoreContract('PGlite', async () => (await SqlRecordStore.create(await openPglite(tempDir()))).store);

describe('PGlite record database', () => {
  it('keeps records across a restart and refuses a schema newer than it knows', async () => {
    const dir = tempDir();
    const first = await SqlRecordStore.create(await openPglite(dir));
    expect(first.migration.applied.at(-1)).toBe(LATEST_SCHEMA_VERSION);
    const [n] = await first.store.reserveCaseNumbers(1);
    await first.store.close();

    const db = await openPglite(dir);
    const second = await SqlRecordStore.create(db);
    expect(second.migration.applied).toEqual([]);
    expect((await second.store.reserveCaseNumbers(1))[0]).toBeGreaterThan(n ?? 0);
    await db.query(`INSERT INTO schema_migrations (version, name) VALUES ($1, 'from a newer build')`, [LATEST_SCHEMA_VERSION + 1]);
    await second.store.close();

    await expect(SqlRecordStore.create(await openPglite(dir))).rejects.toBeInstanceOf(SchemaTooNew);
  }, 180_000);
});
