import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clerkRequests,
  type CallSummary,
  type Colleague,
  type MediaAccess,
  type Offer,
} from '@ablak/protocol';
import type { RunningSignaling } from '@ablak/signaling';
import { expectOk, Fixture, type Client } from './harness';

const claimsOf = (grant: string) =>
  JSON.parse(Buffer.from(grant.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

/** What the console shows from `clerk:colleagues`, checked against the protocol's result schema. */
async function colleagues(clerk: Client): Promise<[string, string][]> {
  const ack = expectOk(await clerk.request<{ colleagues: Colleague[] }>('clerk:colleagues'));
  const parsed = clerkRequests['clerk:colleagues'].result.parse(ack);
  return parsed.colleagues.map((c) => [c.id, c.state]);
}

describe('clerk console support: colleagues to transfer to, media back after a reload', () => {
  const fx = new Fixture();
  let server: RunningSignaling;
  const clerks: Record<string, Client> = {};
  const clerk = (id: string) => clerks[id] as Client;

  beforeAll(async () => {
    server = await fx.server();
    for (const id of ['c1', 'c2', 'c3', 'c4']) {
      clerks[id] = await fx.connect(server.url, '/clerk', { token: (await fx.login(server.url, id)).token });
    }
  });
  afterAll(() => fx.close());

  it('lists the own office always and available clerks sharing a skill, available first, never the caller', async () => {
    // c1 (office-001: id, transport, family), c4 (office-001: family), c2 (office-002: id), c3 (office-003: transport).
    expect(await colleagues(clerk('c1'))).toEqual([['c4', 'offline']]);
    expect(await colleagues(clerk('c2'))).toEqual([]);

    expectOk(await clerk('c2').request('clerk:set-state', { state: 'available' }));
    expectOk(await clerk('c3').request('clerk:set-state', { state: 'available' }));
    expect(await colleagues(clerk('c1'))).toEqual([
      ['c2', 'available'],
      ['c3', 'available'],
      ['c4', 'offline'],
    ]);
    // c4 shares no skill with c2 or c3 and sits in another office: never listed for them.
    expectOk(await clerk('c4').request('clerk:set-state', { state: 'available' }));
    expect(await colleagues(clerk('c2'))).toEqual([]);
    // The own office comes first among equals.
    expect(await colleagues(clerk('c1'))).toEqual([
      ['c4', 'available'],
      ['c2', 'available'],
      ['c3', 'available'],
    ]);

    expectOk(await clerk('c1').request('clerk:set-state', { state: 'available' }));
    expect(await colleagues(clerk('c2'))).toEqual([['c1', 'available']]);
    expectOk(await clerk('c4').request('clerk:set-state', { state: 'away', reason: 'break' }));
    expect(await colleagues(clerk('c1'))).toEqual([
      ['c2', 'available'],
      ['c3', 'available'],
      ['c4', 'away'],
    ]);
    const [first] = expectOk(
      await clerk('c1').request<{ colleagues: Colleague[] }>('clerk:colleagues'),
    ).colleagues;
    expect(first).toEqual({
      id: 'c2',
      displayName: 'Clerk c2',
      office: 'office-002',
      officeName: 'Szeged Kormányablak',
      state: 'available',
      skills: ['q-id'],
    });
    expect(await clerk('c1').request('clerk:colleagues', { office: 'office-002' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    for (const id of ['c1', 'c2', 'c3', 'c4'])
      expectOk(await clerk(id).request('clerk:set-state', { state: 'offline' }));
  });

  it('gives a console reloaded mid-call a fresh grant for the same room, and only for its own open call', async () => {
    const offered = clerk('c1').next<Offer>('offer:received');
    const t = await fx.ticket(server.url, { caseType: 'DRV-01' });
    const citizen = await fx.connect(server.url, '/citizen', {
      token: t.citizenToken,
      resumeSecret: t.resumeSecret,
    });
    expectOk(await citizen.request('queue:join'));
    expectOk(await clerk('c1').request('clerk:set-state', { state: 'available' }));
    await offered;
    const accepted = expectOk(
      await clerk('c1').request<{ call: CallSummary; media: MediaAccess }>('offer:accept', {
        ticketId: t.ticketId,
      }),
    );

    // The console reloads: a new socket, the call comes back from clerk:hello, the media from call:media.
    clerk('c1').disconnect();
    const token = (await fx.login(server.url, 'c1')).token;
    clerks.c1 = await fx.connect(server.url, '/clerk', { token });
    const hello = expectOk(await clerk('c1').request<{ call: CallSummary | null }>('clerk:hello'));
    expect(hello.call?.callId).toBe(accepted.call.callId);
    const again = expectOk(
      await clerk('c1').request<{ media: MediaAccess }>('call:media', { callId: accepted.call.callId }),
    );
    clerkRequests['call:media'].result.parse(again);
    expect(again.media).toMatchObject({ sfuUrl: accepted.media.sfuUrl, room: accepted.media.room });
    expect(claimsOf(again.media.grant)).toMatchObject({
      room: accepted.media.room,
      peer: 'clerk-c1',
      role: 'clerk',
      canPublish: true,
      canSubscribe: true,
      hidden: false,
    });

    expect(await clerk('c2').request('call:media', { callId: accepted.call.callId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await clerk('c1').request('call:media', { callId: 'no-such-call' })).toMatchObject({
      ok: false,
      error: { code: 'CALL_NOT_FOUND' },
    });
    expect(await clerk('c1').request('call:media', { callId: 'bad id!' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expectOk(await clerk('c1').request('call:end', { callId: accepted.call.callId }));
    expect(await clerk('c1').request('call:media', { callId: accepted.call.callId })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expectOk(await clerk('c1').request('wrapup:done', { next: 'offline' }));
  });

  it('reads back the notes of its own call, oldest first, during the call and in wrap-up', async () => {
    const offered = clerk('c2').next<Offer>('offer:received');
    const t = await fx.ticket(server.url, { caseType: 'ID-02' });
    const citizen = await fx.connect(server.url, '/citizen', {
      token: t.citizenToken,
      resumeSecret: t.resumeSecret,
    });
    expectOk(await citizen.request('queue:join'));
    expectOk(await clerk('c2').request('clerk:set-state', { state: 'available' }));
    await offered;
    const { call } = expectOk(
      await clerk('c2').request<{ call: CallSummary }>('offer:accept', { ticketId: t.ticketId }),
    );
    const notesOf = async (c: Client) => {
      const ack = expectOk(await c.request<{ notes: unknown[] }>('call:notes', { callId: call.callId }));
      return clerkRequests['call:notes'].result.parse(ack).notes.map((n) => [n.text, n.outcome]);
    };
    expect(await notesOf(clerk('c2'))).toEqual([]);
    expectOk(await clerk('c2').request('call:note', { callId: call.callId, text: 'Lakcímkártya is kell' }));
    expectOk(await clerk('c2').request('call:note', { callId: call.callId, text: 'Fotó rendben' }));
    expect(await notesOf(clerk('c2'))).toEqual([
      ['Lakcímkártya is kell', null],
      ['Fotó rendben', null],
    ]);
    expect(await clerk('c1').request('call:notes', { callId: call.callId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expectOk(await clerk('c2').request('call:end', { callId: call.callId }));
    expect(await notesOf(clerk('c2'))).toHaveLength(2);
    expectOk(
      await clerk('c2').request('wrapup:done', { outcome: 'resolved', notes: 'Kész', next: 'offline' }),
    );
    expect(await notesOf(clerk('c2'))).toEqual([
      ['Lakcímkártya is kell', null],
      ['Fotó rendben', null],
      ['Kész', 'resolved'],
    ]);
  });
});
