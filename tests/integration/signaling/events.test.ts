import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClerkView, MediaAccess, Offer, QueuePosition } from '@ablak/protocol';
import type { RunningSignaling } from '@ablak/signaling';
import { expectOk, Fixture, type Client } from './harness';

type Ticket = { ticketId: string; citizenToken: string; resumeSecret: string };
const claimsOf = (grant: string) =>
  JSON.parse(Buffer.from(grant.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

describe('socket events: happy paths and typed refusals', () => {
  const fx = new Fixture();
  let server: RunningSignaling;
  const clerks: Record<string, Client> = {};
  let supervisor: Client;

  const citizen = async (caseType: string): Promise<{ t: Ticket; s: Client; position: QueuePosition }> => {
    const t = await fx.ticket(server.url, { caseType });
    const s = await fx.connect(server.url, '/citizen', {
      token: t.citizenToken,
      resumeSecret: t.resumeSecret,
    });
    const join = expectOk(
      await s.request<{ position: QueuePosition; media: MediaAccess | null }>('queue:join'),
    );
    return { t, s, position: join.position };
  };

  beforeAll(async () => {
    server = await fx.server();
    for (const id of ['c1', 'c2', 'c3', 'c4']) {
      clerks[id] = await fx.connect(server.url, '/clerk', { token: (await fx.login(server.url, id)).token });
    }
    supervisor = await fx.connect(server.url, '/supervisor', {
      token: (await fx.login(server.url, 'sup')).token,
    });
  });
  afterAll(() => fx.close());

  it('lets a citizen leave the queue; the closed ticket cannot rejoin', async () => {
    const { t, s } = await citizen('FAM-01');
    const closed = s.next<{ state: string }>('ticket:closed');
    expectOk(await s.request('queue:leave'));
    expect(await closed).toMatchObject({ state: 'abandoned' });
    expect(await s.request('queue:join')).toMatchObject({ ok: false, error: { code: 'TICKET_CLOSED' } });
    expect((await server.context.store.getTicket(t.ticketId as never))?.state).toBe('abandoned');
  });

  it("keeps a dropped citizen's place for the one who holds the resume secret", async () => {
    const first = await citizen('FAM-01');
    const second = await citizen('FAM-01');
    expect(second.position.position).toBe(first.position.position + 1);
    first.s.disconnect();
    await new Promise((r) => setTimeout(r, 300));
    expect((await server.context.store.getTicket(first.t.ticketId as never))?.dropDeadline).not.toBeNull();
    const thief = await fx.connect(server.url, '/citizen', { token: first.t.citizenToken });
    expect(await thief.request('queue:join')).toMatchObject({
      ok: false,
      error: { code: 'RESUME_REJECTED' },
    });
    const wrong = await fx.connect(server.url, '/citizen', {
      token: first.t.citizenToken,
      resumeSecret: 'x'.repeat(32),
    });
    expect(await wrong.request('queue:join')).toMatchObject({
      ok: false,
      error: { code: 'RESUME_REJECTED' },
    });
    const back = await fx.connect(server.url, '/citizen', {
      token: first.t.citizenToken,
      resumeSecret: first.t.resumeSecret,
    });
    const join = expectOk(await back.request<{ position: QueuePosition }>('queue:join'));
    expect(join.position.position).toBe(first.position.position);
    await back.request('queue:leave');
    await second.s.request('queue:leave');
  });

  it('withdraws an unanswered offer at its deadline, makes the clerk away, and keeps the ticket waiting', async () => {
    const c4 = clerks.c4 as Client;
    const offered = c4.next<Offer>('offer:received');
    const { t, s } = await citizen('FAM-01');
    expectOk(await c4.request('clerk:set-state', { state: 'available' }));
    const offer = await offered;
    expect(offer.ticketId).toBe(t.ticketId);
    const away = c4.next<ClerkView>('clerk:state-changed', (v) => v.state === 'away', 8000);
    const withdrawn = await c4.next<{ ticketId: string; reason: string }>('offer:withdrawn', undefined, 8000);
    expect(withdrawn).toEqual({ ticketId: t.ticketId, reason: 'timeout' });
    expect((await away).awayReason).toBe('no_answer');
    expect(await c4.request('offer:accept', { ticketId: t.ticketId })).toMatchObject({
      ok: false,
      error: { code: 'OFFER_EXPIRED' },
    });
    expect((await server.context.store.getTicket(t.ticketId as never))?.state).toBe('waiting');
    await s.request('queue:leave');
    expectOk(await c4.request('clerk:set-state', { state: 'offline' }));
  });

  it("puts a declined ticket back and refuses someone else's offer", async () => {
    const c3 = clerks.c3 as Client;
    const c2 = clerks.c2 as Client;
    const offered = c3.next<Offer>('offer:received');
    const { t, s } = await citizen('VEH-01');
    expectOk(await c3.request('clerk:set-state', { state: 'available' }));
    await offered;
    expect(await c2.request('offer:accept', { ticketId: t.ticketId })).toMatchObject({
      ok: false,
      error: { code: 'OFFER_NOT_YOURS' },
    });
    expectOk(await c3.request('offer:decline', { ticketId: t.ticketId }));
    expect((await server.context.store.getTicket(t.ticketId as never))?.state).toBe('waiting');
    expect(await c3.request('offer:decline', { ticketId: t.ticketId })).toMatchObject({ ok: false });
    await s.request('queue:leave');
    expectOk(await c3.request('clerk:set-state', { state: 'offline' }));
  });

  it('transfers a citizen to another queue with a note; the citizen can end the next call', async () => {
    const c2 = clerks.c2 as Client;
    // c1 takes the transferred ticket (c3 is still inside its reject delay after declining).
    const c3 = clerks.c1 as Client;
    const offered = c2.next<Offer>('offer:received');
    const { t, s } = await citizen('ID-02');
    expectOk(await c2.request('clerk:set-state', { state: 'available' }));
    await offered;
    const { call } = expectOk(
      await c2.request<{ call: { callId: string } }>('offer:accept', { ticketId: t.ticketId }),
    );
    const transferred = s.next<{ queue: string; position: QueuePosition }>('call:transferred');
    const ended = s.next<{ reason: string }>('call:ended');
    expect(
      await c2.request('call:transfer', {
        callId: call.callId,
        target: { kind: 'queue', queue: 'q-nope' },
        note: '',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_QUEUE' },
    });
    expectOk(
      await c2.request('call:transfer', {
        callId: call.callId,
        target: { kind: 'queue', queue: 'q-transport' },
        note: 'Forgalmi kell',
      }),
    );
    expect((await ended).reason).toBe('transferred');
    expect((await transferred).queue).toBe('q-transport');
    const next = c3.next<Offer>('offer:received');
    expectOk(await c3.request('clerk:set-state', { state: 'available' }));
    const offer = await next;
    expect(offer).toMatchObject({
      ticketId: t.ticketId,
      queue: 'q-transport',
      priority: 'transfer',
      transferNote: 'Forgalmi kell',
    });
    const matched = s.next<{ callId: string }>('call:matched');
    const second = expectOk(
      await c3.request<{ call: { callId: string } }>('offer:accept', { ticketId: t.ticketId }),
    );
    expect((await matched).callId).toBe(second.call.callId);
    const clerkEnded = c3.next<{ reason: string }>('call:ended');
    expectOk(await s.request('call:end'));
    expect((await clerkEnded).reason).toBe('citizen_ended');
    expectOk(await c2.request('wrapup:done', { next: 'offline' }));
    expectOk(await c3.request('wrapup:done', { next: 'offline' }));
  });

  it("lets a supervisor force a clerk's state and monitor a call with a hidden grant", async () => {
    const c1 = clerks.c1 as Client;
    const changed = c1.next<ClerkView>('clerk:state-changed', (v) => v.state === 'away');
    const forced = expectOk(
      await supervisor.request<{ clerk: ClerkView }>('clerk:force-state', { clerkId: 'c1', state: 'away' }),
    );
    expect(forced.clerk).toMatchObject({ id: 'c1', state: 'away', awayReason: 'supervisor' });
    expect((await changed).awayReason).toBe('supervisor');
    expect(
      await supervisor.request('clerk:force-state', { clerkId: 'ghost', state: 'available' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_CLERK' },
    });
    const offered = c1.next<Offer>('offer:received');
    const { t } = await citizen('ADDR-01');
    expectOk(await supervisor.request('clerk:force-state', { clerkId: 'c1', state: 'available' }));
    await offered;
    const { call, media } = expectOk(
      await c1.request<{ call: { callId: string }; media: MediaAccess }>('offer:accept', {
        ticketId: t.ticketId,
      }),
    );
    const monitor = expectOk(
      await supervisor.request<{ media: MediaAccess }>('call:monitor', { callId: call.callId }),
    );
    expect(monitor.media.room).toBe(media.room);
    expect(claimsOf(monitor.media.grant)).toMatchObject({
      role: 'supervisor',
      hidden: true,
      canPublish: false,
      canSubscribe: true,
    });
    expect(await supervisor.request('call:monitor', { callId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'CALL_NOT_FOUND' },
    });
    expect(await clerks.c2?.request('chat:send', { callId: call.callId, text: 'hi' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await clerks.c2?.request('case:open', { callId: call.callId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await c1.request('wrapup:done', {})).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await c1.request('clerk:set-state', { state: 'available' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expectOk(await c1.request('call:end', { callId: call.callId }));
    expect(await c1.request('call:end', { callId: call.callId })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expectOk(await c1.request('wrapup:done', { next: 'offline' }));
  });

  it("refuses each event's malformed payload with BAD_REQUEST", async () => {
    const { s } = await citizen('FAM-01');
    const c1 = clerks.c1 as Client;
    const cases: [Client, string, unknown][] = [
      [s, 'queue:join', { extra: 1 }],
      [s, 'queue:leave', { extra: 1 }],
      [s, 'chat:send', { text: '' }],
      [s, 'chat:send', { text: 'x'.repeat(2001) }],
      [s, 'chat:history', { callId: 'x' }],
      [s, 'call:end', 'nope'],
      [s, 'call:rate', { rating: 6 }],
      [c1, 'clerk:hello', { x: 1 }],
      [c1, 'clerk:set-state', { state: 'busy' }],
      [c1, 'clerk:set-state', { state: 'away', reason: 'supervisor' }],
      [c1, 'offer:accept', { ticketId: 'bad id!' }],
      [c1, 'offer:decline', {}],
      [c1, 'chat:send', { callId: 'x' }],
      [c1, 'chat:history', { callId: 42 }],
      [c1, 'call:note', { callId: 'x', text: 'y'.repeat(5001) }],
      [c1, 'case:open', { callId: 42 }],
      [c1, 'call:transfer', { callId: 'x', target: { kind: 'office' } }],
      [c1, 'call:end', null],
      [c1, 'wrapup:done', { next: 'busy' }],
      [supervisor, 'board:subscribe', { region: 'x'.repeat(65) }],
      [supervisor, 'clerk:force-state', { clerkId: 'c1', state: 'busy' }],
      [supervisor, 'call:monitor', { callId: ['x'] }],
    ];
    for (const [socket, event, payload] of cases) {
      const ack = await socket.request(event, payload);
      expect(ack, `${event} ${JSON.stringify(payload).slice(0, 40)}`).toMatchObject({
        ok: false,
        error: { code: 'BAD_REQUEST' },
      });
    }
    await s.request('queue:leave');
  });
});
