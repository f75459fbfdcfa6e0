/**
 * Attack 9 (issue 17): a peer publishes a track whose codec does not match its declared kind (video
 * labelled audio). Before the fix the SFU took it and made every viewer an audio consumer carrying VP8:
 * the viewer's browser cannot put that in an audio section, its receive transport's negotiation breaks
 * and it gets no media for the rest of the call. The SFU now refuses such a producer, and any RTP
 * parameters the router's capabilities do not allow, with a typed error; the viewer never hears of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PeerId, RoomId, type ConsumerOptions } from '@ablak/protocol';
import { MediaClient, startSfu, syntheticRtpParameters, type SfuFixture } from '../sfu/fixture';

let sfu: SfuFixture;
const clients: MediaClient[] = [];
let seq = 0;

beforeAll(async () => {
  sfu = await startSfu();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await sfu?.close();
});

async function joinAs(room: RoomId, peer: string, role: 'citizen' | 'clerk') {
  const client = await MediaClient.connect(sfu.url, sfu.grant({ room, peer: PeerId.parse(peer), role }));
  clients.push(client);
  const first = await client.must('media:join', {});
  // The viewer tells the SFU what it can decode (as a browser does), so it is offered consumers at once.
  await client.must('media:set-capabilities', { rtpCapabilities: first.routerRtpCapabilities });
  return { client, joined: first };
}

/** Every consumer the viewer was given, from pushes. */
function consumersOf(client: MediaClient): ConsumerOptions[] {
  return client.pushes
    .filter((p) => p.event === 'media:consumers-added')
    .flatMap((p) => (p.payload as { consumers: ConsumerOptions[] }).consumers);
}

const mimeTypesOf = (c: ConsumerOptions) =>
  ((c.rtpParameters['codecs'] as { mimeType: string }[] | undefined) ?? []).map((codec) => codec.mimeType.toLowerCase());

describe('media input (attack 9)', () => {
  it('refuses video labelled audio and audio labelled video; the viewer only ever gets consumers whose codecs match their kind', async () => {
    const room = RoomId.parse(`input-${Date.now()}-${seq++}`);
    const viewer = await joinAs(room, 'clerk-viewer', 'clerk');
    const attacker = await joinAs(room, 'citizen-attacker', 'citizen');
    const send = attacker.joined.sendTransport!.id;

    const videoAsAudio = await attacker.client.request('media:produce', {
      transportId: send,
      kind: 'audio',
      rtpParameters: syntheticRtpParameters('video', 9001),
      source: 'mic',
    });
    expect(videoAsAudio.ok ? 'accepted' : videoAsAudio.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const audioAsVideo = await attacker.client.request('media:produce', {
      transportId: send,
      kind: 'video',
      rtpParameters: syntheticRtpParameters('audio', 9002),
      source: 'camera',
    });
    expect(audioAsVideo.ok ? 'accepted' : audioAsVideo.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    // Both kinds in one producer: the first codec would decide what the viewer gets.
    const mixed = await attacker.client.request('media:produce', {
      transportId: send,
      kind: 'audio',
      rtpParameters: {
        ...syntheticRtpParameters('audio', 9003),
        codecs: [...syntheticRtpParameters('video', 1).codecs, ...syntheticRtpParameters('audio', 1).codecs],
      },
      source: 'mic',
    });
    expect(mixed.ok ? 'accepted' : mixed.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    // Then the same peer publishes properly: the viewer gets exactly those tracks, each of its kind.
    const mic = await attacker.client.must('media:produce', {
      transportId: send,
      kind: 'audio',
      rtpParameters: syntheticRtpParameters('audio', 9004),
      source: 'mic',
    });
    const camera = await attacker.client.must('media:produce', {
      transportId: send,
      kind: 'video',
      rtpParameters: syntheticRtpParameters('video', 9005),
      source: 'camera',
    });
    await expect.poll(() => consumersOf(viewer.client).length).toBe(2);
    const given = consumersOf(viewer.client);
    expect(given.map((c) => c.producerId).sort()).toEqual([mic.producerId, camera.producerId].sort());
    for (const consumer of given) {
      expect(mimeTypesOf(consumer).every((m) => m.startsWith(`${consumer.kind}/`)), `${consumer.kind}: ${mimeTypesOf(consumer).join()}`).toBe(true);
    }
    // Its receive side works: the consumers resume, and nothing else was ever announced.
    await viewer.client.must('media:resume-consumer', { consumerIds: given.map((c) => c.id) });
    expect(viewer.client.pushes.filter((p) => p.event === 'media:producer-added')).toEqual([]);
    const stats = await viewer.client.must('media:stats', {});
    expect(stats.consumers).toHaveLength(2);
  });

  it('refuses RTP parameters the router does not offer: an unknown codec, a clock rate, a header extension, too many encodings', async () => {
    const room = RoomId.parse(`input-${Date.now()}-${seq++}`);
    const viewer = await joinAs(room, 'clerk-viewer-2', 'clerk');
    const attacker = await joinAs(room, 'citizen-attacker-2', 'citizen');
    const send = attacker.joined.sendTransport!.id;
    const video = syntheticRtpParameters('video', 9101);
    const audio = syntheticRtpParameters('audio', 9102);
    const cases: { name: string; kind: 'audio' | 'video'; rtpParameters: Record<string, unknown> & { codecs: Record<string, unknown>[] } }[] = [
      { name: 'AV1 (not offered)', kind: 'video', rtpParameters: { ...video, codecs: [{ ...video.codecs[0], mimeType: 'video/AV1' }] } },
      { name: 'Opus at 8 kHz', kind: 'audio', rtpParameters: { ...audio, codecs: [{ ...audio.codecs[0], clockRate: 8000 }] } },
      { name: 'RTX first', kind: 'video', rtpParameters: { ...video, codecs: [{ mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } }] } },
      {
        name: 'an audio header extension on video',
        kind: 'video',
        rtpParameters: { ...video, headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 1 }] },
      },
      {
        name: 'an unknown header extension',
        kind: 'audio',
        rtpParameters: { ...audio, headerExtensions: [{ uri: 'urn:example:exfiltrate', id: 2 }] },
      },
      {
        name: 'eight encodings',
        kind: 'video',
        rtpParameters: { ...video, encodings: Array.from({ length: 8 }, (_, i) => ({ ssrc: 9200 + i })) },
      },
    ];
    for (const c of cases) {
      const res = await attacker.client.request('media:produce', {
        transportId: send,
        kind: c.kind,
        rtpParameters: c.rtpParameters,
        source: c.kind === 'audio' ? 'mic' : 'camera',
      });
      expect(res.ok ? 'accepted' : res.error.code, c.name).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    expect(consumersOf(viewer.client)).toEqual([]);
    expect(viewer.client.pushes.filter((p) => p.event === 'media:producer-added')).toEqual([]);
    // Parameters a browser sends (mid, abs-send-time, simulcast with three layers) still pass.
    const ok = await attacker.client.request('media:produce', {
      transportId: send,
      kind: 'video',
      rtpParameters: {
        ...video,
        headerExtensions: [
          { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 },
          { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', id: 2 },
        ],
        encodings: [{ ssrc: 9301 }, { ssrc: 9302 }, { ssrc: 9303 }],
      },
      source: 'camera',
    });
    expect(ok.ok).toBe(true);
    await expect.poll(() => consumersOf(viewer.client).length).toBe(1);
    expect(sfu.node.health().ok).toBe(true);
  });
});
