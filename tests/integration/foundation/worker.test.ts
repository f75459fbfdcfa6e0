import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { freePort } from '@ablak/tests/harness';

// The offline-built worker (sfu/scripts/build-worker.sh) must be a working mediasoup-worker: it has to
// start, negotiate codecs, open ICE ports on loopback and complete a DTLS-capable transport setup.
describe('the mediasoup worker built from Debian packages', () => {
  let worker: types.Worker;

  beforeAll(async () => {
    worker = await mediasoup.createWorker({ logLevel: 'warn' });
  });
  afterAll(() => {
    worker?.close();
  });

  it('starts a worker process that reports its resource usage', async () => {
    expect(worker.pid).toBeGreaterThan(0);
    const usage = await worker.getResourceUsage();
    expect(usage.ru_maxrss).toBeGreaterThan(0);
  });

  it('creates a router with Opus, VP8 and H264 and answers with those codecs', async () => {
    const router = await worker.createRouter({
      mediaCodecs: [
        { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
        { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
        {
          kind: 'video',
          mimeType: 'video/H264',
          clockRate: 90000,
          parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
        },
      ],
    });
    const mimeTypes = router.rtpCapabilities.codecs?.map((c) => c.mimeType) ?? [];
    expect(mimeTypes).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8', 'video/H264']));
    router.close();
    expect(router.closed).toBe(true);
  });

  it('listens on 127.0.0.1 through a WebRtcServer and gives a transport ICE candidates and DTLS fingerprints', async () => {
    const port = await freePort();
    const webRtcServer = await worker.createWebRtcServer({
      listenInfos: [
        { protocol: 'udp', ip: '127.0.0.1', port },
        { protocol: 'tcp', ip: '127.0.0.1', port },
      ],
    });
    const router = await worker.createRouter({
      mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
    });
    const transport = await router.createWebRtcTransport({ webRtcServer, enableUdp: true, enableTcp: true });
    const candidates = transport.iceCandidates.map((c) => `${c.protocol}:${c.address}:${c.port}`);
    expect(candidates).toEqual(expect.arrayContaining([`udp:127.0.0.1:${port}`, `tcp:127.0.0.1:${port}`]));
    expect(transport.dtlsParameters.fingerprints.length).toBeGreaterThan(0);
    expect(transport.dtlsState).toBe('new');

    transport.close();
    router.close();
    webRtcServer.close();
    expect(webRtcServer.closed).toBe(true);
    // The port is free again once the server is closed.
    const again = await worker.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ip: '127.0.0.1', port }] });
    again.close();
  });
});
