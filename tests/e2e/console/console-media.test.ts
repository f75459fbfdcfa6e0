/**
 * The clerk's media in a call, against the real embedded server in real Chromium (fake camera, mic and
 * screen): the clerk shares the screen and the citizen decodes it as a second video until it stops; a
 * reload of the console in the middle of the call brings the video back both ways; a transfer to a
 * named colleague picked from the list reaches that colleague's console with the note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '@ablak/tests/harness';
import type { RunningSignaling } from '@ablak/signaling';
import { TestCitizen, closeMediaPageServer, type RemoteVideoReport } from './citizen';
import { checkScreen, clerkState, openConsole, setClerkState } from './console-page';
import { waitForDecodedVideo } from './page-tools';
import { startConsoleServer } from './server';

// clerk1 (Kovács Anna) and clerk2 (Nagy Péter) both serve szemelyi and sit in the same office.
const CASE_TYPE = 'szemelyi.adult.first';
const CLERK1_PEER = 'clerk-clerk1';
const CLERK2_PEER = 'clerk-clerk2';

/** Video the citizen decodes from `peerId`'s `source`, leaving out consumers in `before` (older ones). */
async function citizenDecodes(
  citizen: TestCitizen,
  peerId: string,
  source: 'camera' | 'screen',
  before: readonly RemoteVideoReport[] = [],
): Promise<number> {
  const old = new Set(before.map((r) => r.consumerId));
  const videos = await citizen.remoteVideos();
  return videos
    .filter((r) => r.peerId === peerId && r.source === source && !old.has(r.consumerId))
    .reduce((max, r) => Math.max(max, r.framesDecoded), 0);
}

/** Signs in, passes the once-per-shift device check and becomes available. */
async function readyClerk(browser: TestBrowser, url: string, username: string): Promise<Page> {
  const page = await openConsole(browser, url, username);
  await page.getByRole('button', { name: 'Minden rendben, kezdhetem' }).click();
  await page.getByTestId('idle-message').waitFor();
  await setClerkState(page, 'Elérhető', 'available');
  return page;
}

describe('clerk console media in a call', () => {
  let server: RunningSignaling;
  let browser: TestBrowser;
  let clerk1: Page;
  let citizen: TestCitizen;

  beforeAll(async () => {
    server = await startConsoleServer({ offerTimeoutSeconds: 30 });
    browser = await launchBrowser({ viewport: { width: 1024, height: 768 } });
  });

  afterAll(async () => {
    await citizen?.close();
    await browser?.close();
    await closeMediaPageServer();
    await server?.close();
  });

  it('connects a citizen to clerk1 with video both ways', async () => {
    clerk1 = await readyClerk(browser, server.url, 'clerk1');
    citizen = await TestCitizen.join(server.url, CASE_TYPE, 'Elek');
    await clerk1.getByTestId('offer-card').waitFor({ timeout: 15_000 });
    await clerk1.keyboard.press('Enter');
    await clerk1.getByTestId('call-screen').waitFor({ timeout: 10_000 });
    const matched = await citizen.next('call:matched');
    await citizen.startMedia(browser, matched.media);
    await waitForDecodedVideo(clerk1, '[data-testid="remote-video"]', 30_000);
    await expect
      .poll(() => citizenDecodes(citizen, CLERK1_PEER, 'camera'), { timeout: 30_000 })
      .toBeGreaterThan(10);
  });

  it('shares the clerk’s screen: the citizen decodes it as a second video, and it goes away when sharing stops', async () => {
    const toolbar = clerk1.getByRole('toolbar');
    await toolbar.getByRole('button', { name: 'Képernyő megosztása' }).click();
    const stop = toolbar.getByRole('button', { name: 'Megosztás leállítása' });
    await stop.waitFor();
    expect(await stop.getAttribute('aria-pressed')).toBe('true');

    await expect
      .poll(() => citizenDecodes(citizen, CLERK1_PEER, 'screen'), { timeout: 30_000 })
      .toBeGreaterThan(0);
    // The camera keeps going beside the screen: two videos from the clerk.
    const fromClerk = (await citizen.remoteVideos()).filter((r) => r.peerId === CLERK1_PEER);
    expect(fromClerk.map((r) => r.source).sort()).toEqual(['camera', 'screen']);
    await checkScreen(clerk1, 'clerk-call-sharing');

    await stop.click();
    await toolbar.getByRole('button', { name: 'Képernyő megosztása' }).waitFor();
    await expect
      .poll(async () => (await citizen.remoteVideos()).filter((r) => r.source === 'screen').length, {
        timeout: 10_000,
      })
      .toBe(0);
    expect(await citizenDecodes(citizen, CLERK1_PEER, 'camera')).toBeGreaterThan(10);
  });

  it('brings the call back with video both ways when the clerk reloads the console mid-call', async () => {
    const before = await citizen.remoteVideos();
    await clerk1.reload();
    await clerk1.getByTestId('call-screen').waitFor({ timeout: 15_000 });
    expect(await clerk1.getByRole('heading', { level: 2, name: 'Hívás: Elek' }).count()).toBe(1);
    // The case type's name comes back too (the call summary only carries its code).
    await expect
      .poll(() => clerk1.getByTestId('call-screen').textContent(), { timeout: 10_000 })
      .toContain('Ügytípus: Személyazonosító igazolvány – első kiállítás');
    await expect
      .poll(() => clerk1.getByTestId('media-status').getAttribute('data-status'), { timeout: 15_000 })
      .toBe('connected');
    await waitForDecodedVideo(clerk1, '[data-testid="remote-video"]', 30_000);
    // The citizen receives the reloaded console's camera as a new track and decodes it.
    await expect
      .poll(() => citizenDecodes(citizen, CLERK1_PEER, 'camera', before), { timeout: 30_000 })
      .toBeGreaterThan(10);
    expect(await clerk1.getByTestId('call-videos').getAttribute('data-remote-count')).toBe('1');
  });

  it('transfers the call to a colleague picked from the list: the colleague gets the offer with the note, accepts, and both decode video', async () => {
    const clerk2 = await readyClerk(browser, server.url, 'clerk2');
    await clerk1.getByRole('toolbar').getByRole('button', { name: 'Átirányítás' }).click();
    const dialog = clerk1.getByTestId('transfer-dialog');
    await dialog.getByRole('radio', { name: 'Megnevezett ügyintézőhöz' }).check();
    const search = dialog.getByRole('combobox', { name: 'Ügyintéző keresése' });
    const options = dialog.getByRole('option');
    // Available first: of clerk1's office only clerk2 is at work; the others are listed but cannot be picked.
    await expect.poll(() => options.first().getAttribute('data-clerk'), { timeout: 10_000 }).toBe('clerk2');
    expect(await options.first().getAttribute('data-state')).toBe('available');
    expect(await options.count()).toBeGreaterThan(1);
    expect(await dialog.locator('[data-state="offline"]').first().getAttribute('aria-disabled')).toBe('true');
    expect(await search.getAttribute('aria-activedescendant')).toBe(await options.first().getAttribute('id'));
    await checkScreen(clerk1, 'clerk-transfer-picker');

    // A colleague who is not working cannot be picked, not even with Enter.
    await search.fill('szabo eszter');
    await expect.poll(() => options.count()).toBe(1);
    await search.press('Enter');
    expect(await dialog.getByTestId('colleague-chosen').textContent()).toBe(
      'Még nincs kiválasztott ügyintéző.',
    );
    // Escape clears the search and keeps the dialog open.
    await search.press('Escape');
    expect(await search.inputValue()).toBe('');
    expect(await dialog.isVisible()).toBe(true);

    // Accents and capitals do not matter; Enter picks the highlighted colleague.
    await search.fill('nagy peter');
    await expect.poll(() => options.count()).toBe(1);
    await search.press('Enter');
    expect(await options.first().getAttribute('aria-selected')).toBe('true');
    expect(await dialog.getByTestId('colleague-chosen').textContent()).toBe('Kiválasztva: Nagy Péter');
    await dialog.getByLabel('Megjegyzés a következő ügyintézőnek').fill('Útlevelet is szeretne.');
    await checkScreen(clerk1, 'clerk-transfer-picker-chosen');
    await dialog.getByRole('button', { name: 'Átirányítás' }).click();
    await clerk1.getByTestId('wrapup').waitFor({ timeout: 10_000 });

    await clerk2.getByTestId('offer-card').waitFor({ timeout: 15_000 });
    expect(await clerk2.getByTestId('offer-citizen').textContent()).toBe('Elek');
    expect(await clerk2.getByTestId('offer-transfer-note').textContent()).toBe('Útlevelet is szeretne.');
    await clerk2.getByRole('button', { name: 'Fogadás (Enter)' }).click();
    await clerk2.getByTestId('call-screen').waitFor({ timeout: 10_000 });
    const rematched = await citizen.next('call:matched', (m) => m.clerkName === 'Nagy Péter');
    await citizen.startMedia(browser, rematched.media);
    await waitForDecodedVideo(clerk2, '[data-testid="remote-video"]', 30_000);
    await expect
      .poll(() => citizenDecodes(citizen, CLERK2_PEER, 'camera'), { timeout: 30_000 })
      .toBeGreaterThan(10);
    await expect.poll(() => clerkState(clerk1)).toBe('wrap_up');
  });
});
