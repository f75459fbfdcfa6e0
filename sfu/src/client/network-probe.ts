import { Device } from 'mediasoup-client';
import type { types as msc } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  mediaRequests,
  type Ack,
  type ClientToServerOf,
  type IceServer,
  type MediaPushes,
  type MediaRequests,
  type RequestOf,
  type ResultOf,
  type ServerToClientOf,
  type TransportOptions,
} from '@ablak/protocol';

/** The three ways a browser can reach an SFU, in the order a call tries them. */
export type NetworkPath = 'udp' | 'tcp' | 'turn';
export type NetworkPathOutcome = 'ok' | 'failed' | 'skipped';

export interface NetworkPathResult {
  readonly path: NetworkPath;
  readonly outcome: NetworkPathOutcome;
  /** From the first produce to DTLS connected (ok), or until it gave up (failed); null when skipped. */
  readonly ms: number | null;
  /** Why it failed or was skipped, for logs and tests (not for people). */
  readonly reason?: string;
}

export interface NetworkProbeResult {
  /** The SFU's /media namespace answered (the grant was accepted and the join worked). */
  readonly signalling: boolean;
  readonly paths: readonly NetworkPathResult[];
}

/** What the probe needs: a grant for a fresh probe room, as `POST /api/network-probe` hands it out. */
export interface NetworkProbeAccess {
  readonly sfuUrl: string;
  readonly grant: string;
  readonly iceServers: readonly IceServer[];
  readonly room?: string;
}

export interface NetworkProbeOptions {
  /** How long one path may take to connect (default 6000 ms). */
  timeoutMs?: number;
  /** Which paths to try (default all three, in order). */
  paths?: readonly NetworkPath[];
  signal?: AbortSignal;
  /** Called as each path finishes, so a page can show results as they come. */
  onPath?: (result: NetworkPathResult) => void;
}

type ProbeSocket = Socket<ServerToClientOf<MediaPushes>, ClientToServerOf<MediaRequests>>;

const PATHS: readonly NetworkPath[] = ['udp', 'tcp', 'turn'];

/**
 * Can this browser send media to the SFU, and how? Joins the probe room named by the grant, then for
 * each path opens a send transport restricted to it (UDP candidates only, TCP candidates only, or
 * relay-only through TURN), produces a silent track (a transport connects on its first produce) and
 * waits for the transport to connect. Everything it opens is closed before it resolves.
 */
export async function probeNetwork(access: NetworkProbeAccess, options: NetworkProbeOptions = {}): Promise<NetworkProbeResult> {
  const timeoutMs = options.timeoutMs ?? 6000;
  const wanted = PATHS.filter((p) => (options.paths ?? PATHS).includes(p));
  const results: NetworkPathResult[] = [];
  const report = (result: NetworkPathResult) => {
    results.push(result);
    options.onPath?.(result);
  };
  const failAll = (reason: string) => {
    for (const path of wanted) if (!results.some((r) => r.path === path)) report({ path, outcome: 'failed', ms: null, reason });
  };

  const silence = silentTrack();
  let socket: ProbeSocket | undefined;
  let joined = false;
  try {
    socket = await connect(access, timeoutMs, options.signal);
    const request = requester(socket, timeoutMs);
    let device: Device | undefined;
    for (const path of wanted) {
      if (options.signal?.aborted) throw abortError();
      const answer = await request('media:join', { createSendTransport: true, createRecvTransport: false, forceTcp: path === 'tcp' });
      joined = true;
      if (!device) {
        device = await Device.factory();
        await device.load({ routerRtpCapabilities: answer.routerRtpCapabilities as unknown as msc.RtpCapabilities });
      }
      const transportOptions = answer.sendTransport;
      if (!transportOptions) {
        report({ path, outcome: 'failed', ms: null, reason: 'the grant may not publish' });
        continue;
      }
      const iceServers = answer.iceServers.length > 0 ? answer.iceServers : access.iceServers;
      const turnServers = iceServers.filter(isTurn);
      let candidates = transportOptions.iceCandidates;
      if (path !== 'turn') candidates = candidates.filter((c) => String(c['protocol']).toLowerCase() === path);
      if (path === 'turn' && turnServers.length === 0) {
        report({ path, outcome: 'skipped', ms: null, reason: 'no TURN server offered' });
        continue;
      }
      if (candidates.length === 0) {
        report({ path, outcome: 'skipped', ms: null, reason: `the SFU offers no ${path} candidate` });
        continue;
      }
      report(
        await tryPath(path, device, { ...transportOptions, iceCandidates: candidates }, path === 'turn' ? turnServers : [], request, silence.track, timeoutMs, options.signal),
      );
    }
    await request('media:leave', {}).catch(() => undefined);
    return { signalling: true, paths: results };
  } catch (error) {
    if (isAbort(error)) throw error;
    failAll(error instanceof Error ? error.message : 'probe failed');
    return { signalling: joined, paths: results };
  } finally {
    socket?.removeAllListeners();
    socket?.close();
    silence.close();
  }
}

type Request = <K extends keyof MediaRequests & string>(event: K, payload: RequestOf<MediaRequests, K>) => Promise<ResultOf<MediaRequests, K>>;

async function tryPath(
  path: NetworkPath,
  device: Device,
  options: TransportOptions,
  iceServers: IceServer[],
  request: Request,
  track: MediaStreamTrack,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<NetworkPathResult> {
  const transport = device.createSendTransport({
    ...(options as unknown as msc.TransportOptions),
    iceServers: iceServers as RTCIceServer[],
    iceTransportPolicy: path === 'turn' ? 'relay' : 'all',
  });
  transport.on('connect', ({ dtlsParameters }, callback, errback) => {
    request('media:connect-transport', {
      transportId: transport.id,
      dtlsParameters: dtlsParameters as unknown as { fingerprints: Record<string, unknown>[] },
    }).then(() => callback(), errback);
  });
  transport.on('produce', ({ kind, rtpParameters }, callback, errback) => {
    request('media:produce', {
      transportId: transport.id,
      kind,
      rtpParameters: rtpParameters as unknown as { codecs: Record<string, unknown>[] },
      source: 'mic',
      paused: false,
    }).then(({ producerId }) => callback({ id: producerId }), errback);
  });
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const connected = new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => resolve(`not connected after ${timeoutMs} ms`), timeoutMs);
    const done = (reason: string | null) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(reason);
    };
    const onAbort = () => done('aborted');
    signal?.addEventListener('abort', onAbort);
    transport.on('connectionstatechange', (state) => {
      if (state === 'connected') done(null);
      else if (state === 'failed' || state === 'closed') done(`connection ${state}`);
    });
  });
  try {
    // `stopTracks: false`: the one silent track serves every path
    const producing = transport.produce({ track, stopTracks: false });
    const [failure] = await Promise.all([connected, producing]);
    if (failure === 'aborted') throw abortError();
    return failure === null ? { path, outcome: 'ok', ms: elapsed() } : { path, outcome: 'failed', ms: elapsed(), reason: failure };
  } catch (error) {
    if (isAbort(error)) throw error;
    return { path, outcome: 'failed', ms: elapsed(), reason: error instanceof Error ? error.message : String(error) };
  } finally {
    transport.close();
  }
}

function connect(access: NetworkProbeAccess, timeoutMs: number, signal: AbortSignal | undefined): Promise<ProbeSocket> {
  const socket: ProbeSocket = io(`${access.sfuUrl.replace(/\/$/, '')}/media`, {
    auth: { token: access.grant, protocolVersion: PROTOCOL_VERSION },
    ...(access.room ? { query: { room: access.room } } : {}),
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: timeoutMs,
  });
  return new Promise<ProbeSocket>((resolve, reject) => {
    const onAbort = () => {
      socket.close();
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(socket);
    });
    socket.once('connect_error', (error: Error & { data?: { message?: string } }) => {
      signal?.removeEventListener('abort', onAbort);
      socket.close();
      reject(new Error(`the SFU refused the connection: ${error.data?.message ?? error.message}`));
    });
  });
}

/** Typed request over /media; the answer is checked against the protocol's result schema. */
function requester(socket: ProbeSocket, timeoutMs: number): Request {
  return async (event, payload) => {
    if (!socket.connected) throw new Error('not connected to the SFU');
    const timed = socket.timeout(timeoutMs);
    const emit = timed.emitWithAck as unknown as (e: typeof event, p: typeof payload) => Promise<Ack<unknown>>;
    const res = await emit.call(timed, event, payload);
    if (!res.ok) throw Object.assign(new Error(res.error.message), { code: res.error.code });
    const { ok: _ok, ...result } = res as { ok: true } & Record<string, unknown>;
    return mediaRequests[event].result.parse(result) as ResultOf<MediaRequests, typeof event>;
  };
}

function isTurn(server: IceServer): boolean {
  const urls = Array.isArray(server.urls) ? server.urls : [server.urls];
  return urls.some((url) => /^turns?:/i.test(url));
}

/** A silent audio track: enough for a transport to connect, nothing for anyone to hear. */
function silentTrack(): { track: MediaStreamTrack; close(): void } {
  const ctx = new AudioContext();
  const destination = ctx.createMediaStreamDestination();
  const gain = ctx.createGain();
  gain.gain.value = 0;
  const osc = ctx.createOscillator();
  osc.connect(gain).connect(destination);
  osc.start();
  const track = destination.stream.getAudioTracks()[0] as MediaStreamTrack;
  return {
    track,
    close() {
      osc.stop();
      track.stop();
      void ctx.close().catch(() => undefined);
    },
  };
}

function abortError(): Error {
  return new DOMException('the network check was cancelled', 'AbortError');
}
function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
