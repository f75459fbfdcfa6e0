/**
 * Issue 18, items 3 and 5: what a waiting citizen reads while an offer comes and goes. No stale "a clerk
 * is about to answer" after a declined or missed offer; no estimate that contradicts itself (less than a
 * minute with nobody on duty, minutes beside "about to answer"); the live region says what the screen says.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { TestClerk } from '../citizen/support/clerk';
import { useCitizenDesk } from '../citizen/support/desk';
import { walkToWaitingRoom } from '../citizen/support/flow';
import { checkScreenAtSizes, describeViolations, type AxeViolation } from './support/screens';

const ABOUT_TO_ANSWER = 'Egy ügyintéző mindjárt fogadja a hívását.';

interface Shown {
  place: string;
  estimate: string;
  announced: string;
  cue: boolean;
}

async function shown(page: Page): Promise<Shown> {
  return {
    place: ((await page.getByTestId('queue-position').textContent()) ?? '').trim(),
    estimate: ((await page.getByTestId('queue-estimate').textContent()) ?? '').trim(),
    announced: ((await page.getByTestId('waiting-announcement').textContent()) ?? '').trim(),
    cue: (await page.getByTestId('offered-cue').count()) > 0,
  };
}

/** The screen's figures and the live region agree: the place and the wait heard are the ones shown. */
function expectHeardAsShown(s: Shown): void {
  expect(s.announced).toContain(`${s.place}.`);
  expect(s.announced).toContain(s.estimate);
}

describe('waiting room while an offer comes and goes', () => {
  const desk = useCitizenDesk();

  const violations: AxeViolation[] = [];
  let page: Page;

  it('says nobody is on duty instead of "less than a minute" when no clerk serves the matter', async () => {
    page = await desk.browser.context.newPage();
    await walkToWaitingRoom(page, desk.server.url, desk.caseType, 'Ilona');

    // Nobody is signed in for this matter: no made-up estimate, and the screen says why.
    await expect.poll(async () => (await shown(page)).estimate).toContain('nincs szolgálatban');
    const now = await shown(page);
    expect(now.estimate).not.toBe('kevesebb mint egy perc');
    expect(await page.getByTestId('no-clerk').textContent()).toContain('A helyét megtartjuk');
    expectHeardAsShown(now);
    violations.push(...(await checkScreenAtSizes(page, 'waiting-no-clerk')));
  });

  it('drops "a clerk is about to answer" as soon as the offer is declined or missed, and keeps the place', async () => {
    let now: Shown;
    const clerk = await TestClerk.connect(desk.server.url, 'clerk1');
    try {
      await clerk.request('clerk:set-state', { state: 'available' });
      const first = await clerk.next('offer:received');
      await expect.poll(async () => (await shown(page)).cue, { timeout: 10_000 }).toBe(true);
      now = await shown(page);
      expect(now.announced).toBe(ABOUT_TO_ANSWER);
      expect(now.place).toBe('1');
      // not "about 14 minutes" beside "about to answer"
      expect(now.estimate).not.toMatch(/kb\.|perc/);
      violations.push(...(await checkScreenAtSizes(page, 'waiting-offered')));

      // Declined: the cue goes at once, the place is kept and said again.
      clerk.pushes.length = 0;
      await clerk.request('offer:decline', { ticketId: first.ticketId });
      await expect.poll(async () => (await shown(page)).cue, { timeout: 5_000 }).toBe(false);
      now = await shown(page);
      expect(now.announced).not.toContain(ABOUT_TO_ANSWER);
      expect(now.place).toBe('1');
      expectHeardAsShown(now);
      expect(await page.getByTestId('offer-returned').textContent()).toContain('A helyét megtartjuk');
      violations.push(...(await checkScreenAtSizes(page, 'waiting-offer-declined')));

      // The same clerk is offered the ticket again after the decline delay and lets it run out.
      const second = await clerk.next('offer:received', () => true, 30_000);
      await expect.poll(async () => (await shown(page)).cue, { timeout: 10_000 }).toBe(true);
      expect(await page.getByTestId('offer-returned').count()).toBe(0);
      await clerk.next('offer:withdrawn', (p) => p.ticketId === second.ticketId && p.reason === 'timeout', 30_000);
      await expect.poll(async () => (await shown(page)).cue, { timeout: 5_000 }).toBe(false);
      now = await shown(page);
      expect(now.announced).not.toContain(ABOUT_TO_ANSWER);
      expectHeardAsShown(now);
      // the clerk who missed it is away now: nobody on duty, said the same way on screen and aloud
      await expect.poll(async () => (await shown(page)).estimate, { timeout: 15_000 }).toContain('nincs szolgálatban');
      expectHeardAsShown(await shown(page));
    } finally {
      clerk.close();
    }
  });

  it('passes axe with no sideways scroll at 360x740, 800x1280 and 1280x800 in each of these states', () => {
    expect(violations, describeViolations(violations)).toEqual([]);
  });
});
