import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestBrowser } from '@ablak/tests/harness';
import type { CaseType } from '@ablak/protocol';
import { walkToDevices, waitForScreen } from './support/flow';
import { checkScreen, describeViolations } from './support/page';
import { useCitizenDesk } from './support/desk';
import type { RunningServer } from './support/server';

/**
 * The browser's own answers to getUserMedia are replaced in the page (the server stays real): Chromium's
 * fake devices always work, and these tests are about what the citizen reads when they do not.
 */
type Breakage = 'denied' | 'camera-in-use' | 'no-webrtc';

async function breakMedia(page: Page, how: Breakage): Promise<void> {
  await page.addInitScript((mode: Breakage) => {
    if (mode === 'no-webrtc') {
      Object.defineProperty(window, 'RTCPeerConnection', { value: undefined, configurable: true });
      return;
    }
    const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
      if (mode === 'denied') throw new DOMException('Permission denied', 'NotAllowedError');
      if (constraints?.video) throw new DOMException('Could not start video source', 'NotReadableError');
      return real(constraints);
    };
  }, how);
}

describe('device check when the camera or the browser lets the citizen down', () => {
  const desk = useCitizenDesk();
  let server: RunningServer;
  let browser: TestBrowser;
  let caseType: CaseType;
  beforeAll(() => ({ server, browser, caseType } = desk));

  it('explains a denied permission in plain words and offers to try again', async () => {
    const page = await browser.context.newPage();
    await breakMedia(page, 'denied');
    await walkToDevices(page, server.url, caseType);
    const problem = page.getByTestId('device-problem');
    await problem.waitFor();
    expect(await problem.getByRole('heading').textContent()).toBe(
      'A böngésző nem engedi a kamerát vagy a mikrofont',
    );
    expect(await problem.textContent()).toContain('lakat');
    expect(await problem.getByRole('button', { name: 'Újra' }).isVisible()).toBe(true);
    const violations = await checkScreen(page, 'devices-denied');
    expect(violations, describeViolations(violations)).toEqual([]);
    await page.close();
  });

  it('lets the citizen go on without a camera that another program holds, and joins the queue audio-only', async () => {
    const page = await browser.context.newPage();
    await breakMedia(page, 'camera-in-use');
    await walkToDevices(page, server.url, caseType);
    const problem = page.getByTestId('device-problem');
    await problem.waitFor();
    expect(await problem.getByRole('heading').textContent()).toBe('A kamerát egy másik program használja');
    const violations = await checkScreen(page, 'devices-camera-in-use');
    expect(violations, describeViolations(violations)).toEqual([]);
    await problem.getByRole('button', { name: 'Folytatás kamera nélkül' }).click();
    await problem.waitFor({ state: 'detached' });
    expect(await page.getByText('Kamera kikapcsolva').first().isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Beállok a sorba' }).click();
    await waitForScreen(page, 'waiting');
    const stored = await page.evaluate(
      () => JSON.parse(sessionStorage.getItem('ablak.ticket') ?? '{}').draft?.camera as boolean,
    );
    expect(stored).toBe(false);
    await page.getByRole('button', { name: 'Kilépés a sorból' }).click();
    await page.getByRole('button', { name: 'Igen, kilépek' }).click();
    await waitForScreen(page, 'closed');
    await page.close();
  });

  it('tells the citizen when the browser cannot make video calls and does not let them queue for nothing', async () => {
    const page = await browser.context.newPage();
    await breakMedia(page, 'no-webrtc');
    await walkToDevices(page, server.url, caseType);
    const problem = page.getByTestId('device-problem');
    await problem.waitFor();
    expect(await problem.getByRole('heading').textContent()).toBe(
      'Ez a böngésző nem támogatja a videóhívást',
    );
    expect(await page.getByRole('button', { name: 'Beállok a sorba' }).isDisabled()).toBe(true);
    const violations = await checkScreen(page, 'devices-unsupported');
    expect(violations, describeViolations(violations)).toEqual([]);
    await page.close();
  });
});
