/**
 * The clerk console and the supervisor board against the real embedded server (signaling + SFU in
 * this process, the built console at /console/), in real Chromium with fake camera and mic. One story,
 * step by step: sign-in, the waiting count, a missed offer, a call (video both ways, chat, case,
 * silent monitor), a transfer to another queue and clerk, wrap-up and back to available.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '@ablak/tests/harness';
import type { RunningSignaling } from '@ablak/signaling';
import { TestCitizen, closeMediaPageServer } from './citizen';
import {
  boardClerkState,
  boardWaiting,
  checkScreen,
  clerkState,
  openConsole,
  setClerkState,
  peerConnectionsOpened,
  standbyReady,
} from './console-page';
import { waitForDecodedVideo } from './page-tools';
import { startConsoleServer } from './server';

// The shipped 15 s: long enough for the screen checks that run while an offer stands.
const OFFER_TIMEOUT_SECONDS = 15;
// clerk1 holds szemelyi at level 1 and allampolgarsag; clerk2 holds szemelyi at level 2 only.
const CASE_TYPE = 'szemelyi.adult.first';
const TRANSFER_QUEUE = 'allampolgarsag';
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('clerk console and supervisor board', () => {
  let server: RunningSignaling;
  let browser: TestBrowser;
  let supervisor: Page;
  let clerk1: Page;
  let clerk2: Page;
  let citizen: TestCitizen;
  let caseReference = '';

  beforeAll(async () => {
    server = await startConsoleServer({ offerTimeoutSeconds: OFFER_TIMEOUT_SECONDS });
    browser = await launchBrowser({ viewport: { width: 1024, height: 768 } });
  });

  afterAll(async () => {
    await citizen?.close();
    await browser?.close();
    await closeMediaPageServer();
    await server?.close();
  });

  it('signs in in Hungarian (English on request), routes clerk and supervisor by role, and checks devices once per shift', async () => {
    const login = await browser.context.newPage();
    await login.goto(`${server.url}/console/`);
    await expect.poll(() => login.locator('h1').textContent()).toBe('Bejelentkezés');
    await checkScreen(login, 'login');
    await login.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => login.locator('h1').textContent()).toBe('Sign in');
    await login.getByRole('button', { name: 'Magyar' }).click();
    await login.getByLabel('Felhasználónév').fill('clerk1');
    await login.getByLabel('Jelszó').fill('wrong-password');
    await login.getByRole('button', { name: 'Belépés' }).click();
    await expect
      .poll(() => login.getByRole('alert').textContent())
      .toContain('Hibás felhasználónév vagy jelszó');
    await login.close();

    supervisor = await openConsole(browser, server.url, 'supervisor');
    await expect.poll(() => supervisor.locator('h1').textContent()).toBe('Csoportvezetői tábla');
    await expect
      .poll(() => supervisor.getByTestId('queue-tile').count(), { timeout: 15_000 })
      .toBeGreaterThan(10);

    clerk1 = await openConsole(browser, server.url, 'clerk1');
    await expect.poll(() => clerk1.locator('h1').textContent()).toBe('Ügyintézői pult');
    await clerk1.getByTestId('device-check').waitFor();
    await waitForDecodedVideo(clerk1, '[data-testid="device-check"]');
    await checkScreen(clerk1, 'clerk-device-check');
    await clerk1.getByRole('button', { name: 'Minden rendben, kezdhetem' }).click();
    await clerk1.getByTestId('idle-message').waitFor();

    // Once per shift: a reload keeps the session and does not ask again.
    await clerk1.reload();
    await clerk1.getByTestId('idle-message').waitFor({ timeout: 15_000 });
    expect(await clerk1.getByTestId('device-check').count()).toBe(0);
    await setClerkState(clerk1, 'Szünetel: Szünet', 'away');
    await checkScreen(clerk1, 'clerk-idle');

    clerk2 = await openConsole(browser, server.url, 'clerk2');
    await clerk2.getByRole('button', { name: 'Minden rendben, kezdhetem' }).click();
    await setClerkState(clerk2, 'Szünetel: Megbeszélés', 'away');

    await expect.poll(() => boardClerkState(supervisor, 'clerk1')).toBe('away');
    await expect.poll(() => boardClerkState(supervisor, 'clerk2')).toBe('away');
  });

  it('shows the supervisor the waiting count rise; a missed offer makes the clerk away and goes to the next clerk', async () => {
    expect(await boardWaiting(supervisor)).toBe(0);
    citizen = await TestCitizen.join(server.url, CASE_TYPE, 'Elek');
    await expect.poll(() => boardWaiting(supervisor), { timeout: 10_000 }).toBe(1);
    await checkScreen(supervisor, 'supervisor-board');

    await setClerkState(clerk1, 'Elérhető', 'available');
    const offer = clerk1.getByTestId('offer-card');
    await offer.waitFor({ timeout: 10_000 });
    expect(await clerk1.getByTestId('offer-citizen').textContent()).toBe('Elek');
    expect(await offer.textContent()).toContain('Személyazonosító igazolvány');
    await checkScreen(clerk1, 'clerk-offer');

    await setClerkState(clerk2, 'Elérhető', 'available');
    // clerk1 does not answer: the offer times out.
    await clerk1.getByTestId('missed-offer').waitFor({ timeout: (OFFER_TIMEOUT_SECONDS + 10) * 1000 });
    expect(await clerkState(clerk1)).toBe('away');
    expect(await clerk1.getByTestId('clerk-state').textContent()).toContain('Nem válaszolt');
    await checkScreen(clerk1, 'clerk-missed-offer');
    await expect.poll(() => boardClerkState(supervisor, 'clerk1')).toBe('away');

    await clerk2.getByTestId('offer-card').waitFor({ timeout: 15_000 });
    expect(await clerk2.getByTestId('offer-citizen').textContent()).toBe('Elek');
  });

  it('accepts with Enter; clerk and citizen decode each other; chat and open case reach both sides; the waiting count falls', async () => {
    // The console waits warm: accepting moves its open media session into the call (issue 8).
    await standbyReady(clerk2);
    const connectionsBefore = await peerConnectionsOpened(clerk2);
    await clerk2.keyboard.press('Enter');
    await clerk2.getByTestId('call-screen').waitFor({ timeout: 10_000 });
    const matched = await citizen.next('call:matched');
    await citizen.startMedia(browser, matched.media);

    await waitForDecodedVideo(clerk2, '[data-testid="remote-video"]', 30_000);
    await expect
      .poll(async () => Object.values(await citizen.decodedVideoFrames()).some((f) => f > 10), {
        timeout: 30_000,
      })
      .toBe(true);
    expect(await peerConnectionsOpened(clerk2)).toBe(connectionsBefore);
    await expect.poll(() => boardWaiting(supervisor), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => boardClerkState(supervisor, 'clerk2')).toBe('busy');

    const chatBox = clerk2.getByRole('textbox', { name: 'Üzenet' });
    await chatBox.fill('Jó napot, miben segíthetek?');
    await chatBox.press('Enter');
    const received = await citizen.next('chat:received', (m) => m.from === 'clerk');
    expect(received.text).toBe('Jó napot, miben segíthetek?');
    await citizen.request('chat:send', { text: 'Új személyit szeretnék.' });
    await expect
      .poll(() => clerk2.getByTestId('chat-message').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining('Új személyit szeretnék.')]));

    await clerk2.getByRole('button', { name: 'Ügy megnyitása' }).click();
    await clerk2.getByTestId('case-reference').waitFor();
    caseReference = (await clerk2.getByTestId('case-reference').textContent()) ?? '';
    expect(caseReference).toMatch(/^ABL-\d{4}-\d{6,}$/);
    expect((await citizen.next('case:opened')).caseReference).toBe(caseReference);
    await checkScreen(clerk2, 'clerk-call');

    // A document the citizen shares shows up in the call; the clerk views and downloads it.
    await citizen.shareDocument(server.url, matched.callId, 'lakcimkartya.png', PNG_1X1, 'image/png');
    const docs = clerk2.getByTestId('documents');
    await docs.getByText('lakcimkartya.png').waitFor({ timeout: 10_000 });
    await docs.getByRole('button', { name: 'Megtekintés: lakcimkartya.png' }).click();
    const viewer = clerk2.getByTestId('document-viewer');
    await viewer.getByRole('img', { name: 'lakcimkartya.png' }).waitFor();
    await expect
      .poll(() => viewer.getByRole('img').evaluate((img) => (img as HTMLImageElement).naturalWidth))
      .toBe(1);
    await checkScreen(clerk2, 'clerk-document-viewer');
    await viewer.getByRole('button', { name: 'Bezárás' }).click();
    await viewer.waitFor({ state: 'detached' });
    const [download] = await Promise.all([
      clerk2.waitForEvent('download'),
      docs.getByRole('button', { name: 'Letöltés: lakcimkartya.png' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('lakcimkartya.png');
  });

  it('lets the supervisor monitor the call silently: both videos decode there, the call still has two participants', async () => {
    await supervisor.getByTestId('call-item').first().waitFor({ timeout: 10_000 });
    await supervisor.getByTestId('call-item').first().getByRole('button').click();
    await supervisor.getByTestId('monitor-view').waitFor();
    await waitForDecodedVideo(supervisor, '[data-testid="monitor-video-citizen"]', 30_000);
    await waitForDecodedVideo(supervisor, '[data-testid="monitor-video-clerk"]', 30_000);
    // The monitor is hidden: the clerk sees one remote participant, the citizen one remote peer.
    expect(await clerk2.getByTestId('call-videos').getAttribute('data-remote-count')).toBe('1');
    expect(await citizen.mediaPeers()).toHaveLength(1);
    await checkScreen(supervisor, 'supervisor-monitor');
    await supervisor.getByRole('button', { name: 'Figyelés befejezése' }).click();
    await supervisor.getByTestId('monitor-view').waitFor({ state: 'detached' });
  });

  it('transfers to another queue with a note; the other clerk gets the offer and the call; wrap-up ends in available', async () => {
    await clerk1.getByRole('button', { name: 'Újra elérhető vagyok' }).click();
    await expect.poll(() => clerkState(clerk1)).toBe('available');

    await clerk2.getByRole('toolbar').getByRole('button', { name: 'Átirányítás' }).click();
    const dialog = clerk2.getByTestId('transfer-dialog');
    await dialog.getByRole('radio', { name: 'Másik sorba' }).check();
    await dialog.getByLabel('Sor', { exact: true }).selectOption(TRANSFER_QUEUE);
    await dialog.getByLabel('Megjegyzés a következő ügyintézőnek').fill('Állampolgársági kérdése is van.');
    await checkScreen(clerk2, 'clerk-transfer');
    await dialog.getByRole('button', { name: 'Átirányítás' }).click();

    await clerk2.getByTestId('wrapup').waitFor({ timeout: 10_000 });

    await clerk1.getByTestId('offer-card').waitFor({ timeout: 15_000 });
    expect(await clerk1.getByTestId('offer-transfer-note').textContent()).toBe(
      'Állampolgársági kérdése is van.',
    );
    await clerk1.getByRole('button', { name: 'Fogadás (Enter)' }).click();
    await clerk1.getByTestId('call-screen').waitFor({ timeout: 10_000 });
    const rematched = await citizen.next('call:matched', (m) => m.clerkName !== matched2ClerkName(citizen));
    expect(rematched.clerkName).toBe('Kovács Anna');
    await waitForDecodedVideo(clerk1, '[data-testid="remote-video"]', 30_000);
    // clerk2 is still in wrap-up (45 s in this queue) while clerk1 serves the citizen.
    await checkScreen(clerk2, 'clerk-wrapup');

    await clerk2.getByLabel('Eredmény').selectOption('referred');
    await clerk2.getByRole('button', { name: 'Kész, elérhető vagyok' }).click();
    await expect.poll(() => clerkState(clerk2)).toBe('available');

    await clerk1.getByRole('button', { name: 'Hívás befejezése' }).click();
    await clerk1.getByTestId('wrapup').waitFor({ timeout: 10_000 });
    await clerk1.getByRole('button', { name: 'Kész, elérhető vagyok' }).click();
    await expect.poll(() => clerkState(clerk1)).toBe('available');
    expect(await clerk1.getByTestId('calls-today').textContent()).toBe('1');
    await expect.poll(() => boardClerkState(supervisor, 'clerk1')).toBe('available');
    await expect.poll(() => supervisor.getByTestId('call-item').count()).toBe(0);

    // The citizen rates the call (the board shows it after the reconnect below).
    await citizen.next('call:ended');
    await citizen.request('call:rate', { rating: 5 });
  });

  it('is right again after a dropped connection; a declined offer goes back to the queue and the count falls when the citizen leaves', async () => {
    await setClerkState(clerk2, 'Szünetel: Szünet', 'away');
    let reconnects = 0;
    const count = () => reconnects++;
    server.io.of('/supervisor').on('connection', count);
    server.io.of('/clerk').on('connection', count);
    // Cut the transport under the supervisor's and clerk1's sockets (what a network drop does)…
    for (const ns of ['/supervisor', '/clerk'] as const) {
      for (const socket of server.io.of(ns).sockets.values()) socket.conn.close();
    }
    // …and change the world while they are away.
    const second = await TestCitizen.join(server.url, CASE_TYPE, 'Bori');
    try {
      await expect.poll(() => reconnects, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
      await clerk1.getByTestId('offer-card').waitFor({ timeout: 15_000 });
      expect(await clerk1.getByTestId('offer-citizen').textContent()).toBe('Bori');
      await expect.poll(() => boardClerkState(supervisor, 'clerk1'), { timeout: 10_000 }).toBe('offered');
      // The fresh board after the reconnect carries today's rating of the transferred call's queue.
      const satisfaction = supervisor.getByTestId('satisfaction-table');
      await expect
        .poll(() => satisfaction.getByRole('row', { name: /Állampolgársági ügyek/ }).textContent(), {
          timeout: 10_000,
        })
        .toContain('5 / 5');

      await clerk1.getByRole('button', { name: 'Elutasítás' }).click();
      await clerk1.getByTestId('offer-card').waitFor({ state: 'detached' });
      await expect.poll(() => boardWaiting(supervisor), { timeout: 10_000 }).toBe(1);

      await second.request('queue:leave', {});
      await expect.poll(() => boardWaiting(supervisor), { timeout: 10_000 }).toBe(0);

      // The demo supervisor oversees the Budapest region (issue 17, supervisor scope): no other region
      // is offered in the filter, and the two Budapest clerks are listed.
      const regions = (await supervisor.getByLabel('Régió').locator('option').allTextContents()).map((r) => r.trim());
      expect(regions).not.toContain('Pest');
      await expect.poll(() => supervisor.getByTestId('clerk-row').count(), { timeout: 10_000 }).toBe(2);

      // The supervisor puts clerk2 back to available from the clerks table; clerk2's console follows.
      await supervisor.getByLabel('Állapot módosítása: Nagy Péter').selectOption('available');
      await supervisor.getByRole('button', { name: 'Alkalmaz: Nagy Péter' }).click();
      await expect.poll(() => clerkState(clerk2), { timeout: 10_000 }).toBe('available');
      await expect.poll(() => boardClerkState(supervisor, 'clerk2')).toBe('available');
    } finally {
      server.io.of('/supervisor').off('connection', count);
      server.io.of('/clerk').off('connection', count);
      await second.close();
    }
  });
});

/** The clerk of the citizen's first match (the transfer brings a second `call:matched`). */
function matched2ClerkName(citizen: TestCitizen): string {
  const first = citizen.pushes.find((p) => p.event === 'call:matched')?.payload as
    { clerkName?: string } | undefined;
  return first?.clerkName ?? '';
}
