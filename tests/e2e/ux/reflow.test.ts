/**
 * Issue 18, item 7: reflow at 200 % zoom on a 360 px phone (a 180 CSS px wide viewport): no screen
 * scrolls sideways (WCAG 1.4.10). On the call screen the self-view never covers the clerk tile's text.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureAppBuilt } from '../../harness/apps';
import { TestClerk } from '../citizen/support/clerk';
import { useCitizenDesk } from '../citizen/support/desk';
import { unaccented, waitForScreen, waitForSearchSettled } from '../citizen/support/flow';
import { SCREENSHOT_DIR, SIZES, settle, sidewaysScroll } from './support/screens';
import path from 'node:path';
import { mkdirSync } from 'node:fs';

/** A 360x740 phone at 200 % zoom. */
const ZOOMED = { width: 180, height: 370 };

async function sidewaysAtZoom(page: Page, name: string): Promise<string | null> {
  const original = page.viewportSize();
  await page.setViewportSize(ZOOMED);
  await settle(page);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `reflow-${name}-180x370.png`), fullPage: true });
  const px = await sidewaysScroll(page);
  if (original) await page.setViewportSize(original);
  return px > 0 ? `${name}: ${px} px sideways` : null;
}

/** Whether the self-view's box overlaps the clerk tile's placeholder text. */
function selfCoversText(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const self = document.querySelector('.call-self')?.getBoundingClientRect();
    const text = document.querySelector('[data-testid="remote-video"] .ab-video__placeholder > span');
    if (!self || !text) throw new Error('call tiles not found');
    const range = document.createRange();
    range.selectNodeContents(text);
    return [...range.getClientRects()].some(
      (r) => r.left < self.right && r.right > self.left && r.top < self.bottom && r.bottom > self.top,
    );
  });
}

describe('reflow at 200 % zoom on a phone', () => {
  beforeAll(() => ensureAppBuilt('clerk-console'));
  const desk = useCitizenDesk();

  it('never scrolls sideways at 180 px, from the start page to the call, nor on the console sign-in', async () => {
    const found: string[] = [];
    const page = await desk.browser.context.newPage();
    const check = async (name: string) => {
      const problem = await sidewaysAtZoom(page, name);
      if (problem) found.push(problem);
    };
    await page.goto(desk.server.url);
    await waitForScreen(page, 'start');
    await check('start');
    await page.getByRole('button', { name: 'Videóhívás indítása' }).click();
    await waitForScreen(page, 'matter');
    await page.getByLabel('Ügy keresése').fill(unaccented(desk.caseType.name.hu));
    await waitForSearchSettled(page);
    await check('matter');
    await page.getByRole('button', { name: desk.caseType.name.hu }).first().click();
    await waitForScreen(page, 'details');
    await check('details');
    await page.getByLabel('Név, amelyen szólíthatjuk').fill('Aladár');
    await page.getByRole('button', { name: 'Tovább' }).click();
    await waitForScreen(page, 'devices');
    await check('devices');
    await page.getByRole('button', { name: 'Beállok a sorba' }).click();
    await waitForScreen(page, 'waiting');
    await page.getByTestId('queue-position').waitFor();
    await check('waiting');

    const clerk = await TestClerk.connect(desk.server.url, 'clerk1');
    try {
      await clerk.request('clerk:set-state', { state: 'available' });
      const offer = await clerk.next('offer:received');
      await clerk.request('offer:accept', { ticketId: offer.ticketId });
      await waitForScreen(page, 'call', 20_000);
      await check('call');
      // The clerk sends no picture: the tile's text stays readable beside or above the self-view.
      for (const size of [...SIZES, ZOOMED]) {
        await page.setViewportSize(size);
        await settle(page);
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, `call-no-video-${size.width}x${size.height}.png`) });
        expect(await selfCoversText(page), `${size.width}x${size.height}`).toBe(false);
      }
    } finally {
      clerk.close();
    }

    const console = await desk.browser.context.newPage();
    await console.goto(`${desk.server.url}/console/`);
    await console.getByLabel('Felhasználónév').waitFor();
    const problem = await sidewaysAtZoom(console, 'console-login');
    if (problem) found.push(problem);
    expect(found).toEqual([]);
  });
});
