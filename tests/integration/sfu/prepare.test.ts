import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeerId, RoomId, type AppErrorPayload, type ConsumerOptions } from '@ablak/protocol';
import { MediaClient, startSfu, syntheticRtpParameters, type SfuFixture } from './fixture';

// Issue 8: a clerk's warm session prepares for the call on screen (pipes and paused consumers both
// ways) before accept; nothing is shown or resumed until it switches in with the accept's grant.
let sfu: SfuFixture;
const clients: MediaClient[] = [];
let seq = 0;
const newRoom = (prefix = 'room') => RoomId.parse(`${prefix}-${Date.now()}-${seq++}`);

function codeOf(res: { ok: boolean; error?: AppErrorPayload }): string | undefined {
  return res.ok ? undefined : res.error?.code;
}

/** A peer that joined `room`, told its capabilities and publishes synthetic audio. */
async function publisher(room: RoomId, peer: string, role: 'clerk' | 'citizen', ssrc: number) {
  const client = await MediaClient.connect(sfu.url, sfu.grant({ room, peer: PeerId.parse(peer), role }));
  clients.push(client);
  const joined = await client.must('media:join', {});
  await client.must('media:set-capabilities', { rtpCapabilities: joined.routerRtpCapabilities });
  const { producerId } = await client.must('media:produce', {
    transportId: joined.sendTransport!.id,
    kind: 'audio',
    rtpParameters: syntheticRtpParameters('audio', ssrc),
    source: 'mic',
  });
  return { client, producerId };
}

beforeAll(async () => {
  sfu = await startSfu();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await sfu?.close();
});

describe('media:prepare', () => {
  it('makes paused consumers both ways before accept, shows nothing, and accepting makes them live', async () => {
    const call = newRoom('call');
    const citizen = await publisher(call, 'citizen-p1', 'citizen', 2001);
    const clerk = await publisher(newRoom('standby'), 'clerk-p1', 'clerk', 2002);
    const prepareGrant = sfu.grant({ room: call, peer: PeerId.parse('clerk-p1'), role: 'clerk', prepare: true });

    const { consumers } = await clerk.client.must('media:prepare', { grant: prepareGrant });
    expect(consumers).toHaveLength(1);
    expect(consumers[0]).toMatchObject({ producerId: citizen.producerId, peerId: 'citizen-p1', kind: 'audio' });
    const pushed = (await citizen.client.waitFor('media:consumers-added')) as { consumers: ConsumerOptions[]; prepared?: boolean };
    expect(pushed.prepared).toBe(true);
    expect(pushed.consumers.map((c) => c.producerId)).toEqual([clerk.producerId]);
    // Nobody is announced before accept, and a prepared consumer cannot be resumed by its browser.
    expect(citizen.client.pushes.some((p) => p.event === 'media:peer-joined')).toBe(false);
    expect(codeOf(await clerk.client.request('media:resume-consumer', { consumerIds: [consumers[0]!.id] }))).toBe('CONFLICT');
    await clerk.client.must('media:consumers-ready', { consumerIds: [consumers[0]!.id] });
    await citizen.client.must('media:consumers-ready', { consumerIds: [pushed.consumers[0]!.id] });

    // The accept's grant switches the session in: the same consumers, now live.
    const entered = await clerk.client.must('media:switch-room', {
      grant: sfu.grant({ room: call, peer: PeerId.parse('clerk-p1'), role: 'clerk' }),
    });
    expect(entered.consumers.map((c) => c.id)).toEqual([consumers[0]!.id]);
    const live = (await citizen.client.waitFor('media:consumers-live')) as { consumerIds: string[] };
    expect(live.consumerIds).toEqual([pushed.consumers[0]!.id]);
    expect(await citizen.client.waitFor('media:peer-joined')).toMatchObject({ peerId: 'clerk-p1' });
    // Live now: its browser may pause and resume it as any other.
    await clerk.client.must('media:resume-consumer', { consumerIds: [consumers[0]!.id] });
  });

  it('unprepare closes the prepared consumers on both sides and tells both browsers', async () => {
    const call = newRoom('call');
    const citizen = await publisher(call, 'citizen-p2', 'citizen', 2003);
    const clerk = await publisher(newRoom('standby'), 'clerk-p2', 'clerk', 2004);
    const { consumers } = await clerk.client.must('media:prepare', {
      grant: sfu.grant({ room: call, peer: PeerId.parse('clerk-p2'), role: 'clerk', prepare: true }),
    });
    const pushed = (await citizen.client.waitFor('media:consumers-added')) as { consumers: ConsumerOptions[] };
    await clerk.client.must('media:unprepare', {});
    const citizenId = pushed.consumers[0]!.id;
    const clerkId = consumers[0]!.id;
    expect(await citizen.client.waitFor('media:consumer-closed', 5_000, (p) => (p as { consumerId: string }).consumerId === citizenId)).toBeTruthy();
    expect(await clerk.client.waitFor('media:consumer-closed', 5_000, (p) => (p as { consumerId: string }).consumerId === clerkId)).toBeTruthy();
    expect(codeOf(await citizen.client.request('media:resume-consumer', { consumerIds: [citizenId] }))).toBe('CONSUMER_NOT_FOUND');
    // Unprepare again, or ready for a consumer that is gone: harmless.
    await clerk.client.must('media:unprepare', {});
    await clerk.client.must('media:consumers-ready', { consumerIds: [clerkId] });
    // The room is still the citizen's: a later clerk prepares and enters as usual.
    const later = await publisher(newRoom('standby'), 'clerk-p3', 'clerk', 2005);
    const again = await later.client.must('media:prepare', {
      grant: sfu.grant({ room: call, peer: PeerId.parse('clerk-p3'), role: 'clerk', prepare: true }),
    });
    expect(again.consumers).toHaveLength(1);
  });

  it('refuses a prepare grant anywhere but media:prepare, and a normal or foreign grant there, changing nothing', async () => {
    const call = newRoom('call');
    const citizen = await publisher(call, 'citizen-p4', 'citizen', 2006);
    const clerk = await publisher(newRoom('standby'), 'clerk-p4', 'clerk', 2007);
    const prepareGrant = sfu.grant({ room: call, peer: PeerId.parse('clerk-p4'), role: 'clerk', prepare: true });
    await expect(MediaClient.connect(sfu.url, prepareGrant)).rejects.toMatchObject({ data: { code: 'GRANT_INVALID' } });
    expect(codeOf(await clerk.client.request('media:switch-room', { grant: prepareGrant }))).toBe('GRANT_INVALID');
    const normal = sfu.grant({ room: call, peer: PeerId.parse('clerk-p4'), role: 'clerk' });
    expect(codeOf(await clerk.client.request('media:prepare', { grant: normal }))).toBe('GRANT_INVALID');
    const foreign = sfu.grant({ room: call, peer: PeerId.parse('clerk-other'), role: 'clerk', prepare: true });
    expect(codeOf(await clerk.client.request('media:prepare', { grant: foreign }))).toBe('FORBIDDEN');
    expect(codeOf(await clerk.client.request('media:prepare', { grant: `${prepareGrant.slice(0, -4)}AAAA` }))).toBe('GRANT_INVALID');
    // Not joined yet: nothing to prepare.
    const fresh = await MediaClient.connect(sfu.url, sfu.grant({ room: newRoom('standby'), peer: PeerId.parse('clerk-p5'), role: 'clerk' }));
    clients.push(fresh);
    expect(codeOf(await fresh.request('media:prepare', { grant: sfu.grant({ room: call, peer: PeerId.parse('clerk-p5'), role: 'clerk', prepare: true }) }))).toBe('CONFLICT');
    // Nothing reached the citizen.
    await new Promise((r) => setTimeout(r, 200));
    expect(citizen.client.pushes.filter((p) => p.event === 'media:consumers-added')).toHaveLength(0);
  });
});
