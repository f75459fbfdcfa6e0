/**
 * Browser side of the accept → first-frame benchmark. One page plays a clerk or a citizen through the
 * real protocol (HTTP + Socket.IO + the SFU's /media via MediaSession, the same client the apps use)
 * and records when each stage happened, in epoch milliseconds with sub-millisecond resolution
 * (`performance.timeOrigin + performance.now()`), so the two pages' stamps compare on one clock.
 */
import { io, type Socket } from 'socket.io-client';
import { MediaSession, type RemoteTrack } from '@ablak/sfu/client';
import {
  PROTOCOL_VERSION,
  type Ack,
  type CallMatched,
  type ClientToServerOf,
  type CitizenPushes,
  type CitizenRequests,
  type ClerkPushes,
  type ClerkRequests,
  type CreateTicketResponse,
  type LoginResponse,
  type MediaAccess,
  type Offer,
  type ServerToClientOf,
} from '@ablak/protocol';

const now = () => performance.timeOrigin + performance.now();

export type Marks = Record<string, number>;

/** Watches every RTCPeerConnection the page creates: when each one first reached `connected`. */
const peerConnections: { createdAt: number; connectedAt: number | null; pc: RTCPeerConnection }[] = [];
/** Transport peer connections: mediasoup-client's Device.load() also opens short-lived probe connections. */
const transportsSince = (index: number) =>
  peerConnections.slice(index).filter((p) => p.connectedAt !== null || p.pc.connectionState !== 'closed');
const NativePC = window.RTCPeerConnection;
window.RTCPeerConnection = class extends NativePC {
  constructor(config?: RTCConfiguration) {
    super(config);
    const entry = { createdAt: now(), connectedAt: null as number | null, pc: this as RTCPeerConnection };
    peerConnections.push(entry);
    this.addEventListener('connectionstatechange', () => {
      if (this.connectionState === 'connected' && entry.connectedAt === null) entry.connectedAt = now();
    });
  }
} as typeof RTCPeerConnection;

async function captureTracks(): Promise<{ camera: MediaStreamTrack; mic: MediaStreamTrack }> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: true,
    video: { width: 640, height: 360, frameRate: 30 },
  });
  const camera = stream.getVideoTracks()[0];
  const mic = stream.getAudioTracks()[0];
  if (!camera || !mic) throw new Error('fake devices gave no tracks');
  return { camera, mic };
}

/** Stamps the first frame of each remote video track presented, and the first audio samples. */
function watchRemote(session: MediaSession, marks: Marks, prefix: string): void {
  session.on('track-added', (remote: RemoteTrack) => watchTrack(remote, marks, prefix));
}

/** Consumer ids each page's sessions had prepared before their call started. */
const preparedIds = new Set<string>();
function watchPrepared(session: MediaSession): void {
  session.on('tracks-prepared', ({ consumerIds }) => {
    for (const id of consumerIds) preparedIds.add(id);
  });
}

function watchTrack(remote: RemoteTrack, marks: Marks, prefix: string): void {
  marks[`${prefix}.${remote.kind}-track`] ??= now();
  // How many of the call's tracks arrived through a preparation (no consumer made after accept).
  if (preparedIds.has(remote.consumerId)) marks[`${prefix}.tracks-prepared`] = (marks[`${prefix}.tracks-prepared`] ?? 0) + 1;
  if (remote.kind === 'video') {
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.autoplay = true;
    video.srcObject = new MediaStream([remote.track]);
    document.body.append(video);
    video.requestVideoFrameCallback((at) => {
      marks[`${prefix}.first-video-frame`] ??= performance.timeOrigin + at;
    });
    void video.play().catch(() => undefined);
  } else {
    const audio = document.createElement('audio');
    audio.autoplay = true;
    audio.srcObject = new MediaStream([remote.track]);
    document.body.append(audio);
    void audio.play().catch(() => undefined);
    const receiverPoll = setInterval(() => {
      void (async () => {
        for (const { pc } of peerConnections) {
          for (const receiver of pc.getReceivers()) {
            if (receiver.track.id !== remote.track.id) continue;
            const stats = await receiver.getStats();
            stats.forEach((s: { type: string; totalSamplesReceived?: number }) => {
              if (s.type === 'inbound-rtp' && (s.totalSamplesReceived ?? 0) > 0) {
                marks[`${prefix}.first-audio`] ??= now();
                clearInterval(receiverPoll);
              }
            });
          }
        }
      })();
    }, 5);
    setTimeout(() => clearInterval(receiverPoll), 20_000);
  }
}

async function json<T>(res: Response): Promise<T> {
  const body = (await res.json()) as T & { ok?: boolean; error?: { code: string; message: string } };
  if (!res.ok || body.ok === false) throw new Error(`${res.status} ${body.error?.code ?? ''} ${body.error?.message ?? ''}`);
  return body;
}

function ack<T>(emit: (cb: (res: Ack<T>) => void) => void, label = 'request'): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label}: no answer in 10 s`)), 10_000);
    emit((res) => {
      clearTimeout(timer);
      if (res.ok) resolve(res as T);
      else reject(new Error(`${label}: ${res.error.code}: ${res.error.message}`));
    });
  });
}

type ClerkSocket = Socket<ServerToClientOf<ClerkPushes>, ClientToServerOf<ClerkRequests>>;
type CitizenSocket = Socket<ServerToClientOf<CitizenPushes>, ClientToServerOf<CitizenRequests>>;

/**
 * A clerk who stays signed in across calls; `nextCall` waits for one offer and accepts it at once. Warm
 * (as the console works): a media session waits in the clerk's standby room with camera and mic
 * published paused and both transports connected, and switches into each call. Cold: a new media
 * session per call, opened at accept.
 */
class BenchClerk {
  private socket!: ClerkSocket;
  private tracks!: { camera: MediaStreamTrack; mic: MediaStreamTrack };
  private session: MediaSession | null = null;
  private standby: MediaSession | null = null;

  private pendingOffer: ((offer: Offer) => void) | null = null;
  private callId: string | null = null;

  async start(api: string, username: string): Promise<void> {
    this.tracks = await captureTracks();
    const login = await json<LoginResponse>(
      await fetch(`${api}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'ablak-demo' }),
      }),
    );
    this.socket = io(`${api}/clerk`, {
      auth: { token: login.token, protocolVersion: PROTOCOL_VERSION },
      transports: ['websocket'],
      // Own connection: the media session's /media socket to the same origin must not share it.
      forceNew: true,
    });
    this.socket.on('offer:received', (offer) => this.pendingOffer?.(offer));
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }

  /** Opens the standby session (what the console does once per shift); resolves once both transports are connected. */
  async warmUp(): Promise<void> {
    if (this.standby) return;
    const { media } = await ack<{ media: MediaAccess }>((cb) => this.socket.emit('clerk:standby-media', {}, cb as never), 'standby-media');
    const session = new MediaSession({ statsIntervalMs: 0, simulcast: false });
    this.standby = session;
    session.on('error', (error) => console.log(`clerk standby error ${error.code ?? ''} ${error.message}`));
    session.on('track-added', (remote) => this.onStandbyTrack?.(remote));
    watchPrepared(session);
    await session.join(media);
    await session.publish({ camera: this.tracks.camera.clone(), mic: this.tracks.mic.clone() }, { paused: true });
    await until(() => transportsSince(0).filter((p) => p.connectedAt !== null).length >= 2);
  }

  private onStandbyTrack: ((remote: RemoteTrack) => void) | null = null;

  /** Becomes available; when the offer arrives, accepts it and enters the call (warm: switches the standby session in). */
  async nextCall(warm = false): Promise<Marks> {
    if (warm) {
      await this.warmUp();
      return this.nextWarmCall(this.standby as MediaSession);
    }
    return this.nextColdCall();
  }

  /**
   * Becomes available, waits for the offer and accepts it at once, stamping `clerk.accept` and
   * `clerk.grant`; `beforeAccept` runs between the offer and the accept.
   */
  private async acceptNextOffer(marks: Marks, beforeAccept: (ticketId: string) => void | Promise<void> = () => undefined): Promise<{ media: MediaAccess; pcsBefore: number }> {
    const offer = new Promise<Offer>((resolve, reject) => {
      this.pendingOffer = resolve;
      setTimeout(() => reject(new Error('no offer within 20 s')), 20_000);
    });
    offer.catch(() => undefined);
    await ack((cb) => this.socket.emit('clerk:set-state', { state: 'available' }, cb));
    const { ticketId } = await offer;
    marks['clerk.offer'] = now();
    const pcsBefore = peerConnections.length;
    await beforeAccept(ticketId);
    marks['clerk.accept'] = now();
    const { call, media } = await ack<{ call: { callId: string }; media: MediaAccess }>((cb) =>
      this.socket.emit('offer:accept', { ticketId }, cb as never),
    );
    marks['clerk.grant'] = now();
    this.callId = call.callId;
    return { media, pcsBefore };
  }

  private async nextWarmCall(session: MediaSession): Promise<Marks> {
    const marks: Marks = {};
    const seen = new Set<string>();
    const { media, pcsBefore } = await this.acceptNextOffer(marks, async (ticketId) => {
      this.onStandbyTrack = (remote) => {
        if (seen.has(remote.consumerId)) return;
        seen.add(remote.consumerId);
        watchTrack(remote, marks, 'clerk');
      };
      // As the console does while the offer is on screen: get the warm session ready for this call.
      // A person takes longer than this to press accept; the bench presses it the moment it is ready.
      const { media: prepare } = await ack<{ media: MediaAccess }>((cb) => this.socket.emit('offer:prepare-media', { ticketId: ticketId as never }, cb as never), 'prepare-media');
      if (await session.prepare(prepare)) marks['clerk.prepared'] = now();
    });
    // Enter the call and start sending at once; nothing to connect.
    await Promise.all([
      session.switchRoom(media).then(() => (marks['clerk.switched'] = now())),
      session.unmute('camera'),
      session.unmute('mic'),
    ]);
    marks['clerk.published'] = now();
    await until(() => marks['clerk.first-video-frame'] !== undefined && marks['clerk.first-audio'] !== undefined).catch((error: unknown) => {
      console.log('warm clerk never saw the citizen:', JSON.stringify(marks), session.remoteTracks.map((t) => `${t.kind}:${t.producerPaused}`).join(','));
      throw error;
    });
    marks['clerk.pcs-created-after-accept'] = peerConnections.length - pcsBefore;
    return marks;
  }

  private async nextColdCall(): Promise<Marks> {
    const marks: Marks = {};
    const { media, pcsBefore } = await this.acceptNextOffer(marks);
    const session = new MediaSession({ statsIntervalMs: 0, simulcast: false });
    this.session = session;
    watchRemote(session, marks, 'clerk');
    session.on('state-changed', (state) => console.log(`clerk media ${state} at +${(now() - (marks['clerk.accept'] ?? 0)).toFixed(0)}`));
    session.on('error', (error) => console.log(`clerk media error ${error.code ?? ''} ${error.message}`));
    await session.join(media);
    marks['clerk.joined'] = now();
    await session.publish({ camera: this.tracks.camera.clone(), mic: this.tracks.mic.clone() });
    marks['clerk.published'] = now();
    await until(() => transportsSince(pcsBefore).length >= 2 && transportsSince(pcsBefore).every((p) => p.connectedAt !== null)).catch((error: unknown) => {
      console.log('clerk transports never connected:', peerConnections.slice(pcsBefore).map((p) => `${p.pc.connectionState}/${p.pc.iceConnectionState}/${p.pc.getTransceivers().length}`).join(', '), JSON.stringify(marks), session.remoteTracks.length);
      throw error;
    });
    marks['clerk.transports-connected'] = Math.max(...transportsSince(pcsBefore).map((p) => p.connectedAt ?? 0));
    await until(() => marks['clerk.first-video-frame'] !== undefined && marks['clerk.first-audio'] !== undefined).catch((error: unknown) => {
      console.log('clerk never saw the citizen:', JSON.stringify(marks), session.remoteTracks.map((t) => `${t.kind}:${t.producerPaused}`).join(','));
      throw error;
    });
    marks['clerk.pcs-created-after-accept'] = transportsSince(pcsBefore).length;
    return marks;
  }

  /**
   * Becomes available and prepares for the offer as the console does while it is on screen (without
   * accepting). Returns the offered ticket and how many tracks the standby session prepared.
   */
  async prepareNext(): Promise<{ ticketId: string; prepared: number }> {
    await this.warmUp();
    const session = this.standby as MediaSession;
    const offer = new Promise<Offer>((resolve, reject) => {
      this.pendingOffer = resolve;
      setTimeout(() => reject(new Error('no offer within 20 s')), 20_000);
    });
    offer.catch(() => undefined);
    await ack((cb) => this.socket.emit('clerk:set-state', { state: 'available' }, cb));
    const { ticketId } = await offer;
    const { media } = await ack<{ media: MediaAccess }>((cb) => this.socket.emit('offer:prepare-media', { ticketId }, cb as never), 'prepare-media');
    if (!(await session.prepare(media))) throw new Error('the standby session could not prepare');
    return { ticketId, prepared: session.preparedTracks };
  }

  /** Declines the offer on screen and drops its preparation, as the console does. */
  async decline(ticketId: string): Promise<void> {
    await ack((cb) => this.socket.emit('offer:decline', { ticketId: ticketId as never }, cb as never), 'offer:decline');
    await this.standby?.unprepare();
    await ack((cb) => this.socket.emit('clerk:set-state', { state: 'away', reason: 'admin' }, cb), 'set-state');
  }

  preparedTracks(): number {
    return this.standby?.preparedTracks ?? 0;
  }

  async endCall(): Promise<void> {
    // The warm session stops sending before the call ends; the SFU moves it back to standby.
    if (this.standby) await Promise.all([this.standby.hold('camera'), this.standby.hold('mic')]).catch(() => undefined);
    this.onStandbyTrack = null;
    if (this.callId) await ack((cb) => this.socket.emit('call:end', { callId: this.callId as never }, cb as never), 'call:end');
    console.log('clerk: call ended');
    await this.session?.close();
    console.log('clerk: media closed');
    this.session = null;
    this.callId = null;
    await ack((cb) => this.socket.emit('wrapup:done', { next: 'away' }, cb as never), 'wrapup:done').catch((e: unknown) => console.log(String(e)));
    await ack((cb) => this.socket.emit('clerk:set-state', { state: 'away', reason: 'admin' }, cb), 'set-state').catch((e: unknown) => console.log(String(e)));
  }
}

/** One citizen: takes a ticket for `caseType`, waits (warm or cold), and is marked through the call. */
async function citizenCall(options: { api: string; caseType: string; warm: boolean; marks: Marks; ready: () => void }): Promise<void> {
  const { api, marks } = options;
  const tracks = await captureTracks();
  const ticket = await json<CreateTicketResponse>(
    await fetch(`${api}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Bench Citizen', caseType: options.caseType, language: 'hu' }),
    }),
  );
  const socket: CitizenSocket = io(`${api}/citizen`, {
    auth: { token: ticket.citizenToken, protocolVersion: PROTOCOL_VERSION, resumeSecret: ticket.resumeSecret },
    transports: ['websocket'],
      // Own connection: the media session's /media socket to the same origin must not share it.
      forceNew: true,
  });
  const matched = new Promise<CallMatched>((resolve) => socket.on('call:matched', resolve));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const session = new MediaSession({ statsIntervalMs: 0, simulcast: false });
  // Registered before anything can fail, so a failed call never leaks into the next one.
  citizenCleanup = async () => {
    await session.close();
    socket.close();
    for (const t of [tracks.camera, tracks.mic]) t.stop();
    peerConnections.length = 0;
  };
  watchRemote(session, marks, 'citizen');
  watchPrepared(session);
  citizenSession = session;
  session.on('state-changed', (state) => console.log(`citizen media ${state}`));
  session.on('error', (error) => console.log(`citizen media error ${error.code ?? ''} ${error.message}`));
  const joined = await ack<{ media: MediaAccess | null }>((cb) => socket.emit('queue:join', {}, cb as never));
  const pcsBefore = () => peerConnections.length;
  let pcsAtAccept = 0;
  if (options.warm && joined.media) {
    await session.join(joined.media);
    await session.publish({ camera: tracks.camera, mic: tracks.mic }, { paused: true });
    // Both transports: publishing paused also connects the receive side (MediaSession.warmReceive).
    await until(() => peerConnections.filter((p) => p.connectedAt !== null).length >= 2).catch((error: unknown) => {
      console.log('warm-up never connected:', peerConnections.map((p) => `${p.pc.connectionState}/${p.pc.iceConnectionState}`).join(', '), session.state);
      throw error;
    });
    marks['citizen.warm-ready'] = now();
  }
  pcsAtAccept = pcsBefore();
  options.ready();
  const call = await matched;
  marks['citizen.notified'] = now();
  if (options.warm && joined.media) {
    await Promise.all([session.unmute('camera'), session.unmute('mic')]);
  } else {
    await session.join(call.media);
    marks['citizen.joined'] = now();
    await session.publish({ camera: tracks.camera, mic: tracks.mic });
  }
  marks['citizen.published'] = now();
  await until(() => marks['citizen.first-video-frame'] !== undefined && marks['citizen.first-audio'] !== undefined).catch((error: unknown) => {
    console.log('citizen never saw the clerk:', JSON.stringify(marks), session.remoteTracks.map((t) => `${t.kind}:${t.producerPaused}`).join(','));
    throw error;
  });
  await until(() => transportsSince(0).length >= 2 && transportsSince(0).every((p) => p.connectedAt !== null));
  marks['citizen.transports-connected'] = Math.max(...transportsSince(0).map((p) => p.connectedAt ?? 0));
  marks['citizen.pcs-created-after-accept'] = transportsSince(pcsAtAccept).length;
}

function until(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const tick = () => {
      if (predicate()) resolve();
      else if (performance.now() - started > timeoutMs) reject(new Error('timed out'));
      else setTimeout(tick, 2);
    };
    tick();
  });
}

const clerk = new BenchClerk();
let citizenSession: MediaSession | null = null;
let citizenCleanup: (() => Promise<void>) | null = null;
let citizenState: { marks: Marks; done: boolean; error: string | null } = { marks: {}, done: false, error: null };

const api = {
  clerkStart: (base: string, username: string) => clerk.start(base, username),
  clerkNextCall: (warm = false) => clerk.nextCall(warm),
  clerkEndCall: () => clerk.endCall(),
  /** Resolves once the citizen waits (and, when warm, its media session is connected). */
  citizenStart(base: string, caseType: string, warm: boolean): Promise<void> {
    const marks: Marks = {};
    citizenState = { marks, done: false, error: null };
    const state = citizenState;
    let isReady = false;
    return new Promise<void>((ready, fail) => {
      citizenCall({
        api: base,
        caseType,
        warm,
        marks,
        ready: () => {
          isReady = true;
          ready();
        },
      })
        .then(() => (state.done = true))
        .catch((error: unknown) => {
          state.error = error instanceof Error ? error.message : String(error);
          if (!isReady) fail(error);
        });
    });
  },
  citizenMarks: () => citizenState.marks,
  /** Tracks the citizen's session holds prepared (a clerk with its offer on screen), not shown. */
  citizenPreparedTracks: () => citizenSession?.preparedTracks ?? 0,
  citizenTracks: () => citizenSession?.remoteTracks.length ?? 0,
  clerkPrepareNext: () => clerk.prepareNext(),
  clerkDecline: (ticketId: string) => clerk.decline(ticketId),
  clerkPreparedTracks: () => clerk.preparedTracks(),
  /** True once the call was seen through, or failed (then `citizenError` says why). */
  citizenDone: () => citizenState.done || citizenState.error !== null,
  citizenError: () => citizenState.error,
  async citizenEnd() {
    await citizenCleanup?.();
    citizenCleanup = null;
  },
};
(window as unknown as { callPage: typeof api }).callPage = api;
export type CallPageApi = typeof api;
