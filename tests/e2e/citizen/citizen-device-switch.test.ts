import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '@ablak/tests/harness';
import type { CaseType } from '@ablak/protocol';
import { TestClerk } from './support/clerk';
import { startClerkMedia } from './support/clerk-media';
import { caseTypeFor, walkToDevices, waitForScreen } from './support/flow';
import { checkScreen, describeViolations, framesDecoded, trackPeerConnections } from './support/page';
import { startServer, type RunningServer } from './support/server';

/**
 * Debian's Chromium then offers three fake cameras beside its fake mics. fake_device_1 delivers Y16 (a
 * depth format no video encoder takes: the clerk would get no frames), fake_device_0 (I420) and
 * fake_device_2 (MJPEG) are ordinary cameras, so the test switches between those two.
 */
const CAMERAS = '--use-fake-device-for-media-stream=device-count=3';

/** The label of the camera track a self view shows (null when it shows none). */
function selfViewCamera(page: Page, selector: string): Promise<string | null> {
  return page.evaluate((sel) => {
    const video = document.querySelector<HTMLVideoElement>(sel);
    const stream = video?.srcObject as MediaStream | null | undefined;
    return stream?.getVideoTracks()[0]?.label ?? null;
  }, selector);
}

/** Labels of the live tracks the page is sending to the SFU right now, by kind. */
function sentTracks(page: Page): Promise<{ audio: string[]; video: string[] }> {
  return page.evaluate(() => {
    const out = { audio: [] as string[], video: [] as string[] };
    for (const pc of (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? []) {
      if (pc.connectionState === 'closed') continue;
      for (const sender of pc.getSenders()) {
        const track = sender.track;
        if (track && track.readyState === 'live') out[track.kind as 'audio' | 'video'].push(track.label);
      }
    }
    return out;
  });
}

/** What the citizen's video encoder has put out per simulcast layer (for a failure message). */
function encoderStats(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const out: string[] = [];
    for (const pc of (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((r: { type?: string; kind?: string; rid?: string; framesEncoded?: number; qualityLimitationReason?: string }) => {
        if (r.type === 'outbound-rtp' && r.kind === 'video') out.push(`${r.rid ?? '-'}: ${r.framesEncoded ?? 0} frames (${r.qualityLimitationReason ?? ''})`);
      });
    }
    return out.join(', ');
  });
}

/** Waits until the clerk's page has decoded `more` video frames beyond what it had decoded so far. */
async function clerkKeepsDecoding(clerkPage: Page, citizenPage: Page, more: number): Promise<void> {
  const before = await framesDecoded(clerkPage);
  try {
    await expect.poll(() => framesDecoded(clerkPage), { timeout: 30_000, interval: 500 }).toBeGreaterThanOrEqual(before + more);
  } catch (error) {
    throw new Error(`clerk decoded ${await framesDecoded(clerkPage)} frames, wanted ${before + more}; citizen encoder ${await encoderStats(citizenPage)}`, { cause: error });
  }
}

describe('citizen switches camera and microphone, in the device check and in the call', () => {
  let server: RunningServer;
  let citizenBrowser: TestBrowser;
  let clerkBrowser: TestBrowser;
  let clerk: TestClerk;
  let caseType: CaseType;

  beforeAll(async () => {
    server = await startServer();
    citizenBrowser = await launchBrowser({ extraArgs: [CAMERAS] });
    clerkBrowser = await launchBrowser();
    clerk = await TestClerk.connect(server.url, 'clerk1');
    caseType = await caseTypeFor(
      server.url,
      clerk.session.user.skills.map((s) => s.queue),
    );
  });
  afterAll(async () => {
    clerk?.close();
    await citizenBrowser?.close();
    await clerkBrowser?.close();
    await server?.close();
  });

  it('shows the chosen camera in the self view, sends the chosen devices, and the clerk keeps seeing video', async () => {
    const page = await citizenBrowser.context.newPage();
    await trackPeerConnections(page);
    await walkToDevices(page, server.url, caseType, 'Kata');

    // device check: the preview follows the camera picker; the mic picker keeps its choice
    const preview = '[data-screen="devices"] video';
    await expect.poll(() => selfViewCamera(page, preview)).toBe('fake_device_0');
    const cameraPicker = page.getByLabel('Kamera', { exact: true });
    expect(await cameraPicker.locator('option').allTextContents()).toEqual(['fake_device_0', 'fake_device_1', 'fake_device_2']);
    await cameraPicker.selectOption({ label: 'fake_device_2' });
    await expect.poll(() => selfViewCamera(page, preview)).toBe('fake_device_2');
    const micPicker = page.getByLabel('Mikrofon', { exact: true });
    await micPicker.selectOption({ label: 'Fake Audio Input 2' });
    expect(await micPicker.locator('option:checked').textContent()).toBe('Fake Audio Input 2');
    await expect.poll(() => selfViewCamera(page, preview)).toBe('fake_device_2');
    const violations = await checkScreen(page, 'devices-second-camera');
    expect(violations, describeViolations(violations)).toEqual([]);

    // the choices of the check are what the waiting room pre-publishes
    await page.getByRole('button', { name: 'Beállok a sorba' }).click();
    await waitForScreen(page, 'waiting');
    await expect.poll(() => sentTracks(page), { timeout: 20_000 }).toEqual({ audio: ['Fake Audio Input 2'], video: ['fake_device_2'] });

    // the clerk answers and sees the citizen
    await clerk.request('clerk:set-state', { state: 'available' });
    const offer = await clerk.next('offer:received');
    const { media } = await clerk.request('offer:accept', { ticketId: offer.ticketId });
    await waitForScreen(page, 'call', 20_000);
    const clerkPage = await clerkBrowser.context.newPage();
    await trackPeerConnections(clerkPage);
    await startClerkMedia(clerkPage, server.url, media);
    await clerkKeepsDecoding(clerkPage, page, 10);

    // in the call: back to the first camera and the first named mic, from the devices panel
    const selfView = '.call-self video';
    expect(await selfViewCamera(page, selfView)).toBe('fake_device_2');
    await page.getByRole('button', { name: 'Eszközök' }).click();
    const panel = page.locator('.call-devices');
    await panel.getByLabel('Kamera', { exact: true }).selectOption({ label: 'fake_device_0' });
    await expect.poll(() => selfViewCamera(page, selfView)).toBe('fake_device_0');
    await panel.getByLabel('Mikrofon', { exact: true }).selectOption({ label: 'Fake Audio Input 1' });
    await expect.poll(() => sentTracks(page)).toEqual({ audio: ['Fake Audio Input 1'], video: ['fake_device_0'] });
    // the switch replaced tracks in place: the clerk's decoder never stalls for long
    await clerkKeepsDecoding(clerkPage, page, 20);
    const inCall = await checkScreen(page, 'call-devices-switched');
    expect(inCall, describeViolations(inCall)).toEqual([]);

    await clerkPage.close();
    await page.close();
  });
});
