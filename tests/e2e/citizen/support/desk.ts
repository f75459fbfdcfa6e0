import { afterAll, beforeAll } from 'vitest';
import type { CaseType } from '@ablak/protocol';
import { launchBrowser, type TestBrowser } from '@ablak/tests/harness';
import { login } from './clerk';
import { caseTypeFor } from './flow';
import { startServer, type RunningServer } from './server';

export interface CitizenDesk {
  server: RunningServer;
  browser: TestBrowser;
  /** A case type clerk1 serves, so a clerk can take the ticket. */
  caseType: CaseType;
}

/**
 * Registers the suite's beforeAll/afterAll: the real server, one Chromium, and a case type of clerk1's.
 * The returned object is filled in once beforeAll has run.
 */
export function useCitizenDesk(): CitizenDesk {
  const desk = {} as CitizenDesk;
  beforeAll(async () => {
    desk.server = await startServer();
    desk.browser = await launchBrowser();
    const clerk = await login(desk.server.url, 'clerk1');
    desk.caseType = await caseTypeFor(
      desk.server.url,
      clerk.user.skills.map((s) => s.queue),
    );
  });
  afterAll(async () => {
    await desk.browser?.close();
    await desk.server?.close();
  });
  return desk;
}
