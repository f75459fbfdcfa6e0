import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestBrowser } from '@ablak/tests/harness';
import type { CaseType } from '@ablak/protocol';
import { unaccented, waitForScreen, waitForSearchSettled } from './support/flow';
import { useCitizenDesk } from './support/desk';
import type { RunningServer } from './support/server';

interface Focused {
  tag: string;
  text: string;
  label: string;
  outline: string;
  shadow: string;
}

async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return { tag: '', text: '', label: '', outline: '', shadow: '' };
    const labelled = (el as HTMLInputElement).labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? '';
    const style = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      text: (el.textContent ?? '').trim(),
      label: labelled.trim(),
      outline: style.outlineStyle,
      shadow: style.boxShadow,
    };
  });
}

/** Presses Tab until the focused element's text or label contains `name`; fails after `max` presses. */
async function tabTo(page: Page, name: string, max = 40): Promise<Focused> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    // focus that left the page (browser UI) reports <body>, whose text contains everything
    if (f.tag !== 'body' && (f.text.includes(name) || f.label.includes(name))) return f;
  }
  throw new Error(`"${name}" not reached with ${max} Tab presses`);
}

describe('citizen app with the keyboard alone', () => {
  const desk = useCitizenDesk();
  let server: RunningServer;
  let browser: TestBrowser;
  let caseType: CaseType;
  beforeAll(() => ({ server, browser, caseType } = desk));

  it('goes from the start page into the queue and back out using only Tab, typing, Enter and Space, with visible focus', async () => {
    const page = await browser.context.newPage();
    await page.goto(server.url);
    await waitForScreen(page, 'start');

    // language switch by keyboard, and back
    await tabTo(page, 'English');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Sort out your matter by video call');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Intézze ügyét videóhívásban');

    const start = await tabTo(page, 'Videóhívás indítása');
    expect(start.outline === 'solid' || start.shadow !== 'none', 'focus is visible').toBe(true);
    await page.keyboard.press('Enter');
    await waitForScreen(page, 'matter');
    // focus moved to the new screen's heading
    expect((await focused(page)).tag).toBe('h1');

    await tabTo(page, 'Ügy keresése');
    await page.keyboard.type(unaccented(caseType.name.hu));
    await waitForSearchSettled(page);
    await page.getByRole('button', { name: caseType.name.hu }).first().waitFor();
    await tabTo(page, caseType.name.hu, 80);
    await page.keyboard.press('Enter');
    await waitForScreen(page, 'details');

    await tabTo(page, 'Név, amelyen szólíthatjuk');
    await page.keyboard.type('Béla');
    await tabTo(page, 'Feliratozás');
    await page.keyboard.press('Space');
    expect(await page.getByLabel('Feliratozás (a beszéd szövegként is)').isChecked()).toBe(true);
    await page.keyboard.press('Space');
    await tabTo(page, 'Tovább');
    await page.keyboard.press('Enter');
    await waitForScreen(page, 'devices');

    await tabTo(page, 'Hang kipróbálása');
    await page.keyboard.press('Enter');
    await tabTo(page, 'Beállok a sorba');
    await page.keyboard.press('Enter');
    await waitForScreen(page, 'waiting');
    await expect
      .poll(() => page.getByTestId('queue-position').textContent(), { timeout: 15_000 })
      .toMatch(/^\d+$/);

    await tabTo(page, 'Kilépés a sorból');
    await page.keyboard.press('Enter');
    // the dialog opens with the safe choice focused; Escape closes it and keeps the place
    expect((await focused(page)).text).toBe('Maradok a sorban');
    await page.keyboard.press('Escape');
    await expect.poll(async () => page.getByRole('dialog').count()).toBe(0);
    await waitForScreen(page, 'waiting');

    await tabTo(page, 'Kilépés a sorból');
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor();
    expect((await focused(page)).text).toBe('Maradok a sorban');
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Igen, kilépek');
    await page.keyboard.press('Enter');
    await waitForScreen(page, 'closed');
    await tabTo(page, 'Új ügy indítása');
    await page.keyboard.press('Enter');
    await waitForScreen(page, 'start');
    await page.close();
  });
});
