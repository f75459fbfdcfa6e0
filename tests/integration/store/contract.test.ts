import { afterAll, beforeAll } from 'vitest';
import { startRedis, type RedisServer } from '@ablak/tests/harness';
import { RedisStore, describeStoreContract } from '../../../signaling/src/store';

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
