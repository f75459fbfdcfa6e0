import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SfuNodeId, type CallSummary, type MediaAccess, type Offer, type SfuNodeInfo } from '@ablak/protocol';
import type { RunningSignaling } from '@ablak/signaling';
import { expectOk, Fixture, type Client } from './harness';

/*
 * Issue 8: a clerk's console keeps a warm media session in its standby room; a call that is not placed
 * on an SFU node yet goes to the node where that session waits, so the session can switch into it.
 */
function claimsOf(grant: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(grant.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('clerk standby media', () => {
  const fx = new Fixture();
  let server: RunningSignaling;
  const node = (id: string, rooms: number, updatedAt = Date.now()): SfuNodeInfo => ({
    id: SfuNodeId.parse(id),
    url: `http://127.0.0.1:${id === 'sfu-a' ? 9001 : 9002}`,
    workers: 1,
    rooms,
    consumers: 0,
    cpu: 0,
    draining: false,
    updatedAt,
  });
  const putNodes = (a: number, b: number) =>
    Promise.all([server.context.store.putSfuNode(node('sfu-a', a)), server.context.store.putSfuNode(node('sfu-b', b))]);
  /** Both nodes stop heartbeating: a ticket created now cannot be placed (its citizen waits without media). */
  const nodesGone = () =>
    Promise.all([server.context.store.putSfuNode(node('sfu-a', 0, 0)), server.context.store.putSfuNode(node('sfu-b', 0, 0))]);

  beforeAll(async () => {
    server = await fx.server({ noSfu: true });
  });
  afterAll(() => fx.close());

  async function clerkOnline(username: string): Promise<Client> {
    const login = await fx.login(server.url, username);
    const clerk = await fx.connect(server.url, '/clerk', { token: login.token });
    expectOk(await clerk.request('clerk:hello'));
    return clerk;
  }

  /** A ticket created while no SFU node is live (so its room is not placed), then nodes at `load`, then the offer. */
  async function acceptUnplaced(clerk: Client, caseType: string, load: [number, number]): Promise<{ call: CallSummary; media: MediaAccess }> {
    await nodesGone();
    await fx.ticket(server.url, { caseType });
    await putNodes(...load);
    const offered = clerk.next<Offer>('offer:received');
    expectOk(await clerk.request('clerk:set-state', { state: 'available' }));
    const offer = await offered;
    return expectOk(await clerk.request<{ call: CallSummary; media: MediaAccess }>('offer:accept', { ticketId: offer.ticketId }));
  }

  it('grants the clerk its own standby room and places an unplaced call on that node', async () => {
    await putNodes(0, 50);
    const clerk = await clerkOnline('c2');
    const standby = expectOk(await clerk.request<{ media: MediaAccess }>('clerk:standby-media')).media;
    expect(standby.sfuUrl).toBe('http://127.0.0.1:9001');
    const claims = claimsOf(standby.grant);
    expect(claims).toMatchObject({ room: standby.room, role: 'clerk', canPublish: true, canSubscribe: true, hidden: false });
    expect(String(claims['room'])).toMatch(/^standby-/);
    // The same clerk asking again (a reload) gets the same room on the same node.
    const again = expectOk(await clerk.request<{ media: MediaAccess }>('clerk:standby-media')).media;
    expect(again.room).toBe(standby.room);
    expect(again.sfuUrl).toBe(standby.sfuUrl);

    // Load flips: node B is now the least loaded, but the call follows the clerk's warm session to A.
    const { media } = await acceptUnplaced(clerk, 'ID-01', [50, 0]);
    expect(media.sfuUrl).toBe(standby.sfuUrl);
    expect(claimsOf(media.grant)).toMatchObject({ peer: claims['peer'], role: 'clerk' });
    expect(media.room).not.toBe(standby.room);
  });

  it('places the call of a clerk without a warm session on the least-loaded node', async () => {
    const clerk = await clerkOnline('c3');
    const { media } = await acceptUnplaced(clerk, 'DRV-01', [50, 0]);
    expect(media.sfuUrl).toBe('http://127.0.0.1:9002');
  });

  it('grants a second standby room on the node of the offered call (a satellite), only while the offer is the clerk\'s', async () => {
    await putNodes(0, 50);
    const clerk = await clerkOnline('c1');
    const standby = expectOk(await clerk.request<{ media: MediaAccess }>('clerk:standby-media')).media;
    expect(standby.sfuUrl).toBe('http://127.0.0.1:9001');
    // The citizen arrives when node B is the least loaded: its room (where it waits warm) is there.
    await putNodes(50, 0);
    const ticket = await fx.ticket(server.url, { caseType: 'ID-01' });
    const offered = clerk.next<Offer>('offer:received');
    expectOk(await clerk.request('clerk:set-state', { state: 'available' }));
    const offer = await offered;
    expect(offer.ticketId).toBe(ticket.ticketId);
    const prepare = expectOk(await clerk.request<{ media: MediaAccess }>('offer:prepare-media', { ticketId: offer.ticketId })).media;
    expect(prepare.sfuUrl).toBe('http://127.0.0.1:9002');

    const satellite = expectOk(await clerk.request<{ media: MediaAccess }>('clerk:standby-media', { near: offer.ticketId })).media;
    expect(satellite.sfuUrl).toBe(prepare.sfuUrl);
    expect(satellite.room).not.toBe(standby.room);
    expect(String(satellite.room)).toMatch(/^standby-c1\./);
    const claims = claimsOf(satellite.grant);
    expect(claims).toMatchObject({ room: satellite.room, peer: 'clerk-c1', role: 'clerk', canPublish: true, canSubscribe: true });
    expect(claims['prepare']).toBeUndefined();
    // Asked again (the next offer from that node): the same room on the same node, whatever the load.
    await putNodes(0, 50);
    const again = expectOk(await clerk.request<{ media: MediaAccess }>('clerk:standby-media', { near: offer.ticketId })).media;
    expect([again.room, again.sfuUrl]).toEqual([satellite.room, satellite.sfuUrl]);
    // The own standby room is untouched.
    expect(expectOk(await clerk.request<{ media: MediaAccess }>('clerk:standby-media')).media.room).toBe(standby.room);

    const other = await fx.ticket(server.url, { caseType: 'ID-01' });
    const refused = await clerk.request('clerk:standby-media', { near: other.ticketId });
    expect(refused.ok ? undefined : refused.error.code).toBe('OFFER_NOT_YOURS');
    expectOk(await clerk.request('offer:decline', { ticketId: offer.ticketId }));
    const late = await clerk.request('clerk:standby-media', { near: offer.ticketId });
    expect(late.ok ? undefined : late.error.code).toBe('OFFER_NOT_YOURS');
    expectOk(await clerk.request('clerk:set-state', { state: 'offline' }));
  });

  it('hands a prepare grant for the offered call only while the offer is the clerk\'s', async () => {
    await putNodes(0, 50);
    const clerk = await clerkOnline('c4');
    await fx.ticket(server.url, { caseType: 'FAM-01' });
    const offered = clerk.next<Offer>('offer:received');
    expectOk(await clerk.request('clerk:set-state', { state: 'available' }));
    const offer = await offered;
    const { media } = expectOk(await clerk.request<{ media: MediaAccess }>('offer:prepare-media', { ticketId: offer.ticketId }));
    const claims = claimsOf(media.grant);
    expect(claims).toMatchObject({ room: media.room, role: 'clerk', prepare: true, peer: 'clerk-c4' });
    expect(String(claims['room'])).toMatch(/^room-/);
    // Lives as long as the offer (a second here) plus a margin, not the usual ten minutes.
    expect(Number(claims['exp']) - Number(claims['iat'])).toBeLessThanOrEqual(7);
    const other = `${offer.ticketId.slice(0, -1)}${offer.ticketId.endsWith('0') ? '1' : '0'}`;
    const refused = await clerk.request('offer:prepare-media', { ticketId: other });
    expect(refused.ok ? undefined : refused.error.code).toBe('OFFER_NOT_YOURS');
    // The offer times out (1 s in this queue): no more preparing for it.
    await clerk.next('offer:withdrawn');
    const late = await clerk.request('offer:prepare-media', { ticketId: offer.ticketId });
    expect(late.ok ? undefined : late.error.code).toBe('OFFER_NOT_YOURS');
  });

  it('refuses a malformed request with a typed error', async () => {
    const clerk = await clerkOnline('c4');
    const res = await clerk.request('clerk:standby-media', { room: 'someone-else' });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.code).toBe('BAD_REQUEST');
    const bad = await clerk.request('clerk:standby-media', { near: { $gt: '' } });
    expect(bad.ok ? undefined : bad.error.code).toBe('BAD_REQUEST');
  });
});
