import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueuePosition } from '@ablak/protocol';
import type { RunningSignaling } from '@ablak/signaling';
import { expectOk, Fixture, type Client } from './harness';

/** Pushes of a citizen's place while they wait (no clerk is on shift, so nobody is matched). */
describe('queue places pushed to waiting citizens', () => {
  const fx = new Fixture();
  let server: RunningSignaling;

  const waiting = async (
    body: Record<string, unknown> = { caseType: 'DRV-01' },
  ): Promise<{ s: Client; position: QueuePosition }> => {
    const t = await fx.ticket(server.url, body);
    return join(t.citizenToken, t.resumeSecret);
  };

  const join = async (token: string, resumeSecret: string) => {
    const s = await fx.connect(server.url, '/citizen', { token, resumeSecret });
    const ack = expectOk(await s.request<{ position: QueuePosition }>('queue:join'));
    return { s, position: ack.position };
  };

  /** Every position push the socket gets from now on. */
  const pushes = (s: Client): QueuePosition[] => {
    const seen: QueuePosition[] = [];
    s.on('queue:position-changed', (p: QueuePosition) => seen.push(p));
    return seen;
  };

  beforeAll(async () => {
    server = await fx.server();
  });
  afterAll(() => fx.close());

  it('moves nobody when a ticket lands behind everyone, and tells those behind when one jumps ahead or leaves', async () => {
    const a = await waiting();
    const b = await waiting();
    expect([a.position.position, b.position.position]).toEqual([1, 2]);
    const seenA = pushes(a.s);
    const seenB = pushes(b.s);

    // A plain arrival lands at the back: the places ahead did not change, so nothing is pushed.
    const c = await waiting();
    expect(c.position.position).toBe(3);
    await new Promise((r) => setTimeout(r, 600));
    expect(seenA).toEqual([]);
    expect(seenB).toEqual([]);

    // An appointment (booked by staff) checks in and ranks ahead of all three: each is told its new place.
    const slotStart = new Date(Date.now() + 10 * 60_000).toISOString();
    const staff = await fx.login(server.url, 'c4');
    const booked = await fx.post<{ code: string }>(
      server.url,
      '/api/appointments',
      { caseType: 'DRV-01', displayName: 'Nagy Éva', slotStart },
      staff.token,
    );
    if (!booked.body.ok) throw new Error('booking failed');
    const movedA = a.s.next<QueuePosition>('queue:position-changed', (p) => p.position === 2);
    const movedC = c.s.next<QueuePosition>('queue:position-changed', (p) => p.position === 4);
    const checkIn = await fx.post<{ citizenToken: string; resumeSecret: string }>(
      server.url,
      `/api/appointments/${booked.body.code}/check-in`,
      {},
    );
    if (!checkIn.body.ok) throw new Error('check-in failed');
    await Promise.all([movedA, movedC]);
    const vip = await join(checkIn.body.citizenToken, checkIn.body.resumeSecret);
    expect(vip.position.position).toBe(1);

    // Someone ahead leaves: those behind move up.
    const upB = b.s.next<QueuePosition>('queue:position-changed', (p) => p.position === 2);
    const upC = c.s.next<QueuePosition>('queue:position-changed', (p) => p.position === 3);
    expectOk(await a.s.request('queue:leave'));
    await Promise.all([upB, upC]);

    // And an arrival behind everyone after all that still moves nobody.
    const vipSeen = pushes(vip.s);
    const before = seenB.length;
    const d = await waiting();
    expect(d.position.position).toBe(4);
    await new Promise((r) => setTimeout(r, 600));
    expect(vipSeen).toEqual([]);
    expect(seenB.length).toBe(before);

    // Someone behind d leaves: the queue is re-read, but d's place (given in its ack) is unchanged,
    // so d is not told it again.
    const seenD = pushes(d.s);
    const e = await waiting();
    expect(e.position.position).toBe(5);
    expectOk(await e.s.request('queue:leave'));
    await new Promise((r) => setTimeout(r, 600));
    expect(seenD).toEqual([]);
  });

  it('tells those near the front at once and those far back within seconds when the head leaves', async () => {
    const line: { s: Client; position: QueuePosition }[] = [];
    for (let i = 0; i < 25; i++) line.push(await waiting({ caseType: 'ID-01' }));
    expect(line.map((c) => c.position.position)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const near = line[1] as { s: Client };
    const far = line[24] as { s: Client };
    const seenFar = pushes(far.s);
    const nearMoved = near.s.next<QueuePosition>('queue:position-changed', (p) => p.position === 1, 2000);
    const farMoved = far.s.next<QueuePosition>('queue:position-changed', (p) => p.position === 24, 8000);
    const left = Date.now();
    expectOk(await (line[0] as { s: Client }).s.request('queue:leave'));
    await nearMoved;
    expect(seenFar).toEqual([]);
    await farMoved;
    expect(Date.now() - left).toBeGreaterThan(1000);
  }, 15_000);
});
