/**
 * Two SFU nodes (issue 8, fleet): the clerk's standby session waits on one node, the citizen waits warm
 * in the ticket's room on the other. A session can only switch into a room of its own node, so while
 * the offer is on screen the console opens a second warm session on the citizen's node (a satellite)
 * and prepares it; accepting then opens no peer connection at all, and both sides decode video. The
 * satellite stays while the standby does (the shift; wrap-up releases the camera and both sessions),
 * so another offer from that node needs no new connection either.
 * Real embedded server, a second real SFU node on its own port, real Chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { parseSfuConfig, SfuNode, startSfuHttpServer, type SfuHttpServer } from '@ablak/sfu';
import { RoomId, type CreateTicketResponse, type MediaAccess } from '@ablak/protocol';
import { freePort, launchBrowser, type TestBrowser } from '@ablak/tests/harness';
import type { RunningSignaling } from '@ablak/signaling';
import { TestCitizen, closeMediaPageServer } from './citizen';
import { clerkState, openConsole, peerConnectionsOpened, setClerkState, standbyReady } from './console-page';
import { waitForDecodedVideo } from './page-tools';
import { startConsoleServer } from './server';

const CASE_TYPE = 'szemelyi.adult.first';
const CLERK_PEER = 'clerk-clerk1';
const NODE_B = 'sfu-fleet-b';

describe('a clerk console in a fleet of two SFU nodes', () => {
  let server: RunningSignaling;
  let nodeB: SfuNode;
  let httpB: SfuHttpServer;
  let browser: TestBrowser;
  let clerk: Page;
  const citizens: TestCitizen[] = [];

  beforeAll(async () => {
    server = await startConsoleServer({ offerTimeoutSeconds: 60, wrapUpSeconds: 300 });
    const port = await freePort();
    const store = server.context.store;
    nodeB = await SfuNode.create(
      parseSfuConfig({
        NODE_ENV: 'test',
        PORT: String(port),
        SFU_NODE_ID: NODE_B,
        SFU_PUBLIC_URL: `http://127.0.0.1:${port}`,
        SFU_WORKERS: '1',
        SFU_RTC_PORT_BASE: '0',
        SFU_LOG_LEVEL: 'warn',
        SFU_HEARTBEAT_MS: '1000',
        MEDIA_GRANT_SECRET: server.context.config.mediaGrantSecret,
      }),
      {
        logger: server.context.logger.child({ node: NODE_B }),
        registry: { publish: (info) => store.putSfuNode(info), remove: (id) => store.removeSfuNode(id) },
      },
    );
    httpB = await startSfuHttpServer(nodeB, { port });
    for (let i = 0; !(await store.liveSfuNodes(Date.now())).some((n) => n.id === NODE_B); i++) {
      if (i > 100) throw new Error('node B never registered');
      await new Promise((r) => setTimeout(r, 100));
    }
    browser = await launchBrowser({ viewport: { width: 1024, height: 768 } });
  });

  afterAll(async () => {
    for (const c of citizens) await c.close();
    await browser?.close();
    await closeMediaPageServer();
    await httpB?.close();
    await nodeB?.close();
    await server?.close();
  });

  /** A citizen whose ticket room is placed on node B, waiting warm there (media published). */
  async function citizenOnNodeB(name: string): Promise<TestCitizen> {
    const placeOnB = async (ticket: CreateTicketResponse) => {
      const record = await server.context.store.getTicket(ticket.ticketId);
      if (!record) throw new Error('the ticket was not stored');
      await server.context.kv.set(`room:${RoomId.parse(record.room)}`, NODE_B, 3600);
    };
    const citizen = await TestCitizen.join(server.url, CASE_TYPE, name, placeOnB);
    citizens.push(citizen);
    const media = citizen.waitingMedia as MediaAccess;
    expect(media.sfuUrl).toBe(httpB.url);
    await citizen.startMedia(browser, media);
    return citizen;
  }

  /** Accepts the offer on screen once it is prepared; the citizen and the clerk then decode each other. */
  async function acceptPrepared(citizen: TestCitizen): Promise<void> {
    await clerk.locator('[data-testid="offer-card"][data-prepared="yes"]').waitFor({ timeout: 30_000 });
    const before = await peerConnectionsOpened(clerk);
    await clerk.keyboard.press('Enter');
    await clerk.getByTestId('call-screen').waitFor({ timeout: 10_000 });
    const matched = await citizen.next('call:matched');
    expect(matched.media.sfuUrl).toBe(httpB.url);
    await waitForDecodedVideo(clerk, '[data-testid="remote-video"]', 30_000);
    await expect
      .poll(async () => (await citizen.decodedVideoFrames())[CLERK_PEER] ?? 0, { timeout: 30_000 })
      .toBeGreaterThan(10);
    expect(await peerConnectionsOpened(clerk), 'peer connections opened after accept').toBe(before);
  }

  it('prepares a second warm session on the citizen’s node during the offer, and accepting opens no connection', async () => {
    // The clerk's standby room goes on the embedded node (placement would pick either: both are empty).
    const nodeA = (await server.context.store.liveSfuNodes(Date.now())).find((n) => n.id !== NODE_B);
    if (!nodeA) throw new Error('the embedded SFU node is not registered');
    await server.context.kv.set('room:standby-clerk1', nodeA.id, 3600);
    clerk = await openConsole(browser, server.url, 'clerk1');
    await clerk.getByRole('button', { name: 'Minden rendben, kezdhetem' }).click();
    await clerk.getByTestId('idle-message').waitFor();
    await setClerkState(clerk, 'Elérhető', 'available');
    await standbyReady(clerk);
    const atStandby = await peerConnectionsOpened(clerk);

    const citizen = await citizenOnNodeB('Elek');
    await acceptPrepared(citizen);
    // The satellite: one send and one receive transport on node B, opened during the offer.
    expect(await peerConnectionsOpened(clerk)).toBe(atStandby + 2);

    await clerk.getByRole('button', { name: 'Hívás befejezése' }).click();
    await clerk.getByTestId('wrapup').waitFor({ timeout: 10_000 });
    await clerk.getByRole('button', { name: 'Kész, elérhető vagyok' }).click();
    await expect.poll(() => clerkState(clerk)).toBe('available');
  });

  it('keeps the satellite while the shift goes on: an offer declined and offered again needs no new connection', async () => {
    const citizen = await citizenOnNodeB('Ilona');
    await clerk.locator('[data-testid="offer-card"][data-prepared="yes"]').waitFor({ timeout: 30_000 });
    const prepared = await peerConnectionsOpened(clerk);
    await clerk.getByRole('button', { name: 'Elutasítás' }).click();
    await clerk.getByTestId('offer-card').waitFor({ state: 'detached', timeout: 10_000 });
    // The only clerk gets the ticket again after the reject delay (10 s); the satellite is still there.
    await clerk.getByTestId('offer-card').waitFor({ timeout: 30_000 });
    await acceptPrepared(citizen);
    expect(await peerConnectionsOpened(clerk)).toBe(prepared);
  });
});
