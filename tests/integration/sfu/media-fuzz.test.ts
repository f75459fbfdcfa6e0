/**
 * Fuzz (issue 17): the SFU's /media namespace as tests/integration/signaling/fuzz.test.ts covers
 * signaling's. Every request event gets 1000 malformed payloads from a seeded generator (a failure can
 * be replayed) over a joined socket of its own: each is answered with a typed ack (a code from the
 * protocol's list, never INTERNAL), the socket stays up and still serves, nothing is polluted.
 *
 * Nothing here depends on timing: each event has its own socket, hence its own request budget, and that
 * budget (SFU_RATE_BURST) is larger than everything the socket sends, so no answer can be RATE_LIMITED
 * however slowly the machine runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { ErrorCode, PeerId, PROTOCOL_VERSION, RoomId, mediaRequests, type Ack } from '@ablak/protocol';
import { MediaClient, startSfu, syntheticRtpParameters, type SfuFixture } from './fixture';

const PER_EVENT = 1000;
const BATCH = 100;
const CODES = new Set<string>(ErrorCode.options);
const FIELDS = [
  'transportId',
  'producerId',
  'producerIds',
  'consumerId',
  'consumerIds',
  'kind',
  'source',
  'paused',
  'rtpParameters',
  'rtpCapabilities',
  'dtlsParameters',
  'spatialLayer',
  'temporalLayer',
  'grant',
  'createSendTransport',
  'createRecvTransport',
  'forceTcp',
  'consume',
];

/** Deterministic PRNG so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function deep(depth: number): unknown {
  let v: unknown = { leaf: 'x' };
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? { a: v, b: [1] } : [v, 'x'];
  return v;
}

/** One malformed payload: wrong types, huge strings, deep objects, media-shaped nonsense, pollution keys. */
function malformed(r: () => number, known: { transportId: string; producerId: string }): unknown {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const hugeString = () => 'ű'.repeat(5001 + Math.floor(r() * 2000));
  const badValue = (): unknown =>
    pick<() => unknown>([
      () => Math.floor(r() * 1e9) - 5e8,
      () => r() * 1e308,
      () => true,
      () => null,
      () => [],
      () => Array.from({ length: 500 }, (_, i) => i),
      hugeString,
      () => '\u0000\u202e<script>',
      () => deep(1 + Math.floor(r() * 40)),
      // Real ids of this socket's own objects, so handlers get past the schema with nonsense beside them.
      () => known.transportId,
      () => known.producerId,
      () => [known.producerId, 'x'.repeat(64)],
      () => ({ codecs: [{ mimeType: pick(['audio/opus', 'video/VP8', 'video/rtx', 'nope', 42]), payloadType: r() * 300, clockRate: pick([48000, 90000, -1, 'x']) }], encodings: pick([[], [{ ssrc: 'x' }], null]) }),
      () => ({ fingerprints: [{ algorithm: pick(['sha-256', 'md5', 7]), value: pick(['AA:BB', '', null]) }], role: pick(['client', 'server', 'auto', 'x']) }),
      () => JSON.parse('{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}'),
    ])();
  return pick<() => unknown>([
    () => badValue(),
    () => 'just a string',
    () => 12345,
    () => [1, 2, 3],
    () => {
      const o: Record<string, unknown> = {};
      const n = 1 + Math.floor(r() * 4);
      for (let i = 0; i < n; i++) o[pick(FIELDS)] = badValue();
      o[`x${Math.floor(r() * 1000)}`] = 1;
      return o;
    },
    () => JSON.parse(`{"__proto__":{"polluted":"yes","isAdmin":true},"${pick(FIELDS)}":{"__proto__":{"polluted":"yes"}}}`),
    () => deep(20 + Math.floor(r() * 80)),
  ])();
}

let sfu: SfuFixture;
const clients: MediaClient[] = [];
let seq = 0;

beforeAll(async () => {
  // A budget larger than anything one socket sends here (1000 payloads + a few set-up requests).
  sfu = await startSfu({ SFU_RATE_BURST: '10000', SFU_RATE_PER_SECOND: '10000', SFU_WORKERS: '1' });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await sfu?.close();
});

/** A socket joined to a room of its own, with a send transport and a producer (ids the fuzz reuses). */
async function joinedSocket(event: string) {
  const room = RoomId.parse(`fuzz-${seq++}`);
  const client = await MediaClient.connect(sfu.url, sfu.grant({ room, peer: PeerId.parse(`fuzz-${event.replace(':', '-')}`) }));
  clients.push(client);
  const joined = await client.must('media:join', {});
  const { producerId } = await client.must('media:produce', {
    transportId: joined.sendTransport!.id,
    kind: 'audio',
    rtpParameters: syntheticRtpParameters('audio', 50_000 + seq),
    source: 'mic',
  });
  return { client, known: { transportId: joined.sendTransport!.id, producerId } };
}

describe('fuzz: malformed payloads on every /media request', () => {
  // media:leave ends the session when it is accepted, so it is fuzzed with payloads its strict schema refuses.
  const events = Object.keys(mediaRequests);

  it.each(events)(`answers ${PER_EVENT} malformed %s payloads with typed acks and keeps the socket up`, async (event) => {
    const { client, known } = await joinedSocket(event);
    const send = client.request.bind(client) as (e: string, p: unknown) => Promise<Ack<object>>;
    const r = rng([...event].reduce((h, c) => h * 31 + c.charCodeAt(0), 7));
    const counts: Record<string, number> = {};
    for (let batch = 0; batch < PER_EVENT / BATCH; batch++) {
      const payloads = Array.from({ length: BATCH }, () => malformed(r, known));
      const acks = await Promise.all(payloads.map((p) => send(event, p)));
      for (const ack of acks) {
        expect(typeof ack).toBe('object');
        if (ack.ok) {
          counts.ok = (counts.ok ?? 0) + 1;
          continue;
        }
        expect(CODES.has(ack.error.code), `code ${ack.error.code}`).toBe(true);
        expect(ack.error.code, ack.error.message).not.toBe('INTERNAL');
        expect(typeof ack.error.message).toBe('string');
        counts[ack.error.code] = (counts[ack.error.code] ?? 0) + 1;
      }
    }
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(PER_EVENT);
    expect(counts.RATE_LIMITED ?? 0).toBe(0);
    // Nearly everything is refused by the schema; the rest reaches the handler and is refused or done there.
    expect(counts.BAD_REQUEST ?? 0).toBeGreaterThan(PER_EVENT * 0.5);
    if (event === 'media:leave') expect(counts.ok ?? 0).toBe(0);
    expect(client.socket.connected).toBe(true);
    expect((await client.request('media:stats', {})).ok).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses malformed handshakes with a typed connect error', async () => {
    const r = rng(4242);
    const codes: Record<string, number> = {};
    for (let i = 0; i < 200; i++) {
      const auth = i % 4 === 0 ? { token: 'x'.repeat(Math.floor(r() * 5000)), protocolVersion: PROTOCOL_VERSION } : (malformed(r, { transportId: 't', producerId: 'p' }) as object);
      const socket = connect(`${sfu.url}/media`, {
        auth: typeof auth === 'object' && auth !== null && !Array.isArray(auth) ? auth : { token: auth },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      const code = await new Promise<string>((resolve) => {
        socket.once('connect', () => resolve('connected'));
        socket.once('connect_error', (error: Error & { data?: { code?: string } }) => resolve(error.data?.code ?? 'none'));
      });
      socket.close();
      codes[code] = (codes[code] ?? 0) + 1;
    }
    expect(codes.connected).toBeUndefined();
    for (const code of Object.keys(codes)) expect(CODES.has(code), code).toBe(true);
  });

  it('is still healthy and serving after the fuzz, with no prototype pollution', async () => {
    expect(sfu.node.health().ok).toBe(true);
    expect((await fetch(`${sfu.url}/healthz`)).status).toBe(200);
    const { client } = await joinedSocket('after');
    expect((await client.request('media:stats', {})).ok).toBe(true);
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.prototype).not.toHaveProperty('isAdmin');
  });
});
