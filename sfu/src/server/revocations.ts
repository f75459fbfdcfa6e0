import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  MEDIA_GRANT_MAX_TTL_SECONDS,
  MEDIA_REVOCATION_CHANNEL,
  MEDIA_REVOCATIONS_KEY,
  MediaRevocation,
  type RoomId,
} from '@ablak/protocol';

/** How long a revocation must last: past every grant minted before it (longest life plus clock skew). */
export const REVOCATION_LIFE_MS = (MEDIA_GRANT_MAX_TTL_SECONDS + 15) * 1000;

/** Rooms whose grants this node no longer takes, each until a time; expired entries drop out. */
export class RevokedRooms {
  private readonly rooms = new Map<RoomId, number>();

  /** Records `room` as revoked until `until`; true when it was not revoked before. */
  add(room: RoomId, until: number, now = Date.now()): boolean {
    this.prune(now);
    if (until <= now) return false;
    const known = this.rooms.get(room);
    // Re-inserted so the map stays in expiry order (prune stops at the first entry still in force).
    this.rooms.delete(room);
    this.rooms.set(room, Math.max(until, known ?? 0));
    return known === undefined;
  }

  has(room: RoomId, now = Date.now()): boolean {
    const until = this.rooms.get(room);
    if (until === undefined) return false;
    if (until > now) return true;
    this.rooms.delete(room);
    return false;
  }

  get size(): number {
    return this.rooms.size;
  }

  private prune(now: number): void {
    // Insertion order is roughly expiry order (every entry lives as long): stop at the first live one.
    for (const [room, until] of this.rooms) {
      if (until > now) break;
      this.rooms.delete(room);
    }
  }
}

/** Where an SFU node hears of revocations (signaling publishes them); the node starts and closes it. */
export interface RevocationSource {
  start(onRevoked: (revocation: MediaRevocation) => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * Revocations from Redis (fleet): every new one from the channel (a subscriber connection of its own,
 * duplicated from `redis`), then the ones still in force at start from the sorted set. A malformed
 * message is logged and dropped. `redis` answers the start-up read; closed with the source when
 * `ownsRedis`.
 */
export class RedisRevocationSource implements RevocationSource {
  private subscriber: Redis | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly options: { ownsRedis?: boolean } = {},
  ) {}

  async start(onRevoked: (revocation: MediaRevocation) => void): Promise<void> {
    const deliver = (raw: string) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        parsed = undefined;
      }
      const revocation = MediaRevocation.safeParse(parsed);
      if (!revocation.success) {
        this.logger.warn({ channel: MEDIA_REVOCATION_CHANNEL, bytes: raw.length }, 'malformed revocation dropped');
        return;
      }
      onRevoked(revocation.data);
    };
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    subscriber.on('error', (error: unknown) => this.logger.warn({ err: error }, 'revocation subscriber error'));
    subscriber.on('message', (channel: string, message: string) => {
      if (channel === MEDIA_REVOCATION_CHANNEL) deliver(message);
    });
    // Subscribed before reading: a revocation published in between is heard (twice at worst).
    await subscriber.subscribe(MEDIA_REVOCATION_CHANNEL);
    const standing = await this.redis.zrangebyscore(MEDIA_REVOCATIONS_KEY, Date.now(), '+inf', 'WITHSCORES');
    for (let i = 0; i + 1 < standing.length; i += 2) {
      deliver(JSON.stringify({ room: standing[i], until: Number(standing[i + 1]) }));
    }
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
    if (this.options.ownsRedis) this.redis.disconnect();
  }
}
