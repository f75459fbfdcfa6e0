import { afterAll, beforeAll, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { PeerId, type MediaAccess, type MediaGrantClaims, type RoomId } from '@ablak/protocol';
import type { TestBrowser } from '@ablak/tests/harness';
import { startSfu, type SfuFixture } from '../../integration/sfu/fixture';
import { bundleTestPage, servePage, type PageServer } from './bundle';

export type RemoteReport = Awaited<ReturnType<Window['ablakTest']['remote']>>;

export interface SfuPages {
  /** The real SFU node (set once `beforeAll` ran). */
  readonly sfu: SfuFixture;
  /** Browsers a test launched; closed after the file. */
  readonly browsers: TestBrowser[];
  /** Media access to `room` as `peer` (grant claims overridable); `askFor` names the room the client expects. */
  access(room: RoomId, peer: string, claims?: Partial<MediaGrantClaims>, askFor?: RoomId): MediaAccess;
  /** A new tab on the test page (tests/e2e/sfu/page/app.ts), ready to drive through `window.ablakTest`. */
  openPage(browser: TestBrowser): Promise<Page>;
}

/**
 * One real SFU node and the bundled test page for a file of SFU browser tests, started in `beforeAll`
 * and closed (with every browser in `browsers`) in `afterAll`.
 */
export function useSfuPages(env: Record<string, string>): SfuPages {
  let sfu: SfuFixture | undefined;
  let pageServer: PageServer | undefined;
  const browsers: TestBrowser[] = [];
  beforeAll(async () => {
    const [fixture, bundle] = await Promise.all([startSfu(env), bundleTestPage()]);
    sfu = fixture;
    pageServer = await servePage(bundle);
  });
  afterAll(async () => {
    for (const b of browsers) await b.close();
    await pageServer?.close();
    await sfu?.close();
  });
  const started = (): { sfu: SfuFixture; pageServer: PageServer } => {
    if (!sfu || !pageServer) throw new Error('the SFU fixture is not started (use it inside a test)');
    return { sfu, pageServer };
  };
  return {
    get sfu() {
      return started().sfu;
    },
    browsers,
    access(room, peer, claims = {}, askFor = room) {
      const node = started().sfu;
      return { sfuUrl: node.url, room: askFor, grant: node.grant({ room, peer: PeerId.parse(peer), ...claims }), iceServers: [] };
    },
    async openPage(browser) {
      const page = await browser.context.newPage();
      page.on('pageerror', (error) => console.error('[page error]', error.message));
      await page.goto(started().pageServer.url);
      await page.waitForFunction(() => window.ablakTest !== undefined);
      return page;
    },
  };
}

/** What a page receives: per remote track, frames or samples decoded. */
export const remote = (page: Page): Promise<RemoteReport> => page.evaluate(() => window.ablakTest.remote());

/** Polls until `page` decodes video and audio from every peer in `from`; answers what it receives then. */
export async function decodesFrom(page: Page, from: readonly string[]): Promise<RemoteReport> {
  let last: RemoteReport = [];
  await expect
    .poll(
      async () => {
        last = await remote(page);
        return from.every(
          (peer) =>
            last.some((t) => t.peerId === peer && t.kind === 'video' && t.framesDecoded > 0) &&
            last.some((t) => t.peerId === peer && t.kind === 'audio' && t.totalSamplesReceived > 0),
        );
      },
      { timeout: 60_000, interval: 500 },
    )
    .toBe(true);
  return last;
}
