/**
 * The supervisor's history is computed from contact records; for the same day and queue it must show
 * what the live board showed: answered, abandoned, service level, speed of answer, handle time, rating.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivacyNotice, type AuditEntry, type HistoryRow, type Offer, type QueueId } from '@ablak/protocol';
import { parseCatalogue, type RunningSignaling } from '@ablak/signaling';
import { startPostgres, type PostgresServer } from '@ablak/infra';
import { expectOk, Fixture, testCatalogue, type Client } from '../signaling/harness';
import { recordsEnv, recordsWritten, serveCall } from './fixtures';

/** The test catalogue with q-id answered "in target" within 1 s, so a short wait can miss it. */
function catalogue() {
  const base = testCatalogue();
  return parseCatalogue({
    version: 1,
    queues: [...base.queues.values()].map((q) => (q.id === 'q-id' ? { ...q, targetAnswerSeconds: 1 } : q)),
    caseTypes: [...base.caseTypes.values()],
  });
}

describe('history from contact records', () => {
  const fx = new Fixture();
  let pg: PostgresServer;
  let dataDir: string;
  let server: RunningSignaling;
  let clerk: Client;

  beforeAll(async () => {
    pg = await startPostgres();
    dataDir = mkdtempSync(path.join(tmpdir(), 'ablak-history-'));
    server = await fx.server({ env: recordsEnv({ appUrl: pg.appUrl, ownerUrl: pg.ownerUrl, dataDir }), deps: { catalogue: catalogue() } });
    await server.context.records.opened;
    clerk = await fx.connect(server.url, '/clerk', { token: (await fx.login(server.url, 'c2')).token });
    expectOk(await clerk.request('clerk:hello'));
  }, 120_000);
  afterAll(async () => {
    await fx.close();
    await pg?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('matches the live board for the same day and queue', async () => {
    expectOk(await clerk.request('clerk:set-state', { state: 'available' }));
    // Answered at once (in target), with a rating.
    await serveCall(fx, server, clerk, { rating: 5, beforeAccept: () => new Promise((r) => setTimeout(r, 200)) });
    // Answered late: the citizen waits 1.5 s while the clerk is away.
    expectOk(await clerk.request('clerk:set-state', { state: 'away', reason: 'break' }));
    const late = fx.ticket(server.url, { caseType: 'ID-02' });
    const lateTicket = await late;
    const lateCitizen = await fx.connect(server.url, '/citizen', { token: lateTicket.citizenToken, resumeSecret: lateTicket.resumeSecret });
    expectOk(await lateCitizen.request('queue:join'));
    // A citizen who gives up.
    const gaveUp = await fx.ticket(server.url, { caseType: 'ID-01' });
    const leaving = await fx.connect(server.url, '/citizen', { token: gaveUp.citizenToken, resumeSecret: gaveUp.resumeSecret });
    expectOk(await leaving.request('queue:join'));
    await new Promise((r) => setTimeout(r, 1500));
    expectOk(await leaving.request('queue:leave'));
    const offered = clerk.next<Offer>('offer:received');
    expectOk(await clerk.request('clerk:set-state', { state: 'available' }));
    const offer = await offered;
    const { call } = expectOk(await clerk.request<{ call: { callId: string } }>('offer:accept', { ticketId: offer.ticketId }));
    await new Promise((r) => setTimeout(r, 700));
    expectOk(await clerk.request('call:end', { callId: call.callId }));
    expectOk(await lateCitizen.request('call:rate', { rating: 2 }));

    const now = Date.now();
    const [live] = await server.context.store.queueStats(now, ['q-id' as QueueId]);
    await recordsWritten(server);
    const sup = await fx.connect(server.url, '/supervisor', { token: (await fx.login(server.url, 'sup')).token });
    const rows = expectOk(
      await sup.request<{ rows: HistoryRow[] }>('history:query', { from: now - 3_600_000, to: now + 60_000, bucket: 'day', groupBy: 'queue', queue: 'q-id' }),
    ).rows;
    expect(rows).toHaveLength(1);
    const row = rows[0] as HistoryRow;
    expect(live).toBeDefined();
    expect(row.answered).toBe(live?.answeredToday);
    expect(row.abandoned).toBe(live?.abandonedToday);
    expect(row).toMatchObject({ answered: 2, answeredInTarget: 1, abandoned: 1, handled: 2, ratings: 2 });
    expect(row.serviceLevel).toBeCloseTo(live?.serviceLevelToday ?? -1, 9);
    expect(row.abandonmentRate).toBeCloseTo(live?.abandonmentRate ?? -1, 9);
    expect(row.averageSpeedOfAnswerSeconds).toBeCloseTo(live?.averageSpeedOfAnswerSeconds ?? -1, 3);
    expect(row.averageHandleSeconds).toBeCloseTo(live?.averageHandleSeconds ?? -1, 3);
    expect(row.averageRating).toBeCloseTo(live?.averageRatingToday ?? -1, 9);
  });

  it('deletes expired records on schedule, says so in the audit log, and tells citizens the periods', async () => {
    const old = Date.now() - 800 * 86_400_000;
    const records = server.context.records;
    await records.store().apply([
      { kind: 'contact.queued', ticketId: 't-old' as never, channel: 'video', caseType: 'ID-01' as never, queue: 'q-id' as never, language: 'hu', accessibility: [], priority: 'none', citizenName: 'Régi Ügyfél', queuedAt: old },
      { kind: 'chat.sent', id: 'old-chat', ticketId: 't-old' as never, callId: 'call-old' as never, from: 'citizen', fromName: 'Régi Ügyfél', text: 'old', at: old },
    ]);
    const counts = await records.runRetention(Date.now());
    expect(counts).toMatchObject({ contacts: 1, chat: 1 });
    expect(await records.store().contacts(['t-old'])).toEqual([]);
    await recordsWritten(server);
    const sup = await fx.connect(server.url, '/supervisor', { token: (await fx.login(server.url, 'sup')).token });
    const entries = expectOk(await sup.request<{ entries: AuditEntry[] }>('audit:search', { actorId: 'retention' })).entries;
    expect(entries[0]).toMatchObject({ actorRole: 'system', action: 'retention.deleted', subject: expect.stringContaining('contacts=1') });

    const res = await fetch(`${server.url}/api/privacy`);
    const body = (await res.json()) as { ok: boolean; notice: unknown };
    expect(PrivacyNotice.parse(body.notice)).toEqual({
      retentionDays: { contacts: 730, chat: 90, documents: 30, notes: 730, audit: 1825 },
      monitoring: true,
      mediaRecorded: false,
    });
  });
});
