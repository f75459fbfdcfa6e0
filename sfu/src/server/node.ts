import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import type { Logger } from 'pino';
import type { Namespace, Server } from 'socket.io';
import type { Registry } from 'prom-client';
import { AblakError, type RoomId, type SfuNodeInfo } from '@ablak/protocol';
import type { SfuNodeConfig } from './config';
import { attachMediaNamespace } from './media-namespace';
import { SfuMetrics } from './metrics';
import type { Peer } from './peer';
import type { SfuRegistryPublisher } from './registry';
import { REVOCATION_LIFE_MS, RevokedRooms, type RevocationSource } from './revocations';
import { Room } from './room';
import { iceServersFor } from './turn';
import { WorkerPool, type WorkerSlot } from './worker-pool';

/** A room moving off a dead worker tries this many times (each new worker may die under it too). */
const MOVE_ATTEMPTS = 5;

export interface SfuNodeDeps {
  logger: Logger;
  /** Where the node announces itself (heartbeat); none = not announced. */
  registry?: SfuRegistryPublisher;
  /** Where the node hears that a call's room was revoked (fleet: Redis); embedded: `revokeRoom` only. */
  revocations?: RevocationSource;
}

export interface SfuNodeHealth {
  ok: boolean;
  workers: number;
  liveWorkers: number;
  rooms: number;
  draining: boolean;
}

/**
 * One SFU node: a pool of mediasoup workers, the rooms on them, the `/media` namespace browsers use
 * and the registry heartbeat. Runs embedded in signaling or standalone (sfu/src/main.ts).
 */
export class SfuNode {
  private readonly rooms = new Map<RoomId, Room>();
  private readonly opening = new Map<RoomId, Promise<Room>>();
  private readonly peers = new Set<Peer>();
  private readonly revoked = new RevokedRooms();
  private readonly namespaces: Namespace[] = [];
  private readonly lastBytes = new WeakMap<types.Transport, { rx: number; tx: number }>();
  private readonly metricsRef: SfuMetrics;
  private readonly logger: Logger;
  private heartbeat: NodeJS.Timeout | undefined;
  private draining = false;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly config: SfuNodeConfig,
    private readonly pool: WorkerPool,
    private readonly deps: SfuNodeDeps,
  ) {
    this.logger = deps.logger.child({ module: 'sfu-node', node: config.nodeId });
    this.metricsRef = new SfuMetrics(pool, () => this.rooms.size, () => this.peers.size);
    pool.on('worker-died', (index) => this.onWorkerDied(index));
  }

  static async create(config: SfuNodeConfig, deps: SfuNodeDeps): Promise<SfuNode> {
    const msLogger = deps.logger.child({ module: 'mediasoup' });
    mediasoup.setLogEventListeners({
      onwarn: (namespace, log) => msLogger.warn({ namespace }, log),
      onerror: (namespace, log, error) => msLogger.error({ namespace, err: error }, log),
    });
    const pool = await WorkerPool.create(
      {
        workers: config.workers,
        listenIp: config.listenIp,
        announcedIp: config.announcedIp,
        rtcPortBase: config.rtcPortBase,
        enableTcp: config.enableTcp,
        logLevel: config.workerLogLevel,
      },
      deps.logger,
    );
    const node = new SfuNode(config, pool, deps);
    try {
      await deps.revocations?.start((r) => node.revokeRoom(r.room, r.until));
    } catch (error) {
      await deps.revocations?.close().catch(() => undefined);
      pool.close();
      throw error;
    }
    await node.beat();
    node.heartbeat = setInterval(() => void node.beat(), config.heartbeatMs);
    node.heartbeat.unref();
    node.logger.info({ workers: config.workers, url: config.publicUrl }, 'sfu node started');
    return node;
  }

  /** Registers the `/media` namespace on an existing Socket.IO server. */
  attach(io: Server): Namespace {
    const ns = attachMediaNamespace(io, {
      logger: this.deps.logger,
      grantSecret: this.config.grantSecret,
      rateLimit: this.config.rateLimit,
      probesPerAddress: this.config.probesPerAddress,
      trustProxyHops: this.config.trustProxyHops,
      draining: () => this.draining,
      revoked: (room) => this.revoked.has(room),
      openRoom: (id) => this.openRoom(id),
      iceServers: (peer) => iceServersFor(this.config.turn, peer),
      onPeer: (peer) => {
        this.peers.add(peer);
        peer.once('close', () => this.peers.delete(peer));
      },
      onResult: (event, result) => this.metricsRef.requests.inc({ event, result }),
    });
    this.namespaces.push(ns);
    return ns;
  }

  info(): SfuNodeInfo {
    const live = this.pool.live();
    return {
      id: this.config.nodeId,
      url: this.config.publicUrl,
      workers: live.length,
      rooms: this.rooms.size,
      consumers: live.reduce((n, s) => n + s.consumers, 0),
      cpu: live.length === 0 ? 0 : live.reduce((n, s) => n + s.cpu, 0) / live.length,
      draining: this.draining,
      updatedAt: Date.now(),
    };
  }

  health(): SfuNodeHealth {
    const liveWorkers = this.pool.live().length;
    return {
      ok: liveWorkers > 0 && this.closing === undefined,
      workers: this.pool.size,
      liveWorkers,
      rooms: this.rooms.size,
      draining: this.draining,
    };
  }

  /** prom-client registry of this node (merge it into an embedding process's registry). */
  get metrics(): Registry {
    return this.metricsRef.registry;
  }

  /** Ends a call's room (signaling ended the call): peers get `media:room-closed`. */
  closeRoom(id: RoomId, reason = 'ended'): boolean {
    const room = this.rooms.get(id);
    if (!room) return false;
    room.close(reason);
    return true;
  }

  /**
   * The call of `room` ended (or moved on after a transfer): the room closes (peers that switched in go
   * back to their own room, the others are disconnected), a connection whose own grant names it closes,
   * and grants for it are refused until `until`. Idempotent.
   */
  revokeRoom(room: RoomId, until = Date.now() + REVOCATION_LIFE_MS, reason = 'ended'): void {
    if (!this.revoked.add(room, until)) return;
    this.logger.info({ room }, 'room revoked');
    this.closeRoom(room, reason);
    for (const peer of [...this.peers]) {
      if (peer.ownRoom !== room) continue;
      peer.notify('media:room-closed', { reason });
      peer.close();
    }
  }

  roomIds(): RoomId[] {
    return [...this.rooms.keys()];
  }

  /** Which worker (index, pid) holds a room; for operators and tests. */
  roomWorker(id: RoomId): { index: number; pid: number } | undefined {
    const room = this.rooms.get(id);
    return room ? { index: room.slot.index, pid: room.slot.worker.pid } : undefined;
  }

  workerPids(): number[] {
    return this.pool.live().map((s) => s.worker.pid);
  }

  /**
   * Stops taking rooms, lets open calls run for up to `drainMs`, then closes every room, leaves the
   * registry and stops the workers. Idempotent.
   */
  close(options: { drainMs?: number } = {}): Promise<void> {
    this.closing ??= (async () => {
      this.draining = true;
      await this.publish();
      const until = Date.now() + (options.drainMs ?? 0);
      while (this.rooms.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
      clearInterval(this.heartbeat);
      for (const room of [...this.rooms.values()]) room.close('shutdown');
      for (const ns of this.namespaces) ns.disconnectSockets(true);
      await this.deps.revocations?.close().catch((error: unknown) => this.logger.warn({ err: error }, 'revocation feed close failed'));
      await this.deps.registry?.remove(this.config.nodeId).catch((error: unknown) => this.logger.warn({ err: error }, 'registry remove failed'));
      this.pool.close();
      this.logger.info('sfu node closed');
    })();
    return this.closing;
  }

  private async openRoom(id: RoomId): Promise<Room> {
    if (this.revoked.has(id)) throw new AblakError('GRANT_INVALID', 'media grant refused: its call has ended');
    const existing = this.rooms.get(id);
    if (existing && !existing.closed) return existing;
    const pending = this.opening.get(id);
    if (pending) return pending;
    if (this.draining) throw new AblakError('UNAVAILABLE', 'this SFU node is draining: no new rooms');
    const opening = (async () => {
      const slot = await this.pool.acquire();
      const room = await Room.create(
        id,
        slot,
        {
          enableTcp: this.config.enableTcp,
          maxIncomingBitrate: this.config.bitrate.maxIncoming,
          maxOutgoingBitrate: this.config.bitrate.maxOutgoing,
          initialOutgoingBitrate: this.config.bitrate.initialOutgoing,
        },
        this.deps.logger,
      );
      if (this.revoked.has(id)) {
        room.close('ended'); // revoked while it was being opened
        throw new AblakError('GRANT_INVALID', 'media grant refused: its call has ended');
      }
      this.rooms.set(id, room);
      room.once('close', () => {
        if (this.rooms.get(id) === room) this.rooms.delete(id);
      });
      return room;
    })();
    this.opening.set(id, opening);
    try {
      return await opening;
    } finally {
      this.opening.delete(id);
    }
  }

  private onWorkerDied(index: number): void {
    this.metricsRef.workerDeaths.inc();
    const orphans = [...this.rooms.values()].filter((room) => room.slot.index === index && !room.slot.alive);
    this.logger.warn({ worker: index, rooms: orphans.length }, 'moving rooms off a dead worker');
    if (orphans.length === 0) return;
    void (async () => {
      // Spread over the live workers and the dead one's replacement, not piled onto one survivor.
      const targets = await this.pool.spread(orphans.length).catch(() => [] as WorkerSlot[]);
      await Promise.all(orphans.map((room, i) => this.moveRoom(room, targets[i])));
    })();
  }

  /** Moves a room off a dead worker; when its new worker dies too, it moves again. */
  private async moveRoom(room: Room, first: WorkerSlot | undefined): Promise<void> {
    let target = first;
    let lastError: unknown;
    for (let attempt = 0; attempt < MOVE_ATTEMPTS; attempt++) {
      try {
        const slot = target?.alive ? target : await this.pool.acquire();
        await room.relocate(slot);
        return;
      } catch (error) {
        lastError = error;
        target = undefined;
        this.logger.warn({ room: room.id, attempt, err: error }, 'room move failed; trying another worker');
      }
    }
    this.logger.error({ room: room.id, err: lastError }, 'room could not be re-created; closing it');
    room.close('worker-died');
  }

  private async beat(): Promise<void> {
    const live = this.pool.live();
    await Promise.all(live.map((s) => s.sampleCpu().catch(() => s.cpu)));
    await this.countBytes(live);
    await this.publish();
  }

  private async publish(): Promise<void> {
    if (!this.deps.registry) return;
    try {
      await this.deps.registry.publish(this.info());
    } catch (error) {
      this.logger.warn({ err: error }, 'registry publish failed');
    }
  }

  private async countBytes(live: WorkerSlot[]): Promise<void> {
    const transports = live.flatMap((s) => [...s.transportSet]);
    await Promise.all(
      transports.map(async (transport) => {
        const stats = ((await transport.getStats().catch(() => [])) as types.BaseTransportStats[])[0];
        if (!stats) return;
        const last = this.lastBytes.get(transport) ?? { rx: 0, tx: 0 };
        this.metricsRef.bytesReceived.inc(Math.max(0, stats.bytesReceived - last.rx));
        this.metricsRef.bytesSent.inc(Math.max(0, stats.bytesSent - last.tx));
        this.lastBytes.set(transport, { rx: stats.bytesReceived, tx: stats.bytesSent });
      }),
    );
  }
}
