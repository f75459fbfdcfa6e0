/**
 * mediasoup workers killed under rooms (real workers, SIGKILL): the rooms of a dead worker are spread
 * over the live workers and its replacement, not piled onto one survivor; and when the worker a room
 * is moving to dies too, the room moves again instead of closing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PeerId, RoomId } from '@ablak/protocol';
import { MediaClient, startSfu, type SfuFixture } from '../sfu/fixture';

const WORKERS = 3;
const ROOMS = 6;

describe('SFU worker deaths', () => {
  let sfu: SfuFixture | undefined;
  const clients: MediaClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await sfu?.close();
    sfu = undefined;
  });

  async function roomsOnWorkers(): Promise<RoomId[]> {
    sfu = await startSfu({ SFU_WORKERS: String(WORKERS) });
    const rooms: RoomId[] = [];
    for (let i = 0; i < ROOMS; i++) {
      const room = RoomId.parse(`room-deaths-${i}`);
      const client = await MediaClient.connect(sfu.url, sfu.grant({ room, peer: PeerId.parse(`citizen-d${i}`) }));
      clients.push(client);
      await client.must('media:join', {});
      rooms.push(room);
    }
    return rooms;
  }

  const perWorker = (node: SfuFixture['node'], rooms: RoomId[]) => {
    const counts = new Map<number, number>(node.workerPids().map((pid) => [pid, 0]));
    for (const r of rooms) {
      const pid = node.roomWorker(r)?.pid;
      if (pid !== undefined) counts.set(pid, (counts.get(pid) ?? 0) + 1);
    }
    return counts;
  };

  it('spreads the rooms of a dead worker over the live workers and its replacement', async () => {
    const rooms = await roomsOnWorkers();
    const node = sfu!.node;
    expect([...perWorker(node, rooms).values()]).toEqual([2, 2, 2]);
    const victim = node.roomWorker(rooms[0]!)!.pid;
    process.kill(victim, 'SIGKILL');
    await expect.poll(() => node.workerPids().length, { timeout: 20_000 }).toBe(WORKERS);
    await expect
      .poll(() => rooms.every((r) => node.workerPids().includes(node.roomWorker(r)?.pid ?? -1)), { timeout: 20_000 })
      .toBe(true);
    const counts = [...perWorker(node, rooms).values()];
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(node.roomIds()).toEqual(expect.arrayContaining(rooms));
  }, 60_000);

  it('moves a room again when the worker it is moving to dies too', async () => {
    const rooms = await roomsOnWorkers();
    const node = sfu!.node;
    const first = node.roomWorker(rooms[0]!)!.pid;
    const second = node.workerPids().find((p) => p !== first)!;
    process.kill(first, 'SIGKILL');
    process.kill(second, 'SIGKILL');
    await expect.poll(() => node.workerPids().length, { timeout: 30_000 }).toBe(WORKERS);
    await expect
      .poll(() => rooms.every((r) => node.workerPids().includes(node.roomWorker(r)?.pid ?? -1)), { timeout: 30_000 })
      .toBe(true);
    expect(node.roomIds()).toEqual(expect.arrayContaining(rooms));
    expect(node.health().ok).toBe(true);
  }, 60_000);
});
