import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '@ablak/tests/harness';
import type { CaseType, SharedDocument } from '@ablak/protocol';
import { TestClerk } from './support/clerk';
import { startClerkMedia } from './support/clerk-media';
import { caseTypeFor, unaccented, waitForScreen, waitForSearchSettled } from './support/flow';
import {
  checkScreen,
  describeViolations,
  trackPeerConnections,
  waitForFramesDecoded,
  type AxeViolation,
} from './support/page';
import { startServer, type RunningServer } from './support/server';
import { queueStatsAsSupervisor } from './support/supervisor';

// A 1×1 PNG: the smallest real image the server's content sniffing accepts.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('citizen web app: the whole way to a clerk and back, against the real embedded server', () => {
  let server: RunningServer;
  let citizenBrowser: TestBrowser;
  let clerkBrowser: TestBrowser;
  let clerk: TestClerk;
  let caseType: CaseType;
  const violations: AxeViolation[] = [];

  beforeAll(async () => {
    server = await startServer();
    citizenBrowser = await launchBrowser();
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

  it('searches, checks devices, waits, talks to the clerk with video, chat and a document, and rates the call', async () => {
    const page = await citizenBrowser.context.newPage();
    await trackPeerConnections(page);
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    const check = async (name: string) => violations.push(...(await checkScreen(page, name)));

    // start: Hungarian first, English one click away
    await page.goto(server.url);
    await waitForScreen(page, 'start');
    expect(await page.locator('html').getAttribute('lang')).toBe('hu');
    await check('start');
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sort out your matter by video call');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await check('start-en');
    await page.getByRole('button', { name: 'Magyar' }).click();
    await page.getByRole('button', { name: 'Videóhívás indítása' }).click();

    // matter: accent-free type-ahead finds the accented name
    await waitForScreen(page, 'matter');
    await page
      .getByRole('button', { name: /\(\d+\)/ })
      .first()
      .waitFor();
    await check('matter');
    // browsing by topic lists that topic's matters
    const topic = page.getByRole('button', { name: new RegExp(`^${caseType.categoryName.hu} \\(`) });
    await topic.click();
    expect(await topic.getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: caseType.name.hu }).first().waitFor();
    await check('matter-topic');
    await page.getByLabel('Ügy keresése').fill(unaccented(caseType.name.hu));
    await waitForSearchSettled(page);
    const result = page.getByRole('button', { name: caseType.name.hu }).first();
    await result.waitFor();
    await check('matter-search');
    await result.click();

    // name and accessibility need
    await waitForScreen(page, 'details');
    await page.getByRole('button', { name: 'Tovább' }).click();
    expect(await page.getByText('Adja meg, hogyan szólíthatjuk').isVisible()).toBe(true);
    await page.getByLabel('Név, amelyen szólíthatjuk').fill('Anna');
    await check('details');
    await page.getByRole('button', { name: 'Tovább' }).click();

    // device check: live preview, a moving mic meter, the network check finds the direct route
    await waitForScreen(page, 'devices');
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-screen="devices"] video') as HTMLVideoElement | null)?.videoWidth ??
        0 > 0,
    );
    await expect
      .poll(() => page.getByTestId('network-verdict').getAttribute('data-verdict'), { timeout: 20_000 })
      .toBe('ok');
    await check('devices');
    await page.getByRole('button', { name: 'Beállok a sorba' }).click();

    // waiting room: place, estimate, media pre-warmed (joined, camera published paused)
    await waitForScreen(page, 'waiting');
    await expect.poll(() => page.getByTestId('queue-position').textContent(), { timeout: 15_000 }).toBe('1');
    await expect
      .poll(() => page.getByTestId('media-status').getAttribute('data-connection'), { timeout: 20_000 })
      .toBe('connected');
    expect(await page.getByTestId('waiting-announcement').textContent()).toContain('Ön a(z) 1. a sorban');
    await check('waiting');

    // the clerk becomes available, is offered the ticket and accepts
    await clerk.request('clerk:set-state', { state: 'available' });
    const offer = await clerk.next('offer:received');
    expect(offer.citizenFirstName).toBe('Anna');
    const { call, media } = await clerk.request('offer:accept', { ticketId: offer.ticketId });
    // call: a visible and audible cue, then the clerk's video decodes on the citizen's page
    await waitForScreen(page, 'call', 20_000);
    expect(await page.getByTestId('matched-cue').textContent()).toContain(call.clerkName);
    expect(await page.locator('h1').textContent()).toContain(call.clerkName);
    const clerkPage = await clerkBrowser.context.newPage();
    await startClerkMedia(clerkPage, server.url, media);
    const frames = await waitForFramesDecoded(page, 10, 30_000);
    expect(frames).toBeGreaterThanOrEqual(10);
    await page.waitForFunction(
      () =>
        ((document.querySelector('[data-testid="remote-video"] video') as HTMLVideoElement | null)
          ?.videoWidth ?? 0) > 0,
    );

    // mute and camera: the buttons say their state, and the local tracks follow
    const mic = page.getByTestId('toggle-mic');
    await mic.click();
    expect(await mic.getAttribute('aria-pressed')).toBe('true');
    expect(await mic.textContent()).toBe('Mikrofon némítása');
    const camera = page.getByTestId('toggle-camera');
    await camera.click();
    expect(await camera.getAttribute('aria-pressed')).toBe('true');
    await page.getByText('Kamera kikapcsolva').first().waitFor();
    await mic.click();
    await camera.click();
    expect(await mic.getAttribute('aria-pressed')).toBe('false');
    expect(await camera.textContent()).toBe('Kamera kikapcsolása');

    // chat both ways
    await page.getByLabel('Üzenet').fill('Jó napot, a személyimről lenne szó.');
    await page.getByRole('button', { name: 'Küldés' }).click();
    const fromCitizen = await clerk.next('chat:received', (m) => m.from === 'citizen');
    expect(fromCitizen.text).toBe('Jó napot, a személyimről lenne szó.');
    await clerk.request('chat:send', { callId: call.callId, text: 'Üdvözlöm, miben segíthetek?' });
    await page.getByText('Üdvözlöm, miben segíthetek?').waitFor();

    // a photo of a document reaches the clerk
    await page
      .getByTestId('document-input')
      .setInputFiles({ name: 'igazolvany.png', mimeType: 'image/png', buffer: PNG });
    const shared: SharedDocument = await clerk.next('document:shared');
    expect(shared).toMatchObject({ name: 'igazolvany.png', mimeType: 'image/png', uploadedBy: 'citizen' });
    await expect.poll(() => page.getByTestId('document-status').getAttribute('data-state')).toBe('done');

    // a reload in the middle of the call: back in the call, with the chat, the shared document and the clerk's video
    await page.reload();
    await waitForScreen(page, 'call', 20_000);
    await page.getByText('Jó napot, a személyimről lenne szó.').waitFor({ timeout: 10_000 });
    await page.getByText('Üdvözlöm, miben segíthetek?').waitFor();
    await page.getByTestId('shared-document').filter({ hasText: 'igazolvany.png' }).waitFor({ timeout: 10_000 });
    expect(await waitForFramesDecoded(page, 10, 30_000)).toBeGreaterThanOrEqual(10);

    await check('call');

    // the clerk opens a case and ends the call; the citizen sees the reference
    const { caseReference } = await clerk.request('case:open', { callId: call.callId });
    await clerk.request('call:end', { callId: call.callId });
    await waitForScreen(page, 'after', 15_000);
    expect(await page.getByTestId('case-reference').textContent()).toBe(caseReference);
    await check('after');

    // rating: required, then stored (the supervisor board's average shows it)
    await page.getByRole('button', { name: 'Értékelés küldése' }).click();
    await page.getByText('Válasszon egy értékelést').waitFor();
    await page.getByText('Elégedett', { exact: true }).click();
    await page.getByLabel('Megjegyzés (nem kötelező)').fill('Gyors és kedves volt.');
    await page.getByRole('button', { name: 'Értékelés küldése' }).click();
    await page
      .locator('[data-testid="rating-thanks"], [data-screen="after"] [role="alert"]')
      .first()
      .waitFor();
    expect(
      await page.locator('[data-screen="after"] [role="alert"]').allTextContents(),
      consoleLines.join('\n'),
    ).toEqual([]);
    await check('after-rated');
    await expect
      .poll(async () => (await queueStatsAsSupervisor(server.url, caseType.queue))?.averageRatingToday, {
        timeout: 10_000,
      })
      .toBe(4);

    await clerkPage.close();
    await page.close();
    expect(violations, describeViolations(violations)).toEqual([]);
  });
});
