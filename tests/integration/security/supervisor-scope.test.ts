/**
 * Issue 17, attack 6: a supervisor saw, monitored and forced clerks of every office, and monitoring
 * left only a log line. Now the token names what the supervisor oversees (an office, a region or the
 * country, from the directory) and every monitor start and stop goes to the audit record.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditInput } from '../../../signaling/src/records/audit';
import type { BoardSnapshot, CallSummary, LoginResponse, MediaAccess, Offer, Office } from '@ablak/protocol';
import { Directory, hashPassword, type RunningSignaling } from '@ablak/signaling';
import { expectOk, Fixture, PASSWORD, type Client } from '../signaling/harness';

function directory(): Directory {
  const hash = hashPassword(PASSWORD, 4);
  const staff = (id: string, office: string, extra: Record<string, unknown> = {}) => ({
    id,
    username: id,
    role: 'clerk',
    displayName: `Staff ${id}`,
    office,
    passwordHash: hash,
    skills: [{ queue: 'q-id', level: 1 }],
    languages: ['hu'],
    ...extra,
  });
  const supervisor = (id: string, office: string, scope?: unknown) =>
    staff(id, office, { role: 'supervisor', skills: [], ...(scope !== undefined && { scope }) });
  return Directory.fromJson({
    version: 1,
    offices: [
      { id: 'office-001', name: 'Budapest V.', region: 'Budapest' },
      { id: 'office-002', name: 'Szeged', region: 'Csongrád-Csanád' },
      { id: 'office-003', name: 'Makó', region: 'Csongrád-Csanád' },
    ],
    staff: [
      staff('a1', 'office-001'),
      staff('b1', 'office-002'),
      supervisor('sup-a', 'office-001'), // no scope in the directory: their own office
      supervisor('sup-region', 'office-003', { level: 'region', region: 'Csongrád-Csanád' }),
      supervisor('sup-country', 'office-001', { level: 'country' }),
    ],
  });
}

describe('supervisor scope', () => {
  const fx = new Fixture();
  let server: RunningSignaling;
  const audit: AuditInput[] = [];

  async function board(username: string): Promise<{ socket: Client; login: LoginResponse }> {
    const login = await fx.login(server.url, username);
    return { socket: await fx.connect(server.url, '/supervisor', { token: login.token }), login };
  }

  async function clerkAvailable(username: string): Promise<Client> {
    const login = await fx.login(server.url, username);
    const socket = await fx.connect(server.url, '/clerk', { token: login.token });
    expectOk(await socket.request('clerk:set-state', { state: 'available' }));
    return socket;
  }

  beforeAll(async () => {
    server = await fx.server({ deps: { directory: directory() } });
    // The audit service as the records module offers it; what it was asked to record is kept here.
    const log = server.context.records.audit;
    const record = log.record.bind(log);
    log.record = (input: AuditInput) => {
      audit.push(input);
      return record(input);
    };
  });
  afterAll(() => fx.close());

  it('puts the scope in the token and shows the board of that scope only', async () => {
    await clerkAvailable('a1');
    await clerkAvailable('b1');
    const a = await board('sup-a');
    expect(a.login.user.scope).toEqual({ level: 'office', office: 'office-001' });
    const sub = expectOk(
      await a.socket.request<{ snapshot: BoardSnapshot; offices: Office[] }>('board:subscribe', {}),
    );
    expect(sub.snapshot.clerks.map((c) => c.id)).toEqual(['a1']);
    expect(sub.offices.map((o) => o.id)).toEqual(['office-001']);
    for (const filter of [{ office: 'office-002' }, { region: 'Csongrád-Csanád' }]) {
      expect(await a.socket.request('board:subscribe', filter)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }

    const region = await board('sup-region');
    const regional = expectOk(await region.socket.request<{ snapshot: BoardSnapshot }>('board:subscribe', {}));
    expect(regional.snapshot.clerks.map((c) => c.id)).toEqual(['b1']);
    const country = await board('sup-country');
    const all = expectOk(await country.socket.request<{ snapshot: BoardSnapshot }>('board:subscribe', {}));
    expect(all.snapshot.clerks.map((c) => c.id).sort()).toEqual(['a1', 'b1']);
  });

  it('refuses to force the state of a clerk of another office', async () => {
    const a = await board('sup-a');
    expect(await a.socket.request('clerk:force-state', { clerkId: 'b1', state: 'away' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expectOk(await a.socket.request('clerk:force-state', { clerkId: 'a1', state: 'away' }));
    expectOk(await a.socket.request('clerk:force-state', { clerkId: 'a1', state: 'available' }));
  });

  it('refuses to let a supervisor monitor a call of another office, and records every monitor start and stop', async () => {
    // a1 goes away so that b1 (office-002) takes the call.
    const a = await board('sup-a');
    expectOk(await a.socket.request('clerk:force-state', { clerkId: 'a1', state: 'away' }));
    const b1 = await clerkAvailable('b1');
    const offered = b1.next<Offer>('offer:received');
    const t = await fx.ticket(server.url, { caseType: 'ID-01' });
    const citizen = await fx.connect(server.url, '/citizen', { token: t.citizenToken });
    expectOk(await citizen.request('queue:join'));
    await offered;
    const { call } = expectOk(await b1.request<{ call: CallSummary }>('offer:accept', { ticketId: t.ticketId }));

    expect(await a.socket.request('call:monitor', { callId: call.callId })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(audit.filter((e) => e.callId === call.callId)).toEqual([]);

    const region = await board('sup-region');
    const watched = expectOk(await region.socket.request<{ media: MediaAccess }>('call:monitor', { callId: call.callId }));
    expect(watched.media.room).toBeTruthy();
    expectOk(await region.socket.request('call:monitor-stop', { callId: call.callId }));
    // A second watch, ended by closing the console (a disconnect is a stop too).
    expectOk(await region.socket.request('call:monitor', { callId: call.callId }));
    region.socket.disconnect();
    await new Promise((r) => setTimeout(r, 300));
    const entries = audit.filter((e) => e.callId === call.callId);
    expect(entries.map((e) => [e.actorId, e.action, e.subject])).toEqual([
      ['sup-region', 'call.monitored', 'started'],
      ['sup-region', 'call.monitored', 'stopped'],
      ['sup-region', 'call.monitored', 'started'],
      ['sup-region', 'call.monitored', 'stopped'],
    ]);
    expect(entries.every((e) => e.ticketId === t.ticketId)).toBe(true);
  });
});
