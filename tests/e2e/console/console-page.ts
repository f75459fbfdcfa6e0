import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestBrowser } from '@ablak/tests/harness';
import { axeScan, describeViolations, screenshot } from './page-tools';

export const PASSWORD = 'ablak-demo';

/** Opens the console in a new tab of `browser` and signs in (Hungarian UI, the default). */
export async function openConsole(browser: TestBrowser, url: string, username: string): Promise<Page> {
  const page = await browser.context.newPage();
  // Counts the page's RTCPeerConnections: a warm console opens none when it takes a call.
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const counted = window as unknown as { __peerConnections: number };
    counted.__peerConnections = 0;
    window.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        counted.__peerConnections += 1;
      }
    } as typeof RTCPeerConnection;
  });
  await page.goto(`${url}/console/`);
  await signIn(page, username);
  return page;
}

export async function signIn(page: Page, username: string): Promise<void> {
  await page.getByLabel('Felhasználónév').fill(username);
  await page.getByLabel('Jelszó').fill(PASSWORD);
  await page.getByRole('button', { name: 'Belépés' }).click();
  await page
    .getByTestId('connection')
    .and(page.locator('[data-status="connected"]'))
    .waitFor({ timeout: 15_000 });
}

/** How many RTCPeerConnections the page has opened so far. */
export function peerConnectionsOpened(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __peerConnections: number }).__peerConnections);
}

/** Waits until the console's media session waits warm (standby room joined, camera and mic published). */
export async function standbyReady(page: Page): Promise<void> {
  await page.locator('[data-testid="media-readiness"][data-standby="connected"]').waitFor({ timeout: 30_000 });
}

/** The clerk's state as the console shows it. */
export function clerkState(page: Page): Promise<string | null> {
  return page.getByTestId('clerk-state').getAttribute('data-state');
}

/** Picks a state in the switcher ("Elérhető", "Szünetel: Szünet", …) and sets it. */
export async function setClerkState(page: Page, label: string, expected: string): Promise<void> {
  await page.getByRole('radio', { name: label, exact: true }).check();
  await page.getByRole('button', { name: 'Beállítás' }).click();
  await expect.poll(() => clerkState(page)).toBe(expected);
}

/** axe (WCAG 2.1 A + AA) finds nothing, and screenshots at tablet and desktop size are saved. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  // Local iteration on the flow only; CI never sets it.
  if (process.env.ABLAK_CONSOLE_SKIP_SCREENS === '1') return;
  const original = page.viewportSize();
  for (const size of [
    { width: 1024, height: 768 },
    { width: 1920, height: 1080 },
  ]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    // An entrance animation (the offer card fades in) would leave the screenshot half drawn.
    await page.evaluate(() =>
      Promise.all(
        document
          .getAnimations()
          .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
          // a cancelled animation (its element went away) rejects; it is not on screen either
          .map((a) => a.finished.catch(() => undefined)),
      ),
    );
    const violations = await axeScan(page);
    expect(violations, `${name} at ${size.width}px:\n${describeViolations(violations)}`).toEqual([]);
    await screenshot(page, name);
  }
  if (original) await page.setViewportSize(original);
}

/** The number of a supervisor row's clerk state. */
export function boardClerkState(page: Page, clerkId: string): Promise<string | null> {
  return page
    .locator(`[data-testid="clerk-row"][data-clerk="${clerkId}"]`)
    .getAttribute('data-state', { timeout: 5_000 })
    .catch(() => null);
}

export async function boardWaiting(page: Page): Promise<number> {
  return Number(await page.getByTestId('board-totals').getAttribute('data-waiting'));
}
