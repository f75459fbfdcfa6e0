import { afterAll, describe, expect, it } from 'vitest';
import { io as connectSocket } from 'socket.io-client';
import {
  NetworkProbeResponse,
  PROTOCOL_VERSION,
  type Ack,
  type CallSummary,
  type MediaAccess,
  type Offer,
  type QueuePosition,
} from '@ablak/protocol';
import { embeddedSfu, parseConfig, startSignaling } from '@ablak/signaling';
import { expectOk, Fixture, testCatalogue, testDirectory, testEnv } from './harness';

describe('embedded default: one process runs signaling and a real SFU node on one port', () => {
  const fx = new Fixture();
  afterAll(() => fx.close());

  it('places the ticket room on the in-process SFU, whose /media namespace accepts both grants', async () => {
    const config = parseConfig(testEnv({ SFU_EMBEDDED: '1', SFU_WORKERS: '1', SFU_RTC_PORT_BASE: '0' }));
    const server = await startSignaling(config, {
      catalogue: testCatalogue(),
      directory: testDirectory(),
      embedSfu: embeddedSfu(config),
    });
    fx.servers.push(server);
    const nodes = await server.context.store.liveSfuNodes(Date.now());
    expect(nodes).toHaveLength(1);
    expect(nodes[0]?.url).toBe(server.url);

    const clerk = await fx.connect(server.url, '/clerk', { token: (await fx.login(server.url, 'c2')).token });
    const offered = clerk.next<Offer>('offer:received');
    expectOk(await clerk.request('clerk:set-state', { state: 'available' }));
    const t = await fx.ticket(server.url, { caseType: 'ID-01' });
    const citizen = await fx.connect(server.url, '/citizen', {
      token: t.citizenToken,
      resumeSecret: t.resumeSecret,
    });
    const join = expectOk(
      await citizen.request<{ position: QueuePosition; media: MediaAccess | null }>('queue:join'),
    );
    expect(join.media?.sfuUrl).toBe(server.url);
    await offered;
    const accept = expectOk(
      await clerk.request<{ call: CallSummary; media: MediaAccess }>('offer:accept', {
        ticketId: t.ticketId,
      }),
    );
    expect(accept.media.room).toBe(join.media?.room);

    for (const media of [join.media as MediaAccess, accept.media]) {
      const peer = await fx.connect(media.sfuUrl, '/media', {
        token: media.grant,
        protocolVersion: PROTOCOL_VERSION,
      });
      expect(peer.connected).toBe(true);
    }
    await expect(fx.connect(server.url, '/media', { token: 'x'.repeat(40) })).rejects.toBeTruthy();
  });

  it('hands out a network-probe grant the real SFU accepts: a send transport, no receive transport', async () => {
    const config = parseConfig(testEnv({ SFU_EMBEDDED: '1', SFU_WORKERS: '1', SFU_RTC_PORT_BASE: '0' }));
    const server = await startSignaling(config, {
      catalogue: testCatalogue(),
      directory: testDirectory(),
      embedSfu: embeddedSfu(config),
    });
    fx.servers.push(server);
    const res = await fx.post(server.url, '/api/network-probe', {});
    const probe = NetworkProbeResponse.parse(res.body);
    expect(probe.sfuUrl).toBe(server.url);
    const media = connectSocket(`${probe.sfuUrl}/media`, {
      auth: { token: probe.grant, protocolVersion: PROTOCOL_VERSION },
      query: { room: probe.room },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    fx.sockets.push(media);
    const joined = (await media.timeout(10_000).emitWithAck('media:join', {})) as Ack<{
      sendTransport: unknown;
      recvTransport: unknown;
      peers: unknown[];
    }>;
    expect(joined.ok).toBe(true);
    if (!joined.ok) return;
    expect(joined.sendTransport).not.toBeNull();
    expect(joined.recvTransport).toBeNull();
    expect(joined.peers).toEqual([]);
  });
});
