import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { RoomId } from '@ablak/protocol';
import { launchBrowser } from '@ablak/tests/harness';
import { useSfuPages } from './fixture';

/*
 * A three-layer 720p simulcast camera keeps playing at the receiver whatever layers the browser sends:
 * the SFU must be able to move a consumer to any layer, not only to the first one it picked (see
 * sfu/README.md, "Simulcast and capture time").
 */
const pages = useSfuPages({ SFU_WORKERS: '1' });
const { access, openPage, browsers } = pages;

const cameraFrames = async (page: Page): Promise<number> =>
  (await page.evaluate(() => window.ablakTest.remote())).find((t) => t.source === 'camera')?.framesDecoded ?? 0;

/** The receiver decodes fresh camera frames again (not a frozen last picture). */
async function playsAgain(receiver: Page, sender: Page, step: string): Promise<void> {
  const from = await cameraFrames(receiver);
  try {
    await expect.poll(() => cameraFrames(receiver), { timeout: 20_000, interval: 500 }).toBeGreaterThan(from + 15);
  } catch (error) {
    const layers = await receiver.evaluate(() => window.ablakTest.videoLayers());
    const sending = await sender.evaluate(() => window.ablakTest.cameraLayers());
    throw new Error(`camera frozen after ${step}: receiver layers ${JSON.stringify(layers)}, sender ${JSON.stringify(sending)}`, { cause: error });
  }
}

type Layers = { spatial: number; temporal: number } | null;
const receivedLayers = async (page: Page): Promise<Layers> => (await page.evaluate(() => window.ablakTest.videoLayers()))[0]?.layers ?? null;

/** A clerk page publishing a three-layer 720p camera and a citizen page decoding it. */
async function call(room: string): Promise<{ clerk: Page; citizen: Page }> {
  // The fake camera must keep producing frames in a background page.
  const browser = await launchBrowser({
    extraArgs: ['--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'],
  });
  browsers.push(browser);
  const roomId = RoomId.parse(room);
  const clerk = await openPage(browser);
  const citizen = await openPage(browser);
  expect(await clerk.evaluate((x) => window.ablakTest.start(x, { publish: true, hd: true }), access(roomId, 'clerk-s', { role: 'clerk' }))).toBe('connected');
  expect(await citizen.evaluate((x) => window.ablakTest.start(x, { publish: false }), access(roomId, 'citizen-s'))).toBe('connected');
  await playsAgain(citizen, clerk, 'joining');
  expect((await clerk.evaluate(() => window.ablakTest.cameraLayers())).offered).toBe(3);
  return { clerk, citizen };
}

describe('simulcast camera at 720p', () => {
  it('moves the receiver to another layer when the browser stops sending the one it was watching', async () => {
    const { clerk, citizen } = await call('e2e-simulcast-drop');
    await expect.poll(() => receivedLayers(citizen), { timeout: 20_000 }).not.toBeNull();
    const watched = (await receivedLayers(citizen))!.spatial;
    // Chromium turns a layer off on its own (CPU pressure, a smaller camera); here the test does it.
    await clerk.evaluate((i) => window.ablakTest.setCameraLayerActive(i, false), watched);
    await playsAgain(citizen, clerk, `layer ${watched} stopped`);
    await expect.poll(async () => (await receivedLayers(citizen))?.spatial, { timeout: 10_000 }).not.toBe(watched);
    // And the other layers can be watched in turn: stop the new one too, then bring the first back.
    const next = (await receivedLayers(citizen))!.spatial;
    await clerk.evaluate((i) => window.ablakTest.setCameraLayerActive(i, false), next);
    await clerk.evaluate((i) => window.ablakTest.setCameraLayerActive(i, true), watched);
    await playsAgain(citizen, clerk, `layer ${next} stopped, ${watched} back`);
  });

  it('keeps playing at the receiver through mute/unmute and camera switches of another resolution', async () => {
    const { clerk, citizen } = await call('e2e-simulcast-720');
    const rounds = [
      { muteMs: 1_000, camera: { width: 640, height: 480 } },
      { muteMs: 6_000, camera: { width: 1280, height: 720 } },
      { muteMs: 3_000, camera: { width: 640, height: 480 } },
    ];
    for (const [i, round] of rounds.entries()) {
      await clerk.evaluate(() => window.ablakTest.muteCamera());
      await expect.poll(() => citizen.evaluate(() => window.ablakTest.pausedRemote()), { timeout: 10_000 }).toEqual(['camera']);
      await new Promise((r) => setTimeout(r, round.muteMs));
      await clerk.evaluate(() => window.ablakTest.unmuteCamera());
      await expect.poll(() => citizen.evaluate(() => window.ablakTest.pausedRemote()), { timeout: 10_000 }).toEqual([]);
      await playsAgain(citizen, clerk, `unmute ${i + 1}`);
      await clerk.evaluate((size) => window.ablakTest.switchCamera(size), round.camera);
      await playsAgain(citizen, clerk, `switch ${i + 1} to ${round.camera.width}x${round.camera.height}`);
    }
  });

  it('moves the receiver between layers of a warm clerk camera piped in from its standby room', async () => {
    const browser = await launchBrowser({
      extraArgs: ['--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'],
    });
    browsers.push(browser);
    const standby = RoomId.parse('standby-clerk-s');
    const callRoom = RoomId.parse('e2e-simulcast-warm');
    const clerk = await openPage(browser);
    const citizen = await openPage(browser);
    expect(await clerk.evaluate((x) => window.ablakTest.start(x, { publish: true, paused: true, hd: true }), access(standby, 'clerk-w', { role: 'clerk' }))).toBe(
      'connected',
    );
    expect(await citizen.evaluate((x) => window.ablakTest.start(x, { publish: false }), access(callRoom, 'citizen-w'))).toBe('connected');
    // The clerk's tracks live on its standby room's router and reach the call room through a pipe.
    expect(await clerk.evaluate((x) => window.ablakTest.switchRoom(x), access(callRoom, 'clerk-w', { role: 'clerk' }))).toBe('ok');
    await clerk.evaluate(() => window.ablakTest.unmuteCamera());
    await playsAgain(citizen, clerk, 'the switch');
    await expect.poll(() => receivedLayers(citizen), { timeout: 20_000 }).not.toBeNull();
    const watched = (await receivedLayers(citizen))!.spatial;
    await clerk.evaluate((i) => window.ablakTest.setCameraLayerActive(i, false), watched);
    await playsAgain(citizen, clerk, `layer ${watched} stopped`);
    await expect.poll(async () => (await receivedLayers(citizen))?.spatial, { timeout: 10_000 }).not.toBe(watched);
  });
});
