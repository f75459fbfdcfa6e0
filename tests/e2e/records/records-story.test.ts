/**
 * Issue 16, as people live it, on the real embedded desk with its records in PGlite: a citizen reads
 * the privacy notice and joins; clerk2 opens a case, views the citizen's document and transfers the
 * call to clerk1, who views it too and ends the call; the citizen sees the case reference and what
 * happens next; the back office gets the case. The next day (the desk restarted on the same data,
 * the clock of the server and of the browsers one day on) clerk1 finds the call under "My cases",
 * the supervisor's history shows it and its CSV carries it, and the audit log shows each time the
 * document was read. Every screen is looked at (screenshots, axe, no sideways scroll) at 360×740 and
 * 1280×800.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { CaseTypeList, type CaseType } from '@ablak/protocol';
import type { RunningSignaling } from '@ablak/signaling';
import { launchBrowser, type TestBrowser } from '@ablak/tests/harness';
import { clerkState, openConsole, setClerkState } from '../console/console-page';
import { unaccented, waitForScreen, waitForSearchSettled } from '../citizen/support/flow';
import { startRecordsDesk } from './support/server';
import { checkScreen, describeProblems, type ScreenProblem } from './support/screens';
import { startBackOffice, type BackOffice } from './support/webhook';

const DAY_MS = 86_400_000;
const CASE_TYPE = 'szemelyi.adult.first';
// clerk1 holds szemelyi and allampolgarsag, clerk2 szemelyi only: clerk2 answers, clerk1 takes the transfer.
const TRANSFER_QUEUE = 'allampolgarsag';
const DOCUMENT = 'igazolvany.png';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const NOTE_CLERK2 = 'Új személyi igazolványt kér, állampolgársági kérdése is van.';
const NOTE_CLERK1 = 'Állampolgársági igazolást is kér; a háttériroda értesíti.';

const officeDate = new Intl.DateTimeFormat('hu-HU', { timeZone: 'Europe/Budapest', dateStyle: 'long' });

async function caseTypeByCode(url: string, code: string): Promise<CaseType> {
  const list = CaseTypeList.parse(await (await fetch(`${url}/api/case-types?limit=2000&lang=hu`)).json());
  const found = list.caseTypes.find((c) => c.code === code);
  if (!found) throw new Error(`no case type ${code}`);
  return found;
}

/** Device check done (the console asks once per shift), then the clerk's state. */
async function startShift(page: Page, state: { label: string; value: string }): Promise<void> {
  await page.getByRole('button', { name: 'Minden rendben, kezdhetem' }).click();
  await page.getByTestId('idle-message').waitFor();
  await setClerkState(page, state.label, state.value);
}

describe('records: a call with a case, transferred with a document, found the next day', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ablak-records-e2e-'));
  const problems: ScreenProblem[] = [];
  let backOffice: BackOffice;
  let server: RunningSignaling;
  let staff: TestBrowser;
  let citizenBrowser: TestBrowser;
  let caseType: CaseType;
  let supervisor: Page;
  let clerk1: Page;
  let caseReference = '';
  let firstDay = 0;
  let answeredAt = 0;
  const env = () => ({
    CASE_WEBHOOK_URL: backOffice.url,
    CASE_WEBHOOK_SECRET: 'records-e2e-webhook-secret-0123456789abcdef',
    HANDOFF_POLL_MS: '200',
    HANDOFF_MIN_BACKOFF_MS: '100',
  });
  const look = async (page: Page, name: string) => problems.push(...(await checkScreen(page, name)));

  beforeAll(async () => {
    backOffice = await startBackOffice();
    server = await startRecordsDesk(dataDir, env());
    staff = await launchBrowser();
    citizenBrowser = await launchBrowser();
    caseType = await caseTypeByCode(server.url, CASE_TYPE);
  });

  afterAll(async () => {
    vi.useRealTimers();
    await staff?.close();
    await citizenBrowser?.close();
    await server?.close();
    await backOffice?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('day one: privacy notice, a case opened, a document read, a transfer, the reference and the hand-off', async () => {
    firstDay = Date.now();
    const clerk2 = await openConsole(staff, server.url, 'clerk2');
    await startShift(clerk2, { label: 'Elérhető', value: 'available' });
    const clerk1 = await openConsole(staff, server.url, 'clerk1');
    await startShift(clerk1, { label: 'Szünetel: Szünet', value: 'away' });

    // The citizen reads what is kept and for how long, with the server's own numbers, then joins.
    const citizen = await citizenBrowser.context.newPage();
    await citizen.goto(server.url);
    await waitForScreen(citizen, 'start');
    await citizen.getByRole('button', { name: 'Videóhívás indítása' }).click();
    await waitForScreen(citizen, 'matter');
    await citizen.getByLabel('Ügy keresése').fill(unaccented(caseType.name.hu));
    await waitForSearchSettled(citizen);
    await citizen.getByRole('button', { name: caseType.name.hu }).first().click();
    await waitForScreen(citizen, 'details');
    await citizen.getByLabel('Név, amelyen szólíthatjuk').fill('Erzsébet');
    await citizen.getByRole('button', { name: 'Tovább' }).click();
    await waitForScreen(citizen, 'devices');
    const notice = citizen.getByTestId('privacy-notice');
    await notice.getByTestId('privacy-periods').waitFor();
    expect(await notice.textContent()).toContain('A hívás képét és hangját nem rögzítjük.');
    expect(await notice.textContent()).toContain('csoportvezető Ön számára láthatatlanul figyelemmel kísérheti');
    const period = (kind: string) => notice.locator(`[data-kind="${kind}"] dd`).textContent();
    const { retentionDays } = server.context.config.records;
    expect(await period('documents')).toBe(`${retentionDays.documents} nap`);
    expect(await period('chat')).toBe(`${retentionDays.chat} nap`);
    await look(citizen, 'citizen-privacy-notice');
    await citizen.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => notice.locator('h2').textContent()).toBe('Your data in this call');
    expect(await period('documents')).toBe(`${retentionDays.documents} days`);
    await citizen.getByRole('button', { name: 'Magyar' }).click();
    await citizen.getByRole('button', { name: 'Beállok a sorba' }).click();
    await waitForScreen(citizen, 'waiting');

    // clerk2 answers, opens a case and reads the document the citizen sends.
    await clerk2.getByTestId('offer-card').waitFor({ timeout: 15_000 });
    await clerk2.getByRole('button', { name: 'Fogadás (Enter)' }).click();
    answeredAt = Date.now();
    await clerk2.getByTestId('call-screen').waitFor({ timeout: 10_000 });
    await waitForScreen(citizen, 'call', 20_000);
    await clerk2.getByRole('button', { name: 'Ügy megnyitása' }).click();
    caseReference = (await clerk2.getByTestId('case-reference').textContent({ timeout: 10_000 })) ?? '';
    expect(caseReference).toMatch(/^ABL-\d{4}-\d{6,}$/);
    await citizen.getByTestId('document-input').setInputFiles({ name: DOCUMENT, mimeType: 'image/png', buffer: PNG });
    await viewDocument(clerk2);
    await clerk2.getByRole('textbox', { name: 'Jegyzetek' }).fill(NOTE_CLERK2);

    // The transfer: clerk1 becomes available, clerk2 hands the call to the citizenship queue.
    await setClerkState(clerk1, 'Elérhető', 'available');
    await clerk2.getByRole('toolbar').getByRole('button', { name: 'Átirányítás' }).click();
    const dialog = clerk2.getByTestId('transfer-dialog');
    await dialog.getByRole('radio', { name: 'Másik sorba' }).check();
    await dialog.getByLabel('Sor', { exact: true }).selectOption(TRANSFER_QUEUE);
    await dialog.getByLabel('Megjegyzés a következő ügyintézőnek').fill('Állampolgársági kérdés.');
    await dialog.getByRole('button', { name: 'Átirányítás' }).click();
    await clerk2.getByTestId('wrapup').waitFor({ timeout: 10_000 });
    await clerk2.getByLabel('Eredmény').selectOption('referred');
    await clerk2.getByRole('button', { name: 'Kész, szünetet tartok' }).click();
    await expect.poll(() => clerkState(clerk2)).toBe('away');

    // clerk1 gets the call with its context: the case reference and the document came along.
    await clerk1.getByTestId('offer-card').waitFor({ timeout: 15_000 });
    await clerk1.getByRole('button', { name: 'Fogadás (Enter)' }).click();
    await clerk1.getByTestId('call-screen').waitFor({ timeout: 10_000 });
    await expect.poll(() => clerk1.getByTestId('case-reference').textContent(), { timeout: 10_000 }).toBe(caseReference);
    await viewDocument(clerk1);
    await clerk1.getByRole('textbox', { name: 'Jegyzetek' }).fill(NOTE_CLERK1);
    await clerk1.getByRole('button', { name: 'Hívás befejezése' }).click();
    await clerk1.getByTestId('wrapup').waitFor({ timeout: 10_000 });
    await clerk1.getByLabel('Eredmény').selectOption('resolved');
    await clerk1.getByRole('button', { name: 'Kész, szünetet tartok' }).click();
    await expect.poll(() => clerkState(clerk1)).toBe('away');

    // The citizen: the reference, what happens next, a rating.
    await waitForScreen(citizen, 'after', 15_000);
    expect(await citizen.getByTestId('case-reference').textContent()).toBe(caseReference);
    expect(await citizen.getByTestId('next-steps').textContent()).toContain('automatikusan továbbítjuk az illetékes hivatal háttérirodájának');
    await citizen.getByText('Nagyon elégedett', { exact: true }).click();
    await citizen.getByRole('button', { name: 'Értékelés küldése' }).click();
    await citizen.getByTestId('rating-thanks').waitFor();
    await look(citizen, 'citizen-after-call');

    // The back office gets the case, once.
    await expect
      .poll(() => backOffice.deliveries.filter((d) => JSON.stringify(d.body).includes(caseReference)).length, {
        timeout: 30_000,
      })
      .toBe(1);

    // Same day: clerk1's "My cases" lists it under today, handed off.
    await clerk1.getByRole('link', { name: 'Ügyeim' }).click();
    const today = clerk1.getByTestId('cases-today');
    const row = today.locator(`[data-testid="case-row"][data-reference="${caseReference}"]`);
    await row.waitFor({ timeout: 10_000 });
    await expect.poll(() => row.getByTestId('hand-off').getAttribute('data-status'), { timeout: 20_000 }).toBe('handed_off');
    expect(await row.getByTestId('hand-off').textContent()).toBe('Átadva');
    await look(clerk1, 'clerk-my-cases-today');
    await citizen.close();
  });

  it('the next day: clerk1 finds the call under My cases, with notes, the transfer and the document', async () => {
    for (const page of staff.context.pages()) await page.close();
    await server.close();
    // The clock moves a day on, for the desk (this process) and for the browsers; the data stays.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + DAY_MS);
    server = await startRecordsDesk(dataDir, env());
    await staff.close();
    staff = await launchBrowser();
    await staff.context.clock.install({ time: Date.now() });

    clerk1 = await openConsole(staff, server.url, 'clerk1');
    await clerk1.getByRole('link', { name: 'Ügyeim' }).click();
    await clerk1.getByTestId('my-cases').waitFor();
    const earlier = clerk1.getByTestId('cases-earlier');
    const row = earlier.locator(`[data-testid="case-row"][data-reference="${caseReference}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await clerk1.getByTestId('cases-today').textContent()).toContain('Ma még nem fogadott hívást.');
    expect(await row.getByTestId('hand-off').textContent()).toBe('Átadva');
    expect(await row.textContent()).toContain('Erzsébet');
    await look(clerk1, 'clerk-my-cases-next-day');

    // Search by reference (typed in lower case) opens the case in full.
    await clerk1.getByLabel('Ügyszám').fill(caseReference.toLowerCase());
    await clerk1.getByRole('button', { name: 'Keresés' }).click();
    const view = clerk1.getByTestId('case-view');
    await view.waitFor({ timeout: 10_000 });
    expect(await view.locator('h2').first().textContent()).toBe(`Ügy: ${caseReference}`);
    await expect.poll(() => view.getByTestId('case-notes').textContent()).toContain(NOTE_CLERK1);
    expect(await view.getByTestId('case-notes').textContent()).toContain(NOTE_CLERK2);
    expect(await view.getByTestId('case-timeline').textContent()).toContain('Átadva');
    expect(await view.getByTestId('hand-off').getAttribute('data-status')).toBe('handed_off');
    await look(clerk1, 'clerk-case-view');
    await viewDocument(clerk1);
    await view.getByRole('button', { name: 'Vissza a listához' }).click();
    await row.waitFor();
  });

  it('the next day: the supervisor history shows the call, and its CSV carries it', async () => {
    supervisor = await openConsole(staff, server.url, 'supervisor');
    await supervisor.getByRole('link', { name: 'Előzmények' }).click();
    const history = supervisor.getByTestId('history');
    const table = history.getByTestId('history-table');
    await table.waitFor({ timeout: 15_000 });
    const yesterday = officeDate.format(firstDay);
    const rows = table.getByTestId('history-row').filter({ hasText: yesterday });
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    // answered once in each queue: by clerk2 in the identity-card queue, by clerk1 after the transfer
    const answered = (await rows.getByTestId('history-answered').allTextContents()).map(Number);
    expect(answered.reduce((a, b) => a + b, 0)).toBe(2);
    expect(await rows.filter({ hasText: 'Személyazonosító igazolvány' }).getByTestId('history-answered').textContent()).toBe('1');
    expect(await rows.filter({ hasText: 'Állampolgársági ügyek' }).getByTestId('history-answered').textContent()).toBe('1');
    expect(Number(await history.getByTestId('chart-service-level').locator('svg').getAttribute('data-bars'))).toBe(1);
    expect(Number(await history.getByTestId('chart-rating').locator('svg').getAttribute('data-bars'))).toBe(1);
    // the chart's figures as a table, one button away
    const rating = history.getByTestId('chart-rating');
    await rating.getByRole('button', { name: 'Táblázatként' }).click();
    expect(await rating.getByRole('row', { name: new RegExp(yesterday) }).textContent()).toContain('5 / 5');
    await look(supervisor, 'supervisor-history');

    const [download] = await Promise.all([
      supervisor.waitForEvent('download'),
      history.getByRole('button', { name: 'Letöltés CSV-ben' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^ablak-history-.*\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    expect(header).toContain('bucketStart');
    expect(header).toContain('answered');
    expect(lines.length).toBeGreaterThan(0);
  });

  it('the next day: the audit log shows each time the document was read, by whom', async () => {
    await supervisor.getByRole('link', { name: 'Hozzáférési napló' }).click();
    const audit = supervisor.getByTestId('audit');
    await audit.getByLabel('Ügyszám').fill(caseReference);
    await audit.getByRole('button', { name: 'Keresés' }).click();
    const table = audit.getByTestId('audit-table');
    await table.waitFor({ timeout: 10_000 });
    const reads = table.locator('[data-testid="audit-row"][data-action="document.opened"]');
    // clerk2 in the call, clerk1 after the transfer, clerk1 the next day from My cases
    await expect.poll(() => reads.count()).toBe(3);
    const actors = await reads.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-actor')));
    expect(actors.sort()).toEqual(['clerk1', 'clerk1', 'clerk2']);
    expect(await reads.first().textContent()).toContain('Dokumentum megnyitása');
    await look(supervisor, 'supervisor-audit');
  });

  it('My cases by keyboard: a malformed reference is refused, an unknown one is not found, Enter opens a case with focus on it', async () => {
    const search = clerk1.getByLabel('Ügyszám');
    await search.fill('123');
    await search.press('Enter');
    const error = clerk1.getByRole('alert');
    await expect.poll(() => error.textContent()).toContain('Az ügyszám formája: ABL-év-sorszám');
    expect(await search.getAttribute('aria-invalid')).toBe('true');
    expect(await clerk1.evaluate(() => document.activeElement?.id)).toBe(await search.getAttribute('id'));
    await look(clerk1, 'clerk-my-cases-invalid');

    await search.fill('ABL-2020-999999');
    await search.press('Enter');
    await expect.poll(() => error.textContent()).toContain('Nincs ilyen ügyszámú ügy');

    await search.fill(caseReference);
    await search.press('Enter');
    const heading = clerk1.getByTestId('case-view').locator('h2').first();
    await heading.waitFor();
    expect(await heading.evaluate((h) => h === document.activeElement)).toBe(true);
    await clerk1.keyboard.press('Tab');
    expect(await clerk1.evaluate(() => document.activeElement?.textContent)).toBe('Vissza a listához');
    await clerk1.keyboard.press('Enter');
    await clerk1.getByTestId('cases-earlier').waitFor();

    // English, and the nav by keyboard
    await clerk1.getByRole('button', { name: 'English' }).click();
    await clerk1.getByRole('heading', { name: 'My cases', exact: true }).waitFor();
    expect(await clerk1.getByTestId('cases-earlier').textContent()).toContain('Handed off');
    await clerk1.getByRole('link', { name: 'Desk' }).focus();
    await clerk1.keyboard.press('Enter');
    await clerk1.getByTestId('my-cases').waitFor({ state: 'detached' });
    expect(await clerk1.getByRole('link', { name: 'Desk' }).getAttribute('aria-current')).toBe('page');
    await clerk1.getByRole('button', { name: 'Magyar' }).click();
  });

  it('History: a range ending before it starts is refused; by hour and per office it shows the hour of the call', async () => {
    const history = supervisor.getByTestId('history');
    await supervisor.getByRole('link', { name: 'Előzmények' }).click();
    await history.getByLabel('Kezdete').fill('2026-03-10');
    await history.getByLabel('Vége (a napot is beleértve)').fill('2026-03-01');
    await history.getByRole('button', { name: 'Megjelenítés' }).click();
    await expect.poll(() => history.getByRole('alert').textContent()).toContain('A vége nem lehet korábbi');

    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Budapest' }).format(firstDay);
    await history.getByLabel('Kezdete').fill(day);
    await history.getByLabel('Vége (a napot is beleértve)').fill(day);
    await history.getByLabel('Felbontás').selectOption('hour');
    await history.getByLabel('Bontás', { exact: true }).selectOption('office');
    await history.getByRole('button', { name: 'Megjelenítés' }).click();
    const rows = history.getByTestId('history-row');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const hourOf = (at: number) =>
      new Intl.DateTimeFormat('hu-HU', { timeZone: 'Europe/Budapest', dateStyle: 'medium', timeStyle: 'short' }).format(
        Math.floor(at / 3_600_000) * 3_600_000,
      );
    // the hour the call was answered in (the accept click and the server's record are a moment apart)
    expect([hourOf(answeredAt - 5_000), hourOf(answeredAt + 5_000)]).toContain(
      await rows.first().locator('th').textContent(),
    );
    expect(Number(await history.getByTestId('chart-asa').locator('svg').getAttribute('data-bars'))).toBe(1);
    await look(supervisor, 'supervisor-history-hourly');
  });

  it('Audit log: an empty search is refused; a search by clerk lists that clerk’s reads', async () => {
    await supervisor.getByRole('link', { name: 'Hozzáférési napló' }).click();
    const audit = supervisor.getByTestId('audit');
    await audit.getByLabel('Ügyszám').fill('');
    await audit.getByRole('button', { name: 'Keresés' }).click();
    await expect.poll(() => audit.getByRole('alert').textContent()).toContain('Adjon meg egy ügyszámot vagy egy ügyintézőt.');

    await audit.getByLabel('Ügyintéző azonosítója').fill('clerk2');
    await audit.getByRole('button', { name: 'Keresés' }).click();
    const rows = audit.getByTestId('audit-row');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const actors = await rows.evaluateAll((r) => r.map((row) => row.getAttribute('data-actor')));
    expect(new Set(actors)).toEqual(new Set(['clerk2']));
    expect(await audit.locator('[data-action="document.opened"]').count()).toBe(1);
    await look(supervisor, 'supervisor-audit-by-clerk');

    expect(problems, describeProblems(problems)).toEqual([]);
  });
});

/** Opens the citizen's document from the documents panel in a viewer, checks it shows, closes it. */
async function viewDocument(page: Page): Promise<void> {
  await page.getByTestId('documents').getByText(DOCUMENT).waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: `Megtekintés: ${DOCUMENT}` }).click();
  const viewer = page.getByTestId('document-viewer');
  await viewer.getByRole('img', { name: DOCUMENT }).waitFor();
  await expect
    .poll(() => viewer.getByRole('img').evaluate((img) => (img as HTMLImageElement).naturalWidth))
    .toBe(1);
  await viewer.getByRole('button', { name: 'Bezárás' }).click();
  await viewer.waitFor({ state: 'detached' });
}
