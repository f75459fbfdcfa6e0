import type { Redis } from 'ioredis';
import { openRedis, urlTarget, type RedisTarget } from '../store/redis/connection';
import type { SharedKv } from './types';

const PREFIX = 'ablak:kv:';

/**
 * SharedKv on Redis (fleet mode). Owns its connection; while Redis is away every call fails at once
 * with AblakError('UNAVAILABLE') (see store/redis/connection.ts).
 */
export class RedisKv implements SharedKv {
  private readonly redis: Redis;
  private closed = false;

  constructor(target: string | RedisTarget) {
    this.redis = openRedis(typeof target === 'string' ? urlTarget(target) : target, 'request', {
      enableAutoPipelining: true,
    });
    this.redis.connect().catch(() => undefined);
  }

  async get(key: string): Promise<string | null> {
    return this.redis.get(PREFIX + key);
  }
  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(PREFIX + key, value, 'EX', ttlSeconds);
  }
  async setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    return (await this.redis.set(PREFIX + key, value, 'EX', ttlSeconds, 'NX')) === 'OK';
  }
  async getBuffer(key: string): Promise<Buffer | null> {
    return this.redis.getBuffer(PREFIX + key);
  }
  async setBuffer(key: string, value: Buffer, ttlSeconds: number): Promise<void> {
    await this.redis.set(PREFIX + key, value, 'EX', ttlSeconds);
  }
  async push(key: string, value: string, ttlSeconds: number, max: number): Promise<void> {
    await this.redis
      .multi()
      .rpush(PREFIX + key, value)
      .ltrim(PREFIX + key, -max, -1)
      .expire(PREFIX + key, ttlSeconds)
      .exec();
  }
  async list(key: string): Promise<string[]> {
    return this.redis.lrange(PREFIX + key, 0, -1);
  }
  async del(key: string): Promise<void> {
    await this.redis.del(PREFIX + key);
  }
  async incr(key: string, ttlSeconds: number): Promise<number> {
    const replies = await this.redis
      .multi()
      .set(PREFIX + key, '0', 'EX', ttlSeconds, 'NX')
      .incr(PREFIX + key)
      .exec();
    const [error, count] = replies?.[1] ?? [new Error('incr: no reply'), null];
    if (error) throw error;
    return Number(count);
  }
  async mapSet(key: string, field: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis
      .multi()
      .hset(PREFIX + key, field, value)
      .expire(PREFIX + key, ttlSeconds)
      .exec();
  }
  async mapGetAll(key: string): Promise<Record<string, string>> {
    return this.redis.hgetall(PREFIX + key);
  }
  async mapDel(key: string, field: string): Promise<void> {
    await this.redis.hdel(PREFIX + key, field);
  }
  async ping(): Promise<boolean> {
    try {
      return (await this.redis.ping()) === 'PONG';
    } catch {
      return false;
    }
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.redis.disconnect();
  }
}
