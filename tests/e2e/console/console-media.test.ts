/**
 * The clerk's media in a call, against the real embedded server in real Chromium (fake camera, mic and
 * screen): the clerk shares the screen and the citizen decodes it as a second video until it stops; a
 * reload of the console in the middle of the call brings the video back both ways, the chat and the
 * documents; a transfer to a
 * named colleague picked from the list reaches that colleague's console with the note.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { LoginResponse, PROTOCOL_VERSION } from '@ablak/protocol';
import { launchBrowser, type TestBrowser } from '@ablak/tests/harness';
import type { RunningSignaling } from '@ablak/signaling';
import { TestCitizen, closeMediaPageServer, type RemoteVideoReport } from './citizen';
import { PASSWORD, checkScreen, clerkState, openConsole, setClerkState } from './console-page';
import { waitForDecodedVideo } from './page-tools';
import { startConsoleServer } from './server';

// clerk1 (Kovács Anna) and clerk2 (Nagy Péter) both serve szemelyi and sit in the same office.
const CASE_TYPE = 'szemelyi.adult.first';
const CLERK1_PEER = 'clerk-clerk1';
const CLERK2_PEER = 'clerk-clerk2';
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

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

/** A clerk at work without a console page: signed in over /clerk and available. */
async function availableColleague(url: string, username: string): Promise<Socket> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  const { token } = LoginResponse.parse(await res.json());
  const socket = io(`${url}/clerk`, {
    transports: ['websocket'],
    forceNew: true,
    auth: { token, protocolVersion: PROTOCOL_VERSION },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const answer = (await socket.timeout(10_000).emitWithAck('clerk:set-state', { state: 'available' })) as {
    ok: boolean;
  };
  if (!answer.ok) throw new Error(`${username} could not become available`);
  return socket;
}

describe('clerk console media in a call', () => {
  let server: RunningSignaling;
  let colleague: Socket | undefined;
  let browser: TestBrowser;
  let clerk1: Page;
  let citizen: TestCitizen;

  beforeAll(async () => {
    server = await startConsoleServer({ offerTimeoutSeconds: 30 });
    browser = await launchBrowser({ viewport: { width: 1024, height: 768 } });
  });

  afterAll(async () => {
    colleague?.disconnect();
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
    // A toggle keeps one name and says its state by aria-pressed (issue 18 item 10).
    const share = toolbar.getByRole('button', { name: 'Képernyő megosztása' });
    await share.click();
    await expect.poll(() => share.getAttribute('aria-pressed'), { timeout: 30_000 }).toBe('true');

    await expect
      .poll(() => citizenDecodes(citizen, CLERK1_PEER, 'screen'), { timeout: 30_000 })
      .toBeGreaterThan(0);
    // The camera keeps going beside the screen: two videos from the clerk.
    const fromClerk = (await citizen.remoteVideos()).filter((r) => r.peerId === CLERK1_PEER);
    expect(fromClerk.map((r) => r.source).sort()).toEqual(['camera', 'screen']);
    await checkScreen(clerk1, 'clerk-call-sharing');

    await share.click();
    await expect.poll(() => share.getAttribute('aria-pressed'), { timeout: 30_000 }).toBe('false');
    await expect
      .poll(async () => (await citizen.remoteVideos()).filter((r) => r.source === 'screen').length, {
        timeout: 10_000,
      })
      .toBe(0);
    expect(await citizenDecodes(citizen, CLERK1_PEER, 'camera')).toBeGreaterThan(10);
  });

  it('brings the call back with video both ways, the chat and the documents so far when the clerk reloads the console mid-call', async () => {
    const chatBox = clerk1.getByRole('textbox', { name: 'Üzenet' });
    await chatBox.fill('Kérem a személyi számát.');
    await chatBox.press('Enter');
    await citizen.next('chat:received', (m) => m.text === 'Kérem a személyi számát.');
    await citizen.request('chat:send', { text: 'Egy pillanat.' });
    await expect.poll(() => clerk1.getByTestId('chat-message').count()).toBe(2);
    const { callId } = await citizen.next('call:matched');
    await citizen.shareDocument(server.url, callId, 'lakcimkartya.png', PNG_1X1, 'image/png');
    await expect.poll(() => clerk1.getByTestId('documents').textContent()).toContain('lakcimkartya.png');
    const before = await citizen.remoteVideos();
    await clerk1.reload();
    await clerk1.getByTestId('call-screen').waitFor({ timeout: 15_000 });
    await expect
      .poll(() => clerk1.getByTestId('chat-message').allTextContents(), { timeout: 10_000 })
      .toEqual([expect.stringContaining('Kérem a személyi számát.'), expect.stringContaining('Egy pillanat.')]);
    await expect
      .poll(() => clerk1.getByTestId('documents').textContent(), { timeout: 10_000 })
      .toContain('lakcimkartya.png');
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
    // Szabó Eszter (clerk3, same office) is at work too, from a console this test does not need to see.
    colleague = await availableColleague(server.url, 'clerk3');
    await clerk1.getByRole('toolbar').getByRole('button', { name: 'Átirányítás' }).click();
    const dialog = clerk1.getByTestId('transfer-dialog');
    await dialog.getByRole('radio', { name: 'Megnevezett ügyintézőhöz' }).check();
    const search = dialog.getByRole('combobox', { name: 'Ügyintéző keresése' });
    const options = dialog.getByRole('option');
    const chosen = dialog.getByTestId('colleague-chosen');
    // Available first (same office, then by name); the others are listed but cannot be picked.
    await expect
      .poll(async () => (await options.evaluateAll((els) => els.map((e) => e.dataset.clerk))).slice(0, 2), {
        timeout: 10_000,
      })
      .toEqual(['clerk2', 'clerk3']);
    expect(await options.count()).toBeGreaterThan(2);
    expect(await options.nth(2).getAttribute('data-state')).toBe('offline');
    expect(await options.nth(2).getAttribute('aria-disabled')).toBe('true');
    expect(await search.getAttribute('aria-activedescendant')).toBe(await options.first().getAttribute('id'));
    await checkScreen(clerk1, 'clerk-transfer-picker');

    // Keyboard: the arrow moves the highlight (the focus stays in the search box), Enter picks.
    await search.press('ArrowDown');
    expect(await search.getAttribute('aria-activedescendant')).toBe(await options.nth(1).getAttribute('id'));
    await search.press('Enter');
    expect(await chosen.textContent()).toBe('Kiválasztva: Szabó Eszter');
    // A tap picks a row too.
    await dialog.getByRole('option', { name: /^Nagy Péter,/ }).click();
    expect(await chosen.textContent()).toBe('Kiválasztva: Nagy Péter');

    // A colleague who is not working cannot be picked, neither by a tap nor with Enter.
    const offline = (await options.nth(2).getAttribute('aria-label'))?.split(',')[0] ?? '';
    await search.fill(offline);
    await expect.poll(() => options.count()).toBe(1);
    // Playwright would wait for an aria-disabled row to become enabled; a finger does not.
    await options.first().click({ force: true });
    await search.press('Enter');
    expect(await chosen.textContent()).toBe('Kiválasztva: Nagy Péter');
    // Escape clears the search and keeps the dialog open.
    await search.press('Escape');
    expect(await search.inputValue()).toBe('');
    expect(await dialog.isVisible()).toBe(true);

    // Accents and capitals do not matter in the search; the choice stays marked.
    await search.fill('nagy peter');
    await expect.poll(() => options.count()).toBe(1);
    expect(await options.first().getAttribute('aria-selected')).toBe('true');
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
