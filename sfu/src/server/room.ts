import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import {
  AblakError,
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
import type { Peer, PeerProducer, TransportSettings } from './peer';
import type { WorkerSlot } from './worker-pool';

export type RoomEvents = {
  close: [reason: string];
};

export interface JoinRequest {
  rtpCapabilities?: types.RtpCapabilities | undefined;
  createSendTransport: boolean;
  createRecvTransport: boolean;
  forceTcp: boolean;
}

export type JoinResult = ResultOf<MediaRequests, 'media:join'>;

/** One call: one Router on one worker, and the peers in it. */
export class Room extends TypedEmitter<RoomEvents> {
  private readonly peers = new Map<string, Peer>();
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
    try {
      const transports = await peer.openTransports(
        this.routerRef,
        this.slotRef.webRtcServer,
        { send: request.createSendTransport, recv: request.createRecvTransport },
        { ...this.settings, forceTcp: request.forceTcp },
      );
      const others = [...this.peers.values()].filter((p) => p !== peer);
      if (isNew && !peer.hidden) this.broadcast(peer, (p) => p.notify('media:peer-joined', describePeer(peer)));
      return {
        routerRtpCapabilities: this.routerRef.rtpCapabilities,
        sendTransport: transports.send,
        recvTransport: transports.recv,
        peers: others.filter((p) => !p.hidden).map(describePeer),
        producers: others.flatMap((p) => p.producerList.map((entry) => describeProducer(p, entry))),
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
        created.push(await peer.consume(this.routerRef, { ...entry, peerId: owner.id }));
      }
      return created;
    } catch (error) {
      for (const consumer of created) peer.closeConsumer(consumer.id);
      throw error;
    }
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
      for (const peer of this.peers.values()) {
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
    for (const peer of [...this.peers.values()]) {
      peer.notify('media:room-closed', { reason });
      peer.close();
    }
    this.peers.clear();
    this.routerRef.close();
    this.logger.info({ reason }, 'room closed');
    this.safeEmit('close', reason);
    this.removeAllListeners();
  }

  private add(peer: Peer): void {
    this.peers.set(peer.id, peer);
    peer.on('producer-added', (entry) =>
      this.broadcast(peer, (p) => p.notify('media:producer-added', describeProducer(peer, entry))),
    );
    peer.on('producer-closed', (producerId) => this.broadcast(peer, (p) => p.notify('media:producer-closed', { producerId })));
    peer.on('producer-paused', (producerId, paused) =>
      this.broadcast(peer, (p) => p.notify('media:producer-paused', { producerId, paused })),
    );
    peer.once('close', () => {
      if (this.peers.get(peer.id) !== peer) return;
      this.peers.delete(peer.id);
      if (!peer.hidden) this.broadcast(peer, (p) => p.notify('media:peer-left', { peerId: peer.id }));
      if (this.peers.size === 0) this.close('empty');
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
