/**
 * Issue 18, item 8: an appointment code is checked when the citizen enters it. An unknown, early or spent
 * code is said on the start screen with the focus kept in the field (not refused three screens later);
 * a good code brings its booked matter along, so the citizen goes straight on to their details.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Appointment } from '@ablak/protocol';
import { useCitizenDesk } from '../citizen/support/desk';
import { waitForScreen } from '../citizen/support/flow';
import { checkScreenAtSizes, describeViolations, type AxeViolation } from './support/screens';

async function book(url: string, caseType: string, slotStart: Date): Promise<string> {
  const res = await fetch(`${url}/api/appointments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ caseType, displayName: 'Teréz', language: 'hu', slotStart: slotStart.toISOString() }),
  });
  if (!res.ok) throw new Error(`booking refused: ${res.status} ${await res.text()}`);
  return Appointment.parse(await res.json()).code;
}

async function enterCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('Időpontkód').fill(code);
  await page.getByLabel('Időpontkód').press('Enter');
}

function focusedLabel(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null;
    return el?.labels?.[0]?.textContent?.trim() ?? el?.tagName.toLowerCase() ?? '';
  });
}

describe('appointment code on the start screen', () => {
  const desk = useCitizenDesk();

  it('refuses an unknown and an early code where they are typed, and takes a good one with its matter', async () => {
    const violations: AxeViolation[] = [];
    const now = Date.now();
    const good = await book(desk.server.url, desk.caseType.code, new Date(now + 5 * 60_000));
    const early = await book(desk.server.url, desk.caseType.code, new Date(now + 3 * 3600_000));

    const page = await desk.browser.context.newPage();
    await page.goto(desk.server.url);
    await waitForScreen(page, 'start');
    await page.getByRole('button', { name: 'Van időpontom' }).click();

    await enterCode(page, 'ZZZZ9999');
    const error = page.getByTestId('code-error');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.textContent()).toContain('nem találjuk');
    expect(await page.locator('[data-screen]').getAttribute('data-screen')).toBe('start');
    expect(await focusedLabel(page)).toBe('Időpontkód');
    expect(await page.getByLabel('Időpontkód').getAttribute('aria-invalid')).toBe('true');
    violations.push(...(await checkScreenAtSizes(page, 'start-code-unknown')));

    await enterCode(page, early);
    await expect.poll(() => error.textContent()).toContain('30 perccel előtte');
    expect(await page.locator('[data-screen]').getAttribute('data-screen')).toBe('start');
    expect(await focusedLabel(page)).toBe('Időpontkód');

    await enterCode(page, good.toLowerCase());
    await waitForScreen(page, 'details');
    expect(await page.locator('[data-screen="details"] .ab-notice').textContent()).toContain(desk.caseType.name.hu);
    await page.getByLabel('Név, amelyen szólíthatjuk').fill('Teréz');
    await page.getByRole('button', { name: 'Tovább' }).click();
    await waitForScreen(page, 'devices');
    await page.getByRole('button', { name: 'Beállok a sorba' }).click();
    await waitForScreen(page, 'waiting');

    // Out of the queue and back to the start: the same code was used.
    await page.getByRole('button', { name: 'Kilépés a sorból' }).click();
    await page.getByRole('button', { name: 'Igen, kilépek' }).click();
    await page.getByRole('button', { name: 'Új ügy indítása' }).click();
    await waitForScreen(page, 'start');
    await page.getByRole('button', { name: 'Van időpontom' }).click();
    await enterCode(page, good);
    await expect.poll(() => error.textContent(), { timeout: 10_000 }).toContain('már felhasználták');
    expect(await page.locator('[data-screen]').getAttribute('data-screen')).toBe('start');
    await page.close();
    expect(violations, describeViolations(violations)).toEqual([]);
  });
});
