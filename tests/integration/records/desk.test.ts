/**
 * The desk remembers: a call with a case, a document and a transfer is in PostgreSQL afterwards,
 * the clerks find it by reference (also after the node restarted), the supervisor sees it in the
 * history and its CSV, and the audit log names every read of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HISTORY_CSV_COLUMNS, type AuditEntry, type CallSummary, type CaseDetail, type HistoryRow, type MyContact, type Offer } from '@ablak/protocol';
import type { RunningSignaling } from '@ablak/signaling';
import { startPostgres, type PostgresServer } from '@ablak/infra';
import { expectOk, Fixture, waitFor, type Client } from '../signaling/harness';
import { BackOffice, recordsEnv, recordsWritten } from './fixtures';

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex'),
]);

describe('a desk that remembers (PostgreSQL)', () => {
  const fx = new Fixture();
  let pg: PostgresServer;
  let office: BackOffice;
  let dataDir: string;
  let server: RunningSignaling;
  let c1: Client;
  let c2: Client;
  let sup: Client;
  let reference = '';
  let ticketId = '';
  let documentId = '';
  const env = () => recordsEnv({ appUrl: pg.appUrl, ownerUrl: pg.ownerUrl, dataDir, webhook: office });

  beforeAll(async () => {
    [pg, office] = await Promise.all([startPostgres(), BackOffice.start()]);
    dataDir = mkdtempSync(path.join(tmpdir(), 'ablak-records-'));
    server = await fx.server({ env: env() });
    await server.context.records.opened;
    c1 = await fx.connect(server.url, '/clerk', { token: (await fx.login(server.url, 'c1')).token });
    c2 = await fx.connect(server.url, '/clerk', { token: (await fx.login(server.url, 'c2')).token });
    sup = await fx.connect(server.url, '/supervisor', { token: (await fx.login(server.url, 'sup')).token });
    for (const clerk of [c1, c2]) expectOk(await clerk.request('clerk:hello'));
  }, 120_000);
  afterAll(async () => {
    await fx.close();
    await office?.down();
    await pg?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('carries chat, notes, the document and the case reference to the clerk the citizen is transferred to', async () => {
    expectOk(await c1.request('clerk:set-state', { state: 'available' }));
    const offered = c1.next<Offer>('offer:received');
    const ticket = await fx.ticket(server.url, { caseType: 'ID-01', displayName: 'Kiss Anna' });
    ticketId = ticket.ticketId;
    const citizen = await fx.connect(server.url, '/citizen', { token: ticket.citizenToken, resumeSecret: ticket.resumeSecret });
    expectOk(await citizen.request('queue:join'));
    const first = expectOk(await c1.request<{ call: CallSummary }>('offer:accept', { ticketId: (await offered).ticketId })).call;
    reference = expectOk(await c1.request<{ caseReference: string }>('case:open', { callId: first.callId })).caseReference;
    expect(reference).toMatch(/^ABL-\d{4}-\d{6}$/);
    expectOk(await c1.request('call:note', { callId: first.callId, text: 'Lost card, police report seen' }));
    expectOk(await citizen.request('chat:send', { text: 'Here is my photo' }));
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'photo.png');
    const up = await fetch(`${server.url}/api/calls/${first.callId}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ticket.citizenToken}` },
      body: form,
    });
    expect(up.status).toBe(201);
    documentId = ((await up.json()) as { document: { id: string } }).document.id;

    const toC2 = c2.next<Offer>('offer:received');
    expectOk(await c2.request('clerk:set-state', { state: 'available' }));
    expectOk(await c1.request('call:transfer', { callId: first.callId, target: { kind: 'clerk', clerk: 'c2' }, note: 'needs the registry' }));
    const second = expectOk(await c2.request<{ call: CallSummary }>('offer:accept', { ticketId: (await toC2).ticketId })).call;
    expect(second.callId).not.toBe(first.callId);

    const chat = expectOk(await c2.request<{ messages: { text: string }[] }>('chat:history', { callId: second.callId })).messages;
    expect(chat.map((m) => m.text)).toEqual(['Here is my photo']);
    const notes = expectOk(await c2.request<{ notes: { text: string }[] }>('call:notes', { callId: second.callId })).notes;
    expect(notes.map((n) => n.text)).toEqual(['Lost card, police report seen']);
    const docs = await fetch(`${server.url}/api/calls/${second.callId}/documents`, { headers: { authorization: `Bearer ${(await fx.login(server.url, 'c2')).token}` } });
    expect(((await docs.json()) as { documents: { id: string }[] }).documents.map((d) => d.id)).toEqual([documentId]);
    // Same case, not a second one: opening it again on the new call gives the same reference.
    expect(expectOk(await c2.request<{ caseReference: string }>('case:open', { callId: second.callId })).caseReference).toBe(reference);
    const bytes = await fetch(`${server.url}/api/calls/${second.callId}/documents/${documentId}`, {
      headers: { authorization: `Bearer ${(await fx.login(server.url, 'c2')).token}` },
    });
    expect(Buffer.from(await bytes.arrayBuffer()).equals(PNG)).toBe(true);

    expectOk(await c2.request('call:end', { callId: second.callId }));
    expectOk(await citizen.request('call:rate', { rating: 5, comment: 'Patient and clear' }));
    expectOk(await c2.request('wrapup:done', { next: 'available' }));
  });

  it('hands the case off to the back office once, signed, and shows it handed off', async () => {
    await recordsWritten(server);
    await waitFor(() => office.accepted.has(`case:${reference}`), 20_000, 100);
    const delivered = office.accepted.get(`case:${reference}`);
    expect(delivered?.times).toBe(1);
    expect(office.badSignatures).toBe(0);
    expect(delivered?.body).toMatchObject({
      idempotencyKey: `case:${reference}`,
      case: { reference, ticketId, citizenName: 'Kiss Anna', notes: [{ text: 'Lost card, police report seen' }], documents: [{ id: documentId }] },
    });
    await waitFor(async () => {
      const found = await c1.request<{ case: CaseDetail }>('case:find', { reference });
      return found.ok && found.case.handOff.status === 'handed_off';
    }, 10_000, 100);
  });

  it('lets each clerk who served the contact find it, with legs, transfer, notes, chat, documents and rating', async () => {
    const mine = expectOk(await c1.request<{ contacts: MyContact[] }>('records:my-contacts', {})).contacts;
    const row = mine.find((m) => m.contact.ticketId === ticketId);
    expect(row?.case?.reference).toBe(reference);
    expect(row?.notesCount).toBe(1);
    const found = expectOk(await c2.request<{ case: CaseDetail }>('case:find', { reference })).case;
    expect(found.contact).toMatchObject({ state: 'ended', caseType: 'ID-01', clerkId: 'c2', office: 'office-002', rating: 5, ratingComment: 'Patient and clear' });
    expect(found.contact.legs.map((l) => [l.clerkId, l.endReason])).toEqual([
      ['c1', 'transferred'],
      ['c2', 'clerk_ended'],
    ]);
    expect(found.contact.transfers).toMatchObject([{ fromClerk: 'c1', toClerk: 'c2', reason: 'needs the registry' }]);
    expect(found.chat.map((m) => m.text)).toEqual(['Here is my photo']);
    expect(found.documents.map((d) => d.id)).toEqual([documentId]);
    const doc = await fetch(`${server.url}/api/cases/${reference}/documents/${documentId}`, {
      headers: { authorization: `Bearer ${(await fx.login(server.url, 'c1')).token}` },
    });
    expect(doc.status).toBe(200);
    // A clerk who never served it may not open it.
    const c3 = await fx.connect(server.url, '/clerk', { token: (await fx.login(server.url, 'c3')).token });
    const refused = await c3.request('case:find', { reference });
    expect(refused.ok ? 'ok' : refused.error.code).toBe('FORBIDDEN');
  });

  it('shows the supervisor the contact in today\'s history and the CSV export', async () => {
    await recordsWritten(server);
    const now = Date.now();
    const rows = expectOk(
      await sup.request<{ rows: HistoryRow[] }>('history:query', { from: now - 86_400_000, to: now + 60_000, bucket: 'day', groupBy: 'office' }),
    ).rows;
    const byOffice = new Map(rows.map((r) => [r.group, r]));
    expect(byOffice.get('office-001')).toMatchObject({ answered: 1, handled: 1 });
    expect(byOffice.get('office-002')).toMatchObject({ answered: 1, handled: 1, ratings: 1, averageRating: 5 });
    const csv = await fetch(`${server.url}/api/records/history.csv?from=${now - 86_400_000}&to=${now + 60_000}&bucket=hour&groupBy=queue`, {
      headers: { authorization: `Bearer ${(await fx.login(server.url, 'sup')).token}` },
    });
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe(HISTORY_CSV_COLUMNS.join(','));
    expect(lines.some((l) => l.includes(',q-id,'))).toBe(true);
  });

  it('finds the case again after the node restarts, and the audit log names every read of it', async () => {
    await server.close();
    server = await fx.server({ env: env() });
    await server.context.records.opened;
    const supervisor = await fx.connect(server.url, '/supervisor', { token: (await fx.login(server.url, 'sup')).token });
    const found = expectOk(await supervisor.request<{ case: CaseDetail }>('case:find', { reference, reason: 'complaint review' })).case;
    expect(found.reference).toBe(reference);
    await recordsWritten(server);
    const entries = expectOk(await supervisor.request<{ entries: AuditEntry[] }>('audit:search', { caseReference: reference, limit: 100 })).entries;
    const reads = entries.map((e) => `${e.actorId} ${e.action}`);
    expect(reads).toEqual(expect.arrayContaining(['c1 case.read', 'c2 case.read', 'c1 document.opened', 'sup case.read', 'sup documents.listed', 'sup chat.read', 'sup notes.read']));
    expect(entries.find((e) => e.actorId === 'sup' && e.action === 'case.read')?.reason).toBe('complaint review');
    // The document opened in the call (by ticket and call, before any search by case).
    const byClerk = expectOk(await supervisor.request<{ entries: AuditEntry[] }>('audit:search', { actorId: 'c2', limit: 100 })).entries;
    expect(byClerk.some((e) => e.action === 'document.opened' && e.subject === documentId)).toBe(true);
    expect(byClerk.some((e) => e.action === 'chat.read')).toBe(true);
  });
});
