import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startCoturn, type CoturnServer } from '@ablak/infra';
import { launchBrowser, type TestBrowser } from '@ablak/tests/harness';
import type { CaseType } from '@ablak/protocol';
import { login } from './support/clerk';
import { caseTypeFor, walkToDevices, waitForScreen } from './support/flow';
import { checkScreen, describeViolations, trackPeerConnections } from './support/page';
import { useCitizenDesk } from './support/desk';
import { startServer, type RunningServer } from './support/server';

/** The device check's connection lines and verdict once the probe has finished. */
async function networkCheckOf(page: Page): Promise<{ results: Record<string, string>; verdict: string; text: string }> {
  const verdict = page.getByTestId('network-verdict');
  await expect.poll(() => verdict.getAttribute('data-verdict'), { timeout: 30_000 }).not.toBe('pending');
  const results = await page
    .getByTestId('network-checks')
    .locator('li')
    .evaluateAll((items) => Object.fromEntries(items.map((li) => [li.getAttribute('data-check'), li.getAttribute('data-result')])));
  return { results, verdict: (await verdict.getAttribute('data-verdict')) ?? '', text: (await verdict.textContent()) ?? '' };
}

/**
 * A firewall that drops the citizen's direct traffic to the SFU over `protocols`: every such candidate
 * the page is given points at a documentation address (TEST-NET-1) that nothing answers from. A
 * relay-only connection is left alone: its packets go to the TURN server, which reaches the SFU itself.
 */
async function blockDirect(page: Page, protocols: ('udp' | 'tcp')[]): Promise<void> {
  await page.addInitScript((blocked: string[]) => {
    type SetRemote = (this: RTCPeerConnection, description?: RTCSessionDescriptionInit) => Promise<void>;
    const native = RTCPeerConnection.prototype.setRemoteDescription as SetRemote;
    const pattern = new RegExp(`^(a=candidate:\\S+ \\d+ (?:${blocked.join('|')}) \\d+ )\\S+`, 'gim');
    const dropping: SetRemote = function (description) {
      if (this.getConfiguration().iceTransportPolicy === 'relay') return native.call(this, description);
      const sdp = description?.sdp?.replace(pattern, (_m, head: string) => `${head}192.0.2.1`);
      return native.call(this, description && sdp !== undefined ? { type: description.type, sdp } : description);
    };
    RTCPeerConnection.prototype.setRemoteDescription = dropping as typeof RTCPeerConnection.prototype.setRemoteDescription;
  }, protocols);
}

/** Every peer connection the page opened for the probe is closed again. */
async function openPeerConnections(page: Page): Promise<number> {
  return page.evaluate(() => ((window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? []).filter((pc) => pc.connectionState !== 'closed').length);
}

describe('device check: can the browser reach the video server (UDP, then TCP, then TURN)', () => {
  const desk = useCitizenDesk();
  let server: RunningServer;
  let browser: TestBrowser;
  let caseType: CaseType;
  beforeAll(() => ({ server, browser, caseType } = desk));

  it('tells the citizen the connection works when video reaches the SFU directly over UDP', async () => {
    const page = await browser.context.newPage();
    await trackPeerConnections(page);
    await walkToDevices(page, server.url, caseType);
    const check = await networkCheckOf(page);
    expect(check.results).toEqual({ server: 'ok', udp: 'ok', tcp: 'ok', turn: 'skipped' });
    expect(check.verdict).toBe('ok');
    expect(check.text).toContain('A kapcsolata működik');
    expect(await page.getByRole('status').filter({ hasText: 'A kapcsolata működik' }).count()).toBe(1);
    await expect.poll(() => openPeerConnections(page)).toBe(0);
    const violations = await checkScreen(page, 'devices-network-ok');
    expect(violations, describeViolations(violations)).toEqual([]);

    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.getByTestId('network-verdict').textContent()).toContain('Your connection works');
    await page.getByRole('button', { name: 'Magyar' }).click(); // the choice is remembered by the browser
    await page.close();
  });

  it('says when the video server cannot be reached, without claiming the routes are blocked, and lets the citizen queue', async () => {
    const page = await browser.context.newPage();
    await page.route('**/api/network-probe', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ ok: false, error: { code: 'NO_SFU_AVAILABLE', message: 'No media server is available right now' } }),
      }),
    );
    await walkToDevices(page, server.url, caseType);
    const check = await networkCheckOf(page);
    expect(check.results).toEqual({ server: 'ok', udp: 'unknown', tcp: 'unknown', turn: 'unknown' });
    expect(check.verdict).toBe('unreachable');
    expect(check.text).toContain('Nem értük el a videószervert');
    expect(await page.getByTestId('network-checks').textContent()).toContain('nem ellenőrizhető');
    expect(await page.getByRole('button', { name: 'Beállok a sorba' }).isEnabled()).toBe(true);
    const violations = await checkScreen(page, 'devices-network-unreachable');
    expect(violations, describeViolations(violations)).toEqual([]);
    await page.close();
  });

  it('falls back to TCP when the network lets no UDP through, says so in plain words, and still lets the citizen queue', async () => {
    const page = await browser.context.newPage();
    await trackPeerConnections(page);
    await blockDirect(page, ['udp']);
    await walkToDevices(page, server.url, caseType);
    const check = await networkCheckOf(page);
    expect(check.results).toEqual({ server: 'ok', udp: 'failed', tcp: 'ok', turn: 'skipped' });
    expect(check.verdict).toBe('tcp-only');
    expect(check.text).toContain('tartalék útvonalon');
    expect(check.text).toContain('mobilnetet');
    await expect.poll(() => openPeerConnections(page)).toBe(0);
    const violations = await checkScreen(page, 'devices-network-tcp');
    expect(violations, describeViolations(violations)).toEqual([]);

    // checking again runs the probe again and lands on the same answer; queueing is never blocked
    // (every verdict the page shows is recorded: the re-run may be over before a poll could see it)
    await page.getByTestId('network-verdict').evaluate((el) => {
      const seen: (string | null)[] = [];
      (window as unknown as { verdictsSeen: (string | null)[] }).verdictsSeen = seen;
      new MutationObserver(() => seen.push(el.getAttribute('data-verdict'))).observe(el, {
        attributes: true,
        attributeFilter: ['data-verdict'],
      });
    });
    await page.getByRole('button', { name: 'Kapcsolat újraellenőrzése' }).click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { verdictsSeen: (string | null)[] }).verdictsSeen), {
        timeout: 30_000,
      })
      .toEqual(['pending', 'tcp-only']);
    expect((await networkCheckOf(page)).verdict).toBe('tcp-only');
    await page.getByRole('button', { name: 'Beállok a sorba' }).click();
    await waitForScreen(page, 'waiting');
    await expect.poll(() => page.getByTestId('media-status').getAttribute('data-connection'), { timeout: 20_000 }).toBe('connected');
    await page.getByRole('button', { name: 'Kilépés a sorból' }).click();
    await page.getByRole('button', { name: 'Igen, kilépek' }).click();
    await waitForScreen(page, 'closed');
    await page.close();
  });
});

describe('device check behind a firewall that lets only the TURN server through', () => {
  let turn: CoturnServer;
  let server: RunningServer;
  let browser: TestBrowser;
  let caseType: CaseType;
  beforeAll(async () => {
    turn = await startCoturn();
    server = await startServer({ TURN_URLS: turn.urls.join(','), TURN_SECRET: turn.secret });
    browser = await launchBrowser();
    caseType = await caseTypeFor(server.url, (await login(server.url, 'clerk1')).user.skills.map((s) => s.queue));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await turn?.stop();
  });

  it('finds the relay route and tells the citizen video will go through it', async () => {
    const page = await browser.context.newPage();
    await trackPeerConnections(page);
    await blockDirect(page, ['udp', 'tcp']);
    await walkToDevices(page, server.url, caseType);
    const check = await networkCheckOf(page);
    expect(check.results).toEqual({ server: 'ok', udp: 'failed', tcp: 'failed', turn: 'ok' });
    expect(check.verdict).toBe('relay-only');
    expect(check.text).toContain('közvetítő szerveren át működik');
    await expect.poll(() => openPeerConnections(page)).toBe(0);
    const violations = await checkScreen(page, 'devices-network-relay');
    expect(violations, describeViolations(violations)).toEqual([]);
    await page.close();
  });
});
