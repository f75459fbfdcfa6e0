/**
 * Issue 18, item 1 (the clerk's side): a clerk cannot become available without working media. On the
 * first sign-in of the shift "Available" waits for the device check; with a camera and microphone that
 * cannot be opened the check cannot be finished, so "Available" stays out of reach, and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '@ablak/tests/harness';
import type { RunningSignaling } from '@ablak/signaling';
import { clerkState, openConsole, setClerkState } from '../console/console-page';
import { startConsoleServer } from '../console/server';
import { checkScreenAtSizes, describeViolations } from './support/screens';

describe('console: no calls without a camera and a microphone', () => {
  let server: RunningSignaling;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('keeps "Available" out of reach until the device check is done', async () => {
    const page = await openConsole(browser, server.url, 'clerk3');
    await page.getByTestId('device-check').waitFor();
    const available = page.getByRole('radio', { name: 'Elérhető', exact: true });
    expect(await available.isDisabled()).toBe(true);
    expect(await page.getByTestId('available-blocked').textContent()).toContain('eszközellenőrzést');
    expect(await available.getAttribute('aria-describedby')).toBe('available-blocked');
    const violations = await checkScreenAtSizes(page, 'console-device-check-gate');
    expect(violations, describeViolations(violations)).toEqual([]);

    await page.getByRole('button', { name: 'Minden rendben, kezdhetem' }).click();
    expect(await available.isDisabled()).toBe(false);
    await setClerkState(page, 'Elérhető', 'available');
    await page.close();
  });

  it('cannot finish the check, nor become available, when the camera and microphone cannot be opened', async () => {
    const page = await browser.context.newPage();
    await page.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () =>
        Promise.reject(new DOMException('Could not start video source', 'NotReadableError'));
    });
    await page.goto(`${server.url}/console/`);
    await page.getByLabel('Felhasználónév').fill('clerk4');
    await page.getByLabel('Jelszó').fill('ablak-demo');
    await page.getByRole('button', { name: 'Belépés' }).click();
    await page.getByTestId('device-check').waitFor({ timeout: 15_000 });
    await page.getByText('Nem sikerült elérni a kamerát vagy a mikrofont', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'Minden rendben, kezdhetem' }).isDisabled()).toBe(true);
    expect(await page.getByRole('radio', { name: 'Elérhető', exact: true }).isDisabled()).toBe(true);
    expect(await clerkState(page)).not.toBe('available');
    await page.close();
  });
});
