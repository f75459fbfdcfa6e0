/**
 * Attack 5 (issue 17): media access follows the call. Before the fix, after a transfer the first clerk
 * stayed in the media room, saw the next clerk join and could come back with its old grant, and the next
 * call of the same ticket reused the same room. Now every call has a room of its own (a transferred
 * ticket waits in the room of its next call), and when a call ends or is transferred signaling revokes
 * its room on the SFU nodes: the room closes (a warm clerk goes back to its standby room, the others
 * are disconnected) and every grant for it is refused from then on. Run embedded (signaling calls the
 * SFU node in its process) and in a fleet (Redis: the Lua transfer step, the revocation channel).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallSummary, MediaAccess, Offer, QueuePosition } from '@ablak/protocol';
import { embeddedSfu, parseConfig, startSignaling, type RunningSignaling } from '@ablak/signaling';
import type { RedisServer } from '@ablak/tests/harness';
import { MediaClient } from '../sfu/fixture';
import { expectOk, Fixture, fleetEnv, fleetRedis, testCatalogue, testDirectory, testEnv, type Client } from '../signaling/harness';

const SFU_ENV = { SFU_EMBEDDED: '1', SFU_WORKERS: '1', SFU_RTC_PORT_BASE: '0' };

const media: MediaClient[] = [];
async function mediaJoin(access: MediaAccess): Promise<MediaClient> {
  const client = await MediaClient.connect(access.sfuUrl, access.grant);
  media.push(client);
  await client.must('media:join', {});
  return client;
}

async function connectRefusal(access: MediaAccess): Promise<string> {
  try {
    const client = await MediaClient.connect(access.sfuUrl, access.grant);
    media.push(client);
    return 'connected';
  } catch (error) {
    return (error as { data?: { code?: string } }).data?.code ?? 'no code';
  }
}

const disconnected = (client: MediaClient) =>
  new Promise<void>((resolve) => {
    if (!client.socket.connected) return resolve();
    client.socket.once('disconnect', () => resolve());
  });

async function clerkOnline(fx: Fixture, server: RunningSignaling, username: string): Promise<Client> {
  const clerk = await fx.connect(server.url, '/clerk', { token: (await fx.login(server.url, username)).token });
  expectOk(await clerk.request('clerk:hello'));
  return clerk;
}

/** The transfer scenario of attack 5 against one running desk. */
async function transferScenario(fx: Fixture, server: RunningSignaling): Promise<void> {
  // Clerk 1 waits warm in its standby room, as the console does.
  const clerk1 = await clerkOnline(fx, server, 'c1');
  const standby = expectOk(await clerk1.request<{ media: MediaAccess }>('clerk:standby-media')).media;
  const clerk1Media = await mediaJoin(standby);
  const offered = clerk1.next<Offer>('offer:received');
  expectOk(await clerk1.request('clerk:set-state', { state: 'available' }));

  // The citizen waits warm in the room of its (first) call.
  const t = await fx.ticket(server.url, { caseType: 'ID-01' });
  const citizen = await fx.connect(server.url, '/citizen', { token: t.citizenToken, resumeSecret: t.resumeSecret });
  const waiting = expectOk(await citizen.request<{ position: QueuePosition; media: MediaAccess | null }>('queue:join')).media;
  expect(waiting).not.toBeNull();
  const citizenMedia = await mediaJoin(waiting!);

  const offer = await offered;
  const first = expectOk(await clerk1.request<{ call: CallSummary; media: MediaAccess }>('offer:accept', { ticketId: offer.ticketId }));
  expect(first.media.room).toBe(waiting!.room);
  await clerk1Media.must('media:switch-room', { grant: first.media.grant });
  await citizenMedia.waitFor('media:peer-joined', 10_000, (p) => (p as { peerId: string }).peerId === 'clerk-c1');

  // Clerk 1 transfers the citizen to clerk 2.
  const clerk2 = await clerkOnline(fx, server, 'c2');
  expectOk(await clerk2.request('clerk:set-state', { state: 'available' }));
  const offeredToClerk2 = clerk2.next<Offer>('offer:received');
  const transferred = citizen.next<{ media?: MediaAccess }>('call:transferred');
  const citizenGone = disconnected(citizenMedia);
  expectOk(await clerk1.request('call:transfer', { callId: first.call.callId, target: { kind: 'clerk', clerk: 'c2' }, note: '' }));

  // The first clerk is out of the call's room at once (its warm session is back in its standby room).
  expect(await clerk1Media.waitFor('media:room-left', 10_000)).toEqual({ reason: 'ended' });
  expect(clerk1Media.socket.connected).toBe(true);
  // The citizen's session in that room ends too; its next call has a room of its own.
  expect(await citizenMedia.waitFor('media:room-closed', 10_000)).toEqual({ reason: 'ended' });
  await citizenGone;
  const next = (await transferred).media;
  expect(next).toBeDefined();
  expect(next!.room).not.toBe(first.media.room);

  // The first clerk cannot come back with its old grant: not by switching, not by connecting.
  const back = await clerk1Media.request('media:switch-room', { grant: first.media.grant });
  expect(back.ok ? 'accepted' : back.error.code).toBe('GRANT_INVALID');
  expect(await connectRefusal(first.media)).toBe('GRANT_INVALID');
  expect(await connectRefusal(waiting!)).toBe('GRANT_INVALID');

  // The next call: clerk 2 and the citizen meet in the new room; clerk 1 sees none of it.
  const citizenNext = await mediaJoin(next!);
  const second = expectOk(
    await clerk2.request<{ call: CallSummary; media: MediaAccess }>('offer:accept', { ticketId: (await offeredToClerk2).ticketId }),
  );
  expect(second.media.room).toBe(next!.room);
  expect(second.media.room).not.toBe(first.media.room);
  const clerk2Media = await MediaClient.connect(second.media.sfuUrl, second.media.grant);
  media.push(clerk2Media);
  const clerk2Joined = await clerk2Media.must('media:join', {});
  expect(clerk2Joined.peers.map((p) => p.peerId)).toEqual([`citizen-${t.ticketId}`]);
  await citizenNext.waitFor('media:peer-joined', 10_000, (p) => (p as { peerId: string }).peerId === 'clerk-c2');
  const seenByClerk1 = clerk1Media.pushes
    .filter((p) => p.event === 'media:peer-joined')
    .map((p) => (p.payload as { peerId: string }).peerId);
  expect(seenByClerk1).toEqual([]);

  // The end of the second call revokes its room as well.
  const clerk2Gone = disconnected(clerk2Media);
  expectOk(await clerk2.request('call:end', { callId: second.call.callId }));
  expect(await clerk2Media.waitFor('media:room-closed', 10_000)).toEqual({ reason: 'ended' });
  await clerk2Gone;
  expect(await connectRefusal(second.media)).toBe('GRANT_INVALID');
}

afterAll(() => {
  for (const c of media) c.close();
});

describe('media access follows the call (attack 5), embedded', () => {
  const fx = new Fixture();
  let server: RunningSignaling;
  beforeAll(async () => {
    const config = parseConfig(testEnv(SFU_ENV));
    server = await startSignaling(config, { catalogue: testCatalogue(), directory: testDirectory(), embedSfu: embeddedSfu(config) });
    fx.servers.push(server);
  });
  afterAll(() => fx.close());

  it('after a transfer the first clerk is out of the room, does not see the next clerk, and its old grant is refused; the next call has its own room', async () => {
    await transferScenario(fx, server);
  });
});

describe('media access follows the call (attack 5), fleet on Redis', () => {
  const fx = new Fixture();
  let redis: RedisServer;
  let server: RunningSignaling;
  beforeAll(async () => {
    redis = await fleetRedis();
    const config = parseConfig(fleetEnv(redis.url, SFU_ENV));
    server = await startSignaling(config, { catalogue: testCatalogue(), directory: testDirectory(), embedSfu: embeddedSfu(config) });
    fx.servers.push(server);
  });
  afterAll(async () => {
    await fx.close();
    await redis?.stop();
  });

  it('revokes through Redis: the same guarantees, with the Redis store moving the ticket to a new room', async () => {
    await transferScenario(fx, server);
  });
});
