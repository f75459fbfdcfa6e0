/**
 * Issue 18, item 10: focus and announcements. Mute and camera keep one label and say their state with
 * aria-pressed; "… answered your call. Connecting." is not left in the live region on the after-call
 * screen; a rating error goes once a rating is chosen; sending the rating leaves the focus on the thanks,
 * not on the page body; the supervisor board has one landmark named "Ügyintézők".
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureAppBuilt } from '../../harness/apps';
import { TestClerk } from '../citizen/support/clerk';
import { useCitizenDesk } from '../citizen/support/desk';
import { waitForScreen, walkToWaitingRoom } from '../citizen/support/flow';
import { signIn } from '../console/console-page';
import { axeScan } from '../citizen/support/page';
import { checkScreenAtSizes, describeViolations, type AxeViolation } from './support/screens';

function focusedTestId(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'body';
    return el.getAttribute('data-testid') ?? el.tagName.toLowerCase();
  });
}

describe('focus and announcements around the call', () => {
  // the board is the console's: built before the server starts serving it
  beforeAll(() => ensureAppBuilt('clerk-console'));
  const desk = useCitizenDesk();

  it('keeps the toggles’ labels, clears the call announcement after it, clears the rating error and focuses the thanks', async () => {
    const violations: AxeViolation[] = [];
    const page = await desk.browser.context.newPage();
    await walkToWaitingRoom(page, desk.server.url, desk.caseType, 'Gizella');
    const clerk = await TestClerk.connect(desk.server.url, 'clerk1');
    try {
      await clerk.request('clerk:set-state', { state: 'available' });
      const offer = await clerk.next('offer:received');
      const { call } = await clerk.request('offer:accept', { ticketId: offer.ticketId });
      await waitForScreen(page, 'call', 20_000);
      const live = page.locator('[aria-live="assertive"]').first();
      await expect.poll(() => live.textContent()).toContain('fogadta a hívását');

      const mic = page.getByTestId('toggle-mic');
      const camera = page.getByTestId('toggle-camera');
      const micLabel = await mic.textContent();
      const cameraLabel = await camera.textContent();
      await mic.click();
      await camera.click();
      expect(await mic.getAttribute('aria-pressed')).toBe('true');
      expect(await camera.getAttribute('aria-pressed')).toBe('true');
      expect(await mic.textContent()).toBe(micLabel);
      expect(await camera.textContent()).toBe(cameraLabel);
      await mic.click();
      expect(await mic.getAttribute('aria-pressed')).toBe('false');
      expect(await mic.textContent()).toBe(micLabel);

      await clerk.request('call:end', { callId: call.callId });
      await waitForScreen(page, 'after', 20_000);
      expect(await live.textContent()).toBe('');

      await page.getByRole('button', { name: 'Értékelés küldése' }).click();
      const error = page.getByText('Válasszon egy értékelést 1 és 5 között.');
      await error.waitFor();
      await page.getByRole('radio', { name: 'Elégedett', exact: true }).check();
      expect(await error.count()).toBe(0);
      violations.push(...(await checkScreenAtSizes(page, 'after-rating-chosen')));
      await page.getByRole('button', { name: 'Értékelés küldése' }).click();
      await page.getByTestId('rating-thanks').waitFor();
      await expect.poll(() => focusedTestId(page)).toBe('rating-thanks');
      violations.push(...(await checkScreenAtSizes(page, 'after-rated')));
    } finally {
      clerk.close();
    }
    expect(violations, describeViolations(violations)).toEqual([]);
  });

  it('names one landmark "Ügyintézők" on the supervisor board (axe: landmark-unique)', async () => {
    // a clerk on the board, so the clerks table is there
    const clerk = await TestClerk.connect(desk.server.url, 'clerk2');
    const page = await desk.browser.context.newPage();
    try {
      await page.goto(`${desk.server.url}/console/`);
      await signIn(page, 'supervisor');
      await page.getByTestId('clerks-table').waitFor({ timeout: 15_000 });
      const named = await page.getByRole('region', { name: 'Ügyintézők', exact: true }).count();
      expect(named).toBe(1);
      const unique = (await axeScan(page)).filter((v) => v.id === 'landmark-unique');
      expect(unique, describeViolations(unique)).toEqual([]);
    } finally {
      clerk.close();
      await page.close();
    }
  });
});
