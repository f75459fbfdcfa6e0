import type { Redis } from 'ioredis';
import { SFU_NODE_TTL_MS, SFU_REGISTRY_REDIS_KEY, SfuNodeInfo, type SfuNodeId } from '@ablak/protocol';

/** Where an SFU node announces itself; signaling reads the same store to place calls. */
export interface SfuRegistryPublisher {
  publish(info: SfuNodeInfo): Promise<void>;
  remove(id: SfuNodeId): Promise<void>;
}

/** Live nodes among raw registry entries: parseable and heard from within SFU_NODE_TTL_MS. */
export function liveSfuNodes(entries: Iterable<string>, now = Date.now()): SfuNodeInfo[] {
  const live: SfuNodeInfo[] = [];
  for (const raw of entries) {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      continue;
    }
    const parsed = SfuNodeInfo.safeParse(value);
    if (parsed.success && now - parsed.data.updatedAt < SFU_NODE_TTL_MS) live.push(parsed.data);
  }
  return live;
}

/** The embedded default: the registry is a map in this process. */
export class MemorySfuRegistry implements SfuRegistryPublisher {
  private readonly nodes = new Map<string, string>();

  async publish(info: SfuNodeInfo): Promise<void> {
    this.nodes.set(info.id, JSON.stringify(info));
  }

  async remove(id: SfuNodeId): Promise<void> {
    this.nodes.delete(id);
  }

  async list(now = Date.now()): Promise<SfuNodeInfo[]> {
    return liveSfuNodes(this.nodes.values(), now);
  }
}

/**
 * Fleet mode: hash SFU_REGISTRY_REDIS_KEY, field = node id, value = JSON SfuNodeInfo. A node that stops
 * heartbeating ages out by `updatedAt`; entries older than ten TTLs are pruned by any publisher.
 * The Redis connection belongs to the caller.
 */
export class RedisSfuRegistry implements SfuRegistryPublisher {
  constructor(
    private readonly redis: Redis,
    private readonly key = SFU_REGISTRY_REDIS_KEY,
  ) {}

  async publish(info: SfuNodeInfo): Promise<void> {
    await this.redis.hset(this.key, info.id, JSON.stringify(info));
  }

  async remove(id: SfuNodeId): Promise<void> {
    await this.redis.hdel(this.key, id);
  }

  async list(now = Date.now()): Promise<SfuNodeInfo[]> {
    const all = await this.redis.hgetall(this.key);
    const stale = Object.entries(all)
      .filter(([, raw]) => liveSfuNodes([raw], now - 9 * SFU_NODE_TTL_MS).length === 0)
      .map(([id]) => id);
    if (stale.length > 0) await this.redis.hdel(this.key, ...stale);
    return liveSfuNodes(Object.values(all), now);
  }
}
