import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { RoomId } from '@ablak/protocol';
import { launchBrowser, type TestBrowser } from '@ablak/tests/harness';
import { decodesFrom, remote, useSfuPages } from './fixture';

/*
 * Issue 8's warm path at the SFU: a clerk's session waits connected in its own standby room (camera
 * and mic published paused, receive transport already through ICE and DTLS) and *switches* into each
 * call's room. Two workers, so the standby room and the call rooms usually sit on different workers
 * and the tracks cross between routers through pipes.
 */
const pages = useSfuPages({ SFU_WORKERS: '2' });
const { access, openPage, browsers } = pages;
const STANDBY = RoomId.parse('standby-clerk-7');
const clerkAccess = (room: RoomId) => access(room, 'clerk-7', { role: 'clerk', name: 'Clerk Seven' });

const opened = (page: Page): Promise<number> => page.evaluate(() => window.ablakTest.peerConnectionsOpened());

/** A citizen waiting warm in its call room: published paused, both transports connected. */
async function warmCitizen(browser: TestBrowser, room: RoomId, peer: string): Promise<Page> {
  const page = await openPage(browser);
  expect(await page.evaluate((a) => window.ablakTest.start(a, { publish: true, paused: true, simulcast: false }), access(room, peer))).toBe('connected');
  return page;
}

describe('a warm session switches into call rooms', () => {
  it('enters two calls in turn without opening a peer connection, and both sides decode each time', async () => {
    const [first, second] = [await launchBrowser(), await launchBrowser()];
    browsers.push(first, second);
    const clerk = await openPage(first);
    expect(await clerk.evaluate((a) => window.ablakTest.start(a, { publish: true, paused: true, simulcast: false }), clerkAccess(STANDBY))).toBe(
      'connected',
    );
    const clerkConnections = await opened(clerk);
    const standbyWorker = pages.sfu.node.roomWorker(STANDBY)?.index;
    expect(standbyWorker).toBeDefined();
    const callWorkers: (number | undefined)[] = [];
    // Standby: nobody else, nothing received; the session holds its send and receive transports.
    expect(await remote(clerk)).toEqual([]);

    for (const [index, callRoom] of [RoomId.parse('call-warm-1'), RoomId.parse('call-warm-2')].entries()) {
      const citizenId = `citizen-w${index}`;
      const citizen = await warmCitizen(second, callRoom, citizenId);
      const citizenConnections = await opened(citizen);

      expect(await clerk.evaluate((a) => window.ablakTest.switchRoom(a), clerkAccess(callRoom))).toBe('ok');
      await Promise.all([clerk.evaluate(() => window.ablakTest.unmuteAll()), citizen.evaluate(() => window.ablakTest.unmuteAll())]);
      callWorkers.push(pages.sfu.node.roomWorker(callRoom)?.index);
      await decodesFrom(clerk, [citizenId]);
      await decodesFrom(citizen, ['clerk-7']);
      expect(await clerk.evaluate(() => window.ablakTest.peers())).toEqual([citizenId]);
      expect(await citizen.evaluate(() => window.ablakTest.peers())).toEqual(['clerk-7']);
      // The pre-warmed path really is used: no peer connection was opened on either side for the call.
      expect(await opened(clerk)).toBe(clerkConnections);
      expect(await opened(citizen)).toBe(citizenConnections);

      await clerk.evaluate(() => window.ablakTest.muteAll());
      if (index === 0) {
        // The call ends (signaling closes its room): the citizen's session closes, the clerk's stays
        // connected and warm, with the citizen's tracks gone.
        expect(pages.sfu.node.closeRoom(callRoom, 'clerk_ended')).toBe(true);
        await expect.poll(() => citizen.evaluate(() => window.ablakTest.state()), { timeout: 10_000 }).toBe('closed');
      } else {
        // The clerk goes back to standby on its own (a fleet SFU closes rooms only when empty): the
        // citizen sees the clerk leave, and the call room closes once the citizen leaves too.
        await clerk.evaluate(() => window.ablakTest.returnHome());
        await expect.poll(() => citizen.evaluate(() => window.ablakTest.peers()), { timeout: 10_000 }).toEqual([]);
        await expect.poll(async () => (await remote(citizen)).length, { timeout: 10_000 }).toBe(0);
        await citizen.evaluate(() => window.ablakTest.close());
        await expect.poll(() => pages.sfu.node.roomWorker(callRoom), { timeout: 10_000 }).toBeUndefined();
      }
      await expect.poll(async () => (await remote(clerk)).length, { timeout: 10_000 }).toBe(0);
      const events = await clerk.evaluate(() => window.ablakTest.events());
      expect(events.filter((e) => e.event === 'room-left')).toHaveLength(1);
      expect(events.filter((e) => e.event === 'room-closed')).toEqual([]);
      expect(await clerk.evaluate(() => window.ablakTest.state())).toBe('connected');
      await citizen.close();
    }
    // Least-loaded placement put at least one call on the other worker: those tracks crossed routers.
    expect(callWorkers.some((w) => w !== undefined && w !== standbyWorker)).toBe(true);
    // The standby room outlived both calls (the clerk's transports live there).
    expect(pages.sfu.node.roomWorker(STANDBY)?.index).toBe(standbyWorker);
  });

  it('refuses a switch with a grant for another peer, a forged grant, or before joining, and changes nothing', async () => {
    const browser = await launchBrowser();
    browsers.push(browser);
    const callRoom = RoomId.parse('call-warm-refusals');
    const citizen = await warmCitizen(browser, callRoom, 'citizen-r1');
    const clerk = await openPage(browser);
    const standby = RoomId.parse('standby-clerk-8');
    expect(
      await clerk.evaluate((a) => window.ablakTest.start(a, { publish: true, paused: true, simulcast: false }), access(standby, 'clerk-8', { role: 'clerk' })),
    ).toBe('connected');

    // Another peer's grant (the citizen's own), a clerk grant for a different clerk, a forged one.
    expect(await clerk.evaluate((a) => window.ablakTest.switchRoom(a), access(callRoom, 'citizen-r1'))).toBe('FORBIDDEN');
    expect(await clerk.evaluate((a) => window.ablakTest.switchRoom(a), access(callRoom, 'clerk-9', { role: 'clerk' }))).toBe('FORBIDDEN');
    const forged = { ...access(callRoom, 'clerk-8', { role: 'clerk' }) };
    forged.grant = `${forged.grant.slice(0, -4)}AAAA`;
    expect(await clerk.evaluate((a) => window.ablakTest.switchRoom(a), forged)).toBe('GRANT_INVALID');
    // A room on another media server is refused by the client before anything is sent.
    expect(await clerk.evaluate((a) => window.ablakTest.switchRoom(a), { ...access(callRoom, 'clerk-8', { role: 'clerk' }), sfuUrl: 'http://127.0.0.9:1' })).toBe(
      'OTHER_NODE',
    );
    // Nothing changed: the citizen still sees nobody, the clerk is still alone and connected.
    expect(await citizen.evaluate(() => window.ablakTest.peers())).toEqual([]);
    expect(await clerk.evaluate(() => window.ablakTest.peers())).toEqual([]);
    expect(await clerk.evaluate(() => window.ablakTest.state())).toBe('connected');
    const seen = await citizen.evaluate(() => window.ablakTest.events());
    expect(seen.filter((e) => e.peerId === 'clerk-8')).toEqual([]);
  });
});
