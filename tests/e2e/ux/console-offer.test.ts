/**
 * Issue 18, item 6: the console's messages around an offer, as a clerk lives them. The countdown bar
 * starts full; the state switcher cannot be used while an offer stands; a decline says "you declined"
 * (not "the citizen left"); after a decline or a missed offer the focus is on the notice that replaced
 * the offer card, not on the page body; "Done, taking a break" records a break.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '@ablak/tests/harness';
import type { RunningSignaling } from '@ablak/signaling';
import { TestCitizen, closeMediaPageServer } from '../console/citizen';
import { clerkState, openConsole, setClerkState } from '../console/console-page';
import { startConsoleServer } from '../console/server';
import { checkScreenAtSizes, describeViolations, type AxeViolation } from './support/screens';

const OFFER_TIMEOUT_SECONDS = 10;
const CASE_TYPE = 'szemelyi.adult.first';

/** Where the keyboard focus is: the data-testid of the nearest marked element, or the tag. */
function focusIsIn(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    return el.closest('[data-testid]')?.getAttribute('data-testid') ?? el.tagName.toLowerCase();
  });
}

async function countdownFill(page: Page): Promise<number> {
  return page
    .getByTestId('offer-card')
    .locator('progress')
    .evaluate((p) => (p as HTMLProgressElement).value / (p as HTMLProgressElement).max);
}

describe('console: an offer declined, an offer missed, a break after the call', () => {
  let server: RunningSignaling;
  let browser: TestBrowser;
  let clerk: Page;
  let citizen: TestCitizen | undefined;
  const violations: AxeViolation[] = [];

  beforeAll(async () => {
    server = await startConsoleServer({ offerTimeoutSeconds: OFFER_TIMEOUT_SECONDS, wrapUpSeconds: 120 });
    browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await citizen?.close();
    await browser?.close();
    await closeMediaPageServer();
    await server?.close();
  });

  it('starts the countdown bar full for a citizen who waited, and locks the state switcher while the offer stands', async () => {
    clerk = await openConsole(browser, server.url, 'clerk1');
    await clerk.getByRole('button', { name: 'Minden rendben, kezdhetem' }).click();
    await setClerkState(clerk, 'Szünetel: Szünet', 'away');
    citizen = await TestCitizen.join(server.url, CASE_TYPE, 'Elek');
    // The citizen waits a while before a clerk is free: the offer's countdown is not that wait.
    await new Promise((r) => setTimeout(r, 8_000));
    await setClerkState(clerk, 'Elérhető', 'available');
    await clerk.getByTestId('offer-card').waitFor({ timeout: 10_000 });
    expect(await countdownFill(clerk)).toBeGreaterThanOrEqual(0.8);

    for (const name of ['Elérhető', 'Szünetel: Szünet', 'Nem dolgozik'])
      expect(await clerk.getByRole('radio', { name, exact: true }).isDisabled(), name).toBe(true);
    expect(await clerk.getByRole('button', { name: 'Beállítás' }).isDisabled()).toBe(true);
    violations.push(...(await checkScreenAtSizes(clerk, 'console-offer')));
  });

  it('says "you declined" after a decline and puts the focus on that notice', async () => {
    await clerk.getByRole('button', { name: 'Elutasítás' }).focus();
    await clerk.keyboard.press('Enter');
    await clerk.getByTestId('offer-card').waitFor({ state: 'detached' });
    const notice = clerk.getByTestId('offer-withdrawn');
    await notice.waitFor();
    expect(await notice.textContent()).toBe('Elutasította a hívást; visszakerül a sorba.');
    await expect.poll(() => focusIsIn(clerk)).toBe('offer-withdrawn');
    violations.push(...(await checkScreenAtSizes(clerk, 'console-offer-declined')));
  });

  it('puts the focus on the missed-offer notice when an offer runs out', async () => {
    // After the decline delay the same ticket comes back to this clerk, who lets it run out.
    await clerk.getByTestId('offer-card').waitFor({ timeout: 30_000 });
    await clerk.getByTestId('missed-offer').waitFor({ timeout: (OFFER_TIMEOUT_SECONDS + 10) * 1000 });
    expect(await clerkState(clerk)).toBe('away');
    await expect.poll(() => focusIsIn(clerk)).toBe('missed-offer');
    violations.push(...(await checkScreenAtSizes(clerk, 'console-offer-missed')));
  });

  it('records "Done, taking a break" as a break', async () => {
    await clerk.getByRole('button', { name: 'Újra elérhető vagyok' }).click();
    await clerk.getByTestId('offer-card').waitFor({ timeout: 15_000 });
    await clerk.getByRole('button', { name: 'Fogadás (Enter)' }).click();
    await clerk.getByTestId('call-screen').waitFor({ timeout: 15_000 });
    // item 4: the call screen says what the citizen asked for, as the offer did
    expect(await clerk.getByTestId('call-needs').textContent()).toBe(
      'Nyelv: magyar · Akadálymentesítési igény: Nincs',
    );
    await clerk.getByRole('button', { name: 'Hívás befejezése' }).click();
    await clerk.getByTestId('wrapup').waitFor({ timeout: 10_000 });
    await clerk.getByRole('button', { name: 'Kész, szünetet tartok' }).click();
    await expect.poll(() => clerkState(clerk)).toBe('away');
    expect(await clerk.getByTestId('clerk-state').textContent()).toBe('Szünetel – Szünet');
  });

  it('passes axe with no sideways scroll at 360x740, 800x1280 and 1280x800 on these screens', () => {
    expect(violations, describeViolations(violations)).toEqual([]);
  });
});
