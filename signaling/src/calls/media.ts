import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  AblakError,
  MEDIA_GRANT_MAX_TTL_SECONDS,
  MEDIA_REVOCATION_CHANNEL,
  MEDIA_REVOCATIONS_KEY,
  PeerId,
  RoomId,
  type IceServer,
  type MediaAccess,
  type MediaRevocation,
  type Role,
  type SfuNodeInfo,
} from '@ablak/protocol';
import type { Logger } from 'pino';
import type { TokenService } from '../auth/tokens';
import type { SharedKv } from '../kv/types';
import type { Store } from '../store/types';

const PLACEMENT_TTL_SECONDS = 24 * 3600;
/** A revoked room's grants are refused past the longest life of any grant minted before (plus skew). */
const REVOCATION_SECONDS = MEDIA_GRANT_MAX_TTL_SECONDS + 15;

/** How SFU nodes hear that a room was revoked: a direct call (embedded) or Redis (fleet). */
export type RevokeRoom = (revocation: MediaRevocation) => Promise<void> | void;

/**
 * Publishes a revocation to every SFU node of a fleet: kept in a sorted set (score = until) for nodes
 * that start later, and sent on the channel the live nodes listen to, in one transaction.
 */
export function redisRevoker(redis: Redis): RevokeRoom {
  return async (revocation) => {
    await redis
      .multi()
      .zadd(MEDIA_REVOCATIONS_KEY, revocation.until, revocation.room)
      .zremrangebyscore(MEDIA_REVOCATIONS_KEY, '-inf', Date.now())
      .publish(MEDIA_REVOCATION_CHANNEL, JSON.stringify(revocation))
      .exec();
  };
}

export interface MediaPeer {
  peer: string;
  name: string;
  role: Role;
  /** Supervisor monitoring: subscribes only, never announced. */
  hidden?: boolean;
  /** A prepare grant (`MediaGrantClaims.prepare`): readies a warm session for an offered call, nothing more. */
  prepare?: boolean;
}

/** Lower is better: load per worker, draining nodes never chosen. */
function load(node: SfuNodeInfo): number {
  const workers = Math.max(1, node.workers);
  return (node.consumers + node.rooms * 2) / workers + node.cpu * 100;
}

function leastLoaded(live: readonly SfuNodeInfo[]): SfuNodeInfo {
  const candidates = live.filter((n) => !n.draining).sort((a, b) => load(a) - load(b));
  const best = candidates[0];
  if (!best) throw new AblakError('NO_SFU_AVAILABLE', 'No media server is available right now');
  return best;
}

/**
 * Places rooms on SFU nodes and mints media grants. A room stays on the node it was first placed on
 * while that node is live (the placement is shared through the KV, first writer wins), so the
 * citizen's warm session and the clerk's grant meet on the same node.
 */
export class MediaBroker {
  constructor(
    private readonly deps: {
      store: Store;
      kv: SharedKv;
      tokens: TokenService;
      iceServers: readonly string[];
      logger: Logger;
      /** Tells the SFU nodes a room is revoked; set once the node(s) are known (see server.ts). */
      revoke?: RevokeRoom;
    },
  ) {}

  /** Where revocations go (embedded: the node in this process, set once it has started). */
  set revoker(revoke: RevokeRoom) {
    this.deps.revoke = revoke;
  }

  /**
   * A call ended (or was transferred: the ticket's next call gets a room of its own): every SFU node
   * closes its room and refuses grants for it from now on. Once per room across a fleet (every node
   * hears the call end; the first to claim the room publishes).
   */
  async endRoom(room: RoomId, now: number): Promise<void> {
    const revoke = this.deps.revoke;
    if (!revoke) return;
    if (!(await this.deps.kv.setIfAbsent(`revoked:${room}`, '1', REVOCATION_SECONDS))) return;
    await revoke({ room, until: now + REVOCATION_SECONDS * 1000 });
    this.deps.logger.info({ room }, 'media room revoked');
  }

  private get iceServers(): IceServer[] {
    return this.deps.iceServers.map((urls) => ({ urls }));
  }

  /**
   * The live node of a room, placing it when new or when its node died: on `prefer` (a node id) when
   * that node is live and not draining, else on the least-loaded live node.
   */
  async place(room: RoomId, now: number, prefer?: string | null): Promise<SfuNodeInfo> {
    const live = await this.deps.store.liveSfuNodes(now);
    const key = `room:${room}`;
    const placedId = await this.deps.kv.get(key);
    const placed = placedId ? live.find((n) => n.id === placedId) : undefined;
    if (placed) return placed;
    const preferred = prefer ? live.find((n) => n.id === prefer && !n.draining) : undefined;
    const best = preferred ?? leastLoaded(live);
    if (placedId) {
      // The old node died: move the room (both peers re-join through the new grants they receive).
      await this.deps.kv.set(key, best.id, PLACEMENT_TTL_SECONDS);
      this.deps.logger.warn({ room, from: placedId, to: best.id }, 'room moved to another SFU node');
      return best;
    }
    if (await this.deps.kv.setIfAbsent(key, best.id, PLACEMENT_TTL_SECONDS)) return best;
    return this.place(room, now, prefer);
  }

  /** The node a room is placed on, if it is placed (no placement is made). */
  placedNode(room: RoomId): Promise<string | null> {
    return this.deps.kv.get(`room:${room}`);
  }

  /**
   * MediaAccess for one peer of a room (places the room if needed, on `prefer` when given and live:
   * a call not yet placed goes to the node where the clerk's warm session waits).
   */
  async access(room: RoomId, peer: MediaPeer, now: number, prefer?: string | null, ttlSeconds?: number): Promise<MediaAccess> {
    const node = await this.place(room, now, prefer);
    const hidden = peer.hidden ?? false;
    const grant = this.deps.tokens.signGrant(
      {
        room,
        peer: PeerId.parse(peer.peer),
        name: peer.name.slice(0, 80) || peer.role,
        role: peer.role,
        canPublish: !hidden,
        canSubscribe: true,
        hidden,
        ...(peer.prepare ? { prepare: true } : {}),
      },
      ttlSeconds,
    );
    return { sfuUrl: node.url, room, grant, iceServers: this.iceServers };
  }

  /**
   * A grant for a throw-away room `probe-<uuid>` on the least-loaded live node (nothing is stored:
   * the room lives only while the probe is connected). Publish only, never subscribe.
   */
  async probe(now: number, ttlSeconds: number): Promise<MediaAccess & { expiresAt: number }> {
    const node = leastLoaded(await this.deps.store.liveSfuNodes(now));
    const id = randomUUID();
    const room = RoomId.parse(`probe-${id}`);
    const grant = this.deps.tokens.signGrant(
      {
        room,
        peer: PeerId.parse(`probe-${id}`),
        name: 'probe',
        role: 'citizen',
        canPublish: true,
        canSubscribe: false,
        hidden: false,
        probe: true,
      },
      ttlSeconds,
    );
    const expiresAt = this.deps.tokens.expiresAt(grant);
    return { sfuUrl: node.url, room, grant, iceServers: this.iceServers, expiresAt };
  }

  /** Like `access`, but null when no SFU is available (the warm-up is best effort). */
  async tryAccess(room: RoomId, peer: MediaPeer, now: number): Promise<MediaAccess | null> {
    // No node at all is the common miss (no SFU yet): answer it without building an error per join.
    if ((await this.deps.store.liveSfuNodes(now)).length === 0) return null;
    try {
      return await this.access(room, peer, now);
    } catch (error) {
      if (error instanceof AblakError && error.code === 'NO_SFU_AVAILABLE') return null;
      throw error;
    }
  }
}

/** A clerk's standby room: its media session waits there, warm, between calls (issue 8). */
export const standbyRoom = (clerkId: string): RoomId => RoomId.parse(`standby-${clerkId}`);
/**
 * A clerk's second standby room, on one given SFU node (`clerk:standby-media { near }`): named after
 * the node, so it is placed there and stays there while that node lives.
 */
export const satelliteRoom = (clerkId: string, nodeId: string): RoomId =>
  RoomId.parse(`standby-${clerkId}.${createHash('sha256').update(nodeId).digest('hex').slice(0, 12)}`);

export const peerIds = {
  citizen: (ticketId: string) => `citizen-${ticketId}`,
  clerk: (clerkId: string) => `clerk-${clerkId}`,
  supervisor: (supervisorId: string, nonce: string) => `monitor-${supervisorId}-${nonce}`,
};
