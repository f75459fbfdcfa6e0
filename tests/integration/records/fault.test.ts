/**
 * PostgreSQL stopped for 30 s during 20 calls (and the node restarted in the middle of the outage),
 * the back office failing, then down, then back: every call still happens, and afterwards every
 * contact and case is in the database and every case reached the back office exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSignaling } from '@ablak/signaling';
import { openPostgres } from '@ablak/signaling';
import { startPostgres, type PostgresServer } from '@ablak/infra';
import { expectOk, Fixture, waitFor, type Client } from '../signaling/harness';
import { BackOffice, recordsEnv, recordsWritten, serveCall } from './fixtures';

const CALLS = 20;
const OUTAGE_MS = 30_000;

describe('a PostgreSQL outage during calls', () => {
  const fx = new Fixture();
  let pg: PostgresServer;
  let office: BackOffice;
  let dataDir: string;

  beforeAll(async () => {
    [pg, office] = await Promise.all([startPostgres(), BackOffice.start()]);
    dataDir = mkdtempSync(path.join(tmpdir(), 'ablak-fault-'));
  }, 120_000);
  afterAll(async () => {
    await fx.close();
    await office?.down();
    await pg?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no contact, case or hand-off, and no call waits for the database', async () => {
    const env = recordsEnv({ appUrl: pg.appUrl, ownerUrl: pg.ownerUrl, dataDir, webhook: office });
    let server: RunningSignaling = await fx.server({ env });
    await server.context.records.opened;
    await server.context.records.references.refill();
    const signIn = async (node: RunningSignaling): Promise<Client> => {
      const clerk = await fx.connect(node.url, '/clerk', { token: (await fx.login(node.url, 'c1')).token });
      expectOk(await clerk.request('clerk:hello'));
      expectOk(await clerk.request('clerk:set-state', { state: 'available' }));
      return clerk;
    };
    let clerk = await signIn(server);

    // The back office first refuses, then is away altogether until after the database is back.
    office.failures = 3;
    await pg.halt();
    const outageStarted = Date.now();
    const served: { ticketId: string; caseReference: string }[] = [];
    const acceptMs: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      if (i === 5) await office.down();
      if (i === CALLS / 2) {
        // The node restarts in the middle of the outage: what it had not written waits in its spool.
        clerk.disconnect();
        await server.close();
        server = await fx.server({ env });
        clerk = await signIn(server);
      }
      const one = await serveCall(fx, server, clerk, { openCase: true, note: `call ${i}`, rating: 1 + (i % 5) });
      acceptMs.push(one.acceptMs);
      one.citizen.disconnect();
      served.push({ ticketId: one.ticketId, caseReference: one.caseReference ?? '' });
      // Spread the calls over the outage.
      const due = outageStarted + ((i + 1) * OUTAGE_MS) / CALLS;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    expect(Date.now() - outageStarted).toBeGreaterThanOrEqual(OUTAGE_MS);
    expect(server.context.records.outbox.stats.pending).toBeGreaterThan(0);
    expect(new Set(served.map((s) => s.caseReference)).size).toBe(CALLS);
    // Accepting never waited for the database (it was not there: a wait would be its 3 s connect timeout).
    expect(Math.max(...acceptMs)).toBeLessThan(1500);

    await pg.start();
    await recordsWritten(server);
    await office.up();
    await waitFor(() => office.accepted.size >= CALLS, 30_000, 100).catch(async (error: unknown) => {
      const db = await openPostgres({ url: pg.ownerUrl, max: 1 });
      const cases = await db.query(`SELECT status, attempts, last_error, count(*)::int AS n FROM cases GROUP BY 1, 2, 3`);
      const outbox = await db.query(`SELECT count(*)::int AS n FROM handoff_outbox`);
      await db.close();
      throw new Error(`${String(error)}: accepted ${office.accepted.size}, requests ${office.requests}, cases ${JSON.stringify(cases)}, outbox ${JSON.stringify(outbox)}, pending ${server.context.records.outbox.stats.pending}`);
    });

    const db = await openPostgres({ url: pg.ownerUrl, max: 1 });
    try {
      const ids = served.map((s) => s.ticketId);
      const contacts = await db.query<{ ticket_id: string; state: string; case_reference: string; rating: number; notes: number }>(
        `SELECT c.ticket_id, c.state, c.case_reference, c.rating::int AS rating,
                (SELECT count(*)::int FROM case_notes n WHERE n.ticket_id = c.ticket_id) AS notes
           FROM contacts c WHERE c.ticket_id = ANY($1)`,
        [ids],
      );
      expect(contacts).toHaveLength(CALLS);
      for (const s of served) {
        const row = contacts.find((c) => c.ticket_id === s.ticketId);
        expect(row).toMatchObject({ state: 'ended', case_reference: s.caseReference, notes: 1 });
      }
      await waitFor(async () => {
        const rows = await db.query(`SELECT count(*)::int AS n FROM cases WHERE reference = ANY($1) AND status = 'handed_off'`, [served.map((s) => s.caseReference)]);
        return rows[0]?.n === CALLS;
      }, 10_000, 100);
    } finally {
      await db.close();
    }
    expect([...office.accepted.keys()].sort()).toEqual(served.map((s) => `case:${s.caseReference}`).sort());
    for (const { times } of office.accepted.values()) expect(times).toBe(1);
    expect(office.badSignatures).toBe(0);
  }, 180_000);
});
