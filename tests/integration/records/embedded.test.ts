/**
 * The embedded default: no DATABASE_URL, records in PGlite under DATA_DIR. A case opened in a call is
 * found again after the node restarts on the same directory, with the same reference sequence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CaseDetail, MyContact } from '@ablak/protocol';
import { expectOk, Fixture } from '../signaling/harness';
import { recordsEnv, recordsWritten, serveCall } from './fixtures';

describe('records in the embedded default (PGlite)', () => {
  const fx = new Fixture();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ablak-embedded-'));
  afterAll(async () => {
    await fx.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps contacts and cases across a restart', async () => {
    let server = await fx.server({ env: recordsEnv({ dataDir }) });
    await server.context.records.opened;
    expect(server.context.records.store().engine).toBe('pglite');
    let clerk = await fx.connect(server.url, '/clerk', { token: (await fx.login(server.url, 'c1')).token });
    expectOk(await clerk.request('clerk:hello'));
    expectOk(await clerk.request('clerk:set-state', { state: 'available' }));
    const first = await serveCall(fx, server, clerk, { openCase: true, note: 'before the restart' });
    await recordsWritten(server);
    clerk.disconnect();
    await server.close();

    server = await fx.server({ env: recordsEnv({ dataDir }) });
    await server.context.records.opened;
    clerk = await fx.connect(server.url, '/clerk', { token: (await fx.login(server.url, 'c1')).token });
    const found = expectOk(await clerk.request<{ case: CaseDetail }>('case:find', { reference: first.caseReference })).case;
    expect(found.notes.map((n) => n.text)).toEqual(['before the restart']);
    expect(found.contact.state).toBe('ended');
    // A new case after the restart gets a new number: the sequence survived with the data.
    expectOk(await clerk.request('clerk:set-state', { state: 'available' }));
    const second = await serveCall(fx, server, clerk, { openCase: true });
    expect(second.caseReference).not.toBe(first.caseReference);
    await recordsWritten(server);
    const mine = expectOk(await clerk.request<{ contacts: MyContact[] }>('records:my-contacts', {})).contacts;
    expect(mine.map((m) => m.case?.reference)).toEqual([second.caseReference, first.caseReference]);
  }, 240_000);
});
