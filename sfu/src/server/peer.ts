import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { z } from 'zod';
import {
  AblakError,
  type ConsumerOptions,
  type MediaGrantClaims,
  type MediaPushes,
  type PeerId,
  type ProducerSource,
  type RoomId,
  type TransportOptions,
} from '@ablak/protocol';
import { TypedEmitter } from './emitter';
import { checkProducerParameters } from './media-input';
import { wakePipe } from './pipes';

/** How a peer talks to its own browser, without knowing about sockets. */
export type PushFn = <K extends keyof MediaPushes & string>(event: K, payload: z.input<MediaPushes[K]>) => void;

export interface TransportSettings {
  readonly forceTcp: boolean;
  readonly enableTcp: boolean;
  readonly maxIncomingBitrate: number;
  readonly maxOutgoingBitrate: number;
  readonly initialOutgoingBitrate: number;
}

export interface PeerProducer {
  readonly producer: types.Producer;
  readonly source: ProducerSource;
}

/** Events a Peer raises for whoever holds it (the Room): the peer never knows its room. */
export type PeerEvents = {
  'producer-added': [PeerProducer];
  'producer-closed': [producerId: string];
  'producer-paused': [producerId: string, paused: boolean];
  /** The room this peer had switched into ended; the peer keeps its transports. */
  'left-room': [reason: string];
  close: [];
};

/** The room whose router holds a peer's transports, as the peer sees it. */
export interface HomeRoom {
  release(peer: Peer): void;
}

/** A room a peer prepared to enter, as the peer sees it. */
export interface PreparingRoom {
  unprepare(peer: Peer): void;
}

const MAX_PRODUCERS = 4;
const MAX_CONSUMERS = 64;
const WARM_UP_TTL_MS = 10_000;
const KEY_FRAME_REQUEST_DELAY_MS = 350;

/**
 * One browser in one room: owns its transports, producers and consumers, and checks every request
 * against its grant and against what it owns.
 */
export class Peer extends TypedEmitter<PeerEvents> {
  readonly id: PeerId;
  /** The room of the connection's own grant (a warm peer returns there). */
  readonly ownRoom: RoomId;
  rtpCapabilities: types.RtpCapabilities | undefined;
  private sendTransport: types.WebRtcTransport | undefined;
  private recvTransport: types.WebRtcTransport | undefined;
  private readonly producers = new Map<string, PeerProducer>();
  private readonly consumers = new Map<string, types.Consumer>();
  /** Consumer id → the producer id its browser knows (a piped copy's original). */
  private readonly announced = new Map<string, string>();
  private closedFlag = false;

  /** The router that holds this peer's transports (set by `openTransports`). */
  homeRouter: types.Router | undefined;
  private home: HomeRoom | undefined;
  /** The room this peer is preparing to enter (`media:prepare`), if any. */
  preparing: PreparingRoom | undefined;
  /**
   * Prepared consumers (made before their call started): each resumes once the browser has wired it
   * up (`ready`) and the call has started (`live`), whichever comes last.
   */
  private readonly prepared = new Map<string, { ready: boolean; live: boolean }>();

  constructor(
    /** The grant in force: the handshake's, or the one of the room the peer switched into. */
    public claims: MediaGrantClaims,
    private readonly push: PushFn,
    readonly logger: Logger,
  ) {
    super();
    this.id = claims.peer;
    this.ownRoom = claims.room;
    this.onListenerError = (event, error) => logger.error({ event, err: error }, 'peer listener failed');
  }

  get closed(): boolean {
    return this.closedFlag;
  }
  get hidden(): boolean {
    return this.claims.hidden;
  }
  get canPublish(): boolean {
    return this.claims.canPublish && !this.claims.hidden;
  }
  get producerList(): PeerProducer[] {
    return [...this.producers.values()];
  }
  /** It has a receive transport to consume on. */
  get canReceive(): boolean {
    return this.recvTransport !== undefined && !this.recvTransport.closed;
  }
    get consumerCount(): number {
    return this.consumers.size;
  }
  notify: PushFn = (event, payload) => {
    if (!this.closedFlag) this.push(event, payload);
  };

  /** Opens the transports the grant allows (closing any from an earlier join). */
  async openTransports(
    router: types.Router,
    webRtcServer: types.WebRtcServer,
    want: { send: boolean; recv: boolean },
    settings: TransportSettings,
  ): Promise<{ send: TransportOptions | null; recv: TransportOptions | null }> {
    this.resetMedia();
    this.homeRouter = router;
    const open = async (direction: 'send' | 'recv') => {
      const transport = await router.createWebRtcTransport({
        webRtcServer,
        enableUdp: !settings.forceTcp,
        enableTcp: settings.enableTcp || settings.forceTcp,
        preferUdp: !settings.forceTcp,
        initialAvailableOutgoingBitrate: settings.initialOutgoingBitrate,
        appData: { peer: this.id, direction },
      });
      transport.on('dtlsstatechange', (state) => {
        if (state === 'failed' || state === 'closed') this.logger.warn({ transport: transport.id, direction, state }, 'dtls state');
      });
      transport.on('icestatechange', (state) => this.logger.debug({ transport: transport.id, direction, state }, 'ice state'));
      transport.observer.once('close', () => {
        if (this.sendTransport === transport) this.sendTransport = undefined;
        if (this.recvTransport === transport) this.recvTransport = undefined;
      });
      if (direction === 'send') await transport.setMaxIncomingBitrate(settings.maxIncomingBitrate);
      else await transport.setMaxOutgoingBitrate(settings.maxOutgoingBitrate);
      return transport;
    };
    if (want.send && this.canPublish) this.sendTransport = await open('send');
    if (want.recv && this.claims.canSubscribe) this.recvTransport = await open('recv');
    return { send: describe(this.sendTransport), recv: describe(this.recvTransport) };
  }

  async connectTransport(transportId: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    const transport = this.transport(transportId);
    await clientInput(() => transport.connect({ dtlsParameters }), 'DTLS parameters');
  }

  async restartIce(transportId: string): Promise<types.IceParameters> {
    return this.transport(transportId).restartIce();
  }

  async produce(request: {
    transportId: string;
    kind: types.MediaKind;
    rtpParameters: types.RtpParameters;
    source: ProducerSource;
    paused: boolean;
  }): Promise<string> {
    if (!this.canPublish) throw new AblakError('FORBIDDEN', 'this grant may not publish');
    const transport = this.transport(request.transportId);
    if (transport !== this.sendTransport) throw new AblakError('TRANSPORT_NOT_FOUND', 'not your send transport');
    if ((request.source === 'mic') !== (request.kind === 'audio')) throw new AblakError('BAD_REQUEST', 'source does not match kind');
    if (this.producerList.some((p) => p.source === request.source)) {
      throw new AblakError('CONFLICT', `a ${request.source} producer already exists; close it or replace its track`);
    }
    if (this.producers.size >= MAX_PRODUCERS) throw new AblakError('CONFLICT', 'too many producers');
    if (!this.homeRouter) throw new AblakError('TRANSPORT_NOT_FOUND', 'no transports: join first');
    checkProducerParameters(request.kind, request.rtpParameters, this.homeRouter.rtpCapabilities);
    const producer = await clientInput(
      () =>
        transport.produce({
          kind: request.kind,
          rtpParameters: request.rtpParameters,
          paused: request.paused,
          // Chrome answers at most one key-frame request per 300 ms and mediasoup re-asks an unanswered
          // one only after a second: a request that comes too soon after another waits until it can be
          // answered, so a viewer waits ~0.35 s at worst instead of ~1.2 s.
          keyFrameRequestDelay: KEY_FRAME_REQUEST_DELAY_MS,
          appData: { peer: this.id, source: request.source },
        }),
      'RTP parameters',
    );
    const entry: PeerProducer = { producer, source: request.source };
    this.producers.set(producer.id, entry);
    producer.observer.once('close', () => {
      if (this.producers.delete(producer.id)) this.safeEmit('producer-closed', producer.id);
    });
    this.safeEmit('producer-added', entry);
    return producer.id;
  }

  async setProducerPaused(producerId: string, paused: boolean): Promise<void> {
    const { producer } = this.producer(producerId);
    if (paused) await producer.pause();
    else await producer.resume();
    this.safeEmit('producer-paused', producerId, paused);
  }

  closeProducer(producerId: string): void {
    this.producer(producerId).producer.close();
  }

  /** Creates a paused consumer of another peer's producer on this peer's receive transport. */
  async consume(router: types.Router, remote: PeerProducer & { peerId: PeerId; announcedId?: string }): Promise<ConsumerOptions> {
    // A copy piped in from another router has its own id; the browser only ever hears the original's.
    const announcedId = remote.announcedId ?? remote.producer.id;
    if (!this.claims.canSubscribe) throw new AblakError('FORBIDDEN', 'this grant may not subscribe');
    const transport = this.recvTransport;
    if (!transport) throw new AblakError('TRANSPORT_NOT_FOUND', 'no receive transport: join first');
    const caps = this.rtpCapabilities;
    if (!caps) throw new AblakError('CANNOT_CONSUME', 'send your RTP capabilities first');
    if (this.consumers.size >= MAX_CONSUMERS) throw new AblakError('CONFLICT', 'too many consumers');
    if (!router.canConsume({ producerId: remote.producer.id, rtpCapabilities: caps })) {
      throw new AblakError('CANNOT_CONSUME', 'your device cannot receive this producer');
    }
    const consumer = await transport.consume({
      producerId: remote.producer.id,
      rtpCapabilities: caps,
      paused: true,
      appData: { peer: this.id, from: remote.peerId, source: remote.source },
    });
    this.consumers.set(consumer.id, consumer);
    this.announced.set(consumer.id, announcedId);
    consumer.observer.once('close', () => {
      this.consumers.delete(consumer.id);
      this.announced.delete(consumer.id);
      this.prepared.delete(consumer.id);
    });
    consumer.on('producerclose', () => this.notify('media:consumer-closed', { consumerId: consumer.id, producerId: announcedId }));
    consumer.on('layerschange', (layers) =>
      this.notify('media:consumer-layers-changed', {
        consumerId: consumer.id,
        spatialLayer: layers?.spatialLayer ?? null,
        temporalLayer: layers?.temporalLayer ?? null,
      }),
    );
    return {
      id: consumer.id,
      producerId: announcedId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      peerId: remote.peerId,
      source: remote.source,
      producerPaused: consumer.producerPaused,
    };
  }

  closeConsumer(consumerId: string, options: { notify?: boolean } = {}): void {
    const consumer = this.consumers.get(consumerId);
    if (!consumer) return;
    const producerId = this.announced.get(consumerId) ?? consumer.producerId;
    consumer.close();
    if (options.notify) this.notify('media:consumer-closed', { consumerId, producerId });
  }

  hasConsumer(consumerId: string): boolean {
    return this.consumers.has(consumerId);
  }

  /** These consumers were made for a call not started yet: they stay paused until ready and live. */
  markPrepared(consumerIds: readonly string[]): void {
    for (const id of consumerIds) if (this.consumers.has(id)) this.prepared.set(id, { ready: false, live: false });
  }

  /** The browser wired these prepared consumers up; those whose call started resume now. */
  async markReady(consumerIds: readonly string[]): Promise<void> {
    await this.settlePrepared(consumerIds, 'ready');
  }

  /** The call of these prepared consumers started; those already wired up resume now. */
  async goLive(consumerIds: readonly string[]): Promise<void> {
    await this.settlePrepared(consumerIds, 'live');
  }

  private async settlePrepared(consumerIds: readonly string[], flag: 'ready' | 'live'): Promise<void> {
    const resume: string[] = [];
    for (const id of consumerIds) {
      const state = this.prepared.get(id);
      if (!state) continue;
      state[flag] = true;
      if (state.ready && state.live) {
        this.prepared.delete(id);
        resume.push(id);
      }
    }
    if (resume.length > 0) await this.resumeConsumers(resume.filter((id) => this.consumers.has(id)));
  }

  /** The room whose router will hold this peer's transports from now on (the old one is released). */
  moveHome(room: HomeRoom): void {
    if (this.home && this.home !== room) this.home.release(this);
    this.home = room;
  }

  /** Called by a room this peer had switched into when that room ends. */
  leftRoom(reason: string): void {
    if (this.closedFlag) return;
    this.notify('media:room-left', { reason });
    this.safeEmit('left-room', reason);
  }

  /** Closes the consumers of tracks sent by the given peers (this peer left the room they are in). */
  closeConsumersFrom(peerIds: ReadonlySet<string>): void {
    for (const consumer of [...this.consumers.values()]) {
      if (peerIds.has(String(consumer.appData['from']))) consumer.close();
    }
  }

  /**
   * A paused consumer of one of this peer's own producers: consuming it in the browser makes the
   * receive transport run ICE and DTLS before any remote track exists. Closed here once the transport
   * is connected, or after WARM_UP_TTL_MS.
   */
  async warmUpConsumer(): Promise<ConsumerOptions | null> {
    const transport = this.recvTransport;
    const caps = this.rtpCapabilities;
    if (!transport || !caps || !this.claims.canSubscribe) return null;
    if (transport.dtlsState === 'connected') return null;
    const own = this.producerList.find((p) => p.producer.kind === 'audio') ?? this.producerList[0];
    if (!own || !this.homeRouter?.canConsume({ producerId: own.producer.id, rtpCapabilities: caps })) return null;
    const consumer = await transport.consume({
      producerId: own.producer.id,
      rtpCapabilities: caps,
      paused: true,
      appData: { peer: this.id, from: this.id, source: own.source, warmUp: true },
    });
    const done = () => {
      clearTimeout(timer);
      transport.off('dtlsstatechange', onState);
      if (!consumer.closed) consumer.close();
    };
    const onState = (state: types.DtlsState) => {
      if (state !== 'new' && state !== 'connecting') done();
    };
    const timer = setTimeout(done, WARM_UP_TTL_MS);
    transport.on('dtlsstatechange', onState);
    consumer.observer.once('close', done);
    return {
      id: consumer.id,
      producerId: own.producer.id,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      peerId: this.id,
      source: own.source,
      producerPaused: consumer.producerPaused,
    };
  }

  async pauseConsumer(consumerId: string): Promise<void> {
    await this.consumer(consumerId).pause();
  }

  async resumeConsumers(consumerIds: readonly string[]): Promise<void> {
    const consumers = consumerIds.map((id) => this.consumer(id));
    if (consumerIds.some((id) => this.prepared.has(id))) {
      throw new AblakError('CONFLICT', 'that consumer belongs to a call that has not started');
    }
    // A copy piped in from another router starts flowing when it is woken, and waking it asks the
    // sender for a key frame. Before our receive transport is connected that frame cannot reach the
    // browser, and the request that matters — the consumer's own, when the transport connects — would
    // then come within the producer's 350 ms key-frame request delay and wait for it (a cold citizen
    // consuming a warm clerk saw the first frame ~300 ms after its transport connected). So the pipes
    // wake, with the consumers' own request, once the transport is connected.
    const transport = this.recvTransport;
    const connected = transport === undefined || transport.dtlsState === 'connected';
    // All at once: each is a few worker round trips, and a call's audio and video start together.
    await Promise.all(
      consumers.map(async (consumer) => {
        if (connected) await wakePipe(consumer.producerId);
        await consumer.resume();
        if (connected && consumer.kind === 'video') await consumer.requestKeyFrame();
      }),
    );
    if (connected) return;
    // It may have connected while the consumers resumed (its event is gone by now): then wake at once.
    if ((transport.dtlsState as types.DtlsState) === 'connected') await this.wake(consumers);
    else this.whenConnected(transport, () => this.wake(consumers));
  }

  /** Wakes the pipes of `consumers` that are still open and asks for a key frame for the video ones. */
  private async wake(consumers: readonly types.Consumer[]): Promise<void> {
    await Promise.all(
      consumers
        .filter((consumer) => !consumer.closed && !consumer.paused)
        .map(async (consumer) => {
          await wakePipe(consumer.producerId);
          if (consumer.kind === 'video' && !consumer.closed) await consumer.requestKeyFrame();
        }),
    ).catch((error: unknown) => this.logger.warn({ err: error }, 'waking consumers failed'));
  }

  /** Runs `then` once `transport` is DTLS-connected (not at all if it fails or closes first). */
  private whenConnected(transport: types.WebRtcTransport, then: () => Promise<void>): void {
    const onState = (state: types.DtlsState) => {
      if (state === 'connecting' || state === 'new') return;
      transport.off('dtlsstatechange', onState);
      if (state === 'connected') void then();
    };
    transport.on('dtlsstatechange', onState);
  }

  async setPreferredLayers(consumerId: string, spatialLayer: number, temporalLayer: number | undefined): Promise<void> {
    const consumer = this.consumer(consumerId);
    await consumer.setPreferredLayers(temporalLayer === undefined ? { spatialLayer } : { spatialLayer, temporalLayer });
  }

  async stats(): Promise<{ transports: object[]; producers: object[]; consumers: object[] }> {
    const transports = [this.sendTransport, this.recvTransport].filter((t) => t !== undefined);
    return {
      transports: (await Promise.all(transports.map((t) => t.getStats()))).flat(),
      producers: await Promise.all(
        this.producerList.map(async (p) => ({
          id: p.producer.id,
          source: p.source,
          /** Encodings the browser offered (simulcast layers). */
          encodings: p.producer.rtpParameters.encodings?.length ?? 1,
          stats: await p.producer.getStats(),
        })),
      ),
      consumers: await Promise.all([...this.consumers.values()].map(async (c) => ({ id: c.id, stats: await c.getStats() }))),
    };
  }

  /** Drops every transport (and with them producers and consumers); the peer stays in its room. */
  resetMedia(): void {
    this.sendTransport?.close();
    this.recvTransport?.close();
    this.sendTransport = undefined;
    this.recvTransport = undefined;
    this.homeRouter = undefined;
    for (const { producer } of [...this.producers.values()]) producer.close();
    this.producers.clear();
    this.consumers.clear();
    this.announced.clear();
    this.prepared.clear();
  }

  close(): void {
    if (this.closedFlag) return;
    this.preparing?.unprepare(this);
    this.resetMedia();
    this.closedFlag = true;
    const home = this.home;
    this.home = undefined;
    this.safeEmit('close');
    home?.release(this);
    this.removeAllListeners();
  }

  private transport(transportId: string): types.WebRtcTransport {
    const transport = [this.sendTransport, this.recvTransport].find((t) => t?.id === transportId);
    if (!transport || transport.closed) throw new AblakError('TRANSPORT_NOT_FOUND', 'no such transport of yours');
    return transport;
  }

  private producer(producerId: string): PeerProducer {
    const entry = this.producers.get(producerId);
    if (!entry) throw new AblakError('PRODUCER_NOT_FOUND', 'no such producer of yours');
    return entry;
  }

  private consumer(consumerId: string): types.Consumer {
    const consumer = this.consumers.get(consumerId);
    if (!consumer) throw new AblakError('CONSUMER_NOT_FOUND', 'no such consumer of yours');
    return consumer;
  }
}

function describe(transport: types.WebRtcTransport | undefined): TransportOptions | null {
  if (!transport) return null;
  return {
    id: transport.id,
    iceParameters: transport.iceParameters,
    iceCandidates: transport.iceCandidates,
    dtlsParameters: transport.dtlsParameters,
  };
}

/**
 * mediasoup rejects bad client-supplied parameters with TypeError, UnsupportedError (a codec the router
 * does not offer) or a worker error: that is the client's fault.
 */
async function clientInput<T>(fn: () => Promise<T>, what: string): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof AblakError) throw error;
    const detail = error instanceof Error ? error.message.slice(0, 160) : 'refused';
    if (error instanceof Error && error.name === 'UnsupportedError') throw new AblakError('UNSUPPORTED_MEDIA_TYPE', `unsupported ${what}: ${detail}`);
    throw new AblakError('BAD_REQUEST', `invalid ${what}: ${detail}`);
  }
}
