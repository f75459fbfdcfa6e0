import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../../harness/apps';
import { axeScan, describeViolations, type AxeViolation } from '../../citizen/support/page';

export { describeViolations, type AxeViolation };

export const SCREENSHOT_DIR = path.join(REPO_ROOT, '.artifacts', 'screenshots', 'ux');

/** The three sizes the issue walks every screen at: a phone, a tablet upright, a laptop. */
export const SIZES = [
  { width: 360, height: 740 },
  { width: 800, height: 1280 },
  { width: 1280, height: 800 },
] as const;

/** Waits for entrance animations, so a screenshot or an axe contrast check sees the final picture. */
export async function settle(page: Page): Promise<void> {
  await page.waitForTimeout(150);
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
}

/** How far the page scrolls sideways (0 = it reflows into the viewport). */
export function sidewaysScroll(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/**
 * One screen at each of SIZES: a screenshot (`.artifacts/screenshots/ux/<name>-<w>x<h>.png`), an axe
 * scan (WCAG 2.0/2.1 A and AA) and the page's sideways scroll. Returns every finding, labelled by size;
 * empty means the screen passes. Restores the viewport it found.
 */
export async function checkScreenAtSizes(page: Page, name: string): Promise<AxeViolation[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize();
  const found: AxeViolation[] = [];
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await settle(page);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${size.width}x${size.height}.png`) });
    for (const v of await axeScan(page)) found.push({ ...v, help: `[${size.width}x${size.height}] ${v.help}` });
    const sideways = await sidewaysScroll(page);
    if (sideways > 0)
      found.push({
        id: 'reflow',
        impact: 'serious',
        help: `[${size.width}x${size.height}] the page scrolls ${sideways} px sideways`,
        nodes: [],
      });
  }
  if (original) await page.setViewportSize(original);
  return found;
}
