import { Device } from 'mediasoup-client';
import type { types as msc } from 'mediasoup-client';
import { io, type Socket } from 'socket.io-client';
import {
  PROTOCOL_VERSION,
  mediaPushes,
  type Ack,
  type ClientToServerOf,
  type ConsumerOptions,
  type MediaAccess,
  type MediaPushes,
  type MediaRequests,
  type ProducerSource,
  type RemotePeer,
  type RemoteProducer,
  type RequestOf,
  type ResultOf,
  type ServerToClientOf,
  type TransportOptions,
} from '@ablak/protocol';
import { Emitter } from './emitter';
import { LocalMedia } from './local-media';
import { StatsSampler, trackStatsOf, type MediaStats, type TrackStats } from './stats';
import { TransportWatch } from './transport-watch';

export type MediaConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

/** A track another peer sends, as this browser receives it. */
export interface RemoteTrack {
  readonly consumerId: string;
  readonly producerId: string;
  readonly peerId: string;
  readonly kind: 'audio' | 'video';
  readonly source: ProducerSource;
  readonly track: MediaStreamTrack;
  /** The sender paused it (muted camera or mic). */
  producerPaused: boolean;
  /**
   * The simulcast layer the SFU forwards (video): null before the first layer is chosen, or when it
   * forwards none (the sender's bandwidth or the receiver's is too low). Updated with `layers-changed`.
   */
  layers: { spatial: number; temporal: number } | null;
}

export type MediaSessionEvents = {
  'state-changed': [MediaConnectionState];
  'peer-joined': [RemotePeer];
  'peer-left': [{ peerId: string }];
  'track-added': [RemoteTrack];
  'track-removed': [RemoteTrack];
  'track-paused': [RemoteTrack];
  /** The SFU forwards another simulcast layer of a received video (quality went up or down). */
  'layers-changed': [RemoteTrack];
  stats: [MediaStats];
  'room-closed': [{ reason: string }];
  /** The call this warm session had switched into ended; the session stays connected in its own room. */
  'room-left': [{ reason: string }];
  /**
   * Consumers for a call that has not started were wired up (this session prepared to enter a room, or
   * a clerk prepared to enter ours); they arrive as `track-added` when the call starts.
   */
  'tracks-prepared': [{ consumerIds: string[] }];
  error: [Error & { code?: string }];
};

export interface MediaSessionOptions {
  /** Consume every producer of the room as it appears (default true). */
  autoConsume?: boolean;
  /** Stats sample period; 0 turns periodic stats off (default 2000). */
  statsIntervalMs?: number;
  /**
   * Fresh access to the room this session joined (its own grant): asked when the SFU says that grant
   * ends soon (`media:grant-expiring`; grants live ten minutes and the SFU ends them on time) and when
   * the grant was refused on a reconnect. Without it the session ends with its grant.
   */
  refreshAccess?: () => Promise<MediaAccess>;
  /** ICE over TCP only (networks that block UDP). */
  forceTcp?: boolean;
  /** 'relay' sends everything through the TURN servers of the join answer. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  /** Three simulcast layers for the camera (default true). */
  simulcast?: boolean;
  requestTimeoutMs?: number;
}

const ABS_CAPTURE_TIME = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time';

/** The last loaded device of this page and the router capabilities it was loaded with. */
let loadedDevice: Device | undefined;
let loadedDeviceCaps: string | undefined;

type MediaSocket = Socket<ServerToClientOf<MediaPushes>, ClientToServerOf<MediaRequests>>;
type RequestError = Error & { code?: string };

/**
 * The browser's media session over mediasoup-client: joins a room with a grant, publishes camera, mic
 * and screen, receives the others' tracks as typed events, and heals itself (ICE restart, full re-join
 * after a socket reconnect or a server request). It can be opened before a call starts.
 */
export class MediaSession extends Emitter<MediaSessionEvents> {
  private socket: MediaSocket | undefined;
  private device: Device | undefined;
  private access: MediaAccess | undefined;
  /** The access the session joined with (a warm session's own room); `access` is the room it is in now. */
  private homeAccess: MediaAccess | undefined;
  /** Fresh access to the room this session switched into (given to `switchRoom`), for a long call. */
  private renewCurrent: (() => Promise<MediaAccess>) | undefined;
  /** Whether the receive transport has been connected ahead of the first remote track. */
  private warmingReceive: Promise<void> | undefined;
  private sendTransport: msc.Transport | undefined;
  private recvTransport: msc.Transport | undefined;
  private readonly consumers = new Map<string, { consumer: msc.Consumer; remote: RemoteTrack }>();
  /**
   * Consumers made for a call that has not started (`prepare`, or a clerk preparing to enter our room):
   * wired up but not shown; `live` once the SFU said the call started (shown as soon as wired).
   */
  private readonly prepared = new Map<string, { wired: { consumer: msc.Consumer; remote: RemoteTrack } | null; live: boolean }>();
  /** The preparation in flight (switchRoom waits for it). */
  private preparing: Promise<void> = Promise.resolve();
  /** The room of the current preparation, if any. */
  private preparedFor: string | null = null;
  private readonly remotePeers = new Map<string, RemotePeer>();
  /** Producers announced before the receive transport existed (pushes can overtake the join's set-up). */
  private readonly pendingProducers = new Set<string>();
  /** Producers being consumed right now: a push and the join answer may name the same one. */
  private readonly consuming = new Set<string>();
  private readonly local: LocalMedia;
  private readonly watch: TransportWatch;
  private readonly sampler = new StatsSampler();
  private stateValue: MediaConnectionState = 'idle';
  private joining: Promise<void> = Promise.resolve();
  private joinedOnce = false;
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private readonly options: Required<Omit<MediaSessionOptions, 'refreshAccess'>> & Pick<MediaSessionOptions, 'refreshAccess'>;

  constructor(options: MediaSessionOptions = {}) {
    super();
    this.options = {
      autoConsume: options.autoConsume ?? true,
      statsIntervalMs: options.statsIntervalMs ?? 2000,
      forceTcp: options.forceTcp ?? false,
      simulcast: options.simulcast ?? true,
      iceTransportPolicy: options.iceTransportPolicy ?? 'all',
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      refreshAccess: options.refreshAccess,
    };
    this.local = new LocalMedia({
      simulcast: this.options.simulcast,
      request: (event, payload) => this.request(event, payload),
      transport: () => this.sendTransport,
    });
    this.watch = new TransportWatch({
      restartIce: async (transport) => {
        const { iceParameters } = await this.request('media:restart-ice', { transportId: transport.id });
        await transport.restartIce({ iceParameters: iceParameters as unknown as msc.IceParameters });
      },
      onHealthChanged: () => this.refreshState(),
      onGiveUp: () => this.rejoin('ice-failed'),
    });
  }

  get state(): MediaConnectionState {
    return this.stateValue;
  }
  get peers(): RemotePeer[] {
    return [...this.remotePeers.values()];
  }
  get remoteTracks(): RemoteTrack[] {
    return [...this.consumers.values()].map((c) => c.remote);
  }
  /** Tracks prepared for a call that has not started (not shown, nothing flowing). */
  get preparedTracks(): number {
    return this.prepared.size;
  }
  /** The local track currently published (or waiting to be) for a source. */
  localTrack(source: ProducerSource): MediaStreamTrack | null {
    return this.local.track(source);
  }
  isMuted(source: ProducerSource): boolean {
    return this.local.paused(source);
  }

  /** Connects to the room named by `access`; resolves once joined (transports created). */
  join(access: MediaAccess): Promise<void> {
    if (this.socket) return Promise.reject(new Error('this media session has already joined; close it first'));
    this.access = access;
    this.homeAccess = access;
    this.setState('connecting');
    const socket: MediaSocket = io(`${access.sfuUrl.replace(/\/$/, '')}/media`, {
      auth: { token: access.grant, protocolVersion: PROTOCOL_VERSION },
      query: { room: access.room },
      transports: ['websocket'],
      // Its own connection: the SFU closes it when a room ends, which must not take down a signalling
      // namespace that happens to share the origin (embedded mode serves both on one port).
      forceNew: true,
      reconnectionDelayMax: 5_000,
    });
    this.socket = socket;
    for (const event of Object.keys(mediaPushes) as (keyof MediaPushes & string)[]) {
      socket.on(event, ((payload: unknown) => this.onPush(event, payload)) as never);
    }
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      socket.on('connect', () => {
        const joined = this.rejoin(this.joinedOnce ? 'socket-reconnected' : 'first-join');
        if (!settled) {
          settled = true;
          joined.then(resolve, reject);
        }
      });
      socket.on('disconnect', (reason) => {
        if (this.stateValue === 'closed') return;
        this.setState('reconnecting');
        if (reason === 'io server disconnect') this.fail('the SFU closed the connection');
      });
      socket.on('connect_error', (error: Error & { data?: { code?: string; message?: string } }) => {
        const code = error.data?.code;
        if (code === undefined) {
          if (this.joinedOnce) this.setState('reconnecting');
          return; // network trouble: socket.io retries on its own
        }
        void this.onRefused(code, error.data?.message ?? error.message).then((retry) => {
          if (retry) return;
          if (!settled) {
            settled = true;
            reject(Object.assign(new Error(error.data?.message ?? error.message), { code }));
          }
        });
      });
    });
  }

  /**
   * Publishes camera and/or mic; `paused` publishes without sending (for both, or per source): the
   * browser sends nothing for a paused source and the SFU is not told (see `hold`). Publishing
   * everything paused is the pre-warm while waiting, and then also connects the receive transport
   * (`warmReceive`, default: when everything is paused). A call already under way publishes live, with
   * only the muted sources paused, and does not wait for the receive side.
   */
  async publish(
    tracks: { camera?: MediaStreamTrack | null; mic?: MediaStreamTrack | null },
    options: { paused?: boolean | { camera?: boolean; mic?: boolean }; warmReceive?: boolean } = {},
  ): Promise<void> {
    const pausedOf = (source: 'camera' | 'mic') =>
      typeof options.paused === 'object' ? (options.paused[source] ?? false) : (options.paused ?? false);
    // mediasoup-client negotiates one track at a time. The other side waits for a picture more than for
    // the first syllable, so a single-layer camera goes first (the mic follows one negotiation later); a
    // simulcast camera must follow the mic (LocalMedia.sendsCaptureTime says why).
    const mic = () => (tracks.mic ? this.local.publish('mic', tracks.mic, pausedOf('mic')) : Promise.resolve());
    const camera = () => (tracks.camera ? this.local.publish('camera', tracks.camera, pausedOf('camera')) : Promise.resolve());
    await Promise.all(this.local.cameraFirst ? [camera(), mic()] : [mic(), camera()]);
    const allPaused = (!tracks.mic || pausedOf('mic')) && (!tracks.camera || pausedOf('camera'));
    // Publishing paused is the pre-warm: connect the receive side too, so the call needs no handshake.
    if (options.warmReceive ?? allPaused) await this.warmReceive();
  }

  /**
   * Connects the receive transport (ICE + DTLS) before any remote track exists, by consuming one of
   * our own producers paused for a moment. Best effort: without a producer it does nothing and the
   * transport connects with its first real consumer as before.
   */
  warmReceive(): Promise<void> {
    const transport = this.recvTransport;
    if (!transport || transport.closed || transport.connectionState === 'connected') return Promise.resolve();
    this.warmingReceive ??= (async () => {
      try {
        const { consumer: options } = await this.request('media:warm-up', {});
        if (!options || transport.closed) return;
        const consumer = await transport.consume({
          id: options.id,
          producerId: options.producerId,
          kind: options.kind,
          rtpParameters: options.rtpParameters as unknown as msc.RtpParameters,
          streamId: 'warm-up',
        });
        await waitForConnected(transport, 10_000);
        consumer.close();
      } catch (error) {
        this.emit('error', error as RequestError);
      } finally {
        this.warmingReceive = undefined;
      }
    })();
    return this.warmingReceive;
  }

  /** A session that switched into a call goes back to the room it joined with (nothing if it is there). */
  async returnHome(): Promise<void> {
    const home = this.homeAccess;
    if (!home || this.access === home || this.stateValue === 'closed' || !this.socket?.connected) return;
    await this.switchRoom(home);
  }

  /**
   * Gets this warm session ready for a call it may enter next (a clerk's offer on screen): the SFU makes
   * paused consumers both ways and this session wires its own up, so `switchRoom` with the accept's
   * grant only has to show them. `access` carries a prepare grant (`offer:prepare-media`). False when
   * it cannot help (not connected, the call is on another SFU node); a refusal throws.
   */
  async prepare(access: MediaAccess): Promise<boolean> {
    if (!this.socket?.connected || this.stateValue === 'closed') return false;
    if (normalizeUrl(access.sfuUrl) !== normalizeUrl(this.access?.sfuUrl ?? '')) return false;
    await this.joining.catch(() => undefined);
    const transport = this.recvTransport;
    if (!transport || transport.closed) return false;
    this.preparedFor = access.room;
    const run = (async () => {
      this.dropPrepared();
      const { consumers } = await this.request('media:prepare', { grant: access.grant });
      await this.wirePrepared(transport, consumers);
    })();
    this.preparing = run.catch(() => undefined);
    await run;
    return true;
  }

  /**
   * Drops a preparation (the offer went away); harmless when there is none. With `room`, only a
   * preparation for that room (a newer one for another offer stays).
   */
  async unprepare(room?: string): Promise<void> {
    await this.preparing;
    if (room !== undefined && this.preparedFor !== room) return;
    this.preparedFor = null;
    this.dropPrepared();
    if (this.socket?.connected) await this.request('media:unprepare', {}).catch(() => undefined);
  }

  /**
   * Moves this connected session into the room of `access` without new transports (a warm clerk
   * entering a call). The room must live on the same SFU node; a refusal comes back as an Error with
   * the ack's `code` and the session stays where it was. Tracks of the old room end; those of the new
   * room arrive as `track-added`. `renew` gives fresh access to that room when its grant is about to
   * end (a call longer than a grant's life); without it the session leaves the room when the grant ends.
   */
  async switchRoom(access: MediaAccess, options: { renew?: () => Promise<MediaAccess> } = {}): Promise<void> {
    if (!this.socket || this.stateValue === 'closed') throw Object.assign(new Error('join first'), { code: 'CONFLICT' });
    if (normalizeUrl(access.sfuUrl) !== normalizeUrl(this.access?.sfuUrl ?? '')) {
      throw Object.assign(new Error('that room is on another media server'), { code: 'OTHER_NODE' });
    }
    await this.joining.catch(() => undefined);
    await this.preparing;
    const transport = this.recvTransport;
    const home = access === this.homeAccess;
    this.preparedFor = null;
    const entered = await this.request('media:switch-room', home ? {} : { grant: access.grant });
    this.access = access;
    this.renewCurrent = home ? undefined : options.renew;
    this.socket.auth = { token: access.grant, protocolVersion: PROTOCOL_VERSION };
    for (const id of [...this.consumers.keys()]) this.dropConsumer(id);
    this.remotePeers.clear();
    for (const peer of entered.peers) this.remotePeers.set(peer.peerId, peer);
    // Prepared consumers are wired already and the SFU resumed them: they only need showing.
    const fresh = entered.consumers.filter((c) => !this.prepared.has(c.id));
    for (const c of entered.consumers) if (this.prepared.has(c.id)) this.promote(c.id);
    this.dropPrepared();
    if (transport && !transport.closed) await this.addAndResume(transport, fresh);
    const consumed = new Set(entered.consumers.map((c) => c.producerId));
    const rest = entered.producers.map((p) => p.producerId).filter((id) => !consumed.has(id));
    if (rest.length > 0 && this.options.autoConsume) await this.consume(rest);
  }

  /** Switches device without renegotiation; `null` stops sending for that source but keeps the producer. */
  replaceTrack(source: ProducerSource, track: MediaStreamTrack | null): Promise<void> {
    return this.local.replaceTrack(source, track);
  }
  /** Stops sending a source; the others see it paused (camera off, mic muted). */
  mute(source: 'mic' | 'camera'): Promise<void> {
    return this.local.setPaused(source, true);
  }
  /**
   * Stops sending a source without telling the SFU: for a warm session nobody receives (standby between
   * calls). `unmute` resumes it; `publish(…, { paused: true })` starts in this state.
   */
  hold(source: 'mic' | 'camera'): Promise<void> {
    return this.local.hold(source);
  }
  unmute(source: 'mic' | 'camera'): Promise<void> {
    return this.local.setPaused(source, false);
  }
  /** Screen share is a second video producer (`source: 'screen'`); it stops when the track ends. */
  startScreenShare(track: MediaStreamTrack): Promise<void> {
    track.addEventListener('ended', () => void this.stopScreenShare(), { once: true });
    return this.local.publish('screen', track, false);
  }
  stopScreenShare(): Promise<void> {
    return this.local.unpublish('screen');
  }

  /** Consumes producers (autoConsume does this on its own). */
  async consume(producerIds: readonly string[]): Promise<void> {
    const transport = this.recvTransport;
    if (!transport) {
      for (const id of producerIds) this.pendingProducers.add(id);
      return;
    }
    const pending = producerIds.filter(
      (id) => !this.consuming.has(id) && ![...this.consumers.values()].some((c) => c.remote.producerId === id),
    );
    for (const id of pending) this.consuming.add(id);
    try {
      for (let i = 0; i < pending.length; i += 16) {
        const { consumers } = await this.request('media:consume', { producerIds: pending.slice(i, i + 16) });
        if (transport.closed) return;
        await this.addAndResume(transport, consumers);
      }
    } finally {
      for (const id of pending) this.consuming.delete(id);
    }
  }

  /** Asks the SFU for a lower simulcast layer of a received video (e.g. a small tile). */
  async setPreferredLayers(consumerId: string, spatialLayer: number, temporalLayer?: number): Promise<void> {
    await this.request('media:set-preferred-layers', temporalLayer === undefined ? { consumerId, spatialLayer } : { consumerId, spatialLayer, temporalLayer });
  }

  /** One stats sample now (also emitted every `statsIntervalMs` as `stats`). */
  async getStats(): Promise<MediaStats> {
    const [send, recv] = await Promise.all([
      this.sendTransport?.getStats().catch(() => undefined),
      this.recvTransport?.getStats().catch(() => undefined),
    ]);
    return this.sampler.sample(send, recv);
  }

  /** What one received track has decoded (frames for video, samples for audio). */
  async trackStats(consumerId: string): Promise<TrackStats | null> {
    const entry = this.consumers.get(consumerId);
    return entry ? trackStatsOf(await entry.consumer.getStats()) : null;
  }

  /** Leaves the room and releases everything; idempotent. Local tracks are not stopped (the caller owns them). */
  async close(): Promise<void> {
    if (this.stateValue === 'closed') return;
    const socket = this.socket;
    if (socket?.connected) await this.request('media:leave', {}).catch(() => undefined);
    this.setState('closed');
    clearInterval(this.statsTimer);
    this.teardownTransports();
    this.local.close();
    socket?.removeAllListeners();
    socket?.close();
    this.removeAllListeners();
  }

  /** Typed request over /media; throws an Error with the ack's `code` when refused. */
  async request<K extends keyof MediaRequests & string>(event: K, payload: RequestOf<MediaRequests, K>): Promise<ResultOf<MediaRequests, K>> {
    const socket = this.socket;
    if (!socket?.connected) throw Object.assign(new Error('not connected to the SFU'), { code: 'UNAVAILABLE' });
    const timed = socket.timeout(this.options.requestTimeoutMs);
    const emit = timed.emitWithAck as unknown as (e: K, p: RequestOf<MediaRequests, K>) => Promise<Ack<ResultOf<MediaRequests, K>>>;
    const res = await emit.call(timed, event, payload);
    if (!res.ok) throw Object.assign(new Error(res.error.message), { code: res.error.code }) as RequestError;
    return res;
  }

  /** Full (re-)join: one round trip for capabilities and both transports, then publish and consume again. */
  private rejoin(reason: string): Promise<void> {
    const run = async () => {
      if (this.stateValue === 'closed' || !this.socket?.connected) return;
      if (this.joinedOnce) this.setState('reconnecting');
      this.teardownTransports();
      this.pendingProducers.clear();
      // A device loaded by an earlier session of this page is reused when the router offers the same
      // codecs (every Ablak router does): the join then carries our capabilities, and loading the device
      // (probe peer connections) and the set-capabilities round trip drop out of the call's start.
      this.device ??= loadedDevice;
      const known = this.device?.loaded === true;
      const joined = await this.request('media:join', {
        ...(known ? { rtpCapabilities: (this.device as Device).rtpCapabilities as unknown as Record<string, unknown> } : {}),
        forceTcp: this.options.forceTcp,
        // The SFU makes our consumers in the same step when it knows what this browser can decode.
        consume: known && this.options.autoConsume,
      });
      const routerCaps = JSON.stringify(joined.routerRtpCapabilities);
      if (this.device?.loaded && this.device !== loadedDevice) {
        // Own device from an earlier join of this session: the server already has its capabilities.
      } else if (!this.device?.loaded || loadedDeviceCaps !== routerCaps) {
        this.device = await Device.factory();
        await this.device.load({ routerRtpCapabilities: joined.routerRtpCapabilities as unknown as msc.RtpCapabilities });
        await this.request('media:set-capabilities', { rtpCapabilities: this.device.rtpCapabilities as unknown as Record<string, unknown> });
        loadedDevice = this.device;
        loadedDeviceCaps = routerCaps;
      }
      const iceServers = joined.iceServers.length > 0 ? joined.iceServers : (this.access?.iceServers ?? []);
      if (joined.sendTransport) this.sendTransport = this.createTransport('send', joined.sendTransport, iceServers);
      if (joined.recvTransport) this.recvTransport = this.createTransport('recv', joined.recvTransport, iceServers);
      this.remotePeers.clear();
      for (const peer of joined.peers) this.remotePeers.set(peer.peerId, peer);
      this.joinedOnce = true;
      this.setState('connected');
      this.startStats();
      const premade = joined.consumers ?? [];
      const have = new Set(premade.map((c) => c.producerId));
      const toConsume = [...new Set([...joined.producers.map((p) => p.producerId), ...this.pendingProducers])].filter((id) => !have.has(id));
      this.pendingProducers.clear();
      const recv = this.recvTransport;
      const receiving = async () => {
        if (recv && premade.length > 0) {
          for (const c of premade) this.consuming.add(c.producerId);
          try {
            await this.addAndResume(recv, premade);
          } finally {
            for (const c of premade) this.consuming.delete(c.producerId);
          }
        }
        if (this.options.autoConsume) await this.consume(toConsume);
      };
      // Receiving does not hold the join up: a caller that publishes next should not wait for our
      // consumers' SDP and resume round trip before its own tracks leave.
      void receiving().catch((error: RequestError) => this.emit('error', error));
      await this.local.republish();
    };
    this.joining = this.joining.then(run, run).catch((error: RequestError) => {
      this.emit('error', error);
      if (error.code === 'GRANT_INVALID' || error.code === 'FORBIDDEN') this.fail(error.message);
      else if (reason !== 'first-join') this.setState('reconnecting');
      throw error;
    });
    return this.joining;
  }

  private createTransport(direction: 'send' | 'recv', options: TransportOptions, iceServers: MediaAccess['iceServers']): msc.Transport {
    const device = this.device as Device;
    const init = {
      ...(options as unknown as msc.TransportOptions),
      iceServers: iceServers as RTCIceServer[],
      iceTransportPolicy: this.options.iceTransportPolicy,
    };
    const transport = direction === 'send' ? device.createSendTransport(init) : device.createRecvTransport(init);
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      this.request('media:connect-transport', { transportId: transport.id, dtlsParameters: dtlsParameters as unknown as { fingerprints: Record<string, unknown>[] } }).then(
        () => callback(),
        errback,
      );
    });
    if (direction === 'send') {
      transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
        const source = appData['source'] as ProducerSource;
        // Declare only the header extensions the browser sends: mediasoup-client always lists
        // abs-capture-time, and mediasoup would wait for capture instants that never come.
        const declared =
          appData['captureTime'] === true
            ? rtpParameters
            : { ...rtpParameters, headerExtensions: (rtpParameters.headerExtensions ?? []).filter((h) => h.uri !== ABS_CAPTURE_TIME) };
        this.request('media:produce', {
          transportId: transport.id,
          kind,
          rtpParameters: declared as unknown as { codecs: Record<string, unknown>[] },
          source,
          paused: appData['paused'] === true,
        }).then(({ producerId }) => callback({ id: producerId }), errback);
      });
    }
    this.watch.add(transport);
    return transport;
  }

  /** Wires up consumers the SFU made (one renegotiation: mediasoup-client batches consumes of one tick) and resumes them. */
  private async addAndResume(transport: msc.Transport, consumers: readonly ConsumerOptions[]): Promise<void> {
    if (consumers.length === 0) return;
    const ready = await Promise.all(consumers.map((options) => this.addConsumer(transport, options)));
    await this.request('media:resume-consumer', { consumerIds: ready });
  }

  private async addConsumer(transport: msc.Transport, options: ConsumerOptions): Promise<string> {
    const entry = await this.wire(transport, options);
    this.consumers.set(entry.consumer.id, entry);
    this.emit('track-added', entry.remote);
    return entry.consumer.id;
  }

  /** Wires up prepared consumers without showing them, then tells the SFU they are ready. */
  private async wirePrepared(transport: msc.Transport, consumers: readonly ConsumerOptions[]): Promise<void> {
    if (consumers.length === 0) return;
    for (const c of consumers) if (!this.prepared.has(c.id)) this.prepared.set(c.id, { wired: null, live: false });
    const wired = await Promise.all(
      consumers.map(async (options) => {
        const slot = this.prepared.get(options.id);
        if (!slot) return null; // closed while wiring
        const entry = await this.wire(transport, options);
        if (this.prepared.get(options.id) !== slot) {
          entry.consumer.close();
          return null;
        }
        slot.wired = entry;
        return options.id;
      }),
    );
    const ids = wired.filter((id): id is string => id !== null);
    if (ids.length > 0) this.emit('tracks-prepared', { consumerIds: ids });
    for (const id of ids) if (this.prepared.get(id)?.live) this.promote(id);
    if (ids.length > 0) await this.request('media:consumers-ready', { consumerIds: ids });
  }

  /** A prepared consumer's call started: show it now, or as soon as it is wired. */
  private promote(consumerId: string): void {
    const slot = this.prepared.get(consumerId);
    if (!slot) return;
    slot.live = true;
    if (!slot.wired) return;
    this.prepared.delete(consumerId);
    this.consumers.set(consumerId, slot.wired);
    this.emit('track-added', slot.wired.remote);
  }

  /** Closes the prepared consumers that were never shown. */
  private dropPrepared(): void {
    for (const [id, slot] of [...this.prepared]) {
      if (slot.live && !slot.wired) continue; // promoted the moment it is wired
      this.prepared.delete(id);
      slot.wired?.consumer.close();
    }
  }

  private async wire(transport: msc.Transport, options: ConsumerOptions): Promise<{ consumer: msc.Consumer; remote: RemoteTrack }> {
    const consumer = await transport.consume({
      id: options.id,
      producerId: options.producerId,
      kind: options.kind,
      rtpParameters: options.rtpParameters as unknown as msc.RtpParameters,
      streamId: `${options.peerId}-${options.source === 'screen' ? 'screen' : 'av'}`,
    });
    const remote: RemoteTrack = {
      consumerId: consumer.id,
      producerId: options.producerId,
      peerId: options.peerId,
      kind: options.kind,
      source: options.source,
      track: consumer.track,
      producerPaused: options.producerPaused,
      layers: null,
    };
    consumer.on('transportclose', () => {
      this.prepared.delete(consumer.id);
      this.dropConsumer(consumer.id);
    });
    return { consumer, remote };
  }

  private dropConsumer(consumerId: string): void {
    const entry = this.consumers.get(consumerId);
    if (!entry) return;
    this.consumers.delete(consumerId);
    entry.consumer.close();
    this.emit('track-removed', entry.remote);
  }

  private onPush(event: keyof MediaPushes & string, raw: unknown): void {
    const parsed = mediaPushes[event].safeParse(raw);
    if (!parsed.success || this.stateValue === 'closed') return;
    const payload = parsed.data as Record<string, unknown>;
    switch (event) {
      case 'media:peer-joined':
        this.remotePeers.set(String(payload['peerId']), payload as unknown as RemotePeer);
        this.emit('peer-joined', payload as unknown as RemotePeer);
        break;
      case 'media:peer-left':
        this.remotePeers.delete(String(payload['peerId']));
        this.emit('peer-left', { peerId: String(payload['peerId']) });
        break;
      case 'media:consumers-added': {
        const consumers = (payload as { consumers: ConsumerOptions[] }).consumers;
        const transport = this.recvTransport;
        if (payload['prepared'] === true) {
          // For a peer preparing to enter (a clerk with our offer on screen): wire up, show nothing yet.
          if (transport && !transport.closed) void this.wirePrepared(transport, consumers).catch((e: RequestError) => this.emit('error', e));
          break;
        }
        if (!transport || transport.closed) {
          // Not wired up yet (a join still in progress): consume these producers once it is.
          for (const c of consumers) this.pendingProducers.add(c.producerId);
          break;
        }
        const fresh = consumers.filter((c) => !this.consuming.has(c.producerId));
        for (const c of fresh) this.consuming.add(c.producerId);
        void this.addAndResume(transport, fresh)
          .catch((e: RequestError) => this.emit('error', e))
          .finally(() => {
            for (const c of fresh) this.consuming.delete(c.producerId);
          });
        break;
      }
            case 'media:producer-added':
        if (this.options.autoConsume) void this.consume([(payload as unknown as RemoteProducer).producerId]).catch((e: RequestError) => this.emit('error', e));
        break;
      case 'media:consumers-live':
        for (const id of payload['consumerIds'] as string[]) this.promote(id);
        break;
      case 'media:consumer-closed': {
        const slot = this.prepared.get(String(payload['consumerId']));
        if (slot) {
          this.prepared.delete(String(payload['consumerId']));
          slot.wired?.consumer.close();
          break;
        }
        for (const [id, c] of this.consumers) if (c.remote.producerId === payload['producerId']) this.dropConsumer(id);
        break;
      }
      case 'media:producer-closed':
        for (const [id, c] of this.consumers) if (c.remote.producerId === payload['producerId']) this.dropConsumer(id);
        break;
      case 'media:producer-paused':
        for (const c of this.consumers.values()) {
          if (c.remote.producerId !== payload['producerId']) continue;
          c.remote.producerPaused = payload['paused'] === true;
          this.emit('track-paused', c.remote);
          // A resumed video needs a key frame to decode again; ask for one through our consumer.
          if (!c.remote.producerPaused && c.remote.kind === 'video') {
            void this.request('media:resume-consumer', { consumerIds: [c.remote.consumerId] }).catch(() => undefined);
          }
        }
        break;
      case 'media:consumer-layers-changed': {
        const entry = this.consumers.get(String(payload['consumerId']));
        if (!entry) break;
        const spatial = payload['spatialLayer'];
        const temporal = payload['temporalLayer'];
        entry.remote.layers = typeof spatial === 'number' ? { spatial, temporal: typeof temporal === 'number' ? temporal : 0 } : null;
        this.emit('layers-changed', entry.remote);
        break;
      }
      case 'media:reconnect-required':
        void this.rejoin('server-asked').catch(() => undefined);
        break;
      case 'media:room-closed':
        this.emit('room-closed', { reason: String(payload['reason']) });
        void this.close();
        break;
      case 'media:grant-expiring':
        void this.renewGrant(String(payload['room']));
        break;
      case 'media:room-left':
        this.renewCurrent = undefined;
        for (const id of [...this.consumers.keys()]) this.dropConsumer(id);
        this.dropPrepared();
        this.remotePeers.clear();
        this.access = this.homeAccess;
        if (this.socket && this.homeAccess) this.socket.auth = { token: this.homeAccess.grant, protocolVersion: PROTOCOL_VERSION };
        this.emit('room-left', { reason: String(payload['reason']) });
        break;
      default:
        break;
    }
  }

  /**
   * A grant in force ends soon (the SFU said so): fresh access for that room from the app, handed to the
   * SFU. Nothing when the app gave no way to renew it: the SFU then ends that room for this session.
   */
  private async renewGrant(room: string): Promise<void> {
    const home = this.homeAccess;
    const isHome = home !== undefined && room === home.room;
    const renew = isHome ? this.options.refreshAccess : room === this.access?.room ? this.renewCurrent : undefined;
    if (!renew) return;
    try {
      const fresh = await renew();
      if (fresh.room !== room || this.stateValue === 'closed') return;
      await this.request('media:refresh-grant', { grant: fresh.grant });
      if (isHome) {
        if (this.access === home) this.access = fresh;
        this.homeAccess = fresh;
      } else if (this.access?.room === room) {
        this.access = fresh;
      }
      if (this.socket && this.access) this.socket.auth = { token: this.access.grant, protocolVersion: PROTOCOL_VERSION };
    } catch (error) {
      this.emit('error', error as RequestError);
    }
  }

  private async onRefused(code: string, message: string): Promise<boolean> {
    if (code === 'GRANT_INVALID' && this.options.refreshAccess && this.socket) {
      try {
        this.access = await this.options.refreshAccess();
        this.socket.auth = { token: this.access.grant, protocolVersion: PROTOCOL_VERSION };
        this.socket.connect();
        return true;
      } catch {
        /* fall through to failed */
      }
    }
    this.fail(message, code);
    return false;
  }

  private teardownTransports(): void {
    this.watch.clear();
    for (const id of [...this.consumers.keys()]) this.dropConsumer(id);
    for (const slot of this.prepared.values()) slot.wired?.consumer.close();
    this.prepared.clear();
    this.local.detach();
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = undefined;
    this.recvTransport = undefined;
  }

  private startStats(): void {
    if (this.statsTimer !== undefined || this.options.statsIntervalMs <= 0) return;
    this.statsTimer = setInterval(() => {
      void this.getStats().then((stats) => this.emit('stats', stats), () => undefined);
    }, this.options.statsIntervalMs);
  }

  private refreshState(): void {
    if (this.stateValue === 'closed' || this.stateValue === 'failed' || !this.joinedOnce || !this.socket?.connected) return;
    this.setState(this.watch.healthy() ? 'connected' : 'reconnecting');
  }

  private fail(message: string, code = 'UNAVAILABLE'): void {
    if (this.stateValue === 'closed') return;
    this.setState('failed');
    this.emit('error', Object.assign(new Error(message), { code }));
    this.socket?.close();
  }

  private setState(state: MediaConnectionState): void {
    if (this.stateValue === state || this.stateValue === 'closed') return;
    this.stateValue = state;
    this.emit('state-changed', state);
  }
}

function normalizeUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Resolves once a transport reports `connected` (rejects on failure or after `timeoutMs`). */
function waitForConnected(transport: msc.Transport, timeoutMs: number): Promise<void> {
  if (transport.connectionState === 'connected') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      transport.off('connectionstatechange', onChange);
      reject(new Error('receive transport did not connect'));
    }, timeoutMs);
    const onChange = (state: RTCPeerConnectionState) => {
      if (state === 'connected') {
        clearTimeout(timer);
        transport.off('connectionstatechange', onChange);
        resolve();
      } else if (state === 'failed' || state === 'closed') {
        clearTimeout(timer);
        transport.off('connectionstatechange', onChange);
        reject(new Error(`receive transport ${state}`));
      }
    };
    transport.on('connectionstatechange', onChange);
  });
}
