import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  BoardSnapshot,
  CallSummary,
  ClerkView,
  MediaAccess,
  Offer,
  QueuePosition,
} from '@ablak/protocol';
import type { RunningSignaling } from '@ablak/signaling';
import { expectOk, Fixture, type Client } from './harness';

function claimsOf(grant: string): Record<string, unknown> {
  const payload = grant.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from(
    '0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
    'hex',
  ),
]);

describe('a full call without browsers', () => {
  const fx = new Fixture();
  let server: RunningSignaling;
  let supervisor: Client;
  let clerk: Client;
  let citizen: Client;
  let ticket: { ticketId: string; citizenToken: string; resumeSecret: string };
  const boards: BoardSnapshot[] = [];
  let waitMedia: MediaAccess;
  let call: CallSummary;

  const boardShows = (check: (b: BoardSnapshot) => boolean) =>
    check(boards.at(-1) as BoardSnapshot)
      ? Promise.resolve(boards.at(-1))
      : supervisor.next<BoardSnapshot>('board:updated', check);

  beforeAll(async () => {
    server = await fx.server();
    const sup = await fx.login(server.url, 'sup');
    supervisor = await fx.connect(server.url, '/supervisor', { token: sup.token });
    supervisor.on('board:updated', (b: BoardSnapshot) => boards.push(b));
    const sub = expectOk(
      await supervisor.request<{ snapshot: BoardSnapshot; offices: unknown[]; queueDefs: unknown[] }>(
        'board:subscribe',
        {},
      ),
    );
    boards.push(sub.snapshot);
    expect(sub.offices).toHaveLength(3);
    expect(sub.queueDefs).toHaveLength(3);
  });
  afterAll(() => fx.close());

  it('signs the clerk in and makes them available; the board shows it', async () => {
    const login = await fx.login(server.url, 'c2');
    clerk = await fx.connect(server.url, '/clerk', { token: login.token });
    const hello = expectOk(await clerk.request<{ clerk: ClerkView; offer: Offer | null }>('clerk:hello'));
    expect(hello.clerk).toMatchObject({ id: 'c2', state: 'offline' });
    expect(hello.offer).toBeNull();
    const set = expectOk(
      await clerk.request<{ clerk: ClerkView }>('clerk:set-state', { state: 'available' }),
    );
    expect(set.clerk.state).toBe('available');
    await boardShows((b) => b.clerks.some((c) => c.id === 'c2' && c.state === 'available'));
  });

  it('gives the citizen a ticket, a place and a warm media grant for the ticket room', async () => {
    const offered = clerk.next<Offer>('offer:received');
    ticket = await fx.ticket(server.url, { caseType: 'ID-01', displayName: 'Kiss Anna' });
    citizen = await fx.connect(server.url, '/citizen', {
      token: ticket.citizenToken,
      resumeSecret: ticket.resumeSecret,
    });
    const join = expectOk(
      await citizen.request<{ position: QueuePosition; media: MediaAccess | null }>('queue:join'),
    );
    expect(join.position.ticketId).toBe(ticket.ticketId);
    expect(['waiting', 'offered']).toContain(join.position.state);
    expect(join.position.position).toBe(1);
    expect(join.media).not.toBeNull();
    waitMedia = join.media as MediaAccess;
    expect(claimsOf(waitMedia.grant)).toMatchObject({
      room: waitMedia.room,
      role: 'citizen',
      canPublish: true,
      hidden: false,
      aud: 'ablak-sfu',
      iss: 'ablak-signaling',
    });
    const offer = await offered;
    expect(offer).toMatchObject({
      ticketId: ticket.ticketId,
      queue: 'q-id',
      caseType: 'ID-01',
      language: 'hu',
      priority: 'none',
    });
    expect(offer.caseTypeName.hu).toBe('Személyi igazolvány kiadása');
    expect(offer.deadline).toBeGreaterThan(Date.now());
    await boardShows((b) => b.clerks.some((c) => c.id === 'c2' && c.state === 'offered'));
  });

  it('connects both sides on accept with grants for the same room on the same SFU', async () => {
    const matched = citizen.next<{ callId: string; clerkName: string; media: MediaAccess }>('call:matched');
    const accept = expectOk(
      await clerk.request<{ call: CallSummary; media: MediaAccess }>('offer:accept', {
        ticketId: ticket.ticketId,
      }),
    );
    call = accept.call;
    expect(call).toMatchObject({
      clerkId: 'c2',
      queue: 'q-id',
      citizenName: 'Kiss Anna',
      caseReference: null,
    });
    const m = await matched;
    expect(m.callId).toBe(call.callId);
    expect(m.clerkName).toBe('Clerk c2');
    expect(accept.media.room).toBe(waitMedia.room);
    expect(m.media.room).toBe(waitMedia.room);
    expect(accept.media.sfuUrl).toBe(m.media.sfuUrl);
    expect(claimsOf(accept.media.grant)).toMatchObject({
      room: waitMedia.room,
      role: 'clerk',
      canPublish: true,
    });
    await boardShows(
      (b) =>
        b.calls.some((c) => c.callId === call.callId) &&
        b.clerks.some((c) => c.id === 'c2' && c.state === 'busy'),
    );
  });

  it('carries chat both ways', async () => {
    const atClerk = clerk.next<{ text: string; from: string }>('chat:received');
    const sent = expectOk(
      await citizen.request<{ message: { text: string } }>('chat:send', { text: '  Jó napot!  ' }),
    );
    expect(sent.message.text).toBe('Jó napot!');
    expect(await atClerk).toMatchObject({ text: 'Jó napot!', from: 'citizen', fromName: 'Kiss Anna' });
    const atCitizen = citizen.next<{ text: string }>('chat:received');
    expectOk(await clerk.request('chat:send', { callId: call.callId, text: 'Üdvözlöm!' }));
    expect(await atCitizen).toMatchObject({ text: 'Üdvözlöm!', from: 'clerk' });
    // A reloaded page on either side gets the conversation back, oldest first.
    type History = { messages: { text: string; from: string; callId: string }[] };
    const atClerkSide = expectOk(await clerk.request<History>('chat:history', { callId: call.callId })).messages;
    const atCitizenSide = expectOk(await citizen.request<History>('chat:history', {})).messages;
    for (const messages of [atClerkSide, atCitizenSide]) {
      expect(messages.map((m) => [m.from, m.text, m.callId])).toEqual([
        ['citizen', 'Jó napot!', call.callId],
        ['clerk', 'Üdvözlöm!', call.callId],
      ]);
    }
    // Nobody else's: another clerk is refused and learns nothing.
    const other = await fx.connect(server.url, '/clerk', { token: (await fx.login(server.url, 'c3')).token });
    const refused = await other.request('chat:history', { callId: call.callId });
    expect(refused.ok ? undefined : refused.error.code).toBe('FORBIDDEN');
    other.close();
  });

  it('shares a document with the other peer only, and refuses what is not an image or PDF', async () => {
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'scan.png');
    const atClerk = clerk.next<{ id: string; mimeType: string }>('document:shared');
    const up = await fetch(`${server.url}/api/calls/${call.callId}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ticket.citizenToken}` },
      body: form,
    });
    expect(up.status).toBe(201);
    const doc = (await atClerk) as { id: string; mimeType: string; size: number };
    expect(doc).toMatchObject({ mimeType: 'image/png', size: PNG.length, uploadedBy: 'citizen' });
    const clerkToken = (await fx.login(server.url, 'c2')).token;
    const got = await fetch(`${server.url}/api/calls/${call.callId}/documents/${doc.id}`, {
      headers: { authorization: `Bearer ${clerkToken}` },
    });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).toBe(true);
    const stranger = await fx.ticket(server.url, { caseType: 'FAM-01' });
    const refused = await fx.get(
      server.url,
      `/api/calls/${call.callId}/documents/${doc.id}`,
      stranger.citizenToken,
    );
    expect(refused.status).toBe(403);
    const fake = new FormData();
    fake.append('file', new Blob(['<script>alert(1)</script>'], { type: 'image/png' }), 'x.png');
    const bad = await fetch(`${server.url}/api/calls/${call.callId}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ticket.citizenToken}` },
      body: fake,
    });
    expect(bad.status).toBe(415);
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    const listed = await fx.get<{ documents: unknown[] }>(
      server.url,
      `/api/calls/${call.callId}/documents`,
      clerkToken,
    );
    expect(listed.body.ok && listed.body.documents).toHaveLength(1);
    await citizen.request('queue:leave').catch(() => undefined); // no-op for a connected ticket
    void stranger;
  });

  it('opens a case with a reference the citizen also sees, and takes notes', async () => {
    const opened = citizen.next<{ caseReference: string }>('case:opened');
    const res = expectOk(
      await clerk.request<{ caseReference: string }>('case:open', { callId: call.callId }),
    );
    expect(res.caseReference).toMatch(new RegExp(`^ABL-${new Date().getFullYear()}-\\d{6,}$`));
    expect((await opened).caseReference).toBe(res.caseReference);
    const again = expectOk(
      await clerk.request<{ caseReference: string }>('case:open', { callId: call.callId }),
    );
    expect(again.caseReference).toBe(res.caseReference);
    expectOk(await clerk.request('call:note', { callId: call.callId, text: 'Fénykép rendben.' }));
  });

  it('ends the call into wrap-up; the citizen rates it; wrap-up done makes the clerk available', async () => {
    const ended = citizen.next<{ callId: string; reason: string; caseReference: string | null }>(
      'call:ended',
    );
    const clerkEnded = clerk.next<{ wrapUpUntil: number }>('call:ended');
    const end = expectOk(await clerk.request<{ wrapUpUntil: number }>('call:end', { callId: call.callId }));
    expect(end.wrapUpUntil).toBeGreaterThan(Date.now());
    const e = await ended;
    expect(e).toMatchObject({ callId: call.callId, reason: 'clerk_ended' });
    expect(e.caseReference).toMatch(/^ABL-/);
    expect((await clerkEnded).wrapUpUntil).toBe(end.wrapUpUntil);
    await boardShows(
      (b) => b.clerks.some((c) => c.id === 'c2' && c.state === 'wrap_up') && b.calls.length === 0,
    );
    expectOk(await citizen.request('call:rate', { rating: 5, comment: 'Gyors volt' }));
    const second = await citizen.request('call:rate', { rating: 1 });
    expect(second).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const done = expectOk(
      await clerk.request<{ clerk: ClerkView }>('wrapup:done', { outcome: 'resolved', next: 'available' }),
    );
    expect(done.clerk).toMatchObject({ state: 'available', callsToday: 1 });
    const board = await boardShows((b) => {
      const q = b.queues.find((x) => x.queue === 'q-id');
      return (
        (q?.answeredToday ?? 0) === 1 &&
        q?.averageRatingToday === 5 &&
        b.clerks.some((c) => c.id === 'c2' && c.state === 'available')
      );
    });
    expect(board?.queues.find((q) => q.queue === 'q-id')?.waiting).toBe(0);
  });
});
