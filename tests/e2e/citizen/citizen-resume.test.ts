import { beforeAll, describe, expect, it } from 'vitest';
import type { TestBrowser } from '@ablak/tests/harness';
import { Appointment, type CaseType } from '@ablak/protocol';
import { queueHeadlessCitizen } from './support/citizen';
import { waitForScreen, walkToWaitingRoom } from './support/flow';
import { checkScreen, describeViolations } from './support/page';
import { login } from './support/clerk';
import { useCitizenDesk } from './support/desk';
import type { RunningServer } from './support/server';

describe('citizen waiting room survives a reload', () => {
  const desk = useCitizenDesk();
  let server: RunningServer;
  let browser: TestBrowser;
  let caseType: CaseType;
  beforeAll(() => ({ server, browser, caseType } = desk));

  it('keeps the same ticket and place in the queue after the page is reloaded, then lets the citizen leave', async () => {
    const ahead = await queueHeadlessCitizen(server.url, caseType.code, 'Elöl Álló');
    try {
      expect(ahead.position.position).toBe(1);
      const page = await browser.context.newPage();
      await walkToWaitingRoom(page, server.url, caseType, 'Kata');
      await expect.poll(() => page.getByTestId('queue-position').textContent()).toBe('2');
      const ticketBefore = await page.evaluate(
        () => JSON.parse(sessionStorage.getItem('ablak.ticket') ?? '{}').ticket?.ticketId as string,
      );
      expect(ticketBefore).toBeTruthy();

      await page.reload();
      await waitForScreen(page, 'waiting');
      await expect
        .poll(() => page.getByTestId('queue-position').textContent(), { timeout: 15_000 })
        .toBe('2');
      const ticketAfter = await page.evaluate(
        () => JSON.parse(sessionStorage.getItem('ablak.ticket') ?? '{}').ticket?.ticketId as string,
      );
      expect(ticketAfter).toBe(ticketBefore);

      const violations = await checkScreen(page, 'waiting-after-reload');
      expect(violations, describeViolations(violations)).toEqual([]);

      await page.getByRole('button', { name: 'Kilépés a sorból' }).click();
      const dialog = page.getByRole('dialog', { name: 'Biztosan kilép a sorból?' });
      await dialog.waitFor();
      const dialogViolations = await checkScreen(page, 'leave-dialog');
      expect(dialogViolations, describeViolations(dialogViolations)).toEqual([]);
      await dialog.getByRole('button', { name: 'Igen, kilépek' }).click();
      await waitForScreen(page, 'closed');
      expect(await page.evaluate(() => sessionStorage.getItem('ablak.ticket'))).toBeNull();
      const closedViolations = await checkScreen(page, 'closed');
      expect(closedViolations, describeViolations(closedViolations)).toEqual([]);
      await page.close();
    } finally {
      ahead.close();
    }
  });

  it('checks in from an appointment link and is served ahead of a walk-in', async () => {
    // Booked by staff (a clerk's bearer token): only a staff booking or a confirmed contact ranks
    // ahead of a walk-in since issue 17 (an anonymous self-booking checks in as an ordinary ticket).
    const staff = await login(server.url, 'clerk2');
    const res = await fetch(`${server.url}/api/appointments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${staff.token}` },
      body: JSON.stringify({
        caseType: caseType.code,
        displayName: 'Időpontos Ida',
        slotStart: new Date().toISOString(),
      }),
    });
    const appointment = Appointment.parse(await res.json());
    expect(new URL(appointment.joinUrl).searchParams.get('appointment')).toBeTruthy();
    const walkIn = await queueHeadlessCitizen(server.url, caseType.code, 'Sétáló Sára');
    try {
      const page = await browser.context.newPage();
      await page.goto(`${server.url}/${new URL(appointment.joinUrl).search}`);
      await waitForScreen(page, 'start');
      // the link fills in the code and opens the appointment form
      expect(await page.getByLabel('Időpontkód').inputValue()).toBe(
        new URL(appointment.joinUrl).searchParams.get('appointment'),
      );
      // the code is checked at once and brings its booked matter: straight on to the name
      await page.getByRole('button', { name: 'Tovább az időponttal' }).click();
      await waitForScreen(page, 'details');
      expect(await page.locator('[data-screen="details"] .ab-notice').textContent()).toContain(caseType.name.hu);
      await page.getByLabel('Név, amelyen szólíthatjuk').fill('Ida');
      await page.getByRole('button', { name: 'Tovább' }).click();
      await waitForScreen(page, 'devices');
      await page.getByRole('button', { name: 'Beállok a sorba' }).click();
      await waitForScreen(page, 'waiting');
      await expect
        .poll(() => page.getByTestId('queue-position').textContent(), { timeout: 15_000 })
        .toBe('1');
      await page.close();
    } finally {
      walkIn.close();
    }
  });
});
