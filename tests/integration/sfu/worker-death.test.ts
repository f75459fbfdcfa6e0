import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeerId, RoomId } from '@ablak/protocol';
import { MediaClient, startSfu, syntheticRtpParameters, type SfuFixture } from './fixture';

let sfu: SfuFixture;
const clients: MediaClient[] = [];

beforeAll(async () => {
  sfu = await startSfu({ SFU_WORKERS: '2' });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await sfu?.close();
});

async function joinAs(room: RoomId, peer: string) {
  const client = await MediaClient.connect(sfu.url, sfu.grant({ room, peer: PeerId.parse(peer) }));
  clients.push(client);
  return { client, joined: await client.must('media:join', {}) };
}

describe('a mediasoup worker killed with SIGKILL', () => {
  it('is replaced, its rooms are re-created on a live worker, its peers re-join, and the node stays up', async () => {
    const room = RoomId.parse('room-worker-death');
    const untouched = RoomId.parse('room-on-the-other-worker');
    const a = await joinAs(room, 'citizen-w');
    const b = await joinAs(room, 'clerk-w');
    await joinAs(untouched, 'citizen-x');
    const before = sfu.node.roomWorker(room)!;
    const otherBefore = sfu.node.roomWorker(untouched)!;
    // Least-loaded placement spreads two rooms over two empty workers.
    expect(otherBefore.index).not.toBe(before.index);
    const pidsBefore = sfu.node.workerPids();

    process.kill(before.pid, 'SIGKILL');

    const pushed = await Promise.all([a.client.waitFor('media:reconnect-required'), b.client.waitFor('media:reconnect-required')]);
    expect(pushed).toEqual([{ reason: 'worker-died' }, { reason: 'worker-died' }]);
    const after = sfu.node.roomWorker(room)!;
    expect(after.pid).not.toBe(before.pid);
    expect(sfu.node.roomIds()).toEqual(expect.arrayContaining([room, untouched]));
    expect(sfu.node.roomWorker(untouched)).toEqual(otherBefore);
    // The dead worker is replaced: two live workers again, with one new pid.
    await expect.poll(() => sfu.node.workerPids().length, { timeout: 10_000 }).toBe(2);
    expect(sfu.node.workerPids()).not.toContain(before.pid);
    expect(sfu.node.workerPids()).toEqual(expect.arrayContaining(pidsBefore.filter((p) => p !== before.pid)));
    expect(sfu.node.health().ok).toBe(true);

    // The same sockets join again and media flows through the new router.
    const rejoinA = await a.client.must('media:join', {});
    const rejoinB = await b.client.must('media:join', {});
    expect(rejoinA.sendTransport!.id).not.toBe(a.joined.sendTransport!.id);
    const { producerId } = await a.client.must('media:produce', {
      transportId: rejoinA.sendTransport!.id,
      kind: 'audio',
      rtpParameters: syntheticRtpParameters('audio', 9191),
      source: 'mic',
    });
    await b.client.must('media:set-capabilities', { rtpCapabilities: rejoinB.routerRtpCapabilities });
    const { consumers } = await b.client.must('media:consume', { producerIds: [producerId] });
    expect(consumers).toHaveLength(1);
    const metrics = await sfu.node.metrics.getSingleMetricAsString('ablak_sfu_worker_deaths_total');
    expect(metrics).toMatch(/ablak_sfu_worker_deaths_total 1/);
  });
});
