import { describe, expect, it } from 'vitest';
import { RoomId } from '@ablak/protocol';
import { launchBrowser } from '@ablak/tests/harness';
import { decodesFrom, remote, useSfuPages } from './fixture';

const pages = useSfuPages({ SFU_WORKERS: '1' });
const { access, openPage, browsers } = pages;
const ROOM_A = RoomId.parse('e2e-room-a');
const ROOM_B = RoomId.parse('e2e-room-b');
describe('MediaSession in headless Chromium through the real SFU', () => {
  it('lets a citizen and a clerk decode each other, a hidden monitor decode both unseen, and keeps rooms apart', async () => {
    const [first, second] = [await launchBrowser(), await launchBrowser()];
    browsers.push(first, second);
    const citizen = await openPage(first);
    const clerk = await openPage(second);

    // The citizen opens the session while waiting, camera and mic published but paused (pre-warm).
    expect(await citizen.evaluate((a) => window.ablakTest.start(a, { publish: true, paused: true }), access(ROOM_A, 'citizen-1'))).toBe('connected');
    // The clerk joins later; the citizen consumes the clerk's new producers on its own.
    expect(await clerk.evaluate((a) => window.ablakTest.start(a, { publish: true }), access(ROOM_A, 'clerk-1', { role: 'clerk' }))).toBe('connected');
    await citizen.evaluate(() => window.ablakTest.unmuteAll());

    const atCitizen = await decodesFrom(citizen, ['clerk-1']);
    // The camera is offered as three simulcast layers and the SFU receives at least one of them
    // (Chromium sends fewer for a 640×480 source or a busy CPU).
    const layers = await clerk.evaluate(() => window.ablakTest.cameraLayers());
    expect(layers.offered).toBe(3);
    expect(layers.receiving).toBeGreaterThanOrEqual(1);
    // The citizen is told which simulcast layer the SFU forwards it (a quality indicator can show it).
    await expect
      .poll(async () => (await citizen.evaluate(() => window.ablakTest.videoLayers())).find((v) => v.peerId === 'clerk-1')?.layers ?? null, {
        timeout: 20_000,
      })
      .toMatchObject({ spatial: expect.any(Number), temporal: expect.any(Number) });
    expect((await citizen.evaluate(() => window.ablakTest.events())).some((e) => e.event === 'layers-changed' && e.peerId === 'clerk-1')).toBe(true);
    const atClerk = await decodesFrom(clerk, ['citizen-1']);
    expect(atCitizen.filter((t) => t.peerId === 'clerk-1').map((t) => t.source).sort()).toEqual(['camera', 'mic']);
    expect(atClerk.filter((t) => t.peerId === 'citizen-1').map((t) => t.source).sort()).toEqual(['camera', 'mic']);

    // A supervisor monitors hidden: decodes both, is never announced, is not in anyone's peer list.
    const monitor = await openPage(first);
    const monitorAccess = access(ROOM_A, 'supervisor-1', { role: 'supervisor', hidden: true, canPublish: false });
    expect(await monitor.evaluate((a) => window.ablakTest.start(a, { publish: false }), monitorAccess)).toBe('connected');
    const atMonitor = await decodesFrom(monitor, ['citizen-1', 'clerk-1']);
    expect(atMonitor).toHaveLength(4);
    expect((await citizen.evaluate(() => window.ablakTest.peers())).sort()).toEqual(['clerk-1']);
    expect((await clerk.evaluate(() => window.ablakTest.peers())).sort()).toEqual(['citizen-1']);
    for (const page of [citizen, clerk]) {
      const events = await page.evaluate(() => window.ablakTest.events());
      expect(events.filter((e) => e.peerId === 'supervisor-1')).toEqual([]);
    }
    const stats = await citizen.evaluate(() => window.ablakTest.stats());
    expect(stats?.recv.framesDecoded).toBeGreaterThan(0);

    // A grant for room B sees nothing of room A and cannot consume its producers.
    const intruder = await openPage(second);
    expect(await intruder.evaluate((a) => window.ablakTest.start(a, { publish: false }), access(ROOM_B, 'intruder-1'))).toBe('connected');
    const producerInA = atClerk.find((t) => t.kind === 'video')?.producerId;
    expect(producerInA).toBeTruthy();
    expect(await intruder.evaluate((ids) => window.ablakTest.tryConsume(ids), [producerInA as string])).toBe('PRODUCER_NOT_FOUND');
    expect(await remote(intruder)).toEqual([]);
    expect(await intruder.evaluate(() => window.ablakTest.peers())).toEqual([]);
    // Nor can it pretend its grant is for room A: refused at connect.
    const pretender = await openPage(second);
    expect(await pretender.evaluate((a) => window.ablakTest.start(a, { publish: false }), access(ROOM_B, 'intruder-2', {}, ROOM_A))).toBe(
      'refused:GRANT_INVALID',
    );
    // And room A's peers never heard of either.
    const events = await citizen.evaluate(() => window.ablakTest.events());
    expect(events.filter((e) => e.peerId?.startsWith('intruder'))).toEqual([]);
  });
});

describe('MediaSession recovery', () => {
  it('re-joins on its own after the worker under its room is killed and after its socket drops, and decodes again', async () => {
    const browser = await launchBrowser();
    browsers.push(browser);
    const room = RoomId.parse('e2e-recovery');
    const a = await openPage(browser);
    const b = await openPage(browser);
    expect(await a.evaluate((x) => window.ablakTest.start(x, { publish: true }), access(room, 'citizen-r'))).toBe('connected');
    expect(await b.evaluate((x) => window.ablakTest.start(x, { publish: true }), access(room, 'clerk-r', { role: 'clerk' }))).toBe('connected');
    const before = await decodesFrom(a, ['clerk-r']);
    await decodesFrom(b, ['citizen-r']);

    const worker = pages.sfu.node.roomWorker(room);
    expect(worker).toBeDefined();
    process.kill(worker!.pid, 'SIGKILL');
    // New consumers (new ids) on the re-created room decode again.
    await expect
      .poll(async () => (await remote(a)).filter((t) => t.framesDecoded > 0 && !before.some((o) => o.consumerId === t.consumerId)).length, {
        timeout: 60_000,
        interval: 1_000,
      })
      .toBeGreaterThan(0);
    await decodesFrom(a, ['clerk-r']);
    await decodesFrom(b, ['citizen-r']);
    expect(pages.sfu.node.roomWorker(room)?.pid).not.toBe(worker!.pid);
    const states = (await a.evaluate(() => window.ablakTest.events())).filter((e) => e.event === 'state').map((e) => e.state);
    expect(states).toEqual(expect.arrayContaining(['reconnecting', 'connected']));

    // A dropped socket: socket.io reconnects, the session re-joins and consumes again.
    const beforeDrop = await remote(b);
    expect(pages.sfu.dropMediaConnections()).toBeGreaterThanOrEqual(2);
    await expect
      .poll(async () => (await remote(b)).filter((t) => t.framesDecoded > 0 && !beforeDrop.some((o) => o.consumerId === t.consumerId)).length, {
        timeout: 60_000,
        interval: 1_000,
      })
      .toBeGreaterThan(0);
    await decodesFrom(b, ['citizen-r']);
    expect(await b.evaluate(() => window.ablakTest.state())).toBe('connected');
  });
});

describe('MediaSession publishing controls', () => {
  it('shares a screen as a second video, pauses a muted camera for the other side, and switches camera without a new producer', async () => {
    // The canvas standing in for a screen or a new camera must keep drawing in a background page.
    const browser = await launchBrowser({
      extraArgs: ['--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'],
    });
    browsers.push(browser);
    const room = RoomId.parse('e2e-controls');
    const clerk = await openPage(browser);
    const citizen = await openPage(browser);
    // Single-layer camera here (the path of `simulcast: false`); simulcast through mute and camera
    // switches is simulcast-freeze.test.ts.
    await clerk.evaluate((x) => window.ablakTest.start(x, { publish: true, simulcast: false }), access(room, 'clerk-c', { role: 'clerk' }));
    await citizen.evaluate((x) => window.ablakTest.start(x, { publish: true }), access(room, 'citizen-c'));
    const before = await decodesFrom(citizen, ['clerk-c']);
    const cameraBefore = before.find((t) => t.source === 'camera')!;
    expect(await clerk.evaluate(() => window.ablakTest.cameraLayers())).toEqual({ offered: 1, receiving: 1 });

    await clerk.evaluate(() => window.ablakTest.shareScreen());
    await expect
      .poll(async () => (await remote(citizen)).find((t) => t.source === 'screen')?.framesDecoded ?? 0, { timeout: 60_000, interval: 1_000 })
      .toBeGreaterThan(0);

    await clerk.evaluate(() => window.ablakTest.muteCamera());
    await expect.poll(() => citizen.evaluate(() => window.ablakTest.pausedRemote()), { timeout: 10_000 }).toEqual(['camera']);
    await clerk.evaluate(() => window.ablakTest.unmuteCamera());
    await expect.poll(() => citizen.evaluate(() => window.ablakTest.pausedRemote()), { timeout: 10_000 }).toEqual([]);
    const framesAtUnmute = (await remote(citizen)).find((t) => t.source === 'camera')!.framesDecoded;
    await expect
      .poll(async () => (await remote(citizen)).find((t) => t.source === 'camera')?.framesDecoded ?? 0, { timeout: 30_000, interval: 1_000 })
      .toBeGreaterThan(framesAtUnmute + 10);

    await clerk.evaluate(() => window.ablakTest.switchCamera());
    const framesAtSwitch = (await remote(citizen)).find((t) => t.source === 'camera')!.framesDecoded;
    await expect
      .poll(async () => (await remote(citizen)).find((t) => t.source === 'camera')?.framesDecoded ?? 0, { timeout: 30_000, interval: 1_000 })
      .toBeGreaterThan(framesAtSwitch + 10);
    expect((await remote(citizen)).find((t) => t.source === 'camera')?.producerId).toBe(cameraBefore.producerId);

    await clerk.evaluate(() => window.ablakTest.stopScreenShare());
    await expect.poll(async () => (await remote(citizen)).map((t) => t.source).sort(), { timeout: 10_000 }).toEqual(['camera', 'mic']);
  });
});
