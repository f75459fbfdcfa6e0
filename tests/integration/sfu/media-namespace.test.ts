import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeerId, RoomId, SfuNodeInfo, type AppErrorPayload } from '@ablak/protocol';
import { MediaClient, startSfu, syntheticRtpParameters, type SfuFixture } from './fixture';

let sfu: SfuFixture;
const clients: MediaClient[] = [];
let roomSeq = 0;
const newRoom = () => RoomId.parse(`room-${Date.now()}-${roomSeq++}`);

async function joinAs(room: RoomId, peer: string, extra: Parameters<SfuFixture['grant']>[0] extends infer G ? Partial<G> : never = {}) {
  const client = await MediaClient.connect(sfu.url, sfu.grant({ room, peer: PeerId.parse(peer), ...extra }));
  clients.push(client);
  const joined = await client.must('media:join', {});
  return { client, joined };
}

function errorOf(res: { ok: boolean; error?: AppErrorPayload }): string | undefined {
  return res.ok ? undefined : res.error?.code;
}

beforeAll(async () => {
  sfu = await startSfu({ TURN_URLS: 'turn:127.0.0.1:3478?transport=udp', TURN_SECRET: 'turn-static-secret' });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await sfu?.close();
});

describe('the /media namespace with a real worker', () => {
  it('answers a join with router capabilities (Opus, VP8, VP9, H264), both transports on the WebRtcServer, and TURN credentials', async () => {
    const room = newRoom();
    const { joined } = await joinAs(room, 'citizen-1');
    const mimeTypes = (joined.routerRtpCapabilities.codecs ?? []).map((c) => c['mimeType']);
    expect(mimeTypes).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8', 'video/VP9', 'video/H264']));
    const profiles = (joined.routerRtpCapabilities.codecs ?? [])
      .filter((c) => c['mimeType'] === 'video/H264')
      .map((c) => (c['parameters'] as Record<string, unknown>)['profile-level-id']);
    expect(profiles).toEqual(expect.arrayContaining(['42e01f', '42001f']));
    expect(joined.sendTransport).not.toBeNull();
    expect(joined.recvTransport).not.toBeNull();
    const candidates = joined.sendTransport?.iceCandidates.map((c) => `${c['protocol']}:${c['address']}`);
    expect(candidates).toEqual(expect.arrayContaining(['udp:127.0.0.1', 'tcp:127.0.0.1']));
    expect(joined.iceServers).toHaveLength(1);
    expect(joined.iceServers[0]?.username).toMatch(/^\d+:citizen-1$/);
    expect(joined.iceServers[0]?.credential).toBeTruthy();
    expect(sfu.node.roomIds()).toContain(room);
  });

  it('announces a new producer to the other peer, who consumes it paused and resumes it', async () => {
    const room = newRoom();
    const a = await joinAs(room, 'clerk-1', { role: 'clerk' });
    const b = await joinAs(room, 'citizen-2');
    const joinedPush = (await a.client.waitFor('media:peer-joined')) as { peerId: string };
    expect(joinedPush.peerId).toBe('citizen-2');
    const { producerId } = await a.client.must('media:produce', {
      transportId: a.joined.sendTransport!.id,
      kind: 'audio',
      rtpParameters: syntheticRtpParameters('audio', 1111),
      source: 'mic',
    });
    const added = (await b.client.waitFor('media:producer-added')) as { producerId: string; peerId: string; source: string };
    expect(added).toMatchObject({ producerId, peerId: 'clerk-1', source: 'mic' });
    await b.client.must('media:set-capabilities', { rtpCapabilities: b.joined.routerRtpCapabilities });
    const { consumers } = await b.client.must('media:consume', { producerIds: [producerId] });
    expect(consumers).toHaveLength(1);
    expect(consumers[0]).toMatchObject({ producerId, kind: 'audio', peerId: 'clerk-1', source: 'mic' });
    await b.client.must('media:resume-consumer', { consumerIds: [consumers[0]!.id] });
    // A peer joining later sees the producer in its join answer.
    const c = await joinAs(room, 'supervisor-1', { role: 'supervisor', hidden: true, canPublish: false });
    expect(c.joined.producers.map((p) => p.producerId)).toEqual([producerId]);
  });

  it('answers a join that asks for it with consumers of what is already in the room, paused until resumed', async () => {
    const room = newRoom();
    const a = await joinAs(room, 'clerk-j1', { role: 'clerk' });
    const { producerId } = await a.client.must('media:produce', {
      transportId: a.joined.sendTransport!.id,
      kind: 'audio',
      rtpParameters: syntheticRtpParameters('audio', 3131),
      source: 'mic',
    });
    const b = await MediaClient.connect(sfu.url, sfu.grant({ room, peer: PeerId.parse('citizen-j1') }));
    clients.push(b);
    const joined = await b.must('media:join', { rtpCapabilities: a.joined.routerRtpCapabilities, consume: true });
    expect(joined.consumers).toHaveLength(1);
    expect(joined.consumers?.[0]).toMatchObject({ producerId, peerId: 'clerk-j1', kind: 'audio' });
    await b.must('media:resume-consumer', { consumerIds: [joined.consumers![0]!.id] });
    // Without capabilities, or without asking, the join answers none (the client consumes).
    const c = await MediaClient.connect(sfu.url, sfu.grant({ room, peer: PeerId.parse('citizen-j2') }));
    clients.push(c);
    expect((await c.must('media:join', { consume: true })).consumers).toEqual([]);
  });

  it('never announces a hidden peer, refuses it a send transport, and lets it consume', async () => {
    const room = newRoom();
    const clerk = await joinAs(room, 'clerk-2', { role: 'clerk' });
    const citizen = await joinAs(room, 'citizen-3');
    const { producerId } = await citizen.client.must('media:produce', {
      transportId: citizen.joined.sendTransport!.id,
      kind: 'video',
      rtpParameters: syntheticRtpParameters('video', 2222),
      source: 'camera',
    });
    const monitor = await joinAs(room, 'supervisor-2', { role: 'supervisor', hidden: true, canPublish: false });
    expect(monitor.joined.sendTransport).toBeNull();
    expect(monitor.joined.peers.map((p) => p.peerId).sort()).toEqual(['citizen-3', 'clerk-2']);
    await monitor.client.must('media:set-capabilities', { rtpCapabilities: monitor.joined.routerRtpCapabilities });
    const { consumers } = await monitor.client.must('media:consume', { producerIds: [producerId] });
    expect(consumers).toHaveLength(1);
    const refused = await monitor.client.request('media:produce', {
      transportId: monitor.joined.recvTransport!.id,
      kind: 'audio',
      rtpParameters: syntheticRtpParameters('audio', 3333),
      source: 'mic',
    });
    expect(errorOf(refused)).toBe('FORBIDDEN');
    monitor.client.close();
    await new Promise((r) => setTimeout(r, 300));
    const seen = [...clerk.client.pushes, ...citizen.client.pushes].filter(
      (p) => (p.payload as { peerId?: string } | undefined)?.peerId === 'supervisor-2',
    );
    expect(seen).toEqual([]);
  });

  it('refuses requests outside the grant and changes nothing', async () => {
    const roomA = newRoom();
    const roomB = newRoom();
    const a = await joinAs(roomA, 'citizen-a');
    const other = await joinAs(roomA, 'clerk-a', { role: 'clerk' });
    const b = await joinAs(roomB, 'citizen-b');
    const viewer = await joinAs(roomB, 'viewer-b', { canPublish: false });
    const { producerId: producerInB } = await b.client.must('media:produce', {
      transportId: b.joined.sendTransport!.id,
      kind: 'audio',
      rtpParameters: syntheticRtpParameters('audio', 4444),
      source: 'mic',
    });
    const { producerId: producerInA } = await other.client.must('media:produce', {
      transportId: other.joined.sendTransport!.id,
      kind: 'audio',
      rtpParameters: syntheticRtpParameters('audio', 5555),
      source: 'mic',
    });
    await a.client.must('media:set-capabilities', { rtpCapabilities: a.joined.routerRtpCapabilities });

    // A producer of another room does not exist for this peer, even mixed with a legal one.
    expect(errorOf(await a.client.request('media:consume', { producerIds: [producerInB] }))).toBe('PRODUCER_NOT_FOUND');
    expect(errorOf(await a.client.request('media:consume', { producerIds: [producerInA, producerInB] }))).toBe('PRODUCER_NOT_FOUND');
    // Another peer's transport, producer or consumer is not yours.
    expect(errorOf(await a.client.request('media:connect-transport', { transportId: b.joined.sendTransport!.id, dtlsParameters: { fingerprints: [{ algorithm: 'sha-256', value: 'AA' }] } }))).toBe('TRANSPORT_NOT_FOUND');
    expect(errorOf(await a.client.request('media:close-producer', { producerId: producerInA }))).toBe('PRODUCER_NOT_FOUND');
    expect(errorOf(await a.client.request('media:pause-producer', { producerId: producerInB }))).toBe('PRODUCER_NOT_FOUND');
    expect(errorOf(await a.client.request('media:resume-consumer', { consumerIds: ['not-a-consumer'] }))).toBe('CONSUMER_NOT_FOUND');
    expect(errorOf(await a.client.request('media:produce', { transportId: a.joined.recvTransport!.id, kind: 'audio', rtpParameters: syntheticRtpParameters('audio', 6666), source: 'mic' }))).toBe('TRANSPORT_NOT_FOUND');
    // A grant without publish rights gets no send transport and cannot produce.
    expect(viewer.joined.sendTransport).toBeNull();
    expect(errorOf(await viewer.client.request('media:produce', { transportId: viewer.joined.recvTransport!.id, kind: 'audio', rtpParameters: syntheticRtpParameters('audio', 7777), source: 'mic' }))).toBe('FORBIDDEN');

    // Nothing changed: no consumer was created for `a`, the producers still exist and can be consumed.
    const stats = await a.client.must('media:stats', {});
    expect(stats.consumers).toEqual([]);
    const { consumers } = await a.client.must('media:consume', { producerIds: [producerInA] });
    expect(consumers).toHaveLength(1);
    await viewer.client.must('media:set-capabilities', { rtpCapabilities: viewer.joined.routerRtpCapabilities });
    expect((await viewer.client.must('media:consume', { producerIds: [producerInB] })).consumers).toHaveLength(1);
  });

  it('answers malformed payloads with BAD_REQUEST and keeps serving', async () => {
    const room = newRoom();
    const { client, joined } = await joinAs(room, 'citizen-m');
    const send = client.request.bind(client) as (event: string, payload: unknown) => Promise<{ ok: boolean; error?: AppErrorPayload }>;
    const bad: [string, unknown][] = [
      ['media:produce', {}],
      ['media:produce', { transportId: 42, kind: 'audio', rtpParameters: {}, source: 'mic' }],
      ['media:produce', { transportId: joined.sendTransport!.id, kind: 'smell', rtpParameters: { codecs: [] }, source: 'mic' }],
      ['media:consume', { producerIds: [] }],
      ['media:consume', { producerIds: Array.from({ length: 100 }, (_, i) => `p${i}`) }],
      ['media:connect-transport', { transportId: joined.sendTransport!.id, dtlsParameters: { fingerprints: [] } }],
      ['media:set-preferred-layers', { consumerId: 'c', spatialLayer: 7 }],
      ['media:stats', { extra: true }],
      ['media:join', 'not an object'],
      ['media:resume-consumer', null],
    ];
    for (const [event, payload] of bad) expect(errorOf(await send(event, payload)), event).toBe('BAD_REQUEST');
    // Well-formed for the schema but a codec the router does not offer: refused as unsupported media.
    const nonsense = await client.request('media:produce', {
      transportId: joined.sendTransport!.id,
      kind: 'video',
      rtpParameters: { codecs: [{ mimeType: 'video/NOPE', payloadType: 300 }], encodings: [{ ssrc: 1 }] },
      source: 'camera',
    });
    expect(errorOf(nonsense)).toBe('UNSUPPORTED_MEDIA_TYPE');
    const badDtls = await client.request('media:connect-transport', {
      transportId: joined.sendTransport!.id,
      dtlsParameters: { fingerprints: [{ algorithm: 'md5-ish', value: 'zz' }] },
    });
    expect(errorOf(badDtls)).toBe('BAD_REQUEST');
    // The node and the worker still serve.
    expect(sfu.node.health().ok).toBe(true);
    const ok = await client.request('media:produce', {
      transportId: joined.sendTransport!.id,
      kind: 'audio',
      rtpParameters: syntheticRtpParameters('audio', 8888),
      source: 'mic',
    });
    expect(ok.ok).toBe(true);
  });

  it('refuses at connect an expired, forged, wrong-room or wrong-version handshake', async () => {
    const room = newRoom();
    const refusal = async (token: string, options: { protocolVersion?: number; room?: string } = {}) => {
      try {
        const c = await MediaClient.connect(sfu.url, token, options);
        c.close();
        return 'connected';
      } catch (error) {
        return (error as { data?: { code?: string } }).data?.code;
      }
    };
    const good = sfu.grant({ room, peer: PeerId.parse('p-1') });
    expect(await refusal(sfu.grant({ room, peer: PeerId.parse('p-1') }, 1).replace(/\.[^.]+$/, '.forged'))).toBe('GRANT_INVALID');
    expect(await refusal(good, { room: 'some-other-room' })).toBe('GRANT_INVALID');
    expect(await refusal(good, { protocolVersion: 999 })).toBe('PROTOCOL_VERSION');
    expect(await refusal('x')).toBe('UNAUTHORIZED');
    const shortLived = sfu.grant({ room, peer: PeerId.parse('p-2') }, 1);
    await new Promise((r) => setTimeout(r, 7_000)); // past exp plus the 5 s clock tolerance
    expect(await refusal(shortLived)).toBe('GRANT_INVALID');
    expect(await refusal(good, { room })).toBe('connected');
  });

  it('rate-limits a flood of requests from one socket', async () => {
    const { client } = await joinAs(newRoom(), 'citizen-flood');
    const answers = await Promise.all(Array.from({ length: 150 }, () => client.request('media:stats', {})));
    const limited = answers.filter((a) => errorOf(a) === 'RATE_LIMITED').length;
    expect(limited).toBeGreaterThan(50);
    // The join spent one token of the burst; the rest of the burst is answered, refills may add a few.
    expect(answers.filter((a) => a.ok).length).toBeGreaterThanOrEqual(sfu.config.rateLimit.burst - 1);
    expect(sfu.node.health().ok).toBe(true);
  });

  it('closes the room when its last peer leaves and tells the others who left', async () => {
    const room = newRoom();
    const a = await joinAs(room, 'citizen-l');
    const b = await joinAs(room, 'clerk-l', { role: 'clerk' });
    await b.client.must('media:leave', {});
    expect(await a.client.waitFor('media:peer-left')).toEqual({ peerId: 'clerk-l' });
    a.client.close();
    await expect.poll(() => sfu.node.roomIds().includes(room)).toBe(false);
  });

  it('ends a room on closeRoom and pushes media:room-closed', async () => {
    const room = newRoom();
    const a = await joinAs(room, 'citizen-e');
    expect(sfu.node.closeRoom(room, 'clerk_ended')).toBe(true);
    expect(await a.client.waitFor('media:room-closed')).toEqual({ reason: 'clerk_ended' });
  });

  it('publishes its load to the registry and serves /healthz and /metrics', async () => {
    const room = newRoom();
    await joinAs(room, 'citizen-r');
    await expect
      .poll(async () => (await sfu.registry.list()).find((n) => n.id === sfu.config.nodeId)?.rooms ?? 0, { timeout: 5_000 })
      .toBeGreaterThan(0);
    const [info] = await sfu.registry.list();
    expect(SfuNodeInfo.parse(info)).toMatchObject({ workers: 2, draining: false });
    const health = await fetch(`${sfu.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, liveWorkers: 2 });
    const metrics = await (await fetch(`${sfu.url}/metrics`)).text();
    expect(metrics).toMatch(/ablak_sfu_workers 2/);
    expect(metrics).toMatch(/ablak_sfu_rooms [1-9]/);
    expect(metrics).toContain('ablak_sfu_requests_total{event="media:join",result="ok"}');
  });
});
