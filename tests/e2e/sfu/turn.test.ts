import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PeerId, RoomId, type MediaAccess, type MediaGrantClaims } from '@ablak/protocol';
import { launchBrowser, type TestBrowser } from '@ablak/tests/harness';
import { makeTestCertificate, startCoturn, type CoturnServer, type TestCertificate } from '@ablak/infra';
import { MediaClient, startSfu, type SfuFixture } from '../../integration/sfu/fixture';
import { bundleTestPage, servePage, type PageServer } from './bundle';

let turn: CoturnServer;
let cert: TestCertificate;
let sfu: SfuFixture;
/** A second node whose join answers name only the `turns:` URL (TURN over TLS). */
let tlsSfu: SfuFixture;
let pageServer: PageServer;
let browser: TestBrowser;

beforeAll(async () => {
  cert = await makeTestCertificate(['127.0.0.1']);
  turn = await startCoturn({ tls: cert });
  const [fixture, tlsFixture, bundle] = await Promise.all([
    startSfu({ SFU_WORKERS: '1', TURN_URLS: turn.urls.join(','), TURN_SECRET: turn.secret }),
    startSfu({ SFU_WORKERS: '1', TURN_URLS: turn.tlsUrls.join(','), TURN_SECRET: turn.secret }),
    bundleTestPage(),
  ]);
  sfu = fixture;
  tlsSfu = tlsFixture;
  pageServer = await servePage(bundle);
  // Chromium checks the TURN server's certificate (an untrusted one fails with ICE error 701): trust
  // exactly this test certificate's key, as a browser trusts a real TURN host's CA-signed certificate.
  browser = await launchBrowser({ extraArgs: [`--ignore-certificate-errors-spki-list=${cert.spkiSha256}`] });
});
afterAll(async () => {
  await browser?.close();
  await pageServer?.close();
  await sfu?.close();
  await tlsSfu?.close();
  await turn?.stop();
  cert?.close();
});

async function openPage(): Promise<Page> {
  const page = await browser.context.newPage();
  await page.goto(pageServer.url);
  await page.waitForFunction(() => window.ablakTest !== undefined);
  return page;
}

function access(room: RoomId, peer: string, claims: Partial<MediaGrantClaims> = {}, node: SfuFixture = sfu): MediaAccess {
  return { sfuUrl: node.url, room, grant: node.grant({ room, peer: PeerId.parse(peer), ...claims }), iceServers: [] };
}

describe('TURN (coturn) with REST credentials from the SFU', () => {
  it('accepts the credential of a join answer (relay candidate) and refuses a forged one', async () => {
    const client = await MediaClient.connect(sfu.url, sfu.grant({ room: RoomId.parse('turn-probe'), peer: PeerId.parse('probe-1') }));
    const joined = await client.must('media:join', { createSendTransport: false, createRecvTransport: false });
    client.close();
    expect(joined.iceServers).toHaveLength(1);
    const server = joined.iceServers[0]!;
    const page = await openPage();
    const accepted = await page.evaluate((servers) => window.ablakTest.gatherCandidateTypes(servers), [server as RTCIceServer]);
    expect(accepted).toContain('relay');
    const forged = { ...server, credential: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' };
    const refused = await page.evaluate((servers) => window.ablakTest.gatherCandidateTypes(servers), [forged as RTCIceServer]);
    expect(refused).not.toContain('relay');
  });

  it('carries a call whose media goes only through the TURN relay', async () => {
    const room = RoomId.parse('turn-call');
    const a = await openPage();
    const b = await openPage();
    expect(await a.evaluate((x) => window.ablakTest.start(x, { publish: true, relayOnly: true }), access(room, 'citizen-t'))).toBe('connected');
    expect(await b.evaluate((x) => window.ablakTest.start(x, { publish: true, relayOnly: true }), access(room, 'clerk-t', { role: 'clerk' }))).toBe('connected');
    await expect
      .poll(
        async () => {
          const tracks = await a.evaluate(() => window.ablakTest.remote());
          return tracks.some((t) => t.kind === 'video' && t.framesDecoded > 0) && tracks.some((t) => t.kind === 'audio' && t.totalSamplesReceived > 0);
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe(true);
    const stats = await a.evaluate(() => window.ablakTest.stats());
    expect(stats?.relayed).toBe(true);
  });

  it('carries a call through TURN over TLS (turns:, TCP) when that is the only way out', async () => {
    const room = RoomId.parse('turns-call');
    const a = await openPage();
    const b = await openPage();
    expect(await a.evaluate((x) => window.ablakTest.start(x, { publish: true, relayOnly: true }), access(room, 'citizen-s', {}, tlsSfu))).toBe('connected');
    expect(await b.evaluate((x) => window.ablakTest.start(x, { publish: true, relayOnly: true }), access(room, 'clerk-s', { role: 'clerk' }, tlsSfu))).toBe('connected');
    await expect
      .poll(
        async () => {
          const tracks = await a.evaluate(() => window.ablakTest.remote());
          return tracks.some((t) => t.kind === 'video' && t.framesDecoded > 0);
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe(true);
    for (const page of [a, b]) {
      const selected = await page.evaluate(() => window.ablakTest.selectedLocalCandidates());
      expect(selected.length).toBeGreaterThan(0);
      expect(selected.every((c) => c.candidateType === 'relay' && c.relayProtocol === 'tls')).toBe(true);
    }
    await a.close();
    await b.close();
  });
});
