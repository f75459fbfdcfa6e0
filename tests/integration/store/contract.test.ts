import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisServer } from '@ablak/tests/harness';
import { RedisStore } from '../../../signaling/src/store';
import { describeStoreContract } from '../../../signaling/src/store/contract';
import { T0, testCatalogue, ticketInput } from '../../../signaling/src/store/test-fixtures';

let redis: RedisServer;
let n = 0;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});

// Each test gets its own key prefix on one real redis-server.
describeStoreContract('RedisStore', (catalogue, options) => {
  const prefix = `{t${++n}}:`;
  return RedisStore.create(catalogue, { ...options, url: redis.url, prefix, sfuRegistryKey: `${prefix}sfu` });
});

describe('RedisStore.create', () => {
  it('also accepts (url, catalogue, options), the form the signaling server uses', async () => {
    const store = await RedisStore.create(redis.url, testCatalogue(), { dropGraceSeconds: 30, prefix: '{create}:' });
    try {
      const ticket = await store.enqueue(ticketInput('t1', 'a1'), T0);
      expect(ticket.queue).toBe('A');
    } finally {
      await store.close();
    }
  });
});
