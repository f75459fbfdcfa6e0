/**
 * Attack 5, last part (issue 17): a connected peer was never removed when its grant expired. The SFU
 * now ends what a grant allows at its `exp`: the connection's own grant closes the connection; the grant
 * of a room a warm peer switched into takes it out of that room (back to its own). It says so first
 * (`media:grant-expiring`), and a fresh grant (`media:refresh-grant`) keeps a long call going.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeerId, RoomId } from '@ablak/protocol';
import { MediaClient, startSfu, syntheticRtpParameters, type SfuFixture } from '../sfu/fixture';

let sfu: SfuFixture;
const clients: MediaClient[] = [];
let seq = 0;
const newRoom = (prefix = 'life') => RoomId.parse(`${prefix}-${Date.now()}-${seq++}`);

beforeAll(async () => {
  sfu = await startSfu();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await sfu?.close();
});

async function connect(room: RoomId, peer: string, ttlSeconds: number, extra: Partial<Parameters<SfuFixture['grant']>[0]> = {}) {
  const client = await MediaClient.connect(sfu.url, sfu.grant({ room, peer: PeerId.parse(peer), ...extra }, ttlSeconds));
  clients.push(client);
  return client;
}

const disconnected = (client: MediaClient) =>
  new Promise<string>((resolve) => {
    if (!client.socket.connected) resolve('already');
    client.socket.once('disconnect', (reason) => resolve(reason));
  });

describe('grant life on a connected peer', () => {
  it('warns before the connection grant ends, then closes the connection, its transports and its room', async () => {
    const room = newRoom();
    const client = await connect(room, 'citizen-exp', 3);
    const joined = await client.must('media:join', {});
    await client.must('media:produce', {
      transportId: joined.sendTransport!.id,
      kind: 'audio',
      rtpParameters: syntheticRtpParameters('audio', 7101),
      source: 'mic',
    });
    const gone = disconnected(client);
    const warning = (await client.waitFor('media:grant-expiring', 10_000)) as { room: string; expiresAt: number };
    expect(warning.room).toBe(room);
    expect(warning.expiresAt).toBeGreaterThan(Date.now());
    expect(await client.waitFor('media:room-closed', 10_000)).toEqual({ reason: 'grant-expired' });
    expect(await gone).toBe('io server disconnect');
    await expect.poll(() => sfu.node.roomIds().includes(room)).toBe(false);
  });

  it('keeps a long call going with a fresh grant sent on the warning, and refuses grants that are not for this peer and room', async () => {
    const room = newRoom();
    const client = await connect(room, 'citizen-long', 6);
    await client.must('media:join', {});
    await client.waitFor('media:grant-expiring', 10_000);
    const fresh = await client.must('media:refresh-grant', { grant: sfu.grant({ room, peer: PeerId.parse('citizen-long') }, 300) });
    expect(fresh.expiresAt).toBeGreaterThan(Date.now() + 200_000);
    const refusal = async (grant: string) => {
      const res = await client.request('media:refresh-grant', { grant });
      return res.ok ? 'accepted' : res.error.code;
    };
    expect(await refusal(sfu.grant({ room: newRoom(), peer: PeerId.parse('citizen-long') }))).toBe('FORBIDDEN');
    expect(await refusal(sfu.grant({ room, peer: PeerId.parse('someone-else') }))).toBe('FORBIDDEN');
    expect(await refusal(sfu.grant({ room, peer: PeerId.parse('citizen-long'), role: 'clerk' }))).toBe('FORBIDDEN');
    expect(await refusal(sfu.grant({ room, peer: PeerId.parse('citizen-long'), canSubscribe: false }))).toBe('FORBIDDEN');
    expect(await refusal(sfu.grant({ room, peer: PeerId.parse('citizen-long') }).replace(/\.[^.]+$/, '.forged'))).toBe('GRANT_INVALID');
    // Past the first grant's end: still connected, still served.
    await new Promise((r) => setTimeout(r, 6_500));
    expect(client.socket.connected).toBe(true);
    expect((await client.request('media:stats', {})).ok).toBe(true);
    expect(client.pushes.some((p) => p.event === 'media:room-closed')).toBe(false);
  });

  it('takes a warm peer out of a room it switched into when that grant ends, back to its own room, connected', async () => {
    const call = newRoom('call');
    const citizen = await connect(call, 'citizen-sw', 300);
    await citizen.must('media:join', {});
    const clerk = await connect(newRoom('standby'), 'clerk-sw', 300, { role: 'clerk' });
    await clerk.must('media:join', {});
    await clerk.must('media:switch-room', { grant: sfu.grant({ room: call, peer: PeerId.parse('clerk-sw'), role: 'clerk' }, 3) });
    expect(await citizen.waitFor('media:peer-joined')).toMatchObject({ peerId: 'clerk-sw' });
    expect(await clerk.waitFor('media:grant-expiring', 10_000)).toMatchObject({ room: call });
    expect(await clerk.waitFor('media:room-left', 10_000)).toEqual({ reason: 'grant-expired' });
    expect(await citizen.waitFor('media:peer-left', 10_000)).toEqual({ peerId: 'clerk-sw' });
    expect(clerk.socket.connected).toBe(true);
    expect((await clerk.request('media:stats', {})).ok).toBe(true);
    // Its old grant for the call is spent only by time: a fresh one lets it back in (signaling decides).
    await clerk.must('media:switch-room', { grant: sfu.grant({ room: call, peer: PeerId.parse('clerk-sw'), role: 'clerk' }, 300) });
  });

  it('keeps a warm peer in the call when the call grant is refreshed', async () => {
    const call = newRoom('call');
    const citizen = await connect(call, 'citizen-sw2', 300);
    await citizen.must('media:join', {});
    const clerk = await connect(newRoom('standby'), 'clerk-sw2', 300, { role: 'clerk' });
    await clerk.must('media:join', {});
    await clerk.must('media:switch-room', { grant: sfu.grant({ room: call, peer: PeerId.parse('clerk-sw2'), role: 'clerk' }, 6) });
    await clerk.waitFor('media:grant-expiring', 10_000);
    await clerk.must('media:refresh-grant', { grant: sfu.grant({ room: call, peer: PeerId.parse('clerk-sw2'), role: 'clerk' }, 300) });
    await new Promise((r) => setTimeout(r, 6_500));
    expect(clerk.pushes.some((p) => p.event === 'media:room-left')).toBe(false);
    expect(citizen.pushes.some((p) => p.event === 'media:peer-left')).toBe(false);
  });
});
