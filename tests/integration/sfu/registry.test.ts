import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SFU_NODE_TTL_MS, SFU_REGISTRY_REDIS_KEY, SfuNodeId, type SfuNodeInfo } from '@ablak/protocol';
import { RedisSfuRegistry } from '@ablak/sfu';
import { startRedis, type RedisServer } from '@ablak/tests/harness';

let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

const info = (id: string, updatedAt: number): SfuNodeInfo => ({
  id: SfuNodeId.parse(id),
  url: `http://${id}.example:4443`,
  workers: 2,
  rooms: 3,
  consumers: 12,
  cpu: 0.25,
  draining: false,
  updatedAt,
});

describe('the Redis SFU registry', () => {
  it('keeps one JSON field per node in the shared hash, lists only nodes heard from within the TTL, and forgets removed ones', async () => {
    const registry = new RedisSfuRegistry(redis);
    const now = Date.now();
    await registry.publish(info('sfu-a', now));
    await registry.publish(info('sfu-b', now - SFU_NODE_TTL_MS - 1));
    expect(JSON.parse((await redis.hget(SFU_REGISTRY_REDIS_KEY, 'sfu-a')) ?? '{}')).toMatchObject({ rooms: 3, consumers: 12 });
    expect((await registry.list(now)).map((n) => n.id)).toEqual(['sfu-a']);
    await registry.remove(SfuNodeId.parse('sfu-a'));
    expect(await redis.hexists(SFU_REGISTRY_REDIS_KEY, 'sfu-a')).toBe(0);
    // Long-dead entries are pruned by the next reader.
    await registry.publish(info('sfu-c', now - 20 * SFU_NODE_TTL_MS));
    await registry.list(now);
    expect(await redis.hexists(SFU_REGISTRY_REDIS_KEY, 'sfu-c')).toBe(0);
  });
});
