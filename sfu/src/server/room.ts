import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import {
  AblakError,
  PREPARE_TTL_SECONDS,
  type ConsumerOptions,
  type IceServer,
  type RemotePeer,
  type RemoteProducer,
  type ResultOf,
  type MediaRequests,
  type RoomId,
} from '@ablak/protocol';
import { MEDIA_CODECS } from './codecs';
import { TypedEmitter } from './emitter';
import { pipeInto, syncPipes, unpipe } from './pipes';
import type { Peer, PeerProducer, PreparingRoom, TransportSettings } from './peer';
import type { WorkerSlot } from './worker-pool';

export type RoomEvents = {
  close: [reason: string];
};

export interface JoinRequest {
  rtpCapabilities?: types.RtpCapabilities | undefined;
  createSendTransport: boolean;
  createRecvTransport: boolean;
  forceTcp: boolean;
  /** Answer consumers of the producers already here (the peer sent its capabilities). */
  consume?: boolean;
}

export type JoinResult = ResultOf<MediaRequests, 'media:join'>;

/** What a peer sees when it switches into a room: who is there, what they send, consumers ready to resume. */
export interface EnterResult {
  peers: RemotePeer[];
  producers: RemoteProducer[];
  consumers: ConsumerOptions[];
}

/** A peer getting ready to enter (`prepare`): the consumers made for it and for the members. */
interface Preparation {
  /** The preparing peer's consumers of the members' tracks. */
  readonly inbound: ConsumerOptions[];
  /** Each member's consumers of the preparing peer's tracks. */
  readonly outbound: Map<Peer, ConsumerOptions[]>;
  readonly timer: ReturnType<typeof setTimeout>;
}

/**
 * One call: one Router on one worker, and the peers in it. A *member* takes part in the room; a
 * *resident* has its transports on the room's router. A peer that joined the room is both; a warm
 * peer that switched in from its standby room is a member here and a resident there.
 */
export class Room extends TypedEmitter<RoomEvents> implements PreparingRoom {
  private readonly peers = new Map<string, Peer>();
  private readonly preparations = new Map<Peer, Preparation>();
  private readonly residents = new Set<Peer>();
  /** Unsubscribes a member's producer events from this room. */
  private readonly detach = new Map<Peer, () => void>();
  private closedFlag = false;
  /** Settles once the room has a live router (after creation or after moving off a dead worker). */
  private ready: Promise<void> = Promise.resolve();

  private constructor(
    readonly id: RoomId,
    private slotRef: WorkerSlot,
    private routerRef: types.Router,
    private readonly settings: Omit<TransportSettings, 'forceTcp'>,
    private readonly logger: Logger,
  ) {
    super();
    this.onListenerError = (event, error) => logger.error({ event, err: error }, 'room listener failed');
  }

  static async create(id: RoomId, slot: WorkerSlot, settings: Omit<TransportSettings, 'forceTcp'>, logger: Logger): Promise<Room> {
    const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS, appData: { room: id } });
    const room = new Room(id, slot, router, settings, logger.child({ room: id }));
    room.logger.info({ worker: slot.index }, 'room opened');
    return room;
  }

  get closed(): boolean {
    return this.closedFlag;
  }
  get slot(): WorkerSlot {
    return this.slotRef;
  }
  get router(): types.Router {
    return this.routerRef;
  }
  get peerCount(): number {
    return this.peers.size;
  }
  peer(id: string): Peer | undefined {
    return this.peers.get(id);
  }

  async join(peer: Peer, request: JoinRequest, iceServers: IceServer[]): Promise<JoinResult> {
    await this.ready;
    if (this.closedFlag) throw new AblakError('CONFLICT', 'the room is closed');
    const existing = this.peers.get(peer.id);
    if (existing !== undefined && existing !== peer) throw new AblakError('CONFLICT', 'this peer is already in the room');
    const isNew = existing === undefined;
    if (isNew) this.add(peer);
    if (request.rtpCapabilities) peer.rtpCapabilities = request.rtpCapabilities;
    peer.moveHome(this);
    this.residents.add(peer);
    try {
      const transports = await peer.openTransports(
        this.routerRef,
        this.slotRef.webRtcServer,
        { send: request.createSendTransport, recv: request.createRecvTransport },
        { ...this.settings, forceTcp: request.forceTcp },
      );
      const others = [...this.peers.values()].filter((p) => p !== peer);
      if (isNew && !peer.hidden) this.broadcast(peer, (p) => p.notify('media:peer-joined', describePeer(peer)));
      const consumers: ConsumerOptions[] = [];
      if (request.consume && request.rtpCapabilities && transports.recv && peer.claims.canSubscribe) {
        // Best effort, all at once: a producer that fails here is consumed by the client as usual.
        const made = await Promise.all(
          others.flatMap((owner) => owner.producerList.map((entry) => this.consumeVia(peer, owner, entry).catch(() => null))),
        );
        for (const consumer of made) if (consumer) consumers.push(consumer);
      }
      return {
        routerRtpCapabilities: this.routerRef.rtpCapabilities,
        sendTransport: transports.send,
        recvTransport: transports.recv,
        peers: others.filter((p) => !p.hidden).map(describePeer),
        producers: others.flatMap((p) => p.producerList.map((entry) => describeProducer(p, entry))),
        ...(request.consume ? { consumers } : {}),
        iceServers,
      };
    } catch (error) {
      if (isNew) peer.close();
      throw error;
    }
  }

  /** Consumes other peers' producers for `peer`, all or nothing. */
  async consume(peer: Peer, producerIds: readonly string[]): Promise<ConsumerOptions[]> {
    await this.ready;
    if (this.peers.get(peer.id) !== peer) throw new AblakError('CONFLICT', 'join the room first');
    const created: ConsumerOptions[] = [];
    try {
      for (const producerId of producerIds) {
        const owner = [...this.peers.values()].find((p) => p.producerList.some((e) => e.producer.id === producerId));
        if (!owner) throw new AblakError('PRODUCER_NOT_FOUND', 'no such producer in your room');
        if (owner === peer) throw new AblakError('CANNOT_CONSUME', 'cannot consume your own producer');
        const entry = owner.producerList.find((e) => e.producer.id === producerId) as PeerProducer;
        created.push(await this.consumeVia(peer, owner, entry));
      }
      return created;
    } catch (error) {
      for (const consumer of created) peer.closeConsumer(consumer.id);
      throw error;
    }
  }

  /** Creates `peer`'s consumer of `owner`'s producer on the peer's own router, piping it there first. */
  private async consumeVia(peer: Peer, owner: Peer, entry: PeerProducer): Promise<ConsumerOptions> {
    const target = peer.homeRouter;
    const source = owner.homeRouter;
    if (!target || !source) throw new AblakError('TRANSPORT_NOT_FOUND', 'no transports: join first');
    if (entry.producer.closed) throw new AblakError('PRODUCER_NOT_FOUND', 'that producer just closed');
    const local = await pipeInto(entry.producer, source, target);
    return peer.consume(target, { ...entry, producer: local, peerId: owner.id, announcedId: entry.producer.id });
  }

  /**
   * A connected peer (transports on another room's router) enters this room: it is announced, its
   * producers are piped in for the others, and paused consumers of everything already here are made for
   * it in the same step.
   */
  async enter(peer: Peer): Promise<EnterResult> {
    await this.ready;
    if (this.closedFlag) throw new AblakError('CONFLICT', 'the room is closed');
    const existing = this.peers.get(peer.id);
    if (existing !== undefined && existing !== peer) throw new AblakError('CONFLICT', 'this peer is already in the room');
    const source = peer.homeRouter;
    if (!source) throw new AblakError('TRANSPORT_NOT_FOUND', 'no transports: join first');
    const prepared = this.takePreparation(peer);
    if (existing === undefined) {
      this.add(peer);
      if (!peer.hidden) this.broadcast(peer, (p) => p.notify('media:peer-joined', describePeer(peer)));
      for (const other of this.peers.values()) {
        if (other === peer) continue;
        // Prepared consumers of our tracks go live (resumed by the SFU once wired); tracks without one
        // get consumers made at once (no consume round trip).
        const ready = (prepared?.outbound.get(other) ?? []).filter((c) => other.hasConsumer(c.id));
        if (ready.length > 0) {
          other.notify('media:consumers-live', { consumerIds: ready.map((c) => c.id) });
          void other.goLive(ready.map((c) => c.id)).catch((error: unknown) => this.logger.warn({ err: error }, 'prepared consumers did not resume'));
        }
        const covered = new Set(ready.map((c) => c.producerId));
        const rest = peer.producerList.filter((entry) => !covered.has(entry.producer.id));
        if (rest.length > 0) void this.offerTracks(other, peer, rest);
      }
    }
    const others = [...this.peers.values()].filter((p) => p !== peer);
    const mine = existing === undefined ? (prepared?.inbound ?? []).filter((c) => peer.hasConsumer(c.id)) : [];
    if (mine.length > 0) await peer.goLive(mine.map((c) => c.id));
    const have = new Set(mine.map((c) => c.producerId));
    const producers = others.flatMap((p) => p.producerList.map((entry) => ({ owner: p, entry })));
    const consumers: ConsumerOptions[] = [...mine];
    if (existing === undefined && peer.claims.canSubscribe && peer.rtpCapabilities) {
      // All at once: each may need a pipe from another router (several worker round trips).
      const made = await Promise.all(
        producers.filter(({ entry }) => !have.has(entry.producer.id)).map(({ owner, entry }) =>
          this.consumeVia(peer, owner, entry).catch((error: unknown) => {
            // That track is changing under us (its owner re-joining, say): the client consumes it from
            // the producer list or from the announcement that follows.
            this.logger.debug({ err: error, producer: entry.producer.id }, 'no consumer made on entry');
            return null;
          }),
        ),
      );
      for (const consumer of made) if (consumer) consumers.push(consumer);
    }
    return {
      peers: others.filter((p) => !p.hidden).map(describePeer),
      producers: producers.map(({ owner, entry }) => describeProducer(owner, entry)),
      consumers,
    };
  }

  /**
   * Makes `viewer`'s consumers of `sender`'s tracks and pushes them; a viewer that cannot take them yet
   * (no receive transport, no capabilities) or a failure falls back to the usual announcement.
   */
  private async offerTracks(viewer: Peer, sender: Peer, entries: PeerProducer[] = sender.producerList): Promise<void> {
    if (entries.length === 0) return;
    const made: ConsumerOptions[] = [];
    try {
      if (!viewer.claims.canSubscribe || !viewer.rtpCapabilities || !viewer.canReceive) throw new AblakError('CONFLICT', 'not ready');
      const results = await Promise.allSettled(entries.map((entry) => this.consumeVia(viewer, sender, entry)));
      for (const result of results) if (result.status === 'fulfilled') made.push(result.value);
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
      viewer.notify('media:consumers-added', { consumers: made });
    } catch (error) {
      for (const consumer of made) viewer.closeConsumer(consumer.id);
      if (!(error instanceof AblakError)) this.logger.warn({ err: error, viewer: viewer.id }, 'could not make consumers for a viewer');
      for (const entry of entries) viewer.notify('media:producer-added', describeProducer(sender, entry));
    }
  }

  /**
   * A connected peer (transports on another router) gets ready to enter: its tracks and the members'
   * are piped across, and paused consumers are made both ways, the members' pushed to them as
   * prepared. Nothing is announced and nothing flows until `enter`. `claims` is the prepare grant's.
   * Returns the peer's own prepared consumers.
   */
  async prepare(peer: Peer, claims: { canSubscribe: boolean; canPublish: boolean }): Promise<ConsumerOptions[]> {
    await this.ready;
    if (this.closedFlag) throw new AblakError('CONFLICT', 'the room is closed');
    const member = this.peers.get(peer.id);
    if (member === peer) return [];
    if (member !== undefined) throw new AblakError('CONFLICT', 'this peer is already in the room');
    if (!peer.homeRouter) throw new AblakError('TRANSPORT_NOT_FOUND', 'no transports: join first');
    this.unprepare(peer);
    const preparation: Preparation = {
      inbound: [],
      outbound: new Map(),
      timer: setTimeout(() => this.unprepare(peer), PREPARE_TTL_SECONDS * 1000),
    };
    this.preparations.set(peer, preparation);
    peer.preparing = this;
    const current = () => this.preparations.get(peer) === preparation && !peer.closed;
    try {
      const members = [...this.peers.values()];
      const jobs: Promise<unknown>[] = [];
      if (claims.canSubscribe && peer.rtpCapabilities && peer.canReceive) {
        for (const owner of members) {
          for (const entry of owner.producerList) {
            jobs.push(this.consumeVia(peer, owner, entry).then((c) => preparation.inbound.push(c)));
          }
        }
      }
      if (claims.canPublish && peer.producerList.length > 0) {
        // Our tracks cross into this router now even when nobody is here to see them yet (a citizen
        // who joins only after the accept finds them ready).
        const home = peer.homeRouter;
        for (const entry of peer.producerList) jobs.push(pipeInto(entry.producer, home, this.routerRef));
        for (const viewer of members) {
          if (!viewer.claims.canSubscribe || !viewer.rtpCapabilities || !viewer.canReceive) continue;
          const made: ConsumerOptions[] = [];
          preparation.outbound.set(viewer, made);
          for (const entry of peer.producerList) jobs.push(this.consumeVia(viewer, peer, entry).then((c) => made.push(c)));
        }
      }
      const results = await Promise.allSettled(jobs);
      const failed = results.find((r) => r.status === 'rejected');
      if (!current()) throw new AblakError('CONFLICT', 'the preparation was replaced');
      if (failed) throw failed.reason;
      peer.markPrepared(preparation.inbound.map((c) => c.id));
      for (const [viewer, made] of preparation.outbound) {
        viewer.markPrepared(made.map((c) => c.id));
        for (let i = 0; i < made.length; i += 16) viewer.notify('media:consumers-added', { consumers: made.slice(i, i + 16), prepared: true });
      }
      this.logger.debug({ peer: peer.id, inbound: preparation.inbound.length }, 'peer prepared to enter');
      return preparation.inbound;
    } catch (error) {
      this.dropPreparation(peer, preparation);
      throw error;
    }
  }

  /** Drops `peer`'s preparation (declined, expired, replaced): its consumers close, the pipes too. */
  unprepare(peer: Peer): void {
    const preparation = this.preparations.get(peer);
    if (preparation) this.dropPreparation(peer, preparation);
  }

  private dropPreparation(peer: Peer, preparation: Preparation): void {
    if (this.preparations.get(peer) === preparation) this.preparations.delete(peer);
    if (peer.preparing === this) peer.preparing = undefined;
    clearTimeout(preparation.timer);
    for (const c of preparation.inbound) peer.closeConsumer(c.id, { notify: true });
    for (const [viewer, made] of preparation.outbound) for (const c of made) viewer.closeConsumer(c.id, { notify: true });
    if (this.peers.get(peer.id) !== peer) {
      const home = peer.homeRouter;
      if (home !== this.routerRef) for (const entry of peer.producerList) unpipe(entry.producer.id, this.routerRef);
      if (home && home !== this.routerRef) {
        for (const member of this.peers.values()) for (const entry of member.producerList) unpipe(entry.producer.id, home);
      }
    }
    this.closeIfUnused();
  }

  /** Takes `peer`'s preparation over for entering (its consumers stay). */
  private takePreparation(peer: Peer): Preparation | undefined {
    const preparation = this.preparations.get(peer);
    if (!preparation) return undefined;
    this.preparations.delete(peer);
    clearTimeout(preparation.timer);
    if (peer.preparing === this) peer.preparing = undefined;
    return preparation;
  }

  /**
   * `peer` stops taking part (it switched to another room, or this room ended under it) but keeps its
   * transports: its consumers of this room's tracks close, and the others' copies of its tracks too.
   */
  leave(peer: Peer): void {
    if (this.peers.get(peer.id) !== peer) return;
    this.detach.get(peer)?.();
    this.detach.delete(peer);
    this.peers.delete(peer.id);
    peer.closeConsumersFrom(new Set(this.peers.keys()));
    if (peer.homeRouter !== this.routerRef) for (const entry of peer.producerList) unpipe(entry.producer.id, this.routerRef);
    if (!peer.hidden) this.broadcast(peer, (p) => p.notify('media:peer-left', { peerId: peer.id }));
    this.closeIfUnused();
  }

  /** `peer`'s transports left this router (it joined elsewhere, or closed). */
  release(peer: Peer): void {
    if (this.residents.delete(peer)) this.closeIfUnused();
  }

  private closeIfUnused(): void {
    if (this.peers.size === 0 && this.residents.size === 0 && this.preparations.size === 0) this.close('empty');
  }

  /**
   * The worker under this room died: open a router on `slot`, drop every peer's (already dead)
   * transports and ask each browser to join again; their sockets stay connected.
   */
  relocate(slot: WorkerSlot): Promise<void> {
    const moved = (async () => {
      const router = await slot.worker.createRouter({ mediaCodecs: MEDIA_CODECS, appData: { room: this.id } });
      if (this.closedFlag) {
        router.close();
        return;
      }
      this.routerRef = router;
      this.slotRef = slot;
      this.logger.warn({ worker: slot.index, peers: this.peers.size }, 'room re-created on a live worker');
      for (const peer of new Set([...this.peers.values(), ...this.residents])) {
        this.residents.delete(peer);
        peer.resetMedia();
        peer.notify('media:reconnect-required', { reason: 'worker-died' });
      }
    })();
    this.ready = moved.catch(() => undefined);
    return moved;
  }

  close(reason: string): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    for (const [peer, preparation] of this.preparations) {
      clearTimeout(preparation.timer);
      if (peer.preparing === this) peer.preparing = undefined;
    }
    this.preparations.clear();
    for (const peer of [...this.peers.values()]) {
      if (peer.homeRouter !== undefined && peer.homeRouter !== this.routerRef) {
        // A warm peer that switched in: it leaves, stays connected and goes back to its own room.
        this.detach.get(peer)?.();
        peer.closeConsumersFrom(new Set(this.peers.keys()));
        peer.leftRoom(reason);
        continue;
      }
      peer.notify('media:room-closed', { reason });
      peer.close();
    }
    for (const peer of [...this.residents]) if (!peer.closed) peer.close();
    this.peers.clear();
    this.residents.clear();
    this.detach.clear();
    this.routerRef.close();
    this.logger.info({ reason }, 'room closed');
    this.safeEmit('close', reason);
    this.removeAllListeners();
  }

  private add(peer: Peer): void {
    this.peers.set(peer.id, peer);
    const added = (entry: PeerProducer) => {
      const source = peer.homeRouter;
      if (source && source !== this.routerRef) {
        void pipeInto(entry.producer, source, this.routerRef).catch((error: unknown) =>
          this.logger.warn({ err: error, producer: entry.producer.id }, 'pipe into room failed'),
        );
      }
      // Consumers are made for the others at once and pushed (no consume round trip); one that cannot
      // take them yet hears `media:producer-added` instead.
      for (const other of this.peers.values()) if (other !== peer) void this.offerTracks(other, peer, [entry]);
    };
    const closed = (producerId: string) => this.broadcast(peer, (p) => p.notify('media:producer-closed', { producerId }));
    const paused = (producerId: string, isPaused: boolean) => {
      void (async () => {
        // Copies in other routers follow first, so a key frame asked for after the push is not lost.
        await syncPipes(producerId, isPaused);
        this.broadcast(peer, (p) => p.notify('media:producer-paused', { producerId, paused: isPaused }));
      })().catch((error: unknown) => this.logger.warn({ err: error, producer: producerId }, 'resume fan-out failed'));
    };
    const gone = () => {
      this.residents.delete(peer);
      if (this.peers.get(peer.id) === peer) {
        this.peers.delete(peer.id);
        this.detach.delete(peer);
        if (!peer.hidden) this.broadcast(peer, (p) => p.notify('media:peer-left', { peerId: peer.id }));
      }
      this.closeIfUnused();
    };
    peer.on('producer-added', added);
    peer.on('producer-closed', closed);
    peer.on('producer-paused', paused);
    peer.once('close', gone);
    this.detach.set(peer, () => {
      peer.off('producer-added', added);
      peer.off('producer-closed', closed);
      peer.off('producer-paused', paused);
      peer.off('close', gone);
    });
  }

  private broadcast(from: Peer, send: (peer: Peer) => void): void {
    for (const peer of this.peers.values()) if (peer !== from) send(peer);
  }
}

function describePeer(peer: Peer): RemotePeer {
  return { peerId: peer.id, name: peer.claims.name, role: peer.claims.role };
}

function describeProducer(peer: Peer, entry: PeerProducer): RemoteProducer {
  return {
    producerId: entry.producer.id,
    peerId: peer.id,
    peerName: peer.claims.name,
    role: peer.claims.role,
    kind: entry.producer.kind,
    source: entry.source,
    paused: entry.producer.paused,
  };
}
