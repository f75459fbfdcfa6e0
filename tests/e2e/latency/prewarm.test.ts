import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CaseTypeList, LoginResponse } from '@ablak/protocol';
import { launchBrowser, startDesk, type TestBrowser } from '@ablak/tests/harness';
import { serveCallPage, type CallPageApi, type Marks } from '@ablak/tests/call-page';
import type { RunningSignaling } from '@ablak/signaling';

declare global {
  interface Window {
    callPage: CallPageApi;
  }
}

// Issue 8: the citizen's media session is opened, and its camera published paused, while it waits, so
// that accepting only adds consumers. This proves the warm path is the one taken: no new transport on
// the citizen's side after the clerk accepts, and both sides still decode each other's video and audio.
describe('a citizen pre-warmed while waiting', () => {
  let desk: RunningSignaling;
  let page: Awaited<ReturnType<typeof serveCallPage>>;
  let clerkBrowser: TestBrowser;
  let citizenBrowser: TestBrowser;
  let clerk: Page;
  let citizen: Page;
  let caseType: string;

  beforeAll(async () => {
    page = await serveCallPage();
    desk = await startDesk({ CORS_ORIGINS: page.origin });
    [clerkBrowser, citizenBrowser] = await Promise.all([launchBrowser(), launchBrowser()]);
    clerk = await clerkBrowser.context.newPage();
    citizen = await citizenBrowser.context.newPage();
    await Promise.all([clerk.goto(`${page.origin}/`), citizen.goto(`${page.origin}/`)]);
    const login = (await (
      await fetch(`${desk.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'clerk1', password: 'ablak-demo' }),
      })
    ).json()) as LoginResponse;
    const queue = login.user.skills[0]?.queue;
    const list = (await (await fetch(`${desk.url}/api/case-types?limit=2000`)).json()) as CaseTypeList;
    caseType = list.caseTypes.find((c) => c.queue === queue)?.code ?? '';
    expect(caseType).not.toBe('');
    await clerk.evaluate(([base]) => window.callPage.clerkStart(base, 'clerk1'), [desk.url] as const);
  });

  afterAll(async () => {
    await clerkBrowser?.close();
    await citizenBrowser?.close();
    await desk?.close();
    await page?.close();
  });

  async function call(warm: boolean, warmClerk = false): Promise<Marks> {
    await citizen.evaluate(([base, code, w]) => window.callPage.citizenStart(base, code, w), [desk.url, caseType, warm] as const);
    const clerkMarks = await clerk.evaluate((w) => window.callPage.clerkNextCall(w), warmClerk);
    await citizen.waitForFunction(() => window.callPage.citizenDone(), undefined, { timeout: 30_000 });
    const citizenMarks = await citizen.evaluate(() => window.callPage.citizenMarks());
    await clerk.evaluate(() => window.callPage.clerkEndCall());
    await citizen.evaluate(() => window.callPage.citizenEnd());
    return { ...clerkMarks, ...citizenMarks };
  }

  it('creates no citizen transport after accept and both sides decode video and audio', async () => {
    const marks = await call(true);
    expect(marks['citizen.warm-ready']).toBeLessThan(marks['clerk.accept'] as number);
    expect(marks['citizen.pcs-created-after-accept']).toBe(0);
    for (const key of ['citizen.first-video-frame', 'citizen.first-audio', 'clerk.first-video-frame', 'clerk.first-audio']) {
      expect(marks[key], key).toBeGreaterThan(marks['clerk.accept'] as number);
    }
  });

  it('a cold citizen, by contrast, opens its transports only after accept', async () => {
    const marks = await call(false);
    expect(marks['citizen.warm-ready']).toBeUndefined();
    expect(marks['citizen.pcs-created-after-accept']).toBe(2);
    expect(marks['citizen.first-video-frame']).toBeGreaterThan(marks['clerk.accept'] as number);
  });

  it('a warm clerk switches its standby session into the call: no peer connection on either side after accept', async () => {
    for (let round = 0; round < 2; round++) {
      const marks = await call(true, true);
      expect(marks['citizen.pcs-created-after-accept']).toBe(0);
      expect(marks['clerk.pcs-created-after-accept']).toBe(0);
      expect(marks['clerk.switched']).toBeGreaterThan(marks['clerk.accept'] as number);
      // Prepared while the offer was on screen: every track of the call, on both sides, is a consumer
      // made before accept (accepting only resumed them).
      expect(marks['clerk.prepared']).toBeLessThanOrEqual(marks['clerk.accept'] as number);
      expect(marks['clerk.tracks-prepared'], 'clerk tracks from the preparation').toBe(2);
      expect(marks['citizen.tracks-prepared'], 'citizen tracks from the preparation').toBe(2);
      for (const key of ['citizen.first-video-frame', 'citizen.first-audio', 'clerk.first-video-frame', 'clerk.first-audio']) {
        expect(marks[key], `${key} in call ${round + 1}`).toBeGreaterThan(marks['clerk.accept'] as number);
      }
    }
  });

  // Last: a declined offer gives the clerk a reject delay.
  it('a preparation shows nothing before accept, and a declined offer leaves nothing behind on either side', async () => {
    await citizen.evaluate(([base, code]) => window.callPage.citizenStart(base, code, true), [desk.url, caseType] as const);
    const { ticketId, prepared } = await clerk.evaluate(() => window.callPage.clerkPrepareNext());
    expect(prepared, 'the clerk prepared the citizen camera and mic').toBe(2);
    await citizen.waitForFunction(() => window.callPage.citizenPreparedTracks() === 2, undefined, { timeout: 10_000 });
    expect(await citizen.evaluate(() => window.callPage.citizenTracks()), 'nothing shown to the citizen before accept').toBe(0);
    await clerk.evaluate((id) => window.callPage.clerkDecline(id), ticketId);
    await citizen.waitForFunction(() => window.callPage.citizenPreparedTracks() === 0, undefined, { timeout: 10_000 });
    expect(await clerk.evaluate(() => window.callPage.clerkPreparedTracks())).toBe(0);
    expect(await citizen.evaluate(() => window.callPage.citizenTracks())).toBe(0);
    await citizen.evaluate(() => window.callPage.citizenEnd());
  });
});
