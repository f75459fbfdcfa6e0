import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from './server';

const require = createRequire(import.meta.url);
export const SCREENSHOT_DIR = path.join(REPO_ROOT, '.artifacts', 'screenshots', 'citizen');
export const WIDTHS = [360, 1280] as const;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core with the WCAG 2.0/2.1 A and AA rule tags, on the page as it is now. */
export async function axeScan(page: Page): Promise<AxeViolation[]> {
  // evaluated through the DevTools protocol: the app's CSP (script-src 'self') rightly refuses an inline <script>
  if (!(await page.evaluate(() => 'axe' in window)))
    await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    interface AxeNode {
      target: string[];
      failureSummary?: string;
    }
    interface AxeResult {
      id: string;
      impact: string | null;
      help: string;
      nodes: AxeNode[];
    }
    const axe = (
      window as unknown as {
        axe: { run(ctx: Document, opts: unknown): Promise<{ violations: AxeResult[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
    }));
  });
}

export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n');
}

/**
 * Checks one screen the way the issue asks: at 360 px and 1280 px wide, a screenshot and an axe scan
 * each. Returns the violations found at either width (empty = passes). Restores the viewport.
 */
export async function checkScreen(page: Page, name: string): Promise<AxeViolation[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize() ?? { width: 1280, height: 800 };
  const found: AxeViolation[] = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width === 360 ? 740 : 800 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
    for (const v of await axeScan(page)) found.push({ ...v, help: `[${width}px] ${v.help}` });
    const overflowing = await overflowingElements(page);
    if (overflowing.length > 0) {
      found.push({
        id: 'layout-overflow',
        impact: 'serious',
        help: `[${width}px] content wider than its screen card`,
        nodes: overflowing,
      });
    }
  }
  await page.setViewportSize(original);
  return found;
}

/** Elements that stick out of the screen card or the viewport on the right (a broken narrow layout). */
async function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const screen = document.querySelector('[data-screen]');
    if (!screen) return [];
    const limit = Math.min(screen.getBoundingClientRect().right, document.documentElement.clientWidth) + 1;
    const out: string[] = [];
    for (const el of screen.querySelectorAll<HTMLElement>('*')) {
      const rect = el.getBoundingClientRect();
      if (rect.width > 1 && rect.right > limit && !el.closest('dialog:not([open])')) {
        out.push(
          `${el.tagName.toLowerCase()}.${el.className} right=${Math.round(rect.right)} > ${Math.round(limit)}`,
        );
      }
    }
    return out.slice(0, 10);
  });
}

/** Keeps every RTCPeerConnection the page creates reachable from tests (as window.__pcs). */
export async function trackPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const list: RTCPeerConnection[] = [];
    (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = list;
    class Tracked extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        list.push(this);
      }
    }
    window.RTCPeerConnection = Tracked;
  });
}

/** Sum of `framesDecoded` over the page's inbound video streams (getStats). */
export async function framesDecoded(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
    let total = 0;
    for (const pc of pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((report: { type?: string; kind?: string; framesDecoded?: number }) => {
        if (report.type === 'inbound-rtp' && report.kind === 'video') total += report.framesDecoded ?? 0;
      });
    }
    return total;
  });
}

/** Waits until the page has decoded at least `min` remote video frames. */
export async function waitForFramesDecoded(page: Page, min = 1, timeoutMs = 30_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const frames = await framesDecoded(page);
    if (frames >= min) return frames;
    if (Date.now() > until) throw new Error(`only ${frames} video frames decoded after ${timeoutMs} ms`);
    await page.waitForTimeout(250);
  }
}
