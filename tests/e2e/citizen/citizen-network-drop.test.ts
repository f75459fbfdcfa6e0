import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, launchBrowser, type TestBrowser } from '@ablak/tests/harness';
import type { CaseType } from '@ablak/protocol';
import { TestClerk } from './support/clerk';
import { shareClerkScreen, startClerkMedia } from './support/clerk-media';
import { caseTypeFor, waitForScreen, walkToWaitingRoom } from './support/flow';
import {
  checkScreen,
  describeViolations,
  framesDecoded,
  trackPeerConnections,
  waitForFramesDecoded,
} from './support/page';
import { startRelay, type NetworkCut } from './support/proxy';
import { startServer, type RunningServer } from './support/server';

describe('citizen call through a network drop', () => {
  let server: RunningServer;
  let relay: NetworkCut;
  let citizenBrowser: TestBrowser;
  let clerkBrowser: TestBrowser;
  let clerk: TestClerk;
  let caseType: CaseType;

  beforeAll(async () => {
    // the citizen reaches signaling and the SFU's /media through a relay the test can cut
    const port = await freePort();
    relay = await startRelay(port);
    server = await startServer({ SFU_PUBLIC_URL: `http://127.0.0.1:${relay.port}` }, port);
    citizenBrowser = await launchBrowser();
    clerkBrowser = await launchBrowser();
    clerk = await TestClerk.connect(server.url, 'clerk2');
    caseType = await caseTypeFor(
      server.url,
      clerk.session.user.skills.map((s) => s.queue),
    );
  });
  afterAll(async () => {
    clerk?.close();
    await citizenBrowser?.close();
    await clerkBrowser?.close();
    await relay?.close();
    await server?.close();
  });

  it("shows the clerk's shared screen, says it is reconnecting when the network drops, and recovers video and chat on its own", async () => {
    const citizenUrl = `http://127.0.0.1:${relay.port}`;
    const page = await citizenBrowser.context.newPage();
    await trackPeerConnections(page);
    await walkToWaitingRoom(page, citizenUrl, caseType, 'Gábor');

    await clerk.request('clerk:set-state', { state: 'available' });
    const offer = await clerk.next('offer:received');
    const { call, media } = await clerk.request('offer:accept', { ticketId: offer.ticketId });
    const clerkPage = await clerkBrowser.context.newPage();
    // the clerk's own media goes straight to the server: only the citizen's network is cut
    await startClerkMedia(clerkPage, server.url, { ...media, sfuUrl: server.url });
    await waitForScreen(page, 'call', 20_000);
    await waitForFramesDecoded(page, 10);

    // the clerk shares a screen: it becomes the large picture, the clerk's face moves aside
    await shareClerkScreen(clerkPage);
    await page.waitForFunction(
      () =>
        ((document.querySelector('[data-testid="remote-screen"] video') as HTMLVideoElement | null)
          ?.videoWidth ?? 0) > 0,
      undefined,
      { timeout: 20_000 },
    );
    const violations = await checkScreen(page, 'call-screen-share');
    expect(violations, describeViolations(violations)).toEqual([]);

    // the network drops for a few seconds
    relay.cut();
    await page.getByTestId('reconnecting-banner').waitFor({ timeout: 20_000 });
    const banner = await checkScreen(page, 'call-reconnecting');
    expect(banner, describeViolations(banner)).toEqual([]);
    await page.waitForTimeout(3000);
    relay.restore();

    // …and comes back without the citizen doing anything
    await page.getByTestId('reconnecting-banner').waitFor({ state: 'detached', timeout: 45_000 });
    expect(await page.locator('[data-screen]').getAttribute('data-screen')).toBe('call');
    const before = await framesDecoded(page);
    await expect.poll(() => framesDecoded(page), { timeout: 30_000 }).toBeGreaterThan(before + 10);
    await page.waitForFunction(
      () =>
        ((document.querySelector('[data-testid="remote-video"] video') as HTMLVideoElement | null)
          ?.videoWidth ?? 0) > 0,
    );

    await clerk.request('chat:send', { callId: call.callId, text: 'Visszajött a kapcsolat?' });
    await page.getByText('Visszajött a kapcsolat?').waitFor({ timeout: 15_000 });
    await page.getByLabel('Üzenet').fill('Igen, minden rendben.');
    await page.getByRole('button', { name: 'Küldés' }).click();
    expect((await clerk.next('chat:received', (m) => m.text === 'Igen, minden rendben.')).from).toBe(
      'citizen',
    );

    await clerk.request('call:end', { callId: call.callId });
    await waitForScreen(page, 'after', 15_000);
    await clerkPage.close();
    await page.close();
  });
});
