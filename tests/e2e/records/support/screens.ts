import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../../../harness/apps';
import { axeScan, describeViolations } from '../../console/page-tools';

export const SCREENSHOT_DIR = path.join(REPO_ROOT, '.artifacts', 'screenshots', 'records');
/** The sizes the records screens must work at: a phone and a 1280×800 laptop or landscape tablet. */
export const SIZES = [
  { width: 360, height: 740 },
  { width: 1280, height: 800 },
] as const;

export interface ScreenProblem {
  size: string;
  what: string;
}

/** Elements wider than the viewport: the page would scroll sideways (WCAG 1.4.10 reflow). */
function sidewaysOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const out: string[] = [];
    // a table may scroll inside its own box; the page itself must not
    if (document.documentElement.scrollWidth > width + 1)
      out.push(`page is ${document.documentElement.scrollWidth}px wide in a ${width}px window`);
    for (const el of document.querySelectorAll<HTMLElement>('main *')) {
      if (el.closest('.ab-table-scroll, dialog:not([open]), [hidden]')) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width > 1 && rect.right > width + 1)
        out.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(rect.right)} > ${width}`);
      if (out.length > 8) break;
    }
    return out;
  });
}

/**
 * Looks at one screen as its user would at both sizes: a full-page screenshot each (for a person to
 * look at), axe (WCAG 2.1 A and AA) and the sideways-scroll check. Returns what it found; restores the size.
 */
export async function checkScreen(page: Page, name: string): Promise<ScreenProblem[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize();
  const problems: ScreenProblem[] = [];
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await page.waitForTimeout(200);
    const label = `${size.width}x${size.height}`;
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${label}.png`), fullPage: true });
    const violations = await axeScan(page);
    if (violations.length > 0) problems.push({ size: label, what: describeViolations(violations) });
    for (const what of await sidewaysOverflow(page)) problems.push({ size: label, what });
  }
  if (original) await page.setViewportSize(original);
  return problems.map((p) => ({ ...p, what: `${name}: ${p.what}` }));
}

export function describeProblems(problems: readonly ScreenProblem[]): string {
  return problems.map((p) => `[${p.size}] ${p.what}`).join('\n');
}
