import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { CaseTypeList, type CaseType } from '@ablak/protocol';

/** A case type that `clerk` can serve (its queue is one of the clerk's skills). */
export async function caseTypeFor(url: string, queues: readonly string[]): Promise<CaseType> {
  const res = await fetch(`${url}/api/case-types?limit=2000&lang=hu`);
  const list = CaseTypeList.parse(await res.json());
  const found = list.caseTypes.find((ct) => queues.includes(ct.queue));
  if (!found) throw new Error(`no case type in queues ${queues.join(', ')}`);
  return found;
}

/** Strips accents the way a hurried citizen types: "személyi" → "szemelyi". */
export function unaccented(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '');
}

export async function screenOf(page: Page): Promise<string | null> {
  return page.locator('[data-screen]').first().getAttribute('data-screen');
}

export async function waitForScreen(page: Page, name: string, timeoutMs = 20_000): Promise<void> {
  await page.locator(`[data-screen="${name}"]`).waitFor({ state: 'visible', timeout: timeoutMs });
}

/**
 * Waits until the type-ahead has answered the text typed (the status counts search hits, not the
 * "first 100 of all" of the browse list), so the list no longer changes under the keyboard.
 */
export async function waitForSearchSettled(page: Page): Promise<void> {
  const status = page.locator('[data-screen="matter"] [role="status"]');
  await expect
    .poll(async () => /^\d+ találat$/.test((await status.textContent()) ?? ''), { timeout: 10_000 })
    .toBe(true);
}

/** Start → matter (searched without accents) → name → the device check, with the mouse. */
export async function walkToDevices(page: Page, url: string, caseType: CaseType, name = 'Zoltán'): Promise<void> {
  await page.goto(url);
  await page.getByRole('button', { name: 'Videóhívás indítása' }).click();
  await page.getByLabel('Ügy keresése').fill(unaccented(caseType.name.hu));
  await waitForSearchSettled(page);
  await page.getByRole('button', { name: caseType.name.hu }).first().click();
  await page.getByLabel('Név, amelyen szólíthatjuk').fill(name);
  await page.getByRole('button', { name: 'Tovább' }).click();
  await waitForScreen(page, 'devices');
}

/** Start → matter (searched without accents) → name → device check → queue, with the mouse. */
export async function walkToWaitingRoom(
  page: Page,
  url: string,
  caseType: CaseType,
  name: string,
): Promise<void> {
  await page.goto(url);
  await waitForScreen(page, 'start');
  await page.getByRole('button', { name: 'Videóhívás indítása' }).click();
  await waitForScreen(page, 'matter');
  await page.getByLabel('Ügy keresése').fill(unaccented(caseType.name.hu));
  await waitForSearchSettled(page);
  await page.getByRole('button', { name: caseType.name.hu }).first().click();
  await waitForScreen(page, 'details');
  await page.getByLabel('Név, amelyen szólíthatjuk').fill(name);
  await page.getByRole('button', { name: 'Tovább' }).click();
  await waitForScreen(page, 'devices');
  await page.getByRole('button', { name: 'Beállok a sorba' }).click();
  await waitForScreen(page, 'waiting');
  await expect
    .poll(() => page.getByTestId('queue-position').textContent(), { timeout: 15_000 })
    .toMatch(/^\d+$/);
}
