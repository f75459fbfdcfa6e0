import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryKv, RedisKv, type SharedKv } from '@ablak/signaling';
import { startRedis, type RedisServer } from '@ablak/tests/harness';

/** The shared KV behaves the same in memory (embedded) and on Redis (fleet). */
function describeKv(name: string, open: () => SharedKv) {
  describe(`SharedKv on ${name}`, () => {
    let kv: SharedKv;
    beforeAll(() => {
      kv = open();
    });
    afterAll(() => kv.close());

    it('counts in a window that starts at the first act and ends with its expiry', async () => {
      expect(await kv.incr('c', 1)).toBe(1);
      expect(await kv.incr('c', 60)).toBe(2);
      expect(await kv.incr('c', 60)).toBe(3);
      // The later calls' longer expiry does not extend the window opened by the first.
      await new Promise((r) => setTimeout(r, 1300));
      expect(await kv.incr('c', 60)).toBe(1);
    });

    it('keeps a map of fields, removes one, and forgets it all at expiry', async () => {
      await kv.mapSet('m', 'a', '1', 60);
      await kv.mapSet('m', 'b', '2', 60);
      await kv.mapSet('m', 'a', '3', 1);
      await kv.mapDel('m', 'b');
      expect(await kv.mapGetAll('m')).toEqual({ a: '3' });
      expect(await kv.mapGetAll('none')).toEqual({});
      await new Promise((r) => setTimeout(r, 1300));
      expect(await kv.mapGetAll('m')).toEqual({});
    });

    it('caps a list at its newest entries and lets the first writer win', async () => {
      for (let i = 0; i < 5; i++) await kv.push('l', String(i), 60, 3);
      expect(await kv.list('l')).toEqual(['2', '3', '4']);
      expect(await kv.setIfAbsent('once', 'a', 60)).toBe(true);
      expect(await kv.setIfAbsent('once', 'b', 60)).toBe(false);
      expect(await kv.get('once')).toBe('a');
    });
  });
}

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

describeKv('memory', () => new MemoryKv());
describeKv('Redis', () => new RedisKv(redis.url));
