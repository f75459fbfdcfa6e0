/**
 * Attack 8 (issue 17): network-probe grants are anonymous (`POST /api/network-probe`, no sign-in).
 * Before the fix a probe kept its socket, room and transports after its grant expired, and one address
 * could hold as many as it liked. Now a probe ends at its grant's expiry, and the SFU caps how many
 * probe connections one address holds at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connectSocket } from 'socket.io-client';
import { PeerId, PROTOCOL_VERSION, RoomId, type MediaGrantClaims } from '@ablak/protocol';
import { MediaClient, startSfu, syntheticRtpParameters, type SfuFixture } from '../sfu/fixture';

let sfu: SfuFixture;
const clients: MediaClient[] = [];
let seq = 0;

beforeAll(async () => {
  sfu = await startSfu({ SFU_PROBES_PER_ADDRESS: '2' });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await sfu?.close();
});

/** A probe grant as signaling mints it: a room of its own, publish only. */
function probeGrant(ttlSeconds: number): { room: RoomId; grant: string } {
  const id = `${Date.now()}-${seq++}`;
  const room = RoomId.parse(`probe-${id}`);
  const claims: Partial<MediaGrantClaims> & Pick<MediaGrantClaims, 'room' | 'peer'> = {
    room,
    peer: PeerId.parse(`probe-${id}`),
    name: 'probe',
    canPublish: true,
    canSubscribe: false,
    probe: true,
  };
  return { room, grant: sfu.grant(claims, ttlSeconds) };
}

async function refusal(grant: string): Promise<string> {
  try {
    const client = await MediaClient.connect(sfu.url, grant);
    clients.push(client);
    return 'connected';
  } catch (error) {
    return (error as { data?: { code?: string } }).data?.code ?? 'no code';
  }
}

describe('network probes (attack 8)', () => {
  it('ends a probe at its grant expiry: socket closed, room and transports gone', async () => {
    const { room, grant } = probeGrant(3);
    const probe = await MediaClient.connect(sfu.url, grant);
    clients.push(probe);
    const joined = await probe.must('media:join', { createRecvTransport: false });
    expect(joined.recvTransport).toBeNull();
    await probe.must('media:produce', {
      transportId: joined.sendTransport!.id,
      kind: 'video',
      rtpParameters: syntheticRtpParameters('video', 8101),
      source: 'camera',
    });
    expect(sfu.node.roomIds()).toContain(room);
    const closed = new Promise<string>((resolve) => probe.socket.once('disconnect', resolve));
    expect(await closed).toBe('io server disconnect');
    expect(probe.pushes.map((p) => p.event)).toContain('media:room-closed');
    await expect.poll(() => sfu.node.roomIds().includes(room)).toBe(false);
    // The node holds no transport for it any more (the room's router closed with them).
    expect(sfu.node.info().rooms).toBe(sfu.node.roomIds().length);
  });

  it('cannot be prolonged, subscribe, switch or prepare', async () => {
    const { room, grant } = probeGrant(60);
    const probe = await MediaClient.connect(sfu.url, grant);
    clients.push(probe);
    await probe.must('media:join', {});
    const code = async (event: 'media:refresh-grant' | 'media:switch-room' | 'media:prepare', g: string) => {
      const res = await probe.request(event, { grant: g });
      return res.ok ? 'accepted' : res.error.code;
    };
    expect(await code('media:refresh-grant', probeGrant(60).grant)).toBe('FORBIDDEN');
    const sameProbe = sfu.grant({ room, peer: PeerId.parse(room), name: 'probe', canSubscribe: false, probe: true }, 60);
    expect(await code('media:refresh-grant', sameProbe)).toBe('FORBIDDEN');
    expect(await code('media:switch-room', sfu.grant({ room: RoomId.parse('room-elsewhere'), peer: PeerId.parse(room), canSubscribe: false }))).toBe('FORBIDDEN');
    expect(await code('media:prepare', sfu.grant({ room: RoomId.parse('room-elsewhere'), peer: PeerId.parse(room), canSubscribe: false, prepare: true }))).toBe('FORBIDDEN');
    probe.close();
    await expect.poll(() => sfu.node.roomIds().includes(room)).toBe(false);
  });

  it('caps the probe connections one address holds at once; a closed one frees its place; other grants are not counted', async () => {
    const first = await MediaClient.connect(sfu.url, probeGrant(60).grant);
    const second = await MediaClient.connect(sfu.url, probeGrant(60).grant);
    clients.push(first, second);
    expect(await refusal(probeGrant(60).grant)).toBe('RATE_LIMITED');
    // A call's grant from the same address is not a probe.
    expect(await refusal(sfu.grant({ room: RoomId.parse(`room-cap-${seq++}`), peer: PeerId.parse('citizen-cap') }))).toBe('connected');
    const gone = new Promise((resolve) => first.socket.once('disconnect', resolve));
    first.close();
    await gone;
    await expect.poll(() => refusal(probeGrant(60).grant)).toBe('connected');
    expect(await refusal(probeGrant(60).grant)).toBe('RATE_LIMITED');
  });
});

describe('network probes behind a load balancer', () => {
  let behind: SfuFixture;
  const sockets: { close(): unknown }[] = [];
  beforeAll(async () => {
    behind = await startSfu({ SFU_PROBES_PER_ADDRESS: '1', SFU_TRUST_PROXY_HOPS: '1' });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await behind?.close();
  });

  /** A probe as it arrives through one proxy that appended the client's address to X-Forwarded-For. */
  async function viaProxy(forwardedFor: string): Promise<string> {
    const id = `${Date.now()}-${seq++}`;
    const grant = behind.grant({ room: RoomId.parse(`probe-${id}`), peer: PeerId.parse(`probe-${id}`), canSubscribe: false, probe: true }, 60);
    const socket = connectSocket(`${behind.url}/media`, {
      auth: { token: grant, protocolVersion: PROTOCOL_VERSION },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      extraHeaders: { 'x-forwarded-for': forwardedFor },
    });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error: Error & { data?: { code?: string } }) => resolve(error.data?.code ?? 'none'));
    });
    if (outcome === 'connected') sockets.push(socket);
    else socket.close();
    return outcome;
  }

  it('counts the address the proxy saw, not the proxy, and not what the client wrote itself', async () => {
    expect(await viaProxy('198.51.100.7')).toBe('connected');
    expect(await viaProxy('198.51.100.8')).toBe('connected');
    expect(await viaProxy('198.51.100.7')).toBe('RATE_LIMITED');
    // A client writing its own X-Forwarded-For entry first gains nothing: the proxy's entry comes last.
    expect(await viaProxy('203.0.113.99, 198.51.100.7')).toBe('RATE_LIMITED');
  });
});
