import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { networkInterfaces } from 'node:os';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { RunningSignaling } from '@ablak/signaling';
import { makeTestCertificate, type TestCertificate } from '@ablak/infra';
import { ensureAppBuilt, freePort, launchBrowser, startDesk, type TestBrowser } from '@ablak/tests/harness';
import { TestClerk, login } from '../citizen/support/clerk';
import { startClerkMedia } from '../citizen/support/clerk-media';
import { caseTypeFor, walkToWaitingRoom } from '../citizen/support/flow';
import { trackPeerConnections, waitForFramesDecoded } from '../citizen/support/page';

/**
 * The desk as another machine sees it: served by signaling's own TLS (TLS_CERT_FILE, TLS_KEY_FILE)
 * under a name that is not localhost (so only HTTPS makes the page a secure origin that may use the
 * camera), with media announced on this machine's network address instead of loopback. Chromium
 * trusts exactly the test certificate's key (--ignore-certificate-errors-spki-list), nothing else.
 */
const NAME = 'desk.ablak.test';

/** This machine's first non-loopback IPv4 address (what another machine would reach), else 127.0.0.1. */
function lanAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

const address = lanAddress();
let cert: TestCertificate;
let otherCert: TestCertificate;
let desk: RunningSignaling;
let deskUrl: string;
let citizenBrowser: TestBrowser;
let clerkBrowser: TestBrowser;

beforeAll(async () => {
  ensureAppBuilt('web-client');
  [cert, otherCert] = await Promise.all([makeTestCertificate([NAME, address]), makeTestCertificate([NAME, address])]);
  // The test process (Node's fetch and Socket.IO client) trusts the desk's certificate as well.
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), cert.cert]);
  const port = await freePort();
  deskUrl = `https://${NAME}:${port}`;
  desk = await startDesk({
    PORT: String(port),
    HOST: '0.0.0.0',
    PUBLIC_URL: deskUrl,
    TLS_CERT_FILE: cert.certFile,
    TLS_KEY_FILE: cert.keyFile,
    SFU_ANNOUNCED_IP: address,
  });
  const browserArgs = [`--host-resolver-rules=MAP ${NAME} ${address}`, `--ignore-certificate-errors-spki-list=${cert.spkiSha256}`];
  [citizenBrowser, clerkBrowser] = await Promise.all([
    launchBrowser({ extraArgs: browserArgs }),
    launchBrowser({ extraArgs: browserArgs }),
  ]);
});
afterAll(async () => {
  await citizenBrowser?.close();
  await clerkBrowser?.close();
  await desk?.close();
  cert?.close();
  otherCert?.close();
});

/** The address and protocol of the SFU candidate each selected ICE pair of the page uses. */
async function remoteCandidates(page: Page): Promise<{ address: string; protocol: string }[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __pcs?: RTCPeerConnection[] }).__pcs ?? [];
    const out: { address: string; protocol: string }[] = [];
    for (const pc of pcs) {
      if (pc.connectionState !== 'connected') continue;
      const reports: Record<string, unknown>[] = [];
      (await pc.getStats()).forEach((r: Record<string, unknown>) => reports.push(r));
      for (const pair of reports) {
        if (pair['type'] !== 'candidate-pair' || pair['state'] !== 'succeeded' || pair['nominated'] !== true) continue;
        const remote = reports.find((r) => r['id'] === pair['remoteCandidateId']);
        if (remote) out.push({ address: String(remote['address']), protocol: String(remote['protocol']) });
      }
    }
    return out;
  });
}

describe('serving the desk to other machines over HTTPS', () => {
  it('serves HTTPS only, with the configured certificate', async () => {
    expect(desk.url.startsWith('https://')).toBe(true);
    const peer = await new Promise<{ subjectaltname?: string }>((resolve, reject) => {
      const req = https.get({ host: address, port: desk.port, path: '/healthz', ca: cert.cert }, (res) => {
        resolve(res.socket instanceof tls.TLSSocket ? res.socket.getPeerCertificate() : {});
        res.resume();
      });
      req.on('error', reject);
    });
    expect(peer.subjectaltname).toContain(`DNS:${NAME}`);
    const plain = await fetch(`http://${address}:${desk.port}/healthz`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(plain).not.toBe(200);
  });

  it('is refused by a browser when the certificate is not the trusted key', async () => {
    await using other = await serveWith(otherCert);
    const page = await citizenBrowser.context.newPage();
    const error = await page.goto(`https://${NAME}:${other.port}/`).then(
      () => 'loaded',
      (e: Error) => e.message,
    );
    expect(error).toMatch(/ERR_CERT_AUTHORITY_INVALID/);
    await page.close();
  });

  it('gives a page of the same name over plain HTTP no camera at all (why HTTPS is needed)', async () => {
    const server = http.createServer((_req, res) => res.end('<!doctype html><title>plain</title>'));
    await new Promise<void>((resolve) => server.listen(0, address, resolve));
    const addr = server.address();
    const page = await citizenBrowser.context.newPage();
    try {
      await page.goto(`http://${NAME}:${typeof addr === 'object' && addr ? addr.port : 0}/`);
      expect(await page.evaluate(() => ({ secure: window.isSecureContext, media: 'mediaDevices' in navigator }))).toEqual({
        secure: false,
        media: false,
      });
    } finally {
      await page.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('gives a citizen the camera on the secure origin and connects a call with video', async () => {
    const clerkSession = await login(`https://${address}:${desk.port}`, 'clerk1');
    const caseType = await caseTypeFor(
      `https://${address}:${desk.port}`,
      clerkSession.user.skills.map((s) => s.queue),
    );
    const page = await citizenBrowser.context.newPage();
    await trackPeerConnections(page);
    // the device check passes (live camera) only where getUserMedia is allowed: a secure origin
    await walkToWaitingRoom(page, deskUrl, caseType, 'Anna');
    expect(new URL(page.url()).hostname).toBe(NAME);
    expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
    expect(await page.evaluate(async () => (await navigator.mediaDevices.enumerateDevices()).some((d) => d.kind === 'videoinput'))).toBe(true);

    const clerk = await TestClerk.connect(`https://${address}:${desk.port}`, 'clerk1');
    try {
      await clerk.request('clerk:set-state', { state: 'available' });
      const offer = await clerk.next('offer:received');
      const { media } = await clerk.request('offer:accept', { ticketId: offer.ticketId });
      expect(media.sfuUrl).toBe(deskUrl);
      const clerkPage = await clerkBrowser.context.newPage();
      await startClerkMedia(clerkPage, deskUrl, media);
      expect(await waitForFramesDecoded(page, 10, 45_000)).toBeGreaterThanOrEqual(10);
      // media came from the announced address, not from loopback
      const candidates = await remoteCandidates(page);
      expect(candidates.length).toBeGreaterThan(0);
      expect(candidates.every((c) => c.address === address)).toBe(true);
      await clerkPage.close();
    } finally {
      clerk.close();
      await page.close();
    }
  });
});

/** A bare HTTPS server with another certificate for the same name, on the same address. */
async function serveWith(other: TestCertificate): Promise<{ port: number; [Symbol.asyncDispose](): Promise<void> }> {
  const server = https.createServer({ cert: readFileSync(other.certFile), key: readFileSync(other.keyFile) }, (_req, res) => res.end('other'));
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
